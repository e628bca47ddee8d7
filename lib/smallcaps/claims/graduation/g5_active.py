"""G5. Active selection pays in small caps because dispersion is wide. Source [E], July 2026.

Claim: active selection beats passive exposure in small caps because dispersion is wide.

Under the book's one rule for claims with parts (:func:`smallcaps.claims.base.combine_parts`) the
claim has an assertion, "active beats passive in small caps", which decides, and a reason,
"because dispersion is wide", which is tested and shown but never decides.

Evidence: the assertion needs active funds' results: the share of active small-cap funds that
underperformed their benchmark, by horizon, as S&P's SPIVA scorecards publish it, supplied as
``spiva_csv`` (:mod:`smallcaps.sources.spiva_csv`). Without it the claim is untestable. The
reason is measured on the snapshot: the cross-sectional spread (interquartile range) of members'
trailing 12-month returns in the S&P 600 against the S&P 500, month by month, with a HAC
interval for the mean gap.

Amended on 2026-11-26 (referee report on valuation and graduation, G5): the registered rule
could only return "not supported" (the premise failing) or "untestable", and showed the premise's
gap as its deciding number; under the registered rule (``verdict_rule="registered"``) the code
reproduces it exactly. Units: dispersions, gaps and shares are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, num, pct, percent, pp, text
from ...stats import mean_hac, ols_hac
from ..base import Choice, Decision, Part, SpecSpace, combine_parts
from ..contract import (
    INCONCLUSIVE,
    NO_SAMPLE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Amendment,
    Rule,
    Sample,
    Statistic,
)
from . import registered
from .inputs import MATCH_WINDOW, GraduationClaim

#: Dispersion is measured on trailing returns over this many months (default).
DISPERSION_MONTHS = 12
#: Graduations are counted over the next this many months, against the dispersion at the start.
LINK_MONTHS = 12
#: Fewest months with both indices' dispersion that give a mean gap.
MIN_MONTHS = 24
MEASURES = {"iqr": "interquartile range", "std_log": "standard deviation of log returns"}
#: "Most funds": more than this share underperformed (decimal).
MAJORITY = 0.5
#: Where active funds' results are published free, named wherever the claim is untestable.
SPIVA = ("S&P Dow Jones Indices' SPIVA U.S. Scorecard (report 1: the share of small-cap funds that underperformed the "
         "S&P SmallCap 600, by horizon), supplied as spiva_csv (horizon, share_underperformed)")


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
    spiva
        The user's SPIVA-style table (``horizon``, ``share`` underperformed, decimal), or None.
    """

    dispersion: dict
    gap: Any
    gap_alt: Any
    gap_bounds: tuple
    gap_400: Any
    link: pd.DataFrame
    gap_months: pd.DatetimeIndex
    spiva: pd.DataFrame | None = None


class G5(GraduationClaim):
    id: ClassVar[str] = "G5"
    heading: ClassVar[str] = "Does active beat passive in small caps?"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "%"
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "membership", "spiva")
    space: ClassVar[SpecSpace] = SpecSpace(
        MATCH_WINDOW,
        Choice("dispersion_months", DISPERSION_MONTHS, {"6 months": 6, "24 months": 24},
               "months of the trailing returns whose cross-sectional spread is the dispersion (also the HAC "
               "interval's overlap)", check=lambda v: None if 1 <= v <= 60 else "1..60"),
        Choice("measure", "iqr", {"standard deviation of log returns": "std_log"},
               "the spread the reason is measured by: the interquartile range or the standard deviation of log returns",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (the assertion decides, from a SPIVA-style table; the reason is shown) or "
               "as registered (not supported if the premise fails, else untestable)",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G5",
        claim="Active selection beats passive exposure in small caps because dispersion is wide [E].",
        hypothesis=("Active small-cap funds beat their benchmark (the assertion, which decides) because the spread of "
                    "small caps' returns is wide, wider than among large caps (the reason given, tested and shown but "
                    "never deciding)."),
        statistic=("the assertion: the share of active small-cap funds that underperformed their benchmark at each "
                   "horizon reported, from a SPIVA-style table supplied as `spiva_csv` (S&P's SPIVA U.S. Scorecard: "
                   "small-cap funds against the S&P SmallCap 600); the deciding number is the lowest share over the "
                   "horizons. The reason: the mean difference in the {measure_words}, S&P 600 minus S&P 500, month by "
                   "month, in pp, with a 95% HAC interval ({dispersion_months} overlapping months)."),
        supported="fewer than half of the funds underperformed at every horizon",
        partly="fewer than half underperformed at some horizons and at least half at others",
        not_supported="more than half of the funds underperformed at every horizon",
        untestable=("no `spiva_csv` is given: whether active selection beats passive needs active funds' results, "
                    "which the snapshot does not hold (S&P publishes them free in its SPIVA scorecards); the reason is "
                    "still tested and shown"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date=registered.AMENDED,
        reason=("Referee report on valuation and graduation, G5 (major): the registered rule could never return "
                "supported, ignored the public SPIVA scorecards that decide the conclusion, and showed the premise's "
                "significant interval as the deciding number of an untestable claim. Under the book's rule for claims "
                "with parts, the assertion (active beats passive) decides, from a SPIVA-style table when supplied; "
                "the reason (dispersion is wide) is tested and shown but does not decide, and leaves the deciding "
                "number."),
        old_rule=registered.G5,
        registered_spec={"verdict_rule": "registered"},
    ),)

    @classmethod
    def rule_words(cls, values) -> dict[str, str]:
        n = values["dispersion_months"]
        words = (f"interquartile range of members' trailing {n}-month returns" if values["measure"] == "iqr"
                 else f"standard deviation of members' trailing {n}-month log returns")
        return {"measure_words": words}

    @property
    def premise_name(self) -> str:
        """The name of the reason's statistic (the dispersion gap)."""
        n = self.spec.dispersion_months
        if self.spec.measure == "iqr":
            return f"IQR gap of {n}-month returns, S&P 600 - S&P 500"
        return f"s.d. gap of {n}-month log returns, S&P 600 - S&P 500"

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        if self.spec.verdict_rule == "registered":
            return self.premise_name
        return "small-cap funds that underperformed (SPIVA), lowest share"

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
            res = ols_hac(counts, percent(d.loc[ok, ["iqr"]]), overlap=max(months_n, LINK_MONTHS))
            ci = res.conf_int().loc["iqr"]
            link.append({"index": ga.INDEX_LABELS[k], "months": len(ok), "graduates next 12m (mean)": counts.mean(),
                         "correlation": float(np.corrcoef(counts, d.loc[ok, "iqr"])[0, 1]),
                         "slope per 10 pp of IQR": 10 * res.params["iqr"], "ci_low": 10 * ci[0], "ci_high": 10 * ci[1]})
        link_df = pd.DataFrame(link).set_index("index").round(2) if link else pd.DataFrame()
        user = inp.user_spiva
        spiva = None if user is None else user.frame
        return G5Evidence(disp, gap, gap_alt, bounds, gap_400, link_df, months, spiva)

    @property
    def premise(self):
        """The reason's estimate: the dispersion gap in the specification's measure (decimal), or
        None (the registered rule's deciding number)."""
        return self._gap(self.evidence)

    def _gap(self, ev: G5Evidence):
        return ev.gap if self.spec.measure == "iqr" else ev.gap_alt

    def untestable(self, ev: G5Evidence) -> str | None:
        if self._gap(ev) is not None or (self.spec.verdict_rule == "amended" and ev.spiva is not None):
            return None
        return (f"The window holds fewer than {MIN_MONTHS} months with both S&P 600 and S&P 500 members priced "
                "(pitindex's S&P 600 membership starts on 2021-03-31); active small-cap managers' net returns "
                "(e.g. SPIVA scorecards) would decide whether selection pays.")

    def part_assertion(self, ev: G5Evidence) -> str | None:
        """"Active beats passive": supported when fewer than half of the funds underperformed at
        every horizon, not supported when more than half did at every horizon, partly otherwise;
        None without a SPIVA-style table."""
        t = ev.spiva
        if t is None or t.empty:
            return None
        if (t["share"] < MAJORITY).all():
            return SUPPORTED
        if (t["share"] > MAJORITY).all():
            return NOT_SUPPORTED
        return PARTLY

    def part_reason(self, ev: G5Evidence) -> str | None:
        """"Because dispersion is wide": the gap's interval above zero (holds), at or below zero
        (fails), or including zero (inconclusive); None when it cannot be measured."""
        e = self._gap(ev)
        if e is None:
            return None
        if e.ci_low > 0:
            return SUPPORTED
        return NOT_SUPPORTED if e.value <= 0 else INCONCLUSIVE

    def parts(self, ev: G5Evidence | None = None) -> list[Part]:
        ev = ev if ev is not None else self.evidence
        return [Part("active beats passive", "assertion", self.part_assertion(ev)),
                Part("dispersion is wide", "reason", self.part_reason(ev))]

    def decide(self, ev: G5Evidence) -> Decision:
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        verdict = combine_parts(self.parts(ev))
        e = self._gap(ev)
        words = {SUPPORTED: "holds", NOT_SUPPORTED: "fails", INCONCLUSIVE: "is undecided"}
        reason = ("" if e is None else
                  f" The reason given is tested and shown, not deciding: it {words[self.part_reason(ev)]} (the spread of "
                  f"{self.spec.dispersion_months}-month returns was wider in the S&P 600 than in the S&P 500 by "
                  f"{percent(e.value):.1f} pp, {percent(e.ci_low):.1f} to {percent(e.ci_high):.1f}).")
        t = ev.spiva
        if t is None:
            note = (f"Whether active selection beats passive needs active funds' results, which the snapshot does not "
                    f"hold; {SPIVA} would decide it.{reason} Against the S&P 600, active funds face a harder benchmark "
                    "than the Russell 2000: its positive-earnings entry screen already keeps out loss-makers a "
                    "manager could avoid.")
            return Decision(UNTESTABLE, Statistic(self.statistic_name, None, self.unit), NO_SAMPLE, note)
        lo, hi = float(t["share"].min()), float(t["share"].max())
        h = t["horizon"]
        span = f"{h.min()} to {h.max()} years" if h.nunique() > 1 else f"{h.iloc[0]} years"
        most = {NOT_SUPPORTED: "more than half underperformed at every horizon",
                SUPPORTED: "fewer than half underperformed at every horizon",
                PARTLY: "the majority changes with the horizon"}[verdict]
        note = (f"In the supplied SPIVA-style table, {percent(lo):.1f}% to {percent(hi):.1f}% of small-cap funds "
                f"underperformed their benchmark over {span}: {most}.{reason}")
        dates = t["date"].dropna() if "date" in t else pd.Series(dtype="datetime64[ns]")
        first = dates.min().date().isoformat() if len(dates) else None
        last = dates.max().date().isoformat() if len(dates) else None
        return Decision(verdict, Statistic(self.statistic_name, percent(lo), self.unit), Sample(first, last, len(t), "none"),
                        note)

    def _decide_registered(self, ev: G5Evidence) -> Decision:
        """The registered rule, reproduced exactly: not supported if the premise fails, else
        untestable (with the premise's gap as the statistic)."""
        e = self._gap(ev)
        smp = Sample(ev.gap_months.min().date().isoformat(), ev.gap_months.max().date().isoformat(), e.n, "monthly")
        st = Statistic.from_estimate(e, self.statistic_name, "pp", 100)
        if e.ci_high <= 0:
            return Decision(NOT_SUPPORTED, st, smp, "Small-cap dispersion was not wider than large-cap dispersion, so "
                                                    "the claim's premise fails.")
        premise = "holds" if e.ci_low > 0 else "is undecided"
        # the rule's untestable case: the conclusion needs fund returns the free data lack
        return Decision(UNTESTABLE, st, smp,
                        f"The premise {premise} (gap {percent(e.value):.1f} pp), but whether active selection beats "
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
            rows.append({"measure": label, "mean": percent(e.value), "ci_low": percent(e.ci_low), "ci_high": percent(e.ci_high),
                         "months": e.n})
        if not rows:
            return pd.DataFrame({"note": ["too few months with two indices' members priced in this window"]},
                                index=pd.Index(["G5"], name="claim"))
        return pd.DataFrame(rows).set_index("measure").round(1)

    def link_table(self) -> pd.DataFrame:
        """Dispersion against the number of members moving up in the following months, by index."""
        link = self.evidence.link
        if link.empty:
            return pd.DataFrame({"note": ["too few months in this window to relate dispersion to graduations"]},
                                index=pd.Index(["G5"], name="claim"))
        return link

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.lines`: each index's IQR over time (pp)."""
        ev = self.evidence
        n = self.spec.dispersion_months
        if not ev.dispersion:
            return "no index has members with a trailing return in this window."
        long = pd.concat([pd.DataFrame({"month": d.index, "index": ga.INDEX_LABELS[k], "iqr": percent(d["iqr"].values)})
                          for k, d in ev.dispersion.items()], ignore_index=True)
        if ev.gap is None:
            title = f"Dispersion of members' {n}-month returns by index"
        else:
            a = ev.dispersion["sp600"].loc[ev.gap_months, "iqr"].mean()
            b = ev.dispersion["sp500"].loc[ev.gap_months, "iqr"].mean()
            m = ev.gap_months
            title = (f"{m.min().year}-{m.max().year}: the middle half of S&P 600 members' {n}-month returns "
                     f"spanned {percent(a):.0f} pp on average, against {percent(b):.0f} pp in the S&P 500")
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
            "g5_reason": text({SUPPORTED: "holds", NOT_SUPPORTED: "fails", INCONCLUSIVE: "is undecided",
                               None: None}[self.part_reason(ev)]),
            "g5_spiva_lo": pct(None if ev.spiva is None else float(ev.spiva["share"].min()), 1),
            "g5_spiva_hi": pct(None if ev.spiva is None else float(ev.spiva["share"].max()), 1),
            "g5_spiva_span": text(None if ev.spiva is None else
                                  f"{ev.spiva['horizon'].min()} to {ev.spiva['horizon'].max()} years"),
        })
        return g

    def spiva_table(self) -> pd.DataFrame:
        """The supplied SPIVA-style table: the share of small-cap funds that underperformed, by
        horizon (percent)."""
        t = None if self.evidence is None else self.evidence.spiva
        if t is None:
            return pd.DataFrame({"note": ["no spiva_csv was supplied"]}, index=pd.Index(["G5"], name="claim"))
        out = pd.DataFrame({"horizon (years)": t["horizon"], "funds that underperformed (%)": percent(t["share"]),
                            "most funds underperformed": t["share"] > MAJORITY})
        return out.set_index("horizon (years)").round(1)

    def flags(self) -> dict[str, bool]:
        """``g5_premise`` (the reason, the dispersion gap, is measured), ``g5_spiva`` (a SPIVA-style
        table decides the assertion), ``g5_gap400`` (the S&P 400's gap to the S&P 500 is measured)
        and ``g5_gap400_wider`` (it is positive), ``g5_corr600``/``g5_corr400`` (dispersion related
        to graduations)."""
        ev = self.evidence
        if ev is None:
            return {"g5_premise": False, "g5_spiva": False, "g5_gap400": False, "g5_gap400_wider": False,
                    "g5_corr600": False, "g5_corr400": False}
        link = ev.link
        return {"g5_premise": ev.gap is not None, "g5_spiva": ev.spiva is not None,
                "g5_gap400": ev.gap_400 is not None,
                "g5_gap400_wider": ev.gap_400 is not None and ev.gap_400.value > 0,
                "g5_corr600": not link.empty and "S&P 600" in link.index,
                "g5_corr400": not link.empty and "S&P 400" in link.index}
