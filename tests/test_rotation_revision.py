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
from smallcaps.claims import rotation as R
from smallcaps.claims.contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE
from smallcaps.params import window
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


# -- dated claims: the claims' dates are the data's ---------------------------------------------------------


def test_claim_dates_are_the_days_the_sources_quote(inputs):
    r2 = R.R2(inputs, FULL)
    assert [d.date().isoformat() for d in r2.evidence.days.index] == list(R.inputs.A_DATES)
    r1 = R.R1(inputs, FULL)
    assert r1.first_reached == pd.Timestamp(R.inputs.C_DATE)
    assert r1.evidence.paths.loc[R.inputs.C_DATE, "IWM-SPY"] == pytest.approx(0.0856, abs=1e-4)


# -- R2: the user's holdings file and the two assertions ----------------------------------------------------

HOLDINGS_CSV = """Ticker,Name,Sector,Weight (%),Shares,Market Value,As Of Date
MLI,Mueller Industries,Industrials,2.10,1000,100000,2026-01-15
GATX,GATX Corp,Industrials,1.80,500,90000,2026-01-15
CSCO,Cisco Systems,Information Technology,3.00,800,150000,2026-01-15
ZZZZ,Unlisted Widgets,Industrials,0.20,10,1000,2026-01-15
,Cash & Equivalents,Cash,0.50,,25000,2026-01-15
"""


def test_holdings_parser_reads_a_sponsor_style_file(tmp_path):
    from smallcaps.sources.ousm_holdings import load_ousm_holdings, parse

    t = parse(HOLDINGS_CSV.encode())["holdings"]
    assert t["ticker"].tolist() == ["CSCO", "MLI", "GATX", "", "ZZZZ"]  # by date, then weight
    assert t["weight"].sum() == pytest.approx(0.076) and t["industrials"].sum() == 3
    assert (t["date"] == pd.Timestamp("2026-01-15")).all() and t.loc[t["ticker"] == "MLI", "row"].item() == 1
    frac = parse(b"symbol,gics sector,weight,date\nMLI,Industrials,0.021,2026-01-15\n")["holdings"]
    assert frac["weight"].item() == pytest.approx(0.021)  # fractions kept
    p = tmp_path / "ousm.csv"
    p.write_text(HOLDINGS_CSV)
    frame, prov = load_ousm_holdings(p)
    assert len(frame) == 5 and prov["location"] == "ousm.csv" and len(prov["sha256"]) == 64
    assert (prov["first"], prov["last"], prov["rows"]) == ("2026-01-15", "2026-01-15", 5)
    assert str(tmp_path) not in json.dumps(prov)  # the name only, never a path


@pytest.mark.parametrize("text, message", [
    ("ticker,sector,date\nMLI,Industrials,2026-01-15\n", r"^ousm_holdings_csv lacks column\(s\) weight; required"),
    ("ticker,sector,weight,date\n", r"^ousm_holdings_csv has no rows; give a CSV with columns ticker, sector"),
    ("ticker,sector,weight,date\n,Industrials,1.0,2026-01-15\n",
     r"^ousm_holdings_csv row 1: ticker is empty; give the holding's ticker \(only a cash line may leave it empty\)$"),
    ("ticker,sector,weight,date\nMLI,Industrials,1.0,2026-01-15\nM L I,Industrials,1.0,2026-01-15\n",
     r"^ousm_holdings_csv row 2: ticker='M L I' is not a ticker"),
    ("ticker,sector,weight,date\nMLI,,1.0,2026-01-15\n", r"^ousm_holdings_csv row 1: sector is empty"),
    ("ticker,sector,weight,date\nMLI,Industrials,abc,2026-01-15\n",
     r"^ousm_holdings_csv row 1: weight='abc' is not a non-negative number"),
    ("ticker,sector,weight,date\nMLI,Industrials,-1,2026-01-15\n", r"^ousm_holdings_csv row 1: weight='-1'"),
    ("ticker,sector,weight,date\nMLI,Industrials,1.0,15/01/2026\n",
     r"^ousm_holdings_csv row 1: date='15/01/2026' is not a date; give YYYY-MM-DD$"),
    ("ticker,sector,weight,date\nMLI,Industrials,1.0,2026-01-15\nMLI,Industrials,2.0,2026-01-15\n",
     r"^ousm_holdings_csv row 2 repeats row 1 \(MLI, 2026-01-15\); give each holding once per date$"),
    ("ticker,sector,weight,date\nMLI,Industrials,60,2026-01-15\nGATX,Industrials,60,2026-01-15\n",
     r"^ousm_holdings_csv: the weights dated 2026-01-15 add up to 120.0% of the fund"),
    ("<html>error</html>", r"^ousm_holdings_csv is not a readable CSV \(the file is an HTML/XML page, not a CSV\)"),
    # X3: free text a table shows never reaches a page as markup
    ('ticker,sector,weight,date\nMLI,"<img src=x onerror=alert(1)>",1.0,2026-01-15\n',
     r"^ousm_holdings_csv row 1: sector='<img src=x onerror=a' holds markup characters \(< > ` \{ \} \| \[ \]\); "
     r"give plain text \(e.g. Industrials\)$"),
    ("ticker,sector,weight,date\nMLI,{ref}`x`,1.0,2026-01-15\n",
     r"^ousm_holdings_csv row 1: sector='\{ref\}`x`' holds markup"),
])
def test_holdings_parser_refuses_bad_files_in_one_line(text, message):
    from smallcaps.errors import ParameterError
    from smallcaps.sources.ousm_holdings import parse

    with pytest.raises(ParameterError, match=message) as e:
        parse(text.encode())
    assert "\n" not in str(e.value)


def test_a_missing_holdings_file_fails_before_any_data_is_loaded(tmp_path):
    from smallcaps.errors import ParameterError

    class NoData:
        def user_file(self, path, kind):  # the user's file is read first (through the data session)...
            from smallcaps.data import DataSession

            return DataSession.user_file(self, path, kind)

        def __getattr__(self, name):  # ... and no market data before it passes
            raise AssertionError("data loaded before the file was checked")

    with pytest.raises(ParameterError, match=r"^ousm_holdings_csv='nope.csv' is not a file; give a CSV with columns"):
        R.load_inputs(NoData(), {"ousm_holdings_csv": str(tmp_path / "nope.csv")})


def ousm_days(days: list[str], weight_needed=0.3, holdings=None, note="") -> R.r2_ousm.R2Evidence:
    idx = pd.DatetimeIndex(["2026-01-15"])
    path = pd.DataFrame({"OUSM": [0.048], "IJR": [0.05], "PSCI": [0.10]},
                        index=pd.DatetimeIndex(["2026-01-02"]).append(idx))
    d = pd.DataFrame({"value": [0.048] * len(days), "how": ["crossed up"] * len(days), "PSCI": [0.1] * len(days),
                      "weight needed": [weight_needed] * len(days)}, index=pd.DatetimeIndex(days))
    return R.r2_ousm.R2Evidence("", idx[0], path.reindex(path.index), 0.0957, pd.DatetimeIndex([]), pd.DataFrame(),
                                pd.DataFrame(), d, pd.DataFrame(), holdings, note)


def test_r2_parts_boundaries():
    R2 = R.R2
    assert R2.from_evidence(ousm_days([])).result.verdict == NOT_SUPPORTED
    res = R2.from_evidence(ousm_days(["2026-01-15", "2026-02-04"])).result
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(4.8) and res.statistic.unit == "%"
    assert "on 2 days, the first 2026-01-15" in res.note and "untestable here" in res.note
    assert res.registered["verdict"] == NOT_SUPPORTED  # the registered rule counted closes at 4.6% only
    h = {"contribution": 0.034, "weight": 0.3, "priced_weight": 0.3, "unpriced": pd.DataFrame(columns=["ticker"]),
         "names": 20, "date": pd.Timestamp("2026-01-15")}
    res = R2.from_evidence(ousm_days(["2026-01-15"], holdings=h)).result
    assert res.verdict == SUPPORTED and res.statistic.value == pytest.approx(3.4) and res.statistic.unit == "pp"
    res = R2.from_evidence(ousm_days(["2026-01-15"], holdings={**h, "contribution": 0.033})).result
    assert res.verdict == PARTLY and "not above the claimed 3.3" in res.note  # "over 3.3" is strict
    res = R2.from_evidence(ousm_days(["2026-01-15"], holdings=h, note="prices cover only 50%")).result
    assert res.verdict == PARTLY and "prices cover only 50%" in res.note
    assert R2.from_evidence(ousm_days([], holdings=h)).result.verdict == NOT_SUPPORTED
    assert "sum over its industrial holdings of weight times year-to-date return" in R2.rule_for().statistic


def test_r2_on_the_snapshot_verifies_the_4_6_and_caps_the_claim(inputs, before):
    r2 = R.R2(inputs, FULL)
    res = r2.result
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(4.80, abs=0.005)
    assert res.dated["claim_date"] == "2026-01-15" and res.dated["when_said"]["verdict"] == PARTLY
    ev = r2.evidence
    # the referee's crossings (01-15, 01-21, 02-02, 02-04, 04-13) and closes at 4.6% (04-08, 05-19) are all days
    assert {"2026-01-15", "2026-01-21", "2026-02-02", "2026-02-04", "2026-04-08", "2026-04-13",
            "2026-05-19"} <= {d.date().isoformat() for d in ev.days.index}
    assert ev.days.loc["2026-01-15", "how"] == "crossed up" and ev.days.loc["2026-05-19", "how"] == "at"
    # the plausibility bound: PSCI +10.5% on 01-15, so a PSCI-like sleeve needs ~31% of OUSM for 3.3 points
    assert ev.days.loc["2026-01-15", "PSCI"] == pytest.approx(0.1055, abs=0.0005)
    assert ev.days.loc["2026-01-15", "weight needed"] == pytest.approx(0.313, abs=0.001)
    assert R.R2.float32_error_pp() < 0.0001  # float32 closes cannot move a 4.6% return by 0.05 pp
    # the registered rule, recomputed: untestable, deciding number OUSM 9.57% on 07-13, as committed before
    reg = r2.registered()
    old = before["R2"]
    assert reg.result.verdict == old["verdict"] == UNTESTABLE
    assert reg.result.statistic.value == pytest.approx(old["statistic"]["value"], abs=1e-4)
    assert R.R2.registered_rule().text() == old["rule"] and res.registered["verdict"] == UNTESTABLE


def test_r2_holdings_file_decides_the_industrials_share(tmp_path, snapshot_dir):
    from smallcaps.data import DataSession

    p = tmp_path / "ousm.csv"
    p.write_text(HOLDINGS_CSV)
    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    inp = R.load_inputs(ds, {"ousm_holdings_csv": str(p)})
    assert list(inp.holdings_close.columns) == ["CSCO", "GATX", "MLI"] and inp.holdings_provenance["rows"] == 5
    r2 = R.R2(inp, FULL)
    h = r2.evidence.holdings
    assert h["weight"] == pytest.approx(0.041) and h["unpriced"]["ticker"].tolist() == ["ZZZZ"]
    # by hand: weights at 2026-01-15 backed out to the year's start, times each name's return to 01-15
    c, f = inp.holdings_close, inp.close["OUSM"]
    base, day = pd.Timestamp("2025-12-31"), pd.Timestamp("2026-01-15")
    rf = f[day] / f.loc[:base].iloc[-1] - 1
    want = sum(w * (1 + rf) * (c[t][day] / c[t].loc[:base].iloc[-1] - 1) / (c[t][day] / c[t].loc[:base].iloc[-1])
               for t, w in (("MLI", 0.021), ("GATX", 0.018)))
    assert h["contribution"] == pytest.approx(want)
    assert r2.evidence.holdings_note == ""  # 0.2 of 4.1 points unpriced: 95% priced
    res = r2.result
    assert res.verdict == PARTLY and res.statistic.unit == "pp"  # two names cannot make 3.3 points
    assert res.statistic.value == pytest.approx(100 * want) and "vintage" not in res.note
    assert "OUSM holdings ousm.csv" in res.data_vintage


# -- R3: beta for beta, at the claim's date -------------------------------------------------------------------


def test_r3_amended_rule_decides_beta_adjusted_at_the_claims_date():
    from test_claims_rotation import W26, quality_evidence

    # at the claim's date the basket led beta for beta; by the reading date it trailed
    ev = quality_evidence(-0.03, -0.08, 1, claim=0.01, claim_agree=4)
    res = R.R3.from_evidence(ev, window=W26).result
    assert res.verdict == SUPPORTED and res.statistic.value == pytest.approx(1.0)
    assert res.statistic.band == "noise band" and res.sample.end == "2026-01-15"
    assert res.registered["verdict"] == NOT_SUPPORTED  # raw, on the reading date
    assert res.dated is None  # no inputs: no reading as of the reading date computed here
    now = R.R3.from_evidence(ev, spec={"decided_at": "reading date"}, window=W26).result
    assert now.verdict == NOT_SUPPORTED and now.sample.end == "2026-07-13"
    # the prior year is read on the same measure: a basket that led in 2025 beta for beta is only partly
    ev = quality_evidence(-0.03, -0.08, 1, claim=0.01, claim_agree=4, prior_adj=0.02)
    assert R.R3.from_evidence(ev, window=W26).result.verdict == PARTLY
    assert "beta for beta" in R.R3.rule_for().hypothesis and "claim's date" in R.R3.rule_for().statistic
    assert "the year-to-date return minus IWM's" in R.R3.rule_for({"measure": "raw"}).statistic


def test_r3_on_the_snapshot(inputs, before):
    r3 = R.R3(inputs, FULL)
    ev = r3.evidence
    # the referee's construction: the basket's weekly beta to IWM before 2026, summed daily hedged returns
    assert ev.betas["quality basket"].value == pytest.approx(0.8435, abs=0.0005)
    assert ev.reading(FULL.as_of, "beta-adjusted")["spread"] == pytest.approx(-0.0026, abs=0.00005)  # -0.26 pp
    assert ev.reading(FULL.as_of, "raw")["spread"] == pytest.approx(-0.0326, abs=0.00005)
    # at the dates the referee lists the raw lead was positive (+1.9 on 02-04, +1.6 on 04-08)
    assert ev.reading(pd.Timestamp("2026-02-04"), "raw")["spread"] == pytest.approx(0.0192, abs=0.0005)
    assert ev.reading(pd.Timestamp("2026-04-08"), "raw")["spread"] == pytest.approx(0.0157, abs=0.0005)
    assert ev.raw_paths.loc["2026-03-30", "quality basket"] == pytest.approx(0.0392, abs=0.0005)
    res = r3.result
    assert res.verdict == NOT_SUPPORTED and res.sample.end == "2026-01-15"
    assert res.statistic.value == pytest.approx(-0.32, abs=0.005) and res.statistic.band == "noise band"
    assert res.dated["when_said"]["verdict"] == NOT_SUPPORTED and res.dated["as_of"]["verdict"] == NOT_SUPPORTED
    assert res.dated["as_of"]["statistic"]["value"] == pytest.approx(-0.26, abs=0.005)
    table = r3.readings_table()
    assert table.loc["2026-02-04", "beta-adjusted (pp)"] == pytest.approx(2.72, abs=0.01)
    assert table.loc["2026-02-04", "verdict"] == SUPPORTED and len(table) == 13
    # French sorts, risk adjusted: the referee's CAPM and FF3 alphas (% a year)
    a = ev.alphas
    ep, dp = "positive minus negative earnings", "dividend payers minus non-payers"
    assert 100 * a.loc[(ep, "CAPM"), "alpha"] == pytest.approx(1.96, abs=0.005)
    assert 100 * a.loc[(dp, "CAPM"), "alpha"] == pytest.approx(2.71, abs=0.005)
    assert 100 * a.loc[(ep, "FF3"), ["alpha", "ci_low", "ci_high"]].to_numpy() == pytest.approx([2.90, -0.19, 5.98],
                                                                                               abs=0.005)
    assert 100 * a.loc[(dp, "FF3"), ["alpha", "ci_low", "ci_high"]].to_numpy() == pytest.approx([3.39, 1.26, 5.52],
                                                                                               abs=0.005)
    assert a.loc[(ep, "CAPM"), "market beta"] == pytest.approx(-0.40, abs=0.005)
    assert a.loc[(dp, "CAPM"), "market beta"] == pytest.approx(-0.53, abs=0.005)
    title = r3.french_figure()["title"]
    assert "no premium" not in title and title.endswith("three-factor alphas: earnings +2.9%, dividends +3.4% a year")
    # the registered rule, recomputed: not supported, -3.26 pp, as committed before
    reg = r3.registered().result
    assert reg.verdict == before["R3"]["verdict"] == NOT_SUPPORTED
    assert reg.statistic.value == pytest.approx(before["R3"]["statistic"]["value"], abs=1e-4)
    assert R.R3.registered_rule().text() == before["R3"]["rule"]


def test_r3_beta_needs_weeks_before_the_claim_year(inputs):
    w = window("2025-10-01", "2026-07-13")
    r3 = R.R3(inputs, w)
    assert r3.result.verdict == UNTESTABLE and "too few to estimate its beta" in r3.result.note
    assert R.R3(inputs, w, {"measure": "raw"}).result.verdict != UNTESTABLE


# -- R4: beta for beta under credit stress ---------------------------------------------------------------------


def stress_evidence(beta: tuple, alpha: tuple, cap_stressed: float, cap_calm: float = 0.8):
    """R4 evidence: ``beta`` and ``alpha`` as (value, low, high), alpha decimal a year."""
    e = pd.DataFrame()
    a = est(*alpha, n=467, se=(alpha[2] - alpha[1]) / 3.92)
    alpha_d = {"stressed": a, "calm": est(0.0, -0.03, 0.03), "difference": est(0.0, -0.1, 0.1), "beta": beta[0],
               "interacted": {}, "n": 467, "lags": 5}
    return R.r4_resilience.R4Evidence("", (pd.Timestamp("2017-04-21"), pd.Timestamp("2026-03-27"), 467), e, e,
                                      est(*beta), e, est(-0.14, -0.28, -0.01, 61), est(0, -0.01, 0.01), e, e, e,
                                      pd.Series(dtype=float), e, None, None, alpha_d,
                                      {"stressed": cap_stressed, "calm": cap_calm, "n stressed": 22, "n calm": 190},
                                      est(-0.037, -0.16, 0.09, 61))


def test_r4_amended_rule_boundaries():
    R4 = R.R4

    def v(*a, **k):
        return R4.from_evidence(stress_evidence(*a, **k)).result.verdict
    good = (0.05, 0.001, 0.10)
    assert v((0.84, 0.80, 0.88), good, 0.7) == SUPPORTED
    assert v((0.84, 0.80, 0.88), good, 0.8) == PARTLY  # capture not smaller in stressed falls
    assert v((0.84, 0.80, 0.88), (0.05, -0.01, 0.11), 0.7) == PARTLY  # alpha inconclusive, beta holds
    assert v((0.98, 0.94, 1.02), (0.05, -0.01, 0.11), 0.7) == INCONCLUSIVE  # both inconclusive
    assert v((0.98, 0.94, 1.02), (0.0, -0.1, 0.1), 0.7) == INCONCLUSIVE  # beta inconclusive, alpha points away
    assert v((1.05, 1.0, 1.1), (-0.04, -0.15, 0.07), 0.9) == NOT_SUPPORTED
    assert v((1.0, 0.95, 1.05), good, 0.7) == PARTLY  # beta of one: not lower; resilience holds
    res = R4.from_evidence(stress_evidence((0.84, 0.80, 0.88), (-0.04, -0.15, 0.07), 0.91)).result
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(-4.0) and res.statistic.unit == "pp a year"
    assert res.statistic.p_value == pytest.approx(0.76, abs=0.01)  # one-sided, the claim says positive
    assert res.statistic.mde == pytest.approx(2.8016 * 100 * 0.22 / 3.92, rel=1e-3)  # two-sided 95%, 80% power
    assert res.registered["verdict"] == PARTLY and res.registered["statistic"]["value"] == pytest.approx(-14.0)
    assert "stressed" in R4.rule_for().statistic and "tight" not in R4.rule_for().statistic
    assert R4.heading == "Lower beta, and resilience under credit stress"


def test_r4_on_the_snapshot(inputs, before):
    r4 = R.R4(inputs, FULL)
    ev = r4.evidence
    # the referee's numbers where the construction is theirs
    assert (ev.beta.value, ev.beta.ci_low, ev.beta.ci_high) == pytest.approx((0.840, 0.805, 0.875), abs=0.001)
    assert 100 * ev.adjusted_subset.value == pytest.approx(-3.7, abs=0.05)  # minus 0.84 x IWM, stressed weeks, HAC
    assert (100 * ev.adjusted_subset.ci_low, 100 * ev.adjusted_subset.ci_high) == pytest.approx((-16.4, 8.9), abs=0.05)
    assert 100 * ev.stressed.value == pytest.approx(-14.43, abs=0.005) and ev.stressed.n == 61
    assert 100 * ev.alpha["difference"].value == pytest.approx(-5.0, abs=0.05)
    assert 100 * ev.alpha["interacted"]["difference"].value == pytest.approx(-8.52, abs=0.005)  # referee: -8.5
    assert ev.alpha["interacted"]["difference"].t == pytest.approx(-1.33, abs=0.005)  # referee: t = -1.33
    assert ev.capture["stressed"] == pytest.approx(0.915, abs=0.001)
    assert ev.capture["calm"] == pytest.approx(0.786, abs=0.001)
    assert (ev.capture["n stressed"], ev.capture["n calm"]) == (22, 190)
    assert ev.beta_spy.value == pytest.approx(0.955, abs=0.001) and ev.beta_spy.ci_high > 1  # not lower against SPY
    # the deciding number: the stressed-week alpha from one regression on every week
    res = r4.result
    a = ev.alpha["stressed"]
    assert 100 * a.value == pytest.approx(-4.08, abs=0.005) and a.n == 467
    assert (100 * a.ci_low, 100 * a.ci_high) == pytest.approx((-15.37, 7.22), abs=0.005)
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(-4.08, abs=0.005)
    assert res.statistic.p_value == pytest.approx(0.76, abs=0.005)
    assert res.statistic.mde == pytest.approx(16.14, abs=0.01)
    assert [p.verdict for p in r4.parts(ev)] == [SUPPORTED, NOT_SUPPORTED]
    facts = r4.facts()
    assert facts["r4_iwm_stressed"].text() == "66.8"  # IWM's stressed weeks: the recoveries
    # the registered rule, recomputed: partly supported, -14.4 pp a year, as committed before
    reg = r4.registered().result
    assert reg.verdict == before["R4"]["verdict"] == PARTLY
    assert reg.statistic.value == pytest.approx(before["R4"]["statistic"]["value"], abs=1e-4)
    assert R.R4.registered_rule().text() == before["R4"]["rule"]


# -- R5: the trade from the claim's date, and the legs against the small-cap universe ----------------------------


def trade_evidence(pair: float | None, band_hi: float | None, sml: tuple | None):
    """R5 evidence: the trade's ``pair`` and the top of its noise band (decimals), and French's
    short-minus-long mean as (value, low, high)."""
    e = pd.DataFrame()
    trade = None
    if pair is not None:
        lo = 2 * pair - band_hi
        trade = {"pair": pair, "start": pd.Timestamp("2026-01-15"), "end": pd.Timestamp("2026-04-17"),
                 "band": (lo, band_hi, "t"), "se": (band_hi - pair) / 1.96, "n": 63, "daily": pd.Series(dtype=float)}
    legs = None if sml is None else est(*sml, n=736, se=(sml[2] - sml[1]) / 3.92)
    french = pd.DataFrame({"first": ["1963-09"], "last": ["2024-12"]}, index=["3 months"])
    # no unconditional ETF sample here (its registered reading is then untestable)
    return R.r5_pair.R5Evidence("no ETF sample in this test", {}, e, None, None, None, None, e, french, e,
                                (None, None, 0), e, trade,
                                "" if trade else "the window's data do not reach 63 trading days after 2026-01-15",
                                legs, 3)


def test_r5_amended_rule_boundaries():
    def v(*a):
        return R.R5.from_evidence(trade_evidence(*a)).result.verdict
    assert v(0.08, 0.15, (0.002, 0.001, 0.003)) == SUPPORTED
    assert v(0.08, 0.15, (-0.002, -0.003, -0.001)) == PARTLY
    assert v(0.05, 0.081, (0.002, 0.001, 0.003)) == PARTLY  # target inconclusive, short leg holds
    assert v(0.05, 0.081, (0.002, -0.001, 0.005)) == INCONCLUSIVE
    assert v(0.05, 0.079, (-0.002, -0.003, -0.001)) == NOT_SUPPORTED  # the band stops short of 8 pp
    assert v(-0.01, 0.09, (0.002, -0.001, 0.005)) == INCONCLUSIVE  # a loss is not supported; legs inconclusive
    assert v(-0.01, 0.09, (-0.002, -0.003, -0.001)) == NOT_SUPPORTED
    assert v(None, None, (0.002, 0.001, 0.003)) == PARTLY  # the trade untestable caps the claim
    res = R.R5.from_evidence(trade_evidence(0.002, 0.1004, (0.0024, -0.0022, 0.0069))).result
    assert res.verdict == INCONCLUSIVE and res.statistic.band == "noise band"
    assert res.statistic.value == pytest.approx(0.2) and res.sample.n == 63 and res.sample.start == "2026-01-15"
    assert res.statistic.mde == pytest.approx(2.8016 * 100 * (0.1004 - 0.002) / 1.96, rel=1e-3)
    assert res.statistic.p_value == pytest.approx(0.4841, abs=0.001)  # +0.2 pp is no evidence of a positive mean
    res = R.R5.from_evidence(trade_evidence(None, None, (0.0094, 0.0006, 0.0182))).result
    assert res.statistic.name.startswith("short leg minus long leg") and res.sample.frequency == "monthly"
    assert R.R5.forecast and R.R5.rule_for().partly.startswith("one assertion holds")


def test_r5_on_the_snapshot(inputs, before):
    r5 = R.R5(inputs, FULL)
    ev = r5.evidence
    t = ev.trades["63 days (pp)"]
    # the referee's trades from the dates [A] could have been written, 63 trading days on
    assert t.loc["2026-01-15 (claim date)"] == pytest.approx(0.20, abs=0.005)
    assert t.loc["2026-01-21"] == pytest.approx(0.03, abs=0.005)  # referee: +0.0
    assert t.loc["2026-02-04"] == pytest.approx(-6.20, abs=0.005)
    assert t.loc["2026-04-08"] == pytest.approx(-6.28, abs=0.005)
    assert ev.trades["126 days (pp)"].isna().all()  # no trade from 2026 has two quarters of data yet
    # the unconditional 126-day mean: Newey-West 1.04 pp against 1.37 from 18 non-overlapping half-years
    q2 = ev.summary.loc["126 days"]
    assert 100 * q2["mean pair"] == pytest.approx(-0.884, abs=0.001)
    assert 100 * (q2["ci_high"] - q2["mean pair"]) / 1.959964 == pytest.approx(1.04, abs=0.005)
    assert 100 * q2["non-overlapping se"] == pytest.approx(1.37, abs=0.005)
    assert (100 * q2["hodrick ci_low"], 100 * q2["hodrick ci_high"]) == pytest.approx((-3.31, 1.54), abs=0.01)
    # French, legs against the smallest NYSE quintile (value weighted): the short leg does a little more
    f = ev.french
    assert 100 * f.loc["6 months", "long leg"] == pytest.approx(0.67, abs=0.005)
    assert 100 * f.loc["6 months", "short leg"] == pytest.approx(1.15, abs=0.005)
    assert 100 * f.loc["6 months", "mean pair"] == pytest.approx(1.81, abs=0.005)  # the referee's total, 1.53 + 0.29
    res = r5.result
    assert res.verdict == INCONCLUSIVE and res.statistic.value == pytest.approx(0.20, abs=0.005)
    assert (res.statistic.ci_low, res.statistic.ci_high) == pytest.approx((-9.64, 10.04), abs=0.01)
    assert res.statistic.mde == pytest.approx(14.06, abs=0.01)
    assert res.statistic.p_value == pytest.approx(0.484, abs=0.001)
    assert 100 * ev.legs_test.value == pytest.approx(0.24, abs=0.005) and ev.legs_test.ci_low < 0
    assert res.dated["when_said"]["verdict"] == UNTESTABLE and res.dated["as_of"]["verdict"] == INCONCLUSIVE
    # the registered rule, recomputed: not supported, -0.88 pp over 126 days, as committed before
    reg = r5.registered().result
    assert reg.verdict == before["R5"]["verdict"] == NOT_SUPPORTED
    assert reg.statistic.value == pytest.approx(before["R5"]["statistic"]["value"], abs=1e-4)
    assert R.R5.registered_rule().text() == before["R5"]["rule"]


# -- R6: the continuation regression ----------------------------------------------------------------------------


def continuation_evidence(pooled: tuple | None, calm: tuple | None, stressed: float = 0.0):
    """R6 evidence: the pooled event mean and the calm-credit continuation as (value, low, high)."""
    e = pd.DataFrame()
    evs = pd.DatetimeIndex(["2001-01-02", "2020-03-02"])
    cont = {}
    if calm is not None:
        c = est(*calm, n=723, se=(calm[2] - calm[1]) / 3.92)
        cont[("french", 6)] = {"first": c, "second": est(stressed, stressed - 0.03, stressed + 0.03),
                               "difference": est(0, -1, 1), "first_hac": c, "non_overlapping": c,
                               "means": pd.DataFrame(), "n": 723, "start": pd.Period("1963-09", "M"),
                               "end": pd.Period("2023-11", "M")}
    p = None if pooled is None else est(*pooled, n=96, se=0.001)
    reason = "" if pooled else "0 rates-rally and 0 VIX-spike events (need 10 of each)"  # the registered reading's
    return R.r6_reversal.R6Evidence(reason, pd.Series(dtype=float), {"pooled": evs}, e, p, None, e, e, e, e, e, None, e,
                                    2.2, 2.1, cont, 0.53, "" if pooled else "0 rates-rally and 0 VIX-spike events",
                                    "" if calm else "too few months")


def test_r6_amended_rule_boundaries():
    def v(*a, **k):
        return R.R6.from_evidence(continuation_evidence(*a, **k)).result.verdict
    falls, rises = (-0.003, -0.005, -0.001), (0.0012, -0.0005, 0.003)
    lasts, maybe = (0.0285, 0.001, 0.056), (0.0285, -0.0018, 0.0589)
    assert v(falls, lasts, 0.01) == SUPPORTED
    assert v(falls, lasts, 0.03) == PARTLY  # persists, but more in stressed credit: partly holds
    assert v(rises, lasts, 0.01) == PARTLY
    assert v(rises, maybe, 0.01) == INCONCLUSIVE  # one refuted, one inconclusive
    assert v((-0.001, -0.003, 0.001), (-0.01, -0.03, 0.01)) == INCONCLUSIVE
    assert v(rises, (-0.01, -0.03, 0.01)) == NOT_SUPPORTED
    assert v(None, lasts, 0.01) == PARTLY  # the event half untestable caps it
    res = R.R6.from_evidence(continuation_evidence(rises, maybe, 0.0101)).result
    assert res.statistic.value == pytest.approx(2.85) and res.sample.frequency == "monthly"
    assert res.statistic.p_value == pytest.approx(0.0325, abs=0.001)
    assert res.statistic.mde == pytest.approx(2.8016 * 100 * (0.0589 + 0.0018) / 3.92, rel=1e-3)
    assert "Hodrick (1992) 1B interval" in R.R6.rule_for().statistic


def test_r6_on_the_snapshot(inputs, before):
    r6 = R.R6(inputs, FULL)
    ev = r6.evidence
    c = ev.continuation[("french", 6)]
    m = 100 * c["means"]["mean"]
    # the referee's continuation: calm credit +2.15 after a lead, -0.71 after a lag (difference 2.85, t 2.05);
    # stressed credit +3.34 and +2.33 (the report prints 3.43: its digits transposed)
    assert (m[("calm", True)], m[("calm", False)]) == pytest.approx((2.15, -0.71), abs=0.005)
    assert (m[("stressed", True)], m[("stressed", False)]) == pytest.approx((3.34, 2.33), abs=0.005)
    assert 100 * c["first"].value == pytest.approx(2.85, abs=0.01)
    assert c["first_hac"].t == pytest.approx(2.07, abs=0.01)  # Newey-West, 6 lags
    assert (100 * c["first"].ci_low, 100 * c["first"].ci_high) == pytest.approx((-0.18, 5.89), abs=0.01)  # Hodrick
    e = ev.continuation[("etf", 6)]["means"]["mean"]
    # no continuation in the ETFs
    assert (100 * e[("calm", True)], 100 * e[("calm", False)]) == pytest.approx((0.31, 0.56), abs=0.005)
    # the run-length null: P(IJR beats IWM in a month) 0.532, an independent coin's runs 2.14 months
    assert ev.p_positive == pytest.approx(0.532, abs=0.001)
    assert rot.iid_run_null(ev.p_positive) == pytest.approx(2.14, abs=0.01)
    assert (ev.calm_mean, ev.stressed_mean) == pytest.approx((2.23, 2.07), abs=0.005)
    res = r6.result
    assert res.verdict == INCONCLUSIVE and res.statistic.value == pytest.approx(2.85, abs=0.01)
    assert [p.verdict for p in r6.parts(ev)] == [NOT_SUPPORTED, INCONCLUSIVE]
    assert res.statistic.p_value == pytest.approx(0.033, abs=0.001)
    assert res.statistic.mde == pytest.approx(4.34, abs=0.01)
    assert 100 * ev.pooled.value == pytest.approx(0.12, abs=0.005)
    reg = r6.registered().result
    assert reg.verdict == before["R6"]["verdict"] == NOT_SUPPORTED
    assert reg.statistic.value == pytest.approx(before["R6"]["statistic"]["value"], abs=1e-4)
    assert R.R6.registered_rule().text() == before["R6"]["rule"]


# -- R7 and R1: dated at [C]'s date ---------------------------------------------------------------------------------


def test_r7_decides_on_the_claims_date_when_the_reading_date_reaches_it():
    from test_claims_rotation import sector_evidence

    ev = sector_evidence(0.117, -0.012, -0.022)  # the reading date: partly
    claim = dict(zip(R.r7_sectors.SPREAD_COLUMNS, [0.079, 0.021, 0.017, 0.0], strict=True))
    ev.spreads.loc[R.r7_sectors.CLAIM_ROW] = claim
    ev.claim_band, ev.claim_days, ev.claim_day = (0.025, 0.133, "t"), 14, pd.Timestamp(R.inputs.C_DATE)
    res = R.R7.from_evidence(ev).result
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(7.9) and res.sample.n == 14
    assert res.statistic.name == "cyclicals minus defensives, 2026 to 2026-01-22" and res.statistic.band == "noise band"
    ev.spreads.loc[R.r7_sectors.CLAIM_ROW, "defensives minus SPY"] = -0.01
    assert R.R7.from_evidence(ev).result.verdict == SUPPORTED
    assert R.R7.from_evidence(ev, spec={"decided_at": "reading date"}).result.verdict == PARTLY
    assert R.R7.from_evidence(ev).result.registered["verdict"] == PARTLY  # the registered rule reads the reading date


def test_r7_and_r1_on_the_snapshot(inputs, before):
    r7 = R.R7(inputs, FULL)
    ev = r7.evidence
    row = ev.spreads.loc[R.r7_sectors.CLAIM_ROW]
    # the referee: on 01-22 defensives beat SPY (+1.7)
    assert 100 * row["defensives minus SPY"] == pytest.approx(1.71, abs=0.005)
    assert 100 * row["cyclicals minus defensives"] == pytest.approx(7.92, abs=0.005)
    res = r7.result
    assert res.verdict == PARTLY and res.statistic.value == pytest.approx(7.92, abs=0.005)
    assert res.dated["as_of"]["verdict"] == PARTLY and res.dated["as_of"]["statistic"]["value"] == pytest.approx(11.75,
                                                                                                                abs=0.005)
    # without energy (PSCE +34.6%), cyclicals minus IJR on the reading date is the referee's -5.2 pp
    t = r7.robustness_table()
    assert t.loc[("without energy", "2026-07-13"), "cyclicals minus IJR (pp)"] == pytest.approx(-5.2, abs=0.05)
    assert t.loc[("with energy", "2026-01-22"), "verdict"] == PARTLY
    # on 04-20 and 05-05 all three conditions held (the referee's +14.5 / +4.4 / -0.8 and +16.6 / +5.6 / -2.3)
    for day, want in (("2026-04-20", (14.48, 4.42, -0.80)), ("2026-05-05", (16.64, 5.63, -2.34))):
        c = R.R7(inputs, window("1926-07-01", day), {"decided_at": "reading date"})
        got = [100 * c.evidence.value(k) for k in R.r7_sectors.SPREAD_COLUMNS[:3]]
        assert got == pytest.approx(want, abs=0.01) and c.result.verdict == SUPPORTED
    reg = r7.registered().result
    assert reg.verdict == before["R7"]["verdict"] == PARTLY
    assert reg.statistic.value == pytest.approx(before["R7"]["statistic"]["value"], abs=1e-4)
    assert R.R7.registered_rule().text() == before["R7"]["rule"]
    # R1 keeps its registered rule (no amendment): supported when said (8.56 pp on 01-22) and as of 07-13
    r1 = R.R1(inputs, FULL).result
    assert r1.rule_status == "registered" and r1.rule == before["R1"]["rule"] and r1.verdict == SUPPORTED
    assert r1.dated["when_said"]["verdict"] == SUPPORTED
    assert r1.dated["when_said"]["statistic"]["value"] == pytest.approx(8.56, abs=0.005)
    assert r1.statistic.band == "noise band" and r1.statistic.value == pytest.approx(before["R1"]["statistic"]["value"])
    # any six-month spread below about 18 pp can never be "significant": the band's half-width
    assert (r1.statistic.ci_high - r1.statistic.ci_low) / 2 == pytest.approx(17.65, abs=0.01)


def test_r1_sweep_shows_the_boundary_cases(inputs):
    t = R.R1(inputs, FULL).sweep_table()
    assert t.loc["about_six_min=all six", "verdict"] == PARTLY  # 5 of 6 years sits on the bar
    assert t.loc["about_six_min=most (4 of 6)", "verdict"] == SUPPORTED and t.loc["default", "verdict"] == SUPPORTED
    assert t.loc["pair=S&P 600 against S&P 500", "deciding number (pp)"] == pytest.approx(10.74, abs=0.005)


# -- the review rows --------------------------------------------------------------------------------------------


def test_review_answers_every_rotation_point_of_the_referee():
    from smallcaps.book.review import RESPONSES, all_points
    from smallcaps.claims.rotation.review import POINTS

    refs = [p.ref for p in POINTS]
    assert len(refs) == len(set(refs))
    needed = {f"table: R{i}" for i in range(1, 8)} | {"D2", "D3", "D4", "D5", "D7", "D8", "D12b", "D12c", "D12d",
                                                       "D12f", "D13"}
    assert needed <= set(refs)
    assert {r.split(":")[0].split(".")[0] for r in refs if r.startswith("section")} == {"section 1", "section 4",
                                                                                        "section 5", "section 6"}
    assert all(p.report == "rotation-momentum" and p.response in RESPONSES and p.change for p in POINTS)
    assert all(c in {f"R{i}" for i in range(1, 8)} for p in POINTS for c in p.claims)
    assert {p.ref for p in POINTS} <= {p.ref for p in all_points()}
    assert next(p for p in POINTS if p.ref == "D12d").response == "rebutted"


def test_the_numbers_the_review_rows_quote_are_the_chapters(inputs):
    """The review rows quote a few of the chapter's numbers; each is recomputed here."""
    from smallcaps.claims.rotation.review import POINTS

    row = {p.ref: p.change for p in POINTS}
    r1, r2, r3, r4, r5, r6, r7 = (c(inputs, FULL) for c in R.CLAIMS)
    f1, f2, f3, f4, f5, f6, f7 = (c.facts() for c in (r1, r2, r3, r4, r5, r6, r7))
    assert f"supported, {f1['r1_said_lead'].text()} pp" in row["table: R1"]
    assert f"about {f1['r1_band_half'].text()} pp" in row["table: R1"]
    assert f"({f2['r2_n_days'].text()}, 2026-01-15 to 2026-05-19)" in row["table: R2"]
    assert f"about {f2['r2_need'].text()}% of OUSM" in row["table: R2"]
    assert f"{f3['r3_adj_now'].text()} pp on 2026-07-13" in row["table: R3"]
    assert f"(2026-01-15: {f3['r3_adj_claim'].text()} pp)" in row["table: R3"]
    assert (f"({f4['r4_alpha'].text()} pp a year, {f4['r4_alpha_lo'].text()} to {f4['r4_alpha_hi'].text()})"
            .replace("(+", "(") in row["table: R4"].replace("(+", "("))
    assert f"({f4['r4_cap_stressed'].text()} against {f4['r4_cap_calm'].text()})" in row["table: R4"]
    assert (f"({f4['r4_beta_spy'].text()}, {f4['r4_beta_spy_lo'].text()} to {f4['r4_beta_spy_hi'].text()})"
            in row["table: R4"])
    assert (f"{f5['r5_trade'].text()} pp from 2026-01-15, noise band {f5['r5_trade_lo'].text()} to "
            f"{f5['r5_trade_hi'].text()}" in row["table: R5"])
    assert f"MDE {float(f5['r5_trade_mde'].text()):.0f} pp" in row["table: R5"]
    assert "+0.8 to -6.3 pp" in row["table: R5"] and f5["r5_trades_range"].text().startswith("from +0.8 pp")
    assert "-6.3 pp (2026-04-08)" in f5["r5_trades_range"].text()
    assert f"+{f5['r5_fr6_long'].text()} / +{f5['r5_fr6_short'].text()}" in row["table: R5"]
    assert (f"{f6['r6_c_lead_calm'].text()} after a lead, {f6['r6_c_lag_calm'].text()} after a lag, difference "
            f"{f6['r6_c_calm'].text()[1:]} pp" in row["table: R6"])
    assert f"Hodrick interval {f6['r6_c_calm_lo'].text()} to {f6['r6_c_calm_hi'].text()}" in row["table: R6"]
    assert f"independent coin's {f6['r6_null'].text()} months" in row["table: R6"]
    assert f"defensives beat SPY by {f7['r7_claim_def_spy'].text()[1:]} pp" in row["table: R7"]
    assert f"R4 {r4.result.statistic.mde:.1f} pp a year, R5 {r5.result.statistic.mde:.1f} pp, R6 " \
           f"{r6.result.statistic.mde:.1f} pp" in row["section 4: power"]


def test_continuation_refuses_a_regime_without_enough_leads_and_lags():
    from smallcaps.errors import DataError

    idx = pd.period_range("1990-01", periods=120, freq="M")
    r = pd.Series(np.r_[np.full(60, 0.01), np.full(60, -0.01)], index=idx)  # calm months never follow a lag
    regime = pd.Series(["calm"] * 60 + ["stressed"] * 60, index=idx)
    with pytest.raises(DataError, match=r"^continuation: each regime needs 12 months after leads and after lags"):
        rot.continuation(r, regime, past=3, horizon=6)


def test_flags_are_plain_booleans(inputs):
    for cls in R.CLAIMS:
        flags = cls(inputs, FULL).all_flags()
        assert all(type(v) is bool for v in flags.values()), cls.id
        json.dumps(flags)


def test_a_malformed_holdings_file_is_refused_before_any_kernel_starts(tmp_path):
    from smallcaps.errors import ParameterError
    from smallcaps.params import check_chapter

    bad = tmp_path / "h.csv"
    bad.write_text("ticker,sector,weight,date\nMLI,Industrials,abc,2026-01-15\n")
    with pytest.raises(ParameterError, match=r"^ousm_holdings_csv row 1: weight='abc' is not a non-negative number"):
        check_chapter("rotation", {"ousm_holdings_csv": str(bad)})
    good = tmp_path / "g.csv"
    good.write_text(HOLDINGS_CSV)
    assert check_chapter("rotation", {"ousm_holdings_csv": str(good)})["ousm_holdings_csv"] == str(good)
