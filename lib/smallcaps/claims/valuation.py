"""The valuation chapter: claims V1-V5 (the small-cap valuation discount and whether it predicts).

Inputs come from one call (:func:`load_inputs`), the rules are fixed here (:data:`RULES`)
before any evidence is computed, each ``v*_evidence`` function computes one claim's evidence
for a window, and each ``v*_verdict`` applies its rule and returns a results-contract
:class:`~smallcaps.book.results.ClaimResult`.

Units: inside this module returns, discounts and shares are **decimals**; tables and glued
prose values are in percent or percentage points (pp), as their names say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..analytics import predictive as pr
from ..analytics import regimes
from ..analytics import valuation as va
from ..analytics.returns import from_percent
from ..book.params import Window
from ..book.results import UNTESTABLE, ClaimResult, Rule, Sample, Statistic
from ..data import DataSession, Loaded, Prices
from ..errors import DataError

# ---------------------------------------------------------------------------------------------
# the claims' own numbers, typed once, with their sources (shared/theses.md)

#: [D] ETF Trends, "Ballast Emerging for Small-Cap Rally" (May 2024): the date its figures refer to.
CLAIM_D_DATE = "2024-05-16"
#: [D] small caps "trade at about a 27% discount to the S&P 500" (a forward P/E comparison, we infer).
CLAIMED_DISCOUNT = -0.27
#: [D] "against an average 3% premium since 1995".
CLAIMED_AVERAGE_PREMIUM = 0.03
#: [D] the start of the claim's averaging period.
CLAIMED_AVERAGE_SINCE = "1995-01-01"
#: [D] the Russell 2000 "rose 7.74% in the month to 16 May" 2024.
CLAIMED_RUSSELL_2000_MONTH = 0.0774
#: [D] QQQS rose 8.42% over the same month.
CLAIMED_QQQS_MONTH = 0.0842
#: [E] Qualis, "US Small Caps: The Opportunity Is No Longer Theoretical" (2 July 2026): V2's date.
CLAIM_E_DATE = "2026-07-02"

# ---------------------------------------------------------------------------------------------
# choices fixed before the evidence (the rules below quote them)

#: V1: "rarely been cheaper" means a relative price-to-book at or below this percentile of its history.
RARE_PERCENTILE = 10.0
#: V2: "extended" and "concentrated" mean at or above this percentile of their own history.
STRETCHED_PERCENTILE = 90.0
#: V2: small caps are relatively cheap if their relative price-to-book is below this percentile.
CHEAP_PERCENTILE = 50.0
#: V2: each reading needs at least this many years of history in the window.
MIN_HISTORY_YEARS = 10
#: V2: the robustness percentile uses only this many most recent years of history.
RECENT_YEARS = 30
#: V2: trailing window (years) of the equal- against cap-weight S&P 500 proxy.
CONCENTRATION_PROXY_YEARS = 3
#: V3: weeks in the "recent" sample and in the rolling windows; minimum weeks for a test.
RECENT_WEEKS = 156
MIN_WEEKS = 104
#: V3: lookback (weeks) of the rising/falling rate regime.
RATE_REGIME_WEEKS = 52
#: V4: a figure is reproduced within this many pp; "close" within the second.
REPRODUCED_PP = 0.10
CLOSE_PP = 1.0
#: V5: horizons (years), the deciding one, training months before the first out-of-sample
#: forecast (Campbell and Thompson use 20 years), minimum in-sample months and forecasts.
HORIZONS_YEARS = (1, 3, 5)
PRIMARY_HORIZON_YEARS = 3
MIN_TRAIN_MONTHS = 240
MIN_PREDICTIVE_MONTHS = 120
MIN_FORECASTS = 60

CELLS = "25_Portfolios_5x5"
SIZE_SORTS = "Portfolios_Formed_on_ME"
FACTORS = "F-F_Research_Data_Factors"
TICKERS = ("IWM", "SPY", "IJR", "IVV", "VTWO", "QQQS", "RSP", "^TNX")
PAIRS = (("IWM", "SPY"), ("IJR", "IVV"))
DECILES = ["Lo 10", "Dec 2", "Dec 3", "Dec 4", "Dec 5", "Dec 6", "Dec 7", "Dec 8", "Dec 9", "Hi 10"]

SECTIONS = {"V1": "v1", "V2": "v2", "V3": "v3", "V4": "v4", "V5": "v5"}


def _pct(p: float) -> str:
    return f"{p:g}"


RULES: dict[str, Rule] = {
    "V1": Rule(
        claim_id="V1",
        claim="Small caps trade at about a 27% discount to large caps, against an average 3% premium since 1995; "
              "they have rarely been cheaper [D]",
        hypothesis="At the claim's date the smallest size quintile's aggregate price-to-book relative to the largest "
                   "quintile's is below its average since 1995 and near the bottom of its long history.",
        statistic="the relative price-to-book discount (French 25 size x BE/ME portfolios, December prices) at the last "
                  "complete month before the claim's date (or the window's as-of date, if earlier) minus its average "
                  "since 1995 (or since the window's start, if later), in pp, with a stationary-bootstrap 95% interval for the average; and the discount's percentile "
                  "in its history within the window up to that month.",
        supported=f"the gap's 95% interval lies below zero and the percentile is at most {_pct(RARE_PERCENTILE)}",
        partly=f"the gap's 95% interval lies below zero but the percentile is above {_pct(RARE_PERCENTILE)} "
               "(cheaper than usual, but not rarely so)",
        not_supported="the gap's 95% interval includes or lies above zero",
        untestable="the window holds fewer than 12 months of the series from 1995 to the evaluation month",
    ),
    "V2": Rule(
        claim_id="V2",
        claim="Small caps are attractively valued relative to an extended, concentrated large-cap market [E]",
        hypothesis="At the claim's date large caps are expensive against their own history, the market's value is "
                   "concentrated in its largest stocks, and small caps are cheap relative to large.",
        statistic=f"three conditions at the last month with data before the claim's date (or the as-of date): "
                  f"Shiller's CAPE at or above its {_pct(STRETCHED_PERCENTILE)}th percentile within the window "
                  f"(the deciding number shown); the largest size decile's share of US market cap (French size "
                  f"deciles) at or above its {_pct(STRETCHED_PERCENTILE)}th percentile; the small/large relative "
                  f"price-to-book below its {_pct(CHEAP_PERCENTILE)}th percentile. Equal- against cap-weight "
                  f"S&P 500 (RSP minus SPY) is shown as a labelled proxy only.",
        supported="all three conditions hold",
        partly="two of the three hold",
        not_supported="one or none holds",
        untestable=f"the window holds fewer than {MIN_HISTORY_YEARS} years of CAPE, size-decile or relative "
                   f"price-to-book history up to the evaluation date",
    ),
    "V3": Rule(
        claim_id="V3",
        claim="Small caps are sensitive to bond yields: falling 10-year yields help them [D]",
        hypothesis="Weekly small-minus-large returns fall when the 10-year Treasury yield rises (a negative slope).",
        statistic="the slope of weekly IWM minus SPY returns on weekly changes in the 10-year yield (^TNX), "
                  "in pp of relative return per 1 pp rise in the yield, with a Newey-West 95% interval, over the "
                  "window's weekly data; IJR minus IVV as a second pair.",
        supported="the full-sample interval lies below zero and the IJR minus IVV slope is also negative",
        partly=f"the full-sample interval lies below zero but the IJR minus IVV slope is not negative, or the "
               f"full-sample interval does not lie below zero but the interval over the most recent {RECENT_WEEKS} "
               f"weeks does (a sensitivity of the recent regime, not a stable property)",
        not_supported="neither the full-sample nor the recent interval lies below zero",
        untestable=f"the window holds fewer than {MIN_WEEKS} weeks of IWM, SPY and ^TNX (the ETFs start in 2000)",
    ),
    "V4": Rule(
        claim_id="V4",
        claim="The Russell 2000 rose 7.74% and QQQS 8.42% in the month to 16 May 2024 [D]",
        hypothesis="A standard one-month window ending at the close of 16 May 2024 gives those returns for a "
                   "Russell 2000 ETF (IWM) and for QQQS.",
        statistic="the larger of the two gaps (IWM against 7.74%, QQQS against 8.42%), in pp, under the "
                  "best-matching of three standard one-month conventions (base at the last close on or before "
                  "16 April 2024; 30 calendar days back; 21 trading days back), from Yahoo adjusted closes.",
        supported=f"the larger gap is at most {REPRODUCED_PP:.2f} pp (both figures reproduced)",
        partly=f"the larger gap is above {REPRODUCED_PP:.2f} pp but at most {CLOSE_PP:.1f} pp",
        not_supported=f"the larger gap exceeds {CLOSE_PP:.1f} pp under every standard convention",
        untestable="the window (up to its as-of date) does not contain April to 16 May 2024, or IWM or QQQS "
                   "has no price there",
    ),
    "V5": Rule(
        claim_id="V5",
        claim="Implied: a wide small-cap discount predicts small caps beating large caps afterwards [D, E]",
        hypothesis="A wider log valuation spread (small's BE/ME over large's) is followed by higher small-minus-large "
                   "returns, in sample and out of sample.",
        statistic=f"the slope of the subsequent {PRIMARY_HORIZON_YEARS}-year annualised log return of the smallest "
                  f"minus the largest size quintile (French Portfolios_Formed_on_ME, value-weighted) on the log "
                  f"spread, in pp per year per one-standard-deviation wider spread, with a Newey-West 95% interval "
                  f"(lags at least the overlap); and the expanding-window out-of-sample R-squared at the same horizon "
                  f"(first forecast after {MIN_TRAIN_MONTHS} realised months), all inside the window.",
        supported="the slope's interval lies above zero and the out-of-sample R-squared is positive",
        partly="the slope is positive and exactly one of the two holds (interval above zero; out-of-sample "
               "R-squared positive)",
        not_supported="the slope is not positive, or neither holds",
        untestable=f"the window gives fewer than {MIN_PREDICTIVE_MONTHS} months with a complete "
                   f"{PRIMARY_HORIZON_YEARS}-year forward return, or fewer than {MIN_FORECASTS} out-of-sample forecasts",
    ),
}


# ---------------------------------------------------------------------------------------------
# inputs


@dataclass
class ValuationInputs:
    """Everything the chapter reads, loaded once through the chapter's data session."""

    cells: Loaded
    size: Loaded
    factors: Loaded
    shiller: Loaded
    prices: Prices

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
        shl = self.shiller.frame
        e = shl["earnings"].dropna()
        rows.append({"series": "Shiller earnings (for CAPE, P/E)", "file": "ie_data.xls", "vintage": "",
                     "first": str(e.index.min()), "last": str(e.index.max())})
        for t in TICKERS:
            s = self.prices.close[t].dropna()
            label = f"{t} (10-year yield, %)" if t == "^TNX" else f"{t} adjusted close"
            rows.append({"series": label, "file": "Yahoo", "vintage": "", "first": str(s.index.min().date()),
                         "last": str(s.index.max().date())})
        return pd.DataFrame(rows).set_index("series")

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        """Last months of the French files and Shiller's series, for the prose."""
        g = {}
        for name in ("cells", "size", "factors", "shiller"):
            g[f"v0_{name}_last"] = (_month_name(getattr(self, name).frame.index.max()), "{}")
        g["v0_earnings_last"] = (_month_name(self.shiller.frame["earnings"].last_valid_index()), "{}")
        return g


def load_inputs(data: DataSession) -> ValuationInputs:
    """Load the chapter's data: French cells, size sorts, factors, Shiller, and the ETF prices."""
    return ValuationInputs(cells=data.french(CELLS), size=data.french(SIZE_SORTS), factors=data.french(FACTORS),
                           shiller=data.shiller(), prices=data.prices(list(TICKERS)))


# ---------------------------------------------------------------------------------------------
# window helpers


def full_month_range(start, end) -> tuple[pd.Period, pd.Period]:
    """The first and last calendar months lying wholly inside ``start..end``."""
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    first = pd.Period(s, freq="M")
    if s != first.start_time:
        first += 1
    last = pd.Period(e, freq="M")
    if e.normalize() != last.end_time.normalize():
        last -= 1
    return first, last


def last_complete_month(date) -> pd.Period:
    """The last calendar month that ended on or before ``date``."""
    return full_month_range("1800-01-01", date)[1]


def evaluation_date(claim_date, window: Window) -> pd.Timestamp:
    """When a dated claim is judged: its own date, or the window's as-of date if that is earlier."""
    return min(pd.Timestamp(claim_date), window.as_of)


def _in_window(frame, window: Window):
    first, last = full_month_range(window.start, window.end)
    return frame.loc[first:last]


def ordinal(x: float) -> str:
    """``17`` -> ``17th``, ``1`` -> ``1st``, ``22.4`` -> ``22nd`` (rounded to a whole number)."""
    n = int(round(float(x)))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _month_name(p) -> str:
    if p is None or (not isinstance(p, pd.Period) and pd.isna(p)):
        return "n/a"
    return pd.Period(p, freq="M").strftime("%b %Y")


def _iso(p) -> str | None:
    if p is None:
        return None
    if isinstance(p, pd.Period):
        return p.start_time.date().isoformat()
    return pd.Timestamp(p).date().isoformat()


def _iso_end(p) -> str | None:
    if p is None:
        return None
    if isinstance(p, pd.Period):
        return p.end_time.date().isoformat()
    return pd.Timestamp(p).date().isoformat()


def ch_format(value, fmt: str) -> str:
    """A value formatted as :meth:`Chapter.glue <smallcaps.book.chapter.Chapter.glue>` would glue it."""
    from ..book.chapter import format_value

    return format_value(value, fmt)


def glue_all(ch, values: dict[str, tuple[Any, str]]) -> None:
    """Glue every ``key: (value, format)`` of an evidence object's :meth:`glue_values`."""
    for key, (value, fmt) in values.items():
        ch.glue(key, value, fmt)


def _untestable(rule_id: str, claim: str, stat_name: str, unit: str, vintage: str, note: str) -> ClaimResult:
    return ClaimResult(id=rule_id, claim=claim, rule=RULES[rule_id].text(), verdict=UNTESTABLE,
                       statistic=Statistic(stat_name, None, unit), sample=Sample(None, None, 0, "none"),
                       data_vintage=vintage, section=SECTIONS[rule_id], note=note)


# ---------------------------------------------------------------------------------------------
# V1: how cheap are small caps?

V1_MEASURES = {
    "discount": "P/B, December prices (French BE/ME)",
    "discount_june": "P/B, June prices (French BE/ME, June)",
    "discount_updated": "P/B rolled forward to each month's prices (approximate)",
}


def relative_valuation_series(inputs: ValuationInputs) -> pd.DataFrame:
    """Monthly small/large valuation from the 25 cells (full history, no window).

    Columns: ``bm_small``, ``bm_large``, ``pb_ratio``, ``discount``, ``log_spread`` (French BE/ME with
    December prices), ``discount_june`` (BE/ME with June prices), ``pb_ratio_updated`` and
    ``discount_updated`` (rolled forward with the quintiles' value-weighted returns), and
    ``log_spread_updated``. Discounts are decimals.
    """
    c = inputs.cells
    rv = va.relative_valuation(c["bm"], c["firms"], c["avg_size"])
    june = va.relative_valuation(c["bm_june"], c["firms"], c["avg_size"])
    rv["discount_june"] = june["discount"]
    rets = from_percent(c["vw_monthly"])
    small = va.size_group_average(rets, c["firms"], c["avg_size"], 1)
    large = va.size_group_average(rets, c["firms"], c["avg_size"], 5)
    rv["pb_ratio_updated"] = va.price_updated(rv["pb_ratio"], small, large)
    rv["discount_updated"] = rv["pb_ratio_updated"] - 1.0
    rv["log_spread_updated"] = -np.log(rv["pb_ratio_updated"])
    return rv


@dataclass
class V1Evidence:
    """Relative valuation of small against large, and how it compares with the claim."""

    series: pd.DataFrame
    eval_date: pd.Timestamp
    eval_month: pd.Period | None
    since: pd.Period
    rows: dict[str, dict[str, Any]]
    op_range: tuple[float, float, int] | None
    vintage: str
    testable: bool

    @property
    def main(self) -> dict[str, Any]:
        return self.rows["discount"]

    def table(self) -> pd.DataFrame:
        """Each measure at the evaluation month, its average since 1995 and its percentiles (percent)."""
        def pct(x):
            return None if x is None else _r(100 * x)

        out = []
        at = f"at {_month_name(self.main['month'])}"
        for key, r in self.rows.items():
            avg = r["average"]
            out.append({
                "measure": V1_MEASURES[key],
                at: pct(r["value"]),
                f"average since {self.since.year}": pct(avg.value) if avg else None,
                "95% CI": _ci_text(100 * avg.ci_low, 100 * avg.ci_high, 1) if avg else "n/a",
                "percentile, whole window": _r(r["percentile"]),
                f"percentile since {self.since.year}": _r(r["percentile_since"]),
                "latest": pct(r["latest"]),
                "latest month": _month_name(r["latest_month"]),
            })
        return pd.DataFrame(out).set_index("measure")

    def beside_claim(self) -> pd.DataFrame:
        """The claim's numbers beside this book's, including each level relative to its own average."""
        m = self.main
        rows = [{"source": "claim [D]: forward P/E (inferred)", "discount now (%)": 100 * CLAIMED_DISCOUNT,
                 "average since 1995 (%)": 100 * CLAIMED_AVERAGE_PREMIUM,
                 "now against own average (%)": 100 * ((1 + CLAIMED_DISCOUNT) / (1 + CLAIMED_AVERAGE_PREMIUM) - 1)}]
        if m["average"] is not None and m["value"] is not None:
            rows.append({"source": f"this book: price-to-book, {_month_name(m['month'])}",
                         "discount now (%)": 100 * m["value"], "average since 1995 (%)": 100 * m["average"].value,
                         "now against own average (%)": 100 * ((1 + m["value"]) / (1 + m["average"].value) - 1)})
        return _tidy(pd.DataFrame(rows).set_index("source"), 1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.discount_history`."""
        frame = self.series[["discount", "discount_updated"]].rename(columns={
            "discount": "price-to-book, French (December prices)",
            "discount_updated": "rolled forward to each month's prices (approx.)"})
        frame = (100 * frame).reset_index().melt(id_vars="month", var_name="measure", value_name="discount")
        frame["month"] = frame["month"].dt.to_timestamp()
        m = self.main
        marks = {f"claim [D]: {100 * CLAIMED_DISCOUNT:.0f}% (forward P/E)": 100 * CLAIMED_DISCOUNT,
                 f"claim [D]: average {100 * CLAIMED_AVERAGE_PREMIUM:+.0f}% since 1995": 100 * CLAIMED_AVERAGE_PREMIUM}
        avg = m["average"].value * 100 if m["average"] else None
        return {"data": frame, "claimed": marks, "own_average": avg, "since": self.since.start_time,
                "claim_date": (pd.Timestamp(CLAIM_D_DATE) if self.eval_month is not None
                               and self.eval_date == pd.Timestamp(CLAIM_D_DATE) else None),
                "title": self.headline()}

    def headline(self) -> str:
        m = self.main
        if not self.testable:
            return "No relative valuation reading in this window"
        level = (f"{_month_name(m['month'])}: small caps' P/B {abs(100 * m['value']):.0f}% "
                 f"{'below' if m['value'] < 0 else 'above'} large caps'")
        first = self.series.index.min().year
        if m["percentile"] <= RARE_PERCENTILE:
            return f"{level}, cheaper than in all but {m['percentile']:.0f}% of months since {first}"
        rel = "under" if m["average"] and m["value"] < m["average"].value else "over"
        return (f"{level}, {rel} the post-1995 average, yet {m['percentile']:.0f}% of months since {first} "
                f"were as cheap or cheaper")

    def _phrases(self) -> dict[str, tuple[Any, str]]:
        """Sentences whose wording depends on the numbers (so re-runs never contradict them)."""
        m = self.main
        avg = m["average"]
        if not self.testable:
            return {"v1_finding": ("The window does not reach the claim's period, so there is no reading.", "{}"),
                    "v1_robust": ("", "{}"), "v1_book_vs_own_phrase": ("n/a", "{}"),
                    "v1_claim_vs_own_phrase": (_relative_phrase(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM), "{}")}
        below = avg.ci_low > m["value"]
        rare = m["percentile"] <= RARE_PERCENTILE
        first = _month_name(self.series.index.min())
        finding = ("By price-to-book, then, small caps were " +
                   ("clearly cheaper than their post-1995 norm, as the claim says" if below else
                    "not clearly cheaper than their post-1995 norm, against the claim") + "; " +
                   (f"and rarely this cheap: only {m['percentile']:.0f}% of months since {first} were as cheap or cheaper."
                    if rare else
                    f"but not rarely this cheap: {m['percentile']:.0f}% of months since {first} were as cheap or cheaper."))
        n_below = sum(1 for r in self.rows.values() if r["average"] is not None and r["value"] is not None
                      and r["value"] < r["average"].value)
        n_rare = sum(1 for r in self.rows.values() if r["percentile"] is not None and r["percentile"] <= RARE_PERCENTILE)
        k = len(self.rows)
        robust = (("Every version is" if n_below == k else f"{n_below} of {k} versions are") +
                  " below its post-1995 average; " +
                  ("none is" if n_rare == 0 else "every one is" if n_rare == k else f"{n_rare} of {k} are") +
                  f" in the bottom {RARE_PERCENTILE:.0f}% of its history in the window.")
        return {"v1_finding": (finding, "{}"), "v1_robust": (robust, "{}"),
                "v1_book_vs_own_phrase": (_relative_phrase(m["value"], avg.value), "{}"),
                "v1_claim_vs_own_phrase": (_relative_phrase(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM), "{}")}

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        m = self.main
        u = self.rows["discount_updated"]
        j = self.rows["discount_june"]
        avg = m["average"]
        g: dict[str, tuple[Any, str]] = {
            "v1_claimed_discount": (-100 * CLAIMED_DISCOUNT, "{:.0f}"),
            "v1_claimed_premium": (100 * CLAIMED_AVERAGE_PREMIUM, "{:.0f}"),
            "v1_claim_date": (pd.Timestamp(CLAIM_D_DATE).strftime("%-d %B %Y"), "{}"),
            "v1_eval_month": (_month_name(m["month"]), "{}"),
            "v1_eval_phrase": (("the last complete month before the claim's date of "
                                f"{pd.Timestamp(CLAIM_D_DATE).strftime('%-d %B %Y')}")
                               if self.eval_date == pd.Timestamp(CLAIM_D_DATE) else
                               ("the window's last complete month (the claim's date, "
                                f"{pd.Timestamp(CLAIM_D_DATE).strftime('%-d %B %Y')}, lies beyond the window)"), "{}"),
            "v1_first_month": (_month_name(self.series.index.min()) if len(self.series) else None, "{}"),
            "v1_discount": (None if m["value"] is None else -100 * m["value"], "{:.0f}"),
            "v1_average": (None if avg is None else -100 * avg.value, "{:.0f}"),
            "v1_average_signed": (None if avg is None else 100 * avg.value, "{:+.0f}"),
            "v1_discount_signed": (None if m["value"] is None else 100 * m["value"], "{:+.0f}"),
            "v1_average_lo": (None if avg is None else -100 * avg.ci_high, "{:.0f}"),
            "v1_average_hi": (None if avg is None else -100 * avg.ci_low, "{:.0f}"),
            "v1_percentile": (m["percentile"], "{:.0f}"),
            "v1_percentile_since": (m["percentile_since"], "{:.0f}"),
            "v1_latest": (None if m["latest"] is None else -100 * m["latest"], "{:.0f}"),
            "v1_latest_month": (_month_name(m["latest_month"]), "{}"),
            "v1_latest_percentile": (m["latest_percentile"], "{:.0f}"),
            "v1_updated": (None if u["value"] is None else -100 * u["value"], "{:.0f}"),
            "v1_updated_percentile": (u["percentile"], "{:.0f}"),
            "v1_june": (None if j["value"] is None else -100 * j["value"], "{:.0f}"),
            "v1_june_percentile": (j["percentile"], "{:.0f}"),
            "v1_min_discount": (-100 * self.series["discount"].min() if len(self.series) else None, "{:.0f}"),
            "v1_min_month": (_month_name(self.series["discount"].idxmin()) if len(self.series) else None, "{}"),
        }
        if avg is not None and m["value"] is not None:
            g["v1_claim_vs_own"] = (-100 * ((1 + CLAIMED_DISCOUNT) / (1 + CLAIMED_AVERAGE_PREMIUM) - 1), "{:.0f}")
            g["v1_book_vs_own"] = (-100 * ((1 + m["value"]) / (1 + avg.value) - 1), "{:.0f}")
        else:
            g["v1_claim_vs_own"] = (None, "{:.0f}")
            g["v1_book_vs_own"] = (None, "{:.0f}")
        g.update(self._phrases())
        lo, hi, n = self.op_range if self.op_range else (None, None, None)
        g["v1_op_low"] = (lo, "{:.1f}")
        g["v1_op_high"] = (hi, "{:.1f}")
        g["v1_op_negative"] = (n, "{:.0f}")
        return g


def _relative_phrase(value: float | None, average: float | None) -> str:
    """``"43% below"`` / ``"5% above"``: a level against its own average (both as discounts, decimals)."""
    if value is None or average is None:
        return "n/a"
    rel = (1 + value) / (1 + average) - 1
    return f"{abs(100 * rel):.0f}% {'below' if rel < 0 else 'above'}"


def _tidy(frame: pd.DataFrame, digits: int = 2) -> pd.DataFrame:
    """Round the numeric columns and turn ``-0.0`` into ``0.0`` (so tables never print -0.00)."""
    out = frame.copy()
    num = out.select_dtypes("float").columns
    out[num] = out[num].round(digits) + 0.0
    return out


def _ci_text(lo, hi, digits: int = 2) -> str:
    """``"2.11 to 8.64"``: an interval as one table cell."""
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return "n/a"
    return f"{lo + 0.0:.{digits}f} to {hi + 0.0:.{digits}f}"


def _with_ci(frame: pd.DataFrame, digits: int = 2, name: str = "95% CI") -> pd.DataFrame:
    """Replace ``ci_low``/``ci_high`` columns by one ``95% CI`` text column (narrower tables)."""
    out = frame.copy()
    pos = list(out.columns).index("ci_low")
    ci = [_ci_text(a, b, digits) for a, b in zip(out["ci_low"], out["ci_high"], strict=True)]
    out = out.drop(columns=["ci_low", "ci_high"])
    out.insert(pos, name, ci)
    return out


def _r(x, digits: int = 1):
    return None if x is None or (isinstance(x, float) and not np.isfinite(x)) else round(float(x), digits)


def v1_evidence(inputs: ValuationInputs, window: Window) -> V1Evidence:
    """Relative price-to-book of the smallest against the largest size quintile, in the window.

    The evaluation month is the last complete month before the claim's date (or the window's
    as-of date, if earlier); the average runs from January 1995 (or the window's start) to it;
    percentiles use the window's history up to it.
    """
    series = _in_window(relative_valuation_series(inputs), window).dropna(subset=["discount"])
    eval_date = evaluation_date(CLAIM_D_DATE, window)
    eval_month = last_complete_month(eval_date)
    since = max(pd.Period(CLAIMED_AVERAGE_SINCE, freq="M"), series.index.min() if len(series) else eval_month)
    rows = {}
    testable = True
    for key in V1_MEASURES:
        s = series[key].dropna()
        value, month = va.value_at(s, eval_month.end_time) if len(s) else (None, None)
        hist_since = s.loc[since:month] if month is not None else s.iloc[0:0]
        # the series is persistent (BE/ME is reset once a year): a stationary bootstrap with a data-chosen
        # block length gives the average's interval
        avg = stats.bootstrap_ci(hist_since) if len(hist_since) >= 12 else None
        pct = va.history_percentile(s, month.end_time)[0] if month is not None else None
        pct_since = va.history_percentile(hist_since, month.end_time)[0] if len(hist_since) else None
        latest, latest_month = va.value_at(s, min(window.end, window.as_of)) if len(s) else (None, None)
        latest_pct = va.history_percentile(s, latest_month.end_time)[0] if latest_month is not None else None
        rows[key] = {"value": value, "month": month, "average": avg, "percentile": pct, "percentile_since": pct_since,
                     "latest": latest, "latest_month": latest_month, "latest_percentile": latest_pct,
                     "n_since": len(hist_since)}
        if key == "discount":
            testable = avg is not None and value is not None
    op = _in_window(inputs.cells["op"], window)["SMALL LoBM"].dropna()
    op_range = (float(op.min()), float(op.max()), int((op < 0).sum())) if len(op) else None
    return V1Evidence(series=series, eval_date=eval_date, eval_month=eval_month if testable else None, since=since,
                      rows=rows, op_range=op_range, vintage=inputs.vintage("cells"), testable=testable)


def v1_verdict(ev: V1Evidence) -> ClaimResult:
    """Apply :data:`RULES["V1"] <RULES>` to :func:`v1_evidence`."""
    rule = RULES["V1"]
    name = "P/B gap to its 1995+ average"
    if not ev.testable:
        return _untestable("V1", rule.claim, name, "pp", ev.vintage,
                           "The window has too little of the relative valuation series between 1995 and the claim's "
                           "date; a window covering 1995 to May 2024 (or a small-cap forward P/E history) would decide it.")
    m = ev.main
    avg = m["average"]
    gap = 100 * (m["value"] - avg.value)
    lo, hi = 100 * (m["value"] - avg.ci_high), 100 * (m["value"] - avg.ci_low)
    if hi < 0 and m["percentile"] <= RARE_PERCENTILE:
        verdict = "supported"
    elif hi < 0:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    note = (f"In {_month_name(m['month'])} small caps' price-to-book stood {abs(100 * m['value']):.0f}% "
            f"{'below' if m['value'] < 0 else 'above'} large caps', against an average "
            f"{'discount' if avg.value < 0 else 'premium'} of {abs(100 * avg.value):.0f}% since "
            f"{_month_name(ev.since)}; {m['percentile']:.0f}% of months since {_month_name(ev.series.index.min())} "
            f"were as cheap or cheaper (the claim's forward P/E levels are not in the data).")
    if ev.eval_date != pd.Timestamp(CLAIM_D_DATE):
        note = f"Read at the window's end, since the claim's date (May 2024) lies beyond it. {note}"
    s = ev.series["discount"].dropna().loc[: m["month"]]
    return ClaimResult(
        id="V1", claim=rule.claim, rule=rule.text(), verdict=verdict,
        statistic=Statistic(f"{name}, {_month_name(m['month'])}", gap, "pp", lo, hi, avg.level, avg.method),
        sample=Sample(_iso(s.index.min()), _iso_end(s.index.max()), len(s), "monthly"),
        data_vintage=ev.vintage, section=SECTIONS["V1"], note=note)


# ---------------------------------------------------------------------------------------------
# V2: large caps stretched

SHARE_ROW = "largest decile's share"
CHEAP_ROW = "small/large price-to-book"


@dataclass
class V2Evidence:
    """CAPE, concentration and relative cheapness at the claim's date."""

    eval_date: pd.Timestamp
    cape: pd.Series
    pe: pd.Series
    share: pd.Series
    relative_pb: pd.Series
    rsp_spy: pd.Series
    readings: pd.DataFrame
    proxy_return: float | None
    proxy_start: pd.Timestamp | None
    proxy_end: pd.Timestamp | None
    vintage: str

    @property
    def testable(self) -> bool:
        r = self.readings
        if r["value"].isna().any() or r["month"].isna().any():
            return False
        return bool((r["history months"] >= 12 * MIN_HISTORY_YEARS).all())

    def conditions(self) -> dict[str, bool]:
        r = self.readings
        return {"extended": bool(r.loc["CAPE", "percentile"] >= STRETCHED_PERCENTILE),
                "concentrated": bool(r.loc[SHARE_ROW, "percentile"] >= STRETCHED_PERCENTILE),
                "small cheap": bool(r.loc[CHEAP_ROW, "percentile"] < CHEAP_PERCENTILE)}

    def table(self) -> pd.DataFrame:
        """Each reading with its month, value and percentile in the window's history."""
        t = self.readings.copy()
        t["value"] = t["value"].round(2)
        recent = f"percentile, last {RECENT_YEARS} years"
        t["percentile"] = t["percentile"].round(1)
        t[recent] = t[recent].round(1)
        t["history from"] = t["history from"].map(_month_name)
        t["month"] = t["month"].map(_month_name)
        return t[["month", "value", "units", "percentile", "history from", recent]]

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.stretch_panels` (testable windows only)."""
        cape = self.cape.copy()
        cape.index = cape.index.to_timestamp()
        share = 100 * self.share
        share.index = share.index.to_timestamp()
        r = self.readings
        return {"cape": cape, "share": share, "rsp_spy": self.rsp_spy,
                "cape_threshold": float(np.nanpercentile(self.cape.loc[: r.loc["CAPE", "month"]], STRETCHED_PERCENTILE)),
                "share_threshold": float(100 * np.nanpercentile(
                    self.share.loc[: r.loc["largest decile's share", "month"]], STRETCHED_PERCENTILE)),
                "title": self.headline()}

    def headline(self) -> str:
        r = self.readings
        if not self.testable:
            return "Large-cap valuation and concentration in this window"
        c = r.loc["CAPE"]
        s = r.loc["largest decile's share"]
        return (f"CAPE of {c['value']:.0f} in {_month_name(c['month'])} sat at the {ordinal(c['percentile'])} percentile "
                f"since {c['history from'].year}; the largest size decile held {100 * s['value']:.0f}% of market cap "
                f"({ordinal(s['percentile'])} percentile)")

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        r = self.readings
        g: dict[str, tuple[Any, str]] = {"v2_claim_date": (pd.Timestamp(CLAIM_E_DATE).strftime("%-d %B %Y"), "{}")}
        for key, row in (("cape", "CAPE"), ("pe", "trailing P/E"), ("share", "largest decile's share"),
                         ("cheap", "small/large price-to-book")):
            val = r.loc[row, "value"]
            if key == "share" and pd.notna(val):
                val = 100 * val
            if key == "cheap" and pd.notna(val):
                val = 100 * (val - 1)
            g[f"v2_{key}"] = (val, "{:.1f}" if key != "cheap" else "{:.0f}")
            g[f"v2_{key}_pct"] = (r.loc[row, "percentile"], "{:.0f}")
            g[f"v2_{key}_month"] = (_month_name(r.loc[row, "month"]), "{}")
            g[f"v2_{key}_from"] = (_month_name(r.loc[row, "history from"]), "{}")
            g[f"v2_{key}_pct_recent"] = (r.loc[row, f"percentile, last {RECENT_YEARS} years"], "{:.0f}")
        g["v2_pct_threshold"] = (STRETCHED_PERCENTILE, "{:.0f}")
        g["v2_recent_years"] = (RECENT_YEARS, "{:d}")
        g["v2_cheap_threshold"] = (CHEAP_PERCENTILE, "{:.0f}")
        g["v2_proxy_years"] = (CONCENTRATION_PROXY_YEARS, "{:d}")
        cheap = r.loc[CHEAP_ROW, "percentile"]
        g["v2_cheap_phrase"] = ("n/a" if pd.isna(cheap) else
                                "below" if cheap < CHEAP_PERCENTILE else "not below", "{}")
        if self.proxy_return is None:
            g["v2_proxy_sentence"] = ("The window holds no RSP and SPY prices for the proxy.", "{}")
        else:
            p = 100 * self.proxy_return
            g["v2_proxy_sentence"] = (
                f"Over the {CONCENTRATION_PROXY_YEARS} years to {self.proxy_end} the equal-weight fund (RSP) returned "
                f"{abs(p):.1f} percentage points {'less' if p < 0 else 'more'} than the cap-weight one (SPY): "
                + ("the largest names led, which fits a more concentrated market." if p < 0 else
                   "the average stock kept up with the largest, which does not point to rising concentration."), "{}")
        g["v2_proxy"] = (None if self.proxy_return is None else 100 * self.proxy_return, "{:.1f}")
        g["v2_proxy_end"] = (self.proxy_end, "{}")
        g["v2_rsp_start"] = (None if self.rsp_spy.empty else self.rsp_spy.index.min(), "{}")
        return g


def v2_evidence(inputs: ValuationInputs, window: Window) -> V2Evidence:
    """CAPE and trailing P/E (Shiller), the largest size decile's share of market cap (French),
    the small/large relative price-to-book, and RSP against SPY (proxy), at the claim's date."""
    eval_date = evaluation_date(CLAIM_E_DATE, window)
    eval_month = last_complete_month(eval_date)
    shl = _in_window(inputs.shiller.frame, window)
    cape = shl["cape"].dropna()
    pe = (shl["price"] / shl["earnings"]).dropna().rename("trailing P/E")
    sz = inputs.size
    share = _in_window(va.market_cap_share(sz["firms"], sz["avg_size"], "Hi 10", DECILES), window).dropna()
    rel = _in_window(relative_valuation_series(inputs)["pb_ratio"], window).dropna()
    rows = {}
    for label, s, units in (("CAPE", cape, "ratio"), ("trailing P/E", pe, "ratio"),
                            ("largest decile's share", share, "share of cap"),
                            ("small/large price-to-book", rel, "ratio")):
        value, month = va.value_at(s, eval_month.end_time) if len(s) else (None, None)
        pct = va.history_percentile(s, month.end_time)[0] if month is not None else np.nan
        recent = s.loc[month - (12 * RECENT_YEARS - 1):] if month is not None else s.iloc[0:0]
        pct_recent = va.history_percentile(recent, month.end_time)[0] if len(recent) else np.nan
        rows[label] = {"month": month, "value": np.nan if value is None else value, "units": units, "percentile": pct,
                       "history from": s.index.min() if len(s) else None,
                       "history months": len(s.loc[:month]) if month is not None else 0,
                       f"percentile, last {RECENT_YEARS} years": pct_recent}
    readings = pd.DataFrame.from_dict(rows, orient="index")
    close = inputs.prices.close[["RSP", "SPY"]].loc[window.start: min(window.end, eval_date)].dropna()
    if len(close) > 1:
        rsp_spy = (close["RSP"] / close["SPY"])
        rsp_spy = (rsp_spy / rsp_spy.iloc[0] - 1.0).rename("RSP relative to SPY")
        end = close.index.max()
        base = close.loc[: end - pd.DateOffset(years=CONCENTRATION_PROXY_YEARS)]
        if len(base):
            b = base.iloc[-1]
            e = close.iloc[-1]
            proxy = float((e["RSP"] / b["RSP"]) - (e["SPY"] / b["SPY"]))
            proxy_start = base.index[-1]
        else:
            proxy, proxy_start = None, None
        proxy_end = end
    else:
        rsp_spy = pd.Series(dtype=float, name="RSP relative to SPY")
        proxy, proxy_start, proxy_end = None, None, None
    return V2Evidence(eval_date=eval_date, cape=cape, pe=pe, share=share, relative_pb=rel, rsp_spy=rsp_spy,
                      readings=readings, proxy_return=proxy, proxy_start=proxy_start,
                      proxy_end=None if proxy_end is None else proxy_end.date().isoformat(),
                      vintage=inputs.vintage("shiller", "size", "cells"))


def v2_verdict(ev: V2Evidence) -> ClaimResult:
    """Apply :data:`RULES["V2"] <RULES>` to :func:`v2_evidence`."""
    rule = RULES["V2"]
    if not ev.testable:
        return _untestable("V2", rule.claim, "CAPE percentile", "%", ev.vintage,
                           f"The window holds less than {MIN_HISTORY_YEARS} years of CAPE, size-decile or book-to-market "
                           "history before the claim's date; a longer window (CAPE from 1881, French from 1926) "
                           "would decide it.")
    cond = ev.conditions()
    k = sum(cond.values())
    verdict = "supported" if k == 3 else "partly supported" if k == 2 else "not supported"
    r = ev.readings
    c = r.loc["CAPE"]
    held = [name for name, ok in cond.items() if ok]
    failed = [name for name, ok in cond.items() if not ok]
    share = r.loc[SHARE_ROW]
    cheap = r.loc[CHEAP_ROW]
    note = (f"{k} of 3 conditions hold ({', '.join(held) if held else 'none'}"
            f"{'; not ' + ', '.join(failed) if failed else ''}): CAPE {c['value']:.1f} at the {ordinal(c['percentile'])} "
            f"percentile, largest size decile {100 * share['value']:.0f}% of market cap at the "
            f"{ordinal(share['percentile'])}, small/large price-to-book at the {ordinal(cheap['percentile'])}.")
    s = ev.cape.loc[: c["month"]]
    return ClaimResult(
        id="V2", claim=rule.claim, rule=rule.text(), verdict=verdict,
        statistic=Statistic(f"CAPE percentile, {_month_name(c['month'])}", float(c["percentile"]), "%",
                            method="empirical percentile of monthly history in the window"),
        sample=Sample(_iso(s.index.min()), _iso_end(s.index.max()), len(s), "monthly"),
        data_vintage=ev.vintage, section=SECTIONS["V2"], note=note)


# ---------------------------------------------------------------------------------------------
# V3: sensitivity to yields


def weekly_relative(close: pd.DataFrame, pairs=PAIRS, yield_col: str = "^TNX") -> pd.DataFrame:
    """Weekly (Friday) small-minus-large returns (decimal) and 10-year yield changes (pp).

    Columns ``<small>-<large>`` for each pair, ``dy`` (change in the yield, percentage points),
    ``yield`` (the level, percent). Weeks with a missing value in a column stay NaN there.
    """
    w = close.resample("W-FRI").last()
    out = {}
    for a, b in pairs:
        ra = w[a] / w[a].shift(1) - 1.0
        rb = w[b] / w[b].shift(1) - 1.0
        out[f"{a}-{b}"] = ra - rb
    out["dy"] = w[yield_col] - w[yield_col].shift(1)
    out["yield"] = w[yield_col]
    frame = pd.DataFrame(out).iloc[1:]
    # a final week that ends after the last close is incomplete (and its label lies past the data)
    last = close.dropna(how="all").index.max()
    frame = frame.loc[frame.index <= last]
    frame.index.name = "week"
    return frame


def rolling_slope(y: pd.Series, x: pd.Series, window: int, level: float = stats.DEFAULT_LEVEL) -> pd.DataFrame:
    """Rolling OLS slope of ``y`` on ``x`` with a plain OLS interval (weekly returns are close to
    serially uncorrelated; the full-sample tests use Newey-West errors).

    Returns
    -------
    DataFrame with ``slope``, ``ci_low``, ``ci_high`` per window end (NaN until ``window`` pairs).
    """
    from scipy import stats as sps

    df = pd.concat({"y": y, "x": x}, axis=1).dropna()
    r = df.rolling(window, min_periods=window)
    mx, my = r["x"].mean(), r["y"].mean()
    sxx = r["x"].var(ddof=0) * window
    sxy = (df["x"] * df["y"]).rolling(window).sum() - window * mx * my
    syy = r["y"].var(ddof=0) * window
    b = sxy / sxx
    resid_ss = (syy - b * sxy).clip(lower=0)
    se = np.sqrt(resid_ss / (window - 2) / sxx)
    z = float(sps.norm.ppf(0.5 + level / 2))
    return pd.DataFrame({"slope": b, "ci_low": b - z * se, "ci_high": b + z * se}).dropna()


@dataclass
class V3Evidence:
    """Small-minus-large returns against 10-year yield changes."""

    weekly: pd.DataFrame
    table_rows: list[dict[str, Any]]
    estimates: dict[tuple[str, str], stats.Estimate]
    rolling: pd.DataFrame
    monthly_context: stats.Estimate | None
    monthly_sample: tuple[pd.Period, pd.Period] | None
    vintage: str
    recent_from: str | None = None

    @property
    def testable(self) -> bool:
        return ("IWM-SPY", "full sample") in self.estimates

    def table(self) -> pd.DataFrame:
        """Slopes (pp of weekly relative return per 1 pp yield rise) by pair and sample."""
        cols = ["pair", "sample", "first week", "last week", "weeks", "slope", "ci_low", "ci_high", "t"]
        if not self.table_rows:
            return pd.DataFrame({"note": ["no weekly ETF data in the window (the ETFs start in 2000)"]}, index=["V3"])
        t = pd.DataFrame(self.table_rows, columns=cols).set_index(["pair", "sample"])
        t = t.rename(columns={"slope": "slope (pp per pp)"})
        return _with_ci(_tidy(t, 2))

    def rolling_share_negative(self, pair: str = "IWM-SPY") -> float | None:
        r = self.rolling[self.rolling["pair"] == pair]
        return None if r.empty else float(100 * (r["slope"] < 0).mean())

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.rolling_sensitivity`."""
        full = {p: 100 * self.estimates[(p, "full sample")].value for p in ("IWM-SPY", "IJR-IVV")
                if (p, "full sample") in self.estimates}
        return {"data": self.rolling, "full": full, "title": self.headline(), "weeks": RECENT_WEEKS}

    def headline(self) -> str:
        if not self.testable:
            return "No small- and large-cap ETF pair in this window"
        f = self.estimates[("IWM-SPY", "full sample")]
        rec = self.estimates.get(("IWM-SPY", f"last {RECENT_WEEKS} weeks"))
        first = self.weekly[["IWM-SPY", "dy"]].dropna().index.min().year
        txt = (f"Since {first}, IWM {'beat' if f.value > 0 else 'lagged'} SPY in weeks when the 10-year yield rose "
               f"({100 * f.value:+.1f} pp per pp)")
        if rec is not None and np.sign(rec.value) != np.sign(f.value):
            txt += f"; over the last {RECENT_WEEKS} weeks the sign flipped ({100 * rec.value:+.1f})"
        return txt

    def _phrases(self) -> dict[str, tuple[Any, str]]:
        """Sentences whose wording depends on the signs found (so re-runs never contradict them)."""
        full = self.estimates.get(("IWM-SPY", "full sample"))
        rec = self.estimates.get(("IWM-SPY", f"last {RECENT_WEEKS} weeks"))
        if full is None:
            return {"v3_sign_sentence": ("", "{}"), "v3_recent_phrase": ("n/a", "{}")}
        if full.ci_low > 0:
            sign = ("The sign is the opposite of the claim's: over the whole period small caps did *better* than large "
                    "caps in weeks when yields rose. A common reading (not tested here): rising yields have mostly come "
                    "with good news about growth, which helps small, cyclical companies more than the cost of their "
                    "debt hurts them.")
        elif full.ci_high < 0:
            sign = ("The sign is the claim's: over the whole period small caps did worse than large caps in weeks when "
                    "yields rose.")
        else:
            sign = "Over the whole period the interval includes zero: no reliable sensitivity either way."
        if rec is None:
            recent = "n/a"
        elif rec.ci_high < 0:
            recent = "the claim's sign, and reliably so"
        elif rec.ci_low > 0:
            recent = "the opposite of the claim's sign"
        else:
            recent = "not reliably different from zero"
        return {"v3_sign_sentence": (sign, "{}"), "v3_recent_phrase": (recent, "{}")}

    def findings(self) -> str:
        """The evidence in prose (Markdown), worded from the numbers; a short note when the window
        has no weekly ETF data."""
        if not self.testable:
            return self.status()
        g = {k: ch_format(v, f) for k, (v, f) in self.glue_values().items()}
        main = (f"Over {g['v3_weeks']} weeks from {g['v3_first_week']} the slope of IWM minus SPY is "
                f"{g['v3_iwm_full']} pp of relative return per percentage point rise in the yield (95% interval "
                f"{g['v3_iwm_full_lo']} to {g['v3_iwm_full_hi']}), and IJR minus IVV gives {g['v3_ijr_full']}. "
                f"{g['v3_sign_sentence']}")
        robust = (f"**Robustness and stability.** The first half of the sample gives {g['v3_iwm_first']} "
                  f"({g['v3_iwm_first_lo']} to {g['v3_iwm_first_hi']}), the second half {g['v3_iwm_second']} "
                  f"({g['v3_iwm_second_lo']} to {g['v3_iwm_second_hi']}). In the last {g['v3_recent_weeks']} weeks "
                  f"(from {g['v3_recent_from']}) the slope is {g['v3_iwm_recent']} ({g['v3_iwm_recent_lo']} to "
                  f"{g['v3_iwm_recent_hi']}) and for IJR minus IVV {g['v3_ijr_recent']}: {g['v3_recent_phrase']}. "
                  f"Rolling {g['v3_recent_weeks']}-week slopes were negative in {g['v3_share_negative']}% of windows. "
                  f"By rate regime (the yield's change over the previous {g['v3_regime_weeks']} weeks, known the week "
                  f"before), the slope is {g['v3_iwm_rising']} ({g['v3_iwm_rising_lo']} to {g['v3_iwm_rising_hi']}) "
                  f"when rates had been rising and {g['v3_iwm_falling']} ({g['v3_iwm_falling_lo']} to "
                  f"{g['v3_iwm_falling_hi']}) when they had been falling.")
        return main + "\n\n" + robust

    def status(self) -> str:
        """A sentence for the prose when the window has no ETF data (empty otherwise)."""
        if self.testable:
            return ""
        return ("*This window holds no weekly ETF data (IWM, SPY, IJR and IVV start in 2000), so the weekly "
                "numbers below read n/a; only the monthly long-history context is computed.*")

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        g: dict[str, tuple[Any, str]] = {"v3_status": (self.status(), "{}"),
                                         "v3_recent_weeks": (RECENT_WEEKS, "{:d}"),
                                         "v3_regime_weeks": (RATE_REGIME_WEEKS, "{:d}")}
        names = {"full sample": "full", f"last {RECENT_WEEKS} weeks": "recent", "first half": "first",
                 "second half": "second", "rising rates": "rising", "falling rates": "falling"}
        for (pair, sample), est in self.estimates.items():
            key = f"v3_{pair.split('-')[0].lower()}_{names[sample]}"
            g[key] = (100 * est.value, "{:+.2f}")
            g[key + "_lo"] = (100 * est.ci_low, "{:+.2f}")
            g[key + "_hi"] = (100 * est.ci_high, "{:+.2f}")
        for pair in ("IWM-SPY", "IJR-IVV"):
            for sample in names:
                key = f"v3_{pair.split('-')[0].lower()}_{names[sample]}"
                for suffix in ("", "_lo", "_hi"):
                    g.setdefault(key + suffix, (None, "{:+.2f}"))
        w = self.weekly["IWM-SPY"].dropna()
        g["v3_first_week"] = (w.index.min() if len(w) else None, "{}")
        g["v3_last_week"] = (w.index.max() if len(w) else None, "{}")
        g["v3_weeks"] = (len(w), "{:,}")
        rec = self.estimates.get(("IWM-SPY", f"last {RECENT_WEEKS} weeks"))
        g["v3_recent_from"] = (None if rec is None else self.recent_from, "{}")
        g["v3_share_negative"] = (self.rolling_share_negative(), "{:.0f}")
        g.update(self._phrases())
        m = self.monthly_context
        g["v3_monthly"] = (None if m is None else 100 * m.value, "{:+.2f}")
        g["v3_monthly_lo"] = (None if m is None else 100 * m.ci_low, "{:+.2f}")
        g["v3_monthly_hi"] = (None if m is None else 100 * m.ci_high, "{:+.2f}")
        g["v3_monthly_from"] = (None if m is None else _month_name(self.monthly_sample[0]), "{}")
        g["v3_monthly_to"] = (None if m is None else _month_name(self.monthly_sample[1]), "{}")
        return g


def v3_evidence(inputs: ValuationInputs, window: Window) -> V3Evidence:
    """Weekly small-minus-large ETF returns on 10-year yield changes: full sample, halves, the
    most recent weeks, rising/falling rate regimes (52-week change known the week before), and
    rolling windows; plus a monthly French/Shiller regression as long-history context."""
    close = inputs.prices.close.loc[window.start: window.end]
    weekly = weekly_relative(close)
    rows, ests, rolls = [], {}, []
    recent_from = None
    regime = regimes.direction(weekly["yield"], RATE_REGIME_WEEKS, labels=("rising rates", "falling rates")).shift(1)
    for a, b in PAIRS:
        pair = f"{a}-{b}"
        df = weekly[[pair, "dy"]].assign(regime=regime).dropna(subset=[pair, "dy"])
        if len(df) < MIN_WEEKS:
            continue
        half = len(df) // 2
        samples = {"full sample": df, "first half": df.iloc[:half], "second half": df.iloc[half:],
                   f"last {RECENT_WEEKS} weeks": df.iloc[-RECENT_WEEKS:]}
        for label in ("rising rates", "falling rates"):
            samples[label] = df[df["regime"] == label]
        for label, sub in samples.items():
            if len(sub) < 30:
                continue
            est = stats.coef_estimate(stats.ols_hac(sub[pair], sub[["dy"]]), "dy")
            ests[(pair, label)] = est
            rows.append({"pair": pair, "sample": label, "first week": sub.index.min().date().isoformat(),
                         "last week": sub.index.max().date().isoformat(), "weeks": len(sub),
                         "slope": 100 * est.value, "ci_low": 100 * est.ci_low, "ci_high": 100 * est.ci_high,
                         "t": est.t})
        if pair == "IWM-SPY":
            recent_from = df.index[-RECENT_WEEKS].date().isoformat() if len(df) >= RECENT_WEEKS else None
        roll = rolling_slope(df[pair], df["dy"], RECENT_WEEKS)
        rolls.append((100 * roll).assign(pair=pair).reset_index())
    rolling = pd.concat(rolls, ignore_index=True) if rolls else pd.DataFrame(columns=["week", "slope", "ci_low", "ci_high", "pair"])
    # long-history context: French quintiles (month-end returns) on Shiller's GS10 (a monthly average)
    size = _in_window(from_percent(inputs.size["vw_monthly"]), window)
    gs10 = _in_window(inputs.shiller.frame["gs10"], window)
    ctx = pd.concat({"rel": size["Lo 20"] - size["Hi 20"], "dy": gs10.diff()}, axis=1).dropna()
    monthly, msample = None, None
    if len(ctx) >= 60:
        monthly = stats.coef_estimate(stats.ols_hac(ctx["rel"], ctx[["dy"]]), "dy")
        msample = (ctx.index.min(), ctx.index.max())
    return V3Evidence(weekly=weekly, table_rows=rows, estimates=ests, rolling=rolling, monthly_context=monthly,
                      monthly_sample=msample, vintage=inputs.vintage("prices", "size", "shiller"), recent_from=recent_from)


def v3_verdict(ev: V3Evidence) -> ClaimResult:
    """Apply :data:`RULES["V3"] <RULES>` to :func:`v3_evidence`."""
    rule = RULES["V3"]
    name = "IWM-SPY weekly slope on yield changes"
    if not ev.testable:
        m = ev.monthly_context
        ctx = (f" As context only, monthly French smallest-minus-largest quintile returns on changes in Shiller's "
               f"monthly-average 10-year yield give {100 * m.value:+.2f} pp per pp ({100 * m.ci_low:+.2f} to "
               f"{100 * m.ci_high:+.2f}).") if m is not None else ""
        return _untestable("V3", rule.claim, name, "pp per pp", ev.vintage,
                           "The small- and large-cap ETFs start in 2000, outside this window; weekly small- and "
                           "large-cap index returns with month-end or weekly 10-year yields inside the window would "
                           "decide it." + ctx)
    full = ev.estimates[("IWM-SPY", "full sample")]
    ijr = ev.estimates.get(("IJR-IVV", "full sample"))
    recent = ev.estimates.get(("IWM-SPY", f"last {RECENT_WEEKS} weeks"))
    if full.ci_high < 0 and (ijr is None or ijr.value < 0):
        verdict = "supported"
    elif full.ci_high < 0 or (recent is not None and recent.ci_high < 0):
        verdict = "partly supported"
    else:
        verdict = "not supported"
    note = (f"Over the full sample a 1 pp rise in the 10-year yield went with IWM {'beating' if full.value > 0 else 'lagging'} "
            f"SPY by {abs(100 * full.value):.2f} pp in the week"
            + (f" (IJR minus IVV {100 * ijr.value:+.2f})" if ijr is not None else "")
            + (f"; over the last {RECENT_WEEKS} weeks the slope was {100 * recent.value:+.2f} "
               f"({100 * recent.ci_low:+.2f} to {100 * recent.ci_high:+.2f})." if recent is not None else "."))
    w = ev.weekly[["IWM-SPY", "dy"]].dropna()
    return ClaimResult(
        id="V3", claim=rule.claim, rule=rule.text(), verdict=verdict,
        statistic=full.to_statistic(name, "pp per pp", 100),
        sample=Sample(w.index.min().date().isoformat(), w.index.max().date().isoformat(), len(w), "weekly"),
        data_vintage=ev.vintage, section=SECTIONS["V3"], note=note)


# ---------------------------------------------------------------------------------------------
# V4: the May 2024 numbers

V4_TICKERS = ("IWM", "VTWO", "QQQS")
V4_QUOTED = {"IWM": CLAIMED_RUSSELL_2000_MONTH, "VTWO": CLAIMED_RUSSELL_2000_MONTH, "QQQS": CLAIMED_QQQS_MONTH}


def window_conventions(close: pd.DataFrame, end) -> pd.DataFrame:
    """Base dates of the one-month conventions for a window ending at the close of ``end``.

    Returns
    -------
    DataFrame indexed by convention with ``base`` (the close the return starts from), ``end``
    and ``standard`` (True for the three conventions the V4 rule uses). Trading days are the
    days with a close in ``close``.
    """
    end = pd.Timestamp(end)
    days = close.dropna(how="all").index
    days = days[days <= end]
    if len(days) == 0 or days[-1] != end:
        raise DataError(f"no close on {end.date()}")

    def on_or_before(d):
        d = pd.Timestamp(d)
        sel = days[days <= d]
        if len(sel) == 0:
            raise DataError(f"no close on or before {d.date()}")
        return sel[-1]

    i = len(days) - 1
    conv = {
        "calendar month (close on or before the same day a month earlier)": (on_or_before(end - pd.DateOffset(months=1)), True),
        "30 calendar days": (on_or_before(end - pd.Timedelta(days=30)), True),
        "21 trading days": (days[i - 21], True),
        "22 trading days": (days[i - 22], False),
        "calendar month, base the next trading day": (days[days > end - pd.DateOffset(months=1)][0], False),
        "month to date (from the previous month-end close)": (on_or_before((end - pd.offsets.MonthBegin(1)) - pd.Timedelta(days=1)), False),
    }
    out = pd.DataFrame([{"convention": k, "base": v[0], "end": end, "standard": v[1]} for k, v in conv.items()])
    return out.set_index("convention")


@dataclass
class V4Evidence:
    """One-month returns to 16 May 2024 under several window conventions."""

    conventions: pd.DataFrame
    grid: pd.DataFrame
    best: str | None
    best_gap: float | None
    vintage: str

    @property
    def testable(self) -> bool:
        return self.best is not None

    def table(self) -> pd.DataFrame:
        """Returns in percent by convention, with gaps to the quoted figures (pp)."""
        if self.conventions.empty:
            return pd.DataFrame({"note": ["the window does not contain April to 16 May 2024"]}, index=["V4"])
        t = self.conventions.copy()
        t["base"] = t["base"].dt.date.astype(str)
        t["end"] = t["end"].dt.date.astype(str)
        t["standard"] = t["standard"].map({True: "yes", False: "no"})
        cols = ["base", "end", "standard"] + [c for c in t.columns if c.endswith("(%)") or c.startswith("gap")]
        return _tidy(t[cols], 2)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.base_date_grid`."""
        quoted = {f"quoted Russell 2000 {100 * CLAIMED_RUSSELL_2000_MONTH:.2f}%": 100 * CLAIMED_RUSSELL_2000_MONTH,
                  f"quoted QQQS {100 * CLAIMED_QQQS_MONTH:.2f}%": 100 * CLAIMED_QQQS_MONTH}
        return {"data": self.grid, "quoted": quoted, "title": self.headline()}

    def headline(self) -> str:
        if not self.testable:
            return "The May 2024 window is outside this run"
        wide = self.grid.pivot(index="base", columns="ticker", values="return")
        ok = wide[((wide["IWM"] - 100 * CLAIMED_RUSSELL_2000_MONTH).abs() <= REPRODUCED_PP)
                  & ((wide["QQQS"] - 100 * CLAIMED_QQQS_MONTH).abs() <= REPRODUCED_PP)].index
        cal = self.conventions.iloc[0]
        tail = f"the calendar month gives IWM {cal['IWM (%)']:.2f}%"
        if len(ok) == 0:
            return f"No base date in April reproduces both quoted figures; {tail}"
        days = " or ".join(f"{d:%-d April}" for d in ok)
        return f"{'Only a base of ' if len(ok) == 1 else 'Bases of '}{days} reproduce{'s' if len(ok) == 1 else ''} both quoted figures; {tail}"

    def findings(self) -> str:
        """The evidence in prose (Markdown), worded from the numbers; a short note when the window
        does not contain the claim's month."""
        if not self.testable:
            return "*This window does not contain April to 16 May 2024, so there is nothing to reproduce.*"
        g = {k: ch_format(v, f) for k, (v, f) in self.glue_values().items()}
        c = self.conventions
        std = c[c["standard"]]
        cal = c.iloc[0]

        def reproduces(row) -> bool:
            return bool(row["larger gap (pp)"] <= REPRODUCED_PP)

        cal_txt = "reproducing both quoted figures" if reproduces(cal) else "not the quoted figures"
        td = c.loc["21 trading days"]
        td_txt = ("both quoted figures to within " + g["v4_tolerance"] + " pp") if reproduces(td) else \
            "still not the quoted figures"
        winners = [name for name, row in std.iterrows() if reproduces(row)]
        if winners:
            which = (f"The article's \"month\" therefore matches {', '.join(winners)}"
                     + (f" (the base is the first trading day after the same date a month earlier, "
                        f"{g['v4_next_base']})" if "21 trading days" in winners and not reproduces(cal) else "") + ".")
        else:
            which = "No standard convention reproduces both figures."
        spread = float(self.grid.groupby("ticker")["return"].agg(lambda x: x.max() - x.min()).max())
        return (f"From the close on the same day a month earlier ({g['v4_cal_base']}) IWM returned {g['v4_cal_iwm']}%, "
                f"VTWO {g['v4_cal_vtwo']}% and QQQS {g['v4_cal_qqqs']}%: {cal_txt}. Counting 21 trading days back, "
                f"from the close of {g['v4_td_base']}, IWM returned {g['v4_td_iwm']}%, VTWO {g['v4_td_vtwo']}% and "
                f"QQQS {g['v4_td_qqqs']}%: {td_txt}. {which} The base date matters: moving it one trading day, from "
                f"{g['v4_cal_base']} to {g['v4_td_base']}, changes IWM's return by "
                f"{td['IWM (%)'] - cal['IWM (%)']:+.2f} pp, and across the base dates in the figure the one-month "
                f"return of a single fund ranges over {spread:.1f} percentage points. Month to "
                f"date (from the end of April) IWM returned {g['v4_mtd_iwm']}%. The two Russell 2000 funds differ from "
                f"each other by {g['v4_iwm_vtwo']} pp over the 21 trading days.")

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        g: dict[str, tuple[Any, str]] = {
            "v4_quoted_r2000": (100 * CLAIMED_RUSSELL_2000_MONTH, "{:.2f}"),
            "v4_quoted_qqqs": (100 * CLAIMED_QQQS_MONTH, "{:.2f}"),
            "v4_end": (pd.Timestamp(CLAIM_D_DATE).strftime("%-d %B %Y"), "{}"),
            "v4_tolerance": (REPRODUCED_PP, "{:.2f}"),
            "v4_close": (CLOSE_PP, "{:.1f}"),
            "v4_status": ("" if self.testable else
                          "*This window does not contain April to 16 May 2024, so the numbers below read n/a.*", "{}"),
        }
        for key in ("v4_cal_base", "v4_cal_iwm", "v4_cal_vtwo", "v4_cal_qqqs", "v4_td_base", "v4_td_iwm", "v4_td_vtwo",
                    "v4_td_qqqs", "v4_best", "v4_best_gap", "v4_iwm_vtwo", "v4_next_base", "v4_mtd_iwm"):
            g[key] = (None, "{}")
        if not self.testable:
            return g
        c = self.conventions
        cal = c.iloc[0]
        td = c.loc["21 trading days"]
        g.update({
            "v4_cal_base": (cal["base"].strftime("%-d %B"), "{}"),
            "v4_cal_iwm": (cal["IWM (%)"], "{:.2f}"), "v4_cal_vtwo": (cal["VTWO (%)"], "{:.2f}"),
            "v4_cal_qqqs": (cal["QQQS (%)"], "{:.2f}"),
            "v4_td_base": (td["base"].strftime("%-d %B"), "{}"),
            "v4_td_iwm": (td["IWM (%)"], "{:.2f}"), "v4_td_vtwo": (td["VTWO (%)"], "{:.2f}"),
            "v4_td_qqqs": (td["QQQS (%)"], "{:.2f}"),
            "v4_best": (self.best, "{}"), "v4_best_gap": (self.best_gap, "{:.2f}"),
            "v4_iwm_vtwo": (abs(td["IWM (%)"] - td["VTWO (%)"]), "{:.2f}"),
            "v4_next_base": (c.loc["calendar month, base the next trading day", "base"].strftime("%-d %B"), "{}"),
            "v4_mtd_iwm": (c.iloc[-1]["IWM (%)"], "{:.2f}"),
        })
        return g


def v4_evidence(inputs: ValuationInputs, window: Window) -> V4Evidence:
    """One-month returns (adjusted closes: total returns) of IWM, VTWO and QQQS to 16 May 2024
    under each convention of :func:`window_conventions`, and for every base date in April 2024."""
    end = pd.Timestamp(CLAIM_D_DATE)
    vint = inputs.vintage("prices")
    empty = V4Evidence(pd.DataFrame(), pd.DataFrame(), None, None, vint)
    if window.start > pd.Timestamp("2024-04-01") or window.end < end or window.as_of < end:
        return empty
    close = inputs.prices.close[list(V4_TICKERS)].loc[window.start: window.end]
    span = close.loc["2024-04-01": end]
    if span.empty or span[["IWM", "QQQS"]].isna().all().any() or end not in close.index:
        return empty
    conv = window_conventions(close[["IWM"]].dropna(), end)
    for t in V4_TICKERS:
        conv[f"{t} (%)"] = [100 * (close.loc[end, t] / close.loc[b, t] - 1.0) for b in conv["base"]]
    for t in ("IWM", "QQQS"):
        conv[f"gap {t} (pp)"] = conv[f"{t} (%)"] - 100 * V4_QUOTED[t]
    conv["larger gap (pp)"] = conv[["gap IWM (pp)", "gap QQQS (pp)"]].abs().max(axis=1)
    std = conv[conv["standard"]]
    best = std["larger gap (pp)"].idxmin()
    bases = close.loc["2024-04-08": "2024-04-26"].index
    grid = pd.DataFrame([{"base": b, "ticker": t, "return": 100 * (close.loc[end, t] / close.loc[b, t] - 1.0)}
                         for b in bases for t in V4_TICKERS])
    return V4Evidence(conventions=conv, grid=grid, best=best, best_gap=float(std.loc[best, "larger gap (pp)"]), vintage=vint)


def v4_verdict(ev: V4Evidence) -> ClaimResult:
    """Apply :data:`RULES["V4"] <RULES>` to :func:`v4_evidence`."""
    rule = RULES["V4"]
    name = "larger gap to the quoted returns, best convention"
    if not ev.testable:
        return _untestable("V4", rule.claim, name, "pp", ev.vintage,
                           "The window does not contain April to 16 May 2024; daily closes of IWM (or the Russell "
                           "2000 index) and QQQS over that month would decide it.")
    gap = ev.best_gap
    verdict = "supported" if gap <= REPRODUCED_PP else "partly supported" if gap <= CLOSE_PP else "not supported"
    b = ev.conventions.loc[ev.best]
    cal = ev.conventions.iloc[0]
    note = (f"From the close of {b['base']:%-d %B %Y} ({ev.best}) IWM returned {b['IWM (%)']:.2f}% and QQQS "
            f"{b['QQQS (%)']:.2f}%; the calendar-month base ({cal['base']:%-d %B}) gives {cal['IWM (%)']:.2f}% "
            f"and {cal['QQQS (%)']:.2f}%.")
    return ClaimResult(
        id="V4", claim=rule.claim, rule=rule.text(), verdict=verdict,
        statistic=Statistic(name, gap, "pp", method="exact returns from adjusted closes"),
        sample=Sample(b["base"].date().isoformat(), b["end"].date().isoformat(), 2, "daily"),
        data_vintage=ev.vintage, section=SECTIONS["V4"], note=note)


# ---------------------------------------------------------------------------------------------
# V5: does the discount predict?


def small_minus_large_log(inputs: ValuationInputs, kind: str = "quintiles") -> pd.Series:
    """Monthly small-minus-large log return (decimal).

    ``quintiles``: ``log(1+Lo 20) - log(1+Hi 20)``, value-weighted, French size quintiles;
    ``deciles``: the same with ``Lo 10`` and ``Hi 10``; ``smb``: ``log(1+SMB)``, Fama-French SMB
    (a long-short return, so this is an approximation of a log relative return).
    """
    if kind == "smb":
        return np.log1p(from_percent(inputs.factors["monthly"]["SMB"])).rename("SMB")
    r = from_percent(inputs.size["vw_monthly"])
    lo, hi = {"quintiles": ("Lo 20", "Hi 20"), "deciles": ("Lo 10", "Hi 10")}[kind]
    return (np.log1p(r[lo]) - np.log1p(r[hi])).rename(f"{lo} minus {hi}")


@dataclass
class V5Evidence:
    """Predictive regressions of subsequent small-minus-large returns on the log valuation spread."""

    frames: dict[int, pd.DataFrame]
    fits: dict[int, pr.PredictiveFit]
    oos: dict[int, pr.OutOfSample]
    oos_signed: dict[int, pr.OutOfSample]
    groups: pd.DataFrame | None
    latest_x: float | None
    latest_month: pd.Period | None
    predictions: dict[int, dict[str, float]]
    robustness: pd.DataFrame
    stambaugh: dict[str, float] | None
    vintage: str
    window_months: tuple[pd.Period, pd.Period]

    @property
    def primary(self) -> int:
        return 12 * PRIMARY_HORIZON_YEARS

    @property
    def testable(self) -> bool:
        h = self.primary
        return h in self.fits and self.fits[h].n >= MIN_PREDICTIVE_MONTHS and h in self.oos and self.oos[h].n >= MIN_FORECASTS

    @property
    def sd_x(self) -> float:
        """The predictor's standard deviation in the primary regression (NaN without one)."""
        fit = self.fits.get(self.primary)
        return fit.sd_x if fit is not None else float("nan")

    def table(self) -> pd.DataFrame:
        """One row per horizon: sample, slope per one-sd wider spread (pp a year), R-squared in and
        out of sample."""
        rows = []
        for h, fit in self.fits.items():
            s = fit.slope.scaled(100 * self.sd_x)
            o, os_ = self.oos.get(h), self.oos_signed.get(h)
            rows.append({"horizon (years)": h // 12, "first": str(fit.first), "last": str(fit.last), "months": fit.n,
                         "slope (pp/yr per sd)": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                         "HAC lags": int(fit.result.hac_lags), "R² in sample (%)": 100 * fit.r2,
                         "R² OOS (%)": np.nan if o is None else 100 * o.r2,
                         "R² OOS, slope ≥ 0 (%)": np.nan if os_ is None else 100 * os_.r2,
                         "forecasts": 0 if o is None else o.n})
        if not rows:
            return pd.DataFrame({"note": ["too few months in the window for the forward returns"]}, index=["V5"])
        return _with_ci(_tidy(pd.DataFrame(rows).set_index("horizon (years)"), 2))

    def group_table(self) -> pd.DataFrame | None:
        """Subsequent annualised return (pp a year) by spread quintile, primary horizon."""
        if self.groups is None:
            return None
        g = self.groups.copy()
        g[["estimate", "ci_low", "ci_high"]] = 100 * g[["estimate", "ci_low", "ci_high"]]
        g = g.rename(columns={"x_low": "spread from", "x_high": "spread to", "estimate": "small minus large (pp/yr)"})
        g.index = [f"Q{i}{' (small dearest)' if i == 1 else ' (small cheapest)' if i == len(g) else ''}" for i in g.index]
        g.index.name = "spread quintile"
        return _tidy(g, 2)

    def group_display(self) -> pd.DataFrame | None:
        """:meth:`group_table` with the interval as one column."""
        g = self.group_table()
        return None if g is None else _with_ci(g)

    def group_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.bars`: mean subsequent return by spread quintile."""
        g = self.group_table()
        lo, hi = g["small minus large (pp/yr)"].iloc[0], g["small minus large (pp/yr)"].iloc[-1]
        return {"data": g.reset_index(), "x": "spread quintile", "y": "small minus large (pp/yr)",
                "ci": ("ci_low", "ci_high"),
                "title": (f"After the cheapest fifth of spreads small beat large by {hi:+.1f} pp a year over "
                          f"{self.primary // 12} years; after the dearest fifth, {lo:+.1f}"),
                "xlabel": "valuation spread quintile (whole-sample breakpoints)",
                "ylabel": f"next {self.primary // 12} years, small minus large (pp a year)"}

    def scatter(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.predictive_scatter`."""
        h = self.primary
        f = self.frames[h].copy()
        f["y"] = 100 * f["y"]
        f["decade"] = (f.index.year // 10 * 10).astype(str) + "s"
        p = self.predictions.get(h)
        return {"data": f.reset_index(), "latest": None if p is None else (self.latest_x, 100 * p["forecast"],
                                                                            100 * p["pi_low"], 100 * p["pi_high"]),
                "latest_label": f"{_month_name(self.latest_month)} spread", "horizon_years": h // 12,
                "title": self.scatter_headline()}

    def scatter_headline(self) -> str:
        h = self.primary
        fit = self.fits[h]
        s = fit.slope.scaled(100 * self.sd_x)
        return (f"A one-sd wider spread went with {s.value:+.1f} pp a year more small-minus-large return over the "
                f"next {h // 12} years (in sample, {fit.first.year}-{fit.last.year})")

    def oos_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.oos_performance`."""
        parts = []
        for h, o in self.oos.items():
            d = o.forecasts[["cum_sse_diff"]].copy()
            d["cum_sse_diff"] = 1e4 * d["cum_sse_diff"] / 1e3  # thousands of (pp a year) squared
            d["horizon"] = f"{h // 12}-year (OOS R2 {100 * o.r2:+.1f}%)"
            d.index = d.index.to_timestamp()
            parts.append(d.reset_index())
        data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        return {"data": data, "title": self.oos_headline()}

    def oos_headline(self) -> str:
        wins = [h // 12 for h, o in self.oos.items() if o.r2 > 0]
        if not self.oos:
            return "Too few months for out-of-sample forecasts"
        if not wins:
            return "Out of sample, the spread never beat the historical mean"
        if len(wins) == len(self.oos):
            return "Out of sample, the spread beat the historical mean at every horizon"
        return (f"Out of sample, the spread beat the historical mean only at the "
                f"{', '.join(str(w) for w in wins)}-year horizon")

    def glue_values(self) -> dict[str, tuple[Any, str]]:
        h = self.primary
        g: dict[str, tuple[Any, str]] = {"v5_primary": (PRIMARY_HORIZON_YEARS, "{:d}"),
                                         "v5_min_train": (MIN_TRAIN_MONTHS // 12, "{:d}")}
        for hh in (12 * y for y in HORIZONS_YEARS):
            k = f"v5_h{hh // 12}"
            fit = self.fits.get(hh)
            s = fit.slope.scaled(100 * self.sd_x) if fit is not None else None
            g[f"{k}_slope"] = (None if s is None else s.value, "{:+.1f}")
            g[f"{k}_lo"] = (None if s is None else s.ci_low, "{:+.1f}")
            g[f"{k}_hi"] = (None if s is None else s.ci_high, "{:+.1f}")
            g[f"{k}_r2"] = (None if fit is None else 100 * fit.r2, "{:.0f}")
            o = self.oos.get(hh)
            g[f"{k}_oos"] = (None if o is None else 100 * o.r2, "{:+.1f}")
            g[f"{k}_last"] = (None if fit is None else _month_name(fit.last), "{}")
        fit = self.fits.get(h)
        g["v5_first"] = (None if fit is None else _month_name(fit.first), "{}")
        g["v5_n"] = (None if fit is None else fit.n, "{:,}")
        g["v5_sd"] = (None if fit is None else self.sd_x, "{:.2f}")
        o = self.oos.get(h)
        g["v5_oos_first"] = (None if o is None else _month_name(o.forecasts.index.min()), "{}")
        g["v5_oos_n"] = (None if o is None else o.n, "{:,}")
        p = self.predictions.get(h)
        g["v5_latest_month"] = (_month_name(self.latest_month), "{}")
        g["v5_latest_x"] = (self.latest_x, "{:.2f}")
        g["v5_latest_pct"] = (None if self.latest_x is None or fit is None else
                              float(100 * (self.frames[h]["x"] <= self.latest_x).mean()), "{:.0f}")
        g["v5_forecast"] = (None if p is None else 100 * p["forecast"], "{:+.1f}")
        g["v5_pi_lo"] = (None if p is None else 100 * p["pi_low"], "{:+.1f}")
        g["v5_pi_hi"] = (None if p is None else 100 * p["pi_high"], "{:+.1f}")
        g["v5_ci_lo"] = (None if p is None else 100 * p["ci_low"], "{:+.1f}")
        g["v5_ci_hi"] = (None if p is None else 100 * p["ci_high"], "{:+.1f}")
        same = all(abs(self.oos[hh].r2 - self.oos_signed[hh].r2) < 1e-12 for hh in self.oos if hh in self.oos_signed)
        g["v5_sign_phrase"] = (("changes nothing here, because the expanding-window slope never turned negative"
                                if same else "changes the score where the expanding-window slope turned negative "
                                "(see the table's sign-restricted column)"), "{}")
        if not self.oos:
            g["v5_sign_phrase"] = ("cannot be scored in this window", "{}")
        st = self.stambaugh
        g["v5_rho"] = (None if st is None else st["rho"], "{:.2f}")
        g["v5_bias"] = (None if st is None else 100 * st["bias"] * self.sd_x, "{:+.2f}")
        g["v5_slope_1y_annual"] = (None if st is None else 100 * st["slope"] * self.sd_x, "{:+.2f}")
        g["v5_stambaugh_n"] = (None if st is None else st["n"], "{:d}")
        gt = self.groups
        g["v5_q1"] = (None if gt is None else 100 * gt["estimate"].iloc[0], "{:+.1f}")
        g["v5_q5"] = (None if gt is None else 100 * gt["estimate"].iloc[-1], "{:+.1f}")
        return g


def v5_evidence(inputs: ValuationInputs, window: Window) -> V5Evidence:
    """Everything for V5, strictly inside the window: predictor months and every month of every
    forward return lie in ``start..end``; out-of-sample forecasts use only outcomes realised by
    the forecast month."""
    first, last = full_month_range(window.start, window.end)
    rv = relative_valuation_series(inputs)
    x = rv["log_spread"]
    rel = small_minus_large_log(inputs, "quintiles")
    frames, fits, oos, oos_s, preds = {}, {}, {}, {}, {}
    xin = x.loc[first:min(last, last_complete_month(window.as_of))].dropna()  # "today" is the as-of date
    latest_x = float(xin.iloc[-1]) if len(xin) else None
    latest_month = xin.index[-1] if len(xin) else None
    for years in HORIZONS_YEARS:
        h = 12 * years
        fr = pr.predictive_frame(x, rel, h, first.start_time, last.end_time)
        if len(fr) < 24:
            continue
        frames[h] = fr
        fits[h] = pr.fit_predictive(fr, h)
        try:
            oos[h] = pr.out_of_sample(fr, h, MIN_TRAIN_MONTHS)
            oos_s[h] = pr.out_of_sample(fr, h, MIN_TRAIN_MONTHS, sign_restrict=True)
        except DataError:
            pass
        if latest_x is not None:
            preds[h] = fits[h].predict(latest_x)
    h = 12 * PRIMARY_HORIZON_YEARS
    groups = pr.group_means(frames[h], h) if h in frames and len(frames[h]) >= 50 else None
    sd = fits[h].sd_x if h in fits else None
    rob = []
    if h in fits:
        def row(label, fr, what):
            if len(fr) < 24:
                return
            f = pr.fit_predictive(fr, h)
            s = f.slope.scaled(100 * sd)
            rob.append({"variant": label, "what changes": what, "first": str(f.first), "last": str(f.last),
                        "months": f.n, "slope (pp/yr per sd)": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                        "R2 (%)": 100 * f.r2})

        fr = frames[h]
        row("main", fr, "quintiles, BE/ME at December prices")
        half = len(fr) // 2
        row("first half", fr.iloc[:half], "sample split by predictor month")
        row("second half", fr.iloc[half:], "sample split by predictor month")
        row("deciles", pr.predictive_frame(x, small_minus_large_log(inputs, "deciles"), h, first.start_time,
                                           last.end_time), "smallest minus largest size decile")
        row("SMB", pr.predictive_frame(x, small_minus_large_log(inputs, "smb"), h, first.start_time, last.end_time),
            "Fama-French SMB (to its own last month)")
        row("price-updated spread", pr.predictive_frame(rv["log_spread_updated"], rel, h, first.start_time,
                                                        last.end_time), "spread rolled forward to each month's prices")
    robustness = _with_ci(_tidy(pd.DataFrame(rob).set_index("variant"), 2)) if rob else pd.DataFrame()
    st = None
    if 12 in frames and len(frames[12]) >= 120:
        st = pr.stambaugh_bias(frames[12].iloc[::12])
    return V5Evidence(frames=frames, fits=fits, oos=oos, oos_signed=oos_s, groups=groups, latest_x=latest_x,
                      latest_month=latest_month, predictions=preds, robustness=robustness, stambaugh=st,
                      vintage=inputs.vintage("cells", "size", "factors"), window_months=(first, last))


def v5_verdict(ev: V5Evidence) -> ClaimResult:
    """Apply :data:`RULES["V5"] <RULES>` to :func:`v5_evidence`."""
    rule = RULES["V5"]
    h = ev.primary
    name = f"{PRIMARY_HORIZON_YEARS}-year small-minus-large slope per sd"
    if not ev.testable:
        return _untestable("V5", rule.claim, name, "pp a year", ev.vintage,
                           f"The window is too short for {PRIMARY_HORIZON_YEARS}-year forward returns and "
                           f"{MIN_TRAIN_MONTHS // 12} years of out-of-sample training; a window of at least "
                           f"{(MIN_TRAIN_MONTHS + 12 * PRIMARY_HORIZON_YEARS + MIN_FORECASTS) // 12 + 1} years of French "
                           f"data would decide it.")
    fit = ev.fits[h]
    s = fit.slope.scaled(100 * ev.sd_x)
    o = ev.oos[h]
    ci_above = s.ci_low > 0
    oos_pos = o.r2 > 0
    if s.value > 0 and ci_above and oos_pos:
        verdict = "supported"
    elif s.value > 0 and (ci_above or oos_pos):
        verdict = "partly supported"
    else:
        verdict = "not supported"
    note = (f"In sample the slope is {s.value:+.1f} pp a year per sd ({s.ci_low:+.1f} to {s.ci_high:+.1f}); out of "
            f"sample the {PRIMARY_HORIZON_YEARS}-year R-squared is {100 * o.r2:+.1f}% over {o.n} forecasts "
            f"from {_month_name(o.forecasts.index.min())}.")
    return ClaimResult(
        id="V5", claim=rule.claim, rule=rule.text(), verdict=verdict,
        statistic=s.to_statistic(name, "pp a year"),
        sample=Sample(_iso(fit.first), _iso_end(fit.last), fit.n, "monthly"),
        data_vintage=ev.vintage, section=SECTIONS["V5"], note=note)
