"""analytics.returns on small hand-made price series; every expected number is worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import returns as R
from smallcaps.errors import DataError


def s(values, dates, name=None) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates), name=name, dtype="float64")


# -- period returns ------------------------------------------------------------------------------


def test_from_percent_and_cumulative():
    assert R.from_percent(pd.Series([1.5, -250.0])).tolist() == [0.015, -2.5]
    c = R.cumulative(pd.Series([0.1, np.nan, -0.1]))
    assert c.tolist() == pytest.approx([0.1, 0.1, 1.1 * 0.9 - 1])  # NaN counts as zero


def test_period_returns_daily_drops_the_first_day():
    p = s([100, 110, 99, 99], ["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])
    r = R.period_returns(p)
    assert list(r.index) == list(p.index[1:])
    assert r.tolist() == pytest.approx([0.1, -0.1, 0.0])


def test_period_returns_does_not_fill_gaps():
    p = s([100, np.nan, 120, 132], ["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"])
    r = R.period_returns(p)
    assert np.isnan(r.iloc[0]) and np.isnan(r.iloc[1])
    assert r.iloc[2] == pytest.approx(0.1)


def test_period_returns_month_end_uses_each_months_last_close():
    p = s([90, 100, 200, 105, 150, 94.5],
          ["2020-01-02", "2020-01-31", "2020-02-03", "2020-02-28", "2020-03-02", "2020-03-31"])
    r = R.period_returns(p, "ME")
    assert list(r.index) == [pd.Timestamp("2020-02-29"), pd.Timestamp("2020-03-31")]
    assert r.tolist() == pytest.approx([0.05, -0.1])


def test_period_returns_of_a_frame_keeps_leading_nans():
    idx = ["2020-01-02", "2020-01-03", "2020-01-06"]
    f = pd.DataFrame({"A": [100.0, 101.0, 102.01], "B": [np.nan, 50.0, 55.0]}, index=pd.DatetimeIndex(idx))
    r = R.period_returns(f)
    assert r["A"].tolist() == pytest.approx([0.01, 0.01])
    assert np.isnan(r["B"].iloc[0]) and r["B"].iloc[1] == pytest.approx(0.1)


# -- windows and year to date --------------------------------------------------------------------

YE = s([100, 110, 121, 132], ["2020-12-30", "2020-12-31", "2021-01-04", "2021-01-05"], name="X")


def test_window_return_from_the_last_close_on_or_before_each_date():
    assert R.window_return(YE, "2020-12-31", "2021-01-05") == pytest.approx(132 / 110 - 1)
    assert R.window_return(YE, "2021-01-01", "2021-01-05") == pytest.approx(132 / 110 - 1)  # holiday start
    assert R.window_return(YE, "2021-01-01", "2021-01-03") == pytest.approx(0.0)
    assert R.window_return(YE, "2020-12-30", "2030-01-01") == pytest.approx(0.32)


def test_window_return_is_nan_without_a_price_at_either_end():
    assert np.isnan(R.window_return(YE, "2020-01-01", "2021-01-05"))  # no base
    assert np.isnan(R.window_return(YE, "2019-01-01", "2019-06-01"))  # nothing before end


def test_window_return_of_a_frame_per_column():
    f = pd.DataFrame({"X": YE, "Y": [np.nan, np.nan, 50.0, 55.0]}, index=YE.index)
    out = R.window_return(f, "2020-12-31", "2021-01-05")
    assert out["X"] == pytest.approx(0.2)
    assert np.isnan(out["Y"])  # no close on or before the start
    out2 = R.window_return(f, "2021-01-04", "2021-01-05")
    assert out2.tolist() == pytest.approx([132 / 121 - 1, 0.1])


def test_year_to_date_base_is_the_prior_years_last_close():
    ytd = R.year_to_date(YE, "2021-01-05")
    assert isinstance(ytd, pd.DataFrame) and list(ytd.columns) == ["X"]
    assert list(ytd.index) == [pd.Timestamp("2021-01-04"), pd.Timestamp("2021-01-05")]
    assert ytd["X"].tolist() == pytest.approx([0.1, 0.2])
    assert R.year_to_date(YE, "2021-01-04")["X"].tolist() == pytest.approx([0.1])


def test_year_to_date_without_a_prior_year_price_is_an_error():
    with pytest.raises(DataError, match=r"no year-to-date window for 2020: prices cover 2020-12-30\.\.2021-01-05"):
        R.year_to_date(YE, "2020-12-31")
    with pytest.raises(DataError, match=r"no year-to-date window for 2022"):
        R.year_to_date(YE, "2022-03-01")  # nothing in the year


def test_year_to_date_with_only_missing_prior_year_closes_is_an_error():
    late = s([np.nan, np.nan, 50.0, 55.0], YE.index, name="NEW")
    with pytest.raises(DataError):
        R.year_to_date(late, "2021-01-05")


# -- calendar years ------------------------------------------------------------------------------


def yearly_levels(levels: dict[int, float], start: str, end: str) -> pd.Series:
    """Business days from start to end, the price constant within each year."""
    idx = pd.bdate_range(start, end)
    return pd.Series([levels[d.year] for d in idx], index=idx, dtype="float64", name="A")


def test_calendar_year_returns_complete_years():
    p = yearly_levels({2019: 100.0, 2020: 110.0, 2021: 99.0}, "2019-01-01", "2021-12-31")
    r = R.calendar_year_returns(p)
    assert r.index.name == "year"
    assert list(r.index) == [2020, 2021]  # 2019 has no prior year-end
    assert r["A"].tolist() == pytest.approx([0.1, -0.1])


def test_calendar_year_returns_drops_an_incomplete_last_year():
    p = yearly_levels({2019: 100.0, 2020: 110.0, 2021: 99.0, 2022: 50.0}, "2019-01-01", "2022-06-30")
    assert list(R.calendar_year_returns(p).index) == [2020, 2021]


def test_calendar_year_returns_series_starting_mid_year():
    p = yearly_levels({2019: 100.0, 2020: 125.0, 2021: 100.0}, "2019-07-01", "2021-12-31")
    r = R.calendar_year_returns(p)
    assert list(r.index) == [2020, 2021]
    assert r["A"].tolist() == pytest.approx([0.25, -0.2])


def test_calendar_year_returns_partial_first_year_of_a_fund_is_nan():
    a = yearly_levels({2018: 80.0, 2019: 100.0, 2020: 110.0, 2021: 99.0}, "2018-01-01", "2021-12-31")
    b = a.where(a.index >= "2019-07-01").rename("B") * 2  # launched mid-2019
    r = R.calendar_year_returns(pd.concat([a, b], axis=1))
    assert list(r.index) == [2019, 2020, 2021]
    assert r["A"].tolist() == pytest.approx([0.25, 0.1, -0.1])
    assert np.isnan(r.loc[2019, "B"])
    assert r.loc[[2020, 2021], "B"].tolist() == pytest.approx([0.1, -0.1])


def test_calendar_year_returns_require_coverage_and_a_prior_year_end_close():
    a = yearly_levels({2019: 100.0, 2020: 110.0, 2021: 99.0}, "2019-01-01", "2021-12-31")
    gap = a.copy().rename("GAP")
    gap[(gap.index >= "2021-03-01") & (gap.index < "2021-04-15")] = np.nan  # ~12% of 2021 missing
    noclose = a.copy().rename("NOCLOSE")
    noclose[pd.Timestamp("2020-12-31")] = np.nan  # no close on 2020's last trading day
    r = R.calendar_year_returns(pd.concat([a, gap, noclose], axis=1))
    assert r.loc[2021, "A"] == pytest.approx(-0.1)
    assert np.isnan(r.loc[2021, "GAP"]) and r.loc[2020, "GAP"] == pytest.approx(0.1)
    assert np.isnan(r.loc[2021, "NOCLOSE"]) and r.loc[2020, "NOCLOSE"] == pytest.approx(0.1)
    # a lower coverage threshold lets the gappy year through
    assert R.calendar_year_returns(gap, min_coverage=0.8).loc[2021, "GAP"] == pytest.approx(-0.1)


# -- annualised measures -------------------------------------------------------------------------


def test_annualised_return_is_geometric():
    assert R.annualised_return(pd.Series([0.01] * 12), 12) == pytest.approx(1.01**12 - 1)
    assert R.annualised_return(pd.Series([0.21, 0.0]), 1) == pytest.approx(0.1)
    assert R.annualised_return(pd.Series([0.21, np.nan, 0.0]), 1) == pytest.approx(0.1)  # NaN dropped
    assert np.isnan(R.annualised_return(pd.Series([np.nan]), 12))
    f = pd.DataFrame({"a": [0.21, 0.0], "b": [0.44, np.nan]})
    assert R.annualised_return(f, 1).tolist() == pytest.approx([0.1, 0.44])


def test_annualised_volatility():
    r = pd.Series([0.01, -0.01, 0.01, -0.01])
    # sd (ddof 1) = 0.01 * sqrt(4/3); times sqrt(12) = 0.04
    assert R.annualised_volatility(r, 12) == pytest.approx(0.04)


def test_sharpe_ratio_scalar_and_series_rf():
    r = pd.Series([0.02, 0.0, 0.02, 0.0])
    # excess mean 0.005, sd 0.01 * sqrt(4/3) = 0.011547: 0.005 / 0.011547 * sqrt(12) = 1.5
    assert R.sharpe_ratio(r, 0.005, 12) == pytest.approx(1.5)
    rf = pd.Series([0.01, -0.01, 0.01, -0.01])
    r2 = pd.Series([0.03, -0.01, 0.03, -0.01])
    # excess [0.02, 0, 0.02, 0]: mean 0.01, sd 0.011547 -> 0.01 / 0.011547 * sqrt(12) = 3.0
    assert R.sharpe_ratio(r2, rf, 12) == pytest.approx(3.0)
    f = pd.DataFrame({"a": r2, "b": r2 + 0.01})
    # b's excess [0.03, 0.01, 0.03, 0.01]: mean 0.02, same sd -> 6.0
    assert R.sharpe_ratio(f, rf, 12).tolist() == pytest.approx([3.0, 6.0])


def test_drawdown_and_max_drawdown():
    p = s([100, 120, 90, 60, 130, 65], pd.bdate_range("2020-01-01", periods=6))
    assert R.drawdown(p).tolist() == pytest.approx([0, 0, -0.25, -0.5, 0, -0.5])
    assert R.max_drawdown(p) == pytest.approx(-0.5)
    f = pd.DataFrame({"a": p, "b": p.cummax()})
    assert R.max_drawdown(f).tolist() == pytest.approx([-0.5, 0.0])


# -- relative performance ------------------------------------------------------------------------

IDX4 = pd.bdate_range("2020-01-01", periods=4)


def test_relative_is_rebased_at_the_first_common_date():
    a = pd.Series([10.0, 11.0, 12.0, 13.0], index=IDX4, name="A")
    b = pd.Series([np.nan, 22.0, 24.0, 13.0], index=IDX4, name="B")
    rel = R.relative(a, b)
    assert list(rel.index) == list(IDX4[1:])
    assert rel.tolist() == pytest.approx([1.0, 1.0, 2.0])


def test_relative_without_common_dates_names_both():
    a = pd.Series([1.0, np.nan], index=IDX4[:2], name="A")
    b = pd.Series([np.nan, 1.0], index=IDX4[:2], name="B")
    with pytest.raises(DataError, match="A and B have no common dates"):
        R.relative(a, b)


def test_rolling_excess():
    a = pd.Series([100.0, 110.0, 121.0, 133.1], index=IDX4, name="IWM")
    b = pd.Series([100.0, 100.0, 90.0, 110.0], index=IDX4, name="SPY")
    ex = R.rolling_excess(a, b, 2)
    assert ex.name == "IWM-SPY 2d"
    assert list(ex.index) == list(IDX4[2:])
    assert ex.tolist() == pytest.approx([0.21 - (-0.1), 0.21 - 0.1])


def test_beta_exact_on_constructed_data():
    m = pd.Series([0.01, -0.02, 0.03, 0.0, -0.01, 0.02])
    assert R.beta(0.001 + 1.5 * m, m) == pytest.approx(1.5, abs=1e-12)
    assert R.beta(-0.5 * m, m) == pytest.approx(-0.5, abs=1e-12)
    with_gap = (1.5 * m).copy()
    with_gap.iloc[0] = np.nan
    assert R.beta(with_gap, m) == pytest.approx(1.5, abs=1e-12)
    assert np.isnan(R.beta(m.iloc[:2], m.iloc[:2]))


def test_capture_ratio_down_and_up():
    m = pd.Series([-0.1, 0.05, -0.2, 0.1])
    a = pd.Series([-0.05, 0.1, -0.1, 0.0])
    down = (math.sqrt(0.95 * 0.9) - 1) / (math.sqrt(0.9 * 0.8) - 1)
    up = (math.sqrt(1.1 * 1.0) - 1) / (math.sqrt(1.05 * 1.1) - 1)
    assert R.capture_ratio(a, m) == pytest.approx(down)
    assert R.capture_ratio(a, m, side="down") == pytest.approx(0.497372, abs=1e-6)
    assert R.capture_ratio(a, m, side="up") == pytest.approx(up)
    assert np.isnan(R.capture_ratio(a, m.abs()))  # no down periods
