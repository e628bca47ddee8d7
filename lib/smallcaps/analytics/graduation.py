"""Index graduation on the S&P SmallCap 600 -> MidCap 400 -> 500 ladder.

Pure functions, no I/O:

* :func:`match_moves` and :func:`moves_from_reason_text` derive moves between indices from
  point-in-time add/remove events; :func:`ladder_moves` combines them into one event table.
* :func:`event_study` aligns movers' monthly returns and a benchmark's on the move;
  :func:`bhar_path` summarises their buy-and-hold excess returns (BHARs) before and after.
* :func:`pre_move_ranks` ranks a mover's return before the move among its index's members.
* :func:`ew_contributions` and :func:`yearly_contributions` split an equal-weight point-in-time
  index's return into the part from members that graduate soon and the rest.
* :func:`quintile_outcomes` follows members by return quintile (who moves up, who stays).
* :func:`buy_and_hold` and :func:`ew_index` compare a frozen roster with the reconstituted index.
* :func:`dispersion` measures the cross-sectional spread of members' trailing returns.

Units: returns are **decimal** (0.05 = 5%); a BHAR is a compounded return minus the
benchmark's compounded return over the same months (decimal); percentile ranks are 0-100. Monthly data are
month-end prices (``DatetimeIndex`` of month ends).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..display import percent
from ..errors import DataError
from ..sources.moves_csv import INDEX_LABELS, LADDER, direction, move_label  # noqa: F401  (the index vocabulary, re-exported)
from ..stats import mean_hac

#: The ETF that tracks each index (benchmarks for event studies).
INDEX_ETFS = {"sp600": "IJR", "sp400": "IJH", "sp500": "IVV", "russell2000": "IWM", "russell1000": "IWB"}
#: How S&P names each index in its announcements (reason texts).
_REASON_NAME = {"sp600": r"S&P\s+(?:SmallCap\s+)?600", "sp400": r"S&P\s+(?:MidCap\s+)?400", "sp500": r"S&P\s+500"}

MATCHED = "matched remove/add events"
MATCHED_TEXT = "matched events, reason text agrees"
TEXT_ONLY = "destination's reason text only"


# -- deriving moves ------------------------------------------------------------------------------


@functools.cache
def _regex(pattern: str) -> re.Pattern:
    """A compiled pattern, kept (the reason-text patterns name one ticker each: thousands of them,
    more than :mod:`re`'s own cache holds)."""
    return re.compile(pattern)


def _came_from(reason: str | None, ticker: str, origin: str) -> bool:
    """Whether an add event's reason text says ``ticker`` came from ``origin``.

    Two phrasings occur in S&P's announcements as pitindex records them: "<T> was moved from
    the S&P 600 ..." and "S&P SmallCap 600 constituent <Name> (EXCH: T) replaced <other>".
    """
    if not reason:
        return False
    name = _REASON_NAME[origin]
    t = re.escape(ticker)
    # the ticker must appear for the first phrasing (a cheap test first: patterns per ticker are slow to build)
    if ticker in reason and _regex(rf"\b{t}\b[^.]*?\bmoved\s+(?:up\s+|down\s+)?from\s+the\s+{name}\b").search(reason):
        return True
    not_a_deal = r"(?:(?!\bacquir|\bspun\b|\bspin|\bmerg).){0,100}?"
    m = _regex(rf"{name}\s+constituent\b({not_a_deal})\breplaced\b").search(reason)
    if m:
        symbols = re.findall(r"\(\s*[A-Z]+\s*:\s*([A-Z.]+)\s*\)", m.group(1))
        return not symbols or ticker in symbols
    return False


def _moved_to(reason: str | None, ticker: str, destination: str) -> bool:
    """Whether a removal's reason text says ``ticker`` moved to ``destination``."""
    if not reason or ticker not in reason:  # both phrasings name the ticker
        return False
    name = _REASON_NAME[destination]
    t = re.escape(ticker)
    return bool(_regex(rf"\b{t}\b[^.]*?\b(?:was\s+)?(?:moved|moves)\s+(?:up\s+|down\s+)?to\s+(?:the\s+)?{name}\b")
                .search(reason)
                or _regex(rf"\b{t}\b[^.]*?\bwill\s+replace\b[^.]*?\bin\s+the\s+{name}\b").search(reason))


def _check_events(events: Mapping[str, pd.DataFrame]) -> None:
    for key, ev in events.items():
        if key not in _REASON_NAME:
            raise DataError(f"events for {key!r}: only S&P indices have add/remove events; "
                            f"valid: {', '.join(_REASON_NAME)}")
        missing = {"date", "action", "ticker"} - set(ev.columns)
        if missing:
            raise DataError(f"events for {key}: missing column(s) {', '.join(sorted(missing))}")


def match_moves(events: Mapping[str, pd.DataFrame], window_days: int) -> pd.DataFrame:
    """Moves between indices: a removal from one index matched to an addition of the same
    ticker to another within ``window_days`` calendar days (either order).

    Parameters
    ----------
    events
        ``{"sp600": events, ...}``, each with columns ``date, action, ticker`` and optionally
        ``reason`` (pitindex's add/remove events).
    window_days
        Largest gap, in calendar days, between the removal and the addition.

    Returns
    -------
    DataFrame
        ``ticker, date`` (the removal date: the day it left the origin index), ``origin,
        destination, direction, move, gap_days`` (addition minus removal), ``evidence``
        (:data:`MATCHED` or :data:`MATCHED_TEXT` when either reason text names the move).
        Each removal and each addition is used at most once (the nearest match wins).
    """
    _check_events(events)
    frames = []
    for o, ev_o in events.items():
        for d, ev_d in events.items():
            if o == d:
                continue
            rem = ev_o.loc[ev_o["action"] == "removed"]
            add = ev_d.loc[ev_d["action"] == "added"]
            cols = ["date", "ticker"] + (["reason"] if "reason" in ev_o.columns else [])
            m = rem[cols].merge(add[[c for c in cols if c in ev_d.columns]], on="ticker", suffixes=("_rem", "_add"))
            if m.empty:
                continue
            m["gap_days"] = (m["date_add"] - m["date_rem"]).dt.days
            m = m.loc[m["gap_days"].abs() <= window_days].copy()
            m["origin"], m["destination"] = o, d
            frames.append(m)
    cols = ["ticker", "date", "origin", "destination", "direction", "move", "gap_days", "evidence"]
    if not frames:
        return pd.DataFrame(columns=cols)
    m = pd.concat(frames, ignore_index=True)
    m["_abs"] = m["gap_days"].abs()
    m = m.sort_values(["_abs", "date_rem", "ticker"], kind="stable")
    m = m.drop_duplicates(["origin", "ticker", "date_rem"]).drop_duplicates(["destination", "ticker", "date_add"])
    for c in ("reason_rem", "reason_add"):
        if c not in m:
            m[c] = None
    agrees = [(_came_from(ra, t, o) or _moved_to(rr, t, d))
              for t, o, d, ra, rr in m[["ticker", "origin", "destination", "reason_add", "reason_rem"]].itertuples(
                  index=False)]
    out = pd.DataFrame({
        "ticker": m["ticker"].values, "date": m["date_rem"].values, "origin": m["origin"].values,
        "destination": m["destination"].values, "gap_days": m["gap_days"].astype(int).values,
        "evidence": np.where(agrees, MATCHED_TEXT, MATCHED),
    })
    out["direction"] = [direction(o, d) for o, d in zip(out["origin"], out["destination"], strict=True)]
    out["move"] = [move_label(o, d) for o, d in zip(out["origin"], out["destination"], strict=True)]
    return out[cols].sort_values(["date", "ticker"], ignore_index=True)


def moves_from_reason_text(events: Mapping[str, pd.DataFrame], origin: str, destination: str) -> pd.DataFrame:
    """Moves that only the destination's add events reveal: an addition whose reason text says
    the ticker came from ``origin`` (used for dates before ``origin``'s own events begin).

    Returns
    -------
    DataFrame with the columns of :func:`match_moves` (``gap_days`` NaN, ``evidence`` :data:`TEXT_ONLY`).
    """
    _check_events({destination: events[destination]})
    ev = events[destination]
    add = ev.loc[(ev["action"] == "added")]
    if "reason" not in add:
        add = add.assign(reason=None)
    hit = [_came_from(r, t, origin) for t, r in add[["ticker", "reason"]].itertuples(index=False)]
    a = add.loc[hit]
    out = pd.DataFrame({"ticker": a["ticker"].values, "date": a["date"].values, "origin": origin,
                        "destination": destination, "direction": direction(origin, destination),
                        "move": move_label(origin, destination), "gap_days": np.nan, "evidence": TEXT_ONLY})
    return out.reset_index(drop=True)


def ladder_moves(events: Mapping[str, pd.DataFrame], starts: Mapping[str, pd.Timestamp],
                 window_days: int) -> pd.DataFrame:
    """Every observable move on the S&P ladder: matched pairs, plus reason-text moves from an
    origin whose events do not yet exist at that date.

    Parameters
    ----------
    events
        pitindex events per index (see :func:`match_moves`).
    starts
        First date of each index's point-in-time coverage: a reason-text move is kept only if
        it predates its origin's coverage (after that, matching is the evidence) and no
        matched move covers it.
    window_days
        Matching window (calendar days).

    Returns
    -------
    DataFrame as :func:`match_moves`, sorted by date; ``covered`` says whether both indices'
    events exist at the move date.
    """
    matched = match_moves(events, window_days)
    extra = []
    for o in events:
        for d in events:
            if o == d:
                continue
            t = moves_from_reason_text(events, o, d)
            t = t.loc[t["date"] < pd.Timestamp(starts[o])]
            extra.append(t)
    text = pd.concat(extra, ignore_index=True) if extra else pd.DataFrame(columns=matched.columns)
    if len(text) and len(matched):
        key = matched[["ticker", "origin", "destination"]].assign(_d=matched["date"])
        t2 = text.merge(key, on=["ticker", "origin", "destination"], how="left")
        dup = (t2["_d"] - t2["date"]).dt.days.abs() <= window_days
        text = text.loc[~dup.groupby(t2.index).any().reindex(text.index, fill_value=False).values]
    out = pd.concat([matched, text], ignore_index=True) if len(text) else matched
    out["covered"] = [pd.Timestamp(starts[o]) <= d and pd.Timestamp(starts[t]) <= d
                      for o, t, d in out[["origin", "destination", "date"]].itertuples(index=False)]
    return out.sort_values(["date", "ticker"], ignore_index=True)


# -- monthly prices ------------------------------------------------------------------------------


def month_end_prices(close: pd.DataFrame, end=None) -> pd.DataFrame:
    """Last close of each calendar month, indexed by month end; the final month is dropped
    when ``end`` (default: the last date) is not that month's last trading day."""
    c = close if end is None else close.loc[: pd.Timestamp(end)]
    if c.empty:
        raise DataError("month_end_prices: no prices up to the end date")
    m = c.resample("ME").last()
    last_day = c.index.max()
    bdays = pd.bdate_range(last_day + pd.Timedelta(days=1), m.index[-1])
    if len(bdays):  # trading days were left in the final month: it is incomplete
        m = m.iloc[:-1]
    return m


def with_prices(events: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """``events`` with ``has_prices``: whether the mover has a price at the last month end
    before its move date (the move's ``t0``; pitindex's end-of-day dates make a stock removed
    on day ``d`` a member through ``d - 1``).

    Parameters
    ----------
    events
        Columns ``ticker`` and ``date``.
    prices
        Month-end prices (columns tickers).
    """
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


def benchmark_growth(dates, benchmarks, etf_prices: pd.DataFrame, months: int) -> pd.Series:
    """Each benchmark's return over the ``months`` after the last month end before each date
    (decimal; 0 where the window runs past the data), e.g. for an unpriced mover held at -100%,
    which trails its benchmark by 1 plus this.

    Parameters
    ----------
    dates, benchmarks
        Move dates and the benchmark (a column of ``etf_prices``) of each, same length.
    etf_prices
        Month-end benchmark prices.
    """
    dates = pd.DatetimeIndex(dates)
    px = etf_prices
    t0 = px.index.searchsorted(dates - pd.Timedelta(days=1), side="right") - 1
    out = []
    for b, i in zip(benchmarks, t0, strict=True):
        j = i + months
        out.append(px[b].iloc[j] / px[b].iloc[i] - 1 if 0 <= i and j < len(px) else np.nan)
    return pd.Series(out, dtype=float).fillna(0.0)


# -- event study ----------------------------------------------------------------------------------


@dataclass
class EventStudy:
    """Monthly returns of movers and their benchmarks, aligned on the move.

    Attributes
    ----------
    events
        The events studied (one row each, in date order) with ``t0`` (the last month end on
        or before the move date given), ``benchmark``, ``has_prices`` (a price at ``t0``) and
        ``pre_filled`` (pre-move months without a stock return, filled with the benchmark's).
    stock, bench
        Rows: events with prices; columns: event month ``k`` from ``-pre + 1`` to ``post``;
        the return over month ``k`` (from month end ``t0 + k - 1`` to ``t0 + k``, decimal).
        Before the move a missing stock return is replaced by the benchmark's (the stock is
        assumed to track the benchmark before it listed); after the move it is NaN (censored:
        the data end or the stock stopped trading).
    pre, post
        Months before and after the move.
    """

    events: pd.DataFrame
    stock: pd.DataFrame
    bench: pd.DataFrame
    pre: int
    post: int

    def _cols(self, a: int, b: int) -> list[int]:
        if not (-self.pre <= a < b <= self.post):
            raise DataError(f"event window: need -{self.pre} <= a < b <= {self.post}; got a={a}, b={b}")
        return [k for k in self.stock.columns if a < k <= b]

    def bhar(self, a: int, b: int) -> pd.Series:
        """Per-event buy-and-hold excess return from month end ``a`` to ``b``: the stock's
        compounded return minus the benchmark's (decimal); NaN if censored before ``b``."""
        cols = self._cols(a, b)
        s, m = self.stock[cols], self.bench[cols]
        ok = s.notna().all(axis=1) & m.notna().all(axis=1)
        return ((1 + s).prod(axis=1) - (1 + m).prod(axis=1)).where(ok)

    def car(self, a: int, b: int) -> pd.Series:
        """Per-event cumulative (summed) excess return from month end ``a`` to ``b`` (decimal)."""
        cols = self._cols(a, b)
        ex = self.stock[cols] - self.bench[cols]
        return ex.sum(axis=1).where(ex.notna().all(axis=1))

    def log_relative(self) -> pd.DataFrame:
        """Monthly log relative return, ``log(1 + stock) - log(1 + benchmark)``: it adds up
        over months to the log of the stock's value relative to the benchmark's."""
        return np.log1p(self.stock) - np.log1p(self.bench)

    def bhar_paths(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Per-event BHAR paths: from month ``-pre`` to each ``k <= 0`` (the run-up), and from
        the move (``0``) to each ``k > 0`` (after the move); column 0 / ``-pre`` is zero."""
        pre_cols = [k for k in self.stock.columns if k <= 0]
        post_cols = [k for k in self.stock.columns if k > 0]
        gs = (1 + self.stock[pre_cols]).cumprod(axis=1)
        gb = (1 + self.bench[pre_cols]).cumprod(axis=1)
        before = gs - gb
        before.insert(0, -self.pre, 0.0)
        gs = (1 + self.stock[post_cols]).cumprod(axis=1, skipna=False)
        gb = (1 + self.bench[post_cols]).cumprod(axis=1, skipna=False)
        after = (gs - gb).where(self.stock[post_cols].notna().cumprod(axis=1).astype(bool))
        after.insert(0, 0, 0.0)
        return before, after


def event_study(events: pd.DataFrame, prices: pd.DataFrame, benchmarks: pd.DataFrame, *, pre: int,
                post: int) -> EventStudy:
    """Align movers' monthly returns and their benchmarks' on the move.

    Parameters
    ----------
    events
        Columns ``ticker``, ``date`` (move date) and ``benchmark`` (a column of ``benchmarks``).
    prices
        Month-end prices of stocks (columns tickers), index month ends.
    benchmarks
        Month-end prices of benchmarks on the same index.
    pre, post
        Months before and after the move month end ``t0`` (the last month end on or before the
        move date).

    Returns
    -------
    EventStudy
    """
    if pre < 1 or post < 0:
        raise DataError(f"event_study: pre must be >= 1 and post >= 0; got pre={pre}, post={post}")
    months = prices.index
    if not months.equals(benchmarks.index):
        benchmarks = benchmarks.reindex(months)
    ev = events.sort_values(["date", "ticker"], kind="stable").reset_index(drop=True)
    t0 = months.searchsorted(pd.DatetimeIndex(ev["date"]), side="right") - 1
    horizons = np.arange(-pre, post + 1)
    idx = t0[:, None] + horizons[None, :]
    inside = (idx >= 0) & (idx < len(months)) & (t0[:, None] >= 0)
    idxc = np.clip(idx, 0, max(len(months) - 1, 0))
    scol = prices.columns.get_indexer(ev["ticker"])
    bcol = benchmarks.columns.get_indexer(ev["benchmark"])
    if (bcol < 0).any():
        raise DataError(f"event_study: benchmark(s) {sorted(set(ev['benchmark'][bcol < 0]))} "
                        "not in the benchmark prices")
    P = prices.to_numpy(dtype="float64")
    B = benchmarks.to_numpy(dtype="float64")
    S = np.where(inside & (scol[:, None] >= 0), P[idxc, np.clip(scol, 0, None)[:, None]], np.nan)
    Bm = np.where(inside, B[idxc, bcol[:, None]], np.nan)
    rs = S[:, 1:] / S[:, :-1] - 1.0
    rb = Bm[:, 1:] / Bm[:, :-1] - 1.0
    k = horizons[1:]
    pre_part = k[None, :] <= 0
    missing_pre = pre_part & ~np.isfinite(rs)
    rb = np.where(pre_part & ~np.isfinite(rb), 0.0, rb)  # benchmark not yet trading: flat
    rs = np.where(missing_pre, rb, rs)
    has = np.isfinite(S[:, pre]) & (t0 >= 0)
    ev["t0"] = [months[i] if i >= 0 else pd.NaT for i in t0]
    ev["has_prices"] = has
    ev["pre_filled"] = missing_pre.sum(axis=1)
    cols = pd.Index(k, name="month")
    stock = pd.DataFrame(rs, columns=cols)[has]
    bench = pd.DataFrame(rb, columns=cols)[has]
    return EventStudy(ev, stock, bench, pre, post)


def bhar_path(study: EventStudy) -> pd.DataFrame:
    """Across-event summary of the BHAR paths: the run-up (from month ``-pre``) and the
    months after the move (from month 0).

    The mean has a 95% HAC interval across events in date order (the Newey-West errors allow
    for correlation between events close in time, which share market moves); the median and
    the quartiles describe the spread, which the largest run-ups make very skewed.

    Returns
    -------
    DataFrame: ``segment`` (``before`` or ``after``), ``month``, ``mean``, ``ci_low``,
    ``ci_high``, ``median``, ``q25``, ``q75``, ``n`` (decimal).
    """
    rows = []
    for seg, path in zip(("before", "after"), study.bhar_paths(), strict=True):
        for k in path.columns:
            x = path[k].dropna()
            if len(x) == 0:
                continue
            if len(x) < 3 or np.allclose(x.values, 0.0):
                lo = hi = (0.0 if len(x) >= 3 else np.nan)
                mean = float(x.mean())
            else:
                e = mean_hac(x)
                mean, lo, hi = e.value, e.ci_low, e.ci_high
            q25, med, q75 = np.percentile(x.values, [25, 50, 75])
            rows.append((seg, k, mean, lo, hi, med, q25, q75, len(x)))
    return pd.DataFrame(rows, columns=["segment", "month", "mean", "ci_low", "ci_high", "median", "q25", "q75", "n"])


STATUSES = ("in the origin index", "not yet in it", "unknown (before coverage)")


def runup_by_event(study: EventStudy, panels: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Each mover's pre-move run-up split by where it happened: the summed log relative return
    over months ``-pre+1..0`` while the mover was in its origin index at the start of the month,
    before it joined, or before the origin's record (see :func:`runup_by_membership`).

    Returns
    -------
    DataFrame indexed like ``study.stock`` (events with prices): one column per status of
    :data:`STATUSES` (summed log relative return) and ``total``.
    """
    lr = study.log_relative()
    pre_cols = [k for k in lr.columns if k <= 0]
    ex = lr[pre_cols]
    ev = study.events.loc[ex.index]
    status = np.full(ex.shape, STATUSES[2], dtype=object)
    t0 = pd.DatetimeIndex(ev["t0"])
    for j, k in enumerate(pre_cols):
        start_of_month = t0 + pd.offsets.MonthEnd(k - 1) if k != 1 else t0
        for origin, panel in panels.items():
            sel = (ev["origin"] == origin).to_numpy()
            if not sel.any() or panel.empty:
                continue
            dates = start_of_month[sel]
            covered = np.asarray(dates >= panel.index[0])
            pos = panel.index.searchsorted(dates, side="right") - 1
            col = panel.columns.get_indexer(ev["ticker"][sel])
            member = np.zeros(int(sel.sum()), dtype=bool)
            ok = covered & (pos >= 0) & (col >= 0)
            member[ok] = panel.to_numpy()[pos[ok], col[ok]]
            status[np.where(sel)[0], j] = np.where(covered, np.where(member, STATUSES[0], STATUSES[1]), STATUSES[2])
    vals = ex.to_numpy()
    out = pd.DataFrame({s: np.nansum(np.where(status == s, vals, 0.0), axis=1) for s in STATUSES}, index=ex.index)
    out["total"] = np.nansum(vals, axis=1)
    out.attrs["months"] = {s: int((status == s).sum()) for s in STATUSES}
    return out


def runup_by_membership(study: EventStudy, panels: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Where the pre-move run-up happened: the pooled log relative return over months
    ``-pre+1..0`` split by whether the mover was in its origin index at the start of each month.

    Log relative returns add up over months, so the shares split the run-up in relative value
    exactly.

    Parameters
    ----------
    panels
        Month-end membership panels per origin index (``Membership.panel``); months before a
        panel's first row count as ``unknown (before coverage)``.

    Returns
    -------
    DataFrame indexed by status (``in the origin index``, ``not yet in it``, ``unknown (before
    coverage)``): ``months`` (event-months), ``log_relative`` (summed), ``share`` (of the
    total, decimal).
    """
    per = runup_by_event(study, panels)
    total = float(per["total"].sum())
    out = [{"status": s, "months": per.attrs["months"][s], "log_relative": float(per[s].sum()),
            "share": float(per[s].sum()) / total if total else np.nan} for s in STATUSES]
    return pd.DataFrame(out).set_index("status")


def calendar_time(study: EventStudy, months: pd.DatetimeIndex, horizon: int) -> pd.DataFrame:
    """A calendar-time portfolio of the movers in their first ``horizon`` months after the move.

    Each calendar month holds, equally weighted, every mover in months ``1..horizon`` after its
    ``t0`` with a return that month (a mover whose prices stop leaves the portfolio), so
    concurrent events are one observation per month and the portfolio's time series has the
    usual standard errors (Fama 1998; Mitchell and Stafford 2000).

    Parameters
    ----------
    study
        The event study (its post-move stock and benchmark returns).
    months
        The month-end index the study was built on (``t0`` is one of its dates).
    horizon
        Months held after the move (at most ``study.post``).

    Returns
    -------
    DataFrame indexed by calendar month end: ``portfolio`` (equal-weight return of the movers
    held), ``benchmark`` (equal-weight return of their benchmarks), ``excess`` (mean of each
    mover's return minus its benchmark's), ``n`` (movers held); decimals. Months holding no
    mover are absent.
    """
    if horizon < 1 or horizon > study.post:
        raise DataError(f"calendar_time: horizon must be 1..{study.post}; got {horizon}")
    ev = study.events.loc[study.stock.index]
    pos = months.get_indexer(pd.DatetimeIndex(ev["t0"]))
    rows = []
    for k in range(1, horizon + 1):
        where = pos + k
        ok = (pos >= 0) & (where < len(months))
        r = study.stock[k].to_numpy()
        b = study.bench[k].to_numpy()
        keep = ok & np.isfinite(r) & np.isfinite(b)
        rows.append(pd.DataFrame({"month": months[where[keep]], "r": r[keep], "b": b[keep]}))
    long = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["month", "r", "b"])
    if long.empty:
        return pd.DataFrame(columns=["portfolio", "benchmark", "excess", "n"], index=pd.DatetimeIndex([], name="month"))
    g = long.assign(x=long["r"] - long["b"]).groupby("month")
    out = pd.DataFrame({"portfolio": g["r"].mean(), "benchmark": g["b"].mean(), "excess": g["x"].mean(),
                        "n": g.size()})
    return out.sort_index()


# -- ranks of movers among their index's members ----------------------------------------------------


def trailing_returns(prices: pd.DataFrame, months: int) -> pd.DataFrame:
    """Return over the past ``months`` month ends (decimal), NaN without both prices."""
    return prices / prices.shift(months) - 1.0


def pre_move_ranks(events: pd.DataFrame, prices: pd.DataFrame, panels: Mapping[str, pd.DataFrame],
                   months: int) -> pd.DataFrame:
    """Percentile rank (0-100) of each mover's return over the ``months`` before its move
    among the members of its origin index at the last month end before the move.

    The rank is the percent of members (the mover included) whose return is at or below the
    mover's. Members without a return (no prices, or listed too recently) are missing; the
    bounds place all of them above (``rank_low``) or below (``rank_high``) the mover.

    Returns
    -------
    DataFrame: the events with a rank (mover priced, date inside its origin's panel), columns
    ``ticker, date, origin, destination, move, rank, rank_low, rank_high, members, priced``.
    """
    trail = trailing_returns(prices, months)
    tr, t_index, t_cols = trail.to_numpy(), trail.index, {t: i for i, t in enumerate(trail.columns)}
    arrays = {}  # per origin: membership matrix, its columns' positions in trail, and its tickers' positions
    rows = []
    for r in events.itertuples(index=False):
        panel = panels.get(r.origin)
        if panel is None or panel.empty:
            continue
        if r.origin not in arrays:
            arrays[r.origin] = (panel.to_numpy(), trail.columns.get_indexer(panel.columns),
                                {t: i for i, t in enumerate(panel.columns)})
        member, in_trail, p_cols = arrays[r.origin]
        pos = panel.index.searchsorted(pd.Timestamp(r.date), side="right") - 1
        if pos < 0:
            continue
        when = panel.index[pos]
        if when not in t_index:
            continue
        row = tr[t_index.get_loc(when)]
        mask = member[pos]
        mine = row[t_cols[r.ticker]] if r.ticker in t_cols else np.nan
        if not np.isfinite(mine) or not (r.ticker in p_cols and mask[p_cols[r.ticker]]):
            continue
        where = in_trail[mask]
        vals = np.where(where >= 0, row[np.clip(where, 0, None)], np.nan)
        v = vals[np.isfinite(vals)]
        n, miss = len(v), int(mask.sum()) - len(v)
        at_or_below = int((v <= mine).sum())
        rows.append({"ticker": r.ticker, "date": pd.Timestamp(r.date), "origin": r.origin, "destination": r.destination,
                     "move": r.move, "rank": percent(at_or_below) / n,
                     "rank_low": percent(at_or_below) / (n + miss),
                     "rank_high": percent(at_or_below + miss) / (n + miss),
                     "members": int(mask.sum()), "priced": n})
    cols = ["ticker", "date", "origin", "destination", "move", "rank", "rank_low", "rank_high", "members", "priced"]
    return pd.DataFrame(rows, columns=cols).sort_values(["date", "ticker"], ignore_index=True)


# -- the point-in-time equal-weight index and its contributions ------------------------------------


def start_of_month_membership(panel: pd.DataFrame, months: pd.DatetimeIndex) -> pd.DataFrame:
    """Membership at the previous month end, aligned on each month of ``months`` (the
    members whose return in that month an equal-weight index holds); False before the panel."""
    prev = months - pd.offsets.MonthEnd(1)
    pos = panel.index.searchsorted(prev, side="right") - 1
    ok = (pos >= 0) & (prev >= panel.index[0]) if len(panel) else np.zeros(len(months), dtype=bool)
    mat = np.zeros((len(months), panel.shape[1]), dtype=bool)
    mat[ok] = panel.to_numpy()[pos[ok]]
    return pd.DataFrame(mat, index=months, columns=panel.columns)


def future_move_flags(members: pd.DataFrame, moves: pd.DataFrame, months: int) -> pd.DataFrame:
    """True where a member (held in month ``t``) makes a move in ``moves`` within ``months``
    months after the start of month ``t`` (the previous month end)."""
    flags = np.zeros(members.shape, dtype=bool)
    starts = members.index - pd.offsets.MonthEnd(1)
    cols = members.columns.get_indexer(moves["ticker"])
    for c, d in zip(cols, pd.DatetimeIndex(moves["date"]), strict=True):
        if c < 0:
            continue
        sel = (starts < d) & (starts >= d - pd.DateOffset(months=months))
        flags[sel, c] = True
    return pd.DataFrame(flags & members.to_numpy(), index=members.index, columns=members.columns)


def winner_flags(returns: pd.DataFrame, members: pd.DataFrame, prices: pd.DataFrame, share: float,
                 months: int) -> pd.DataFrame:
    """The ex-post winners' benchmark: True for the top ``share`` of each month's priced members
    by their return over the ``months`` months from the start of that month (the previous month
    end), chosen with hindsight.

    Any group picked for its later gains supplies a large part of an index's return; the share
    of the return from members about to graduate (also picked with hindsight) is read against
    this benchmark at the same weight.

    Parameters
    ----------
    returns
        Monthly returns (decimal).
    members
        Boolean membership held in each month (:func:`start_of_month_membership`).
    prices
        Month-end prices (for the forward returns).
    share
        The fraction of each month's priced members flagged (``round(share * priced)`` names;
        members without a forward return cannot be chosen).
    months
        The forward window.

    Returns
    -------
    DataFrame shaped like ``members``; months without forward returns have no flag.
    """
    fwd = prices.shift(-months) / prices - 1.0
    r = returns.reindex(index=members.index, columns=members.columns).to_numpy()
    held = members.to_numpy()
    flags = np.zeros(held.shape, dtype=bool)
    starts = members.index - pd.offsets.MonthEnd(1)
    fpos = fwd.index.get_indexer(starts)
    fcols = fwd.columns.get_indexer(members.columns)
    fv = fwd.to_numpy()
    for i in range(len(members)):
        if fpos[i] < 0:
            continue
        priced = held[i] & np.isfinite(r[i])
        k = int(round(share * int(priced.sum())))
        f = np.where(fcols >= 0, fv[fpos[i], np.clip(fcols, 0, None)], np.nan)
        ok = priced & np.isfinite(f)
        if k == 0 or not ok.any():
            continue
        order = np.argsort(-np.where(ok, f, -np.inf), kind="stable")[: min(k, int(ok.sum()))]
        flags[i, order] = True
    return pd.DataFrame(flags, index=members.index, columns=members.columns)


def ew_contributions(returns: pd.DataFrame, members: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """An equal-weight index of the priced members, and the part of its return from flagged members.

    Parameters
    ----------
    returns
        Monthly returns (decimal), rows month ends.
    members
        Boolean, same shape: held in that month (see :func:`start_of_month_membership`).
    flags
        Boolean, same shape: the group whose contribution is measured.

    Returns
    -------
    DataFrame per month: ``index_return``, ``group_contribution`` (sum of weight x return over
    flagged members), ``group_weight``, ``members``, ``priced``, ``group_members``.
    """
    r = returns.reindex(index=members.index, columns=members.columns)
    held = members.to_numpy() & np.isfinite(r.to_numpy())
    n = held.sum(axis=1)
    w = np.divide(held, n[:, None], out=np.zeros(held.shape), where=n[:, None] > 0)
    rv = np.nan_to_num(r.to_numpy())
    f = flags.reindex(index=members.index, columns=members.columns, fill_value=False).to_numpy() & held
    out = pd.DataFrame({
        "index_return": np.where(n > 0, (w * rv).sum(axis=1), np.nan),
        "group_contribution": np.where(n > 0, (w * rv * f).sum(axis=1), np.nan),
        "group_weight": np.where(n > 0, (w * f).sum(axis=1), np.nan),
        "members": members.to_numpy().sum(axis=1), "priced": n, "group_members": f.sum(axis=1),
    }, index=members.index)
    return out.loc[out["members"] > 0]


def yearly_contributions(monthly: pd.DataFrame, complete_until=None) -> pd.DataFrame:
    """Calendar-year index return and the group's linked contribution to it.

    Each month's contribution is scaled by the index's growth earlier in the year, so the
    contributions of all members add up to the compounded annual return.

    Parameters
    ----------
    monthly
        Output of :func:`ew_contributions`.
    complete_until
        Last month whose group membership is fully observed (e.g. the look-ahead for future
        graduates ends with the data); later months make their year ``complete = False``.

    Returns
    -------
    DataFrame indexed by year: ``index_return``, ``group_contribution``, ``group_share``
    (contribution over index return, NaN when the index return is within 0.5 pp of zero),
    ``group_weight`` (average), ``months``, ``priced_share`` (average priced/members),
    ``complete``.
    """
    m = monthly.copy()
    m["year"] = m.index.year
    growth = (1.0 + m["index_return"]).groupby(m["year"]).cumprod()
    before = growth.groupby(m["year"]).shift(1).fillna(1.0)
    m["linked"] = m["group_contribution"] * before
    g = m.groupby("year")
    out = pd.DataFrame({
        "index_return": g["index_return"].apply(lambda s: float((1 + s).prod() - 1)),
        "group_contribution": g["linked"].sum(),
        "group_weight": g["group_weight"].mean(),
        "months": g.size(),
        "priced_share": (m["priced"] / m["members"]).groupby(m["year"]).mean(),
    })
    out["group_share"] = (out["group_contribution"] / out["index_return"]).where(out["index_return"].abs() >= 0.005)
    if complete_until is not None:
        last = m.index[m.index <= pd.Timestamp(complete_until)]
        lim = last.max() if len(last) else m.index.min() - pd.offsets.MonthEnd(1)
        out["complete"] = g.apply(lambda s: bool(s.index.max() <= lim)).values
    else:
        out["complete"] = True
    out.index.name = "year"
    return out[["index_return", "group_contribution", "group_share", "group_weight", "months", "priced_share",
                "complete"]]


def dominance(monthly: pd.DataFrame, until=None, multiple: float = 2.0) -> dict:
    """Pooled share of an index's return from a group against the group's average weight.

    Sums of monthly contributions and index returns (pp, arithmetic) over months up to
    ``until``. The group *dominates* when its summed contribution is positive and either the
    index's summed return is not positive or the share is at least ``multiple`` times the
    average weight (default: twice).

    Returns
    -------
    dict: ``months``, ``index_sum``, ``group_sum``, ``share`` (NaN when index_sum <= 0),
    ``weight``, ``ratio`` (share / weight), ``dominates`` (bool).
    """
    m = monthly if until is None else monthly.loc[: pd.Timestamp(until)]
    idx, grp, w = float(m["index_return"].sum()), float(m["group_contribution"].sum()), float(m["group_weight"].mean())
    share = grp / idx if idx > 0 else np.nan
    ratio = share / w if (idx > 0 and w > 0) else np.nan
    dom = grp > 0 and (idx <= 0 or (w > 0 and share >= multiple * w))
    return {"months": len(m), "index_sum": idx, "group_sum": grp, "share": share, "weight": w, "ratio": ratio,
            "dominates": bool(dom)}


def ew_index(returns: pd.DataFrame, members: pd.DataFrame) -> pd.Series:
    """Monthly return of the equal-weight index of priced ``members`` (decimal)."""
    return ew_contributions(returns, members, members & False)["index_return"]


def buy_and_hold(prices: pd.DataFrame, roster, start, benchmark: pd.Series | None = None) -> pd.DataFrame:
    """Growth of $1 split equally across ``roster`` at month end ``start`` and never rebalanced.

    A name whose prices stop is held as cash at its last price. Names without a price at
    ``start`` (absent from the data: acquired, delisted or renamed since) cannot be held; two
    bounds put them back: at -100% (``lower bound``) or earning ``benchmark`` (``missing earn
    benchmark``).

    Returns
    -------
    DataFrame from ``start``: ``priced names`` (the priced names only), ``lower bound``,
    ``missing earn benchmark`` (when a benchmark is given); attribute-like columns
    ``n_roster``/``n_priced`` are in ``.attrs``.
    """
    start = pd.Timestamp(start)
    roster = sorted(set(roster))
    p = prices.reindex(columns=roster).loc[start:]
    base = p.iloc[0]
    priced = base.index[np.isfinite(base.to_numpy())]
    rel = (p[priced] / base[priced]).ffill()
    n, k = len(roster), len(priced)
    out = pd.DataFrame({"priced names": rel.mean(axis=1)})
    out["lower bound"] = rel.sum(axis=1) / n
    if benchmark is not None:
        b = benchmark.reindex(out.index)
        out["missing earn benchmark"] = (rel.sum(axis=1) + (n - k) * b / b.iloc[0]) / n
    out.attrs.update(n_roster=n, n_priced=k)
    return out


def frozen_roster(prices: pd.DataFrame, benchmark: pd.Series, panel: pd.DataFrame) -> pd.DataFrame:
    """An index's first roster held unchanged against the reconstituted index: growth of $1.

    Parameters
    ----------
    prices
        Month-end stock prices (USD).
    benchmark
        Month-end prices of the index's ETF.
    panel
        The index's month-end membership panel (its first row is the roster frozen).

    Returns
    -------
    DataFrame indexed by the panel's month ends, growth of $1 from the first: the point-in-time
    equal-weight index, the roster equal-weighted and rebalanced monthly, the roster bought and
    held (priced names) with its two survivorship bounds (missing names at -100%, or earning
    the ETF), and the ETF. ``.attrs``: ``n_roster``, ``n_priced``, ``start``, ``year``.
    """
    rets = prices / prices.shift(1) - 1.0
    start = panel.index[0]
    roster = panel.columns[panel.iloc[0].to_numpy()]
    etf = benchmark.name
    bench = benchmark.loc[start:]
    b = buy_and_hold(prices.loc[: panel.index[-1]], roster, start, bench)
    months = panel.index[1:]
    held = start_of_month_membership(panel, months)
    pit = ew_index(rets, held)
    frozen = pd.DataFrame(False, index=months, columns=panel.columns)
    frozen.loc[:, roster] = True
    fro = ew_index(rets, frozen)
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


def cohort_gaps(prices: pd.DataFrame, panel: pd.DataFrame, benchmark: pd.Series, years: int = 1,
                month: int = 6) -> pd.DataFrame:
    """Frozen rosters against the reconstituted index in annual cohorts (Cai and Houge's design on
    a point-in-time index).

    Each year, at the end of ``month`` (June: the Russell's reconstitution month), the index's
    members are frozen; over the next ``years`` years the frozen roster, equal-weighted and
    rebalanced monthly, is compared with the equal-weight point-in-time index (which adds and
    drops names as the index does). Both hold priced names only. The gap isolates what
    reconstitution did to the index's return over the cohort's years.

    Survivorship: the snapshot prices only companies still listed, so roster names that were
    later acquired or delisted are missing from both portfolios. Two bounds put them back in the
    frozen roster: earning the index ETF (``gap_etf``), or lost entirely in the first month
    (``gap_low``: a floor, the worst case for the frozen roster).

    Parameters
    ----------
    prices
        Month-end stock prices.
    panel
        The index's month-end membership panel.
    benchmark
        Month-end prices of the index's ETF (for the bound).
    years
        The cohort's horizon.
    month
        The calendar month in which each cohort is frozen.

    Returns
    -------
    DataFrame, one row per cohort with a whole horizon inside the panel: ``start``, ``end``
    (month ends), ``roster``, ``priced`` (roster names with a price at the start), ``frozen``,
    ``index`` (compounded returns, decimal), ``gap`` (frozen minus index), ``gap_etf``,
    ``gap_low`` (the bounds).
    """
    idx = panel.index
    rets = (prices / prices.shift(1) - 1.0).reindex(index=idx, columns=panel.columns).to_numpy()
    px = prices.reindex(index=idx, columns=panel.columns).to_numpy()
    etf = (benchmark / benchmark.shift(1) - 1.0).reindex(idx).fillna(0.0).to_numpy()
    mem = panel.to_numpy()
    ok_ret = np.isfinite(rets)
    rv = np.nan_to_num(rets)

    def ew(rows: np.ndarray, held: np.ndarray) -> np.ndarray:
        """Equal-weight return of the priced names ``held`` (one row per month), 0 without any."""
        h = held & ok_ret[rows]
        n = h.sum(axis=1)
        return np.divide((rv[rows] * h).sum(axis=1), n, out=np.zeros(len(rows)), where=n > 0)

    rows = []
    for i0, s in enumerate(idx):
        if s.month != month:
            continue
        e = (s + pd.DateOffset(months=12 * years)) + pd.offsets.MonthEnd(0)
        i1 = i0 + 12 * years
        if i1 >= len(idx) or idx[i1] != e:
            continue  # the horizon runs past the panel (or the panel has a gap)
        months = np.arange(i0 + 1, i1 + 1)
        roster = mem[i0]
        fr = ew(months, np.broadcast_to(roster, (len(months), len(roster))))
        pit = ew(months, mem[months - 1])  # held in a month: members at the previous month end
        n, k = int(roster.sum()), int((roster & np.isfinite(px[i0])).sum())
        miss = (n - k) / n if n else 0.0
        f_ret, i_ret = float(np.prod(1 + fr) - 1), float(np.prod(1 + pit) - 1)
        mid = float(np.prod(1 + (1 - miss) * fr + miss * etf[months]) - 1)
        low = float((1 - miss) * (1 + f_ret) - 1)
        rows.append({"start": s, "end": e, "roster": n, "priced": k, "frozen": f_ret, "index": i_ret,
                     "gap": f_ret - i_ret, "gap_etf": mid - i_ret, "gap_low": low - i_ret})
    cols = ["start", "end", "roster", "priced", "frozen", "index", "gap", "gap_etf", "gap_low"]
    return pd.DataFrame(rows, columns=cols)


# -- following members by return quintile ---------------------------------------------------------


def quintile_outcomes(prices: pd.DataFrame, panel: pd.DataFrame, up_moves: pd.DataFrame,
                      months: int = 12) -> pd.DataFrame:
    """What happens to members ``months`` after each month end, by quintile of their return
    over the previous ``months``.

    For each month end ``s`` with ``s + months`` in the panel: members at ``s`` with a
    trailing return are split into quintiles (1 = worst); 12 months later each is ``moved
    up`` (a move in ``up_moves`` dated within the period), ``still a member``, or ``left``
    (moved down, or removed). ``next_excess`` is the member's return over the next
    ``months`` minus the mean of all priced members' (decimal).

    Returns
    -------
    DataFrame, one row per (month end, quintile): ``month, quintile, n, moved_up, stayed,
    left`` (shares, decimal), ``next_excess`` (mean, decimal).
    """
    p = prices.reindex(columns=panel.columns)
    when = panel.index
    trail = (p / p.shift(months) - 1.0).reindex(when)  # trailing windows may start before the panel
    fwd = (p.shift(-months) / p - 1.0).reindex(when)
    mem = panel.to_numpy()
    later = panel.shift(-months, fill_value=False).to_numpy()
    # up-moves dated within (s, s + months]
    up = np.zeros(mem.shape, dtype=bool)
    cols = panel.columns.get_indexer(up_moves["ticker"])
    for c, d in zip(cols, pd.DatetimeIndex(up_moves["date"]), strict=True):
        if c >= 0:
            up[(when < d) & (when >= d - pd.DateOffset(months=months)), c] = True
    rows = []
    for i in range(len(when) - months):
        sel = mem[i] & np.isfinite(trail.to_numpy()[i])
        if sel.sum() < 10:
            continue
        tr = trail.to_numpy()[i, sel]
        q = np.ceil(5 * pd.Series(tr).rank(method="first", pct=True).to_numpy()).astype(int)
        f = fwd.to_numpy()[i, sel]
        fx = f - np.nanmean(f)
        mu, stay = up[i, sel], later[i, sel] & ~up[i, sel]
        for qq in range(1, 6):
            s = q == qq
            rows.append({"month": when[i], "quintile": qq, "n": int(s.sum()), "moved_up": mu[s].mean(),
                         "stayed": stay[s].mean(), "left": 1.0 - mu[s].mean() - stay[s].mean(),
                         "next_excess": np.nanmean(fx[s]) if np.isfinite(fx[s]).any() else np.nan})
    return pd.DataFrame(rows)


# -- coverage and dispersion ----------------------------------------------------------------------


def price_coverage(panel: pd.DataFrame, prices: pd.DataFrame) -> pd.DataFrame:
    """Members at each month end and how many have a price that day.

    Returns
    -------
    DataFrame: ``members``, ``priced``, ``share`` (decimal), indexed by month end.
    """
    p = prices.reindex(index=panel.index, columns=panel.columns)
    has = np.isfinite(p.to_numpy()) & panel.to_numpy()
    members = panel.to_numpy().sum(axis=1)
    out = pd.DataFrame({"members": members, "priced": has.sum(axis=1)}, index=panel.index)
    out["share"] = out["priced"] / out["members"]
    return out


def dispersion(prices: pd.DataFrame, panel: pd.DataFrame, months: int = 12) -> pd.DataFrame:
    """Cross-sectional spread of members' trailing ``months``-month returns at each month end.

    Returns
    -------
    DataFrame: ``iqr`` (75th minus 25th percentile, decimal), ``std_log`` (standard deviation
    of log returns), ``n`` (members with a return), ``missing``, and ``iqr_wide`` (the IQR if
    the missing members sat half at the top and half at the bottom: an upper bound on how
    much survivorship narrows it; NaN if that bound is unbounded).
    """
    p = prices.reindex(columns=panel.columns)
    tr = (p / p.shift(months) - 1.0).reindex(panel.index).to_numpy()  # windows may start before the panel
    mem = panel.to_numpy()
    vals = np.where(mem, tr, np.nan)
    n = np.isfinite(vals).sum(axis=1)
    missing = mem.sum(axis=1) - n
    with np.errstate(all="ignore"):
        q75, q25 = np.nanpercentile(vals, 75, axis=1), np.nanpercentile(vals, 25, axis=1)
        std_log = np.nanstd(np.log1p(vals), axis=1, ddof=1)
    big = 1e6
    miss_mask = mem & ~np.isfinite(tr)
    order = np.cumsum(miss_mask, axis=1)
    fill = np.where(order % 2 == 1, big, -big)
    wide_vals = np.where(miss_mask, fill, vals)
    with np.errstate(all="ignore"):
        w75, w25 = np.nanpercentile(wide_vals, 75, axis=1), np.nanpercentile(wide_vals, 25, axis=1)
    wide = np.where((np.abs(w75) < big / 10) & (np.abs(w25) < big / 10), w75 - w25, np.nan)
    out = pd.DataFrame({"iqr": q75 - q25, "std_log": std_log, "n": n, "missing": missing, "iqr_wide": wide},
                       index=panel.index)
    return out.loc[out["n"] >= 10]


# -- unprofitable firms (market-wide proxy) ---------------------------------------------------------


def unprofitable_share(firms: pd.DataFrame) -> pd.DataFrame:
    """Share of firms with earnings at or below zero in French's E/P sorts, monthly.

    Parameters
    ----------
    firms
        French ``Portfolios_Formed_on_E-P`` firm counts: ``<= 0`` and the positive-earnings
        groups ``Lo 30``, ``Med 40``, ``Hi 30``; monthly PeriodIndex.

    Returns
    -------
    DataFrame: ``month`` (month-end Timestamp), ``negative`` and ``all`` firm counts,
    ``share`` (decimal); months without counts dropped.
    """
    pos = firms[["Lo 30", "Med 40", "Hi 30"]].sum(axis=1)
    neg = firms["<= 0"]
    out = pd.DataFrame({"month": firms.index.to_timestamp(how="end").normalize(), "negative": neg.values,
                        "all": (neg + pos).values})
    out["share"] = out["negative"] / out["all"]
    return out.dropna().reset_index(drop=True)
