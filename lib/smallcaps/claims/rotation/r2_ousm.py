"""R2. OUSM's year to date, and the industrials' share. Source [A], early 2026.

Claim: OUSM is up 4.6% year to date, with industrials contributing over 3.3 points.

Evidence: OUSM's year-to-date return (adjusted closes) on the reading date and the days it
stood at the claimed 4.6% (to one decimal). The industrials' contribution needs OUSM's daily
holdings, which no free dataset here has; the S&P SmallCap 600 sector ETFs are shown as a
labelled proxy for sector leadership only. Units: returns are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import year_to_date
from ...display import Fact, Text, count, iso, pct, plural, raw, text
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, UNTESTABLE, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import CLAIM_YEAR, ROUNDING_TOL_PP, SMALL_SECTORS

CLAIMED_OUSM_YTD_PCT = 4.6  # [A] OUSM is up 4.6% year to date
CLAIMED_INDUSTRIALS_PP = 3.3  # [A] industrials contributed over 3.3 points of OUSM's gain
PATH = ("OUSM", "IJR", "PSCI")

HOLDINGS = (f"the industrials' {CLAIMED_INDUSTRIALS_PP}-point contribution needs OUSM's daily holdings and "
            f"sector weights through {CLAIM_YEAR} (the fund's published holdings files), which no free dataset "
            f"here has")


@dataclass
class R2Evidence:
    """Evidence for R2 (returns in decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    path
        Daily year-to-date returns of OUSM, IJR and PSCI.
    ousm
        OUSM's year-to-date return on the reading date.
    matches
        Days on which OUSM was within the tolerance of the claimed return.
    sectors
        Year-to-date return (``year to date``) of each S&P SmallCap 600 sector ETF on the reading
        date, ranked: a proxy for sector leadership, not OUSM's industrials contribution.
    by_quarter
        Return within each quarter of the claim year of OUSM, IJR and PSCI.
    """

    reason: str
    reading_date: pd.Timestamp | None
    path: pd.DataFrame
    ousm: float | None
    matches: pd.DatetimeIndex
    sectors: pd.DataFrame
    by_quarter: pd.DataFrame


class R2(RotationClaim):
    id: ClassVar[str] = "R2"
    heading: ClassVar[str] = "OUSM's year to date, and the industrials' share"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = f"OUSM {CLAIM_YEAR} year to date"
    unit: ClassVar[str] = "%"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("tolerance_pp", ROUNDING_TOL_PP, {"0.1 pp": 0.1},
               "OUSM 'stood at' 4.6% on a day its year-to-date return was within this many pp of it "
               "(0.05: the claim's figure to one decimal)",
               check=lambda v: None if 0 <= v < 1 else "0 to 1"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R2",
        claim=f"OUSM is up {CLAIMED_OUSM_YTD_PCT}% year to date, with industrials contributing over "
              f"{CLAIMED_INDUSTRIALS_PP} points",
        hypothesis=f"OUSM's {CLAIM_YEAR} year-to-date return stood at {CLAIMED_OUSM_YTD_PCT}% on some day, and "
                   f"its industrial holdings contributed more than {CLAIMED_INDUSTRIALS_PP} pp of it.",
        statistic=f"OUSM's year-to-date return (adjusted close) on the reading date, in %, and the {CLAIM_YEAR} "
                  f"days on which it was within {{tolerance_pp}} pp of {CLAIMED_OUSM_YTD_PCT}%; the industrials' "
                  f"contribution would be the sum over days of sector weight times sector return.",
        supported=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% on some day and its holdings show an industrials "
                  f"contribution above {CLAIMED_INDUSTRIALS_PP} pp by that day",
        partly=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% but its holdings show a smaller industrials contribution",
        not_supported=f"OUSM's year-to-date return was never within {{tolerance_pp}} pp of "
                      f"{CLAIMED_OUSM_YTD_PCT}% in {CLAIM_YEAR} up to the reading date",
        untestable=f"the window lacks {CLAIM_YEAR}, or OUSM's holdings and sector weights are not available "
                   f"(sector ETFs such as PSCI show sector leadership, not OUSM's contribution)",
    )

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R2Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = ["OUSM", "IJR", *SMALL_SECTORS]
        problem = cut.year_problem(tickers, as_of)
        if problem:
            return R2Evidence(problem, None, pd.DataFrame(), None, pd.DatetimeIndex([]), pd.DataFrame(),
                              pd.DataFrame())
        reading = cut.reading_date(tickers, as_of)
        ytd = year_to_date(cut.close[tickers], reading).dropna()
        ousm = float(ytd.loc[reading, "OUSM"])
        matches = rot.dates_near(ytd["OUSM"], CLAIMED_OUSM_YTD_PCT / 100, self.spec.tolerance_pp / 100)
        sec = ytd.loc[reading, list(SMALL_SECTORS)].rename("year to date").to_frame()
        sec.insert(0, "sector", [SMALL_SECTORS[t] for t in sec.index])
        sec = sec.sort_values("year to date", ascending=False)
        sec["rank"] = range(1, len(sec) + 1)
        by_q = rot.quarter_returns(cut.close[list(PATH)], reading, CLAIM_YEAR)
        return R2Evidence("", reading, ytd[list(PATH)], ousm, matches, sec, by_q)

    def untestable(self, ev: R2Evidence) -> str | None:
        return f"Untestable here because {ev.reason}; beyond that, {HOLDINGS}." if ev.reason else None

    def decide(self, ev: R2Evidence) -> Decision:
        """The 4.6% can be checked, the industrials' contribution cannot: never at 4.6% is *not
        supported*; at 4.6% on some day, the verdict is *untestable* (with OUSM's return as the
        statistic), since only OUSM's holdings could show the industrials' share."""
        name = f"OUSM {CLAIM_YEAR} year to date on {iso(ev.reading_date)}"
        sample = Sample(iso(ev.path.index[0]), iso(ev.reading_date), len(ev.path), "daily")
        stat = Statistic(name=name, value=100 * ev.ousm, unit="%", method="realised return (adjusted closes)")
        if len(ev.matches) == 0:
            return Decision(NOT_SUPPORTED, stat, sample,
                            f"OUSM's year-to-date return was never within {self.spec.tolerance_pp} pp of "
                            f"{CLAIMED_OUSM_YTD_PCT}% in {CLAIM_YEAR} up to {iso(ev.reading_date)}.")
        days = ", ".join(d.date().isoformat() for d in ev.matches[:3]) + (" ..." if len(ev.matches) > 3 else "")
        return Decision(UNTESTABLE, stat, sample,
                        f"OUSM did stand at {CLAIMED_OUSM_YTD_PCT}% year to date on {len(ev.matches)} day(s) "
                        f"({days}), but {HOLDINGS}.")

    # -- what the chapter shows --------------------------------------------------------------------

    def sectors_table(self) -> pd.DataFrame | Text:
        """The small-cap sector ETFs' year-to-date returns (%) on the reading date, ranked."""
        if self.evidence.sectors.empty:
            return Text(NO_ROWS)
        t = self.evidence.sectors.rename(columns={"year to date": "year to date (%)"})
        t["year to date (%)"] = 100 * t["year to date (%)"]
        return t.round(1)

    def quarter_table(self) -> pd.DataFrame | Text:
        """Returns within each quarter of the claim year (%)."""
        if self.evidence.by_quarter.empty:
            return Text(NO_ROWS)
        return (100 * self.evidence.by_quarter).round(1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.ousm_path`."""
        ev = self.evidence
        n = len(ev.matches)
        days = ("never stood" if n == 0 else
                f"stood at the claimed {CLAIMED_OUSM_YTD_PCT}% on {n} day{'s' if n > 1 else ''}")
        title = (f"OUSM {days} (dots); by {ev.reading_date:%-d %b %Y} it was "
                 f"{'up' if ev.ousm >= 0 else 'down'} {abs(100 * ev.ousm):.1f}%")
        return {"data": 100 * ev.path, "claimed": CLAIMED_OUSM_YTD_PCT,
                "claimed_label": f"claimed: {CLAIMED_OUSM_YTD_PCT}%",
                "marks": [(d, 100 * ev.path.loc[d, "OUSM"]) for d in ev.matches], "title": title,
                "xlabel": f"{CLAIM_YEAR} (trading days)",
                "note": "PSCI shows small-cap industrials' own return, not their contribution to OUSM. "
                        "Source: Yahoo Finance."}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {
            "r2_claim": raw(CLAIMED_OUSM_YTD_PCT, "{:.1f}"),
            "r2_claim_ind": raw(CLAIMED_INDUSTRIALS_PP, "{:.1f}"),
            "r2_tol": raw(self.spec.tolerance_pp, "{:.2f}"),
        }
        if not self.testable:
            return g
        ev = self.evidence
        sec = ev.sectors
        top = sec.index[0]
        q_last = ev.by_quarter.index[-1]
        g.update({
            "r2_date": text(iso(ev.reading_date)),
            "r2_ousm_move": text(self.phrase_move(ev.ousm)),
            "r2_match_days": text(plural(len(ev.matches), "day")),
            "r2_matches": text(", ".join(d.date().isoformat() for d in ev.matches) or "no day"),
            "r2_psci_move": text(self.phrase_move(sec.loc["PSCI", "year to date"])),
            "r2_psci_rank": count(sec.loc["PSCI", "rank"]),
            "r2_n_sectors": count(len(sec)),
            "r2_top": text(top),
            "r2_top_sector": text(sec.loc[top, "sector"]),
            "r2_top_ytd": pct(sec.loc[top, "year to date"], 1),
            "r2_ijr": pct(ev.path.loc[ev.reading_date, "IJR"], 1),
            "r2_ousm_q_last": pct(ev.by_quarter.loc[q_last, "OUSM"], 1),
            "r2_q_last": text(q_last),
        })
        return g

    def flags(self) -> dict[str, bool]:
        return {"r2_matched": self.testable and len(self.evidence.matches) > 0}

    @staticmethod
    def phrase_move(r: float) -> str:
        """``up 9.6%`` or ``down 3.0%``: a year-to-date return (decimal) in words."""
        return f"{'up' if r >= 0 else 'down'} {abs(100 * r):.1f}%"
