"""M2. XSMO over its whole life. Source [B], 2026.

Claim: since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF
(IJT) over the long run.

Evidence: XSMO's annualised log-return gaps over IJT and IJR from its first close, with
Newey-West intervals, and the same split at its 2019 change of index (before it, XSMO tracked a
growth index). Units: gaps are decimals a year; tables and prose show pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import momentum as am
from ...display import Fact, iso, num, pct, pp, text
from ..base import Choice, Claim, Decision, SpecSpace, Untestable
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import BENCHMARK, FUND, GROWTH, XSMO_INDEX_SWITCH, fund_reason, xsmo_first_close
from .m1_peers import SWITCH_BASE, hac_days, show_gaps
from .regimes import interval, note

LIFE, BEFORE, AFTER = "since inception", "before the index switch", "since the index switch"
TRAILS = ("negative", "significantly negative")


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


class M2(Claim):
    id: ClassVar[str] = "M2"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "XSMO over its whole life"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "XSMO minus IJT since inception"
    unit: ClassVar[str] = "pp/yr"
    inputs_used: ClassVar[tuple[str, ...]] = ("closes",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("trails_if", "negative", {"significantly negative": "significantly negative"},
               "XSMO trails IJT when its gap over IJT is negative or significantly negative (the 95% interval "
               "lies below zero)",
               check=lambda v: None if v in TRAILS else ", ".join(TRAILS)),
    )
    rule_template: ClassVar[Rule] = Rule(
        "M2", "Since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF (IJT) "
              "over the long run (source B).",
        hypothesis=("From XSMO's first close to the end of the window, XSMO's return is indistinguishable from "
                    "IJR's (S&P SmallCap 600) and below IJT's (S&P SmallCap 600 Growth)."),
        statistic=("annualised log-return gaps of XSMO over IJT and over IJR (pp a year) with 95% Newey-West "
                   "intervals; the number reported is the gap over IJT."),
        supported="the IJR gap's interval includes zero (XSMO matches the S&P 600) and the IJT gap is {trails_if}",
        partly="exactly one of the two holds",
        not_supported="neither holds",
        untestable=("the window starts after XSMO's first close or holds less than a year of its prices "
                    "(XSMO, IJR and IJT prices over XSMO's life decide it)"),
    )

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

    def decide(self, ev: LifeEvidence) -> Decision:
        g = ev.gaps[LIFE]
        ijt, ijr = g.loc[GROWTH], g.loc[BENCHMARK]
        matches = bool(ijr["ci_low"] <= 0 <= ijr["ci_high"])
        trails = bool(ijt["gap"] < 0) if self.spec.trails_if == "negative" else bool(ijt["ci_high"] < 0)
        verdict = SUPPORTED if matches and trails else PARTLY if (matches or trails) else NOT_SUPPORTED
        parts = [f"XSMO minus IJR {pp(ijr['gap']).text()} pp a year "
                 f"(95% CI {interval(ijr['ci_low'], ijr['ci_high'])}), so it {'matches' if matches else 'does not match'} the S&P 600",
                 f"it {'trails' if trails else 'does not trail'} IJT"]
        split = ""
        if ev.split:
            pre, post = ev.gaps[BEFORE], ev.gaps[AFTER]
            split = (f" Before the {XSMO_INDEX_SWITCH.date()} switch (a growth index) the IJT gap was "
                     f"{pp(pre.loc[GROWTH, 'gap']).text()} pp a year; since (momentum) "
                     f"{pp(post.loc[GROWTH, 'gap']).text()}.")
        stat = Statistic(name=self.statistic_name, value=100 * float(ijt["gap"]), unit=self.unit,
                         ci_low=100 * float(ijt["ci_low"]), ci_high=100 * float(ijt["ci_high"]), ci_level=0.95,
                         method=hac_days(int(ijt["days"])))
        return Decision(verdict, stat, Sample(iso(ijt["from"]), iso(ijt["to"]), int(ijt["days"]), "daily"),
                        "; ".join(parts) + "." + split)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame | Any:
        """XSMO's gap over IJT and IJR (pp a year, 95% interval) over its life and on each side of
        the index switch; or why there is none."""
        return show_gaps(self.evidence.gaps) if self.testable else note(self.untestable_note)

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
        g: dict[str, Fact] = {"m_post_years": num(years if years > 0 else None, 1)}
        if not self.testable:
            return g
        ev = self.evidence
        life = ev.gaps[LIFE]
        g.update({
            "m2_from": text(iso(life.loc[GROWTH, "from"])), "m2_to": text(iso(life.loc[GROWTH, "to"])),
            "m2_ijr_gap": pp(life.loc[BENCHMARK, "gap"], 1, True),
            "m2_ijr_ci": text(interval(life.loc[BENCHMARK, "ci_low"], life.loc[BENCHMARK, "ci_high"])),
            "m2_ijt_gap": pp(life.loc[GROWTH, "gap"], 1, True),
            "m2_ijt_ci": text(interval(life.loc[GROWTH, "ci_low"], life.loc[GROWTH, "ci_high"])),
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
        (more than half the record is the growth fund's) and ``m2_momentum_years`` (the window holds
        some of XSMO's momentum years)."""
        ev = self.evidence
        out = dict.fromkeys(("m2_split", "m2_trails_growth_years", "m2_trails_both", "m2_ahead_both",
                             "m2_trails_momentum_years", "m2_mostly_growth"), False)
        out["m2_momentum_years"] = self.momentum_years() > 0
        if ev is None:
            return out
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
