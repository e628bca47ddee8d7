"""The claims scorecard: every claim's verdict and deciding number on one page, built only from
the chapters' published results (``<chapter>.results.json``, see :mod:`.results`).

Nothing here is typed by hand: a claim whose chapter published no result is shown as
``missing``, and :func:`check_complete` turns any missing claim into an error, so no claim can
silently drop out of the book.

The page explains itself: the verdict grid first (tiles with each claim's short name, linking
to the section that decides it), then one row per claim with its type (a fact about the past,
an effect, a forecast), its verdict, *why* (the rule's clause the evidence met) and the
deciding number, its interval shown only where the interval decides
(:mod:`smallcaps.book.verdicts`). Other pages may add columns (:meth:`Scorecard.add_column`:
issue 14's stability column goes there, after "why this verdict").
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import CHAPTERS, THESIS_CLAIMS
from .chapter import statistic_text  # noqa: F401  (kept for callers of the old table)
from .results import VERDICTS, ChapterResults, ClaimResult, read_all
from .verdicts import KIND_WORDS, ClaimInfo, badge, deciding_text, sample_text, why

MISSING = "missing"

#: Thesis titles, in book order.
THESES = {
    "rotation": "Rotation toward quality small caps",
    "momentum": "Small-cap momentum is regime dependent",
    "valuation": "The valuation discount",
    "graduation": "Index graduation",
}


#: Short thesis names for the grid's rows.
SHORT = {"rotation": "Rotation", "momentum": "Momentum", "valuation": "Valuation", "graduation": "Graduation"}


@dataclass
class Column:
    """A column another page adds to the claims table (e.g. issue 14's stability)."""

    header: str
    values: dict[str, str]
    help: str = ""
    #: claim id -> where its cell links to (e.g. its chapter's section on the Robustness page)
    links: dict[str, str] = field(default_factory=dict)
    #: a last word in a cell shown in bold (e.g. "fragile")
    emphasise: str = ""

    def cell(self, claim_id: str, value: str) -> str:
        """The cell's HTML: the text, its ``emphasise`` word in bold, linked where a link is given."""
        text = html.escape(value)
        if self.emphasise and value.endswith(self.emphasise):
            text = text[: -len(self.emphasise)] + f"<strong>{html.escape(self.emphasise)}</strong>"
        href = self.links.get(claim_id)
        return f'<a href="{html.escape(href)}">{text}</a>' if href else text


@dataclass
class Scorecard:
    """Every claim of every thesis, with its result where one was published, and the stability
    of each verdict where the Robustness page published it (``robustness.results.json``)."""

    results: dict[str, ChapterResults | None]
    extra: list[Column] = field(default_factory=list)
    stability: dict | None = None

    @classmethod
    def read(cls, folder: str | Path = ".") -> Scorecard:
        """Read the thesis chapters' results files (and the Robustness page's) from ``folder``."""
        from .robustness import read_stability

        card = cls(read_all(folder, list(THESIS_CLAIMS)), stability=read_stability(folder))
        if card.stability:
            values = {cid: card.stability_of(cid) for ids in THESIS_CLAIMS.values() for cid in ids}
            card.add_column("stability", values,
                            "The share of the specifications a careful analyst could defend (the rule's declared "
                            "alternatives, on the published window) that reach the published verdict, and across "
                            "windows; fewer than two thirds: fragile (the Robustness page).")
            card.extra[-1].emphasise = "fragile"
            card.extra[-1].links = {cid: f"robustness.html#robustness-{chapter}"
                                    for chapter, ids in THESIS_CLAIMS.items() for cid in ids
                                    if "specs" in values.get(cid, "")}
        return card

    def facts(self) -> dict:
        """No facts of its own (the counts are :meth:`glue_values`); with :meth:`all_flags` it lets
        the chapter kit record the page's flags (``Chapter.glue_facts(card)``)."""
        return {}

    def all_flags(self) -> dict[str, bool]:
        """``swept``: the Robustness page's results were found, so the page's sentence on the
        sweep (and its link to that page, which a re-run of some chapters does not build) shows."""
        return {"swept": bool(self.stability)}

    def stability_of(self, claim_id: str) -> str:
        """``5/5 specs (100%); 78% of 460 across 80 windows`` and ``; fragile`` when fewer than
        two thirds of the specifications agree; ``not swept`` or ``stale`` otherwise."""
        from .robustness import matches

        c = self.claim(claim_id)
        if c is None:
            return ""
        s = (self.stability or {}).get(claim_id)
        if s is None:
            return "not swept"
        return s.short() if matches(s, c) else "stale: sweep made for another verdict"

    def fragile(self) -> list[str]:
        """Claims whose published verdict fewer than two thirds of their specifications agree with."""
        from .robustness import matches

        out = []
        for cid, s in (self.stability or {}).items():
            c = self.claim(cid)
            if c is not None and matches(s, c) and s.fragile:
                out.append(cid)
        return out

    def claim(self, claim_id: str) -> ClaimResult | None:
        for chapter, ids in THESIS_CLAIMS.items():
            if claim_id in ids:
                res = self.results.get(chapter)
                if res is None:
                    return None
                return next((c for c in res.claims if c.id == claim_id), None)
        raise DataError(f"claim {claim_id!r} is not one of the book's claims")

    def missing(self) -> list[str]:
        """Claim ids with no published result, in book order."""
        return [cid for ids in THESIS_CLAIMS.values() for cid in ids if self.claim(cid) is None]

    def table(self) -> pd.DataFrame:
        """One row per claim id, grouped by thesis.

        Columns: thesis, chapter, name (the claim's short heading, where its class has one),
        type (fact about the past, effect, forecast), claim (short paraphrase), verdict (or
        ``missing``), why (the rule's clause met), deciding number (its interval only where it
        decides), sample, data vintage, section (anchor in the chapter, or empty), then any
        columns added with :meth:`add_column`.
        """
        rows = []
        for chapter, ids in THESIS_CLAIMS.items():
            for cid in ids:
                c = self.claim(cid)
                info = ClaimInfo.of(cid)
                base = {"id": cid, "thesis": THESES[chapter], "chapter": chapter, "name": info.heading,
                        "type": KIND_WORDS.get(info.kind, "")}
                if c is None:
                    rows.append({**base, "claim": "", "verdict": MISSING, "why": "no result published",
                                 "deciding number": "no result published", "sample": "", "data vintage": "",
                                 "section": ""})
                    continue
                rows.append({**base, "claim": c.claim, "verdict": c.verdict, "why": why(c),
                             "deciding number": deciding_text(c, info), "sample": sample_text(c),
                             "data vintage": c.data_vintage, "section": c.section})
        out = pd.DataFrame(rows).set_index("id")
        for col in self.extra:
            out[col.header] = [col.values.get(cid, "") for cid in out.index]
        return out

    def add_column(self, header: str, values: dict[str, str], help: str = "") -> Scorecard:
        """Add a column to the claims table, after "why this verdict" (claim id -> cell text; a
        claim without a value shows an empty cell). ``help`` is a sentence shown under the table.

        This is where other analyses put their per-claim results, e.g. issue 14's stability of
        each verdict across specifications.
        """
        if header in {"claim", "type", "verdict", "why this verdict", "deciding number"} or \
                any(c.header == header for c in self.extra):
            raise DataError(f"scorecard column {header!r} exists already")
        unknown = sorted(set(values) - {cid for ids in THESIS_CLAIMS.values() for cid in ids})
        if unknown:
            raise DataError(f"scorecard column {header!r} names unknown claims: {', '.join(unknown)}")
        self.extra.append(Column(header, dict(values), help))
        return self

    def counts(self) -> pd.DataFrame:
        """Verdict counts per thesis (rows: thesis; columns: the four verdicts and missing)."""
        t = self.table()
        out = pd.crosstab(t["chapter"], t["verdict"]).reindex(index=list(THESIS_CLAIMS),
                                                                 columns=[*VERDICTS, MISSING], fill_value=0)
        out.index = [THESES[c] for c in out.index]
        out.index.name = "thesis"
        out.columns.name = None
        return out

    def glue_values(self) -> dict[str, tuple[int, str]]:
        """The counts the page's prose pastes: total claims and claims per verdict."""
        counts = self.counts()
        keys = {"supported": "sc_supported", "partly supported": "sc_partly", "not supported": "sc_not",
                "untestable with available data": "sc_untestable", MISSING: "sc_missing"}
        out = {"sc_total": (len(self.table()), "{:d}")}
        out.update({key: (int(counts[verdict].sum()), "{:d}") for verdict, key in keys.items()})
        t = self.table()
        column = t["stability"] if "stability" in t else pd.Series("", index=t.index)  # no sweep: none swept
        swept = [cid for cid in t.index if column[cid] not in ("", "not swept") and not column[cid].startswith("stale")]
        out["sc_swept"] = (len(swept), "{:d}")
        out["sc_fragile"] = (len(self.fragile()), "{:d}")
        return out

    def figure(self):
        """The verdict grid: one row per thesis, one coloured cell per claim, titled with
        :meth:`headline`."""
        from .. import plots

        t = self.table()
        return plots.verdict_grid(t.assign(short=t["chapter"].str.title()), row="short", title=self.headline())

    def link(self, claim_id: str, prefix: str = "") -> str | None:
        """The URL of the section deciding a claim (``valuation.html#v1``), or None where its
        chapter did not run."""
        for chapter, ids in THESIS_CLAIMS.items():
            if claim_id in ids:
                c = self.claim(claim_id)
                if c is None or not c.section:
                    return None
                return f"{prefix}{CHAPTERS[chapter].replace('.ipynb', '.html')}#{c.section}"
        return None

    def grid_html(self, prefix: str = "") -> str:
        """The verdict grid as HTML: one row per thesis, one tile per claim in the verdict's
        colour, with its id, short name and verdict in words, linking to its section. Text, not
        a picture: it reflows on a phone and a screen reader reads it."""
        t = self.table()
        rows = []
        for chapter, ids in THESIS_CLAIMS.items():
            tiles = []
            for cid in ids:
                r = t.loc[cid]
                cls = VERDICT_CLASS_OF(r["verdict"])
                inner = (f'<span class="sc-tile-id">{html.escape(cid)}</span>'
                         f'<span class="sc-tile-name">{html.escape(r["name"] or "")}</span>'
                         f'<span class="sc-tile-verdict">{html.escape(r["verdict"])}</span>')
                href = self.link(cid, prefix)
                tiles.append(f'<a class="sc-tile {cls}" href="{html.escape(href)}">{inner}</a>' if href
                             else f'<span class="sc-tile {cls}">{inner}</span>')
            rows.append(f'<div class="sc-grid-row"><div class="sc-grid-thesis">{html.escape(SHORT[chapter])}</div>'
                        f'<div class="sc-grid-tiles">{"".join(tiles)}</div></div>')
        legend = "".join(f'<span class="sc-legend-item">{badge(v)}</span>' for v in [*VERDICTS, MISSING]
                         if v != MISSING or self.missing())
        return (f'<div class="sc-grid" role="group" aria-label="Verdict of every claim">{"".join(rows)}'
                f'<div class="sc-legend">{legend}</div></div>')

    def grid_text(self) -> str:
        """The grid in plain text (what the notebook tests check): one line per thesis."""
        t = self.table()
        lines = []
        for chapter, ids in THESIS_CLAIMS.items():
            cells = [f"{cid} {t.loc[cid, 'verdict']}" for cid in ids]
            lines.append(f"{SHORT[chapter]}: " + "; ".join(cells))
        return "\n".join(lines)

    def bottom_line(self, chapter: str) -> str:
        """One sentence for a thesis (Markdown), from its results: how many claims hold, and which."""
        ids = THESIS_CLAIMS[chapter]
        t = self.table()
        present = [cid for cid in ids if t.loc[cid, "verdict"] != MISSING]
        lead = f"**{THESES[chapter]}**"
        if not present:
            return f"{lead}: no results in this run."

        def named(cid):
            name = t.loc[cid, "name"]
            return f"{cid} ({name[:1].lower() + name[1:].rstrip('?')})" if name else cid

        parts = []
        for verdict in VERDICTS:
            word = "untestable" if verdict.startswith("untestable") else verdict
            group = [cid for cid in present if t.loc[cid, "verdict"] == verdict]
            if group:
                parts.append(f"{len(group)} {word}" + (f": {', '.join(named(g) for g in group)}"
                                                        if verdict in ("supported", "partly supported") else ""))
        missing = len(ids) - len(present)
        tail = f"; {missing} missing" if missing else ""
        return f"{lead}: of {len(ids)} claims, " + "; ".join(parts) + tail + "."

    def as_of(self) -> tuple[str | None, str | None]:
        """Earliest and latest as-of date of the chapters read (ISO), or None."""
        dates = sorted(str(r.parameters.get("as_of")) for r in self.results.values()
                       if r is not None and r.parameters.get("as_of"))
        return (dates[0], dates[-1]) if dates else (None, None)

    def as_of_text(self) -> str:
        """``13-14 July 2026`` (or one date): when the verdicts were read."""
        lo, hi = self.as_of()
        if lo is None:
            return "no chapter has run"
        a, b = pd.Timestamp(lo), pd.Timestamp(hi)
        if a == b:
            return f"{b:%-d %B %Y}"
        if (a.year, a.month) == (b.year, b.month):
            return f"{a:%-d}-{b:%-d %B %Y}"
        return f"{a:%-d %B %Y} to {b:%-d %B %Y}"

    def headline(self) -> str:
        """A title stating the overall result, e.g. '5 of 22 claims supported, 9 partly, ...'."""
        t = self.table()
        c = Counter(t["verdict"])
        n = len(t)
        parts = [f"{c['supported']} of {n} claims supported"]
        for v, short in (("partly supported", "partly"), ("not supported", "not supported"),
                         ("untestable with available data", "untestable"), (MISSING, "missing")):
            if c[v]:
                parts.append(f"{c[v]} {short}")
        return ", ".join(parts)

    def synthesis(self, chapter: str) -> str:
        """One paragraph for a thesis, every figure in it taken from the results."""
        ids = THESIS_CLAIMS[chapter]
        claims = [(cid, self.claim(cid)) for cid in ids]
        present = [c for _, c in claims if c is not None]
        n = len(ids)
        if not present:
            return f"**{THESES[chapter]}** ({ids[0]}-{ids[-1]}): no results were published for this thesis in this run."
        counts = Counter(c.verdict for c in present)
        parts = [f"{counts[v]} {v}" for v in VERDICTS if counts[v]]
        missing = [cid for cid, c in claims if c is None]
        if missing:
            parts.append(f"{len(missing)} missing ({', '.join(missing)})")
        text = f"**{THESES[chapter]}** ({ids[0]}-{ids[-1]}): of {n} claims, " + ", ".join(parts) + "."
        for verdict, lead in (("supported", "Supported"), ("partly supported", "Partly supported"),
                              ("not supported", "Not supported"), ("untestable with available data", "Untestable")):
            group = [c for c in present if c.verdict == verdict]
            if group:
                items = "; ".join(f"{c.id}, {deciding_text(c, ClaimInfo.of(c.id))}" for c in group)
                text += f" {lead}: {items}."
        return text

    def data_as_of(self) -> str:
        """Markdown: the chapters this scorecard read, their parameters and data vintages."""
        lines = [f"**Data as of:** {self.as_of_text()} (each chapter's as-of date: the claims' \"today\"). "
                 "This page reads only the chapters' results files; a file may run past its chapter's as-of "
                 "date (the VIX is updated daily), but the analysis stops at the window's end."]
        unverified = [c for c, r in ((c, self.results.get(c)) for c in THESIS_CLAIMS)
                      if r is not None and any(d.get("verified") is False for d in r.data)]
        if unverified:
            which = " and ".join([", ".join(unverified[:-1]), unverified[-1]] if len(unverified) > 1 else unverified)
            chapters = "chapters" if len(unverified) > 1 else "chapter"
            lines = [f"**Data not verified:** the results of the {which} {chapters} come from a snapshot without "
                     "MANIFEST.tsv; its files were not checked against published sha256 sums (accepted with "
                     "`--unverified-snapshot`).", ""] + lines
        for chapter in THESIS_CLAIMS:
            res = self.results.get(chapter)
            if res is None:
                lines.append(f"- {THESES[chapter]}: no results file.")
                continue
            p = res.parameters
            lasts = sorted({d["last"] for d in res.data if d.get("last")})
            vint = sorted({d["vintage"] for d in res.data if d.get("vintage")})
            detail = f"data to {lasts[-1]}" if lasts else "no data"
            if vint:
                detail += "; " + ", ".join(vint[:4]) + (" ..." if len(vint) > 4 else "")
            lines.append(f"- {THESES[chapter]}: window {p.get('start')} to {p.get('end')} "
                         f"(as of {p.get('as_of')}), {len(res.data)} datasets, "
                         f"files to {detail.replace('data to ', '')}.")
        return "\n".join(lines)

    def html_table(self) -> str:
        """The claims table as HTML: each claim (id linking to the section of its chapter that
        decides it, and its short name), its type, verdict, why, any added columns, and the
        deciding number over its sample. On a phone each row becomes a card (the book's CSS)."""
        t = self.table()
        heads = ["claim", "type", "verdict", "why this verdict", *[c.header for c in self.extra],
                 "deciding number"]
        rows = []
        for cid, r in t.iterrows():
            href = self.link(cid)
            ident = f'<a href="{html.escape(href)}">{html.escape(cid)}</a>' if href else html.escape(cid)
            name = f'<span class="sc-name">{html.escape(r["name"])}</span>' if r["name"] else ""
            claim = f'<span class="sc-small">{html.escape(r["claim"])}</span>' if r["claim"] else ""
            cls = "sc-" + r["verdict"].split()[0]
            extra = "".join(f'<td data-label="{html.escape(c.header)}">{c.cell(str(cid), str(r[c.header]))}</td>'
                            for c in self.extra)
            sample = f'<span class="sc-small">{html.escape(r["sample"])}</span>' if r["sample"] else ""
            rows.append(
                f'<tr class="{cls}"><td class="sc-claim">{ident} {name}{claim}</td>'
                f'<td data-label="type">{html.escape(r["type"] or "n/a")}</td>'
                f'<td class="sc-verdict">{badge(r["verdict"])}</td>'
                f'<td data-label="why">{html.escape(r["why"])}</td>{extra}'
                f'<td data-label="deciding number">{html.escape(r["deciding number"])}{sample}</td></tr>')
        head = "".join(f'<th scope="col">{h}</th>' for h in heads)
        out = []
        for thesis in dict.fromkeys(t["thesis"]):
            body = [row for row, th in zip(rows, t["thesis"], strict=True) if th == thesis]
            out.append(f'<tr class="sc-thesis"><th colspan="{len(heads)}" scope="rowgroup">'
                       f'{html.escape(thesis)}</th></tr>' + "".join(body))
        notes = "".join(f"<p><strong>{html.escape(c.header)}.</strong> {html.escape(c.help)}</p>"
                        for c in self.extra if c.help)
        return (f'<table class="scorecard"><thead><tr>{head}</tr></thead><tbody>{"".join(out)}</tbody></table>'
                + notes)


def VERDICT_CLASS_OF(verdict: str) -> str:  # noqa: N802  (a lookup, named like the table it reads)
    from ..display import VERDICT_CLASS

    return VERDICT_CLASS.get(verdict, "sc-missing")


class Grid:
    """The verdict grid for display: HTML tiles on the page, one line per thesis under nbval."""

    def __init__(self, card: Scorecard, prefix: str = ""):
        self.card, self.prefix = card, prefix

    def _repr_html_(self) -> str:
        return self.card.grid_html(self.prefix)

    def __repr__(self) -> str:
        return self.card.grid_text()


class Table:
    """The scorecard table for display: HTML with links on the page, plain text under nbval."""

    def __init__(self, card: Scorecard):
        self.card = card

    def _repr_html_(self) -> str:
        return self.card.html_table()

    def __repr__(self) -> str:
        t = self.card.table()[["type", "verdict", "deciding number"]]
        with pd.option_context("display.max_colwidth", 120, "display.width", 200):
            return t.to_string()


def check_complete(card: Scorecard, required: bool = True) -> None:
    """Raise if any claim has no published result (names them); ``required=False`` (a partial
    run) accepts missing claims, which the table shows as missing."""
    if not required:
        return
    missing = card.missing()
    if missing:
        raise DataError(f"claims with no published result: {', '.join(missing)}; run their chapters "
                        f"(smallcaps refresh) or pass require_complete=False for a partial run")
