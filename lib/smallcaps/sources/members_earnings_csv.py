"""A user's list of index members with their earnings (``members_earnings_csv``): ticker, fiscal
period end and net income.

The graduation chapter's G4 ("almost 40% of Russell 2000 members are unprofitable") needs the
members of the Russell 2000 with their earnings, which no free source publishes as one file.
A free route exists in two parts: the members from the holdings file of an ETF that tracks the
index (iShares IWM, "Detailed Holdings and Analytics", one row per holding with its ticker), and
their annual net income from SEC EDGAR's XBRL "frames" API (concept ``us-gaap/NetIncomeLoss`` in
USD for a calendar year, e.g. ``https://data.sec.gov/api/xbrl/frames/us-gaap/NetIncomeLoss/USD/CY2025.json``:
one fact per company with its CIK, period ``end`` and value ``val``), joined on the ticker by
SEC's ``company_tickers.json``. The reader writes the join as a CSV::

    ticker,name,cik,fiscal_period_end,net_income
    AAON,AAON Inc,824142,2025-12-31,160000000
    ...

This module parses and checks it; :meth:`smallcaps.data.DataSession.user_file` reads the file and
records its provenance (file name, sha256, rows, first and last period end). Required columns:
``ticker``, ``fiscal_period_end`` (YYYY-MM-DD; also read from ``period_end`` or ``end``) and
``net_income`` (in any currency unit; also read from ``netincomeloss`` or ``val``, the name in
SEC's frames; thousands separators and accounting parentheses for losses are accepted). Other
columns are ignored. A company may have several periods; the chapter takes each one's latest.

Every problem is a one-line :class:`~smallcaps.errors.ParameterError` that names
``members_earnings_csv`` and, for a bad row, the row (1 = the first data row) and what is wrong.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import ParameterError, ParseError
from ._csv import csv_rows
from .moves_csv import _TICKER

#: The parameter that names the file (errors start with it).
PARAMETER = "members_earnings_csv"
#: Required columns, each with the other names it is read from.
COLUMNS = {"ticker": ("ticker", "symbol"), "fiscal_period_end": ("fiscal_period_end", "period_end", "end"),
           "net_income": ("net_income", "netincomeloss", "val")}
#: The table :func:`parse` returns.
MAIN_TABLE = "earnings"
HINT = ("give a CSV with columns ticker, fiscal_period_end, net_income (e.g. IWM's holdings joined with SEC EDGAR "
        "XBRL frames for NetIncomeLoss)")


def _name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _amount(value: str, row: int) -> float:
    v = value.strip().replace(",", "").replace("$", "").replace(" ", "")
    neg = v.startswith("(") and v.endswith(")")
    if neg:
        v = v[1:-1]
    try:
        x = float(v)
    except ValueError:
        raise ParameterError(f"{PARAMETER} row {row}: net_income={value[:20]!r} is not a number; give the net "
                             "income (negative for a loss)") from None
    if x != x or x in (float("inf"), float("-inf")):
        raise ParameterError(f"{PARAMETER} row {row}: net_income={value[:20]!r} is not a finite number")
    return -x if neg else x


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse and check a members' earnings CSV.

    Parameters
    ----------
    raw
        The file's bytes: UTF-8 CSV with a header and the columns ``ticker``,
        ``fiscal_period_end`` (YYYY-MM-DD) and ``net_income`` (or their other names, see the
        module's docstring).

    Returns
    -------
    dict
        ``{"earnings": DataFrame}``: ``row`` (1 = first data row), ``ticker`` (upper case),
        ``date`` (the fiscal period's end), ``net_income``; sorted by ticker and date.

    Raises
    ------
    ParameterError
        One line naming ``members_earnings_csv`` (and the row): not a readable CSV, a missing
        column, no rows, an empty or malformed ticker, a bad date, a net income that is not a
        number, or one company's period given twice.
    """
    try:
        rows = csv_rows(raw, PARAMETER)
    except ParseError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise ParameterError(f"{PARAMETER} is not a readable CSV ({msg}); {HINT}") from None
    header = [_name(c) for c in rows[0]]
    pos: dict[str, int] = {}
    missing: list[str] = []
    for col, names in COLUMNS.items():
        found = next((header.index(n) for n in names if n in header), None)
        if found is None:
            missing.append(col)
        else:
            pos[col] = found
    if missing:
        raise ParameterError(f"{PARAMETER} lacks column(s) {', '.join(missing)}; required: {', '.join(COLUMNS)}")
    body = rows[1:]
    if not body:
        raise ParameterError(f"{PARAMETER} has no rows; give one row per company and fiscal period "
                             f"({', '.join(COLUMNS)})")
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    for i, r in enumerate(body, start=1):
        if len(r) > len(header):
            raise ParameterError(f"{PARAMETER} row {i}: {len(r)} fields where the header has {len(header)}; {HINT}")
        ticker, date, income = (r[pos[c]].strip() if pos[c] < len(r) else "" for c in COLUMNS)
        if not ticker:
            raise ParameterError(f"{PARAMETER} row {i}: ticker is empty; give the company's ticker")
        if not _TICKER.fullmatch(ticker):
            raise ParameterError(f"{PARAMETER} row {i}: ticker={ticker[:20]!r} is not a ticker; give letters and "
                                 "digits (with . - or / for a share class), at most 12 characters")
        try:
            d = pd.to_datetime(date, format="%Y-%m-%d")
        except (ValueError, TypeError):
            raise ParameterError(f"{PARAMETER} row {i}: fiscal_period_end={date[:20]!r} is not a date; give "
                                 "YYYY-MM-DD") from None
        if not income:
            raise ParameterError(f"{PARAMETER} row {i}: net_income is empty; give the net income (negative for a "
                                 "loss)")
        key = (ticker.upper(), d)
        if key in seen:
            raise ParameterError(f"{PARAMETER} row {i} repeats row {seen[key]} ({ticker.upper()}, period ending "
                                 f"{d.date()}); give each company's period once")
        seen[key] = i
        out.append({"row": i, "ticker": ticker.upper(), "date": d, "net_income": _amount(income, i)})
    frame = pd.DataFrame(out).sort_values(["ticker", "date"], kind="stable", ignore_index=True)
    return {MAIN_TABLE: frame}
