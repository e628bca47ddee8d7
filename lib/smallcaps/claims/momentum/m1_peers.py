"""M1. XSMO against its peers since 2017. Source [B], 2026.

Claim: since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs.

Evidence: each fund's record (annualised return, volatility, Sharpe ratio, worst drawdown) from
the last close of 2016, and XSMO's annualised log-return gap over each of its ten peers with a
Newey-West interval, also since XSMO's 2019 change of index. Units: returns and gaps are
decimals (a year); tables and prose show percent and pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...display import Fact, count, iso, num, pct, pp, scale, text, tidy
from ..base import Choice, Claim, Decision, SpecSpace, Untestable
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .inputs import BENCHMARK, FUND, GROWTH, M1_SINCE, PEERS, REINDEXED, XSMO_INDEX_SWITCH, fund_reason
from .regimes import interval, note

SINCE_2017, SINCE_SWITCH = "since 2017", "since the index switch"
#: The base date of a record "since the index switch": the close before XSMO's first momentum day.
SWITCH_BASE = XSMO_INDEX_SWITCH - pd.Timedelta(days=1)
BEATEN = ("positive", "significantly positive")


@dataclass
class FundEvidence:
    """XSMO's record against its peers.

    Attributes
    ----------
    records
        Window label (``since 2017``, ``since the index switch``) -> each fund's record
        (:func:`smallcaps.analytics.momentum.fund_records`, decimals).
    gaps
        Window label -> XSMO's gap over each peer (:func:`smallcaps.analytics.momentum.fund_gaps`,
        decimal a year).
    """

    records: dict[str, pd.DataFrame]
    gaps: dict[str, pd.DataFrame]


def hac_days(n: int) -> str:
    """How a daily gap's interval was computed."""
    return f"HAC (Newey-West, {stats.newey_west_lags(n)} lags), daily"


def gap_table(gaps: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All gaps in one tidy frame: ``window``, ``peer``, ``gap``, ``ci_low``, ``ci_high``, ``t``,
    ``days``, ``from``, ``to`` (decimal a year)."""
    frames = [g.reset_index().assign(window=label) for label, g in gaps.items()]
    cols = ["window", "peer", "gap", "ci_low", "ci_high", "t", "days", "from", "to"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def show_gaps(gaps: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Gaps for display: one row per peer, a column block per window (pp a year)."""
    g = gap_table(gaps)
    g = g.assign(**{"gap, pp/yr": [pp(v, 1, signed=True).text() for v in g["gap"]],
                    "95% CI": [interval(lo, hi) for lo, hi in zip(g["ci_low"], g["ci_high"], strict=True)]})
    wide = g.pivot(index="peer", columns="window", values=["gap, pp/yr", "95% CI"]).swaplevel(axis=1)
    order = [w for w in gaps if w in wide.columns.get_level_values(0)]
    wide = wide.reindex(columns=pd.MultiIndex.from_product([order, ["gap, pp/yr", "95% CI"]]))
    return wide.reindex(list(next(iter(gaps.values())).index))


class M1(Claim):
    id: ClassVar[str] = "M1"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "XSMO against its peers since 2017"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "XSMO minus its closest peer since 2017"
    unit: ClassVar[str] = "pp/yr"
    inputs_used: ClassVar[tuple[str, ...]] = ("closes",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("beaten_if", "positive", {"significantly positive": "significantly positive"},
               "XSMO beat a peer when its gap over it is positive (it compounded faster) or significantly positive "
               "(the 95% interval lies above zero)",
               check=lambda v: None if v in BEATEN else ", ".join(BEATEN)),
    )
    rule_template: ClassVar[Rule] = Rule(
        "M1", "Since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs (source B).",
        hypothesis=(f"From the last close of 2016 to the end of the window, XSMO compounded faster than each of "
                    f"its ten peers ({', '.join(PEERS)}); a peer that started later is compared from its first close."),
        statistic=("for each peer, XSMO's annualised log-return gap over it (pp a year: mean daily gap times "
                   "252 on common trading days; positive exactly when XSMO compounded faster) with a 95% "
                   "Newey-West interval; the number reported is the gap over the closest peer."),
        supported="the gap is {beaten_if} against every peer",
        partly="it is {beaten_if} against at least half of the peers but not all",
        not_supported="it is {beaten_if} against fewer than half of them",
        untestable=("the window starts after 2017-01-01 or holds less than a year of XSMO prices after it "
                    "(ETF prices from 2017 on decide it)"),
    )

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> FundEvidence:
        inp, w = self.inputs, self.window
        reason = fund_reason(inp, w, M1_SINCE, "2017-01-01")
        if reason:
            raise Untestable(reason)
        records = {SINCE_2017: inp.fund_records(M1_SINCE, w.end)}
        gaps = {SINCE_2017: inp.fund_gaps(M1_SINCE, w.end)}
        if fund_reason(inp, w, SWITCH_BASE, "the index switch") is None:
            records[SINCE_SWITCH] = inp.fund_records(SWITCH_BASE, w.end)
            gaps[SINCE_SWITCH] = inp.fund_gaps(SWITCH_BASE, w.end)
        return FundEvidence(records, gaps)

    def beaten(self, g: pd.DataFrame) -> pd.Series:
        """Which peers XSMO beat under the specification."""
        return g["gap"] > 0 if self.spec.beaten_if == "positive" else g["ci_low"] > 0

    def decide(self, ev: FundEvidence) -> Decision:
        g = ev.gaps[SINCE_2017].dropna(subset=["gap"])
        won = int(self.beaten(g).sum())
        sig = int((g["ci_low"] > 0).sum())
        n = len(g)
        closest = g["gap"].idxmin()
        row = g.loc[closest]
        verdict = SUPPORTED if won == n else PARTLY if won >= n / 2 else NOT_SUPPORTED
        post = ev.gaps.get(SINCE_SWITCH)
        post_txt = ""
        if post is not None:
            pg = post.dropna(subset=["gap"])
            post_txt = (f" Since its switch to the momentum index on {XSMO_INDEX_SWITCH.date()} it out-compounded "
                        f"{int(self.beaten(pg).sum())} of {len(pg)}.")
        note_ = (f"XSMO out-compounded {won} of {n} peers since 2017; gaps significantly positive at 95%: {sig}. "
                 f"Closest peer: {closest}.{post_txt} XSMO's record before {XSMO_INDEX_SWITCH.date()} is that of a "
                 f"growth index.")
        stat = Statistic(name=f"XSMO minus {closest} (closest peer) since 2017", value=100 * float(row["gap"]),
                         unit=self.unit, ci_low=100 * float(row["ci_low"]), ci_high=100 * float(row["ci_high"]),
                         ci_level=0.95, method=hac_days(int(row["days"])))
        return Decision(verdict, stat, Sample(iso(row["from"]), iso(row["to"]), int(row["days"]), "daily"), note_)

    # -- what the chapter shows --------------------------------------------------------------------

    def records(self, label: str = SINCE_2017) -> pd.DataFrame | Any:
        """Each fund's record from the window's start (``since 2017`` or ``since the index
        switch``): first close, years, annualised return, volatility and worst drawdown (percent),
        Sharpe ratio, and the date of a change of index inside the record; or why there is none."""
        if not self.testable:
            return note(self.untestable_note)
        if label not in self.evidence.records:
            return note(f"No record {label} in this window.")
        rec = self.evidence.records[label]
        out = pd.DataFrame({"from": [iso(b) if pd.notna(b) else "" for b in rec["base"]], "years": rec["years"],
                            "return %": rec["ann_return"], "volatility %": rec["volatility"], "Sharpe": rec["sharpe"],
                            "max drawdown %": rec["max_drawdown"],
                            "index change": [iso(d) if pd.notna(d) else "" for d in rec["index_change"]]},
                           index=rec.index)
        pcts = ["return %", "volatility %", "max drawdown %"]
        out = scale(out, pcts)
        out[["years", *pcts]] = tidy(out[["years", *pcts]], 1)
        out[["Sharpe"]] = tidy(out[["Sharpe"]], 2)
        return out

    def gaps(self) -> pd.DataFrame | Any:
        """XSMO's gap over each peer (pp a year, 95% interval), since 2017 and since the index
        switch; or why there is none."""
        return show_gaps(self.evidence.gaps) if self.testable else note(self.untestable_note)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.peer_gaps` (pp a year)."""
        return {"gaps": scale(gap_table(self.evidence.gaps), ["gap", "ci_low", "ci_high"]), "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: how many peers XSMO out-compounded, and how many by a clear margin."""
        g = self.evidence.gaps[SINCE_2017].dropna(subset=["gap"])
        won, sig = int((g["gap"] > 0).sum()), int((g["ci_low"] > 0).sum())
        return (f"Since 2017 XSMO out-compounded {won} of {len(g)} peers, {sig} of them by a margin outside the 95% "
                "interval")

    def facts(self) -> dict[str, Fact]:
        others = [f"{t} ({d.date()})" for t, (d, _) in REINDEXED.items() if t != FUND]
        g: dict[str, Fact] = {
            "m_switch_date": text(XSMO_INDEX_SWITCH.date().isoformat()),
            "m_reindexed": text(", ".join(others[:-1]) + " and " + others[-1]),
            "m_pre_years": num((XSMO_INDEX_SWITCH - M1_SINCE).days / 365.25, 1),
        }
        if not self.testable:
            return g
        ev = self.evidence
        rec = ev.records[SINCE_2017]
        x = rec.loc[FUND]
        gaps = ev.gaps[SINCE_2017].dropna(subset=["gap"])
        closest = gaps["gap"].idxmin()
        span = (x["last"] - x["base"]).days
        g.update({
            "m1_from": text(iso(x["base"])), "m1_to": text(iso(x["last"])),
            "m1_years": num(x["years"], 1),
            "m1_xsmo_return": pct(x["ann_return"], 1), "m1_xsmo_sharpe": num(x["sharpe"], 2),
            "m1_xsmo_dd": pct(x["max_drawdown"], 1),
            "m1_ijr_return": pct(rec.loc[BENCHMARK, "ann_return"], 1),
            "m1_ijt_return": pct(rec.loc[GROWTH, "ann_return"], 1),
            "m1_faster": text(self.phrase_faster()),
            "m1_won": count((gaps["gap"] > 0).sum()), "m1_n": count(len(gaps)),
            "m1_leads_outside": text(self.phrase_leads_outside()),
            "m1_closest": text(closest), "m1_closest_gap": pp(gaps.loc[closest, "gap"], 1, signed=True),
            "m1_closest_ci": text(interval(gaps.loc[closest, "ci_low"], gaps.loc[closest, "ci_high"])),
            "m1_pre_share": pct(max(0.0, min(1.0, (XSMO_INDEX_SWITCH - x["base"]).days / max(span, 1))), 0),
        })
        post = ev.gaps.get(SINCE_SWITCH)
        if post is not None:
            pg = post.dropna(subset=["gap"])
            g.update({"m1_post_won": count((pg["gap"] > 0).sum()), "m1_post_n": count(len(pg))})
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        if ev is None:
            return {"m1_led": False, "m1_post": False}
        return {"m1_led": bool((ev.gaps[SINCE_2017]["gap"] > 0).any()), "m1_post": SINCE_SWITCH in ev.gaps}

    # Phrases: the only wording that depends on the result.

    def phrase_faster(self) -> str:
        """The peers that compounded faster than XSMO: ``faster were SPMO (21.2%), XMMO (19.6%)``
        or ``no peer compounded faster``."""
        rec = self.evidence.records[SINCE_2017]
        x = rec.loc[FUND, "ann_return"]
        faster = rec.drop(index=FUND)
        faster = faster[faster["ann_return"] > x].sort_values("ann_return", ascending=False)
        if faster.empty:
            return "no peer compounded faster"
        return "faster were " + ", ".join(f"{t} ({pct(r, 1).text()}%)" for t, r in faster["ann_return"].items())

    def phrase_leads_outside(self) -> str:
        """How many of XSMO's leads are significant, ending before "95% interval": ``1 of those
        7 leads lies outside its`` or ``that lead lies outside its`` (one lead)."""
        g = self.evidence.gaps[SINCE_2017].dropna(subset=["gap"])
        won, sig = int((g["gap"] > 0).sum()), int((g["ci_low"] > 0).sum())
        if won == 1:
            return "that lead lies outside its" if sig else "that lead does not lie outside its"
        return f"{sig} of those {won} leads {'lies' if sig == 1 else 'lie'} outside {'its' if sig == 1 else 'their'}"
