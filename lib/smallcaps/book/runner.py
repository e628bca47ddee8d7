"""Execute chapters with papermill and build the HTML book with Jupyter Book 1.x.

Three entry points, one per way readers use the book:

* :func:`build` -- HTML from the committed, executed notebooks: no execution, no data, no
  network (``smallcaps build``).
* :func:`run` -- execute chosen chapters with new dates into a separate folder and build a
  separate book there; the committed book is untouched (``smallcaps run``).
* :func:`refresh` -- re-execute ``book/`` in place against the reference snapshot, offline; the
  maintainer's command that produces the committed outputs (``smallcaps refresh``).

Chapters run in parallel in a process pool (the scorecard and the landing page last: they
read the others' results). A failed chapter makes the command fail with the chapter's name and error line, and
no site is built.

Output folders (:mod:`smallcaps.book.outdir`): ``build`` and ``run`` write only folders they made
(a marker file records it), lock them, write everything into a staging folder beside them and
swap it in only when the whole command succeeded; a failed, interrupted or killed command leaves
the previous folder as it was. A run's folder holds::

    .smallcaps-run            marker: tool version, kind, created, command, every file below
    <chapter>.ipynb           the executed notebooks (scorecard and data appendix included)
    <chapter>.results.json    each thesis chapter's results
    _inputs/<file>            copies of files given with -p (e.g. moves_csv), passed by relative path
    _logs/<chapter>.log       each kernel's stderr; _logs/build.log: jupyter-book's output
    html/                     the book built from these notebooks

Signals (:mod:`smallcaps.book.interrupts`): the pool's workers and their kernels are tracked and
killed when the command stops for any reason; kernels' connection files live in a temporary
runtime folder of the command, removed at the end.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import os
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..config import UNVERIFIED_ENV, Settings, project_root
from ..errors import ParameterError, SmallcapsError
from ..params import check_run
from . import CHAPTERS, NOT_RERUN, RESULT_READERS, THESIS_CLAIMS, interrupts, outdir
from .jb import BuildError, _warnings_of, jupyter_book  # noqa: F401 (BuildError: part of this module's API)
from .outdir import OutputError
from .results import results_filename

#: Files copied from the checkout to build a book (besides the notebooks).
BOOK_FILES = ("_config.yml", "_toc.yml", "references.bib")
REMOVE_TAG = "remove-cell"


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


def is_checkout(folder: Path) -> bool:
    """Whether ``folder`` is a checkout of this project (pyproject.toml naming smallcaps, book/, _toc.yml)."""
    try:
        text = (folder / "pyproject.toml").read_text()
    except OSError:
        return False
    return (folder / "book").is_dir() and (folder / "_toc.yml").is_file() and 'name = "smallcaps"' in text


def find_checkout(start: Path | None = None) -> Path | None:
    """The checkout holding ``start`` (default: the current directory), walking up; or None."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None


def checkout() -> Path:
    """The checkout the command is run in (the current directory or one of its parents).

    Raises
    ------
    SmallcapsError
        The current directory is in no checkout, or in a different one from the checkout the
        ``smallcaps`` package is installed from (a shared or copied venv): the command would
        otherwise read one clone's code and write another's files. One line names both.
    """
    here = Path.cwd()
    root = find_checkout(here)
    installed = project_root()
    if root is None:
        where = f"; smallcaps is installed from {installed}: cd there" if installed else ""
        raise ParameterError(f"{here} is not inside a checkout of Small Caps on Trial (no pyproject.toml with "
                             f"book/ and _toc.yml above it){where}")
    if installed is not None and installed.resolve() != root:
        raise ParameterError(f"this checkout is {root}, but smallcaps is installed from {installed} and would act on "
                             f"that one; run `make setup` in {root} and use its .venv")
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
    from ..params import parse_date

    ts = parse_date(value, "date")
    if ts is None:  # not reached: parse_date raises on a missing date unless allow_none
        raise ParameterError("date is required; give a date as YYYY-MM-DD")
    return ts.date().isoformat()


def with_companions(chosen: list[str]) -> list[str]:
    """The chosen chapters plus the landing page, the scorecard, the data appendix and the review
    page, which every run needs (each describes the run itself: its verdicts, its data, the
    amendments behind its verdicts; the landing page links the review page)."""
    out = list(chosen)
    for companion in ("scorecard", "data", "intro", "review"):
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


def _kernel_manager_class(env: dict[str, str], log, cwd: str, runtime_dir: str | None):
    """A kernel manager that starts the chapter's kernel with ``env`` added to this process's
    environment, in ``cwd``, with its stdout and stderr in ``log`` and its connection file in
    ``runtime_dir``: nothing of this process (its environment, its fd 2, its cwd) changes."""
    from jupyter_client.manager import AsyncKernelManager

    class ChapterKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            extra = dict(env)
            if runtime_dir:
                extra["JUPYTER_RUNTIME_DIR"] = runtime_dir
                if not self.connection_file:
                    self.connection_file = os.path.join(runtime_dir, f"kernel-{uuid.uuid4()}.json")
            kw["env"] = {**kw.get("env", os.environ), **extra}
            kw["cwd"] = cwd
            kw["stdout"] = log
            kw["stderr"] = log
            return await super()._async_pre_start_kernel(**kw)

    return ChapterKernelManager


def _execute(chapter: str, src: str, dest: str, cwd: str, parameters: dict | None, env: dict[str, str],
             timeout: int, runtime_dir: str | None = None) -> ChapterRun:
    """Execute one notebook (in a pool worker). The kernel gets ``env`` and writes its stderr to
    ``cwd/_logs/<chapter>.log``; papermill's own log lines go there too, for this call only."""
    import papermill as pm

    log_dir = Path(cwd) / "_logs"
    log_dir.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    with open(log_dir / f"{chapter}.log", "w") as log:
        handler = logging.StreamHandler(log)
        pm_log = logging.getLogger("papermill")
        pm_log.addHandler(handler)
        propagate, pm_log.propagate = pm_log.propagate, False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pm.execute_notebook(src, dest, parameters=parameters or None, kernel_name="python3",
                                    progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                                    execution_timeout=timeout,
                                    kernel_manager_class=_kernel_manager_class(env, log, cwd, runtime_dir))
            tidy_notebook(Path(dest))
            return ChapterRun(chapter, True, time.perf_counter() - t0)
        except pm.PapermillExecutionError as exc:
            line = f"{exc.ename}: {exc.evalue}".strip().splitlines()[0] if exc.ename else str(exc).splitlines()[0]
            return ChapterRun(chapter, False, time.perf_counter() - t0, f"cell {exc.exec_count}: {line}")
        except Exception as exc:  # kernel died, timeout, unreadable notebook, disk full
            msg = str(exc).strip().splitlines()
            return ChapterRun(chapter, False, time.perf_counter() - t0,
                              f"{type(exc).__name__}: {msg[0] if msg else ''}")
        finally:
            pm_log.removeHandler(handler)
            pm_log.propagate = propagate


def _schedule(chapters: list[str], timings: dict[str, float] | None = None) -> list[str]:
    """Order of submission: thesis chapters and the appendix longest first (by the last
    recorded timings, else notebook size), so two workers finish together; the pages that read
    the results (the scorecard, the landing page) are submitted separately, as soon as the
    thesis chapters they read have finished."""
    timings = timings or {}

    def cost(ch: str) -> float:
        if ch in timings:
            return timings[ch]
        nb = book_dir() / CHAPTERS[ch]
        return nb.stat().st_size / 1e5 if nb.is_file() else 0.0

    return sorted((c for c in chapters if c not in RESULT_READERS), key=cost, reverse=True)


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
    show its stability of their verdicts), then the thesis chapters, then the pages that read
    all of their results (the scorecard, the landing page, the review page)."""
    thesis = {c for c in chapters if c in THESIS_CLAIMS}
    first = {c for c in chapters if c == "robustness"}
    out = {c: set(first) for c in thesis}
    for reader in RESULT_READERS:
        if reader in chapters:
            out[reader] = thesis | first
    return out


def execute_chapters(chapters: list[str], src_dir: Path, out_dir: Path, *,
                     parameters: dict | Callable[[str], dict | None] | None, env: dict[str, str],
                     jobs: int, timeout: int, on_event: Callable[[str, str, ChapterRun | None], None] | None = None,
                     timings: dict[str, float] | None = None,
                     runtime_dir: str | os.PathLike | None = None) -> list[ChapterRun]:
    """Execute notebooks ``src_dir/<chapter>.ipynb`` into ``out_dir`` in a process pool.

    ``on_event(chapter, state, run)`` is called with state ``running``, ``done`` or ``failed``.
    A chapter starts once the chapters it waits for (:func:`_after`) have finished: the
    Robustness page before the thesis chapters, the pages that read results (the scorecard, the
    landing page, the review page) after them; if one of those failed, it is not run. Kernel
    connection files go to ``runtime_dir``.

    If this function is left by an exception (an interrupt included), every worker and kernel
    it started is killed before the exception propagates: nothing keeps writing afterwards.
    """
    results: list[ChapterRun] = []
    after = _after(chapters)
    runtime = str(runtime_dir) if runtime_dir else None

    def submit(pool, ch):
        nb = CHAPTERS[ch]
        params = parameters(ch) if callable(parameters) else parameters
        if on_event:
            on_event(ch, "running", None)
        return pool.submit(_execute, ch, str(src_dir / nb), str(out_dir / nb), str(out_dir), params, env, timeout,
                           runtime)

    waiting = _schedule(chapters, timings) + [c for c in RESULT_READERS if c in chapters]
    pool = cf.ProcessPoolExecutor(max_workers=max(1, jobs), initializer=interrupts.worker_init)
    is_processes = isinstance(pool, cf.ProcessPoolExecutor) and hasattr(pool, "_processes")
    tracker = interrupts.ProcessTracker()
    finished_ok = False
    try:
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
            if is_processes:
                tracker.update(list((pool._processes or {}).keys()))
            done, _ = cf.wait(pending, timeout=0.5, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                pending.pop(fut)
                run_ = fut.result()
                results.append(run_)
                if on_event:
                    on_event(run_.chapter, "done" if run_.ok else "failed", run_)
        finished_ok = True
    finally:
        if finished_ok:
            pool.shutdown(wait=True)
        else:
            with interrupts.deferred():
                if is_processes:
                    tracker.update(list((pool._processes or {}).keys()))
                tracker.kill_all()
                pool.shutdown(wait=False, cancel_futures=True)
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
    pages = {p.name for p in book_dir(src_root).glob("*.md")}
    for stale in (stage / "book").glob("*.md"):  # a page removed (or turned into a notebook) since
        if stale.name not in pages:
            stale.unlink()
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


def build_site(stage: Path, site: Path, *, strict: bool = True, pdf: bool = True) -> Path:
    """Build the staged book and copy its HTML into ``site`` (a new or empty staging folder); with
    ``pdf``, print the whole book to ``site/small-caps-on-trial.pdf`` too (:mod:`smallcaps.book.pdf`).

    Raises
    ------
    BuildError
        The build failed: names the first warnings (``site`` is not created).
    OSError
        ENOSPC: the disk filled up during the build.
    """
    from .pdf import PDF_NAME, build_pdf

    proc = jupyter_book(stage, strict=strict, log=stage / "build.log")
    html = stage / "_build" / "html"
    if proc.returncode != 0 or not (html / "index.html").is_file():
        # Sphinx would treat the failed pages as up to date next time and not warn again
        shutil.rmtree(stage / "_build", ignore_errors=True)
        if outdir.disk_full(proc.stdout + proc.stderr):
            import errno

            raise OSError(errno.ENOSPC, "No space left on device", str(stage))
        warns = _warnings_of(proc)[:5]
        raise BuildError("jupyter-book build failed"
                         + (": " + " | ".join(warns) if warns else f" (see {stage / 'build.log'})"))
    if pdf:
        build_pdf(stage, html, strict=strict)
    else:
        (html / PDF_NAME).unlink(missing_ok=True)
    shutil.copytree(html, site, dirs_exist_ok=True)
    return site


def _out_error(out: Path, exc: OSError) -> OutputError:
    """One line for an OSError while writing ``out``."""
    if outdir.disk_full(exc):
        return OutputError(f"out={out}: no space left on device; nothing was changed "
                           "(free space or choose another folder)")
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        src, _, why = exc.args[0][0]  # copytree gathers (source, destination, reason) for every file
        return OutputError(f"out={out}: could not copy {len(exc.args[0])} file(s), e.g. {Path(src).name} ({why}); "
                           "nothing was changed")
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"out={out}: {exc.strerror or exc}{where}; nothing was changed")


def build(out: Path | None = None, *, strict: bool = True, fresh: bool = False, pdf: bool = True) -> Path:
    """Build HTML from the committed notebooks in ``book/`` (no execution, no data, no network),
    and the whole book as one PDF in the site (``pdf=False`` skips it).

    Sphinx's cache in ``_build/src`` makes repeat builds fast; ``fresh=True`` discards it so
    every page is read (and warned about) again. The site goes to ``out`` under the rules of
    :mod:`smallcaps.book.outdir` (a marked folder, locked, swapped in only on success).

    Returns the folder holding ``index.html`` (default ``_build/html`` in the checkout).

    Raises
    ------
    OutputError
        ``out`` holds files smallcaps did not make, is in use, or cannot be written.
    BuildError
        The build failed; the previous site is left as it was.
    """
    import fcntl

    root = checkout()
    chapters = [c for c in CHAPTERS if (book_dir(root) / CHAPTERS[c]).is_file()]
    default = root / "_build" / "html"
    site = Path(os.path.abspath(out)) if out else default
    if site == default:
        site.parent.mkdir(parents=True, exist_ok=True)
    _refuse_inside_checkout(site, root, allowed=default)
    stage = root / "_build" / "src"
    try:
        with outdir.prepare(site, "site", project_owned=site == default) as target:
            if fresh:
                shutil.rmtree(stage, ignore_errors=True)
            stage.mkdir(parents=True, exist_ok=True)
            # one build at a time in a checkout: builds share the staging folder (and Sphinx's cache)
            with open(root / "_build" / ".build.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                _stage(root, stage, book_dir(root), chapters, toc=True)
                build_site(stage, target.staging, strict=strict, pdf=pdf)
            return target.commit()
    except OSError as exc:
        raise _out_error(site, exc) from None


def _refuse_inside_checkout(out: Path, root: Path, allowed: Path | None = None) -> None:
    """``out`` must not be the checkout, hold it, or sit in its committed sources."""
    out = out.resolve() if out.exists() else out
    if allowed is not None and out == allowed:
        return
    if out == root or root.is_relative_to(out):
        raise OutputError(f"out={out} would overwrite the checkout; choose another folder")
    for inside in ("book", "lib", "tests", ".git", "_build"):
        if out.is_relative_to(root / inside):
            raise OutputError(f"out={out} is inside the checkout's {inside}/; choose another folder (e.g. runs/NAME)")


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
    # the opt-in to a snapshot without a manifest (--unverified-snapshot) and the locations of
    # user files travel the same way
    if os.environ.get(UNVERIFIED_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        env[UNVERIFIED_ENV] = "1"
    env.update(KERNEL_ENV)
    return env


def check(*, start=None, end=None, as_of=None, chapters=None, extra: dict | None = None, out=None):
    """Everything ``run`` checks before any kernel starts: chapter ids, dates against each chosen
    chapter's window and data, every ``-p`` value against the chapters that declare it, and the
    output folder (``out``; None: the default ``runs/<start>_<end>``).

    Returns ``(chapters, RunParameters, output folder)``.

    Raises
    ------
    ParameterError
        One line naming the parameter and the valid values; OutputError for the folder.
    """
    chosen = with_companions(rerun_ids(chapters))
    rp = check_run(chosen, {"start": start, "end": end, "as_of": as_of}, extra or {})
    root = checkout()
    label = f"{rp.dates.get('start', 'default')}_{rp.dates.get('end', 'default')}"
    out_dir = Path(os.path.abspath(out)) if out else root / "runs" / label
    _refuse_inside_checkout(out_dir, root)
    if out_dir.parent != root / "runs" or out_dir.parent.is_dir():
        outdir.check_target(out_dir, "run")
    return chosen, rp, out_dir


def run(*, start: str | None = None, end: str | None = None, as_of: str | None = None, chapters=None,
        out: str | os.PathLike | None = None,
        jobs: int | None = None, mode: str | None = None, snapshot=None, store=None, timeout: int = 1800,
        strict: bool = True, on_event=None, extra: dict | None = None, pdf: bool = True) -> RunReport:
    """Execute chapters with new dates into ``out`` and build a separate book there.

    The landing page, the scorecard and the data appendix always run too: the first two show
    this run's verdicts (claims of chapters not run appear as missing), the appendix the data
    this run used.

    Dates left out keep each chapter's own default (its committed window), so ``run()`` with no
    dates re-executes the book as published, e.g. on freshly fetched data. Given dates apply to
    every chapter and must lie within each chapter's data. ``extra`` holds ``-p`` parameters
    (typed): each goes only to the chapters that declare it; a file parameter (``moves_csv``) is
    copied into the run's ``_inputs/`` and passed by that relative path.

    Everything is written into a staging folder beside ``out`` and swapped in at the end (see
    the module's docstring): a failed or interrupted run leaves ``out`` as it was. After a failed
    chapter or build, the staging folder is kept as ``<out>.failed`` (when that name is free or
    holds an earlier failed run) so its notebooks and logs can be read.

    Raises
    ------
    ParameterError
        Bad dates, chapter ids or parameters (before anything runs).
    OutputError
        ``out`` is refused, in use, cannot be written, or the disk filled up.
    ChapterFailed
        A chapter failed: names the chapter and its error line; no site is built.
    BuildError
        The HTML build failed.
    """
    chosen, rp, out_dir = check(start=start, end=end, as_of=as_of, chapters=chapters, extra=extra, out=out)
    root = checkout()
    if out_dir.parent == root / "runs":
        out_dir.parent.mkdir(exist_ok=True)  # the checkout's own runs/ folder
    partial = not set(THESIS_CLAIMS) <= set(chosen)
    env = kernel_env(mode, snapshot, store)
    timings = _load_timings(root / "_build")
    try:
        with outdir.prepare(out_dir, "run") as target, \
                tempfile.TemporaryDirectory(prefix="smallcaps-runtime-") as runtime:
            staging = target.staging
            (staging / "_logs").mkdir()
            inputs = {}
            for name, path in rp.files.items():  # the user's files travel by a relative path only
                (staging / "_inputs").mkdir(exist_ok=True)
                shutil.copy2(path, staging / "_inputs" / path.name)
                inputs[name] = f"_inputs/{path.name}"

            def params_for(chapter: str) -> dict:
                p = {k: inputs.get(k, v) for k, v in rp.by_chapter[chapter].items()}
                # a partial run's scorecard shows the chapters that did not run as missing, not an error
                if chapter == "scorecard" and partial:
                    p["require_complete"] = False
                return p

            runs = execute_chapters(chosen, book_dir(root), staging, parameters=params_for, env=env,
                                    jobs=jobs or os.cpu_count() or 2, timeout=timeout, on_event=on_event,
                                    timings=timings, runtime_dir=runtime)
            _save_timings(root / "_build", runs)
            report = RunReport(runs=runs, out=target.out)
            if not report.ok:
                full = [r for r in report.failures() if outdir.disk_full(r.error)]
                if full:
                    raise OSError(28, "No space left on device", f"{target.out} (chapter {full[0].chapter})")
                kept = target.keep_failed()
                raise ChapterFailed("; ".join(f"chapter {r.chapter} failed: {r.error}" for r in report.failures())
                                    + (f"; its notebooks and logs are in {kept}" if kept else ""))
            stage = staging / "_build" / "src"
            _stage(root, stage, staging, chosen, toc=True)
            try:
                build_site(stage, staging / "html", strict=strict, pdf=pdf)
            except BuildError as exc:
                shutil.copy2(stage / "build.log", staging / "_logs" / "build.log")
                kept = target.keep_failed()
                raise BuildError(f"{exc}" + (f"; its notebooks and logs are in {kept}" if kept else "")) from None
            shutil.move(stage / "build.log", staging / "_logs" / "build.log")
            shutil.rmtree(staging / "_build")
            target.commit()
            report.site = target.out / "html"
            return report
    except OSError as exc:
        raise _out_error(out_dir, exc) from None


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
    refreshed, the pages that read results (the scorecard, the landing page, the review page) are
    refreshed after it, so they always match the committed results. Refreshing the Robustness
    page first runs the book's specification sweep (:func:`sweep_book`, a local Dask cluster of
    ``jobs`` workers) and commits its table (``book/robustness/sweep.parquet``) with the page.
    """
    root = checkout()
    chosen = chapter_ids(chapters)
    if any(c in THESIS_CLAIMS or c == "robustness" for c in chosen):
        for reader in RESULT_READERS:
            if reader not in chosen and (book_dir(root) / CHAPTERS[reader]).is_file():
                chosen.append(reader)
    # --snapshot, else SMALLCAPS_SNAPSHOT, else ../shared/data beside the checkout
    snap = Settings.resolve(mode="offline", snapshot=snapshot).snapshot
    if snap is None:
        raise ParameterError("snapshot is not set and the reference snapshot ../shared/data is missing; "
                             "pass --snapshot")
    env = kernel_env("offline", snap, store)
    with tempfile.TemporaryDirectory(prefix="smallcaps-refresh-") as tmp, \
            tempfile.TemporaryDirectory(prefix="smallcaps-runtime-") as runtime:
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
                                timings=_load_timings(root / "_build"), runtime_dir=runtime)
        _save_timings(root / "_build", runs)
        with interrupts.deferred():  # a notebook and its results are replaced together
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
