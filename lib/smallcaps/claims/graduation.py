"""Thesis 4, index graduation (claims G1-G5): inputs, rules, evidence and verdicts.

Russell membership lists are not freely available, so the observable ladder is S&P's: the
SmallCap 600, the MidCap 400 and the 500, with point-in-time membership from ``pitindex``
(S&P 500 from 2004-12-30, S&P 400 from 2011-11-20, S&P 600 from 2021-03-31) and member prices
from the snapshot, which holds only tickers still listed on 2026-07-14.

A notebook cell calls one function here: :func:`load_inputs`, then one ``g*_evidence``
function per claim, its figure, and its ``g*_verdict``. Every threshold a verdict uses is in
:data:`RULES`, fixed before the evidence is computed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..analytics import graduation as ga
from ..book.params import Window, specs
from ..book.results import UNTESTABLE, ClaimResult, Rule, Sample, Statistic
from ..config import user_file
from ..errors import ParameterError
from ..stats import bootstrap_ci, mean_hac, ols_hac

# -- the claims' own numbers (source [E]: Qualis, "US Small Caps: The Opportunity Is No Longer
#    Theoretical", 2 July 2026) ----------------------------------------------------------------

#: [E] "43 companies moved from the Russell 2000 to the Russell 1000" in June 2026.
G3_CLAIM_MOVES = 43
#: [E] Bloom Energy, named as the most striking of those moves.
G3_CLAIM_STANDOUT = "BE"
#: The June 2026 Russell reconstitution (effective after the close of Friday 26 June 2026): a
#: user-supplied move dated in this range counts toward the claim's 43.
G3_RECON_WINDOW = ("2026-06-01", "2026-07-10")
#: [E] "almost 40% of Russell 2000 members are unprofitable".
G4_CLAIM_SHARE = 0.40

# -- event definitions: defaults and the alternative shown for robustness ----------------------

MATCH_WINDOW_DAYS = 7      # removal and addition at most a week apart (calendar days)
ALT_MATCH_WINDOW_DAYS = 31  # the alternative: a month, for dates pitindex took from page revisions
PRE_MONTHS = 36             # event window: months before the move
POST_MONTHS = 24            # and after
RANK_MONTHS = 12            # return window for ranking a mover among its index's members
FUTURE_MONTHS = 12          # "future graduates": members that move up within this many months
DISPERSION_MONTHS = 12      # return window whose cross-sectional spread measures dispersion
PROXY_SINCE = 1995          # G4 proxy: the average share is also reported over the last three decades, from this year
BENCHMARK = "origin"        # compare movers with the ETF of the index they leave...
ALT_BENCHMARK = "destination"  # ...or of the index they join
BENCHMARKS = ("origin", "destination")
MIN_EVENTS = 10             # fewer events than this: the claim is untestable in the window
DOMINANCE_MULTIPLE = 2.0    # "dominate": a return share at least twice the weight share
TOP_QUARTILE_RANK = 75.0
MEDIAN_RANK = 50.0
TAIL_STAYS_SHARE = 2.0 / 3.0
G3_PARTLY_TOLERANCE = 0.10  # within 10% of the claimed count
G4_SUPPORTED = (0.35, 0.45)
G4_PARTLY = (0.30, 0.50)

SECTIONS = {"G1": "g1", "G2": "g2", "G3": "g3", "G4": "g4", "G5": "g5"}
G1_STAT = "graduates' mean pre-move rank"  # short: the verdict table shows 80 characters


def _g2_stat(post: int, which: str) -> str:
    return f"graduates' {post}-month BHAR vs {'IJR' if which == 'origin' else 'IJH/IVV'}"

# -- rules, fixed before the evidence -----------------------------------------------------------

RULES: dict[str, Rule] = {
    "G1": Rule(
        claim_id="G1",
        claim="The best small caps graduate to a larger-cap index, while the lower-quality tail stays behind [E].",
        hypothesis=("S&P 600 members that move up the ladder come from the top of the index's return "
                    "distribution before the move, and the index's worst performers mostly stay in it."),
        statistic=(f"mean percentile rank (0-100) of S&P 600 graduates' {RANK_MONTHS}-month return before the move "
                   "among all S&P 600 members at the last month end before the move, with a 95% stationary-bootstrap "
                   "interval over events in date order; and the average share of bottom-quintile members (by "
                   f"{RANK_MONTHS}-month return) still in the index {RANK_MONTHS} months later."),
        supported=(f"the interval's lower end is above {TOP_QUARTILE_RANK:.0f} (graduates come from the top quartile) "
                   f"and at least two thirds of bottom-quintile members are still members {RANK_MONTHS} months later"),
        partly=f"the interval's lower end is above {MEDIAN_RANK:.0f} but not both conditions hold",
        not_supported=f"the interval's lower end is {MEDIAN_RANK:.0f} or below",
        untestable=(f"fewer than {MIN_EVENTS} S&P 600 graduates with prices fall in the window (pitindex's S&P 600 "
                    "membership starts on 2021-03-31)"),
    ),
    "G2": Rule(
        claim_id="G2",
        claim="A passive small-cap index catches winners late, lets them dominate its return, then loses them as they move up [E].",
        hypothesis=("S&P 600 graduates keep beating what the passive small-cap holder owns instead after they "
                    "leave (so handing them over costs the index), and members about to graduate supply a share of "
                    "the equal-weight index's return well above their weight."),
        statistic=(f"mean buy-and-hold excess return (BHAR: the graduate's compounded return minus the benchmark's) "
                   f"of S&P 600 graduates from the last month end before the move to {POST_MONTHS} months after, in pp, "
                   "against the benchmark "
                   "set by the `benchmark` parameter (default: the origin index's ETF, IJR), with a 95% "
                   "stationary-bootstrap interval over events in date order; and the share of the equal-weight "
                   "point-in-time S&P 600's summed monthly return that came from members graduating within "
                   "12 months, against their average weight."),
        supported=(f"the BHAR is positive with an interval excluding zero and future graduates' share of the return "
                   f"is at least {DOMINANCE_MULTIPLE:.0f} times their weight (or positive while the index's is not)"),
        partly="exactly one of the two holds",
        not_supported="neither holds",
        untestable=(f"fewer than {MIN_EVENTS} S&P 600 graduates have {POST_MONTHS} months of prices after the move "
                    "in the window, or the window holds no S&P 600 membership"),
    ),
    "G3": Rule(
        claim_id="G3",
        claim=(f"In the June 2026 Russell reconstitution, {G3_CLAIM_MOVES} companies moved from the Russell 2000 "
               "to the Russell 1000, Bloom Energy the most striking [E]."),
        hypothesis=(f"A Russell move list for the June 2026 reconstitution holds {G3_CLAIM_MOVES} moves from the "
                    "Russell 2000 to the Russell 1000, and Bloom Energy (BE) had the largest run-up of them."),
        statistic=(f"the number of Russell 2000 → Russell 1000 moves dated {G3_RECON_WINDOW[0]} to "
                   f"{G3_RECON_WINDOW[1]} in the user-supplied `moves_csv`; and whether BE has the largest "
                   f"{RANK_MONTHS}-month buy-and-hold excess return before the move among those movers with prices."),
        supported=f"the count is {G3_CLAIM_MOVES} and BE has the largest run-up",
        partly=(f"the count is within {G3_PARTLY_TOLERANCE:.0%} of {G3_CLAIM_MOVES} but not {G3_CLAIM_MOVES}, "
                f"or it is {G3_CLAIM_MOVES} but BE's run-up is not the largest"),
        not_supported=f"the count is more than {G3_PARTLY_TOLERANCE:.0%} away from {G3_CLAIM_MOVES}",
        untestable=("no `moves_csv` is given, or it holds no Russell 2000 → Russell 1000 move in June 2026: the "
                    "free data hold no Russell membership (the event study of any supplied moves is still shown)"),
    ),
    "G4": Rule(
        claim_id="G4",
        claim="Almost 40% of Russell 2000 members are unprofitable [E].",
        hypothesis="About 40% of Russell 2000 members had negative earnings in 2026.",
        statistic="the share of Russell 2000 members with negative trailing earnings, in percent.",
        supported=f"the share is {G4_SUPPORTED[0]:.0%} to {G4_SUPPORTED[1]:.0%}",
        partly=f"it is {G4_PARTLY[0]:.0%} to {G4_SUPPORTED[0]:.0%} or {G4_SUPPORTED[1]:.0%} to {G4_PARTLY[1]:.0%}",
        not_supported=f"it is below {G4_PARTLY[0]:.0%} or above {G4_PARTLY[1]:.0%}",
        untestable=("no member-level earnings for the Russell 2000 are available, which is the case for every free "
                    "source here; French's E/P firm counts give a market-wide share, shown only as a labelled proxy"),
    ),
    "G5": Rule(
        claim_id="G5",
        claim="Active selection beats passive exposure in small caps because dispersion is wide [E].",
        hypothesis=("The spread of 12-month returns is wider among small caps than among large caps (the premise), "
                    "and active small-cap managers turn it into returns above the index (the conclusion)."),
        statistic=("mean difference in the interquartile range of members' trailing 12-month returns, S&P 600 minus "
                   "S&P 500, month by month, in pp, with a 95% HAC interval (12 overlapping months)."),
        supported=("the premise holds (interval above zero) and active small-cap funds beat their index net of fees; "
                   "the second part needs fund returns that the free data lack, so this verdict cannot be reached here"),
        partly="never assigned: the premise alone does not show that selection pays",
        not_supported="the premise fails: the interval lies entirely at or below zero",
        untestable=("the premise holds or is undecided (the interval is above zero or includes it): whether active "
                    "selection beats passive needs active managers' net returns, e.g. S&P's SPIVA scorecards or "
                    "fund-level mutual-fund returns"),
    ),
}

# -- parameters ----------------------------------------------------------------------------------


def check_parameters(match_window_days, pre_months, post_months, benchmark) -> dict:
    """Validate the chapter's event-definition parameters (one-line errors).

    Raises
    ------
    ParameterError
        A value outside its valid range, naming the parameter.
    """
    table = specs("graduation")  # the valid ranges are declared once, with the notebook's parameters
    values = {"match_window_days": match_window_days, "pre_months": pre_months, "post_months": post_months,
              "benchmark": benchmark}
    return {name: table[name].check(value) for name, value in values.items()}


def chapter_parameters(match_window_days, pre_months, post_months, benchmark, moves_csv) -> dict:
    """The chapter's own parameters as recorded in its results (``moves_csv`` by file name
    only, so that no machine path enters the results)."""
    out = check_parameters(match_window_days, pre_months, post_months, benchmark)
    out["moves_csv"] = None if moves_csv in (None, "") else Path(str(moves_csv)).name
    return out


def glue_numbers(ch, prefix: str, numbers: dict, formats: dict | None = None) -> None:
    """Glue every value of ``numbers`` as ``<prefix>_<key>`` for the prose.

    Integers are glued with thousands separators, other numbers with one decimal unless
    ``formats`` gives a format for the key; strings and None pass through (None as "n/a").
    """
    formats = formats or {}
    for key, value in numbers.items():
        fmt = formats.get(key)
        if fmt is None:
            if isinstance(value, (bool, np.bool_)):
                value, fmt = ("yes" if value else "no"), None
            elif isinstance(value, (int, np.integer)):
                fmt = "{:,}"
            elif isinstance(value, (float, np.floating)):
                fmt = "{:.1f}"
        ch.glue(f"{prefix}_{key}", value, fmt)


# -- a user's list of moves ----------------------------------------------------------------------

MOVES_COLUMNS = ("ticker", "date", "from", "to")
_ALIASES = {
    "sp600": "sp600", "s&p600": "sp600", "s&psmallcap600": "sp600", "smallcap600": "sp600",
    "sp400": "sp400", "s&p400": "sp400", "s&pmidcap400": "sp400", "midcap400": "sp400",
    "sp500": "sp500", "s&p500": "sp500",
    "russell2000": "russell2000", "r2000": "russell2000", "r2k": "russell2000", "rut": "russell2000",
    "russell1000": "russell1000", "r1000": "russell1000", "r1k": "russell1000",
}
VALID_INDEX_NAMES = "S&P 600, S&P 400, S&P 500, Russell 2000, Russell 1000"


def index_key(name) -> str | None:
    """Canonical key (``sp600``...``russell1000``) of an index name, or None if unknown."""
    if not isinstance(name, str):
        return None
    k = "".join(name.lower().split()).replace("-", "").replace("_", "")
    return _ALIASES.get(k)


_TICKER = re.compile(r"[A-Za-z0-9][A-Za-z0-9./-]{0,11}")


def read_moves_csv(path, first=None, last=None) -> pd.DataFrame:
    """Read and validate a user-supplied CSV of index moves.

    Parameters
    ----------
    path
        CSV with a header and columns ``ticker, date, from, to`` (others ignored); ``date`` as
        YYYY-MM-DD, ``from``/``to`` index names such as ``Russell 2000`` or ``S&P 600``.
    first, last
        Valid date range (the price data's); None: unchecked.

    Returns
    -------
    DataFrame: ``ticker`` (upper case), ``date``, ``origin``, ``destination`` (keys),
    ``direction``, ``move``, ``evidence`` (``user list``), in date order.

    Raises
    ------
    ParameterError
        One line naming ``moves_csv``, the row (1 = first data row) and what is wrong; a
        company listed twice for the same date (a repeated row, or two moves on one day) names
        both rows: each move counts once toward a claim's count, so duplicates are refused
        rather than counted or silently dropped.
    """
    p = user_file(path)  # `smallcaps run` passes the file name; the path travels by environment
    if not p.is_file():
        raise ParameterError(f"moves_csv={p.name!r} is not a file; give a CSV with columns {', '.join(MOVES_COLUMNS)}")
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ParameterError(f"moves_csv={p.name!r} is not a readable CSV ({msg}); "
                             f"give columns {', '.join(MOVES_COLUMNS)}") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in MOVES_COLUMNS if c not in raw.columns]
    if missing:
        raise ParameterError(f"moves_csv lacks column(s) {', '.join(missing)}; required: {', '.join(MOVES_COLUMNS)}")
    if len(raw) == 0:
        raise ParameterError(f"moves_csv has no rows; give at least one move ({', '.join(MOVES_COLUMNS)})")
    f = pd.Timestamp(first) if first is not None else None
    lst = pd.Timestamp(last) if last is not None else None
    rows = []
    for i, r in enumerate(raw[list(MOVES_COLUMNS)].itertuples(index=False), start=1):
        ticker, date, src, dst = (str(v).strip() for v in r)
        if not ticker:
            raise ParameterError(f"moves_csv row {i}: ticker is empty; give the stock's ticker")
        if not _TICKER.fullmatch(ticker):
            raise ParameterError(f"moves_csv row {i}: ticker={ticker!r} is not a ticker; give letters and digits, "
                                 "with '.', '-' or '/' for share classes (at most 12 characters)")
        try:
            d = pd.to_datetime(date, format="%Y-%m-%d")
        except (ValueError, TypeError):
            raise ParameterError(f"moves_csv row {i}: date={date!r} is not a date; give YYYY-MM-DD") from None
        if (f is not None and d < f) or (lst is not None and d > lst):
            raise ParameterError(f"moves_csv row {i}: date={d.date()} is outside the price data; "
                                 f"valid: {f.date() if f is not None else '...'}..{lst.date() if lst is not None else '...'}")
        o, t = index_key(src), index_key(dst)
        for name, val, key in (("from", src, o), ("to", dst, t)):
            if key is None:
                raise ParameterError(f"moves_csv row {i}: {name}={val!r} is not a known index; valid: {VALID_INDEX_NAMES}")
        if o == t:
            raise ParameterError(f"moves_csv row {i}: from and to are both {ga.INDEX_LABELS[o]}; a move needs two indices")
        if ga.LADDER[o][0] != ga.LADDER[t][0]:
            raise ParameterError(f"moves_csv row {i}: from={ga.INDEX_LABELS[o]} and to={ga.INDEX_LABELS[t]} are on "
                                 "different ladders; valid pairs are within S&P (600, 400, 500) or within Russell (2000, 1000)")
        rows.append({"ticker": ticker.upper(), "date": d, "origin": o, "destination": t,
                     "direction": ga.direction(o, t), "move": ga.move_label(o, t), "evidence": "user list"})
    _refuse_duplicates(rows)
    return pd.DataFrame(rows).sort_values(["date", "ticker"], kind="stable", ignore_index=True)


def _refuse_duplicates(rows: list[dict]) -> None:
    """One line naming every row that repeats an earlier row's company and date (first five)."""
    first_row: dict[tuple, int] = {}
    dups = []
    for i, r in enumerate(rows, start=1):
        key = (r["ticker"], r["date"])
        if key in first_row:
            j = first_row[key]
            same = (rows[j - 1]["origin"], rows[j - 1]["destination"]) == (r["origin"], r["destination"])
            dups.append(f"row {i} {'repeats' if same else 'gives a second move for'} row {j} "
                        f"({r['ticker']} {r['date'].date()})")
        else:
            first_row[key] = i
    if dups:
        shown = "; ".join(dups[:5]) + (f"; and {len(dups) - 5} more" if len(dups) > 5 else "")
        raise ParameterError(f"moves_csv has {len(dups)} duplicate row(s) ({len(first_row)} distinct moves in "
                             f"{len(rows)} rows): {shown}; give each company's move on a date once")


# -- inputs -------------------------------------------------------------------------------------


@dataclass
class GraduationInputs:
    """Everything the chapter computes from, loaded once.

    Attributes
    ----------
    window
        The chapter's validated window.
    params
        Event definitions: ``match_window_days``, ``pre_months``, ``post_months``, ``benchmark``.
    memberships
        ``Membership`` per index (``sp600``, ``sp400``, ``sp500``).
    panels
        Month-end membership panels per index, from its coverage start to the window's end.
    prices
        Month-end adjusted closes of every stock in the snapshot's panel (complete months up to
        the window's end), USD.
    etfs
        Month-end adjusted closes of the benchmark ETFs (IJR, IJH, IVV, IWM, IWB).
    events
        Every move on the ladder (default matching window) dated inside the window, with
        ``has_prices`` (a price at the last month end before the move).
    events_alt
        The same with the alternative matching window.
    firms
        French E/P portfolios' firm counts (``<= 0`` and positive-E groups), monthly.
    user_moves
        The validated ``moves_csv`` rows, or None.
    vintage
        One line naming the data vintages.
    """

    window: Window
    params: dict
    memberships: dict
    panels: dict
    prices: pd.DataFrame
    etfs: pd.DataFrame
    events: pd.DataFrame
    events_alt: pd.DataFrame
    firms: pd.DataFrame
    user_moves: pd.DataFrame | None
    vintage: str
    coverage: tuple[pd.Timestamp, pd.Timestamp] = field(default=(pd.NaT, pd.NaT))
    last_quote: pd.Timestamp = pd.NaT  # the stock panel's last date: the day "still listed" refers to

    @property
    def last_month(self) -> pd.Timestamp:
        return self.prices.index[-1]


def _with_prices(events: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    ev = events.copy()
    if ev.empty:
        ev["has_prices"] = pd.Series(dtype=bool)
        return ev
    t0 = prices.index.searchsorted(pd.DatetimeIndex(ev["date"]) - pd.Timedelta(days=1), side="right") - 1
    col = prices.columns.get_indexer(ev["ticker"])
    vals = prices.to_numpy()
    ok = (t0 >= 0) & (col >= 0)
    has = np.zeros(len(ev), dtype=bool)
    has[ok] = np.isfinite(vals[t0[ok], col[ok]])
    ev["has_prices"] = has
    return ev


def load_inputs(ds, window: Window, *, match_window_days=MATCH_WINDOW_DAYS, pre_months=PRE_MONTHS,
                post_months=POST_MONTHS, benchmark=BENCHMARK, moves_csv=None) -> GraduationInputs:
    """Load and prepare the chapter's data through a ``DataSession``.

    Raises
    ------
    ParameterError
        A bad event-definition parameter or a malformed ``moves_csv``.
    """
    params = check_parameters(match_window_days, pre_months, post_months, benchmark)
    mem = {k: ds.membership(k) for k in ("sp600", "sp400", "sp500")}
    stocks = ds.prices(ds.stock_tickers())
    etf = ds.prices(sorted(set(ga.INDEX_ETFS.values())))
    french = ds.french("Portfolios_Formed_on_E-P")
    firms = french["firms"]
    end = min(window.end, max(m.end for m in mem.values()))
    prices_m = ga.month_end_prices(stocks.close, window.end)
    etf_m = ga.month_end_prices(etf.close, window.end).reindex(prices_m.index)
    panels = {}
    for k, m in mem.items():
        months = prices_m.index[(prices_m.index >= m.start) & (prices_m.index <= min(end, m.end))]
        panels[k] = m.panel(months) if len(months) else pd.DataFrame(dtype=bool)
    starts = {k: m.start for k, m in mem.items()}
    events = {k: m.events for k, m in mem.items()}

    def moves(days):
        mv = ga.ladder_moves(events, starts, days)
        mv = mv.loc[(mv["date"] >= window.start) & (mv["date"] <= window.end)]
        return _with_prices(mv.reset_index(drop=True), prices_m)

    user = None
    if moves_csv not in (None, ""):
        close = stocks.close
        user = read_moves_csv(moves_csv, close.index.min(), close.index.max())
        user = _with_prices(user, prices_m)
    px_last = stocks.close.index.max().date().isoformat()
    pit = mem["sp600"].provenance
    vintage = (f"Yahoo adjusted closes to {px_last}; {pit.vintage}; "
               f"French E/P firm counts ({french.provenance.vintage}, to {firms.index.max()})")
    first = min(m.start for m in mem.values())
    last = min(max(m.end for m in mem.values()), stocks.close.index.max())
    return GraduationInputs(window=window, params=params, memberships=mem, panels=panels, prices=prices_m,
                            etfs=etf_m, events=moves(params["match_window_days"]),
                            events_alt=moves(ALT_MATCH_WINDOW_DAYS), firms=firms, user_moves=user,
                            vintage=vintage, coverage=(first, last), last_quote=stocks.close.index.max())


def definition_numbers(inp: GraduationInputs) -> dict:
    """The definitions, the claims' own numbers and the data's coverage dates, for the prose."""
    m = inp.memberships
    return {
        "pre": inp.params["pre_months"], "post": inp.params["post_months"], "win": inp.params["match_window_days"],
        "alt_win": ALT_MATCH_WINDOW_DAYS, "rank_months": RANK_MONTHS, "min_events": MIN_EVENTS,
        "claim_moves": G3_CLAIM_MOVES, "claim_share": 100 * G4_CLAIM_SHARE, "claim_standout": G3_CLAIM_STANDOUT,
        "recon_from": G3_RECON_WINDOW[0], "recon_to": G3_RECON_WINDOW[1],
        "start_600": m["sp600"].start.date().isoformat(), "start_400": m["sp400"].start.date().isoformat(),
        "start_500": m["sp500"].start.date().isoformat(), "end_members": m["sp600"].end.date().isoformat(),
        "last_month": inp.prices.index[-1].date().isoformat(), "benchmark": inp.params["benchmark"],
        "last_quote": pd.Timestamp(inp.last_quote).date().isoformat() if pd.notna(inp.last_quote) else None,
        "dominance": DOMINANCE_MULTIPLE, "tail_share": 100 * TAIL_STAYS_SHARE, "future": FUTURE_MONTHS,
        "disp_months": DISPERSION_MONTHS,
    }


# -- the moves ----------------------------------------------------------------------------------

_UP_ORDER = ["S&P 600 → S&P 400", "S&P 400 → S&P 500", "S&P 600 → S&P 500"]
_DOWN_ORDER = ["S&P 500 → S&P 400", "S&P 400 → S&P 600", "S&P 500 → S&P 600"]


def definitions_table(inp: GraduationInputs) -> pd.DataFrame:
    """The event definitions in force, with their defaults and the alternative shown."""
    p = inp.params
    rows = [
        ("matching window", f"{p['match_window_days']} days", f"{MATCH_WINDOW_DAYS} days", f"{ALT_MATCH_WINDOW_DAYS} days",
         "largest gap between the removal from one index and the addition to the other"),
        ("event window", f"{p['pre_months']} months before to {p['post_months']} after",
         f"{PRE_MONTHS} before to {POST_MONTHS} after", "", "month ends around the last month end before the move"),
        ("benchmark", p["benchmark"], BENCHMARK, ALT_BENCHMARK,
         "ETF of the index left (IJR, IJH) or joined (IJH, IVV)"),
        ("ranking window", f"{RANK_MONTHS} months", f"{RANK_MONTHS} months", "36 months",
         "return window for ranking a mover among its index's members"),
    ]
    return pd.DataFrame(rows, columns=["definition", "in use", "default", "alternative", "meaning"]).set_index("definition")


def events_by_year(inp: GraduationInputs) -> pd.DataFrame:
    """Moves per calendar year by type (up moves first), with how many have prices.

    Returns
    -------
    DataFrame indexed by year: one column per move type, ``up``, ``up with prices``,
    ``down``, ``down with prices``; a final ``all years`` row.
    """
    ev = inp.events
    types = [t for t in _UP_ORDER + _DOWN_ORDER if t in set(ev["move"])]
    tab = pd.crosstab(ev["date"].dt.year, ev["move"]).reindex(columns=types, fill_value=0)
    for d in ("up", "down"):
        sel = ev["direction"] == d
        tab[d] = ev.loc[sel].groupby(ev["date"].dt.year).size().reindex(tab.index, fill_value=0)
        tab[f"{d} with prices"] = ev.loc[sel & ev["has_prices"]].groupby(ev["date"].dt.year).size().reindex(tab.index, fill_value=0)
    tab.loc["all years"] = tab.sum()
    tab.index.name = "year"
    tab.columns = [c.replace("S&P ", "") for c in tab.columns]  # "600 → 400": narrow enough for the page
    return tab.astype(int)


def evidence_table(inp: GraduationInputs) -> pd.DataFrame:
    """Which evidence each move rests on, by move type: count, with prices, first and last date."""
    ev = inp.events
    g = ev.groupby(["move", "evidence"])
    out = pd.DataFrame({"moves": g.size(), "with prices": g["has_prices"].sum().astype(int),
                        "first": g["date"].min().dt.date, "last": g["date"].max().dt.date})
    order = {m: i for i, m in enumerate(_UP_ORDER + _DOWN_ORDER)}
    out = out.reset_index()
    out["_o"] = out["move"].map(order)
    return out.sort_values(["_o", "first"]).drop(columns="_o").set_index(["move", "evidence"])


def events_long(inp: GraduationInputs) -> pd.DataFrame:
    """Moves per year and type in long form for the figure (down moves negative)."""
    ev = inp.events
    g = ev.groupby([ev["date"].dt.year.rename("year"), "move", "direction"]).size().rename("moves").reset_index()
    g["signed"] = np.where(g["direction"] == "up", g["moves"], -g["moves"])
    return g


def events_title(inp: GraduationInputs) -> str:
    ev = inp.events
    up, down = ev["direction"].eq("up"), ev["direction"].eq("down")
    share = 100 * ev["has_prices"].mean() if len(ev) else float("nan")
    first = ev["date"].min().year if len(ev) else None
    return (f"{up.sum()} moves up and {down.sum()} down the S&P ladder since {first}; "
            f"{share:.0f}% of the movers have prices")


def events_numbers(inp: GraduationInputs) -> dict:
    """Counts for the prose."""
    ev = inp.events
    up = ev.loc[ev["direction"] == "up"]
    s6 = up.loc[up["origin"] == "sp600"]
    return {
        "n_moves": len(ev), "n_up": len(up), "n_down": int((ev["direction"] == "down").sum()),
        "n_up_priced": int(up["has_prices"].sum()),
        "n_600_up": len(s6), "n_600_up_priced": int(s6["has_prices"].sum()),
        "n_600_text": int((s6["evidence"] == ga.TEXT_ONLY).sum()),
        "n_400_500": int((up["move"] == "S&P 400 → S&P 500").sum()),
        "n_600_500": int((up["move"] == "S&P 600 → S&P 500").sum()),
        "n_alt": len(inp.events_alt),
        "n_alt_extra": len(inp.events_alt) - len(ev),
    }


# -- survivorship: price coverage ---------------------------------------------------------------


def coverage_over_time(inp: GraduationInputs) -> pd.DataFrame:
    """Share of each index's members with a price at each month end (long form, percent)."""
    frames = []
    for k, panel in inp.panels.items():
        if panel.empty:
            continue
        c = ga.price_coverage(panel, inp.prices)
        frames.append(pd.DataFrame({"month": c.index, "index": ga.INDEX_LABELS[k], "share": 100 * c["share"].values,
                                    "members": c["members"].values, "priced": c["priced"].values}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["month", "index", "share"])


def coverage_table(inp: GraduationInputs) -> pd.DataFrame:
    """Members and priced members at the first month end of each index's coverage, every fifth
    year-end, and the last month end."""
    cov = coverage_over_time(inp)
    rows = []
    for name, g in cov.groupby("index", sort=False):
        g = g.set_index("month")
        picks = [g.index[0]] + [d for d in g.index if d.month == 12 and d.year % 5 == 0] + [g.index[-1]]
        for d in dict.fromkeys(picks):
            rows.append({"index": name, "month end": d.date(), "members": int(g.at[d, "members"]),
                         "with prices": int(g.at[d, "priced"]), "share (%)": round(float(g.at[d, "share"]), 1)})
    return pd.DataFrame(rows).set_index(["index", "month end"])


def coverage_title(inp: GraduationInputs) -> str:
    cov = coverage_over_time(inp)
    parts = []
    for name, g in cov.groupby("index", sort=False):
        parts.append(f"{name} {g['share'].iloc[0]:.0f}% in {g['month'].iloc[0].year}")
    last = cov.groupby("index")["share"].last()
    lo, hi = f"{last.min():.0f}", f"{last.max():.0f}"
    end = f"{lo}% for each index" if lo == hi else f"{lo}-{hi}%"
    return f"Members with prices at the start of coverage: {', '.join(parts)}; at the end {end}"


def coverage_numbers(inp: GraduationInputs) -> dict:
    """Price coverage at the start and end of each index's coverage (percent), for the prose."""
    cov = coverage_over_time(inp)
    out = {}
    for k, label in ga.INDEX_LABELS.items():
        g = cov.loc[cov["index"] == label] if len(cov) else cov
        if len(g) == 0:
            continue
        key = k[2:]
        out[f"first_{key}"] = float(g["share"].iloc[0])
        out[f"first_year_{key}"] = str(g["month"].iloc[0].year)
        out[f"last_{key}"] = float(g["share"].iloc[-1])
        ever = inp.panels[k].any(axis=0)
        have = inp.prices.columns.intersection(ever.index[ever.to_numpy()])
        priced_ever = inp.prices[have].notna().any(axis=0).sum() if len(have) else 0
        out[f"ever_{key}"] = int(ever.sum())
        out[f"ever_priced_{key}"] = int(priced_ever)
    return out


# -- G1: who graduates, who stays -----------------------------------------------------------------


@dataclass
class G1Evidence:
    """Evidence for G1.

    Attributes
    ----------
    ranks
        One row per priced mover with a rank (:func:`analytics.graduation.pre_move_ranks`).
    ranks_alt
        The same over 36 months.
    summary
        Mean rank by move type with bootstrap intervals and survivorship bounds.
    quintiles
        For S&P 600 and S&P 400 members: share moving up, staying, leaving within 12 months
        and next-12-month excess return, by quintile of the past 12 months' return.
    rank_600
        The deciding estimate (mean rank of S&P 600 graduates) or None.
    tail_stays
        Mean share of bottom-quintile S&P 600 members still members 12 months later (HAC
        estimate), or None.
    """

    ranks: pd.DataFrame
    ranks_alt: pd.DataFrame
    summary: pd.DataFrame
    quintiles: pd.DataFrame
    rank_600: object
    tail_stays: object
    quintile_raw: dict


def _rank_summary(ranks: pd.DataFrame, label: str) -> pd.DataFrame:
    rows = []
    for move, g in ranks.groupby("move", sort=False):
        g = g.sort_values("date")
        est = _boot(g["rank"])
        rows.append({"move": move, "window": label, "movers ranked": len(g),
                     "mean rank": g["rank"].mean(), "ci_low": est.ci_low if est else np.nan,
                     "ci_high": est.ci_high if est else np.nan,
                     "bound: missing above": g["rank_low"].mean(), "bound: missing below": g["rank_high"].mean(),
                     "members priced (%)": 100 * (g["priced"] / g["members"]).mean()})
    return pd.DataFrame(rows)


def g1_evidence(inp: GraduationInputs) -> G1Evidence:
    """Ranks of movers before their moves, and what happens to members by return quintile."""
    ev = inp.events.loc[inp.events["has_prices"]]
    ranks = ga.pre_move_ranks(_shift_dates(ev), inp.prices, inp.panels, RANK_MONTHS)
    ranks_alt = ga.pre_move_ranks(_shift_dates(ev), inp.prices, inp.panels, 36)
    ranks["date"] = ranks["date"] + pd.Timedelta(days=1)
    ranks_alt["date"] = ranks_alt["date"] + pd.Timedelta(days=1)
    order = {m: i for i, m in enumerate(_UP_ORDER + _DOWN_ORDER)}
    summary = pd.concat([_rank_summary(ranks, f"{RANK_MONTHS} months"), _rank_summary(ranks_alt, "36 months")])
    if len(summary):
        summary["_o"] = summary["move"].map(order)
        summary = summary.sort_values(["window", "_o"]).drop(columns="_o").set_index(["window", "move"])
    up = inp.events.loc[inp.events["direction"] == "up"]
    qrows, raw = [], {}
    for k in ("sp600", "sp400"):
        panel = inp.panels.get(k)
        if panel is None or len(panel) <= RANK_MONTHS:
            continue
        q = ga.quintile_outcomes(inp.prices, panel, up.loc[up["origin"] == k], RANK_MONTHS)
        if q.empty:
            continue
        raw[k] = q
        agg = q.groupby("quintile").agg(cohorts=("month", "nunique"), members=("n", "mean"), moved_up=("moved_up", "mean"),
                                        stayed=("stayed", "mean"), left=("left", "mean"), next_excess=("next_excess", "mean"))
        agg.insert(0, "index", ga.INDEX_LABELS[k])
        qrows.append(agg.reset_index())
    quint = pd.concat(qrows, ignore_index=True) if qrows else pd.DataFrame()
    r6 = ranks.loc[(ranks["origin"] == "sp600") & ranks["move"].isin(_UP_ORDER)]
    rank_600 = _boot(r6.sort_values("date")["rank"])
    tail = None
    if "sp600" in raw:
        b = raw["sp600"].loc[raw["sp600"]["quintile"] == 1].set_index("month")["stayed"]
        if len(b) >= 3:
            tail = mean_hac(b, overlap=RANK_MONTHS)
    return G1Evidence(ranks, ranks_alt, summary, quint, rank_600, tail, raw)


def _shift_dates(ev: pd.DataFrame) -> pd.DataFrame:
    """Dates one day earlier: pitindex's end-of-day convention makes a stock removed on day d
    a member through d - 1, so the last month end before the move is found from d - 1."""
    return ev.assign(date=ev["date"] - pd.Timedelta(days=1))


def _interval(lo, hi) -> list[str]:
    return [f"{a:.1f} to {b:.1f}" if np.isfinite(a) and np.isfinite(b) else "" for a, b in zip(lo, hi, strict=True)]


def g1_table(g1: G1Evidence) -> pd.DataFrame:
    """Mean percentile rank by move type (12-month window, 36-month alongside), for display."""
    s = g1.summary
    if s.empty:
        return s
    a = s.loc[f"{RANK_MONTHS} months"]
    b = s.loc["36 months"].reindex(a.index) if "36 months" in s.index.get_level_values(0) else None
    out = pd.DataFrame({"movers": a["movers ranked"], "mean rank": a["mean rank"].round(1),
                        "95% CI": _interval(a["ci_low"], a["ci_high"]),
                        "bounds: unpriced above / below": _interval(a["bound: missing above"], a["bound: missing below"]),
                        "mean rank, 36-month return": b["mean rank"].round(1) if b is not None else np.nan,
                        "members priced (%)": a["members priced (%)"].round(1)}, index=a.index)
    return out


def g1_quintile_table(g1: G1Evidence) -> pd.DataFrame:
    """Outcomes 12 months on by return quintile (percent), rounded for display."""
    q = g1.quintiles.copy()
    if q.empty:
        return q
    for c in ("moved_up", "stayed", "left", "next_excess"):
        q[c] = 100 * q[c]
    q = q.rename(columns={"moved_up": "moved up (%)", "stayed": "still a member (%)", "left": "left (%)",
                          "next_excess": "next 12m excess (pp)", "members": "members per cohort"})
    return q.set_index(["index", "quintile"]).round(1)


def g1_plot_data(g1: G1Evidence) -> pd.DataFrame:
    s = g1.summary
    if s.empty:
        return s
    d = s.loc[f"{RANK_MONTHS} months"].reset_index()
    d["label"] = [f"{m} (n={n})" for m, n in zip(d["move"], d["movers ranked"], strict=True)]
    return d


def g1_title(g1: G1Evidence) -> str:
    d = g1_plot_data(g1)
    if d.empty:
        return "No movers could be ranked in this window"
    up = d.loc[d["move"].isin(_UP_ORDER)]
    down = d.loc[d["move"].isin(_DOWN_ORDER)]
    parts = []
    if len(up):
        parts.append(f"graduates ranked {up['mean rank'].min():.0f}-{up['mean rank'].max():.0f} on average")
    if len(down):
        parts.append(f"demoted names {down['mean rank'].min():.0f}-{down['mean rank'].max():.0f}")
    return ("Before the move, " + " and ".join(parts) + f" (percentile of {RANK_MONTHS}-month return in their index)")


def g1_numbers(g1: G1Evidence) -> dict:
    out = {"rank": None, "rank_lo": None, "rank_hi": None, "rank_n": 0, "tail": None, "tail_lo": None, "tail_hi": None,
           "top_up": None, "bottom_up": None, "bottom_left": None, "bottom_next": None, "top_next": None,
           "rank_bound_low": None, "rank_bound_high": None, "rank_400": None, "rank_400_down": None}
    if g1.rank_600 is not None:
        e = g1.rank_600
        out.update(rank=e.value, rank_lo=e.ci_low, rank_hi=e.ci_high, rank_n=e.n)
        r6 = g1.ranks.loc[(g1.ranks["origin"] == "sp600") & g1.ranks["move"].isin(_UP_ORDER)]
        out.update(rank_bound_low=r6["rank_low"].mean(), rank_bound_high=r6["rank_high"].mean())
    if g1.tail_stays is not None:
        e = g1.tail_stays
        out.update(tail=100 * e.value, tail_lo=100 * e.ci_low, tail_hi=100 * min(e.ci_high, 1.0))
    q = g1.quintiles
    if not q.empty and (q["index"] == "S&P 600").any():
        q6 = q.loc[q["index"] == "S&P 600"].set_index("quintile")
        out.update(top_up=100 * q6.at[5, "moved_up"], bottom_up=100 * q6.at[1, "moved_up"],
                   bottom_left=100 * q6.at[1, "left"], bottom_next=100 * q6.at[1, "next_excess"],
                   top_next=100 * q6.at[5, "next_excess"])
    bn, tn = out["bottom_next"], out["top_next"]
    if bn is None or tn is None:
        out["persist_text"] = "the quintiles could not be followed in this window"
    elif bn < 0 < tn:
        out["persist_text"] = "returns persisted at both ends rather than reverting"
    elif tn < 0 < bn:
        out["persist_text"] = "returns reverted: the laggards caught up and the leaders fell back"
    else:
        out["persist_text"] = "neither end clearly persisted or reverted"
    s = g1.summary
    if not s.empty and (f"{RANK_MONTHS} months", "S&P 400 → S&P 500") in s.index:
        out["rank_400"] = s.loc[(f"{RANK_MONTHS} months", "S&P 400 → S&P 500"), "mean rank"]
    if not s.empty and (f"{RANK_MONTHS} months", "S&P 400 → S&P 600") in s.index:
        out["rank_400_down"] = s.loc[(f"{RANK_MONTHS} months", "S&P 400 → S&P 600"), "mean rank"]
    return out


def g1_robustness(g1: G1Evidence, inp: GraduationInputs) -> pd.DataFrame:
    """Mean rank of S&P 600 graduates under alternative definitions, subperiods and the
    survivorship bounds, and the next rung (S&P 400 -> 500) for comparison."""
    def up600(r):
        return r.loc[(r["origin"] == "sp600") & r["move"].isin(_UP_ORDER)].sort_values("date")

    rows = []

    def add(label, x):
        x = pd.Series(x).dropna()
        e = _boot(x)
        rows.append({"variant": label, "movers": len(x), "mean rank": x.mean() if len(x) else np.nan,
                     "ci_low": e.ci_low if e else np.nan, "ci_high": e.ci_high if e else np.nan})

    base = up600(g1.ranks)
    add(f"default: {RANK_MONTHS}-month return, {inp.params['match_window_days']}-day matching window", base["rank"])
    add("36-month return", up600(g1.ranks_alt)["rank"])
    alt = inp.events_alt.loc[inp.events_alt["has_prices"]]
    ra = ga.pre_move_ranks(_shift_dates(alt), inp.prices, inp.panels, RANK_MONTHS)
    add(f"{ALT_MATCH_WINDOW_DAYS}-day matching window", up600(ra)["rank"])
    if len(base):
        mid = base["date"].iloc[len(base) // 2]
        add(f"moves before {mid.date()}", base.loc[base["date"] < mid, "rank"])
        add(f"moves from {mid.date()}", base.loc[base["date"] >= mid, "rank"])
        add("bound: unpriced members all ranked above", base["rank_low"])
        add("bound: unpriced members all ranked below", base["rank_high"])
    r4 = g1.ranks.loc[g1.ranks["move"] == "S&P 400 → S&P 500"].sort_values("date")
    add("next rung: S&P 400 → S&P 500", r4["rank"])
    out = pd.DataFrame(rows).set_index("variant")
    return pd.DataFrame({"movers": out["movers"], "mean rank": out["mean rank"].round(1),
                         "95% CI": _interval(out["ci_low"], out["ci_high"])}, index=out.index)


def g1_verdict(g1: G1Evidence, inp: GraduationInputs) -> ClaimResult:
    """Apply RULES['G1']."""
    rule = RULES["G1"]
    e = g1.rank_600
    if e is None:
        n = int(((g1.ranks["origin"] == "sp600") & g1.ranks["move"].isin(_UP_ORDER)).sum()) if len(g1.ranks) else 0
        return ClaimResult("G1", rule.claim, rule.text(), UNTESTABLE,
                           Statistic(G1_STAT, None, "percentile"),
                           _sample(inp, n, "events"), inp.vintage, SECTIONS["G1"],
                           f"Only {n} S&P 600 graduates with prices in the window; deciding it needs point-in-time "
                           "S&P 600 (or Russell 2000) membership with member prices over the window.")
    tail_ok = g1.tail_stays is not None and g1.tail_stays.value >= TAIL_STAYS_SHARE
    if e.ci_low > TOP_QUARTILE_RANK and tail_ok:
        verdict = "supported"
    elif e.ci_low > MEDIAN_RANK:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    tail = (f"{100 * g1.tail_stays.value:.0f}% of bottom-quintile members were still in the index a year later"
            if g1.tail_stays is not None else "the tail's retention could not be measured")
    note = (f"Graduates ranked {e.value:.0f} on average ({e.ci_low:.0f} to {e.ci_high:.0f}) and {tail}; "
            "measured on the S&P 600 → 400/500 ladder, the observable analogue of Russell 2000 → 1000.")
    st = Statistic(G1_STAT, e.value, "percentile", e.ci_low, e.ci_high, e.level, e.method)
    r6 = g1.ranks.loc[(g1.ranks["origin"] == "sp600") & g1.ranks["move"].isin(_UP_ORDER)]
    return ClaimResult("G1", rule.claim, rule.text(), verdict, st, _sample(inp, e.n, "events", r6), inp.vintage,
                       SECTIONS["G1"], note)


def _sample(inp: GraduationInputs, n: int, freq: str, frame: pd.DataFrame | None = None, col: str = "date") -> Sample:
    if frame is not None and len(frame):
        return Sample(pd.Timestamp(frame[col].min()).date().isoformat(), pd.Timestamp(frame[col].max()).date().isoformat(),
                      int(n), freq)
    return Sample(inp.window.start.date().isoformat(), inp.window.end.date().isoformat(), int(n), freq)


# -- G2: event study, contributions, buy-and-hold -------------------------------------------------


def _benchmark_col(ev: pd.DataFrame, which: str) -> pd.Series:
    key = ev["origin"] if which == "origin" else ev["destination"]
    return key.map(ga.INDEX_ETFS)


def run_event_study(events: pd.DataFrame, inp: GraduationInputs, which: str) -> ga.EventStudy:
    """Event study of ``events`` against the origin's or the destination's ETF."""
    ev = _shift_dates(events).assign(benchmark=lambda d: _benchmark_col(d, which))
    st = ga.event_study(ev, inp.prices, inp.etfs, pre=inp.params["pre_months"], post=inp.params["post_months"])
    st.events["date"] = st.events["date"] + pd.Timedelta(days=1)
    return st


def _step(ev: pd.DataFrame, step: str) -> pd.DataFrame:
    if step == "S&P 600 graduates":
        return ev.loc[(ev["origin"] == "sp600") & (ev["direction"] == "up")]
    if step == "S&P 400 → S&P 500":
        return ev.loc[ev["move"] == "S&P 400 → S&P 500"]
    if step == "S&P 400 → S&P 600":
        return ev.loc[ev["move"] == "S&P 400 → S&P 600"]
    raise ParameterError(f"step={step!r} is unknown")


@dataclass
class G2Evidence:
    """Evidence for G2: event studies, contributions and buy-and-hold.

    Attributes
    ----------
    studies
        ``{(step, benchmark): EventStudy}`` for the S&P 600 graduates and the S&P 400 → 500 step.
    paths
        BHAR paths (before: from month -pre; after: from the move) with intervals, long form (percent).
    summary
        Pre- and post-move CARs by step and benchmark (pp) with intervals and samples.
    runup
        Where the pre-move run-up happened (in the origin index or not), by step.
    contributions
        ``{index: monthly contributions}`` of future graduates to the equal-weight index.
    yearly
        Yearly contributions, long form.
    dominance
        ``{index: dominance dict}``.
    bh
        ``{index: DataFrame}`` growth of $1: point-in-time EW, frozen roster EW, frozen roster
        buy-and-hold (with bounds) and the ETF.
    robustness
        The deciding BHAR under alternative definitions, subperiods and survivorship bounds.
    post
        The deciding estimate or None; ``post_n`` its events.
    """

    studies: dict
    paths: pd.DataFrame
    summary: pd.DataFrame
    runup: pd.DataFrame
    contributions: dict
    yearly: pd.DataFrame
    dominance: dict
    bh: dict
    robustness: pd.DataFrame
    post: object
    post_events: pd.DataFrame
    lookahead_end: pd.Timestamp | None
    post_months: int = POST_MONTHS


def _boot(x: pd.Series):
    """Stationary-bootstrap interval of the mean over events in the given order, or None with
    fewer than MIN_EVENTS events (or no variation: no interval to estimate)."""
    x = pd.Series(x).dropna()
    if len(x) < MIN_EVENTS or float(x.std()) == 0.0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):  # block-length search on runs of tied ranks
        return bootstrap_ci(x)


def _windows(pre: int, post: int) -> list[tuple[str, int, int]]:
    """The BHAR windows every summary reports: the last year before the move, the whole
    pre-move window, and the months after."""
    return [(f"BHAR -{RANK_MONTHS}..0", -RANK_MONTHS, 0), (f"BHAR -{pre}..0", -pre, 0), (f"BHAR 0..+{post}", 0, post)]


def _bhar_row(st: ga.EventStudy, label: dict, post: int) -> dict:
    row = dict(label)
    row["movers"] = len(st.events)
    row["with prices"] = int(st.events["has_prices"].sum())
    for name, a, b in _windows(st.pre, post):
        x = st.bhar(a, b).dropna()
        e = _boot(x)
        row[name] = 100 * x.mean() if len(x) else np.nan
        row[f"{name} low"] = 100 * e.ci_low if e else np.nan
        row[f"{name} high"] = 100 * e.ci_high if e else np.nan
        row[f"{name} median"] = 100 * x.median() if len(x) else np.nan
    row[f"n 0..+{post}"] = int(st.bhar(0, post).notna().sum())
    return row


def g2_evidence(inp: GraduationInputs) -> G2Evidence:
    """Event studies of the graduates, their contribution to the equal-weight index, and the
    frozen roster against the reconstituted index."""
    post = inp.params["post_months"]
    ev = inp.events.loc[inp.events["has_prices"]]
    studies, paths, rows = {}, [], []
    for step in ("S&P 600 graduates", "S&P 400 → S&P 500"):
        e = _step(ev, step)
        if len(e) < 3:
            continue
        for which in BENCHMARKS:
            st = run_event_study(e, inp, which)
            studies[(step, which)] = st
            bname = "/".join(sorted(set(_benchmark_col(e, which))))
            p = ga.bhar_path(st)
            p["step"], p["benchmark"], p["which"] = step, f"{bname} ({which})", which
            paths.append(p)
            rows.append(_bhar_row(st, {"step": step, "benchmark": f"{bname} ({which})"}, post))
    paths_df = pd.concat(paths, ignore_index=True) if paths else pd.DataFrame()
    for c in ("mean", "ci_low", "ci_high", "median", "q25", "q75"):
        if c in paths_df:
            paths_df[c] = 100 * paths_df[c]
    summary = pd.DataFrame(rows).set_index(["step", "benchmark"]) if rows else pd.DataFrame()
    # where the run-up happened
    run = []
    for step in ("S&P 600 graduates", "S&P 400 → S&P 500"):
        st = studies.get((step, "origin"))
        if st is None:
            continue
        r = ga.runup_by_membership(st, inp.panels)
        r["step"] = step
        run.append(r.reset_index())
    runup = pd.concat(run, ignore_index=True) if run else pd.DataFrame()
    # contributions of future graduates
    contributions, yearly, dom = {}, [], {}
    rets = inp.prices / inp.prices.shift(1) - 1.0
    up = inp.events.loc[inp.events["direction"] == "up"]
    mem_end = min(inp.memberships["sp600"].end, inp.window.end)
    lookahead_end = (mem_end - pd.DateOffset(months=FUTURE_MONTHS)) + pd.offsets.MonthEnd(0)
    for k in ("sp600", "sp400"):
        panel = inp.panels.get(k)
        if panel is None or len(panel) < 3:
            continue
        months = panel.index[1:]
        held = ga.start_of_month_membership(panel, months)
        flags = ga.future_move_flags(held, up.loc[up["origin"] == k], FUTURE_MONTHS)
        monthly = ga.ew_contributions(rets, held, flags)
        contributions[k] = monthly
        y = ga.yearly_contributions(monthly, complete_until=lookahead_end)
        y.insert(0, "index", ga.INDEX_LABELS[k])
        yearly.append(y.reset_index())
        dom[k] = ga.dominance(monthly, until=lookahead_end)
    yearly_df = pd.concat(yearly, ignore_index=True) if yearly else pd.DataFrame()
    # frozen roster against the reconstituted index
    bh = {}
    for k in ("sp600", "sp400"):
        panel = inp.panels.get(k)
        if panel is None or len(panel) < 13:
            continue
        bh[k] = _buy_and_hold(inp, k, panel, rets)
    # deciding estimate and robustness
    which = inp.params["benchmark"]
    st = studies.get(("S&P 600 graduates", which))
    post_x = st.bhar(0, post).dropna() if st is not None else pd.Series(dtype=float)
    post_est = _boot(post_x)
    post_events = st.events.loc[post_x.index] if st is not None else pd.DataFrame()
    robust = _g2_robustness(inp, studies, which, post)
    return G2Evidence(studies, paths_df, summary, runup, contributions, yearly_df, dom, bh, robust, post_est,
                      post_events, lookahead_end, post)


def _buy_and_hold(inp: GraduationInputs, k: str, panel: pd.DataFrame, rets: pd.DataFrame) -> pd.DataFrame:
    start = panel.index[0]
    roster = panel.columns[panel.iloc[0].to_numpy()]
    etf = ga.INDEX_ETFS[k]
    bench = inp.etfs[etf].loc[start:]
    b = ga.buy_and_hold(inp.prices.loc[: panel.index[-1]], roster, start, bench)
    months = panel.index[1:]
    held = ga.start_of_month_membership(panel, months)
    pit = ga.ew_index(rets, held)
    frozen = pd.DataFrame(False, index=months, columns=panel.columns)
    frozen.loc[:, roster] = True
    fro = ga.ew_index(rets, frozen)
    out = pd.DataFrame(index=panel.index)
    y = start.year
    out["point-in-time index, equal weight"] = np.r_[1.0, (1 + pit.reindex(months).fillna(0)).cumprod().values]
    out[f"{y} roster, equal weight rebalanced"] = np.r_[1.0, (1 + fro.reindex(months).fillna(0)).cumprod().values]
    out[f"{y} roster, bought and held"] = b["priced names"].reindex(panel.index).values
    out["bound: missing at -100%"] = b["lower bound"].reindex(panel.index).values
    out[f"bound: missing earn {etf}"] = b["missing earn benchmark"].reindex(panel.index).values
    out[etf] = (bench / bench.iloc[0]).reindex(panel.index).values
    out.attrs.update(n_roster=b.attrs["n_roster"], n_priced=b.attrs["n_priced"], etf=etf, start=start, year=y)
    return out


def _g2_robustness(inp: GraduationInputs, studies: dict, which: str, post: int) -> pd.DataFrame:
    rows = []

    def add(label, st, mask=None, measure="bhar"):
        if st is None:
            return
        x = st.bhar(0, post) if measure == "bhar" else st.car(0, post)
        if mask is not None:
            x = x.loc[mask(st.events.loc[x.index]).to_numpy()]
        x = x.dropna()
        e = _boot(x)
        rows.append({"variant": label, "events": len(x), f"BHAR 0..+{post} (pp)": 100 * x.mean() if len(x) else np.nan,
                     "ci_low": 100 * e.ci_low if e else np.nan, "ci_high": 100 * e.ci_high if e else np.nan,
                     "median (pp)": 100 * x.median() if len(x) else np.nan})
        return x

    base = add(f"default: {inp.params['match_window_days']}-day window, {which} benchmark",
               studies.get(("S&P 600 graduates", which)))
    other = ALT_BENCHMARK if which == BENCHMARK else BENCHMARK
    add(f"{other} benchmark", studies.get(("S&P 600 graduates", other)))
    alt = inp.events_alt.loc[inp.events_alt["has_prices"]]
    alt = alt.loc[(alt["origin"] == "sp600") & (alt["direction"] == "up")]
    if len(alt) >= 3:
        add(f"{ALT_MATCH_WINDOW_DAYS}-day matching window", run_event_study(alt, inp, which))
    st = studies.get(("S&P 600 graduates", which))
    if st is not None and base is not None and len(base):
        dates = st.events.loc[base.index, "date"]
        mid = dates.sort_values().iloc[len(dates) // 2]
        add(f"moves before {mid.date()}", st, lambda e: e["date"] < mid)
        add(f"moves from {mid.date()}", st, lambda e: e["date"] >= mid)
        add("matched events only", st, lambda e: e["evidence"] != ga.TEXT_ONLY)
        # the statistic first computed for this chapter, before the switch to BHARs: shown for transparency
        add("summed monthly excess returns (CAR) instead of BHAR", st, measure="car")
        # survivorship: graduates without prices, at zero excess or at -100%
        all_grads = inp.events.loc[(inp.events["origin"] == "sp600") & (inp.events["direction"] == "up")]
        reach = all_grads["date"] - pd.Timedelta(days=1) <= inp.last_month - pd.DateOffset(months=post)
        missing = int((~all_grads.loc[reach, "has_prices"]).sum())
        n = len(base) + missing
        # the unpriced graduates' benchmark return over the window, for the -100% bound
        rows.append({"variant": f"bound: {missing} unpriced graduates at zero excess", "events": n,
                     f"BHAR 0..+{post} (pp)": 100 * base.sum() / n, "ci_low": np.nan, "ci_high": np.nan,
                     "median (pp)": np.nan})
        bench_growth = _unpriced_bench_growth(inp, all_grads.loc[reach & ~all_grads["has_prices"]], which, post)
        rows.append({"variant": f"bound: {missing} unpriced graduates at -100%", "events": n,
                     f"BHAR 0..+{post} (pp)": 100 * (base.sum() - (1 + bench_growth).sum()) / n, "ci_low": np.nan,
                     "ci_high": np.nan, "median (pp)": np.nan})
    st4 = studies.get(("S&P 400 → S&P 500", which))
    add(f"other step: S&P 400 → S&P 500 ({which} benchmark)", st4)
    return pd.DataFrame(rows).set_index("variant") if rows else pd.DataFrame()


def _unpriced_bench_growth(inp: GraduationInputs, ev: pd.DataFrame, which: str, post: int) -> pd.Series:
    """Benchmark return over each unpriced event's window (decimal): a stock at -100% trails
    the benchmark by 1 plus this."""
    if ev.empty:
        return pd.Series(dtype=float)
    bench = _benchmark_col(ev, which)
    px = inp.etfs
    t0 = px.index.searchsorted(pd.DatetimeIndex(ev["date"]) - pd.Timedelta(days=1), side="right") - 1
    out = []
    for b, i in zip(bench, t0, strict=True):
        j = i + post
        out.append(px[b].iloc[j] / px[b].iloc[i] - 1 if 0 <= i and j < len(px) else np.nan)
    return pd.Series(out, index=ev.index).fillna(0.0)


def g2_summary_table(g2: G2Evidence) -> pd.DataFrame:
    """Mean BHARs (pp) with 95% intervals and medians, by step and benchmark, as display text."""
    s = g2.summary
    if s.empty:
        return s
    base = [c for c in s.columns if c.startswith("BHAR") and not c.endswith((" low", " high", " median"))]
    post_n = [c for c in s.columns if c.startswith("n 0..")][0]
    rows = []
    for (step, bench), r in s.iterrows():
        for c in base:
            rows.append({"step": step, "benchmark": bench, "window (months)": c.replace("BHAR ", ""),
                         "mean (pp)": round(r[c], 1), "95% CI": _interval([r[f"{c} low"]], [r[f"{c} high"]])[0],
                         "median (pp)": round(r[f"{c} median"], 1),
                         "movers": int(r[post_n]) if c.startswith("BHAR 0..") else int(r["with prices"])})
    return pd.DataFrame(rows).set_index(["step", "benchmark", "window (months)"])


def g2_robustness_table(g2: G2Evidence) -> pd.DataFrame:
    """The deciding BHAR under alternatives and bounds, for display."""
    r = g2.robustness
    if r.empty:
        return r
    col = [c for c in r.columns if c.startswith("BHAR")][0]
    return pd.DataFrame({"events": r["events"], "mean (pp)": r[col].round(1), "95% CI": _interval(r["ci_low"], r["ci_high"]),
                         "median (pp)": [f"{v:.1f}" if np.isfinite(v) else "" for v in r["median (pp)"]]}, index=r.index)


def g2_runup_table(g2: G2Evidence) -> pd.DataFrame:
    r = g2.runup
    if r.empty:
        return r
    r = r.assign(share=100 * r["share"])
    return r.rename(columns={"log_relative": "summed log relative return", "share": "share of run-up (%)",
                             "months": "event-months"}).set_index(["step", "status"]).round(1)


def g2_yearly_table(g2: G2Evidence) -> pd.DataFrame:
    y = g2.yearly
    if y.empty:
        return y
    out = y.assign(index_return=100 * y["index_return"], group_contribution=100 * y["group_contribution"],
                   group_share=100 * y["group_share"], group_weight=100 * y["group_weight"],
                   priced_share=100 * y["priced_share"])
    out = out.rename(columns={"index_return": "EW index return (%)", "group_contribution": "from future graduates (pp)",
                              "group_share": "share of return (%)", "group_weight": "their weight (%)",
                              "priced_share": "members priced (%)", "complete": "look-ahead complete"})
    return out.set_index(["index", "year"]).round(1)


def g2_yearly_plot_data(g2: G2Evidence) -> pd.DataFrame:
    y = g2.yearly
    if y.empty:
        return y
    rows = []
    for r in y.itertuples(index=False):
        tag = "" if r.complete else " (look-ahead incomplete)"
        rows.append({"index": r.index, "year": str(r.year), "series": "equal-weight index return" + tag,
                     "pp": 100 * r.index_return, "complete": r.complete})
        rows.append({"index": r.index, "year": str(r.year), "series": "from members graduating within 12 months" + tag,
                     "pp": 100 * r.group_contribution, "complete": r.complete})
    return pd.DataFrame(rows)


def g2_dominance_table(g2: G2Evidence) -> pd.DataFrame:
    rows = []
    for k, d in g2.dominance.items():
        rows.append({"index": ga.INDEX_LABELS[k], "months": d["months"], "index return, summed (pp)": 100 * d["index_sum"],
                     "from future graduates (pp)": 100 * d["group_sum"], "share of return (%)": 100 * d["share"],
                     "their weight (%)": 100 * d["weight"], "share / weight": d["ratio"], "dominate": d["dominates"]})
    return pd.DataFrame(rows).set_index("index").round(2) if rows else pd.DataFrame()


def g2_bh_long(g2: G2Evidence, k: str) -> pd.DataFrame:
    b = g2.bh[k]
    cols = [c for c in b.columns if not c.startswith("bound")]
    long = b[cols].reset_index(names="month").melt("month", var_name="portfolio", value_name="growth")
    long["growth"] = 100 * (long["growth"] - 1)
    return long


def g2_bh_table(g2: G2Evidence) -> pd.DataFrame:
    rows = []
    for k, b in g2.bh.items():
        last = b.iloc[-1]
        yrs = (b.index[-1] - b.index[0]).days / 365.25
        for c in b.columns:
            rows.append({"index": f"{ga.INDEX_LABELS[k]}, {b.index[0]:%b %Y} to {b.index[-1]:%b %Y}", "portfolio": c,
                         "cumulative (%)": 100 * (last[c] - 1), "per year (%)": 100 * (last[c] ** (1 / yrs) - 1)})
    return pd.DataFrame(rows).set_index(["index", "portfolio"]).round(1) if rows else pd.DataFrame()


def g2_paths_data(g2: G2Evidence, which: str) -> pd.DataFrame:
    """BHAR paths against the chosen benchmark, long form (percent)."""
    p = g2.paths
    return p.loc[p["which"] == which] if not p.empty else p


def g2_paths_title(g2: G2Evidence, which: str) -> str:
    p = g2_paths_data(g2, which)
    step = "S&P 600 graduates"
    if p.empty or not (p["step"] == step).any():
        return "Too few S&P 600 graduates in this window for an event study"
    q = p.loc[p["step"] == step]
    pre = q.loc[(q["segment"] == "before") & (q["month"] == 0), "median"].iloc[0]
    aft = q.loc[q["segment"] == "after"]
    last = aft.loc[aft["month"] == aft["month"].max()].iloc[0]
    return (f"The median S&P 600 graduate {_beat(pre)} its benchmark by {abs(pre):.0f} pp in the "
            f"{-q['month'].min()} months before moving up, and {_beat(last['median'])} it by "
            f"{abs(last['median']):.0f} pp in the {int(last['month'])} months after")


def _beat(x: float) -> str:
    return "beat" if x >= 0 else "trailed"


def g2_contrib_title(g2: G2Evidence) -> str:
    parts = []
    for k, d in g2.dominance.items():
        if math.isfinite(d["share"]):
            parts.append(f"{ga.INDEX_LABELS[k]}: {100 * d['share']:.0f}% of the return from {100 * d['weight']:.0f}% of the weight")
        else:
            parts.append(f"{ga.INDEX_LABELS[k]}: future graduates gained {100 * d['group_sum']:.0f} pp while the index "
                         f"summed {100 * d['index_sum']:.0f} pp")
    return "Members graduating within a year: " + "; ".join(parts)


def g2_bh_title(g2: G2Evidence, k: str) -> str:
    b = g2.bh[k]
    last = b.iloc[-1]
    pit = last["point-in-time index, equal weight"]
    fz = last[f"{b.attrs['year']} roster, bought and held"]
    verb = "beat" if fz > pit else "trailed"
    return (f"{ga.INDEX_LABELS[k]}: bought and held, the {b.attrs['year']} roster {verb} the reconstituted "
            f"equal-weight index by {abs(100 * (fz - pit)):.0f} pp to {b.index[-1]:%B %Y} (priced names only)")


def g2_bh_panels(g2: G2Evidence) -> tuple[dict, dict]:
    """Growth frames and panel titles per index label, for the buy-and-hold figure."""
    frames = {ga.INDEX_LABELS[k]: b for k, b in g2.bh.items()}
    titles = {ga.INDEX_LABELS[k]: g2_bh_title(g2, k) for k in g2.bh}
    return frames, titles


def g2_bh_figure_title(g2: G2Evidence) -> str:
    gaps = {}
    for k, b in g2.bh.items():
        last = b.iloc[-1]
        gaps[k] = (100 * (last[f"{b.attrs['year']} roster, equal weight rebalanced"]
                          - last["point-in-time index, equal weight"]), b.attrs["year"])
    if not gaps:
        return "No index has a long enough record in this window"
    verbs = {_beat(g) for g, _ in gaps.values()}
    head = "Held unchanged and rebalanced monthly, each index's first roster "
    if len(verbs) == 1:
        parts = [f"by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}" for k, (g, y) in gaps.items()]
        return head + f"{verbs.pop()} the reconstituted equal-weight index: " + " and ".join(parts)
    parts = [f"{_beat(g)} it by {abs(g):.0f} pp in the {ga.INDEX_LABELS[k]} since {y}" for k, (g, y) in gaps.items()]
    return head + "against the reconstituted equal-weight index: " + "; ".join(parts)


def g2_numbers(g2: G2Evidence) -> dict:
    out = {}
    e = g2.post
    out["post"] = 100 * e.value if e else None
    out["post_lo"] = 100 * e.ci_low if e else None
    out["post_hi"] = 100 * e.ci_high if e else None
    out["post_n"] = e.n if e else 0
    s = g2.summary
    def get(step, which, col):
        if s.empty or step not in s.index.get_level_values(0):
            return None
        sub = s.loc[step]
        idx = [b for b in sub.index if b.endswith(f"({which})")]
        return sub.loc[idx[0], col] if idx else None
    if not s.empty:
        (pre12, *_), (pre_all, *_), (post_c, *_) = _windows(g2.studies[next(iter(g2.studies))].pre, g2.post_months)
        g6, g4 = "S&P 600 graduates", "S&P 400 → S&P 500"
        out.update(
            pre12_600_med=get(g6, "origin", f"{pre12} median"), pre_600_med=get(g6, "origin", f"{pre_all} median"),
            pre_600_mean=get(g6, "origin", pre_all), post_600_med=get(g6, "origin", f"{post_c} median"),
            post_600_dest=get(g6, "destination", post_c),
            pre_400_med=get(g4, "origin", f"{pre_all} median"), post_400=get(g4, "origin", post_c),
            post_400_lo=get(g4, "origin", f"{post_c} low"), post_400_hi=get(g4, "origin", f"{post_c} high"),
            post_400_dest=get(g4, "destination", post_c), post_400_med=get(g4, "origin", f"{post_c} median"))
        st = g2.studies.get((g6, "origin"))
        if st is not None:
            x = st.bhar(-st.pre, 0).dropna()
            top = x.idxmax()
            out.update(top_ticker=st.events.at[top, "ticker"], top_bhar=100 * x.max(),
                       top_date=f"{st.events.at[top, 'date']:%B %Y}", pre_600_mean_ex_top=100 * x.drop(top).mean())
    r = g2.runup
    for step, key in (("S&P 600 graduates", "600"), ("S&P 400 → S&P 500", "400")):
        if not r.empty and (r["step"] == step).any():
            rr = r.loc[r["step"] == step].set_index("status")
            out[f"runup_in_{key}"] = 100 * rr.at["in the origin index", "share"]
            out[f"runup_before_{key}"] = 100 * rr.at["not yet in it", "share"]
            out[f"runup_unknown_{key}"] = 100 * rr.at["unknown (before coverage)", "share"]
    for k, d in g2.dominance.items():
        key = k[2:]
        out[f"dom_share_{key}"] = 100 * d["share"] if math.isfinite(d["share"]) else None
        out[f"dom_weight_{key}"] = 100 * d["weight"]
        out[f"dom_ratio_{key}"] = d["ratio"] if math.isfinite(d["ratio"]) else None
        out[f"dom_months_{key}"] = d["months"]
    for k, b in g2.bh.items():
        key = k[2:]
        last = b.iloc[-1]
        y = b.attrs["year"]
        out[f"bh_{key}"] = 100 * (last[f"{y} roster, bought and held"] - 1)
        out[f"bh_lo_{key}"] = 100 * (last["bound: missing at -100%"] - 1)
        out[f"bh_mid_{key}"] = 100 * (last[f"bound: missing earn {b.attrs['etf']}"] - 1)
        out[f"pit_{key}"] = 100 * (last["point-in-time index, equal weight"] - 1)
        out[f"frozen_{key}"] = 100 * (last[f"{y} roster, equal weight rebalanced"] - 1)
        out[f"etf_{key}"] = 100 * (last[b.attrs["etf"]] - 1)
        out[f"bh_roster_{key}"] = b.attrs["n_roster"]
        out[f"bh_priced_{key}"] = b.attrs["n_priced"]
        out[f"bh_year_{key}"] = str(y)
        out[f"bh_end_{key}"] = f"{b.index[-1]:%B %Y}"
    # data-dependent words for the prose
    if e is None:
        out["after_text"] = "After the move there are too few graduates with prices to say:"
    elif e.ci_low > 0:
        out["after_text"] = "After the move they kept beating it:"
    elif e.ci_high < 0:
        out["after_text"] = "After the move they lagged it:"
    else:
        out["after_text"] = "After the move the edge is gone:"
    r_in = out.get("runup_in_600")
    out["late_text"] = ("too few graduates to say whether it caught them late" if r_in is None else
                        "the index held its graduates through most of their rise, so on this ladder it did not catch "
                        "them late" if r_in >= 50 else
                        "most of the run-up came before the graduates joined the index, so it caught them late")
    for key in ("600", "400"):
        if f"frozen_{key}" in out:
            better = out[f"frozen_{key}"] > out[f"pit_{key}"]
            out[f"recon_word_{key}"] = "the frozen roster" if better else "the reconstituted index"
    if "recon_word_600" in out:
        out["recon_vs_lit"] = "as the Russell studies found" if out["recon_word_600"] == "the frozen roster" else \
            "unlike the Russell studies"
    if "recon_word_400" in out and "recon_word_600" in out:
        out["recon_400_text"] = ("points the same way" if out["recon_word_400"] == out["recon_word_600"]
                                 else "points the other way")
    return out


def g2_verdict(g2: G2Evidence, inp: GraduationInputs) -> ClaimResult:
    """Apply RULES['G2']."""
    rule = RULES["G2"]
    e = g2.post
    d = g2.dominance.get("sp600")
    post = inp.params["post_months"]
    which = inp.params["benchmark"]
    if e is None or d is None:
        n = 0 if e is None else e.n
        return ClaimResult("G2", rule.claim, rule.text(), UNTESTABLE,
                           Statistic(_g2_stat(post, which), None, "pp"),
                           _sample(inp, n, "events"), inp.vintage, SECTIONS["G2"],
                           f"Too few S&P 600 graduates with {post} months of prices after the move (or no S&P 600 "
                           "membership) in the window; deciding it needs point-in-time small-cap index membership "
                           "with member prices over the window.")
    beat = e.ci_low > 0
    dom = d["dominates"]
    verdict = "supported" if (beat and dom) else ("partly supported" if (beat or dom) else "not supported")
    share = (f"{100 * d['share']:.0f}% of the equal-weight S&P 600's summed return from {100 * d['weight']:.0f}% "
             "of its weight" if math.isfinite(d["share"]) else
             f"{100 * d['group_sum']:.0f} pp while the index summed {100 * d['index_sum']:.0f} pp")
    note = (f"After leaving, graduates' {post}-month BHAR was {100 * e.value:.1f} pp ({100 * e.ci_low:.1f} to "
            f"{100 * e.ci_high:.1f}); members graduating within a year supplied {share}"
            f" ({'dominant' if dom else 'not dominant'} by the rule).")
    st = Statistic.from_estimate(e, _g2_stat(post, which), "pp", 100)
    return ClaimResult("G2", rule.claim, rule.text(), verdict, st, _sample(inp, e.n, "events", g2.post_events),
                       inp.vintage, SECTIONS["G2"], note)


# -- G3: a user's Russell list --------------------------------------------------------------------


@dataclass
class G3Evidence:
    """Evidence for G3: the event study of a user-supplied move list, if any.

    Attributes
    ----------
    moves
        The validated moves with ``has_prices``, or None.
    study
        Event study against the origin's ETF, or None.
    table
        One row per move: CARs before and after (pp).
    claim_moves
        Russell 2000 → Russell 1000 moves dated in the June 2026 reconstitution window.
    """

    moves: pd.DataFrame | None
    study: object
    table: pd.DataFrame
    claim_moves: pd.DataFrame
    summary: pd.DataFrame


def g3_evidence(inp: GraduationInputs) -> G3Evidence:
    """Run the chapter's event study on the user's moves (``moves_csv``)."""
    mv = inp.user_moves
    empty = pd.DataFrame()
    if mv is None:
        return G3Evidence(None, None, empty, empty, empty)
    priced = mv.loc[mv["has_prices"]]
    st = run_event_study(priced, inp, "origin") if len(priced) else None
    pre, post = inp.params["pre_months"], inp.params["post_months"]
    tab = mv[["ticker", "date", "move", "has_prices"]].copy()
    tab["benchmark"] = _benchmark_col(mv, "origin").values
    pre_name, post_name = f"BHAR -{RANK_MONTHS}..0 (pp)", f"BHAR 0..+{post} (pp)"
    tab[pre_name] = np.nan
    tab[post_name] = np.nan
    summary = empty
    if st is not None:
        c_pre, c_post = 100 * st.bhar(-RANK_MONTHS, 0), 100 * st.bhar(0, post)
        key = st.events.loc[c_pre.index, ["ticker", "date"]]
        m = key.assign(pre=c_pre.values, post=c_post.values)
        tab = tab.drop(columns=[pre_name, post_name]).merge(m, on=["ticker", "date"], how="left").rename(
            columns={"pre": pre_name, "post": post_name})
        rows = []
        for name, a, b in _windows(pre, post):
            x = (100 * st.bhar(a, b)).dropna()
            e = _boot(x)
            rows.append({"window": name, "moves": len(x), "mean (pp)": x.mean() if len(x) else np.nan,
                         "ci_low": e.ci_low if e else np.nan, "ci_high": e.ci_high if e else np.nan})
        summary = pd.DataFrame(rows).set_index("window").round(1)
    tab["date"] = tab["date"].dt.date
    lo, hi = (pd.Timestamp(d) for d in G3_RECON_WINDOW)
    claim = mv.loc[(mv["origin"] == "russell2000") & (mv["destination"] == "russell1000")
                   & (mv["date"] >= lo) & (mv["date"] <= hi)]
    return G3Evidence(mv, st, tab.rename(columns={"has_prices": "prices"}).set_index(["ticker", "date"]).round(1),
                      claim, summary)


def g3_paths(g3: G3Evidence) -> pd.DataFrame:
    """BHAR paths of the user's priced moves against their origin's ETF (percent)."""
    if g3.study is None:
        return pd.DataFrame()
    p = ga.bhar_path(g3.study)
    for c in ("mean", "ci_low", "ci_high", "median", "q25", "q75"):
        p[c] = 100 * p[c]
    p["step"] = "supplied moves"
    p["benchmark"] = "the origin's ETF"
    return p


def g3_no_study_note(g3: G3Evidence) -> str:
    """Why there is no G3 event study: no list was given, or none of its moves could be priced."""
    if g3.moves is None:
        return "No event study without a moves list."
    n = len(g3.moves)
    return (f"No event study: none of the {n} supplied moves could be priced (the snapshot's stock panel holds "
            "none of their tickers at the move).")


def g3_figure(g3: G3Evidence):
    """The G3 event-study figure, or a note when no supplied move has prices."""
    from ..plots import graduation as gplots

    if g3.study is None:
        if g3.moves is None:
            return "no moves list was supplied."
        return f"none of the {len(g3.moves)} supplied moves could be priced."
    return gplots.event_paths(g3_paths(g3), title=g3_title(g3), note="Benchmark: the ETF of the index each move left.")


def g3_title(g3: G3Evidence) -> str:
    p = g3_paths(g3)
    if p.empty:
        return "No supplied moves with prices"
    before = p.loc[(p["segment"] == "before") & (p["month"] == 0), "median"].iloc[0]
    aft = p.loc[p["segment"] == "after"]
    last = aft.loc[aft["month"] == aft["month"].max()].iloc[0]
    n = int(g3.moves["has_prices"].sum())
    tail = (f", and {last['median']:.0f} pp in the {int(last['month'])} months after" if last["month"] > 0 else "")
    return (f"The {n} supplied moves with prices: median excess return of {before:.0f} pp over the "
            f"{-p['month'].min()} months before the move{tail}")


def g3_message(g3: G3Evidence) -> str:
    """What the G3 section shows, in one paragraph of Markdown."""
    if g3.moves is None:
        return ("No moves list was supplied (`moves_csv = None`), so there is nothing to test. To test the claim, "
                "give a CSV with columns `ticker,date,from,to` (date as YYYY-MM-DD; index names such as "
                "`Russell 2000`, `Russell 1000`, `S&P 600`), e.g. `smallcaps run --start 2004-12-30 --end 2026-07-13 "
                "--chapters graduation -p moves_csv=russell_moves.csv`; the chapter validates it and runs the same "
                "event study on those moves.")
    n, k = len(g3.moves), int(g3.moves["has_prices"].sum())
    c = len(g3.claim_moves)
    study = ("The event study below runs on the priced moves against the ETF of the index each one left (IJR, "
             "IJH, IVV, IWM or IWB)." if k else
             "None of the supplied moves could be priced, so there is no event study; the count alone decides.")
    return (f"The supplied list holds {n} moves, {k} of them with prices at the move; {c} are Russell 2000 → "
            f"Russell 1000 moves dated {G3_RECON_WINDOW[0]} to {G3_RECON_WINDOW[1]}. {study} Moves "
            "without prices are companies the snapshot's stock panel does not hold (it holds only S&P 400/500/600 "
            "members still listed when the data were taken).")


def g3_verdict(g3: G3Evidence, inp: GraduationInputs) -> ClaimResult:
    """Apply RULES['G3']."""
    rule = RULES["G3"]
    name = "Russell 2000 → 1000 moves in June 2026 (supplied list)"
    if g3.moves is None:
        return ClaimResult("G3", rule.claim, rule.text(), UNTESTABLE, Statistic(name, None, "companies"),
                           _sample(inp, 0, "events"), inp.vintage, SECTIONS["G3"],
                           "Free data hold no Russell membership; FTSE Russell's June 2026 reconstitution list of "
                           "Russell 2000 → Russell 1000 moves, supplied as moves_csv, would decide it.")
    priced = int(g3.moves["has_prices"].sum())
    smp = _sample(inp, priced, "events", g3.moves)
    c = len(g3.claim_moves)
    if c == 0:
        return ClaimResult("G3", rule.claim, rule.text(), UNTESTABLE, Statistic(name, None, "companies"), smp,
                           inp.vintage, SECTIONS["G3"],
                           f"The supplied list has {len(g3.moves)} moves ({priced} with prices, event study shown) "
                           "but none from the Russell 2000 to the Russell 1000 in June 2026; FTSE Russell's "
                           "reconstitution list would decide it.")
    # True/False: BE ranked first or not among the priced claim moves; None: BE could not be ranked
    standout_top, ranked = None, 0
    if g3.study is not None:
        pre = g3.study.bhar(-RANK_MONTHS, 0)
        ev = g3.study.events.loc[pre.index]
        sel = ((ev["origin"] == "russell2000") & (ev["destination"] == "russell1000")
               & (ev["date"] >= pd.Timestamp(G3_RECON_WINDOW[0])) & (ev["date"] <= pd.Timestamp(G3_RECON_WINDOW[1]))).values
        x = pre[sel].dropna()
        ranked = len(x)
        if G3_CLAIM_STANDOUT in set(ev.loc[x.index, "ticker"]):
            standout_top = ev.loc[x.idxmax(), "ticker"] == G3_CLAIM_STANDOUT
    tol = G3_PARTLY_TOLERANCE * G3_CLAIM_MOVES
    # the rule needs both halves: a standout that cannot be ranked is not confirmed, so the
    # verdict is at most "partly supported"
    if c == G3_CLAIM_MOVES and standout_top is True:
        verdict = "supported"
    elif abs(c - G3_CLAIM_MOVES) <= tol:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    listed = G3_CLAIM_STANDOUT in set(g3.claim_moves["ticker"])
    if standout_top is True:
        bl = f"BE had the largest run-up of the {ranked} priced moves"
    elif standout_top is False:
        bl = f"BE did not have the largest run-up of the {ranked} priced moves"
    elif listed:
        bl = "BE's run-up could not be ranked (no prices for BE), so the standout half of the claim is unconfirmed"
    else:
        bl = "BE is not among the supplied moves, so the standout half of the claim is unconfirmed"
    if standout_top is None and c == G3_CLAIM_MOVES:
        bl += " and the verdict is capped at partly supported"
    note = f"The supplied list has {c} Russell 2000 → 1000 moves in June 2026 against the claim's {G3_CLAIM_MOVES}; {bl}."
    return ClaimResult("G3", rule.claim, rule.text(), verdict, Statistic(name, float(c), "companies"), smp,
                       inp.vintage, SECTIONS["G3"], note)


# -- G4: unprofitable firms (market-wide proxy) ---------------------------------------------------


def g4_evidence(inp: GraduationInputs) -> pd.DataFrame:
    """Share of all firms in French's E/P sorts with earnings <= 0, monthly (labelled proxy).

    Returns
    -------
    DataFrame: ``month`` (Timestamp), ``share`` (percent), ``negative`` and ``all`` firm counts.
    """
    f = inp.firms
    pos = f[["Lo 30", "Med 40", "Hi 30"]].sum(axis=1)
    neg = f["<= 0"]
    out = pd.DataFrame({"month": f.index.to_timestamp(how="end").normalize(), "negative": neg.values,
                        "all": (neg + pos).values})
    out["share"] = 100 * out["negative"] / out["all"]
    return out.dropna().loc[lambda d: d["month"] <= inp.window.end].reset_index(drop=True)


def g4_numbers(g4: pd.DataFrame) -> dict:
    last = g4.iloc[-1]
    since = g4.loc[g4["month"] >= pd.Timestamp(PROXY_SINCE, 1, 1)]
    return {"last_share": last["share"], "last_month": f"{last['month']:%B %Y}", "last_neg": int(last["negative"]),
            "last_all": int(last["all"]), "first_year": str(g4["month"].iloc[0].year),
            "first_share": g4["share"].iloc[0], "mean_since_1995": since["share"].mean(),
            "max_share": g4["share"].max(), "max_month": f"{g4.loc[g4['share'].idxmax(), 'month']:%B %Y}",
            "claim": 100 * G4_CLAIM_SHARE, "since": str(PROXY_SINCE),
            "near": _compare(last["share"], 100 * G4_CLAIM_SHARE, 5.0, "near", "well below", "well above")}


def _compare(x, ref, tol, near, below, above) -> str:
    """A word placing ``x`` against ``ref``: ``near`` within ``tol``, else ``below``/``above``."""
    if x is None or not np.isfinite(x):
        return "n/a"
    return near if abs(x - ref) <= tol else (below if x < ref else above)


def g4_title(g4: pd.DataFrame) -> str:
    n = g4_numbers(g4)
    return (f"Market-wide proxy: {n['last_share']:.0f}% of US listed firms had earnings at or below zero in "
            f"{n['last_month']} (not the Russell 2000's share)")


def g4_verdict(g4: pd.DataFrame, inp: GraduationInputs) -> ClaimResult:
    """Apply RULES['G4']: always untestable with free data."""
    rule = RULES["G4"]
    return ClaimResult("G4", rule.claim, rule.text(), UNTESTABLE,
                       Statistic("Russell 2000 members unprofitable", None, "%"),
                       _sample(inp, 0, "none"), inp.vintage, SECTIONS["G4"],
                       "Russell 2000 constituents with their trailing earnings (e.g. FTSE Russell's index "
                       "fundamentals or a Compustat-CRSP merge) would decide it; the market-wide French proxy is "
                       "context, not the answer.")


# -- G5: dispersion ---------------------------------------------------------------------------------


@dataclass
class G5Evidence:
    """Evidence for G5.

    Attributes
    ----------
    dispersion
        ``{index: dispersion frame}`` (see :func:`analytics.graduation.dispersion`).
    long
        IQRs in long form (percent) for the figure.
    gap
        HAC estimate of the mean IQR gap, S&P 600 minus S&P 500 (decimal), or None.
    gap_alt
        Same for the standard deviation of log returns.
    gap_bounds
        (low, high) mean gap if missing members sat at the extremes of one index only.
    gap_400
        S&P 400 minus S&P 500 over the longer S&P 400 sample.
    link
        Dispersion against the number of graduates in the next 12 months.
    """

    dispersion: dict
    long: pd.DataFrame
    gap: object
    gap_alt: object
    gap_bounds: tuple
    gap_400: object
    link: pd.DataFrame
    gap_months: pd.DatetimeIndex


def g5_evidence(inp: GraduationInputs) -> G5Evidence:
    """Cross-sectional dispersion of members' 12-month returns by index, and its link with graduations."""
    disp = {}
    for k, panel in inp.panels.items():
        if panel is None or panel.empty:
            continue
        d = ga.dispersion(inp.prices, panel, DISPERSION_MONTHS)
        if len(d):
            disp[k] = d
    long = pd.concat([pd.DataFrame({"month": d.index, "index": ga.INDEX_LABELS[k], "iqr": 100 * d["iqr"].values})
                      for k, d in disp.items()], ignore_index=True) if disp else pd.DataFrame()
    gap = gap_alt = gap_400 = None
    bounds = (np.nan, np.nan)
    months = pd.DatetimeIndex([])
    if "sp600" in disp and "sp500" in disp:
        a, b = disp["sp600"], disp["sp500"]
        both = a.index.intersection(b.index)
        months = both
        if len(both) >= 24:
            gap = mean_hac(a.loc[both, "iqr"] - b.loc[both, "iqr"], overlap=12)
            gap_alt = mean_hac(a.loc[both, "std_log"] - b.loc[both, "std_log"], overlap=12)
            bounds = (float((a.loc[both, "iqr"] - b.loc[both, "iqr_wide"]).mean()),
                      float((a.loc[both, "iqr_wide"] - b.loc[both, "iqr"]).mean()))
    if "sp400" in disp and "sp500" in disp:
        a, b = disp["sp400"], disp["sp500"]
        both = a.index.intersection(b.index)
        if len(both) >= 24:
            gap_400 = mean_hac(a.loc[both, "iqr"] - b.loc[both, "iqr"], overlap=12)
    # dispersion against graduations in the next 12 months
    link = []
    up = inp.events.loc[inp.events["direction"] == "up"]
    for k in ("sp600", "sp400"):
        if k not in disp:
            continue
        d = disp[k]
        mv = up.loc[up["origin"] == k, "date"]
        end = min(inp.memberships[k].end, inp.window.end)
        ok = d.index[d.index + pd.DateOffset(months=12) <= end]
        counts = pd.Series([int(((mv > m) & (mv <= m + pd.DateOffset(months=12))).sum()) for m in ok], index=ok)
        if len(ok) < 24:
            continue
        res = ols_hac(counts, d.loc[ok, ["iqr"]] * 100, overlap=12)
        ci = res.conf_int().loc["iqr"]
        link.append({"index": ga.INDEX_LABELS[k], "months": len(ok), "graduates next 12m (mean)": counts.mean(),
                     "correlation": float(np.corrcoef(counts, d.loc[ok, "iqr"])[0, 1]),
                     "slope per 10 pp of IQR": 10 * res.params["iqr"], "ci_low": 10 * ci[0], "ci_high": 10 * ci[1]})
    link_df = pd.DataFrame(link).set_index("index").round(2) if link else pd.DataFrame()
    return G5Evidence(disp, long, gap, gap_alt, bounds, gap_400, link_df, months)


def g5_table(g5: G5Evidence) -> pd.DataFrame:
    rows = []
    for label, e in (("IQR, S&P 600 minus S&P 500 (pp)", g5.gap), ("s.d. of log returns, S&P 600 minus S&P 500 (pp)", g5.gap_alt),
                     ("IQR, S&P 400 minus S&P 500 (pp)", g5.gap_400)):
        if e is None:
            continue
        rows.append({"measure": label, "mean": 100 * e.value, "ci_low": 100 * e.ci_low, "ci_high": 100 * e.ci_high, "months": e.n})
    return pd.DataFrame(rows).set_index("measure").round(1) if rows else pd.DataFrame()


def g5_title(g5: G5Evidence) -> str:
    if g5.gap is None:
        return "Dispersion of members' 12-month returns by index"
    a = g5.dispersion["sp600"].loc[g5.gap_months, "iqr"].mean()
    b = g5.dispersion["sp500"].loc[g5.gap_months, "iqr"].mean()
    m = g5.gap_months
    return (f"{m.min().year}-{m.max().year}: the middle half of S&P 600 members' {DISPERSION_MONTHS}-month returns "
            f"spanned {100 * a:.0f} pp on average, against {100 * b:.0f} pp in the S&P 500")


def g5_numbers(g5: G5Evidence) -> dict:
    out = {"gap": None, "gap_lo": None, "gap_hi": None, "gap_n": 0, "bound_lo": None, "bound_hi": None,
           "iqr600": None, "iqr500": None, "gap400": None, "gap400_lo": None, "gap400_hi": None,
           "corr600": None, "corr400": None, "gap_alt": None}
    if g5.gap is not None:
        out.update(gap=100 * g5.gap.value, gap_lo=100 * g5.gap.ci_low, gap_hi=100 * g5.gap.ci_high, gap_n=g5.gap.n,
                   bound_lo=100 * g5.gap_bounds[0], bound_hi=100 * g5.gap_bounds[1],
                   iqr600=100 * g5.dispersion["sp600"].loc[g5.gap_months, "iqr"].mean(),
                   iqr500=100 * g5.dispersion["sp500"].loc[g5.gap_months, "iqr"].mean(),
                   gap_alt=100 * g5.gap_alt.value)
    if g5.gap_400 is not None:
        out.update(gap400=100 * g5.gap_400.value, gap400_lo=100 * g5.gap_400.ci_low, gap400_hi=100 * g5.gap_400.ci_high)
    if not g5.link.empty:
        for k, key in (("S&P 600", "corr600"), ("S&P 400", "corr400")):
            if k in g5.link.index:
                out[key] = g5.link.at[k, "correlation"]
    return out


def g5_verdict(g5: G5Evidence, inp: GraduationInputs) -> ClaimResult:
    """Apply RULES['G5']."""
    rule = RULES["G5"]
    e = g5.gap
    name = "IQR gap of 12-month returns, S&P 600 - S&P 500"
    if e is None:
        return ClaimResult("G5", rule.claim, rule.text(), UNTESTABLE, Statistic(name, None, "pp"),
                           _sample(inp, 0, "monthly"), inp.vintage, SECTIONS["G5"],
                           "The window holds too few months with both S&P 600 and S&P 500 members priced; active "
                           "small-cap managers' net returns (e.g. SPIVA scorecards) would decide whether selection pays.")
    smp = Sample(g5.gap_months.min().date().isoformat(), g5.gap_months.max().date().isoformat(), e.n, "monthly")
    st = Statistic.from_estimate(e, name, "pp", 100)
    if e.ci_high <= 0:
        return ClaimResult("G5", rule.claim, rule.text(), "not supported", st, smp, inp.vintage, SECTIONS["G5"],
                           "Small-cap dispersion was not wider than large-cap dispersion, so the claim's premise fails.")
    premise = "holds" if e.ci_low > 0 else "is undecided"
    return ClaimResult("G5", rule.claim, rule.text(), UNTESTABLE, st, smp, inp.vintage, SECTIONS["G5"],
                       f"The premise {premise} (gap {100 * e.value:.1f} pp), but whether active selection beats passive "
                       "needs active small-cap managers' net returns (e.g. SPIVA scorecards or fund-level returns).")
