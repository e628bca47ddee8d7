"""The book's answers to its referees: one row per point, and the verdicts each point moved.

Two referee reports reviewed version 1 (`shared/review/referee-*.md`). Every numbered point, and
every claim row of their tables, gets a row on the "Review and amendments" page: the point, the
response (accepted, accepted in part, rebutted), what changed, and the verdict before and after.
The verdicts are never typed: "before" is the verdict under the registered rule (the claim's
``registered`` reading in its results file, or its current verdict when the rule was not
amended), "after" the verdict now.

Each chapter keeps its rows in ``claims/<chapter>/review.py`` (``POINTS``); book-level rows live
in :data:`BOOK_POINTS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import pandas as pd

from ..claims.contract import ClaimResult

REPORTS = {
    "rotation-momentum": "Referee report on rotation and momentum (R1-R7, M1-M5)",
    "valuation-graduation": "Referee report on valuation and graduation (V1-V5, G1-G5)",
}
RESPONSES = ("accepted", "accepted in part", "rebutted")


@dataclass(frozen=True)
class ReviewPoint:
    """One referee point and the book's answer.

    Attributes
    ----------
    report
        Key of :data:`REPORTS`.
    ref
        The point's label in the report (``D1``, ``V1.3``, ``section 6.4``, ``table: R3``).
    claims
        Claim ids the point concerns (empty for a book-wide point).
    point
        The point, in one or two sentences.
    response
        ``accepted``, ``accepted in part`` or ``rebutted``.
    change
        What changed (or, for a rebuttal, the evidence shown and where).
    """

    report: str
    ref: str
    claims: tuple[str, ...]
    point: str
    response: str
    change: str

    def __post_init__(self):
        if self.report not in REPORTS:
            raise ValueError(f"review point {self.ref}: report {self.report!r} is not one of {tuple(REPORTS)}")
        if self.response not in RESPONSES:
            raise ValueError(f"review point {self.ref}: response {self.response!r} is not one of {RESPONSES}")


#: Points about the whole book (inference, presentation, process), answered at book level.
BOOK_POINTS: tuple[ReviewPoint, ...] = ()


def all_points() -> list[ReviewPoint]:
    """Every chapter's points, then the book's."""
    out: list[ReviewPoint] = []
    for chapter in ("rotation", "momentum", "valuation", "graduation"):
        try:
            mod = importlib.import_module(f"smallcaps.claims.{chapter}.review")
        except ModuleNotFoundError:
            continue
        out.extend(mod.POINTS)
    out.extend(BOOK_POINTS)
    return out


def verdicts(result: ClaimResult) -> tuple[str, str]:
    """(before, after): the verdict under the registered rule and the verdict now."""
    before = result.registered["verdict"] if result.registered else result.verdict
    return before, result.verdict


def table(points, results: dict[str, ClaimResult]) -> pd.DataFrame:
    """One row per point: report, point, response, change, and per claim the verdict before and
    after (``R3: not supported -> inconclusive``; unchanged verdicts read ``R1: supported``)."""
    rows = []
    for p in points:
        moved = []
        for cid in p.claims:
            r = results.get(cid)
            if r is None:
                moved.append(f"{cid}: missing")
                continue
            before, after = verdicts(r)
            moved.append(f"{cid}: {before} → {after}" if before != after else f"{cid}: {after}")
        rows.append({"report": p.report, "point": p.ref, "what the referee said": p.point, "response": p.response,
                     "what changed": p.change, "verdict before → after": "; ".join(moved) or "(book-wide)"})
    return pd.DataFrame(rows)
