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
    """

    chapter: ClassVar[str] = "valuation"
    default_start: ClassVar[str] = "1871-01-01"
    default_end: ClassVar[str] = "2026-07-14"

    cells: Loaded
    size: Loaded
    factors: Loaded
    shiller: Loaded
    prices: Prices
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
                            ("factors", "Fama-French factors"), ("shiller", "Shiller S&P composite")):
            p = getattr(self, name).provenance
            rows.append({"series": label, "file": p.location.rsplit("/", 1)[-1], "vintage": p.vintage,
                         "first": p.first, "last": p.last})
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

    def relative_valuation(self) -> pd.DataFrame:
        """Monthly small/large valuation, full history (:func:`analytics.valuation.relative_valuation_panel`)."""
        def compute():
            c = self.cells
            return va.relative_valuation_panel(c["bm"], c["bm_june"], from_percent(c["vw_monthly"]), c["firms"],
                                               c["avg_size"])
        return self.memo("relative_valuation", compute)

    def small_minus_large_log(self, kind: str = "quintiles") -> pd.Series:
        """Monthly small-minus-large log return (decimal), full history.

        ``quintiles``: ``log(1+Lo 20) - log(1+Hi 20)``, value-weighted French size quintiles;
        ``deciles``: the same with ``Lo 10`` and ``Hi 10``; ``smb``: ``log(1+SMB)``, Fama-French
        SMB (a long-short return, so an approximation of a log relative return).
        """
        if kind == "smb":
            return np.log1p(from_percent(self.factors["monthly"]["SMB"])).rename("SMB")
        r = from_percent(self.size["vw_monthly"])
        lo, hi = {"quintiles": ("Lo 20", "Hi 20"), "deciles": ("Lo 10", "Hi 10")}[kind]
        return (np.log1p(r[lo]) - np.log1p(r[hi])).rename(f"{lo} minus {hi}")

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
    """Load the chapter's data: French cells, size sorts, factors, Shiller, and the ETF prices.

    ``params`` (the chapter's own parameters) is accepted for the common signature; the
    valuation chapter has none that change what is loaded.
    """
    return ValuationInputs(cells=data.french(CELLS), size=data.french(SIZE_SORTS), factors=data.french(FACTORS),
                           shiller=data.shiller(), prices=data.prices(list(TICKERS)))
