"""The graduation chapter's user files besides ``moves_csv``: ``members_earnings_csv`` (G4) and
``spiva_csv`` (G5), each parsed and checked by its source module, read through
``DataSession.user_file`` with provenance, and refused with one line naming the parameter and the
row. The test files are written by hand in the shape of the real exports: SPIVA U.S. Scorecard
report 1 (a category's row, one column per horizon, copied as one row per horizon) and IWM
holdings joined with SEC EDGAR XBRL frames for ``NetIncomeLoss`` (``end`` and ``val``)."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from smallcaps.claims import graduation as grad
from smallcaps.data import DataSession
from smallcaps.errors import ParameterError
from smallcaps.params import check_chapter, own_parameters, spec
from smallcaps.sources import members_earnings_csv, spiva_csv

# SPIVA U.S. Mid-Year 2017, report 1, "Small-Cap Funds" against the S&P SmallCap 600 (the shares the
# referee quotes: 88.7, 93.8, 94.1 and 94.4% of funds underperformed over 3, 5, 10 and 15 years)
SPIVA = b"""scorecard,category,benchmark,horizon,share_underperformed,date
SPIVA U.S. Mid-Year 2017,Small-Cap Funds,S&P SmallCap 600,3-YEAR,88.7,2017-06-30
SPIVA U.S. Mid-Year 2017,Small-Cap Funds,S&P SmallCap 600,5-YEAR,93.8,2017-06-30
SPIVA U.S. Mid-Year 2017,Small-Cap Funds,S&P SmallCap 600,10-YEAR,94.1,2017-06-30
SPIVA U.S. Mid-Year 2017,Small-Cap Funds,S&P SmallCap 600,15-YEAR,94.4,2017-06-30
"""

# IWM holdings (Ticker, Name, Sector) joined with EDGAR frames CY2025 (cik, end, val); a loss, a
# profit, a company with two years (the latest counts), figures with separators and parentheses
EARNINGS_FRAMES = b"""Ticker,Name,Sector,cik,end,val
AAON,AAON INC,Industrials,824142,2025-12-31,"160,000,000"
ACHR,ARCHER AVIATION INC CLASS A,Industrials,1824502,2025-12-31,(512000000)
ACHR,ARCHER AVIATION INC CLASS A,Industrials,1824502,2024-12-31,-536800000
BE,BLOOM ENERGY CLASS A CORP,Industrials,1664703,2025-12-31,-29000000
CRS,CARPENTER TECHNOLOGY CORP,Materials,17843,2025-06-30,376000000
"""


def write(tmp_path, raw: bytes, name: str):
    p = tmp_path / name
    p.write_bytes(raw)
    return p


# -- spiva_csv --------------------------------------------------------------------------------------------


def test_spiva_rows_read_as_horizons_and_decimal_shares():
    f = spiva_csv.parse(SPIVA)["spiva"]
    assert list(f["horizon"]) == [3, 5, 10, 15]
    assert list(f["share"]) == pytest.approx([0.887, 0.938, 0.941, 0.944])
    assert set(f["category"]) == {"Small-Cap Funds"} and f["date"].iloc[0] == pd.Timestamp("2017-06-30")
    minimal = spiva_csv.parse(b"Horizon,Share Underperformed\n1 year,55%\n3y,70\n20,90.5\n")["spiva"]
    assert list(minimal["horizon"]) == [1, 3, 20] and list(minimal["share"]) == pytest.approx([0.55, 0.70, 0.905])


@pytest.mark.parametrize("raw, message", [
    (b"horizon,share\n3,80\n", r"^spiva_csv lacks column\(s\) share_underperformed; required: horizon, "
                               r"share_underperformed$"),
    (b"horizon,share_underperformed\n", r"^spiva_csv has no rows; give one row per horizon"),
    (b"horizon,share_underperformed\nthree years,80\n", r"^spiva_csv row 1: horizon='three years' is not a number "
                                                        r"of years; give e.g. 3, 3-YEAR or 3 years$"),
    (b"horizon,share_underperformed\n3,80\n40,90\n", r"^spiva_csv row 2: horizon=40 years is out of range; "
                                                     r"valid: 1\.\.30$"),
    (b"horizon,share_underperformed\n3,180\n", r"^spiva_csv row 1: share_underperformed=180 is out of range; "
                                               r"valid: 0\.\.100 \(percent of funds\)$"),
    (b"horizon,share_underperformed\n3,n/a\n", r"^spiva_csv row 1: share_underperformed='n/a' is not a number"),
    (b"horizon,share_underperformed\n3,0.887\n5,0.938\n", r"^spiva_csv: every share_underperformed is 1 or below, "
                                                          r"which reads as decimals; give percent"),
    (b"horizon,share_underperformed\n3,80\n3-YEAR,81\n", r"^spiva_csv row 2 repeats the 3-year horizon of row 1"),
    (b"category,horizon,share_underperformed\nSmall-Cap Funds,3,80\nLarge-Cap Funds,3,85\n",
     r"^spiva_csv holds 2 fund categories \(Large-Cap Funds, Small-Cap Funds\); give the rows of one category"),
    (b"horizon,share_underperformed,date\n3,80,30/06/2017\n", r"^spiva_csv row 1: date='30/06/2017' is not a date"),
    (b"<html><body>Access denied</body></html>", r"^spiva_csv is not a readable CSV \(the file is an HTML/XML page, "
                                                 r"not a CSV\)"),
])
def test_spiva_errors_name_the_parameter_and_the_row(raw, message):
    with pytest.raises(ParameterError, match=message) as err:
        spiva_csv.parse(raw)
    assert "\n" not in str(err.value)


# -- members_earnings_csv ---------------------------------------------------------------------------------


def test_members_earnings_read_from_the_frames_column_names():
    f = members_earnings_csv.parse(EARNINGS_FRAMES)["earnings"]
    assert list(f["ticker"]) == ["AAON", "ACHR", "ACHR", "BE", "CRS"]
    assert list(f["net_income"]) == [160e6, -536.8e6, -512e6, -29e6, 376e6]  # parentheses are a loss
    assert list(f["date"].dt.year) == [2025, 2024, 2025, 2025, 2025]
    canonical = members_earnings_csv.parse(b"ticker,fiscal_period_end,net_income\nbrk.b,2025-12-31,1.5e9\n")["earnings"]
    assert canonical.iloc[0]["ticker"] == "BRK.B" and canonical.iloc[0]["net_income"] == 1.5e9


@pytest.mark.parametrize("raw, message", [
    (b"ticker,end\nAAON,2025-12-31\n", r"^members_earnings_csv lacks column\(s\) net_income; required: ticker, "
                                       r"fiscal_period_end, net_income$"),
    (b"ticker,end,val\n", r"^members_earnings_csv has no rows"),
    (b"ticker,end,val\n<b>x</b>,2025-12-31,1\n", r"^members_earnings_csv row 1: ticker='<b>x</b>' is not a ticker"),
    (b"ticker,end,val\n,2025-12-31,1\n", r"^members_earnings_csv row 1: ticker is empty"),
    (b"ticker,end,val\nAAON,12/31/2025,1\n", r"^members_earnings_csv row 1: fiscal_period_end='12/31/2025' is not a "
                                             r"date; give YYYY-MM-DD$"),
    (b"ticker,end,val\nAAON,2025-12-31,\n", r"^members_earnings_csv row 1: net_income is empty"),
    (b"ticker,end,val\nAAON,2025-12-31,loss\n", r"^members_earnings_csv row 1: net_income='loss' is not a number"),
    (b"ticker,end,val\nAAON,2025-12-31,1\naaon,2025-12-31,2\n", r"^members_earnings_csv row 2 repeats row 1 \(AAON, "
                                                                r"period ending 2025-12-31\)"),
    (b"ticker,end,val\nAAON,2025-12-31,1,2,3\n", r"^members_earnings_csv row 1: 5 fields where the header has 3"),
])
def test_members_earnings_errors_name_the_parameter_and_the_row(raw, message):
    with pytest.raises(ParameterError, match=message) as err:
        members_earnings_csv.parse(raw)
    assert "\n" not in str(err.value)


# -- through the data layer, the parameters and the chapter's loader -------------------------------------------


@pytest.mark.parametrize("kind, raw, name, rows, first, last", [
    ("spiva", SPIVA, "spiva_midyear_2017.csv", 4, "2017-06-30", "2017-06-30"),
    ("members_earnings", EARNINGS_FRAMES, "iwm_edgar_cy2025.csv", 5, "2024-12-31", "2025-12-31"),
])
def test_user_file_records_provenance_by_name_and_sha256(tmp_path, kind, raw, name, rows, first, last):
    p = write(tmp_path, raw, name)
    got = DataSession(mode="offline", snapshot="none", store=tmp_path / "store").user_file(p, kind=kind)
    prov = got.provenance
    parameter = {"spiva": "spiva_csv", "members_earnings": "members_earnings_csv"}[kind]
    assert prov.dataset == f"user/{parameter}" and prov.origin == "user" and prov.location == name
    assert prov.sha256 == hashlib.sha256(raw).hexdigest() and prov.rows == rows
    assert (prov.first, prov.last) == (first, last) and str(tmp_path) not in prov.vintage


def test_unknown_kind_lists_the_valid_ones(tmp_path):
    p = write(tmp_path, SPIVA, "s.csv")
    with pytest.raises(ParameterError, match=r"^kind='spivа' is not a user file kind; valid: moves, ousm_holdings, "
                                             r"forward_pe, members_earnings, spiva$"):
        DataSession(mode="offline", snapshot="none", store=tmp_path / "store").user_file(p, kind="spivа")


def test_the_chapter_declares_both_files(tmp_path):
    assert own_parameters("graduation")[-3:] == ["moves_csv", "members_earnings_csv", "spiva_csv"]
    assert spec("graduation", "spiva_csv").kind == "file" and spec("graduation", "members_earnings_csv").default is None
    with pytest.raises(ParameterError, match=r"^spiva_csv='gone.csv' is not a file$"):
        check_chapter("graduation", {"spiva_csv": str(tmp_path / "gone.csv")})
    p = write(tmp_path, SPIVA, "s.csv")
    assert check_chapter("graduation", {"spiva_csv": str(p)})["spiva_csv"] == str(p)
    out = grad.chapter_parameters(7, 36, 24, "origin", None, members_earnings_csv_path=None, spiva_csv_path=str(p))
    assert out["spiva_csv"] == "s.csv" and out["members_earnings_csv"] is None
    with pytest.raises(ParameterError, match=r"^members_earnings_csv='x.csv' is not a file; give a CSV with columns "
                                             r"ticker, fiscal_period_end, net_income"):
        grad.chapter_parameters(7, 36, 24, "origin", members_earnings_csv_path=str(tmp_path / "x.csv"))


class _NoMarketData:
    """A data session whose market data must not be touched: a bad user file is refused first."""

    def __init__(self, real):
        self.real = real

    def user_file(self, path, kind):
        return self.real.user_file(path, kind)

    def __getattr__(self, name):
        raise AssertionError(f"market data ({name}) loaded before the user files were checked")


def test_a_bad_user_file_is_refused_before_any_market_data(tmp_path):
    bad = write(tmp_path, b"horizon,share_underperformed\n3,180\n", "spiva.csv")
    ds = _NoMarketData(DataSession(mode="offline", snapshot="none", store=tmp_path / "store"))
    with pytest.raises(ParameterError, match=r"^spiva_csv row 1: share_underperformed=180 is out of range"):
        grad.load_inputs(ds, {"spiva_csv": str(bad)})
    bad = write(tmp_path, b"ticker,end,val\nAAON,2025-12-31,x\n", "earn.csv")
    with pytest.raises(ParameterError, match=r"^members_earnings_csv row 1: net_income='x' is not a number"):
        grad.load_inputs(ds, {"members_earnings_csv": str(bad), "spiva_csv": None})


def test_a_bad_user_file_is_refused_by_the_parameter_check(tmp_path):
    """`smallcaps run` checks the parameters before any kernel starts: G4's and G5's files must parse."""
    bad = write(tmp_path, b"horizon,share_underperformed\n3,180\n", "spiva.csv")
    with pytest.raises(ParameterError, match=r"^spiva_csv row 1: share_underperformed=180 is out of range"):
        check_chapter("graduation", {"spiva_csv": str(bad)})
    bad = write(tmp_path, b"ticker,end,val\nAAON,2025-12-31,x\n", "earn.csv")
    with pytest.raises(ParameterError, match=r"^members_earnings_csv row 1: net_income='x' is not a number"):
        check_chapter("graduation", {"members_earnings_csv": str(bad)})
    empty = write(tmp_path, b"  \n", "empty.csv")
    with pytest.raises(ParameterError, match=r"^members_earnings_csv has no rows; give a CSV with columns ticker"):
        check_chapter("graduation", {"members_earnings_csv": str(empty)})


def test_spiva_category_with_markup_is_refused_in_one_line():
    """X3: the category is shown on the page; markup in it is refused, not rendered."""
    raw = b"category,horizon,share_underperformed\n<script>x</script>,1,55\n"
    with pytest.raises(ParameterError, match=r"^spiva_csv row 1: category='<script>x</script>' holds markup "
                                             r"characters .*; give plain text \(e.g. Small-Cap Funds\)$"):
        spiva_csv.parse(raw)
    assert spiva_csv.parse(b"category,horizon,share_underperformed\nSmall-Cap Funds,1,55\n")["spiva"][
        "category"].tolist() == ["Small-Cap Funds"]
