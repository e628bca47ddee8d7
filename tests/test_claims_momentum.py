"""The momentum chapter (claims M1-M5): analytics on small hand-made series whose answers are
worked out in the comments, the rules' boundaries on hand-made evidence
(``Claim.from_evidence``), the specification choices, one check on the reference snapshot (the
published verdicts), and the 1929-1995 re-run through the runner, as a reader would with
``smallcaps run --start 1929-01-01 --end 1995-12-31 --chapters momentum``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from smallcaps import stats
from smallcaps.analytics import breadth as br
from smallcaps.analytics import momentum as am
from smallcaps.book import verdicts
from smallcaps.book.chapter import VERDICT_BOX
from smallcaps.claims import momentum as mom
from smallcaps.claims.contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE
from smallcaps.claims.momentum import M1, M2, M3, M4, M5, regimes
from smallcaps.claims.momentum.inputs import (
    CONTEXT_PEERS,
    PEERS,
    REINDEXED,
    SMALL_CAP_PEERS,
    XSMO_INDEX_SWITCH,
    fund_reason,
)
from smallcaps.claims.momentum.m1_peers import SINCE_2017, SINCE_SWITCH, FundEvidence
from smallcaps.claims.momentum.m2_inception import AFTER, BEFORE, LIFE, LifeEvidence
from smallcaps.claims.momentum.m3_regimes import M3Evidence
from smallcaps.claims.momentum.m4_standalone import M4Evidence, RiskAppetite
from smallcaps.claims.momentum.m5_flows import Leadership, M5Evidence
from smallcaps.errors import DataError, ParameterError
from smallcaps.params import window

ROOT = Path(__file__).resolve().parents[1]
MONTHS = pd.period_range("2000-01", periods=6, freq="M")


# -- momentum spreads, volatility, splicing ------------------------------------------------------------


def test_momentum_spreads_are_high_minus_low_within_size():
    p = pd.DataFrame({"SMALL LoPRIOR": [0.01, -0.02], "ME1 PRIOR2": [0.0, 0.0], "SMALL HiPRIOR": [0.03, 0.01],
                      "BIG LoPRIOR": [0.02, 0.00], "ME2 PRIOR2": [0.0, 0.0], "BIG HiPRIOR": [0.01, 0.04]},
                     index=MONTHS[:2])
    m = am.momentum_spreads(p)
    assert m["small"].tolist() == pytest.approx([0.02, 0.03])
    assert m["big"].tolist() == pytest.approx([-0.01, 0.04])


def test_momentum_spreads_names_missing_columns():
    with pytest.raises(DataError, match="SMALL HiPRIOR"):
        am.momentum_spreads(pd.DataFrame({"SMALL LoPRIOR": [0.0]}))


def test_realised_volatility_is_annualised_rolling_std():
    r = pd.Series([0.01, -0.01, 0.01, -0.01], index=MONTHS[:4])
    v = am.realised_volatility(r, 2)
    # two points 0.01 and -0.01: sample std = 0.01 * sqrt(2); times sqrt(12)
    assert math.isnan(v.iloc[0])
    assert v.iloc[1] == pytest.approx(0.01 * math.sqrt(2) * math.sqrt(12))
    with pytest.raises(DataError, match="window=1"):
        am.realised_volatility(r, 1)


def test_splice_continues_after_the_primary_ends_only():
    a = pd.Series([1.0, 2.0, np.nan], index=MONTHS[:3])
    b = pd.Series([9.0, 9.0, 3.0, 4.0], index=MONTHS[:4])
    s = am.splice(a, b)
    assert s.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_month_end_and_monthly_mean():
    d = pd.Series([1.0, 3.0, 10.0], index=pd.to_datetime(["2020-01-02", "2020-01-31", "2020-02-03"]))
    assert am.month_end(d).tolist() == [3.0, 10.0]
    assert am.monthly_mean(d).tolist() == [2.0, 10.0]


# -- regime tests --------------------------------------------------------------------------------------


def test_regime_test_means_and_difference():
    # regime months: 1, 3 (x = 0.01, 0.03); other months: 2, 4, 5, 6 (x = -0.02, 0.00, 0.02, 0.04)
    x = pd.Series([0.01, -0.02, 0.03, 0.00, 0.02, 0.04], index=MONTHS)
    lab = pd.Series(["a", "b", "a", "b", "b", "b"], index=MONTHS)
    t = am.regime_test(x, lab, "a", "b", bootstrap=False, min_each=2)
    assert t.mean_regime == pytest.approx(0.02)
    assert t.mean_other == pytest.approx(0.01)
    assert t.diff.value == pytest.approx(0.01)
    assert (t.n_regime, t.n_other, t.n) == (2, 4, 6)
    assert t.start == MONTHS[0] and t.end == MONTHS[-1]


def test_regime_test_gives_no_interval_below_min_each_and_drops_other_labels():
    x = pd.Series([0.01, -0.02, 0.03, 0.00, 0.02, 0.04], index=MONTHS)
    lab = pd.Series(["a", "b", "c", "b", None, "b"], index=MONTHS)
    t = am.regime_test(x, lab, "a", "b", bootstrap=False, min_each=2)
    assert t.diff is None  # one "a" month only
    assert (t.n_regime, t.n_other) == (1, 3)
    assert t.mean_other == pytest.approx((-0.02 + 0.0 + 0.04) / 3)
    assert not t.significant(-1)


def _est(value, lo, hi):
    return stats.Estimate(value, 0.1, lo, hi, 0.95, None, None, 100, "test")


def _test(diff=None, boot=None, n=(50, 50)):
    return am.RegimeTest("adverse", "favourable", 0.0, 0.0, diff, boot, n[0], n[1], MONTHS[0], MONTHS[-1])


def test_significance_needs_both_intervals_strictly_past_zero():
    assert _test(_est(-0.5, -0.9, -0.1), _est(-0.5, -0.8, -0.2)).significant(-1)
    assert not _test(_est(-0.5, -0.9, 0.0), _est(-0.5, -0.8, -0.2)).significant(-1)  # touches zero
    assert not _test(_est(-0.5, -0.9, -0.1), _est(-0.5, -0.8, 0.1)).significant(-1)  # bootstrap disagrees
    assert _test(_est(-0.5, -0.9, -0.1), None).significant(-1)  # HAC only when no bootstrap
    assert _test(_est(0.5, 0.1, 0.9), None).significant(+1)
    assert not _test(_est(0.5, 0.1, 0.9), None).significant(-1)


def test_crash_concentration_counts_worst_periods_in_regime():
    x = pd.Series([-0.10, 0.01, -0.08, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08], index=pd.period_range(
        "2000-01", periods=10, freq="M"))
    flag = pd.Series([True, False, False, False, True, False, False, False, False, False], index=x.index)
    c = am.crash_concentration(x, flag, quantile=0.2)
    # bottom 20%: -0.10 (in regime) and -0.08 (not)
    assert c["crashes"] == 2 and c["in_regime"] == 1
    assert c["share_crashes"] == pytest.approx(0.5)
    assert c["share_all"] == pytest.approx(0.2)


def test_halves_split_an_index_in_two():
    assert am.halves(MONTHS) == [(MONTHS[0], MONTHS[2]), (MONTHS[3], MONTHS[5])]
    with pytest.raises(DataError):
        am.halves(MONTHS[:1])


def test_leadership_uses_the_months_before_only():
    smb = pd.Series([0.10, -0.05, -0.10, 0.02, 0.01, 0.00], index=MONTHS)
    lab = am.leadership(smb, None, 2)
    # month 3 sees months 1-2: 1.10 * 0.95 - 1 = +0.045 -> leading; month 4 sees 2-3: 0.95 * 0.90 - 1 < 0
    assert lab.iloc[:2].isna().all()
    assert lab.iloc[2:].tolist() == ["leading", "lagging", "lagging", "leading"]


def test_leadership_of_two_return_series():
    small = pd.Series([0.05, 0.00, 0.01], index=MONTHS[:3])
    large = pd.Series([0.00, 0.02, 0.00], index=MONTHS[:3])
    lab = am.leadership(small, large, 1)
    assert lab.tolist()[1:] == ["leading", "lagging"]



def test_regime_test_block_is_no_shorter_than_the_mean_spell():
    rng = np.random.default_rng(5)
    idx = pd.period_range("1950-01", periods=240, freq="M")
    x = pd.Series(rng.normal(0, 0.05, 240), index=idx)
    lab = pd.Series(np.repeat(["down", "up", "down", "up"], 60), index=idx)  # four spells of 60 months
    spell = am.regime_test(x, lab, "down", "up", block="spell")
    assert "mean block 60.0" in spell.boot.method
    pw = am.regime_test(x, lab, "down", "up")  # the registered default: Politis-White on the returns
    assert pw.boot.method == am.regime_test(x, lab, "down", "up", block="politis-white").boot.method
    assert f"mean block {stats.block_length(x):.1f}" in pw.boot.method
    assert spell.diff.value == pytest.approx(pw.diff.value)  # the block moves the bootstrap interval only


# -- conditional market exposure (M4) -------------------------------------------------------------------


def _exact(n=48):
    idx = pd.period_range("1990-01", periods=n, freq="M")
    m = pd.Series(np.tile([0.04, -0.03, 0.02, -0.01], n // 4), index=idx)  # market excess return
    s = pd.Series(np.repeat([0.0, 1.0], n // 2), index=idx)  # the second half in the state
    return idx, m, s


def test_state_betas_recover_the_beta_in_and_out_of_the_state():
    idx, m, s = _exact()
    # y = 0.01 + 0.5 m outside the state; 0.01 - 0.02 + (-0.8) m in it (no noise: exact)
    y = 0.01 - 0.02 * s + np.where(s == 1, -0.8, 0.5) * m
    res = am.state_betas(y, m, s)
    assert res.params["const"] == pytest.approx(0.01) and res.params["state"] == pytest.approx(-0.02)
    assert res.params["beta otherwise"] == pytest.approx(0.5) and res.params["beta in state"] == pytest.approx(-0.8)
    e = am.in_state(res)
    assert e["alpha"].value == pytest.approx(-0.01) and e["beta"].value == pytest.approx(-0.8)
    with pytest.raises(DataError, match="never changes"):
        am.state_betas(y, m, pd.Series(1.0, index=idx))


def test_dm_regression_separates_the_bear_market_rebound_term():
    idx, m, bear = _exact()
    up = (m > 0).astype(float)
    # DM eq. 3: y = a0 + aB B + (b0 + B (bB + U bBU)) m with a0 0.01, aB 0.005, b0 0.1, bB -0.5, bBU -0.7
    y = 0.01 + 0.005 * bear + (0.1 + bear * (-0.5 + up * -0.7)) * m
    res = am.dm_regression(y, m, bear)
    assert [round(res.params[k], 6) for k in ("const", "bear", "market", "bear x market", "bear x up x market")] == \
        [0.01, 0.005, 0.1, -0.5, -0.7]
    two = am.dm_regression(y, m, bear, rebound=False)
    assert "bear x up x market" not in two.params.index
    # without the rebound term the bear beta averages the up (-1.2) and down (-0.5) months' extra beta
    assert -1.2 < two.params["bear x market"] < -0.5


def test_late_cycle_flags_the_top_fifth_of_past_returns_known_before_the_month():
    idx = pd.period_range("2000-01", periods=10, freq="M")
    mkt = pd.Series([0.01, 0.02, 0.03, 0.04, 0.05, -0.01, -0.02, 0.06, 0.00, 0.01], index=idx)
    flag = am.late_cycle(mkt, months=2, quantile=0.8)
    # 2-month compounded returns, each known the month after: 0.0302 (for March), 0.0506, 0.0712 (May),
    # 0.0920 (June), 0.0395, -0.0298, 0.0388, 0.0600; their 80th percentile is 0.06672, so May and June
    assert flag.iloc[:2].isna().all() and flag.iloc[2:].tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    # a cut known to date: the 80th percentile of the values before the month (three at least), so the
    # first month with a cut is June (0.0920 above the 80th percentile of 0.0302, 0.0506, 0.0712)
    expanding = am.late_cycle(mkt, months=2, expanding=True, min_periods=3)
    assert expanding.iloc[:5].isna().all() and expanding.iloc[5:].tolist() == [1, 0, 0, 0, 0]

# -- fund records -----------------------------------------------------------------------------------------


def test_fund_record_return_volatility_and_drawdown():
    days = pd.bdate_range("2020-01-01", periods=41)
    # 20 days up 1% a day, then 20 days down 1% a day
    r = np.r_[np.full(20, 0.01), np.full(20, -0.01)]
    close = pd.Series(100 * np.cumprod(np.r_[1.0, 1 + r]), index=days)
    rec = am.fund_record(close, None, days[0], days[-1])
    years = (days[-1] - days[0]).days / 365.25
    total = 1.01 ** 20 * 0.99 ** 20
    assert rec["ann_return"] == pytest.approx(total ** (1 / years) - 1)
    assert rec["volatility"] == pytest.approx(np.std(r, ddof=1) * math.sqrt(252))
    assert rec["max_drawdown"] == pytest.approx(0.99 ** 20 - 1)
    assert rec["days"] == 40 and not rec["from_inception"]


def test_fund_record_starts_at_inception_for_a_later_fund():
    days = pd.bdate_range("2020-01-01", periods=30)
    close = pd.Series(np.linspace(10, 12, 30), index=days)
    rec = am.fund_record(close, None, pd.Timestamp("2019-06-30"), days[-1])
    assert rec["from_inception"] and rec["base"] == days[0]


def test_log_return_gap_is_annualised_mean_daily_log_gap():
    days = pd.bdate_range("2020-01-01", periods=61)
    b = pd.Series(100.0, index=days, name="B")
    a = pd.Series(100.0 * np.exp(0.001 * np.arange(61)), index=days, name="A")
    e = am.log_return_gap(a, b, days[0], days[-1])
    assert e.value == pytest.approx(0.252)
    assert e.n == 60
    with pytest.raises(DataError, match="need at least 20"):
        am.log_return_gap(a, b, days[-5], days[-1])


# -- breadth --------------------------------------------------------------------------------------------------


def test_share_above_average_on_a_hand_made_panel():
    days = pd.bdate_range("2021-01-04", periods=4)
    prices = pd.DataFrame({"A": [10.0, 11.0, 12.0, 11.0],  # 2-day averages: -, 10.5, 11.5, 11.5
                           "B": [10.0, 9.0, 8.0, 9.0],  # -, 9.5, 8.5, 8.5
                           "C": [np.nan, 5.0, 6.0, 7.0]},  # -, -, 5.5, 6.5
                          index=days)
    members = pd.DataFrame({"A": [True] * 4, "B": [True, True, True, False], "C": [True] * 4,
                            "D": [True] * 4},  # D has no prices (survivorship)
                           index=days)
    out = br.share_above_average(prices, members, window=2)
    assert out["members"].tolist() == [4, 4, 4, 3]
    assert out["priced"].tolist() == [0, 2, 3, 2]
    assert out["above"].tolist() == [0, 1, 2, 1]  # day 4: A 11 = 11.5? no; C 7 > 6.5 yes
    assert math.isnan(out["share"].iloc[0])
    assert out["share"].iloc[1:].tolist() == pytest.approx([0.5, 2 / 3, 0.5])
    assert out["coverage"].tolist() == pytest.approx([0.0, 0.5, 0.75, 2 / 3])
    with pytest.raises(DataError, match="window=1"):
        br.share_above_average(prices, members, window=1)


def test_breadth_direction_and_coverage_by_year():
    days = pd.to_datetime(["2021-12-30", "2021-12-31", "2022-01-03", "2022-12-30"])
    share = pd.Series([0.5, 0.6, 0.55, 0.7], index=days)
    lab = br.breadth_direction(share, 1)
    assert lab.isna().iloc[0]
    assert lab.iloc[1:].tolist() == ["widening", "narrowing", "widening"]
    frame = pd.DataFrame({"members": [10, 10, 12, 12], "priced": [5, 6, 6, 9]}, index=days)
    cov = br.coverage_by_year(frame)
    assert list(cov.index) == [days[0], days[1], days[3]]
    assert cov["coverage"].tolist() == pytest.approx([50.0, 60.0, 75.0])


# -- fund records, leadership and yields (analytics) -----------------------------------------------------------


def test_fund_records_row_per_fund_and_index_change_only_inside_the_record():
    days = pd.bdate_range("2019-06-03", periods=60)
    r = np.r_[0.0, np.tile([0.01, -0.005], 30)[:59]]
    closes = pd.DataFrame({"A": 100 * np.cumprod(1 + r), "B": np.linspace(50.0, 60.0, 60)}, index=days)
    out = am.fund_records(closes, None, days[0], days[-1], {"A": days[30], "B": days[-1] + pd.Timedelta(days=7)})
    assert list(out.index) == ["A", "B"] and out.index.name == "fund"
    for t in ("A", "B"):
        one = am.fund_record(closes[t], None, days[0], days[-1])
        assert out.loc[t, "ann_return"] == pytest.approx(one["ann_return"])
        assert out.loc[t, "max_drawdown"] == pytest.approx(one["max_drawdown"])
    assert out.loc["A", "index_change"] == days[30]  # the switch falls inside A's record
    assert pd.isna(out.loc["B", "index_change"])  # after B's last close: not inside
    late = am.fund_records(closes, None, days[40], days[-1], {"A": days[30]})
    assert pd.isna(late.loc["A", "index_change"])  # a record that starts after the switch


def test_fund_gaps_are_decimal_a_year_from_the_base_close():
    days = pd.bdate_range("2020-01-01", periods=61)
    closes = pd.DataFrame({"F": 100.0 * np.exp(0.001 * np.arange(61)), "P": 100.0,
                           "Q": [np.nan] * 50 + [100.0] * 11}, index=days)
    g = am.fund_gaps(closes, "F", ["P", "Q"], days[0], days[-1])
    # 0.001 a day of log gap, times 252 days: 0.252 a year (decimal)
    assert g.loc["P", "gap"] == pytest.approx(0.252) and g.loc["P", "days"] == 60
    assert g.loc["P", "from"] == days[0] and g.loc["P", "to"] == days[-1]
    assert g.loc["P", "ci_low"] < 0.252 < g.loc["P", "ci_high"] or g.loc["P", "ci_low"] == pytest.approx(0.252)
    assert np.isnan(g.loc["Q", "gap"]) and g.loc["Q", "days"] == 0 and pd.isna(g.loc["Q", "from"])  # 10 returns
    later = am.fund_gaps(closes, "F", ["P"], days[10], days[-1])
    assert later.loc["P", "from"] == days[10] and later.loc["P", "days"] == 50


def test_yield_moves_and_monthly_returns():
    y = pd.Series([1.0, 1.2, 1.1, 1.1], index=MONTHS[:4])
    moves = am.yield_moves(y)
    assert pd.isna(moves.iloc[0]) and moves.iloc[1:].tolist() == ["rising", "falling", "falling"]  # no change: falling
    days = pd.to_datetime(["2020-01-15", "2020-01-31", "2020-02-28", "2020-03-31", "2020-04-30"])
    closes = pd.DataFrame({"A": [10.0, 11.0, 12.1, 12.1, 13.31], "B": [5.0, 5.0, 5.0, 5.5, 5.5]}, index=days)
    r = am.monthly_returns(closes)
    # January is IWM-style partial: its return (from no December close) is never formed; February is
    # the first return and is dropped as partial; March and April remain
    assert [str(p) for p in r.index] == ["2020-03", "2020-04"]
    assert r["A"].tolist() == pytest.approx([0.0, 0.1]) and r["B"].tolist() == pytest.approx([0.1, 0.0])
    assert [str(p) for p in am.monthly_returns(closes, drop_first=False).index] == ["2020-02", "2020-03", "2020-04"]


def test_growth_of_one_starts_at_the_last_close_on_or_before_since():
    days = pd.bdate_range("2021-01-04", periods=4)
    closes = pd.DataFrame({"A": [10.0, 11.0, 12.0, 9.0], "B": [1.0, 2.0, 2.0, 4.0]}, index=pd.Index(days, name="date"))
    g = am.growth_of_one(closes, days[1])
    a = g[g["fund"] == "A"]["growth"].tolist()
    assert a == pytest.approx([1.0, 12 / 11, 9 / 11]) and g[g["fund"] == "B"]["growth"].tolist() == [1.0, 1.0, 2.0]
    assert list(g.columns) == ["date", "fund", "growth"]


def test_recent_regimes_are_known_at_the_previous_close():
    days = pd.bdate_range("2021-03-01", periods=6)
    share = pd.Series([0.5, 0.6, 0.4, 0.45, 0.45, 0.7], index=days)
    hy = pd.Series([3.0, 3.1, 3.0, 3.2], index=days[[0, 1, 3, 4]])  # a holiday on day 2, nothing after day 4
    tnx = pd.Series([1.0, 1.1, 1.2, 1.1, 1.0, 1.0], index=days)
    out = am.recent_regimes(days, days, {"X": share, "Y": None}, hy, tnx, 1)
    # breadth on day 1 rose (0.5 -> 0.6): widening, known for day 2; day 2 fell: narrowing for day 3
    assert out["X"].iloc[:2].isna().all()
    assert out["X"].iloc[2:].tolist() == ["widening", "narrowing", "widening", "narrowing"]
    assert out["Y"].isna().all()
    # the spread is carried over the holiday (day 2 = 3.1), so day 3 (3.0 < 3.1) is narrowing, seen on day 4
    assert out["high-yield spread"].tolist()[2:5] == ["widening", "narrowing", "narrowing"]
    assert pd.isna(out["high-yield spread"].iloc[5])  # the series ends on day 4: nothing carried past its end
    assert out["10-year yield"].iloc[2:].tolist() == ["rising", "rising", "falling", "falling"]


def test_century_regimes_are_known_before_the_month():
    idx = pd.period_range("1990-01", periods=40, freq="M")
    mkt = pd.Series(0.01, index=idx)
    mkt.iloc[30] = -0.5  # a crash in month 31
    credit = pd.Series(np.arange(40, dtype=float), index=idx)  # always widening
    gs10 = pd.Series(np.r_[np.arange(20), np.arange(20)[::-1]].astype(float), index=idx)
    labs = am.century_regimes(mkt, pd.Series(dtype=float), credit, gs10, idx, market_lookback=3, vol_measure="realised",
                              vol_window=12, credit_measure="change", credit_lookback=1, rates_measure="change",
                              rates_lookback=1)
    # the crash in month index 30 turns the state down from the next month, not the same month
    assert labs["market state"].iloc[30] == "up" and labs["market state"].iloc[31] == "down"
    assert labs["market state"].iloc[33] == "down" and labs["market state"].iloc[34] == "up"
    # credit rises from month 1; direction at month 1 is known for month 2
    assert labs["credit"].isna().iloc[:2].all() and (labs["credit"].iloc[2:] == "widening").all()
    # the yield peaks at index 19; falling from index 20 is first used at index 21
    assert labs["rates"].iloc[20] == "rising" and labs["rates"].iloc[21] == "falling"
    level = am.century_regimes(mkt, pd.Series(dtype=float), credit, gs10, idx, market_lookback=3,
                               vol_measure="realised", vol_window=12, credit_measure="level", credit_lookback=1,
                               rates_measure="level", rates_lookback=1)
    # level: above the median of all months before (24 needed), known the month after
    assert level["credit"].iloc[:25].isna().all() and level["credit"].iloc[25] == "high"


# -- regime definitions: the notebook's parameters, one choice each -----------------------------------------------

DEFAULTS = dict(market_lookback=36, vol_measure="realised", vol_window=12, credit_measure="change", credit_lookback=6,
                rates_measure="level", rates_lookback=12, breadth_window=200, breadth_lookback=63, lead_measure="smb",
                lead_months=6)


@pytest.mark.parametrize("params, message", [
    ({"market_lookback": 0}, r"market_lookback=0 is out of range; valid: whole numbers 3\.\.120 \(months\)"),
    ({"credit_measure": "spread"}, r"credit_measure='spread' is unknown; valid: change, level"),
    ({"breadth_lookback": 2.5}, r"breadth_lookback=2\.5 is out of range; valid: whole numbers 5\.\.252 \(trading days\)"),
    ({"lead_months": True}, r"lead_months=True is out of range; valid: whole numbers 1\.\.24 \(months\)"),
    ({"vol_measure": "garch"}, r"vol_measure='garch' is unknown; valid: realised, vix"),
    ({"lookback": 3}, r"lookback is not a momentum parameter; valid: market_lookback, vol_measure, vol_window"),
])
def test_regime_parameters_are_checked_in_one_line(params, message):
    with pytest.raises(ParameterError, match="^" + message) as info:
        mom.check_parameters(**{**DEFAULTS, **params})
    assert "\n" not in str(info.value)
    assert mom.check_parameters(**DEFAULTS) == DEFAULTS
    assert list(mom.check_parameters(**DEFAULTS)) == list(DEFAULTS)  # the notebook's order, kept in the results


@pytest.mark.parametrize("cls, spec, message", [
    (M1, {"beaten_if": "often"}, r"M1 spec beaten_if='often' is out of range; valid: positive, significantly positive"),
    (M2, {"margin": 0}, r"M2 spec margin=0\.0 is out of range; valid: a number of pp a year above 0, at most 10"),
    (M2, {"trails_if": "negative"}, r"M2 has no spec choice 'trails_if'; valid: margin, verdict_rule"),
    (M3, {"market_lookback": 0}, r"M3 spec market_lookback=0 is out of range; valid: whole numbers 3\.\.120 \(months\)"),
    (M3, {"lead_months": 3}, r"M3 has no spec choice 'lead_months'; valid: market_lookback, vol_measure"),
    (M4, {"vix_min_months": 12}, r"M4 spec vix_min_months=12 is out of range; valid: whole numbers 24\.\.1200"),
    (M5, {"yield_source": "fred"}, r"M5 spec yield_source='fred' is unknown; valid: tnx, shiller"),
    (M5, {"outcome": "umd"}, r"M5 spec outcome='umd' is unknown; valid: smb, wml"),
    (M3, {"bootstrap_block": 24}, r"M3 spec bootstrap_block=24 is unknown; valid: spell, politis-white"),
    (M5, {"lead_measure": "russell"}, r"M5 spec lead_measure='russell' is unknown; valid: smb, iwm-spy"),
])
def test_spec_choices_are_checked_with_one_line_errors(cls, spec, message):
    with pytest.raises(ParameterError, match="^" + message) as info:
        cls.rule_for(spec)
    assert "\n" not in str(info.value)


def test_each_regime_choice_is_declared_once_and_its_alternative_is_the_robustness_one():
    assert M3.space["breadth_lookback"] is regimes.BREADTH_LOOKBACK and M5.space["lead_months"] is regimes.LEAD_MONTHS
    # the claim-level choices (not notebook parameters): M5's yield and outcome, the bootstrap block and the
    # decision logic of the amended rules, whose alternatives reproduce the registered rules
    assert set(M3.space.choices) | set(M5.space.choices) == set(regimes.PARAMETERS) | {
        "yield_source", "outcome", "bootstrap_block", "verdict_rule"}
    assert M3.space["bootstrap_block"] is M5.space["bootstrap_block"] is regimes.BOOTSTRAP_BLOCK
    assert regimes.alternative(regimes.MARKET_LOOKBACK, 24) == 36  # the registered 24 months swaps to the default
    assert regimes.alternative(regimes.MARKET_LOOKBACK, 36) == 24 and regimes.alternative(regimes.MARKET_LOOKBACK, 30) == 24
    alt = regimes.swapped(DEFAULTS, regimes.DEFINITION_CHOICES)
    assert (alt["market_lookback"], alt["vol_measure"], alt["credit_measure"], alt["rates_measure"],
            alt["breadth_lookback"], alt["lead_months"]) == (24, "vix", "level", "change", 126, 3)
    assert (alt["vol_window"], alt["lead_measure"]) == (12, "smb")  # no alternative / not a definition's alternative
    assert regimes.labels(DEFAULTS)["credit"] == ("widening", "narrowing")
    assert regimes.labels(DEFAULTS)["rates"] == ("high", "low") and regimes.labels(alt)["rates"] == ("rising", "falling")
    assert [s.label for s in M5.space.variants()] == [
        "default", "lead_measure=IWM minus SPY", "lead_months=3 months", "yield_source=Shiller monthly (registered)",
        "outcome=small-cap momentum (registered)", "bootstrap_block=Politis-White (registered)",
        "verdict_rule=registered"]
    # market (24, 12), volatility, credit, rates, breadth look-back, bootstrap block, decision logic
    assert M3.space.size() == 1 + 8
    text = mom.definitions(DEFAULTS).markdown
    assert text.splitlines()[0] == ("- **market state**: down if the market's return over the previous 36 months was "
                                    "negative (alternative: down if the market's return over the previous 24 months "
                                    "was negative).")
    assert "(alternative: small caps lead if SMB compounded over the previous 3 months positive)." in text


def test_index_switch_constant():
    assert XSMO_INDEX_SWITCH == pd.Timestamp("2019-06-24")
    assert REINDEXED["XSMO"][0] == XSMO_INDEX_SWITCH
    assert list(PEERS) == ["IJR", "IJT", "SLYG", "DWAS", "XMMO", "SPMO", "MTUM", "XSVM", "XSLV", "XSHQ"]
    # the claim's comparison set and the context funds partition the table's peers
    assert SMALL_CAP_PEERS == ("IJR", "IJT", "SLYG", "DWAS", "XSVM", "XSLV", "XSHQ")
    assert CONTEXT_PEERS == ("XMMO", "SPMO", "MTUM") and set(SMALL_CAP_PEERS) | set(CONTEXT_PEERS) == set(PEERS)


def test_fund_reason_says_what_data_would_decide():
    days = pd.bdate_range("2005-03-03", "2019-12-31")
    inp = SimpleNamespace(closes=pd.DataFrame({"XSMO": 1.0}, index=days))
    since = pd.Timestamp("2017-01-01")
    early = fund_reason(inp, window("1990-01-01", "1995-12-31"), since, "2017-01-01")
    assert early.startswith("The window (1990-01-01 to 1995-12-31) ends before XSMO's first price (2005-03-03)")
    late = fund_reason(inp, window("2018-01-01", "2019-12-31"), since, "2017-01-01")
    assert late.startswith("The window starts 2018-01-01, after the claim's start (2017-01-01)")
    short = fund_reason(inp, window("2016-01-01", "2017-06-30"), since, "2017-01-01")
    assert "holds 129 daily XSMO returns from 2017-01-01" in short  # 130 weekdays from 2017-01-02 to 2017-06-30
    assert fund_reason(inp, window("2016-01-01", "2018-12-31"), since, "2017-01-01") is None


# -- verdicts: rule boundaries ----------------------------------------------------------------------------------


def _gaps(values, spread=5.0, peers=None):
    """Gaps over the first peers (or ``peers``), given in pp a year (stored as decimals, like fund_gaps)."""
    peers = list(peers or PEERS)[: len(values)]
    v = np.asarray(values, dtype=float) / 100
    return pd.DataFrame({"gap": v, "ci_low": v - spread / 100, "ci_high": v + spread / 100, "t": 1.0, "days": 500,
                         "from": pd.Timestamp("2016-12-30"), "to": pd.Timestamp("2019-01-02")},
                        index=pd.Index(peers, name="peer"))


@pytest.mark.parametrize("values, verdict", [
    ([1.0, 2.0, 3.0, 4.0], "supported"),
    ([1.0, 2.0, -3.0, -4.0], "partly supported"),  # exactly half
    ([1.0, -2.0, -3.0, -4.0], "not supported"),
    ([1.0, 2.0, 3.0, 0.0], "partly supported"),  # a zero gap is not a win
])
def test_m1_verdict_counts_wins(values, verdict):
    r = M1.from_evidence(FundEvidence({}, {SINCE_2017: _gaps(values)})).result
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(min(values)) and r.statistic.unit == "pp a year"
    assert r.sample.n == 500 and r.sample.frequency == "daily" and r.sample.start == "2016-12-30"
    assert r.statistic.method == "HAC (Newey-West, 5 lags), daily" and r.section == "m1"  # floor(4 (500/100)^(2/9))
    # a band around a realised gap is a noise band; its MDE (two-sided, 80% power): se = 5 / 1.96 = 2.551 pp,
    # times 1.96 + 0.8416 = 7.147 pp a year; a fact decided on point estimates carries no p-value
    assert r.statistic.band == "noise band" and r.statistic.p_value is None
    assert r.statistic.mde == pytest.approx(2.8016 * 5 / 1.95996, abs=1e-3)


def test_m1_counts_the_small_cap_peers_and_shows_the_others_as_context():
    # XSMO ahead of the seven small-cap funds, behind the three mid- and large-cap momentum funds: the snapshot's shape
    values = dict(zip(SMALL_CAP_PEERS, [4.0, 3.0, 2.0, 1.5, 5.0, 9.0, 6.0], strict=True)) | {
        "XMMO": -4.0, "SPMO": -5.6, "MTUM": -3.0}
    g = _gaps([values[p] for p in PEERS])
    ev = FundEvidence({}, {SINCE_2017: g})
    r = M1.from_evidence(ev).result
    assert r.verdict == SUPPORTED and r.statistic.value == pytest.approx(1.5)
    assert r.statistic.name == "XSMO minus DWAS (strongest small-cap peer) since 2017"
    assert r.note.startswith("XSMO out-compounded 7 of 7 small-cap peers since 2017; gaps whose 95% noise band excludes "
                             "zero: 2 (XSLV, XSHQ). Strongest peer counted: DWAS.")
    assert "Context (mid- and large-cap momentum, not counted): it out-compounded 0 of 3 (XMMO, SPMO, MTUM)." in r.note
    # the registered rule counted all ten: 7 of 10 is at least half, and the strongest peer is SPMO
    reg = M1.from_evidence(ev, spec={"peer_set": "all"}).result
    assert reg.verdict == PARTLY and reg.statistic.value == pytest.approx(-5.6)
    assert reg.statistic.name == "XSMO minus SPMO (strongest peer) since 2017"
    assert M1.from_evidence(ev).headline() == ("Since 2017 XSMO out-compounded 7 of 7 small-cap peers, 2 of them by a "
                                               "margin outside the 95% noise band")
    shown = M1.from_evidence(ev).gaps()
    assert list(shown.index.get_level_values(0)) == ["small-cap (decides)"] * 7 + ["mid and large cap (context)"] * 3
    assert list(shown.index.get_level_values(1)) == [*SMALL_CAP_PEERS, *CONTEXT_PEERS]


def test_m1_threshold_choice_changes_the_rule_and_the_decision():
    ev = FundEvidence({}, {SINCE_2017: _gaps([1.0, 2.0, 3.0, 6.0]), SINCE_SWITCH: _gaps([1.0, -2.0, 3.0, 6.0])})
    assert M1.from_evidence(ev).result.verdict == "supported"
    strict = M1.from_evidence(ev, spec={"beaten_if": "significantly positive"})
    # only the 6 pp gap's interval (1 to 11) lies above zero: 1 of 4 is fewer than half
    assert strict.result.verdict == "not supported"
    assert "the gap is significantly positive against every peer counted" in strict.result.rule
    assert M1.rule_for().supported == "the gap is positive against every peer counted"
    assert "it out-compounded 3 of 4." in M1.from_evidence(ev).result.note


@pytest.mark.parametrize("ijr, ijt, verdict", [
    # (gap, 95% low, 95% high) in pp a year; se = width / 3.92; 90% interval = gap -+ 1.645 se; margin 2
    ((-0.3, -1.3, 0.7), (-3.0, -4.0, -2.0), SUPPORTED),      # IJR 90% -1.14..0.54 inside +-2; IJT 90% below 0
    ((-0.3, -1.3, 0.7), (0.7, -2.1, 3.5), PARTLY),           # IJT 90% -1.65..3.05: neither shown nor refuted
    ((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1), INCONCLUSIVE),    # the snapshot's shape: neither part shown either way
    ((3.0, 0.5, 5.5), (0.7, -2.1, 3.5), NOT_SUPPORTED),      # IJR 90% 0.90..5.10 excludes zero: a difference
    ((3.0, 0.5, 5.5), (-3.0, -4.0, -2.0), PARTLY),
    ((-0.3, -1.3, 0.7), (0.2, -0.8, 1.2), PARTLY),           # IJT equivalent to zero: trailing refuted
    ((-0.3, -3.6, 2.9), (0.2, -0.8, 1.2), NOT_SUPPORTED),
])
def test_m2_verdict(ijr, ijt, verdict):
    r = M2.from_evidence(_life(ijr, ijt)).result
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(ijt[0]) and r.statistic.ci_low == pytest.approx(ijt[1])
    assert r.sample.start == "2005-03-03" and r.sample.n == 1000


def test_m2_p_value_and_mde_by_hand():
    r = M2.from_evidence(_life((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1))).result
    # IJR: se = 6.5 / 3.92 = 1.658; TOST p = max(1 - Phi(1.7 / 1.658), Phi(-2.3 / 1.658)) = max(0.1526, 0.0826)
    # IJT: se = 5.6 / 3.92 = 1.4286; trailing p = Phi(-0.7 / 1.4286) = 0.3121; both must hold: p = 0.3121
    assert r.statistic.p_value == pytest.approx(0.3121, abs=1e-3)
    assert r.statistic.mde == pytest.approx((1.64485 + 0.84162) * 1.42857, abs=1e-3)  # one-sided, 5%, 80% power
    assert "Matches IJR (equivalence within plus or minus 2 pp a year): not shown either way" in r.note
    assert "TOST p = 0.15" in r.note and "one-sided p = 0.31" in r.note


@pytest.mark.parametrize("ijr, ijt, verdict", [
    ((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1), SUPPORTED),
    ((-0.3, -3.6, 2.9), (0.7, -2.1, 3.5), PARTLY),
    ((3.0, 0.5, 5.5), (-0.7, -3.5, 2.1), PARTLY),  # IJR interval excludes zero: no match
    ((3.0, 0.5, 5.5), (0.7, -2.1, 3.5), NOT_SUPPORTED),
])
def test_m2_registered_rule_reads_match_from_non_rejection(ijr, ijt, verdict):
    r = M2.from_evidence(_life(ijr, ijt), spec={"verdict_rule": "registered"}).result
    assert r.verdict == verdict and r.statistic.p_value is None


def _life(ijr, ijt, split=None):
    def frame(ijr, ijt):
        return pd.DataFrame([ijt, ijr], columns=["gap", "ci_low", "ci_high"], index=["IJT", "IJR"]).div(100).assign(
            days=1000, **{"from": pd.Timestamp("2005-03-03"), "to": pd.Timestamp("2010-01-04")})
    gaps = {LIFE: frame(ijr, ijt)}
    if split:
        gaps[BEFORE], gaps[AFTER] = frame(*split[0]), frame(*split[1])
    return LifeEvidence(pd.Timestamp("2005-03-03"), gaps)


def test_m2_verdict_line_does_not_say_the_interval_decides():
    # the rule reads the gaps' 90% intervals (TOST, one-sided); the 95% CI published with the IJT gap
    # does not decide, so the callout and the scorecard show the gap alone (presentation only)
    assert M2.interval_decides is False
    r = M2.from_evidence(_life((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1))).result
    assert r.verdict == INCONCLUSIVE  # the decision is unchanged
    assert (r.statistic.ci_low, r.statistic.ci_high) == (pytest.approx(-3.5), pytest.approx(2.1))  # still published
    info = verdicts.ClaimInfo.of("M2")
    assert info.interval_decides is False and not verdicts.interval_decides(r, info)
    assert verdicts.deciding_text(r, info) == "XSMO minus IJT since inception: -0.7 pp a year"
    callout = verdicts.callout(r, info)
    assert "*Deciding number:* XSMO minus IJT since inception: -0.7 pp a year. Sample:" in callout
    assert "95% CI" not in callout and "90% interval -3.0 to 1.6" in callout  # the note gives the deciding interval
    assert verdicts.deciding_text(r, verdicts.ClaimInfo("M2", interval_decides=True)).endswith(
        "-0.7 pp a year (95% CI -3.5 to 2.1)")  # the flag is what hides it


def test_m2_margin_choice_changes_the_rule_and_the_decision():
    ev = _life((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1))
    assert M2.from_evidence(ev).result.verdict == INCONCLUSIVE
    wide = M2.from_evidence(ev, spec={"margin": 3.0}).result  # IJR's 90% interval -3.03..2.43 still reaches -3
    assert wide.verdict == INCONCLUSIVE and "within plus or minus 3 pp a year" in wide.rule
    wider = M2.from_evidence(_life((-0.3, -3.0, 2.4), (-0.7, -3.5, 2.1)), spec={"margin": 3.0}).result
    assert wider.verdict == PARTLY  # IJR's 90% interval -2.57..1.97 inside +-3: matches; IJT still open


def test_m2_note_and_flags_read_the_split():
    ev = _life((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1), split=[((-1.7, -5, 2), (-2.4, -5.8, 1.0)),
                                                             ((2.5, -3, 9), (2.8, -2.4, 8.1))])
    r = M2.from_evidence(ev).result
    assert r.note.endswith("Before the 2019-06-24 switch (a growth index) the IJT gap was -2.4 pp a year; since "
                           "(momentum) 2.8.")
    assert M2.from_evidence(ev).flags()["m2_neither"]
    claim = M2.from_evidence(ev)
    assert claim.flags()["m2_split"] and claim.flags()["m2_trails_growth_years"]
    assert not any(claim.flags()[k] for k in ("m2_trails_both", "m2_ahead_both", "m2_trails_momentum_years"))


SIG = _est(-0.5, -0.9, -0.1)
NOT = _est(-0.5, -0.9, 0.1)
AWAY = _est(0.5, -0.1, 0.9)


def _m3(breadth, rates, credit):
    return M3Evidence(x=pd.Series(dtype=float), century={"rates": _test(rates), "credit": _test(credit)},
                      century_big={}, century_variants=[], crash={}, daily=pd.Series(dtype=float),
                      recent={"S&P 600 breadth": _test(breadth)}, recent_variants=[], proxy=_test(None), in_window={})


@pytest.mark.parametrize("breadth, rates, credit, verdict, registered, head, k", [
    (SIG, SIG, SIG, SUPPORTED, SUPPORTED, -0.5 * 25200, 3),
    (NOT, SIG, NOT, PARTLY, PARTLY, -0.5 * 25200, 1),
    (NOT, NOT, NOT, INCONCLUSIVE, NOT_SUPPORTED, -0.5 * 25200, 0),  # all negative, none counts: cannot tell
    (AWAY, NOT, NOT, NOT_SUPPORTED, NOT_SUPPORTED, 0.5 * 25200, 0),  # one points away from the claim
    (None, SIG, SIG, PARTLY, PARTLY, -0.5 * 1200, 2),  # breadth untestable: cannot be fully supported
    (None, None, None, UNTESTABLE, UNTESTABLE, None, 0),
])
def test_m3_verdict_counts_named_conditions(breadth, rates, credit, verdict, registered, head, k):
    claim = M3.from_evidence(_m3(breadth, rates, credit))
    r = claim.result
    assert r.verdict == verdict
    assert M3.from_evidence(_m3(breadth, rates, credit), spec={"verdict_rule": "registered"}).result.verdict == registered
    if head is None:
        assert r.statistic.value is None and "would decide" in r.note and r.section == "m3-century"
    else:
        assert r.statistic.value == pytest.approx(head)
        assert r.sample.frequency == ("daily" if breadth is not None else "monthly")
        assert r.section == ("m3-breadth" if breadth is not None else "m3-century")
        assert f"{k} of 3 named conditions count. breadth: " in r.note
        # the deciding number carries the other named conditions beside it (D12e)
        assert "(beside it, pp a year: " in r.statistic.name and "credit" in r.statistic.name
        # one-sided p in the claim's direction (negative) from t = value / se = +-5; MDE two-sided: 2.80 se
        assert r.statistic.p_value == pytest.approx(2.87e-7 if head < 0 else 1 - 2.87e-7, rel=1e-2)
        se = 0.1 * (25200 if breadth is not None else 1200)
        assert r.statistic.mde == pytest.approx(2.8016 * se, rel=1e-3)


def test_m3_headline_states_both_halves():
    ev = _m3(AWAY, AWAY, NOT)
    ev.century["market state"] = _test(SIG)
    claim = M3.from_evidence(ev)
    assert claim.phrase_headline() == ("Regime-dependent, yes: on the market state, as in Cooper, Gutierrez and Hameed "
                                       "(2004) and Daniel and Moskowitz (2016); not on breadth, rates or credit as "
                                       "[B] says.")
    assert claim.result.note.startswith(claim.phrase_headline() + " 0 of 3 named conditions count.")
    ev = _m3(None, SIG, NOT)
    ev.century["market state"] = _test(NOT)
    assert M3.from_evidence(ev).phrase_headline() == (
        "Regime dependence on the market state does not show beyond both intervals in this window; on rates as [B] "
        "says, not on credit (breadth untestable here).")


def _risk_appetite(alpha: float, beta: float, seed: int = 0) -> RiskAppetite:
    idx = pd.period_range("1990-01", periods=240, freq="M")
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"market excess return": rng.normal(0, 0.04, 240), "VIX change": rng.normal(0, 3, 240),
                      "credit spread change": rng.normal(0, 0.1, 240)}, index=idx)
    y = alpha + beta * X["market excess return"] + rng.normal(0, 0.01, 240)
    res = stats.ols_hac(y, X)
    return RiskAppetite(True, "", "with VIX", res, idx[0], idx[-1], 240, idx)


@pytest.mark.parametrize("alpha, beta, verdict", [
    (0.0, 0.8, "supported"),  # no alpha, rides the market
    (0.02, 0.8, "partly supported"),  # alpha and risk-on slope
    (0.0, -0.8, "partly supported"),  # no alpha, no risk-on slope
    (0.02, -0.8, "not supported"),  # alpha and leans against the market
])
def test_m4_verdict(alpha, beta, verdict):
    ra = _risk_appetite(alpha, beta)
    r = M4.from_evidence(M4Evidence(ra, [])).result
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(1200 * ra.result.params["const"])
    assert r.sample.n == 240 and r.sample.start == "1990-01-01" and r.sample.end == "2009-12-31"


def test_m4_speaks_pp_a_year_in_its_verdict_and_robustness_table():
    ra = _risk_appetite(0.02, -0.8)
    r = M4.from_evidence(M4Evidence(ra, [])).result
    assert r.statistic.unit == "pp a year"
    a = 1200 * ra.result.params["const"]
    lo, hi = r.statistic.ci_low, r.statistic.ci_high
    assert verdicts.deciding_text(r) == (f"alpha on risk-appetite proxies (with VIX): {a:.1f} pp a year "
                                         f"(95% CI {lo:.1f} to {hi:.1f})")
    claim = M4.from_evidence(M4Evidence(ra, [("small-cap, with VIX (decides)", ra)]))
    rob = claim.robustness()
    assert list(rob.columns[:2]) == ["alpha (pp a year)", "95% HAC CI"]
    assert rob.iloc[0, 0] == pytest.approx(round(a, 1))


def test_m4_untestable_with_too_few_months():
    ev = M4Evidence(RiskAppetite(False, "12 months with all regressors (with VIX) in the window; need 60"), [])
    r = M4.from_evidence(ev).result
    assert r.verdict == UNTESTABLE and "need 60" in r.note and r.note.endswith("would decide it.")
    assert "fewer than 90 months" in M4.rule_for({"min_months": 90}).untestable


def _leadership(follow, give):
    main = Leadership(_test(follow), _test(give), *(pd.Series(dtype=float),) * 4)
    return M5Evidence(main, main, None, [])


@pytest.mark.parametrize("give, verdict", [
    (_est(-0.5, -0.9, -0.1), PARTLY),        # the give-back counts; the untestable flows assertion caps it
    (_est(0.5, 0.1, 0.9), NOT_SUPPORTED),    # it points away from the claim
    (_est(-0.5, -0.9, 0.1), INCONCLUSIVE),   # negative, but an interval reaches zero
    (_est(0.0, -0.4, 0.4), NOT_SUPPORTED),   # zero is not a give-back
])
def test_m5_is_decided_on_the_give_back_with_flows_untestable(give, verdict):
    claim = M5.from_evidence(_leadership(None, give))  # the continuation proxy never decides
    r = claim.result
    assert r.verdict == verdict
    assert [p.verdict for p in claim.parts()][0] is None  # flows and the squeeze: untestable
    assert r.statistic.value == pytest.approx(give.value * 1200) and r.statistic.name.startswith("SMB after small caps")
    assert r.note.startswith("That momentum and quant flows follow and squeeze the most shorted names is untestable")
    assert r.statistic.p_value == pytest.approx(float(sps.norm.cdf(give.value / 0.1)), abs=1e-9)


def test_m5_registered_rule_and_the_untestable_path():
    pos, neg = _est(0.5, 0.1, 0.9), _est(-0.5, -0.9, -0.1)
    reg = {"verdict_rule": "registered", "outcome": "wml", "yield_source": "shiller"}
    assert M5.from_evidence(_leadership(pos, neg), spec=reg).result.verdict == PARTLY
    assert M5.from_evidence(_leadership(pos, _est(0.5, 0.1, 0.9)), spec=reg).result.verdict == PARTLY
    assert M5.from_evidence(_leadership(neg, _est(0.5, 0.1, 0.9)), spec=reg).result.verdict == NOT_SUPPORTED
    assert M5.from_evidence(_leadership(None, neg), spec=reg).result.verdict == UNTESTABLE
    r = M5.from_evidence(_leadership(pos, None)).result
    assert r.verdict == UNTESTABLE and "short interest" in r.note and "would decide it" in r.note


def test_rules_state_the_regime_definitions_they_use():
    assert [c.id for c in mom.CLAIMS] == ["M1", "M2", "M3", "M4", "M5"]
    h = M3.rule_for().hypothesis
    assert "63 trading days" in h and "previous 6 months" in h and "200-day average" in h
    assert "high rates (Shiller's monthly 10-year yield above its median to date)" in h
    assert "rising rates (Shiller's monthly 10-year yield up over the previous 12 months)" in M3.rule_for(
        {"rates_measure": "change"}).hypothesis
    assert "previous 36 months" in M3.rule_for().statistic and "mean spell" in M3.rule_for().statistic
    assert "126 trading days" in M3.rule_for({"breadth_lookback": 126}).hypothesis
    assert "10-year yield above its median to date" in M3.rule_for({"rates_measure": "level"}).hypothesis
    assert "Baa minus Aaa spread above its median to date" in M3.rule_for({"credit_measure": "level"}).hypothesis
    assert "previous 3 months" in M5.rule_for({"lead_months": 3}).hypothesis
    assert "(IWM beat SPY over the previous 6 months)" in M5.rule_for({"lead_measure": "iwm-spy"}).hypothesis
    assert "(the month-end ^TNX close)" in M5.rule_for().hypothesis
    assert "(Shiller's monthly average yield)" in M5.rule_for({"yield_source": "shiller"}).hypothesis
    assert "small-cap momentum is lower" in M5.rule_for({"outcome": "wml"}).hypothesis
    assert "at least 120 months of VIX" in M4.rule_for().statistic
    assert "at least 60 months of VIX" in M4.rule_for({"vix_min_months": 60}).statistic


def test_regime_table_shows_pp_a_year_and_orders_variants():
    t = am.RegimeTest("down", "up", -0.01, 0.005, _est(-0.015, -0.025, -0.005), _est(-0.015, -0.03, -0.001),
                      120, 480, MONTHS[0], MONTHS[-1])
    row = regimes.regime_table({"market state": t}, "monthly").loc["market state"]
    # monthly decimals times 1200: -0.01 -> -12.0 pp a year; difference -18.0 (-30.0 to -6.0)
    assert row["means"] == "-12.0 | 6.0"
    assert row["difference"] == pytest.approx(-18.0)
    assert row["95% HAC CI"] == "-30.0 to -6.0" and row["95% bootstrap CI"] == "-36.0 to -1.2"
    assert row["both below 0"] == "yes" and row["periods"] == "120 | 480"
    assert regimes.regime_table({"x": t}, "daily").loc["x", "difference"] == pytest.approx(-0.015 * 25200)
    rows = [regimes.variant_row("rates", "default", t, "monthly"),
            regimes.variant_row("market state", "default", t, "monthly"),
            regimes.variant_row("rates", "alternative", t, "monthly")]
    frame = regimes.variant_frame(rows, ["market state", "rates"])
    assert list(frame.index) == [("market state", "default"), ("rates", "default"), ("rates", "alternative")]
    assert regimes.robustness_counts(frame, "market state") == (1, 1, 1)
    assert regimes.robustness_counts(frame, "rates") == (2, 2, 2)
    facts = regimes.robustness_facts(frame, "market state")
    assert facts["variants"].text() == "1 variant" and facts["same"].text() == "1"  # no "1 variants"
    assert regimes.robustness_counts(frame, "credit") is None
    assert regimes.test_facts(t, "monthly")["sample"].text() == "2000-01 to 2000-06"


# -- on the reference snapshot ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session(snapshot_dir, tmp_path_factory):
    """An offline session on the snapshot; its store is shared by the chapter's test modules (one
    cold load per test run)."""
    from smallcaps.data import DataSession

    return DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.getbasetemp() / "momentum-store")


@pytest.fixture(scope="module")
def snapshot_inputs(session):
    return mom.load_inputs(session)


def test_evaluate_many_reproduces_the_published_verdicts(session):
    from smallcaps.claims import evaluate_many

    committed = json.loads((ROOT / "book" / "momentum.results.json").read_text())
    fresh = evaluate_many(["M1", "M2", "M3", "M4", "M5"], data=session)
    assert {cid: r.to_dict() for cid, r in fresh.items()} == {c["id"]: c for c in committed["claims"]}


def test_facts_are_the_numbers_the_committed_page_shows(snapshot_inputs):
    """Every number the prose cites is glued from a claim's facts: the committed notebook's glued
    values are exactly what the claims compute on the reference snapshot (nbval checks only the
    verdicts)."""
    nb = json.loads((ROOT / "book" / "momentum.ipynb").read_text())
    figures = {out["metadata"]["scrapbook"]["name"] for cell in nb["cells"] for out in cell.get("outputs", [])
               if "application/papermill.record/image/svg+xml" in out.get("data", {})}
    assert figures == {"fig-m1", "fig-m2", "fig-m3-cumulative", "fig-m3-regimes", "fig-m3-breadth", "fig-m4", "fig-m5"}
    glued = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
            # besides the facts, the page glues its figures (SVG, by label) and its verdict box
            if name and not name.startswith("_flags.") and name != VERDICT_BOX and name not in figures:
                v = out["data"]["application/papermill.record/text/markdown"]
                glued[name] = v if isinstance(v, str) else "".join(v)
    w = snapshot_inputs.window
    facts = {k: f.text() for k, f in snapshot_inputs.facts().items()}
    for cls in mom.CLAIMS:
        facts.update({k: f.text() for k, f in cls(snapshot_inputs, w).facts().items()})
    facts.update({k: f.text() for k, f in mom.ChapterAnchors(snapshot_inputs).facts().items()})
    assert glued == facts
    # the market state over 36 months (CGH's headline) since the referee revision; 24 months gave -20.9
    assert facts["m1_xsmo_return"] == "14.6" and facts["m3_market_diff"] == "-16.1" and facts["m4_alpha"] == "10.2"
    assert facts["m3_lb24_diff"] == "-20.9" and facts["m_cgh_small_up"] == "1.02"


def test_m4_vix_threshold_decides_the_model_on_the_snapshot(snapshot_inputs):
    w = window("1990-01-01", "1999-12-31")  # 119 monthly VIX changes (from 1990-02)
    assert M4(snapshot_inputs, w).result.statistic.name == "alpha on risk-appetite proxies (without VIX)"
    short = M4(snapshot_inputs, w, spec={"vix_min_months": 60}).result
    assert short.statistic.name == "alpha on risk-appetite proxies (with VIX)" and short.sample.n == 119
    assert "at least 60 months of VIX" in short.rule


def test_breadth_is_built_once_per_moving_average_and_cut_by_the_window(snapshot_inputs):
    inp = snapshot_inputs
    b = inp.breadth("sp600", 200)
    assert b is inp.breadth("sp600", 200)  # memoized on the inputs
    assert b.index[0] == pd.Timestamp("2021-03-31") and b["members"].iloc[0] == 601
    m3 = M3(inp, window("2022-01-01", "2023-12-31"))
    t = m3.evidence.recent["S&P 600 breadth"]
    # the labels on the window's first days were known from breadth before the window
    assert t.start == pd.Timestamp("2022-01-03") and t.end == pd.Timestamp("2023-12-29")
    assert m3.evidence.x.index.min() == pd.Period("2022-01", "M")


def test_untestable_fund_claims_on_an_old_window(snapshot_inputs):
    w = window("1929-01-01", "1995-12-31")
    for cls in (M1, M2):
        claim = cls(snapshot_inputs, w)
        r = claim.result
        assert r.verdict == UNTESTABLE and "before XSMO's first price" in r.note and r.statistic.value is None
        assert claim.plot(lambda **kw: 1 / 0) == f"the window cannot decide {cls.id} (see its verdict)"
    assert M1(snapshot_inputs, w).records().markdown == f"*{M1(snapshot_inputs, w).result.note}*"


# -- the must-show re-run --------------------------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.timeout(900)
def test_rerun_1929_1995_reports_regime_test_and_untestable_etfs(offline, tmp_path):
    from smallcaps.book.runner import run

    report = run(start="1929-01-01", end="1995-12-31", chapters=["momentum"], out=tmp_path / "run", jobs=1)
    assert report.ok and report.site is not None and (report.site / "book" / "momentum.html").is_file()
    res = json.loads((tmp_path / "run" / "momentum.results.json").read_text())
    claims = {c["id"]: c for c in res["claims"]}
    assert res["parameters"]["start"] == "1929-01-01" and res["parameters"]["end"] == "1995-12-31"
    for cid in ("M1", "M2"):
        assert claims[cid]["verdict"] == UNTESTABLE
        assert "before XSMO's first price" in claims[cid]["note"]
    m3 = claims["M3"]
    assert m3["verdict"] != UNTESTABLE
    assert m3["sample"]["start"] >= "1929-01-01" and m3["sample"]["end"] <= "1995-12-31"
    assert m3["sample"]["n"] == 804 and m3["sample"]["frequency"] == "monthly"  # 67 years of months
    assert m3["statistic"]["ci_low"] < m3["statistic"]["value"] < m3["statistic"]["ci_high"]
    assert "breadth: untestable" in m3["note"]
    for cid in ("M4", "M5"):
        assert claims[cid]["sample"]["end"] <= "1995-12-31"
    nb = (tmp_path / "run" / "momentum.ipynb").read_text()
    assert "untestable with available data" in nb
    from test_windows_momentum import prose_with_missing_numbers

    assert prose_with_missing_numbers(report.site / "book" / "momentum.html") == []
