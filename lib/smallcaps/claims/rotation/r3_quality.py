"""R3. A rotation toward quality? Sources [A] and [C], 2026.

Claim: the 2026 move is a rotation toward profitable, dividend-paying small caps and away from
unprofitable ones, after a 2025 led by unprofitable stocks.

Evidence: five quality small-cap ETFs and their equal-weight basket against IWM (which holds
the unprofitable firms), raw and beta-adjusted (the basket minus its beta times IWM, the beta
estimated on weeks before the claim year: the claim is about quality, not about beta), by
calendar year, at each date [A] could have been written and on the reading date, with a noise
band from the pair's daily noise; and, as long-run context, French's quality-minus-junk
portfolios (size x operating profitability, earnings yield, dividend yield), raw and with CAPM
and Fama-French three-factor alphas. The claim is decided at its date, the first day [A] could
have been written; the reading on the reading date is shown beside it. Units: returns and premia
are decimals (premia a year).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import calendar_year_returns, from_percent, year_to_date
from ...display import Fact, Text, count, iso, pct, percent, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, mean_hac
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample
from .common import NO_ROWS, RotationClaim, _rounded, band_phrase, decided_at_choice, spread_statistic
from .inputs import A_DATES, BASKET, BROAD, CLAIM_YEAR, QUALITY, ytd_daily_diff
from .inputs import band as spread_band
from .registered import REGISTERED

#: Weeks before the claim year needed to estimate a fund's beta to IWM (the beta-adjusted lens).
BETA_MIN_WEEKS = 26
MEASURES = ("beta-adjusted", "raw")

#: The French long-run rows the prose cites, by their labels in the evidence.
OP_VW = "small high minus low profitability (value weighted)"
OP_EW = "small high minus low profitability (equal weighted)"
EP_VW = "positive minus negative earnings (value weighted)"
DP_VW = "dividend payers minus non-payers (value weighted)"
LONGRUN = {OP_VW: "small-cap profitability", EP_VW: "positive earnings", DP_VW: "paying a dividend"}
#: The sorts of the alpha table (labels of ``analytics.rotation.FRENCH_LENS``).
EP, DP = "positive minus negative earnings", "dividend payers minus non-payers"
SHORT_NAMES = {"IJR": "IJR (S&P 600)", "OUSM": "OUSM (quality dividend)", "XSHQ": "XSHQ (S&P 600 quality)",
               "SMDV": "SMDV (dividend growers)", "DES": "DES (dividend weighted)", BASKET: "basket (equal weight)"}


@dataclass
class R3Evidence:
    """Evidence for R3 (decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    calendar
        Calendar-year return of each quality ETF and the basket minus IWM (rows: funds; columns:
        years as strings), with a last column for the claim year to date (when in the window).
    spread_prior, spread_year
        The same for the year before the claim year and the claim year to date (Series by fund).
    band
        (low, high, method): the band of the basket's claim-year spread.
    basket_peak
        Highest basket-minus-IWM year-to-date spread in the claim year and its date.
    french
        Long-run quality-minus-junk premia from the French portfolios: ``mean a year`` (monthly
        mean x 12) with a HAC interval (``ci_low``, ``ci_high``), ``t``, sample months, first
        and last month.
    french_sub
        The small-cap profitability premium (a year) in three subperiods.
    french_years
        Calendar-year premia for the last years each French series covers.
    french_cum
        Cumulative growth of a dollar in each value-weighted long-short series (monthly).
    rmw_prior
        All-size RMW (French) compounded over the months of the year before the claim year that
        the file covers, and that number of months.
    """

    reason: str
    reading_date: pd.Timestamp | None
    calendar: pd.DataFrame
    spread_prior: pd.Series
    spread_year: pd.Series
    band: tuple[float, float, str] | None
    basket_peak: tuple[float | None, pd.Timestamp | None]
    n_days: int
    french: pd.DataFrame
    french_sub: pd.DataFrame
    french_years: pd.DataFrame
    french_cum: pd.DataFrame
    rmw_prior: tuple[float | None, int]
    first_day: pd.Timestamp | None = None
    betas: dict[str, Estimate] | None = None
    raw_paths: pd.DataFrame | None = None
    adj_paths: pd.DataFrame | None = None
    raw_daily: pd.Series | None = None
    adj_daily: pd.Series | None = None
    prior_adj: pd.Series | None = None
    alphas: pd.DataFrame | None = None
    beta_problem: str = ""

    def reading(self, date, measure: str) -> dict:
        """The claim read on ``date`` (the last trading day on or before it) with ``measure``:
        ``date``, the basket's ``spread`` (decimal: year-to-date return minus IWM's for ``raw``; the
        summed daily return minus beta times IWM's for ``beta-adjusted``), its noise ``band``,
        ``n_days``, ``first_day``, ``agree`` (ETFs ahead of IWM on the same measure), ``prior``
        (the basket's spread over the year before, same measure, or None) and ``leaders``."""
        paths = self.raw_paths if measure == "raw" else self.adj_paths
        daily = self.raw_daily if measure == "raw" else self.adj_daily
        d = paths.loc[: pd.Timestamp(date)].index.max()
        row = paths.loc[d]
        dd = daily.loc[:d]
        spread = float(row[BASKET])
        band = spread_band(dd, spread)
        prior = self.basket_prior if measure == "raw" else (
            None if self.prior_adj is None or pd.isna(self.prior_adj.get(BASKET, np.nan))
            else float(self.prior_adj[BASKET]))
        funds = row.drop(BASKET).dropna()
        return {"date": d, "spread": spread, "band": band, "n_days": len(dd), "first_day": dd.index[0],
                "agree": int((funds > 0).sum()), "prior": prior, "leaders": [t for t in QUALITY if funds.get(t, 0) > 0]}

    @property
    def basket_year(self) -> float | None:
        return None if self.reason else float(self.spread_year[BASKET])

    @property
    def basket_prior(self) -> float | None:
        v = self.spread_prior.get(BASKET, float("nan")) if len(self.spread_prior) else float("nan")
        return None if pd.isna(v) else float(v)

    @property
    def agree(self) -> int:
        return 0 if self.reason else int((self.spread_year.drop(BASKET) > 0).sum())


def _premia(series: pd.DataFrame, label_suffix: str = "") -> pd.DataFrame:
    """Mean a year (decimal, HAC interval) of each monthly long-short series with 24+ months."""
    rows = {}
    for col in series.columns:
        s = series[col].dropna()
        if len(s) < 24:
            continue
        e = mean_hac(s).scaled(12)
        rows[col + label_suffix] = {"first": str(s.index[0]), "last": str(s.index[-1]), "months": len(s),
                                    "mean a year": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "quality minus junk"
    return out


class R3(RotationClaim):
    id: ClassVar[str] = "R3"
    heading: ClassVar[str] = "A rotation toward quality?"
    kind: ClassVar[str] = "fact"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "french_op", "french_ep", "french_ff")
    claim_dates: ClassVar[tuple[str, ...]] = A_DATES
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("agree_min", 4, {"a majority (3 of 5)": 3, "all five": 5},
               "how many of the five quality ETFs must lead IWM in the claim year with the basket",
               check=lambda v: None if 1 <= v <= len(QUALITY) else f"1 to {len(QUALITY)}"),
        decided_at_choice(),
        Choice("measure", "beta-adjusted", {"registered: raw": "raw"},
               "beta-adjusted: each fund's daily return minus its beta to IWM (weekly, before the claim year) times "
               "IWM's, summed; raw: the difference of year-to-date returns",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R3",
        claim=f"The {CLAIM_YEAR} move is a rotation toward profitable, dividend-paying small caps and away from "
              f"unprofitable ones, after a {CLAIM_YEAR - 1} led by unprofitable stocks",
        hypothesis=f"quality small-cap ETFs, beta for beta, trailed the broad Russell 2000 (which holds the "
                   f"unprofitable firms) in {CLAIM_YEAR - 1} and led it in {CLAIM_YEAR} when the claim was made.",
        statistic=f"the equal-weight {BASKET} ({', '.join(QUALITY)}, rebalanced daily) against {BROAD}, "
                  f"{{measure_words}}, from the first trading day of {CLAIM_YEAR} to {{decided_words}}, in pp, with "
                  f"a noise band of 1.96 HAC standard errors of the summed daily difference (not a confidence "
                  f"interval: the spread is a fact); the same for calendar {CLAIM_YEAR - 1}; and how many of the "
                  f"five ETFs lead {BROAD} on the same measure. The other reading (claim date or reading date) and "
                  f"the raw spread are shown beside it.",
        supported=f"the basket trailed {BROAD} in {CLAIM_YEAR - 1}, leads it in {CLAIM_YEAR} on that date, and at "
                  f"least {{agree_min}} of the five ETFs lead {BROAD}",
        partly=f"the basket leads in {CLAIM_YEAR} but fewer than {{agree_min}} ETFs agree, or {CLAIM_YEAR - 1} was "
               f"not a year in which the basket trailed",
        not_supported=f"the basket does not lead {BROAD} in {CLAIM_YEAR} on that date",
        untestable=f"the window lacks {CLAIM_YEAR}, the basket has no close at the end of {CLAIM_YEAR - 1}, or (beta "
                   f"adjusted) fewer than {BETA_MIN_WEEKS} weeks of the basket and {BROAD} before {CLAIM_YEAR}; "
                   f"the French profitability, earnings and dividend portfolios (to 2024-12 and 2023-02) are "
                   f"long-run context and cannot see {CLAIM_YEAR - 1}-{CLAIM_YEAR}",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason=f"Referee (rotation-momentum, D2, D4): R3 was read only on the reading date while [A] dates it to early "
               f"{CLAIM_YEAR}, and it compared a basket with a beta of about 0.84 with IWM in a year IWM rose about "
               f"20%. A claim about quality is now decided beta for beta (the basket minus its pre-{CLAIM_YEAR} beta "
               f"times IWM, summed daily), at the claim's date: the first day [A] could have been written (the first "
               f"day OUSM stood at or passed through the 4.6% it quotes); the reading date and the raw spread are "
               f"shown beside it.",
        old_rule=REGISTERED["R3"], registered_spec={"decided_at": "reading date", "measure": "raw"}),)

    @classmethod
    def template_values(cls, spec) -> dict[str, Any]:
        measure = ("the summed daily return of the basket minus its weekly beta to IWM (estimated on the weeks "
                   f"before {CLAIM_YEAR}) times IWM's" if spec["measure"] == "beta-adjusted"
                   else "the year-to-date return minus IWM's")
        decided = (f"the claim's date (the first day [A] could have been written, {A_DATES[0]}; the reading date if "
                   f"earlier)" if spec["decided_at"] == "claim date"
                   else "the reading date (the last day on or before as_of with all prices)")
        return {**dict(spec), "measure_words": measure, "decided_words": decided}

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        m = "beta-adjusted" if self.spec.measure == "beta-adjusted" else "raw"
        return f"{BASKET} minus {BROAD}, {m}, {CLAIM_YEAR} to the {'claim' if self.decided_at_claim_date else 'reading'} date"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R3Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = [*QUALITY, BROAD]
        close = cut.close[tickers]
        # long-run French lens (always computable where the window overlaps the files)
        fq_vw = rot.french_quality_series(cut.french, "vw")
        fq_ew = rot.french_quality_series(cut.french, "ew")
        french = pd.concat([_premia(fq_vw, " (value weighted)"), _premia(fq_ew, " (equal weighted)")])
        op = fq_vw["small high minus low profitability"].dropna()
        sub_rows = {}
        if len(op) >= 72:
            for label, a, b in rot.subperiods(op.index, 3):
                e = mean_hac(op.loc[a:b]).scaled(12)
                sub_rows[label] = {"mean a year": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "months": e.n}
        french_sub = pd.DataFrame.from_dict(sub_rows, orient="index")
        french_sub.index.name = "subperiod"
        years = pd.DataFrame({c: rot.compound_by_year(fq_vw[c]) for c in fq_vw.columns})
        french_years = years.dropna(how="all").tail(3)
        french_cum = (1.0 + fq_vw.fillna(0.0)).cumprod().where(fq_vw.notna())
        rmw = from_percent(cut.french["ff5"]["RMW"]).dropna()
        rmw_y = rmw[rmw.index.year == CLAIM_YEAR - 1]
        rmw_prior = (float((1 + rmw_y).prod() - 1) if len(rmw_y) else None, len(rmw_y))
        factors = from_percent(cut.french["factors"][["Mkt-RF", "SMB", "HML"]])
        alpha_rows = []
        for col in fq_vw.columns:
            x = fq_vw[col].dropna()
            if len(x) >= 36:
                t = rot.factor_alphas(x, factors).reset_index()
                t.insert(0, "sort", col)
                alpha_rows.append(t)
        alphas = pd.concat(alpha_rows, ignore_index=True).set_index(["sort", "model"]) if alpha_rows else pd.DataFrame()
        # ETF lens
        try:
            basket = cut.quality_basket()
        except DataError:  # fewer than two days on which all five funds quote: no basket
            basket = pd.Series(dtype=float, name=BASKET)
        levels = pd.concat([close, basket], axis=1, sort=True)
        cal = calendar_year_returns(levels)
        rel = pd.DataFrame({f"{t}": cal[t] - cal[BROAD] for t in [*QUALITY, BASKET]}).dropna(how="all").T
        rel.columns = [str(c) for c in rel.columns]
        prior = rel[str(CLAIM_YEAR - 1)] if str(CLAIM_YEAR - 1) in rel.columns else pd.Series(dtype=float)
        problem = cut.year_problem(tickers, as_of)
        if problem:
            return R3Evidence(problem, None, rel, prior, pd.Series(dtype=float), None, (None, None), 0, french,
                              french_sub, french_years, french_cum, rmw_prior, alphas=alphas)
        reading = cut.reading_date(tickers, as_of)
        ytd = year_to_date(levels, reading).dropna(how="all")
        spread_path = ytd[[*QUALITY, BASKET]].sub(ytd[BROAD], axis=0)
        spread_year = spread_path.loc[reading]
        rel[f"{CLAIM_YEAR} to date"] = spread_year
        daily = ytd_daily_diff(basket, cut.close[BROAD], reading)
        band = spread_band(daily, spread_year[BASKET])
        peak = (float(spread_path[BASKET].max()), spread_path[BASKET].idxmax())
        ev = R3Evidence("", reading, rel, prior, spread_year, band, peak, len(daily), french, french_sub,
                        french_years, french_cum, rmw_prior, first_day=daily.index[0], raw_paths=spread_path,
                        raw_daily=daily, alphas=alphas)
        self._beta_adjusted(ev, levels, cut.close[BROAD], reading)
        return ev

    @staticmethod
    def _beta_adjusted(ev: R3Evidence, levels: pd.DataFrame, iwm: pd.Series, reading: pd.Timestamp) -> None:
        """Each fund's beta to IWM on the weeks before the claim year, and its summed daily return
        minus beta times IWM's: in the claim year to date (a path) and over the year before."""
        end_prior = pd.Timestamp(CLAIM_YEAR - 1, 12, 31)
        betas, paths, prior = {}, {}, {}
        first = pd.Timestamp(CLAIM_YEAR, 1, 1)
        for t in [*QUALITY, BASKET]:
            b = rot.weekly_beta(levels[t], iwm, end=end_prior, min_weeks=BETA_MIN_WEEKS)
            if b is None:
                continue
            betas[t] = b
            h = rot.hedged_daily(levels[t].loc[:reading], iwm.loc[:reading], b.value)
            paths[t] = h.loc[first:reading].cumsum()
            last = h.loc[pd.Timestamp(CLAIM_YEAR - 1, 1, 1): end_prior]
            # a whole year before the claim year (its first close in the data's first week of that year)
            whole = len(last) and levels[t].loc[:pd.Timestamp(CLAIM_YEAR - 2, 12, 31)].notna().any()
            prior[t] = float(last.sum()) if whole else np.nan
            if t == BASKET:
                ev.adj_daily = h.loc[first:reading]
        if BASKET not in betas:
            ev.beta_problem = (f"the basket and {BROAD} share fewer than {BETA_MIN_WEEKS} weeks before {CLAIM_YEAR} in "
                               f"the window, too few to estimate its beta")
            return
        ev.betas = betas
        ev.adj_paths = pd.DataFrame(paths).reindex(columns=[*QUALITY, BASKET])
        ev.prior_adj = pd.Series(prior)

    def untestable(self, ev: R3Evidence) -> str | None:
        if ev.reason:
            return (f"Untestable here because {ev.reason}; the French portfolios end before {CLAIM_YEAR - 1}, so a "
                    f"window with the {CLAIM_YEAR - 1}-{CLAIM_YEAR} ETF prices decides it.")
        if self.spec.measure == "beta-adjusted" and ev.beta_problem:
            return (f"Untestable here because {ev.beta_problem}; a window starting at least half a year before "
                    f"{CLAIM_YEAR} decides it.")
        return None

    def read(self, ev: R3Evidence) -> dict:
        """The reading that decides (the decision date, this specification's measure)."""
        return ev.reading(self.decision_date, self.spec.measure)

    def decide(self, ev: R3Evidence) -> Decision:
        r = self.read(ev)
        y, p, agree = r["spread"], r["prior"], r["agree"]
        prior_led_by_junk = p is not None and p < 0
        if y <= 0:
            verdict = NOT_SUPPORTED
        elif prior_led_by_junk and agree >= self.spec.agree_min:
            verdict = SUPPORTED
        else:
            verdict = PARTLY
        after = (f"after {percent(p):.1f} pp in {CLAIM_YEAR - 1}" if p is not None
                 else f"(the window does not hold all of {CLAIM_YEAR - 1})")
        if self.spec.measure == "raw":
            lead = f"The basket {'led' if y > 0 else 'trailed'} {BROAD} by {abs(percent(y)):.1f} pp"
        else:
            beta = ev.betas[BASKET].value
            lead = (f"Beta for beta (beta {beta:.2f}), the basket {'led' if y > 0 else 'trailed'} {BROAD} by "
                    f"{abs(percent(y)):.1f} pp")
        note = (f"{lead} in {CLAIM_YEAR} to {iso(r['date'])} {after}; {agree} of {len(QUALITY)} quality ETFs lead "
                f"{BROAD} in {CLAIM_YEAR}.")
        return Decision(verdict, spread_statistic(self.statistic_name, y, r["band"]),
                        Sample(iso(r["first_day"]), iso(r["date"]), r["n_days"], "daily"), note)

    def readings_table(self) -> pd.DataFrame | Text:
        """The basket against IWM, raw and beta-adjusted, on each date [A] could have been written
        (up to the reading date) and on the reading date, with the verdict each reading gives (pp)."""
        ev = self.evidence
        if ev is None or ev.reason or ev.adj_paths is None:
            return Text(NO_ROWS)
        dates = [pd.Timestamp(d) for d in A_DATES if pd.Timestamp(d) <= ev.reading_date]
        dates = [d for d in dates if d in ev.raw_paths.index] + [ev.reading_date]
        rows = {}
        for d in dict.fromkeys(dates):
            raw, adj = ev.reading(d, "raw"), ev.reading(d, "beta-adjusted")
            verdict = type(self).from_evidence(ev, spec={**dict(self.spec), "decided_at": "reading date"},
                                               window=self._window_at(d), inputs=self.inputs).decision.verdict
            label = iso(d) + (" (claim date)" if iso(d) == A_DATES[0] else "") + (
                " (reading date)" if d == ev.reading_date else "")
            rows[label] = {"raw (pp)": percent(raw["spread"]), "beta-adjusted (pp)": percent(adj["spread"]),
                           "noise band low": None if adj["band"] is None else percent(adj["band"][0]),
                           "noise band high": None if adj["band"] is None else percent(adj["band"][1]),
                           "ETFs ahead (beta-adjusted)": adj["agree"], "verdict": verdict}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "read on"
        return out.round(2)

    def _window_at(self, d):
        from ...params import Window

        return Window(self.window.start, self.window.end, pd.Timestamp(d))

    def alpha_table(self) -> pd.DataFrame | Text:
        """French's long-short sorts (value weighted): raw mean, CAPM and FF3 alphas (% a year)."""
        a = self.evidence.alphas if self.evidence is not None else None
        if a is None or a.empty:
            return Text(NO_ROWS)
        t = a.rename(columns={"alpha": "alpha (% a year)"}).copy()
        t[["alpha (% a year)", "ci_low", "ci_high"]] = percent(t[["alpha (% a year)", "ci_low", "ci_high"]])
        return t.round(2)

    # -- what the chapter shows --------------------------------------------------------------------

    def calendar_table(self) -> pd.DataFrame | Text:
        """Each quality ETF and the basket minus IWM, one row per year (pp), blanks where a fund
        has no complete year."""
        if self.evidence.calendar.empty:
            return Text(NO_ROWS)
        frame = percent(self.evidence.calendar.T)
        out = frame.round(1).astype(object)
        return out.where(frame.notna(), "").rename_axis("year")

    def french_table(self) -> pd.DataFrame | Text:
        """The long-run premia (% a year) with their HAC intervals."""
        return _rounded(self._percent(self.evidence.french, ["mean a year", "ci_low", "ci_high"]), 2)

    def subperiod_table(self) -> pd.DataFrame | Text:
        """The small-cap profitability premium in three subperiods (% a year)."""
        return _rounded(self._percent(self.evidence.french_sub, ["mean a year", "ci_low", "ci_high"]), 2)

    @staticmethod
    def _percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame | Text:
        if frame.empty:
            return Text(NO_ROWS)
        out = frame.rename(columns={"mean a year": "mean (% a year)"})
        cols = ["mean (% a year)" if c == "mean a year" else c for c in columns]
        out[cols] = percent(out[cols])
        return out

    def heatmap_figure(self, first_year: int = 2015) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.quality_heatmap`, or a note when the
        window holds fewer than two calendar years of the quality ETFs."""
        ev = self.evidence
        tab = percent(ev.calendar)
        cols = [c for c in tab.columns if (c[:4].isdigit() and int(c[:4]) >= first_year)]
        tab = tab[cols].dropna(how="all", axis=1)
        if tab.empty or tab.shape[1] < 2:
            return "fewer than two calendar years of the quality ETFs in the window"
        tab.columns = [c.replace(" to date", "\nto date") for c in tab.columns]
        tab.index = [SHORT_NAMES.get(t, t) for t in tab.index]
        if not ev.reason:
            p, y = ev.basket_prior, ev.basket_year
            prior = (f" {'led' if p > 0 else 'trailed'} IWM by {abs(percent(p)):.1f} pp in {CLAIM_YEAR - 1} and"
                     if p is not None else "")
            still = "still " if (p or 0) < 0 and y < 0 else ""
            title = (f"The quality basket{prior} {still}{'led' if y > 0 else 'trailed'} "
                     f"{'it' if p is not None else 'IWM'} by {abs(percent(y)):.1f} pp in {CLAIM_YEAR} to "
                     f"{ev.reading_date:%-d %b %Y}")
        else:
            title = "Quality small-cap ETFs minus IWM, by calendar year"
        return {"data": tab, "title": title,
                "note": "Blue: the fund beat IWM (Russell 2000, unprofitable firms included); red: it trailed. "
                        "Total returns, pp."}

    def french_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.french_premia`, or a note when the
        window does not overlap the French files. The title states the raw profitability premium
        and the sorts' Fama-French three-factor alphas (their raw spreads carry negative market
        betas, so a raw spread near zero is not "no premium")."""
        ev = self.evidence
        cum = ev.french_cum.dropna(how="all")
        if cum.empty or ev.french.empty:
            return "the window does not overlap the French files"
        op = ev.french.iloc[0]
        m = op["mean a year"]
        title = (f"Small profitable firms {'beat' if m > 0 else 'trailed'} small unprofitable ones by "
                 f"{abs(percent(m)):.1f}% a year ({op['first'][:4]}-{op['last'][:4]})")
        ff3 = self.phrase_ff3()
        if ff3:
            title += f"; three-factor alphas: {ff3}"
        return {"data": cum, "title": title,
                "note": "Long quality, short junk, value weighted, rebalanced monthly; raw cumulative returns. "
                        "Source: Kenneth French data library."}

    def _alpha(self, sort: str, model: str) -> pd.Series | None:
        a = self.evidence.alphas if self.evidence is not None else None
        if a is None or a.empty or (sort, model) not in a.index:
            return None
        return a.loc[(sort, model)]

    def phrase_ff3(self) -> str | None:
        """``earnings +2.9%, dividends +3.4% a year``: the E/P and D/P sorts' FF3 alphas (None
        when the window has neither)."""
        parts = []
        for sort, word in ((EP, "earnings"), (DP, "dividends")):
            r = self._alpha(sort, "FF3")
            if r is not None:
                parts.append(f"{word} {percent(r['alpha']):+.1f}%")
        return (", ".join(parts) + " a year") if parts else None

    def _row(self, label: str) -> list:
        """Mean a year, its interval, first and last month of a French row (Nones without it)."""
        f = self.evidence.french
        cols = ("mean a year", "ci_low", "ci_high", "first", "last")
        return [f.loc[label, c] for c in cols] if label in f.index else [None] * len(cols)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        g: dict[str, Fact] = {"r3_n_etfs": count(len(QUALITY))}
        g.update(self._alpha_facts())
        op, op_ew, ep, dp = self._row(OP_VW), self._row(OP_EW), self._row(EP_VW), self._row(DP_VW)
        g.update({
            "r3_op_verb": text(None if op[0] is None else "beat" if op[0] > 0 else "trailed"),
            "r3_op_abs": pct(None if op[0] is None else abs(op[0]), 2), "r3_op_lo": pct(op[1], 2), "r3_op_hi": pct(op[2], 2),
            "r3_op_first": text(op[3]), "r3_op_last": text(op[4]),
            "r3_op_ew": pct(op_ew[0], 2), "r3_op_ew_lo": pct(op_ew[1], 2), "r3_op_ew_hi": pct(op_ew[2], 2),
            "r3_ep": pct(ep[0], 2), "r3_ep_lo": pct(ep[1], 2), "r3_ep_hi": pct(ep[2], 2),
            "r3_ep_first": text(ep[3]), "r3_ep_last": text(ep[4]),
            "r3_dp": pct(dp[0], 2), "r3_dp_lo": pct(dp[1], 2), "r3_dp_hi": pct(dp[2], 2),
            "r3_dp_first": text(dp[3]), "r3_dp_last": text(dp[4]),
        })
        yrs = ev.french_years["small high minus low profitability"].dropna() \
            if "small high minus low profitability" in ev.french_years else pd.Series(dtype=float)
        rmw, months = ev.rmw_prior
        prior = ev.spread_prior.drop(BASKET, errors="ignore")
        g.update({
            "r3_op_lastyear": raw(int(yrs.index[-1]) if len(yrs) else None, "{:d}"),
            "r3_op_lastyear_value": pp(yrs.iloc[-1] if len(yrs) else None, 1),
            "r3_rmw": pp(rmw, 1),
            "r3_rmw_months": count(months),
            "r3_rmw_phrase": text(self.phrase_rmw()),
            "r3_longrun_paid": text(self.phrase_longrun_paid()),
            "r3_n_trailed_prior": count(int((prior < 0).sum()) if len(prior) else None),
            "r3_basket_prior": pp(ev.basket_prior, 1),
            "r3_prior_phrase": text(self.phrase_prior()),
            "r3_ijr_prior": pp(prior.get("IJR", None) if len(prior) else None, 1),
        })
        if not self.testable:
            return g
        lo, hi, _ = ev.band or (None, None, None)
        g.update({
            "r3_date": text(iso(ev.reading_date)),
            "r3_basket_year": pp(ev.basket_year, 1),
            "r3_band_lo": pp(lo, 1),
            "r3_band_hi": pp(hi, 1),
            "r3_band_phrase": text(band_phrase(ev.band)),
            "r3_agree": count(ev.agree),
            "r3_peak_phrase": text(self.phrase_peak()),
            "r3_peak_date": text(iso(ev.basket_peak[1])),
            "r3_leaders": text(self.phrase_leaders()),
        })
        g.update(self._adjusted_facts())
        return g

    def _adjusted_facts(self) -> dict[str, Fact]:
        """The beta-adjusted readings: the basket's beta, at the claim's date and on the reading date."""
        ev = self.evidence
        ok = ev.adj_paths is not None
        b = ev.betas[BASKET] if ok else None
        claim = ev.reading(pd.Timestamp(A_DATES[0]), "beta-adjusted") if self._claim_in_window() else None
        claim_raw = ev.reading(pd.Timestamp(A_DATES[0]), "raw") if claim is not None else None
        now = ev.reading(ev.reading_date, "beta-adjusted") if ok else None
        dates = [pd.Timestamp(d) for d in A_DATES if pd.Timestamp(d) <= ev.reading_date] if ok else []
        adj = ev.adj_paths[BASKET].reindex(dates).dropna() if ok else pd.Series(dtype=float)
        band = claim["band"] if claim is not None and claim["band"] is not None else (None, None, None)
        return {
            "r3_beta": raw(None if b is None else b.value, "{:.2f}"),
            "r3_beta_lo": raw(None if b is None else b.ci_low, "{:.2f}"),
            "r3_beta_hi": raw(None if b is None else b.ci_high, "{:.2f}"),
            "r3_claim_date": text(A_DATES[0]),
            "r3_adj_claim": pp(None if claim is None else claim["spread"], 2, signed=True),
            "r3_adj_claim_lo": pp(band[0], 1), "r3_adj_claim_hi": pp(band[1], 1),
            "r3_raw_claim": pp(None if claim_raw is None else claim_raw["spread"], 2, signed=True),
            "r3_agree_claim": count(None if claim is None else claim["agree"]),
            "r3_adj_now": pp(None if now is None else now["spread"], 2, signed=True),
            "r3_adj_prior": pp(None if now is None else now["prior"], 1, signed=True),
            "r3_n_dates": count(len(adj) if ok else None),
            "r3_n_adj_pos": count(int((adj > 0).sum()) if ok else None),
            "r3_adj_best": pp(adj.max() if len(adj) else None, 1, signed=True),
            "r3_adj_best_date": text(iso(adj.idxmax()) if len(adj) else None),
        }

    def _claim_in_window(self) -> bool:
        ev = self.evidence
        return (ev is not None and not ev.reason and ev.adj_paths is not None
                and pd.Timestamp(A_DATES[0]) in ev.adj_paths.index)

    def _alpha_facts(self) -> dict[str, Fact]:
        """The earnings and dividend sorts' CAPM and FF3 alphas (% a year) and market betas."""
        ep_c, ep_f = self._alpha(EP, "CAPM"), self._alpha(EP, "FF3")
        dp_c, dp_f = self._alpha(DP, "CAPM"), self._alpha(DP, "FF3")

        def get(row, col):
            return None if row is None else row[col]
        return {
            "r3_ep_capm": pct(get(ep_c, "alpha"), 2, signed=True), "r3_ep_mbeta": raw(get(ep_c, "market beta"), "{:.2f}"),
            "r3_ep_ff3": pct(get(ep_f, "alpha"), 2, signed=True), "r3_ep_ff3_lo": pct(get(ep_f, "ci_low"), 2),
            "r3_ep_ff3_hi": pct(get(ep_f, "ci_high"), 2),
            "r3_dp_capm": pct(get(dp_c, "alpha"), 2, signed=True), "r3_dp_mbeta": raw(get(dp_c, "market beta"), "{:.2f}"),
            "r3_dp_ff3": pct(get(dp_f, "alpha"), 2, signed=True), "r3_dp_ff3_lo": pct(get(dp_f, "ci_low"), 2),
            "r3_dp_ff3_hi": pct(get(dp_f, "ci_high"), 2),
        }

    def flags(self) -> dict[str, bool]:
        f = self.evidence.french if self.evidence is not None else pd.DataFrame()
        have = all(k in f.index for k in LONGRUN)
        paid = self._paid()
        ev = self.evidence
        a = ev.alphas
        alphas = a is not None and not a.empty and all((sort, m) in a.index for sort in (EP, DP) for m in ("CAPM", "FF3"))
        claim = self.testable and self._claim_in_window()
        adj_now = self.testable and ev.adj_paths is not None
        return {"r3_alphas": bool(alphas), "r3_adj_claim": bool(claim),
                "r3_adj_now": bool(adj_now and ev.prior_adj is not None and pd.notna(ev.prior_adj.get(BASKET))),
                "r3_prior": ev.basket_prior is not None, "r3_rmw": ev.rmw_prior[0] is not None,
                "r3_band": self.testable and ev.band is not None,
                "r3_subperiods": len(ev.french_sub) > 0,
                "r3_longrun": have, "r3_longrun_none": have and not paid,
                "r3_longrun_all": have and len(paid) == len(LONGRUN),
                "r3_longrun_some": have and 0 < len(paid) < len(LONGRUN)}

    def _paid(self) -> list[str]:
        f = self.evidence.french
        return [v for k, v in LONGRUN.items() if k in f.index and f.loc[k, "ci_low"] > 0]

    # Phrases: the only wording that depends on the result.

    def phrase_longrun_paid(self) -> str | None:
        """``small-cap profitability`` / ``positive earnings and paying a dividend``: the
        value-weighted sorts whose premium's interval lies above zero (None: none of them)."""
        paid = self._paid()
        return " and ".join(paid) if paid else None

    def phrase_rmw(self) -> str | None:
        """``weak-profitability firms beat robust ones`` or ``robust-profitability firms beat weak
        ones``: the sign of RMW over the year before the claim year."""
        rmw = self.evidence.rmw_prior[0]
        if rmw is None:
            return None
        return "weak-profitability firms beat robust ones" if rmw < 0 else "robust-profitability firms beat weak ones"

    def phrase_prior(self) -> str | None:
        """Who led the year before the claim year: ``a year led by the broad index, unprofitable
        companies included, as the claim says`` or ``the quality basket, not the broad index, led
        that year``."""
        bp = self.evidence.basket_prior
        if bp is None:
            return None
        return ("a year led by the broad index, unprofitable companies included, as the claim says" if bp < 0
                else "the quality basket, not the broad index, led that year")

    def phrase_peak(self) -> str:
        """``a lead of 3.9 pp`` or ``a shortfall of 1.2 pp``: the basket's best year-to-date point."""
        peak = self.evidence.basket_peak[0]
        return f"{'a lead' if peak > 0 else 'a shortfall'} of {abs(percent(peak)):.1f} pp"

    def phrase_leaders(self) -> str:
        """``IJR and DES``: the quality ETFs ahead of IWM in the claim year (``none of them``)."""
        y = self.evidence.spread_year
        leaders = [t for t in QUALITY if y[t] > 0]
        return " and ".join(leaders) if leaders else "none of them"
