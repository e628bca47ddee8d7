"""The rotation chapter (R1-R7): analytics on small synthetic series with hand-computed answers,
the rules' boundaries, the chapter's numbers on the reference snapshot, and the must-show re-run
on 2010-2019 dates (marked ``book``: slow)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import rotation as rot
from smallcaps.book.params import window
from smallcaps.book.results import UNTESTABLE
from smallcaps.claims import rotation as R
from smallcaps.errors import DataError, ParameterError
from smallcaps.stats import Estimate, mean_hac

# -- helpers -------------------------------------------------------------------------------------


def bdays(start: str, n: int) -> pd.DatetimeIndex:
    return pd.bdate_range(start, periods=n, name="date")


def est(value, lo, hi, n=100) -> Estimate:
    return Estimate(value, 1.0, lo, hi, 0.95, None, None, n, "test")


# -- year to date, spreads and dates -------------------------------------------------------------


def test_ytd_spreads_from_prior_year_end():
    idx = pd.DatetimeIndex(["2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05"], name="date")
    px = pd.DataFrame({"A": [90.0, 100.0, 104.0, 110.0], "B": [99.0, 100.0, 101.0, 105.0]}, index=idx)
    s = rot.ytd_spreads(px, [("A", "B")], "2026-01-05")
    assert list(s.index) == list(idx[2:])
    assert s["A-B"].tolist() == pytest.approx([0.03, 0.05])


def test_dates_near_first_reached_and_up_crossings():
    idx = bdays("2026-01-01", 6)
    s = pd.Series([8.0, 8.46, 8.6, 8.2, 8.5, 8.54], index=idx)
    assert list(rot.dates_near(s, 8.5, 0.05)) == [idx[1], idx[4], idx[5]]
    assert rot.first_reached(s, 8.45) == idx[1]
    assert rot.first_reached(s, 9.0) is None
    assert list(rot.up_crossings(s, 8.45)) == [idx[1], idx[4]]
    assert list(rot.up_crossings(pd.Series([9.0, 9.5], index=idx[:2]), 8.45)) == [idx[0]]


def test_same_date_ytd_reads_each_year_on_the_same_day():
    idx = pd.DatetimeIndex(["2024-12-31", "2025-03-10", "2025-03-14", "2025-12-31", "2026-03-13", "2026-03-16"])
    px = pd.DataFrame({"A": [100.0, 105.0, 110.0, 200.0, 190.0, 150.0]}, index=idx)
    out = rot.same_date_ytd(px, "2026-03-14")
    # 2025: last close on or before 14 March is 110; 2026: 13 March, 190
    assert out.loc[2025, "A"] == pytest.approx(0.10)
    assert out.loc[2026, "A"] == pytest.approx(-0.05)
    assert list(out.index) == [2025, 2026]


def test_underperformance_years_counts_and_run():
    spread = pd.Series([-0.1, 0.05, -0.02, -0.03, -0.04, -0.01], index=range(2020, 2026))
    out = rot.underperformance_years(spread, 2026, 6)
    assert out == {"years": 6, "trailed": 5, "run": 4}
    short = rot.underperformance_years(spread.loc[2023:], 2026, 6)
    assert short == {"years": 3, "trailed": 3, "run": 3}


def test_relative_wealth():
    idx = pd.DatetimeIndex(["2019-12-31", "2022-06-30", "2025-12-31"])
    a = pd.Series([100.0, 90.0, 121.0], index=idx)
    b = pd.Series([100.0, 100.0, 110.0], index=idx)
    assert rot.relative_wealth(a, b, "2019-12-31", "2025-12-31") == pytest.approx(0.10)


# -- baskets, legs, hit rates ---------------------------------------------------------------------


def test_equal_weight_rebalances_daily_on_common_dates():
    idx = bdays("2026-01-01", 4)
    px = pd.DataFrame({"A": [np.nan, 100.0, 110.0, 121.0], "B": [50.0, 100.0, 90.0, 99.0]}, index=idx)
    level = rot.equal_weight(px)
    assert level.index[0] == idx[1]
    # day 2: (+10% - 10%)/2 = 0; day 3: (+10% + 10%)/2 = +10%
    assert level.tolist() == pytest.approx([1.0, 1.0, 1.1])
    with pytest.raises(DataError, match="fewer than 2 common dates"):
        rot.equal_weight(pd.DataFrame({"A": [1.0, np.nan], "B": [np.nan, 1.0]}, index=idx[:2]))


def test_relative_daily_and_cumulated_band_is_centred_and_scaled():
    idx = bdays("2026-01-01", 5)
    a = pd.Series([100.0, 102.0, 102.0, 101.0, 103.0], index=idx, name="A")
    b = pd.Series([100.0, 101.0, 103.0, 103.0, 103.0], index=idx, name="B")
    d = rot.relative_daily(a, b)
    assert d.name == "A-B"
    assert d.iloc[0] == pytest.approx(0.02 - 0.01)
    x = pd.Series([0.01, -0.005, 0.002, 0.004, -0.003, 0.006, -0.001, 0.0, 0.003, -0.002] * 5, index=bdays("2026-01-01", 50))
    lo, hi, method = rot.cumulated_band(x, 0.05)
    se = mean_hac(x).se
    assert (lo + hi) / 2 == pytest.approx(0.05)
    assert hi - lo == pytest.approx(2 * 1.959964 * 50 * se, rel=1e-5)
    assert "n = 50" in method


def test_leg_decomposition_adds_up():
    idx = bdays("2026-01-01", 2)
    legs = rot.leg_decomposition(pd.Series([100.0, 110.0], index=idx), pd.Series([100.0, 95.0], index=idx),
                                 pd.Series([100.0, 102.0], index=idx), 1)
    row = legs.iloc[0]
    assert row["pair"] == pytest.approx(0.15)
    assert row["long_leg"] == pytest.approx(0.08)
    assert row["short_leg"] == pytest.approx(0.07)


def test_hit_rates_shares():
    s = pd.Series([0.1] * 30 + [0.0] * 70, index=bdays("2020-01-01", 100))
    out = rot.hit_rates(s, [0.08, 0.12], horizon=5)
    assert out.loc[0.08, "share"] == pytest.approx(0.30)
    assert out.loc[0.08, "ci_low"] < 0.30 < out.loc[0.08, "ci_high"]
    assert out.loc[0.12, "share"] == 0.0 and np.isnan(out.loc[0.12, "ci_low"])


def test_risk_table_half_beta_fund():
    m = pd.Series([0.02, -0.02] * 10, index=bdays("2020-01-01", 20))
    r = pd.DataFrame({"fund": 0.5 * m, "bench": m})
    t = rot.risk_table(r, "bench")
    assert t.loc["fund", "beta"] == pytest.approx(0.5)
    assert t.loc["fund", "downside_capture"] == pytest.approx(0.5)
    assert t.loc["fund", "upside_capture"] == pytest.approx(0.5)
    # peak after the first up day, trough at the end: (1.02 x 0.98)^10 / 1.02 - 1
    assert t.loc["bench", "max_drawdown"] == pytest.approx(0.9996 ** 10 / 1.02 - 1)
    assert t.loc["fund", "n"] == 20


# -- events ---------------------------------------------------------------------------------------


def test_declustered_and_change_events():
    idx = bdays("2020-01-01", 60)
    trig = pd.Series(False, index=idx)
    trig.iloc[[0, 1, 5, 30, 40, 52]] = True
    assert list(rot.declustered_events(trig, 21)) == [idx[0], idx[30], idx[52]]
    level = pd.Series(3.0, index=idx)
    level.iloc[10:] = 2.7  # a 30 bp fall on day 10
    ev = rot.change_events(level, 5, -0.25, below=True, gap=21)
    assert list(ev) == [idx[10]]
    vix = pd.Series(10.0, index=idx)
    vix.iloc[20:] = 15.0  # +50%
    assert list(rot.change_events(vix, 5, 0.5, relative=True, below=False, gap=21)) == [idx[20]]
    assert list(rot.change_events(vix, 5, 0.51, relative=True, below=False, gap=21)) == []


def test_event_window_returns_and_paths():
    idx = bdays("2020-01-01", 30)
    daily = pd.Series(0.01, index=idx)
    daily.iloc[10] = -0.02
    w = rot.event_window_returns(daily, [idx[12], idx[1], idx[29]], start=-4, length=5)
    # idx[1]'s window would start before the data; idx[12]: rows 8..12 include the -2% day
    assert list(w.index) == [idx[12], idx[29]]
    assert w.tolist() == pytest.approx([1.01 ** 4 * 0.98 - 1, 1.01 ** 5 - 1])
    assert rot.event_window_returns(daily, [idx[29]], start=0, length=2).empty  # runs past the end
    p = rot.event_paths(daily, [idx[12]], before=2, after=3)
    assert list(p.index) == [-2, -1, 0, 1, 2, 3]
    assert p.iloc[0, 0] == pytest.approx(-0.02)  # offset -2 is row 10
    assert p.iloc[-1, 0] == pytest.approx(0.98 * 1.01 ** 5 - 1)


# -- persistence -------------------------------------------------------------------------------------


def test_sign_runs_and_run_statistics():
    idx = pd.period_range("2020-01", periods=8, freq="M")
    x = pd.Series([0.01, 0.02, -0.01, 0.01, 0.01, 0.03, -0.02, -0.01], index=idx)
    regime = pd.Series(["calm"] * 3 + ["tight"] * 5, index=idx)
    runs = rot.sign_runs(x, regime)
    assert runs["length"].tolist() == [2, 1, 3, 2]
    assert runs["positive"].tolist() == [True, False, True, False]
    assert runs["censored"].tolist() == [True, False, False, True]
    assert runs.loc[2, "regime"] == "tight"
    assert runs.loc[2, "total"] == pytest.approx(1.01 * 1.01 * 1.03 - 1)
    stats = R.run_statistics(runs, 3)
    assert list(stats.index) == ["tight"]  # the censored first run is left out
    assert stats.loc["tight", "mean length"] == 3.0
    assert stats.loc["tight", "at least 3 (%)"] == 100.0


def test_autocorrelation_recovers_ar1():
    rng = np.random.default_rng(7)
    e = rng.normal(size=2000)
    x = np.zeros(2000)
    for t in range(1, 2000):
        x[t] = 0.5 * x[t - 1] + e[t]
    a = rot.autocorrelation(pd.Series(x))
    assert a.value == pytest.approx(0.5, abs=0.05)
    assert a.ci_low < 0.5 < a.ci_high


def test_credit_regimes_are_lagged_and_use_earlier_readings_only():
    idx = pd.date_range("2020-01-03", periods=8, freq="W-FRI")
    hy = pd.Series([4.0, 4.0, 5.0, 3.0, 6.0, 2.0, 2.0, 7.0], index=idx)
    c = R.credit_regimes(hy, min_periods=2, change_periods=1)
    # week 3 (5.0) is above the median of weeks 1-2 (4.0): tight, known at the start of week 4
    assert pd.isna(c["level"].iloc[2])
    assert c["level"].iloc[3] == "tight"
    assert c["level"].iloc[4] == "calm"  # week 4 (3.0) vs median of 4, 4, 5
    assert c["change"].iloc[3] == "widening" and c["change"].iloc[4] == "tightening"


# -- French portfolios ------------------------------------------------------------------------------


def test_value_weighted_group_uses_last_months_caps():
    idx = pd.period_range("2020-01", periods=3, freq="M")
    r = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [3.0, 6.0, 0.0]}, index=idx)
    firms = pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [1.0, 3.0, 1.0]}, index=idx)
    size = pd.DataFrame({"a": [10.0, 10.0, 10.0], "b": [30.0, 10.0, 10.0]}, index=idx)
    out = rot.value_weighted_group(r, firms, size, ["a", "b"])
    # Feb uses Jan caps 10 and 30; Mar uses Feb caps 10 and 30
    assert out.index[0] == idx[1]
    assert out.tolist() == pytest.approx([0.25 * 2 + 0.75 * 6, 0.25 * 4 + 0.75 * 0])


def test_french_quality_series_long_minus_short():
    idx = pd.period_range("2020-01", periods=3, freq="M")
    cols5 = ["SMALL LoOP", "SMALL HiOP"]
    f = {"op_vw": pd.DataFrame([[1.0, 3.0]] * 3, index=idx, columns=cols5)}
    grp = ["<= 0", "Lo 30", "Med 40", "Hi 30"]
    for key in ("ep", "dp"):
        f[f"{key}_vw"] = pd.DataFrame([[5.0, 1.0, 2.0, 3.0]] * 3, index=idx, columns=grp)
        f[f"{key}_firms"] = pd.DataFrame([[1.0, 1.0, 1.0, 2.0]] * 3, index=idx, columns=grp)
        f[f"{key}_size"] = pd.DataFrame([[1.0, 1.0, 1.0, 1.0]] * 3, index=idx, columns=grp)
    out = R.french_quality_series(f, "vw")
    assert out["small high minus low profitability"].iloc[0] == pytest.approx(0.02)
    # positive earners: weights 1/4, 1/4, 2/4 -> 2.25%; minus 5%
    assert out["positive minus negative earnings"].dropna().iloc[0] == pytest.approx(0.0225 - 0.05)


def test_compound_by_year_and_subperiods():
    idx = pd.period_range("2020-01", periods=18, freq="M")
    s = pd.Series(0.01, index=idx)
    y = rot.compound_by_year(s)
    assert list(y.index) == [2020]
    assert y.loc[2020] == pytest.approx(1.01 ** 12 - 1)
    parts = rot.subperiods(idx, 3)
    assert [p[0] for p in parts] == ["2020-01..2020-06", "2020-07..2020-12", "2021-01..2021-06"]
    with pytest.raises(DataError):
        rot.subperiods(idx[:2], 3)


# -- rules and verdicts: boundaries -------------------------------------------------------------------


def lead_evidence(lead: float, reached: bool, trailed: int, available: bool = True) -> R.LeadEvidence:
    day = pd.Timestamp("2026-07-13")
    paths = pd.DataFrame({"IWM-SPY": [lead]}, index=[day])
    matches = pd.DataFrame({"first day at or above": [day if reached else None]}, index=["IWM-SPY"])
    prior = pd.DataFrame({"years small trailed": [trailed]}, index=["IWM-SPY"])
    reason = "" if available else "the window ends 2019-12-31, before 2026"
    return R.LeadEvidence(available, reason, day if available else None, paths, paths.loc[day],
                          (lead - 10, lead + 10, "test"), matches, pd.DataFrame(), prior, pd.DataFrame(), None, None,
                          pd.Series(dtype=float), 131, "test data")


def test_r1_rule_boundaries():
    assert R.verdict_r1(lead_evidence(9.3, True, R.ABOUT_SIX_MIN)).verdict == "supported"
    assert R.verdict_r1(lead_evidence(9.3, True, R.ABOUT_SIX_MIN - 1)).verdict == "partly supported"
    assert R.verdict_r1(lead_evidence(2.0, False, 6)).verdict == "partly supported"
    assert R.verdict_r1(lead_evidence(0.0, True, 6)).verdict == "not supported"
    res = R.verdict_r1(lead_evidence(1.0, True, 6, available=False))
    assert res.verdict == UNTESTABLE and "before 2026" in res.note and res.statistic.value is None
    ok = R.verdict_r1(lead_evidence(9.3, True, 6))
    assert ok.statistic.value == 9.3 and ok.statistic.ci_low == pytest.approx(-0.7) and ok.section == "r1"


def ousm_evidence(matches: list[str], available: bool = True) -> R.OusmEvidence:
    day = pd.Timestamp("2026-07-13")
    path = pd.DataFrame({"OUSM": [9.6]}, index=[day])
    return R.OusmEvidence(available, "" if available else "no 2026", day, path, 9.6, pd.DatetimeIndex(matches),
                          pd.DataFrame(), pd.DataFrame(), "test data")


def test_r2_rule_boundaries():
    assert R.verdict_r2(ousm_evidence([])).verdict == "not supported"
    res = R.verdict_r2(ousm_evidence(["2026-04-08"]))
    assert res.verdict == UNTESTABLE and "holdings" in res.note and "2026-04-08" in res.note
    assert res.statistic.value == 9.6
    assert R.verdict_r2(ousm_evidence([], available=False)).verdict == UNTESTABLE


def quality_evidence(year: float, prior: float, agree: int) -> R.QualityEvidence:
    etfs = list(R.QUALITY)
    y = pd.Series([1.0] * agree + [-1.0] * (len(etfs) - agree) + [year], index=[*etfs, R.BASKET])
    p = pd.Series([prior] * (len(etfs) + 1), index=[*etfs, R.BASKET])
    e = pd.DataFrame()
    return R.QualityEvidence(True, "", pd.Timestamp("2026-07-13"), e, p, y, (year - 5, year + 5, "t"), (None, None), 131,
                             e, e, e, e, (None, 0), "test", first_day=pd.Timestamp("2026-01-02"))


def test_r3_rule_boundaries():
    assert R.verdict_r3(quality_evidence(0.1, -1.0, R.AGREE_MIN)).verdict == "supported"
    assert R.verdict_r3(quality_evidence(0.1, -1.0, R.AGREE_MIN - 1)).verdict == "partly supported"
    assert R.verdict_r3(quality_evidence(0.1, 0.0, 5)).verdict == "partly supported"
    assert R.verdict_r3(quality_evidence(0.0, -1.0, 5)).verdict == "not supported"


def resilience_evidence(beta_hi: float, tight_lo: float) -> R.ResilienceEvidence:
    e = pd.DataFrame()
    return R.ResilienceEvidence(True, "", (pd.Timestamp("2017-04-21"), pd.Timestamp("2026-03-27"), 400), e, e,
                                est(0.8, 0.7, beta_hi), e, est(tight_lo + 3, tight_lo, tight_lo + 6, 61),
                                est(0, -1, 1), e, e, e, pd.Series(dtype=float), e, "test")


def test_r4_rule_boundaries():
    assert R.verdict_r4(resilience_evidence(0.99, 0.01)).verdict == "supported"
    assert R.verdict_r4(resilience_evidence(1.0, 0.01)).verdict == "partly supported"
    assert R.verdict_r4(resilience_evidence(0.99, 0.0)).verdict == "partly supported"
    res = R.verdict_r4(resilience_evidence(1.0, 0.0))
    assert res.verdict == "not supported" and res.sample.n == 61 and res.sample.frequency == "weekly"


def pair_evidence(lo: float, hi: float, hit: float, short: float, long: float) -> R.PairEvidence:
    e = pd.DataFrame()
    return R.PairEvidence(True, "", {}, e, est((lo + hi) / 2, lo, hi), hit, long, short, e, e, e,
                          (pd.Timestamp("2017-10-10"), pd.Timestamp("2026-07-13"), 2199), "test")


def test_r5_rule_boundaries():
    low = R.CLAIMED_PAIR_LOW_PCT
    assert R.verdict_r5(pair_evidence(0.1, low, 0.0, 2.0, 1.0)).verdict == "supported"
    assert R.verdict_r5(pair_evidence(0.1, low - 0.1, 0.0, 2.0, 1.0)).verdict == "partly supported"
    assert R.verdict_r5(pair_evidence(0.1, low, 0.0, 1.0, 2.0)).verdict == "partly supported"
    assert R.verdict_r5(pair_evidence(-1.0, 5.0, R.HIT_SHARE_MIN, 2.0, 1.0)).verdict == "partly supported"
    assert R.verdict_r5(pair_evidence(-1.0, 5.0, R.HIT_SHARE_MIN - 0.01, 2.0, 1.0)).verdict == "not supported"
    assert R.verdict_r5(pair_evidence(0.0, 5.0, 0.0, 2.0, 1.0)).verdict == "not supported"


def reversal_evidence(pooled_hi: float, calm: float, tight: float) -> R.ReversalEvidence:
    e = pd.DataFrame()
    evs = pd.DatetimeIndex(["2001-01-02", "2020-03-02"])
    pooled = est(pooled_hi - 1, pooled_hi - 2, pooled_hi)
    return R.ReversalEvidence(True, "", pd.Series(dtype=float), {"pooled": evs}, e, pooled, None, e, e, e, e, e, None, e,
                              calm, tight, 10, "test")


def test_r6_rule_boundaries():
    lo = R.CLAIMED_RUN_MONTHS[0]
    assert R.verdict_r6(reversal_evidence(-0.01, lo, lo - 0.1)).verdict == "supported"
    assert R.verdict_r6(reversal_evidence(0.0, lo, lo - 0.1)).verdict == "partly supported"
    assert R.verdict_r6(reversal_evidence(-0.01, lo - 0.01, 1.0)).verdict == "partly supported"
    assert R.verdict_r6(reversal_evidence(-0.01, lo, lo)).verdict == "partly supported"
    res = R.verdict_r6(reversal_evidence(0.3, 2.2, 2.1))
    assert res.verdict == "not supported" and res.sample.frequency == "events" and res.sample.start == "2001-01-02"


def sector_evidence(spread: float, cyc_ijr: float, def_spy: float) -> R.SectorEvidence:
    row = dict(zip(R.SPREAD_COLUMNS, [spread, cyc_ijr, def_spy, 0.0], strict=True))
    spreads = pd.DataFrame([row], index=["2026 to date"])
    return R.SectorEvidence(True, "", pd.Timestamp("2026-07-13"), pd.DataFrame(), spreads, (spread - 9, spread + 9, "t"),
                            131, "test", first_day=pd.Timestamp("2026-01-02"))


def test_r7_rule_boundaries():
    assert R.verdict_r7(sector_evidence(1.0, 0.1, -0.1)).verdict == "supported"
    assert R.verdict_r7(sector_evidence(1.0, 0.1, 0.0)).verdict == "partly supported"
    assert R.verdict_r7(sector_evidence(1.0, 0.0, -0.1)).verdict == "partly supported"
    assert R.verdict_r7(sector_evidence(1.0, -0.1, 0.1)).verdict == "not supported"
    assert R.verdict_r7(sector_evidence(0.0, 0.1, -0.1)).verdict == "not supported"


def test_rules_cover_every_claim_and_state_the_claimed_numbers():
    assert list(R.RULES) == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    assert "8.5 pp" in R.RULES["R1"].claim and "4.6%" in R.RULES["R2"].claim and "3.3" in R.RULES["R2"].claim
    assert "8-12%" in R.RULES["R5"].claim and "3-6 months" in R.RULES["R6"].claim
    assert all(r.untestable for r in R.RULES.values())


# -- the chapter on the reference snapshot -------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_inputs(tmp_path_factory, snapshot_dir):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return R.load_inputs(ds, window("1926-07-01", "2026-07-13", "2026-07-13"))


def test_snapshot_r1_r2_numbers(snapshot_inputs):
    inp = snapshot_inputs
    assert inp.last_common_date() == pd.Timestamp("2026-07-13")
    r1 = R.small_vs_large(inp, "2026-07-13")
    assert r1.reading_date == pd.Timestamp("2026-07-13")
    assert r1.lead == pytest.approx(9.27, abs=0.01)
    assert r1.first_reached == pd.Timestamp("2026-01-22")
    assert r1.prior.loc["IWM-SPY", "years small trailed"] == 5
    assert r1.calendar.loc[2024, "IWM-SPY"] == pytest.approx(11.4 - 24.9, abs=0.1)
    assert R.verdict_r1(r1).verdict == "supported"
    r2 = R.ousm_year_to_date(inp, "2026-07-13")
    assert r2.ousm == pytest.approx(9.57, abs=0.01)
    assert [d.date().isoformat() for d in r2.matches] == ["2026-04-08", "2026-05-19"]
    assert R.verdict_r2(r2).verdict == UNTESTABLE


def test_snapshot_r3_french_lens(snapshot_inputs):
    r3 = R.quality_rotation(snapshot_inputs, "2026-07-13")
    row = r3.french.loc["small high minus low profitability (value weighted)"]
    assert (row["first"], row["last"], row["months"]) == ("1963-07", "2024-12", 738)
    assert row["mean (% a year)"] == pytest.approx(3.38, abs=0.01)
    assert r3.french.loc["positive minus negative earnings (value weighted)", "last"] == "2023-02"
    assert r3.basket_prior == pytest.approx(-10.7, abs=0.05)
    assert r3.basket_year == pytest.approx(-3.26, abs=0.01)
    assert R.verdict_r3(r3).verdict == "not supported"


def test_snapshot_window_before_2026_is_untestable_not_an_error(tmp_path, snapshot_dir):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    inp = R.load_inputs(ds, window("2010-01-01", "2019-12-31", "2019-12-31"))
    for fn, verdict in ((R.small_vs_large, R.verdict_r1), (R.ousm_year_to_date, R.verdict_r2),
                        (R.quality_rotation, R.verdict_r3), (R.sector_leadership, R.verdict_r7)):
        res = verdict(fn(inp, "2019-12-31"))
        assert res.verdict == UNTESTABLE and "no 2026" in res.note
    assert R.verdict_r5(R.pair_trade(inp)).sample.end == "2019-12-31"


def test_bad_window_fails_with_one_line(tmp_path, snapshot_dir):
    from smallcaps.book.chapter import Chapter

    ch = Chapter.open("rotation", "t", start="1926-07-01", end="2030-01-01", data_mode="offline",
                      snapshot=snapshot_dir, store=tmp_path / "store")
    inp = R.load_inputs(ch.data, ch.window)
    with pytest.raises(ParameterError, match=r"^end=2030-01-01 is after the last date of the chapter's data; valid: "
                                             r"1926-07-01\.\.2026-07-14$"):
        ch.coverage_check(*inp.coverage, "the chapter's data")
    with pytest.raises(ParameterError, match="as_of=2027-01-01 is outside the window"):
        Chapter.open("rotation", "t", start="2010-01-01", end="2019-12-31", as_of="2027-01-01")


# -- the must-show re-run ------------------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.timeout(900)
def test_rerun_on_2010_2019_says_untestable_for_2026_claims(tmp_path, snapshot_dir):
    from smallcaps.book.runner import run

    out = tmp_path / "run"
    # no as_of: it defaults to end (review R05/F-7: the rotation cell used to pin it to 2026-07-13)
    report = run(start="2010-01-01", end="2019-12-31", chapters="rotation", out=out,
                 mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    assert report.ok and (out / "html" / "book" / "rotation.html").is_file()
    res = json.loads((out / "rotation.results.json").read_text())
    assert res["parameters"]["as_of"] == "2019-12-31"
    claims = {c["id"]: c for c in res["claims"]}
    assert list(claims) == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    r1 = claims["R1"]
    assert r1["verdict"] == UNTESTABLE
    assert "before 2026" in r1["note"] and "no 2026 year-to-date data" in r1["note"]
    for cid in ("R2", "R3", "R7"):
        assert claims[cid]["verdict"] == UNTESTABLE and "2026" in claims[cid]["note"]
    # the claims that do not need 2026 were decided from the window's own data
    assert claims["R5"]["verdict"] in ("supported", "partly supported", "not supported")
    assert claims["R5"]["sample"]["end"] == "2019-12-31"
    assert all(c["note"] for c in claims.values())


def test_readable_blanks_missing_and_rounds():
    t = R.readable(pd.DataFrame({"a": [1.234, np.nan]}), 1)
    assert t["a"].tolist() == [1.2, ""]


def test_table_indexes_rounds_or_notes_an_empty_window():
    t = R.table(pd.DataFrame({"a": ["x"], "b": [1.234]}), ["a"], 1)
    assert t.loc["x", "b"] == 1.2
    assert "No rows" in repr(R.table(pd.DataFrame(), ["a"]))
