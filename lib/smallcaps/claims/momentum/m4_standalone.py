"""M4. A proxy for risk appetite, or a standalone source of return? Source [B], 2026.

Claim: small-cap momentum behaves like a late-cycle proxy for risk appetite, not a standalone
source of return.

Evidence: an OLS with Newey-West errors of monthly small-cap momentum (French) on the market's
excess return and the month's changes in the VIX and in the Baa - Aaa spread: the slopes' signs
and the alpha left over (the rule, unchanged); robustness under the other specification, for
big-cap momentum and in each half of the sample. Beside it (the referee revision, issue 13): the
beta in up and down market states and Daniel and Moskowitz's (2016) bear-market rebound term,
"late cycle" made measurable (after the top fifth of 24-month market returns), the raw mean
beside CAPM, Fama-French three- and five-factor alphas, small against big momentum (Hong, Lim and
Stein, 2000) and the bridge from the paper portfolio to the fund (XSMO minus IJR on the Carhart
factors). Units: returns are decimals per month; the VIX in points; the spread in pp; tables,
figure and prose show alphas and means in pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import momentum as am
from ...analytics import regimes as ar
from ...display import MISSING, Fact, ci_text, count, num, percent, scale, text
from ...errors import DataError
from ..base import Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import BENCHMARK, FUND, XSMO_INDEX_SWITCH, in_months
from .regimes import WholeNumber, note, span

#: The market-state look-backs of the conditional betas (months): Daniel and Moskowitz's bear
#: indicator (24) and Cooper, Gutierrez and Hameed's market state (36).
STATE_LOOKBACKS = (24, 36)
#: "Late cycle": after the market's return over this many months was in its top fifth.
LATE_MONTHS, LATE_QUANTILE = 24, 0.8
#: Where the French five-factor data begin, and the second half the referee singled out.
SINCE_2000 = pd.Period("2000-01", "M")
#: The fewest months a factor regression or the fund bridge is run on.
MIN_BRIDGE_MONTHS = 24

#: Each term's name in the tables, its display unit and the factor from the regression's units.
TERMS = {"const": ("alpha", "pp a year", 1200.0),
         "market excess return": ("market excess return", "pp per pp", 1.0),
         "VIX change": ("VIX change", "pp a month per VIX point", 100.0),
         "credit spread change": ("Baa - Aaa change", "pp a month per pp", 100.0)}
#: The sign of each slope if momentum rides risk appetite.
RISK_ON_SIGN = {"market excess return": 1, "VIX change": -1, "credit spread change": -1}
#: Alpha per month (decimal) to pp a year.
PP_A_YEAR = TERMS["const"][2]


@dataclass
class RiskAppetite:
    """One regression of monthly momentum on the risk-appetite proxies.

    Attributes
    ----------
    available
        Enough months with every regressor.
    reason
        Why not, when it is not available.
    model
        ``with VIX`` or ``without VIX``.
    result
        The statsmodels result (HAC covariance), or None.
    start, end, n, index
        The months used.
    """

    available: bool
    reason: str
    model: str = ""
    result: Any = None
    start: pd.Period | None = None
    end: pd.Period | None = None
    n: int = 0
    index: pd.Index | None = None

    def alpha(self) -> stats.Estimate:
        """Alpha in pp a year."""
        return stats.coef_estimate(self.result, "const").scaled(PP_A_YEAR)

    def risk_on(self) -> list[str]:
        """The slopes significant at 95% with the risk-on sign."""
        out = []
        for term, sign in RISK_ON_SIGN.items():
            if term in self.result.params.index:
                e = stats.coef_estimate(self.result, term)
                if (sign > 0 and e.ci_low > 0) or (sign < 0 and e.ci_high < 0):
                    out.append(term)
        return out


@dataclass
class M4Evidence:
    """The deciding regression and its robustness variants ((label, regression), in table order)."""

    base: RiskAppetite
    variants: list[tuple[str, RiskAppetite]]


class M4(Claim):
    id: ClassVar[str] = "M4"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "A proxy for risk appetite?"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "alpha on risk-appetite proxies"
    #: The book's unit words (:func:`smallcaps.display.stat_digits`), as the prose and tables say them.
    unit: ClassVar[str] = "pp a year"
    inputs_used: ClassVar[tuple[str, ...]] = ("momentum", "factors", "vix", "credit")
    space: ClassVar[SpecSpace] = SpecSpace(
        WholeNumber("vix_min_months", 120, {"60 months of VIX": 60},
                    "months of VIX the window needs for the regression to include the VIX (from 1990)",
                    lo=24, hi=1200, unit="months"),
        WholeNumber("min_months", 60, {}, "minimum months with all regressors", lo=24, hi=1200, unit="months"),
    )
    rule_template: ClassVar[Rule] = Rule(
        "M4", "Small-cap momentum behaves like a late-cycle proxy for risk appetite, not a standalone source of "
              "return (source B).",
        hypothesis=("if small-cap momentum is a proxy for risk appetite, its monthly return moves with "
                    "risk-appetite proxies in the risk-on direction (up with the market, down when the VIX or "
                    "the credit spread rises) and leaves no significantly positive alpha."),
        statistic=("the intercept (alpha, pp a year: monthly times 12) of an OLS of monthly small-cap momentum "
                   "on the market's excess return, the month's change in the VIX (points) and in the Baa - Aaa "
                   "spread (pp), with 95% Newey-West intervals; from 1990 if the window holds at least "
                   "{vix_min_months} months of VIX, otherwise without the VIX over the whole window."),
        supported=("alpha is not significantly positive (its interval reaches zero) and at least one slope is "
                   "significant with the risk-on sign"),
        partly="exactly one of those two holds",
        not_supported="alpha is significantly positive and no slope is significant with the risk-on sign",
        untestable="the window holds fewer than {min_months} months with all regressors",
    )

    @property
    def vintage(self) -> str:  # type: ignore[override]
        """The data vintage, worded as the published results state it."""
        if self.inputs is None:
            return ""
        return (f"French {self.inputs.vintages['french6']}; FRED BAA/AAA (with BAA10Y - AAA10Y after 2023-11); "
                f"CBOE VIX")

    # -- evidence ----------------------------------------------------------------------------------

    def frame(self, series: str = "small") -> pd.DataFrame:
        """Monthly momentum (``y``) and the proxies in the window (decimal returns; VIX points; spread pp)."""
        inp = self.inputs
        return in_months(pd.DataFrame({
            "y": inp.momentum[series],
            "market excess return": inp.factors["mkt_rf"],
            "VIX change": am.month_end(inp.vix).diff(),
            "credit spread change": inp.credit.diff(),
        }), self.window)

    def regression(self, series: str = "small", use_vix: bool | None = None, months=None) -> RiskAppetite:
        """OLS with Newey-West errors of monthly momentum on the proxies in the window (or ``months``,
        a (first, last) pair); ``use_vix`` None applies the rule (the VIX when the window holds
        ``vix_min_months`` months of it)."""
        df = self.frame(series)
        if months is not None:
            df = df.loc[months[0]:months[1]]
        if use_vix is None:
            use_vix = int(df.dropna().shape[0]) >= self.spec.vix_min_months
        cols = ["market excess return", "VIX change", "credit spread change"] if use_vix else \
            ["market excess return", "credit spread change"]
        d = df[["y", *cols]].dropna()
        label = "with VIX" if use_vix else "without VIX"
        if len(d) < self.spec.min_months:
            return RiskAppetite(False, f"{len(d)} months with all regressors ({label}) in the window; need "
                                       f"{self.spec.min_months}", model=label)
        res = stats.ols_hac(d["y"], d[cols])
        return RiskAppetite(True, "", label, res, d.index.min(), d.index.max(), len(d), d.index)

    def compute(self) -> M4Evidence:
        base = self.regression()
        with_vix = base.model == "with VIX"
        variants = [(f"small-cap, {base.model} (decides)", base),
                    (f"small-cap, {'without' if with_vix else 'with'} VIX", self.regression(use_vix=not with_vix)),
                    (f"big-cap, {base.model}", self.regression("big", use_vix=with_vix))]
        if base.available:
            variants += [(f"small-cap, {base.model}, {label}", self.regression(use_vix=with_vix, months=half))
                         for half, label in zip(am.halves(base.index), ("first half", "second half"), strict=True)]
        return M4Evidence(base, variants)

    def untestable(self, ev: M4Evidence) -> str | None:
        if ev.base.available:
            return None
        return f"{ev.base.reason}; monthly momentum returns with the VIX and credit spreads would decide it."

    @staticmethod
    def verdict_of(ra: RiskAppetite) -> str:
        """The rule applied to one regression (the deciding one, or a half of its sample)."""
        a = stats.coef_estimate(ra.result, "const")
        k = int(a.ci_low <= 0) + int(bool(ra.risk_on()))
        return SUPPORTED if k == 2 else PARTLY if k == 1 else NOT_SUPPORTED

    def decide(self, ev: M4Evidence) -> Decision:
        ra = ev.base
        a = stats.coef_estimate(ra.result, "const")
        no_alpha = a.ci_low <= 0
        risk_on = ra.risk_on()
        verdict = self.verdict_of(ra)
        ae = ra.alpha()
        note_ = (f"Alpha {ae.value:.1f} pp a year (95% CI {ae.ci_low:.1f} to {ae.ci_high:.1f}, t = {ae.t:.2f}), "
                 f"{'not significantly positive' if no_alpha else 'significantly positive'}; slopes significant with "
                 f"the risk-on sign: {', '.join(risk_on) if risk_on else 'none'}; R2 {ra.result.rsquared:.3f} "
                 f"({ra.model}).")
        stat = Statistic(name=f"alpha on risk-appetite proxies ({ra.model})", value=ae.value, unit=self.unit,
                         ci_low=ae.ci_low, ci_high=ae.ci_high, ci_level=0.95, method=ae.method + ", monthly")
        # p: the one-sided test that decides against the claim (a positive alpha); MDE of the rule's
        # two-sided 95% interval
        return Decision(verdict, stat, Sample(ra.start.start_time.date().isoformat(),
                                              ra.end.end_time.date().isoformat(), ra.n, "monthly"), note_,
                        p_value=stats.one_sided_p(a, +1), mde=stats.mde(ae.se, sides=2))

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame | Any:
        """The deciding regression: each term's estimate, 95% interval and t (in its display unit);
        or why there is none."""
        ra = self.evidence.base
        if not ra.available:
            return note(ra.reason)
        rows = {}
        for term in ra.result.params.index:
            e = stats.coef_estimate(ra.result, term)
            name, unit, k = TERMS[term]
            rows[name] = {"estimate": round(e.value * k, 3), "95% CI, low": round(e.ci_low * k, 3),
                          "95% CI, high": round(e.ci_high * k, 3), "t": round(e.t, 2), "unit": unit}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "term"
        return out

    def robustness(self) -> pd.DataFrame:
        """Alpha (pp a year, HAC interval), R-squared and sample of each variant."""
        rows = []
        for label, ra in self.evidence.variants:
            if not ra.available:
                rows.append({"model": label, "alpha (pp a year)": float("nan"), "95% HAC CI": MISSING,
                             "R2": float("nan"), "months": 0, "from": "", "to": ""})
                continue
            a = ra.alpha()
            rows.append({"model": label, "alpha (pp a year)": round(a.value, 1),
                         "95% HAC CI": ci_text(a.ci_low, a.ci_high, 1),
                         "R2": round(float(ra.result.rsquared), 3), "months": ra.n, "from": str(ra.start),
                         "to": str(ra.end)})
        return pd.DataFrame(rows).set_index("model")

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.effects`: alpha and each slope times
        its regressor's standard deviation, in pp a year (monthly times 12) like the table, with
        95% HAC intervals."""
        res = self.evidence.base.result
        exog = res.model.data.orig_exog
        rows = []
        for term in res.params.index:
            e = stats.coef_estimate(res, term)
            k, name = (12.0, "alpha") if term == "const" else \
                (12.0 * float(exog[term].std(ddof=1)), f"{TERMS[term][0]} (+1 SD)")
            rows.append({"term": name, "effect": e.value * k, "ci_low": e.ci_low * k, "ci_high": e.ci_high * k})
        return {"frame": scale(pd.DataFrame(rows), ["effect", "ci_low", "ci_high"]), "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: the alpha left after the proxies (pp a year, as in the table) and the
        R-squared."""
        ra = self.evidence.base
        a = ra.alpha()
        return (f"Alpha left after risk-appetite proxies: {a.value:.1f} pp a year (95% CI {a.ci_low:.1f} to "
                f"{a.ci_high:.1f}); R\u00b2 {ra.result.rsquared:.2f}")

    # -- beside the verdict: conditional betas, factor alphas, small vs big, the fund --------------

    def _monthly(self, series: str = "small") -> pd.Series:
        return in_months(self.inputs.momentum[series], self.window).dropna()

    def _state(self, lookback: int) -> pd.Series:
        """1 after a down market over the previous ``lookback`` months, 0 after an up one."""
        st = ar.market_state(self.inputs.factors["market"], lookback)
        return (st == "down").astype(float).where(st.notna())

    @cached_property
    def conditional(self) -> dict[str, Any]:
        """The conditional market exposure of small-cap momentum in the window (decimal per
        month): ``states`` (look-back -> :func:`~smallcaps.analytics.momentum.state_betas` result),
        ``dm`` (look-back -> :func:`~smallcaps.analytics.momentum.dm_regression` result),
        ``late`` and ``late_known`` (alpha and beta after the top fifth of 24-month market returns,
        cut over the whole sample and known to date); a key is missing where the window cannot
        give it."""
        y, m = self._monthly(), self.inputs.factors["mkt_rf"]
        out: dict[str, Any] = {"states": {}, "dm": {}}
        for lb in STATE_LOOKBACKS:
            state = self._state(lb)
            try:
                out["states"][lb] = am.state_betas(y, m, state)
                out["dm"][lb] = am.dm_regression(y, m, state)
            except DataError:
                continue
        for key, expanding in (("late", False), ("late_known", True)):
            flag = am.late_cycle(self.inputs.factors["market"], LATE_MONTHS, LATE_QUANTILE, expanding=expanding)
            try:
                out[key] = am.in_state(am.state_betas(y, m, flag))
                out[key + "_months"] = int(flag.reindex(y.index).sum())
            except DataError:
                continue
        return out

    def conditional_table(self) -> pd.DataFrame | Any:
        """Small-cap momentum's market beta by state: up and down markets (24 months: Daniel and
        Moskowitz's bear indicator; 36: Cooper, Gutierrez and Hameed's state), the bear-market
        rebound term, and alpha (pp a year) and beta after a late-cycle stretch; estimates with 95%
        HAC intervals and t; or a note when the window holds too few months."""
        c = self.conditional
        rows = []

        def add(condition, term, e, k=1.0):
            rows.append({"condition": condition, "term": term, "estimate": round(e.value * k, 2),
                         "95% HAC CI": ci_text(e.ci_low * k, e.ci_high * k, 2), "t": round(float(e.t), 2),
                         "months in the regression": e.n})

        for lb, res in c["states"].items():
            add(f"market state, {lb} months", "beta after up markets", stats.coef_estimate(res, "beta otherwise"))
            add(f"market state, {lb} months", "beta after down markets", stats.coef_estimate(res, "beta in state"))
        for lb, res in c["dm"].items():
            add(f"bear market, {lb} months (Daniel-Moskowitz)", "bear x rebound beta",
                stats.coef_estimate(res, "bear x up x market"))
        for key, label in (("late", "whole-sample cut"), ("late_known", "cut known to date")):
            if key in c:
                cond = f"late cycle: top fifth of {LATE_MONTHS}-month market returns ({label})"
                add(cond, "alpha, pp a year", c[key]["alpha"], PP_A_YEAR)
                add(cond, "beta", c[key]["beta"])
        if not rows:
            return note("Too few months with both market states in this window.")
        return pd.DataFrame(rows).set_index(["condition", "term"])

    def _factor_rows(self) -> list[dict]:
        """Raw mean and CAPM, Fama-French three- and five-factor alphas (pp a year) of small-cap
        momentum over the window and over the second half of the deciding regression's sample."""
        inp = self.inputs
        f3 = inp.factors[["mkt_rf", "smb", "hml"]]
        samples = [("window", None)]
        h2 = self._half(1)
        if h2 is not None:
            samples.append((f"{h2.start} on (second half)", h2.start))
        rows = []
        for label, first in samples:
            y = self._monthly()
            if first is not None:
                y = y.loc[first:]
            specs = [("raw mean", None), ("CAPM alpha", f3[["mkt_rf"]]), ("FF3 alpha", f3), ("FF5 alpha", inp.ff5)]
            for model, X in specs:
                if X is None:
                    if len(y) < MIN_BRIDGE_MONTHS:
                        continue
                    e, n, a, b = stats.mean_hac(y).scaled(PP_A_YEAR), len(y), y.index.min(), y.index.max()
                else:
                    d = pd.concat([y.rename("y"), X], axis=1).dropna()
                    if len(d) < MIN_BRIDGE_MONTHS:
                        continue
                    res = stats.ols_hac(d["y"], d.drop(columns="y"))
                    e, n, a, b = (stats.coef_estimate(res, "const").scaled(PP_A_YEAR), len(d), d.index.min(),
                                  d.index.max())
                rows.append({"sample": label, "model": model, "estimate": e, "months": n, "from": a, "to": b})
        return rows

    @cached_property
    def factors(self) -> list[dict]:
        return self._factor_rows()

    def factor_table(self) -> pd.DataFrame | Any:
        """Small-cap momentum's raw mean beside its CAPM, FF3 and FF5 alphas (pp a year, 95% HAC
        interval, t), over the window and the second half of the deciding sample; or a note."""
        if not self.factors:
            return note("Too few months for the factor regressions in this window.")
        rows = [{"sample": r["sample"], "model": r["model"], "pp a year": round(r["estimate"].value, 1),
                 "95% HAC CI": ci_text(r["estimate"].ci_low, r["estimate"].ci_high, 1),
                 "t": round(float(r["estimate"].t), 2), "months": r["months"], "from": str(r["from"]),
                 "to": str(r["to"])} for r in self.factors]
        return pd.DataFrame(rows).set_index(["sample", "model"])

    def _factor(self, sample_first: bool, model: str) -> stats.Estimate | None:
        label = "window" if sample_first else next((r["sample"] for r in self.factors if r["sample"] != "window"),
                                                   None)
        return next((r["estimate"] for r in self.factors if r["sample"] == label and r["model"] == model), None)

    @cached_property
    def sizes(self) -> list[dict]:
        """Small- and big-cap momentum's raw mean (pp a year) over the window and since 2000."""
        rows = []
        for label, first in (("window", None), ("since 2000", SINCE_2000)):
            for series, name in (("small", "small-cap momentum"), ("big", "big-cap momentum")):
                y = self._monthly(series)
                if first is not None:
                    y = y.loc[first:]
                if len(y) < MIN_BRIDGE_MONTHS:
                    continue
                rows.append({"sample": label, "series": name, "estimate": stats.mean_hac(y).scaled(PP_A_YEAR),
                             "months": len(y), "from": y.index.min(), "to": y.index.max()})
        return rows

    def size_table(self) -> pd.DataFrame | Any:
        """Small- against big-cap momentum (raw means, pp a year, 95% HAC interval, t) over the
        window and since 2000 (Hong, Lim and Stein, 2000); or a note."""
        if not self.sizes:
            return note("Too few months in this window.")
        rows = [{"sample": r["sample"], "series": r["series"], "pp a year": round(r["estimate"].value, 1),
                 "95% HAC CI": ci_text(r["estimate"].ci_low, r["estimate"].ci_high, 1),
                 "t": round(float(r["estimate"].t), 2), "months": r["months"], "from": str(r["from"]),
                 "to": str(r["to"])} for r in self.sizes]
        return pd.DataFrame(rows).set_index(["sample", "series"])

    def _size(self, label: str, series: str) -> stats.Estimate | None:
        return next((r["estimate"] for r in self.sizes if r["sample"] == label and r["series"] == series), None)

    @cached_property
    def bridge(self) -> dict[str, Any] | None:
        """From the paper portfolio to the fund, since XSMO tracks momentum: XSMO minus IJR's daily
        log-return gap (pp a year), and its monthly Carhart regression (Fama-French three factors
        and UMD): alpha (pp a year), UMD loading, UMD's and small-cap momentum's means over the same
        months; None when the window holds fewer than 24 such months."""
        inp, w = self.inputs, self.window
        base = XSMO_INDEX_SWITCH - pd.Timedelta(days=1)
        if w.end < XSMO_INDEX_SWITCH:
            return None
        closes = inp.closes[[FUND, BENCHMARK]].loc[base: w.end]
        r = am.monthly_returns(closes, drop_first=False) if len(closes.dropna()) > 2 else pd.DataFrame()
        if r.empty:
            return None
        gap = in_months((r[FUND] - r[BENCHMARK]).rename("y"), w)
        X = inp.factors[["mkt_rf", "smb", "hml", "umd"]]
        d = pd.concat([gap, X], axis=1).dropna()
        if len(d) < MIN_BRIDGE_MONTHS:
            return None
        res = stats.ols_hac(d["y"], d.drop(columns="y"))
        daily = inp.fund_gaps(base, w.end, (BENCHMARK,)).loc[BENCHMARK]
        wml = inp.momentum["small"].reindex(d.index).dropna()
        return {"alpha": stats.coef_estimate(res, "const").scaled(PP_A_YEAR), "umd": stats.coef_estimate(res, "umd"),
                "umd_mean": stats.mean_hac(d["umd"]).scaled(PP_A_YEAR),
                "wml_mean": stats.mean_hac(wml).scaled(PP_A_YEAR) if len(wml) >= 12 else None,
                "raw": daily, "months": len(d), "from": d.index.min(), "to": d.index.max(), "r2": float(res.rsquared)}

    def bridge_table(self) -> pd.DataFrame | Any:
        """The bridge from the paper alpha to the fund (pp a year unless stated); or a note."""
        b = self.bridge
        if b is None:
            return note("The window holds fewer than 24 months of XSMO as a momentum fund with French's factors.")
        raw = b["raw"]
        rows = [("XSMO minus IJR, annualised log-return gap (daily)", percent(raw["gap"]),
                 ci_text(percent(raw["ci_low"]), percent(raw["ci_high"]), 1), int(raw["days"]), "days"),
                ("XSMO minus IJR, Carhart alpha (monthly)", b["alpha"].value,
                 ci_text(b["alpha"].ci_low, b["alpha"].ci_high, 1), b["months"], "months"),
                ("XSMO minus IJR, loading on UMD (per unit)", b["umd"].value,
                 ci_text(b["umd"].ci_low, b["umd"].ci_high, 2), b["months"], "months"),
                ("UMD, mean over the same months", b["umd_mean"].value,
                 ci_text(b["umd_mean"].ci_low, b["umd_mean"].ci_high, 1), b["months"], "months")]
        if b["wml_mean"] is not None:
            rows.append(("small-cap momentum (French, long-short), mean over the same months", b["wml_mean"].value,
                         ci_text(b["wml_mean"].ci_low, b["wml_mean"].ci_high, 1), b["wml_mean"].n, "months"))
        out = pd.DataFrame([{"quantity": q, "estimate": round(v, 2), "95% CI": ci, "n": n, "of": of}
                            for q, v, ci, n, of in rows]).set_index("quantity")
        return out

    def _half(self, i: int) -> RiskAppetite | None:
        halves = [ra for label, ra in self.evidence.variants if label.endswith("half")]
        return halves[i] if len(halves) > i and halves[i].available else None

    def _extra_facts(self) -> dict[str, Fact]:
        """The numbers beside the verdict (conditional betas, factor alphas, small vs big, the
        fund), each missing where the window cannot give it (its paragraph is then hidden)."""
        c = self.conditional

        def coef(res_map, lb, term):
            res = res_map.get(lb)
            return stats.coef_estimate(res, term) if res is not None else None

        def v(e, k=1.0):
            return None if e is None else e.value * k

        def t(e):
            return None if e is None else e.t

        def ci(e, k=1.0, d=2):
            return None if e is None else ci_text(e.ci_low * k, e.ci_high * k, d)

        up24, down24 = coef(c["states"], 24, "beta otherwise"), coef(c["states"], 24, "beta in state")
        down36 = coef(c["states"], 36, "beta in state")
        dm24, dm36 = coef(c["dm"], 24, "bear x up x market"), coef(c["dm"], 36, "bear x up x market")
        late, known = c.get("late"), c.get("late_known")
        raw, capm, ff3, ff5 = (self._factor(True, m) for m in ("raw mean", "CAPM alpha", "FF3 alpha", "FF5 alpha"))
        h2raw, h2ff5 = self._factor(False, "raw mean"), self._factor(False, "FF5 alpha")
        ff5_from = next((str(r["from"]) for r in self.factors if r["sample"] == "window" and r["model"] == "FF5 alpha"),
                        None)
        s_all, b_all = self._size("window", "small-cap momentum"), self._size("window", "big-cap momentum")
        s_00, b_00 = self._size("since 2000", "small-cap momentum"), self._size("since 2000", "big-cap momentum")
        b = self.bridge
        h2 = self._half(1)
        return {
            "m4_h2_verdict": text(self.verdict_of(h2) if h2 is not None else None),
            "m4_beta_up24": num(v(up24), 2, True), "m4_beta_up24_t": num(t(up24), 1),
            "m4_beta_down24": num(v(down24), 2, True), "m4_beta_down24_t": num(t(down24), 1),
            "m4_beta_down36": num(v(down36), 2, True), "m4_beta_down36_t": num(t(down36), 1),
            "m4_dm24": num(v(dm24), 2, True), "m4_dm24_t": num(t(dm24), 1),
            "m4_dm36": num(v(dm36), 2, True), "m4_dm36_t": num(t(dm36), 1),
            "m4_late_months": count(c.get("late_months")),
            "m4_late_beta": num(v(late["beta"]) if late else None, 2, True),
            "m4_late_beta_ci": text(ci(late["beta"]) if late else None),
            "m4_late_alpha": num(v(late["alpha"], PP_A_YEAR) if late else None, 1),
            "m4_late_alpha_ci": text(ci(late["alpha"], PP_A_YEAR, 1) if late else None),
            "m4_late_known_beta": num(v(known["beta"]) if known else None, 2, True),
            "m4_late_known_alpha": num(v(known["alpha"], PP_A_YEAR) if known else None, 1),
            "m4_late_reading": text(self.phrase_late_reading() if late else None),
            "m4_late_verdict": text(self.phrase_late_verdict() if late else None),
            "m4_alpha_vs_raw": text(self.phrase_alpha_vs_raw() if raw is not None and capm is not None else None),
            "m4_raw": num(v(raw), 1), "m4_raw_t": num(t(raw), 1), "m4_capm": num(v(capm), 1),
            "m4_ff3": num(v(ff3), 1), "m4_ff3_t": num(t(ff3), 1), "m4_ff5": num(v(ff5), 1),
            "m4_ff5_t": num(t(ff5), 1), "m4_ff5_from": text(ff5_from),
            "m4_h2_raw": num(v(h2raw), 1), "m4_h2_ff5": num(v(h2ff5), 1),
            "m4_h2_ff5_ci": text(ci(h2ff5, 1.0, 1)),
            "m4_small_all": num(v(s_all), 1), "m4_big_all": num(v(b_all), 1),
            "m4_small_2000": num(v(s_00), 1), "m4_small_2000_t": num(t(s_00), 1),
            "m4_big_2000": num(v(b_00), 1), "m4_big_2000_t": num(t(b_00), 1),
            "m4_bridge_raw": num(percent(b["raw"]["gap"]) if b else None, 1, True),
            "m4_bridge_raw_band": text(ci_text(percent(b["raw"]["ci_low"]), percent(b["raw"]["ci_high"]), 1) if b else None),
            "m4_bridge_alpha": num(b["alpha"].value if b else None, 1, True),
            "m4_bridge_alpha_ci": text(ci(b["alpha"], 1.0, 1) if b else None),
            "m4_bridge_umd": num(b["umd"].value if b else None, 2),
            "m4_bridge_umd_ci": text(ci(b["umd"]) if b else None),
            "m4_bridge_umd_mean": num(b["umd_mean"].value if b else None, 1),
            "m4_bridge_wml_mean": num(b["wml_mean"].value if b and b["wml_mean"] is not None else None, 1),
            "m4_bridge_from": text(str(b["from"]) if b else None), "m4_bridge_to": text(str(b["to"]) if b else None),
        }

    def facts(self) -> dict[str, Fact]:
        ra = self.evidence.base
        g: dict[str, Fact] = {"m4_spec": text(ra.model), **self._extra_facts()}
        if not self.testable:
            return g
        a = ra.alpha()
        b = stats.coef_estimate(ra.result, "market excess return")
        g.update({
            "m4_alpha": num(a.value, 1), "m4_alpha_ci": text(ci_text(a.ci_low, a.ci_high, 1)),
            "m4_alpha_t": num(a.t, 2),
            "m4_beta": num(b.value, 2, signed=True), "m4_beta_ci": text(ci_text(b.ci_low, b.ci_high, 2)),
            "m4_r2": num(float(ra.result.rsquared), 3), "m4_sample": text(span(ra.start, ra.end)),
            "m4_months": count(ra.n), "m4_risk_on": text(self.phrase_risk_on()),
            "m4_beta_reading": text(self.phrase_beta_reading()),
        })
        for i, (key_from, key_to, key_alpha, key_ci) in enumerate(
                (("m4_h1_from", "m4_h1_to", "m4_h1_alpha", "m4_h1_ci"),
                 ("m4_h2_from", "m4_h2_to", "m4_h2_alpha", "m4_h2_ci"))):
            h = self._half(i)
            if h is None:
                continue
            ah = h.alpha()
            g.update({key_from: text(str(h.start)), key_to: text(str(h.end)), key_alpha: num(ah.value, 1),
                      key_ci: text(ci_text(ah.ci_low, ah.ci_high, 1))})
        return g

    def flags(self) -> dict[str, bool]:
        """``m4_halves`` (both halves of the deciding sample have their regression),
        ``m4_conditional`` (state betas, rebound terms and late cycle at both look-backs),
        ``m4_factors`` (raw, CAPM, FF3 and FF5 over the window), ``m4_h2_factors`` (raw and FF5 over
        the second half), ``m4_since2000`` (small and big momentum since 2000) and ``m4_bridge``
        (24 months or more of XSMO as a momentum fund with French's factors)."""
        c = self.conditional
        models = {(r["sample"] == "window", r["model"]) for r in self.factors}
        return {
            "m4_halves": self.evidence.base.available and self._half(0) is not None and self._half(1) is not None,
            "m4_conditional": (all(lb in c["states"] and lb in c["dm"] for lb in STATE_LOOKBACKS)
                               and "late" in c and "late_known" in c),
            "m4_factors": all((True, m) in models for m in ("raw mean", "CAPM alpha", "FF3 alpha", "FF5 alpha")),
            "m4_h2_factors": all((False, m) in models for m in ("raw mean", "FF5 alpha")) and self._half(1) is not None,
            "m4_since2000": all(self._size(s, n) is not None for s in ("window", "since 2000")
                                for n in ("small-cap momentum", "big-cap momentum")),
            "m4_bridge": self.bridge is not None and self.bridge["wml_mean"] is not None,
        }

    # Phrases: the only wording that depends on the result.

    def phrase_risk_on(self) -> str:
        """The slopes significant with the risk-on sign (``market excess return and VIX change``),
        or ``none``."""
        terms = self.evidence.base.risk_on()
        if not terms:
            return "none"
        return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]

    def phrase_late_reading(self) -> str:
        """What small-cap momentum does late in the cycle: ``its beta is not distinguishable from zero
        and its alpha stays positive`` and the like, from the late-cycle regression."""
        late = self.conditional["late"]
        a, b = late["alpha"], late["beta"]
        beta = ("it rides the market" if b.ci_low > 0 else "it leans against the market" if b.ci_high < 0
                else "its beta is not distinguishable from zero")
        alpha = ("its alpha stays positive beyond its interval" if a.ci_low > 0 else
                 "its alpha turns negative beyond its interval" if a.ci_high < 0 else
                 "its alpha is not distinguishable from zero")
        return f"{beta} and {alpha}"

    def phrase_late_verdict(self) -> str:
        """Whether late in the cycle small-cap momentum behaves as a risk-appetite proxy would (a
        beta significantly above zero)."""
        b = self.conditional["late"]["beta"]
        if b.ci_low > 0:
            return "late in the cycle, small-cap momentum rides the market, as a proxy for risk appetite would"
        return "late in the cycle, small-cap momentum does not ride the market as a proxy for risk appetite would"

    def phrase_alpha_vs_raw(self) -> str:
        """Why the CAPM alpha differs from the raw mean: ``The alphas exceed the raw mean because
        momentum's market beta is negative`` and the like."""
        raw, capm = self._factor(True, "raw mean"), self._factor(True, "CAPM alpha")
        beta = self.capm_beta
        if capm.value > raw.value and beta is not None and beta < 0:
            return "The alphas exceed the raw mean because momentum's market beta is negative"
        if capm.value < raw.value and beta is not None and beta > 0:
            return "The alphas fall short of the raw mean because momentum's market beta is positive"
        return "The alphas differ from the raw mean by the factors' loadings times their premiums"

    @cached_property
    def capm_beta(self) -> float | None:
        """Small-cap momentum's CAPM beta over the window (None with too few months)."""
        d = pd.concat([self._monthly().rename("y"), self.inputs.factors["mkt_rf"]], axis=1).dropna()
        if len(d) < MIN_BRIDGE_MONTHS:
            return None
        return float(stats.ols_hac(d["y"], d[["mkt_rf"]]).params["mkt_rf"])

    def phrase_beta_reading(self) -> str:
        """What the market slope says: ``small-cap momentum leans against the market rather than
        riding it``, ``... rises with the market`` or ``... has no market exposure distinguishable
        from zero``."""
        b = stats.coef_estimate(self.evidence.base.result, "market excess return")
        if b.ci_high < 0:
            return "small-cap momentum leans against the market rather than riding it"
        if b.ci_low > 0:
            return "small-cap momentum rises with the market"
        return "small-cap momentum has no market exposure distinguishable from zero"
