"""Predictive regressions of long-horizon returns on a valuation predictor.

The set-up (monthly data, horizon h months)::

    y_t = (12 / h) * sum_{k=1..h} r_{t+k}      # subsequent annualised log return, decimal per year
    y_t = a + b x_t + e_t                     # x_t known at the end of month t

Overlapping windows make the errors autocorrelated up to h-1 lags, so slopes get Newey-West
errors with at least h-1 lags (:func:`smallcaps.stats.ols_hac` with ``overlap=h``)
{cite}`newey1987`. Out of sample, each month's forecast uses only pairs whose outcome was
known by then (``s + h <= t``), against the historical mean of the same outcomes
(Campbell and Thompson, 2008; Welch and Goyal, 2008).

Persistent predictors bias the slope in small samples (Stambaugh, 1999); :func:`stambaugh_bias`
gives the first-order size of that bias on non-overlapping annual data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps

from .. import stats
from ..errors import DataError


def _monthly(s: pd.Series) -> pd.Series:
    if not isinstance(s.index, pd.PeriodIndex):
        raise DataError(f"{s.name or 'series'} needs a monthly PeriodIndex")
    return s.astype("float64").sort_index()


def forward_sum(returns: pd.Series, horizon: int) -> pd.Series:
    """Sum of the next ``horizon`` periods' values: ``out[t] = r[t+1] + ... + r[t+horizon]``.

    NaN where any of those periods is missing or lies beyond the series' end, so a series cut at
    a window's end never borrows returns from outside it.
    """
    if horizon < 1:
        raise DataError(f"horizon={horizon}; valid: 1 or more periods")
    r = returns.astype("float64")
    summed = r.rolling(horizon, min_periods=horizon).sum()
    return summed.shift(-horizon).rename(f"next {horizon}")


def predictive_frame(predictor: pd.Series, log_returns: pd.Series, horizon: int, start=None, end=None) -> pd.DataFrame:
    """Aligned predictor and subsequent annualised return, both confined to ``start..end``.

    Parameters
    ----------
    predictor
        ``x_t`` with a monthly PeriodIndex (known at the end of month t).
    log_returns
        Monthly log returns (decimal) with a monthly PeriodIndex, e.g. ``log(1+r_small) - log(1+r_large)``.
    horizon
        Months ahead (12, 36, 60).
    start, end
        Window dates: predictor dates and every month of every forward return lie inside, so the
        last predictor date is ``horizon`` months before the window's last month.

    Returns
    -------
    DataFrame with columns ``x`` and ``y`` (annualised: ``12/horizon`` times the forward sum),
    complete rows only, monthly PeriodIndex.
    """
    x = _monthly(predictor)
    r = _monthly(log_returns)
    if start is not None:
        lo = pd.Period(pd.Timestamp(start), freq="M")
        x, r = x.loc[lo:], r.loc[lo:]
    if end is not None:
        hi = pd.Period(pd.Timestamp(end), freq="M")
        x, r = x.loc[:hi], r.loc[:hi]
    # reindex returns on a full monthly range so that a gap is a NaN, not a silent shift
    if len(r):
        r = r.reindex(pd.period_range(r.index.min(), r.index.max(), freq="M"))
    y = forward_sum(r, horizon) * (12.0 / horizon)
    out = pd.concat({"x": x, "y": y.reindex(x.index)}, axis=1).dropna()
    out.index.name = "month"
    return out


@dataclass(frozen=True)
class PredictiveFit:
    """An in-sample predictive regression.

    Attributes
    ----------
    horizon
        Months ahead.
    slope, intercept
        :class:`~smallcaps.stats.Estimate` (HAC) of ``b`` and ``a`` (y per unit of x).
    r2
        In-sample R-squared.
    sd_x
        Standard deviation of the predictor (to express the slope per one-sd move).
    resid_var
        Residual variance of y (used in prediction intervals).
    n, first, last
        Observations and the first and last predictor months.
    result
        The statsmodels results object (``summary()``).
    """

    horizon: int
    slope: stats.Estimate
    intercept: stats.Estimate
    r2: float
    sd_x: float
    resid_var: float
    n: int
    first: pd.Period
    last: pd.Period
    result: Any  # the fitted statsmodels results object

    def slope_per_sd(self) -> stats.Estimate:
        """The slope times the predictor's standard deviation: change in y per one-sd wider x."""
        return self.slope.scaled(self.sd_x)

    def predict(self, x0: float, level: float = stats.DEFAULT_LEVEL) -> dict[str, float]:
        """Point forecast of y at ``x0`` with a prediction interval.

        The interval adds the HAC variance of the fitted mean (``[1, x0] V [1, x0]'``) to the
        residual variance: the spread of one future h-month outcome around the line.

        Returns
        -------
        dict with ``forecast``, ``pi_low``, ``pi_high``, ``ci_low``, ``ci_high`` (interval of the
        fitted mean alone) and ``level``.
        """
        v = np.asarray(self.result.cov_params())
        g = np.array([1.0, float(x0)])
        fit = self.intercept.value + self.slope.value * float(x0)
        se_mean = float(np.sqrt(g @ v @ g))
        se_pred = float(np.sqrt(g @ v @ g + self.resid_var))
        z = float(sps.norm.ppf(0.5 + level / 2))
        return {"forecast": fit, "pi_low": fit - z * se_pred, "pi_high": fit + z * se_pred,
                "ci_low": fit - z * se_mean, "ci_high": fit + z * se_mean, "level": level}


def fit_predictive(frame: pd.DataFrame, horizon: int, level: float = stats.DEFAULT_LEVEL) -> PredictiveFit:
    """OLS of ``frame.y`` on ``frame.x`` with Newey-West errors (at least ``horizon - 1`` lags).

    Raises
    ------
    DataError
        Fewer observations than the regression needs.
    """
    res = stats.ols_hac(frame["y"], frame[["x"]], overlap=horizon)
    return PredictiveFit(
        horizon=horizon, slope=stats.coef_estimate(res, "x", level), intercept=stats.coef_estimate(res, "const", level),
        r2=float(res.rsquared), sd_x=float(frame["x"].std(ddof=1)), resid_var=float(res.ssr / res.df_resid),
        n=int(res.nobs), first=frame.index[0], last=frame.index[-1], result=res,
    )


@dataclass(frozen=True)
class OutOfSample:
    """Expanding-window forecasts and their score.

    Attributes
    ----------
    r2
        Out-of-sample R-squared: ``1 - SSE(model) / SSE(historical mean)``; positive means the
        predictor beat the historical mean.
    forecasts
        DataFrame per forecast month: ``y`` (realised), ``model``, ``mean`` (forecasts),
        ``cum_sse_diff`` (running sum of squared mean errors minus squared model errors; rising
        means the model is winning).
    n
        Number of forecasts.
    min_train
        Realised observations required before the first forecast.
    sign_restricted
        Whether a negative fitted slope was set to zero (Campbell and Thompson's restriction).
    """

    r2: float
    forecasts: pd.DataFrame
    n: int
    min_train: int
    sign_restricted: bool


def out_of_sample(frame: pd.DataFrame, horizon: int, min_train: int, *, sign_restrict: bool = False) -> OutOfSample:
    """Expanding-window out-of-sample forecasts of ``y`` from ``x`` (Campbell-Thompson style).

    At predictor month t the regression uses only the pairs ``(x_s, y_s)`` whose outcome was
    realised by t, that is ``s + horizon <= t`` in months; the benchmark is the mean of the same
    ``y_s``. A forecast is made once at least ``min_train`` such pairs exist.

    Parameters
    ----------
    frame
        Output of :func:`predictive_frame` (monthly PeriodIndex, columns ``x``, ``y``).
    horizon
        Months each ``y`` spans.
    min_train
        Minimum number of realised pairs before forecasting (e.g. 240 = 20 years).
    sign_restrict
        Set a negative slope to zero (the forecast becomes the historical mean), as Campbell and
        Thompson do when theory fixes the sign.

    Raises
    ------
    DataError
        No month has ``min_train`` realised pairs.
    """
    if min_train < 3:
        raise DataError(f"min_train={min_train}; valid: 3 or more observations")
    f = frame.sort_index()
    t = np.asarray([p.ordinal for p in f.index], dtype=np.int64)
    x = f["x"].to_numpy(float)
    y = f["y"].to_numpy(float)
    # cumulative sums over pairs in time order give every expanding-window OLS in O(n)
    cx, cy = np.cumsum(x), np.cumsum(y)
    cxx, cxy = np.cumsum(x * x), np.cumsum(x * y)
    # number of pairs realised by each t: pairs s with t_s <= t - horizon
    k = np.searchsorted(t, t - horizon, side="right")
    rows = []
    for i in np.nonzero(k >= min_train)[0]:
        m = k[i]
        sx, sy, sxx, sxy = cx[m - 1], cy[m - 1], cxx[m - 1], cxy[m - 1]
        mx, my = sx / m, sy / m
        varx = sxx / m - mx * mx
        b = (sxy / m - mx * my) / varx if varx > 0 else 0.0
        if sign_restrict and b < 0:
            b = 0.0
        a = my - b * mx
        rows.append((f.index[i], y[i], a + b * x[i], my))
    if not rows:
        raise DataError(f"out_of_sample: no month has {min_train} realised observations "
                        f"(horizon {horizon} months, {len(f)} observations)")
    out = pd.DataFrame(rows, columns=["month", "y", "model", "mean"]).set_index("month")
    e_model = (out["y"] - out["model"]) ** 2
    e_mean = (out["y"] - out["mean"]) ** 2
    out["cum_sse_diff"] = (e_mean - e_model).cumsum()
    r2 = float(1.0 - e_model.sum() / e_mean.sum())
    return OutOfSample(r2=r2, forecasts=out, n=len(out), min_train=min_train, sign_restricted=sign_restrict)


def group_means(frame: pd.DataFrame, horizon: int, groups: int = 5, level: float = stats.DEFAULT_LEVEL) -> pd.DataFrame:
    """Mean subsequent return ``y`` by predictor group (quintiles by default), with HAC intervals.

    The groups use the whole sample's breakpoints (a description, not a trading rule); each
    group's mean gets Newey-West errors with ``horizon - 1`` lags for the overlapping outcomes.

    Returns
    -------
    DataFrame indexed by group (1 = lowest x) with ``x_low``, ``x_high``, ``estimate``,
    ``ci_low``, ``ci_high``, ``n``.
    """
    labels = pd.qcut(frame["x"], groups, labels=list(range(1, groups + 1)))
    out = stats.regime_means(frame["y"], labels.astype(int), overlap=horizon, level=level)
    bounds = (frame["x"].groupby(labels.astype(int)).agg(["min", "max"])
              .rename(columns={"min": "x_low", "max": "x_high"}))
    out = bounds.join(out[["estimate", "ci_low", "ci_high", "n"]])
    out.index.name = "group"
    return out


def stambaugh_bias(frame: pd.DataFrame) -> dict[str, float]:
    """First-order small-sample bias of the predictive slope (Stambaugh, 1999).

    Uses non-overlapping observations (``frame`` should hold one row per horizon, e.g. annual
    data for a one-year horizon)::

        y_t = a + b x_t + u_t,    x_{t+1} = c + rho x_t + v_{t+1}
        E[b_hat - b] ~ -(cov(u, v) / var(v)) * (1 + 3 rho) / T

    Returns
    -------
    dict with ``slope``, ``rho``, ``bias``, ``corrected`` (slope minus bias) and ``n``.
    """
    f = frame.dropna()
    if len(f) < 10:
        raise DataError(f"stambaugh_bias: {len(f)} observations, need at least 10")
    x, y = f["x"].to_numpy(float), f["y"].to_numpy(float)
    b, a = np.polyfit(x, y, 1)
    u = y - (a + b * x)
    rho, c = np.polyfit(x[:-1], x[1:], 1)
    v = x[1:] - (c + rho * x[:-1])
    # u_t pairs with the predictor's innovation v_{t+1}, which falls in the same period as the return
    cov_uv = float(np.cov(u[:-1], v, ddof=1)[0, 1])
    var_v = float(np.var(v, ddof=1))
    n = len(f)
    bias = -(cov_uv / var_v) * (1.0 + 3.0 * rho) / n
    return {"slope": float(b), "rho": float(rho), "bias": float(bias), "corrected": float(b - bias), "n": n}


# -- inference for long-horizon and out-of-sample tests (referee revision, issue 13) ------------------


def hodrick_slope(predictor: pd.Series, log_returns: pd.Series, horizon: int, start=None, end=None,
                  level: float = stats.DEFAULT_LEVEL, *, first=None, last=None) -> stats.Estimate:
    """The slope of :func:`fit_predictive` with Hodrick (1992) 1B standard errors.

    Same sample as ``predictive_frame(predictor, log_returns, horizon, start, end)``, optionally
    restricted to the predictor months ``first..last`` (e.g. one half of it); the slope is
    in annualised return (decimal per year) per unit of the predictor, like
    :attr:`PredictiveFit.slope`. Hodrick's errors use one-period residuals and sums of past
    predictors instead of overlapping residuals (:func:`smallcaps.stats.hodrick_1b`), which does
    not over-reject with a persistent predictor as Newey-West errors do.

    Raises
    ------
    DataError
        Too few observations.
    """
    frame = predictive_frame(predictor, log_returns, horizon, start, end)
    if first is not None or last is not None:
        frame = frame.loc[first:last]
    if len(frame) < 2 * horizon:
        raise DataError(f"hodrick_slope: {len(frame)} observations, need at least {2 * horizon}")
    first, last = frame.index[0], frame.index[-1] + horizon
    r = _monthly(log_returns)
    r = r.reindex(pd.period_range(first, last, freq="M"))
    x = _monthly(predictor).reindex(r.index)
    # hodrick_1b uses only past predictors; the months after the last regression month carry the
    # returns of the last windows and need a placeholder predictor (never used)
    x.loc[frame.index[-1] + 1:] = 0.0
    est = stats.hodrick_1b(r, x, horizon, level=level)
    if est.n != len(frame):
        raise DataError(f"hodrick_slope: {est.n} windows where the predictive frame has {len(frame)}")
    return est.scaled(12.0 / horizon)


def non_overlapping(frame: pd.DataFrame, horizon: int, offsets=None,
                    level: float = stats.DEFAULT_LEVEL) -> pd.DataFrame:
    """Predictive regressions on non-overlapping observations, one per starting offset.

    Every ``horizon``-th row of ``frame`` (:func:`predictive_frame`) from each offset gives a
    sample whose outcomes do not overlap; its slope gets classical OLS errors (the outcomes no
    longer overlap, so there is no overlap to correct for). ``offsets`` (months) default to six
    evenly spaced ones within the horizon.

    Returns
    -------
    DataFrame indexed by offset with ``first`` (first predictor month), ``n``, ``slope``,
    ``ci_low``, ``ci_high`` (y per unit of x) and ``t``; offsets with fewer than 8 observations
    are left out.
    """
    if offsets is None:
        step = max(horizon // 6, 1)
        offsets = range(0, horizon, step)
    rows = {}
    for k in offsets:
        sub = frame.iloc[int(k)::horizon]
        if len(sub) < 8:
            continue
        res = sm.OLS(sub["y"].to_numpy(float), sm.add_constant(sub["x"].to_numpy(float))).fit()
        b, se = float(res.params[1]), float(res.bse[1])
        z = float(sps.norm.ppf(0.5 + level / 2))
        rows[int(k)] = {"first": sub.index[0], "n": len(sub), "slope": b, "ci_low": b - z * se,
                        "ci_high": b + z * se, "t": b / se}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "offset"
    return out


def oos_r2_since(oos: OutOfSample, start) -> tuple[float, int]:
    """The out-of-sample R-squared over the forecasts made from ``start`` on (the same
    expanding-window forecasts, scored from a later month), and their number.

    Raises
    ------
    DataError
        No forecast from ``start`` on.
    """
    f = oos.forecasts
    sub = f.loc[f.index >= pd.Period(pd.Timestamp(start), freq=f.index.freq)]
    if sub.empty:
        raise DataError(f"oos_r2_since: no forecast from {start}")
    e_model = ((sub["y"] - sub["model"]) ** 2).sum()
    e_mean = ((sub["y"] - sub["mean"]) ** 2).sum()
    return float(1.0 - e_model / e_mean), len(sub)


@dataclass(frozen=True)
class ClarkWest:
    """Clark and West's (2007) test that a predictive regression beats the historical mean.

    Attributes
    ----------
    adjusted
        Mean of ``(y - mean)^2 - [(y - model)^2 - (mean - model)^2]`` (squared units of y): the
        MSE gain adjusted for the noise of estimating the larger model.
    t, p
        Its Newey-West t-statistic (lags at least the horizon minus one) and one-sided p-value
        (the model beats the mean when ``adjusted`` is positive).
    n, lags
        Forecasts and HAC lags.
    """

    adjusted: float
    t: float
    p: float
    n: int
    lags: int


def clark_west(oos: OutOfSample, horizon: int) -> ClarkWest:
    """Clark-West (2007) MSPE-adjusted test of :func:`out_of_sample`'s forecasts against the mean.

    The out-of-sample R-squared compares squared errors, which penalises the regression for the
    noise in its estimated slope even when the slope is right; Clark and West add that noise back
    (``(mean - model)^2``) so that under the null of no predictability the statistic is centred
    on zero. Overlapping outcomes get Newey-West errors with at least ``horizon - 1`` lags.
    """
    f = oos.forecasts
    adj = (f["y"] - f["mean"]) ** 2 - ((f["y"] - f["model"]) ** 2 - (f["mean"] - f["model"]) ** 2)
    est = stats.mean_hac(adj, overlap=horizon)
    lags = stats.newey_west_lags(len(adj.dropna()), horizon)
    t = float(est.t) if est.t is not None else float("nan")
    return ClarkWest(adjusted=est.value, t=t, p=float(sps.norm.sf(t)), n=est.n, lags=lags)


def annual_dividend_price(price: pd.Series, dividend: pd.Series, first_year: int, last_year: int) -> pd.DataFrame:
    """Goyal and Welch's annual set-up on Shiller's monthly data: December values each year.

    ``x_t = log(D_t / P_t)`` (the dividend-price ratio at December of year t; D is dividends
    over the trailing 12 months) and ``y_t = log((P_{t+1} + D_{t+1}) / P_t)`` (the log total
    return of the following calendar year, decimal). Rows are years t = ``first_year`` ...
    ``last_year - 1`` (the returns of ``first_year + 1`` ... ``last_year``), with an annual
    PeriodIndex, ready for :func:`out_of_sample` with ``horizon=1``.

    Shiller's price is the month's average of daily closes, not the year-end close, and the
    return is not in excess of a bill rate (the snapshot has none before 1926).
    """
    p, d = _monthly(price), _monthly(dividend)
    dec = pd.DataFrame({"p": p[p.index.month == 12], "d": d[d.index.month == 12]}).dropna()
    dec.index = pd.PeriodIndex([pd.Period(year=m.year, freq="Y") for m in dec.index], freq="Y")
    dec = dec.loc[pd.Period(year=first_year, freq="Y"): pd.Period(year=last_year, freq="Y")]
    x = np.log(dec["d"] / dec["p"])
    y = np.log((dec["p"].shift(-1) + dec["d"].shift(-1)) / dec["p"])
    out = pd.DataFrame({"x": x, "y": y}).dropna()
    out.index.name = "year"
    return out


def adjusted_r2(r2: float, n: int, k: int = 2) -> float:
    """Goyal and Welch's adjusted R-squared: ``1 - (1 - r2) (n - 1) / (n - k)``."""
    if n <= k:
        raise DataError(f"adjusted_r2: n={n} observations, need more than k={k}")
    return float(1.0 - (1.0 - r2) * (n - 1) / (n - k))
