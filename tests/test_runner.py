"""End-to-end: `smallcaps run` executes chapters into a separate folder and builds a separate
book there, hiding papermill's parameter cell; a failing chapter names itself and its error line
and leaves no site; `smallcaps refresh` re-executes in place. Uses the data appendix, the
fastest chapter."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from smallcaps import cli
from smallcaps.book import runner

from conftest import previous_run, tree_listing

ROOT = Path(__file__).resolve().parents[1]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def kernel_offline(monkeypatch, snapshot_dir, tmp_path):
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(snapshot_dir))
    monkeypatch.setenv("SMALLCAPS_STORE", str(tmp_path / "store"))


@pytest.mark.book
@pytest.mark.timeout(600)
def test_run_builds_a_separate_book_and_leaves_the_committed_one(kernel_offline, tmp_path):
    committed = _digest(ROOT / "book" / "data.ipynb")
    out = tmp_path / "run"
    report = runner.run(start="1990-01-01", end="2020-12-31", chapters=["data"], out=out, jobs=1)
    assert report.ok and report.site == out / "html"
    assert (out / "html" / "book" / "data.html").is_file()
    assert _digest(ROOT / "book" / "data.ipynb") == committed, "run must not touch book/"

    nb = nbformat.read(out / "data.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
    assert 'start = "1990-01-01"' in injected[0].source
    page = (out / "html" / "book" / "data.html").read_text()
    assert 'start = "1990-01-01"' not in page and "injected" not in page.lower()
    assert "start 1990-01-01, end 2020-12-31" in page  # the chapter states the parameters it used
    assert (out / "html" / "book" / "scorecard.html").is_file()
    assert not (out / "html" / "book" / "rotation.html").exists()
    # the readers of the run's results come with every run: the landing page, the scorecard, the review page
    assert sorted(os.listdir(out)) == [".smallcaps-run", "_logs", "data.ipynb", "html", "intro.ipynb", "review.ipynb",
                                       "scorecard.ipynb"]
    assert sorted(os.listdir(out / "_logs")) == ["build.log", "data.log", "intro.log", "review.log", "scorecard.log"]


@pytest.mark.book
@pytest.mark.timeout(600)
def test_failing_chapter_names_itself_and_leaves_the_previous_run(kernel_offline, tmp_path):
    out = tmp_path / "run"
    before = previous_run(out)
    with pytest.raises(runner.ChapterFailed) as err:
        runner.run(start="1990-01-01", end="2031-12-31", chapters=["data"], out=out, jobs=1)
    msg = str(err.value)
    assert msg.startswith("chapter data failed: cell ")
    assert "ParameterError: end=2031-12-31 is after the last date of the book's data; valid: 1871-01-01.." in msg
    assert msg.endswith(f"; its notebooks and logs are in {tmp_path / 'run.failed'}")
    assert "\n" not in msg
    assert tree_listing(out) == before  # the earlier run's site and files, byte for byte
    failed = nbformat.read(tmp_path / "run.failed" / "data.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in failed.cells if c.cell_type == "code" for o in c.outputs)
    assert (tmp_path / "run.failed" / "_logs" / "data.log").is_file()


def test_cli_run_rejects_bad_dates_before_any_work(capsys):
    assert cli.main(["run", "--start", "2020-02-30", "--end", "2021-01-01", "--chapters", "data"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "smallcaps: start='2020-02-30' is not a date; give YYYY-MM-DD"
    assert cli.main(["run", "--start", "2021-01-01", "--end", "2020-01-01"]) == 2
    assert "end=2020-01-01 is before start=2021-01-01" in capsys.readouterr().err


@pytest.mark.book
@pytest.mark.timeout(600)
def test_refresh_reexecutes_in_place(kernel_offline, tmp_path, monkeypatch):
    book = tmp_path / "book"
    shutil.copytree(ROOT / "book", book)
    monkeypatch.setattr(runner, "book_dir", lambda root=None: book)
    before = nbformat.read(book / "data.ipynb", as_version=4)
    report = runner.refresh(chapters=["data"], jobs=1)
    assert [r.chapter for r in report.runs] == ["data"] and report.ok
    after = nbformat.read(book / "data.ipynb", as_version=4)
    checked = [(b, a) for b, a in zip(before.cells, after.cells, strict=True) if "NBVAL_CHECK_OUTPUT" in b.source]
    assert checked, "the data appendix has checked cells"
    for b, a in checked:
        assert ([o.get("data", {}).get("text/plain") for o in a.outputs]
                == [o.get("data", {}).get("text/plain") for o in b.outputs])
    assert not any("injected-parameters" in c.metadata.get("tags", []) for c in after.cells)
    assert all("papermill" not in c.metadata for c in after.cells)
