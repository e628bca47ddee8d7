"""Every number the prose cites is glued, every glued value is cited, and every key is greppable.

For each committed notebook: the keys its Markdown cites (``{glue:md}`key` ``, ``{glue:text}``,
``{glue:figure}``, ``{glue:md} key`` directives) must be exactly the keys its code glued (the
scrapbook outputs), apart from the flag records (``_flags.*``), which choose paragraphs and are
never cited. And every cited key must appear literally, in quotes, in the library's source: a
reader who sees a number in the prose finds the line that computes it with one search.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from smallcaps.book import CHAPTERS
from smallcaps.book.prose import FLAG_PREFIX

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
LIB = ROOT / "lib" / "smallcaps"
ROLE = re.compile(r"\{glue(?::(?:md|text|figure))?\}`([^`]+)`")
DIRECTIVE = re.compile(r"^```\{glue(?::(?:md|figure|math))?\}\s+(\S+)", re.M)
NOTEBOOKS = [c for c, nb in CHAPTERS.items() if (BOOK / nb).is_file()]


def cited(nb, shown_only: bool = False) -> set[str]:
    """Keys the notebook's prose cites (only in the paragraphs shown, with ``shown_only``: a
    paragraph hidden by its conditions cites numbers this window did not produce)."""
    out = set()
    for cell in nb.cells:
        if shown_only and "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.cell_type == "markdown":
            out |= {k.split(":")[0] for k in ROLE.findall(cell.source)} | set(DIRECTIVE.findall(cell.source))
        elif cell.cell_type == "code":  # figures and boxes glued and shown by a code cell's Markdown output
            for o in cell.get("outputs", []):
                text = o.get("data", {}).get("text/markdown", "")
                text = "".join(text) if isinstance(text, list) else text
                out |= set(DIRECTIVE.findall(text)) | {k.split(":")[0] for k in ROLE.findall(text)}
    return out


def glued(nb) -> set[str]:
    return {o["metadata"]["scrapbook"]["name"] for cell in nb.cells if cell.cell_type == "code"
            for o in cell.get("outputs", []) if o.get("metadata", {}).get("scrapbook", {}).get("name")}


@pytest.fixture(scope="module")
def library_source() -> str:
    return "\n".join(p.read_text() for p in LIB.rglob("*.py"))


@pytest.mark.parametrize("chapter", NOTEBOOKS)
def test_every_cited_key_is_glued_and_every_glued_key_is_cited(chapter):
    nb = nbformat.read(BOOK / CHAPTERS[chapter], as_version=4)
    shown, anywhere = cited(nb, shown_only=True), cited(nb)
    g = {k for k in glued(nb) if not k.startswith(FLAG_PREFIX)}
    assert not shown - g, f"{chapter}: the prose shown cites keys nothing glued: {sorted(shown - g)}"
    assert not g - anywhere, f"{chapter}: glued but never cited (dead keys): {sorted(g - anywhere)}"


@pytest.mark.parametrize("chapter", [c for c in ("rotation", "momentum", "valuation", "graduation") if c in NOTEBOOKS])
def test_every_cited_key_is_a_literal_string_in_the_library(chapter, library_source):
    nb = nbformat.read(BOOK / CHAPTERS[chapter], as_version=4)
    notebook_code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    missing = [k for k in sorted(cited(nb)) if f'"{k}"' not in library_source and f'"{k}"' not in notebook_code
               and f"'{k}'" not in library_source]
    assert not missing, f"{chapter}: keys built at run time (not greppable): {missing}"
