"""V5. Does the discount predict? Implied by [D] and [E].

Claim: a wide small-cap discount predicts small caps beating large caps afterwards.

Evidence: predictive regressions of the subsequent 1-, 3- and 5-year annualised log return of
French's NYSE size quintiles 2-3 (where the Russell 2000 sits) minus quintile 5 on the log
valuation spread between the same groups (V1's measure, December prices), with Hodrick (1992)
1B intervals (Newey-West shown); the non-overlapping regressions; the expanding-window
out-of-sample R-squared (Campbell and Thompson) with Clark and West's test and by evaluation
start; group means by spread quintile; Stambaugh's small-sample bias; and robustness variants
(quintile 1, the Compustat era, deciles, SMB, rolled-forward prices). Returns are decimals;
slopes are shown per one-standard-deviation wider spread in pp a year.

Amended on 2026-11-26 (referee report on valuation, V5): the registered rule used the micro-cap
quintile and Newey-West intervals, which over-reject with a persistent predictor and overlapping
outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ... import stats
from ...analytics import predictive as pr
from ...analytics import valuation as va
from ...display import Fact, count, iso, iso_end, month_name, num, percent, pp, raw, tidy, with_ci
from ...display import text as say
from ...errors import DataError
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .inputs import SIZE_GROUP_LABELS

#: Horizons (years) of the regressions.
HORIZONS_YEARS = (1, 3, 5)
#: Later starts of the out-of-sample evaluation (the same forecasts, scored from these months).
EVALUATION_STARTS = ("1965-01", "1975-01", "1990-01")
#: The outcome (French size sorts) for each size group.
OUTCOMES = {"2-3": "quintiles 2-3", "1": "quintiles"}
#: The start of the Compustat era (French's book equity before it is hand-collected from Moody's).
COMPUSTAT_ERA = "1963-07-01"

REGISTERED_RULE = Rule(
    claim_id="V5",
    claim="Implied: a wide small-cap discount predicts small caps beating large caps afterwards [D, E]",
    hypothesis="A wider log valuation spread (small's BE/ME over large's) is followed by higher small-minus-large "
               "returns, in sample and out of sample.",
    statistic="the slope of the subsequent 3-year annualised log return of the smallest "
              "minus the largest size quintile (French Portfolios_Formed_on_ME, value-weighted) on the log "
              "spread, in pp per year per one-standard-deviation wider spread, with a Newey-West 95% interval "
              "(lags at least the overlap); and the expanding-window out-of-sample R-squared at the same horizon "
              "(first forecast after 240 realised months), all inside the window.",
    supported="the slope's interval lies above zero and the out-of-sample R-squared is positive",
    partly="the slope is positive and exactly one of the two holds (interval above zero; out-of-sample "
           "R-squared positive)",
    not_supported="the slope is not positive, or neither holds",
    untestable="the window gives fewer than 120 months with a complete "
               "3-year forward return, or fewer than 60 out-of-sample forecasts",
)


@dataclass
class V5Evidence:
    """Predictive regressions of subsequent small-minus-large returns on the log valuation spread.

    Attributes
    ----------
    frames, fits, oos, oos_signed
        By horizon (months): the regression frame (``x`` log spread, ``y`` annualised log
        return, decimal), the fit, the out-of-sample score and its sign-restricted version.
    groups
        Mean subsequent return by spread quintile at the primary horizon (decimals), or None.
    latest_x, latest_month
        The spread at the as-of date and its month.
    predictions
        By horizon: forecast, mean interval and prediction interval (decimals).
    robustness
        The display table of variants (pp a year per sd), possibly empty; filled on first use by
        :meth:`V5.robustness_table`.
    stambaugh
        ``rho``, ``bias``, ``slope``, ``n`` of the annual 1-year regression, or None.
    hodrick
        By horizon: the slope with Hodrick (1992) 1B errors (annualised decimal per unit of the
        spread), where estimable.
    clark_west
        By horizon: Clark and West's test of the out-of-sample forecasts.
    oos_by_start
        By horizon: ``[(start month, R-squared, forecasts), ...]`` from the first forecast and
        from each of :data:`EVALUATION_STARTS` inside the forecasts.
    non_overlapping
        :func:`analytics.predictive.non_overlapping` at the primary horizon (or empty).
    oos_q1
        Quintile 1's out-of-sample R-squared by evaluation start (filled on first use by
        :meth:`V5.oos_q1`).
    """

    frames: dict[int, pd.DataFrame]
    fits: dict[int, pr.PredictiveFit]
    oos: dict[int, pr.OutOfSample]
    oos_signed: dict[int, pr.OutOfSample]
    groups: pd.DataFrame | None
    latest_x: float | None
    latest_month: pd.Period | None
    predictions: dict[int, dict[str, float]]
    robustness: pd.DataFrame | None
    stambaugh: dict[str, float] | None
    window_months: tuple[pd.Period, pd.Period]
    hodrick: dict[int, stats.Estimate] | None = None
    clark_west: dict[int, pr.ClarkWest] | None = None
    oos_by_start: dict[int, list[tuple[pd.Period, float, int]]] | None = None
    non_overlapping: pd.DataFrame | None = None
    oos_q1: list[tuple[pd.Period, float, int]] | None = None


class V5(Claim):
    id: ClassVar[str] = "V5"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "Does the discount predict?"
    kind: ClassVar[str] = "forecast"
    unit: ClassVar[str] = "pp a year"
    claim_dates: ClassVar[tuple[str, ...]] = ("2024-05-16", "2026-07-02")
    inputs_used: ClassVar[tuple[str, ...]] = ("cells", "size", "factors")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("primary_horizon_years", 3, {"1 year": 1, "5 years": 5},
               "the horizon (years) whose slope and out-of-sample R-squared decide",
               check=lambda v: None if v in HORIZONS_YEARS else ", ".join(map(str, HORIZONS_YEARS))),
        Choice("min_train_months", 240, {"10 years of training": 120, "30 years of training": 360},
               "realised months before the first out-of-sample forecast (Campbell and Thompson use 20 years)",
               check=lambda v: None if v >= 60 else "at least 60"),
        Choice("min_predictive_months", 120, {}, "minimum months with a complete forward return",
               check=lambda v: None if v >= 24 else "at least 24"),
        Choice("min_forecasts", 60, {}, "minimum out-of-sample forecasts",
               check=lambda v: None if v >= 12 else "at least 12"),
        Choice("size_group", "2-3", {"micro-caps (quintile 1, registered)": "1"},
               "the small-cap group: NYSE size quintiles 2-3 (the Russell 2000's range) or quintile 1 (micro-caps), "
               "against quintile 5, for both the spread and the returns",
               check=lambda v: None if v in OUTCOMES else ", ".join(OUTCOMES)),
        Choice("interval", "Hodrick", {"Newey-West (registered)": "newey-west"},
               "the slope's interval: Hodrick (1992) 1B, or Newey-West with lags at least the overlap",
               check=lambda v: None if v in ("Hodrick", "newey-west") else "Hodrick, newey-west"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (inconclusive when the slope is positive but neither test holds) or as "
               "registered",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V5",
        claim="Implied: a wide small-cap discount predicts small caps beating large caps afterwards [D, E]",
        hypothesis="A wider log valuation spread (small's BE/ME over large's) is followed by higher small-minus-large "
                   "returns, in sample and out of sample.",
        statistic="the slope of the subsequent {primary_horizon_years}-year annualised log return of NYSE size "
                  "quintiles 2-3 (value-weighted together; where the Russell 2000 sits) minus quintile 5 (French "
                  "Portfolios_Formed_on_ME) on the log valuation spread between the same groups (French 25 size x "
                  "BE/ME portfolios, December prices), in pp per year per one-standard-deviation wider spread, with a "
                  "Hodrick (1992) 1B 95% interval and a one-sided p-value; and the expanding-window out-of-sample "
                  "R-squared at the same horizon (first forecast after {min_train_months} realised months), with "
                  "Clark and West's test beside it, all inside the window. Quintile 1, Newey-West intervals, the "
                  "non-overlapping regressions and later evaluation starts are shown.",
        supported="the slope's interval lies above zero and the out-of-sample R-squared is positive",
        partly="the slope is positive and exactly one of the two holds (interval above zero; out-of-sample "
               "R-squared positive)",
        inconclusive="the slope is positive but neither holds",
        not_supported="the slope is not positive",
        untestable="the window gives fewer than {min_predictive_months} months with a complete "
                   "{primary_horizon_years}-year forward return, or fewer than {min_forecasts} out-of-sample forecasts",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee report on valuation, V5 (minor) and section 4: Newey-West errors with a persistent predictor "
               "and 36-month overlap over-reject (a null bootstrap puts the 97.5% point of the t at 2.88), so Hodrick "
               "(1992) 1B intervals decide; the claim is about Russell 2000-like companies, so the size group is NYSE "
               "quintiles 2-3 (quintile 1 shown); inconclusive where the slope has the claim's sign but neither test "
               "holds.",
        old_rule=REGISTERED_RULE,
        registered_spec={"size_group": "1", "interval": "newey-west", "verdict_rule": "registered"},
    ),)

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        return f"{self.spec.primary_horizon_years}-year small-minus-large slope per sd"

    @property
    def primary(self) -> int:
        """The deciding horizon in months."""
        return 12 * self.spec.primary_horizon_years

    @property
    def sd_x(self) -> float:
        """The predictor's standard deviation in the primary regression (NaN without one)."""
        fit = self.evidence.fits.get(self.primary)
        return fit.sd_x if fit is not None else float("nan")

    def compute(self) -> V5Evidence:
        w = self.window
        inputs = self.inputs
        first, last = va.full_month_range(w.start, w.end)
        rv = inputs.relative_valuation(self.spec.size_group)
        x = rv["log_spread"]
        rel = inputs.small_minus_large_log(OUTCOMES[self.spec.size_group])
        frames, fits, oos, oos_s, preds = {}, {}, {}, {}, {}
        hod, cw, by_start = {}, {}, {}
        xin = x.loc[first:min(last, va.last_complete_month(w.as_of))].dropna()  # "today" is the as-of date
        latest_x = float(xin.iloc[-1]) if len(xin) else None
        latest_month = xin.index[-1] if len(xin) else None
        for years in HORIZONS_YEARS:
            h = 12 * years
            fr = pr.predictive_frame(x, rel, h, first.start_time, last.end_time)
            if len(fr) < 24:
                continue
            frames[h] = fr
            fits[h] = pr.fit_predictive(fr, h)
            try:
                hod[h] = pr.hodrick_slope(x, rel, h, first.start_time, last.end_time)
            except DataError:
                pass
            try:
                oos[h] = pr.out_of_sample(fr, h, self.spec.min_train_months)
                oos_s[h] = pr.out_of_sample(fr, h, self.spec.min_train_months, sign_restrict=True)
                cw[h] = pr.clark_west(oos[h], h)
                by_start[h] = _starts(oos[h])
            except DataError:
                pass
            if latest_x is not None:
                preds[h] = fits[h].predict(latest_x)
        h = self.primary
        groups = pr.group_means(frames[h], h) if h in frames and len(frames[h]) >= 50 else None
        st = None
        if 12 in frames and len(frames[12]) >= 120:
            st = pr.stambaugh_bias(frames[12].iloc[::12])
        nonov = pr.non_overlapping(frames[h], h) if h in frames else pd.DataFrame()
        return V5Evidence(frames=frames, fits=fits, oos=oos, oos_signed=oos_s, groups=groups, latest_x=latest_x,
                          latest_month=latest_month, predictions=preds, robustness=None, stambaugh=st,
                          window_months=(first, last), hodrick=hod, clark_west=cw, oos_by_start=by_start,
                          non_overlapping=nonov)

    def oos_q1(self) -> list[tuple[pd.Period, float, int]] | None:
        """Quintile 1's (the registered group's) out-of-sample R-squared by evaluation start at the
        primary horizon, when the spec's group is another (computed on first use)."""
        ev = self.evidence
        if ev.oos_q1 is None and self.spec.size_group != "1" and self.window is not None:
            first, last = ev.window_months
            fr1 = pr.predictive_frame(self.inputs.relative_valuation("1")["log_spread"],
                                      self.inputs.small_minus_large_log("quintiles"), self.primary, first.start_time,
                                      last.end_time)
            ev.oos_q1 = (_by_start(fr1, self.primary, self.spec.min_train_months) if len(fr1) >= 24 else None) or []
        return ev.oos_q1

    def robustness_table(self) -> pd.DataFrame:
        """The primary-horizon slope under each robustness variant (pp a year per one-sd wider
        spread of the main regression), with Hodrick and Newey-West intervals (computed on first
        use)."""
        ev = self.evidence
        if ev.robustness is None:
            ev.robustness = self._robustness()
        return ev.robustness

    def _robustness(self) -> pd.DataFrame:
        ev = self.evidence
        inputs = self.inputs
        h = self.primary
        first, last = ev.window_months
        fits, frames = ev.fits, ev.frames
        rv = inputs.relative_valuation(self.spec.size_group)
        x = rv["log_spread"]
        rel = inputs.small_minus_large_log(OUTCOMES[self.spec.size_group])
        sd = fits[h].sd_x if h in fits else None
        rob = []
        if h in fits:
            lo_t, hi_t = first.start_time, last.end_time

            def row(label, xs, ys, what, start=lo_t, end=hi_t, months=(None, None)):
                fr_ = pr.predictive_frame(xs, ys, h, start, end).loc[months[0]:months[1]]
                if len(fr_) < 24:
                    return
                f = pr.fit_predictive(fr_, h)
                s_nw = f.slope.scaled(percent(sd))
                try:
                    s_h = pr.hodrick_slope(xs, ys, h, start, end, first=months[0], last=months[1]).scaled(percent(sd))
                except DataError:
                    s_h = None
                rob.append({"variant": label, "what changes": what, "first": str(f.first), "last": str(f.last),
                            "months": f.n, "slope (pp/yr per sd)": s_nw.value,
                            "ci_low": None if s_h is None else s_h.ci_low,
                            "ci_high": None if s_h is None else s_h.ci_high,
                            "nw_low": s_nw.ci_low, "nw_high": s_nw.ci_high, "R2 (%)": percent(f.r2)})

            fr = frames[h]
            group = SIZE_GROUP_LABELS[self.spec.size_group]
            row("main", x, rel, f"{group}, BE/ME at December prices")
            half = len(fr) // 2
            mid = fr.index[half]
            row("first half", x, rel, "sample split by predictor month", months=(None, mid - 1))
            row("second half", x, rel, "sample split by predictor month", months=(mid, None))
            row("Compustat era", x, rel, "predictor months from July 1963 (book equity from Compustat)",
                months=(pd.Period(COMPUSTAT_ERA, freq="M"), None))
            row("price-updated spread", rv["log_spread_updated"], rel, "spread rolled forward to each month's prices")
            if self.spec.size_group != "1":
                q1 = inputs.relative_valuation("1")
                row("quintile 1 (micro-caps)", q1["log_spread"], inputs.small_minus_large_log("quintiles"),
                    "size quintile 1 against 5 (the registered group)")
            x1 = inputs.relative_valuation("1")["log_spread"]
            row("deciles", x1, inputs.small_minus_large_log("deciles"),
                "quintile 1 spread; smallest minus largest size decile")
            row("SMB", x1, inputs.small_minus_large_log("smb"), "quintile 1 spread; Fama-French SMB (to its own last "
                "month)")
        robustness = pd.DataFrame()
        if rob:
            t = tidy(pd.DataFrame(rob).set_index("variant"), 2)
            t = with_ci(t, digits=1, name="Hodrick 95% CI")
            robustness = with_ci(t, digits=1, name="Newey-West 95% CI", low="nw_low", high="nw_high")
        return robustness

    def slope(self, years: int | None = None) -> stats.Estimate | None:
        """The slope at a horizon (default: the primary) in pp a year per one-sd wider spread,
        with the spec's interval (Hodrick or Newey-West); None where it cannot be estimated."""
        ev = self.evidence
        h = self.primary if years is None else 12 * years
        fit = ev.fits.get(h)
        if fit is None:
            return None
        if self.spec.interval == "newey-west":
            return fit.slope.scaled(percent(self.sd_x))
        e = (ev.hodrick or {}).get(h)
        return None if e is None else e.scaled(percent(self.sd_x))

    def untestable(self, ev: V5Evidence) -> str | None:
        h = self.primary
        sp = self.spec
        if (h in ev.fits and ev.fits[h].n >= sp.min_predictive_months and h in ev.oos
                and ev.oos[h].n >= sp.min_forecasts and (sp.interval == "newey-west" or h in (ev.hodrick or {}))):
            return None
        return (f"The window is too short for {sp.primary_horizon_years}-year forward returns and "
                f"{sp.min_train_months // 12} years of out-of-sample training; a window of at least "
                f"{(sp.min_train_months + 12 * sp.primary_horizon_years + sp.min_forecasts) // 12 + 1} years of French "
                f"data would decide it.")

    def decide(self, ev: V5Evidence) -> Decision:
        fit = ev.fits[self.primary]
        s = self.slope()
        o = ev.oos[self.primary]
        ci_above, oos_pos = s.ci_low > 0, o.r2 > 0
        if s.value > 0 and ci_above and oos_pos:
            verdict = SUPPORTED
        elif s.value > 0 and (ci_above or oos_pos):
            verdict = PARTLY
        elif s.value > 0 and self.spec.verdict_rule == "amended":
            verdict = INCONCLUSIVE
        else:
            verdict = NOT_SUPPORTED
        note = (f"In sample the slope is {s.value:+.1f} pp a year per sd ({s.ci_low:+.1f} to {s.ci_high:+.1f}); out "
                f"of sample the {self.spec.primary_horizon_years}-year R-squared is {percent(o.r2):+.1f}% over {o.n} "
                f"forecasts from {month_name(o.forecasts.index.min())}.")
        name = self.statistic_name
        if self.spec.size_group != "1" or self.spec.interval != "newey-west":
            cwt = (ev.clark_west or {}).get(self.primary)
            name = (f"{name} ({'quintiles 2-3' if self.spec.size_group == '2-3' else 'quintile 1'}; "
                    f"out-of-sample R² {percent(o.r2):+.1f}%)")
            if cwt is not None:
                note += f" Clark and West's test of the forecasts: t = {cwt.t:.2f} (one-sided p = {cwt.p:.3f})."
        p_value = stats.one_sided_p(s, +1)
        mde = stats.mde(s.se) if s.se else None
        return Decision(verdict, Statistic.from_estimate(s, name, self.unit),
                        Sample(iso(fit.first), iso_end(fit.last), fit.n, "monthly"), note, p_value=p_value, mde=mde)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """One row per horizon: sample, slope per one-sd wider spread (pp a year) with its Hodrick
        and Newey-West intervals, R-squared in and out of sample, and Clark and West's test."""
        ev = self.evidence
        rows = []
        for h, fit in ev.fits.items():
            s = fit.slope.scaled(percent(self.sd_x))
            hd = (ev.hodrick or {}).get(h)
            hd = None if hd is None else hd.scaled(percent(self.sd_x))
            o, os_ = ev.oos.get(h), ev.oos_signed.get(h)
            cw = (ev.clark_west or {}).get(h)
            rows.append({"horizon (years)": h // 12, "first": str(fit.first), "last": str(fit.last), "months": fit.n,
                         "slope (pp/yr per sd)": s.value,
                         "ci_low": np.nan if hd is None else hd.ci_low, "ci_high": np.nan if hd is None else hd.ci_high,
                         "nw_low": s.ci_low, "nw_high": s.ci_high, "HAC lags": int(fit.result.hac_lags),
                         "R² in sample (%)": percent(fit.r2),
                         "R² OOS (%)": np.nan if o is None else percent(o.r2),
                         "R² OOS, slope ≥ 0 (%)": np.nan if os_ is None else percent(os_.r2),
                         "Clark-West t": np.nan if cw is None else cw.t,
                         "Clark-West p": np.nan if cw is None else cw.p,
                         "forecasts": 0 if o is None else o.n})
        if not rows:
            return pd.DataFrame({"note": ["too few months in the window for the forward returns"]}, index=pd.Index(["V5"], name="claim"))
        t = pd.DataFrame(rows).set_index("horizon (years)")
        a, b = t["R² OOS (%)"], t["R² OOS, slope ≥ 0 (%)"]
        if ((a - b).abs().fillna(0) < 1e-12).all() and (a.isna() == b.isna()).all():
            t = t.drop(columns="R² OOS, slope ≥ 0 (%)")  # the sign restriction never binds: one column says it
        t = tidy(t, 3)
        t = with_ci(t, digits=1, name="Hodrick 95% CI")
        return with_ci(t, digits=1, name="Newey-West 95% CI", low="nw_low", high="nw_high")

    def oos_start_table(self) -> pd.DataFrame:
        """The out-of-sample R-squared (percent) of the same forecasts scored from later evaluation
        starts, by horizon; quintile 1 (the registered group) at the primary horizon beside it."""
        ev = self.evidence
        rows = []
        group = "quintiles 2-3" if self.spec.size_group == "2-3" else "quintile 1"
        for h, starts in (ev.oos_by_start or {}).items():
            for i, (p, r2, n) in enumerate(starts):
                rows.append({"size group": group, "horizon (years)": h // 12,
                             "evaluation starts": month_name(p) + (" (first forecast)" if i == 0 else ""),
                             "R² OOS (%)": percent(r2), "forecasts": n})
        for i, (p, r2, n) in enumerate(self.oos_q1() or []):
            rows.append({"size group": "quintile 1 (registered)", "horizon (years)": self.primary // 12,
                         "evaluation starts": month_name(p) + (" (first forecast)" if i == 0 else ""),
                         "R² OOS (%)": percent(r2), "forecasts": n})
        if not rows:
            return pd.DataFrame({"note": ["no out-of-sample forecasts in the window"]}, index=pd.Index(["V5"], name="claim"))
        return tidy(pd.DataFrame(rows).set_index(["size group", "horizon (years)", "evaluation starts"]), 1)

    def non_overlapping_table(self) -> pd.DataFrame:
        """The primary-horizon regression on non-overlapping observations, one per starting offset
        (slope per one-sd wider spread, pp a year, with classical OLS intervals)."""
        no = self.evidence.non_overlapping
        if no is None or no.empty:
            return pd.DataFrame({"note": ["too few months for non-overlapping regressions"]}, index=pd.Index(["V5"], name="claim"))
        t = no.copy()
        k = percent(self.sd_x)
        t[["slope", "ci_low", "ci_high"]] = k * t[["slope", "ci_low", "ci_high"]]
        t["first"] = t["first"].map(month_name)
        t = t.rename(columns={"first": "first predictor month", "n": "observations", "slope": "slope (pp/yr per sd)"})
        t.index.name = "offset (months)"
        return with_ci(tidy(t, 2), digits=1)

    def group_table(self) -> pd.DataFrame | None:
        """Subsequent annualised return (pp a year) by spread quintile, primary horizon."""
        groups = self.evidence.groups
        if groups is None:
            return None
        g = groups.copy()
        g[["estimate", "ci_low", "ci_high"]] = percent(g[["estimate", "ci_low", "ci_high"]])
        g = g.rename(columns={"x_low": "spread from", "x_high": "spread to", "estimate": "small minus large (pp/yr)"})
        g.index = [f"Q{i}{' (small dearest)' if i == 1 else ' (small cheapest)' if i == len(g) else ''}"
                   for i in g.index]
        g.index.name = "spread quintile"
        return tidy(g, 2)

    def group_display(self) -> pd.DataFrame | None:
        """:meth:`group_table` with the interval as one column."""
        g = self.group_table()
        return None if g is None else with_ci(g, digits=1)

    def group_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.bars`: mean subsequent return by spread quintile."""
        g = self.group_table()
        lo, hi = g["small minus large (pp/yr)"].iloc[0], g["small minus large (pp/yr)"].iloc[-1]
        years = self.primary // 12
        return {"data": g.reset_index(), "x": "spread quintile", "y": "small minus large (pp/yr)",
                "ci": ("ci_low", "ci_high"),
                "title": (f"After the cheapest fifth of spreads small beat large by {hi:+.1f} pp a year over "
                          f"{years} years; after the dearest fifth, {lo:+.1f}"),
                "xlabel": "valuation spread quintile (whole-sample breakpoints)",
                "ylabel": f"next {years} years, small minus large (pp a year)"}

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.predictive_scatter`."""
        ev = self.evidence
        h = self.primary
        f = ev.frames[h].copy()
        f["y"] = percent(f["y"])
        f["era"] = _era(f.index.year)
        p = ev.predictions.get(h)
        fit = ev.fits[h]
        s = fit.slope.scaled(percent(self.sd_x))
        return {"data": f.reset_index(),
                "latest": None if p is None else (ev.latest_x, percent(p["forecast"]), percent(p["pi_low"]), percent(p["pi_high"])),
                "latest_label": f"{month_name(ev.latest_month)} spread", "horizon_years": h // 12,
                "title": (f"A one-sd wider spread went with {s.value:+.1f} pp a year more small-minus-large return over "
                          f"the next {h // 12} years (in sample, {fit.first.year}-{fit.last.year})")}

    def oos_figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.oos_performance`."""
        ev = self.evidence
        parts = []
        for h, o in ev.oos.items():
            d = o.forecasts[["cum_sse_diff"]].copy()
            d["cum_sse_diff"] = 1e4 * d["cum_sse_diff"] / 1e3  # thousands of (pp a year) squared
            d["horizon"] = f"{h // 12}-year (OOS R2 {percent(o.r2):+.1f}%)"
            d.index = d.index.to_timestamp()
            parts.append(d.reset_index())
        data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        wins = [h // 12 for h, o in ev.oos.items() if o.r2 > 0]
        if not wins:
            title = "Out of sample, the spread never beat the historical mean"
        elif len(wins) == len(ev.oos):
            title = "Out of sample, the spread beat the historical mean at every horizon"
        else:
            title = (f"Out of sample, the spread beat the historical mean only at the "
                     f"{', '.join(str(w) for w in wins)}-year horizon")
        return {"data": data, "title": title}

    def _horizon(self, years: int) -> dict[str, Fact]:
        ev = self.evidence
        h = 12 * years
        fit = ev.fits.get(h)
        s = self.slope(years)
        nw = fit.slope.scaled(percent(self.sd_x)) if fit is not None else None
        o = ev.oos.get(h)
        cw = (ev.clark_west or {}).get(h)
        return {"slope": num(None if s is None else s.value, 1, True),
                "lo": num(None if s is None else s.ci_low, 1, True),
                "hi": num(None if s is None else s.ci_high, 1, True),
                "nw_lo": num(None if nw is None else nw.ci_low, 1, True),
                "nw_hi": num(None if nw is None else nw.ci_high, 1, True),
                "t": num(None if s is None else s.t, 2),
                "r2": pp(None if fit is None else fit.r2, 0),
                "oos": pp(None if o is None else o.r2, 1, True),
                "cw_t": num(None if cw is None else cw.t, 2),
                "cw_p": say(None if cw is None else _p_text(cw.p)),
                "last": say(None if fit is None else month_name(fit.last))}

    def _by_start(self, starts, month: str) -> float | None:
        for p, r2, _ in starts or []:
            if p == pd.Period(month, freq="M"):
                return r2
        return None

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"v5_primary": raw(self.spec.primary_horizon_years, "{:d}"),
                              "v5_min_train": raw(self.spec.min_train_months // 12, "{:d}"),
                              "v5_group": say(SIZE_GROUP_LABELS[self.spec.size_group])}
        if not self.testable:
            return g
        ev = self.evidence
        h = self.primary
        d = self.decision
        h1, h3, h5 = self._horizon(1), self._horizon(3), self._horizon(5)
        fit, o, p, st = ev.fits[h], ev.oos[h], ev.predictions.get(h), ev.stambaugh
        starts = (ev.oos_by_start or {}).get(h)
        no = ev.non_overlapping
        k = percent(self.sd_x)
        q1 = self.oos_q1() or []
        g.update({
            "v5_h1_slope": h1["slope"], "v5_h1_lo": h1["lo"], "v5_h1_hi": h1["hi"], "v5_h1_oos": h1["oos"],
            "v5_h3_slope": h3["slope"], "v5_h3_lo": h3["lo"], "v5_h3_hi": h3["hi"], "v5_h3_oos": h3["oos"],
            "v5_h3_r2": h3["r2"], "v5_h3_last": h3["last"], "v5_h3_t": h3["t"],
            "v5_h3_nw_lo": h3["nw_lo"], "v5_h3_nw_hi": h3["nw_hi"],
            "v5_h3_cw_t": h3["cw_t"], "v5_h3_cw_p": h3["cw_p"],
            "v5_h1_cw_t": h1["cw_t"], "v5_h5_cw_t": h5["cw_t"],
            "v5_h5_slope": h5["slope"], "v5_h5_lo": h5["lo"], "v5_h5_hi": h5["hi"], "v5_h5_oos": h5["oos"],
            "v5_p": say(_p_text(d.p_value)),
            "v5_mde": num(d.mde, 1),
            "v5_first": say(month_name(fit.first)),
            "v5_n": count(fit.n),
            "v5_sd": num(self.sd_x, 2),
            "v5_oos_first": say(month_name(o.forecasts.index.min())),
            "v5_oos_n": count(o.n),
            "v5_oos_1965": pp(self._by_start(starts, "1965-01"), 1, True),
            "v5_oos_1975": pp(self._by_start(starts, "1975-01"), 1, True),
            "v5_oos_1990": pp(self._by_start(starts, "1990-01"), 1, True),
            "v5_q1_oos_first": pp(q1[0][1] if q1 else None, 1, True),
            "v5_q1_oos_first_month": say(month_name(q1[0][0]) if q1 else None),
            "v5_q1_oos_1965": pp(self._by_start(q1, "1965-01"), 1, True),
            "v5_q1_oos_1975": pp(self._by_start(q1, "1975-01"), 1, True),
            "v5_q1_oos_1990": pp(self._by_start(q1, "1990-01"), 1, True),
            "v5_nonov_n": raw(None if no is None or no.empty else int(no["n"].min()), "{:d}"),
            "v5_nonov_min": num(None if no is None or no.empty else k * no["slope"].min(), 1),
            "v5_nonov_max": num(None if no is None or no.empty else k * no["slope"].max(), 1),
            "v5_nonov_tmin": num(None if no is None or no.empty else no["t"].min(), 1),
            "v5_nonov_tmax": num(None if no is None or no.empty else no["t"].max(), 1),
            "v5_nonov_k": raw(None if no is None or no.empty else len(no), "{:d}"),
            "v5_latest_month": say(month_name(ev.latest_month)),
            "v5_latest_x": num(ev.latest_x, 2),
            "v5_latest_pct": pp(None if ev.latest_x is None else float((ev.frames[h]["x"] <= ev.latest_x).mean()), 0),
            "v5_forecast": pp(None if p is None else p["forecast"], 1, True),
            "v5_pi_lo": pp(None if p is None else p["pi_low"], 1, True),
            "v5_pi_hi": pp(None if p is None else p["pi_high"], 1, True),
            "v5_ci_lo": pp(None if p is None else p["ci_low"], 1, True),
            "v5_ci_hi": pp(None if p is None else p["ci_high"], 1, True),
            "v5_rho": num(None if st is None else st["rho"], 2),
            "v5_bias": pp(None if st is None else st["bias"] * self.sd_x, 2, True),
            "v5_slope_1y_annual": pp(None if st is None else st["slope"] * self.sd_x, 2, True),
            "v5_stambaugh_n": raw(None if st is None else st["n"], "{:d}"),
            "v5_sign_restriction": say(self.phrase_sign_restriction()),
        })
        return g

    def phrase_sign_restriction(self) -> str:
        """What restricting the slope to be positive does: ``changes nothing here, ...`` or
        ``changes the score where ...``."""
        ev = self.evidence
        if all(abs(ev.oos[h].r2 - ev.oos_signed[h].r2) < 1e-12 for h in ev.oos if h in ev.oos_signed):
            return "changes nothing here, because the expanding-window slope never turned negative"
        return ("changes the score where the expanding-window slope turned negative (see the table's "
                "sign-restricted column)")

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        h = self.primary
        starts = (ev.oos_by_start or {}).get(h) or []
        q1 = self.oos_q1() or []
        r65 = self._by_start(starts, "1965-01")
        q65 = self._by_start(q1, "1965-01")
        no = ev.non_overlapping
        return {"v5_stambaugh": ev.stambaugh is not None,
                "v5_forecast": ev.latest_x is not None and h in ev.predictions,
                "v5_starts": r65 is not None and self._by_start(starts, "1990-01") is not None,
                # the out-of-sample failure is the early forecasts' if it turns positive from 1965
                "v5_oos_early_failure": bool(starts) and starts[0][1] <= 0 and r65 is not None and r65 > 0,
                "v5_q1_starts": q65 is not None and self._by_start(q1, "1990-01") is not None,
                "v5_q1_early_failure": bool(q1) and q1[0][1] <= 0 and q65 is not None and q65 > 0,
                "v5_nonoverlapping": no is not None and not no.empty,
                "v5_q1": self.spec.size_group != "1"}


def _starts(o: pr.OutOfSample) -> list[tuple[pd.Period, float, int]]:
    """The out-of-sample R-squared from the first forecast and from each later evaluation start
    (:data:`EVALUATION_STARTS`) inside the forecasts: ``[(start, R-squared, forecasts), ...]``."""
    f0 = o.forecasts.index.min()
    out = [(f0, o.r2, o.n)]
    for start in EVALUATION_STARTS:
        p = pd.Period(start, freq="M")
        if f0 < p <= o.forecasts.index.max():
            r2, n = pr.oos_r2_since(o, p.start_time)
            out.append((p, r2, n))
    return out


def _by_start(frame: pd.DataFrame, horizon: int, min_train: int) -> list[tuple[pd.Period, float, int]] | None:
    try:
        return _starts(pr.out_of_sample(frame, horizon, min_train))
    except DataError:
        return None


def _p_text(p: float | None) -> str | None:
    if p is None:
        return None
    return "below 0.001" if p < 0.001 else f"{p:.3f}"


#: Quarter-century eras for the scatter's colours (eleven decades could not be told apart).
ERAS = ((1900, 1949), (1950, 1974), (1975, 1999), (2000, 2099))


def _era(years) -> list[str]:
    """``1926-1949``, ``1950-1974``...: each year's era, its first year clipped to the data."""
    first = int(min(years))
    out = []
    for y in years:
        lo, hi = next((a, b) for a, b in ERAS if a <= y <= b)
        out.append(f"{max(lo, first)}-{hi}" if hi < 2099 else f"{lo} on")
    return out
