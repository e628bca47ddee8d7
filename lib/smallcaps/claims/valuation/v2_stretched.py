"""V2. Large caps stretched. Source [E], 2 July 2026.

Claim: small caps are attractively valued relative to an extended, concentrated large-cap
market.

Evidence: at the last complete month before the claim's date, Shiller's CAPE and trailing P/E,
the largest size decile's share of US market cap (French size deciles) and the small/large
relative price-to-book of V1, each with its percentile in its own history within the window;
equal- against cap-weight S&P 500 (RSP minus SPY) as a labelled proxy only. Shares are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import valuation as va
from ...display import Fact, iso, iso_end, long_date, month_name, num, ordinal, pct, percent, pp, raw, text
from ..base import Choice, Claim, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import CLAIM_E_DATE, evaluation_date, in_window

SHARE_ROW = "largest decile's share"
CHEAP_ROW = "small/large price-to-book"
#: Trailing window (years) of the equal- against cap-weight S&P 500 proxy.
CONCENTRATION_PROXY_YEARS = 3


def _percentile_range(v) -> str | None:
    return None if 0 < v < 100 else "0 to 100"


@dataclass
class V2Evidence:
    """CAPE, concentration and relative cheapness at the claim's date.

    Attributes
    ----------
    readings
        One row per reading (CAPE, trailing P/E, largest decile's share, small/large P/B):
        ``month``, ``value``, ``units``, ``percentile`` (0-100, window history), ``history from``,
        ``history months`` and the percentile over the most recent years.
    cape, pe, share, relative_pb
        The monthly series in the window (share a decimal).
    rsp_spy
        RSP relative to SPY, cumulative (decimal), up to the evaluation date.
    proxy_return
        RSP minus SPY over the proxy's trailing years (decimal), or None.
    """

    eval_date: pd.Timestamp
    cape: pd.Series
    pe: pd.Series
    share: pd.Series
    relative_pb: pd.Series
    rsp_spy: pd.Series
    readings: pd.DataFrame
    proxy_return: float | None
    proxy_start: pd.Timestamp | None
    proxy_end: str | None


class V2(Claim):
    id: ClassVar[str] = "V2"
    chapter: ClassVar[str] = "valuation"
    heading: ClassVar[str] = "Large caps stretched"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "CAPE percentile"
    unit: ClassVar[str] = "%"
    claim_dates: ClassVar[tuple[str, ...]] = ("2026-07-02",)
    inputs_used: ClassVar[tuple[str, ...]] = ("shiller", "size", "cells")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("stretched_percentile", 90.0, {"80th percentile": 80.0, "95th percentile": 95.0},
               "'extended' and 'concentrated' mean at or above this percentile of their own history (0-100)",
               check=_percentile_range),
        Choice("cheap_percentile", 50.0, {"25th percentile": 25.0},
               "small caps are relatively cheap below this percentile of their relative price-to-book (0-100)",
               check=_percentile_range),
        Choice("min_history_years", 10, {}, "years of history each reading needs in the window",
               check=lambda v: None if v >= 1 else "at least 1"),
        Choice("recent_years", 30, {}, "years of history of the robustness percentile",
               check=lambda v: None if v >= 1 else "at least 1"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="V2",
        claim="Small caps are attractively valued relative to an extended, concentrated large-cap market [E]",
        hypothesis="At the claim's date large caps are expensive against their own history, the market's value is "
                   "concentrated in its largest stocks, and small caps are cheap relative to large.",
        statistic="three conditions at the last month with data before the claim's date (or the as-of date): "
                  "Shiller's CAPE at or above its {stretched_percentile:g}th percentile within the window "
                  "(the deciding number shown); the largest size decile's share of US market cap (French size "
                  "deciles) at or above its {stretched_percentile:g}th percentile; the small/large relative "
                  "price-to-book below its {cheap_percentile:g}th percentile. Equal- against cap-weight "
                  "S&P 500 (RSP minus SPY) is shown as a labelled proxy only.",
        supported="all three conditions hold",
        partly="two of the three hold",
        not_supported="one or none holds",
        untestable="the window holds fewer than {min_history_years} years of CAPE, size-decile or relative "
                   "price-to-book history up to the evaluation date",
    )

    @property
    def recent_label(self) -> str:
        return f"percentile, last {self.spec.recent_years} years"

    def compute(self) -> V2Evidence:
        w = self.window
        eval_date = evaluation_date(CLAIM_E_DATE, w)
        eval_month = va.last_complete_month(eval_date)
        shl = in_window(self.inputs.shiller.frame, w)
        cape = shl["cape"].dropna()
        pe = (shl["price"] / shl["earnings"]).dropna().rename("trailing P/E")
        share = in_window(self.inputs.largest_decile_share(), w).dropna()
        rel = in_window(self.inputs.relative_valuation()["pb_ratio"], w).dropna()
        recent_years = self.spec.recent_years
        rows = {}
        for label, s, units in (("CAPE", cape, "ratio"), ("trailing P/E", pe, "ratio"),
                                (SHARE_ROW, share, "share of cap"), (CHEAP_ROW, rel, "ratio")):
            value, month = va.value_at(s, eval_month.end_time) if len(s) else (None, None)
            pct_ = va.history_percentile(s, month.end_time)[0] if month is not None else np.nan
            recent = s.loc[month - (12 * recent_years - 1):] if month is not None else s.iloc[0:0]
            pct_recent = va.history_percentile(recent, month.end_time)[0] if len(recent) else np.nan
            rows[label] = {"month": month, "value": np.nan if value is None else value, "units": units,
                           "percentile": pct_, "history from": s.index.min() if len(s) else None,
                           "history months": len(s.loc[:month]) if month is not None else 0,
                           self.recent_label: pct_recent}
        readings = pd.DataFrame.from_dict(rows, orient="index")
        close = self.inputs.prices.close[["RSP", "SPY"]].loc[w.start: min(w.end, eval_date)].dropna()
        proxy, proxy_start, proxy_end = None, None, None
        if len(close) > 1:
            rsp_spy = close["RSP"] / close["SPY"]
            rsp_spy = (rsp_spy / rsp_spy.iloc[0] - 1.0).rename("RSP relative to SPY")
            proxy_end = close.index.max()
            base = close.loc[: proxy_end - pd.DateOffset(years=CONCENTRATION_PROXY_YEARS)]
            if len(base):
                b, e = base.iloc[-1], close.iloc[-1]
                proxy = float((e["RSP"] / b["RSP"]) - (e["SPY"] / b["SPY"]))
                proxy_start = base.index[-1]
        else:
            rsp_spy = pd.Series(dtype=float, name="RSP relative to SPY")
        return V2Evidence(eval_date=eval_date, cape=cape, pe=pe, share=share, relative_pb=rel, rsp_spy=rsp_spy,
                          readings=readings, proxy_return=proxy, proxy_start=proxy_start,
                          proxy_end=None if proxy_end is None else proxy_end.date().isoformat())

    def untestable(self, ev: V2Evidence) -> str | None:
        r = ev.readings
        ok = (not r["value"].isna().any() and not r["month"].isna().any()
              and bool((r["history months"] >= 12 * self.spec.min_history_years).all()))
        if ok:
            return None
        return (f"The window holds less than {self.spec.min_history_years} years of CAPE, size-decile or "
                "book-to-market history before the claim's date; a longer window (CAPE from 1881, French from 1926) "
                "would decide it.")

    def conditions(self) -> dict[str, bool]:
        """The rule's three conditions: extended, concentrated, small cheap."""
        r = self.evidence.readings
        return {"extended": bool(r.loc["CAPE", "percentile"] >= self.spec.stretched_percentile),
                "concentrated": bool(r.loc[SHARE_ROW, "percentile"] >= self.spec.stretched_percentile),
                "small cheap": bool(r.loc[CHEAP_ROW, "percentile"] < self.spec.cheap_percentile)}

    def decide(self, ev: V2Evidence) -> Decision:
        cond = self.conditions()
        k = sum(cond.values())
        verdict = SUPPORTED if k == 3 else PARTLY if k == 2 else NOT_SUPPORTED
        r = ev.readings
        c, share, cheap = r.loc["CAPE"], r.loc[SHARE_ROW], r.loc[CHEAP_ROW]
        held = [name for name, ok in cond.items() if ok]
        failed = [name for name, ok in cond.items() if not ok]
        note = (f"{k} of 3 conditions hold ({', '.join(held) if held else 'none'}"
                f"{'; not ' + ', '.join(failed) if failed else ''}): CAPE {c['value']:.1f} at the "
                f"{ordinal(c['percentile'])} percentile, largest size decile {percent(share['value']):.0f}% of market cap "
                f"at the {ordinal(share['percentile'])}, small/large price-to-book at the "
                f"{ordinal(cheap['percentile'])}.")
        s = ev.cape.loc[: c["month"]]
        return Decision(verdict,
                        Statistic(f"{self.statistic_name}, {month_name(c['month'])}", float(c["percentile"]), "%",
                                  method="empirical percentile of monthly history in the window"),
                        Sample(iso(s.index.min()), iso_end(s.index.max()), len(s), "monthly"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def table(self) -> pd.DataFrame:
        """Each reading with its month, value and percentile in the window's history."""
        t = self.evidence.readings.copy()
        recent = self.recent_label
        shares = t["units"] == "share of cap"  # a decimal: shown in percent
        t.loc[shares, "value"] = percent(t.loc[shares, "value"])
        t.loc[shares, "units"] = "% of market cap"
        t["value"] = t["value"].round(2)
        t["percentile"] = t["percentile"].round(1)
        t[recent] = t[recent].round(1)
        t["history from"] = t["history from"].map(month_name)
        t["month"] = t["month"].map(month_name)
        t.index.name = "reading"
        return t[["month", "value", "units", "percentile", "history from", recent]]

    def sweep_table(self) -> pd.DataFrame:
        """V2 under each alternative of its specification (one changed at a time): the
        thresholds, the conditions that hold and the verdict, on this window."""
        rows = []
        for spec in type(self).space.variants():
            c = self if spec == self.spec else type(self)(self.inputs, self.window, spec)
            if not c.testable:
                rows.append({"specification": spec.label, "conditions that hold": "untestable",
                             "verdict": c.result.verdict})
                continue
            cond = c.conditions()
            rows.append({"specification": spec.label,
                         "extended at": f"{c.spec.stretched_percentile:g}th", "cheap below": f"{c.spec.cheap_percentile:g}th",
                         "conditions that hold": ", ".join(k for k, ok in cond.items() if ok) or "none",
                         "verdict": c.result.verdict})
        return pd.DataFrame(rows).set_index("specification")

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.valuation.stretch_panels`."""
        ev = self.evidence
        cape = ev.cape.copy()
        cape.index = cape.index.to_timestamp()
        share = percent(ev.share)
        share.index = share.index.to_timestamp()
        r = ev.readings
        q = self.spec.stretched_percentile
        return {"cape": cape, "share": share, "rsp_spy": ev.rsp_spy,
                "cape_threshold": float(np.nanpercentile(ev.cape.loc[: r.loc["CAPE", "month"]], q)),
                "share_threshold": float(percent(np.nanpercentile(ev.share.loc[: r.loc[SHARE_ROW, "month"]], q))),
                "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: the finding, worded from the numbers."""
        r = self.evidence.readings
        c, s = r.loc["CAPE"], r.loc[SHARE_ROW]
        return (f"CAPE of {c['value']:.0f} in {month_name(c['month'])} sat at the {ordinal(c['percentile'])} "
                f"percentile since {c['history from'].year}; the largest size decile held {percent(s['value']):.0f}% of "
                f"market cap ({ordinal(s['percentile'])} percentile)")

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"v2_claim_date": text(long_date(CLAIM_E_DATE))}
        if not self.testable:
            return g
        ev = self.evidence
        r = ev.readings
        recent = self.recent_label
        cape, pe, share, cheap = (r.loc[k] for k in ("CAPE", "trailing P/E", SHARE_ROW, CHEAP_ROW))
        g.update({
            "v2_cape": num(cape["value"], 1),
            "v2_cape_pct": num(cape["percentile"], 0),
            "v2_cape_month": text(month_name(cape["month"])),
            "v2_cape_from": text(month_name(cape["history from"])),
            "v2_cape_pct_recent": num(cape[recent], 0),
            "v2_pe": num(pe["value"], 1),
            "v2_pe_pct": num(pe["percentile"], 0),
            "v2_pe_month": text(month_name(pe["month"])),
            "v2_share": pct(share["value"], 1),
            "v2_share_pct": num(share["percentile"], 0),
            "v2_share_month": text(month_name(share["month"])),
            "v2_share_from": text(month_name(share["history from"])),
            "v2_share_pct_recent": num(share[recent], 0),
            "v2_cheap": pct(cheap["value"] - 1, 0),
            "v2_cheap_pct": num(cheap["percentile"], 0),
            "v2_cheap_month": text(month_name(cheap["month"])),
            "v2_cheap_pct_recent": num(cheap[recent], 0),
            "v2_cheap_phrase": text("below" if cheap["percentile"] < self.spec.cheap_percentile else "not below"),
            "v2_cheap_threshold": num(self.spec.cheap_percentile, 0),
            "v2_cheap_strict": num(self.strictest_cheap, 0),
            "v2_recent_years": raw(self.spec.recent_years, "{:d}"),
            "v2_proxy_years": raw(CONCENTRATION_PROXY_YEARS, "{:d}"),
            "v2_proxy_end": text(ev.proxy_end),
            "v2_proxy_gap": pp(None if ev.proxy_return is None else abs(ev.proxy_return), 1),
        })
        return g

    @property
    def strictest_cheap(self) -> float:
        """The strictest "cheap" threshold of the specification space (percentile)."""
        return float(min(type(self).space["cheap_percentile"].values()))

    def flags(self) -> dict[str, bool]:
        if not self.testable:
            return {"v2_cheap_robust": False}
        cheap = float(self.evidence.readings.loc[CHEAP_ROW, "percentile"])
        p = self.evidence.proxy_return
        return {"v2_proxy": p is not None, "v2_proxy_concentrating": p is not None and p < 0,
                "v2_cheap_robust": cheap < self.strictest_cheap}

