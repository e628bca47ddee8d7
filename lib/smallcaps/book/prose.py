"""Prose that depends on the result: paragraphs shown or hidden by flags the claims record.

A chapter's prose lives in its Markdown cells. Where what can be said depends on the evidence
(a claim the window cannot decide, a sign that went one way or the other), the paragraph is
written once per case and tagged with the condition it needs:

* ``show-if:<flag>``: shown only when the flag is true (several tags: all must hold);
* ``show-if-not:<flag>``: shown only when the flag is false.

Flags come from the claims (:meth:`smallcaps.claims.base.Claim.all_flags`: ``<id>`` is true when
the window can decide the claim, plus each claim's own conditions); the chapter kit glues them
under keys starting with :data:`FLAG_PREFIX` (:meth:`smallcaps.book.chapter.Chapter.glue_facts`).
After a notebook has executed, :func:`apply_flags` reads them and sets the ``remove-cell`` tag
of every conditional cell, so the built page shows exactly the paragraphs that hold, and never a
sentence with a missing number in it. A flag that was never recorded counts as false.

Every execution path of the project applies it (``smallcaps run``, ``smallcaps refresh`` and the
notebook tests); a notebook executed by hand with papermill shows every case.
"""

from __future__ import annotations

import json

FLAG_PREFIX = "_flags."
SHOW_IF = "show-if:"
SHOW_IF_NOT = "show-if-not:"
REMOVE = "remove-cell"


def recorded_flags(nb) -> dict[str, bool]:
    """Every flag glued in an executed notebook (``nbformat`` node)."""
    flags: dict[str, bool] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name", "")
            if not name.startswith(FLAG_PREFIX):
                continue
            data = out.get("data", {})
            raw = next((v for k, v in data.items() if k.endswith("text/plain")), None)
            if raw is None:
                continue
            text = "".join(raw) if isinstance(raw, list) else raw
            flags.update(json.loads(text))
    return flags


def conditions(cell) -> list[tuple[str, bool]]:
    """The cell's conditions: (flag, wanted value) for each ``show-if``/``show-if-not`` tag."""
    out = []
    for tag in cell.get("metadata", {}).get("tags", []):
        if tag.startswith(SHOW_IF):
            out.append((tag[len(SHOW_IF):], True))
        elif tag.startswith(SHOW_IF_NOT):
            out.append((tag[len(SHOW_IF_NOT):], False))
    return out


def apply_flags(nb, flags: dict[str, bool] | None = None) -> int:
    """Hide (``remove-cell``) every conditional cell whose conditions do not hold, show the
    others; returns how many cells are hidden. ``flags`` default: those recorded in ``nb``."""
    flags = recorded_flags(nb) if flags is None else flags
    hidden = 0
    for cell in nb.cells:
        conds = conditions(cell)
        if not conds:
            continue
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        show = all(bool(flags.get(name, False)) == wanted for name, wanted in conds)
        if show and REMOVE in tags:
            tags.remove(REMOVE)
        elif not show:
            hidden += 1
            if REMOVE not in tags:
                tags.append(REMOVE)
    return hidden


def flag_names(nb) -> set[str]:
    """Every flag a notebook's cells are conditioned on."""
    return {name for cell in nb.cells for name, _ in conditions(cell)}


_GLUE = __import__("re").compile(r"\{glue(?::md|:text)?\}`([^`]+)`")


def shown_prose(nb, flags: dict[str, bool], glued: dict[str, str]) -> list[str]:
    """The Markdown paragraphs a reader would see, with glued values filled in.

    For tests of prose on any window without executing the notebook: ``flags`` and ``glued``
    come from the claims (``all_flags()``, ``facts()``). Cells hidden by their conditions, or
    removed, are left out; a glue key with no value reads ``{missing:key}``.
    """
    out = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if REMOVE in tags and not conditions(cell):
            continue
        if not all(bool(flags.get(name, False)) == wanted for name, wanted in conditions(cell)):
            continue
        out.append(_GLUE.sub(lambda m: glued.get(m.group(1), "{missing:" + m.group(1) + "}"), cell.source))
    return out
