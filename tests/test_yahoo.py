"""Yahoo CSV/panel parsers and the yfinance download (with a recorded-data stand-in)."""

from __future__ import annotations

import csv
import functools
import inspect
import io
import threading
import time

import numpy as np
import pandas as pd
import pytest
import yfinance
from yfinance.exceptions import YFRateLimitError

from smallcaps.data import DataSession
from smallcaps.errors import FetchError, ParameterError, ParseError
from smallcaps.sources import yahoo

from conftest import tree_listing


def _manifest(snapshot_dir) -> dict[str, dict]:
    with open(snapshot_dir / "MANIFEST.tsv", newline="", encoding="utf-8") as f:
        return {row["path"]: row for row in csv.DictReader(f, delimiter="\t")}


def _etf_files(snapshot_dir):
    return sorted((snapshot_dir / "yahoo" / "etf").glob("*.csv"))


def _close(snapshot_dir, ticker) -> pd.Series:
    return yahoo.parse_csv((snapshot_dir / "yahoo" / "etf" / f"{ticker}.csv").read_bytes(), ticker)["data"]["close"]


def _parse_error(raw: bytes, ticker: str = "IWM") -> str:
    with pytest.raises(ParseError) as info:
        yahoo.parse_csv(raw, ticker)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(f"Yahoo {ticker} CSV:")
    return msg


# -- the snapshot's real files ------------------------------------------------------------------


def test_every_etf_file(snapshot_dir):
    files = _etf_files(snapshot_dir)
    manifest = _manifest(snapshot_dir)
    assert len(files) == 99 and {"^TNX.csv", "^IRX.csv", "IWM.csv", "SPY.csv"} <= {f.name for f in files}
    for path in files:
        frame = yahoo.parse_csv(path.read_bytes(), path.stem)["data"]
        assert list(frame.columns) == ["close"], path.name
        assert frame["close"].dtype == np.float64
        assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
        assert frame.index.is_monotonic_increasing and frame.index.is_unique, path.name
        assert frame["close"].notna().all(), path.name
        first, last = manifest[f"yahoo/etf/{path.name}"]["coverage"].split("..")
        assert frame.index[0] == pd.Timestamp(first), path.name
        assert frame.index[-1] == pd.Timestamp(last), path.name


def test_etf_values(snapshot_dir):
    iwm = _close(snapshot_dir, "IWM")
    assert iwm.index[0] == pd.Timestamp("2000-05-26")
    assert iwm.iloc[0] == pytest.approx(32.5906, abs=5e-5)
    assert float(np.float32(iwm.iloc[0])) == iwm.iloc[0]  # the dump holds float32 values
    assert iwm.loc["2000-05-26"] == 32.59064483642578  # and exactly the file's text
    spy = _close(snapshot_dir, "SPY")
    assert spy.index[0] == pd.Timestamp("1993-01-29") and spy.index[-1] == pd.Timestamp("2026-07-14")
    # adjusted closes: SPY's 2017 total return is +21.7 % (README)
    ret_2017 = spy.loc[:"2017-12-31"].iloc[-1] / spy.loc[:"2016-12-31"].iloc[-1] - 1
    assert ret_2017 == pytest.approx(0.217, abs=0.001)
    tnx = _close(snapshot_dir, "^TNX")  # a yield in percent, not a price
    assert tnx.loc["2026-07-14"] == pytest.approx(4.567, abs=1e-6)


def test_panel(snapshot_dir):
    panel = yahoo.parse_panel((snapshot_dir / "yahoo" / "stocks_close.parquet").read_bytes())["close"]
    assert panel.shape == (6671, 1762)
    assert isinstance(panel.index, pd.DatetimeIndex) and panel.index.name == "date"
    assert panel.index.is_monotonic_increasing and panel.index.is_unique
    assert panel.index[0] == pd.Timestamp("2000-01-03") and panel.index[-1] == pd.Timestamp("2026-07-14")
    assert (panel.dtypes == np.float64).all()
    assert panel.columns.is_unique and all(isinstance(c, str) for c in panel.columns)
    assert panel.loc["2000-01-03", "AAPL"] == pytest.approx(0.837724, abs=1e-6)
    assert panel.loc["2026-07-13", "AAPL"] == pytest.approx(317.309998, abs=1e-5)
    assert np.isnan(panel.loc["2000-01-03", "AAL"])  # before its first quote


def test_offline_prices_from_snapshot(offline):
    ds = DataSession(mode="offline")
    px = ds.prices(["IWM", "spy", "AAPL"])
    assert list(px.close.columns) == ["IWM", "SPY", "AAPL"]
    assert px.close.loc["2000-05-26", "IWM"] == 32.59064483642578
    assert {p.dataset for p in px.provenance} == {"yahoo/IWM", "yahoo/SPY", "yahoo/stocks_close"}
    assert all(p.origin == "snapshot" for p in px.provenance)


def test_offline_unknown_ticker(offline):
    with pytest.raises(ParameterError) as info:
        DataSession(mode="offline").prices(["IWM", "NOPE"])
    msg = str(info.value)
    assert "NOPE" in msg and "IWM" not in msg.split("unknown")[0]


# -- crafted files --------------------------------------------------------------------------------


def test_close_volume_format():
    raw = b"Date,Close,Volume\n2020-01-03,10.5,1200\n2020-01-02,10.25,\n2020-01-06,null,0\n"
    frame = yahoo.parse_csv(raw, "X")["data"]
    assert list(frame.columns) == ["close", "volume"] and (frame.dtypes == np.float64).all()
    assert frame.index.tolist() == [pd.Timestamp(d) for d in ("2020-01-02", "2020-01-03", "2020-01-06")]
    assert frame["close"].tolist()[:2] == [10.25, 10.5] and np.isnan(frame["close"].iloc[2])
    assert np.isnan(frame["volume"].iloc[0]) and frame["volume"].iloc[1] == 1200.0


@pytest.mark.parametrize(
    "raw, needle",
    [
        (b"", "empty"),
        (b"Date,Close\n", "header only"),
        (b"Date,Adj Close\n2020-01-02,1\n", "header is 'Date,Adj Close'"),
        (b"Date,Open,Close\n2020-01-02,1,2\n", "expected 'Date,Close' or 'Date,Close,Volume'"),
        (b"Close,Date\n1,2020-01-02\n", "header is"),
        (b"Date,Close\n2020-01-02,1\n2020-01-03\n", "line 3 has 1 fields"),
        (b"Date,Close\n2020-01-02,abc\n", "close 'abc' is not a number"),
        (b"Date,Close,Volume\n2020-01-02,1,many\n", "volume 'many' is not a number"),
        (b"Date,Close\n01/02/2020,1\n", "not YYYY-MM-DD"),
        (b"Date,Close\n2020-02-30,1\n", "invalid date"),
        (b"Date,Close\n2020-01-02,1\n2020-01-02,1\n", "duplicate date 2020-01-02"),
        (b"Date,Close\n2020-01-02,\n", "no row has a close"),
        (b"<!DOCTYPE html><title>Will be right back</title>", "HTML"),
    ],
)
def test_bad_csv(raw, needle):
    assert needle in _parse_error(raw)


def test_truncated_snapshot_csv(snapshot_dir):
    raw = (snapshot_dir / "yahoo" / "etf" / "IWM.csv").read_bytes()
    cut = raw[: raw.index(b"2026-07-14") + 7]  # "2026-07" then the end
    assert "line 6571 has 1 fields" in _parse_error(cut)


def _parquet(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf)
    return buf.getvalue()


def test_panel_variants_and_errors():
    idx = pd.DatetimeIndex(pd.to_datetime(["2020-01-03", "2020-01-02"]), name="Date")
    good = pd.DataFrame({"AAA": np.array([1.5, 1.0], dtype="float32"), "BBB": [2.0, np.nan]}, index=idx)
    out = yahoo.parse_panel(_parquet(good))["close"]
    assert out.index.name == "date" and out.index.is_monotonic_increasing and (out.dtypes == np.float64).all()
    assert out.loc["2020-01-03", "AAA"] == 1.5
    # Date stored as a column instead of the index
    pd.testing.assert_frame_equal(yahoo.parse_panel(_parquet(good.reset_index()))["close"], out)

    def err(raw):
        with pytest.raises(ParseError) as info:
            yahoo.parse_panel(raw)
        assert str(info.value).startswith("Yahoo stocks_close.parquet:")
        return str(info.value)

    assert "not a readable parquet" in err(b"Date,AAA\n2020-01-02,1\n")
    assert "no 'Date' index" in err(_parquet(good.rename_axis("when")))
    assert "duplicate" in err(_parquet(good.set_axis(pd.DatetimeIndex(["2020-01-02"] * 2, name="Date"))))
    assert "non-numeric column(s) BBB" in err(_parquet(good.assign(BBB=["x", "y"])))
    assert "no rows" in err(_parquet(good.iloc[:0]))


# -- fetch with recorded data ---------------------------------------------------------------------

_YF_SIGNATURE = inspect.signature(yfinance.download)


class RecordedYahoo:
    """A stand-in for ``yfinance.download`` serving the snapshot's real adjusted closes.

    Its output has yfinance 1.x's shape: columns ``MultiIndex (Price, Ticker)`` sorted by price
    field, index ``Date``, and all-NaN columns for a ticker it "could not get". The snapshot has
    only adjusted closes, so ``Adj Close`` is real; ``Close``/``Open``/``High``/``Low`` are set
    to 1.25 x the adjusted close (so that taking the wrong column is caught), ``Volume`` to a
    made-up count.
    """

    def __init__(self, closes: dict[str, pd.Series], empty=(), layout="column", tz=None):
        self.closes = closes
        self.empty = set(empty)
        self.layout = layout
        self.tz = tz
        self.calls: list[dict] = []

    def __call__(self, tickers, *args, **kwargs):
        bound = _YF_SIGNATURE.bind(tickers, *args, **kwargs)  # fails if fetch passes anything yfinance lacks
        self.calls.append(dict(bound.arguments))
        return self.frame(list(tickers), kwargs.get("start"), kwargs.get("end"))

    def frame(self, tickers, start=None, end=None) -> pd.DataFrame:
        series = {}
        for t in sorted({t.upper() for t in tickers}):  # yfinance dedupes and sorts
            s = self.closes.get(t, pd.Series(dtype="float64"))
            if start is not None:
                s = s.loc[pd.Timestamp(start):]
            if end is not None:
                s = s.loc[: pd.Timestamp(end) - pd.Timedelta(days=1)]  # end is exclusive
            series[t] = s
        idx = functools.reduce(lambda a, b: a.union(b), [s.index for s in series.values()], pd.DatetimeIndex([]))
        if len(idx) == 0:
            return pd.DataFrame(columns=pd.MultiIndex.from_tuples([], names=["Price", "Ticker"]))
        cols = {}
        for t, s in series.items():
            adj = s.reindex(idx) if t not in self.empty else pd.Series(np.nan, index=idx)
            cols[("Adj Close", t)] = adj
            for field in ("Close", "High", "Low", "Open"):
                cols[(field, t)] = adj * 1.25
            cols[("Volume", t)] = pd.Series(np.where(adj.notna(), 1_000_000.0, np.nan), index=idx)
        frame = pd.DataFrame(cols)
        frame.index = pd.DatetimeIndex(idx, name="Date")
        if self.tz:
            frame.index = frame.index.tz_localize(self.tz)
        frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["Price", "Ticker"])
        frame = frame.sort_index(axis=1, level=0)
        if self.layout == "ticker":
            frame = frame.swaplevel(0, 1, axis=1).sort_index(axis=1, level=0)
        elif self.layout == "flat":
            assert len(series) == 1
            frame = frame.droplevel(1, axis=1)
        return frame


@pytest.fixture
def closes(snapshot_dir) -> dict[str, pd.Series]:
    return {t: _close(snapshot_dir, t) for t in ("IWM", "SPY")}


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    pauses: list[float] = []
    monkeypatch.setattr(yahoo, "_sleep", pauses.append)
    return pauses


def test_fetch_round_trip(closes, sleeps):
    fake = RecordedYahoo(closes)
    raws, extra = yahoo.fetch(["iwm", "SPY"], downloader=fake, deadline=10)
    assert list(raws) == ["IWM", "SPY"]
    for t in ("IWM", "SPY"):
        assert raws[t].startswith(b"Date,Close,Volume\n")
        frame = yahoo.parse_csv(raws[t], t)["data"]
        pd.testing.assert_series_equal(frame["close"], closes[t])  # Adj Close, to the last bit
        assert (frame["volume"] == 1_000_000.0).all()
    call = fake.calls[0]
    assert call["tickers"] == ["IWM", "SPY"]
    assert call["auto_adjust"] is False and call["progress"] is False and call["period"] == "max"
    assert call["actions"] is False and call["group_by"] == "column" and call["multi_level_index"] is True
    assert len(fake.calls) == 1 and sleeps == []
    assert extra["yfinance"] == yfinance.__version__ and extra["auto_adjust"] is False
    assert extra["price_column"] == "Adj Close"
    assert extra["requested"]["tickers"] == ["IWM", "SPY"] and extra["requested"]["start"] is None


def test_fetch_start_end(closes, sleeps):
    fake = RecordedYahoo(closes)
    raws, extra = yahoo.fetch(["IWM"], start="2020-01-01", end="2021-01-01", downloader=fake)
    frame = yahoo.parse_csv(raws["IWM"], "IWM")["data"]
    assert frame.index[0] == pd.Timestamp("2020-01-02") and frame.index[-1] == pd.Timestamp("2020-12-31")
    assert "period" not in fake.calls[0] and fake.calls[0]["start"] == "2020-01-01"
    assert extra["requested"]["end"] == "2021-01-01"


@pytest.mark.parametrize("layout", ["ticker", "flat"])
def test_fetch_other_layouts(closes, sleeps, layout):
    raws, _ = yahoo.fetch(["IWM"], downloader=RecordedYahoo(closes, layout=layout))
    pd.testing.assert_series_equal(yahoo.parse_csv(raws["IWM"], "IWM")["data"]["close"], closes["IWM"])


def test_fetch_tz_aware_index_keeps_local_dates(closes, sleeps):
    raws, _ = yahoo.fetch(["SPY"], downloader=RecordedYahoo(closes, tz="America/New_York"))
    pd.testing.assert_series_equal(yahoo.parse_csv(raws["SPY"], "SPY")["data"]["close"], closes["SPY"])


def test_fetch_batches(closes, sleeps):
    fake = RecordedYahoo(closes)
    raws, _ = yahoo.fetch(["IWM", "SPY"], batch_size=1, downloader=fake)
    assert [c["tickers"] for c in fake.calls] == [["IWM"], ["SPY"]]
    assert set(raws) == {"IWM", "SPY"}


def test_fetch_one_empty_ticker(closes, sleeps):
    fake = RecordedYahoo(closes, empty={"SPY"})
    with pytest.raises(FetchError) as info:
        yahoo.fetch(["IWM", "SPY"], downloader=fake, retries=2)
    msg = str(info.value)
    assert "SPY: empty" in msg and "IWM" not in msg and "\n" not in msg
    # the retries ask again only for the ticker that failed, with growing pauses
    assert [c["tickers"] for c in fake.calls] == [["IWM", "SPY"], ["SPY"], ["SPY"]]
    assert len(sleeps) == 2 and sleeps[1] >= sleeps[0] > 0


def test_fetch_unknown_ticker_and_all_empty(closes, sleeps):
    with pytest.raises(FetchError, match=r"NOPE: empty") as info:
        yahoo.fetch(["IWM", "NOPE"], downloader=RecordedYahoo(closes), retries=0)
    assert "IWM" not in str(info.value)
    with pytest.raises(FetchError, match=r"2 ticker\(s\).*IWM: empty \(no rows\); SPY: empty \(no rows\)"):
        yahoo.fetch(["IWM", "SPY"], downloader=lambda *a, **k: pd.DataFrame(), retries=1)


def test_fetch_short_and_stale(closes, sleeps):
    short = {"IWM": closes["IWM"].iloc[:3], "SPY": closes["SPY"]}
    with pytest.raises(FetchError, match=r"IWM: short \(3 closes") as info:
        yahoo.fetch(["IWM", "SPY"], downloader=RecordedYahoo(short), retries=0)
    assert "SPY" not in str(info.value)
    # SPY stops in 2019 although 2020 was asked for
    stale = {"IWM": closes["IWM"], "SPY": closes["SPY"].loc[:"2019-12-31"]}
    with pytest.raises(FetchError, match=r"SPY: short \(ends 2019-12-31") as info:
        yahoo.fetch(["IWM", "SPY"], start="2019-06-01", end="2020-06-30", downloader=RecordedYahoo(stale), retries=0)
    assert "IWM" not in str(info.value)


def test_fetch_rate_limited_then_success(closes, sleeps):
    fake = RecordedYahoo(closes)
    failures = iter([YFRateLimitError(), YFRateLimitError()])

    def flaky(tickers, **kwargs):
        err = next(failures, None)
        if err is not None:
            raise err
        return fake(tickers, **kwargs)

    raws, _ = yahoo.fetch(["IWM", "SPY"], downloader=flaky, retries=3, backoff=2.0)
    assert set(raws) == {"IWM", "SPY"}
    assert len(sleeps) == 2
    assert 1.0 <= sleeps[0] <= 2.0 and 2.0 <= sleeps[1] <= 4.0  # exponential, jittered


def test_fetch_rate_limited_for_good(sleeps):
    def limited(tickers, **kwargs):
        raise YFRateLimitError()

    with pytest.raises(FetchError, match=r"IWM: rate limited by Yahoo; SPY: rate limited"):
        yahoo.fetch(["IWM", "SPY"], downloader=limited, retries=2)
    assert len(sleeps) == 2


def test_fetch_unexpected_error(sleeps):
    def broken(tickers, **kwargs):
        raise KeyError("chart")

    with pytest.raises(FetchError, match=r"Yahoo \(IWM\): yfinance failed: KeyError") as info:
        yahoo.fetch(["IWM"], downloader=broken)
    assert isinstance(info.value.__cause__, KeyError)


def test_fetch_hang_past_deadline(closes):
    release = threading.Event()

    def hanging(tickers, **kwargs):
        release.wait(10)  # a dead network: yfinance would sit here for minutes
        return RecordedYahoo(closes)(tickers, **kwargs)

    t0 = time.monotonic()
    try:
        with pytest.raises(FetchError, match=r"overall 1 s deadline; not obtained: IWM, SPY"):
            yahoo.fetch(["IWM", "SPY"], downloader=hanging, deadline=1)
        assert time.monotonic() - t0 < 1.5
    finally:
        release.set()


def test_fetch_deadline_spans_batches(closes):
    fake = RecordedYahoo({"A": closes["IWM"], "B": closes["IWM"], "C": closes["SPY"], "D": closes["SPY"]})

    started = []

    def slow(tickers, **kwargs):
        started.append((list(tickers), kwargs["timeout"]))
        time.sleep(0.6)
        return fake(tickers, **kwargs)

    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"not obtained: C, D$"):
        yahoo.fetch(["A", "B", "C", "D"], batch_size=1, downloader=slow, deadline=1.5)
    assert time.monotonic() - t0 < 2.0
    # C got the 0.3 s that were left and ran out; D was never tried
    assert [t for t, _ in started] == [["A"], ["B"], ["C"]]


def test_fetch_parameters():
    with pytest.raises(ParameterError):
        yahoo.fetch([" "], downloader=lambda *a, **k: None)
    with pytest.raises(ParameterError):
        yahoo.fetch(["IWM"], batch_size=0, downloader=lambda *a, **k: None)


# -- through the session ----------------------------------------------------------------------------


def test_session_live_prices(online_env, store_dir, closes, monkeypatch, sleeps):
    fake = RecordedYahoo(closes)
    monkeypatch.setattr(yahoo, "fetch", functools.partial(yahoo.fetch, downloader=fake))
    px = DataSession(mode="auto", snapshot="none").prices(["IWM", "SPY"])
    assert list(px.close.columns) == ["IWM", "SPY"] and px.close.index.name == "date"
    pd.testing.assert_series_equal(px.close["IWM"].dropna(), closes["IWM"], check_names=False)
    pd.testing.assert_series_equal(px.close["SPY"].dropna(), closes["SPY"], check_names=False)
    assert {p.dataset for p in px.provenance} == {"yahoo/IWM", "yahoo/SPY"}
    for p in px.provenance:
        assert p.origin == "live" and p.location == f"yfinance:{p.dataset.split('/')[1]}"
        assert p.extra["yfinance"] == yfinance.__version__ and p.extra["auto_adjust"] is False
    assert len(list(store_dir.rglob("raw/IWM.csv"))) == 1 and len(list(store_dir.rglob("raw/SPY.csv"))) == 1
    assert len(fake.calls) == 1

    # later sessions are served from the store's live copy, without a download
    def no_fetch(*a, **k):
        raise AssertionError("should not download")

    monkeypatch.setattr(yahoo, "fetch", no_fetch)
    again = DataSession(mode="offline", snapshot="none").prices("IWM")
    pd.testing.assert_series_equal(again.close["IWM"], px.close["IWM"].dropna())


def test_session_live_failure_stores_nothing(online_env, store_dir, closes, monkeypatch, sleeps):
    fake = RecordedYahoo(closes, empty={"SPY"})
    monkeypatch.setattr(yahoo, "fetch", functools.partial(yahoo.fetch, downloader=fake))
    before = tree_listing(store_dir)
    with pytest.raises(FetchError) as info:
        DataSession(mode="auto", snapshot="none").prices(["IWM", "SPY"])
    assert "SPY: empty" in str(info.value) and "IWM" not in str(info.value)
    assert tree_listing(store_dir) == before
