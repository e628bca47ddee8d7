"""M1. XSMO against its peers since 2017. Source [B], 2026.

Claim: since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs.

Evidence: each fund's record (annualised return, volatility, Sharpe ratio, worst drawdown) from
the last close of 2016, and XSMO's annualised log-return gap over each peer with a Newey-West
noise band, also since XSMO's 2019 change of index. The comparison set is the claim's: the
small-cap momentum and single-factor funds (:data:`~.inputs.SMALL_CAP_PEERS`); the mid- and
large-cap momentum funds are shown as context (amended in the referee revision: the registered
rule counted all ten). Units: returns and gaps are decimals (a year); tables and prose show
percent and pp a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ... import stats
from ...display import Fact, count, iso, num, pct, percent, pp, scale, text, tidy
from ..base import Choice, Claim, Decision, SpecSpace, Untestable
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from . import registered
from .inputs import (
    BENCHMARK,
    CONTEXT_PEERS,
    FUND,
    GROWTH,
    M1_SINCE,
    PEERS,
    REINDEXED,
    SMALL_CAP_PEERS,
    XSMO_INDEX_SWITCH,
    fund_reason,
)
from .regimes import interval, note

SINCE_2017, SINCE_SWITCH = "since 2017", "since the index switch"
#: The base date of a record "since the index switch": the close before XSMO's first momentum day.
SWITCH_BASE = XSMO_INDEX_SWITCH - pd.Timedelta(days=1)
BEATEN = ("positive", "significantly positive")
#: The peer sets a rule can count: the claim's small-cap funds, or all ten (the registered rule).
PEER_SETS = {"small-cap": SMALL_CAP_PEERS, "all": tuple(PEERS)}
#: What each peer is in the tables: the set that decides, or context.
SMALL_SET, CONTEXT_SET = "small-cap (decides)", "mid and large cap (context)"
#: z of a two-sided 95% interval (the gaps' noise band), to recover a standard error from it.
Z95 = 1.959963984540054


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
    """How a daily gap's band was computed."""
    return f"HAC (Newey-West, {stats.newey_west_lags(n)} lags), daily"


def gap_se(row) -> float:
    """The standard error of a gap, from its 95% band (decimal a year)."""
    return float(row["ci_high"] - row["ci_low"]) / (2 * Z95)


def peer_set(peer: str) -> str:
    """``small-cap (decides)`` or ``mid and large cap (context)``."""
    return CONTEXT_SET if peer in CONTEXT_PEERS else SMALL_SET


def gap_table(gaps: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All gaps in one tidy frame: ``window``, ``peer``, ``set``, ``gap``, ``ci_low``, ``ci_high``,
    ``t``, ``days``, ``from``, ``to`` (decimal a year)."""
    frames = [g.reset_index().assign(window=label) for label, g in gaps.items()]
    cols = ["window", "peer", "set", "gap", "ci_low", "ci_high", "t", "days", "from", "to"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.assign(set=[peer_set(p) for p in out["peer"]])[cols]


def show_gaps(gaps: dict[str, pd.DataFrame], by_set: bool = False) -> pd.DataFrame:
    """Gaps for display: one row per peer (grouped by set with ``by_set``), a column block per
    window (pp a year, with the 95% noise band)."""
    g = gap_table(gaps)
    g = g.assign(**{"gap (pp a year)": [pp(v, 1, signed=True).text() for v in g["gap"]],
                    "95% noise band": [interval(lo, hi) for lo, hi in zip(g["ci_low"], g["ci_high"], strict=True)]})
    wide = g.pivot(index="peer", columns="window", values=["gap (pp a year)", "95% noise band"]).swaplevel(axis=1)
    order = [w for w in gaps if w in wide.columns.get_level_values(0)]
    wide = wide.reindex(columns=pd.MultiIndex.from_product([order, ["gap (pp a year)", "95% noise band"]]))
    peers = list(next(iter(gaps.values())).index)
    wide = wide.reindex(peers)
    if by_set:
        peers = [p for p in peers if p not in CONTEXT_PEERS] + [p for p in peers if p in CONTEXT_PEERS]
        wide = wide.reindex(peers)
        wide.index = pd.MultiIndex.from_tuples([(peer_set(p), p) for p in peers], names=["peer set", "peer"])
    return wide


class M1(Claim):
    id: ClassVar[str] = "M1"
    chapter: ClassVar[str] = "momentum"
    heading: ClassVar[str] = "XSMO against its peers since 2017"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "XSMO minus its strongest small-cap peer since 2017"
    unit: ClassVar[str] = "pp a year"
    inputs_used: ClassVar[tuple[str, ...]] = ("closes",)
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("peer_set", "small-cap", {"all ten (registered)": "all"},
               "the peers the rule counts: the seven small-cap momentum and single-factor funds the claim names "
               "(small-cap), or all ten including the mid- and large-cap momentum funds (all)",
               check=lambda v: None if v in PEER_SETS else ", ".join(PEER_SETS)),
        Choice("beaten_if", "positive", {"significantly positive": "significantly positive"},
               "XSMO beat a peer when its gap over it is positive (it compounded faster) or significantly positive "
               "(the 95% band lies above zero)",
               check=lambda v: None if v in BEATEN else ", ".join(BEATEN)),
    )
    rule_template: ClassVar[Rule] = Rule(
        "M1", "Since 2017 XSMO has beaten the main small-cap momentum and single-factor ETFs (source B).",
        hypothesis=(f"From the last close of 2016 to the end of the window, XSMO compounded faster than each of the "
                    f"small-cap momentum and single-factor funds the claim names ({', '.join(SMALL_CAP_PEERS)}); a "
                    f"peer that started later is compared from its first close. The mid- and large-cap momentum "
                    f"funds ({', '.join(CONTEXT_PEERS)}) are shown as context and do not count."),
        statistic=("for each peer, XSMO's annualised log-return gap over it (pp a year: mean daily gap times 252 on "
                   "common trading days; positive exactly when XSMO compounded faster), a fact about realised "
                   "returns, with a 95% Newey-West noise band (how far the gap could move by chance; the count of "
                   "gaps whose band excludes zero is shown); the number reported is the gap over the strongest "
                   "peer counted (the smallest gap)."),
        supported="the gap is {beaten_if} against every peer counted",
        partly="it is {beaten_if} against at least half of them but not all",
        not_supported="it is {beaten_if} against fewer than half of them",
        untestable=("the window starts after 2017-01-01 or holds less than a year of XSMO prices after it (ETF "
                    "prices from 2017 on decide it)"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        registered.AMENDED,
        "The claim names small-cap momentum and single-factor funds; the registered rule also counted the mid- and "
        "large-cap momentum funds XMMO, SPMO and MTUM, the only three XSMO trails (referee report on rotation and "
        "momentum, D1). They are now context. The 'closest peer' of the registered rule was the strongest one (the "
        "smallest gap); it is labelled so.",
        registered.M1, {"peer_set": "all"}),)

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

    @property
    def counted(self) -> tuple[str, ...]:
        """The peers the rule counts under the specification."""
        return PEER_SETS[self.spec.peer_set]

    def counted_gaps(self, label: str = SINCE_2017) -> pd.DataFrame:
        """XSMO's gaps over the counted peers that have one (decimal a year)."""
        g = self.evidence.gaps[label]
        return g.loc[[p for p in g.index if p in self.counted]].dropna(subset=["gap"])

    def context_gaps(self, label: str = SINCE_2017) -> pd.DataFrame:
        """XSMO's gaps over the context peers (mid and large cap) that have one."""
        g = self.evidence.gaps[label]
        return g.loc[[p for p in g.index if p in CONTEXT_PEERS]].dropna(subset=["gap"])

    def beaten(self, g: pd.DataFrame) -> pd.Series:
        """Which peers XSMO beat under the specification."""
        return g["gap"] > 0 if self.spec.beaten_if == "positive" else g["ci_low"] > 0

    def decide(self, ev: FundEvidence) -> Decision:
        g = self.counted_gaps()
        won = int(self.beaten(g).sum())
        sig = list(g.index[g["ci_low"] > 0])
        n = len(g)
        strongest = g["gap"].idxmin()
        row = g.loc[strongest]
        verdict = SUPPORTED if won == n else PARTLY if won >= n / 2 else NOT_SUPPORTED
        which = "small-cap peers" if self.spec.peer_set == "small-cap" else "peers"
        post_txt = ""
        if SINCE_SWITCH in ev.gaps:
            pg = self.counted_gaps(SINCE_SWITCH)
            post_txt = (f" Since its switch to the momentum index on {XSMO_INDEX_SWITCH.date()} it out-compounded "
                        f"{int(self.beaten(pg).sum())} of {len(pg)}.")
        ctx = ""
        cg = self.context_gaps()
        if self.spec.peer_set == "small-cap" and not cg.empty:
            ctx = (f" Context (mid- and large-cap momentum, not counted): it out-compounded {int((cg['gap'] > 0).sum())} "
                   f"of {len(cg)} ({', '.join(cg.index)}).")
        note_ = (f"XSMO out-compounded {won} of {n} {which} since 2017; gaps whose 95% noise band excludes zero: "
                 f"{len(sig)}{' (' + ', '.join(sig) + ')' if sig else ''}. Strongest peer counted: {strongest}."
                 f"{post_txt}{ctx} XSMO's record before {XSMO_INDEX_SWITCH.date()} is that of a growth index.")
        label = "strongest small-cap peer" if self.spec.peer_set == "small-cap" else "strongest peer"
        stat = Statistic(name=f"XSMO minus {strongest} ({label}) since 2017", value=percent(float(row["gap"])),
                         unit=self.unit, ci_low=percent(float(row["ci_low"])), ci_high=percent(float(row["ci_high"])),
                         ci_level=0.95, method=hac_days(int(row["days"])), band="noise band")
        # a fact decided on point estimates: no p-value; the MDE says how large a gap in expected
        # returns this record could tell from zero (two-sided, as the noise band)
        return Decision(verdict, stat, Sample(iso(row["from"]), iso(row["to"]), int(row["days"]), "daily"), note_,
                        mde=stats.mde(percent(gap_se(row)), sides=2))

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
        """XSMO's gap over each peer (pp a year, 95% noise band), since 2017 and since the index
        switch, the small-cap peers (which decide) first and the context funds after; or why there
        is none."""
        return show_gaps(self.evidence.gaps, by_set=True) if self.testable else note(self.untestable_note)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.momentum.peer_gaps` (pp a year); context
        peers are labelled so."""
        g = scale(gap_table(self.evidence.gaps), ["gap", "ci_low", "ci_high"])
        g = pd.concat([g[g["set"] == SMALL_SET], g[g["set"] == CONTEXT_SET]], ignore_index=True)
        g["peer"] = [p if s == SMALL_SET else f"{p} (context)" for p, s in zip(g["peer"], g["set"], strict=True)]
        return {"gaps": g, "title": self.headline()}

    def headline(self) -> str:
        """The figure's title: how many small-cap peers XSMO out-compounded, and how many by a
        margin outside the noise band."""
        g = self.counted_gaps()
        won, sig = int((g["gap"] > 0).sum()), int((g["ci_low"] > 0).sum())
        which = "small-cap peers" if self.spec.peer_set == "small-cap" else "peers"
        return (f"Since 2017 XSMO out-compounded {won} of {len(g)} {which}, {sig} of them by a margin outside the 95% "
                "noise band")

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
        gaps = self.counted_gaps()
        strongest = gaps["gap"].idxmin()
        mdes = [stats.mde(percent(gap_se(r)), sides=2) for _, r in gaps.iterrows()]
        span = (x["last"] - x["base"]).days
        g.update({
            "m1_from": text(iso(x["base"])), "m1_to": text(iso(x["last"])),
            "m1_years": num(x["years"], 1),
            "m1_xsmo_return": pct(x["ann_return"], 1), "m1_xsmo_sharpe": num(x["sharpe"], 2),
            "m1_xsmo_dd": pct(x["max_drawdown"], 1),
            "m1_ijr_return": pct(rec.loc[BENCHMARK, "ann_return"], 1),
            "m1_ijt_return": pct(rec.loc[GROWTH, "ann_return"], 1),
            "m1_faster": text(self.phrase_faster()),
            "m1_context": text(self.phrase_context()),
            "m1_won": count((gaps["gap"] > 0).sum()), "m1_n": count(len(gaps)),
            "m1_leads_outside": text(self.phrase_leads_outside()),
            "m1_strongest": text(strongest), "m1_strongest_gap": pp(gaps.loc[strongest, "gap"], 1, signed=True),
            "m1_strongest_band": text(interval(gaps.loc[strongest, "ci_low"], gaps.loc[strongest, "ci_high"])),
            "m1_mde_low": num(min(mdes), 1), "m1_mde_high": num(max(mdes), 1),
            "m1_pre_share": pct(max(0.0, min(1.0, (XSMO_INDEX_SWITCH - x["base"]).days / max(span, 1))), 0),
        })
        if SINCE_SWITCH in ev.gaps:
            pg = self.counted_gaps(SINCE_SWITCH)
            g.update({"m1_post_won": count((pg["gap"] > 0).sum()), "m1_post_n": count(len(pg))})
        return g

    def flags(self) -> dict[str, bool]:
        """``m1_led`` (XSMO out-compounded some counted peer), ``m1_post`` (the record since the
        switch is in the window) and ``m1_context`` (the context funds have gaps)."""
        ev = self.evidence
        if ev is None:
            return {"m1_led": False, "m1_post": False, "m1_context": False}
        return {"m1_led": bool((self.counted_gaps()["gap"] > 0).any()), "m1_post": SINCE_SWITCH in ev.gaps,
                "m1_context": not self.context_gaps().empty}

    # Phrases: the only wording that depends on the result.

    def phrase_faster(self) -> str:
        """The small-cap peers that compounded faster than XSMO: ``among the small-cap peers, faster
        were DWAS (12.2%)`` or ``no small-cap peer compounded faster``."""
        rec = self.evidence.records[SINCE_2017]
        x = rec.loc[FUND, "ann_return"]
        faster = rec.loc[[p for p in rec.index if p in SMALL_CAP_PEERS]]
        faster = faster[faster["ann_return"] > x].sort_values("ann_return", ascending=False)
        if faster.empty:
            return "no small-cap peer compounded faster"
        return "among the small-cap peers, faster were " + ", ".join(
            f"{t} ({pct(r, 1).text()}%)" for t, r in faster["ann_return"].items())

    def phrase_context(self) -> str:
        """The context funds against XSMO: ``SPMO (21.2%), XMMO (19.6%) and MTUM (17.7%) compounded
        faster`` or ``none of them compounded faster``."""
        rec = self.evidence.records[SINCE_2017]
        x = rec.loc[FUND, "ann_return"]
        ctx = rec.loc[[p for p in rec.index if p in CONTEXT_PEERS]].dropna(subset=["ann_return"])
        faster = ctx[ctx["ann_return"] > x].sort_values("ann_return", ascending=False)
        if faster.empty:
            return "none of them compounded faster"
        names = [f"{t} ({pct(r, 1).text()}%)" for t, r in faster["ann_return"].items()]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"{listed} compounded faster"

    def phrase_leads_outside(self) -> str:
        """How many of XSMO's leads are significant, ending before "95% noise band": ``1 of those
        7 leads lies outside its`` or ``that lead lies outside its`` (one lead)."""
        g = self.counted_gaps()
        won, sig = int((g["gap"] > 0).sum()), int((g["ci_low"] > 0).sum())
        if won == 1:
            return "that lead lies outside its" if sig else "that lead does not lie outside its"
        return f"{sig} of those {won} leads {'lies' if sig == 1 else 'lie'} outside {'its' if sig == 1 else 'their'}"
