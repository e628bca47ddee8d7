"""The valuation chapter (V1-V5): analytics on small hand-made inputs with numbers worked by
hand, the rules' boundaries, one check on the reference snapshot, and the 1950-1999 re-run."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallcaps import stats
from smallcaps.analytics import predictive as pr
from smallcaps.analytics import valuation as va
from smallcaps.claims import valuation as cv
from smallcaps.claims.valuation import V1, V2, V3, V4, V5, v1_discount, v2_stretched
from smallcaps.claims.valuation.inputs import CLAIM_D_DATE, evaluation_date
from smallcaps.display import num, ordinal
from smallcaps.errors import DataError, ParameterError
from smallcaps.params import window

MONTHS = pd.period_range("2023-01", periods=3, freq="M")


# -- aggregate BE/ME and relative valuation ---------------------------------------------------------


def two_by_two():
    """Two size groups x two BE/ME cells, three months."""
    cols = ["S lo", "S hi", "B lo", "B hi"]
    groups = pd.Series({"S lo": 1, "S hi": 1, "B lo": 2, "B hi": 2})
    bm = pd.DataFrame([[0.5, 1.5, 0.2, 0.6], [0.5, 1.5, 0.2, 0.6], [0.4, np.nan, 0.2, 0.6]], index=MONTHS, columns=cols)
    firms = pd.DataFrame([[10, 30, 2, 1]] * 3, index=MONTHS, columns=cols, dtype=float)
    avg_size = pd.DataFrame([[3.0, 1.0, 100.0, 200.0]] * 3, index=MONTHS, columns=cols)
    return bm, firms, avg_size, groups


def test_aggregate_bm_weights_cells_by_firms_times_average_size():
    bm, firms, avg_size, groups = two_by_two()
    # caps: S lo 30, S hi 30, B lo 200, B hi 200
    small = va.size_group_average(bm, firms, avg_size, 1, groups)
    large = va.size_group_average(bm, firms, avg_size, 2, groups)
    assert small.iloc[0] == pytest.approx((30 * 0.5 + 30 * 1.5) / 60)  # 1.0
    assert large.iloc[0] == pytest.approx((200 * 0.2 + 200 * 0.6) / 400)  # 0.4
    assert small.iloc[2] == pytest.approx(0.4)  # a missing cell drops out of the weights too
    rv = va.relative_valuation(bm, firms, avg_size, small=1, large=2, groups=groups)
    assert rv["pb_ratio"].iloc[0] == pytest.approx(0.4)  # small's P/B is 40% of large's
    assert rv["discount"].iloc[0] == pytest.approx(-0.6)
    assert rv["log_spread"].iloc[0] == pytest.approx(math.log(2.5))
    assert rv["discount"].iloc[2] == pytest.approx(0.4 / 0.4 - 1.0)


def test_cell_grid_reads_french_names_and_rejects_others():
    names = [f"ME{i} BM{j}" for i in range(1, 6) for j in range(1, 6)]
    names[0], names[4], names[20], names[24] = "SMALL LoBM", "SMALL HiBM", "BIG LoBM", "BIG HiBM"
    grid = va.cell_grid(names)
    assert grid.loc["SMALL HiBM"].tolist() == [1, 5]
    assert grid.loc["ME3 BM2"].tolist() == [3, 2]
    assert grid.loc["BIG LoBM"].tolist() == [5, 1]
    assert grid["size"].value_counts().tolist() == [5] * 5
    with pytest.raises(DataError, match="not a size x BE/ME cell"):
        va.cell_grid(names[:-1] + ["Hi 10"])
    with pytest.raises(DataError, match="25 distinct"):
        va.cell_grid(names[:-1] + ["ME1 BM2"])


def test_size_out_of_range_names_the_valid_groups():
    bm, firms, avg_size, groups = two_by_two()
    with pytest.raises(DataError, match="size=3; valid: 1, 2"):
        va.size_group_average(bm, firms, avg_size, 3, groups)


def test_price_basis_is_december_of_the_formation_year_minus_one():
    months = pd.PeriodIndex(["2023-06", "2023-07", "2023-12", "2024-01", "2024-06", "2024-07"], freq="M")
    assert [str(p) for p in va.price_basis(months)] == ["2021-12", "2022-12", "2022-12", "2022-12", "2022-12", "2023-12"]


def test_price_updated_rolls_the_ratio_forward_by_relative_returns():
    idx = pd.period_range("2021-12", "2023-08", freq="M")
    small = pd.Series(0.0, index=idx)
    large = pd.Series(0.0, index=idx)
    small["2022-03"] = 0.10  # small up 10% in March 2022
    large["2023-02"] = 0.25  # large up 25% in February 2023
    ratio = pd.Series(0.5, index=pd.period_range("2022-06", "2023-08", freq="M"))
    out = va.price_updated(ratio, small, large)
    assert np.isnan(out["2022-06"])  # its December 2020 basis precedes the returns
    assert out["2022-07"] == pytest.approx(0.55)  # basis December 2021: March's 10% rolled in
    assert out["2023-01"] == pytest.approx(0.55)
    assert out["2023-03"] == pytest.approx(0.55 / 1.25)  # still December 2021: February's 25% too
    assert out["2023-07"] == pytest.approx(0.5 / 1.25)  # new basis December 2022
    small["2023-05"] = np.nan
    gap = va.price_updated(ratio, small, large)
    assert gap["2023-04"] == pytest.approx(0.44)
    assert gap[["2023-05", "2023-06", "2023-07", "2023-08"]].isna().all()


def test_market_cap_share():
    firms = pd.DataFrame({"a": [1.0], "b": [3.0], "c": [1.0]}, index=MONTHS[:1])
    size = pd.DataFrame({"a": [10.0], "b": [5.0], "c": [75.0]}, index=MONTHS[:1])
    assert va.market_cap_share(firms, size, "c", ["a", "b", "c"]).iloc[0] == pytest.approx(0.75)
    with pytest.raises(DataError, match="no column"):
        va.market_cap_share(firms, size, "d", ["a", "b"])


def test_history_percentile_and_value_at_use_only_the_past():
    s = pd.Series([5.0, 1.0, 3.0, 2.0, 10.0], index=pd.period_range("2020-01", periods=5, freq="M"))
    pct, label = va.history_percentile(s, "2020-04-30")
    assert str(label) == "2020-04" and pct == pytest.approx(50.0)  # 1 and 2 of 1,5,3,2 are <= 2
    assert va.value_at(s, "2020-03-15") == (1.0, pd.Period("2020-02", freq="M"))  # March had not ended
    assert va.value_at(s, "2020-03-31") == (3.0, pd.Period("2020-03", freq="M"))
    assert va.value_at(s, "2019-12-31") == (None, None)
    with pytest.raises(DataError, match="no value on or before"):
        va.history_percentile(s, "2019-06-30")


# -- predictive regressions ---------------------------------------------------------------------------


def test_forward_sum():
    r = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0])
    out = pr.forward_sum(r, 2)
    assert out.iloc[:3].tolist() == [5.0, 7.0, 9.0] and out.iloc[3:].isna().all()
    with pytest.raises(DataError, match="horizon=0"):
        pr.forward_sum(r, 0)


def test_predictive_frame_keeps_forward_returns_inside_the_window():
    idx = pd.period_range("2000-01", "2010-12", freq="M")
    x = pd.Series(np.arange(len(idx), dtype=float), index=idx)
    r = pd.Series(0.01, index=idx)
    r.loc["2006-01":] = 5.0  # returns after the window must never enter
    fr = pr.predictive_frame(x, r, 12, "2001-01-01", "2005-12-31")
    assert str(fr.index[0]) == "2001-01" and str(fr.index[-1]) == "2004-12"  # the last leaves 12 months inside
    assert np.allclose(fr["y"], 0.12)  # twelve months of 1%, annualised over 12 months
    fr36 = pr.predictive_frame(x, r, 36, "2001-01-01", "2005-12-31")
    assert str(fr36.index[-1]) == "2002-12" and np.allclose(fr36["y"], 0.12 * 12 / 12)
    # a gap in the returns removes every window that spans it, rather than shifting the sum
    r2 = r.drop(pd.Period("2003-06", freq="M"))
    fr2 = pr.predictive_frame(x, r2, 12, "2001-01-01", "2005-12-31")
    assert pd.Period("2003-01", freq="M") not in fr2.index and pd.Period("2003-06", freq="M") in fr2.index


def test_out_of_sample_r2_matches_a_hand_computation():
    idx = pd.period_range("2000-01", periods=5, freq="M")
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0], "y": [1.0, 3.0, 5.0, 7.0, 9.5]}, index=idx)
    o = pr.out_of_sample(frame, 1, 3)
    # month 4: pairs 1-3 give y = 1 + 2x -> forecast 7 (error 0), mean 3 (error 4)
    # month 5: pairs 1-4 give the same line -> forecast 9 (error 0.5), mean 4 (error 5.5)
    assert o.forecasts["model"].tolist() == pytest.approx([7.0, 9.0])
    assert o.forecasts["mean"].tolist() == pytest.approx([3.0, 4.0])
    assert o.r2 == pytest.approx(1 - 0.25 / (16 + 30.25))
    assert o.forecasts["cum_sse_diff"].tolist() == pytest.approx([16.0, 16.0 + 30.25 - 0.25])
    # with a two-month horizon the pair of month t-1 is not yet realised at t
    o2 = pr.out_of_sample(frame, 2, 3)
    assert [str(p) for p in o2.forecasts.index] == ["2000-05"]
    assert o2.forecasts["model"].iloc[0] == pytest.approx(9.0) and o2.forecasts["mean"].iloc[0] == pytest.approx(3.0)
    with pytest.raises(DataError, match="no month has 5"):
        pr.out_of_sample(frame, 1, 5)


def test_out_of_sample_sign_restriction_falls_back_to_the_mean():
    idx = pd.period_range("2000-01", periods=6, freq="M")
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "y": [5.0, 4.0, 3.0, 2.0, 1.0, 0.5]}, index=idx)
    free = pr.out_of_sample(frame, 1, 3)
    signed = pr.out_of_sample(frame, 1, 3, sign_restrict=True)
    assert free.r2 > 0.9
    assert (signed.forecasts["model"] == signed.forecasts["mean"]).all() and signed.r2 == 0.0


def test_fit_and_prediction_interval_on_an_exact_line():
    idx = pd.period_range("2000-01", periods=40, freq="M")
    x = np.linspace(0, 2, 40)
    frame = pd.DataFrame({"x": x, "y": 1.0 + 2.0 * x}, index=idx)
    fit = pr.fit_predictive(frame, 12)
    assert fit.slope.value == pytest.approx(2.0) and fit.intercept.value == pytest.approx(1.0)
    assert fit.result.hac_lags == 11 and fit.n == 40 and fit.r2 == pytest.approx(1.0)
    p = fit.predict(10.0)
    assert p["forecast"] == pytest.approx(21.0)
    assert p["pi_high"] - p["pi_low"] == pytest.approx(0.0, abs=1e-6)
    assert fit.slope_per_sd().value == pytest.approx(2.0 * np.std(x, ddof=1))


def test_prediction_interval_adds_the_residual_variance():
    rng = np.random.default_rng(0)
    idx = pd.period_range("2000-01", periods=200, freq="M")
    x = rng.normal(size=200)
    frame = pd.DataFrame({"x": x, "y": 0.5 * x + rng.normal(scale=2.0, size=200)}, index=idx)
    fit = pr.fit_predictive(frame, 1)
    p = fit.predict(0.0)
    z = 1.959963984540054
    half_pi = (p["pi_high"] - p["pi_low"]) / 2
    half_ci = (p["ci_high"] - p["ci_low"]) / 2
    assert half_pi == pytest.approx(z * math.sqrt((half_ci / z) ** 2 + fit.resid_var))
    assert fit.resid_var == pytest.approx(float(fit.result.ssr) / 198)


def test_group_means_are_the_quintile_means():
    idx = pd.period_range("2000-01", periods=50, freq="M")
    x = np.arange(50, dtype=float)
    y = np.where(x < 10, 1.0, 0.0) + np.where(x >= 40, 3.0, 0.0) + 0.001 * x
    g = pr.group_means(pd.DataFrame({"x": x, "y": y}, index=idx), 1)
    assert g.index.tolist() == [1, 2, 3, 4, 5] and g["n"].tolist() == [10] * 5
    assert g.loc[1, "estimate"] == pytest.approx(1.0 + 0.001 * 4.5)
    assert g.loc[5, "estimate"] == pytest.approx(3.0 + 0.001 * 44.5)
    assert g.loc[1, "x_low"] == 0 and g.loc[5, "x_high"] == 49


def test_stambaugh_bias_follows_the_first_order_formula():
    rng = np.random.default_rng(1)
    n = 80
    v = rng.normal(size=n + 1)
    x = np.zeros(n + 1)
    for t in range(1, n + 1):
        x[t] = 0.9 * x[t - 1] + v[t]
    # returns move with the predictor's next innovation: cov(u, v) > 0 biases the slope down
    frame = pd.DataFrame({"x": x[:-1], "y": 0.5 * v[1:]})
    st = pr.stambaugh_bias(frame)
    assert 0.7 < st["rho"] < 1.0
    assert st["bias"] == pytest.approx(-0.5 * (1 + 3 * st["rho"]) / n, rel=0.15)
    assert st["corrected"] == pytest.approx(st["slope"] - st["bias"])
    with pytest.raises(DataError, match="need at least 10"):
        pr.stambaugh_bias(frame.iloc[:5])


# -- window helpers and V3/V4 building blocks ------------------------------------------------------------


def test_month_ranges_and_evaluation_dates():
    assert va.full_month_range("1950-01-01", "1999-12-31") == (pd.Period("1950-01", "M"), pd.Period("1999-12", "M"))
    assert va.full_month_range("1950-01-15", "1999-12-30") == (pd.Period("1950-02", "M"), pd.Period("1999-11", "M"))
    assert va.last_complete_month("2024-05-16") == pd.Period("2024-04", "M")
    assert evaluation_date(CLAIM_D_DATE, window("1950-01-01", "1999-12-31")) == pd.Timestamp("1999-12-31")
    assert evaluation_date(CLAIM_D_DATE, window("1950-01-01", "2026-07-14")) == pd.Timestamp("2024-05-16")
    assert [ordinal(x) for x in (1, 2, 3, 11, 12, 13, 21, 22.4, 98.5, 100)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "22nd", "98th", "100th"]


def test_window_conventions_on_a_business_day_calendar():
    days = pd.bdate_range("2024-03-01", "2024-05-20")
    close = pd.DataFrame({"IWM": np.linspace(100, 110, len(days))}, index=days)
    conv = va.one_month_conventions(close, "2024-05-16")
    base = conv["base"].dt.strftime("%Y-%m-%d").to_dict()
    assert base["calendar month (close on or before the same day a month earlier)"] == "2024-04-16"
    assert base["30 calendar days"] == "2024-04-16"
    assert base["21 trading days"] == "2024-04-17"
    assert base["22 trading days"] == "2024-04-16"
    assert base["month to date (from the previous month-end close)"] == "2024-04-30"
    assert conv["standard"].sum() == 3
    with pytest.raises(DataError, match="no close on 2024-05-18"):
        va.one_month_conventions(close, "2024-05-18")


def test_weekly_relative_drops_the_incomplete_last_week():
    days = pd.bdate_range("2024-01-01", "2024-01-23")  # ends on a Tuesday
    n = len(days)
    close = pd.DataFrame({"IWM": 100 * 1.01 ** np.arange(n), "SPY": 100.0 * np.ones(n),
                          "IJR": 50.0 * np.ones(n), "IVV": 50.0 * np.ones(n), "^TNX": 4.0 + 0.01 * np.arange(n)},
                         index=days)
    w = va.weekly_relative(close, [("IWM", "SPY"), ("IJR", "IVV")])
    assert [d.strftime("%m-%d") for d in w.index] == ["01-12", "01-19"]
    assert w["IWM-SPY"].tolist() == pytest.approx([1.01 ** 5 - 1] * 2)
    assert w["dy"].tolist() == pytest.approx([0.05, 0.05])
    assert w["IJR-IVV"].tolist() == pytest.approx([0.0, 0.0])


def test_rolling_slope_matches_ols_on_each_window():
    rng = np.random.default_rng(2)
    idx = pd.date_range("2020-01-03", periods=60, freq="W-FRI")
    x = pd.Series(rng.normal(size=60), index=idx)
    y = 0.3 * x + pd.Series(rng.normal(scale=0.5, size=60), index=idx)
    roll = va.rolling_slope(y, x, 20)
    assert len(roll) == 41
    b = np.polyfit(x.iloc[10:30], y.iloc[10:30], 1)[0]
    assert roll["slope"].iloc[10] == pytest.approx(b)
    res = stats.ols_hac(y.iloc[10:30], x.iloc[10:30].to_frame("x"), lags=0)
    se = float(np.sqrt(res.ssr / 18 / ((x.iloc[10:30] - x.iloc[10:30].mean()) ** 2).sum()))
    assert roll["ci_high"].iloc[10] - roll["slope"].iloc[10] == pytest.approx(1.959963984540054 * se)


# -- rule boundaries ---------------------------------------------------------------------------------


def _est(value, lo, hi):
    return stats.Estimate(value, None, lo, hi, 0.95, None, None, 100, "test")


def _v1(value, avg, avg_lo, avg_hi, pct, pct_window=None):
    """V1 evidence where every size group and measure reads ``value`` against an average with
    the given interval, at the ``pct`` percentile since 1995 (``pct_window`` in the whole window)."""
    idx = pd.period_range("1990-01", "2024-04", freq="M")
    series = pd.DataFrame({m: -0.5 for m in v1_discount.MEASURES}, index=idx)
    pw = pct if pct_window is None else pct_window
    row = {"value": value, "month": idx[-1], "average": _est(avg, avg_lo, avg_hi), "percentile": pw,
           "percentile_since": pct, "percentile_1963": pct, "latest": value, "latest_month": idx[-1],
           "latest_percentile_since": pct, "n_since": 352, "series": series["discount"]}
    rows = {(g, m): dict(row) for g in ("2-3", "1") for m in v1_discount.MEASURES}
    return v1_discount.V1Evidence(series=series, eval_date=pd.Timestamp("2024-05-16"), eval_month=idx[-1],
                                  since=pd.Period("1995-01", "M"), rows=rows, earnings={}, op_range=None)


REGISTERED_V1 = V1.amendments[0].registered_spec


@pytest.mark.parametrize("value, pct, verdict", [
    (-0.70, 10.0, "supported"),            # at the percentile boundary (since 1995)
    (-0.70, 10.01, "partly supported"),
    (-0.56, 50.0, "partly supported"),      # just below the average's lower bound (-0.55)
    (-0.55, 5.0, "inconclusive"),           # at the bound: the gap is negative, its interval touches zero
    (-0.50, 5.0, "not supported"),          # the gap is zero
    (-0.40, 80.0, "not supported"),
])
def test_v1_rule_boundaries(value, pct, verdict):
    res = V1.from_evidence(_v1(value, -0.50, -0.55, -0.45, pct, pct_window=99.0)).bare_result
    assert res.verdict == verdict
    assert res.statistic.value == pytest.approx(100 * (value + 0.50))
    assert res.statistic.ci_high == pytest.approx(100 * (value + 0.55))
    assert "quintiles 2-3, rolled forward" in res.statistic.name


@pytest.mark.parametrize("value, pct_window, verdict", [
    (-0.70, 10.0, "supported"),            # the registered rule: the whole window's percentile decides
    (-0.70, 10.01, "partly supported"),
    (-0.55, 5.0, "not supported"),          # no inconclusive under the registered rule
])
def test_v1_registered_rule_boundaries(value, pct_window, verdict):
    res = V1.from_evidence(_v1(value, -0.50, -0.55, -0.45, 1.0, pct_window=pct_window), spec=REGISTERED_V1).bare_result
    assert res.verdict == verdict and res.statistic.name == "P/B gap to its 1995+ average, Apr 2024"


def test_v1_p_value_and_mde_come_from_the_average_s_standard_error():
    ev = _v1(-0.70, -0.50, -0.55, -0.45, 5.0)
    for r in ev.rows.values():
        r["average"] = stats.Estimate(-0.50, 0.05, -0.598, -0.402, 0.95, None, None, 352, "test")
    d = V1.from_evidence(ev).decision
    # gap -20 pp, se 5 pp: z = -4, one-sided p = Phi(-4); MDE = (1.645 + 0.842) x 5
    assert d.p_value == pytest.approx(3.167e-05, rel=1e-3)
    assert d.mde == pytest.approx(2.486 * 5, rel=1e-3)


def test_v1_untestable_without_a_post_1995_average():
    ev = _v1(-0.7, -0.5, -0.55, -0.45, 5.0)
    ev.rows[("2-3", "discount_updated")]["average"] = None
    res = V1.from_evidence(ev).bare_result
    assert res.verdict == "untestable with available data" and res.statistic.value is None and res.note


def _v2(cape_pct, share_pct, cheap_pct, history=120):
    m = pd.Period("2026-03", "M")

    def row(value, pct):
        return {"month": m, "value": value, "units": "ratio", "percentile": pct, "history from": m - (history - 1),
                "history months": history}

    readings = pd.DataFrame.from_dict({"CAPE": row(38.0, cape_pct), "trailing P/E": row(27.0, 90.0),
                                       v2_stretched.SHARE_ROW: row(0.7, share_pct),
                                       v2_stretched.CHEAP_ROW: row(0.3, cheap_pct)},
                                      orient="index")
    cape = pd.Series(30.0, index=pd.period_range(m - (history - 1), m, freq="M"))
    return v2_stretched.V2Evidence(eval_date=pd.Timestamp("2026-07-02"), cape=cape, pe=cape, share=cape,
                                   relative_pb=cape, rsp_spy=pd.Series(dtype=float), readings=readings,
                                   proxy_return=None, proxy_start=None, proxy_end=None)


def test_v2_needs_ten_years_of_history():
    years = V2.space["min_history_years"].default
    assert V2.from_evidence(_v2(95.0, 95.0, 10.0, history=12 * years)).result.verdict == "supported"
    res = V2.from_evidence(_v2(95.0, 95.0, 10.0, history=12 * years - 1)).result
    assert res.verdict == "untestable with available data" and res.statistic.value is None


@pytest.mark.parametrize("cape_pct, share_pct, cheap_pct, verdict", [
    (90.0, 90.0, 49.9, "supported"),
    (89.9, 90.0, 49.9, "partly supported"),
    (95.0, 95.0, 50.0, "partly supported"),   # 50th percentile is not "cheap"
    (95.0, 80.0, 50.0, "not supported"),
])
def test_v2_rule_boundaries(cape_pct, share_pct, cheap_pct, verdict):
    res = V2.from_evidence(_v2(cape_pct, share_pct, cheap_pct)).result
    assert res.verdict == verdict and res.statistic.value == pytest.approx(cape_pct)


def _v3(full, ijr, recent):
    ests = {("IWM-SPY", "full sample"): _est(*full), ("IJR-IVV", "full sample"): _est(*ijr),
            ("IWM-SPY", "last 156 weeks"): _est(*recent)}
    weekly = pd.DataFrame({"IWM-SPY": [0.01, -0.01, 0.0], "dy": [0.1, -0.1, 0.0], "spy": [0.01, 0.0, -0.01],
                           "dhy": [0.1, 0.0, -0.1]}, index=pd.date_range("2020-01-03", periods=3, freq="W-FRI"))
    return cv.v3_yields.V3Evidence(weekly=weekly, table_rows=[], estimates=ests, rolling=pd.DataFrame(),
                                   monthly_context=None, monthly_sample=None, recent_from="2021-05-21",
                                   raw=dict(ests), ladder={}, coefficients={})


REGISTERED_V3 = V3.amendments[0].registered_spec


@pytest.mark.parametrize("full, ijr, recent, verdict", [
    ((-0.02, -0.03, -0.001), (-0.01, -0.02, 0.0), (0.01, 0.0, 0.02), "supported"),
    ((-0.02, -0.03, -0.001), (0.01, 0.0, 0.02), (0.01, 0.0, 0.02), "partly supported"),   # IJR disagrees
    ((0.014, 0.005, 0.023), (0.014, 0.005, 0.023), (-0.034, -0.063, -0.004), "partly supported"),
    ((0.014, 0.005, 0.023), (0.014, 0.005, 0.023), (-0.03, -0.06, 0.0), "not supported"),  # touches zero
    ((-0.002, -0.010, 0.006), (0.01, 0.0, 0.02), (-0.03, -0.06, 0.0), "inconclusive"),     # the claim's sign only
    ((0.0, -0.010, 0.010), (0.01, 0.0, 0.02), (-0.03, -0.06, 0.0), "not supported"),       # a zero slope
])
def test_v3_rule_boundaries(full, ijr, recent, verdict):
    res = V3.from_evidence(_v3(full, ijr, recent)).bare_result
    assert res.verdict == verdict and res.statistic.value == pytest.approx(100 * full[0])
    assert res.statistic.unit == "pp per pp" and "held fixed" in res.statistic.name


def test_v3_registered_rule_has_no_inconclusive():
    res = V3.from_evidence(_v3((-0.002, -0.010, 0.006), (0.01, 0.0, 0.02), (-0.03, -0.06, 0.0)),
                           spec=REGISTERED_V3).bare_result
    assert res.verdict == "not supported" and res.statistic.name == "IWM-SPY weekly slope on yield changes"


def _v4(gap):
    conv = pd.DataFrame({"base": [pd.Timestamp("2024-04-17")], "end": [pd.Timestamp("2024-05-16")], "standard": [True],
                         "IWM": [(7.74 + gap) / 100], "VTWO": [0.0774], "QQQS": [0.0842],
                         "larger gap": [gap / 100]}, index=pd.Index(["21 trading days"], name="convention"))
    return cv.v4_may2024.V4Evidence(conventions=conv, grid=pd.DataFrame(), best="21 trading days", best_gap=gap / 100)


@pytest.mark.parametrize("gap, verdict", [(0.10, "supported"), (0.1001, "partly supported"), (1.0, "partly supported"),
                                          (1.0001, "not supported")])
def test_v4_rule_boundaries(gap, verdict):
    res = V4.from_evidence(_v4(gap)).result
    assert res.verdict == verdict and res.statistic.value == pytest.approx(gap)


class _FakeFit:
    def __init__(self, value, lo, hi, n=600):
        self.slope = _est(value, lo, hi)
        self.sd_x = 1.0
        self.n = n
        self.first, self.last = pd.Period("1950-01", "M"), pd.Period("1996-12", "M")


class _FakeOOS:
    def __init__(self, r2, n=300):
        self.r2, self.n = r2, n
        self.forecasts = pd.DataFrame(index=pd.period_range("1975-01", periods=n, freq="M"))


def _v5(slope, r2, n=600, forecasts=300):
    """V5 evidence whose primary slope (Newey-West and Hodrick alike) is ``slope`` (decimal)."""
    h = 12 * V5.space["primary_horizon_years"].default
    value, lo, hi = slope
    hod = stats.Estimate(value, (hi - lo) / 3.92, lo, hi, 0.95, value / ((hi - lo) / 3.92), None, n, "Hodrick test")
    return cv.v5_predicts.V5Evidence(frames={}, fits={h: _FakeFit(*slope, n=n)}, oos={h: _FakeOOS(r2, forecasts)},
                                     oos_signed={}, groups=None, latest_x=None, latest_month=None, predictions={},
                                     robustness=pd.DataFrame(), stambaugh=None,
                                     window_months=(pd.Period("1950-01", "M"), pd.Period("1999-12", "M")),
                                     hodrick={h: hod}, clark_west={}, oos_by_start={}, non_overlapping=pd.DataFrame())


REGISTERED_V5 = V5.amendments[0].registered_spec


@pytest.mark.parametrize("slope, r2, verdict", [
    ((0.05, 0.01, 0.09), 0.001, "supported"),
    ((0.05, 0.01, 0.09), 0.0, "partly supported"),     # OOS R2 must be positive
    ((0.05, 0.0, 0.10), 0.02, "partly supported"),     # interval touching zero is not above it
    ((0.05, 0.0, 0.10), -0.01, "inconclusive"),        # positive slope, neither test holds
    ((0.0, -0.04, 0.04), 0.05, "not supported"),       # a zero slope never supports
    ((-0.01, -0.05, -0.001), 0.05, "not supported"),   # a negative slope never supports
])
def test_v5_rule_boundaries(slope, r2, verdict):
    res = V5.from_evidence(_v5(slope, r2)).bare_result
    assert res.verdict == verdict
    assert res.statistic.value == pytest.approx(100 * slope[0]) and res.statistic.unit == "pp a year"
    assert res.statistic.method == "Hodrick test"


def test_v5_registered_rule_reads_newey_west_and_has_no_inconclusive():
    res = V5.from_evidence(_v5((0.05, 0.0, 0.10), -0.01), spec=REGISTERED_V5).bare_result
    assert res.verdict == "not supported" and res.statistic.name == "3-year small-minus-large slope per sd"
    assert res.statistic.method == "test"  # the Newey-West fit's interval, not Hodrick's


def test_v5_p_value_and_mde_come_from_the_deciding_interval():
    d = V5.from_evidence(_v5((0.0392, 0.0, 0.0784), 0.01)).decision
    # se = 0.0784 / 3.92 = 0.02 (decimal) = 2 pp a year per sd after the x100: z = 1.96
    assert d.p_value == pytest.approx(0.025, abs=1e-4)
    assert d.mde == pytest.approx(2.486 * 2.0, rel=1e-3)


def test_v5_untestable_when_the_window_is_short():
    sp = V5.space
    res = V5.from_evidence(_v5((0.05, 0.01, 0.09), 0.1, n=sp["min_predictive_months"].default - 1)).bare_result
    assert res.verdict == "untestable with available data"
    res = V5.from_evidence(_v5((0.05, 0.01, 0.09), 0.1, forecasts=sp["min_forecasts"].default - 1)).bare_result
    assert res.verdict == "untestable with available data"
    assert V5.from_evidence(_v5((0.05, 0.01, 0.09), 0.1)).bare_result.verdict == "supported"


def test_every_rule_quotes_the_thresholds_its_decision_reads():
    assert [c.id for c in cv.CLAIMS] == ["V1", "V2", "V3", "V4", "V5"]
    assert "at most 10" in V1.rule_for().supported
    assert "90th percentile" in V2.rule_for().statistic
    assert "156 weeks" in V3.rule_for().partly
    assert "0.10 pp" in V4.rule_for().supported and "7.74%" in V4.rule_for().statistic
    assert "3-year" in V5.rule_for().statistic and "240" in V5.rule_for().statistic
    # the text is filled from the same values the decision reads: change one, both change
    assert "at most 5" in V1.rule_for({"rare_percentile": 5.0}).supported
    assert "0.25 pp" in V4.rule_for({"reproduced_pp": 0.25}).supported
    res = V4.from_evidence(_v4(0.2), spec={"reproduced_pp": 0.25}).result
    assert res.verdict == "supported" and "at most 0.25 pp" in res.rule


def test_spec_choices_are_checked_with_one_line_errors():
    with pytest.raises(ParameterError, match=r"V1 has no spec choice 'rare_pct'; valid: rare_percentile, size_group, "
                                             r"measure, percentile_frame, interval, forward_pe, verdict_rule, read_at"):
        V1.rule_for({"rare_pct": 5})
    with pytest.raises(ParameterError, match=r"V1 spec rare_percentile=150.0 is out of range; valid: 0 to 100"):
        V1.rule_for({"rare_percentile": 150})
    with pytest.raises(ParameterError, match=r"V3 spec recent_weeks='long' is not a int"):
        V3.rule_for({"recent_weeks": "long"})
    assert V5.space.size() == 1 + 2 + 2 + 3
    labels = [s.label for s in V1.space.variants()][:6]
    assert labels == ["default", "rare_percentile=5th percentile", "rare_percentile=20th percentile",
                      "size_group=micro-caps (quintile 1, registered)", "measure=December prices (registered)",
                      "measure=June prices"]


# -- on the reference snapshot -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_inputs(snapshot_dir, tmp_path_factory):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return cv.load_inputs(ds)


def test_v4_reproduces_the_quoted_figures_on_the_snapshot(snapshot_inputs):
    v4 = V4(snapshot_inputs, window("2024-01-01", "2024-12-31"))
    td = v4.evidence.conventions.loc["21 trading days"]
    assert td["base"] == pd.Timestamp("2024-04-17")
    assert round(100 * td["IWM"], 2) == 7.74 and round(100 * td["QQQS"], 2) == 8.42
    assert round(100 * v4.evidence.conventions.iloc[0]["IWM"], 2) == 6.60  # the calendar month does not
    assert v4.result.verdict == "supported"
    assert v4.facts()["v4_td_iwm"].text() == "7.74" and v4.facts()["v4_cal_iwm"].text() == "6.60"


def test_v4_untestable_outside_may_2024(snapshot_inputs):
    v4 = V4(snapshot_inputs, window("2010-01-01", "2019-12-31"))
    res = v4.result
    assert res.verdict == "untestable with available data" and "16 May 2024" in res.note
    assert v4.all_flags() == {"v4": False} and "v4_td_iwm" not in v4.facts()
    assert v4.plot(lambda **kw: 1 / 0) == "the window cannot decide V4 (see its verdict)"


def test_v5_on_the_snapshot_uses_only_the_window(snapshot_inputs):
    ev = V5(snapshot_inputs, window("1960-01-01", "1989-12-31")).evidence
    for h, fr in ev.frames.items():
        assert fr.index.min() >= pd.Period("1960-01", "M")
        assert fr.index.max() + h <= pd.Period("1989-12", "M")
    assert ev.latest_month == pd.Period("1989-12", "M")
    assert str(ev.fits[36].last) == "1986-12"


# -- the 1950-1999 re-run ----------------------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.timeout(900)
def test_rerun_1950_1999_reports_on_that_window_alone(tmp_path, snapshot_dir):
    from smallcaps.book import runner

    out = tmp_path / "run"
    report = runner.run(start="1950-01-01", end="1999-12-31", chapters=["valuation"], out=out, jobs=1,
                        mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    assert report.ok and (out / "html" / "book" / "valuation.html").is_file()
    res = json.loads((out / "valuation.results.json").read_text())
    claims = {c["id"]: c for c in res["claims"]}
    v5 = claims["V5"]["sample"]
    assert v5["start"] >= "1950-01-01"
    # the last predictor month leaves room for its 3-year forward return inside the window
    assert v5["end"] <= "1996-12-31" and v5["n"] == 564
    assert claims["V5"]["verdict"] != "untestable with available data"
    for cid in ("V3", "V4"):
        assert claims[cid]["verdict"] == "untestable with available data" and claims[cid]["note"]
    assert claims["V1"]["sample"]["start"] >= "1950-01-01" and claims["V1"]["sample"]["end"] <= "1999-12-31"
    text = (out / "valuation.ipynb").read_text()
    assert "/tmp/" not in text and "/work/" not in text
    # the page's prose never splices a missing number into a sentence (only tables may say n/a)
    from bs4 import BeautifulSoup

    page = BeautifulSoup((out / "html" / "book" / "valuation.html").read_text(), "html.parser")
    paragraphs = [p.get_text(" ") for p in page.select("article p") if not p.find_parent("table")]
    assert paragraphs and not [p for p in paragraphs if "n/a" in p]


# -- inference helpers of the referee revision (hand-worked) -------------------------------------------


def test_mean_ar1_inflates_the_iid_error_by_the_ar1_factor():
    x = pd.Series([0.0] * 5 + [1.0] * 5)
    # corr(x[:-1], x[1:]) = (16/9) / (20/9) = 0.8 by hand; factor (1 + 0.8) / (1 - 0.8) = 9
    assert stats.lag1_autocorrelation(x) == pytest.approx(0.8)
    e = stats.mean_ar1(x)
    # sd/sqrt(n) = sqrt(0.25 / 9) = 1/6, times sqrt(9) = 0.5
    assert e.value == pytest.approx(0.5) and e.se == pytest.approx(0.5)
    assert e.ci_high - e.value == pytest.approx(1.959963984540054 * 0.5) and e.n == 10
    assert "rho 0.800" in e.method and "about 1.1 independent observations" in e.method


def test_mean_ar1_never_narrower_than_iid_and_refuses_a_unit_root():
    alt = pd.Series([1.0, 2.0] * 5)  # rho = -1: treated as 0, the iid error
    e = stats.mean_ar1(alt)
    assert e.se == pytest.approx(math.sqrt(0.25 * 10 / 9) / math.sqrt(10))
    with pytest.raises(DataError, match="lag-1 autocorrelation 1.000"):
        stats.mean_ar1(pd.Series(np.arange(20.0)))
    with pytest.raises(DataError, match="need at least 10"):
        stats.mean_ar1(pd.Series([1.0, 2.0, 3.0]))


def _forecasts(y, model, mean):
    idx = pd.period_range("2000-01", periods=len(y), freq="M")
    f = pd.DataFrame({"y": y, "model": model, "mean": mean}, index=idx)
    return pr.OutOfSample(r2=float("nan"), forecasts=f, n=len(y), min_train=3, sign_restricted=False)


def test_clark_west_adjusts_the_mse_gain_for_the_model_s_noise():
    o = _forecasts([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 4.0, 4.0], [0.0, 0.0, 0.0, 0.0])
    # (y-mean)^2 - [(y-model)^2 - (mean-model)^2]: 1-(0-1)=2, 4-(1-1)=4, 9-(1-16)=24, 16-(0-16)=32
    cw = pr.clark_west(o, 1)
    assert cw.adjusted == pytest.approx(15.5) and cw.n == 4 and cw.t > 0 and 0 < cw.p < 0.5


def test_oos_r2_since_scores_the_later_forecasts_only():
    o = _forecasts([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 2.0, 5.0], [0.0, 0.0, 0.0, 0.0])
    r2, n = pr.oos_r2_since(o, "2000-03-01")
    assert n == 2 and r2 == pytest.approx(1 - (1 + 1) / (9 + 16))
    with pytest.raises(DataError, match="no forecast from 2001-01-01"):
        pr.oos_r2_since(o, "2001-01-01")


def test_non_overlapping_regressions_take_every_horizon_th_month():
    idx = pd.period_range("1990-01", periods=120, freq="M")
    x = np.arange(120.0)
    frame = pd.DataFrame({"x": x, "y": 1.0 + 2.0 * x + np.where(np.arange(120) % 24 < 12, 0.5, -0.5)}, index=idx)
    no = pr.non_overlapping(frame, 12)
    assert no.index.tolist() == [0, 2, 4, 6, 8, 10] and (no["n"] == 10).all()
    # each offset's ten points alternate +0.5/-0.5 around the line: the OLS slope stays near 2
    assert no["slope"].to_numpy() == pytest.approx(2.0, abs=0.02)
    assert no.loc[0, "first"] == pd.Period("1990-01", "M") and no.loc[2, "first"] == pd.Period("1990-03", "M")


def test_hodrick_slope_is_the_overlapping_ols_slope_with_hodrick_errors():
    rng = np.random.default_rng(5)
    idx = pd.period_range("1950-01", periods=400, freq="M")
    x = pd.Series(np.cumsum(rng.normal(size=400)) * 0.05, index=idx)
    r = pd.Series(0.01 * rng.normal(size=400), index=idx)
    h = 12
    e = pr.hodrick_slope(x, r, h)
    fit = pr.fit_predictive(pr.predictive_frame(x, r, h), h)
    assert e.value == pytest.approx(fit.slope.value) and e.n == fit.n == 400 - h
    # the same call on hodrick_1b's own terms, annualised by 12/h
    raw_e = stats.hodrick_1b(r, x, h)
    assert e.se == pytest.approx(raw_e.se * 12 / h) and e.method == "Hodrick (1992) 1B, horizon 12"
    half = pr.hodrick_slope(x, r, h, first=idx[0], last=idx[199])
    assert half.n == 200


def test_annual_dividend_price_reads_each_december():
    months = pd.period_range("1999-01", "2002-12", freq="M")
    price = pd.Series(1.0, index=months)
    div = pd.Series(0.1, index=months)
    for m, p, d in (("1999-12", 100.0, 2.0), ("2000-12", 110.0, 2.2), ("2001-12", 99.0, 2.5), ("2002-12", 120.0, 3.0)):
        price[m], div[m] = p, d
    fr = pr.annual_dividend_price(price, div, 1999, 2002)
    assert [str(p) for p in fr.index] == ["1999", "2000", "2001"]
    assert fr["x"].tolist() == pytest.approx([math.log(2 / 100), math.log(2.2 / 110), math.log(2.5 / 99)])
    assert fr["y"].tolist() == pytest.approx([math.log(112.2 / 100), math.log(101.5 / 110), math.log(123 / 99)])
    assert pr.adjusted_r2(0.01, 114) == pytest.approx(1 - 0.99 * 113 / 112)
    with pytest.raises(DataError, match="n=2 observations"):
        pr.adjusted_r2(0.5, 2)


def _cells25(value_by_size: dict[int, float]) -> pd.DataFrame:
    names = [f"ME{i} BM{j}" for i in range(1, 6) for j in range(1, 6)]
    names[0], names[4], names[20], names[24] = "SMALL LoBM", "SMALL HiBM", "BIG LoBM", "BIG HiBM"
    size = va.cell_grid(names)["size"]
    return pd.DataFrame([[value_by_size[size[c]] for c in names]], index=MONTHS[:1], columns=names)


def test_size_groups_quintiles_2_3_against_5():
    bm = _cells25({1: 2.0, 2: 1.0, 3: 0.5, 4: 0.4, 5: 0.25})
    op = _cells25({1: -5.0, 2: 0.1, 3: 0.1, 4: 0.1, 5: 0.1})
    firms = _cells25({1: 1.0, 2: 1.0, 3: 1.0, 4: 1.0, 5: 1.0})
    avg_size = _cells25({1: 1.0, 2: 10.0, 3: 30.0, 4: 50.0, 5: 100.0})
    groups = va.size_groups(bm.columns, (2, 3))
    assert groups.value_counts().to_dict() == {"small": 10, "other": 10, "large": 5}
    with pytest.raises(DataError, match="in one group only"):
        va.size_groups(bm.columns, (2, 5))
    rv = va.relative_valuation_panel(bm, bm, pd.DataFrame(0.0, index=bm.index, columns=bm.columns), firms, avg_size,
                                     small=(2, 3))
    # small BE/ME = (5 x 10 x 1.0 + 5 x 30 x 0.5) / 200 = 0.625; large 0.25: P/B ratio 0.4
    assert rv["bm_small"].iloc[0] == pytest.approx(0.625) and rv["discount"].iloc[0] == pytest.approx(-0.6)
    # operating-profit yield: small 0.1 x 0.625 = 0.0625, large 0.025; price per unit of profit 60% lower
    assert va.operating_yield_relative(op, bm, firms, avg_size, (2, 3)).iloc[0] == pytest.approx(-0.6)


def test_weekly_change_drops_the_incomplete_last_week():
    days = pd.bdate_range("2024-01-01", "2024-01-18")  # ends on a Thursday
    s = pd.Series(np.arange(len(days), dtype=float), index=days, name="oas")
    out = va.weekly_change(s)
    assert [d.strftime("%m-%d") for d in out.index] == ["01-12"] and out.tolist() == [5.0]


# -- the referee's constructions on the reference snapshot ------------------------------------------------

#: The verdicts and deciding numbers as committed before the amendments
#: (``git show 7cacd59:book/valuation.results.json``), copied verbatim.
BEFORE = {
    "V1": ("partly supported", "P/B gap to its 1995+ average, Apr 2024", -21.3156, -28.2869, -14.2964,
           "stationary bootstrap, mean block 28.8, 2000 draws", ("1926-07-01", "2024-04-30", 1174)),
    "V3": ("partly supported", "IWM-SPY weekly slope on yield changes", 1.40483, 0.472634, 2.33703,
           "HAC (Newey-West, 7 lags)", ("2000-06-02", "2026-07-10", 1363)),
    "V5": ("partly supported", "3-year small-minus-large slope per sd", 5.37458, 2.11223, 8.63693,
           "HAC (Newey-West, 35 lags)", ("1926-07-01", "2021-12-31", 1146)),
}


def test_the_constants_are_the_committed_results_before_the_amendments():
    import subprocess

    proc = subprocess.run(["git", "show", "7cacd59:book/valuation.results.json"], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1])
    if proc.returncode == 0:  # a checkout with history: the constants are that file's
        claims = {c["id"]: c for c in json.loads(proc.stdout)["claims"]}
        for cid, (verdict, name, value, lo, hi, method, sample) in BEFORE.items():
            st = claims[cid]["statistic"]
            assert (claims[cid]["verdict"], st["name"], st["value"], st["ci_low"], st["ci_high"], st["method"]) == (
                verdict, name, value, lo, hi, method)
            smp = claims[cid]["sample"]
            assert (smp["start"], smp["end"], smp["n"]) == sample
    assert set(BEFORE) == {c.id for c in cv.CLAIMS if c.amendments}


@pytest.mark.parametrize("cls", [V1, V3, V5], ids=["V1", "V3", "V5"])
def test_the_registered_rule_reproduces_the_committed_verdict(snapshot_inputs, cls):
    from smallcaps.claims.contract import round_sig

    reg = cls(snapshot_inputs, snapshot_inputs.window).registered()
    verdict, name, value, lo, hi, method, sample = BEFORE[cls.id]
    st = reg.result.statistic
    assert reg.result.verdict == verdict and st.name == name and st.method == method
    assert (round_sig(st.value), round_sig(st.ci_low), round_sig(st.ci_high)) == (value, lo, hi)
    assert (reg.result.sample.start, reg.result.sample.end, reg.result.sample.n) == sample


def test_v1_on_the_referee_s_frame(snapshot_inputs):
    v1 = V1(snapshot_inputs, snapshot_inputs.window)
    rows = v1.evidence.rows
    upd = rows[("2-3", "discount_updated")]
    # the referee: ME2-3/ME5 price-updated -61.8%, percentile 2.2 (1926+) and 0.3 (1995+)
    assert round(100 * upd["value"], 1) == -61.8
    assert round(upd["percentile"], 1) == 2.2 and round(upd["percentile_since"], 1) == 0.3
    # the registered measure (quintile 1, December prices): -71.9%, 20.8 (all), 7.1 (1995+), 3.4 (1963+)
    q1 = rows[("1", "discount")]
    assert round(100 * q1["value"], 1) == -71.9 and round(100 * q1["latest"], 1) == -75.2
    assert (round(q1["percentile"], 1), round(q1["percentile_since"], 1), round(q1["percentile_1963"], 1)) == (
        20.8, 7.1, 3.4)
    assert round(100 * rows[("1", "discount_updated")]["value"], 1) == -78.7
    # V1.5: the 1995+ mean's AR(1) coefficient 0.978 and standard error 7.2 pp
    s = q1["series"].loc["1995-01":"2024-04"]
    e = stats.mean_ar1(s)
    assert round(stats.lag1_autocorrelation(s), 3) == 0.978 and round(100 * e.se, 1) == 7.2
    # V1.4: price-to-operating-profit against quintile 5: -9% now / +11% on average (ME2), -12% / +8% (ME3)
    e2, e3 = v1.evidence.earnings["2"], v1.evidence.earnings["3"]
    assert (round(100 * e2["value"]), round(100 * e2["average"])) == (-9, 11)
    assert (round(100 * e3["value"]), round(100 * e3["average"])) == (-12, 8)
    assert 19 <= round(e3["percentile_since"]) <= round(e2["percentile_since"]) <= 32
    res = v1.result
    assert res.verdict == "supported" and res.registered["verdict"] == "partly supported"
    assert res.statistic.value == pytest.approx(-61.8 - (-32.9), abs=0.1)
    assert res.statistic.ci_high < 0 and res.statistic.p_value < 0.01 and res.statistic.mde is not None
    assert res.dated["claim_date"] == "2024-05-16" and res.dated["when_said"]["verdict"] == "supported"
    assert res.dated["as_of"]["statistic"]["name"].endswith("Nov 2025")
    assert v1.headline() == ("Apr 2024: small caps' P/B (quintiles 2-3) 62% below large caps', cheaper than in "
                             "all but 0.3% of months since 1995")
    assert v1.figure()["claimed"] == {}  # the claim's forward P/E levels are never drawn on a P/B axis


def test_v3_at_the_claim_s_date_and_with_the_referee_s_controls(snapshot_inputs):
    win = snapshot_inputs.window
    v3 = V3(snapshot_inputs, win)
    raw = v3.evidence.raw
    r = lambda e: (round(100 * e.value, 2), round(100 * e.ci_low, 2), round(100 * e.ci_high, 2))  # noqa: E731
    # at the claim's date, raw: the whole sample +1.70 (0.78, 2.62)
    assert r(raw[("IWM-SPY", "full sample")]) == (1.70, 0.78, 2.62)
    # the last 156 weeks to the claim's date: -0.95 (-3.50, +1.60) from 21 May 2021. The referee's
    # -0.96 (-3.50, +1.58) from 28 May 2021 includes the week ending Friday 17 May 2024, a day
    # after the claim; with the window ending that Friday the book gives the referee's numbers.
    assert r(raw[("IWM-SPY", "last 156 weeks")]) == (-0.95, -3.50, 1.60) and v3.evidence.recent_from == "2021-05-21"
    ref = V3(snapshot_inputs, window("1871-01-01", "2024-05-17"), {"controls": "none", "read_at": "as of"})
    assert r(ref.evidence.estimates[("IWM-SPY", "last 156 weeks")]) == (-0.96, -3.50, 1.58)
    assert r(ref.evidence.estimates[("IJR-IVV", "last 156 weeks")]) == (-1.01, -3.51, 1.49)
    # the referee's controls over the whole sample: SPY +0.74 (-0.20, 1.68)
    market = V3(snapshot_inputs, win, {"controls": "market", "read_at": "as of"})
    assert r(market.evidence.estimates[("IWM-SPY", "full sample")]) == (0.74, -0.20, 1.68)
    # SPY and the high-yield spread: +0.10 (-0.96, +1.15) on 1,347 weeks to 20 March 2026; the referee's
    # +0.11 (-0.95, +1.16) adds the week ending Friday 27 March, whose spread is Thursday's (the
    # snapshot's last), a week the book drops as incomplete
    both = V3(snapshot_inputs, win, {"read_at": "as of"})
    e = both.evidence.estimates[("IWM-SPY", "full sample")]
    assert r(e) == (0.10, -0.96, 1.15) and e.n == 1347
    credit = both.evidence.coefficients["dhy"]
    assert round(100 * credit.value, 2) == -1.20 and round(credit.t, 1) == -4.6  # the referee: -1.21, t -4.6
    res = v3.result
    assert res.verdict == "not supported" and res.registered["verdict"] == "partly supported"
    assert res.sample.end == "2024-05-10" and res.statistic.p_value > 0.5
    assert res.dated["when_said"]["verdict"] == "not supported" and res.dated["as_of"]["verdict"] == "partly supported"


def test_v5_hodrick_intervals_and_evaluation_starts_as_the_referee(snapshot_inputs):
    win = snapshot_inputs.window
    q1 = V5(snapshot_inputs, win, {"size_group": "1"})
    s3 = q1.slope(3)
    # the referee's Hodrick 1B interval at 3 years: 0.49 to 10.26, t 2.16
    assert (round(s3.ci_low, 2), round(s3.ci_high, 2), round(s3.t, 2)) == (0.49, 10.26, 2.16)
    # at 1 and 5 years the referee scales by each horizon's own predictor sd: -0.22 to 10.52 (t 1.88);
    # 5 years 0.58 to 9.58 (t 2.21) against the referee's 0.61 to 9.56 (t 2.23), a difference in the
    # third digit we could not trace (the slope and the 1- and 3-year numbers agree exactly)
    rv, rel = snapshot_inputs.relative_valuation("1")["log_spread"], snapshot_inputs.small_minus_large_log("quintiles")
    for h, lo, hi, t in ((12, -0.22, 10.52, 1.88), (60, 0.61, 9.56, 2.23)):
        fr = pr.predictive_frame(rv, rel, h, "1871-01-01", "2026-07-14")
        e = pr.hodrick_slope(rv, rel, h, "1871-01-01", "2026-07-14").scaled(100 * fr["x"].std(ddof=1))
        assert e.ci_low == pytest.approx(lo, abs=0.035) and e.ci_high == pytest.approx(hi, abs=0.035)
        assert e.t == pytest.approx(t, abs=0.025)
    # out of sample by evaluation start, 3 years: -8.2 (1949), +5.2 (1965), +12.9 (1975), +22.3 (1990)
    starts = q1.evidence.oos_by_start[36]
    assert [round(100 * r2, 1) for _, r2, _ in starts] == [-8.2, 5.2, 12.9, 22.3]
    assert str(starts[0][0]) == "1949-06"
    # non-overlapping 3-year regressions: six offsets, about 31 observations, slopes 4.6 to 6.1, t 2.4 to 2.7
    no = q1.non_overlapping_table()
    assert len(no) == 6 and no["observations"].min() == 31
    assert round(no["slope (pp/yr per sd)"].min(), 1) == 4.6 and round(no["slope (pp/yr per sd)"].max(), 1) == 6.1
    assert round(no["t"].min(), 1) == 2.4 and round(no["t"].max(), 1) == 2.7
    v5 = V5(snapshot_inputs, win)
    res = v5.result
    assert res.statistic.method == "Hodrick (1992) 1B, horizon 36" and "out-of-sample R²" in res.statistic.name
    assert res.registered["verdict"] == "partly supported" and res.statistic.p_value is not None
    assert res.verdict in ("supported", "partly supported", "inconclusive", "not supported")
    assert "Clark and West" in res.note and v5.evidence.clark_west[36].n == v5.evidence.oos[36].n


def test_anchors_on_the_snapshot(snapshot_inputs):
    from smallcaps.claims.valuation import anchors

    win = snapshot_inputs.window
    gw = anchors.goyal_welch(snapshot_inputs, win)
    # Welch and Goyal (2008): -2.06% from 1892; the book, on Shiller's data: -2.65%
    assert gw.published == -2.06 and round(gw.reproduced, 2) == -2.65 and gw.within and gw.tolerance == 2.0
    gw65 = anchors.goyal_welch(snapshot_inputs, win, "1965")
    assert gw65.published == -3.69 and round(gw65.reproduced, 2) == -4.71 and gw65.within
    assert "41 forecasts" in gw65.sample and "114 forecasts" in gw.sample
    # AFIMP (2018): 0.49% a month with QMJ; the book's RMW control gives 0.21, outside two of the paper's
    # standard errors (0.20): RMW controls profitability only, and the chapter says so
    af = anchors.afimp(snapshot_inputs, win)
    assert af.published == 0.49 and af.tolerance == 0.2 and round(af.reproduced, 3) == 0.205
    assert af.within is False and "RMW" in af.note
    # the referee's numbers: SMB CAPM alpha 0.82%/yr (t 0.6), with an RMW control 2.40%/yr (t 1.64)
    reg = anchors.afimp_regressions(snapshot_inputs, win)
    capm, rmw = reg.loc["market only (CAPM)"], reg.loc["market and RMW"]
    assert (round(capm["alpha (%/year)"], 2), round(capm["t"], 1)) == (0.82, 0.6)
    assert (round(rmw["alpha (%/year)"], 2), round(rmw["t"], 2)) == (2.40, 1.64)
    # a window that misses the papers' samples gives no number
    short = window("1990-01-01", "1999-12-31")
    assert anchors.goyal_welch(snapshot_inputs, short).reproduced is None
    assert anchors.afimp(snapshot_inputs, window("2024-01-01", "2024-12-31")).reproduced is None


def test_anchors_facts_and_flags_for_the_prose(snapshot_inputs):
    from smallcaps.claims.valuation import anchors

    a = anchors.Anchors(snapshot_inputs, snapshot_inputs.window)
    f = {k: v.text() for k, v in a.facts().items()}
    assert (f["anchor_gw_published"], f["anchor_gw"], f["anchor_gw_tolerance"]) == ("-2.06", "-2.65", "2")
    assert (f["anchor_gw_1965_published"], f["anchor_gw_1965"], f["anchor_gw_min_train"]) == ("-3.69", "-4.71", "20")
    assert (f["anchor_afimp_published"], f["anchor_afimp"], f["anchor_afimp_tolerance"]) == ("0.49", "0.21", "0.20")
    assert (f["anchor_afimp_capm_year"], f["anchor_afimp_rmw_year"], f["anchor_afimp_year"]) == ("0.82", "2.40", "2.46")
    assert f["anchor_afimp_span"] == "1963-07 to 2025-11"
    assert a.all_flags() == {"anchors_gw": True, "anchors_gw_within": True, "anchors_afimp": True,
                             "anchors_afimp_within": False, "anchors_afimp_rises": True}
    # a window without the papers' samples: no numbers, and the paragraphs that cite them are hidden
    none = anchors.Anchors(snapshot_inputs, window("2024-01-01", "2024-12-31"))
    assert not any(none.all_flags().values()) and none.facts()["anchor_gw"].text() == num(None, 2).text()


def test_v2_under_every_alternative_of_its_specification(snapshot_inputs):
    v2 = V2(snapshot_inputs, snapshot_inputs.window)
    t = v2.sweep_table()
    assert t.index.tolist() == [s.label for s in V2.space.variants()]
    # the rebuttal: with the strictest 'cheap' threshold (the 25th percentile) the verdict is the same
    row = t.loc["cheap_percentile=25th percentile"]
    assert row["verdict"] == "supported" and row["cheap below"] == "25th"
    assert v2.all_flags()["v2_cheap_robust"] and v2.facts()["v2_cheap_strict"].text() == "25"


def test_review_rows_cover_the_report_s_valuation_points():
    from smallcaps.book.review import RESPONSES
    from smallcaps.claims.valuation.review import POINTS

    refs = [p.ref for p in POINTS]
    assert len(refs) == len(set(refs))
    for required in ("table: V1", "table: V2", "table: V3", "table: V4", "table: V5", "V1.1", "V1.2", "V1.3",
                     "V1.4", "V1.5", "V3.1", "V3.2", "V3.3", "V3.4", "V5.1", "V5.2", "V5.3", "V5.4",
                     "inference: HAC lags", "section 4.1", "section 4.2", "section 4.3", "section 4.4",
                     "section 5: V1 figure", "section 5: V3 deciding number", "section 5: V5 deciding number"):
        assert required in refs
    assert all(p.response in RESPONSES and p.claims and set(p.claims) <= {"V1", "V2", "V3", "V4", "V5"}
               for p in POINTS)
    assert next(p for p in POINTS if p.ref == "table: V2").response == "rebutted"
