"""A claim as an object: its rule, its evidence, its verdict, and the choices behind them.

Every claim of the book (R1...G5) is a subclass of :class:`Claim`, in a module of its own under
``claims/<chapter>/``. The shape follows ``arch``'s unit-root tests: the class declares what is
fixed before the evidence (the claim, its rule, the choices and thresholds the rule uses); an
instance binds the chapter's inputs, a window and a specification, computes the evidence once,
and decides::

    from smallcaps.claims.valuation import V1
    v1 = V1(inputs, window)              # inputs from smallcaps.claims.valuation.load_inputs
    v1.result                            # a ClaimResult (the results contract)
    v1.summary()                         # rule, deciding number, sample and verdict
    V1.describe()                        # the rule and its specification space, no data needed

A subclass implements :meth:`Claim.compute` (the evidence, a typed dataclass),
:meth:`Claim.untestable` (why this evidence cannot decide the claim, or None) and
:meth:`Claim.decide` (verdict, deciding statistic, sample, note). The untestable path and the
one construction of the :class:`~smallcaps.claims.contract.ClaimResult` live here.

Thresholds are data: each one is a :class:`Choice` of the claim's :class:`SpecSpace`, and the
rule's text is a template filled from the same values the decision reads, so the two cannot
drift apart. The space also names the alternatives a careful analyst could defend, which the
specification sweep evaluates.
"""

from __future__ import annotations

import abc
import dataclasses
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

import pandas as pd

from ..display import Fact, Text
from ..errors import ParameterError
from .contract import (
    NO_SAMPLE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Amendment,
    ClaimResult,
    Rule,
    Sample,
    Statistic,
)

# -- the specification space ---------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One choice a claim's test rests on, with its default and the named alternatives.

    Attributes
    ----------
    name
        Python identifier, used in rule templates (``{rare_percentile}``) and in sweeps.
    default
        The value the published rule uses.
    alternatives
        Label -> value: the other values a careful analyst could defend.
    doc
        What the choice is, with units.
    check
        Optional validator for user-given values: returns an error fragment (the valid range) or
        None when the value is fine.
    """

    name: str
    default: Any
    alternatives: Mapping[str, Any] = field(default_factory=dict)
    doc: str = ""
    check: Callable[[Any], str | None] | None = None

    def values(self) -> list[Any]:
        """The default first, then each alternative."""
        return [self.default, *self.alternatives.values()]

    def label(self, value: Any) -> str:
        """The name of ``value`` in this space: ``default`` or an alternative's label."""
        if value == self.default:
            return "default"
        for label, v in self.alternatives.items():
            if v == value:
                return label
        return f"{self.name}={value!r}"

    def validate(self, value: Any, owner: str) -> Any:
        """``value`` if it fits this choice; else a one-line ParameterError."""
        kind = type(self.default)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.default is not None and not isinstance(value, kind) and value not in self.values():
            raise ParameterError(f"{owner} spec {self.name}={value!r} is not a {kind.__name__}; "
                                 f"valid: {', '.join(repr(v) for v in self.values())}")
        if self.check is not None:
            problem = self.check(value)
            if problem:
                raise ParameterError(f"{owner} spec {self.name}={value!r} is out of range; valid: {problem}")
        return value


class Spec(Mapping[str, Any]):
    """A resolved specification: one value per choice of a claim's space (read-only)."""

    def __init__(self, values: Mapping[str, Any], labels: Mapping[str, str]):
        self._values = dict(values)
        self._labels = dict(labels)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(key) from None

    def __hash__(self) -> int:
        return hash(tuple(sorted((k, repr(v)) for k, v in self._values.items())))

    def __eq__(self, other) -> bool:
        return isinstance(other, Mapping) and dict(self) == dict(other)

    def __repr__(self) -> str:
        return f"Spec({self.label})"

    @property
    def is_default(self) -> bool:
        return all(v == "default" for v in self._labels.values())

    @property
    def label(self) -> str:
        """``default``, or the non-default choices (``peer_set=all momentum; lookback=36 months``)."""
        changed = [f"{k}={v}" for k, v in self._labels.items() if v != "default"]
        return "; ".join(changed) if changed else "default"

    def choices(self) -> dict[str, str]:
        """Choice name -> label of the value taken (``default`` or an alternative's label)."""
        return dict(self._labels)


class SpecSpace:
    """The choices a claim's test rests on.

    Parameters
    ----------
    choices
        One :class:`Choice` per decision (a window length, a peer set, a threshold...).
    """

    def __init__(self, *choices: Choice):
        names = [c.name for c in choices]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate choice names in {names}")
        self.choices: dict[str, Choice] = {c.name: c for c in choices}

    def __contains__(self, name: str) -> bool:
        return name in self.choices

    def __getitem__(self, name: str) -> Choice:
        return self.choices[name]

    def __len__(self) -> int:
        return len(self.choices)

    def default(self) -> Spec:
        """Every choice at its default: the published rule."""
        return Spec({n: c.default for n, c in self.choices.items()}, {n: "default" for n in self.choices})

    def resolve(self, spec: Mapping[str, Any] | None = None, owner: str = "claim") -> Spec:
        """A full specification from the defaults overridden by ``spec`` (names and values checked).

        Raises
        ------
        ParameterError
            An unknown choice name (listing the valid ones) or a value of the wrong type or range.
        """
        if isinstance(spec, Spec) and set(spec) == set(self.choices):
            return spec
        values = {n: c.default for n, c in self.choices.items()}
        for name, value in (spec or {}).items():
            if name not in self.choices:
                valid = ", ".join(self.choices) or "none"
                raise ParameterError(f"{owner} has no spec choice {name!r}; valid: {valid}")
            values[name] = self.choices[name].validate(value, owner)
        return Spec(values, {n: self.choices[n].label(v) for n, v in values.items()})

    def variants(self, how: str = "one-at-a-time") -> Iterator[Spec]:
        """Specifications to sweep: the default, then each alternative changed alone
        (``one-at-a-time``), or every combination (``grid``)."""
        if how == "grid":
            names = list(self.choices)
            for combo in itertools.product(*(self.choices[n].values() for n in names)):
                yield self.resolve(dict(zip(names, combo, strict=True)))
            return
        if how != "one-at-a-time":
            raise ParameterError(f"how={how!r} is not a sweep design; valid: one-at-a-time, grid")
        yield self.default()
        for name, choice in self.choices.items():
            for value in choice.alternatives.values():
                yield self.resolve({name: value})

    def size(self, how: str = "one-at-a-time") -> int:
        """How many specifications :meth:`variants` yields."""
        if how == "grid":
            n = 1
            for c in self.choices.values():
                n *= len(c.values())
            return n
        return 1 + sum(len(c.alternatives) for c in self.choices.values())

    def table(self) -> list[dict[str, str]]:
        """One row per choice: name, default, alternatives, what it is."""
        return [{"choice": c.name, "default": repr(c.default),
                 "alternatives": ", ".join(f"{k} ({v!r})" for k, v in c.alternatives.items()) or "none",
                 "what it is": c.doc} for c in self.choices.values()]


# -- inputs -------------------------------------------------------------------------------------


class ChapterInputs:
    """Base of each chapter's inputs: everything its claims read, loaded once, whole.

    Each chapter's ``inputs.py`` defines a dataclass subclass and a loader with the one signature
    all chapters share, ``load_inputs(data: DataSession, params: dict | None = None)``. Inputs
    hold full histories; a claim cuts the window it needs, so one load serves every window and
    specification (a sweep loads inputs once per worker).

    Class attributes: ``chapter`` (its id), ``default_start`` and ``default_end`` (the chapter's
    published window, the same as its notebook's parameters).
    """

    chapter: ClassVar[str]
    default_start: ClassVar[str]
    default_end: ClassVar[str]

    @property
    def window(self):
        """The chapter's published window (as of its end)."""
        from ..params import window  # dates are validated in one place

        return window(self.default_start, self.default_end)

    def coverage(self):
        """First and last date covered by the inputs, for the chapter's coverage check."""
        raise NotImplementedError

    def vintage(self, *names: str) -> str:
        """The data vintage of the named inputs, for a claim's results."""
        raise NotImplementedError

    def memo(self, key, compute: Callable[[], Any]) -> Any:
        """``compute()`` once per inputs and ``key`` (derived series shared by claims and windows).

        What it returns is shared: callers must not modify it.
        """
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]


# -- decisions -----------------------------------------------------------------------------------


class Untestable(Exception):
    """Raised inside a claim when the data in the window cannot decide it; the message says what
    data would."""


@dataclass(frozen=True)
class Decision:
    """What :meth:`Claim.decide` returns: the verdict and the number that decided it.

    ``p_value`` is the deciding test's p-value where the rule rests on one (one-sided in the
    claim's direction unless the rule says otherwise), for the book's multiple-testing table and
    the specification sweep; None for a claim decided by a description (a level, a count).
    ``mde`` is the test's minimum detectable effect at 80% power (:func:`smallcaps.stats.mde`), in
    the statistic's unit; None for a description.
    """

    verdict: str
    statistic: Statistic
    sample: Sample
    note: str
    p_value: float | None = None
    mde: float | None = None


@dataclass(frozen=True)
class Part:
    """One part of a claim made of several: an ``assertion`` (what the claim says happened or
    holds) or a ``reason`` (a premise offered for it), with its verdict (None: untestable)."""

    name: str
    role: str
    verdict: str | None

    def __post_init__(self):
        if self.role not in ("assertion", "reason"):
            raise ValueError(f"part {self.name!r}: role must be 'assertion' or 'reason'")


def combine_parts(parts) -> str:
    """The book's one rule for claims with several parts (every chapter applies it).

    The verdict is decided on the assertions (reasons are tested and shown, never deciding):
    untestable when no assertion can be tested; otherwise supported when every testable
    assertion is supported, not supported when none holds (each is not supported), and partly
    supported in between; a claim with an untestable assertion is capped at partly supported.
    An assertion that is itself partly supported or inconclusive counts as not fully holding.
    """
    from .contract import INCONCLUSIVE

    assertions = [p for p in parts if p.role == "assertion"]
    if not assertions:
        raise ValueError("a claim needs at least one assertion")
    tested = [p.verdict for p in assertions if p.verdict is not None and p.verdict != UNTESTABLE]
    if not tested:
        return UNTESTABLE
    if all(v == SUPPORTED for v in tested):
        verdict = SUPPORTED
    elif all(v == NOT_SUPPORTED for v in tested):
        verdict = NOT_SUPPORTED
    elif all(v in (NOT_SUPPORTED, INCONCLUSIVE) for v in tested):
        verdict = INCONCLUSIVE if any(v == INCONCLUSIVE for v in tested) else NOT_SUPPORTED
    else:
        verdict = PARTLY
    if verdict == SUPPORTED and len(tested) < len(assertions):
        verdict = PARTLY
    return verdict


# -- the claim -----------------------------------------------------------------------------------


class _hybrid:
    """A method that works on the class (no data) and on an instance (with its evidence)."""

    def __init__(self, on_class: Callable, on_instance: Callable):
        self.on_class, self.on_instance = on_class, on_instance

    def __get__(self, obj, cls):
        if obj is None:
            return self.on_class.__get__(None, cls)
        return self.on_instance.__get__(obj, cls)


class Claim(abc.ABC):
    """One claim, tried once: a rule fixed before the evidence, the evidence, a verdict.

    Class attributes (declared by each claim)
    -----------------------------------------
    id
        ``R1``...``G5`` (``shared/theses.md``).
    chapter
        The chapter id (``rotation``, ``momentum``, ``valuation``, ``graduation``).
    heading
        A short name in the reader's terms ("How cheap are small caps?").
    kind
        ``fact`` (about what happened), ``effect`` (a relation in the data) or ``forecast``.
    rule_template
        The rule with ``{choice}`` placeholders filled from the specification.
    space
        The :class:`SpecSpace`: every choice and threshold the rule uses.
    statistic_name, unit
        The deciding statistic's name and unit when the claim is untestable.
    inputs_used
        Names of the chapter inputs the claim reads (its data vintage lists them).
    interval_decides
        Whether the deciding statistic's confidence interval decides the verdict (the book then
        shows it beside the number); None: inferred from the rule (its thresholds mention an
        interval). Set False where the rule tests another interval than the number shown.

    Parameters
    ----------
    inputs
        The chapter's inputs (``claims.<chapter>.load_inputs``), loaded once and shared.
    window
        The window analysed (``smallcaps.params.Window``); default: the inputs' own.
    spec
        Overrides of the specification's defaults, by choice name.
    """

    id: ClassVar[str]
    chapter: ClassVar[str]
    heading: ClassVar[str] = ""
    kind: ClassVar[str] = "effect"
    interval_decides: ClassVar[bool | None] = None
    rule_template: ClassVar[Rule]
    space: ClassVar[SpecSpace] = SpecSpace()
    statistic_name: ClassVar[str] = ""
    unit: ClassVar[str] = ""
    inputs_used: ClassVar[tuple[str, ...]] = ()
    #: The date(s) the claim refers to or could have been written (from its source), ISO; empty
    #: for a claim about no particular date. Sweeps add windows ending there; :meth:`when_said`
    #: judges the claim at the first.
    claim_dates: ClassVar[tuple[str, ...]] = ()
    #: Public changes to the registered rule, oldest first (``rule_template`` is the rule now).
    amendments: ClassVar[tuple[Amendment, ...]] = ()

    def __init__(self, inputs, window=None, spec: Mapping[str, Any] | None = None):
        self.inputs = inputs
        self.window = window if window is not None else inputs.window
        self.spec = type(self).space.resolve(spec, owner=self.id)

    def __repr__(self) -> str:
        span = "" if self.window is None else f"window={self.window.start.date()}..{self.window.end.date()}, "
        return f"{self.id}({span}spec={self.spec.label})"

    @classmethod
    def from_evidence(cls, evidence, *, spec: Mapping[str, Any] | None = None, window=None, inputs=None) -> Claim:
        """A claim whose evidence is given rather than computed (tests of a rule's boundaries;
        evidence computed elsewhere). ``inputs`` and ``window`` may be None."""
        obj = cls.__new__(cls)
        obj.inputs, obj.window = inputs, window
        obj.spec = cls.space.resolve(spec, owner=cls.id)
        obj.__dict__["evidence"] = evidence
        return obj

    # -- declared by each claim ------------------------------------------------------------------

    @abc.abstractmethod
    def compute(self) -> Any:
        """The evidence for this window and specification (a dataclass; decimals inside)."""

    def untestable(self, evidence) -> str | None:
        """Why this evidence cannot decide the claim (what data would), or None when it can."""
        return None

    @abc.abstractmethod
    def decide(self, evidence) -> Decision:
        """Apply the rule to decidable evidence."""

    def facts(self) -> dict[str, Fact]:
        """The numbers and phrases the chapter's prose cites, by glue key (literal keys)."""
        return {}

    def flags(self) -> dict[str, bool]:
        """Conditions the chapter's prose depends on (a paragraph shown only when one holds); the
        flag ``<id>`` (the claim is testable) is added by the base. Must work on untestable
        evidence too."""
        return {}

    # -- provided once -----------------------------------------------------------------------------

    @classmethod
    def rule_for(cls, spec: Mapping[str, Any] | None = None) -> Rule:
        """The rule under ``spec`` (default: the published specification)."""
        values = cls.space.resolve(spec, owner=cls.id)
        t = cls.rule_template
        fill = (lambda s: s.format_map(dict(values))) if len(values) else (lambda s: s)
        return Rule(claim_id=t.claim_id, claim=t.claim, hypothesis=fill(t.hypothesis), statistic=fill(t.statistic),
                    supported=fill(t.supported), partly=fill(t.partly), not_supported=fill(t.not_supported),
                    untestable=fill(t.untestable), inconclusive=fill(t.inconclusive), history=cls.amendments)

    @property
    def rule(self) -> Rule:
        return type(self).rule_for(self.spec)

    @classmethod
    def registered_rule(cls) -> Rule:
        """The rule as first published (before any amendment)."""
        return cls.amendments[0].old_rule if cls.amendments else cls.rule_for()

    @property
    def amended(self) -> bool:
        return bool(type(self).amendments)

    def registered(self) -> Claim | None:
        """This claim under its registered rule (same inputs and window), or None when the rule
        was never amended."""
        if not self.amended:
            return None
        spec = {**dict(self.spec), **type(self).amendments[0].registered_spec}
        if self.inputs is None:  # evidence given by hand (``from_evidence``): the registered rule on the same evidence
            return type(self).from_evidence(self.evidence, spec=spec, window=self.window)
        return type(self)(self.inputs, self.window, spec)

    def when_said(self) -> Claim | None:
        """This claim judged at its source's date (the window ending at, and read as of, its first
        ``claim_dates``), or None for a claim about no particular date or a window that does not
        reach that date."""
        if not type(self).claim_dates or self.window is None:
            return None
        from ..params import Window  # dates are validated in one place

        date = pd.Timestamp(type(self).claim_dates[0])
        if not (self.window.start <= date):
            return None
        end = min(self.window.end, date)
        return type(self)(self.inputs, Window(self.window.start, end, min(self.window.as_of, end)), self.spec)

    @property
    def section(self) -> str:
        """The anchor of the claim's section in its chapter."""
        return self.id.lower()

    @cached_property
    def evidence(self):
        """The evidence, computed once (None when :meth:`compute` raised :class:`Untestable`)."""
        try:
            return self.compute()
        except Untestable as exc:
            self._untestable_note = str(exc)
            return None

    @property
    def testable(self) -> bool:
        return self.untestable_note is None

    @property
    def untestable_note(self) -> str | None:
        ev = self.evidence
        if ev is None:
            return self._untestable_note
        return self.untestable(ev)

    @property
    def vintage(self) -> str:
        """The data vintage of the inputs this claim reads."""
        return "" if self.inputs is None else self.inputs.vintage(*self.inputs_used)

    @cached_property
    def decision(self) -> Decision:
        """The rule applied to the evidence (the untestable case included)."""
        note = self.untestable_note
        if note is not None:
            return Decision(UNTESTABLE, Statistic(self.statistic_name, None, self.unit), NO_SAMPLE, note)
        return self.decide(self.evidence)

    @property
    def p_value(self) -> float | None:
        """The deciding test's p-value (None where the rule rests on no test)."""
        return self.decision.p_value

    def _statistic(self, d: Decision) -> Statistic:
        """The decision's statistic carrying its p-value and MDE (set once, here)."""
        st = d.statistic
        if (d.p_value is not None and st.p_value is None) or (d.mde is not None and st.mde is None):
            st = dataclasses.replace(st, p_value=st.p_value if st.p_value is not None else d.p_value,
                                     mde=st.mde if st.mde is not None else d.mde)
        return st

    @cached_property
    def bare_result(self) -> ClaimResult:
        """The verdict under this claim's own specification and window only (no registered or
        dated readings): what a specification sweep records."""
        rule, d = self.rule, self.decision
        return ClaimResult(id=self.id, claim=rule.claim, rule=rule.text(), verdict=d.verdict,
                           statistic=self._statistic(d), sample=d.sample, data_vintage=self.vintage,
                           section=self.section, note=d.note)

    @cached_property
    def result(self) -> ClaimResult:
        """The claim's verdict (the results contract); the one place a ClaimResult is built. An
        amended claim carries its amendments and its verdict under the registered rule; a dated
        claim its verdicts when said and as of the reading date."""
        r = self.bare_result
        registered, dated = None, None
        if self.amended:
            old = self.registered()
            registered = {"verdict": old.decision.verdict, "statistic": old._statistic(old.decision).to_dict()}
        said = self.when_said()
        if said is not None and said.window.as_of != self.window.as_of:
            dated = {"claim_date": type(self).claim_dates[0],
                     "when_said": {"verdict": said.decision.verdict,
                                   "statistic": said._statistic(said.decision).to_dict()},
                     "as_of": {"date": self.window.as_of.date().isoformat(), "verdict": r.verdict,
                               "statistic": r.statistic.to_dict()}}
        amendments = tuple(a.to_dict(self.rule) for a in type(self).amendments)
        return dataclasses.replace(r, amendments=amendments, registered=registered, dated=dated)

    def plot(self, draw: Callable[..., Any], data: Callable[[], dict] | None = None):
        """``draw(**data())`` (default ``data``: the claim's ``figure`` method) when the window can
        decide the claim; otherwise a note saying why there is no figure (``plots.show`` shows it)."""
        if not self.testable:
            return f"the window cannot decide {self.id} (see its verdict)"
        return draw(**(data or self.figure)())

    def all_flags(self) -> dict[str, bool]:
        """``{<id>: testable}`` plus the claim's own :meth:`flags`."""
        return {self.section: self.testable, **self.flags()}

    def _summary_instance(self) -> Text:
        return Text(self.rule.markdown() + "\n\n" + self.result.verdict_line())

    @classmethod
    def _summary_class(cls) -> Text:
        rows = "\n".join(f"| {r['choice']} | {r['default']} | {r['alternatives']} | {r['what it is']} |"
                         for r in cls.space.table())
        space = ("\n\n**Specification space.**\n\n| choice | default | alternatives | what it is |\n|---|---|---|---|\n"
                 + rows) if rows else ""
        return Text(f"**{cls.id}. {cls.heading}** ({cls.chapter}, {cls.kind})\n\n" + cls.rule_for().markdown() + space)

    summary = _hybrid(_summary_class, _summary_instance)
    """``Claim.summary()``: the rule and specification space; ``claim.summary()``: with the verdict."""

    def _repr_markdown_(self) -> str:
        return self.summary().markdown

    describe = classmethod(_summary_class)
