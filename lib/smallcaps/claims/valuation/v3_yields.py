"""V3. Sensitivity to yields. Source [D], May 2024.

Claim: small caps are sensitive to bond yields: falling 10-year yields help them (because they
carry more debt and pay higher interest rates on it).

Evidence: the slope of weekly small-minus-large ETF returns (IWM minus SPY; IJR minus IVV) on
the week's change in the 10-year yield (``^TNX``), holding the week's SPY return and change in
the high-yield spread fixed (the claim is about yields, not about market beta or credit), with
Newey-West intervals, over the weeks to the claim's date (16 May 2024) and again as of the
reading date; the raw slope without controls beside it; the window's halves, the last weeks
and rate regimes; rolling raw slopes; and a monthly French/Shiller regression as long-history
context. Slopes are decimals of relative return per 1 pp of yield.

Amended on 2026-11-26 (referee report on valuation, V3): the registered rule read the whole
window (its "recent" weeks ran mostly after the claim) and had no controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ... import stats
from ...analytics import regimes
from ...analytics import valuation as va
from ...analytics.returns import from_percent
from ...display import Fact, count, month_name, num, percent, pp, text, tidy, with_ci
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .inputs import CLAIM_D_DATE, HY_OAS, evaluation_date, in_window
from .readings import READ_AT, DecidedWhenSaid

PAIRS = (("IWM", "SPY"), ("IJR", "IVV"))
#: Minimum weeks (or months) in a sub-sample before a slope is estimated.
MIN_SUBSAMPLE = 30
#: Minimum months of the long-history context regression.
MIN_CONTEXT_MONTHS = 60
#: The regressors of each control set (``dy``: the yield's weekly change; ``spy``: SPY's weekly
#: return; ``dhy``: the high-yield OAS's weekly change).
CONTROLS = {"none": ("dy",), "market": ("dy", "spy"), "market and credit": ("dy", "spy", "dhy")}
CONTROL_LABELS = {"none": "raw (no controls)", "market": "SPY return held fixed",
                  "market and credit": "SPY return and high-yield spread change held fixed"}

REGISTERED_RULE = Rule(
    claim_id="V3",
    claim="Small caps are sensitive to bond yields: falling 10-year yields help them [D]",
    hypothesis="Weekly small-minus-large returns fall when the 10-year Treasury yield rises (a negative slope).",
    statistic="the slope of weekly IWM minus SPY returns on weekly changes in the 10-year yield (^TNX), "
              "in pp of relative return per 1 pp rise in the yield, with a Newey-West 95% interval, over the "
              "window's weekly data; IJR minus IVV as a second pair.",
    supported="the full-sample interval lies below zero and the IJR minus IVV slope is also negative",
    partly="the full-sample interval lies below zero but the IJR minus IVV slope is not negative, or the "
           "full-sample interval does not lie below zero but the interval over the most recent 156 "
           "weeks does (a sensitivity of the recent regime, not a stable property)",
    not_supported="neither the full-sample nor the recent interval lies below zero",
    untestable="the window holds fewer than 104 weeks of IWM, SPY and ^TNX (the ETFs start in 2000)",
)


@dataclass
class V3Evidence:
    """Small-minus-large returns against 10-year yield changes.

    Attributes
    ----------
    weekly
        :func:`analytics.valuation.weekly_relative` of the window's closes (to the claim's date
        when read there), with ``spy`` (SPY's weekly return) and ``dhy`` (the high-yield OAS's
        weekly change, pp).
    table_rows
        One row per (pair, sample) with the deciding slope (pp per pp), its interval and t, and
        the raw slope and interval.
    estimates, raw
        (pair, sample) -> Estimate of the yield slope with the spec's controls, and without
        (decimal relative return per 1 pp of yield).
    ladder
        Control set -> Estimate of the full-sample IWM minus SPY yield slope.
    coefficients
        The full model's other coefficients (``spy``, ``dhy``) for IWM minus SPY, as Estimates.
    rolling
        Rolling raw slopes (pp per pp) per pair.
    monthly_context
        The monthly French/Shiller slope (decimal per pp), or None.
    """

    weekly: pd.DataFrame
    table_rows: list[dict[str, Any]]
    estimates: dict[tuple[str, str], stats.Estimate]
    rolling: pd.DataFrame
    monthly_context: stats.Estimate | None
    monthly_sample: tuple[pd.Period, pd.Period] | None
    recent_from: str | None
    raw: dict[tuple[str, str], stats.Estimate] | None = None
    ladder: dict[str, stats.Estimate] | None = None
    coefficients: dict[str, stats.Estimate] | None = None
    end: pd.Timestamp | None = None


class V3(DecidedWhenSaid, Claim):
    id: ClassVar[str] = "V3"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "Sensitivity to yields"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "IWM-SPY weekly slope on yield changes"
    unit: ClassVar[str] = "pp per pp"
    claim_dates: ClassVar[tuple[str, ...]] = ("2024-05-16",)
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "credit", "size", "shiller")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("recent_weeks", 156, {"104 weeks": 104, "260 weeks": 260},
               "weeks in the 'recent' sample (ending at the claim's date) and in the rolling windows",
               check=lambda v: None if v >= 52 else "at least 52"),
        Choice("min_weeks", 104, {}, "minimum weeks of IWM, SPY, ^TNX (and the controls) for a test",
               check=lambda v: None if v >= 52 else "at least 52"),
        Choice("regime_weeks", 52, {"26 weeks": 26}, "lookback (weeks) of the rising/falling rate regime",
               check=lambda v: None if v >= 4 else "at least 4"),
        Choice("controls", "market and credit", {"none (registered)": "none", "market only": "market"},
               "what the yield slope holds fixed: the week's SPY return and change in the high-yield spread, "
               "SPY only, or nothing",
               check=lambda v: None if v in CONTROLS else ", ".join(CONTROLS)),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (inconclusive when the slope is negative but no interval lies below "
               "zero) or as registered",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
        Choice("read_at", "claim date", {"reading date (registered)": "as of"},
               "where the claim is read: the weeks to its date (decides) or the whole window as of the reading date",
               check=lambda v: None if v in READ_AT else ", ".join(READ_AT)),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V3",
        claim="Small caps are sensitive to bond yields: falling 10-year yields help them [D]",
        hypothesis="Weekly small-minus-large returns fall when the 10-year Treasury yield rises (a negative slope), "
                   "with the week's market return and change in credit spreads held fixed: the claim is about "
                   "yields, not about small caps' higher beta or their exposure to credit.",
        statistic="the slope of weekly IWM minus SPY returns on the week's change in the 10-year yield (^TNX), "
                  "controlling for the week's SPY return and change in the high-yield option-adjusted spread "
                  "(FRED BAMLH0A0HYM2), in pp of relative return per 1 pp rise in the yield, with a Newey-West 95% "
                  "interval and a one-sided p-value, over the weeks to the claim's date (16 May 2024; read again as "
                  "of the reading date, shown); IJR minus IVV as a second pair; the slope without controls shown.",
        supported="the full-sample interval lies below zero and the IJR minus IVV slope is also negative",
        partly="the full-sample interval lies below zero but the IJR minus IVV slope is not negative, or the "
               "full-sample interval does not lie below zero but the interval over the {recent_weeks} weeks to the "
               "claim's date does (a sensitivity of the recent regime, not a stable property)",
        inconclusive="neither interval lies below zero but the full-sample slope is negative",
        not_supported="neither interval lies below zero and the full-sample slope is zero or positive",
        untestable="the window holds fewer than {min_weeks} weeks of IWM, SPY, ^TNX and the high-yield spread to the "
                   "claim's date (the ETFs start in 2000, the spread in 1997)",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee report on valuation, V3 (major): the registered rule read the whole window, so the 'recent' "
               "156 weeks that earned 'partly' ran from July 2023 to July 2026, two-thirds after the May 2024 claim; "
               "and the slope carried small caps' market beta and credit exposure. Now: judged on the weeks to the "
               "claim's date (the reading date shown), with the SPY return and the high-yield spread change as "
               "controls (raw shown), and inconclusive where the slope has the claim's sign without a reliable "
               "interval.",
        old_rule=REGISTERED_RULE,
        registered_spec={"controls": "none", "verdict_rule": "registered", "read_at": "as of"},
    ),)

    @property
    def recent_label(self) -> str:
        return f"last {self.spec.recent_weeks} weeks"

    @property
    def regressors(self) -> list[str]:
        return list(CONTROLS[self.spec.controls])

    def compute(self) -> V3Evidence:
        w = self.window
        sp = self.spec
        recent_weeks = sp.recent_weeks
        end = min(w.end, evaluation_date(CLAIM_D_DATE, w)) if sp.read_at == "claim date" else w.end
        close = self.inputs.prices.close.loc[w.start: end]
        weekly = va.weekly_relative(close, PAIRS)
        spy = close["SPY"].dropna()
        wk = spy.resample("W-FRI").last()
        weekly["spy"] = (wk / wk.shift(1) - 1.0).reindex(weekly.index)
        # the spread's weekly change from its closes inside the window only (like the returns)
        weekly["dhy"] = va.weekly_change(self.inputs.credit.frame[HY_OAS].loc[w.start: end]).reindex(weekly.index)
        X = self.regressors
        rows, ests, raws, rolls = [], {}, {}, []
        ladder, coefs = {}, {}
        recent_from = None
        regime = regimes.direction(weekly["yield"], sp.regime_weeks,
                                   labels=("rising rates", "falling rates")).shift(1)
        for a, b in PAIRS:
            pair = f"{a}-{b}"
            df = weekly[[pair, "spy", "dhy", "dy"]].assign(regime=regime).dropna(subset=[pair, *X])
            if len(df) < sp.min_weeks:
                continue
            half = len(df) // 2
            samples = {"full sample": df, "first half": df.iloc[:half], "second half": df.iloc[half:],
                       self.recent_label: df.iloc[-recent_weeks:]}
            for label in ("rising rates", "falling rates"):
                samples[label] = df[df["regime"] == label]
            for label, sub in samples.items():
                if len(sub) < MIN_SUBSAMPLE:
                    continue
                res = stats.ols_hac(sub[pair], sub[X])
                est = stats.coef_estimate(res, "dy")
                raw = est if X == ["dy"] else stats.coef_estimate(stats.ols_hac(sub[pair], sub[["dy"]]), "dy")
                ests[(pair, label)], raws[(pair, label)] = est, raw
                if pair == "IWM-SPY" and label == "full sample":
                    for k, cols in CONTROLS.items():
                        d = sub.dropna(subset=list(cols))
                        if len(d) >= MIN_SUBSAMPLE:
                            ladder[k] = stats.coef_estimate(stats.ols_hac(d[pair], d[list(cols)]), "dy")
                    coefs = {c: stats.coef_estimate(res, c) for c in X if c != "dy"}
                rows.append({"pair": pair, "sample": label, "first week": sub.index.min().date().isoformat(),
                             "last week": sub.index.max().date().isoformat(), "weeks": len(sub),
                             "slope": percent(est.value), "ci_low": percent(est.ci_low), "ci_high": percent(est.ci_high),
                             "t": est.t, "raw slope": percent(raw.value), "raw_low": percent(raw.ci_low),
                             "raw_high": percent(raw.ci_high)})
            if pair == "IWM-SPY":
                recent_from = df.index[-recent_weeks].date().isoformat() if len(df) >= recent_weeks else None
            roll = va.rolling_slope(df[pair], df["dy"], recent_weeks)
            rolls.append((percent(roll)).assign(pair=pair).reset_index())
        rolling = (pd.concat(rolls, ignore_index=True) if rolls
                   else pd.DataFrame(columns=["week", "slope", "ci_low", "ci_high", "pair"]))
        # long-history context: French quintiles (month-end returns) on Shiller's GS10 (a monthly average)
        size = in_window(from_percent(self.inputs.size["vw_monthly"]), w)
        gs10 = in_window(self.inputs.shiller.frame["gs10"], w)
        ctx = pd.concat({"rel": size["Lo 20"] - size["Hi 20"], "dy": gs10.diff()}, axis=1).dropna()
        monthly, msample = None, None
        if len(ctx) >= MIN_CONTEXT_MONTHS:
            monthly = stats.coef_estimate(stats.ols_hac(ctx["rel"], ctx[["dy"]]), "dy")
            msample = (ctx.index.min(), ctx.index.max())
        return V3Evidence(weekly=weekly, table_rows=rows, estimates=ests, rolling=rolling, monthly_context=monthly,
                          monthly_sample=msample, recent_from=recent_from, raw=raws, ladder=ladder,
                          coefficients=coefs, end=pd.Timestamp(end))

    def untestable(self, ev: V3Evidence) -> str | None:
        if ("IWM-SPY", "full sample") in ev.estimates:
            return None
        m = ev.monthly_context
        ctx = (f" As context only, monthly French smallest-minus-largest quintile returns on changes in Shiller's "
               f"monthly-average 10-year yield give {percent(m.value):+.2f} pp per pp ({percent(m.ci_low):+.2f} to "
               f"{percent(m.ci_high):+.2f}).") if m is not None else ""
        if self.spec.controls == "none":
            return ("The small- and large-cap ETFs start in 2000, outside this window; weekly small- and "
                    "large-cap index returns with month-end or weekly 10-year yields inside the window would "
                    "decide it." + ctx)
        return (f"The window holds fewer than {self.spec.min_weeks} weeks of IWM, SPY, ^TNX and the high-yield "
                "spread (the ETFs start in 2000, the spread's history in 1997 and the snapshot's in March 2026); "
                "weekly small- and large-cap returns with the 10-year yield and a credit spread inside the window "
                "would decide it." + ctx)

    def decide(self, ev: V3Evidence) -> Decision:
        full = ev.estimates[("IWM-SPY", "full sample")]
        ijr = ev.estimates.get(("IJR-IVV", "full sample"))
        recent = ev.estimates.get(("IWM-SPY", self.recent_label))
        if full.ci_high < 0 and (ijr is None or ijr.value < 0):
            verdict = SUPPORTED
        elif full.ci_high < 0 or (recent is not None and recent.ci_high < 0):
            verdict = PARTLY
        elif self.spec.verdict_rule == "registered" or full.value >= 0:
            verdict = NOT_SUPPORTED
        else:
            verdict = INCONCLUSIVE
        w = ev.weekly[["IWM-SPY", *self.regressors]].dropna()
        if self.spec.controls == "none" and self.spec.read_at == "as of":
            # the registered note, word for word
            note = (f"Over the full sample a 1 pp rise in the 10-year yield went with IWM "
                    f"{'beating' if full.value > 0 else 'lagging'} SPY by {abs(percent(full.value)):.2f} pp in the week"
                    + (f" (IJR minus IVV {percent(ijr.value):+.2f})" if ijr is not None else "")
                    + (f"; over the last {self.spec.recent_weeks} weeks the slope was {percent(recent.value):+.2f} "
                       f"({percent(recent.ci_low):+.2f} to {percent(recent.ci_high):+.2f})." if recent is not None else "."))
            name = self.statistic_name
        else:
            raw = ev.raw[("IWM-SPY", "full sample")]
            where = "to the claim's date" if self.spec.read_at == "claim date" else "to the reading date"
            note = (f"From {w.index.min().date()} to {w.index.max().date()} ({where}), with the "
                    f"{CONTROL_LABELS[self.spec.controls].replace(' held fixed', '')} held fixed, a 1 pp rise in the "
                    f"10-year yield went with IWM {'beating' if full.value > 0 else 'lagging'} SPY by "
                    f"{abs(percent(full.value)):.2f} pp in the week ({percent(full.ci_low):+.2f} to {percent(full.ci_high):+.2f};"
                    f" without controls {percent(raw.value):+.2f})"
                    + (f"; IJR minus IVV {percent(ijr.value):+.2f}" if ijr is not None else "")
                    + (f"; over the last {self.spec.recent_weeks} weeks {percent(recent.value):+.2f} "
                       f"({percent(recent.ci_low):+.2f} to {percent(recent.ci_high):+.2f})." if recent is not None else "."))
            name = (self.statistic_name if self.spec.controls == "none" else
                    f"{self.statistic_name}, {'SPY and high-yield spread' if self.spec.controls != 'market' else 'SPY'}"
                    " held fixed")
        p_value = stats.one_sided_p(full, -1)
        mde = stats.mde(percent(full.se)) if full.se else None
        return Decision(verdict, Statistic.from_estimate(full, name, self.unit, 100),
                        Sample(w.index.min().date().isoformat(), w.index.max().date().isoformat(), len(w), "weekly"),
                        note, p_value=p_value, mde=mde)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Slopes (pp of weekly relative return per 1 pp yield rise) by pair and sample, with the
        spec's controls and without."""
        cols = ["pair", "sample", "first week", "last week", "weeks", "slope", "ci_low", "ci_high", "t",
                "raw slope", "raw_low", "raw_high"]
        rows = self.evidence.table_rows
        if not rows:
            return pd.DataFrame({"note": ["no weekly ETF data in the window (the ETFs start in 2000)"]}, index=pd.Index(["V3"], name="claim"))
        t = pd.DataFrame(rows, columns=cols).set_index(["pair", "sample"])
        if self.spec.controls == "none":
            t = t.drop(columns=["raw slope", "raw_low", "raw_high"]).rename(columns={"slope": "slope (pp per pp)"})
            return with_ci(tidy(t, 2))
        t = t.rename(columns={"slope": "slope, controls (pp per pp)", "raw slope": "slope, raw (pp per pp)"})
        t = with_ci(tidy(t, 2))
        return with_ci(t, name="raw 95% CI", low="raw_low", high="raw_high")

    def controls_table(self) -> pd.DataFrame:
        """The full-sample IWM minus SPY yield slope under each control set, and the controls'
        own coefficients (pp per pp)."""
        ev = self.evidence
        rows = []
        for k, e in (ev.ladder or {}).items():
            rows.append({"coefficient": f"10-year yield change, {CONTROL_LABELS[k]}", "unit": "pp per pp",
                         "estimate": percent(e.value), "ci_low": percent(e.ci_low), "ci_high": percent(e.ci_high), "t": e.t,
                         "weeks": e.n})
        if not rows:
            return pd.DataFrame({"note": ["no weekly ETF data in the window (the ETFs start in 2000)"]}, index=pd.Index(["V3"], name="claim"))
        for c, e in (ev.coefficients or {}).items():
            # the SPY return's coefficient is a ratio (IWM's extra beta); the spread's is pp per pp
            label, unit, k = {"spy": ("SPY return (full model)", "ratio", 1.0),
                              "dhy": ("high-yield spread change (full model)", "pp per pp", 100.0)}[c]
            rows.append({"coefficient": label, "unit": unit, "estimate": k * e.value, "ci_low": k * e.ci_low,
                         "ci_high": k * e.ci_high, "t": e.t, "weeks": e.n})
        return with_ci(tidy(pd.DataFrame(rows).set_index("coefficient"), 2))

    def share_negative(self, pair: str = "IWM-SPY") -> float | None:
        """Share of rolling windows with a negative raw slope (decimal), or None."""
        r = self.evidence.rolling[self.evidence.rolling["pair"] == pair]
        return None if r.empty else float((r["slope"] < 0).mean())

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.rolling_sensitivity` (raw slopes)."""
        ev = self.evidence
        full = {p: percent(ev.raw[(p, "full sample")].value) for p in ("IWM-SPY", "IJR-IVV")
                if (p, "full sample") in ev.raw}
        return {"data": ev.rolling, "full": full, "title": self.headline(), "weeks": self.spec.recent_weeks}

    def headline(self) -> str:
        """The figure's title: the raw finding the figure shows, worded from the numbers."""
        ev = self.evidence
        f = ev.raw[("IWM-SPY", "full sample")]
        rec = ev.raw.get(("IWM-SPY", self.recent_label))
        w = ev.weekly[["IWM-SPY", "dy"]].dropna()
        first, last = w.index.min().year, w.index.max().year
        txt = (f"{first}-{last}, raw: IWM {'beat' if f.value > 0 else 'lagged'} SPY in weeks when the 10-year yield "
               f"rose ({percent(f.value):+.1f} pp per pp)")
        if rec is not None and np.sign(rec.value) != np.sign(f.value):
            txt += f"; over the last {self.spec.recent_weeks} weeks the sign flipped ({percent(rec.value):+.1f})"
        return txt

    def _slope(self, pair: str, sample: str, raw: bool = False) -> tuple[Fact, Fact, Fact]:
        e = (self.evidence.raw if raw else self.evidence.estimates).get((pair, sample))
        if e is None:
            return pp(None, 2, True), pp(None, 2, True), pp(None, 2, True)
        return pp(e.value, 2, True), pp(e.ci_low, 2, True), pp(e.ci_high, 2, True)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        m = ev.monthly_context if ev is not None else None
        g: dict[str, Fact] = {
            "v3_recent_weeks": count(self.spec.recent_weeks),
            "v3_regime_weeks": count(self.spec.regime_weeks),
            "v3_monthly": pp(None if m is None else m.value, 2, True),
            "v3_monthly_lo": pp(None if m is None else m.ci_low, 2, True),
            "v3_monthly_hi": pp(None if m is None else m.ci_high, 2, True),
            "v3_monthly_from": text(None if m is None else month_name(ev.monthly_sample[0])),
            "v3_monthly_to": text(None if m is None else month_name(ev.monthly_sample[1])),
        }
        if not self.testable:
            return g
        d = self.decision
        full = self._slope("IWM-SPY", "full sample")
        full_raw = self._slope("IWM-SPY", "full sample", raw=True)
        ijr_full = self._slope("IJR-IVV", "full sample")
        first = self._slope("IWM-SPY", "first half")
        second = self._slope("IWM-SPY", "second half")
        recent = self._slope("IWM-SPY", self.recent_label)
        recent_raw = self._slope("IWM-SPY", self.recent_label, raw=True)
        ijr_recent = self._slope("IJR-IVV", self.recent_label)
        rising = self._slope("IWM-SPY", "rising rates")
        falling = self._slope("IWM-SPY", "falling rates")
        rec = ev.estimates.get(("IWM-SPY", self.recent_label))
        market = (ev.ladder or {}).get("market")
        credit = (ev.coefficients or {}).get("dhy")
        beta = (ev.coefficients or {}).get("spy")
        w = ev.weekly[["IWM-SPY", *self.regressors]].dropna()
        g.update({
            "v3_weeks": count(len(w)),
            "v3_first_week": text(w.index.min().date().isoformat()),
            "v3_last_week": text(w.index.max().date().isoformat()),
            "v3_iwm_full": full[0], "v3_iwm_full_lo": full[1], "v3_iwm_full_hi": full[2],
            "v3_iwm_full_raw": full_raw[0], "v3_iwm_full_raw_lo": full_raw[1], "v3_iwm_full_raw_hi": full_raw[2],
            "v3_iwm_market": pp(None if market is None else market.value, 2, True),
            "v3_iwm_market_lo": pp(None if market is None else market.ci_low, 2, True),
            "v3_iwm_market_hi": pp(None if market is None else market.ci_high, 2, True),
            "v3_credit_coef": pp(None if credit is None else credit.value, 2, True),
            "v3_credit_t": num(None if credit is None else credit.t, 1, True),
            "v3_spy_coef": num(None if beta is None else beta.value, 2, True),
            "v3_p": text(_p_text(d.p_value)),
            "v3_mde": num(d.mde, 2),
            "v3_ijr_full": ijr_full[0],
            "v3_iwm_first": first[0], "v3_iwm_first_lo": first[1], "v3_iwm_first_hi": first[2],
            "v3_iwm_second": second[0], "v3_iwm_second_lo": second[1], "v3_iwm_second_hi": second[2],
            "v3_recent_from": text(ev.recent_from),
            "v3_iwm_recent": recent[0], "v3_iwm_recent_lo": recent[1], "v3_iwm_recent_hi": recent[2],
            "v3_iwm_recent_raw": recent_raw[0], "v3_iwm_recent_raw_lo": recent_raw[1],
            "v3_iwm_recent_raw_hi": recent_raw[2],
            "v3_ijr_recent": ijr_recent[0],
            "v3_recent_phrase": text(None if rec is None else
                                     "the claim's sign, and reliably so" if rec.ci_high < 0 else
                                     "the opposite of the claim's sign" if rec.ci_low > 0 else
                                     "not reliably different from zero"),
            "v3_share_negative": pp(self.share_negative(), 0),
            "v3_iwm_rising": rising[0], "v3_iwm_rising_lo": rising[1], "v3_iwm_rising_hi": rising[2],
            "v3_iwm_falling": falling[0], "v3_iwm_falling_lo": falling[1], "v3_iwm_falling_hi": falling[2],
            "v3_read_where": text("to the claim's date" if self.spec.read_at == "claim date"
                                  else "to the reading date"),
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        out = {"v3_monthly": ev is not None and ev.monthly_context is not None}
        full = None if ev is None else ev.estimates.get(("IWM-SPY", "full sample"))
        if full is not None:
            raw = ev.raw[("IWM-SPY", "full sample")]
            out.update({
                "v3_sign_opposite": bool(full.ci_low > 0),
                "v3_sign_claim": bool(full.ci_high < 0),
                "v3_sign_none": bool(full.ci_low <= 0 <= full.ci_high),
                "v3_raw_opposite": bool(raw.ci_low > 0),
                "v3_recent": ("IWM-SPY", self.recent_label) in ev.estimates and ev.recent_from is not None,
                "v3_regimes": all(("IWM-SPY", s) in ev.estimates for s in ("rising rates", "falling rates")),
                "v3_credit": "dhy" in (ev.coefficients or {}) and "market" in (ev.ladder or {}),
                # the raw slope has the opposite sign reliably, the controlled one does not
                "v3_controls_remove": bool(raw.ci_low > 0 and full.ci_low <= 0 and self.spec.controls != "none"),
                "v3_credit_negative": bool("dhy" in (ev.coefficients or {}) and ev.coefficients["dhy"].ci_high < 0),
            })
        return out


def _p_text(p: float | None) -> str | None:
    if p is None:
        return None
    return "below 0.001" if p < 0.001 else f"{p:.3f}"
