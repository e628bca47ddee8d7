"""The rotation chapter (R1-R7): analytics on small synthetic series with hand-computed answers,
the rules' boundaries (``Claim.from_evidence``), the specification space, the chapter's numbers on
the reference snapshot (equal to the committed results), and the must-show re-run on 2010-2019
dates (marked ``book``: slow)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import rotation as rot
from smallcaps.claims import rotation as R
from smallcaps.claims.contract import UNTESTABLE
from smallcaps.claims.rotation import (
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    r1_lead,
    r2_ousm,
    r3_quality,
    r4_resilience,
    r5_pair,
    r6_reversal,
    r7_sectors,
)
from smallcaps.claims.rotation.inputs import BASKET, QUALITY
from smallcaps.display import Text
from smallcaps.errors import DataError, ParameterError
from smallcaps.params import window
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


def test_quarter_returns_within_each_quarter_to_the_reading_date():
    idx = pd.DatetimeIndex(["2025-12-31", "2026-02-27", "2026-03-31", "2026-05-29", "2026-06-30", "2026-07-10"])
    px = pd.DataFrame({"A": [100.0, 104.0, 110.0, 99.0, 121.0, 133.1]}, index=idx)
    q = rot.quarter_returns(px, "2026-07-10", 2026)
    assert list(q.index) == ["Q1", "Q2", "Q3 to date"]
    assert q["A"].tolist() == pytest.approx([0.10, 0.10, 0.10])
    # a reading date at the quarter's end closes the quarter; no row after the reading date
    assert list(rot.quarter_returns(px, "2026-06-30", 2026).index) == ["Q1", "Q2"]
    assert list(rot.quarter_returns(px, "2026-05-29", 2026).index) == ["Q1", "Q2 to date"]


def test_regime_excess_annualises_the_weekly_mean():
    idx = pd.date_range("2020-01-03", periods=8, freq="W-FRI")
    excess = pd.Series([0.01, 0.03, -0.01, 0.01, 0.02, 0.0, 0.01, 0.02], index=idx)
    asset = pd.Series([-0.01, 0.02, -0.02, 0.01, -0.01, 0.0, 0.01, 0.02], index=idx)
    bench = pd.Series([-0.02, -0.01, -0.01, 0.0, -0.03, 0.0, 0.0, 0.0], index=idx)
    labels = pd.Series(["tight"] * 4 + ["calm"] * 4, index=idx)
    rows = {r["regime"]: r for r in rot.regime_excess(excess, asset, bench, labels, "level")}
    assert list(rows) == ["calm", "tight"]
    assert rows["tight"]["mean excess"] == pytest.approx(52 * 0.01) and rows["tight"]["weeks"] == 4
    assert rows["calm"]["mean excess"] == pytest.approx(52 * 0.0125)
    # downside capture in the regime: the asset's mean over the bench's mean in the bench's down weeks
    a = (0.99 * 1.02 * 0.98) ** (1 / 3) - 1
    m = (0.98 * 0.99 * 0.99) ** (1 / 3) - 1
    assert rows["tight"]["downside capture"] == pytest.approx(a / m)
    assert rows["tight"]["definition"] == "level"


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
    stats = rot.run_statistics(runs, 3)
    assert list(stats.index) == ["tight"]  # the censored first run is left out
    assert stats.loc["tight", "mean length"] == 3.0
    assert stats.loc["tight", "at least 3"] == 1.0  # a share (decimal)
    assert stats.loc["tight", "runs"] == 1 and stats.loc["tight", "ci_low"] is None  # fewer than 10 runs: no interval


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
    c = rot.credit_regimes(hy, min_periods=2, change_periods=1)
    # week 3 (5.0) is above the median of weeks 1-2 (4.0): stressed, known at the start of week 4
    assert pd.isna(c["level"].iloc[2])
    assert c["level"].iloc[3] == "stressed"
    assert c["level"].iloc[4] == "calm"  # week 4 (3.0) vs median of 4, 4, 5
    assert c["change"].iloc[3] == "widening" and c["change"].iloc[4] == "narrowing"


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
    out = rot.french_quality_series(f, "vw")
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

DAY = pd.Timestamp("2026-07-13")


def lead_evidence(lead: float, reached: bool, trailed: int, reason: str = "") -> r1_lead.R1Evidence:
    """R1 evidence with the IWM-SPY spread ``lead`` (decimal) on the reading date."""
    paths = pd.DataFrame({"IWM-SPY": [lead]}, index=[DAY])
    matches = pd.DataFrame({"first day at or above": [DAY if reached else None]}, index=["IWM-SPY"])
    prior = pd.DataFrame({"years with data": [6], "years small trailed": [trailed], "trailing run to last year": [1],
                          "relative wealth": [-0.3]}, index=["IWM-SPY"])
    return r1_lead.R1Evidence(reason, None if reason else DAY, paths, paths.loc[DAY], (lead - 0.1, lead + 0.1, "test"),
                              matches, pd.DataFrame(), prior, pd.DataFrame(), None, None, pd.Series(dtype=float), 131)


def test_r1_rule_boundaries():
    about = R1.space["about_six_min"].default
    assert R1.from_evidence(lead_evidence(0.093, True, about)).result.verdict == "supported"
    assert R1.from_evidence(lead_evidence(0.093, True, about - 1)).result.verdict == "partly supported"
    assert R1.from_evidence(lead_evidence(0.02, False, 6)).result.verdict == "partly supported"
    assert R1.from_evidence(lead_evidence(0.0, True, 6)).result.verdict == "not supported"
    res = R1.from_evidence(lead_evidence(0.01, True, 6, reason="the window ends 2019-12-31, before 2026")).result
    assert res.verdict == UNTESTABLE and "before 2026" in res.note and res.statistic.value is None
    assert res.statistic.name == "IWM minus SPY, 2026 year to date" and res.sample.n == 0
    ok = R1.from_evidence(lead_evidence(0.093, True, 6)).result
    assert ok.statistic.value == pytest.approx(9.3) and ok.statistic.ci_low == pytest.approx(-0.7)
    assert ok.section == "r1" and ok.statistic.unit == "pp"
    assert ok.note.startswith("IWM led SPY by 9.3 pp on 2026-07-13; the lead first reached 8.5 pp on 2026-07-13")
    # a negative spread reads "trailed", never "led by -2.0"
    assert R1.from_evidence(lead_evidence(-0.02, False, 6)).result.note.startswith("IWM trailed SPY by 2.0 pp")


def test_r1_threshold_choice_changes_rule_and_decision():
    ev = lead_evidence(0.093, True, 4)
    assert R1.from_evidence(ev).result.verdict == "partly supported"
    res = R1.from_evidence(ev, spec={"about_six_min": 4}).result
    assert res.verdict == "supported" and "in at least 4 of the 6 calendar years" in res.rule
    assert "in at least 5 of the 6 calendar years" in R1.rule_for().supported
    # the deciding pair is a choice too: its rule names it
    rule = R1.rule_for({"pair": "IJR-IVV"})
    assert rule.statistic.startswith("IJR minus IVV (S&P 600 against S&P 500 ETFs")
    assert "IJR trailed IVV in at least 5" in rule.supported


def ousm_evidence(matches: list[str], reason: str = "") -> r2_ousm.R2Evidence:
    path = pd.DataFrame({"OUSM": [0.096]}, index=[DAY])
    return r2_ousm.R2Evidence(reason, None if reason else DAY, path, 0.096, pd.DatetimeIndex(matches),
                              pd.DataFrame(), pd.DataFrame())


def test_r2_registered_rule_boundaries():
    reg = {"verdict_rule": "registered"}
    assert R2.from_evidence(ousm_evidence([]), spec=reg).result.verdict == "not supported"
    res = R2.from_evidence(ousm_evidence(["2026-04-08"]), spec=reg).result
    assert res.verdict == UNTESTABLE and "holdings" in res.note and "2026-04-08" in res.note
    assert res.statistic.value == pytest.approx(9.6) and res.sample.n == 1  # decided: the 4.6% was checked
    res = R2.from_evidence(ousm_evidence([], reason="no 2026")).result
    assert res.verdict == UNTESTABLE and res.statistic.value is None and "no 2026" in res.note


def quality_evidence(year: float, prior: float | None, agree: int, *, claim: float | None = None,
                     claim_agree: int | None = None, prior_adj: float | None = None) -> r3_quality.R3Evidence:
    """R3 evidence: the basket's spread (decimal) on the reading date ``year`` and on the claim's
    date ``claim`` (default: the same), raw and beta-adjusted alike; ``agree`` ETFs ahead."""
    etfs = list(QUALITY)
    claim = year if claim is None else claim
    claim_agree = agree if claim_agree is None else claim_agree
    days = pd.DatetimeIndex(["2026-01-02", "2026-01-15", str(DAY.date())])

    def row(v, k):
        return [0.01] * k + [-0.01] * (len(etfs) - k) + [v]
    paths = pd.DataFrame([row(0.0, 0), row(claim, claim_agree), row(year, agree)], index=days,
                         columns=[*etfs, BASKET])
    daily = pd.Series([0.001, -0.001, 0.002], index=days)
    y = paths.loc[DAY]
    p = pd.Series([prior] * (len(etfs) + 1), index=[*etfs, BASKET]) if prior is not None else pd.Series(dtype=float)
    pa = pd.Series({BASKET: prior if prior_adj is None else prior_adj}) if prior is not None else pd.Series({BASKET: np.nan})
    e = pd.DataFrame()
    return r3_quality.R3Evidence("", DAY, e, p, y, (year - 0.05, year + 0.05, "t"), (None, None), 131, e, e, e, e,
                                 (None, 0), first_day=pd.Timestamp("2026-01-02"), betas={BASKET: est(0.84, 0.8, 0.88)},
                                 raw_paths=paths, adj_paths=paths, raw_daily=daily, adj_daily=daily, prior_adj=pa)


W26 = window("2025-01-01", "2026-07-13")


def test_r3_rule_boundaries():
    agree = R3.space["agree_min"].default
    reg = {"decided_at": "reading date", "measure": "raw"}  # the registered rule: raw, read on the reading date

    def verdict(ev, **spec):
        return R3.from_evidence(ev, spec={**reg, **spec}, window=W26).result.verdict
    assert verdict(quality_evidence(0.001, -0.01, agree)) == "supported"
    assert verdict(quality_evidence(0.001, -0.01, agree - 1)) == "partly supported"
    assert verdict(quality_evidence(0.001, 0.0, 5)) == "partly supported"
    assert verdict(quality_evidence(0.0, -0.01, 5)) == "not supported"
    res = R3.from_evidence(quality_evidence(0.001, None, 5), spec=reg, window=W26).result  # 2025 outside the window
    assert res.verdict == "partly supported" and "n/a" not in res.note and "the window does not hold all of 2025" in res.note
    res = R3.from_evidence(quality_evidence(0.001, -0.01, 3), spec={**reg, "agree_min": 3}, window=W26).result
    assert res.verdict == "supported" and "at least 3 of the five ETFs" in res.rule


def resilience_evidence(beta_hi: float, tight_lo: float) -> r4_resilience.R4Evidence:
    """R4 evidence; ``tight_lo`` is the tight-credit interval's low end (decimal a year)."""
    e = pd.DataFrame()
    return r4_resilience.R4Evidence("", (pd.Timestamp("2017-04-21"), pd.Timestamp("2026-03-27"), 400), e, e,
                                    est(0.8, 0.7, beta_hi), e, est(tight_lo + 0.03, tight_lo, tight_lo + 0.06, 61),
                                    est(0, -0.01, 0.01), e, e, e, pd.Series(dtype=float), e)


def test_r4_registered_rule_boundaries():
    reg = {"verdict_rule": "registered"}
    assert R4.from_evidence(resilience_evidence(0.99, 0.0001), spec=reg).result.verdict == "supported"
    assert R4.from_evidence(resilience_evidence(1.0, 0.0001), spec=reg).result.verdict == "partly supported"
    assert R4.from_evidence(resilience_evidence(0.99, 0.0), spec=reg).result.verdict == "partly supported"
    res = R4.from_evidence(resilience_evidence(1.0, 0.0), spec=reg).result
    assert res.verdict == "not supported" and res.sample.n == 61 and res.sample.frequency == "weekly"
    assert res.statistic.unit == "pp a year" and res.statistic.value == pytest.approx(3.0)  # shown in pp a year


def test_r4_credit_measure_choice_rewords_the_rule():
    assert "closed the previous week above the median" in R4.rule_for().statistic
    rule = R4.rule_for({"credit_measure": "change", "min_regime_weeks": 26})
    assert "had risen over the 13 weeks" in rule.statistic and "fewer than 26 weeks" in rule.untestable


def pair_evidence(lo: float, hi: float, hit: float, short: float, long: float) -> r5_pair.R5Evidence:
    """R5 evidence; the mean's interval ``lo``..``hi`` in decimals."""
    e = pd.DataFrame()
    return r5_pair.R5Evidence("", {}, e, est((lo + hi) / 2, lo, hi), hit, long, short, e, e, e,
                              (pd.Timestamp("2017-10-10"), pd.Timestamp("2026-07-13"), 2199))


def test_r5_registered_rule_boundaries():
    """The registered rule as its code ran (its text's 'or the short leg does not do most of the
    work' was never a route to 'partly': the amended rule's text and code are one)."""
    low = r5_pair.CLAIMED_PAIR_LOW_PCT / 100
    share = R5.space["hit_share_min"].default
    reg = {"verdict_rule": "registered", "horizon_days": 126}

    def v(ev, **spec):
        return R5.from_evidence(ev, spec={**reg, **spec}).result.verdict
    assert v(pair_evidence(0.001, low, 0.0, 0.02, 0.01)) == "supported"
    assert v(pair_evidence(0.001, low - 0.001, 0.0, 0.02, 0.01)) == "partly supported"
    assert v(pair_evidence(0.001, low, 0.0, 0.01, 0.02)) == "partly supported"
    assert v(pair_evidence(-0.01, 0.05, share, 0.02, 0.01)) == "partly supported"
    assert v(pair_evidence(-0.01, 0.05, share - 0.01, 0.02, 0.01)) == "not supported"
    assert v(pair_evidence(0.0, 0.05, 0.0, 0.02, 0.01)) == "not supported"
    assert v(pair_evidence(-0.01, 0.05, share - 0.01, 0.01, 0.02)) == "not supported"  # the text's third route: no
    # a lower share threshold: the decision follows
    assert v(pair_evidence(-0.01, 0.05, 0.2, 0.02, 0.01), hit_share_min=0.10) == "partly supported"
    assert "at least 25% of windows" in R5.registered_rule().partly
    res = R5.from_evidence(pair_evidence(0.001, low, 0.0, 0.02, 0.01), spec=reg).result
    assert res.statistic.value == pytest.approx(4.05)


def reversal_evidence(pooled_hi: float, calm: float, tight: float) -> r6_reversal.R6Evidence:
    """R6 evidence; the pooled interval's high end ``pooled_hi`` is in decimals."""
    e = pd.DataFrame()
    evs = pd.DatetimeIndex(["2001-01-02", "2020-03-02"])
    pooled = est(pooled_hi - 0.01, pooled_hi - 0.02, pooled_hi)
    return r6_reversal.R6Evidence("", pd.Series(dtype=float), {"pooled": evs}, e, pooled, None, e, e, e, e, e, None,
                                  e, calm, tight)


def test_r6_registered_rule_boundaries():
    lo = r6_reversal.CLAIMED_RUN_MONTHS[0]
    reg = {"verdict_rule": "registered"}

    def v(ev, **spec):
        return R6.from_evidence(ev, spec={**reg, **spec}).result.verdict
    assert v(reversal_evidence(-0.0001, lo, lo - 0.1)) == "supported"
    assert v(reversal_evidence(0.0, lo, lo - 0.1)) == "partly supported"
    assert v(reversal_evidence(-0.0001, lo - 0.01, 1.0)) == "partly supported"
    assert v(reversal_evidence(-0.0001, lo, lo)) == "partly supported"
    res = R6.from_evidence(reversal_evidence(0.003, 2.2, 2.1), spec=reg).result
    assert res.verdict == "not supported" and res.sample.frequency == "events" and res.sample.start == "2001-01-02"
    assert res.statistic.name == "IJR minus IWM, 10-day event window"
    res = R6.from_evidence(reversal_evidence(0.003, 2.2, 2.1), spec={**reg, "event_days": 21}).result
    assert res.statistic.name == "IJR minus IWM, 21-day event window"


def sector_evidence(spread: float, cyc_ijr: float, def_spy: float) -> r7_sectors.R7Evidence:
    row = dict(zip(r7_sectors.SPREAD_COLUMNS, [spread, cyc_ijr, def_spy, 0.0], strict=True))
    spreads = pd.DataFrame([row], index=["2026 to date"])
    return r7_sectors.R7Evidence("", DAY, pd.DataFrame(), spreads, (spread - 0.09, spread + 0.09, "t"), 131,
                                 first_day=pd.Timestamp("2026-01-02"))


def test_r7_rule_boundaries():
    assert R7.from_evidence(sector_evidence(0.01, 0.001, -0.001)).result.verdict == "supported"
    assert R7.from_evidence(sector_evidence(0.01, 0.001, 0.0)).result.verdict == "partly supported"
    assert R7.from_evidence(sector_evidence(0.01, 0.0, -0.001)).result.verdict == "partly supported"
    assert R7.from_evidence(sector_evidence(0.01, -0.001, 0.001)).result.verdict == "not supported"
    assert R7.from_evidence(sector_evidence(0.0, 0.001, -0.001)).result.verdict == "not supported"
    res = R7.from_evidence(sector_evidence(0.117, 0.001, -0.001)).result
    assert res.statistic.value == pytest.approx(11.7) and res.note.startswith("Cyclicals minus defensives 11.7 pp")


def test_rules_cover_every_claim_and_state_the_claimed_numbers():
    assert [c.id for c in R.CLAIMS] == ["R1", "R2", "R3", "R4", "R5", "R6", "R7"]
    rules = {c.id: c.rule_for() for c in R.CLAIMS}
    assert "8.5 pp" in rules["R1"].claim and "4.6%" in rules["R2"].claim and "3.3" in rules["R2"].claim
    assert "8-12%" in rules["R5"].claim and "3-6 months" in rules["R6"].claim
    assert all(r.untestable for r in rules.values())
    assert all(c.chapter == "rotation" and c.heading for c in R.CLAIMS)
    assert "(PSCI, PSCD, PSCF, PSCM, PSCE)" in rules["R7"].statistic
    assert "(PSCI, PSCD)" in R7.rule_for({"cyclicals": "PSCI, PSCD"}).statistic


def test_spec_choices_are_checked_with_one_line_errors():
    with pytest.raises(ParameterError, match=r"^R6 spec rates_rally_bp='abc' is not a float; valid: 25.0, 50.0$"):
        R6.check_spec({"rates_rally_bp": "abc"})
    with pytest.raises(ParameterError, match=r"^R6 spec event_days=0 is out of range; valid: 1 to 63$"):
        R6.check_spec({"event_days": 0})
    with pytest.raises(ParameterError, match=r"^R6 spec vix_spike_pct=-5.0 is out of range; valid: above 0$"):
        R6.check_spec({"vix_spike_pct": -5})
    with pytest.raises(ParameterError, match=r"^R6 has no spec choice 'rally_bp'; valid: rates_rally_bp, "):
        R6.check_spec({"rally_bp": 30})
    assert R6.check_spec({"rates_rally_bp": 25, "vix_spike_pct": 40, "event_days": 10}).is_default  # the notebook's
    with pytest.raises(ParameterError, match=r"^R1 spec pair='IWM-XYZ' is out of range; valid: IWM-SPY, "):
        R1.rule_for({"pair": "IWM-XYZ"})
    with pytest.raises(ParameterError, match=r"^R3 spec agree_min=6 is out of range; valid: 1 to 5$"):
        R3.rule_for({"agree_min": 6})
    with pytest.raises(ParameterError, match=r"^R7 spec cyclicals='XLK' is out of range; valid: comma-separated"):
        R7.rule_for({"cyclicals": "XLK"})
    with pytest.raises(ParameterError, match=r"^R5 spec hit_share_min=1.5 is out of range"):
        R5.rule_for({"hit_share_min": 1.5})
    with pytest.raises(ParameterError, match=r"^R4 spec credit_measure='both' is out of range; valid: level, change$"):
        R4.rule_for({"credit_measure": "both"})
    with pytest.raises(ParameterError, match=r"^R2 spec tolerance_pp=2.0 is out of range"):
        R2.rule_for({"tolerance_pp": 2})
    with pytest.raises(ParameterError, match=r"^R2 spec verdict_rule='old' is out of range; valid: amended, registered$"):
        R2.rule_for({"verdict_rule": "old"})
    assert R6.space.size() == 1 + 1 + 2 + 2 + 1 + 1
    labels = [s.label for s in R5.space.variants()]
    assert labels == ["default", "horizon_days=registered: two quarters", "hit_share_min=10% of windows",
                      "hit_share_min=half of windows", "min_pair_days=one year", "verdict_rule=registered rule"]


def test_tables_blank_missing_and_note_an_empty_window():
    ev = quality_evidence(0.001, -0.01, 4)
    ev.calendar = pd.DataFrame({"2024": [0.01234, np.nan]}, index=["IJR", "OUSM"])
    t = R3.from_evidence(ev).calendar_table()
    assert t["IJR"].tolist() == [1.2] and t["OUSM"].tolist() == [""]
    regimes = pd.DataFrame([{"definition": "spread level", "regime": "tight", "mean excess": 0.01234, "ci_low": 0.0,
                             "ci_high": 0.02, "weeks": 60, "downside capture": 0.8}])
    shown = R4._regime_display(regimes)
    assert shown.loc[("spread level", "tight"), "mean excess (pp a year)"] == 1.23
    assert "No rows" in repr(R4._regime_display(pd.DataFrame()))
    assert isinstance(R4._regime_display(pd.DataFrame()), Text)


# -- the chapter on the reference snapshot -------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_inputs(tmp_path_factory, snapshot_dir):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return R.load_inputs(ds)


FULL = window("1926-07-01", "2026-07-13")


def test_inputs_are_whole_and_cut_per_window(snapshot_inputs):
    inp = snapshot_inputs
    assert inp.close.index.min() < pd.Timestamp("1995-01-01") and inp.close.index.max() == pd.Timestamp("2026-07-14")
    assert inp.last_common_date() == pd.Timestamp("2026-07-13")
    cut = inp.cut(window("2010-01-01", "2019-12-31"))
    assert cut.close.index.min() >= pd.Timestamp("2010-01-01") and cut.close.index.max() <= pd.Timestamp("2019-12-31")
    assert str(cut.french["factors"].index.min()) == "2010-01" and str(cut.french["factors"].index.max()) == "2019-12"
    assert list(cut.french["smb_annual"].index) == list(range(2010, 2020))  # whole calendar years inside
    assert inp.cut(window("2010-01-01", "2019-12-31")) is cut  # once per window
    # the reading date: the last day on or before as_of on which every ETF the claim needs quotes
    assert inp.cut(FULL).reading_date(["IWM", "SPY"], "2026-07-14") == pd.Timestamp("2026-07-13")
    assert inp.cut(window("2026-01-01", "2026-07-14")).reading_date(["IWM", "DES"], "2026-07-14") == \
        pd.Timestamp("2026-07-13")  # DES's last close
    assert inp.coverage() == (pd.Timestamp("1926-07-01"), pd.Timestamp("2026-07-14"))


def test_snapshot_r1_r2_numbers(snapshot_inputs):
    r1 = R1(snapshot_inputs, FULL)
    ev = r1.evidence
    assert ev.reading_date == pd.Timestamp("2026-07-13")
    assert r1.lead == pytest.approx(0.0927, abs=0.0001)
    assert r1.first_reached == pd.Timestamp("2026-01-22")
    assert ev.prior.loc["IWM-SPY", "years small trailed"] == 5
    assert ev.calendar.loc[2024, "IWM-SPY"] == pytest.approx(0.114 - 0.249, abs=0.001)
    assert r1.result.verdict == "supported"
    facts = r1.facts()
    assert facts["r1_lead_abs"].text() == "9.3" and facts["r1_exceeded"].text() == "exceeded"
    assert facts["r1_wealth_iwm"].text() == "31% below" and facts["r1_pct_etf_ordinal"].text() == "96th"
    r2 = R2(snapshot_inputs, FULL)
    assert r2.evidence.ousm == pytest.approx(0.0957, abs=0.0001)
    assert [d.date().isoformat() for d in r2.evidence.matches] == ["2026-04-08", "2026-05-19"]
    assert r2.result.verdict == "partly supported" and r2.testable  # 4.6% verified, industrials' share untestable


def test_snapshot_r3_french_lens(snapshot_inputs):
    r3 = R3(snapshot_inputs, FULL)
    row = r3.evidence.french.loc["small high minus low profitability (value weighted)"]
    assert (row["first"], row["last"], row["months"]) == ("1963-07", "2024-12", 738)
    assert row["mean a year"] == pytest.approx(0.0338, abs=0.0001)
    assert r3.evidence.french.loc["positive minus negative earnings (value weighted)", "last"] == "2023-02"
    assert r3.evidence.basket_prior == pytest.approx(-0.107, abs=0.0005)
    assert r3.evidence.basket_year == pytest.approx(-0.0326, abs=0.0001)
    assert r3.result.verdict == "not supported"
    assert r3.flags()["r3_longrun_some"] and r3.facts()["r3_longrun_paid"].text() == "small-cap profitability"


def test_notebook_cites_every_fact_and_only_facts_and_flags_the_claims_record(snapshot_inputs):
    """Glue completeness: the keys the Markdown cites are exactly the facts glued on the published
    window (no dead keys, no missing ones), and every condition of a paragraph is a recorded flag."""
    import re

    import nbformat

    from smallcaps.book.prose import flag_names

    nb = nbformat.read(Path(__file__).resolve().parents[1] / "book" / "rotation.ipynb", 4)
    cited = {k for c in nb.cells if c.cell_type == "markdown" for k in re.findall(r"\{glue:md\}`([^`]+)`", c.source)}
    cut = snapshot_inputs.cut(FULL)
    claims = [cls(snapshot_inputs, FULL) for cls in R.CLAIMS]
    facts = [k for src in (snapshot_inputs, cut, *claims) for k in src.facts()]
    assert len(facts) == len(set(facts))  # each key glued once
    assert set(facts) == cited
    flags = {k for src in (cut, *claims) for k in src.all_flags()}
    assert flag_names(nb) <= flags
    # facts and flags are keyed literally in the claims' modules (no f-string-built keys)
    src = "".join((Path(R.__file__).parent / f).read_text() for f in ("inputs.py", *(f"r{i}_{n}.py" for i, n in
                  enumerate(("lead", "ousm", "quality", "resilience", "pair", "reversal", "sectors"), 1))))
    own_flags = flags - {c.section for c in claims}  # "r1"...: the base's flag "the window decides the claim"
    assert [k for k in set(facts) | own_flags if f'"{k}"' not in src] == []


def test_evaluate_many_equals_the_committed_results(snapshot_inputs, snapshot_dir, tmp_path):
    from smallcaps.claims import evaluate_many
    from smallcaps.data import DataSession

    committed = json.loads((Path(__file__).resolve().parents[1] / "book" / "rotation.results.json").read_text())
    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    fresh = evaluate_many([c.id for c in R.CLAIMS], data=ds)
    assert {cid: r.to_dict() for cid, r in fresh.items()} == {c["id"]: c for c in committed["claims"]}
    # the notebook's own parameters are R6's default specification
    params = committed["parameters"]
    assert R6.check_spec({k: params[k] for k in ("rates_rally_bp", "vix_spike_pct", "event_days")}).is_default


def test_snapshot_window_before_2026_is_untestable_not_an_error(snapshot_inputs):
    w = window("2010-01-01", "2019-12-31")
    for cls in (R1, R2, R3, R7):
        claim = cls(snapshot_inputs, w)
        res = claim.result
        assert res.verdict == UNTESTABLE and "no 2026" in res.note
        assert not claim.testable and claim.all_flags()[claim.section] is False
    r5 = R5(snapshot_inputs, w).result  # the trade from 2026 is untestable; French's legs are in the window
    assert r5.sample.end == "2019-12" and "The trade from 2026-01-15 is untestable here" in r5.note


def test_bad_window_fails_with_one_line(tmp_path, snapshot_dir):
    from smallcaps.book.chapter import Chapter

    ch = Chapter.open("rotation", "t", start="1926-07-01", end="2030-01-01", data_mode="offline",
                      snapshot=snapshot_dir, store=tmp_path / "store")
    inp = R.load_inputs(ch.data)
    with pytest.raises(ParameterError, match=r"^end=2030-01-01 is after the last date of the chapter's data; valid: "
                                             r"1926-07-01\.\.2026-07-14$"):
        ch.coverage_check(*inp.coverage(), "the chapter's data")
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
    # R5's trade needs 2026 (untestable part: partly supported at most); its legs come from French's data
    assert claims["R5"]["verdict"] in ("partly supported", "inconclusive", "not supported")
    assert claims["R5"]["sample"]["end"] == "2019-12"
    assert all(c["note"] for c in claims.values())


def test_book_frame_merges_intervals_names_columns_and_keeps_values():
    t = pd.DataFrame({"mean (pp)": [1.234, -0.5], "ci_low": [0.06, -1.04], "ci_high": [2.0, 0.2],
                      "beta": [0.9, 1.0], "beta ci_low": [0.854, 0.9], "beta ci_high": [0.95, 1.1],
                      "max_drawdown": [-37.87, -40.0], "n": [483, 483]}, index=pd.Index([2017, 2018], name="year"))
    shown = R.book_frame(t)
    assert list(shown.columns) == ["mean (pp)", "95% CI", "beta", "beta 95% CI", "max drawdown (%)", "weeks"]
    assert shown["95% CI"].tolist() == ["0.1 to 2.0", "-1.0 to 0.2"]  # pp: one decimal, as the mean
    assert shown["beta 95% CI"].tolist() == ["0.85 to 0.95", "0.90 to 1.10"]  # a ratio: two
    assert shown.index.tolist() == ["2017", "2018"] and shown["mean (pp)"].tolist() == [1.234, -0.5]
    halves = pd.DataFrame({"x": [1.0]}, index=pd.MultiIndex.from_tuples([("2017-04-21..2021-12-03", 5)]))
    assert R.book_frame(halves).index.tolist() == [("2017-04-21 to 2021-12-03", "5")]
    stress = R.book_frame(pd.DataFrame({"pp a year": [-14.43], "ci_low": [-27.9], "ci_high": [-0.96], "weeks": [61.0]}))
    assert stress["95% CI"].tolist() == ["-27.9 to -1.0"] and stress["weeks"].tolist() == [61]
    note = Text("*No rows in this run's window.*")
    assert R.book_frame(note) is note
