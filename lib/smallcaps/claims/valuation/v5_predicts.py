"""V5. Does the discount predict? Implied by [D] and [E].

Claim: a wide small-cap discount predicts small caps beating large caps afterwards.

Evidence: predictive regressions of the subsequent 1-, 3- and 5-year annualised log return of
French's smallest minus largest size quintile on the log valuation spread (V1's measure), with
Newey-West intervals (lags at least the overlap); expanding-window out-of-sample R-squared
(Campbell and Thompson); group means by spread quintile; Stambaugh's small-sample bias; and
robustness variants. Returns are decimals; slopes are shown per one-standard-deviation wider
spread in pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import predictive as pr
from ...analytics import valuation as va
from ...display import Fact, count, iso, iso_end, month_name, num, pp, raw, tidy, with_ci
from ...display import text as say
from ...errors import DataError
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic

#: Horizons (years) of the regressions.
HORIZONS_YEARS = (1, 3, 5)


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
        The display table of variants (pp a year per sd), possibly empty.
    stambaugh
        ``rho``, ``bias``, ``slope``, ``n`` of the annual 1-year regression, or None.
    """

    frames: dict[int, pd.DataFrame]
    fits: dict[int, pr.PredictiveFit]
    oos: dict[int, pr.OutOfSample]
    oos_signed: dict[int, pr.OutOfSample]
    groups: pd.DataFrame | None
    latest_x: float | None
    latest_month: pd.Period | None
    predictions: dict[int, dict[str, float]]
    robustness: pd.DataFrame
    stambaugh: dict[str, float] | None
    window_months: tuple[pd.Period, pd.Period]


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
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V5",
        claim="Implied: a wide small-cap discount predicts small caps beating large caps afterwards [D, E]",
        hypothesis="A wider log valuation spread (small's BE/ME over large's) is followed by higher small-minus-large "
                   "returns, in sample and out of sample.",
        statistic="the slope of the subsequent {primary_horizon_years}-year annualised log return of the smallest "
                  "minus the largest size quintile (French Portfolios_Formed_on_ME, value-weighted) on the log "
                  "spread, in pp per year per one-standard-deviation wider spread, with a Newey-West 95% interval "
                  "(lags at least the overlap); and the expanding-window out-of-sample R-squared at the same horizon "
                  "(first forecast after {min_train_months} realised months), all inside the window.",
        supported="the slope's interval lies above zero and the out-of-sample R-squared is positive",
        partly="the slope is positive and exactly one of the two holds (interval above zero; out-of-sample "
               "R-squared positive)",
        not_supported="the slope is not positive, or neither holds",
        untestable="the window gives fewer than {min_predictive_months} months with a complete "
                   "{primary_horizon_years}-year forward return, or fewer than {min_forecasts} out-of-sample forecasts",
    )

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
        rv = inputs.relative_valuation()
        x = rv["log_spread"]
        rel = inputs.small_minus_large_log("quintiles")
        frames, fits, oos, oos_s, preds = {}, {}, {}, {}, {}
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
                oos[h] = pr.out_of_sample(fr, h, self.spec.min_train_months)
                oos_s[h] = pr.out_of_sample(fr, h, self.spec.min_train_months, sign_restrict=True)
            except DataError:
                pass
            if latest_x is not None:
                preds[h] = fits[h].predict(latest_x)
        h = self.primary
        groups = pr.group_means(frames[h], h) if h in frames and len(frames[h]) >= 50 else None
        sd = fits[h].sd_x if h in fits else None
        rob = []
        if h in fits:
            def row(label, fr, what):
                if len(fr) < 24:
                    return
                f = pr.fit_predictive(fr, h)
                s = f.slope.scaled(100 * sd)
                rob.append({"variant": label, "what changes": what, "first": str(f.first), "last": str(f.last),
                            "months": f.n, "slope (pp/yr per sd)": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                            "R2 (%)": 100 * f.r2})

            fr = frames[h]
            row("main", fr, "quintiles, BE/ME at December prices")
            half = len(fr) // 2
            row("first half", fr.iloc[:half], "sample split by predictor month")
            row("second half", fr.iloc[half:], "sample split by predictor month")
            row("deciles", pr.predictive_frame(x, inputs.small_minus_large_log("deciles"), h, first.start_time,
                                               last.end_time), "smallest minus largest size decile")
            row("SMB", pr.predictive_frame(x, inputs.small_minus_large_log("smb"), h, first.start_time,
                                           last.end_time), "Fama-French SMB (to its own last month)")
            row("price-updated spread", pr.predictive_frame(rv["log_spread_updated"], rel, h, first.start_time,
                                                            last.end_time), "spread rolled forward to each month's prices")
        robustness = with_ci(tidy(pd.DataFrame(rob).set_index("variant"), 2), digits=1) if rob else pd.DataFrame()
        st = None
        if 12 in frames and len(frames[12]) >= 120:
            st = pr.stambaugh_bias(frames[12].iloc[::12])
        return V5Evidence(frames=frames, fits=fits, oos=oos, oos_signed=oos_s, groups=groups, latest_x=latest_x,
                          latest_month=latest_month, predictions=preds, robustness=robustness, stambaugh=st,
                          window_months=(first, last))

    def untestable(self, ev: V5Evidence) -> str | None:
        h = self.primary
        sp = self.spec
        if (h in ev.fits and ev.fits[h].n >= sp.min_predictive_months and h in ev.oos
                and ev.oos[h].n >= sp.min_forecasts):
            return None
        return (f"The window is too short for {sp.primary_horizon_years}-year forward returns and "
                f"{sp.min_train_months // 12} years of out-of-sample training; a window of at least "
                f"{(sp.min_train_months + 12 * sp.primary_horizon_years + sp.min_forecasts) // 12 + 1} years of French "
                f"data would decide it.")

    def decide(self, ev: V5Evidence) -> Decision:
        fit = ev.fits[self.primary]
        s = fit.slope.scaled(100 * self.sd_x)
        o = ev.oos[self.primary]
        ci_above, oos_pos = s.ci_low > 0, o.r2 > 0
        if s.value > 0 and ci_above and oos_pos:
            verdict = SUPPORTED
        elif s.value > 0 and (ci_above or oos_pos):
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        note = (f"In sample the slope is {s.value:+.1f} pp a year per sd ({s.ci_low:+.1f} to {s.ci_high:+.1f}); out "
                f"of sample the {self.spec.primary_horizon_years}-year R-squared is {100 * o.r2:+.1f}% over {o.n} "
                f"forecasts from {month_name(o.forecasts.index.min())}.")
        return Decision(verdict, Statistic.from_estimate(s, self.statistic_name, self.unit),
                        Sample(iso(fit.first), iso_end(fit.last), fit.n, "monthly"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """One row per horizon: sample, slope per one-sd wider spread (pp a year), R-squared in and
        out of sample."""
        ev = self.evidence
        rows = []
        for h, fit in ev.fits.items():
            s = fit.slope.scaled(100 * self.sd_x)
            o, os_ = ev.oos.get(h), ev.oos_signed.get(h)
            rows.append({"horizon (years)": h // 12, "first": str(fit.first), "last": str(fit.last), "months": fit.n,
                         "slope (pp/yr per sd)": s.value, "ci_low": s.ci_low, "ci_high": s.ci_high,
                         "HAC lags": int(fit.result.hac_lags), "R² in sample (%)": 100 * fit.r2,
                         "R² OOS (%)": np.nan if o is None else 100 * o.r2,
                         "R² OOS, slope ≥ 0 (%)": np.nan if os_ is None else 100 * os_.r2,
                         "forecasts": 0 if o is None else o.n})
        if not rows:
            return pd.DataFrame({"note": ["too few months in the window for the forward returns"]}, index=["V5"])
        t = pd.DataFrame(rows).set_index("horizon (years)")
        a, b = t["R² OOS (%)"], t["R² OOS, slope ≥ 0 (%)"]
        if ((a - b).abs().fillna(0) < 1e-12).all() and (a.isna() == b.isna()).all():
            t = t.drop(columns="R² OOS, slope ≥ 0 (%)")  # the sign restriction never binds: one column says it
        return with_ci(tidy(t, 2), digits=1)

    def group_table(self) -> pd.DataFrame | None:
        """Subsequent annualised return (pp a year) by spread quintile, primary horizon."""
        groups = self.evidence.groups
        if groups is None:
            return None
        g = groups.copy()
        g[["estimate", "ci_low", "ci_high"]] = 100 * g[["estimate", "ci_low", "ci_high"]]
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
        f["y"] = 100 * f["y"]
        f["era"] = _era(f.index.year)
        p = ev.predictions.get(h)
        fit = ev.fits[h]
        s = fit.slope.scaled(100 * self.sd_x)
        return {"data": f.reset_index(),
                "latest": None if p is None else (ev.latest_x, 100 * p["forecast"], 100 * p["pi_low"], 100 * p["pi_high"]),
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
            d["horizon"] = f"{h // 12}-year (OOS R2 {100 * o.r2:+.1f}%)"
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
        fit = ev.fits.get(12 * years)
        s = fit.slope.scaled(100 * self.sd_x) if fit is not None else None
        o = ev.oos.get(12 * years)
        return {"slope": num(None if s is None else s.value, 1, True),
                "lo": num(None if s is None else s.ci_low, 1, True),
                "hi": num(None if s is None else s.ci_high, 1, True),
                "r2": pp(None if fit is None else fit.r2, 0),
                "oos": pp(None if o is None else o.r2, 1, True),
                "last": say(None if fit is None else month_name(fit.last))}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"v5_primary": raw(self.spec.primary_horizon_years, "{:d}"),
                              "v5_min_train": raw(self.spec.min_train_months // 12, "{:d}")}
        if not self.testable:
            return g
        ev = self.evidence
        h = self.primary
        h1, h3, h5 = self._horizon(1), self._horizon(3), self._horizon(5)
        fit, o, p, st = ev.fits[h], ev.oos[h], ev.predictions.get(h), ev.stambaugh
        g.update({
            "v5_h1_slope": h1["slope"], "v5_h1_lo": h1["lo"], "v5_h1_hi": h1["hi"], "v5_h1_oos": h1["oos"],
            "v5_h3_slope": h3["slope"], "v5_h3_lo": h3["lo"], "v5_h3_hi": h3["hi"], "v5_h3_oos": h3["oos"],
            "v5_h3_r2": h3["r2"], "v5_h3_last": h3["last"],
            "v5_h5_slope": h5["slope"], "v5_h5_lo": h5["lo"], "v5_h5_hi": h5["hi"], "v5_h5_oos": h5["oos"],
            "v5_first": say(month_name(fit.first)),
            "v5_n": count(fit.n),
            "v5_sd": num(self.sd_x, 2),
            "v5_oos_first": say(month_name(o.forecasts.index.min())),
            "v5_oos_n": count(o.n),
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
        return {"v5_stambaugh": ev.stambaugh is not None,
                "v5_forecast": ev.latest_x is not None and self.primary in ev.predictions}


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
