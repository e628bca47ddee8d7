"""V1. How cheap are small caps? Source [D], May 2024.

Claim: small caps trade at about a 27% discount to large caps, against an average 3% premium
since 1995; they have rarely been cheaper.

Evidence: the aggregate price-to-book of small caps relative to large caps' from French's 25
size x BE/ME portfolios: NYSE size quintiles 2-3 (where the Russell 2000 and the S&P 600 sit)
against quintile 5, rolled forward to each month's prices, at the last complete month before the
claim's date, against its average since 1995 (AR(1)-adjusted interval) and its percentile among
the months since 1995. Quintile 1 (micro-caps), December and June prices and the percentile
since 1926 are robustness rows. A user's forward P/E history (``forward_pe_csv``), given,
decides on the claim's own measure. Units: discounts are decimals (-0.62 = 62% below).

Amended on 2026-11-26 (referee report on valuation, V1): the registered rule decided on
quintile 1, December prices and the percentile since 1926.
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
    percent,
    pp,
    raw,
    round_or_none,
    text,
    tidy,
)
from ...errors import DataError
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .inputs import CLAIM_D_DATE, SIZE_GROUP_LABELS, evaluation_date, in_window
from .readings import READ_AT, DecidedWhenSaid

#: [D] small caps "trade at about a 27% discount to the S&P 500" (a forward P/E comparison, we infer).
CLAIMED_DISCOUNT = -0.27
#: [D] "against an average 3% premium since 1995".
CLAIMED_AVERAGE_PREMIUM = 0.03
#: [D] the start of the claim's averaging period.
CLAIMED_AVERAGE_SINCE = "1995-01-01"
#: The start of the Compustat era (French's book equity before it is hand-collected from Moody's).
COMPUSTAT_ERA = "1963-07-01"
#: "About 27%" and "3%": a level is read as the claim's within this many percentage points.
LEVEL_TOLERANCE = 0.05

#: The three price-to-book measures, by column of the relative valuation series.
MEASURES = {
    "discount": "P/B, December prices (French BE/ME)",
    "discount_june": "P/B, June prices (French BE/ME, June)",
    "discount_updated": "P/B rolled forward to each month's prices (approximate)",
}
SHORT = {"discount": "December prices", "discount_june": "June prices", "discount_updated": "rolled forward"}
FORWARD = "forward_pe"
FORWARD_LABEL = "forward P/E (your file)"


@dataclass
class V1Evidence:
    """Relative valuation of small against large at the evaluation month.

    Attributes
    ----------
    series
        The deciding size group's relative valuation series inside the window (decimals).
    eval_date, eval_month
        The claim's date (or the as-of date) and the last complete month before it.
    since
        First month of the averaging period (January 1995, or the window's start if later).
    rows
        Per ``(size group, measure)`` (and ``"forward_pe"`` with a forward P/E file): ``value``,
        ``month``, ``average`` (an Estimate, decimals), ``percentile`` (window), ``percentile_since``
        (since 1995), ``percentile_1963``, ``latest``, ``latest_month``, ``latest_percentile_since``,
        ``n_since``, ``series``.
    earnings
        Price-to-operating-profit, small against large, per size group (``2``, ``3``, ``2-3``):
        value, average since 1995 and percentile since 1995, or empty.
    op_range
        Min, max and months below zero of the smallest, lowest-BE/ME cell's operating
        profitability in the window (or None).
    bootstrap
        The stationary-bootstrap interval of the deciding average (the registered method), filled
        on first use by :meth:`V1.bootstrap`, or None.
    """

    series: pd.DataFrame
    eval_date: pd.Timestamp
    eval_month: pd.Period
    since: pd.Period
    rows: dict[Any, dict[str, Any]]
    earnings: dict[str, dict[str, Any]]
    op_range: tuple[float, float, int] | None
    bootstrap: stats.Estimate | None = None


REGISTERED_RULE = Rule(
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
    supported="the gap's 95% interval lies below zero and the percentile is at most 10",
    partly="the gap's 95% interval lies below zero but the percentile is above 10 "
           "(cheaper than usual, but not rarely so)",
    not_supported="the gap's 95% interval includes or lies above zero",
    untestable="the window holds fewer than 12 months of the series from 1995 to the evaluation month",
)


def _percentile_of(s: pd.Series, month) -> float | None:
    s = s.dropna().loc[:month]
    if s.empty or s.index[-1] != month:
        return None
    return float(percent((s <= s.iloc[-1]).mean()))


class V1(DecidedWhenSaid, Claim):
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
        Choice("size_group", "2-3", {"micro-caps (quintile 1, registered)": "1"},
               "the small-cap group: NYSE size quintiles 2-3 (the Russell 2000's range) or quintile 1 "
               "(micro-caps), against quintile 5",
               check=lambda v: None if v in SIZE_GROUP_LABELS else ", ".join(SIZE_GROUP_LABELS)),
        Choice("measure", "discount_updated", {"December prices (registered)": "discount",
                                               "June prices": "discount_june"},
               "the price-to-book measure that decides: rolled forward to each month's prices, December prices "
               "(French), or June prices",
               check=lambda v: None if v in MEASURES else ", ".join(MEASURES)),
        Choice("percentile_frame", "since 1995", {"whole window (registered)": "window"},
               "the history the percentile is taken in: the months since 1995 (the claim's frame) or the "
               "whole window (from 1926)",
               check=lambda v: None if v in ("since 1995", "window") else "since 1995, window"),
        Choice("interval", "AR(1)", {"stationary bootstrap (registered)": "bootstrap"},
               "the interval of the post-1995 average: AR(1)-adjusted (covers the series' persistence) or the "
               "stationary bootstrap with a Politis-White block",
               check=lambda v: None if v in ("AR(1)", "bootstrap") else "AR(1), bootstrap"),
        Choice("forward_pe", "use", {"not used (registered)": "ignore"},
               "whether a forward P/E history (forward_pe_csv), when given, decides instead of price-to-book",
               check=lambda v: None if v in ("use", "ignore") else "use, ignore"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "the decision logic: amended (inconclusive when the gap is negative but its interval includes "
               "zero) or as registered",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
        Choice("read_at", "claim date", {"reading date": "as of"},
               "where the claim is read: at its date (decides) or as of the chapter's reading date",
               check=lambda v: None if v in READ_AT else ", ".join(READ_AT)),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V1",
        claim="Small caps trade at about a 27% discount to large caps, against an average 3% premium since 1995; "
              "they have rarely been cheaper [D]",
        hypothesis="At the claim's date small caps (NYSE size quintiles 2-3, where the Russell 2000 sits) are "
                   "priced below their post-1995 average relative to large caps (quintile 5), and near the bottom "
                   "of their range since 1995.",
        statistic="the aggregate price-to-book of size quintiles 2-3 relative to quintile 5 (French 25 size x BE/ME "
                  "portfolios), rolled forward to the month's own prices, at the last complete month before the "
                  "claim's date (read again as of the reading date, shown), minus its average since 1995 (or since "
                  "the window's start, if later), in pp, with a 95% interval for the average adjusted for the "
                  "series' persistence (AR(1): the standard error times the square root of (1 + rho)/(1 - rho)); "
                  "and the month's percentile among the months since 1995. Quintile 1, December and June prices and "
                  "the percentile since 1926 are shown as robustness. Given a forward P/E history (forward_pe_csv), "
                  "the same test runs on small-cap over large-cap forward P/E, the claim's own measure, and decides; "
                  "its levels are compared with the claim's -27% and +3% (within 5 pp).",
        supported="the gap's 95% interval lies below zero and the percentile is at most {rare_percentile:g}",
        partly="the gap's 95% interval lies below zero but the percentile is above {rare_percentile:g} "
               "(cheaper than usual, but not rarely so)",
        inconclusive="the gap is negative but its 95% interval includes zero",
        not_supported="the gap is zero or positive",
        untestable="the window holds fewer than 12 months of the series from 1995 to the evaluation month, or "
                   "the series is so persistent (lag-1 autocorrelation of 1 or more) that its average has no interval",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason="Referee report on valuation, V1 (major): the registered rule decided against 1926+ history while "
               "the claim's frame is since 1995, on December prices up to 16 months stale for a claim about the "
               "present, and on the micro-cap quintile rather than the Russell 2000's range; its bootstrap "
               "interval was about half as wide as the series' persistence implies. Now: quintiles 2-3, prices "
               "rolled forward, the percentile since 1995, an AR(1)-adjusted interval, inconclusive where the "
               "interval cannot tell, a forward P/E file deciding when given; judged at the claim's date and as "
               "of the reading date.",
        old_rule=REGISTERED_RULE,
        registered_spec={"size_group": "1", "measure": "discount", "percentile_frame": "window",
                         "interval": "bootstrap", "forward_pe": "ignore", "verdict_rule": "registered",
                         "read_at": "claim date"},
    ),)

    # -- evidence ----------------------------------------------------------------------------------

    @property
    def uses_forward_pe(self) -> bool:
        """Whether the user's forward P/E history decides (given, and the spec uses it)."""
        return (self.spec.forward_pe == "use" and self.inputs is not None
                and getattr(self.inputs, "forward_pe", None) is not None)

    @property
    def key(self):
        """The row of the evidence that decides."""
        return FORWARD if self.uses_forward_pe else (self.spec.size_group, self.spec.measure)

    def _average(self, s: pd.Series, method: str) -> stats.Estimate | None:
        if len(s) < 12:
            return None
        if method == "bootstrap":
            # the registered method: a stationary bootstrap with a data-chosen block length
            return stats.bootstrap_ci(s)
        try:
            return stats.mean_ar1(s)
        except DataError:
            return None

    def _row(self, s: pd.Series, ev_month: pd.Period, since: pd.Period, method: str, latest_at) -> dict[str, Any]:
        """One measure's readings; ``method`` is the average's interval (the spec's for the
        deciding row, AR(1) for the robustness rows)."""
        s = s.dropna()
        value, month = va.value_at(s, ev_month.end_time) if len(s) else (None, None)
        hist_since = s.loc[since:month] if month is not None else s.iloc[0:0]
        c63 = max(pd.Period(COMPUSTAT_ERA, freq="M"), s.index.min()) if len(s) else None
        latest, latest_month = va.value_at(s, latest_at) if len(s) else (None, None)
        return {"value": value, "month": month, "average": self._average(hist_since, method),
                "percentile": _percentile_of(s, month) if month is not None else None,
                "percentile_since": _percentile_of(hist_since, month) if month is not None else None,
                "percentile_1963": _percentile_of(s.loc[c63:], month) if month is not None and month >= c63 else None,
                "latest": latest, "latest_month": latest_month,
                "latest_percentile_since": (_percentile_of(s.loc[since:], latest_month)
                                            if latest_month is not None and latest_month >= since else None),
                "n_since": len(hist_since), "series": s}

    def compute(self) -> V1Evidence:
        w = self.window
        sp = self.spec
        rv = {g: in_window(self.inputs.relative_valuation(g), w) for g in SIZE_GROUP_LABELS}
        series = rv[sp.size_group].dropna(subset=[sp.measure])
        eval_date = evaluation_date(CLAIM_D_DATE, w) if sp.read_at == "claim date" else w.as_of
        eval_month = va.last_complete_month(eval_date)
        first = series.index.min() if len(series) else eval_month
        since = max(pd.Period(CLAIMED_AVERAGE_SINCE, freq="M"), first)
        latest_at = min(w.end, w.as_of)
        rows: dict[Any, dict[str, Any]] = {}
        for g in SIZE_GROUP_LABELS:
            for m in MEASURES:
                method = sp.interval if (g, m) == self.key else "AR(1)"
                rows[(g, m)] = self._row(rv[g][m], eval_month, since, method, latest_at)
        if self.uses_forward_pe:
            fpe = in_window(self.inputs.forward_pe.frame["relative"], w)
            rows[FORWARD] = self._row(fpe, eval_month, max(pd.Period(CLAIMED_AVERAGE_SINCE, freq="M"),
                                                           fpe.index.min() if len(fpe) else eval_month),
                                      sp.interval, latest_at)
        earnings = {}
        for g in ("2", "3", "2-3"):
            s = in_window(self.inputs.operating_yield_relative(g), w).dropna()
            value, month = va.value_at(s, eval_month.end_time) if len(s) else (None, None)
            if month is None or month < since:
                continue
            h = s.loc[since:month]
            earnings[g] = {"value": value, "month": month, "average": float(h.mean()),
                           "percentile_since": _percentile_of(h, month), "n": len(h)}
        op = in_window(self.inputs.cells["op"], w)["SMALL LoBM"].dropna()
        op_range = (float(op.min()), float(op.max()), int((op < 0).sum())) if len(op) else None
        return V1Evidence(series=series, eval_date=eval_date, eval_month=eval_month, since=since, rows=rows,
                          earnings=earnings, op_range=op_range)

    def bootstrap(self) -> stats.Estimate | None:
        """The deciding average's interval by the registered method (a stationary bootstrap with
        a Politis-White block), shown beside the AR(1) interval; None where it cannot be drawn."""
        ev = self.evidence
        if ev.bootstrap is None and self.testable:
            m = self.main
            if m["month"] is not None and m["n_since"] >= 12:
                ev.bootstrap = stats.bootstrap_ci(m["series"].loc[self._since(ev.since, m): m["month"]])
        return ev.bootstrap

    def _since(self, since: pd.Period, row: dict[str, Any]) -> pd.Period:
        """The averaging start of a row (the forward P/E file may start after 1995)."""
        s = row["series"]
        return max(since, s.index.min()) if len(s) else since

    @property
    def main(self) -> dict[str, Any]:
        """The deciding row of the evidence."""
        return self.evidence.rows[self.key]

    @property
    def percentile_key(self) -> str:
        return "percentile_since" if self.spec.percentile_frame == "since 1995" else "percentile"

    def untestable(self, ev: V1Evidence) -> str | None:
        m = ev.rows[self.key]
        if m["average"] is None or m["value"] is None:
            what = "forward P/E file" if self.key == FORWARD else "relative valuation series"
            return (f"The window has too little of the {what} between 1995 and the claim's date (or its average "
                    "has no interval); a window covering 1995 to May 2024 (or a small-cap forward P/E history) "
                    "would decide it.")
        return None

    def decide(self, ev: V1Evidence) -> Decision:
        m = self.main
        avg = m["average"]
        gap = percent(m["value"] - avg.value)
        lo, hi = percent(m["value"] - avg.ci_high), percent(m["value"] - avg.ci_low)
        rare = self.spec.rare_percentile
        pct = m[self.percentile_key]
        if self.spec.verdict_rule == "registered":
            verdict = SUPPORTED if hi < 0 and pct <= rare else PARTLY if hi < 0 else NOT_SUPPORTED
        elif hi < 0:
            verdict = SUPPORTED if pct <= rare else PARTLY
        else:
            verdict = INCONCLUSIVE if gap < 0 else NOT_SUPPORTED
        se = percent(avg.se) if avg.se else None
        p_value = stats.one_sided_p(stats.Estimate(gap, se, lo, hi, avg.level, None, None, avg.n, avg.method), -1) \
            if se else None
        mde = stats.mde(se) if se else None
        note = self._note(ev, m, avg, pct)
        s = m["series"].loc[: m["month"]]
        return Decision(verdict, Statistic(f"{self._name(self._since(ev.since, m))}, {month_name(m['month'])}", gap,
                                           "pp", lo, hi, avg.level,
                                           avg.method),
                        Sample(iso(s.index.min()), iso_end(s.index.max()), len(s), "monthly"), note,
                        p_value=p_value, mde=mde)

    def _name(self, since: pd.Period | None = None) -> str:
        """The statistic's name; ``since`` (the averaging start) replaces "1995" when the window
        or the series starts later (review R03)."""
        if self.key == FORWARD:
            name = "forward P/E gap to its 1995+ average"
        else:
            g, measure = self.key
            if g == "1" and measure == "discount":
                name = self.statistic_name  # the registered statistic's name
            elif g == "1":
                name = f"{self.statistic_name} ({MEASURES[measure]})"
            else:
                name = f"{self.statistic_name} (quintiles 2-3, {SHORT[measure]})"
        if since is not None and since > pd.Period(CLAIMED_AVERAGE_SINCE, "M"):
            start = str(since.year) if since.month == 1 else month_name(since)
            name = name.replace("1995+", f"{start}+")
        return name

    def _note(self, ev: V1Evidence, m, avg, pct) -> str:
        if self.spec.verdict_rule == "registered" and self.key == ("1", "discount"):
            # the registered note, word for word
            note = (f"In {month_name(m['month'])} small caps' price-to-book stood {abs(percent(m['value'])):.0f}% "
                    f"{'below' if m['value'] < 0 else 'above'} large caps', against an average "
                    f"{'discount' if avg.value < 0 else 'premium'} of {abs(percent(avg.value)):.0f}% since "
                    f"{month_name(ev.since)}; {m['percentile']:.0f}% of months since "
                    f"{month_name(ev.series.index.min())} were as cheap or cheaper (the claim's forward P/E levels "
                    f"are not in the data).")
        else:
            what = ("small caps' forward P/E" if self.key == FORWARD else
                    f"small caps' ({SIZE_GROUP_LABELS[self.key[0]]}) price-to-book, {SHORT[self.key[1]]},")
            frame = f"since {month_name(self._since(ev.since, m))}" if self.spec.percentile_frame == "since 1995" \
                else f"since {month_name(m['series'].index.min())}"
            note = (f"In {month_name(m['month'])} {what} stood {abs(percent(m['value'])):.0f}% "
                    f"{'below' if m['value'] < 0 else 'above'} large caps', against an average "
                    f"{'discount' if avg.value < 0 else 'premium'} of {abs(percent(avg.value)):.0f}% since "
                    f"{month_name(self._since(ev.since, m))}; {pct:.1f}% of months {frame} were as cheap or cheaper.")
            if self.key == FORWARD:
                note += f" {self.phrase_levels()}"
        if ev.eval_date != pd.Timestamp(CLAIM_D_DATE):
            when = ("Read as of the reading date." if self.spec.read_at == "as of" else
                    "Read at the window's end, since the claim's date (May 2024) lies beyond it.")
            note = f"{when} {note}"
        return note

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Each size group and measure at the evaluation month: the level, its average since 1995
        with the interval, its percentiles since 1995, since 1963 and in the whole window (percent)."""
        ev = self.evidence
        main = self.main

        def pct_(x):
            return None if x is None else round_or_none(percent(x))

        out = []
        at = f"at {month_name(main['month'])} (%)"
        starts = [r["series"].index.min() for r in ev.rows.values() if len(r["series"])]
        first = min(starts).year if starts else "the window's start"
        for key, r in ev.rows.items():
            avg = r["average"]
            label = FORWARD_LABEL if key == FORWARD else f"{SIZE_GROUP_LABELS[key[0]]}, {MEASURES[key[1]]}"
            role = ("decides" if key == self.key else
                    "registered" if key == ("1", "discount") else "robustness")
            out.append({
                "measure": label, "role": role,
                at: pct_(r["value"]),
                f"average since {ev.since.year} (%)": pct_(avg.value) if avg else None,
                "95% CI (%)": ci_text(percent(avg.ci_low), percent(avg.ci_high), 1) if avg else "n/a",
                f"percentile since {ev.since.year}": round_or_none(r["percentile_since"]),
                "percentile since 1963": round_or_none(r["percentile_1963"]),
                f"percentile since {first}": round_or_none(r["percentile"]),
                "latest (%)": pct_(r["latest"]),
                "latest month": month_name(r["latest_month"]),
            })
        return pd.DataFrame(out).set_index("measure")

    def earnings_table(self) -> pd.DataFrame:
        """Price-to-operating-profit of small against large (quintile 5), by size group (percent)."""
        ev = self.evidence
        rows = []
        for g, r in ev.earnings.items():
            rows.append({"size group": f"NYSE size quintile{'s' if '-' in g else ''} {g}",
                         f"at {month_name(r['month'])} (%)": round_or_none(percent(r["value"])),
                         f"average since {ev.since.year} (%)": round_or_none(percent(r["average"])),
                         f"percentile since {ev.since.year}": round_or_none(r["percentile_since"])})
        if not rows:
            return pd.DataFrame({"note": ["no operating profitability in the window (French's starts in July "
                                          "1963)"]}, index=pd.Index(["V1"], name="claim"))
        return pd.DataFrame(rows).set_index("size group")

    def beside_claim(self) -> pd.DataFrame:
        """The claim's numbers beside this book's, each level also relative to its own average (percent)."""
        m = self.main
        rows = [{"source": "claim [D]: forward P/E (inferred)", "discount now (%)": percent(CLAIMED_DISCOUNT),
                 "average since 1995 (%)": percent(CLAIMED_AVERAGE_PREMIUM),
                 "now against own average (%)": percent(_relative(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM))}]
        if m["average"] is not None and m["value"] is not None:
            label = (FORWARD_LABEL if self.key == FORWARD else
                     f"this book: price-to-book, quintiles {self.key[0]}, {SHORT[self.key[1]]}")
            rows.append({"source": f"{label}, {month_name(m['month'])}",
                         "discount now (%)": percent(m["value"]), "average since 1995 (%)": percent(m["average"].value),
                         "now against own average (%)": percent(_relative(m["value"], m["average"].value))})
        return tidy(pd.DataFrame(rows).set_index("source"), 1)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.discount_history`: the deciding
        series and the registered one; the claim's levels only on its own measure (forward P/E)."""
        ev = self.evidence
        m = self.main
        if self.key == FORWARD:
            frame = pd.DataFrame({"forward P/E, small against large (your file)": m["series"]})
            claimed = {f"claim [D]: {percent(CLAIMED_DISCOUNT):.0f}%": percent(CLAIMED_DISCOUNT),
                       f"claim [D]: average {percent(CLAIMED_AVERAGE_PREMIUM):+.0f}% since 1995":
                           percent(CLAIMED_AVERAGE_PREMIUM)}
            ylabel = "small vs large forward P/E (%, below 0 = discount)"
        else:
            reg = ev.rows[("1", "discount")]["series"]
            frame = pd.DataFrame({f"{SIZE_GROUP_LABELS[self.key[0]]}, {SHORT[self.key[1]]} (decides)": m["series"],
                                  "quintile 1, December prices (registered)": reg})
            if self.key == ("1", "discount"):
                frame = frame.iloc[:, :1]
            claimed = {}  # the claim's levels are forward P/E, not price-to-book: never drawn on this axis
            ylabel = "small vs large P/B (%, below 0 = discount)"
        frame.index.name = "month"
        frame = (percent(frame)).reset_index().melt(id_vars="month", var_name="measure", value_name="discount").dropna()
        frame["month"] = frame["month"].dt.to_timestamp()
        avg = percent(m["average"].value) if m["average"] else None
        return {"data": frame, "claimed": claimed, "own_average": avg, "since": self._since(ev.since, m).start_time,
                "claim_date": pd.Timestamp(CLAIM_D_DATE) if ev.eval_date == pd.Timestamp(CLAIM_D_DATE) else None,
                "title": self.headline(), "ylabel": ylabel}

    def headline(self) -> str:
        """The figure's title: the finding, worded from the numbers (the deciding measure in the
        rule's frame)."""
        ev = self.evidence
        m = self.main
        what = "forward P/E" if self.key == FORWARD else f"P/B ({'quintiles 2-3' if self.key[0] == '2-3' else 'micro-caps'})"
        level = (f"{month_name(m['month'])}: small caps' {what} {abs(percent(m['value'])):.0f}% "
                 f"{'below' if m['value'] < 0 else 'above'} large caps'")
        pct = m[self.percentile_key]
        start = (self._since(ev.since, m) if self.spec.percentile_frame == "since 1995"
                 else m["series"].index.min()).year
        if pct <= self.spec.rare_percentile:
            return f"{level}, cheaper than in all but {pct:.1f}% of months since {start}"
        rel = "under" if m["average"] and m["value"] < m["average"].value else "over"
        return f"{level}, {rel} its post-1995 average; {pct:.0f}% of months since {start} were as cheap or cheaper"

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        claim_date = pd.Timestamp(CLAIM_D_DATE)
        g: dict[str, Fact] = {
            "v1_claimed_discount": pp(-CLAIMED_DISCOUNT, 0),
            "v1_claimed_premium": pp(CLAIMED_AVERAGE_PREMIUM, 0),
            "v1_claim_date": text(long_date(claim_date)),
            "v1_claim_vs_own_phrase": text(_relative_phrase(CLAIMED_DISCOUNT, CLAIMED_AVERAGE_PREMIUM)),
            "v1_rare_percentile": num(self.spec.rare_percentile, 0),
            "v1_level_tolerance": pp(LEVEL_TOLERANCE, 0),
        }
        if not self.testable:
            return g
        m = self.main
        avg = m["average"]
        d = self.decision
        reg = ev.rows[("1", "discount")]
        q1u = ev.rows[("1", "discount_updated")]
        dec = ev.rows[(self.spec.size_group, "discount")]
        june = ev.rows[(self.spec.size_group, "discount_june")]
        lo, hi, n_neg = ev.op_range if ev.op_range else (None, None, None)
        rare = self.spec.rare_percentile
        pb = [r for k, r in ev.rows.items() if k != FORWARD]
        k = len(pb)
        n_below = sum(1 for r in pb if r["average"] is not None and r["value"] is not None
                      and r["value"] < r["average"].value)
        n_rare = sum(1 for r in pb if r["percentile_since"] is not None and r["percentile_since"] <= rare)
        n_rare_all = sum(1 for r in pb if r["percentile"] is not None and r["percentile"] <= rare)
        rho = stats.lag1_autocorrelation(m["series"].loc[self._since(ev.since, m): m["month"]])
        boot = self.bootstrap() if self.spec.interval == "AR(1)" else None
        e2, e3 = ev.earnings.get("2"), ev.earnings.get("3")
        what = ("small caps' forward P/E in your file" if self.key == FORWARD else
                f"the price-to-book of {SIZE_GROUP_LABELS[self.key[0]]}, {SHORT[self.key[1]]}"
                + (" to that month's prices" if self.key[1] == "discount_updated" else ""))
        g.update({
            "v1_what": text(what),
            "v1_against": text("large caps'" if self.key == FORWARD else "quintile 5's"),
            "v1_eval_month": text(month_name(m["month"])),
            "v1_eval_when": text(self.phrase_when()),
            "v1_vs_norm": text(self.phrase_vs_norm()),
            "v1_rarity": text(self.phrase_rarity()),
            "v1_first_month": text(month_name(m["series"].index.min())),
            "v1_since_month": text(month_name(self._since(ev.since, m))),
            "v1_discount": pp(-m["value"], 0),
            "v1_discount_signed": pp(m["value"], 0, signed=True),
            "v1_average_signed": pp(avg.value, 0, signed=True),
            "v1_average_lo": pp(avg.ci_low, 0, signed=True),
            "v1_average_hi": pp(avg.ci_high, 0, signed=True),
            "v1_gap": num(d.statistic.value, 1, True),
            "v1_gap_lo": num(d.statistic.ci_low, 1, True),
            "v1_gap_hi": num(d.statistic.ci_high, 1, True),
            "v1_gap_p": text(p_text(d.p_value)),
            "v1_gap_mde": num(d.mde, 1),
            "v1_rho": num(rho, 3),
            "v1_n_eff": num(m["n_since"] * (1 - max(rho, 0)) / (1 + max(rho, 0)), 1),
            "v1_n_since": raw(m["n_since"], "{:d}"),
            "v1_boot_lo": pp(None if boot is None else boot.ci_low, 0, signed=True),
            "v1_boot_hi": pp(None if boot is None else boot.ci_high, 0, signed=True),
            "v1_percentile": num(m["percentile"], 1),
            "v1_percentile_since": num(m["percentile_since"], 1),
            "v1_percentile_1963": num(m["percentile_1963"], 1),
            "v1_latest": pp(-m["latest"], 0),
            "v1_latest_month": text(month_name(m["latest_month"])),
            "v1_latest_percentile_since": num(m["latest_percentile_since"], 1),
            "v1_dec": pp(-dec["value"], 0),
            "v1_dec_percentile_since": num(dec["percentile_since"], 1),
            "v1_june": pp(-june["value"], 0),
            "v1_june_percentile_since": num(june["percentile_since"], 1),
            "v1_q1_updated": pp(-q1u["value"], 0),
            "v1_q1_updated_percentile_since": num(q1u["percentile_since"], 1),
            "v1_reg": pp(-reg["value"], 0),
            "v1_reg_percentile": num(reg["percentile"], 1),
            "v1_reg_percentile_since": num(reg["percentile_since"], 1),
            "v1_min_discount": pp(-m["series"].min(), 0),
            "v1_min_month": text(month_name(m["series"].idxmin())),
            "v1_book_vs_own_phrase": text(_relative_phrase(m["value"], avg.value)),
            "v1_versions_below": text("Every version is" if n_below == k else f"{n_below} of {k} versions are"),
            "v1_versions_rare": text(self._count_phrase(n_rare, k)),
            "v1_versions_rare_all": text(self._count_phrase(n_rare_all, k)),
            "v1_op_low": raw(lo, "{:.1f}"),
            "v1_op_high": raw(hi, "{:.1f}"),
            "v1_op_negative": raw(n_neg, "{:.0f}"),
            "v1_op2": pp(None if e2 is None else e2["value"], 0, True),
            "v1_op2_average": pp(None if e2 is None else e2["average"], 0, True),
            "v1_op2_percentile": num(None if e2 is None else e2["percentile_since"], 0),
            "v1_op3": pp(None if e3 is None else e3["value"], 0, True),
            "v1_op3_average": pp(None if e3 is None else e3["average"], 0, True),
            "v1_op3_percentile": num(None if e3 is None else e3["percentile_since"], 0),
        })
        if self.key == FORWARD:
            g.update({"v1_fpe_levels": text(self.phrase_levels())})
        return g

    @staticmethod
    def _count_phrase(n: int, k: int) -> str:
        return "none is" if n == 0 else "every one is" if n == k else f"{n} of {k} are"

    def flags(self) -> dict[str, bool]:
        if not self.testable:
            return {"v1_forward_pe": False, "v1_earnings": False}
        ev = self.evidence
        return {"v1_forward_pe": self.key == FORWARD, "v1_earnings": "2" in ev.earnings and "3" in ev.earnings,
                "v1_bootstrap": self.spec.interval == "AR(1)" and self.bootstrap() is not None,
                "v1_op_range": ev.op_range is not None}

    # Phrases: the only wording that depends on the result (each a short clause).

    def phrase_when(self) -> str:
        """Which month is read."""
        if self.evidence.eval_date == pd.Timestamp(CLAIM_D_DATE):
            return "the last complete month before the claim's date"
        if self.spec.read_at == "as of":
            return "the last month with data as of the reading date"
        return "the window's last complete month, the claim's date lying beyond the window"

    def phrase_vs_norm(self) -> str:
        """``clearly cheaper than their post-1995 norm, as the claim says`` or ``not clearly
        cheaper than their post-1995 norm``."""
        m = self.main
        if m["average"].ci_low > m["value"]:
            return "clearly cheaper than their post-1995 norm, as the claim says"
        return "not clearly cheaper than their post-1995 norm"

    def phrase_rarity(self) -> str:
        """``and rarely this cheap: only`` or ``but not rarely this cheap:`` (followed by the
        share of months as cheap or cheaper)."""
        if self.main[self.percentile_key] <= self.spec.rare_percentile:
            return "and rarely this cheap: only"
        return "but not rarely this cheap:"

    def phrase_levels(self) -> str:
        """The forward P/E file's levels against the claim's -27% and +3% (within 5 pp)."""
        m = self.main
        if m["value"] is None or m["average"] is None:
            return ""
        ok_now = abs(m["value"] - CLAIMED_DISCOUNT) <= LEVEL_TOLERANCE
        ok_avg = abs(m["average"].value - CLAIMED_AVERAGE_PREMIUM) <= LEVEL_TOLERANCE
        both = ("both of the claim's levels are reproduced" if ok_now and ok_avg else
                "neither of the claim's levels is reproduced" if not (ok_now or ok_avg) else
                "the claim's level now is reproduced, its average is not" if ok_now else
                "the claim's average is reproduced, its level now is not")
        return (f"Your file reads {percent(m['value']):+.0f}% in {month_name(m['month'])} and "
                f"{percent(m['average'].value):+.0f}% on average since {month_name(self._since(self.evidence.since, m))}"
                f" against the claim's -27% and +3%: {both} (within {percent(LEVEL_TOLERANCE):.0f} pp).")


def p_text(p: float | None) -> str | None:
    """A p-value for prose: ``0.012``, or ``below 0.001``."""
    if p is None:
        return None
    return "below 0.001" if p < 0.001 else f"{p:.3f}"


def _relative(value: float, average: float) -> float:
    """A level against its own average, both as discounts (decimals): ``(1+v)/(1+a) - 1``."""
    return (1 + value) / (1 + average) - 1


def _relative_phrase(value: float | None, average: float | None) -> str:
    """``"43% below"`` / ``"5% above"``: a level against its own average (both discounts, decimals)."""
    rel = _relative(value, average)
    return f"{abs(percent(rel)):.0f}% {'below' if rel < 0 else 'above'}"

