"""The chapter kit: what a chapter notebook calls to start, glue numbers and publish verdicts.

A chapter notebook reads as an argument; this kit keeps the plumbing out of it::

    ch = Chapter.open("rotation", "The rotation toward quality small caps",
                      start=start, end=end, as_of=as_of, data_mode=data_mode, snapshot=snapshot)
    ...                                   # load inputs through ch.data, compute with lib calls
    ch.coverage_check(first, last, "the ETF prices")
    ch.show_data_as_of()                  # "Data as of ..." from the store's provenance
    ch.rerun_box()                        # "Re-run this chapter": the command, from the parameters
    v1 = valuation.V1(inputs, ch.window)  # a claim object (smallcaps.claims)
    ch.table(v1.table(), name="tbl-v1", caption="...")            # a numbered, captioned table
    ch.figure(v1.plot(draw), name="fig-v1", caption="...")        # a numbered figure with alt text
    ch.glue("r1_lead", 8.53, "{:.1f}")    # prose: {glue:md}`r1_lead`
    ch.verdict(v1)                        # the verdict, as a callout in the grid's colours
    ch.publish()                          # writes <chapter>.results.json, shows the verdict table
    ch.verdict_box()                      # glues the box the chapter's top shows ({glue:md} verdict_box)
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..claims.base import Claim
from ..data import DataSession
from ..display import Fact, Table, Text, configure_display, format_value, plural  # noqa: F401  (re-exported for notebooks)
from ..errors import DataError, ParameterError
from ..params import Window, check_chapter, check_coverage, own_parameters, specs, window
from ..provenance import Provenance
from . import CHAPTERS, THESIS_CLAIMS, verdicts
from .prose import FLAG_PREFIX
from .results import ChapterResults, ClaimResult

#: The glue key of a chapter's verdict box (the chapter's top shows ``{glue:md} verdict_box``).
VERDICT_BOX = "verdict_box"
#: Where the book's sources live (the re-run box links to its README).
REPOSITORY = "https://github.com/small-caps-on-trial/small-caps-on-trial"
#: Parameters every chapter has (the re-run box lists a chapter's own parameters besides these).
COMMON_PARAMETERS = ("start", "end", "as_of", "data_mode", "snapshot", "results_dir", "require_complete")

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
        origins = sorted({_origin_label(p) for p in group})
        if source == "yahoo":
            panel = [p for p in group if p.dataset == "yahoo/stocks_close"]
            singles = [p for p in group if p.dataset != "yahoo/stocks_close"]
            parts = []
            if singles:
                parts.append(plural(len(singles), "ETF and index file"))
            if panel:
                days = panel[0].extra.get("tables", {}).get("close", {}).get("rows", panel[0].rows)
                parts.append(f"the S&P member stock panel ({days:,} days)")
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


def _origin_label(p: Provenance) -> str:
    if p.origin != "snapshot":
        return p.origin
    return "unverified snapshot, no manifest" if p.unverified else f"snapshot {p.snapshot_id}"


#: Said on every page whose data came from a snapshot without a manifest.
UNVERIFIED_WARNING = (
    "**Data not verified:** the snapshot folder has no MANIFEST.tsv, so its files were not checked "
    "against published sha256 sums (accepted with `--unverified-snapshot`). The numbers below are only as "
    "good as the files in that folder.")


def unverified_warning(provs: list[Provenance]) -> str:
    """:data:`UNVERIFIED_WARNING` if any dataset came from an unverified snapshot, else ''."""
    return UNVERIFIED_WARNING if any(p.unverified for p in provs) else ""


def provenance_records(provs: list[Provenance]) -> list[dict[str, Any]]:
    """The data-vintage part of the results contract (no machine-specific fields).

    A file from a snapshot without a manifest also carries ``"verified": false`` (verified
    files carry no such key, so results on a verified snapshot are unchanged).
    """
    out = []
    for p in sorted(provs, key=lambda p: p.dataset):
        rec: dict[str, Any] = {"dataset": p.dataset, "source": p.source, "origin": p.origin, "location": p.location,
               "vintage": p.vintage, "first": p.first, "last": p.last, "sha256": p.sha256}
        if p.unverified:
            rec["verified"] = False
        out.append(rec)
    return out


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
    anchors: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # file parameters: name -> (file name, sha256)
    #: Claims recorded as objects (``ch.verdict(claim)``), by id: their verdicts show as callouts.
    objects: dict[str, Claim] = field(default_factory=dict)
    labels: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, chapter_id: str, title: str, *, start, end, as_of=None, data_mode=None, snapshot=None,
             store=None, results_dir: str | os.PathLike = ".", **own_params) -> Chapter:
        """Validate every parameter and open the chapter's data session (no data is loaded yet).

        Pass all the chapter's parameters: each is checked against the chapter's declaration in
        :data:`smallcaps.params.SPECS` (type, range or choices; dates as YYYY-MM-DD), so a
        plain ``papermill`` run fails here, in the set-up cell, with the same one-line error as
        ``smallcaps run`` gives before it starts. A parameter left out takes its declared default.

        Raises
        ------
        ParameterError
            Unknown chapter or parameter, a value of the wrong type or out of range, unparseable
            dates, end before start, as_of outside the window, a start before the chapter's data,
            a missing file, unknown data mode or a missing snapshot folder.
        """
        if chapter_id not in CHAPTERS:
            raise ParameterError(f"chapter={chapter_id!r} is unknown; valid: {', '.join(CHAPTERS)}")
        table = specs(chapter_id)
        values = {"start": start, "end": end, "as_of": as_of, "data_mode": data_mode, "snapshot": snapshot,
                  **own_params}
        if "results_dir" in table:
            values["results_dir"] = str(results_dir)
        checked = check_chapter(chapter_id, values)
        win = window(checked["start"], checked["end"], checked["as_of"])
        ds = DataSession(mode=data_mode, snapshot=snapshot, store=store)
        configure_display()
        params: dict[str, Any] = {**win.as_dict(), "data_mode": ds.mode}
        files: dict[str, tuple[str, str]] = {}
        for name in own_parameters(chapter_id):
            if table[name].managed:
                continue
            value = checked[name]
            if table[name].kind == "file" and value is not None:
                path = Path(value)
                files[name] = (path.name, hashlib.sha256(path.read_bytes()).hexdigest())
                value = path.name  # by name only: no machine path enters the results or the page
            params[name] = value
        return cls(chapter_id, title, win, ds, Path(results_dir), params, files=files)

    # -- parameters and coverage ---------------------------------------------------------------

    def coverage_check(self, first, last, what: str) -> None:
        """Fail with a one-line error if the window lies outside ``first..last`` of ``what``.

        Call it with the union coverage of the chapter's data right after loading, before any
        analysis: the window must start and end inside it.
        """
        first_ts, last_ts = pd.Timestamp(first), pd.Timestamp(last)
        if self.window.start < first_ts:
            raise ParameterError(f"start={self.window.start.date()} is before the first date of {what}; "
                                 f"valid: {first_ts.date()}..{last_ts.date()}")
        if self.window.end > last_ts:
            raise ParameterError(f"end={self.window.end.date()} is after the last date of {what}; "
                                 f"valid: {first_ts.date()}..{last_ts.date()}")
        check_coverage(self.window, first_ts, last_ts, what)

    # -- provenance -----------------------------------------------------------------------------

    def data_as_of(self) -> str:
        """Markdown: the chapter's parameters and every source it used with its vintage."""
        w = self.window
        used = self.data.used()
        files = "".join(f", {name} `{fname}` (sha256 {sha[:12]})" for name, (fname, sha) in self.files.items())
        lines = [f"**Parameters:** start {w.start.date()}, end {w.end.date()}, as of {w.as_of.date()}, "
                 f"data mode {self.data.mode}{files}.",
                 ""]
        warning = unverified_warning(used)
        if warning:
            lines += [warning, ""]
        lines += ["**Data as of:**"]
        lines += [f"- {line}" for line in summarise_provenance(used)]
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
        """Record a claim's result and return its verdict for display (check it with
        ``# NBVAL_CHECK_OUTPUT``).

        Given a claim (``smallcaps.claims``), the verdict is a callout in the verdict grid's
        colours: why (the rule's clause the evidence met), the deciding number (with its interval
        where the interval decides) and its sample, and the claim's note. Given a bare
        :class:`ClaimResult` (chapters not yet ported to claim objects) it is the plain verdict
        paragraph.
        """
        if isinstance(result, Claim):
            claim = result
            result = claim.result
            self.add(result)
            self.objects[result.id] = claim
            return Text(verdicts.callout(result))
        self.add(result)
        return Text(verdict_line(result))

    def anchor(self, anchor) -> pd.DataFrame:
        """Record a published result reproduced on the book's data (an
        :class:`~smallcaps.claims.contract.Anchor`; published in the chapter's results file) and
        return it as a one-row table: the paper's number beside the book's, the difference and
        the tolerance stated before computing it."""
        if any(a["name"] == anchor.name for a in self.anchors):
            raise DataError(f"anchor {anchor.name!r} recorded twice in chapter {self.id}")
        self.anchors.append(anchor.to_dict())
        d = anchor.difference
        return pd.DataFrame([{
            "published result": anchor.name, "paper": anchor.citation, f"published ({anchor.unit})": anchor.published,
            f"this book ({anchor.unit})": None if anchor.reproduced is None else round(anchor.reproduced, 2),
            "difference": None if d is None else round(d, 2), "tolerance": anchor.tolerance,
            "within": "yes" if anchor.within else "no", "sample": anchor.sample,
        }]).set_index("published result")

    def verdict_box(self) -> Text:
        """Glue the chapter's verdict box (each claim, its verdict, why, a link to its section)
        under :data:`VERDICT_BOX` and return it. Call it after the last verdict, in a
        ``remove-cell`` cell checked by the tests; the chapter shows it at the top with::

            ```{glue:md} verdict_box
            :format: myst
            ```
        """
        from myst_nb import glue

        if not self.claims:
            raise DataError(f"chapter {self.id} has no verdicts yet: call verdict_box() after the last ch.verdict()")
        box = Text(verdicts.box(self.claims))
        glue(VERDICT_BOX, box, display=False)
        return box

    # -- tables and figures ---------------------------------------------------------------------------

    def _label(self, name: str | None, kind: str) -> str:
        name = name or f"{self.id}-{kind}-{sum(1 for n in self.labels if n.startswith(f'{self.id}-{kind}-')) + 1}"
        if name in self.labels:
            raise DataError(f"{kind} name {name!r} used twice in chapter {self.id}")
        self.labels.append(name)
        return name

    def table(self, frame, *, caption: str | None = None, name: str | None = None, digits: dict | int | None = None,
              collapsed: str | None = None, index: bool | None = None) -> Table | Text:
        """A book table (:class:`smallcaps.display.Table`): readable headers, 1 decimal for percent
        and pp and 2 for ratios, ticks for booleans, no index-name row; with a ``caption`` it is
        numbered ("Table 3.2") and ``name`` is its label for ``{numref}`` (default
        ``<chapter>-table-<n>``). ``collapsed``: a dropdown title, for long robustness tables.
        ``digits``: decimals by column header, or one number for every float column (a table of
        pp whose headers name no unit).

        ``frame`` may instead be a note saying why there is no table (a claim's table method
        returns one when the window has no rows to show): the note is shown in its place."""
        if isinstance(frame, (str, Text)):
            return Text(frame.markdown if isinstance(frame, Text) else frame)
        if isinstance(frame, Table):  # a claim's own table: keep its decimals and layout unless given here
            digits = digits if digits is not None else frame.digits
            collapsed = collapsed if collapsed is not None else frame.collapsed
            index = index if index is not None else frame.index
            frame = frame.frame
        if isinstance(digits, int):
            digits = {str(c): digits for c in [*frame.columns, *frame.index.names] if c is not None}
        label = self._label(name, "table") if caption else None
        return Table(frame, caption=caption, name=label, digits=digits, collapsed=collapsed, index=index)

    def figure(self, fig, *, caption: str, name: str | None = None, alt: str | None = None) -> Text:
        """Show a figure numbered and captioned ("Figure 3.1"), as SVG, with alt text (default:
        the figure's title, which states the finding). ``name`` is its label for ``{numref}``
        (default ``<chapter>-figure-<n>``).

        ``fig`` may instead be a note saying why there is no figure (``claim.plot`` returns one
        when the window cannot decide the claim): the note is shown in its place. Prose that
        refers to the figure should sit in a paragraph shown only when the claim is testable
        (``show-if:<id>``), so a re-run without the figure never points to a missing one.
        """
        from IPython.display import SVG
        from myst_nb import glue

        from .. import plots

        if isinstance(fig, (str, Text)):
            note = fig.markdown if isinstance(fig, Text) else f"*No figure: {fig}*"
            return Text(note)
        label = self._label(name, "figure")
        text = alt or plots.title_of(fig) or caption
        glue(label, SVG(plots.svg_bytes(fig)), display=False)
        plots.close(fig)
        alt_text = " ".join(str(text).split())
        return Text(f"```{{glue:figure}} {label}\n:name: {label}\n:alt: {alt_text}\n\n{caption}\n```")

    # -- re-running ------------------------------------------------------------------------------

    def rerun_command(self, out: str | None = None) -> str:
        """The ``smallcaps run`` command that re-executes this chapter with its window (and its own
        parameters passed to :meth:`open`)."""
        w = self.window
        parts = ["smallcaps run", f"--chapters {self.id}", f"--start {w.start.date()}", f"--end {w.end.date()}"]
        if w.as_of != w.end:
            parts.append(f"--as-of {w.as_of.date()}")
        for k, v in self.parameters.items():
            if k in COMMON_PARAMETERS or v is None:
                continue
            parts.append(f"-p {k}={v}")
        parts.append(f"--out {out or f'runs/{self.id}'}")
        return " ".join(parts)

    def rerun_box(self) -> Text:
        """A "Re-run this chapter" dropdown: the exact command for this chapter, its own
        parameters (from the notebook's parameters cell, with their meaning) and what a reader
        needs (the package and the data). Generated, never typed per chapter."""
        own = chapter_parameters(self.id)
        lines = ["::::{dropdown} Re-run this chapter", ":class-container: rerun-box", "",
                 f"You need a checkout of the book's repository with its environment (`make setup`; see the "
                 f"[README]({REPOSITORY}#two-commands)) and the data: the reference snapshot "
                 f"(`SMALLCAPS_SNAPSHOT=../shared/data`) or the same public files downloaded with "
                 f"`smallcaps data fetch --all`. Then:", "",
                 "```bash", self.rerun_command(), "```", "",
                 "`--start` and `--end` bound every series the chapter uses and `--as-of` is the claims' "
                 "\"today\" (default: the end); the rules stay as published. The run builds a separate book "
                 f"in `runs/{self.id}` and leaves this one untouched.", ""]
        if own:
            lines += ["This chapter's own parameters, set with `-p NAME=VALUE`:", "",
                      "| parameter | default | what it is |", "|:---|:---|:---|"]
            lines += [f"| `{p['name']}` | `{p['default']}` | {p['help'] or 'n/a'} |" for p in own]
        else:
            lines.append("This chapter has no parameters of its own besides the dates.")
        lines += ["", "The notebook behind this page (the download button, top right) runs only inside that "
                  "checkout: it calls the `smallcaps` package and reads the data, and its prose pastes numbers "
                  "the package computes.", "::::"]
        return Text("\n".join(lines))

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
            data=provenance_records(self.data.used()), anchors=list(self.anchors),
            claims=sorted(self.claims, key=lambda c: expected.index(c.id) if c.id in expected else 99),
        )
        results.write(self.results_dir)
        if self.claims and all(c.id in self.objects for c in self.claims):
            return self.verdict_summary()
        return self.verdict_table()

    def verdict_summary(self) -> Table:
        """The closing verdict table of a chapter of claim objects: each claim (linked to its
        section), its verdict, the deciding number (its interval where it decides) and sample."""
        rows = []
        for c in self.claims:
            info = verdicts.ClaimInfo.of(c.id)
            rows.append({"claim": f"{{ref}}`{info.label} <{c.section}>`", "verdict": verdicts.badge(c.verdict),
                         "deciding number": verdicts.deciding_text(c, info), "sample": verdicts.sample_text(c)})
        return Table(pd.DataFrame(rows), caption=f"The verdicts of this chapter ({self.title.lower()})",
                     name=f"tbl-{self.id}-verdicts")


def chapter_parameters(chapter_id: str) -> list[dict[str, str]]:
    """A chapter's own parameters (besides the common dates and data settings): name, default and
    what it is, from the book's parameter declarations (``smallcaps.params.SPECS``)."""
    table = specs(chapter_id)

    def shown(v):
        return f'"{v}"' if isinstance(v, str) else str(v)

    return [{"name": n, "default": shown(table[n].default), "help": table[n].help}
            for n in own_parameters(chapter_id) if not table[n].managed]


def statistic_text(result: ClaimResult, digits: int = 2) -> str:
    """``name: value unit (95% CI low to high)`` for a claim's deciding statistic."""
    return result.statistic.text(digits)


def verdict_line(result: ClaimResult) -> str:
    """The verdict as one Markdown paragraph."""
    return result.verdict_line()
