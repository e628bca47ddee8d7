"""Execute chapters with papermill and build the HTML book with Jupyter Book 1.x.

Three entry points, one per way readers use the book:

* :func:`build` -- HTML from the committed, executed notebooks: no execution, no data, no
  network (``smallcaps build``).
* :func:`run` -- execute chosen chapters with new dates into a separate folder and build a
  separate book there; the committed book is untouched (``smallcaps run``).
* :func:`refresh` -- re-execute ``book/`` in place against the reference snapshot, offline; the
  maintainer's command that produces the committed outputs (``smallcaps refresh``).

Chapters run in parallel in a process pool (the scorecard last: it reads the others'
results). A failed chapter makes the command fail with the chapter's name and error line, and
no site is built; sites are built into a temporary folder and swapped into place only when the
build succeeded, so a half-built site never sits where a good one is expected.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..config import project_root, reference_snapshot
from ..errors import ParameterError, SmallcapsError
from . import CHAPTERS, NOT_RERUN, THESIS_CLAIMS
from .params import window
from .results import results_filename

#: Files copied from the checkout to build a book (besides the notebooks).
BOOK_FILES = ("_config.yml", "_toc.yml", "references.bib")
REMOVE_TAG = "remove-cell"


class BuildError(SmallcapsError):
    """The HTML build failed (a Sphinx warning in strict mode, or an error)."""


class ChapterFailed(SmallcapsError):
    """One or more chapters failed to execute."""


@dataclass
class ChapterRun:
    """Outcome of executing one chapter."""

    chapter: str
    ok: bool
    seconds: float
    error: str = ""


# -- locations ------------------------------------------------------------------------------------


def checkout() -> Path:
    root = project_root()
    if root is None:
        raise SmallcapsError("smallcaps is not installed from a checkout (pip install -e .): no book to build")
    return root


def book_dir(root: Path | None = None) -> Path:
    return (root or checkout()) / "book"


def chapter_ids(spec: str | Iterable[str] | None) -> list[str]:
    """Parse ``--chapters`` (comma separated or a list); None means every chapter in the book.

    Raises
    ------
    ParameterError
        An unknown chapter id, or one whose notebook does not exist yet.
    """
    if spec is None:
        return [c for c in CHAPTERS if (book_dir() / CHAPTERS[c]).is_file()]
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out = []
    for c in (s.strip() for s in items):
        if not c:
            continue
        if c not in CHAPTERS:
            raise ParameterError(f"chapters={c!r} is unknown; valid: {', '.join(CHAPTERS)}")
        if not (book_dir() / CHAPTERS[c]).is_file():
            raise ParameterError(f"chapters={c!r} has no notebook yet (book/{CHAPTERS[c]})")
        out.append(c)
    if not out:
        raise ParameterError("chapters is empty; valid: " + ", ".join(CHAPTERS))
    return list(dict.fromkeys(out))


def rerun_ids(spec: str | Iterable[str] | None) -> list[str]:
    """:func:`chapter_ids` for ``smallcaps run``: every chapter but those never re-run with new
    dates (the Robustness page); naming one is an error."""
    if spec is None:
        return [c for c in chapter_ids(None) if c not in NOT_RERUN]
    out = chapter_ids(spec)
    for c in out:
        if c in NOT_RERUN:
            raise ParameterError(f"chapters={c!r} is not re-run with new dates (it reads the committed specification "
                                 f"sweep); explore other windows with `smallcaps sweep --windows START..END`")
    return out


def pd_date(value) -> str:
    """ISO form of a date parameter (already validated)."""
    from .params import parse_date

    return parse_date(value, "date").date().isoformat()


def with_companions(chosen: list[str]) -> list[str]:
    """The chosen chapters plus the scorecard and the data appendix, which every run needs (the
    introduction links to both; each describes the run itself)."""
    out = list(chosen)
    for companion in ("scorecard", "data"):
        if companion not in out and (book_dir() / CHAPTERS[companion]).is_file():
            out.append(companion)
    return out


# -- notebook post-processing -------------------------------------------------------------------


def tidy_notebook(path: Path, *, hide_parameters: bool = True) -> None:
    """Hide parameter cells in the HTML and drop execution metadata that only adds noise.

    papermill's injected-parameters cell (and the original ``parameters`` cell, whose values it
    overrides) get the ``remove-cell`` tag; the chapter prints the parameters it actually used.
    """
    from .prose import apply_flags

    nb = nbformat.read(path, as_version=4)
    apply_flags(nb)  # the paragraphs whose conditions hold, and only those
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if hide_parameters and ("injected-parameters" in tags or "parameters" in tags) and REMOVE_TAG not in tags:
            tags.append(REMOVE_TAG)
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if not tags:
            cell.metadata.pop("tags")
    nb.metadata.pop("papermill", None)
    nbformat.write(nb, path)


# -- executing one chapter (runs in a worker process) --------------------------------------------


def _execute(chapter: str, src: str, dest: str, cwd: str, parameters: dict | None, env: dict[str, str],
             timeout: int) -> ChapterRun:
    import papermill as pm

    os.environ.update(env)
    # kernels inherit this worker's stderr: send their chatter to a log, not the reader's terminal
    log_dir = Path(cwd) / "_logs"
    log_dir.mkdir(exist_ok=True)
    with open(log_dir / f"{chapter}.log", "w") as log:
        os.dup2(log.fileno(), 2)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(src, dest, parameters=parameters or None, cwd=cwd, kernel_name="python3",
                            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                            execution_timeout=timeout)
        tidy_notebook(Path(dest))
        return ChapterRun(chapter, True, time.perf_counter() - t0)
    except pm.PapermillExecutionError as exc:
        line = f"{exc.ename}: {exc.evalue}".strip().splitlines()[0] if exc.ename else str(exc).splitlines()[0]
        return ChapterRun(chapter, False, time.perf_counter() - t0, f"cell {exc.exec_count}: {line}")
    except Exception as exc:  # kernel died, timeout, unreadable notebook
        msg = str(exc).strip().splitlines()
        return ChapterRun(chapter, False, time.perf_counter() - t0, f"{type(exc).__name__}: {msg[0] if msg else ''}")


def _schedule(chapters: list[str], timings: dict[str, float] | None = None) -> list[str]:
    """Order of submission: thesis chapters and the appendix longest first (by the last
    recorded timings, else notebook size), so two workers finish together; the scorecard is
    submitted separately, as soon as the thesis chapters it reads have finished."""
    timings = timings or {}

    def cost(ch: str) -> float:
        if ch in timings:
            return timings[ch]
        nb = book_dir() / CHAPTERS[ch]
        return nb.stat().st_size / 1e5 if nb.is_file() else 0.0

    return sorted((c for c in chapters if c != "scorecard"), key=cost, reverse=True)


TIMINGS_FILE = "_logs/timings.json"


def _load_timings(folder: Path) -> dict[str, float]:
    try:
        import json

        return json.loads((folder / TIMINGS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _save_timings(folder: Path, runs: list[ChapterRun]) -> None:
    import json

    known = _load_timings(folder)
    known.update({r.chapter: round(r.seconds, 2) for r in runs if r.ok})
    (folder / TIMINGS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (folder / TIMINGS_FILE).write_text(json.dumps(known, indent=1, sort_keys=True))


def _after(chapters: list[str]) -> dict[str, set[str]]:
    """What each chapter of a run waits for: the Robustness page first (the thesis chapters
    show its stability of their verdicts), then the thesis chapters, then the scorecard (it
    reads all of their results)."""
    thesis = {c for c in chapters if c in THESIS_CLAIMS}
    first = {c for c in chapters if c == "robustness"}
    out = {c: set(first) for c in thesis}
    if "scorecard" in chapters:
        out["scorecard"] = thesis | first
    return out


def execute_chapters(chapters: list[str], src_dir: Path, out_dir: Path, *,
                     parameters: dict | Callable[[str], dict | None] | None, env: dict[str, str],
                     jobs: int, timeout: int, on_event: Callable[[str, str, ChapterRun | None], None] | None = None,
                     timings: dict[str, float] | None = None) -> list[ChapterRun]:
    """Execute notebooks ``src_dir/<chapter>.ipynb`` into ``out_dir`` in a process pool.

    ``on_event(chapter, state, run)`` is called with state ``running``, ``done`` or ``failed``.
    A chapter starts once the chapters it waits for (:func:`_after`) have finished: the
    Robustness page before the thesis chapters, the scorecard last; if one of those failed, it
    is not run.
    """
    results: list[ChapterRun] = []
    after = _after(chapters)

    def submit(pool, ch):
        nb = CHAPTERS[ch]
        params = parameters(ch) if callable(parameters) else parameters
        if on_event:
            on_event(ch, "running", None)
        return pool.submit(_execute, ch, str(src_dir / nb), str(out_dir / nb), str(out_dir), params, env, timeout)

    waiting = [c for c in _schedule(chapters, timings)] + (["scorecard"] if "scorecard" in chapters else [])
    with cf.ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        pending: dict = {}
        while waiting or pending:
            finished = {r.chapter: r.ok for r in results}
            for ch in list(waiting):
                deps = after.get(ch, set())
                if not deps <= set(finished):
                    continue
                waiting.remove(ch)
                if all(finished[d] for d in deps):
                    pending[submit(pool, ch)] = ch
                else:
                    results.append(ChapterRun(ch, False, 0.0, "not run: an earlier chapter failed"))
                    if on_event:
                        on_event(ch, "failed", results[-1])
            if not pending:
                continue
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                pending.pop(fut)
                run_ = fut.result()
                results.append(run_)
                if on_event:
                    on_event(run_.chapter, "done" if run_.ok else "failed", run_)
    return results


# -- building HTML ----------------------------------------------------------------------------------


def write_toc(path: Path, chapters: Iterable[str], source: Path | None = None) -> None:
    """Write the committed ``_toc.yml`` filtered to the chosen chapters (other pages kept).

    A run of some chapters builds a book of those chapters, with the introduction and the
    references, in the committed book's order and parts.
    """
    import yaml

    source = source or checkout() / "_toc.yml"
    toc = yaml.safe_load(source.read_text())
    chosen = set(chapters)
    dropped = {f"book/{c}" for c in CHAPTERS if c not in chosen}

    def keep(entries):
        return [e for e in entries if e.get("file") not in dropped]

    if "parts" in toc:
        parts = []
        for part in toc["parts"]:
            part = dict(part)
            part["chapters"] = keep(part.get("chapters", []))
            if part["chapters"]:
                parts.append(part)
        toc["parts"] = parts
    if "chapters" in toc:
        toc["chapters"] = keep(toc["chapters"])
    path.write_text(yaml.safe_dump(toc, sort_keys=False))


def _stage(src_root: Path, stage: Path, notebooks_from: Path, chapters: list[str], toc: bool) -> None:
    """Copy the book's sources into ``stage`` (notebooks from ``notebooks_from``)."""
    (stage / "book").mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        if (src_root / name).is_file():
            shutil.copy2(src_root / name, stage / name)
    for p in book_dir(src_root).glob("*.md"):
        shutil.copy2(p, stage / "book" / p.name)
    for p in book_dir(src_root).glob("*.bib"):
        shutil.copy2(p, stage / "book" / p.name)
    for stale in (stage / "book").glob("*.ipynb"):  # a notebook dropped since the last build
        if stale.stem not in {CHAPTERS[c][:-6] for c in chapters}:
            stale.unlink()
    for ch in chapters:
        nb = notebooks_from / CHAPTERS[ch]
        if nb.is_file():
            shutil.copy2(nb, stage / "book" / nb.name)
        res = notebooks_from / results_filename(ch)
        if res.is_file():
            shutil.copy2(res, stage / "book" / res.name)
    if toc:
        write_toc(stage / "_toc.yml", chapters)


def jupyter_book(src: Path, *, strict: bool, log: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``jupyter-book build`` on ``src`` (HTML into ``src/_build/html``)."""
    # jupyter_book has no __main__; call its click entry point in a fresh interpreter so Sphinx
    # state never leaks between builds
    cmd = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
           "build", str(src), "--builder", "html"]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if log is not None:
        log.write_text(proc.stdout + "\n" + proc.stderr)
    return proc


def _warnings_of(proc: subprocess.CompletedProcess) -> list[str]:
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + "\n" + proc.stderr)
    out = []
    for ln in text.splitlines():
        if "WARNING" in ln or "ERROR" in ln or "Traceback" in ln:
            ln = ln.strip()
            if ln not in out:
                out.append(ln)
    return out


def build_site(stage: Path, site: Path, *, strict: bool = True) -> Path:
    """Build the staged book and move its HTML to ``site`` atomically.

    The previous site at ``site`` is replaced only after a successful build; on failure it is
    removed (so no stale site looks current) and BuildError names the first warnings.
    """
    proc = jupyter_book(stage, strict=strict, log=stage / "build.log")
    html = stage / "_build" / "html"
    if proc.returncode != 0 or not (html / "index.html").is_file():
        # Sphinx would treat the failed pages as up to date next time and not warn again
        shutil.rmtree(stage / "_build", ignore_errors=True)
        if site.exists():
            shutil.rmtree(site)
        warns = _warnings_of(proc)[:5]
        raise BuildError("jupyter-book build failed" + (": " + " | ".join(warns) if warns else f" (see {stage / 'build.log'})"))
    site.parent.mkdir(parents=True, exist_ok=True)
    tmp = site.with_name(site.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    shutil.copytree(html, tmp)
    if site.exists():
        old = site.with_name(site.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        site.rename(old)
        tmp.rename(site)
        shutil.rmtree(old)
    else:
        tmp.rename(site)
    return site


def build(out: Path | None = None, *, strict: bool = True, fresh: bool = False) -> Path:
    """Build HTML from the committed notebooks in ``book/`` (no execution, no data, no network).

    Sphinx's cache in ``_build/src`` makes repeat builds fast; ``fresh=True`` discards it so
    every page is read (and warned about) again.

    Returns the folder holding ``index.html`` (default ``_build/html`` in the checkout).
    """
    import fcntl

    root = checkout()
    chapters = [c for c in CHAPTERS if (book_dir(root) / CHAPTERS[c]).is_file()]
    stage = root / "_build" / "src"
    if fresh:
        shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True, exist_ok=True)
    # one build at a time in a checkout: builds share the staging folder (and Sphinx's cache)
    with open(root / "_build" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _stage(root, stage, book_dir(root), chapters, toc=True)
        return build_site(stage, out or (root / "_build" / "html"), strict=strict)


# -- the commands -----------------------------------------------------------------------------------


@dataclass
class RunReport:
    """What ``run`` or ``refresh`` did."""

    runs: list[ChapterRun] = field(default_factory=list)
    site: Path | None = None
    out: Path | None = None

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.runs)

    def failures(self) -> list[ChapterRun]:
        return [r for r in self.runs if not r.ok]


#: Fixed for every execution (run, refresh, nbval): headless figures, stable hashing, and one
#: BLAS thread per kernel, so chapters running side by side do not oversubscribe the cores and
#: floating-point sums happen in the same order everywhere.
KERNEL_ENV = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "MKL_NUM_THREADS": "1"}


def kernel_env(mode: str | None, snapshot: str | os.PathLike | None, store: str | os.PathLike | None) -> dict[str, str]:
    """Environment for chapter kernels: data settings travel by environment, not as injected
    parameters, so notebooks never carry machine paths."""
    env: dict[str, str] = {}
    if mode:
        env["SMALLCAPS_MODE"] = mode
        if mode == "offline":
            env["SMALLCAPS_OFFLINE"] = "1"
    if snapshot:
        env["SMALLCAPS_SNAPSHOT"] = str(Path(snapshot).resolve()) if str(snapshot).lower() != "none" else "none"
    if store:
        env["SMALLCAPS_STORE"] = str(Path(store).resolve())
    env.update(KERNEL_ENV)
    return env


def run(*, start: str | None = None, end: str | None = None, as_of: str | None = None, chapters=None,
        out: str | os.PathLike | None = None,
        jobs: int | None = None, mode: str | None = None, snapshot=None, store=None, timeout: int = 1800,
        strict: bool = True, on_event=None, extra: dict | None = None) -> RunReport:
    """Execute chapters with new dates into ``out`` and build a separate book there.

    The scorecard and the data appendix always run too: the scorecard shows this run's verdicts
    (claims of chapters not run appear as missing), the appendix the data this run used.

    Dates left out keep each chapter's own default (its committed window), so ``run()`` with no
    dates re-executes the book as published, e.g. on freshly fetched data. Given dates apply to
    every chapter and must lie within each chapter's data.

    Raises
    ------
    ParameterError
        Bad dates or chapter ids (before anything runs).
    ChapterFailed
        A chapter failed: names the chapter and its error line; no site is built.
    BuildError
        The HTML build failed.
    """
    given = {k: v for k, v in (("start", start), ("end", end), ("as_of", as_of)) if v not in (None, "")}
    if "start" in given and "end" in given:
        window(start, end, as_of)  # one-line errors before any work
    else:
        from .params import parse_date

        for k, v in given.items():
            parse_date(v, k)
    chosen = with_companions(rerun_ids(chapters))
    root = checkout()
    label = f"{given.get('start', 'default')}_{given.get('end', 'default')}"
    out_dir = Path(out) if out else root / "runs" / label
    out_dir = out_dir.resolve()
    if out_dir == book_dir(root).resolve() or out_dir == root.resolve():
        raise ParameterError(f"out={out_dir} would overwrite the committed book; choose another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in ["_build", "html"]:
        if (out_dir / stale).exists():
            shutil.rmtree(out_dir / stale)
    for ch in chosen:  # results of an earlier run must not leak into this run's scorecard
        (out_dir / results_filename(ch)).unlink(missing_ok=True)
    params = {k: str(pd_date(v)) for k, v in given.items()}
    params.update(extra or {})
    partial = not set(THESIS_CLAIMS) <= set(chosen)

    def params_for(chapter: str) -> dict:
        # a partial run's scorecard shows the chapters that did not run as missing, not an error
        if chapter == "scorecard" and partial:
            return {**params, "require_complete": False}
        return params

    env = kernel_env(mode, snapshot, store)
    timings = _load_timings(root / "_build")
    runs = execute_chapters(chosen, book_dir(root), out_dir, parameters=params_for, env=env,
                            jobs=jobs or os.cpu_count() or 2, timeout=timeout, on_event=on_event, timings=timings)
    _save_timings(root / "_build", runs)
    report = RunReport(runs=runs, out=out_dir)
    if not report.ok:
        raise ChapterFailed("; ".join(f"chapter {r.chapter} failed: {r.error}" for r in report.failures()))
    stage = out_dir / "_build" / "src"
    _stage(root, stage, out_dir, chosen, toc=True)
    report.site = build_site(stage, out_dir / "html", strict=strict)
    return report


#: Folder of the committed sweep table, inside book/.
SWEEP_DIR = "robustness"


def sweep_book(out: Path, *, snapshot, store=None, workers: int | None = None):
    """Run the book's specification sweep (every ported claim, the default design and window
    grid) on a local Dask cluster, offline, into ``out`` (its ``sweep.parquet``)."""
    from .. import sweep
    from .robustness import DESIGN, book_grid

    return sweep.run(None, grid=book_grid(), design=DESIGN, out=out, workers=workers or os.cpu_count() or 2,
                     data={"mode": "offline", "snapshot": str(snapshot), "store": str(store) if store else None})


def refresh(*, chapters=None, jobs: int | None = None, snapshot=None, store=None, timeout: int = 1800,
            on_event=None) -> RunReport:
    """Re-execute ``book/`` in place, offline, against the reference snapshot.

    Notebooks run in a temporary folder; each one replaces its committed version (with its
    results file) only if it executed cleanly. When a thesis chapter or the Robustness page is
    refreshed the scorecard is refreshed after it, so the committed scorecard always matches the
    committed results. Refreshing the Robustness page first runs the book's specification sweep
    (:func:`sweep_book`, a local Dask cluster of ``jobs`` workers) and commits its table
    (``book/robustness/sweep.parquet``) with the page.
    """
    root = checkout()
    chosen = chapter_ids(chapters)
    if any(c in THESIS_CLAIMS or c == "robustness" for c in chosen) and "scorecard" not in chosen \
            and (book_dir(root) / CHAPTERS["scorecard"]).is_file():
        chosen.append("scorecard")
    snap = snapshot or reference_snapshot()
    if snap is None:
        raise ParameterError("snapshot is not set and the reference snapshot ../shared/data is missing; pass --snapshot")
    env = kernel_env("offline", snap, store)
    with tempfile.TemporaryDirectory(prefix="smallcaps-refresh-") as tmp:
        tmpd = Path(tmp)
        # chapters not being refreshed still provide their committed results (the scorecard reads them)
        for res in book_dir(root).glob("*.results.json"):
            shutil.copy2(res, tmpd / res.name)
        if "robustness" in chosen:  # the sweep first: the page reads its table
            if on_event:
                on_event("robustness", "running", None)
            sweep_book(tmpd / SWEEP_DIR, snapshot=snap, store=store, workers=jobs)
        runs = execute_chapters(chosen, book_dir(root), tmpd, parameters=None, env=env,
                                jobs=jobs or os.cpu_count() or 2, timeout=timeout, on_event=on_event,
                                timings=_load_timings(root / "_build"))
        _save_timings(root / "_build", runs)
        for r in runs:
            if not r.ok:
                continue
            nb = CHAPTERS[r.chapter]
            if r.chapter == "robustness":
                (book_dir(root) / SWEEP_DIR).mkdir(exist_ok=True)
                shutil.copy2(tmpd / SWEEP_DIR / "sweep.parquet", book_dir(root) / SWEEP_DIR / "sweep.parquet")
            shutil.copy2(tmpd / nb, book_dir(root) / nb)
            if (tmpd / results_filename(r.chapter)).is_file():
                shutil.copy2(tmpd / results_filename(r.chapter), book_dir(root) / results_filename(r.chapter))
    report = RunReport(runs=runs, out=book_dir(root))
    if not report.ok:
        raise ChapterFailed("; ".join(f"chapter {r.chapter} failed: {r.error}" for r in report.failures()))
    return report
