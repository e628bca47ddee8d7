"""M2. XSMO over its whole life. Source [B], 2026.

Claim: since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF
(IJT) over the long run.

Evidence: XSMO's annualised log-return gaps over IJT and IJR from its first close, with
Newey-West standard errors, and the same split at its 2019 change of index (before it, XSMO
tracked a growth index). "Matches" is an equivalence test (two one-sided tests, TOST) with a
margin fixed before looking; "trails" a one-sided test at the same level (amended in the referee
revision: the registered rule read "matches" from a non-rejection). Units: gaps are decimals a
year; tables and prose show pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
from scipy import stats as sps

from ... import stats
from ...analytics import momentum as am
from ...display import Fact, iso, num, pct, percent, pp, text
from ..base import Choice, Claim, Decision, SpecSpace, Untestable
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .inputs import BENCHMARK, FUND, GROWTH, XSMO_INDEX_SWITCH, fund_reason, xsmo_first_close
from .m1_peers import SWITCH_BASE, gap_se, hac_days, show_gaps
from .regimes import interval, note

LIFE, BEFORE, AFTER = "since inception", "before the index switch", "since the index switch"
VERDICT_RULES = ("amended", "registered")
#: Size of each one-sided test (the equivalence test's two and the trailing test).
ALPHA = 0.05
SHOWN, REFUTED, OPEN = "shown", "refuted", "not shown either way"


@dataclass
class LifeEvidence:
    """XSMO against IJT and IJR.

    Attributes
    ----------
    first
        XSMO's first close.
    gaps
        Window label (``since inception``, ``before the index switch``, ``since the index
        switch``) -> XSMO's gap over IJT and IJR (:func:`smallcaps.analytics.momentum.fund_gaps`,
        decimal a year).
    """

    first: pd.Timestamp
    gaps: dict[str, pd.DataFrame]

    @property
    def split(self) -> bool:
        """The record splits at the index switch (both sides present)."""
        return BEFORE in self.gaps and AFTER in self.gaps


def equivalence(row, margin_pp: float) -> stats.Equivalence:
    """TOST of a gap row (decimal a year) against ``margin_pp`` (pp a year), in pp a year."""
    return stats.tost(percent(float(row["gap"])), percent(gap_se(row)), margin_pp, alpha=ALPHA)


def below_zero_p(eq: stats.Equivalence) -> float:
    """One-sided p-value of a gap being below zero (the trailing test), normal approximation."""
    return float(sps.norm.cdf(eq.value / eq.se))


def matches(eq: stats.Equivalence) -> str:
    """``shown`` (equivalent within the margin), ``refuted`` (the 90% interval excludes zero and
    equivalence is not shown: a difference) or ``not shown either way``."""
    if eq.equivalent:
        return SHOWN
    return REFUTED if eq.ci_low > 0 or eq.ci_high < 0 else OPEN


def trails(eq: stats.Equivalence) -> str:
    """``shown`` (the 90% interval lies below zero: a one-sided test at 5%), ``refuted`` (it lies
    above zero, or the gap is equivalent to zero within the margin) or ``not shown either way``."""
    if eq.ci_high < 0:
        return SHOWN
    return REFUTED if eq.ci_low > 0 or eq.equivalent else OPEN


class M2(Claim):
    id: ClassVar[str] = "M2"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "XSMO over its whole life"
    kind: ClassVar[str] = "fact"
    #: The 95% interval published with the IJT gap does not decide: the rule reads the two gaps' 90%
    #: intervals (equivalence and trailing tests) and states them in the note, so the verdict line and
    #: the scorecard show the gap without it (presentation only; the decision is unchanged).
    interval_decides: ClassVar[bool | None] = False
    statistic_name: ClassVar[str] = "XSMO minus IJT since inception"
    unit: ClassVar[str] = "pp a year"
    inputs_used: ClassVar[tuple[str, ...]] = ("closes",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("margin", 2.0, {"1 pp a year": 1.0, "3 pp a year": 3.0},
               "equivalence margin (pp a year): XSMO matches IJR when the gap's 90% interval lies inside plus or "
               "minus this",
               check=lambda v: None if 0 < v <= 10 else "a number of pp a year above 0, at most 10"),
        Choice("verdict_rule", "amended", {"registered": "registered"},
               "amended: matches is an equivalence test and trails a one-sided test, inconclusive when neither is "
               "shown either way; registered: matches when the 95% interval of the IJR gap includes zero, trails "
               "when the IJT gap is negative",
               check=lambda v: None if v in VERDICT_RULES else ", ".join(VERDICT_RULES)),
    )
    rule_template: ClassVar[Rule] = Rule(
        "M2", "Since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF (IJT) "
              "over the long run (source B).",
        hypothesis=("From XSMO's first close to the end of the window, XSMO's return is equivalent to IJR's (S&P "
                    "SmallCap 600) within plus or minus {margin:g} pp a year and below IJT's (S&P SmallCap 600 "
                    "Growth)."),
        statistic=("annualised log-return gaps of XSMO over IJR and over IJT (pp a year) with Newey-West standard "
                   "errors. 'Matches IJR' is an equivalence test (two one-sided tests at 5%): shown when the gap's "
                   "90% interval lies inside plus or minus {margin:g} pp a year, a margin fixed before looking "
                   "(smaller than a small-cap fund's typical tracking difference plus the spread of fees between "
                   "the funds compared: a gap a holder would not notice), refuted when that interval excludes zero "
                   "without equivalence. 'Trails IJT' is a one-sided test at 5%: shown when the IJT gap's 90% "
                   "interval lies below zero, refuted when it lies above zero or the gap is equivalent to zero "
                   "within the margin. The number reported is the IJT gap; its p-value is the larger of the two "
                   "tests' p-values (both must hold)."),
        supported="both are shown",
        partly="exactly one is shown",
        inconclusive="neither is shown and neither is refuted",
        not_supported="neither is shown and at least one is refuted",
        untestable=("the window starts after XSMO's first close or holds less than a year of its prices "
                    "(XSMO, IJR and IJT prices over XSMO's life decide it)"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        registered.AMENDED,
        "'Matches' was read from a non-rejection (the IJR gap's interval includes zero) while 'trails' used only the "
        "sign of the IJT gap, an asymmetric standard under which XSMO also 'matches' IJT (referee report on rotation "
        "and momentum, D11). 'Matches' is now an equivalence test with a margin fixed before looking, 'trails' a "
        "one-sided test at the same level, and the claim is inconclusive when the data show neither.",
        registered.M2, {"verdict_rule": "registered"}),)

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> LifeEvidence:
        inp, w = self.inputs, self.window
        first = xsmo_first_close(inp)
        reason = fund_reason(inp, w, first, f"XSMO's first close, {first.date()}")
        if reason:
            raise Untestable(reason)
        pair = (GROWTH, BENCHMARK)
        gaps = {LIFE: inp.fund_gaps(first, w.end, pair)}
        if w.end >= XSMO_INDEX_SWITCH:
            gaps[BEFORE] = inp.fund_gaps(first, SWITCH_BASE, pair)
            if fund_reason(inp, w, SWITCH_BASE, "the index switch") is None:
                gaps[AFTER] = inp.fund_gaps(SWITCH_BASE, w.end, pair)
        return LifeEvidence(first, gaps)

    def tests(self, ev: LifeEvidence | None = None) -> tuple[stats.Equivalence, stats.Equivalence]:
        """The equivalence tests of the IJR and the IJT gap over XSMO's life (pp a year)."""
        g = (ev or self.evidence).gaps[LIFE]
        return equivalence(g.loc[BENCHMARK], self.spec.margin), equivalence(g.loc[GROWTH], self.spec.margin)

    def decide(self, ev: LifeEvidence) -> Decision:
        g = ev.gaps[LIFE]
        ijt, ijr = g.loc[GROWTH], g.loc[BENCHMARK]
        split = ""
        if ev.split:
            pre, post = ev.gaps[BEFORE], ev.gaps[AFTER]
            split = (f" Before the {XSMO_INDEX_SWITCH.date()} switch (a growth index) the IJT gap was "
                     f"{pp(pre.loc[GROWTH, 'gap']).text()} pp a year; since (momentum) "
                     f"{pp(post.loc[GROWTH, 'gap']).text()}.")
        stat = Statistic(name=self.statistic_name, value=percent(float(ijt["gap"])), unit=self.unit,
                         ci_low=percent(float(ijt["ci_low"])), ci_high=percent(float(ijt["ci_high"])), ci_level=0.95,
                         method=hac_days(int(ijt["days"])))
        sample = Sample(iso(ijt["from"]), iso(ijt["to"]), int(ijt["days"]), "daily")
        if self.spec.verdict_rule == "registered":
            match = bool(ijr["ci_low"] <= 0 <= ijr["ci_high"])
            trail = bool(ijt["gap"] < 0)
            verdict = SUPPORTED if match and trail else PARTLY if (match or trail) else NOT_SUPPORTED
            parts = [f"XSMO minus IJR {pp(ijr['gap']).text()} pp a year "
                     f"(95% CI {interval(ijr['ci_low'], ijr['ci_high'])}), so it "
                     f"{'matches' if match else 'does not match'} the S&P 600",
                     f"it {'trails' if trail else 'does not trail'} IJT"]
            return Decision(verdict, stat, sample, "; ".join(parts) + "." + split)
        eq_r, eq_t = self.tests(ev)
        m, t = matches(eq_r), trails(eq_t)
        shown = (m == SHOWN) + (t == SHOWN)
        refuted = (m == REFUTED) + (t == REFUTED)
        verdict = (SUPPORTED if shown == 2 else PARTLY if shown == 1 else NOT_SUPPORTED if refuted else INCONCLUSIVE)
        p_trail = below_zero_p(eq_t)
        p = max(eq_r.p, p_trail)
        mg = self.spec.margin
        note_ = (f"Matches IJR (equivalence within plus or minus {mg:g} pp a year): {m}; XSMO minus IJR "
                 f"{eq_r.value:+.1f} pp a year, 90% interval {eq_r.ci_low:.1f} to {eq_r.ci_high:.1f}, TOST p = "
                 f"{eq_r.p:.2f}. Trails IJT: {t}; XSMO minus IJT {eq_t.value:+.1f} pp a year, 90% interval "
                 f"{eq_t.ci_low:.1f} to {eq_t.ci_high:.1f}, one-sided p = {p_trail:.2f}." + split)
        return Decision(verdict, stat, sample, note_, p_value=p, mde=stats.mde(eq_t.se, alpha=ALPHA, sides=1))

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame | Any:
        """XSMO's gap over IJT and IJR (pp a year, 95% interval) over its life and on each side of
        the index switch; or why there is none."""
        if not self.testable:
            return note(self.untestable_note)
        return show_gaps(self.evidence.gaps).rename(columns={"95% noise band": "95% CI"}, level=1)

    def equivalence_table(self) -> pd.DataFrame | Any:
        """The two tests over XSMO's life: gap, 90% interval, margin, the test's p-value and what it
        shows (pp a year); or why there is none."""
        if not self.testable:
            return note(self.untestable_note)
        eq_r, eq_t = self.tests()
        p_trail = below_zero_p(eq_t)
        rows = {"matches IJR (equivalence)": (eq_r, f"{-eq_r.margin:g} to {eq_r.margin:g}", eq_r.p, matches(eq_r)),
                "trails IJT (one-sided)": (eq_t, "below 0", p_trail, trails(eq_t))}
        out = pd.DataFrame([{"test": k, "gap (pp a year)": round(e.value, 1),
                             "90% interval": interval(e.ci_low / 100, e.ci_high / 100),
                             "must lie": where, "p-value": round(p, 3), "result": res}
                            for k, (e, where, p, res) in rows.items()]).set_index("test")
        return out

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.growth_since`."""
        ev = self.evidence
        closes = self.inputs.closes[[FUND, BENCHMARK, GROWTH]].loc[: self.window.end]
        return {"frame": am.growth_of_one(closes, ev.first), "title": self.headline(), "switch": XSMO_INDEX_SWITCH}

    def headline(self) -> str:
        """The figure's title: XSMO minus IJT over its life, and as a growth and a momentum fund."""
        ev = self.evidence
        head = f"XSMO minus IJT: {pp(ev.gaps[LIFE].loc[GROWTH, 'gap'], 1, True).text()} pp a year over its life"
        if ev.split:
            head += (f"; {pp(ev.gaps[BEFORE].loc[GROWTH, 'gap'], 1, True).text()} as a growth fund, "
                     f"{pp(ev.gaps[AFTER].loc[GROWTH, 'gap'], 1, True).text()} as a momentum fund")
        return head

    def momentum_years(self) -> float:
        """Years of XSMO as a momentum fund up to the window's end (0 before the switch, or with no
        inputs: evidence given by hand)."""
        if self.inputs is None or self.window is None:
            return 0.0
        last = min(self.window.end, self.inputs.closes[FUND].last_valid_index())
        return max(0.0, (last - XSMO_INDEX_SWITCH).days / 365.25)

    def growth_share(self) -> float:
        """The share of the record's calendar time XSMO spent tracking the growth index."""
        g = self.evidence.gaps[LIFE]
        a, b = g.loc[GROWTH, "from"], g.loc[GROWTH, "to"]
        return max(0.0, min(1.0, (XSMO_INDEX_SWITCH - a).days / max((b - a).days, 1)))

    def facts(self) -> dict[str, Fact]:
        years = self.momentum_years()
        g: dict[str, Fact] = {"m_post_years": num(years if years > 0 else None, 1),
                              "m2_margin": num(self.spec.margin, 0)}
        if not self.testable:
            return g
        ev = self.evidence
        life = ev.gaps[LIFE]
        eq_r, eq_t = self.tests()
        g.update({
            "m2_from": text(iso(life.loc[GROWTH, "from"])), "m2_to": text(iso(life.loc[GROWTH, "to"])),
            "m2_ijr_gap": pp(life.loc[BENCHMARK, "gap"], 1, True),
            "m2_ijr_ci": text(interval(life.loc[BENCHMARK, "ci_low"], life.loc[BENCHMARK, "ci_high"])),
            "m2_ijt_gap": pp(life.loc[GROWTH, "gap"], 1, True),
            "m2_ijt_ci": text(interval(life.loc[GROWTH, "ci_low"], life.loc[GROWTH, "ci_high"])),
            "m2_ijr_ci90": text(interval(eq_r.ci_low / 100, eq_r.ci_high / 100)),
            "m2_ijt_ci90": text(interval(eq_t.ci_low / 100, eq_t.ci_high / 100)),
            "m2_tost_p": num(eq_r.p, 2),
            "m2_matches": text(matches(eq_r)), "m2_trails": text(trails(eq_t)),
            "m2_mde": num(stats.mde(eq_t.se, alpha=ALPHA, sides=1), 1),
            "m2_pre_share": pct(self.growth_share(), 0),
        })
        if ev.split:
            pre, post = ev.gaps[BEFORE], ev.gaps[AFTER]
            g.update({
                "m2_pre_ijt": pp(pre.loc[GROWTH, "gap"], 1, True),
                "m2_pre_ijt_ci": text(interval(pre.loc[GROWTH, "ci_low"], pre.loc[GROWTH, "ci_high"])),
                "m2_post_ijt": pp(post.loc[GROWTH, "gap"], 1, True),
                "m2_post_ijt_ci": text(interval(post.loc[GROWTH, "ci_low"], post.loc[GROWTH, "ci_high"])),
                "m2_pre_ijr": pp(pre.loc[BENCHMARK, "gap"], 1, True),
                "m2_post_ijr": pp(post.loc[BENCHMARK, "gap"], 1, True),
            })
        return g

    def flags(self) -> dict[str, bool]:
        """``m2_split`` (the record splits at the index switch), which of the four readings of the
        split holds (``m2_trails_growth_years``: the whole shortfall against IJT comes from the growth
        years; ``m2_trails_both``; ``m2_ahead_both``; ``m2_trails_momentum_years``), ``m2_mostly_growth``
        (more than half the record is the growth fund's), ``m2_momentum_years`` (the window holds
        some of XSMO's momentum years) and ``m2_neither`` (neither test shows anything either way)."""
        ev = self.evidence
        out = dict.fromkeys(("m2_split", "m2_trails_growth_years", "m2_trails_both", "m2_ahead_both",
                             "m2_trails_momentum_years", "m2_mostly_growth", "m2_neither"), False)
        out["m2_momentum_years"] = self.momentum_years() > 0
        if ev is None:
            return out
        eq_r, eq_t = self.tests()
        out["m2_neither"] = matches(eq_r) == OPEN and trails(eq_t) == OPEN
        out["m2_mostly_growth"] = self.growth_share() > 0.5
        if ev.split:
            whole = ev.gaps[LIFE].loc[GROWTH, "gap"]
            before, after = ev.gaps[BEFORE].loc[GROWTH, "gap"], ev.gaps[AFTER].loc[GROWTH, "gap"]
            out.update({"m2_split": True,
                        "m2_trails_growth_years": bool(whole < 0 and before < 0 <= after),
                        "m2_trails_both": bool(whole < 0 and after < 0),
                        "m2_ahead_both": bool(whole >= 0 and after >= 0),
                        "m2_trails_momentum_years": bool(whole >= 0 and after < 0)})
        return out
