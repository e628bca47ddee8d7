"""Which claims can be swept: those of every chapter ported to claim objects.

A chapter is ported when ``smallcaps.claims.<chapter>`` is a package (a folder with one module
per claim) exposing ``CLAIMS`` and ``load_inputs``, with its inputs class in ``inputs.py``. The
sweep covers every ported chapter by default, so a chapter joins it by being ported.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from ..claims import CHAPTERS, ChapterInputs, Claim, chapter_of, claims_of, get
from ..errors import ParameterError


def is_ported(chapter: str) -> bool:
    """True when the chapter's claims are claim objects (a package with ``CLAIMS``)."""
    try:
        mod = importlib.import_module(f"smallcaps.claims.{chapter}")
    except ImportError:
        return False
    return hasattr(mod, "__path__") and hasattr(mod, "CLAIMS") and hasattr(mod, "load_inputs")


def ported_chapters() -> list[str]:
    """Thesis chapters whose claims can be swept, in reading order."""
    return [c for c in CHAPTERS if is_ported(c)]


def sweepable_claims() -> list[type[Claim]]:
    """Every claim of every ported chapter, in reading order (all 22 once every chapter is
    ported, i.e. :func:`smallcaps.claims.all_claims`)."""
    return [cls for chapter in ported_chapters() for cls in claims_of(chapter)]


def inputs_class(chapter: str) -> type[ChapterInputs]:
    """The chapter's :class:`~smallcaps.claims.ChapterInputs` subclass (its published window,
    without loading data)."""
    mod = importlib.import_module(f"smallcaps.claims.{chapter}.inputs")
    found = [v for v in vars(mod).values() if isinstance(v, type) and issubclass(v, ChapterInputs)
             and v is not ChapterInputs and getattr(v, "chapter", None) == chapter]
    if len(found) != 1:
        raise ParameterError(f"chapter={chapter!r} has {len(found)} inputs classes in its inputs.py; expected one")
    return found[0]


def resolve_claims(names: Iterable[str] | None) -> list[type[Claim]]:
    """Claim classes from ids and chapter ids (``V1 V3``, ``valuation``); None: every
    sweepable claim.

    Raises
    ------
    ParameterError
        An unknown id, or a claim whose chapter is not ported yet (naming the sweepable ones).
    """
    ported = ported_chapters()
    valid = ", ".join(cls.id for cls in sweepable_claims()) or "none"
    if names is None:
        every = sweepable_claims()
        if not every:
            raise ParameterError("no chapter is ported to claim objects yet: nothing to sweep")
        return every
    out: list[type[Claim]] = []
    for raw in names:
        for name in str(raw).replace(",", " ").split():
            if name.lower() in CHAPTERS:
                if name.lower() not in ported:
                    raise ParameterError(f"claims={name!r}: the {name.lower()} chapter is not ported to claim "
                                         f"objects yet; sweepable: {valid}")
                out.extend(claims_of(name.lower()))
                continue
            chapter = chapter_of(name)  # one-line error for a malformed id
            if chapter not in ported:
                raise ParameterError(f"claims={name!r}: the {chapter} chapter is not ported to claim objects yet; "
                                     f"sweepable: {valid}")
            out.append(get(name))
    if not out:
        raise ParameterError(f"claims is empty; sweepable: {valid}")
    return list(dict.fromkeys(out))
