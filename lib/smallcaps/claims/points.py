"""A referee point and the book's answer (:class:`ReviewPoint`).

Each chapter keeps its answers beside its claims (``claims/<chapter>/review.py``, ``POINTS``); the
review page (:mod:`smallcaps.book.review`) reads them. The class lives on the claims floor so
that the claims never import the book layer.
"""

from __future__ import annotations

from dataclasses import dataclass

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
