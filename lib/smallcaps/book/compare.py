"""Compare a freshly executed notebook with its committed version, output by output.

Every number a reader sees is either a glued value (a ``myst_nb.glue`` output, shown in the
prose) or part of a displayed table or text. :func:`compare_notebooks` walks two notebooks cell
by cell and compares every glued value and every text output (``text/plain``,
``text/markdown``, ``text/html`` and any other non-image MIME type, and ``stdout``), so an
edited number in a committed notebook, or a change in the code that moves one, is caught.
Images and ``stderr`` are left out (figures are checked for being drawn, not pixel by pixel;
stderr carries warnings that vary by machine). Volatile text (memory addresses, durations,
machine paths) is masked on both sides first, as in ``tests/nbval_sanitize.cfg``.

::

    diffs = compare_notebooks("book/rotation.ipynb", "/tmp/run/rotation.ipynb")
    assert not diffs, describe(diffs)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import nbformat

#: Masked on both sides before comparing: (pattern, replacement).
VOLATILE = (
    (re.compile(r"0x[0-9a-fA-F]{6,}"), "<ADDR>"),
    (re.compile(r"\b\d+(\.\d+)? s\b"), "<SECONDS> s"),
    (re.compile(r"/(tmp|work|home|root|private|var)/[^\s'\"<>)]*"), "<PATH>"),
)
GLUE_PREFIX = "application/papermill.record/"


@dataclass(frozen=True)
class Difference:
    """One output that differs: the cell (index in the notebook and its execution count), what it
    is (``glue r1_lead``, ``output 2 text/html``, ``stdout``...) and both texts."""

    cell: int
    key: str
    committed: str | None
    fresh: str | None

    def __str__(self) -> str:
        def short(t):
            if t is None:
                return "(absent)"
            t = t if len(t) <= 160 else t[:157] + "..."
            return repr(t)

        return f"cell {self.cell}, {self.key}: committed {short(self.committed)}, fresh {short(self.fresh)}"


def mask(text: str) -> str:
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def cell_outputs(cell) -> dict[str, str]:
    """``{key: text}`` of every compared output of a code cell (see the module docstring)."""
    out: dict[str, str] = {}
    for j, o in enumerate(cell.get("outputs", [])):
        kind = o.get("output_type")
        if kind == "stream":
            if o.get("name") == "stdout":
                out[f"output {j} stdout"] = mask(_text(o.get("text", "")))
            continue
        if kind == "error":
            out[f"output {j} error"] = f"{o.get('ename')}: {o.get('evalue')}"
            continue
        glue = (o.get("metadata") or {}).get("scrapbook", {}).get("name")
        for mime, value in (o.get("data") or {}).items():
            base = mime[len(GLUE_PREFIX):] if mime.startswith(GLUE_PREFIX) else mime
            if base.startswith("image/"):
                continue
            key = f"glue {glue} {base}" if glue else f"output {j} {base}"
            out[key] = mask(_text(value))
    return out


def compare_notebooks(committed, fresh) -> list[Difference]:
    """Every difference between the compared outputs of two notebooks, in cell order.

    ``committed`` and ``fresh`` are paths or ``nbformat`` notebooks. Cells are paired by
    position; a different number of cells, or a code cell whose source differs, is reported as a
    difference too (the outputs could not be matched).
    """
    a = committed if isinstance(committed, nbformat.NotebookNode) else nbformat.read(os.fspath(committed), as_version=4)
    b = fresh if isinstance(fresh, nbformat.NotebookNode) else nbformat.read(os.fspath(fresh), as_version=4)
    diffs: list[Difference] = []
    if len(a.cells) != len(b.cells):
        diffs.append(Difference(-1, "number of cells", str(len(a.cells)), str(len(b.cells))))
    # strict=False: the notebooks may differ in length (reported above); the common cells are compared
    for i, (ca, cb) in enumerate(zip(a.cells, b.cells, strict=False)):
        if ca.cell_type != "code" and cb.cell_type != "code":
            continue
        if ca.cell_type != cb.cell_type or ca.source != cb.source:
            diffs.append(Difference(i, "source", ca.source[:200], cb.source[:200]))
            continue
        oa, ob = cell_outputs(ca), cell_outputs(cb)
        for key in list(dict.fromkeys([*oa, *ob])):
            if oa.get(key) != ob.get(key):
                diffs.append(Difference(i, key, oa.get(key), ob.get(key)))
    return diffs


def describe(diffs: list[Difference], limit: int = 10) -> str:
    """The first ``limit`` differences, one per line."""
    lines = [str(d) for d in diffs[:limit]]
    if len(diffs) > limit:
        lines.append(f"... and {len(diffs) - limit} more")
    return "\n".join(lines)
