"""Momentum analytics: momentum spreads from French's size x prior-return portfolios, regime
tests on them, fund records from prices, and small-cap leadership.

All returns are **decimal** per period (0.05 = 5%) unless a name says ``pct``. Monthly series
carry a monthly PeriodIndex (as the French tables do); daily series a DatetimeIndex.
Nothing here loads data or knows about claims: :mod:`smallcaps.claims.momentum` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

from .. import stats
from ..errors import DataError
from . import regimes
from .breadth import breadth_direction

# Column names of French's "6 Portfolios Formed on Size and Momentum (2 x 3)" tables
SMALL_HIGH, SMALL_LOW = "SMALL HiPRIOR", "SMALL LoPRIOR"
BIG_HIGH, BIG_LOW = "BIG HiPRIOR", "BIG LoPRIOR"
TRADING_DAYS = 252


# -- momentum spreads and market series --------------------------------------------------------------


def momentum_spreads(portfolios: pd.DataFrame) -> pd.DataFrame:
    """Small-cap and big-cap momentum: high minus low prior-return portfolio, within each size.

    Parameters
    ----------
    portfolios
        French's 6 size x prior-return (12-2) portfolio returns in **decimal** (convert the
        library's percent first), columns named as in the library (``SMALL HiPRIOR``...).

    Returns
    -------
    DataFrame with ``small`` (small high minus small low) and ``big`` (big high minus big low),
    decimal per period, same index.
    """
    missing = [c for c in (SMALL_HIGH, SMALL_LOW, BIG_HIGH, BIG_LOW) if c not in portfolios.columns]
    if missing:
        raise DataError(f"momentum_spreads: portfolio columns {missing} are missing; have {list(portfolios.columns)}")
    return pd.DataFrame({"small": portfolios[SMALL_HIGH] - portfolios[SMALL_LOW],
                         "big": portfolios[BIG_HIGH] - portfolios[BIG_LOW]}, index=portfolios.index)


def realised_volatility(returns: pd.Series, window: int, periods_per_year: int = 12) -> pd.Series:
    """Rolling standard deviation of ``returns`` over ``window`` periods, annualised (decimal).

    The value at t uses periods t-window+1..t (known at the end of t).
    """
    if window < 2:
        raise DataError(f"realised_volatility: window={window}; need at least 2 periods")
    return returns.rolling(window, min_periods=window).std(ddof=1) * np.sqrt(periods_per_year)


def month_end(daily: pd.Series) -> pd.Series:
    """Last value of each calendar month, on a monthly PeriodIndex (months with no value dropped)."""
    s = daily.dropna()
    out = s.groupby(s.index.to_period("M")).last()
    out.index.name = "month"
    return out


def monthly_mean(daily: pd.Series) -> pd.Series:
    """Average of each calendar month's values, on a monthly PeriodIndex."""
    s = daily.dropna()
    out = s.groupby(s.index.to_period("M")).mean()
    out.index.name = "month"
    return out


def splice(primary: pd.Series, extension: pd.Series) -> pd.Series:
    """``primary`` where it has values, ``extension`` after ``primary``'s last value.

    Used to continue a discontinued series with a measure of the same quantity (e.g. FRED's
    monthly Baa - Aaa, which ends 2023-11, with the monthly mean of the daily BAA10Y - AAA10Y).
    """
    p = primary.dropna()
    if p.empty:
        return extension.dropna()
    tail = extension.dropna()
    tail = tail[tail.index > p.index.max()]
    return pd.concat([p, tail]).sort_index()


def known_before(labels: pd.Series, periods: int = 1) -> pd.Series:
    """Labels moved forward so that the label on period t was known at the end of t-``periods``.

    A state measured at the end of month t-1 conditions the return of month t: no look-ahead.
    """
    return labels.shift(periods)


# -- regime tests -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegimeTest:
    """Mean of a return series in one regime and in another, and their difference.

    All estimates are in the series' units per period (decimal); ``diff`` is the mean in
    ``regime`` minus the mean in ``other`` with a Newey-West interval, ``boot`` the same
    difference with a stationary block-bootstrap interval (None when not computed or when
    either regime has too few observations).
    """

    regime: str
    other: str
    mean_regime: float
    mean_other: float
    diff: stats.Estimate | None
    boot: stats.Estimate | None
    n_regime: int
    n_other: int
    start: pd.Period | pd.Timestamp | None
    end: pd.Period | pd.Timestamp | None

    @property
    def n(self) -> int:
        return self.n_regime + self.n_other

    def significant(self, sign: int = -1) -> bool:
        """Whether the difference has sign ``sign`` with both intervals (HAC and, when
        computed, bootstrap) excluding zero."""
        if self.diff is None:
            return False
        ok = (self.diff.ci_high < 0) if sign < 0 else (self.diff.ci_low > 0)
        if self.boot is not None:
            ok = ok and ((self.boot.ci_high < 0) if sign < 0 else (self.boot.ci_low > 0))
        return bool(ok)

    def row(self, scale: float = 1.0) -> dict:
        """A flat table row (values multiplied by ``scale``, e.g. 100 for percent)."""
        d, b = self.diff, self.boot
        return {
            "regime": self.regime, "other": self.other,
            "mean in regime": self.mean_regime * scale, "mean otherwise": self.mean_other * scale,
            "difference": d.value * scale if d else np.nan,
            "HAC low": d.ci_low * scale if d else np.nan, "HAC high": d.ci_high * scale if d else np.nan,
            "t": d.t if d else np.nan,
            "boot low": b.ci_low * scale if b else np.nan, "boot high": b.ci_high * scale if b else np.nan,
            "n regime": self.n_regime, "n other": self.n_other,
        }


def regime_test(x: pd.Series, labels: pd.Series, regime: str, other: str, *, bootstrap: bool = True,
                min_each: int = 6, overlap: int = 1, block: str | float | None = None) -> RegimeTest:
    """Compare the mean of ``x`` in two regimes: ``regime`` minus ``other``.

    Parameters
    ----------
    x
        Returns (decimal per period).
    labels
        Regime label per period, aligned on ``x`` (NaN: no regime known, row dropped). The label
        must already be known before the period it conditions (see :func:`known_before`).
    regime, other
        The two labels compared (rows with any other label are dropped).
    bootstrap
        Also compute a stationary block-bootstrap interval for the difference.
    min_each
        Fewer observations than this in either regime gives no interval (``diff`` is None).
    block
        The bootstrap's expected block length: None (or ``"politis-white"``) for the
        Politis-White length of ``x``,
        ``"spell"`` for the longer of that and the mean spell of the regimes compared
        (:func:`smallcaps.stats.regime_block`: a block keeps a regime's persistence), or a number.

    Returns
    -------
    RegimeTest
    """
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "r": pd.Series(labels, dtype=object)}, axis=1).dropna()
    df = df[df["r"].isin([regime, other])]
    flag = df["r"] == regime
    n1, n0 = int(flag.sum()), int((~flag).sum())
    m1 = float(df.loc[flag, "x"].mean()) if n1 else np.nan
    m0 = float(df.loc[~flag, "x"].mean()) if n0 else np.nan
    diff = boot = None
    if n1 >= min_each and n0 >= min_each:
        diff = stats.diff_in_means_hac(df["x"], flag, overlap=overlap)
        if bootstrap:
            b: float | None
            if block == "spell":
                b = stats.regime_block(df["x"], flag)
            elif block is None or block == "politis-white":
                b = None
            else:
                b = float(block)
            boot = stats.bootstrap_diff_in_means(df["x"], flag, block=b)
    start = df.index.min() if len(df) else None
    end = df.index.max() if len(df) else None
    return RegimeTest(regime, other, m1, m0, diff, boot, n1, n0, start, end)


def crash_concentration(x: pd.Series, flag: pd.Series, quantile: float = 0.05) -> dict:
    """Where the worst periods of ``x`` sit relative to a regime.

    Returns
    -------
    dict with ``crashes`` (periods in the bottom ``quantile``), ``in_regime`` (how many of them
    fell in periods where ``flag`` is true), ``share_crashes`` (fraction of crashes in the regime)
    and ``share_all`` (fraction of all periods in the regime), over periods where both are known.
    """
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "f": pd.Series(flag)}, axis=1).dropna()
    if df.empty:
        return {"crashes": 0, "in_regime": 0, "share_crashes": np.nan, "share_all": np.nan, "threshold": np.nan}
    f = df["f"].astype(bool)
    thr = float(df["x"].quantile(quantile))
    crash = df["x"] <= thr
    return {"crashes": int(crash.sum()), "in_regime": int((crash & f).sum()),
            "share_crashes": float((crash & f).sum() / crash.sum()), "share_all": float(f.mean()), "threshold": thr}


def halves(index: pd.Index) -> list[tuple]:
    """Split an ordered index into two halves: ``[(first, last), (first, last)]`` of each."""
    n = len(index)
    if n < 2:
        raise DataError(f"halves: {n} observations; need at least 2")
    mid = n // 2
    return [(index[0], index[mid - 1]), (index[mid], index[-1])]


# -- leadership ----------------------------------------------------------------------------------------


def compounded(returns: pd.Series, periods: int) -> pd.Series:
    """Compounded return over the ``periods`` periods ending at t (decimal)."""
    return (1.0 + returns).rolling(periods, min_periods=periods).apply(np.prod, raw=True) - 1.0


def leadership(small: pd.Series, large: pd.Series | None, months: int) -> pd.Series:
    """``leading``/``lagging``: whether small caps beat large caps over the ``months`` before t.

    Parameters
    ----------
    small
        Small-cap returns, or a long-short small-minus-large return (e.g. French SMB) when
        ``large`` is None (decimal per month).
    large
        Large-cap returns, or None.
    months
        Look-back; the label on month t uses months t-months..t-1 (known at the start of t).
    """
    if large is None:
        rel = compounded(small, months)
    else:
        both = pd.concat([small, large], axis=1).dropna()
        rel = compounded(both.iloc[:, 0], months) - compounded(both.iloc[:, 1], months)
    lab = pd.Series(np.where(rel > 0, "leading", "lagging"), index=rel.index, dtype=object).where(rel.notna())
    return known_before(lab).rename(f"small caps, {months}m")


# -- fund records from daily prices ----------------------------------------------------------------


def base_close(close: pd.Series, date) -> tuple[pd.Timestamp, bool] | None:
    """The close a record starts from: the last close on or before ``date``, or, for a fund that
    started later, its first close. Returns ``(date, from_inception)`` or None without prices."""
    s = close.dropna()
    if s.empty:
        return None
    before = s.loc[: pd.Timestamp(date)]
    if len(before):
        return before.index[-1], False
    return s.index[0], True


def fund_record(close: pd.Series, rf_daily: pd.Series | None, start, end) -> dict:
    """Annualised return, volatility, Sharpe ratio and maximum drawdown of one fund.

    Parameters
    ----------
    close
        Adjusted closes (USD).
    rf_daily
        Risk-free return per trading day (decimal), or None for a Sharpe ratio on raw returns.
    start
        Base date: the record starts from the last close on or before it (or the fund's first).
    end
        Last date.

    Returns
    -------
    dict: ``base`` (first close used), ``last``, ``years``, ``days`` (daily returns),
    ``from_inception``, ``ann_return``, ``volatility``, ``sharpe``, ``max_drawdown`` (decimals;
    NaN when fewer than 20 returns).
    """
    s = close.dropna().loc[: pd.Timestamp(end)]
    b = base_close(s, start)
    empty = {"base": None, "last": None, "years": np.nan, "days": 0, "from_inception": None, "ann_return": np.nan,
             "volatility": np.nan, "sharpe": np.nan, "max_drawdown": np.nan}
    if b is None:
        return empty
    base, incep = b
    s = s.loc[base:]
    r = (s / s.shift(1) - 1.0).iloc[1:]
    if len(r) < 20:
        return {**empty, "base": base, "last": s.index[-1], "days": len(r), "from_inception": incep}
    years = (s.index[-1] - base).days / 365.25
    ann = (s.iloc[-1] / s.iloc[0]) ** (1.0 / years) - 1.0
    vol = r.std(ddof=1) * np.sqrt(TRADING_DAYS)
    rf = 0.0 if rf_daily is None else rf_daily.reindex(r.index).ffill().fillna(0.0)
    ex = r - rf
    sharpe = ex.mean() / ex.std(ddof=1) * np.sqrt(TRADING_DAYS)
    mdd = float((s / s.cummax() - 1.0).min())
    return {"base": base, "last": s.index[-1], "years": years, "days": len(r), "from_inception": incep,
            "ann_return": float(ann), "volatility": float(vol), "sharpe": float(sharpe), "max_drawdown": mdd}


def log_return_gap(a: pd.Series, b: pd.Series, start, end, *, periods_per_year: int = TRADING_DAYS) -> stats.Estimate:
    """Annualised gap in log returns of fund A over fund B, with a Newey-West interval.

    The daily gap ``ln(1 + r_A) - ln(1 + r_B)`` on common trading days after the base close
    (the last common close on or before ``start``, or the first common close) through ``end``,
    averaged and multiplied by ``periods_per_year``. Its sign is the sign of A's compounded
    return minus B's over those days, so "A beat B" and "the gap is positive" are the same
    statement. Decimal per year.

    Raises
    ------
    DataError
        Fewer than 20 common daily returns.
    """
    both = pd.concat([a, b], axis=1).dropna().loc[: pd.Timestamp(end)]
    if both.empty:
        raise DataError(f"log_return_gap: {a.name} and {b.name} have no common prices before "
                        f"{pd.Timestamp(end).date()}")
    before = both.loc[: pd.Timestamp(start)]
    base = before.index[-1] if len(before) else both.index[0]
    both = both.loc[base:]
    lr = np.log(both / both.shift(1)).iloc[1:]
    gap = (lr.iloc[:, 0] - lr.iloc[:, 1]).dropna()
    if len(gap) < 20:
        raise DataError(f"log_return_gap: {len(gap)} common daily returns of {a.name} and {b.name}; need at least 20")
    return stats.mean_hac(gap).scaled(periods_per_year)


def fund_records(closes: pd.DataFrame, rf_daily: pd.Series | None, since, end,
                 switches: dict[str, pd.Timestamp] | None = None) -> pd.DataFrame:
    """:func:`fund_record` of every fund (column of ``closes``) from ``since`` to ``end``.

    Parameters
    ----------
    closes
        Adjusted closes (USD), one column per fund.
    rf_daily
        Risk-free return per trading day (decimal), or None.
    since, end
        Base date (the last close on or before it, or a fund's first close) and last date.
    switches
        Fund -> first day on its current index, for funds that changed index.

    Returns
    -------
    DataFrame indexed by fund (``fund``): ``base``, ``last`` (Timestamps or None), ``years``,
    ``days``, ``ann_return``, ``volatility``, ``sharpe``, ``max_drawdown`` (decimals) and
    ``index_change`` (the switch date when it falls inside the record, else NaT).
    """
    switches = switches or {}
    rows = {}
    for t in closes.columns:
        rec = fund_record(closes[t].loc[: pd.Timestamp(end)], rf_daily, pd.Timestamp(since), end)
        switch = switches.get(t)
        inside = switch is not None and rec["base"] is not None and rec["base"] < switch <= rec["last"]
        rows[t] = {**{k: rec[k] for k in ("base", "last", "years", "days", "ann_return", "volatility", "sharpe",
                                          "max_drawdown")},
                   "index_change": switch if inside else pd.NaT}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "fund"
    return out


def fund_gaps(closes: pd.DataFrame, fund: str, peers, since, end) -> pd.DataFrame:
    """:func:`log_return_gap` of ``fund`` over each peer from ``since`` to ``end`` (decimal a year).

    Returns
    -------
    DataFrame indexed by peer (``peer``): ``gap``, ``ci_low``, ``ci_high`` (95% Newey-West,
    decimal a year), ``t``, ``days`` (daily returns used), ``from`` (the base close) and ``to``
    (Timestamps). A peer with fewer than 20 common daily returns gets NaN, 0 days and NaT.
    """
    end = pd.Timestamp(end)
    a = closes[fund].loc[:end].rename(fund)
    rows = {}
    for p in peers:
        b = closes[p].loc[:end].rename(p)
        try:
            e = log_return_gap(a, b, pd.Timestamp(since), end)
        except DataError:
            rows[p] = {"gap": np.nan, "ci_low": np.nan, "ci_high": np.nan, "t": np.nan, "days": 0, "from": pd.NaT,
                       "to": pd.NaT}
            continue
        both = pd.concat([a, b], axis=1).dropna()
        base = both.loc[: pd.Timestamp(since)].index
        rows[p] = {"gap": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t, "days": e.n,
                   "from": base[-1] if len(base) else both.index[0], "to": both.index[-1]}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "peer"
    return out


def growth_of_one(closes: pd.DataFrame, since) -> pd.DataFrame:
    """Growth of $1 in each fund from the last common close on or before ``since`` (or the first
    common close), tidy: ``date``, ``fund``, ``growth``."""
    c = closes.dropna()
    if c.empty:
        return pd.DataFrame(columns=["date", "fund", "growth"])
    base = c.loc[: pd.Timestamp(since)]
    c = c.loc[base.index[-1] if len(base) else c.index[0]:]
    g = c / c.iloc[0]
    return g.reset_index().melt(id_vars=g.index.name or "index", var_name="fund", value_name="growth")


def daily_returns(closes: pd.DataFrame) -> pd.DataFrame:
    """Simple daily returns on the days every column has a close (decimal)."""
    c = closes.dropna()
    return (c / c.shift(1) - 1.0).iloc[1:]


def monthly_returns(closes: pd.DataFrame, *, drop_first: bool = True) -> pd.DataFrame:
    """Month-end to month-end returns (decimal, monthly PeriodIndex) on the days every column has a
    close; ``drop_first`` drops the first month, usually partial (a fund that started mid-month)."""
    c = closes.dropna()
    me = c.groupby(c.index.to_period("M")).last()
    r = (me / me.shift(1) - 1.0).iloc[1:]
    return r.iloc[1:] if drop_first else r


def yield_moves(yields: pd.Series) -> pd.Series:
    """``rising``/``falling``: the yield's change over each period (same period as the return it
    sorts: what happens when rates reprice), NaN where the change is unknown."""
    ch = yields.diff()
    return pd.Series(np.where(ch > 0, "rising", "falling"), index=yields.index, dtype=object).where(ch.notna())


# -- regime labels --------------------------------------------------------------------------------


def century_regimes(market: pd.Series, vix: pd.Series, credit: pd.Series, gs10: pd.Series, index: pd.Index, *,
                    market_lookback: int, vol_measure: str, vol_window: int, credit_measure: str,
                    credit_lookback: int, rates_measure: str, rates_lookback: int) -> pd.DataFrame:
    """Each month's market-state, volatility, credit and rates regime, known before the month.

    Parameters
    ----------
    market
        Monthly market return (decimal, monthly PeriodIndex).
    vix
        Daily VIX close (points).
    credit
        Monthly Baa - Aaa spread (pp).
    gs10
        Monthly 10-year Treasury yield (percent).
    index
        The months to label.
    market_lookback
        The market state is the sign of the market's compounded return over the previous
        ``market_lookback`` months (Cooper, Gutierrez and Hameed, 2004).
    vol_measure, vol_window
        ``realised``: annualised standard deviation of the previous ``vol_window`` monthly market
        returns against its median to date; ``vix``: month-end VIX against its median to date.
    credit_measure, credit_lookback
        ``change``: the spread widening or narrowing over ``credit_lookback`` months; ``level``:
        above or below its median to date.
    rates_measure, rates_lookback
        ``change``: the yield rising or falling over ``rates_lookback`` months; ``level``: above
        or below its median to date.

    Returns
    -------
    DataFrame on ``index`` with ``market state`` (down/up), ``volatility`` (high/low),
    ``credit`` (widening/narrowing or high/low) and ``rates`` (rising/falling or high/low).
    """
    state = regimes.market_state(market, market_lookback)  # already uses t-lookback..t-1
    if vol_measure == "realised":
        vol = regimes.high_low(realised_volatility(market, vol_window))
    else:
        vol = regimes.high_low(month_end(vix))
    if credit_measure == "change":
        cr = regimes.direction(credit, credit_lookback, labels=("widening", "narrowing"))
    else:
        cr = regimes.high_low(credit)
    if rates_measure == "change":
        rates = regimes.direction(gs10, rates_lookback, labels=("rising", "falling"))
    else:
        rates = regimes.high_low(gs10)
    return pd.DataFrame({
        "market state": state.reindex(index),
        "volatility": known_before(vol).reindex(index),
        "credit": known_before(cr).reindex(index),
        "rates": known_before(rates).reindex(index),
    }, index=index)


def recent_regimes(days: pd.DatetimeIndex, trading: pd.DatetimeIndex, breadth: dict[str, pd.Series | None],
                   hy: pd.Series, tnx: pd.Series, lookback: int) -> pd.DataFrame:
    """Daily regimes on ``days``, each known at the previous close.

    Parameters
    ----------
    days
        The days to label.
    trading
        The trading-day calendar (FRED's high-yield spread leaves holidays out: it is carried over
        up to five days on this calendar).
    breadth
        Label -> share of members above their moving average (fraction, daily), or None when
        the index has no member panel; each becomes a ``narrowing``/``widening`` column.
    hy
        ICE BofA US high-yield option-adjusted spread (percent, daily).
    tnx
        10-year Treasury yield (percent, daily).
    lookback
        Trading days over which each series rises or falls.

    Returns
    -------
    DataFrame on ``days``: one column per breadth label, ``high-yield spread``
    (widening/narrowing) and ``10-year yield`` (rising/falling).
    """
    cols = {}
    for label, share in breadth.items():
        if share is None:
            cols[label] = pd.Series(np.nan, index=days, dtype=object)
            continue
        cols[label] = known_before(breadth_direction(share, lookback)).reindex(days)
    h = hy.reindex(trading).ffill(limit=5)  # FRED leaves holidays out
    h = h.loc[(h.index >= hy.index.min()) & (h.index <= hy.index.max())]
    h_lab = regimes.direction(h, lookback, labels=("widening", "narrowing"))
    cols["high-yield spread"] = known_before(h_lab).reindex(days)
    y = tnx.reindex(trading).ffill(limit=5)
    cols["10-year yield"] = known_before(regimes.direction(y, lookback, labels=("rising", "falling"))).reindex(days)
    return pd.DataFrame(cols, index=days)


# -- conditional market exposure (M4) ----------------------------------------------------------------


def _aligned(y: pd.Series, market: pd.Series, flag: pd.Series, what: str) -> pd.DataFrame:
    df = pd.concat({"y": pd.Series(y, dtype="float64"), "m": pd.Series(market, dtype="float64"),
                    "f": pd.Series(flag, dtype="float64")}, axis=1).dropna()
    if df.empty or df["f"].nunique() < 2:
        raise DataError(f"{what}: {len(df)} periods with returns and a state, and the state never changes; need both "
                        f"states")
    return df


def state_betas(y: pd.Series, market: pd.Series, state: pd.Series):
    """Market beta of ``y`` in a state and outside it, on the whole series (so Newey-West errors
    run over contiguous periods): ``y = a + a_S S + b_0 m (1 - S) + b_S m S + e``.

    Parameters
    ----------
    y
        Returns (decimal per period).
    market
        The market's excess return over the same periods (decimal).
    state
        1 in the state (a down market, a late-cycle stretch...), 0 outside it, known before the
        period (NaN: unknown).

    Returns
    -------
    statsmodels results with terms ``const``, ``state``, ``beta otherwise``, ``beta in state``
    (see :func:`in_state` for the alpha and beta in the state).

    Raises
    ------
    DataError
        Only one state in the sample.
    """
    df = _aligned(y, market, state, "state_betas")
    X = pd.DataFrame({"state": df["f"], "beta otherwise": df["m"] * (1 - df["f"]), "beta in state": df["m"] * df["f"]})
    return stats.ols_hac(df["y"], X)


def in_state(res, level: float = stats.DEFAULT_LEVEL) -> dict[str, stats.Estimate]:
    """The alpha (``const + state``, per period) and beta (``beta in state``) in the state of a
    :func:`state_betas` regression, each with its Newey-West interval."""
    out = {}
    names = list(res.params.index)
    for key, weights in (("alpha", {"const": 1.0, "state": 1.0}), ("beta", {"beta in state": 1.0})):
        r = np.array([weights.get(n, 0.0) for n in names])
        tt = res.t_test(r)
        value, se = float(np.squeeze(tt.effect)), float(np.squeeze(tt.sd))
        z = float(sps.norm.ppf(0.5 + level / 2))
        t = value / se if se > 0 else float("nan")
        p = float(2 * sps.norm.sf(abs(t))) if se > 0 else float("nan")
        out[key] = stats.Estimate(value, se, value - z * se, value + z * se, level, t, p, int(res.nobs),
                                  f"HAC (Newey-West, {getattr(res, 'hac_lags', '?')} lags)")
    return out


def dm_regression(y: pd.Series, market: pd.Series, bear: pd.Series, *, rebound: bool = True):
    """Daniel and Moskowitz's (2016, eq. 3) market-timing regression of a momentum return:
    ``y = a0 + a_B B + (b0 + B (b_B + U b_BU)) m + e``, with ``B`` the bear indicator known before
    the period, ``m`` the market's excess return and ``U`` = 1 when ``m`` is positive in the same
    period (a rebound); without ``rebound`` the ``b_BU`` term is left out (their Table 3, the
    column before). OLS with Newey-West errors.

    Returns
    -------
    statsmodels results with terms ``const``, ``bear``, ``market``, ``bear x market`` and, with
    ``rebound``, ``bear x up x market``.

    Raises
    ------
    DataError
        Only one state in the sample.
    """
    df = _aligned(y, market, bear, "dm_regression")
    up = (df["m"] > 0).astype(float)
    X = pd.DataFrame({"bear": df["f"], "market": df["m"], "bear x market": df["f"] * df["m"]})
    if rebound:
        X["bear x up x market"] = df["f"] * up * df["m"]
    return stats.ols_hac(df["y"], X)


def late_cycle(market: pd.Series, months: int = 24, quantile: float = 0.8, *, expanding: bool = False,
               min_periods: int = 120) -> pd.Series:
    """1 after a late-cycle stretch, 0 otherwise: the market's compounded return over the
    ``months`` before period t is in its top ``1 - quantile`` (top fifth by default), known at the
    start of t.

    The cut-off is the ``quantile`` of that return over the whole sample (a description of when
    late-cycle months were), or, with ``expanding``, over the periods before t only (what an
    investor could have known; NaN until ``min_periods`` values exist).
    """
    past = compounded(pd.Series(market, dtype="float64"), months).shift(1)
    if expanding:
        cut = past.expanding(min_periods=min_periods).quantile(quantile).shift(1)
    else:
        cut = pd.Series(past.dropna().quantile(quantile), index=past.index)
    return (past >= cut).astype(float).where(past.notna() & cut.notna()).rename(f"late cycle, {months}m")
