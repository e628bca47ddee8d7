"""The results contract: what every thesis chapter publishes, machine-readably.

Each chapter writes ``<chapter>.results.json`` beside its executed notebook. The scorecard and
the tests read results only from there. One file holds::

    {
      "contract": 1,
      "chapter": "rotation",                      # chapter id
      "title": "...",
      "parameters": {"start": "...", "end": "...", "as_of": "...", ...},
      "data": [ {dataset, source, vintage, first, last, sha256}, ... ],   # data vintage
      "claims": [
        {
          "id": "R1",                             # claim id from shared/theses.md
          "claim": "short paraphrase",
          "rule": "the rule, stated before the evidence: hypothesis, statistic, threshold",
          "verdict": "supported" | "partly supported" | "not supported" | "untestable with available data",
          "statistic": {"name": ..., "value": float|null, "unit": "pp" | "%" | "ratio" | ...,
                        "ci_low": float|null, "ci_high": float|null, "ci_level": 0.95|null,
                        "method": "HAC (Newey-West, 12 lags)" | "stationary bootstrap" | ...},
          "sample": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "n": int, "frequency": "daily"|...},
          "data_vintage": "Yahoo adjusted closes to 2026-07-14; French CRSP 202511",
          "section": "anchor-label-of-the-deciding-section",
          "note": "one sentence: what decided it, or what data would decide an untestable claim"
        }, ...
      ]
    }

Numbers are stored rounded to 6 significant digits so that files reproduce byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError

CONTRACT_VERSION = 1
VERDICTS = ("supported", "partly supported", "not supported", "untestable with available data")
UNTESTABLE = VERDICTS[3]
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "events", "cross-section", "none")


def _round(x: float | None, digits: int = 6) -> float | None:
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

    def text(self) -> str:
        """The rule as one paragraph (stored in the results contract)."""
        t = (f"Hypothesis: {self.hypothesis} Statistic: {self.statistic} Supported if {self.supported}; "
             f"partly supported if {self.partly}; not supported if {self.not_supported}.")
        if self.untestable:
            t += f" Untestable if {self.untestable}."
        return t

    def markdown(self) -> str:
        lines = [f"**Rule for {self.claim_id}, decided before looking at the evidence.**", "",
                 f"- *Hypothesis:* {self.hypothesis}", f"- *Statistic:* {self.statistic}",
                 f"- *Supported* if {self.supported}.", f"- *Partly supported* if {self.partly}.",
                 f"- *Not supported* if {self.not_supported}."]
        if self.untestable:
            lines.append(f"- *Untestable with available data* if {self.untestable}.")
        return "\n".join(lines)


@dataclass(frozen=True)
class Statistic:
    """The one number that decides a claim, with its interval.

    Attributes
    ----------
    name
        What it is, in the reader's terms ("IWM minus SPY, 2026 year to date").
    value
        The estimate (None when the claim is untestable).
    unit
        ``pp`` (percentage points), ``%``, ``ratio``, ``t``, ``count``, ``years``...
    ci_low, ci_high, ci_level
        Confidence interval and its level (e.g. 0.95), or None when no interval applies.
    method
        How the interval was computed (e.g. ``HAC (Newey-West, 12 lags)``).
    """

    name: str
    value: float | None
    unit: str
    ci_low: float | None = None
    ci_high: float | None = None
    ci_level: float | None = None
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        for k in ("value", "ci_low", "ci_high", "ci_level"):
            d[k] = _round(d[k])
        return d


@dataclass(frozen=True)
class Sample:
    """The sample a number rests on."""

    start: str | None
    end: str | None
    n: int
    frequency: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


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
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClaimResult:
        return cls(
            id=d["id"], claim=d["claim"], rule=d["rule"], verdict=d["verdict"],
            statistic=Statistic(**d["statistic"]), sample=Sample(**d["sample"]),
            data_vintage=d["data_vintage"], section=d["section"], note=d.get("note", ""),
        )


@dataclass
class ChapterResults:
    """Everything one chapter publishes."""

    chapter: str
    title: str
    parameters: dict[str, Any]
    data: list[dict[str, Any]] = field(default_factory=list)
    claims: list[ClaimResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": CONTRACT_VERSION, "chapter": self.chapter, "title": self.title,
            "parameters": self.parameters, "data": self.data, "claims": [c.to_dict() for c in self.claims],
        }

    def write(self, folder: str | Path) -> Path:
        """Write ``<folder>/<chapter>.results.json`` atomically and return its path."""
        path = Path(folder) / results_filename(self.chapter)
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False, ensure_ascii=False) + "\n")
        tmp.replace(path)
        return path

    @classmethod
    def read(cls, path: str | Path) -> ChapterResults:
        """Read and validate a results file.

        Raises
        ------
        DataError
            Missing file, wrong contract version, or an invalid claim.
        """
        path = Path(path)
        if not path.is_file():
            raise DataError(f"results file {path.name} is missing: run the chapter first")
        try:
            d = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise DataError(f"results file {path.name} is not valid JSON ({exc})") from None
        if not isinstance(d, dict):
            raise DataError(f"results file {path.name} is not a JSON object")
        if d.get("contract") != CONTRACT_VERSION:
            raise DataError(f"results file {path.name} has contract {d.get('contract')!r}, expected {CONTRACT_VERSION}")
        try:
            return cls(chapter=d["chapter"], title=d["title"], parameters=d["parameters"], data=d.get("data", []),
                       claims=[ClaimResult.from_dict(c) for c in d["claims"]])
        except (KeyError, TypeError, AttributeError) as exc:
            raise DataError(f"results file {path.name} is malformed ({type(exc).__name__}: {exc})") from None


def results_filename(chapter: str) -> str:
    return f"{chapter}.results.json"


def read_all(folder: str | Path, chapters: tuple[str, ...] | list[str]) -> dict[str, ChapterResults | None]:
    """Results of each chapter in ``folder`` (None where a chapter has published nothing)."""
    out = {}
    for ch in chapters:
        path = Path(folder) / results_filename(ch)
        out[ch] = ChapterResults.read(path) if path.is_file() else None
    return out
