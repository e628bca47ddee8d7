"""Robert Shiller's ie_data.xls (sheet ``Data``): monthly S&P composite since 1871.

The workbook behind *Irrational Exuberance*: monthly S&P composite price, dividends and
earnings, CPI, the long (10-year) interest rate, real (CPI-deflated) series and the cyclically
adjusted P/E (CAPE). The sheet starts with several header rows whose text spans rows (``Real`` /
``Price``, ``Cyclically`` / ``Adjusted`` / ... / ``CAPE``); the parser joins each column's
header cells top to bottom and maps columns by that text, never by position, so a vintage that
inserts a column still parses correctly, and one that drops a needed column fails clearly.

Dates are decimals ``YYYY.MM``: ``1871.01`` is January and ``1871.1`` is **October** (the
spreadsheet drops the trailing zero of ``1871.10``), so the month is ``round(fraction * 100)``.

Output columns and units (:data:`COLUMNS`; header text as found in the workbook):

* ``price`` -- "S&P Comp. P": monthly average of daily closes, index points (the latest month
  may be a single day's close, see the sheet's footnote).
* ``dividend`` -- "Dividend D": dividends per index share over the trailing 12 months, index
  points.
* ``earnings`` -- "Earnings E": earnings per index share over the trailing 12 months, index
  points.
* ``cpi`` -- "Consumer Price Index CPI": index, 1982-84 = 100.
* ``gs10`` -- "Long Interest Rate GS10": 10-year Treasury yield, percent a year.
* ``real_price``, ``real_dividend``, ``real_earnings`` -- "Real Price", "Real Dividend",
  "Real Earnings": P, D, E deflated by CPI, in dollars of the sheet's latest month (index
  points).
* ``real_tr_price`` -- "Real Total Return Price": CPI-deflated total-return index (dividends
  reinvested), index points.
* ``real_tr_earnings`` -- "Real TR Scaled Earnings": real earnings scaled to the total-return
  index, index points.
* ``cape`` -- "Cyclically Adjusted Price Earnings Ratio P/E10 or CAPE": real price over the
  10-year average of real earnings, ratio (NaN before 1881-01).
* ``tr_cape`` -- "... Total Return ... TR P/E10 or TR CAPE", ratio (if the vintage has it).
* ``excess_cape_yield`` -- "Excess CAPE Yield": 1/CAPE minus the real 10-year bond yield, as a
  decimal fraction (0.017 = 1.7 %) (if the vintage has it).

Real series are in dollars of the sheet's latest CPI month, so they change with every vintage.
"""

from __future__ import annotations

import io
import math
import os
import re

import numpy as np
import pandas as pd

from ..datasets import DatasetSpec
from ..errors import FetchError, ParseError
from ..net import download

PARSER_VERSION = 1
DEFAULT_URL = "https://img1.wsimg.com/blobby/go/e5e77e0b-59d1-44d9-ab25-4763ac982e53/downloads/ie_data.xls"

SHEET = "Data"

#: Output column -> (header text, whitespace-collapsed and lower-cased; required?).
COLUMNS: dict[str, tuple[str, bool]] = {
    "price": ("s&p comp. p", True),
    "dividend": ("dividend d", True),
    "earnings": ("earnings e", True),
    "cpi": ("consumer price index cpi", True),
    "gs10": ("long interest rate gs10", True),
    "real_price": ("real price", True),
    "real_dividend": ("real dividend", True),
    "real_tr_price": ("real total return price", True),
    "real_earnings": ("real earnings", True),
    "real_tr_earnings": ("real tr scaled earnings", True),
    "cape": ("cyclically adjusted price earnings ratio p/e10 or cape", True),
    "tr_cape": ("cyclically adjusted total return price earnings ratio tr p/e10 or tr cape", False),
    "excess_cape_yield": ("excess cape yield", False),
}
#: Header of the decimal-year column, used only to check the ``YYYY.MM`` decoding.
DATE_FRACTION = "date fraction"
#: Text cells read as missing (older vintages write ``NA``); any other text in a value cell fails.
MISSING_TEXT = frozenset({"", "na", "n/a", "#n/a", "nan"})

# xlrd cell types (xlrd.XL_CELL_*), spelled out so the module imports without xlrd
_EMPTY, _TEXT, _NUMBER, _ERROR, _BLANK = 0, 1, 2, 5, 6


def url() -> str:
    return os.environ.get("SMALLCAPS_SHILLER_URL", DEFAULT_URL)


def spec() -> DatasetSpec:
    return DatasetSpec(
        dataset="shiller/ie_data",
        source="shiller",
        snapshot_path="shiller/ie_data.xls",
        parse=parse,
        parser_version=PARSER_VERSION,
        main_table="data",
        fetch=lambda deadline: fetch(deadline=deadline),
        location=url(),
        raw_name="ie_data.xls",
        vintage=vintage,
    )


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse sheet ``Data`` of Shiller's ie_data.xls.

    Parameters
    ----------
    raw
        The workbook's bytes (Excel 97-2003 ``.xls``).

    Returns
    -------
    dict
        ``{"data": frame}``: a monthly PeriodIndex named ``month`` (consecutive, from 1871-01)
        and the float64 columns of :data:`COLUMNS` (units in the module docstring;
        ``tr_cape`` and ``excess_cape_yield`` only if the workbook has them). Empty cells are
        NaN and are never filled: in the 2026-03 vintage D and E end in 2025-12 while P runs to
        2026-03. Rows after the last dated row (footnotes) are dropped.

    Raises
    ------
    ParseError
        Not an .xls workbook, no sheet ``Data``, no header row starting with ``Date``, a
        required column missing or ambiguous, a date that is not ``YYYY.MM``, months that are
        not consecutive, or text in a value cell.
    """
    what = "Shiller ie_data.xls"
    return {"data": parse_sheet(_open_sheet(raw, what), what)}


def parse_sheet(sheet, what: str = "Shiller ie_data.xls") -> pd.DataFrame:
    """Parse an opened sheet (the body of :func:`parse`).

    Parameters
    ----------
    sheet
        An ``xlrd`` sheet, or any object with its ``nrows``, ``ncols``, ``row_len(r)``,
        ``cell_type(r, c)`` and ``cell_value(r, c)`` (tests pass edited copies of the real sheet).
    what
        Name of the file, for error messages.

    Returns
    -------
    pandas.DataFrame
        The ``data`` table described in :func:`parse`.

    Raises
    ------
    ParseError
        As :func:`parse`.
    """
    # the header row is the first whose first cell reads "Date"; the rows above it continue it
    hdr = next((r for r in range(sheet.nrows) if _text(sheet, r, 0).lower() == "date"), None)
    if hdr is None:
        raise ParseError(f"{what}: sheet {SHEET!r} has no header row starting with 'Date'")
    headers = {c: _header_text(sheet, hdr, c) for c in range(1, sheet.ncols)}
    cols = _map_columns(headers, what)
    frac_col = next((c for c, h in headers.items() if h == DATE_FRACTION), None)

    # data rows: from below the header to the last row with a date; later rows are footnotes
    # (a footnote in the date column is not a date either, so it ends the data too)
    dated = [r for r in range(hdr + 1, sheet.nrows) if _is_date_cell(sheet, r)]
    if not dated:
        raise ParseError(f"{what}: no dated rows below the header (row {hdr + 1})")
    rows = range(hdr + 1, dated[-1] + 1)
    months: list[pd.Period] = []
    for r in rows:
        months.append(_month(sheet, r, what))
    index = pd.PeriodIndex(months, freq="M", name="month")
    expected = pd.period_range(index[0], periods=len(index), freq="M")
    if not index.equals(expected):
        bad = next(i for i in range(len(index)) if index[i] != expected[i])
        raise ParseError(f"{what}: row {rows[bad] + 1}: month {index[bad]} follows {index[bad - 1]}; "
                         "months must be consecutive")

    if frac_col is not None:
        # the sheet's own decimal year (mid-month: year + (month - 0.5) / 12) confirms the YYYY.MM decoding
        frac = np.array([_number(sheet, r, frac_col, "Date Fraction", what) for r in rows])
        mid = np.array([p.year + (p.month - 0.5) / 12 for p in index])
        off = np.abs(frac - mid) > 0.01
        if off.any():
            i = int(np.argmax(off))
            raise ParseError(f"{what}: row {rows[i] + 1}: date {index[i]} disagrees with Date Fraction {frac[i]:g}")

    data = {name: np.array([_number(sheet, r, c, name, what) for r in rows], dtype="float64")
            for name, c in cols.items()}
    frame = pd.DataFrame(data, index=index)
    if frame["price"].isna().all():
        raise ParseError(f"{what}: the price column (S&P Comp. P) is empty")
    return frame


def vintage(raw: bytes, tables: dict[str, pd.DataFrame], note: str) -> str:
    """The workbook's vintage: ``"data through YYYY-MM"``, the last month with a price.

    Parameters
    ----------
    raw
        The workbook's bytes (unused: the parsed table says it).
    tables
        Output of :func:`parse`.
    note
        The snapshot manifest's note (unused).
    """
    price = tables["data"]["price"].dropna()
    return f"data through {price.index[-1]}" if len(price) else ""


def fetch(*, deadline: float, retries: int = 2, backoff: float = 1.0) -> tuple[bytes, dict]:
    """Download ie_data.xls from Shiller's site.

    Parameters
    ----------
    deadline
        Overall limit in seconds for all attempts together.
    retries
        Extra attempts after a retryable failure (HTTP 429/5xx, connection error).
    backoff
        Base of the exponential backoff between attempts, in seconds.

    Returns
    -------
    tuple
        The workbook's bytes and extra provenance ``{"url": ...}``.

    Raises
    ------
    FetchError
        HTTP error, deadline exceeded, empty or truncated body, or a body that is not an
        Excel 97-2003 workbook (e.g. an HTML page after the file moved).
    """
    address = url()
    raw = download(address, deadline=deadline, retries=retries, backoff=backoff, what="Shiller ie_data.xls")
    # .xls is an OLE2 compound document: anything else (an HTML page, a moved-file notice) is no workbook
    if not raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise FetchError(f"Shiller ie_data.xls: {address} did not return an .xls workbook (starts {raw[:16]!r})")
    return raw, {"url": address}


# ---------------------------------------------------------------------------------------------


def _open_sheet(raw: bytes, what: str):
    import xlrd  # read directly: pandas' xlrd engine is deprecated and would warn on every parse

    if not raw:
        raise ParseError(f"{what}: the file is empty")
    try:
        # xlrd writes format warnings to its logfile (stdout by default): keep them out of the output
        book = xlrd.open_workbook(file_contents=raw, logfile=io.StringIO(), verbosity=0, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error... on damaged files
        raise ParseError(f"{what}: not a readable .xls workbook ({type(exc).__name__}: {str(exc)[:80]})") from None
    try:
        return book.sheet_by_name(SHEET)
    except xlrd.XLRDError:
        raise ParseError(f"{what}: no sheet {SHEET!r} (sheets: {', '.join(book.sheet_names())})") from None


def _text(sheet, r: int, c: int) -> str:
    if c >= sheet.row_len(r):
        return ""
    v = sheet.cell_value(r, c)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _header_text(sheet, hdr: int, c: int) -> str:
    parts = [_text(sheet, r, c) for r in range(hdr + 1) if c < sheet.row_len(r) and sheet.cell_type(r, c) == _TEXT]
    return " ".join(" ".join(p for p in parts if p).split()).lower()


def _map_columns(headers: dict[int, str], what: str) -> dict[str, int]:
    cols: dict[str, int] = {}
    missing = []
    for name, (text, required) in COLUMNS.items():
        found = [c for c, h in headers.items() if h == text]
        if len(found) > 1:
            raise ParseError(f"{what}: header {text!r} ({name}) appears in {len(found)} columns")
        if found:
            cols[name] = found[0]
        elif required:
            missing.append(f"{name} ({text!r})")
    if missing:
        seen = "; ".join(h for h in headers.values() if h)
        raise ParseError(f"{what}: required column(s) missing: {', '.join(missing)}; headers found: {seen[:300]}")
    return cols


_YYYYMM = re.compile(r"\d{4}\.\d{1,2}")


def _is_date_cell(sheet, r: int) -> bool:
    ctype, v = sheet.cell_type(r, 0), sheet.cell_value(r, 0)
    return ctype == _NUMBER or (ctype == _TEXT and bool(_YYYYMM.fullmatch(v.strip())))


def _month(sheet, r: int, what: str) -> pd.Period:
    ctype, v = sheet.cell_type(r, 0), sheet.cell_value(r, 0)
    if ctype == _TEXT and _YYYYMM.fullmatch(v.strip()):
        v = float(v)
    if not isinstance(v, float) or ctype not in (_NUMBER, _TEXT):
        raise ParseError(f"{what}: row {r + 1}: date cell {v!r} is not a YYYY.MM decimal")
    # 1871.1 is October: the month is the two decimals, trailing zero dropped by the spreadsheet
    code = round(v * 100)
    year, month = divmod(code, 100)
    if abs(v * 100 - code) > 1e-6 or not 1 <= month <= 12:
        raise ParseError(f"{what}: row {r + 1}: date {v!r} is not YYYY.MM with MM in 01..12")
    return pd.Period(year=year, month=month, freq="M")


def _number(sheet, r: int, c: int, name: str, what: str) -> float:
    if c >= sheet.row_len(r):
        return math.nan
    ctype = sheet.cell_type(r, c)
    if ctype == _NUMBER:
        return float(sheet.cell_value(r, c))
    if ctype in (_EMPTY, _BLANK, _ERROR):  # an error cell (#DIV/0!, #N/A) has no value
        return math.nan
    v = sheet.cell_value(r, c)
    if ctype == _TEXT and v.strip().lower() in MISSING_TEXT:
        return math.nan
    raise ParseError(f"{what}: row {r + 1}: {name} cell {v!r} is not a number")
