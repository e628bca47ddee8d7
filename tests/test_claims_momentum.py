"""The momentum chapter's analytics, rules and verdicts (claims M1-M5).

Unit tests use small hand-made series whose answers are worked out in the comments; the book
test re-runs the chapter on 1929-1995 through the runner, as a reader would with
``smallcaps run --start 1929-01-01 --end 1995-12-31 --chapters momentum``.
"""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from smallcaps import stats
from smallcaps.analytics import breadth as br
from smallcaps.analytics import momentum as am
from smallcaps.book.results import UNTESTABLE
from smallcaps.claims import momentum as mom
from smallcaps.errors import DataError, ParameterError

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


# -- regime definitions ----------------------------------------------------------------------------------------


def test_regime_spec_rejects_out_of_range_parameters_in_one_line():
    with pytest.raises(ParameterError, match=r"market_lookback=0 is out of range; valid: whole numbers 3\.\.120"):
        mom.RegimeSpec(market_lookback=0)
    with pytest.raises(ParameterError, match="credit_measure='spread'.*valid: change, level"):
        mom.RegimeSpec(credit_measure="spread")
    with pytest.raises(ParameterError, match="breadth_lookback=2.5"):
        mom.RegimeSpec(breadth_lookback=2.5)


def test_regime_spec_alternative_is_fixed():
    alt = mom.RegimeSpec().alternative()
    assert (alt.market_lookback, alt.vol_measure, alt.credit_measure, alt.rates_measure, alt.breadth_lookback,
            alt.lead_months) == (36, "vix", "level", "level", 126, 3)
    assert mom.RegimeSpec(market_lookback=36).alternative().market_lookback == 24
    assert mom.RegimeSpec().labels()["credit"] == ("widening", "narrowing")
    assert alt.labels()["rates"] == ("high", "low")


def test_index_switch_constant():
    assert mom.XSMO_INDEX_SWITCH == pd.Timestamp("2019-06-24")
    assert mom.REINDEXED["XSMO"][0] == mom.XSMO_INDEX_SWITCH


def test_century_regimes_are_known_before_the_month():
    idx = pd.period_range("1990-01", periods=40, freq="M")
    mkt = pd.Series(0.01, index=idx)
    mkt.iloc[30] = -0.5  # a crash in month 31
    inp = SimpleNamespace(
        factors=pd.DataFrame({"market": mkt}), vix=pd.Series(dtype=float),
        credit=pd.Series(np.arange(40, dtype=float), index=idx),  # always widening
        gs10=pd.Series(np.r_[np.arange(20), np.arange(20)[::-1]].astype(float), index=idx),
        momentum=pd.DataFrame({"small": 0.0}, index=idx))
    labs = mom.century_regimes(inp, mom.RegimeSpec(market_lookback=3, credit_lookback=1, rates_lookback=1))
    # the crash in month index 30 turns the state down from the next month, not the same month
    assert labs["market state"].iloc[30] == "up" and labs["market state"].iloc[31] == "down"
    assert labs["market state"].iloc[33] == "down" and labs["market state"].iloc[34] == "up"
    # credit rises from month 1; direction at month 1 is known for month 2
    assert labs["credit"].isna().iloc[:2].all() and (labs["credit"].iloc[2:] == "widening").all()
    # the yield peaks at index 19; falling from index 20 is first used at index 21
    assert labs["rates"].iloc[20] == "rising" and labs["rates"].iloc[21] == "falling"


# -- verdicts: rule boundaries ----------------------------------------------------------------------------------

INP = SimpleNamespace(vintages={"yahoo": "Yahoo test", "french6": "CRSP test", "ff": "CRSP test"})


def _gaps(values):
    peers = list(mom.PEERS)[: len(values)]
    return pd.DataFrame({"gap": values, "ci_low": [v - 5 for v in values], "ci_high": [v + 5 for v in values],
                         "t": 1.0, "days": 500, "from": "2016-12-30", "to": "2019-01-02"},
                        index=pd.Index(peers, name="peer"))


@pytest.mark.parametrize("values, verdict", [
    ([1.0, 2.0, 3.0, 4.0], "supported"),
    ([1.0, 2.0, -3.0, -4.0], "partly supported"),  # exactly half
    ([1.0, -2.0, -3.0, -4.0], "not supported"),
    ([1.0, 2.0, 3.0, 0.0], "partly supported"),  # a zero gap is not a win
])
def test_m1_verdict_counts_wins(values, verdict):
    ev = mom.FundEvidence(True, "", gaps={"since 2017": _gaps(values)})
    r = mom.m1_verdict(ev, INP)
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(min(values))
    assert r.sample.n == 500 and r.sample.frequency == "daily"


def test_m1_and_m2_untestable_carry_the_reason():
    ev = mom.FundEvidence(False, "The window ends before XSMO's first price.")
    for f in (mom.m1_verdict, mom.m2_verdict):
        r = f(ev, INP)
        assert r.verdict == UNTESTABLE and r.note == ev.reason and r.statistic.value is None


@pytest.mark.parametrize("ijr, ijt, verdict", [
    ((-0.3, -3.6, 2.9), (-0.7, -3.5, 2.1), "supported"),
    ((-0.3, -3.6, 2.9), (0.7, -2.1, 3.5), "partly supported"),
    ((3.0, 0.5, 5.5), (-0.7, -3.5, 2.1), "partly supported"),  # IJR interval excludes zero: no match
    ((3.0, 0.5, 5.5), (0.7, -2.1, 3.5), "not supported"),
])
def test_m2_verdict(ijr, ijt, verdict):
    g = pd.DataFrame([ijt, ijr], columns=["gap", "ci_low", "ci_high"], index=["IJT", "IJR"]).assign(
        days=1000, **{"from": "2005-03-03", "to": "2010-01-04"})
    r = mom.m2_verdict(mom.FundEvidence(True, "", gaps={"since inception": g}), INP)
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(ijt[0])


SIG = _est(-0.5, -0.9, -0.1)
NOT = _est(-0.5, -0.9, 0.1)


@pytest.mark.parametrize("breadth, rates, credit, verdict, head", [
    (SIG, SIG, SIG, "supported", -0.5 * 25200),
    (NOT, SIG, NOT, "partly supported", -0.5 * 25200),
    (NOT, NOT, NOT, "not supported", -0.5 * 25200),
    (None, SIG, SIG, "partly supported", -0.5 * 1200),  # breadth untestable: cannot be fully supported
    (None, None, None, UNTESTABLE, None),
])
def test_m3_verdict_counts_named_conditions(breadth, rates, credit, verdict, head):
    century = {"rates": _test(rates), "credit": _test(credit)}
    recent = {"S&P 600 breadth": _test(breadth)}
    r = mom.m3_verdict(century, recent, INP)
    assert r.verdict == verdict
    if head is None:
        assert r.statistic.value is None and "would decide" in r.note
    else:
        assert r.statistic.value == pytest.approx(head)
        assert r.sample.frequency == ("daily" if breadth is not None else "monthly")


def _risk_appetite(alpha: float, beta: float, seed: int = 0) -> mom.RiskAppetite:
    idx = pd.period_range("1990-01", periods=240, freq="M")
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({"market excess return": rng.normal(0, 0.04, 240), "VIX change": rng.normal(0, 3, 240),
                      "credit spread change": rng.normal(0, 0.1, 240)}, index=idx)
    y = alpha + beta * X["market excess return"] + rng.normal(0, 0.01, 240)
    res = stats.ols_hac(y, X)
    return mom.RiskAppetite(True, "", "with VIX", res, None, idx[0], idx[-1], 240, idx)


@pytest.mark.parametrize("alpha, beta, verdict", [
    (0.0, 0.8, "supported"),  # no alpha, rides the market
    (0.02, 0.8, "partly supported"),  # alpha and risk-on slope
    (0.0, -0.8, "partly supported"),  # no alpha, no risk-on slope
    (0.02, -0.8, "not supported"),  # alpha and leans against the market
])
def test_m4_verdict(alpha, beta, verdict):
    ra = _risk_appetite(alpha, beta)
    r = mom.m4_verdict(ra, INP)
    assert r.verdict == verdict
    assert r.statistic.value == pytest.approx(1200 * ra.result.params["const"])
    assert r.sample.n == 240 and r.sample.start == "1990-01-01" and r.sample.end == "2009-12-31"


def test_m4_untestable_with_too_few_months():
    r = mom.m4_verdict(mom.RiskAppetite(False, "12 months with all regressors (with VIX) in the window; need 60"), INP)
    assert r.verdict == UNTESTABLE and "need 60" in r.note


def _leadership(follow, give):
    return mom.Leadership(_test(follow), _test(give), "smb", *(pd.Series(dtype=float),) * 4)


def test_m5_verdict_never_supported_without_short_interest():
    pos, neg = _est(0.5, 0.1, 0.9), _est(-0.5, -0.9, -0.1)
    assert mom.m5_verdict(_leadership(pos, neg), INP).verdict == "partly supported"
    assert mom.m5_verdict(_leadership(pos, _est(0.5, 0.1, 0.9)), INP).verdict == "partly supported"
    assert mom.m5_verdict(_leadership(neg, _est(0.5, 0.1, 0.9)), INP).verdict == "not supported"
    r = mom.m5_verdict(_leadership(None, neg), INP)
    assert r.verdict == UNTESTABLE and "short interest" in r.note


def test_rules_state_defaults_before_evidence():
    rules = mom.rules()
    assert set(rules) == {"M1", "M2", "M3", "M4", "M5"}
    assert "63 trading days" in rules["M3"].hypothesis and "previous 12 months" in rules["M3"].hypothesis
    assert "126 trading days" in mom.rules(mom.RegimeSpec(breadth_lookback=126))["M3"].hypothesis
    assert "previous 3 months" in mom.rules(mom.RegimeSpec(lead_months=3))["M5"].hypothesis


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


def test_regime_table_shows_pp_a_year_and_orders_variants():
    t = am.RegimeTest("down", "up", -0.01, 0.005, _est(-0.015, -0.025, -0.005), _est(-0.015, -0.03, -0.001),
                      120, 480, MONTHS[0], MONTHS[-1])
    row = mom.regime_table({"market state": t}).loc["market state"]
    # monthly decimals times 1200: -0.01 -> -12.0 pp a year; difference -18.0 (-30.0 to -6.0)
    assert row["means"] == "-12.0 | 6.0"
    assert row["difference"] == pytest.approx(-18.0)
    assert row["95% HAC CI"] == "-30.0 to -6.0" and row["95% bootstrap CI"] == "-36.0 to -1.2"
    assert row["both below 0"] == "yes" and row["periods"] == "120 | 480"
    rows = [mom._variant_row("rates", "default", t, 1200.0), mom._variant_row("market state", "default", t, 1200.0),
            mom._variant_row("rates", "alternative", t, 1200.0)]
    frame = mom._variant_frame(rows, ["market state", "rates"])
    assert list(frame.index) == [("market state", "default"), ("rates", "default"), ("rates", "alternative")]
    assert mom._robust_sentence(frame, "significant").startswith("Market state: same sign in 1 of 1 variants")
