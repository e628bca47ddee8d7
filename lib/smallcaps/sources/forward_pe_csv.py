"""A user's forward price-to-earnings history (``forward_pe_csv``): small caps against large caps.

The valuation chapter's V1 quotes small caps' discount in forward P/E (the Russell 2000 against
the S&P 500, "27% now against a 3% premium on average since 1995"). No free source publishes
that history in machine-readable form; index providers and research houses export it as a
table of dates and multiples, which a reader can save as a CSV with three columns:

``date``
    YYYY-MM-DD, one row per month (a month-end date, or any day of the month).
``small_forward_pe``
    The small-cap index's forward P/E (e.g. the Russell 2000 or the S&P 600), a positive
    multiple; a trailing ``x`` (``14.2x``) is accepted.
``large_forward_pe``
    The large-cap index's forward P/E (e.g. the S&P 500), same format.

Other columns (index names, a source note) are ignored; names are case-insensitive and may use
spaces or hyphens for the underscores. This module parses and checks the file;
:meth:`smallcaps.data.DataSession.user_file` reads it and records its provenance (file name,
sha256, rows, first and last date) so that it appears in the chapter's data vintage.

Every problem is a one-line :class:`~smallcaps.errors.ParameterError` that names
``forward_pe_csv`` and, for a bad row, the row (1 = the first data row) and the column.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..errors import ParameterError, ParseError
from ._csv import csv_rows

#: The parameter that names the file (errors start with it).
PARAMETER = "forward_pe_csv"
#: Required columns (others are ignored).
COLUMNS = ("date", "small_forward_pe", "large_forward_pe")
#: The table :func:`parse` returns.
MAIN_TABLE = "forward_pe"
HINT = f"give a CSV with columns {', '.join(COLUMNS)} (dates YYYY-MM-DD, one row per month)"
#: A forward P/E above this is not an index multiple (a typo, or earnings near zero).
MAX_PE = 1000.0
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _multiple(text: str, row: int, column: str) -> float:
    t = text.strip()
    if t[-1:] in ("x", "X"):
        t = t[:-1].strip()
    if not _NUMBER.fullmatch(t):
        shown = text.strip()[:20]
        raise ParameterError(f"{PARAMETER} row {row}: {column}={shown!r} is not a number; give the multiple, "
                             "e.g. 14.2")
    v = float(t)
    if not (math.isfinite(v) and 0 < v <= MAX_PE):
        raise ParameterError(f"{PARAMETER} row {row}: {column}={v:g} is out of range; valid: above 0 and at most "
                             f"{MAX_PE:g}")
    return v


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse and check a forward P/E CSV.

    Parameters
    ----------
    raw
        The file's bytes (UTF-8, a byte-order mark allowed) with a header row.

    Returns
    -------
    dict
        ``{"forward_pe": DataFrame}`` indexed by ``month`` (monthly PeriodIndex, in order) with
        ``date`` (the row's date), ``row`` (1 = first data row), ``small_pe``, ``large_pe``
        (multiples) and ``relative`` (``small_pe / large_pe - 1``, decimal: -0.27 is a 27%
        discount of small caps to large caps).

    Raises
    ------
    ParameterError
        One line naming ``forward_pe_csv`` (and the row and column): not a readable CSV, a
        missing column, no rows, a bad date, a value that is not a positive multiple, or two
        rows in the same month.
    """
    try:
        rows = csv_rows(raw, PARAMETER)
    except ParseError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise ParameterError(f"{PARAMETER} is not a readable CSV ({msg}); {HINT}") from None
    header = [_column_name(c) for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParameterError(f"{PARAMETER} lacks column(s) {', '.join(missing)}; required: {', '.join(COLUMNS)}")
    body = rows[1:]
    if not body:
        raise ParameterError(f"{PARAMETER} has no rows; {HINT}")
    pos = [header.index(c) for c in COLUMNS]
    out: list[dict] = []
    month_of: dict[pd.Period, int] = {}
    for i, r in enumerate(body, start=1):
        if len(r) > len(header):
            raise ParameterError(f"{PARAMETER} row {i}: {len(r)} fields where the header has {len(header)}; {HINT}")
        date, small, large = (r[p].strip() if p < len(r) else "" for p in pos)
        try:
            d = pd.to_datetime(date, format="%Y-%m-%d")
        except (ValueError, TypeError):
            raise ParameterError(f"{PARAMETER} row {i}: date={date[:20]!r} is not a date; give YYYY-MM-DD") from None
        for name, val in (("small_forward_pe", small), ("large_forward_pe", large)):
            if not val:
                raise ParameterError(f"{PARAMETER} row {i}: {name} is empty; give the multiple, e.g. 14.2")
        s, lg = _multiple(small, i, "small_forward_pe"), _multiple(large, i, "large_forward_pe")
        month = pd.Period(d, freq="M")
        if month in month_of:
            raise ParameterError(f"{PARAMETER} row {i} is in the same month ({month}) as row {month_of[month]}; "
                                 "give one row per month")
        month_of[month] = i
        out.append({"month": month, "date": d, "row": i, "small_pe": s, "large_pe": lg, "relative": s / lg - 1.0})
    frame = pd.DataFrame(out).set_index("month").sort_index()
    frame.index = pd.PeriodIndex(frame.index, freq="M", name="month")
    return {MAIN_TABLE: frame}
