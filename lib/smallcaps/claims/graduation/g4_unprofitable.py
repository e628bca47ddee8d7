"""G4. The unprofitable share of the Russell 2000. Source [E], July 2026.

Claim: almost 40% of Russell 2000 members are unprofitable.

Evidence: none that decides it. Deciding it needs the Russell 2000's members with their
earnings; the free data have neither, so the claim is untestable with available data. As
context only, a labelled proxy: the share of all US listed firms in Kenneth French's E/P sorts
with earnings at or below zero, each month to the window's end (decimal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, iso, pct, text
from ..base import Choice, Decision, SpecSpace, Untestable
from ..contract import UNTESTABLE, Rule, Sample, Statistic
from .inputs import GraduationClaim

#: [E] "almost 40% of Russell 2000 members are unprofitable".
CLAIMED_SHARE = 0.40
#: The proxy's average is also reported over the last three decades, from this year.
PROXY_SINCE = 1995
#: The proxy is "near" the claim within this many percentage points (decimal).
NEAR = 0.05


@dataclass
class G4Evidence:
    """The market-wide proxy.

    Attributes
    ----------
    proxy
        ``month`` (month end), ``negative`` and ``all`` firm counts, ``share`` (decimal), to the
        window's end.
    """

    proxy: pd.DataFrame


class G4(GraduationClaim):
    id: ClassVar[str] = "G4"
    heading: ClassVar[str] = "The unprofitable share of the Russell 2000"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "Russell 2000 members unprofitable"
    unit: ClassVar[str] = "%"
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("supported_band", (0.35, 0.45), {"38% to 42%": (0.38, 0.42)},
               "the claim's 'almost 40%' holds for a share in this range (decimals)",
               check=lambda v: None if 0 <= v[0] < v[1] <= 1 else "two shares from 0 to 1, low first"),
        Choice("partly_band", (0.30, 0.50), {"25% to 55%": (0.25, 0.55)},
               "partly supported for a share in this wider range (decimals)",
               check=lambda v: None if 0 <= v[0] < v[1] <= 1 else "two shares from 0 to 1, low first"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G4",
        claim="Almost 40% of Russell 2000 members are unprofitable [E].",
        hypothesis="About 40% of Russell 2000 members had negative earnings in 2026.",
        statistic="the share of Russell 2000 members with negative trailing earnings, in percent.",
        supported="the share is {supported_band[0]:.0%} to {supported_band[1]:.0%}",
        partly=("it is {partly_band[0]:.0%} to {supported_band[0]:.0%} or {supported_band[1]:.0%} to "
                "{partly_band[1]:.0%}"),
        not_supported="it is below {partly_band[0]:.0%} or above {partly_band[1]:.0%}",
        untestable=("no member-level earnings for the Russell 2000 are available, which is the case for every free "
                    "source here; French's E/P firm counts give a market-wide share, shown only as a labelled proxy"),
    )

    def compute(self) -> G4Evidence:
        share = ga.unprofitable_share(self.inputs.french["firms"])
        proxy = share.loc[share["month"] <= self.window.end].reset_index(drop=True)
        if proxy.empty:
            raise Untestable("The window ends before French's E/P firm counts start; in any case Russell 2000 "
                             "constituents with their trailing earnings would decide it.")
        return G4Evidence(proxy)

    def decide(self, ev: G4Evidence) -> Decision:
        # no free source has the Russell 2000's members with their earnings: the rule's untestable case
        w = self.window
        return Decision(UNTESTABLE, Statistic(self.statistic_name, None, self.unit),
                        Sample(iso(w.start), iso(w.end), 0, "none"),
                        "Russell 2000 constituents with their trailing earnings (e.g. FTSE Russell's index "
                        "fundamentals or a Compustat-CRSP merge) would decide it; the market-wide French proxy is "
                        "context, not the answer.")

    # -- what the chapter shows --------------------------------------------------------------------

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.graduation.proxy_share` (percent)."""
        p = self.evidence.proxy
        last = p.iloc[-1]
        return {"data": p.assign(share=100 * p["share"]), "claim": 100 * CLAIMED_SHARE,
                "claim_label": "the claim's share, said of the Russell 2000",
                "series_label": "all US listed firms in French's E/P sorts",
                "title": (f"Market-wide proxy: {100 * last['share']:.0f}% of US listed firms had earnings at or below "
                          f"zero in {last['month']:%B %Y} (not the Russell 2000's share)"),
                "note": "Source: French, Portfolios_Formed_on_E-P, firm counts (<= 0 group over all groups)."}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"def_claim_share": pct(CLAIMED_SHARE, 0), "g4_claim": pct(CLAIMED_SHARE, 0)}
        if self.evidence is None:
            return g
        p = self.evidence.proxy
        last = p.iloc[-1]
        since = p.loc[p["month"] >= pd.Timestamp(PROXY_SINCE, 1, 1)]
        g.update({
            "g4_last_share": pct(last["share"], 1),
            "g4_last_month": text(f"{last['month']:%B %Y}"),
            "g4_last_neg": count(int(last["negative"])),
            "g4_last_all": count(int(last["all"])),
            "g4_mean_since_1995": pct(since["share"].mean() if len(since) else None, 1),
            "g4_max_share": pct(p["share"].max(), 1),
            "g4_max_month": text(f"{p.loc[p['share'].idxmax(), 'month']:%B %Y}"),
            "g4_since": text(str(PROXY_SINCE)),
            "g4_near": text(self.phrase_near()),
        })
        return g

    def phrase_near(self) -> str:
        """The proxy's last share against the claim's 40%: ``near`` (within 5 pp), ``well below``
        or ``well above``."""
        x = self.evidence.proxy["share"].iloc[-1]
        if abs(x - CLAIMED_SHARE) <= NEAR:
            return "near"
        return "well below" if x < CLAIMED_SHARE else "well above"
