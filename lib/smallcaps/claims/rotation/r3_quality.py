"""R3. A rotation toward quality? Sources [A] and [C], 2026.

Claim: the 2026 move is a rotation toward profitable, dividend-paying small caps and away from
unprofitable ones, after a 2025 led by unprofitable stocks.

Evidence: five quality small-cap ETFs and their equal-weight basket against IWM (which holds
the unprofitable firms) by calendar year and in the claim year to date, with a band from the
pair's daily noise; and, as long-run context, French's quality-minus-junk portfolios (size x
operating profitability, earnings yield, dividend yield). Units: returns and premia are
decimals (premia a year).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import calendar_year_returns, from_percent, year_to_date
from ...display import Fact, Text, count, iso, pct, pp, raw, text
from ...errors import DataError
from ...stats import mean_hac
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample
from .common import NO_ROWS, RotationClaim, _rounded, band_phrase, spread_statistic
from .inputs import BASKET, BROAD, CLAIM_YEAR, QUALITY, ytd_daily_diff
from .inputs import band as spread_band

#: The French long-run rows the prose cites, by their labels in the evidence.
OP_VW = "small high minus low profitability (value weighted)"
OP_EW = "small high minus low profitability (equal weighted)"
EP_VW = "positive minus negative earnings (value weighted)"
DP_VW = "dividend payers minus non-payers (value weighted)"
LONGRUN = {OP_VW: "small-cap profitability", EP_VW: "positive earnings", DP_VW: "paying a dividend"}
SHORT_NAMES = {"IJR": "IJR (S&P 600)", "OUSM": "OUSM (quality dividend)", "XSHQ": "XSHQ (S&P 600 quality)",
               "SMDV": "SMDV (dividend growers)", "DES": "DES (dividend weighted)", BASKET: "basket (equal weight)"}


@dataclass
class R3Evidence:
    """Evidence for R3 (decimals).

    Attributes
    ----------
    reason
        Why the window has no claim-year year-to-date window ('' when it has one).
    calendar
        Calendar-year return of each quality ETF and the basket minus IWM (rows: funds; columns:
        years as strings), with a last column for the claim year to date (when in the window).
    spread_prior, spread_year
        The same for the year before the claim year and the claim year to date (Series by fund).
    band
        (low, high, method): the band of the basket's claim-year spread.
    basket_peak
        Highest basket-minus-IWM year-to-date spread in the claim year and its date.
    french
        Long-run quality-minus-junk premia from the French portfolios: ``mean a year`` (monthly
        mean x 12) with a HAC interval (``ci_low``, ``ci_high``), ``t``, sample months, first
        and last month.
    french_sub
        The small-cap profitability premium (a year) in three subperiods.
    french_years
        Calendar-year premia for the last years each French series covers.
    french_cum
        Cumulative growth of a dollar in each value-weighted long-short series (monthly).
    rmw_prior
        All-size RMW (French) compounded over the months of the year before the claim year that
        the file covers, and that number of months.
    """

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
    first_day: pd.Timestamp | None = None

    @property
    def basket_year(self) -> float | None:
        return None if self.reason else float(self.spread_year[BASKET])

    @property
    def basket_prior(self) -> float | None:
        v = self.spread_prior.get(BASKET, float("nan")) if len(self.spread_prior) else float("nan")
        return None if pd.isna(v) else float(v)

    @property
    def agree(self) -> int:
        return 0 if self.reason else int((self.spread_year.drop(BASKET) > 0).sum())


def _premia(series: pd.DataFrame, label_suffix: str = "") -> pd.DataFrame:
    """Mean a year (decimal, HAC interval) of each monthly long-short series with 24+ months."""
    rows = {}
    for col in series.columns:
        s = series[col].dropna()
        if len(s) < 24:
            continue
        e = mean_hac(s).scaled(12)
        rows[col + label_suffix] = {"first": str(s.index[0]), "last": str(s.index[-1]), "months": len(s),
                                    "mean a year": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "t": e.t}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "quality minus junk"
    return out


class R3(RotationClaim):
    id: ClassVar[str] = "R3"
    heading: ClassVar[str] = "A rotation toward quality?"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = f"{BASKET} minus {BROAD}, {CLAIM_YEAR} YTD"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "french_op", "french_ep")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("agree_min", 4, {"a majority (3 of 5)": 3, "all five": 5},
               "how many of the five quality ETFs must lead IWM in the claim year with the basket",
               check=lambda v: None if 1 <= v <= len(QUALITY) else f"1 to {len(QUALITY)}"),
    )
    rule_template: ClassVar[Rule] = Rule(
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
                  f"least {{agree_min}} of the five ETFs lead {BROAD} in {CLAIM_YEAR}",
        partly=f"the basket leads in {CLAIM_YEAR} but fewer than {{agree_min}} ETFs agree, or {CLAIM_YEAR - 1} was "
               f"not a year in which the basket trailed",
        not_supported=f"the basket does not lead {BROAD} in {CLAIM_YEAR} year to date",
        untestable=f"the window lacks {CLAIM_YEAR} or the basket has no close at the end of {CLAIM_YEAR - 1}; "
                   f"the French profitability, earnings and dividend portfolios (to 2024-12 and 2023-02) are "
                   f"long-run context and cannot see {CLAIM_YEAR - 1}-{CLAIM_YEAR}",
    )

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R3Evidence:
        cut = self.inputs.cut(self.window)
        as_of = self.window.as_of
        tickers = [*QUALITY, BROAD]
        close = cut.close[tickers]
        # long-run French lens (always computable where the window overlaps the files)
        fq_vw = rot.french_quality_series(cut.french, "vw")
        fq_ew = rot.french_quality_series(cut.french, "ew")
        french = pd.concat([_premia(fq_vw, " (value weighted)"), _premia(fq_ew, " (equal weighted)")])
        op = fq_vw["small high minus low profitability"].dropna()
        sub_rows = {}
        if len(op) >= 72:
            for label, a, b in rot.subperiods(op.index, 3):
                e = mean_hac(op.loc[a:b]).scaled(12)
                sub_rows[label] = {"mean a year": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high, "months": e.n}
        french_sub = pd.DataFrame.from_dict(sub_rows, orient="index")
        french_sub.index.name = "subperiod"
        years = pd.DataFrame({c: rot.compound_by_year(fq_vw[c]) for c in fq_vw.columns})
        french_years = years.dropna(how="all").tail(3)
        french_cum = (1.0 + fq_vw.fillna(0.0)).cumprod().where(fq_vw.notna())
        rmw = from_percent(cut.french["ff5"]["RMW"]).dropna()
        rmw_y = rmw[rmw.index.year == CLAIM_YEAR - 1]
        rmw_prior = (float((1 + rmw_y).prod() - 1) if len(rmw_y) else None, len(rmw_y))
        # ETF lens
        try:
            basket = cut.quality_basket()
        except DataError:  # fewer than two days on which all five funds quote: no basket
            basket = pd.Series(dtype=float, name=BASKET)
        levels = pd.concat([close, basket], axis=1, sort=True)
        cal = calendar_year_returns(levels)
        rel = pd.DataFrame({f"{t}": cal[t] - cal[BROAD] for t in [*QUALITY, BASKET]}).dropna(how="all").T
        rel.columns = [str(c) for c in rel.columns]
        prior = rel[str(CLAIM_YEAR - 1)] if str(CLAIM_YEAR - 1) in rel.columns else pd.Series(dtype=float)
        problem = cut.year_problem(tickers, as_of)
        if problem:
            return R3Evidence(problem, None, rel, prior, pd.Series(dtype=float), None, (None, None), 0, french,
                              french_sub, french_years, french_cum, rmw_prior)
        reading = cut.reading_date(tickers, as_of)
        ytd = year_to_date(levels, reading).dropna(how="all")
        spread_path = ytd[[*QUALITY, BASKET]].sub(ytd[BROAD], axis=0)
        spread_year = spread_path.loc[reading]
        rel[f"{CLAIM_YEAR} to date"] = spread_year
        daily = ytd_daily_diff(basket, cut.close[BROAD], reading)
        band = spread_band(daily, spread_year[BASKET])
        peak = (float(spread_path[BASKET].max()), spread_path[BASKET].idxmax())
        return R3Evidence("", reading, rel, prior, spread_year, band, peak, len(daily), french, french_sub,
                          french_years, french_cum, rmw_prior, first_day=daily.index[0])

    def untestable(self, ev: R3Evidence) -> str | None:
        if not ev.reason:
            return None
        return (f"Untestable here because {ev.reason}; the French portfolios end before {CLAIM_YEAR - 1}, so a "
                f"window with the {CLAIM_YEAR - 1}-{CLAIM_YEAR} ETF prices decides it.")

    def decide(self, ev: R3Evidence) -> Decision:
        y, p, agree = ev.basket_year, ev.basket_prior, ev.agree
        prior_led_by_junk = p is not None and p < 0
        if y <= 0:
            verdict = NOT_SUPPORTED
        elif prior_led_by_junk and agree >= self.spec.agree_min:
            verdict = SUPPORTED
        else:
            verdict = PARTLY
        after = (f"after {100 * p:.1f} pp in {CLAIM_YEAR - 1}" if p is not None
                 else f"(the window does not hold all of {CLAIM_YEAR - 1})")
        note = (f"The basket {'led' if y > 0 else 'trailed'} {BROAD} by {abs(100 * y):.1f} pp in {CLAIM_YEAR} to "
                f"{iso(ev.reading_date)} {after}; {agree} of {len(QUALITY)} quality ETFs lead {BROAD} in "
                f"{CLAIM_YEAR}.")
        return Decision(verdict, spread_statistic(self.statistic_name, y, ev.band),
                        Sample(iso(ev.first_day), iso(ev.reading_date), ev.n_days, "daily"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def calendar_table(self) -> pd.DataFrame | Text:
        """Each quality ETF and the basket minus IWM, one row per year (pp), blanks where a fund
        has no complete year."""
        if self.evidence.calendar.empty:
            return Text(NO_ROWS)
        frame = 100 * self.evidence.calendar.T
        out = frame.round(1).astype(object)
        return out.where(frame.notna(), "")

    def french_table(self) -> pd.DataFrame | Text:
        """The long-run premia (% a year) with their HAC intervals."""
        return _rounded(self._percent(self.evidence.french, ["mean a year", "ci_low", "ci_high"]), 2)

    def subperiod_table(self) -> pd.DataFrame | Text:
        """The small-cap profitability premium in three subperiods (% a year)."""
        return _rounded(self._percent(self.evidence.french_sub, ["mean a year", "ci_low", "ci_high"]), 2)

    @staticmethod
    def _percent(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame | Text:
        if frame.empty:
            return Text(NO_ROWS)
        out = frame.rename(columns={"mean a year": "mean (% a year)"})
        cols = ["mean (% a year)" if c == "mean a year" else c for c in columns]
        out[cols] = 100 * out[cols]
        return out

    def heatmap_figure(self, first_year: int = 2015) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.quality_heatmap`, or a note when the
        window holds fewer than two calendar years of the quality ETFs."""
        ev = self.evidence
        tab = 100 * ev.calendar
        cols = [c for c in tab.columns if (c[:4].isdigit() and int(c[:4]) >= first_year)]
        tab = tab[cols].dropna(how="all", axis=1)
        if tab.empty or tab.shape[1] < 2:
            return "fewer than two calendar years of the quality ETFs in the window"
        tab.columns = [c.replace(" to date", "\nto date") for c in tab.columns]
        tab.index = [SHORT_NAMES.get(t, t) for t in tab.index]
        if not ev.reason:
            p, y = ev.basket_prior, ev.basket_year
            prior = (f" {'led' if p > 0 else 'trailed'} IWM by {abs(100 * p):.1f} pp in {CLAIM_YEAR - 1} and"
                     if p is not None else "")
            still = "still " if (p or 0) < 0 and y < 0 else ""
            title = (f"The quality basket{prior} {still}{'led' if y > 0 else 'trailed'} "
                     f"{'it' if p is not None else 'IWM'} by {abs(100 * y):.1f} pp in {CLAIM_YEAR} to "
                     f"{ev.reading_date:%-d %b %Y}")
        else:
            title = "Quality small-cap ETFs minus IWM, by calendar year"
        return {"data": tab, "title": title,
                "note": "Blue: the fund beat IWM (Russell 2000, unprofitable firms included); red: it trailed. "
                        "Total returns, pp."}

    def french_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.french_premia`, or a note when the
        window does not overlap the French files."""
        ev = self.evidence
        cum = ev.french_cum.dropna(how="all")
        if cum.empty or ev.french.empty:
            return "the window does not overlap the French files"
        op = ev.french.iloc[0]
        others = ev.french.iloc[1:3]
        none = all(r["ci_low"] <= 0 <= r["ci_high"] for _, r in others.iterrows())
        m = op["mean a year"]
        title = (f"Small profitable firms {'beat' if m > 0 else 'trailed'} small unprofitable ones by "
                 f"{abs(100 * m):.1f}% a year ({op['first'][:4]}-{op['last'][:4]})"
                 + ("; earnings and dividend sorts show no premium" if none else ""))
        return {"data": cum, "title": title,
                "note": "Long quality, short junk, value weighted, rebalanced monthly. Source: Kenneth French data "
                        "library."}

    def _row(self, label: str) -> list:
        """Mean a year, its interval, first and last month of a French row (Nones without it)."""
        f = self.evidence.french
        cols = ("mean a year", "ci_low", "ci_high", "first", "last")
        return [f.loc[label, c] for c in cols] if label in f.index else [None] * len(cols)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        g: dict[str, Fact] = {"r3_n_etfs": count(len(QUALITY))}
        op, op_ew, ep, dp = self._row(OP_VW), self._row(OP_EW), self._row(EP_VW), self._row(DP_VW)
        g.update({
            "r3_op_verb": text(None if op[0] is None else "beat" if op[0] > 0 else "trailed"),
            "r3_op_abs": pct(None if op[0] is None else abs(op[0]), 2), "r3_op_lo": pct(op[1], 2), "r3_op_hi": pct(op[2], 2),
            "r3_op_first": text(op[3]), "r3_op_last": text(op[4]),
            "r3_op_ew": pct(op_ew[0], 2), "r3_op_ew_lo": pct(op_ew[1], 2), "r3_op_ew_hi": pct(op_ew[2], 2),
            "r3_ep": pct(ep[0], 2), "r3_ep_lo": pct(ep[1], 2), "r3_ep_hi": pct(ep[2], 2),
            "r3_ep_first": text(ep[3]), "r3_ep_last": text(ep[4]),
            "r3_dp": pct(dp[0], 2), "r3_dp_lo": pct(dp[1], 2), "r3_dp_hi": pct(dp[2], 2),
            "r3_dp_first": text(dp[3]), "r3_dp_last": text(dp[4]),
        })
        yrs = ev.french_years["small high minus low profitability"].dropna() \
            if "small high minus low profitability" in ev.french_years else pd.Series(dtype=float)
        rmw, months = ev.rmw_prior
        prior = ev.spread_prior.drop(BASKET, errors="ignore")
        g.update({
            "r3_op_lastyear": raw(int(yrs.index[-1]) if len(yrs) else None, "{:d}"),
            "r3_op_lastyear_value": pp(yrs.iloc[-1] if len(yrs) else None, 1),
            "r3_rmw": pp(rmw, 1),
            "r3_rmw_months": count(months),
            "r3_rmw_phrase": text(self.phrase_rmw()),
            "r3_longrun_paid": text(self.phrase_longrun_paid()),
            "r3_n_trailed_prior": count(int((prior < 0).sum()) if len(prior) else None),
            "r3_basket_prior": pp(ev.basket_prior, 1),
            "r3_prior_phrase": text(self.phrase_prior()),
            "r3_ijr_prior": pp(prior.get("IJR", None) if len(prior) else None, 1),
        })
        if not self.testable:
            return g
        lo, hi, _ = ev.band or (None, None, None)
        g.update({
            "r3_date": text(iso(ev.reading_date)),
            "r3_basket_year": pp(ev.basket_year, 1),
            "r3_band_lo": pp(lo, 1),
            "r3_band_hi": pp(hi, 1),
            "r3_band_phrase": text(band_phrase(ev.band)),
            "r3_agree": count(ev.agree),
            "r3_peak_phrase": text(self.phrase_peak()),
            "r3_peak_date": text(iso(ev.basket_peak[1])),
            "r3_leaders": text(self.phrase_leaders()),
        })
        return g

    def flags(self) -> dict[str, bool]:
        f = self.evidence.french if self.evidence is not None else pd.DataFrame()
        have = all(k in f.index for k in LONGRUN)
        paid = self._paid()
        ev = self.evidence
        return {"r3_prior": ev.basket_prior is not None, "r3_rmw": ev.rmw_prior[0] is not None,
                "r3_band": self.testable and ev.band is not None,
                "r3_subperiods": len(ev.french_sub) > 0,
                "r3_longrun": have, "r3_longrun_none": have and not paid,
                "r3_longrun_all": have and len(paid) == len(LONGRUN),
                "r3_longrun_some": have and 0 < len(paid) < len(LONGRUN)}

    def _paid(self) -> list[str]:
        f = self.evidence.french
        return [v for k, v in LONGRUN.items() if k in f.index and f.loc[k, "ci_low"] > 0]

    # Phrases: the only wording that depends on the result.

    def phrase_longrun_paid(self) -> str | None:
        """``small-cap profitability`` / ``positive earnings and paying a dividend``: the
        value-weighted sorts whose premium's interval lies above zero (None: none of them)."""
        paid = self._paid()
        return " and ".join(paid) if paid else None

    def phrase_rmw(self) -> str | None:
        """``weak-profitability firms beat robust ones`` or ``robust-profitability firms beat weak
        ones``: the sign of RMW over the year before the claim year."""
        rmw = self.evidence.rmw_prior[0]
        if rmw is None:
            return None
        return "weak-profitability firms beat robust ones" if rmw < 0 else "robust-profitability firms beat weak ones"

    def phrase_prior(self) -> str | None:
        """Who led the year before the claim year: ``a year led by the broad index, unprofitable
        companies included, as the claim says`` or ``the quality basket, not the broad index, led
        that year``."""
        bp = self.evidence.basket_prior
        if bp is None:
            return None
        return ("a year led by the broad index, unprofitable companies included, as the claim says" if bp < 0
                else "the quality basket, not the broad index, led that year")

    def phrase_peak(self) -> str:
        """``a lead of 3.9 pp`` or ``a shortfall of 1.2 pp``: the basket's best year-to-date point."""
        peak = self.evidence.basket_peak[0]
        return f"{'a lead' if peak > 0 else 'a shortfall'} of {abs(100 * peak):.1f} pp"

    def phrase_leaders(self) -> str:
        """``IJR and DES``: the quality ETFs ahead of IWM in the claim year (``none of them``)."""
        y = self.evidence.spread_year
        leaders = [t for t in QUALITY if y[t] > 0]
        return " and ".join(leaders) if leaders else "none of them"
