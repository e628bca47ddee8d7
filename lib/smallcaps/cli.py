"""The ``smallcaps`` command.

::

    smallcaps data status [--tickers]          what is available, from where, coverage, vintage
    smallcaps data verify [--snapshot DIR]     check every snapshot file's sha256 (exit 0 only if all match)
    smallcaps data fetch [--all | --french N.. --fred ID.. --vix --shiller --tickers T..]
                                               live download into the store, with a progress bar
    smallcaps data snapshot make DIR [--live-only]
                                               freeze the store into a new snapshot folder with MANIFEST.tsv
    smallcaps data snapshot pull URL DIR       download a published snapshot, every file checked (resumable)
    smallcaps build [--out DIR]                HTML from the committed notebooks (no execution, no data)
    smallcaps run [--start D] [--end D] [--as-of D] [--chapters a,b] [--out DIR] [--jobs N] [-p NAME=VALUE]
                                               execute chapters with new dates into DIR and build a book there
    smallcaps refresh [--chapters a,b]         re-execute book/ in place against the reference snapshot
    smallcaps sweep [--claims R1 M3 ..] [--windows ..] [--design grid] [--out DIR] [--scheduler ADDR | --workers N]
                                               every claim under every specification and window, on Dask

Global options (before or after the sub-command): ``--mode``, ``--snapshot``, ``--store``,
``--unverified-snapshot`` (accept a snapshot without MANIFEST.tsv; its data are labelled unverified).
Exit codes: see :data:`EXIT_CODES`. Results go to stdout; progress, logs and errors to stderr.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import ParameterError, SmallcapsError

#: Exit codes of every ``smallcaps`` command (also printed by ``smallcaps --help``).
EXIT_CODES = {
    0: "success",
    1: "a chapter, a check or a download failed (a chapter error, a book build error, a failed "
       "download or snapshot pull, a verify mismatch, missing data)",
    2: "usage error: bad arguments or parameters (the message names the parameter and its valid range)",
    130: "interrupted (Ctrl-C)",
}

# wide enough for the status table when output is piped (rich assumes 80 columns then)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, highlight=False)


def _session(args, mode: str | None = None, unverified_snapshot: bool | None = None):
    from .data import DataSession

    if unverified_snapshot is None:
        unverified_snapshot = True if args.unverified_snapshot else None  # None: the environment decides
    return DataSession(mode=mode or args.mode, snapshot=args.snapshot, store=args.store,
                       unverified_snapshot=unverified_snapshot)


def _settings(args):
    from .config import Settings

    return Settings.resolve(mode=args.mode, snapshot=args.snapshot, store=args.store,
                            unverified_snapshot=True if args.unverified_snapshot else None)


def _snapshot_line(settings, snap) -> str:
    """``snapshot: <dir> (...)``: whether its files are verified, for ``data status``."""
    if snap is None:
        return "snapshot: none"
    if snap.verified:
        return f"snapshot: {snap.root} (verified: {snap.describe()})"
    allowed = ("accepted with --unverified-snapshot" if settings.unverified_snapshot else
               "runs refuse it unless you pass --unverified-snapshot or set SMALLCAPS_UNVERIFIED_SNAPSHOT=1")
    return f"snapshot: {snap.root} (UNVERIFIED: no MANIFEST.tsv, so no file is checked; {allowed})"


# -- data status ------------------------------------------------------------------------------


def cmd_data_status(args) -> int:
    from .status import availability

    settings = _settings(args)
    ds = _session(args, unverified_snapshot=True)  # status only lists: it may show an unverified snapshot
    rows = availability(ds)
    table = Table(title=f"Data available ({ds.settings.mode} mode)", show_lines=False)
    for col in ("dataset", "from", "coverage", "vintage", "sha256"):
        table.add_column(col, no_wrap=col != "vintage")
    for r in rows:
        table.add_row(r.dataset, r.origin, r.coverage, r.vintage, r.sha256[:12])
    console.print(table)
    console.print(f"{_snapshot_line(settings, ds.snapshot)}\nstore: {ds.store.root}", soft_wrap=True)
    if args.tickers:
        etfs, stocks = ds.etf_tickers(), ds.stock_tickers()
        console.print(f"\nETFs and indices in the snapshot ({len(etfs)}): {' '.join(etfs)}")
        console.print(f"\nStocks in the snapshot panel ({len(stocks):,}): {' '.join(stocks)}")
    return 0


# -- data verify ------------------------------------------------------------------------------


def cmd_data_verify(args) -> int:
    from .config import Settings
    from .snapshot import Snapshot

    snap_dir = Settings.resolve(mode="offline", snapshot=args.snapshot, store=args.store).snapshot
    if snap_dir is None:
        err_console.print("smallcaps: no snapshot selected; pass --snapshot DIR or set SMALLCAPS_SNAPSHOT")
        return 2
    snap = Snapshot(snap_dir)
    if not snap.has_manifest:
        err_console.print(f"smallcaps: snapshot {snap_dir} is unverified: it has no MANIFEST.tsv, so there is "
                          "nothing to verify against", soft_wrap=True, markup=False)
        return 1
    results = snap.verify()
    bad = [r for r in results if r[1] != "ok"]
    for rel, status, detail in bad:
        console.print(f"[red]{status:9}[/red] {rel}: {detail}")
    ok = len(results) - len(bad)
    verdict = "verified" if not bad else "NOT verified"
    console.print(f"{ok} of {len(results)} files match MANIFEST.tsv (snapshot {snap.snapshot_id}): {verdict}")
    return 0 if not bad else 1


# -- data fetch -------------------------------------------------------------------------------


def cmd_data_fetch(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import catalog

    jobs: list[tuple[str, Callable[[], object]]] = []
    french = list(args.french or []) + (list(catalog.FRENCH) if args.all else [])
    fred = list(args.fred or []) + (list(catalog.FRED) if args.all else [])
    tickers = list(args.tickers or []) + (list(catalog.ALL_ETFS) if args.all else [])
    ds = _session(args, mode="refresh")
    ds.deadline = args.deadline
    for name in dict.fromkeys(french):
        jobs.append((f"french/{name}", functools.partial(ds.french, name)))
    for sid in dict.fromkeys(fred):
        jobs.append((f"fred/{sid}", functools.partial(ds.fred, sid)))
    if args.vix or args.all:
        jobs.append(("cboe/VIX", ds.vix))
    if args.shiller or args.all:
        jobs.append(("shiller/ie_data", ds.shiller))
    tickers = list(dict.fromkeys(t.upper() for t in tickers))
    for i in range(0, len(tickers), args.batch):
        batch = tickers[i : i + args.batch]
        jobs.append((f"yahoo {batch[0]}..{batch[-1]} ({len(batch)})", functools.partial(ds.prices, batch)))
    if not jobs:
        err_console.print("smallcaps: nothing to fetch; name datasets (--french, --fred, --vix, --shiller, --tickers) "
                          "or pass --all")
        return 2
    from .net import YAHOO_URL, probe
    from .sources import cboe, shiller
    from .sources import fred as fred_src
    from .sources import french as french_src

    urls = ([french_src.base_url()] if french else []) + ([fred_src.url(fred[0])] if fred else []) + \
        ([cboe.url()] if args.vix or args.all else []) + ([shiller.url()] if args.shiller or args.all else []) + \
        ([YAHOO_URL] if tickers else [])
    probe(urls)  # a dead network fails here, at once, with one line
    failures = []
    import logging
    import warnings

    # yfinance and pandas chatter (retries, "possibly delisted", deprecations) would bury the
    # progress bar; every failure is reported below, one line per dataset
    logging.getLogger("yfinance").setLevel(logging.CRITICAL)
    with warnings.catch_warnings(), Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                             TimeElapsedColumn(), console=err_console, transient=False) as progress:
        warnings.simplefilter("ignore")
        task = progress.add_task("fetching", total=len(jobs))
        for label, job in jobs:
            progress.update(task, description=f"fetching {label}")
            try:
                job()
            except SmallcapsError as exc:
                failures.append(f"{label}: {exc}")
            progress.advance(task)
    for f in failures:
        err_console.print(f"[red]failed[/red] {f}")
    console.print(f"{len(jobs) - len(failures)} of {len(jobs)} downloads stored in {ds.store.root}")
    return 0 if not failures else 1


# -- data snapshot ----------------------------------------------------------------------------


def cmd_snapshot_make(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from . import snapshot_dist

    ds = _session(args, mode="offline")  # reads the store and the selected snapshot only
    snapshot_dist.check_target(__import__("pathlib").Path(args.dir).expanduser().absolute())
    files = snapshot_dist.plan(ds.store, ds.snapshot, live_only=args.live_only)  # errors before the bar shows
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console,
                  transient=False) as progress:
        task = progress.add_task("copying", total=len(files))
        made = snapshot_dist.make(
            args.dir, ds.store, ds.snapshot, live_only=args.live_only,
            on_file=lambda p: progress.update(task, advance=1, description=f"copying {p.row.path}"))
        progress.update(task, description="copied")
    console.print(f"wrote {len(made.files)} files ({made.bytes / 1e6:,.1f} MB; "
                  f"{made.count('live')} from live downloads, "
                  f"{made.count('snapshot')} from snapshot {ds.snapshot.snapshot_id if ds.snapshot else '-'}) "
                  f"to {made.root} (snapshot {made.snapshot_id})", soft_wrap=True)
    return 0


def cmd_snapshot_pull(args) -> int:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

    from . import snapshot_dist
    from .config import Settings

    mode = Settings.resolve(mode=args.mode, snapshot="none", store=args.store).mode
    progress = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        TimeRemainingColumn(), console=err_console, transient=False)
    task = progress.add_task("MANIFEST.tsv", total=None)

    def on_start(n, total):  # the bar shows once the manifest and the folder are checked
        progress.update(task, total=total or None, description=f"{n} files")
        progress.start()

    try:
        report = snapshot_dist.pull(
            args.url, args.dir, mode=mode, timeout=args.timeout, on_start=on_start,
            on_bytes=lambda n: progress.update(task, advance=n),
            on_file=lambda path, status: progress.update(task, description=f"{status} {path}"))
        progress.update(task, description="done" if report.complete else "incomplete")
    finally:
        progress.stop()
    for line in report.failed:
        err_console.print(f"smallcaps: {line}", soft_wrap=True, markup=False)
    if not report.complete:
        raise snapshot_dist.pull_error(report)
    console.print(f"{len(report.downloaded)} files downloaded ({report.bytes_downloaded / 1e6:,.1f} MB), "
                  f"{len(report.kept)} already in place; snapshot {report.snapshot_id} complete in {report.root}; "
                  f"use it with SMALLCAPS_SNAPSHOT={report.root}", soft_wrap=True)
    return 0


# -- book ---------------------------------------------------------------------------------------


class _ChapterProgress:
    """A live table of chapters: queued, running (with elapsed time), done or failed.

    It appears with the first chapter that starts, so an error found before (a refused output
    folder, a lock held by another run) is the command's only output."""

    def __init__(self, chapters):
        import time

        from rich.live import Live

        self.time = time
        self.state = {c: ("queued", None, "") for c in chapters}
        self.live = Live(self._render(), console=err_console, refresh_per_second=4, transient=False)
        self.started = False

    def _render(self):
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("chapter")
        table.add_column("state")
        table.add_column("time", justify="right")
        table.add_column("")
        style = {"queued": "dim", "running": "yellow", "done": "green", "failed": "red"}
        for c, (st, t0, msg) in self.state.items():
            el = "" if t0 is None else f"{(self.time.perf_counter() - t0) if st == 'running' else t0:.1f} s"
            table.add_row(c, f"[{style[st]}]{st}[/]", el, msg)
        return table

    def event(self, chapter, state, run):
        if not self.started:
            self.live.__enter__()
            self.started = True
        if state == "running":
            self.state[chapter] = ("running", self.time.perf_counter(), "")
        else:
            self.state[chapter] = (state, run.seconds, run.error)
        self.live.update(self._render())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.started:
            return False
        self.live.update(self._render())
        out = self.live.__exit__(*exc)
        if not err_console.is_terminal:
            err_console.print()  # end the table's last line before the summary
        return out


def cmd_build(args) -> int:
    import time
    from pathlib import Path

    from .book import interrupts, runner

    t0 = time.perf_counter()
    with interrupts.handle_signals():
        site = runner.build(out=Path(args.out) if args.out else None, strict=not args.no_strict,
                            pdf=not args.no_pdf)
    pdf = "" if args.no_pdf else f" and {site / 'small-caps-on-trial.pdf'}"
    console.print(f"built {site / 'index.html'}{pdf} in {time.perf_counter() - t0:.1f} s")
    return 0


def _params(items: list[str]) -> dict:
    """``NAME=VALUE`` pairs to typed values, read as papermill reads ``-p NAME VALUE``
    (``True``, ``False``, ``None``, int, float, else text)."""
    from .params import parse_assignments

    return parse_assignments(items)


def _kernel_vars(args):
    """While chapters run: ``--unverified-snapshot`` as ``SMALLCAPS_UNVERIFIED_SNAPSHOT=1``, which
    the runner passes to every kernel (the environment is restored afterwards)."""
    import contextlib
    import os

    from .config import UNVERIFIED_ENV

    values = {UNVERIFIED_ENV: "1"} if args.unverified_snapshot else {}

    @contextlib.contextmanager
    def scope():
        before = {k: os.environ.get(k) for k in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for k, v in before.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v

    return scope()


def cmd_run(args) -> int:
    import time

    from .book import interrupts, runner

    # every check before any kernel starts: the checkout, chapter ids, dates against each chosen
    # chapter, every -p against the chapters that declare it, files given with -p
    extra = _params(args.param)
    _settings(args).check_snapshot()  # a snapshot without a manifest: refused at once, not in every kernel
    chosen, _, _ = runner.check(start=args.start, end=args.end, as_of=args.as_of, chapters=args.chapters, extra=extra,
                                out=args.out)
    t0 = time.perf_counter()
    with interrupts.handle_signals(), _kernel_vars(args), _ChapterProgress(chosen) as prog:
        report = runner.run(start=args.start, end=args.end, as_of=args.as_of, chapters=chosen, out=args.out,
                            jobs=args.jobs, mode=args.mode, snapshot=args.snapshot, store=args.store,
                            strict=not args.no_strict, on_event=prog.event, extra=extra,
                            pdf=not args.no_pdf)
    console.print(f"ran {len(report.runs)} chapter(s) and built {report.site and report.site / 'index.html'} "
                  f"in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_refresh(args) -> int:
    import time

    from .book import interrupts, runner

    runner.checkout()
    chosen = runner.chapter_ids(args.chapters)
    from pathlib import Path

    from .config import MANIFEST, reference_snapshot
    from .errors import ParameterError

    snap = args.snapshot or reference_snapshot()
    if snap is not None and str(snap).lower() != "none" and not (Path(snap) / MANIFEST).is_file():
        raise ParameterError(f"snapshot={snap} has no {MANIFEST}; the committed book is refreshed only on a "
                             "verified snapshot (one with its manifest)")
    t0 = time.perf_counter()
    from .book import CHAPTERS, RESULT_READERS, THESIS_CLAIMS

    readers = [r for r in RESULT_READERS if r not in chosen and any(c in THESIS_CLAIMS or c == "robustness"
                                                                    for c in chosen)
               and (runner.book_dir() / CHAPTERS[r]).is_file()]
    with interrupts.handle_signals(), _ChapterProgress(chosen + readers) as prog:
        report = runner.refresh(chapters=chosen, jobs=args.jobs, snapshot=args.snapshot, store=args.store,
                                on_event=prog.event)
    console.print(f"refreshed {len(report.runs)} notebook(s) in book/ in {time.perf_counter() - t0:.1f} s")
    return 0


# -- sweep ------------------------------------------------------------------------------------


class _SweepProgress:
    """A progress bar of rows on stderr: done, failed and remaining."""

    def __init__(self):
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("sweep"), BarColumn(), TextColumn("{task.fields[counts]}"),
                                 TimeElapsedColumn(), console=err_console, transient=False)
        self.task = None  # shown from the first count on (not while checks may still refuse the run)

    def __call__(self, p) -> None:
        counts = f"done {p.done:,} (failed {p.failed:,}) · remaining {p.remaining:,} of {p.total:,}"
        if self.task is None:
            self.progress.start()
            self.task = self.progress.add_task("sweep", total=p.total, counts=counts)
        self.progress.update(self.task, completed=p.done, counts=counts)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.task is not None:
            self.progress.stop()
        return False


def cmd_sweep(args) -> int:
    from .errors import ParameterError

    try:
        from . import sweep
    except ImportError as exc:  # the optional extra is missing
        raise ParameterError(f"smallcaps sweep needs Dask: pip install 'smallcaps[sweep]' ({exc})") from None
    grid = sweep.WindowGrid.parse(args.windows, step_years=args.step, lengths=args.lengths, min_years=args.min_years)
    data = {"mode": args.mode, "snapshot": args.snapshot, "store": args.store}
    with _SweepProgress() as prog:
        report = sweep.run(args.claims, grid=grid, design=args.design, out=args.out, scheduler=args.scheduler,
                           workers=args.workers, data=data, retry_failed=args.retry_failed, on_progress=prog)
    console.print(f"sweep: {report.summary()}", soft_wrap=True)
    return 0


# -- parser -----------------------------------------------------------------------------------


def _global_options(suppress: bool) -> argparse.ArgumentParser:
    """The options every sub-command accepts, before or after its name.

    The top-level parser holds the defaults (None); every sub-parser gets the same options with
    ``default=SUPPRESS``, so a value given after the sub-command is set and one given before it
    is not reset by the sub-parser.
    """
    default = argparse.SUPPRESS if suppress else None
    g = argparse.ArgumentParser(add_help=False)
    opts = g.add_argument_group("global options (before or after the sub-command)")
    opts.add_argument("--mode", choices=("offline", "auto", "refresh"), default=default,
                      help="data mode (default: SMALLCAPS_MODE, or offline if SMALLCAPS_OFFLINE=1, else auto)")
    opts.add_argument("--snapshot", default=default, metavar="DIR",
                      help="snapshot folder (default: SMALLCAPS_SNAPSHOT or ../shared/data); 'none' for none")
    opts.add_argument("--store", default=default, metavar="DIR",
                      help="store folder (default: SMALLCAPS_STORE or .store in the checkout)")
    opts.add_argument("--unverified-snapshot", action="store_true", default=default if suppress else False,
                      help="accept a snapshot without MANIFEST.tsv (default: refused; SMALLCAPS_UNVERIFIED_SNAPSHOT=1 "
                           "does the same); every page then says its data were not verified")
    return g


def _epilog() -> str:
    codes = "\n".join(f"  {code:<4} {what}" for code, what in EXIT_CODES.items())
    return (f"exit codes:\n{codes}\n\nResults go to stdout; progress, logs and errors to stderr.\n\n"
            "examples:\n"
            "  smallcaps data snapshot pull https://example.org/snapshot/ data/snapshot\n"
            "  smallcaps run --start 2010-01-01 --end 2019-12-31 --chapters rotation --mode auto")


def build_parser() -> argparse.ArgumentParser:
    glob = _global_options(suppress=True)
    p = argparse.ArgumentParser(prog="smallcaps", description="Small Caps on Trial: data, chapters and the book.",
                                parents=[_global_options(suppress=False)], epilog=_epilog(),
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"smallcaps {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(parent, name: str, help: str, **kw) -> argparse.ArgumentParser:
        return parent.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".", parents=[glob],
                                 epilog=_epilog(), formatter_class=argparse.RawDescriptionHelpFormatter, **kw)

    data = add(sub, "data", "inspect, verify, fetch and share data")
    dsub = data.add_subparsers(dest="data_command", required=True, metavar="COMMAND")
    st = add(dsub, "status", "what is available, from where, coverage and vintage")
    st.add_argument("--tickers", action="store_true", help="also list every ticker available")
    st.set_defaults(func=cmd_data_status)
    ve = add(dsub, "verify", "check every snapshot file against MANIFEST.tsv (exit 0 only if all match)")
    ve.set_defaults(func=cmd_data_verify)
    fe = add(dsub, "fetch", "download live data into the store")
    fe.add_argument("--all", action="store_true", help="every dataset the book uses")
    fe.add_argument("--french", nargs="+", metavar="NAME",
                    help="French library datasets, e.g. F-F_Research_Data_Factors")
    fe.add_argument("--fred", nargs="+", metavar="ID", help="FRED series ids, e.g. BAMLH0A0HYM2")
    fe.add_argument("--vix", action="store_true", help="CBOE VIX history")
    fe.add_argument("--shiller", action="store_true", help="Shiller's ie_data.xls")
    fe.add_argument("--tickers", nargs="+", metavar="T", help="Yahoo tickers (ETFs, stocks, ^TNX)")
    fe.add_argument("--batch", type=int, default=50, help="tickers per Yahoo request (default 50)")
    fe.add_argument("--deadline", type=float, default=120.0, help="overall seconds allowed per download (default 120)")
    fe.set_defaults(func=cmd_data_fetch)
    sn = add(dsub, "snapshot", "make a snapshot folder from the store, or pull a published one")
    ssub = sn.add_subparsers(dest="snapshot_command", required=True, metavar="COMMAND")
    mk = add(ssub, "make", "freeze the store into a new snapshot folder DIR with a MANIFEST.tsv (never overwrites)")
    mk.add_argument("dir", metavar="DIR", help="the snapshot folder to create (must not exist, or be empty)")
    mk.add_argument("--live-only", action="store_true",
                    help="only live downloads (default: also the snapshot files the store was read from, copied "
                         "from the selected --snapshot)")
    mk.set_defaults(func=cmd_snapshot_make)
    pu = add(ssub, "pull", "download the snapshot published at base URL into DIR, every file checked against "
                           "its sha256 (re-run to resume)")
    pu.add_argument("url", metavar="URL", help="base URL: URL/MANIFEST.tsv and URL/<path> for each file it lists")
    pu.add_argument("dir", metavar="DIR", help="the snapshot folder (new, empty, or an earlier pull of the same URL)")
    pu.add_argument("--timeout", type=float, default=60.0, help="seconds allowed to connect and per read (default 60)")
    pu.set_defaults(func=cmd_snapshot_pull)

    bu = add(sub, "build", "build the HTML book from the committed notebooks (no execution, no data)")
    bu.add_argument("--out", default=None, help="site folder: new, empty, or an earlier build's (default "
                    "_build/html); replaced only when the build succeeds")
    bu.add_argument("--no-strict", action="store_true", help="do not treat Sphinx warnings as errors")
    bu.add_argument("--no-pdf", action="store_true", help="skip the whole-book PDF (it needs Debian's chromium)")
    bu.set_defaults(func=cmd_build)

    ru = add(sub, "run", "execute chapters with new dates into a separate folder and build a book there")
    ru.add_argument("--start", default=None, help="first date, YYYY-MM-DD (default: each chapter's own)")
    ru.add_argument("--end", default=None, help="last date, YYYY-MM-DD (default: each chapter's own)")
    ru.add_argument("--as-of", dest="as_of", default=None, help="the claims' 'today', within start..end (default: end)")
    ru.add_argument("--chapters", default=None, help="comma-separated chapter ids (default: all): "
                    "rotation, momentum, valuation, graduation, scorecard, data, intro")
    ru.add_argument("--out", default=None, help="output folder: new, empty, or an earlier run's (default "
                    "runs/<start>_<end>); replaced only when the run succeeds")
    ru.add_argument("--jobs", type=int, default=None, help="chapters run in parallel (default: CPU count)")
    ru.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter of the chosen chapters, e.g. -p moves_csv=moves.csv (repeatable; values read "
                    "as papermill reads them: True, False, None, numbers, else text); given only to the chapters "
                    "that declare it, checked before anything runs")
    ru.add_argument("--no-strict", action="store_true", help="do not treat Sphinx warnings as errors")
    ru.add_argument("--no-pdf", action="store_true", help="skip the whole-book PDF of the run's book")
    ru.set_defaults(func=cmd_run)

    rf = add(sub, "refresh", "re-execute book/ in place against the reference snapshot (maintainers)")
    rf.add_argument("--chapters", default=None, help="comma-separated chapter ids (default: all)")
    rf.add_argument("--jobs", type=int, default=None, help="chapters run in parallel (default: CPU count)")
    rf.set_defaults(func=cmd_refresh)

    sw = sub.add_parser("sweep", help="evaluate claims under every specification and window (Dask)",
                        description="Evaluate each claim over its specification space crossed with a window grid, "
                                    "on a local Dask cluster or an existing one; rows go to OUT/sweep.parquet and a "
                                    "re-run resumes. Windows: published (the chapter's window), claim-date (ending at "
                                    "each date the claim refers to), expanding (from the chapter's start to 31 "
                                    "December of every STEP-th year), rolling (LENGTHS years, same ends); or "
                                    "START..END[@AS_OF].")
    sw.add_argument("--claims", nargs="+", default=None, metavar="ID",
                    help="claim ids or chapter ids (default: every claim of every ported chapter)")
    sw.add_argument("--windows", nargs="+", default=None, metavar="W",
                    help="window kinds (published claim-date expanding rolling; default all) or START..END[@AS_OF]")
    sw.add_argument("--step", type=int, default=5,
                    help="expanding and rolling windows end every STEP years (default 5)")
    sw.add_argument("--lengths", type=int, nargs="+", default=[10, 20, 30], metavar="YEARS",
                    help="rolling window lengths in years (default 10 20 30)")
    sw.add_argument("--min-years", dest="min_years", type=int, default=10,
                    help="shortest expanding window in years (default 10)")
    sw.add_argument("--design", choices=("one-at-a-time", "grid"), default="one-at-a-time",
                    help="one-at-a-time: the default and each alternative alone (default); grid: every combination")
    sw.add_argument("--out", default="runs/sweep", help="output folder (default runs/sweep); a re-run resumes it")
    where = sw.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="an existing Dask scheduler, e.g. tcp://127.0.0.1:8786 (its workers' environment "
                            "gives the data settings)")
    where.add_argument("--workers", type=int, default=None, help="local cluster size (default: CPU count)")
    sw.add_argument("--retry-failed", dest="retry_failed", action="store_true",
                    help="compute again the rows recorded with an error")
    sw.set_defaults(func=cmd_sweep)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return its exit code (see :data:`EXIT_CODES`; argparse exits 2 itself)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return int(args.func(args) or 0)
    except ParameterError as exc:
        err_console.print(f"smallcaps: {exc}", soft_wrap=True, markup=False)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP during build, run or refresh
        from .book.interrupts import Interrupted

        sig = exc if isinstance(exc, Interrupted) else Interrupted()
        err_console.print(f"smallcaps: interrupted ({sig.args[0]})", markup=False)
        return sig.exit_code
    except SmallcapsError as exc:  # a chapter, a build, a download, a check or missing data
        err_console.print(f"smallcaps: {exc}", soft_wrap=True, markup=False)
        return 1


if __name__ == "__main__":
    sys.exit(main())
