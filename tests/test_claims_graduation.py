"""Index graduation (chapter `graduation`): event matching, event-study alignment, ranks,
contributions, buy-and-hold, dispersion, the moves-CSV validation and the verdict rules, on small
hand-made membership events and price panels with known answers; and, marked ``book``, the
chapter run on a user-supplied list of real S&P moves."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import graduation as ga
from smallcaps.book.params import window
from smallcaps.claims import graduation as grad
from smallcaps.errors import DataError, ParameterError
from smallcaps.stats import Estimate


def events(*rows):
    """Events frame from (date, action, ticker[, reason]) tuples."""
    out = [dict(date=pd.Timestamp(r[0]), action=r[1], ticker=r[2], reason=r[3] if len(r) > 3 else None) for r in rows]
    return pd.DataFrame(out, columns=["date", "action", "ticker", "reason"])


EMPTY = events()


def month_ends(start, n):
    return pd.date_range(start, periods=n, freq="ME")


# -- deriving moves -----------------------------------------------------------------------------------


class TestMatchMoves:
    def test_matches_within_the_window_only(self):
        ev = {
            "sp600": events(("2022-03-01", "removed", "AAA"), ("2022-03-01", "removed", "BBB"),
                            ("2022-06-01", "added", "CCC")),
            "sp400": events(("2022-03-03", "added", "AAA"), ("2022-05-01", "added", "BBB"),
                            ("2022-06-01", "removed", "CCC")),
            "sp500": EMPTY,
        }
        m = ga.match_moves(ev, 7)
        assert list(m["ticker"]) == ["AAA", "CCC"]
        aaa = m.set_index("ticker").loc["AAA"]
        assert aaa["gap_days"] == 2 and aaa["direction"] == "up" and aaa["move"] == "S&P 600 → S&P 400"
        assert aaa["date"] == pd.Timestamp("2022-03-01")  # the day it left the origin
        ccc = m.set_index("ticker").loc["CCC"]
        assert ccc["direction"] == "down" and ccc["origin"] == "sp400" and ccc["destination"] == "sp600"
        wide = ga.match_moves(ev, 61)
        assert sorted(wide["ticker"]) == ["AAA", "BBB", "CCC"]
        assert wide.set_index("ticker").at["BBB", "gap_days"] == 61

    def test_one_to_one_nearest_match_and_either_order(self):
        ev = {"sp600": events(("2022-01-10", "removed", "DDD")),
              "sp400": events(("2022-01-05", "added", "DDD"), ("2022-01-12", "added", "DDD")),
              "sp500": EMPTY}
        m = ga.match_moves(ev, 7)
        assert len(m) == 1 and m["gap_days"].iloc[0] == 2
        ev["sp400"] = events(("2022-01-05", "added", "DDD"))
        assert ga.match_moves(ev, 7)["gap_days"].iloc[0] == -5

    def test_reason_text_agreement_labels_the_evidence(self):
        ev = {"sp600": events(("2024-12-23", "removed", "CRS",
                               "CRI was moved from the S&P 400 ... CRS was moved to the S&P 400 as it was more "
                               "representative of the mid-cap market space.")),
              "sp400": events(("2024-12-23", "added", "CRS", "Market capitalization change.")),
              "sp500": EMPTY}
        assert ga.match_moves(ev, 7)["evidence"].iloc[0] == ga.MATCHED_TEXT

    def test_unknown_index_key_is_an_error(self):
        with pytest.raises(DataError, match="only S&P indices"):
            ga.match_moves({"russell2000": EMPTY}, 7)


class TestReasonText:
    @pytest.mark.parametrize("ticker, reason, expected", [
        ("RLI", "S&P SmallCap 600 constituent RLI Corp. (NYSE:RLI) replaced W.R. Berkley. [ 170 ]", True),
        ("IBKR", "S&P 600 constituent Interactive Brokers Group Inc. replaced Home Shopping Network Inc. (HSN) "
                 "after Liberty Interactive Corp acquired HSN.", True),
        ("NSP", "NSP was moved from the S&P 600 as it was more representative of the mid cap market space.", True),
        ("TTMI", "S&P SmallCap 600 constituent SM Energy Company acquired Civitas Resources. [ 9 ]", False),
        ("XYZ", "S&P SmallCap 600 constituent RLI Corp. (NYSE:RLI) replaced W.R. Berkley.", False),
        ("ENPH", "S&P 400 to S&P 600 moves [ 158 ]", False),
        ("ABC", None, False),
    ])
    def test_came_from_the_small_cap_index(self, ticker, reason, expected):
        ev = {"sp400": events(("2019-11-27", "added", ticker, reason))}
        found = ga.moves_from_reason_text(ev, "sp600", "sp400")
        assert (len(found) == 1) is expected
        if expected:
            assert found["evidence"].iloc[0] == ga.TEXT_ONLY and found["direction"].iloc[0] == "up"

    def test_ladder_keeps_text_moves_only_before_the_origin_record(self):
        reason = "S&P SmallCap 600 constituent Foo Inc. replaced Bar Inc."
        ev = {"sp600": events(("2021-06-01", "removed", "MMM")),
              "sp400": events(("2019-11-27", "added", "OLD", reason), ("2021-06-01", "added", "MMM", reason),
                              ("2022-02-01", "added", "NEW", reason)),
              "sp500": EMPTY}
        starts = {"sp600": pd.Timestamp("2021-03-31"), "sp400": pd.Timestamp("2011-11-20"),
                  "sp500": pd.Timestamp("2004-12-30")}
        mv = ga.ladder_moves(ev, starts, 7)
        assert list(mv["ticker"]) == ["OLD", "MMM"]  # NEW: after the S&P 600 record starts and unmatched
        assert list(mv["evidence"]) == [ga.TEXT_ONLY, ga.MATCHED_TEXT]
        assert list(mv["covered"]) == [False, True]


# -- event study ----------------------------------------------------------------------------------------


@pytest.fixture
def panel_prices():
    idx = month_ends("2020-01-31", 24)
    a = pd.Series(100.0, index=idx)
    a.loc["2020-07-31":] = 150.0
    a.loc["2020-12-31":] = 300.0
    b = pd.Series(np.nan, index=idx)  # lists in August 2020
    b.loc["2020-08-31":] = 100.0
    b.loc["2020-09-30":] = 110.0
    bench = pd.Series(10.0, index=idx)
    bench.loc["2021-01-31":] = 11.0
    prices = pd.DataFrame({"A": a, "B": b})
    return prices, pd.DataFrame({"IJR": bench})


class TestEventStudy:
    def test_alignment_and_bhar(self, panel_prices):
        prices, etf = panel_prices
        ev = pd.DataFrame({"ticker": ["A", "B", "ZZZ"], "date": pd.to_datetime(["2020-10-15"] * 3), "benchmark": "IJR"})
        st = ga.event_study(ev, prices, etf, pre=6, post=3)
        assert list(st.events["t0"].dt.date.astype(str)) == ["2020-09-30"] * 3
        assert list(st.events["has_prices"]) == [True, True, False]
        assert list(st.stock.columns) == [-5, -4, -3, -2, -1, 0, 1, 2, 3]
        a = st.events.index[st.events["ticker"] == "A"][0]
        b = st.events.index[st.events["ticker"] == "B"][0]
        assert st.bhar(-6, 0)[a] == pytest.approx(0.5)  # 100 (2020-03) -> 150 (2020-09), benchmark flat
        assert st.bhar(0, 3)[a] == pytest.approx(1.0)  # 150 -> 300 by 2020-12
        assert st.car(0, 3)[a] == pytest.approx(1.0)
        # B listed in August: earlier months track the benchmark; one month of +10%
        assert st.events.loc[b, "pre_filled"] == 5
        assert st.bhar(-6, 0)[b] == pytest.approx(0.10)

    def test_post_window_is_censored_at_the_data_end(self, panel_prices):
        prices, etf = panel_prices
        ev = pd.DataFrame({"ticker": ["A"], "date": pd.to_datetime(["2021-11-10"]), "benchmark": "IJR"})
        st = ga.event_study(ev, prices, etf, pre=6, post=3)
        assert math.isnan(st.bhar(0, 3).iloc[0])  # t0 = 2021-10-31, data end 2021-12-31
        assert st.bhar(0, 2).iloc[0] == pytest.approx(0.0)
        before, after = st.bhar_paths()
        assert after.loc[0, 2] == pytest.approx(0.0) and math.isnan(after.loc[0, 3])

    def test_bhar_is_compounded_not_summed(self, panel_prices):
        prices, etf = panel_prices
        # benchmark +10% in January 2021 while A is flat: over 2020-11..2021-01 A doubles once
        ev = pd.DataFrame({"ticker": ["A"], "date": pd.to_datetime(["2020-11-15"]), "benchmark": "IJR"})
        st = ga.event_study(ev, prices, etf, pre=6, post=3)
        assert st.bhar(0, 3).iloc[0] == pytest.approx((300 / 150) - (11 / 10))
        assert st.car(0, 3).iloc[0] == pytest.approx(1.0 - 0.1)

    def test_runup_split_by_membership(self, panel_prices):
        prices, etf = panel_prices
        ev = pd.DataFrame({"ticker": ["A"], "date": pd.to_datetime(["2021-01-15"]), "benchmark": "IJR",
                           "origin": "sp600"})
        st = ga.event_study(ev, prices, etf, pre=10, post=0)
        # origin panel from 2020-05-31; A a member from 2020-10-31
        pidx = month_ends("2020-05-31", 9)
        panel = pd.DataFrame({"A": pidx >= pd.Timestamp("2020-10-31")}, index=pidx)
        r = ga.runup_by_membership(st, {"sp600": panel})
        # July gain (+50%): month starts 2020-06-30, covered, not a member; December gain (x2): member
        assert r.at["not yet in it", "log_relative"] == pytest.approx(math.log(1.5))
        assert r.at["in the origin index", "log_relative"] == pytest.approx(math.log(2.0))
        assert r.at["unknown (before coverage)", "log_relative"] == pytest.approx(0.0)
        assert r["share"].sum() == pytest.approx(1.0)
        assert r.at["in the origin index", "share"] == pytest.approx(math.log(2) / math.log(3))

    def test_bhar_path_summary(self, panel_prices):
        prices, etf = panel_prices
        ev = pd.DataFrame({"ticker": ["A"] * 3, "date": pd.to_datetime(["2020-10-15"] * 3), "benchmark": "IJR"})
        p = ga.bhar_path(ga.event_study(ev, prices, etf, pre=6, post=3))
        last = p.loc[(p["segment"] == "after") & (p["month"] == 3)].iloc[0]
        assert last["median"] == pytest.approx(1.0) and last["n"] == 3
        assert p.loc[(p["segment"] == "before") & (p["month"] == -6), "mean"].iloc[0] == 0.0


# -- ranks, contributions, quintiles ---------------------------------------------------------------------


def test_pre_move_ranks_with_survivorship_bounds():
    idx = month_ends("2021-01-31", 14)
    rets = {"G": 1.0, "P1": 0.5, "P2": 0.1, "P3": -0.2}
    prices = pd.DataFrame({t: np.r_[np.full(2, 100.0), np.full(12, 100.0 * (1 + r))] for t, r in rets.items()}, index=idx)
    prices["MISS"] = np.nan
    panel = pd.DataFrame(True, index=idx[1:], columns=["G", "P1", "P2", "P3", "MISS"])
    ev = pd.DataFrame({"ticker": ["G", "P3"], "date": pd.to_datetime(["2022-02-20", "2022-02-20"]), "origin": "sp600",
                       "destination": ["sp400", "sp400"], "move": "S&P 600 → S&P 400"})
    r = ga.pre_move_ranks(ev, prices, {"sp600": panel}, 12).set_index("ticker")
    # at 2022-01-31 the 12-month returns are G 100%, P1 50%, P2 10%, P3 -20%; MISS has none
    assert r.at["G", "rank"] == pytest.approx(100.0)
    assert r.at["P3", "rank"] == pytest.approx(25.0)
    assert r.at["G", "rank_low"] == pytest.approx(80.0) and r.at["G", "rank_high"] == pytest.approx(100.0)
    assert r.at["P3", "rank_low"] == pytest.approx(20.0) and r.at["P3", "rank_high"] == pytest.approx(40.0)
    assert r.at["G", "members"] == 5 and r.at["G", "priced"] == 4


class TestContributions:
    def setup_method(self):
        idx = month_ends("2021-12-31", 4)  # returns for Jan, Feb, Mar 2022
        self.prices = pd.DataFrame({"X": [100.0, 110.0, 121.0, 121.0], "Y": [100.0, 100.0, 90.0, 99.0],
                                    "Z": [100.0, np.nan, np.nan, np.nan]}, index=idx)
        self.rets = self.prices / self.prices.shift(1) - 1
        panel = pd.DataFrame(True, index=idx, columns=["X", "Y", "Z"])
        self.held = ga.start_of_month_membership(panel, idx[1:])

    def test_start_of_month_membership_and_flags(self):
        assert self.held.shape == (3, 3) and self.held.to_numpy().all()
        moves = pd.DataFrame({"ticker": ["X"], "date": pd.to_datetime(["2022-02-15"])})
        f = ga.future_move_flags(self.held, moves, 12)
        assert list(f["X"]) == [True, True, False]  # months starting before the move
        assert not f["Y"].any()

    def test_equal_weight_index_and_group_contribution(self):
        flags = pd.DataFrame(False, index=self.held.index, columns=self.held.columns)
        flags["X"] = True
        m = ga.ew_contributions(self.rets, self.held, flags)
        # Z has no returns: the index holds X and Y, half each
        assert list(m["priced"]) == [2, 2, 2] and list(m["members"]) == [3, 3, 3]
        assert m["index_return"].tolist() == pytest.approx([0.05, 0.0, 0.05])
        assert m["group_contribution"].tolist() == pytest.approx([0.05, 0.05, 0.0])
        assert m["group_weight"].tolist() == pytest.approx([0.5, 0.5, 0.5])
        y = ga.yearly_contributions(m)
        annual = 1.05 * 1.0 * 1.05 - 1
        assert y.at[2022, "index_return"] == pytest.approx(annual)
        # linked: Jan 0.05; Feb 0.05 x 1.05; Mar 0
        assert y.at[2022, "group_contribution"] == pytest.approx(0.05 + 0.05 * 1.05)
        assert y.at[2022, "group_share"] == pytest.approx((0.05 + 0.0525) / annual)
        assert y.at[2022, "priced_share"] == pytest.approx(2 / 3)

    def test_linked_contributions_add_up_to_the_annual_return(self):
        everyone = self.held.copy()
        m = ga.ew_contributions(self.rets, self.held, everyone)
        y = ga.yearly_contributions(m)
        assert y.at[2022, "group_contribution"] == pytest.approx(y.at[2022, "index_return"])
        assert y.at[2022, "group_share"] == pytest.approx(1.0)

    def test_dominance(self):
        m = pd.DataFrame({"index_return": [0.02, 0.02], "group_contribution": [0.004, 0.004], "group_weight": [0.05, 0.05]},
                         index=month_ends("2022-01-31", 2))
        d = ga.dominance(m)
        assert d["share"] == pytest.approx(0.2) and d["ratio"] == pytest.approx(4.0) and d["dominates"]
        m["group_contribution"] = [0.001, 0.001]
        assert not ga.dominance(m)["dominates"]  # 5% of the return from 5% of the weight
        m["index_return"] = [-0.02, 0.01]
        d = ga.dominance(m)
        assert math.isnan(d["share"]) and d["dominates"]  # gained while the index lost


def test_buy_and_hold_against_rebalanced_and_bounds():
    idx = month_ends("2021-03-31", 3)
    prices = pd.DataFrame({"A": [10.0, 20.0, 20.0], "B": [10.0, 5.0, 10.0]}, index=idx)
    bench = pd.Series([100.0, 100.0, 150.0], index=idx)
    b = ga.buy_and_hold(prices, ["A", "B", "GONE"], idx[0], bench)
    assert b.attrs == {"n_roster": 3, "n_priced": 2}
    assert b["priced names"].tolist() == pytest.approx([1.0, 1.25, 1.5])  # (2 + 1) / 2 at the end
    assert b["lower bound"].iloc[-1] == pytest.approx(3.0 / 3)  # GONE at -100%
    assert b["missing earn benchmark"].iloc[-1] == pytest.approx((2 + 1 + 1.5) / 3)
    # monthly rebalancing of the same two names: +25% then +50%
    held = pd.DataFrame(True, index=idx[1:], columns=["A", "B"])
    ew = ga.ew_index(prices / prices.shift(1) - 1, held)
    assert ew.tolist() == pytest.approx([0.25, 0.5])
    assert (1 + ew).prod() == pytest.approx(1.875)  # rebalanced beats buy-and-hold's 1.5 here


def test_quintile_outcomes_follow_members_a_year_on():
    idx = month_ends("2020-01-31", 26)
    names = [f"S{i}" for i in range(10)]
    # each stock grows at its own steady rate: S0 worst, S9 best, so quintiles never change
    growth = np.linspace(-0.02, 0.025, 10)
    prices = pd.DataFrame({n: 100 * (1 + g) ** np.arange(26) for n, g in zip(names, growth, strict=True)}, index=idx)
    panel = pd.DataFrame(True, index=idx[12:], columns=names)
    panel.loc["2021-06-30":, "S0"] = False  # a bottom-quintile member removed in June 2021
    moves = pd.DataFrame({"ticker": ["S9"], "date": pd.to_datetime(["2021-09-15"])})
    q = ga.quintile_outcomes(prices, panel, moves, 12)
    first = q.loc[q["month"] == idx[12]].set_index("quintile")  # cohort of 2021-01-31, outcome 2022-01-31
    assert first.at[1, "n"] == 2 and first.at[1, "stayed"] == pytest.approx(0.5) and first.at[1, "left"] == pytest.approx(0.5)
    assert first.at[5, "moved_up"] == pytest.approx(0.5) and first.at[5, "stayed"] == pytest.approx(0.5)
    assert first.at[3, "stayed"] == pytest.approx(1.0)
    assert first.at[1, "next_excess"] < 0 < first.at[5, "next_excess"]
    assert len(q) == 5 * (len(panel) - 12)


def test_dispersion_and_its_survivorship_bound():
    idx = month_ends("2020-01-31", 13)
    rets = np.array([-0.3, -0.1, 0.0, 0.1, 0.2, 0.4, 0.5, 0.6, 0.7, 0.9])
    prices = pd.DataFrame({f"S{i}": np.r_[100.0, np.full(12, 100 * (1 + r))] for i, r in enumerate(rets)}, index=idx)
    prices["M1"] = np.nan
    prices["M2"] = np.nan
    panel = pd.DataFrame(True, index=idx[-1:], columns=prices.columns)
    d = ga.dispersion(prices, panel, 12).iloc[0]
    assert d["n"] == 10 and d["missing"] == 2
    assert d["iqr"] == pytest.approx(np.percentile(rets, 75) - np.percentile(rets, 25))
    wide = np.r_[rets, -1e6, 1e6]
    assert d["iqr_wide"] == pytest.approx(np.percentile(wide, 75) - np.percentile(wide, 25))
    assert d["iqr_wide"] > d["iqr"]


def test_month_end_prices_drop_an_incomplete_final_month():
    days = pd.bdate_range("2024-01-01", "2024-03-13")
    close = pd.DataFrame({"A": np.arange(len(days), dtype=float)}, index=days)
    m = ga.month_end_prices(close)
    assert list(m.index.strftime("%Y-%m")) == ["2024-01", "2024-02"]
    assert m["A"].iloc[-1] == close.loc["2024-02-29", "A"]
    full = ga.month_end_prices(close.loc[:"2024-02-29"])
    assert full.index[-1] == pd.Timestamp("2024-02-29")


# -- the moves CSV and the parameters --------------------------------------------------------------------


def write(tmp_path, text, name="moves.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


class TestMovesCsv:
    def test_valid_file_with_aliases(self, tmp_path):
        p = write(tmp_path, "ticker,date,from,to\nbe,2026-06-26,Russell 2000,Russell 1000\n"
                            "CELH,2022-08-10,S&P SmallCap 600,sp400\n")
        m = grad.read_moves_csv(p, "2000-01-03", "2026-07-14")
        assert list(m["ticker"]) == ["CELH", "BE"]
        assert list(m["origin"]) == ["sp600", "russell2000"] and list(m["destination"]) == ["sp400", "russell1000"]
        assert list(m["direction"]) == ["up", "up"]

    @pytest.mark.parametrize("text, message", [
        ("ticker,date,to\nA,2024-01-02,S&P 400\n", "moves_csv lacks column(s) from; required: ticker, date, from, to"),
        ("ticker,date,from,to\n", "moves_csv has no rows"),
        ("ticker,date,from,to\nA,2024-13-02,S&P 600,S&P 400\n", "moves_csv row 1: date='2024-13-02' is not a date; give YYYY-MM-DD"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nB,2024-01-02,S&P 700,S&P 400\n",
         "moves_csv row 2: from='S&P 700' is not a known index; valid: S&P 600, S&P 400, S&P 500, Russell 2000, Russell 1000"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,sp600\n", "moves_csv row 1: from and to are both S&P 600"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,Russell 1000\n", "are on different ladders"),
        ("ticker,date,from,to\n ,2024-01-02,S&P 600,S&P 400\n", "moves_csv row 1: ticker is empty"),
        ("ticker,date,from,to\nA,1999-06-30,S&P 600,S&P 400\n",
         "moves_csv row 1: date=1999-06-30 is outside the price data; valid: 2000-01-03..2026-07-14"),
    ])
    def test_one_line_errors(self, tmp_path, text, message):
        with pytest.raises(ParameterError) as err:
            grad.read_moves_csv(write(tmp_path, text), "2000-01-03", "2026-07-14")
        assert message in str(err.value) and "\n" not in str(err.value)

    def test_missing_file(self, tmp_path):
        with pytest.raises(ParameterError, match="moves_csv='nope.csv' is not a file"):
            grad.read_moves_csv(tmp_path / "nope.csv")


@pytest.mark.parametrize("kwargs, message", [
    (dict(match_window_days=-1), "match_window_days=-1 is out of range; valid: whole numbers 0..92 (calendar days)"),
    (dict(match_window_days=1.5), "match_window_days=1.5 is not a whole number; valid: whole numbers 0..92 (calendar days)"),
    (dict(pre_months=6), "pre_months=6 is out of range; valid: whole numbers 12..60 (months)"),
    (dict(post_months="x"), "post_months='x' is not a whole number; valid: whole numbers 1..60 (months)"),
    (dict(post_months=True), "post_months=True is not a whole number; valid: whole numbers 1..60 (months)"),
    (dict(benchmark="IJR"), "benchmark='IJR' is unknown; valid: origin, destination"),
])
def test_parameter_errors(kwargs, message):
    args = dict(match_window_days=7, pre_months=36, post_months=24, benchmark="origin") | kwargs
    with pytest.raises(ParameterError) as err:
        grad.check_parameters(**args)
    assert str(err.value) == message


def test_parameter_ranges_are_the_declared_ones():
    from smallcaps.book.params import spec

    assert spec("graduation", "pre_months").low == grad.RANK_MONTHS  # ranking needs that many months before
    assert spec("graduation", "benchmark").choices == grad.BENCHMARKS
    assert (spec("graduation", "match_window_days").default, spec("graduation", "pre_months").default,
            spec("graduation", "post_months").default) == (grad.MATCH_WINDOW_DAYS, grad.PRE_MONTHS, grad.POST_MONTHS)
    assert grad.check_parameters(7.0, 36, 24, "origin")["match_window_days"] == 7  # a whole float is accepted


def test_chapter_parameters_record_the_file_name_only():
    p = grad.chapter_parameters(7, 36, 24, "origin", "/some/where/russell_moves.csv")
    assert p == {"match_window_days": 7, "pre_months": 36, "post_months": 24, "benchmark": "origin",
                 "moves_csv": "russell_moves.csv"}


# -- the rules ---------------------------------------------------------------------------------------------


def est(value, lo, hi, n=40):
    return Estimate(value, None, lo, hi, 0.95, None, None, n, "test")


@pytest.fixture
def inputs():
    return grad.GraduationInputs(window=window("2020-01-01", "2026-07-13"), params=grad.check_parameters(7, 36, 24, "origin"),
                                 memberships={}, panels={}, prices=pd.DataFrame(), etfs=pd.DataFrame(),
                                 events=pd.DataFrame(), events_alt=pd.DataFrame(), firms=pd.DataFrame(),
                                 user_moves=None, vintage="test data")


def g1_evidence(rank, tail):
    ranks = pd.DataFrame({"origin": ["sp600"], "move": ["S&P 600 → S&P 400"], "date": [pd.Timestamp("2023-01-02")]})
    return grad.G1Evidence(ranks, ranks, pd.DataFrame(), pd.DataFrame(), rank, tail, {})


@pytest.mark.parametrize("rank, tail, verdict", [
    (est(86, 80, 91), est(0.8, 0.75, 0.85), "supported"),
    (est(86, 80, 91), est(0.6, 0.55, 0.65), "partly supported"),
    (est(70, 60, 80), est(0.8, 0.75, 0.85), "partly supported"),
    (est(55, 45, 65), est(0.8, 0.75, 0.85), "not supported"),
    (None, None, "untestable with available data"),
])
def test_g1_rule(inputs, rank, tail, verdict):
    r = grad.g1_verdict(g1_evidence(rank, tail), inputs)
    assert r.verdict == verdict
    if rank is not None:
        assert r.statistic.value == rank.value and r.statistic.ci_low == rank.ci_low


@pytest.mark.parametrize("post, dominates, verdict", [
    (est(0.10, 0.02, 0.2), True, "supported"),
    (est(0.10, -0.02, 0.2), True, "partly supported"),
    (est(0.10, 0.02, 0.2), False, "partly supported"),
    (est(-0.05, -0.2, 0.1), False, "not supported"),
    (None, True, "untestable with available data"),
])
def test_g2_rule(inputs, post, dominates, verdict):
    dom = {"sp600": {"share": 0.3, "weight": 0.02, "group_sum": 0.05, "index_sum": 0.16, "dominates": dominates}}
    ev = pd.DataFrame({"date": [pd.Timestamp("2022-01-03")]})
    g2 = grad.G2Evidence({}, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {}, pd.DataFrame(), dom, {}, pd.DataFrame(),
                         post, ev, None)
    r = grad.g2_verdict(g2, inputs)
    assert r.verdict == verdict
    if post is not None:
        assert r.statistic.value == pytest.approx(100 * post.value) and r.statistic.unit == "pp"


@pytest.mark.parametrize("gap, verdict", [
    (est(0.12, 0.08, 0.16, 64), "untestable with available data"),
    (est(0.01, -0.02, 0.04, 64), "untestable with available data"),
    (est(-0.05, -0.08, -0.01, 64), "not supported"),
])
def test_g5_rule_never_supports_without_fund_returns(inputs, gap, verdict):
    months = month_ends("2021-03-31", 64)
    g5 = grad.G5Evidence({}, pd.DataFrame(), gap, gap, (0, 0), None, pd.DataFrame(), months)
    r = grad.g5_verdict(g5, inputs)
    assert r.verdict == verdict and r.sample.n == 64 and r.statistic.value == pytest.approx(100 * gap.value)


def test_g4_is_untestable_and_the_proxy_share_is_counted(inputs):
    inputs.firms = pd.DataFrame({"<= 0": [40.0], "Lo 30": [20.0], "Med 40": [25.0], "Hi 30": [15.0]},
                                index=pd.PeriodIndex(["2023-02"], freq="M"))
    g4 = grad.g4_evidence(inputs)
    assert g4["share"].iloc[0] == pytest.approx(40.0) and g4["all"].iloc[0] == 100
    r = grad.g4_verdict(g4, inputs)
    assert r.verdict == "untestable with available data" and r.statistic.value is None


def russell_inputs(inputs, n_moves, standout_best=True):
    idx = month_ends("2024-06-30", 25)  # to 2026-06-30
    tickers = [f"T{i}" for i in range(n_moves - 1)] + ["BE"]
    growth = {t: 1.0 + 0.01 * i for i, t in enumerate(tickers[:-1])}
    growth["BE"] = 5.0 if standout_best else 1.0
    inputs.prices = pd.DataFrame({t: np.linspace(100, 100 * g, len(idx)) for t, g in growth.items()}, index=idx)
    inputs.etfs = pd.DataFrame({"IWM": 100.0, "IWB": 100.0, "IJR": 100.0, "IJH": 100.0, "IVV": 100.0}, index=idx)
    moves = pd.DataFrame({"ticker": tickers, "date": pd.Timestamp("2026-06-26"), "origin": "russell2000",
                          "destination": "russell1000", "direction": "up", "move": "Russell 2000 → Russell 1000",
                          "evidence": "user list"})
    inputs.user_moves = grad._with_prices(moves, inputs.prices)
    return inputs


@pytest.mark.parametrize("n, best, verdict", [
    (grad.G3_CLAIM_MOVES, True, "supported"),
    (grad.G3_CLAIM_MOVES, False, "partly supported"),
    (grad.G3_CLAIM_MOVES - 2, True, "partly supported"),
    (30, True, "not supported"),
])
def test_g3_rule_on_a_user_list(inputs, n, best, verdict):
    inp = russell_inputs(inputs, n, best)
    g3 = grad.g3_evidence(inp)
    r = grad.g3_verdict(g3, inp)
    assert r.verdict == verdict
    assert r.statistic.value == n and r.sample.n == n
    assert len(g3.table) == n and g3.summary.loc["BHAR -12..0", "moves"] == n
    # the chapter's figure of the supplied moves draws from these paths
    from smallcaps.plots import graduation as gplots

    fig = gplots.event_paths(grad.g3_paths(g3), title=grad.g3_title(g3))
    assert len(fig.axes) == 2 and fig.axes[0].get_lines()
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_g3_without_a_list_or_without_russell_moves(inputs):
    assert grad.g3_verdict(grad.g3_evidence(inputs), inputs).verdict == "untestable with available data"
    inp = russell_inputs(inputs, 5)
    inp.user_moves = inp.user_moves.assign(origin="sp600", destination="sp400")
    r = grad.g3_verdict(grad.g3_evidence(inp), inp)
    assert r.verdict == "untestable with available data" and r.statistic.value is None and r.sample.n == 5


def test_claim_constants_cite_source_e():
    assert grad.G3_CLAIM_MOVES == 43 and grad.G4_CLAIM_SHARE == 0.40 and grad.G3_CLAIM_STANDOUT == "BE"
    assert set(grad.RULES) == {"G1", "G2", "G3", "G4", "G5"}
    assert all(r.claim.endswith("[E].") for r in grad.RULES.values())


# -- on the reference snapshot ------------------------------------------------------------------------------


def test_real_ladder_moves_on_the_snapshot(offline):
    from smallcaps.data import DataSession

    inp = grad.load_inputs(DataSession(), window("2004-12-30", "2026-07-13"))
    ev = inp.events.set_index(["ticker", "date"])
    assert ev.loc[("CELH", pd.Timestamp("2022-08-10")), "move"] == "S&P 600 → S&P 400"
    assert ev.loc[("RLI", pd.Timestamp("2019-11-27")), "evidence"] == ga.TEXT_ONLY  # before the S&P 600 record
    up600 = inp.events.loc[(inp.events["origin"] == "sp600") & (inp.events["direction"] == "up")]
    assert len(up600) == 76 and int(up600["has_prices"].sum()) == 66
    assert int((inp.events["move"] == "S&P 400 → S&P 500").sum()) == 110
    assert len(inp.events_alt) >= len(inp.events)


# -- the must-show: the chapter on a user-supplied list of real S&P moves -------------------------------------


@pytest.mark.book
@pytest.mark.timeout(900)
def test_chapter_runs_the_event_study_on_a_user_moves_csv(tmp_path, snapshot_dir, monkeypatch):
    import nbformat

    from smallcaps.book import runner

    # real S&P 600 -> S&P 400 moves from pitindex's events (matched removal and addition), and one
    # whose company the price data do not hold (Cabot Microelectronics, moved in 2019)
    csv = tmp_path / "sp_moves.csv"
    csv.write_text("ticker,date,from,to\n"
                   "CROX,2021-06-02,S&P 600,S&P 400\n"
                   "SAIA,2021-08-30,S&P 600,S&P 400\n"
                   "CELH,2022-08-10,S&P SmallCap 600,S&P MidCap 400\n"
                   "FIX,2023-12-18,S&P 600,S&P 400\n"
                   "ELF,2024-01-23,S&P 600,S&P 400\n"
                   "CCMP,2019-12-02,S&P 600,S&P 400\n")
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(snapshot_dir))
    monkeypatch.setenv("SMALLCAPS_STORE", str(tmp_path / "store"))
    out = tmp_path / "run"
    report = runner.run(start="2019-01-01", end="2026-07-13", chapters=["graduation"], out=out, mode="offline",
                        snapshot=snapshot_dir, store=tmp_path / "store", extra={"moves_csv": str(csv)}, jobs=1)
    assert report.ok and (report.site / "book" / "graduation.html").is_file()
    res = json.loads((out / "graduation.results.json").read_text())
    assert res["parameters"]["moves_csv"] == "sp_moves.csv"  # no machine path in the results
    # F-19: the absolute path given with -p reaches no notebook or page (the published sources included);
    # the run holds a copy of the file and the chapter shows it by name with its sha256
    assert (out / "_inputs" / "sp_moves.csv").read_bytes() == csv.read_bytes()
    for f in out.rglob("*"):
        if f.is_file() and f.suffix in (".ipynb", ".html", ".json", ".txt"):
            assert str(tmp_path) not in f.read_text(errors="replace"), f"machine path in {f.relative_to(out)}"
    sources = nbformat.read(out / "html" / "_sources" / "book" / "graduation.ipynb", as_version=4)
    injected = [c.source for c in sources.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and 'moves_csv = "_inputs/sp_moves.csv"' in injected[0]
    sha = __import__("hashlib").sha256(csv.read_bytes()).hexdigest()[:12]
    page = (out / "html" / "book" / "graduation.html").read_text()
    assert f"sha256 {sha}" in page and "sp_moves.csv" in page
    g3 = next(c for c in res["claims"] if c["id"] == "G3")
    assert g3["sample"]["n"] == 5  # the five moves with prices; CCMP has none
    assert g3["verdict"] == "untestable with available data"  # S&P moves cannot decide a Russell count
    assert g3["sample"]["start"] == "2019-12-02" and g3["sample"]["end"] == "2024-01-23"
    nb = nbformat.read(out / "graduation.ipynb", as_version=4)
    text = "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))
    assert "The supplied list holds 6 moves, 5 of them with prices" in text
    for ticker in ("CROX", "SAIA", "CELH", "FIX", "ELF", "CCMP"):
        assert ticker in text
    assert "BHAR 0..+24" in text
    # the event-study figure of the supplied moves was drawn
    g3_cells = [c for c in nb.cells if c.cell_type == "code" and "grad.g3_figure(g3)" in c.source]
    assert any("image/png" in o.get("data", {}) for o in g3_cells[0].outputs)


# -- user files: duplicates, unpriced standouts, lists nothing can price (G04-G08, F-3) ----------------

#: The review's G06 list (reliability report, F-3): 22 distinct moves written as 43 rows.
DUP43_TICKERS = ("GATX CF INFO RH AMT ATO WAT NHP BDN HLI PANW APG MRVL CYTK ALL BAH KNX JOE ASTH DRI BBY NVDA").split()


def russell_csv(tmp_path, tickers, name="moves.csv"):
    lines = ["ticker,date,from,to"] + [f"{t},2026-06-26,Russell 2000,Russell 1000" for t in tickers]
    return write(tmp_path, "\n".join(lines) + "\n", name)


class TestMovesCsvDuplicates:
    def test_dup43_is_refused_naming_the_rows(self, tmp_path):
        """G06: ``dup43.csv`` counted 43 moves and made G3 "supported"; it has 22."""
        p = russell_csv(tmp_path, DUP43_TICKERS + DUP43_TICKERS[:21], "dup43.csv")
        assert len(p.read_text().splitlines()) == 44
        with pytest.raises(ParameterError) as err:
            grad.read_moves_csv(p, "2000-01-03", "2026-07-14")
        assert str(err.value) == (
            "moves_csv has 21 duplicate row(s) (22 distinct moves in 43 rows): row 23 repeats row 1 (GATX 2026-06-26); "
            "row 24 repeats row 2 (CF 2026-06-26); row 25 repeats row 3 (INFO 2026-06-26); row 26 repeats row 4 "
            "(RH 2026-06-26); row 27 repeats row 5 (AMT 2026-06-26); and 16 more; give each company's move on a "
            "date once")

    def test_five_moves_four_times_each_is_refused(self, tmp_path):
        """G05: 5 moves x 4 rows were counted as 20 events."""
        rows = ["ticker,date,from,to"] + [f"{t},{d},S&P 600,S&P 400" for _ in range(4) for t, d in
                                          (("CROX", "2021-06-02"), ("SAIA", "2021-08-30"), ("CELH", "2022-08-10"),
                                           ("FIX", "2023-12-18"), ("ELF", "2024-01-23"))]
        with pytest.raises(ParameterError, match=r"^moves_csv has 15 duplicate row\(s\) \(5 distinct moves in 20 rows\): "
                                                 r"row 6 repeats row 1 \(CROX 2021-06-02\);"):
            grad.read_moves_csv(write(tmp_path, "\n".join(rows) + "\n"), "2000-01-03", "2026-07-14")

    def test_duplicates_are_found_across_spelling_and_case(self, tmp_path):
        p = write(tmp_path, "ticker,date,from,to\nbe,2026-06-26,Russell 2000,Russell 1000\n"
                            " BE ,2026-06-26,russell2000,Russell-1000\n")
        with pytest.raises(ParameterError, match=r"row 2 repeats row 1 \(BE 2026-06-26\)"):
            grad.read_moves_csv(p)

    def test_two_moves_of_one_company_on_one_day_are_refused(self, tmp_path):
        p = write(tmp_path, "ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nA,2024-01-02,S&P 600,S&P 500\n")
        with pytest.raises(ParameterError, match=r"row 2 gives a second move for row 1 \(A 2024-01-02\)"):
            grad.read_moves_csv(p)

    def test_the_same_company_on_two_dates_is_two_moves(self, tmp_path):
        p = write(tmp_path, "ticker,date,from,to\nA,2021-01-04,S&P 600,S&P 400\nA,2024-01-02,S&P 400,S&P 600\n")
        assert len(grad.read_moves_csv(p)) == 2

    def test_ten_thousand_distinct_rows_are_read(self, tmp_path):
        """G07: a long list is handled (and checked for duplicates in one pass)."""
        days = pd.bdate_range("2000-01-03", periods=2000)
        rows = ["ticker,date,from,to"] + [f"T{i % 5}X,{days[i // 5].date()},S&P 600,S&P 400" for i in range(10_000)]
        m = grad.read_moves_csv(write(tmp_path, "\n".join(rows) + "\n"), "2000-01-03", "2026-07-14")
        assert len(m) == 10_000 and m[["ticker", "date"]].duplicated().sum() == 0

    @pytest.mark.parametrize("ticker", ["<img src=x onerror=alert(1)>", "A B", "TOOLONGTICKER1"])
    def test_markup_or_garbage_is_not_a_ticker(self, tmp_path, ticker):
        """G08: markup was accepted as a ticker and counted toward G3."""
        p = write(tmp_path, f'ticker,date,from,to\n"{ticker}",2026-06-26,Russell 2000,Russell 1000\n')
        with pytest.raises(ParameterError, match=r"^moves_csv row 1: ticker=.* is not a ticker; give letters and digits"):
            grad.read_moves_csv(p)

    @pytest.mark.parametrize("ticker", ["BRK.B", "BF-B", "BRK/B", "3M", "be"])
    def test_share_class_tickers_are_tickers(self, tmp_path, ticker):
        p = write(tmp_path, f"ticker,date,from,to\n{ticker},2026-06-26,Russell 2000,Russell 1000\n")
        assert list(grad.read_moves_csv(p)["ticker"]) == [ticker.upper()]


def test_g3_is_capped_at_partly_when_the_standout_cannot_be_priced(inputs):
    """F-3: the rule needs the count AND BE's run-up on top; BE without prices confirms neither."""
    inp = russell_inputs(inputs, grad.G3_CLAIM_MOVES)
    inp.prices = inp.prices.drop(columns="BE")
    inp.user_moves = grad._with_prices(inp.user_moves.drop(columns="has_prices"), inp.prices)
    g3 = grad.g3_evidence(inp)
    r = grad.g3_verdict(g3, inp)
    assert r.verdict == "partly supported" and r.statistic.value == 43 and r.sample.n == 42
    assert r.note == ("The supplied list has 43 Russell 2000 → 1000 moves in June 2026 against the claim's 43; BE's "
                      "run-up could not be ranked (no prices for BE), so the standout half of the claim is unconfirmed "
                      "and the verdict is capped at partly supported.")
    # without BE in the list at all, the standout is not confirmed either
    inp.user_moves = inp.user_moves.assign(ticker=[f"U{i}" for i in range(43)])
    r = grad.g3_verdict(grad.g3_evidence(inp), inp)
    assert r.verdict == "partly supported" and "BE is not among the supplied moves" in r.note


def test_g3_notes_when_nothing_can_be_priced(inputs, tmp_path):
    """G04: a list none of whose tickers has prices is accepted; the page says the moves could
    not be priced, not that no list was given."""
    assert grad.g3_no_study_note(grad.g3_evidence(inputs)) == "No event study without a moves list."
    inputs.prices = pd.DataFrame({"AAA": [1.0, 1.1]}, index=month_ends("2026-05-31", 2))
    moves = grad.read_moves_csv(russell_csv(tmp_path, [f"ZZZ{i}Q" for i in range(20)]))
    inputs.user_moves = grad._with_prices(moves, inputs.prices)
    g3 = grad.g3_evidence(inputs)
    assert g3.study is None and len(g3.moves) == 20
    note = grad.g3_no_study_note(g3)
    assert note.startswith("No event study: none of the 20 supplied moves could be priced")
    assert "without a moves list" not in note and "without a moves list" not in grad.g3_message(g3)
    assert "None of the supplied moves could be priced" in grad.g3_message(g3)
    assert grad.g3_figure(g3) == "none of the 20 supplied moves could be priced."
    r = grad.g3_verdict(g3, inputs)
    assert r.verdict == "not supported" and r.statistic.value == 20 and r.sample.n == 0


@pytest.fixture(scope="module")
def snapshot_inputs(tmp_path_factory, snapshot_dir):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("grad") / "store")
    return grad.load_inputs(ds, window("2004-12-30", "2026-07-13"))


def with_moves(inp, path):
    inp.user_moves = grad._with_prices(grad.read_moves_csv(path, inp.prices.index.min(), inp.last_quote), inp.prices)
    return inp


def test_referee_43_row_list_with_be_is_partly_supported_on_the_snapshot(snapshot_inputs, tmp_path):
    """Referee (valuation-graduation, G3): 43 distinct R2000 -> R1000 moves including BE, which
    the stock panel does not hold, returned "supported"; the standout is unconfirmed."""
    inp = snapshot_inputs
    panel = list(inp.prices.columns)
    assert "BE" not in panel
    extra = [t for t in panel if t not in DUP43_TICKERS][:20]
    tickers = DUP43_TICKERS + extra + ["BE"]
    assert len(set(tickers)) == 43
    with_moves(inp, russell_csv(tmp_path, tickers))
    g3 = grad.g3_evidence(inp)
    r = grad.g3_verdict(g3, inp)
    priced = int(g3.moves["has_prices"].sum())
    assert r.verdict == "partly supported" and r.statistic.value == 43 and r.sample.n == priced == 42
    assert "BE's run-up could not be ranked (no prices for BE)" in r.note and "capped at partly supported" in r.note
    # 42 distinct moves: within 10% of 43, partly supported as before
    with_moves(inp, russell_csv(tmp_path, tickers[:42], "m42.csv"))
    assert grad.g3_verdict(grad.g3_evidence(inp), inp).verdict == "partly supported"
    # the review's dup43.csv never reaches the verdict
    with pytest.raises(ParameterError, match=r"^moves_csv has 21 duplicate row\(s\) \(22 distinct moves in 43 rows\)"):
        with_moves(inp, russell_csv(tmp_path, DUP43_TICKERS + DUP43_TICKERS[:21], "dup43.csv"))


def test_unknown_tickers_on_the_snapshot_are_accepted_and_disclosed(snapshot_inputs, tmp_path):
    """G04 on the real data: 20 unknown tickers, 0 priced, G3 decided on the count alone."""
    inp = with_moves(snapshot_inputs, russell_csv(tmp_path, [f"ZZZ{i}Q" for i in range(20)]))
    g3 = grad.g3_evidence(inp)
    assert g3.study is None
    assert grad.g3_no_study_note(g3).startswith("No event study: none of the 20 supplied moves could be priced")
    r = grad.g3_verdict(g3, inp)
    assert r.verdict == "not supported" and r.statistic.value == 20
