"""A user's list of index moves (``moves_csv``): a CSV of ``ticker,date,from,to``.

The graduation chapter's G3 needs a Russell reconstitution list, which no free source
publishes in machine-readable form; a reader supplies one. This module parses and checks it;
:meth:`smallcaps.data.DataSession.user_file` reads the file and records its provenance (file
name, sha256, rows, first and last date), so that it appears in the chapter's data vintage and
in its results.

Every problem is a one-line :class:`~smallcaps.errors.ParameterError` that names ``moves_csv``
and, for a bad row, the row (1 = the first data row) and what is wrong.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..errors import ParameterError, ParseError
from ._csv import csv_rows

#: The parameter that names the file (errors start with it).
PARAMETER = "moves_csv"
#: Required columns (others are ignored).
MOVES_COLUMNS = ("ticker", "date", "from", "to")
#: The table :func:`parse` returns.
MAIN_TABLE = "moves"
HINT = f"give a CSV with columns {', '.join(MOVES_COLUMNS)}"

#: Index keys, their ladder (family) and rung (0 = small); labels as the chapter prints them.
LADDER = {"sp600": ("S&P", 0), "sp400": ("S&P", 1), "sp500": ("S&P", 2),
          "russell2000": ("Russell", 0), "russell1000": ("Russell", 2)}
INDEX_LABELS = {"sp600": "S&P 600", "sp400": "S&P 400", "sp500": "S&P 500",
                "russell2000": "Russell 2000", "russell1000": "Russell 1000"}
_ALIASES = {
    "sp600": "sp600", "s&p600": "sp600", "s&psmallcap600": "sp600", "smallcap600": "sp600",
    "sp400": "sp400", "s&p400": "sp400", "s&pmidcap400": "sp400", "midcap400": "sp400",
    "sp500": "sp500", "s&p500": "sp500",
    "russell2000": "russell2000", "r2000": "russell2000", "r2k": "russell2000", "rut": "russell2000",
    "russell1000": "russell1000", "r1000": "russell1000", "r1k": "russell1000",
}
VALID_INDEX_NAMES = "S&P 600, S&P 400, S&P 500, Russell 2000, Russell 1000"
_TICKER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,11}")


def index_key(name) -> str | None:
    """Canonical key (``sp600``...``russell1000``) of an index name, or None if unknown."""
    if not isinstance(name, str):
        return None
    k = "".join(name.lower().split()).replace("-", "").replace("_", "")
    return _ALIASES.get(k)


def move_label(origin: str, destination: str) -> str:
    """``"S&P 600 → S&P 400"``: the label of a move between two index keys."""
    return f"{INDEX_LABELS[origin]} → {INDEX_LABELS[destination]}"


def direction(origin: str, destination: str) -> str:
    """``up`` (to a larger-cap index) or ``down``."""
    return "up" if LADDER[destination][1] > LADDER[origin][1] else "down"


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse and check a moves CSV.

    Parameters
    ----------
    raw
        The file's bytes: UTF-8 CSV with a header and columns ``ticker, date, from, to`` (others
        ignored, names case-insensitive); ``date`` as YYYY-MM-DD; ``from``/``to`` index names
        such as ``Russell 2000`` or ``S&P 600``.

    Returns
    -------
    dict
        ``{"moves": DataFrame}``: ``row`` (1 = first data row), ``ticker`` (upper case),
        ``date``, ``origin``, ``destination`` (index keys), ``direction``, ``move``,
        ``evidence`` (``user list``), in date order.

    Raises
    ------
    ParameterError
        One line naming ``moves_csv`` (and the row): not a readable CSV, a missing column, no
        rows, an empty ticker, a bad date, an unknown index, a move within one index or across
        ladders, or a move given twice (its rows named).
    """
    try:
        rows = csv_rows(raw, PARAMETER)
    except ParseError as exc:
        msg = str(exc).split(": ", 1)[-1]
        raise ParameterError(f"{PARAMETER} is not a readable CSV ({msg}); {HINT}") from None
    header = [c.strip().lower() for c in rows[0]]
    missing = [c for c in MOVES_COLUMNS if c not in header]
    if missing:
        raise ParameterError(f"{PARAMETER} lacks column(s) {', '.join(missing)}; required: {', '.join(MOVES_COLUMNS)}")
    body = rows[1:]
    if not body:
        raise ParameterError(f"{PARAMETER} has no rows; give at least one move ({', '.join(MOVES_COLUMNS)})")
    pos = [header.index(c) for c in MOVES_COLUMNS]
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, pd.Timestamp, str, str], int] = {}
    repeats: list[tuple[int, int]] = []
    day_of: dict[tuple[str, pd.Timestamp], int] = {}
    for i, r in enumerate(body, start=1):
        if len(r) > len(header):
            raise ParameterError(f"{PARAMETER} row {i}: {len(r)} fields where the header has {len(header)}; {HINT}")
        ticker, date, src, dst = (r[p].strip() if p < len(r) else "" for p in pos)
        if not ticker:
            raise ParameterError(f"{PARAMETER} row {i}: ticker is empty; give the stock's ticker")
        if not _TICKER.fullmatch(ticker):
            # markup or free text is no ticker (it would be counted as a move and shown in tables)
            raise ParameterError(f"{PARAMETER} row {i}: ticker={ticker[:20]!r} is not a ticker; give letters and "
                                 "digits (with . - or / for a share class), at most 12 characters")
        try:
            d = pd.to_datetime(date, format="%Y-%m-%d")
        except (ValueError, TypeError):
            raise ParameterError(f"{PARAMETER} row {i}: date={date!r} is not a date; give YYYY-MM-DD") from None
        o, t = index_key(src), index_key(dst)
        for name, val, known in (("from", src, o), ("to", dst, t)):
            if known is None:
                raise ParameterError(f"{PARAMETER} row {i}: {name}={val!r} is not a known index; "
                                     f"valid: {VALID_INDEX_NAMES}")
        assert o is not None and t is not None  # refused just above
        if o == t:
            raise ParameterError(f"{PARAMETER} row {i}: from and to are both {INDEX_LABELS[o]}; "
                                 "a move needs two indices")
        if LADDER[o][0] != LADDER[t][0]:
            raise ParameterError(f"{PARAMETER} row {i}: from={INDEX_LABELS[o]} and to={INDEX_LABELS[t]} are on "
                                 "different ladders; valid pairs are within S&P (600, 400, 500) or within "
                                 "Russell (2000, 1000)")
        key = (ticker.upper(), d, o, t)
        if key in seen:
            repeats.append((i, seen[key]))
        else:
            same_day = day_of.get((ticker.upper(), d))
            if same_day is not None:
                raise ParameterError(f"{PARAMETER} row {i} gives a second move for row {same_day} ({ticker.upper()} "
                                     f"{d.date()}); a company moves once on a date")
            seen[key] = i
            day_of[(ticker.upper(), d)] = i
        out.append({"row": i, "ticker": ticker.upper(), "date": d, "origin": o, "destination": t,
                    "direction": direction(o, t), "move": move_label(o, t), "evidence": "user list"})
    if repeats:
        # a repeated move would be counted twice (a 43-row list of 22 moves must not read as 43)
        i, first = repeats[0]
        move = out[i - 1]
        rows_named = ", ".join(str(j) for j, _ in repeats[:10]) + (", ..." if len(repeats) > 10 else "")
        raise ParameterError(f"{PARAMETER} row {i} repeats row {first} ({move['ticker']}, {move['date'].date()}, "
                             f"{move['move']}); {len(repeats)} repeated row(s) in all (rows {rows_named}); "
                             "give each move once")
    frame = pd.DataFrame(out).sort_values(["date", "ticker"], kind="stable", ignore_index=True)
    return {MAIN_TABLE: frame}


def check_dates(moves: pd.DataFrame, first, last) -> None:
    """Require every move's date to lie within ``first..last`` (the price data's range).

    Raises
    ------
    ParameterError
        Names the first row outside the range and the valid range.
    """
    f, lst = pd.Timestamp(first), pd.Timestamp(last)
    bad = moves.loc[(moves["date"] < f) | (moves["date"] > lst)]
    if len(bad):
        r = bad.sort_values("row").iloc[0]
        raise ParameterError(f"{PARAMETER} row {int(r['row'])}: date={r['date'].date()} is outside the price data; "
                             f"valid: {f.date()}..{lst.date()}")
