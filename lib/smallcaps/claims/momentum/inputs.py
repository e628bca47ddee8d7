"""The momentum chapter's inputs, loaded once and shared by M1-M5.

Every series is kept whole (its full history, including the S&P 600 and S&P 400 member panels
and their stocks' prices); each claim cuts the window it needs, so one load serves any number of
windows and specifications. Derived series that several claims or windows read (breadth panels,
regime labels, fund records) are computed once per inputs and choice values (:meth:`memo`).

Units: returns are decimal per period; yields and spreads in percent; the VIX in index points.
Monthly series carry a monthly PeriodIndex, daily ones a DatetimeIndex.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from ...analytics import breadth as br
from ...analytics import momentum as am
from ...analytics.returns import from_percent
from ...analytics.valuation import full_month_range
from ...data import DataSession
from ...display import Fact, count, num, text
from ...errors import ParameterError
from ..base import ChapterInputs

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
#: Every fund M1's tables show: the S&P 600 and its growth funds, small-, mid- and large-cap
#: momentum funds, and the other S&P 600 single-factor funds (the rule counts the small-cap ones).
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
#: The claim's comparison set ("key small-cap momentum and single-factor ETFs"): the S&P 600 and its
#: growth funds, the other small-cap momentum fund and the S&P 600 factor funds.
SMALL_CAP_PEERS = ("IJR", "IJT", "SLYG", "DWAS", "XSVM", "XSLV", "XSHQ")
#: Mid- and large-cap momentum funds: shown beside the small-cap peers as context, never counted.
CONTEXT_PEERS = ("XMMO", "SPMO", "MTUM")
BENCHMARK, GROWTH = "IJR", "IJT"
OTHER_TICKERS = ("IWM", "SPY", "^IRX", "^TNX")

#: The member panels behind breadth, by pitindex id: (name in tables and figures, label of its test).
BREADTH_INDICES = {"sp600": ("S&P 600", "S&P 600 breadth"), "sp400": ("S&P 400 (proxy)", "S&P 400 breadth (proxy)")}

#: A year of daily returns before a fund record is judged.
MIN_FUND_DAYS = 252
#: Observations needed in each regime for an interval (months; daily tests need ten times as many days).
MIN_EACH = 6

#: The shortest window the chapter runs on (days, inclusive). Every claim degrades to "untestable
#: with available data" on its own, so any window of at least a day inside the data gives a chapter.
MIN_WINDOW_DAYS = 1


@dataclass
class MomentumInputs(ChapterInputs):
    """Everything the chapter reads, loaded once through the chapter's data session.

    Attributes
    ----------
    momentum
        ``small`` and ``big``: French's high minus low prior-return portfolio within each size
        (decimal per month).
    factors
        ``mkt_rf``, ``smb``, ``hml``, ``rf``, ``market`` and ``umd`` (French's momentum factor,
        the average of the small and big high minus low prior-return portfolios; decimal per
        month).
    ff5
        French's five factors from 1963-07: ``mkt_rf``, ``smb``, ``hml``, ``rmw``, ``cma``
        (decimal per month).
    vix
        Daily VIX close (points).
    credit
        Monthly Moody's Baa - Aaa spread (pp), spliced after 2023-11 (see ``credit_source``).
    credit_source
        How the credit spread is spliced: ``monthly_last``, ``extension_last``,
        ``overlap_months``, ``overlap_max_gap`` and ``overlap_mean_gap`` (pp).
    gs10
        Shiller's monthly 10-year Treasury yield (percent).
    hy
        Daily ICE BofA US high-yield option-adjusted spread (percent).
    tnx
        Daily 10-year Treasury yield (percent, ``^TNX``).
    closes
        Daily adjusted closes (USD) of XSMO, its peers, IWM and SPY.
    rf_daily
        Daily risk-free return from the 13-week T-bill yield at the previous close (decimal).
    members
        pitindex id -> point-in-time membership (:class:`~smallcaps.sources.membership.Membership`).
    stocks
        Daily adjusted closes (USD) of every member the price data hold.
    vintages
        ``french6``, ``ff`` and ``yahoo``: each source's vintage, as the results state it.
    """

    chapter: ClassVar[str] = "momentum"
    default_start: ClassVar[str] = "1927-01-01"
    default_end: ClassVar[str] = "2026-07-14"

    momentum: pd.DataFrame
    factors: pd.DataFrame
    ff5: pd.DataFrame
    vix: pd.Series
    credit: pd.Series
    credit_source: dict
    gs10: pd.Series
    hy: pd.Series
    tnx: pd.Series
    closes: pd.DataFrame
    rf_daily: pd.Series
    members: dict
    stocks: pd.DataFrame
    vintages: dict
    _memo: dict = field(default_factory=dict, repr=False)

    def coverage(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last date of the chapter's data (French portfolios to the last fund price)."""
        m = self.momentum.dropna()
        return m.index.min().start_time, max(self.closes.index.max(), m.index.max().end_time.normalize())

    def vintage(self, *names: str) -> str:
        """The data vintage of the named inputs as the results state it, joined by ``;``.

        ``momentum`` (French's size x prior-return portfolios), ``closes`` (Yahoo adjusted closes).
        """
        words = {"momentum": f"French 6 size x prior-return portfolios {self.vintages['french6']}",
                 "closes": self.vintages["yahoo"]}
        return "; ".join(words[n] for n in names)

    def facts(self) -> dict[str, Fact]:
        """The French portfolios' span and how the credit spread is spliced, for the prose."""
        m = self.momentum.dropna()
        cs = self.credit_source
        return {
            "m_french_first": text(str(m.index.min())),
            "m_french_last": text(str(m.index.max())),
            "m_credit_monthly_last": text(str(cs["monthly_last"])),
            "m_credit_ext_last": text(str(cs["extension_last"])),
            "m_credit_overlap": count(cs["overlap_months"]),
            "m_credit_maxgap": num(cs["overlap_max_gap"], 2),
        }

    # -- derived series (computed once per inputs and choice values, whatever the window) -----------

    def breadth(self, index: str, window_days: int) -> pd.DataFrame:
        """Breadth of an index over its whole member panel: :func:`analytics.breadth.share_above_average`
        with a ``window_days`` moving average, on the trading days the membership covers."""
        def compute():
            m = self.members[index]
            days = self.closes.index
            dates = days[(days >= m.start) & (days <= m.end)]
            return br.share_above_average(self.stocks, m.panel(dates), window_days)
        return self.memo(("breadth", index, window_days), compute)

    def panel_first(self, index: str) -> pd.Timestamp:
        """The first trading day of an index's member panel."""
        days = self.closes.index
        return days[days >= self.members[index].start][0]

    def century_regimes(self, **definitions) -> pd.DataFrame:
        """:func:`analytics.momentum.century_regimes` on the whole French history, for one set of
        regime definitions (``market_lookback`` ... ``rates_lookback``)."""
        key = ("century", tuple(sorted(definitions.items())))
        return self.memo(key, lambda: am.century_regimes(self.factors["market"], self.vix, self.credit, self.gs10,
                                                         self.momentum.index, **definitions))

    def recent_regimes(self, breadth_window: int, breadth_lookback: int) -> pd.DataFrame:
        """:func:`analytics.momentum.recent_regimes` on every trading day (S&P 600 and S&P 400
        breadth, high-yield spread, 10-year yield), known at the previous close."""
        def compute():
            shares = {label: self.breadth(index, breadth_window)["share"]
                      for index, (_, label) in BREADTH_INDICES.items()}
            days = self.closes.index
            return am.recent_regimes(days, days, shares, self.hy, self.tnx, breadth_lookback)
        return self.memo(("recent", breadth_window, breadth_lookback), compute)

    def xsmo_minus_ijr(self) -> pd.Series:
        """Daily XSMO return minus IJR's (decimal) from XSMO's first day on the momentum index."""
        def compute():
            r = am.daily_returns(self.closes[[FUND, BENCHMARK]])
            return (r[FUND] - r[BENCHMARK]).loc[XSMO_INDEX_SWITCH:].rename("XSMO minus IJR")
        return self.memo("xsmo_minus_ijr", compute)

    def outcome(self, name: str) -> pd.Series:
        """The monthly series whose behaviour after small caps lead M5 reads (decimal): ``smb``
        (French's SMB, small-cap leadership itself) or ``wml`` (small-cap momentum), both over the
        months the size x prior-return portfolios cover, so that the two are read on the same
        months."""
        months = self.momentum["small"].dropna().index
        s = self.factors["smb"] if name == "smb" else self.momentum["small"]
        return s.loc[(s.index >= months.min()) & (s.index <= months.max())].rename(name)

    def leadership(self, lead_measure: str, lead_months: int) -> pd.Series:
        """``leading``/``lagging`` per month, known before it: French's SMB compounded over the
        previous ``lead_months`` (``smb``), or IWM against SPY over them (``iwm-spy``)."""
        def compute():
            if lead_measure == "smb":
                return am.leadership(self.factors["smb"], None, lead_months)
            r = am.monthly_returns(self.closes[["IWM", "SPY"]])  # IWM's first month is partial: dropped
            return am.leadership(r["IWM"], r["SPY"], lead_months)
        return self.memo(("leadership", lead_measure, lead_months), compute)

    def yield_moves(self, source: str) -> pd.Series:
        """``rising``/``falling``: the 10-year yield's move over each month (``shiller``: Shiller's
        monthly yield; ``tnx``: month-end ``^TNX``)."""
        return self.memo(("yield_moves", source),
                         lambda: am.yield_moves(self.gs10 if source == "shiller" else am.month_end(self.tnx)))

    def fund_records(self, since, end) -> pd.DataFrame:
        """:func:`analytics.momentum.fund_records` of XSMO and its peers from ``since`` to ``end``."""
        key = ("fund_records", pd.Timestamp(since), pd.Timestamp(end))
        return self.memo(key, lambda: am.fund_records(self.closes[[FUND, *PEERS]], self.rf_daily, since, end,
                                                      {t: d for t, (d, _) in REINDEXED.items()}))

    def fund_gaps(self, since, end, peers=tuple(PEERS)) -> pd.DataFrame:
        """:func:`analytics.momentum.fund_gaps` of XSMO over ``peers`` from ``since`` to ``end``."""
        key = ("fund_gaps", pd.Timestamp(since), pd.Timestamp(end), tuple(peers))
        return self.memo(key, lambda: am.fund_gaps(self.closes, FUND, list(peers), since, end))


# -- the window --------------------------------------------------------------------------------------


def check_window(window) -> None:
    """Refuse a window shorter than :data:`MIN_WINDOW_DAYS` (one line naming start, end and the
    minimum); any longer window gives a complete chapter, each claim deciding or saying why not."""
    days = (window.end - window.start).days + 1
    if days < MIN_WINDOW_DAYS:
        raise ParameterError(f"start={window.start.date()} and end={window.end.date()} span {days} days; "
                             f"the momentum chapter needs at least {MIN_WINDOW_DAYS} (end on or after start)")


def months_of(window) -> tuple[pd.Period, pd.Period]:
    """First and last calendar month lying wholly inside the window (a month's return is used only
    when the whole month is in the window)."""
    return full_month_range(window.start, window.end)


def in_months(s, window):
    """The rows of a monthly series or frame whose month lies wholly inside the window."""
    lo, hi = months_of(window)
    return s.loc[(s.index >= lo) & (s.index <= hi)]


def in_days(s, window):
    """The rows of a daily series or frame inside the window."""
    return s.loc[(s.index >= window.start) & (s.index <= window.end)]


def fund_reason(inputs: MomentumInputs, window, since: pd.Timestamp, what: str) -> str | None:
    """Why XSMO's record from ``since`` cannot be judged in the window (what data would), or None."""
    x = inputs.closes[FUND].dropna()
    first, last = x.index.min(), x.index.max()
    if window.end < first:
        return (f"The window ({window.start.date()} to {window.end.date()}) ends before XSMO's first price "
                f"({first.date()}); ETF prices over at least a year from {since.date()} would decide it.")
    if window.start > since:
        return (f"The window starts {window.start.date()}, after the claim's start ({what}); "
                f"a window starting by {since.date()} with ETF prices decides it.")
    inside = x.loc[since:window.end]
    if len(inside) < MIN_FUND_DAYS + 1:
        return (f"The window ({window.start.date()} to {window.end.date()}) holds {max(len(inside) - 1, 0)} daily XSMO "
                f"returns from {since.date()} (prices {first.date()} to {last.date()}); ETF prices over at least a "
                f"year from {since.date()} would decide it.")
    return None


def xsmo_first_close(inputs: MomentumInputs) -> pd.Timestamp:
    return inputs.closes[FUND].first_valid_index()


# -- loading -------------------------------------------------------------------------------------------


def load_inputs(data: DataSession, params: dict | None = None) -> MomentumInputs:
    """Load the chapter's data: French's size x prior-return portfolios and factors, the VIX, FRED's
    credit and high-yield spreads, Shiller's yield, the funds' and indices' prices, and the S&P 600
    and S&P 400 member panels with their stocks' prices (whole histories).

    ``params`` (the chapter's own parameters) is accepted for the common signature: the regime
    definitions are choices of the claims that read them, and change nothing that is loaded.
    """
    six = data.french("6_Portfolios_ME_Prior_12_2")
    ff = data.french("F-F_Research_Data_Factors")
    umd = data.french("F-F_Momentum_Factor")
    five = data.french("F-F_Research_Data_5_Factors_2x3")
    mom = am.momentum_spreads(from_percent(six["vw_monthly"]))
    f = from_percent(ff["monthly"])
    factors = pd.DataFrame({"mkt_rf": f["Mkt-RF"], "smb": f["SMB"], "hml": f["HML"], "rf": f["RF"],
                            "market": f["Mkt-RF"] + f["RF"]})
    factors["umd"] = from_percent(umd["monthly"]).iloc[:, 0].reindex(factors.index)
    f5 = from_percent(five["monthly"])
    ff5 = pd.DataFrame({"mkt_rf": f5["Mkt-RF"], "smb": f5["SMB"], "hml": f5["HML"], "rmw": f5["RMW"],
                        "cma": f5["CMA"]})
    vix = data.vix().frame["close"].dropna()
    baa, aaa = data.fred("BAA").frame["BAA"], data.fred("AAA").frame["AAA"]
    baa10, aaa10 = data.fred("BAA10Y").frame["BAA10Y"], data.fred("AAA10Y").frame["AAA10Y"]
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
    gs10 = data.shiller().frame["gs10"].dropna()
    hy = data.fred("BAMLH0A0HYM2").frame["BAMLH0A0HYM2"].dropna()
    px = data.prices([FUND, *PEERS, *OTHER_TICKERS]).close
    tnx = px["^TNX"].dropna()
    rf_daily = (px["^IRX"] / 100.0 / am.TRADING_DAYS).dropna().shift(1)  # yield at the previous close
    closes = px.drop(columns=["^TNX", "^IRX"])
    members = {index: data.membership(index) for index in BREADTH_INDICES}
    listed = set(data.stock_tickers())
    tickers = sorted({t for m in members.values() for t in m.spells()["ticker"]} & listed)
    stocks = data.prices(tickers).close if tickers else pd.DataFrame(index=closes.index[:0])
    vintages = {
        "french6": f"{six.provenance.vintage or 'French'}, to {six.provenance.last}",
        "ff": f"{ff.provenance.vintage or 'French'}, to {ff.provenance.last}",
        "umd": f"{umd.provenance.vintage or 'French'}, to {umd.provenance.last}",
        "ff5": f"{five.provenance.vintage or 'French'}, to {five.provenance.last}",
        "yahoo": f"Yahoo adjusted closes to {closes.index.max().date()}",
    }
    return MomentumInputs(momentum=mom, factors=factors, ff5=ff5, vix=vix, credit=credit, credit_source=credit_source,
                          gs10=gs10, hy=hy, tnx=tnx, closes=closes, rf_daily=rf_daily, members=members, stocks=stocks,
                          vintages=vintages)

