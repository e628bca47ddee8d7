"""R4. Lower beta, and resilience when credit is tight. Source [A], early 2026.

Claim: dividend-quality small caps have lower beta and hold up better when credit is tight.

Evidence: weekly returns of the quality basket and each quality ETF against IWM: beta, capture
ratios and drawdowns; and the basket's mean excess return over IWM in weeks that start with
tight credit (the ICE BofA US high-yield spread above the median of its earlier readings), with
HAC intervals. Units: returns decimal, excess returns decimal a year (weekly mean x 52).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...display import Fact, Text, count, iso, num, pct, plural, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, coef_estimate, diff_in_means_hac, mean_hac, ols_hac
from ..base import Choice, Decision, Spec, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import BASKET, BROAD, HY, MARKET, QUALITY

#: Weeks of common basket and IWM returns needed for the beta, capture and drawdown table.
MIN_RISK_WEEKS = 13
#: The credit-regime definitions: spec value -> (column of credit_regimes, tight label, calm label,
#: the rule's wording of a tight week, the table's name of the definition).
MEASURES = {
    "level": ("level", "stressed", "calm",
              "closed the previous week above the median of all its earlier readings in the window", "spread level"),
    "change": ("change", "widening", "narrowing",
               "had risen over the 13 weeks to the end of the previous week", "spread change (13 weeks)"),
}


@dataclass
class R4Evidence:
    """Evidence for R4 (weekly returns, decimals).

    Attributes
    ----------
    reason
        Why the window cannot decide the claim ('' when it can).
    sample
        First and last labelled week of the basket's sample and their number.
    risk
        Over the basket's common sample: beta to IWM, downside and upside capture (ratios),
        maximum drawdown (decimal) and weeks, for the basket, each quality ETF and IWM.
    risk_own
        Each quality ETF against IWM over its own full history in the window.
    beta
        The basket's weekly beta to IWM (:class:`~smallcaps.stats.Estimate`).
    regimes
        Mean weekly excess return of the basket over IWM (``mean excess``, a year) in each credit
        regime, two definitions (spread level; 13-week change), HAC intervals, downside capture.
    tight, tight_minus_calm
        The deciding definition's tight-credit mean excess (a year) and tight minus calm.
    drawdown
        IWM's worst drawdown in the common sample (``peak``, ``trough`` in ``attrs``) and every
        fund's return over it.
    halves
        Beta and tight-credit excess in each half of the sample.
    long_history
        The same regime split for DES minus IWM and IJR minus IWM over their longer histories.
    """

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
    hy_last: pd.Timestamp | None = None


class R4(RotationClaim):
    id: ClassVar[str] = "R4"
    heading: ClassVar[str] = "Lower beta, and resilience when credit is tight"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = f"basket minus {BROAD}, tight credit"
    unit: ClassVar[str] = "pp a year"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "hy")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("credit_measure", "level", {"widening spreads": "change"},
               "'credit is tight': the high-yield spread above the median of its earlier readings (level), or "
               "risen over the previous 13 weeks (change)",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
        Choice("min_regime_weeks", 52, {"26 weeks": 26, "104 weeks": 104},
               "weeks needed in each credit regime (and of history before the first regime label)",
               check=lambda v: None if v >= 4 else "at least 4"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R4",
        claim="Dividend-quality small caps have lower beta and hold up better when credit is tight",
        hypothesis=f"the {BASKET}'s beta to {BROAD} is below one, and in weeks that start with tight credit it "
                   f"beats {BROAD} on average.",
        statistic=f"mean weekly return of the {BASKET} minus {BROAD} in weeks when the ICE BofA US high-yield "
                  f"spread ({HY}) {{tight_when}} ('tight credit'), in pp a year (weekly mean times 52), with a HAC "
                  f"interval; and the basket's weekly beta to {BROAD} with a HAC interval.",
        supported="the beta's 95% interval lies below one and the tight-credit excess return's interval lies "
                  "above zero",
        partly="only one of the two holds",
        not_supported="neither holds",
        untestable="fewer than {min_regime_weeks} weeks fall in either credit regime in the window",
    )

    @classmethod
    def template_values(cls, spec: Spec) -> dict[str, Any]:
        return {**dict(spec), "tight_when": MEASURES[spec["credit_measure"]][3]}

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R4Evidence:
        cut = self.inputs.cut(self.window)
        min_weeks = self.spec.min_regime_weeks
        column, tight_label, calm_label, _, _ = MEASURES[self.spec.credit_measure]
        hy_last = cut.hy.index.max() if len(cut.hy) else None
        # weeks end on Fridays; each week is then labelled by its last trading day in the data
        last_day = cut.close.index.to_series().resample("W-FRI").last()
        weekly_px = cut.close[[*QUALITY, BROAD, MARKET]].resample("W-FRI").last()
        wr = weekly_px.pct_change(fill_method=None).iloc[1:]
        credit = rot.credit_regimes(cut.hy, min_periods=min_weeks)
        credit = credit.loc[credit.index.isin(last_day.index)]
        credit.index = pd.DatetimeIndex(last_day.reindex(credit.index).values, name="date")
        empty = pd.DataFrame()
        try:
            basket = cut.quality_basket()
        except DataError as exc:  # no common history of the five funds in the window
            return R4Evidence(str(exc),
                              (None, None, 0), empty, empty, None, empty, None, None, empty, empty, empty,
                              pd.Series(dtype=float), credit, hy_last)
        bw = basket.resample("W-FRI").last().pct_change(fill_method=None).iloc[1:].rename(BASKET)
        wr = pd.concat([wr, bw], axis=1, sort=True)
        wr.index = pd.DatetimeIndex(last_day.reindex(wr.index).values, name="date")
        common = wr[[BASKET, BROAD]].dropna()
        if len(common) < MIN_RISK_WEEKS:
            return R4Evidence(f"the basket and {BROAD} share {plural(len(common), 'week')} of returns in the window; a beta "
                              f"needs at least {MIN_RISK_WEEKS}", (None, None, 0), empty, empty, None, empty, None, None,
                              empty, empty, empty, pd.Series(dtype=float), credit, hy_last)
        cw = wr.loc[common.index]
        risk = rot.risk_table(cw[[BASKET, *QUALITY, BROAD]], BROAD)
        own = {}
        for t in QUALITY:
            d = wr[[t, BROAD]].dropna()
            if len(d) < MIN_RISK_WEEKS:
                continue
            rt = rot.risk_table(d, BROAD).loc[t]
            own[t] = {"first week": iso(d.index[0]), **rt.to_dict()}
        risk_own = pd.DataFrame.from_dict(own, orient="index").astype({"n": int})
        risk_own.index.name = "fund"
        beta = coef_estimate(ols_hac(common[BASKET], common[[BROAD]]), BROAD)
        excess = (common[BASKET] - common[BROAD]).rename("basket minus IWM")
        rows = []
        for measure in MEASURES.values():
            rows += rot.regime_excess(excess, common[BASKET], common[BROAD], credit[measure[0]], measure[4])
        regimes = pd.DataFrame(rows)
        lab = credit[column].reindex(excess.index)
        n_tight, n_calm = int((lab == tight_label).sum()), int((lab == calm_label).sum())
        # worst IWM drawdown in the common sample, and each fund over the same dates
        lv = (1 + cw.fillna(0)).cumprod()
        dd = lv[BROAD] / lv[BROAD].cummax() - 1
        trough = dd.idxmin()
        peak = lv[BROAD].loc[:trough].idxmax()
        over = (lv.loc[trough] / lv.loc[peak] - 1)[[BASKET, *QUALITY, BROAD, MARKET]].rename("return")
        drawdown = over.to_frame()
        drawdown.attrs = {"peak": peak, "trough": trough}
        labelled = lab.dropna().index
        sample = (labelled[0], labelled[-1], len(labelled)) if len(labelled) else (common.index[0], common.index[-1], 0)
        if min(n_tight, n_calm) < min_weeks:
            reason = (f"only {n_tight} {tight_label}-credit and {n_calm} {calm_label}-credit weeks fall in the "
                      f"basket's sample ({iso(common.index[0])} to {iso(common.index[-1])}); {min_weeks} of each "
                      f"are needed")
            return R4Evidence(reason, sample, risk, risk_own, beta, regimes, None, None, drawdown, empty, empty,
                              excess, credit, hy_last)
        tight = mean_hac(excess[lab == tight_label]).scaled(52)
        diff = diff_in_means_hac(excess, (lab == tight_label).where(lab.notna())).scaled(52)
        halves = {}
        for label, a, b in rot.subperiods(common.index, 2):
            c = common.loc[a:b]
            ex = excess.loc[a:b]
            lb = lab.loc[a:b]
            be = coef_estimate(ols_hac(c[BASKET], c[[BROAD]]), BROAD)
            te = mean_hac(ex[lb == tight_label]).scaled(52) if (lb == tight_label).sum() >= 3 else None
            halves[label] = {"beta": be.value, "beta ci_low": be.ci_low, "beta ci_high": be.ci_high,
                             "tight-credit excess": np.nan if te is None else te.value,
                             "ci_low": np.nan if te is None else te.ci_low, "ci_high": np.nan if te is None else te.ci_high,
                             "tight weeks": int((lb == tight_label).sum())}
        halves = pd.DataFrame.from_dict(halves, orient="index")
        halves.index.name = "half"
        long_rows = []
        for t in ("DES", "IJR"):
            d = wr[[t, BROAD]].dropna()
            if d.empty:
                continue
            ex = d[t] - d[BROAD]
            long_rows += rot.regime_excess(ex, d[t], d[BROAD], credit[column], f"{t} minus {BROAD}, from {iso(d.index[0])}")
        return R4Evidence("", sample, risk, risk_own, beta, regimes, tight, diff, drawdown, halves,
                          pd.DataFrame(long_rows), excess, credit, hy_last)

    def untestable(self, ev: R4Evidence) -> str | None:
        if not ev.reason:
            return None
        return f"Untestable here because {ev.reason}; a longer window with the high-yield spread decides it."

    def decide(self, ev: R4Evidence) -> Decision:
        low_beta = ev.beta.ci_high < 1
        holds_up = ev.tight.ci_low > 0
        verdict = SUPPORTED if low_beta and holds_up else PARTLY if (low_beta or holds_up) else NOT_SUPPORTED
        note = (f"Beta to {BROAD} {ev.beta.value:.2f} (95% CI {ev.beta.ci_low:.2f} to {ev.beta.ci_high:.2f}); in tight "
                f"credit the basket's excess over {BROAD} averaged {100 * ev.tight.value:.1f} pp a year.")
        s0, s1, _ = ev.sample
        return Decision(verdict, Statistic.from_estimate(ev.tight, self.statistic_name, self.unit, 100),
                        Sample(iso(s0), iso(s1), ev.tight.n, "weekly"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def risk_table(self) -> pd.DataFrame | Text:
        """Beta, capture ratios and maximum drawdown (%) over the basket's common sample."""
        if self.evidence.risk.empty:
            return Text(NO_ROWS)
        t = self.evidence.risk.copy()
        t["max_drawdown"] *= 100
        return t.round(2)

    def own_table(self) -> pd.DataFrame | Text:
        """The same for each fund over its own history (drawdown in %)."""
        if self.evidence.risk_own.empty:
            return Text(NO_ROWS)
        t = self.evidence.risk_own.copy()
        t["max_drawdown"] *= 100
        return t.round(2)

    @staticmethod
    def _regime_display(frame: pd.DataFrame):
        if frame.empty:
            return Text(NO_ROWS)
        t = frame.rename(columns={"mean excess": "mean excess (pp a year)"})
        cols = ["mean excess (pp a year)", "ci_low", "ci_high"]
        t[cols] = 100 * t[cols]
        return t.set_index(["definition", "regime"]).round(2)

    def regime_table(self):
        """The basket's mean excess over IWM (pp a year) by credit regime, both definitions."""
        return self._regime_display(self.evidence.regimes)

    def long_history_table(self):
        """DES and IJR minus IWM by credit regime over their own histories (pp a year)."""
        return self._regime_display(self.evidence.long_history)

    def drawdown_table(self) -> pd.DataFrame | Text:
        """Every fund's return (%) over IWM's worst drawdown."""
        if self.evidence.drawdown.empty:
            return Text(NO_ROWS)
        t = self.evidence.drawdown.rename(columns={"return": "return (%)"})
        return (100 * t).round(1)

    def halves_table(self) -> pd.DataFrame | Text:
        """Beta and tight-credit excess (pp a year) in each half of the sample."""
        t = self.evidence.halves.rename(columns={"tight-credit excess": "tight-credit excess (pp a year)"})
        if t.empty:
            return Text(NO_ROWS)
        cols = ["tight-credit excess (pp a year)", "ci_low", "ci_high"]
        t[cols] = 100 * t[cols]
        return t.round(2)

    def beta_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.beta_capture` (or why there is none)."""
        ev = self.evidence
        if ev.risk.empty:
            return ev.reason
        t = ev.risk.drop(index=BROAD)[["beta", "downside_capture", "upside_capture"]]
        data = t.rename(columns={"downside_capture": "downside capture", "upside_capture": "upside capture"}).rename_axis(
            "fund").reset_index().melt(id_vars="fund", var_name="measure", value_name="ratio")
        b = ev.risk.loc[BASKET]
        title = (f"Quality small caps move {'less' if b['beta'] < 1 else 'more'} than IWM: basket beta "
                 f"{b['beta']:.2f}, downside capture {b['downside_capture']:.2f}")
        first = ev.weekly_excess.index.min()
        return {"data": data, "title": title,
                "note": f"Weekly total returns from {iso(first)}, when all five funds trade. "
                        "Capture: the fund's return over IWM's in IWM's down (up) weeks."}

    def credit_figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.credit_split` (or why there is none)."""
        ev = self.evidence
        if ev.regimes.empty:
            return ev.reason or "no week of the basket's sample has a credit regime"
        t = ev.regimes.copy()
        t[["mean excess", "ci_low", "ci_high"]] = 100 * t[["mean excess", "ci_low", "ci_high"]]
        t = t.rename(columns={"mean excess": "mean excess (pp a year)"})
        level = t[t["definition"] == MEASURES["level"][4]].set_index("regime")["mean excess (pp a year)"]
        tight = 100 * ev.tight.value if ev.tight is not None else level.get("stressed")
        calm = level.get("calm")
        parts = []
        if tight is not None:
            parts.append(f"In tight credit the quality basket {'led' if tight > 0 else 'trailed'} IWM by "
                         f"{abs(tight):.1f} pp a year")
        if calm is not None:
            parts.append(f"in calm credit it {'led' if calm > 0 else 'trailed'} by {abs(calm):.1f}")
        title = "; ".join(parts) if parts else "The quality basket against IWM, by credit regime"
        return {"data": t, "title": title,
                "groups": {"spread level": "HY spread level\n(vs. its running median)",
                           "spread change (13 weeks)": "HY spread change\n(over 13 weeks)"},
                "note": "Mean weekly difference x 52, 95% HAC intervals. Tight: high-yield spread above the median "
                        "of its earlier readings (FRED)."}

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        lh = ev.long_history
        long = len(lh) > 0 and all(((lh["regime"] == "stressed") & lh["definition"].str.startswith(t)).any()
                                   for t in ("DES", "IJR"))
        return {"r4_risk": not ev.risk.empty, "r4_long": self.testable and long and len(ev.halves) == 2}

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        g: dict[str, Fact] = {"r4_hy_last": text(iso(ev.hy_last))}
        if ev.risk.empty:
            return g
        b = ev.risk.loc[BASKET]
        s0, s1, _ = ev.sample
        dd = ev.drawdown["return"]
        g.update({
            "r4_start": text(iso(s0)), "r4_end": text(iso(s1)),
            "r4_weeks": count(ev.risk.loc[BASKET, "n"]),
            "r4_beta": num(ev.beta.value, 2), "r4_beta_lo": num(ev.beta.ci_low, 2), "r4_beta_hi": num(ev.beta.ci_high, 2),
            "r4_down": num(b["downside_capture"], 2), "r4_up": num(b["upside_capture"], 2),
            "r4_beta_phrase": text("holds" if ev.beta.ci_high < 1 else "does not hold"),
            "r4_ousm_beta": num(ev.risk.loc["OUSM", "beta"], 2),
            "r4_smdv_beta": num(ev.risk.loc["SMDV", "beta"], 2),
            "r4_ijr_beta": num(ev.risk.loc["IJR", "beta"], 2),
            "r4_dd_peak": text(iso(ev.drawdown.attrs["peak"])), "r4_dd_trough": text(iso(ev.drawdown.attrs["trough"])),
            "r4_dd_iwm": pct(dd[BROAD], 1), "r4_dd_basket": pct(dd[BASKET], 1), "r4_dd_spy": pct(dd[MARKET], 1),
        })
        reg = ev.regimes.set_index("regime") if len(ev.regimes) else pd.DataFrame(index=pd.Index([], name="regime"))
        calm = reg.loc["calm"] if "calm" in reg.index else None
        wide = reg.loc["widening"] if "widening" in reg.index else None
        g.update({
            "r4_calm": pp(None if calm is None else calm["mean excess"], 1),
            "r4_calm_lo": pp(None if calm is None else calm["ci_low"], 1),
            "r4_calm_hi": pp(None if calm is None else calm["ci_high"], 1),
            "r4_widening": pp(None if wide is None else wide["mean excess"], 1),
            "r4_widening_lo": pp(None if wide is None else wide["ci_low"], 1),
            "r4_widening_hi": pp(None if wide is None else wide["ci_high"], 1),
        })
        if "stressed" in reg.index:
            lab = ev.credit_weekly["level"].reindex(ev.weekly_excess.index)
            years = pd.Series(lab[lab == "stressed"].index.year).value_counts()
            g.update({"r4_tight_weeks": count(reg.loc["stressed", "weeks"]),
                      "r4_tight_top_year": raw(int(years.index[0]) if len(years) else None, "{:d}"),
                      "r4_tight_top_n": count(int(years.iloc[0]) if len(years) else None)})
        if ev.tight is not None:
            g.update({
                "r4_tight_phrase": text("in this sample the recoveries weighed more" if ev.tight.value < 0
                                        else "in this sample the falls weighed more"),
                "r4_tight": pp(ev.tight.value, 1), "r4_tight_lo": pp(ev.tight.ci_low, 1),
                "r4_tight_hi": pp(ev.tight.ci_high, 1), "r4_diff": pp(ev.tight_minus_calm.value, 1),
                "r4_diff_lo": pp(ev.tight_minus_calm.ci_low, 1), "r4_diff_hi": pp(ev.tight_minus_calm.ci_high, 1),
            })
        if len(ev.long_history):
            lh = ev.long_history[ev.long_history["regime"] == "stressed"]
            des = lh[lh["definition"].str.startswith("DES")]
            ijr = lh[lh["definition"].str.startswith("IJR")]
            des = des.iloc[0] if len(des) else None
            ijr = ijr.iloc[0] if len(ijr) else None
            g.update({
                "r4_des_tight": pp(None if des is None else des["mean excess"], 1),
                "r4_des_lo": pp(None if des is None else des["ci_low"], 1),
                "r4_des_hi": pp(None if des is None else des["ci_high"], 1),
                "r4_ijr_tight": pp(None if ijr is None else ijr["mean excess"], 1),
                "r4_ijr_lo": pp(None if ijr is None else ijr["ci_low"], 1),
                "r4_ijr_hi": pp(None if ijr is None else ijr["ci_high"], 1),
            })
        if len(ev.halves) == 2:
            h = ev.halves
            g.update({"r4_half1": text(h.index[0]), "r4_half2": text(h.index[1]),
                      "r4_half1_tight": pp(h.iloc[0]["tight-credit excess"], 1),
                      "r4_half2_tight": pp(h.iloc[1]["tight-credit excess"], 1)})
        return g

