"""Dask: the local cluster, an existing cluster's check, and what each worker reports.

Every worker must run the same code on the same data: before anything is submitted,
:func:`check_cluster` compares what each worker reports (:func:`identity`, run on all of them
with ``client.run``) and refuses a mixed cluster with one line.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import platform
import resource
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ParameterError

#: Environment of local workers, set before their interpreter starts: one BLAS thread per worker
#: (workers are processes, one per core), headless figures, fixed hashing.
WORKER_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg",
              "PYTHONHASHSEED": "0"}
#: What every worker must agree on (and the client, for the code).
MUST_AGREE = ("smallcaps", "code", "snapshot", "mode", "python", "dask", "distributed")


#: Package sources a sweep's rows cannot depend on (the command line, figures, the book layer
#: except its window parser, the sweep's own orchestration): left out of :func:`fingerprint`, so
#: editing them does not invalidate a table.
NOT_IN_ROWS = ("cli.py", "status.py", "inventory.py", "plots/", "book/", "sweep/run.py", "sweep/cluster.py",
               "sweep/table.py", "sweep/__init__.py")
IN_ROWS: tuple[str, ...] = ()  # (book/params.py moved to smallcaps/params.py)


@functools.cache
def fingerprint() -> str:
    """sha256 (12 hex digits) of the package sources a sweep's rows depend on (claims,
    analytics, statistics, data loading, display, the sweep's tasks and windows): equal iff
    that code is equal."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for p in sorted(root.rglob("*.py")):
        rel = p.relative_to(root).as_posix()
        if rel not in IN_ROWS and any(rel == x or (x.endswith("/") and rel.startswith(x)) for x in NOT_IN_ROWS):
            continue
        h.update(rel.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:12]


def identity(data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What this process would sweep with: versions, code fingerprint, data settings."""
    import dask
    import distributed

    from .. import __version__
    from ..snapshot import Snapshot
    from .tasks import data_key

    try:
        mode, snap, _ = data_key(data)
        snapshot = Snapshot(Path(snap)).snapshot_id if snap != "none" else "none"
    except ParameterError as exc:
        mode, snapshot = "error", f"error: {exc}"
    return {"smallcaps": __version__, "code": fingerprint(), "snapshot": snapshot, "mode": mode,
            "python": ".".join(platform.python_version_tuple()[:2]), "dask": dask.__version__,
            "distributed": distributed.__version__, "pid": os.getpid(),
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "unset")}


def peak_memory_mb() -> float:
    """Peak resident memory of this process (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_cluster(workers: Mapping[str, Mapping[str, Any]], client: Mapping[str, Any]) -> dict[str, Any]:
    """The identity the whole cluster shares; ParameterError (one line) if it is mixed.

    Workers must agree with each other on :data:`MUST_AGREE`, and with the client on the code
    (the client sends them its task descriptions).
    """
    if not workers:
        raise ParameterError("scheduler has no workers; start some with `dask worker ADDRESS`")
    for addr, ident in workers.items():
        if str(ident.get("snapshot", "")).startswith("error"):
            raise ParameterError(f"worker {addr} cannot open its data: {ident['snapshot'][7:]}")
    for field in MUST_AGREE:
        seen: dict[str, list[str]] = {}
        for addr, ident in workers.items():
            seen.setdefault(str(ident.get(field)), []).append(addr)
        if len(seen) > 1:
            parts = "; ".join(f"{v} on {', '.join(sorted(a))}" for v, a in sorted(seen.items()))
            raise ParameterError(f"the cluster is mixed: {field} differs between workers ({parts}); start every "
                                 f"worker from the same checkout and snapshot")
    shared = dict(next(iter(workers.values())))
    if shared["code"] != client["code"] or shared["smallcaps"] != client["smallcaps"]:
        raise ParameterError(f"the workers run other code than this client (code {shared['code']} there, "
                             f"{client['code']} here); install the same checkout on both")
    return {k: shared[k] for k in MUST_AGREE}


@contextlib.contextmanager
def _environ_kept():
    """Undo environment changes a LocalCluster's nannies make in this process while they start
    (they set the workers' pre-spawn variables in their own, i.e. our, environment)."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        for k in set(os.environ) - set(saved):
            os.environ.pop(k, None)
        for k, v in saved.items():
            if os.environ.get(k) != v:
                os.environ[k] = v


def local_client(n_workers: int, env: Mapping[str, str] | None = None):
    """A client of a new local cluster: ``n_workers`` processes of one thread each, no dashboard,
    ``env`` (plus :data:`WORKER_ENV`) set in each worker before its interpreter starts."""
    import dask
    from dask.distributed import Client, LocalCluster

    full = {**WORKER_ENV, **dict(env or {})}
    with _environ_kept(), dask.config.set({"distributed.nanny.pre-spawn-environ": full,
                                           "distributed.worker.daemon": True}):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               silence_logs=logging.CRITICAL, env=full)
        client = Client(cluster)
    return client, cluster


def remote_client(address: str, timeout: float = 10.0, wait_workers: float = 60.0):
    """A client of an existing cluster (``tcp://host:8786``), once at least one worker is there."""
    from dask.distributed import Client

    if "://" not in address and ":" not in address:
        raise ParameterError(f"scheduler={address!r} is not an address; give e.g. tcp://127.0.0.1:8786")
    try:
        client = Client(address, timeout=f"{timeout}s")
    except (OSError, TimeoutError) as exc:
        raise ParameterError(f"scheduler={address} did not answer within {timeout:g} s "
                             f"({type(exc).__name__})") from None
    try:
        client.wait_for_workers(1, timeout=wait_workers)
    except (TimeoutError, OSError):
        client.close()
        raise ParameterError(f"scheduler={address} has no workers after {wait_workers:g} s; start some with "
                             f"`dask worker {address}`") from None
    return client
