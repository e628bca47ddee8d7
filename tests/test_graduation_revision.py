"""The graduation chapter after the referee revision (issue 13): the new analytics on hand-worked
examples (quarter-clustered bootstrap, run-up by event, calendar-time portfolio, ex-post
winners, one-year cohorts), the amended rules at their boundaries, each amended claim's
registered test reproducing the committed results of commit 7cacd59 exactly, the referee's
numbers where the construction is the referee's, and the published anchors.

The registered values below are those of ``git show 7cacd59:book/graduation.results.json``
(the results before the amendments), copied here so the test runs on a shallow checkout.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import graduation as ga
from smallcaps.claims import graduation as grad
from smallcaps.claims.contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE
from smallcaps.claims.graduation import G1
from smallcaps.claims.graduation import registered as reg
from smallcaps.data import DataSession
from smallcaps.errors import DataError
from smallcaps.params import window
from smallcaps.stats import cluster_bootstrap

#: The committed results before the amendments (7cacd59): verdict, value, interval, method.
REGISTERED = {
    "G1": ("supported", 86.0436, 80.7375, 90.5804, "stationary bootstrap, mean block 1.0, 2000 draws"),
    "G2": ("partly supported", 8.81028, -15.2956, 37.3985, "stationary bootstrap, mean block 1.0, 2000 draws"),
    "G4": ("untestable with available data", None, None, None, ""),
    "G5": ("untestable with available data", 12.8548, 8.56422, 17.1453, "HAC (Newey-West, 11 lags)"),
}
WINDOW = window("2004-12-30", "2026-07-13")


@pytest.fixture(scope="module")
def inputs(snapshot_dir, tmp_path_factory):
    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return grad.load_inputs(ds)


def month_ends(start, n):
    return pd.date_range(start, periods=n, freq="ME")


# -- the quarter-clustered bootstrap ----------------------------------------------------------------------


def test_cluster_bootstrap_draws_whole_clusters():
    # each cluster's mean is 5: however clusters are drawn, the mean is 5 (an event bootstrap would vary)
    x = pd.Series([0.0, 10.0, 5.0, 5.0, 4.0, 6.0])
    e = cluster_bootstrap(x, ["a", "a", "b", "b", "c", "c"], what="calendar quarters")
    assert (e.value, e.ci_low, e.ci_high, e.se) == (5.0, 5.0, 5.0, 0.0)
    assert e.method == "bootstrap over 3 calendar quarters, 2000 draws" and e.n == 6


def test_cluster_bootstrap_spread_is_that_of_the_cluster_means():
    # three equal clusters with means 1, 3, 5: a draw is the mean of three cluster means drawn with
    # replacement, whose standard deviation is sqrt(var / 3) with the population variance 8/3
    x = pd.Series([1.0, 1.0, 3.0, 3.0, 5.0, 5.0])
    e = cluster_bootstrap(x, ["q1", "q1", "q2", "q2", "q3", "q3"])
    assert e.value == 3.0 and e.se == pytest.approx(math.sqrt(8 / 9), abs=0.04)
    # all three draws from one cluster has probability 1/27 (3.7%), more than 2.5%: the ends are 1 and 5
    assert (e.ci_low, e.ci_high) == (1.0, 5.0)
    with pytest.raises(DataError, match="need at least 3"):
        cluster_bootstrap(x, ["a", "a", "a", "b", "b", "b"])
    # a statistic of a frame (a ratio of sums) is resampled the same way
    f = pd.DataFrame({"num": [1.0, 1.0, 2.0, 2.0], "den": [2.0, 2.0, 4.0, 4.0]})
    r = cluster_bootstrap(f, [1, 2, 3, 4], lambda a: a[:, 0].sum() / a[:, 1].sum())
    assert (r.value, r.ci_low, r.ci_high) == (0.5, 0.5, 0.5)


def test_quarters_group_moves_by_calendar_quarter():
    from smallcaps.claims.graduation.events import p_text, quarters

    q = quarters(pd.to_datetime(["2024-01-02", "2024-03-31", "2024-04-01"]))
    assert list(q) == ["2024Q1", "2024Q1", "2024Q2"]
    assert (p_text(0.0004), p_text(0.01234), p_text(None)) == ("below 0.001", "0.012", None)


# -- G1 ------------------------------------------------------------------------------------------------


def test_g1_registered_rule_is_the_published_one():
    assert G1.registered_rule() is reg.G1 and G1.amendments[0].date == reg.AMENDED
    assert G1.amendments[0].registered_spec == {"resampling": "events", "verdict_rule": "registered"}
    box = G1.rule_for().markdown()
    assert box.startswith("**Rule for G1, amended on 2026-11-26 (registered rule below).**")
    assert reg.G1.text() in box and "calendar quarters" in G1.rule_for().statistic
    assert G1.rule_for().supported.endswith("(mechanical: graduates are ranked by past return)")
    assert G1.rule_for().inconclusive == "the mean rank is above 50 but the interval's lower end is not"


def test_g1_on_the_snapshot(inputs):
    g1 = G1(inputs, WINDOW)
    r = g1.result
    st = r.statistic
    # the referee's quarter-clustered interval is (79.8, 91.5) over 18 quarters; the upper end here is 91.7 (another
    # set of 2,000 draws: the interval's ends move by about 0.2 between seeds)
    assert r.verdict == SUPPORTED and st.value == pytest.approx(86.0436, abs=1e-4)
    assert st.ci_low == pytest.approx(79.8, abs=0.1) and st.ci_high == pytest.approx(91.5, abs=0.25)
    assert st.method == "bootstrap over 18 calendar quarters, 2000 draws"
    assert st.p_value < 0.001 and st.mde == pytest.approx(7.4, abs=0.1)
    ev = g1.evidence
    # the survivorship lower bound (referee: 73.5, CI 65.0-81.9 on events; 65.7-80.6 on quarters) gives partly
    assert ev.bound_low.value == pytest.approx(73.49, abs=0.01)
    assert g1.verdict_for(ev.bound_low, ev.tail_stays) == PARTLY
    assert "the mean rank is 73.5 (66 to 81), below the 75 bar: the verdict would be partly supported" in r.note
    # the tail against its base rate: 81.6% of the bottom quintile stays, 93-96% of the others (mean 94.4%)
    assert ev.tail_stays.value == pytest.approx(0.8162, abs=1e-4) and ev.base_rate == pytest.approx(0.944, abs=1e-3)
    assert ev.tail_gap.value == pytest.approx(-0.127, abs=1e-3) and ev.tail_gap.ci_high < 0
    assert r.note.startswith("Mechanical: moves follow market capitalisation")
    # the registered test, reproduced exactly
    v, value, lo, hi, method = REGISTERED["G1"]
    old = r.registered
    assert old["verdict"] == v and old["statistic"]["method"] == method
    assert (old["statistic"]["value"], old["statistic"]["ci_low"], old["statistic"]["ci_high"]) == (value, lo, hi)
    assert r.rule_status == "amended" and r.amendments[0]["old_rule"] == reg.G1.text()



# -- G2: the analytics on hand-worked examples --------------------------------------------------------------


def test_runup_by_event_adds_up_to_the_pooled_split():
    idx = month_ends("2020-01-31", 24)
    a = pd.Series(100.0, index=idx)
    a.loc["2020-07-31":] = 150.0
    a.loc["2020-12-31":] = 300.0
    prices = pd.DataFrame({"A": a, "B": 100.0 * 1.01 ** np.arange(24)}, index=idx)
    etf = pd.DataFrame({"IJR": 10.0}, index=idx)
    ev = pd.DataFrame({"ticker": ["A", "B"], "date": pd.to_datetime(["2021-01-15", "2021-01-15"]), "benchmark": "IJR",
                       "origin": "sp600"})
    st = ga.event_study(ev, prices, etf, pre=10, post=0)
    pidx = month_ends("2020-05-31", 9)
    panel = pd.DataFrame({"A": pidx >= pd.Timestamp("2020-10-31"), "B": True}, index=pidx)
    per = ga.runup_by_event(st, {"sp600": panel})
    a_row = per.loc[st.events.index[st.events["ticker"] == "A"][0]]
    # A: +50% in July 2020 before joining (October), x2 in December inside
    assert a_row["not yet in it"] == pytest.approx(math.log(1.5)) and a_row["in the origin index"] == pytest.approx(
        math.log(2.0))
    b_row = per.loc[st.events.index[st.events["ticker"] == "B"][0]]
    # B: +1% a month for 10 months; March-May 2020 start before the panel (unknown), June-December inside
    assert b_row["unknown (before coverage)"] == pytest.approx(3 * math.log(1.01))
    assert b_row["in the origin index"] == pytest.approx(7 * math.log(1.01))
    pooled = ga.runup_by_membership(st, {"sp600": panel})
    assert pooled["log_relative"].to_numpy() == pytest.approx(per[list(ga.STATUSES)].sum().to_numpy())
    assert pooled.at["not yet in it", "share"] == pytest.approx(math.log(1.5) / per["total"].sum())


def test_calendar_time_portfolio_holds_each_mover_after_its_move():
    idx = month_ends("2020-01-31", 12)
    # A +10% a month, B +20% a month, the benchmark flat
    prices = pd.DataFrame({"A": 100 * 1.1 ** np.arange(12), "B": 100 * 1.2 ** np.arange(12)}, index=idx)
    etf = pd.DataFrame({"IJR": 10.0}, index=idx)
    ev = pd.DataFrame({"ticker": ["A", "B"], "date": pd.to_datetime(["2020-04-10", "2020-06-05"]), "benchmark": "IJR"})
    st = ga.event_study(ev, prices, etf, pre=1, post=3)
    cal = ga.calendar_time(st, idx, 3)
    # A's t0 is March: held April-June; B's t0 is May: held June-August
    assert [d.strftime("%Y-%m") for d in cal.index] == ["2020-04", "2020-05", "2020-06", "2020-07", "2020-08"]
    assert list(cal["n"]) == [1, 1, 2, 1, 1]
    assert cal["excess"].to_numpy() == pytest.approx([0.10, 0.10, 0.15, 0.20, 0.20])
    assert (cal["benchmark"] == 0).all() and cal["portfolio"].equals(cal["excess"])
    with pytest.raises(DataError, match="horizon must be 1..3"):
        ga.calendar_time(st, idx, 4)


def test_winner_flags_pick_the_best_forward_returns_with_hindsight():
    idx = month_ends("2020-01-31", 6)
    growth = {"A": 1.00, "B": 1.05, "C": 1.10, "D": 0.95, "E": 1.02}
    prices = pd.DataFrame({t: 100 * g ** np.arange(6) for t, g in growth.items()}, index=idx)
    rets = prices / prices.shift(1) - 1
    members = pd.DataFrame(True, index=idx[1:], columns=list(growth))
    flags = ga.winner_flags(rets, members, prices, share=0.4, months=2)
    # 5 priced members, 40%: 2 names, the best two over the next 2 months (C and B), while forward returns exist
    assert flags.loc["2020-02-29"].to_dict() == {"A": False, "B": True, "C": True, "D": False, "E": False}
    # June's start is May's end, and prices stop in June: no 2-month return, so no flag
    assert flags.loc["2020-05-31"].sum() == 2 and flags.loc["2020-06-30"].sum() == 0


def test_cohort_gaps_freeze_june_rosters_and_bound_the_unpriced():
    idx = month_ends("2020-06-30", 13)  # June 2020 to June 2021
    prices = pd.DataFrame({"A": 100 * 1.01 ** np.arange(13), "B": 100 * 1.02 ** np.arange(13),
                           "C": 100.0, "D": np.nan}, index=idx)
    panel = pd.DataFrame({"A": True, "B": idx < pd.Timestamp("2020-11-30"), "C": idx >= pd.Timestamp("2020-11-30"),
                          "D": idx < pd.Timestamp("2020-09-30")}, index=idx)
    etf = pd.Series(50.0, index=idx, name="IJR")
    c = ga.cohort_gaps(prices, panel, etf, years=1, month=6)
    assert len(c) == 1 and c.at[0, "start"] == pd.Timestamp("2020-06-30")
    assert c.at[0, "end"] == pd.Timestamp("2021-06-30")
    assert (c.at[0, "roster"], c.at[0, "priced"]) == (3, 2)  # D is a member without prices
    frozen = 1.015 ** 12 - 1  # A and B all year (rebalanced)
    index = 1.015 ** 5 * 1.005 ** 7 - 1  # A and B to November, A and C from December (B dropped at November's end)
    assert c.at[0, "frozen"] == pytest.approx(frozen) and c.at[0, "index"] == pytest.approx(index)
    assert c.at[0, "gap"] == pytest.approx(frozen - index)
    assert c.at[0, "gap_low"] == pytest.approx((2 / 3) * (1 + frozen) - 1 - index)  # D lost in the first month
    assert c.at[0, "gap_etf"] == pytest.approx((1 + (2 / 3) * 0.015) ** 12 - 1 - index)  # D earns the flat ETF
    assert ga.cohort_gaps(prices, panel, etf, years=2).empty  # no whole horizon inside the panel


def test_t_interval_and_its_minimum_detectable_mean():
    from scipy import stats as sps
    from statsmodels.stats.power import TTestPower

    from smallcaps.claims.graduation.g2_late import t_interval, t_mde

    e = t_interval(pd.Series([1.0, 2.0, 3.0]))
    q = sps.t.ppf(0.975, 2)
    assert (e.value, e.se) == (2.0, pytest.approx(1 / math.sqrt(3)))
    assert (e.ci_low, e.ci_high) == (pytest.approx(2 - q / math.sqrt(3)), pytest.approx(2 + q / math.sqrt(3)))
    assert e.t == pytest.approx(2 * math.sqrt(3)) and e.method == "t interval over 3 cohorts"
    d = TTestPower().solve_power(nobs=3, alpha=0.05, power=0.8, alternative="larger")
    assert t_mde(e) == pytest.approx(d * 1.0)  # effect size times the standard deviation (1)
    assert t_interval(pd.Series([1.0])) is None and t_interval(pd.Series([2.0, 2.0])) is None


# -- G2: the amended rule at its boundaries ---------------------------------------------------------------------


def _est(value, lo, hi, n=40, se=None):
    from smallcaps.stats import Estimate

    return Estimate(value, se, lo, hi, 0.95, None, None, n, "test")


def g2_parts_evidence(late=None, post=None, cal=None, cohort=None):
    from smallcaps.claims.graduation.g2_late import G2Evidence

    late_d = None if late is None else {"before": late[0], "before_max": late[1], "inside": 0.5, "events": 40,
                                        "first": "2021-05-14", "last": "2026-06-22"}
    pe = pd.DataFrame({"date": pd.to_datetime(["2021-05-14", "2024-06-03"])})
    cohorts = {("sp600", 1): pd.DataFrame({"start": pd.to_datetime(["2021-06-30"] * 5),
                                           "end": pd.to_datetime(["2026-06-30"] * 5), "gap": [0.01] * 5})}
    return G2Evidence({}, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {}, {}, pd.DataFrame(),
                      post, pe, late_d, pd.DataFrame(), cal, None, cohorts, cohort, {}, 0.01)


LATE_YES, LATE_NO, LATE_MAYBE = ((_est(0.7, 0.6, 0.8), _est(0.8, 0.7, 0.9)), (_est(0.05, -0.05, 0.15),
                                 _est(0.2, 0.1, 0.4)), (_est(0.3, 0.1, 0.45), _est(0.5, 0.3, 0.7)))
POST_YES, POST_MAYBE, POST_NO = (_est(0.2, 0.05, 0.4, se=0.08), _est(0.09, -0.12, 0.34, se=0.12),
                                 _est(-0.05, -0.2, 0.1, se=0.08))
CAL_YES, CAL_MAYBE = _est(0.01, 0.002, 0.02, 100), _est(0.007, -0.006, 0.02, 100)
COH_YES, COH_MAYBE, COH_NO = _est(0.02, 0.005, 0.035, 5), _est(0.006, -0.005, 0.018, 5), _est(-0.01, -0.02, 0.0, 5)


@pytest.mark.parametrize("late, post, cal, cohort, parts, verdict", [
    (LATE_YES, POST_YES, CAL_YES, COH_YES, (SUPPORTED, SUPPORTED, SUPPORTED), SUPPORTED),
    (LATE_NO, POST_MAYBE, CAL_MAYBE, COH_MAYBE, (NOT_SUPPORTED, INCONCLUSIVE, INCONCLUSIVE), INCONCLUSIVE),
    (LATE_NO, POST_NO, CAL_MAYBE, COH_NO, (NOT_SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED), NOT_SUPPORTED),
    (LATE_YES, POST_NO, CAL_MAYBE, COH_NO, (SUPPORTED, NOT_SUPPORTED, NOT_SUPPORTED), PARTLY),
    (LATE_MAYBE, POST_YES, CAL_MAYBE, COH_MAYBE, (INCONCLUSIVE, INCONCLUSIVE, INCONCLUSIVE), INCONCLUSIVE),
    (None, POST_YES, CAL_YES, COH_YES, (None, SUPPORTED, SUPPORTED), PARTLY),  # a part not measured caps it
    (LATE_YES, POST_YES, None, None, (SUPPORTED, INCONCLUSIVE, None), PARTLY),  # no calendar-time portfolio
    (None, None, None, None, (None, None, None), UNTESTABLE),
])
def test_g2_three_parts(late, post, cal, cohort, parts, verdict):
    g2 = grad.G2.from_evidence(g2_parts_evidence(late, post, cal, cohort), window=WINDOW)
    assert tuple(p.verdict for p in g2.parts()) == parts
    r = g2.result
    assert r.verdict == verdict
    if post is not None:
        assert r.statistic.value == pytest.approx(100 * post.value) and r.statistic.p_value is not None
        assert r.statistic.mde == pytest.approx(2.4865 * 100 * post.se, abs=0.01)
        assert r.note.startswith("(a) Late:") and "(b) After the move: 24-month BHAR" in r.note
    elif verdict == UNTESTABLE:
        assert r.statistic.value is None and r.note.startswith("Too few S&P 600 graduates with prices")
    else:
        assert r.statistic.name == "graduates' run-up before joining, at most" and r.statistic.unit == "%"


def test_g2_rule_text_and_amendment():
    rule = grad.G2.rule_for()
    assert "three parts, each an assertion of the claim" in rule.statistic
    assert rule.supported.startswith("all three parts hold: (a) the lower end of the interval of the share before "
                                     "joining is above half of the run-up")
    assert "two thirds" in grad.G2.rule_for({"late_share": 2 / 3}).supported
    assert grad.G2.registered_rule() is reg.G2 and grad.G2.amendments[0].registered_spec == {
        "resampling": "events", "verdict_rule": "registered"}
    assert "does not decide" in rule.statistic and "ex-post winners" in rule.statistic


# -- G2 on the snapshot: the referee's numbers, the registered test, the anchors ---------------------------------


@pytest.fixture(scope="module")
def g2(inputs):
    return grad.G2(inputs, WINDOW)


def test_g2_on_the_snapshot(g2):
    r, ev = g2.result, g2.evidence
    assert r.verdict == INCONCLUSIVE and [p.verdict for p in g2.parts()] == [NOT_SUPPORTED, INCONCLUSIVE, INCONCLUSIVE]
    # (a) the referee: -0.8% of the run-up before joining, 86.7% inside
    assert ev.late["before"].value == pytest.approx(-0.0084, abs=1e-4) and ev.late["inside"] == pytest.approx(
        0.8667, abs=1e-4)
    assert ev.late["before_max"].value == pytest.approx(0.1333, abs=1e-4) and ev.late["before_max"].ci_high < 0.5
    # (b) BHAR 8.81 pp; the referee's quarter-clustered interval is (-11.2, 35.6), here (-11.9, 34.4): other draws
    st = r.statistic
    assert st.value == pytest.approx(8.81028, abs=1e-4)
    assert st.method == "bootstrap over 15 calendar quarters, 2000 draws"
    assert st.ci_low == pytest.approx(-11.2, abs=1.0) and st.ci_high == pytest.approx(35.6, abs=1.5)
    assert st.p_value == pytest.approx(0.234, abs=0.002) and st.mde == pytest.approx(30.2, abs=0.1)
    # calendar time: the referee has +0.71 pp a month (t 1.19, 61 months); here +0.70 over all 102 months holding a
    # graduate (its sample of months could not be reproduced; see the review row), HAC t 1.06
    c = ev.calendar_est
    assert 100 * c.value == pytest.approx(0.71, abs=0.015) and c.n == 102 and c.t == pytest.approx(1.06, abs=0.01)
    assert 100 * ev.calendar_alpha.value == pytest.approx(0.54, abs=0.01)
    # (c) one-year cohorts: the referee has +0.63 pp, se 0.43, 5 cohorts (S&P 400 +0.60, 0.96, 14; S&P 500 +0.13,
    # 0.10, 21); here the same cohorts to within 0.02 pp (its last digits depend on month-end conventions)
    k = ev.cohort_est
    assert (k.n, 100 * k.value, 100 * k.se) == (5, pytest.approx(0.63, abs=0.02), pytest.approx(0.43, abs=0.015))
    c4, c5 = g2.cohort_estimate("sp400", 1), g2.cohort_estimate("sp500", 1)
    assert (c4.n, 100 * c4.value, 100 * c4.se) == (14, pytest.approx(0.60, abs=0.02), pytest.approx(0.96, abs=0.01))
    assert (c5.n, 100 * c5.value, 100 * c5.se) == (21, pytest.approx(0.13, abs=0.01), pytest.approx(0.10, abs=0.005))
    c400 = ev.cohorts[("sp400", 1)].set_index(ev.cohorts[("sp400", 1)]["start"].dt.year)
    assert 100 * c400.at[2020, "gap"] == pytest.approx(12.7, abs=0.05) and c400["gap"].median() < 0
    # the registered test, reproduced exactly
    v, value, lo, hi, method = REGISTERED["G2"]
    old = r.registered
    assert old["verdict"] == v and old["statistic"]["method"] == method
    assert (old["statistic"]["value"], old["statistic"]["ci_low"], old["statistic"]["ci_high"]) == (value, lo, hi)
    assert r.rule_status == "amended" and r.data_vintage.count(";") == 1  # prices and membership only


def test_g2_dominance_against_the_ex_post_winners(g2, inputs):
    ev = g2.evidence
    assert ev.dominance["sp600"]["months"] == 52 and ev.dominance["sp600"]["share"] == pytest.approx(0.336, abs=1e-3)
    assert ev.winners["sp600"]["share"] == pytest.approx(0.5805, abs=1e-4)
    # over the referee's 51 months (to June 2025, one month short of the complete look-ahead) the construction gives
    # the referee's numbers: graduates 32.1% (here 32.2%), the ex-post top 2% 59.6%
    w = WINDOW
    panel = inputs.window_panels(w)["sp600"]
    prices = inputs.month_end_prices(w.end)
    rets = prices / prices.shift(1) - 1
    held = ga.start_of_month_membership(panel, panel.index[1:])
    best = ga.ew_contributions(rets, held, ga.winner_flags(rets, held, prices, 0.02, 12))
    d = ga.dominance(best, until="2025-06-30")
    assert d["months"] == 51 and 100 * d["share"] == pytest.approx(59.6, abs=0.05)


def test_the_anchors(g2):
    ff, ch1, ch5 = g2.anchor_fama_french(), g2.anchor_cai_houge(1), g2.anchor_cai_houge(5)
    # Fama and French: more than 60% for small-to-big migrators; the graduates' median 12-month run-up is 64.1 pp
    assert (ff.published, round(ff.reproduced, 1), ff.citation) == (60.0, 64.1, "fama2007") and ff.within
    # Cai and Houge, 5 years: 17.29% (Russell 2000); the S&P 400's ten June cohorts give 13.5 pp (3.1 to 23.9)
    assert (ch5.published, round(ch5.reproduced, 2), ch5.citation) == (17.29, 13.49, "cai2008") and ch5.within
    # Cai and Houge, 1 year: 2.22% against the S&P 600's 0.65 pp (-0.51 to 1.81): the published number lies outside
    # the interval. Not forced: S&P's committee changes its index through the year instead of in one predictable
    # June reconstitution, whose price pressure is what Cai and Houge's gap reverses.
    assert (ch1.published, round(ch1.reproduced, 2)) == (2.22, 0.65) and not ch1.within
    assert ch1.tolerance == pytest.approx(1.16, abs=0.01) and "Petajisto" in ch1.note


# -- G4: the members' earnings decide when supplied --------------------------------------------------------------


def g4_inputs(tmp_path, rows: str):
    """Inputs holding French's counts (one month) and a members file written by hand."""
    from smallcaps.claims.graduation.inputs import GraduationInputs
    from smallcaps.data import Prices

    firms = pd.DataFrame({"<= 0": [40.0], "Lo 30": [20.0], "Med 40": [25.0], "Hi 30": [15.0]},
                         index=pd.PeriodIndex(["2026-05"], freq="M"))
    p = tmp_path / "members.csv"
    p.write_text("Ticker,Name,cik,end,val\n" + rows)
    user = DataSession(mode="offline", snapshot="none", store=tmp_path / "store").user_file(p, "members_earnings")

    class French(dict):  # French's file as the inputs hold it: its tables and a provenance
        provenance = type("P", (), {"vintage": "test counts"})()

    return GraduationInputs(memberships={}, stocks=Prices(pd.DataFrame()), etfs=Prices(pd.DataFrame()),
                            french=French(firms=firms), user_earnings=user)


def members_rows(n_loss: int, n_profit: int, end="2025-12-31") -> str:
    rows = [f"L{i},Loss Co {i},{1000 + i},{end},-{1 + i}000000" for i in range(n_loss)]
    rows += [f"P{i},Profit Co {i},{2000 + i},{end},{1 + i}000000" for i in range(n_profit)]
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("n_loss, n_profit, verdict", [
    (4, 6, SUPPORTED),  # 40%
    (3, 7, PARTLY),  # 30%
    (5, 5, PARTLY),  # 50%
    (2, 8, NOT_SUPPORTED),  # 20%
    (6, 4, NOT_SUPPORTED),  # 60%
])
def test_g4_bands_on_a_members_file(tmp_path, n_loss, n_profit, verdict):
    inp = g4_inputs(tmp_path, members_rows(n_loss, n_profit))
    g4 = grad.G4(inp, window("2020-01-01", "2026-07-13"), spec={"min_members": 10})
    r = g4.result
    assert r.verdict == verdict and r.statistic.value == pytest.approx(100 * n_loss / 10)
    assert (r.sample.n, r.sample.frequency, r.sample.start) == (10, "cross-section", "2025-12-31")
    assert r.registered["verdict"] == UNTESTABLE  # the registered rule had no way to use the file
    assert f"{n_loss} of the 10 companies in the supplied members file" in r.note
    assert "S&P 600 cannot stand in" in r.note
    assert g4.all_flags() == {"g4": True, "g4_proxy": True, "g4_members": True, "g4_decided": True}
    assert g4.members_table().iloc[0]["with a loss"] == n_loss
    assert r.data_vintage.startswith("French E/P firm counts (test counts") and "members' earnings members.csv, " \
        "sha256" in r.data_vintage


def test_g4_takes_each_company_s_latest_current_year_and_counts_too_few(tmp_path):
    rows = members_rows(4, 6) + "L0,Loss Co 0,1000,2024-12-31,5000000\nOLD,Old Co,3000,2022-12-31,-1\n"
    inp = g4_inputs(tmp_path, rows)
    g4 = grad.G4(inp, window("2020-01-01", "2026-07-13"), spec={"min_members": 10})
    ev = g4.evidence
    # L0's 2025 loss (latest) counts, not its 2024 profit; OLD's 2022 year is older than 18 months
    assert (ev.listed, len(ev.members), ev.stale) == (11, 10, 1) and g4.result.verdict == SUPPORTED
    assert "1 company without a fiscal year in the 18 months before the reading date left out" in g4.result.note
    few = grad.G4(inp, window("2020-01-01", "2026-07-13"))  # the default needs 1,000 companies
    assert few.result.verdict == UNTESTABLE and few.result.note.startswith(
        "The supplied members file lists 11 companies, 10 with a fiscal year ending in the 18 months to 2026-07-13")
    assert few.all_flags()["g4_members"] and not few.all_flags()["g4_decided"]
    assert "earnings" in grad.G4.inputs_used and "prices" not in grad.G4.inputs_used


def test_g4_without_a_file_names_the_free_route(inputs):
    g4 = grad.G4(inputs, WINDOW)
    r = g4.result
    assert r.verdict == UNTESTABLE and r.statistic.value is None
    assert "IWM (iShares Russell 2000 ETF)" in r.note and "SEC EDGAR's XBRL frames API" in r.note
    assert "S&P adds a company only if the sum of its last four quarters' earnings" in r.note
    assert r.registered == {"verdict": UNTESTABLE, "statistic": r.statistic.to_dict()}
    assert g4.amendments[0].old_rule is reg.G4 and reg.G4.text() in g4.rule.markdown()
    assert "`members_earnings_csv`" in grad.G4.rule_for().statistic


# -- G5: the assertion decides from a SPIVA-style table; the reason is shown ------------------------------------


def g5_with(evidence_gap, table):
    from smallcaps.claims.graduation.g5_active import G5Evidence

    t = None if table is None else pd.DataFrame({"horizon": [h for h, _ in table], "share": [s for _, s in table]})
    return G5Evidence({}, evidence_gap, evidence_gap, (0, 0), None, pd.DataFrame(), month_ends("2021-03-31", 64), t)


GAP = _est(0.1285, 0.0856, 0.1715, 64)


@pytest.mark.parametrize("table, verdict, value", [
    (None, UNTESTABLE, None),
    ([(3, 0.887), (5, 0.938), (10, 0.941), (15, 0.944)], NOT_SUPPORTED, 88.7),  # SPIVA U.S. Mid-Year 2017
    ([(1, 0.40), (3, 0.45)], SUPPORTED, 40.0),
    ([(1, 0.40), (10, 0.85)], PARTLY, 40.0),
    ([(1, 0.50), (3, 0.70)], PARTLY, 50.0),  # exactly half is not "more than half"
])
def test_g5_assertion_decides_and_the_reason_never_does(table, verdict, value):
    g5 = grad.G5.from_evidence(g5_with(GAP, table), window=WINDOW)
    r = g5.result
    assert r.verdict == verdict and r.statistic.value == value and r.statistic.unit == "%"
    assert [p.verdict for p in g5.parts()][1] == SUPPORTED  # the reason holds in every case
    assert r.statistic.ci_low is None  # the dispersion interval left the deciding number
    assert "The reason given is tested and shown, not deciding: it holds" in r.note
    # under the registered rule: untestable with the premise's gap as the statistic, whatever the table
    assert r.registered["verdict"] == UNTESTABLE and r.registered["statistic"]["value"] == pytest.approx(12.85)
    # a failing premise no longer decides
    bad = grad.G5.from_evidence(g5_with(_est(-0.05, -0.08, -0.01, 64), table), window=WINDOW).result
    assert bad.verdict == verdict and bad.registered["verdict"] == NOT_SUPPORTED


def test_g5_on_the_snapshot(inputs, tmp_path):
    import dataclasses

    g5 = grad.G5(inputs, WINDOW)
    r = g5.result
    assert r.verdict == UNTESTABLE and r.statistic.value is None and r.sample.n == 0
    assert "SPIVA U.S. Scorecard" in r.note and "12.9 pp, 8.6 to 17.1" in r.note
    v, value, lo, hi, method = REGISTERED["G5"]
    st = r.registered["statistic"]
    assert r.registered["verdict"] == v and (st["value"], st["ci_low"], st["ci_high"], st["method"]) == (
        value, lo, hi, method)
    assert g5.all_flags()["g5_premise"] and not g5.all_flags()["g5_spiva"]
    p = tmp_path / "spiva.csv"
    p.write_text("category,horizon,share_underperformed\nSmall-Cap Funds,3-YEAR,88.7\nSmall-Cap Funds,5-YEAR,93.8\n"
                 "Small-Cap Funds,10-YEAR,94.1\nSmall-Cap Funds,15-YEAR,94.4\n")
    ds = DataSession(mode="offline", snapshot="none", store=tmp_path / "store")
    with_table = grad.G5(dataclasses.replace(inputs, user_spiva=ds.user_file(p, "spiva")), WINDOW)
    r2 = with_table.result
    assert r2.verdict == NOT_SUPPORTED and r2.statistic.value == pytest.approx(88.7) and r2.sample.n == 4
    assert r2.note.startswith("In the supplied SPIVA-style table, 88.7% to 94.4% of small-cap funds underperformed "
                              "their benchmark over 3 to 15 years: more than half underperformed at every horizon.")
    assert "SPIVA-style table spiva.csv, sha256" in r2.data_vintage


def test_cohort_gaps_figure_draws_each_index_and_its_interval():
    from smallcaps.plots import graduation as gplots

    data = pd.DataFrame({"index": ["S&P 600"] * 3 + ["S&P 400"] * 2, "year": [2021, 2022, 2023, 2021, 2022],
                         "gap": [1.0, -0.5, 2.0, 0.3, 0.1]})
    fig = gplots.cohort_gaps(data, means={"S&P 600": (0.83, -2.0, 3.7)}, title="t", note="n")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["S&P 600", "S&P 400"]
    assert sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets")) >= 6  # 5 dots + 1 mean


def test_the_anchors_serialise_to_the_results_file(g2):
    import json

    for a in (g2.anchor_fama_french(), g2.anchor_cai_houge(1), g2.anchor_cai_houge(5)):
        d = json.loads(json.dumps(a.to_dict()))
        assert type(d["within"]) is bool and isinstance(d["reproduced"], float) and isinstance(d["tolerance"], float)
