"""How the book shows things (issue 15): the one table style, verdict wording (why, the interval
only where it decides, callouts, the verdict box), numbered figures, the re-run box, the
scorecard's grid and columns, the PDF's bookmarks and the site extension's fixes."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from smallcaps.book import THESIS_CLAIMS, verdicts  # noqa: E402
from smallcaps.book.chapter import Chapter, chapter_parameters  # noqa: E402
from smallcaps.book.results import ChapterResults, ClaimResult, Rule, Sample, Statistic  # noqa: E402
from smallcaps.book.scorecard import MISSING, Scorecard  # noqa: E402
from smallcaps.claims.base import Claim, Decision  # noqa: E402
from smallcaps.display import NBSP, Table, Text, badge, span, stat_digits, tick  # noqa: E402
from smallcaps.errors import DataError  # noqa: E402

RULE = Rule("V9", "a claim", "it holds", "the gap, in pp", supported="the gap's 95% interval lies below zero",
            partly="only one of the two holds", not_supported="the interval includes zero",
            untestable="the window has no data")
LEVEL_RULE = Rule("V9", "a claim", "it held", "the lead, in pp", supported="the lead is at least 8.5 pp",
                  partly="the lead is positive but below 8.5 pp", not_supported="the lead is zero or negative")


def result(cid="V1", verdict="supported", rule=RULE, value=-21.3156, lo=-28.2869, hi=-14.2964, unit="pp",
           note="A note.") -> ClaimResult:
    return ClaimResult(id=cid, claim="c", rule=rule.text(), verdict=verdict,
                       statistic=Statistic("gap", value, unit, lo, hi, 0.95 if lo is not None else None, "HAC"),
                       sample=Sample("1926-07-01", "2024-04-30", 1174, "monthly"), data_vintage="v",
                       section=cid.lower(), note=note)


# -- display: the one table style --------------------------------------------------------------------


def test_table_formats_each_column_by_its_unit():
    df = pd.DataFrame({"at Apr 2024 (%)": [-71.94, -75.3], "slope (pp per pp)": [1.40483, np.nan],
                       "months": [1174, 12], "standard": [True, False], "95% CI": ["-57.6 to -43.6", "n/a"]},
                      index=pd.Index(["a|b", "c"], name="measure"))
    md = Table(df).markdown().splitlines()
    assert md[0] == "| measure | at Apr 2024 (%) | slope (pp per pp) | months | standard | 95% CI |"
    assert md[1] == "|:---|---:|---:|---:|:---|---:|"  # numbers and ranges right, words left; no index-name row
    assert md[2] == f"| a\\|b | -71.9 | 1.40 | 1,174 | \u2713 | -57.6{NBSP}to{NBSP}-43.6 |"
    assert md[3] == "| c | -75.3 | n/a | 12 | \u2013 | n/a |"
    assert len(md) == 4


def test_table_caption_name_dropdown_and_overrides():
    df = pd.DataFrame({"IWM (%)": [7.7449], "gap (pp)": [0.0042]})
    plain = Table(df).markdown()
    assert plain.startswith("| IWM (%) | gap (pp) |") and "| 7.7 | 0.0 |" in plain  # a range index is not shown
    numbered = Table(df, caption="Returns to 16 May", name="tbl-x", digits={"IWM (%)": 2, "gap (pp)": 2}).markdown()
    assert numbered.splitlines()[:2] == [":::{table} Returns to 16 May", ":name: tbl-x"]
    assert "| 7.74 | 0.00 |" in numbered and numbered.endswith(":::")
    closed = Table(df, caption="c", name="t", collapsed="Robustness").markdown()
    assert closed.startswith("::::{dropdown} Robustness\n\n:::{table} c") and closed.endswith("::::")
    assert repr(Table(df)) == Table(df)._repr_markdown_() == plain


def test_an_empty_table_says_none_and_stays_a_valid_table():
    """A table directive needs exactly one table with a body: an empty frame shows one row 'none'."""
    empty = Table(pd.DataFrame(columns=["claim", "why"]), caption="Amendments", name="tbl-a").markdown()
    assert empty.splitlines()[3:6] == ["| claim | why |", "|:---|:---|", "| none |  |"]
    assert Table(pd.DataFrame()).markdown().splitlines() == ["| none |", "|:---|", "| none |"]


def test_display_helpers():
    assert span(pd.Period("2017-04", "M"), pd.Period("2021-12", "M")) == "2017-04 to 2021-12"
    assert span(pd.Timestamp("2020-01-31"), None) == "2020-01-31 to n/a"
    assert (tick(True), tick(False), tick(None)) == ("\u2713", "\u2013", "n/a")
    assert stat_digits("pp", 21.3) == 1 and stat_digits("pp", 0.3) == 2 and stat_digits("pp per pp", 21.3) == 2
    assert stat_digits("pp a year", 5.4) == 1 and stat_digits("ratio", 30) == 2
    assert badge("partly supported") == '<span class="sc-badge sc-partly">partly supported</span>'


# -- verdict wording ---------------------------------------------------------------------------------


def test_rule_clauses_round_trip_the_rule_text():
    assert verdicts.rule_clauses(RULE.text()) == {
        "supported": "the gap's 95% interval lies below zero", "partly supported": "only one of the two holds",
        "not supported": "the interval includes zero", "untestable with available data": "the window has no data"}
    assert "untestable with available data" not in verdicts.rule_clauses(LEVEL_RULE.text())


def test_why_is_the_clause_met_or_what_would_decide():
    assert verdicts.why(result()) == "The gap's 95% interval lies below zero."
    assert verdicts.why(result(verdict="partly supported")) == (
        "Only one of the two holds (supported needs: the gap's 95% interval lies below zero).")
    assert verdicts.why(result(verdict="untestable with available data", note="Fund holdings would decide it.")) == \
        "Fund holdings would decide it."


def test_the_interval_is_shown_only_where_it_decides():
    assert verdicts.deciding_text(result()) == "gap: -21.3 pp (95% CI -28.3 to -14.3)"
    level = result(rule=LEVEL_RULE, value=9.27368, lo=-8.38108, hi=26.9284)
    assert verdicts.deciding_text(level) == "gap: 9.3 pp"  # a fact decided by its level
    info = verdicts.ClaimInfo("V9", interval_decides=False)
    assert verdicts.deciding_text(result(), info) == "gap: -21.3 pp"  # the claim says its interval does not decide
    small = result(value=0.12351, lo=-0.0532541, hi=0.304406)
    assert verdicts.deciding_text(small) == "gap: 0.12 pp (95% CI -0.05 to 0.30)"


def test_callout_and_box_markdown():
    c = verdicts.callout(result(verdict="partly supported"))
    lines = c.splitlines()
    assert lines[:2] == [":::{admonition} Verdict on V1: partly supported", ":class: verdict verdict-partly"]
    assert "**Partly supported.** Only one of the two holds" in c
    assert "*Deciding number:* gap: -21.3 pp (95% CI -28.3 to -14.3). Sample: 1926-07-01 to 2024-04-30, 1,174 " \
           "monthly observations." in c
    assert lines[-1] == ":::" and "A note." in c
    assert "registered rule" not in c and "When said" not in c  # nothing to add for a registered, undated claim
    amended = dataclasses.replace(
        result(), registered={"verdict": "partly supported"},
        statistic=Statistic("gap", -28.9, "pp", -48.2, -9.6, 0.95, "AR(1)", p_value=0.002, mde=24.49),
        dated={"claim_date": "2024-05-16", "when_said": {"verdict": "supported"},
               "as_of": {"date": "2026-07-14", "verdict": "inconclusive"}})
    assert verdicts.review_text(amended) == (
        "*Under the registered rule:* partly supported. Minimum detectable effect at 80% power: 24.49 pp. "
        "When said (2024-05-16): supported; as of 2026-07-14: inconclusive.")
    assert verdicts.review_text(amended) in verdicts.callout(amended)
    same = dataclasses.replace(result(), registered={"verdict": "supported"})
    assert verdicts.review_text(same) == "*The same under the registered rule.*"
    box = verdicts.box([result(), result("V2", "not supported")])
    assert box.splitlines()[:2] == [":::{admonition} The verdicts in this chapter", ":class: verdict-box"]
    assert "- **{ref}`V1 \u00b7 How cheap are small caps? <v1>`** " + badge("supported") in box
    assert "- **{ref}`V2 \u00b7 Large caps stretched <v2>`** " + badge("not supported") in box


# -- the chapter kit -------------------------------------------------------------------------------


@dataclass
class _Ev:
    gap: float


def _claim_class(cid: str):
    """A claim object of the valuation chapter, decided by a given gap."""

    class Dummy(Claim):
        id = cid
        chapter = "valuation"
        heading = "dummy"
        statistic_name = "gap"
        unit = "pp"
        rule_template = Rule(cid, "a claim", "it holds", "the gap", supported="the gap's interval lies below zero",
                             partly="never", not_supported="the gap's interval reaches zero")

        def compute(self):
            raise AssertionError("evidence is given")

        def decide(self, ev):
            verdict = "supported" if ev.gap < 0 else "not supported"
            return Decision(verdict, Statistic("gap", ev.gap, "pp", ev.gap - 1, ev.gap + 1, 0.95, "HAC"),
                            Sample("2000-01-01", "2020-12-31", 252, "monthly"), "A note.")

    return Dummy


@pytest.fixture
def chapter(offline, tmp_path):
    names = ["display.width", "display.max_columns", "display.max_colwidth", "display.precision", "display.max_rows"]
    saved = {n: pd.get_option(n) for n in names}
    yield Chapter.open("valuation", "The valuation discount", start="1990-01-01", end="2019-12-31",
                       data_mode="offline", results_dir=tmp_path)
    for n, v in saved.items():
        pd.set_option(n, v)


def test_verdict_of_a_claim_is_a_callout_and_publish_shows_the_summary(chapter, tmp_path):
    with pytest.raises(DataError, match="no verdicts yet"):
        chapter.verdict_box()
    for i, cid in enumerate(THESIS_CLAIMS["valuation"]):
        claim = _claim_class(cid).from_evidence(_Ev(-2.0 if i % 2 == 0 else 1.0))
        text = chapter.verdict(claim)
        assert text.markdown.startswith(f":::{{admonition}} Verdict on {cid}: ")
    assert set(chapter.objects) == set(THESIS_CLAIMS["valuation"])
    table = chapter.publish()
    assert isinstance(table, Table) and table.name == "tbl-valuation-verdicts"
    md = table.markdown()
    assert "{ref}`V1 \u00b7 How cheap are small caps? <v1>`" in md and badge("not supported") in md
    assert f"gap: -2.0 pp (95% CI -3.0{NBSP}to{NBSP}-1.0)" in md
    assert json.loads((tmp_path / "valuation.results.json").read_text())["claims"][0]["verdict"] == "supported"
    box = chapter.verdict_box()
    assert box.markdown.count("\n- **") == 5 and ":class: verdict-box" in box.markdown


def test_a_result_without_a_claim_object_keeps_the_plain_verdict_line(chapter):
    text = chapter.verdict(result())
    assert text.markdown.startswith("**Verdict on V1: supported.**")


def test_figure_is_numbered_with_alt_text_and_a_note_stands_in(chapter):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("Small caps led by 9.3 pp", loc="left")
    md = chapter.figure(fig, caption="The lead since January.").markdown
    assert md.splitlines() == ["```{glue:figure} valuation-figure-1", ":name: valuation-figure-1",
                               ":alt: Small caps led by 9.3 pp", "", "The lead since January.", "```"]
    fig2, _ = plt.subplots()
    md2 = chapter.figure(fig2, caption="c", name="fig-v9", alt="A line.").markdown
    assert ":name: fig-v9" in md2 and ":alt: A line." in md2
    with pytest.raises(DataError, match="used twice"):
        chapter.figure(plt.subplots()[0], caption="c", name="fig-v9")
    assert chapter.figure("the window cannot decide V1", caption="c").markdown == \
        "*No figure: the window cannot decide V1*"
    plt.close("all")


def test_table_numbering_keeps_a_claims_own_decimals(chapter):
    t = chapter.table(Table(pd.DataFrame({"IWM (%)": [7.7449]}), digits={"IWM (%)": 2}), caption="Returns")
    assert t.name == "valuation-table-1" and "| 7.74 |" in t.markdown()
    assert chapter.table(pd.DataFrame({"x": [1.0]})).caption is None  # no caption: not numbered


def test_a_claims_note_stands_in_for_its_table_and_two_header_levels_read_as_one(chapter):
    from smallcaps.display import Text

    note = Text("*Too few months in this window.*")
    assert chapter.table(note, caption="c", name="tbl-none").markdown == note.markdown  # the note, no number taken
    assert "tbl-none" not in chapter.labels
    cols = pd.MultiIndex.from_product([["since 2017", "since the switch"], ["gap (pp a year)", "95% band"]])
    df = pd.DataFrame([[4.31, "-1.0 to 9.5", 2.54, "-3.9 to 9.0"]], columns=cols, index=pd.Index(["IJR"], name="peer"))
    md = chapter.table(df, caption="Gaps", name="tbl-gaps").markdown().splitlines()
    assert md[3] == ("| peer | since 2017, gap (pp a year) | since 2017, 95% band | since the switch, gap (pp a year) "
                     "| since the switch, 95% band |")
    assert md[5] == f"| IJR | 4.3 | -1.0{NBSP}to{NBSP}9.5 | 2.5 | -3.9{NBSP}to{NBSP}9.0 |"


def test_table_digits_for_every_column_and_a_note_stands_in(chapter):
    t = chapter.table(pd.DataFrame({"IWM-SPY": [4.6, -10.25]}, index=pd.Index(["Q1", "Q2"], name="quarter")),
                      digits=1, caption="By quarter (pp)")
    assert "| Q1 | 4.6 |" in t.markdown() and "| Q2 | -10.2 |" in t.markdown()
    assert chapter.table(pd.DataFrame({"IWM-SPY": [4.6]})).markdown().endswith("| 4.60 |")  # the default: 2
    note = chapter.table(Text("*No rows in this run's window.*"), caption="c", name="tbl-none")
    assert isinstance(note, Text) and note.markdown == "*No rows in this run's window.*"
    assert "tbl-none" not in chapter.labels  # a note takes no table number


def test_rerun_box_is_generated_from_the_parameters(chapter):
    assert chapter.rerun_command() == ("smallcaps run --chapters valuation --start 1990-01-01 --end 2019-12-31 "
                                       "--out runs/valuation")
    box = chapter.rerun_box().markdown
    assert box.startswith("::::{dropdown} Re-run this chapter") and chapter.rerun_command() in box
    # valuation's one parameter of its own, the user's forward P/E file, is listed with its help
    assert "This chapter's own parameters" in box and "| `forward_pe_csv` | `None` |" in box
    assert "no parameters of its own" not in box and "SMALLCAPS_SNAPSHOT" in box
    own = {p["name"]: p for p in chapter_parameters("rotation")}
    assert set(own) == {"rates_rally_bp", "vix_spike_pct", "event_days", "ousm_holdings_csv"}
    assert own["ousm_holdings_csv"]["default"] == "None" and "holdings" in own["ousm_holdings_csv"]["help"]
    assert own["rates_rally_bp"]["default"] == "25" and "basis points" in own["rates_rally_bp"]["help"]
    assert [p["name"] for p in chapter_parameters("valuation")] == ["forward_pe_csv"]


# -- the scorecard ---------------------------------------------------------------------------------


def _write(folder, chapter, verdict="supported"):
    claims = [result(cid, verdict) for cid in THESIS_CLAIMS[chapter]]
    ChapterResults(chapter, chapter.title(), {"start": "2000-01-01", "end": "2020-12-31", "as_of": "2020-12-31"},
                   [], claims).write(folder)


def test_scorecard_counts_without_a_sweep(tmp_path):
    """A run folder (new dates, no Robustness page) has no stability column: nothing swept."""
    for ch in ("rotation", "momentum", "valuation"):
        _write(tmp_path, ch)
    card = Scorecard.read(tmp_path)
    assert "stability" not in card.table()
    v = card.glue_values()
    assert v["sc_swept"] == (0, "{:d}") and v["sc_supported"] == (17, "{:d}")


def test_scorecard_grid_columns_and_an_added_column(tmp_path):
    for ch in ("rotation", "momentum", "valuation"):
        _write(tmp_path, ch)
    card = Scorecard.read(tmp_path)
    t = card.table()
    assert t.loc["V1", "name"] == "How cheap are small caps?" and t.loc["V1", "type"] == "fact about the past"
    assert t.loc["V1", "why"] == "The gap's 95% interval lies below zero."
    assert t.loc["G1", "verdict"] == MISSING
    grid = card.grid_html()
    assert grid.count('class="sc-tile ') == 22 and grid.count("<a class=\"sc-tile") == 17  # graduation did not run
    assert 'href="valuation.html#v1"' in grid and "How cheap are small caps?" in grid
    assert card.grid_text().splitlines()[2].startswith("Valuation: V1 supported; V2 supported")
    assert card.bottom_line("valuation").startswith(
        "**The valuation discount**: of 5 claims, 5 supported: V1 (how cheap")
    assert card.bottom_line("graduation") == "**Index graduation**: no results in this run."
    assert card.as_of_text() == "31 December 2020"
    card.add_column("stability", {"V1": "stable across 9 of 9 specifications"}, help="From the robustness page.")
    assert card.table().loc["V1", "stability"] == "stable across 9 of 9 specifications"
    html = card.html_table()
    heads = html[html.index("<thead>"): html.index("</thead>")]
    assert heads.index("why this verdict") < heads.index("stability") < heads.index("deciding number")
    assert "From the robustness page." in html
    with pytest.raises(DataError, match="exists already"):
        card.add_column("stability", {})
    with pytest.raises(DataError, match="unknown claims: X1"):
        card.add_column("other", {"X1": "?"})


# -- the PDF and the site extension ----------------------------------------------------------------


def test_outline_titles_reads_literal_and_utf16_titles(tmp_path):
    from smallcaps.book.pdf import outline_titles

    utf16 = ("R\u00b2 OOS").encode("utf-16-be").hex().upper()
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Title (The valuation discount) >>\n"
                    b"2 0 obj << /Title (A \\(b\\) c) >>\n3 0 obj << /Title <FEFF" + utf16.encode() + b"> >>\n")
    assert outline_titles(pdf) == ["The valuation discount", "A (b) c", "R\u00b2 OOS"]


def test_print_pdf_names_a_missing_chromium(tmp_path, monkeypatch):
    from smallcaps.book import pdf

    monkeypatch.setattr(pdf, "CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "book.pdf"
    with pytest.raises(pdf.PdfError, match="no-chromium is missing"):
        pdf.print_pdf(tmp_path / "index.html", out)
    assert not out.exists()


def test_site_extension_dedupes_scripts_and_fixes_the_citation_list():
    from sphinx.builders.html._assets import _JavaScript

    from smallcaps.book import site

    body = 'const THEBE_JS_URL = "x"'
    scripts = [_JavaScript(None, body=body), _JavaScript("a.js"), _JavaScript("", body=body), _JavaScript("a.js")]
    context = {"script_files": scripts}
    site._dedupe_scripts(None, "p", "page.html", context, None)
    assert [(str(s.filename), s.attributes.get("body")) for s in context["script_files"]] == [
        ("None", body), ("a.js", None)]
    ctx = {"body": '<div role="list" class="citation-list"><div class="citation"></div></div>'}
    site._citation_list_role(None, "p", "page.html", ctx, None)
    assert ctx["body"].startswith('<div class="citation-list">')
    assert (site.STATIC / "smallcaps.css").is_file() and (site.STATIC / "favicon.svg").is_file()


def test_stage_drops_a_page_removed_from_the_book(tmp_path):
    from smallcaps.book import runner

    from conftest import ROOT

    stage = tmp_path / "src"
    (stage / "book").mkdir(parents=True)
    (stage / "book" / "intro.md").write_text("# an old landing page\n")
    runner._stage(ROOT, stage, ROOT / "book", ["intro"], toc=True)
    assert not (stage / "book" / "intro.md").exists() and (stage / "book" / "intro.ipynb").is_file()
    assert (stage / "book" / "glossary.md").is_file()


def test_rule_clauses_read_an_inconclusive_threshold_too():
    text = ("Hypothesis: h Statistic: s Supported if a; partly supported if b; inconclusive if the interval "
            "straddles zero; not supported if c. Untestable if d.")
    clauses = verdicts.rule_clauses(text)
    assert clauses["inconclusive"] == "the interval straddles zero" and clauses["not supported"] == "c"
    assert badge("inconclusive") == '<span class="sc-badge sc-inconclusive">inconclusive</span>'


def _header_rows(nb_path) -> list[str]:
    """The header row of every book table a committed notebook shows (markdown outputs)."""
    nb = json.loads(nb_path.read_text())
    rows = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            md = out.get("data", {}).get("text/markdown")
            if not md:
                continue
            lines = "".join(md).splitlines()
            rows += [lines[i - 1] for i in range(1, len(lines)) if lines[i].startswith("|:--") or
                     lines[i].startswith("|---")]
    return rows


def test_every_table_column_has_a_header():
    """axe's `empty-table-header` (R2's sector table): a table's index column is named too."""
    from pathlib import Path

    book = Path(__file__).resolve().parents[1] / "book"
    headers = {p.name: _header_rows(p) for p in sorted(book.glob("*.ipynb"))}
    assert sum(len(h) for h in headers.values()) > 100  # the reader finds the tables
    assert "| ETF | sector | year to date (%) | rank |" in headers["rotation.ipynb"]
    empty = [f"{name}: {h}" for name, hs in headers.items() for h in hs
             if any(c.strip() == "" for c in h.strip().strip("|").split("|"))]
    assert empty == []
    # and no raw pandas HTML table (its index header cells are empty: 238 on the Robustness page)
    raw = [p.name for p in sorted(book.glob("*.ipynb")) if 'class=\\"dataframe\\"' in p.read_text()]
    assert raw == []
