"""Notebook validation: every committed notebook in book/ re-executes on the reference snapshot
and its checked outputs (cells marked ``# NBVAL_CHECK_OUTPUT``: headline numbers and verdicts)
reproduce exactly; each thesis chapter's regenerated results file equals the committed one.

nbval runs on a copy of book/ in a temporary folder, so a test run never rewrites the committed
notebooks or results.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smallcaps.book import CHAPTERS
from smallcaps.book.runner import KERNEL_ENV

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = [c for c, nb in CHAPTERS.items() if (BOOK / nb).is_file()]


@pytest.fixture(scope="module")
def book_copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("nbval") / "book"
    shutil.copytree(BOOK, dest, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    return dest


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store")


def test_every_chapter_has_a_notebook():
    missing = [nb for nb in CHAPTERS.values() if not (BOOK / nb).is_file()]
    assert not missing, f"notebooks missing from book/: {missing}"


@pytest.mark.book
@pytest.mark.timeout(900)
@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_notebook_reproduces(chapter, book_copy, shared_store, snapshot_dir):
    nb = book_copy / CHAPTERS[chapter]
    committed_results = BOOK / f"{chapter}.results.json"
    env = {**os.environ, "SMALLCAPS_OFFLINE": "1", "SMALLCAPS_SNAPSHOT": str(snapshot_dir),
           "SMALLCAPS_STORE": str(shared_store), **KERNEL_ENV}
    env.pop("SMALLCAPS_MODE", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
           "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"), "--rootdir", str(book_copy),
           "-o", "addopts=", "-o", "filterwarnings=", str(nb)]
    proc = subprocess.run(cmd, cwd=book_copy, env=env, capture_output=True, text=True, timeout=880)
    assert proc.returncode == 0, f"nbval failed for {chapter}:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}"
    if committed_results.is_file():
        fresh = json.loads((book_copy / committed_results.name).read_text())
        committed = json.loads(committed_results.read_text())
        assert fresh == committed, (f"{committed_results.name} does not reproduce: "
                                    f"run `smallcaps refresh --chapters {chapter}`")
