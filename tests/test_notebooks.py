"""Notebook validation: every committed notebook in book/ re-executes on the reference snapshot and
EVERY output a reader sees reproduces exactly: every glued value (the numbers in the prose),
every displayed table and text (text/plain, text/markdown, text/html, stdout); images and stderr
are left out. Each thesis chapter's regenerated results file equals the committed one.

The notebooks are executed once, two at a time, by the same code as ``smallcaps refresh``
(papermill, the same kernel environment), into a copy of book/ in a temporary folder, so a test
run never rewrites the committed notebooks or results; :mod:`smallcaps.book.compare` then
compares each with its committed version. This covers strictly more than the nbval check it
replaced (which compared only cells marked ``# NBVAL_CHECK_OUTPUT``).
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from smallcaps.book import CHAPTERS, runner
from smallcaps.book.compare import cell_outputs, compare_notebooks, describe

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = [c for c, nb in CHAPTERS.items() if (BOOK / nb).is_file()]


def test_every_chapter_has_a_notebook():
    missing = [nb for nb in CHAPTERS.values() if not (BOOK / nb).is_file()]
    assert not missing, f"notebooks missing from book/: {missing}"


def _selected_chapters(session) -> list[str]:
    chosen = []
    for item in session.items:
        if item.originalname == "test_notebook_reproduces":
            chosen.append(item.callspec.params["chapter"])
    return [c for c in NOTEBOOKS if c in chosen]


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory, snapshot_dir) -> tuple[Path, dict[str, runner.ChapterRun]]:
    """Execute the selected notebooks once (as `smallcaps refresh` does) into a copy of book/."""
    dest = tmp_path_factory.mktemp("nbexec") / "book"
    shutil.copytree(BOOK, dest, ignore=shutil.ignore_patterns("_build", ".ipynb_checkpoints"))
    fresh = dest / "_fresh"
    fresh.mkdir()
    for res in BOOK.glob("*.results.json"):  # a chapter not selected still feeds the scorecard
        shutil.copy2(res, fresh / res.name)
    # the Robustness page reads the committed sweep beside it, as in `smallcaps refresh` (whose
    # folder holds the sweep it just made)
    shutil.copytree(BOOK / "robustness", fresh / "robustness")
    env = runner.kernel_env("offline", snapshot_dir, tmp_path_factory.mktemp("store"))
    runtime = tmp_path_factory.mktemp("runtime")
    chapters = _selected_chapters(request.session)
    runs = runner.execute_chapters(chapters, dest, fresh, parameters=None, env=env, jobs=2, timeout=880,
                                   runtime_dir=runtime)
    return fresh, {r.chapter: r for r in runs}


@pytest.mark.book
@pytest.mark.timeout(900)
@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_notebook_reproduces(chapter, executed):
    fresh, runs = executed
    run = runs[chapter]
    assert run.ok, f"{chapter} failed to execute: {run.error} (kernel log: {fresh / '_logs' / (chapter + '.log')})"
    diffs = compare_notebooks(BOOK / CHAPTERS[chapter], fresh / CHAPTERS[chapter])
    assert not diffs, (f"{len(diffs)} output(s) of book/{CHAPTERS[chapter]} do not reproduce; run "
                       f"`smallcaps refresh --chapters {chapter}` if the change is intended:\n{describe(diffs)}")
    committed_results = BOOK / f"{chapter}.results.json"
    if committed_results.is_file():
        assert json.loads((fresh / committed_results.name).read_text()) == json.loads(committed_results.read_text()), \
            f"{committed_results.name} does not reproduce: run `smallcaps refresh --chapters {chapter}`"


# -- the comparator itself (no execution) ----------------------------------------------------------------


def _glue_value(nb, key: str) -> str:
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.get("metadata", {}).get("scrapbook", {}).get("name") == key:
                return o["data"]["application/papermill.record/text/plain"]
    raise KeyError(key)


def test_an_edited_glued_number_is_caught():
    """The review's N2: the headline lead 9.3 -> 19.3 in the committed rotation notebook (glued as r1_lead_abs)."""
    committed = nbformat.read(BOOK / "rotation.ipynb", as_version=4)
    assert _glue_value(committed, "r1_lead_abs") == "9.3"
    tampered = copy.deepcopy(committed)
    for cell in tampered.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.get("metadata", {}).get("scrapbook", {}).get("name") == "r1_lead_abs":
                o["data"] = {k: "19.3" for k in o["data"]}
    assert compare_notebooks(committed, committed) == []
    diffs = compare_notebooks(committed, tampered)
    assert [d.key for d in diffs] == ["glue r1_lead_abs text/markdown", "glue r1_lead_abs text/plain"]
    assert {(d.committed, d.fresh) for d in diffs} == {("9.3", "19.3")}
    assert "r1_lead_abs" in describe(diffs) and "'9.3'" in describe(diffs) and "'19.3'" in describe(diffs)


def test_an_edited_table_cell_and_verdict_are_caught(tmp_path):
    """A digit changed in a committed table (``ch.table`` shows tables as Markdown) is reported,
    and nothing else is."""
    committed = nbformat.read(BOOK / "valuation.ipynb", as_version=4)
    tampered = copy.deepcopy(committed)
    table_cells = [i for i, c in enumerate(tampered.cells) if c.cell_type == "code"
                   and any(o.get("data", {}).get("text/markdown", "").startswith(":::{table}") for o in c.outputs)]
    i = table_cells[0]
    out = next(o for o in tampered.cells[i].outputs if "text/markdown" in o.get("data", {}))
    text = out["data"]["text/markdown"]
    body = text.index("|---")  # the first digit of the table's body, not of its caption
    pos = next(p for p in range(body, len(text)) if text[p].isdigit() and text[p - 1] in " |.-0123456789")
    out["data"]["text/markdown"] = text[:pos] + str((int(text[pos]) + 1) % 10) + text[pos + 1:]
    path = tmp_path / "valuation.ipynb"
    nbformat.write(tampered, path)
    diffs = compare_notebooks(BOOK / "valuation.ipynb", path)
    assert [(d.cell, d.key.endswith("text/markdown")) for d in diffs] == [(i, True)]


def test_images_stderr_and_volatile_text_are_not_compared():
    committed = nbformat.read(BOOK / "valuation.ipynb", as_version=4)
    changed = copy.deepcopy(committed)
    n_images = 0
    for cell in changed.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            for mime in [m for m in o.get("data", {}) if "image/" in m]:  # shown or glued (ch.figure)
                o["data"][mime] = "<svg/>" if mime.endswith("image/svg+xml") else "iVBORw0KGgo="
                n_images += 1
        if cell.cell_type == "code":
            cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text="a warning\n"))
    assert n_images >= 5  # the chapter's figures (SVG since the book's figures became numbered)
    assert compare_notebooks(committed, changed) == []
    a = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="took 3.2 s at 0x7f00deadbeef in /tmp/a/b\n")])
    b = nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
        "stream", name="stdout", text="took 9 s at 0x7f00cafebabe in /work/x\n")])
    assert cell_outputs(a) == cell_outputs(b)


def test_changed_cells_and_missing_outputs_are_reported():
    a = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", outputs=[
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)])])
    b = copy.deepcopy(a)
    b.cells[0].outputs = []
    assert [(d.key, d.committed, d.fresh) for d in compare_notebooks(a, b)] == [("output 0 text/plain", "1", None)]
    c = copy.deepcopy(a)
    c.cells[0].source = "2"
    assert [d.key for d in compare_notebooks(a, c)] == ["source"]
    d = copy.deepcopy(a)
    d.cells.append(nbformat.v4.new_markdown_cell("x"))
    assert [d_.key for d_ in compare_notebooks(a, d)] == ["number of cells"]
