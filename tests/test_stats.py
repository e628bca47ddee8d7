"""Shared statistics on synthetic series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from smallcaps import stats as S
from smallcaps.book.results import Statistic
from smallcaps.errors import DataError


def iid(n: int, mean: float = 0.01, sd: float = 0.05, seed: int = 1) -> pd.Series:
    return pd.Series(np.random.default_rng(seed).normal(mean, sd, n))


# -- lags --------------------------------------------------------------------------------------


def test_newey_west_lag_rule():
    assert S.newey_west_lags(100) == 4  # floor(4 * 1^(2/9))
    assert S.newey_west_lags(1000) == math.floor(4 * 10 ** (2 / 9)) == 6
    assert S.newey_west_lags(50) == math.floor(4 * 0.5 ** (2 / 9)) == 3
    assert S.newey_west_lags(0) == 0


def test_overlap_raises_the_lags():
    assert S.newey_west_lags(100, overlap=63) == 62
    assert S.newey_west_lags(100, overlap=3) == 4  # the rule is larger
    assert S.newey_west_lags(100, overlap=1) == 4


# -- means ---------------------------------------------------------------------------------------


def test_mean_hac_is_the_sample_mean_and_covers_the_true_mean():
    x = iid(5000, mean=0.01, sd=0.05)
    e = S.mean_hac(x)
    assert e.value == pytest.approx(x.mean(), abs=1e-15)
    assert e.ci_low < 0.01 < e.ci_high
    assert e.n == 5000 and e.level == 0.95
    # for iid data the HAC error is close to the textbook sd / sqrt(n)
    assert e.se == pytest.approx(x.std(ddof=1) / math.sqrt(5000), rel=0.1)
    assert e.ci_high - e.value == pytest.approx(sps.norm.ppf(0.975) * e.se)
    assert e.t == pytest.approx(e.value / e.se)
    assert e.method == f"HAC (Newey-West, {S.newey_west_lags(5000)} lags)"
    assert e.excludes_zero()


def test_mean_hac_drops_nans_and_honours_lags_and_overlap():
    x = iid(200)
    with_nans = pd.concat([x, pd.Series([np.nan] * 5)], ignore_index=True)
    e = S.mean_hac(with_nans, lags=2)
    assert e.n == 200 and e.value == pytest.approx(x.mean())
    assert e.method == "HAC (Newey-West, 2 lags)"
    assert S.mean_hac(x, overlap=21).method == "HAC (Newey-West, 20 lags)"


def test_mean_hac_needs_three_observations():
    with pytest.raises(DataError, match="mean_hac: 2 observations, need at least 3"):
        S.mean_hac([0.1, np.nan, 0.2])


def test_estimate_scaled_and_rows():
    e = S.mean_hac(iid(300))
    pct = e.scaled(100)
    assert pct.value == pytest.approx(100 * e.value)
    assert (pct.ci_low, pct.ci_high) == pytest.approx((100 * e.ci_low, 100 * e.ci_high))
    neg = e.scaled(-1)
    assert neg.ci_low <= neg.ci_high and neg.se == pytest.approx(e.se)
    row = e.as_row(12)
    assert row["estimate"] == pytest.approx(12 * e.value) and row["n"] == 300
    st = Statistic.from_estimate(e, "mean monthly return", "%", scale=100)
    assert isinstance(st, Statistic)
    assert (st.value, st.ci_low, st.ci_high, st.ci_level) == pytest.approx((pct.value, pct.ci_low, pct.ci_high, 0.95))


def test_diff_in_means_hac_is_the_difference_of_group_means():
    x = iid(600)
    flag = pd.Series(np.arange(600) % 4 == 0)
    d = S.diff_in_means_hac(x, flag)
    assert d.value == pytest.approx(x[flag].mean() - x[~flag].mean(), abs=1e-14)
    assert d.n == 600


def test_diff_in_means_hac_finds_a_real_difference():
    rng = np.random.default_rng(3)
    flag = pd.Series(rng.random(2000) < 0.3)
    x = pd.Series(rng.normal(0, 0.02, 2000)) + 0.01 * flag
    d = S.diff_in_means_hac(x, flag)
    assert d.ci_low < 0.01 < d.ci_high
    assert d.excludes_zero() and d.p < 1e-6


def test_diff_in_means_hac_drops_unaligned_rows_and_needs_two_per_group():
    x = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=list("abcde"))
    flag = pd.Series([True, True, False, False], index=list("abcd"))  # 'e' has no flag
    assert S.diff_in_means_hac(x, flag, lags=0).value == pytest.approx(1.5 - 3.5)
    with pytest.raises(DataError, match="1 observations in the regime and 3 outside; need 2 of each"):
        S.diff_in_means_hac([1.0, 2.0, 3.0, 4.0], [True, False, False, False])


def test_regime_means_rows_shares_and_small_groups():
    x = pd.Series([0.01, 0.02, 0.03, 0.04, -0.01, -0.02, -0.03, 0.5, np.nan])
    regime = pd.Series(["up", "up", "up", "up", "down", "down", "down", "rare", "up"])
    out = S.regime_means(x, regime, scale=100)
    assert list(out.index) == ["down", "rare", "up"]  # sorted labels
    assert out.index.name == "regime"
    assert list(out.columns) == ["estimate", "ci_low", "ci_high", "t", "p", "n", "share"]
    assert out["n"].tolist() == [3, 1, 4]  # the NaN row is dropped
    assert out["share"].tolist() == pytest.approx([3 / 8, 1 / 8, 4 / 8])
    assert out.loc["up", "estimate"] == pytest.approx(2.5)  # percent
    assert out.loc["down", "estimate"] == pytest.approx(-2.0)
    assert out.loc["rare", "estimate"] == pytest.approx(50.0)
    assert np.isnan(out.loc["rare", "ci_low"]) and np.isnan(out.loc["rare", "p"])  # too few for an interval
    assert out.loc["up", "ci_low"] < 2.5 < out.loc["up", "ci_high"]


# -- regression ----------------------------------------------------------------------------------


def test_ols_hac_recovers_the_slope():
    rng = np.random.default_rng(7)
    x = pd.Series(rng.normal(size=500), name="x")
    y = 2.0 * x + 0.5 + pd.Series(rng.normal(scale=0.5, size=500))
    res = S.ols_hac(y, x)
    assert res.params["x"] == pytest.approx(2.0, abs=0.1)
    assert res.params["const"] == pytest.approx(0.5, abs=0.1)
    assert res.hac_lags == S.newey_west_lags(500)
    est = S.coef_estimate(res, "x")
    assert est.value == pytest.approx(res.params["x"])
    assert est.ci_low < 2.0 < est.ci_high
    assert est.n == 500 and est.method == f"HAC (Newey-West, {res.hac_lags} lags)"
    table = S.coef_table(res, scale=100)
    assert list(table.index) == ["const", "x"]
    assert table.loc["x", "estimate"] == pytest.approx(100 * res.params["x"])
    assert table.loc["x", "ci_low"] == pytest.approx(100 * est.ci_low)
    with pytest.raises(DataError, match=r"no term 'z' in the regression; terms: \['const', 'x'\]"):
        S.coef_estimate(res, "z")


def test_ols_hac_exact_fit_and_no_constant():
    x = pd.Series(np.arange(1.0, 11.0), name="x")
    res = S.ols_hac(3.0 * x, x, add_constant=False)
    assert list(res.params.index) == ["x"]
    assert res.params["x"] == pytest.approx(3.0, abs=1e-12)


def test_ols_hac_needs_enough_observations():
    x = pd.Series([1.0, 2.0, 3.0], name="x")
    with pytest.raises(DataError, match="ols_hac: 3 observations, need at least 4"):
        S.ols_hac(x * 2, x)


# -- bootstrap -----------------------------------------------------------------------------------


def test_bootstrap_ci_is_reproducible_and_contains_the_mean():
    x = iid(400, mean=0.01, sd=0.05, seed=11)
    a = S.bootstrap_ci(x, reps=400)
    b = S.bootstrap_ci(x, reps=400)
    assert a == b  # the same numbers twice: the default seed is fixed
    assert a.value == pytest.approx(x.mean())
    assert a.ci_low < x.mean() < a.ci_high
    assert a.ci_low < 0.01 < a.ci_high
    assert a.n == 400 and a.t is None
    assert a.method.startswith("stationary bootstrap, mean block ") and a.method.endswith("400 draws")
    c = S.bootstrap_ci(x, reps=400, seed=1)
    assert (c.ci_low, c.ci_high) != (a.ci_low, a.ci_high)  # the seed matters


def test_bootstrap_ci_with_another_statistic_and_block():
    x = iid(200, seed=5)
    e = S.bootstrap_ci(x, np.median, reps=200, block=5.0)
    assert e.value == pytest.approx(float(np.median(x)))
    assert "mean block 5.0, 200 draws" in e.method
    assert e.ci_low <= e.value <= e.ci_high


def test_bootstrap_ci_needs_ten_observations():
    with pytest.raises(DataError, match="bootstrap_ci: 9 observations, need at least 10"):
        S.bootstrap_ci(np.arange(9.0))


def test_bootstrap_diff_in_means_equals_the_point_difference():
    x = iid(300, seed=2)
    flag = pd.Series(np.arange(300) % 3 == 0)
    e = S.bootstrap_diff_in_means(x, flag, reps=300)
    assert e.value == pytest.approx(x[flag].mean() - x[~flag].mean(), abs=1e-15)
    assert e.ci_low < e.value < e.ci_high
    assert S.bootstrap_diff_in_means(x, flag, reps=300) == e
    with pytest.raises(DataError, match="1 observations in the regime and 2 outside"):
        S.bootstrap_diff_in_means([1.0, 2.0, 3.0], [True, False, False])


def test_block_length_is_at_least_one():
    assert S.block_length(iid(300)) >= 1.0
    ar = np.zeros(500)
    rng = np.random.default_rng(0)
    for i in range(1, 500):
        ar[i] = 0.9 * ar[i - 1] + rng.normal()
    assert S.block_length(ar) > S.block_length(iid(500))  # persistence asks for longer blocks


# -- ranks and proportions -----------------------------------------------------------------------


def test_percentile_rank_exact():
    assert S.percentile_rank(3, [1, 2, 3, 4]) == 75.0
    assert S.percentile_rank(0, [1, 2, 3, 4]) == 0.0
    assert S.percentile_rank(10, [1, 2, 3, 4]) == 100.0
    assert S.percentile_rank(2.5, [4, 1, np.nan, 3, 2]) == 50.0  # NaN ignored
    with pytest.raises(DataError, match="percentile_rank: empty history"):
        S.percentile_rank(1.0, [np.nan])


def wilson(k: int, n: int, z: float = sps.norm.ppf(0.975)) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_proportion_ci_wilson_values():
    assert S.proportion_ci(5, 10) == pytest.approx((0.236593, 0.763407), abs=1e-6)
    assert S.proportion_ci(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)
    assert S.proportion_ci(10, 10) == pytest.approx((0.722467, 1.0), abs=1e-6)
    assert S.proportion_ci(37, 120) == pytest.approx(wilson(37, 120), abs=1e-12)
    lo, hi = S.proportion_ci(37, 120, level=0.9)
    assert (lo, hi) == pytest.approx(wilson(37, 120, sps.norm.ppf(0.95)), abs=1e-12)
    with pytest.raises(DataError, match="n must be positive"):
        S.proportion_ci(0, 0)


def test_scaled_by_a_negative_factor_flips_t():
    e = S.mean_hac(iid(300))
    flipped = e.scaled(-1)
    assert flipped.t == pytest.approx(flipped.value / flipped.se)
    assert flipped.t == pytest.approx(-e.t)


def test_mde_is_z_alpha_plus_z_power_times_se():
    assert S.mde(1.0) == pytest.approx(1.6448536 + 0.8416212, abs=1e-6)
    assert S.mde(2.0, sides=2) == pytest.approx(2 * (1.9599640 + 0.8416212), abs=1e-6)
    assert S.mde(None) is None


def test_one_sided_p_follows_the_claims_direction():
    e = S.Estimate(2.0, 1.0, 0.04, 3.96, 0.95, 2.0, 0.0455, 100, "test")
    assert S.one_sided_p(e, +1) == pytest.approx(0.02275, abs=1e-5)
    assert S.one_sided_p(e, -1) == pytest.approx(0.97725, abs=1e-5)
    with pytest.raises(ValueError):
        S.one_sided_p(e, 0)


def test_hodrick_at_horizon_one_is_white_with_null_residuals():
    rng = np.random.default_rng(7)
    n = 400
    x = pd.Series(rng.normal(size=n))
    r = pd.Series(0.01 + 0.5 * x.shift(1).fillna(0) + rng.normal(scale=2.0, size=n))
    est = S.hodrick_1b(r, x, 1)
    # h = 1: w_t = e_{t+1} X_t with e the deviation of r from its mean: White's sandwich
    y = r.shift(-1).iloc[:-1].to_numpy()
    X = np.column_stack([np.ones(n - 1), x.iloc[:-1].to_numpy()])
    b = np.linalg.lstsq(X, y, rcond=None)[0]
    e = y - y.mean()
    inv = np.linalg.inv(X.T @ X)
    cov = inv @ (X.T * e**2) @ X @ inv
    assert est.value == pytest.approx(b[1])
    assert est.se == pytest.approx(np.sqrt(cov[1, 1]))
    assert est.n == n - 1 and "Hodrick" in est.method


def test_hodrick_long_horizon_is_wider_than_one_period_and_rejects_at_about_five_percent_under_the_null():
    rng = np.random.default_rng(11)
    rejections = 0
    for _ in range(200):
        n = 360
        e = rng.normal(size=n)
        x = np.zeros(n)
        for t in range(1, n):  # a persistent predictor, like a valuation spread
            x[t] = 0.97 * x[t - 1] + e[t]
        r = rng.normal(scale=0.05, size=n)  # no predictability
        est = S.hodrick_1b(pd.Series(r), pd.Series(x), 24)
        rejections += est.p < 0.05
    assert 0.02 <= rejections / 200 <= 0.10


# -- regime persistence and equivalence (referee revision, issue 13) ------------------------------------------


def test_mean_spell_counts_runs_of_both_states():
    # runs: aa, bbb, a -> lengths 2, 3, 1: mean 2.0; NaNs are dropped before counting
    assert S.mean_spell(list("aabbba")) == pytest.approx(2.0)
    assert S.mean_spell(pd.Series([1, 1, 1, 1])) == pytest.approx(4.0)
    assert S.mean_spell(pd.Series([True, np.nan, True, False])) == pytest.approx(1.5)  # True True | False
    with pytest.raises(DataError, match="no labels"):
        S.mean_spell(pd.Series([np.nan]))


def test_regime_block_is_never_shorter_than_the_mean_spell():
    rng = np.random.default_rng(3)
    x = pd.Series(rng.normal(size=240))
    flag = pd.Series(np.repeat([True, False] * 4, 30))  # eight spells of 30: mean spell 30
    assert S.regime_block(x, flag) == pytest.approx(30.0)  # white noise: Politis-White is far shorter
    short = pd.Series([True, False] * 120)  # spells of 1: the Politis-White length (at least 1) decides
    assert S.regime_block(x, short) == pytest.approx(S.block_length(x))


def test_tost_by_hand():
    # estimate -0.32, se 1.66, margin 2: z(0.95) = 1.6449 -> 90% interval -0.32 -+ 2.7305 = -3.05 to 2.41
    e = S.tost(-0.32, 1.66, 2.0)
    assert (e.ci_low, e.ci_high) == (pytest.approx(-3.0505, abs=1e-4), pytest.approx(2.4105, abs=1e-4))
    # p = max(1 - Phi((-0.32 + 2) / 1.66), Phi((-0.32 - 2) / 1.66)) = max(0.1558, 0.0812)
    assert e.p == pytest.approx(0.15576, abs=1e-4) and not e.equivalent
    tight = S.tost(0.1, 0.5, 2.0)  # 90% interval -0.72 to 0.92 lies inside -2 to 2
    assert tight.equivalent and tight.p < 0.05 and -2 < tight.ci_low and tight.ci_high < 2
    with pytest.raises(DataError, match="standard error"):
        S.tost(0.0, 0.0, 2.0)
    with pytest.raises(DataError, match="margin"):
        S.tost(0.0, 1.0, 0.0)
