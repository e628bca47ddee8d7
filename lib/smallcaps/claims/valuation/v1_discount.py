"""V1. How cheap are small caps? Source [D], May 2024.

Claim: small caps trade at about a 27% discount to large caps, against an average 3% premium
since 1995; they have rarely been cheaper.

Evidence: the smallest size quintile's aggregate price-to-book relative to the largest
quintile's (French's 25 size x BE/ME portfolios), at the last complete month before the claim's
date, against its average since 1995 (stationary-bootstrap interval) and its percentile in the
window's history. Units: discounts are decimals (-0.72 = 72% below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...analytics import valuation as va
from ...display import (
    Fact,
    ci_text,
    iso,
    iso_end,
    long_date,
    month_name,
    num,
    pp,
    raw,
    round_or_none,
    text,
    tidy,
)
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import CLAIM_D_DATE, evaluation_date, in_window

#: [D] small caps "trade at about a 27% discount to the S&P 500" (a forward P/E comparison, we infer).
CLAIMED_DISCOUNT = -0.27
#: [D] "against an average 3% premium since 1995".
CLAIMED_AVERAGE_PREMIUM = 0.03
#: [D] the start of the claim's averaging period.
CLAIMED_AVERAGE_SINCE = "1995-01-01"

#: The three price-to-book measures, by column of the relative valuation series.
MEASURES = {
    "discount": "P/B, December prices (French BE/ME)",
    "discount_june": "P/B, June prices (French BE/ME, June)",
    "discount_updated": "P/B rolled forward to each month's prices (approximate)",
}


@dataclass
class V1Evidence:
    """Relative valuation of small against large at the evaluation month.

    Attributes
    ----------
    series
        The relative valuation series inside the window (decimals).
    eval_date, eval_month
        The claim's date (or the as-of date) and the last complete month before it.
    since
        First month of the averaging period (January 1995, or the window's start if later).
    rows
        Per measure: ``value``, ``month``, ``average`` (an Estimate, decimals), ``percentile``
        and ``percentile_since`` (0-100), ``latest``, ``latest_month``, ``latest_percentile``.
    op_range
        Min, max and months below zero of the smallest, lowest-BE/ME cell's operating
        profitability in the window (or None).
    """

    series: pd.DataFrame
    eval_date: pd.Timestamp
    eval_month: pd.Period
    since: pd.Period
    rows: dict[str, dict[str, Any]]
    op_range: tuple[float, float, int] | None


class V1(Claim):
    id: ClassVar[str] = "V1"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "How cheap are small caps?"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "P/B gap to its 1995+ average"
    unit: ClassVar[str] = "pp"
    claim_dates: ClassVar[tuple[str, ...]] = ("2024-05-16",)
    inputs_used: ClassVar[tuple[str, ...]] = ("cells",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("rare_percentile", 10.0, {"5th percentile": 5.0, "20th percentile": 20.0},
               "'rarely been cheaper' means a percentile of its history at most this (0-100)",
               check=lambda v: None if 0 < v < 100 else "0 to 100"),
        Choice("measure", "discount", {"June prices": "discount_june", "rolled-forward prices": "discount_updated"},
               "the price-to-book measure that decides: December prices (French), June prices, or rolled "
               "forward to each month's prices",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V1",
        claim="Small caps trade at about a 27% discount to large caps, against an average 3% premium since 1995; "
              "they have rarely been cheaper [D]",
        hypothesis="At the claim's date the smallest size quintile's aggregate price-to-book relative to the largest "
                   "quintile's is below its average since 1995 and near the bottom of its long history.",
        statistic="the relative price-to-book discount (French 25 size x BE/ME portfolios, December prices) at the last "
                  "complete month before the claim's date (or the window's as-of date, if earlier) minus its average "
                  "since 1995 (or since the window's start, if later), in pp, with a stationary-bootstrap 95% interval "
                  "for the average; and the discount's percentile "
                  "in its history within the window up to that month.",
        supported="the gap's 95% interval lies below zero and the percentile is at most {rare_percentile:g}",
        partly="the gap's 95% interval lies below zero but the percentile is above {rare_percentile:g} "
               "(cheaper than usual, but not rarely so)",
        not_supported="the gap's 95% interval includes or lies above zero",
        untestable="the window holds fewer than 12 months of the series from 1995 to the evaluation month",
    )

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> V1Evidence:
        w = self.window
        series = in_window(self.inputs.relative_valuation(), w).dropna(subset=["discount"])
        eval_date = evaluation_date(CLAIM_D_DATE, w)
        eval_month = va.last_complete_month(eval_date)
        since = max(pd.Period(CLAIMED_AVERAGE_SINCE, freq="M"), series.index.min() if len(series) else eval_month)
        rows = {}
        for key in MEASURES:
            s = series[key].dropna()
            value, month = va.value_at(s, eval_month.end_time) if len(s) else (None, None)
            hist_since = s.loc[since:month] if month is not None else s.iloc[0:0]
            # the series is persistent (BE/ME is reset once a year): a stationary bootstrap with a
            # data-chosen block length gives the average's interval
            avg = stats.bootstrap_ci(hist_since) if len(hist_since) >= 12 else None
            pct = va.history_percentile(s, month.end_time)[0] if month is not None else None
            pct_since = va.history_percentile(hist_since, month.end_time)[0] if len(hist_since) else None
            latest, latest_month = va.value_at(s, min(w.end, w.as_of)) if len(s) else (None, None)
            latest_pct = va.history_percentile(s, latest_month.end_time)[0] if latest_month is not None else None
            rows[key] = {"value": value, "month": month, "average": avg, "percentile": pct,
                         "percentile_since": pct_since, "latest": latest, "latest_month": latest_month,
                         "latest_percentile": latest_pct, "n_since": len(hist_since)}
        op = in_window(self.inputs.cells["op"], w)["SMALL LoBM"].dropna()
        op_range = (float(op.min()), float(op.max()), int((op < 0).sum())) if len(op) else None
        return V1Evidence(series=series, eval_date=eval_date, eval_month=eval_month, since=since, rows=rows,
                          op_range=op_range)

    @property
    def main(self) -> dict[str, Any]:
        """The deciding measure's row of the evidence."""
        return self.evidence.rows[self.spec.measure]

    def untestable(self, ev: V1Evidence) -> str | None:
        m = ev.rows[self.spec.measure]
        if m["average"] is None or m["value"] is None:
            return ("The window has too little of the relative valuation series between 1995 and the claim's "
                    "date; a window covering 1995 to May 2024 (or a small-cap forward P/E history) would decide it.")
        return None

    def decide(self, ev: V1Evidence) -> Decision:
        m = self.main
        avg = m["average"]
        gap = 100 * (m["value"] - avg.value)
        lo, hi = 100 * (m["value"] - avg.ci_high), 100 * (m["value"] - avg.ci_low)
        rare = self.spec.rare_percentile
        if hi < 0 and m["percentile"] <= rare:
            verdict = SUPPORTED
        elif hi < 0:
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        note = (f"In {month_name(m['month'])} small caps' price-to-book stood {abs(100 * m['value']):.0f}% "
                f"{'below' if m['value'] < 0 else 'above'} large caps', against an average "
                f"{'discount' if avg.value < 0 else 'premium'} of {abs(100 * avg.value):.0f}% since "
                f"{month_name(ev.since)}; {m['percentile']:.0f}% of months since {month_name(ev.series.index.min())} "
                f"were as cheap or cheaper (the claim's forward P/E levels are not in the data).")
        if ev.eval_date != pd.Timestamp(CLAIM_D_DATE):
            note = f"Read at the window's end, since the claim's date (May 2024) lies beyond it. {note}"
        s = ev.series[self.spec.measure].dropna().loc[: m["month"]]
        name = self.statistic_name if self.spec.measure == "discount" else \
            f"{self.statistic_name} ({MEASURES[self.spec.measure]})"
        return Decision(verdict,
                        Statistic(f"{name}, {month_name(m['month'])}", gap, "pp", lo, hi, avg.level, avg.method),
                        Sample(iso(s.index.min()), iso_end(s.index.max()), len(s), "monthly"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Each measure at the evaluation month, its average since 1995 and its percentiles (percent)."""
        ev = self.evidence
        main = ev.rows["discount"]

        def pct(x):
            return None if x is None else round_or_none(100 * x)

        out = []
        at = f"at {month_name(main['month'])} (%)"
        for key, r in ev.rows.items():
            avg = r["average"]
            out.append({
                "measure": MEASURES[key],
                at: pct(r["value"]),
                f"average since {ev.since.year} (%)": pct(avg.value) if avg else None,
                "95% CI (%)": ci_text(100 * avg.ci_low, 100 * avg.ci_high, 1) if avg else "n/a",
                "percentile, whole window": round_or_none(r["percentile"]),
                f"percentile since {ev.since.year}": round_or_none(r["percentile_since"]),
                "latest (%)": pct(r["latest"]),
                "latest month": month_name(r["latest_month"]),
            })
        return pd.DataFrame(out).set_index("measure")

    def beside_claim(self) -> pd.DataFrame:
        """The claim's numbers beside this book's, each level also relative to its own average (percent)."""
        m = self.evidence.rows["discount"]
        rows = [{"source": "claim [D]: forward P/E (inferred)", "discount now (%)": 100 * CLAIMED_DISCOUNT,
                 "average since 1995 (%)": 100 * CLAIMED_AVERAGE_PREMIUM,
                 "now against own average (%)": 100 * _relative(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM)}]
        if m["average"] is not None and m["value"] is not None:
            rows.append({"source": f"this book: price-to-book, {month_name(m['month'])}",
                         "discount now (%)": 100 * m["value"], "average since 1995 (%)": 100 * m["average"].value,
                         "now against own average (%)": 100 * _relative(m["value"], m["average"].value)})
        return tidy(pd.DataFrame(rows).set_index("source"), 1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.discount_history`."""
        ev = self.evidence
        frame = ev.series[["discount", "discount_updated"]].rename(columns={
            "discount": "price-to-book, French (December prices)",
            "discount_updated": "rolled forward to each month's prices (approx.)"})
        frame = (100 * frame).reset_index().melt(id_vars="month", var_name="measure", value_name="discount")
        frame["month"] = frame["month"].dt.to_timestamp()
        m = ev.rows["discount"]
        marks = {f"claim [D]: {100 * CLAIMED_DISCOUNT:.0f}% (forward P/E)": 100 * CLAIMED_DISCOUNT,
                 f"claim [D]: average {100 * CLAIMED_AVERAGE_PREMIUM:+.0f}% since 1995": 100 * CLAIMED_AVERAGE_PREMIUM}
        avg = m["average"].value * 100 if m["average"] else None
        return {"data": frame, "claimed": marks, "own_average": avg, "since": ev.since.start_time,
                "claim_date": pd.Timestamp(CLAIM_D_DATE) if ev.eval_date == pd.Timestamp(CLAIM_D_DATE) else None,
                "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: the finding, worded from the numbers."""
        ev = self.evidence
        m = ev.rows["discount"]
        level = (f"{month_name(m['month'])}: small caps' P/B {abs(100 * m['value']):.0f}% "
                 f"{'below' if m['value'] < 0 else 'above'} large caps'")
        first = ev.series.index.min().year
        if m["percentile"] <= self.spec.rare_percentile:
            return f"{level}, cheaper than in all but {m['percentile']:.0f}% of months since {first}"
        rel = "under" if m["average"] and m["value"] < m["average"].value else "over"
        return (f"{level}, {rel} the post-1995 average, yet {m['percentile']:.0f}% of months since {first} "
                f"were as cheap or cheaper")

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        claim_date = pd.Timestamp(CLAIM_D_DATE)
        g: dict[str, Fact] = {
            "v1_claimed_discount": pp(-CLAIMED_DISCOUNT, 0),
            "v1_claimed_premium": pp(CLAIMED_AVERAGE_PREMIUM, 0),
            "v1_claim_date": text(long_date(claim_date)),
            "v1_claim_vs_own_phrase": text(_relative_phrase(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM)),
            "v1_claim_vs_own": pp(-_relative(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM), 0),
        }
        if not self.testable:
            return g
        m, u, j = ev.rows["discount"], ev.rows["discount_updated"], ev.rows["discount_june"]
        avg = m["average"]
        lo, hi, n_neg = ev.op_range if ev.op_range else (None, None, None)
        k = len(ev.rows)
        n_below = sum(1 for r in ev.rows.values() if r["average"] is not None and r["value"] is not None
                      and r["value"] < r["average"].value)
        n_rare = sum(1 for r in ev.rows.values()
                     if r["percentile"] is not None and r["percentile"] <= self.spec.rare_percentile)
        g.update({
            "v1_eval_month": text(month_name(m["month"])),
            "v1_eval_when": text(self.phrase_when()),
            "v1_vs_norm": text(self.phrase_vs_norm()),
            "v1_rarity": text(self.phrase_rarity()),
            "v1_first_month": text(month_name(ev.series.index.min())),
            "v1_discount": pp(-m["value"], 0),
            "v1_average": pp(-avg.value, 0),
            "v1_discount_signed": pp(m["value"], 0, signed=True),
            "v1_average_signed": pp(avg.value, 0, signed=True),
            "v1_average_lo": pp(-avg.ci_high, 0),
            "v1_average_hi": pp(-avg.ci_low, 0),
            "v1_percentile": num(m["percentile"], 0),
            "v1_percentile_since": num(m["percentile_since"], 0),
            "v1_latest": pp(-m["latest"], 0),
            "v1_latest_month": text(month_name(m["latest_month"])),
            "v1_latest_percentile": num(m["latest_percentile"], 0),
            "v1_updated": pp(-u["value"], 0),
            "v1_updated_percentile": num(u["percentile"], 0),
            "v1_june": pp(-j["value"], 0),
            "v1_june_percentile": num(j["percentile"], 0),
            "v1_min_discount": pp(-ev.series["discount"].min(), 0),
            "v1_min_month": text(month_name(ev.series["discount"].idxmin())),
            "v1_book_vs_own_phrase": text(_relative_phrase(m["value"], avg.value)),
            "v1_book_vs_own": pp(-_relative(m["value"], avg.value), 0),
            "v1_rare_percentile": num(self.spec.rare_percentile, 0),
            "v1_versions_below": text("Every version is" if n_below == k else f"{n_below} of {k} versions are"),
            "v1_versions_rare": text("none is" if n_rare == 0 else "every one is" if n_rare == k
                                     else f"{n_rare} of {k} are"),
            "v1_op_low": raw(lo, "{:.1f}"),
            "v1_op_high": raw(hi, "{:.1f}"),
            "v1_op_negative": raw(n_neg, "{:.0f}"),
        })
        return g

    # Phrases: the only wording that depends on the result (each a short clause).

    def phrase_when(self) -> str:
        """Which month is read: ``the last complete month before the claim's date`` or ``the
        window's last complete month, the claim's date lying beyond the window``."""
        if self.evidence.eval_date == pd.Timestamp(CLAIM_D_DATE):
            return "the last complete month before the claim's date"
        return "the window's last complete month, the claim's date lying beyond the window"

    def phrase_vs_norm(self) -> str:
        """``clearly cheaper than their post-1995 norm, as the claim says`` or ``not clearly
        cheaper than their post-1995 norm, against the claim``."""
        m = self.main
        if m["average"].ci_low > m["value"]:
            return "clearly cheaper than their post-1995 norm, as the claim says"
        return "not clearly cheaper than their post-1995 norm, against the claim"

    def phrase_rarity(self) -> str:
        """``and rarely this cheap: only`` or ``but not rarely this cheap:`` (followed by the
        share of months as cheap or cheaper)."""
        if self.main["percentile"] <= self.spec.rare_percentile:
            return "and rarely this cheap: only"
        return "but not rarely this cheap:"




def _relative(value: float, average: float) -> float:
    """A level against its own average, both as discounts (decimals): ``(1+v)/(1+a) - 1``."""
    return (1 + value) / (1 + average) - 1


def _relative_phrase(value: float | None, average: float | None) -> str:
    """``"43% below"`` / ``"5% above"``: a level against its own average (both discounts, decimals)."""
    rel = _relative(value, average)
    return f"{abs(100 * rel):.0f}% {'below' if rel < 0 else 'above'}"

