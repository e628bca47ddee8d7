"""What the rotation claims share beyond :class:`~smallcaps.claims.base.Claim`.

:class:`RotationClaim` lets a rule template use values derived from the specification (``IWM
minus SPY`` from the choice ``pair="IWM-SPY"``), through :meth:`RotationClaim.template_values`;
the base fills templates with the choices' own values only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ...display import Text
from ..base import Claim, Spec
from ..contract import Rule, Statistic
from .inputs import MIN_BAND_DAYS


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
                    untestable=fill(t.untestable))

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


def spread_statistic(name: str, value: float, band: tuple[float, float, str] | None) -> Statistic:
    """A year-to-date spread (decimal) as a statistic in pp, with its band as the interval (no
    interval when the window is too short for one)."""
    if band is None:
        return Statistic(name=name, value=100 * value, unit="pp",
                         method=f"no band: fewer than {MIN_BAND_DAYS} daily differences")
    lo, hi, method = band
    return Statistic(name=name, value=100 * value, unit="pp", ci_low=100 * lo, ci_high=100 * hi, ci_level=0.95,
                     method=method)


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
