"""The graduation chapter's rules as registered: verbatim, as first published (commit 1d939b9,
unchanged to 7cacd59), before the referee revision amended G1, G2, G4 and G5.

Each amended claim cites its registered rule in its :class:`~smallcaps.claims.contract.Amendment`
(shown in the rule box and published in the results); the claim's code reproduces the registered
test exactly under the amendment's ``registered_spec``. G3's rule was not amended.
"""

from __future__ import annotations

from ..contract import Rule

#: The date of the referee revision's amendments (issue 13).
AMENDED = "2026-11-26"

G1 = Rule(
    claim_id="G1",
    claim="The best small caps graduate to a larger-cap index, while the lower-quality tail stays behind [E].",
    hypothesis=("S&P 600 members that move up the ladder come from the top of the index's return distribution before "
                "the move, and the index's worst performers mostly stay in it."),
    statistic=("mean percentile rank (0-100) of S&P 600 graduates' 12-month return before the move among all S&P 600 "
               "members at the last month end before the move, with a 95% stationary-bootstrap interval over events "
               "in date order; and the average share of bottom-quintile members (by 12-month return) still in the "
               "index 12 months later."),
    supported=("the interval's lower end is above 75 (graduates come from the top quartile) and at least two thirds "
               "of bottom-quintile members are still members 12 months later"),
    partly="the interval's lower end is above 50 but not both conditions hold",
    not_supported="the interval's lower end is 50 or below",
    untestable=("fewer than 10 S&P 600 graduates with prices fall in the window (pitindex's S&P 600 membership starts "
                "on 2021-03-31)"),
)

G2 = Rule(
    claim_id="G2",
    claim=("A passive small-cap index catches winners late, lets them dominate its return, then loses them as they "
           "move up [E]."),
    hypothesis=("S&P 600 graduates keep beating what the passive small-cap holder owns instead after they leave (so "
                "handing them over costs the index), and members about to graduate supply a share of the equal-weight "
                "index's return well above their weight."),
    statistic=("mean buy-and-hold excess return (BHAR: the graduate's compounded return minus the benchmark's) of S&P "
               "600 graduates from the last month end before the move to 24 months after, in pp, against the "
               "benchmark set by the `benchmark` parameter (default: the origin index's ETF, IJR), with a 95% "
               "stationary-bootstrap interval over events in date order; and the share of the equal-weight "
               "point-in-time S&P 600's summed monthly return that came from members graduating within 12 months, "
               "against their average weight."),
    supported=("the BHAR is positive with an interval excluding zero and future graduates' share of the return is at "
               "least 2 times their weight (or positive while the index's is not)"),
    partly="exactly one of the two holds",
    not_supported="neither holds",
    untestable=("fewer than 10 S&P 600 graduates have 24 months of prices after the move in the window, or the window "
                "holds no S&P 600 membership"),
)

G4 = Rule(
    claim_id="G4",
    claim="Almost 40% of Russell 2000 members are unprofitable [E].",
    hypothesis="About 40% of Russell 2000 members had negative earnings in 2026.",
    statistic="the share of Russell 2000 members with negative trailing earnings, in percent.",
    supported="the share is 35% to 45%",
    partly="it is 30% to 35% or 45% to 50%",
    not_supported="it is below 30% or above 50%",
    untestable=("no member-level earnings for the Russell 2000 are available, which is the case for every free source "
                "here; French's E/P firm counts give a market-wide share, shown only as a labelled proxy"),
)

G5 = Rule(
    claim_id="G5",
    claim="Active selection beats passive exposure in small caps because dispersion is wide [E].",
    hypothesis=("The spread of 12-month returns is wider among small caps than among large caps (the premise), and "
                "active small-cap managers turn it into returns above the index (the conclusion)."),
    statistic=("mean difference in the interquartile range of members' trailing 12-month returns, S&P 600 minus S&P "
               "500, month by month, in pp, with a 95% HAC interval (12 overlapping months)."),
    supported=("the premise holds (interval above zero) and active small-cap funds beat their index net of fees; the "
               "second part needs fund returns that the free data lack, so this verdict cannot be reached here"),
    partly="never assigned: the premise alone does not show that selection pays",
    not_supported="the premise fails: the interval lies entirely at or below zero",
    untestable=("the premise holds or is undecided (the interval is above zero or includes it): whether active "
                "selection beats passive needs active managers' net returns, e.g. S&P's SPIVA scorecards or "
                "fund-level mutual-fund returns"),
)

RULES = {"G1": G1, "G2": G2, "G4": G4, "G5": G5}
