"""Run a sweep: plan the rows, skip the finished ones, run the rest on Dask, keep the table.

::

    from smallcaps.sweep import run, WindowGrid
    report = run(claims=["V1", "V3"], out="runs/sweep", workers=2)      # a local cluster
    report = run(out="runs/sweep", scheduler="tcp://10.0.0.5:8786")     # an existing cluster

A local cluster starts worker processes with ``multiprocessing``'s spawn method, which imports
the calling script again in each worker: call :func:`run` from a script under
``if __name__ == "__main__":`` (the ``smallcaps sweep`` command and notebooks need nothing).

Everything is checked before any work (claims, windows, design, the output folder, the
cluster's versions and snapshot). Rows are flushed to the table's parts every few seconds, so
an interrupted sweep resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError, SmallcapsError
from .chapters import resolve_claims
from .table import SweepTable
from .tasks import ROW_FORMAT, Batch, evaluate_batch, plan
from .windows import WindowGrid

DESIGNS = ("one-at-a-time", "grid")


class SweepIncomplete(SmallcapsError):
    """Some batches could not run (their rows stay to do; re-running resumes them)."""


@dataclass
class Progress:
    """Counts shown while a sweep runs (rows)."""

    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.done


@dataclass
class SweepReport:
    """What a sweep did."""

    out: Path
    table: Path
    rows: int  # rows in the table at the end
    planned: int  # rows of this sweep's plan
    computed: int  # rows computed by this run
    failed: int  # of which recorded with an error
    skipped: int  # rows already in the table
    lost: int  # rows of batches that could not run (still to do)
    seconds: float
    workers: int
    cluster: dict[str, Any] = field(default_factory=dict)
    peak_memory_mb: dict[str, float] = field(default_factory=dict)
    batch_errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        mem = f"; peak memory per worker {max(self.peak_memory_mb.values()):.0f} MB" if self.peak_memory_mb else ""
        return (f"{self.computed:,} row(s) computed ({self.failed:,} with an error), {self.skipped:,} already done, "
                f"{self.lost:,} not run; {self.rows:,} rows in {self.table} after {self.seconds:.1f} s on "
                f"{self.workers} worker(s){mem}")


def _data_for_workers(data: Mapping[str, Any] | None, local: bool) -> dict[str, Any] | None:
    """Data settings sent with each task: resolved here for a local cluster; for an existing
    cluster only what was given explicitly (the workers' environment provides the rest)."""
    given = {k: str(v) for k, v in (data or {}).items() if v not in (None, "")}
    if not local:
        return given or None
    from .tasks import data_key

    mode, snapshot, store = data_key(given)
    return {"mode": mode, "snapshot": snapshot, "store": store}


def run(claims: Iterable[str] | None = None, *, grid: WindowGrid | None = None, design: str = "one-at-a-time",
        out: str | Path = "runs/sweep", scheduler: str | None = None, workers: int | None = None,
        data: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None,
        retry_failed: bool = False, reuse_evidence: bool = True, executor: str = "dask",
        on_progress: Callable[[Progress], None] | None = None, flush_seconds: float = 2.0,
        max_items: int = 400) -> SweepReport:
    """Evaluate the chosen claims over their specification spaces and the window grid.

    Parameters
    ----------
    claims
        Claim ids or chapter ids (default: every claim of every ported chapter).
    grid
        The window grid (default :class:`WindowGrid`: published, claim dates, expanding and
        rolling windows).
    design
        ``one-at-a-time`` (the default specification, then each alternative alone) or ``grid``
        (every combination).
    out
        Output folder; its ``sweep.parquet`` is created, or resumed.
    scheduler
        Address of an existing Dask scheduler; None starts a local cluster of ``workers``
        processes (default: the CPU count).
    data
        Data settings ``{"mode", "snapshot", "store"}`` (None: the environment's; on an existing
        cluster, the workers' environment).
    retry_failed
        Compute again the rows recorded with an error.
    executor
        ``dask``, or ``inline`` (in this process, no cluster: tests and benchmarks).

    Raises
    ------
    ParameterError
        Bad claims, windows, design, folder or cluster (before any work).
    SweepIncomplete
        Some batches could not run (e.g. a worker lost too often); the rest is in the table.
    """
    t0 = time.perf_counter()
    if design not in DESIGNS:
        raise ParameterError(f"design={design!r} is not a sweep design; valid: {', '.join(DESIGNS)}")
    if executor not in ("dask", "inline"):
        raise ParameterError(f"executor={executor!r} is unknown; valid: dask, inline")
    if workers is not None and (not isinstance(workers, int) or workers < 1 or workers > 512):
        raise ParameterError(f"workers={workers!r} is out of range; valid: 1 to 512")
    if scheduler and workers is not None:
        raise ParameterError("workers is for a local cluster; with --scheduler the cluster has its own workers")
    classes = resolve_claims(claims)
    grid = grid or WindowGrid()
    order = [c.id for c in classes]
    table = SweepTable(out)
    if table.folder.exists() and not table.folder.is_dir():
        raise ParameterError(f"out={table.folder} is a file; give a folder for the sweep table")
    planned, _ = plan(classes, grid, design, max_items=max_items)
    n_planned = sum(len(b.items) for b in planned)
    if n_planned == 0:
        raise ParameterError("windows gives no window inside the chapters' published windows; valid: published, "
                             "claim-date, expanding, rolling, or START..END inside a chapter's window")

    from .cluster import fingerprint, identity

    table.check_code(fingerprint())
    local = executor == "inline" or not scheduler
    task_data = _data_for_workers(data, local)
    client = cluster = None
    n_workers = 1
    with contextlib.ExitStack() as stack:
        if executor == "inline":
            shared = identity(task_data)
            cluster_ident = {k: shared[k] for k in ("smallcaps", "code", "snapshot", "mode")}
        else:
            from .cluster import check_cluster, local_client, remote_client

            if scheduler:
                client = remote_client(scheduler)
            else:
                import os

                client, cluster = local_client(workers or os.cpu_count() or 2)
                stack.callback(cluster.close)
            stack.callback(client.close)
            idents = client.run(identity, task_data)
            cluster_ident = check_cluster(idents, identity(task_data) if local else {"code": fingerprint(),
                                                                                    **_client_versions()})
            n_workers = len(idents)
        meta = {"format": ROW_FORMAT, "snapshot": cluster_ident["snapshot"], "code": cluster_ident["code"],
                "smallcaps": cluster_ident["smallcaps"], "design": design, "grid": grid.describe()}
        table.check(meta)
        done = table.done(retry_failed)
        batches, skipped = plan(classes, grid, design, done=done, max_items=max_items)
        batches.sort(key=_cost, reverse=True)  # longest first, so workers finish together
        prog = Progress(total=n_planned, done=skipped, skipped=skipped)
        if on_progress:
            on_progress(prog)
        state = _Flusher(table, meta, flush_seconds)
        lost, errors = 0, []
        try:
            if executor == "inline":
                for b in batches:
                    try:
                        rows = evaluate_batch(b, task_data, params, reuse_evidence)
                    except Exception as exc:  # noqa: BLE001 (a batch that cannot run is reported, not fatal)
                        lost += len(b.items)
                        errors.append(_batch_error(b, exc))
                        continue
                    _take(rows, prog, state, on_progress)
            else:
                lost, errors = _run_dask(client, batches, task_data, params, reuse_evidence, prog, state, on_progress)
        finally:
            state.flush(force=True)
            total = table.merge(meta, order)
        peak = {}
        if client is not None:
            from .cluster import peak_memory_mb

            with contextlib.suppress(Exception):
                peak = client.run(peak_memory_mb)
        else:
            from .cluster import peak_memory_mb

            peak = {"inline": peak_memory_mb()}
    report = SweepReport(out=table.folder, table=table.path, rows=total, planned=n_planned,
                         computed=prog.done - skipped, failed=prog.failed, skipped=skipped, lost=lost,
                         seconds=time.perf_counter() - t0, workers=n_workers, cluster=cluster_ident,
                         peak_memory_mb=peak, batch_errors=errors)
    if lost:
        raise SweepIncomplete(f"{lost:,} row(s) in {len(errors)} batch(es) could not run ({errors[0]}); the other "
                              f"rows are in {table.path}: run the same command again to resume")
    return report


def _client_versions() -> dict[str, str]:
    import dask
    import distributed

    from .. import __version__

    return {"smallcaps": __version__, "dask": dask.__version__, "distributed": distributed.__version__}


def _cost(b: Batch) -> float:
    import pandas as pd

    years = (pd.Timestamp(b.window.end) - pd.Timestamp(b.window.start)).days / 365.25
    return len(b.items) * (1 + years)


def _batch_error(b: Batch, exc: BaseException) -> str:
    from .tasks import one_line

    return f"{b.chapter} {b.window.label}: {one_line(exc)}"


class _Flusher:
    """Buffer finished rows; write a part every ``seconds`` (and at the end)."""

    def __init__(self, table: SweepTable, meta: Mapping[str, Any], seconds: float):
        self.table, self.meta, self.seconds = table, meta, seconds
        self.rows: list[dict[str, Any]] = []
        self.last = time.monotonic()

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)
        self.flush()

    def flush(self, force: bool = False) -> None:
        if self.rows and (force or time.monotonic() - self.last >= self.seconds):
            self.table.append(self.rows, self.meta)
            self.rows = []
            self.last = time.monotonic()


def _take(rows, prog: Progress, state: _Flusher, on_progress) -> None:
    prog.done += len(rows)
    prog.failed += sum(1 for r in rows if r.get("error"))
    state.add(rows)
    if on_progress:
        on_progress(prog)


def _run_dask(client, batches: list[Batch], data, params, reuse, prog: Progress, state: _Flusher,
              on_progress) -> tuple[int, list[str]]:
    """Submit every batch and collect rows as batches finish (a lost worker's batches are
    rescheduled by Dask); returns the rows and errors of batches that could not run."""
    from dask.distributed import as_completed

    run_id = uuid.uuid4().hex[:8]
    futures = {}
    for i, b in enumerate(batches):
        key = f"sweep-{b.chapter}-{b.window.start}-{b.window.end}-{i}-{run_id}"
        futures[client.submit(evaluate_batch, b, data, params, reuse, key=key, pure=False, retries=1)] = b
    lost, errors = 0, []
    try:
        for fut in as_completed(list(futures)):
            b = futures.pop(fut)
            try:
                rows = fut.result()
            except Exception as exc:  # noqa: BLE001 (a batch that cannot run is reported, not fatal)
                lost += len(b.items)
                errors.append(_batch_error(b, exc))
                continue
            finally:
                fut.release()
            _take(rows, prog, state, on_progress)
    finally:
        if futures:
            client.cancel(list(futures))
    return lost, errors
