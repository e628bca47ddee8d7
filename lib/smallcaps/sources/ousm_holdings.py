"""A user's OUSM holdings file (``ousm_holdings_csv``): ticker, sector, weight and as-of date.

R2 of the rotation chapter ([A]: "industrials contributed more than 3.3 points" of OUSM's 4.6%
year to date) needs the fund's holdings with their sectors and weights, which no free dataset in
the snapshot has. The fund's sponsor publishes them as a daily CSV (one row per holding with its
ticker, name, sector, weight in percent of net assets and the file's date); a reader who saves one
(or several days of them, stacked) passes it as ``-p ousm_holdings_csv=<file>``.

This module parses and checks it. Column names are matched case-insensitively, with the usual
variants of holdings files: ``ticker``/``symbol``; ``sector``/``gics sector``; ``weight``/
``weight (%)``/``% of net assets``/``weighting``; ``date``/``as of date``/``as_of``. Weights may be
in percent (a date's weights sum to about 100) or in fractions (about 1); extra columns (name,
shares, market value...) are ignored. A cash line may leave its ticker empty if its sector says
cash. Every problem is a one-line :class:`~smallcaps.errors.ParameterError` that names
``ousm_holdings_csv`` and, for a bad row, the row (1 = the first data row) and the column.

:func:`load_ousm_holdings` reads a file and returns the table with a provenance record (file name
and sha256 only, never a path). The rotation chapter reads it through the data session
(:meth:`smallcaps.data.DataSession.user_file`, kind ``ousm_holdings``), which records the same
provenance for the data appendix; this module has the interface every user-file kind has
(``PARAMETER``, ``HINT``, ``MAIN_TABLE``, :func:`parse`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd

from ..display import percent
from ..errors import ParameterError, ParseError
from ._csv import csv_rows, plain_text

#: The parameter that names the file (errors start with it).
PARAMETER = "ousm_holdings_csv"
#: Required columns, by their canonical names.
COLUMNS = ("ticker", "sector", "weight", "date")
#: The table :func:`parse` returns.
MAIN_TABLE = "holdings"
HINT = "give a CSV with columns ticker, sector, weight, date (one row per holding and as-of date)"
#: Accepted header names (lower case, spaces collapsed) -> canonical column.
ALIASES = {
    "ticker": "ticker", "symbol": "ticker", "ticker symbol": "ticker",
    "sector": "sector", "gics sector": "sector", "sector name": "sector",
    "weight": "weight", "weight (%)": "weight", "weight %": "weight", "% weight": "weight", "weighting": "weight",
    "% of net assets": "weight", "% net assets": "weight", "weight of holding": "weight",
    "date": "date", "as of date": "date", "as_of": "date", "as-of date": "date", "as of": "date", "asof": "date",
}
#: The sector R2 adds up (matched case-insensitively).
INDUSTRIALS = "industrials"
#: A date's weights must sum to no more than this (fractions): a file with a date's holdings
#: listed twice, or percent and fractions mixed, is refused.
MAX_TOTAL = 1.05
_TICKER = re.compile(r"^[A-Z0-9][A-Z0-9.\-/]{0,9}$")


def _canonical(name: str) -> str | None:
    return ALIASES.get(" ".join(name.strip().lower().split()))


def _number(text: str) -> float | None:
    t = text.strip().replace(",", "").rstrip("%").strip()
    try:
        return float(t)
    except ValueError:
        return None


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse and check a holdings CSV.

    Parameters
    ----------
    raw
        The file's bytes: UTF-8 CSV with a header.

    Returns
    -------
    dict
        ``{"holdings": DataFrame}`` with ``row`` (1 = first data row), ``ticker`` (upper case;
        empty for cash), ``sector`` (as given), ``weight`` (a fraction of the fund),
        ``date`` (Timestamp) and ``industrials`` (bool), sorted by date and weight.

    Raises
    ------
    ParameterError
        One line naming ``ousm_holdings_csv`` (and the row and column): not a readable CSV, a
        missing column, no rows, an empty or malformed ticker, an empty sector, a weight that is
        not a non-negative number, a bad date, a holding listed twice on one date, or a date whose
        weights add up to more than the whole fund.
    """
    try:
        rows = csv_rows(raw, PARAMETER)
    except ParseError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise ParameterError(f"{PARAMETER} is not a readable CSV ({msg}); {HINT}") from None
    header = [_canonical(c) for c in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ParameterError(f"{PARAMETER} lacks column(s) {', '.join(missing)}; required: {', '.join(COLUMNS)} "
                             "(or symbol, gics sector, weight (%), as of date)")
    body = rows[1:]
    if not body:
        raise ParameterError(f"{PARAMETER} has no rows; {HINT}")
    pos = {c: header.index(c) for c in COLUMNS}
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    for i, r in enumerate(body, start=1):
        if len(r) > len(header):
            raise ParameterError(f"{PARAMETER} row {i}: {len(r)} fields where the header has {len(header)}; {HINT}")
        cell = {c: (r[p].strip() if p < len(r) else "") for c, p in pos.items()}
        sector = cell["sector"]
        if not sector:
            raise ParameterError(f"{PARAMETER} row {i}: sector is empty; give the holding's sector (e.g. Industrials)")
        plain_text(sector, PARAMETER, i, "sector", "Industrials")  # a table shows it
        ticker = cell["ticker"].upper()
        cash = "cash" in sector.lower()
        if not ticker and not cash:
            raise ParameterError(f"{PARAMETER} row {i}: ticker is empty; give the holding's ticker "
                                 "(only a cash line may leave it empty)")
        if ticker and not _TICKER.match(ticker):
            raise ParameterError(f"{PARAMETER} row {i}: ticker={cell['ticker']!r} is not a ticker; give letters and "
                                 "digits (e.g. ABM)")
        w = _number(cell["weight"])
        if w is None or w < 0 or w != w:
            raise ParameterError(f"{PARAMETER} row {i}: weight={cell['weight']!r} is not a non-negative number; give "
                                 "the holding's weight in percent of the fund (e.g. 1.25) or as a fraction")
        try:
            d = pd.to_datetime(cell["date"], format="%Y-%m-%d")
        except (ValueError, TypeError):
            raise ParameterError(f"{PARAMETER} row {i}: date={cell['date']!r} is not a date; give YYYY-MM-DD") from None
        key = (ticker or f"cash:{sector.lower()}", d)
        if key in seen:
            raise ParameterError(f"{PARAMETER} row {i} repeats row {seen[key]} ({ticker or sector}, {d.date()}); "
                                 "give each holding once per date")
        seen[key] = i
        out.append({"row": i, "ticker": ticker, "sector": sector, "weight": w, "date": d,
                    "industrials": sector.strip().lower() == INDUSTRIALS})
    frame = pd.DataFrame(out)
    totals = frame.groupby("date")["weight"].sum()
    if (totals > 1.5).any():  # percent of net assets
        frame["weight"] = frame["weight"] / 100.0
        totals = totals / 100.0
    over = totals[totals > MAX_TOTAL]
    if len(over):
        d, t = over.index[0], over.iloc[0]
        raise ParameterError(f"{PARAMETER}: the weights dated {d.date()} add up to {percent(t):.1f}% of the fund; give "
                             "each date's holdings once, all in percent or all as fractions")
    frame = frame.sort_values(["date", "weight"], ascending=[True, False], kind="stable", ignore_index=True)
    return {MAIN_TABLE: frame}


def load_ousm_holdings(path) -> tuple[pd.DataFrame, dict]:
    """Read and check a holdings file (``path``, or the file of that name passed by ``smallcaps
    run``), returning the table and a provenance record.

    Returns
    -------
    (DataFrame, dict)
        :func:`parse`'s table, and ``{"dataset": "user/ousm_holdings_csv", "origin": "user",
        "location": <file name>, "sha256": ..., "rows": ..., "first": ..., "last": ...}`` (dates
        ISO; the name only, never a path).

    Raises
    ------
    ParameterError
        The path is not a file, or :func:`parse`'s errors.
    """
    p = Path(str(path))  # `smallcaps run` copies a file given with -p into the run's _inputs/ and passes its path
    if not Path(p).is_file():
        raise ParameterError(f"{PARAMETER}={Path(str(path)).name!r} is not a file; {HINT}")
    raw = Path(p).read_bytes()
    frame = parse(raw)[MAIN_TABLE]
    prov = {"dataset": f"user/{PARAMETER}", "source": "user", "origin": "user", "location": Path(p).name,
            "sha256": hashlib.sha256(raw).hexdigest(), "rows": len(frame),
            "first": frame["date"].min().date().isoformat(), "last": frame["date"].max().date().isoformat()}
    return frame, prov
