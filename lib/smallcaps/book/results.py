"""The results contract: what every thesis chapter publishes, machine-readably.

Each chapter writes ``<chapter>.results.json`` beside its executed notebook. The scorecard and
the tests read results only from there. One file holds::

    {
      "contract": 2,
      "chapter": "rotation",                      # chapter id
      "title": "...",
      "parameters": {"start": "...", "end": "...", "as_of": "...", ...},
      "data": [ {dataset, source, vintage, first, last, sha256}, ... ],   # data vintage
      "claims": [
        {
          "id": "R1",                             # claim id from shared/theses.md
          "claim": "short paraphrase",
          "rule": "the rule as it decides now (amended or registered): hypothesis, statistic, thresholds",
          "verdict": "supported" | "partly supported" | "inconclusive" | "not supported"
                     | "untestable with available data",
          "statistic": {"name": ..., "value": float|null, "unit": "pp" | "%" | "ratio" | ...,
                        "ci_low": float|null, "ci_high": float|null, "ci_level": 0.95|null,
                        "method": "HAC (Newey-West, 12 lags)" | "stationary bootstrap" | ...,
                        "p_value": float|null,    # the deciding test, one-sided in the claim's direction
                        "mde": float|null,        # minimum detectable effect at 80% power, in unit
                        "band": "confidence interval" | "noise band"},
          "sample": {"start": "YYYY-MM-DD", "end": "YYYY-MM-DD", "n": int, "frequency": "daily"|...},
          "data_vintage": "Yahoo adjusted closes to 2026-07-14; French CRSP 202511",
          "section": "anchor-label-of-the-deciding-section",
          "note": "one sentence: what decided it, or what data would decide an untestable claim",
          "rule_status": "registered" | "amended",
          "amendments": [{"date", "reason", "old_rule", "new_rule"}, ...],
          "registered": {"verdict": ..., "statistic": {...}} | null,     # under the registered rule
          "dated": {"claim_date": ..., "when_said": {"verdict", "statistic"},
                    "as_of": {"date", "verdict", "statistic"}} | null
        }, ...
      ],
      "anchors": [ {name, citation, published, reproduced, unit, sample, tolerance, within, note}, ... ]
    }

Numbers are stored rounded to 6 significant digits so that files reproduce byte for byte.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..claims.contract import (  # noqa: F401  (the contract's types, re-exported for readers of this module)
    FREQUENCIES,
    NO_SAMPLE,
    UNTESTABLE,
    VERDICTS,
    ClaimResult,
    Rule,
    Sample,
    Statistic,
    round_sig,
)
from ..errors import DataError

CONTRACT_VERSION = 2


@dataclass
class ChapterResults:
    """Everything one chapter publishes."""

    chapter: str
    title: str
    parameters: dict[str, Any]
    data: list[dict[str, Any]] = field(default_factory=list)
    claims: list[ClaimResult] = field(default_factory=list)
    anchors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract": CONTRACT_VERSION, "chapter": self.chapter, "title": self.title,
            "parameters": self.parameters, "data": self.data, "claims": [c.to_dict() for c in self.claims],
            "anchors": self.anchors,
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
                       claims=[ClaimResult.from_dict(c) for c in d["claims"]], anchors=d.get("anchors", []))
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
