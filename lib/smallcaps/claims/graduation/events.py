"""The moves on the S&P ladder, shared by G1, G2 and G5, and the event-study helpers G2 and G3 use.

:class:`Ladder` is the chapter's opening sections (the moves, which members have prices): not a
claim, but shown and glued the same way (tables, figure keyword arguments, facts, flags). The
functions below it are what several claims compute alike: event studies against a benchmark
ETF, their BHAR summaries, and bootstrap intervals over events in date order. Units: returns and
BHARs are decimals; ranks are percentiles (0-100).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, finite, iso, pct, percent, plural, text
from ...stats import bootstrap_ci, cluster_bootstrap
from ..base import SpecSpace
from .inputs import (
    ALT_MATCH_WINDOW_DAYS,
    BENCHMARK,
    MATCH_WINDOW,
    POST_MONTHS,
    PRE_MONTHS,
    RANK_MONTHS,
    GraduationInputs,
)

#: Fewer events than this: no interval (and a claim deciding on it is untestable).
MIN_EVENTS = 10
UP_ORDER = ["S&P 600 → S&P 400", "S&P 400 → S&P 500", "S&P 600 → S&P 500"]
DOWN_ORDER = ["S&P 500 → S&P 400", "S&P 400 → S&P 600", "S&P 500 → S&P 600"]
GRADUATES = "S&P 600 graduates"
NEXT_RUNG = "S&P 400 → S&P 500"


# -- shared computations ------------------------------------------------------------------------------


def boot(x: pd.Series, min_events: int = MIN_EVENTS):
    """Stationary-bootstrap interval of the mean over events in the given order, or None with
    fewer than ``min_events`` events (or no variation: no interval to estimate)."""
    x = pd.Series(x).dropna()
    if len(x) < min_events or float(x.std()) == 0.0:
        return None
    return _bootstrap(x.to_numpy(dtype="float64").tobytes())


@functools.lru_cache(maxsize=4096)
def _bootstrap(values: bytes):
    """:func:`smallcaps.stats.bootstrap_ci` of the values (its seed is fixed, so the same events in
    the same order give the same interval: windows and claims that share them compute it once)."""
    with np.errstate(divide="ignore", invalid="ignore"):  # block-length search on runs of tied ranks
        return bootstrap_ci(pd.Series(np.frombuffer(values, dtype="float64")))


def quarters(dates) -> np.ndarray:
    """The calendar quarter of each date (``2024Q2``): the clusters of concurrent moves, which
    share their quarter's market moves and S&P's quarterly rebalancing."""
    return pd.DatetimeIndex(dates).to_period("Q").astype(str).to_numpy()


def qboot(x: pd.Series, dates, min_events: int = MIN_EVENTS):
    """Bootstrap interval of the mean over events that resamples calendar quarters of the events'
    dates (clusters of concurrent moves), or None with fewer than ``min_events`` events, fewer
    than 3 quarters or no variation."""
    x = pd.Series(np.asarray(x, dtype="float64"))
    q = quarters(dates)
    keep = x.notna().to_numpy()
    x, q = x[keep], q[keep]
    if len(x) < min_events or float(x.std()) == 0.0 or len(set(q)) < 3:
        return None
    return _qboot(x.to_numpy().tobytes(), tuple(q))


@functools.lru_cache(maxsize=1024)
def _qboot(values: bytes, clusters: tuple):
    return cluster_bootstrap(pd.Series(np.frombuffer(values, dtype="float64")), np.asarray(clusters),
                             what="calendar quarters")


def p_text(p) -> str | None:
    """A p-value for prose: ``0.012``, or ``below 0.001`` (None without one)."""
    if p is None or not finite(p):
        return None
    return "below 0.001" if p < 0.001 else f"{p:.3f}"


def shift_dates(ev: pd.DataFrame) -> pd.DataFrame:
    """Dates one day earlier: pitindex's end-of-day convention makes a stock removed on day d
    a member through d - 1, so the last month end before the move is found from d - 1."""
    return ev.assign(date=ev["date"] - pd.Timedelta(days=1))


def benchmark_of(ev: pd.DataFrame, which: str) -> pd.Series:
    """The benchmark ETF of each move: of the index it leaves (``origin``) or joins."""
    key = ev["origin"] if which == "origin" else ev["destination"]
    return key.map(ga.INDEX_ETFS)


def event_study(inputs: GraduationInputs, end, events: pd.DataFrame, which: str, pre: int,
                post: int) -> ga.EventStudy:
    """Event study of ``events`` against the origin's or the destination's ETF, on month-end
    prices up to ``end``."""
    ev = shift_dates(events).assign(benchmark=lambda d: benchmark_of(d, which))
    st = ga.event_study(ev, inputs.month_end_prices(end), inputs.month_end_etfs(end), pre=pre, post=post)
    st.events["date"] = st.events["date"] + pd.Timedelta(days=1)
    return st


def bhar_windows(pre: int, post: int) -> list[tuple[str, int, int]]:
    """The BHAR windows every summary reports: the last year before the move, the whole
    pre-move window, and the months after."""
    return [(f"BHAR -{RANK_MONTHS}..0", -RANK_MONTHS, 0), (f"BHAR -{pre}..0", -pre, 0), (f"BHAR 0..+{post}", 0, post)]


def steps(ev: pd.DataFrame, step: str) -> pd.DataFrame:
    """The moves of one step: ``S&P 600 graduates`` (up from the S&P 600) or one move type."""
    if step == GRADUATES:
        return ev.loc[(ev["origin"] == "sp600") & (ev["direction"] == "up")]
    return ev.loc[ev["move"] == step]


def up_from_600(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of S&P 600 graduates (moves up from the S&P 600), in date order."""
    if frame.empty:
        return frame
    return frame.loc[(frame["origin"] == "sp600") & frame["move"].isin(UP_ORDER)].sort_values("date")


def ci_column(lo, hi, digits: int = 1) -> list[str]:
    """``low to high`` per row (:func:`smallcaps.display.ci_text`); blank where there is no
    interval (the chapter's tables leave that cell empty)."""
    return [f"{a:.{digits}f} to {b:.{digits}f}" if finite(a) and finite(b) else ""
            for a, b in zip(lo, hi, strict=True)]


# -- the ladder: the chapter's opening sections ----------------------------------------------------------


class Ladder:
    """The moves on the S&P ladder in a window, and which index members have prices.

    Parameters
    ----------
    inputs
        The chapter's inputs.
    window
        The window analysed (default: the chapter's).
    spec
        The chapter's event definitions (``match_window_days``, ``pre_months``, ``post_months``,
        ``benchmark``): the notebook's parameters, the same values the claims get.
    """

    #: The anchor of the chapter's first section (the key its flags are glued under).
    section = "grad-moves"
    space = SpecSpace(MATCH_WINDOW, PRE_MONTHS, POST_MONTHS, BENCHMARK)

    def __init__(self, inputs: GraduationInputs, window=None, spec=None):
        self.inputs = inputs
        self.window = window if window is not None else inputs.window
        self.spec = self.space.resolve(spec, owner="Ladder")

    @property
    def events(self) -> pd.DataFrame:
        """Every move dated in the window (default matching window), with ``has_prices``."""
        return self.inputs.moves(self.window, self.spec.match_window_days)

    @property
    def events_alt(self) -> pd.DataFrame:
        """The same with the alternative matching window."""
        return self.inputs.moves(self.window, ALT_MATCH_WINDOW_DAYS)

    # -- the moves -----------------------------------------------------------------------------------

    def definitions_table(self) -> pd.DataFrame:
        """The event definitions in force, with their defaults and the alternative shown."""
        p = self.spec
        rows = [
            ("matching window", f"{p.match_window_days} days", f"{MATCH_WINDOW.default} days",
             f"{ALT_MATCH_WINDOW_DAYS} days",
             "largest gap between the removal from one index and the addition to the other"),
            ("event window", f"{p.pre_months} months before to {p.post_months} after",
             f"{PRE_MONTHS.default} before to {POST_MONTHS.default} after", "",
             "month ends around the last month end before the move"),
            ("benchmark", p.benchmark, BENCHMARK.default, "destination",
             "ETF of the index left (IJR, IJH) or joined (IJH, IVV)"),
            ("ranking window", f"{RANK_MONTHS} months", f"{RANK_MONTHS} months", "36 months",
             "return window for ranking a mover among its index's members"),
        ]
        return pd.DataFrame(rows, columns=["definition", "in use", "default", "alternative", "meaning"]).set_index(
            "definition")

    def evidence_table(self) -> pd.DataFrame:
        """Which evidence each move rests on, by move type: count, with prices, first and last date."""
        ev = self.events
        if ev.empty:
            return pd.DataFrame({"note": ["the window holds no move on the ladder"]}, index=pd.Index(["moves"], name="ladder"))
        g = ev.groupby(["move", "evidence"])
        out = pd.DataFrame({"moves": g.size(), "with prices": g["has_prices"].sum().astype(int),
                            "first": g["date"].min().dt.date, "last": g["date"].max().dt.date})
        order = {m: i for i, m in enumerate(UP_ORDER + DOWN_ORDER)}
        out = out.reset_index()
        out["_o"] = out["move"].map(order)
        return out.sort_values(["_o", "first"]).drop(columns="_o").set_index(["move", "evidence"])

    def by_year(self) -> pd.DataFrame:
        """Moves per calendar year by type (up moves first), with how many have prices.

        Returns
        -------
        DataFrame indexed by year: one column per move type, ``up``, ``up with prices``,
        ``down``, ``down with prices``; a final ``all years`` row.
        """
        ev = self.events
        if ev.empty:
            return pd.DataFrame({"note": ["the window holds no move on the ladder"]}, index=pd.Index(["moves"], name="ladder"))
        types = [t for t in UP_ORDER + DOWN_ORDER if t in set(ev["move"])]
        tab = pd.crosstab(ev["date"].dt.year, ev["move"]).reindex(columns=types, fill_value=0)
        for d in ("up", "down"):
            sel = ev["direction"] == d
            tab[d] = ev.loc[sel].groupby(ev["date"].dt.year).size().reindex(tab.index, fill_value=0)
            tab[f"{d} with prices"] = ev.loc[sel & ev["has_prices"]].groupby(ev["date"].dt.year).size().reindex(
                tab.index, fill_value=0)
        tab.loc["all years"] = tab.sum()
        tab.index.name = "year"
        tab.columns = [c.replace("S&P ", "") for c in tab.columns]  # "600 → 400": narrow enough for the page
        return tab.astype(int)

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.moves_by_year` (or why there is
        no figure)."""
        ev = self.events
        if ev.empty:
            return "the window holds no move on the ladder."
        g = ev.groupby([ev["date"].dt.year.rename("year"), "move", "direction"]).size().rename("moves").reset_index()
        up, down = int(ev["direction"].eq("up").sum()), int(ev["direction"].eq("down").sum())
        title = (f"{plural(up, 'move')} up and {down} down the S&P ladder since {ev['date'].min().year}; "
                 f"{percent(ev['has_prices'].mean()):.0f}% of the movers have prices")
        return {"data": g, "title": title, "note": "Source: pitindex events; moves matched within the window above."}

    # -- survivorship --------------------------------------------------------------------------------

    def coverage(self) -> pd.DataFrame:
        """Members and priced members of each index at each month end (long form; ``share`` decimal)."""
        inp, end = self.inputs, self.window.end

        def compute():
            frames = []
            for k, panel in inp.window_panels(self.window).items():
                if panel.empty:
                    continue
                c = ga.price_coverage(panel, inp.month_end_prices(end))
                frames.append(pd.DataFrame({"month": c.index, "index": ga.INDEX_LABELS[k], "share": c["share"].values,
                                            "members": c["members"].values, "priced": c["priced"].values}))
            return (pd.concat(frames, ignore_index=True) if frames
                    else pd.DataFrame(columns=["month", "index", "share", "members", "priced"]))

        return inp.memo(("coverage", self.window.start, end), compute)

    def coverage_table(self) -> pd.DataFrame:
        """Members and priced members at the first month end of each index's record, every fifth
        year-end, and the last month end (share in percent)."""
        cov = self.coverage()
        if cov.empty:
            return pd.DataFrame({"note": ["no index has a month end with members in the window"]}, index=pd.Index(["coverage"], name="check"))
        rows = []
        for name, g in cov.groupby("index", sort=False):
            g = g.set_index("month")
            picks = [g.index[0]] + [d for d in g.index if d.month == 12 and d.year % 5 == 0] + [g.index[-1]]
            for d in dict.fromkeys(picks):
                rows.append({"index": name, "month end": d.date(), "members": int(g.at[d, "members"]),
                             "with prices": int(g.at[d, "priced"]),
                             "share (%)": round(float(percent(g.at[d, "share"])), 1)})
        return pd.DataFrame(rows).set_index(["index", "month end"])

    def coverage_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.lines`: the priced share of members by index."""
        cov = self.coverage()
        if cov.empty:
            return "no index has a month end with members in the window."
        parts, records = [], []
        for name, g in cov.groupby("index", sort=False):
            parts.append(f"{name} {percent(g['share'].iloc[0]):.0f}% in {g['month'].iloc[0].year}")
            records.append(self._from_record_start(next(k for k, v in ga.INDEX_LABELS.items() if v == name)))
        last = percent(cov.groupby("index")["share"].last())
        lo, hi = f"{last.min():.0f}", f"{last.max():.0f}"
        end = f"{lo}% for each index" if lo == hi else f"{lo}-{hi}%"
        data = cov.assign(share=percent(cov["share"]))
        start = "at the start of coverage" if all(records) else "at the window's first month end"
        return {"data": data, "x": "month", "y": "share", "hue": "index",
                "title": f"Members with prices {start}: {', '.join(parts)}; at the end {end}",
                "xlabel": "month end", "ylabel": "members with a price (%)", "zero_line": False}

    def plot(self, draw: Callable[..., Any], data: Callable[[], Any] | None = None):
        """``draw(**data())`` (default ``data``: :meth:`figure`), or the note a figure method
        returns when the window has nothing to draw."""
        kwargs = (data or self.figure)()
        return kwargs if isinstance(kwargs, str) else draw(**kwargs)

    # -- the prose -----------------------------------------------------------------------------------

    def coverage_ends(self, index: str) -> tuple[float, int, float] | None:
        """The priced share of ``index``'s members (decimal) at its first month end in the window's
        record, that month's year, and the share at the last month end; None without a record."""
        cov = self.coverage()
        c = cov.loc[cov["index"] == ga.INDEX_LABELS[index]] if len(cov) else cov
        if len(c) == 0:
            return None
        return float(c["share"].iloc[0]), int(c["month"].iloc[0].year), float(c["share"].iloc[-1])

    def facts(self) -> dict[str, Fact]:
        ev, m, sp = self.events, self.inputs.memberships, self.spec
        up = ev.loc[ev["direction"] == "up"]
        s6 = up.loc[up["origin"] == "sp600"]
        c6, c4, c5 = (self.coverage_ends(k) or (None, None, None) for k in ("sp600", "sp400", "sp500"))
        n_400_500 = int((up["move"] == NEXT_RUNG).sum())
        n_priced = int(up["has_prices"].sum())
        return {
            "def_pre": count(sp.pre_months),
            "def_post": count(sp.post_months),
            "def_win": count(sp.match_window_days),
            "def_alt_win": count(ALT_MATCH_WINDOW_DAYS),
            "def_start_600": text(iso(m["sp600"].start)),
            "def_start_400": text(iso(m["sp400"].start)),
            "def_start_500": text(iso(m["sp500"].start)),
            "def_last_quote": text(iso(self.inputs.last_quote)),
            "ev_moves": text(plural(len(ev), "move")),
            "ev_n_up": count(len(up)),
            "ev_n_down": count(int((ev["direction"] == "down").sum())),
            "ev_600_leave": text(_agree(len(s6), "leaves", "leave")),
            "ev_n_600_text": count(int((s6["evidence"] == ga.TEXT_ONLY).sum())),
            "ev_n_600_500": count(int((up["move"] == "S&P 600 → S&P 500").sum())),
            "ev_400_500_go": text(_agree(n_400_500, "goes", "go")),
            "ev_up_priced_have": text(f"{n_priced:,} of the moves up {'has' if n_priced == 1 else 'have'}"),
            "ev_alt_extra": text(plural(len(self.events_alt) - len(ev), "move")),
            "cov_first_600": pct(c6[0], 1),
            "cov_last_600": pct(c6[2], 1),
            "cov_first_400": pct(c4[0], 1),
            "cov_first_year_400": text(None if c4[1] is None else str(c4[1])),
            "cov_first_500": pct(c5[0], 1),
            "cov_first_year_500": text(None if c5[1] is None else str(c5[1])),
        }

    def flags(self) -> dict[str, bool]:
        """``grad_moves`` (the window holds moves), ``grad_up`` (some go up), ``grad_up_600`` (some
        leave the S&P 600 upwards), ``grad_cov_all`` (the window holds the first month end of all
        three indices' records, so their coverage can be read from the start)."""
        ev = self.events
        up = ev.loc[ev["direction"] == "up"]
        return {"grad_moves": len(ev) > 0, "grad_up": len(up) > 0,
                "grad_up_600": bool((up["origin"] == "sp600").any()),
                "grad_cov_all": all(self._from_record_start(k) for k in ("sp600", "sp400", "sp500"))}

    def _from_record_start(self, index: str) -> bool:
        """Whether the window's first month end of ``index`` is its record's first."""
        whole = self.inputs.panels(self.window.end)[index]
        mine = self.inputs.window_panels(self.window)[index]
        return len(mine) > 0 and mine.index[0] == whole.index[0]

    def all_flags(self) -> dict[str, bool]:
        return self.flags()


def _agree(n: int, singular: str, plural_verb: str) -> str:
    """``1 leaves``, ``76 leave``: a count and its verb."""
    return f"{n:,} {singular if n == 1 else plural_verb}"
