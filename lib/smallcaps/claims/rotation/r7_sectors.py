"""R7. Domestic cyclicals against mega-cap defensives. Source [C], 2026.

Claim: in 2026 the first-order winners are domestic cyclicals; mega-cap defensives lose.

Evidence: year-to-date returns on the reading date of an equal-weight basket of small-cap
cyclical sector ETFs (S&P SmallCap 600: industrials, consumer discretionary, financials,
materials, energy) against one of mega-cap defensive Select Sector SPDRs (staples, utilities,
health care), with a band from the pair's daily noise; cyclicals against IJR and defensives
against SPY; by quarter and for the year before. Units: returns decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import year_to_date
from ...display import Fact, Text, iso, pct, pp, raw, text
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample
from .common import NO_ROWS, RotationClaim, band_phrase, spread_statistic
from .inputs import CLAIM_YEAR, LARGE_SECTORS, MARKET, SMALL_SECTORS, ytd_daily_diff
from .inputs import band as spread_band

CYCLICALS = "PSCI, PSCD, PSCF, PSCM, PSCE"  # small-cap domestic cyclicals
DEFENSIVES = "XLP, XLU, XLV"  # mega-cap defensives
SMALL_DEFENSIVES = ("PSCU", "PSCH", "PSCC")
SPREAD_COLUMNS = ("cyclicals minus defensives", "cyclicals minus IJR", f"defensives minus {MARKET}",
                  "small cyclicals minus small defensives")
YEAR_ROW = f"{CLAIM_YEAR} to date"
PRIOR_ROW = f"{CLAIM_YEAR - 1} (comparison)"
GROUPS = ("small-cap cyclical", "small-cap other", "large-cap defensive", "large-cap other", "index")


def _tickers(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


def _check(universe):
    def check(v) -> str | None:
        ts = _tickers(v) if isinstance(v, str) else []
        return None if ts and all(t in universe for t in ts) else f"comma-separated tickers of {', '.join(universe)}"
    return check


def _spreads(lv: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> dict:
    """The four spreads (decimal) from the last close before ``start`` to the last on or before ``end``."""
    base = lv.loc[: start - pd.Timedelta(days=1)].iloc[-1]
    last = lv.loc[:end].iloc[-1]
    r = last / base - 1
    return {SPREAD_COLUMNS[0]: r["cyclicals"] - r["defensives"], SPREAD_COLUMNS[1]: r["cyclicals"] - r["IJR"],
            SPREAD_COLUMNS[2]: r["defensives"] - r[MARKET],
            SPREAD_COLUMNS[3]: r["cyclicals"] - r["small defensives"]}


@dataclass
class R7Evidence:
    """Evidence for R7 (decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    ytd
        Year-to-date return (``year to date``) of every sector ETF, IJR and SPY on the reading
        date, with its size, sector and group.
    spreads
        The four spreads (:data:`SPREAD_COLUMNS`) for the claim year to date, its quarters, and
        the calendar year before (as a comparison).
    band
        (low, high, method): the band of cyclicals minus defensives.
    """

    reason: str
    reading_date: pd.Timestamp | None
    ytd: pd.DataFrame
    spreads: pd.DataFrame
    band: tuple[float, float, str] | None
    n_days: int
    first_day: pd.Timestamp | None = None

    def value(self, column: str) -> float | None:
        """A spread of the claim year to date (decimal), or None."""
        return None if self.reason else float(self.spreads.loc[YEAR_ROW, column])


class R7(RotationClaim):
    id: ClassVar[str] = "R7"
    heading: ClassVar[str] = "Domestic cyclicals against mega-cap defensives"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = f"cyclicals minus defensives, {CLAIM_YEAR} YTD"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("cyclicals", CYCLICALS, {"without energy": "PSCI, PSCD, PSCF, PSCM", "industrials only": "PSCI"},
               "the small-cap domestic cyclical sector ETFs (S&P SmallCap 600), equal weight",
               check=_check(tuple(SMALL_SECTORS))),
        Choice("defensives", DEFENSIVES, {"with real estate": "XLP, XLU, XLV, XLRE"},
               "the mega-cap defensive sector ETFs (Select Sector SPDRs), equal weight",
               check=_check(tuple(LARGE_SECTORS))),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R7",
        claim=f"In {CLAIM_YEAR} the first-order winners are domestic cyclicals; mega-cap defensives lose",
        hypothesis=f"in {CLAIM_YEAR} year to date small-cap cyclical sectors beat the small-cap index and "
                   f"large-cap defensive sectors trail the S&P 500.",
        statistic="year-to-date return of an equal-weight basket of small-cap cyclicals ({cyclicals}) "
                  "minus one of mega-cap defensives ({defensives}), in pp, on the reading date, with a "
                  "band of 1.96 HAC standard errors of the summed daily difference; plus cyclicals minus IJR and "
                  f"defensives minus {MARKET}.",
        supported=f"cyclicals beat defensives, cyclicals beat IJR and defensives trail {MARKET}",
        partly="cyclicals beat defensives but only one of the other two holds",
        not_supported="cyclicals do not beat defensives, or neither of the other two holds",
        untestable=f"the window lacks {CLAIM_YEAR} or the sector ETFs have no close at the end of {CLAIM_YEAR - 1}",
    )

    @property
    def cyclicals(self) -> list[str]:
        return _tickers(self.spec.cyclicals)

    @property
    def defensives(self) -> list[str]:
        return _tickers(self.spec.defensives)

    def group(self, t: str) -> str:
        """The ETF's group in the figure: small-cap cyclical or other, large-cap defensive or other, index."""
        if t in ("IJR", MARKET):
            return "index"
        if t in self.cyclicals:
            return "small-cap cyclical"
        if t in SMALL_SECTORS:
            return "small-cap other"
        if t in self.defensives:
            return "large-cap defensive"
        return "large-cap other"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R7Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = [*SMALL_SECTORS, *LARGE_SECTORS, "IJR", MARKET]
        needed = [*self.cyclicals, *self.defensives, *SMALL_DEFENSIVES, "IJR", MARKET]
        problem = cut.year_problem(needed, as_of)
        if problem:
            return R7Evidence(problem, None, pd.DataFrame(), pd.DataFrame(), None, 0)
        reading = cut.reading_date(needed, as_of)
        c = cut.close
        # one set of basket levels from December two years back, so both years can be read from it
        sub = c.loc[pd.Timestamp(CLAIM_YEAR - 2, 12, 1): reading]
        lv = pd.concat({"cyclicals": rot.equal_weight(sub[self.cyclicals], name="basket"),
                        "defensives": rot.equal_weight(sub[self.defensives], name="basket"),
                        "small defensives": rot.equal_weight(sub[list(SMALL_DEFENSIVES)], name="basket"),
                        "IJR": sub["IJR"], MARKET: sub[MARKET]}, axis=1, sort=True).dropna()
        ytd_all = year_to_date(c[tickers], reading).loc[reading]
        ytd = pd.DataFrame({"size": ["small" if t in SMALL_SECTORS or t == "IJR" else "large" for t in tickers],
                            "sector": [SMALL_SECTORS.get(t) or LARGE_SECTORS.get(t) or ("S&P 600" if t == "IJR"
                                                                                        else "S&P 500")
                                       for t in tickers],
                            "group": [self.group(t) for t in tickers],
                            "year to date": ytd_all.values}, index=tickers).dropna(subset=["year to date"])
        ytd.index.name = "ETF"
        ytd = ytd.sort_values("year to date", ascending=False)
        rows = {YEAR_ROW: _spreads(lv, pd.Timestamp(CLAIM_YEAR, 1, 1), reading)}
        for q in range(1, 5):
            qs = pd.Timestamp(CLAIM_YEAR, 3 * q - 2, 1)
            if qs > reading:
                break
            q_end = qs + pd.offsets.QuarterEnd(0)
            qe = min(reading, q_end)
            rows[f"Q{q}" + (" to date" if qe < q_end else "")] = _spreads(lv, qs, qe)
        if lv.index[0] <= pd.Timestamp(CLAIM_YEAR - 2, 12, 31):
            rows[PRIOR_ROW] = _spreads(lv, pd.Timestamp(CLAIM_YEAR - 1, 1, 1), pd.Timestamp(CLAIM_YEAR - 1, 12, 31))
        spreads = pd.DataFrame(rows).T
        spreads.index.name = "period"
        daily = ytd_daily_diff(lv["cyclicals"], lv["defensives"], reading)
        band = spread_band(daily, spreads.loc[YEAR_ROW, SPREAD_COLUMNS[0]])
        return R7Evidence("", reading, ytd, spreads, band, len(daily), first_day=daily.index[0])

    def untestable(self, ev: R7Evidence) -> str | None:
        if not ev.reason:
            return None
        return f"Untestable here because {ev.reason}; a window that includes {CLAIM_YEAR} decides it."

    def decide(self, ev: R7Evidence) -> Decision:
        spread = ev.value(SPREAD_COLUMNS[0])
        cyc_ijr, def_spy = ev.value(SPREAD_COLUMNS[1]), ev.value(SPREAD_COLUMNS[2])
        cyc_win, def_lose = cyc_ijr > 0, def_spy < 0
        if spread <= 0 or not (cyc_win or def_lose):
            verdict = NOT_SUPPORTED
        elif cyc_win and def_lose:
            verdict = SUPPORTED
        else:
            verdict = PARTLY
        note = (f"Cyclicals minus defensives {100 * spread:.1f} pp; cyclicals minus IJR {100 * cyc_ijr:.1f} pp; "
                f"defensives minus {MARKET} {100 * def_spy:.1f} pp, to {iso(ev.reading_date)}.")
        return Decision(verdict, spread_statistic(self.statistic_name, spread, ev.band),
                        Sample(iso(ev.first_day), iso(ev.reading_date), ev.n_days, "daily"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def spreads_table(self) -> pd.DataFrame | Text:
        """The four spreads (pp): the claim year to date, its quarters, the year before."""
        if self.evidence.spreads.empty:
            return Text(NO_ROWS)
        return (100 * self.evidence.spreads).round(1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.sector_bars`."""
        ev = self.evidence
        t = ev.ytd.reset_index()
        data = pd.DataFrame({"label": t["ETF"] + "  " + t["sector"], "return (%)": 100 * t["year to date"],
                             "group": t["group"]})
        x, y = ev.value(SPREAD_COLUMNS[0]), ev.value(SPREAD_COLUMNS[1])
        joint = "and" if (x > 0) == (y > 0) else "but"
        title = (f"Small-cap cyclicals {'beat' if x > 0 else 'trailed'} mega-cap defensives by {abs(100 * x):.1f} pp "
                 f"in {CLAIM_YEAR}, {joint} {'beat' if y > 0 else 'trailed'} the S&P 600 by {abs(100 * y):.1f} pp")
        return {"data": data, "groups": GROUPS, "title": title,
                "xlabel": f"{CLAIM_YEAR} year-to-date total return to {ev.reading_date:%-d %b %Y} (%)",
                "note": "Small caps: Invesco S&P SmallCap 600 sector ETFs (PSC*); large caps: Select Sector SPDRs "
                        "(XL*)."}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"r7_prev_year": raw(CLAIM_YEAR - 1, "{:d}")}
        if not self.testable:
            return g
        ev = self.evidence
        lo, hi, _ = ev.band or (None, None, None)
        top = ev.ytd.index[0]
        defs = ev.ytd.loc[self.defensives, "year to date"].sort_values()
        g.update({
            "r7_date": text(iso(ev.reading_date)),
            "r7_beaten": text("had beaten" if ev.value(SPREAD_COLUMNS[0]) > 0 else "had trailed"),
            "r7_spread_abs": pp(abs(ev.value(SPREAD_COLUMNS[0])), 1),
            "r7_lo": pp(lo, 1), "r7_hi": pp(hi, 1),
            "r7_band_phrase": text(band_phrase(ev.band)),
            "r7_cyc_ijr": pp(ev.value(SPREAD_COLUMNS[1]), 1),
            "r7_def_spy": pp(ev.value(SPREAD_COLUMNS[2]), 1),
            "r7_small": pp(ev.value(SPREAD_COLUMNS[3]), 1),
            "r7_top": text(top), "r7_top_sector": text(ev.ytd.loc[top, "sector"]),
            "r7_top_ytd": pct(ev.ytd.loc[top, "year to date"], 1),
            "r7_prev": pp(ev.spreads.loc[PRIOR_ROW, SPREAD_COLUMNS[0]] if PRIOR_ROW in ev.spreads.index else None, 1),
            "r7_q_text": text(self.phrase_quarters()),
            "r7_worst_def": text(defs.index[0]), "r7_worst_def_ytd": pct(defs.iloc[0], 1),
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        return {"r7_prev": self.testable and PRIOR_ROW in ev.spreads.index,
                "r7_band": self.testable and ev.band is not None}

    def phrase_quarters(self) -> str:
        """``Q1: +8.4 pp; Q2: +5.9 pp; Q3 to date: -3.0 pp``: cyclicals minus defensives by quarter."""
        sp = self.evidence.spreads
        q = sp.loc[[i for i in sp.index if i.startswith("Q")], SPREAD_COLUMNS[0]]
        return "; ".join(f"{k}: {100 * v:+.1f} pp" for k, v in q.items())
