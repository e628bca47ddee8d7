"""What the rotation claims share beyond :class:`~smallcaps.claims.base.Claim`.

:class:`RotationClaim` lets a rule template use values derived from the specification (``IWM
minus SPY`` from the choice ``pair="IWM-SPY"``), through :meth:`RotationClaim.template_values`;
the base fills templates with the choices' own values only.

Dated claims. A claim about the present when it was written is decided at its claim's date (the
first of its ``claim_dates``: the first day its source could have been written) when its
specification says ``decided_at="claim date"`` (:func:`decided_at_choice`); the reading as of the
chapter's reading date is shown beside it (:meth:`RotationClaim.as_of_claim`). A claim that reads
its verdict as of the reading date (``decided_at="reading date"``, or no such choice) is judged
at its claim's date by the base's :meth:`~smallcaps.claims.base.Claim.when_said`. A forecast
(``forecast = True``) cannot be judged on the day it was made: its reading when said is
*untestable* by construction, and the reading date decides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...display import Text, column_digits, percent, with_ci
from ..base import Choice, Claim, Spec
from ..contract import UNTESTABLE, ClaimResult, Rule, Statistic
from .inputs import MIN_BAND_DAYS

#: When a dated claim is read: at its claim's date, or as of the chapter's reading date.
DECIDED_AT = ("claim date", "reading date")


def decided_at_choice(default: str = "claim date") -> Choice:
    """The choice of the reading that decides a dated claim; the other value is its alternative
    (for an amended claim, the registered rule's: ``reading date``)."""
    other = next(v for v in DECIDED_AT if v != default)
    label = "registered: as of the reading date" if other == "reading date" else "at the claim's date"
    return Choice("decided_at", default, {label: other},
                  "which reading decides: at the claim's date (the first day its source could have been written) "
                  "or as of the reading date (as_of)",
                  check=lambda v: None if v in DECIDED_AT else ", ".join(DECIDED_AT))


class RotationClaim(Claim):
    """A claim of the rotation chapter (R1-R7)."""

    chapter: ClassVar[str] = "rotation"

    @classmethod
    def template_values(cls, spec: Spec) -> dict[str, Any]:
        """The values a rule template may use: the specification's, plus any a claim derives."""
        return dict(spec)

    @classmethod
    def rule_for(cls, spec: Mapping[str, Any] | None = None) -> Rule:
        """The rule under ``spec`` (default: the published specification), its template filled
        from :meth:`template_values`."""
        values = cls.template_values(cls.space.resolve(spec, owner=cls.id))
        t = cls.rule_template

        def fill(s: str) -> str:
            return s.format_map(values)

        return Rule(claim_id=t.claim_id, claim=t.claim, hypothesis=fill(t.hypothesis), statistic=fill(t.statistic),
                    supported=fill(t.supported), partly=fill(t.partly), not_supported=fill(t.not_supported),
                    untestable=fill(t.untestable), inconclusive=fill(t.inconclusive), history=cls.amendments)

    def all_flags(self) -> dict[str, bool]:
        """The base's flags as plain booleans (numpy's are not JSON: the kit glues them as JSON)."""
        return {k: bool(v) for k, v in super().all_flags().items()}

    # -- dated claims ------------------------------------------------------------------------------

    #: A forecast (a trade call): judged on what followed its claim's date, never on that day.
    forecast: ClassVar[bool] = False

    @property
    def claim_date(self) -> pd.Timestamp | None:
        """The claim's date (the first of ``claim_dates``), or None for an undated claim."""
        dates = type(self).claim_dates
        return pd.Timestamp(dates[0]) if dates else None

    @property
    def decided_at_claim_date(self) -> bool:
        """Whether this specification decides at the claim's date (a ``decided_at`` choice)."""
        return self.claim_date is not None and self.spec.get("decided_at") == "claim date"

    @property
    def decision_date(self) -> pd.Timestamp:
        """The date the verdict is read: the claim's date for a claim decided there (the reading
        date if that comes first), else the reading date (as_of)."""
        as_of = self.window.as_of
        return min(as_of, self.claim_date) if self.decided_at_claim_date else as_of

    def _variant(self, spec: Mapping[str, Any]) -> Claim:
        """This claim under another specification, on the same inputs and window (on the same
        evidence for a claim built by :meth:`from_evidence`, as in tests of a rule's boundaries)."""
        if self.inputs is None:
            return type(self).from_evidence(self.evidence, spec=spec, window=self.window)
        return type(self)(self.inputs, self.window, spec)

    def registered(self) -> Claim | None:
        """This claim under its registered rule (same inputs and window), or None."""
        if not self.amended:
            return None
        return self._variant({**dict(self.spec), **type(self).amendments[0].registered_spec})

    def as_of_claim(self) -> Claim:
        """This claim read as of the reading date (itself unless it decides at its claim's date)."""
        if not self.decided_at_claim_date:
            return self
        return self._variant({**dict(self.spec), "decided_at": "reading date"})

    def when_said(self) -> Claim | None:
        """The base's reading at the claim's date; for a claim decided there, itself when the
        window reaches that date (the same reading). None for a claim built from evidence."""
        if self.inputs is None:
            return None
        if self.decided_at_claim_date and self.window is not None and self.window.start <= self.claim_date \
                and self.window.as_of >= self.claim_date:
            return self
        return super().when_said()

    @cached_property
    def result(self) -> ClaimResult:
        """The base's result, with the dated readings of a claim decided at its claim's date (the
        reading as of the reading date is :meth:`as_of_claim`'s) and of a forecast (untestable
        when said)."""
        r = self.bare_result
        registered, dated = None, None
        if self.amended:
            old = self.registered()
            registered = {"verdict": old.decision.verdict, "statistic": old._statistic(old.decision).to_dict()}
        date = self.claim_date
        if date is not None and self.inputs is not None and self.window.start <= date < self.window.as_of:
            now = self.as_of_claim()
            if self.forecast:
                said = {"verdict": UNTESTABLE, "statistic": Statistic(r.statistic.name, None, r.statistic.unit).to_dict()}
            else:
                s = self.when_said()
                said = {"verdict": s.decision.verdict, "statistic": s._statistic(s.decision).to_dict()}
            dated = {"claim_date": date.date().isoformat(), "when_said": said,
                     "as_of": {"date": self.window.as_of.date().isoformat(), "verdict": now.decision.verdict,
                               "statistic": now._statistic(now.decision).to_dict()}}
        amendments = tuple(a.to_dict(self.rule) for a in type(self).amendments)
        return dataclasses.replace(r, amendments=amendments, registered=registered, dated=dated)

    def plot_context(self, draw: Callable[..., Any], data: Callable[[], dict[str, Any] | str]):
        """``draw(**data())`` for a figure of context that does not need the claim to be decidable
        (calendar years, long histories); ``data()`` returns a note instead of keyword arguments
        when the window lacks what the figure shows (``plots.show`` shows it)."""
        if self.evidence is None:
            return f"the window cannot decide {self.id} (see its verdict)"
        kwargs = data()
        return kwargs if isinstance(kwargs, str) else draw(**kwargs)

    @classmethod
    def check_spec(cls, spec: Mapping[str, Any] | None = None) -> Spec:
        """The specification, resolved and checked before any data is loaded (a notebook's own
        parameters): a one-line ParameterError naming the choice and its valid values."""
        return cls.space.resolve(spec, owner=cls.id)


def spread_statistic(name: str, value: float, band: tuple[float, float, str] | None, **extra) -> Statistic:
    """A realised spread (decimal) as a statistic in pp, with its *noise band* (how far the same
    spread could move by the pair's day-to-day noise: not a confidence interval for a fact about
    the past); no band when the window is too short for one. ``extra``: ``p_value``, ``mde``."""
    if band is None:
        return Statistic(name=name, value=percent(value), unit="pp", band="noise band",
                         method=f"no band: fewer than {MIN_BAND_DAYS} daily differences", **extra)
    lo, hi, method = band
    return Statistic(name=name, value=percent(value), unit="pp", ci_low=percent(lo), ci_high=percent(hi), ci_level=0.95,
                     method=method, band="noise band", **extra)


def band_phrase(band: tuple[float, float, str] | None) -> str | None:
    """``includes zero`` or ``excludes zero``: a spread's band (None without one)."""
    if band is None:
        return None
    lo, hi, _ = band
    return "includes zero" if lo <= 0 <= hi else "excludes zero"


#: What a table cell shows when the window leaves a table without rows.
NO_ROWS = "*No rows in this run's window.*"


def _rounded(table, digits: int):
    """A table rounded for display; a note (:data:`NO_ROWS`) passes through."""
    return table if isinstance(table, Text) else table.round(digits)


#: Headers of the claims' tables as the book shows them (the frames keep their own names).
BOOK_HEADERS = {"downside_capture": "downside capture", "upside_capture": "upside capture",
                "max_drawdown": "max drawdown (%)", "n": "weeks", "pp a year": "value (pp a year)"}
#: Count columns: shown as whole numbers even where the frame holds them as floats.
COUNT_HEADERS = ("weeks", "months", "events", "windows", "runs", "stressed weeks", "weeks IWM fell")
#: Pairs of interval columns, by prefix ("" for the plain ``ci_low``/``ci_high``), and the header of the
#: one column that replaces each pair.
CI_PREFIXES = {"": "95% CI", "Hodrick ": "Hodrick 95% CI", "Newey-West ": "Newey-West 95% CI",
               "beta ": "beta 95% CI", "short minus long ": "short minus long 95% CI"}


def book_frame(table):
    """A claim's table as the book shows it (presentation only; the values are unchanged):

    * each ``ci_low``/``ci_high`` pair becomes one "95% CI" column reading ``low to high``, with
      the decimals of the column before it (1 for percent and pp, else 2);
    * snake_case headers read as words (:data:`BOOK_HEADERS`), and counts as whole numbers;
    * a year index reads ``2017``, not ``2,017``; ranges ``2017-04-21..2021-12-03`` read
      ``2017-04-21 to 2021-12-03``.

    A note (a claim's :class:`Text` for an empty table) passes through.
    """
    if isinstance(table, Text):
        return table
    t = table.copy().rename(columns=BOOK_HEADERS)
    for col in COUNT_HEADERS:
        if col in t.columns and pd.api.types.is_float_dtype(t[col]):
            whole = t[col].dropna()
            if (whole == whole.round()).all():
                t[col] = t[col].astype("Int64")
    for prefix, header in CI_PREFIXES.items():
        low, high = f"{prefix}ci_low", f"{prefix}ci_high"
        if low in t.columns and high in t.columns:
            before = [str(c) for c in t.columns[:list(t.columns).index(low)] if "CI" not in str(c) and "ci_" not in str(c)]
            digits = column_digits(before[-1]) if before else 2  # the decimals of the value it brackets
            t = with_ci(t, digits=digits, name=header, low=low, high=high)

    def label(x):
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            return str(x)
        if isinstance(x, str) and ".." in x:
            return x.replace("..", " to ")
        return x

    if isinstance(t.index, pd.MultiIndex):
        t.index = pd.MultiIndex.from_tuples([tuple(label(v) for v in row) for row in t.index], names=t.index.names)
    elif not isinstance(t.index, pd.RangeIndex):
        t.index = pd.Index([label(v) for v in t.index], name=t.index.name)
    return t
