"""Figures: seaborn, one function per kind of figure, defaults already right for book width.

Every function takes tidy data (a long DataFrame) and column names, labels both axes with
units, and takes a ``title`` that should state the finding (the chapter computes it).
Functions return the matplotlib Figure; a chapter shows it numbered and captioned with
``ch.figure(fig, name=..., caption=...)`` (SVG, alt text from the title), or with :func:`show`.

Figures are drawn 6.4 inches wide with 10-11 pt text, so that on a 390 px phone screen the text
is still about 9 CSS pixels (tapping a figure opens it at full size); PNGs are written at 200 dpi.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # headless: notebooks and the runner never need a display

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

WIDTH, HEIGHT = 6.4, 3.9  # inches: the book's column on a desktop, still legible scaled to a phone
DPI = 200  # PNG resolution (sharp on high-density screens)
PALETTE = "colorblind"
#: Behind a reference line's label, so a series crossing it never strikes the text through.
LABEL_BOX = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
VERDICT_COLOURS = {
    "supported": "#1b9e77",
    "partly supported": "#e6ab02",
    "inconclusive": "#56b4e9",
    "not supported": "#d95f02",
    "untestable with available data": "#9e9e9e",
    "missing": "#ffffff",
}


def theme() -> None:
    """Apply the book's figure style (call once per notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.95)
    plt.rcParams.update({
        "figure.figsize": (WIDTH, HEIGHT), "figure.dpi": 100, "savefig.dpi": DPI,
        "axes.titlesize": 11.5, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "axes.labelsize": 10.5, "xtick.labelsize": 10, "ytick.labelsize": 10, "legend.fontsize": 9.5,
        "axes.spines.top": False, "axes.spines.right": False, "legend.frameon": False,
        "figure.autolayout": False, "svg.hashsalt": "smallcaps", "savefig.facecolor": "white",
    })


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, note: str | None = None):
    ax.set_title(title, wrap=True)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if note:
        fig.text(0.01, 0.01, note, fontsize=9, color="0.35", ha="left", va="bottom", wrap=True)
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
                    textcoords="offset points", ha="right", fontsize=9, color="0.2", bbox=LABEL_BOX)
    if logy:
        ax.set_yscale("log")
    if hue is not None and ax.get_legend() is not None:
        ax.legend(title=None, ncols=min(4, data[hue].nunique()), loc="best", fontsize=9)
    if np.issubdtype(data[x].dtype, np.datetime64):
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return _finish(fig, ax, title, xlabel, ylabel, note)


def _levels(values: pd.Series, given=None) -> list:
    """Category levels in seaborn's default order: a Categorical's categories, sorted numbers, else
    order of first appearance (missing values dropped)."""
    if given is not None:
        return list(given)
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    uniq = pd.unique(values.dropna())
    return sorted(uniq) if pd.api.types.is_numeric_dtype(values) else list(uniq)


def bars(data: pd.DataFrame, x: str, y: str, hue: str | None = None, *, title: str, xlabel: str, ylabel: str,
         ci: tuple[str, str] | None = None, horizontal: bool = False, note: str | None = None,
         hlines: dict[str, float] | None = None, order=None, hue_order=None, ax=None):
    """Bar chart of ``y`` by ``x`` (grouped by ``hue``), with error bars from the ``ci``
    columns (low, high) when given.

    The categories sit at 0, 1, ... in ``order`` (default: seaborn's), and each ``hue`` level at
    its fixed offset inside the category's 0.8 width, so every error bar is drawn at its row's
    known position (a bar or interval with a missing value is left out; the others keep their
    places)."""
    fig, ax = (ax.figure, ax) if ax is not None else plt.subplots()
    order = _levels(data[x], order)
    hue_order = _levels(data[hue], hue_order) if hue is not None else None
    width = 0.8
    if horizontal:
        sns.barplot(data=data, y=x, x=y, hue=hue, order=order, hue_order=hue_order, width=width, ax=ax,
                    errorbar=None, orient="h")
    else:
        sns.barplot(data=data, x=x, y=y, hue=hue, order=order, hue_order=hue_order, width=width, ax=ax,
                    errorbar=None)
    if ci is not None:
        lo, hi = ci
        rows = data[data[x].isin(order) & data[[y, lo, hi]].notna().all(axis=1)]
        if hue_order is not None and hue != x:  # dodged: level j of n sits at its slot in the category
            rows = rows[rows[hue].isin(hue_order)]
            n = len(hue_order)
            slot = rows[hue].map({h: (j + 0.5) * width / n - width / 2 for j, h in enumerate(hue_order)})
        else:
            slot = pd.Series(0.0, index=rows.index)
        pos = rows[x].map({c: i for i, c in enumerate(order)}).astype(float) + slot.astype(float)
        mid = (rows[lo].astype(float) + rows[hi].astype(float)) / 2
        half = (rows[hi].astype(float) - rows[lo].astype(float)).abs() / 2
        if len(rows):
            xy = (mid, pos) if horizontal else (pos, mid)
            err = {"xerr" if horizontal else "yerr": half.to_numpy()}
            bars_ci = ax.errorbar(xy[0].to_numpy(), xy[1].to_numpy(), **err, fmt="none", ecolor="0.15",
                                  elinewidth=1.2, capsize=0)
            for lines in bars_ci.lines[2]:  # line ends as on any plotted line (the theme's style)
                lines.set_capstyle(plt.rcParams["lines.solid_capstyle"])
    (ax.axvline if horizontal else ax.axhline)(0, color="0.3", linewidth=0.8)
    for label, val in (hlines or {}).items():
        (ax.axvline if horizontal else ax.axhline)(val, color="0.2", linestyle="--", linewidth=0.9)
        if not horizontal:
            ax.annotate(label, xy=(1.0, val), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                        textcoords="offset points", ha="right", fontsize=9, color="0.2", bbox=LABEL_BOX)
    if hue is not None and ax.get_legend() is not None:
        ax.legend(title=None, fontsize=9)
    if not horizontal and data[x].nunique() > 8:
        ax.tick_params(axis="x", labelrotation=45)
    return _finish(fig, ax, title, xlabel if not horizontal else ylabel, ylabel if not horizontal else xlabel, note)


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
    ax.set_yticklabels(data[label], fontsize=9)
    ax.invert_yaxis()
    handles = [plt.Line2D([], [], color=colours[g], linewidth=6) for g in groups]
    ax.grid(axis="y", visible=False)
    ax.xaxis.set_major_locator(mdates.YearLocator(40) if np.issubdtype(data[first].dtype, np.datetime64)
                               else plt.MaxNLocator(6))
    # the title across the whole figure: the long dataset labels leave the axes narrow
    fig.suptitle(title, x=0.01, ha="left", fontsize=11.5, fontweight="bold", wrap=True)
    ax.set_xlabel(xlabel)
    # the legend in the figure's own bottom band, below the axis label (never over it)
    rows = -(-len(groups) // 3)
    band = (0.32 * rows + 0.1) / fig.get_figheight()
    fig.legend(handles, groups, loc="lower center", bbox_to_anchor=(0.5, 0.0), fontsize=9, ncols=min(3, len(groups)))
    if note:
        fig.text(0.01, 0.005, note, fontsize=9, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, band + (0.03 if note else 0), 1, 0.97))
    return fig


def png_bytes(fig) -> bytes:
    """The figure as PNG bytes at :data:`DPI` (no timestamp metadata, so identical figures give
    identical bytes)."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def svg_bytes(fig) -> bytes:
    """The figure as SVG (vector: sharp at any zoom and in print; no date, fixed ids)."""
    import io

    buf = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "smallcaps"}):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buf.getvalue()


def title_of(fig) -> str:
    """The figure's title (its suptitle, else the first axes' title): the finding it states,
    which is the default alt text of a book figure."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text().strip():
        return sup.get_text().strip()
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            t = ax.get_title(loc=loc).strip()
            if t:
                return t
    return ""


def close(fig) -> None:
    """Free a figure (no figure leaks between cells)."""
    plt.close(fig)


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
        for j, (cid, rec) in enumerate(sub.iterrows()):
            colour = VERDICT_COLOURS.get(rec["verdict"], "#ffffff")
            ax.add_patch(plt.Rectangle((j, i), 0.94, 0.86, facecolor=colour, edgecolor="0.3", linewidth=0.8))
            ax.text(j + 0.47, i + 0.43, cid, ha="center", va="center", fontsize=10, fontweight="bold",
                    color="white" if rec["verdict"] in ("supported", "not supported") else "0.1")
    ax.set_xlim(0, width)
    ax.set_ylim(len(theses), 0)
    ax.set_yticks([i + 0.43 for i in range(len(theses))])
    ax.set_yticklabels(theses)
    ax.set_xticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    handles = [plt.Rectangle((0, 0), 1, 1, facecolor=c, edgecolor="0.3") for c in VERDICT_COLOURS.values()]
    ax.legend(handles, list(VERDICT_COLOURS), loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=3, fontsize=9)
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
