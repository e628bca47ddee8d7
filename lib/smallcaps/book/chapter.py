"""The chapter kit: what a chapter notebook calls to start, glue numbers and publish verdicts.

A chapter notebook reads as an argument; this kit keeps the plumbing out of it::

    ch = Chapter.open("rotation", "The rotation toward quality small caps",
                      start=start, end=end, as_of=as_of, data_mode=data_mode, snapshot=snapshot)
    ...                                   # load inputs through ch.data, compute with lib calls
    ch.coverage_check(first, last, "the ETF prices")
    ch.show_data_as_of()                  # "Data as of ..." from the store's provenance
    ch.glue("r1_lead", 8.53, "{:.1f}")    # prose: {glue:md}`r1_lead`
    ch.add(claim_result)                  # one per claim id
    ch.publish()                          # writes <chapter>.results.json, shows the verdict table
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..data import DataSession
from ..claims.base import Claim
from ..display import Fact, Text, configure_display, format_value  # noqa: F401  (re-exported for notebooks)
from ..errors import DataError, ParameterError
from ..provenance import Provenance
from . import CHAPTERS, THESIS_CLAIMS
from .params import Window, check_coverage, window
from .prose import FLAG_PREFIX
from .results import ChapterResults, ClaimResult

SOURCE_NAMES = {
    "french": "Kenneth French data library",
    "fred": "FRED",
    "cboe": "CBOE VIX history",
    "shiller": "Shiller ie_data",
    "yahoo": "Yahoo Finance adjusted closes",
    "pitindex": "pitindex point-in-time membership",
}


def summarise_provenance(provs: list[Provenance]) -> list[str]:
    """One line per source: what was used, its vintage and last date."""
    by_source: dict[str, list[Provenance]] = defaultdict(list)
    for p in provs:
        by_source[p.source].append(p)
    lines = []
    for source in sorted(by_source, key=lambda s: list(SOURCE_NAMES).index(s) if s in SOURCE_NAMES else 99):
        group = by_source[source]
        name = SOURCE_NAMES.get(source, source)
        origins = sorted({p.origin if p.origin != "snapshot" else f"snapshot {p.snapshot_id}" for p in group})
        if source == "yahoo":
            panel = [p for p in group if p.dataset == "yahoo/stocks_close"]
            singles = [p for p in group if p.dataset != "yahoo/stocks_close"]
            parts = []
            if singles:
                parts.append(f"{len(singles)} ETF and index file(s)")
            if panel:
                parts.append(f"the S&P member stock panel ({panel[0].extra.get('tables', {}).get('close', {}).get('rows', panel[0].rows):,} days)")
            lasts = sorted(p.last for p in group if p.last)
            span = f", last quote {lasts[-1]}" if lasts else ""
            lines.append(f"{name}: {' and '.join(parts)}{span} ({', '.join(origins)})")
            continue
        parts = []
        for p in sorted(group, key=lambda p: p.dataset):
            label = p.dataset.split("/", 1)[1]
            if p.vintage and p.last and p.last in p.vintage:
                parts.append(f"{label} ({p.vintage})")  # the vintage already says the last date
            else:
                vint = f", {p.vintage}" if p.vintage else ""
                parts.append(f"{label} (to {p.last}{vint})")
        lines.append(f"{name}: {'; '.join(parts)} ({', '.join(origins)})")
    return lines


def provenance_records(provs: list[Provenance]) -> list[dict[str, Any]]:
    """The data-vintage part of the results contract (no machine-specific fields)."""
    return [
        {"dataset": p.dataset, "source": p.source, "origin": p.origin, "location": p.location,
         "vintage": p.vintage, "first": p.first, "last": p.last, "sha256": p.sha256}
        for p in sorted(provs, key=lambda p: p.dataset)
    ]


@dataclass
class Chapter:
    """One chapter's run: validated parameters, its data session, glued values and verdicts.

    Use :meth:`open` rather than the constructor.
    """

    id: str
    title: str
    window: Window
    data: DataSession
    results_dir: Path
    parameters: dict[str, Any]
    claims: list[ClaimResult] = field(default_factory=list)
    glued: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def open(cls, chapter_id: str, title: str, *, start, end, as_of=None, data_mode=None, snapshot=None,
             store=None, results_dir: str | os.PathLike = ".", **extra_params) -> Chapter:
        """Validate parameters and open the chapter's data session (no data is loaded yet).

        Raises
        ------
        ParameterError
            Unknown chapter, unparseable dates, end before start, as_of outside the window,
            unknown data mode or a missing snapshot folder.
        """
        if chapter_id not in CHAPTERS:
            raise ParameterError(f"chapter={chapter_id!r} is unknown; valid: {', '.join(CHAPTERS)}")
        win = window(start, end, as_of)
        ds = DataSession(mode=data_mode, snapshot=snapshot, store=store)
        configure_display()
        params = {**win.as_dict(), "data_mode": ds.mode, **extra_params}
        return cls(chapter_id, title, win, ds, Path(results_dir), params)

    # -- parameters and coverage ---------------------------------------------------------------

    def coverage_check(self, first, last, what: str) -> None:
        """Fail with a one-line error if the window lies outside ``first..last`` of ``what``.

        Call it with the union coverage of the chapter's data right after loading, before any
        analysis: the window must start and end inside it.
        """
        f, l = pd.Timestamp(first), pd.Timestamp(last)
        if self.window.start < f:
            raise ParameterError(f"start={self.window.start.date()} is before the first date of {what}; "
                                 f"valid: {f.date()}..{l.date()}")
        if self.window.end > l:
            raise ParameterError(f"end={self.window.end.date()} is after the last date of {what}; "
                                 f"valid: {f.date()}..{l.date()}")
        check_coverage(self.window, f, l, what)

    # -- provenance -----------------------------------------------------------------------------

    def data_as_of(self) -> str:
        """Markdown: the chapter's parameters and every source it used with its vintage."""
        w = self.window
        lines = [f"**Parameters:** start {w.start.date()}, end {w.end.date()}, as of {w.as_of.date()}, "
                 f"data mode {self.data.mode}.",
                 "",
                 "**Data as of:**"]
        lines += [f"- {line}" for line in summarise_provenance(self.data.used())]
        return "\n".join(lines)

    def show_data_as_of(self) -> Text:
        """:meth:`data_as_of` for display (call after the chapter's data is loaded)."""
        return Text(self.data_as_of())

    # -- glue -------------------------------------------------------------------------------------

    def glue(self, key: str, value, fmt: str | None = None) -> str:
        """Glue a value for the prose (``{glue:md}`key```) and return the text glued.

        Numbers are formatted here (``fmt`` like ``"{:.1f}"``, default 2 decimals), so that
        prose never carries a number typed by hand. None or NaN is glued as "n/a".
        """
        from myst_nb import glue

        text = format_value(value, fmt)
        if key in self.glued:
            raise DataError(f"glue key {key!r} used twice in chapter {self.id}")
        self.glued[key] = text
        glue(key, Text(text), display=False)
        return text

    def glue_many(self, values: dict[str, Any], fmt: str | None = None) -> dict[str, str]:
        """Glue several values at once (``{key: value}``, or ``{key: (value, fmt)}``)."""
        out = {}
        for key, value in values.items():
            v, f = value if isinstance(value, tuple) else (value, fmt)
            out[key] = self.glue(key, v, f)
        return out

    def glue_facts(self, source) -> dict[str, str]:
        """Glue the facts of a claim or of a chapter's inputs (``source.facts()``: key -> Fact),
        and record the claim's flags, which decide the paragraphs shown (:mod:`smallcaps.book.prose`).

        Returns the texts glued.
        """
        import json

        from myst_nb import glue

        out = {}
        for key, fact in source.facts().items():
            out[key] = self.glue(key, fact.text() if isinstance(fact, Fact) else fact)
        flags = source.all_flags() if hasattr(source, "all_flags") else {}
        if flags:
            name = f"{FLAG_PREFIX}{getattr(source, 'section', self.id)}"
            self.flags.update(flags)
            glue(name, Text(json.dumps(flags, sort_keys=True)), display=False)
        return out

    # -- verdicts ---------------------------------------------------------------------------------

    def add(self, result: ClaimResult) -> ClaimResult:
        """Record one claim's result (each claim id once)."""
        if any(c.id == result.id for c in self.claims):
            raise DataError(f"claim {result.id} recorded twice in chapter {self.id}")
        self.claims.append(result)
        return result

    @staticmethod
    def show_rule(rule) -> Text:
        """The claim's rule for display, before its evidence: a :class:`Rule`, a claim class
        (its published rule) or a claim (its rule under its specification)."""
        if isinstance(rule, type) and issubclass(rule, Claim):
            rule = rule.rule_for()
        elif isinstance(rule, Claim):
            rule = rule.rule
        return Text(rule.markdown())

    def verdict(self, result) -> Text:
        """Record a claim's result (a :class:`ClaimResult` or a claim) and return its verdict
        line for display (check it with ``# NBVAL_CHECK_OUTPUT``)."""
        if isinstance(result, Claim):
            result = result.result
        self.add(result)
        return Text(verdict_line(result))

    def stability(self, claim) -> Text:
        """How robust a claim's verdict is, from the specification sweep (the Robustness page's
        ``robustness.results.json`` beside this chapter's results): the share of specifications
        that agree with it and whether it is fragile. Call it after :meth:`verdict`; a sweep
        made for another verdict (or none, e.g. in a re-run with new dates) is said so."""
        from .robustness import stability_text

        cid = claim if isinstance(claim, str) else claim.id
        result = next((c for c in self.claims if c.id == cid), None)
        return stability_text(cid, result, self.results_dir)

    def verdict_table(self) -> pd.DataFrame:
        """Claim id, verdict and deciding number with interval, one row per claim."""
        rows = []
        for c in self.claims:
            rows.append({"claim": c.id, "verdict": c.verdict, "deciding number": statistic_text(c),
                         "sample": f"{c.sample.start}..{c.sample.end}, n={c.sample.n:,} {c.sample.frequency}"})
        return pd.DataFrame(rows).set_index("claim") if rows else pd.DataFrame()

    def publish(self) -> pd.DataFrame:
        """Write ``<chapter>.results.json`` beside the notebook and return the verdict table.

        Raises
        ------
        DataError
            A thesis chapter is missing a claim id it owns (no claim may silently drop out).
        """
        expected = THESIS_CLAIMS.get(self.id, ())
        missing = [c for c in expected if c not in {r.id for r in self.claims}]
        if missing:
            raise DataError(f"chapter {self.id} has no result for claim(s) {', '.join(missing)}")
        results = ChapterResults(
            chapter=self.id, title=self.title, parameters=self.parameters,
            data=provenance_records(self.data.used()),
            claims=sorted(self.claims, key=lambda c: expected.index(c.id) if c.id in expected else 99),
        )
        results.write(self.results_dir)
        return self.verdict_table()


def statistic_text(result: ClaimResult, digits: int = 2) -> str:
    """``name: value unit (95% CI low to high)`` for a claim's deciding statistic."""
    return result.statistic.text(digits)


def verdict_line(result: ClaimResult) -> str:
    """The verdict as one Markdown paragraph."""
    return result.verdict_line()
