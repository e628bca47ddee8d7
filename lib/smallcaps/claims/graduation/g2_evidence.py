"""G2's evidence and how the chapter shows it: the :class:`G2Evidence` record, the claim's
constants, and :class:`G2Shows`, the half of :class:`~smallcaps.claims.graduation.g2_late.G2` that
turns the evidence into tables, figure data, anchors, facts and phrases (G2 inherits it; the rule,
the computation and the decision stay in ``g2_late``). Units: returns, BHARs and shares are decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.power import TTestPower

from ...analytics import graduation as ga
from ...display import Fact, count, finite, iso, num, pct, percent, plural, pp, text
from ...stats import Estimate, cluster_bootstrap, mean_hac
from .events import (
    GRADUATES,
    NEXT_RUNG,
    ci_column,
    p_text,
    quarters,
)

#: Members that move up within this many months are "future graduates" (default).
FUTURE_MONTHS = 12
#: The months the run-up is split by (status labels of :func:`analytics.graduation.runup_by_membership`).
IN_INDEX, NOT_YET, UNKNOWN = ga.STATUSES
#: The ex-post winners' benchmark: this share of members (about the future graduates' average
#: weight, 2.0% of the equal-weight S&P 600), picked by their next ``FUTURE_MONTHS`` months' return.
WINNERS_SHARE = 0.02
#: Cohorts are frozen at the end of June (the Russell's reconstitution month, as in Cai and Houge).
COHORT_MONTH = 6
#: The published anchors of this claim (their papers' numbers, in pp): Cai and Houge (2008), the
#: Russell 2000 held as at its reconstitution minus the reconstituted index after 1 and 5 years
#: (1979-2004); Fama and French (2007), small-to-big migrators' excess return ("more than 60%").
CAI_HOUGE = {1: 2.22, 5: 17.29}
FAMA_FRENCH = 60.0
#: The three parts' names, in the rule's order.
PARTS = ("late", "lose after the move", "frozen roster")
_SHARE_WORDS = {0.5: "half", 2.0 / 3.0: "two thirds"}


@dataclass
class G2Evidence:
    """Event studies, where the run-up happened, contributions and the frozen rosters.

    Attributes
    ----------
    studies
        ``{(step, benchmark): EventStudy}`` for the S&P 600 graduates and the S&P 400 -> 500 step.
    paths
        BHAR paths (before: from month -pre; after: from the move) with intervals, long form (decimal).
    summary
        BHARs by step and benchmark over the reported windows (decimal) with intervals, medians and
        samples.
    runup
        Where the pre-move run-up happened (in the origin index or not), by step.
    yearly
        Yearly contributions of future graduates to each equal-weight index, long form.
    dominance
        ``{index: dominance dict}`` (:func:`analytics.graduation.dominance`).
    bh
        ``{index: DataFrame}`` growth of $1 (:func:`analytics.graduation.frozen_roster`).
    robustness
        The deciding BHAR under alternative definitions, subperiods and survivorship bounds (decimal).
    post
        The BHAR after the move (decimal, interval by the specification's resampling) or None;
        ``post_events`` its events.
    late
        Part (a): ``{"before": Estimate, "before_max": Estimate, "inside": float, "events": n}``
        (shares of the run-up, decimals) or None.
    calendar
        The calendar-time portfolio of graduates in their first ``post_months`` months
        (:func:`analytics.graduation.calendar_time`), or an empty frame.
    calendar_est, calendar_alpha
        Its mean monthly excess return over the benchmark (HAC), and its alpha on IJR and IJH
        (HAC), decimals per month, or None.
    cohorts
        ``{(index, years): DataFrame}`` (:func:`analytics.graduation.cohort_gaps`) for one- and
        five-year cohorts.
    cohort_est
        Part (c): the S&P 600's mean one-year gap with a t interval over cohorts (decimal), or None.
    winners
        ``{index: dominance dict}`` of the ex-post winners' benchmark.
    post_median
        The median BHAR after the move (decimal), or None.
    """

    studies: dict
    paths: pd.DataFrame
    summary: pd.DataFrame
    runup: pd.DataFrame
    yearly: pd.DataFrame
    dominance: dict
    bh: dict
    robustness: pd.DataFrame
    post: Any
    post_events: pd.DataFrame
    late: dict | None = None
    calendar: pd.DataFrame = field(default_factory=pd.DataFrame)
    calendar_est: Any = None
    calendar_alpha: Any = None
    cohorts: dict = field(default_factory=dict)
    cohort_est: Any = None
    winners: dict = field(default_factory=dict)
    post_median: float | None = None


def t_interval(x: pd.Series, level: float = 0.95) -> Estimate | None:
    """Mean of ``x`` (one value per cohort) with a Student-t interval (n - 1 degrees of freedom),
    its t statistic and two-sided p-value; None with fewer than 2 values or no variation."""
    x = pd.Series(x, dtype="float64").dropna()
    n = len(x)
    if n < 2 or float(x.std(ddof=1)) == 0.0:
        return None
    m, se = float(x.mean()), float(x.std(ddof=1) / math.sqrt(n))
    q = float(sps.t.ppf(0.5 + level / 2, n - 1))
    t = m / se
    return Estimate(m, se, m - q * se, m + q * se, level, t, float(2 * sps.t.sf(abs(t), n - 1)), n,
                    f"t interval over {n} cohorts")


def t_mde(est: Estimate, alpha: float = 0.05, power: float = 0.80) -> float | None:
    """Minimum detectable mean of a one-sided one-sample t test on ``est.n`` cohorts (statsmodels'
    power solver), in the estimate's units."""
    if est is None or est.se is None or est.n < 2:
        return None
    d = TTestPower().solve_power(nobs=est.n, alpha=alpha, power=power, alternative="larger")
    return float(d * est.se * math.sqrt(est.n))


def _p_t(est: Estimate) -> float | None:
    """One-sided p-value (positive direction) of a t-interval estimate."""
    if est is None or est.t is None:
        return None
    return float(sps.t.sf(est.t, est.n - 1))


class G2Shows:
    """What the chapter shows of G2 (a mixin of :class:`~smallcaps.claims.graduation.g2_late.G2`:
    it reads the claim's ``evidence``, ``spec``, ``window`` and ``inputs``)."""

    def summary_table(self) -> pd.DataFrame:
        """Mean BHARs (pp) with 95% intervals and medians, by step, benchmark and window."""
        s = self.evidence.summary
        if s.empty:
            return pd.DataFrame({"note": ["too few movers with prices in this window for an event study"]},
                                index=pd.Index(["G2"], name="claim"))
        base = [c for c in s.columns if c.startswith("BHAR") and not c.endswith((" low", " high", " median"))]
        post_n = [c for c in s.columns if c.startswith("n 0..")][0]
        rows = []
        for (step, bench), r in s.iterrows():
            for c in base:
                rows.append({"step": step, "benchmark": bench, "window (months)": c.replace("BHAR ", ""),
                             "mean (pp)": round(percent(r[c]), 1),
                             "95% CI": ci_column([percent(r[f"{c} low"])], [percent(r[f"{c} high"])])[0],
                             "median (pp)": round(percent(r[f"{c} median"]), 1),
                             "movers": int(r[post_n]) if c.startswith("BHAR 0..") else int(r["with prices"])})
        return pd.DataFrame(rows).set_index(["step", "benchmark", "window (months)"])

    def runup_table(self) -> pd.DataFrame:
        """Where the run-up happened, by step and membership status (log relative returns)."""
        r = self.evidence.runup
        if r.empty:
            return pd.DataFrame({"note": ["too few movers with prices in this window"]}, index=pd.Index(["G2"], name="claim"))
        r = r.assign(share=percent(r["share"]))
        return r.rename(columns={"log_relative": "summed log relative return", "share": "share of run-up (%)",
                                 "months": "event-months"}).set_index(["step", "status"]).round(1)

    def yearly_table(self) -> pd.DataFrame:
        """Each equal-weight index's yearly return and the part from future graduates (percent, pp)."""
        y = self.evidence.yearly
        if y.empty:
            return pd.DataFrame({"note": ["no S&P 600 or S&P 400 membership in this window"]}, index=pd.Index(["G2"], name="claim"))
        out = y.assign(index_return=percent(y["index_return"]), group_contribution=percent(y["group_contribution"]),
                       group_share=percent(y["group_share"]), group_weight=percent(y["group_weight"]),
                       priced_share=percent(y["priced_share"]))
        out = out.rename(columns={"index_return": "EW index return (%)",
                                  "group_contribution": "from future graduates (pp)",
                                  "group_share": "share of return (%)", "group_weight": "their weight (%)",
                                  "priced_share": "members priced (%)", "complete": "look-ahead complete"})
        return out.set_index(["index", "year"]).round(1)

    def dominance_table(self) -> pd.DataFrame:
        """The pooled share of each index's return from future graduates against their weight."""
        rows = []
        for k, d in self.evidence.dominance.items():
            if d["months"] == 0:
                continue  # no month whose look-ahead is complete
            wn = self.evidence.winners.get(k)
            rows.append({"index": ga.INDEX_LABELS[k], "months": d["months"],
                         "index return, summed (pp)": percent(d["index_sum"]),
                         "from future graduates (pp)": percent(d["group_sum"]), "share of return (%)": percent(d["share"]),
                         "their weight (%)": percent(d["weight"]), "share / weight": d["ratio"],
                         f"ex-post top {percent(WINNERS_SHARE):.0f}%: share of return (%)":
                             percent(wn["share"]) if wn else np.nan,
                         f"ex-post top {percent(WINNERS_SHARE):.0f}%: share / weight": wn["ratio"] if wn else np.nan})
        if not rows:
            return pd.DataFrame({"note": ["no month of S&P 600 or S&P 400 membership in this window has its "
                                          f"next {self.spec.future_months} months fully observed"]}, index=pd.Index(["G2"], name="claim"))
        return pd.DataFrame(rows).set_index("index").round(2)

    def bh_table(self) -> pd.DataFrame:
        """Cumulative and annualised return of each portfolio (percent)."""
        rows = []
        for k, b in self.evidence.bh.items():
            last = b.iloc[-1]
            yrs = (b.index[-1] - b.index[0]).days / 365.25
            for c in b.columns:
                rows.append({"index": f"{ga.INDEX_LABELS[k]}, {b.index[0]:%b %Y} to {b.index[-1]:%b %Y}",
                             "portfolio": c, "cumulative (%)": percent(last[c] - 1),
                             "per year (%)": percent(last[c] ** (1 / yrs) - 1)})
        if not rows:
            return pd.DataFrame({"note": ["no index has 13 month ends of membership in this window"]}, index=pd.Index(["G2"], name="claim"))
        return pd.DataFrame(rows).set_index(["index", "portfolio"]).round(1)

    def robustness_table(self) -> pd.DataFrame:
        """The deciding BHAR (pp) under alternatives and bounds."""
        r = self.evidence.robustness
        if r.empty:
            return pd.DataFrame({"note": ["too few S&P 600 graduates with prices in this window"]}, index=pd.Index(["G2"], name="claim"))
        col = [c for c in r.columns if c.startswith("BHAR")][0]
        return pd.DataFrame({"events": r["events"], "mean (pp)": (percent(r[col])).round(1),
                             "95% CI": ci_column(percent(r["ci_low"]), percent(r["ci_high"])),
                             "median (pp)": [f"{percent(v):.1f}" if finite(v) else "" for v in r["median"]]},
                            index=r.index)

    def paths_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.event_paths`: BHAR paths against
        the benchmark of the specification (percent)."""
        p = self.evidence.paths
        which = self.spec.benchmark
        p = p.loc[p["which"] == which] if not p.empty else p
        if p.empty or not (p["step"] == GRADUATES).any():
            return "too few S&P 600 graduates with prices in this window for an event study."
        p = p.copy()
        for c in ("mean", "ci_low", "ci_high", "median", "q25", "q75"):
            p[c] = percent(p[c])
        q = p.loc[p["step"] == GRADUATES]
        pre = q.loc[(q["segment"] == "before") & (q["month"] == 0), "median"].iloc[0]
        aft = q.loc[q["segment"] == "after"]
        last = aft.loc[aft["month"] == aft["month"].max()].iloc[0]
        title = (f"The median S&P 600 graduate {_beat(pre)} its benchmark by {abs(pre):.0f} pp in the "
                 f"{-q['month'].min()} months before moving up, and {_beat(last['median'])} it by "
                 f"{abs(last['median']):.0f} pp in the {plural(int(last['month']), 'month')} after")
        note = ("Benchmarks: the ETF of the index left (IJR for the S&P 600, IJH for the S&P 400)." if which == "origin"
                else "Benchmarks: the ETF of the index joined (IJH or IVV for the S&P 600, IVV for the S&P 400).")
        return {"data": p, "title": title, "note": note}

    def contributions_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.yearly_contributions` (pp)."""
        ev = self.evidence
        if ev.yearly.empty:
            return "no S&P 600 or S&P 400 membership in this window."
        rows = []
        within = f"within {self.spec.future_months} months"
        for r in ev.yearly.itertuples(index=False):
            tag = "" if r.complete else " (look-ahead incomplete)"
            rows.append({"index": r.index, "year": str(r.year), "series": "equal-weight index return" + tag,
                         "pp": percent(r.index_return), "complete": r.complete})
            rows.append({"index": r.index, "year": str(r.year), "series": f"from members graduating {within}" + tag,
                         "pp": percent(r.group_contribution), "complete": r.complete})
        parts = []
        for k, d in ev.dominance.items():
            if d["months"] == 0:
                continue  # no month whose look-ahead is complete
            wn = ev.winners.get(k)
            best = (f" (any ex-post top {percent(WINNERS_SHARE):.0f}%: {percent(wn['share']):.0f}%)"
                    if wn and math.isfinite(wn["share"]) else "")
            if math.isfinite(d["share"]):
                parts.append(f"{ga.INDEX_LABELS[k]}: {percent(d['share']):.0f}% of the return from "
                             f"{percent(d['weight']):.0f}% of the weight{best}")
            else:
                parts.append(f"{ga.INDEX_LABELS[k]}: future graduates gained {percent(d['group_sum']):.0f} pp while the "
                             f"index summed {percent(d['index_sum']):.0f} pp")
        year = "a year" if self.spec.future_months == 12 else f"{self.spec.future_months} months"
        if not parts:
            parts = [f"no month in the window has its next {plural(self.spec.future_months, 'month')} observed"]
        return {"data": pd.DataFrame(rows), "title": f"Members graduating within {year}: " + "; ".join(parts),
                "series": ["equal-weight index return", f"from members graduating {within}"]}

    def bh_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.growth_paths`."""
        bh = self.evidence.bh
        if not bh:
            return "no index has 13 month ends of membership in this window."
        frames = {ga.INDEX_LABELS[k]: b for k, b in bh.items()}
        titles = {ga.INDEX_LABELS[k]: self._bh_title(k) for k in bh}
        gaps = {}
        for k, b in bh.items():
            last = b.iloc[-1]
            gaps[k] = (percent(last[f"{b.attrs['year']} roster, equal weight rebalanced"]
                              - last["point-in-time index, equal weight"]), b.attrs["year"])
        verbs = {_beat(g) for g, _ in gaps.values()}
        head = "One path each, no interval: held unchanged and rebalanced monthly, each index's first roster "
        if len(verbs) == 1:
            parts = [f"by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}" for k, (g, y) in gaps.items()]
            title = head + f"{verbs.pop()} the reconstituted equal-weight index " + " and ".join(parts)
        else:
            parts = [f"{_beat(g)} it by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}"
                     for k, (g, y) in gaps.items()]
            title = head + "against the reconstituted equal-weight index: " + "; ".join(parts)
        return {"panels": frames, "titles": titles, "title": title}

    def _bh_title(self, k: str) -> str:
        """A panel's title: which roster, how many of its names are priced, and the span (the
        finding is the figure's title; one idea, one number)."""
        b = self.evidence.bh[k]
        return (f"{ga.INDEX_LABELS[k]}: the {b.attrs['year']} roster ({b.attrs['n_priced']:,} of "
                f"{b.attrs['n_roster']:,} names priced), {b.index[0]:%B %Y} to {b.index[-1]:%B %Y}")

    # -- the parts' tables, the cohorts and the anchors ------------------------------------------------

    def parts_table(self) -> pd.DataFrame:
        """The three parts of the amended rule: what each measures, the estimate, its interval and
        its verdict (pp or percent)."""
        ev, sp = self.evidence, self.spec
        rows = []
        late = ev.late
        if late is not None:
            for label, e in (("(a) late: share of the run-up before joining (%)", late["before"]),
                             ("(a) late: the same, run-up before the record counted as before (%)",
                              late["before_max"])):
                rows.append({"part": label, "estimate": percent(e.value), "95% CI": ci_column([percent(e.ci_low)],
                                                                                         [percent(e.ci_high)])[0],
                             "n": f"{e.n} graduates", "verdict": self.part_late(ev)})
        e = ev.post
        if e is not None:
            rows.append({"part": f"(b) after the move: {sp.post_months}-month BHAR (pp)", "estimate": percent(e.value),
                         "95% CI": ci_column([percent(e.ci_low)], [percent(e.ci_high)])[0], "n": f"{e.n} graduates",
                         "verdict": self.part_cost(ev)})
        c = ev.calendar_est
        if c is not None:
            rows.append({"part": "(b) calendar-time portfolio: excess return (pp a month)", "estimate": percent(c.value),
                         "95% CI": ci_column([percent(c.ci_low)], [percent(c.ci_high)], 2)[0], "n": f"{c.n} months",
                         "verdict": self.part_cost(ev) if e is not None else ""})
        k = ev.cohort_est
        if k is not None:
            rows.append({"part": "(c) frozen roster: one-year cohorts, S&P 600 (pp a year)", "estimate": percent(k.value),
                         "95% CI": ci_column([percent(k.ci_low)], [percent(k.ci_high)], 2)[0], "n": f"{k.n} cohorts",
                         "verdict": self.part_frozen(ev)})
        if not rows:
            return pd.DataFrame({"note": ["no part of the claim can be measured in this window"]}, index=pd.Index(["G2"], name="claim"))
        out = pd.DataFrame(rows).set_index("part")
        out["verdict"] = out["verdict"].fillna("cannot be measured")
        return out.round(2)

    def calendar_table(self) -> pd.DataFrame:
        """The calendar-time portfolio of graduates after the move: its mean monthly excess return
        over the benchmark and its alpha on IJR and IJH (pp a month), HAC intervals."""
        ev = self.evidence
        if ev.calendar_est is None:
            return pd.DataFrame({"note": ["fewer than 12 months hold a graduate after its move in this window"]},
                                index=pd.Index(["G2"], name="claim"))
        rows = []
        for label, e in (("mean excess return over the benchmark", ev.calendar_est),
                         ("alpha on IJR and IJH returns", ev.calendar_alpha)):
            if e is None:
                continue
            rows.append({"measure": label, "pp a month": percent(e.value),
                         "95% CI": ci_column([percent(e.ci_low)], [percent(e.ci_high)], 2)[0], "t": e.t, "months": e.n})
        return pd.DataFrame(rows).set_index("measure").round(2)

    def cohort_estimate(self, k: str, years: int):
        """The mean gap of ``k``'s cohorts over ``years`` (decimal) with its interval: a t interval
        over one-year cohorts; for longer cohorts, which overlap, a HAC interval with ``years - 1``
        lags (None with fewer than 3 cohorts)."""
        c = self.evidence.cohorts.get((k, years))
        if c is None:
            return None
        if years == 1:
            return t_interval(c["gap"])
        if len(c) < 3 or c["gap"].std() == 0:
            return None
        return mean_hac(c["gap"], lags=years - 1)

    def cohort_table(self) -> pd.DataFrame:
        """Frozen rosters against the reconstituted index in June cohorts, by index and horizon:
        the mean gap (pp) with its interval, the median, and the two survivorship bounds."""
        ev = self.evidence
        rows = []
        for (k, years), c in ev.cohorts.items():
            e = self.cohort_estimate(k, years)
            rows.append({"index": ga.INDEX_LABELS[k], "horizon (years)": years, "cohorts": len(c),
                         "first": str(c["start"].min().year), "last": str(c["start"].max().year),
                         "mean gap (pp)": percent(c["gap"].mean()),
                         "95% CI": "" if e is None else ci_column([percent(e.ci_low)], [percent(e.ci_high)], 2)[0],
                         "median (pp)": percent(c["gap"].median()),
                         "unpriced earn the ETF (pp)": percent(c["gap_etf"].mean()),
                         "floor: unpriced at -100% (pp)": percent(c["gap_low"].mean())})
        if not rows:
            return pd.DataFrame({"note": ["no June cohort of membership has a whole year inside this window"]},
                                index=pd.Index(["G2"], name="claim"))
        order = {"S&P 600": 0, "S&P 400": 1, "S&P 500": 2}
        out = pd.DataFrame(rows)
        out["_o"] = out["index"].map(order)
        return out.sort_values(["horizon (years)", "_o"]).drop(columns="_o").set_index(
            ["index", "horizon (years)"]).round(2)

    def cohort_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.cohort_gaps`: each one-year
        cohort's gap by index (pp), with the mean and its interval."""
        ev = self.evidence
        frames = []
        for k in ("sp600", "sp400", "sp500"):
            c = ev.cohorts.get((k, 1))
            if c is not None:
                frames.append(pd.DataFrame({"index": ga.INDEX_LABELS[k], "year": c["start"].dt.year,
                                            "gap": percent(c["gap"])}))
        if not frames:
            return "no June cohort of membership has a whole year inside this window."
        data = pd.concat(frames, ignore_index=True)
        means = {}
        for k in ("sp600", "sp400", "sp500"):
            e = self.cohort_estimate(k, 1)
            if e is not None:
                means[ga.INDEX_LABELS[k]] = (percent(e.value), percent(e.ci_low), percent(e.ci_high))
        k = ev.cohort_est
        if k is not None:
            title = (f"Frozen each June, the S&P 600's roster {_beat(k.value)} the reconstituted index by "
                     f"{abs(percent(k.value)):.1f} pp a year on average over {plural(k.n, 'cohort')} ({percent(k.ci_low):.1f} "
                     f"to {percent(k.ci_high):.1f}); Cai and Houge found {CAI_HOUGE[1]:.1f} pp for the Russell 2000")
        else:
            title = "Each index's roster frozen each June against the reconstituted index over the next year"
        return {"data": data, "means": means, "title": title,
                "note": "Equal weight, rebalanced monthly, priced names only; intervals: t over cohorts."}

    def anchor_fama_french(self):
        """Fama and French (2007): small firms that become big earned more than 60% in excess returns
        in the year they migrated; here, S&P 600 graduates' median buy-and-hold excess return over IJR
        in the 12 months before the move (pp). Tolerance: the published number must lie inside the
        book's 95% interval (calendar quarters resampled), the half-width on its side."""
        from ..contract import Anchor

        st = self.evidence.studies.get((GRADUATES, "origin"))
        x = st.bhar(-12, 0).dropna() if st is not None and st.pre >= 12 else pd.Series(dtype=float)
        published = FAMA_FRENCH
        sample = "S&P 600 graduates with prices"
        if len(x) < self.spec.min_events:
            return Anchor("Fama and French (2007): small-to-big migrators' excess return in the migration year",
                          "fama2007", published, None, "pp", sample + " (too few in this window)", 0.0)
        dates = st.events.loc[x.index, "date"]
        e = cluster_bootstrap(percent(x), quarters(dates), stat=np.median, what="calendar quarters")
        # plain floats: numpy scalars would not serialise in the results file
        tol = float((e.value - e.ci_low) if published < e.value else (e.ci_high - e.value))
        return Anchor(
            "Fama and French (2007): small-to-big migrators' excess return in the migration year", "fama2007",
            published, float(e.value), "pp",
            f"{sample}, moves {iso(dates.min())} to {iso(dates.max())} ({len(x)}); FF: US stocks from 1927",
            tol,
            note=(f"The book's number is the median 12-month buy-and-hold excess return over IJR before the move "
                  f"(95% interval {e.ci_low:.1f} to {e.ci_high:.1f}, {e.method}); FF report more than 60% for small "
                  "stocks that migrate to big, value-weighted over the migration year against the market. The mean "
                  f"({percent(x.mean()):.0f} pp) is pulled up by a few extreme run-ups, so the median is the comparable "
                  "centre. The tolerance is the interval's half-width: the published number must lie inside it."))

    def anchor_cai_houge(self, years: int):
        """Cai and Houge (2008): the Russell 2000 held as at its reconstitution beat the
        reconstituted index by 2.22% after one year and 17.29% after five (1979-2004). Here, the
        frozen-roster gap in June cohorts: the S&P 600 for one year (5 cohorts), the S&P 400 for five
        (the only index with several five-year cohorts). Tolerance: the published number must lie
        inside the book's 95% interval (the half-width on its side)."""
        from ..contract import Anchor

        published = CAI_HOUGE[years]
        k = "sp600" if years == 1 else "sp400"
        name = f"Cai and Houge (2008): buy-and-hold minus the reconstituted index, {plural(years, 'year')}"
        c = self.evidence.cohorts.get((k, years))
        e = self.cohort_estimate(k, years)
        if c is None or e is None:
            return Anchor(name, "cai2008", published, None, "pp", f"{ga.INDEX_LABELS[k]} June cohorts (too few in "
                          "this window)", 0.0)
        v, lo, hi = float(percent(e.value)), float(percent(e.ci_low)), float(percent(e.ci_high))
        tol = (v - lo) if published < v else (hi - v)
        one = self.evidence.cohorts.get(("sp600", 5))
        extra = (f" The S&P 600's single five-year cohort (from {one['start'].iloc[0].year}) gained "
                 f"{percent(one['gap'].iloc[0]):.1f} pp." if years == 5 and one is not None and len(one) else "")
        return Anchor(
            name, "cai2008", published, v, "pp",
            f"{ga.INDEX_LABELS[k]}, {plural(len(c), 'June cohort')} {c['start'].min().year}-{c['start'].max().year}; "
            "Cai and Houge: Russell 2000, 1979-2004",
            tol,
            note=(f"95% interval {lo:.2f} to {hi:.2f} ({e.method}). Cai and Houge hold the Russell 2000 as at each "
                  "June reconstitution, value-weighted, against the annually reconstituted index; the book freezes "
                  f"the {ga.INDEX_LABELS[k]}'s members each June, equal weight rebalanced monthly, against the "
                  "equal-weight point-in-time index. S&P changes its indices through the year by committee, with a "
                  "positive-earnings screen, rather than in one predictable June reconstitution whose price pressure "
                  f"on additions and deletions later reverses (Petajisto 2011); the period ({c['start'].min().year}-"
                  f"{c['end'].max().year}) and the weighting differ too." + extra))


    # -- the prose ---------------------------------------------------------------------------------

    def _summary_value(self, step: str, which: str, column: str) -> float | None:
        s = self.evidence.summary
        if s.empty or step not in s.index.get_level_values(0):
            return None
        sub = s.loc[step]
        idx = [b for b in sub.index if b.endswith(f"({which})")]
        return float(sub.loc[idx[0], column]) if idx else None

    def _runup_share(self, step: str, status: str) -> float | None:
        r = self.evidence.runup
        if r.empty or not (r["step"] == step).any():
            return None
        return float(r.loc[r["step"] == step].set_index("status").at[status, "share"])

    def _top_runup(self) -> tuple[str, float, str, float] | None:
        """The graduate with the largest pre-move BHAR against IJR: ticker, BHAR, month, and the
        mean without it (decimals)."""
        st = self.evidence.studies.get((GRADUATES, "origin"))
        if st is None:
            return None
        x = st.bhar(-st.pre, 0).dropna()
        if x.empty:
            return None
        top = x.idxmax()
        return (st.events.at[top, "ticker"], float(x.max()), f"{st.events.at[top, 'date']:%B %Y}",
                float(x.drop(top).mean()) if len(x) > 1 else None)

    def _bh(self, k: str) -> dict[str, Any]:
        b = self.evidence.bh.get(k)
        if b is None:
            return {}
        last, y, etf = b.iloc[-1], b.attrs["year"], b.attrs["etf"]
        return {"bh": last[f"{y} roster, bought and held"] - 1, "lo": last["bound: missing at -100%"] - 1,
                "mid": last[f"bound: missing earn {etf}"] - 1, "pit": last["point-in-time index, equal weight"] - 1,
                "frozen": last[f"{y} roster, equal weight rebalanced"] - 1, "etf": last[etf] - 1,
                "roster": b.attrs["n_roster"], "priced": b.attrs["n_priced"], "year": str(y),
                "end": f"{b.index[-1]:%B %Y}"}

    def _origin_post(self):
        """The mean BHAR after the move against IJR (the origin's ETF), with its interval: what the
        prose quotes whatever the deciding benchmark (the default is the same estimate)."""
        if self.spec.benchmark == "origin":
            return self.evidence.post
        st = self.evidence.studies.get((GRADUATES, "origin"))
        return None if st is None else self._interval(st.bhar(0, self.spec.post_months), st, self.spec.min_events)

    def facts(self) -> dict[str, Fact]:
        sp = self.spec
        g: dict[str, Fact] = {"def_future": count(sp.future_months), "def_dominance": num(sp.dominance_multiple, 0)}
        ev = self.evidence
        e = self._origin_post()
        pre_all, post_c = f"BHAR -{sp.pre_months}..0", f"BHAR 0..+{sp.post_months}"
        top = self._top_runup() or (None, None, None, None)
        d6, d4 = ev.dominance.get("sp600", {}), ev.dominance.get("sp400", {})
        b6, b4 = self._bh("sp600"), self._bh("sp400")

        def share(d):
            return d["share"] if d and math.isfinite(d["share"]) else None

        g.update({
            "g2_runup_shape": text(self.phrase_runup_shape()),
            "g2_pre_600_med": pp(self._summary_value(GRADUATES, "origin", f"{pre_all} median"), 1),
            "g2_pre_600_mean": pp(self._summary_value(GRADUATES, "origin", pre_all), 1),
            "g2_top_ticker": text(top[0]),
            "g2_top_bhar": pp(top[1], 1),
            "g2_top_date": text(top[2]),
            "g2_pre_600_mean_ex_top": pp(top[3], 1),
            "g2_after_text": text(self.phrase_after()),
            "g2_post": pp(None if e is None else e.value, 1),
            "g2_post_lo": pp(None if e is None else e.ci_low, 1),
            "g2_post_hi": pp(None if e is None else e.ci_high, 1),
            "g2_post_graduates": text(plural(0 if e is None else e.n, "graduate")),
            "g2_post_600_med": pp(self._summary_value(GRADUATES, "origin", f"{post_c} median"), 1),
            "g2_post_600_dest": pp(self._summary_value(GRADUATES, "destination", post_c), 1),
            "g2_pre_400_med": pp(self._summary_value(NEXT_RUNG, "origin", f"{pre_all} median"), 1),
            "g2_post_400": pp(self._summary_value(NEXT_RUNG, "origin", post_c), 1),
            "g2_post_400_lo": pp(self._summary_value(NEXT_RUNG, "origin", f"{post_c} low"), 1),
            "g2_post_400_hi": pp(self._summary_value(NEXT_RUNG, "origin", f"{post_c} high"), 1),
            "g2_runup_in_600": pp(self._runup_share(GRADUATES, IN_INDEX), 1),
            "g2_runup_before_600": pp(self._runup_share(GRADUATES, NOT_YET), 1),
            "g2_runup_unknown_600": pp(self._runup_share(GRADUATES, UNKNOWN), 1),
            "g2_runup_in_400": pp(self._runup_share(NEXT_RUNG, IN_INDEX), 1),
            "g2_runup_before_400": pp(self._runup_share(NEXT_RUNG, NOT_YET), 1),
            "g2_late_text": text(self.phrase_late()),
            "g2_dom_share_600": pp(share(d6), 1),
            "g2_dom_weight_600": pp(d6.get("weight"), 1),
            "g2_dom_span_600": text(plural(d6["months"], "month") if d6 else None),
            "g2_dom_share_400": pp(share(d4), 1),
            "g2_dom_weight_400": pp(d4.get("weight"), 1),
            "g2_dom_span_400": text(plural(d4["months"], "month") if d4 else None),
            "g2_bh_year_600": text(b6.get("year")),
            "g2_bh_end_600": text(b6.get("end")),
            "g2_bh_600": pct(b6.get("bh"), 1),
            "g2_bh_lo_600": pct(b6.get("lo"), 1),
            "g2_bh_mid_600": pct(b6.get("mid"), 1),
            "g2_pit_600": pct(b6.get("pit"), 1),
            "g2_frozen_600": pct(b6.get("frozen"), 1),
            "g2_etf_600": pct(b6.get("etf"), 1),
            "g2_bh_roster_600": count(b6.get("roster")),
            "g2_bh_priced_600": count(b6.get("priced")),
            "g2_bh_year_400": text(b4.get("year")),
            "g2_bh_roster_400": count(b4.get("roster")),
            "g2_bh_priced_400": count(b4.get("priced")),
            "g2_pit_400": pct(b4.get("pit"), 1),
            "g2_frozen_400": pct(b4.get("frozen"), 1),
            "g2_recon_word_600": text(self.phrase_recon_winner("sp600")),
            "g2_recon_word_400": text(self.phrase_recon_winner("sp400")),
            "g2_recon_400_text": text(self.phrase_recon_400()),
            "g2_frozen_gap_600": pp(None if not b6 else b6["frozen"] - b6["pit"], 1),
            "g2_frozen_gap_400": pp(None if not b4 else b4["frozen"] - b4["pit"], 1),
        })
        g.update(self._part_facts())
        return g

    def _part_facts(self) -> dict[str, Fact]:
        """The facts of the amended rule's three parts, the calendar-time portfolio, the cohorts and
        the ex-post winners."""
        ev, sp = self.evidence, self.spec
        late, e, c, a, k = ev.late, ev.post, ev.calendar_est, ev.calendar_alpha, ev.cohort_est
        b, m = (late or {}).get("before"), (late or {}).get("before_max")
        e4, e5 = self.cohort_estimate("sp400", 1), self.cohort_estimate("sp500", 1)
        c4, c5, c6 = (ev.cohorts.get((x, 1)) for x in ("sp400", "sp500", "sp600"))
        w6, w4 = ev.winners.get("sp600", {}), ev.winners.get("sp400", {})

        def v(x, attr="value"):
            return None if x is None else getattr(x, attr)

        def share(d):
            return d["share"] if d and math.isfinite(d["share"]) else None

        words = self.rule_words(dict(sp))["late_words"]
        return {
            "g2_part_late": text(self.part_late(ev) or "cannot be measured"),
            "g2_part_cost": text(self.part_cost(ev) or "cannot be measured"),
            "g2_part_frozen": text(self.part_frozen(ev) or "cannot be measured"),
            "g2_late_words": text(words),
            "g2_late_before": pp(v(b), 1),
            "g2_late_before_lo": pp(v(b, "ci_low"), 1),
            "g2_late_before_hi": pp(v(b, "ci_high"), 1),
            "g2_late_max": pp(v(m), 1),
            "g2_late_max_lo": pp(v(m, "ci_low"), 1),
            "g2_late_max_hi": pp(v(m, "ci_high"), 1),
            "g2_late_quarters": text(None if b is None else b.method.split(",")[0].replace("bootstrap over ", "")),
            "g2_post_quarters": text(None if e is None else e.method.split(",")[0].replace("bootstrap over ", "")),
            "g2_post_p": text(p_text(self.p_value) if e is not None else None),
            "g2_post_mde": num(self.decision.mde if e is not None else None, 1),
            "g2_cal": num(None if c is None else percent(c.value), 2),
            "g2_cal_lo": num(None if c is None else percent(c.ci_low), 2),
            "g2_cal_hi": num(None if c is None else percent(c.ci_high), 2),
            "g2_cal_t": num(v(c, "t"), 2),
            "g2_cal_months": text(None if c is None else plural(c.n, "month")),
            "g2_cal_alpha": num(None if a is None else percent(a.value), 2),
            "g2_cal_alpha_lo": num(None if a is None else percent(a.ci_low), 2),
            "g2_cal_alpha_hi": num(None if a is None else percent(a.ci_high), 2),
            "g2_cohort_600": num(None if k is None else percent(k.value), 2),
            "g2_cohort_600_lo": num(None if k is None else percent(k.ci_low), 2),
            "g2_cohort_600_hi": num(None if k is None else percent(k.ci_high), 2),
            "g2_cohort_600_n": text(None if k is None else plural(k.n, "cohort")),
            "g2_cohort_600_etf": num(None if k is None else percent(c6["gap_etf"].mean()), 2),
            "g2_cohort_600_floor": num(None if k is None else percent(c6["gap_low"].mean()), 1),
            "g2_cohort_p": text(None if k is None else p_text(_p_t(k))),
            "g2_cohort_mde": num(None if k is None or t_mde(k) is None else percent(t_mde(k)), 2),
            "g2_cohort_400": num(None if e4 is None else percent(e4.value), 2),
            "g2_cohort_400_lo": num(None if e4 is None else percent(e4.ci_low), 2),
            "g2_cohort_400_hi": num(None if e4 is None else percent(e4.ci_high), 2),
            "g2_cohort_400_n": text(None if e4 is None else plural(e4.n, "cohort")),
            "g2_cohort_400_med": num(None if e4 is None else percent(c4["gap"].median()), 2),
            "g2_cohort_500": num(None if e5 is None else percent(e5.value), 2),
            "g2_cohort_500_n": text(None if e5 is None else plural(e5.n, "cohort")),
            "g2_win_pct": num(percent(WINNERS_SHARE), 0),
            "g2_win_share_600": pp(share(w6), 1),
            "g2_win_share_400": pp(share(w4), 1),
        }

    def flags(self) -> dict[str, bool]:
        """Which parts of the section the window can fill: ``g2_study`` (an event study of S&P 600
        graduates) and ``g2_runup_positive`` (their median and mean run-up above zero), ``g2_post``
        (their BHAR after the move, against IJR and the destination),
        ``g2_rung_400`` (the S&P 400 -> 500 step before and after), ``g2_runup_600``/``_400`` (where
        the run-up happened), ``g2_dom_600``/``_400`` (a pooled share of a positive index return),
        ``g2_bh_600``/``_400`` (a frozen roster)."""
        ev, sp = self.evidence, self.spec
        pre_all, post_c = f"BHAR -{sp.pre_months}..0", f"BHAR 0..+{sp.post_months}"

        def known(*values):
            return all(v is not None and finite(v) for v in values)

        def dom(k):
            d = ev.dominance.get(k)
            return bool(d) and d["months"] > 0 and finite(d["share"]) and finite(d["weight"])

        med, mean = (self._summary_value(GRADUATES, "origin", f"{pre_all}{c}") for c in (" median", ""))
        return {
            "g2_study": (GRADUATES, "origin") in ev.studies,
            "g2_runup_positive": known(med, mean) and med > 0 and mean > 0,
            "g2_post": self._origin_post() is not None
            and known(self._summary_value(GRADUATES, "origin", f"{post_c} median"),
                      self._summary_value(GRADUATES, "destination", post_c)),
            "g2_rung_400": known(self._summary_value(NEXT_RUNG, "origin", f"{pre_all} median"),
                                 self._summary_value(NEXT_RUNG, "origin", post_c),
                                 self._summary_value(NEXT_RUNG, "origin", f"{post_c} low"),
                                 self._summary_value(NEXT_RUNG, "origin", f"{post_c} high")),
            "g2_runup_600": known(*(self._runup_share(GRADUATES, s) for s in (IN_INDEX, NOT_YET, UNKNOWN))),
            "g2_runup_400": known(*(self._runup_share(NEXT_RUNG, s) for s in (IN_INDEX, NOT_YET))),
            "g2_dom_600": dom("sp600"),
            "g2_dom_400": dom("sp400"),
            "g2_bh_600": "sp600" in ev.bh,
            "g2_bh_400": "sp400" in ev.bh,
            "g2_late_part": ev.late is not None,
            "g2_calendar": ev.calendar_est is not None and ev.calendar_alpha is not None,
            "g2_cohorts_600": ev.cohort_est is not None,
            "g2_cohorts_400": self.cohort_estimate("sp400", 1) is not None,
            "g2_cohorts_500": self.cohort_estimate("sp500", 1) is not None,
            "g2_winners": dom("sp600") and bool(ev.winners.get("sp600"))
            and finite(ev.winners["sp600"]["share"]),
        }

    # Phrases: the only wording that depends on the result (each a short clause).

    def phrase_runup_shape(self) -> str | None:
        """What S&P 600 graduates' run-ups look like: ``large and very skewed`` (the mean a quarter
        or more above the median), ``large`` (positive, not skewed) or ``mixed`` (a median at or below
        zero)."""
        pre_all = f"BHAR -{self.spec.pre_months}..0"
        med = self._summary_value(GRADUATES, "origin", f"{pre_all} median")
        mean = self._summary_value(GRADUATES, "origin", pre_all)
        if med is None or mean is None or not (finite(med) and finite(mean)):
            return None
        if med <= 0:
            return "mixed"
        return "large and very skewed" if mean >= 1.25 * med else "large"

    def phrase_after(self) -> str:
        """How graduates did after the move, ending in a colon: ``After the move they kept beating
        it:``, ``... they lagged it:``, ``... the edge is gone:``, or ``... too few graduates with
        prices to say:``."""
        e = self._origin_post()
        if e is None:
            return "After the move there are too few graduates with prices to say:"
        if e.ci_low > 0:
            return "After the move they kept beating it:"
        if e.ci_high < 0:
            return "After the move they lagged it:"
        return "After the move the edge is gone:"

    def phrase_late(self) -> str:
        """Whether the index caught its graduates late, judged by where the run-up happened: ``the
        index held its graduates through most of their rise, ...``, ``most of the run-up came before
        the graduates joined the index, ...``, or, when most of it falls before the S&P 600's record,
        that the window cannot say."""
        r_in = self._runup_share(GRADUATES, IN_INDEX)
        if r_in is None or not finite(r_in):
            return "too few graduates to say whether it caught them late"
        if self._runup_share(GRADUATES, UNKNOWN) >= 0.5:
            return ("most of the run-up falls before pitindex's S&P 600 record, so this window cannot say whether "
                    "it caught them late")
        if r_in >= 0.5:
            return ("the index held its graduates through most of their rise, so on this ladder it did not catch "
                    "them late")
        return "most of the run-up came before the graduates joined the index, so it caught them late"

    def phrase_recon_winner(self, k: str) -> str | None:
        """Which rebalanced portfolio ended higher: ``the frozen roster`` or ``the reconstituted
        index`` (None without the index's record)."""
        b = self._bh(k)
        if not b:
            return None
        return "the frozen roster" if b["frozen"] > b["pit"] else "the reconstituted index"

    def phrase_recon_400(self) -> str | None:
        """Whether the S&P 400's comparison ``points the same way`` as the S&P 600's or ``points the
        other way``."""
        w6, w4 = self.phrase_recon_winner("sp600"), self.phrase_recon_winner("sp400")
        if w6 is None or w4 is None:
            return None
        return "points the same way" if w4 == w6 else "points the other way"



def _beat(x: float) -> str:
    return "beat" if x >= 0 else "trailed"
