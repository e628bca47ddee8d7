"""G4. The unprofitable share of the Russell 2000. Source [E], July 2026.

Claim: almost 40% of Russell 2000 members are unprofitable.

Evidence: the members with their earnings decide it, and no free source publishes them as one
file; a reader can build one for free and supply it as ``members_earnings_csv``
(:mod:`smallcaps.sources.members_earnings_csv`): the members from the holdings file of an ETF
that tracks the index (iShares IWM), their annual net income from SEC EDGAR's XBRL frames
(``us-gaap/NetIncomeLoss``), joined on the ticker. With it, the claim is decided on the share of
members whose latest fiscal year (ending within the 18 months before the reading date) shows a
loss. Without it the claim is untestable. As context only, a labelled proxy: the share of all
US listed firms in Kenneth French's E/P sorts with earnings at or below zero, each month to the
window's end (decimal). The S&P 600 cannot stand in for the Russell 2000 here: S&P adds a company
only if its last four quarters' earnings (and the latest quarter's) are positive.

Amended on 2026-11-26 (referee report on valuation and graduation, G4): the rule now names the
user file and the free route; under the registered rule (``earnings_source="none"``) the file is
ignored and the claim untestable, as registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, count, iso, pct, percent, plural, text
from ..base import Choice, Decision, SpecSpace, Untestable
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Amendment, Rule, Sample, Statistic
from . import registered
from .inputs import GraduationClaim

#: [E] "almost 40% of Russell 2000 members are unprofitable".
CLAIMED_SHARE = 0.40
#: The proxy's average is also reported over the last three decades, from this year.
PROXY_SINCE = 1995
#: The proxy is "near" the claim within this many percentage points (decimal).
NEAR = 0.05
#: The free route to the members' earnings, named wherever the claim is untestable.
FREE_ROUTE = ("the members from the holdings file of IWM (iShares Russell 2000 ETF) and their annual net income from "
              "SEC EDGAR's XBRL frames API (us-gaap/NetIncomeLoss in USD, by calendar year), joined on the ticker with "
              "SEC's company_tickers.json and supplied as members_earnings_csv (ticker, fiscal_period_end, net_income)")
#: Why the S&P ladder cannot stand in for this claim.
SP_SCREEN = ("the S&P 600 cannot stand in for the Russell 2000 here: S&P adds a company only if the sum of its last "
             "four quarters' earnings, and the latest quarter's, is positive, so its unprofitable share is far below "
             "the Russell 2000's")


@dataclass
class G4Evidence:
    """The members' earnings (if supplied) and the market-wide proxy.

    Attributes
    ----------
    proxy
        ``month`` (month end), ``negative`` and ``all`` firm counts, ``share`` (decimal), to the
        window's end (empty when the window ends before French's counts).
    members
        Each supplied company's latest fiscal period ending within ``max_age_months`` before the
        reading date: ``ticker``, ``date``, ``net_income``, ``loss`` (bool); None without a file.
    listed
        Companies in the file.
    stale
        Companies in the file without a fiscal period in that span (too old, or after the
        reading date), left out.
    """

    proxy: pd.DataFrame
    members: pd.DataFrame | None = None
    listed: int = 0
    stale: int = 0


class G4(GraduationClaim):
    id: ClassVar[str] = "G4"
    heading: ClassVar[str] = "Are 40% of small caps unprofitable?"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "Russell 2000 members unprofitable"
    unit: ClassVar[str] = "%"
    inputs_used: ClassVar[tuple[str, ...]] = ("french", "earnings")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("supported_band", (0.35, 0.45), {"38% to 42%": (0.38, 0.42)},
               "the claim's 'almost 40%' holds for a share in this range (decimals)",
               check=lambda v: None if 0 <= v[0] < v[1] <= 1 else "two shares from 0 to 1, low first"),
        Choice("partly_band", (0.30, 0.50), {"25% to 55%": (0.25, 0.55)},
               "partly supported for a share in this wider range (decimals)",
               check=lambda v: None if 0 <= v[0] < v[1] <= 1 else "two shares from 0 to 1, low first"),
        Choice("min_members", 1000, {"500 members": 500},
               "fewest companies with a current fiscal year in the members file that can decide the claim (the "
               "Russell 2000 has about 2,000)", check=lambda v: None if v >= 1 else "at least 1"),
        Choice("max_age_months", 18, {"12 months": 12, "24 months": 24},
               "a fiscal period counts if it ended within this many months before the reading date",
               check=lambda v: None if 1 <= v <= 60 else "1..60"),
        Choice("earnings_source", "members file", {"registered: none": "none"},
               "what decides: the user's members file (amended) or nothing (the registered rule: untestable)",
               check=lambda v: None if v in ("members file", "none") else "members file, none"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G4",
        claim="Almost 40% of Russell 2000 members are unprofitable [E].",
        hypothesis="About 40% of Russell 2000 members had negative earnings in 2026.",
        statistic=("the share of Russell 2000 members with a loss (net income below zero) in their latest fiscal year "
                   "ending within the {max_age_months} months before the reading date, in percent, from the "
                   "user-supplied `members_earnings_csv` (free route: IWM's holdings joined with SEC EDGAR XBRL frames "
                   "for NetIncomeLoss)."),
        supported="the share is {supported_band[0]:.0%} to {supported_band[1]:.0%}",
        partly=("it is {partly_band[0]:.0%} to {supported_band[0]:.0%} or {supported_band[1]:.0%} to "
                "{partly_band[1]:.0%}"),
        not_supported="it is below {partly_band[0]:.0%} or above {partly_band[1]:.0%}",
        untestable=("no `members_earnings_csv` is given, or it lists fewer than {min_members} companies with a current "
                    "fiscal year: no free source publishes the Russell 2000's members with their earnings as one file "
                    "(French's E/P firm counts give a market-wide share, shown only as a labelled proxy; the S&P 600 "
                    "cannot stand in, its positive-earnings entry screen keeping most loss-makers out)"),
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date=registered.AMENDED,
        reason=("Referee report on valuation and graduation, G4: a free public route decides the claim (IWM's holdings "
                "for the members, SEC EDGAR XBRL frames for their net income) and the chapter offered no way to use "
                "it. The rule now decides on a user-supplied members_earnings_csv when given (same bands) and states "
                "the S&P 600's positive-earnings screen; without the file the verdict is untestable, as registered."),
        old_rule=registered.G4,
        registered_spec={"earnings_source": "none"},
    ),)

    def compute(self) -> G4Evidence:
        share = ga.unprofitable_share(self.inputs.french["firms"])
        proxy = share.loc[share["month"] <= self.window.end].reset_index(drop=True)
        user = self.inputs.user_earnings
        if user is None or self.spec.earnings_source == "none":
            if proxy.empty:
                raise Untestable("The window ends before French's E/P firm counts start; Russell 2000 members with "
                                 f"their latest annual net income would decide it: {FREE_ROUTE}.")
            return G4Evidence(proxy)
        f = user.frame
        asof = self.window.as_of
        oldest = asof - pd.DateOffset(months=self.spec.max_age_months)
        cur = f.loc[(f["date"] <= asof) & (f["date"] > oldest)]
        latest = cur.sort_values(["ticker", "date"]).groupby("ticker", as_index=False).last()
        latest["loss"] = latest["net_income"] < 0
        listed = int(f["ticker"].nunique())
        return G4Evidence(proxy, latest[["ticker", "date", "net_income", "loss"]], listed, listed - len(latest))

    def untestable(self, ev: G4Evidence) -> str | None:
        m = ev.members
        if m is None:
            return None  # the rule's untestable case, with the proxy as context (decide)
        if len(m) < self.spec.min_members:
            return (f"The supplied members file lists {plural(ev.listed, 'company', 'companies')}, "
                    f"{len(m):,} with a fiscal year ending in the {self.spec.max_age_months} months to "
                    f"{self.window.as_of.date()} (at least {self.spec.min_members:,} needed: the Russell 2000 has about "
                    "2,000 members); the full list would decide it.")
        return None

    def decide(self, ev: G4Evidence) -> Decision:
        w, sp = self.window, self.spec
        m = ev.members
        if m is None:
            # no members' earnings: the rule's untestable case
            note = (f"Russell 2000 members with their latest annual net income would decide it. A free route: {FREE_ROUTE}."
                    if sp.earnings_source != "none" else
                    "Russell 2000 constituents with their trailing earnings (e.g. FTSE Russell's index fundamentals or a "
                    "Compustat-CRSP merge) would decide it; the market-wide French proxy is context, not the answer.")
            if sp.earnings_source != "none":
                note += f" The market-wide French proxy is context, not the answer; {SP_SCREEN}."
            return Decision(UNTESTABLE, Statistic(self.statistic_name, None, self.unit),
                            Sample(iso(w.start), iso(w.end), 0, "none"), note)
        share = float(m["loss"].mean())
        lo, hi = sp.supported_band
        plo, phi = sp.partly_band
        if lo <= share <= hi:
            verdict = SUPPORTED
        elif plo <= share <= phi:
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        stale = (f"; {plural(ev.stale, 'company', 'companies')} without a fiscal year in the {sp.max_age_months} months "
                 "before the reading date left out" if ev.stale else "")
        note = (f"{int(m['loss'].sum()):,} of the {len(m):,} companies in the supplied members file "
                f"({percent(share):.1f}%) reported a loss in their latest fiscal year{stale}; the claim says almost "
                f"{percent(CLAIMED_SHARE):.0f}%. The file is the reader's: the book checks its format, not that it is the "
                f"Russell 2000; {SP_SCREEN}.")
        return Decision(verdict, Statistic(self.statistic_name, percent(share), self.unit),
                        Sample(iso(m["date"].min()), iso(m["date"].max()), len(m), "cross-section"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.proxy_share` (percent)."""
        p = self.evidence.proxy
        if p.empty:
            return "the window ends before French's E/P firm counts start."
        last = p.iloc[-1]
        return {"data": p.assign(share=percent(p["share"])), "claim": percent(CLAIMED_SHARE),
                "claim_label": "the claim's share, said of the Russell 2000",
                "series_label": "all US listed firms in French's E/P sorts",
                "title": (f"Market-wide proxy: {percent(last['share']):.0f}% of US listed firms had earnings at or below "
                          f"zero in {last['month']:%B %Y} (not the Russell 2000's share)"),
                "note": "Source: French, Portfolios_Formed_on_E-P, firm counts (the ≤ 0 group over all groups)."}

    def members_table(self) -> pd.DataFrame:
        """The supplied members file: companies listed, with a current fiscal year, with a loss, and
        the share (percent)."""
        ev = self.evidence
        if ev is None or ev.members is None:
            return pd.DataFrame({"note": ["no members_earnings_csv was supplied"]}, index=pd.Index(["G4"], name="claim"))
        m = ev.members
        return pd.DataFrame([{"companies in the file": ev.listed, "with a current fiscal year": len(m),
                              "with a loss": int(m["loss"].sum()),
                              "unprofitable (%)": round(percent(float(m["loss"].mean())), 1) if len(m) else None,
                              "fiscal years ending": f"{m['date'].min():%Y-%m-%d} to {m['date'].max():%Y-%m-%d}"
                              if len(m) else ""}], index=pd.Index(["members file"], name="input"))

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"def_claim_share": pct(CLAIMED_SHARE, 0), "g4_claim": pct(CLAIMED_SHARE, 0),
                              "g4_max_age": count(self.spec.max_age_months),
                              "g4_min_members": count(self.spec.min_members)}
        ev = self.evidence
        if ev is None:
            return g
        m = ev.members
        g.update({
            "g4_members_listed": count(ev.listed if m is not None else None),
            "g4_members_n": count(len(m) if m is not None else None),
            "g4_members_loss": count(int(m["loss"].sum()) if m is not None else None),
            "g4_members_share": pct(float(m["loss"].mean()) if m is not None and len(m) else None, 1),
        })
        p = ev.proxy
        if p.empty:
            return g
        last = p.iloc[-1]
        since = p.loc[p["month"] >= pd.Timestamp(PROXY_SINCE, 1, 1)]
        g.update({
            "g4_last_share": pct(last["share"], 1),
            "g4_last_month": text(f"{last['month']:%B %Y}"),
            "g4_last_neg": count(int(last["negative"])),
            "g4_last_all": count(int(last["all"])),
            "g4_mean_since_1995": pct(since["share"].mean() if len(since) else None, 1),
            "g4_max_share": pct(p["share"].max(), 1),
            "g4_max_month": text(f"{p.loc[p['share'].idxmax(), 'month']:%B %Y}"),
            "g4_since": text(str(PROXY_SINCE)),
            "g4_near": text(self.phrase_near()),
        })
        return g

    def flags(self) -> dict[str, bool]:
        """``g4_proxy`` (French's counts reach the window), ``g4_members`` (a members file was
        supplied) and ``g4_decided`` (it decides the claim)."""
        ev = self.evidence
        members = ev is not None and ev.members is not None
        return {"g4_proxy": ev is not None and not ev.proxy.empty, "g4_members": members,
                "g4_decided": members and self.testable}

    def phrase_near(self) -> str:
        """The proxy's last share against the claim's 40%: ``near`` (within 5 pp), ``well below``
        or ``well above``."""
        x = self.evidence.proxy["share"].iloc[-1]
        if abs(x - CLAIMED_SHARE) <= NEAR:
            return "near"
        return "well below" if x < CLAIMED_SHARE else "well above"
