"""Output folders that ``smallcaps build`` and ``smallcaps run`` write: touch only what we made.

Rules (README, "Output folders"):

* A folder the project writes carries a marker file, ``.smallcaps-site`` (a site from
  ``smallcaps build``) or ``.smallcaps-run`` (a run's folder), holding a small JSON: tool,
  version, kind, when it was made, by which command, and every file it made.
* ``--out`` must be a new folder, an empty one, or one holding only what an earlier build or run
  of the same kind made (as its marker records). Anything else is refused with one line, before
  any work.
* Everything is written into a staging folder beside ``--out`` on the same filesystem
  (``<out>.staging-<pid>``), which starts empty, and swapped into place only when the whole
  command succeeded: the two folders are exchanged in one ``renameat2(RENAME_EXCHANGE)`` call
  where the kernel offers it, else by two renames with signals deferred. A failed, interrupted or
  killed command leaves the previous folder exactly as it was.
* One command at a time per ``--out``: an ``fcntl`` lock on ``.<name>.smallcaps-lock`` beside
  it, holding the holder's PID and command line; a second command fails at once naming it.
* When ``--out`` is itself a mount point (a volume), the staging folder lives inside it
  (``.smallcaps-staging-<pid>``) and the swap moves its entries; the marker then records them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as _dt
import errno
import fcntl
import json
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..errors import ParameterError
from . import interrupts

MARKERS = {"site": ".smallcaps-site", "run": ".smallcaps-run"}
STAGING_MARK = ".smallcaps-staging"
LOCK_SUFFIX = ".smallcaps-lock"


class OutputError(ParameterError):
    """An output folder cannot be used: not ours, not writable, in use, or the disk is full."""


def _say(path: Path) -> str:
    return str(path)


def command_line() -> str:
    return " ".join([Path(sys.argv[0]).name] + sys.argv[1:]) if sys.argv and sys.argv[0] else "python"


# -- the marker -------------------------------------------------------------------------------------


def read_marker(folder: Path) -> dict | None:
    """The marker of ``folder`` (any kind), or None when it has none or it is unreadable."""
    for name in MARKERS.values():
        p = folder / name
        if p.is_file():
            try:
                data = json.loads(p.read_text())
            except (OSError, ValueError):
                return None
            if isinstance(data, dict) and data.get("tool") == "smallcaps":
                return data
    return None


def listing(folder: Path) -> list[str]:
    """Every file and folder under ``folder`` (relative, POSIX, folders ending in ``/``), sorted."""
    def unreadable(exc: OSError):
        raise exc  # a folder we cannot read is never taken for an empty one

    out = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable):
        rel = Path(dirpath).relative_to(folder)
        for d in dirnames:
            out.append((rel / d).as_posix() + "/")
        for f in filenames:
            out.append((rel / f).as_posix())
    return sorted(out)


def write_marker(folder: Path, kind: str, **extra) -> Path:
    """Write ``folder``'s marker, recording every file in it (call it last)."""
    files = [p for p in listing(folder) if p not in MARKERS.values()]
    data = {"tool": "smallcaps", "version": __version__, "kind": kind,
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "command": command_line(), **extra, "files": files}
    path = folder / MARKERS[kind]
    path.write_text(json.dumps(data, indent=1) + "\n")
    return path


def foreign_entries(folder: Path, kind: str) -> list[str]:
    """What ``folder`` holds that an earlier command of this ``kind`` did not make (empty: all ours)."""
    here = [p for p in listing(folder) if not _is_transient(p)]
    marker = read_marker(folder)
    if marker is None or marker.get("kind") != kind:
        return here
    made = set(marker.get("files", [])) | {MARKERS[kind]}
    return [p for p in here if p not in made]


def _is_transient(rel: str) -> bool:
    """Our own staging folder inside a mount-point ``--out`` (removed by the next command)."""
    top = rel.split("/", 1)[0]
    return top.startswith(".smallcaps-staging-") or top.startswith(".smallcaps-old-")


# -- the lock --------------------------------------------------------------------------------------


def lock_path(out: Path) -> Path:
    return out.parent / f".{out.name}{LOCK_SUFFIX}"


@contextmanager
def locked(out: Path) -> Iterator[Path]:
    """Hold the lock on ``out`` for the block; a second holder fails at once naming the first.

    The lock file sits beside ``out`` and is removed on release.

    Raises
    ------
    OutputError
        Another command holds the lock (names its PID and command), or the lock file cannot be
        created (names the folder and the reason).
    """
    path = lock_path(out)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"out={_say(out)}: cannot create its lock file in {out.parent} "
                              f"({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 4096).decode(errors="replace").strip() or "unknown"
            finally:
                os.close(fd)
            pid, _, cmd = holder.partition(" ")
            raise OutputError(f"out={_say(out)} is in use by another smallcaps command (pid {pid}: {cmd}); "
                              "wait for it to finish or choose another folder") from None
        # the previous holder may have removed the file between our open and our lock: retry
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {command_line()}\n".encode())
        yield path
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


# -- checks before any work ------------------------------------------------------------------------


def check_target(out: Path, kind: str, *, project_owned: bool = False) -> None:
    """Refuse an ``out`` that cannot be written or holds anything this command did not make.

    ``project_owned``: the folder belongs to the project whatever it holds (the checkout's own
    ``_build/html``, inside the gitignored ``_build/``, where the browser test also saves its
    screenshots); it is still locked, staged and swapped.

    Raises
    ------
    OutputError
        One line naming the folder and what is wrong.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"out={_say(out)} is a file, not a folder; choose a folder")
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(f"out={_say(out)}: its parent folder {parent} does not exist; "
                          "create it or choose another folder")
    if out.is_dir():
        try:
            foreign = foreign_entries(out, kind)
        except OSError as exc:
            raise OutputError(f"out={_say(out)} cannot be read ({exc.strerror})") from None
        if foreign and not project_owned:
            other = read_marker(out)
            what = (f"it is a smallcaps {other['kind']} folder, not a {kind} folder"
                    if other and other.get("kind") != kind
                    else f"it holds files smallcaps did not make (e.g. {foreign[0]})")
            raise OutputError(f"out={_say(out)} was refused: {what}; choose an empty or new folder")


# -- staging and the swap --------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_libc = None


def _exchange(a: Path, b: Path) -> None:
    """Atomically exchange two paths (Linux ``renameat2(RENAME_EXCHANGE)``); OSError if unsupported."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e), str(a))


@dataclass
class Target:
    """An output folder being replaced: write into :attr:`staging`, then :meth:`commit`.

    Use :func:`prepare`; leaving its block without ``commit`` removes the staging folder and
    leaves ``out`` untouched.
    """

    out: Path
    kind: str
    staging: Path
    inside: bool  # staging inside ``out`` (``out`` is a mount point)
    project_owned: bool = False
    committed: bool = False
    extra: dict = field(default_factory=dict)

    def commit(self) -> Path:
        """Write the marker and put the staged folder in place of ``out`` (all or nothing).

        Raises
        ------
        OutputError
            Something not made by smallcaps appeared in ``out`` while the command ran: nothing
            is replaced.
        """
        if self.out.is_dir() and not self.project_owned:
            foreign = foreign_entries(self.out, self.kind)
            if foreign:
                raise OutputError(f"out={_say(self.out)} changed while the command ran (it now holds {foreign[0]}, "
                                  "which smallcaps did not make); nothing was replaced")
        (self.staging / STAGING_MARK).unlink(missing_ok=True)
        write_marker(self.staging, self.kind, **self.extra)
        with interrupts.deferred():
            if self.inside:
                self._commit_entries()
            elif self.out.exists():
                try:
                    _exchange(self.staging, self.out)  # staging now holds the previous folder
                except OSError:
                    old = self.out.with_name(f"{self.out.name}.old-{os.getpid()}")
                    os.rename(self.out, old)
                    os.rename(self.staging, self.out)
                    os.rename(old, self.staging)
                shutil.rmtree(self.staging, ignore_errors=True)
            else:
                os.rename(self.staging, self.out)
            self.committed = True
        return self.out

    def keep_failed(self) -> Path | None:
        """Keep the staging folder of a failed command as ``<out>.failed`` for reading, when that
        name is free or holds an earlier failed command's folder; return it (None: removed)."""
        dest = self.out.with_name(self.out.name + ".failed")
        if self.inside:
            return None
        with interrupts.deferred():
            if dest.exists() or dest.is_symlink():
                if not dest.is_dir() or dest.is_symlink() or foreign_entries(dest, self.kind):
                    return None
                shutil.rmtree(dest)
            (self.staging / STAGING_MARK).unlink(missing_ok=True)
            write_marker(self.staging, self.kind, failed=True)
            os.rename(self.staging, dest)
            self.committed = True
        return dest

    def _commit_entries(self) -> None:
        old = self.out / f".smallcaps-old-{os.getpid()}"
        old.mkdir()
        for name in os.listdir(self.out):
            if name != old.name and name != self.staging.name:
                os.rename(self.out / name, old / name)
        for name in os.listdir(self.staging):
            os.rename(self.staging / name, self.out / name)
        shutil.rmtree(old, ignore_errors=True)
        os.rmdir(self.staging)


def _remove_stale(out: Path) -> None:
    """Staging folders of earlier commands on ``out`` that were killed (we hold the lock, so they are stale)."""
    places = [(out.parent, f"{out.name}.staging-"), (out.parent, f"{out.name}.old-")]
    if out.is_dir():
        places += [(out, ".smallcaps-staging-"), (out, ".smallcaps-old-")]
    for folder, prefix in places:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            p = folder / name
            if name.startswith(prefix) and p.is_dir() and ((p / STAGING_MARK).is_file() or read_marker(p) is not None):
                shutil.rmtree(p, ignore_errors=True)


@contextmanager
def prepare(out: Path, kind: str, *, project_owned: bool = False) -> Iterator[Target]:
    """Lock ``out``, check it, and give a fresh, empty staging folder beside it.

    On leaving the block without :meth:`Target.commit` (an error, an interrupt), the staging
    folder is removed and ``out`` is left as it was.

    Raises
    ------
    OutputError
        ``out`` is refused (see :func:`check_target`), locked by another command, or the
        staging folder cannot be created (names the folder and the reason, e.g. read-only).
    """
    out = Path(os.path.abspath(out))
    if out.exists() or out.is_symlink():
        out = out.resolve()
    check_target(out, kind, project_owned=project_owned)
    with locked(out):
        check_target(out, kind, project_owned=project_owned)  # again, now that nobody else writes it
        _remove_stale(out)
        inside = out.is_dir() and os.path.ismount(out)
        staging = ((out / f".smallcaps-staging-{os.getpid()}") if inside
                   else out.with_name(f"{out.name}.staging-{os.getpid()}"))
        try:
            staging.mkdir()
            (staging / STAGING_MARK).write_text(f"{os.getpid()} {command_line()}\n")
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutputError(f"out={_say(out)}: cannot write in {staging.parent} ({exc.strerror})") from None
        target = Target(out, kind, staging, inside, project_owned=project_owned)
        try:
            yield target
            if not target.committed:
                raise RuntimeError("output folder prepared but not committed")
        finally:
            if not target.committed:
                with interrupts.deferred():
                    shutil.rmtree(staging, ignore_errors=True)


def disk_full(exc: BaseException | str) -> bool:
    """Whether an error (or its message) says the disk is full."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return "No space left on device" in text or "[Errno 28]" in text or "Disk quota exceeded" in text
