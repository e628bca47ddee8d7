"""The claims scorecard: every claim's verdict and deciding number on one page, built only from
the chapters' published results (``<chapter>.results.json``, see :mod:`.results`).

Nothing here is typed by hand: a claim whose chapter published no result is shown as
``missing``, and :func:`check_complete` turns any missing claim into an error, so no claim can
silently drop out of the book.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import CHAPTERS, THESIS_CLAIMS
from .chapter import statistic_text
from .results import VERDICTS, ChapterResults, ClaimResult, read_all

MISSING = "missing"

#: Thesis titles, in book order.
THESES = {
    "rotation": "Rotation toward quality small caps",
    "momentum": "Small-cap momentum is regime dependent",
    "valuation": "The valuation discount",
    "graduation": "Index graduation",
}


@dataclass
class Scorecard:
    """Every claim of every thesis, with its result where one was published, and the stability
    of each verdict where the Robustness page published it (``robustness.results.json``)."""

    results: dict[str, ChapterResults | None]
    stability: dict | None = None

    @classmethod
    def read(cls, folder: str | Path = ".") -> Scorecard:
        """Read the thesis chapters' results files (and the Robustness page's) from ``folder``."""
        from .robustness import read_stability

        return cls(read_all(folder, list(THESIS_CLAIMS)), read_stability(folder))

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

        Columns: thesis, chapter, claim (short paraphrase), verdict (or ``missing``), deciding
        number (with interval), sample, stability (:meth:`stability_of`), data vintage, section
        (anchor in the chapter, or empty).
        """
        rows = []
        for chapter, ids in THESIS_CLAIMS.items():
            for cid in ids:
                c = self.claim(cid)
                if c is None:
                    rows.append({"id": cid, "thesis": THESES[chapter], "chapter": chapter, "claim": "",
                                 "verdict": MISSING, "deciding number": "no result published",
                                 "sample": "", "stability": "", "data vintage": "", "section": ""})
                    continue
                smp = c.sample
                sample = f"{smp.start} to {smp.end} ({smp.n:,} {smp.frequency})" if smp.n else "none"
                rows.append({"id": cid, "thesis": THESES[chapter], "chapter": chapter, "claim": c.claim,
                             "verdict": c.verdict, "deciding number": statistic_text(c), "sample": sample,
                             "stability": self.stability_of(cid), "data vintage": c.data_vintage,
                             "section": c.section})
        return pd.DataFrame(rows).set_index("id")

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
        swept = [cid for cid in t.index if t.loc[cid, "stability"] not in ("", "not swept")
                 and not t.loc[cid, "stability"].startswith("stale")]
        out["sc_swept"] = (len(swept), "{:d}")
        out["sc_fragile"] = (len(self.fragile()), "{:d}")
        return out

    def figure(self):
        """The verdict grid: one row per thesis, one coloured cell per claim, titled with
        :meth:`headline`."""
        from .. import plots

        t = self.table()
        return plots.verdict_grid(t.assign(short=t["chapter"].str.title()), row="short", title=self.headline())

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
                items = "; ".join(f"{c.id}, {statistic_text(c)}" for c in group)
                text += f" {lead}: {items}."
        return text

    def data_as_of(self) -> str:
        """Markdown: the chapters this scorecard read, their parameters and data vintages."""
        lines = ["**Data as of:** this page reads only the chapters' results files."]
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
            lines.append(f"- {THESES[chapter]}: run for {p.get('start')} to {p.get('end')} "
                         f"(as of {p.get('as_of')}), {len(res.data)} datasets, {detail}.")
        return "\n".join(lines)

    def html_table(self) -> str:
        """The table as HTML, each claim id linking to the section of its chapter that decides it
        (no link for a chapter that did not run)."""
        t = self.table()
        rows = []
        for cid, r in t.iterrows():
            link = html.escape(cid)
            if r["section"] and self.results.get(r["chapter"]) is not None:
                page = CHAPTERS[r["chapter"]].replace(".ipynb", ".html")
                link = f'<a href="{page}#{html.escape(r["section"])}">{html.escape(cid)}</a>'
            cls = "sc-" + r["verdict"].split()[0]
            stab = html.escape(r["stability"])
            if r["stability"].endswith("fragile"):
                stab = stab[: -len("fragile")] + "<strong>fragile</strong>"
            if "specs" in r["stability"]:  # a current stability: link to the claim's chapter on the Robustness page
                stab = f'<a href="robustness.html#robustness-{html.escape(r["chapter"])}">{stab}</a>'
            rows.append(
                f'<tr class="{cls}"><td>{link}</td><td>{html.escape(r["claim"])}</td>'
                f'<td><strong>{html.escape(r["verdict"])}</strong></td><td>{html.escape(r["deciding number"])}</td>'
                f'<td>{html.escape(r["sample"])}</td><td>{stab}</td><td>{html.escape(r["data vintage"])}</td></tr>')
        head = "".join(f"<th>{h}</th>" for h in ("claim", "paraphrase", "verdict", "deciding number (95% CI)",
                                                  "sample", "stability", "data vintage"))
        out = []
        for thesis in dict.fromkeys(t["thesis"]):
            body = [row for row, th in zip(rows, t["thesis"], strict=True) if th == thesis]
            out.append(f'<tr class="sc-thesis"><th colspan="7">{html.escape(thesis)}</th></tr>' + "".join(body))
        return (f'<table class="scorecard"><thead><tr>{head}</tr></thead><tbody>{"".join(out)}</tbody></table>')


class Table:
    """The scorecard table for display: HTML with links on the page, plain text under nbval."""

    def __init__(self, card: Scorecard):
        self.card = card

    def _repr_html_(self) -> str:
        return self.card.html_table()

    def __repr__(self) -> str:
        t = self.card.table()[["verdict", "deciding number", "sample", "stability"]]
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
