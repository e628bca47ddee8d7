"""R1. Small caps ahead of large caps this year. Source [C], 2026.

Claim: US small caps lead large caps by 8.5 pp year to date in 2026, ending about six years of
relative underperformance.

Evidence: the year-to-date return spread of small- minus large-cap ETFs (IWM minus SPY, and
the five other pairs of IWM, IJR, VTWO against SPY, IVV) on the reading date, the days it
reached the claimed lead, a band from the day-to-day noise of the pair, the calendar years
before, and the same-date spreads of earlier years. Units: spreads are decimals (0.0927 =
9.27 pp).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import calendar_year_returns, from_percent
from ...display import Fact, Text, count, iso, ordinal, percent, plural, pp, raw, text
from ...stats import percentile_rank
from ..base import Choice, Decision, Spec, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample
from .common import NO_ROWS, RotationClaim, band_phrase, spread_statistic
from .inputs import C_DATE, CLAIM_YEAR, LARGE, PAIRS, ROUNDING_TOL_PP, SMALL, ytd_daily_diff
from .inputs import band as spread_band

CLAIMED_LEAD_PP = 8.5  # [C] small caps lead large caps by 8.5 percentage points year to date
CLAIMED_PRIOR_YEARS = 6  # [C] "ending about six years of relative underperformance"

#: What each pair compares, for the rule and the statistic's name.
PAIR_NAMES = {f"{a}-{b}": f"{'Russell 2000' if a in ('IWM', 'VTWO') else 'S&P 600'} against S&P 500"
              for a, b in PAIRS}
PLOTTED = {"IWM-SPY": "IWM − SPY (Russell 2000 − S&P 500)", "IJR-SPY": "IJR − SPY (S&P 600 − S&P 500)"}
CALENDAR_PAIRS = {"IWM-SPY": "IWM − SPY (Russell 2000 − S&P 500)", "IJR-IVV": "IJR − IVV (S&P 600 − S&P 500)"}


def _date_list(dates, limit: int = 3) -> str:
    """``2026-01-22, 2026-05-05 (+3 more)``, or ``none`` (a table cell)."""
    dates = list(dates)
    if not dates:
        return "none"
    out = ", ".join(pd.Timestamp(d).date().isoformat() for d in dates[:limit])
    return out + (f" (+{len(dates) - limit} more)" if len(dates) > limit else "")


def _pair(label: str) -> tuple[str, str]:
    a, b = label.split("-")
    return a, b


@dataclass
class R1Evidence:
    """Evidence for R1 (spreads in decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    reading_date
        Date the year-to-date spreads are read (last day <= as_of with every price).
    paths
        Daily year-to-date spreads, one column per ``"small-large"`` pair.
    at_reading
        The spreads on the reading date.
    band
        (low, high, method): the band of the deciding pair's spread.
    matches
        Per pair: first day at or above the claimed lead, days at or above it, the days it
        crossed it upward and the days it was within the rounding tolerance of it.
    calendar
        Calendar-year spreads (years in the window with complete data).
    prior
        Per pair: years examined before the claim year (with data), how many small trailed, the
        trailing run ending the year before, and ``relative wealth`` over the prior years
        (decimal; NaN without all of them).
    same_date
        Year-to-date spreads read on the reading date's calendar day in each year.
    percentile_etf, percentile_smb
        Percentile (0-100) of the IWM-SPY spread among ``same_date`` years before the claim
        year, and among calendar-year SMB returns (French).
    smb_annual
        Calendar-year SMB (decimal), years wholly inside the window.
    n_days
        Trading days of the claim year to the reading date (the deciding pair).
    by_quarter
        Spread of returns within each quarter of the claim year: a subperiod split.
    """

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
    by_quarter: pd.DataFrame = field(default_factory=pd.DataFrame)


class R1(RotationClaim):
    id: ClassVar[str] = "R1"
    heading: ClassVar[str] = "Small caps ahead of large caps this year"
    kind: ClassVar[str] = "fact"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "french_ff")
    #: [C]'s date: the first day the lead reached the 8.5 pp it quotes. The registered rule reads the
    #: claim both ways already (the lead reached 8.5 pp on some day; it is positive on the reading
    #: date), and the reading date decides; the reading on this date is shown beside it.
    claim_dates: ClassVar[tuple[str, ...]] = (C_DATE,)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("pair", "IWM-SPY", {"S&P 600 against S&P 500": "IJR-IVV", "Vanguard Russell 2000": "VTWO-SPY"},
               "the small-minus-large ETF pair that decides (the others are robustness checks)",
               check=lambda v: None if v in PAIR_NAMES else ", ".join(PAIR_NAMES)),
        Choice("about_six_min", 5, {"most (4 of 6)": 4, "all six": 6},
               "'about six years' means small caps trailed in at least this many of the six years before",
               check=lambda v: None if 1 <= v <= CLAIMED_PRIOR_YEARS else f"1 to {CLAIMED_PRIOR_YEARS}"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R1",
        claim=f"US small caps lead large caps by {CLAIMED_LEAD_PP} pp year to date in {CLAIM_YEAR}, ending about "
              f"{CLAIMED_PRIOR_YEARS} years of relative underperformance",
        hypothesis=f"small caps' year-to-date return in {CLAIM_YEAR} exceeds large caps' and reached the claimed lead of "
                   f"{CLAIMED_LEAD_PP} pp, after small caps trailed large caps in most of the "
                   f"{CLAIMED_PRIOR_YEARS} calendar years before.",
        statistic="{small} minus {large} ({pair_names} ETFs, adjusted closes) year-to-date return "
                  "spread on the reading date (the last day on or before as_of with all prices), in pp, with a "
                  "band of 1.96 HAC standard errors of the summed daily return difference; the other five "
                  f"pairs of {', '.join(SMALL)} against {', '.join(LARGE)} are robustness checks.",
        supported=f"the spread is positive on the reading date, it reached {CLAIMED_LEAD_PP} pp (to one decimal) on "
                  f"at least one day of {CLAIM_YEAR}, and {{small}} trailed {{large}} in at least "
                  f"{{about_six_min}} of the {CLAIMED_PRIOR_YEARS} calendar years before {CLAIM_YEAR}",
        partly="the spread is positive on the reading date but either it never reached the claimed lead or "
               "small caps trailed in fewer than {about_six_min} of the prior years",
        not_supported="the spread is zero or negative on the reading date",
        untestable=f"the window has no {CLAIM_YEAR} trading day up to as_of or no close on the last trading day "
                   f"of {CLAIM_YEAR - 1}",
    )

    @classmethod
    def template_values(cls, spec: Spec) -> dict[str, Any]:
        small, large = _pair(spec["pair"])
        return {**dict(spec), "small": small, "large": large, "pair_names": PAIR_NAMES[spec["pair"]]}

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        small, large = _pair(self.spec.pair)
        return f"{small} minus {large}, {CLAIM_YEAR} year to date"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R1Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = list(dict.fromkeys(t for p in PAIRS for t in p))
        close = cut.close[tickers]
        labels = [f"{a}-{b}" for a, b in PAIRS]
        cal = calendar_year_returns(close)
        calendar = pd.DataFrame({f"{a}-{b}": cal[a] - cal[b] for a, b in PAIRS}).dropna(how="all")
        first_prior = pd.Timestamp(CLAIM_YEAR - CLAIMED_PRIOR_YEARS - 1, 12, 31)
        last_prior = pd.Timestamp(CLAIM_YEAR - 1, 12, 31)
        prior = {}
        for a, b in PAIRS:
            lab = f"{a}-{b}"
            row = rot.underperformance_years(calendar[lab] if lab in calendar else pd.Series(dtype=float),
                                             CLAIM_YEAR, CLAIMED_PRIOR_YEARS)
            ok = row["years"] == CLAIMED_PRIOR_YEARS
            row["relative wealth"] = rot.relative_wealth(close[a], close[b], first_prior, last_prior) if ok else np.nan
            prior[lab] = row
        prior = pd.DataFrame.from_dict(prior, orient="index").rename(
            columns={"years": "years with data", "trailed": "years small trailed", "run": "trailing run to last year"})
        prior.index.name = "pair"
        smb = from_percent(cut.french["smb_annual"].astype(float))
        problem = cut.year_problem(tickers, as_of)
        empty = pd.DataFrame()
        if problem:
            return R1Evidence(problem, None, empty, pd.Series(dtype=float), None, empty, calendar, prior, empty, None,
                              None, smb, 0)
        reading = cut.reading_date(tickers, as_of)
        paths = rot.ytd_spreads(close, PAIRS, reading).dropna()
        at = paths.loc[reading]
        match_rows = {}
        claimed, tol = CLAIMED_LEAD_PP / 100, ROUNDING_TOL_PP / 100
        level = claimed - tol  # "8.5 to one decimal" means at least 8.45
        for lab in labels:
            s = paths[lab]
            near = rot.dates_near(s, claimed, tol)
            match_rows[lab] = {"first day at or above": rot.first_reached(s, level),
                               "days at or above": int((s >= level).sum()),
                               "days crossing it upward": _date_list(rot.up_crossings(s, level)),
                               "days at it (to one decimal)": _date_list(near)}
        matches = pd.DataFrame.from_dict(match_rows, orient="index")
        matches.index.name = "pair"
        small, large = _pair(self.spec.pair)
        daily = ytd_daily_diff(close[small], close[large], reading)
        band = spread_band(daily, at[self.spec.pair])
        sd = rot.same_date_ytd(close[["IWM", "SPY", "IJR", "IVV"]], reading)
        same_date = pd.DataFrame({"IWM-SPY": sd["IWM"] - sd["SPY"], "IJR-IVV": sd["IJR"] - sd["IVV"]}).dropna(how="all")
        hist = same_date.loc[same_date.index < CLAIM_YEAR, "IWM-SPY"].dropna()
        pct_etf = percentile_rank(at["IWM-SPY"], hist) if len(hist) else None
        pct_smb = percentile_rank(at["IWM-SPY"], smb) if len(smb) else None
        q = rot.quarter_returns(close[["IWM", "SPY", "IJR", "IVV"]], reading, CLAIM_YEAR)
        by_quarter = pd.DataFrame({"IWM-SPY": q["IWM"] - q["SPY"], "IJR-IVV": q["IJR"] - q["IVV"]})
        return R1Evidence("", reading, paths, at, band, matches, calendar, prior, same_date, pct_etf, pct_smb, smb,
                          len(daily), by_quarter)

    def untestable(self, ev: R1Evidence) -> str | None:
        if not ev.reason:
            return None
        return (f"Untestable here because {ev.reason}; a window that includes {CLAIM_YEAR} (and the last close of "
                f"{CLAIM_YEAR - 1}) decides it.")

    def decide(self, ev: R1Evidence) -> Decision:
        pair = self.spec.pair
        small, large = _pair(pair)
        lead = float(ev.at_reading[pair])
        first = ev.matches.loc[pair, "first day at or above"]
        reached = first is not None
        trailed = int(ev.prior.loc[pair, "years small trailed"])
        if lead <= 0:
            verdict = NOT_SUPPORTED
        elif reached and trailed >= self.spec.about_six_min:
            verdict = SUPPORTED
        else:
            verdict = PARTLY
        note = (f"{small} {'led' if lead > 0 else 'trailed'} {large} by {abs(percent(lead)):.1f} pp on "
                f"{iso(ev.reading_date)}; the lead "
                + (f"first reached {CLAIMED_LEAD_PP} pp on {iso(first)}" if reached
                   else f"never reached {CLAIMED_LEAD_PP} pp")
                + f"; small caps trailed in {trailed} of the {CLAIMED_PRIOR_YEARS} years before {CLAIM_YEAR}"
            + self._years_in_window(pair) + ".")
        return Decision(verdict, spread_statistic(self.statistic_name, lead, ev.band),
                        Sample(iso(ev.paths.index[0]), iso(ev.reading_date), ev.n_days, "daily"), note)

    def _years_in_window(self, pair: str) -> str:
        """`` (only 1 of them is in the window)`` when the window lacks some of the prior years."""
        n = int(self.evidence.prior.loc[pair, "years with data"])
        if n == CLAIMED_PRIOR_YEARS:
            return ""
        return f" ({'none' if n == 0 else f'only {n}'} of them {'is' if n == 1 else 'are'} in the window)"

    # -- what the chapter shows --------------------------------------------------------------------

    @property
    def lead(self) -> float | None:
        """The IWM-SPY spread on the reading date (decimal), or None."""
        ev = self.evidence
        return None if ev is None or ev.reason else float(ev.at_reading["IWM-SPY"])

    @property
    def first_reached(self) -> pd.Timestamp | None:
        """The first day IWM-SPY reached the claimed lead (to one decimal), or None."""
        ev = self.evidence
        return None if ev is None or ev.reason else ev.matches.loc["IWM-SPY", "first day at or above"]

    def matches_table(self):
        """Per pair: the first day at the claimed lead, the days at or above it, crossing it, at it."""
        m = self.evidence.matches
        return m if len(m) else Text(NO_ROWS)

    def prior_table(self) -> pd.DataFrame:
        """Per pair: the years before the claim year with data, how many small trailed, the run to
        last year and the relative wealth over them (percent)."""
        t = self.evidence.prior.rename(columns={"relative wealth": "relative wealth (%)"})
        t["relative wealth (%)"] = percent(t["relative wealth (%)"])
        return t.round(1)

    def same_date_table(self, years: int = 10) -> pd.DataFrame | Text:
        """Year-to-date spreads read on the reading date's calendar day, the last ``years`` years (pp)."""
        if self.evidence.same_date.empty:
            return Text(NO_ROWS)
        return (percent(self.evidence.same_date.tail(years))).round(1)

    def quarter_table(self) -> pd.DataFrame | Text:
        """The spreads within each quarter of the claim year (pp)."""
        if self.evidence.by_quarter.empty:
            return Text(NO_ROWS)
        return (percent(self.evidence.by_quarter)).round(1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.lead_path`."""
        ev = self.evidence
        paths = percent(ev.paths[list(PLOTTED)])
        paths = paths.rename(columns=PLOTTED)
        first = self.first_reached
        lead = self.lead
        peak_day = ev.paths["IWM-SPY"].idxmax()
        peak = percent(ev.paths["IWM-SPY"].max())
        title = (f"Small caps {'led' if lead > 0 else 'trailed'} large caps by {abs(percent(lead)):.1f} pp on "
                 f"{ev.reading_date:%-d %b %Y}; the lead peaked at {peak:.1f} pp on {peak_day:%-d %b %Y}")
        return {"data": paths, "claimed": CLAIMED_LEAD_PP, "claimed_label": f"claimed lead: {CLAIMED_LEAD_PP} pp",
                "first": None if first is None else (first, percent(ev.paths.loc[first, "IWM-SPY"]),
                                                     f"first at {CLAIMED_LEAD_PP} pp:\n{first:%-d %b %Y}"),
                "last": (ev.reading_date, percent(lead), f"{percent(lead):.1f} pp"),
                "title": title, "xlabel": f"{CLAIM_YEAR} (trading days)",
                "note": "Spread = difference of year-to-date total returns (adjusted closes). Source: Yahoo Finance."}

    def calendar_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.calendar_spreads`, or a note when
        the window holds no complete calendar year of both pairs."""
        ev = self.evidence
        cal = ev.calendar[list(CALENDAR_PAIRS)].dropna(how="all")
        cal = cal[cal.index < CLAIM_YEAR]
        if cal.empty:
            return "no complete calendar year of both ETF pairs in the window"
        data = (percent(cal)).rename_axis("year").reset_index().melt(id_vars="year", var_name="pair", value_name="pp")
        data["year"] = data["year"].astype(str)
        if not ev.reason:
            extra = pd.DataFrame({"year": f"{CLAIM_YEAR}\nto date", "pair": list(CALENDAR_PAIRS),
                                  "pp": [percent(ev.at_reading[p]) for p in CALENDAR_PAIRS]})
            data = pd.concat([data, extra], ignore_index=True)
        p = ev.prior.loc["IWM-SPY"]
        if p["years with data"] == CLAIMED_PRIOR_YEARS:
            title = (f"IWM trailed SPY in {int(p['years small trailed'])} of the {CLAIMED_PRIOR_YEARS} years before "
                     f"{CLAIM_YEAR}, {int(p['trailing run to last year'])} of them in a row")
        else:
            s = cal["IWM-SPY"].dropna()
            span = f"{s.index.min()}" if s.index.min() == s.index.max() else f"{s.index.min()}-{s.index.max()}"
            title = (f"IWM trailed SPY in {int((s < 0).sum())} of {plural(len(s), 'calendar year')} ({span}) in this "
                     f"window; {int(p['years with data'])} of the {CLAIMED_PRIOR_YEARS} years before {CLAIM_YEAR} "
                     f"{'is' if p['years with data'] == 1 else 'are'} in it")
        if not ev.reason and ev.percentile_etf is not None:
            title += (f"; the {CLAIM_YEAR} lead is at the {ev.percentile_etf:.0f}th percentile of same-date leads "
                      f"since {ev.same_date.index.min()}")
        return {"data": data, "labels": list(CALENDAR_PAIRS.values()),
                "shade": [str(y) for y in range(CLAIM_YEAR - CLAIMED_PRIOR_YEARS, CLAIM_YEAR)],
                "shade_label": f"the {CLAIMED_PRIOR_YEARS} years before {CLAIM_YEAR}", "title": title,
                "note": "Calendar-year total-return differences; a fund's partial first year is left out."}

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        g: dict[str, Fact] = {
            "r1_claim_lead": raw(CLAIMED_LEAD_PP, "{:.1f}"),
            "r1_claim_years": count(CLAIMED_PRIOR_YEARS),
            "r1_about_min": count(self.spec.about_six_min),
        }
        iwm, ijr = self._prior_row("IWM-SPY"), self._prior_row("IJR-IVV")
        g.update({
            "r1_trailed_iwm": count(None if iwm is None else iwm["years small trailed"]),
            "r1_run_iwm": count(None if iwm is None else iwm["trailing run to last year"]),
            "r1_wealth_iwm": text(None if iwm is None else self.phrase_wealth(iwm["relative wealth"])),
            "r1_trailed_ijr": count(None if ijr is None else ijr["years small trailed"]),
            "r1_run_ijr": count(None if ijr is None else ijr["trailing run to last year"]),
            "r1_wealth_ijr": text(None if ijr is None else self.phrase_wealth(ijr["relative wealth"])),
        })
        if not self.testable:
            return g
        at = ev.at_reading
        p = ev.paths["IWM-SPY"]
        hist = ev.same_date.loc[ev.same_date.index < CLAIM_YEAR, "IWM-SPY"].dropna()
        lo, hi, _ = ev.band or (None, None, None)
        g.update({
            "r1_date": text(iso(ev.reading_date)),
            "r1_exceeded": text("exceeded" if self.lead > 0 else "fell short of"),
            "r1_lead_abs": pp(abs(self.lead), 1),
            "r1_ijr_ahead": text("ahead of" if at["IJR-IVV"] > 0 else "behind"),
            "r1_lead_ijr_abs": pp(abs(at["IJR-IVV"]), 1),
            "r1_lead_min": pp(at.min(), 1),
            "r1_lead_max": pp(at.max(), 1),
            "r1_first": text(iso(self.first_reached)),
            "r1_days_above": count(ev.matches.loc["IWM-SPY", "days at or above"]),
            "r1_n_days": count(ev.n_days),
            "r1_peak": pp(p.max(), 1),
            "r1_peak_date": text(iso(p.idxmax())),
            "r1_band_lo": pp(lo, 1),
            "r1_band_hi": pp(hi, 1),
            "r1_band_half": pp(None if lo is None else (hi - lo) / 2, 0),
            "r1_said_date": text(C_DATE),
            "r1_said_lead": pp(p.get(pd.Timestamp(C_DATE)), 2),
            "r1_band_phrase": text(band_phrase(ev.band)),
            "r1_pct_etf_ordinal": text(None if ev.percentile_etf is None else ordinal(ev.percentile_etf)),
            "r1_hist_first": raw(int(hist.index.min()) if len(hist) else None, "{:d}"),
            "r1_hist_last": raw(int(hist.index.max()) if len(hist) else None, "{:d}"),
            "r1_hist_years": text(plural(len(hist), "year")),
            "r1_pct_smb_ordinal": text(None if ev.percentile_smb is None else ordinal(ev.percentile_smb)),
            "r1_smb_first": raw(int(ev.smb_annual.index.min()) if len(ev.smb_annual) else None, "{:d}"),
            "r1_smb_last": raw(int(ev.smb_annual.index.max()) if len(ev.smb_annual) else None, "{:d}"),
            "r1_quarters": text(self.phrase_quarters()),
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        hist = ev.same_date.loc[ev.same_date.index < CLAIM_YEAR] if len(ev.same_date) else ev.same_date
        claim = self.testable and pd.Timestamp(C_DATE) in ev.paths.index
        return {"r1_claim": claim,
                "r1_prior": self._prior_row("IWM-SPY") is not None and self._prior_row("IJR-IVV") is not None,
                "r1_history": self.testable and len(hist) > 0 and len(ev.smb_annual) > 0,
                "r1_reached": self.testable and self.first_reached is not None,
                "r1_band": self.testable and ev.band is not None}

    def sweep_table(self) -> pd.DataFrame:
        """The verdict under each alternative of the specification space, one at a time (the rule's
        boundary cases: "about six years" as 4, 5 or 6 of the six; the deciding pair)."""
        rows = {}
        for spec in type(self).space.variants():
            c = self if spec.is_default else type(self)(self.inputs, self.window, spec)
            d = c.decision
            rows[spec.label] = {"verdict": d.verdict, "deciding number (pp)": d.statistic.value}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "specification"
        return out.round(2)

    def _prior_row(self, pair: str):
        """The prior-years row of a pair when all the claimed years are in the window, else None."""
        prior = self.evidence.prior
        if pair not in prior.index or prior.loc[pair, "years with data"] != CLAIMED_PRIOR_YEARS:
            return None
        return prior.loc[pair]

    # Phrases: the only wording that depends on the result.

    @staticmethod
    def phrase_wealth(rel: float) -> str:
        """``31% below`` / ``4% above``: where a dollar in small caps ended against one in large."""
        return f"{abs(percent(rel)):.0f}% {'below' if rel < 0 else 'above'}"

    def phrase_quarters(self) -> str:
        """``Q1: +5.3 pp; Q2: +6.3 pp; Q3 to date: -2.6 pp``: IWM minus SPY within each quarter."""
        return "; ".join(f"{q}: {percent(v):+.1f} pp" for q, v in self.evidence.by_quarter["IWM-SPY"].items())
