"""M4. A proxy for risk appetite, or a standalone source of return? Source [B], 2026.

Claim: small-cap momentum behaves like a late-cycle proxy for risk appetite, not a standalone
source of return.

Evidence: an OLS with Newey-West errors of monthly small-cap momentum (French) on the market's
excess return and the month's changes in the VIX and in the Baa - Aaa spread: the slopes' signs
and the alpha left over; robustness under the other specification, for big-cap momentum and in
each half of the sample. Units: returns are decimals per month; the VIX in points; the spread in
pp; tables and prose show alpha in pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import momentum as am
from ...display import MISSING, Fact, ci_text, count, num, pp, scale, text
from ..base import Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import in_months
from .regimes import WholeNumber, note, span

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
    unit: ClassVar[str] = "pp/yr"
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

    def decide(self, ev: M4Evidence) -> Decision:
        ra = ev.base
        a = stats.coef_estimate(ra.result, "const")
        no_alpha = a.ci_low <= 0
        risk_on = ra.risk_on()
        k = int(no_alpha) + int(bool(risk_on))
        verdict = SUPPORTED if k == 2 else PARTLY if k == 1 else NOT_SUPPORTED
        ae = ra.alpha()
        note_ = (f"Alpha {ae.value:.1f} pp a year (95% CI {ae.ci_low:.1f} to {ae.ci_high:.1f}, t = {ae.t:.2f}), "
                 f"{'not significantly positive' if no_alpha else 'significantly positive'}; slopes significant with "
                 f"the risk-on sign: {', '.join(risk_on) if risk_on else 'none'}; R2 {ra.result.rsquared:.3f} "
                 f"({ra.model}).")
        stat = Statistic(name=f"alpha on risk-appetite proxies ({ra.model})", value=ae.value, unit=self.unit,
                         ci_low=ae.ci_low, ci_high=ae.ci_high, ci_level=0.95, method=ae.method + ", monthly")
        return Decision(verdict, stat, Sample(ra.start.start_time.date().isoformat(),
                                              ra.end.end_time.date().isoformat(), ra.n, "monthly"), note_)

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
            rows[name] = {"estimate": round(e.value * k, 3), "ci_low": round(e.ci_low * k, 3),
                          "ci_high": round(e.ci_high * k, 3), "t": round(e.t, 2), "unit": unit}
        out = pd.DataFrame.from_dict(rows, orient="index")
        out.index.name = "term"
        return out

    def robustness(self) -> pd.DataFrame:
        """Alpha (pp a year, HAC interval), R-squared and sample of each variant."""
        rows = []
        for label, ra in self.evidence.variants:
            if not ra.available:
                rows.append({"model": label, "alpha, pp/yr": float("nan"), "95% HAC CI": MISSING,
                             "R2": float("nan"), "months": 0, "from": "", "to": ""})
                continue
            a = ra.alpha()
            rows.append({"model": label, "alpha, pp/yr": round(a.value, 1),
                         "95% HAC CI": ci_text(a.ci_low, a.ci_high, 1),
                         "R2": round(float(ra.result.rsquared), 3), "months": ra.n, "from": str(ra.start),
                         "to": str(ra.end)})
        return pd.DataFrame(rows).set_index("model")

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.effects`: alpha and each slope times
        its regressor's standard deviation (pp a month, 95% HAC interval)."""
        res = self.evidence.base.result
        exog = res.model.data.orig_exog
        rows = []
        for term in res.params.index:
            e = stats.coef_estimate(res, term)
            k, name = (1.0, "alpha (per month)") if term == "const" else \
                (float(exog[term].std(ddof=1)), f"{TERMS[term][0]} (+1 SD)")
            rows.append({"term": name, "effect": e.value * k, "ci_low": e.ci_low * k, "ci_high": e.ci_high * k})
        return {"frame": scale(pd.DataFrame(rows), ["effect", "ci_low", "ci_high"]), "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: the alpha left after the proxies, per month, and the R-squared."""
        ra = self.evidence.base
        a = stats.coef_estimate(ra.result, "const")
        return (f"Alpha left after risk-appetite proxies: {pp(a.value, 2).text()} pp a month (95% CI "
                f"{pp(a.ci_low, 2).text()} to {pp(a.ci_high, 2).text()}); R\u00b2 {ra.result.rsquared:.2f}")

    def _half(self, i: int) -> RiskAppetite | None:
        halves = [ra for label, ra in self.evidence.variants if label.endswith("half")]
        return halves[i] if len(halves) > i and halves[i].available else None

    def facts(self) -> dict[str, Fact]:
        ra = self.evidence.base
        g: dict[str, Fact] = {"m4_spec": text(ra.model)}
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
        """``m4_halves``: both halves of the deciding sample have their regression."""
        return {"m4_halves": self.evidence.base.available and self._half(0) is not None and self._half(1) is not None}

    # Phrases: the only wording that depends on the result.

    def phrase_risk_on(self) -> str:
        """The slopes significant with the risk-on sign (``market excess return and VIX change``),
        or ``none``."""
        terms = self.evidence.base.risk_on()
        if not terms:
            return "none"
        return terms[0] if len(terms) == 1 else ", ".join(terms[:-1]) + " and " + terms[-1]

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
