"""V4. The May 2024 numbers. Source [D], May 2024.

Claim: the Russell 2000 rose 7.74% in the month to 16 May 2024, and QQQS 8.42%.

Evidence: one-month returns of IWM and VTWO (Russell 2000 ETFs) and QQQS to the close of
16 May 2024 under several window conventions, fixed before looking, and for every base date in
April 2024. Returns and gaps are decimals (Yahoo adjusted closes: total returns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import valuation as va
from ...display import Fact, Table, day_month, long_date, pct, percent, pp, scale, text, tidy
from ..base import Choice, Claim, Decision, SpecSpace, Untestable
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import CLAIM_D_DATE

#: [D] the Russell 2000 "rose 7.74% in the month to 16 May" 2024.
CLAIMED_RUSSELL_2000_MONTH = 0.0774
#: [D] QQQS rose 8.42% over the same month.
CLAIMED_QQQS_MONTH = 0.0842
TICKERS = ("IWM", "VTWO", "QQQS")
QUOTED = {"IWM": CLAIMED_RUSSELL_2000_MONTH, "VTWO": CLAIMED_RUSSELL_2000_MONTH, "QQQS": CLAIMED_QQQS_MONTH}
UNTESTABLE_NOTE = ("The window does not contain April to 16 May 2024; daily closes of IWM (or the Russell "
                   "2000 index) and QQQS over that month would decide it.")


@dataclass
class V4Evidence:
    """One-month returns to 16 May 2024 under several window conventions.

    Attributes
    ----------
    conventions
        One row per convention: ``base``, ``end``, ``standard``, the return of each ticker
        (decimal), the gaps of IWM and QQQS to the quoted figures and the larger gap (decimals).
    grid
        ``base``, ``ticker``, ``return`` (decimal) for every base date in April 2024.
    best
        The standard convention with the smallest larger gap.
    """

    conventions: pd.DataFrame
    grid: pd.DataFrame
    best: str
    best_gap: float


class V4(Claim):
    id: ClassVar[str] = "V4"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "The May 2024 numbers"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "larger gap to the quoted returns, best convention"
    unit: ClassVar[str] = "pp"
    claim_dates: ClassVar[tuple[str, ...]] = ("2024-05-16",)
    inputs_used: ClassVar[tuple[str, ...]] = ("prices",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("reproduced_pp", 0.10, {"0.05 pp": 0.05, "0.25 pp": 0.25},
               "a quoted figure is reproduced within this many pp",
               check=lambda v: None if v > 0 else "above 0"),
        Choice("close_pp", 1.0, {}, "a quoted figure is close within this many pp",
               check=lambda v: None if v > 0 else "above 0"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V4",
        claim="The Russell 2000 rose 7.74% and QQQS 8.42% in the month to 16 May 2024 [D]",
        hypothesis="A standard one-month window ending at the close of 16 May 2024 gives those returns for a "
                   "Russell 2000 ETF (IWM) and for QQQS.",
        statistic="the larger of the two gaps (IWM against 7.74%, QQQS against 8.42%), in pp, under the "
                  "best-matching of three standard one-month conventions (base at the last close on or before "
                  "16 April 2024; 30 calendar days back; 21 trading days back), from Yahoo adjusted closes.",
        supported="the larger gap is at most {reproduced_pp:.2f} pp (both figures reproduced)",
        partly="the larger gap is above {reproduced_pp:.2f} pp but at most {close_pp:.1f} pp",
        not_supported="the larger gap exceeds {close_pp:.1f} pp under every standard convention",
        untestable="the window (up to its as-of date) does not contain April to 16 May 2024, or IWM or QQQS "
                   "has no price there",
    )

    def compute(self) -> V4Evidence:
        w = self.window
        end = pd.Timestamp(CLAIM_D_DATE)
        if w.start > pd.Timestamp("2024-04-01") or w.end < end or w.as_of < end:
            raise Untestable(UNTESTABLE_NOTE)
        close = self.inputs.prices.close[list(TICKERS)].loc[w.start: w.end]
        span = close.loc["2024-04-01": end]
        if span.empty or span[["IWM", "QQQS"]].isna().all().any() or end not in close.index:
            raise Untestable(UNTESTABLE_NOTE)
        conv = va.one_month_conventions(close[["IWM"]].dropna(), end)
        for t in TICKERS:
            conv[t] = [close.loc[end, t] / close.loc[b, t] - 1.0 for b in conv["base"]]
        for t in ("IWM", "QQQS"):
            conv[f"gap {t}"] = conv[t] - QUOTED[t]
        conv["larger gap"] = conv[["gap IWM", "gap QQQS"]].abs().max(axis=1)
        std = conv[conv["standard"]]
        best = std["larger gap"].idxmin()
        bases = close.loc["2024-04-08": "2024-04-26"].index
        grid = pd.DataFrame([{"base": b, "ticker": t, "return": close.loc[end, t] / close.loc[b, t] - 1.0}
                             for b in bases for t in TICKERS])
        return V4Evidence(conventions=conv, grid=grid, best=best, best_gap=float(std.loc[best, "larger gap"]))

    def decide(self, ev: V4Evidence) -> Decision:
        gap = percent(ev.best_gap)
        verdict = (SUPPORTED if gap <= self.spec.reproduced_pp else PARTLY if gap <= self.spec.close_pp
                   else NOT_SUPPORTED)
        b = ev.conventions.loc[ev.best]
        cal = ev.conventions.iloc[0]
        note = (f"From the close of {b['base']:%-d %B %Y} ({ev.best}) IWM returned {percent(b['IWM']):.2f}% and QQQS "
                f"{percent(b['QQQS']):.2f}%; the calendar-month base ({cal['base']:%-d %B}) gives {percent(cal['IWM']):.2f}% "
                f"and {percent(cal['QQQS']):.2f}%.")
        return Decision(verdict, Statistic(self.statistic_name, gap, "pp", method="exact returns from adjusted closes"),
                        Sample(b["base"].date().isoformat(), b["end"].date().isoformat(), 2, "daily"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def reproduces(self, convention: str) -> bool:
        """Whether a convention reproduces both quoted figures."""
        return bool(percent(self.evidence.conventions.loc[convention, "larger gap"]) <= self.spec.reproduced_pp)

    def table(self) -> pd.DataFrame | Table:
        """Returns in percent by convention, with gaps to the quoted figures (pp), to 2 decimals."""
        if not self.testable:
            return pd.DataFrame({"note": ["the window does not contain April to 16 May 2024"]}, index=pd.Index(["V4"], name="claim"))
        t = self.evidence.conventions.copy()
        t["base"] = t["base"].dt.date.astype(str)
        t["end"] = t["end"].dt.date.astype(str)
        t["standard"] = t["standard"].astype(bool)  # a tick or a dash in the book
        t = scale(t, [*TICKERS, "gap IWM", "gap QQQS", "larger gap"])
        t = t.rename(columns={**{k: f"{k} (%)" for k in TICKERS}, "gap IWM": "gap IWM (pp)",
                              "gap QQQS": "gap QQQS (pp)", "larger gap": "larger gap (pp)"})
        cols = ["base", "end", "standard"] + [c for c in t.columns if c.endswith("(%)") or c.startswith("gap")]
        t = tidy(t[cols], 2)
        # returns are quoted to 2 decimals, and the rule's tolerance is 0.10 pp: show 2
        return Table(t, digits={c: 2 for c in cols if c.endswith("(%)") or c.endswith("(pp)")})

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.base_date_grid`."""
        quoted = {f"quoted Russell 2000 {percent(CLAIMED_RUSSELL_2000_MONTH):.2f}%": percent(CLAIMED_RUSSELL_2000_MONTH),
                  f"quoted QQQS {percent(CLAIMED_QQQS_MONTH):.2f}%": percent(CLAIMED_QQQS_MONTH)}
        return {"data": scale(self.evidence.grid, ["return"]), "quoted": quoted, "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: the finding, worded from the numbers."""
        ev = self.evidence
        wide = ev.grid.pivot(index="base", columns="ticker", values="return")
        tol = self.spec.reproduced_pp
        ok = wide[((percent(wide["IWM"]) - percent(CLAIMED_RUSSELL_2000_MONTH)).abs() <= tol)
                  & ((percent(wide["QQQS"]) - percent(CLAIMED_QQQS_MONTH)).abs() <= tol)].index
        tail = f"the calendar month gives IWM {percent(ev.conventions.iloc[0]['IWM']):.2f}%"
        if len(ok) == 0:
            return f"No base date in April reproduces both quoted figures; {tail}"
        days = " or ".join(f"{d:%-d April}" for d in ok)
        return (f"{'Only a base of ' if len(ok) == 1 else 'Bases of '}{days} "
                f"reproduce{'s' if len(ok) == 1 else ''} both quoted figures; {tail}")

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {
            "v4_quoted_r2000": pct(CLAIMED_RUSSELL_2000_MONTH, 2),
            "v4_quoted_qqqs": pct(CLAIMED_QQQS_MONTH, 2),
            "v4_end": text(long_date(CLAIM_D_DATE)),
        }
        if not self.testable:
            return g
        ev = self.evidence
        c = ev.conventions
        cal, td = c.iloc[0], c.loc["21 trading days"]
        std = c[c["standard"]]
        winners = [name for name in std.index if self.reproduces(name)]
        spread = float(ev.grid.groupby("ticker")["return"].agg(lambda x: x.max() - x.min()).max())
        g.update({
            "v4_cal_base": text(day_month(cal["base"])),
            "v4_cal_iwm": pct(cal["IWM"], 2), "v4_cal_vtwo": pct(cal["VTWO"], 2), "v4_cal_qqqs": pct(cal["QQQS"], 2),
            "v4_td_base": text(day_month(td["base"])),
            "v4_td_iwm": pct(td["IWM"], 2), "v4_td_vtwo": pct(td["VTWO"], 2), "v4_td_qqqs": pct(td["QQQS"], 2),
            "v4_cal_outcome": text("reproducing both quoted figures" if self.reproduces(c.index[0])
                                   else "not the quoted figures"),
            "v4_td_outcome": text(f"both quoted figures to within {self.spec.reproduced_pp:.2f} pp"
                                  if self.reproduces("21 trading days") else "still not the quoted figures"),
            "v4_winners": text(", ".join(winners)),
            "v4_next_base": text(day_month(c.loc["calendar month, base the next trading day", "base"])),
            "v4_shift": pp(td["IWM"] - cal["IWM"], 2, True),
            "v4_spread": pp(spread, 1),
            "v4_mtd_iwm": pct(c.iloc[-1]["IWM"], 2),
            "v4_iwm_vtwo": pp(abs(td["IWM"] - td["VTWO"]), 2),
        })
        return g

    def flags(self) -> dict[str, bool]:
        if not self.testable:
            return {}
        c = self.evidence.conventions
        std = c[c["standard"]]
        winners = [name for name in std.index if self.reproduces(name)]
        return {"v4_matched": bool(winners),
                "v4_td_explains": "21 trading days" in winners and not self.reproduces(c.index[0])}
