"""Chapter parameters: parsed and checked before any work, with one-line errors that name the
parameter and the valid range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, overload

import pandas as pd

from ..errors import ParameterError


@overload
def parse_date(value, name: str, *, allow_none: Literal[False] = False) -> pd.Timestamp: ...


@overload
def parse_date(value, name: str, *, allow_none: bool) -> pd.Timestamp | None: ...


def parse_date(value, name: str, *, allow_none: bool = False) -> pd.Timestamp | None:
    """Parse an ISO date (``YYYY-MM-DD``) given as a string, date or Timestamp.

    Raises
    ------
    ParameterError
        Unparseable value, naming the parameter and the expected format.
    """
    if value is None or (isinstance(value, str) and value.strip() == ""):
        if allow_none:
            return None
        raise ParameterError(f"{name} is required; give a date as YYYY-MM-DD")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ParameterError(f"{name}={value!r} is not a date; give YYYY-MM-DD") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"{name}={value!r} is not a date; give YYYY-MM-DD")
    if ts.tzinfo is not None:
        ts = ts.tz_convert(None)
    return ts.normalize()


@dataclass(frozen=True)
class Window:
    """A validated analysis window.

    Attributes
    ----------
    start, end
        First and last date analysed (inclusive).
    as_of
        The "today" of the claims (e.g. the date a year-to-date figure is read), within
        ``start..end``; defaults to ``end``.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    as_of: pd.Timestamp

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.date().isoformat(), "end": self.end.date().isoformat(),
                "as_of": self.as_of.date().isoformat()}


def window(start, end, as_of=None) -> Window:
    """Parse and order-check ``start``, ``end`` and ``as_of`` (no data needed).

    Raises
    ------
    ParameterError
        Unparseable dates, end before start, as_of outside start..end.
    """
    s = parse_date(start, "start")
    e = parse_date(end, "end")
    if e < s:
        raise ParameterError(f"end={e.date()} is before start={s.date()}; end must be on or after start")
    a = parse_date(as_of, "as_of", allow_none=True) or e
    if not (s <= a <= e):
        raise ParameterError(f"as_of={a.date()} is outside the window; valid: {s.date()}..{e.date()}")
    return Window(s, e, a)


def check_coverage(win: Window, first, last, what: str) -> None:
    """Require the window to overlap the data ``first..last``.

    A window that lies wholly outside the data is an error; a partial overlap is allowed (each
    analysis reports the sample it actually used).

    Raises
    ------
    ParameterError
        Names the parameter at fault and the data's coverage.
    """
    first_ts, last_ts = pd.Timestamp(first), pd.Timestamp(last)
    valid = f"{first_ts.date()}..{last_ts.date()}"
    if win.start > last_ts:
        raise ParameterError(f"start={win.start.date()} is after the last date of {what}; valid: {valid}")
    if win.end < first_ts:
        raise ParameterError(f"end={win.end.date()} is before the first date of {what}; valid: {valid}")
