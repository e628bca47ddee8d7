"""Figures of the momentum chapter (claims M1-M5).

Each function takes tidy frames (the keyword arguments of a claim's figure methods in
:mod:`smallcaps.claims.momentum`) and a title that states the finding, labels its axes with
units, and returns a matplotlib Figure. A claim decides when there is no figure
(``claim.plot(draw)`` returns a note instead); :func:`show` displays either.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from . import (
    PALETTE,
    WIDTH,
    _finish,
    shade,
    show,  # noqa: F401  (re-exported: the shared show displays a figure or a note)
)

ADVERSE, FAVOURABLE = "#d95f02", "#1b7837"
HIGHLIGHT = {"XSMO": "#0072b2", "IJR": "#7f7f7f", "IJT": "#e69f00"}


def _pointrange(ax, data: pd.DataFrame, y: str, x: str, lo: str, hi: str, hue: str | None, order: list,
                colours: dict | None = None, hue_order: list | None = None, dodge: float = 0.22) -> None:
    """Dots with horizontal interval whiskers, one row per ``y`` value, dodged by ``hue``."""
    levels = hue_order or (list(dict.fromkeys(data[hue])) if hue else [None])
    colours = colours or dict(zip(levels, sns.color_palette(PALETTE, len(levels)), strict=False))
    k = len(levels)
    offsets = np.linspace(-dodge, dodge, k) if k > 1 else [0.0]
    pos = {v: i for i, v in enumerate(order)}
    for off, lev in zip(offsets, levels, strict=True):
        sub = data if lev is None else data[data[hue] == lev]
        ys = np.array([pos[v] for v in sub[y]], dtype=float) + off
        ax.hlines(ys, sub[lo], sub[hi], color=colours[lev], linewidth=1.6)
        ax.plot(sub[x], ys, "o", color=colours[lev], markersize=5, label=lev)
    ax.set_yticks(range(len(order)))
    ax.set_yticklabels(order)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.grid(axis="y", visible=False)


def _plain_log_axis(ax) -> None:
    """Log-scale y axis labelled with plain numbers (1, 2, 5, 10...) rather than powers of ten."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())


# -- M1, M2 -----------------------------------------------------------------------------------------------


def peer_gaps(gaps: pd.DataFrame, *, title: str, note: str | None = None) -> Figure:
    """XSMO's annualised log-return gap over each peer with 95% intervals, one colour per window.

    ``gaps``: tidy ``window``, ``peer``, ``gap``, ``ci_low``, ``ci_high`` (pp a year; peers
    without a gap are left out).
    """
    g = gaps.dropna(subset=["gap"])
    order = list(dict.fromkeys(g["peer"]))
    windows = list(dict.fromkeys(g["window"]))
    fig, ax = plt.subplots(figsize=(WIDTH, max(3.2, 0.36 * len(order) + 1.6)))
    _pointrange(ax, g, "peer", "gap", "ci_low", "ci_high", "window", order, hue_order=windows)
    ax.legend(title=None, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=len(windows))
    return _finish(fig, ax, title, "XSMO minus peer, annualised log-return gap (pp a year, 95% Newey-West noise band)",
                   "peer", note)


def growth_since(frame: pd.DataFrame, *, title: str, switch: pd.Timestamp | None = None,
                 note: str | None = None) -> Figure:
    """Growth of $1 (log scale) per fund from a common start, XSMO's pre-switch years shaded.

    ``frame``: tidy ``date``, ``fund``, ``growth``; ``switch``: the first day of XSMO's momentum index.
    """
    fig, ax = plt.subplots()
    funds = list(dict.fromkeys(frame["fund"]))
    colours = {f: HIGHLIGHT.get(f, c) for f, c in zip(funds, sns.color_palette(PALETTE, len(funds)), strict=False)}
    sns.lineplot(data=frame, x="date", y="growth", hue="fund", palette=colours, ax=ax, linewidth=1.4, errorbar=None)
    ax.set_yscale("log")
    handles, labels = ax.get_legend_handles_labels()
    if switch is not None and frame["date"].min() < switch:
        ax.axvspan(frame["date"].min(), switch, color="0.93", linewidth=0, zorder=0)
        ax.axvline(switch, color="0.3", linestyle="--", linewidth=0.9)
        ax.annotate("XSMO tracked a\ngrowth index", xy=(frame["date"].min(), 1.0), xycoords=("data", "axes fraction"),
                    xytext=(6, -6), textcoords="offset points", va="top", fontsize=8, color="0.3")
        ax.annotate(f"switch to momentum\n{switch.date()}", xy=(switch, 0.05), xycoords=("data", "axes fraction"),
                    xytext=(6, 0), textcoords="offset points", fontsize=8, color="0.3")
    ax.legend(handles, labels, title=None, fontsize=8, loc="upper left", bbox_to_anchor=(0.22, 1.0))
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    _plain_log_axis(ax)
    return _finish(fig, ax, title, "date", "growth of $1 (log scale, total return)", note)


# -- M3 ---------------------------------------------------------------------------------------------------


def cumulative_by_state(frame: pd.DataFrame, down: pd.Series, *, title: str, note: str | None = None) -> Figure:
    """Growth of $1 in small- and big-cap momentum (log scale), down-market months shaded.

    ``frame``: tidy ``date``, ``series``, ``growth``; ``down``: boolean by the same dates.
    """
    fig, ax = plt.subplots()
    sns.lineplot(data=frame, x="date", y="growth", hue="series", ax=ax, linewidth=1.3, errorbar=None,
                 palette={"small-cap momentum": "#0072b2", "big-cap momentum": "#999999"})
    ax.set_yscale("log")
    shade(ax, down.astype("boolean").fillna(False), color="#fdd0a2", alpha=0.8, label="down-market state")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, labels, title=None, fontsize=8, loc="upper left")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    _plain_log_axis(ax)
    return _finish(fig, ax, title, "month", "growth of $1 (log scale)", note)


def regime_means(frame: pd.DataFrame, *, title: str, note: str | None = None) -> Figure:
    """Mean momentum return in each regime state with 95% HAC intervals, small- and big-cap side by side.

    ``frame``: tidy ``regime``, ``state``, ``side`` (adverse/favourable), ``series``, ``mean``,
    ``ci_low``, ``ci_high`` in pp a year.
    """
    f = frame.assign(row=frame["regime"] + ": " + frame["state"])
    order = list(dict.fromkeys(f["row"]))
    series = list(dict.fromkeys(f["series"]))
    fig, axes = plt.subplots(1, len(series), figsize=(WIDTH, max(3.6, 0.36 * len(order) + 2.0)), sharey=True,
                             sharex=True)
    axes = np.atleast_1d(axes)
    for ax, s in zip(axes, series, strict=True):
        sub = f[f["series"] == s]
        _pointrange(ax, sub, "row", "mean", "ci_low", "ci_high", "side", order,
                    colours={"adverse": ADVERSE, "favourable": FAVOURABLE}, hue_order=["adverse", "favourable"],
                    dodge=0)
        ax.set_title(s, fontsize=10, fontweight="normal", loc="center")
        ax.set_xlabel("")
    axes[0].set_ylabel("")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower right", ncols=2, fontsize=8, frameon=False, bbox_to_anchor=(1.0, 0.0))
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", wrap=True)
    fig.supxlabel("mean return by regime state (pp a year, 95% HAC CI)", fontsize=10, x=0.02, ha="left")
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.0, 1, 0.97))
    return fig


def breadth_and_spread(breadth: pd.DataFrame, relative: pd.Series, narrowing: pd.Series, *, title: str,
                       ma_days: int = 200, note: str | None = None) -> Figure:
    """Top: share of members above their ``ma_days``-day moving average (percent). Bottom: XSMO
    relative to IJR since its index switch (percent), with S&P 600 narrowing-breadth days shaded.

    ``breadth``: tidy ``date``, ``index``, ``share`` (percent); ``relative``: cumulative XSMO
    over IJR (percent) on trading days; ``narrowing``: boolean on the same days.
    """
    fig, (top, bot) = plt.subplots(2, 1, figsize=(WIDTH, 5.6), sharex=True, height_ratios=(1.1, 1))
    if len(relative):
        breadth = breadth[breadth["date"] >= relative.index[0]]
    levels = [x for x in ("S&P 400 (proxy)", "S&P 600") if x in set(breadth["index"])]
    sns.lineplot(data=breadth, x="date", y="share", hue="index", hue_order=levels, ax=top, linewidth=1.0,
                 errorbar=None, palette={"S&P 600": "#0072b2", "S&P 400 (proxy)": "#b0b0b0"})
    top.axhline(50, color="0.3", linewidth=0.7, linestyle=":")
    top.set_ylabel(f"members above their\n{ma_days}-day average (%)")
    top.set_xlabel("")
    top.legend(title=None, fontsize=8, loc="lower left", ncols=2)
    top.set_title(title, wrap=True)
    if len(relative):
        bot.plot(relative.index, relative.values, color="#0072b2", linewidth=1.2, label="XSMO relative to IJR")
        shade(bot, narrowing.reindex(relative.index).astype("boolean").fillna(False), color="#fdd0a2", alpha=0.8,
              label="S&P 600 breadth narrowing")
        bot.axhline(0, color="0.3", linewidth=0.8)
        bot.legend(fontsize=8, loc="upper left")
    bot.set_ylabel("XSMO over IJR since\nthe index switch (%)")
    bot.set_xlabel("date")
    bot.xaxis.set_major_formatter(mdates.ConciseDateFormatter(bot.xaxis.get_major_locator()))
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    return fig


# -- M4, M5 -----------------------------------------------------------------------------------------------


def effects(frame: pd.DataFrame, *, title: str, note: str | None = None) -> Figure:
    """Alpha and one-standard-deviation effects of each regressor with 95% HAC intervals
    (pp a year, the unit of the regression table): tidy ``term``, ``effect``, ``ci_low``,
    ``ci_high``."""
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.8, 0.45 * len(frame) + 1.6)))
    f = frame.assign(kind=np.where(frame["term"].str.startswith("alpha"), "alpha", "slope x 1 SD"))
    _pointrange(ax, f, "term", "effect", "ci_low", "ci_high", "kind", list(f["term"]),
                colours={"alpha": "#0072b2", "slope x 1 SD": "#555555"}, hue_order=["alpha", "slope x 1 SD"], dodge=0)
    ax.legend(title=None, fontsize=8, loc="lower right")
    return _finish(fig, ax, title, "small-cap momentum, pp a year (95% HAC CI)", "", note)


def leadership_means(frame: pd.DataFrame, *, title: str, series: str = "small-cap momentum",
                     note: str | None = None) -> Figure:
    """Mean of ``series`` (SMB or small-cap momentum) by leadership state and, within months after
    leading, by the month's yield move (pp a year, 95% HAC CI): tidy ``comparison``, ``state``,
    ``label``, ``mean``, ``ci_low``, ``ci_high``."""
    f = frame.assign(row=frame["label"])
    order = list(f["row"])
    colours = {"leading": "#0072b2", "lagging": "#999999", "rising": ADVERSE, "falling": FAVOURABLE}
    fig, ax = plt.subplots(figsize=(WIDTH, 3.4))
    _pointrange(ax, f, "row", "mean", "ci_low", "ci_high", "state", order, colours=colours,
                hue_order=list(dict.fromkeys(f["state"])), dodge=0)
    if f["comparison"].nunique() > 1:
        ax.axhline(f["comparison"].ne(f["comparison"].iloc[0]).idxmax() - 0.5, color="0.75", linewidth=0.8)
    return _finish(fig, ax, title, f"{series}, mean return (pp a year, 95% HAC CI)", "", note)
