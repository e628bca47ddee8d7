"""Thesis 1, rotation toward quality small caps (claims R1-R7): inputs, rules, evidence, verdicts.

The chapter notebook ``book/rotation.ipynb`` calls, in order: :func:`load_inputs` once; then per
claim the rule (:data:`RULES`), one evidence function, and one verdict function that applies
the rule and returns a :class:`~smallcaps.book.results.ClaimResult`.

Units: evidence objects keep returns in **percent** or **percentage points (pp)** for display,
as their attribute names and docstrings say; analytics underneath work in decimals.

The claims' own numbers are typed once, below, each with its source (``shared/theses.md``):
[A] "Industrials Drive Gains for OUSM Small-Cap ETF" (early 2026) and [C] "US small caps
outperform large caps by 8.5 points year to date" (2026).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analytics import rotation as rot
from ..analytics.regimes import direction, high_low
from ..analytics.returns import calendar_year_returns, from_percent, period_returns, year_to_date
from ..book.params import Window
from ..book.results import UNTESTABLE, ClaimResult, Rule, Sample, Statistic
from ..data import DataSession
from ..stats import (
    Estimate,
    bootstrap_ci,
    coef_estimate,
    diff_in_means_hac,
    mean_hac,
    ols_hac,
    percentile_rank,
    regime_means,
)

# -- the claims' numbers (typed once, with their source) -------------------------------------------

CLAIM_YEAR = 2026  # [A], [C]: both speak of 2026 year to date
CLAIMED_LEAD_PP = 8.5  # [C] small caps lead large caps by 8.5 percentage points year to date
CLAIMED_PRIOR_YEARS = 6  # [C] "ending about six years of relative underperformance"
CLAIMED_OUSM_YTD_PCT = 4.6  # [A] OUSM is up 4.6% year to date
CLAIMED_INDUSTRIALS_PP = 3.3  # [A] industrials contributed over 3.3 points of OUSM's gain
CLAIMED_PAIR_LOW_PCT = 8.0  # [A] the pair targets 8-12% relative outperformance ...
CLAIMED_PAIR_HIGH_PCT = 12.0  # [A] ... (upper end)
CLAIMED_HORIZONS_DAYS = (63, 126)  # [A] "over one to two quarters" (63 trading days a quarter)
CLAIMED_RUN_MONTHS = (3, 6)  # [A], [C] the rotation lasts 3-6 months if credit stays calm

# -- the book's reading of them (choices, fixed before looking) -----------------------------------

ABOUT_SIX_MIN = 5  # "about six years": small caps trailed in at least five of the six years
ROUNDING_TOL_PP = 0.05  # a figure quoted to one decimal matches within half of its last digit
AGREE_MIN = 4  # R3: at least four of the five quality ETFs must agree with the basket's sign
MIN_REGIME_WEEKS = 52  # R4: weeks needed in each credit regime
MIN_EVENTS = 10  # R6: events needed of each kind
MIN_RUNS = 5  # R6: completed quality runs needed in each credit regime
MIN_PAIR_DAYS = 504  # R5: two years of common daily history
HIT_SHARE_MIN = 0.25  # R5: "targets 8%" is at least plausible if a quarter of windows reach it
QUARTER_DAYS = 63
EVENT_LOOKBACK = 5  # R6: a rates rally or VIX spike is a move over 5 trading days ...
EVENT_GAP = 21  # R6: ... and an event within 21 trading days (a month) of an earlier one is dropped

#: The two commentaries this chapter tests, by their labels in ``shared/theses.md``.
SOURCES = {
    "A": '"Industrials Drive Gains for OUSM Small-Cap ETF" (research-terminal note, early 2026)',
    "C": '"US small caps outperform large caps by 8.5 points year to date" (news summary, 2026)',
}

# -- the instruments ----------------------------------------------------------------------------------

SMALL = ("IWM", "IJR", "VTWO")  # Russell 2000 (iShares), S&P SmallCap 600, Russell 2000 (Vanguard)
LARGE = ("SPY", "IVV")  # S&P 500 (SPDR, iShares)
PAIRS = tuple((s, b) for s in SMALL for b in LARGE)
PRIMARY_PAIR = ("IWM", "SPY")
BROAD = "IWM"  # the broad small-cap index, unprofitable firms included
MARKET = "SPY"
QUALITY = {  # the quality/dividend small-cap lens of R3-R5
    "IJR": "S&P SmallCap 600 (profitability screen)",
    "OUSM": "O'Shares US Small-Cap Quality Dividend",
    "XSHQ": "Invesco S&P SmallCap Quality",
    "SMDV": "ProShares Russell 2000 Dividend Growers",
    "DES": "WisdomTree US SmallCap Dividend",
}
BASKET = "quality basket"
SMALL_SECTORS = {  # Invesco S&P SmallCap 600 sector ETFs
    "PSCI": "industrials", "PSCD": "consumer discretionary", "PSCF": "financials", "PSCM": "materials",
    "PSCE": "energy", "PSCT": "information technology", "PSCH": "health care", "PSCU": "utilities",
    "PSCC": "consumer staples",
}
LARGE_SECTORS = {  # Select Sector SPDRs (S&P 500 sectors)
    "XLP": "consumer staples", "XLU": "utilities", "XLV": "health care", "XLK": "technology",
    "XLC": "communication services", "XLI": "industrials", "XLY": "consumer discretionary",
    "XLF": "financials", "XLE": "energy", "XLB": "materials", "XLRE": "real estate",
}
CYCLICALS = ("PSCI", "PSCD", "PSCF", "PSCM", "PSCE")  # small-cap domestic cyclicals
SMALL_DEFENSIVES = ("PSCU", "PSCH", "PSCC")
DEFENSIVES = ("XLP", "XLU", "XLV")  # mega-cap defensives
TNX = "^TNX"
TICKERS = tuple(dict.fromkeys(SMALL + LARGE + tuple(QUALITY) + tuple(SMALL_SECTORS) + tuple(LARGE_SECTORS) + (TNX,)))
HY = "BAMLH0A0HYM2"

FRENCH_FILES = ("F-F_Research_Data_Factors", "F-F_Research_Data_5_Factors_2x3", "25_Portfolios_ME_OP_5x5",
                "Portfolios_Formed_on_E-P", "Portfolios_Formed_on_D-P")

# -- the rules (fixed before the evidence) ---------------------------------------------------------------

_PAIR_LABEL = f"{PRIMARY_PAIR[0]} minus {PRIMARY_PAIR[1]}"

RULES: dict[str, Rule] = {
    "R1": Rule(
        claim_id="R1",
        claim=f"US small caps lead large caps by {CLAIMED_LEAD_PP} pp year to date in {CLAIM_YEAR}, ending about "
              f"{CLAIMED_PRIOR_YEARS} years of relative underperformance",
        hypothesis=f"small caps' year-to-date return in {CLAIM_YEAR} exceeds large caps' and reached the claimed lead of "
                   f"{CLAIMED_LEAD_PP} pp, after small caps trailed large caps in most of the "
                   f"{CLAIMED_PRIOR_YEARS} calendar years before.",
        statistic=f"{_PAIR_LABEL} (Russell 2000 against S&P 500 ETFs, adjusted closes) year-to-date return "
                  f"spread on the reading date (the last day on or before as_of with all prices), in pp, with a "
                  f"band of 1.96 HAC standard errors of the summed daily return difference; the other five "
                  f"pairs of {', '.join(SMALL)} against {', '.join(LARGE)} are robustness checks.",
        supported=f"the spread is positive on the reading date, it reached {CLAIMED_LEAD_PP} pp (to one decimal) on "
                  f"at least one day of {CLAIM_YEAR}, and {PRIMARY_PAIR[0]} trailed {PRIMARY_PAIR[1]} in at least "
                  f"{ABOUT_SIX_MIN} of the {CLAIMED_PRIOR_YEARS} calendar years before {CLAIM_YEAR}",
        partly="the spread is positive on the reading date but either it never reached the claimed lead or "
               f"small caps trailed in fewer than {ABOUT_SIX_MIN} of the prior years",
        not_supported="the spread is zero or negative on the reading date",
        untestable=f"the window has no {CLAIM_YEAR} trading day up to as_of or no close on the last trading day "
                   f"of {CLAIM_YEAR - 1}",
    ),
    "R2": Rule(
        claim_id="R2",
        claim=f"OUSM is up {CLAIMED_OUSM_YTD_PCT}% year to date, with industrials contributing over "
              f"{CLAIMED_INDUSTRIALS_PP} points",
        hypothesis=f"OUSM's {CLAIM_YEAR} year-to-date return stood at {CLAIMED_OUSM_YTD_PCT}% on some day, and "
                   f"its industrial holdings contributed more than {CLAIMED_INDUSTRIALS_PP} pp of it.",
        statistic=f"OUSM's year-to-date return (adjusted close) on the reading date, in %, and the {CLAIM_YEAR} "
                  f"days on which it was within {ROUNDING_TOL_PP} pp of {CLAIMED_OUSM_YTD_PCT}%; the industrials' "
                  f"contribution would be the sum over days of sector weight times sector return.",
        supported=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% on some day and its holdings show an industrials "
                  f"contribution above {CLAIMED_INDUSTRIALS_PP} pp by that day",
        partly=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% but its holdings show a smaller industrials contribution",
        not_supported=f"OUSM's year-to-date return was never within {ROUNDING_TOL_PP} pp of "
                      f"{CLAIMED_OUSM_YTD_PCT}% in {CLAIM_YEAR} up to the reading date",
        untestable=f"the window lacks {CLAIM_YEAR}, or OUSM's holdings and sector weights are not available "
                   f"(sector ETFs such as PSCI show sector leadership, not OUSM's contribution)",
    ),
    "R3": Rule(
        claim_id="R3",
        claim=f"The {CLAIM_YEAR} move is a rotation toward profitable, dividend-paying small caps and away from "
              f"unprofitable ones, after a {CLAIM_YEAR - 1} led by unprofitable stocks",
        hypothesis=f"quality small-cap ETFs trailed the broad Russell 2000 (which holds the unprofitable firms) "
                   f"in {CLAIM_YEAR - 1} and lead it in {CLAIM_YEAR}.",
        statistic=f"year-to-date return of the equal-weight {BASKET} ({', '.join(QUALITY)}, rebalanced daily) "
                  f"minus {BROAD} on the reading date, in pp, with a band of 1.96 HAC standard errors of the "
                  f"summed daily difference; the same spread for calendar {CLAIM_YEAR - 1}; and how many of the "
                  f"five ETFs lead {BROAD} in {CLAIM_YEAR}.",
        supported=f"the basket trailed {BROAD} in {CLAIM_YEAR - 1}, leads it in {CLAIM_YEAR} year to date, and at "
                  f"least {AGREE_MIN} of the five ETFs lead {BROAD} in {CLAIM_YEAR}",
        partly=f"the basket leads in {CLAIM_YEAR} but fewer than {AGREE_MIN} ETFs agree, or {CLAIM_YEAR - 1} was "
               f"not a year in which the basket trailed",
        not_supported=f"the basket does not lead {BROAD} in {CLAIM_YEAR} year to date",
        untestable=f"the window lacks {CLAIM_YEAR} or the basket has no close at the end of {CLAIM_YEAR - 1}; "
                   f"the French profitability, earnings and dividend portfolios (to 2024-12 and 2023-02) are "
                   f"long-run context and cannot see {CLAIM_YEAR - 1}-{CLAIM_YEAR}",
    ),
    "R4": Rule(
        claim_id="R4",
        claim="Dividend-quality small caps have lower beta and hold up better when credit is tight",
        hypothesis=f"the {BASKET}'s beta to {BROAD} is below one, and in weeks that start with tight credit it "
                   f"beats {BROAD} on average.",
        statistic=f"mean weekly return of the {BASKET} minus {BROAD} in weeks when the ICE BofA US high-yield "
                  f"spread ({HY}) closed the previous week above the median of all its earlier readings in the "
                  f"window ('tight credit'), in pp a year (weekly mean times 52), with a HAC interval; and the "
                  f"basket's weekly beta to {BROAD} with a HAC interval.",
        supported="the beta's 95% interval lies below one and the tight-credit excess return's interval lies "
                  "above zero",
        partly="only one of the two holds",
        not_supported="neither holds",
        untestable=f"fewer than {MIN_REGIME_WEEKS} weeks fall in either credit regime in the window",
    ),
    "R5": Rule(
        claim_id="R5",
        claim=f"Long profitable small caps, short unprofitable ones targets {CLAIMED_PAIR_LOW_PCT:.0f}-"
              f"{CLAIMED_PAIR_HIGH_PCT:.0f}% over one to two quarters, mostly from the short leg",
        hypothesis=f"long the {BASKET}, short {BROAD} earns {CLAIMED_PAIR_LOW_PCT:.0f}-"
                   f"{CLAIMED_PAIR_HIGH_PCT:.0f}% over {CLAIMED_HORIZONS_DAYS[0]} to {CLAIMED_HORIZONS_DAYS[1]} "
                   f"trading days on average, most of it from {BROAD} trailing the market.",
        statistic=f"mean return of long {BASKET} minus {BROAD} over overlapping {CLAIMED_HORIZONS_DAYS[1]}-day "
                  f"windows, in pp, with a HAC interval ({CLAIMED_HORIZONS_DAYS[1]} overlap); the share of windows "
                  f"reaching {CLAIMED_PAIR_LOW_PCT:.0f}%; and each leg against {MARKET}.",
        supported=f"the mean's interval lies above zero and reaches {CLAIMED_PAIR_LOW_PCT:.0f} pp, and the short "
                  f"leg's mean contribution exceeds the long leg's",
        partly=f"the mean's interval lies above zero but wholly below {CLAIMED_PAIR_LOW_PCT:.0f} pp, or the short "
               f"leg does not do most of the work, or the mean is not distinguishable from zero but at least "
               f"{HIT_SHARE_MIN:.0%} of windows reach {CLAIMED_PAIR_LOW_PCT:.0f}%",
        not_supported=f"the mean's interval includes or lies below zero and fewer than {HIT_SHARE_MIN:.0%} of "
                      f"windows reach {CLAIMED_PAIR_LOW_PCT:.0f}%",
        untestable=f"the basket and {BROAD} share fewer than {MIN_PAIR_DAYS} trading days in the window",
    ),
    "R6": Rule(
        claim_id="R6",
        claim=f"The rotation reverses within days to weeks on a rates rally or a volatility spike, and lasts "
              f"{CLAIMED_RUN_MONTHS[0]}-{CLAIMED_RUN_MONTHS[1]} months if credit stays calm",
        hypothesis="quality minus junk (IJR minus IWM: the S&P 600's profitability screen against the Russell "
                   "2000) falls over the days after a sharp fall in the 10-year yield or a VIX spike, and its "
                   f"runs of leadership last at least {CLAIMED_RUN_MONTHS[0]} months when credit is calm, longer "
                   "than when it is not.",
        statistic="mean compounded IJR minus IWM return over the event window (from the first day of the move "
                  "that triggered the event), pooled over rates-rally and VIX-spike events (declustered), in pp, "
                  "with a stationary-bootstrap interval across events; and the mean length of runs of positive "
                  "monthly IJR minus IWM returns that start in calm credit (HY spread below the median of its "
                  "earlier readings), in months.",
        supported=f"the pooled event mean's interval lies below zero, and calm-credit runs average at least "
                  f"{CLAIMED_RUN_MONTHS[0]} months and are longer than runs starting in tight credit",
        partly="only one of the two parts holds",
        not_supported="neither part holds",
        untestable=f"fewer than {MIN_EVENTS} events of either kind, or fewer than {MIN_RUNS} completed runs in "
                   f"either credit regime, fall in the window",
    ),
    "R7": Rule(
        claim_id="R7",
        claim=f"In {CLAIM_YEAR} the first-order winners are domestic cyclicals; mega-cap defensives lose",
        hypothesis=f"in {CLAIM_YEAR} year to date small-cap cyclical sectors beat the small-cap index and "
                   f"large-cap defensive sectors trail the S&P 500.",
        statistic=f"year-to-date return of an equal-weight basket of small-cap cyclicals ({', '.join(CYCLICALS)}) "
                  f"minus one of mega-cap defensives ({', '.join(DEFENSIVES)}), in pp, on the reading date, with a "
                  f"band of 1.96 HAC standard errors of the summed daily difference; plus cyclicals minus IJR and "
                  f"defensives minus {MARKET}.",
        supported=f"cyclicals beat defensives, cyclicals beat IJR and defensives trail {MARKET}",
        partly="cyclicals beat defensives but only one of the other two holds",
        not_supported="cyclicals do not beat defensives, or neither of the other two holds",
        untestable=f"the window lacks {CLAIM_YEAR} or the sector ETFs have no close at the end of {CLAIM_YEAR - 1}",
    ),
}

# -- inputs ----------------------------------------------------------------------------------------------


@dataclass
class RotationInputs:
    """Everything the chapter reads, clipped to the window.

    Attributes
    ----------
    window
        The chapter's validated start, end and as_of.
    close
        Adjusted closes (USD) of :data:`TICKERS` (``^TNX`` in percent), daily, start..end.
    french
        Monthly tables in percent, keyed ``factors`` (Mkt-RF, SMB, HML, RF), ``ff5`` (+ RMW, CMA),
        ``op_vw``/``op_ew`` (25 size x OP portfolios), ``ep_vw``/``ep_ew``/``ep_firms``/``ep_size``,
        ``dp_vw``/``dp_ew``/``dp_firms``/``dp_size``; and ``smb_annual`` (calendar-year SMB, %).
    hy
        ICE BofA US high-yield option-adjusted spread, daily, percent.
    baa_aaa
        Moody's Baa minus Aaa yield, monthly, percent (long-history credit regime).
    vix
        CBOE VIX close, daily, index points.
    vintage
        Short provenance strings by source key, for the results contract.
    coverage
        ``(first, last)``: the union of the data's coverage (dates).
    """

    window: Window
    close: pd.DataFrame
    french: dict[str, pd.DataFrame]
    hy: pd.Series
    baa_aaa: pd.Series
    vix: pd.Series
    vintage: dict[str, str]
    coverage: tuple[pd.Timestamp, pd.Timestamp]
    last_quotes: pd.Series = field(default_factory=pd.Series)

    def last_common_date(self, tickers=None) -> pd.Timestamp:
        """Last date on which every ticker (default: all ETFs) has a close."""
        cols = [t for t in (tickers or TICKERS) if t != TNX]
        return self.close[cols].dropna().index.max()


def _clip_daily(x, w: Window):
    return x.loc[w.start: w.end]


def _clip_monthly(x, w: Window):
    return x.loc[pd.Period(w.start, "M"): pd.Period(w.end, "M")]


def load_inputs(ds: DataSession, window: Window) -> RotationInputs:
    """Load the chapter's data through the session and clip it to the window.

    Parameters
    ----------
    ds
        The chapter's data session (``ch.data``).
    window
        ``ch.window``.

    Returns
    -------
    RotationInputs
    """
    px = ds.prices(list(TICKERS))
    close = px.close
    last_quotes = close.apply(pd.Series.last_valid_index)
    f = {n: ds.french(n) for n in FRENCH_FILES}
    french = {
        "factors": f["F-F_Research_Data_Factors"]["monthly"],
        "ff5": f["F-F_Research_Data_5_Factors_2x3"]["monthly"],
        "op_vw": f["25_Portfolios_ME_OP_5x5"]["vw_monthly"], "op_ew": f["25_Portfolios_ME_OP_5x5"]["ew_monthly"],
        "ep_vw": f["Portfolios_Formed_on_E-P"]["vw_monthly"], "ep_ew": f["Portfolios_Formed_on_E-P"]["ew_monthly"],
        "ep_firms": f["Portfolios_Formed_on_E-P"]["firms"], "ep_size": f["Portfolios_Formed_on_E-P"]["avg_size"],
        "dp_vw": f["Portfolios_Formed_on_D-P"]["vw_monthly"], "dp_ew": f["Portfolios_Formed_on_D-P"]["ew_monthly"],
        "dp_firms": f["Portfolios_Formed_on_D-P"]["firms"], "dp_size": f["Portfolios_Formed_on_D-P"]["avg_size"],
    }
    hy = ds.fred(HY).frame[HY].dropna()
    baa, aaa = ds.fred("BAA").frame["BAA"], ds.fred("AAA").frame["AAA"]
    vix = ds.vix().frame["close"].dropna()
    firsts = [close.index.min(), hy.index.min(), vix.index.min()] + [t.index.min().to_timestamp() for t in french.values()]
    lasts = [close.index.max()]
    coverage = (min(firsts), max(lasts))

    w = window
    annual = f["F-F_Research_Data_Factors"]["annual"]["SMB"]
    years = [p for p in annual.index if p.start_time >= w.start and p.end_time.normalize() <= w.end]
    french_c = {k: _clip_monthly(v, w) for k, v in french.items()}
    french_c["smb_annual"] = annual.loc[years].rename(index=lambda p: p.year)
    credit = (baa - aaa).dropna()
    credit.index = credit.index.to_period("M")
    vintage = {
        "yahoo": f"Yahoo adjusted closes to {max(p.last for p in px.provenance)}",
        "french_op": f"French 25 size x OP portfolios {f['25_Portfolios_ME_OP_5x5'].provenance.vintage}",
        "french_ep": f"French E/P and D/P portfolios {f['Portfolios_Formed_on_E-P'].provenance.vintage}",
        "french_ff": f"French factors {f['F-F_Research_Data_Factors'].provenance.vintage}",
        "hy": f"FRED {HY} to {hy.index.max().date()}",
        "vix": f"CBOE VIX to {vix.index.max().date()}",
    }
    return RotationInputs(window=w, close=_clip_daily(close, w), french=french_c, hy=_clip_daily(hy, w),
                          baa_aaa=_clip_monthly(credit, w), vix=_clip_daily(vix, w), vintage=vintage,
                          coverage=coverage, last_quotes=last_quotes)


# -- shared helpers ----------------------------------------------------------------------------------------


def _reading_date(inp: RotationInputs, tickers, as_of) -> pd.Timestamp | None:
    """Last date on or before min(as_of, end of the claim year) on which all tickers quote."""
    limit = min(pd.Timestamp(as_of), pd.Timestamp(CLAIM_YEAR, 12, 31))
    sub = inp.close[list(tickers)].loc[:limit].dropna()
    return sub.index.max() if len(sub) else None


def _year_window_problem(inp: RotationInputs, tickers, as_of) -> str:
    """Why the claim year's year-to-date window is missing ('' if it is there)."""
    w = inp.window
    as_of = pd.Timestamp(as_of)
    if as_of < pd.Timestamp(CLAIM_YEAR, 1, 1):
        return (f"the window ends {w.end.date()} (as of {as_of.date()}), before {CLAIM_YEAR}: it has no "
                f"{CLAIM_YEAR} year-to-date data")
    sub = inp.close[list(tickers)]
    base = sub.loc[: pd.Timestamp(CLAIM_YEAR - 1, 12, 31)]
    if base.empty or base.iloc[-1].isna().any() or base.index[-1].year != CLAIM_YEAR - 1:
        return (f"the window ({w.start.date()} to {w.end.date()}) has no close on the last trading day of "
                f"{CLAIM_YEAR - 1} for {', '.join(tickers)}, the base of a {CLAIM_YEAR} year-to-date return")
    cur = sub.loc[pd.Timestamp(CLAIM_YEAR, 1, 1): as_of].dropna()
    if cur.empty:
        return f"the window has no {CLAIM_YEAR} trading day with prices for {', '.join(tickers)} up to {as_of.date()}"
    return ""


def _untestable(rule_id: str, note: str, vintage: str, section: str, name: str, unit: str) -> ClaimResult:
    rule = RULES[rule_id]
    return ClaimResult(id=rule_id, claim=rule.claim, rule=rule.text(), verdict=UNTESTABLE,
                       statistic=Statistic(name=name, value=None, unit=unit), sample=Sample(None, None, 0, "none"),
                       data_vintage=vintage, section=section, note=note)


def _iso(d) -> str | None:
    return None if d is None or pd.isna(d) else pd.Timestamp(d).date().isoformat()


def table(frame: pd.DataFrame, index: list[str] | None = None, digits: int = 2):
    """A table for display: indexed by ``index`` columns and rounded, or a short note when the
    run's window left it empty."""
    from ..display import Text

    if frame is None or frame.empty:
        return Text("*No rows in this run's window.*")
    out = frame.set_index(index) if index else frame
    return out.round(digits)


def readable(frame: pd.DataFrame, digits: int = 1) -> pd.DataFrame:
    """A table for display: numbers rounded to ``digits``, missing values left blank."""
    out = frame.round(digits).astype(object)
    return out.where(frame.notna(), "")


def _date_list(dates, limit: int = 3) -> str:
    """``2026-01-22, 2026-05-05 (+3 more)``, or ``none``."""
    dates = list(dates)
    if not dates:
        return "none"
    text = ", ".join(pd.Timestamp(d).date().isoformat() for d in dates[:limit])
    return text + (f" (+{len(dates) - limit} more)" if len(dates) > limit else "")


def _band_pp(daily: pd.Series, value_decimal: float) -> tuple[float, float, str]:
    lo, hi, method = rot.cumulated_band(daily, value_decimal)
    return lo * 100, hi * 100, method


def _ytd_daily_diff(a: pd.Series, b: pd.Series, reading: pd.Timestamp) -> pd.Series:
    """Daily return differences of A and B from the first trading day of the claim year to the
    reading date (the first day's return is measured from the prior year's last close)."""
    both = pd.concat([a, b], axis=1, sort=True).loc[: reading].dropna()
    diff = rot.relative_daily(both.iloc[:, 0], both.iloc[:, 1])
    return diff.loc[pd.Timestamp(CLAIM_YEAR, 1, 1): reading]


def _basket(close: pd.DataFrame, tickers) -> pd.Series:
    return rot.equal_weight(close[list(tickers)], name=BASKET)


# =====================================================================================================
# R1. Small caps lead large caps in 2026
# =====================================================================================================


@dataclass
class LeadEvidence:
    """Evidence for R1 (percentages and pp).

    Attributes
    ----------
    available, reason
        Whether the claim year is in the window, and why not.
    reading_date
        Date the year-to-date spreads are read (last day <= as_of with every price).
    paths
        Daily year-to-date spreads in pp, one column per ``"small-large"`` pair.
    at_reading
        The spreads on the reading date, pp.
    band
        (low, high) pp band of the primary spread, and the method.
    matches
        Per pair: first day at or above the claimed lead, days at or above it, and the days on
        which the spread was within the rounding tolerance of it.
    calendar
        Calendar-year spreads, pp (years in the window with complete data).
    prior
        Per pair: years examined before the claim year, how many small trailed, the trailing
        run ending the year before, and the compounded relative shortfall (pp).
    same_date
        Year-to-date spreads read on the reading date's calendar day in each year, pp.
    percentile_etf, percentile_smb
        Percentile of the primary spread among ``same_date`` years before the claim year, and
        among calendar-year SMB returns (French, since 1927).
    smb_annual
        Calendar-year SMB, %.
    by_quarter
        Spread of returns within each quarter of the claim year (pp): a subperiod split.
    """

    available: bool
    reason: str
    reading_date: pd.Timestamp | None
    paths: pd.DataFrame
    at_reading: pd.Series
    band: tuple[float, float, str] | None
    matches: pd.DataFrame
    calendar: pd.DataFrame
    prior: pd.DataFrame
    same_date: pd.DataFrame
    percentile_etf: float | None
    percentile_smb: float | None
    smb_annual: pd.Series
    n_days: int
    vintage: str
    by_quarter: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def primary(self) -> str:
        return f"{PRIMARY_PAIR[0]}-{PRIMARY_PAIR[1]}"

    @property
    def lead(self) -> float | None:
        return float(self.at_reading[self.primary]) if self.available else None

    @property
    def first_reached(self) -> pd.Timestamp | None:
        return self.matches.loc[self.primary, "first day at or above"] if self.available else None

    @property
    def max_lead(self) -> tuple[float | None, pd.Timestamp | None]:
        if not self.available:
            return None, None
        p = self.paths[self.primary]
        return float(p.max()), p.idxmax()


def small_vs_large(inp: RotationInputs, as_of) -> LeadEvidence:
    """R1: the year-to-date path of small minus large caps, its history and context."""
    tickers = list(dict.fromkeys(t for p in PAIRS for t in p))
    close = inp.close[tickers]
    labels = [f"{a}-{b}" for a, b in PAIRS]
    cal = calendar_year_returns(close)
    calendar = pd.DataFrame({f"{a}-{b}": (cal[a] - cal[b]) * 100 for a, b in PAIRS}).dropna(how="all")
    first_prior, last_prior = pd.Timestamp(CLAIM_YEAR - CLAIMED_PRIOR_YEARS - 1, 12, 31), pd.Timestamp(CLAIM_YEAR - 1, 12, 31)
    prior = {}
    for a, b in PAIRS:
        lab = f"{a}-{b}"
        row = rot.underperformance_years(calendar[lab] / 100 if lab in calendar else pd.Series(dtype=float),
                                         CLAIM_YEAR, CLAIMED_PRIOR_YEARS)
        ok = row["years"] == CLAIMED_PRIOR_YEARS
        row["relative wealth (%)"] = rot.relative_wealth(close[a], close[b], first_prior, last_prior) * 100 if ok else np.nan
        prior[lab] = row
    prior = pd.DataFrame.from_dict(prior, orient="index").rename(
        columns={"years": "years with data", "trailed": "years small trailed", "run": "trailing run to last year"})
    prior.index.name = "pair"
    smb = inp.french["smb_annual"].astype(float)
    vintage = f"{inp.vintage['yahoo']}; {inp.vintage['french_ff']}"
    problem = _year_window_problem(inp, tickers, as_of)
    empty = pd.DataFrame()
    if problem:
        return LeadEvidence(False, problem, None, empty, pd.Series(dtype=float), None, empty, calendar, prior,
                            empty, None, None, smb, 0, vintage)
    reading = _reading_date(inp, tickers, as_of)
    paths = rot.ytd_spreads(close, PAIRS, reading).dropna() * 100
    at = paths.loc[reading]
    match_rows = {}
    level = CLAIMED_LEAD_PP - ROUNDING_TOL_PP  # "8.5 to one decimal" means at least 8.45
    for lab in labels:
        s = paths[lab]
        near = rot.dates_near(s, CLAIMED_LEAD_PP, ROUNDING_TOL_PP)
        match_rows[lab] = {"first day at or above": rot.first_reached(s, level),
                           "days at or above": int((s >= level).sum()),
                           "days crossing it upward": _date_list(rot.up_crossings(s, level)),
                           "days at it (to one decimal)": _date_list(near)}
    matches = pd.DataFrame.from_dict(match_rows, orient="index")
    matches.index.name = "pair"
    primary = f"{PRIMARY_PAIR[0]}-{PRIMARY_PAIR[1]}"
    daily = _ytd_daily_diff(close[PRIMARY_PAIR[0]], close[PRIMARY_PAIR[1]], reading)
    band = _band_pp(daily, at[primary] / 100)
    sd = rot.same_date_ytd(close[["IWM", "SPY", "IJR", "IVV"]], reading)
    same_date = pd.DataFrame({"IWM-SPY": sd["IWM"] - sd["SPY"], "IJR-IVV": sd["IJR"] - sd["IVV"]}).dropna(how="all") * 100
    hist = same_date.loc[same_date.index < CLAIM_YEAR, primary].dropna()
    pct_etf = percentile_rank(at[primary], hist) if len(hist) else None
    pct_smb = percentile_rank(at[primary], smb) if len(smb) else None
    q = _quarter_returns(close[["IWM", "SPY", "IJR", "IVV"]], reading)
    by_quarter = pd.DataFrame({"IWM-SPY": q["IWM"] - q["SPY"], "IJR-IVV": q["IJR"] - q["IVV"]})
    return LeadEvidence(True, "", reading, paths, at, band, matches, calendar, prior, same_date, pct_etf, pct_smb,
                        smb, len(daily), vintage, by_quarter)


def verdict_r1(ev: LeadEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R1`` to the evidence."""
    rule = RULES["R1"]
    name = f"{_PAIR_LABEL}, {CLAIM_YEAR} year to date"
    if not ev.available:
        return _untestable("R1", f"Untestable here because {ev.reason}; a window that includes {CLAIM_YEAR} (and the "
                           f"last close of {CLAIM_YEAR - 1}) decides it.", ev.vintage, "r1", name, "pp")
    lead = ev.lead
    reached = ev.first_reached is not None
    trailed = int(ev.prior.loc[ev.primary, "years small trailed"])
    if lead <= 0:
        verdict = "not supported"
    elif reached and trailed >= ABOUT_SIX_MIN:
        verdict = "supported"
    else:
        verdict = "partly supported"
    lo, hi, method = ev.band
    note = (f"{PRIMARY_PAIR[0]} led {PRIMARY_PAIR[1]} by {lead:.1f} pp on {_iso(ev.reading_date)}; the lead "
            + (f"first reached {CLAIMED_LEAD_PP} pp on {_iso(ev.first_reached)}" if reached
               else f"never reached {CLAIMED_LEAD_PP} pp")
            + f"; small caps trailed in {trailed} of the {CLAIMED_PRIOR_YEARS} years before {CLAIM_YEAR}.")
    return ClaimResult(id="R1", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic(name=name, value=lead, unit="pp", ci_low=lo, ci_high=hi, ci_level=0.95,
                                           method=method),
                       sample=Sample(_iso(ev.paths.index[0]), _iso(ev.reading_date), ev.n_days, "daily"),
                       data_vintage=ev.vintage, section="r1", note=note)


# =====================================================================================================
# R2. OUSM year to date and industrials
# =====================================================================================================


@dataclass
class OusmEvidence:
    """Evidence for R2 (percent).

    Attributes
    ----------
    path
        Daily year-to-date returns (%) of OUSM, IJR and PSCI.
    ousm
        OUSM's year-to-date return on the reading date, %.
    matches
        Days on which OUSM was within the rounding tolerance of the claimed return.
    sectors
        Year-to-date return (%) of each S&P SmallCap 600 sector ETF on the reading date, ranked:
        a proxy for sector leadership, not OUSM's industrials contribution.
    by_quarter
        Return (%) within each quarter of the claim year for OUSM, IJR and PSCI.
    """

    available: bool
    reason: str
    reading_date: pd.Timestamp | None
    path: pd.DataFrame
    ousm: float | None
    matches: pd.DatetimeIndex
    sectors: pd.DataFrame
    by_quarter: pd.DataFrame
    vintage: str


def _quarter_returns(close: pd.DataFrame, reading: pd.Timestamp) -> pd.DataFrame:
    """Return (%) within each calendar quarter of the claim year up to the reading date."""
    rows = {}
    for q in range(1, 5):
        start = pd.Timestamp(CLAIM_YEAR, 3 * q - 2, 1)
        if start > reading:
            break
        end = min(reading, (start + pd.offsets.QuarterEnd(0)))
        base = close.loc[: start - pd.Timedelta(days=1)].dropna()
        seg = close.loc[start:end].dropna()
        if base.empty or seg.empty:
            continue
        label = f"Q{q}" + (" to date" if end == reading and end < start + pd.offsets.QuarterEnd(0) else "")
        rows[label] = (seg.iloc[-1] / base.iloc[-1] - 1.0) * 100
    out = pd.DataFrame(rows).T
    out.index.name = "quarter"
    return out


def ousm_year_to_date(inp: RotationInputs, as_of) -> OusmEvidence:
    """R2: OUSM's year-to-date path, the days it stood at the claimed return, and the
    small-cap sector ETFs as a labelled proxy for sector leadership."""
    vintage = inp.vintage["yahoo"]
    tickers = ["OUSM", "IJR", *SMALL_SECTORS]
    problem = _year_window_problem(inp, tickers, as_of)
    if problem:
        return OusmEvidence(False, problem, None, pd.DataFrame(), None, pd.DatetimeIndex([]), pd.DataFrame(),
                            pd.DataFrame(), vintage)
    reading = _reading_date(inp, tickers, as_of)
    ytd = year_to_date(inp.close[tickers], reading).dropna() * 100
    ousm = float(ytd.loc[reading, "OUSM"])
    matches = rot.dates_near(ytd["OUSM"], CLAIMED_OUSM_YTD_PCT, ROUNDING_TOL_PP)
    sec = ytd.loc[reading, list(SMALL_SECTORS)].rename("year to date (%)").to_frame()
    sec.insert(0, "sector", [SMALL_SECTORS[t] for t in sec.index])
    sec = sec.sort_values("year to date (%)", ascending=False)
    sec["rank"] = range(1, len(sec) + 1)
    by_q = _quarter_returns(inp.close[["OUSM", "IJR", "PSCI"]], reading)
    return OusmEvidence(True, "", reading, ytd[["OUSM", "IJR", "PSCI"]], ousm, matches, sec, by_q, vintage)


def verdict_r2(ev: OusmEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R2``: the 4.6% can be checked, the industrials' contribution cannot."""
    rule = RULES["R2"]
    holdings = (f"the industrials' {CLAIMED_INDUSTRIALS_PP}-point contribution needs OUSM's daily holdings and "
                f"sector weights through {CLAIM_YEAR} (the fund's published holdings files), which no free dataset "
                f"here has")
    if not ev.available:
        return _untestable("R2", f"Untestable here because {ev.reason}; beyond that, {holdings}.", ev.vintage, "r2",
                           f"OUSM {CLAIM_YEAR} year to date", "%")
    name = f"OUSM {CLAIM_YEAR} year to date on {_iso(ev.reading_date)}"
    sample = Sample(_iso(ev.path.index[0]), _iso(ev.reading_date), len(ev.path), "daily")
    stat = Statistic(name=name, value=ev.ousm, unit="%", method="realised return (adjusted closes)")
    if len(ev.matches) == 0:
        verdict = "not supported"
        note = (f"OUSM's year-to-date return was never within {ROUNDING_TOL_PP} pp of {CLAIMED_OUSM_YTD_PCT}% "
                f"in {CLAIM_YEAR} up to {_iso(ev.reading_date)}.")
    else:
        verdict = UNTESTABLE
        days = ", ".join(d.date().isoformat() for d in ev.matches[:3]) + (" ..." if len(ev.matches) > 3 else "")
        note = (f"OUSM did stand at {CLAIMED_OUSM_YTD_PCT}% year to date on {len(ev.matches)} day(s) ({days}), but "
                f"{holdings}.")
    return ClaimResult(id="R2", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat, sample=sample,
                       data_vintage=ev.vintage, section="r2", note=note)


# =====================================================================================================
# R3. Rotation toward quality
# =====================================================================================================

FRENCH_LENS = {  # label: (file key, long columns, short columns); quality minus junk, all positive when quality wins
    "small high minus low profitability": ("op", ["SMALL HiOP"], ["SMALL LoOP"]),
    "positive minus negative earnings": ("ep", ["Lo 30", "Med 40", "Hi 30"], ["<= 0"]),
    "dividend payers minus non-payers": ("dp", ["Lo 30", "Med 40", "Hi 30"], ["<= 0"]),
}


def french_quality_series(french: dict[str, pd.DataFrame], weighting: str = "vw") -> pd.DataFrame:
    """Monthly quality-minus-junk returns (decimal) from the French portfolios.

    Columns follow :data:`FRENCH_LENS`. Groups of several portfolios are combined by total
    market value (firms times average size, previous month) for ``vw`` and by number of firms
    for ``ew``.
    """
    out = {}
    for label, (key, long, short) in FRENCH_LENS.items():
        r = from_percent(french[f"{key}_{weighting}"])
        if len(long) == 1:
            lr = r[long[0]]
        elif weighting == "vw":
            lr = rot.value_weighted_group(r, french[f"{key}_firms"], french[f"{key}_size"], long)
        else:
            n = french[f"{key}_firms"][long].shift(1)
            lr = (r[long] * n.div(n.sum(axis=1), axis=0)).sum(axis=1, min_count=len(long)).where(n.notna().all(axis=1))
        out[label] = lr - r[short[0]]
    return pd.DataFrame(out)


@dataclass
class QualityEvidence:
    """Evidence for R3.

    Attributes
    ----------
    calendar
        Calendar-year return (pp) of each quality ETF and the basket minus IWM, with a last
        column for the claim year to date (when in the window).
    spread_prior, spread_year
        The same for the year before the claim year and the claim year to date (pp, Series by ETF).
    band
        pp band of the basket's claim-year spread, and the method.
    basket_peak
        Highest basket-minus-IWM year-to-date spread in the claim year (pp) and its date.
    french
        Long-run quality-minus-junk premia from the French portfolios: mean in % a year
        (monthly mean x 12) with HAC interval, sample months, last month.
    french_sub
        The small-cap profitability premium in three subperiods (% a year).
    french_years
        Calendar-year premia (pp) for the last years each French series covers.
    french_cum
        Cumulative growth of a dollar in each value-weighted long-short series (monthly).
    rmw_prior
        All-size RMW (robust minus weak profitability, 2x3, French) compounded over the months of
        the year before the claim year that the file covers (pp), and that number of months.
    """

    available: bool
    reason: str
    reading_date: pd.Timestamp | None
    calendar: pd.DataFrame
    spread_prior: pd.Series
    spread_year: pd.Series
    band: tuple[float, float, str] | None
    basket_peak: tuple[float | None, pd.Timestamp | None]
    n_days: int
    french: pd.DataFrame
    french_sub: pd.DataFrame
    french_years: pd.DataFrame
    french_cum: pd.DataFrame
    rmw_prior: tuple[float | None, int]
    vintage: str
    first_day: pd.Timestamp | None = None

    @property
    def basket_year(self) -> float | None:
        return float(self.spread_year[BASKET]) if self.available else None

    @property
    def basket_prior(self) -> float | None:
        v = self.spread_prior.get(BASKET, np.nan) if len(self.spread_prior) else np.nan
        return None if pd.isna(v) else float(v)

    @property
    def agree(self) -> int:
        return int((self.spread_year.drop(BASKET) > 0).sum()) if self.available else 0


def _french_premia(series: pd.DataFrame, label_suffix: str = "") -> pd.DataFrame:
    rows = {}
    for col in series.columns:
        s = series[col].dropna()
        if len(s) < 24:
            continue
        e = mean_hac(s).scaled(1200)
        rows[col + label_suffix] = {"first": str(s.index[0]), "last": str(s.index[-1]), "months": len(s),
                                    "mean (% a year)": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "quality minus junk"
    return out


def quality_rotation(inp: RotationInputs, as_of) -> QualityEvidence:
    """R3: quality ETFs against IWM by year and in the claim year, and the long-run French premia."""
    tickers = [*QUALITY, BROAD]
    close = inp.close[tickers]
    vintage = f"{inp.vintage['yahoo']}; {inp.vintage['french_op']}; {inp.vintage['french_ep']}"
    # long-run French lens (always computable where the window overlaps the files)
    fq_vw = french_quality_series(inp.french, "vw")
    fq_ew = french_quality_series(inp.french, "ew")
    french = pd.concat([_french_premia(fq_vw, " (value weighted)"), _french_premia(fq_ew, " (equal weighted)")])
    op = fq_vw["small high minus low profitability"].dropna()
    sub_rows = {}
    if len(op) >= 72:
        for label, a, b in rot.subperiods(op.index, 3):
            e = mean_hac(op.loc[a:b]).scaled(1200)
            sub_rows[label] = {"mean (% a year)": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "months": e.n}
    french_sub = pd.DataFrame.from_dict(sub_rows, orient="index")
    french_sub.index.name = "subperiod"
    years = pd.DataFrame({c: rot.compound_by_year(fq_vw[c]) * 100 for c in fq_vw.columns})
    french_years = years.dropna(how="all").tail(3)
    french_cum = (1.0 + fq_vw.fillna(0.0)).cumprod().where(fq_vw.notna())
    rmw = from_percent(inp.french["ff5"]["RMW"]).dropna()
    rmw_y = rmw[rmw.index.year == CLAIM_YEAR - 1]
    rmw_prior = (float(((1 + rmw_y).prod() - 1) * 100) if len(rmw_y) else None, len(rmw_y))
    # ETF lens
    basket = _basket(inp.close, QUALITY)
    levels = pd.concat([close, basket], axis=1, sort=True)
    cal = calendar_year_returns(levels)
    rel = pd.DataFrame({f"{t}": (cal[t] - cal[BROAD]) * 100 for t in [*QUALITY, BASKET]}).dropna(how="all").T
    rel.columns = [str(c) for c in rel.columns]
    prior = rel[str(CLAIM_YEAR - 1)] if str(CLAIM_YEAR - 1) in rel.columns else pd.Series(dtype=float)
    problem = _year_window_problem(inp, tickers, as_of)
    if problem:
        return QualityEvidence(False, problem, None, rel, prior, pd.Series(dtype=float), None, (None, None), 0,
                               french, french_sub, french_years, french_cum, rmw_prior, vintage)
    reading = _reading_date(inp, tickers, as_of)
    ytd = year_to_date(levels, reading).dropna(how="all") * 100
    spread_path = ytd[[*QUALITY, BASKET]].sub(ytd[BROAD], axis=0)
    spread_year = spread_path.loc[reading]
    rel[f"{CLAIM_YEAR} to date"] = spread_year
    daily = _ytd_daily_diff(basket, inp.close[BROAD], reading)
    band = _band_pp(daily, spread_year[BASKET] / 100)
    peak = (float(spread_path[BASKET].max()), spread_path[BASKET].idxmax())
    return QualityEvidence(True, "", reading, rel, prior, spread_year, band, peak, len(daily), french, french_sub,
                           french_years, french_cum, rmw_prior, vintage, first_day=daily.index[0])


def verdict_r3(ev: QualityEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R3``."""
    rule = RULES["R3"]
    name = f"{BASKET} minus {BROAD}, {CLAIM_YEAR} YTD"
    if not ev.available:
        return _untestable("R3", f"Untestable here because {ev.reason}; the French portfolios end before "
                           f"{CLAIM_YEAR - 1}, so a window with the {CLAIM_YEAR - 1}-{CLAIM_YEAR} ETF prices decides it.",
                           ev.vintage, "r3", name, "pp")
    y, p, agree = ev.basket_year, ev.basket_prior, ev.agree
    prior_led_by_junk = p is not None and p < 0
    if y <= 0:
        verdict = "not supported"
    elif prior_led_by_junk and agree >= AGREE_MIN:
        verdict = "supported"
    else:
        verdict = "partly supported"
    lo, hi, method = ev.band
    prior_txt = "n/a" if p is None else f"{p:.1f}"
    note = (f"The basket {'led' if y > 0 else 'trailed'} {BROAD} by {abs(y):.1f} pp in {CLAIM_YEAR} to "
            f"{_iso(ev.reading_date)} after {prior_txt} pp in {CLAIM_YEAR - 1}; {agree} of {len(QUALITY)} quality "
            f"ETFs lead {BROAD} in {CLAIM_YEAR}.")
    return ClaimResult(id="R3", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic(name=name, value=y, unit="pp", ci_low=lo, ci_high=hi, ci_level=0.95,
                                           method=method),
                       sample=Sample(_iso(ev.first_day), _iso(ev.reading_date), ev.n_days, "daily"),
                       data_vintage=ev.vintage, section="r3", note=note)


# =====================================================================================================
# R4. Lower beta and resilience in tight credit
# =====================================================================================================


@dataclass
class ResilienceEvidence:
    """Evidence for R4 (weekly returns).

    Attributes
    ----------
    risk
        Over the basket's common sample: beta to IWM, downside and upside capture (ratios) and
        maximum drawdown (%), for the basket, each quality ETF and IWM.
    risk_own
        Each quality ETF against IWM over its own full history in the window.
    beta
        The basket's weekly beta to IWM (:class:`~smallcaps.stats.Estimate`).
    regimes
        Mean weekly excess return of the basket over IWM (pp a year) in each credit regime,
        two definitions (spread level; 13-week change), with HAC intervals and downside capture.
    tight
        The tight-credit (spread above its expanding median) mean excess, pp a year.
    tight_minus_calm
        Difference tight minus calm, pp a year.
    drawdown
        IWM's worst drawdown in the common sample (peak, trough) and every fund's return over it (%).
    halves
        Beta and tight-credit excess in each half of the sample.
    long_history
        The same regime split for DES minus IWM and IJR minus IWM over their longer histories.
    """

    available: bool
    reason: str
    sample: tuple[pd.Timestamp | None, pd.Timestamp | None, int]
    risk: pd.DataFrame
    risk_own: pd.DataFrame
    beta: Estimate | None
    regimes: pd.DataFrame
    tight: Estimate | None
    tight_minus_calm: Estimate | None
    drawdown: pd.DataFrame
    halves: pd.DataFrame
    long_history: pd.DataFrame
    weekly_excess: pd.Series
    credit_weekly: pd.DataFrame
    vintage: str
    hy_last: pd.Timestamp | None = None


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


def _regime_rows(excess: pd.Series, asset: pd.Series, bench: pd.Series, labels: pd.Series, definition: str) -> list[dict]:
    from ..analytics.returns import capture_ratio

    rows = []
    df = pd.concat({"x": excess, "a": asset, "m": bench, "r": labels}, axis=1, sort=True).dropna()
    table = regime_means(df["x"], df["r"], scale=5200)
    for lab, row in table.iterrows():
        sub = df[df["r"] == lab]
        rows.append({"definition": definition, "regime": lab, "mean excess (pp a year)": row["estimate"],
                     "ci_low": row["ci_low"], "ci_high": row["ci_high"], "weeks": int(row["n"]),
                     "downside capture": capture_ratio(sub["a"], sub["m"], "down")})
    return rows


def resilience(inp: RotationInputs) -> ResilienceEvidence:
    """R4: beta, capture and drawdowns of the quality ETFs against IWM, split by credit regime."""
    vintage = f"{inp.vintage['yahoo']}; {inp.vintage['hy']}"
    hy_last = inp.hy.index.max() if len(inp.hy) else None
    # weeks end on Fridays; each week is then labelled by its last trading day in the data
    last_day = inp.close.index.to_series().resample("W-FRI").last()
    weekly_px = inp.close[[*QUALITY, BROAD, MARKET]].resample("W-FRI").last()
    wr = weekly_px.pct_change(fill_method=None).iloc[1:]
    credit = credit_regimes(inp.hy, min_periods=MIN_REGIME_WEEKS)
    credit = credit.loc[credit.index.isin(last_day.index)]
    credit.index = pd.DatetimeIndex(last_day.reindex(credit.index).values, name="date")
    empty = pd.DataFrame()
    try:
        basket = _basket(inp.close, QUALITY)
    except Exception as exc:  # no common history of the five funds in the window
        return ResilienceEvidence(False, f"the five quality ETFs have no common history in the window ({exc})",
                                  (None, None, 0), empty, empty, None, empty, None, None, empty, empty, empty,
                                  pd.Series(dtype=float), credit, vintage, hy_last)
    bw = basket.resample("W-FRI").last().pct_change(fill_method=None).iloc[1:].rename(BASKET)
    wr = pd.concat([wr, bw], axis=1, sort=True)
    wr.index = pd.DatetimeIndex(last_day.reindex(wr.index).values, name="date")
    common = wr[[BASKET, BROAD]].dropna()
    cw = wr.loc[common.index]
    risk = rot.risk_table(cw[[BASKET, *QUALITY, BROAD]], BROAD)
    risk["max_drawdown"] *= 100
    own = {}
    for t in QUALITY:
        d = wr[[t, BROAD]].dropna()
        rt = rot.risk_table(d, BROAD).loc[t]
        own[t] = {"first week": _iso(d.index[0]), **rt.to_dict()}
    risk_own = pd.DataFrame.from_dict(own, orient="index").astype({"n": int})
    risk_own.index.name = "fund"
    risk_own["max_drawdown"] *= 100
    beta = coef_estimate(ols_hac(common[BASKET], common[[BROAD]]), BROAD)
    excess = (common[BASKET] - common[BROAD]).rename("basket minus IWM")
    rows = _regime_rows(excess, common[BASKET], common[BROAD], credit["level"], "spread level")
    rows += _regime_rows(excess, common[BASKET], common[BROAD], credit["change"], "spread change (13 weeks)")
    regimes = pd.DataFrame(rows)
    lab = credit["level"].reindex(excess.index)
    n_tight, n_calm = int((lab == "tight").sum()), int((lab == "calm").sum())
    # worst IWM drawdown in the common sample, and each fund over the same dates
    lv = (1 + cw.fillna(0)).cumprod()
    dd = lv[BROAD] / lv[BROAD].cummax() - 1
    trough = dd.idxmin()
    peak = lv[BROAD].loc[:trough].idxmax()
    over = ((lv.loc[trough] / lv.loc[peak] - 1) * 100)[[BASKET, *QUALITY, BROAD, MARKET]].rename("return (%)")
    drawdown = over.to_frame()
    drawdown.attrs = {"peak": peak, "trough": trough}
    labelled = lab.dropna().index
    sample = (labelled[0], labelled[-1], len(labelled)) if len(labelled) else (common.index[0], common.index[-1], 0)
    if min(n_tight, n_calm) < MIN_REGIME_WEEKS:
        reason = (f"only {n_tight} tight-credit and {n_calm} calm-credit weeks fall in the basket's sample "
                  f"({_iso(common.index[0])} to {_iso(common.index[-1])}); {MIN_REGIME_WEEKS} of each are needed")
        return ResilienceEvidence(False, reason, sample, risk, risk_own, beta, regimes, None, None, drawdown, empty,
                                  empty, excess, credit, vintage, hy_last)
    tight = mean_hac(excess[lab == "tight"]).scaled(5200)
    diff = diff_in_means_hac(excess, (lab == "tight").where(lab.notna())).scaled(5200)
    halves = {}
    for label, a, b in rot.subperiods(common.index, 2):
        c = common.loc[a:b]
        ex = excess.loc[a:b]
        lb = lab.loc[a:b]
        be = coef_estimate(ols_hac(c[BASKET], c[[BROAD]]), BROAD)
        te = mean_hac(ex[lb == "tight"]).scaled(5200) if (lb == "tight").sum() >= 3 else None
        halves[label] = {"beta": be.value, "beta ci_low": be.ci_low, "beta ci_high": be.ci_high,
                         "tight-credit excess (pp a year)": None if te is None else te.value,
                         "ci_low": None if te is None else te.ci_low, "ci_high": None if te is None else te.ci_high,
                         "tight weeks": int((lb == "tight").sum())}
    halves = pd.DataFrame.from_dict(halves, orient="index")
    halves.index.name = "half"
    long_rows = []
    for t in ("DES", "IJR"):
        d = wr[[t, BROAD]].dropna()
        ex = (d[t] - d[BROAD])
        for r in _regime_rows(ex, d[t], d[BROAD], credit["level"], f"{t} minus {BROAD}, from {_iso(d.index[0])}"):
            long_rows.append(r)
    long_history = pd.DataFrame(long_rows)
    return ResilienceEvidence(True, "", sample, risk, risk_own, beta, regimes, tight, diff, drawdown, halves,
                              long_history, excess, credit, vintage, hy_last)


def verdict_r4(ev: ResilienceEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R4``."""
    rule = RULES["R4"]
    name = f"basket minus {BROAD}, tight credit"
    if not ev.available:
        return _untestable("R4", f"Untestable here because {ev.reason}; a longer window with the high-yield spread "
                           f"decides it.", ev.vintage, "r4", name, "pp a year")
    low_beta = ev.beta.ci_high < 1
    holds_up = ev.tight.ci_low > 0
    verdict = "supported" if low_beta and holds_up else "partly supported" if (low_beta or holds_up) else "not supported"
    note = (f"Beta to {BROAD} {ev.beta.value:.2f} (95% CI {ev.beta.ci_low:.2f} to {ev.beta.ci_high:.2f}); in tight "
            f"credit the basket's excess over {BROAD} averaged {ev.tight.value:.1f} pp a year.")
    s0, s1, _ = ev.sample
    return ClaimResult(id="R4", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic.from_estimate(ev.tight, name, "pp a year"),
                       sample=Sample(_iso(s0), _iso(s1), ev.tight.n, "weekly"),
                       data_vintage=ev.vintage, section="r4", note=note)


# =====================================================================================================
# R5. The pair trade
# =====================================================================================================


@dataclass
class PairEvidence:
    """Evidence for R5.

    Attributes
    ----------
    legs
        By horizon (trading days): rolling pair, long-leg and short-leg returns (decimal).
    summary
        By horizon: mean pair return (pp) with HAC interval, mean long and short legs (pp), and
        the share of windows reaching each claimed level (%).
    mean_pair
        Mean pair return over the longer claimed horizon (pp) as an Estimate.
    hit_low
        Share of longer-horizon windows reaching the claim's lower level (fraction).
    alternatives
        The same for single-fund pairs (and IJR minus IWM since 2000).
    french
        Small high- minus low-profitability (French), rolling 3 and 6 months.
    halves
        The basket pair over the longer horizon in each half of its sample.
    """

    available: bool
    reason: str
    legs: dict[int, pd.DataFrame]
    summary: pd.DataFrame
    mean_pair: Estimate | None
    hit_low: float | None
    long_leg: float | None
    short_leg: float | None
    alternatives: pd.DataFrame
    french: pd.DataFrame
    halves: pd.DataFrame
    sample: tuple[pd.Timestamp | None, pd.Timestamp | None, int]
    vintage: str


def _pair_row(legs: pd.DataFrame, horizon: int) -> dict:
    e = mean_hac(legs["pair"], overlap=horizon).scaled(100)
    hits = rot.hit_rates(legs["pair"], [CLAIMED_PAIR_LOW_PCT / 100, CLAIMED_PAIR_HIGH_PCT / 100], horizon)
    return {"windows": len(legs), "mean pair (pp)": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high,
            "long leg (pp)": legs["long_leg"].mean() * 100, "short leg (pp)": legs["short_leg"].mean() * 100,
            f"reach {CLAIMED_PAIR_LOW_PCT:.0f}% (%)": hits.iloc[0]["share"] * 100,
            f"reach {CLAIMED_PAIR_HIGH_PCT:.0f}% (%)": hits.iloc[1]["share"] * 100}


def pair_trade(inp: RotationInputs) -> PairEvidence:
    """R5: rolling one- and two-quarter returns of long quality, short IWM, split by leg."""
    vintage = f"{inp.vintage['yahoo']}; {inp.vintage['french_op']}; {inp.vintage['french_ff']}"
    c = inp.close
    empty = pd.DataFrame()
    # long history (French) first: available whatever the ETFs
    op = inp.french["op_vw"][["SMALL HiOP", "SMALL LoOP"]].dropna() / 100
    ff = inp.french["factors"]
    mkt = ((ff["Mkt-RF"] + ff["RF"]) / 100).reindex(op.index)
    fr = {}
    for m in (3, 6):
        grow = lambda x, m=m: (1 + x).rolling(m).apply(np.prod, raw=True) - 1  # noqa: E731
        hi, lo, mk = grow(op["SMALL HiOP"]), grow(op["SMALL LoOP"]), grow(mkt)
        legs = pd.DataFrame({"pair": hi - lo, "long_leg": hi - mk, "short_leg": mk - lo}).dropna()
        if len(legs) > 24:
            fr[f"{m} months"] = {**_pair_row(legs, m), "first": str(legs.index[0]), "last": str(legs.index[-1])}
    french = pd.DataFrame.from_dict(fr, orient="index")
    if len(french):
        french = french.astype({"windows": int})
        french.index.name = "window"
    try:
        basket = _basket(c, QUALITY)
    except Exception as exc:
        return PairEvidence(False, f"the five quality ETFs have no common history in the window ({exc})", {}, empty,
                            None, None, None, None, empty, french, empty, (None, None, 0), vintage)
    both = pd.concat([basket, c[BROAD], c[MARKET]], axis=1, sort=True).dropna()
    if len(both) < MIN_PAIR_DAYS:
        return PairEvidence(False, f"the basket and {BROAD} share {len(both)} trading days in the window, fewer than "
                            f"{MIN_PAIR_DAYS}", {}, empty, None, None, None, None, empty, french, empty,
                            (None, None, 0), vintage)
    legs = {h: rot.leg_decomposition(both[BASKET], both[BROAD], both[MARKET], h) for h in CLAIMED_HORIZONS_DAYS}
    summary = pd.DataFrame({f"{h} days": _pair_row(legs[h], h) for h in CLAIMED_HORIZONS_DAYS}).T.astype(float)
    summary["windows"] = summary["windows"].astype(int)
    summary.index.name = "window"
    h = CLAIMED_HORIZONS_DAYS[1]
    mean_pair = mean_hac(legs[h]["pair"], overlap=h).scaled(100)
    hit_low = float((legs[h]["pair"] >= CLAIMED_PAIR_LOW_PCT / 100).mean())
    alt = {}
    for t in ("OUSM", "XSHQ", "SMDV", "DES", "IJR"):
        lg = rot.leg_decomposition(c[t], c[BROAD], c[MARKET], h)
        alt[f"{t} minus {BROAD}"] = {"first": _iso(lg.index[0]), **_pair_row(lg, h)}
    alternatives = pd.DataFrame.from_dict(alt, orient="index").astype({"windows": int})
    alternatives.index.name = "pair"
    halves = {}
    for label, a, b in rot.subperiods(legs[h].index, 2):
        halves[label] = _pair_row(legs[h].loc[a:b], h)
    halves = pd.DataFrame.from_dict(halves, orient="index").astype({"windows": int})
    halves.index.name = "half"
    return PairEvidence(True, "", legs, summary, mean_pair, hit_low, float(legs[h]["long_leg"].mean() * 100),
                        float(legs[h]["short_leg"].mean() * 100), alternatives, french, halves,
                        (legs[h].index[0], legs[h].index[-1], len(legs[h])), vintage)


def verdict_r5(ev: PairEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R5``."""
    rule = RULES["R5"]
    h = CLAIMED_HORIZONS_DAYS[1]
    name = f"long basket, short {BROAD}, {h} days"
    if not ev.available:
        return _untestable("R5", f"Untestable here because {ev.reason}; a window with two years of the quality ETFs' "
                           f"prices decides it.", ev.vintage, "r5", name, "pp")
    e = ev.mean_pair
    positive = e.ci_low > 0
    reaches = e.ci_high >= CLAIMED_PAIR_LOW_PCT
    short_does_work = ev.short_leg > ev.long_leg
    often = ev.hit_low >= HIT_SHARE_MIN
    if positive and reaches and short_does_work:
        verdict = "supported"
    elif positive or often:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    note = (f"The pair averaged {e.value:.1f} pp over {h} trading days (95% CI {e.ci_low:.1f} to {e.ci_high:.1f}); "
            f"{ev.hit_low:.0%} of windows reached {CLAIMED_PAIR_LOW_PCT:.0f}%; the short leg contributed "
            f"{ev.short_leg:.1f} pp and the long leg {ev.long_leg:.1f} pp on average.")
    s0, s1, n = ev.sample
    return ClaimResult(id="R5", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic.from_estimate(e, name, "pp"), sample=Sample(_iso(s0), _iso(s1), n, "daily"),
                       data_vintage=ev.vintage, section="r5", note=note)


# =====================================================================================================
# R6. Reversal and persistence
# =====================================================================================================


@dataclass
class ReversalEvidence:
    """Evidence for R6.

    Attributes
    ----------
    qmj
        Daily quality minus junk (IJR minus IWM daily returns, decimal).
    events
        Event dates by kind (``rates rally``, ``VIX spike``, ``pooled``).
    windows
        By kind and window length: events, mean compounded IJR minus IWM (pp) with bootstrap
        interval, share of events in which it fell (%).
    pooled
        Pooled event mean over the deciding window (pp), an Estimate.
    baseline
        Mean over all windows of the same length (pp, HAC), for comparison.
    paths
        Mean cumulative path (pp) by offset from the event date, one column per kind, and
        ``IWM-SPY pooled`` (small minus large caps around the pooled events).
    small_large
        The pooled event windows for IWM minus SPY (the size rotation), for comparison.
    halves
        Pooled events split by date into two halves.
    runs
        Runs of positive and non-positive monthly IJR minus IWM, with the credit regime at start.
    run_stats
        By credit regime: completed quality runs, mean length (months) with bootstrap interval,
        share lasting at least the claimed minimum (%).
    ar1
        First-order autocorrelation of monthly IJR minus IWM (Estimate).
    french_runs
        Run statistics for small high- minus low-profitability (French, monthly) with the
        Baa-Aaa spread as the credit regime.
    """

    available: bool
    reason: str
    qmj: pd.Series
    events: dict[str, pd.DatetimeIndex]
    windows: pd.DataFrame
    pooled: Estimate | None
    baseline: Estimate | None
    paths: pd.DataFrame
    small_large: pd.DataFrame
    halves: pd.DataFrame
    runs: pd.DataFrame
    run_stats: pd.DataFrame
    ar1: Estimate | None
    french_runs: pd.DataFrame
    calm_mean: float | None
    tight_mean: float | None
    event_days: int
    vintage: str


def _event_row(daily: pd.Series, events, length: int) -> dict:
    w = rot.event_window_returns(daily, events, 1 - EVENT_LOOKBACK, length)
    if len(w) < 3:
        return {"events": len(w), "mean (pp)": np.nan, "ci_low": np.nan, "ci_high": np.nan, "fell (%)": np.nan}
    e = bootstrap_ci(w, block=1.0).scaled(100) if len(w) >= 10 else None
    return {"events": len(w), "mean (pp)": w.mean() * 100, "ci_low": None if e is None else e.ci_low,
            "ci_high": None if e is None else e.ci_high, "fell (%)": (w < 0).mean() * 100}


def run_statistics(runs: pd.DataFrame, minimum: int) -> pd.DataFrame:
    """Completed positive runs by regime: count, mean length (periods) with an iid bootstrap
    interval across runs, and the share lasting at least ``minimum`` periods (%)."""
    done = runs[(runs["positive"]) & (~runs["censored"]) & runs["regime"].notna()]
    rows = {}
    for lab, grp in done.groupby("regime"):
        L = grp["length"].astype(float)
        e = bootstrap_ci(L, block=1.0) if len(L) >= 10 else None
        rows[lab] = {"runs": len(L), "mean length": L.mean(), "ci_low": None if e is None else e.ci_low,
                     "ci_high": None if e is None else e.ci_high, "median length": L.median(),
                     f"at least {minimum} (%)": (L >= minimum).mean() * 100}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "credit at start"
    return out


def reversal_and_persistence(inp: RotationInputs, *, rates_rally_bp: float = 25, vix_spike_pct: float = 40,
                             event_days: int = 10) -> ReversalEvidence:
    """R6: quality minus junk around rates rallies and VIX spikes, and how long its runs last.

    Parameters
    ----------
    rates_rally_bp
        A rates rally is a fall of at least this many basis points in the 10-year yield (^TNX)
        over 5 trading days.
    vix_spike_pct
        A VIX spike is a rise of at least this percent in the VIX close over 5 trading days.
    event_days
        Length of the deciding event window in trading days, counted from the first day of the
        5-day move.
    """
    vintage = f"{inp.vintage['yahoo']}; {inp.vintage['vix']}; {inp.vintage['hy']}; {inp.vintage['french_op']}"
    c = inp.close
    qmj = rot.relative_daily(c["IJR"], c[BROAD]).rename("IJR-IWM")
    sl = rot.relative_daily(c[BROAD], c[MARKET]).rename("IWM-SPY")
    cal = qmj.index
    tnx = c[TNX].reindex(cal).ffill(limit=3)
    vix = inp.vix.reindex(cal).ffill(limit=3)
    ev_rates = rot.change_events(tnx, EVENT_LOOKBACK, -rates_rally_bp / 100, below=True, gap=EVENT_GAP)
    ev_vix = rot.change_events(vix, EVENT_LOOKBACK, vix_spike_pct / 100, relative=True, below=False, gap=EVENT_GAP)
    union = pd.Series(False, index=cal)
    union.loc[union.index.isin(ev_rates.union(ev_vix))] = True
    ev_pooled = rot.declustered_events(union, EVENT_GAP)
    events = {"rates rally": ev_rates, "VIX spike": ev_vix, "pooled": ev_pooled}
    rows = []
    for kind, evs in events.items():
        for L in sorted({EVENT_LOOKBACK, event_days, EVENT_GAP}):
            rows.append({"event": kind, "window (days)": L, **_event_row(qmj, evs, L)})
    windows = pd.DataFrame(rows)
    paths = pd.DataFrame({k: rot.event_paths(qmj, v, EVENT_LOOKBACK - 1, EVENT_GAP).mean(axis=1) * 100
                          for k, v in events.items()})
    paths["IWM-SPY pooled"] = rot.event_paths(sl, ev_pooled, EVENT_LOOKBACK - 1, EVENT_GAP).mean(axis=1) * 100
    sl_rows = [{"event": k, "window (days)": event_days, **_event_row(sl, v, event_days)} for k, v in events.items()]
    small_large = pd.DataFrame(sl_rows)
    # persistence: monthly runs with the credit regime at the start of each month
    monthly = period_returns(c[["IJR", BROAD]].dropna(), "ME")
    qmj_m = (monthly["IJR"] - monthly[BROAD]).rename("IJR-IWM")
    credit_m = credit_regimes(inp.hy, freq="ME", min_periods=24)["level"]
    runs = rot.sign_runs(qmj_m, credit_m.reindex(qmj_m.index))
    run_stats = run_statistics(runs, CLAIMED_RUN_MONTHS[0])
    ar1 = rot.autocorrelation(qmj_m) if len(qmj_m) > 24 else None
    # long history: French small OP5 - OP1 with Baa-Aaa
    op = (inp.french["op_vw"]["SMALL HiOP"] - inp.french["op_vw"]["SMALL LoOP"]).dropna() / 100
    baa = inp.baa_aaa
    french_runs = pd.DataFrame()
    if len(baa) > 36 and len(op) > 36:
        lvl = high_low(baa, method="expanding_median", min_periods=24, labels=("tight", "calm")).shift(1)
        french_runs = run_statistics(rot.sign_runs(op, lvl.reindex(op.index)), CLAIMED_RUN_MONTHS[0])
    calm = run_stats["mean length"].get("calm", np.nan) if len(run_stats) else np.nan
    tight = run_stats["mean length"].get("tight", np.nan) if len(run_stats) else np.nan
    n_runs = run_stats["runs"] if len(run_stats) else pd.Series(dtype=float)
    problems = []
    if min(len(ev_rates), len(ev_vix)) < MIN_EVENTS:
        problems.append(f"{len(ev_rates)} rates-rally and {len(ev_vix)} VIX-spike events (need {MIN_EVENTS} of each)")
    if n_runs.get("calm", 0) < MIN_RUNS or n_runs.get("tight", 0) < MIN_RUNS:
        problems.append(f"{int(n_runs.get('calm', 0))} calm-credit and {int(n_runs.get('tight', 0))} tight-credit "
                        f"completed runs (need {MIN_RUNS} of each)")
    pooled_w = rot.event_window_returns(qmj, ev_pooled, 1 - EVENT_LOOKBACK, event_days)
    pooled = bootstrap_ci(pooled_w, block=1.0).scaled(100) if len(pooled_w) >= 10 else None
    roll = (1 + qmj).rolling(event_days).apply(np.prod, raw=True) - 1
    baseline = mean_hac(roll.dropna(), overlap=event_days).scaled(100) if roll.notna().sum() > 3 * event_days else None
    halves = pd.DataFrame()
    if len(pooled_w) >= 20:
        hrows = {}
        for label, a, b in rot.subperiods(pooled_w.index, 2):
            w = pooled_w.loc[a:b]
            e = bootstrap_ci(w, block=1.0).scaled(100)
            hrows[label] = {"events": len(w), "mean (pp)": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high}
        halves = pd.DataFrame.from_dict(hrows, orient="index")
        halves.index.name = "events dated"
    available = not problems and pooled is not None
    return ReversalEvidence(available, "; ".join(problems), qmj, events, windows, pooled, baseline, paths, small_large,
                            halves, runs, run_stats, ar1, french_runs, None if pd.isna(calm) else float(calm),
                            None if pd.isna(tight) else float(tight), event_days, vintage)


def verdict_r6(ev: ReversalEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R6``."""
    rule = RULES["R6"]
    name = f"IJR minus IWM, {ev.event_days}-day event window"
    if not ev.available:
        return _untestable("R6", f"Untestable here because the window has only {ev.reason}; a longer window decides "
                           f"it.", ev.vintage, "r6", name, "pp")
    reverses = ev.pooled.ci_high < 0
    lasts = ev.calm_mean >= CLAIMED_RUN_MONTHS[0] and ev.calm_mean > ev.tight_mean
    verdict = "supported" if reverses and lasts else "partly supported" if (reverses or lasts) else "not supported"
    evs = ev.events["pooled"]
    note = (f"Over {len(evs)} events IJR minus IWM averaged {ev.pooled.value:.2f} pp (95% CI {ev.pooled.ci_low:.2f} to "
            f"{ev.pooled.ci_high:.2f}); quality runs starting in calm credit lasted {ev.calm_mean:.1f} months on "
            f"average, against {ev.tight_mean:.1f} in tight credit.")
    return ClaimResult(id="R6", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic.from_estimate(ev.pooled, name, "pp"),
                       sample=Sample(_iso(evs[0]), _iso(evs[-1]), ev.pooled.n, "events"),
                       data_vintage=ev.vintage, section="r6", note=note)


# =====================================================================================================
# R7. Domestic cyclicals against mega-cap defensives
# =====================================================================================================


@dataclass
class SectorEvidence:
    """Evidence for R7 (percent and pp).

    Attributes
    ----------
    ytd
        Year-to-date return (%) of every sector ETF on the reading date, with its size, sector
        and group.
    spreads
        The three spreads of the rule (pp) for the claim year to date, its quarters, and the
        calendar year before (as a comparison).
    band
        pp band of cyclicals minus defensives.
    """

    available: bool
    reason: str
    reading_date: pd.Timestamp | None
    ytd: pd.DataFrame
    spreads: pd.DataFrame
    band: tuple[float, float, str] | None
    n_days: int
    vintage: str
    first_day: pd.Timestamp | None = None

    def value(self, column: str) -> float | None:
        if not self.available:
            return None
        return float(self.spreads.loc[f"{CLAIM_YEAR} to date", column])


SPREAD_COLUMNS = ("cyclicals minus defensives", "cyclicals minus IJR", f"defensives minus {MARKET}",
                  "small cyclicals minus small defensives")


def _group(t: str) -> str:
    if t in CYCLICALS:
        return "small-cap cyclical"
    if t in SMALL_SECTORS:
        return "small-cap other"
    if t in DEFENSIVES:
        return "large-cap defensive"
    return "large-cap other"


def _sector_spreads(lv: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    base = lv.loc[: start - pd.Timedelta(days=1)].iloc[-1]
    last = lv.loc[:end].iloc[-1]
    r = (last / base - 1) * 100
    return {SPREAD_COLUMNS[0]: r["cyclicals"] - r["defensives"], SPREAD_COLUMNS[1]: r["cyclicals"] - r["IJR"],
            SPREAD_COLUMNS[2]: r["defensives"] - r[MARKET],
            SPREAD_COLUMNS[3]: r["cyclicals"] - r["small defensives"]}


def sector_leadership(inp: RotationInputs, as_of) -> SectorEvidence:
    """R7: small-cap cyclical sectors against mega-cap defensive sectors in the claim year."""
    vintage = inp.vintage["yahoo"]
    tickers = [*SMALL_SECTORS, *LARGE_SECTORS, "IJR", MARKET]
    needed = [*CYCLICALS, *DEFENSIVES, *SMALL_DEFENSIVES, "IJR", MARKET]
    problem = _year_window_problem(inp, needed, as_of)
    if problem:
        return SectorEvidence(False, problem, None, pd.DataFrame(), pd.DataFrame(), None, 0, vintage)
    reading = _reading_date(inp, needed, as_of)
    c = inp.close
    # one set of basket levels from December two years back, so both years can be read from it
    sub = c.loc[pd.Timestamp(CLAIM_YEAR - 2, 12, 1): reading]
    lv = pd.concat({"cyclicals": _basket(sub, CYCLICALS), "defensives": _basket(sub, DEFENSIVES),
                    "small defensives": _basket(sub, SMALL_DEFENSIVES), "IJR": sub["IJR"], MARKET: sub[MARKET]},
                   axis=1, sort=True).dropna()
    ytd_all = year_to_date(c[tickers], reading).loc[reading] * 100
    ytd = pd.DataFrame({"size": ["small" if t in SMALL_SECTORS or t == "IJR" else "large" for t in tickers],
                        "sector": [SMALL_SECTORS.get(t) or LARGE_SECTORS.get(t) or ("S&P 600" if t == "IJR" else "S&P 500")
                                   for t in tickers],
                        "group": [_group(t) if t not in ("IJR", MARKET) else "index" for t in tickers],
                        "year to date (%)": ytd_all.values}, index=tickers).dropna(subset=["year to date (%)"])
    ytd.index.name = "ETF"
    ytd = ytd.sort_values("year to date (%)", ascending=False)
    rows = {f"{CLAIM_YEAR} to date": _sector_spreads(lv, pd.Timestamp(CLAIM_YEAR, 1, 1), reading)}
    for q in range(1, 5):
        qs = pd.Timestamp(CLAIM_YEAR, 3 * q - 2, 1)
        if qs > reading:
            break
        q_end = qs + pd.offsets.QuarterEnd(0)
        qe = min(reading, q_end)
        rows[f"Q{q}" + (" to date" if qe < q_end else "")] = _sector_spreads(lv, qs, qe)
    if lv.index[0] <= pd.Timestamp(CLAIM_YEAR - 2, 12, 31):
        rows[f"{CLAIM_YEAR - 1} (comparison)"] = _sector_spreads(lv, pd.Timestamp(CLAIM_YEAR - 1, 1, 1),
                                                                 pd.Timestamp(CLAIM_YEAR - 1, 12, 31))
    spreads = pd.DataFrame(rows).T
    spreads.index.name = "period"
    daily = _ytd_daily_diff(lv["cyclicals"], lv["defensives"], reading)
    band = _band_pp(daily, spreads.loc[f"{CLAIM_YEAR} to date", SPREAD_COLUMNS[0]] / 100)
    return SectorEvidence(True, "", reading, ytd, spreads, band, len(daily), vintage, first_day=daily.index[0])


def verdict_r7(ev: SectorEvidence) -> ClaimResult:
    """Apply :data:`RULES` ``R7``."""
    rule = RULES["R7"]
    name = f"cyclicals minus defensives, {CLAIM_YEAR} YTD"
    if not ev.available:
        return _untestable("R7", f"Untestable here because {ev.reason}; a window that includes {CLAIM_YEAR} decides it.",
                           ev.vintage, "r7", name, "pp")
    spread = ev.value(SPREAD_COLUMNS[0])
    cyc_win = ev.value(SPREAD_COLUMNS[1]) > 0
    def_lose = ev.value(SPREAD_COLUMNS[2]) < 0
    if spread <= 0 or not (cyc_win or def_lose):
        verdict = "not supported"
    elif cyc_win and def_lose:
        verdict = "supported"
    else:
        verdict = "partly supported"
    lo, hi, method = ev.band
    note = (f"Cyclicals minus defensives {spread:.1f} pp; cyclicals minus IJR {ev.value(SPREAD_COLUMNS[1]):.1f} pp; "
            f"defensives minus {MARKET} {ev.value(SPREAD_COLUMNS[2]):.1f} pp, to {_iso(ev.reading_date)}.")
    return ClaimResult(id="R7", claim=rule.claim, rule=rule.text(), verdict=verdict,
                       statistic=Statistic(name=name, value=spread, unit="pp", ci_low=lo, ci_high=hi, ci_level=0.95,
                                           method=method),
                       sample=Sample(_iso(ev.first_day), _iso(ev.reading_date), ev.n_days, "daily"),
                       data_vintage=ev.vintage, section="r7", note=note)


# =====================================================================================================
# Numbers for the prose (glued, never typed)
# =====================================================================================================

Numbers = dict[str, tuple[object, str | None]]


def glue(ch, numbers: Numbers) -> None:
    """Glue every ``key: (value, format)`` of a numbers dict through the chapter kit
    (``None`` values read "n/a" in the prose)."""
    for key, (value, fmt) in numbers.items():
        ch.glue(key, value, fmt)


def _blank(keys: list[str], fmt: str = "{:.1f}") -> Numbers:
    return {k: (None, fmt) for k in keys}


def _window_note(available: bool, reason: str, reading_date=None) -> tuple[str, None]:
    """A sentence that opens a claim's evidence: where its numbers are read, or why they are n/a."""
    if available and reading_date is not None:
        return (f"The numbers below are read on {_iso(reading_date)}, the last day on or before `as_of` with every "
                f"price the claim needs.", None)
    if available:
        return ("The numbers below use every date in the window where the data the claim needs exist.", None)
    return (f"*This run cannot decide the claim: {reason}. The numbers below that need those data read n/a.*", None)


def _phrase_ci(lo: float, hi: float) -> str:
    return "includes zero" if lo <= 0 <= hi else "excludes zero"


def numbers_setup(inp: RotationInputs) -> Numbers:
    """The reading date, the chapter's data coverage and the sources' titles."""
    etfs = inp.last_quotes.drop(TNX)
    last_common = etfs.min()
    early = sorted(etfs[etfs == last_common].index) if etfs.max() > last_common else []
    return {"rot_as_of": (inp.window.as_of, None), "rot_last_common": (last_common, None),
            "rot_last_any": (etfs.max(), None), "rot_n_early": (len(early), "{:d}"),
            "rot_early": (", ".join(early) if early else "none", None), "rot_n_etfs": (len(etfs), "{:d}"),
            "rot_claim_year": (CLAIM_YEAR, "{:d}"), "rot_prior_year": (CLAIM_YEAR - 1, "{:d}"),
            "rot_src_a": (SOURCES["A"], None), "rot_src_c": (SOURCES["C"], None)}


def numbers_r1(ev: LeadEvidence) -> Numbers:
    """Prose numbers of R1."""
    def _above_below(pct: float) -> str:
        # "31% below" / "4% above": the direction is part of the number
        return f"{abs(pct):.0f}% {'below' if pct < 0 else 'above'}"

    out: Numbers = {"r1_claim_lead": (CLAIMED_LEAD_PP, "{:.1f}"), "r1_claim_years": (CLAIMED_PRIOR_YEARS, "{:d}"),
                    "r1_about_min": (ABOUT_SIX_MIN, "{:d}"),
                    "r1_window": _window_note(ev.available, ev.reason, ev.reading_date)}
    for lab, key in (("IWM-SPY", "iwm"), ("IJR-IVV", "ijr")):
        row = ev.prior.loc[lab] if lab in ev.prior.index else None
        ok = row is not None and row["years with data"] == CLAIMED_PRIOR_YEARS
        out[f"r1_trailed_{key}"] = (int(row["years small trailed"]) if ok else None, "{:d}")
        out[f"r1_run_{key}"] = (int(row["trailing run to last year"]) if ok else None, "{:d}")
        out[f"r1_wealth_{key}"] = (_above_below(row["relative wealth (%)"]) if ok else None, None)
    keys = ["r1_date", "r1_lead", "r1_lead_ijr", "r1_lead_min", "r1_lead_max", "r1_first", "r1_days_above",
            "r1_n_days", "r1_peak", "r1_peak_date", "r1_band_lo", "r1_band_hi", "r1_band_phrase", "r1_pct_etf",
            "r1_hist_first", "r1_hist_last", "r1_hist_n", "r1_pct_smb", "r1_smb_first", "r1_smb_last",
            "r1_quarters", "r1_first_ijr"]
    if not ev.available:
        out.update(_blank(keys))
        return out
    peak, peak_day = ev.max_lead
    hist = ev.same_date.loc[ev.same_date.index < CLAIM_YEAR, ev.primary].dropna()
    lo, hi, _ = ev.band
    quarters = "; ".join(f"{q}: {v:+.1f} pp" for q, v in ev.by_quarter["IWM-SPY"].items())
    out.update({
        "r1_date": (ev.reading_date, None), "r1_lead": (ev.lead, "{:.1f}"),
        "r1_lead_ijr": (ev.at_reading["IJR-IVV"], "{:.1f}"), "r1_lead_min": (ev.at_reading.min(), "{:.1f}"),
        "r1_lead_max": (ev.at_reading.max(), "{:.1f}"), "r1_first": (ev.first_reached, None),
        "r1_first_ijr": (ev.matches.loc["IJR-IVV", "first day at or above"], None),
        "r1_days_above": (int(ev.matches.loc[ev.primary, "days at or above"]), "{:d}"), "r1_n_days": (ev.n_days, "{:d}"),
        "r1_peak": (peak, "{:.1f}"), "r1_peak_date": (peak_day, None), "r1_band_lo": (lo, "{:.1f}"),
        "r1_band_hi": (hi, "{:.1f}"), "r1_band_phrase": (_phrase_ci(lo, hi), None),
        "r1_pct_etf": (ev.percentile_etf, "{:.0f}"), "r1_hist_first": (int(hist.index.min()), "{:d}"),
        "r1_hist_last": (int(hist.index.max()), "{:d}"), "r1_hist_n": (len(hist), "{:d}"),
        "r1_pct_smb": (ev.percentile_smb, "{:.0f}"), "r1_smb_first": (int(ev.smb_annual.index.min()), "{:d}"),
        "r1_smb_last": (int(ev.smb_annual.index.max()), "{:d}"), "r1_quarters": (quarters, None),
    })
    return out


def numbers_r2(ev: OusmEvidence) -> Numbers:
    """Prose numbers of R2."""
    out: Numbers = {"r2_claim": (CLAIMED_OUSM_YTD_PCT, "{:.1f}"), "r2_claim_ind": (CLAIMED_INDUSTRIALS_PP, "{:.1f}"),
                    "r2_tol": (ROUNDING_TOL_PP, "{:.2f}"),
                    "r2_window": _window_note(ev.available, ev.reason, ev.reading_date)}
    keys = ["r2_date", "r2_ousm", "r2_n_matches", "r2_matches", "r2_psci", "r2_psci_rank", "r2_n_sectors",
            "r2_top", "r2_top_sector", "r2_top_ytd", "r2_ijr", "r2_ousm_q_last", "r2_q_last"]
    if not ev.available:
        out.update(_blank(keys))
        return out
    sec = ev.sectors
    top = sec.index[0]
    q_last = ev.by_quarter.index[-1]
    out.update({
        "r2_date": (ev.reading_date, None), "r2_ousm": (ev.ousm, "{:.1f}"), "r2_n_matches": (len(ev.matches), "{:d}"),
        "r2_matches": (", ".join(d.date().isoformat() for d in ev.matches) or "no day", None),
        "r2_psci": (sec.loc["PSCI", "year to date (%)"], "{:.1f}"), "r2_psci_rank": (int(sec.loc["PSCI", "rank"]), "{:d}"),
        "r2_n_sectors": (len(sec), "{:d}"), "r2_top": (top, None), "r2_top_sector": (sec.loc[top, "sector"], None),
        "r2_top_ytd": (sec.loc[top, "year to date (%)"], "{:.1f}"), "r2_ijr": (ev.path.loc[ev.reading_date, "IJR"], "{:.1f}"),
        "r2_ousm_q_last": (ev.by_quarter.loc[q_last, "OUSM"], "{:.1f}"), "r2_q_last": (q_last, None),
    })
    return out


def _row(frame: pd.DataFrame, label: str, cols=("mean (% a year)", "ci_low", "ci_high")):
    if label in frame.index:
        return [frame.loc[label, c] for c in cols]
    return [None] * len(cols)


def numbers_r3(ev: QualityEvidence) -> Numbers:
    """Prose numbers of R3."""
    f = ev.french
    op = "small high minus low profitability (value weighted)"
    out: Numbers = {"r3_agree_min": (AGREE_MIN, "{:d}"), "r3_n_etfs": (len(QUALITY), "{:d}"),
                    "r3_window": _window_note(ev.available, ev.reason, ev.reading_date)}
    for key, label in (("op", op), ("op_ew", "small high minus low profitability (equal weighted)"),
                       ("ep", "positive minus negative earnings (value weighted)"),
                       ("dp", "dividend payers minus non-payers (value weighted)")):
        m, lo, hi = _row(f, label)
        out[f"r3_{key}"], out[f"r3_{key}_lo"], out[f"r3_{key}_hi"] = (m, "{:.2f}"), (lo, "{:.2f}"), (hi, "{:.2f}")
        first, last = _row(f, label, ("first", "last"))
        out[f"r3_{key}_first"], out[f"r3_{key}_last"] = (first, None), (last, None)
    ycol = "small high minus low profitability"
    yrs = ev.french_years[ycol].dropna() if ycol in ev.french_years else pd.Series(dtype=float)
    out["r3_op_lastyear"] = (int(yrs.index[-1]) if len(yrs) else None, "{:d}")
    out["r3_op_lastyear_value"] = (yrs.iloc[-1] if len(yrs) else None, "{:.1f}")
    rmw, months = ev.rmw_prior
    out["r3_rmw"], out["r3_rmw_months"] = (rmw, "{:.1f}"), (months, "{:d}")
    out["r3_rmw_phrase"] = (None if rmw is None else "weak-profitability firms beat robust ones" if rmw < 0
                            else "robust-profitability firms beat weak ones", None)
    names = {"small high minus low profitability (value weighted)": "small-cap profitability",
             "positive minus negative earnings (value weighted)": "positive earnings",
             "dividend payers minus non-payers (value weighted)": "paying a dividend"}
    paid = [v for k, v in names.items() if k in f.index and f.loc[k, "ci_low"] > 0]
    if not all(k in f.index for k in names):
        longrun = None
    elif not paid:
        longrun = "Over this window none of the three value-weighted sorts earned a premium distinguishable from zero."
    else:
        longrun = (f"Of the three value-weighted sorts, only {' and '.join(paid)} earned a premium whose interval "
                   f"excludes zero.") if len(paid) < len(names) else \
            "All three sorts earned a premium whose interval excludes zero."
    out["r3_longrun_phrase"] = (longrun, None)
    prior = ev.spread_prior.drop(BASKET, errors="ignore")
    out["r3_n_trailed_prior"] = (int((prior < 0).sum()) if len(prior) else None, "{:d}")
    out["r3_basket_prior"] = (ev.basket_prior, "{:.1f}")
    bp = ev.basket_prior
    out["r3_prior_phrase"] = (None if bp is None else
                              "a year led by the broad index, unprofitable companies included, as the claim says"
                              if bp < 0 else "the quality basket, not the broad index, led that year", None)
    out["r3_ijr_prior"] = (prior.get("IJR", None) if len(prior) else None, "{:.1f}")
    keys = ["r3_date", "r3_basket_year", "r3_band_lo", "r3_band_hi", "r3_band_phrase", "r3_agree", "r3_ijr_year",
            "r3_ousm_year", "r3_xshq_year", "r3_peak", "r3_peak_date", "r3_leaders"]
    if not ev.available:
        out.update(_blank(keys))
        return out
    lo, hi, _ = ev.band
    y = ev.spread_year
    leaders = [t for t in QUALITY if y[t] > 0]
    out.update({
        "r3_date": (ev.reading_date, None), "r3_basket_year": (ev.basket_year, "{:.1f}"), "r3_band_lo": (lo, "{:.1f}"),
        "r3_band_hi": (hi, "{:.1f}"), "r3_band_phrase": (_phrase_ci(lo, hi), None), "r3_agree": (ev.agree, "{:d}"),
        "r3_ijr_year": (y["IJR"], "{:.1f}"), "r3_ousm_year": (y["OUSM"], "{:.1f}"), "r3_xshq_year": (y["XSHQ"], "{:.1f}"),
        "r3_peak": (ev.basket_peak[0], "{:.1f}"), "r3_peak_date": (ev.basket_peak[1], None),
        "r3_leaders": (" and ".join(leaders) if leaders else "none of them", None),
    })
    return out


def numbers_r4(ev: ResilienceEvidence) -> Numbers:
    """Prose numbers of R4."""
    keys = ["r4_start", "r4_end", "r4_weeks", "r4_beta", "r4_beta_lo", "r4_beta_hi", "r4_down", "r4_up",
            "r4_tight", "r4_tight_lo", "r4_tight_hi", "r4_tight_weeks", "r4_calm", "r4_calm_lo", "r4_calm_hi",
            "r4_diff", "r4_diff_lo", "r4_diff_hi", "r4_widening", "r4_widening_lo", "r4_widening_hi",
            "r4_dd_peak", "r4_dd_trough", "r4_dd_iwm", "r4_dd_basket", "r4_dd_spy", "r4_des_tight", "r4_des_lo",
            "r4_des_hi", "r4_ijr_tight", "r4_ijr_lo", "r4_ijr_hi", "r4_ousm_beta", "r4_smdv_beta", "r4_ijr_beta",
            "r4_half1_tight", "r4_half2_tight", "r4_half1", "r4_half2", "r4_tight_weeks", "r4_tight_top_year",
            "r4_tight_top_n", "r4_beta_phrase", "r4_tight_phrase"]
    out = _blank(keys)
    out["r4_min_weeks"] = (MIN_REGIME_WEEKS, "{:d}")
    out["r4_window"] = _window_note(ev.available, ev.reason)
    out["r4_hy_last"] = (ev.hy_last, None)
    if ev.risk.empty:
        return out
    b = ev.risk.loc[BASKET]
    s0, s1, n = ev.sample
    out.update({"r4_start": (s0, None), "r4_end": (s1, None), "r4_weeks": (int(ev.risk.loc[BASKET, "n"]), "{:d}"),
                "r4_beta": (ev.beta.value, "{:.2f}"), "r4_beta_lo": (ev.beta.ci_low, "{:.2f}"),
                "r4_beta_hi": (ev.beta.ci_high, "{:.2f}"), "r4_down": (b["downside_capture"], "{:.2f}"),
                "r4_up": (b["upside_capture"], "{:.2f}"),
                "r4_beta_phrase": ("holds" if ev.beta.ci_high < 1 else "does not hold", None),
                "r4_ousm_beta": (ev.risk.loc["OUSM", "beta"], "{:.2f}"),
                "r4_smdv_beta": (ev.risk.loc["SMDV", "beta"], "{:.2f}"),
                "r4_ijr_beta": (ev.risk.loc["IJR", "beta"], "{:.2f}")})
    dd = ev.drawdown["return (%)"]
    out.update({"r4_dd_peak": (ev.drawdown.attrs["peak"], None), "r4_dd_trough": (ev.drawdown.attrs["trough"], None),
                "r4_dd_iwm": (dd[BROAD], "{:.1f}"), "r4_dd_basket": (dd[BASKET], "{:.1f}"),
                "r4_dd_spy": (dd[MARKET], "{:.1f}")})
    reg = ev.regimes.set_index("regime")
    for key, lab in (("calm", "calm"), ("widening", "widening")):
        if lab in reg.index:
            r = reg.loc[lab]
            out[f"r4_{key}"], out[f"r4_{key}_lo"], out[f"r4_{key}_hi"] = (
                (r["mean excess (pp a year)"], "{:.1f}"), (r["ci_low"], "{:.1f}"), (r["ci_high"], "{:.1f}"))
    if "tight" in reg.index:
        out["r4_tight_weeks"] = (int(reg.loc["tight", "weeks"]), "{:d}")
        lab = ev.credit_weekly["level"].reindex(ev.weekly_excess.index)
        years = pd.Series(lab[lab == "tight"].index.year).value_counts()
        out["r4_tight_top_year"] = (int(years.index[0]) if len(years) else None, "{:d}")
        out["r4_tight_top_n"] = (int(years.iloc[0]) if len(years) else None, "{:d}")
    if ev.tight is not None:
        out["r4_tight_phrase"] = ("in this sample the recoveries weighed more" if ev.tight.value < 0
                                  else "in this sample the falls weighed more", None)
        out.update({"r4_tight": (ev.tight.value, "{:.1f}"), "r4_tight_lo": (ev.tight.ci_low, "{:.1f}"),
                    "r4_tight_hi": (ev.tight.ci_high, "{:.1f}"), "r4_diff": (ev.tight_minus_calm.value, "{:.1f}"),
                    "r4_diff_lo": (ev.tight_minus_calm.ci_low, "{:.1f}"),
                    "r4_diff_hi": (ev.tight_minus_calm.ci_high, "{:.1f}")})
    if len(ev.long_history):
        lh = ev.long_history[ev.long_history["regime"] == "tight"]
        for key, t in (("des", "DES"), ("ijr", "IJR")):
            r = lh[lh["definition"].str.startswith(t)]
            if len(r):
                r = r.iloc[0]
                out[f"r4_{key}_tight"], out[f"r4_{key}_lo"], out[f"r4_{key}_hi"] = (
                    (r["mean excess (pp a year)"], "{:.1f}"), (r["ci_low"], "{:.1f}"), (r["ci_high"], "{:.1f}"))
    if len(ev.halves) == 2:
        h = ev.halves
        out.update({"r4_half1": (h.index[0], None), "r4_half2": (h.index[1], None),
                    "r4_half1_tight": (h.iloc[0]["tight-credit excess (pp a year)"], "{:.1f}"),
                    "r4_half2_tight": (h.iloc[1]["tight-credit excess (pp a year)"], "{:.1f}")})
    return out


def numbers_r5(ev: PairEvidence) -> Numbers:
    """Prose numbers of R5."""
    lo_pct, hi_pct = CLAIMED_PAIR_LOW_PCT, CLAIMED_PAIR_HIGH_PCT
    out: Numbers = {"r5_claim_lo": (lo_pct, "{:.0f}"), "r5_claim_hi": (hi_pct, "{:.0f}"),
                    "r5_h1": (CLAIMED_HORIZONS_DAYS[0], "{:d}"), "r5_h2": (CLAIMED_HORIZONS_DAYS[1], "{:d}"),
                    "r5_hit_min": (HIT_SHARE_MIN * 100, "{:.0f}")}
    cols = ["mean pair (pp)", "ci_low", "ci_high", f"reach {lo_pct:.0f}% (%)", f"reach {hi_pct:.0f}% (%)",
            "long leg (pp)", "short leg (pp)"]
    names = ["mean", "lo", "hi", "hit_lo", "hit_hi", "long", "short"]
    for tag, frame, row in (("q1", ev.summary, f"{CLAIMED_HORIZONS_DAYS[0]} days"),
                            ("q2", ev.summary, f"{CLAIMED_HORIZONS_DAYS[1]} days"),
                            ("fr3", ev.french, "3 months"), ("fr6", ev.french, "6 months")):
        vals = [frame.loc[row, c] if (len(frame) and row in frame.index) else None for c in cols]
        for n_, v in zip(names, vals, strict=True):
            out[f"r5_{tag}_{n_}"] = (v, "{:.1f}")
    out["r5_fr_first"] = (ev.french.loc["6 months", "first"] if "6 months" in ev.french.index else None, None)
    out["r5_fr_last"] = (ev.french.loc["6 months", "last"] if "6 months" in ev.french.index else None, None)
    s0, s1, n = ev.sample
    out.update({"r5_start": (s0, None), "r5_end": (s1, None), "r5_windows": (n if ev.available else None, "{:,}")})
    alt = ev.alternatives
    out["r5_best_alt"] = (alt[f"reach {lo_pct:.0f}% (%)"].idxmax() if len(alt) else None, None)
    out["r5_best_alt_hit"] = (alt[f"reach {lo_pct:.0f}% (%)"].max() if len(alt) else None, "{:.0f}")
    return out


def numbers_r6(ev: ReversalEvidence, rates_rally_bp, vix_spike_pct) -> Numbers:
    """Prose numbers of R6."""
    out: Numbers = {"r6_bp": (rates_rally_bp, "{:.0f}"), "r6_vix_pct": (vix_spike_pct, "{:.0f}"),
                    "r6_lookback": (EVENT_LOOKBACK, "{:d}"), "r6_gap": (EVENT_GAP, "{:d}"),
                    "r6_first_day": (ev.qmj.index[0] if len(ev.qmj) else None, None),
                    "r6_window": _window_note(ev.available, f"the window has only {ev.reason}"),
                    "r6_days": (ev.event_days, "{:d}"), "r6_run_lo": (CLAIMED_RUN_MONTHS[0], "{:d}"),
                    "r6_run_hi": (CLAIMED_RUN_MONTHS[1], "{:d}"), "r6_min_events": (MIN_EVENTS, "{:d}")}
    for kind, key in (("rates rally", "rates"), ("VIX spike", "vix"), ("pooled", "pooled")):
        out[f"r6_n_{key}"] = (len(ev.events[kind]), "{:d}")
        w = ev.windows[(ev.windows["event"] == kind) & (ev.windows["window (days)"] == ev.event_days)]
        vals = w.iloc[0] if len(w) else None
        for c, n_ in (("mean (pp)", ""), ("ci_low", "_lo"), ("ci_high", "_hi"), ("fell (%)", "_fell")):
            out[f"r6_{key}{n_}"] = (None if vals is None else vals[c], "{:.0f}" if n_ == "_fell" else "{:.2f}")
        sl = ev.small_large[ev.small_large["event"] == kind]
        for c, n_ in (("mean (pp)", ""), ("ci_low", "_lo"), ("ci_high", "_hi")):
            out[f"r6_sl_{key}{n_}"] = (sl.iloc[0][c] if len(sl) else None, "{:.2f}")
    out["r6_baseline"] = (None if ev.baseline is None else ev.baseline.value, "{:.2f}")
    rs, fr = ev.run_stats, ev.french_runs
    for frame, tag in ((rs, "etf"), (fr, "fr")):
        for lab in ("calm", "tight"):
            ok = len(frame) and lab in frame.index
            out[f"r6_{tag}_{lab}"] = (frame.loc[lab, "mean length"] if ok else None, "{:.1f}")
            out[f"r6_{tag}_{lab}_lo"] = (frame.loc[lab, "ci_low"] if ok else None, "{:.1f}")
            out[f"r6_{tag}_{lab}_hi"] = (frame.loc[lab, "ci_high"] if ok else None, "{:.1f}")
            out[f"r6_{tag}_{lab}_runs"] = (int(frame.loc[lab, "runs"]) if ok else None, "{:d}")
            out[f"r6_{tag}_{lab}_share"] = (frame.loc[lab, f"at least {CLAIMED_RUN_MONTHS[0]} (%)"] if ok else None, "{:.0f}")
    a = ev.ar1
    out.update({"r6_ar1": (None if a is None else a.value, "{:.2f}"), "r6_ar1_lo": (None if a is None else a.ci_low, "{:.2f}"),
                "r6_ar1_hi": (None if a is None else a.ci_high, "{:.2f}"),
                "r6_ar1_n": (None if a is None else a.n, "{:d}")})
    if len(ev.halves) == 2:
        h = ev.halves
        out.update({"r6_half1": (h.index[0], None), "r6_half2": (h.index[1], None),
                    "r6_half1_mean": (h.iloc[0]["mean (pp)"], "{:.2f}"), "r6_half2_mean": (h.iloc[1]["mean (pp)"], "{:.2f}")})
    else:
        out.update(_blank(["r6_half1", "r6_half2", "r6_half1_mean", "r6_half2_mean"]))
    return out


def numbers_r7(ev: SectorEvidence) -> Numbers:
    """Prose numbers of R7."""
    keys = ["r7_date", "r7_spread", "r7_lo", "r7_hi", "r7_band_phrase", "r7_cyc_ijr", "r7_def_spy", "r7_small",
            "r7_top", "r7_top_sector", "r7_top_ytd", "r7_prev", "r7_q_text", "r7_worst_def", "r7_worst_def_ytd"]
    if not ev.available:
        return {**_blank(keys), "r7_prev_year": (CLAIM_YEAR - 1, "{:d}"), "r7_window": _window_note(False, ev.reason)}
    lo, hi, _ = ev.band
    top = ev.ytd.index[0]
    defs = ev.ytd.loc[list(DEFENSIVES), "year to date (%)"].sort_values()
    q = ev.spreads.loc[[i for i in ev.spreads.index if i.startswith("Q")], SPREAD_COLUMNS[0]]
    prev_label = f"{CLAIM_YEAR - 1} (comparison)"
    return {
        "r7_date": (ev.reading_date, None), "r7_spread": (ev.value(SPREAD_COLUMNS[0]), "{:.1f}"),
        "r7_lo": (lo, "{:.1f}"), "r7_hi": (hi, "{:.1f}"), "r7_band_phrase": (_phrase_ci(lo, hi), None),
        "r7_cyc_ijr": (ev.value(SPREAD_COLUMNS[1]), "{:.1f}"), "r7_def_spy": (ev.value(SPREAD_COLUMNS[2]), "{:.1f}"),
        "r7_small": (ev.value(SPREAD_COLUMNS[3]), "{:.1f}"), "r7_top": (top, None),
        "r7_top_sector": (ev.ytd.loc[top, "sector"], None), "r7_top_ytd": (ev.ytd.loc[top, "year to date (%)"], "{:.1f}"),
        "r7_prev": (ev.spreads.loc[prev_label, SPREAD_COLUMNS[0]] if prev_label in ev.spreads.index else None, "{:.1f}"),
        "r7_prev_year": (CLAIM_YEAR - 1, "{:d}"), "r7_window": _window_note(True, "", ev.reading_date),
        "r7_q_text": ("; ".join(f"{k}: {v:+.1f} pp" for k, v in q.items()), None),
        "r7_worst_def": (defs.index[0], None), "r7_worst_def_ytd": (defs.iloc[0], "{:.1f}"),
    }
