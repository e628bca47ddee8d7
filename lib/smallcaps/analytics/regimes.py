"""Regime definitions shared by the chapters: state labels from observable variables, with no
look-ahead unless a function says so.

Each function returns a Series of labels (or booleans) aligned on its input's index; the label
at date t uses information available at t only (lagged or expanding-window statistics).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def market_state(market_returns: pd.Series, lookback: int) -> pd.Series:
    """``up``/``down`` from the sign of the market's cumulative return over the previous
    ``lookback`` periods (Cooper, Gutierrez and Hameed, 2004), known at the start of period t.

    ``market_returns`` are decimal periodic returns; the state for period t uses t-lookback..t-1.
    """
    cum = (1.0 + market_returns).rolling(lookback).apply(np.prod, raw=True) - 1.0
    state = np.sign(cum.shift(1))
    return state.map({1.0: "up", -1.0: "down", 0.0: "down"}).rename(f"market {lookback}m")


def high_low(series: pd.Series, *, method: str = "expanding_median", min_periods: int = 24,
             window: int | None = None, labels=("high", "low")) -> pd.Series:
    """Label each date high or low relative to a threshold known at that date.

    Parameters
    ----------
    method
        ``expanding_median`` (median of all prior values: no look-ahead), ``rolling_median``
        (prior ``window`` values) or ``full_median`` (whole-sample median: look-ahead, for
        descriptive splits only).
    """
    s = series.astype("float64")
    if method == "expanding_median":
        thr = s.expanding(min_periods=min_periods).median().shift(1)
    elif method == "rolling_median":
        if not window:
            raise ValueError("rolling_median needs window")
        thr = s.rolling(window, min_periods=min(min_periods, window)).median().shift(1)
    elif method == "full_median":
        thr = pd.Series(s.median(), index=s.index)
    else:
        raise ValueError(f"method={method!r}; valid: expanding_median, rolling_median, full_median")
    out = pd.Series(np.where(s > thr, labels[0], labels[1]), index=s.index, dtype=object)
    return out.where(thr.notna() & s.notna()).rename(series.name)


def direction(series: pd.Series, lookback: int, labels=("rising", "falling")) -> pd.Series:
    """``rising``/``falling``: sign of the change over the previous ``lookback`` periods
    (a level at t compared with t-lookback; known at t)."""
    chg = series - series.shift(lookback)
    out = pd.Series(np.where(chg > 0, labels[0], labels[1]), index=series.index, dtype=object)
    return out.where(chg.notna()).rename(series.name)


def run_lengths(flags: pd.Series) -> pd.DataFrame:
    """Consecutive runs of equal values.

    Returns
    -------
    DataFrame with ``value``, ``start``, ``end`` and ``length`` (periods) per run.
    """
    s = flags.dropna()
    if s.empty:
        return pd.DataFrame(columns=["value", "start", "end", "length"])
    block = (s != s.shift()).cumsum()
    g = s.groupby(block)
    return pd.DataFrame({"value": g.first(), "start": g.apply(lambda x: x.index[0]),
                         "end": g.apply(lambda x: x.index[-1]), "length": g.size()}).reset_index(drop=True)
