"""G1. The best small caps graduate; the tail stays behind. Source [E], July 2026.

Claim: the best small caps graduate to a larger-cap index, while the lower-quality tail stays
behind.

Evidence: where S&P 600 graduates ranked, by their return over the months before the move,
among all S&P 600 members at the last month end before it (with a bootstrap interval that
resamples calendar quarters of moves, and survivorship bounds with the verdict under the lower
one), the same for every other kind of move on the ladder, and what happens to members a year on
by quintile of their past return, the tail's persistence read against the other quintiles' (its
base rate). The result is mechanical: moves follow market capitalisation, which follows price,
so graduates rank high by construction.

Amended on 2026-11-26 (referee report on valuation and graduation, G1): the interval resamples
calendar quarters instead of single events in date order (concurrent moves share their
quarter's market), the verdict may be inconclusive, and the supported verdict is labelled
mechanical. Under the registered rule (``verdict_rule="registered"``, ``resampling="events"``)
the code reproduces the registered test exactly.

Units: ranks are percentiles (0-100); shares and returns are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, iso, num, percent, plural, pp, text
from ...stats import Estimate, mde, mean_hac, one_sided_p
from ..base import Choice, Decision, SpecSpace
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .events import (
    DOWN_ORDER,
    MIN_EVENTS,
    NEXT_RUNG,
    UP_ORDER,
    boot,
    ci_column,
    p_text,
    qboot,
    quarters,
    up_from_600,
)
from .inputs import ALT_MATCH_WINDOW_DAYS, MATCH_WINDOW, RANK_MONTHS, GraduationClaim

#: The alternative return window of the robustness rows (months).
ALT_RANK_MONTHS = 36
_TOP_WORDS = {75.0: "top quartile", 80.0: "top fifth", 66.7: "top third"}
_SHARE_WORDS = {2.0 / 3.0: "two thirds", 0.5: "half", 0.8: "four fifths"}
#: How the mean rank's interval resamples: calendar quarters of moves (amended) or single events
#: in date order (registered; a stationary bootstrap whose block length came out as 1).
RESAMPLING = {"calendar quarters": "quarters", "events in date order (registered)": "events"}
MECHANICAL = "mechanical: graduates are ranked by past return"


@dataclass
class G1Evidence:
    """Ranks of movers before their moves, and what happens to members by return quintile.

    Attributes
    ----------
    ranks, ranks_alt
        One row per priced mover with a rank (:func:`analytics.graduation.pre_move_ranks`), over
        the specification's return window and over the alternative one.
    summary
        Mean rank by move type with bootstrap intervals and survivorship bounds, for both
        return windows (indexed by window label and move).
    quintiles
        For S&P 600 and S&P 400 members: share moving up, staying, leaving within the return
        window and the next period's excess return, by quintile of the past return (decimals).
    rank_600
        The deciding estimate (mean rank of S&P 600 graduates, interval by the specification's
        resampling), or None.
    tail_stays
        Mean share of bottom-quintile S&P 600 members still members a period later (HAC
        estimate, decimal), or None.
    ranks_alt_window
        Ranks of the moves matched with the alternative matching window.
    bound_low
        The mean rank with every unpriced member ranked above the graduate (the survivorship
        lower bound), with the same interval, or None.
    base_rate
        The average share of the other four quintiles' S&P 600 members still members a period
        later (decimal), or None.
    tail_gap
        The bottom quintile's share minus the base rate, cohort by cohort (HAC estimate,
        decimal), or None.
    """

    ranks: pd.DataFrame
    ranks_alt: pd.DataFrame
    summary: pd.DataFrame
    quintiles: pd.DataFrame
    rank_600: Any
    tail_stays: Any
    ranks_alt_window: pd.DataFrame
    bound_low: Any = None
    base_rate: float | None = None
    tail_gap: Any = None


class G1(GraduationClaim):
    id: ClassVar[str] = "G1"
    heading: ClassVar[str] = "Do the best small caps graduate?"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "graduates' mean pre-move rank"  # short: the verdict table shows 80 characters
    unit: ClassVar[str] = "percentile"
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "membership")  # French's counts are G4's, not G1's
    space: ClassVar[SpecSpace] = SpecSpace(
        MATCH_WINDOW,
        Choice("rank_months", RANK_MONTHS, {"6 months": 6, "36 months": 36},
               "return window (months) for ranking a mover among its index's members, and the horizon at which "
               "the tail is followed", check=lambda v: None if 3 <= v <= 60 else "3..60"),
        Choice("top_rank", 75.0, {"top fifth": 80.0, "top third": 66.7},
               "graduates come from the top when the interval's lower end is above this rank (0-100)",
               check=lambda v: None if 50 < v < 100 else "above 50 and below 100"),
        Choice("median_rank", 50.0, {}, "below this rank (0-100) graduates are not the best",
               check=lambda v: None if 0 < v < 100 else "0 to 100"),
        Choice("tail_share", 2.0 / 3.0, {"half": 0.5, "four fifths": 0.8},
               "'the tail stays': at least this share of the bottom quintile is still a member (decimal)",
               check=lambda v: None if 0 < v < 1 else "between 0 and 1"),
        Choice("min_events", MIN_EVENTS, {"20 graduates": 20},
               "fewest S&P 600 graduates with prices that can decide the claim",
               check=lambda v: None if v >= 3 else "at least 3"),
        Choice("resampling", "quarters", {"events in date order (registered)": "events"},
               "what the mean rank's bootstrap resamples: calendar quarters of moves (concurrent moves share their "
               "quarter's market) or single events in date order (the registered rule)",
               check=lambda v: None if v in RESAMPLING.values() else ", ".join(RESAMPLING.values())),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (an inconclusive verdict when the mean is above the median rank but its "
               "interval is not) or as registered",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G1",
        claim="The best small caps graduate to a larger-cap index, while the lower-quality tail stays behind [E].",
        hypothesis=("S&P 600 members that move up the ladder come from the top of the index's return "
                    "distribution before the move, and the index's worst performers mostly stay in it."),
        statistic=("mean percentile rank (0-100) of S&P 600 graduates' {rank_months}-month return before the move "
                   "among all S&P 600 members at the last month end before the move, with a 95% bootstrap interval "
                   "that resamples calendar quarters of moves (concurrent moves share their quarter's market); and the "
                   "average share of bottom-quintile members (by {rank_months}-month return) still in the index "
                   "{rank_months} months later, shown beside the same share for the other quintiles (its base rate). "
                   "Moves follow market capitalisation, which follows price, so graduates rank high by construction; "
                   "the rank with every unpriced member placed above the graduate (the survivorship lower bound) is "
                   "shown with the verdict it would give."),
        supported=("the interval's lower end is above {top_rank:.0f} (graduates come from the {top_words}) "
                   "and at least {tail_words} of bottom-quintile members are still members {rank_months} months later "
                   f"({MECHANICAL})"),
        partly="the interval's lower end is above {median_rank:.0f} but not both conditions hold",
        inconclusive="the mean rank is above {median_rank:.0f} but the interval's lower end is not",
        not_supported="the mean rank is {median_rank:.0f} or below",
        untestable=("fewer than {min_events} S&P 600 graduates with prices fall in the window (pitindex's S&P 600 "
                    "membership starts on 2021-03-31)"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date=registered.AMENDED,
        reason=("Referee report on valuation and graduation, G1: the bootstrap over single events in date order "
                "cannot see that moves in the same quarter share its market, so the interval now resamples calendar "
                "quarters; the verdict vocabulary gains inconclusive (the mean above the median rank, its interval "
                "not); a supported verdict is labelled mechanical (graduates are ranked by past return), the tail's "
                "persistence is read against the other quintiles' and the survivorship lower bound is shown with "
                "the verdict it would give. The thresholds are unchanged."),
        old_rule=registered.G1,
        registered_spec={"resampling": "events", "verdict_rule": "registered"},
    ),)

    @classmethod
    def rule_words(cls, values) -> dict[str, str]:
        top = _TOP_WORDS.get(round(values["top_rank"], 1), f"top {100 - values['top_rank']:.0f}%")
        tail = next((w for x, w in _SHARE_WORDS.items() if abs(x - values["tail_share"]) < 1e-9),
                    f"{values['tail_share']:.0%}")
        return {"top_words": top, "tail_words": tail}

    @property
    def alt_rank_months(self) -> int:
        """The other return window of the robustness rows."""
        return ALT_RANK_MONTHS if self.spec.rank_months != ALT_RANK_MONTHS else RANK_MONTHS

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> G1Evidence:
        inp, w, sp = self.inputs, self.window, self.spec
        months = sp.rank_months
        ranks = inp.ranks(w, sp.match_window_days, months)
        ranks_alt = inp.ranks(w, sp.match_window_days, self.alt_rank_months)
        order = {m: i for i, m in enumerate(UP_ORDER + DOWN_ORDER)}
        summary = pd.concat([self._rank_summary(ranks, f"{months} months"),
                             self._rank_summary(ranks_alt, f"{self.alt_rank_months} months")])
        if len(summary):
            summary["_o"] = summary["move"].map(order)
            summary = summary.sort_values(["window", "_o"]).drop(columns="_o").set_index(["window", "move"])
        events = inp.moves(w, sp.match_window_days)
        up = events.loc[events["direction"] == "up"]
        prices = inp.month_end_prices(w.end)
        qrows, raw = [], {}
        for k, panel in inp.window_panels(w).items():
            if k == "sp500" or len(panel) <= months:
                continue
            # cohorts in the window followed to the window's end, against the moves up dated in it
            q = ga.quintile_outcomes(prices, panel, up.loc[up["origin"] == k], months)
            if q.empty:
                continue
            raw[k] = q
            agg = q.groupby("quintile").agg(cohorts=("month", "nunique"), members=("n", "mean"),
                                            moved_up=("moved_up", "mean"), stayed=("stayed", "mean"),
                                            left=("left", "mean"), next_excess=("next_excess", "mean"))
            agg.insert(0, "index", ga.INDEX_LABELS[k])
            qrows.append(agg.reset_index())
        quint = pd.concat(qrows, ignore_index=True) if qrows else pd.DataFrame()
        r6 = up_from_600(ranks)
        rank_600 = self._interval(r6, "rank")
        bound_low = self._interval(r6, "rank_low") if rank_600 is not None else None
        tail = tail_gap = base = None
        if "sp600" in raw:
            q6 = raw["sp600"].pivot_table(index="month", columns="quintile", values="stayed")
            b = q6[1].dropna() if 1 in q6 else pd.Series(dtype=float)
            if len(b) >= 3:
                tail = mean_hac(b, overlap=months)
                others = q6[[c for c in q6.columns if c != 1]].mean(axis=1).reindex(b.index)
                base = float(others.mean())
                gap = (b - others).dropna()
                tail_gap = mean_hac(gap, overlap=months) if len(gap) >= 3 and gap.std() > 0 else None
        ranks_alt_window = inp.ranks(w, ALT_MATCH_WINDOW_DAYS, months)
        return G1Evidence(ranks, ranks_alt, summary, quint, rank_600, tail, ranks_alt_window, bound_low, base,
                          tail_gap)

    def _interval(self, r6: pd.DataFrame, column: str):
        """The mean of ``column`` over S&P 600 graduates with the specification's interval (calendar
        quarters, or events in date order as registered), or None."""
        if self.spec.resampling == "events":
            return boot(r6[column], self.spec.min_events)
        return qboot(r6[column], r6["date"], self.spec.min_events)

    def _rank_summary(self, ranks: pd.DataFrame, label: str) -> pd.DataFrame:
        rows = []
        for move, g in ranks.groupby("move", sort=False):
            g = g.sort_values("date")
            est = self._interval(g, "rank")
            rows.append({"move": move, "window": label, "movers ranked": len(g),
                         "mean rank": g["rank"].mean(), "ci_low": est.ci_low if est else np.nan,
                         "ci_high": est.ci_high if est else np.nan,
                         "bound: missing above": g["rank_low"].mean(), "bound: missing below": g["rank_high"].mean(),
                         "members priced (%)": percent((g["priced"] / g["members"]).mean())})
        return pd.DataFrame(rows)

    def untestable(self, ev: G1Evidence) -> str | None:
        if ev.rank_600 is not None:
            return None
        n = len(up_from_600(ev.ranks))
        need = ("deciding it needs point-in-time S&P 600 (or Russell 2000) membership with member prices "
                "over the window.")
        if n == 0:
            return f"No S&P 600 graduate with prices falls in the window; {need}"
        if n < self.spec.min_events:
            return (f"Only {n} S&P 600 graduate{'s' if n != 1 else ''} with prices in the window "
                    f"(at least {self.spec.min_events} needed); {need}")
        return f"The {n} S&P 600 graduates' ranks do not vary, so no interval can be estimated; {need}"

    def verdict_for(self, e, tail_stays) -> str:
        """The rule applied to a mean-rank estimate and the tail's share (the specification's
        decision logic): also the verdict the survivorship lower bound would give."""
        sp = self.spec
        tail_ok = tail_stays is not None and tail_stays.value >= sp.tail_share
        if e.ci_low > sp.top_rank and tail_ok:
            return SUPPORTED
        if e.ci_low > sp.median_rank:
            return PARTLY
        if sp.verdict_rule == "amended" and e.value > sp.median_rank:
            return INCONCLUSIVE
        return NOT_SUPPORTED

    def decide(self, ev: G1Evidence) -> Decision:
        e, sp = ev.rank_600, self.spec
        verdict = self.verdict_for(e, ev.tail_stays)
        later = "a year later" if sp.rank_months == 12 else f"{sp.rank_months} months later"
        r6 = up_from_600(ev.ranks)
        sample = Sample(iso(r6["date"].min()), iso(r6["date"].max()), int(e.n), "events")
        statistic = Statistic(self.statistic_name, e.value, "percentile", e.ci_low, e.ci_high, e.level, e.method)
        if sp.verdict_rule == "registered":  # the registered test, reproduced exactly (no p-value or MDE then)
            tail = (f"{percent(ev.tail_stays.value):.0f}% of bottom-quintile members were still in the index {later}"
                    if ev.tail_stays is not None else "the tail's retention could not be measured")
            note = (f"Graduates ranked {e.value:.0f} on average ({e.ci_low:.0f} to {e.ci_high:.0f}) and {tail}; "
                    "measured on the S&P 600 → 400/500 ladder, the observable analogue of Russell 2000 → 1000.")
            return Decision(verdict, statistic, sample, note)
        how = "calendar quarters resampled" if sp.resampling == "quarters" else "events resampled"
        parts = [f"Graduates ranked {e.value:.0f} on average ({e.ci_low:.0f} to {e.ci_high:.0f}, {how})"]
        if verdict == SUPPORTED:
            parts[0] = ("Mechanical: moves follow market capitalisation, which follows price, and graduates are "
                        "ranked by past return. " + parts[0])
        if ev.tail_stays is not None:
            base = (f", against {percent(ev.base_rate):.0f}% of the other quintiles (the tail is the "
                    f"{'least' if ev.tail_stays.value < ev.base_rate else 'most'} persistent fifth)"
                    if ev.base_rate is not None else "")
            parts.append(f"{percent(ev.tail_stays.value):.0f}% of bottom-quintile members were still in the index "
                         f"{later}{base}")
        else:
            parts.append("the tail's retention could not be measured")
        note = "; ".join(parts) + "."
        b = ev.bound_low
        if b is not None:
            under = self.verdict_for(b, ev.tail_stays)
            side = "below" if b.value < sp.top_rank else "above"
            note += (f" With every unpriced member ranked above the graduate (the survivorship lower bound) the mean "
                     f"rank is {b.value:.1f} ({b.ci_low:.0f} to {b.ci_high:.0f}), {side} the {sp.top_rank:.0f} bar: the "
                     f"verdict would be {under}.")
        note += (" Measured on the S&P 600 → 400/500 ladder, the observable analogue of Russell 2000 → 1000; the "
                 "S&P 600's positive-earnings entry screen keeps much of the unprofitable tail out of the index.")
        # the deciding test: is the mean rank above the top bar? (one-sided, bootstrap standard error)
        over = Estimate(e.value - sp.top_rank, e.se, e.ci_low - sp.top_rank, e.ci_high - sp.top_rank, e.level,
                        None, None, e.n, e.method)
        return Decision(verdict, statistic, sample, note, p_value=one_sided_p(over, +1), mde=mde(e.se))

    # -- what the chapter shows --------------------------------------------------------------------

    def _main_summary(self) -> pd.DataFrame:
        s = self.evidence.summary
        label = f"{self.spec.rank_months} months"
        if s.empty or label not in s.index.get_level_values(0):
            return pd.DataFrame()
        return s.loc[label]

    def table(self) -> pd.DataFrame:
        """Mean percentile rank by move type (the rule's return window, the alternative alongside)."""
        a = self._main_summary()
        if a.empty:
            return pd.DataFrame({"note": ["no mover could be ranked in this window"]}, index=pd.Index(["G1"], name="claim"))
        s = self.evidence.summary
        alt = f"{self.alt_rank_months} months"
        b = s.loc[alt].reindex(a.index) if alt in s.index.get_level_values(0) else None
        return pd.DataFrame({"movers": a["movers ranked"], "mean rank": a["mean rank"].round(1),
                             "95% CI": ci_column(a["ci_low"], a["ci_high"]),
                             "bounds: unpriced above / below": ci_column(a["bound: missing above"],
                                                                         a["bound: missing below"]),
                             f"mean rank, {self.alt_rank_months}-month return":
                                 b["mean rank"].round(1) if b is not None else np.nan,
                             "members priced (%)": a["members priced (%)"].round(1)}, index=a.index)

    def quintile_table(self) -> pd.DataFrame:
        """Outcomes a period on by return quintile (percent and pp), rounded for display."""
        q = self.evidence.quintiles.copy()
        if q.empty:
            return pd.DataFrame({"note": ["no index has a long enough record in this window to follow its members"]},
                                index=pd.Index(["G1"], name="claim"))
        for c in ("moved_up", "stayed", "left", "next_excess"):
            q[c] = percent(q[c])
        q = q.rename(columns={"moved_up": "moved up (%)", "stayed": "still a member (%)", "left": "left (%)",
                              "next_excess": f"next {self.spec.rank_months}m excess (pp)",
                              "members": "members per cohort"})
        return q.set_index(["index", "quintile"]).round(1)

    def robustness(self) -> pd.DataFrame:
        """Mean rank of S&P 600 graduates under alternative definitions, subperiods and the
        survivorship bounds, and the next rung (S&P 400 -> 500) for comparison."""
        ev, sp = self.evidence, self.spec
        rows = []

        def add(label, frame, column="rank"):
            frame = frame.loc[frame[column].notna()]
            if frame.empty:
                return  # a variant this window has no mover for
            e = self._interval(frame, column)
            rows.append({"variant": label, "movers": len(frame), "mean rank": frame[column].mean(),
                         "ci_low": e.ci_low if e else np.nan, "ci_high": e.ci_high if e else np.nan})

        base = up_from_600(ev.ranks)
        add(f"default: {sp.rank_months}-month return, {sp.match_window_days}-day matching window", base)
        add(f"{self.alt_rank_months}-month return", up_from_600(ev.ranks_alt))
        add(f"{ALT_MATCH_WINDOW_DAYS}-day matching window", up_from_600(ev.ranks_alt_window))
        if len(base):
            mid = base["date"].iloc[len(base) // 2]
            add(f"moves before {mid.date()}", base.loc[base["date"] < mid])
            add(f"moves from {mid.date()}", base.loc[base["date"] >= mid])
            add("bound: unpriced members all ranked above", base, "rank_low")
            add("bound: unpriced members all ranked below", base, "rank_high")
            if sp.resampling == "quarters":  # the registered interval, for comparison
                e = boot(base["rank"], sp.min_events)
                if e is not None:
                    rows.append({"variant": "registered interval: single events in date order", "movers": len(base),
                                 "mean rank": base["rank"].mean(), "ci_low": e.ci_low, "ci_high": e.ci_high})
        r4 = ev.ranks.loc[ev.ranks["move"] == NEXT_RUNG].sort_values("date")
        add(f"next rung: {NEXT_RUNG}", r4)
        if not rows:
            return pd.DataFrame({"note": ["no S&P 600 graduate or S&P 400 -> 500 mover could be ranked in this "
                                          "window"]}, index=pd.Index(["G1"], name="claim"))
        out = pd.DataFrame(rows).set_index("variant")
        return pd.DataFrame({"movers": out["movers"], "mean rank": out["mean rank"].round(1),
                             "95% CI": ci_column(out["ci_low"], out["ci_high"])}, index=out.index)

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.rank_intervals`."""
        a = self._main_summary()
        if a.empty:
            return "no mover could be ranked in this window."
        d = a.reset_index()
        d["label"] = [f"{m} (n={n})" for m, n in zip(d["move"], d["movers ranked"], strict=True)]
        up, down = d.loc[d["move"].isin(UP_ORDER)], d.loc[d["move"].isin(DOWN_ORDER)]
        def span(x):
            lo, hi = f"{x.min():.0f}", f"{x.max():.0f}"
            return lo if lo == hi else f"{lo}-{hi}"

        parts = []
        if len(up):
            parts.append(f"graduates ranked {span(up['mean rank'])} on average")
        if len(down):
            parts.append(f"demoted names {span(down['mean rank'])}")
        title = ("Before the move, " + " and ".join(parts)
                 + f" (percentile of {self.spec.rank_months}-month return in their index)")
        return {"data": d, "title": title}

    def _mean_rank(self, move: str) -> float | None:
        a = self._main_summary()
        return float(a.at[move, "mean rank"]) if not a.empty and move in a.index else None

    def _quintile(self, q: int, column: str) -> float | None:
        qs = self.evidence.quintiles
        if qs.empty or not (qs["index"] == "S&P 600").any():
            return None
        return float(qs.loc[qs["index"] == "S&P 600"].set_index("quintile").at[q, column])

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"def_rank_months": count(self.spec.rank_months)}
        ev = self.evidence
        if ev is None:
            return g
        e, t = ev.rank_600, ev.tail_stays
        r6 = up_from_600(ev.ranks)
        g.update({
            "g1_rank": num(None if e is None else e.value, 1),
            "g1_rank_lo": num(None if e is None else e.ci_low, 1),
            "g1_rank_hi": num(None if e is None else e.ci_high, 1),
            "g1_graduates": text(plural(0 if e is None else e.n, "graduate")),
            "g1_rank_bound_low": num(r6["rank_low"].mean() if e is not None else None, 1),
            "g1_rank_bound_high": num(r6["rank_high"].mean() if e is not None else None, 1),
            "g1_rank_400": num(self._mean_rank(NEXT_RUNG), 1),
            "g1_rank_400_down": num(self._mean_rank("S&P 400 → S&P 600"), 1),
            "g1_tail": pp(None if t is None else t.value, 1),
            "g1_tail_lo": pp(None if t is None else t.ci_low, 1),
            "g1_tail_hi": pp(None if t is None else min(t.ci_high, 1.0), 1),
            "g1_top_up": pp(self._quintile(5, "moved_up"), 1),
            "g1_bottom_up": pp(self._quintile(1, "moved_up"), 1),
            "g1_bottom_left": pp(self._quintile(1, "left"), 1),
            "g1_bottom_next": pp(self._quintile(1, "next_excess"), 1),
            "g1_top_next": pp(self._quintile(5, "next_excess"), 1),
            "g1_persist_text": text(self.phrase_persist()),
            "g1_tail_verb": text(None if t is None else self.phrase_tail()),
            "g1_laggards": text(self.phrase_laggards()),
            "g1_base_rate": pp(ev.base_rate, 1),
            "g1_tail_gap": pp(None if ev.tail_gap is None else ev.tail_gap.value, 1),
            "g1_tail_gap_lo": pp(None if ev.tail_gap is None else ev.tail_gap.ci_low, 1),
            "g1_tail_gap_hi": pp(None if ev.tail_gap is None else ev.tail_gap.ci_high, 1),
            "g1_tail_vs_base": text(self.phrase_tail_vs_base()),
            "g1_bound_lo_ci": num(None if ev.bound_low is None else ev.bound_low.ci_low, 1),
            "g1_bound_hi_ci": num(None if ev.bound_low is None else ev.bound_low.ci_high, 1),
            "g1_bound_side": text(self.phrase_bound_side()),
            "g1_bound_verdict": text(None if ev.bound_low is None else self.verdict_for(ev.bound_low, t)),
            "g1_top_rank": num(self.spec.top_rank, 0),
            "g1_p": text(p_text(self.p_value) if e is not None else None),
            "g1_mde": num(self.decision.mde if e is not None else None, 1),
            "g1_quarters": text(plural(len(set(quarters(r6["date"]))), "calendar quarter")),
        })
        return g

    def phrase_tail_vs_base(self) -> str | None:
        """The bottom quintile's persistence against the others': ``the least persistent fifth``
        or ``as persistent as the rest`` (None without both)."""
        ev = self.evidence
        if ev.tail_stays is None or ev.base_rate is None:
            return None
        return ("the least persistent fifth of the index" if ev.tail_stays.value < ev.base_rate
                else "at least as persistent as the other fifths")

    def phrase_bound_side(self) -> str | None:
        """Where the survivorship lower bound sits against the top bar: ``below`` or ``above``."""
        b = self.evidence.bound_low
        if b is None:
            return None
        return "below" if b.value < self.spec.top_rank else "above"

    def flags(self) -> dict[str, bool]:
        """``g1_next_rung`` (both S&P 400 rungs ranked), ``g1_quintiles`` (members can be followed
        a period on), ``g1_tail`` (the S&P 600's bottom quintile was followed: shares and interval),
        ``g1_tail_base`` (its persistence against the other quintiles'), ``g1_bound`` (the
        survivorship lower bound has an interval)."""
        ev = self.evidence
        return {"g1_next_rung": self._mean_rank(NEXT_RUNG) is not None
                and self._mean_rank("S&P 400 → S&P 600") is not None,
                "g1_quintiles": not ev.quintiles.empty,
                "g1_tail": ev.tail_stays is not None and self._quintile(1, "next_excess") is not None
                and self._quintile(5, "next_excess") is not None,
                "g1_tail_base": ev.tail_gap is not None and ev.base_rate is not None,
                "g1_bound": ev.rank_600 is not None and ev.bound_low is not None}

    def phrase_tail(self) -> str:
        """What the S&P 600's bottom quintile did: ``mostly stays`` or ``mostly leaves``."""
        return "mostly stays" if self.evidence.tail_stays.value >= 0.5 else "mostly leaves"

    def phrase_laggards(self) -> str | None:
        """``The laggards went on lagging`` (the bottom quintile's next return below the average) or
        ``The laggards did not go on lagging``."""
        bn = self._quintile(1, "next_excess")
        if bn is None:
            return None
        return "The laggards went on lagging" if bn < 0 else "The laggards did not go on lagging"

    def phrase_persist(self) -> str:
        """What the extreme quintiles did next: ``returns persisted at both ends rather than
        reverting``, ``returns reverted: ...``, ``neither end clearly persisted or reverted``, or
        ``the quintiles could not be followed in this window``."""
        bn, tn = self._quintile(1, "next_excess"), self._quintile(5, "next_excess")
        if bn is None or tn is None:
            return "the quintiles could not be followed in this window"
        if bn < 0 < tn:
            return "returns persisted at both ends rather than reverting"
        if tn < 0 < bn:
            return "returns reverted: the laggards caught up and the leaders fell back"
        return "neither end clearly persisted or reverted"
