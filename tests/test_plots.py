"""plots.bars: error bars drawn by matplotlib at each row's known position, checked against the
drawn artists (synthetic numbers; figures in the book use real data)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer

from smallcaps import plots


def drawn_intervals(ax, horizontal=False):
    """(position, low, high) of every error bar segment, read from the ErrorbarContainer."""
    containers = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(containers) == 1
    (barlines,) = containers[0].lines[2]
    out = []
    for seg in barlines.get_segments():
        (x0, y0), (x1, y1) = seg
        if horizontal:
            assert y0 == y1
            out.append((y0, min(x0, x1), max(x0, x1)))
        else:
            assert x0 == x1
            out.append((x0, min(y0, y1), max(y0, y1)))
    return sorted(out)


def bar_centres(ax, horizontal=False):
    """Bar value -> centre position, for every drawn bar (values are distinct in these tests)."""
    out = {}
    for p in ax.patches:
        if horizontal:
            out[round(p.get_x() + p.get_width(), 9)] = p.get_y() + p.get_height() / 2
        else:
            out[round(p.get_y() + p.get_height(), 9)] = p.get_x() + p.get_width() / 2
    return out


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_bars_without_hue_error_bars_at_each_bar():
    data = pd.DataFrame({"q": ["Q1", "Q2", "Q3"], "v": [-4.0, 2.0, 8.5],
                         "lo": [-9.0, -5.0, -2.0], "hi": [0.5, 9.0, 19.0]})
    fig = plots.bars(data, "q", "v", title="t", xlabel="x", ylabel="y", ci=("lo", "hi"))
    ax = fig.axes[0]
    assert np.array(drawn_intervals(ax)) == pytest.approx(np.array([(0, -9.0, 0.5), (1, -5.0, 9.0), (2, -2.0, 19.0)]))
    centres = bar_centres(ax)
    assert [centres[v] for v in data["v"]] == pytest.approx([0.0, 1.0, 2.0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Q1", "Q2", "Q3"]


def test_bars_with_hue_order_and_missing_values():
    # rows out of drawing order; one bar is NaN (not drawn) and one interval is NaN (no error bar)
    data = pd.DataFrame({
        "x": ["b", "a", "a", "b", "c", "c"],
        "g": ["small", "small", "large", "large", "small", "large"],
        "v": [1.5, 1.0, 2.0, np.nan, 3.0, 4.0],
        "lo": [0.5, 0.2, 1.1, 0.0, np.nan, 3.2],
        "hi": [2.5, 1.9, 2.8, 1.0, 4.0, 4.9],
    })
    fig = plots.bars(data, "x", "v", hue="g", title="t", xlabel="x", ylabel="y", ci=("lo", "hi"),
                     order=["a", "b", "c"], hue_order=["large", "small"])
    ax = fig.axes[0]
    # large is the first of two levels: 0.2 left of the category; small 0.2 right
    expected = sorted([(0 + 0.2, 0.2, 1.9), (0 - 0.2, 1.1, 2.8), (1 + 0.2, 0.5, 2.5), (2 - 0.2, 3.2, 4.9)])
    got = drawn_intervals(ax)
    assert np.array(got) == pytest.approx(np.array(expected))
    # every error bar is centred on the bar of its own row
    centres = bar_centres(ax)
    for v, pos in [(1.0, 0.2), (2.0, -0.2), (1.5, 1.2), (4.0, 1.8), (3.0, 2.2)]:
        assert centres[v] == pytest.approx(pos)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["large", "small"]


def test_bars_horizontal():
    data = pd.DataFrame({"s": ["Energy", "Tech"], "v": [-1.0, 3.0], "lo": [-2.0, 1.0], "hi": [0.5, 4.0]})
    fig = plots.bars(data, "s", "v", title="t", xlabel="x", ylabel="y", ci=("lo", "hi"), horizontal=True)
    ax = fig.axes[0]
    assert np.array(drawn_intervals(ax, horizontal=True)) == pytest.approx(np.array([(0, -2.0, 0.5), (1, 1.0, 4.0)]))
    centres = bar_centres(ax, horizontal=True)
    assert [centres[-1.0], centres[3.0]] == pytest.approx([0.0, 1.0])


def test_an_interval_not_containing_the_estimate_is_drawn_as_given():
    data = pd.DataFrame({"q": ["A"], "v": [1.0], "lo": [1.5], "hi": [2.0]})
    fig = plots.bars(data, "q", "v", title="t", xlabel="x", ylabel="y", ci=("lo", "hi"))
    assert np.array(drawn_intervals(fig.axes[0])) == pytest.approx(np.array([(0, 1.5, 2.0)]))
