"""Provenance: where a dataset came from, which bytes, and what it covers.

Every load returns a :class:`Provenance` with its data, so that a chapter can print its data
vintage and the book can list every file it used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of the file at ``path``, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Provenance:
    """Where one dataset came from.

    Attributes
    ----------
    dataset
        Catalogue id, e.g. ``french/F-F_Research_Data_Factors`` or ``yahoo/IWM``.
    source
        Publisher: ``french``, ``fred``, ``cboe``, ``shiller``, ``yahoo`` or ``pitindex``; ``user``
        for a file the user supplies (:meth:`smallcaps.data.DataSession.user_file`).
    origin
        ``snapshot``, ``live``, ``package`` (data bundled in an installed package) or ``user``.
    location
        For a snapshot, the file's path inside the snapshot (never an absolute machine path);
        for live data, the URL; for a package, ``<package>==<version>``; for a user's file, its
        name.
    sha256
        sha256 of the raw bytes the data was parsed from.
    retrieved_at
        ISO-8601 UTC time the raw bytes were fetched or first read into the store.
    rows
        Rows of the dataset's main table.
    first, last
        First and last date (ISO) of the main table's index.
    vintage
        Publisher's own vintage where it states one (e.g. ``CRSP 202511`` for French files,
        the build date for pitindex); empty otherwise.
    snapshot_id
        For snapshot data, the first 12 hex digits of the snapshot's MANIFEST.tsv sha256
        (``unversioned`` for a snapshot without a manifest).
    verified
        For snapshot data: True if the bytes were checked against the snapshot's MANIFEST.tsv,
        False if the snapshot has no manifest (used only after an explicit opt-in). None for
        live and package data, which have no manifest to be checked against.
    extra
        Source-specific details (tables and their ranges, tickers, package metadata...).
    """

    dataset: str
    source: str
    origin: str
    location: str
    sha256: str
    retrieved_at: str
    rows: int
    first: str | None
    last: str | None
    vintage: str = ""
    snapshot_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    verified: bool | None = None

    @property
    def unverified(self) -> bool:
        """Snapshot data that no manifest checked."""
        return self.origin == "snapshot" and self.verified is False

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Provenance:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, default=str)

    def describe(self) -> str:
        """One line for a reader: ``dataset (source, vintage): first..last, N rows, sha256 abc123``."""
        vint = f", {self.vintage}" if self.vintage else ""
        origin = "unverified snapshot" if self.unverified else self.origin
        return (
            f"{self.dataset} ({self.source}{vint}; {origin} {self.location}): "
            f"{self.first}..{self.last}, {self.rows:,} rows, sha256 {self.sha256[:12]}"
        )
