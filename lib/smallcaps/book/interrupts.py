"""Stopping cleanly: signals become an exception in the main process, and every process a run
started (pool workers and their kernels) is ended with it.

* :func:`handle_signals` (used by the ``smallcaps`` commands): SIGINT, SIGTERM and SIGHUP raise
  :class:`Interrupted` in the main thread, so ``finally`` blocks remove staging folders and
  release locks; the command exits with 128 + the signal number.
* :func:`deferred`: a block (a folder swap, a clean-up) during which a signal is held back and
  raised only when the block ends.
* :class:`ProcessTracker`: remembers every descendant of the run's pool workers (the kernels run
  in their own sessions, so a signal to the terminal's process group never reaches them) and
  kills them all on demand.
* :func:`worker_init`: the pool workers' initializer; a worker ignores SIGINT (the main process
  decides), takes SIGTERM's default action, and is killed by the kernel if the main process dies.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import signal
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psutil

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop (``signum`` says which)."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)


_pending: list[int] = []
_depth = [0]


def _handler(signum, frame):
    if _depth[0] > 0:
        _pending.append(signum)  # raised when the deferred block ends
        return
    raise Interrupted(signum)


@contextmanager
def handle_signals() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted` in the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.signal(s, _handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back signals handled by :func:`handle_signals` until the block ends."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        if _depth[0] == 0 and _pending:
            signum = _pending[0]
            _pending.clear()
            raise Interrupted(signum)


# -- worker processes -------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1


def worker_init() -> None:
    """Initializer of the run's pool workers (throwaway processes, one pool per command); does
    nothing in a thread (a thread pool standing in for the process pool in tests)."""
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:  # Linux: die with the main process, even if it is killed with SIGKILL
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


class ProcessTracker:
    """The run's worker processes and all their descendants, remembered as they appear."""

    def __init__(self) -> None:
        import psutil

        self._psutil = psutil
        self.known: dict[int, psutil.Process] = {}

    def update(self, pids: Iterable[int]) -> None:
        """Remember ``pids`` (the pool's workers) and every descendant they have now."""
        ps = self._psutil
        for pid in list(pids):
            try:
                proc = ps.Process(pid)
                family = [proc] + proc.children(recursive=True)
            except (ps.NoSuchProcess, ps.AccessDenied):
                continue
            for p in family:
                self.known.setdefault(p.pid, p)

    def kill_all(self, timeout: float = 5.0) -> list[int]:
        """Kill every remembered process still running (the same process, not a reused PID);
        return the PIDs killed (SIGKILL: a kernel's connection file lives in the run's temporary
        runtime folder, which the run removes).

        The wait never reaps a process: the pool's workers are this process's children, and
        their exit status belongs to ``multiprocessing``. Reaped behind its back (as
        ``psutil.wait_procs`` does), a worker looks alive to the pool forever and the
        interpreter's exit hook, which joins the pool's manager thread, never returns.
        """
        ps = self._psutil
        alive: list[psutil.Process] = []
        for p in self.known.values():
            try:
                if p.is_running():
                    alive.append(p)
            except ps.Error:
                continue
        for p in alive:
            try:
                p.kill()
            except ps.Error:
                pass
        deadline = time.monotonic() + timeout
        still = [p for p in alive if not _ended(p)]
        while still and time.monotonic() < deadline:
            time.sleep(0.05)
            still = [p for p in still if not _ended(p)]
        return [p.pid for p in alive if p not in still]


def _ended(p: psutil.Process) -> bool:
    """``p`` has exited (a zombie waiting for its parent counts), without reaping it."""
    import psutil

    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False
