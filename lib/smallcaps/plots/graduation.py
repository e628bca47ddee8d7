"""Figures for the index-graduation chapter (seaborn, book width, titles passed in by the
chapter so that they state the finding).

Every function takes tidy frames, labels and a title (the keyword arguments of a claim's figure
method, e.g. ``G2.paths_figure()``) and returns a matplotlib Figure (display it with
:func:`smallcaps.plots.show`). Whether there is a figure at all is the claim's decision: a
figure method returns a note instead when the window has nothing to draw.
"""

from __future__ import annotations

import textwrap

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..display import percent
from . import HEIGHT, PALETTE, WIDTH, _finish

UP_COLOURS = ("#0072B2", "#56B4E9", "#009E73")
DOWN_COLOURS = ("#D55E00", "#E69F00", "#CC79A7")


def _suptitle(fig, title: str, width: int = 80) -> None:
    """A bold figure title, wrapped to the book's width, left-aligned like the axes titles."""
    fig.suptitle(textwrap.fill(title, width), x=0.01, ha="left", fontsize=12, fontweight="bold")


def moves_by_year(data: pd.DataFrame, *, title: str, note: str | None = None,
                  record_starts: dict[str, object] | None = None):
    """Diverging stacked bars: moves up the ladder above zero, moves down below, per year.

    ``data``: columns ``year``, ``move``, ``direction``, ``moves`` (see ``events_long``).
    ``record_starts``: index label -> first date of its membership record. A record that starts
    after the first year shown is marked by a dotted line at that date, labelled, because the bars
    jump there when moves into and out of that index start to be seen (a coverage artefact, not
    more moves).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT + 0.4))
    years = sorted(data["year"].unique())
    x = np.arange(len(years))
    for direction, colours, sign in (("up", UP_COLOURS, 1), ("down", DOWN_COLOURS, -1)):
        sub = data.loc[data["direction"] == direction]
        moves = list(dict.fromkeys(sub.sort_values("move")["move"]))
        bottom = np.zeros(len(years))
        for move, colour in zip(moves, colours, strict=False):
            vals = sub.loc[sub["move"] == move].set_index("year")["moves"].reindex(years, fill_value=0).to_numpy()
            ax.bar(x, sign * vals, bottom=sign * bottom, color=colour, width=0.75, label=f"{move} ({direction})")
            bottom += vals
    ax.axhline(0, color="0.2", linewidth=0.8)
    ax.set_xticks(x)
    ax.set_xticklabels([str(y) for y in years], rotation=45)
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    # an opaque legend: a record-start line may run behind it
    ax.legend(ncols=2, fontsize=8, loc="lower left", frameon=True, framealpha=1.0, edgecolor="white")
    _mark_record_starts(ax, years, record_starts or {})
    return _finish(fig, ax, title, "year of the move", "moves (up above zero, down below)", note)


def _mark_record_starts(ax, years: list, starts: dict[str, object]) -> None:
    """A dotted line at each membership record's first date inside the years shown (bar ``i`` is
    year ``years[i]``, centred on ``i``), labelled at the top of the axes."""
    shown = {label: pd.Timestamp(d) for label, d in starts.items()
             if d is not None and years and int(years[0]) < pd.Timestamp(d).year <= int(years[-1])}
    if not shown:
        return
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + 0.18 * (hi - lo))  # headroom for the labels above the bars
    for label, d in shown.items():
        i = list(map(int, years)).index(d.year) if d.year in set(map(int, years)) else None
        if i is None:
            continue
        x = i - 0.5 + (d.day_of_year - 1) / (366 if d.is_leap_year else 365)
        ax.axvline(x, color="0.25", linestyle=":", linewidth=1.2)
        text = (f"{label} membership record starts {d:%d %b %Y}:\n"
                "the jump from here is that record starting, not more moves")
        ax.annotate(text,
                    xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(-4, -3), textcoords="offset points",
                    ha="right", va="top", fontsize=8, color="0.25")


def rank_intervals(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Mean percentile rank per move type with its 95% interval (dark) and the survivorship
    bounds (pale band); reference lines at the median and the top quartile.

    ``data``: columns ``label``, ``move``, ``mean rank``, ``ci_low``, ``ci_high``,
    ``bound: missing above``, ``bound: missing below``.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, 0.55 * len(data) + 1.8))
    y = np.arange(len(data))
    up = data["move"].str.contains("600 → S&P 400|400 → S&P 500|600 → S&P 500", regex=True).to_numpy()
    colours = np.where(up, UP_COLOURS[0], DOWN_COLOURS[0])
    ax.hlines(y, data["bound: missing above"], data["bound: missing below"], color="0.8", linewidth=9,
              label="bounds: unpriced members all above / all below")
    ax.hlines(y, data["ci_low"], data["ci_high"], color=colours, linewidth=2.2)
    ax.scatter(data["mean rank"], y, color=colours, s=36, zorder=3, label="mean rank with 95% interval")
    for val, lab in ((50, "median"), (75, "top quartile")):
        ax.axvline(val, color="0.35", linestyle="--", linewidth=0.9)
        ax.annotate(lab, xy=(val, 0.0), xycoords=("data", "axes fraction"), xytext=(3, 4), textcoords="offset points",
                    fontsize=8, color="0.3")
    ax.set_yticks(y)
    ax.set_yticklabels(data["label"], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8, loc="center right", frameon=True, framealpha=0.9, edgecolor="white")
    ax.set_xlabel("percentile rank of the return before the move among the index's members (0-100)")
    _suptitle(fig, title)
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    return fig


def event_paths(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Buy-and-hold excess returns around the move: the run-up (from the window's start) on
    the left, the months after the move (from the move) on the right.

    ``data``: columns ``segment`` (before/after), ``month``, ``median``, ``q25``, ``q75``,
    ``mean``, ``step``, ``benchmark`` (percent).
    """
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH, HEIGHT + 0.8), gridspec_kw={"width_ratios": [1.4, 1]},
                             layout="constrained")
    steps = list(dict.fromkeys(data["step"]))
    colours = dict(zip(steps, sns.color_palette(PALETTE, len(steps)), strict=False))
    for ax, seg, xl in ((axes[0], "before", "months relative to the move (run-up from the window's start)"),
                        (axes[1], "after", "months after the move")):
        sub = data.loc[data["segment"] == seg]
        for step in steps:
            s = sub.loc[sub["step"] == step].sort_values("month")
            if s.empty:
                continue
            bench = s["benchmark"].iloc[0]
            c = colours[step]
            ax.fill_between(s["month"], s["q25"], s["q75"], color=c, alpha=0.18, linewidth=0)
            ax.plot(s["month"], s["median"], color=c, linewidth=1.8, label=f"{step} vs {bench}: median")
            ax.plot(s["month"], s["mean"], color=c, linewidth=1.1, linestyle="--", label=f"{step}: mean")
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_xlabel(xl, fontsize=9)
    axes[0].axvline(0, color="0.3", linewidth=0.8, linestyle=":")
    axes[0].set_ylabel("buy-and-hold excess return (pp)")
    axes[1].set_ylabel("")
    axes[0].set_title("Before: the run-up", fontsize=10, loc="left", fontweight="normal")
    axes[1].set_title("After: from the move", fontsize=10, loc="left", fontweight="normal")
    handles, labels = axes[0].get_legend_handles_labels()
    band = plt.Rectangle((0, 0), 1, 1, color="0.6", alpha=0.3)
    if note:
        labels_note = labels + ["middle half of movers (25th-75th percentile)"]
        fig.legend(handles + [band], labels_note, loc="outside lower center", ncols=2, fontsize=8, frameon=False,
                   title=note, title_fontsize=8)
    else:
        fig.legend(handles + [band], labels + ["middle half of movers (25th-75th percentile)"],
                   loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    _suptitle(fig, title)
    return fig


def yearly_contributions(data: pd.DataFrame, *, title: str, series: tuple[str, str] | list[str] | None = None,
                         note: str | None = None):
    """Per index, grouped bars by year: the equal-weight index's return and the part of it from
    members graduating soon; hatched years have an incomplete look-ahead.

    ``data``: columns ``index``, ``year``, ``series``, ``pp``, ``complete``; ``series``: the two
    series names in bar order (default: the index's return, then members graduating within 12
    months), without the `` (look-ahead incomplete)`` tag.
    """
    indices = list(dict.fromkeys(data["index"]))
    fig, axes = plt.subplots(len(indices), 1, figsize=(WIDTH, 2.4 * len(indices) + 1.4), squeeze=False,
                             layout="constrained")
    series = list(series or ["equal-weight index return", "from members graduating within 12 months"])
    colours = dict(zip(series, ("0.65", UP_COLOURS[0]), strict=True))
    for ax, idx in zip(axes[:, 0], indices, strict=True):
        d = data.loc[data["index"] == idx].copy()
        d["series"] = d["series"].str.replace(" (look-ahead incomplete)", "", regex=False)
        years = list(dict.fromkeys(d["year"]))
        x = np.arange(len(years))
        w = 0.38
        for j, s in enumerate(series):
            v = d.loc[d["series"] == s].set_index("year").reindex(years)
            bars = ax.bar(x + (j - 0.5) * w, v["pp"], width=w, color=colours[s], label=s)
            for b, ok in zip(bars, v["complete"].fillna(True), strict=True):
                if not ok:
                    b.set_hatch("///")
                    b.set_edgecolor("white")
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_xticks(x)
        ax.set_xticklabels(years, fontsize=8)
        ax.set_ylabel("percent / pp")
        ax.set_title(idx, fontsize=10, loc="left", fontweight="normal")
    axes[-1, 0].set_xlabel("calendar year (hatched: graduations after the data's end are not yet known)")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8, frameon=False,
               title=note, title_fontsize=8)
    _suptitle(fig, title)
    return fig


def growth_paths(panels: dict[str, pd.DataFrame], titles: dict[str, str], *, title: str, note: str | None = None):
    """Growth of $1 (as cumulative percent) of portfolios per index, with the buy-and-hold
    survivorship bounds shaded.

    ``panels``: ``{index label: frame}`` with one column per portfolio (growth of $1) and the
    bound columns ``bound: missing at -100%`` and ``bound: missing earn <ETF>``.
    """
    n = len(panels)
    fig, axes = plt.subplots(n, 1, figsize=(WIDTH, 3.0 * n + 1.0), squeeze=False, layout="constrained")
    for ax, (label, frame) in zip(axes[:, 0], panels.items(), strict=True):
        bounds = [c for c in frame.columns if c.startswith("bound")]
        lines = [c for c in frame.columns if not c.startswith("bound")]
        pal = sns.color_palette(PALETTE, len(lines))
        if len(bounds) == 2:
            lo, hi = (percent(frame[b] - 1) for b in bounds)
            ax.fill_between(frame.index, np.minimum(lo, hi), np.maximum(lo, hi), color=pal[2], alpha=0.15, linewidth=0,
                            label="bought and held: unpriced names at -100% / at the ETF")
        for c, colour in zip(lines, pal, strict=True):
            ax.plot(frame.index, percent(frame[c] - 1), color=colour, linewidth=1.5, label=c)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_ylabel("cumulative return (%)")
        ax.set_title(textwrap.fill(titles.get(label, label), 95), fontsize=9.5, loc="left", fontweight="normal")
        ax.legend(fontsize=8, loc="upper left")
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    axes[-1, 0].set_xlabel("month end" + (f" ({note})" if note else ""))
    _suptitle(fig, title)
    return fig


def proxy_share(data: pd.DataFrame, *, claim: float, claim_label: str, series_label: str, title: str,
                note: str | None = None):
    """A share over time (percent) with the claim's level as a dashed line labelled at the left,
    where the early history sits far below it.

    ``data``: columns ``month`` and ``share`` (percent).
    """
    fig, ax = plt.subplots()
    ax.plot(data["month"], data["share"], color=UP_COLOURS[0], linewidth=1.4, label=series_label)
    ax.axhline(claim, color="0.2", linestyle="--", linewidth=0.9)
    ax.annotate(claim_label, xy=(0.0, claim), xycoords=("axes fraction", "data"), xytext=(4, 4),
                textcoords="offset points", ha="left", fontsize=8, color="0.2")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", fontsize=8)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return _finish(fig, ax, title, "month", "firms with earnings ≤ 0 (% of all firms)", note)


def cohort_gaps(data: pd.DataFrame, *, means: dict[str, tuple[float, float, float]], title: str,
                note: str | None = None):
    """Frozen roster minus reconstituted index, one dot per June cohort (pp over the next year),
    one row per index, with each index's mean gap and its 95% interval; a line at zero.

    ``data``: columns ``index``, ``year``, ``gap`` (pp); ``means``: ``{index: (mean, low, high)}``.
    """
    order = [k for k in ("S&P 600", "S&P 400", "S&P 500") if k in set(data["index"])]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.8 * len(order) + 1.8))
    colours = sns.color_palette(PALETTE)
    for i, k in enumerate(order):
        sub = data.loc[data["index"] == k]
        jitter = np.linspace(-0.12, 0.12, len(sub)) if len(sub) > 1 else np.zeros(len(sub))
        ax.scatter(sub["gap"], i + jitter, color=colours[i % len(colours)], s=22, alpha=0.7,
                   label="one June cohort" if i == 0 else "_")
        if k in means:
            m, lo, hi = means[k]
            ax.hlines(i + 0.3, lo, hi, color="0.15", linewidth=2.2, label="mean with 95% interval" if i == 0 else "_")
            ax.scatter([m], [i + 0.3], color="0.15", s=40, zorder=3)
    ax.axvline(0, color="0.35", linestyle="--", linewidth=0.9)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=8, loc="lower right", frameon=True, framealpha=0.9, edgecolor="white")
    ax.set_xlabel("frozen roster minus the reconstituted index over the next year (pp)")
    _suptitle(fig, title)
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    return fig
