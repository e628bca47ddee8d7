"""R2. OUSM's year to date, and the industrials' share. Source [A], early 2026.

Claim: OUSM is up 4.6% year to date, with industrials contributing over 3.3 points.

Two assertions, decided by the book's one rule for claims with parts
(:func:`~smallcaps.claims.base.combine_parts`): (1) OUSM stood at 4.6% year to date, checked on
its adjusted closes, every day it closed at 4.6% (to one decimal) or passed through it counting;
(2) industrials contributed over 3.3 points, which needs OUSM's holdings with their sectors and
weights. Without them (the default) the second assertion is untestable and the claim is capped at
*partly supported*; a labelled plausibility bound from the small-cap industrials ETF (PSCI) is
shown, as a bound, not evidence. A holdings file (``ousm_holdings_csv``) decides it: the
industrials' contribution is the sum over OUSM's industrial holdings of their weight times their
year-to-date return from the stock panel, names outside the panel listed. Units: returns decimal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import year_to_date
from ...display import Fact, Text, count, iso, pct, percent, plural, pp, raw, text
from ..base import Choice, Decision, Part, SpecSpace, combine_parts
from ..contract import NOT_SUPPORTED, SUPPORTED, UNTESTABLE, Amendment, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import A_DATES, CLAIM_YEAR, ROUNDING_TOL_PP, SMALL_SECTORS
from .registered import REGISTERED

CLAIMED_OUSM_YTD_PCT = 4.6  # [A] OUSM is up 4.6% year to date
CLAIMED_INDUSTRIALS_PP = 3.3  # [A] industrials contributed over 3.3 points of OUSM's gain
PATH = ("OUSM", "IJR", "PSCI")
#: Priced holdings must cover at least this share of the industrials' weight for the holdings to
#: decide the second assertion (otherwise the unpriced names could change it).
MIN_PRICED_SHARE = 0.90
#: If [A] quoted a price return, OUSM's total return stood higher by the distributions paid so far:
#: the days the total return stood at or crossed 4.6% plus each offset (pp) are shown.
RETURN_BASIS_OFFSETS_PP = (0.0, 0.1, 0.2, 0.3)

HOLDINGS = (f"the industrials' {CLAIMED_INDUSTRIALS_PP}-point contribution needs OUSM's holdings with their sectors "
            f"and weights in {CLAIM_YEAR} (the fund's published holdings file, passed as ousm_holdings_csv), which no "
            f"free dataset here has")


@dataclass
class R2Evidence:
    """Evidence for R2 (returns in decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    path
        Daily year-to-date returns of OUSM, IJR and PSCI.
    ousm
        OUSM's year-to-date return on the reading date.
    matches
        Days on which OUSM closed within the tolerance of the claimed return (the registered
        rule's days).
    sectors
        Year-to-date return (``year to date``) of each S&P SmallCap 600 sector ETF on the reading
        date, ranked: a proxy for sector leadership, not OUSM's industrials contribution.
    by_quarter
        Return within each quarter of the claim year of OUSM, IJR and PSCI.
    days
        Every claim-year day on which OUSM stood at 4.6% (closed within the tolerance) or passed
        through it since the previous close (:func:`analytics.rotation.level_days`): ``value``
        (decimal), ``how``, ``PSCI`` (its year to date that day) and ``weight needed`` (the
        industrials' weight in OUSM at which a sleeve returning PSCI's year to date would
        contribute the claimed 3.3 points: a plausibility bound, decimal; NaN if PSCI was down).
    basis
        For each offset (pp) of :data:`RETURN_BASIS_OFFSETS_PP`: days at or through 4.6% plus it
        and the first of them.
    holdings
        With a holdings file: the industrials' contribution (:func:`analytics.rotation.
        sector_contribution`, ``contribution`` decimal) read on the claim's day, else None.
    holdings_note
        Why a holdings file given cannot decide (no date in the claim year up to the reading date;
        too little of the industrials' weight priced), or ''.
    """

    reason: str
    reading_date: pd.Timestamp | None
    path: pd.DataFrame
    ousm: float | None
    matches: pd.DatetimeIndex
    sectors: pd.DataFrame
    by_quarter: pd.DataFrame
    days: pd.DataFrame = field(default_factory=pd.DataFrame)
    basis: pd.DataFrame = field(default_factory=pd.DataFrame)
    holdings: dict | None = None
    holdings_note: str = ""

    @property
    def claim_day(self) -> pd.Timestamp | None:
        """The first day OUSM stood at or passed through 4.6% (when [A] could first have been
        written), or None."""
        return self.days.index[0] if len(self.days) else None


class R2(RotationClaim):
    id: ClassVar[str] = "R2"
    heading: ClassVar[str] = "OUSM's year to date, and the industrials' share"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = f"OUSM {CLAIM_YEAR} year to date"
    unit: ClassVar[str] = "%"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo",)
    claim_dates: ClassVar[tuple[str, ...]] = A_DATES
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("tolerance_pp", ROUNDING_TOL_PP, {"0.1 pp": 0.1},
               "OUSM 'stood at' 4.6% on a day its year-to-date return closed within this many pp of it "
               "(0.05: the claim's figure to one decimal) or passed through it since the previous close",
               check=lambda v: None if 0 <= v < 1 else "0 to 1"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "amended: two assertions under the book's rule for claims with parts (4.6% verified on any day at or "
               "through it; the industrials' share untestable without holdings); registered: untestable whenever "
               "OUSM closed at 4.6%",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R2",
        claim=f"OUSM is up {CLAIMED_OUSM_YTD_PCT}% year to date, with industrials contributing over "
              f"{CLAIMED_INDUSTRIALS_PP} points",
        hypothesis=f"two assertions: (1) OUSM's {CLAIM_YEAR} year-to-date return stood at {CLAIMED_OUSM_YTD_PCT}% on "
                   f"some day; (2) its industrial holdings contributed more than {CLAIMED_INDUSTRIALS_PP} pp of the "
                   f"gain on the first such day (when [A] could first have been written).",
        statistic=f"(1) the {CLAIM_YEAR} days, up to the reading date, on which OUSM's year-to-date return (adjusted "
                  f"closes) closed within {{tolerance_pp}} pp of {CLAIMED_OUSM_YTD_PCT}% or passed through it since "
                  f"the previous close; (2) with OUSM's holdings (ousm_holdings_csv), the sum over its industrial "
                  f"holdings of weight times year-to-date return (stock panel) on the first such day, in pp. The "
                  f"deciding number is (2) when the holdings decide it, else OUSM's year to date on that first day. "
                  f"The claim is read as of the reading date (on every day up to it); its first day at "
                  f"{CLAIMED_OUSM_YTD_PCT}% is its date. Assertions combine by the book's rule for claims with "
                  f"parts.",
        supported=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% on some day and the holdings show an industrials "
                  f"contribution above {CLAIMED_INDUSTRIALS_PP} pp on the first such day",
        partly=f"OUSM stood at {CLAIMED_OUSM_YTD_PCT}% but the industrials' contribution is {CLAIMED_INDUSTRIALS_PP} "
               f"pp or less, or cannot be computed (no holdings file: the second assertion is untestable, which "
               f"caps the claim here)",
        not_supported=f"OUSM's year-to-date return never closed within {{tolerance_pp}} pp of "
                      f"{CLAIMED_OUSM_YTD_PCT}% nor passed through it in {CLAIM_YEAR} up to the reading date",
        untestable=f"the window lacks {CLAIM_YEAR} (neither assertion can then be checked)",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee (rotation-momentum, D3, D12f): the verified half was hidden behind 'untestable', unlike M5's "
               "cap, and days on which OUSM passed through 4.6% between closes were not counted. The book's one rule "
               "for claims with parts now decides: the 4.6% assertion is verified on every day at or through it, the "
               "industrials' share is untestable without holdings (a user file decides it), so the claim is partly "
               "supported at most.",
        old_rule=REGISTERED["R2"], registered_spec={"verdict_rule": "registered"}),)

    @property
    def vintage(self) -> str:
        """The prices' vintage, and the holdings file's when one was given."""
        v = super().vintage
        h = None if self.inputs is None else self.inputs.vintages.get("holdings")
        return f"{v}; {h}" if h else v

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R2Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = ["OUSM", "IJR", *SMALL_SECTORS]
        problem = cut.year_problem(tickers, as_of)
        if problem:
            return R2Evidence(problem, None, pd.DataFrame(), None, pd.DatetimeIndex([]), pd.DataFrame(),
                              pd.DataFrame())
        reading = cut.reading_date(tickers, as_of)
        ytd = year_to_date(cut.close[tickers], reading).dropna()
        ousm = float(ytd.loc[reading, "OUSM"])
        tol = self.spec.tolerance_pp / 100
        target = CLAIMED_OUSM_YTD_PCT / 100
        matches = rot.dates_near(ytd["OUSM"], target, tol)
        days = rot.level_days(ytd["OUSM"], target, tol, start=0.0)
        psci = ytd["PSCI"].reindex(days.index)
        days["PSCI"] = psci
        days["weight needed"] = (CLAIMED_INDUSTRIALS_PP / 100 / psci).where(psci > 0)
        basis = {}
        for off in RETURN_BASIS_OFFSETS_PP:
            d = rot.level_days(ytd["OUSM"], target + off / 100, tol, start=0.0)
            basis[off] = {"days": len(d), "first day": iso(d.index[0]) if len(d) else "none"}
        basis = pd.DataFrame.from_dict(basis, orient="index")
        basis.index.name = "offset (pp)"
        sec = ytd.loc[reading, list(SMALL_SECTORS)].rename("year to date").to_frame()
        sec.insert(0, "sector", [SMALL_SECTORS[t] for t in sec.index])
        sec = sec.sort_values("year to date", ascending=False)
        sec["rank"] = range(1, len(sec) + 1)
        by_q = rot.quarter_returns(cut.close[list(PATH)], reading, CLAIM_YEAR)
        ev = R2Evidence("", reading, ytd[list(PATH)], ousm, matches, sec, by_q, days, basis)
        self._holdings(ev, cut)
        return ev

    def _holdings(self, ev: R2Evidence, cut) -> None:
        """The industrials' contribution from the user's holdings file, on the claim's day."""
        h = getattr(self.inputs, "holdings", None)
        if h is None or ev.claim_day is None:
            return
        start = pd.Timestamp(CLAIM_YEAR - 1, 12, 31)
        dated = h[(h["date"] > start - pd.Timedelta(days=7)) & (h["date"] <= ev.reading_date)]
        if dated.empty:
            ev.holdings_note = (f"the holdings file has no date from the end of {CLAIM_YEAR - 1} to the reading date "
                                f"({iso(ev.reading_date)})")
            return
        # the holdings dated nearest the claim's day (the earlier of two equally near)
        dates = pd.DatetimeIndex(sorted(dated["date"].unique()))
        d = dates[np.argmin(np.abs((dates - ev.claim_day).days))]
        one = dated[dated["date"] == d].assign(in_sector=lambda f: f["industrials"])
        close = getattr(self.inputs, "holdings_close", None)
        close = pd.DataFrame() if close is None else close.loc[: ev.reading_date]
        out = rot.sector_contribution(one, close, cut.close["OUSM"], start, ev.claim_day)
        if out["weight"] <= 0:
            ev.holdings_note = f"the holdings dated {iso(d)} list no industrial name"
            return
        if out["priced_weight"] < MIN_PRICED_SHARE * out["weight"]:
            ev.holdings_note = (f"prices cover only {out['priced_weight'] / out['weight']:.0%} of the industrials' "
                                f"weight ({', '.join(out['unpriced']['ticker'])} are not in the stock panel); "
                                f"{MIN_PRICED_SHARE:.0%} is needed")
        ev.holdings = out

    def untestable(self, ev: R2Evidence) -> str | None:
        return f"Untestable here because {ev.reason}; beyond that, {HOLDINGS}." if ev.reason else None

    def parts(self, ev: R2Evidence) -> list[Part]:
        """The two assertions and their verdicts (None: untestable)."""
        first = SUPPORTED if len(ev.days) else NOT_SUPPORTED
        second = None
        if first == SUPPORTED and ev.holdings is not None and not ev.holdings_note:
            # "over 3.3 points" is strict; rounded so that 0.033 is not read as above 3.3 by float noise
            second = SUPPORTED if round(percent(ev.holdings["contribution"]), 9) > CLAIMED_INDUSTRIALS_PP else NOT_SUPPORTED
        return [Part(f"OUSM up {CLAIMED_OUSM_YTD_PCT}% year to date", "assertion", first),
                Part(f"industrials contributed over {CLAIMED_INDUSTRIALS_PP} points", "assertion", second)]

    def decide(self, ev: R2Evidence) -> Decision:
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        day = ev.claim_day
        n = len(ev.days)
        if day is None:
            stat = Statistic(name=f"OUSM {CLAIM_YEAR} year to date on {iso(ev.reading_date)}", value=percent(ev.ousm),
                             unit="%", method="realised return (adjusted closes)")
            sample = Sample(iso(ev.path.index[0]), iso(ev.reading_date), len(ev.path), "daily")
            return Decision(verdict, stat, sample,
                            f"OUSM's year-to-date return never closed within {self.spec.tolerance_pp} pp of "
                            f"{CLAIMED_OUSM_YTD_PCT}% nor passed through it in {CLAIM_YEAR} up to "
                            f"{iso(ev.reading_date)}.")
        first = (f"OUSM stood at or passed through {CLAIMED_OUSM_YTD_PCT}% year to date on {plural(n, 'day')}, the "
                 f"first {iso(day)} ({percent(ev.days['value'].iloc[0]):.2f}%)")
        sample = Sample(iso(ev.path.index[0]), iso(day), int(ev.path.index.get_loc(day)) + 1, "daily")
        if parts[1].verdict is not None:
            c = ev.holdings["contribution"]
            stat = Statistic(name=f"industrials' contribution to OUSM's year to date on {iso(day)}", value=percent(c),
                             unit="pp", method=f"holdings dated {iso(ev.holdings['date'])} (weight x year-to-date "
                                               f"return, stock panel)")
            note = (f"{first}; its industrial holdings contributed {percent(c):.2f} pp that day "
                    f"({'above' if parts[1].verdict == SUPPORTED else 'not above'} the claimed "
                    f"{CLAIMED_INDUSTRIALS_PP}).")
            return Decision(verdict, stat, sample, note)
        stat = Statistic(name=f"OUSM {CLAIM_YEAR} year to date on {iso(day)}", value=percent(ev.days["value"].iloc[0]),
                         unit="%", method="realised return (adjusted closes)")
        why = ev.holdings_note or HOLDINGS
        return Decision(verdict, stat, sample, f"{first}; the industrials' share is untestable here: {why}.")

    def _decide_registered(self, ev: R2Evidence) -> Decision:
        """The registered rule, verbatim: never at 4.6% (closes within the tolerance) is *not
        supported*; at 4.6% on some day, *untestable* (OUSM's return on the reading date as the
        statistic), since only OUSM's holdings could show the industrials' share."""
        name = f"OUSM {CLAIM_YEAR} year to date on {iso(ev.reading_date)}"
        sample = Sample(iso(ev.path.index[0]), iso(ev.reading_date), len(ev.path), "daily")
        stat = Statistic(name=name, value=percent(ev.ousm), unit="%", method="realised return (adjusted closes)")
        if len(ev.matches) == 0:
            return Decision(NOT_SUPPORTED, stat, sample,
                            f"OUSM's year-to-date return was never within {self.spec.tolerance_pp} pp of "
                            f"{CLAIMED_OUSM_YTD_PCT}% in {CLAIM_YEAR} up to {iso(ev.reading_date)}.")
        days = ", ".join(d.date().isoformat() for d in ev.matches[:3]) + (" ..." if len(ev.matches) > 3 else "")
        holdings = (f"the industrials' {CLAIMED_INDUSTRIALS_PP}-point contribution needs OUSM's daily holdings and "
                    f"sector weights through {CLAIM_YEAR} (the fund's published holdings files), which no free dataset "
                    f"here has")
        return Decision(UNTESTABLE, stat, sample,
                        f"OUSM did stand at {CLAIMED_OUSM_YTD_PCT}% year to date on {plural(len(ev.matches), 'day')} "
                        f"({days}), but {holdings}.")

    # -- what the chapter shows --------------------------------------------------------------------

    def days_table(self) -> pd.DataFrame | Text:
        """Every day OUSM stood at or passed through 4.6% (%), with PSCI's year to date and the
        industrials' weight a PSCI-like sleeve would need for 3.3 points (a bound, %)."""
        d = self.evidence.days if self.evidence is not None else pd.DataFrame()
        if d.empty:
            return Text(NO_ROWS)
        t = d.rename(columns={"value": "OUSM year to date (%)", "PSCI": "PSCI year to date (%)",
                              "weight needed": "bound: industrials' weight needed (%)"})
        cols = ["OUSM year to date (%)", "PSCI year to date (%)", "bound: industrials' weight needed (%)"]
        t[cols] = percent(t[cols])
        return t.round(2)

    def basis_table(self) -> pd.DataFrame | Text:
        """Days at or through 4.6% plus each offset: if [A] quoted a price return."""
        b = self.evidence.basis if self.evidence is not None else pd.DataFrame()
        return b if len(b) else Text(NO_ROWS)

    def sectors_table(self) -> pd.DataFrame | Text:
        """The small-cap sector ETFs' year-to-date returns (%) on the reading date, ranked."""
        if self.evidence.sectors.empty:
            return Text(NO_ROWS)
        t = self.evidence.sectors.rename(columns={"year to date": "year to date (%)"}).rename_axis("ETF")
        t["year to date (%)"] = percent(t["year to date (%)"])
        return t.round(1)

    def quarter_table(self) -> pd.DataFrame | Text:
        """Returns within each quarter of the claim year (%)."""
        if self.evidence.by_quarter.empty:
            return Text(NO_ROWS)
        return (percent(self.evidence.by_quarter)).round(1)

    def holdings_table(self) -> pd.DataFrame | Text:
        """With a holdings file: the industrials' weight, priced weight and contribution (pp), and
        the unpriced names."""
        h = self.evidence.holdings if self.evidence is not None else None
        if h is None:
            return Text("*No holdings file was given (parameter `ousm_holdings_csv`).*")
        rows = {"holdings dated": iso(h["date"]), "industrial names": h["names"],
                "industrials' weight (%)": round(percent(h["weight"]), 2),
                "priced weight (%)": round(percent(h["priced_weight"]), 2),
                "contribution (pp)": round(percent(h["contribution"]), 2),
                "unpriced names": ", ".join(h["unpriced"]["ticker"]) or "none"}
        return pd.DataFrame({"value": rows})

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.ousm_path`."""
        ev = self.evidence
        n = len(ev.days)
        days = ("never stood at or passed through" if n == 0 else
                f"stood at or passed through the claimed {CLAIMED_OUSM_YTD_PCT}% on {n} day{'s' if n > 1 else ''}")
        title = (f"OUSM {days} (dots); by {ev.reading_date:%-d %b %Y} it was "
                 f"{'up' if ev.ousm >= 0 else 'down'} {abs(percent(ev.ousm)):.1f}%")
        return {"data": percent(ev.path), "claimed": CLAIMED_OUSM_YTD_PCT,
                "claimed_label": f"claimed: {CLAIMED_OUSM_YTD_PCT}%",
                "marks": [(d, percent(ev.path.loc[d, "OUSM"])) for d in ev.days.index], "title": title,
                "xlabel": f"{CLAIM_YEAR} (trading days)",
                "note": "PSCI shows small-cap industrials' own return, not their contribution to OUSM. "
                        "Source: Yahoo Finance."}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {
            "r2_claim": raw(CLAIMED_OUSM_YTD_PCT, "{:.1f}"),
            "r2_claim_ind": raw(CLAIMED_INDUSTRIALS_PP, "{:.1f}"),
            "r2_tol": raw(self.spec.tolerance_pp, "{:.2f}"),
            "r2_float_pp": raw(self.float32_error_pp(), "{:.5f}"),
            "r2_min_priced": pct(MIN_PRICED_SHARE, 0),
        }
        if not self.testable:
            return g
        ev = self.evidence
        sec = ev.sectors
        top = sec.index[0]
        q_last = ev.by_quarter.index[-1]
        g.update({
            "r2_date": text(iso(ev.reading_date)),
            "r2_ousm_move": text(self.phrase_move(ev.ousm)),
            "r2_match_days": text(plural(len(ev.matches), "day")),
            "r2_matches": text(", ".join(d.date().isoformat() for d in ev.matches) or "no day"),
            "r2_n_days": text(plural(len(ev.days), "day")),
            "r2_days": text(", ".join(d.date().isoformat() for d in ev.days.index) or "no day"),
            "r2_psci_move": text(self.phrase_move(sec.loc["PSCI", "year to date"])),
            "r2_psci_rank": count(sec.loc["PSCI", "rank"]),
            "r2_n_sectors": count(len(sec)),
            "r2_top": text(top),
            "r2_top_sector": text(sec.loc[top, "sector"]),
            "r2_top_ytd": pct(sec.loc[top, "year to date"], 1),
            "r2_ijr": pct(ev.path.loc[ev.reading_date, "IJR"], 1),
            "r2_ousm_q_last": pct(ev.by_quarter.loc[q_last, "OUSM"], 1),
            "r2_q_last": text(q_last),
        })
        day = ev.claim_day
        first = ev.days.iloc[0] if day is not None else None
        need = None if first is None or pd.isna(first["weight needed"]) else first["weight needed"]
        wn = ev.days["weight needed"].dropna() if day is not None else pd.Series(dtype=float)
        g.update({
            "r2_first_day": text(iso(day)),
            "r2_first_value": pct(None if first is None else first["value"], 2),
            "r2_first_psci": pct(None if first is None else first["PSCI"], 1),
            "r2_need": pct(need, 0),
            "r2_need_lo": pct(wn.min() if len(wn) else None, 0),
            "r2_need_hi": pct(wn.max() if len(wn) else None, 0),
            "r2_basis_days": text(self.phrase_basis()),
        })
        h = ev.holdings
        g.update({
            "r2_h_date": text(iso(h["date"]) if h else None),
            "r2_h_contrib": pp(h["contribution"] if h else None, 2),
            "r2_h_weight": pct(h["weight"] if h else None, 1),
            "r2_h_unpriced": text((", ".join(h["unpriced"]["ticker"]) or "none") if h else None),
            "r2_h_note": text(ev.holdings_note or None),
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        on = self.testable
        h = on and ev.holdings is not None
        bound = on and ev.claim_day is not None and pd.notna(ev.days["weight needed"].iloc[0])
        return {"r2_matched": on and len(ev.matches) > 0, "r2_days": on and len(ev.days) > 0,
                "r2_bound": bound and ev.days["weight needed"].notna().all(),
                "r2_holdings": h and not ev.holdings_note,
                "r2_holdings_note": on and bool(ev.holdings_note),
                "r2_no_holdings": on and len(ev.days) > 0 and ev.holdings is None and not ev.holdings_note}

    @staticmethod
    def float32_error_pp() -> float:
        """The largest error a float32 close can put in a year-to-date return near 5% (pp): two
        closes each within half a unit in the last place (2^-24 relative)."""
        return float(percent(1.046) * 2 * np.finfo(np.float32).eps / 2)

    @staticmethod
    def phrase_move(r: float) -> str:
        """``up 9.6%`` or ``down 3.0%``: a year-to-date return (decimal) in words."""
        return f"{'up' if r >= 0 else 'down'} {abs(percent(r)):.1f}%"

    def phrase_basis(self) -> str:
        """``0.1 pp: 8 days, from 2026-01-15; ...``: days at or through 4.6% plus each offset."""
        b = self.evidence.basis
        return "; ".join(f"+{off:.1f} pp: {plural(int(r['days']), 'day')}"
                         + (f", the first {r['first day']}" if r["days"] else "")
                         for off, r in b.iterrows() if off > 0)
