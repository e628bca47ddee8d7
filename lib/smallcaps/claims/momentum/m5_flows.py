"""M5. Does small-cap leadership bring momentum, and give back when rates reprice? Source [C], 2026.

Claim: when small caps lead for several months, momentum and quant flows follow and squeeze the
most shorted names; the move gives back fast if rates reprice higher.

The claim has two assertions (the book's one rule for claims with parts,
:func:`~smallcaps.claims.base.combine_parts`):

1. *Momentum and quant flows follow and squeeze the most shorted names*: untestable with
   available data (no fund-flow or short-interest data). The chapter shows a labelled proxy for
   "small-cap leadership continues": French's SMB in the month (and the three months) after small
   caps led, against after they lagged. It does not decide.
2. *The move gives back fast if rates reprice higher*: "the move" is small-cap leadership, so
   the outcome is SMB; in the months after small caps led, SMB when the month-end 10-year yield
   (``^TNX``, timely) rose against when it fell, with Shiller's monthly average yield as
   robustness.

Small-cap momentum (French's small winners minus small losers) is shown as context. Its sign
under the claim is ambiguous: momentum flows chasing leaders raise it, a squeeze of heavily
shorted past losers lowers it. Amended in the referee revision (the registered rule tested
small-cap momentum on Shiller's yield and read the squeeze as a cap on the verdict); the
registered reading is recomputed (:data:`M5.amendments`). Units: means are decimals per month;
tables and prose show pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import momentum as am
from ...display import Fact, count, iso, num, text
from ...errors import DataError
from ..base import Claim, Decision, Part, SpecSpace, combine_parts
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .inputs import MIN_EACH, in_months
from .regimes import (
    BOOTSTRAP_BLOCK,
    LEAD_MEASURE,
    LEAD_MONTHS,
    PP_A_YEAR,
    VERDICT_RULE,
    OneOf,
    alternative,
    block_words,
    fill_rule,
    interval,
    lead_words,
    month_text,
    note,
    pp_year,
    regime_table,
    robustness_facts,
    swapped,
    test_facts,
    testable,
    variant_frame,
    variant_row,
)

FOLLOW = "led minus lagged"
GIVE = "yield up minus down, after leading"
SQUEEZE = ("That momentum and quant flows follow and squeeze the most shorted names is untestable with available "
           "data: it needs fund flows and short interest by stock (e.g. exchange short-interest files) over the same "
           "months.")
#: The yield whose monthly move sorts the months after leading: its name in the rule and in the tables.
YIELD_WORDS = {"shiller": "Shiller's monthly average yield", "tnx": "the month-end ^TNX close"}
YIELD_VARIANT = {"shiller": "Shiller monthly", "tnx": "^TNX month-end"}
YIELD_SOURCE = OneOf("yield_source", "tnx", {"Shiller monthly (registered)": "shiller"},
                     "the 10-year yield whose move over the month sorts the months after leading: the month-end ^TNX "
                     "close (tnx, from 1962; timely) or Shiller's monthly average (shiller, registered; it lags "
                     "month-end moves)")
#: The series each comparison reads, by name.
OUTCOMES = {"smb": "SMB", "wml": "small-cap momentum"}
OUTCOME = OneOf("outcome", "smb", {"small-cap momentum (registered)": "wml"},
                "the series whose give-back decides: French's SMB (smb: the move the claim is about, small-cap "
                "leadership) or small-cap momentum (wml, registered)")
#: The horizon of the longer continuation proxy (months, Hodrick 1992 1B errors).
PROXY_MONTHS = 3


@dataclass
class Leadership:
    """The two comparisons on one series.

    Attributes
    ----------
    follow
        The series after small caps led minus after they lagged.
    give_back
        Within months after leading: rising-yield minus falling-yield months.
    x
        The monthly series in the window (decimal).
    lead
        ``leading``/``lagging`` per month, known before it.
    x_leading, moves
        The series in the months after leading, and the yield's move in them.
    """

    follow: am.RegimeTest
    give_back: am.RegimeTest
    x: pd.Series
    lead: pd.Series
    x_leading: pd.Series
    moves: pd.Series


@dataclass
class M5Evidence:
    """M5's comparisons.

    Attributes
    ----------
    main
        The comparisons on the outcome series (SMB: the give-back decides, the continuation is the
        labelled proxy for assertion 1).
    context
        The same on small-cap momentum (context; the same as ``main`` when it is the outcome).
    continuation
        The outcome series summed over the next :data:`PROXY_MONTHS` months after leading minus
        after lagging, Hodrick (1992) 1B errors (None when the window is too short).
    variants
        Robustness: (comparison, variant, test, claimed sign), in table order.
    """

    main: Leadership
    context: Leadership
    continuation: stats.Estimate | None
    variants: list[tuple[str, str, am.RegimeTest, int]]


def give_back_verdict(t: am.RegimeTest) -> str | None:
    """Assertion 2 under the amended rule: supported when the give-back counts (negative, both
    intervals below zero), not supported when it is zero or positive, inconclusive when it is
    negative with an interval reaching zero; None when it cannot be tested."""
    if not testable(t):
        return None
    if t.significant(-1):
        return SUPPORTED
    return NOT_SUPPORTED if t.diff.value >= 0 else INCONCLUSIVE


class M5(Claim):
    id: ClassVar[str] = "M5"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "Does small-cap leadership bring momentum?"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "SMB after small caps led, yield up minus down"
    unit: ClassVar[str] = "pp/yr"
    inputs_used: ClassVar[tuple[str, ...]] = ("factors", "momentum", "gs10")
    space: ClassVar[SpecSpace] = SpecSpace(LEAD_MEASURE, LEAD_MONTHS, YIELD_SOURCE, OUTCOME, BOOTSTRAP_BLOCK,
                                           VERDICT_RULE)
    rule_template: ClassVar[Rule] = Rule(
        "M5", "When small caps lead for several months, momentum and quant flows follow and squeeze the most "
              "shorted names; the move gives back fast if rates reprice higher (source C).",
        hypothesis=("two assertions. (1) After small caps lead, momentum and quant flows follow and squeeze the most "
                    "shorted names: untestable without fund-flow and short-interest data; {outcome_name} in the month "
                    "after small caps led minus after they lagged is shown as a labelled proxy for 'small-cap "
                    "leadership continues', not deciding. (2) The move gives back fast if rates reprice higher: in "
                    "the months after small caps lead ({lead_words}), {outcome_name} is lower when the 10-year yield "
                    "rises on the month ({yield_words}) than when it falls. Small-cap momentum is shown as context: "
                    "its sign under the claim is ambiguous (flows chasing leaders raise it; a squeeze of shorted past "
                    "losers lowers it)."),
        statistic=("for assertion 2, the mean of {outcome_name} in rising-yield minus falling-yield months after "
                   "leading (pp a year: monthly times 12) with a 95% Newey-West interval and a 95% block-bootstrap "
                   "interval {block_words}; it counts if it is negative and both intervals exclude zero, and points "
                   "away from the claim if it is zero or positive. The verdict follows the book's rule for claims "
                   "with parts: an untestable assertion caps the verdict at partly supported."),
        supported="assertion 2 counts (capped at partly supported while assertion 1 is untestable)",
        partly="assertion 2 counts and assertion 1 is untestable",
        inconclusive="assertion 2 is negative but does not count",
        not_supported="assertion 2 points away from the claim",
        untestable=f"the give-back comparison has fewer than {MIN_EACH} months in a group",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        registered.AMENDED,
        "'The move' that follows small-cap leadership and gives back is small-cap leadership itself, so the outcome "
        "is SMB, not small-cap momentum, whose sign under a squeeze of shorted past losers is ambiguous; the "
        "yield's move is the month-end ^TNX close, not Shiller's monthly average, which lags month-end moves (they "
        "agree in sign in 75% of months); the untestable flows-and-squeeze assertion follows the book's one rule "
        "for claims with parts (referee report on rotation and momentum, D6, D3 and section 6).",
        registered.M5, {"yield_source": "shiller", "outcome": "wml", "bootstrap_block": "politis-white",
                        "verdict_rule": "registered"}),)

    @classmethod
    def rule_for(cls, spec=None) -> Rule:
        values = cls.space.resolve(spec, owner=cls.id)
        return fill_rule(cls.rule_template, {**values, "lead_words": lead_words(values),
                                             "yield_words": YIELD_WORDS[values["yield_source"]],
                                             "outcome_name": OUTCOMES[values["outcome"]],
                                             "block_words": block_words(values["bootstrap_block"])},
                         history=cls.amendments)

    @property
    def vintage(self) -> str:  # type: ignore[override]
        """The data vintage, worded as the published results state it."""
        if self.inputs is None:
            return ""
        v = self.inputs.vintages
        yields = "Shiller gs10" if self.spec.yield_source == "shiller" else "Yahoo ^TNX"
        return f"French factors {v['ff']}; 6 portfolios {v['french6']}; {yields}"

    # -- evidence ----------------------------------------------------------------------------------

    def comparisons(self, lead_measure: str, lead_months: int, yield_source: str, *, outcome: str | None = None,
                    bootstrap: bool = True, months=None) -> Leadership:
        """After small caps lead, does the outcome series rise; and does it give back when yields rise?"""
        x = in_months(self.inputs.outcome(outcome or self.spec.outcome), self.window)
        if months is not None:
            x = x.loc[months[0]:months[1]]
        lead = self.inputs.leadership(lead_measure, lead_months).reindex(x.index)
        block = self.spec.bootstrap_block
        follow = am.regime_test(x, lead, "leading", "lagging", bootstrap=bootstrap, min_each=MIN_EACH, block=block)
        xl = x[lead == "leading"]
        moves = self.inputs.yield_moves(yield_source).reindex(xl.index)
        give = am.regime_test(xl, moves, "rising", "falling", bootstrap=bootstrap, min_each=MIN_EACH, block=block)
        return Leadership(follow, give, x, lead, xl, moves)

    def _continuation(self, main: Leadership) -> stats.Estimate | None:
        """The outcome summed over the next months after leading minus after lagging (Hodrick 1B)."""
        led = (main.lead == "leading").astype(float).where(main.lead.notna())
        # the label of month t+1 is known at the end of month t: the predictor of months t+1..t+h
        x_t = led.shift(-1)
        try:
            return stats.hodrick_1b(main.x, x_t, PROXY_MONTHS)
        except DataError:
            return None

    def compute(self) -> M5Evidence:
        sp = self.spec
        main = self.comparisons(sp.lead_measure, sp.lead_months, sp.yield_source)
        context = main if sp.outcome == "wml" else self.comparisons(sp.lead_measure, sp.lead_months, sp.yield_source,
                                                                   outcome="wml")
        alt = swapped(sp, ("lead_months", "lead_measure"))
        alt_yield = alternative(YIELD_SOURCE, sp.yield_source)
        variants = [(f"lead over {alt['lead_months']} months", sp.lead_measure, alt["lead_months"], sp.yield_source,
                     None),
                    ("IWM minus SPY" if alt["lead_measure"] == "iwm-spy" else "SMB", alt["lead_measure"],
                     sp.lead_months, sp.yield_source, None),
                    (YIELD_VARIANT[alt_yield], sp.lead_measure, sp.lead_months, alt_yield, None)]
        x = main.x.dropna()
        if len(x) >= 4 * MIN_EACH * 2:
            variants += [(label, sp.lead_measure, sp.lead_months, sp.yield_source, half)
                         for half, label in zip(am.halves(x.index), ("first half", "second half"), strict=True)]
        # the default variant is the comparison itself (a variant row reads its HAC interval only)
        rows = [(FOLLOW, "default", main.follow, 1), (GIVE, "default", main.give_back, -1)]
        for label, measure, months_, source, half in variants:
            ev = self.comparisons(measure, months_, source, bootstrap=False, months=half)
            for comp, t, sign in ((FOLLOW, ev.follow, 1), (GIVE, ev.give_back, -1)):
                if source != sp.yield_source and sign > 0:
                    continue  # the yield does not change the first comparison
                rows.append((comp, label, t, sign))
        return M5Evidence(main, context, self._continuation(main), rows)

    def untestable(self, ev: M5Evidence) -> str | None:
        f, g = ev.main.follow, ev.main.give_back
        if self.spec.verdict_rule == "registered":
            if testable(f) and testable(g):
                return None
            return (f"Too few months in a group ({f.n_regime} after leading, {f.n_other} after lagging; "
                    f"{g.n_regime} rising and {g.n_other} falling-yield months after leading). " + SQUEEZE)
        if testable(g):
            return None
        return (f"Too few months in a group to test the give-back ({g.n_regime} rising and {g.n_other} falling-yield "
                f"months after small caps led; {MIN_EACH} of each would decide it). " + SQUEEZE)

    def parts(self, ev: M5Evidence | None = None) -> list[Part]:
        """The claim's parts under the amended rule: the untestable flows-and-squeeze assertion and
        the give-back assertion."""
        ev = ev or self.evidence
        return [Part("flows follow and squeeze the most shorted names", "assertion", None),
                Part("the move gives back fast if rates reprice higher", "assertion",
                     give_back_verdict(ev.main.give_back))]

    def decide(self, ev: M5Evidence) -> Decision:
        f, g = ev.main.follow, ev.main.give_back
        k = PP_A_YEAR["monthly"]
        if self.spec.verdict_rule == "registered":
            follows, gives = f.significant(+1), g.significant(-1)
            verdict = PARTLY if int(follows) + int(gives) >= 1 else NOT_SUPPORTED
            fd, gd = f.diff.scaled(k), g.diff.scaled(k)
            note_ = (f"After leading minus after lagging {fd.value:+.1f} pp a year (HAC {fd.ci_low:.1f} to "
                     f"{fd.ci_high:.1f}), {'counts' if follows else 'does not count'}; in months after leading, rising "
                     f"minus falling yields {gd.value:+.1f} (HAC {gd.ci_low:.1f} to {gd.ci_high:.1f}), "
                     f"{'counts' if gives else 'does not count'}. " + SQUEEZE)
            stat = Statistic(name="small-cap momentum, led minus lagged", value=fd.value, unit=self.unit,
                             ci_low=fd.ci_low, ci_high=fd.ci_high, ci_level=0.95, method=fd.method + ", monthly")
            return Decision(verdict, stat, Sample(iso(f.start.start_time), iso(f.end.end_time), f.n, "monthly"), note_,
                            p_value=stats.one_sided_p(f.diff, +1), mde=stats.mde(fd.se, sides=2))
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        gd = g.diff.scaled(k)
        reading = {SUPPORTED: "counts", NOT_SUPPORTED: "points away from the claim",
                   INCONCLUSIVE: "negative but does not count"}[parts[1].verdict]
        name = OUTCOMES[self.spec.outcome]
        proxy = ""
        if testable(f):
            fd = f.diff.scaled(k)
            proxy = (f" Proxy for assertion 1, not deciding: {name} after small caps led minus after they lagged, next "
                     f"month {fd.value:+.1f} pp a year (HAC {fd.ci_low:.1f} to {fd.ci_high:.1f}).")
        ctx = ""
        cg = ev.context.give_back
        if self.spec.outcome != "wml" and testable(cg):
            cd = cg.diff.scaled(k)
            ctx = (f" Context: small-cap momentum's give-back is {cd.value:+.1f} (HAC {cd.ci_low:.1f} to "
                   f"{cd.ci_high:.1f}); its sign under the claim is ambiguous.")
        note_ = (f"{SQUEEZE}{proxy} Assertion 2 (decides): in months after small caps led, {name} when "
                 f"{YIELD_WORDS[self.spec.yield_source]} rose minus when it fell, {gd.value:+.1f} pp a year (HAC "
                 f"{gd.ci_low:.1f} to {gd.ci_high:.1f}), {reading}.{ctx}")
        stat = Statistic(name=f"{name} after small caps led, yield up minus down ({YIELD_VARIANT[self.spec.yield_source]})",
                         value=gd.value, unit=self.unit, ci_low=gd.ci_low, ci_high=gd.ci_high, ci_level=0.95,
                         method=gd.method + ", monthly")
        return Decision(verdict, stat, Sample(iso(g.start.start_time), iso(g.end.end_time), g.n, "monthly"), note_,
                        p_value=stats.one_sided_p(g.diff, -1), mde=stats.mde(gd.se, sides=2))

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame | Any:
        """The comparisons (pp a year): what each is for (decides, proxy, context), states, means,
        difference and both intervals, months; or why there are none, when the window holds no
        month of either."""
        ev = self.evidence
        if ev.main.follow.n == 0 and ev.main.give_back.n == 0:
            return note(self.untestable_note or "No data for these comparisons in this window.")
        name = OUTCOMES[self.spec.outcome]
        tests = {f"{name}: {GIVE} (decides)": ev.main.give_back, f"{name}: {FOLLOW} (proxy)": ev.main.follow}
        if self.spec.outcome != "wml":
            tests.update({f"small-cap momentum: {GIVE} (context)": ev.context.give_back,
                          f"small-cap momentum: {FOLLOW} (context)": ev.context.follow})
        t = regime_table(tests, "monthly")
        t = t.drop(columns=["both below 0"]).rename(columns={"periods": "months"})
        t.index.name = "comparison"
        return t

    def _variant_frame(self) -> pd.DataFrame:
        rows = [variant_row(comp, label, t, "monthly", sign) for comp, label, t, sign in self.evidence.variants]
        return variant_frame(rows, [GIVE, FOLLOW])

    def robustness(self) -> pd.DataFrame | Any:
        """Both differences of the outcome series under the alternative look-back, the other
        leadership measure, the other yield and in each half of the window (``significant``: the
        claimed sign, interval excluding zero)."""
        out = self._variant_frame()
        if out.empty:
            return note("No data for these comparisons in this window.")
        return out.drop(columns="states").rename_axis(["comparison", "variant"])

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.leadership_means` (pp a year)."""
        ev = self.evidence.main
        rows = []
        names = {"leading": "after small caps led", "lagging": "after small caps lagged",
                 "rising": "after they led, yield rose", "falling": "after they led, yield fell"}
        for comp, x, lab, states in (("by leadership", ev.x, ev.lead, ("leading", "lagging")),
                                     ("by yield move", ev.x_leading, ev.moves, ("rising", "falling"))):
            if lab.notna().sum() < 3:
                continue
            m = stats.regime_means(x, lab, scale=PP_A_YEAR["monthly"])
            for state in states:
                if state in m.index:
                    r = m.loc[state]
                    rows.append({"comparison": comp, "state": state, "label": names[state], "mean": r["estimate"],
                                 "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": int(r["n"])})
        frame = pd.DataFrame(rows, columns=["comparison", "state", "label", "mean", "ci_low", "ci_high", "n"])
        return {"frame": frame, "title": self.headline(), "series": OUTCOMES[self.spec.outcome]}

    def headline(self) -> str:
        """The figure's title: the outcome after small caps led, when the yield rose and fell."""
        g = self.evidence.main.give_back
        name = OUTCOMES[self.spec.outcome]
        if g.n_regime == 0 or g.n_other == 0:
            f = self.evidence.main.follow
            return (f"{name} after small caps led: {pp_year(f.mean_regime, 'monthly').text()} pp a year; after they "
                    f"lagged: {pp_year(f.mean_other, 'monthly').text()}")
        return (f"{name} after small caps led: {pp_year(g.mean_regime, 'monthly').text()} pp a year when the 10-year "
                f"yield rose, {pp_year(g.mean_other, 'monthly').text()} when it fell")

    def _variant(self, comp: str, label: str) -> am.RegimeTest | None:
        return next((t for c, lab, t, _ in self.evidence.variants if c == comp and lab == label), None)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        main, ctx = ev.main, ev.context
        g, f = test_facts(main.give_back, "monthly"), test_facts(main.follow, "monthly")
        cg, cf = test_facts(ctx.give_back, "monthly"), test_facts(ctx.follow, "monthly")
        other = self._variant(GIVE, YIELD_VARIANT[alternative(YIELD_SOURCE, self.spec.yield_source)])
        rob = self._variant_frame()
        rf, rg = robustness_facts(rob, FOLLOW), robustness_facts(rob, GIVE)
        gt = main.give_back
        ok = testable(gt)
        cont = ev.continuation
        return {
            "m_lead_months": count(self.spec.lead_months),
            "m_lead_alt": count(alternative(LEAD_MONTHS, self.spec.lead_months)),
            "m_iwm_first": text(iso(self.inputs.closes["IWM"].first_valid_index())),
            "m5_outcome": text(OUTCOMES[self.spec.outcome]),
            "m5_yield_words": text(YIELD_WORDS[self.spec.yield_source]),
            "m5_other_yield_words": text(YIELD_WORDS[alternative(YIELD_SOURCE, self.spec.yield_source)]),
            "m5_give_rising": g["adverse"], "m5_give_falling": g["favourable"], "m5_give_diff": g["diff"],
            "m5_give_ci": g["ci"], "m5_give_boot": g["boot"], "m5_give_sample": g["sample"],
            "m5_give_months_rising": count(gt.n_regime if ok else None),
            "m5_give_months_falling": count(gt.n_other if ok else None),
            "m5_give_p": num(stats.one_sided_p(gt.diff, -1) if ok else None, 2),
            "m5_give_mde": num(stats.mde(gt.diff.se * PP_A_YEAR["monthly"], sides=2) if ok else None, 1),
            "m5_give_reads": text(self.phrase_give_reads() if ok else None),
            "m5_follow_diff": f["diff"], "m5_follow_ci": f["ci"], "m5_follow_sample": f["sample"],
            "m5_follow3": pp_year(cont.value / PROXY_MONTHS if cont is not None else None, "monthly", 1, True),
            "m5_follow3_ci": text(interval(cont.ci_low / PROXY_MONTHS, cont.ci_high / PROXY_MONTHS, "monthly")
                                  if cont is not None else None),
            "m5_wml_give_diff": cg["diff"], "m5_wml_give_ci": cg["ci"], "m5_wml_give_boot": cg["boot"],
            "m5_wml_give_sample": cg["sample"],
            "m5_wml_follow_diff": cf["diff"], "m5_wml_follow_ci": cf["ci"],
            "m5_other_give": pp_year(other.diff.value if testable(other) else None, "monthly", 1, True),
            "m5_other_give_ci": text(variant_row(GIVE, "", other, "monthly")["95% HAC CI"] if testable(other) else None),
            "m5_other_give_sample": text(f"{month_text(other.start)} to {month_text(other.end)}"
                                         if testable(other) else None),
            "m5_follow_same": rf["same"], "m5_follow_variants": rf["variants"],
            "m5_follow_significant": rf["significant"],
            "m5_give_same": rg["same"], "m5_give_variants": rg["variants"], "m5_give_significant": rg["significant"],
        }

    def flags(self) -> dict[str, bool]:
        """``m5_follow`` (the continuation proxy has its interval), ``m5_follow3`` (the three-month
        proxy too), ``m5_wml`` (small-cap momentum's give-back, the context, has its interval) and
        ``m5_other_yield`` (the give-back with the other yield has its interval)."""
        ev = self.evidence
        if ev is None:
            return dict.fromkeys(("m5_follow", "m5_follow3", "m5_wml", "m5_other_yield"), False)
        other = self._variant(GIVE, YIELD_VARIANT[alternative(YIELD_SOURCE, self.spec.yield_source)])
        return {"m5_follow": testable(ev.main.follow), "m5_follow3": ev.continuation is not None,
                "m5_wml": testable(ev.context.give_back) and testable(ev.context.follow),
                "m5_other_yield": testable(other)}

    # Phrases: the only wording that depends on the result.

    def phrase_give_reads(self) -> str:
        """What the give-back says: ``counts: the move gives back when yields rise``, ``points away
        from the claim`` or ``is negative but its intervals reach zero: the data cannot tell``."""
        v = give_back_verdict(self.evidence.main.give_back)
        return {SUPPORTED: "counts: the move gives back when yields rise",
                NOT_SUPPORTED: "points away from the claim",
                INCONCLUSIVE: "is negative but its intervals reach zero: the data cannot tell"}[v]
