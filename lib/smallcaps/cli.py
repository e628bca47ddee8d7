"""The ``smallcaps`` command.

::

    smallcaps data status [--tickers]          what is available, from where, coverage, vintage
    smallcaps data verify [--snapshot DIR]     check every snapshot file's sha256 (exit 0 only if all match)
    smallcaps data fetch [--all | --french N.. --fred ID.. --vix --shiller --tickers T..]
                                               live download into the store, with a progress bar
    smallcaps build [--out DIR]                HTML from the committed notebooks (no execution, no data)
    smallcaps run [--start D] [--end D] [--as-of D] [--chapters a,b] [--out DIR] [--jobs N] [-p NAME=VALUE]
                                               execute chapters with new dates into DIR and build a book there
    smallcaps refresh [--chapters a,b]         re-execute book/ in place against the reference snapshot
    smallcaps sweep [--claims R1 M3 ..] [--windows ..] [--design grid] [--out DIR] [--scheduler ADDR | --workers N]
                                               every claim under every specification and window, on Dask

Global options (before the sub-command): ``--mode``, ``--snapshot``, ``--store``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from . import __version__
from .errors import SmallcapsError

# wide enough for the status table when output is piped (rich assumes 80 columns then)
console = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err_console = Console(stderr=True, highlight=False)


def _session(args, mode: str | None = None):
    from .data import DataSession

    return DataSession(mode=mode or args.mode, snapshot=args.snapshot, store=args.store)


# -- data status ------------------------------------------------------------------------------


def cmd_data_status(args) -> int:
    from .status import availability

    ds = _session(args)
    rows = availability(ds)
    table = Table(title=f"Data available ({ds.settings.mode} mode)", show_lines=False)
    for col in ("dataset", "from", "coverage", "vintage", "sha256"):
        table.add_column(col, no_wrap=col != "vintage")
    for r in rows:
        table.add_row(r.dataset, r.origin, r.coverage, r.vintage, r.sha256[:12])
    console.print(table)
    snap = ds.snapshot.root if ds.snapshot else "none"
    console.print(f"snapshot: {snap}\nstore: {ds.store.root}")
    if args.tickers:
        etfs, stocks = ds.etf_tickers(), ds.stock_tickers()
        console.print(f"\nETFs and indices in the snapshot ({len(etfs)}): {' '.join(etfs)}")
        console.print(f"\nStocks in the snapshot panel ({len(stocks):,}): {' '.join(stocks)}")
    return 0


# -- data verify ------------------------------------------------------------------------------


def cmd_data_verify(args) -> int:
    from .snapshot import Snapshot

    from .config import Settings

    snap_dir = Settings.resolve(mode="offline", snapshot=args.snapshot, store=args.store).snapshot
    if snap_dir is None:
        err_console.print("smallcaps: no snapshot selected; pass --snapshot DIR or set SMALLCAPS_SNAPSHOT")
        return 2
    snap = Snapshot(snap_dir)
    if not snap.has_manifest:
        err_console.print(f"smallcaps: {snap_dir} has no MANIFEST.tsv: nothing to verify against")
        return 1
    results = snap.verify()
    bad = [r for r in results if r[1] != "ok"]
    for rel, status, detail in bad:
        console.print(f"[red]{status:9}[/red] {rel}: {detail}")
    ok = len(results) - len(bad)
    console.print(f"{ok} of {len(results)} files match MANIFEST.tsv (snapshot {snap.snapshot_id})")
    return 0 if not bad else 1


# -- data fetch -------------------------------------------------------------------------------


def cmd_data_fetch(args) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import catalog

    jobs: list[tuple[str, callable]] = []
    french = list(args.french or []) + (list(catalog.FRENCH) if args.all else [])
    fred = list(args.fred or []) + (list(catalog.FRED) if args.all else [])
    tickers = list(args.tickers or []) + (list(catalog.ALL_ETFS) if args.all else [])
    ds = _session(args, mode="refresh")
    ds.deadline = args.deadline
    for name in dict.fromkeys(french):
        jobs.append((f"french/{name}", lambda n=name: ds.french(n)))
    for sid in dict.fromkeys(fred):
        jobs.append((f"fred/{sid}", lambda s=sid: ds.fred(s)))
    if args.vix or args.all:
        jobs.append(("cboe/VIX", ds.vix))
    if args.shiller or args.all:
        jobs.append(("shiller/ie_data", ds.shiller))
    tickers = list(dict.fromkeys(t.upper() for t in tickers))
    for i in range(0, len(tickers), args.batch):
        batch = tickers[i : i + args.batch]
        jobs.append((f"yahoo {batch[0]}..{batch[-1]} ({len(batch)})", lambda b=batch: ds.prices(b)))
    if not jobs:
        err_console.print("smallcaps: nothing to fetch; name datasets (--french, --fred, --vix, --shiller, --tickers) or pass --all")
        return 2
    failures = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, transient=False) as progress:
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


# -- book ---------------------------------------------------------------------------------------


class _ChapterProgress:
    """A live table of chapters: queued, running (with elapsed time), done or failed."""

    def __init__(self, chapters):
        import time

        from rich.live import Live

        self.time = time
        self.state = {c: ("queued", None, "") for c in chapters}
        self.live = Live(self._render(), console=err_console, refresh_per_second=4, transient=False)

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
        if state == "running":
            self.state[chapter] = ("running", self.time.perf_counter(), "")
        else:
            self.state[chapter] = (state, run.seconds, run.error)
        self.live.update(self._render())

    def __enter__(self):
        self.live.__enter__()
        return self

    def __exit__(self, *exc):
        self.live.update(self._render())
        out = self.live.__exit__(*exc)
        if not err_console.is_terminal:
            err_console.print()  # end the table's last line before the summary
        return out


def cmd_build(args) -> int:
    import time

    from .book import runner

    t0 = time.perf_counter()
    site = runner.build(out=args.out and __import__("pathlib").Path(args.out), strict=not args.no_strict)
    console.print(f"built {site / 'index.html'} in {time.perf_counter() - t0:.1f} s")
    return 0


def _params(items: list[str]) -> dict:
    """``NAME=VALUE`` pairs to papermill parameters (ints and floats parsed, paths absolute)."""
    from pathlib import Path

    from .errors import ParameterError

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.isidentifier():
            raise ParameterError(f"param={item!r} is not NAME=VALUE")
        for cast in (int, float):
            try:
                out[name] = cast(value)
                break
            except ValueError:
                continue
        else:
            out[name] = str(Path(value).resolve()) if name.endswith(("_csv", "_path", "_file")) else value
    return out


def cmd_run(args) -> int:
    import time

    from .book import runner
    from .book.params import parse_date, window

    if args.start and args.end:
        window(args.start, args.end, args.as_of)  # one-line errors before any work
    for name in ("start", "end", "as_of"):
        if getattr(args, name):
            parse_date(getattr(args, name), name)
    chosen = runner.with_companions(runner.rerun_ids(args.chapters))
    t0 = time.perf_counter()
    with _ChapterProgress(chosen) as prog:
        report = runner.run(start=args.start, end=args.end, as_of=args.as_of, chapters=chosen, out=args.out,
                            jobs=args.jobs, mode=args.mode, snapshot=args.snapshot, store=args.store,
                            strict=not args.no_strict, on_event=prog.event, extra=_params(args.param))
    console.print(f"ran {len(report.runs)} chapter(s) and built {report.site / 'index.html'} "
                  f"in {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_refresh(args) -> int:
    import time

    from .book import runner

    chosen = runner.chapter_ids(args.chapters)
    t0 = time.perf_counter()
    with _ChapterProgress(chosen + (["scorecard"] if "scorecard" not in chosen and any(
            c in ("rotation", "momentum", "valuation", "graduation", "robustness") for c in chosen)
            and (runner.book_dir() / "scorecard.ipynb").is_file() else [])) as prog:
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smallcaps", description="Small Caps on Trial: data, chapters and the book.")
    p.add_argument("--version", action="version", version=f"smallcaps {__version__}")
    p.add_argument("--mode", choices=("offline", "auto", "refresh"), default=None,
                   help="data mode (default: SMALLCAPS_MODE, or offline if SMALLCAPS_OFFLINE=1, else auto)")
    p.add_argument("--snapshot", default=None, help="snapshot folder (default: SMALLCAPS_SNAPSHOT or ../shared/data); 'none' for none")
    p.add_argument("--store", default=None, help="store folder (default: SMALLCAPS_STORE or .store in the checkout)")
    sub = p.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="inspect, verify and fetch data")
    dsub = data.add_subparsers(dest="data_command", required=True)
    st = dsub.add_parser("status", help="what is available, from where, coverage and vintage")
    st.add_argument("--tickers", action="store_true", help="also list every ticker available")
    st.set_defaults(func=cmd_data_status)
    ve = dsub.add_parser("verify", help="check every snapshot file against MANIFEST.tsv")
    ve.add_argument("--snapshot", dest="snapshot", default=argparse.SUPPRESS, help="snapshot folder to verify")
    ve.set_defaults(func=cmd_data_verify)
    fe = dsub.add_parser("fetch", help="download live data into the store")
    fe.add_argument("--all", action="store_true", help="every dataset the book uses")
    fe.add_argument("--french", nargs="+", metavar="NAME", help="French library datasets, e.g. F-F_Research_Data_Factors")
    fe.add_argument("--fred", nargs="+", metavar="ID", help="FRED series ids, e.g. BAMLH0A0HYM2")
    fe.add_argument("--vix", action="store_true", help="CBOE VIX history")
    fe.add_argument("--shiller", action="store_true", help="Shiller's ie_data.xls")
    fe.add_argument("--tickers", nargs="+", metavar="T", help="Yahoo tickers (ETFs, stocks, ^TNX)")
    fe.add_argument("--batch", type=int, default=50, help="tickers per Yahoo request (default 50)")
    fe.add_argument("--deadline", type=float, default=120.0, help="overall seconds allowed per download (default 120)")
    fe.set_defaults(func=cmd_data_fetch)

    bu = sub.add_parser("build", help="build the HTML book from the committed notebooks (no execution, no data)")
    bu.add_argument("--out", default=None, help="site folder (default _build/html)")
    bu.add_argument("--no-strict", action="store_true", help="do not treat Sphinx warnings as errors")
    bu.set_defaults(func=cmd_build)

    ru = sub.add_parser("run", help="execute chapters with new dates into a separate folder and build a book there")
    ru.add_argument("--start", default=None, help="first date, YYYY-MM-DD (default: each chapter's own)")
    ru.add_argument("--end", default=None, help="last date, YYYY-MM-DD (default: each chapter's own)")
    ru.add_argument("--as-of", dest="as_of", default=None, help="the claims' 'today', within start..end (default: end)")
    ru.add_argument("--chapters", default=None, help="comma-separated chapter ids (default: all): "
                    "rotation, momentum, valuation, graduation, scorecard, data")
    ru.add_argument("--out", default=None, help="output folder (default runs/<start>_<end>)")
    ru.add_argument("--jobs", type=int, default=None, help="chapters run in parallel (default: CPU count)")
    ru.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                    help="a chapter parameter, e.g. -p moves_csv=moves.csv (repeatable; numbers stay numbers)")
    ru.add_argument("--no-strict", action="store_true", help="do not treat Sphinx warnings as errors")
    ru.set_defaults(func=cmd_run)

    rf = sub.add_parser("refresh", help="re-execute book/ in place against the reference snapshot (maintainers)")
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
    sw.add_argument("--step", type=int, default=5, help="expanding and rolling windows end every STEP years (default 5)")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SmallcapsError as exc:
        err_console.print(f"smallcaps: {exc}", soft_wrap=True, markup=False)
        return 2
    except KeyboardInterrupt:
        err_console.print("smallcaps: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
