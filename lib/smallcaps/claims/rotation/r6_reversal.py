"""R6. Reversal and persistence. Sources [A] and [C], 2026.

Claim: the rotation reverses within days to weeks on a rates rally or a volatility spike, and
lasts 3-6 months if credit stays calm.

Two assertions under the book's rule for claims with parts. (1) Reversal: quality minus junk (IJR
minus IWM, daily) over event windows that start with a sharp fall in the 10-year yield (``^TNX``)
or a VIX spike, pooled and declustered, with a stationary-bootstrap interval across events. (2)
Persistence: a continuation regression, the next 3- and 6-month return of French's small-cap
quality minus junk (high minus low operating profitability, value weighted) on whether it led over
the past 3 months, interacted with the credit regime (Moody's Baa minus Aaa against the median of
its earlier readings), with Hodrick (1992) errors; IJR minus IWM with the high-yield spread shown
beside it. The length of runs of positive months is context, with the run an independent
coin would give. What counts as a rates rally, a VIX spike and the event window are this claim's
specification (the chapter's parameters). Units: returns decimal, run lengths in months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...analytics.regimes import high_low
from ...analytics.returns import period_returns
from ...display import Fact, Text, count, iso, num, pct, percent, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, bootstrap_ci, mde, mean_hac, one_sided_p
from ..base import Choice, Decision, Part, SpecSpace, combine_parts
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import BROAD, MARKET, TNX
from .registered import REGISTERED

CLAIMED_RUN_MONTHS = (3, 6)  # [A], [C] the rotation lasts 3-6 months if credit stays calm
EVENT_LOOKBACK = 5  # a rates rally or VIX spike is a move over 5 trading days ...
EVENT_GAP = 21  # ... and an event within 21 trading days (a month) of an earlier one is dropped
KINDS = ("rates rally", "VIX spike", "pooled")
PAST_MONTHS = 3  # a lead: quality minus junk positive over the past 3 months
CONTINUATION_SERIES = {"french": "small high minus low profitability (French), Baa - Aaa credit",
                       "etf": "IJR minus IWM, high-yield credit"}


def _positive(v) -> str | None:
    return None if v > 0 else "above 0"


@dataclass
class R6Evidence:
    """Evidence for R6 (decimals; run lengths in months).

    Attributes
    ----------
    reason
        Why the window cannot decide the claim ('' when it can).
    qmj
        Daily quality minus junk (IJR minus IWM daily returns).
    events
        Event dates by kind (``rates rally``, ``VIX spike``, ``pooled``).
    windows
        By kind and window length: events, mean compounded IJR minus IWM with a bootstrap
        interval (10+ events), share of events in which it fell (``fell``).
    pooled
        Pooled event mean over the deciding window, an Estimate (10+ events).
    baseline
        Mean over all windows of the same length (HAC), for comparison.
    paths
        Mean cumulative path by offset from the event date, one column per kind, and
        ``IWM-SPY pooled`` (small minus large caps around the pooled events).
    small_large
        The event windows for IWM minus SPY (the size rotation), for comparison.
    halves
        Pooled events split by date into two halves.
    runs
        Runs of positive and non-positive monthly IJR minus IWM, with the credit regime at start.
    run_stats
        By credit regime: completed quality runs, mean length with bootstrap interval, share
        lasting at least the claimed minimum (:func:`analytics.rotation.run_statistics`).
    ar1
        First-order autocorrelation of monthly IJR minus IWM (Estimate).
    french_runs
        Run statistics for small high- minus low-profitability (French, monthly) with the
        Baa-Aaa spread as the credit regime.
    calm_mean, stressed_mean
        Mean run length (months) starting in calm and in stressed credit.
    continuation
        ``{(series, months): analytics.rotation.continuation(...)}`` for ``series`` ``french``
        and ``etf`` (:data:`CONTINUATION_SERIES`) and 3 and 6 months ahead (where the window
        holds enough of them).
    p_positive
        Share of months in which IJR beat IWM: an independent coin with this chance gives runs of
        ``1 / (1 - p)`` months on average, the null a run length must beat.
    """

    reason: str
    qmj: pd.Series
    events: dict[str, pd.DatetimeIndex]
    windows: pd.DataFrame
    pooled: Estimate | None
    baseline: Estimate | None
    paths: pd.DataFrame
    small_large: pd.DataFrame
    halves: pd.DataFrame
    runs: pd.DataFrame
    run_stats: pd.DataFrame
    ar1: Estimate | None
    french_runs: pd.DataFrame
    calm_mean: float | None
    stressed_mean: float | None
    continuation: dict = field(default_factory=dict)
    p_positive: float | None = None
    event_problem: str = ""
    cont_problem: str = ""


def _event_row(daily: pd.Series, events, length: int) -> dict:
    """Events, mean, bootstrap interval (10+ events) and share that fell, of event windows."""
    w = rot.event_window_returns(daily, events, 1 - EVENT_LOOKBACK, length)
    if len(w) < 3:
        return {"events": len(w), "mean": np.nan, "ci_low": np.nan, "ci_high": np.nan, "fell": np.nan}
    e = bootstrap_ci(w, block=1.0) if len(w) >= 10 else None
    return {"events": len(w), "mean": w.mean(), "ci_low": np.nan if e is None else e.ci_low,
            "ci_high": np.nan if e is None else e.ci_high, "fell": (w < 0).mean()}


class R6(RotationClaim):
    id: ClassVar[str] = "R6"
    heading: ClassVar[str] = "Reversal and persistence"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "vix", "hy", "french_op")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("rates_rally_bp", 25.0, {"50 bp": 50.0},
               f"a rates rally is a fall of at least this many basis points in the 10-year yield (^TNX) over "
               f"{EVENT_LOOKBACK} trading days", check=_positive),
        Choice("vix_spike_pct", 40.0, {"25%": 25.0, "60%": 60.0},
               f"a VIX spike is a rise of at least this percent in the VIX close over {EVENT_LOOKBACK} trading days",
               check=_positive),
        Choice("event_days", 10, {"5 days": 5, "21 days": 21},
               "the deciding event window, in trading days from the first day of the move",
               check=lambda v: None if 1 <= v <= 63 else "1 to 63"),
        Choice("min_events", 10, {}, "events of each kind needed in the window",
               check=lambda v: None if v >= 10 else "at least 10"),
        Choice("min_runs", 5, {}, "registered rule: completed runs needed in each credit regime",
               check=lambda v: None if v >= 2 else "at least 2"),
        Choice("continuation_months", 6, {"3 months": 3},
               "the continuation horizon that decides persistence (months after a 3-month lead)",
               check=lambda v: None if v in (3, 6) else "3, 6"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "amended: persistence by a continuation regression with Hodrick errors; registered: by the mean "
               "length of runs of positive months",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R6",
        claim=f"The rotation reverses within days to weeks on a rates rally or a volatility spike, and lasts "
              f"{CLAIMED_RUN_MONTHS[0]}-{CLAIMED_RUN_MONTHS[1]} months if credit stays calm",
        hypothesis="two assertions: (1) quality minus junk (IJR minus IWM: the S&P 600's profitability screen "
                   "against the Russell 2000) falls over the days after a sharp fall in the 10-year yield or a VIX "
                   "spike; (2) a quality lead continues over the following months when credit is calm, at least as "
                   "much as when credit is stressed.",
        statistic="(1) mean compounded IJR minus IWM return over the event window (from the first day of the move "
                  "that triggered the event), pooled over rates-rally and VIX-spike events (declustered), in pp, "
                  "with a stationary-bootstrap interval across events; (2) the continuation: French's small-cap "
                  "high minus low operating profitability (value weighted) over the {continuation_months} months "
                  f"after a {PAST_MONTHS}-month lead minus after a {PAST_MONTHS}-month lag, in calm credit (Moody's "
                  "Baa minus Aaa at or below the median of all its earlier readings, since 1919, at the end of the "
                  "lead), from one "
                  "regression with a stressed-credit interaction, in pp per {continuation_months} months with a "
                  "Hodrick (1992) 1B interval: the deciding number, with its one-sided p-value and minimum "
                  "detectable effect; the same in stressed credit beside it, and IJR minus IWM with the high-yield "
                  "spread as a check. The mean length of runs of positive months is context (an independent coin "
                  "with the same chance gives 1/(1-p) months). The assertions combine by the book's rule for claims "
                  "with parts.",
        supported="the pooled event mean's interval lies below zero, and the calm-credit continuation's interval "
                  "lies above zero with the continuation at least as large as in stressed credit",
        partly="one assertion holds and the other does not (or is inconclusive); the continuation counts as partly "
               "holding when it is positive in calm credit but larger in stressed credit",
        inconclusive="no assertion holds and at least one is inconclusive: the event mean is negative with an "
                     "interval that includes zero, or the calm-credit continuation is positive with an interval "
                     "that includes zero",
        not_supported="neither holds: the event mean is zero or positive, and the calm-credit continuation is zero "
                      "or negative",
        untestable="fewer than {min_events} events of either kind fall in the window, and French's portfolios or "
                   "Moody's yields do not cover enough of it for the continuation regression",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee (rotation-momentum, D7): the persistence half compared the mean length of runs of positive "
               "months with the claimed 3 months, but an independent coin that lands positive 53% of the time gives "
               "runs of about 2.1 months, so the test could not support the claim even if it were true. Persistence "
               "is now a continuation regression (the next 3 and 6 months after a 3-month lead, interacted with the "
               "credit regime, Hodrick errors); the event half is unchanged; run lengths are context; the two "
               "assertions combine by the book's rule for claims with parts.",
        old_rule=REGISTERED["R6"], registered_spec={"verdict_rule": "registered"}),)

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        if self.spec.verdict_rule == "registered":
            return f"IJR minus IWM, {self.spec.event_days}-day event window"
        return (f"quality minus junk (French small OP), {self.spec.continuation_months} months after a lead minus after "
                f"a lag, calm credit")

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R6Evidence:
        cut = self.inputs.cut(self.window)
        sp = self.spec
        event_days = sp.event_days
        c = cut.close
        qmj = rot.relative_daily(c["IJR"], c[BROAD]).rename("IJR-IWM")
        sl = rot.relative_daily(c[BROAD], c[MARKET]).rename("IWM-SPY")
        days = qmj.index
        tnx = c[TNX].reindex(days).ffill(limit=3)
        vix = cut.vix.reindex(days).ffill(limit=3)
        ev_rates = rot.change_events(tnx, EVENT_LOOKBACK, -sp.rates_rally_bp / 100, below=True, gap=EVENT_GAP)
        ev_vix = rot.change_events(vix, EVENT_LOOKBACK, sp.vix_spike_pct / 100, relative=True, below=False,
                                   gap=EVENT_GAP)
        union = pd.Series(False, index=days)
        union.loc[union.index.isin(ev_rates.union(ev_vix))] = True
        ev_pooled = rot.declustered_events(union, EVENT_GAP)
        events = {"rates rally": ev_rates, "VIX spike": ev_vix, "pooled": ev_pooled}
        rows = []
        for kind, evs in events.items():
            for length in sorted({EVENT_LOOKBACK, event_days, EVENT_GAP}):
                rows.append({"event": kind, "window (days)": length, **_event_row(qmj, evs, length)})
        windows = pd.DataFrame(rows)
        paths = pd.DataFrame({k: rot.event_paths(qmj, v, EVENT_LOOKBACK - 1, EVENT_GAP).mean(axis=1)
                              for k, v in events.items()})
        paths["IWM-SPY pooled"] = rot.event_paths(sl, ev_pooled, EVENT_LOOKBACK - 1, EVENT_GAP).mean(axis=1)
        small_large = pd.DataFrame([{"event": k, "window (days)": event_days, **_event_row(sl, v, event_days)}
                                    for k, v in events.items()])
        # persistence: monthly runs with the credit regime at the start of each month
        monthly = period_returns(c[["IJR", BROAD]].dropna(), "ME")
        qmj_m = (monthly["IJR"] - monthly[BROAD]).rename("IJR-IWM")
        credit_m = rot.credit_regimes(cut.hy, freq="ME", min_periods=24)["level"]
        runs = rot.sign_runs(qmj_m, credit_m.reindex(qmj_m.index))
        run_stats = rot.run_statistics(runs, CLAIMED_RUN_MONTHS[0])
        ar1 = rot.autocorrelation(qmj_m) if len(qmj_m) > 24 else None
        # long history: French small OP5 - OP1 with Baa-Aaa
        op = (cut.french["op_vw"]["SMALL HiOP"] - cut.french["op_vw"]["SMALL LoOP"]).dropna() / 100
        baa = cut.baa_aaa
        french_runs = pd.DataFrame()
        if len(baa) > 36 and len(op) > 36:
            lvl = high_low(baa, method="expanding_median", min_periods=24, labels=("stressed", "calm")).shift(1)
            french_runs = rot.run_statistics(rot.sign_runs(op, lvl.reindex(op.index)), CLAIMED_RUN_MONTHS[0])
        calm = run_stats["mean length"].get("calm", np.nan) if len(run_stats) else np.nan
        stressed = run_stats["mean length"].get("stressed", np.nan) if len(run_stats) else np.nan
        n_runs = run_stats["runs"] if len(run_stats) else pd.Series(dtype=float)
        problems = []
        if min(len(ev_rates), len(ev_vix)) < sp.min_events:
            problems.append(f"{len(ev_rates)} rates-rally and {len(ev_vix)} VIX-spike events (need {sp.min_events} "
                            f"of each)")
        if n_runs.get("calm", 0) < sp.min_runs or n_runs.get("stressed", 0) < sp.min_runs:
            problems.append(f"{int(n_runs.get('calm', 0))} calm-credit and {int(n_runs.get('stressed', 0))} stressed-credit "
                            f"completed runs (need {sp.min_runs} of each)")
        pooled_w = rot.event_window_returns(qmj, ev_pooled, 1 - EVENT_LOOKBACK, event_days)
        pooled = bootstrap_ci(pooled_w, block=1.0) if len(pooled_w) >= 10 else None
        if pooled is None and not problems:
            problems.append(f"{len(pooled_w)} pooled event windows inside the window (need 10)")
        roll = (1 + qmj).rolling(event_days).apply(np.prod, raw=True) - 1
        baseline = mean_hac(roll.dropna(), overlap=event_days) if roll.notna().sum() > 3 * event_days else None
        halves = pd.DataFrame()
        if len(pooled_w) >= 20:
            hrows = {}
            for label, a, b in rot.subperiods(pooled_w.index, 2):
                w = pooled_w.loc[a:b]
                e = bootstrap_ci(w, block=1.0)
                hrows[label] = {"events": len(w), "mean": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high}
            halves = pd.DataFrame.from_dict(hrows, orient="index")
            halves.index.name = "events dated"
        event_problem = ""
        if min(len(ev_rates), len(ev_vix)) < sp.min_events:
            event_problem = problems[0]
        elif pooled is None:
            event_problem = f"{len(pooled_w)} pooled event windows inside the window (need 10)"
        # persistence: the continuation regressions
        continuation = {}
        cont_problem = ""
        baa_reg, hy_reg = self._credit_labels()
        qmj_p = qmj_m.copy()
        qmj_p.index = qmj_p.index.to_period("M")
        for key, series, regime in (("french", op, baa_reg), ("etf", qmj_p, hy_reg)):
            for m in (3, 6):
                try:
                    continuation[(key, m)] = rot.continuation(series, regime, past=PAST_MONTHS, horizon=m)
                except DataError:
                    continue
        if ("french", sp.continuation_months) not in continuation:
            cont_problem = (f"too few months of French's profitability portfolios and Moody's Baa - Aaa yield (both "
                            f"regimes, leads and lags) for a {sp.continuation_months}-month continuation regression")
        n_pos = int((qmj_m > 0).sum())
        p_pos = n_pos / len(qmj_m) if len(qmj_m) else None
        return R6Evidence("; ".join(problems), qmj, events, windows, pooled, baseline, paths, small_large, halves,
                          runs, run_stats, ar1, french_runs, None if pd.isna(calm) else float(calm),
                          None if pd.isna(stressed) else float(stressed), continuation, p_pos, event_problem,
                          cont_problem)

    def _credit_labels(self) -> tuple[pd.Series, pd.Series]:
        """Monthly credit regimes known at the end of each month (``stressed``: the spread above
        the median of all its earlier readings, the whole history, not only the window's), for the
        continuation regressions: Moody's Baa minus Aaa, and the high-yield spread (PeriodIndex)."""
        def labels():
            baa = high_low(self.inputs.baa_aaa, method="expanding_median", min_periods=24,
                           labels=("stressed", "calm"))
            hy_m = self.inputs.hy.resample("ME").last().dropna()
            hy = high_low(hy_m, method="expanding_median", min_periods=24, labels=("stressed", "calm"))
            hy.index = hy.index.to_period("M")
            return baa, hy
        return self.inputs.memo("r6 credit labels", labels)

    def untestable(self, ev: R6Evidence) -> str | None:
        if self.spec.verdict_rule == "registered":
            if not ev.reason:
                return None
            return f"Untestable here because the window has only {ev.reason}; a longer window decides it."
        if ev.event_problem and ev.cont_problem:
            return (f"Untestable here because the window has only {ev.event_problem}, and {ev.cont_problem}; a longer "
                    f"window decides it.")
        return None

    def continuation_estimate(self, ev: R6Evidence, series: str = "french", months: int | None = None,
                              which: str = "first") -> Estimate | None:
        """A continuation slope (``first``: calm credit; ``second``: stressed; ``difference``), or None."""
        c = ev.continuation.get((series, months or self.spec.continuation_months))
        return None if c is None else c[which]

    def parts(self, ev: R6Evidence) -> list[Part]:
        """The reversal (events) and the persistence (continuation in calm credit)."""
        rev = None
        if not ev.event_problem:
            p = ev.pooled
            rev = SUPPORTED if p.ci_high < 0 else INCONCLUSIVE if p.value < 0 else NOT_SUPPORTED
        lasts = None
        calm, stressed = self.continuation_estimate(ev), self.continuation_estimate(ev, which="second")
        if calm is not None:
            if calm.value <= 0:
                lasts = NOT_SUPPORTED
            elif calm.ci_low > 0:
                lasts = SUPPORTED if calm.value >= stressed.value else PARTLY
            else:
                lasts = INCONCLUSIVE
        return [Part("reverses on a rates rally or a VIX spike", "assertion", rev),
                Part("lasts if credit stays calm", "assertion", lasts)]

    def decide(self, ev: R6Evidence) -> Decision:
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        m = self.spec.continuation_months
        if ev.event_problem:
            events = f"the event half is untestable here ({ev.event_problem})"
        else:
            p = ev.pooled.scaled(100)
            events = (f"over {len(ev.events['pooled'])} events IJR minus IWM averaged {p.value:+.2f} pp (95% CI "
                      f"{p.ci_low:.2f} to {p.ci_high:.2f}): {parts[0].verdict}")
        calm = self.continuation_estimate(ev)
        if calm is None:
            e = ev.pooled
            evs = ev.events["pooled"]
            return Decision(verdict, Statistic.from_estimate(e, f"IJR minus IWM, {self.spec.event_days}-day event window",
                                                             "pp", 100),
                            Sample(iso(evs[0]), iso(evs[-1]), e.n, "events"),
                            f"{events[0].upper()}{events[1:]}; the persistence half is untestable here: "
                            f"{ev.cont_problem}.", p_value=one_sided_p(e, -1), mde=mde(percent(e.se), sides=2))
        c = ev.continuation[("french", m)]
        st = c["second"]
        note = (f"{events[0].upper()}{events[1:]}. After a {PAST_MONTHS}-month quality lead in calm credit, French's "
                f"small-cap profitability spread gained {percent(calm.value):+.2f} pp more over the next {m} months than "
                f"after a lag (Hodrick 95% CI {percent(calm.ci_low):.2f} to {percent(calm.ci_high):.2f}), against "
                f"{percent(st.value):+.2f} pp in stressed credit: {parts[1].verdict}.")
        return Decision(verdict, Statistic.from_estimate(calm, self.statistic_name, "pp", 100),
                        Sample(str(c["start"]), str(c["end"]), c["n"], "monthly"), note,
                        p_value=one_sided_p(calm, +1), mde=mde(percent(calm.se), sides=2))

    def _decide_registered(self, ev: R6Evidence) -> Decision:
        """The registered rule, verbatim: the pooled event interval below zero, and calm-credit runs
        averaging at least 3 months and longer than stressed-credit runs."""
        reverses = ev.pooled.ci_high < 0
        lasts = ev.calm_mean >= CLAIMED_RUN_MONTHS[0] and ev.calm_mean > ev.stressed_mean
        verdict = SUPPORTED if reverses and lasts else PARTLY if (reverses or lasts) else NOT_SUPPORTED
        evs = ev.events["pooled"]
        p = ev.pooled.scaled(100)
        note = (f"Over {len(evs)} events IJR minus IWM averaged {p.value:.2f} pp (95% CI {p.ci_low:.2f} to "
                f"{p.ci_high:.2f}); quality runs starting in calm credit lasted {ev.calm_mean:.1f} months on "
                f"average, against {ev.stressed_mean:.1f} in stressed credit.")
        return Decision(verdict, Statistic.from_estimate(ev.pooled, self.statistic_name, "pp", 100),
                        Sample(iso(evs[0]), iso(evs[-1]), ev.pooled.n, "events"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    @staticmethod
    def _events_display(frame: pd.DataFrame):
        """Event windows in pp (share that fell in %), indexed by event kind and window."""
        t = frame.rename(columns={"mean": "mean (pp)", "fell": "fell (%)"})
        cols = [c for c in ("mean (pp)", "ci_low", "ci_high", "fell (%)") if c in t.columns]
        t[cols] = percent(t[cols])
        return t.set_index(["event", "window (days)"]).round(2)

    def windows_table(self) -> pd.DataFrame:
        """IJR minus IWM over event windows of several lengths, by kind of event."""
        return self._events_display(self.evidence.windows)

    def small_large_table(self) -> pd.DataFrame:
        """IWM minus SPY over the deciding event window, by kind of event."""
        return self._events_display(self.evidence.small_large)

    def halves_table(self) -> pd.DataFrame:
        """The pooled events in two halves by date (pp)."""
        t = self.evidence.halves.rename(columns={"mean": "mean (pp)"})
        if t.empty:
            return Text(NO_ROWS)
        t[["mean (pp)", "ci_low", "ci_high"]] = percent(t[["mean (pp)", "ci_low", "ci_high"]])
        return t.round(2)

    @staticmethod
    def _runs_display(frame: pd.DataFrame) -> pd.DataFrame:
        col = f"at least {CLAIMED_RUN_MONTHS[0]}"
        if frame.empty:
            return Text(NO_ROWS)
        t = frame.rename(columns={col: f"{col} (%)"})
        t[f"{col} (%)"] = percent(t[f"{col} (%)"])
        return t.round(2)

    def runs_table(self) -> pd.DataFrame:
        """Completed IJR-minus-IWM runs by credit regime at their start."""
        return self._runs_display(self.evidence.run_stats)

    def french_runs_table(self) -> pd.DataFrame:
        """The same for French's small-cap profitability spread, Baa minus Aaa as the credit gauge."""
        return self._runs_display(self.evidence.french_runs)

    def paths_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.event_paths`, or why there is none."""
        ev = self.evidence
        if ev.paths.dropna(how="all").empty:
            return ev.reason or "no event window lies wholly inside the window"
        lines = {f"IJR − IWM, {k} ({len(ev.events[k])} events)": percent(ev.paths[k]) for k in KINDS}
        lines["IWM − SPY (small minus large), pooled"] = percent(ev.paths["IWM-SPY pooled"])
        p = ev.pooled
        sl = ev.small_large.set_index("event")["mean"].get("pooled", np.nan)
        if p is None:
            title = "Quality minus junk around rates rallies and VIX spikes"
        else:
            q = f"quality minus junk {'rose' if p.value > 0 else 'fell'} {abs(percent(p.value)):.2f} pp"
            title = (f"Over {self.spec.event_days} days from a rates rally or VIX spike {q} on average; small minus "
                     f"large {'rose' if sl > 0 else 'fell'} {abs(percent(sl)):.2f} pp")
        return {"data": pd.DataFrame(lines), "move_from": 1 - EVENT_LOOKBACK,
                "move_label": f"the {EVENT_LOOKBACK}-day move", "window_end": self.spec.event_days - EVENT_LOOKBACK,
                "window_label": f"end of the {self.spec.event_days}-day window", "title": title,
                "xlabel": f"trading days from the event (0 = the day the {EVENT_LOOKBACK}-day move crossed the "
                          "threshold)",
                "note": "Means across events of compounded daily return differences. Sources: Yahoo Finance, CBOE."}

    def runs_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.run_lengths`, or why there is none:
        run lengths are context, set against the run an independent coin with the same odds gives."""
        ev = self.evidence
        parts = []
        if len(ev.run_stats):
            parts.append(ev.run_stats.assign(series="IJR − IWM (ETFs, monthly)\ncredit: high-yield spread"))
        if len(ev.french_runs):
            parts.append(ev.french_runs.assign(series="small profitable − unprofitable (French)\ncredit: Baa − Aaa yield"))
        if not parts:
            return ev.reason or "no completed runs in the window"
        null = None if ev.p_positive is None or ev.p_positive >= 1 else rot.iid_run_null(ev.p_positive)
        calm = ev.calm_mean
        if calm is not None and null is not None:
            title = (f"Quality's runs of leadership last {calm:.1f} months in calm credit; a coin landing heads "
                     f"{ev.p_positive:.0%} of the time gives {null:.1f}")
        else:
            title = "Quality-leadership runs by credit regime"
        return {"data": pd.concat(parts).rename_axis("credit").reset_index(), "null": null, "title": title,
                "note": "A run: consecutive months in which the quality series beat the junk series; 95% bootstrap "
                        "intervals across runs. Context only: a run length is not a test of persistence."}

    def continuation_table(self) -> pd.DataFrame | Text:
        """The continuation regressions: the next 3 and 6 months after a 3-month lead and after a lag,
        by credit regime (pp), and the continuation with its Hodrick, Newey-West and non-overlapping
        intervals."""
        ev = self.evidence
        rows = {}
        for (key, m), c in sorted(ev.continuation.items()):
            means = c["means"]["mean"]
            for regime, slope in (("calm", c["first"]), ("stressed", c["second"])):
                rows[(CONTINUATION_SERIES[key], m, regime)] = {
                    "after a lead (pp)": percent(means.get((regime, True), np.nan)),
                    "after a lag (pp)": percent(means.get((regime, False), np.nan)),
                    "continuation (pp)": percent(slope.value), "Hodrick ci_low": percent(slope.ci_low),
                    "Hodrick ci_high": percent(slope.ci_high),
                    "Newey-West ci_low": percent(c["first_hac"].ci_low) if regime == "calm" else np.nan,
                    "Newey-West ci_high": percent(c["first_hac"].ci_high) if regime == "calm" else np.nan,
                    "non-overlapping": percent(c["non_overlapping"].value) if regime == "calm" else np.nan,
                    "months": c["n"]}
        if not rows:
            return Text(NO_ROWS)
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index = pd.MultiIndex.from_tuples(out.index, names=["series", "months ahead", "credit"])
        return out.round(2)

    def continuation_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.continuation_bars` at the deciding
        horizon, or why there is none."""
        ev = self.evidence
        m = self.spec.continuation_months
        rows = []
        for key in ("french", "etf"):
            c = ev.continuation.get((key, m))
            if c is None:
                continue
            for regime, e in (("calm", c["first"]), ("stressed", c["second"])):
                rows.append({"series": CONTINUATION_SERIES[key].replace(", ", "\ncredit: "), "credit": regime,
                             "continuation (pp)": percent(e.value), "ci_low": percent(e.ci_low), "ci_high": percent(e.ci_high)})
        if not rows:
            return ev.cont_problem or "no continuation regression fits in the window"
        calm = self.continuation_estimate(ev)
        if calm is not None:
            title = (f"After a {PAST_MONTHS}-month quality lead in calm credit, small-cap quality gained "
                     f"{percent(calm.value):+.1f} pp more over {m} months than after a lag")
        else:
            title = f"Quality minus junk over {m} months after a lead minus after a lag"
        return {"data": pd.DataFrame(rows), "title": title,
                "ylabel": f"next {m} months, after a lead minus after a lag (pp)",
                "note": "95% Hodrick (1992) intervals. French: small high minus low operating profitability, value "
                        "weighted; ETFs: IJR minus IWM."}

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        fr = ev.french_runs
        def has_ci(row) -> bool:
            return row is not None and pd.notna(row["ci_low"]) and pd.notna(row["ci_high"])

        runs = ev.run_stats
        run_ci = all(has_ci(self._runs(runs, lab)) for lab in ("calm", "stressed"))
        kind_ci = all(has_ci(self._window_row(ev.windows, k)) for k in KINDS[:2])
        events = not ev.event_problem
        runs_both = len(runs) > 0 and {"calm", "stressed"} <= set(runs.index)
        m = self.spec.continuation_months
        return {"r6_etf": len(ev.qmj) > 0, "r6_halves": events and len(ev.halves) == 2,
                "r6_events": events, "r6_runs": runs_both and ev.p_positive is not None,
                "r6_run_ci": runs_both and run_ci and ev.p_positive is not None,
                "r6_kind_ci": events and kind_ci,
                "r6_sl_ci": events and has_ci(self._window_row(ev.small_large, "pooled")),
                "r6_french_runs": len(fr) > 0 and {"calm", "stressed"} <= set(fr.index),
                "r6_cont": ("french", m) in ev.continuation and ("french", 3) in ev.continuation
                and ("french", 6) in ev.continuation,
                "r6_cont_etf": ("etf", m) in ev.continuation}

    def _window_row(self, frame: pd.DataFrame, kind: str) -> pd.Series | None:
        w = frame[(frame["event"] == kind) & (frame["window (days)"] == self.spec.event_days)]
        return w.iloc[0] if len(w) else None

    @staticmethod
    def _runs(frame: pd.DataFrame, regime: str) -> pd.Series | None:
        return frame.loc[regime] if len(frame) and regime in frame.index else None

    def facts(self) -> dict[str, Fact]:
        ev, sp = self.evidence, self.spec
        rates, vix, pooled = (self._window_row(ev.windows, k) for k in KINDS)
        sl_rates, sl_vix, sl_pooled = (self._window_row(ev.small_large, k) for k in KINDS)

        def mean(row, col="mean"):
            return None if row is None else row[col]

        runs = {(tag, lab): self._runs(frame, lab) for tag, frame in (("etf", ev.run_stats), ("fr", ev.french_runs))
                for lab in ("calm", "stressed")}
        share = f"at least {CLAIMED_RUN_MONTHS[0]}"

        def run(tag, lab, col):
            r = runs[(tag, lab)]
            return None if r is None else r[col]

        a = ev.ar1
        g: dict[str, Fact] = {
            "r6_bp": raw(sp.rates_rally_bp, "{:.0f}"), "r6_vix_pct": raw(sp.vix_spike_pct, "{:.0f}"),
            "r6_lookback": count(EVENT_LOOKBACK), "r6_gap": count(EVENT_GAP),
            "r6_first_day": text(iso(ev.qmj.index[0]) if len(ev.qmj) else None),
            "r6_days": count(sp.event_days), "r6_run_lo": count(CLAIMED_RUN_MONTHS[0]),
            "r6_run_hi": count(CLAIMED_RUN_MONTHS[1]),
            "r6_n_rates": count(len(ev.events["rates rally"])), "r6_n_vix": count(len(ev.events["VIX spike"])),
            "r6_n_pooled": count(len(ev.events["pooled"])),
            "r6_rates": pp(mean(rates), 2), "r6_rates_lo": pp(mean(rates, "ci_low"), 2),
            "r6_rates_hi": pp(mean(rates, "ci_high"), 2),
            "r6_vix": pp(mean(vix), 2), "r6_vix_lo": pp(mean(vix, "ci_low"), 2), "r6_vix_hi": pp(mean(vix, "ci_high"), 2),
            "r6_pooled": pp(mean(pooled), 2), "r6_pooled_lo": pp(mean(pooled, "ci_low"), 2),
            "r6_pooled_hi": pp(mean(pooled, "ci_high"), 2), "r6_pooled_fell": pct(mean(pooled, "fell"), 0),
            "r6_sl_rates": pp(mean(sl_rates), 2), "r6_sl_vix": pp(mean(sl_vix), 2),
            "r6_sl_pooled": pp(mean(sl_pooled), 2), "r6_sl_pooled_lo": pp(mean(sl_pooled, "ci_low"), 2),
            "r6_sl_pooled_hi": pp(mean(sl_pooled, "ci_high"), 2),
            "r6_baseline": pp(None if ev.baseline is None else ev.baseline.value, 2),
            "r6_etf_calm": num(run("etf", "calm", "mean length"), 1),
            "r6_etf_calm_lo": num(run("etf", "calm", "ci_low"), 1),
            "r6_etf_calm_hi": num(run("etf", "calm", "ci_high"), 1),
            "r6_etf_calm_runs": count(run("etf", "calm", "runs")),
            "r6_etf_calm_share": pct(run("etf", "calm", share), 0),
            "r6_etf_stressed": num(run("etf", "stressed", "mean length"), 1),
            "r6_etf_stressed_lo": num(run("etf", "stressed", "ci_low"), 1),
            "r6_etf_stressed_hi": num(run("etf", "stressed", "ci_high"), 1),
            "r6_etf_stressed_runs": count(run("etf", "stressed", "runs")),
            "r6_fr_calm": num(run("fr", "calm", "mean length"), 1),
            "r6_fr_calm_runs": count(run("fr", "calm", "runs")),
            "r6_fr_stressed": num(run("fr", "stressed", "mean length"), 1),
            "r6_fr_stressed_runs": count(run("fr", "stressed", "runs")),
            "r6_ar1": num(None if a is None else a.value, 2), "r6_ar1_lo": num(None if a is None else a.ci_low, 2),
            "r6_ar1_hi": num(None if a is None else a.ci_high, 2), "r6_ar1_n": count(None if a is None else a.n),
        }
        h = ev.halves
        two = len(h) == 2
        g.update({"r6_half1": text(h.index[0] if two else None), "r6_half2": text(h.index[1] if two else None),
                  "r6_half1_mean": pp(h.iloc[0]["mean"] if two else None, 2),
                  "r6_half2_mean": pp(h.iloc[1]["mean"] if two else None, 2)})
        null = None if ev.p_positive is None or ev.p_positive >= 1 else rot.iid_run_null(ev.p_positive)
        g.update({"r6_p_pos": pct(ev.p_positive, 0), "r6_null": num(null, 1), "r6_past": count(PAST_MONTHS)})
        g.update(self._continuation_facts())
        return g

    def _continuation_facts(self) -> dict[str, Fact]:
        """The continuation regressions' numbers the prose cites (pp)."""
        ev = self.evidence
        m = self.spec.continuation_months
        c, c3, ce = (ev.continuation.get(k) for k in (("french", m), ("french", 3), ("etf", m)))

        def mean(cc, regime, lead):
            return None if cc is None else cc["means"]["mean"].get((regime, lead))
        first, second = (None if c is None else c["first"]), (None if c is None else c["second"])
        return {
            "r6_c_months": count(m),
            "r6_c_start": text(None if c is None else str(c["start"])), "r6_c_end": text(None if c is None else str(c["end"])),
            "r6_c_n": count(None if c is None else c["n"]),
            "r6_c_lead_calm": pp(mean(c, "calm", True), 2, signed=True),
            "r6_c_lag_calm": pp(mean(c, "calm", False), 2, signed=True),
            "r6_c_lead_stressed": pp(mean(c, "stressed", True), 2, signed=True),
            "r6_c_lag_stressed": pp(mean(c, "stressed", False), 2, signed=True),
            "r6_c_calm": pp(None if first is None else first.value, 2, signed=True),
            "r6_c_calm_lo": pp(None if first is None else first.ci_low, 2),
            "r6_c_calm_hi": pp(None if first is None else first.ci_high, 2),
            "r6_c_calm_hac_lo": pp(None if c is None else c["first_hac"].ci_low, 2),
            "r6_c_calm_hac_hi": pp(None if c is None else c["first_hac"].ci_high, 2),
            "r6_c_calm_non": pp(None if c is None else c["non_overlapping"].value, 2, signed=True),
            "r6_c_calm_non_lo": pp(None if c is None else c["non_overlapping"].ci_low, 2),
            "r6_c_calm_non_hi": pp(None if c is None else c["non_overlapping"].ci_high, 2),
            "r6_c_stressed": pp(None if second is None else second.value, 2, signed=True),
            "r6_c_p": raw(None if first is None else one_sided_p(first, +1), "{:.3f}"),
            "r6_c_mde": pp(None if first is None else mde(first.se, sides=2), 1),
            "r6_c3_calm": pp(None if c3 is None else c3["first"].value, 2, signed=True),
            "r6_c3_lo": pp(None if c3 is None else c3["first"].ci_low, 2),
            "r6_c3_hi": pp(None if c3 is None else c3["first"].ci_high, 2),
            "r6_ce_calm": pp(None if ce is None else ce["first"].value, 2, signed=True),
            "r6_ce_lo": pp(None if ce is None else ce["first"].ci_low, 2),
            "r6_ce_hi": pp(None if ce is None else ce["first"].ci_high, 2),
            "r6_ce_start": text(None if ce is None else str(ce["start"])),
        }
