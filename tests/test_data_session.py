"""DataSession on the reference snapshot with a fresh store: provenance, the store as a cache,
integrity, prices across ETFs and the stock panel, offline errors, and no network at all."""

from __future__ import annotations

import csv
import os
import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
import requests

from smallcaps import catalog, net
from smallcaps.data import DataSession, Loaded
from smallcaps.errors import DataError, IntegrityError, NotAvailableOffline, OfflineError, ParameterError
from smallcaps.snapshot import MANIFEST, Snapshot
from smallcaps.sources import cboe, fred, french, shiller, yahoo

from conftest import tree_listing


def manifest(snapshot_dir: Path) -> dict[str, dict]:
    with (snapshot_dir / MANIFEST).open(newline="", encoding="utf-8") as f:
        return {r["path"]: r for r in csv.DictReader(f, delimiter="\t")}


@pytest.fixture
def no_network(monkeypatch):
    """Every door to the network raises and records the attempt (on top of the socket guard)."""
    calls: list[str] = []

    def refuse(name):
        def fn(*a, **k):
            calls.append(name)
            raise AssertionError(f"offline code called {name}")

        return fn

    monkeypatch.setattr(requests.Session, "send", refuse("requests.Session.send"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(net, "download", refuse("smallcaps.net.download"))
    monkeypatch.setattr(net, "call_with_deadline", refuse("smallcaps.net.call_with_deadline"))
    for mod in (french, fred, cboe, shiller):  # they import download by name
        monkeypatch.setattr(mod, "download", refuse(f"{mod.__name__}.download"))
    monkeypatch.setattr(yahoo, "call_with_deadline", refuse("yahoo.call_with_deadline"))
    monkeypatch.setattr(yahoo, "fetch", refuse("yahoo.fetch"))
    return calls


# -- provenance of each source -------------------------------------------------------------------

FRENCH_EXPECTED = {
    # name: (first, last, vintage, rows of the main table)
    "F-F_Research_Data_Factors": ("1926-07", "2025-11", "CRSP 202511", 1193),
    "F-F_Research_Data_5_Factors_2x3": ("1963-07", "2025-11", "CRSP 202511", 749),
    "F-F_Momentum_Factor": ("1927-01", "2025-11", "CRSP 202511", 1187),
    "6_Portfolios_ME_Prior_12_2": ("1927-01", "2025-10", "CRSP 202510", 1186),
    "25_Portfolios_5x5": ("1926-07", "2025-11", "CRSP 202511", 1193),
    "25_Portfolios_ME_OP_5x5": ("1963-07", "2024-12", "CRSP 202412", 738),
    "Portfolios_Formed_on_ME": ("1926-07", "2024-12", "CRSP 202412", 1182),
    "Portfolios_Formed_on_E-P": ("1951-07", "2023-02", "CRSP 202302", 860),
    "Portfolios_Formed_on_D-P": ("1927-07", "2023-02", "CRSP 202302", 1148),
}


def check_snapshot_provenance(p, rel: str, snapshot_dir: Path, store_dir: Path) -> None:
    assert p.origin == "snapshot"
    assert p.location == rel and not os.path.isabs(p.location)
    assert p.sha256 == manifest(snapshot_dir)[rel]["sha256"]
    assert p.snapshot_id == Snapshot(snapshot_dir).snapshot_id == "e54925ec23af"
    # the stored provenance carries no machine path
    for prov_file in store_dir.rglob("provenance.json"):
        text = prov_file.read_text()
        assert str(snapshot_dir) not in text and str(store_dir) not in text


@pytest.mark.parametrize("name", sorted(FRENCH_EXPECTED))
def test_french_provenance(offline, snapshot_dir, name):
    first, last, vintage, rows = FRENCH_EXPECTED[name]
    loaded = DataSession().french(name)
    p = loaded.provenance
    check_snapshot_provenance(p, f"french/{name}.csv", snapshot_dir, offline)
    assert (p.dataset, p.source) == (f"french/{name}", "french")
    assert (p.first, p.last, p.vintage, p.rows) == (first, last, vintage, rows)


def test_french_factor_values_and_main_table(offline):
    ff = DataSession().french("F-F_Research_Data_Factors")
    assert ff.main == "monthly"
    pd.testing.assert_frame_equal(ff.frame, ff["monthly"])
    assert list(ff.frame.columns) == ["Mkt-RF", "SMB", "HML", "RF"]
    assert isinstance(ff.frame.index, pd.PeriodIndex) and ff.frame.index.freqstr == "M"
    assert str(ff.frame.index[0]) == "1926-07" and str(ff.frame.index[-1]) == "2025-11"
    assert len(ff.frame) == ff.provenance.rows == 1193
    assert set(ff.tables) == {"monthly", "annual"}
    with pytest.raises(DataError, match=r"french/F-F_Research_Data_Factors has no table 'weekly'; it has: "):
        ff["weekly"]


@pytest.mark.parametrize("name", ["25_Portfolios_5x5", "Portfolios_Formed_on_ME"])
def test_portfolio_file_main_table_is_vw_monthly(offline, name):
    loaded = DataSession().french(name)
    assert loaded.main == "vw_monthly"
    pd.testing.assert_frame_equal(loaded.frame, loaded["vw_monthly"])


@pytest.mark.parametrize("sid, first, last, rows", [
    ("BAA", "1919-01-01", "2023-11-01", 1259),
    ("BAMLH0A0HYM2", "1996-12-31", "2026-03-26", 7728),
    ("BAA10Y", "2016-04-27", "2026-04-23", 2607),
])
def test_fred_provenance(offline, snapshot_dir, sid, first, last, rows):
    loaded = DataSession().fred(sid.lower())  # ids are case-insensitive
    p = loaded.provenance
    check_snapshot_provenance(p, f"fred/{sid}.csv", snapshot_dir, offline)
    assert (p.dataset, p.first, p.last, p.rows, p.vintage) == (f"fred/{sid}", first, last, rows, "")
    assert f"{first}..{last}" == manifest(snapshot_dir)[f"fred/{sid}.csv"]["coverage"]
    assert list(loaded.frame.columns) == [sid]
    assert isinstance(loaded.frame.index, pd.DatetimeIndex)


def test_vix_provenance(offline, snapshot_dir):
    loaded = DataSession().vix()
    p = loaded.provenance
    check_snapshot_provenance(p, "cboe/VIX_History.csv", snapshot_dir, offline)
    assert (p.dataset, p.source, p.first, p.last, p.rows) == ("cboe/VIX", "cboe", "1990-01-02", "2026-07-23", 9235)
    assert list(loaded.frame.columns) == ["open", "high", "low", "close"]
    assert loaded.frame.index[0] == pd.Timestamp("1990-01-02")


def test_shiller_provenance(offline, snapshot_dir):
    loaded = DataSession().shiller()
    p = loaded.provenance
    check_snapshot_provenance(p, "shiller/ie_data.xls", snapshot_dir, offline)
    assert (p.dataset, p.first, p.last, p.vintage) == ("shiller/ie_data", "1871-01", "2026-03", "data through 2026-03")
    assert {"price", "dividend", "earnings", "cpi", "gs10", "cape"} <= set(loaded.frame.columns)


def test_prices_of_etfs_and_panel_stocks_together(offline, snapshot_dir):
    ds = DataSession()
    px = ds.prices(["iwm", "AAPL", "^TNX"], end="2026-12-31")
    assert list(px.close.columns) == ["IWM", "AAPL", "^TNX"]
    assert px.close.index.name == "date" and (px.close.dtypes == "float64").all()
    cov = px.coverage()
    assert cov.loc["IWM", "first"] == pd.Timestamp("2000-05-26")
    assert cov.loc["AAPL", "first"] == pd.Timestamp("2000-01-03")  # the panel's first day
    assert cov.loc["^TNX", "first"] == pd.Timestamp("1976-07-14")
    assert cov.loc["IWM", "last"] == pd.Timestamp("2026-07-14")
    assert px.close.index[0] == pd.Timestamp("1976-07-14")  # union of dates, NaN before a ticker starts
    assert px.close["IWM"].loc[:"2000-05-25"].isna().all()
    by_ds = {p.dataset: p for p in px.provenance}
    assert set(by_ds) == {"yahoo/IWM", "yahoo/^TNX", "yahoo/stocks_close"}
    assert by_ds["yahoo/IWM"].location == "yahoo/etf/IWM.csv"
    assert by_ds["yahoo/stocks_close"].location == "yahoo/stocks_close.parquet"
    assert (by_ds["yahoo/IWM"].first, by_ds["yahoo/IWM"].last) == ("2000-05-26", "2026-07-14")
    assert (by_ds["yahoo/stocks_close"].first, by_ds["yahoo/stocks_close"].last) == ("2000-01-03", "2026-07-14")
    for p in px.provenance:
        check_snapshot_provenance(p, p.location, snapshot_dir, offline)


def test_prices_date_bounds_are_inclusive(offline):
    px = DataSession().prices("IWM", start="2020-01-02", end="2020-01-31")
    assert px.close.index[0] == pd.Timestamp("2020-01-02") and px.close.index[-1] == pd.Timestamp("2020-01-31")
    assert len(px.close) == 21


# -- the store as a cache ------------------------------------------------------------------------


def test_second_load_is_served_from_the_store(offline, monkeypatch):
    first = DataSession()
    a = first.french("F-F_Research_Data_Factors")
    f1 = first.fred("BAA")
    p1 = first.prices(["IWM", "AAPL"])

    def refuse(self, rel):
        raise AssertionError(f"snapshot re-read {rel}")

    monkeypatch.setattr(Snapshot, "read", refuse)
    second = DataSession()  # a new session on the same store
    b = second.french("F-F_Research_Data_Factors")
    assert b.provenance == a.provenance
    pd.testing.assert_frame_equal(b.frame, a.frame)
    pd.testing.assert_frame_equal(second.fred("BAA").frame, f1.frame)
    pd.testing.assert_frame_equal(second.prices(["IWM", "AAPL"]).close, p1.close)
    assert len(second.store.versions("french/F-F_Research_Data_Factors")) == 1


def test_snapshot_file_changed_after_the_store_was_warm_is_reread_and_rejected(tmp_path, snapshot_dir, offline):
    snap = tmp_path / "snap"
    (snap / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / MANIFEST, snap / MANIFEST)
    shutil.copyfile(snapshot_dir / "fred/BAA.csv", snap / "fred/BAA.csv")
    warm = DataSession(snapshot=snap).fred("BAA")
    assert warm.provenance.sha256 == manifest(snapshot_dir)["fred/BAA.csv"]["sha256"]
    before = tree_listing(offline)
    # change one byte, same size (and make sure the mtime moves on)
    path = snap / "fred/BAA.csv"
    data = bytearray(path.read_bytes())
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    with pytest.raises(IntegrityError, match=r"snapshot file fred/BAA\.csv does not match MANIFEST\.tsv"):
        DataSession(snapshot=snap).fred("BAA")
    assert tree_listing(offline) == before  # nothing was stored from the bad file


def test_tampered_snapshot_with_a_cold_store_raises_and_stores_nothing(tmp_path, snapshot_dir, offline):
    snap = tmp_path / "snap"
    (snap / "cboe").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / MANIFEST, snap / MANIFEST)
    raw = (snapshot_dir / "cboe/VIX_History.csv").read_bytes()
    (snap / "cboe/VIX_History.csv").write_bytes(raw.replace(b"1990-01-02", b"1990-01-03", 1))
    with pytest.raises(IntegrityError, match=r"cboe/VIX_History\.csv"):
        DataSession(snapshot=snap).vix()
    assert not offline.exists() or not any(offline.rglob("provenance.json"))


# -- errors offline ------------------------------------------------------------------------------


def test_unknown_ticker_offline_names_it(offline):
    with pytest.raises(ParameterError) as info:
        DataSession().prices(["IWM", "ZZZQX"])
    msg = str(info.value)
    assert msg.startswith("tickers=ZZZQX unknown: not among the snapshot's 99 ETFs and 1,762 stocks")
    assert "IWM" not in msg.split(":")[0]


def test_empty_ticker_list(offline):
    with pytest.raises(ParameterError, match="tickers is empty"):
        DataSession().prices([])


@pytest.mark.parametrize("load, what", [
    (lambda ds: ds.fred("DGS10"), "fred/DGS10"),
    (lambda ds: ds.french("F-F_ST_Reversal_Factor"), "french/F-F_ST_Reversal_Factor"),
])
def test_dataset_the_snapshot_lacks_is_not_available_offline(offline, no_network, load, what):
    with pytest.raises(NotAvailableOffline) as info:
        load(DataSession())
    assert str(info.value).startswith(f"{what}: not in the store or the snapshot, and offline mode forbids the network")
    assert no_network == []


def test_no_snapshot_and_an_empty_store_offline(offline, no_network):
    ds = DataSession(snapshot="none")
    assert ds.snapshot is None and ds.mode == "offline"
    with pytest.raises(NotAvailableOffline,
                       match=r"french/F-F_Research_Data_Factors: not in the store \(no snapshot selected\)"):
        ds.french("F-F_Research_Data_Factors")
    with pytest.raises(ParameterError, match="tickers=IWM unknown"):
        ds.prices("IWM")
    assert ds.etf_tickers() == [] and ds.stock_tickers() == []
    assert no_network == []


def test_used_lists_what_was_loaded_in_order(offline):
    ds = DataSession()
    assert ds.used() == []
    ds.vix()
    ds.french("F-F_Momentum_Factor")
    ds.prices(["SPY", "MSFT"])
    ds.membership("sp600")
    ds.vix()  # again: listed once
    assert [p.dataset for p in ds.used()] == [
        "cboe/VIX", "french/F-F_Momentum_Factor", "yahoo/SPY", "yahoo/stocks_close", "pitindex/sp600"]
    assert {p.origin for p in ds.used()} == {"snapshot", "package"}


# -- no network, ever, offline -------------------------------------------------------------------


def test_every_loader_offline_never_touches_the_network(offline, snapshot_dir, no_network, network_guard):
    rows = manifest(snapshot_dir)
    for _ in range(2):  # a cold store, then a warm one
        ds = DataSession()
        assert ds.mode == "offline"
        for name in catalog.FRENCH:
            ds.french(name)
        for sid in catalog.FRED:
            ds.fred(sid)
        ds.vix()
        ds.shiller()
        tickers = ds.etf_tickers()
        assert len(tickers) == 99 and set(catalog.ALL_ETFS) <= set(tickers)
        stocks = ds.stock_tickers()
        assert len(stocks) == 1762
        px = ds.prices(tickers + stocks[:25])
        assert px.close.shape[1] == 99 + 25
        for index in catalog.INDICES:
            ds.membership(index)
        # every dataset whose manifest row states a coverage is loaded with exactly that coverage
        for p in ds.used():
            if p.origin == "snapshot":
                assert p.sha256 == rows[p.location]["sha256"]
                if rows[p.location]["coverage"]:
                    assert f"{p.first}..{p.last}" == rows[p.location]["coverage"], p.location
        assert len(ds.used()) == 9 + 5 + 2 + 99 + 1 + 3
        with pytest.raises(ParameterError):
            ds.prices("NOT_A_TICKER")
        with pytest.raises(NotAvailableOffline):
            ds.fred("DGS10")
    assert no_network == []
    assert network_guard.violations == []


def test_offline_session_refuses_live_fetch_directly(offline, no_network):
    ds = DataSession()
    with pytest.raises(OfflineError, match="yahoo/IWM: not in the store or snapshot, and offline mode forbids"):
        ds._fetch_yahoo(["IWM"])
    assert no_network == []


def test_loaded_repr_describes_the_provenance(offline):
    loaded = DataSession().fred("BAA")
    assert isinstance(loaded, Loaded)
    assert repr(loaded).startswith("<Loaded fred/BAA (fred; snapshot fred/BAA.csv): 1919-01-01..2023-11-01, 1,259 rows")
