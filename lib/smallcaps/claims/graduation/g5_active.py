"""G5. Active selection pays in small caps because dispersion is wide. Source [E], July 2026.

Claim: active selection beats passive exposure in small caps because dispersion is wide.

Evidence: the premise can be measured: the cross-sectional spread (interquartile range) of
members' trailing 12-month returns in the S&P 600 against the S&P 500, month by month, with a
HAC interval for the mean gap. The conclusion cannot: it needs active small-cap managers' net
returns, which the free data do not hold. So the claim is "not supported" if the premise fails,
and otherwise untestable with available data. Units: dispersions and gaps are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, num, pp
from ...stats import mean_hac, ols_hac
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, UNTESTABLE, Rule, Sample, Statistic
from .inputs import MATCH_WINDOW, GraduationClaim

#: Dispersion is measured on trailing returns over this many months (default).
DISPERSION_MONTHS = 12
#: Graduations are counted over the next this many months, against the dispersion at the start.
LINK_MONTHS = 12
#: Fewest months with both indices' dispersion that give a mean gap.
MIN_MONTHS = 24
MEASURES = {"iqr": "interquartile range", "std_log": "standard deviation of log returns"}


@dataclass
class G5Evidence:
    """Dispersion by index and the gaps between indices.

    Attributes
    ----------
    dispersion
        ``{index: dispersion frame}`` (:func:`analytics.graduation.dispersion`, decimals).
    gap, gap_alt
        HAC estimates of the mean gap, S&P 600 minus S&P 500, in the IQR and in the standard
        deviation of log returns (decimal), or None.
    gap_bounds
        (low, high) mean IQR gap if the missing members sat at the extremes of one index only.
    gap_400
        S&P 400 minus S&P 500 IQR gap over the longer S&P 400 record, or None.
    link
        Dispersion against the number of graduates in the following months, by index.
    gap_months
        The months with both the S&P 600's and the S&P 500's dispersion.
    """

    dispersion: dict
    gap: Any
    gap_alt: Any
    gap_bounds: tuple
    gap_400: Any
    link: pd.DataFrame
    gap_months: pd.DatetimeIndex


class G5(GraduationClaim):
    id: ClassVar[str] = "G5"
    heading: ClassVar[str] = "Active selection pays in small caps because dispersion is wide"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp"
    space: ClassVar[SpecSpace] = SpecSpace(
        MATCH_WINDOW,
        Choice("dispersion_months", DISPERSION_MONTHS, {"6 months": 6, "24 months": 24},
               "months of the trailing returns whose cross-sectional spread is the dispersion (also the HAC "
               "interval's overlap)", check=lambda v: None if 1 <= v <= 60 else "1..60"),
        Choice("measure", "iqr", {"standard deviation of log returns": "std_log"},
               "the spread that decides: the interquartile range or the standard deviation of log returns",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G5",
        claim="Active selection beats passive exposure in small caps because dispersion is wide [E].",
        hypothesis=("The spread of 12-month returns is wider among small caps than among large caps (the premise), "
                    "and active small-cap managers turn it into returns above the index (the conclusion)."),
        statistic=("mean difference in the {measure_words}, S&P 600 minus S&P 500, month by month, in pp, with a 95% "
                   "HAC interval ({dispersion_months} overlapping months)."),
        supported=("the premise holds (interval above zero) and active small-cap funds beat their index net of fees; "
                   "the second part needs fund returns that the free data lack, so this verdict cannot be reached "
                   "here"),
        partly="never assigned: the premise alone does not show that selection pays",
        not_supported="the premise fails: the interval lies entirely at or below zero",
        untestable=("the premise holds or is undecided (the interval is above zero or includes it): whether active "
                    "selection beats passive needs active managers' net returns, e.g. S&P's SPIVA scorecards or "
                    "fund-level mutual-fund returns"),
    )

    @classmethod
    def rule_words(cls, values) -> dict[str, str]:
        n = values["dispersion_months"]
        words = (f"interquartile range of members' trailing {n}-month returns" if values["measure"] == "iqr"
                 else f"standard deviation of members' trailing {n}-month log returns")
        return {"measure_words": words}

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        n = self.spec.dispersion_months
        if self.spec.measure == "iqr":
            return f"IQR gap of {n}-month returns, S&P 600 - S&P 500"
        return f"s.d. gap of {n}-month log returns, S&P 600 - S&P 500"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> G5Evidence:
        inp, w, sp = self.inputs, self.window, self.spec
        months_n = sp.dispersion_months
        prices, panels = inp.month_end_prices(w.end), inp.window_panels(w)
        disp = {}
        for k, panel in panels.items():
            if panel is None or panel.empty:
                continue
            d = ga.dispersion(prices, panel, months_n)
            if len(d):
                disp[k] = d
        gap = gap_alt = gap_400 = None
        bounds = (np.nan, np.nan)
        months = pd.DatetimeIndex([])
        if "sp600" in disp and "sp500" in disp:
            a, b = disp["sp600"], disp["sp500"]
            both = a.index.intersection(b.index)
            months = both
            if len(both) >= MIN_MONTHS:
                gap = mean_hac(a.loc[both, "iqr"] - b.loc[both, "iqr"], overlap=months_n)
                gap_alt = mean_hac(a.loc[both, "std_log"] - b.loc[both, "std_log"], overlap=months_n)
                bounds = (float((a.loc[both, "iqr"] - b.loc[both, "iqr_wide"]).mean()),
                          float((a.loc[both, "iqr_wide"] - b.loc[both, "iqr"]).mean()))
        if "sp400" in disp and "sp500" in disp:
            a, b = disp["sp400"], disp["sp500"]
            both = a.index.intersection(b.index)
            if len(both) >= MIN_MONTHS:
                gap_400 = mean_hac(a.loc[both, "iqr"] - b.loc[both, "iqr"], overlap=months_n)
        # dispersion against graduations in the following months
        link = []
        events = inp.moves(w, sp.match_window_days)
        up = events.loc[events["direction"] == "up"]
        for k in ("sp600", "sp400"):
            if k not in disp:
                continue
            d = disp[k]
            mv = up.loc[up["origin"] == k, "date"]
            end = min(inp.memberships[k].end, w.end)
            ok = d.index[d.index + pd.DateOffset(months=LINK_MONTHS) <= end]
            counts = pd.Series([int(((mv > m) & (mv <= m + pd.DateOffset(months=LINK_MONTHS))).sum()) for m in ok],
                               index=ok)
            if len(ok) < MIN_MONTHS or counts.nunique() < 2:
                continue  # a regression on a constant count has no slope to estimate
            res = ols_hac(counts, d.loc[ok, ["iqr"]] * 100, overlap=max(months_n, LINK_MONTHS))
            ci = res.conf_int().loc["iqr"]
            link.append({"index": ga.INDEX_LABELS[k], "months": len(ok), "graduates next 12m (mean)": counts.mean(),
                         "correlation": float(np.corrcoef(counts, d.loc[ok, "iqr"])[0, 1]),
                         "slope per 10 pp of IQR": 10 * res.params["iqr"], "ci_low": 10 * ci[0], "ci_high": 10 * ci[1]})
        link_df = pd.DataFrame(link).set_index("index").round(2) if link else pd.DataFrame()
        return G5Evidence(disp, gap, gap_alt, bounds, gap_400, link_df, months)

    @property
    def deciding(self):
        """The deciding estimate: the gap in the specification's measure (decimal), or None."""
        ev = self.evidence
        return ev.gap if self.spec.measure == "iqr" else ev.gap_alt

    def untestable(self, ev: G5Evidence) -> str | None:
        if (ev.gap if self.spec.measure == "iqr" else ev.gap_alt) is not None:
            return None
        return (f"The window holds fewer than {MIN_MONTHS} months with both S&P 600 and S&P 500 members priced "
                "(pitindex's S&P 600 membership starts on 2021-03-31); active small-cap managers' net returns "
                "(e.g. SPIVA scorecards) would decide whether selection pays.")

    def decide(self, ev: G5Evidence) -> Decision:
        e = self.deciding
        smp = Sample(ev.gap_months.min().date().isoformat(), ev.gap_months.max().date().isoformat(), e.n, "monthly")
        st = Statistic.from_estimate(e, self.statistic_name, "pp", 100)
        if e.ci_high <= 0:
            return Decision(NOT_SUPPORTED, st, smp, "Small-cap dispersion was not wider than large-cap dispersion, so "
                                                    "the claim's premise fails.")
        premise = "holds" if e.ci_low > 0 else "is undecided"
        # the rule's untestable case: the conclusion needs fund returns the free data lack
        return Decision(UNTESTABLE, st, smp,
                        f"The premise {premise} (gap {100 * e.value:.1f} pp), but whether active selection beats "
                        "passive needs active small-cap managers' net returns (e.g. SPIVA scorecards or fund-level "
                        "returns).")

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Mean dispersion gaps between indices (pp) with 95% HAC intervals."""
        ev = self.evidence
        rows = []
        for label, e in (("IQR, S&P 600 minus S&P 500 (pp)", ev.gap),
                         ("s.d. of log returns, S&P 600 minus S&P 500 (pp)", ev.gap_alt),
                         ("IQR, S&P 400 minus S&P 500 (pp)", ev.gap_400)):
            if e is None:
                continue
            rows.append({"measure": label, "mean": 100 * e.value, "ci_low": 100 * e.ci_low, "ci_high": 100 * e.ci_high,
                         "months": e.n})
        if not rows:
            return pd.DataFrame({"note": ["too few months with two indices' members priced in this window"]},
                                index=["G5"])
        return pd.DataFrame(rows).set_index("measure").round(1)

    def link_table(self) -> pd.DataFrame:
        """Dispersion against the number of members moving up in the following months, by index."""
        link = self.evidence.link
        if link.empty:
            return pd.DataFrame({"note": ["too few months in this window to relate dispersion to graduations"]},
                                index=["G5"])
        return link

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.lines`: each index's IQR over time (pp)."""
        ev = self.evidence
        n = self.spec.dispersion_months
        if not ev.dispersion:
            return "no index has members with a trailing return in this window."
        long = pd.concat([pd.DataFrame({"month": d.index, "index": ga.INDEX_LABELS[k], "iqr": 100 * d["iqr"].values})
                          for k, d in ev.dispersion.items()], ignore_index=True)
        if ev.gap is None:
            title = f"Dispersion of members' {n}-month returns by index"
        else:
            a = ev.dispersion["sp600"].loc[ev.gap_months, "iqr"].mean()
            b = ev.dispersion["sp500"].loc[ev.gap_months, "iqr"].mean()
            m = ev.gap_months
            title = (f"{m.min().year}-{m.max().year}: the middle half of S&P 600 members' {n}-month returns "
                     f"spanned {100 * a:.0f} pp on average, against {100 * b:.0f} pp in the S&P 500")
        return {"data": long, "x": "month", "y": "iqr", "hue": "index", "title": title, "xlabel": "month end",
                "ylabel": f"IQR of {n}-month returns (pp)", "zero_line": False}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"def_disp_months": count(self.spec.dispersion_months),
                              "g5_link_months": count(LINK_MONTHS)}
        ev = self.evidence
        if ev is None:
            return g
        e, e4, link = ev.gap, ev.gap_400, ev.link

        def iqr(k):
            return float(ev.dispersion[k].loc[ev.gap_months, "iqr"].mean()) if e is not None else None

        def corr(label):
            return float(link.at[label, "correlation"]) if not link.empty and label in link.index else None

        g.update({
            "g5_gap": pp(None if e is None else e.value, 1),
            "g5_gap_lo": pp(None if e is None else e.ci_low, 1),
            "g5_gap_hi": pp(None if e is None else e.ci_high, 1),
            "g5_gap_n": count(0 if e is None else e.n),
            "g5_bound_lo": pp(ev.gap_bounds[0] if e is not None else None, 1),
            "g5_bound_hi": pp(ev.gap_bounds[1] if e is not None else None, 1),
            "g5_iqr600": pp(iqr("sp600"), 1),
            "g5_iqr500": pp(iqr("sp500"), 1),
            "g5_gap_alt": pp(None if ev.gap_alt is None else ev.gap_alt.value, 1),
            "g5_gap400": pp(None if e4 is None else e4.value, 1),
            "g5_gap400_lo": pp(None if e4 is None else e4.ci_low, 1),
            "g5_gap400_hi": pp(None if e4 is None else e4.ci_high, 1),
            "g5_corr600": num(corr("S&P 600"), 2),
            "g5_corr400": num(corr("S&P 400"), 2),
        })
        return g

    def flags(self) -> dict[str, bool]:
        """``g5_gap400`` (the S&P 400's gap to the S&P 500 is measured) and ``g5_gap400_wider`` (it
        is positive), ``g5_corr600``/``g5_corr400`` (dispersion related to graduations)."""
        ev = self.evidence
        link = ev.link
        return {"g5_gap400": ev.gap_400 is not None,
                "g5_gap400_wider": ev.gap_400 is not None and ev.gap_400.value > 0,
                "g5_corr600": not link.empty and "S&P 600" in link.index,
                "g5_corr400": not link.empty and "S&P 400" in link.index}
