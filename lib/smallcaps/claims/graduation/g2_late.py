"""G2. Does the passive index catch winners late, let them dominate, then lose them? Source [E].

Claim: a passive small-cap index catches winners late, lets them dominate its return, then loses
them as they move up.

Evidence, in three parts that each test an assertion of the claim (the book's one rule for claims
with parts, :func:`smallcaps.claims.base.combine_parts`, combines them):

(a) *late*: where S&P 600 graduates' run-up happened, before or after they joined the index;
(b) *the cost of losing them*: graduates' buy-and-hold excess returns (BHARs) after the move,
    with an interval that resamples calendar quarters of moves, and a calendar-time portfolio of
    graduates in their first months after the move;
(c) *the frozen roster*: the index's roster frozen each June against the reconstituted
    equal-weight index over the next year (Cai and Houge's design in annual cohorts), with a t
    interval over cohorts and survivorship bounds.

The share of the equal-weight index's return from members about to graduate ("lets them
dominate") is shown beside the same share for the ex-post winners (the top 2% of members by
their next 12 months' return, picked with the same hindsight), and does not decide: any group
picked for its later gains supplies much of an index's return.

Amended on 2026-11-26 (referee report on valuation and graduation, G2): the registered rule
decided on the BHAR after the move and the dominance share (``verdict_rule="registered"``,
``resampling="events"`` reproduce it exactly). Units: returns, BHARs and shares are decimals.
"""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import iso, percent, plural
from ...errors import DataError
from ...stats import cluster_bootstrap, coef_estimate, mde, mean_hac, ols_hac, one_sided_p
from ..base import Choice, Decision, Part, SpecSpace, combine_parts
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .events import (
    GRADUATES,
    MIN_EVENTS,
    NEXT_RUNG,
    benchmark_of,
    bhar_windows,
    boot,
    event_study,
    qboot,
    quarters,
    steps,
)
from .g2_evidence import (  # noqa: F401 (the constants and helpers are part of this module's API)
    _SHARE_WORDS,
    CAI_HOUGE,
    COHORT_MONTH,
    FAMA_FRENCH,
    FUTURE_MONTHS,
    IN_INDEX,
    NOT_YET,
    PARTS,
    UNKNOWN,
    WINNERS_SHARE,
    G2Evidence,
    G2Shows,
    _p_t,
    t_interval,
    t_mde,
)
from .inputs import ALT_MATCH_WINDOW_DAYS, BENCHMARK, BENCHMARKS, MATCH_WINDOW, POST_MONTHS, PRE_MONTHS, GraduationClaim


class G2(G2Shows, GraduationClaim):
    id: ClassVar[str] = "G2"
    heading: ClassVar[str] = "Does the index lose its winners?"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "membership")
    space: ClassVar[SpecSpace] = SpecSpace(
        MATCH_WINDOW, PRE_MONTHS, POST_MONTHS, BENCHMARK,
        Choice("dominance_multiple", 2.0, {"1.5 times": 1.5, "3 times": 3.0},
               "future graduates 'dominate' when their share of the return is at least this multiple of their weight "
               "(the registered rule's second part; shown, not deciding, under the amended rule)",
               check=lambda v: None if v > 1 else "above 1"),
        Choice("future_months", FUTURE_MONTHS, {"6 months": 6, "24 months": 24},
               "members moving up within this many months count as future graduates",
               check=lambda v: None if 1 <= v <= 36 else "1..36"),
        Choice("min_events", MIN_EVENTS, {"20 graduates": 20},
               "fewest S&P 600 graduates with prices (after the move: with its months of prices) that can decide a part",
               check=lambda v: None if v >= 3 else "at least 3"),
        Choice("late_share", 0.5, {"two thirds": 2.0 / 3.0},
               "'late': more than this share of the run-up came before the graduate joined the index (decimal)",
               check=lambda v: None if 0 < v < 1 else "between 0 and 1"),
        Choice("min_cohorts", 3, {"5 cohorts": 5},
               "fewest June cohorts of S&P 600 membership, each followed a year, that can decide the frozen-roster part",
               check=lambda v: None if v >= 2 else "at least 2"),
        Choice("resampling", "quarters", {"events in date order (registered)": "events"},
               "what the BHAR's bootstrap resamples: calendar quarters of moves or single events in date order (the "
               "registered rule)", check=lambda v: None if v in ("quarters", "events") else "quarters, events"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (three parts: late, the cost after the move, the frozen roster) or as "
               "registered (the BHAR after the move and the dominance share)",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G2",
        claim="A passive small-cap index catches winners late, lets them dominate its return, then loses them as "
              "they move up [E].",
        hypothesis=("The index buys its winners late (most of a graduate's run-up comes before it joins the S&P 600) "
                    "and loses by handing them over (after they leave, graduates keep beating what the small-cap "
                    "holder owns instead, and a roster frozen each year beats the reconstituted index)."),
        statistic=("three parts, each an assertion of the claim. (a) Late: the share of S&P 600 graduates' run-up "
                   "over the {pre_months} months before the move (log returns relative to IJR, which add up) that "
                   "came before they joined the S&P 600, with run-up before pitindex's S&P 600 record counted once as "
                   "inside the index and once as before joining (two bounds), and 95% intervals resampling calendar "
                   "quarters of moves. (b) The cost after the move: the mean buy-and-hold excess return (BHAR) of S&P "
                   "600 graduates from the last month end before the move to {post_months} months after, in pp, "
                   "against the benchmark set by the `benchmark` parameter (default: IJR), with a 95% interval "
                   "resampling calendar quarters of moves; and a calendar-time portfolio of graduates in their first "
                   "{post_months} months (its mean monthly excess return, 95% HAC interval). (c) The frozen roster: "
                   "the mean one-year gap between the S&P 600's members frozen each June and the reconstituted index "
                   "(both equal weight, rebalanced monthly), in pp, with a 95% t interval over cohorts and "
                   "survivorship bounds. The share of the index's return from members graduating within "
                   "{future_months} months is shown beside the ex-post winners' (the top 2% of members by their next "
                   "{future_months} months' return) and does not decide."),
        supported=("all three parts hold: (a) the lower end of the interval of the share before joining is above "
                   "{late_words} of the run-up; (b) the BHAR's interval and the calendar-time portfolio's lie above "
                   "zero; (c) the cohorts' interval lies above zero"),
        partly="at least one part holds but not all (a part that cannot be measured caps the verdict here)",
        inconclusive=("no part holds and at least one is undecided: its estimate points the claim's way but its "
                      "interval includes zero (for the late part: the interval of the share straddles {late_words})"),
        not_supported=("every part that can be measured fails: (a) even with all run-up before the record counted as "
                       "before joining, the share's interval lies below {late_words}; (b) the mean BHAR is zero or "
                       "below; (c) the mean gap is zero or below"),
        untestable=("no part can be measured: fewer than {min_events} S&P 600 graduates with prices (or with "
                    "{post_months} months of prices after the move) and fewer than {min_cohorts} June cohorts of S&P "
                    "600 membership in the window"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date=registered.AMENDED,
        reason=("Referee report on valuation and graduation, G2 (major): the registered rule left out 'late', which "
                "the chapter's own evidence contradicts, and decided half the claim on the share of the index's "
                "return from members about to graduate, which any group picked with hindsight passes. The amended "
                "rule tests the claim's three assertions (late; the cost after the move, with a calendar-time "
                "portfolio and calendar-quarter resampling; the frozen roster in one-year cohorts with an interval "
                "and survivorship bounds) under the book's rule for claims with parts; the dominance share is shown "
                "against the ex-post winners' and does not decide."),
        old_rule=registered.G2,
        registered_spec={"resampling": "events", "verdict_rule": "registered"},
    ),)

    @classmethod
    def rule_words(cls, values) -> dict[str, str]:
        share = values["late_share"]
        words = next((w for x, w in _SHARE_WORDS.items() if abs(x - share) < 1e-9), f"{share:.0%}")
        return {"late_words": words}

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        bench = "IJR" if self.spec.benchmark == "origin" else "IJH/IVV"
        return f"graduates' {self.spec.post_months}-month BHAR vs {bench}"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> G2Evidence:
        inp, w, sp = self.inputs, self.window, self.spec
        pre, post = sp.pre_months, sp.post_months
        prices, panels = inp.month_end_prices(w.end), inp.window_panels(w)
        events = inp.moves(w, sp.match_window_days)
        ev = events.loc[events["has_prices"]]
        studies, paths, rows = {}, [], []
        for step in (GRADUATES, NEXT_RUNG):
            e = steps(ev, step)
            if len(e) < 3:
                continue
            for which in BENCHMARKS:
                st = event_study(inp, w.end, e, which, pre, post)
                studies[(step, which)] = st
                bname = "/".join(sorted(set(st.events["benchmark"])))
                p = ga.bhar_path(st)
                p["step"], p["benchmark"], p["which"] = step, f"{bname} ({which})", which
                paths.append(p)
                rows.append(self._bhar_row(st, {"step": step, "benchmark": f"{bname} ({which})"}))
        paths_df = pd.concat(paths, ignore_index=True) if paths else pd.DataFrame()
        summary = pd.DataFrame(rows).set_index(["step", "benchmark"]) if rows else pd.DataFrame()
        amended = sp.verdict_rule == "amended"  # the registered rule needs none of the parts' evidence
        run, late = [], None
        for step in (GRADUATES, NEXT_RUNG):
            st = studies.get((step, "origin"))
            if st is None:
                continue
            r = ga.runup_by_membership(st, inp.panels(w.end))  # the run-up looks back before the window
            r["step"] = step
            run.append(r.reset_index())
            if step == GRADUATES and amended:
                late = self._late(st, ga.runup_by_event(st, inp.panels(w.end)))
        runup = pd.concat(run, ignore_index=True) if run else pd.DataFrame()
        # contributions of future graduates (and of the ex-post winners) to the equal-weight point-in-time index
        yearly, dom, winners = [], {}, {}
        rets = prices / prices.shift(1) - 1.0
        up = events.loc[events["direction"] == "up"]
        mem_end = min(inp.memberships["sp600"].end, w.end)
        lookahead_end = (mem_end - pd.DateOffset(months=sp.future_months)) + pd.offsets.MonthEnd(0)
        for k in ("sp600", "sp400"):
            panel = panels.get(k)
            if panel is None or len(panel) < 3:
                continue
            months = panel.index[1:]
            held = ga.start_of_month_membership(panel, months)
            flags = ga.future_move_flags(held, up.loc[up["origin"] == k], sp.future_months)
            monthly = ga.ew_contributions(rets, held, flags)
            y = ga.yearly_contributions(monthly, complete_until=lookahead_end)
            y.insert(0, "index", ga.INDEX_LABELS[k])
            yearly.append(y.reset_index())
            dom[k] = ga.dominance(monthly, until=lookahead_end, multiple=sp.dominance_multiple)
            if amended:
                best = inp.memo(("winners", k, w.start, w.end, sp.future_months), lambda held=held: ga.ew_contributions(
                    rets, held, ga.winner_flags(rets, held, prices, WINNERS_SHARE, sp.future_months)))
                winners[k] = ga.dominance(best, until=lookahead_end, multiple=sp.dominance_multiple)
        yearly_df = pd.concat(yearly, ignore_index=True) if yearly else pd.DataFrame()
        # each index's first roster held unchanged against the reconstituted index, and annual cohorts
        bh, cohorts = {}, {}
        etfs = inp.month_end_etfs(w.end)
        for k in ("sp600", "sp400", "sp500"):
            panel = panels.get(k)
            if panel is None or len(panel) < 13:
                continue
            if k != "sp500":
                bh[k] = ga.frozen_roster(prices, etfs[ga.INDEX_ETFS[k]], panel)
            for years in ((1, 5) if amended else ()):
                c = inp.memo(("cohorts", k, w.start, w.end, years), lambda k=k, panel=panel, years=years: ga.cohort_gaps(
                    prices, panel, etfs[ga.INDEX_ETFS[k]], years, COHORT_MONTH))
                if len(c):
                    cohorts[(k, years)] = c
        c6 = cohorts.get(("sp600", 1))
        cohort_est = t_interval(c6["gap"]) if c6 is not None and len(c6) >= sp.min_cohorts else None
        st = studies.get((GRADUATES, sp.benchmark))
        post_x = st.bhar(0, post).dropna() if st is not None else pd.Series(dtype=float)
        post_events = st.events.loc[post_x.index] if st is not None else pd.DataFrame()
        if sp.resampling == "events":
            post_est = boot(post_x, sp.min_events)
        else:
            post_est = qboot(post_x, post_events["date"] if len(post_events) else [], sp.min_events)
        cal, cal_est, cal_alpha = pd.DataFrame(), None, None
        if st is not None and amended:
            cal = ga.calendar_time(st, prices.index, post)
            if len(cal) >= 12:
                cal_est = mean_hac(cal["excess"])
                er = etfs[["IJR", "IJH"]] / etfs[["IJR", "IJH"]].shift(1) - 1.0
                try:
                    res = ols_hac(cal["portfolio"], er.reindex(cal.index))
                    cal_alpha = coef_estimate(res, "const")
                except DataError:
                    cal_alpha = None
        robust = self._robustness(studies, events)
        return G2Evidence(studies, paths_df, summary, runup, yearly_df, dom, bh, robust, post_est, post_events,
                          late, cal, cal_est, cal_alpha, cohorts, cohort_est, winners,
                          float(post_x.median()) if len(post_x) else None)

    def _late(self, st: ga.EventStudy, per: pd.DataFrame) -> dict | None:
        """Part (a): the shares of S&P 600 graduates' run-up before they joined (strict, and with the
        run-up before the record counted as before joining), with calendar-quarter intervals."""
        if len(per) < self.spec.min_events or float(per["total"].sum()) <= 0:
            return None  # too few graduates, or no run-up to split
        dates = st.events.loc[per.index, "date"]
        q = quarters(dates)
        if len(set(q)) < 3:
            return None

        data = per[[IN_INDEX, NOT_YET, UNKNOWN, "total"]]

        def share(cols):  # the columns' summed run-up over the total (rows: resampled events)
            def f(a):
                tot = a[:, 3].sum()
                return a[:, cols].sum() / tot if tot > 0 else np.nan
            return f

        before = cluster_bootstrap(data, q, share([1]), what="calendar quarters")
        before_max = cluster_bootstrap(data, q, share([1, 2]), what="calendar quarters")
        return {"before": before, "before_max": before_max,
                "inside": float(per[IN_INDEX].sum() / per["total"].sum()), "events": len(per),
                "first": iso(dates.min()), "last": iso(dates.max())}

    def _bhar_row(self, st: ga.EventStudy, label: dict) -> dict:
        post = self.spec.post_months
        row = dict(label)
        row["movers"] = len(st.events)
        row["with prices"] = int(st.events["has_prices"].sum())
        for name, a, b in bhar_windows(st.pre, post):
            x = st.bhar(a, b).dropna()
            e = self._interval(x, st)
            row[name] = x.mean() if len(x) else np.nan
            row[f"{name} low"] = e.ci_low if e else np.nan
            row[f"{name} high"] = e.ci_high if e else np.nan
            row[f"{name} median"] = x.median() if len(x) else np.nan
        row[f"n 0..+{post}"] = int(st.bhar(0, post).notna().sum())
        return row

    def _robustness(self, studies: dict, events: pd.DataFrame) -> pd.DataFrame:
        inp, w, sp = self.inputs, self.window, self.spec
        which, post = sp.benchmark, sp.post_months
        col = f"BHAR 0..+{post}"
        rows = []

        def add(label, st, mask=None, measure="bhar"):
            if st is None:
                return None
            x = st.bhar(0, post) if measure == "bhar" else st.car(0, post)
            if mask is not None:
                x = x.loc[mask(st.events.loc[x.index]).to_numpy()]
            x = x.dropna()
            if x.empty:
                return x  # a variant this window has no event for
            e = self._interval(x, st)
            rows.append({"variant": label, "events": len(x), col: x.mean() if len(x) else np.nan,
                         "ci_low": e.ci_low if e else np.nan, "ci_high": e.ci_high if e else np.nan,
                         "median": x.median() if len(x) else np.nan})
            return x

        st = studies.get((GRADUATES, which))
        base = add(f"default: {sp.match_window_days}-day window, {which} benchmark", st)
        other = "destination" if which == "origin" else "origin"
        add(f"{other} benchmark", studies.get((GRADUATES, other)))
        alt = inp.moves(w, ALT_MATCH_WINDOW_DAYS)
        alt = steps(alt.loc[alt["has_prices"]], GRADUATES)
        if len(alt) >= 3:
            add(f"{ALT_MATCH_WINDOW_DAYS}-day matching window",
                event_study(inp, w.end, alt, which, sp.pre_months, post))
        if st is not None and base is not None and len(base):
            dates = st.events.loc[base.index, "date"]
            mid = dates.sort_values().iloc[len(dates) // 2]
            add(f"moves before {mid.date()}", st, lambda e: e["date"] < mid)
            add(f"moves from {mid.date()}", st, lambda e: e["date"] >= mid)
            add("matched events only", st, lambda e: e["evidence"] != ga.TEXT_ONLY)
            # the statistic first computed for this chapter, before the switch to BHARs: shown for transparency
            add("summed monthly excess returns (CAR) instead of BHAR", st, measure="car")
            if sp.resampling == "quarters":  # the registered interval, for comparison
                e = boot(base)
                if e is not None:
                    rows.append({"variant": "registered interval: single events in date order", "events": len(base),
                                 col: base.mean(), "ci_low": e.ci_low, "ci_high": e.ci_high, "median": base.median()})
            # survivorship: graduates without prices, at zero excess or at -100%
            grads = steps(events, GRADUATES)
            last_month = inp.month_end_prices(w.end).index[-1]
            reach = grads["date"] - pd.Timedelta(days=1) <= last_month - pd.DateOffset(months=post)
            unpriced = grads.loc[reach & ~grads["has_prices"]]
            missing = len(unpriced)
            n = len(base) + missing
            rows.append({"variant": f"bound: {missing} unpriced graduates at zero excess", "events": n,
                         col: base.sum() / n, "ci_low": np.nan, "ci_high": np.nan, "median": np.nan})
            # an unpriced graduate at -100% trails its benchmark by 1 plus the benchmark's return
            growth = ga.benchmark_growth(unpriced["date"], benchmark_of(unpriced, which), inp.month_end_etfs(w.end),
                                         post)
            rows.append({"variant": f"bound: {missing} unpriced graduates at -100%", "events": n,
                         col: (base.sum() - (1 + growth).sum()) / n, "ci_low": np.nan, "ci_high": np.nan,
                         "median": np.nan})
        add(f"other step: {NEXT_RUNG} ({which} benchmark)", studies.get((NEXT_RUNG, which)))
        return pd.DataFrame(rows).set_index("variant") if rows else pd.DataFrame()

    def _interval(self, x: pd.Series, st: ga.EventStudy, min_events: int = MIN_EVENTS):
        """The mean of per-event ``x`` with the specification's interval: resampling calendar quarters
        of the moves, or single events in date order (registered)."""
        x = x.dropna()
        if self.spec.resampling == "events":
            return boot(x, min_events)
        return qboot(x, st.events.loc[x.index, "date"], min_events)

    # -- the parts and the decision ------------------------------------------------------------------

    def part_late(self, ev: G2Evidence) -> str | None:
        """Part (a), "catches winners late": supported when the lower end of the interval of the
        share before joining is above ``late_share``; not supported when, even with the run-up
        before the record counted as before joining, the interval's upper end is below it;
        inconclusive in between; None when it cannot be measured."""
        late, bar = ev.late, self.spec.late_share
        if late is None:
            return None
        if late["before"].ci_low > bar:
            return SUPPORTED
        if late["before_max"].ci_high < bar:
            return NOT_SUPPORTED
        return INCONCLUSIVE

    def part_cost(self, ev: G2Evidence) -> str | None:
        """Part (b), "then loses them": supported when the BHAR's interval and the calendar-time
        portfolio's lie above zero; not supported when the mean BHAR is zero or below;
        inconclusive otherwise; None without enough graduates after the move."""
        e, c = ev.post, ev.calendar_est
        if e is None:
            return None
        if e.value <= 0:
            return NOT_SUPPORTED
        if e.ci_low > 0 and c is not None and c.ci_low > 0:
            return SUPPORTED
        return INCONCLUSIVE

    def part_frozen(self, ev: G2Evidence) -> str | None:
        """Part (c), the frozen roster: supported when the cohorts' t interval lies above zero; not
        supported when the mean gap is zero or below; inconclusive otherwise; None with fewer
        than ``min_cohorts`` cohorts."""
        e = ev.cohort_est
        if e is None:
            return None
        if e.value <= 0:
            return NOT_SUPPORTED
        return SUPPORTED if e.ci_low > 0 else INCONCLUSIVE

    def parts(self, ev: G2Evidence | None = None) -> list[Part]:
        """The three assertions with their verdicts (None: cannot be measured)."""
        ev = ev if ev is not None else self.evidence
        return [Part(PARTS[0], "assertion", self.part_late(ev)), Part(PARTS[1], "assertion", self.part_cost(ev)),
                Part(PARTS[2], "assertion", self.part_frozen(ev))]

    def untestable(self, ev: G2Evidence) -> str | None:
        post = self.spec.post_months
        if self.spec.verdict_rule == "registered":
            if ev.post is not None and "sp600" in ev.dominance:
                return None
            return (f"Too few S&P 600 graduates with {post} months of prices after the move (or no S&P 600 "
                    "membership) in the window; deciding it needs point-in-time small-cap index membership "
                    "with member prices over the window.")
        if any(p.verdict is not None for p in self.parts(ev)):
            return None
        return (f"Too few S&P 600 graduates with prices (or with {post} months of prices after the move) and too few "
                "June cohorts of S&P 600 membership in the window; deciding it needs point-in-time small-cap index "
                "membership with member prices over the window (pitindex's S&P 600 membership starts on 2021-03-31).")

    def decide(self, ev: G2Evidence) -> Decision:
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        sp = self.spec
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        words = {None: "cannot be measured in this window"}
        lines = []
        late = ev.late
        if late is not None:
            lines.append(f"(a) Late: {percent(late['before'].value):.0f}% of graduates' run-up came before they joined "
                         f"the S&P 600 (at most {percent(late['before_max'].value):.0f}% counting the run-up before the "
                         f"record; {percent(late['inside']):.0f}% inside): {parts[0].verdict}")
        else:
            lines.append(f"(a) Late: {words[None]}")
        e, c = ev.post, ev.calendar_est
        if e is not None:
            cal = (f"; a calendar-time portfolio of graduates earned {percent(c.value):+.2f} pp a month over the benchmark "
                   f"({percent(c.ci_low):.2f} to {percent(c.ci_high):.2f})" if c is not None else "")
            med = f", median {percent(ev.post_median):.1f} pp" if ev.post_median is not None else ""
            lines.append(f"(b) After the move: {sp.post_months}-month BHAR {percent(e.value):.1f} pp ({percent(e.ci_low):.1f}"
                         f" to {percent(e.ci_high):.1f}){med}{cal}: {parts[1].verdict}")
        else:
            lines.append(f"(b) After the move: {words[None]}")
        k = ev.cohort_est
        if k is not None:
            lines.append(f"(c) Frozen roster: one-year cohorts {percent(k.value):+.2f} pp a year ({percent(k.ci_low):.2f} to "
                         f"{percent(k.ci_high):.2f}, {k.n} cohorts): {parts[2].verdict}")
        else:
            lines.append(f"(c) Frozen roster: {words[None]}")
        note = ". ".join(lines) + "."
        d, wn = ev.dominance.get("sp600"), ev.winners.get("sp600")
        if d and wn and d["months"] > 0 and math.isfinite(d["share"]) and math.isfinite(wn["share"]):
            note += (f" Shown, not deciding: members graduating within {plural(sp.future_months, 'month')} supplied "
                     f"{percent(d['share']):.0f}% of the equal-weight S&P 600's summed return from "
                     f"{percent(d['weight']):.0f}% of its weight; the ex-post top {percent(WINNERS_SHARE):.0f}% of members "
                     f"supplied {percent(wn['share']):.0f}%.")
        st, smp, extra = self._deciding(ev)
        return Decision(verdict, st, smp, note, **extra)

    def _deciding(self, ev: G2Evidence) -> tuple:
        """The statistic shown as deciding (the claim has three parts): the BHAR after the move
        when it can be measured (with its p-value and MDE), else the late part's share, else the
        cohorts' gap; and its sample."""
        e = ev.post
        if e is not None:
            pe = ev.post_events
            st = Statistic.from_estimate(e, self.statistic_name, "pp", 100)
            return (st, Sample(iso(pe["date"].min()), iso(pe["date"].max()), int(e.n), "events"),
                    {"p_value": one_sided_p(e, +1), "mde": mde(None if e.se is None else percent(e.se))})
        if ev.late is not None:
            b = ev.late["before_max"]
            st = Statistic.from_estimate(b, "graduates' run-up before joining, at most", "%", 100)
            return st, Sample(ev.late["first"], ev.late["last"], int(ev.late["events"]), "events"), {}
        k = ev.cohort_est
        c = ev.cohorts[("sp600", 1)]
        st = Statistic.from_estimate(k, "S&P 600 frozen roster minus the index, one-year cohorts", "pp", 100)
        return (st, Sample(iso(c["start"].min()), iso(c["end"].max()), int(k.n), "annual"),
                {"p_value": _p_t(k), "mde": None if t_mde(k) is None else percent(t_mde(k))})

    def _decide_registered(self, ev: G2Evidence) -> Decision:
        """The registered rule, reproduced exactly: the BHAR after the move and the dominance share."""
        e, d, sp = ev.post, ev.dominance["sp600"], self.spec
        beat, dom = e.ci_low > 0, d["dominates"]
        verdict = SUPPORTED if (beat and dom) else (PARTLY if (beat or dom) else NOT_SUPPORTED)
        share = (f"{percent(d['share']):.0f}% of the equal-weight S&P 600's summed return from {percent(d['weight']):.0f}% "
                 "of its weight" if math.isfinite(d["share"]) else
                 f"{percent(d['group_sum']):.0f} pp while the index summed {percent(d['index_sum']):.0f} pp")
        within = "a year" if sp.future_months == 12 else f"{sp.future_months} months"
        note = (f"After leaving, graduates' {sp.post_months}-month BHAR was {percent(e.value):.1f} pp "
                f"({percent(e.ci_low):.1f} to {percent(e.ci_high):.1f}); members graduating within {within} supplied {share}"
                f" ({'dominant' if dom else 'not dominant'} by the rule).")
        pe = ev.post_events
        return Decision(verdict, Statistic.from_estimate(e, self.statistic_name, "pp", 100),
                        Sample(iso(pe["date"].min()), iso(pe["date"].max()), int(e.n), "events"), note)
