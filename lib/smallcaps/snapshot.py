"""A read-only snapshot directory laid out like ``shared/data``.

When the snapshot has a ``MANIFEST.tsv`` (columns ``path`` and ``sha256`` at least), every file
read through :meth:`Snapshot.read` is checked against it; a mismatch raises
:class:`~smallcaps.errors.IntegrityError` naming the file. Such a snapshot is *verified*. One
without a manifest is *unverified*: :class:`~smallcaps.data.DataSession` refuses it unless the
user opts in (``--unverified-snapshot``), and labels every file read from it as unverified.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from .config import MANIFEST
from .errors import DataError, IntegrityError
from .provenance import sha256_bytes, sha256_file

__all__ = ["MANIFEST", "ManifestEntry", "Snapshot"]


@dataclass(frozen=True)
class ManifestEntry:
    """One row of MANIFEST.tsv."""

    path: str
    sha256: str
    bytes: int | None
    note: str
    coverage: str


class Snapshot:
    """Read-only access to a snapshot directory.

    Parameters
    ----------
    root
        The snapshot folder (``french/``, ``fred/``, ``cboe/``, ``shiller/``, ``yahoo/``...).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise DataError(f"snapshot {root} is not a directory")

    def __repr__(self) -> str:
        return f"Snapshot({self.root.name!r}, manifest={self.has_manifest})"

    @property
    def has_manifest(self) -> bool:
        return (self.root / MANIFEST).is_file()

    @property
    def verified(self) -> bool:
        """Whether files read from this snapshot are checked against a manifest."""
        return self.has_manifest

    def describe(self) -> str:
        """One line for a reader: the snapshot's id and whether its files are verified."""
        if self.verified:
            return f"snapshot {self.snapshot_id}: every file checked against its {MANIFEST} sha256 when read"
        return f"snapshot folder {self.root.name} has no {MANIFEST}: its files were NOT verified"

    @functools.cached_property
    def manifest(self) -> dict[str, ManifestEntry]:
        """Rows of MANIFEST.tsv keyed by relative path (empty if there is none)."""
        path = self.root / MANIFEST
        if not path.is_file():
            return {}
        out: dict[str, ManifestEntry] = {}
        with path.open(newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f, delimiter="\t")
            if not reader.fieldnames or "path" not in reader.fieldnames or "sha256" not in reader.fieldnames:
                raise DataError(f"{MANIFEST} in snapshot has no 'path' and 'sha256' columns")
            for row in reader:
                size = row.get("bytes") or ""
                out[row["path"]] = ManifestEntry(
                    path=row["path"],
                    sha256=(row["sha256"] or "").strip().lower(),
                    bytes=int(size) if size.isdigit() else None,
                    note=row.get("note") or "",
                    coverage=row.get("coverage") or "",
                )
        return out

    @functools.cached_property
    def snapshot_id(self) -> str:
        """First 12 hex digits of the manifest's sha256 (or ``unversioned`` without one)."""
        path = self.root / MANIFEST
        return sha256_file(path)[:12] if path.is_file() else "unversioned"

    def exists(self, rel: str) -> bool:
        return (self.root / rel).is_file()

    def files(self) -> list[str]:
        """Every data file in the snapshot (relative paths), manifest and READMEs excluded."""
        out = []
        for p in sorted(self.root.rglob("*")):
            if p.is_file() and p.name not in {MANIFEST, "README.md"}:
                out.append(p.relative_to(self.root).as_posix())
        return out

    def expected_sha256(self, rel: str) -> str | None:
        """The manifest's sha256 for ``rel``, or None when there is no manifest row."""
        entry = self.manifest.get(rel)
        return entry.sha256 if entry else None

    def stat_key(self, rel: str) -> tuple[int, int, int, int]:
        """(size, mtime_ns, ctime_ns, inode) of a file: the store serves its cached parse of a
        manifest-checked file without reading the file again only while all four are unchanged.

        The ctime moves on with every write (and with ``touch``, ``chmod`` or a rename over the
        file) and no user can set it back, so even a tamper that restores size and mtime makes
        the next load read and check the file again.
        """
        st = (self.root / rel).stat()
        return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino

    def read(self, rel: str) -> tuple[bytes, str]:
        """Read a file and check it against the manifest.

        Returns
        -------
        (bytes, sha256)

        Raises
        ------
        DataError
            The file is missing.
        IntegrityError
            The manifest lists the file with another sha256, or the snapshot has a manifest that
            does not list the file.
        """
        path = self.root / rel
        if not path.is_file():
            raise DataError(f"snapshot file {rel} is missing")
        data = path.read_bytes()
        digest = sha256_bytes(data)
        self.check(rel, digest)
        return data, digest

    def check(self, rel: str, digest: str) -> None:
        """Raise IntegrityError if ``digest`` is not the manifest's sha256 for ``rel``."""
        if not self.has_manifest:
            return
        expected = self.expected_sha256(rel)
        if expected is None:
            raise IntegrityError(f"snapshot file {rel} is not listed in {MANIFEST}")
        if expected != digest:
            raise IntegrityError(
                f"snapshot file {rel} does not match {MANIFEST}: sha256 {digest[:12]}..., expected {expected[:12]}..."
            )

    def verify(self) -> list[tuple[str, str, str]]:
        """Hash every manifest-listed file.

        Returns
        -------
        list of (path, status, detail)
            status is ``ok``, ``mismatch``, ``missing`` or ``unlisted`` (a data file the manifest
            does not name).
        """
        results = []
        listed = self.manifest
        for rel, entry in listed.items():
            path = self.root / rel
            if not path.is_file():
                results.append((rel, "missing", "listed in the manifest but absent"))
                continue
            digest = sha256_file(path)
            if digest == entry.sha256:
                results.append((rel, "ok", digest[:12]))
            else:
                results.append((rel, "mismatch", f"sha256 {digest[:12]}..., expected {entry.sha256[:12]}..."))
        for rel in self.files():
            if rel not in listed:
                results.append((rel, "unlisted", "not in the manifest"))
        return results
