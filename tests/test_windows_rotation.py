"""The rotation chapter on every window (issue 11 §3): any window of at least the chapter's
minimum length gives a complete chapter, each claim decided or "untestable with available data"
with its reason, and prose without "n/a" spliced into sentences.

The grid runs at library level, not through papermill: the notebook's own code cells (after its
set-up) are executed against a stand-in chapter kit, so every call a cell makes is exercised
(results, facts, flags, tables, figure data; plot keyword arguments are bound to the plot
functions' signatures, and the figures are drawn for a handful of windows). The notebook's
Markdown is then rendered with the glued facts and recorded flags, as the book shows it.

Fast tier: the full coverage, the claims' own dates, 1 day (refused), 2 days, 1 week, 1 month,
windows at each coverage edge. Book tier (slow): 40 random windows from a fixed seed, figures
drawn on long windows, and two re-runs through the runner.
"""

from __future__ import annotations

import functools
import inspect
import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest

from smallcaps.book.chapter import Chapter
from smallcaps.book.prose import conditions
from smallcaps.claims import rotation as R
from smallcaps.claims.contract import UNTESTABLE, VERDICTS
from smallcaps.display import Table, Text
from smallcaps.errors import ParameterError
from smallcaps.params import window
from smallcaps.plots import rotation as real_rplots

matplotlib.use("Agg")

NOTEBOOK = Path(__file__).resolve().parents[1] / "book" / "rotation.ipynb"
GLUE = re.compile(r"\{glue:md\}`([^`]+)`")


# -- the notebook, run at library level ----------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _cells():
    nb = nbformat.read(NOTEBOOK, 4)
    return nb, [c for c in nb.cells if c.cell_type == "code"]


@functools.lru_cache(maxsize=1)
def _params() -> dict:
    """The notebook's parameters cell, and its line defining R6's specification."""
    _, code = _cells()
    ns: dict = {}
    exec(next(c.source for c in code if "parameters" in c.metadata.get("tags", [])), ns)
    setup = next(c.source for c in code if "Chapter.open" in c.source)
    exec(next(line for line in setup.splitlines() if line.startswith("r6_spec =")), ns)
    return ns


class Kit:
    """The chapter kit as the notebook uses it, recording glued facts and flags (no myst_nb)."""

    def __init__(self, win):
        self.window = win
        self.facts: dict[str, str] = {}
        self.flags: dict[str, bool] = {}
        self.results = []
        self.labels: list[str] = []

    def glue_facts(self, source):
        for key, fact in source.facts().items():
            assert key not in self.facts, f"glue key {key} used twice"
            self.facts[key] = fact.text()
        if hasattr(source, "all_flags"):
            self.flags.update(source.all_flags())
        return dict(self.facts)

    def verdict(self, claim):
        res = claim.result
        assert res.verdict in VERDICTS and res.note
        self.results.append(res)
        return res

    show_rule = staticmethod(Chapter.show_rule)

    def figure(self, fig, *, caption: str, name: str | None = None, alt: str | None = None):
        """A figure, or a note in words where the window cannot draw it (a Figure is closed)."""
        assert caption and name and name not in self.labels, name
        self.labels.append(name)
        if isinstance(fig, str):
            assert fig and "n/a" not in fig, fig
        elif fig is not None:
            matplotlib.pyplot.close(fig)
        return fig

    def table(self, frame, *, caption: str | None = None, name: str | None = None, digits=None,
              collapsed: str | None = None, index: bool | None = None):
        """The book table's Markdown (formatted as the page shows it), or the claim's note."""
        assert caption and name and name not in self.labels, name
        self.labels.append(name)
        if isinstance(frame, Text):
            assert "n/a" not in frame.markdown, frame.markdown
            return frame
        digits = {str(c): digits for c in [*frame.columns, *frame.index.names] if c is not None} \
            if isinstance(digits, int) else digits
        return Table(frame, caption=caption, name=name, digits=digits, collapsed=collapsed, index=index).markdown()

    def rerun_box(self):
        return None

    def stability(self, claim):
        assert claim.id in {r.id for r in self.results}, f"stability of {claim.id} before its verdict"

    def verdict_box(self):
        assert [r.id for r in self.results] == [c.id for c in R.CLAIMS]

    def publish(self):
        assert [r.id for r in self.results] == [c.id for c in R.CLAIMS]


class Plots:
    """``plots.show``: keeps what a cell shows (a Figure is closed, a note must be words)."""

    def __init__(self):
        self.shown = []

    def show(self, fig):
        if isinstance(fig, str):
            assert fig and "n/a" not in fig, fig
        elif fig is not None:
            matplotlib.pyplot.close(fig)
        self.shown.append(fig)


class BindOnly:
    """The chapter's plot functions, checked by binding the keyword arguments to their
    signatures instead of drawing (the drawing test uses the real module)."""

    def __getattr__(self, name):
        fn = getattr(real_rplots, name)

        def bind(**kwargs):
            inspect.signature(fn).bind(**kwargs)
            return None
        return bind


def run_notebook(inputs, win, draw: bool = False) -> tuple[Kit, list[str]]:
    """Execute the notebook's cells after its set-up for ``win``; return the kit and the
    Markdown the book shows (conditional paragraphs applied, glue filled in)."""
    nb, code = _cells()
    kit, shown = Kit(win), Plots()
    ns = {**dict(_params()), "rotation": R, "inp": inputs, "ch": kit, "plots": shown,
          "rplots": real_rplots if draw else BindOnly()}
    R.check_window(win)
    setup_done = False
    for cell in code:
        if "Chapter.open" in cell.source:
            setup_done = True
            continue
        if setup_done:
            exec(cell.source, ns)  # every call of the cell, its last expression (a table) included
    pages = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        if all(bool(kit.flags.get(name, False)) == want for name, want in conditions(cell)):
            pages.append(GLUE.sub(lambda m: kit.facts.get(m.group(1), f"<missing {m.group(1)}>"), cell.source))
    return kit, pages


def check_page(kit: Kit, pages: list[str]) -> None:
    """Every paragraph shown has all its numbers and no "n/a"; every claim has a verdict."""
    assert [r.id for r in kit.results] == [c.id for c in R.CLAIMS]
    for para in "\n\n".join(pages).split("\n\n"):
        assert "<missing" not in para, para
        assert "n/a" not in para, para
    for cid in ("r1", "r2", "r3", "r4", "r5", "r6", "r7"):
        assert cid in kit.flags
    for res in kit.results:
        if res.verdict == UNTESTABLE:
            assert res.note.startswith("Untestable here because") or res.id == "R2"
        else:
            assert res.statistic.value is not None and res.sample.n > 0


# -- the windows -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(snapshot_dir, tmp_path_factory):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.mktemp("store"))
    return R.load_inputs(ds)


FIRST, LAST = pd.Timestamp("1926-07-01"), pd.Timestamp("2026-07-14")  # the chapter's coverage (asserted below)
D = pd.Timedelta

#: name -> (start, end, as_of): the special windows of the fast tier.
SPECIAL = {
    "claim year to date": ("2026-01-01", "2026-07-13", None),
    "R06: 2025 to the claims' date": ("2025-01-01", "2026-07-13", "2026-07-13"),
    "year end: two trading days": ("2025-12-31", "2026-01-02", None),
    "as of the second trading day": ("2025-06-01", "2026-07-13", "2026-01-05"),
    "2 days (a weekend)": ("2026-07-11", "2026-07-12", None),
    "B09: 1 week": ("2020-03-09", "2020-03-16", "2020-03-16"),
    "B10: 1 month": ("2024-04-16", "2024-05-16", "2024-05-16"),
    "first week of the coverage": (FIRST, FIRST + D(days=6), None),
    "first month of the coverage": (FIRST, FIRST + D(days=30), None),
    "last week of the coverage": (LAST - D(days=6), LAST, None),
    "last month of the coverage": (LAST - D(days=30), LAST, None),
    "before the ETFs: the 1930s": ("1930-01-01", "1939-12-31", None),
    "the ETFs' first years": ("1999-06-01", "2001-06-30", None),
}


def test_coverage_is_the_grid_s(inputs):
    assert inputs.coverage() == (FIRST, LAST)


def test_b08_one_day_window_is_refused_up_front(inputs):
    w = window("2020-03-16", "2020-03-16", "2020-03-16")
    msg = (r"^start=2020-03-16 and end=2020-03-16 span 1 day; the rotation chapter needs at least 2 days "
           r"\(a return needs two closes\)$")
    with pytest.raises(ParameterError, match=msg):
        R.check_window(w)
    for cls in R.CLAIMS:  # the library refuses it too, with the same line, whatever the entry point
        with pytest.raises(ParameterError, match=msg):
            _ = cls(inputs, w).result
    R.check_window(window("2020-03-16", "2020-03-17"))  # two days are enough to start


def test_notebook_checks_window_and_own_parameters_before_loading_data():
    """B08, B11/F-15: a too-short window and a bad R6 parameter (``-p rates_rally_bp=abc``) fail in
    one line before any data is loaded; as_of defaults to the window's end (F-7)."""
    _, code = _cells()
    setup = next(c.source for c in code if "Chapter.open" in c.source)
    load = setup.index("rotation.load_inputs(")
    assert setup.index("rotation.check_window(ch.window)") < load
    assert setup.index("rotation.R6.check_spec(r6_spec)") < load
    assert _params()["as_of"] is None
    with pytest.raises(ParameterError, match=r"^R6 spec rates_rally_bp='abc' is not a float"):
        R.R6.check_spec({**_params()["r6_spec"], "rates_rally_bp": "abc"})


@pytest.mark.parametrize("name", list(SPECIAL))
def test_special_windows_give_a_complete_chapter(inputs, name):
    start, end, as_of = SPECIAL[name]
    kit, pages = run_notebook(inputs, window(start, end, as_of))
    check_page(kit, pages)


def test_full_coverage_gives_a_complete_chapter(inputs):
    kit, pages = run_notebook(inputs, window(FIRST, LAST))
    check_page(kit, pages)
    assert all(r.verdict != UNTESTABLE for r in kit.results if r.id != "R2")


def test_r06_2025_to_2026_decides_the_2026_claims(inputs):
    """R06/F-6: the window the 2026 claims are about crashed in numbers_r1 (NaN to int)."""
    kit, pages = run_notebook(inputs, window("2025-01-01", "2026-07-13", "2026-07-13"))
    verdicts = {r.id: r.verdict for r in kit.results}
    assert all(verdicts[c] != UNTESTABLE for c in ("R1", "R3", "R7"))
    assert kit.flags["r1_prior"] is False and kit.flags["r1_history"] is False  # no year before 2025 in it
    r1 = next(r for r in kit.results if r.id == "R1")
    assert r1.statistic.value == pytest.approx(9.27368, abs=1e-4)  # the same lead as the whole book's
    assert "(none of them are in the window)" in r1.note


def test_b09_b10_short_windows_draw_their_figures(inputs):
    """B09/B10/F-6: 1-week and 1-month windows crashed in plots/rotation.py (IndexError)."""
    for start, end in (("2020-03-09", "2020-03-16"), ("2024-04-16", "2024-05-16")):
        kit, pages = run_notebook(inputs, window(start, end), draw=True)
        check_page(kit, pages)
        assert all(r.verdict == UNTESTABLE for r in kit.results)
    r4 = R.R4(inputs, window("2024-04-16", "2024-05-16"))
    assert r4.untestable_note.startswith("Untestable here because the basket and IWM share 4 weeks of returns")
    assert r4.plot_context(real_rplots.credit_split, r4.credit_figure) == r4.evidence.reason


def test_r01_2015_2020_prose_and_titles_agree_with_the_tables(inputs):
    """R01/F-21: 87 "n/a" in the prose; the R1 figure title counted other years than its table."""
    w = window("2015-01-01", "2020-12-31", "2020-12-31")
    kit, pages = run_notebook(inputs, w)
    check_page(kit, pages)
    r1 = R.R1(inputs, w)
    prior = r1.prior_table()
    title = r1.calendar_figure()["title"]
    assert int(prior.loc["IWM-SPY", "years with data"]) == 1
    assert title.endswith("; 1 of the 6 years before 2026 is in it")
    assert title.startswith("IWM trailed SPY in 3 of 5 calendar years (2016-2020) in this window")
    french = R.R3(inputs, w).french_figure()["title"]
    assert french.startswith("Small profitable firms trailed small unprofitable ones by 4.4% a year")


def test_as_of_before_the_claim_year_reads_every_claim_untestable_not_an_error(inputs):
    kit, pages = run_notebook(inputs, window("2024-01-01", "2026-07-13", "2025-12-31"))
    check_page(kit, pages)
    assert {r.id for r in kit.results if r.verdict == UNTESTABLE} >= {"R1", "R2", "R3", "R7"}


# -- book tier: random windows, figures on long windows, the runner -----------------------------------------


def random_windows(n: int = 40, seed: int = 20260714):
    rng = np.random.default_rng(seed)
    days = (LAST - FIRST).days
    out = []
    for _ in range(n):
        a = int(rng.integers(0, days))
        b = int(rng.integers(a + 1, days + 1))  # at least 2 days
        out.append((FIRST + D(days=a), FIRST + D(days=b)))
    return out


@pytest.mark.book
@pytest.mark.timeout(900)
def test_forty_random_windows_give_a_complete_chapter(inputs):
    wins = random_windows()
    assert len(wins) == 40
    for start, end in wins:
        kit, pages = run_notebook(inputs, window(start, end))
        check_page(kit, pages)


@pytest.mark.book
@pytest.mark.timeout(900)
def test_the_published_window_reads_as_before(inputs):
    kit, pages = run_notebook(inputs, window("1926-07-01", "2026-07-13"))
    check_page(kit, pages)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert "On 2026-07-13 IWM's year-to-date return exceeded SPY's by 9.3 pp" in text
    assert "closed at 4.6% (within 0.05 pp) or passed through it between two closes on 12 days: 2026-01-15," in text
    assert "the registered rule's test, were 2 days: 2026-04-08, 2026-05-19" in text
    assert "a *noise band* of -8.4 to 26.9 pp around the lead" in text and "about 18 pp" in text
    assert "On 2026-01-15, the first day [A] could have been written, the basket was -0.32 pp against IWM" in text
    assert "a continuation of +2.85 pp (Hodrick 95% interval -0.18 to 5.89" in text
    quoted = ("call it \"tight credit\", but in market usage tight spreads", "still say \"tight\"",
              "(\"when credit is tight\", in [A]'s words)")  # the commentaries' and registered rules' words
    own = text.replace("Tight", "tight")
    for q in quoted:
        assert q in own
        own = own.replace(q, "")
    assert "tight" not in own  # the book's own prose says stressed credit
    assert "The default `as_of`, the window's end, is that last common day" in text
    assert "was a lead of 3.9 pp on 2026-03-30" in text


@pytest.mark.book
@pytest.mark.timeout(900)
def test_figures_draw_on_long_windows(inputs):
    for start, end, as_of in ((FIRST, LAST, None), ("2015-01-01", "2020-12-31", None), ("2025-06-01", "2026-07-13",
                                                                                          "2026-01-05")):
        kit, pages = run_notebook(inputs, window(start, end, as_of), draw=True)
        check_page(kit, pages)


def _prose_paragraphs(html: Path) -> list[str]:
    """The page's prose: its Markdown paragraphs and list items (cell outputs and tables left out)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(), "html.parser")
    art = soup.find("article") or soup
    for bad in art.select("script, style, div.cell_input, div.cell_output, details.hide, table"):
        bad.decompose()
    return [re.sub(r"\s+", " ", p.get_text(" ")).strip() for p in art.find_all(["p", "li"])]


@pytest.mark.book
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("start, end", [("2024-04-16", "2024-05-16"), ("1950-01-01", "1999-12-31")])
def test_rerun_builds_a_page_without_n_a_in_its_prose(tmp_path, snapshot_dir, start, end):
    import json

    from smallcaps.book.runner import run

    out = tmp_path / "out"  # the store beside the run's folder, not inside it (a run refuses a folder that changed)
    report = run(start=start, end=end, chapters="rotation", out=out, mode="offline", snapshot=snapshot_dir,
                 store=tmp_path / "store")
    page = out / "html" / "book" / "rotation.html"
    assert report.ok and page.is_file()
    paragraphs = _prose_paragraphs(page)
    assert len(paragraphs) > 20
    assert not [p for p in paragraphs if "n/a" in p]
    res = json.loads((out / "rotation.results.json").read_text())
    assert [c["id"] for c in res["claims"]] == [c.id for c in R.CLAIMS]
    assert res["parameters"]["as_of"] == end  # as_of defaults to the window's end
