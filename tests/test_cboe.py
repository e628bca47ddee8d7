"""CBOE VIX history parser and download."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smallcaps.data import DataSession
from smallcaps.errors import FetchError, ParseError
from smallcaps.sources import cboe

from conftest import tree_listing

ROWS = 9235  # data rows in the snapshot file (1990-01-02 .. 2026-07-23)


@pytest.fixture(scope="module")
def vix_raw(snapshot_dir) -> bytes:
    return (snapshot_dir / "cboe" / "VIX_History.csv").read_bytes()


def _to_mdy(raw: bytes) -> bytes:
    """The same rows with CBOE's own MM/DD/YYYY dates (and its CRLF line ends)."""
    lines = raw.decode().splitlines()
    out = [lines[0]]
    for line in lines[1:]:
        d, rest = line.split(",", 1)
        y, m, dd = d.split("-")
        out.append(f"{m}/{dd}/{y},{rest}")
    return ("\r\n".join(out) + "\r\n").encode()


def _parse_error(raw: bytes) -> str:
    with pytest.raises(ParseError) as info:
        cboe.parse(raw)
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("CBOE VIX_History.csv:")
    return msg


# -- the snapshot's real file -------------------------------------------------------------------


def test_snapshot_file(vix_raw):
    frame = cboe.parse(vix_raw)["data"]
    assert list(frame.columns) == ["open", "high", "low", "close"]
    assert (frame.dtypes == np.float64).all()
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert frame.index.is_monotonic_increasing and frame.index.is_unique
    assert len(frame) == ROWS
    assert frame.index[0] == pd.Timestamp("1990-01-02")
    assert frame.loc["1990-01-02"].tolist() == [17.24, 17.24, 17.24, 17.24]
    assert frame.index[-1] == pd.Timestamp("2026-07-23")
    assert frame.loc["2026-07-23"].tolist() == [17.67, 20.31, 17.32, 18.70]
    assert frame.notna().all().all()


def test_mdy_dates_parse_identically(vix_raw):
    mdy = _to_mdy(vix_raw)
    assert mdy.startswith(b"DATE,OPEN,HIGH,LOW,CLOSE\r\n01/02/1990,17.24")
    pd.testing.assert_frame_equal(cboe.parse(mdy)["data"], cboe.parse(vix_raw)["data"])


def test_offline_session(offline):
    loaded = DataSession(mode="offline").vix()
    assert loaded.provenance.origin == "snapshot" and loaded.provenance.rows == ROWS
    assert loaded.frame["close"].loc["2026-07-23"] == 18.70


# -- crafted files --------------------------------------------------------------------------------


def test_column_order_and_case_do_not_matter():
    raw = b"date,close,open,low,high\n2020-01-02,13.0,12.5,12.0,14.0\n"
    frame = cboe.parse(raw)["data"]
    assert frame.loc["2020-01-02"].tolist() == [12.5, 14.0, 12.0, 13.0]


def test_empty_cell_is_nan():
    raw = b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,,14,12,13\n2020-01-03,13,14,12,13.5\n"
    frame = cboe.parse(raw)["data"]
    assert np.isnan(frame.loc["2020-01-02", "open"]) and frame.loc["2020-01-03", "close"] == 13.5


@pytest.mark.parametrize(
    "raw, needle",
    [
        (b"", "empty"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n", "header only"),
        (b"DATE,OPEN,HIGH,CLOSE\n2020-01-02,1,2,3\n", "missing column(s) LOW"),
        (b"Date,VIX\n2020-01-02,13\n", "missing column(s) OPEN, HIGH, LOW, CLOSE"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3,4\n2020-01-03,1,2,3\n", "line 3 has 4 fields"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3\n", "line 2 has 4 fields"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3,x\n", "CLOSE 'x' is not a number"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2 Jan 2020,1,2,3,4\n", "neither MM/DD/YYYY nor YYYY-MM-DD"),
        # one format per file: a later row in the other format fails instead of being guessed
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3,4\n01/03/2020,1,2,3,4\n", "does not match the file's format"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n01/02/2020,1,2,3,4\n2020-01-03,1,2,3,4\n", "does not match the file's format"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n13/02/2020,1,2,3,4\n", "invalid date"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3,4\n2020-01-02,1,2,3,4\n", "duplicate date 2020-01-02"),
        (b"DATE,OPEN,HIGH,LOW,CLOSE\n2020-01-02,1,2,3,\n", "no row has a close"),
        (b"<html><body>Access denied</body></html>", "HTML"),
    ],
)
def test_bad_files_raise_parse_error(raw, needle):
    assert needle in _parse_error(raw)


def test_truncated_snapshot_file(vix_raw):
    # a download cut in the middle of a row
    cut = vix_raw[: vix_raw.index(b"2026-07-23") + 14]
    assert "fields" in _parse_error(cut)


# -- download -------------------------------------------------------------------------------------


@pytest.mark.network_local
def test_live_fetch(local_server, online_env, monkeypatch, vix_raw, store_dir):
    mdy = _to_mdy(vix_raw)
    monkeypatch.setenv("SMALLCAPS_CBOE_URL", local_server.url + "/VIX_History.csv")
    local_server.add("/VIX_History.csv", body=mdy)
    loaded = DataSession(mode="auto", snapshot="none").vix()
    assert loaded.provenance.origin == "live" and loaded.provenance.extra["url"].endswith("/VIX_History.csv")
    pd.testing.assert_frame_equal(loaded.frame, cboe.parse(vix_raw)["data"])
    assert list(store_dir.rglob("raw/VIX_History.csv"))[0].read_bytes() == mdy


@pytest.mark.network_local
def test_live_html_is_fetch_error(local_server, online_env, monkeypatch, store_dir):
    monkeypatch.setenv("SMALLCAPS_CBOE_URL", local_server.url + "/VIX_History.csv")
    local_server.add("/VIX_History.csv", body=b"<!doctype html><p>moved</p>")
    before = tree_listing(store_dir)
    with pytest.raises(FetchError, match="CBOE VIX history.*HTML"):
        DataSession(mode="auto", snapshot="none").vix()
    assert tree_listing(store_dir) == before
