"""Pieces of the book runner that need no notebook execution and no HTML build."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from smallcaps.book import CHAPTERS, runner
from smallcaps.errors import ParameterError

from conftest import ROOT

VALID = "rotation, momentum, valuation, graduation, robustness, scorecard, data, intro, review"


@pytest.fixture
def book(tmp_path, monkeypatch) -> Path:
    """A book folder holding notebooks for rotation, scorecard and data only."""
    d = tmp_path / "book"
    d.mkdir()
    for c in ("data", "scorecard", "rotation"):
        nbformat.write(nbformat.v4.new_notebook(), d / CHAPTERS[c])
    monkeypatch.setattr(runner, "book_dir", lambda root=None: d)
    return d


# -- chapter ids -----------------------------------------------------------------------------------


def test_default_chapters_are_the_existing_notebooks_in_book_order(book):
    assert runner.chapter_ids(None) == ["rotation", "scorecard", "data"]


def test_chapter_ids_from_a_string_or_a_list(book):
    assert runner.chapter_ids("data, rotation") == ["data", "rotation"]
    assert runner.chapter_ids(["rotation", "rotation", "data", ""]) == ["rotation", "data"]  # de-duplicated


def test_unknown_chapter_lists_the_valid_ids(book):
    with pytest.raises(ParameterError) as info:
        runner.chapter_ids("rotation,nope")
    assert str(info.value) == f"chapters='nope' is unknown; valid: {VALID}"


def test_chapter_without_a_notebook(book):
    with pytest.raises(ParameterError) as info:
        runner.chapter_ids("momentum")
    assert str(info.value) == "chapters='momentum' has no notebook yet (book/momentum.ipynb)"


def test_empty_chapter_list(book):
    with pytest.raises(ParameterError) as info:
        runner.chapter_ids(" , ")
    assert str(info.value) == f"chapters is empty; valid: {VALID}"


def test_default_book_dir_is_the_checkouts_book_folder():
    assert runner.checkout() == ROOT
    assert runner.book_dir() == ROOT / "book"
    assert set(runner.chapter_ids(None)) == {c for c, nb in CHAPTERS.items() if (ROOT / "book" / nb).is_file()}


# -- table of contents -----------------------------------------------------------------------------


def test_write_toc_keeps_intro_glossary_and_references_and_drops_empty_parts(tmp_path):
    out = tmp_path / "_toc.yml"
    runner.write_toc(out, ["rotation", "valuation"], source=ROOT / "_toc.yml")
    toc = yaml.safe_load(out.read_text())
    assert toc["format"] == "jb-book" and toc["root"] == "book/intro"
    assert [p["caption"] for p in toc["parts"]] == ["The four theses", "Appendix", "References"]
    theses = toc["parts"][0]
    assert theses["numbered"] is True
    assert theses["chapters"] == [{"file": "book/rotation"}, {"file": "book/valuation"}]
    assert toc["parts"][1]["chapters"] == [{"file": "book/glossary"}]  # a page, not a notebook: always kept
    assert toc["parts"][2]["chapters"] == [{"file": "book/references"}]


def test_write_toc_with_every_chapter_is_the_committed_toc(tmp_path):
    out = tmp_path / "_toc.yml"
    runner.write_toc(out, list(CHAPTERS), source=ROOT / "_toc.yml")
    assert yaml.safe_load(out.read_text()) == yaml.safe_load((ROOT / "_toc.yml").read_text())


def test_write_toc_scorecard_only(tmp_path):
    out = tmp_path / "_toc.yml"
    runner.write_toc(out, ["scorecard"], source=ROOT / "_toc.yml")
    toc = yaml.safe_load(out.read_text())
    assert [(p["caption"], [c["file"] for c in p["chapters"]]) for p in toc["parts"]] == [
        ("The verdicts", ["book/scorecard"]), ("Appendix", ["book/glossary"]), ("References", ["book/references"])]


def test_write_toc_flat_chapter_list(tmp_path):
    src = tmp_path / "flat.yml"
    src.write_text("format: jb-book\nroot: book/intro\nchapters:\n- file: book/rotation\n- file: book/momentum\n"
                   "- file: book/references\n")
    out = tmp_path / "_toc.yml"
    runner.write_toc(out, ["momentum"], source=src)
    assert yaml.safe_load(out.read_text())["chapters"] == [{"file": "book/momentum"}, {"file": "book/references"}]


# -- notebook tidying ------------------------------------------------------------------------------


def test_tidy_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("start = '2010-01-01'", metadata={"tags": ["parameters"]})
    injected = nbformat.v4.new_code_cell("start = '2015-01-01'", metadata={
        "tags": ["injected-parameters"], "papermill": {"status": "completed"}})
    already = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters", "remove-cell"]})
    plain = nbformat.v4.new_code_cell("y = 2", metadata={
        "papermill": {"duration": 0.1}, "execution": {"iopub.status.busy": "2026-07-14"}, "tags": []})
    shown = nbformat.v4.new_code_cell("z = 3", metadata={"tags": ["hide-input"], "papermill": {}})
    md = nbformat.v4.new_markdown_cell("# Title")
    nb.cells = [md, params, injected, already, plain, shown]
    nb.metadata["papermill"] = {"parameters": {"start": "2015-01-01"}}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "rotation.ipynb"
    nbformat.write(nb, path)

    runner.tidy_notebook(path)
    out = nbformat.read(path, as_version=4)
    cells = out.cells
    assert cells[1].metadata["tags"] == ["parameters", "remove-cell"]
    assert cells[2].metadata == {"tags": ["injected-parameters", "remove-cell"]}
    assert cells[3].metadata["tags"] == ["parameters", "remove-cell"]  # not tagged twice
    assert dict(cells[4].metadata) == {}  # papermill, execution and an empty tag list all gone
    assert cells[5].metadata == {"tags": ["hide-input"]}
    assert "tags" not in cells[0].metadata
    assert "papermill" not in out.metadata
    assert out.metadata["kernelspec"]["name"] == "python3"
    assert [c.source for c in cells] == [c.source for c in nb.cells]
    nbformat.validate(out)


def test_tidy_notebook_can_keep_parameter_cells(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1", metadata={"tags": ["parameters"], "papermill": {}})]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    runner.tidy_notebook(path, hide_parameters=False)
    assert nbformat.read(path, as_version=4).cells[0].metadata == {"tags": ["parameters"]}


# -- kernel environment and scheduling ---------------------------------------------------------


def test_kernel_env_offline_with_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = runner.kernel_env("offline", "snap", "store")
    assert env == {
        "SMALLCAPS_MODE": "offline",
        "SMALLCAPS_OFFLINE": "1",
        "SMALLCAPS_SNAPSHOT": str((tmp_path / "snap").resolve()),
        "SMALLCAPS_STORE": str((tmp_path / "store").resolve()),
        **runner.KERNEL_ENV,
    }


def test_kernel_env_auto_without_snapshot():
    fixed = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
             "MKL_NUM_THREADS": "1"}
    assert runner.kernel_env("auto", "none", None) == {"SMALLCAPS_MODE": "auto", "SMALLCAPS_SNAPSHOT": "none", **fixed}
    assert runner.kernel_env(None, None, None) == fixed


def test_schedule_is_longest_first_and_leaves_the_result_readers_out():
    timings = {"rotation": 8.0, "momentum": 9.0, "valuation": 6.0, "graduation": 11.0, "data": 4.0}
    order = runner._schedule(["scorecard", "intro", "data", "rotation", "valuation", "graduation", "momentum"],
                             timings)
    assert order == ["graduation", "momentum", "rotation", "valuation", "data"]
    assert runner._schedule(["scorecard", "intro"], timings) == []
    assert runner._schedule([], timings) == []


def test_scorecard_waits_for_the_thesis_chapters(monkeypatch, tmp_path):
    """The scorecard and the landing page are submitted only once every thesis chapter in the run
    has finished."""
    order: list[str] = []  # what the workers did, in order: "<chapter> started" / "<chapter> ended"

    def fake_execute(chapter, src, dest, cwd, params, env, timeout, runtime_dir=None):
        import time

        order.append(f"{chapter} started")
        time.sleep({"rotation": 0.3, "data": 0.05}.get(chapter, 0.0))
        order.append(f"{chapter} ended")
        return runner.ChapterRun(chapter, True, 0.1)

    monkeypatch.setattr(runner.cf, "ProcessPoolExecutor", runner.cf.ThreadPoolExecutor)
    monkeypatch.setattr(runner, "_execute", fake_execute)
    events = []
    runner.execute_chapters(["scorecard", "intro", "data", "rotation"], tmp_path, tmp_path, parameters=None, env={},
                            jobs=2, timeout=10, on_event=lambda c, s, r: events.append((c, s)),
                            timings={"rotation": 5.0, "data": 1.0})
    started = [c for c, s in events if s == "running"]
    finished = [c for c, s in events if s == "done"]
    assert set(started[-2:]) == {"scorecard", "intro"}
    for reader in ("scorecard", "intro"):
        assert finished.index("rotation") < finished.index(reader)
        # started after rotation finished: its "running" event follows rotation's "done"
        assert events.index((reader, "running")) > events.index(("rotation", "done"))
        # and the workers themselves executed it only after the thesis chapter had ended
        assert order.index(f"{reader} started") > order.index("rotation ended")


def test_scorecard_is_not_run_after_a_failed_thesis_chapter(monkeypatch, tmp_path):
    def fake_execute(chapter, src, dest, cwd, params, env, timeout, runtime_dir=None):
        return runner.ChapterRun(chapter, chapter != "rotation", 0.1, "" if chapter != "rotation" else "cell 3: boom")

    monkeypatch.setattr(runner.cf, "ProcessPoolExecutor", runner.cf.ThreadPoolExecutor)
    monkeypatch.setattr(runner, "_execute", fake_execute)
    runs = runner.execute_chapters(["scorecard", "intro", "rotation", "data"], tmp_path, tmp_path, parameters=None,
                                   env={}, jobs=2, timeout=10)
    by = {r.chapter: r for r in runs}
    assert not by["rotation"].ok and by["data"].ok
    for reader in ("scorecard", "intro"):
        assert not by[reader].ok and by[reader].error == "not run: an earlier chapter failed"


def test_run_checks_dates_and_out_folder_before_running(book, monkeypatch, tmp_path):
    def refuse(*a, **k):
        raise AssertionError("a chapter was executed")

    monkeypatch.setattr(runner, "execute_chapters", refuse)
    with pytest.raises(ParameterError, match="end=2009-01-01 is before start=2010-01-01"):
        runner.run(start="2010-01-01", end="2009-01-01", chapters="rotation", out=tmp_path / "out")
    monkeypatch.setattr(runner, "checkout", lambda: book.parent)
    with pytest.raises(ParameterError, match="is inside the checkout's book/; choose another folder"):
        runner.run(start="2010-01-01", end="2019-12-31", chapters="rotation", out=book)
    with pytest.raises(ParameterError, match="would overwrite the checkout; choose another folder"):
        runner.run(start="2010-01-01", end="2019-12-31", chapters="rotation", out=book.parent)
    assert not (tmp_path / "out").exists()


def test_write_toc_accepts_any_iterable(tmp_path):
    out = tmp_path / "_toc.yml"
    runner.write_toc(out, (c for c in ["rotation", "valuation"]), source=ROOT / "_toc.yml")
    theses = yaml.safe_load(out.read_text())["parts"][0]
    assert theses["chapters"] == [{"file": "book/rotation"}, {"file": "book/valuation"}]
