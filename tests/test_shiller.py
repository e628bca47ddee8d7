"""Shiller ie_data.xls parser."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import xlrd

from smallcaps.data import DataSession
from smallcaps.errors import FetchError, ParseError
from smallcaps.sources import shiller

from conftest import tree_listing

COLUMNS = ["price", "dividend", "earnings", "cpi", "gs10", "real_price", "real_dividend", "real_tr_price",
           "real_earnings", "real_tr_earnings", "cape", "tr_cape", "excess_cape_yield"]


@pytest.fixture(scope="module")
def raw(snapshot_dir) -> bytes:
    return (snapshot_dir / "shiller" / "ie_data.xls").read_bytes()


@pytest.fixture(scope="module")
def frame(raw) -> pd.DataFrame:
    return shiller.parse(raw)["data"]


@pytest.fixture(scope="module")
def real_sheet(raw):
    return xlrd.open_workbook(file_contents=raw).sheet_by_name("Data")


class FakeSheet:
    """An editable copy of an xlrd sheet (cell types and values), for crafted edge cases."""

    def __init__(self, sheet):
        self.types = [list(sheet.row_types(r)) for r in range(sheet.nrows)]
        self.values = [list(sheet.row_values(r)) for r in range(sheet.nrows)]

    @property
    def nrows(self):
        return len(self.values)

    @property
    def ncols(self):
        return max(len(r) for r in self.values)

    def row_len(self, r):
        return len(self.values[r])

    def cell_type(self, r, c):
        return self.types[r][c]

    def cell_value(self, r, c):
        return self.values[r][c]

    def set(self, r, c, value):
        self.values[r][c] = value
        if value == "":
            self.types[r][c] = xlrd.XL_CELL_EMPTY
        elif isinstance(value, str):
            self.types[r][c] = xlrd.XL_CELL_TEXT
        else:
            self.types[r][c] = xlrd.XL_CELL_NUMBER

    def row_of(self, date: float) -> int:
        return next(r for r in range(self.nrows)
                    if self.types[r][0] == xlrd.XL_CELL_NUMBER and self.values[r][0] == date)


def _parse_error(sheet) -> str:
    with pytest.raises(ParseError) as info:
        shiller.parse_sheet(sheet)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("Shiller ie_data.xls:")
    return msg


# -- the snapshot's real workbook ---------------------------------------------------------------


def test_shape_index_columns(frame):
    assert list(frame.columns) == COLUMNS
    assert (frame.dtypes == np.float64).all()
    assert isinstance(frame.index, pd.PeriodIndex) and frame.index.freqstr == "M" and frame.index.name == "month"
    assert frame.index[0] == pd.Period("1871-01", "M")
    assert frame.index[-1] == pd.Period("2026-03", "M")  # the footnote row after it is dropped
    assert len(frame) == 1863
    assert frame.index.equals(pd.period_range("1871-01", "2026-03", freq="M", name="month"))


def test_decimal_dates_1871_1_is_october(frame, real_sheet):
    # find the rows the file writes as 1871.1 and 1871.11 and check where their values land
    dates = real_sheet.col_values(0)
    oct_row, nov_row = dates.index(1871.1), dates.index(1871.11)
    assert oct_row + 1 == nov_row and dates[oct_row - 1] == 1871.09
    assert real_sheet.cell_value(oct_row, 1) == 4.59
    assert frame.loc["1871-10", "price"] == 4.59
    assert frame.loc["1871-11", "price"] == real_sheet.cell_value(nov_row, 1) == 4.64
    assert frame.loc["1871-09", "price"] == 4.84
    # the sheet's own fractional year agrees: 1871 + 9.5/12
    assert real_sheet.cell_value(oct_row, 5) == pytest.approx(1871 + 9.5 / 12)


@pytest.mark.parametrize(
    "month, column, value",
    [
        ("1871-01", "price", 4.44), ("1871-01", "dividend", 0.26), ("1871-01", "earnings", 0.4),
        ("1871-01", "cpi", 12.46406116), ("1871-01", "gs10", 5.32),
        ("1871-01", "real_price", 116.18269530378336),
        ("1881-01", "cape", 18.47395230140493), ("1881-01", "earnings", 0.4858),
        ("1929-09", "price", 31.3), ("1929-09", "cape", 32.5637885987767),
        ("1999-12", "price", 1428.68), ("1999-12", "dividend", 16.69), ("1999-12", "earnings", 48.17),
        ("1999-12", "cpi", 168.3), ("1999-12", "cape", 44.19793976104055),
        ("1999-12", "tr_cape", 48.11096868299512),
        ("2009-03", "price", 757.13), ("2009-03", "earnings", 6.86), ("2009-03", "gs10", 2.82),
        ("2009-03", "excess_cape_yield", 0.0725776409549966),
        ("2025-12", "dividend", 79.52), ("2025-12", "earnings", 253.11), ("2025-12", "cpi", 324.054),
        ("2026-03", "price", 6869.5), ("2026-03", "gs10", 4.05), ("2026-03", "cape", 38.93238445998252),
    ],
)
def test_values(frame, month, column, value):
    assert frame.loc[month, column] == pytest.approx(value, rel=1e-12)


def test_cape_starts_1881(frame):
    assert frame["cape"].first_valid_index() == pd.Period("1881-01", "M")
    assert frame["cape"].loc[:"1880-12"].isna().all()


def test_ragged_end_is_kept_not_filled(frame):
    # E and D end 2025-12 in this vintage while P runs to 2026-03
    for col in ("earnings", "dividend", "real_earnings", "real_dividend", "real_tr_earnings"):
        assert frame[col].last_valid_index() == pd.Period("2025-12", "M"), col
        assert frame[col].loc["2026-01":].isna().all(), col
    assert frame["price"].last_valid_index() == pd.Period("2026-03", "M")
    assert frame["price"].notna().all()


def test_vintage(raw, frame):
    assert shiller.vintage(raw, {"data": frame}, "") == "data through 2026-03"


def test_parse_emits_no_warnings(raw, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shiller.parse(raw)
    assert capsys.readouterr() == ("", "")


def test_offline_session(offline):
    loaded = DataSession(mode="offline").shiller()
    assert loaded.provenance.vintage == "data through 2026-03"
    assert (loaded.provenance.first, loaded.provenance.last) == ("1871-01", "2026-03")
    assert loaded.frame.loc["1871-10", "price"] == 4.59


# -- edited copies of the real sheet ------------------------------------------------------------


def test_fake_sheet_parses_like_the_file(real_sheet, frame):
    pd.testing.assert_frame_equal(shiller.parse_sheet(FakeSheet(real_sheet)), frame)


def test_columns_are_found_by_header_not_position(real_sheet, frame):
    sheet = FakeSheet(real_sheet)
    for r in range(sheet.nrows):  # reverse every column after the date
        n = len(sheet.values[r])
        sheet.values[r] = sheet.values[r][:1] + sheet.values[r][1:n][::-1]
        sheet.types[r] = sheet.types[r][:1] + sheet.types[r][1:n][::-1]
    pd.testing.assert_frame_equal(shiller.parse_sheet(sheet), frame)


def test_optional_columns_may_be_absent(real_sheet):
    sheet = FakeSheet(real_sheet)
    for r in range(8):  # blank the header of the TR CAPE column (14) and Excess CAPE Yield (16)
        sheet.set(r, 14, "")
        sheet.set(r, 16, "")
    out = shiller.parse_sheet(sheet)
    assert "tr_cape" not in out and "excess_cape_yield" not in out and "cape" in out


def test_missing_required_column(real_sheet):
    sheet = FakeSheet(real_sheet)
    sheet.set(7, 12, "Ratio")  # the CAPE column's last header line no longer says CAPE
    msg = _parse_error(sheet)
    assert "required column(s) missing: cape" in msg


def test_duplicate_header(real_sheet):
    sheet = FakeSheet(real_sheet)
    for r in range(8):
        sheet.set(r, 8, real_sheet.cell_value(r, 7))  # Real Dividend's header becomes Real Price
    assert "'real price' (real_price) appears in 2 columns" in _parse_error(sheet)


def test_no_header_row(real_sheet):
    sheet = FakeSheet(real_sheet)
    sheet.set(7, 0, "Month")
    assert "no header row starting with 'Date'" in _parse_error(sheet)


def test_text_value_is_an_error_but_na_is_missing(real_sheet):
    sheet = FakeSheet(real_sheet)
    r = sheet.row_of(1950.06)
    sheet.set(r, 1, "NA")
    assert math.isnan(shiller.parse_sheet(sheet).loc["1950-06", "price"])
    sheet.set(r, 1, "18.x")
    assert "price cell '18.x' is not a number" in _parse_error(sheet)


def test_bad_month_code(real_sheet):
    sheet = FakeSheet(real_sheet)
    sheet.set(sheet.row_of(1950.06), 0, 1950.13)
    assert "1950.13 is not YYYY.MM" in _parse_error(sheet)


def test_repeated_month_is_an_error(real_sheet):
    sheet = FakeSheet(real_sheet)
    sheet.set(sheet.row_of(1950.06), 0, 1950.05)
    assert "month 1950-05 follows 1950-05" in _parse_error(sheet)


def test_gap_in_the_middle_is_an_error(real_sheet):
    sheet = FakeSheet(real_sheet)
    sheet.set(sheet.row_of(1950.06), 0, "")
    assert "not a YYYY.MM decimal" in _parse_error(sheet)


def test_date_disagreeing_with_date_fraction(real_sheet):
    sheet = FakeSheet(real_sheet)
    r = sheet.row_of(1950.06)
    sheet.set(r, 5, sheet.values[r][5] + 0.5)
    assert "disagrees with Date Fraction" in _parse_error(sheet)


def test_trailing_rows_without_date_are_dropped(real_sheet, frame):
    sheet = FakeSheet(real_sheet)
    n = len(sheet.values[0])
    sheet.values.append(["Note: prices are monthly averages"] + [""] * (n - 1))
    sheet.types.append([xlrd.XL_CELL_TEXT] + [xlrd.XL_CELL_EMPTY] * (n - 1))
    pd.testing.assert_frame_equal(shiller.parse_sheet(sheet), frame)


@pytest.mark.parametrize(
    "make, needle",
    [
        (lambda raw: b"", "empty"),
        (lambda raw: b"<html><body>moved</body></html>", "not a readable .xls workbook"),
        (lambda raw: b"Date,P,D,E\n1871.01,4.44,0.26,0.4\n", "not a readable .xls workbook"),
        (lambda raw: raw[: len(raw) // 3], "not a readable .xls workbook"),
    ],
)
def test_unreadable_files(raw, make, needle):
    with pytest.raises(ParseError) as info:
        shiller.parse(make(raw))
    assert needle in str(info.value) and "\n" not in str(info.value)


# -- download -------------------------------------------------------------------------------------


@pytest.mark.network_local
def test_live_fetch(local_server, online_env, monkeypatch, raw, frame):
    monkeypatch.setenv("SMALLCAPS_SHILLER_URL", local_server.url + "/ie_data.xls")
    local_server.add("/ie_data.xls", body=raw)
    loaded = DataSession(mode="auto", snapshot="none").shiller()
    assert loaded.provenance.origin == "live" and loaded.provenance.vintage == "data through 2026-03"
    pd.testing.assert_frame_equal(loaded.frame, frame)


@pytest.mark.network_local
def test_live_html_is_fetch_error(local_server, online_env, monkeypatch, store_dir):
    monkeypatch.setenv("SMALLCAPS_SHILLER_URL", local_server.url + "/ie_data.xls")
    local_server.add("/ie_data.xls", body=b"<html>The file has moved</html>")
    before = tree_listing(store_dir)
    with pytest.raises(FetchError, match="Shiller ie_data.xls.*not return an .xls workbook"):
        DataSession(mode="auto", snapshot="none").shiller()
    assert tree_listing(store_dir) == before
