"""Figures: seaborn, one function per kind of figure, defaults already right for book width.

Every function takes tidy data (a long DataFrame) and column names, labels both axes with
units, and takes a ``title`` that should state the finding (the chapter computes it).
Functions return the matplotlib Figure; notebooks display it and close it.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # headless: notebooks and the runner never need a display

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

WIDTH, HEIGHT = 8.0, 4.2  # inches: fills the book's content column at 100 dpi
PALETTE = "colorblind"
VERDICT_COLOURS = {
    "supported": "#1b9e77",
    "partly supported": "#e6ab02",
    "not supported": "#d95f02",
    "untestable with available data": "#9e9e9e",
    "missing": "#ffffff",
}


def theme() -> None:
    """Apply the book's figure style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.95)
    plt.rcParams.update({
        "figure.figsize": (WIDTH, HEIGHT), "figure.dpi": 100, "savefig.dpi": 100,
        "axes.titlesize": 12, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
        "figure.autolayout": False, "svg.hashsalt": "smallcaps",
    })


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, note: str | None = None):
    ax.set_title(title, wrap=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04 if note else 0, 1, 1))
    return fig


def lines(data: pd.DataFrame, x: str, y: str, hue: str | None = None, *, title: str, xlabel: str, ylabel: str,
          zero_line: bool = True, hlines: dict[str, float] | None = None, note: str | None = None,
          logy: bool = False, ax=None):
    """Line chart of ``y`` against ``x`` (one line per ``hue``), with optional reference lines.

    ``hlines`` maps a label to a y value (drawn dashed, labelled at the right edge).
    """
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    sns.lineplot(data=data, x=x, y=y, hue=hue, ax=ax, linewidth=1.4, errorbar=None)
    if zero_line:
        ax.axhline(0, color="0.3", linewidth=0.8)
    for label, val in (hlines or {}).items():
        ax.axhline(val, color="0.2", linestyle="--", linewidth=0.9)
        ax.annotate(label, xy=(1.0, val), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                    textcoords="offset points", ha="right", fontsize=8, color="0.2")
    if logy:
        ax.set_yscale("log")
    if hue is not None and ax.get_legend() is not None:
        ax.legend(title=None, ncols=min(4, data[hue].nunique()), loc="best", fontsize=8)
    if np.issubdtype(data[x].dtype, np.datetime64):
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return _finish(fig, ax, title, xlabel, ylabel, note)


def bars(data: pd.DataFrame, x: str, y: str, hue: str | None = None, *, title: str, xlabel: str, ylabel: str,
         ci: tuple[str, str] | None = None, horizontal: bool = False, note: str | None = None,
         hlines: dict[str, float] | None = None, ax=None):
    """Bar chart of ``y`` by ``x`` (grouped by ``hue``), with error bars from the ``ci``
    columns (low, high) when given."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    if horizontal:
        sns.barplot(data=data, y=x, x=y, hue=hue, ax=ax, errorbar=None, orient="h")
    else:
        sns.barplot(data=data, x=x, y=y, hue=hue, ax=ax, errorbar=None)
    if ci is not None:
        lo, hi = ci
        # one error bar per drawn bar, in drawing order
        for patch, (_, row) in zip(_bars_in_order(ax), _rows_in_bar_order(data, x, hue), strict=False):
            if pd.isna(row[lo]) or pd.isna(row[hi]):
                continue
            if horizontal:
                yc = patch.get_y() + patch.get_height() / 2
                ax.plot([row[lo], row[hi]], [yc, yc], color="0.15", linewidth=1.2)
            else:
                xc = patch.get_x() + patch.get_width() / 2
                ax.plot([xc, xc], [row[lo], row[hi]], color="0.15", linewidth=1.2)
    (ax.axvline if horizontal else ax.axhline)(0, color="0.3", linewidth=0.8)
    for label, val in (hlines or {}).items():
        (ax.axvline if horizontal else ax.axhline)(val, color="0.2", linestyle="--", linewidth=0.9)
        if not horizontal:
            ax.annotate(label, xy=(1.0, val), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                        textcoords="offset points", ha="right", fontsize=8, color="0.2")
    if hue is not None and ax.get_legend() is not None:
        ax.legend(title=None, fontsize=8)
    if not horizontal and data[x].nunique() > 8:
        ax.tick_params(axis="x", labelrotation=45)
    return _finish(fig, ax, title, xlabel if not horizontal else ylabel, ylabel if not horizontal else xlabel, note)


def _bars_in_order(ax):
    return [p for p in ax.patches if p.get_height() == p.get_height() and (p.get_width() != 0 or p.get_height() != 0)]


def _rows_in_bar_order(data, x, hue):
    # seaborn draws hue level by hue level, each across the x categories
    if hue is None:
        return list(data.iterrows())
    out = []
    xs = list(dict.fromkeys(data[x]))
    for h in dict.fromkeys(data[hue]):
        for xv in xs:
            sub = data[(data[hue] == h) & (data[x] == xv)]
            if len(sub):
                out.append((sub.index[0], sub.iloc[0]))
    return out


def shade(ax, mask: pd.Series, *, color: str = "0.85", label: str | None = None, alpha: float = 0.6) -> None:
    """Shade the x-ranges where boolean ``mask`` is true (e.g. a regime)."""
    m = mask.fillna(False).astype(bool)
    if not m.any():
        return
    idx = m.index
    starts = idx[m & ~m.shift(1, fill_value=False)]
    ends = idx[m & ~m.shift(-1, fill_value=False)]
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        ax.axvspan(s, e, color=color, alpha=alpha, linewidth=0, label=label if i == 0 else None, zorder=0)


def heatmap(data: pd.DataFrame, *, title: str, xlabel: str, ylabel: str, fmt: str = ".1f", cmap: str = "RdBu",
            center: float | None = 0.0, cbar_label: str = "", annot: bool = True, note: str | None = None):
    """Annotated heatmap of a wide table (rows by columns)."""
    fig, ax = plt.subplots(figsize=(WIDTH, max(2.5, 0.35 * len(data) + 1.5)))
    sns.heatmap(data, ax=ax, annot=annot, fmt=fmt, cmap=cmap, center=center, linewidths=0.5,
                cbar_kws={"label": cbar_label}, annot_kws={"fontsize": 8})
    return _finish(fig, ax, title, xlabel, ylabel, note)


def scatter(data: pd.DataFrame, x: str, y: str, *, title: str, xlabel: str, ylabel: str, hue: str | None = None,
            fit: bool = True, highlight: dict | None = None, note: str | None = None):
    """Scatter with an OLS line; ``highlight`` = {"label": (x, y)} marks points (e.g. today)."""
    fig, ax = plt.subplots()
    sns.scatterplot(data=data, x=x, y=y, hue=hue, ax=ax, s=14, alpha=0.6, edgecolor=None)
    if fit:
        sns.regplot(data=data, x=x, y=y, ax=ax, scatter=False, ci=None, color="0.2", line_kws={"linewidth": 1.2})
    for label, (hx, hy) in (highlight or {}).items():
        ax.scatter([hx], [hy], s=60, color="#d95f02", zorder=5, marker="D")
        ax.annotate(label, (hx, hy), xytext=(6, 6), textcoords="offset points", fontsize=9, color="#d95f02")
    return _finish(fig, ax, title, xlabel, ylabel, note)


def timeline(data: pd.DataFrame, *, label: str = "label", group: str = "group", first: str = "first",
             last: str = "last", title: str, xlabel: str = "date", note: str | None = None):
    """Horizontal bars from ``first`` to ``last`` per ``label``, coloured by ``group``
    (data coverage at a glance)."""
    n = len(data)
    fig, ax = plt.subplots(figsize=(WIDTH, max(3.0, 0.28 * n + 1.2)))
    groups = list(dict.fromkeys(data[group]))
    colours = dict(zip(groups, sns.color_palette(PALETTE, len(groups)), strict=False))
    for i, row in enumerate(data.itertuples(index=False)):
        r = row._asdict()
        ax.plot([r[first], r[last]], [i, i], color=colours[r[group]], linewidth=6, solid_capstyle="butt")
    ax.set_yticks(range(n))
    ax.set_yticklabels(data[label], fontsize=8)
    ax.invert_yaxis()
    handles = [plt.Line2D([], [], color=colours[g], linewidth=6) for g in groups]
    ax.legend(handles, groups, loc="upper center", bbox_to_anchor=(0.5, -0.35 / max(HEIGHT, 0.28 * n + 1.2)), fontsize=8,
              ncols=min(3, len(groups)))
    ax.grid(axis="y", visible=False)
    return _finish(fig, ax, title, xlabel, "", note)


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes (no timestamp metadata, so identical figures give identical bytes)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def verdict_grid(table: pd.DataFrame, *, title: str, row: str = "thesis", note: str | None = None):
    """A grid of claims coloured by verdict: one row per ``row`` value (a thesis), one cell per
    claim.

    ``table`` has an index of claim ids and columns ``row`` and ``verdict``.
    """
    if row != "thesis":
        table = table.drop(columns="thesis", errors="ignore").rename(columns={row: "thesis"})
    theses = list(dict.fromkeys(table["thesis"]))
    width = max((table["thesis"] == t).sum() for t in theses)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.75 * len(theses) + 1.6))
    for i, thesis in enumerate(theses):
        sub = table[table["thesis"] == thesis]
        for j, (cid, row) in enumerate(sub.iterrows()):
            colour = VERDICT_COLOURS.get(row["verdict"], "#ffffff")
            ax.add_patch(plt.Rectangle((j, i), 0.94, 0.86, facecolor=colour, edgecolor="0.3", linewidth=0.8))
            ax.text(j + 0.47, i + 0.43, cid, ha="center", va="center", fontsize=10, fontweight="bold",
                    color="white" if row["verdict"] in ("supported", "not supported") else "0.1")
    ax.set_xlim(0, width)
    ax.set_ylim(len(theses), 0)
    ax.set_yticks([i + 0.43 for i in range(len(theses))])
    ax.set_yticklabels(theses)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="0.3") for c in VERDICT_COLOURS.values()]
    ax.legend(handles, list(VERDICT_COLOURS), loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=3, fontsize=8)
    return _finish(fig, ax, title, "", "", note)


def specification_curve(data: pd.DataFrame, *, x: str, y: str, low: str, high: str, verdict: str,
                        panel: dict[str, list], title: str, ylabel: str, xlabel: str,
                        highlight: tuple[float, float] | None = None, note: str | None = None):
    """A specification curve (Simonsohn, Simmons and Nelson 2020): estimates sorted along ``x``
    with their intervals (``low`` to ``high``), coloured by verdict; ``highlight`` = (x, y)
    marks the published specification. Beneath, one row per choice (``panel``: label -> the x
    positions of the specifications that made it)."""
    rows = max(1, len(panel))
    ph = 0.2 * rows + 0.35
    fig = plt.figure(figsize=(WIDTH, HEIGHT + ph))
    gs = fig.add_gridspec(2, 1, height_ratios=[HEIGHT, ph], hspace=0.06)
    ax = fig.add_subplot(gs[0])
    axp = fig.add_subplot(gs[1], sharex=ax)
    size = 14 if len(data) <= 60 else 6
    for v, colour in VERDICT_COLOURS.items():
        sub = data[data[verdict] == v]
        if sub.empty:
            continue
        ci = sub.dropna(subset=[low, high])
        if len(ci):
            ax.vlines(ci[x], ci[low], ci[high], color=colour, alpha=0.35, linewidth=0.8)
        ax.scatter(sub[x], sub[y], color=colour, s=size, label=v, zorder=3, edgecolor="none")
    if highlight is not None:
        ax.scatter([highlight[0]], [highlight[1]], marker="D", s=70, facecolor="none", edgecolor="black",
                   linewidth=1.4, zorder=4, label="published verdict")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.legend(loc="upper left", fontsize=8, ncols=2)
    ax.set_title(title, wrap=True)
    ax.set_ylabel(ylabel)
    ax.tick_params(axis="x", labelbottom=False)
    ax.set_xlabel("")
    labels = list(panel)
    for i, label in enumerate(labels):
        xs = panel[label]
        axp.scatter(xs, [i] * len(xs), marker="|", s=40, color="0.2", linewidth=0.8)
    axp.set_yticks(range(len(labels)))
    axp.set_yticklabels(labels, fontsize=7)
    axp.set_ylim(len(labels) - 0.5, -0.5)
    axp.grid(axis="x", visible=False)
    axp.set_xlabel(xlabel)
    if note:
        fig.text(0.01, 0.01, note, fontsize=8, color="0.35", ha="left", va="bottom", wrap=True)
    fig.subplots_adjust(left=0.3, right=0.98, top=0.9, bottom=0.45 / (HEIGHT + ph) * 2.2)
    return fig


def show(fig) -> None:
    """Display a figure in the notebook as PNG and free it (no figure leaks between cells); given
    a string instead (a chapter's note on why there is no figure, e.g. a re-run window without
    the data), display the note in italics.

    Rendering explicitly (rather than relying on the inline backend) makes the output the same
    under papermill, nbval and Jupyter.
    """
    from IPython.display import Image, display

    from ..display import Text

    if isinstance(fig, str):
        display(Text(f"*No figure: {fig}*"))
        return
    if isinstance(fig, Text):  # a chapter's own note, already worded
        display(fig)
        return
    display(Image(data=png_bytes(fig), format="png"))
    plt.close(fig)
