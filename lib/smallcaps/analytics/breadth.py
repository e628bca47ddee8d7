"""Market breadth from a point-in-time member panel: the share of an index's members trading
above their own moving average, and whether that share is widening or narrowing.

Vectorised over the whole date x ticker panel (no loop over dates or tickers). The price panel
usually lacks members that were later acquired or delisted (survivorship), so every result
carries, per date, how many members there were and how many could be priced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..display import percent
from ..errors import DataError
from . import regimes


def share_above_average(prices: pd.DataFrame, members: pd.DataFrame, window: int = 200) -> pd.DataFrame:
    """Share of index members whose close is above their own ``window``-day moving average.

    Parameters
    ----------
    prices
        Adjusted closes, trading days x tickers (NaN where a ticker has no quote). The moving
        average is computed on each ticker's whole price history, so a stock that joins the
        index already has one.
    members
        Boolean membership, dates x tickers (e.g. ``Membership.panel``). Members absent from
        ``prices`` count as members without a price.
    window
        Trading days in the moving average (a member needs ``window`` closes to count).

    Returns
    -------
    DataFrame indexed by ``members``' dates with ``members`` (count), ``priced`` (members with a
    close and a full moving average that day), ``above`` (priced members above their average),
    ``share`` (above / priced, a fraction 0-1; NaN when none is priced) and ``coverage``
    (priced / members).

    Raises
    ------
    DataError
        ``window`` below 2.
    """
    if window < 2:
        raise DataError(f"share_above_average: window={window}; valid: 2 or more trading days")
    dates = pd.DatetimeIndex(members.index)
    cols = members.columns
    px = prices.reindex(columns=cols).astype("float64")
    ma = px.rolling(window, min_periods=window).mean()
    px_d = px.reindex(dates).to_numpy()
    ma_d = ma.reindex(dates).to_numpy()
    m = members.to_numpy(dtype=bool)
    valid = ~np.isnan(px_d) & ~np.isnan(ma_d) & m
    with np.errstate(invalid="ignore"):
        above = valid & (px_d > ma_d)
    n_mem = m.sum(axis=1)
    n_priced = valid.sum(axis=1)
    n_above = above.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(n_priced > 0, n_above / np.maximum(n_priced, 1), np.nan)
        coverage = np.where(n_mem > 0, n_priced / np.maximum(n_mem, 1), np.nan)
    out = pd.DataFrame({"members": n_mem, "priced": n_priced, "above": n_above, "share": share,
                        "coverage": coverage}, index=dates)
    out.index.name = "date"
    return out


def breadth_direction(share: pd.Series, lookback: int) -> pd.Series:
    """``widening``/``narrowing``: whether the share above average rose over the previous
    ``lookback`` trading days, known at the close of each day (shift it to condition the next)."""
    if lookback < 1:
        raise DataError(f"breadth_direction: lookback={lookback}; valid: 1 or more trading days")
    return regimes.direction(share, lookback, labels=("widening", "narrowing")).rename("breadth")


def coverage_by_year(breadth: pd.DataFrame) -> pd.DataFrame:
    """Survivorship at a glance: members and priced members on the first date and on the last
    date of each calendar year of a :func:`share_above_average` frame.

    Returns
    -------
    DataFrame indexed by date: ``members``, ``priced``, ``coverage`` (percent).
    """
    b = breadth.dropna(subset=["members"])
    if b.empty:
        return pd.DataFrame(columns=["members", "priced", "coverage"])
    picks = [b.index[0]] + list(b.groupby(b.index.year).tail(1).index)
    sel = b.loc[sorted(set(picks)), ["members", "priced"]].copy()
    sel["coverage"] = percent(sel["priced"]) / sel["members"]
    return sel
