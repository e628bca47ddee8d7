"""The results contract: what a claim's verdict is made of, machine-readably.

These are the types every chapter publishes (one :class:`ClaimResult` per claim) and the
scorecard reads back; :mod:`smallcaps.book.results` writes and reads them as
``<chapter>.results.json``. A :class:`ClaimResult` checks itself on construction.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..display import format_value, percent
from ..errors import DataError

if TYPE_CHECKING:  # pragma: no cover
    from ..stats import Estimate

#: The verdicts, strongest first. ``inconclusive``: the data cannot tell (the estimate points the
#: claim's way but its interval includes zero), as distinct from ``not supported`` (the estimate
#: points away from the claim).
VERDICTS = ("supported", "partly supported", "inconclusive", "not supported", "untestable with available data")
SUPPORTED, PARTLY, INCONCLUSIVE, NOT_SUPPORTED, UNTESTABLE = VERDICTS
#: What the band around a statistic is: a confidence interval of an estimate, or a noise band
#: around a realised number (how much the same spread could move by chance; not an interval for
#: a fact about the past).
BANDS = ("confidence interval", "noise band")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "events", "cross-section", "none")


def round_sig(x: float | None, digits: int = 6) -> float | None:
    """``x`` rounded to ``digits`` significant digits (None for missing or infinite values), so
    that published numbers reproduce byte for byte."""
    if x is None:
        return None
    x = float(x)
    if not math.isfinite(x):
        return None
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


@dataclass(frozen=True)
class Rule:
    """A claim's rule, fixed in the library before the evidence is computed.

    Attributes
    ----------
    claim_id
        ``R1``...``G5``.
    claim
        The claim, restated briefly.
    hypothesis
        What would be true if the claim held, in testable terms.
    statistic
        The one number that decides it (with units and sample).
    supported, partly, not_supported
        The thresholds: when each verdict applies.
    untestable
        When the data cannot decide it (and what data would), or empty.
    """

    claim_id: str
    claim: str
    hypothesis: str
    statistic: str
    supported: str
    partly: str
    not_supported: str
    untestable: str = ""
    inconclusive: str = ""
    #: Public amendments that led to this rule (oldest first); empty for a rule as registered.
    history: tuple = dataclasses.field(default=(), compare=False)

    def text(self) -> str:
        """The rule as one paragraph (stored in the results contract)."""
        t = (f"Hypothesis: {self.hypothesis} Statistic: {self.statistic} Supported if {self.supported}; "
             f"partly supported if {self.partly}; ")
        if self.inconclusive:
            t += f"inconclusive if {self.inconclusive}; "
        t += f"not supported if {self.not_supported}."
        if self.untestable:
            t += f" Untestable if {self.untestable}."
        return t

    def markdown(self) -> str:
        """The rule as the chapter's rule box (Markdown); an amended rule says so, with the
        registered rule and the reason."""
        if self.history:
            last = self.history[-1]
            head = f"**Rule for {self.claim_id}, amended on {last.date} (registered rule below).**"
        else:
            head = f"**Rule for {self.claim_id}, decided before looking at the evidence.**"
        lines = [head, "",
                 f"- *Hypothesis:* {self.hypothesis}", f"- *Statistic:* {self.statistic}",
                 f"- *Supported* if {self.supported}.", f"- *Partly supported* if {self.partly}."]
        if self.inconclusive:
            lines.append(f"- *Inconclusive* if {self.inconclusive}.")
        lines.append(f"- *Not supported* if {self.not_supported}.")
        if self.untestable:
            lines.append(f"- *Untestable with available data* if {self.untestable}.")
        for a in self.history:
            lines += [f"- *Amended on {a.date}:* {a.reason}",
                      f"- *Registered rule (decided before looking at the evidence):* {a.old_rule.text()}"]
        return "\n".join(lines)


@dataclass(frozen=True)
class Statistic:
    """The one number that decides a claim, with its interval.

    Attributes
    ----------
    name
        What it is, in the reader's terms ("IWM minus SPY, 2026 year to date").
    value
        The estimate in ``unit`` (None when the claim is untestable).
    unit
        ``pp`` (percentage points), ``%``, ``ratio``, ``t``, ``count``, ``years``...
    ci_low, ci_high, ci_level
        Confidence interval (or noise band) and its level (e.g. 0.95), or None when none applies.
    method
        How the interval was computed (e.g. ``HAC (Newey-West, 12 lags)``).
    p_value
        The deciding test's p-value (one-sided in the claim's direction), or None.
    mde
        The minimum detectable effect of the deciding test at 80% power, in ``unit``, or None.
    band
        ``confidence interval`` (of an estimate) or ``noise band`` (around a realised number).
    """

    name: str
    value: float | None
    unit: str
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    method: str = ""
    p_value: float | None = None
    mde: float | None = None
    band: str = "confidence interval"

    def __post_init__(self):
        if self.band not in BANDS:
            raise DataError(f"statistic {self.name!r}: band {self.band!r} is not one of {BANDS}")

    @classmethod
    def from_estimate(cls, estimate: Estimate, name: str, unit: str, scale: float = 1.0, **extra) -> Statistic:
        """The statistic of a :class:`~smallcaps.stats.Estimate`, optionally rescaled (e.g. 100
        for a decimal shown in pp); ``extra``: ``p_value``, ``mde``, ``band``."""
        e = estimate.scaled(scale)
        return cls(name=name, value=e.value, unit=unit, ci_low=e.ci_low, ci_high=e.ci_high, ci_level=e.level,
                   method=e.method, **extra)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("value", "ci_low", "ci_high", "ci_level", "p_value", "mde"):
            d[k] = round_sig(d[k])
        return d

    def text(self, digits: int = 2) -> str:
        """``name: value unit (95% CI low to high)``, or ``(noise band low to high)``."""
        f = "{:." + str(digits) + "f}"
        out = format_value(self.value, f)
        if self.value is not None and self.unit:
            out += f" {self.unit}"
        if self.ci_low is not None and self.ci_high is not None:
            if self.band == "noise band":
                lvl = f"{int(round(percent(self.ci_level)))}% noise band " if self.ci_level else "noise band "
            else:
                lvl = f"{int(round(percent(self.ci_level)))}% CI " if self.ci_level else ""
            out += f" ({lvl}{format_value(self.ci_low, f)} to {format_value(self.ci_high, f)})"
        return f"{self.name}: {out}"


@dataclass(frozen=True)
class Sample:
    """The sample a number rests on."""

    start: str | None
    end: str | None
    n: int
    frequency: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


NO_SAMPLE = Sample(None, None, 0, "none")


@dataclass(frozen=True)
class ClaimResult:
    """One claim's verdict and the evidence that decided it."""

    id: str
    claim: str
    rule: str
    verdict: str
    statistic: Statistic
    sample: Sample
    data_vintage: str
    section: str
    note: str = ""
    #: Public changes to the rule (``Amendment.to_dict``: date, reason, old and new rule).
    amendments: tuple = ()
    #: Under the registered rule, for an amended claim: ``{"verdict": ..., "statistic": {...}}``.
    registered: dict | None = None
    #: A dated claim judged when it could have been written and as of the reading date:
    #: ``{"claim_date": ..., "when_said": {"verdict", "statistic"}, "as_of": {"date", "verdict",
    #: "statistic"}}``.
    dated: dict | None = None

    @property
    def rule_status(self) -> str:
        """``amended`` or ``registered``."""
        return "amended" if self.amendments else "registered"

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise DataError(f"claim {self.id}: verdict {self.verdict!r} is not one of {VERDICTS}")
        if self.sample.frequency not in FREQUENCIES:
            raise DataError(f"claim {self.id}: sample frequency {self.sample.frequency!r} not in {FREQUENCIES}")
        if self.verdict == UNTESTABLE and not self.note:
            raise DataError(f"claim {self.id}: an untestable verdict needs a note saying what data would decide it")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "claim": self.claim, "rule": self.rule, "verdict": self.verdict,
            "statistic": self.statistic.to_dict(), "sample": self.sample.to_dict(),
            "data_vintage": self.data_vintage, "section": self.section, "note": self.note,
            "rule_status": self.rule_status, "amendments": list(self.amendments), "registered": self.registered,
            "dated": self.dated,
        }

    def verdict_line(self) -> str:
        """The verdict as one Markdown paragraph (an untestable claim: the verdict and why)."""
        head = f"**Verdict on {self.id}: {self.verdict}.**"
        if self.registered is not None:
            before = self.registered["verdict"]
            head += (f" (Under the registered rule: {before}.)" if before != self.verdict
                     else " (The same under the registered rule.)")
        if self.verdict == UNTESTABLE and self.statistic.value is None:
            return f"{head} {self.note}".strip()
        smp = self.sample
        unit = {"events": "events", "cross-section": "cross-sectional observations", "none": "observations"}.get(
            smp.frequency, f"{smp.frequency} observations")
        sample = f"{smp.start} to {smp.end}, {smp.n:,} {unit}" if smp.n else "no sample"
        mde = (f" Minimum detectable effect at 80% power: {self.statistic.mde:.2f} {self.statistic.unit}."
               if self.statistic.mde is not None else "")
        dated = ""
        if self.dated is not None:
            w, a = self.dated["when_said"], self.dated["as_of"]
            dated = (f" When said ({self.dated['claim_date']}): {w['verdict']}; as of {a['date']}: "
                     f"{a['verdict']}.")
        return (f"{head} {self.statistic.text()}. Sample: {sample}.{mde}{dated} {self.note}").strip()

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimResult:
        return cls(
            id=d["id"], claim=d["claim"], rule=d["rule"], verdict=d["verdict"],
            statistic=Statistic(**d["statistic"]), sample=Sample(**d["sample"]),
            data_vintage=d["data_vintage"], section=d["section"], note=d.get("note", ""),
            amendments=tuple(d.get("amendments") or ()), registered=d.get("registered"), dated=d.get("dated"),
        )


@dataclass(frozen=True)
class Amendment:
    """A change to a claim's registered rule, made in public after the rules were published.

    Attributes
    ----------
    date
        When the rule was changed (ISO).
    reason
        Why, in one or two sentences (e.g. the referee's point it answers).
    old_rule
        The rule as registered (verbatim).
    registered_spec
        The specification under which the claim's code reproduces the registered rule's test
        exactly, so that the verdict under the old rule is recomputed, never typed.
    """

    date: str
    reason: str
    old_rule: Rule
    registered_spec: dict = dataclasses.field(default_factory=dict)

    def to_dict(self, new_rule: Rule) -> dict[str, Any]:
        return {"date": self.date, "reason": self.reason, "old_rule": self.old_rule.text(),
                "new_rule": new_rule.text()}


@dataclass(frozen=True)
class Anchor:
    """A published result reproduced on the book's own data.

    Attributes
    ----------
    name
        What is reproduced ("CGH (2004): small-cap momentum after DOWN markets, %/month").
    citation
        Bibliography key of the paper.
    published, reproduced
        The paper's number and the book's (same units).
    unit
        Their unit.
    sample
        The book's sample for the reproduction (and the paper's, if different).
    tolerance
        The largest difference accepted, stated before computing, with its reason in ``note``
        (another sample, vintage or portfolio construction).
    note
        What differs between the paper's construction and the book's, and why the numbers differ.
    """

    name: str
    citation: str
    published: float
    reproduced: float | None
    unit: str
    sample: str
    tolerance: float
    note: str = ""

    @property
    def difference(self) -> float | None:
        return None if self.reproduced is None else self.reproduced - self.published

    @property
    def within(self) -> bool:
        """Whether the reproduction lies within the stated tolerance of the published number."""
        d = self.difference
        return d is not None and math.isfinite(d) and abs(d) <= self.tolerance

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "citation": self.citation, "published": round_sig(self.published),
                "reproduced": round_sig(self.reproduced), "unit": self.unit, "sample": self.sample,
                "tolerance": round_sig(self.tolerance), "within": self.within, "note": self.note}
