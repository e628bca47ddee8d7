"""Benchmark of the specification sweep (not a test: timings vary with the machine's load).

    python bench/sweep.py [--repeat N] [--sweep-repeat N] [--grid book|expanding|full]
                          [--skip-papermill] [--speedup-every K]

On the reference snapshot, offline, over every sweepable claim (every claim of every chapter
ported to claim objects; all 22 once they are), it measures:

1. **one specification against one papermill execution of its chapter**: per chapter, the
   median seconds of one specification on the published window (inputs loaded once, as on a
   worker) against the median seconds of executing the chapter's notebook with papermill
   (a fresh kernel, as ``smallcaps run`` does); target at least 20 times cheaper;
2. **the full sweep**: one-at-a-time specifications of all 22 claims on a window grid, on a
   local Dask cluster of 2 workers, wall time from the command's start (cluster start and
   inputs loading included); target at least 2,000 specifications in under 5 minutes. The grid
   (``--grid``): ``expanding`` (default; the published window, the claims' dates and expanding
   windows ending every 5 years: 2,652 rows), ``book`` (the Robustness page's: 366 rows) or
   ``full`` (``smallcaps sweep``'s default, rolling windows too: 8,970 rows);
3. **speed-up from 1 to 2 workers** on the same sweep restricted to every ``--speedup-every``-th
   window of each claim's grid (all of them with 1); target at least 1.7;
4. **peak memory per worker** (maximum resident set size); target under 2 GB;
5. the **per-row cost** and the **fixed cost** (cluster start and loading), fitted from the runs,
   and what a 100,000-row sweep would need.

Every per-specification measurement is repeated ``--repeat`` times (default 3), every sweep
``--sweep-repeat`` times (default 1); medians and the spread (min-max) are reported, because
other processes on the machine disturb the timings. Results are printed and written to
``bench/results/sweep.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from smallcaps.book import CHAPTERS  # noqa: E402
from smallcaps.book.robustness import DESIGN, book_grid  # noqa: E402
from smallcaps.book.runner import KERNEL_ENV, kernel_env  # noqa: E402
from smallcaps.config import reference_snapshot  # noqa: E402
from smallcaps.sweep import WindowGrid, ported_chapters, run, sweepable_claims  # noqa: E402


def spread(xs: list[float]) -> dict:
    return {"median": round(statistics.median(xs), 3), "min": round(min(xs), 3), "max": round(max(xs), 3),
            "runs": [round(x, 3) for x in xs]}


def per_spec_cost(chapter: str, data: dict, repeat: int) -> dict:
    """Seconds per specification of a chapter's claims on its published window, inputs loaded."""
    from smallcaps.claims import claims_of
    from smallcaps.sweep.chapters import inputs_class
    from smallcaps.sweep.tasks import chapter_inputs

    inputs = chapter_inputs(chapter, data)
    w = inputs_class(chapter)
    from smallcaps.params import window

    win = window(w.default_start, w.default_end)
    specs = [(cls, spec) for cls in claims_of(chapter) for spec in cls.space.variants(DESIGN)]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for cls, spec in specs:
            _ = cls(inputs, win, spec).bare_result  # what a sweep row records
        times.append((time.perf_counter() - t0) / len(specs))
    return {"specifications": len(specs), "seconds_per_spec": spread(times)}


def papermill_cost(chapter: str, data: dict, repeat: int) -> dict:
    """Seconds to execute the chapter's notebook with papermill (fresh kernel), as a run does."""
    import papermill as pm

    env = kernel_env("offline", data["snapshot"], data["store"])
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            for res in (ROOT / "book").glob("*.results.json"):
                shutil.copy2(res, Path(tmp) / res.name)
            old = dict(os.environ)
            os.environ.update(env)  # this benchmark process only: the kernel inherits it
            try:
                t0 = time.perf_counter()
                pm.execute_notebook(str(ROOT / "book" / CHAPTERS[chapter]), str(Path(tmp) / "out.ipynb"), cwd=tmp,
                                    kernel_name="python3", progress_bar=False, log_output=False)
                times.append(time.perf_counter() - t0)
            finally:
                os.environ.clear()
                os.environ.update(old)
    return {"seconds": spread(times)}


def full_sweep(workers: int, data: dict, grid: WindowGrid, repeat: int) -> dict:
    times, rows, peaks, computed = [], [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            rep = run(None, grid=grid, design=DESIGN, out=Path(tmp) / "sweep", workers=workers, data=data)
            times.append(time.perf_counter() - t0)
            rows.append(rep.rows)
            computed.append(rep.computed)
            peaks.append(max(rep.peak_memory_mb.values()))
    return {"workers": workers, "rows": rows[0], "computed": computed[0], "seconds": spread(times),
            "rows_per_second": round(rows[0] / statistics.median(times), 2), "peak_memory_mb_per_worker": spread(peaks)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sweep-repeat", type=int, default=1)
    ap.add_argument("--grid", choices=("book", "expanding", "full"), default="expanding")
    ap.add_argument("--skip-papermill", action="store_true")
    ap.add_argument("--speedup-every", type=int, default=1,
                    help="the 1-vs-2-worker comparison uses every K-th window of each claim's grid (1: all)")
    args = ap.parse_args()
    snap = os.environ.get("SMALLCAPS_SNAPSHOT") or reference_snapshot()
    store = tempfile.mkdtemp(prefix="sweep-bench-store-")
    data = {"mode": "offline", "snapshot": str(snap), "store": store}
    os.environ.update({k: v for k, v in KERNEL_ENV.items() if k != "PYTHONHASHSEED"})
    out: dict = {"machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()},
                 "claims": [c.id for c in sweepable_claims()], "chapters": ported_chapters()}
    print(f"claims: {', '.join(out['claims'])}", flush=True)

    out["per_spec"] = {}
    for chapter in ported_chapters():
        cost = per_spec_cost(chapter, data, args.repeat)
        if not args.skip_papermill:
            cost["papermill"] = papermill_cost(chapter, data, args.repeat)
            cost["ratio"] = round(cost["papermill"]["seconds"]["median"] / cost["seconds_per_spec"]["median"], 1)
        out["per_spec"][chapter] = cost
        print(f"{chapter}: {json.dumps(cost)}", flush=True)

    grid = {"book": book_grid(), "expanding": WindowGrid(kinds=("published", "claim date", "expanding")),
            "full": WindowGrid()}[args.grid]
    out["grid"] = args.grid
    out["full_sweep_2_workers"] = full_sweep(2, data, grid, args.sweep_repeat)
    print(f"full sweep, 2 workers: {json.dumps(out['full_sweep_2_workers'])}", flush=True)
    if args.speedup_every > 1:
        # every K-th window of each claim's grid (published, claim dates, expanding, rolling): a subset
        # with the same mix of window kinds and lengths as the whole sweep
        from smallcaps.sweep.chapters import inputs_class

        picked = set()
        for cls in sweepable_claims():
            w = inputs_class(cls.chapter)
            picked |= {f"{x.start}..{x.end}@{x.as_of}" for x in grid.windows(w.default_start, w.default_end,
                                                                              cls.claim_dates)[::args.speedup_every]}
        sub = WindowGrid.parse(sorted(picked))
    else:
        sub = grid
    one = full_sweep(1, data, sub, args.sweep_repeat)
    two = out["full_sweep_2_workers"] if sub is grid else full_sweep(2, data, sub, args.sweep_repeat)
    out["speedup"] = {"one_worker": one, "two_workers": two,
                      "speedup": round(one["seconds"]["median"] / two["seconds"]["median"], 2)}
    print(f"speed-up 1 -> 2 workers: {out['speedup']['speedup']} ({one['seconds']} vs {two['seconds']})", flush=True)
    # time = fixed + rows * cost / workers: two points (1 and 2 workers on the same rows) fit it
    t1, t2, n = one["seconds"]["median"], two["seconds"]["median"], one["rows"]
    per_row = max(2 * (t1 - t2) / n, 1e-9)
    fixed = max(t1 - n * per_row, 0.0)
    out["model"] = {"per_row_cpu_seconds": round(per_row, 4), "fixed_seconds": round(fixed, 1),
                    "rows_100k_cpu_hours": round(1e5 * per_row / 3600, 2),
                    "rows_100k_wall_minutes_on_32_workers": round((fixed + 1e5 * per_row / 32) / 60, 1)}
    out["machine"]["load_after"] = os.getloadavg()
    print(f"model: {json.dumps(out['model'])}", flush=True)
    dest = ROOT / "bench" / "results"
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "sweep.json").write_text(json.dumps(out, indent=1))
    shutil.rmtree(store, ignore_errors=True)
    print(f"written to {dest / 'sweep.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
