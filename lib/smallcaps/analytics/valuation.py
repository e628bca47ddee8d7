"""Relative valuation of small against large stocks from French's size x book-to-market cells.

Kenneth French's ``25_Portfolios_5x5`` file gives, for each of 25 size x BE/ME portfolios and
each month, the value-weighted average BE/ME (table ``bm``), the number of firms (``firms``) and
their average market cap (``avg_size``, $ millions). A size quintile's aggregate BE/ME is the
market-cap-weighted average of its five cells' BE/ME, the cell's market cap being firms x
average size. Because French weights each firm by its market cap, this is (to within his use of
the current month's cap as the weight) the quintile's total book equity over its total market
equity.

Units: BE/ME and price-to-book are plain ratios; discounts and returns are **decimals**
(-0.27 = a 27% discount); log spreads are natural logs.

Timing: French's BE/ME for the portfolios formed in June of year t uses book equity of the
fiscal year ending in t-1 and market equity of **December t-1**, and is reported for July t to
June t+1. A month's value is therefore known at that month's end (no look-ahead), but its prices
are 7 to 18 months old; :func:`price_updated` rolls the ratio forward with returns.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..display import percent
from ..errors import DataError

_CELL = re.compile(r"^(?:ME(?P<me>[1-5])|(?P<small>SMALL)|(?P<big>BIG))\s*"
                   r"(?:BM(?P<bm>[1-5])|(?P<lo>LoBM)|(?P<hi>HiBM))$")


def cell_grid(columns) -> pd.DataFrame:
    """Size and BE/ME quintile (1 = smallest / lowest) of each of French's 25 cell names.

    ``SMALL LoBM`` is (1, 1), ``ME1 BM2`` is (1, 2), ``BIG HiBM`` is (5, 5).

    Returns
    -------
    DataFrame indexed by column name with integer columns ``size`` and ``bm``.

    Raises
    ------
    DataError
        A name that is not a size x BE/ME cell, or not exactly the 25 distinct cells.
    """
    rows = {}
    for col in columns:
        m = _CELL.match(str(col).strip())
        if m is None:
            raise DataError(f"column {col!r} is not a size x BE/ME cell name (e.g. 'ME2 BM3', 'SMALL LoBM')")
        size = 1 if m["small"] else 5 if m["big"] else int(m["me"])
        bm = 1 if m["lo"] else 5 if m["hi"] else int(m["bm"])
        rows[col] = {"size": size, "bm": bm}
    grid = pd.DataFrame.from_dict(rows, orient="index")
    if len(grid) != 25 or grid.duplicated().any():
        raise DataError(f"expected the 25 distinct size x BE/ME cells, got {len(grid)} columns "
                        f"({int(grid.duplicated().sum()) if len(grid) else 0} duplicated)")
    return grid


def cell_market_cap(firms: pd.DataFrame, avg_size: pd.DataFrame) -> pd.DataFrame:
    """Each cell's total market cap ($ millions): number of firms x average market cap."""
    if not firms.columns.equals(avg_size.columns):
        raise DataError("firms and avg_size have different columns")
    return firms * avg_size


def size_group_average(values: pd.DataFrame, firms: pd.DataFrame, avg_size: pd.DataFrame, size,
                       groups: pd.Series | None = None) -> pd.Series:
    """Market-cap-weighted average of a cell table over the cells of one size group.

    Parameters
    ----------
    values
        A cell table (e.g. ``bm`` or value-weighted returns), one row per month.
    firms, avg_size
        French's ``firms`` and ``avg_size`` tables (same columns).
    size
        The size group: 1 (smallest) to 5 (largest) with French's 25 cells.
    groups
        Column -> size group; None: :func:`cell_grid`'s size quintiles of French's 25 cells.

    Returns
    -------
    Series: sum of cap x value over the group's cells divided by the sum of cap over the cells
    with a value; NaN where no cell has both.
    """
    if groups is None:
        groups = cell_grid(values.columns)["size"]
    if size not in set(groups):
        raise DataError(f"size={size!r}; valid: {', '.join(str(g) for g in sorted(set(groups)))}")
    cols = list(groups.index[groups == size])
    cap = cell_market_cap(firms, avg_size).reindex(index=values.index)[cols]
    v = values[cols]
    w = cap.where(v.notna())
    num = (v * w).sum(axis=1, min_count=1)
    den = w.sum(axis=1, min_count=1)
    return (num / den).rename(f"size group {size}")


def relative_valuation(bm: pd.DataFrame, firms: pd.DataFrame, avg_size: pd.DataFrame, *, small=1,
                       large=5, groups: pd.Series | None = None) -> pd.DataFrame:
    """Small against large: aggregate BE/ME of each, price-to-book ratio, discount, log spread.

    ``groups`` maps columns to size groups (default: French's 25 cells by size quintile).

    Returns
    -------
    DataFrame, one row per month, columns

    ``bm_small``, ``bm_large``
        Aggregate BE/ME of the size groups (ratios).
    ``pb_ratio``
        Small's price-to-book over large's: ``bm_large / bm_small`` (1 = same valuation).
    ``discount``
        ``pb_ratio - 1`` (decimal): negative is a discount of small to large, positive a premium.
    ``log_spread``
        ``log(bm_small / bm_large)`` = ``-log(pb_ratio)``: higher means small is cheaper.
    """
    bs = size_group_average(bm, firms, avg_size, small, groups)
    bl = size_group_average(bm, firms, avg_size, large, groups)
    out = pd.DataFrame({"bm_small": bs, "bm_large": bl})
    out["pb_ratio"] = out["bm_large"] / out["bm_small"]
    out["discount"] = out["pb_ratio"] - 1.0
    out["log_spread"] = np.log(out["bm_small"] / out["bm_large"])
    return out


def price_basis(months: pd.PeriodIndex) -> pd.PeriodIndex:
    """The December whose prices French's ``bm`` value for each month uses.

    July t to June t+1 use December t-1: a month in July-December of year y uses December y-1,
    a month in January-June of year y uses December y-2.
    """
    months = pd.PeriodIndex(months, freq="M")
    years = months.year - np.where(months.month >= 7, 1, 2)
    return pd.PeriodIndex([pd.Period(year=int(y), month=12, freq="M") for y in years], freq="M")


def price_updated(pb_ratio: pd.Series, small_returns: pd.Series, large_returns: pd.Series) -> pd.Series:
    """Roll a Dec-price-based price-to-book ratio forward to each month's own prices.

    ``updated[m] = pb_ratio[m] * G_small / G_large``, where G is the compounded return of each
    group from the month after the ratio's price basis (:func:`price_basis`) through m.

    An approximation, labelled as such where shown: returns include dividends (so small, which
    pays less, is flattered by the yield gap, about a point a year), and the months before July
    use the returns of the previous formation's members.

    Parameters
    ----------
    pb_ratio
        Monthly ratio with a monthly PeriodIndex.
    small_returns, large_returns
        Monthly total returns (decimal) of the two groups, same index type.

    Returns
    -------
    Series; NaN where a return inside the roll-forward span is missing.
    """
    idx = pd.PeriodIndex(pb_ratio.index, freq="M")
    rel = np.log1p(small_returns.astype("float64")) - np.log1p(large_returns.astype("float64"))
    rel = rel.reindex(pd.period_range(min(idx.min(), rel.index.min()), max(idx.max(), rel.index.max()), freq="M"))
    cum_filled = rel.fillna(0.0).cumsum()
    nan_count = rel.isna().cumsum()
    basis = price_basis(idx)
    cm = cum_filled.reindex(idx).to_numpy()
    cb = cum_filled.reindex(basis).to_numpy()
    gaps = nan_count.reindex(idx).to_numpy() - nan_count.reindex(basis).to_numpy()
    factor = np.exp(cm - cb)
    # a missing return inside the span, or a basis before the returns start, leaves NaN
    factor = np.where((gaps == 0) & np.isfinite(cb) & np.isfinite(cm), factor, np.nan)
    return pd.Series(pb_ratio.to_numpy() * factor, index=pb_ratio.index, name="pb_ratio_updated")


def market_cap_share(firms: pd.DataFrame, avg_size: pd.DataFrame, top: str, groups: list[str]) -> pd.Series:
    """Share (decimal) of the total market cap of ``groups`` held by group ``top``.

    With French's size deciles (``Lo 10``, ``Dec 2``...``Hi 10``) and ``top="Hi 10"`` this is the
    largest decile's share of the market: a concentration measure.
    """
    missing = [g for g in [top, *groups] if g not in firms.columns]
    if missing:
        raise DataError(f"no column(s) {missing} in the size portfolios; columns: {list(firms.columns)}")
    cap = firms[groups] * avg_size[groups]
    return (firms[top] * avg_size[top] / cap.sum(axis=1, min_count=len(groups))).rename(f"{top} share")


def history_percentile(series: pd.Series, at) -> tuple[float, pd.Period | pd.Timestamp]:
    """Percent (0-100) of the series' values up to ``at`` that are at or below its value at ``at``.

    ``at`` is the last index label on or before the given date (for monthly data, the last month
    that had ended by then). Returns the percentile and the
    label used.

    Raises
    ------
    DataError
        No value on or before ``at``.
    """
    s = series.dropna()
    s = s.loc[: _label(s.index, at)]
    if s.empty:
        raise DataError(f"{series.name or 'series'} has no value on or before {at}")
    value = s.iloc[-1]
    return float(percent((s <= value).mean())), s.index[-1]


def _label(index, at):
    """``at`` as an index label: for a monthly PeriodIndex, the last month that had ended by
    ``at`` (a month's value is known at its end); otherwise the timestamp itself."""
    ts = pd.Timestamp(at)
    if isinstance(index, pd.PeriodIndex):
        p = pd.Period(ts, freq=index.freq)
        return p if ts.normalize() >= p.end_time.normalize() else p - 1
    return ts


def value_at(series: pd.Series, at):
    """Last non-missing value on or before ``at`` and its label (None, None if there is none);
    for monthly data, the last month that had ended by ``at``."""
    s = series.dropna()
    s = s.loc[: _label(s.index, at)]
    if s.empty:
        return None, None
    return float(s.iloc[-1]), s.index[-1]


def size_groups(columns, small=(1,), large=(5,)) -> pd.Series:
    """Each of French's 25 cells labelled ``small``, ``large`` or ``other`` by its size quintile.

    ``small=(2, 3)`` makes NYSE size quintiles 2 and 3 one group (where the Russell 2000 and the
    S&P 600 sit); ``(1,)`` is French's smallest quintile (micro-caps).

    Raises
    ------
    DataError
        A quintile outside 1-5, or one in both groups.
    """
    small, large = tuple(int(q) for q in small), tuple(int(q) for q in large)
    bad = [q for q in (*small, *large) if q not in range(1, 6)]
    if bad or set(small) & set(large):
        raise DataError(f"small={small}, large={large}: size quintiles must be 1-5 and in one group only")
    size = cell_grid(columns)["size"]
    return size.map(lambda q: "small" if q in small else "large" if q in large else "other")


def relative_valuation_panel(bm: pd.DataFrame, bm_june: pd.DataFrame, vw_returns: pd.DataFrame,
                             firms: pd.DataFrame, avg_size: pd.DataFrame, small=(1,)) -> pd.DataFrame:
    """Monthly small/large valuation from the 25 size x BE/ME cells, three ways.

    Parameters
    ----------
    bm, bm_june
        French's value-weighted BE/ME of each cell, with December and with June prices.
    vw_returns
        The cells' value-weighted monthly returns (**decimals**).
    firms, avg_size
        French's firm counts and average market caps of the cells.
    small
        The size quintiles that make "small" (:func:`size_groups`; large is quintile 5).

    Returns
    -------
    DataFrame with :func:`relative_valuation`'s columns (December prices), ``discount_june``
    (June prices), ``pb_ratio_updated`` and ``discount_updated`` (rolled forward to each month's
    prices with the two groups' value-weighted returns, :func:`price_updated`) and
    ``log_spread_updated``. Discounts are decimals.
    """
    groups = size_groups(bm.columns, small)
    rv = relative_valuation(bm, firms, avg_size, small="small", large="large", groups=groups)
    june = relative_valuation(bm_june, firms, avg_size, small="small", large="large", groups=groups)
    rv["discount_june"] = june["discount"]
    small = size_group_average(vw_returns, firms, avg_size, "small", groups)
    large = size_group_average(vw_returns, firms, avg_size, "large", groups)
    rv["pb_ratio_updated"] = price_updated(rv["pb_ratio"], small, large)
    rv["discount_updated"] = rv["pb_ratio_updated"] - 1.0
    rv["log_spread_updated"] = -np.log(rv["pb_ratio_updated"])
    return rv


def operating_yield_relative(op: pd.DataFrame, bm: pd.DataFrame, firms: pd.DataFrame, avg_size: pd.DataFrame,
                             small=(2, 3)) -> pd.Series:
    """Small caps' price-to-operating-profit relative to large caps' (decimal; negative: cheaper).

    Each cell's operating-profit yield is approximated by its operating profitability (OP/BE)
    times its BE/ME; a group's yield is the cap-weighted average over its cells
    (``sum cap * OP * BM / sum cap``, a product of value-weighted averages, hence approximate).
    The result is ``yield_large / yield_small - 1``: small's price per unit of operating profit
    against large's. Not usable for French's smallest quintile, whose lowest-BE/ME cell has
    near-zero book equity and wild OP/BE.
    """
    groups = size_groups(bm.columns, small)
    yld = op * bm
    ys = size_group_average(yld, firms, avg_size, "small", groups)
    yl = size_group_average(yld, firms, avg_size, "large", groups)
    return (yl / ys - 1.0).rename("price to operating profit, small against large")


def weekly_change(series: pd.Series) -> pd.Series:
    """Week-on-week (Friday to Friday) change of a daily level series, in its own units; a
    final week ending after the series' last observation is dropped (incomplete)."""
    s = series.dropna()
    if s.empty:
        return s
    w = s.resample("W-FRI").last()
    out = (w - w.shift(1)).iloc[1:]
    return out.loc[out.index <= s.index.max()].rename(f"weekly change in {series.name}")


def weekly_relative(close: pd.DataFrame, pairs, yield_col: str = "^TNX") -> pd.DataFrame:
    """Weekly (Friday) small-minus-large returns (decimal) and 10-year yield changes (pp).

    Parameters
    ----------
    close
        Daily adjusted closes, one column per ticker (the yield index in percent).
    pairs
        ``(small, large)`` ticker pairs.

    Returns
    -------
    DataFrame indexed by week with a column ``<small>-<large>`` per pair, ``dy`` (the yield's
    change, percentage points) and ``yield`` (its level, percent). Weeks with a missing value in
    a column stay NaN there; a final week ending after the last close is dropped.
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


def rolling_slope(y: pd.Series, x: pd.Series, window: int, level: float = 0.95) -> pd.DataFrame:
    """Rolling OLS slope of ``y`` on ``x`` with a plain OLS interval (weekly returns are close to
    serially uncorrelated; full-sample tests use Newey-West errors).

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


def one_month_conventions(close: pd.DataFrame, end) -> pd.DataFrame:
    """Base dates of the usual one-month return conventions for a window ending at ``end``.

    Parameters
    ----------
    close
        Daily closes; the trading days are the days with a close.
    end
        The last day (must be a trading day).

    Returns
    -------
    DataFrame indexed by convention with ``base`` (the close the return starts from), ``end``
    and ``standard`` (True for the three conventions a reader would call standard: the same day
    a month earlier, 30 calendar days, 21 trading days).

    Raises
    ------
    DataError
        No close on ``end`` or before a base date.
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
        "calendar month (close on or before the same day a month earlier)":
            (on_or_before(end - pd.DateOffset(months=1)), True),
        "30 calendar days": (on_or_before(end - pd.Timedelta(days=30)), True),
        "21 trading days": (days[i - 21], True),
        "22 trading days": (days[i - 22], False),
        "calendar month, base the next trading day": (days[days > end - pd.DateOffset(months=1)][0], False),
        "month to date (from the previous month-end close)":
            (on_or_before((end - pd.offsets.MonthBegin(1)) - pd.Timedelta(days=1)), False),
    }
    out = pd.DataFrame([{"convention": k, "base": v[0], "end": end, "standard": v[1]} for k, v in conv.items()])
    return out.set_index("convention")


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
