"""The book's 22 claims as objects, one module per claim, grouped by chapter.

::

    import smallcaps
    smallcaps.claims.get("V1").summary()          # the rule and its specification space
    smallcaps.evaluate("V1")                       # its ClaimResult on the chapter's window
    smallcaps.evaluate("V3", start="2000-01-01", end="2019-12-31", spec={"recent_weeks": 104})

Chapters are imported on first use, so importing this package is cheap.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ParameterError
from .base import ChapterInputs, Choice, Claim, Decision, Spec, SpecSpace, Untestable
from .contract import VERDICTS, ClaimResult, Rule, Sample, Statistic

#: Thesis chapters in reading order, and the prefix of their claim ids.
CHAPTERS = {"rotation": "R", "momentum": "M", "valuation": "V", "graduation": "G"}

__all__ = ["CHAPTERS", "VERDICTS", "ChapterInputs", "Choice", "Claim", "ClaimResult", "Decision", "Rule", "Sample",
           "Spec", "SpecSpace", "Statistic", "Untestable", "all_claims", "chapter_of", "claims_of", "evaluate",
           "evaluate_many", "get", "load_inputs"]


def _module(chapter: str):
    if chapter not in CHAPTERS:
        raise ParameterError(f"chapter={chapter!r} is not a thesis chapter; valid: {', '.join(CHAPTERS)}")
    return importlib.import_module(f"{__name__}.{chapter}")


def claims_of(chapter: str) -> tuple[type[Claim], ...]:
    """The claim classes of a chapter, in reading order."""
    return tuple(_module(chapter).CLAIMS)


def chapter_of(claim_id: str) -> str:
    """The chapter a claim id belongs to (``V3`` -> ``valuation``)."""
    cid = str(claim_id).strip().upper()
    for chapter, prefix in CHAPTERS.items():
        if cid.startswith(prefix) and cid[1:].isdigit():
            return chapter
    raise ParameterError(f"claim={claim_id!r} is not a claim id; valid: R1-R7, M1-M5, V1-V5, G1-G5")


def get(claim_id: str) -> type[Claim]:
    """The class of one claim (``get("V1").summary()`` prints its rule and specification space).

    Raises
    ------
    ParameterError
        An unknown claim id, naming the valid ones.
    """
    cid = str(claim_id).strip().upper()
    for cls in claims_of(chapter_of(cid)):
        if cls.id == cid:
            return cls
    raise ParameterError(f"claim={claim_id!r} is not a claim id; valid: R1-R7, M1-M5, V1-V5, G1-G5")


def all_claims() -> list[type[Claim]]:
    """Every claim class of the book, in reading order."""
    return [cls for chapter in CHAPTERS for cls in claims_of(chapter)]


def load_inputs(chapter: str, data=None, params: Mapping[str, Any] | None = None) -> ChapterInputs:
    """A chapter's inputs through ``data`` (a :class:`~smallcaps.data.DataSession`; default: a new
    session with the environment's settings)."""
    if data is None:
        from ..data import DataSession

        data = DataSession()
    return _module(chapter).load_inputs(data, dict(params or {}))


def _window(inputs: ChapterInputs, start, end, as_of):
    from ..params import window

    return window(start or inputs.default_start, end or inputs.default_end, as_of)


def evaluate_many(claim_ids: Iterable[str] | None = None, *, start=None, end=None, as_of=None,
                  spec: Mapping[str, Mapping[str, Any]] | None = None, data=None,
                  params: Mapping[str, Any] | None = None) -> dict[str, ClaimResult]:
    """Evaluate several claims, loading each chapter's inputs once.

    Parameters
    ----------
    claim_ids
        Claim ids (default: all 22).
    start, end, as_of
        The window (``YYYY-MM-DD``); left out, each chapter's published window.
    spec
        Per claim id, overrides of its specification (``{"V1": {"rare_percentile": 5.0}}``).
    data
        A :class:`~smallcaps.data.DataSession` (default: one from the environment's settings).
    params
        Chapter parameters passed to the chapters' ``load_inputs``.

    Returns
    -------
    dict
        Claim id -> :class:`~smallcaps.claims.contract.ClaimResult`.
    """
    ids = [c.id for c in all_claims()] if claim_ids is None else [get(c).id for c in claim_ids]
    spec = {str(k).upper(): v for k, v in (spec or {}).items()}
    unknown = set(spec) - set(ids)
    if unknown:
        raise ParameterError(f"spec names claim(s) {', '.join(sorted(unknown))} that are not evaluated; "
                             f"evaluated: {', '.join(ids)}")
    if data is None:
        from ..data import DataSession

        data = DataSession()
    out: dict[str, ClaimResult] = {}
    inputs: dict[str, ChapterInputs] = {}
    for cid in ids:
        chapter = chapter_of(cid)
        if chapter not in inputs:
            inputs[chapter] = load_inputs(chapter, data, params)
        inp = inputs[chapter]
        claim = get(cid)(inp, _window(inp, start, end, as_of), spec.get(cid))
        out[cid] = claim.result
    return out


def evaluate(claim_id: str, *, start=None, end=None, as_of=None, spec: Mapping[str, Any] | None = None,
             data=None, params: Mapping[str, Any] | None = None) -> ClaimResult:
    """Evaluate one claim and return its :class:`~smallcaps.claims.contract.ClaimResult`.

    With no dates and no spec this is the published verdict of the claim's chapter.

    Examples
    --------
    >>> import smallcaps                                            # doctest: +SKIP
    >>> smallcaps.evaluate("V4").verdict                            # doctest: +SKIP
    'supported'
    """
    cid = get(claim_id).id
    return evaluate_many([cid], start=start, end=end, as_of=as_of, spec={cid: spec} if spec else None, data=data,
                         params=params)[cid]
