"""The valuation chapter's inputs, loaded once and shared by V1-V5.

Every series is kept whole (its full history); each claim cuts the window it needs, so one load
serves any number of windows and specifications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import valuation as va
from ...analytics.returns import from_percent
from ...data import DataSession, Loaded, Prices
from ...display import month_name, text
from ..base import ChapterInputs

#: [D] ETF Trends, "Ballast Emerging for Small-Cap Rally" (May 2024): the date its figures refer to.
CLAIM_D_DATE = "2024-05-16"
#: [E] Qualis, "US Small Caps: The Opportunity Is No Longer Theoretical" (2 July 2026): V2's date.
CLAIM_E_DATE = "2026-07-02"

CELLS = "25_Portfolios_5x5"
SIZE_SORTS = "Portfolios_Formed_on_ME"
FACTORS = "F-F_Research_Data_Factors"
FACTORS5 = "F-F_Research_Data_5_Factors_2x3"
#: ICE BofA US High Yield option-adjusted spread (FRED), percent: V3's credit control.
HY_OAS = "BAMLH0A0HYM2"
#: The small-cap size groups the chapter uses, by NYSE size quintile (large is quintile 5):
#: quintiles 2-3 hold the Russell 2000 and the S&P 600; quintile 1 is micro-caps.
SIZE_GROUPS = {"2-3": (2, 3), "1": (1,)}
#: Size groups of the operating-profit view (quintiles 2 and 3 also one at a time).
EARNINGS_GROUPS = {"2": (2,), "3": (3,), "2-3": (2, 3)}
SIZE_GROUP_LABELS = {"2-3": "NYSE size quintiles 2-3", "1": "NYSE size quintile 1 (micro-caps)"}
TICKERS = ("IWM", "SPY", "IJR", "IVV", "VTWO", "QQQS", "RSP", "^TNX")
DECILES = ["Lo 10", "Dec 2", "Dec 3", "Dec 4", "Dec 5", "Dec 6", "Dec 7", "Dec 8", "Dec 9", "Hi 10"]


@dataclass
class ValuationInputs(ChapterInputs):
    """Everything the chapter reads, loaded once through the chapter's data session.

    Attributes
    ----------
    cells
        French's 25 size x BE/ME portfolios (BE/ME, firms, average size, returns in percent).
    size
        French's size-sorted portfolios (returns in percent, firms, average size).
    factors
        Fama-French factors (percent).
    shiller
        Shiller's S&P composite (price, earnings, CAPE, GS10 in percent).
    prices
        Adjusted closes of :data:`TICKERS` (USD; ``^TNX`` in percent).
    factors5
        Fama-French five factors, 2x3 (percent), from July 1963.
    credit
        The high-yield option-adjusted spread (FRED ``BAMLH0A0HYM2``, percent), daily from 1996.
    forward_pe
        The user's ``forward_pe_csv`` (:mod:`smallcaps.sources.forward_pe_csv`), or None.
    """

    chapter: ClassVar[str] = "valuation"
    default_start: ClassVar[str] = "1871-01-01"
    default_end: ClassVar[str] = "2026-07-14"

    cells: Loaded
    size: Loaded
    factors: Loaded
    shiller: Loaded
    prices: Prices
    factors5: Loaded
    credit: Loaded
    forward_pe: Loaded | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    def coverage(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date covered by any of the inputs (for ``Chapter.coverage_check``)."""
        firsts, lasts = [], []
        for loaded in (self.cells, self.size, self.factors, self.shiller):
            idx = loaded.frame.index
            firsts.append(idx.min().start_time)
            lasts.append(idx.max().end_time.normalize())
        close = self.prices.close
        firsts.append(close.index.min())
        lasts.append(close.index.max())
        return min(firsts), max(lasts)

    def vintage(self, *names: str) -> str:
        """``name vintage (to last)`` for the named inputs, e.g. ``vintage("cells", "prices")``."""
        parts = []
        for name in names:
            if name == "prices":
                last = self.prices.close.dropna(how="all").index.max()
                parts.append(f"Yahoo adjusted closes to {last.date()}")
                continue
            p = getattr(self, name).provenance
            label = p.dataset.split("/", 1)[1]
            vint = f" {p.vintage}" if p.vintage and not p.vintage.startswith("data through") else ""
            parts.append(f"{label}{vint} (to {p.last})")
        return "; ".join(parts)

    def last_months(self) -> pd.DataFrame:
        """Each series' file, vintage, first and last month (or day), for the reader."""
        rows = []
        for name, label in (("cells", "25 size x BE/ME portfolios"), ("size", "size-sorted portfolios"),
                            ("factors", "Fama-French factors"), ("factors5", "Fama-French five factors"),
                            ("shiller", "Shiller S&P composite"), ("credit", "high-yield OAS (%)")):
            p = getattr(self, name).provenance
            rows.append({"series": label, "file": p.location.rsplit("/", 1)[-1], "vintage": p.vintage,
                         "first": p.first, "last": p.last})
        if self.forward_pe is not None:
            p = self.forward_pe.provenance
            rows.append({"series": "forward P/E, small and large (your file)", "file": p.location,
                         "vintage": p.vintage, "first": p.first, "last": p.last})
        e = self.shiller.frame["earnings"].dropna()
        rows.append({"series": "Shiller earnings (for CAPE, P/E)", "file": "ie_data.xls", "vintage": "",
                     "first": str(e.index.min()), "last": str(e.index.max())})
        for t in TICKERS:
            s = self.prices.close[t].dropna()
            label = f"{t} (10-year yield, %)" if t == "^TNX" else f"{t} adjusted close"
            rows.append({"series": label, "file": "Yahoo", "vintage": "", "first": str(s.index.min().date()),
                         "last": str(s.index.max().date())})
        return pd.DataFrame(rows).set_index("series")

    def facts(self) -> dict[str, Any]:
        """The last month of each French file and of Shiller's series, for the prose."""
        return {
            "v0_cells_last": text(month_name(self.cells.frame.index.max())),
            "v0_size_last": text(month_name(self.size.frame.index.max())),
            "v0_factors_last": text(month_name(self.factors.frame.index.max())),
            "v0_shiller_last": text(month_name(self.shiller.frame.index.max())),
            "v0_earnings_last": text(month_name(self.shiller.frame["earnings"].last_valid_index())),
        }

    # -- derived series (computed once per inputs, whatever the window) ----------------------------

    def relative_valuation(self, size_group: str = "1") -> pd.DataFrame:
        """Monthly small/large valuation, full history (:func:`analytics.valuation.relative_valuation_panel`),
        small being ``size_group`` (a key of :data:`SIZE_GROUPS`) and large NYSE quintile 5."""
        def compute():
            c = self.cells
            return va.relative_valuation_panel(c["bm"], c["bm_june"], from_percent(c["vw_monthly"]), c["firms"],
                                               c["avg_size"], small=SIZE_GROUPS[size_group])
        return self.memo(("relative_valuation", size_group), compute)

    def operating_yield_relative(self, size_group: str = "2-3") -> pd.Series:
        """Small caps' price-to-operating-profit relative to large caps' (decimal), full history
        (:func:`analytics.valuation.operating_yield_relative`)."""
        c = self.cells
        return self.memo(("operating_yield_relative", size_group),
                         lambda: va.operating_yield_relative(c["op"], c["bm"], c["firms"], c["avg_size"],
                                                             EARNINGS_GROUPS[size_group]))

    def small_minus_large_log(self, kind: str = "quintiles") -> pd.Series:
        """Monthly small-minus-large log return (decimal), full history.

        ``quintiles``: ``log(1+Lo 20) - log(1+Hi 20)``, value-weighted French size quintiles;
        ``quintiles 2-3``: quintiles 2 and 3 as one value-weighted portfolio (weights: firms
        times average size, which French measures at the previous month's end) against
        ``Hi 20``; ``deciles``: ``Lo 10`` against ``Hi 10``; ``smb``: ``log(1+SMB)``, Fama-French
        SMB (a long-short return, so an approximation of a log relative return).
        """
        if kind == "smb":
            return np.log1p(from_percent(self.factors["monthly"]["SMB"])).rename("SMB")
        r = from_percent(self.size["vw_monthly"])
        if kind == "quintiles 2-3":
            sz = self.size
            groups = pd.Series({"Qnt 2": "small", "Qnt 3": "small"})
            small = va.size_group_average(r[["Qnt 2", "Qnt 3"]], sz["firms"][["Qnt 2", "Qnt 3"]],
                                          sz["avg_size"][["Qnt 2", "Qnt 3"]], "small", groups)
            return (np.log1p(small) - np.log1p(r["Hi 20"])).rename("Qnt 2-3 minus Hi 20")
        lo, hi = {"quintiles": ("Lo 20", "Hi 20"), "deciles": ("Lo 10", "Hi 10")}[kind]
        return (np.log1p(r[lo]) - np.log1p(r[hi])).rename(f"{lo} minus {hi}")

    def credit_weekly_change(self) -> pd.Series:
        """Weekly (Friday) change in the high-yield OAS, percentage points, full history."""
        return self.memo("credit_weekly_change",
                         lambda: va.weekly_change(self.credit.frame[HY_OAS]).rename("dhy"))

    def largest_decile_share(self) -> pd.Series:
        """The largest size decile's share of US market cap (decimal), full history."""
        sz = self.size
        return self.memo("largest_decile_share",
                         lambda: va.market_cap_share(sz["firms"], sz["avg_size"], "Hi 10", DECILES))


def in_window(frame, window):
    """The months of a monthly frame lying wholly inside the window."""
    first, last = va.full_month_range(window.start, window.end)
    return frame.loc[first:last]


def evaluation_date(claim_date, window) -> pd.Timestamp:
    """When a dated claim is judged: its own date, or the window's as-of date if that is earlier."""
    return min(pd.Timestamp(claim_date), window.as_of)


def load_inputs(data: DataSession, params: dict | None = None) -> ValuationInputs:
    """Load the chapter's data: French cells, size sorts, factors (three and five), Shiller, the
    high-yield spread, the ETF prices, and the user's ``forward_pe_csv`` if ``params`` names one.

    Parameters
    ----------
    data
        The chapter's data session.
    params
        Chapter parameters; only ``forward_pe_csv`` (a path) changes what is loaded, other keys
        are ignored (``smallcaps.claims.evaluate_many`` passes one dict to every chapter).

    Raises
    ------
    ParameterError
        A ``forward_pe_csv`` that is not a file or is malformed (one line naming the row and
        column), checked before any other data is loaded.
    """
    path = (params or {}).get("forward_pe_csv")
    user = data.user_file(path, kind="forward_pe") if path not in (None, "") else None  # cheap: checked first
    return ValuationInputs(cells=data.french(CELLS), size=data.french(SIZE_SORTS), factors=data.french(FACTORS),
                           shiller=data.shiller(), prices=data.prices(list(TICKERS)), factors5=data.french(FACTORS5),
                           credit=data.fred(HY_OAS), forward_pe=user)
