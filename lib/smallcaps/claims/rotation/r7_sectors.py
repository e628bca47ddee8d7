"""R7. Domestic cyclicals against mega-cap defensives. Source [C], 2026.

Claim: in 2026 the first-order winners are domestic cyclicals; mega-cap defensives lose.

Evidence: year-to-date returns of an equal-weight basket of small-cap cyclical sector ETFs (S&P
SmallCap 600: industrials, consumer discretionary, financials, materials, energy) against one of
mega-cap defensive Select Sector SPDRs (staples, utilities, health care), with a noise band from
the pair's daily noise; cyclicals against IJR and defensives against SPY; on the claim's date (the
first day [C] could have been written, which decides) and on the reading date; by quarter and for
the year before; and without energy, whose 2026 rally is debatable as "domestic". Units: returns
decimal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import year_to_date
from ...display import Fact, Text, iso, pct, percent, pp, raw, text
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample
from .common import NO_ROWS, RotationClaim, band_phrase, decided_at_choice, spread_statistic
from .inputs import C_DATE, CLAIM_YEAR, LARGE_SECTORS, MARKET, SMALL_SECTORS, ytd_daily_diff
from .inputs import band as spread_band
from .registered import REGISTERED

CYCLICALS = "PSCI, PSCD, PSCF, PSCM, PSCE"  # small-cap domestic cyclicals
DEFENSIVES = "XLP, XLU, XLV"  # mega-cap defensives
SMALL_DEFENSIVES = ("PSCU", "PSCH", "PSCC")
SPREAD_COLUMNS = ("cyclicals minus defensives", "cyclicals minus IJR", f"defensives minus {MARKET}",
                  "small cyclicals minus small defensives")
YEAR_ROW = f"{CLAIM_YEAR} to date"
CLAIM_ROW = f"{CLAIM_YEAR} to {C_DATE} (claim date)"
NO_ENERGY = "PSCI, PSCD, PSCF, PSCM"
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
        (low, high, method): the noise band of cyclicals minus defensives on the reading date.
    claim_band, claim_days, claim_day
        The same on the claim's date (the row :data:`CLAIM_ROW` of ``spreads``; the last trading
        day on or before it), when the reading date reaches it.
    """

    reason: str
    reading_date: pd.Timestamp | None
    ytd: pd.DataFrame
    spreads: pd.DataFrame
    band: tuple[float, float, str] | None
    n_days: int
    first_day: pd.Timestamp | None = None
    claim_band: tuple[float, float, str] | None = None
    claim_days: int = 0
    claim_day: pd.Timestamp | None = None

    def value(self, column: str, row: str = YEAR_ROW) -> float | None:
        """A spread (decimal) of the claim year to date (or of ``row``), or None."""
        return None if self.reason or row not in self.spreads.index else float(self.spreads.loc[row, column])


class R7(RotationClaim):
    id: ClassVar[str] = "R7"
    heading: ClassVar[str] = "Domestic cyclicals against mega-cap defensives"
    kind: ClassVar[str] = "fact"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("cyclicals", CYCLICALS, {"without energy": "PSCI, PSCD, PSCF, PSCM", "industrials only": "PSCI"},
               "the small-cap domestic cyclical sector ETFs (S&P SmallCap 600), equal weight",
               check=_check(tuple(SMALL_SECTORS))),
        Choice("defensives", DEFENSIVES, {"with real estate": "XLP, XLU, XLV, XLRE"},
               "the mega-cap defensive sector ETFs (Select Sector SPDRs), equal weight",
               check=_check(tuple(LARGE_SECTORS))),
        decided_at_choice(),
    )
    claim_dates: ClassVar[tuple[str, ...]] = (C_DATE,)
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R7",
        claim=f"In {CLAIM_YEAR} the first-order winners are domestic cyclicals; mega-cap defensives lose",
        hypothesis=f"in {CLAIM_YEAR} year to date, when the claim was made, small-cap cyclical sectors beat the "
                   f"small-cap index and large-cap defensive sectors trail the S&P 500.",
        statistic="year-to-date return of an equal-weight basket of small-cap cyclicals ({cyclicals}) "
                  "minus one of mega-cap defensives ({defensives}), in pp, on {decided_words}, with a noise band of "
                  "1.96 HAC standard errors of the summed daily difference (not a confidence interval: the spread is "
                  f"a fact); plus cyclicals minus IJR and defensives minus {MARKET}. The other reading (claim date or "
                  "reading date) and the cyclicals without energy are shown beside it.",
        supported=f"cyclicals beat defensives, cyclicals beat IJR and defensives trail {MARKET}",
        partly="cyclicals beat defensives but only one of the other two holds",
        not_supported="cyclicals do not beat defensives, or neither of the other two holds",
        untestable=f"the window lacks {CLAIM_YEAR} or the sector ETFs have no close at the end of {CLAIM_YEAR - 1}",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason=f"Referee (rotation-momentum, D2): R7 was judged only on the reading date, although the claim "
               f"describes {CLAIM_YEAR} when [C] was written, and its verdict depends on the date (supported on "
               f"2026-04-20 and 2026-05-05, partly on 2026-07-13). Like every dated claim it is now decided on its "
               f"date, the first day [C] could have been written (the first close at which IWM's lead over SPY "
               f"reached the 8.5 pp [C] quotes, {C_DATE}), with the reading date shown beside it; the cyclicals "
               f"without energy are shown as robustness.",
        old_rule=REGISTERED["R7"], registered_spec={"decided_at": "reading date"}),)

    @classmethod
    def template_values(cls, spec) -> dict[str, Any]:
        decided = (f"the claim's date (the first day [C] could have been written, {C_DATE}; the reading date if "
                   f"earlier)" if spec["decided_at"] == "claim date" else "the reading date")
        return {**dict(spec), "decided_words": decided}

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
        claim = pd.Timestamp(C_DATE)
        claim_band, claim_days, claim_day = None, 0, None
        if pd.Timestamp(CLAIM_YEAR, 1, 1) <= claim <= reading:
            rows[CLAIM_ROW] = _spreads(lv, pd.Timestamp(CLAIM_YEAR, 1, 1), claim)
            cdaily = ytd_daily_diff(lv["cyclicals"], lv["defensives"], claim)
            claim_band = spread_band(cdaily, rows[CLAIM_ROW][SPREAD_COLUMNS[0]])
            claim_days, claim_day = len(cdaily), cdaily.index[-1]
        spreads = pd.DataFrame(rows).T
        spreads.index.name = "period"
        daily = ytd_daily_diff(lv["cyclicals"], lv["defensives"], reading)
        band = spread_band(daily, spreads.loc[YEAR_ROW, SPREAD_COLUMNS[0]])
        return R7Evidence("", reading, ytd, spreads, band, len(daily), first_day=daily.index[0],
                          claim_band=claim_band, claim_days=claim_days, claim_day=claim_day)

    def untestable(self, ev: R7Evidence) -> str | None:
        if not ev.reason:
            return None
        return f"Untestable here because {ev.reason}; a window that includes {CLAIM_YEAR} decides it."

    def _row(self, ev: R7Evidence) -> tuple[str, pd.Timestamp, tuple | None, int]:
        """The reading that decides: its row, date, noise band and days."""
        if self.decided_at_claim_date and CLAIM_ROW in ev.spreads.index:
            return CLAIM_ROW, ev.claim_day, ev.claim_band, ev.claim_days
        return YEAR_ROW, ev.reading_date, ev.band, ev.n_days

    def decide(self, ev: R7Evidence) -> Decision:
        row, day, band, n_days = self._row(ev)
        spread = ev.value(SPREAD_COLUMNS[0], row)
        cyc_ijr, def_spy = ev.value(SPREAD_COLUMNS[1], row), ev.value(SPREAD_COLUMNS[2], row)
        cyc_win, def_lose = cyc_ijr > 0, def_spy < 0
        if spread <= 0 or not (cyc_win or def_lose):
            verdict = NOT_SUPPORTED
        elif cyc_win and def_lose:
            verdict = SUPPORTED
        else:
            verdict = PARTLY
        note = (f"Cyclicals minus defensives {percent(spread):.1f} pp; cyclicals minus IJR {percent(cyc_ijr):.1f} pp; "
                f"defensives minus {MARKET} {percent(def_spy):.1f} pp, to {iso(day)}.")
        return Decision(verdict, spread_statistic(self.statistic_name, spread, band),
                        Sample(iso(ev.first_day), iso(day), n_days, "daily"), note)

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        when = f"to {C_DATE}" if self.decided_at_claim_date else "YTD"
        return f"cyclicals minus defensives, {CLAIM_YEAR} {when}"

    def robustness_table(self) -> pd.DataFrame | Text:
        """The verdict and the three spreads (pp) with every cyclical basket of the specification
        space (energy included, without energy, industrials only), on the claim's date and on the
        reading date."""
        ev = self.evidence
        if ev is None or ev.reason:
            return Text(NO_ROWS)
        rows = {}
        for label, cyc in (("with energy", CYCLICALS), ("without energy", NO_ENERGY), ("industrials only", "PSCI")):
            for at in ("claim date", "reading date"):
                c = type(self)(self.inputs, self.window, {**dict(self.spec), "cyclicals": cyc, "decided_at": at})
                if at == "claim date" and CLAIM_ROW not in c.evidence.spreads.index:
                    continue
                d = c.decision
                rowname = CLAIM_ROW if at == "claim date" else YEAR_ROW
                rows[(label, iso(c.evidence.claim_day if at == "claim date" else c.evidence.reading_date))] = {
                    **{f"{k} (pp)": percent(c.evidence.value(k, rowname)) for k in SPREAD_COLUMNS[:3]}, "verdict": d.verdict}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index = pd.MultiIndex.from_tuples(out.index, names=["cyclicals", "read on"])
        return out.round(1)

    # -- what the chapter shows --------------------------------------------------------------------

    def spreads_table(self) -> pd.DataFrame | Text:
        """The four spreads (pp): the claim year to date, its quarters, the year before."""
        if self.evidence.spreads.empty:
            return Text(NO_ROWS)
        return (percent(self.evidence.spreads)).round(1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.sector_bars`."""
        ev = self.evidence
        t = ev.ytd.reset_index()
        data = pd.DataFrame({"label": t["ETF"] + "  " + t["sector"], "return (%)": percent(t["year to date"]),
                             "group": t["group"]})
        x, y = ev.value(SPREAD_COLUMNS[0]), ev.value(SPREAD_COLUMNS[1])
        joint = "and" if (x > 0) == (y > 0) else "but"
        title = (f"Small-cap cyclicals {'beat' if x > 0 else 'trailed'} mega-cap defensives by {abs(percent(x)):.1f} pp "
                 f"in {CLAIM_YEAR}, {joint} {'beat' if y > 0 else 'trailed'} the S&P 600 by {abs(percent(y)):.1f} pp")
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
        claim = CLAIM_ROW in ev.spreads.index
        clo, chi, _ = ev.claim_band or (None, None, None)
        g.update({
            "r7_claim_date": text(C_DATE),
            "r7_claim_spread": pp(ev.value(SPREAD_COLUMNS[0], CLAIM_ROW) if claim else None, 1, signed=True),
            "r7_claim_lo": pp(clo, 1), "r7_claim_hi": pp(chi, 1),
            "r7_claim_cyc_ijr": pp(ev.value(SPREAD_COLUMNS[1], CLAIM_ROW) if claim else None, 1, signed=True),
            "r7_claim_def_spy": pp(ev.value(SPREAD_COLUMNS[2], CLAIM_ROW) if claim else None, 1, signed=True),
        })
        noe = self._without_energy() if self.spec.cyclicals == CYCLICALS else None
        g.update({"r7_noe_cyc_ijr": pp(None if noe is None else noe.evidence.value(SPREAD_COLUMNS[1]), 1,
                                       signed=True),
                  "r7_noe_verdict": text(None if noe is None else noe.decision.verdict)})
        return g

    def _without_energy(self):
        """This claim with the cyclicals without energy (PSCE), or None when the window cannot decide it."""
        c = type(self)(self.inputs, self.window, {**dict(self.spec), "cyclicals": NO_ENERGY})
        return c if c.testable else None

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        claim = self.testable and CLAIM_ROW in ev.spreads.index and ev.claim_band is not None
        return {"r7_prev": self.testable and PRIOR_ROW in ev.spreads.index,
                "r7_band": self.testable and ev.band is not None,
                "r7_claim": claim,
                "r7_energy": self.testable and self.spec.cyclicals == CYCLICALS and self._without_energy() is not None}

    def phrase_quarters(self) -> str:
        """``Q1: +8.4 pp; Q2: +5.9 pp; Q3 to date: -3.0 pp``: cyclicals minus defensives by quarter."""
        sp = self.evidence.spreads
        q = sp.loc[[i for i in sp.index if i.startswith("Q")], SPREAD_COLUMNS[0]]
        return "; ".join(f"{k}: {percent(v):+.1f} pp" for k, v in q.items())
