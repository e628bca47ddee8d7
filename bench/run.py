"""Benchmarks for the figures quoted in the issues' closing notes (not a test: timings vary).

    python bench/run.py [--skip-run] [--repeat N]

Measures, on the reference snapshot (offline):
1. cold load of the whole snapshot into an empty store, sha256 checks included;
2. warm load (store populated) of every dataset each chapter needs (the datasets listed in its
   committed results file); target under 1 s per chapter;
3. `smallcaps build` (HTML from committed notebooks), target under 10 s;
4. `smallcaps run` over all chapters against `jupyter-book build` with
   `execute_notebooks: force` on the same notebooks (same store, same machine): the ratio.

Results are printed and written to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "lib"))

from smallcaps.book import CHAPTERS, THESIS_CLAIMS  # noqa: E402
from smallcaps.book.results import ChapterResults  # noqa: E402
from smallcaps.config import reference_snapshot  # noqa: E402
from smallcaps.data import DataSession  # noqa: E402


def timed(fn, repeat: int = 1) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def cold_snapshot_load(snapshot: Path) -> dict:
    from smallcaps import inventory

    with tempfile.TemporaryDirectory() as store:
        ds = DataSession(mode="offline", snapshot=snapshot, store=store)
        t0 = time.perf_counter()
        inv = inventory.load_book_data(ds)
        ds.load_dataset("yahoo/stocks_close")
        secs = time.perf_counter() - t0
    return {"seconds": round(secs, 2), "datasets": len(inv.provenance)}


def warm_chapter_loads(snapshot: Path, store: Path, repeat: int) -> dict:
    out = {}
    for chapter in [*THESIS_CLAIMS, "data"]:
        res_path = ROOT / "book" / f"{chapter}.results.json"
        if chapter == "data":
            from smallcaps import inventory

            def load():
                ds = DataSession(mode="offline", snapshot=snapshot, store=store)
                inventory.load_book_data(ds)
        elif res_path.is_file():
            ids = [d["dataset"] for d in ChapterResults.read(res_path).data]

            def load(ids=ids):
                ds = DataSession(mode="offline", snapshot=snapshot, store=store)
                for dataset in ids:
                    ds.load_dataset(dataset)
        else:
            continue
        load()  # warm the store
        med, times = timed(load, repeat)
        out[chapter] = {"median_s": round(med, 3), "runs": [round(t, 3) for t in times]}
    return out


def smallcaps_build(repeat: int) -> dict:
    exe = str(Path(sys.executable).with_name("smallcaps"))
    subprocess.run([exe, "build"], check=True, capture_output=True)  # warm Sphinx's caches once
    cold_dir = ROOT / "_build" / "src"
    shutil.rmtree(cold_dir, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([exe, "build"], check=True, capture_output=True)
    cold = time.perf_counter() - t0
    med, times = timed(lambda: subprocess.run([exe, "build"], check=True, capture_output=True), repeat)
    return {"cold_s": round(cold, 2), "warm_median_s": round(med, 2), "runs": [round(t, 2) for t in times]}


def run_vs_jupyter_book(snapshot: Path, store: Path) -> dict:
    exe = str(Path(sys.executable).with_name("smallcaps"))
    env = {**os.environ, "SMALLCAPS_OFFLINE": "1", "SMALLCAPS_SNAPSHOT": str(snapshot), "SMALLCAPS_STORE": str(store)}
    chapters = [c for c in CHAPTERS if (ROOT / "book" / CHAPTERS[c]).is_file()]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        t0 = time.perf_counter()
        # each chapter's own default window: the same work jupyter-book does on the committed notebooks
        subprocess.run([exe, "run", "--out", str(out)], check=True, capture_output=True, env=env)
        ours = time.perf_counter() - t0
        # the same notebooks through jupyter-book's own execution (sequential, jupyter-cache)
        src = Path(tmp) / "jb"
        from smallcaps.book import runner

        runner._stage(ROOT, src, ROOT / "book", chapters, toc=True)
        cfg = (src / "_config.yml").read_text().replace('execute_notebooks: "off"', 'execute_notebooks: "force"')
        cfg = cfg.replace("execute:\n", "execute:\n  timeout: 1800\n")
        (src / "_config.yml").write_text(cfg)
        t0 = time.perf_counter()
        proc = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(src)],
                              capture_output=True, text=True, env=env)
        jb = time.perf_counter() - t0
    return {"smallcaps_run_s": round(ours, 1), "jupyter_book_force_s": round(jb, 1),
            "ratio": round(jb / ours, 2), "chapters": chapters, "jupyter_book_rc": proc.returncode}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--skip-run", action="store_true", help="skip the (slow) run-vs-jupyter-book comparison")
    args = ap.parse_args()
    snapshot = Path(os.environ.get("SMALLCAPS_SNAPSHOT") or reference_snapshot())
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    results["cold_snapshot_load"] = cold_snapshot_load(snapshot)
    print("cold load of the whole snapshot:", results["cold_snapshot_load"], flush=True)
    with tempfile.TemporaryDirectory() as store:
        results["warm_chapter_loads"] = warm_chapter_loads(snapshot, Path(store), args.repeat)
        print("warm load per chapter:", results["warm_chapter_loads"], flush=True)
        results["smallcaps_build"] = smallcaps_build(args.repeat)
        print("smallcaps build:", results["smallcaps_build"], flush=True)
        if not args.skip_run:
            results["run_vs_jupyter_book"] = run_vs_jupyter_book(snapshot, Path(store))
            print("smallcaps run vs jupyter-book force:", results["run_vs_jupyter_book"], flush=True)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
