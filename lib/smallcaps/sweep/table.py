"""The sweep table: one Parquet file of rows (claim x specification x window), written safely.

Layout of an output folder::

    OUT/sweep.parquet          the table (every finished row), sorted
    OUT/parts/part-*.parquet   rows of a run in progress (or interrupted), merged at the end

A run appends finished rows to new part files as it goes (each written to a temporary name
and renamed, so a part is whole or absent); at the end the parts and the earlier table are
merged into a new ``sweep.parquet`` (again via a temporary file and a rename), and the parts
are removed. An interrupted run therefore loses at most the rows not yet flushed, and the next
run resumes from everything on disk. Nothing else in ``OUT`` is touched.

The table's metadata (key ``smallcaps.sweep``) records the row format, the snapshot, the
code fingerprint and the smallcaps version; a run refuses to add rows to a table made by
other code or on other data.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError, ParameterError
from .tasks import COLUMN_NAMES, COLUMNS, KEY

TABLE = "sweep.parquet"
PARTS = "parts"
META_KEY = b"smallcaps.sweep"


def schema():
    import pyarrow as pa

    types = {"string": pa.string(), "int32": pa.int32(), "int64": pa.int64(), "bool": pa.bool_(),
             "float64": pa.float64()}
    return pa.schema([(name, types[t]) for name, t in COLUMNS])


def _write(rows: list[dict[str, Any]] | pd.DataFrame, path: Path, meta: Mapping[str, Any]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=list(COLUMN_NAMES))
    table = pa.Table.from_pandas(frame[list(COLUMN_NAMES)], schema=schema(), preserve_index=False)
    table = table.replace_schema_metadata({META_KEY: json.dumps(dict(meta), sort_keys=True).encode()})
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_meta(path: Path) -> dict[str, Any]:
    """The ``smallcaps.sweep`` metadata of a table file ({} without)."""
    import pyarrow.parquet as pq

    md = pq.read_schema(path).metadata or {}
    raw = md.get(META_KEY)
    return json.loads(raw) if raw else {}


def read_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read a sweep table (a ``sweep.parquet`` file or an output folder, parts included).

    Raises
    ------
    DataError
        No table there, or a file that is not a sweep table.
    """
    path = Path(path)
    if path.is_dir():
        return SweepTable(path).rows()
    if not path.is_file():
        raise DataError(f"sweep table {path} is missing: run `smallcaps sweep` first")
    return _read_file(path)


def _read_file(path: Path) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # noqa: BLE001 (an unreadable file is reported, whatever pyarrow raises)
        raise DataError(f"sweep table {path} is not a readable Parquet file ({type(exc).__name__})") from None
    missing = [c for c in COLUMN_NAMES if c not in table.column_names]
    if missing:
        raise DataError(f"sweep table {path} is not a sweep table (no column {missing[0]!r})")
    import pyarrow as pa

    # integers stay integers with or without missing values (a row with an error has no sample)
    ints = {pa.int64(): pd.Int64Dtype(), pa.int32(): pd.Int32Dtype()}
    return table.select(list(COLUMN_NAMES)).to_pandas(types_mapper=ints.get)


def sort_rows(frame: pd.DataFrame, claim_order: Iterable[str] | None = None) -> pd.DataFrame:
    """Rows in a fixed order: claim (reading order), window kind, window dates, specification."""
    from .windows import KINDS

    order = {c: i for i, c in enumerate(claim_order or [])}
    kinds = {k: i for i, k in enumerate((*KINDS, "given"))}
    f = frame.assign(_c=frame["claim"].map(lambda c: order.get(c, len(order))),
                     _k=frame["window_kind"].map(lambda k: kinds.get(k, len(kinds))))
    f = f.sort_values(["_c", "claim", "_k", "window_years", "window_end", "window_start", "window_as_of",
                       "spec_index", "spec"], kind="mergesort")
    return f.drop(columns=["_c", "_k"]).reset_index(drop=True)


class SweepTable:
    """An output folder's table: what is done, appending parts, merging them."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.path = self.folder / TABLE
        self.parts = self.folder / PARTS

    def _files(self) -> list[Path]:
        files = [self.path] if self.path.is_file() else []
        if self.parts.is_dir():
            files += sorted(self.parts.glob("part-*.parquet"))
        return files

    def meta(self) -> dict[str, Any]:
        """The metadata of the table (or of its first part), {} when there is none."""
        files = self._files()
        return read_meta(files[0]) if files else {}

    def rows(self) -> pd.DataFrame:
        """Every row on disk (table and parts); the last copy of a key wins."""
        frames = [_read_file(p) for p in self._files()]
        if not frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMN_NAMES})
        f = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        return f.drop_duplicates(list(KEY), keep="last").reset_index(drop=True)

    def check(self, meta: Mapping[str, Any]) -> None:
        """Refuse to add rows made by other code or on other data (one line)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise ParameterError(f"out={self.folder} is a file; give a folder for the sweep table")
        old = self.meta()
        if not old:
            return
        for field, what in (("format", "row format"), ("snapshot", "snapshot"), ("code", "code fingerprint")):
            if str(old.get(field)) != str(meta.get(field)):
                raise ParameterError(f"out={self.folder} holds a sweep made with {what} {old.get(field)}, this one "
                                     f"has {meta.get(field)}; choose another --out to start a new table")

    def check_code(self, code: str) -> None:
        """Refuse early (before a cluster starts) a table made by other code."""
        old = self.meta()
        if old and str(old.get("code")) != code:
            raise ParameterError(f"out={self.folder} holds a sweep made with code fingerprint {old.get('code')}, "
                                 f"this one has {code}; choose another --out to start a new table")

    def done(self, retry_failed: bool = False) -> set[tuple]:
        """Keys of finished rows (rows with an error count as finished unless ``retry_failed``)."""
        f = self.rows()
        if retry_failed and len(f):
            f = f[f["error"].isna()]
        return set(map(tuple, f[list(KEY)].itertuples(index=False, name=None)))

    def append(self, rows: list[dict[str, Any]], meta: Mapping[str, Any]) -> Path | None:
        """Write ``rows`` as a new part (whole or not at all)."""
        if not rows:
            return None
        self.parts.mkdir(parents=True, exist_ok=True)
        path = self.parts / f"part-{pd.Timestamp.now('UTC').strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:6]}.parquet"
        _write(rows, path, meta)
        return path

    def merge(self, meta: Mapping[str, Any], claim_order: Iterable[str] | None = None) -> int:
        """Merge the parts into ``sweep.parquet`` (sorted) and remove them; returns the row count."""
        parts = sorted(self.parts.glob("part-*.parquet")) if self.parts.is_dir() else []
        if not parts and self.path.is_file():
            return len(_read_file(self.path))
        rows = sort_rows(self.rows(), claim_order)
        self.folder.mkdir(parents=True, exist_ok=True)
        _write(rows, self.path, meta)
        for p in parts:
            p.unlink(missing_ok=True)
        try:
            self.parts.rmdir()
        except OSError:
            pass
        return len(rows)
