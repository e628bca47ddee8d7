"""V3. Sensitivity to yields. Source [D], May 2024.

Claim: small caps are sensitive to bond yields: falling 10-year yields help them.

Evidence: the slope of weekly small-minus-large ETF returns (IWM minus SPY; IJR minus IVV) on
the week's change in the 10-year yield (``^TNX``), with Newey-West intervals, over the window,
its halves, the most recent weeks and rate regimes; rolling slopes; and a monthly French/Shiller
regression as long-history context. Slopes are decimals of relative return per 1 pp of yield.
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
from ...display import Fact, count, month_name, pp, text, tidy, with_ci
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import in_window

PAIRS = (("IWM", "SPY"), ("IJR", "IVV"))
#: Minimum weeks (or months) in a sub-sample before a slope is estimated.
MIN_SUBSAMPLE = 30
#: Minimum months of the long-history context regression.
MIN_CONTEXT_MONTHS = 60


@dataclass
class V3Evidence:
    """Small-minus-large returns against 10-year yield changes.

    Attributes
    ----------
    weekly
        :func:`analytics.valuation.weekly_relative` of the window's closes.
    table_rows
        One row per (pair, sample) with a slope (pp per pp), its interval and t.
    estimates
        (pair, sample) -> Estimate (decimal relative return per 1 pp of yield).
    rolling
        Rolling slopes (pp per pp) per pair.
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


class V3(Claim):
    id: ClassVar[str] = "V3"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "Sensitivity to yields"
    kind: ClassVar[str] = "effect"
    statistic_name: ClassVar[str] = "IWM-SPY weekly slope on yield changes"
    unit: ClassVar[str] = "pp per pp"
    claim_dates: ClassVar[tuple[str, ...]] = ("2024-05-16",)
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "size", "shiller")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("recent_weeks", 156, {"104 weeks": 104, "260 weeks": 260},
               "weeks in the 'recent' sample and in the rolling windows",
               check=lambda v: None if v >= 52 else "at least 52"),
        Choice("min_weeks", 104, {}, "minimum weeks of IWM, SPY and ^TNX for a test",
               check=lambda v: None if v >= 52 else "at least 52"),
        Choice("regime_weeks", 52, {"26 weeks": 26}, "lookback (weeks) of the rising/falling rate regime",
               check=lambda v: None if v >= 4 else "at least 4"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V3",
        claim="Small caps are sensitive to bond yields: falling 10-year yields help them [D]",
        hypothesis="Weekly small-minus-large returns fall when the 10-year Treasury yield rises (a negative slope).",
        statistic="the slope of weekly IWM minus SPY returns on weekly changes in the 10-year yield (^TNX), "
                  "in pp of relative return per 1 pp rise in the yield, with a Newey-West 95% interval, over the "
                  "window's weekly data; IJR minus IVV as a second pair.",
        supported="the full-sample interval lies below zero and the IJR minus IVV slope is also negative",
        partly="the full-sample interval lies below zero but the IJR minus IVV slope is not negative, or the "
               "full-sample interval does not lie below zero but the interval over the most recent {recent_weeks} "
               "weeks does (a sensitivity of the recent regime, not a stable property)",
        not_supported="neither the full-sample nor the recent interval lies below zero",
        untestable="the window holds fewer than {min_weeks} weeks of IWM, SPY and ^TNX (the ETFs start in 2000)",
    )

    @property
    def recent_label(self) -> str:
        return f"last {self.spec.recent_weeks} weeks"

    def compute(self) -> V3Evidence:
        w = self.window
        recent_weeks = self.spec.recent_weeks
        close = self.inputs.prices.close.loc[w.start: w.end]
        weekly = va.weekly_relative(close, PAIRS)
        rows, ests, rolls = [], {}, []
        recent_from = None
        regime = regimes.direction(weekly["yield"], self.spec.regime_weeks,
                                   labels=("rising rates", "falling rates")).shift(1)
        for a, b in PAIRS:
            pair = f"{a}-{b}"
            df = weekly[[pair, "dy"]].assign(regime=regime).dropna(subset=[pair, "dy"])
            if len(df) < self.spec.min_weeks:
                continue
            half = len(df) // 2
            samples = {"full sample": df, "first half": df.iloc[:half], "second half": df.iloc[half:],
                       self.recent_label: df.iloc[-recent_weeks:]}
            for label in ("rising rates", "falling rates"):
                samples[label] = df[df["regime"] == label]
            for label, sub in samples.items():
                if len(sub) < MIN_SUBSAMPLE:
                    continue
                est = stats.coef_estimate(stats.ols_hac(sub[pair], sub[["dy"]]), "dy")
                ests[(pair, label)] = est
                rows.append({"pair": pair, "sample": label, "first week": sub.index.min().date().isoformat(),
                             "last week": sub.index.max().date().isoformat(), "weeks": len(sub),
                             "slope": 100 * est.value, "ci_low": 100 * est.ci_low, "ci_high": 100 * est.ci_high,
                             "t": est.t})
            if pair == "IWM-SPY":
                recent_from = df.index[-recent_weeks].date().isoformat() if len(df) >= recent_weeks else None
            roll = va.rolling_slope(df[pair], df["dy"], recent_weeks)
            rolls.append((100 * roll).assign(pair=pair).reset_index())
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
                          monthly_sample=msample, recent_from=recent_from)

    def untestable(self, ev: V3Evidence) -> str | None:
        if ("IWM-SPY", "full sample") in ev.estimates:
            return None
        m = ev.monthly_context
        ctx = (f" As context only, monthly French smallest-minus-largest quintile returns on changes in Shiller's "
               f"monthly-average 10-year yield give {100 * m.value:+.2f} pp per pp ({100 * m.ci_low:+.2f} to "
               f"{100 * m.ci_high:+.2f}).") if m is not None else ""
        return ("The small- and large-cap ETFs start in 2000, outside this window; weekly small- and "
                "large-cap index returns with month-end or weekly 10-year yields inside the window would "
                "decide it." + ctx)

    def decide(self, ev: V3Evidence) -> Decision:
        full = ev.estimates[("IWM-SPY", "full sample")]
        ijr = ev.estimates.get(("IJR-IVV", "full sample"))
        recent = ev.estimates.get(("IWM-SPY", self.recent_label))
        if full.ci_high < 0 and (ijr is None or ijr.value < 0):
            verdict = SUPPORTED
        elif full.ci_high < 0 or (recent is not None and recent.ci_high < 0):
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        note = (f"Over the full sample a 1 pp rise in the 10-year yield went with IWM "
                f"{'beating' if full.value > 0 else 'lagging'} SPY by {abs(100 * full.value):.2f} pp in the week"
                + (f" (IJR minus IVV {100 * ijr.value:+.2f})" if ijr is not None else "")
                + (f"; over the last {self.spec.recent_weeks} weeks the slope was {100 * recent.value:+.2f} "
                   f"({100 * recent.ci_low:+.2f} to {100 * recent.ci_high:+.2f})." if recent is not None else "."))
        w = ev.weekly[["IWM-SPY", "dy"]].dropna()
        return Decision(verdict, Statistic.from_estimate(full, self.statistic_name, self.unit, 100),
                        Sample(w.index.min().date().isoformat(), w.index.max().date().isoformat(), len(w), "weekly"),
                        note)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Slopes (pp of weekly relative return per 1 pp yield rise) by pair and sample."""
        cols = ["pair", "sample", "first week", "last week", "weeks", "slope", "ci_low", "ci_high", "t"]
        rows = self.evidence.table_rows
        if not rows:
            return pd.DataFrame({"note": ["no weekly ETF data in the window (the ETFs start in 2000)"]}, index=["V3"])
        t = pd.DataFrame(rows, columns=cols).set_index(["pair", "sample"])
        t = t.rename(columns={"slope": "slope (pp per pp)"})
        return with_ci(tidy(t, 2))

    def share_negative(self, pair: str = "IWM-SPY") -> float | None:
        """Share of rolling windows with a negative slope (decimal), or None."""
        r = self.evidence.rolling[self.evidence.rolling["pair"] == pair]
        return None if r.empty else float((r["slope"] < 0).mean())

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.rolling_sensitivity`."""
        ev = self.evidence
        full = {p: 100 * ev.estimates[(p, "full sample")].value for p in ("IWM-SPY", "IJR-IVV")
                if (p, "full sample") in ev.estimates}
        return {"data": ev.rolling, "full": full, "title": self.headline(), "weeks": self.spec.recent_weeks}

    def headline(self) -> str:
        """The figure's title: the finding, worded from the numbers."""
        ev = self.evidence
        f = ev.estimates[("IWM-SPY", "full sample")]
        rec = ev.estimates.get(("IWM-SPY", self.recent_label))
        first = ev.weekly[["IWM-SPY", "dy"]].dropna().index.min().year
        txt = (f"Since {first}, IWM {'beat' if f.value > 0 else 'lagged'} SPY in weeks when the 10-year yield rose "
               f"({100 * f.value:+.1f} pp per pp)")
        if rec is not None and np.sign(rec.value) != np.sign(f.value):
            txt += f"; over the last {self.spec.recent_weeks} weeks the sign flipped ({100 * rec.value:+.1f})"
        return txt

    def _slope(self, pair: str, sample: str) -> tuple[Fact, Fact, Fact]:
        e = self.evidence.estimates.get((pair, sample))
        if e is None:
            return pp(None, 2, True), pp(None, 2, True), pp(None, 2, True)
        return pp(e.value, 2, True), pp(e.ci_low, 2, True), pp(e.ci_high, 2, True)

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        m = ev.monthly_context
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
        full = self._slope("IWM-SPY", "full sample")
        ijr_full = self._slope("IJR-IVV", "full sample")
        first = self._slope("IWM-SPY", "first half")
        second = self._slope("IWM-SPY", "second half")
        recent = self._slope("IWM-SPY", self.recent_label)
        ijr_recent = self._slope("IJR-IVV", self.recent_label)
        rising = self._slope("IWM-SPY", "rising rates")
        falling = self._slope("IWM-SPY", "falling rates")
        rec = ev.estimates.get(("IWM-SPY", self.recent_label))
        w = ev.weekly["IWM-SPY"].dropna()
        g.update({
            "v3_weeks": count(len(w)),
            "v3_first_week": text(w.index.min().date().isoformat()),
            "v3_iwm_full": full[0], "v3_iwm_full_lo": full[1], "v3_iwm_full_hi": full[2],
            "v3_ijr_full": ijr_full[0],
            "v3_iwm_first": first[0], "v3_iwm_first_lo": first[1], "v3_iwm_first_hi": first[2],
            "v3_iwm_second": second[0], "v3_iwm_second_lo": second[1], "v3_iwm_second_hi": second[2],
            "v3_recent_from": text(ev.recent_from),
            "v3_iwm_recent": recent[0], "v3_iwm_recent_lo": recent[1], "v3_iwm_recent_hi": recent[2],
            "v3_ijr_recent": ijr_recent[0],
            "v3_recent_phrase": text(None if rec is None else
                                     "the claim's sign, and reliably so" if rec.ci_high < 0 else
                                     "the opposite of the claim's sign" if rec.ci_low > 0 else
                                     "not reliably different from zero"),
            "v3_share_negative": pp(self.share_negative(), 0),
            "v3_iwm_rising": rising[0], "v3_iwm_rising_lo": rising[1], "v3_iwm_rising_hi": rising[2],
            "v3_iwm_falling": falling[0], "v3_iwm_falling_lo": falling[1], "v3_iwm_falling_hi": falling[2],
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        out = {"v3_monthly": ev.monthly_context is not None}
        full = ev.estimates.get(("IWM-SPY", "full sample"))
        if full is not None:
            out.update({
                "v3_sign_opposite": bool(full.ci_low > 0),
                "v3_sign_claim": bool(full.ci_high < 0),
                "v3_sign_none": bool(full.ci_low <= 0 <= full.ci_high),
                "v3_recent": ("IWM-SPY", self.recent_label) in ev.estimates and ev.recent_from is not None,
                "v3_regimes": all(("IWM-SPY", s) in ev.estimates for s in ("rising rates", "falling rates")),
            })
        return out
