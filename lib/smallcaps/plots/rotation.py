"""Figures of the rotation chapter (claims R1-R7).

Each function takes tidy data (frames in pp or percent), labels and a title that states the
finding (the claims compute them: ``smallcaps.claims.rotation``, each claim's ``*figure``
methods) and returns a matplotlib Figure. Nothing here knows about claims or evidence.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from . import HEIGHT, PALETTE, WIDTH, _finish

COLOURS = dict(zip(["a", "b", "c", "d", "e", "f"], sns.color_palette(PALETTE, 6), strict=False))
GROUP_COLOURS = {
    "small-cap cyclical": sns.color_palette(PALETTE)[1],
    "small-cap other": sns.color_palette(PALETTE)[9],
    "large-cap defensive": sns.color_palette(PALETTE)[0],
    "large-cap other": "0.75",
    "index": "0.25",
}


def _dates_axis(ax) -> None:
    loc = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _claimed_line(ax, level: float, label: str) -> None:
    ax.axhline(level, color="0.2", ls="--", lw=0.9)
    ax.annotate(label, xy=(0.01, level), xycoords=("axes fraction", "data"), xytext=(0, 4),
                textcoords="offset points", fontsize=8, color="0.2")


# -- R1 ----------------------------------------------------------------------------------------------


def lead_path(data: pd.DataFrame, *, claimed: float, claimed_label: str, first, last, title: str, xlabel: str,
              note: str | None = None):
    """Year-to-date spreads (pp) of small minus large caps, with the claimed lead.

    Parameters
    ----------
    data
        Wide frame indexed by date, one column (pp) per pair, named as in the legend; the first
        is the deciding pair (drawn thick).
    claimed, claimed_label
        The claimed lead (pp), drawn dashed, and its label.
    first
        ``(date, value, label)`` of the first day the deciding pair reached the claim, or None.
    last
        ``(date, value, label)`` of the reading date.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    colours = [COLOURS["a"], COLOURS["b"], COLOURS["c"]]
    for i, col in enumerate(data.columns):
        ax.plot(data.index, data[col], label=col, color=colours[i % 3], lw=2.0 if i == 0 else 1.2)
    ax.axhline(0, color="0.3", lw=0.8)
    _claimed_line(ax, claimed, claimed_label)
    if first is not None:
        d, y, label = first
        ax.plot([d], [y], marker="o", color=COLOURS["a"], ms=6, zorder=5)
        ax.annotate(label, (d, y), xytext=(8, 12), textcoords="offset points", fontsize=8, color=COLOURS["a"])
    end, value, label = last
    ax.plot([end], [value], marker="D", color=COLOURS["a"], ms=6, zorder=5)
    ax.annotate(label, (end, value), xytext=(7, -3), textcoords="offset points", ha="left", fontsize=9,
                color=COLOURS["a"], fontweight="bold")
    _dates_axis(ax)
    ax.set_xlim(right=end + pd.Timedelta(days=14))
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(0.0, 0.93))
    return _finish(fig, ax, title, xlabel, "year-to-date return spread (pp)", note)


def calendar_spreads(data: pd.DataFrame, *, labels: list[str], shade: list[str], shade_label: str, title: str,
                     note: str | None = None):
    """Calendar-year spreads (pp) of small minus large caps, one bar per pair and year.

    Parameters
    ----------
    data
        Long frame: ``year`` (label), ``pair``, ``pp``.
    labels
        Legend labels of the pairs, in their order in ``data``.
    shade, shade_label
        The years (labels) to shade, and the label of the shaded span.
    """
    years = list(dict.fromkeys(data["year"]))
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.barplot(data=data, x="year", y="pp", hue="pair", ax=ax, palette=[COLOURS["a"], COLOURS["b"]], errorbar=None,
                width=0.8)
    pos = [years.index(y) for y in shade if y in years]
    if pos:
        ax.axvspan(min(pos) - 0.5, max(pos) + 0.5, color="0.9", zorder=0)
        ax.annotate(shade_label, xy=((min(pos) + max(pos)) / 2, 1.0), xycoords=("data", "axes fraction"),
                    ha="center", va="top", fontsize=8, color="0.3")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    ax.legend(title=None, fontsize=8, loc="lower left", labels=labels)
    return _finish(fig, ax, title, "calendar year", "return spread (pp)", note)


# -- R2 ----------------------------------------------------------------------------------------------


def ousm_path(data: pd.DataFrame, *, claimed: float, claimed_label: str, marks, title: str, xlabel: str,
              note: str | None = None):
    """OUSM's year-to-date return (%) with the claimed level, beside IJR and PSCI.

    Parameters
    ----------
    data
        Wide frame indexed by date: ``OUSM``, ``IJR``, ``PSCI`` (percent).
    marks
        ``(date, value)`` of the days OUSM stood at the claimed level (dots).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    names = {"OUSM": "OUSM (small-cap quality dividend)", "IJR": "IJR (S&P 600)",
             "PSCI": "PSCI (S&P 600 industrials, a sector proxy)"}
    styles = {"OUSM": dict(color=COLOURS["a"], lw=2.0), "IJR": dict(color="0.45", lw=1.1),
              "PSCI": dict(color=COLOURS["b"], lw=1.1, ls="--")}
    for t in ["OUSM", "IJR", "PSCI"]:
        ax.plot(data.index, data[t], label=names[t], **styles[t])
    ax.axhline(0, color="0.3", lw=0.8)
    _claimed_line(ax, claimed, claimed_label)
    for d, y in marks:
        ax.plot([d], [y], marker="o", color=COLOURS["a"], ms=6, zorder=5)
    _dates_axis(ax)
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, ax, title, xlabel, "year-to-date total return (%)", note)


# -- R3 ----------------------------------------------------------------------------------------------


def quality_heatmap(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Each fund's return minus IWM (pp): one row per fund, one column per year."""
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(data) + 1.9))
    lim = float(np.nanmax(np.abs(data.values)))
    sns.heatmap(data, ax=ax, annot=True, fmt=".1f", cmap="RdBu", center=0, vmin=-lim, vmax=lim, linewidths=0.5,
                cbar_kws={"label": "return minus IWM (pp)"}, annot_kws={"fontsize": 8})
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(False)
    return _finish(fig, ax, title, "", "", note)


def french_premia(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Growth of $1 (log scale) in each monthly long-short series (columns; PeriodIndex)."""
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    colours = [COLOURS["a"], COLOURS["b"], COLOURS["c"]]
    for col, c in zip(data.columns, colours, strict=False):
        s = data[col].dropna()
        ax.plot(s.index.to_timestamp(), s.values, label=col, color=c, lw=1.6 if "profitability" in col else 1.1)
    ax.set_yscale("log")
    ax.axhline(1.0, color="0.3", lw=0.8)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    _dates_axis(ax)
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, ax, title, "month", "growth of $1 (log scale)", note)


# -- R4 ----------------------------------------------------------------------------------------------


def beta_capture(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Beta and capture ratios of each fund against IWM.

    ``data``: long frame ``fund``, ``measure``, ``ratio``.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.barplot(data=data, x="fund", y="ratio", hue="measure", ax=ax, errorbar=None,
                palette=[COLOURS["a"], COLOURS["d"], COLOURS["c"]])
    ax.axhline(1.0, color="0.2", ls="--", lw=0.9)
    ax.annotate("IWM = 1", xy=(1.0, 1.0), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                textcoords="offset points", ha="right", fontsize=8)
    ax.set_ylim(0, max(1.3, float(data["ratio"].max()) + 0.25))
    ax.legend(title=None, fontsize=8, loc="upper left", ncols=3)
    return _finish(fig, ax, title, "fund", "ratio to IWM (weekly returns)", note)


def credit_split(data: pd.DataFrame, *, groups: dict[str, str], title: str, note: str | None = None):
    """Mean excess return (pp a year) by credit regime with 95% intervals, grouped by definition.

    Parameters
    ----------
    data
        One row per (definition, regime): ``definition``, ``regime``, ``weeks``,
        ``mean excess (pp a year)``, ``ci_low``, ``ci_high``.
    groups
        Definition -> its label above its bars, in display order.
    """
    t = data.copy()
    t["label"] = t["regime"] + "\n(" + t["weeks"].astype(int).astype(str) + " weeks)"
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    colours = {"calm": COLOURS["c"], "stressed": COLOURS["d"], "narrowing": COLOURS["c"], "widening": COLOURS["d"]}
    offsets = {d: 0.6 * i for i, d in enumerate(groups)}
    x = np.arange(len(t)) + np.array([offsets.get(d, 0.0) for d in t["definition"]])
    ax.bar(x, t["mean excess (pp a year)"], color=[colours.get(r, "0.5") for r in t["regime"]], width=0.7)
    for xi, (_, row) in zip(x, t.iterrows(), strict=True):
        if pd.notna(row["ci_low"]) and pd.notna(row["ci_high"]):
            ax.plot([xi, xi], [row["ci_low"], row["ci_high"]], color="0.15", lw=1.2)
    ax.set_xticks(x)
    ax.set_xticklabels(t["label"], fontsize=8)
    ax.axhline(0, color="0.3", lw=0.8)
    hi, lo = t["ci_high"].max(), t["ci_low"].min()
    if pd.notna(hi) and pd.notna(lo):
        ax.set_ylim(top=float(hi) + 0.25 * float(hi - lo))
    for d, label in groups.items():
        xs = x[(t["definition"] == d).to_numpy()]
        if len(xs):
            ax.annotate(label, xy=(xs.mean(), 1.0), xycoords=("data", "axes fraction"), ha="center", va="top",
                        fontsize=8, color="0.3")
    return _finish(fig, ax, title, "credit regime at the start of the week", "basket minus IWM (pp a year)", note)


# -- R5 ----------------------------------------------------------------------------------------------


def pair_distribution(data: pd.DataFrame, *, claimed: dict[str, float], title: str, note: str | None = None,
                      marks: dict[str, float] | None = None):
    """Distribution of rolling pair returns (%) per window length, with the claimed targets.

    ``data``: long frame ``pair return (%)``, ``window``; ``claimed``: label -> level (%);
    ``marks``: label -> a realised return (%) drawn as a dotted line (e.g. the trade from the
    claim's date).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.histplot(data=data, x="pair return (%)", hue="window", ax=ax, stat="percent", common_norm=False, bins=60,
                 element="step", fill=True, alpha=0.3, palette=[COLOURS["a"], COLOURS["b"]])
    # labels of nearby levels never overprint: the lowest level's label sits left of its line, the
    # others right of theirs, each a line lower than the one before; the marks' labels go below them
    levels = sorted(claimed.items(), key=lambda kv: kv[1])
    for i, (label, lvl) in enumerate(levels):
        left = i == 0 and len(levels) > 1
        ax.axvline(lvl, color="0.2", ls="--", lw=0.9)
        ax.annotate(label, xy=(lvl, 1.0), xycoords=("data", "axes fraction"), xytext=(-3 if left else 3, -12 - 11 * i),
                    textcoords="offset points", fontsize=8, ha="right" if left else "left")
    below = -12 - 11 * len(levels)
    for j, (label, lvl) in enumerate((marks or {}).items()):
        ax.axvline(lvl, color=COLOURS["d"], ls=":", lw=1.4)
        ax.annotate(label, xy=(lvl, 1.0), xycoords=("data", "axes fraction"), xytext=(3, below - 11 * j),
                    textcoords="offset points", fontsize=8, color=COLOURS["d"])
    ax.axvline(0, color="0.3", lw=0.8)
    leg = ax.get_legend()
    if leg is not None:
        leg.set_title("")
    return _finish(fig, ax, title, "return of the quality basket minus IWM over the window (%)",
                   "share of windows (%)", note)


# -- R6 ----------------------------------------------------------------------------------------------


def event_paths(data: pd.DataFrame, *, move_from: int, move_label: str, window_end: int, window_label: str,
                title: str, xlabel: str, note: str | None = None):
    """Mean cumulative paths (pp) around events, indexed by offset from the event day.

    ``data`` has one column per line (named as in the legend): the first three are quality minus
    junk around each kind of event (the third, pooled, dashed), a fourth the size rotation.
    ``move_from``..0 is shaded (the move that triggered the event); ``window_end`` is marked.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    styles = [dict(color=COLOURS["a"], lw=1.6), dict(color=COLOURS["d"], lw=1.6), dict(color="0.3", lw=1.0, ls="--"),
              dict(color=COLOURS["e"], lw=1.3, ls="-.")]
    for col, st in zip(data.columns, styles, strict=False):
        ax.plot(data.index, data[col], label=col, **st)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axvspan(move_from, 0, color="0.92", zorder=0)
    ax.annotate(move_label, xy=(move_from / 2, 1.0), xycoords=("data", "axes fraction"), ha="center", va="top",
                fontsize=8, color="0.3")
    ax.axvline(window_end, color="0.5", ls=":", lw=0.9)
    ax.annotate(window_label, xy=(window_end, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                textcoords="offset points", fontsize=8, color="0.3")
    ax.legend(loc="lower left", fontsize=8)
    return _finish(fig, ax, title, xlabel, "cumulative return difference (pp)", note)


def _regime_bars(ax, data: pd.DataFrame, y: str) -> None:
    """Bars of ``y`` by ``series`` and ``credit`` (calm, stressed) with their intervals."""
    sns.barplot(data=data, x="series", y=y, hue="credit", ax=ax, errorbar=None,
                palette={"calm": COLOURS["c"], "stressed": COLOURS["d"]}, hue_order=["calm", "stressed"], width=0.6)
    # error bars at each bar's known position: series i at i, hue level j of 2 at its slot in the 0.6 width
    xs = list(dict.fromkeys(data["series"]))
    for j, h in enumerate(["calm", "stressed"]):
        for i, s in enumerate(xs):
            row = data[(data["credit"] == h) & (data["series"] == s)]
            if row.empty or pd.isna(row["ci_low"].iloc[0]) or pd.isna(row[y].iloc[0]):
                continue
            xc = i + (j + 0.5) * 0.6 / 2 - 0.3
            ax.plot([xc, xc], [row["ci_low"].iloc[0], row["ci_high"].iloc[0]], color="0.15", lw=1.2)


def run_lengths(data: pd.DataFrame, *, null: float | None, title: str, note: str | None = None):
    """Mean length (months) of leadership runs by credit regime at their start, with intervals,
    against the run an independent coin with the same odds would give.

    ``data``: one row per (series, credit): ``series``, ``credit`` (calm/stressed), ``mean length``,
    ``ci_low``, ``ci_high``; ``null``: the independent coin's mean run (months; dashed line).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    _regime_bars(ax, data, "mean length")
    top = float(np.nanmax(data[["mean length", "ci_high"]].to_numpy(dtype=float)))
    if null is not None:
        ax.axhline(null, color="0.2", ls="--", lw=0.9)
        ax.annotate(f"independent coin: {null:.1f} months", xy=(1.0, null), xycoords=("axes fraction", "data"),
                    xytext=(-4, 4), textcoords="offset points", ha="right", fontsize=8)
        top = max(top, null)
    ax.set_ylim(0, top + 0.8)
    ax.legend(title="credit at the run's start", fontsize=8, title_fontsize=8, loc="upper left")
    return _finish(fig, ax, title, "", "mean run of positive months (months)", note)


def continuation_bars(data: pd.DataFrame, *, title: str, ylabel: str, note: str | None = None):
    """Continuation after a lead, by series and credit regime, with intervals.

    ``data``: one row per (series, credit): ``series``, ``credit`` (calm/stressed),
    ``continuation (pp)`` (the return after a lead minus after a lag), ``ci_low``, ``ci_high``.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    _regime_bars(ax, data, "continuation (pp)")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.legend(title="credit at the end of the lead", fontsize=8, title_fontsize=8, loc="upper left")
    return _finish(fig, ax, title, "", ylabel, note)


# -- R7 ----------------------------------------------------------------------------------------------


def sector_bars(data: pd.DataFrame, *, groups, title: str, xlabel: str, note: str | None = None):
    """Year-to-date return (%) of every sector ETF, one horizontal bar each, coloured by group.

    ``data``: ``label``, ``return (%)``, ``group`` (one of ``groups``), sorted as drawn top down.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, 0.26 * len(data) + 1.6))
    ax.barh(data["label"], data["return (%)"], color=[GROUP_COLOURS[g] for g in data["group"]])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.tick_params(axis="y", labelsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=GROUP_COLOURS[g]) for g in groups]
    ax.legend(handles, list(groups), fontsize=8, loc="lower right")
    ax.grid(axis="y", visible=False)
    return _finish(fig, ax, title, xlabel, "", note)
