"""The sweep on a real Dask cluster: a scheduler and two workers started as separate processes
on 127.0.0.1 (offline, on the reference snapshot), driven through ``smallcaps sweep
--scheduler``. Checks: the same rows as a local-cluster run and as the chapter's published
verdicts; resumption; a failing specification; a worker killed midway; a mixed cluster refused.
Every process is started in its own process group and killed with it at teardown.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from smallcaps.book.results import ChapterResults
from smallcaps.errors import ParameterError
from smallcaps.sweep import KEY, WindowGrid, read_table, run

pytestmark = [pytest.mark.book, pytest.mark.network_local, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ["V1", "V2", "V3", "V4", "V5"]
WINDOWS = ["published", "claim-date", "1990-01-01..2019-12-31"]


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


class Cluster:
    """A scheduler and workers, each ``dask`` command in its own process group."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self.procs: list[subprocess.Popen] = []
        sfile = folder / "scheduler.json"
        self.scheduler = self._start("scheduler", [sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1",
                                                   "--port", "0", "--no-dashboard", "--scheduler-file", str(sfile)])
        deadline = time.monotonic() + 60
        while not sfile.is_file() or not sfile.read_text().strip():
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                raise RuntimeError(f"the scheduler did not start: {(folder / 'scheduler.log').read_text()[-2000:]}")
            time.sleep(0.2)
        self.address = json.loads(sfile.read_text())["address"]

    def _start(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(cmd, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                cwd=self.folder)
        self.procs.append(proc)
        return proc

    def worker(self, name: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        return self._start(name, [sys.executable, "-m", "dask", "worker", self.address, "--nworkers", "1",
                                  "--nthreads", "1", "--no-dashboard", "--name", name], env)

    def client(self):
        from dask.distributed import Client

        return Client(self.address, timeout="20s")

    def wait_for(self, n: int) -> None:
        with self.client() as c:
            c.wait_for_workers(n, timeout=120)

    def address_of(self, name: str) -> str:
        with self.client() as c:
            for addr, info in c.scheduler_info(n_workers=-1)["workers"].items():
                if info.get("name") == name:
                    return addr
        raise KeyError(name)

    def close(self) -> None:
        for proc in reversed(self.procs):
            _kill(proc)


@pytest.fixture(scope="module")
def worker_env(snapshot_dir, tmp_path_factory) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMALLCAPS_")}
    env.update({"SMALLCAPS_OFFLINE": "1", "SMALLCAPS_SNAPSHOT": str(snapshot_dir),
                "SMALLCAPS_STORE": str(tmp_path_factory.mktemp("store")), "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, worker_env):
    c = Cluster(tmp_path_factory.mktemp("dask"), worker_env)
    try:
        c.worker("w1")
        c.worker("w2")
        c.wait_for(2)
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def local_table(tmp_path_factory, worker_env, snapshot_dir):
    """The small sweep on a local cluster (two worker processes started by the sweep itself)."""
    out = tmp_path_factory.mktemp("local") / "sweep"
    report = run(CLAIMS, grid=WindowGrid.parse(WINDOWS), out=out, workers=2,
                 data={"mode": "offline", "snapshot": str(snapshot_dir), "store": worker_env["SMALLCAPS_STORE"]})
    assert report.lost == 0 and report.failed == 0 and report.workers == 2
    return read_table(out)


def _values(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns="seconds").set_index(list(KEY)).sort_index()


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "smallcaps.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, start_new_session=True)


def test_remote_cluster_gives_the_local_rows_and_the_published_verdicts(cluster, local_table, worker_env, tmp_path):
    out = tmp_path / "remote"
    env = {**worker_env, "COLUMNS": "200"}
    proc = _cli(["sweep", "--claims", *CLAIMS, "--windows", *WINDOWS, "--scheduler", cluster.address,
                 "--out", str(out)], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "0 with an error" in proc.stdout and "on 2 worker(s)" in proc.stdout
    remote = read_table(out)
    assert len(remote) == len(local_table) == 11 * 3 + 4 * 3 + 8 * 3 + 3 * 3 + 8 * 4  # specifications x windows
    pd.testing.assert_frame_equal(_values(remote), _values(local_table))
    # the default specification on the published window is the chapter's verdict, number for number
    published = ChapterResults.read(ROOT / "book" / "valuation.results.json")
    head = remote[remote["is_default_spec"] & remote["is_published_window"]].set_index("claim")
    for claim in published.claims:
        st = claim.statistic.to_dict()
        row = head.loc[claim.id]
        assert (row["verdict"], row["statistic"], row["note"]) == (claim.verdict, st["name"], claim.note)
        assert row["value"] == st["value"] and row["sample_n"] == claim.sample.n
    # resumption: a second run computes nothing and leaves the table as it was
    before = (out / "sweep.parquet").read_bytes()
    again = _cli(["sweep", "--claims", *CLAIMS, "--windows", *WINDOWS, "--scheduler", cluster.address,
                  "--out", str(out)], env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 row(s) computed" in again.stdout and f"{len(remote)} already done" in again.stdout
    assert (out / "sweep.parquet").read_bytes() == before


class _FailV4:
    """A worker plugin that makes one specification of V4 raise (test only)."""

    name = "fail-v4"

    def setup(self, worker):
        from smallcaps.claims.valuation import V4

        real = V4.decide

        def decide(claim, ev):
            if claim.spec.reproduced_pp == 0.25:
                raise ZeroDivisionError("injected on the worker")
            return real(claim, ev)

        self.real = real
        V4.decide = decide

    def teardown(self, worker):
        from smallcaps.claims.valuation import V4

        V4.decide = self.real


def test_a_failing_specification_is_recorded_on_the_cluster(cluster, local_table, tmp_path):
    import cloudpickle
    from distributed.diagnostics.plugin import WorkerPlugin

    plugin_cls = type("FailV4", (_FailV4, WorkerPlugin), {})
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with cluster.client() as c:
        c.register_plugin(plugin_cls(), name="fail-v4")
        try:
            report = run(["V4", "V2"], grid=WindowGrid.parse(WINDOWS), out=tmp_path / "f", scheduler=cluster.address)
        finally:
            c.unregister_worker_plugin("fail-v4")
    # V4 fails where it is decided (published and claim-date windows); 1990-2019 is untestable
    assert (report.computed, report.failed, report.lost) == (7 * 3, 2, 0)
    t = read_table(tmp_path / "f")
    bad = t[t["error"].notna()]
    assert set(bad["spec"]) == {"reproduced_pp=0.25 pp"} and len(bad) == 2
    assert set(bad["error"]) == {"ZeroDivisionError: injected on the worker"}
    good = _values(t[t["error"].isna()])
    pd.testing.assert_frame_equal(good, _values(local_table).loc[good.index])


def test_a_worker_killed_midway_loses_nothing(cluster, tmp_path):
    """A third worker is killed (its whole process group) while it is running a batch; Dask
    reschedules its work and the table is complete and right (where the committed sweep has the
    same rows, equal to it)."""
    victim = cluster.worker("victim")
    cluster.wait_for(3)
    addr = cluster.address_of("victim")
    killed: dict[str, int] = {}
    watcher = cluster.client()

    def on_progress(p):
        if killed or p.done == p.skipped:
            return
        if watcher.processing(workers=[addr]).get(addr):
            os.killpg(victim.pid, signal.SIGKILL)
            killed["rows_done"] = p.done

    try:
        report = run(["V1", "V2", "V4"], grid=WindowGrid.parse(["rolling", "published"]), out=tmp_path / "k",
                     scheduler=cluster.address, on_progress=on_progress)
    finally:
        watcher.close()
    assert killed, "the victim never had a batch in progress"
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    assert report.lost == 0 and report.failed == 0 and report.computed == report.planned > killed["rows_done"]
    table = read_table(tmp_path / "k")
    assert len(table) == report.planned
    assert table["error"].isna().all()
    # the rows the committed sweep also holds (the book's grid has the published window, not the
    # rolling ones) are equal to it, number for number
    committed = _values(read_table(ROOT / "book" / "robustness" / "sweep.parquet"))
    got = _values(table)
    common = got.index.intersection(committed.index)
    assert len(common) == 11 + 4 + 3  # V1, V2 and V4's specifications on the published window
    cols = [c for c in got.columns if c not in ("window_kind", "window_years", "is_published_window")]
    pd.testing.assert_frame_equal(got.loc[common, cols], committed.loc[common, cols])


def test_a_mixed_cluster_is_refused_in_one_line(cluster, worker_env, tmp_path):
    other = tmp_path / "other-snapshot"
    other.mkdir()
    (other / "MANIFEST.tsv").write_text("path\tsha256\n")
    odd = cluster.worker("odd", env={**worker_env, "SMALLCAPS_SNAPSHOT": str(other)})
    try:
        cluster.wait_for(3)
        with pytest.raises(ParameterError, match=r"the cluster is mixed: snapshot differs between workers") as exc:
            run(["V4"], grid=WindowGrid.parse(["published"]), out=tmp_path / "m", scheduler=cluster.address)
        assert "\n" not in str(exc.value)
        assert not (tmp_path / "m").exists()
    finally:
        _kill(odd)
