"""Figures of the valuation chapter (V1-V5): seaborn, book width, axes in percent or pp.

Each function takes tidy data and a title that states the finding (computed by the chapter's
evidence objects in :mod:`smallcaps.claims.valuation`) and returns the matplotlib Figure.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..display import percent
from . import HEIGHT, LABEL_BOX, PALETTE, WIDTH, _finish

CLAIM_COLOUR = "#d95f02"


def _date_axis(ax) -> None:
    loc = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def _threshold_label(ax, level: float, text: str = "90th\npercentile") -> None:
    """Name a dashed threshold line in the right margin, outside the axes, so that no series
    can run through its label (inside the panel a long series crosses any fixed spot)."""
    ax.annotate(text, xy=(1.0, level), xycoords=("axes fraction", "data"), xytext=(4, 0),
                textcoords="offset points", ha="left", va="center", fontsize=9, color=CLAIM_COLOUR,
                annotation_clip=False)


def discount_history(data: pd.DataFrame, *, claimed: dict[str, float], own_average: float | None, since,
                     claim_date, title: str, note: str | None = None,
                     ylabel: str = "small vs large P/B (%, below 0 = discount)"):
    """The small/large valuation discount over time, with the claim's levels marked where they
    are on the same measure.

    Parameters
    ----------
    data
        Long frame: ``month`` (timestamp), ``measure``, ``discount`` (percent; negative = discount).
    claimed
        Label -> level (percent) of the claim's own numbers, drawn dashed (only on the claim's
        own measure; empty for price-to-book).
    own_average
        This measure's average since ``since`` (percent), drawn dotted over that span.
    claim_date
        Marked with a vertical line (None: not in the window).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT + 0.6))
    sns.lineplot(data=data, x="month", y="discount", hue="measure", ax=ax, linewidth=1.1, errorbar=None,
                 palette=sns.color_palette(PALETTE, data["measure"].nunique()))
    ax.axhline(0, color="0.3", linewidth=0.8)
    for i, (label, val) in enumerate(claimed.items()):
        ax.axhline(val, color=CLAIM_COLOUR, linestyle="--", linewidth=1.0)
        ax.annotate(label, xy=(0.99, val), xycoords=("axes fraction", "data"), xytext=(0, 3 if i % 2 == 0 else -11),
                    textcoords="offset points", ha="right", fontsize=9, color=CLAIM_COLOUR, bbox=LABEL_BOX)
    if own_average is not None:
        end = data["month"].max()
        ax.plot([pd.Timestamp(since), end], [own_average, own_average], color="0.15", linestyle=":", linewidth=1.4,
                label=f"its average since {pd.Timestamp(since).year} ({own_average:.0f}%)")
    if claim_date is not None:
        ax.axvline(pd.Timestamp(claim_date), color="0.4", linewidth=0.8)
        ax.annotate("claim [D]", xy=(pd.Timestamp(claim_date), 1.0), xycoords=("data", "axes fraction"),
                    xytext=(-3, -12), textcoords="offset points", ha="right", fontsize=9, color="0.3")
    ax.legend(title=None, fontsize=9, loc="upper left")
    ax.set_ylim(min(-100, data["discount"].min() - 5), max(45, data["discount"].max() + 10))
    _date_axis(ax)
    return _finish(fig, ax, title, "month", ylabel, note)


def stretch_panels(*, cape: pd.Series, share: pd.Series, rsp_spy: pd.Series, cape_threshold: float,
                   share_threshold: float, title: str, note: str | None = None):
    """Large caps stretched: CAPE, the largest size decile's share of market cap, and (a labelled
    proxy) equal- against cap-weight S&P 500, one panel each with the 90th percentile marked."""
    panels = 3 if len(rsp_spy) else 2
    fig, axes = plt.subplots(panels, 1, figsize=(WIDTH, 2.35 * panels + 0.9))
    colours = sns.color_palette(PALETTE, 3)
    ax = axes[0]
    ax.plot(cape.index, cape.values, color=colours[0], linewidth=1.1)
    ax.axhline(cape_threshold, color=CLAIM_COLOUR, linestyle="--", linewidth=0.9)
    _threshold_label(ax, cape_threshold)
    ax.set_ylabel("CAPE (ratio)")
    ax.set_title("S&P composite cyclically adjusted P/E (Shiller)", fontsize=10, fontweight="normal")
    ax = axes[1]
    ax.plot(share.index, share.values, color=colours[1], linewidth=1.1)
    ax.axhline(share_threshold, color=CLAIM_COLOUR, linestyle="--", linewidth=0.9)
    _threshold_label(ax, share_threshold)
    ax.set_ylabel("share of market cap (%)")
    ax.set_title("Largest size decile's share of US market cap (French size deciles)", fontsize=10, fontweight="normal")
    if panels == 3:
        ax = axes[2]
        ax.plot(rsp_spy.index, percent(rsp_spy.values), color=colours[2], linewidth=1.1)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_ylabel("RSP relative to SPY (%)")
        ax.set_title("Proxy only: equal-weight (RSP) relative to cap-weight (SPY) S&P 500, cumulative",
                     fontsize=10, fontweight="normal")
    for ax in axes:
        ax.set_xlabel("")
        _date_axis(ax)
    axes[-1].set_xlabel("month")
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", wrap=True)
    if note:
        fig.text(0.01, 0.005, note, fontsize=9, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.03 if note else 0, 1, 0.96))
    return fig


def rolling_sensitivity(data: pd.DataFrame, *, full: dict[str, float], weeks: int, title: str, note: str | None = None):
    """Rolling slope of small-minus-large weekly returns on yield changes, one line per pair,
    with the first pair's 95% band and each pair's full-sample slope dashed.

    ``data``: long frame with ``week``, ``pair``, ``slope``, ``ci_low``, ``ci_high`` (pp per pp).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT + 0.9))
    pairs = list(dict.fromkeys(data["pair"]))
    colours = dict(zip(pairs, sns.color_palette(PALETTE, len(pairs)), strict=False))
    for i, pair in enumerate(pairs):
        d = data[data["pair"] == pair]
        ax.plot(d["week"], d["slope"], color=colours[pair], linewidth=1.2, label=f"{pair.replace('-', ' minus ')}, "
                f"rolling {weeks} weeks")
        if i == 0:
            ax.fill_between(d["week"], d["ci_low"], d["ci_high"], color=colours[pair], alpha=0.18, linewidth=0,
                            label="95% band (IWM minus SPY)")
        if pair in full:
            ax.axhline(full[pair], color=colours[pair], linestyle="--", linewidth=0.9,
                       label=f"{pair.replace('-', ' minus ')}, whole sample ({full[pair]:+.2f})")
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=2)
    _date_axis(ax)
    return _finish(fig, ax, title, f"end of the {weeks}-week window",
                   "relative weekly return\nper +1 pp yield (pp)", note)


def base_date_grid(data: pd.DataFrame, *, quoted: dict[str, float], title: str, note: str | None = None):
    """Return to the close of 16 May 2024 from each base date, per ETF, with the quoted figures.

    ``data``: long frame with ``base`` (date), ``ticker``, ``return`` (percent).
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.lineplot(data=data, x="base", y="return", hue="ticker", ax=ax, marker="o", markersize=5, linewidth=1.1,
                 errorbar=None)
    for i, (label, val) in enumerate(sorted(quoted.items(), key=lambda kv: kv[1])):
        ax.axhline(val, color=CLAIM_COLOUR, linestyle="--", linewidth=0.9)
        ax.annotate(label, xy=(0.01, val), xycoords=("axes fraction", "data"), xytext=(0, -11 if i == 0 else 3),
                    textcoords="offset points", ha="left", fontsize=9, color=CLAIM_COLOUR, bbox=LABEL_BOX)
    ax.legend(title=None, fontsize=9, loc="lower right")
    ax.xaxis.set_major_locator(mdates.DayLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    return _finish(fig, ax, title, "base date (close), April 2024", "return to the close of 16 May 2024 (%)", note)


def predictive_scatter(data: pd.DataFrame, *, latest, latest_label: str, horizon_years: int, title: str,
                       note: str | None = None):
    """Subsequent annualised small-minus-large return against the log valuation spread, coloured
    by era, with the OLS line and today's spread with its forecast and prediction interval.

    ``data``: columns ``x`` (log spread), ``y`` (pp a year), ``era``; ``latest``:
    ``(x, forecast, pi_low, pi_high)`` or None.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT + 0.6))
    eras = list(dict.fromkeys(sorted(data["era"])))
    palette = [sns.color_palette(PALETTE, 10)[i] for i in (0, 1, 2, 4, 7, 9)][:len(eras)]  # not the claim's vermilion
    sns.scatterplot(data=data, x="x", y="y", hue="era", hue_order=eras, ax=ax, s=10, alpha=0.75, edgecolor=None,
                    palette=palette)
    b, a = np.polyfit(data["x"], data["y"], 1)
    xs = np.linspace(data["x"].min(), max(data["x"].max(), latest[0] if latest else -np.inf), 50)
    ax.plot(xs, a + b * xs, color="0.15", linewidth=1.2)
    ax.axhline(0, color="0.3", linewidth=0.8)
    if latest is not None:
        x0, f, lo, hi = latest
        ax.errorbar([x0], [f], yerr=[[f - lo], [hi - f]], fmt="D", color=CLAIM_COLOUR, markersize=7, capsize=4,
                    linewidth=1.6, zorder=5)
        ax.annotate(f"{latest_label}: forecast {f:+.1f}\n95% prediction interval {lo:+.0f} to {hi:+.0f}",
                    (x0, f), xytext=(0.02, 0.96), textcoords="axes fraction", ha="left", va="top", fontsize=9,
                    color=CLAIM_COLOUR, bbox={"boxstyle": "round", "fc": "white", "ec": CLAIM_COLOUR, "lw": 0.8},
                    arrowprops={"arrowstyle": "->", "color": CLAIM_COLOUR, "lw": 0.9}, zorder=6)
    ax.legend(title=None, fontsize=9, ncols=len(eras), loc="upper center", bbox_to_anchor=(0.5, -0.17),
              markerscale=1.6, columnspacing=0.8, handletextpad=0.2)
    return _finish(fig, ax, title, "log valuation spread, log(small BE/ME / large BE/ME)",
                   f"next {horizon_years} years, small minus large (log, pp a year)", note)


def oos_performance(data: pd.DataFrame, *, title: str, note: str | None = None):
    """Cumulative squared-error advantage of the spread forecast over the historical mean
    (Welch-Goyal plot): rising means the predictor is winning.

    ``data``: long frame with ``month`` (timestamp), ``horizon`` (label), ``cum_sse_diff``.
    """
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.lineplot(data=data, x="month", y="cum_sse_diff", hue="horizon", ax=ax, linewidth=1.2, errorbar=None)
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.legend(title=None, fontsize=9, loc="lower right")
    _date_axis(ax)
    return _finish(fig, ax, title, "forecast month",
                   "SSE(mean) − SSE(spread), cumulative\n(thousands of (pp a year)²)", note)
