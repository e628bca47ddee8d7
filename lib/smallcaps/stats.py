"""Statistical tests the chapters share, built on statsmodels and arch.

Conventions
-----------
* Inputs are pandas Series/DataFrames of returns in **decimal** units per period unless a
  docstring says otherwise; estimates come back in the same units.
* Overlapping or autocorrelated series get Newey-West (HAC) standard errors; the default lag
  is the Newey-West (1994) rule ``floor(4 (n/100)^(2/9))``, or at least the overlap length minus
  one when a caller passes ``overlap``.
* Bootstrap intervals use the stationary bootstrap (Politis and Romano, 1994) from ``arch``,
  with the expected block length chosen by Politis and White (2004) unless given, and a fixed
  seed so that results reproduce.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from arch.bootstrap import StationaryBootstrap, optimal_block_length
from scipy import stats as sps

from .display import percent
from .errors import DataError

DEFAULT_LEVEL = 0.95
DEFAULT_REPS = 2000
DEFAULT_SEED = 20260714  # fixed: the snapshot's last trading day


@dataclass(frozen=True)
class Estimate:
    """An estimate with its uncertainty.

    Attributes
    ----------
    value
        Point estimate.
    se
        Standard error (None for bootstrap percentile intervals).
    ci_low, ci_high, level
        Confidence interval and its level.
    t, p
        Test statistic and two-sided p-value against zero (None where not computed).
    n
        Observations used.
    method
        How the uncertainty was computed, for the reader.
    """

    value: float
    se: float | None
    ci_low: float
    ci_high: float
    level: float
    t: float | None
    p: float | None
    n: int
    method: str

    def scaled(self, k: float) -> Estimate:
        """The same estimate multiplied by ``k`` (e.g. 100 for percent, 12 to annualise a mean)."""
        lo, hi = sorted((self.ci_low * k, self.ci_high * k))
        t = None if self.t is None else (self.t if k >= 0 else -self.t)
        return Estimate(self.value * k, None if self.se is None else abs(self.se * k), lo, hi, self.level,
                        t, self.p, self.n, self.method)

    def excludes_zero(self) -> bool:
        """Whether the interval lies entirely on one side of zero."""
        return self.ci_low > 0 or self.ci_high < 0

    def summary(self, scale: float = 1.0, digits: int = 2) -> str:
        e = self.scaled(scale)
        t = f", t = {e.t:.2f}" if e.t is not None else ""
        return (f"{e.value:.{digits}f} [{e.ci_low:.{digits}f}, {e.ci_high:.{digits}f}] "
                f"({int(percent(e.level))}% CI, {e.method}{t}, n = {e.n})")

    def as_row(self, scale: float = 1.0) -> dict:
        e = self.scaled(scale)
        return {"estimate": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t, "p": e.p, "n": e.n}


def _clean(x) -> pd.Series:
    s = pd.Series(x).astype("float64").dropna()
    return s


def newey_west_lags(n: int, overlap: int = 1) -> int:
    """HAC lag length: the Newey-West (1994) rule, and at least ``overlap - 1``."""
    rule = int(math.floor(4 * (n / 100.0) ** (2.0 / 9.0))) if n > 0 else 0
    return max(rule, overlap - 1, 0)


def _need(n: int, minimum: int, what: str) -> None:
    if n < minimum:
        raise DataError(f"{what}: {n} observations, need at least {minimum}")


def mean_hac(x, *, lags: int | None = None, overlap: int = 1, level: float = DEFAULT_LEVEL) -> Estimate:
    """Mean of a series with a Newey-West (HAC) interval.

    Parameters
    ----------
    x
        The series (NaNs dropped).
    lags
        HAC lags; default :func:`newey_west_lags` (``overlap`` is the number of periods each
        observation spans, e.g. 63 for overlapping quarterly returns sampled daily).
    level
        Confidence level.
    """
    s = _clean(x)
    _need(len(s), 3, "mean_hac")
    L = newey_west_lags(len(s), overlap) if lags is None else lags
    res = sm.OLS(s.values, np.ones(len(s))).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})
    return _from_ols(res, 0, level, len(s), f"HAC (Newey-West, {L} lags)")


def _from_ols(res, i: int, level: float, n: int, method: str) -> Estimate:
    b = float(np.asarray(res.params)[i])
    se = float(np.asarray(res.bse)[i])
    z = sps.norm.ppf(0.5 + level / 2)
    t = b / se if se > 0 else float("nan")
    p = float(2 * sps.norm.sf(abs(t))) if se > 0 else float("nan")
    return Estimate(b, se, b - z * se, b + z * se, level, t, p, n, method)


def diff_in_means_hac(x, flag, *, lags: int | None = None, overlap: int = 1, level: float = DEFAULT_LEVEL) -> Estimate:
    """Mean of ``x`` when ``flag`` is true minus its mean when false, with a HAC interval.

    Estimated as the slope of ``x`` on a constant and the 0/1 flag, so the test accounts for
    autocorrelation in ``x`` (Newey-West errors).

    Parameters
    ----------
    x
        The series.
    flag
        Boolean series aligned on ``x``'s index (NaN rows dropped).
    """
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "f": pd.Series(flag)}, axis=1).dropna()
    df["f"] = df["f"].astype(bool).astype(float)
    n1, n0 = int(df["f"].sum()), int((1 - df["f"]).sum())
    if n1 < 2 or n0 < 2:
        raise DataError(f"diff_in_means_hac: {n1} observations in the regime and {n0} outside; need 2 of each")
    L = newey_west_lags(len(df), overlap) if lags is None else lags
    X = sm.add_constant(df["f"].values, has_constant="add")
    res = sm.OLS(df["x"].values, X).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})
    return _from_ols(res, 1, level, len(df), f"HAC (Newey-West, {L} lags)")


def regime_means(x, regime, *, lags: int | None = None, overlap: int = 1, level: float = DEFAULT_LEVEL,
                 scale: float = 1.0) -> pd.DataFrame:
    """Mean of ``x`` within each regime label, each with a HAC interval.

    Returns
    -------
    DataFrame
        Index: regime label; columns ``estimate, ci_low, ci_high, t, p, n, share`` (share of
        observations in the regime), scaled by ``scale``.
    """
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "r": pd.Series(regime)}, axis=1).dropna()
    rows = {}
    for label, grp in df.groupby("r", sort=True):
        if len(grp) < 3:
            rows[label] = {"estimate": grp["x"].mean() * scale if len(grp) else np.nan, "ci_low": np.nan,
                           "ci_high": np.nan, "t": np.nan, "p": np.nan, "n": len(grp)}
            continue
        rows[label] = mean_hac(grp["x"], lags=lags, overlap=overlap, level=level).as_row(scale)
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    out["share"] = out["n"] / out["n"].sum()
    return out


def ols_hac(y, X, *, lags: int | None = None, overlap: int = 1, add_constant: bool = True):
    """OLS of ``y`` on ``X`` with Newey-West errors (statsmodels results object).

    The returned results have the usual ``summary()``; :func:`coef_table` gives a tidy frame.
    """
    Xf = pd.DataFrame(X).astype("float64")
    df = pd.concat([pd.Series(y, dtype="float64").rename("__y__"), Xf], axis=1).dropna()
    _need(len(df), Xf.shape[1] + 3, "ols_hac")
    L = newey_west_lags(len(df), overlap) if lags is None else lags
    exog = sm.add_constant(df[Xf.columns], has_constant="add") if add_constant else df[Xf.columns]
    res = sm.OLS(df["__y__"], exog).fit(cov_type="HAC", cov_kwds={"maxlags": L, "use_correction": True})
    res.hac_lags = L
    return res


def coef_table(res, level: float = DEFAULT_LEVEL, scale: float = 1.0) -> pd.DataFrame:
    """Tidy coefficients: estimate, CI, t, p (coefficients multiplied by ``scale``)."""
    ci = res.conf_int(alpha=1 - level)
    out = pd.DataFrame({"estimate": res.params * scale, "ci_low": ci[0] * scale, "ci_high": ci[1] * scale,
                        "t": res.tvalues, "p": res.pvalues})
    out.index.name = "term"
    return out


def coef_estimate(res, term: str, level: float = DEFAULT_LEVEL) -> Estimate:
    """One coefficient of :func:`ols_hac` as an :class:`Estimate`."""
    names = list(res.params.index)
    if term not in names:
        raise DataError(f"no term {term!r} in the regression; terms: {names}")
    est = _from_ols(res, names.index(term), level, int(res.nobs),
                    f"HAC (Newey-West, {getattr(res, 'hac_lags', '?')} lags)")
    return est


def block_length(x) -> float:
    """Expected block length for the stationary bootstrap (Politis-White, at least 1)."""
    s = _clean(x)
    b = float(optimal_block_length(s.values)["stationary"].iloc[0])
    return max(1.0, b) if math.isfinite(b) else 1.0


def bootstrap_ci(x, stat=np.mean, *, reps: int = DEFAULT_REPS, block: float | None = None,
                 level: float = DEFAULT_LEVEL, seed: int = DEFAULT_SEED) -> Estimate:
    """Stationary-bootstrap percentile interval for ``stat(x)``.

    Parameters
    ----------
    x
        Series (NaNs dropped), resampled in blocks to keep its autocorrelation.
    stat
        Function of a 1-d numpy array returning a float.
    block
        Expected block length (default: Politis-White).
    """
    s = _clean(x)
    _need(len(s), 10, "bootstrap_ci")
    b = block_length(s) if block is None else block
    bs = StationaryBootstrap(b, s.values, seed=seed)  # type: ignore[arg-type]  # arch takes a float mean block
    draws = np.array([stat(data[0][0]) for data in bs.bootstrap(reps)], dtype=float)
    lo, hi = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)])
    value = float(stat(s.values))
    p = _bootstrap_p(draws, value)
    return Estimate(value, float(np.nanstd(draws, ddof=1)), float(lo), float(hi), level, None, p, len(s),
                    f"stationary bootstrap, mean block {b:.1f}, {reps} draws")


def _bootstrap_p(draws: np.ndarray, value: float) -> float:
    """Two-sided p-value against zero from the bootstrap distribution recentred on zero."""
    centred = draws - np.nanmean(draws)
    return float(np.mean(np.abs(centred) >= abs(value)))


def bootstrap_diff_in_means(x, flag, *, reps: int = DEFAULT_REPS, block: float | None = None,
                            level: float = DEFAULT_LEVEL, seed: int = DEFAULT_SEED) -> Estimate:
    """Stationary block bootstrap of mean(x | flag) - mean(x | not flag).

    The pair (x, flag) is resampled jointly in blocks, so regimes keep their persistence and
    the interval reflects autocorrelation in both.
    """
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "f": pd.Series(flag)}, axis=1).dropna()
    f = df["f"].astype(bool).values
    xv = df["x"].values
    if f.sum() < 2 or (~f).sum() < 2:
        raise DataError(f"bootstrap_diff_in_means: {int(f.sum())} observations in the regime and "
                        f"{int((~f).sum())} outside")
    b = block_length(xv) if block is None else block
    bs = StationaryBootstrap(b, xv, f, seed=seed)  # type: ignore[arg-type]  # arch takes a float mean block

    def diff(xs, fs):
        if fs.sum() == 0 or (~fs).sum() == 0:
            return np.nan
        return xs[fs].mean() - xs[~fs].mean()

    draws = np.array([diff(d[0][0], d[0][1]) for d in bs.bootstrap(reps)], dtype=float)
    lo, hi = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)])
    value = float(diff(xv, f))
    return Estimate(value, float(np.nanstd(draws, ddof=1)), float(lo), float(hi), level, None,
                    _bootstrap_p(draws, value), len(df), f"stationary bootstrap, mean block {b:.1f}, {reps} draws")


def cluster_bootstrap(data, clusters, stat=None, *, reps: int = DEFAULT_REPS, level: float = DEFAULT_LEVEL,
                      seed: int = DEFAULT_SEED, what: str = "clusters", min_clusters: int = 3) -> Estimate:
    """Percentile interval for ``stat(data)`` from a bootstrap that resamples whole clusters.

    Observations that share a cluster (events in the same calendar quarter, which share its
    market moves) are drawn together, so the interval allows for any dependence within a
    cluster; clusters are drawn with replacement (``arch``'s ``IIDBootstrap`` over the cluster
    labels, fixed seed).

    Parameters
    ----------
    data
        A Series or DataFrame, one row per observation (NaN rows of a Series dropped).
    clusters
        The cluster label of each row (same length as ``data``).
    stat
        Function of the resampled rows returning a float: for a DataFrame, a 2-D numpy array of
        the rows (columns in the frame's order, so that 2,000 draws stay fast); for a Series,
        default the mean.
    what
        What the clusters are, for the method text (``calendar quarters``).
    min_clusters
        Fewest clusters that give an interval.

    Returns
    -------
    Estimate
        The statistic on the data, the standard deviation of the draws as ``se``, the percentile
        interval, the two-sided bootstrap p-value against zero and ``n`` observations.

    Raises
    ------
    DataError
        Fewer than ``min_clusters`` clusters.
    """
    from arch.bootstrap import IIDBootstrap

    if isinstance(data, pd.Series):
        keep = data.notna().to_numpy()
        data = data.loc[keep]
        clusters = np.asarray(clusters)[keep]
        if stat is None:
            stat = np.mean
    elif stat is None:
        raise DataError("cluster_bootstrap: give stat for a DataFrame")
    labels = pd.Index(pd.unique(np.asarray(clusters)))
    k = len(labels)
    _need(k, min_clusters, f"cluster_bootstrap ({what})")
    codes = labels.get_indexer(np.asarray(clusters))
    members = [np.flatnonzero(codes == j) for j in range(k)]
    values = data.to_numpy(dtype="float64")

    def apply(rows: np.ndarray) -> float:
        return float(stat(values[rows]))

    bs = IIDBootstrap(np.arange(k), seed=seed)
    draws = np.array([apply(np.concatenate([members[j] for j in d[0][0]])) for d in bs.bootstrap(reps)], dtype=float)
    lo, hi = np.nanpercentile(draws, [50 * (1 - level), 50 * (1 + level)])
    value = apply(np.arange(len(data)))
    return Estimate(value, float(np.nanstd(draws, ddof=1)), float(lo), float(hi), level, None,
                    _bootstrap_p(draws, value), len(data), f"bootstrap over {k} {what}, {reps} draws")


def lag1_autocorrelation(x) -> float:
    """The AR(1) coefficient of a series as the correlation of ``x_t`` with ``x_{t-1}`` (NaNs
    dropped first), at most 1; NaN for a constant series."""
    s = _clean(x).values
    _need(len(s), 3, "lag1_autocorrelation")
    a, b = s[:-1], s[1:]
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def mean_ar1(x, *, level: float = DEFAULT_LEVEL) -> Estimate:
    """Mean of a persistent series with an AR(1)-adjusted normal interval.

    The standard error is the iid one inflated by the AR(1) long-run variance factor::

        se = sd / sqrt(n) * sqrt((1 + rho) / (1 - rho))

    with ``rho`` the lag-1 autocorrelation (:func:`lag1_autocorrelation`; a negative ``rho`` is
    treated as zero, so the interval is never narrower than the iid one). ``n (1 - rho) / (1 +
    rho)`` is the number of independent observations the series is worth. Used where a block
    bootstrap cannot cover the persistence: with blocks as long as the series' memory the
    resamples reuse the same few stretches and the interval does not widen.

    Raises
    ------
    DataError
        Fewer than 10 observations, or a lag-1 autocorrelation of 1 or more (the mean has no
        finite interval).
    """
    s = _clean(x)
    _need(len(s), 10, "mean_ar1")
    rho = lag1_autocorrelation(s)
    if not math.isfinite(rho) or rho >= 1.0:
        raise DataError(f"mean_ar1: lag-1 autocorrelation {rho:.3f}; the mean of a unit-root series has no interval")
    factor = (1.0 + max(rho, 0.0)) / (1.0 - max(rho, 0.0))
    value = float(s.mean())
    se = float(s.std(ddof=1)) / math.sqrt(len(s)) * math.sqrt(factor)
    z = sps.norm.ppf(0.5 + level / 2)
    t = value / se if se > 0 else float("nan")
    p = float(2 * sps.norm.sf(abs(t))) if se > 0 else float("nan")
    return Estimate(value, se, value - z * se, value + z * se, level, t, p, len(s),
                    f"AR(1)-adjusted (rho {rho:.3f}, about {len(s) / factor:.1f} independent observations)")


def percentile_rank(value: float, history) -> float:
    """Percent of ``history`` at or below ``value`` (0-100); NaNs in history ignored."""
    h = _clean(history).values
    if len(h) == 0:
        raise DataError("percentile_rank: empty history")
    return float(percent(np.mean(h <= value)))


def proportion_ci(successes: int, n: int, level: float = DEFAULT_LEVEL) -> tuple[float, float]:
    """Wilson interval for a proportion (statsmodels), as fractions."""
    from statsmodels.stats.proportion import proportion_confint

    if n <= 0:
        raise DataError("proportion_ci: n must be positive")
    lo, hi = proportion_confint(successes, n, alpha=1 - level, method="wilson")
    return float(lo), float(hi)


# -- power, one-sided tests, long-horizon inference --------------------------------------------------


def mde(se: float | None, *, alpha: float = 0.05, power: float = 0.80, sides: int = 1) -> float | None:
    """Minimum detectable effect of a z-test: the true effect that a test of size ``alpha``
    (one- or two-sided) rejects with probability ``power``, given the estimate's standard error.

    ``(z_{1-alpha/sides} + z_{power}) * se``: 2.49 se one-sided, 2.80 se two-sided at 5% and 80%.
    Same units as ``se``; None when there is no standard error.
    """
    if se is None or not math.isfinite(se):
        return None
    return float((sps.norm.ppf(1 - alpha / sides) + sps.norm.ppf(power)) * abs(se))


def one_sided_p(estimate: Estimate, direction: int) -> float | None:
    """p-value of the estimate against zero, one-sided in ``direction`` (+1: the claim says
    positive; -1: negative), from its t-statistic (or its standard error), normal approximation.

    None when the estimate carries neither.
    """
    if direction not in (1, -1):
        raise ValueError("direction must be +1 or -1")
    t = estimate.t
    if t is None or not math.isfinite(t):
        if not estimate.se:
            return None
        t = estimate.value / estimate.se
    return float(sps.norm.sf(direction * t))


def hodrick_1b(returns, predictor, horizon: int, *, level: float = DEFAULT_LEVEL) -> Estimate:
    """Slope of a long-horizon predictive regression with Hodrick (1992) 1B standard errors.

    The regression is ``r_{t+1} + ... + r_{t+h} = a + b x_t + u``, estimated by OLS on
    overlapping observations. Under the null of no predictability, Hodrick's 1B covariance
    replaces the overlapping error sum with one-period residuals times the sum of the ``h`` most
    recent regressors, ``w_t = e_{t+1} * sum_{i<h} X_{t-i}``, which avoids the over-rejection of
    Newey-West errors with a persistent predictor.

    Parameters
    ----------
    returns
        One-period returns ``r_t`` (decimal), indexed like ``predictor``.
    predictor
        ``x_t``, known at the end of period ``t``.
    horizon
        ``h``, periods summed.

    Returns
    -------
    Estimate
        The slope in units of the ``h``-period summed return per unit of ``x`` (scale it to
        annualise), with ``se``, interval, t, two-sided p and ``n`` observations.
    """
    df = pd.concat({"r": pd.Series(returns, dtype="float64"), "x": pd.Series(predictor, dtype="float64")}, axis=1)
    df = df.dropna(subset=["x"])
    r = df["r"].to_numpy()
    x = df["x"].to_numpy()
    h = int(horizon)
    n_all = len(df)
    rows = [t for t in range(n_all - h) if np.isfinite(r[t + 1: t + 1 + h]).all()]
    _need(len(rows), max(2 * h, 12), "hodrick_1b")
    idx = np.array(rows)
    y = np.array([r[t + 1: t + 1 + h].sum() for t in rows])
    X = np.column_stack([np.ones(len(idx)), x[idx]])
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ y
    e1 = r[idx + 1] - np.nanmean(r[idx + 1])  # one-period residuals under the null
    z_all = np.column_stack([np.ones(n_all), x])
    w = np.array([e1[k] * z_all[max(0, t - h + 1): t + 1].sum(axis=0) for k, t in enumerate(rows)])
    s = w.T @ w
    cov = xtx_inv @ s @ xtx_inv
    se = float(np.sqrt(cov[1, 1]))
    slope = float(b[1])
    zc = sps.norm.ppf(0.5 + level / 2)
    t = slope / se if se > 0 else float("nan")
    p = float(2 * sps.norm.sf(abs(t))) if se > 0 else float("nan")
    return Estimate(slope, se, slope - zc * se, slope + zc * se, level, t, p, len(rows),
                    f"Hodrick (1992) 1B, horizon {h}")


# -- regime persistence and equivalence -------------------------------------------------------------------


def mean_spell(labels) -> float:
    """Mean length of the runs of equal consecutive values in ``labels`` (NaNs dropped): how many
    periods a regime lasts on average, counting both states (``aabbba`` has runs 2, 3, 1: 2.0).

    Raises
    ------
    DataError
        No labels.
    """
    s = pd.Series(labels).dropna()
    if s.empty:
        raise DataError("mean_spell: no labels")
    runs = (s != s.shift()).cumsum()
    return float(s.groupby(runs).size().mean())


def regime_block(x, flag) -> float:
    """The bootstrap's expected block length for a regime test: the Politis-White length of
    ``x`` or the mean spell of ``flag`` (:func:`mean_spell`), whichever is longer, so that a
    resampled block keeps a regime's persistence (on the periods where both are known)."""
    df = pd.concat({"x": pd.Series(x, dtype="float64"), "f": pd.Series(flag)}, axis=1).dropna()
    _need(len(df), 3, "regime_block")
    return max(block_length(df["x"]), mean_spell(df["f"]))


@dataclass(frozen=True)
class Equivalence:
    """Two one-sided tests (TOST, Schuirmann 1987) of ``|effect| < margin``.

    Attributes
    ----------
    value, se
        The estimate and its standard error.
    margin
        The equivalence margin (same units), fixed before looking.
    p
        The TOST p-value: the larger of the two one-sided p-values; equivalence is shown at
        level ``alpha`` when ``p < alpha``.
    ci_low, ci_high
        The ``1 - 2 alpha`` interval (90% at 5%): equivalence is shown exactly when it lies
        inside ``(-margin, margin)``.
    alpha
        The size of each one-sided test.
    """

    value: float
    se: float
    margin: float
    p: float
    ci_low: float
    ci_high: float
    alpha: float

    @property
    def equivalent(self) -> bool:
        return bool(self.p < self.alpha)


def tost(value: float, se: float, margin: float, *, alpha: float = 0.05) -> Equivalence:
    """Equivalence of an estimate to zero within ``margin`` (normal approximation).

    ``p = max(1 - Phi((value + margin) / se), Phi((value - margin) / se))``; the interval is
    ``value -+ z_{1-alpha} se``.

    Raises
    ------
    DataError
        A standard error that is not positive, or a margin that is not positive.
    """
    if not (se > 0 and math.isfinite(se)):
        raise DataError(f"tost: standard error {se!r} must be positive")
    if not margin > 0:
        raise DataError(f"tost: margin {margin!r} must be positive")
    p_low = float(sps.norm.sf((value + margin) / se))
    p_high = float(sps.norm.cdf((value - margin) / se))
    z = float(sps.norm.ppf(1 - alpha))
    return Equivalence(float(value), float(se), float(margin), max(p_low, p_high), value - z * se, value + z * se,
                       alpha)


@dataclass(frozen=True)
class HodrickFit:
    """A long-horizon regression with Hodrick (1992) 1B covariance (:func:`hodrick_1b_ols`).

    Attributes
    ----------
    params
        Coefficients by term (``const`` first), in units of the ``h``-period return.
    cov
        Their Hodrick 1B covariance matrix.
    n
        Observations (overlapping ``h``-period windows).
    horizon
        ``h``.
    """

    params: pd.Series
    cov: pd.DataFrame
    n: int
    horizon: int

    def estimate(self, weights, level: float = DEFAULT_LEVEL) -> Estimate:
        """A linear combination of the coefficients (a term's name, or ``{term: weight}``: e.g.
        ``{"lead": 1, "lead x stressed": 1}`` for the slope in the second regime), with its
        normal interval, t and two-sided p."""
        w = pd.Series({weights: 1.0} if isinstance(weights, str) else dict(weights), dtype="float64")
        unknown = [k for k in w.index if k not in self.params.index]
        if unknown:
            raise DataError(f"no term(s) {unknown} in the regression; terms: {list(self.params.index)}")
        w = w.reindex(self.params.index, fill_value=0.0)
        value = float(w @ self.params)
        se = float(np.sqrt(w @ self.cov @ w))
        zc = sps.norm.ppf(0.5 + level / 2)
        t = value / se if se > 0 else float("nan")
        p = float(2 * sps.norm.sf(abs(t))) if se > 0 else float("nan")
        return Estimate(value, se, value - zc * se, value + zc * se, level, t, p, self.n,
                        f"Hodrick (1992) 1B, horizon {self.horizon}")


def hodrick_1b_ols(returns, regressors, horizon: int, *, outcome=None) -> HodrickFit:
    """Long-horizon regression on several regressors with Hodrick (1992) 1B covariance.

    The multi-regressor form of :func:`hodrick_1b`: the outcome at ``t`` is the return over the
    ``h`` periods after ``t`` (default: the sum ``r_{t+1} + ... + r_{t+h}``; ``outcome`` may give
    another ``h``-period measure, e.g. the compounded return, indexed by ``t``), regressed by OLS
    on a constant and ``regressors`` known at ``t``. The covariance is ``(X'X)^-1 S (X'X)^-1``
    with ``S = sum_t w_t w_t'``, ``w_t = e_{t+1} * sum_{i<h} X_{t-i}`` and ``e_{t+1}`` the
    one-period return demeaned (the residual under the null that nothing in X predicts), so that
    overlapping windows do not overstate the evidence. With one regressor and the summed outcome
    it equals :func:`hodrick_1b`.

    Parameters
    ----------
    returns
        One-period returns ``r_t`` (decimal).
    regressors
        DataFrame of regressors (or a Series), indexed like ``returns`` (rows with a missing
        regressor are left out).
    horizon
        ``h``.
    outcome
        Optional ``h``-period outcome indexed by ``t`` (default: the summed returns).
    """
    X0 = pd.DataFrame(regressors).astype("float64")
    r_all = pd.Series(returns, dtype="float64").reindex(X0.index.union(pd.Series(returns).index))
    X0 = X0.reindex(r_all.index)
    r = r_all.to_numpy()
    h = int(horizon)
    ok = X0.notna().all(axis=1).to_numpy()
    n_all = len(r_all)
    out = None if outcome is None else pd.Series(outcome, dtype="float64").reindex(r_all.index).to_numpy()
    rows = [t for t in range(n_all - h) if ok[t] and np.isfinite(r[t + 1: t + 1 + h]).all()
            and (out is None or np.isfinite(out[t]))]
    _need(len(rows), max(2 * h, 12, X0.shape[1] + 3), "hodrick_1b_ols")
    idx = np.array(rows)
    y = np.array([r[t + 1: t + 1 + h].sum() for t in rows]) if out is None else out[idx]
    Z_all = np.column_stack([np.ones(n_all), np.nan_to_num(X0.to_numpy(), nan=0.0)])
    X = Z_all[idx]
    xtx_inv = np.linalg.inv(X.T @ X)
    b = xtx_inv @ X.T @ y
    e1 = r[idx + 1] - np.nanmean(r[idx + 1])
    w = np.array([e1[k] * Z_all[max(0, t - h + 1): t + 1].sum(axis=0) for k, t in enumerate(rows)])
    cov = xtx_inv @ (w.T @ w) @ xtx_inv
    names = ["const", *map(str, X0.columns)]
    return HodrickFit(pd.Series(b, index=names), pd.DataFrame(cov, index=names, columns=names), len(rows), h)
