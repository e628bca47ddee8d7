"""G2. Does the passive index catch winners late, let them dominate, then lose them? Source [E].

Claim: a passive small-cap index catches winners late, lets them dominate its return, then loses
them as they move up.

Evidence: event studies of S&P 600 graduates (and of the S&P 400 -> 500 step) against the
ETF of the index left or joined (buy-and-hold excess returns, BHARs, before and after the
move); where the run-up happened (in the index or before joining it); the share of the
equal-weight point-in-time index's return from members about to graduate; and each index's
first roster held unchanged against the reconstituted index. Units: returns, BHARs and shares
are decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, finite, iso, num, pct, plural, pp, text
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .events import (
    GRADUATES,
    MIN_EVENTS,
    NEXT_RUNG,
    benchmark_of,
    bhar_windows,
    boot,
    ci_column,
    event_study,
    steps,
)
from .inputs import ALT_MATCH_WINDOW_DAYS, BENCHMARK, BENCHMARKS, MATCH_WINDOW, POST_MONTHS, PRE_MONTHS, GraduationClaim

#: Members that move up within this many months are "future graduates" (default).
FUTURE_MONTHS = 12
#: The months the run-up is split by (status labels of :func:`analytics.graduation.runup_by_membership`).
IN_INDEX, NOT_YET, UNKNOWN = "in the origin index", "not yet in it", "unknown (before coverage)"


@dataclass
class G2Evidence:
    """Event studies, contributions and the frozen roster.

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
        The deciding estimate (decimal) or None; ``post_events`` its events.
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


class G2(GraduationClaim):
    id: ClassVar[str] = "G2"
    heading: ClassVar[str] = "Does the passive index catch winners late, let them dominate, then lose them?"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp"
    space: ClassVar[SpecSpace] = SpecSpace(
        MATCH_WINDOW, PRE_MONTHS, POST_MONTHS, BENCHMARK,
        Choice("dominance_multiple", 2.0, {"1.5 times": 1.5, "3 times": 3.0},
               "future graduates 'dominate' when their share of the return is at least this multiple of their weight",
               check=lambda v: None if v > 1 else "above 1"),
        Choice("future_months", FUTURE_MONTHS, {"6 months": 6, "24 months": 24},
               "members moving up within this many months count as future graduates",
               check=lambda v: None if 1 <= v <= 36 else "1..36"),
        Choice("min_events", MIN_EVENTS, {"20 graduates": 20},
               "fewest S&P 600 graduates with prices after the move that can decide the claim",
               check=lambda v: None if v >= 3 else "at least 3"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G2",
        claim="A passive small-cap index catches winners late, lets them dominate its return, then loses them as "
              "they move up [E].",
        hypothesis=("S&P 600 graduates keep beating what the passive small-cap holder owns instead after they "
                    "leave (so handing them over costs the index), and members about to graduate supply a share of "
                    "the equal-weight index's return well above their weight."),
        statistic=("mean buy-and-hold excess return (BHAR: the graduate's compounded return minus the benchmark's) "
                   "of S&P 600 graduates from the last month end before the move to {post_months} months after, in pp, "
                   "against the benchmark "
                   "set by the `benchmark` parameter (default: the origin index's ETF, IJR), with a 95% "
                   "stationary-bootstrap interval over events in date order; and the share of the equal-weight "
                   "point-in-time S&P 600's summed monthly return that came from members graduating within "
                   "{future_months} months, against their average weight."),
        supported=("the BHAR is positive with an interval excluding zero and future graduates' share of the return "
                   "is at least {dominance_multiple:g} times their weight (or positive while the index's is not)"),
        partly="exactly one of the two holds",
        not_supported="neither holds",
        untestable=("fewer than {min_events} S&P 600 graduates have {post_months} months of prices after the move "
                    "in the window, or the window holds no S&P 600 membership"),
    )

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
        run = []
        for step in (GRADUATES, NEXT_RUNG):
            st = studies.get((step, "origin"))
            if st is None:
                continue
            r = ga.runup_by_membership(st, inp.panels(w.end))  # the run-up looks back before the window
            r["step"] = step
            run.append(r.reset_index())
        runup = pd.concat(run, ignore_index=True) if run else pd.DataFrame()
        # contributions of future graduates to the equal-weight point-in-time index
        yearly, dom = [], {}
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
        yearly_df = pd.concat(yearly, ignore_index=True) if yearly else pd.DataFrame()
        # each index's first roster held unchanged against the reconstituted index
        bh = {}
        etfs = inp.month_end_etfs(w.end)
        for k in ("sp600", "sp400"):
            panel = panels.get(k)
            if panel is None or len(panel) < 13:
                continue
            bh[k] = ga.frozen_roster(prices, etfs[ga.INDEX_ETFS[k]], panel)
        st = studies.get((GRADUATES, sp.benchmark))
        post_x = st.bhar(0, post).dropna() if st is not None else pd.Series(dtype=float)
        post_est = boot(post_x, sp.min_events)
        post_events = st.events.loc[post_x.index] if st is not None else pd.DataFrame()
        robust = self._robustness(studies, events)
        return G2Evidence(studies, paths_df, summary, runup, yearly_df, dom, bh, robust, post_est, post_events)

    def _bhar_row(self, st: ga.EventStudy, label: dict) -> dict:
        post = self.spec.post_months
        row = dict(label)
        row["movers"] = len(st.events)
        row["with prices"] = int(st.events["has_prices"].sum())
        for name, a, b in bhar_windows(st.pre, post):
            x = st.bhar(a, b).dropna()
            e = boot(x)
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
            e = boot(x)
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

    def untestable(self, ev: G2Evidence) -> str | None:
        if ev.post is not None and "sp600" in ev.dominance:
            return None
        post = self.spec.post_months
        return (f"Too few S&P 600 graduates with {post} months of prices after the move (or no S&P 600 "
                "membership) in the window; deciding it needs point-in-time small-cap index membership "
                "with member prices over the window.")

    def decide(self, ev: G2Evidence) -> Decision:
        e, d, sp = ev.post, ev.dominance["sp600"], self.spec
        beat, dom = e.ci_low > 0, d["dominates"]
        verdict = SUPPORTED if (beat and dom) else (PARTLY if (beat or dom) else NOT_SUPPORTED)
        share = (f"{100 * d['share']:.0f}% of the equal-weight S&P 600's summed return from {100 * d['weight']:.0f}% "
                 "of its weight" if math.isfinite(d["share"]) else
                 f"{100 * d['group_sum']:.0f} pp while the index summed {100 * d['index_sum']:.0f} pp")
        within = "a year" if sp.future_months == 12 else f"{sp.future_months} months"
        note = (f"After leaving, graduates' {sp.post_months}-month BHAR was {100 * e.value:.1f} pp "
                f"({100 * e.ci_low:.1f} to {100 * e.ci_high:.1f}); members graduating within {within} supplied {share}"
                f" ({'dominant' if dom else 'not dominant'} by the rule).")
        pe = ev.post_events
        return Decision(verdict, Statistic.from_estimate(e, self.statistic_name, "pp", 100),
                        Sample(iso(pe["date"].min()), iso(pe["date"].max()), int(e.n), "events"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def summary_table(self) -> pd.DataFrame:
        """Mean BHARs (pp) with 95% intervals and medians, by step, benchmark and window."""
        s = self.evidence.summary
        if s.empty:
            return pd.DataFrame({"note": ["too few movers with prices in this window for an event study"]},
                                index=["G2"])
        base = [c for c in s.columns if c.startswith("BHAR") and not c.endswith((" low", " high", " median"))]
        post_n = [c for c in s.columns if c.startswith("n 0..")][0]
        rows = []
        for (step, bench), r in s.iterrows():
            for c in base:
                rows.append({"step": step, "benchmark": bench, "window (months)": c.replace("BHAR ", ""),
                             "mean (pp)": round(100 * r[c], 1),
                             "95% CI": ci_column([100 * r[f"{c} low"]], [100 * r[f"{c} high"]])[0],
                             "median (pp)": round(100 * r[f"{c} median"], 1),
                             "movers": int(r[post_n]) if c.startswith("BHAR 0..") else int(r["with prices"])})
        return pd.DataFrame(rows).set_index(["step", "benchmark", "window (months)"])

    def runup_table(self) -> pd.DataFrame:
        """Where the run-up happened, by step and membership status (log relative returns)."""
        r = self.evidence.runup
        if r.empty:
            return pd.DataFrame({"note": ["too few movers with prices in this window"]}, index=["G2"])
        r = r.assign(share=100 * r["share"])
        return r.rename(columns={"log_relative": "summed log relative return", "share": "share of run-up (%)",
                                 "months": "event-months"}).set_index(["step", "status"]).round(1)

    def yearly_table(self) -> pd.DataFrame:
        """Each equal-weight index's yearly return and the part from future graduates (percent, pp)."""
        y = self.evidence.yearly
        if y.empty:
            return pd.DataFrame({"note": ["no S&P 600 or S&P 400 membership in this window"]}, index=["G2"])
        out = y.assign(index_return=100 * y["index_return"], group_contribution=100 * y["group_contribution"],
                       group_share=100 * y["group_share"], group_weight=100 * y["group_weight"],
                       priced_share=100 * y["priced_share"])
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
            rows.append({"index": ga.INDEX_LABELS[k], "months": d["months"],
                         "index return, summed (pp)": 100 * d["index_sum"],
                         "from future graduates (pp)": 100 * d["group_sum"], "share of return (%)": 100 * d["share"],
                         "their weight (%)": 100 * d["weight"], "share / weight": d["ratio"],
                         "dominate": d["dominates"]})
        if not rows:
            return pd.DataFrame({"note": ["no month of S&P 600 or S&P 400 membership in this window has its "
                                          f"next {self.spec.future_months} months fully observed"]}, index=["G2"])
        return pd.DataFrame(rows).set_index("index").round(2)

    def bh_table(self) -> pd.DataFrame:
        """Cumulative and annualised return of each portfolio (percent)."""
        rows = []
        for k, b in self.evidence.bh.items():
            last = b.iloc[-1]
            yrs = (b.index[-1] - b.index[0]).days / 365.25
            for c in b.columns:
                rows.append({"index": f"{ga.INDEX_LABELS[k]}, {b.index[0]:%b %Y} to {b.index[-1]:%b %Y}",
                             "portfolio": c, "cumulative (%)": 100 * (last[c] - 1),
                             "per year (%)": 100 * (last[c] ** (1 / yrs) - 1)})
        if not rows:
            return pd.DataFrame({"note": ["no index has 13 month ends of membership in this window"]}, index=["G2"])
        return pd.DataFrame(rows).set_index(["index", "portfolio"]).round(1)

    def robustness_table(self) -> pd.DataFrame:
        """The deciding BHAR (pp) under alternatives and bounds."""
        r = self.evidence.robustness
        if r.empty:
            return pd.DataFrame({"note": ["too few S&P 600 graduates with prices in this window"]}, index=["G2"])
        col = [c for c in r.columns if c.startswith("BHAR")][0]
        return pd.DataFrame({"events": r["events"], "mean (pp)": (100 * r[col]).round(1),
                             "95% CI": ci_column(100 * r["ci_low"], 100 * r["ci_high"]),
                             "median (pp)": [f"{100 * v:.1f}" if finite(v) else "" for v in r["median"]]},
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
            p[c] = 100 * p[c]
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
                         "pp": 100 * r.index_return, "complete": r.complete})
            rows.append({"index": r.index, "year": str(r.year), "series": f"from members graduating {within}" + tag,
                         "pp": 100 * r.group_contribution, "complete": r.complete})
        parts = []
        for k, d in ev.dominance.items():
            if d["months"] == 0:
                continue  # no month whose look-ahead is complete
            if math.isfinite(d["share"]):
                parts.append(f"{ga.INDEX_LABELS[k]}: {100 * d['share']:.0f}% of the return from "
                             f"{100 * d['weight']:.0f}% of the weight")
            else:
                parts.append(f"{ga.INDEX_LABELS[k]}: future graduates gained {100 * d['group_sum']:.0f} pp while the "
                             f"index summed {100 * d['index_sum']:.0f} pp")
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
            gaps[k] = (100 * (last[f"{b.attrs['year']} roster, equal weight rebalanced"]
                              - last["point-in-time index, equal weight"]), b.attrs["year"])
        verbs = {_beat(g) for g, _ in gaps.values()}
        head = "Held unchanged and rebalanced monthly, each index's first roster "
        if len(verbs) == 1:
            parts = [f"by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}" for k, (g, y) in gaps.items()]
            title = head + f"{verbs.pop()} the reconstituted equal-weight index: " + " and ".join(parts)
        else:
            parts = [f"{_beat(g)} it by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}"
                     for k, (g, y) in gaps.items()]
            title = head + "against the reconstituted equal-weight index: " + "; ".join(parts)
        return {"panels": frames, "titles": titles, "title": title}

    def _bh_title(self, k: str) -> str:
        b = self.evidence.bh[k]
        last = b.iloc[-1]
        pit = last["point-in-time index, equal weight"]
        fz = last[f"{b.attrs['year']} roster, bought and held"]
        verb = "beat" if fz > pit else "trailed"
        return (f"{ga.INDEX_LABELS[k]}: bought and held, the {b.attrs['year']} roster {verb} the reconstituted "
                f"equal-weight index by {abs(100 * (fz - pit)):.0f} pp to {b.index[-1]:%B %Y} (priced names only)")

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
        return None if st is None else boot(st.bhar(0, self.spec.post_months), self.spec.min_events)

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
            "g2_recon_vs_lit": text(self.phrase_recon_vs_literature()),
            "g2_recon_400_text": text(self.phrase_recon_400()),
        })
        return g

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

    def phrase_recon_vs_literature(self) -> str | None:
        """``as the Russell studies found`` when the frozen S&P 600 roster won, else ``unlike the
        Russell studies``."""
        w = self.phrase_recon_winner("sp600")
        if w is None:
            return None
        return "as the Russell studies found" if w == "the frozen roster" else "unlike the Russell studies"

    def phrase_recon_400(self) -> str | None:
        """Whether the S&P 400's comparison ``points the same way`` as the S&P 600's or ``points the
        other way``."""
        w6, w4 = self.phrase_recon_winner("sp600"), self.phrase_recon_winner("sp400")
        if w6 is None or w4 is None:
            return None
        return "points the same way" if w4 == w6 else "points the other way"


def _beat(x: float) -> str:
    return "beat" if x >= 0 else "trailed"
