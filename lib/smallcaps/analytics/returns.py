"""Returns, relative performance and risk measures from prices or return series.

All returns here are **decimal** per period (0.05 = 5%). Prices are levels (adjusted closes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

PERIODS_PER_YEAR = {"D": 252, "W": 52, "M": 12, "Q": 4, "Y": 1}


def from_percent(frame):
    """French-library and FRED-style percent values to decimals."""
    return frame / 100.0


def period_returns(prices, freq: str | None = None):
    """Simple returns of prices.

    Parameters
    ----------
    prices
        Series or DataFrame of price levels with a DatetimeIndex.
    freq
        None for the prices' own frequency (daily), else a pandas offset alias for the last
        price of each period: ``"W-FRI"``, ``"ME"`` (month end), ``"QE"``, ``"YE"``.

    Returns
    -------
    Same type as ``prices``: decimal returns; the first period (no prior price) is dropped.
    Leading NaNs before a series starts stay NaN; gaps are not filled across missing quotes.
    """
    p = prices if freq is None else prices.resample(freq).last()
    r = p / p.shift(1) - 1.0
    return r.iloc[1:]


def cumulative(returns, start_value: float = 0.0):
    """Compounded cumulative return (decimal) from periodic returns; NaN counts as zero."""
    return (1.0 + returns.fillna(0.0)).cumprod() - 1.0 + start_value


def window_return(prices, start, end):
    """Return from the last close on or before ``start`` to the last close on or before ``end``.

    Parameters
    ----------
    prices
        Series or DataFrame of levels.
    start, end
        Dates; the base is the close at ``start`` (use the previous year's last trading day for
        year-to-date).

    Returns
    -------
    float or Series (decimal); NaN for a series with no price at either end.
    """
    p = prices.loc[: pd.Timestamp(end)]
    if len(p) == 0:
        return np.nan if isinstance(prices, pd.Series) else pd.Series(np.nan, index=prices.columns)
    base = prices.loc[: pd.Timestamp(start)]
    if len(base) == 0:
        return np.nan if isinstance(prices, pd.Series) else pd.Series(np.nan, index=prices.columns)
    b = base.ffill().iloc[-1]
    e = p.ffill().iloc[-1]
    return e / b - 1.0


def year_to_date(prices, as_of) -> pd.DataFrame:
    """Daily year-to-date path up to ``as_of``: cumulative return since the prior year's last close.

    Returns
    -------
    DataFrame (decimal), one row per trading day of ``as_of``'s year up to ``as_of``.

    Raises
    ------
    DataError
        No price on the last trading day of the previous year, or none in the year.
    """
    as_of = pd.Timestamp(as_of)
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    prev = frame.loc[: pd.Timestamp(as_of.year - 1, 12, 31)]
    cur = frame.loc[pd.Timestamp(as_of.year, 1, 1): as_of]
    if len(prev) == 0 or len(cur) == 0:
        raise DataError(f"no year-to-date window for {as_of.year}: prices cover "
                        f"{frame.index.min().date()}..{frame.index.max().date()}")
    base = prev.iloc[-1]
    if base.isna().all():
        raise DataError(f"no year-to-date window for {as_of.year}: no price on the last trading day of "
                        f"{as_of.year - 1} ({prev.index[-1].date()})")
    return cur / base - 1.0


def calendar_year_returns(prices, *, min_coverage: float = 0.95) -> pd.DataFrame:
    """Calendar-year returns (last close of the year over last close of the previous year).

    A year is reported only if the series has a close on the prior year's last trading day
    and covers at least ``min_coverage`` of the year's trading days (so a fund's partial first
    year is NaN, not a misleading number). Years with a year-end in the data only.

    Returns
    -------
    DataFrame indexed by year (int), decimal returns.
    """
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    ye = frame.resample("YE").last()
    counts = frame.notna().resample("YE").sum()
    days = frame.index.to_series().resample("YE").count()
    cover = counts.div(days, axis=0)
    r = ye / ye.shift(1) - 1.0
    prev_ok = (frame.resample("YE").apply(lambda s: s.notna().iloc[-1] if len(s) else False)
               .shift(1).fillna(False).astype(bool))
    r = r.where(cover >= min_coverage).where(prev_ok)
    # drop the last year if it is not complete (no December close)
    last_day = frame.index.max()
    if not (last_day.month == 12 and last_day.day >= 28):
        r = r.iloc[:-1]
    r.index = r.index.year
    r.index.name = "year"
    return r.iloc[1:]


def annualised_return(returns, periods_per_year: int) -> float | pd.Series:
    """Geometric average return per year (decimal) from periodic returns (NaNs dropped)."""
    def one(s):
        s = s.dropna()
        if len(s) == 0:
            return np.nan
        return float((1.0 + s).prod() ** (periods_per_year / len(s)) - 1.0)
    return returns.apply(one) if isinstance(returns, pd.DataFrame) else one(returns)


def annualised_volatility(returns, periods_per_year: int):
    """Standard deviation of periodic returns times sqrt(periods per year) (decimal)."""
    return returns.std(ddof=1) * np.sqrt(periods_per_year)


def sharpe_ratio(returns, rf, periods_per_year: int):
    """Annualised Sharpe ratio: mean excess return over its volatility, times sqrt(periods).

    ``rf`` is the risk-free return per period (decimal), a scalar or a series aligned on
    ``returns``.
    """
    ex = returns.sub(rf, axis=0) if isinstance(returns, pd.DataFrame) else returns - rf
    return ex.mean() / ex.std(ddof=1) * np.sqrt(periods_per_year)


def drawdown(prices):
    """Drawdown from the running peak (decimal, <= 0)."""
    peak = prices.cummax()
    return prices / peak - 1.0


def max_drawdown(prices):
    """Worst drawdown (decimal, <= 0)."""
    return drawdown(prices).min()


def relative(prices_a: pd.Series, prices_b: pd.Series) -> pd.Series:
    """Price of A relative to B, rebased to 1 at the first common date."""
    both = pd.concat([prices_a, prices_b], axis=1).dropna()
    if both.empty:
        raise DataError(f"{prices_a.name} and {prices_b.name} have no common dates")
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    return ratio / ratio.iloc[0]


def rolling_excess(prices_a: pd.Series, prices_b: pd.Series, horizon: int) -> pd.Series:
    """Return of A minus return of B over rolling windows of ``horizon`` trading days (decimal).

    Overlapping by construction: use HAC errors (``overlap=horizon``) for any test on it.
    """
    both = pd.concat([prices_a, prices_b], axis=1).dropna()
    ra = both.iloc[:, 0] / both.iloc[:, 0].shift(horizon) - 1.0
    rb = both.iloc[:, 1] / both.iloc[:, 1].shift(horizon) - 1.0
    return (ra - rb).dropna().rename(f"{prices_a.name}-{prices_b.name} {horizon}d")


def beta(asset, market) -> float:
    """OLS slope of asset returns on market returns (common non-missing dates)."""
    df = pd.concat([asset, market], axis=1).dropna()
    if len(df) < 3:
        return np.nan
    c = np.cov(df.iloc[:, 0], df.iloc[:, 1], ddof=1)
    return float(c[0, 1] / c[1, 1])


def capture_ratio(asset, market, side: str = "down") -> float:
    """Downside (or upside) capture: compounded asset return over compounded market return,
    on the periods when the market fell (or rose). Below 1 on the downside means it lost less."""
    if side not in ("down", "up"):
        raise ValueError(f"side={side!r}; valid: down, up")
    df = pd.concat([asset, market], axis=1).dropna()
    mask = df.iloc[:, 1] < 0 if side == "down" else df.iloc[:, 1] > 0
    if mask.sum() == 0:
        return np.nan
    a = (1.0 + df.iloc[:, 0][mask]).prod() ** (1.0 / mask.sum()) - 1.0
    m = (1.0 + df.iloc[:, 1][mask]).prod() ** (1.0 / mask.sum()) - 1.0
    return float(a / m)
