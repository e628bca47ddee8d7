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


# -- figure defects of the reader review (problem 12), checked on hand-made data -----------------------

def _extent(fig, artist):
    fig.canvas.draw()
    return artist.get_window_extent(fig.canvas.get_renderer())


def test_timeline_legend_sits_below_the_axis_label():
    """Data appendix 'Coverage': the legend never overprints the x-axis label."""
    data = pd.DataFrame({"label": [f"file {i}" for i in range(8)],
                         "group": ["French", "FRED", "Shiller", "Yahoo", "CBOE", "pitindex", "French", "FRED"],
                         "first": pd.to_datetime(["1926-07-01", "1919-01-01", "1871-01-01", "1993-01-29",
                                                  "1990-01-02", "2004-12-30", "1963-07-01", "1997-01-01"]),
                         "last": pd.to_datetime(["2026-05-31"] * 8)})
    fig = plots.timeline(data, title="t", xlabel="date (coverage of each dataset)")
    label = _extent(fig, fig.axes[0].xaxis.label)
    legend = _extent(fig, fig.legends[0])
    assert legend.y1 < label.y0  # wholly below the label, no overlap
    plt.close(fig)


def test_v2_threshold_labels_outside_the_panels():
    """V2: each '90th percentile' label sits right of its panel, where no series can cross it."""
    from smallcaps.plots import valuation as vplots

    idx = pd.date_range("1900-01-31", periods=600, freq="ME")
    wave = pd.Series(20 + 10 * np.sin(np.arange(600) / 30), index=idx)
    fig = vplots.stretch_panels(cape=wave, share=wave + 40, rsp_spy=pd.Series(dtype=float), cape_threshold=28.0,
                                share_threshold=68.0, title="t")
    for ax, level in zip(fig.axes[:2], (28.0, 68.0), strict=True):
        (label,) = [t for t in ax.texts if "90th" in t.get_text()]
        assert label.xy[1] == level
        assert _extent(fig, label).x0 >= _extent(fig, ax).x1
    plt.close(fig)


def test_v5_eras_have_distinct_hues():
    """V5 scatter: one clearly different colour per era (no sequential ramp)."""
    import colorsys

    from matplotlib.colors import to_rgb

    from smallcaps.plots import valuation as vplots

    rng = np.random.default_rng(0)
    eras = np.repeat(["1926-1949", "1950-1974", "1975-1999", "2000 on"], 30)
    data = pd.DataFrame({"x": rng.normal(size=120), "y": rng.normal(size=120), "era": eras})
    fig = vplots.predictive_scatter(data, latest=None, latest_label="", horizon_years=3, title="t")
    handles = fig.axes[0].get_legend().legend_handles
    assert len(handles) == 4
    hues = sorted(colorsys.rgb_to_hsv(*to_rgb(h.get_markerfacecolor()))[0] for h in handles)
    gaps = np.diff(hues + [hues[0] + 1.0])
    assert gaps.min() > 0.05  # at least ~18 degrees of hue between any two eras
    plt.close(fig)


def test_proxy_share_axis_label_uses_the_less_or_equal_sign():
    from smallcaps.plots import graduation as gplots

    data = pd.DataFrame({"month": pd.date_range("2000-01-31", periods=24, freq="ME"), "share": np.linspace(30, 40, 24)})
    fig = gplots.proxy_share(data, claim=40.0, claim_label="claim", series_label="share", title="t")
    ylabel = fig.axes[0].get_ylabel()
    assert "≤" in ylabel and "<=" not in ylabel
    plt.close(fig)


def _ladder_data():
    years = list(range(2012, 2027))
    rows = [{"year": y, "move": "S&P 400 → S&P 500", "direction": "up", "moves": 5} for y in years]
    rows += [{"year": y, "move": "S&P 400 → S&P 600", "direction": "down", "moves": 20} for y in years if y >= 2021]
    return pd.DataFrame(rows)


def test_moves_by_year_marks_a_record_start_inside_the_years_shown():
    """Graduation ladder: the jump where the S&P 600 record starts is labelled as that record
    starting; a record that starts before the first year shown is not marked."""
    from smallcaps.plots import graduation as gplots

    fig = gplots.moves_by_year(_ladder_data(), title="t", record_starts={
        "S&P 600": pd.Timestamp("2021-03-31"), "S&P 500": pd.Timestamp("2004-12-30")})
    ax = fig.axes[0]
    (label,) = [t for t in ax.texts if "record starts" in t.get_text()]
    assert label.get_text().startswith("S&P 600 membership record starts 31 Mar 2021")
    assert "not more moves" in label.get_text()
    dotted = [ln for ln in ax.lines if ln.get_linestyle() == ":"]
    assert len(dotted) == 1
    # bar i is centred on i; 2021 is bar 9, and 31 March is day 90 of 365
    assert dotted[0].get_xdata()[0] == pytest.approx(9 - 0.5 + 89 / 365)
    assert label.xy[0] == pytest.approx(dotted[0].get_xdata()[0])
    plt.close(fig)
    fig = gplots.moves_by_year(_ladder_data(), title="t")
    assert not [t for t in fig.axes[0].texts if "record starts" in t.get_text()]
    plt.close(fig)
