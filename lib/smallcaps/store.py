"""The local data store: parsed datasets with their provenance, written atomically.

Layout (one folder per stored version of a dataset)::

    <store>/<dataset id>/<entry key>/provenance.json
    <store>/<dataset id>/<entry key>/tables/<table>.parquet
    <store>/<dataset id>/<entry key>/raw/<file>            (live downloads only)

The entry key is ``<origin>-<sha256 of the raw bytes, 16 hex>-p<parser version>``, so the same
bytes parsed by the same parser are stored once, and a parser upgrade never serves stale frames.
An entry is written into a temporary folder and renamed into place in one step: a crash or a
failed download never leaves a partial entry, and readers never see one. Reading never needs
the network.
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

from .errors import DataError
from .provenance import Provenance

_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600


def entry_key(origin: str, sha256: str, parser_version: int) -> str:
    """Folder name of a store entry."""
    return f"{origin}-{sha256[:16]}-p{parser_version}"


@dataclass(frozen=True)
class StoredEntry:
    """One stored version of a dataset."""

    path: Path
    provenance: Provenance

    @property
    def tables(self) -> list[str]:
        """Names of the stored tables."""
        return sorted(p.stem for p in (self.path / "tables").glob("*.parquet"))

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read one table (optionally only some columns)."""
        path = self.path / "tables" / f"{table}.parquet"
        if not path.is_file():
            raise DataError(f"{self.provenance.dataset}: the store has no table {table!r} (has: {', '.join(self.tables)})")
        return pd.read_parquet(path, columns=columns)

    def read_all(self) -> dict[str, pd.DataFrame]:
        return {name: self.read(name) for name in self.tables}

    def columns(self, table: str) -> list[str]:
        """Column names of a table, read from the parquet schema only (cheap)."""
        schema = pq.read_schema(self.path / "tables" / f"{table}.parquet")
        meta = schema.pandas_metadata or {}
        # a default RangeIndex is recorded as a dict, not a column name
        index_cols = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
        return [n for n in schema.names if n not in index_cols and not n.startswith("__index_level_")]

    @property
    def extra(self) -> dict:
        path = self.path / "extra.json"
        return json.loads(path.read_text()) if path.is_file() else {}


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
        prov = path / "provenance.json"
        if not prov.is_file():
            return None
        return StoredEntry(path, Provenance.from_dict(json.loads(prov.read_text())))

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
            out.append(StoredEntry(prov.parent, Provenance.from_dict(json.loads(prov.read_text()))))
        return out

    def put(
        self,
        key: str,
        tables: dict[str, pd.DataFrame],
        provenance: Provenance,
        raw: dict[str, bytes] | None = None,
        extra: dict | None = None,
    ) -> StoredEntry:
        """Write an entry atomically and return it.

        Everything is written into a hidden temporary folder first and renamed into place in one
        step; if anything fails, the temporary folder is removed and the store is exactly as it
        was. If another process stored the same key meanwhile, its entry is kept.
        """
        if not tables:
            raise DataError(f"{provenance.dataset}: refusing to store a dataset with no tables")
        ddir = self._dataset_dir(provenance.dataset)
        created = [p for p in [ddir, *ddir.parents] if not p.exists()]  # to undo on failure
        ddir.mkdir(parents=True, exist_ok=True)
        self._clean_stale_tmp(ddir)
        final = ddir / key
        tmp = ddir / f"{_TMP_PREFIX}{key}-{uuid.uuid4().hex[:8]}"
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
            # provenance.json last: its presence marks a complete entry
            (tmp / "provenance.json").write_text(provenance.to_json())
            try:
                os.rename(tmp, final)
            except OSError:
                if not (final / "provenance.json").is_file():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)  # another process won the race
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            for p in created:  # deepest first: leave the store exactly as it was
                try:
                    p.rmdir()
                except OSError:
                    break
            raise
        entry = self.get(provenance.dataset, key)
        assert entry is not None
        return entry

    @staticmethod
    def _clean_stale_tmp(ddir: Path) -> None:
        now = time.time()
        for sub in ddir.glob(f"{_TMP_PREFIX}*"):
            try:
                if now - sub.stat().st_mtime > _STALE_TMP_SECONDS:
                    shutil.rmtree(sub, ignore_errors=True)
            except OSError:
                pass
