"""The window grid of a specification sweep: which windows each claim is evaluated on.

A chapter's **published window** runs from its default start ``S`` to its default end ``E``
(the dates of its notebook's parameters; every window below lies inside it, so inside the
chapter's coverage, which the published window must already satisfy). Given a step ``k``
(years, default 5), rolling lengths ``L`` (years, default 10, 20, 30) and a shortest
expanding window ``m`` (years, default 10), the grid holds, for each claim:

``published``
    ``S`` to ``E``, as of ``E``: the window of the published verdict.
``claim date``
    ``S`` to each date of the claim's ``claim_dates`` that lies after ``S`` and on or before
    ``E``, as of that date: what the data said when the claim was made.
``expanding``
    ``S`` to 31 December of every year ``y`` divisible by ``k``, for ``y`` at least ``m`` years
    after ``S`` (the window spans ``m`` years or more) and 31 December ``y`` before ``E``.
``rolling``
    For each length ``L``: 1 January of ``y - L + 1`` to 31 December of ``y``, for every ``y``
    divisible by ``k`` with the start on or after ``S`` and the end before ``E``; and the last
    ``L`` years to ``E`` (``E`` minus ``L`` years plus one day, to ``E``), if that starts on or
    after ``S``.

Every window is "as of" its end date (a dated claim is judged at its own date or the window's
end if earlier, as in its chapter). A window produced twice (e.g. an expanding window that
ends on a claim date) is kept once, under the first kind in the order above. Windows overlap,
so verdicts across windows are not independent observations.

Windows can also be given explicitly (``START..END`` or ``START..END@AS_OF``, kind ``given``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import ParameterError

KINDS = ("published", "claim date", "expanding", "rolling")
#: Names accepted on the command line for each kind (``claim-date`` is easier to type).
KIND_ALIASES = {"published": "published", "claim-date": "claim date", "claim date": "claim date",
                "claim_date": "claim date", "expanding": "expanding", "rolling": "rolling"}
_EXPLICIT = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})(?:@(\d{4}-\d{2}-\d{2}))?$")


@dataclass(frozen=True, order=True)
class SweepWindow:
    """One window of the grid: ISO dates and how it was made."""

    start: str
    end: str
    as_of: str
    kind: str
    years: float = 0.0  # rolling length in years (0 for other kinds)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.start, self.end, self.as_of)

    @property
    def label(self) -> str:
        span = f"{self.start}..{self.end}" + ("" if self.as_of == self.end else f"@{self.as_of}")
        kind = f"rolling {self.years:g} years" if self.kind == "rolling" else self.kind
        return f"{kind} {span}"

    def to_params(self):
        """The validated :class:`~smallcaps.params.Window`."""
        from ..params import window

        return window(self.start, self.end, self.as_of)


@dataclass(frozen=True)
class WindowGrid:
    """What the grid holds (see the module docstring for the definition).

    Parameters
    ----------
    kinds
        Which kinds to include: ``published``, ``claim date``, ``expanding``, ``rolling``.
    step_years
        Expanding and rolling windows end on 31 December of every year divisible by this.
    lengths
        Rolling window lengths in years.
    min_years
        Shortest expanding window, in years.
    given
        Explicit windows ``(start, end, as_of)`` (kind ``given``).
    """

    kinds: tuple[str, ...] = KINDS
    step_years: int = 5
    lengths: tuple[int, ...] = (10, 20, 30)
    min_years: int = 10
    given: tuple[tuple[str, str, str], ...] = ()

    def __post_init__(self):
        if not isinstance(self.step_years, int) or not 1 <= self.step_years <= 50:
            raise ParameterError(f"step={self.step_years!r} is out of range; valid: an integer 1 to 50 (years)")
        if not self.lengths or any(not isinstance(n, int) or not 1 <= n <= 200 for n in self.lengths):
            raise ParameterError(f"lengths={list(self.lengths)!r} is out of range; valid: integers 1 to 200 (years)")
        if not isinstance(self.min_years, int) or not 1 <= self.min_years <= 200:
            raise ParameterError(f"min_years={self.min_years!r} is out of range; valid: an integer 1 to 200")
        bad = [k for k in self.kinds if k not in KINDS]
        if bad:
            raise ParameterError(f"windows={bad[0]!r} is not a window kind; valid: published, claim-date, expanding, "
                                 f"rolling, or START..END[@AS_OF]")

    @classmethod
    def parse(cls, items: Sequence[str] | None, *, step_years: int = 5, lengths: Iterable[int] = (10, 20, 30),
              min_years: int = 10) -> WindowGrid:
        """A grid from command-line items: kind names and/or explicit ``START..END[@AS_OF]``.

        No items: every kind. Explicit windows alone: only those.

        Raises
        ------
        ParameterError
            An unknown kind, an unparseable window or one whose dates are out of order.
        """
        from ..params import window

        kinds: list[str] = []
        given: list[tuple[str, str, str]] = []
        for raw in items or ():
            item = str(raw).strip()
            if item.lower() in KIND_ALIASES:
                kinds.append(KIND_ALIASES[item.lower()])
                continue
            m = _EXPLICIT.match(item)
            if not m:
                raise ParameterError(f"windows={item!r} is not a window kind or START..END[@AS_OF]; valid: published, "
                                     f"claim-date, expanding, rolling, or e.g. 2000-01-01..2019-12-31")
            w = window(m.group(1), m.group(2), m.group(3))
            given.append(tuple(d.date().isoformat() for d in (w.start, w.end, w.as_of)))
        if not items:
            kinds = list(KINDS)
        return cls(kinds=tuple(dict.fromkeys(kinds)), step_years=int(step_years),
                   lengths=tuple(dict.fromkeys(int(n) for n in lengths)), min_years=int(min_years),
                   given=tuple(dict.fromkeys(given)))

    def describe(self) -> dict:
        """The grid's settings, for the results files."""
        return {"kinds": list(self.kinds), "step_years": self.step_years, "rolling_years": list(self.lengths),
                "min_expanding_years": self.min_years, "given": [list(g) for g in self.given]}

    def windows(self, default_start: str, default_end: str, claim_dates: Iterable[str] = ()) -> list[SweepWindow]:
        """The windows of one claim, in grid order (published, claim dates, expanding, rolling,
        given), each once."""
        s, e = pd.Timestamp(default_start).normalize(), pd.Timestamp(default_end).normalize()
        iso = lambda t: t.date().isoformat()  # noqa: E731
        out: list[SweepWindow] = []
        if "published" in self.kinds:
            out.append(SweepWindow(iso(s), iso(e), iso(e), "published"))
        if "claim date" in self.kinds:
            for d in sorted({pd.Timestamp(x).normalize() for x in claim_dates}):
                if s < d <= e:
                    out.append(SweepWindow(iso(s), iso(d), iso(d), "claim date"))
        year_ends = [pd.Timestamp(year=y, month=12, day=31) for y in range(s.year, e.year + 1)
                     if y % self.step_years == 0]
        if "expanding" in self.kinds:
            shortest = s + pd.DateOffset(years=self.min_years) - pd.Timedelta(days=1)
            for d in year_ends:
                if shortest <= d < e:
                    out.append(SweepWindow(iso(s), iso(d), iso(d), "expanding"))
        if "rolling" in self.kinds:
            for n in self.lengths:
                for d in year_ends:
                    first = pd.Timestamp(year=d.year - n + 1, month=1, day=1)
                    if first >= s and d < e:
                        out.append(SweepWindow(iso(first), iso(d), iso(d), "rolling", float(n)))
                first = e - pd.DateOffset(years=n) + pd.Timedelta(days=1)
                if first >= s:
                    out.append(SweepWindow(iso(first), iso(e), iso(e), "rolling", float(n)))
        for g in self.given:  # a given window outside the chapter's published window is not this chapter's
            if s <= pd.Timestamp(g[0]) and pd.Timestamp(g[1]) <= e:
                out.append(SweepWindow(*g, kind="given"))
        seen: set[tuple[str, str, str]] = set()
        unique = []
        for w in out:
            if w.key not in seen:
                seen.add(w.key)
                unique.append(w)
        return unique
