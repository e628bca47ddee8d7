"""FRED series through the CSV download endpoint (``fredgraph.csv?id=<SERIES>``).

FRED's download is a two-column CSV: a date column and the series' values in the series' own
units (percent for yields and spreads, such as ``BAA``, ``BAA10Y`` or ``BAMLH0A0HYM2``). The
header has changed over the years and differs between copies of the same file:

* ``DATE,BAA`` (FRED until 2024), ``observation_date,BAA`` (FRED since 2024),
* ``date,value`` or ``"Date","BAA"`` (copies saved by other tools),
* ``date,bamlh0a0hym2`` (lower-case id).

Missing observations are written as ``.`` (FRED) or an empty cell (copies).
"""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd

from ..datasets import DatasetSpec
from ..errors import FetchError, ParseError
from ..net import download
from ._csv import csv_rows

PARSER_VERSION = 1
DEFAULT_BASE_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"

#: Accepted names of the first (date) column, lower-cased.
DATE_HEADERS = frozenset({"date", "observation_date"})
#: Cells that mean "no observation": FRED writes ``.``, other tools leave the cell empty.
MISSING = frozenset({"", "."})
# a plain decimal number; float() alone would also accept "nan", "inf" and "1_0"
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def url(series_id: str) -> str:
    """CSV download address; ``SMALLCAPS_FRED_BASE_URL`` overrides the endpoint (tests, mirrors)."""
    base = os.environ.get("SMALLCAPS_FRED_BASE_URL", DEFAULT_BASE_URL)
    return f"{base}?id={series_id.upper()}"


def spec(series_id: str) -> DatasetSpec:
    sid = series_id.strip().upper()
    return DatasetSpec(
        dataset=f"fred/{sid}",
        source="fred",
        snapshot_path=f"fred/{sid}.csv",
        parse=lambda raw: parse(raw, series_id=sid),
        parser_version=PARSER_VERSION,
        main_table="data",
        fetch=lambda deadline: fetch(sid, deadline=deadline),
        location=url(sid),
        raw_name=f"{sid}.csv",
        vintage=lambda raw, tables, note: "",
    )


def parse(raw: bytes, series_id: str) -> dict[str, pd.DataFrame]:
    """Parse a FRED CSV download.

    Parameters
    ----------
    raw
        The file's bytes (UTF-8, optionally with a byte-order mark).
    series_id
        The FRED series the file should hold (any case), e.g. ``BAA``. The value column must be
        named by this id (any case) or ``value``.

    Returns
    -------
    dict
        ``{"data": frame}``: a DatetimeIndex named ``date`` (the observation date FRED gives:
        the first day of the period for monthly series, the trading day for daily ones), sorted
        and unique, and one float64 column named by the upper-case series id, in the series'
        own units (percent for yields and spreads). Missing observations are NaN.

    Raises
    ------
    ParseError
        Empty file, header only, a header naming another series, more or fewer than two
        columns, an unparseable date or value, duplicate dates, or no value at all.
    """
    sid = series_id.strip().upper()
    what = f"FRED {sid} CSV"
    rows = csv_rows(raw, what)

    header = [c.strip() for c in rows[0]]
    if len(header) != 2:
        raise ParseError(f"{what}: expected 2 columns (date, value), header has {len(header)}: {_short(header)}")
    date_col, value_col = header[0].lower(), header[1]
    if date_col not in DATE_HEADERS:
        raise ParseError(f"{what}: first column is {header[0]!r}, expected one of {sorted(DATE_HEADERS)}")
    # a value column named after another series means the wrong file was saved under this name
    if value_col.upper() != sid and value_col.lower() != "value":
        raise ParseError(f"{what}: value column is {value_col!r}, expected {sid!r} or 'value' (wrong series in file?)")
    body = rows[1:]
    if not body:
        raise ParseError(f"{what}: header only, no observations")

    dates: list[str] = []
    values = np.empty(len(body), dtype="float64")
    for i, row in enumerate(body):
        line = i + 2  # 1-based, counting the header
        if len(row) != 2:
            raise ParseError(f"{what}: line {line} has {len(row)} fields, expected 2: {_short(row)}")
        d, v = row[0].strip(), row[1].strip()
        if not _ISO_DATE.fullmatch(d):
            raise ParseError(f"{what}: line {line}: date {d!r} is not YYYY-MM-DD")
        dates.append(d)
        if v in MISSING:
            values[i] = np.nan
        elif _NUMBER.fullmatch(v):
            values[i] = float(v)
        else:
            raise ParseError(f"{what}: line {line}: value {v!r} is not a number or '.' (missing)")

    try:
        index = pd.DatetimeIndex(pd.to_datetime(dates, format="%Y-%m-%d"), name="date")
    except (ValueError, OverflowError) as exc:  # e.g. 2023-02-30 matches the pattern but is no date
        raise ParseError(f"{what}: invalid date ({str(exc).splitlines()[0][:80]})") from None
    if index.has_duplicates:
        dup = index[index.duplicated()][0].date().isoformat()
        raise ParseError(f"{what}: duplicate date {dup}")
    if np.isnan(values).all():
        raise ParseError(f"{what}: no observation has a value (every cell is missing)")
    frame = pd.DataFrame({sid: values}, index=index).sort_index()
    return {"data": frame}


def fetch(series_id: str, *, deadline: float, retries: int = 2, backoff: float = 1.0) -> tuple[bytes, dict]:
    """Download a series' CSV from FRED.

    Parameters
    ----------
    series_id
        FRED series id (any case).
    deadline
        Overall limit in seconds for all attempts together.
    retries
        Extra attempts after a retryable failure (HTTP 429/5xx, connection error).
    backoff
        Base of the exponential backoff between attempts, in seconds.

    Returns
    -------
    tuple
        The raw CSV bytes (the format :func:`parse` reads) and extra provenance
        ``{"url": ...}``.

    Raises
    ------
    FetchError
        HTTP error, deadline exceeded, empty or truncated body, or an HTML page instead of a
        CSV (FRED answers an unknown series id with an HTML error page and status 200 or 404).
    """
    sid = series_id.strip().upper()
    address = url(sid)
    raw = download(address, deadline=deadline, retries=retries, backoff=backoff, what=f"FRED series {sid}")
    if raw.lstrip()[:1] == b"<":
        raise FetchError(f"FRED series {sid}: {address} returned an HTML page, not a CSV (unknown series id?)")
    return raw, {"url": address}


def _short(fields: list[str], limit: int = 80) -> str:
    text = ",".join(fields)
    return repr(text if len(text) <= limit else text[:limit] + "...")
