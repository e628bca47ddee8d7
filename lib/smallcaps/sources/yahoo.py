"""Yahoo Finance adjusted closes (and volume) via yfinance.

Files this module reads:

* ``yahoo/etf/<TICKER>.csv`` (the snapshot): ``Date,Close``, Close being Yahoo's adjusted close;
* ``<TICKER>.csv`` written by :func:`fetch`: ``Date,Close,Volume``, same Close;
* ``yahoo/stocks_close.parquet`` (the snapshot): a wide panel of adjusted closes, index ``Date``,
  one column per ticker.

See :data:`SOURCE_NOTE` for what "adjusted close" means.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import random
import re
import time
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from ..datasets import DatasetSpec
from ..errors import FetchError, ParameterError, ParseError
from ..net import call_with_deadline, describe_error
from ._csv import csv_rows

PARSER_VERSION = 1

SOURCE_NOTE = (
    "Yahoo Finance adjusted close, in USD: the closing price rescaled backwards for every later "
    "split and every later cash distribution (dividends and capital gains), so that the ratio of "
    "two adjusted closes is the total return between the two days with distributions reinvested "
    "on their ex-date. Past adjusted closes therefore change every time a fund pays a "
    "distribution: only ratios and returns are comparable across downloads, never levels. "
    "Yield indices (^TNX, ^IRX) are not prices: their 'close' is a yield in percent a year "
    "(^TNX 4.2 = 4.2 %). Volume is unadjusted shares traded per day."
)

#: A ticker with fewer valid closes than this came back short (delisted, wrong symbol, throttled).
MIN_CLOSES = 5
#: With ``end`` given, a series ending more than this many days before ``end`` came back short.
STALE_DAYS = 10
#: The price column taken from yfinance's output (see the comment in :func:`fetch`).
ADJ_CLOSE = "Adj Close"

# the pause between retries; a module attribute so that tests can replace it
_sleep = time.sleep

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Yahoo's own CSV export writes "null" for a day without a quote
_MISSING = frozenset({"", "null", "NaN", "nan"})


def ticker_spec(ticker: str) -> DatasetSpec:
    t = ticker.strip().upper()
    return DatasetSpec(
        dataset=f"yahoo/{t}",
        source="yahoo",
        snapshot_path=f"yahoo/etf/{t}.csv",
        parse=lambda raw: parse_csv(raw, ticker=t),
        parser_version=PARSER_VERSION,
        main_table="data",
        fetch=None,  # tickers are fetched in batches by DataSession._fetch_yahoo
        location=f"yfinance:{t}",
        raw_name=f"{t}.csv",
        vintage=lambda raw, tables, note: "",
    )


def panel_spec() -> DatasetSpec:
    return DatasetSpec(
        dataset="yahoo/stocks_close",
        source="yahoo",
        snapshot_path="yahoo/stocks_close.parquet",
        parse=parse_panel,
        parser_version=PARSER_VERSION,
        main_table="close",
        fetch=None,
        location="yfinance:stocks",
        raw_name="stocks_close.parquet",
        vintage=lambda raw, tables, note: "",
    )


# ---------------------------------------------------------------------------------------------
# parsing


def parse_csv(raw: bytes, ticker: str) -> dict[str, pd.DataFrame]:
    """Parse one ticker's CSV: ``Date,Close`` (snapshot) or ``Date,Close,Volume`` (:func:`fetch`).

    Parameters
    ----------
    raw
        The file's bytes.
    ticker
        The ticker, for error messages.

    Returns
    -------
    dict
        ``{"data": frame}``: DatetimeIndex named ``date`` (trading days, sorted, unique); float64
        ``close``, Yahoo's adjusted close in USD (adjusted for splits and distributions, see
        :data:`SOURCE_NOTE`; for yield indices such as ``^TNX`` a yield in percent); and, when
        the file has it, float64 ``volume`` in shares per day (unadjusted). An empty or
        ``null`` cell is NaN.

    Raises
    ------
    ParseError
        Empty file or header only, a header other than the two above, a row with the wrong
        number of fields, a date that is not ``YYYY-MM-DD``, a non-numeric value, duplicate
        dates, or no close at all.
    """
    what = f"Yahoo {ticker} CSV"
    rows = csv_rows(raw, what)
    header = [c.strip().lower() for c in rows[0]]
    if header not in (["date", "close"], ["date", "close", "volume"]):
        raise ParseError(f"{what}: header is {','.join(rows[0])[:80]!r}, expected 'Date,Close' or 'Date,Close,Volume'")
    body = rows[1:]
    if not body:
        raise ParseError(f"{what}: header only, no rows")

    ncol = len(header)
    dates: list[str] = []
    values = np.empty((len(body), ncol - 1), dtype="float64")
    for i, row in enumerate(body):
        line = i + 2
        if len(row) != ncol:
            raise ParseError(f"{what}: line {line} has {len(row)} fields, expected {ncol}: {','.join(row)[:80]!r}")
        d = row[0].strip()
        if not _ISO_DATE.fullmatch(d):
            raise ParseError(f"{what}: line {line}: date {d!r} is not YYYY-MM-DD")
        dates.append(d)
        for j in range(1, ncol):
            v = row[j].strip()
            if v in _MISSING:
                values[i, j - 1] = np.nan
            elif _NUMBER.fullmatch(v):
                values[i, j - 1] = float(v)
            else:
                raise ParseError(f"{what}: line {line}: {header[j]} {v!r} is not a number")
    try:
        index = pd.DatetimeIndex(pd.to_datetime(dates, format="%Y-%m-%d"), name="date")
    except (ValueError, OverflowError) as exc:
        raise ParseError(f"{what}: invalid date ({str(exc).splitlines()[0][:80]})") from None
    if index.has_duplicates:
        raise ParseError(f"{what}: duplicate date {index[index.duplicated()][0].date().isoformat()}")
    frame = pd.DataFrame(values, index=index, columns=header[1:]).sort_index()
    if frame["close"].isna().all():
        raise ParseError(f"{what}: no row has a close")
    return {"data": frame}


def parse_panel(raw: bytes) -> dict[str, pd.DataFrame]:
    """Parse the wide panel of adjusted closes (``stocks_close.parquet``).

    Parameters
    ----------
    raw
        Parquet bytes: index (or column) ``Date``, one numeric column per ticker.

    Returns
    -------
    dict
        ``{"close": frame}``: DatetimeIndex named ``date`` (trading days, sorted, unique), one
        float64 column per ticker (upper-case symbol) holding Yahoo's adjusted close in USD;
        NaN before a ticker's first and after its last quote.

    Raises
    ------
    ParseError
        Not parquet, no ``Date`` index, dates that are not dates or repeat, duplicate or
        non-text ticker columns, non-numeric columns, or no rows.
    """
    what = "Yahoo stocks_close.parquet"
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError...
        raise ParseError(f"{what}: not a readable parquet file ({type(exc).__name__}: {str(exc)[:80]})") from None
    if frame.index.name not in ("Date", "date"):
        if "Date" in frame.columns:  # written without its index
            frame = frame.set_index("Date")
        else:
            raise ParseError(f"{what}: no 'Date' index (index is {frame.index.name!r})")
    if len(frame) == 0 or frame.shape[1] == 0:
        raise ParseError(f"{what}: no rows or no ticker columns (shape {frame.shape})")
    if not isinstance(frame.index, pd.DatetimeIndex):
        try:
            frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index, format="ISO8601"))
        except (ValueError, TypeError):
            raise ParseError(f"{what}: the Date index does not hold dates (dtype {frame.index.dtype})") from None
    if frame.index.tz is not None:
        raise ParseError(f"{what}: the Date index has a time zone ({frame.index.tz}); expected plain dates")
    if frame.index.hasnans or frame.index.has_duplicates:
        raise ParseError(f"{what}: the Date index has missing or duplicate dates")
    if not all(isinstance(c, str) for c in frame.columns) or frame.columns.has_duplicates:
        raise ParseError(f"{what}: ticker columns must be unique strings")
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise ParseError(f"{what}: non-numeric column(s) {', '.join(map(str, bad[:5]))}")
    frame = frame.astype("float64").sort_index()
    frame.index.name = "date"
    frame.columns.name = None
    return {"close": frame}


def to_csv(frame: pd.DataFrame) -> bytes:
    """Write one ticker's ``close`` (and ``volume``) as ``Date,Close,Volume`` CSV bytes.

    Closes are written with full float64 precision (shortest repr that round-trips); volume as
    an integer when whole, empty when missing. Rows without a close are left out.
    """
    out = ["Date,Close,Volume"]
    vol = frame["volume"] if "volume" in frame else pd.Series(np.nan, index=frame.index)
    for day, close, v in zip(frame.index, frame["close"], vol, strict=True):
        if np.isnan(close):
            continue
        vtext = "" if np.isnan(v) else (str(int(v)) if float(v).is_integer() else repr(float(v)))
        out.append(f"{day:%Y-%m-%d},{float(close)!r},{vtext}")
    return ("\n".join(out) + "\n").encode("ascii")


# ---------------------------------------------------------------------------------------------
# live download


def fetch(
    tickers: Sequence[str],
    *,
    deadline: float = 60,
    batch_size: int = 50,
    retries: int = 3,
    backoff: float = 2.0,
    start=None,
    end=None,
    downloader: Callable | None = None,
) -> tuple[dict[str, bytes], dict]:
    """Download daily adjusted closes and volumes from Yahoo with yfinance.

    Parameters
    ----------
    tickers
        Yahoo symbols (any case; ``^TNX`` for the 10-year yield index).
    deadline
        Overall limit in seconds for every batch and retry together. yfinance has no overall
        timeout and can hang for minutes on a dead network, so each call runs under
        :func:`smallcaps.net.call_with_deadline` with the time that is left.
    batch_size
        Tickers per yfinance call.
    retries
        Extra attempts per batch for tickers that came back empty or short, or when Yahoo rate
        limits (``YFRateLimitError``); only the failed tickers are asked again.
    backoff
        Base of the exponential backoff between attempts, in seconds (jittered).
    start, end
        Date bounds passed to yfinance (``end`` exclusive, as in yfinance). ``start=None``:
        the whole history (``period="max"``).
    downloader
        Stand-in for :func:`yfinance.download` with the same signature (tests inject recorded
        data through it); None: yfinance.

    Returns
    -------
    tuple
        ``{ticker: CSV bytes}`` in the ``Date,Close,Volume`` format :func:`parse_csv` reads
        (upper-case tickers, every one requested), and extra provenance ``{"yfinance":
        version, "auto_adjust": False, "price_column": "Adj Close", "requested": {...}}``.

    Raises
    ------
    ParameterError
        No tickers, or a batch size below 1.
    FetchError
        After the retries, some tickers came back empty or short (fewer than
        :data:`MIN_CLOSES` closes, or ending more than :data:`STALE_DAYS` days before ``end``):
        the message names exactly those tickers. Also: the overall deadline passed (names the
        tickers not obtained), or yfinance raised an unexpected error.
    """
    import yfinance
    from yfinance.exceptions import YFRateLimitError

    wanted = list(dict.fromkeys(t.strip().upper() for t in tickers if t and t.strip()))
    if not wanted:
        raise ParameterError("tickers is empty; give at least one Yahoo symbol")
    if batch_size < 1:
        raise ParameterError(f"batch_size={batch_size} must be at least 1")
    download = downloader or yfinance.download
    try:
        end_ts = pd.Timestamp(end) if end is not None else None
    except ValueError:
        raise ParameterError(f"end={end!r} is not a date; give YYYY-MM-DD") from None

    # auto_adjust=False, and take "Adj Close": that column is by name Yahoo's adjusted close (the
    # snapshot's Close), and if yfinance ever stops providing it we fail loudly instead of storing
    # unadjusted prices. With auto_adjust=True the adjusted price would sit in a column named
    # "Close", indistinguishable from a raw close should a default change. Volume is kept as is.
    # threads=True: yfinance 1.x keeps each call's state to itself, so its per-ticker requests
    # may run in parallel; the call as a whole is still bounded by call_with_deadline.
    kwargs = dict(
        start=start, end=end, auto_adjust=False, actions=False, progress=False, threads=True,
        group_by="column", multi_level_index=True, interval="1d",
    )
    if start is None:
        kwargs["period"] = "max"  # yfinance's default period is one month
    requested = {"tickers": wanted, "start": _iso(start), "end": _iso(end), "period": kwargs.get("period"),
                 "interval": "1d", "batch_size": batch_size}

    t_end = time.monotonic() + deadline
    got: dict[str, pd.DataFrame] = {}
    failed: dict[str, str] = {}  # ticker -> why, after all retries
    batches = [wanted[i:i + batch_size] for i in range(0, len(wanted), batch_size)]
    for b, batch in enumerate(batches):
        pending = list(batch)
        problems: dict[str, str] = {}
        for attempt in range(retries + 1):
            remaining = t_end - time.monotonic()
            if remaining <= 0:
                break
            call = functools.partial(download, list(pending), timeout=max(1.0, min(30.0, remaining)), **kwargs)
            try:
                frame = call_with_deadline(call, remaining, what=f"Yahoo ({', '.join(pending)})")
            except FetchError:
                # the call hung past the overall deadline: nothing later can run either
                left = pending + [t for later in batches[b + 1:] for t in later]
                raise FetchError(
                    f"Yahoo: no answer within the overall {deadline:g} s deadline; not obtained: {', '.join(left)}"
                ) from None
            except YFRateLimitError:
                problems = {t: "rate limited by Yahoo" for t in pending}
            except Exception as exc:  # anything else is not a transient condition we know
                raise FetchError(
                    f"Yahoo ({', '.join(pending)}): yfinance failed: {describe_error(exc)}"
                ) from exc
            else:
                ok, problems = _extract(frame, pending, end_ts)
                got.update(ok)
            pending = [t for t in pending if t in problems]
            if not pending or attempt == retries:
                break
            # empty answers are how yfinance reports throttling (it swallows the error): back off
            pause = backoff * (2**attempt) * (0.5 + random.random() / 2)
            if time.monotonic() + pause >= t_end:
                break
            _sleep(pause)
        for t in pending:
            failed[t] = problems.get(t, "not downloaded before the deadline")
    if failed:
        detail = "; ".join(f"{t}: {why}" for t, why in failed.items())
        raise FetchError(f"Yahoo: {len(failed)} ticker(s) came back empty or short after retries: {detail}")

    try:
        version = yfinance.__version__
    except AttributeError:  # pragma: no cover
        version = "unknown"
    extra = {"yfinance": version, "auto_adjust": False, "price_column": ADJ_CLOSE, "requested": requested}
    if downloader is not None:
        extra["downloader"] = getattr(downloader, "__qualname__", type(downloader).__name__)
    return {t: to_csv(got[t]) for t in wanted}, extra


def _extract(frame, tickers: list[str], end: pd.Timestamp | None) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Split yfinance's output into per-ticker ``close``/``volume`` frames.

    yfinance 1.x returns columns ``MultiIndex (Price, Ticker)`` with ``group_by="column"``
    (``(Ticker, Price)`` with ``group_by="ticker"``; flat for one ticker without the multi-level
    index), a DatetimeIndex ``Date``, and all-NaN columns (or no rows at all) for tickers it could
    not get.

    Returns
    -------
    tuple
        ``{ticker: frame}`` for good tickers, and ``{ticker: reason}`` for empty or short ones.
    """
    good: dict[str, pd.DataFrame] = {}
    bad: dict[str, str] = {}
    if frame is None or len(frame) == 0:
        return good, {t: "empty (no rows)" for t in tickers}
    cols = frame.columns
    if isinstance(cols, pd.MultiIndex):
        price_level = next((i for i in range(cols.nlevels) if ADJ_CLOSE in cols.get_level_values(i)), None)
        if price_level is None:
            raise FetchError(f"Yahoo ({', '.join(tickers)}): yfinance output has no {ADJ_CLOSE!r} column; "
                             f"columns: {list(cols.get_level_values(0).unique())[:8]}")
        tick_level = 1 - price_level if cols.nlevels == 2 else None
        if tick_level is None:
            raise FetchError(f"Yahoo ({', '.join(tickers)}): unexpected {cols.nlevels}-level columns from yfinance")
        by_ticker = {str(t).upper(): frame.xs(t, level=tick_level, axis=1)
                     for t in cols.get_level_values(tick_level).unique()}
    else:
        if ADJ_CLOSE not in cols:
            raise FetchError(f"Yahoo ({', '.join(tickers)}): yfinance output has no {ADJ_CLOSE!r} column")
        if len(tickers) != 1:
            raise FetchError(f"Yahoo ({', '.join(tickers)}): flat columns from yfinance for {len(tickers)} tickers")
        by_ticker = {tickers[0]: frame}

    try:
        index = pd.DatetimeIndex(frame.index)
    except (TypeError, ValueError):
        raise FetchError(f"Yahoo ({', '.join(tickers)}): yfinance output has no date index "
                         f"(index dtype {frame.index.dtype})") from None
    if index.tz is not None:  # daily bars: keep the exchange's own calendar date
        index = index.tz_localize(None)
    index = index.normalize()
    for t in tickers:
        sub = by_ticker.get(t)
        if sub is None or ADJ_CLOSE not in sub:
            bad[t] = "empty (not in the answer)"
            continue
        close = pd.to_numeric(sub[ADJ_CLOSE], errors="coerce").to_numpy(dtype="float64")
        vol = (pd.to_numeric(sub["Volume"], errors="coerce").to_numpy(dtype="float64")
               if "Volume" in sub else np.full(len(sub), np.nan))
        one = pd.DataFrame({"close": close, "volume": vol}, index=pd.DatetimeIndex(index, name="date"))
        one = one[one["close"].notna() & np.isfinite(one["close"])]
        if one.index.has_duplicates:
            bad[t] = f"duplicate dates in the answer ({one.index[one.index.duplicated()][0].date()})"
            continue
        one = one.sort_index()
        n = len(one)
        if n == 0:
            bad[t] = "empty (no closes)"
        elif n < MIN_CLOSES:
            bad[t] = f"short ({n} closes, need {MIN_CLOSES})"
        elif end is not None and one.index[-1] < end - pd.Timedelta(days=STALE_DAYS):
            bad[t] = f"short (ends {one.index[-1].date()}, more than {STALE_DAYS} days before end {end.date()})"
        else:
            good[t] = one
    return good, bad


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    return str(value)
