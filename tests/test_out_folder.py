"""Output folders: `smallcaps build` and `smallcaps run` touch only what they made.

Review cases O01-O08 (bad --out), F01-F03 (signals), K01 (two runs into one folder), DF1 (disk
full), F-10 (stale results), F-17 (checkout binding) and F-19 (absolute -p paths). Most tests
replace chapter execution and the HTML build by fakes (the folder rules do not depend on them);
the signal and lock tests run the real `smallcaps run` in a subprocess.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from smallcaps import cli
from smallcaps.book import CHAPTERS, interrupts, outdir, runner
from smallcaps.book.outdir import OutputError

from conftest import previous_run, tree_listing, user_folder

ROOT = Path(__file__).resolve().parents[1]
SMALLCAPS = str(Path(sys.executable).with_name("smallcaps"))


def siblings(folder: Path) -> list[str]:
    return sorted(os.listdir(folder.parent))


@pytest.fixture
def fake_chapters(monkeypatch, offline):
    """Chapters 'execute' by writing a notebook (and results) into the folder they are given;
    the site 'builds' an index page. Records what each call saw."""
    seen: dict = {"calls": 0}

    def fake_execute(chapters, src_dir, out_dir, *, parameters, env, jobs, timeout, on_event=None, timings=None,
                     runtime_dir=None):
        seen["calls"] += 1
        seen["out_dir"] = Path(out_dir)
        seen["at_start"] = sorted(os.listdir(out_dir))
        seen["params"] = {c: parameters(c) for c in chapters}
        seen["runtime_dir"] = runtime_dir
        if seen.get("during"):
            seen["during"](Path(out_dir))
        runs = []
        for c in chapters:
            (Path(out_dir) / CHAPTERS[c]).write_text(json.dumps({"chapter": c}))
            if c in ("rotation", "valuation", "momentum", "graduation"):
                (Path(out_dir) / f"{c}.results.json").write_text("{}")
            fail = seen.get("fail", {}).get(c)
            runs.append(runner.ChapterRun(c, fail is None, 0.1, fail or ""))
        return runs

    def fake_build(stage, site, *, strict=True, pdf=True):
        (stage / "build.log").write_text("built")
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text("<p>the new site</p>")
        return site

    monkeypatch.setattr(runner, "execute_chapters", fake_execute)
    monkeypatch.setattr(runner, "build_site", fake_build)
    monkeypatch.setattr(runner, "_save_timings", lambda folder, runs: None)
    return seen


def one_line_error(capsys) -> str:
    out, err = capsys.readouterr()
    assert "Traceback" not in err and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# -- what a run writes ---------------------------------------------------------------------------------------


def test_run_writes_a_marked_folder_through_a_staging_folder(fake_chapters, tmp_path):
    out = tmp_path / "out"
    report = runner.run(start="2015-01-01", end="2020-12-31", chapters=["valuation"], out=out)
    assert report.ok and report.site == out / "html"
    assert fake_chapters["out_dir"] == tmp_path / f"out.staging-{os.getpid()}"
    assert fake_chapters["at_start"] == [outdir.STAGING_MARK, "_logs"]  # a run starts from an empty folder
    marker = json.loads((out / ".smallcaps-run").read_text())
    assert {k: marker[k] for k in ("tool", "version", "kind")} == {"tool": "smallcaps", "version": "0.1.0",
                                                                   "kind": "run"}
    assert marker["created"].endswith("+00:00") and "command" in marker
    assert marker["files"] == [p for p in outdir.listing(out) if p != ".smallcaps-run"]
    assert set(os.listdir(out)) == {".smallcaps-run", "_logs", "html", "valuation.ipynb", "valuation.results.json",
                                    "scorecard.ipynb", "data.ipynb", "intro.ipynb", "review.ipynb"}
    assert (out / "_logs" / "build.log").read_text() == "built"
    assert siblings(out) == ["out"]  # no staging folder, no lock file left
    assert outdir.foreign_entries(out, "run") == []


def test_a_new_run_replaces_an_earlier_run_and_no_stale_results_leak(fake_chapters, tmp_path):
    """O05 / F-10: an earlier run's valuation results must not reach a rotation-only run's scorecard."""
    out = tmp_path / "o5"
    previous_run(out)
    runner.run(start="2015-01-01", end="2020-12-31", chapters=["rotation"], out=out)
    assert fake_chapters["at_start"] == [outdir.STAGING_MARK, "_logs"]  # the scorecard saw no valuation results
    assert not (out / "valuation.results.json").exists() and not (out / "valuation.ipynb").exists()
    assert (out / "rotation.results.json").is_file()
    assert (out / "html" / "index.html").read_text() == "<p>the new site</p>"


def test_a_failed_run_leaves_the_previous_folder_byte_for_byte(fake_chapters, tmp_path):
    """O04: a failing run after a good one."""
    out = tmp_path / "z"
    before = previous_run(out)
    fake_chapters["fail"] = {"rotation": "cell 6: ValueError: cannot convert float NaN to integer"}
    with pytest.raises(runner.ChapterFailed) as err:
        runner.run(start="2015-01-01", end="2020-12-31", chapters=["rotation"], out=out)
    assert str(err.value) == ("chapter rotation failed: cell 6: ValueError: cannot convert float NaN to integer; "
                              f"its notebooks and logs are in {tmp_path / 'z.failed'}")
    assert tree_listing(out) == before
    failed = tmp_path / "z.failed"
    assert (failed / "rotation.ipynb").is_file()
    assert json.loads((failed / ".smallcaps-run").read_text())["failed"] is True
    assert siblings(out) == ["z", "z.failed"]
    # a second failure replaces the first failed folder (it is ours), never the good one
    with pytest.raises(runner.ChapterFailed):
        runner.run(start="2016-01-01", end="2020-12-31", chapters=["rotation"], out=out)
    assert tree_listing(out) == before and siblings(out) == ["z", "z.failed"]


def test_a_failed_run_never_replaces_a_users_folder_named_like_its_failed_folder(fake_chapters, tmp_path):
    out = tmp_path / "z"
    before = previous_run(out)
    users = user_folder(tmp_path / "z.failed")
    fake_chapters["fail"] = {"rotation": "cell 3: boom"}
    with pytest.raises(runner.ChapterFailed) as err:
        runner.run(chapters=["rotation"], out=out)
    assert "its notebooks and logs are in" not in str(err.value)
    assert tree_listing(out) == before and tree_listing(tmp_path / "z.failed") == users
    assert siblings(out) == ["z", "z.failed"]


def test_user_files_appearing_during_a_run_are_never_replaced(fake_chapters, tmp_path):
    out = tmp_path / "out"
    previous_run(out)
    fake_chapters["during"] = lambda staging: (out / "notes.txt").write_text("written while the run ran")
    with pytest.raises(OutputError) as err:
        runner.run(chapters=["valuation"], out=out)
    assert str(err.value) == (f"out={out} changed while the command ran (it now holds notes.txt, which smallcaps did "
                              "not make); nothing was replaced")
    assert (out / "notes.txt").read_text() == "written while the run ran"
    assert (out / "html" / "index.html").read_text() == "<p>the previous good site</p>"
    assert siblings(out) == ["out"]


def test_an_interrupt_during_the_run_removes_the_staging_folder_only(fake_chapters, tmp_path):
    out = tmp_path / "out"
    before = previous_run(out)

    def interrupt(staging):
        raise interrupts.Interrupted(signal.SIGTERM)

    fake_chapters["during"] = interrupt
    with pytest.raises(interrupts.Interrupted) as err:
        runner.run(chapters=["valuation"], out=out)
    assert err.value.exit_code == 143
    assert tree_listing(out) == before and siblings(out) == ["out"]
    assert not Path(fake_chapters["runtime_dir"]).exists()  # the kernels' runtime folder is gone too


def test_stale_staging_folders_of_a_killed_run_are_removed(fake_chapters, tmp_path):
    out = tmp_path / "out"
    previous_run(out)
    stale = tmp_path / "out.staging-999999"
    stale.mkdir()
    (stale / outdir.STAGING_MARK).write_text("999999 smallcaps run")
    (stale / "rotation.ipynb").write_text("{}")
    keep = tmp_path / "out.staging-notes"  # not ours: no mark
    keep.mkdir()
    runner.run(chapters=["valuation"], out=out)
    assert siblings(out) == ["out", "out.staging-notes"]


def test_a_file_given_with_p_travels_by_a_relative_path(fake_chapters, tmp_path):
    """F-19: an absolute -p path never reaches the notebooks; the file is copied into _inputs/."""
    moves = tmp_path / "home" / "me" / "russell.csv"
    moves.parent.mkdir(parents=True)
    moves.write_text("ticker,date,from,to\nBE,2026-06-26,Russell 2000,Russell 1000\n")
    out = tmp_path / "g"
    runner.run(chapters=["graduation"], out=out, extra={"moves_csv": str(moves)})
    assert fake_chapters["params"]["graduation"] == {"moves_csv": "_inputs/russell.csv"}
    assert "moves_csv" not in fake_chapters["params"]["data"]
    assert "moves_csv" not in fake_chapters["params"]["scorecard"]
    assert fake_chapters["params"]["scorecard"] == {"require_complete": False}
    assert (out / "_inputs" / "russell.csv").read_bytes() == moves.read_bytes()


# -- refused folders (before any work) -----------------------------------------------------------------------


def test_a_users_folder_is_refused_by_run_and_build(fake_chapters, tmp_path, capsys):
    """O06 (run) and O08 (build): before, html/ and _build/ (run) or the whole folder (build) were deleted."""
    d = tmp_path / "userdir"
    before = user_folder(d)
    (d / "html").mkdir()
    (d / "html" / "index.html").write_text("mine")
    before = tree_listing(d)
    assert cli.main(["run", "--chapters", "valuation", "--out", str(d)]) == 2
    assert one_line_error(capsys) == (f"smallcaps: out={d} was refused: it holds files smallcaps did not make "
                                      "(e.g. html/); choose an empty or new folder")
    assert cli.main(["build", "--out", str(d)]) == 2
    assert one_line_error(capsys).startswith(f"smallcaps: out={d} was refused: it holds files smallcaps did not make")
    assert fake_chapters["calls"] == 0
    assert tree_listing(d) == before and siblings(d) == ["userdir"]


def test_a_user_file_added_to_an_earlier_run_is_refused(fake_chapters, tmp_path, capsys):
    out = tmp_path / "out"
    previous_run(out)
    (out / "html" / "my-notes.md").write_text("mine")
    before = tree_listing(out)
    assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
    assert "(e.g. html/my-notes.md)" in one_line_error(capsys)
    assert tree_listing(out) == before


def test_a_site_folder_is_not_a_run_folder(fake_chapters, tmp_path, capsys):
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("x")
    outdir.write_marker(out, "site")
    assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
    assert one_line_error(capsys) == (f"smallcaps: out={out} was refused: it is a smallcaps site folder, not a run "
                                      "folder; choose an empty or new folder")


def test_an_empty_existing_folder_is_fine(fake_chapters, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    runner.run(chapters=["valuation"], out=out)
    assert (out / "html" / "index.html").is_file()


@pytest.mark.parametrize("command", ["run", "build"])
def test_bad_out_paths_give_one_line(fake_chapters, tmp_path, capsys, command):
    """O02 (a regular file), O03 (/proc), a missing parent."""
    extra = ["--chapters", "valuation"] if command == "run" else []
    regular = tmp_path / "regular_file"
    regular.write_text("data")
    cases = {
        str(regular): f"smallcaps: out={regular} is a file, not a folder; choose a folder",
        "/proc/smallcaps_out": "smallcaps: out=/proc/smallcaps_out: cannot create its lock file in /proc",
        str(tmp_path / "no" / "such" / "out"): (f"smallcaps: out={tmp_path / 'no' / 'such' / 'out'}: its parent folder "
                                                f"{tmp_path / 'no' / 'such'} does not exist; "
                                                "create it or choose another folder"),
    }
    for path, message in cases.items():
        assert cli.main([command, *extra, "--out", path]) == 2
        assert one_line_error(capsys).startswith(message)
    assert regular.read_text() == "data" and sorted(os.listdir(tmp_path)) == ["regular_file"]
    assert fake_chapters["calls"] == 0


# -- read-only and full file systems ----------------------------------------------------------------------


def _mount_tmpfs(path: Path, size: str, *, ro: bool = False) -> bool:
    """Mount a small tmpfs on ``path`` when this process may (root with CAP_SYS_ADMIN)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    opts = f"size={size}" + (",ro" if ro else "")
    return subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True).returncode == 0


@pytest.fixture
def mounts():
    done: list[Path] = []
    yield done
    for p in done:
        subprocess.run(["umount", "-l", str(p)], capture_output=True)


@pytest.mark.parametrize("command", ["run", "build"])
def test_read_only_out_gives_one_line_and_leaves_nothing(fake_chapters, tmp_path, capsys, mounts, monkeypatch, command):
    """O01 (run) and O07 (build) on a read-only file system: a real read-only tmpfs when this
    process may mount one, else (no mount rights) a folder whose writes fail with EROFS."""
    ro = tmp_path / "ro"
    if _mount_tmpfs(ro, "1m", ro=True):
        mounts.append(ro)
    else:
        ro.mkdir(exist_ok=True)
        real_open = os.open

        def erofs(path, flags, *a, **k):
            if str(path).startswith(str(ro)) and flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real_open(path, flags, *a, **k)

        monkeypatch.setattr(outdir.os, "open", erofs)
    extra = ["--chapters", "valuation"] if command == "run" else []
    assert cli.main([command, *extra, "--out", str(ro / "out")]) == 2
    assert one_line_error(capsys) == (f"smallcaps: out={ro / 'out'}: cannot create its lock file in {ro} "
                                      "(Read-only file system)")
    assert os.listdir(ro) == []
    assert fake_chapters["calls"] == 0


def test_unwritable_out_gives_one_line(fake_chapters, tmp_path, capsys, monkeypatch):
    """An existing, empty folder we may not write into (as a user without rights on it)."""
    parent = tmp_path / "locked"
    parent.mkdir()
    out = parent / "out"
    out.mkdir()
    real_mkdir = Path.mkdir

    def eacces(self, *a, **k):
        if str(self).startswith(str(parent)):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *a, **k)

    monkeypatch.setattr(Path, "mkdir", eacces)
    assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
    assert one_line_error(capsys) == f"smallcaps: out={out}: cannot write in {parent} (Permission denied)"
    assert sorted(os.listdir(parent)) == ["out"] and os.listdir(out) == []


def test_disk_full_during_a_chapter_changes_nothing(fake_chapters, tmp_path, capsys):
    out = tmp_path / "out"
    before = previous_run(out)
    fake_chapters["fail"] = {
        "valuation": "cell 12: OSError: [Errno 28] No space left on device: 'valuation.results.json'"}
    assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
    assert one_line_error(capsys) == (f"smallcaps: out={out}: no space left on device; nothing was changed "
                                      "(free space or choose another folder)")  # no chapter 'started' in the fake
    assert tree_listing(out) == before and siblings(out) == ["out"]  # no half-written staging, no .failed


@pytest.mark.book  # builds the book with jupyter-book (slow tier)
def test_disk_full_during_a_build_on_a_small_tmpfs(tmp_path, capsys, mounts, monkeypatch):
    """DF1: `smallcaps build --out` on a 2 MB file system (a real tmpfs when this process may
    mount one; else the copy into the staging folder fails with ENOSPC, simulated)."""
    small = tmp_path / "small"
    if _mount_tmpfs(small, "2m"):
        mounts.append(small)
    else:
        def enospc(*a, **k):
            raise OSError(errno.ENOSPC, "No space left on device", str(small))

        monkeypatch.setattr(runner.shutil, "copytree", enospc)
    (small / "keep.txt").write_text("the user's file on that disk")
    out = small / "site"
    assert cli.main(["build", "--out", str(out)]) == 2
    assert one_line_error(capsys) == (f"smallcaps: out={out}: no space left on device; nothing was changed "
                                      "(free space or choose another folder)")
    assert sorted(os.listdir(small)) == ["keep.txt"]  # the half-written staging folder is gone
    if mounts:
        assert shutil.disk_usage(small).used < 100_000  # the disk is not left full


# -- swaps ---------------------------------------------------------------------------------------------------


def test_swap_without_renameat2(fake_chapters, tmp_path, monkeypatch):
    def unsupported(a, b):
        raise OSError(errno.ENOSYS, "renameat2 is not available")

    monkeypatch.setattr(outdir, "_exchange", unsupported)
    out = tmp_path / "out"
    previous_run(out)
    runner.run(chapters=["valuation"], out=out)
    assert (out / "html" / "index.html").read_text() == "<p>the new site</p>"
    assert siblings(out) == ["out"]


def test_out_that_is_a_mount_point_is_staged_inside_it(fake_chapters, tmp_path, monkeypatch):
    """A volume mounted on --out cannot be renamed: the staging folder lives inside and its
    entries are swapped in."""
    out = tmp_path / "volume"
    previous_run(out)
    real = os.path.ismount
    monkeypatch.setattr(outdir.os.path, "ismount", lambda p: Path(p) == out or real(p))
    runner.run(chapters=["valuation"], out=out)
    assert fake_chapters["out_dir"] == out / f".smallcaps-staging-{os.getpid()}"
    assert (out / "html" / "index.html").read_text() == "<p>the new site</p>"
    assert (out / "valuation.results.json").read_text() == "{}"  # this run's, not the earlier one's
    assert not any(n.startswith(".smallcaps-") and n != ".smallcaps-run" for n in os.listdir(out))
    assert outdir.foreign_entries(out, "run") == []
    runner.run(chapters=["valuation"], out=out)  # and again
    assert outdir.foreign_entries(out, "run") == []


@pytest.mark.book  # builds the book with jupyter-book (slow tier)
def test_build_writes_a_marked_site_and_rebuilds_it(tmp_path):
    site = tmp_path / "site"
    assert runner.build(out=site) == site
    marker = json.loads((site / ".smallcaps-site").read_text())
    assert marker["kind"] == "site" and "index.html" in marker["files"]
    assert (site / "book" / "rotation.html").is_file()
    runner.build(out=site)  # its own folder: accepted
    assert siblings(site) == ["site"]


# -- the lock ------------------------------------------------------------------------------------------------


def test_a_second_command_on_a_locked_folder_fails_at_once(fake_chapters, tmp_path, capsys):
    out = tmp_path / "out"
    previous_run(out)
    with outdir.locked(out):
        t0 = time.perf_counter()
        assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
        assert time.perf_counter() - t0 < 3
        line = one_line_error(capsys)
        assert line.startswith(f"smallcaps: out={out} is in use by another smallcaps command (pid {os.getpid()}: ")
        assert line.endswith("wait for it to finish or choose another folder")
    assert fake_chapters["calls"] == 0
    site = tmp_path / "site"
    with outdir.locked(site):
        assert cli.main(["build", "--out", str(site)]) == 2
        assert "is in use by another smallcaps command" in one_line_error(capsys)
    assert not site.exists()
    runner.run(chapters=["valuation"], out=out)  # released
    assert not outdir.lock_path(out).exists()


# -- real runs in a subprocess: signals and two runs at once -------------------------------------------------------


def _env(tmp_path: Path, snapshot_dir: Path) -> dict[str, str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return {**os.environ, "SMALLCAPS_OFFLINE": "1", "SMALLCAPS_SNAPSHOT": str(snapshot_dir),
            "SMALLCAPS_STORE": str(tmp_path / "store"), "TMPDIR": str(tmp_path / "tmp")}


def _start_run(out: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([SMALLCAPS, "run", "--chapters", "data", "--out", str(out), "--jobs", "2"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_kernels(proc: subprocess.Popen, timeout: float = 90) -> list[psutil.Process]:
    """Wait until the run executes a notebook (a kernel runs); return every process of the run."""
    main = psutil.Process(proc.pid)

    def is_kernel(p: psutil.Process) -> bool:
        try:
            return "ipykernel_launcher" in " ".join(p.cmdline())
        except psutil.Error:
            return False

    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        family = main.children(recursive=True)
        if any(is_kernel(p) for p in family):
            time.sleep(1.0)  # let it start executing cells
            return [main, *main.children(recursive=True)]
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    raise AssertionError("no kernel started")


def _sleep_forever() -> None:
    time.sleep(600)


@pytest.mark.timeout(60)
def test_killing_the_workers_leaves_their_exit_status_to_multiprocessing():
    """F02 in CI (stop 18): the tracker reaped the pool's workers (psutil.wait_procs), so
    multiprocessing saw them alive forever and the exit hook joining the pool's manager thread
    never returned: `smallcaps run` hung after `smallcaps: interrupted (SIGTERM)`."""
    import multiprocessing as mp

    worker = mp.get_context("fork").Process(target=_sleep_forever)
    worker.start()
    tracker = interrupts.ProcessTracker()
    tracker.update([worker.pid])
    assert tracker.kill_all(timeout=5) == [worker.pid]
    worker.join(timeout=5)
    assert worker.exitcode == -signal.SIGKILL  # None when the exit status was taken behind its back


@pytest.mark.timeout(60)
def test_a_killed_pool_lets_the_interpreter_exit():
    """The same, end to end: a pool whose workers the tracker killed shuts down and its manager
    thread (joined by the interpreter at exit) ends."""
    import concurrent.futures as cf

    pool = cf.ProcessPoolExecutor(max_workers=2, initializer=interrupts.worker_init)
    futures = [pool.submit(_sleep_forever) for _ in range(2)]
    t_end = time.monotonic() + 30
    while len(pool._processes or {}) < 2 and time.monotonic() < t_end:
        time.sleep(0.05)
    tracker = interrupts.ProcessTracker()
    tracker.update(list(pool._processes))
    assert len(tracker.kill_all(timeout=5)) == 2
    manager = pool._executor_manager_thread
    pool.shutdown(wait=False, cancel_futures=True)
    manager.join(timeout=20)
    assert not manager.is_alive()
    assert all(isinstance(f.exception(timeout=5), cf.process.BrokenProcessPool) for f in futures)


@pytest.mark.book
@pytest.mark.timeout(300)
@pytest.mark.parametrize("case, sig, group, code", [
    ("F01", signal.SIGINT, True, 130),   # Ctrl-C: the whole process group
    ("F02", signal.SIGTERM, False, 143),  # kill <pid>, docker stop: the main process only
    ("F03", signal.SIGTERM, True, 143),   # kill -- -<pgid>
])
def test_a_signal_stops_everything_and_keeps_the_previous_site(tmp_path, snapshot_dir, case, sig, group, code):
    out = tmp_path / "work" / "f"
    before = previous_run(out)
    env = _env(tmp_path, snapshot_dir)
    proc = _start_run(out, env)
    family = _wait_for_kernels(proc)
    assert len(family) >= 3  # main, workers, at least one kernel
    if group:
        os.killpg(proc.pid, sig)
    else:
        os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err[-2000:]
    assert err.strip().splitlines()[-1] == f"smallcaps: interrupted ({signal.Signals(sig).name})"
    assert "Traceback" not in err
    gone, alive = psutil.wait_procs(family, timeout=5)
    assert not alive, f"processes of the run left after it stopped: {[p.pid for p in alive]}"
    time.sleep(2)  # nothing keeps writing after the exit
    assert tree_listing(out) == before
    assert siblings(out) == ["f"]  # no staging folder, no lock file
    left = [p.relative_to(tmp_path / "tmp").as_posix() for p in (tmp_path / "tmp").rglob("*")]
    assert left == [], f"left in the run's temporary folder (kernel connection files?): {left}"


@pytest.mark.book
@pytest.mark.timeout(300)
def test_two_runs_into_one_folder(tmp_path, snapshot_dir):
    """K01: the second run fails at once naming the first; the first is not disturbed."""
    out = tmp_path / "work" / "k"
    before = previous_run(out)
    env = _env(tmp_path, snapshot_dir)
    first = _start_run(out, env)
    _wait_for_kernels(first)
    t0 = time.perf_counter()
    second = subprocess.run([SMALLCAPS, "run", "--chapters", "valuation", "--out", str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert time.perf_counter() - t0 < 10
    assert second.returncode == 2
    assert second.stderr.strip().startswith(f"smallcaps: out={out} is in use by another smallcaps command "
                                            f"(pid {first.pid}: smallcaps run --chapters data --out {out}")
    assert first.poll() is None
    os.killpg(first.pid, signal.SIGTERM)
    first.communicate(timeout=60)
    assert tree_listing(out) == before


# -- which checkout (F-17) ------------------------------------------------------------------------------------


def test_commands_outside_a_checkout_fail_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for argv in (["build"], ["refresh", "--chapters", "data"], ["run", "--chapters", "data"]):
        assert cli.main(argv) == 2
        assert one_line_error(capsys) == (f"smallcaps: {tmp_path} is not inside a checkout of Small Caps on Trial "
                                          f"(no pyproject.toml with book/ and _toc.yml above it); "
                                          f"smallcaps is installed from {ROOT}: cd there")
    assert os.listdir(tmp_path) == []


def test_a_second_clone_sharing_the_venv_never_touches_the_first(tmp_path):
    """F-17: `smallcaps build/run/refresh` in a clone that uses this checkout's venv fail with one
    line naming both, and change nothing in either checkout."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    watched = {p: p.read_bytes() for p in sorted((ROOT / "book").glob("*")) if p.is_file()}
    site_marker = ROOT / "_build" / "html" / ".smallcaps-site"
    site_before = site_marker.read_bytes() if site_marker.exists() else None
    clone_before = tree_listing(clone / "book")
    for argv in (["build"], ["refresh", "--chapters", "data"], ["run", "--chapters", "data"]):
        proc = subprocess.run([SMALLCAPS, *argv], cwd=clone / "book", capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        assert proc.stderr.strip() == (f"smallcaps: this checkout is {clone.resolve()}, "
                                       f"but smallcaps is installed from {ROOT} and would act on that one; "
                                       f"run `make setup` in {clone.resolve()} and use its .venv")
    assert {p: p.read_bytes() for p in watched} == watched
    assert (site_marker.read_bytes() if site_marker.exists() else None) == site_before
    assert tree_listing(clone / "book") == clone_before and not (clone / "_build").exists()
    assert runner.find_checkout(clone / "book") == clone.resolve()


@pytest.mark.book  # builds the book with jupyter-book (slow tier)
def test_the_checkouts_own_site_folder_is_always_rebuilt(tmp_path):
    """`_build/html` in the checkout belongs to the project (the browser test saves screenshots
    in it), so `make book` after `make test` rebuilds it; it is still swapped in whole."""
    default = ROOT / "_build" / "html"
    runner.build()
    (default / "_screenshots").mkdir(exist_ok=True)
    (default / "_screenshots" / "x.png").write_bytes(b"png")
    assert runner.build() == default
    assert not (default / "_screenshots").exists()
    assert json.loads((default / ".smallcaps-site").read_text())["kind"] == "site"
    assert not any(n.startswith("html.") or n.startswith(".html.") for n in os.listdir(ROOT / "_build"))
