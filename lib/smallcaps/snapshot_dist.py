"""Making and pulling data snapshots, so that anyone can re-run the book on the same bytes.

A snapshot is a folder laid out like the reference snapshot (``french/``, ``fred/``, ``cboe/``,
``shiller/``, ``yahoo/etf/``, ``yahoo/stocks_close.parquet``) with a ``MANIFEST.tsv`` that gives
each file's sha256, size and origin. :func:`make` freezes what the store holds into such a
folder; :func:`pull` downloads a published one.

Where a published snapshot lives
--------------------------------
The URL given to :func:`pull` is a **base URL**: the manifest is ``<URL>/MANIFEST.tsv`` and the
file at relative path ``p`` (a manifest row) is ``<URL>/<p>``, with ``p``'s folders kept
(``<URL>/french/F-F_Research_Data_Factors.csv``, ``<URL>/yahoo/etf/%5ETNX.csv``). Any static HTTP
folder serves this: ``python -m http.server`` in the snapshot folder, a web server, an object
store bucket, GitHub Pages, or a tagged git repository through its raw-file address. Hosts whose
files have no folders (GitHub release assets, Zenodo record files) hold the snapshot as one
archive instead (see the README); a user downloads and unpacks it and checks it with
``smallcaps data verify --snapshot DIR``.

MANIFEST.tsv columns
--------------------
``path, sha256, bytes, origin, origin_path, origin_commit, note, coverage`` (tab-separated, as
the reference snapshot): for a file frozen from a live download, ``origin`` is its URL,
``origin_path`` and ``origin_commit`` are empty, ``note`` says when it was retrieved (and the
publisher's vintage), ``coverage`` is ``first..last``. A file copied from another snapshot
keeps that snapshot's row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, FetchError, IntegrityError, ParameterError
from .provenance import sha256_bytes, sha256_file
from .snapshot import MANIFEST, Snapshot
from .store import Store, StoredEntry

#: The manifest's columns, in the reference snapshot's order.
COLUMNS = ("path", "sha256", "bytes", "origin", "origin_path", "origin_commit", "note", "coverage")

#: Hidden folder inside a pull's destination that holds its state until the pull completes.
PULL_STATE = ".smallcaps-pull"

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Row:
    """One row of MANIFEST.tsv."""

    path: str
    sha256: str
    bytes: int
    origin: str = ""
    origin_path: str = ""
    origin_commit: str = ""
    note: str = ""
    coverage: str = ""

    def cells(self) -> list[str]:
        return [str(getattr(self, c)) for c in COLUMNS]


def write_manifest(rows: list[Row]) -> bytes:
    """MANIFEST.tsv bytes for ``rows`` (sorted by path), tab-separated, LF line ends."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(COLUMNS)
    for r in sorted(rows, key=lambda r: r.path):
        w.writerow([c.replace("\t", " ").replace("\n", " ") for c in r.cells()])
    return buf.getvalue().encode("utf-8")


def read_manifest(data: bytes, what: str = MANIFEST) -> list[Row]:
    """Parse MANIFEST.tsv bytes, checking every path and sha256.

    Raises
    ------
    DataError
        No ``path``/``sha256`` columns, a malformed sha256, an unsafe or duplicate path.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{what} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t")
    if not reader.fieldnames or "path" not in reader.fieldnames or "sha256" not in reader.fieldnames:
        raise DataError(f"{what} has no 'path' and 'sha256' columns")
    rows: list[Row] = []
    seen: set[str] = set()
    for n, rec in enumerate(reader, start=2):
        path = (rec.get("path") or "").strip()
        sha = (rec.get("sha256") or "").strip().lower()
        _check_rel_path(path, f"{what} line {n}")
        if not _SHA256.match(sha):
            raise DataError(f"{what} line {n}: sha256 {sha[:20]!r} of {path} is not 64 hex digits")
        if path in seen:
            raise DataError(f"{what} line {n}: {path} is listed twice")
        seen.add(path)
        size = (rec.get("bytes") or "").strip()
        rows.append(Row(path=path, sha256=sha, bytes=int(size) if size.isdigit() else -1,
                        **{c: rec.get(c) or "" for c in COLUMNS[3:]}))
    if not rows:
        raise DataError(f"{what} lists no files")
    return rows


def _check_rel_path(path: str, where: str) -> None:
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts)
            or parts[0] == PULL_STATE or path in (MANIFEST, "README.md")):
        raise DataError(f"{where}: path {path!r} is not a plain relative path inside the snapshot")


# ---------------------------------------------------------------------------------------------
# make


@dataclass(frozen=True)
class Planned:
    """One file of a snapshot to make: its manifest row and where its bytes are now."""

    row: Row
    source: Path
    dataset: str
    kind: str  # "live" or "snapshot"


@dataclass(frozen=True)
class MadeSnapshot:
    """What :func:`make` wrote."""

    root: Path
    files: list[Planned]
    snapshot_id: str

    @property
    def bytes(self) -> int:
        return sum(p.row.bytes for p in self.files)

    def count(self, kind: str) -> int:
        return sum(p.kind == kind for p in self.files)


def snapshot_path(dataset: str) -> str | None:
    """Where a dataset's file sits in a snapshot (``french/<name>.csv``...), or None for data that
    snapshots never hold (``pitindex/*``, shipped in a pinned package)."""
    from .sources import cboe, fred, french, shiller, yahoo

    source, _, name = dataset.partition("/")
    if source == "french" and name:
        return french.spec(name).snapshot_path
    if source == "fred" and name:
        return fred.spec(name).snapshot_path
    if dataset == "cboe/VIX":
        return cboe.spec().snapshot_path
    if dataset == "shiller/ie_data":
        return shiller.spec().snapshot_path
    if dataset == "yahoo/stocks_close":
        return yahoo.panel_spec().snapshot_path
    if source == "yahoo" and name:
        return yahoo.ticker_spec(name).snapshot_path
    return None


def _live_row(entry: StoredEntry, path: str) -> tuple[Row, Path]:
    prov = entry.provenance
    raws = sorted(p for p in (entry.path / "raw").glob("*") if p.is_file()) if (entry.path / "raw").is_dir() else []
    if len(raws) != 1:
        raise DataError(f"{prov.dataset}: the store entry {entry.path.name} keeps {len(raws)} raw files, expected 1")
    vintage = f"; {prov.vintage} vintage" if prov.vintage else ""
    note = f"live download retrieved {prov.retrieved_at}{vintage}"
    cover = f"{prov.first}..{prov.last}" if prov.first and prov.last else ""
    size = raws[0].stat().st_size
    return Row(path=path, sha256=prov.sha256, bytes=size, origin=prov.location, note=note, coverage=cover), raws[0]


def plan(store: Store, source: Snapshot | None, *, live_only: bool = False) -> list[Planned]:
    """The files a snapshot of ``store`` holds: for each dataset its latest live download, else
    (unless ``live_only``) the snapshot file it was read from, copied from ``source``.

    Raises
    ------
    DataError
        The store holds nothing to freeze, a live entry lacks its raw bytes, or a dataset read
        from a snapshot cannot be copied because ``source`` does not hold those exact bytes.
    """
    by_dataset: dict[str, list[StoredEntry]] = {}
    for e in store.entries():
        by_dataset.setdefault(e.provenance.dataset, []).append(e)
    out: list[Planned] = []
    unavailable: list[str] = []
    for dataset in sorted(by_dataset):
        entries = sorted(by_dataset[dataset], key=lambda e: (e.provenance.retrieved_at, e.path.name))
        live = [e for e in entries if e.provenance.origin == "live"]
        if live:
            path = snapshot_path(dataset)
            if path is None:
                continue
            row, raw = _live_row(live[-1], path)
            out.append(Planned(row, raw, dataset, "live"))
            continue
        snap_entries = [e for e in entries if e.provenance.origin == "snapshot"]
        if live_only or not snap_entries:
            continue  # package data (pitindex) is never part of a snapshot
        found = None
        for e in reversed(snap_entries):
            rel = e.provenance.location
            if source is not None and source.exists(rel) and _matches(source, rel, e.provenance.sha256):
                found = (e, rel)
                break
        if found is None:
            unavailable.append(dataset)
            continue
        e, rel = found
        assert source is not None
        src_row = _source_row(source, rel)
        size = (source.root / rel).stat().st_size
        row = Row(path=rel, sha256=e.provenance.sha256, bytes=size,
                  origin=src_row.get("origin") or f"snapshot {e.provenance.snapshot_id or source.snapshot_id}",
                  origin_path=src_row.get("origin_path") or ("" if src_row else rel),
                  origin_commit=src_row.get("origin_commit", ""), note=src_row.get("note", ""),
                  coverage=src_row.get("coverage") or (f"{e.provenance.first}..{e.provenance.last}"
                                                        if e.provenance.first and not src_row else ""))
        out.append(Planned(row, source.root / rel, dataset, "snapshot"))
    if unavailable:
        why = (f"the selected snapshot {source.root} does not hold their bytes" if source is not None
               else "no snapshot is selected to copy them from")
        shown = ", ".join(unavailable[:5]) + (f" and {len(unavailable) - 5} more" if len(unavailable) > 5 else "")
        raise DataError(f"{len(unavailable)} dataset(s) read from a snapshot cannot be copied ({shown}): {why}; "
                        "select the snapshot they came from with --snapshot, or pass --live-only")
    if not out:
        raise DataError(f"the store at {store.root} holds no data to freeze; run chapters or "
                        "`smallcaps data fetch` first")
    paths: dict[str, str] = {}
    for p in out:
        if p.row.path in paths:
            raise DataError(f"{p.dataset} and {paths[p.row.path]} both map to {p.row.path}")
        paths[p.row.path] = p.dataset
    return out


_SHA_CACHE: dict[tuple[str, int, int], str] = {}


def _matches(source: Snapshot, rel: str, sha: str) -> bool:
    expected = source.expected_sha256(rel)
    if source.has_manifest and expected is not None and expected != sha:
        return False
    path = source.root / rel
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _SHA_CACHE:
        _SHA_CACHE[key] = sha256_file(path)
    return _SHA_CACHE[key] == sha


def _source_row(source: Snapshot, rel: str) -> dict[str, str]:
    path = source.root / MANIFEST
    if not path.is_file():
        return {}
    with path.open(newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f, delimiter="\t"):
            if rec.get("path") == rel:
                return {k: (v or "") for k, v in rec.items() if k}
    return {}


def check_target(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ParameterError(f"dir={dest} exists and is not empty; give a new or empty folder (nothing is overwritten)")


def make(dest: str | Path, store: Store, source: Snapshot | None, *, live_only: bool = False,
         on_file: Callable[[Planned], None] | None = None) -> MadeSnapshot:
    """Write a snapshot of ``store`` into the new folder ``dest``.

    Every file is copied into a hidden staging folder beside ``dest`` and checked against its
    sha256; the manifest and a README are written last; the staging folder is then renamed to
    ``dest`` in one step. If anything fails, the staging folder is removed and nothing else
    has changed.

    Parameters
    ----------
    dest
        The snapshot folder to create; must not exist, or be empty.
    store
        The store to freeze.
    source
        The snapshot that store entries of origin ``snapshot`` were read from (their bytes are
        copied from it), or None.
    live_only
        Freeze only live downloads.
    on_file
        Called after each file is copied (progress).

    Raises
    ------
    ParameterError
        ``dest`` exists and is not empty.
    DataError, IntegrityError
        See :func:`plan`; a copied file whose sha256 differs from the store's record.
    """
    dest = Path(dest).expanduser().absolute()
    check_target(dest)
    files = plan(store, source, live_only=live_only)
    created = [p for p in [dest.parent, *dest.parent.parents] if not p.exists()]
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = dest.parent / f".{dest.name}.staging-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir()
        for p in files:
            target = staging / p.row.path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p.source, target)
            digest = sha256_file(target)
            if digest != p.row.sha256:
                raise IntegrityError(f"{p.dataset}: {p.source} has sha256 {digest[:12]}..., the store recorded "
                                     f"{p.row.sha256[:12]}...; it changed since it was read")
            if on_file is not None:
                on_file(p)
        rows = [p.row for p in files]
        manifest = write_manifest(rows)
        (staging / "README.md").write_text(_readme(files, sha256_bytes(manifest)[:12]), encoding="utf-8")
        (staging / MANIFEST).write_bytes(manifest)
        check_target(dest)  # still new or empty?
        os.rename(staging, dest)  # replaces an empty folder; fails if anything appeared in it
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for d in created:  # deepest first
            try:
                d.rmdir()
            except OSError:
                break
        raise
    return MadeSnapshot(dest, files, sha256_bytes(manifest)[:12])


def _readme(files: list[Planned], snapshot_id: str) -> str:
    from . import __version__

    n_live = sum(p.kind == "live" for p in files)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return (
        "# Small Caps on Trial data snapshot\n\n"
        f"Made by `smallcaps data snapshot make` (smallcaps {__version__}) on {now}: {len(files)} files, "
        f"{n_live} from live downloads, {len(files) - n_live} copied from another snapshot. Snapshot id "
        f"`{snapshot_id}` (the first 12 hex digits of the sha256 of `MANIFEST.tsv`).\n\n"
        "`MANIFEST.tsv` gives every file's sha256, size and origin (for live downloads: the URL and "
        "the retrieval time). Check the folder with `smallcaps data verify --snapshot DIR`; run the "
        "book on it with `SMALLCAPS_SNAPSHOT=DIR`. The data keep their publishers' terms.\n"
    )


# ---------------------------------------------------------------------------------------------
# pull


@dataclass
class PullReport:
    """What :func:`pull` did."""

    root: Path
    downloaded: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line per failed file, naming it
    bytes_downloaded: int = 0
    snapshot_id: str = ""

    @property
    def complete(self) -> bool:
        return not self.failed


class _FileBar:
    """The object pooch's HTTPDownloader drives as a progress bar (``total``, ``update``,
    ``reset``, ``close``), forwarding one file's bytes to an overall progress callback."""

    def __init__(self, advance: Callable[[int], None]):
        self.advance = advance
        self.total = 0
        self.count = 0

    def update(self, n: int) -> None:
        # pooch reports chunk_size per chunk (the last chunk overshoots); clamp to the file's size
        new = self.count + n if not self.total else min(self.count + n, self.total)
        self.advance(new - self.count)
        self.count = new

    def reset(self) -> None:
        self.advance(-self.count)
        self.count = 0

    def close(self) -> None:
        pass


def file_url(base: str, rel: str) -> str:
    """The address of snapshot file ``rel`` under base URL ``base`` (folders kept, quoted)."""
    return base.rstrip("/") + "/" + urllib.parse.quote(rel, safe="/")


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterError(f"url={url!r} is not an http(s) base URL; give the address under which MANIFEST.tsv "
                             "and the snapshot's files sit, e.g. https://example.org/smallcaps-snapshot/")
    if parts.query or parts.fragment:
        raise ParameterError(f"url={url!r} has a query or fragment; give the plain base URL of the snapshot folder")
    return url.rstrip("/") + "/"


def pull(
    url: str,
    dest: str | Path,
    *,
    mode: str = "auto",
    timeout: float = 60.0,
    deadline: float = 60.0,
    on_start: Callable[[int, int], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
    on_file: Callable[[str, str], None] | None = None,
) -> PullReport:
    """Download the snapshot published at base URL ``url`` into ``dest``, file by file.

    Every file is fetched with pooch and checked against the manifest's sha256 before it is
    moved into place; a file that fails the check, or whose transfer breaks, is named in the
    report and never kept. Files already in ``dest`` with the right sha256 are kept and not
    downloaded again, so running the same command again resumes an interrupted pull.
    ``MANIFEST.tsv`` is written last, once every file is in place: a folder without it is an
    unfinished pull.

    Parameters
    ----------
    url
        Base URL (see the module docstring).
    dest
        The snapshot folder: new, empty, or an earlier (partial) pull of the same manifest.
    mode
        The data mode; ``offline`` refuses the network.
    timeout
        Seconds allowed for the server to connect and for each read.
    deadline
        Overall seconds for downloading MANIFEST.tsv (with retries).
    on_start, on_bytes, on_file
        Progress callbacks: ``(files, total bytes)``, ``(bytes advanced)`` (negative to rewind),
        ``(path, status)`` with status ``downloaded``, ``kept`` or ``failed``.

    Raises
    ------
    ParameterError
        A bad URL, or ``dest`` is not empty and is not a pull of this manifest.
    FetchError, DataError
        The manifest cannot be downloaded or read.
    OfflineError
        Offline mode.
    """
    import pooch
    import requests

    from . import net

    net.ensure_online(mode, "data snapshot pull")
    base = _check_url(url)
    dest = Path(dest).expanduser().absolute()
    manifest_bytes = net.download(base + MANIFEST, deadline=deadline, what=f"snapshot manifest {base}{MANIFEST}")
    rows = read_manifest(manifest_bytes, what=f"{base}{MANIFEST}")
    state = dest / PULL_STATE
    _check_pull_target(dest, state, manifest_bytes, base)
    state.mkdir(parents=True, exist_ok=True)
    (state / MANIFEST).write_bytes(manifest_bytes)
    (state / "url").write_text(base + "\n")
    pooch.get_logger().setLevel("WARNING")

    report = PullReport(root=dest, snapshot_id=sha256_bytes(manifest_bytes)[:12])
    sizes = [max(r.bytes, 0) for r in rows]
    if on_start:
        on_start(len(rows), sum(sizes))
    advance = on_bytes or (lambda n: None)
    for row, size in zip(rows, sizes, strict=True):
        target = dest / row.path
        if target.is_file() or target.is_symlink():
            digest = sha256_file(target)
            if digest == row.sha256:
                report.kept.append(row.path)
                advance(size)
                if on_file:
                    on_file(row.path, "kept")
                continue
            report.failed.append(f"{row.path}: already present with sha256 {digest[:12]}..., expected "
                                 f"{row.sha256[:12]}...; not overwritten (delete it to download it again)")
            if on_file:
                on_file(row.path, "failed")
            continue
        bar = _FileBar(advance)
        part_dir = state / "part" / Path(row.path).parent
        try:
            got = pooch.retrieve(file_url(base, row.path), known_hash=f"sha256:{row.sha256}",
                                 fname=Path(row.path).name, path=part_dir,
                                 downloader=pooch.HTTPDownloader(progressbar=bar, timeout=timeout))
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(got, target)  # fails rather than overwrite a file that appeared meanwhile
            os.unlink(got)
        except ValueError as exc:  # pooch: sha256 mismatch; the temporary file is already deleted
            m = re.search(r"but got ([0-9a-f]{64})", str(exc))
            got_sha = f"sha256 {m.group(1)[:12]}..." if m else "another sha256"
            report.failed.append(f"{row.path}: downloaded file does not match MANIFEST.tsv ({got_sha}, expected "
                                 f"{row.sha256[:12]}...); corrupt or truncated, not kept")
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else "error"
            report.failed.append(f"{row.path}: HTTP {status} from {file_url(base, row.path)}")
        except (requests.exceptions.ChunkedEncodingError, requests.ConnectionError) as exc:
            if bar.count == 0 and not bar.total:
                kind = f"the connection was refused or lost ({type(exc).__name__})"
            else:  # pooch counts whole chunks: the byte count is approximate
                of = f" of {bar.total / 1e3:,.0f} kB" if bar.total else ""
                kind = (f"the connection broke mid-download ({type(exc).__name__} after about "
                        f"{bar.count / 1e3:,.0f} kB{of})")
            report.failed.append(f"{row.path}: {kind}; not kept, run the same command again to resume")
        except requests.Timeout:
            report.failed.append(f"{row.path}: no answer within {timeout:g} s; not kept, run the same command "
                                 "again to resume")
        else:
            report.downloaded.append(row.path)
            report.bytes_downloaded += size
            if on_file:
                on_file(row.path, "downloaded")
            continue
        bar.reset()
        advance(size)  # the file is settled (failed): count it as done for the bar
        if on_file:
            on_file(row.path, "failed")
    if report.failed:
        return report
    tmp = dest / f".{MANIFEST}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.write_bytes(manifest_bytes)
    os.replace(tmp, dest / MANIFEST)
    shutil.rmtree(state, ignore_errors=True)
    bad = [r for r in Snapshot(dest).verify() if r[1] != "ok"]
    if bad:  # cannot happen unless something else writes into dest meanwhile
        raise IntegrityError(f"{dest}: {bad[0][0]} is {bad[0][1]} after the pull ({bad[0][2]})")
    return report


def _check_pull_target(dest: Path, state: Path, manifest_bytes: bytes, base: str) -> None:
    if not dest.exists():
        return
    if not dest.is_dir():
        raise ParameterError(f"dir={dest} is a file; give a new or empty folder")
    for existing in (dest / MANIFEST, state / MANIFEST):
        if existing.is_file():
            if existing.read_bytes() == manifest_bytes:
                return  # an earlier (partial) pull of the same snapshot: resume or re-check it
            raise ParameterError(f"dir={dest} holds another snapshot (its {MANIFEST} differs from {base}{MANIFEST}); "
                                 "pull into a new folder (nothing is overwritten)")
    if any(dest.iterdir()):
        raise ParameterError(f"dir={dest} exists, is not empty and is not a pull of {base}; give a new or empty "
                             "folder (nothing is overwritten)")


def pull_error(report: PullReport) -> FetchError:
    """The one-line error for an incomplete pull."""
    return FetchError(f"snapshot pull incomplete: {len(report.failed)} of "
                      f"{len(report.failed) + len(report.downloaded) + len(report.kept)} files failed; "
                      "run the same command again to resume "
                      f"({len(report.downloaded) + len(report.kept)} are in place)")
