"""R4. Lower beta, and resilience under credit stress. Source [A], early 2026.

Claim: dividend-quality small caps have lower beta and hold up better when credit is tight, which
the chapter calls *stressed credit*: a high-yield spread above the median of its earlier readings
(in market usage "tight spreads" are low ones, the opposite, so the book does not say "tight").

Two assertions under the book's rule for claims with parts: (1) lower beta, the basket's weekly
beta to IWM (to SPY shown beside it); (2) holds up better under credit stress, decided beta for
beta: the basket's alpha over IWM in stressed-credit weeks, from one regression on the whole
weekly series with a stressed-credit intercept (Newey-West errors on contiguous data), together
with its downside capture in stressed weeks in which IWM fell against calm weeks in which it fell.
The raw excess over IWM in stressed weeks (the registered statistic) is shown but does not decide:
a low-beta fund trails in the recoveries that follow stress. Units: returns decimal, excess
returns and alphas decimal a year (weekly x 52).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...analytics.returns import capture_ratio
from ...display import Fact, Text, count, iso, num, pct, percent, plural, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, coef_estimate, diff_in_means_hac, mde, mean_hac, ols_hac, one_sided_p
from ..base import Choice, Decision, Part, Spec, SpecSpace, combine_parts
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import BASKET, BROAD, HY, MARKET, QUALITY
from .registered import REGISTERED

#: Weeks of common basket and IWM returns needed for the beta, capture and drawdown table.
MIN_RISK_WEEKS = 13
#: The credit-regime definitions: spec value -> (column of credit_regimes, stressed label, calm label,
#: the rule's wording of a stressed week, the table's name of the definition).
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
    stressed, stressed_minus_calm
        The deciding definition's stressed-credit mean excess (a year) and stressed minus calm.
    drawdown
        IWM's worst drawdown in the common sample (``peak``, ``trough`` in ``attrs``) and every
        fund's return over it.
    halves
        Beta and stressed-credit excess in each half of the sample.
    beta_spy
        The basket's weekly beta to SPY (shown beside the beta to IWM; not deciding).
    alpha
        :func:`analytics.rotation.regime_alpha` of the basket over IWM with the deciding
        definition's stressed flag: ``stressed``, ``calm``, ``difference`` (Estimates, a year),
        ``beta``, ``interacted`` (regime betas), ``n``, ``lags``.
    capture
        Downside capture of IWM's losses in stressed weeks in which IWM fell (``stressed``) and in
        calm weeks in which it fell (``calm``), with their week counts (``n stressed``, ``n calm``).
    adjusted_subset
        The mean of the basket minus its full-sample beta times IWM over the stressed weeks alone
        with Newey-West errors on that non-contiguous subset (the referee's construction; shown,
        not deciding).
    long_history
        The same regime split for DES minus IWM and IJR minus IWM over their longer histories.
    """

    reason: str
    sample: tuple[pd.Timestamp | None, pd.Timestamp | None, int]
    risk: pd.DataFrame
    risk_own: pd.DataFrame
    beta: Estimate | None
    regimes: pd.DataFrame
    stressed: Estimate | None
    stressed_minus_calm: Estimate | None
    drawdown: pd.DataFrame
    halves: pd.DataFrame
    long_history: pd.DataFrame
    weekly_excess: pd.Series
    credit_weekly: pd.DataFrame
    hy_last: pd.Timestamp | None = None
    beta_spy: Estimate | None = None
    alpha: dict | None = None
    capture: dict | None = None
    adjusted_subset: Estimate | None = None


class R4(RotationClaim):
    id: ClassVar[str] = "R4"
    heading: ClassVar[str] = "Lower beta, and resilience under credit stress"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp a year"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "hy")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("credit_measure", "level", {"widening spreads": "change"},
               "'credit is stressed': the high-yield spread above the median of its earlier readings (level), or "
               "risen over the previous 13 weeks (change)",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
        Choice("min_regime_weeks", 52, {"26 weeks": 26, "104 weeks": 104},
               "weeks needed in each credit regime (and of history before the first regime label)",
               check=lambda v: None if v >= 4 else "at least 4"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "amended: two assertions, the second decided beta for beta (regression alpha in stressed weeks on the "
               "whole weekly series, and downside capture); registered: the raw mean excess in stressed weeks",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R4",
        claim="Dividend-quality small caps have lower beta and hold up better when credit is tight (stressed)",
        hypothesis=f"two assertions: (1) the {BASKET}'s beta to {BROAD} is below one; (2) beta for beta, it "
                   f"beats {BROAD} in weeks of stressed credit and loses a smaller share of {BROAD}'s falls in "
                   f"stressed weeks than in calm ones.",
        statistic=f"(1) the basket's weekly beta to {BROAD} with a HAC interval (its beta to {MARKET} shown); (2) "
                  f"the basket's alpha over {BROAD} in weeks when the ICE BofA US high-yield spread ({HY}) "
                  f"{{stressed_when}} ('stressed credit'): the intercept plus the stressed-week shift in one "
                  f"regression of the basket's weekly return on a stressed-week dummy and {BROAD}'s return over "
                  f"every week (Newey-West errors on the contiguous series), in pp a year (weekly x 52), the "
                  f"deciding number, with its one-sided p-value and minimum detectable effect; and its downside "
                  f"capture of {BROAD}'s losses in stressed weeks in which {BROAD} fell against calm weeks in "
                  f"which it fell. The raw excess over {BROAD} in stressed weeks is shown, not deciding. The "
                  f"assertions combine by the book's rule for claims with parts.",
        supported="the beta's 95% interval lies below one, and the stressed-credit alpha's interval lies above zero "
                  "with a smaller downside capture in stressed falls than in calm ones",
        partly="one assertion holds and the other does not (or is inconclusive)",
        inconclusive="no assertion holds and at least one is inconclusive: the beta is below one but its interval "
                     "includes one, or the stressed-credit alpha is positive with an interval that includes zero "
                     "and the capture points the claim's way",
        not_supported="neither holds: the beta is one or more, and the stressed-credit alpha is zero or negative or "
                      "the basket captures more of IWM's stressed falls than of its calm ones",
        untestable="fewer than {min_regime_weeks} weeks fall in either credit regime in the window",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee (rotation-momentum, D4, D12c): the deciding number, the raw excess over IWM in stressed weeks, "
               "mechanically penalises a low-beta fund (IWM earned about 67 pp a year in those weeks, the recoveries "
               "after 2020 and 2022), and its HAC error treated a non-contiguous subset of weeks as consecutive. "
               "'Holds up better' is now decided beta for beta, by a regression on the whole weekly series with a "
               "stressed-credit intercept, and by downside capture in stressed against calm falls; the raw number "
               "is shown; the two assertions combine by the book's rule for claims with parts.",
        old_rule=REGISTERED["R4"], registered_spec={"verdict_rule": "registered"}),)

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        if self.spec.verdict_rule == "registered":
            return f"basket minus {BROAD}, stressed credit (raw)"
        return f"basket alpha over {BROAD}, stressed credit"

    @classmethod
    def template_values(cls, spec: Spec) -> dict[str, Any]:
        return {**dict(spec), "stressed_when": MEASURES[spec["credit_measure"]][3]}

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R4Evidence:
        cut = self.inputs.cut(self.window)
        min_weeks = self.spec.min_regime_weeks
        column, stressed_label, calm_label, _, _ = MEASURES[self.spec.credit_measure]
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
        spy = wr.loc[common.index, MARKET]
        beta_spy = coef_estimate(ols_hac(common[BASKET], spy.rename(MARKET).to_frame()), MARKET) \
            if spy.notna().sum() >= MIN_RISK_WEEKS else None
        excess = (common[BASKET] - common[BROAD]).rename("basket minus IWM")
        rows = []
        for measure in MEASURES.values():
            rows += rot.regime_excess(excess, common[BASKET], common[BROAD], credit[measure[0]], measure[4])
        regimes = pd.DataFrame(rows)
        lab = credit[column].reindex(excess.index)
        n_stressed, n_calm = int((lab == stressed_label).sum()), int((lab == calm_label).sum())
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
        if min(n_stressed, n_calm) < min_weeks:
            reason = (f"only {n_stressed} {stressed_label}-credit and {n_calm} {calm_label}-credit weeks fall in the "
                      f"basket's sample ({iso(common.index[0])} to {iso(common.index[-1])}); {min_weeks} of each "
                      f"are needed")
            return R4Evidence(reason, sample, risk, risk_own, beta, regimes, None, None, drawdown, empty, empty,
                              excess, credit, hy_last, beta_spy)
        stressed = mean_hac(excess[lab == stressed_label]).scaled(52)
        diff = diff_in_means_hac(excess, (lab == stressed_label).where(lab.notna())).scaled(52)
        flag = (lab == stressed_label).where(lab.notna())
        alpha = rot.regime_alpha(common[BASKET], common[BROAD], flag)
        down = common[BROAD] < 0
        st, ca = (lab == stressed_label) & down, (lab == calm_label) & down
        capture = {"stressed": capture_ratio(common.loc[st, BASKET], common.loc[st, BROAD], "down"),
                   "calm": capture_ratio(common.loc[ca, BASKET], common.loc[ca, BROAD], "down"),
                   "n stressed": int(st.sum()), "n calm": int(ca.sum())}
        hedged = (common[BASKET] - beta.value * common[BROAD])[lab == stressed_label]
        adjusted_subset = mean_hac(hedged).scaled(52)
        halves = {}
        for label, a, b in rot.subperiods(common.index, 2):
            c = common.loc[a:b]
            ex = excess.loc[a:b]
            lb = lab.loc[a:b]
            be = coef_estimate(ols_hac(c[BASKET], c[[BROAD]]), BROAD)
            te = mean_hac(ex[lb == stressed_label]).scaled(52) if (lb == stressed_label).sum() >= 3 else None
            halves[label] = {"beta": be.value, "beta ci_low": be.ci_low, "beta ci_high": be.ci_high,
                             "stressed-credit excess": np.nan if te is None else te.value,
                             "ci_low": np.nan if te is None else te.ci_low, "ci_high": np.nan if te is None else te.ci_high,
                             "stressed weeks": int((lb == stressed_label).sum())}
        halves = pd.DataFrame.from_dict(halves, orient="index")
        halves.index.name = "half"
        long_rows = []
        for t in ("DES", "IJR"):
            d = wr[[t, BROAD]].dropna()
            if d.empty:
                continue
            ex = d[t] - d[BROAD]
            long_rows += rot.regime_excess(ex, d[t], d[BROAD], credit[column], f"{t} minus {BROAD}, from {iso(d.index[0])}")
        return R4Evidence("", sample, risk, risk_own, beta, regimes, stressed, diff, drawdown, halves,
                          pd.DataFrame(long_rows), excess, credit, hy_last, beta_spy, alpha, capture, adjusted_subset)

    def _iwm_weekly(self) -> pd.Series:
        """IWM's weekly returns on the basket's weeks (for the stressed weeks' context)."""
        cut = self.inputs.cut(self.window)
        last_day = cut.close.index.to_series().resample("W-FRI").last()
        w = cut.close[BROAD].resample("W-FRI").last().pct_change(fill_method=None).iloc[1:]
        w.index = pd.DatetimeIndex(last_day.reindex(w.index).values, name="date")
        return w

    def untestable(self, ev: R4Evidence) -> str | None:
        if not ev.reason:
            return None
        return f"Untestable here because {ev.reason}; a longer window with the high-yield spread decides it."

    def parts(self, ev: R4Evidence) -> list[Part]:
        """The two assertions: lower beta, and holding up under credit stress (beta for beta)."""
        b = ev.beta
        beta = SUPPORTED if b.ci_high < 1 else INCONCLUSIVE if b.value < 1 else NOT_SUPPORTED
        a, cap = ev.alpha["stressed"], ev.capture
        better_capture = pd.notna(cap["stressed"]) and pd.notna(cap["calm"]) and cap["stressed"] < cap["calm"]
        if a.value <= 0 or not better_capture:
            holds = NOT_SUPPORTED
        elif a.ci_low > 0:
            holds = SUPPORTED
        else:
            holds = INCONCLUSIVE
        return [Part("lower beta", "assertion", beta), Part("holds up better under credit stress", "assertion", holds)]

    def decide(self, ev: R4Evidence) -> Decision:
        s0, s1, _ = ev.sample
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        a, cap = ev.alpha["stressed"], ev.capture
        note = (f"Beta to {BROAD} {ev.beta.value:.2f} (95% CI {ev.beta.ci_low:.2f} to {ev.beta.ci_high:.2f}): "
                f"{parts[0].verdict}. Under credit stress, beta for beta, the basket's alpha over {BROAD} was "
                f"{percent(a.value):.1f} pp a year (95% CI {percent(a.ci_low):.1f} to {percent(a.ci_high):.1f}) and it captured "
                f"{cap['stressed']:.2f} of {BROAD}'s stressed falls against {cap['calm']:.2f} of its calm ones: "
                f"{parts[1].verdict}. The raw excess in stressed weeks was {percent(ev.stressed.value):.1f} pp a year "
                f"(shown, not deciding).")
        stat = Statistic.from_estimate(a, self.statistic_name, self.unit, 100)
        return Decision(verdict, stat, Sample(iso(s0), iso(s1), a.n, "weekly"), note,
                        p_value=one_sided_p(a, +1), mde=mde(percent(a.se), sides=2))

    def _decide_registered(self, ev: R4Evidence) -> Decision:
        """The registered rule, verbatim: beta's interval below one, and the raw mean excess over
        IWM in stressed weeks (HAC on those weeks) above zero."""
        low_beta = ev.beta.ci_high < 1
        holds_up = ev.stressed.ci_low > 0
        verdict = SUPPORTED if low_beta and holds_up else PARTLY if (low_beta or holds_up) else NOT_SUPPORTED
        note = (f"Beta to {BROAD} {ev.beta.value:.2f} (95% CI {ev.beta.ci_low:.2f} to {ev.beta.ci_high:.2f}); in stressed "
                f"credit the basket's excess over {BROAD} averaged {percent(ev.stressed.value):.1f} pp a year.")
        s0, s1, _ = ev.sample
        return Decision(verdict, Statistic.from_estimate(ev.stressed, self.statistic_name, self.unit, 100),
                        Sample(iso(s0), iso(s1), ev.stressed.n, "weekly"), note)

    def stress_table(self) -> pd.DataFrame | Text:
        """The basket against IWM in stressed-credit weeks, four ways (pp a year): the raw mean
        (registered), beta-adjusted on the stressed weeks alone (the referee's construction), the
        regression alpha on the whole series (deciding) and with regime betas."""
        ev = self.evidence
        if ev is None or ev.alpha is None:
            return Text(NO_ROWS)
        i = ev.alpha["interacted"]
        rows = {"raw excess over IWM (registered; HAC on stressed weeks)": ev.stressed,
                "minus full-sample beta x IWM (HAC on stressed weeks)": ev.adjusted_subset,
                "alpha, one beta, whole series (deciding)": ev.alpha["stressed"],
                "alpha, regime betas, whole series": i["stressed"],
                "alpha difference, stressed minus calm (one beta)": ev.alpha["difference"]}
        out = pd.DataFrame({k: {"pp a year": percent(e.value), "ci_low": percent(e.ci_low), "ci_high": percent(e.ci_high),
                                "weeks": e.n} for k, e in rows.items()}).T
        out.index.name = "stressed-credit weeks"
        return out.round(2)

    def capture_table(self) -> pd.DataFrame | Text:
        """Downside capture of IWM's falls in stressed and in calm weeks, and the betas by regime."""
        ev = self.evidence
        if ev is None or ev.capture is None:
            return Text(NO_ROWS)
        c, i = ev.capture, ev.alpha["interacted"]
        return pd.DataFrame({"downside capture": [c["stressed"], c["calm"]],
                             "weeks IWM fell": [c["n stressed"], c["n calm"]],
                             "beta to IWM (regime betas)": [i["beta stressed"], i["beta calm"]]},
                            index=pd.Index(["stressed credit", "calm credit"], name="regime")).round(2)

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
        t[cols] = percent(t[cols])
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
        t = self.evidence.drawdown.rename(columns={"return": "return (%)"}).rename_axis("portfolio")
        return (percent(t)).round(1)

    def halves_table(self) -> pd.DataFrame | Text:
        """Beta and stressed-credit excess (pp a year) in each half of the sample."""
        t = self.evidence.halves.rename(columns={"stressed-credit excess": "stressed-credit excess (pp a year)"})
        if t.empty:
            return Text(NO_ROWS)
        cols = ["stressed-credit excess (pp a year)", "ci_low", "ci_high"]
        t[cols] = percent(t[cols])
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
        """Keyword arguments for :func:`smallcaps.plots.rotation.credit_split` (or why there is none):
        the basket against IWM in stressed and calm weeks (the deciding definition), raw and beta for
        beta (the regression's alphas)."""
        ev = self.evidence
        if ev.regimes.empty:
            return ev.reason or "no week of the basket's sample has a credit regime"
        name = MEASURES[self.spec.credit_measure][4]
        _, s_lab, c_lab, _, _ = MEASURES[self.spec.credit_measure]
        raw_rows = ev.regimes[ev.regimes["definition"] == name].copy()
        raw_rows["definition"] = "raw"
        rows = [raw_rows[["definition", "regime", "weeks", "mean excess", "ci_low", "ci_high"]]]
        if ev.alpha is not None:
            weeks = raw_rows.set_index("regime")["weeks"]
            rows.append(pd.DataFrame([{"definition": "beta for beta", "regime": lab, "weeks": weeks.get(lab, 0),
                                       "mean excess": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high}
                                      for lab, e in ((c_lab, ev.alpha["calm"]), (s_lab, ev.alpha["stressed"]))]))
        t = pd.concat(rows, ignore_index=True)
        t[["mean excess", "ci_low", "ci_high"]] = percent(t[["mean excess", "ci_low", "ci_high"]])
        t = t.rename(columns={"mean excess": "mean excess (pp a year)"})
        if ev.alpha is not None:
            a, r = percent(ev.alpha["stressed"].value), percent(ev.stressed.value)
            title = (f"Under credit stress, beta for beta, the quality basket's alpha over IWM was {a:+.1f} pp a year "
                     f"(raw excess {r:+.1f})")
        else:
            title = "The quality basket against IWM, by credit regime"
        return {"data": t, "title": title,
                "groups": {"raw": "raw excess over IWM\n(registered)",
                           "beta for beta": "alpha over IWM, beta for beta\n(deciding)"},
                "note": "Weekly x 52, 95% HAC intervals. Stressed: high-yield spread above the median of its earlier "
                        "readings (FRED). Alphas from one regression on every week with a stressed-week intercept."}

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        lh = ev.long_history
        long = len(lh) > 0 and all(((lh["regime"] == "stressed") & lh["definition"].str.startswith(t)).any()
                                   for t in ("DES", "IJR"))
        return {"r4_risk": not ev.risk.empty, "r4_long": self.testable and long and len(ev.halves) == 2,
                "r4_spy": not ev.risk.empty and ev.beta_spy is not None,
                "r4_alpha": self.testable and ev.alpha is not None}

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
            "r4_beta_phrase": text("holds" if ev.beta.ci_high < 1 else "is not distinguishable from a beta of one"
                                   if ev.beta.value < 1 else "does not hold"),
            "r4_beta_spy": num(None if ev.beta_spy is None else ev.beta_spy.value, 2),
            "r4_beta_spy_lo": num(None if ev.beta_spy is None else ev.beta_spy.ci_low, 2),
            "r4_beta_spy_hi": num(None if ev.beta_spy is None else ev.beta_spy.ci_high, 2),
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
            g.update({"r4_stressed_weeks": count(reg.loc["stressed", "weeks"]),
                      "r4_stressed_top_year": raw(int(years.index[0]) if len(years) else None, "{:d}"),
                      "r4_stressed_top_n": count(int(years.iloc[0]) if len(years) else None)})
        if ev.stressed is not None:
            g.update({
                "r4_stressed_phrase": text("in this sample the recoveries weighed more" if ev.stressed.value < 0
                                        else "in this sample the falls weighed more"),
                "r4_stressed": pp(ev.stressed.value, 1), "r4_stressed_lo": pp(ev.stressed.ci_low, 1),
                "r4_stressed_hi": pp(ev.stressed.ci_high, 1), "r4_diff": pp(ev.stressed_minus_calm.value, 1),
                "r4_diff_lo": pp(ev.stressed_minus_calm.ci_low, 1), "r4_diff_hi": pp(ev.stressed_minus_calm.ci_high, 1),
            })
        if ev.alpha is not None:
            a, i, c = ev.alpha, ev.alpha["interacted"], ev.capture
            lab = ev.credit_weekly[MEASURES[self.spec.credit_measure][0]].reindex(ev.weekly_excess.index)
            iwm_stressed = self._iwm_weekly().reindex(lab.index)[lab == MEASURES[self.spec.credit_measure][1]]
            p = self.parts(ev)
            g.update({
                "r4_alpha": pp(a["stressed"].value, 1, signed=True), "r4_alpha_lo": pp(a["stressed"].ci_low, 1),
                "r4_alpha_hi": pp(a["stressed"].ci_high, 1), "r4_alpha_calm": pp(a["calm"].value, 1, signed=True),
                "r4_alpha_p": raw(one_sided_p(a["stressed"], +1), "{:.2f}"),
                "r4_alpha_mde": raw(mde(percent(a["stressed"].se), sides=2), "{:.0f}"),
                "r4_alpha_diff": pp(a["difference"].value, 1, signed=True),
                "r4_alpha_diff_lo": pp(a["difference"].ci_low, 1), "r4_alpha_diff_hi": pp(a["difference"].ci_high, 1),
                "r4_alpha_i": pp(i["stressed"].value, 1, signed=True),
                "r4_beta_i_stressed": num(i["beta stressed"], 2), "r4_beta_i_calm": num(i["beta calm"], 2),
                "r4_cap_stressed": num(c["stressed"], 2), "r4_cap_calm": num(c["calm"], 2),
                "r4_cap_n_stressed": count(c["n stressed"]), "r4_cap_n_calm": count(c["n calm"]),
                "r4_adj_subset": pp(ev.adjusted_subset.value, 1, signed=True),
                "r4_adj_subset_lo": pp(ev.adjusted_subset.ci_low, 1),
                "r4_adj_subset_hi": pp(ev.adjusted_subset.ci_high, 1),
                "r4_iwm_stressed": pp(52 * iwm_stressed.mean() if len(iwm_stressed) else None, 1),
                "r4_part1": text(p[0].verdict), "r4_part2": text(p[1].verdict),
            })
        if len(ev.long_history):
            lh = ev.long_history[ev.long_history["regime"] == "stressed"]
            des = lh[lh["definition"].str.startswith("DES")]
            ijr = lh[lh["definition"].str.startswith("IJR")]
            des = des.iloc[0] if len(des) else None
            ijr = ijr.iloc[0] if len(ijr) else None
            g.update({
                "r4_des_stressed": pp(None if des is None else des["mean excess"], 1),
                "r4_des_lo": pp(None if des is None else des["ci_low"], 1),
                "r4_des_hi": pp(None if des is None else des["ci_high"], 1),
                "r4_ijr_stressed": pp(None if ijr is None else ijr["mean excess"], 1),
                "r4_ijr_lo": pp(None if ijr is None else ijr["ci_low"], 1),
                "r4_ijr_hi": pp(None if ijr is None else ijr["ci_high"], 1),
            })
        if len(ev.halves) == 2:
            h = ev.halves
            g.update({"r4_half1": text(h.index[0]), "r4_half2": text(h.index[1]),
                      "r4_half1_stressed": pp(h.iloc[0]["stressed-credit excess"], 1),
                      "r4_half2_stressed": pp(h.iloc[1]["stressed-credit excess"], 1)})
        return g

