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

    Columns: ``spread`` (last reading of the period, %), ``level`` (``tight`` if the previous
    period's spread was above the median of all earlier readings, else ``calm``) and ``change``
    (``widening`` if the spread rose over the ``change_periods`` periods to the previous
    period's end, else ``tightening``). Labels are lagged one period, so they use only
    information available when the period starts.
    """
    s = hy.resample(freq).last().dropna()
    level = high_low(s, method="expanding_median", min_periods=min_periods, labels=("tight", "calm")).shift(1)
    change = direction(s, change_periods, labels=("widening", "tightening")).shift(1)
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

    rows = []
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
