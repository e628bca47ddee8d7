"""The rotation chapter's inputs, loaded once and shared by R1-R7, and what the claims share.

Every series is kept whole (its full history). A claim cuts the window it needs with
:meth:`RotationInputs.cut`, so one load serves any number of windows and specifications.

The claims' shared numbers are typed once, below, with their source (``shared/theses.md``):
[A] "Industrials Drive Gains for OUSM Small-Cap ETF" (early 2026) and [C] "US small caps
outperform large caps by 8.5 points year to date" (2026). Units: prices in USD (adjusted
closes), ``^TNX`` and the credit spreads in percent, VIX in index points, French returns in
percent as published; everything the claims derive is decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd

from ...analytics import rotation as rot
from ...data import DataSession
from ...display import Fact, count, raw, text
from ...errors import DataError, ParameterError
from ..base import ChapterInputs

CLAIM_YEAR = 2026  # [A], [C]: both speak of 2026 year to date
ROUNDING_TOL_PP = 0.05  # a figure quoted to one decimal matches within half of its last digit (pp)
#: The shortest window the chapter accepts, in calendar days (start and end included): every
#: claim reads returns, and a return needs two closes. Longer windows always give a chapter, each
#: claim decided or "untestable with available data" with its reason.
MIN_WINDOW_DAYS = 2
#: The fewest daily differences a band of HAC standard errors is computed from (else no band).
MIN_BAND_DAYS = 3

#: The days [A] could have been written: the 2026 days on which OUSM's year-to-date return
#: (adjusted closes) closed within 0.05 pp of the 4.6% [A] quotes, or passed through 4.6% between two
#: closes (R2's evidence on the reference snapshot, checked by the tests). [A] is dated only "early
#: 2026"; the first of these days is when it could first have been written, and dates R2, R3 and R5.
A_DATES = ("2026-01-15", "2026-01-16", "2026-01-21", "2026-01-23", "2026-02-02", "2026-02-03", "2026-02-04",
           "2026-03-06", "2026-04-08", "2026-04-10", "2026-04-13", "2026-05-19")
#: The first day [C] could have been written: the first close of 2026 at which IWM's
#: year-to-date lead over SPY reached the 8.5 pp it quotes, to one decimal (R1's evidence on the
#: reference snapshot, checked by the tests). It dates R1 and R7.
C_DATE = "2026-01-22"

#: The two commentaries this chapter tests, by their labels in ``shared/theses.md``.
SOURCES = {
    "A": '"Industrials Drive Gains for OUSM Small-Cap ETF" (research-terminal note, early 2026)',
    "C": '"US small caps outperform large caps by 8.5 points year to date" (news summary, 2026)',
}

# -- the instruments ----------------------------------------------------------------------------------

SMALL = ("IWM", "IJR", "VTWO")  # Russell 2000 (iShares), S&P SmallCap 600, Russell 2000 (Vanguard)
LARGE = ("SPY", "IVV")  # S&P 500 (SPDR, iShares)
PAIRS = tuple((s, b) for s in SMALL for b in LARGE)
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
TNX = "^TNX"
TICKERS = tuple(dict.fromkeys(SMALL + LARGE + tuple(QUALITY) + tuple(SMALL_SECTORS) + tuple(LARGE_SECTORS) + (TNX,)))
HY = "BAMLH0A0HYM2"

FRENCH_FILES = ("F-F_Research_Data_Factors", "F-F_Research_Data_5_Factors_2x3", "25_Portfolios_ME_OP_5x5",
                "Portfolios_Formed_on_E-P", "Portfolios_Formed_on_D-P", "Portfolios_Formed_on_ME")


@dataclass
class RotationWindow:
    """The chapter's inputs cut to one window: what the claims read for it.

    Built (once per window) by :meth:`RotationInputs.cut`; shared, so callers must not modify it.

    Attributes
    ----------
    window
        The window (``smallcaps.params.Window``).
    close
        Adjusted closes, the window's days (start..end).
    french
        The French monthly tables (percent), the window's months, plus ``smb_annual``:
        calendar-year SMB (percent) of the years lying wholly inside the window.
    hy, vix
        High-yield spread (percent) and VIX close, the window's days.
    baa_aaa
        Moody's Baa minus Aaa yield (percent), the window's months.
    last_common
        The last day of the whole data on which every ETF of the chapter has a close.
    """

    window: Any
    close: pd.DataFrame
    french: dict[str, pd.DataFrame]
    hy: pd.Series
    baa_aaa: pd.Series
    vix: pd.Series
    last_common: pd.Timestamp | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def section(self) -> str:
        """The name under which the chapter kit records this window's flags."""
        return "rot"

    def memo(self, key, compute):
        """``compute()`` once per window and ``key`` (shared: do not modify what it returns)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def quality_basket(self) -> pd.Series:
        """The equal-weight basket of :data:`QUALITY` (levels from 1.0), rebalanced daily over the
        window's days on which all five funds quote.

        Raises
        ------
        DataError
            The five funds share fewer than 2 days in the window (the message says so in words).
        """
        def compute():
            try:
                return rot.equal_weight(self.close[list(QUALITY)], name=BASKET)
            except DataError:
                return DataError(f"the five quality ETFs ({', '.join(QUALITY)}) do not all quote on two or more days "
                                 f"of the window")
        out = self.memo("quality basket", compute)
        if isinstance(out, DataError):
            raise out
        return out

    def facts(self) -> dict[str, Fact]:
        """The window's own set-up fact: its as-of date."""
        return {"rot_as_of": text(self.window.as_of.date().isoformat())}

    def all_flags(self) -> dict[str, bool]:
        """``rot_as_of_last_common``: the as-of date is the data's last day with every ETF's close."""
        return {"rot_as_of_last_common": self.last_common is not None and self.window.as_of == self.last_common}

    # -- the claim year's year-to-date window ----------------------------------------------------

    def reading_date(self, tickers, as_of) -> pd.Timestamp | None:
        """The reading date: the last day on or before ``min(as_of, end of the claim year)`` in the
        window on which every one of ``tickers`` has a close (None if there is none)."""
        limit = min(pd.Timestamp(as_of), pd.Timestamp(CLAIM_YEAR, 12, 31))
        sub = self.close[list(tickers)].loc[:limit].dropna()
        return sub.index.max() if len(sub) else None

    def year_problem(self, tickers, as_of) -> str:
        """Why the window has no claim-year year-to-date window for ``tickers`` ('' if it has one):
        as_of before the claim year, no close of every ticker on the last trading day of the
        year before (inside the window), or no claim-year day with every close up to as_of."""
        w = self.window
        as_of = pd.Timestamp(as_of)
        if as_of < pd.Timestamp(CLAIM_YEAR, 1, 1):
            return (f"the window ends {w.end.date()} (as of {as_of.date()}), before {CLAIM_YEAR}: it has no "
                    f"{CLAIM_YEAR} year-to-date data")
        sub = self.close[list(tickers)]
        base = sub.loc[: pd.Timestamp(CLAIM_YEAR - 1, 12, 31)]
        if base.empty or base.iloc[-1].isna().any() or base.index[-1].year != CLAIM_YEAR - 1:
            return (f"the window ({w.start.date()} to {w.end.date()}) has no close on the last trading day of "
                    f"{CLAIM_YEAR - 1} for {', '.join(tickers)}, the base of a {CLAIM_YEAR} year-to-date return")
        cur = sub.loc[pd.Timestamp(CLAIM_YEAR, 1, 1): as_of].dropna()
        if cur.empty:
            return f"the window has no {CLAIM_YEAR} trading day with prices for {', '.join(tickers)} up to {as_of.date()}"
        return ""


def check_window(window) -> None:
    """Refuse a window shorter than :data:`MIN_WINDOW_DAYS` (before any data is loaded).

    Raises
    ------
    ParameterError
        One line naming start and end and the minimum.
    """
    days = (window.end - window.start).days + 1
    if days < MIN_WINDOW_DAYS:
        raise ParameterError(f"start={window.start.date()} and end={window.end.date()} span {days} day; the rotation "
                             f"chapter needs at least {MIN_WINDOW_DAYS} days (a return needs two closes)")


def band(daily: pd.Series, value: float) -> tuple[float, float, str] | None:
    """The band of 1.96 HAC standard errors of a summed daily difference around ``value``
    (:func:`analytics.rotation.cumulated_band`), or None with fewer than :data:`MIN_BAND_DAYS` days."""
    return rot.cumulated_band(daily, value) if len(daily.dropna()) >= MIN_BAND_DAYS else None


def ytd_daily_diff(a: pd.Series, b: pd.Series, reading: pd.Timestamp) -> pd.Series:
    """Daily return differences of A and B (decimal) from the first trading day of the claim year
    to the reading date (the first day's return is measured from the prior year's last close)."""
    both = pd.concat([a, b], axis=1, sort=True).loc[: reading].dropna()
    diff = rot.relative_daily(both.iloc[:, 0], both.iloc[:, 1])
    return diff.loc[pd.Timestamp(CLAIM_YEAR, 1, 1): reading]


@dataclass
class RotationInputs(ChapterInputs):
    """Everything the chapter reads, loaded once through the chapter's data session, whole.

    Attributes
    ----------
    close
        Adjusted closes (USD) of :data:`TICKERS` (``^TNX`` in percent), daily, full history.
    french
        Monthly tables in percent, keyed ``factors`` (Mkt-RF, SMB, HML, RF), ``ff5`` (+ RMW, CMA),
        ``op_vw``/``op_ew`` (25 size x OP portfolios), ``ep_vw``/``ep_ew``/``ep_firms``/``ep_size``,
        ``dp_vw``/``dp_ew``/``dp_firms``/``dp_size``, ``me_vw`` (size portfolios, value weighted:
        ``Lo 20`` is the smallest NYSE quintile, R5's small-cap universe).
    smb_annual
        Calendar-year SMB (percent), indexed by annual period.
    hy
        ICE BofA US high-yield option-adjusted spread, daily, percent.
    baa_aaa
        Moody's Baa minus Aaa yield, monthly (PeriodIndex), percent (long-history credit regime).
    vix
        CBOE VIX close, daily, index points.
    vintages
        Short provenance strings by source key (``yahoo``, ``french_op``, ``french_ep``,
        ``french_ff``, ``french_me``, ``hy``, ``vix``, and ``holdings`` with a holdings file), for
        the results contract.
    holdings, holdings_close, holdings_provenance
        With the user's OUSM holdings file (``ousm_holdings_csv``): its table
        (:func:`smallcaps.sources.ousm_holdings.parse`), the adjusted closes of its names that
        the snapshot's stock panel or ETF files have, and the file's provenance record (name and
        sha256); None without one.
    """

    chapter: ClassVar[str] = "rotation"
    default_start: ClassVar[str] = "1926-07-01"
    default_end: ClassVar[str] = "2026-07-13"

    close: pd.DataFrame
    french: dict[str, pd.DataFrame]
    smb_annual: pd.Series
    hy: pd.Series
    baa_aaa: pd.Series
    vix: pd.Series
    vintages: dict[str, str]
    holdings: pd.DataFrame | None = None
    holdings_close: pd.DataFrame | None = None
    holdings_provenance: dict | None = None
    _memo: dict = field(default_factory=dict, repr=False)

    def coverage(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First date of any input and last date of the ETF prices (for ``Chapter.coverage_check``)."""
        firsts = [self.close.index.min(), self.hy.index.min(), self.vix.index.min()] + [
            t.index.min().to_timestamp() for t in self.french.values()]
        return min(firsts), self.close.index.max()

    def vintage(self, *names: str) -> str:
        """The vintages of the named sources (:attr:`vintages` keys), ``; ``-separated."""
        return "; ".join(self.vintages[n] for n in names)

    def last_quotes(self) -> pd.Series:
        """Each ETF's last quote (``^TNX`` left out)."""
        return self.close.apply(pd.Series.last_valid_index).drop(TNX)

    def last_common_date(self, tickers=None) -> pd.Timestamp:
        """Last date on which every ticker (default: all ETFs) has a close."""
        cols = [t for t in (tickers or TICKERS) if t != TNX]
        return self.close[cols].dropna().index.max()

    def cut(self, window) -> RotationWindow:
        """The inputs cut to ``window`` (daily series to start..end, monthly to the months of
        start..end, calendar-year SMB to the years wholly inside), once per window.

        Raises
        ------
        ParameterError
            The window is shorter than :data:`MIN_WINDOW_DAYS` (:func:`check_window`).
        """
        check_window(window)

        def compute():
            w = window
            first, last = pd.Period(w.start, "M"), pd.Period(w.end, "M")
            french = {k: v.loc[first:last] for k, v in self.french.items()}
            years = [p for p in self.smb_annual.index if p.start_time >= w.start and p.end_time.normalize() <= w.end]
            french["smb_annual"] = self.smb_annual.loc[years].rename(index=lambda p: p.year)
            return RotationWindow(window=w, close=self.close.loc[w.start: w.end], french=french,
                                  hy=self.hy.loc[w.start: w.end], baa_aaa=self.baa_aaa.loc[first:last],
                                  vix=self.vix.loc[w.start: w.end], last_common=self.last_common_date())
        return self.memo(("cut", window), compute)

    def facts(self) -> dict[str, Fact]:
        """The chapter's set-up numbers: its data's last quotes and the claim year."""
        etfs = self.last_quotes()
        last_common = etfs.min()
        early = sorted(etfs[etfs == last_common].index) if etfs.max() > last_common else []
        return {
            "rot_last_common": text(last_common.date().isoformat()),
            "rot_last_any": text(etfs.max().date().isoformat()),
            "rot_n_early": count(len(early)),
            "rot_early": text(", ".join(early) if early else "none"),
            "rot_n_etfs": count(len(etfs)),
            "rot_claim_year": raw(CLAIM_YEAR, "{:d}"),
            "rot_prior_year": raw(CLAIM_YEAR - 1, "{:d}"),
            "rot_src_a": text(SOURCES["A"]),
            "rot_src_c": text(SOURCES["C"]),
        }


def load_inputs(data: DataSession, params: dict | None = None) -> RotationInputs:
    """Load the chapter's data through the session, whole: the ETF prices, six French files,
    FRED's high-yield and Moody's spreads, and the VIX; and, when ``params`` names one
    (``ousm_holdings_csv``), the user's OUSM holdings file with the prices of its names.

    ``params``: the chapter's own parameters (R6's specification changes nothing that is
    loaded).

    Raises
    ------
    ParameterError
        A holdings file that is not a file or is malformed (one line naming the row and column).
    """
    params = dict(params or {})
    holdings = holdings_close = holdings_prov = None
    if params.get("ousm_holdings_csv") not in (None, ""):
        # checked before the heavy loading: a bad file fails in one line
        loaded = data.user_file(params["ousm_holdings_csv"], kind="ousm_holdings")  # in the data appendix
        holdings, holdings_prov = loaded.frame, loaded.provenance.to_dict()
    px = data.prices(list(TICKERS))
    f = {n: data.french(n) for n in FRENCH_FILES}
    french = {
        "factors": f["F-F_Research_Data_Factors"]["monthly"],
        "ff5": f["F-F_Research_Data_5_Factors_2x3"]["monthly"],
        "op_vw": f["25_Portfolios_ME_OP_5x5"]["vw_monthly"], "op_ew": f["25_Portfolios_ME_OP_5x5"]["ew_monthly"],
        "ep_vw": f["Portfolios_Formed_on_E-P"]["vw_monthly"], "ep_ew": f["Portfolios_Formed_on_E-P"]["ew_monthly"],
        "ep_firms": f["Portfolios_Formed_on_E-P"]["firms"], "ep_size": f["Portfolios_Formed_on_E-P"]["avg_size"],
        "dp_vw": f["Portfolios_Formed_on_D-P"]["vw_monthly"], "dp_ew": f["Portfolios_Formed_on_D-P"]["ew_monthly"],
        "dp_firms": f["Portfolios_Formed_on_D-P"]["firms"], "dp_size": f["Portfolios_Formed_on_D-P"]["avg_size"],
        "me_vw": f["Portfolios_Formed_on_ME"]["vw_monthly"],
    }
    hy = data.fred(HY).frame[HY].dropna()
    baa, aaa = data.fred("BAA").frame["BAA"], data.fred("AAA").frame["AAA"]
    vix = data.vix().frame["close"].dropna()
    credit = (baa - aaa).dropna()
    credit.index = credit.index.to_period("M")
    vintages = {
        "yahoo": f"Yahoo adjusted closes to {max(p.last for p in px.provenance)}",
        "french_op": f"French 25 size x OP portfolios {f['25_Portfolios_ME_OP_5x5'].provenance.vintage}",
        "french_ep": f"French E/P and D/P portfolios {f['Portfolios_Formed_on_E-P'].provenance.vintage}",
        "french_ff": f"French factors {f['F-F_Research_Data_Factors'].provenance.vintage}",
        "french_me": f"French size portfolios {f['Portfolios_Formed_on_ME'].provenance.vintage}",
        "hy": f"FRED {HY} to {hy.index.max().date()}",
        "vix": f"CBOE VIX to {vix.index.max().date()}",
    }
    if holdings is not None:
        names = sorted({t for t in holdings["ticker"] if t})
        known = set(data.stock_tickers()) | set(data.etf_tickers())
        priced = [t for t in names if t in known]
        holdings_close = data.prices(priced).close if priced else pd.DataFrame()
        vintages["holdings"] = f"OUSM holdings {holdings_prov['location']} (sha256 {holdings_prov['sha256'][:12]})"
    return RotationInputs(close=px.close, french=french, smb_annual=f["F-F_Research_Data_Factors"]["annual"]["SMB"],
                          hy=hy, baa_aaa=credit, vix=vix, vintages=vintages, holdings=holdings,
                          holdings_close=holdings_close, holdings_provenance=holdings_prov)
