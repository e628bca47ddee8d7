"""DataSession on the reference snapshot with a fresh store: provenance, the store as a cache,
integrity, prices across ETFs and the stock panel, offline errors, and no network at all."""

from __future__ import annotations

import csv
import json
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


@pytest.mark.parametrize("mode", ["offline", "auto"])
@pytest.mark.parametrize("load, what, rel, fetch", [
    (lambda ds: ds.fred("DGS10"), "fred/DGS10", "fred/DGS10.csv", "smallcaps data fetch --fred DGS10"),
    (lambda ds: ds.french("F-F_ST_Reversal_Factor"), "french/F-F_ST_Reversal_Factor",
     "french/F-F_ST_Reversal_Factor.csv", "smallcaps data fetch --french F-F_ST_Reversal_Factor"),
])
def test_dataset_the_snapshot_lacks_is_named_and_never_fetched(offline, snapshot_dir, monkeypatch, no_network, mode,
                                                                 load, what, rel, fetch):
    """S02/F-14: with a snapshot selected, a file it lacks is an error naming the snapshot and the
    file, in auto mode too: the network is only used when the user asks for live data."""
    if mode == "auto":
        monkeypatch.delenv("SMALLCAPS_OFFLINE")
    with pytest.raises(NotAvailableOffline) as info:
        load(DataSession(mode=mode))
    assert str(info.value) == (
        f"{what}: snapshot {snapshot_dir} has no {rel}, and the store has no live copy; select a snapshot that has "
        f"it, or use live data explicitly: `{fetch}` (then read from the store and labelled live) or --mode refresh")
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


# -- a snapshot without MANIFEST.tsv (S05 / F-9) ----------------------------------------------------

IWM_0516 = 202.8987579345703  # IWM's adjusted close on 2024-05-16 in the reference snapshot


@pytest.fixture(scope="module")
def no_manifest(tmp_path_factory, snapshot_dir) -> Path:
    """S05 exactly: a copy of the reference snapshot without MANIFEST.tsv, IWM's 2024-05-16
    close multiplied by 1.05 (``sed -i 's/^2024-05-16,202.8987579345703$/2024-05-16,213.04369583129883/'``)."""
    root = tmp_path_factory.mktemp("s05") / "nm"
    shutil.copytree(snapshot_dir, root)
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    (root / MANIFEST).unlink()
    iwm = root / "yahoo/etf/IWM.csv"
    text = iwm.read_text()
    assert text.count("\n2024-05-16,202.8987579345703\n") == 1
    iwm.write_text(text.replace("\n2024-05-16,202.8987579345703\n", "\n2024-05-16,213.04369583129883\n"))
    return root


def test_snapshot_without_manifest_is_refused_by_default(offline, no_manifest, monkeypatch, no_network):
    message = (f"snapshot={no_manifest} has no MANIFEST.tsv, so its files cannot be verified; give a snapshot with its "
               "manifest, or accept unverified data with --unverified-snapshot (SMALLCAPS_UNVERIFIED_SNAPSHOT=1)")
    with pytest.raises(ParameterError) as info:
        DataSession(snapshot=no_manifest)
    assert str(info.value) == message
    monkeypatch.setenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", "0")
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(no_manifest))
    with pytest.raises(ParameterError, match="has no MANIFEST.tsv"):
        DataSession()
    assert not offline.exists()  # refused before anything was read or stored


def test_unverified_snapshot_is_labelled_so_and_never_borrows_a_verified_id(offline, snapshot_dir, no_manifest,
                                                                            monkeypatch, no_network):
    """S05: with the store already filled from the verified reference snapshot, an opted-in
    session on the manifest-less copy labels every file unverified (id ``unversioned``), serves
    the tampered IWM close, and the reference session afterwards is untouched by it."""
    from smallcaps import inventory
    from smallcaps.book.chapter import UNVERIFIED_WARNING, provenance_records, summarise_provenance

    rows = manifest(snapshot_dir)
    ref = DataSession(snapshot=snapshot_dir)
    inventory.load_book_data(ref)
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(no_manifest))
    monkeypatch.setenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", "1")  # the opt-in, as the runner passes it to kernels
    ds = DataSession()
    assert ds.verified is False and ds.settings.unverified_snapshot
    inv = inventory.load_book_data(ds)
    snap = [p for p in inv.provenance if p.origin == "snapshot"]
    assert len(snap) == 114 and len(inv.provenance) == 117
    assert {(p.snapshot_id, p.verified, p.unverified) for p in snap} == {("unversioned", False, True)}
    # the bytes of the untouched files are the reference's, but they are not labelled as verified
    same = [p for p in snap if p.location != "yahoo/etf/IWM.csv"]
    assert all(p.sha256 == rows[p.location]["sha256"] for p in same)
    iwm = {p.dataset: p for p in snap}["yahoo/IWM"]
    assert iwm.sha256 != rows["yahoo/etf/IWM.csv"]["sha256"]
    assert ds.prices("IWM").close.loc["2024-05-16", "IWM"] == pytest.approx(IWM_0516 * 1.05, rel=1e-12)
    # what the pages say
    assert set(inv.table().loc[[p.dataset for p in snap], "origin"]) == {"snapshot (unverified)"}
    assert all(r.get("verified") is False for r in provenance_records(snap))
    assert all("unverified snapshot, no manifest" in line for line in summarise_provenance(snap))
    assert "**not** checked" in inventory.snapshot_origin_text(ds)
    assert "Data not verified" in UNVERIFIED_WARNING
    # and the verified snapshot, on the same store, is still served as verified (in either order)
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(snapshot_dir))
    ref2 = DataSession()
    inv2 = inventory.load_book_data(ref2)
    assert {(p.snapshot_id, p.verified) for p in inv2.provenance if p.origin == "snapshot"} == {("e54925ec23af", True)}
    assert ref2.prices("IWM").close.loc["2024-05-16", "IWM"] == IWM_0516
    assert all("verified" not in r for r in provenance_records(inv2.provenance))
    assert inventory.snapshot_origin_text(ref2) == (
        "the reference snapshot, read-only, each file checked against its manifest's sha256")
    assert no_network == []


# -- a file the snapshot lacks, and the network (S02 / F-14 / X5) ------------------------------------


def test_snapshot_lacking_a_file_serves_an_explicit_live_copy_labelled_live(offline, snapshot_dir, tmp_path):
    """A live copy fetched earlier (``smallcaps data fetch``) fills a file the snapshot lacks, and
    says so in its provenance; nothing is downloaded."""
    from smallcaps.data import _PrefetchedSpec

    part = tmp_path / "part"
    (part / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / MANIFEST, part / MANIFEST)
    shutil.copyfile(snapshot_dir / "fred/AAA10Y.csv", part / "fred/AAA10Y.csv")  # not BAA
    raw = (snapshot_dir / "fred/BAA.csv").read_bytes()
    DataSession(snapshot="none").load_prefetched(_PrefetchedSpec(fred.spec("BAA"), raw, {}))  # as data fetch would
    loaded = DataSession(snapshot=part).fred("BAA")
    assert loaded.provenance.origin == "live" and loaded.provenance.verified is None
    with pytest.raises(NotAvailableOffline,
                       match=rf"^fred/BAMLH0A0HYM2: snapshot {part} has no fred/BAMLH0A0HYM2\.csv"):
        DataSession(snapshot=part).fred("BAMLH0A0HYM2")


def test_auto_mode_with_a_snapshot_never_downloads_prices(offline, monkeypatch, no_network):
    monkeypatch.delenv("SMALLCAPS_OFFLINE")
    ds = DataSession(mode="auto")
    assert not ds.settings.may_fetch
    with pytest.raises(ParameterError) as info:
        ds.prices(["IWM", "ZZZQX"])
    assert str(info.value) == (
        "tickers=ZZZQX unknown: not among the snapshot's 99 ETFs and 1,762 stocks or in the store; valid tickers are "
        "listed by `smallcaps data status --tickers`; for live prices, `smallcaps data fetch --tickers ZZZQX` or "
        "--mode refresh")
    assert no_network == []


def test_auto_mode_downloads_only_without_a_snapshot(online_env, snapshot_dir, monkeypatch):
    """The network is an explicit choice: ``auto`` with ``--snapshot none`` (or ``refresh``)."""
    calls = []

    def fake_fetch(sid, *, deadline, **kw):
        calls.append(sid)
        return (snapshot_dir / "fred/BAA.csv").read_bytes(), {}

    monkeypatch.setattr(fred, "fetch", fake_fetch)
    ds = DataSession(mode="auto")
    assert ds.snapshot is None and ds.settings.may_fetch
    assert ds.fred("BAA").provenance.origin == "live" and calls == ["BAA"]
    assert DataSession(mode="auto").fred("BAA").provenance.origin == "live" and calls == ["BAA"]  # stored
    assert DataSession(mode="refresh", snapshot=snapshot_dir).settings.may_fetch


# -- store entries checked on read and rebuilt (C01, C02, S06) --------------------------------------


def iwm_entry(store_dir: Path) -> Path:
    (entry,) = [p for p in (store_dir / "yahoo" / "IWM").iterdir() if p.name.startswith("snapshot-e54925ec23af-")]
    return entry


def test_truncated_store_table_is_rebuilt_from_the_snapshot(offline, no_network):
    """C01: ``truncate -s 100 .store/yahoo/IWM/snapshot-.../tables/data.parquet``."""
    DataSession().prices("IWM")
    entry = iwm_entry(offline)
    with open(entry / "tables" / "data.parquet", "r+b") as f:
        f.truncate(100)
    px = DataSession().prices("IWM")
    assert px.close.loc["2024-05-16", "IWM"] == IWM_0516
    assert iwm_entry(offline) == entry and (entry / "tables" / "data.parquet").stat().st_size > 100
    assert sorted(p.name for p in (offline / "yahoo" / "IWM").iterdir()) == [entry.name]  # nothing left aside


def test_tampered_store_table_is_never_served(offline, no_network):
    """C02: ``pd.read_parquet`` -> IWM 2024-05-16 x 1.05 -> ``to_parquet``: detected, rebuilt."""
    DataSession().prices("IWM")
    path = iwm_entry(offline) / "tables" / "data.parquet"
    frame = pd.read_parquet(path)
    frame.loc["2024-05-16", "close"] *= 1.05
    frame.to_parquet(path)
    assert pd.read_parquet(path).loc["2024-05-16", "close"] == pytest.approx(IWM_0516 * 1.05)
    ds = DataSession()
    assert ds.prices("IWM").close.loc["2024-05-16", "IWM"] == IWM_0516
    assert pd.read_parquet(path).loc["2024-05-16", "close"] == IWM_0516  # the entry itself was rebuilt
    assert ds.used()[0].sha256 == manifest(snapshot_dir_of(ds))["yahoo/etf/IWM.csv"]["sha256"]


def snapshot_dir_of(ds: DataSession) -> Path:
    return ds.snapshot.root


def test_size_and_mtime_preserving_snapshot_tamper_is_caught_at_run_time(tmp_path, snapshot_dir, offline):
    """S06/F-23: the store was filled from the file, then the file changed with its size and
    mtime restored: the next load reads it again and the manifest check refuses it."""
    snap = tmp_path / "snap"
    (snap / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / MANIFEST, snap / MANIFEST)
    shutil.copyfile(snapshot_dir / "fred/BAA.csv", snap / "fred/BAA.csv")
    DataSession(snapshot=snap).fred("BAA")
    path = snap / "fred/BAA.csv"
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[-3] = ord("9") if data[-3] != ord("9") else ord("8")
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
    with pytest.raises(IntegrityError, match=r"snapshot file fred/BAA\.csv does not match MANIFEST\.tsv"):
        DataSession(snapshot=snap).fred("BAA")


def test_copy_of_a_verified_snapshot_reuses_the_store_without_reparsing(tmp_path, snapshot_dir, offline, monkeypatch):
    """The same manifest is the same snapshot: a copy's files (other inodes and times) are read
    and checked once, then served from the same store entry."""
    copy = tmp_path / "copy"
    (copy / "fred").mkdir(parents=True)
    shutil.copyfile(snapshot_dir / MANIFEST, copy / MANIFEST)
    shutil.copyfile(snapshot_dir / "fred/BAA.csv", copy / "fred/BAA.csv")
    first = DataSession(snapshot=snapshot_dir).fred("BAA")
    calls = []
    real_parse = fred.parse
    monkeypatch.setattr(fred, "parse", lambda raw, series_id: calls.append(series_id) or real_parse(raw, series_id))
    second = DataSession(snapshot=copy).fred("BAA")
    assert second.provenance == first.provenance and calls == []
    monkeypatch.setattr(Snapshot, "read", lambda self, rel: (_ for _ in ()).throw(AssertionError("re-read")))
    assert DataSession(snapshot=copy).fred("BAA").provenance == first.provenance  # the stat now matches


def test_damaged_live_entry_is_rebuilt_from_its_raw_download_or_reported(offline, snapshot_dir, no_network):
    from smallcaps.data import _PrefetchedSpec

    raw = (snapshot_dir / "fred/BAA.csv").read_bytes()
    DataSession(snapshot="none").load_prefetched(_PrefetchedSpec(fred.spec("BAA"), raw, {}))
    (entry,) = (offline / "fred" / "BAA").iterdir()
    good = DataSession(snapshot="none").fred("BAA").frame
    table = entry / "tables" / "data.parquet"
    with open(table, "r+b") as f:
        f.truncate(100)
    pd.testing.assert_frame_equal(DataSession(snapshot="none").fred("BAA").frame, good)  # rebuilt from raw/BAA.csv
    with open(table, "r+b") as f:
        f.truncate(100)
    (entry / "raw" / "BAA.csv").write_bytes(raw[:-10])  # the download is damaged too: nothing to rebuild from
    with pytest.raises(IntegrityError) as info:
        DataSession(snapshot="none").fred("BAA")
    recorded = json.loads((entry / "checksums.json").read_text())["tables/data.parquet"]
    assert str(info.value) == (
        f"store entry fred/BAA ({entry.name}) is damaged: tables/data.parquet does not match its recorded sha256 "
        f"({hashlib_sha(table)[:12]}..., recorded {recorded[:12]}...), "
        f"and its raw download is missing or damaged too; remove {entry} and run `smallcaps data fetch --fred BAA`")
    assert table.stat().st_size == 100  # reported, not deleted


def hashlib_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_package_entry_without_checksums_is_rebuilt(offline, no_network):
    """Entries written before checksums existed (or damaged) are rebuilt from the package."""
    first = DataSession().membership("sp600")
    (entry,) = (offline / "pitindex" / "sp600").iterdir()
    (entry / "checksums.json").unlink()
    again = DataSession().membership("sp600")
    assert (entry / "checksums.json").is_file()
    assert again.provenance.sha256 == first.provenance.sha256


def test_empty_snapshot_folder_is_refused_or_names_the_file_it_lacks(offline, tmp_path, monkeypatch, no_network):
    """S02: ``SMALLCAPS_SNAPSHOT=<empty dir>`` in auto mode tried mba.tuck.dartmouth.edu."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("SMALLCAPS_OFFLINE")
    with pytest.raises(ParameterError, match=rf"^snapshot={empty} has no MANIFEST\.tsv"):
        DataSession(mode="auto", snapshot=empty)
    ds = DataSession(mode="auto", snapshot=empty, unverified_snapshot=True)
    with pytest.raises(NotAvailableOffline,
                       match=rf"^french/F-F_Research_Data_Factors: snapshot {empty} has no "
                             r"french/F-F_Research_Data_Factors\.csv, and the store has no live copy"):
        ds.french("F-F_Research_Data_Factors")
    assert no_network == []
