"""M3. Regime dependence: breadth, rates and credit. Source [B], 2026.

Claim: the momentum edge in small caps depends on the regime: it compounds when breadth widens
and unwinds fast when breadth narrows, rates stay high or credit tightens.

Evidence: over a century of French's size x prior-return portfolios, small-cap momentum's mean in
each adverse regime minus its favourable counterpart (rates as a level and credit; market state
and volatility as context), with Newey-West and stationary-bootstrap intervals whose blocks are
no shorter than the regimes' mean spell; and, since XSMO became a momentum fund, XSMO minus IJR
by the direction of breadth built from the point-in-time S&P 600 (S&P 400 as a longer proxy), of
the high-yield spread and of the 10-year yield. Every regime is known before the return it
conditions. The verdict is decided on the three conditions the claim names; the market state,
where the literature finds momentum's regime dependence, is shown beside it and named in the
headline (amended in the referee revision: see :data:`M3.amendments`). Units: means are decimals
per period; tables and prose show pp a year.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import breadth as br
from ...analytics import momentum as am
from ...analytics import regimes as ar
from ...display import MISSING, Fact, count, iso, num, pct, scale, text, tidy
from ..base import Claim, Decision, SpecSpace
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .inputs import BENCHMARK, BREADTH_INDICES, FUND, MIN_EACH, in_days, in_months
from .regimes import (
    BOOTSTRAP_BLOCK,
    BREADTH_LOOKBACK,
    BREADTH_WINDOW,
    CREDIT_LOOKBACK,
    CREDIT_MEASURE,
    DEFINITION_CHOICES,
    MARKET_LOOKBACK,
    PP_A_YEAR,
    RATES_LOOKBACK,
    RATES_MEASURE,
    RECENT_LABELS,
    VERDICT_RULE,
    VOL_MEASURE,
    VOL_WINDOW,
    alternative,
    block_words,
    century_definitions,
    credit_words,
    fill_rule,
    interval,
    labels,
    note,
    pp_year,
    rates_words,
    regime_table,
    robustness_facts,
    span,
    swapped,
    test_facts,
    testable,
    variant_frame,
    variant_row,
)

#: Month-end look-back of the monthly breadth-proxy test (the claim's "over 3-6 months").
PROXY_MONTHS = 3
#: The three conditions the claim names, in the order the rule reports them.
PARTS = ("breadth", "rates", "credit")
#: Worst months listed.
WORST = 10
#: What a named condition's difference says: it counts (negative, both intervals below zero), it
#: points away from the claim (zero or positive), or it cannot tell (negative, an interval reaching zero).
COUNTS, AWAY, OPEN, NO_TEST = "counts", "points away", "cannot tell", "untestable"
#: The market-state look-backs the chapter shows side by side (months).
LOOKBACKS = (12, 24, 36)


@dataclass
class M3Evidence:
    """The century and recent regime tests.

    Attributes
    ----------
    x
        Monthly small-cap momentum in the window (decimal).
    century, century_big
        Regime -> :class:`~smallcaps.analytics.momentum.RegimeTest` of small-cap momentum (with
        bootstrap intervals) and of big-cap momentum (without).
    century_variants
        (regime, variant, test) under the default definitions, the alternative ones and in each
        half of the window (no bootstrap).
    crash
        Where the worst months fell (:func:`~smallcaps.analytics.momentum.crash_concentration`).
    daily
        XSMO minus IJR per day in the window, from the index switch (decimal).
    recent, recent_variants
        The same for the daily regimes of XSMO minus IJR.
    proxy
        Monthly small-cap momentum by the month-end direction of S&P 400 breadth.
    in_window
        pitindex id -> whether its member panel overlaps the window.
    lookbacks
        Market-state look-back (months) -> the market-state test of small-cap momentum under it
        (12, 24 and 36 months, and the specification's own), with bootstrap intervals.
    """

    x: pd.Series
    century: dict[str, am.RegimeTest]
    century_big: dict[str, am.RegimeTest]
    century_variants: list[tuple[str, str, am.RegimeTest]]
    crash: dict
    daily: pd.Series
    recent: dict[str, am.RegimeTest]
    recent_variants: list[tuple[str, str, am.RegimeTest]]
    proxy: am.RegimeTest
    in_window: dict[str, bool]
    lookbacks: dict[int, am.RegimeTest] = dataclasses.field(default_factory=dict)

    def parts(self) -> dict[str, tuple[am.RegimeTest, str, str]]:
        """The conditions the rule counts: (test, frequency, what it is)."""
        r, c = self.century["rates"], self.century["credit"]
        return {"breadth": (self.recent["S&P 600 breadth"], "daily", "XSMO-IJR, narrowing minus widening breadth"),
                "rates": (r, "monthly", f"small-cap momentum, {r.regime} minus {r.other} rates"),
                "credit": (c, "monthly", f"small-cap momentum, {c.regime} minus {c.other} credit spreads")}

    def status(self) -> dict[str, str]:
        """Each named condition: ``counts`` (negative, both intervals below zero), ``points away``
        (zero or positive), ``cannot tell`` (negative, an interval reaching zero) or ``untestable``."""
        out = {}
        for name, (t, _, _) in self.parts().items():
            if not testable(t):
                out[name] = NO_TEST
            elif t.significant(-1):
                out[name] = COUNTS
            else:
                out[name] = AWAY if t.diff.value >= 0 else OPEN
        return out


class M3(Claim):
    id: ClassVar[str] = "M3"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "Regime dependence over a century"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "small-cap momentum, adverse minus good regime"
    unit: ClassVar[str] = "pp/yr"
    inputs_used: ClassVar[tuple[str, ...]] = ("momentum", "closes")
    space: ClassVar[SpecSpace] = SpecSpace(MARKET_LOOKBACK, VOL_MEASURE, VOL_WINDOW, CREDIT_MEASURE, CREDIT_LOOKBACK,
                                           RATES_MEASURE, RATES_LOOKBACK, BREADTH_WINDOW, BREADTH_LOOKBACK,
                                           BOOTSTRAP_BLOCK, VERDICT_RULE)
    rule_template: ClassVar[Rule] = Rule(
        "M3", "The momentum edge in small caps depends on the regime: it compounds when breadth widens and "
              "unwinds fast when breadth narrows, rates stay high or credit tightens (source B).",
        hypothesis=("small-cap momentum earns less in each adverse regime the claim names than in its favourable "
                    "counterpart: narrowing breadth (XSMO minus IJR once XSMO tracked momentum, by whether the "
                    "share of S&P 600 members above their {breadth_window}-day average fell over the previous "
                    "{breadth_lookback} trading days), {rates_adverse} rates ({rates_words}) and tightening credit "
                    "({credit_words}), with French's small high minus small low prior-return portfolio for "
                    "rates and credit. Every regime is known before the return it conditions."),
        statistic=("for each of the three, the mean return in the adverse regime minus the favourable one "
                   "(pp a year: monthly mean times 12, daily mean times 252) with a 95% Newey-West interval and "
                   "a 95% stationary block-bootstrap interval {block_words}; a difference counts if it is negative "
                   "and both intervals exclude zero, and points away from the claim if it is zero or positive. "
                   "The number reported is the first testable of breadth, rates, credit, with the other two "
                   "beside it. The market state (the sign of the market's return over the previous "
                   "{market_lookback} months, as in Cooper, Gutierrez and Hameed, 2004) and volatility are shown "
                   "beside the verdict, not deciding it: the claim names breadth, rates and credit."),
        supported="all three differences count",
        partly="one or two of them count",
        inconclusive="none counts and none points away from the claim",
        not_supported="none counts and at least one points away from the claim",
        untestable="none of the three can be computed in the window",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        registered.AMENDED,
        "'Rates stay high' is a level, so high rates (the 10-year yield above its median to date) are now the adverse "
        "state and the 12-month change is robustness; the market state's look-back is 36 months, the headline "
        "specification of Cooper, Gutierrez and Hameed (2004), not the registered 24, which had the largest |t| "
        "of 12, 24 and 36 (all three shown); the bootstrap's block is no shorter than the regimes' mean spell; a "
        "claim none of whose conditions counts is inconclusive unless one points away from it; and the deciding "
        "number shows all three named conditions (referee report on rotation and momentum, D9, D12a, D12e, D13 "
        "and section 1).",
        registered.M3, {"market_lookback": 24, "rates_measure": "change", "bootstrap_block": "politis-white",
                        "verdict_rule": "registered"}),)

    @classmethod
    def rule_for(cls, spec=None) -> Rule:
        values = cls.space.resolve(spec, owner=cls.id)
        return fill_rule(cls.rule_template, {**values, "rates_words": rates_words(values),
                                             "credit_words": credit_words(values),
                                             "rates_adverse": "high" if values["rates_measure"] == "level" else "rising",
                                             "block_words": block_words(values["bootstrap_block"])},
                         history=cls.amendments)

    # -- evidence ----------------------------------------------------------------------------------

    def _century(self, values, series: str = "small", *, bootstrap: bool = True, months=None):
        x = in_months(self.inputs.momentum[series], self.window)
        if months is not None:
            x = x.loc[months[0]:months[1]]
        labs = self.inputs.century_regimes(**century_definitions(values)).reindex(x.index)
        return {name: am.regime_test(x, labs[name], adv, fav, bootstrap=bootstrap, min_each=MIN_EACH,
                                     block=self.spec.bootstrap_block)
                for name, (adv, fav) in labels(values).items()}

    def _recent(self, days: pd.DatetimeIndex, lookback: int) -> pd.DataFrame:
        return self.inputs.recent_regimes(self.spec.breadth_window, lookback).reindex(days)

    def compute(self) -> M3Evidence:
        inp, w, spec = self.inputs, self.window, self.spec
        x = in_months(inp.momentum["small"], w).dropna()
        century = self._century(spec)
        big = self._century(spec, "big", bootstrap=False)
        variants = [("alternative", swapped(spec, DEFINITION_CHOICES), None)]
        if len(x) >= 2 * MIN_EACH * 2:
            variants += [(label, spec, half) for half, label in zip(am.halves(x.index), ("first half", "second half"),
                                                                    strict=True)]
        # the default variant is the test itself (a variant row reads its HAC interval only)
        century_variants = [(name, "default", t) for name, t in century.items()]
        century_variants += [(name, label, t) for label, values, months in variants
                             for name, t in self._century(values, bootstrap=False, months=months).items()]
        labs = inp.century_regimes(**century_definitions(spec)).reindex(x.index)
        down = (labs["market state"] == "down").where(labs["market state"].notna())
        crash = am.crash_concentration(x, down, 0.05)

        daily = in_days(inp.xsmo_minus_ijr(), w)
        labs_d = self._recent(daily.index, spec.breadth_lookback)
        recent = {name: am.regime_test(daily, labs_d[name], adv, fav, min_each=MIN_EACH * 10,
                                       block=spec.bootstrap_block)
                  for name, (adv, fav) in RECENT_LABELS.items()}
        lookbacks = [("alternative", alternative(BREADTH_LOOKBACK, spec.breadth_lookback), None)]
        if len(daily) >= 2 * MIN_EACH * 20:
            lookbacks += [(label, spec.breadth_lookback, half)
                          for half, label in zip(am.halves(daily.index), ("first half", "second half"), strict=True)]
        recent_variants = [(name, "default", t) for name, t in recent.items()]
        for label, lookback, days in lookbacks:
            xs = daily if days is None else daily.loc[days[0]:days[1]]
            lab = self._recent(xs.index, lookback)
            recent_variants += [(name, label, am.regime_test(xs, lab[name], adv, fav, bootstrap=False,
                                                             min_each=MIN_EACH * 10))
                                for name, (adv, fav) in RECENT_LABELS.items()]

        share = am.month_end(inp.breadth("sp400", spec.breadth_window)["share"])
        lab = am.known_before(ar.direction(share, PROXY_MONTHS, labels=("widening", "narrowing")))
        xm = in_months(inp.momentum["small"], w)
        proxy = am.regime_test(xm, lab.reindex(xm.index), "narrowing", "widening", min_each=MIN_EACH,
                               block=spec.bootstrap_block)
        in_window = {index: not in_days(inp.breadth(index, spec.breadth_window), w).empty for index in BREADTH_INDICES}
        lookbacks = {lb: (century["market state"] if lb == spec.market_lookback else
                          self._century({**spec, "market_lookback": lb})["market state"])
                     for lb in sorted({*LOOKBACKS, spec.market_lookback})}
        return M3Evidence(x=x, century=century, century_big=big, century_variants=century_variants, crash=crash,
                          daily=daily, recent=recent, recent_variants=recent_variants, proxy=proxy, in_window=in_window,
                          lookbacks=lookbacks)

    def untestable(self, ev: M3Evidence) -> str | None:
        if any(testable(t) for t, _, _ in ev.parts().values()):
            return None
        return ("None of breadth, rates or credit can be tested in this window; French portfolios, yields and credit "
                "spreads over the window would decide it.")

    def _head(self) -> str | None:
        """The first testable condition (the one the rule reports)."""
        return next((name for name, (t, _, _) in self.evidence.parts().items() if testable(t)), None)

    @property
    def section(self) -> str:
        """``m3-breadth`` when breadth decides, else ``m3-century`` (the chapter's two M3 sections)."""
        return "m3-breadth" if self._head() == "breadth" else "m3-century"

    def decide(self, ev: M3Evidence) -> Decision:
        parts = ev.parts()
        status = ev.status()
        k = sum(v == COUNTS for v in status.values())
        if self.spec.verdict_rule == "registered":
            verdict = SUPPORTED if k == 3 else PARTLY if k >= 1 else NOT_SUPPORTED
        else:
            away = any(v == AWAY for v in status.values())
            verdict = SUPPORTED if k == 3 else PARTLY if k >= 1 else NOT_SUPPORTED if away else INCONCLUSIVE
        txt = []
        for name, (t, freq, _) in parts.items():
            if status[name] == NO_TEST:
                why = ("no S&P 600 breadth and XSMO momentum record in the window (point-in-time S&P 600 membership "
                       "and member prices would decide it)") if name == "breadth" else "no data in the window"
                txt.append(f"{name}: untestable ({why})")
            else:
                sc = PP_A_YEAR[freq]
                txt.append(f"{name}: {t.diff.value * sc:+.1f} pp a year (HAC {t.diff.ci_low * sc:.1f} to "
                           f"{t.diff.ci_high * sc:.1f}), {status[name]}")
        head = self._head()
        t, freq, desc = parts[head]
        d, sc = t.diff, PP_A_YEAR[freq]
        beside = [f"{name} {parts[name][0].diff.value * PP_A_YEAR[parts[name][1]]:+.1f} (HAC "
                  f"{parts[name][0].diff.ci_low * PP_A_YEAR[parts[name][1]]:.1f} to "
                  f"{parts[name][0].diff.ci_high * PP_A_YEAR[parts[name][1]]:.1f})"
                  for name in parts if name != head and status[name] != NO_TEST]
        beside += [f"{name} untestable" for name in parts if name != head and status[name] == NO_TEST]
        stat = Statistic(name=f"{head}: {desc} (beside it, pp a year: {'; '.join(beside)})", value=d.value * sc,
                         unit=self.unit, ci_low=d.ci_low * sc, ci_high=d.ci_high * sc, ci_level=0.95,
                         method=d.method + (", daily" if freq == "daily" else ", monthly"))
        start = t.start.start_time if isinstance(t.start, pd.Period) else t.start
        end = t.end.end_time if isinstance(t.end, pd.Period) else t.end
        se = d.se * sc if d.se else None
        lead = "" if self.spec.verdict_rule == "registered" else self.phrase_headline() + " "
        return Decision(verdict, stat, Sample(iso(start), iso(end), int(t.n), freq),
                        lead + f"{k} of 3 named conditions count. " + "; ".join(txt) + ".",
                        p_value=stats.one_sided_p(d, -1), mde=stats.mde(se, sides=2))

    # -- what the chapter shows: the century -------------------------------------------------------

    def century_table(self) -> pd.DataFrame | Any:
        """Small-cap momentum in each regime's adverse and favourable state, their difference and
        both intervals (pp a year); or a note when the window has no months."""
        tests = self.evidence.century
        if all(t.n == 0 for t in tests.values()):
            return note("No data for these regimes in this window.")
        return regime_table(tests, "monthly")

    def conditions_table(self) -> pd.DataFrame | Any:
        """The three conditions the claim names, side by side: the adverse minus the favourable
        state (pp a year), both intervals, what the difference says (counts, points away, cannot
        tell), its one-sided p-value in the claim's direction and the minimum detectable effect at
        80% power of the rule's test; or a note when none can be tested."""
        ev = self.evidence
        status = ev.status()
        rows = {}
        for name, (t, freq, desc) in ev.parts().items():
            if status[name] == NO_TEST:
                rows[name] = {"comparison": desc, "difference": float("nan"), "95% HAC CI": MISSING,
                              "95% bootstrap CI": MISSING, "p (one-sided)": float("nan"), "MDE": float("nan"),
                              "reads": NO_TEST}
                continue
            d, b, k = t.diff, t.boot, PP_A_YEAR[freq]
            rows[name] = {"comparison": desc, "difference": round(d.value * k, 1),
                          "95% HAC CI": interval(d.ci_low, d.ci_high, freq),
                          "95% bootstrap CI": interval(b.ci_low, b.ci_high, freq) if b else MISSING,
                          "p (one-sided)": round(stats.one_sided_p(d, -1), 3),
                          "MDE": round(stats.mde(d.se * k, sides=2), 1), "reads": status[name]}
        if all(v == NO_TEST for v in status.values()):
            return note(self.untestable_note or "None of the three conditions can be tested in this window.")
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "condition"
        return out

    def crash_table(self) -> pd.DataFrame:
        """The worst months of small-cap momentum in the window (percent), with their regimes."""
        ev = self.evidence
        worst = ev.x.nsmallest(WORST)
        labs = self.inputs.century_regimes(**century_definitions(self.spec)).reindex(worst.index)
        out = pd.DataFrame({"small-cap momentum %": worst,
                            "big-cap momentum %": self.inputs.momentum["big"].reindex(worst.index)})
        out = tidy(scale(out, out.columns), 1).join(labs.fillna(MISSING))
        out.index = out.index.astype(str)
        out.index.name = "month"
        return out

    def robustness(self) -> pd.DataFrame | Any:
        """Each regime's difference (pp a year, HAC interval) under the default definition, the
        alternative one, and in each half of the window (``significant``: below zero)."""
        rows = [variant_row(name, label, t, "monthly") for name, label, t in self.evidence.century_variants]
        out = variant_frame(rows, list(labels(self.spec)))
        return out if not out.empty else note("No data for these regimes in this window.")

    def lookback_table(self) -> pd.DataFrame | Any:
        """The market-state comparison (down minus up, pp a year) under each look-back: the
        difference, both intervals (the bootstrap's mean block in months), t, and the months in
        each state; or a note when the window has too few months."""
        rows = {}
        for lb, t in self.evidence.lookbacks.items():
            if not testable(t):
                continue
            d, b = t.diff, t.boot
            rows[f"{lb} months" + (" (default)" if lb == self.spec.market_lookback else "")] = {
                "down minus up": round(d.value * PP_A_YEAR["monthly"], 1),
                "95% HAC CI": interval(d.ci_low, d.ci_high, "monthly"),
                "95% bootstrap CI": interval(b.ci_low, b.ci_high, "monthly") if b else MISSING,
                "bootstrap block, months": round(_block(b), 1) if b else float("nan"),
                "t": round(float(d.t), 2), "months down | up": f"{t.n_regime:,} | {t.n_other:,}",
                "counts": "yes" if t.significant(-1) else "no"}
        if not rows:
            return note("Too few months in each market state in this window.")
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "look-back"
        return out

    def cumulative_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.cumulative_by_state`."""
        m = in_months(self.inputs.momentum, self.window).dropna()
        g = (1.0 + m).cumprod()
        g.index = g.index.to_timestamp(how="end").normalize()
        frame = g.rename(columns={"small": "small-cap momentum", "big": "big-cap momentum"}).reset_index(names="date")
        frame = frame.melt(id_vars="date", var_name="series", value_name="growth")
        labs = self.inputs.century_regimes(**century_definitions(self.spec)).reindex(m.index)["market state"]
        down = labs == "down"
        down.index = g.index
        return {"frame": frame, "down": down, "title": self.crash_headline()}

    def means_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.regime_means`: small- and big-cap
        momentum's mean in each state (pp a year, HAC interval)."""
        rows = []
        labs_all = self.inputs.century_regimes(**century_definitions(self.spec))
        for series, name in (("small", "small-cap momentum"), ("big", "big-cap momentum")):
            x = in_months(self.inputs.momentum[series], self.window)
            labs = labs_all.reindex(x.index)
            for regime, (adv, fav) in labels(self.spec).items():
                if labs[regime].notna().sum() < 3:
                    continue
                m = stats.regime_means(x, labs[regime], scale=PP_A_YEAR["monthly"])
                for side, state in (("adverse", adv), ("favourable", fav)):
                    if state in m.index:
                        r = m.loc[state]
                        rows.append({"regime": regime, "state": state, "side": side, "series": name,
                                     "mean": r["estimate"], "ci_low": r["ci_low"], "ci_high": r["ci_high"],
                                     "n": int(r["n"])})
        return {"frame": pd.DataFrame(rows), "title": self.regime_headline()}

    def crash_headline(self) -> str:
        """Title of the growth figure: how many of the worst months came in down markets."""
        c = self.evidence.crash
        if not c["crashes"]:
            return "No small-cap momentum months in this window"
        return (f"{c['in_regime']} of the {c['crashes']} worst small-cap momentum months came in down markets "
                f"({pct(c['share_all'], 0).text()}% of all months were)")

    def regime_headline(self) -> str:
        """Title of the regime-means figure: which regimes lower small-cap momentum beyond both intervals."""
        tests = self.evidence.century
        lowers = [n for n, t in tests.items() if t.significant(-1)]
        if not lowers:
            return "No regime lowers small-cap momentum by a margin outside both 95% intervals"
        parts = [f"{n} ({tests[n].regime} minus {tests[n].other} "
                 f"{pp_year(tests[n].diff.value, 'monthly', 1, True).text()} pp a year)" for n in lowers]
        lead = "Only one regime" if len(lowers) == 1 else f"{len(lowers)} regimes"
        return f"{lead} of {len(tests)} lowers small-cap momentum beyond both 95% intervals: {_and(parts)}"

    # -- what the chapter shows: breadth since the index switch --------------------------------------

    def survivorship(self) -> pd.DataFrame:
        """Members and members with prices on the first and each year's last date of each member
        panel (the whole panel: survivorship is a property of the data)."""
        frames = []
        for index, name in (("sp600", "S&P 600"), ("sp400", "S&P 400")):
            t = br.coverage_by_year(self.inputs.breadth(index, self.spec.breadth_window))
            t["coverage"] = t["coverage"].round(1)
            t.index = t.index.date
            frames.append(t.assign(index=name).reset_index(names="date").set_index(["index", "date"]))
        return pd.concat(frames).rename(columns={"coverage": "priced %"})

    def recent_table(self) -> pd.DataFrame | Any:
        """XSMO minus IJR by each daily regime (pp a year), or a note when the window holds none."""
        tests = self.evidence.recent
        if all(t.n == 0 for t in tests.values()):
            return note("No data for XSMO's momentum record and the member panels in this window.")
        return regime_table(tests, "daily")

    def recent_robustness(self) -> pd.DataFrame | Any:
        """The daily tests under the default and the alternative look-back and in each half of XSMO's
        momentum record (``significant``: the interval lies below zero)."""
        rows = [variant_row(name, label, t, "daily") for name, label, t in self.evidence.recent_variants]
        if not rows or all(r["n"] == 0 for r in rows):
            return note("No data for XSMO's momentum record in this window.")
        return variant_frame(rows, list(RECENT_LABELS))

    def breadth_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.breadth_and_spread`."""
        ev = self.evidence
        frames = []
        for index, (name, _) in BREADTH_INDICES.items():
            b = in_days(self.inputs.breadth(index, self.spec.breadth_window), self.window)
            if len(b):
                frames.append(pd.DataFrame({"date": b.index, "index": name, "share": b["share"].values}))
        breadth = scale(pd.concat(frames, ignore_index=True), ["share"]) if frames else \
            pd.DataFrame(columns=["date", "index", "share"])
        r = am.daily_returns(self.inputs.closes[[FUND, BENCHMARK]]).reindex(ev.daily.index)
        relative = ((1.0 + r[FUND]).cumprod() / (1.0 + r[BENCHMARK]).cumprod() - 1.0).rename("XSMO over IJR")
        labs = self._recent(ev.daily.index, self.spec.breadth_lookback)["S&P 600 breadth"]
        return {"breadth": breadth, "relative": scale(relative.to_frame(), ["XSMO over IJR"])["XSMO over IJR"],
                "narrowing": (labs == "narrowing").where(labs.notna()), "title": self.breadth_headline(),
                "ma_days": self.spec.breadth_window}

    def breadth_headline(self) -> str:
        """Title of the breadth figure: XSMO minus IJR when S&P 600 breadth narrows against widens."""
        t = self.evidence.recent["S&P 600 breadth"]
        if not testable(t):
            return "S&P 600 breadth: no overlap with XSMO's momentum record in this window"
        d = t.diff
        return (f"XSMO minus IJR: {pp_year(d.value, 'daily', 1, True).text()} pp a year when S&P 600 breadth narrows "
                f"vs widens (95% CI {interval(d.ci_low, d.ci_high, 'daily', 0)})")

    def plot_if(self, flag: str, draw: Callable[..., Any], data: Callable[[], dict]):
        """``draw(**data())`` when the flag holds (a part of M3 the window holds data for); else a
        note. The notebook's cell carries the same flag as a ``show-if`` tag, so the note never shows."""
        if not self.all_flags().get(flag, False):
            return f"the window holds no data for this figure ({flag} does not hold)"
        return draw(**data())

    # -- facts, flags and phrases ---------------------------------------------------------------------

    def all_flags(self) -> dict[str, bool]:
        """``m3`` (the window can decide M3) and the claim's own flags."""
        return {"m3": self.testable, **self.flags()}

    def facts(self) -> dict[str, Fact]:
        ev, spec = self.evidence, self.spec
        c = ev.century
        mk, big_mk = test_facts(c["market state"], "monthly"), test_facts(ev.century_big["market state"], "monthly")
        vol, cr, ra = test_facts(c["volatility"], "monthly"), test_facts(c["credit"], "monthly"), \
            test_facts(c["rates"], "monthly")
        rows = [variant_row(name, label, t, "monthly") for name, label, t in ev.century_variants]
        rob = variant_frame(rows, list(labels(spec)))
        r_mk, r_vol = robustness_facts(rob, "market state"), robustness_facts(rob, "volatility")
        r_cr, r_ra = robustness_facts(rob, "credit"), robustness_facts(rob, "rates")
        crash = ev.crash
        x = ev.x
        rec = ev.recent
        b6, b4 = test_facts(rec["S&P 600 breadth"], "daily"), test_facts(rec["S&P 400 breadth (proxy)"], "daily")
        hy, yd = test_facts(rec["high-yield spread"], "daily"), test_facts(rec["10-year yield"], "daily")
        px = test_facts(ev.proxy, "monthly")
        rrows = [variant_row(name, label, t, "daily") for name, label, t in ev.recent_variants]
        rrob = variant_frame(rrows, list(RECENT_LABELS))
        rb6, rb4 = robustness_facts(rrob, "S&P 600 breadth"), robustness_facts(rrob, "S&P 400 breadth (proxy)")
        rhy, ryd = robustness_facts(rrob, "high-yield spread"), robustness_facts(rrob, "10-year yield")
        t6 = rec["S&P 600 breadth"]
        p6, p4 = self.inputs.breadth("sp600", spec.breadth_window), self.inputs.breadth("sp400", spec.breadth_window)
        lowers = [n for n, t in c.items() if t.significant(-1)]
        lbs = {lb: ev.lookbacks.get(lb) for lb in LOOKBACKS}
        def lb_diff(lb):
            t = lbs.get(lb)
            return pp_year(t.diff.value if testable(t) else None, "monthly", 1, True)

        def lb_t(lb):
            t = lbs.get(lb)
            return num(t.diff.t if testable(t) else None, 2)

        lb_facts = {  # literal keys (greppable): the market state over 12, 24 and 36 months
            "m3_lb12_diff": lb_diff(12), "m3_lb12_t": lb_t(12),
            "m3_lb24_diff": lb_diff(24), "m3_lb24_t": lb_t(24),
            "m3_lb36_diff": lb_diff(36), "m3_lb36_t": lb_t(36),
        }
        mk_t = c["market state"]
        alt_rates = next((t for name, label, t in ev.century_variants if name == "rates" and label == "alternative"),
                         None)
        b6_t = rec["S&P 600 breadth"]
        b6_se = b6_t.diff.se * PP_A_YEAR["daily"] if testable(b6_t) and b6_t.diff.se else None
        return {
            **lb_facts,
            "m3_headline": text(self.phrase_headline() if self.testable else None),
            "m3_market_block": num(_block(mk_t.boot) if testable(mk_t) and mk_t.boot else None, 1),
            "m3_market_spell": num(stats.mean_spell(self.inputs.century_regimes(**century_definitions(spec))
                                                    .reindex(ev.x.index)["market state"]) if testable(mk_t) else None,
                                   1),
            "m3_rates_adverse_words": text("high (above its median to date)" if spec.rates_measure == "level" else
                                           f"rising over the previous {spec.rates_lookback} months"),
            "m3_rates_favourable_words": text("low" if spec.rates_measure == "level" else "falling"),
            "m3_rates_alt_words": text(f"the {spec.rates_lookback}-month change (the registered measure)"
                                       if spec.rates_measure == "level" else "the level (above its median to date)"),
            "m3_rates_alt_diff": pp_year(alt_rates.diff.value if testable(alt_rates) else None, "monthly", 1, True),
            "m3_rates_alt_ci": text(interval(alt_rates.diff.ci_low, alt_rates.diff.ci_high, "monthly")
                                    if testable(alt_rates) else None),
            "m3b_breadth_mde": num(stats.mde(b6_se, sides=2) if b6_se else None, 1),
            "m_market_lookback": count(spec.market_lookback),
            "m_breadth_window": count(spec.breadth_window),
            "m_breadth_lookback": count(spec.breadth_lookback),
            "m_breadth_alt": count(alternative(BREADTH_LOOKBACK, spec.breadth_lookback)),
            # the century
            "m3_small_mean": pp_year(x.mean() if len(x) else None, "monthly"),
            "m3_sample": text(span(x.index.min(), x.index.max()) if len(x) else None),
            "m3_months": count(len(x)),
            "m3_lowering": text(_and(lowers)),
            "m3_market_adverse": mk["adverse"], "m3_market_favourable": mk["favourable"],
            "m3_market_diff": mk["diff"], "m3_market_ci": mk["ci"], "m3_market_boot": mk["boot"],
            "m3_big_market_diff": big_mk["diff"], "m3_big_market_ci": big_mk["ci"],
            "m3_vol_diff": vol["diff"], "m3_vol_ci": vol["ci"],
            "m3_credit_diff": cr["diff"], "m3_credit_ci": cr["ci"],
            "m3_rates_diff": ra["diff"], "m3_rates_ci": ra["ci"], "m3_rates_boot": ra["boot"],
            "m3_rates_word": text(self.phrase_rates_word() if testable(c["rates"]) else None),
            "m3_crash_n": count(crash["crashes"]), "m3_crash_down": count(crash["in_regime"]),
            "m3_crash_share": pct(crash["share_crashes"], 0), "m3_down_share": pct(crash["share_all"], 0),
            "m3_crash_threshold": pct(-crash["threshold"], 1),
            "m3_worst": text(self.phrase_worst()),
            "m3_market_same": r_mk["same"], "m3_market_variants": r_mk["variants"],
            "m3_market_significant": r_mk["significant"],
            "m3_vol_same": r_vol["same"], "m3_vol_variants": r_vol["variants"],
            "m3_vol_significant": r_vol["significant"],
            "m3_credit_same": r_cr["same"], "m3_credit_variants": r_cr["variants"],
            "m3_credit_significant": r_cr["significant"],
            "m3_rates_same": r_ra["same"], "m3_rates_variants": r_ra["variants"],
            "m3_rates_significant": r_ra["significant"],
            # breadth since the index switch
            "m3b_sp600_first": text(iso(p6.index[0])), "m3b_sp400_first": text(iso(p4.index[0])),
            "m3b_sp600_cov_first": pct(p6["coverage"].iloc[0], 0),
            "m3b_sp600_cov_last": pct(p6["coverage"].iloc[-1], 0),
            "m3b_sp400_cov_first": pct(p4["coverage"].iloc[0], 0),
            "m3b_breadth_years": num((pd.Timestamp(t6.end) - pd.Timestamp(t6.start)).days / 365.25 if t6.n else None,
                                     1),
            "m3b_breadth_diff": b6["diff"], "m3b_breadth_ci": b6["ci"], "m3b_breadth_boot": b6["boot"],
            "m3b_breadth_adverse": b6["adverse"], "m3b_breadth_favourable": b6["favourable"],
            "m3b_breadth_sample": b6["sample"],
            "m3b_b400_diff": b4["diff"], "m3b_b400_ci": b4["ci"],
            "m3b_hy_diff": hy["diff"], "m3b_hy_ci": hy["ci"],
            "m3b_yield_diff": yd["diff"], "m3b_yield_ci": yd["ci"],
            "m3b_proxy_diff": px["diff"], "m3b_proxy_ci": px["ci"], "m3b_proxy_sample": px["sample"],
            "m3b_proxy_months": count(PROXY_MONTHS),
            "m3b_breadth_same": rb6["same"], "m3b_breadth_variants": rb6["variants"],
            "m3b_breadth_significant": rb6["significant"],
            "m3b_b400_same": rb4["same"], "m3b_b400_variants": rb4["variants"],
            "m3b_b400_significant": rb4["significant"],
            "m3b_hy_same": rhy["same"], "m3b_hy_variants": rhy["variants"], "m3b_hy_significant": rhy["significant"],
            "m3b_yield_same": ryd["same"], "m3b_yield_variants": ryd["variants"],
            "m3b_yield_significant": ryd["significant"],
        }

    def flags(self) -> dict[str, bool]:
        """Which parts the window holds: ``m3_century`` (some century regime has an interval),
        ``m3_market``/``m3_vol``/``m3_credit``/``m3_rates`` (that regime has one), how many regimes
        lower momentum beyond both intervals (``m3_lowers_one``/``_several``/``_none``),
        ``m3_crashes`` (the worst months are losses), ``m3_sp600_window``/``m3_sp400_window`` (the
        member panel overlaps the window), ``m3_recent`` (XSMO's momentum record is in the window),
        ``m3_recent_tested`` (some daily test has an interval),
        ``m3_breadth``/``m3_b400``/``m3_hy``/``m3_yield``/``m3_proxy`` (that test has an interval)
        and ``m3_breadth_figure`` (breadth and XSMO's record overlap)."""
        ev = self.evidence
        c, rec = ev.century, ev.recent
        lowers = sum(t.significant(-1) for t in c.values())
        century = any(testable(t) for t in c.values())
        crash = ev.crash
        return {
            "m3_century": century,
            "m3_market": testable(c["market state"]) and testable(ev.century_big["market state"]),
            "m3_vol": testable(c["volatility"]), "m3_credit": testable(c["credit"]), "m3_rates": testable(c["rates"]),
            "m3_lowers_one": lowers == 1, "m3_lowers_several": lowers > 1, "m3_lowers_none": century and lowers == 0,
            "m3_crashes": bool(crash["crashes"]) and bool(crash["threshold"] < 0),
            "m3_sp600_window": ev.in_window["sp600"], "m3_sp400_window": ev.in_window["sp400"],
            "m3_recent": len(ev.daily) > 0,
            "m3_recent_tested": any(testable(t) for t in rec.values()),
            "m3_breadth": testable(rec["S&P 600 breadth"]), "m3_b400": testable(rec["S&P 400 breadth (proxy)"]),
            "m3_hy": testable(rec["high-yield spread"]), "m3_yield": testable(rec["10-year yield"]),
            "m3_proxy": testable(ev.proxy),
            "m3_breadth_figure": self._breadth_overlaps(),
            "m3_lookbacks": all(testable(ev.lookbacks.get(lb)) for lb in LOOKBACKS),
            "m3_rates_alt": any(name == "rates" and label == "alternative" and testable(t)
                                for name, label, t in ev.century_variants),
        }

    def _breadth_overlaps(self) -> bool:
        ev = self.evidence
        if ev.daily.empty:
            return False
        first = ev.daily.index[0]
        return any((in_days(self.inputs.breadth(index, self.spec.breadth_window), self.window).index >= first).any()
                   for index in BREADTH_INDICES)

    # Phrases: the only wording that depends on the result.

    def phrase_rates_word(self) -> str:
        """How adverse-rates months compare with favourable ones: ``more, not less as the claim
        says`` or ``less, as the claim says (the rule counts it only if both intervals lie below
        zero)``."""
        if self.evidence.century["rates"].diff.value > 0:
            return "more, not less as the claim says"
        return "less, as the claim says (the rule counts it only if both intervals lie below zero)"

    def phrase_worst(self) -> str:
        """How many worst months the table lists: ``ten``, or the number when the window has fewer."""
        n = min(WORST, len(self.evidence.x))
        return "ten" if n == WORST else str(n)

    def phrase_headline(self) -> str:
        """Both halves of the answer in one sentence: whether small-cap momentum depends on the
        market state (where the literature finds its regime dependence) and whether it depends on
        the conditions the claim names, e.g. ``Regime-dependent, yes: on the market state, as in
        Cooper, Gutierrez and Hameed (2004) and Daniel and Moskowitz (2016); not on breadth, rates
        or credit as [B] says.``"""
        ev = self.evidence
        mk = ev.century.get("market state")
        if testable(mk) and mk.significant(-1):
            first = ("Regime-dependent, yes: on the market state, as in Cooper, Gutierrez and Hameed (2004) and "
                     "Daniel and Moskowitz (2016)")
        elif testable(mk):
            first = "Regime dependence on the market state does not show beyond both intervals in this window"
        else:
            first = "The market state cannot be tested in this window"
        status = ev.status()
        counts = [n for n, v in status.items() if v == COUNTS]
        tested = [n for n, v in status.items() if v != NO_TEST]
        untested = [n for n, v in status.items() if v == NO_TEST]
        if len(counts) == len(status):
            second = "and on breadth, rates and credit, as [B] says"
        elif counts:
            second = f"on {_and(counts)} as [B] says, not on {_or([n for n in tested if n not in counts])}"
        else:
            second = f"not on {_or(tested)} as [B] says"
        if untested and len(counts) < len(status):
            second += f" ({_and(untested)} untestable here)"
        return f"{first}; {second}."


def _block(boot) -> float:
    """The mean block length a bootstrap interval used (from its method text)."""
    import re

    m = re.search(r"mean block ([0-9.]+)", boot.method)
    return float(m.group(1)) if m else float("nan")


def _or(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    items = list(items)
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
