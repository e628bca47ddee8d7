"""The local data store: parsed datasets with their provenance, written atomically.

Layout (one folder per stored version of a dataset)::

    <store>/<dataset id>/<entry key>/provenance.json
    <store>/<dataset id>/<entry key>/checksums.json        sha256 of every table file, at write time
    <store>/<dataset id>/<entry key>/tables/<table>.parquet
    <store>/<dataset id>/<entry key>/raw/<file>            (live downloads only)

The entry key is ``<origin>-<sha256 of the raw bytes, 16 hex>-p<parser version>``, so the same
bytes parsed by the same parser are stored once, and a parser upgrade never serves stale frames.
Snapshot entries also carry the snapshot's id in the key (``snapshot-<id>-<sha>-p<v>``, the id
being ``unversioned`` for a snapshot without a manifest), so a file read from an unverified
snapshot is never served under a verified snapshot's provenance, or the reverse.
An entry is written into a temporary folder and renamed into place in one step: a crash or a
failed download never leaves a partial entry, and readers never see one. Reading never needs
the network.

Every table file is checked against ``checksums.json`` before it is read (once per process and
file state, see :func:`file_sha256`): a damaged entry raises
:class:`~smallcaps.errors.IntegrityError` naming it and never serves data silently.
:class:`~smallcaps.data.DataSession` rebuilds a damaged entry from its source where it can.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from .errors import DataError, IntegrityError
from .provenance import Provenance, sha256_file

_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600
CHECKSUMS = "checksums.json"


def entry_key(origin: str, sha256: str, parser_version: int, snapshot_id: str | None = None) -> str:
    """Folder name of a store entry (``snapshot_id``: for snapshot entries, the snapshot's id)."""
    tag = f"{origin}-{snapshot_id}" if snapshot_id else origin
    return f"{tag}-{sha256[:16]}-p{parser_version}"


# sha256 of files already hashed in this process, keyed by path and file state: a file is hashed
# again only when it changes (any write changes its ctime, which no user can set back)
_HASHED: dict[tuple, str] = {}


def file_state(path: Path) -> tuple[int, int, int, int]:
    """(size, mtime_ns, ctime_ns, inode): changes whenever the file is written or replaced."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def file_sha256(path: Path) -> str:
    """sha256 of a file, remembered for the process until the file changes."""
    key = (str(path), *file_state(path))
    digest = _HASHED.get(key)
    if digest is None:
        digest = sha256_file(path)
        _HASHED[key] = digest
    return digest


@dataclass(frozen=True)
class StoredEntry:
    """One stored version of a dataset."""

    path: Path
    provenance: Provenance

    @property
    def tables(self) -> list[str]:
        """Names of the stored tables."""
        return sorted(p.stem for p in (self.path / "tables").glob("*.parquet"))

    @property
    def checksums(self) -> dict[str, str] | None:
        """sha256 of each table file recorded when the entry was written (relative path ->
        hex), or None for an entry that records none (written by an older smallcaps)."""
        path = self.path / CHECKSUMS
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def damage(self, table: str | None = None) -> str | None:
        """What is wrong with the entry (or with one of its tables), or None if it is intact.

        Every table file must exist and have the sha256 recorded in ``checksums.json``; a table
        file the record does not list is damage too. Hashes are remembered per process and file
        state, so checking an unchanged entry again costs a ``stat`` per file.
        """
        sums = self.checksums
        if sums is None:
            return f"it has no readable {CHECKSUMS} (written by an older smallcaps, or damaged)"
        listed = {rel for rel in sums if rel.startswith("tables/")}
        if not listed:
            return f"its {CHECKSUMS} lists no tables"
        wanted = sorted(listed) if table is None else [f"tables/{table}.parquet"]
        if table is None:
            extra = sorted(f"tables/{p.name}" for p in (self.path / "tables").glob("*.parquet")
                           if f"tables/{p.name}" not in listed)
            if extra:
                return f"{extra[0]} is not in its {CHECKSUMS}"
        for rel in wanted:
            if rel not in sums:
                continue  # an absent table: read() names the tables it has
            path = self.path / rel
            if not path.is_file():
                return f"{rel} is missing"
            try:
                digest = file_sha256(path)
            except OSError as exc:
                return f"{rel} cannot be read ({type(exc).__name__})"
            if digest != sums[rel]:
                return f"{rel} does not match its recorded sha256 ({digest[:12]}..., recorded {sums[rel][:12]}...)"
        return None

    def check(self, table: str | None = None) -> None:
        """Raise :class:`IntegrityError` naming the entry and the fix if it is damaged."""
        problem = self.damage(table)
        if problem is not None:
            raise IntegrityError(damaged_message(self, problem))

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read one table (optionally only some columns), after checking its sha256.

        Raises
        ------
        IntegrityError
            The table file does not match the sha256 recorded when the entry was written.
        """
        path = self.path / "tables" / f"{table}.parquet"
        if not path.is_file():
            raise DataError(f"{self.provenance.dataset}: the store has no table {table!r} (has: {', '.join(self.tables)})")
        self.check(table)
        return pd.read_parquet(path, columns=columns)

    def read_all(self) -> dict[str, pd.DataFrame]:
        return {name: self.read(name) for name in self.tables}

    def columns(self, table: str) -> list[str]:
        """Column names of a table, read from the parquet schema only (after its sha256 check)."""
        self.check(table)
        schema = pq.read_schema(self.path / "tables" / f"{table}.parquet")
        meta = schema.pandas_metadata or {}
        # a default RangeIndex is recorded as a dict, not a column name
        index_cols = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
        return [n for n in schema.names if n not in index_cols and not n.startswith("__index_level_")]

    @property
    def extra(self) -> dict:
        path = self.path / "extra.json"
        try:
            return json.loads(path.read_text()) if path.is_file() else {}
        except ValueError:
            return {}

    def update_extra(self, **values) -> None:
        """Update ``extra.json`` (cache hints such as ``snapshot_stat``) in one atomic step."""
        data = {**self.extra, **values}
        tmp = self.path / f"{_TMP_PREFIX}extra-{uuid.uuid4().hex[:8]}.json"
        try:
            tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str))
            os.replace(tmp, self.path / "extra.json")
        except OSError:
            tmp.unlink(missing_ok=True)  # only a hint: the next load checks the file again


def fetch_hint(dataset: str) -> str:
    """The ``smallcaps data fetch`` command that downloads ``dataset`` again, or ''."""
    source, _, name = dataset.partition("/")
    if source == "french":
        return f"smallcaps data fetch --french {name}"
    if source == "fred":
        return f"smallcaps data fetch --fred {name}"
    if dataset == "cboe/VIX":
        return "smallcaps data fetch --vix"
    if dataset == "shiller/ie_data":
        return "smallcaps data fetch --shiller"
    if source == "yahoo" and name and name != "stocks_close":
        return f"smallcaps data fetch --tickers {name}"
    return ""


def damaged_message(entry: StoredEntry, problem: str) -> str:
    """One line: which store entry is damaged, why, and how to fix it."""
    hint = fetch_hint(entry.provenance.dataset)
    fix = f"remove {entry.path}" + (f" and run `{hint}`" if hint and entry.provenance.origin == "live" else
                                     " and run again (it is rebuilt from its source)")
    return f"store entry {entry.provenance.dataset} ({entry.path.name}) is damaged: {problem}; {fix}"


def _read_provenance(path: Path) -> Provenance | None:
    """An entry's provenance, or None if the file is absent or unreadable (an incomplete entry)."""
    try:
        return Provenance.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


class Store:
    """A directory of stored datasets.

    Parameters
    ----------
    root
        Store folder; created on first write.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    def _dataset_dir(self, dataset: str) -> Path:
        if ".." in dataset.split("/") or dataset.startswith("/"):
            raise DataError(f"invalid dataset id {dataset!r}")
        return self.root / dataset

    def get(self, dataset: str, key: str) -> StoredEntry | None:
        """The entry ``key`` of ``dataset``, or None if it is not stored."""
        path = self._dataset_dir(dataset) / key
        prov = _read_provenance(path / "provenance.json")
        return None if prov is None else StoredEntry(path, prov)

    def versions(self, dataset: str) -> list[StoredEntry]:
        """All stored versions of a dataset, oldest retrieval first."""
        d = self._dataset_dir(dataset)
        if not d.is_dir():
            return []
        out = []
        for sub in d.iterdir():
            if sub.name.startswith(_TMP_PREFIX) or not sub.is_dir():
                continue
            entry = self.get(dataset, sub.name)
            if entry is not None:
                out.append(entry)
        return sorted(out, key=lambda e: (e.provenance.retrieved_at, e.path.name))

    def latest(self, dataset: str, origin: str | None = None) -> StoredEntry | None:
        """The most recently retrieved version (optionally of one origin), or None."""
        found = [e for e in self.versions(dataset) if origin is None or e.provenance.origin == origin]
        return found[-1] if found else None

    def entries(self) -> list[StoredEntry]:
        """Every stored entry, for ``smallcaps data status``."""
        if not self.root.is_dir():
            return []
        out = []
        for prov in sorted(self.root.rglob("provenance.json")):
            if any(part.startswith(_TMP_PREFIX) for part in prov.parts):
                continue
            p = _read_provenance(prov)
            if p is not None:
                out.append(StoredEntry(prov.parent, p))
        return out

    def put(
        self,
        key: str,
        tables: dict[str, pd.DataFrame],
        provenance: Provenance,
        raw: dict[str, bytes] | None = None,
        extra: dict | None = None,
        replace: bool = False,
    ) -> StoredEntry:
        """Write an entry atomically and return it.

        Everything is written into a hidden temporary folder first and renamed into place in one
        step; if anything fails, the temporary folder is removed and the store is exactly as it
        was. If an intact entry of the same key exists (another process stored it meanwhile), it
        is kept, unless ``replace`` is true (the caller found it unusable). A damaged one (see
        :meth:`StoredEntry.damage`) is always replaced: it is moved aside into a hidden folder,
        the new entry renamed into place, and the old one removed; a reader in between sees no
        entry, never a mixed one.
        """
        if not tables:
            raise DataError(f"{provenance.dataset}: refusing to store a dataset with no tables")
        ddir = self._dataset_dir(provenance.dataset)
        created = [p for p in [ddir, *ddir.parents] if not p.exists()]  # to undo on failure
        ddir.mkdir(parents=True, exist_ok=True)
        self._clean_stale_tmp(ddir)
        final = ddir / key
        tmp = ddir / f"{_TMP_PREFIX}{key}-{uuid.uuid4().hex[:8]}"
        aside = None
        try:
            (tmp / "tables").mkdir(parents=True)
            for name, frame in tables.items():
                if "/" in name or name.startswith("."):
                    raise DataError(f"invalid table name {name!r}")
                frame.to_parquet(tmp / "tables" / f"{name}.parquet")
            if raw:
                (tmp / "raw").mkdir()
                for fname, data in raw.items():
                    (tmp / "raw" / Path(fname).name).write_bytes(data)
            if extra:
                (tmp / "extra.json").write_text(json.dumps(extra, indent=2, sort_keys=True, default=str))
            sums = {f"tables/{p.name}": sha256_file(p) for p in sorted((tmp / "tables").glob("*.parquet"))}
            (tmp / CHECKSUMS).write_text(json.dumps(sums, indent=2, sort_keys=True))
            # provenance.json last: its presence marks a complete entry
            (tmp / "provenance.json").write_text(provenance.to_json())
            if final.is_dir() and (replace or self._broken(provenance.dataset, key)):
                aside = ddir / f"{_TMP_PREFIX}damaged-{key}-{uuid.uuid4().hex[:8]}"
                try:
                    os.rename(final, aside)
                except FileNotFoundError:
                    aside = None  # another process moved it meanwhile
            try:
                os.rename(tmp, final)
            except OSError:
                if not (final / "provenance.json").is_file():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
            if aside is not None:
                shutil.rmtree(aside, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            if aside is not None and aside.exists() and not final.exists():
                os.rename(aside, final)  # the damaged entry goes back: the store is as it was
            for p in created:  # deepest first: leave the store exactly as it was
                try:
                    p.rmdir()
                except OSError:
                    break
            raise
        entry = self.get(provenance.dataset, key)
        assert entry is not None
        return entry

    def _broken(self, dataset: str, key: str) -> bool:
        """An entry folder that is incomplete (no provenance.json) or damaged."""
        entry = self.get(dataset, key)
        return entry is None or entry.damage() is not None

    @staticmethod
    def _clean_stale_tmp(ddir: Path) -> None:
        now = time.time()
        for sub in ddir.glob(f"{_TMP_PREFIX}*"):
            try:
                if now - sub.stat().st_mtime > _STALE_TMP_SECONDS:
                    shutil.rmtree(sub, ignore_errors=True)
            except OSError:
                pass
