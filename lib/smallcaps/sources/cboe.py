"""CBOE VIX daily history (``VIX_History.csv``).

The file is ``DATE,OPEN,HIGH,LOW,CLOSE``, one row per trading day since 1990-01-02, values in
VIX index points (annualised implied volatility of 30-day S&P 500 options, in percent: a VIX of
18.7 means 18.7 % a year). CBOE's own download writes dates as ``MM/DD/YYYY``; copies saved by
other tools (the reference snapshot) use ISO ``YYYY-MM-DD``. The format is detected once per file,
from the first row, so that a file mixing the two (which could swap day and month) fails.
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
DEFAULT_URL = "https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv"

#: Columns the file must have (header matched case-insensitively), and their output names.
COLUMNS = {"OPEN": "open", "HIGH": "high", "LOW": "low", "CLOSE": "close"}
#: Date layouts, tried on the first row only: (pattern, strptime format).
DATE_FORMATS = (
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),  # ISO: the snapshot
    (re.compile(r"\d{1,2}/\d{1,2}/\d{4}"), "%m/%d/%Y"),  # CBOE's own download
)
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def url() -> str:
    return os.environ.get("SMALLCAPS_CBOE_URL", DEFAULT_URL)


def spec() -> DatasetSpec:
    return DatasetSpec(
        dataset="cboe/VIX",
        source="cboe",
        snapshot_path="cboe/VIX_History.csv",
        parse=parse,
        parser_version=PARSER_VERSION,
        main_table="data",
        fetch=lambda deadline: fetch(deadline=deadline),
        location=url(),
        raw_name="VIX_History.csv",
        vintage=lambda raw, tables, note: "",
    )


def parse(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse CBOE's VIX history CSV.

    Parameters
    ----------
    raw
        The file's bytes: header ``DATE,OPEN,HIGH,LOW,CLOSE`` (any case, any column order),
        dates all ``MM/DD/YYYY`` or all ``YYYY-MM-DD``.

    Returns
    -------
    dict
        ``{"data": frame}``: DatetimeIndex named ``date`` (trading days, sorted, unique) and
        float64 columns ``open, high, low, close`` in VIX index points (percent a year of
        implied volatility). An empty cell is NaN.

    Raises
    ------
    ParseError
        Empty file or header only, a missing column, a row with the wrong number of fields,
        a date not in the file's format, a non-numeric value, or duplicate dates.
    """
    what = "CBOE VIX_History.csv"
    rows = csv_rows(raw, what)
    header = [c.strip().upper() for c in rows[0]]
    missing = [c for c in ("DATE", *COLUMNS) if c not in header]
    if missing:
        raise ParseError(f"{what}: missing column(s) {', '.join(missing)}; header is {','.join(rows[0])[:80]!r}")
    body = rows[1:]
    if not body:
        raise ParseError(f"{what}: header only, no rows")

    pos = {name: header.index(name) for name in ("DATE", *COLUMNS)}
    if len(body[0]) != len(header):
        raise ParseError(f"{what}: line 2 has {len(body[0])} fields, expected {len(header)}: "
                         f"{','.join(body[0])[:80]!r}")
    first = body[0][pos["DATE"]].strip()
    # one format for the whole file: 03/04/2020 must never be read as 3 April in some rows
    fmt = next((f for pat, f in DATE_FORMATS if pat.fullmatch(first)), None)
    if fmt is None:
        raise ParseError(f"{what}: line 2: date {first!r} is neither MM/DD/YYYY nor YYYY-MM-DD")
    pattern = next(pat for pat, f in DATE_FORMATS if f == fmt)

    dates: list[str] = []
    values = np.empty((len(body), len(COLUMNS)), dtype="float64")
    for i, row in enumerate(body):
        line = i + 2
        if len(row) != len(header):
            raise ParseError(f"{what}: line {line} has {len(row)} fields, expected {len(header)}: "
                             f"{','.join(row)[:80]!r}")
        d = row[pos["DATE"]].strip()
        if not pattern.fullmatch(d):
            raise ParseError(f"{what}: line {line}: date {d!r} does not match the file's format {fmt}")
        dates.append(d)
        for j, col in enumerate(COLUMNS):
            v = row[pos[col]].strip()
            if v == "":
                values[i, j] = np.nan
            elif _NUMBER.fullmatch(v):
                values[i, j] = float(v)
            else:
                raise ParseError(f"{what}: line {line}: {col} {v!r} is not a number")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(dates, format=fmt), name="date")
    except (ValueError, OverflowError) as exc:  # 13/01/2020 or 2020-02-30: right shape, no date
        raise ParseError(f"{what}: invalid date ({str(exc).splitlines()[0][:80]})") from None
    if index.has_duplicates:
        raise ParseError(f"{what}: duplicate date {index[index.duplicated()][0].date().isoformat()}")
    frame = pd.DataFrame(values, index=index, columns=list(COLUMNS.values())).sort_index()
    if frame["close"].isna().all():
        raise ParseError(f"{what}: no row has a close")
    return {"data": frame}


def fetch(*, deadline: float, retries: int = 2, backoff: float = 1.0) -> tuple[bytes, dict]:
    """Download the VIX history from CBOE.

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
        The raw CSV bytes (MM/DD/YYYY dates) and extra provenance ``{"url": ...}``.

    Raises
    ------
    FetchError
        HTTP error, deadline exceeded, empty or truncated body, or an HTML page instead of the
        CSV.
    """
    address = url()
    raw = download(address, deadline=deadline, retries=retries, backoff=backoff, what="CBOE VIX history")
    if raw.lstrip()[:1] == b"<":
        raise FetchError(f"CBOE VIX history: {address} returned an HTML page, not a CSV")
    return raw, {"url": address}
