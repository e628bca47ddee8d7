"""Claims M1-M5: is small-cap momentum regime dependent?

The chapter tests five claims (``shared/theses.md``, thesis 2) with:

* the ETF record: XSMO against ten peers (M1, M2), split at XSMO's change of index;
* a century of French's size x prior-return portfolios conditioned on market state,
  volatility, credit and rates (M3), and regressed on risk-appetite proxies (M4);
* breadth built from the point-in-time S&P 600 (and, as a longer proxy, S&P 400) member panel,
  conditioning XSMO minus IJR (M3);
* small-cap leadership and the following month's momentum (M5).

Everything a notebook cell needs is one call here: :func:`load_inputs`, then an evidence
function per claim and a verdict function that applies the claim's :class:`Rule` (fixed in
:func:`rules` before any evidence is computed). Units: returns are decimals inside; tables and
statistics show percent or percentage points (pp) and say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .. import stats
from ..analytics import breadth as br
from ..analytics import regimes
from ..analytics import momentum as am
from ..analytics.returns import from_percent
from ..book.params import Window, specs
from ..book.results import UNTESTABLE, ClaimResult, Rule, Sample, Statistic
from ..errors import DataError

CHAPTER = "momentum"
TITLE = "Is small-cap momentum regime dependent?"

# -- claim constants ---------------------------------------------------------------------------------

#: XSMO tracked the Russell 2000 Pure Growth index (as PXSG) until this date and the S&P SmallCap
#: 600 Momentum index from it. Source: etf.com fund page for XSMO ("Prior to June 24, 2019 the fund
#: ... tracked a Russell growth index under a different name and ticker (PXSG)"), and the snapshot's
#: README caveat. The first daily return under the momentum index is that of this date.
XSMO_INDEX_SWITCH = pd.Timestamp("2019-06-24")

#: Peer funds whose price history also spans a change of index: (first day on the current index,
#: what it tracked before). Returns before the date belong to another strategy.
#: XMMO: Seeking Alpha, "XMMO: Mid-Cap Momentum ETF Surging" (2024): tracked the Russell Midcap
#: Pure Growth index to June 21, 2019 and the S&P MidCap 400 Momentum index since (first day
#: June 24, 2019). XSVM: Seeking Alpha, "XSVM: Meteoric Growth Will Be Hard To Replicate" (2021):
#: "the index change in June 2019", the same Invesco re-indexing as XSMO (formerly PXSV, Russell
#: 2000 Pure Value). SLYG: stockmarketmba fund page: "Prior to December 17, 2010, the Fund tracked
#: an index different from the S&P SmallCap 600 Growth Index".
REINDEXED = {
    "XSMO": (XSMO_INDEX_SWITCH, "Russell 2000 Pure Growth (as PXSG)"),
    "XMMO": (pd.Timestamp("2019-06-24"), "Russell Midcap Pure Growth (as PXMG)"),
    "XSVM": (pd.Timestamp("2019-06-24"), "Russell 2000 Pure Value (as PXSV)"),
    "SLYG": (pd.Timestamp("2010-12-17"), "a Dow Jones small-cap growth index"),
}

#: Claim M1 (source B) dates XSMO's lead "since 2017": the record starts at the last close of 2016.
M1_SINCE = pd.Timestamp("2017-01-01")

FUND = "XSMO"
#: The peers the issue names for M1: the S&P 600 and its growth funds, small-, mid- and large-cap
#: momentum funds, and the other S&P 600 single-factor funds.
PEERS = {
    "IJR": "S&P SmallCap 600",
    "IJT": "S&P SmallCap 600 Growth",
    "SLYG": "S&P SmallCap 600 Growth",
    "DWAS": "small-cap momentum (Dorsey Wright)",
    "XMMO": "S&P MidCap 400 Momentum",
    "SPMO": "S&P 500 Momentum",
    "MTUM": "MSCI USA Momentum",
    "XSVM": "S&P 600 value with momentum",
    "XSLV": "S&P 600 low volatility",
    "XSHQ": "S&P 600 quality",
}
BENCHMARK, GROWTH = "IJR", "IJT"
OTHER_TICKERS = ("IWM", "SPY", "^IRX", "^TNX")

MIN_FUND_DAYS = 252  # a year of daily returns before a fund record is judged
VIX_MIN_MONTHS = 120  # M4 uses the VIX regression only with at least ten years of VIX
M4_MIN_MONTHS = 60
MIN_EACH = 6  # observations needed in each regime for an interval
PROXY_MONTHS = 3  # month-end look-back of the monthly breadth-proxy test (the claim's "over 3-6 months")

SCORE_NOTE = "Significance: 95% interval excludes zero."


# -- regime definitions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegimeSpec:
    """The chapter's regime definitions, fixed before looking at results.

    Attributes
    ----------
    market_lookback
        Months: the market state is the sign of the market's compounded return over the
        previous ``market_lookback`` months (Cooper, Gutierrez and Hameed, 2004).
    vol_measure, vol_window
        ``realised``: annualised standard deviation of the previous ``vol_window`` monthly market
        returns, high when above its own median to date; ``vix``: month-end VIX above its median to
        date (from 1990).
    credit_measure, credit_lookback
        ``change``: Baa - Aaa spread widening or narrowing over the previous ``credit_lookback``
        months; ``level``: spread above its median to date.
    rates_measure, rates_lookback
        ``change``: 10-year Treasury yield rising or falling over the previous ``rates_lookback``
        months; ``level``: yield above its median to date.
    breadth_window
        Trading days in each member's moving average.
    breadth_lookback
        Trading days over which breadth (and, in the recent tests, the high-yield spread and the
        10-year yield) is widening/narrowing or rising/falling.
    lead_measure, lead_months
        ``smb``: small caps lead when French's SMB compounded over the previous ``lead_months`` is
        positive; ``iwm-spy``: when IWM beat SPY over them (from 2000).
    """

    market_lookback: int = 24
    vol_measure: str = "realised"
    vol_window: int = 12
    credit_measure: str = "change"
    credit_lookback: int = 6
    rates_measure: str = "change"
    rates_lookback: int = 12
    breadth_window: int = 200
    breadth_lookback: int = 63
    lead_measure: str = "smb"
    lead_months: int = 6

    def __post_init__(self):
        # the valid ranges and choices are declared once, with the notebook's parameters
        table = specs("momentum")
        for name in self.__dataclass_fields__:
            object.__setattr__(self, name, table[name].check(getattr(self, name)))

    def alternative(self) -> RegimeSpec:
        """The one alternative definition of each regime used for robustness (fixed, not tuned)."""
        return replace(
            self,
            market_lookback=36 if self.market_lookback != 36 else 24,
            vol_measure="vix" if self.vol_measure == "realised" else "realised",
            credit_measure="level" if self.credit_measure == "change" else "change",
            rates_measure="level" if self.rates_measure == "change" else "change",
            breadth_lookback=126 if self.breadth_lookback != 126 else 63,
            lead_months=3 if self.lead_months != 3 else 6,
        )

    def as_params(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    def labels(self) -> dict[str, tuple[str, str]]:
        """Adverse and favourable label of each century regime under this definition."""
        return {"market state": ("down", "up"), "volatility": ("high", "low"),
                "credit": ("widening", "narrowing") if self.credit_measure == "change" else ("high", "low"),
                "rates": ("rising", "falling") if self.rates_measure == "change" else ("high", "low")}

    def describe(self) -> dict[str, str]:
        """Each century and recent regime's definition, in words."""
        vol = (f"realised market volatility over the previous {self.vol_window} months above its median to date"
               if self.vol_measure == "realised" else "month-end VIX above its median to date (from 1990)")
        credit = (f"Baa - Aaa spread widening over the previous {self.credit_lookback} months"
                  if self.credit_measure == "change" else "Baa - Aaa spread above its median to date")
        rates = (f"10-year yield rising over the previous {self.rates_lookback} months"
                 if self.rates_measure == "change" else "10-year yield above its median to date")
        lead = (f"SMB compounded over the previous {self.lead_months} months positive" if self.lead_measure == "smb"
                else f"IWM beat SPY over the previous {self.lead_months} months")
        return {
            "market state": f"down if the market's return over the previous {self.market_lookback} months was negative",
            "volatility": f"high if {vol}",
            "credit": f"adverse if {credit}",
            "rates": f"adverse if {rates}",
            "breadth": (f"narrowing if the share of members above their {self.breadth_window}-day average fell "
                        f"over the previous {self.breadth_lookback} trading days"),
            "high-yield spread": f"widening if it rose over the previous {self.breadth_lookback} trading days",
            "10-year yield (daily)": f"rising if ^TNX rose over the previous {self.breadth_lookback} trading days",
            "leadership": f"small caps lead if {lead}",
        }


def definitions_view(spec: RegimeSpec):
    """The regime definitions as a Markdown list (long sentences read better than in a frame;
    notebook outputs render as CommonMark, which has no tables)."""
    from ..book.chapter import Text

    d, a = spec.describe(), spec.alternative().describe()
    lines = [f"- **{k}**: {d[k]} (alternative: {a[k]})." for k in d]
    return Text("\n".join(lines))


def regime_definitions(spec: RegimeSpec) -> pd.DataFrame:
    """Default and alternative definition of each regime, for display before the evidence."""
    d, a = spec.describe(), spec.alternative().describe()
    out = pd.DataFrame({"default (decides)": d, "alternative (robustness)": a})
    out.index.name = "regime"
    return out


# -- the rules ------------------------------------------------------------------------------------------


def rules(spec: RegimeSpec | None = None) -> dict[str, Rule]:
    """The rule of each claim, with the regime definitions of ``spec`` (default: the chapter's)."""
    s = spec or RegimeSpec()
    peers = ", ".join(PEERS)
    return {
        "M1": Rule(
            "M1", "Since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs (source B).",
            hypothesis=(f"From the last close of 2016 to the end of the window, XSMO compounded faster than each of "
                        f"its ten peers ({peers}); a peer that started later is compared from its first close."),
            statistic=("for each peer, XSMO's annualised log-return gap over it (pp a year: mean daily gap times "
                       "252 on common trading days; positive exactly when XSMO compounded faster) with a 95% "
                       "Newey-West interval; the number reported is the gap over the closest peer."),
            supported="the gap is positive against every peer",
            partly="it is positive against at least half of the peers but not all",
            not_supported="it is positive against fewer than half of them",
            untestable=("the window starts after 2017-01-01 or holds less than a year of XSMO prices after it "
                        "(ETF prices from 2017 on decide it)"),
        ),
        "M2": Rule(
            "M2", "Since inception XSMO only matches the S&P SmallCap 600 and trails the S&P 600 growth ETF (IJT) "
                  "over the long run (source B).",
            hypothesis=("From XSMO's first close to the end of the window, XSMO's return is indistinguishable from "
                        "IJR's (S&P SmallCap 600) and below IJT's (S&P SmallCap 600 Growth)."),
            statistic=("annualised log-return gaps of XSMO over IJT and over IJR (pp a year) with 95% Newey-West "
                       "intervals; the number reported is the gap over IJT."),
            supported="the IJR gap's interval includes zero (XSMO matches the S&P 600) and the IJT gap is negative",
            partly="exactly one of the two holds",
            not_supported="neither holds",
            untestable=("the window starts after XSMO's first close or holds less than a year of its prices "
                        "(XSMO, IJR and IJT prices over XSMO's life decide it)"),
        ),
        "M3": Rule(
            "M3", "The momentum edge in small caps depends on the regime: it compounds when breadth widens and "
                  "unwinds fast when breadth narrows, rates stay high or credit tightens (source B).",
            hypothesis=("small-cap momentum earns less in each adverse regime the claim names than in its favourable "
                        "counterpart: narrowing breadth (XSMO minus IJR once XSMO tracked momentum, by whether the "
                        f"share of S&P 600 members above their {s.breadth_window}-day average fell over the previous "
                        f"{s.breadth_lookback} trading days), rising rates ({_rates_words(s)}) and tightening credit "
                        f"({_credit_words(s)}), with French's small high minus small low prior-return portfolio for "
                        "rates and credit. Every regime is known before the return it conditions."),
            statistic=("for each of the three, the mean return in the adverse regime minus the favourable one "
                       "(pp a year: monthly mean times 12, daily mean times 252) with a 95% Newey-West interval and "
                       "a 95% stationary block-bootstrap interval; a difference counts if it is negative and both "
                       "intervals exclude zero. The number reported is the first testable of breadth, rates, "
                       "credit. Market state and volatility are shown as context."),
            supported="all three differences count",
            partly="one or two of them count",
            not_supported="none counts",
            untestable="none of the three can be computed in the window",
        ),
        "M4": Rule(
            "M4", "Small-cap momentum behaves like a late-cycle proxy for risk appetite, not a standalone source of "
                  "return (source B).",
            hypothesis=("if small-cap momentum is a proxy for risk appetite, its monthly return moves with "
                        "risk-appetite proxies in the risk-on direction (up with the market, down when the VIX or "
                        "the credit spread rises) and leaves no significantly positive alpha."),
            statistic=("the intercept (alpha, pp a year: monthly times 12) of an OLS of monthly small-cap momentum "
                       "on the market's excess return, the month's change in the VIX (points) and in the Baa - Aaa "
                       "spread (pp), with 95% Newey-West intervals; from 1990 if the window holds at least "
                       f"{VIX_MIN_MONTHS} months of VIX, otherwise without the VIX over the whole window."),
            supported=("alpha is not significantly positive (its interval reaches zero) and at least one slope is "
                       "significant with the risk-on sign"),
            partly="exactly one of those two holds",
            not_supported="alpha is significantly positive and no slope is significant with the risk-on sign",
            untestable=f"the window holds fewer than {M4_MIN_MONTHS} months with all regressors",
        ),
        "M5": Rule(
            "M5", "When small caps lead for several months, momentum and quant flows follow and squeeze the most "
                  "shorted names; the move gives back fast if rates reprice higher (source C).",
            hypothesis=(f"after small caps lead ({_lead_words(s)}), small-cap momentum earns more the next month "
                        "than after they lag; and in those months it earns less when the 10-year yield rises on the "
                        "month (Shiller's monthly yield) than when it falls. The squeeze of the most shorted names "
                        "needs short-interest data by stock, which the book does not have."),
            statistic=("mean small-cap momentum after leading minus after lagging (pp a year: monthly times 12) "
                       "with a 95% Newey-West interval (the number reported) and a block-bootstrap interval; and, "
                       "within months after leading, rising-yield minus falling-yield months. A difference counts "
                       "if it has the claimed sign and both intervals exclude zero."),
            supported=("both differences count and short-interest data confirm the squeeze (they are not "
                       "available, so the best verdict this book can give is partly supported)"),
            partly="at least one of the two differences counts",
            not_supported="neither counts",
            untestable=f"either comparison has fewer than {MIN_EACH} months in a group",
        ),
    }


def _rates_words(s: RegimeSpec) -> str:
    return (f"Shiller's monthly 10-year yield up over the previous {s.rates_lookback} months"
            if s.rates_measure == "change" else "Shiller's monthly 10-year yield above its median to date")


def _credit_words(s: RegimeSpec) -> str:
    return (f"Moody's Baa minus Aaa yield spread up over the previous {s.credit_lookback} months"
            if s.credit_measure == "change" else "Moody's Baa minus Aaa spread above its median to date")


def _lead_words(s: RegimeSpec) -> str:
    return (f"French's SMB compounded over the previous {s.lead_months} months is positive" if s.lead_measure == "smb"
            else f"IWM beat SPY over the previous {s.lead_months} months")


RULES = rules()


# -- inputs ----------------------------------------------------------------------------------------------


@dataclass
class MomentumInputs:
    """Everything the chapter analyses, loaded once (full histories; analyses cut the window).

    Monthly series have a monthly PeriodIndex, daily ones a DatetimeIndex. Returns are decimal;
    yields and spreads in percent; the VIX in index points.
    """

    window: Window
    momentum: pd.DataFrame  # small, big: decimal per month
    factors: pd.DataFrame  # mkt_rf, smb, rf, market: decimal per month
    vix: pd.Series  # daily close, points
    credit: pd.Series  # monthly Baa - Aaa, pp (spliced, see credit_source)
    credit_source: dict
    gs10: pd.Series  # monthly 10-year yield, percent (Shiller)
    hy: pd.Series  # daily ICE BofA US high-yield OAS, percent
    tnx: pd.Series  # daily 10-year yield, percent (^TNX)
    closes: pd.DataFrame  # daily adjusted closes: XSMO, peers, IWM, SPY
    rf_daily: pd.Series  # daily risk-free return from ^IRX, decimal
    breadth: dict = field(default_factory=dict)  # index -> share_above_average frame or None
    breadth_note: dict = field(default_factory=dict)  # index -> why it is missing
    vintages: dict = field(default_factory=dict)

    # -- the window -----------------------------------------------------------------------------------

    @property
    def months(self) -> tuple[pd.Period, pd.Period]:
        """First and last month of the window."""
        return pd.Period(self.window.start, "M"), pd.Period(self.window.end, "M")

    def in_months(self, s):
        lo, hi = self.months
        return s.loc[(s.index >= lo) & (s.index <= hi)]

    def in_days(self, s):
        return s.loc[(s.index >= self.window.start) & (s.index <= self.window.end)]


def load_inputs(ch, spec: RegimeSpec | None = None) -> MomentumInputs:
    """Load the chapter's data through ``ch.data`` and build the breadth panels.

    Parameters
    ----------
    ch
        The open :class:`~smallcaps.book.chapter.Chapter` (its window bounds the breadth panels).
    spec
        Regime definitions (``breadth_window`` is used here).

    Returns
    -------
    MomentumInputs
    """
    spec = spec or RegimeSpec()
    ds = ch.data
    win: Window = ch.window
    six = ds.french("6_Portfolios_ME_Prior_12_2")
    ff = ds.french("F-F_Research_Data_Factors")
    mom = am.momentum_spreads(from_percent(six["vw_monthly"]))
    f = from_percent(ff["monthly"])
    factors = pd.DataFrame({"mkt_rf": f["Mkt-RF"], "smb": f["SMB"], "rf": f["RF"], "market": f["Mkt-RF"] + f["RF"]})
    vix = ds.vix().frame["close"].dropna()
    baa, aaa = ds.fred("BAA").frame["BAA"], ds.fred("AAA").frame["AAA"]
    baa10, aaa10 = ds.fred("BAA10Y").frame["BAA10Y"], ds.fred("AAA10Y").frame["AAA10Y"]
    monthly = (baa - aaa).dropna()
    monthly.index = monthly.index.to_period("M")
    monthly.index.name = "month"
    daily_gap = am.monthly_mean((baa10 - aaa10).dropna())
    credit = am.splice(monthly, daily_gap)
    overlap = pd.concat([monthly, daily_gap], axis=1, keys=["m", "d"]).dropna()
    credit_source = {
        "monthly_last": monthly.index.max(), "extension_last": daily_gap.index.max(),
        "overlap_months": len(overlap),
        "overlap_max_gap": float((overlap["m"] - overlap["d"]).abs().max()) if len(overlap) else np.nan,
        "overlap_mean_gap": float((overlap["m"] - overlap["d"]).mean()) if len(overlap) else np.nan,
    }
    gs10 = ds.shiller().frame["gs10"].dropna()
    hy = ds.fred("BAMLH0A0HYM2").frame["BAMLH0A0HYM2"].dropna()
    px = ds.prices([FUND, *PEERS, *OTHER_TICKERS]).close
    tnx = px["^TNX"].dropna()
    rf_daily = (px["^IRX"] / 100.0 / am.TRADING_DAYS).dropna().shift(1)  # yield at the previous close
    closes = px.drop(columns=["^TNX", "^IRX"])
    inp = MomentumInputs(window=win, momentum=mom, factors=factors, vix=vix, credit=credit,
                         credit_source=credit_source, gs10=gs10, hy=hy, tnx=tnx, closes=closes, rf_daily=rf_daily)
    inp.vintages = {
        "french6": f"{six.provenance.vintage or 'French'}, to {six.provenance.last}",
        "ff": f"{ff.provenance.vintage or 'French'}, to {ff.provenance.last}",
        "yahoo": f"Yahoo adjusted closes to {closes.index.max().date()}",
    }
    _load_breadth(inp, ds, spec)
    return inp


def _load_breadth(inp: MomentumInputs, ds, spec: RegimeSpec) -> None:
    """Breadth of the S&P 600 and S&P 400 over the part of the window their membership covers."""
    win = inp.window
    stocks = set(ds.stock_tickers())
    plans = {}
    for index in ("sp600", "sp400"):
        m = ds.membership(index)
        lo, hi = max(m.start, win.start), min(m.end, win.end)
        if lo > hi:
            inp.breadth[index] = None
            inp.breadth_note[index] = (f"{m.name} membership covers {m.start.date()}..{m.end.date()}, "
                                       f"outside the window {win.start.date()}..{win.end.date()}")
            continue
        plans[index] = (m, lo, hi)
    if not plans:
        return
    tickers = sorted({t for m, _, _ in plans.values() for t in m.spells()["ticker"]} & stocks)
    prices = ds.prices(tickers).close if tickers else pd.DataFrame()
    days = inp.closes.index
    for index, (m, lo, hi) in plans.items():
        dates = days[(days >= lo) & (days <= hi)]
        if len(dates) == 0:
            inp.breadth[index] = None
            inp.breadth_note[index] = f"no trading days in {lo.date()}..{hi.date()}"
            continue
        members = m.panel(dates)
        inp.breadth[index] = br.share_above_average(prices, members, spec.breadth_window)
        inp.vintages[index] = m.provenance.vintage


# -- M1, M2: the ETF record ------------------------------------------------------------------------------


def _fund_reason(inp: MomentumInputs, since: pd.Timestamp, what: str) -> str | None:
    """Why a fund record from ``since`` cannot be judged in the window, or None."""
    win = inp.window
    x = inp.closes[FUND].dropna()
    first, last = x.index.min(), x.index.max()
    if win.end < first:
        return (f"The window ({win.start.date()} to {win.end.date()}) ends before XSMO's first price "
                f"({first.date()}); ETF prices over at least a year from {since.date()} would decide it.")
    if win.start > since:
        return (f"The window starts {win.start.date()}, after the claim's start ({what}); "
                f"a window starting by {since.date()} with ETF prices decides it.")
    inside = x.loc[since:win.end]
    if len(inside) < MIN_FUND_DAYS + 1:
        return (f"The window ({win.start.date()} to {win.end.date()}) holds {max(len(inside) - 1, 0)} daily XSMO "
                f"returns from {since.date()} (prices {first.date()} to {last.date()}); ETF prices over at least a "
                f"year from {since.date()} would decide it.")
    return None


def fund_records(inp: MomentumInputs, since, funds=None) -> pd.DataFrame:
    """Annualised return, volatility, Sharpe ratio and maximum drawdown of each fund from the last
    close on or before ``since`` (or its first close) to the end of the window.

    Returns
    -------
    DataFrame indexed by ticker: ``tracks``, ``from``, ``to``, ``years``, ``return %``
    (annualised), ``volatility %`` (annualised), ``Sharpe`` (excess of the 13-week T-bill yield),
    ``max drawdown %`` and ``index change`` (date of a change of index inside the record).
    """
    funds = list(funds or [FUND, *PEERS])
    rows = {}
    for t in funds:
        s = inp.closes[t].loc[: inp.window.end]
        rec = am.fund_record(s, inp.rf_daily, pd.Timestamp(since), inp.window.end)
        switch = REINDEXED.get(t)
        inside = switch is not None and rec["base"] is not None and rec["base"] < switch[0] <= rec["last"]
        rows[t] = {"tracks": "XSMO (S&P 600 Momentum)" if t == FUND else PEERS[t],
                   "from": _d(rec["base"]), "to": _d(rec["last"]), "years": rec["years"],
                   "return %": 100 * rec["ann_return"], "volatility %": 100 * rec["volatility"],
                   "Sharpe": rec["sharpe"], "max drawdown %": 100 * rec["max_drawdown"],
                   "index change": switch[0].date().isoformat() if inside else ""}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "fund"
    return out


def _d(ts) -> str:
    return "" if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def fund_gaps(inp: MomentumInputs, since, peers=None, fund: str = FUND) -> pd.DataFrame:
    """``fund``'s annualised log-return gap over each peer from ``since`` (pp a year, 95% HAC).

    Returns
    -------
    DataFrame indexed by peer: ``gap``, ``ci_low``, ``ci_high``, ``t``, ``days``, ``from``, ``to``
    (NaN for a peer with fewer than 20 common daily returns).
    """
    peers = list(peers or PEERS)
    a = inp.closes[fund].loc[: inp.window.end].rename(fund)
    rows = {}
    for p in peers:
        b = inp.closes[p].loc[: inp.window.end].rename(p)
        both = pd.concat([a, b], axis=1).dropna()
        try:
            e = am.log_return_gap(a, b, pd.Timestamp(since), inp.window.end)
        except DataError:
            rows[p] = {"gap": np.nan, "ci_low": np.nan, "ci_high": np.nan, "t": np.nan, "days": 0, "from": "", "to": ""}
            continue
        base = both.loc[: pd.Timestamp(since)].index
        start = base[-1] if len(base) else both.index[0]
        rows[p] = {"gap": 100 * e.value, "ci_low": 100 * e.ci_low, "ci_high": 100 * e.ci_high, "t": e.t, "days": e.n,
                   "from": _d(start), "to": _d(both.index[-1])}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "peer"
    return out


@dataclass
class FundEvidence:
    """The ETF record behind M1 or M2."""

    available: bool
    reason: str
    records: dict = field(default_factory=dict)  # window label -> fund_records frame
    gaps: dict = field(default_factory=dict)  # window label -> fund_gaps frame


def m1_evidence(inp: MomentumInputs) -> FundEvidence:
    """XSMO against its peers since 2017 and since its 2019-06-24 change of index."""
    reason = _fund_reason(inp, M1_SINCE, "2017-01-01")
    if reason:
        return FundEvidence(False, reason)
    ev = FundEvidence(True, "")
    ev.records["since 2017"] = fund_records(inp, M1_SINCE)
    ev.gaps["since 2017"] = fund_gaps(inp, M1_SINCE)
    if _fund_reason(inp, XSMO_INDEX_SWITCH - pd.Timedelta(days=1), "the index switch") is None:
        ev.records["since the index switch"] = fund_records(inp, XSMO_INDEX_SWITCH - pd.Timedelta(days=1))
        ev.gaps["since the index switch"] = fund_gaps(inp, XSMO_INDEX_SWITCH - pd.Timedelta(days=1))
    return ev


def xsmo_first_close(inp: MomentumInputs) -> pd.Timestamp:
    return inp.closes[FUND].first_valid_index()


def m2_evidence(inp: MomentumInputs) -> FundEvidence:
    """XSMO against IJR and IJT since XSMO's first close, and before and after its change of index."""
    first = xsmo_first_close(inp)
    reason = _fund_reason(inp, first, f"XSMO's first close, {first.date()}")
    if reason:
        return FundEvidence(False, reason)
    ev = FundEvidence(True, "")
    ev.records["since inception"] = fund_records(inp, first)
    ev.gaps["since inception"] = fund_gaps(inp, first, [GROWTH, BENCHMARK])
    switch_base = XSMO_INDEX_SWITCH - pd.Timedelta(days=1)
    if inp.window.end >= XSMO_INDEX_SWITCH:
        pre = replace(inp, window=Window(inp.window.start, switch_base, switch_base))
        ev.gaps["before the index switch"] = fund_gaps(pre, first, [GROWTH, BENCHMARK])
        if _fund_reason(inp, switch_base, "the index switch") is None:
            ev.gaps["since the index switch"] = fund_gaps(inp, switch_base, [GROWTH, BENCHMARK])
    return ev


def gap_table(ev: FundEvidence) -> pd.DataFrame:
    """All gaps of an evidence object in one tidy frame (``window``, ``peer``, gap and CI, pp a year)."""
    frames = []
    for label, g in ev.gaps.items():
        frames.append(g.reset_index().assign(window=label))
    if not frames:
        return pd.DataFrame(columns=["window", "peer", "gap", "ci_low", "ci_high", "t", "days", "from", "to"])
    out = pd.concat(frames, ignore_index=True)
    return out[["window", "peer", "gap", "ci_low", "ci_high", "t", "days", "from", "to"]]


def show_gaps(ev: FundEvidence) -> pd.DataFrame:
    """Gaps for display: one row per peer, a column block per window, rounded."""
    g = gap_table(ev)
    if g.empty:
        return g
    g = g.assign(**{"gap, pp/yr": [_f(v, "{:+.1f}") for v in g["gap"]],
                    "95% CI": [f"{lo:.1f} to {hi:.1f}" if pd.notna(lo) else "" for lo, hi in zip(g["ci_low"], g["ci_high"],
                                                                                                   strict=True)]})
    wide = g.pivot(index="peer", columns="window", values=["gap, pp/yr", "95% CI"])
    wide = wide.swaplevel(axis=1)
    order = [w for w in ev.gaps if w in wide.columns.get_level_values(0)]
    wide = wide.reindex(columns=pd.MultiIndex.from_product([order, ["gap, pp/yr", "95% CI"]]))
    return wide.reindex([p for p in ev.gaps[next(iter(ev.gaps))].index])


def show_records(records: pd.DataFrame) -> pd.DataFrame:
    """A fund-records frame rounded for display."""
    out = records.drop(columns=["tracks", "to"]).copy()
    for c in ("years", "return %", "volatility %", "max drawdown %"):
        out[c] = out[c].round(1)
    out["Sharpe"] = out["Sharpe"].round(2)
    return out


def _sample_from(start, end, n, freq) -> Sample:
    return Sample(start=_d(start) or None, end=_d(end) or None, n=int(n), frequency=freq)


def _untestable(claim_id: str, note: str, section: str, vintage: str, name: str, unit: str) -> ClaimResult:
    r = RULES[claim_id]
    return ClaimResult(id=claim_id, claim=r.claim, rule=r.text(), verdict=UNTESTABLE,
                       statistic=Statistic(name=name, value=None, unit=unit), sample=Sample(None, None, 0, "none"),
                       data_vintage=vintage, section=section, note=note)


def m1_verdict(ev: FundEvidence, inp: MomentumInputs, rule: Rule | None = None) -> ClaimResult:
    """Apply M1's rule: count the peers XSMO out-compounded since 2017."""
    rule = rule or RULES["M1"]
    name = "XSMO minus its closest peer since 2017"
    if not ev.available:
        return _untestable("M1", ev.reason, "m1", inp.vintages["yahoo"], name, "pp/yr")
    g = ev.gaps["since 2017"].dropna(subset=["gap"])
    won = int((g["gap"] > 0).sum())
    sig = int((g["ci_low"] > 0).sum())
    n = len(g)
    closest = g["gap"].idxmin()
    row = g.loc[closest]
    if won == n:
        verdict = "supported"
    elif won >= n / 2:
        verdict = "partly supported"
    else:
        verdict = "not supported"
    post = ev.gaps.get("since the index switch")
    post_txt = ""
    if post is not None:
        pg = post.dropna(subset=["gap"])
        post_txt = (f" Since its switch to the momentum index on {XSMO_INDEX_SWITCH.date()} it out-compounded "
                    f"{int((pg['gap'] > 0).sum())} of {len(pg)}.")
    note = (f"XSMO out-compounded {won} of {n} peers since 2017; gaps significantly positive at 95%: {sig}. "
            f"Closest peer: {closest}.{post_txt} XSMO's record before {XSMO_INDEX_SWITCH.date()} is that of a growth index.")
    stat = Statistic(name=f"XSMO minus {closest} (closest peer) since 2017",
                     value=float(row["gap"]), unit="pp/yr", ci_low=float(row["ci_low"]), ci_high=float(row["ci_high"]),
                     ci_level=0.95, method=_hac_days(int(row["days"])))
    return ClaimResult(id="M1", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat,
                       sample=_sample_from(row["from"], row["to"], row["days"], "daily"),
                       data_vintage=inp.vintages["yahoo"], section="m1", note=note)


def _hac_days(n: int) -> str:
    return f"HAC (Newey-West, {stats.newey_west_lags(n)} lags), daily"


def m2_verdict(ev: FundEvidence, inp: MomentumInputs, rule: Rule | None = None) -> ClaimResult:
    """Apply M2's rule: does XSMO match IJR and trail IJT since its first close?"""
    rule = rule or RULES["M2"]
    name = "XSMO minus IJT since inception"
    if not ev.available:
        return _untestable("M2", ev.reason, "m2", inp.vintages["yahoo"], name, "pp/yr")
    g = ev.gaps["since inception"]
    ijt, ijr = g.loc[GROWTH], g.loc[BENCHMARK]
    matches = bool(ijr["ci_low"] <= 0 <= ijr["ci_high"])
    trails = bool(ijt["gap"] < 0)
    verdict = "supported" if matches and trails else "partly supported" if (matches or trails) else "not supported"
    parts = [f"XSMO minus IJR {ijr['gap']:.1f} pp a year (95% CI {ijr['ci_low']:.1f} to {ijr['ci_high']:.1f}), "
             f"so it {'matches' if matches else 'does not match'} the S&P 600"]
    parts.append(f"it {'trails' if trails else 'does not trail'} IJT")
    post = ev.gaps.get("since the index switch")
    pre = ev.gaps.get("before the index switch")
    split = ""
    if pre is not None and post is not None:
        split = (f" Before the {XSMO_INDEX_SWITCH.date()} switch (a growth index) the IJT gap was "
                 f"{pre.loc[GROWTH, 'gap']:.1f} pp a year; since (momentum) {post.loc[GROWTH, 'gap']:.1f}.")
    note = "; ".join(parts) + "." + split
    stat = Statistic(name=name, value=float(ijt["gap"]), unit="pp/yr", ci_low=float(ijt["ci_low"]),
                     ci_high=float(ijt["ci_high"]), ci_level=0.95, method=_hac_days(int(ijt["days"])))
    return ClaimResult(id="M2", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat,
                       sample=_sample_from(ijt["from"], ijt["to"], ijt["days"], "daily"),
                       data_vintage=inp.vintages["yahoo"], section="m2", note=note)


def m1_headline(ev: FundEvidence) -> str:
    """Figure title for the peer gaps: the finding in words."""
    if not ev.available:
        return "No XSMO record in this window"
    g = ev.gaps["since 2017"].dropna(subset=["gap"])
    won = int((g["gap"] > 0).sum())
    sig = int((g["ci_low"] > 0).sum())
    return f"Since 2017 XSMO out-compounded {won} of {len(g)} peers, {sig} of them by a margin outside the 95% interval"


def m2_headline(ev: FundEvidence) -> str:
    if not ev.available:
        return "No XSMO record in this window"
    g = ev.gaps["since inception"]
    pre, post = ev.gaps.get("before the index switch"), ev.gaps.get("since the index switch")
    head = f"XSMO minus IJT: {_signed(g.loc[GROWTH, 'gap'])} pp a year over its life"
    if pre is not None and post is not None:
        head += (f"; {_signed(pre.loc[GROWTH, 'gap'])} as a growth fund, {_signed(post.loc[GROWTH, 'gap'])} "
                 "as a momentum fund")
    return head


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def growth_frame(inp: MomentumInputs, since, funds) -> pd.DataFrame:
    """Growth of $1 from the last common close on or before ``since`` (tidy: date, fund, growth)."""
    c = inp.closes[list(funds)].loc[: inp.window.end].dropna()
    if c.empty:
        return pd.DataFrame(columns=["date", "fund", "growth"])
    base = c.loc[: pd.Timestamp(since)]
    start = base.index[-1] if len(base) else c.index[0]
    c = c.loc[start:]
    g = c / c.iloc[0]
    out = g.reset_index().melt(id_vars="date", var_name="fund", value_name="growth")
    return out


# -- M3: the century regime tests ---------------------------------------------------------------------------


def century_regimes(inp: MomentumInputs, spec: RegimeSpec) -> pd.DataFrame:
    """Each century regime's label per month, known before the month starts.

    Returns
    -------
    DataFrame (monthly PeriodIndex) with ``market state``, ``volatility``, ``credit``, ``rates``.
    """
    mkt = inp.factors["market"]
    state = regimes.market_state(mkt, spec.market_lookback)  # already uses t-lookback..t-1
    if spec.vol_measure == "realised":
        vol = regimes.high_low(am.realised_volatility(mkt, spec.vol_window))
    else:
        vol = regimes.high_low(am.month_end(inp.vix))
    if spec.credit_measure == "change":
        credit = regimes.direction(inp.credit, spec.credit_lookback, labels=("widening", "narrowing"))
    else:
        credit = regimes.high_low(inp.credit)
    if spec.rates_measure == "change":
        rates = regimes.direction(inp.gs10, spec.rates_lookback, labels=("rising", "falling"))
    else:
        rates = regimes.high_low(inp.gs10)
    idx = inp.momentum.index
    out = pd.DataFrame({
        "market state": state.reindex(idx),
        "volatility": am.known_before(vol).reindex(idx),
        "credit": am.known_before(credit).reindex(idx),
        "rates": am.known_before(rates).reindex(idx),
    }, index=idx)
    return out


def century_tests(inp: MomentumInputs, spec: RegimeSpec, series: str = "small", *, bootstrap: bool = True,
                  months: tuple | None = None) -> dict[str, am.RegimeTest]:
    """Adverse-minus-favourable tests of monthly momentum for each century regime, in the window
    (or within ``months`` = (first, last) when given)."""
    x = inp.in_months(inp.momentum[series])
    if months is not None:
        x = x.loc[months[0]:months[1]]
    labs = century_regimes(inp, spec).reindex(x.index)
    out = {}
    for name, (adv, fav) in spec.labels().items():
        out[name] = am.regime_test(x, labs[name], adv, fav, bootstrap=bootstrap, min_each=MIN_EACH)
    return out


def regime_table(tests: dict[str, am.RegimeTest], scale: float = 1200.0) -> pd.DataFrame:
    """Tests as a compact display table (pp a year; ``scale`` 1200 for monthly decimals, 25200
    for daily): the two states, their means, the difference with both 95% intervals, whether
    both intervals lie below zero, and the periods in each state."""
    rows = {}
    for name, t in tests.items():
        d, b = t.diff, t.boot
        rows[name] = {
            "states": f"{t.regime} | {t.other}",
            "means": f"{_f(t.mean_regime * scale) if t.n_regime else NA} | {_f(t.mean_other * scale) if t.n_other else NA}",
            "difference": round(d.value * scale, 1) if d else np.nan,
            "95% HAC CI": _ci(d.ci_low * scale, d.ci_high * scale) if d else NA,
            "95% bootstrap CI": _ci(b.ci_low * scale, b.ci_high * scale) if b else NA,
            "both below 0": "yes" if t.significant(-1) else "no" if d else NA,
            "periods": f"{t.n_regime:,} | {t.n_other:,}",
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "regime"
    return out


def _variant_row(regime: str, variant: str, t: am.RegimeTest, scale: float, sign: int = -1) -> dict:
    """One robustness row: the difference with its HAC interval and its span (compact)."""
    d = t.diff
    ok = NA if d is None else ("yes" if (d.ci_high < 0 if sign < 0 else d.ci_low > 0) else "no")
    return {"regime": regime, "variant": variant, "states": f"{t.regime} | {t.other}",
            "difference": round(d.value * scale, 1) if d else np.nan,
            "95% HAC CI": _ci(d.ci_low * scale, d.ci_high * scale) if d else NA,
            "significant": ok, "n": t.n, "from": _month(t.start), "to": _month(t.end)}


def _month(p) -> str:
    if p is None:
        return ""
    return str(p) if isinstance(p, pd.Period) else pd.Timestamp(p).strftime("%Y-%m")


def _variant_frame(rows: list[dict], order: list[str]) -> pd.DataFrame:
    """Rows grouped by regime in ``order``, variants in the order they were added."""
    if not rows:
        return pd.DataFrame()
    out = pd.DataFrame(rows)
    out["_r"] = out["regime"].map({r: i for i, r in enumerate(order)})
    out = out.sort_values("_r", kind="stable").drop(columns="_r")
    return out.set_index(["regime", "variant"])


def _span(start, end) -> str:
    if start is None:
        return "no data"
    return f"{_period_str(start)} to {_period_str(end)}"


def _period_str(p) -> str:
    if isinstance(p, pd.Period):
        return str(p)
    return pd.Timestamp(p).date().isoformat()


def regime_means_frame(inp: MomentumInputs, spec: RegimeSpec) -> pd.DataFrame:
    """Tidy regime means of small- and big-cap momentum with HAC intervals (pp a year), for the
    regime-means figure: columns ``regime``, ``state``, ``side`` (adverse/favourable),
    ``series``, ``mean``, ``ci_low``, ``ci_high``, ``n``."""
    rows = []
    labs_all = century_regimes(inp, spec)
    for series, label in (("small", "small-cap momentum"), ("big", "big-cap momentum")):
        x = inp.in_months(inp.momentum[series])
        labs = labs_all.reindex(x.index)
        for name, (adv, fav) in spec.labels().items():
            m = stats.regime_means(x, labs[name], scale=1200.0) if labs[name].notna().sum() >= 3 else None
            for side, state in (("adverse", adv), ("favourable", fav)):
                if m is None or state not in m.index:
                    continue
                r = m.loc[state]
                rows.append({"regime": name, "state": state, "side": side, "series": label, "mean": r["estimate"],
                             "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": int(r["n"])})
    return pd.DataFrame(rows)


def robustness_table(inp: MomentumInputs, spec: RegimeSpec) -> pd.DataFrame:
    """Adverse-minus-favourable difference of small-cap momentum (pp a year, HAC interval) for each
    regime under the default definition, the alternative one, and in each half of the window
    (``significant``: the interval lies below zero)."""
    x = inp.in_months(inp.momentum["small"]).dropna()
    rows = []
    variants = [("default", spec, None), ("alternative", spec.alternative(), None)]
    if len(x) >= 2 * MIN_EACH * 2:
        for (lo, hi), label in zip(am.halves(x.index), ("first half", "second half"), strict=True):
            variants.append((label, spec, (lo, hi)))
    for label, s, months in variants:
        for name, t in century_tests(inp, s, bootstrap=False, months=months).items():
            rows.append(_variant_row(name, label, t, 1200.0))
    return _variant_frame(rows, list(spec.labels()))


def crash_table(inp: MomentumInputs, spec: RegimeSpec, n: int = 10) -> pd.DataFrame:
    """The ``n`` worst months of small-cap momentum in the window, with the regimes they fell in."""
    x = inp.in_months(inp.momentum["small"]).dropna()
    labs = century_regimes(inp, spec).reindex(x.index)
    worst = x.nsmallest(n)
    out = pd.DataFrame({"small-cap momentum %": (100 * worst).round(1),
                        "big-cap momentum %": (100 * inp.momentum["big"].reindex(worst.index)).round(1)})
    out = out.join(labs.reindex(worst.index).fillna("n/a"))
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def crash_summary(inp: MomentumInputs, spec: RegimeSpec, quantile: float = 0.05) -> dict:
    """Share of the worst months (bottom ``quantile``) of small-cap momentum that came in a down
    market state, against the share of all months in one."""
    x = inp.in_months(inp.momentum["small"]).dropna()
    labs = century_regimes(inp, spec).reindex(x.index)
    flag = (labs["market state"] == "down").where(labs["market state"].notna())
    return am.crash_concentration(x, flag, quantile)


def cumulative_frame(inp: MomentumInputs, spec: RegimeSpec) -> tuple[pd.DataFrame, pd.Series]:
    """Growth of $1 in small- and big-cap momentum over the window (tidy, month-end dates) and
    the down-market-state mask on the same dates (for shading)."""
    m = inp.in_months(inp.momentum).dropna()
    g = (1.0 + m).cumprod()
    g.index = g.index.to_timestamp(how="end").normalize()
    tidy = g.rename(columns={"small": "small-cap momentum", "big": "big-cap momentum"}).reset_index(names="date")
    tidy = tidy.melt(id_vars="date", var_name="series", value_name="growth")
    labs = century_regimes(inp, spec).reindex(m.index)["market state"]
    mask = (labs == "down")
    mask.index = g.index
    return tidy, mask


# -- M3: breadth and the recent tests ----------------------------------------------------------------------


def xsmo_minus_ijr(inp: MomentumInputs) -> pd.Series:
    """Daily XSMO return minus IJR return (decimal) from XSMO's first day on the momentum index,
    inside the window."""
    c = inp.closes[[FUND, BENCHMARK]].dropna()
    r = (c / c.shift(1) - 1.0).iloc[1:]
    d = (r[FUND] - r[BENCHMARK]).loc[XSMO_INDEX_SWITCH:]
    return inp.in_days(d).rename("XSMO minus IJR")


def recent_regimes(inp: MomentumInputs, spec: RegimeSpec, days: pd.DatetimeIndex) -> pd.DataFrame:
    """Daily regimes on ``days``, each known at the previous close: S&P 600 and S&P 400 breadth
    direction, high-yield spread direction, 10-year yield direction (over ``breadth_lookback``
    trading days)."""
    L = spec.breadth_lookback
    cols = {}
    for index, label in (("sp600", "S&P 600 breadth"), ("sp400", "S&P 400 breadth (proxy)")):
        b = inp.breadth.get(index)
        if b is None:
            cols[label] = pd.Series(np.nan, index=days, dtype=object)
            continue
        lab = br.breadth_direction(b["share"], L)
        cols[label] = am.known_before(lab).reindex(days)
    trading = inp.closes.index
    hy = inp.hy.reindex(trading).ffill(limit=5)  # FRED leaves holidays out
    hy = hy.loc[(hy.index >= inp.hy.index.min()) & (hy.index <= inp.hy.index.max())]
    hy_lab = regimes.direction(hy, L, labels=("widening", "narrowing"))
    cols["high-yield spread"] = am.known_before(hy_lab).reindex(days)
    tnx = inp.tnx.reindex(trading).ffill(limit=5)
    y_lab = regimes.direction(tnx, L, labels=("rising", "falling"))
    cols["10-year yield"] = am.known_before(y_lab).reindex(days)
    return pd.DataFrame(cols, index=days)


RECENT_LABELS = {"S&P 600 breadth": ("narrowing", "widening"), "S&P 400 breadth (proxy)": ("narrowing", "widening"),
                 "high-yield spread": ("widening", "narrowing"), "10-year yield": ("rising", "falling")}


def recent_tests(inp: MomentumInputs, spec: RegimeSpec, *, bootstrap: bool = True) -> dict[str, am.RegimeTest]:
    """Adverse-minus-favourable tests of daily XSMO minus IJR (after the index switch) on each
    recent regime."""
    x = xsmo_minus_ijr(inp)
    labs = recent_regimes(inp, spec, x.index)
    return {name: am.regime_test(x, labs[name], adv, fav, bootstrap=bootstrap, min_each=MIN_EACH * 10)
            for name, (adv, fav) in RECENT_LABELS.items()}


def recent_robustness(inp: MomentumInputs, spec: RegimeSpec) -> pd.DataFrame:
    """The recent tests under the default and the alternative look-back, and in each half of
    XSMO's momentum record (``significant``: the interval lies below zero)."""
    x = xsmo_minus_ijr(inp)
    rows = []
    variants = [("default", spec, None), ("alternative", spec.alternative(), None)]
    if len(x) >= 2 * MIN_EACH * 20:
        for (lo, hi), label in zip(am.halves(x.index), ("first half", "second half"), strict=True):
            variants.append((label, spec, (lo, hi)))
    for label, s, span in variants:
        xs = x if span is None else x.loc[span[0]:span[1]]
        labs = recent_regimes(inp, s, xs.index)
        for name, (adv, fav) in RECENT_LABELS.items():
            t = am.regime_test(xs, labs[name], adv, fav, bootstrap=False, min_each=MIN_EACH * 10)
            rows.append(_variant_row(name, label, t, 25200.0))
    if not rows or all(r["n"] == 0 for r in rows):
        return pd.DataFrame()
    return _variant_frame(rows, list(RECENT_LABELS))


def breadth_proxy_test(inp: MomentumInputs, spec: RegimeSpec, index: str = "sp400") -> am.RegimeTest | None:
    """Monthly small-cap momentum (French) by the month-end direction of an index's breadth over
    the previous three months (known before the month): a longer, labelled proxy."""
    b = inp.breadth.get(index)
    if b is None:
        return None
    share = am.month_end(b["share"])
    lab = am.known_before(regimes.direction(share, PROXY_MONTHS, labels=("widening", "narrowing")))
    x = inp.in_months(inp.momentum["small"])
    return am.regime_test(x, lab.reindex(x.index), "narrowing", "widening", min_each=MIN_EACH)


def survivorship_table(inp: MomentumInputs) -> pd.DataFrame:
    """Members and members with prices on the first and each year's last date of each breadth panel."""
    frames = []
    for index, name in (("sp600", "S&P 600"), ("sp400", "S&P 400")):
        b = inp.breadth.get(index)
        if b is None:
            continue
        t = br.coverage_by_year(b)
        t["coverage"] = t["coverage"].round(1)
        t.index = t.index.date
        frames.append(t.assign(index=name).reset_index(names="date").set_index(["index", "date"]))
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames).rename(columns={"coverage": "priced %"})


def breadth_frame(inp: MomentumInputs) -> pd.DataFrame:
    """Tidy breadth shares (percent) for the figure: ``date``, ``index``, ``share``."""
    frames = []
    for index, name in (("sp600", "S&P 600"), ("sp400", "S&P 400 (proxy)")):
        b = inp.breadth.get(index)
        if b is None:
            continue
        frames.append(pd.DataFrame({"date": b.index, "index": name, "share": 100 * b["share"].values}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["date", "index", "share"])


def m3_parts(century: dict[str, am.RegimeTest], recent: dict[str, am.RegimeTest]) -> dict[str, tuple]:
    """The three parts the M3 rule counts: (test, scale to pp a year, frequency, description)."""
    return {
        "breadth": (recent.get("S&P 600 breadth"), 25200.0, "daily", "XSMO-IJR, narrowing minus widening breadth"),
        "rates": (century.get("rates"), 1200.0, "monthly", "small-cap momentum, adverse minus good rates"),
        "credit": (century.get("credit"), 1200.0, "monthly", "small-cap momentum, adverse minus good credit"),
    }


def m3_verdict(century: dict[str, am.RegimeTest], recent: dict[str, am.RegimeTest], inp: MomentumInputs,
               rule: Rule | None = None) -> ClaimResult:
    """Apply M3's rule to the breadth, rates and credit tests."""
    rule = rule or RULES["M3"]
    parts = m3_parts(century, recent)
    status = {}
    for name, (t, _, _, _) in parts.items():
        status[name] = "untestable" if (t is None or t.diff is None) else ("counts" if t.significant(-1) else "does not count")
    testable = [k for k, v in status.items() if v != "untestable"]
    vintage = f"French 6 size x prior-return portfolios {inp.vintages['french6']}; {inp.vintages['yahoo']}"
    if not testable:
        return _untestable("M3", "None of breadth, rates or credit can be tested in this window; French portfolios, "
                           "yields and credit spreads over the window would decide it.", "m3-century", vintage,
                           "small-cap momentum, adverse minus good regime", "pp/yr")
    k = sum(v == "counts" for v in status.values())
    verdict = "supported" if k == 3 else "partly supported" if k >= 1 else "not supported"
    head = testable[0]
    t, scale, freq, desc = parts[head]
    d = t.diff
    txt = []
    for name in parts:
        tt, sc, _, _ = parts[name]
        if status[name] == "untestable":
            why = ("no S&P 600 breadth and XSMO momentum record in the window (point-in-time S&P 600 membership "
                   "and member prices would decide it)") if name == "breadth" else "no data in the window"
            txt.append(f"{name}: untestable ({why})")
        else:
            txt.append(f"{name}: {tt.diff.value * sc:+.1f} pp a year (HAC {tt.diff.ci_low * sc:.1f} to "
                       f"{tt.diff.ci_high * sc:.1f}), {status[name]}")
    note = f"{k} of 3 named conditions count. " + "; ".join(txt) + "."
    stat = Statistic(name=desc, value=d.value * scale, unit="pp/yr", ci_low=d.ci_low * scale, ci_high=d.ci_high * scale,
                     ci_level=0.95, method=d.method + (", daily" if freq == "daily" else ", monthly"))
    start = t.start.start_time if isinstance(t.start, pd.Period) else t.start
    end = t.end.end_time if isinstance(t.end, pd.Period) else t.end
    return ClaimResult(id="M3", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat,
                       sample=_sample_from(start, end, t.n, freq), data_vintage=vintage,
                       section="m3-breadth" if head == "breadth" else "m3-century", note=note)


def crash_headline(summary: dict, spec: RegimeSpec) -> str:
    if not summary["crashes"]:
        return "No small-cap momentum months in this window"
    return (f"{summary['in_regime']} of the {summary['crashes']} worst small-cap momentum months came in down markets "
            f"({100 * summary['share_all']:.0f}% of all months were)")


def regime_headline(tests: dict[str, am.RegimeTest]) -> str:
    counts = [n for n, t in tests.items() if t.significant(-1)]
    if not counts:
        return "No regime lowers small-cap momentum by a margin outside both 95% intervals"
    parts = [f"{n} ({tests[n].regime} minus {tests[n].other} {1200 * tests[n].diff.value:+.1f} pp a year)"
             for n in counts]
    lead = "Only one regime" if len(counts) == 1 else f"{len(counts)} regimes"
    return f"{lead} of {len(tests)} lowers small-cap momentum beyond both 95% intervals: {_and(parts)}"


def breadth_headline(recent: dict[str, am.RegimeTest]) -> str:
    t = recent.get("S&P 600 breadth")
    if t is None or t.diff is None:
        return "S&P 600 breadth: no overlap with XSMO's momentum record in this window"
    d = t.diff
    return (f"XSMO minus IJR: {_signed(d.value * 25200)} pp a year when S&P 600 breadth narrows vs widens "
            f"(95% CI {d.ci_low * 25200:.0f} to {d.ci_high * 25200:.0f})")


# -- M4: a proxy for risk appetite? -----------------------------------------------------------------------


@dataclass
class RiskAppetite:
    """M4's regression and its context."""

    available: bool
    reason: str
    spec: str = ""  # "with VIX" or "without VIX"
    result: object = None
    table: pd.DataFrame | None = None
    start: pd.Period | None = None
    end: pd.Period | None = None
    n: int = 0
    index: pd.Index | None = None  # the months used


M4_TERMS = {"const": ("alpha", "pp a year", 1200.0),
            "market excess return": ("market excess return", "pp per pp", 1.0),
            "VIX change": ("VIX change", "pp a month per VIX point", 100.0),
            "credit spread change": ("Baa - Aaa change", "pp a month per pp", 100.0)}
RISK_ON_SIGN = {"market excess return": 1, "VIX change": -1, "credit spread change": -1}


def risk_appetite_frame(inp: MomentumInputs, series: str = "small") -> pd.DataFrame:
    """Monthly momentum and the risk-appetite proxies (decimal returns; VIX points; spread pp)."""
    vix_m = am.month_end(inp.vix)
    return pd.DataFrame({
        "y": inp.momentum[series],
        "market excess return": inp.factors["mkt_rf"],
        "VIX change": vix_m.diff(),
        "credit spread change": inp.credit.diff(),
    })


def m4_regression(inp: MomentumInputs, series: str = "small", use_vix: bool | None = None,
                  months: tuple | None = None) -> RiskAppetite:
    """OLS with Newey-West errors of monthly momentum on risk-appetite proxies in the window.

    ``use_vix`` None applies the rule: with the VIX if the window holds at least
    ``VIX_MIN_MONTHS`` months of it, else without.
    """
    df = inp.in_months(risk_appetite_frame(inp, series))
    if months is not None:
        df = df.loc[months[0]:months[1]]
    vix_months = int(df.dropna().shape[0])
    if use_vix is None:
        use_vix = vix_months >= VIX_MIN_MONTHS
    cols = ["market excess return", "VIX change", "credit spread change"] if use_vix else \
        ["market excess return", "credit spread change"]
    d = df[["y", *cols]].dropna()
    label = "with VIX" if use_vix else "without VIX"
    if len(d) < M4_MIN_MONTHS:
        return RiskAppetite(False, f"{len(d)} months with all regressors ({label}) in the window; need {M4_MIN_MONTHS}",
                            spec=label)
    res = stats.ols_hac(d["y"], d[cols])
    rows = {}
    for term in ["const", *cols]:
        e = stats.coef_estimate(res, term)
        name, unit, sc = M4_TERMS[term]
        rows[name] = {"estimate": round(e.value * sc, 3), "ci_low": round(e.ci_low * sc, 3),
                      "ci_high": round(e.ci_high * sc, 3), "t": round(e.t, 2), "unit": unit}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "term"
    return RiskAppetite(True, "", label, res, table, d.index.min(), d.index.max(), len(d), d.index)


def m4_robustness(inp: MomentumInputs) -> pd.DataFrame:
    """Alpha (pp a year, HAC interval) under the other specification, for big-cap momentum, and in
    each half of the deciding regression's sample."""
    base = m4_regression(inp)
    with_vix = base.spec == "with VIX"
    rows = []

    def add(label, ra: RiskAppetite):
        if not ra.available:
            rows.append({"model": label, "alpha, pp/yr": np.nan, "95% HAC CI": NA, "R2": np.nan, "months": 0,
                         "from": "", "to": ""})
            return
        a = stats.coef_estimate(ra.result, "const").scaled(1200.0)
        rows.append({"model": label, "alpha, pp/yr": round(a.value, 1), "95% HAC CI": _ci(a.ci_low, a.ci_high),
                     "R2": round(float(ra.result.rsquared), 3), "months": ra.n, "from": str(ra.start), "to": str(ra.end)})

    add(f"small-cap, {base.spec} (decides)", base)
    add(f"small-cap, {'without' if with_vix else 'with'} VIX", m4_regression(inp, use_vix=not with_vix))
    add(f"big-cap, {base.spec}", m4_regression(inp, "big", use_vix=with_vix))
    if base.available:
        for (lo, hi), label in zip(am.halves(base.index), ("first half", "second half"), strict=True):
            add(f"small-cap, {base.spec}, {label}", m4_regression(inp, use_vix=with_vix, months=(lo, hi)))
    return pd.DataFrame(rows).set_index("model")


def m4_verdict(ra: RiskAppetite, inp: MomentumInputs, rule: Rule | None = None) -> ClaimResult:
    """Apply M4's rule to the regression."""
    rule = rule or RULES["M4"]
    vintage = f"French {inp.vintages['french6']}; FRED BAA/AAA (with BAA10Y - AAA10Y after 2023-11); CBOE VIX"
    if not ra.available:
        return _untestable("M4", f"{ra.reason}; monthly momentum returns with the VIX and credit spreads would decide it.",
                           "m4", vintage, "alpha on risk-appetite proxies", "pp/yr")
    a = stats.coef_estimate(ra.result, "const")
    no_alpha = a.ci_low <= 0
    risk_on = []
    for term, sign in RISK_ON_SIGN.items():
        if term not in ra.result.params.index:
            continue
        e = stats.coef_estimate(ra.result, term)
        if (sign > 0 and e.ci_low > 0) or (sign < 0 and e.ci_high < 0):
            risk_on.append(term)
    k = int(no_alpha) + int(bool(risk_on))
    verdict = "supported" if k == 2 else "partly supported" if k == 1 else "not supported"
    ae = a.scaled(1200.0)
    note = (f"Alpha {ae.value:.1f} pp a year (95% CI {ae.ci_low:.1f} to {ae.ci_high:.1f}, t = {ae.t:.2f}), "
            f"{'not significantly positive' if no_alpha else 'significantly positive'}; slopes significant with the "
            f"risk-on sign: {', '.join(risk_on) if risk_on else 'none'}; R2 {ra.result.rsquared:.3f} ({ra.spec}).")
    stat = Statistic(name=f"alpha on risk-appetite proxies ({ra.spec})", value=ae.value,
                     unit="pp/yr", ci_low=ae.ci_low, ci_high=ae.ci_high, ci_level=0.95, method=ae.method + ", monthly")
    return ClaimResult(id="M4", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat,
                       sample=_sample_from(ra.start.start_time, ra.end.end_time, ra.n, "monthly"), data_vintage=vintage,
                       section="m4", note=note)


def m4_headline(ra: RiskAppetite) -> str:
    if not ra.available:
        return "Too few months for the risk-appetite regression"
    a = stats.coef_estimate(ra.result, "const").scaled(100.0)
    return (f"Alpha left after risk-appetite proxies: {a.value:.2f} pp a month (95% CI {a.ci_low:.2f} to "
            f"{a.ci_high:.2f}); R\u00b2 {ra.result.rsquared:.2f}")


def standardised_effects(ra: RiskAppetite) -> pd.DataFrame:
    """Each slope times its regressor's standard deviation (pp a month per one-SD move) with CI,
    plus alpha in pp a month, for the coefficient figure."""
    if not ra.available:
        return pd.DataFrame(columns=["term", "effect", "ci_low", "ci_high"])
    res = ra.result
    X = res.model.data.orig_exog
    rows = []
    for term in res.params.index:
        e = stats.coef_estimate(res, term)
        if term == "const":
            k, name = 100.0, "alpha (per month)"
        else:
            k, name = 100.0 * float(X[term].std(ddof=1)), f"{M4_TERMS[term][0]} (+1 SD)"
        rows.append({"term": name, "effect": e.value * k, "ci_low": e.ci_low * k, "ci_high": e.ci_high * k})
    return pd.DataFrame(rows)


# -- M5: leadership brings momentum ----------------------------------------------------------------------


@dataclass
class Leadership:
    """M5's two comparisons."""

    follow: am.RegimeTest  # momentum after leading minus after lagging
    give_back: am.RegimeTest  # within leading months: rising minus falling yield
    measure: str
    x: pd.Series  # monthly small-cap momentum in the window (decimal)
    lead: pd.Series  # leading/lagging, known before each month
    x_leading: pd.Series  # momentum in months after leading
    moves: pd.Series  # rising/falling yield in those months


def leadership_labels(inp: MomentumInputs, spec: RegimeSpec) -> pd.Series:
    """``leading``/``lagging`` per month (known before it) under ``spec``'s leadership measure."""
    if spec.lead_measure == "smb":
        return am.leadership(inp.factors["smb"], None, spec.lead_months)
    c = inp.closes[["IWM", "SPY"]].dropna()
    me = c.groupby(c.index.to_period("M")).last()
    r = (me / me.shift(1) - 1.0).iloc[1:]
    # the first month is partial (IWM starts mid-month): drop it
    r = r.iloc[1:]
    return am.leadership(r["IWM"], r["SPY"], spec.lead_months)


def yield_moves(inp: MomentumInputs, source: str = "shiller") -> pd.Series:
    """``rising``/``falling``: the 10-year yield's move over each month (Shiller's monthly yield,
    or ``tnx`` month-end ^TNX). Same month as the return: M5 asks what happens when rates reprice."""
    y = inp.gs10 if source == "shiller" else am.month_end(inp.tnx)
    ch = y.diff()
    return pd.Series(np.where(ch > 0, "rising", "falling"), index=y.index, dtype=object).where(ch.notna())


def m5_evidence(inp: MomentumInputs, spec: RegimeSpec, *, bootstrap: bool = True, yields: str = "shiller",
                months: tuple | None = None) -> Leadership:
    """After small caps lead, does small-cap momentum rise; and does it give back when yields rise?"""
    x = inp.in_months(inp.momentum["small"])
    if months is not None:
        x = x.loc[months[0]:months[1]]
    lead = leadership_labels(inp, spec).reindex(x.index)
    follow = am.regime_test(x, lead, "leading", "lagging", bootstrap=bootstrap, min_each=MIN_EACH)
    xl = x[lead == "leading"]
    moves = yield_moves(inp, yields).reindex(xl.index)
    give = am.regime_test(xl, moves, "rising", "falling", bootstrap=bootstrap, min_each=MIN_EACH)
    return Leadership(follow, give, spec.lead_measure, x, lead, xl, moves)


def m5_table(ev: Leadership) -> pd.DataFrame:
    """The two comparisons for display (pp a year)."""
    t = regime_table({M5_FOLLOW: ev.follow, M5_GIVE: ev.give_back})
    t = t.drop(columns=["both below 0"]).rename(columns={"periods": "months"})
    t.index.name = "comparison"
    return t


def m5_robustness(inp: MomentumInputs, spec: RegimeSpec) -> pd.DataFrame:
    """M5's differences under the alternative leadership look-back, IWM minus SPY, ^TNX yields, and
    in each half of the window (``significant``: the claimed sign with the interval excluding zero)."""
    x = inp.in_months(inp.momentum["small"]).dropna()
    alt = spec.alternative()
    variants = [("default", spec, "shiller", None),
                (f"lead over {alt.lead_months} months", alt, "shiller", None),
                ("IWM minus SPY", replace(spec, lead_measure="iwm-spy"), "shiller", None),
                ("^TNX month-end", spec, "tnx", None)]
    if len(x) >= 4 * MIN_EACH * 2:
        for (lo, hi), label in zip(am.halves(x.index), ("first half", "second half"), strict=True):
            variants.append((label, spec, "shiller", (lo, hi)))
    rows = []
    for label, s, ysrc, months in variants:
        ev = m5_evidence(inp, s, bootstrap=False, yields=ysrc, months=months)
        for comp, t, sign in ((M5_FOLLOW, ev.follow, 1), (M5_GIVE, ev.give_back, -1)):
            if ysrc != "shiller" and sign > 0:
                continue  # the yield source does not change the first comparison
            rows.append(_variant_row(comp, label, t, 1200.0, sign))
    out = _variant_frame(rows, [M5_FOLLOW, M5_GIVE])
    return out.drop(columns="states").rename_axis(["comparison", "variant"]) if not out.empty else out


M5_FOLLOW = "led minus lagged"
M5_GIVE = "yield up minus down, after leading"


def m5_verdict(ev: Leadership, inp: MomentumInputs, rule: Rule | None = None) -> ClaimResult:
    """Apply M5's rule: the two testable parts; the short-squeeze part is untestable here."""
    rule = rule or RULES["M5"]
    vintage = f"French factors {inp.vintages['ff']}; 6 portfolios {inp.vintages['french6']}; Shiller gs10"
    f, g = ev.follow, ev.give_back
    name = "small-cap momentum, led minus lagged"
    squeeze = ("The squeeze of the most shorted names is untestable with available data: it needs short interest "
               "by stock (e.g. exchange short-interest files) over the same months.")
    if f.diff is None or g.diff is None:
        return _untestable("M5", f"Too few months in a group ({f.n_regime} after leading, {f.n_other} after lagging; "
                           f"{g.n_regime} rising and {g.n_other} falling-yield months after leading). " + squeeze,
                           "m5", vintage, name, "pp/yr")
    follows = f.significant(+1)
    gives = g.significant(-1)
    k = int(follows) + int(gives)
    verdict = "partly supported" if k >= 1 else "not supported"
    fd, gd = f.diff.scaled(1200.0), g.diff.scaled(1200.0)
    note = (f"After leading minus after lagging {fd.value:+.1f} pp a year (HAC {fd.ci_low:.1f} to {fd.ci_high:.1f}), "
            f"{'counts' if follows else 'does not count'}; in months after leading, rising minus falling yields "
            f"{gd.value:+.1f} (HAC {gd.ci_low:.1f} to {gd.ci_high:.1f}), {'counts' if gives else 'does not count'}. "
            + squeeze)
    stat = Statistic(name=name, value=fd.value, unit="pp/yr", ci_low=fd.ci_low, ci_high=fd.ci_high, ci_level=0.95,
                     method=fd.method + ", monthly")
    return ClaimResult(id="M5", claim=rule.claim, rule=rule.text(), verdict=verdict, statistic=stat,
                       sample=_sample_from(f.start.start_time, f.end.end_time, f.n, "monthly"), data_vintage=vintage,
                       section="m5", note=note)


def m5_frame(ev: Leadership) -> pd.DataFrame:
    """Tidy means with HAC intervals (pp a year) for the M5 figure: ``comparison``, ``state``,
    ``mean``, ``ci_low``, ``ci_high``, ``n``."""
    rows = []
    labels = {"leading": "after small caps led", "lagging": "after small caps lagged",
              "rising": "after they led, yield rose", "falling": "after they led, yield fell"}
    for comp, x, lab, states in (("by leadership", ev.x, ev.lead, ("leading", "lagging")),
                                 ("by yield move", ev.x_leading, ev.moves, ("rising", "falling"))):
        if lab.notna().sum() < 3:
            continue
        m = stats.regime_means(x, lab, scale=1200.0)
        for state in states:
            if state not in m.index:
                continue
            r = m.loc[state]
            rows.append({"comparison": comp, "state": state, "label": labels[state], "mean": r["estimate"],
                         "ci_low": r["ci_low"], "ci_high": r["ci_high"], "n": int(r["n"])})
    return pd.DataFrame(rows, columns=["comparison", "state", "label", "mean", "ci_low", "ci_high", "n"])


def m5_headline(ev: Leadership) -> str:
    f = ev.follow
    if f.diff is None:
        return "Too few months to compare small-cap momentum after leadership"
    return (f"Small-cap momentum after small caps led: {1200 * f.mean_regime:.1f} pp a year; after they lagged: "
            f"{1200 * f.mean_other:.1f}")


# -- figures' inputs ------------------------------------------------------------------------------------------


def coverage(inp: MomentumInputs) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last date of the chapter's data (French portfolios to the last fund price)."""
    first = inp.momentum.dropna().index.min().start_time
    last = max(inp.closes.index.max(), inp.momentum.dropna().index.max().end_time.normalize())
    return first, last


def relative_since_switch(inp: MomentumInputs) -> pd.Series:
    """XSMO's cumulative return relative to IJR since its index switch (percent, trading days)."""
    d = xsmo_minus_ijr(inp)
    if d.empty:
        return d
    c = inp.closes[[FUND, BENCHMARK]].dropna()
    r = (c / c.shift(1) - 1.0).reindex(d.index)
    rel = (1.0 + r[FUND]).cumprod() / (1.0 + r[BENCHMARK]).cumprod() - 1.0
    return 100.0 * rel


def narrowing_days(inp: MomentumInputs, spec: RegimeSpec) -> pd.Series:
    """True on trading days when S&P 600 breadth (known at the previous close) was narrowing."""
    d = xsmo_minus_ijr(inp)
    labs = recent_regimes(inp, spec, d.index)["S&P 600 breadth"]
    return (labs == "narrowing").where(labs.notna())


# -- views: a table, or a note saying why there is none ----------------------------------------------------


def _note(text: str):
    from ..book.chapter import Text

    return Text(f"*{text}*")


def records_view(ev: FundEvidence, label: str):
    """Fund records of one window for display, or the reason there are none."""
    if not ev.available:
        return _note(ev.reason)
    if label not in ev.records:
        return _note(f"No record {label} in this window.")
    return show_records(ev.records[label])


def gaps_view(ev: FundEvidence):
    """Gap table for display, or the reason there is none."""
    return show_gaps(ev) if ev.available else _note(ev.reason)


def tests_view(tests: dict[str, am.RegimeTest], scale: float = 1200.0, what: str = "these regimes"):
    """A regime table, or a note when no regime has data in the window."""
    if all(t.n == 0 for t in tests.values()):
        return _note(f"No data for {what} in this window.")
    return regime_table(tests, scale)


def frame_view(frame: pd.DataFrame, what: str):
    return _note(f"No data for {what} in this window.") if frame is None or frame.empty else frame


def regression_view(ra: RiskAppetite):
    return ra.table if ra.available else _note(ra.reason)


# -- glued numbers and sentences ----------------------------------------------------------------------------

NA = "n/a"


def _f(x, fmt: str = "{:.1f}") -> str:
    if x is None:
        return NA
    try:
        if pd.isna(x):
            return NA
    except (TypeError, ValueError):
        pass
    return fmt.format(x)


def _ci(lo, hi, fmt: str = "{:.1f}") -> str:
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return NA
    return f"{fmt.format(lo)} to {fmt.format(hi)}"


def glue(ch, values: dict[str, str]) -> None:
    """Glue every value of a ``*_numbers`` dict (already formatted text) into the chapter."""
    for key, text in values.items():
        ch.glue(key, text)


def context_numbers(inp: MomentumInputs, spec: RegimeSpec) -> dict[str, str]:
    """Facts about the funds' index changes, the data and the regime definitions, for the prose."""
    others = [f"{t} ({d.date()})" for t, (d, _) in REINDEXED.items() if t != FUND]
    pre_years = (XSMO_INDEX_SWITCH - M1_SINCE).days / 365.25
    post_years = (min(inp.window.end, inp.closes[FUND].last_valid_index()) - XSMO_INDEX_SWITCH).days / 365.25
    cs = inp.credit_source
    alt = spec.alternative()
    return {
        "m_market_lookback": str(spec.market_lookback), "m_breadth_window": str(spec.breadth_window),
        "m_breadth_lookback": str(spec.breadth_lookback), "m_breadth_alt": str(alt.breadth_lookback),
        "m_lead_months": str(spec.lead_months), "m_lead_alt": str(alt.lead_months),
        "m_post_years": _f(post_years) if post_years > 0 else NA,
        "m_switch_date": XSMO_INDEX_SWITCH.date().isoformat(),
        "m_reindexed": ", ".join(others[:-1]) + " and " + others[-1],
        "m_pre_years": _f(pre_years),
        "m_xsmo_first": _d(xsmo_first_close(inp)),
        "m_french_first": str(inp.momentum.dropna().index.min()),
        "m_french_last": str(inp.momentum.dropna().index.max()),
        "m_iwm_first": _d(inp.closes["IWM"].first_valid_index()),
        "m_credit_monthly_last": str(cs["monthly_last"]),
        "m_credit_ext_last": str(cs["extension_last"]),
        "m_credit_overlap": str(cs["overlap_months"]),
        "m_credit_maxgap": _f(cs["overlap_max_gap"], "{:.2f}"),
    }


def m1_numbers(ev: FundEvidence) -> dict[str, str]:
    keys = ["m1_span", "m1_xsmo_return", "m1_xsmo_sharpe", "m1_ijr_return", "m1_ijt_return", "m1_faster",
            "m1_won", "m1_n", "m1_sig", "m1_closest", "m1_closest_gap", "m1_closest_ci", "m1_post_won", "m1_post_n",
            "m1_xsmo_dd", "m1_sig_sentence", "m1_pre_share"]
    out = dict.fromkeys(keys, NA)
    if not ev.available:
        out["m1_span"] = ev.reason
        out["m1_faster"] = NA
        return out
    rec = ev.records["since 2017"]
    g = ev.gaps["since 2017"].dropna(subset=["gap"])
    x = rec.loc[FUND]
    faster = rec.drop(index=FUND)
    faster = faster[faster["return %"] > x["return %"]].sort_values("return %", ascending=False)
    closest = g["gap"].idxmin()
    won, sig = int((g["gap"] > 0).sum()), int((g["ci_low"] > 0).sum())
    xs = pd.Timestamp(x["from"]), pd.Timestamp(x["to"])
    pre_share = max(0.0, min(1.0, (XSMO_INDEX_SWITCH - xs[0]).days / max((xs[1] - xs[0]).days, 1)))
    out.update({
        "m1_span": f"The record runs from the close of {x['from']} to {x['to']}.",
        "m1_sig_sentence": (f"{sig} of those {won} leads {'lies' if sig == 1 else 'lie'} outside {'its' if sig == 1 else 'their'} "
                            f"95% interval: over {x['years']:.1f} years of daily returns, funds this volatile cannot be "
                            f"told apart by gaps of a few pp a year" if won else
                            "XSMO led none of them"),
        "m1_pre_share": _f(100 * pre_share, "{:.0f}"),
        "m1_xsmo_return": _f(x["return %"]), "m1_xsmo_sharpe": _f(x["Sharpe"], "{:.2f}"),
        "m1_ijr_return": _f(rec.loc[BENCHMARK, "return %"]), "m1_ijt_return": _f(rec.loc[GROWTH, "return %"]),
        "m1_faster": ("no peer compounded faster" if faster.empty else
                      "faster were " + ", ".join(f"{t} ({r:.1f}%)" for t, r in faster["return %"].items())),
        "m1_won": str(int((g["gap"] > 0).sum())), "m1_n": str(len(g)), "m1_sig": str(int((g["ci_low"] > 0).sum())),
        "m1_closest": closest, "m1_closest_gap": _f(g.loc[closest, "gap"], "{:+.1f}"),
        "m1_closest_ci": _ci(g.loc[closest, "ci_low"], g.loc[closest, "ci_high"]),
        "m1_xsmo_dd": _f(x["max drawdown %"]),
    })
    post = ev.gaps.get("since the index switch")
    if post is not None:
        pg = post.dropna(subset=["gap"])
        out.update({"m1_post_won": str(int((pg["gap"] > 0).sum())), "m1_post_n": str(len(pg))})
    return out


def m2_numbers(ev: FundEvidence) -> dict[str, str]:
    keys = ["m2_span", "m2_ijr_gap", "m2_ijr_ci", "m2_ijt_gap", "m2_ijt_ci", "m2_pre_ijt", "m2_pre_ijt_ci",
            "m2_post_ijt", "m2_post_ijt_ci", "m2_pre_ijr", "m2_post_ijr", "m2_switch_sentence", "m2_pre_share",
            "m2_reading"]
    out = dict.fromkeys(keys, NA)
    if not ev.available:
        out["m2_span"] = ev.reason
        out["m2_switch_sentence"] = "The window holds no XSMO record to split."
        out["m2_reading"] = "Neither claim can be read in this window."
        return out
    g = ev.gaps["since inception"]
    a, b = pd.Timestamp(g.loc[GROWTH, "from"]), pd.Timestamp(g.loc[GROWTH, "to"])
    share = max(0.0, min(1.0, (XSMO_INDEX_SWITCH - a).days / max((b - a).days, 1)))
    out["m2_pre_share"] = _f(100 * share, "{:.0f}")
    out["m2_reading"] = ("A verdict on M2 is therefore mostly a verdict on the growth fund, and says little about "
                         "small-cap momentum." if share > 0.5 else
                         "Most of M2's record is the momentum fund's.")
    out.update({
        "m2_span": f"The record runs from XSMO's first close, {g.loc[GROWTH, 'from']}, to {g.loc[GROWTH, 'to']}.",
        "m2_ijr_gap": _f(g.loc[BENCHMARK, "gap"], "{:+.1f}"), "m2_ijr_ci": _ci(g.loc[BENCHMARK, "ci_low"],
                                                                              g.loc[BENCHMARK, "ci_high"]),
        "m2_ijt_gap": _f(g.loc[GROWTH, "gap"], "{:+.1f}"), "m2_ijt_ci": _ci(g.loc[GROWTH, "ci_low"],
                                                                           g.loc[GROWTH, "ci_high"]),
    })
    pre, post = ev.gaps.get("before the index switch"), ev.gaps.get("since the index switch")
    if pre is not None and post is not None:
        out.update({
            "m2_pre_ijt": _f(pre.loc[GROWTH, "gap"], "{:+.1f}"), "m2_pre_ijt_ci": _ci(pre.loc[GROWTH, "ci_low"],
                                                                                     pre.loc[GROWTH, "ci_high"]),
            "m2_post_ijt": _f(post.loc[GROWTH, "gap"], "{:+.1f}"), "m2_post_ijt_ci": _ci(post.loc[GROWTH, "ci_low"],
                                                                                        post.loc[GROWTH, "ci_high"]),
            "m2_pre_ijr": _f(pre.loc[BENCHMARK, "gap"], "{:+.1f}"), "m2_post_ijr": _f(post.loc[BENCHMARK, "gap"], "{:+.1f}"),
        })
        whole, before, after = g.loc[GROWTH, "gap"], pre.loc[GROWTH, "gap"], post.loc[GROWTH, "gap"]
        if whole < 0 and before < 0 <= after:
            s = ("The whole shortfall against IJT comes from the years XSMO tracked a growth index; as a momentum fund "
                 "it has been ahead of IJT.")
        elif whole < 0 and after < 0:
            s = "XSMO has trailed IJT both as a growth fund and as a momentum fund."
        elif whole >= 0 and after >= 0:
            s = "XSMO has not trailed IJT over its life, and has been ahead of it as a momentum fund."
        else:
            s = "XSMO has not trailed IJT over its life, but has trailed it as a momentum fund."
        out["m2_switch_sentence"] = s
    else:
        out["m2_switch_sentence"] = "The window does not reach the index switch, so the record cannot be split."
    return out


def _test_numbers(prefix: str, t: am.RegimeTest | None, scale: float) -> dict[str, str]:
    if t is None or t.diff is None:
        return {f"{prefix}_diff": NA, f"{prefix}_ci": NA, f"{prefix}_boot": NA, f"{prefix}_adverse": NA,
                f"{prefix}_favourable": NA, f"{prefix}_n": NA, f"{prefix}_sample": NA}
    d, b = t.diff, t.boot
    return {f"{prefix}_diff": _f(d.value * scale, "{:+.1f}"), f"{prefix}_ci": _ci(d.ci_low * scale, d.ci_high * scale),
            f"{prefix}_boot": _ci(b.ci_low * scale, b.ci_high * scale) if b else NA,
            f"{prefix}_adverse": _f(t.mean_regime * scale), f"{prefix}_favourable": _f(t.mean_other * scale),
            f"{prefix}_n": f"{t.n:,}", f"{prefix}_sample": _span(t.start, t.end)}


def m3_numbers(century: dict[str, am.RegimeTest], big: dict[str, am.RegimeTest], crash: dict,
               robust: pd.DataFrame, inp: MomentumInputs, spec: RegimeSpec) -> dict[str, str]:
    """Numbers and sentences for the century section."""
    out = {}
    for key, name in (("market", "market state"), ("vol", "volatility"), ("credit", "credit"), ("rates", "rates")):
        out.update(_test_numbers(f"m3_{key}", century.get(name), 1200.0))
        out.update({k: v for k, v in _test_numbers(f"m3_big_{key}", big.get(name), 1200.0).items()
                    if k.endswith(("_diff", "_ci"))})
    x = inp.in_months(inp.momentum["small"]).dropna()
    out["m3_small_mean"] = _f(x.mean() * 1200) if len(x) else NA
    out["m3_sample"] = _span(x.index.min(), x.index.max()) if len(x) else NA
    out["m3_months"] = f"{len(x):,}"
    sig = [n for n, t in century.items() if t.significant(-1)]
    out["m3_which"] = (f"Only the {_and(sig)} regime lowers small-cap momentum by a margin outside both intervals"
                       if len(sig) == 1 else
                       f"{_and(sig).capitalize()} lower small-cap momentum by margins outside both intervals" if sig
                       else "No regime lowers small-cap momentum by a margin outside both intervals")
    r = century.get("rates")
    out["m3_rates_word"] = NA if (r is None or r.diff is None) else ("more" if r.diff.value > 0 else "less")
    out["m3_crash_n"] = str(crash["crashes"])
    out["m3_crash_down"] = str(crash["in_regime"])
    out["m3_crash_share"] = _f(100 * crash["share_crashes"], "{:.0f}")
    out["m3_down_share"] = _f(100 * crash["share_all"], "{:.0f}")
    out["m3_crash_threshold"] = _f(-100 * crash["threshold"])
    out["m3_robust"] = _robust_sentence(robust, "significant")
    return out


def _and(items: list[str]) -> str:
    items = list(items)
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _robust_sentence(robust: pd.DataFrame, flag: str) -> str:
    """Per regime: does the default's sign hold under the alternative and in both halves?"""
    if robust is None or robust.empty:
        return "No robustness checks are possible in this window."
    parts = []
    for regime, grp in robust.groupby(level=0, sort=False):
        d = grp["difference"].dropna()
        if d.empty:
            continue
        variants = grp.index.get_level_values(1)
        default = grp["difference"].iloc[list(variants).index("default")] if "default" in variants else np.nan
        if pd.isna(default):
            continue
        same = int((np.sign(d) == np.sign(default)).sum())
        sig = int((grp[flag] == "yes").sum())
        parts.append(f"{regime}: same sign in {same} of {len(d)} variants, significant in {sig}")
    if not parts:
        return "No robustness checks are possible in this window."
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def m3_breadth_numbers(recent: dict[str, am.RegimeTest], proxy: am.RegimeTest | None, robust: pd.DataFrame,
                       inp: MomentumInputs) -> dict[str, str]:
    """Numbers and sentences for the breadth section."""
    out = {}
    t = recent.get("S&P 600 breadth")
    out["m3b_breadth_years"] = (_f((pd.Timestamp(t.end) - pd.Timestamp(t.start)).days / 365.25)
                                if t is not None and t.n else NA)
    for key, name in (("m3b_breadth", "S&P 600 breadth"), ("m3b_b400", "S&P 400 breadth (proxy)"),
                      ("m3b_hy", "high-yield spread"), ("m3b_yield", "10-year yield")):
        out.update(_test_numbers(key, recent.get(name), 25200.0))
    out.update(_test_numbers("m3b_proxy", proxy, 1200.0))
    out["m3b_proxy_months"] = str(PROXY_MONTHS)
    for index, key in (("sp600", "m3b_sp600"), ("sp400", "m3b_sp400")):
        b = inp.breadth.get(index)
        if b is None:
            out.update({f"{key}_first": NA, f"{key}_last": NA, f"{key}_cov_first": NA, f"{key}_cov_last": NA,
                        f"{key}_members": NA})
            continue
        out.update({f"{key}_first": _d(b.index[0]), f"{key}_last": _d(b.index[-1]),
                    f"{key}_cov_first": _f(100 * b["coverage"].iloc[0], "{:.0f}"),
                    f"{key}_cov_last": _f(100 * b["coverage"].iloc[-1], "{:.0f}"),
                    f"{key}_members": f"{int(b['members'].iloc[-1]):,}"})
    notes = [v for v in inp.breadth_note.values()]
    out["m3b_status"] = ("Both member panels overlap the window." if not notes else
                         "In this window: " + "; ".join(notes) + ".")
    out["m3b_robust"] = _robust_sentence(robust, "significant")
    return out


def m4_numbers(ra: RiskAppetite, robust: pd.DataFrame) -> dict[str, str]:
    keys = ["m4_spec", "m4_alpha", "m4_alpha_ci", "m4_alpha_t", "m4_beta", "m4_beta_ci", "m4_r2", "m4_sample",
            "m4_months", "m4_risk_on", "m4_halves", "m4_beta_sentence"]
    out = dict.fromkeys(keys, NA)
    out["m4_spec"] = ra.spec or NA
    if not ra.available:
        out["m4_risk_on"] = "none (no regression)"
        out["m4_halves"] = ra.reason
        out["m4_beta_sentence"] = "There is no regression in this window."
        return out
    a = stats.coef_estimate(ra.result, "const").scaled(1200.0)
    b = stats.coef_estimate(ra.result, "market excess return")
    risk_on = []
    for term, sign in RISK_ON_SIGN.items():
        if term in ra.result.params.index:
            e = stats.coef_estimate(ra.result, term)
            if (sign > 0 and e.ci_low > 0) or (sign < 0 and e.ci_high < 0):
                risk_on.append(term)
    halves = robust[robust.index.str.contains("half")] if robust is not None else pd.DataFrame()
    out.update({
        "m4_alpha": _f(a.value), "m4_alpha_ci": _ci(a.ci_low, a.ci_high), "m4_alpha_t": _f(a.t, "{:.2f}"),
        "m4_beta": _f(b.value, "{:+.2f}"), "m4_beta_ci": _ci(b.ci_low, b.ci_high, "{:.2f}"),
        "m4_r2": _f(float(ra.result.rsquared), "{:.3f}"), "m4_sample": _span(ra.start, ra.end), "m4_months": f"{ra.n:,}",
        "m4_risk_on": _and(risk_on) if risk_on else "none",
        "m4_beta_sentence": ("small-cap momentum leans against the market rather than riding it" if b.ci_high < 0 else
                             "small-cap momentum rises with the market" if b.ci_low > 0 else
                             "small-cap momentum has no market exposure distinguishable from zero"),
        "m4_halves": ("; ".join(f"{r['from']} to {r['to']}: {r['alpha, pp/yr']:.1f} (95% CI {r['95% HAC CI']})"
                                for i, r in halves.iterrows() if pd.notna(r["alpha, pp/yr"]))
                      or "not available in this window"),
    })
    return out


def m5_numbers(ev: Leadership, robust: pd.DataFrame) -> dict[str, str]:
    out = {}
    out.update(_test_numbers("m5_follow", ev.follow, 1200.0))
    out.update(_test_numbers("m5_give", ev.give_back, 1200.0))
    if robust is not None and not robust.empty:
        key = (M5_GIVE, "^TNX month-end")
        r = robust.loc[key] if key in robust.index else None
        out["m5_tnx_give"] = NA if r is None or pd.isna(r["difference"]) else _f(r["difference"], "{:+.1f}")
        out["m5_tnx_give_ci"] = NA if r is None else r["95% HAC CI"]
        out["m5_tnx_give_sample"] = NA if r is None else f"{r['from']} to {r['to']}"
        out["m5_robust"] = _robust_sentence(robust, "significant")
    else:
        out.update({"m5_tnx_give": NA, "m5_tnx_give_ci": NA, "m5_tnx_give_sample": NA,
                    "m5_robust": "No robustness checks are possible in this window."})
    return out
