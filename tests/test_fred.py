"""FRED CSV parser and live download (against the local HTTP server)."""

from __future__ import annotations

import csv
import time
import types

import numpy as np
import pandas as pd
import pytest

import smallcaps.net
from smallcaps.data import DataSession
from smallcaps.errors import FetchError, ParseError
from smallcaps.sources import fred

from conftest import tree_listing

FRED_FILES = {  # series -> (rows, first, last, missing values, header as found)
    "BAA": (1259, "1919-01-01", "2023-11-01", 0, '"Date","BAA"'),
    "AAA": (1259, "1919-01-01", "2023-11-01", 0, '"Date","AAA"'),
    "BAA10Y": (2607, "2016-04-27", "2026-04-23", 114, "date,value"),
    "AAA10Y": (2607, "2016-04-27", "2026-04-23", 114, "date,value"),
    "BAMLH0A0HYM2": (7728, "1996-12-31", "2026-03-26", 94, "date,bamlh0a0hym2"),
}


def _manifest(snapshot_dir) -> dict[str, dict]:
    with open(snapshot_dir / "MANIFEST.tsv", newline="", encoding="utf-8") as f:
        return {row["path"]: row for row in csv.DictReader(f, delimiter="\t")}


def _parse_error(raw: bytes, sid: str = "BAA") -> str:
    with pytest.raises(ParseError) as info:
        fred.parse(raw, sid)
    msg = str(info.value)
    assert "\n" not in msg and f"FRED {sid}" in msg
    return msg


# -- the snapshot's real files ----------------------------------------------------------------


@pytest.mark.parametrize("sid", sorted(FRED_FILES))
def test_snapshot_files_parse(snapshot_dir, sid):
    rows, first, last, n_missing, header = FRED_FILES[sid]
    raw = (snapshot_dir / "fred" / f"{sid}.csv").read_bytes()
    assert raw.splitlines()[0].decode() == header  # three header variants are covered
    frame = fred.parse(raw, sid)["data"]
    assert list(frame.columns) == [sid]
    assert frame[sid].dtype == np.float64
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert len(frame) == rows
    assert frame.index[0] == pd.Timestamp(first) and frame.index[-1] == pd.Timestamp(last)
    assert int(frame[sid].isna().sum()) == n_missing
    # the manifest's coverage column says the same
    assert _manifest(snapshot_dir)[f"fred/{sid}.csv"]["coverage"] == f"{first}..{last}"


def test_snapshot_values(snapshot_dir):
    def load(sid):
        return fred.parse((snapshot_dir / "fred" / f"{sid}.csv").read_bytes(), sid)["data"][sid]

    baa, aaa = load("BAA"), load("AAA")
    assert baa.loc["1919-01-01"] == 7.12
    assert baa.loc["2023-11-01"] == 6.29
    assert aaa.loc["1919-01-01"] == 5.35
    aaa10y = load("AAA10Y")
    assert aaa10y.index[-1] == pd.Timestamp("2026-04-23") and aaa10y.iloc[-1] == 1.08
    assert load("BAA10Y").loc["2016-04-27"] == 2.86
    hy = load("BAMLH0A0HYM2")
    assert hy.loc["1996-12-31"] == 3.13
    assert np.isnan(hy.loc["1997-01-01"])  # an empty cell in the file (a holiday)
    assert hy.loc["2026-03-26"] == 3.21


def test_lower_case_id_is_accepted(snapshot_dir):
    raw = (snapshot_dir / "fred" / "BAMLH0A0HYM2.csv").read_bytes()
    frame = fred.parse(raw, "bamlh0a0hym2")["data"]
    assert list(frame.columns) == ["BAMLH0A0HYM2"]


def test_offline_session_reads_snapshot(offline):
    loaded = DataSession(mode="offline").fred("baa")
    assert loaded.provenance.origin == "snapshot" and loaded.provenance.location == "fred/BAA.csv"
    assert loaded.frame["BAA"].loc["1919-01-01"] == 7.12


# -- crafted files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["DATE,BAA", "observation_date,BAA", "date,value", '"Date","BAA"', "date,baa", "DATE,value"],
)
def test_header_variants_parse_the_same(header):
    raw = f"{header}\n2020-01-01,3.5\n2020-02-01,.\n2020-03-01,\n2020-04-01,4.25\n".encode()
    frame = fred.parse(raw, "BAA")["data"]
    expected = pd.DataFrame(
        {"BAA": [3.5, np.nan, np.nan, 4.25]},
        index=pd.DatetimeIndex(pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-04-01"]), name="date"),
    )
    pd.testing.assert_frame_equal(frame, expected)


def test_bom_crlf_and_unsorted_rows():
    raw = b"\xef\xbb\xbfobservation_date,BAA\r\n2020-02-01,2\r\n2020-01-01,1\r\n\r\n"
    frame = fred.parse(raw, "BAA")["data"]
    assert list(frame.index) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")]
    assert frame["BAA"].tolist() == [1.0, 2.0]


def test_wrong_series_in_file():
    msg = _parse_error(b"observation_date,AAA\n2020-01-01,3.5\n", "BAA")
    assert "'AAA'" in msg and "wrong series" in msg


@pytest.mark.parametrize(
    "raw, needle",
    [
        (b"", "empty"),
        (b"\n\n", "empty"),
        (b"DATE,BAA\n", "header only"),
        (b"DATE,BAA,AAA\n2020-01-01,1,2\n", "2 columns"),
        (b"BAA\n1\n", "2 columns"),
        (b"when,BAA\n2020-01-01,1\n", "first column"),
        (b"DATE,BAA\n2020-01-01,1\n2020-02-01\n", "line 3 has 1 fields"),
        (b"DATE,BAA\n2020-01-01,1\n2020-02-01,2,3\n", "line 3 has 3 fields"),
        (b"DATE,BAA\n2020-01-01,abc\n", "'abc' is not a number"),
        (b"DATE,BAA\n2020-01-01,nan\n", "'nan' is not a number"),
        (b"DATE,BAA\n2020-01-01,1\n01/02/2020,2\n", "'01/02/2020' is not YYYY-MM-DD"),
        (b"DATE,BAA\n2020-13-01,1\n", "invalid date"),
        (b"DATE,BAA\n2020-01-01,1\n2020-01-01,2\n", "duplicate date 2020-01-01"),
        (b"DATE,BAA\n2020-01-01,.\n2020-02-01,\n", "no observation has a value"),
        (b"DATE,BAA\n2020-01-01,\xff\n", "not UTF-8"),
        (b"<!DOCTYPE html><html><body>Series not found</body></html>\n", "HTML"),
    ],
)
def test_bad_files_raise_parse_error(raw, needle):
    assert needle in _parse_error(raw)


# -- live download against the local server -----------------------------------------------------


@pytest.fixture
def fred_server(local_server, online_env, monkeypatch):
    monkeypatch.setenv("SMALLCAPS_FRED_BASE_URL", local_server.url + "/fredgraph.csv")
    return local_server


def _no_backoff(monkeypatch):
    # net.download sleeps (jittered) between attempts; replace only net's view of the time module
    monkeypatch.setattr(smallcaps.net, "time", types.SimpleNamespace(monotonic=time.monotonic, sleep=lambda s: None))


@pytest.mark.network_local
def test_live_fetch_success(fred_server, snapshot_dir, store_dir):
    raw = (snapshot_dir / "fred" / "BAA.csv").read_bytes()
    route = fred_server.add("/fredgraph.csv", body=raw)
    ds = DataSession(mode="auto", snapshot="none")
    loaded = ds.fred("BAA")
    assert route.hits == 1
    pd.testing.assert_frame_equal(loaded.frame, fred.parse(raw, "BAA")["data"])
    prov = loaded.provenance
    assert prov.origin == "live" and prov.location == fred.url("BAA")
    assert prov.location.startswith(fred_server.url) and prov.location.endswith("?id=BAA")
    assert prov.extra["url"] == fred.url("BAA")
    assert (prov.first, prov.last, prov.rows) == ("1919-01-01", "2023-11-01", 1259)
    stored = list(store_dir.rglob("raw/BAA.csv"))
    assert len(stored) == 1 and stored[0].read_bytes() == raw
    # a second session is served from the store, without the network
    again = DataSession(mode="auto", snapshot="none").fred("BAA")
    assert route.hits == 1 and again.provenance.sha256 == prov.sha256


@pytest.mark.network_local
def test_live_fetch_direct(fred_server, snapshot_dir):
    raw = (snapshot_dir / "fred" / "AAA.csv").read_bytes()
    fred_server.add("/fredgraph.csv", body=raw)
    body, extra = fred.fetch("aaa", deadline=5)
    assert body == raw and extra == {"url": fred_server.url + "/fredgraph.csv?id=AAA"}


@pytest.mark.network_local
def test_live_http_500_leaves_store_unchanged(fred_server, store_dir, monkeypatch):
    _no_backoff(monkeypatch)
    route = fred_server.add("/fredgraph.csv", status=500, body=b"oops")
    before = tree_listing(store_dir)
    t0 = time.monotonic()
    with pytest.raises(FetchError) as info:
        DataSession(mode="auto", snapshot="none").fred("BAA")
    assert time.monotonic() - t0 < 5
    msg = str(info.value)
    assert "FRED series BAA" in msg and "HTTP 500" in msg and "\n" not in msg
    assert route.hits == 3  # the first attempt and two retries
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_hang_past_deadline(fred_server, store_dir):
    fred_server.add("/fredgraph.csv", body=b"DATE,BAA\n2020-01-01,1\n", hang=3)
    before = tree_listing(store_dir)
    t0 = time.monotonic()
    with pytest.raises(FetchError) as info:
        DataSession(mode="auto", snapshot="none", deadline=1).fred("BAA")
    elapsed = time.monotonic() - t0
    assert elapsed < 2.5, elapsed
    assert "FRED series BAA" in str(info.value) and "deadline" in str(info.value)
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_truncated_transfer(fred_server, snapshot_dir, store_dir, monkeypatch):
    _no_backoff(monkeypatch)
    raw = (snapshot_dir / "fred" / "BAA.csv").read_bytes()
    half = raw[: len(raw) // 2]  # the connection drops half-way through a row
    fred_server.add("/fredgraph.csv", body=half, content_length=len(raw))
    before = tree_listing(store_dir)
    with pytest.raises(FetchError, match="FRED series BAA.*fredgraph.csv"):
        DataSession(mode="auto", snapshot="none").fred("BAA")
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_html_page_is_an_error(fred_server, store_dir):
    fred_server.add("/fredgraph.csv", body=b"\n<!DOCTYPE html><html><title>Error</title></html>")
    before = tree_listing(store_dir)
    with pytest.raises(FetchError, match=r"FRED series NOSUCH.*HTML"):
        DataSession(mode="auto", snapshot="none").fred("nosuch")
    assert tree_listing(store_dir) == before


@pytest.mark.network_local
def test_live_wrong_series_is_a_parse_error_and_stores_nothing(fred_server, snapshot_dir, store_dir):
    # the server answers with another series' file: the parser refuses it before anything is stored
    fred_server.add("/fredgraph.csv", body=(snapshot_dir / "fred" / "AAA.csv").read_bytes())
    before = tree_listing(store_dir)
    with pytest.raises(ParseError, match=r"FRED BAA CSV.*'AAA'"):
        DataSession(mode="auto", snapshot="none").fred("BAA")
    assert tree_listing(store_dir) == before
