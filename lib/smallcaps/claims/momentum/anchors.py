"""Published results the momentum chapter reproduces on its own data (the referee revision,
issue 13): Cooper, Gutierrez and Hameed (2004) and Daniel and Moskowitz (2016).

Each anchor is computed on the paper's own sample, whatever the chapter's window (the inputs
hold the whole history), and carries the paper's number, the book's, the tolerance fixed before
computing and why the two constructions differ (:class:`~smallcaps.claims.contract.Anchor`).

Units: monthly means in percent a month (as the papers report them); betas per unit.
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ... import stats
from ...analytics import momentum as am
from ...analytics import regimes as ar
from ...display import Fact, count, num, percent, text
from ..contract import Anchor
from .inputs import MomentumInputs

#: Cooper, Gutierrez and Hameed (2004): the sample, the market-state look-back, and the mean monthly
#: return of their momentum portfolio after UP and DOWN markets (their headline result, %/month).
CGH_SAMPLE = (pd.Period("1929-01", "M"), pd.Period("1995-12", "M"))
CGH_LOOKBACK = 36
CGH_UP, CGH_DOWN = 0.93, -0.37
#: Tolerance (%/month), fixed before computing: a quarter of the published gap between the states
#: (1.30 %/month), so that a reproduction inside it keeps the paper's conclusion whatever the
#: construction (French's 2x3 value-weighted portfolios, formed on returns from t-12 to t-2, against
#: CGH's deciles formed on six months and held for six).
CGH_TOLERANCE = round(0.25 * (CGH_UP - CGH_DOWN), 3)

#: Daniel and Moskowitz (2016), Table 3: WML (top minus bottom decile, value-weighted) on the market,
#: 1927:01 to 2013:03, bear indicator = the market's cumulative return over the previous 24 months
#: negative. beta_B: the change in WML's market beta in bear markets (their column 2); beta_BU: the
#: further change in bear markets when the market rises the same month, a rebound (column 3).
#: These published values were checked offline only against a third-party replication's summary
#: (see the chapter's review rows); check them against the paper's Table 3.
DM_SAMPLE = (pd.Period("1927-01", "M"), pd.Period("2013-03", "M"))
DM_LOOKBACK = 24
DM_BETA_B, DM_BETA_BU = -1.131, -0.815
#: Tolerance, fixed before computing: half the published magnitude. French's UMD holds the top and
#: bottom 30% of stocks by prior return within two size groups, not the extreme deciles, so its
#: spread, and its betas, are smaller than DM's decile WML; a reproduction with the same sign and at
#: least half (at most one and a half times) the published size is the same finding.
DM_TOLERANCE_SHARE = 0.5


class ChapterAnchors:
    """The chapter's anchors on its inputs: CGH's momentum after UP and DOWN markets (small-cap
    momentum and UMD) and DM's bear-market beta of WML (UMD) and rebound term."""

    def __init__(self, inputs: MomentumInputs):
        self.inputs = inputs

    # -- CGH ---------------------------------------------------------------------------------------

    @cached_property
    def cgh(self) -> dict[str, dict[str, float]]:
        """Series -> state -> mean (%/month), with months per state, over CGH's sample."""
        inp = self.inputs
        state = ar.market_state(inp.factors["market"], CGH_LOOKBACK)
        series = {"small-cap momentum": inp.momentum["small"], "UMD": inp.factors["umd"],
                  "big-cap momentum": inp.momentum["big"]}
        out = {}
        for name, x in series.items():
            x = x.loc[CGH_SAMPLE[0]: CGH_SAMPLE[1]].dropna()
            lab = state.reindex(x.index)
            out[name] = {s: percent(float(x[lab == s].mean())) for s in ("up", "down")}
            out[name].update({f"n_{s}": int((lab == s).sum()) for s in ("up", "down")})
        return out

    def cgh_anchors(self) -> list[Anchor]:
        """CGH's UP and DOWN means beside small-cap momentum's and UMD's."""
        note = ("CGH: deciles of NYSE and AMEX stocks formed on six months of returns and held six months, 1929-1995; "
                "the book: French's value-weighted 2x3 portfolios formed on returns from t-12 to t-2 (small-cap "
                "momentum: small high minus small low prior return; UMD: the average of the small and big spreads), "
                "same sample and 36-month market state. The spreads hold the top and bottom 30% of stocks rather "
                "than deciles, and small-cap momentum is more extreme than the all-stock deciles after UP markets.")
        sample = (f"{CGH_SAMPLE[0]} to {CGH_SAMPLE[1]}, market state over the previous {CGH_LOOKBACK} months "
                  f"(paper: 1929-1995)")
        out = []
        for series in ("small-cap momentum", "UMD"):
            for state, published in (("up", CGH_UP), ("down", CGH_DOWN)):
                out.append(Anchor(
                    name=f"CGH (2004): momentum after {state.upper()} markets ({series}), % a month",
                    citation="cooper2004", published=published, reproduced=self.cgh[series][state], unit="% a month",
                    sample=sample, tolerance=CGH_TOLERANCE, note=note))
        return out

    def cgh_table(self) -> pd.DataFrame:
        """Each series' mean after UP and DOWN markets (%/month) and months, beside CGH's."""
        rows = [{"series": name, "after UP": round(v["up"], 2), "after DOWN": round(v["down"], 2),
                 "months UP | DOWN": f"{v['n_up']} | {v['n_down']}"} for name, v in self.cgh.items()]
        rows.append({"series": "CGH (2004), published", "after UP": CGH_UP, "after DOWN": CGH_DOWN,
                     "months UP | DOWN": "see the paper"})
        return pd.DataFrame(rows).set_index("series")

    # -- DM ----------------------------------------------------------------------------------------

    @cached_property
    def dm(self) -> dict[str, stats.Estimate]:
        """UMD on DM's sample: ``beta_B`` (their column 2) and ``beta_BU`` (column 3)."""
        inp = self.inputs
        y = inp.factors["umd"].loc[DM_SAMPLE[0]: DM_SAMPLE[1]]
        st = ar.market_state(inp.factors["market"], DM_LOOKBACK)
        bear = (st == "down").astype(float).where(st.notna())
        two = am.dm_regression(y, inp.factors["mkt_rf"], bear, rebound=False)
        three = am.dm_regression(y, inp.factors["mkt_rf"], bear)
        return {"beta_B": stats.coef_estimate(two, "bear x market"),
                "beta_BU": stats.coef_estimate(three, "bear x up x market"),
                "months": int(three.nobs)}

    def dm_anchors(self) -> list[Anchor]:
        """DM's bear-market beta change and rebound term beside UMD's."""
        note = ("DM: WML, the top minus the bottom decile by return from t-12 to t-2 (CRSP, value-weighted); the "
                "book: French's UMD, whose legs are the top and bottom 30% within two size groups, so its betas are "
                "smaller in size; same sample, bear indicator and regressions (Newey-West errors).")
        sample = (f"{DM_SAMPLE[0]} to {DM_SAMPLE[1]}, bear market = market return over the previous {DM_LOOKBACK} "
                  f"months negative (paper: 1927:01-2013:03)")
        d = self.dm
        return [Anchor(name="DM (2016): change in WML's market beta in bear markets (UMD)", citation="daniel2016",
                       published=DM_BETA_B, reproduced=d["beta_B"].value, unit="beta", sample=sample,
                       tolerance=round(DM_TOLERANCE_SHARE * abs(DM_BETA_B), 4), note=note),
                Anchor(name="DM (2016): bear-market rebound term of WML's beta (UMD)", citation="daniel2016",
                       published=DM_BETA_BU, reproduced=d["beta_BU"].value, unit="beta", sample=sample,
                       tolerance=round(DM_TOLERANCE_SHARE * abs(DM_BETA_BU), 4), note=note)]

    def all(self) -> list[Anchor]:
        return [*self.cgh_anchors(), *self.dm_anchors()]

    # -- prose ---------------------------------------------------------------------------------------

    def phrase_cgh_reading(self) -> str:
        """How many of the four CGH reproductions lie within the tolerance, and whether each series
        keeps the paper's finding (a positive mean after UP markets, above the mean after DOWN)."""
        got = self.cgh_anchors()
        n = sum(a.within for a in got)
        head = "All four are within the tolerance" if n == len(got) else f"{n} of the four are within the tolerance"
        keeps = all(self.cgh[s]["up"] > 0 > self.cgh[s]["down"] for s in ("small-cap momentum", "UMD"))
        tail = ("both series keep CGH's finding: a positive mean after UP markets, a negative one after DOWN ones"
                if keeps else "the series do not both keep CGH's finding (a positive mean after UP markets, a "
                "negative one after DOWN ones)")
        return f"{head}, and {tail}"

    def phrase_cgh_direction(self) -> str:
        """Where small-cap momentum sits against CGH's numbers: ``above CGH's number after UP
        markets and above it after DOWN ones``."""
        c = self.cgh["small-cap momentum"]
        up = "above" if c["up"] > CGH_UP else "below"
        down = "above" if c["down"] > CGH_DOWN else "below"
        return f"{up} CGH's number after UP markets and {down} it after DOWN ones"

    def phrase_dm_reading(self) -> str:
        """How UMD's betas compare with DM's: same or opposite signs, smaller or larger in size."""
        pairs = [(self.dm["beta_B"].value, DM_BETA_B), (self.dm["beta_BU"].value, DM_BETA_BU)]
        same = all((r < 0) == (p < 0) for r, p in pairs)
        smaller = all(abs(r) < abs(p) for r, p in pairs)
        larger = all(abs(r) > abs(p) for r, p in pairs)
        sign = "the same signs as published" if same else "not both of the published sign"
        size = ("smaller in size, as 30% tails rather than deciles predict" if smaller else
                "larger in size than published" if larger else "one smaller and one larger in size than published")
        return f"{sign}, {size}"

    def facts(self) -> dict[str, Fact]:
        """The anchors' numbers for the prose (tolerances first: they are stated before the numbers)."""
        c, d = self.cgh, self.dm
        return {
            "m_cgh_up": num(CGH_UP, 2), "m_cgh_down": num(CGH_DOWN, 2), "m_cgh_tol": num(CGH_TOLERANCE, 3),
            "m_cgh_gap": num(CGH_UP - CGH_DOWN, 2),
            "m_cgh_small_up": num(c["small-cap momentum"]["up"], 2),
            "m_cgh_small_down": num(c["small-cap momentum"]["down"], 2),
            "m_cgh_umd_up": num(c["UMD"]["up"], 2), "m_cgh_umd_down": num(c["UMD"]["down"], 2),
            "m_cgh_big_up": num(c["big-cap momentum"]["up"], 2), "m_cgh_big_down": num(c["big-cap momentum"]["down"], 2),
            "m_cgh_months_up": count(c["small-cap momentum"]["n_up"]),
            "m_cgh_months_down": count(c["small-cap momentum"]["n_down"]),
            "m_dm_beta_b": num(DM_BETA_B, 3), "m_dm_beta_bu": num(DM_BETA_BU, 3),
            "m_dm_tol_share": text(f"{DM_TOLERANCE_SHARE:.0%}".replace("%", "")),
            "m_dm_umd_beta_b": num(d["beta_B"].value, 2), "m_dm_umd_beta_b_t": num(d["beta_B"].t, 1),
            "m_dm_umd_beta_bu": num(d["beta_BU"].value, 2), "m_dm_umd_beta_bu_t": num(d["beta_BU"].t, 1),
            "m_dm_months": count(d["months"]),
            "m_cgh_reading": text(self.phrase_cgh_reading()), "m_cgh_direction": text(self.phrase_cgh_direction()),
            "m_dm_reading": text(self.phrase_dm_reading()),
        }
