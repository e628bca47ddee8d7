"""A user's SPIVA-style table (``spiva_csv``): the share of active small-cap funds that
underperformed their benchmark, by horizon.

The graduation chapter's G5 ("active selection beats passive exposure in small caps") is
decided by how many active small-cap funds beat their index. S&P Dow Jones Indices publishes
that share twice a year in its SPIVA U.S. Scorecard (report 1, "Percentage of U.S. Equity Funds
Underperforming Their Benchmarks": the row "Small-Cap Funds" against the S&P SmallCap 600, with
one column per horizon, 1 to 20 years). The reports are free to read but not machine-readable,
so a reader copies the row into a small CSV::

    scorecard,category,benchmark,horizon,share_underperformed
    SPIVA U.S. Year-End 2025,Small-Cap Funds,S&P SmallCap 600,1-YEAR,62.1
    SPIVA U.S. Year-End 2025,Small-Cap Funds,S&P SmallCap 600,3-YEAR,80.4
    ...

This module parses and checks it; :meth:`smallcaps.data.DataSession.user_file` reads the file and
records its provenance (file name, sha256, rows). Only two columns are required: ``horizon``
(years: ``3``, ``3-YEAR``, ``3 years``, ``3y``) and ``share_underperformed`` (percent of funds,
0-100, as SPIVA prints it). An optional ``category`` column must hold one fund category (the
table of one category, not the whole report); an optional ``date`` (YYYY-MM-DD: the scorecard's
as-of date) is kept for the provenance.

Every problem is a one-line :class:`~smallcaps.errors.ParameterError` that names ``spiva_csv``
and, for a bad row, the row (1 = the first data row) and what is wrong.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import ParameterError, ParseError
from ._csv import csv_rows, plain_text

#: The parameter that names the file (errors start with it).
PARAMETER = "spiva_csv"
#: Required columns (others are ignored; names are case-insensitive, spaces and hyphens read as _).
COLUMNS = ("horizon", "share_underperformed")
#: The table :func:`parse` returns.
MAIN_TABLE = "spiva"
HINT = ("give a CSV with columns horizon, share_underperformed (percent of active small-cap funds that "
        "underperformed their benchmark, e.g. SPIVA U.S. Scorecard report 1, Small-Cap Funds)")
#: Horizons SPIVA reports (years); a horizon outside this range is refused.
HORIZONS = (1, 30)
_HORIZON = re.compile(r"(\d{1,2})\s*(?:-?\s*(?:years?|yrs?|y))?", re.IGNORECASE)


def _name(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def _horizon(value: str, row: int) -> int:
    m = _HORIZON.fullmatch(value.strip())
    if not m:
        raise ParameterError(f"{PARAMETER} row {row}: horizon={value[:20]!r} is not a number of years; give e.g. "
                             "3, 3-YEAR or 3 years")
    years = int(m.group(1))
    lo, hi = HORIZONS
    if not lo <= years <= hi:
        raise ParameterError(f"{PARAMETER} row {row}: horizon={years} years is out of range; valid: {lo}..{hi}")
    return years


def _share(value: str, row: int) -> float:
    v = value.strip().rstrip("%").strip()
    try:
        x = float(v)
    except ValueError:
        raise ParameterError(f"{PARAMETER} row {row}: share_underperformed={value[:20]!r} is not a number; give the "
                             "percent of funds (0-100)") from None
    if not 0.0 <= x <= 100.0:
        raise ParameterError(f"{PARAMETER} row {row}: share_underperformed={x:g} is out of range; valid: 0..100 "
                             "(percent of funds)")
    return x


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse and check a SPIVA-style CSV.

    Parameters
    ----------
    raw
        The file's bytes: UTF-8 CSV with a header and at least the columns ``horizon`` and
        ``share_underperformed`` (percent, 0-100); optional ``category`` (one category only) and
        ``date`` (YYYY-MM-DD).

    Returns
    -------
    dict
        ``{"spiva": DataFrame}``: ``row`` (1 = first data row), ``horizon`` (years), ``share``
        (decimal, 0-1), ``category`` and ``date`` when given, sorted by horizon.

    Raises
    ------
    ParameterError
        One line naming ``spiva_csv`` (and the row): not a readable CSV, a missing column, no
        rows, a horizon that is not a number of years or out of range, a share that is not a
        percent, shares that look like decimals, several fund categories, a horizon given twice.
    """
    try:
        rows = csv_rows(raw, PARAMETER)
    except ParseError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise ParameterError(f"{PARAMETER} is not a readable CSV ({msg}); {HINT}") from None
    header = [_name(c) for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParameterError(f"{PARAMETER} lacks column(s) {', '.join(missing)}; required: {', '.join(COLUMNS)}")
    body = rows[1:]
    if not body:
        raise ParameterError(f"{PARAMETER} has no rows; give one row per horizon ({', '.join(COLUMNS)})")
    pos = {c: header.index(c) for c in (*COLUMNS, "category", "date") if c in header}

    def cell(r, name):
        p = pos.get(name)
        return r[p].strip() if p is not None and p < len(r) else ""

    if "category" in pos:  # one category's table, not the whole report
        cats = sorted({cell(r, "category") for r in body})
        if len(cats) > 1:
            raise ParameterError(f"{PARAMETER} holds {len(cats)} fund categories ({', '.join(cats[:4])}); give the "
                                 "rows of one category (e.g. Small-Cap Funds)")
    out: list[dict] = []
    seen: dict[int, int] = {}
    for i, r in enumerate(body, start=1):
        if len(r) > len(header):
            raise ParameterError(f"{PARAMETER} row {i}: {len(r)} fields where the header has {len(header)}; {HINT}")
        h = _horizon(cell(r, "horizon"), i)
        s = _share(cell(r, "share_underperformed"), i)
        rec: dict[str, object] = {"row": i, "horizon": h, "share": s / 100.0}
        if "category" in pos:
            rec["category"] = plain_text(cell(r, "category"), PARAMETER, i, "category", "Small-Cap Funds")
        if "date" in pos and cell(r, "date"):
            try:
                rec["date"] = pd.to_datetime(cell(r, "date"), format="%Y-%m-%d")
            except ValueError:
                raise ParameterError(f"{PARAMETER} row {i}: date={cell(r, 'date')[:20]!r} is not a date; give "
                                     "YYYY-MM-DD") from None
        if h in seen:
            raise ParameterError(f"{PARAMETER} row {i} repeats the {h}-year horizon of row {seen[h]}; give each "
                                 "horizon once (one fund category)")
        seen[h] = i
        out.append(rec)
    frame = pd.DataFrame(out)
    if (frame["share"] <= 0.01).all() and (frame["share"] > 0).any():
        # 0.887 read as percent would be 0.9% of funds: a decimal share given where percent is asked for
        raise ParameterError(f"{PARAMETER}: every share_underperformed is 1 or below, which reads as decimals; give "
                             "percent of funds (0-100), as SPIVA prints it")
    return {MAIN_TABLE: frame.sort_values("horizon", ignore_index=True)}
