"""Index graduation (chapter `graduation`, claims G1-G5): event matching, event-study alignment,
ranks, contributions, buy-and-hold, dispersion, the moves CSV read through the data layer, the
parameters and the rules' boundaries (``Claim.from_evidence``), on small hand-made membership
events and price panels with known answers; the claims on the reference snapshot (equal to the
committed results); and, marked ``book``, the chapter run on a user-supplied list of real S&P
moves."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallcaps.analytics import graduation as ga
from smallcaps.book.params import window
from smallcaps.claims import graduation as grad
from smallcaps.claims.graduation import G1, G2, G3, G4, G5, Ladder
from smallcaps.claims.graduation.g1_leave import G1Evidence
from smallcaps.claims.graduation.g2_late import G2Evidence
from smallcaps.claims.graduation.g3_reconstitution import CLAIMED_MOVES, CLAIMED_STANDOUT
from smallcaps.claims.graduation.g4_unprofitable import CLAIMED_SHARE, G4Evidence
from smallcaps.claims.graduation.g5_active import G5Evidence
from smallcaps.claims.graduation.inputs import GraduationInputs
from smallcaps.data import DataSession, Prices
from smallcaps.errors import DataError, ParameterError
from smallcaps.sources import moves_csv
from smallcaps.stats import Estimate

ROOT = Path(__file__).resolve().parents[1]


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


def test_with_prices_looks_at_the_month_end_before_the_move():
    idx = month_ends("2024-01-31", 3)
    prices = pd.DataFrame({"A": [np.nan, 10.0, 11.0], "B": [5.0, np.nan, 6.0]}, index=idx)
    ev = pd.DataFrame({"ticker": ["A", "B", "A", "ZZZ"],
                       "date": pd.to_datetime(["2024-03-01", "2024-03-01", "2024-02-01", "2024-03-01"])})
    # a move on 1 March looks at 29 February (members through the day before); on 1 February at 31 January
    assert ga.with_prices(ev, prices)["has_prices"].tolist() == [True, False, False, False]
    assert ga.with_prices(ev.iloc[0:0], prices)["has_prices"].dtype == bool


def test_benchmark_growth_over_the_months_after_each_move():
    idx = month_ends("2024-01-31", 4)
    etfs = pd.DataFrame({"IJR": [100.0, 110.0, 121.0, 133.1], "IJH": [50.0, 50.0, 40.0, 40.0]}, index=idx)
    g = ga.benchmark_growth(pd.to_datetime(["2024-02-10", "2024-02-10", "2024-04-15"]), ["IJR", "IJH", "IJR"],
                            etfs, 2)
    # t0 = 31 January: 100 -> 121 and 50 -> 40; the third runs past the data: 0
    assert g.tolist() == pytest.approx([0.21, -0.2, 0.0])


def test_frozen_roster_against_the_reconstituted_index():
    idx = month_ends("2021-03-31", 3)
    prices = pd.DataFrame({"A": [10.0, 20.0, 20.0], "B": [10.0, 5.0, 10.0], "C": [10.0, 10.0, 30.0]}, index=idx)
    bench = pd.Series([100.0, 100.0, 150.0], index=idx, name="IJR")
    # roster at the start: A, B and GONE (no prices); C joins in April in place of B
    panel = pd.DataFrame({"A": True, "B": [True, False, False], "C": [False, True, True], "GONE": [True, True, True]},
                         index=idx)
    f = ga.frozen_roster(prices, bench, panel)
    assert f.attrs["n_roster"] == 3 and f.attrs["n_priced"] == 2 and f.attrs["year"] == 2021
    # bought and held A and B: (2 + 1) / 2 at the end
    assert f["2021 roster, bought and held"].tolist() == pytest.approx([1.0, 1.25, 1.5])
    # rebalanced: A and B each month (+25%, then (0 + 100%)/2 = +50%)
    assert f["2021 roster, equal weight rebalanced"].iloc[-1] == pytest.approx(1.25 * 1.5)
    # point in time: A, B in April (+25%); A, C in May ((0 + 200%)/2 = +100%)
    assert f["point-in-time index, equal weight"].iloc[-1] == pytest.approx(1.25 * 2.0)
    assert f["IJR"].iloc[-1] == pytest.approx(1.5) and f["bound: missing earn IJR"].iloc[-1] == pytest.approx(
        (2 + 1 + 1.5) / 3)


def test_unprofitable_share_counts_firms_at_or_below_zero():
    firms = pd.DataFrame({"<= 0": [40.0, np.nan], "Lo 30": [20.0, 1.0], "Med 40": [25.0, 1.0], "Hi 30": [15.0, 1.0]},
                         index=pd.PeriodIndex(["2023-01", "2023-02"], freq="M"))
    s = ga.unprofitable_share(firms)
    assert len(s) == 1 and s["share"].iloc[0] == pytest.approx(0.40) and s["all"].iloc[0] == 100
    assert s["month"].iloc[0] == pd.Timestamp("2023-01-31")


def test_dominance_multiple_is_a_parameter():
    m = pd.DataFrame({"index_return": [0.02, 0.02], "group_contribution": [0.004, 0.004], "group_weight": [0.05, 0.05]},
                     index=month_ends("2022-01-31", 2))
    assert ga.dominance(m)["dominates"] and not ga.dominance(m, multiple=5.0)["dominates"]


# -- the moves CSV, read through the data layer ---------------------------------------------------------------


def write(tmp_path, text, name="moves.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


class TestMovesCsv:
    def test_valid_file_with_aliases(self):
        m = moves_csv.parse(b"ticker,date,from,to\nbe,2026-06-26,Russell 2000,Russell 1000\n"
                            b"CELH,2022-08-10,S&P SmallCap 600,sp400\n")["moves"]
        assert list(m["ticker"]) == ["CELH", "BE"]
        assert list(m["origin"]) == ["sp600", "russell2000"] and list(m["destination"]) == ["sp400", "russell1000"]
        assert list(m["direction"]) == ["up", "up"] and list(m["row"]) == [2, 1]

    @pytest.mark.parametrize("text, message", [
        ("ticker,date,to\nA,2024-01-02,S&P 400\n",
         "moves_csv lacks column(s) from; required: ticker, date, from, to"),
        ("ticker,date,from,to\n", "moves_csv has no rows"),
        ("", "moves_csv is not a readable CSV (the file is empty)"),
        ("<html>oops</html>", "moves_csv is not a readable CSV (the file is an HTML/XML page, not a CSV)"),
        ("ticker,date,from,to\nA,2024-13-02,S&P 600,S&P 400\n",
         "moves_csv row 1: date='2024-13-02' is not a date; give YYYY-MM-DD"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nB,2024-01-02,S&P 700,S&P 400\n",
         "moves_csv row 2: from='S&P 700' is not a known index; valid: S&P 600, S&P 400, S&P 500, Russell 2000, "
         "Russell 1000"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,sp600\n", "moves_csv row 1: from and to are both S&P 600"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,Russell 1000\n", "are on different ladders"),
        ("ticker,date,from,to\n ,2024-01-02,S&P 600,S&P 400\n", "moves_csv row 1: ticker is empty"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400,extra\n",
         "moves_csv row 1: 5 fields where the header has 4"),
        ("ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nB,2024-01-03,S&P 600,S&P 400\n"
         "a,2024-01-02,sp600,S&P 400\n",
         "moves_csv row 3 repeats row 1 (A, 2024-01-02, S&P 600 → S&P 400); 1 repeated row(s) in all (rows 3); "
         "give each move once"),
    ])
    def test_one_line_errors(self, text, message):
        with pytest.raises(ParameterError) as err:
            moves_csv.parse(text.encode())
        assert message in str(err.value) and "\n" not in str(err.value)

    def test_dates_outside_the_price_data(self):
        m = moves_csv.parse(b"ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nB,1999-06-30,S&P 600,S&P 400\n")
        with pytest.raises(ParameterError, match=r"moves_csv row 2: date=1999-06-30 is outside the price data; "
                                                 r"valid: 2000-01-03\.\.2026-07-14"):
            moves_csv.check_dates(m["moves"], "2000-01-03", "2026-07-14")

    def test_a_list_of_22_moves_in_43_rows_is_refused(self, tmp_path, offline):
        # reliability review G06: 22 distinct moves written as 43 rows read as 43 moves and made G3 "supported"
        names = ("GATX CF INFO RH AMT ATO WAT NHP BDN HLI PANW APG MRVL CYTK ALL BAH KNX JOE ASTH DRI BBY NVDA").split()
        rows = [f"{t},2026-06-26,Russell 2000,Russell 1000" for t in names + names[:21]]
        p = write(tmp_path, "ticker,date,from,to\n" + "\n".join(rows) + "\n", "dup43.csv")
        with pytest.raises(ParameterError) as err:
            DataSession().user_file(p, kind="moves")
        msg = str(err.value)
        assert msg.startswith("moves_csv row 23 repeats row 1 (GATX, 2026-06-26, Russell 2000 → Russell 1000); "
                              "21 repeated row(s) in all (rows 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, ...)")
        assert "\n" not in msg

    def test_user_file_records_provenance_by_file_name(self, tmp_path, offline):
        p = write(tmp_path, "ticker,date,from,to\nCELH,2022-08-10,S&P 600,S&P 400\nFIX,2023-12-18,S&P 600,S&P 400\n",
                  "sp_moves.csv")
        ds = DataSession()
        loaded = ds.user_file(p)
        prov = loaded.provenance
        assert (prov.dataset, prov.source, prov.origin, prov.location) == ("user/moves_csv", "user", "user",
                                                                            "sp_moves.csv")
        assert prov.rows == 2 and (prov.first, prov.last) == ("2022-08-10", "2023-12-18")
        import hashlib

        assert prov.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
        assert str(tmp_path) not in prov.to_json()  # no machine path
        assert ds.used() == [prov] and list(loaded.frame["ticker"]) == ["CELH", "FIX"]
        # the chapter's "Data as of" lists it
        from smallcaps.book.chapter import summarise_provenance

        assert summarise_provenance(ds.used()) == [
            f"user: moves_csv (to 2023-12-18, sp_moves.csv, sha256 {prov.sha256[:12]}) (user)"]

    def test_missing_file_and_unknown_kind(self, tmp_path, offline):
        with pytest.raises(ParameterError, match="moves_csv='nope.csv' is not a file; give a CSV with columns"):
            DataSession().user_file(tmp_path / "nope.csv")
        with pytest.raises(ParameterError, match="kind='prices' is not a user file kind; valid: moves, ousm_holdings, forward_pe"):
            DataSession().user_file(tmp_path / "nope.csv", kind="prices")


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
    from smallcaps.claims.graduation import inputs as gi

    assert spec("graduation", "pre_months").low == gi.RANK_MONTHS  # ranking needs that many months before
    assert spec("graduation", "benchmark").choices == gi.BENCHMARKS
    assert (spec("graduation", "match_window_days").default, spec("graduation", "pre_months").default,
            spec("graduation", "post_months").default) == (gi.MATCH_WINDOW.default, gi.PRE_MONTHS.default,
                                                           gi.POST_MONTHS.default)
    assert grad.check_parameters(7.0, 36, 24, "origin")["match_window_days"] == 7  # a whole float is accepted


def test_parameters_typed_from_text():
    assert grad.check_parameters("14", " 24", 12, "destination") == {
        "match_window_days": 14, "pre_months": 24, "post_months": 12, "benchmark": "destination"}


def test_chapter_parameters_record_the_file_name_only(tmp_path):
    f = write(tmp_path, "ticker,date,from,to\n", "russell_moves.csv")
    p = grad.chapter_parameters(7, 36, 24, "origin", str(f))
    assert p == {"match_window_days": 7, "pre_months": 36, "post_months": 24, "benchmark": "origin",
                 "moves_csv": "russell_moves.csv"}
    assert grad.chapter_parameters(7, 36, 24, "origin", None)["moves_csv"] is None
    # a missing file is refused at once, before any data is loaded
    with pytest.raises(ParameterError, match="moves_csv='gone.csv' is not a file"):
        grad.chapter_parameters(7, 36, 24, "origin", str(tmp_path / "gone.csv"))


def test_window_shorter_than_the_minimum_is_refused():
    assert grad.MIN_WINDOW_DAYS == 1
    grad.check_window(window("2020-03-16", "2020-03-16"))  # one day: a chapter that says what it cannot show
    from smallcaps.book.params import Window

    bad = Window(pd.Timestamp("2020-03-16"), pd.Timestamp("2020-03-15"), pd.Timestamp("2020-03-15"))
    with pytest.raises(ParameterError, match=r"start=2020-03-16, end=2020-03-15: the window has 0 day\(s\); "
                                             r"the graduation chapter needs at least 1"):
        grad.check_window(bad)


# -- the rules ---------------------------------------------------------------------------------------------


def est(value, lo, hi, n=40):
    return Estimate(value, None, lo, hi, 0.95, None, None, n, "test")


WINDOW = window("2020-01-01", "2026-07-13")


def g1_evidence(rank, tail):
    ranks = pd.DataFrame({"origin": ["sp600"], "move": ["S&P 600 → S&P 400"], "date": [pd.Timestamp("2023-01-02")],
                          "rank": [90.0], "rank_low": [80.0], "rank_high": [95.0]})
    return G1Evidence(ranks, ranks, pd.DataFrame(), pd.DataFrame(), rank, tail, ranks)


@pytest.mark.parametrize("rank, tail, verdict", [
    (est(86, 80, 91), est(0.8, 0.75, 0.85), "supported"),
    (est(86, 80, 91), est(0.6, 0.55, 0.65), "partly supported"),
    (est(86, 80, 91), None, "partly supported"),
    (est(70, 60, 80), est(0.8, 0.75, 0.85), "partly supported"),
    (est(55, 45, 65), est(0.8, 0.75, 0.85), "not supported"),
    (None, None, "untestable with available data"),
])
def test_g1_rule(rank, tail, verdict):
    r = G1.from_evidence(g1_evidence(rank, tail), window=WINDOW).result
    assert r.verdict == verdict
    if rank is not None:
        assert r.statistic.value == rank.value and r.statistic.ci_low == rank.ci_low
        assert r.sample.n == 40 and r.sample.start == "2023-01-02"
    else:
        assert r.note.startswith("Only 1 S&P 600 graduate with prices in the window (at least 10 needed)")


def g2_evidence(post, dominates):
    dom = {"sp600": {"share": 0.3, "weight": 0.02, "group_sum": 0.05, "index_sum": 0.16, "dominates": dominates}}
    ev = pd.DataFrame({"date": [pd.Timestamp("2022-01-03"), pd.Timestamp("2023-05-01")]})
    return G2Evidence({}, pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), dom, {}, pd.DataFrame(),
                      post, ev)


@pytest.mark.parametrize("post, dominates, verdict", [
    (est(0.10, 0.02, 0.2), True, "supported"),
    (est(0.10, -0.02, 0.2), True, "partly supported"),
    (est(0.10, 0.02, 0.2), False, "partly supported"),
    (est(-0.05, -0.2, 0.1), False, "not supported"),
    (None, True, "untestable with available data"),
])
def test_g2_rule(post, dominates, verdict):
    r = G2.from_evidence(g2_evidence(post, dominates), window=WINDOW).result
    assert r.verdict == verdict
    if post is not None:
        assert r.statistic.value == pytest.approx(100 * post.value) and r.statistic.unit == "pp"
        assert r.statistic.name == "graduates' 24-month BHAR vs IJR"
        assert (r.sample.start, r.sample.end) == ("2022-01-03", "2023-05-01")
        assert "(dominant by the rule)" in r.note if dominates else "(not dominant by the rule)" in r.note


def g5_evidence(gap):
    months = month_ends("2021-03-31", 64)
    return G5Evidence({}, gap, gap, (0, 0), None, pd.DataFrame(), months)


@pytest.mark.parametrize("gap, verdict", [
    (est(0.12, 0.08, 0.16, 64), "untestable with available data"),
    (est(0.01, -0.02, 0.04, 64), "untestable with available data"),
    (est(-0.05, -0.08, -0.01, 64), "not supported"),
])
def test_g5_rule_never_supports_without_fund_returns(gap, verdict):
    r = G5.from_evidence(g5_evidence(gap), window=WINDOW).result
    assert r.verdict == verdict and r.sample.n == 64 and r.statistic.value == pytest.approx(100 * gap.value)
    assert r.sample.frequency == "monthly" and r.sample.start == "2021-03-31"
    if verdict != "not supported":
        assert r.note.startswith(f"The premise {'holds' if gap.ci_low > 0 else 'is undecided'}")


def test_g5_untestable_without_a_gap():
    r = G5.from_evidence(g5_evidence(None), window=WINDOW).result
    assert r.verdict == "untestable with available data" and r.statistic.value is None
    assert "fewer than 24 months" in r.note


def test_g4_is_untestable_and_the_proxy_share_is_counted():
    firms = pd.DataFrame({"<= 0": [40.0], "Lo 30": [20.0], "Med 40": [25.0], "Hi 30": [15.0]},
                         index=pd.PeriodIndex(["2023-02"], freq="M"))
    g4 = G4.from_evidence(G4Evidence(ga.unprofitable_share(firms)), window=WINDOW)
    assert g4.evidence.proxy["share"].iloc[0] == pytest.approx(0.40) and g4.evidence.proxy["all"].iloc[0] == 100
    r = g4.result
    assert r.verdict == "untestable with available data" and r.statistic.value is None
    assert (r.sample.start, r.sample.end, r.sample.n) == ("2020-01-01", "2026-07-13", 0)
    assert g4.phrase_near() == "near" and g4.facts()["g4_last_share"].text() == "40.0"


# -- G3 on a user's list (hand-made prices) ------------------------------------------------------------------------


def russell_inputs(tmp_path, n_moves, standout="best", extra=""):
    """Inputs with a user list of ``n_moves`` Russell 2000 -> 1000 moves on 26 June 2026, read through the
    data layer; BE the best run-up (``best``), not the best (``not best``) or without prices (``unpriced``)."""
    idx = month_ends("2024-06-30", 25)  # to 2026-06-30
    tickers = [f"T{i}" for i in range(n_moves - 1)] + [CLAIMED_STANDOUT]
    growth = {t: 1.0 + 0.01 * i for i, t in enumerate(tickers[:-1])}
    if standout != "unpriced":
        growth["BE"] = 5.0 if standout == "best" else 1.0
    close = pd.DataFrame({t: np.linspace(100, 100 * g, len(idx)) for t, g in growth.items()}, index=idx)
    etfs = pd.DataFrame({"IWM": 100.0, "IWB": 100.0, "IJR": 100.0, "IJH": 100.0, "IVV": 100.0}, index=idx)
    rows = "".join(f"{t},2026-06-26,Russell 2000,Russell 1000\n" for t in tickers)
    p = write(tmp_path, "ticker,date,from,to\n" + rows + extra, "russell.csv")
    user = DataSession(mode="offline", snapshot="none", store=tmp_path / "store").user_file(p)
    return GraduationInputs(memberships={}, stocks=Prices(close), etfs=Prices(etfs), french=None, user_moves=user)


@pytest.mark.parametrize("n, standout, verdict", [
    (CLAIMED_MOVES, "best", "supported"),
    (CLAIMED_MOVES, "not best", "partly supported"),
    (CLAIMED_MOVES, "unpriced", "partly supported"),  # review G3: BE cannot be ranked -> at most partly
    (CLAIMED_MOVES - 2, "best", "partly supported"),
    (30, "best", "not supported"),
])
def test_g3_rule_on_a_user_list(tmp_path, n, standout, verdict):
    inp = russell_inputs(tmp_path, n, standout)
    g3 = G3(inp, WINDOW)
    r = g3.result
    assert r.verdict == verdict
    priced = n if standout != "unpriced" else n - 1
    assert r.statistic.value == n and r.sample.n == priced
    assert len(g3.moves_table()) == n and g3.summary_table().loc["BHAR -12..0", "moves"] == priced
    if standout == "unpriced":
        assert r.note == ("The supplied list has 43 Russell 2000 → 1000 moves in June 2026 against the claim's 43; "
                          "BE's run-up could not be ranked (the data hold no prices for BE), so the list cannot "
                          "confirm the claimed standout and the verdict is at most partly supported.")
    assert g3.all_flags() == {"g3": True, "g3_moves": True, "g3_priced": True, "g3_outside": False}
    # the chapter's figure of the supplied moves draws from these paths
    import matplotlib.pyplot as plt

    from smallcaps.plots import graduation as gplots

    fig = g3.plot(gplots.event_paths)
    assert len(fig.axes) == 2 and fig.axes[0].get_lines()
    plt.close(fig)


def test_g3_standout_not_in_the_list_is_not_confirmed(tmp_path):
    inp = russell_inputs(tmp_path, CLAIMED_MOVES, "best")
    frame = inp.user_moves.tables["moves"]
    frame.loc[frame["ticker"] == "BE", "ticker"] = "T99"
    r = G3(inp, WINDOW).result
    assert r.verdict == "partly supported" and "BE is not among the supplied moves" in r.note


def test_g3_without_a_list_or_without_russell_moves(tmp_path):
    none = GraduationInputs(memberships={}, stocks=Prices(pd.DataFrame()), etfs=Prices(pd.DataFrame()), french=None)
    g3 = G3(none, WINDOW)
    r = g3.result
    assert r.verdict == "untestable with available data" and (r.sample.start, r.sample.n) == ("2020-01-01", 0)
    assert str(g3.moves_table()) == "No moves supplied."
    assert str(g3.summary_table()) == "No event study without a moves list."
    assert g3.plot(lambda **kw: 1 / 0) == "no moves list was supplied."
    assert g3.all_flags() == {"g3": True, "g3_moves": False, "g3_priced": False, "g3_outside": False}
    inp = russell_inputs(tmp_path, 5)
    frame = inp.user_moves.tables["moves"]
    frame["origin"], frame["destination"] = "sp600", "sp400"
    r = G3(inp, WINDOW).result
    assert r.verdict == "untestable with available data" and r.statistic.value is None and r.sample.n == 5
    assert r.note.startswith("The supplied list has 5 moves in the window (5 with prices, event study shown)")


def test_g3_list_none_of_whose_moves_can_be_priced(tmp_path):
    # reliability review G04: a list was supplied, so the page must not say there was none
    inp = russell_inputs(tmp_path, 3, extra="ZZZ1,2026-06-26,Russell 2000,Russell 1000\n")
    frame = inp.user_moves.tables["moves"]
    frame["ticker"] = [f"ZZZ{i}" for i in range(len(frame))]
    g3 = G3(inp, WINDOW)
    text = str(g3.summary_table())
    assert text == "No event study: none of the supplied moves dated in the window has prices."
    assert "without a moves list" not in text
    assert g3.plot(lambda **kw: 1 / 0) == "none of the supplied moves dated in the window has prices."
    assert g3.result.verdict == "not supported" and g3.result.sample.n == 0
    assert g3.all_flags()["g3_priced"] is False and g3.all_flags()["g3_moves"] is True
    assert g3.facts()["g3_moves"].text() == "4 moves" and g3.facts()["g3_n_priced"].text() == "0"


def test_g3_is_judged_on_the_reconstitution_only_when_the_window_holds_it(tmp_path):
    # reliability review F-20 for G3: a window ending before June 2026 cannot count June 2026's moves
    inp = russell_inputs(tmp_path, CLAIMED_MOVES, "best")
    before = G3(inp, window("2020-01-01", "2025-12-31"))
    r = before.result
    assert r.verdict == "untestable with available data" and r.statistic.value is None
    assert r.note.startswith("The supplied list has 0 moves in the window (0 with prices")
    assert before.all_flags()["g3_outside"] and before.facts()["g3_moves"].text() == "43 moves"
    assert before.facts()["g3_inside"].text() == "0" and before.facts()["g3_priced_have"].text() == "none has"
    assert before.phrase_claim_moves() == "none is a Russell 2000 → Russell 1000 move"
    assert G3(inp, WINDOW).result.verdict == "supported"


def test_g3_studies_only_the_moves_inside_the_window(tmp_path):
    inp = russell_inputs(tmp_path, 4, extra="T0,2024-08-15,Russell 2000,Russell 1000\n")
    g3 = G3(inp, window("2026-01-01", "2026-07-13"))
    assert len(g3.moves_table()) == 4 and g3.all_flags()["g3_outside"]
    assert g3.facts()["g3_moves"].text() == "5 moves" and g3.facts()["g3_inside"].text() == "4"
    assert g3.facts()["g3_priced_have"].text() == "4 have"
    assert g3.facts()["g3_claim_phrase"].text() == "4 are Russell 2000 → Russell 1000 moves"


# -- specifications: thresholds are data --------------------------------------------------------------------------


def test_claims_constants_and_rules_cite_source_e():
    assert CLAIMED_MOVES == 43 and CLAIMED_SHARE == 0.40 and CLAIMED_STANDOUT == "BE"
    assert [c.id for c in grad.CLAIMS] == ["G1", "G2", "G3", "G4", "G5"]
    assert all(c.rule_for().claim.endswith("[E].") for c in grad.CLAIMS)


def test_every_rule_quotes_the_thresholds_its_decision_reads():
    assert "above 75 (graduates come from the top quartile) and at least two thirds" in G1.rule_for().supported
    assert "fewer than 10 S&P 600 graduates" in G1.rule_for().untestable
    assert "to 24 months after" in G2.rule_for().statistic and "at least 2 times" in G2.rule_for().supported
    assert "within 10% of 43" in G3.rule_for().partly and "35% to 45%" in G4.rule_for().supported
    assert "interquartile range of members' trailing 12-month returns" in G5.rule_for().statistic
    # change a threshold: the rule's text and the decision change together
    r = G1.rule_for({"top_rank": 80.0, "tail_share": 0.5, "rank_months": 36})
    assert "above 80 (graduates come from the top fifth) and at least half of" in r.supported
    assert "36-month return" in r.statistic
    ev = g1_evidence(est(86, 78, 91), est(0.6, 0.55, 0.65))
    assert G1.from_evidence(ev).result.verdict == "partly supported"  # tail 60% < two thirds
    res = G1.from_evidence(ev, spec={"tail_share": 0.5}).result
    assert res.verdict == "supported" and "at least half" in res.rule
    assert G1.from_evidence(ev, spec={"tail_share": 0.5, "top_rank": 80.0}).result.verdict == "partly supported"
    assert "at least 3 times" in G2.rule_for({"dominance_multiple": 3.0}).supported
    assert "to 12 months after" in G2.rule_for({"post_months": 12}).statistic
    assert "within 20% of 43" in G3.rule_for({"partly_tolerance": 0.2}).partly
    assert "38% to 42%" in G4.rule_for({"supported_band": (0.38, 0.42)}).supported
    assert "standard deviation of members' trailing 24-month log returns" in G5.rule_for(
        {"measure": "std_log", "dispersion_months": 24}).statistic
    g5 = G5.from_evidence(G5Evidence({}, est(0.12, 0.08, 0.16, 64), est(-0.05, -0.08, -0.01, 64), (0, 0), None,
                                     pd.DataFrame(), month_ends("2021-03-31", 64)), spec={"measure": "std_log"})
    assert g5.result.verdict == "not supported" and g5.result.statistic.name.startswith("s.d. gap")


def test_g3_tolerance_choice_moves_the_boundary(tmp_path):
    inp = russell_inputs(tmp_path, 40)  # 40 moves: 3 from the claim's 43
    assert G3(inp, WINDOW).result.verdict == "partly supported"  # within 10% (4.3)
    res = G3(inp, WINDOW, spec={"partly_tolerance": 0.05}).result  # within 2.15: no
    assert res.verdict == "not supported" and "more than 5% away from 43" in res.rule


def test_spec_choices_are_checked_with_one_line_errors():
    cases = [
        (G1, {"rank_monthz": 6}, r"G1 has no spec choice 'rank_monthz'; valid: match_window_days, rank_months, "
                                 r"top_rank, median_rank, tail_share, min_events"),
        (G1, {"top_rank": 40.0}, r"G1 spec top_rank=40.0 is out of range; valid: above 50 and below 100"),
        (G1, {"tail_share": 1.5}, r"G1 spec tail_share=1.5 is out of range; valid: between 0 and 1"),
        (G2, {"post_months": 0}, r"G2 spec post_months=0 is out of range; valid: 1\.\.60"),
        (G2, {"benchmark": "IJR"}, r"G2 spec benchmark='IJR' is not a str|G2 spec benchmark='IJR' is out of range; "
                                   r"valid: origin, destination"),
        (G2, {"dominance_multiple": 0.5}, r"G2 spec dominance_multiple=0.5 is out of range; valid: above 1"),
        (G3, {"partly_tolerance": 1.0}, r"G3 spec partly_tolerance=1.0 is out of range; valid: 0 to below 1"),
        (G4, {"supported_band": (0.5, 0.4)}, r"G4 spec supported_band=\(0.5, 0.4\) is out of range"),
        (G5, {"measure": "mad"}, r"G5 spec measure='mad' is out of range; valid: iqr, std_log"),
        (G5, {"dispersion_months": "12"}, r"G5 spec dispersion_months='12' is not a int"),
    ]
    for cls, spec, message in cases:
        with pytest.raises(ParameterError, match=message) as err:
            cls.rule_for(spec)
        assert "\n" not in str(err.value)
    with pytest.raises(ParameterError, match=r"Ladder spec pre_months=6 is out of range; valid: 12\.\.60"):
        Ladder(None, WINDOW, spec={"pre_months": 6})
    assert G2.space.size() == 1 + 2 + 2 + 2 + 1 + 2 + 2 + 1
    labels = [s.label for s in G3.space.variants()]
    assert labels == ["default", "pre_months=24 months", "pre_months=60 months", "post_months=12 months",
                      "post_months=36 months", "partly_tolerance=5%", "partly_tolerance=20%"]


# -- on the reference snapshot ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def snapshot_inputs(snapshot_dir, tmp_path_factory):
    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return grad.load_inputs(ds)


def test_real_ladder_moves_on_the_snapshot(snapshot_inputs):
    inp = snapshot_inputs
    lad = Ladder(inp, window("2004-12-30", "2026-07-13"))
    ev = lad.events.set_index(["ticker", "date"])
    assert ev.loc[("CELH", pd.Timestamp("2022-08-10")), "move"] == "S&P 600 → S&P 400"
    assert ev.loc[("RLI", pd.Timestamp("2019-11-27")), "evidence"] == ga.TEXT_ONLY  # before the S&P 600 record
    up600 = lad.events.loc[(lad.events["origin"] == "sp600") & (lad.events["direction"] == "up")]
    assert len(up600) == 76 and int(up600["has_prices"].sum()) == 66
    assert int((lad.events["move"] == "S&P 400 → S&P 500").sum()) == 110
    assert len(lad.events_alt) >= len(lad.events)
    assert inp.coverage() == (pd.Timestamp("2004-12-30"), pd.Timestamp("2026-07-13"))


def test_month_end_prices_are_those_of_the_window_end(snapshot_inputs):
    inp = snapshot_inputs
    for end in ("2015-06-30", "2021-03-31", "2026-07-13"):
        direct = ga.month_end_prices(inp.stocks.close, end)
        pd.testing.assert_frame_equal(inp.month_end_prices(end), direct)
    assert inp.month_end_prices("2026-07-13").index[-1] == pd.Timestamp("2026-06-30")


def test_claims_on_the_snapshot_equal_the_committed_results(snapshot_dir, tmp_path):
    from smallcaps.claims import evaluate_many

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    got = evaluate_many(["G1", "G2", "G3", "G4", "G5"], data=ds)
    committed = json.loads((ROOT / "book" / "graduation.results.json").read_text())
    assert {cid: r.to_dict() for cid, r in got.items()} == {c["id"]: c for c in committed["claims"]}
    assert [d["dataset"] for d in committed["data"]] == sorted(p.dataset for p in ds.used())


def test_the_notebook_cites_exactly_the_facts_and_shows_the_published_text(snapshot_inputs):
    """Every glue key the notebook cites is a fact of the ladder or a claim, no fact is dead, and on
    the published window exactly one variant of each conditional paragraph is shown."""
    import re

    import nbformat

    from smallcaps.book.prose import conditions

    nb = nbformat.read(ROOT / "book" / "graduation.ipynb", as_version=4)
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    cited = {k for c in md for k in re.findall(r"\{glue:md\}`([^`]+)`", c.source)}
    inp = snapshot_inputs
    w = inp.window
    sources = [Ladder(inp, w), *(cls(inp, w) for cls in grad.CLAIMS)]
    keys = [k for s in sources for k in s.facts()]
    assert len(keys) == len(set(keys))  # a key is glued once
    optional = {"g3_moves", "g3_n_priced", "g3_claim_phrase", "g3_recon_from", "g3_recon_to", "g3_inside",
                "g3_priced_have"}
    assert cited - set(keys) == optional  # the moves-list facts exist only with a list
    assert set(keys) - cited == set()
    flags = {k: v for s in sources for k, v in s.all_flags().items()}
    conditional = [conditions(c) for c in md if conditions(c)]
    shown = [c for c in conditional if all(bool(flags.get(n, False)) == want for n, want in c)]
    assert len(shown) == 13 and len(conditional) == 44
    # the published window's flags: everything measurable except a moves list
    assert {k for k, v in flags.items() if not v} == {"g3_moves", "g3_priced", "g3_outside"}


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
    user = [d for d in res["data"] if d["source"] == "user"]
    assert user == [{"dataset": "user/moves_csv", "source": "user", "origin": "user", "location": "sp_moves.csv",
                     "vintage": user[0]["vintage"], "first": "2019-12-02", "last": "2024-01-23",
                     "sha256": __import__("hashlib").sha256(csv.read_bytes()).hexdigest()}]
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
    assert "moves list sp_moves.csv, sha256" in g3["data_vintage"]
    nb = nbformat.read(out / "graduation.ipynb", as_version=4)
    text = "\n".join(o.get("data", {}).get("text/plain", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))
    for ticker in ("CROX", "SAIA", "CELH", "FIX", "ELF", "CCMP"):
        assert ticker in text
    assert "BHAR 0..+24" in text
    # the event-study figure of the supplied moves was drawn
    g3_cells = [c for c in nb.cells if c.cell_type == "code" and "g3.plot(gplots.event_paths)" in c.source]
    assert any("image/png" in o.get("data", {}) for o in g3_cells[0].outputs)


# -- user files: review cases G07/G08 on the moves parser (reliability report) -------------------------


@pytest.mark.parametrize("ticker", ["<img src=x onerror=alert(1)>", "A B", "TOOLONGTICKER1"])
def test_markup_or_garbage_is_not_a_ticker(ticker):
    """G08: markup was accepted as a ticker and counted toward G3."""
    from smallcaps.sources import moves_csv

    raw = f'ticker,date,from,to\n"{ticker}",2026-06-26,Russell 2000,Russell 1000\n'.encode()
    with pytest.raises(ParameterError, match=r"^moves_csv row 1: ticker=.* is not a ticker; give letters and digits"):
        moves_csv.parse(raw)


@pytest.mark.parametrize("ticker", ["BRK.B", "BF-B", "BRK/B", "3M", "be"])
def test_share_class_tickers_are_tickers(ticker):
    from smallcaps.sources import moves_csv

    raw = f"ticker,date,from,to\n{ticker},2026-06-26,Russell 2000,Russell 1000\n".encode()
    assert list(moves_csv.parse(raw)["moves"]["ticker"]) == [ticker.upper()]


def test_two_moves_of_one_company_on_one_day_are_refused():
    from smallcaps.sources import moves_csv

    raw = b"ticker,date,from,to\nA,2024-01-02,S&P 600,S&P 400\nA,2024-01-02,S&P 600,S&P 500\n"
    with pytest.raises(ParameterError, match=r"^moves_csv row 2 gives a second move for row 1 \(A 2024-01-02\)"):
        moves_csv.parse(raw)
    two_dates = b"ticker,date,from,to\nA,2021-01-04,S&P 600,S&P 400\nA,2024-01-02,S&P 400,S&P 600\n"
    assert len(moves_csv.parse(two_dates)["moves"]) == 2


def test_ten_thousand_distinct_rows_are_read():
    """G07: a long list is handled (and checked for repeats in one pass)."""
    from smallcaps.sources import moves_csv

    days = pd.bdate_range("2000-01-03", periods=2000)
    rows = ["ticker,date,from,to"] + [f"T{i % 5}X,{days[i // 5].date()},S&P 600,S&P 400" for i in range(10_000)]
    m = moves_csv.parse(("\n".join(rows) + "\n").encode())["moves"]
    assert len(m) == 10_000 and not m[["ticker", "date"]].duplicated().any()
