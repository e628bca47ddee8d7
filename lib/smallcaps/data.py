"""Loading data: the snapshot (cached in the store), then live copies in the store, then (only if
the user chose it) the network.

:class:`DataSession` is the one door every chapter uses. Each load returns the data together
with its :class:`~smallcaps.provenance.Provenance`, and the session remembers every dataset it
served so that a chapter can print its data vintage (:meth:`DataSession.used`).

Examples
--------
>>> ds = DataSession(mode="offline")                        # doctest: +SKIP
>>> ff = ds.french("F-F_Research_Data_Factors")             # doctest: +SKIP
>>> ff["monthly"]["SMB"].loc["1926-07"]                      # percent per month  # doctest: +SKIP
>>> px = ds.prices(["IWM", "SPY"])                           # adjusted closes, USD  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Settings
from .datasets import DatasetSpec  # the sources build it (below both); still importable from here
from .errors import DataError, IntegrityError, NotAvailableOffline, ParameterError
from .net import ensure_online
from .provenance import Provenance, sha256_bytes, sha256_file
from .snapshot import Snapshot
from .store import Store, StoredEntry, damaged_message, entry_key, fetch_hint

# ---------------------------------------------------------------------------------------------
# catalogue


def _index_bounds(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    idx = frame.index
    if len(idx) == 0:
        return None, None
    lo, hi = idx.min(), idx.max()
    if isinstance(lo, pd.Timestamp):
        return lo.date().isoformat(), hi.date().isoformat()
    return str(lo), str(hi)


def _main_table(spec: DatasetSpec, tables: dict[str, pd.DataFrame], prov: Provenance) -> str:
    """The spec's main table if present, else the first table in the file's own order (the
    store lists tables alphabetically; provenance keeps the parse order)."""
    if spec.main_table in tables:
        return spec.main_table
    recorded = prov.extra.get("main_table")
    if recorded in tables:
        return recorded
    return next(iter(tables))


def _manifest_crsp_vintage(note: str) -> str:
    m = re.search(r"CRSP\s+(\d{6})", note or "")
    return f"CRSP {m.group(1)}" if m else ""


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class Loaded:
    """A loaded dataset: named tables and where they came from.

    ``loaded["table"]`` returns one table; :attr:`frame` the main table.
    """

    tables: dict[str, pd.DataFrame]
    provenance: Provenance
    main: str

    def __getitem__(self, name: str) -> pd.DataFrame:
        try:
            return self.tables[name]
        except KeyError:
            raise DataError(
                f"{self.provenance.dataset} has no table {name!r}; it has: {', '.join(self.tables)}"
            ) from None

    @property
    def frame(self) -> pd.DataFrame:
        """The main table."""
        return self.tables[self.main]

    def __repr__(self) -> str:
        return f"<Loaded {self.provenance.describe()}; tables: {', '.join(self.tables)}>"


@dataclass
class Prices:
    """Adjusted closes for several tickers.

    Attributes
    ----------
    close
        Wide frame, DatetimeIndex named ``date`` (trading days), one column per ticker, in USD
        adjusted for splits and distributions (Yahoo's adjusted close); NaN before a ticker's
        first and after its last quote. Yield indices (``^TNX``) are in percent.
    provenance
        One record per file the prices came from.
    """

    close: pd.DataFrame
    provenance: list[Provenance] = field(default_factory=list)

    def coverage(self) -> pd.DataFrame:
        """First and last quote per ticker."""
        c = self.close
        return pd.DataFrame(
            {"first": c.apply(pd.Series.first_valid_index), "last": c.apply(pd.Series.last_valid_index),
             "days": c.notna().sum()}
        )


# ---------------------------------------------------------------------------------------------
# the session


class DataSession:
    """Loads datasets through the store, the snapshot and (if the user chose it) the network.

    With a snapshot selected, its files are the data (parsed once, then cached in the store);
    a file it lacks comes only from a live copy already in the store, never from the network
    unless the mode is ``refresh``. With no snapshot, ``auto`` mode downloads what the store
    lacks. Every store entry is checked against the sha256 of its tables before it is served;
    a damaged one is rebuilt from its source (the snapshot file, the package, or the entry's own
    raw download) or reported with the fix.

    Parameters
    ----------
    mode
        ``offline``, ``auto`` or ``refresh`` (see :mod:`smallcaps.config`). None: environment
        or default.
    snapshot
        Snapshot folder; None: ``SMALLCAPS_SNAPSHOT`` or the reference snapshot; ``"none"``: no
        snapshot.
    store
        Store folder; None: ``SMALLCAPS_STORE`` or the default.
    deadline
        Overall limit in seconds for one live download.
    unverified_snapshot
        Accept a snapshot without ``MANIFEST.tsv`` (its files unverified, and labelled so).
        None: ``SMALLCAPS_UNVERIFIED_SNAPSHOT``.

    Raises
    ------
    ParameterError
        Unknown mode, a snapshot path that is not a folder, or a snapshot without a manifest
        when ``unverified_snapshot`` is off.
    """

    def __init__(self, mode: str | None = None, snapshot=None, store=None, deadline: float = 60.0,
                 unverified_snapshot: bool | None = None):
        self.settings = Settings.resolve(mode=mode, snapshot=snapshot, store=store,
                                         unverified_snapshot=unverified_snapshot)
        self.settings.check_snapshot()
        self.store = Store(self.settings.store)
        self.snapshot = Snapshot(self.settings.snapshot) if self.settings.snapshot else None
        self.deadline = deadline
        self._used: dict[str, Provenance] = {}

    def __repr__(self) -> str:
        snap = self.snapshot.root.name if self.snapshot else None
        return f"DataSession(mode={self.settings.mode!r}, snapshot={snap!r})"

    @property
    def mode(self) -> str:
        return self.settings.mode

    @property
    def verified(self) -> bool | None:
        """Whether the snapshot's files are checked against a manifest (None: no snapshot)."""
        return None if self.snapshot is None else self.snapshot.verified

    # -- bookkeeping --------------------------------------------------------------------------

    def used(self) -> list[Provenance]:
        """Provenance of every dataset this session has served, in load order."""
        return list(self._used.values())

    def _remember(self, prov: Provenance) -> Provenance:
        self._used[prov.dataset] = prov
        return prov

    # -- the generic path ---------------------------------------------------------------------

    def load(self, spec: DatasetSpec) -> Loaded:
        """Load a dataset described by ``spec``: the snapshot (through the store's cached parse),
        else a live copy in the store, else a download if the network is allowed
        (:attr:`~smallcaps.config.Settings.may_fetch`).

        Raises
        ------
        NotAvailableOffline
            Nowhere to get it without the network, and the network is not allowed (offline
            mode, or a snapshot is selected): names the snapshot and the file it lacks.
        IntegrityError
            A snapshot file does not match its manifest, or a store entry is damaged and cannot
            be rebuilt (its raw download is damaged too).
        FetchError, ParseError
            A live download or a parse failed (the store is left as it was).
        """
        entry = self._entry(spec)
        tables = entry.read_all()
        return Loaded(tables, self._remember(entry.provenance), _main_table(spec, tables, entry.provenance))

    def _entry(self, spec: DatasetSpec) -> StoredEntry:
        mode = self.settings.mode
        if spec.package is not None:
            return self._from_package(spec)
        if mode != "refresh" and self.snapshot is not None and spec.snapshot_path and self.snapshot.exists(spec.snapshot_path):
            return self._from_snapshot(spec)
        if mode != "refresh":
            entry = self.store.latest(spec.dataset, origin="live")
            if entry is not None:
                return self._intact_live(entry, spec)
        if not self.settings.may_fetch or spec.fetch is None:
            raise NotAvailableOffline(self._not_available(spec))
        return self._fetch(spec)

    def _not_available(self, spec: DatasetSpec) -> str:
        """One line: what is missing where, and how to get it (never by a silent download)."""
        hint = fetch_hint(spec.dataset)
        if self.snapshot is not None:
            lacks = f"has no {spec.snapshot_path}" if spec.snapshot_path else "cannot hold it"
            how = "select a snapshot that has it"
            if spec.fetch is not None and hint:
                how += (f", or use live data explicitly: `{hint}` (then read from the store and labelled live) "
                        "or --mode refresh")
            return f"{spec.dataset}: snapshot {self.snapshot.root} {lacks}, and the store has no live copy; {how}"
        if self.settings.mode == "offline":
            how = "" if spec.fetch is None else f"; fetch it online with `{hint}` or select a snapshot that has it"
            return f"{spec.dataset}: not in the store (no snapshot selected), and offline mode forbids the network{how}"
        return f"{spec.dataset}: not in the store (no snapshot selected), and it cannot be downloaded; select a snapshot that has it"

    @staticmethod
    def _usable(entry: StoredEntry | None, *, origin: str, sha256: str | None, snapshot_id: str = "",
                verified: bool | None = None, location: str | None = None) -> bool:
        """The entry exists, its provenance is the one this load would write, and it is intact."""
        if entry is None:
            return False
        p = entry.provenance
        if p.origin != origin or (sha256 is not None and p.sha256 != sha256):
            return False
        if origin == "snapshot" and (p.snapshot_id != snapshot_id or p.verified is not verified or p.location != location):
            return False
        return entry.damage() is None

    def _from_snapshot(self, spec: DatasetSpec) -> StoredEntry:
        snap = self.snapshot
        assert snap is not None and spec.snapshot_path is not None
        rel = spec.snapshot_path
        sid, verified = snap.snapshot_id, snap.verified
        stat = list(snap.stat_key(rel))
        expected = snap.expected_sha256(rel)
        if expected:
            entry = self.store.get(spec.dataset, entry_key("snapshot", expected, spec.parser_version, sid))
            # served without reading the file only while it is the very file stored (see stat_key)
            if entry is not None and entry.extra.get("snapshot_stat") == stat and self._usable(
                    entry, origin="snapshot", sha256=expected, snapshot_id=sid, verified=verified, location=rel):
                return entry
        raw, digest = snap.read(rel)  # raises IntegrityError on a manifest mismatch
        key = entry_key("snapshot", digest, spec.parser_version, sid)
        entry = self.store.get(spec.dataset, key)
        if entry is not None and self._usable(entry, origin="snapshot", sha256=digest, snapshot_id=sid,
                                              verified=verified, location=rel):
            if verified and entry.extra.get("snapshot_stat") != stat:
                entry.update_extra(snapshot_stat=stat)  # the same bytes (e.g. a copy): next time, no re-read
            return entry
        tables = spec.parse(raw)
        note = snap.manifest[rel].note if rel in snap.manifest else ""
        prov = self._provenance(spec, tables, raw, digest, origin="snapshot", location=rel, note=note,
                                snapshot_id=sid, verified=verified)
        return self.store.put(key, tables, prov, extra={"snapshot_stat": stat}, replace=entry is not None)

    def _from_package(self, spec: DatasetSpec) -> StoredEntry:
        assert spec.package is not None
        raw, extra = spec.package()
        digest = sha256_bytes(raw)
        key = entry_key("package", digest, spec.parser_version)
        entry = self.store.get(spec.dataset, key)
        if entry is not None and self._usable(entry, origin="package", sha256=digest):
            return entry
        tables = spec.parse(raw)
        prov = self._provenance(spec, tables, raw, digest, origin="package", location=spec.location, note="", extra=extra)
        return self.store.put(key, tables, prov, replace=entry is not None)

    def _intact_live(self, entry: StoredEntry, spec: DatasetSpec) -> StoredEntry:
        """A live entry as it was downloaded: checked, and rebuilt from its own raw download if
        its tables are damaged.

        Raises
        ------
        IntegrityError
            The tables are damaged and the raw download is missing or damaged too: names the
            entry and the fix (remove it and fetch again).
        """
        problem = entry.damage()
        if problem is None:
            return entry
        raw_path = entry.path / "raw" / Path(spec.raw_name).name
        try:
            raw_ok = raw_path.is_file() and sha256_file(raw_path) == entry.provenance.sha256
        except OSError:
            raw_ok = False
        if not raw_ok:
            raise IntegrityError(damaged_message(entry, f"{problem}, and its raw download is missing or damaged too"))
        raw = raw_path.read_bytes()
        tables = spec.parse(raw)
        return self.store.put(entry.path.name, tables, entry.provenance, raw={spec.raw_name: raw},
                              extra=entry.extra or None, replace=True)

    def _fetch(self, spec: DatasetSpec) -> StoredEntry:
        ensure_online(self.settings.mode, spec.dataset)
        assert spec.fetch is not None
        raw, extra = spec.fetch(self.deadline)
        digest = sha256_bytes(raw)
        tables = spec.parse(raw)  # a parse failure raises before anything is written
        prov = self._provenance(spec, tables, raw, digest, origin="live", location=spec.location, note="", extra=extra)
        key = entry_key("live", digest, spec.parser_version)
        existing = self.store.get(spec.dataset, key)
        if existing is not None and self._usable(existing, origin="live", sha256=digest):
            return existing
        return self.store.put(key, tables, prov, raw={spec.raw_name: raw}, replace=existing is not None)

    def _provenance(self, spec, tables, raw, digest, *, origin, location, note, snapshot_id="", verified=None,
                    extra=None) -> Provenance:
        main = spec.main_table if spec.main_table in tables else next(iter(tables))
        first, last = spec.bounds(tables) if spec.bounds else _index_bounds(tables[main])
        vintage = spec.vintage(raw, tables, note) if spec.vintage else ""
        info = {"main_table": main,  # provenance JSON sorts keys: record the file's main table explicitly
                "tables": {name: {"rows": len(t), "first": _index_bounds(t)[0], "last": _index_bounds(t)[1]}
                           for name, t in tables.items()}}
        info.update(extra or {})
        return Provenance(
            dataset=spec.dataset, source=spec.source, origin=origin, location=location, sha256=digest,
            retrieved_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            rows=len(tables[main]), first=first, last=last, vintage=vintage, snapshot_id=snapshot_id, extra=info,
            verified=verified,
        )

    # -- publishers ---------------------------------------------------------------------------

    def french(self, name: str) -> Loaded:
        """A Kenneth French data-library file, every table parsed.

        Parameters
        ----------
        name
            Dataset name as in the library, e.g. ``F-F_Research_Data_Factors`` or
            ``25_Portfolios_5x5`` (the live file is ``<name>_CSV.zip``).

        Returns
        -------
        Loaded
            Tables named as in :func:`smallcaps.sources.french.parse` (``monthly``, ``annual``,
            ``vw_monthly``, ``firms``...). Returns are in **percent** per period; monthly tables
            have a monthly PeriodIndex, annual ones a yearly PeriodIndex.
        """
        from .sources import french

        return self.load(french.spec(name))

    def fred(self, series_id: str) -> Loaded:
        """A FRED series: one column named by the upper-case series id, DatetimeIndex ``date``,
        in the series' own units (percent for yields and spreads); missing values are NaN."""
        from .sources import fred

        return self.load(fred.spec(series_id))

    def vix(self) -> Loaded:
        """CBOE VIX daily history: columns ``open, high, low, close`` (index points)."""
        from .sources import cboe

        return self.load(cboe.spec())

    def shiller(self) -> Loaded:
        """Shiller's monthly S&P composite data (ie_data.xls, sheet ``Data``)."""
        from .sources import shiller

        return self.load(shiller.spec())

    def membership(self, index: str):
        """Point-in-time membership of ``sp500``, ``sp400`` or ``sp600`` (pitindex).

        Returns
        -------
        smallcaps.sources.membership.Membership
        """
        from .sources import membership

        spec = membership.spec(index)
        loaded = self.load(spec)
        return membership.Membership(index=spec.dataset.split("/")[1], tables=loaded.tables,
                                     provenance=loaded.provenance)

    def load_dataset(self, dataset: str):
        """Load any dataset by its catalogue id (``french/<name>``, ``fred/<id>``, ``cboe/VIX``,
        ``shiller/ie_data``, ``yahoo/<ticker>``, ``yahoo/stocks_close``, ``pitindex/<index>``),
        as listed in provenance and in the chapters' results files.

        Raises
        ------
        ParameterError
            An id of no known source.
        """
        source, _, name = dataset.partition("/")
        if source == "french":
            return self.french(name)
        if source == "fred":
            return self.fred(name)
        if dataset == "cboe/VIX":
            return self.vix()
        if dataset == "shiller/ie_data":
            return self.shiller()
        if dataset == "yahoo/stocks_close":
            entry = self._panel_entry()
            if entry is None:
                raise NotAvailableOffline("yahoo/stocks_close: no stock panel in the snapshot or store")
            self._remember(entry.provenance)
            return Loaded({"close": entry.read("close")}, entry.provenance, "close")
        if source == "yahoo" and name:
            return self.prices([name])
        if source == "pitindex":
            return self.membership(name)
        raise ParameterError(f"dataset={dataset!r} is not a known id; valid prefixes: french/, fred/, cboe/VIX, "
                             "shiller/ie_data, yahoo/, pitindex/")

    # -- user files ----------------------------------------------------------------------------

    def user_file(self, path, kind: str = "moves") -> Loaded:
        """A file the user supplies (e.g. the graduation chapter's ``moves_csv``), parsed and
        checked by its source module and recorded in provenance like any dataset.

        The provenance has ``origin`` ``user``, ``location`` the file's name only (never a
        machine path), the sha256 of its bytes, its rows and first/last date. The file is read
        as it is, not kept in the store.

        Parameters
        ----------
        path
            The file.
        kind
            ``moves``: a list of index moves (:mod:`smallcaps.sources.moves_csv`); ``ousm_holdings``:
            OUSM's holdings (:mod:`smallcaps.sources.ousm_holdings`); ``forward_pe``: a small- against
            large-cap forward P/E history (:mod:`smallcaps.sources.forward_pe_csv`); ``members_earnings``:
            index members with their net income (:mod:`smallcaps.sources.members_earnings_csv`);
            ``spiva``: the share of active funds that underperformed their benchmark, by horizon
            (:mod:`smallcaps.sources.spiva_csv`).

        Raises
        ------
        ParameterError
            An unknown kind, a path that is not a file, or a malformed file (one line naming
            the parameter and, for a bad row, the row).
        """
        from .sources import forward_pe_csv, members_earnings_csv, moves_csv, ousm_holdings, spiva_csv

        kinds = {"moves": moves_csv, "ousm_holdings": ousm_holdings, "forward_pe": forward_pe_csv,
                 "members_earnings": members_earnings_csv, "spiva": spiva_csv}
        if kind not in kinds:
            raise ParameterError(f"kind={kind!r} is not a user file kind; valid: {', '.join(kinds)}")
        src = kinds[kind]
        p = Path(str(path))
        if not p.is_file():
            raise ParameterError(f"{src.PARAMETER}={p.name!r} is not a file; {src.HINT}")
        raw = p.read_bytes()
        tables = src.parse(raw)
        frame = tables[src.MAIN_TABLE]
        digest = sha256_bytes(raw)
        dates = frame["date"] if "date" in frame else pd.Series(dtype="datetime64[ns]")
        prov = Provenance(
            dataset=f"user/{src.PARAMETER}", source="user", origin="user", location=p.name, sha256=digest,
            retrieved_at=dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(), rows=len(frame),
            first=dates.min().date().isoformat() if len(dates) else None,
            last=dates.max().date().isoformat() if len(dates) else None,
            vintage=f"{p.name}, sha256 {digest[:12]}", extra={"kind": kind, "main_table": src.MAIN_TABLE},
        )
        return Loaded(tables, self._remember(prov), src.MAIN_TABLE)

    # -- Yahoo prices --------------------------------------------------------------------------

    def etf_tickers(self) -> list[str]:
        """Tickers the snapshot holds as single files (ETFs and yield indices)."""
        if self.snapshot is None:
            return []
        return sorted(Path(p).stem for p in self.snapshot.files() if p.startswith("yahoo/etf/") and p.endswith(".csv"))

    def stock_tickers(self) -> list[str]:
        """Tickers in the snapshot's stock panel (S&P 400/500/600 members still listed)."""
        entry = self._panel_entry()
        return [] if entry is None else entry.columns("close")

    def _panel_entry(self) -> StoredEntry | None:
        from .sources import yahoo

        spec = yahoo.panel_spec()
        if self.snapshot is None or spec.snapshot_path is None or not self.snapshot.exists(spec.snapshot_path):
            entry = self.store.latest(spec.dataset, origin="live")
            return None if entry is None else self._intact_live(entry, spec)
        return self._entry(spec)

    def prices(self, tickers: str | Sequence[str], start=None, end=None) -> Prices:
        """Adjusted closes for ETFs, stocks and Yahoo yield indices.

        Each ticker comes from the snapshot's ``yahoo/etf/<T>.csv``, else its stock panel, else
        the store's live copy, else a live Yahoo download (mode ``refresh``, or ``auto`` with no
        snapshot selected).

        Parameters
        ----------
        tickers
            One ticker or several.
        start, end
            Optional date bounds (inclusive).

        Raises
        ------
        ParameterError
            A ticker is unknown: not in the snapshot or store, and the network is not allowed
            (``offline``, or a snapshot is selected).
        FetchError
            A live download came back empty or short (names the tickers).
        """
        from .sources import yahoo

        if isinstance(tickers, str):
            tickers = [tickers]
        tickers = [t.strip().upper() for t in tickers]
        if not tickers:
            raise ParameterError("tickers is empty; give at least one ticker")
        series: dict[str, pd.Series] = {}
        provs: dict[str, Provenance] = {}
        etfs = set(self.etf_tickers())
        need_panel, missing = [], []
        for t in tickers:
            spec = yahoo.ticker_spec(t)
            if self.settings.mode != "refresh" and t in etfs:
                loaded = self.load(spec)
                series[t] = loaded.frame["close"]
                provs[loaded.provenance.dataset] = loaded.provenance
            else:
                need_panel.append(t)
        if need_panel and self.settings.mode != "refresh":
            panel = self._panel_entry()
            cols = set(panel.columns("close")) if panel is not None else set()
            in_panel = [t for t in need_panel if t in cols]
            if in_panel:
                assert panel is not None  # in_panel is empty without a panel
                frame = panel.read("close", columns=in_panel)
                for t in in_panel:
                    series[t] = frame[t]
                provs[panel.provenance.dataset] = self._remember(panel.provenance)
            need_panel = [t for t in need_panel if t not in cols]
        for t in need_panel:
            entry = self.store.latest(yahoo.ticker_spec(t).dataset, origin="live") if self.settings.mode != "refresh" else None
            if entry is not None:
                entry = self._intact_live(entry, yahoo.ticker_spec(t))
                series[t] = entry.read("data")["close"]
                provs[entry.provenance.dataset] = self._remember(entry.provenance)
            else:
                missing.append(t)
        if missing:
            if not self.settings.may_fetch:
                n_etf, n_stock = len(etfs), len(self.stock_tickers())
                live = "" if self.settings.mode == "offline" else (
                    f"; for live prices, `smallcaps data fetch --tickers {' '.join(missing)}` or --mode refresh")
                raise ParameterError(
                    f"tickers={','.join(missing)} unknown: not among the snapshot's {n_etf} ETFs and {n_stock:,} stocks "
                    f"or in the store; valid tickers are listed by `smallcaps data status --tickers`{live}"
                )
            for t, loaded in self._fetch_yahoo(missing).items():
                series[t] = loaded.frame["close"]
                provs[loaded.provenance.dataset] = loaded.provenance
        close = pd.DataFrame({t: series[t] for t in tickers})
        close.index = pd.DatetimeIndex(close.index, name="date")
        close = close.sort_index().astype("float64")
        if start is not None:
            close = close.loc[pd.Timestamp(start):]
        if end is not None:
            close = close.loc[: pd.Timestamp(end)]
        return Prices(close=close, provenance=list(provs.values()))

    def _fetch_yahoo(self, tickers: list[str]) -> dict[str, Loaded]:
        """Download tickers in one batch and store each atomically (all or nothing per ticker)."""
        from .sources import yahoo

        ensure_online(self.settings.mode, f"yahoo/{','.join(tickers)}")
        raws, extra = yahoo.fetch(tickers, deadline=self.deadline)
        for t in tickers:  # parse everything first: one bad file stores nothing
            yahoo.ticker_spec(t).parse(raws[t])
        return {t: self.load_prefetched(_PrefetchedSpec(yahoo.ticker_spec(t), raws[t], extra)) for t in tickers}

    def load_prefetched(self, pre: _PrefetchedSpec) -> Loaded:
        """Store bytes that were fetched in a batch, then load them like any live dataset."""
        spec = pre.spec
        digest = sha256_bytes(pre.raw)
        tables = spec.parse(pre.raw)
        prov = self._provenance(spec, tables, pre.raw, digest, origin="live", location=spec.location, note="",
                                extra=pre.extra)
        key = entry_key("live", digest, spec.parser_version)
        entry = self.store.get(spec.dataset, key)
        if entry is None or not self._usable(entry, origin="live", sha256=digest):
            entry = self.store.put(key, tables, prov, raw={spec.raw_name: pre.raw}, replace=entry is not None)
        stored = entry.read_all()
        return Loaded(stored, self._remember(entry.provenance), _main_table(spec, stored, entry.provenance))


@dataclass(frozen=True)
class _PrefetchedSpec:
    spec: DatasetSpec
    raw: bytes
    extra: dict


def session(mode: str | None = None, snapshot=None, store=None, unverified_snapshot: bool | None = None) -> DataSession:
    """Shorthand for :class:`DataSession`."""
    return DataSession(mode=mode, snapshot=snapshot, store=store, unverified_snapshot=unverified_snapshot)
