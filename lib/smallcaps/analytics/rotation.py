"""Relative performance, rotations and event windows: the analytics behind the rotation chapter.

Pure functions from prices or return series to tidy frames; no I/O. Returns are **decimal**
(0.05 = 5%) per period unless a name says ``pp`` or ``pct``; prices are levels (adjusted
closes). Several functions are generic (equal-weight baskets, leg decompositions, event
windows, sign runs) and could serve other chapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import DataError
from .regimes import direction, high_low
from .returns import capture_ratio, from_percent, year_to_date

# -- spreads and year-to-date windows -----------------------------------------------------------


def ytd_spreads(prices: pd.DataFrame, pairs: Sequence[tuple[str, str]], as_of) -> pd.DataFrame:
    """Daily year-to-date return of A minus that of B, for each pair, up to ``as_of``.

    Parameters
    ----------
    prices
        Wide frame of adjusted closes (columns are tickers).
    pairs
        ``(a, b)`` ticker pairs; column ``"a-b"`` in the result.
    as_of
        Last date; the year is ``as_of``'s, the base each series' last close of the prior year.

    Returns
    -------
    DataFrame of decimal spreads (0.085 = 8.5 percentage points), one row per trading day.

    Raises
    ------
    DataError
        No price at the prior year-end or none in the year (from :func:`returns.year_to_date`).
    """
    tickers = list(dict.fromkeys(t for p in pairs for t in p))
    ytd = year_to_date(prices[tickers], as_of)
    return pd.DataFrame({f"{a}-{b}": ytd[a] - ytd[b] for a, b in pairs}, index=ytd.index)


def dates_near(series: pd.Series, target: float, tol: float) -> pd.DatetimeIndex:
    """Dates on which ``series`` was within ``tol`` of ``target`` (same units as the series)."""
    s = series.dropna()
    return s.index[(s - target).abs() <= tol + 1e-12]


def up_crossings(series: pd.Series, level: float) -> pd.DatetimeIndex:
    """Dates on which ``series`` closed at or above ``level`` after closing below it the day
    before (the first observation counts if it starts at or above the level)."""
    s = series.dropna()
    above = s >= level
    prev = above.shift(1, fill_value=False)
    return s.index[above & ~prev]


def first_reached(series: pd.Series, target: float) -> pd.Timestamp | None:
    """First date on which ``series`` was at or above ``target`` (None if never)."""
    s = series.dropna()
    hit = s.index[s >= target]
    return hit[0] if len(hit) else None


def same_date_ytd(prices: pd.DataFrame, as_of, first_year: int | None = None) -> pd.DataFrame:
    """Year-to-date returns read on ``as_of``'s calendar day (month and day) in every year.

    For each year Y from ``first_year`` (default: the first year with a prior year-end close)
    through ``as_of``'s year, the return from the last close of Y-1 to the last close on or
    before (Y, as_of.month, as_of.day). A ticker without a close at both ends is NaN that year.

    Returns
    -------
    DataFrame indexed by year (int), decimal returns per ticker.
    """
    as_of = pd.Timestamp(as_of)
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    frame = frame.loc[:as_of]
    if frame.empty:
        raise DataError(f"same_date_ytd: no prices on or before {as_of.date()}")
    y0 = frame.index.min().year + 1 if first_year is None else first_year
    rows = {}
    for year in range(y0, as_of.year + 1):
        day = min(as_of.day, pd.Timestamp(year, as_of.month, 1).days_in_month)
        end = pd.Timestamp(year, as_of.month, day)
        base = frame.loc[: pd.Timestamp(year - 1, 12, 31)]
        cur = frame.loc[pd.Timestamp(year, 1, 1): end]
        if base.empty or cur.empty:
            continue
        b = base.iloc[-1]
        e = cur.iloc[-1]
        # a ticker counts only if it quoted on the prior year's last trading day
        b = b.where(base.index[-1] == base.apply(pd.Series.last_valid_index))
        rows[year] = e / b - 1.0
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "year"
    return out


def underperformance_years(spread_by_year: pd.Series, year: int, k: int) -> dict:
    """How often A trailed B in the ``k`` calendar years before ``year``.

    Parameters
    ----------
    spread_by_year
        Calendar-year spread A minus B (decimal), indexed by year.
    year
        The year of the claim; the years examined are ``year-k .. year-1``.
    k
        Number of prior years.

    Returns
    -------
    dict with ``years`` (those with data), ``trailed`` (count with spread < 0) and ``run`` (the
    consecutive trailing years ending in ``year-1``).
    """
    window = spread_by_year.reindex(range(year - k, year)).dropna()
    run = 0
    for y in range(year - 1, year - k - 1, -1):
        v = spread_by_year.get(y, np.nan)
        if pd.isna(v) or v >= 0:
            break
        run += 1
    return {"years": len(window), "trailed": int((window < 0).sum()), "run": run}


def quarter_returns(prices: pd.DataFrame, reading, year: int) -> pd.DataFrame:
    """Return (decimal) within each calendar quarter of ``year`` up to the ``reading`` date.

    Each quarter's return runs from the last close before the quarter to its last close on or
    before ``min(reading, quarter end)``; the rows are labelled ``Q1``...``Q4``, the one cut by
    the reading date ``Q<n> to date``. Quarters with no price before or within them are left out.

    Returns
    -------
    DataFrame indexed by ``quarter``, one column per price column.
    """
    reading = pd.Timestamp(reading)
    rows = {}
    for q in range(1, 5):
        start = pd.Timestamp(year, 3 * q - 2, 1)
        if start > reading:
            break
        end = min(reading, (start + pd.offsets.QuarterEnd(0)))
        base = prices.loc[: start - pd.Timedelta(days=1)].dropna()
        seg = prices.loc[start:end].dropna()
        if base.empty or seg.empty:
            continue
        label = f"Q{q}" + (" to date" if end == reading and end < start + pd.offsets.QuarterEnd(0) else "")
        rows[label] = seg.iloc[-1] / base.iloc[-1] - 1.0
    out = pd.DataFrame(rows).T
    out.index.name = "quarter"
    return out


def relative_wealth(prices_a: pd.Series, prices_b: pd.Series, start, end) -> float:
    """Value of $1 in A relative to $1 in B from the close on or before ``start`` to the close
    on or before ``end``, minus one (decimal; -0.3 means A ended 30% behind B)."""
    from .returns import window_return

    ra, rb = window_return(prices_a, start, end), window_return(prices_b, start, end)
    return float((1.0 + ra) / (1.0 + rb) - 1.0)


# -- baskets and legs ---------------------------------------------------------------------------


def equal_weight(prices: pd.DataFrame, name: str = "basket") -> pd.Series:
    """Equal-weight basket, rebalanced daily, over the dates on which every member quotes.

    Returns
    -------
    Series of index levels starting at 1.0 on the first common date (NaN never appears: the
    basket exists only where all members have a price).
    """
    common = prices.dropna()
    if len(common) < 2:
        raise DataError(f"equal_weight: {', '.join(prices.columns)} have fewer than 2 common dates")
    r = common.pct_change().iloc[1:].mean(axis=1)
    level = pd.concat([pd.Series([1.0], index=common.index[:1]), (1.0 + r).cumprod()])
    return level.rename(name)


def relative_daily(prices_a: pd.Series, prices_b: pd.Series) -> pd.Series:
    """Daily return of A minus daily return of B on their common dates (decimal)."""
    both = pd.concat([prices_a, prices_b], axis=1, sort=True).dropna()
    r = both.pct_change().iloc[1:]
    return (r.iloc[:, 0] - r.iloc[:, 1]).rename(f"{prices_a.name}-{prices_b.name}")


def cumulated_band(daily_diff: pd.Series, value: float, level: float = 0.95) -> tuple[float, float, str]:
    """Interval for a cumulated return difference from the HAC error of its daily mean.

    The sum of ``n`` daily differences has standard error ``n * se(mean)``, with a Newey-West
    standard error of the mean; the band is ``value +/- z * n * se``. It says whether a
    realised lead of this size is distinguishable from the day-to-day noise of the pair.

    Returns
    -------
    (low, high, method) in the units of ``value`` (decimal).
    """
    from scipy import stats as sps

    from ..stats import mean_hac

    est = mean_hac(daily_diff)
    n = est.n
    z = sps.norm.ppf(0.5 + level / 2)
    half = z * n * est.se
    return value - half, value + half, f"{est.method} error of the summed daily difference (n = {n})"


def leg_decomposition(long_px: pd.Series, short_px: pd.Series, market_px: pd.Series, horizon: int) -> pd.DataFrame:
    """Rolling pair return split into its two legs against the market.

    ``pair = long - short = (long - market) + (market - short)``: the first term is what the
    long leg earned over the market, the second what the short leg earned (a short position
    gains when its leg trails the market).

    Parameters
    ----------
    long_px, short_px, market_px
        Price levels.
    horizon
        Window in periods (trading days), overlapping.

    Returns
    -------
    DataFrame (decimal) with columns ``pair, long_leg, short_leg``, one row per window end.
    """
    both = pd.concat({"long": long_px, "short": short_px, "market": market_px}, axis=1, sort=True).dropna()
    r = both / both.shift(horizon) - 1.0
    out = pd.DataFrame({"pair": r["long"] - r["short"], "long_leg": r["long"] - r["market"],
                        "short_leg": r["market"] - r["short"]}).dropna()
    return out


def hit_rates(rolling: pd.Series, thresholds: Iterable[float], horizon: int) -> pd.DataFrame:
    """Share of overlapping windows whose return reached each threshold, with HAC intervals.

    Parameters
    ----------
    rolling
        Overlapping window returns (decimal).
    thresholds
        Levels (decimal), e.g. 0.08 and 0.12.
    horizon
        Window length in periods: the overlap passed to the HAC error.

    Returns
    -------
    DataFrame indexed by threshold with ``share, ci_low, ci_high, n`` (fractions).
    """
    from ..stats import mean_hac

    rows = {}
    s = rolling.dropna()
    for th in thresholds:
        hit = (s >= th).astype(float)
        if hit.nunique() < 2:
            rows[th] = {"share": float(hit.mean()) if len(hit) else np.nan, "ci_low": np.nan, "ci_high": np.nan,
                        "n": len(hit)}
            continue
        e = mean_hac(hit, overlap=horizon)
        rows[th] = {"share": e.value, "ci_low": max(0.0, e.ci_low), "ci_high": min(1.0, e.ci_high), "n": e.n}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "threshold"
    return out


# -- risk against a benchmark -------------------------------------------------------------------


def risk_table(returns: pd.DataFrame, benchmark: str) -> pd.DataFrame:
    """Beta, downside and upside capture against ``benchmark``, and maximum drawdown.

    Parameters
    ----------
    returns
        Periodic decimal returns, one column per asset (benchmark included).
    benchmark
        Column to measure against.

    Returns
    -------
    DataFrame indexed by asset: ``beta`` (OLS slope), ``downside_capture`` and
    ``upside_capture`` (ratios; below 1 on the downside means it lost less),
    ``max_drawdown`` (decimal, <= 0, from the compounded returns), ``n`` (periods).
    """
    from .returns import beta, capture_ratio

    rows = {}
    m = returns[benchmark]
    for col in returns.columns:
        a = returns[col]
        both = pd.concat([a, m], axis=1, sort=True).dropna()
        level = (1.0 + both.iloc[:, 0]).cumprod()
        rows[col] = {"beta": beta(a, m), "downside_capture": capture_ratio(a, m, "down"),
                     "upside_capture": capture_ratio(a, m, "up"),
                     "max_drawdown": float((level / level.cummax() - 1.0).min()), "n": len(both)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "asset"
    return out


# -- events ---------------------------------------------------------------------------------------


def declustered_events(trigger: pd.Series, gap: int) -> pd.DatetimeIndex:
    """Dates on which ``trigger`` is true, keeping only those at least ``gap`` rows after the
    previous kept event (so overlapping windows do not count one episode several times)."""
    t = trigger.fillna(False).astype(bool)
    pos = np.flatnonzero(t.values)
    kept, last = [], None
    for i in pos:
        if last is None or i - last >= gap:
            kept.append(i)
            last = i
    return pd.DatetimeIndex(t.index[kept])


def change_events(level: pd.Series, lookback: int, threshold: float, *, relative: bool = False,
                  below: bool = True, gap: int = 21) -> pd.DatetimeIndex:
    """Dates when a level moved by at least ``threshold`` over ``lookback`` rows (declustered).

    Parameters
    ----------
    level
        The variable (e.g. the 10-year yield in percent, or VIX points).
    lookback
        Rows over which the change is measured.
    threshold
        Absolute change in the level's units (e.g. -0.25 for a 25 bp fall in a percent yield),
        or with ``relative=True`` a proportional change (0.4 = a 40% rise).
    below
        True: events are changes at or below ``threshold``; False: at or above.
    gap
        Minimum rows between kept events.
    """
    s = level.dropna()
    chg = s / s.shift(lookback) - 1.0 if relative else s - s.shift(lookback)
    trig = chg <= threshold if below else chg >= threshold
    return declustered_events(trig, gap)


def _event_positions(idx: pd.DatetimeIndex, events: Iterable):
    """Row positions of the events that fall on a row of ``idx`` (others are skipped)."""
    for ev in events:
        pos = idx.searchsorted(pd.Timestamp(ev))
        if pos < len(idx) and idx[pos] == pd.Timestamp(ev):
            yield pos


def event_window_returns(daily: pd.Series, events: Iterable, start: int, length: int) -> pd.Series:
    """Compounded return of ``daily`` over ``length`` rows starting ``start`` rows from each event.

    ``start`` may be negative (a window that begins before the event date, e.g. at the start
    of the move that triggered it). Events whose window falls outside the series are dropped.

    Returns
    -------
    Series indexed by event date (decimal).
    """
    s = daily.dropna()
    idx = s.index
    out = {}
    for pos in _event_positions(idx, events):
        a, b = pos + start, pos + start + length
        if a < 0 or b > len(idx):
            continue
        out[idx[pos]] = float((1.0 + s.iloc[a:b]).prod() - 1.0)
    return pd.Series(out, dtype="float64", name=daily.name)


def event_paths(daily: pd.Series, events: Iterable, before: int, after: int) -> pd.DataFrame:
    """Cumulative return paths around events, rebased to zero ``before`` rows before each event.

    Returns
    -------
    DataFrame indexed by offset (``-before .. after``, rows relative to the event date), one
    column per event (decimal cumulative return from the start of the window to that row).
    """
    s = daily.dropna()
    idx = s.index
    cols = {}
    for pos in _event_positions(idx, events):
        a, b = pos - before, pos + after + 1
        if a < 1 or b > len(idx):
            continue
        # start at zero on the row before the window: offset -before includes its own return
        seg = s.iloc[a:b].values
        cols[idx[pos]] = np.cumprod(1.0 + seg) - 1.0
    return pd.DataFrame(cols, index=pd.RangeIndex(-before, after + 1, name="offset"))


# -- credit regimes ---------------------------------------------------------------------------------


def credit_regimes(hy: pd.Series, freq: str = "W-FRI", min_periods: int = 52, change_periods: int = 13) -> pd.DataFrame:
    """Credit regimes known at the start of each period, from the high-yield spread (percent).

    Columns: ``spread`` (last reading of the period, %), ``level`` (``stressed`` if the previous
    period's spread was above the median of all earlier readings, else ``calm``) and ``change``
    (``widening`` if the spread rose over the ``change_periods`` periods to the previous
    period's end, else ``narrowing``). Labels are lagged one period, so they use only
    information available when the period starts. ("Stressed", not "tight": in market usage
    tight spreads are low ones, the opposite of stress.)
    """
    s = hy.resample(freq).last().dropna()
    level = high_low(s, method="expanding_median", min_periods=min_periods, labels=("stressed", "calm")).shift(1)
    change = direction(s, change_periods, labels=("widening", "narrowing")).shift(1)
    return pd.DataFrame({"spread": s, "level": level, "change": change})


def regime_excess(excess: pd.Series, asset: pd.Series, bench: pd.Series, labels: pd.Series, definition: str,
                  periods_per_year: int = 52) -> list[dict]:
    """Mean excess return in each regime, annualised, with HAC intervals, and the asset's
    downside capture against the benchmark in the regime's periods.

    Parameters
    ----------
    excess
        Periodic excess return of the asset over the benchmark (decimal).
    asset, bench
        Periodic returns of the asset and the benchmark (decimal).
    labels
        Regime label of each period (known at its start).
    definition
        A name for the regime definition, copied into each row.

    Returns
    -------
    list of dict, one per regime (sorted by label): ``definition``, ``regime``, ``mean excess``
    (decimal a year: the periodic mean times ``periods_per_year``), ``ci_low``, ``ci_high``,
    ``weeks`` (periods), ``downside capture`` (ratio); no rows when no period has a label.
    """
    from ..stats import regime_means

    rows: list[dict] = []
    df = pd.concat({"x": excess, "a": asset, "m": bench, "r": labels}, axis=1, sort=True).dropna()
    if df.empty:
        return rows
    table = regime_means(df["x"], df["r"], scale=periods_per_year)
    for lab, row in table.iterrows():
        sub = df[df["r"] == lab]
        rows.append({"definition": definition, "regime": lab, "mean excess": row["estimate"],
                     "ci_low": row["ci_low"], "ci_high": row["ci_high"], "weeks": int(row["n"]),
                     "downside capture": capture_ratio(sub["a"], sub["m"], "down")})
    return rows


# -- persistence ----------------------------------------------------------------------------------


def sign_runs(returns: pd.Series, regime: pd.Series | None = None) -> pd.DataFrame:
    """Runs of consecutive positive (or non-positive) periods, with the regime at each run's start.

    Parameters
    ----------
    returns
        Periodic returns (e.g. monthly quality minus junk, decimal).
    regime
        Optional labels aligned on ``returns`` (known at the start of each period); each run
        takes the label of its first period.

    Returns
    -------
    DataFrame with ``positive`` (bool), ``start``, ``end``, ``length`` (periods), ``total``
    (compounded return over the run, decimal) and ``regime``. The first and last runs are
    flagged ``censored`` (they may have begun before or continue after the sample).
    """
    s = returns.dropna()
    if s.empty:
        return pd.DataFrame(columns=["positive", "start", "end", "length", "total", "regime", "censored"])
    pos = s > 0
    block = (pos != pos.shift()).cumsum()
    rows = []
    for _, grp in s.groupby(block):
        rows.append({"positive": bool(grp.iloc[0] > 0), "start": grp.index[0], "end": grp.index[-1],
                     "length": len(grp), "total": float((1.0 + grp).prod() - 1.0),
                     "regime": None if regime is None else regime.get(grp.index[0], None)})
    out = pd.DataFrame(rows)
    out["censored"] = False
    out.loc[out.index[0], "censored"] = True
    out.loc[out.index[-1], "censored"] = True
    return out


def run_statistics(runs: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Completed positive runs by regime (the ``regime`` of :func:`sign_runs`).

    Returns
    -------
    DataFrame indexed by ``credit at start``: ``runs`` (count), ``mean length`` (periods) with an
    iid bootstrap interval across runs (``ci_low``, ``ci_high``; None with fewer than 10 runs),
    ``median length`` and ``at least <minimum>``, the share of runs lasting at least ``minimum``
    periods (decimal). Censored runs (at the sample's ends) are left out.
    """
    from ..stats import bootstrap_ci

    done = runs[(runs["positive"]) & (~runs["censored"]) & runs["regime"].notna()]
    rows = {}
    for lab, grp in done.groupby("regime"):
        lengths = grp["length"].astype(float)
        e = bootstrap_ci(lengths, block=1.0) if len(lengths) >= 10 else None
        rows[lab] = {"runs": len(lengths), "mean length": lengths.mean(), "ci_low": None if e is None else e.ci_low,
                     "ci_high": None if e is None else e.ci_high, "median length": lengths.median(),
                     f"at least {minimum}": (lengths >= minimum).mean()}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "credit at start"
    return out


def autocorrelation(x: pd.Series, lag: int = 1):
    """Slope of ``x`` on its own lag with a HAC interval (:class:`smallcaps.stats.Estimate`)."""
    from ..stats import coef_estimate, ols_hac

    s = x.dropna()
    df = pd.DataFrame({"x": s, "lag": s.shift(lag)}).dropna()
    res = ols_hac(df["x"], df[["lag"]])
    return coef_estimate(res, "lag")


# -- characteristic-sorted portfolios (French) ------------------------------------------------------


def value_weighted_group(returns: pd.DataFrame, firms: pd.DataFrame, avg_size: pd.DataFrame,
                         columns: Sequence[str]) -> pd.Series:
    """Value-weighted return of several portfolios combined, weighted by last month's total size.

    Total size of a portfolio is its number of firms times its average firm size; the weights
    use the previous month's value, so no weight looks ahead.

    Parameters
    ----------
    returns, firms, avg_size
        French tables with the same columns (returns in any unit; the result has the same).
    columns
        Portfolios to combine (e.g. ``["Lo 30", "Med 40", "Hi 30"]``: all positive earners).
    """
    cap = (firms[list(columns)] * avg_size[list(columns)]).shift(1)
    r = returns[list(columns)]
    w = cap.div(cap.sum(axis=1), axis=0)
    out = (r * w).sum(axis=1, min_count=len(columns))
    return out.where(w.notna().all(axis=1)).dropna()


#: Quality-minus-junk long-short series from French's files: label -> (file key, long portfolios,
#: short portfolio); each is positive when quality wins.
FRENCH_LENS = {
    "small high minus low profitability": ("op", ["SMALL HiOP"], ["SMALL LoOP"]),
    "positive minus negative earnings": ("ep", ["Lo 30", "Med 40", "Hi 30"], ["<= 0"]),
    "dividend payers minus non-payers": ("dp", ["Lo 30", "Med 40", "Hi 30"], ["<= 0"]),
}


def french_quality_series(french: dict[str, pd.DataFrame], weighting: str = "vw") -> pd.DataFrame:
    """Monthly quality-minus-junk returns (decimal) from the French portfolios.

    Parameters
    ----------
    french
        French tables in percent keyed ``op_<w>`` (25 size x OP), ``ep_<w>``/``dp_<w>`` (E/P and
        D/P sorts) with ``ep_firms``, ``ep_size``, ``dp_firms``, ``dp_size``.
    weighting
        ``vw`` or ``ew``.

    Returns
    -------
    DataFrame with the columns of :data:`FRENCH_LENS`. Groups of several portfolios are combined
    by total market value (firms times average size, previous month) for ``vw`` and by number
    of firms for ``ew``.
    """
    out = {}
    for label, (key, long, short) in FRENCH_LENS.items():
        r = from_percent(french[f"{key}_{weighting}"])
        if len(long) == 1:
            lr = r[long[0]]
        elif weighting == "vw":
            lr = value_weighted_group(r, french[f"{key}_firms"], french[f"{key}_size"], long)
        else:
            n = french[f"{key}_firms"][long].shift(1)
            lr = (r[long] * n.div(n.sum(axis=1), axis=0)).sum(axis=1, min_count=len(long)).where(n.notna().all(axis=1))
        out[label] = lr - r[short[0]]
    return pd.DataFrame(out)


def compound_by_year(returns: pd.Series) -> pd.Series:
    """Compounded return per calendar year (decimal) from monthly returns with a PeriodIndex or
    DatetimeIndex; only complete years (12 months) are returned."""
    s = returns.dropna()
    years = s.index.year
    g = s.groupby(years)
    out = g.apply(lambda x: (1.0 + x).prod() - 1.0)[g.size() == 12]
    out.index.name = "year"
    return out


def subperiods(index: pd.Index, k: int = 2) -> list[tuple[str, object, object]]:
    """Split a sorted index into ``k`` consecutive parts of (nearly) equal length.

    Returns
    -------
    list of ``(label, first, last)`` with labels ``"first..last"`` (dates as YYYY-MM-DD,
    or months as YYYY-MM for a monthly PeriodIndex).
    """
    idx = pd.Index(index).sort_values()
    if len(idx) < k:
        raise DataError(f"subperiods: {len(idx)} observations cannot be split into {k} parts")
    parts = np.array_split(np.arange(len(idx)), k)
    out = []
    for p in parts:
        a, b = idx[p[0]], idx[p[-1]]
        fmt = (lambda x: str(x)) if isinstance(a, pd.Period) else (lambda x: pd.Timestamp(x).date().isoformat())
        out.append((f"{fmt(a)}..{fmt(b)}", a, b))
    return out


# -- the referee revision (issue 13): crossings, hedged spreads, conditional trades, continuation ----


def level_days(series: pd.Series, level: float, tol: float, start: float | None = None) -> pd.DataFrame:
    """Days on which ``series`` stood at ``level`` (closed within ``tol`` of it) or passed through
    it since the previous close (a crossing, in either direction).

    Parameters
    ----------
    series
        The path (e.g. a year-to-date return, decimal).
    level, tol
        The level and the tolerance (same units).
    start
        The value before the first observation (0 for a year-to-date return, which starts at
        zero on the prior year's last close); None: the first day can only be "at".

    Returns
    -------
    DataFrame indexed by date with ``value``, ``how`` (``at``, ``crossed up``, ``crossed down`` or
    ``at, crossed up``...), in date order.
    """
    s = series.dropna()
    prev = s.shift(1)
    if start is not None and len(s):
        prev.iloc[0] = start
    at = (s - level).abs() <= tol + 1e-12
    up = (prev < level) & (s > level)
    down = (prev > level) & (s < level)
    rows = {}
    for d in s.index[at | up | down]:
        how = [w for w, f in (("at", at[d]), ("crossed up", up[d]), ("crossed down", down[d])) if f]
        rows[d] = {"value": float(s[d]), "how": ", ".join(how)}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["value", "how"])
    out.index = pd.DatetimeIndex(out.index, name="date")
    return out


def hedged_daily(asset: pd.Series, bench: pd.Series, beta: float) -> pd.Series:
    """Daily return of ``asset`` minus ``beta`` times that of ``bench`` (prices in, decimal out),
    on their common days: a beta-neutral spread, summed over a period for a beta-adjusted lead."""
    both = pd.concat([asset, bench], axis=1, sort=True).dropna()
    r = both.pct_change().iloc[1:]
    return (r.iloc[:, 0] - beta * r.iloc[:, 1]).rename(f"{asset.name} - beta x {bench.name}")


def weekly_beta(asset: pd.Series, bench: pd.Series, end=None, min_weeks: int = 26):
    """The weekly beta of ``asset`` to ``bench`` (prices; weeks ending Friday) over their common
    history up to ``end`` (inclusive), with a HAC interval; None with fewer than ``min_weeks``."""
    from ..stats import coef_estimate, ols_hac

    both = pd.concat({"a": asset, "b": bench}, axis=1, sort=True).dropna()
    if end is not None:
        both = both.loc[: pd.Timestamp(end)]
    w = both.resample("W-FRI").last().pct_change(fill_method=None).dropna()
    if len(w) < min_weeks:
        return None
    return coef_estimate(ols_hac(w["a"], w[["b"]]), "b")


def trade_from(long_px: pd.Series, short_px: pd.Series, start, horizon: int, last=None) -> dict | None:
    """A pair trade entered at the close of ``start``: long minus short over the next ``horizon``
    trading days (decimal, compounded legs), with its daily return differences.

    Returns None when ``start`` is not a common trading day or the horizon's last day lies after
    ``last`` (or the data). Otherwise ``{"start", "end", "pair", "long", "short", "daily"}``.
    """
    both = pd.concat([long_px, short_px], axis=1, sort=True).dropna()
    if last is not None:
        both = both.loc[: pd.Timestamp(last)]
    start = pd.Timestamp(start)
    if start not in both.index:
        return None
    p = both.index.get_loc(start)
    if p + horizon >= len(both):
        return None
    seg = both.iloc[p: p + horizon + 1]
    r = seg.iloc[-1] / seg.iloc[0] - 1.0
    daily = seg.pct_change().iloc[1:]
    return {"start": start, "end": seg.index[-1], "pair": float(r.iloc[0] - r.iloc[1]), "long": float(r.iloc[0]),
            "short": float(r.iloc[1]), "daily": (daily.iloc[:, 0] - daily.iloc[:, 1])}


def non_overlapping(rolling: pd.Series, horizon: int):
    """Mean of every ``horizon``-th window of an overlapping series (from the first), with the
    iid standard error of independent windows (:class:`~smallcaps.stats.Estimate`): the check
    on an overlapping mean's HAC or Hodrick error."""
    from scipy import stats as sps

    from ..stats import Estimate

    s = rolling.dropna().iloc[::horizon]
    if len(s) < 3:
        raise DataError(f"non_overlapping: {len(s)} non-overlapping windows, need at least 3")
    m, se = float(s.mean()), float(s.std(ddof=1) / np.sqrt(len(s)))
    z = sps.norm.ppf(0.975)
    t = m / se if se > 0 else float("nan")
    return Estimate(m, se, m - z * se, m + z * se, 0.95, t, float(2 * sps.norm.sf(abs(t))), len(s),
                    f"{len(s)} non-overlapping windows, iid error")


def compounded_ahead(returns: pd.Series, horizon: int) -> pd.Series:
    """The compounded return over the ``horizon`` periods after each period (decimal), indexed
    by the period it is measured from (NaN where the horizon runs past the data)."""
    g = (1.0 + returns)[::-1].rolling(horizon).apply(np.prod, raw=True)[::-1] - 1.0
    return g.shift(-1)


def compounded_past(returns: pd.Series, horizon: int) -> pd.Series:
    """The compounded return over the ``horizon`` periods ending at each period (decimal)."""
    return (1.0 + returns).rolling(horizon).apply(np.prod, raw=True) - 1.0


def continuation(returns: pd.Series, regime: pd.Series, *, past: int = 3, horizon: int = 6,
                 labels=("calm", "stressed")) -> dict:
    """Does a lead continue? The return over the next ``horizon`` periods after the series led
    (its compounded return over the last ``past`` periods was positive) against after it lagged,
    in each regime, by OLS with Hodrick (1992) 1B errors.

    The regression is ``y_t = a + b lead_t + c S_t + d lead_t S_t``, where ``y_t`` is the
    compounded return over ``t+1..t+horizon``, ``lead_t`` is 1 after a lead and ``S_t`` is 1 in
    the second regime (``labels[1]``, known at ``t``). ``b`` is the continuation in the first
    regime, ``b + d`` in the second, ``d`` their difference.

    Returns
    -------
    dict with ``means`` (mean ``y`` by regime and lead, with counts), ``first``/``second``/
    ``difference`` (:class:`~smallcaps.stats.Estimate`, Hodrick 1B), ``first_hac`` (the same
    slope with Newey-West errors, ``horizon`` overlap), ``non_overlapping`` (the slope on every
    ``horizon``-th observation, OLS with iid errors), ``n``, ``start``, ``end``.
    """
    import statsmodels.api as sm

    from ..stats import Estimate, coef_estimate, hodrick_1b_ols, ols_hac

    r = returns.dropna()
    y = compounded_ahead(r, horizon)
    lead = compounded_past(r, past)
    df = pd.DataFrame({"y": y, "lead": (lead > 0).where(lead.notna()), "regime": regime.reindex(r.index)}).dropna()
    df = df[df["regime"].isin(labels)]
    need = max(2 * horizon, 12)
    cells = df.groupby(["regime", "lead"]).size().reindex(pd.MultiIndex.from_product([labels, [False, True]]),
                                                           fill_value=0)
    sub_cells = df.iloc[::horizon].groupby(["regime", "lead"]).size().reindex(cells.index, fill_value=0)
    if cells.min() < need or sub_cells.min() < 2:
        raise DataError(f"continuation: each regime needs {need} months after leads and after lags (and two of each "
                        f"among every {horizon}th month); the fewest here is {int(cells.min())}")
    L = df["lead"].astype(float)
    S = (df["regime"] == labels[1]).astype(float)
    X = pd.DataFrame({"lead": L, f"{labels[1]}": S, f"lead x {labels[1]}": L * S})
    fit = hodrick_1b_ols(r, X, horizon, outcome=df["y"])
    first = fit.estimate("lead")
    second = fit.estimate({"lead": 1.0, f"lead x {labels[1]}": 1.0})
    diff = fit.estimate(f"lead x {labels[1]}")
    hac = coef_estimate(ols_hac(df["y"], X, overlap=horizon), "lead")
    sub = df.iloc[::horizon]
    sl, ss = sub["lead"].astype(float), (sub["regime"] == labels[1]).astype(float)
    Xs = sm.add_constant(pd.DataFrame({"lead": sl, "S": ss, "LS": sl * ss}), has_constant="add")
    res = sm.OLS(sub["y"], Xs).fit()
    lo, hi = res.conf_int().loc["lead"]
    non = Estimate(float(res.params["lead"]), float(res.bse["lead"]), float(lo), float(hi), 0.95,
                   float(res.tvalues["lead"]), float(res.pvalues["lead"]), len(sub),
                   f"every {horizon}th observation, OLS, iid errors")
    means = df.groupby(["regime", "lead"])["y"].agg(["mean", "count"])
    return {"means": means, "first": first, "second": second, "difference": diff, "first_hac": hac,
            "non_overlapping": non, "n": len(df), "start": df.index[0], "end": df.index[-1]}


def regime_alpha(asset: pd.Series, bench: pd.Series, stressed: pd.Series, periods_per_year: int = 52) -> dict:
    """Alpha of ``asset`` over ``bench`` in each regime, from one regression on the whole
    (contiguous) series: ``asset = a + a_s S + beta bench + e`` with ``S`` the 0/1 regime flag,
    Newey-West errors; and, as robustness, with the beta interacted too (``+ beta_s S bench``).

    Returns
    -------
    dict (annualised by ``periods_per_year``; decimals): ``stressed`` (``a + a_s``), ``calm``
    (``a``), ``difference`` (``a_s``) as :class:`~smallcaps.stats.Estimate`; ``beta``; and
    ``interacted``: the same three alphas with regime betas, plus ``beta calm`` and ``beta
    stressed`` (floats); ``n``, ``lags``.
    """
    from scipy import stats as sps

    from ..stats import Estimate, ols_hac

    df = pd.concat({"a": asset, "m": bench, "s": stressed}, axis=1, sort=True).dropna()
    df["s"] = df["s"].astype(float)

    def combo(res, w: dict, scale: float) -> Estimate:
        names = list(res.params.index)
        v = np.array([w.get(k, 0.0) for k in names])
        val = float(v @ res.params.values)
        se = float(np.sqrt(v @ res.cov_params().values @ v))
        z = sps.norm.ppf(0.975)
        t = val / se if se > 0 else float("nan")
        return Estimate(val * scale, se * scale, (val - z * se) * scale, (val + z * se) * scale, 0.95, t,
                        float(2 * sps.norm.sf(abs(t))), int(res.nobs), f"HAC (Newey-West, {res.hac_lags} lags)")

    k = periods_per_year
    res = ols_hac(df["a"], pd.DataFrame({"stressed": df["s"], "bench": df["m"]}))
    full = ols_hac(df["a"], pd.DataFrame({"stressed": df["s"], "bench": df["m"],
                                          "bench x stressed": df["m"] * df["s"]}))
    return {
        "stressed": combo(res, {"const": 1, "stressed": 1}, k), "calm": combo(res, {"const": 1}, k),
        "difference": combo(res, {"stressed": 1}, k), "beta": float(res.params["bench"]),
        "interacted": {"stressed": combo(full, {"const": 1, "stressed": 1}, k), "calm": combo(full, {"const": 1}, k),
                       "difference": combo(full, {"stressed": 1}, k), "beta calm": float(full.params["bench"]),
                       "beta stressed": float(full.params["bench"] + full.params["bench x stressed"])},
        "n": int(res.nobs), "lags": res.hac_lags,
    }


def factor_alphas(excess: pd.Series, factors: pd.DataFrame, periods_per_year: int = 12) -> pd.DataFrame:
    """Alpha of a long-short (or excess) return on CAPM (``Mkt-RF``) and on Fama-French three
    factors (``Mkt-RF``, ``SMB``, ``HML``), Newey-West errors; the raw mean beside them.

    Parameters
    ----------
    excess
        Monthly returns (decimal).
    factors
        Monthly factors (decimal) with columns ``Mkt-RF``, ``SMB``, ``HML``.

    Returns
    -------
    DataFrame indexed by model (``raw``, ``CAPM``, ``FF3``): ``alpha`` (decimal a year),
    ``ci_low``, ``ci_high``, ``t``, ``market beta``, ``months``.
    """
    from ..stats import coef_estimate, mean_hac, ols_hac

    df = pd.concat([excess.rename("y"), factors[["Mkt-RF", "SMB", "HML"]]], axis=1, sort=True).dropna()
    rows = {}
    e = mean_hac(df["y"]).scaled(periods_per_year)
    rows["raw"] = {"alpha": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t, "market beta": np.nan,
                   "months": len(df)}
    for name, cols in (("CAPM", ["Mkt-RF"]), ("FF3", ["Mkt-RF", "SMB", "HML"])):
        res = ols_hac(df["y"], df[cols])
        a = coef_estimate(res, "const").scaled(periods_per_year)
        rows[name] = {"alpha": a.value, "ci_low": a.ci_low, "ci_high": a.ci_high, "t": a.t,
                      "market beta": float(res.params["Mkt-RF"]), "months": len(df)}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "model"
    return out


def iid_run_null(p: float) -> float:
    """Expected length of a completed run of successes when each period succeeds independently
    with probability ``p``: ``1 / (1 - p)`` (the geometric distribution's mean)."""
    if not 0 <= p < 1:
        raise DataError(f"iid_run_null: p={p} must be in [0, 1)")
    return 1.0 / (1.0 - p)


def sector_contribution(holdings: pd.DataFrame, close: pd.DataFrame, fund: pd.Series, base, at) -> dict:
    """A sector's contribution to a fund's return from ``base`` to ``at``, from one day's holdings.

    The holdings give each name's weight ``w_d`` on their date ``d``; a buy-and-hold fund's
    weights at ``base`` are ``w_0 = w_d (1 + R_fund(base, d)) / (1 + r(base, d))``, and the
    sector's contribution to the fund's return to ``at`` is ``sum over the sector of w_0 r(base,
    at)`` (decimal; the contributions of all names add up to the fund's return).

    Parameters
    ----------
    holdings
        One date's rows with ``ticker``, ``weight`` (fraction), ``date`` and a bool
        ``in_sector`` (the sector's names).
    close
        Adjusted closes of the names (columns: tickers; names missing from it are unpriced).
    fund
        The fund's adjusted closes.
    base, at
        The period: from the last close on or before ``base`` to the last on or before ``at``.

    Returns
    -------
    dict: ``contribution`` (decimal, priced names), ``weight`` (the sector's weight on ``d``),
    ``priced_weight``, ``unpriced`` (DataFrame of the sector's names without prices at ``base``,
    ``d`` and ``at``, with their weights), ``names`` (sector names), ``date`` (``d``).
    """
    sec = holdings[holdings["in_sector"]]
    d = pd.Timestamp(holdings["date"].iloc[0])
    base, at = pd.Timestamp(base), pd.Timestamp(at)

    def px(s: pd.Series, when):
        v = s.loc[:when].dropna()
        return v.iloc[-1] if len(v) else np.nan

    f0, fd = px(fund, base), px(fund, d)
    rf_d = fd / f0 - 1.0
    contrib, priced, missing = 0.0, 0.0, []
    for _, row in sec.iterrows():
        t = row["ticker"]
        s = close[t] if t in close.columns else pd.Series(dtype=float)
        p0, pd_, pa = (px(s, x) if len(s) else np.nan for x in (base, d, at))
        if not (np.isfinite(p0) and np.isfinite(pd_) and np.isfinite(pa)):
            missing.append({"ticker": t, "weight": float(row["weight"])})
            continue
        w0 = row["weight"] * (1.0 + rf_d) / (pd_ / p0)
        contrib += w0 * (pa / p0 - 1.0)
        priced += float(row["weight"])
    unpriced = pd.DataFrame(missing, columns=["ticker", "weight"])
    return {"contribution": float(contrib), "weight": float(sec["weight"].sum()), "priced_weight": priced,
            "unpriced": unpriced, "names": len(sec), "date": d}
