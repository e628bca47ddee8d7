"""Every window inside the momentum chapter's data gives a complete chapter (issue 11 §3).

At library level (no papermill): for a grid of windows (the full coverage, the claims' own dates,
1 day, 1 week, 1 month, windows at each edge of the coverage, the reliability review's cases and
40 random windows from a fixed seed), every claim is evaluated with everything a notebook cell
calls: its result, facts, flags, tables and, when the window can decide it, its figure data; a
handful of windows also draw the figures. No exception is allowed (the chapter's minimum window
is one day, so nothing is refused). The prose is checked against the notebook itself: every
Markdown cell whose ``show-if`` conditions hold must cite only glued values, none reading "n/a".

The book tier re-runs the chapter through the runner on a short window and checks the built page.

The grid draws 99 bootstrap replications instead of 2,000 (the intervals' width is not what it
tests); the published numbers are checked in ``test_claims_momentum.py``.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pandas as pd
import pytest

from smallcaps import stats
from smallcaps.book.prose import conditions
from smallcaps.claims import momentum as mom
from smallcaps.claims.contract import UNTESTABLE
from smallcaps.display import Text
from smallcaps.errors import ParameterError
from smallcaps.params import window
from smallcaps.plots import momentum as mplots

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "book" / "momentum.ipynb"
GLUE = re.compile(r"\{glue:md\}`([^`]+)`")
FIRST, LAST = "1927-01-01", "2026-07-14"  # the chapter's coverage (inputs.coverage())

#: Named windows: the coverage, the claims' own dates, short windows and each edge.
NAMED = {
    "full coverage": (FIRST, LAST),
    "M1: since 2017": ("2017-01-01", LAST),
    "M1: 2017 and a year": ("2017-01-01", "2018-01-03"),
    "M1: starts a day late (F-20)": ("2017-01-02", LAST),
    "M2: since XSMO's first close": ("2005-03-03", LAST),
    "M2: ends before the switch": ("2005-03-03", "2019-06-21"),
    "M2: months after the switch": ("2005-03-03", "2019-12-31"),
    "the index switch on": ("2019-06-24", LAST),
    "S&P 600 panel on": ("2021-03-31", LAST),
    "S&P 400 panel to the switch": ("2011-11-21", "2019-06-23"),
    "after French ends": ("2025-11-01", LAST),
    "R02: 1963-2000": ("1963-01-01", "2000-12-31"),
    "B08: 1 day": ("2020-03-16", "2020-03-16"),
    "B09: 1 week": ("2020-03-09", "2020-03-16"),
    "B10: 1 month": ("2024-04-16", "2024-05-16"),
    "a Saturday": ("2020-03-14", "2020-03-14"),
    "first day": (FIRST, FIRST),
    "first month": (FIRST, "1927-01-31"),
    "first two years": (FIRST, "1928-12-31"),
    "last day": (LAST, LAST),
    "last month": ("2026-06-14", LAST),
    "last year": ("2025-07-14", LAST),
    "the 1929-1995 re-run": ("1929-01-01", "1995-12-31"),
}


def random_windows(n: int = 40, seed: int = 20261126) -> dict[str, tuple[str, str]]:
    """``n`` windows inside the coverage: a uniform start and a log-uniform length (1 day to 100 years)."""
    rng = np.random.default_rng(seed)
    first, last = pd.Timestamp(FIRST), pd.Timestamp(LAST)
    span = (last - first).days
    out = {}
    for i in range(n):
        start = first + pd.Timedelta(days=int(rng.integers(0, span + 1)))
        length = int(np.exp(rng.uniform(0, np.log(span))))
        end = min(last, start + pd.Timedelta(days=length - 1))
        out[f"random {i}"] = (start.date().isoformat(), end.date().isoformat())
    return out


#: The fast tier: the coverage, the review's cases and each edge (about 15 s); the book tier adds the
#: other named windows and 40 random ones (about a minute).
FAST = ("full coverage", "R02: 1963-2000", "B08: 1 day", "B09: 1 week", "B10: 1 month", "a Saturday", "first day",
        "first month", "last day", "last month", "after French ends", "M1: 2017 and a year",
        "M2: ends before the switch")
GRIDS = {"fast": {k: NAMED[k] for k in FAST},
         "slow": {**{k: v for k, v in NAMED.items() if k not in FAST}, **random_windows()}}
WINDOWS = {**GRIDS["fast"], **GRIDS["slow"]}
#: Windows whose figures are drawn too.
DRAWN = ("full coverage", "R02: 1963-2000", "B10: 1 month", "M2: ends before the switch", "M2: months after the switch",
         "random 3", "random 11")


# -- the notebook's prose and calls ------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def markdown_cells() -> list[tuple[list[tuple[str, bool]], list[str], str]]:
    """(conditions, glue keys cited, first words) of each Markdown cell of the chapter."""
    nb = nbformat.read(NOTEBOOK, 4)
    return [(conditions(c), GLUE.findall(c.source), c.source[:70]) for c in nb.cells if c.cell_type == "markdown"]


def shown(conds, flags) -> bool:
    return all(bool(flags.get(name, False)) == wanted for name, wanted in conds)


def prose_problems(facts: dict[str, str], flags: dict[str, bool]) -> list[str]:
    """Every paragraph the page would show that cites a value not glued or reading n/a."""
    problems = []
    for conds, keys, head in markdown_cells():
        if not shown(conds, flags):
            continue
        for key in keys:
            if key not in facts:
                problems.append(f"{key} is not glued, but the paragraph {head!r} is shown")
            elif "n/a" in facts[key]:
                problems.append(f"{key} reads {facts[key]!r} in the paragraph {head!r}")
    return problems


def prose_with_missing_numbers(html: Path) -> list[str]:
    """Paragraphs of a built page's prose (not code outputs: tables may say n/a) containing "n/a"."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html.read_text(), "html.parser")
    article = soup.find("article") or soup
    out = []
    for p in article.find_all(["p", "li"]):
        if p.find_parent("div", class_=re.compile("cell_output")) is not None:
            continue
        text = re.sub(r"\s+", " ", p.get_text(" "))
        if re.search(r"\bn/a\b", text):
            out.append(text)
    return out


def notebook_calls() -> set[str]:
    """``claim.method`` of every method the notebook's code cells call on a claim or the inputs."""
    nb = nbformat.read(NOTEBOOK, 4)
    calls = set()
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                    node.value.id in ("m1", "m2", "m3", "m4", "m5", "inputs"):
                calls.add(f"{node.value.id}.{node.attr}")
    return calls


#: What the grid evaluates for each claim: (attribute, called with) — everything the notebook calls.
TABLES = {"M1": ("records", "gaps"), "M2": ("table", "equivalence_table"),
          "M3": ("century_table", "crash_table", "robustness", "survivorship", "recent_table", "recent_robustness",
                 "lookback_table", "conditions_table"),
          "M4": ("table", "robustness", "conditional_table", "factor_table", "size_table", "bridge_table"),
          "M5": ("table", "robustness")}
FIGURES = {"M1": [("m1", "peer_gaps", "figure")], "M2": [("m2", "growth_since", "figure")],
           "M3": [("m3_century", "cumulative_by_state", "cumulative_figure"),
                  ("m3_century", "regime_means", "means_figure"),
                  ("m3_breadth_figure", "breadth_and_spread", "breadth_figure")],
           "M4": [("m4", "effects", "figure")], "M5": [("m5", "leadership_means", "figure")]}
#: The cells that show each table, by the flags that must hold (the notebook's show-if tags).
TABLE_FLAGS = {("M1", "gaps"): ["m1"], ("M2", "equivalence_table"): ["m2"], ("M3", "century_table"): ["m3_century"],
               ("M3", "crash_table"): ["m3_crashes"], ("M3", "robustness"): ["m3_century"],
               ("M3", "recent_table"): ["m3_recent"], ("M3", "recent_robustness"): ["m3_recent_tested"],
               ("M3", "lookback_table"): ["m3_century"], ("M3", "conditions_table"): ["m3"],
               ("M4", "robustness"): ["m4"], ("M4", "conditional_table"): ["m4_conditional"],
               ("M4", "factor_table"): ["m4_factors"], ("M4", "size_table"): ["m4_since2000"],
               ("M4", "bridge_table"): ["m4_bridge"], ("M5", "robustness"): ["m5"]}


def test_the_grid_covers_every_call_of_the_notebook():
    covered = {f"m{i}.{a}" for i, cid in enumerate(TABLES, 1) for a in TABLES[cid]}
    covered |= {f"{cid.lower()}.{data}" for cid, figs in FIGURES.items() for _, _, data in figs}
    covered |= {"inputs.coverage", "inputs.facts"} | {f"m{i}.{m}" for i in range(1, 6) for m in ("plot", "rule")}
    covered |= {"m3.plot_if"}
    assert notebook_calls() <= covered, notebook_calls() - covered


def test_every_cited_key_is_glued_by_a_claim_or_the_inputs(fast):
    """The Markdown cites no key the claims do not glue, and the claims glue no key it never cites."""
    cited = {k for _, keys, _ in markdown_cells() for k in keys}
    glued = set(fast["full coverage"]["facts"])
    assert cited <= glued, cited - glued
    assert glued <= cited, f"glued, never cited: {sorted(glued - cited)}"


# -- the grid ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(snapshot_dir, tmp_path_factory):
    from smallcaps.data import DataSession

    ds = DataSession(mode="offline", snapshot=snapshot_dir, store=tmp_path_factory.getbasetemp() / "momentum-store")
    return mom.load_inputs(ds)


def _anchor_facts(inputs) -> dict[str, str]:
    """The anchors' facts: the papers' samples, the same for every window (computed once per inputs)."""
    return inputs.memo("test: anchor facts",
                       lambda: {k: f.text() for k, f in mom.ChapterAnchors(inputs).facts().items()})


def _evaluate(inputs, start: str, end: str, draw: bool) -> dict:
    w = window(start, end)
    mom.check_window(w)
    facts = {k: f.text() for k, f in inputs.facts().items()}
    facts.update(_anchor_facts(inputs))
    flags: dict[str, bool] = {}
    out = {"results": {}, "tables": {}, "claims": {}}
    for cls in mom.CLAIMS:
        claim = cls(inputs, w)
        out["claims"][cls.id] = claim
        result = claim.result
        assert result.id == cls.id
        if result.verdict == UNTESTABLE:
            assert result.note and claim.untestable_note == result.note
        assert claim.rule.claim_id == cls.id and claim.summary().markdown
        facts.update({k: f.text() for k, f in claim.facts().items()})
        flags.update(claim.all_flags())
        for name in TABLES[cls.id]:
            table = getattr(claim, name)()
            assert isinstance(table, (pd.DataFrame, Text)), (cls.id, name, type(table))
            out["tables"][(cls.id, name)] = table
        for flag, draw_name, data in FIGURES[cls.id]:
            figure = claim.plot_if if cls is mom.M3 else None
            if not claim.all_flags()[flag]:
                note = figure(flag, getattr(mplots, draw_name), getattr(claim, data)) if figure else \
                    claim.plot(getattr(mplots, draw_name))
                assert isinstance(note, str)
                continue
            kwargs = getattr(claim, data)()
            assert kwargs["title"] and "n/a" not in kwargs["title"]
            if draw:
                fig = getattr(mplots, draw_name)(**kwargs)
                assert fig.axes
                plt.close(fig)
        out["results"][cls.id] = result
    out["facts"], out["flags"] = facts, flags
    return out


_GRIDS: dict[str, dict] = {}


def _grid(inputs, which: str) -> dict:
    """Every window of a grid, evaluated once (99 bootstrap draws instead of 2,000)."""
    if which not in _GRIDS:
        fast = functools.partial(stats.bootstrap_diff_in_means, reps=99)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(stats, "bootstrap_diff_in_means", fast)
            _GRIDS[which] = {name: _evaluate(inputs, start, end, name in DRAWN)
                             for name, (start, end) in GRIDS[which].items()}
    return _GRIDS[which]


@pytest.fixture(scope="module", params=["fast", pytest.param("slow", marks=pytest.mark.book)])
def evaluated(request, inputs):
    return _grid(inputs, request.param)


@pytest.fixture(scope="module")
def fast(inputs):
    return _grid(inputs, "fast")


def test_every_window_gives_every_claim_a_verdict_or_a_reason(evaluated):
    assert len(WINDOWS) >= len(NAMED) + 40 and len(GRIDS["slow"]) >= 40
    for name, ev in evaluated.items():
        assert list(ev["results"]) == ["M1", "M2", "M3", "M4", "M5"], name
        for cid, r in ev["results"].items():
            assert r.verdict != UNTESTABLE or r.note, (name, cid)
            if r.verdict != UNTESTABLE:
                assert r.sample.n > 0 and r.statistic.value is not None, (name, cid)
                s, e = WINDOWS[name]
                assert r.sample.end <= e, (name, cid, r.sample)


def test_prose_shows_no_missing_number_on_any_window(evaluated):
    problems = {name: prose_problems(ev["facts"], ev["flags"]) for name, ev in evaluated.items()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_the_prose_check_can_fail(fast):
    """Showing every paragraph on a one-day window would splice missing numbers: the check sees it."""
    ev = fast["B08: 1 day"]
    everything = {name: True for conds, _, _ in markdown_cells() for name, _ in conds}
    problems = prose_problems(ev["facts"], everything)
    assert any(p.startswith("m1_xsmo_return is not glued") for p in problems)
    assert any("reads 'n/a'" in p for p in problems)


def test_shown_tables_are_never_empty(evaluated):
    for name, ev in evaluated.items():
        for (cid, table_name), table in ev["tables"].items():
            if not all(ev["flags"].get(f, False) for f in TABLE_FLAGS.get((cid, table_name), [])):
                continue
            if isinstance(table, pd.DataFrame):
                assert not table.empty, (name, cid, table_name)
                if "robustness" in table_name and "difference" in table:
                    assert table["difference"].notna().any(), (name, cid, table_name)  # not a table of n/a


def test_figure_titles_agree_with_their_tables(evaluated):
    """F-21: a title never contradicts the table beside it."""
    for name, ev in evaluated.items():
        if ev["flags"]["m1"]:
            # the title counts the small-cap peers (the rule's set), not the context funds
            block = ev["tables"][("M1", "gaps")]["since 2017"].xs("small-cap (decides)", level="peer set")
            gaps = [float(v) for v in block["gap (pp a year)"] if v != "n/a"]
            lows = [float(ci.split(" to ")[0]) for ci in block["95% noise band"] if ci != "n/a"]
            sig = sum(lo > 0 for lo in lows)
            title = ev["claims"]["M1"].figure()["title"]
            if 0.0 not in gaps + lows:  # a number that rounds to zero cannot be read off the table
                won = sum(g > 0 for g in gaps)
                assert title == (f"Since 2017 XSMO out-compounded {won} of {len(gaps)} small-cap peers, {sig} of them "
                                 f"by a margin outside the 95% noise band"), (name, title)
        if ev["flags"]["m3_century"]:
            table = ev["tables"][("M3", "century_table")]
            lowering = int((table["both below 0"] == "yes").sum())
            title = ev["claims"]["M3"].means_figure()["title"]
            expected = {0: "No regime", 1: "Only one regime"}.get(lowering, f"{lowering} regimes")
            assert title.startswith(expected), (name, title, lowering)


def test_phrases_read_in_the_singular_and_the_plural(evaluated):
    for name, ev in evaluated.items():
        for key, text in ev["facts"].items():
            assert not re.search(r"\b1 variants\b|\b1 of those 1 leads\b", text), (name, key, text)


# -- the reliability review's cases (R02, B08-B10, F-20, F-21) ----------------------------------------------


def test_r02_1963_2000_decides_m3_to_m5_and_says_why_not_m1_m2(fast):
    ev = fast["R02: 1963-2000"]
    r = ev["results"]
    for cid in ("M1", "M2"):
        assert r[cid].verdict == UNTESTABLE
        assert r[cid].note.startswith("The window (1963-01-01 to 2000-12-31) ends before XSMO's first price "
                                      "(2005-03-03)")
    assert all(r[cid].verdict != UNTESTABLE for cid in ("M3", "M4", "M5"))
    assert r["M3"].section == "m3-century" and "breadth: untestable" in r["M3"].note
    # the page read "XSMO compounded at n/a% a year": that paragraph is now hidden, and nothing shown cites n/a
    assert not ev["flags"]["m1"] and prose_problems(ev["facts"], ev["flags"]) == []
    hidden = [head for conds, _, head in markdown_cells() if not shown(conds, ev["flags"])]
    assert any(h.startswith("XSMO compounded at") for h in hidden)
    assert not ev["flags"]["m3_sp600_window"] and not ev["flags"]["m3_sp400_window"]


@pytest.mark.parametrize("case", ["B08: 1 day", "B09: 1 week", "B10: 1 month"])
def test_b08_to_b10_short_windows_degrade_to_untestable_with_reasons(fast, case):
    ev = fast[case]
    for cid, r in ev["results"].items():
        assert r.verdict == UNTESTABLE, (case, cid)
        assert r.note and "n/a" not in r.note
    assert prose_problems(ev["facts"], ev["flags"]) == []
    assert not ev["flags"]["m3_century"] and not ev["flags"]["m3_breadth"]


def test_f20_a_dated_claim_is_never_judged_from_another_start(inputs):
    late = mom.M1(inputs, window("2017-01-02", LAST)).result
    assert late.verdict == UNTESTABLE and "after the claim's start (2017-01-01)" in late.note
    ok = mom.M1(inputs, window("2017-01-01", "2018-01-03")).result
    assert ok.verdict != UNTESTABLE and ok.sample.start == "2016-12-30" and ok.sample.end == "2018-01-03"
    assert ok.statistic.name.endswith("since 2017")


def test_monthly_samples_hold_only_months_wholly_inside_the_window(fast):
    """A month's return is used only when the whole month lies in the window (it was not: a window
    ending 21 June used June's whole return)."""
    r = fast["M2: ends before the switch"]["results"]
    assert r["M3"].sample.start == "2005-04-01" and r["M3"].sample.end == "2019-05-31"
    assert r["M5"].sample.end <= "2019-05-31"
    m5 = fast["M2: ends before the switch"]["claims"]["M5"].evidence.main
    assert str(m5.follow.end) == "2019-05"


def test_m2_split_reads_correctly_when_the_window_stops_at_the_switch(fast):
    ev = fast["M2: ends before the switch"]
    assert ev["results"]["M2"].verdict != UNTESTABLE and not ev["flags"]["m2_split"]
    assert not ev["flags"]["m2_momentum_years"]
    assert prose_problems(ev["facts"], ev["flags"]) == []


def test_the_minimum_window_is_one_day():
    assert mom.MIN_WINDOW_DAYS == 1
    mom.check_window(window(LAST, LAST))  # one day: a complete chapter
    w = window("2020-01-02", "2020-01-02")
    bad = type(w)(w.start, w.start - pd.Timedelta(days=1), w.start)  # a window built by hand, end before start
    with pytest.raises(ParameterError, match=r"^start=2020-01-02 and end=2020-01-01 span 0 days; the momentum "
                                             r"chapter needs at least 1"):
        mom.check_window(bad)


# -- the book --------------------------------------------------------------------------------------------------


@pytest.mark.book
@pytest.mark.timeout(900)
def test_a_one_month_window_builds_a_page_with_no_missing_number_in_its_prose(tmp_path, snapshot_dir):
    from smallcaps.book import runner

    out = tmp_path / "out"  # the store beside the run's folder, not inside it (a run refuses a folder that changed)
    report = runner.run(start="2024-04-16", end="2024-05-16", chapters=["momentum"], out=out, jobs=1,
                        mode="offline", snapshot=snapshot_dir, store=tmp_path / "store")
    page = out / "html" / "book" / "momentum.html"
    assert report.ok and page.is_file()
    assert prose_with_missing_numbers(page) == []
    text = page.read_text()
    assert "Verdict on M3: untestable with available data" in text
    assert "Neither member panel" not in text and "Both member panels overlap the window." in text
