"""The rotation chapter's referee revision (issue 13): hand-worked tests of the new analytics
(crossings, beta-adjusted spreads, trades from a date, Hodrick errors, continuation regressions,
regime alphas, factor alphas, holdings contributions), the amended rules' boundaries, the
registered rules reproducing the results committed before the revision, and the referee's numbers
on the reference snapshot where the book's construction is the referee's."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import rotation as rot
from smallcaps.book.params import window
from smallcaps.claims import rotation as R
from smallcaps.claims.contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE
from smallcaps.stats import Estimate, hodrick_1b, hodrick_1b_ols

ROOT = Path(__file__).resolve().parents[1]
FULL = window("1926-07-01", "2026-07-13")


def est(value, lo, hi, n=100, se=1.0) -> Estimate:
    return Estimate(value, se, lo, hi, 0.95, None, None, n, "test")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, snapshot_dir):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return R.load_inputs(ds)


@pytest.fixture(scope="module")
def before():
    """The rotation results committed before the revision (commit 7cacd59), by claim id."""
    raw = subprocess.run(["git", "show", "7cacd59:book/rotation.results.json"], cwd=ROOT, capture_output=True,
                         check=True).stdout
    return {c["id"]: c for c in json.loads(raw)["claims"]}


# -- Hodrick (1992) errors with several regressors ---------------------------------------------------------


def test_hodrick_1b_ols_equals_hodrick_1b_with_one_regressor():
    rng = np.random.default_rng(1)
    idx = pd.period_range("2000-01", periods=120, freq="M")
    x = pd.Series(rng.normal(size=120), index=idx)
    r = pd.Series(0.01 + 0.3 * x.shift(1).fillna(0) * 0.01 + rng.normal(scale=0.02, size=120), index=idx)
    one = hodrick_1b(r, x, 6)
    fit = hodrick_1b_ols(r, x.rename("x"), 6)
    e = fit.estimate("x")
    assert e.value == pytest.approx(one.value) and e.se == pytest.approx(one.se) and e.n == one.n
    assert list(fit.params.index) == ["const", "x"]


def test_hodrick_1b_ols_intercept_only_is_h_times_the_iid_error():
    # with no regressor the 1B error of the mean of overlapping h-sums is h * sqrt(sum e^2) / n,
    # e the demeaned one-period returns that follow each window's start (the first window has
    # only one period of constant behind it)
    r = pd.Series([0.01, 0.03, -0.02, 0.04, 0.0, 0.02, -0.01, 0.05, 0.01, -0.03, 0.02, 0.0, 0.01, 0.02, 0.03, -0.01])
    fit = hodrick_1b_ols(r, pd.DataFrame(index=r.index), 1)
    e1 = r.iloc[1:].to_numpy() - r.iloc[1:].mean()
    n = len(e1)
    assert fit.params["const"] == pytest.approx(r.iloc[1:].mean())
    assert fit.estimate("const").se == pytest.approx(np.sqrt((e1 ** 2).sum()) / n)
    fit2 = hodrick_1b_ols(r, pd.DataFrame(index=r.index), 2)
    e2 = r.iloc[1:-1].to_numpy() - r.iloc[1:-1].mean()
    z = np.array([1.0] + [2.0] * (len(e2) - 1))  # sum of the last two constants (one at t = 0)
    assert fit2.estimate("const").se == pytest.approx(np.sqrt(((e2 * z) ** 2).sum()) / len(e2))
    with pytest.raises(Exception, match="no term"):
        fit.estimate("x")


# -- crossings, hedged spreads, trades, overlapping means ---------------------------------------------------


def test_level_days_counts_closes_at_the_level_and_crossings_either_way():
    idx = pd.bdate_range("2026-01-02", periods=7)
    ytd = pd.Series([0.030, 0.048, 0.044, 0.047, 0.0462, 0.050, 0.0455], index=idx)
    d = rot.level_days(ytd, 0.046, 0.0005, start=0.0)
    assert list(d.index) == [idx[1], idx[2], idx[3], idx[4], idx[6]]
    assert d["how"].tolist() == ["crossed up", "crossed down", "crossed up", "at", "at, crossed down"]
    assert d.loc[idx[1], "value"] == pytest.approx(0.048)
    # a first close above the level counts as a crossing from the year's start (zero)
    assert rot.level_days(pd.Series([0.05], index=idx[:1]), 0.046, 0.0005, start=0.0)["how"].tolist() == ["crossed up"]
    assert rot.level_days(pd.Series([0.05], index=idx[:1]), 0.046, 0.0005).empty


def test_hedged_daily_and_weekly_beta_of_a_half_beta_fund():
    idx = pd.bdate_range("2024-01-01", periods=400)
    rng = np.random.default_rng(3)
    rb = pd.Series(rng.normal(0, 0.01, len(idx)), index=idx)
    bench = 100 * (1 + rb).cumprod()
    fund = 100 * (1 + 0.5 * rb).cumprod()  # daily returns exactly half the bench's
    h = rot.hedged_daily(fund.rename("F"), bench.rename("B"), 0.5)
    assert np.abs(h).max() < 1e-12
    b = rot.weekly_beta(fund, bench)
    assert b.value == pytest.approx(0.5, abs=0.02)  # weekly compounding bends an exact daily half a little
    assert rot.weekly_beta(fund, bench, end="2024-03-01") is None  # fewer than 26 weeks


def test_trade_from_a_date_over_a_horizon():
    idx = pd.bdate_range("2026-01-12", periods=6)
    long = pd.Series([100, 100, 102, 104, 110, 120.0], index=idx)
    short = pd.Series([50, 50, 50, 51, 52, 50.0], index=idx)
    t = rot.trade_from(long, short, idx[1], 3)
    assert t["end"] == idx[4] and t["pair"] == pytest.approx(0.10 - 0.04)
    assert t["long"] == pytest.approx(0.10) and len(t["daily"]) == 3
    assert t["daily"].iloc[0] == pytest.approx(0.02)
    assert rot.trade_from(long, short, idx[3], 3) is None  # the horizon runs past the data
    assert rot.trade_from(long, short, idx[1], 3, last=idx[3]) is None
    assert rot.trade_from(long, short, "2026-01-10", 1) is None  # not a trading day


def test_non_overlapping_takes_every_hth_window():
    s = pd.Series(np.arange(12, dtype=float))
    e = rot.non_overlapping(s, 4)  # windows 0, 4, 8
    assert e.value == pytest.approx(4.0) and e.n == 3 and e.se == pytest.approx(4.0 / np.sqrt(3))


def test_compounded_past_and_ahead():
    r = pd.Series([0.1, -0.1, 0.2, 0.0])
    assert rot.compounded_past(r, 2).iloc[1] == pytest.approx(1.1 * 0.9 - 1)
    ahead = rot.compounded_ahead(r, 2)
    assert ahead.iloc[0] == pytest.approx(0.9 * 1.2 - 1) and np.isnan(ahead.iloc[2])


def test_continuation_slopes_are_differences_of_cell_means():
    rng = np.random.default_rng(7)
    idx = pd.period_range("1990-01", periods=240, freq="M")
    r = pd.Series(rng.normal(0.002, 0.02, 240), index=idx)
    regime = pd.Series(np.where(np.arange(240) % 24 < 12, "calm", "stressed"), index=idx)
    c = rot.continuation(r, regime, past=3, horizon=6)
    m = c["means"]["mean"]
    assert c["first"].value == pytest.approx(m[("calm", True)] - m[("calm", False)])
    assert c["second"].value == pytest.approx(m[("stressed", True)] - m[("stressed", False)])
    assert c["difference"].value == pytest.approx(c["second"].value - c["first"].value)
    assert c["first_hac"].value == pytest.approx(c["first"].value)
    assert "Hodrick" in c["first"].method and c["non_overlapping"].n == len(range(0, c["n"], 6))
    # by hand: the 6 months after month 10 (compounded) and the lead over months 8-10
    y = (1 + r.iloc[11:17]).prod() - 1
    lead = (1 + r.iloc[8:11]).prod() - 1 > 0
    cell = ("calm" if regime.iloc[10] == "calm" else "stressed", bool(lead))
    assert c["means"].loc[cell, "count"] >= 1 and np.isfinite(y)


def test_regime_alpha_recovers_an_exact_model():
    idx = pd.date_range("2020-01-03", periods=60, freq="W-FRI")
    rng = np.random.default_rng(5)
    m = pd.Series(rng.normal(0, 0.02, 60), index=idx)
    s = pd.Series((np.arange(60) % 5 == 0).astype(float), index=idx)
    a = 0.001 + 0.8 * m + 0.002 * s + pd.Series(rng.normal(0, 1e-6, 60), index=idx)
    out = rot.regime_alpha(a, m, s)
    assert out["beta"] == pytest.approx(0.8, abs=1e-3)
    assert out["calm"].value == pytest.approx(52 * 0.001, abs=1e-4)
    assert out["stressed"].value == pytest.approx(52 * 0.003, abs=1e-4)
    assert out["difference"].value == pytest.approx(52 * 0.002, abs=1e-4)
    assert out["interacted"]["beta stressed"] == pytest.approx(0.8, abs=1e-3) and out["n"] == 60


def test_factor_alphas_of_a_pure_half_beta_spread():
    idx = pd.period_range("2000-01", periods=60, freq="M")
    rng = np.random.default_rng(2)
    f = pd.DataFrame({"Mkt-RF": rng.normal(0.005, 0.04, 60), "SMB": rng.normal(0, 0.02, 60),
                      "HML": rng.normal(0, 0.02, 60)}, index=idx)
    y = 0.002 - 0.5 * f["Mkt-RF"]
    t = rot.factor_alphas(y, f)
    assert t.loc["CAPM", "alpha"] == pytest.approx(12 * 0.002) and t.loc["CAPM", "market beta"] == pytest.approx(-0.5)
    assert t.loc["FF3", "alpha"] == pytest.approx(12 * 0.002)
    assert t.loc["raw", "alpha"] == pytest.approx(12 * y.mean()) and t.loc["raw", "months"] == 60


def test_iid_run_null():
    assert rot.iid_run_null(0.5) == pytest.approx(2.0)
    assert rot.iid_run_null(0.532) == pytest.approx(2.137, abs=1e-3)


def test_sector_contribution_backs_out_start_of_year_weights():
    dates = pd.DatetimeIndex(["2025-12-31", "2026-01-15", "2026-02-02"])
    close = pd.DataFrame({"A": [10.0, 12.0, 13.0], "B": [20.0, 20.0, 18.0]}, index=dates)
    fund = pd.Series([100.0, 110.0, 112.0], index=dates)
    h = pd.DataFrame({"ticker": ["A", "B", "C", "D"], "weight": [0.3, 0.2, 0.1, 0.4],
                      "date": pd.Timestamp("2026-01-15"), "in_sector": [True, True, True, False]})
    out = rot.sector_contribution(h, close, fund, "2025-12-31", "2026-02-02")
    # w0(A) = 0.3 * 1.10 / 1.20; w0(B) = 0.2 * 1.10 / 1.00; to 02-02 A made +30%, B -10%
    assert out["contribution"] == pytest.approx(0.3 * 1.1 / 1.2 * 0.3 + 0.2 * 1.1 * -0.1)
    assert out["weight"] == pytest.approx(0.6) and out["priced_weight"] == pytest.approx(0.5)
    assert out["unpriced"]["ticker"].tolist() == ["C"] and out["names"] == 3
    at_d = rot.sector_contribution(h, close, fund, "2025-12-31", "2026-01-15")["contribution"]
    assert at_d == pytest.approx(0.3 * 1.1 / 1.2 * 0.2)
