"""Every window inside the valuation chapter's data gives a complete chapter (issue 11 §3).

At library level, not through papermill: for a grid of windows (the full coverage, the claims'
own dates, 1 day, 1 week, 1 month, windows at each coverage edge and 40 random windows from a
fixed seed), every claim is evaluated and everything a notebook cell calls is exercised: the
result, the facts glued into the prose, the flags that choose its paragraphs, the tables and,
where the window can decide the claim, the figure data (and the figures themselves for a few
windows). Zero exceptions allowed. The valuation chapter needs no minimum window: on a window
too short for a claim, the claim says it is untestable and why, and its paragraphs give way to
that note.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from smallcaps.book.prose import shown_prose
from smallcaps.claims import valuation
from smallcaps.claims.contract import UNTESTABLE, VERDICTS
from smallcaps.display import MISSING
from smallcaps.params import window

# whole-snapshot checks belong to the slow tier (`make test` runs both tiers)
pytestmark = pytest.mark.book

FIRST, LAST = "1871-01-01", "2026-07-14"


def grid() -> list[tuple[str, str, str]]:
    fixed = [
        ("full coverage", FIRST, LAST),
        ("the May 2024 claims", "2024-04-01", "2024-05-16"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("2026 to the claim of [E]", "2026-01-01", "2026-07-02"),
        ("1 day", "2024-05-16", "2024-05-16"),
        ("1 week", "2020-03-09", "2020-03-16"),
        ("1 month", "2024-04-16", "2024-05-16"),
        ("first year", FIRST, "1871-12-31"),
        ("first decade", FIRST, "1880-12-31"),
        ("French's first month", "1926-07-01", "1926-07-31"),
        ("last month", "2026-06-14", LAST),
        ("last year", "2025-07-14", LAST),
        ("the ETF era", "2000-01-01", LAST),
        ("1950-1999", "1950-01-01", "1999-12-31"),
    ]
    rng = np.random.default_rng(20261126)
    lo, hi = pd.Timestamp(FIRST).value, pd.Timestamp(LAST).value
    for i in range(40):
        a, b = sorted(pd.to_datetime(rng.integers(lo, hi, size=2)).normalize())
        fixed.append((f"random {i}", a.date().isoformat(), b.date().isoformat()))
    return fixed


GRID = grid()


@pytest.fixture(scope="module")
def inputs(snapshot_dir, tmp_path_factory):
    from smallcaps.data import DataSession

    return valuation.load_inputs(DataSession(mode="offline", snapshot=snapshot_dir,
                                             store=tmp_path_factory.mktemp("store")))


NOTEBOOK = nbformat.read(Path(__file__).resolve().parents[1] / "book" / "valuation.ipynb", as_version=4)


def exercise(claim, glued: dict, flags: dict) -> str:
    """Everything the chapter's notebook calls for one claim; returns the verdict."""
    res = claim.result
    assert res.verdict in VERDICTS and (res.verdict != UNTESTABLE or res.note)
    glued.update({k: f.text() for k, f in claim.facts().items()})
    flags.update(claim.all_flags())
    assert flags[claim.section] == claim.testable
    claim.table()
    if claim.testable:
        claim.figure()
    return res.verdict


@pytest.mark.parametrize("label, start, end", GRID, ids=[g[0] for g in GRID])
def test_every_claim_on_every_window(inputs, label, start, end):
    win = window(start, end)
    out, glued, flags = {}, {k: f.text() for k, f in inputs.facts().items()}, {}
    for cls in valuation.CLAIMS:
        c = cls(inputs, win)
        out[c.id] = exercise(c, glued, flags)
        if c.id == "V5" and c.testable:
            c.group_display(), c.oos_figure(), c.group_figure()
        if c.id == "V1":
            c.beside_claim()
    anchors = valuation.anchors.Anchors(inputs, win)  # the V5 section's published anchors
    glued.update({k: f.text() for k, f in anchors.facts().items()})
    flags.update(anchors.all_flags())
    inputs.last_months()
    # the prose a reader sees on this window: every cited number glued, none of them missing
    for para in shown_prose(NOTEBOOK, flags, glued):
        assert "{missing:" not in para, f"a shown paragraph cites a key no claim glued: {para[:300]}"
        assert f" {MISSING}" not in para and f"{MISSING}%" not in para, f"n/a in shown prose: {para[:300]}"
    if label == "full coverage":
        assert out == {"V1": "supported", "V2": "supported", "V3": "not supported", "V4": "supported",
                       "V5": "supported"}


@pytest.mark.parametrize("label, start, end", [g for g in GRID if g[0] in ("full coverage", "1950-1999", "1 month")],
                         ids=["full", "1950-1999", "1 month"])
def test_figures_draw_on_a_few_windows(inputs, label, start, end):
    import matplotlib.pyplot as plt

    from smallcaps import plots
    from smallcaps.plots import valuation as vplots

    plots.theme()
    win = window(start, end)
    draw = {"V1": vplots.discount_history, "V2": vplots.stretch_panels, "V3": vplots.rolling_sensitivity,
            "V4": vplots.base_date_grid, "V5": vplots.predictive_scatter}
    for cls in valuation.CLAIMS:
        c = cls(inputs, win)
        fig = c.plot(draw[c.id])
        if c.testable:
            titles = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center")]
            titles.append(fig._suptitle.get_text() if fig._suptitle else "")
            assert any(titles), f"{c.id}: a figure without a title on {label}"
            plt.close(fig)
        else:
            assert fig == f"the window cannot decide {c.id} (see its verdict)"


@pytest.mark.parametrize("start, label", [(FIRST, "1995+"), ("1980-01-01", "1995+"), ("2016-01-01", "2016+"),
                                          ("2016-03-15", "Apr 2016+")])
def test_v1_names_the_real_start_of_its_average(inputs, start, label):
    """Review R03: V1's statistic said "1995+" on a window starting later; it names where the
    average begins (the first complete month in the window)."""
    c = valuation.CLAIMS[0](inputs, window(start, "2024-05-16"))
    assert c.id == "V1"
    name = c.result.statistic.name
    assert f"to its {label} average" in name, name
    assert name.endswith(", Apr 2024")
