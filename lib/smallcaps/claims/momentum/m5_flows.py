"""M5. Does small-cap leadership bring momentum? Source [C], 2026.

Claim: when small caps lead for several months, momentum and quant flows follow and squeeze the
most shorted names; the move gives back fast if rates reprice higher.

Evidence: French's small-cap momentum in the month after small caps led against after they
lagged, and, within the months after leading, in months when the 10-year yield rose against
fell, with Newey-West and stationary-bootstrap intervals. The squeeze needs short interest by
stock, which the data do not hold. Units: means are decimals per month; tables and prose show
pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import momentum as am
from ...display import Fact, count, iso, text
from ..base import Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, Rule, Sample, Statistic
from .inputs import MIN_EACH, in_months
from .regimes import (
    LEAD_MEASURE,
    LEAD_MONTHS,
    PP_A_YEAR,
    OneOf,
    alternative,
    fill_rule,
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
SQUEEZE = ("The squeeze of the most shorted names is untestable with available data: it needs short interest by "
           "stock (e.g. exchange short-interest files) over the same months.")
#: The yield whose monthly move sorts the months after leading: its name in the rule and in the tables.
YIELD_WORDS = {"shiller": "Shiller's monthly yield", "tnx": "month-end ^TNX"}
YIELD_VARIANT = {"shiller": "Shiller monthly", "tnx": "^TNX month-end"}
YIELD_SOURCE = OneOf("yield_source", "shiller", {"^TNX month-end": "tnx"},
                     "the 10-year yield whose move over the month sorts the months after leading: Shiller's monthly "
                     "average (shiller) or the month-end ^TNX close (tnx, from 1962)")


@dataclass
class Leadership:
    """M5's two comparisons.

    Attributes
    ----------
    follow
        Small-cap momentum after leading minus after lagging.
    give_back
        Within months after leading: rising-yield minus falling-yield months.
    x
        Monthly small-cap momentum in the window (decimal).
    lead
        ``leading``/``lagging`` per month, known before it.
    x_leading, moves
        Momentum in the months after leading, and the yield's move in them.
    """

    follow: am.RegimeTest
    give_back: am.RegimeTest
    x: pd.Series
    lead: pd.Series
    x_leading: pd.Series
    moves: pd.Series


@dataclass
class M5Evidence:
    """The comparisons under the specification, and the robustness variants ((comparison,
    variant, test, claimed sign), in table order)."""

    main: Leadership
    variants: list[tuple[str, str, am.RegimeTest, int]]


class M5(Claim):
    id: ClassVar[str] = "M5"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "Does small-cap leadership bring momentum?"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "small-cap momentum, led minus lagged"
    unit: ClassVar[str] = "pp/yr"
    inputs_used: ClassVar[tuple[str, ...]] = ("factors", "momentum", "gs10")
    space: ClassVar[SpecSpace] = SpecSpace(LEAD_MEASURE, LEAD_MONTHS, YIELD_SOURCE)
    rule_template: ClassVar[Rule] = Rule(
        "M5", "When small caps lead for several months, momentum and quant flows follow and squeeze the most "
              "shorted names; the move gives back fast if rates reprice higher (source C).",
        hypothesis=("after small caps lead ({lead_words}), small-cap momentum earns more the next month "
                    "than after they lag; and in those months it earns less when the 10-year yield rises on the "
                    "month ({yield_words}) than when it falls. The squeeze of the most shorted names "
                    "needs short-interest data by stock, which the book does not have."),
        statistic=("mean small-cap momentum after leading minus after lagging (pp a year: monthly times 12) "
                   "with a 95% Newey-West interval (the number reported) and a block-bootstrap interval; and, "
                   "within months after leading, rising-yield minus falling-yield months. A difference counts "
                   "if it has the claimed sign and both intervals exclude zero."),
        supported=("both differences count and short-interest data confirm the squeeze (they are not "
                   "available, so the best verdict this book can give is partly supported)"),
        partly="at least one of the two differences counts",
        not_supported="neither counts",
        untestable=f"either comparison has fewer than {MIN_EACH} months in a group",
    )

    @classmethod
    def rule_for(cls, spec=None) -> Rule:
        values = cls.space.resolve(spec, owner=cls.id)
        return fill_rule(cls.rule_template, {**values, "lead_words": lead_words(values),
                                             "yield_words": YIELD_WORDS[values["yield_source"]]})

    @property
    def vintage(self) -> str:  # type: ignore[override]
        """The data vintage, worded as the published results state it."""
        if self.inputs is None:
            return ""
        v = self.inputs.vintages
        yields = "Shiller gs10" if self.spec.yield_source == "shiller" else "Yahoo ^TNX"
        return f"French factors {v['ff']}; 6 portfolios {v['french6']}; {yields}"

    # -- evidence ----------------------------------------------------------------------------------

    def comparisons(self, lead_measure: str, lead_months: int, yield_source: str, *, bootstrap: bool = True,
                    months=None) -> Leadership:
        """After small caps lead, does small-cap momentum rise; and does it give back when yields rise?"""
        x = in_months(self.inputs.momentum["small"], self.window)
        if months is not None:
            x = x.loc[months[0]:months[1]]
        lead = self.inputs.leadership(lead_measure, lead_months).reindex(x.index)
        follow = am.regime_test(x, lead, "leading", "lagging", bootstrap=bootstrap, min_each=MIN_EACH)
        xl = x[lead == "leading"]
        moves = self.inputs.yield_moves(yield_source).reindex(xl.index)
        give = am.regime_test(xl, moves, "rising", "falling", bootstrap=bootstrap, min_each=MIN_EACH)
        return Leadership(follow, give, x, lead, xl, moves)

    def compute(self) -> M5Evidence:
        sp = self.spec
        main = self.comparisons(sp.lead_measure, sp.lead_months, sp.yield_source)
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
        return M5Evidence(main, rows)

    def untestable(self, ev: M5Evidence) -> str | None:
        f, g = ev.main.follow, ev.main.give_back
        if testable(f) and testable(g):
            return None
        return (f"Too few months in a group ({f.n_regime} after leading, {f.n_other} after lagging; "
                f"{g.n_regime} rising and {g.n_other} falling-yield months after leading). " + SQUEEZE)

    def decide(self, ev: M5Evidence) -> Decision:
        f, g = ev.main.follow, ev.main.give_back
        follows, gives = f.significant(+1), g.significant(-1)
        verdict = PARTLY if int(follows) + int(gives) >= 1 else NOT_SUPPORTED
        fd, gd = f.diff.scaled(PP_A_YEAR["monthly"]), g.diff.scaled(PP_A_YEAR["monthly"])
        note_ = (f"After leading minus after lagging {fd.value:+.1f} pp a year (HAC {fd.ci_low:.1f} to "
                 f"{fd.ci_high:.1f}), {'counts' if follows else 'does not count'}; in months after leading, rising "
                 f"minus falling yields {gd.value:+.1f} (HAC {gd.ci_low:.1f} to {gd.ci_high:.1f}), "
                 f"{'counts' if gives else 'does not count'}. " + SQUEEZE)
        stat = Statistic(name=self.statistic_name, value=fd.value, unit=self.unit, ci_low=fd.ci_low, ci_high=fd.ci_high,
                         ci_level=0.95, method=fd.method + ", monthly")
        return Decision(verdict, stat, Sample(iso(f.start.start_time), iso(f.end.end_time), f.n, "monthly"), note_)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame | Any:
        """The two comparisons (pp a year): states, means, difference and both intervals, months; or
        why there are none, when the window holds no month of either."""
        ev = self.evidence.main
        if ev.follow.n == 0 and ev.give_back.n == 0:
            return note(self.untestable_note)
        t = regime_table({FOLLOW: ev.follow, GIVE: ev.give_back}, "monthly")
        t = t.drop(columns=["both below 0"]).rename(columns={"periods": "months"})
        t.index.name = "comparison"
        return t

    def _variant_frame(self) -> pd.DataFrame:
        rows = [variant_row(comp, label, t, "monthly", sign) for comp, label, t, sign in self.evidence.variants]
        return variant_frame(rows, [FOLLOW, GIVE])

    def robustness(self) -> pd.DataFrame | Any:
        """Both differences under the alternative look-back, the other leadership measure, the other
        yield and in each half of the window (``significant``: the claimed sign, interval excluding
        zero)."""
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
        return {"frame": frame, "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: small-cap momentum after small caps led and after they lagged."""
        f = self.evidence.main.follow
        return (f"Small-cap momentum after small caps led: {pp_year(f.mean_regime, 'monthly').text()} pp a year; "
                f"after they lagged: {pp_year(f.mean_other, 'monthly').text()}")

    def _yield_variant(self) -> am.RegimeTest | None:
        label = YIELD_VARIANT[alternative(YIELD_SOURCE, self.spec.yield_source)]
        return next((t for comp, lab, t, _ in self.evidence.variants if comp == GIVE and lab == label), None)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence.main
        f, g = test_facts(ev.follow, "monthly"), test_facts(ev.give_back, "monthly")
        y = self._yield_variant()
        rob = self._variant_frame()
        rf, rg = robustness_facts(rob, FOLLOW), robustness_facts(rob, GIVE)
        return {
            "m_lead_months": count(self.spec.lead_months),
            "m_lead_alt": count(alternative(LEAD_MONTHS, self.spec.lead_months)),
            "m_iwm_first": text(iso(self.inputs.closes["IWM"].first_valid_index())),
            "m5_follow_adverse": f["adverse"], "m5_follow_favourable": f["favourable"], "m5_follow_diff": f["diff"],
            "m5_follow_ci": f["ci"], "m5_follow_boot": f["boot"], "m5_follow_sample": f["sample"],
            "m5_give_diff": g["diff"], "m5_give_ci": g["ci"],
            "m5_tnx_give": pp_year(y.diff.value if testable(y) else None, "monthly", 1, True),
            "m5_tnx_give_ci": text(variant_row(GIVE, "", y, "monthly")["95% HAC CI"] if testable(y) else None),
            "m5_tnx_give_sample": text(f"{month_text(y.start)} to {month_text(y.end)}" if testable(y) else None),
            "m5_follow_same": rf["same"], "m5_follow_variants": rf["variants"],
            "m5_follow_significant": rf["significant"],
            "m5_give_same": rg["same"], "m5_give_variants": rg["variants"], "m5_give_significant": rg["significant"],
        }

    def flags(self) -> dict[str, bool]:
        """``m5_tnx``: the give-back difference with the other yield has its interval."""
        return {"m5_tnx": testable(self._yield_variant())}
