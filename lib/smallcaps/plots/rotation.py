"""Figures of the rotation chapter (claims R1-R7).

Each function takes one evidence object from :mod:`smallcaps.claims.rotation` and returns a
matplotlib Figure whose title states the finding (computed from the evidence), or, when the
evidence is not available in the chapter's window, a :class:`~smallcaps.book.chapter.Text`
note saying why. :func:`show` displays either.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from ..claims import rotation as R
from ..display import Text
from . import (
    HEIGHT,
    PALETTE,
    WIDTH,
    _finish,
    show,  # noqa: F401  (re-exported: the shared show displays a figure or a note)
)

COLOURS = dict(zip(["a", "b", "c", "d", "e", "f"], sns.color_palette(PALETTE, 6), strict=False))
GROUP_COLOURS = {
    "small-cap cyclical": sns.color_palette(PALETTE)[1],
    "small-cap other": sns.color_palette(PALETTE)[9],
    "large-cap defensive": sns.color_palette(PALETTE)[0],
    "large-cap other": "0.75",
    "index": "0.25",
}


def _note(what: str, reason: str) -> Text:
    return Text(f"*No figure of {what} in this run: {reason}.*")


def _lead_word(x: float) -> str:
    return "led" if x > 0 else "trailed"


def _date(d) -> str:
    return pd.Timestamp(d).strftime("%d %b %Y").lstrip("0")


def _dates_axis(ax) -> None:
    loc = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


# -- R1 ----------------------------------------------------------------------------------------------


def lead_path(ev: R.LeadEvidence):
    """R1: the year-to-date spread of small minus large caps, with the claimed lead."""
    if not ev.available:
        return _note("the year-to-date spread", ev.reason)
    pairs = ["IWM-SPY", "IJR-SPY"]  # VTWO tracks the same index as IWM: its line would hide under IWM's
    names = {"IWM-SPY": "IWM − SPY (Russell 2000 − S&P 500)", "IJR-SPY": "IJR − SPY (S&P 600 − S&P 500)"}
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    styles = {"IWM-SPY": dict(color=COLOURS["a"], lw=2.0), "IJR-SPY": dict(color=COLOURS["b"], lw=1.2)}
    for p in pairs:
        ax.plot(ev.paths.index, ev.paths[p], label=names[p], **styles[p])
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axhline(R.CLAIMED_LEAD_PP, color="0.2", ls="--", lw=0.9)
    ax.annotate(f"claimed lead: {R.CLAIMED_LEAD_PP} pp", xy=(0.01, R.CLAIMED_LEAD_PP),
                xycoords=("axes fraction", "data"),
                xytext=(0, 4), textcoords="offset points", fontsize=8, color="0.2")
    first = ev.first_reached
    if first is not None:
        y = ev.paths.loc[first, ev.primary]
        ax.plot([first], [y], marker="o", color=COLOURS["a"], ms=6, zorder=5)
        ax.annotate(f"first at {R.CLAIMED_LEAD_PP} pp:\n{_date(first)}", (first, y), xytext=(8, 12),
                    textcoords="offset points", fontsize=8, color=COLOURS["a"])
    end, lead = ev.reading_date, ev.lead
    assert end is not None and lead is not None  # drawn only when the evidence is available
    ax.plot([end], [lead], marker="D", color=COLOURS["a"], ms=6, zorder=5)
    ax.annotate(f"{lead:.1f} pp", (end, lead), xytext=(7, -3), textcoords="offset points", ha="left",
                fontsize=9, color=COLOURS["a"], fontweight="bold")
    _dates_axis(ax)
    ax.set_xlim(right=end + pd.Timedelta(days=14))
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(0.0, 0.93))
    peak, peak_day = ev.max_lead
    title = (f"Small caps {_lead_word(lead)} large caps by {abs(lead):.1f} pp on {_date(end)}; "
             f"the lead peaked at {peak:.1f} pp on {_date(peak_day)}")
    return _finish(fig, ax, title, f"{R.CLAIM_YEAR} (trading days)", "year-to-date return spread (pp)",
                   note="Spread = difference of year-to-date total returns (adjusted closes). Source: Yahoo Finance.")


def calendar_spreads(ev: R.LeadEvidence):
    """R1: calendar-year spreads of small minus large caps, with the claim year to date."""
    cal = ev.calendar[["IWM-SPY", "IJR-IVV"]].dropna(how="all")
    cal = cal[cal.index < R.CLAIM_YEAR]
    if cal.empty:
        return _note("calendar-year spreads", "no complete calendar year of both ETF pairs in the window")
    tidy = cal.rename_axis("year").reset_index().melt(id_vars="year", var_name="pair", value_name="pp")
    tidy["year"] = tidy["year"].astype(str)
    if ev.available:
        extra = pd.DataFrame({"year": f"{R.CLAIM_YEAR}\nto date", "pair": ["IWM-SPY", "IJR-IVV"],
                              "pp": [ev.at_reading["IWM-SPY"], ev.at_reading["IJR-IVV"]]})
        tidy = pd.concat([tidy, extra], ignore_index=True)
    years = list(dict.fromkeys(tidy["year"]))
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.barplot(data=tidy, x="year", y="pp", hue="pair", ax=ax, palette=[COLOURS["a"], COLOURS["b"]], errorbar=None,
                width=0.8)
    prior = [str(y) for y in range(R.CLAIM_YEAR - R.CLAIMED_PRIOR_YEARS, R.CLAIM_YEAR)]
    pos = [years.index(y) for y in prior if y in years]
    if pos:
        ax.axvspan(min(pos) - 0.5, max(pos) + 0.5, color="0.9", zorder=0)
        ax.annotate(f"the {R.CLAIMED_PRIOR_YEARS} years before {R.CLAIM_YEAR}", xy=((min(pos) + max(pos)) / 2, 1.0),
                    xycoords=("data", "axes fraction"), ha="center", va="top", fontsize=8, color="0.3")
    ax.axhline(0, color="0.3", lw=0.8)
    ax.tick_params(axis="x", labelrotation=90, labelsize=8)
    ax.legend(title=None, fontsize=8, loc="lower left", labels=["IWM − SPY (Russell 2000 − S&P 500)",
                                                                "IJR − IVV (S&P 600 − S&P 500)"])
    p = ev.prior.loc["IWM-SPY"]
    if p["years with data"] == R.CLAIMED_PRIOR_YEARS:
        title = (f"IWM trailed SPY in {int(p['years small trailed'])} of the {R.CLAIMED_PRIOR_YEARS} years before "
                 f"{R.CLAIM_YEAR}, {int(p['trailing run to last year'])} of them in a row")
    else:
        s = cal["IWM-SPY"].dropna()
        title = (f"IWM trailed SPY in {int((s < 0).sum())} of the {len(s)} calendar years {s.index.min()}-"
                 f"{s.index.max()} in this window")
    if ev.available and ev.percentile_etf is not None:
        title += (f"; the {R.CLAIM_YEAR} lead is at the {ev.percentile_etf:.0f}th percentile of same-date leads "
                  f"since {ev.same_date.index.min()}")
    return _finish(fig, ax, title, "calendar year", "return spread (pp)",
                   note="Calendar-year total-return differences; a fund's partial first year is left out.")


# -- R2 ----------------------------------------------------------------------------------------------


def ousm_path(ev: R.OusmEvidence):
    """R2: OUSM's year-to-date return with the claimed 4.6%, beside IJR and PSCI."""
    if not ev.available:
        return _note("OUSM's year to date", ev.reason)
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    names = {"OUSM": "OUSM (small-cap quality dividend)", "IJR": "IJR (S&P 600)",
             "PSCI": "PSCI (S&P 600 industrials, a sector proxy)"}
    styles = {"OUSM": dict(color=COLOURS["a"], lw=2.0), "IJR": dict(color="0.45", lw=1.1),
              "PSCI": dict(color=COLOURS["b"], lw=1.1, ls="--")}
    for t in ["OUSM", "IJR", "PSCI"]:
        ax.plot(ev.path.index, ev.path[t], label=names[t], **styles[t])
    ax.axhline(0, color="0.3", lw=0.8)
    ax.axhline(R.CLAIMED_OUSM_YTD_PCT, color="0.2", ls="--", lw=0.9)
    ax.annotate(f"claimed: {R.CLAIMED_OUSM_YTD_PCT}%", xy=(0.01, R.CLAIMED_OUSM_YTD_PCT),
                xycoords=("axes fraction", "data"), xytext=(0, 4), textcoords="offset points", fontsize=8, color="0.2")
    for d in ev.matches:
        ax.plot([d], [ev.path.loc[d, "OUSM"]], marker="o", color=COLOURS["a"], ms=6, zorder=5)
    _dates_axis(ax)
    ax.legend(loc="upper left", fontsize=8)
    n = len(ev.matches)
    days = ("never stood" if n == 0
            else f"stood at the claimed {R.CLAIMED_OUSM_YTD_PCT}% on {n} day{'s' if n > 1 else ''}")
    title = f"OUSM {days} (dots); by {_date(ev.reading_date)} it was up {ev.ousm:.1f}%"
    return _finish(fig, ax, title, f"{R.CLAIM_YEAR} (trading days)", "year-to-date total return (%)",
                   note="PSCI shows small-cap industrials' own return, not their contribution to OUSM. "
                        "Source: Yahoo Finance.")


# -- R3 ----------------------------------------------------------------------------------------------


def quality_heatmap(ev: R.QualityEvidence, first_year: int = 2015):
    """R3: each quality ETF minus IWM by calendar year, and the claim year to date."""
    tab = ev.calendar.copy()
    cols = [c for c in tab.columns if (c[:4].isdigit() and int(c[:4]) >= first_year)]
    tab = tab[cols].dropna(how="all", axis=1)
    if tab.empty or tab.shape[1] < 2:
        return _note("quality ETFs against IWM", "fewer than two calendar years of the quality ETFs in the window")
    tab.columns = [c.replace(" to date", "\nto date") for c in tab.columns]
    short = {"IJR": "IJR (S&P 600)", "OUSM": "OUSM (quality dividend)", "XSHQ": "XSHQ (S&P 600 quality)",
             "SMDV": "SMDV (dividend growers)", "DES": "DES (dividend weighted)", R.BASKET: "basket (equal weight)"}
    tab.index = [short.get(t, t) for t in tab.index]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(tab) + 1.9))
    lim = float(np.nanmax(np.abs(tab.values)))
    sns.heatmap(tab, ax=ax, annot=True, fmt=".1f", cmap="RdBu", center=0, vmin=-lim, vmax=lim, linewidths=0.5,
                cbar_kws={"label": "return minus IWM (pp)"}, annot_kws={"fontsize": 8})
    ax.tick_params(axis="x", labelrotation=0, labelsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(False)
    if ev.available:
        p, y = ev.basket_prior, ev.basket_year
        assert y is not None  # available evidence has the claim year's reading
        prior = f"{_lead_word(p)} IWM by {abs(p):.1f} pp in {R.CLAIM_YEAR - 1}" if p is not None else ""
        title = (f"The quality basket {prior} and {'still ' if (p or 0) < 0 and y < 0 else ''}"
                 f"{_lead_word(y)} it by {abs(y):.1f} pp in {R.CLAIM_YEAR} to {_date(ev.reading_date)}")
    else:
        title = "Quality small-cap ETFs minus IWM, by calendar year"
    return _finish(fig, ax, title, "", "", note="Blue: the fund beat IWM (Russell 2000, unprofitable firms included); "
                   "red: it trailed. Total returns, pp.")


def french_premia(ev: R.QualityEvidence):
    """R3: cumulative growth of the long-run quality-minus-junk portfolios (French)."""
    cum = ev.french_cum.dropna(how="all")
    if cum.empty:
        return _note("the French quality portfolios", "the window does not overlap the French files")
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    colours = [COLOURS["a"], COLOURS["b"], COLOURS["c"]]
    for col, c in zip(cum.columns, colours, strict=False):
        s = cum[col].dropna()
        ax.plot(s.index.to_timestamp(), s.values, label=col, color=c, lw=1.6 if "profitability" in col else 1.1)
    ax.set_yscale("log")
    ax.axhline(1.0, color="0.3", lw=0.8)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    _dates_axis(ax)
    ax.legend(loc="upper left", fontsize=8)
    op = ev.french.iloc[0]
    others = ev.french.iloc[1:3]
    none = all(r["ci_low"] <= 0 <= r["ci_high"] for _, r in others.iterrows())
    title = (f"Small profitable firms beat small unprofitable ones by {op['mean (% a year)']:.1f}% a year "
             f"({op['first'][:4]}-{op['last'][:4]})"
             + ("; earnings and dividend sorts show no premium" if none else ""))
    return _finish(fig, ax, title, "month", "growth of $1 (log scale)",
                   note="Long quality, short junk, value weighted, rebalanced monthly. "
                        "Source: Kenneth French data library.")


# -- R4 ----------------------------------------------------------------------------------------------


def beta_capture(ev: R.ResilienceEvidence):
    """R4: beta and capture ratios of each quality ETF against IWM."""
    if ev.risk.empty:
        return _note("beta and capture", ev.reason)
    t = ev.risk.drop(index=R.BROAD)[["beta", "downside_capture", "upside_capture"]]
    tidy = t.rename(columns={"beta": "beta", "downside_capture": "downside capture",
                             "upside_capture": "upside capture"}).rename_axis("fund").reset_index().melt(
        id_vars="fund", var_name="measure", value_name="ratio")
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.barplot(data=tidy, x="fund", y="ratio", hue="measure", ax=ax, errorbar=None,
                palette=[COLOURS["a"], COLOURS["d"], COLOURS["c"]])
    ax.axhline(1.0, color="0.2", ls="--", lw=0.9)
    ax.annotate("IWM = 1", xy=(1.0, 1.0), xycoords=("axes fraction", "data"), xytext=(-4, 3),
                textcoords="offset points",
                ha="right", fontsize=8)
    ax.set_ylim(0, max(1.3, float(tidy["ratio"].max()) + 0.25))
    ax.legend(title=None, fontsize=8, loc="upper left", ncols=3)
    b = ev.risk.loc[R.BASKET]
    s0, s1, _ = ev.sample
    how = "less" if b["beta"] < 1 else "more"
    title = (f"Quality small caps move {how} than IWM: basket beta {b['beta']:.2f}, downside capture "
             f"{b['downside_capture']:.2f}")
    return _finish(fig, ax, title, "fund", "ratio to IWM (weekly returns)",
                   note=f"Weekly total returns from {ev.risk_own.loc['XSHQ', 'first week']}, "
                        "when all five funds trade. "
                        "Capture: the fund's return over IWM's in IWM's down (up) weeks.")


def credit_split(ev: R.ResilienceEvidence):
    """R4: the basket's excess return over IWM by credit regime, with 95% intervals."""
    if ev.regimes.empty:
        return _note("the credit-regime split", ev.reason)
    t = ev.regimes.copy()
    t["label"] = t["regime"] + "\n(" + t["weeks"].astype(int).astype(str) + " weeks)"
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    colours = {"calm": COLOURS["c"], "tight": COLOURS["d"], "tightening": COLOURS["c"], "widening": COLOURS["d"]}
    x = np.arange(len(t)) + np.array([0 if d == "spread level" else 0.6 for d in t["definition"]])
    ax.bar(x, t["mean excess (pp a year)"], color=[colours[r] for r in t["regime"]], width=0.7)
    for xi, (_, row) in zip(x, t.iterrows(), strict=True):
        ax.plot([xi, xi], [row["ci_low"], row["ci_high"]], color="0.15", lw=1.2)
    ax.set_xticks(x)
    ax.set_xticklabels(t["label"], fontsize=8)
    ax.axhline(0, color="0.3", lw=0.8)
    ax.set_ylim(top=float(t["ci_high"].max()) + 0.25 * float(t["ci_high"].max() - t["ci_low"].min()))
    for d, xs in (("HY spread level\n(vs. its running median)", x[:2]), ("HY spread change\n(over 13 weeks)", x[2:])):
        ax.annotate(d, xy=(xs.mean(), 1.0), xycoords=("data", "axes fraction"), ha="center", va="top", fontsize=8,
                    color="0.3")
    tight = ev.tight.value if ev.tight is not None else t.loc[t["regime"] == "tight", "mean excess (pp a year)"].iloc[0]
    title = (f"In tight credit the quality basket {_lead_word(tight)} IWM by {abs(tight):.1f} pp a year; "
             f"in calm credit by {abs(t.loc[t['regime'] == 'calm', 'mean excess (pp a year)'].iloc[0]):.1f}")
    if t.loc[t["regime"] == "calm", "mean excess (pp a year)"].iloc[0] < 0:
        title = title.replace("in calm credit by", "in calm credit it trailed by")
    else:
        title = title.replace("in calm credit by", "in calm credit it led by")
    return _finish(fig, ax, title, "credit regime at the start of the week", "basket minus IWM (pp a year)",
                   note="Mean weekly difference x 52, 95% HAC intervals. Tight: high-yield spread above the median "
                        "of its earlier readings (FRED).")


# -- R5 ----------------------------------------------------------------------------------------------


def pair_distribution(ev: R.PairEvidence):
    """R5: distribution of rolling one- and two-quarter pair returns, with the claimed targets."""
    if not ev.available:
        return _note("the pair trade", ev.reason)
    frames = []
    for h, legs in ev.legs.items():
        quarters = h // R.QUARTER_DAYS
        label = f"{h} trading days ({quarters} quarter{'s' if quarters > 1 else ''})"
        frames.append(pd.DataFrame({"pair return (%)": legs["pair"] * 100, "window": label}))
    tidy = pd.concat(frames, ignore_index=True)
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.histplot(data=tidy, x="pair return (%)", hue="window", ax=ax, stat="percent", common_norm=False, bins=60,
                 element="step", fill=True, alpha=0.3, palette=[COLOURS["a"], COLOURS["b"]])
    for lvl in (R.CLAIMED_PAIR_LOW_PCT, R.CLAIMED_PAIR_HIGH_PCT):
        ax.axvline(lvl, color="0.2", ls="--", lw=0.9)
        ax.annotate(f"claimed {lvl:.0f}%", xy=(lvl, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -12),
                    textcoords="offset points", fontsize=8)
    ax.axvline(0, color="0.3", lw=0.8)
    leg = ax.get_legend()
    if leg is not None:
        leg.set_title("")
    assert ev.mean_pair is not None  # drawn only when the evidence is available
    title = (f"Long quality, short IWM reached {R.CLAIMED_PAIR_LOW_PCT:.0f}% in {ev.hit_low:.0%} of two-quarter "
             f"windows and averaged {ev.mean_pair.value:.1f} pp")
    s0, s1, n = ev.sample
    assert s0 is not None and s1 is not None
    return _finish(fig, ax, title, "return of the quality basket minus IWM over the window (%)", "share of windows (%)",
                   note=f"Overlapping windows ending {s0.date()} to {s1.date()}. Source: Yahoo Finance.")


# -- R6 ----------------------------------------------------------------------------------------------


def event_paths(ev: R.ReversalEvidence):
    """R6: mean cumulative IJR minus IWM around rates rallies and VIX spikes."""
    if ev.paths.dropna(how="all").empty:
        return _note("event windows", ev.reason)
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    styles = {"rates rally": dict(color=COLOURS["a"], lw=1.6), "VIX spike": dict(color=COLOURS["d"], lw=1.6),
              "pooled": dict(color="0.3", lw=1.0, ls="--")}
    for k, st in styles.items():
        n = len(ev.events[k])
        ax.plot(ev.paths.index, ev.paths[k], label=f"IJR − IWM, {k} ({n} events)", **st)
    if "IWM-SPY pooled" in ev.paths:
        ax.plot(ev.paths.index, ev.paths["IWM-SPY pooled"], color=COLOURS["e"], lw=1.3, ls="-.",
                label="IWM − SPY (small minus large), pooled")
    ax.axhline(0, color="0.3", lw=0.8)
    k0 = 1 - R.EVENT_LOOKBACK
    ax.axvspan(k0, 0, color="0.92", zorder=0)
    ax.annotate(f"the {R.EVENT_LOOKBACK}-day move", xy=(k0 / 2, 1.0), xycoords=("data", "axes fraction"), ha="center",
                va="top", fontsize=8, color="0.3")
    x_end = ev.event_days - R.EVENT_LOOKBACK
    ax.axvline(x_end, color="0.5", ls=":", lw=0.9)
    ax.annotate(f"end of the {ev.event_days}-day window", xy=(x_end, 1.0), xycoords=("data", "axes fraction"),
                xytext=(3, -12), textcoords="offset points", fontsize=8, color="0.3")
    ax.legend(loc="lower left", fontsize=8)
    p = ev.pooled
    sl = ev.small_large.set_index("event")["mean (pp)"].get("pooled", np.nan)
    if p is None:
        title = "Quality minus junk around rates rallies and VIX spikes"
    else:
        q = f"quality minus junk {'rose' if p.value > 0 else 'fell'} {abs(p.value):.2f} pp"
        title = (f"Over {ev.event_days} days from a rates rally or VIX spike {q} on average; small minus large "
                 f"{'rose' if sl > 0 else 'fell'} {abs(sl):.2f} pp")
    return _finish(fig, ax, title, f"trading days from the event (0 = the day the {R.EVENT_LOOKBACK}-day move crossed "
                   "the threshold)",
                   "cumulative return difference (pp)",
                   note="Means across events of compounded daily return differences. Sources: Yahoo Finance, CBOE.")


def run_lengths(ev: R.ReversalEvidence):
    """R6: mean length of quality-leadership runs by credit regime at their start."""
    parts = []
    if len(ev.run_stats):
        parts.append(ev.run_stats.assign(series="IJR − IWM (ETFs, monthly)\ncredit: high-yield spread"))
    if len(ev.french_runs):
        parts.append(ev.french_runs.assign(series="small profitable − unprofitable (French)\ncredit: Baa − Aaa yield"))
    if not parts:
        return _note("run lengths", ev.reason or "no completed runs in the window")
    t = pd.concat(parts).rename_axis("credit").reset_index()
    fig, ax = plt.subplots(figsize=(WIDTH, HEIGHT))
    sns.barplot(data=t, x="series", y="mean length", hue="credit", ax=ax, errorbar=None,
                palette={"calm": COLOURS["c"], "tight": COLOURS["d"]}, hue_order=["calm", "tight"], width=0.6)
    # error bars at each bar's known position: series i at i, hue level j of 2 at its slot in the 0.6 width
    xs = list(dict.fromkeys(t["series"]))
    for j, h in enumerate(["calm", "tight"]):
        for i, s in enumerate(xs):
            row = t[(t["credit"] == h) & (t["series"] == s)]
            if row.empty or pd.isna(row["ci_low"].iloc[0]) or pd.isna(row["mean length"].iloc[0]):
                continue
            xc = i + (j + 0.5) * 0.6 / 2 - 0.3
            ax.plot([xc, xc], [row["ci_low"].iloc[0], row["ci_high"].iloc[0]], color="0.15", lw=1.2)
    lo, hi = R.CLAIMED_RUN_MONTHS
    ax.axhspan(lo, hi, color="0.9", zorder=0)
    ax.annotate(f"claimed: {lo}-{hi} months", xy=(1.0, hi), xycoords=("axes fraction", "data"), xytext=(-4, -12),
                textcoords="offset points", ha="right", fontsize=8)
    ax.set_ylim(0, hi + 0.5)
    ax.legend(title="credit at the run's start", fontsize=8, title_fontsize=8, loc="upper left")
    calm = ev.calm_mean
    where = "short of" if calm is not None and calm < lo else "beyond" if calm is not None and calm > hi else "within"
    title = (f"Quality leads for {calm:.1f} months on average when credit is calm, {where} the claimed {lo}-{hi} "
             f"months"
             if calm is not None else "Quality-leadership runs by credit regime")
    return _finish(fig, ax, title, "", "mean run of positive months (months)",
                   note="A run: consecutive months in which the quality series beat the junk series; "
                        "95% bootstrap intervals across runs.")


# -- R7 ----------------------------------------------------------------------------------------------


def sector_bars(ev: R.SectorEvidence):
    """R7: year-to-date return of every sector ETF, coloured by group."""
    if not ev.available:
        return _note("sector returns", ev.reason)
    t = ev.ytd.reset_index()
    t["label"] = t["ETF"] + "  " + t["sector"]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.26 * len(t) + 1.6))
    ax.barh(t["label"], t["year to date (%)"], color=[GROUP_COLOURS[g] for g in t["group"]])
    ax.invert_yaxis()
    ax.axvline(0, color="0.3", lw=0.8)
    ax.tick_params(axis="y", labelsize=8)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in GROUP_COLOURS.values()]
    ax.legend(handles, list(GROUP_COLOURS), fontsize=8, loc="lower right")
    x = ev.value(R.SPREAD_COLUMNS[0])
    y = ev.value(R.SPREAD_COLUMNS[1])
    assert x is not None and y is not None  # drawn only when the evidence is available
    title = (f"Small-cap cyclicals {'beat' if x > 0 else 'trailed'} mega-cap defensives by {abs(x):.1f} pp in "
             f"{R.CLAIM_YEAR}, but {'beat' if y > 0 else 'trailed'} the S&P 600 by {abs(y):.1f} pp")
    ax.grid(axis="y", visible=False)
    return _finish(fig, ax, title, f"{R.CLAIM_YEAR} year-to-date total return to {_date(ev.reading_date)} (%)", "",
                   note="Small caps: Invesco S&P SmallCap 600 sector ETFs (PSC*); "
                        "large caps: Select Sector SPDRs (XL*).")
