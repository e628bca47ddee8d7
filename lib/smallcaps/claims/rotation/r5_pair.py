"""R5. The pair trade. Source [A], early 2026.

Claim: long profitable small caps, short unprofitable ones targets 8-12% relative
outperformance over one to two quarters, mostly from the short leg.

A trade call made on a date: two assertions under the book's rule for claims with parts.
(1) The target: the trade entered on the claim's date (the first day [A] could have been written)
held for one quarter (63 trading days; two quarters shown where the data reach them), long the
quality basket and short IWM (the broad index that holds the unprofitable firms), with the noise
band of its daily differences; the same trade from every other date [A] could have been written is
shown. (2) "Mostly from the short leg": in the ETFs IWM is both the short leg and the small-cap
universe, so the legs can be split only in French's data: small high- minus low-profitability
portfolios with each leg measured against the small-cap universe (the smallest NYSE size quintile,
value weighted), over overlapping windows of the same length, with Hodrick (1992) errors and the
non-overlapping check. The unconditional pair over every overlapping window (the registered test)
is shown with Newey-West, Hodrick and non-overlapping errors. Units: returns decimal; shares of
windows as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...display import Fact, Text, count, iso, percent, plural, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, hodrick_1b_ols, mde, mean_hac, one_sided_p
from ..base import Choice, Decision, Part, SpecSpace, combine_parts
from ..contract import INCONCLUSIVE, NOT_SUPPORTED, PARTLY, SUPPORTED, Amendment, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import A_DATES, BASKET, BROAD, MARKET
from .inputs import band as spread_band
from .registered import REGISTERED

CLAIMED_PAIR_LOW_PCT = 8.0  # [A] the pair targets 8-12% relative outperformance ...
CLAIMED_PAIR_HIGH_PCT = 12.0  # [A] ... (upper end)
CLAIMED_HORIZONS_DAYS = (63, 126)  # [A] "over one to two quarters" (63 trading days a quarter)
QUARTER_DAYS = 63
MONTH_DAYS = 21
REACH_LOW, REACH_HIGH = f"reach {CLAIMED_PAIR_LOW_PCT:.0f}%", f"reach {CLAIMED_PAIR_HIGH_PCT:.0f}%"
#: Decimal columns of a pair summary -> their names in the chapter's tables (pp and percent).
SHOWN = {"mean pair": "mean pair (pp)", "ci_low": "ci_low", "ci_high": "ci_high", "hodrick ci_low": "Hodrick ci_low",
         "hodrick ci_high": "Hodrick ci_high", "non-overlapping se": "non-overlapping se (pp)",
         "long leg": "long leg (pp)", "short leg": "short leg (pp)", "short minus long": "short minus long (pp)",
         "sml ci_low": "short minus long ci_low", "sml ci_high": "short minus long ci_high",
         REACH_LOW: f"{REACH_LOW} (%)", REACH_HIGH: f"{REACH_HIGH} (%)"}
#: The small-cap universe in French's size portfolios: the smallest NYSE quintile, value weighted.
ME1 = "Lo 20"


def pair_row(legs: pd.DataFrame, horizon: int, one_period: pd.Series | None = None) -> dict:
    """Summary of rolling pair returns (decimal): windows, mean with a HAC interval (``horizon``
    overlap), each leg's mean and the share of windows reaching each claimed level; with the
    one-period pair returns ``one_period``, also the mean's Hodrick (1992) 1B interval and the
    standard error of every ``horizon``-th window (non-overlapping)."""
    e = mean_hac(legs["pair"], overlap=horizon)
    hits = rot.hit_rates(legs["pair"], [CLAIMED_PAIR_LOW_PCT / 100, CLAIMED_PAIR_HIGH_PCT / 100], horizon)
    out = {"windows": len(legs), "mean pair": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high,
           "long leg": legs["long_leg"].mean(), "short leg": legs["short_leg"].mean(),
           REACH_LOW: hits.iloc[0]["share"], REACH_HIGH: hits.iloc[1]["share"]}
    if one_period is not None:
        h = hodrick_mean(legs["pair"], one_period, horizon)
        non = rot.non_overlapping(legs["pair"], horizon) if len(legs) >= 3 * horizon else None
        out.update({"hodrick ci_low": None if h is None else h.ci_low, "hodrick ci_high": None if h is None else h.ci_high,
                    "non-overlapping se": None if non is None else non.se})
    return out


def hodrick_mean(rolling: pd.Series, one_period: pd.Series, horizon: int) -> Estimate | None:
    """The mean of overlapping ``horizon``-period returns (``rolling``, indexed by each window's
    last period) with a Hodrick (1992) 1B interval built from the one-period returns; None when
    too short."""
    r = one_period.dropna()
    outcome = rolling.reindex(r.index).shift(-horizon)  # the window after t, indexed by t
    try:
        fit = hodrick_1b_ols(r, pd.DataFrame(index=r.index), horizon, outcome=outcome)
    except DataError:
        return None
    return fit.estimate("const")


@dataclass
class R5Evidence:
    """Evidence for R5 (decimals).

    Attributes
    ----------
    reason
        Why the window cannot decide the claim's unconditional test ('' when it can).
    legs
        By horizon (trading days): rolling pair, long-leg and short-leg (against SPY) returns.
    summary
        By horizon: :func:`pair_row`.
    mean_pair
        Mean pair return over the specification's horizon, an Estimate (Newey-West).
    hit_low
        Share of those windows reaching the claim's lower level.
    long_leg, short_leg
        Mean contribution of each leg against SPY over that horizon (the registered split).
    alternatives
        The same for single-fund pairs.
    french
        Small high- minus low-profitability (French), rolling 3 and 6 months, legs against the
        small-cap universe (:data:`ME1`), with the short-minus-long difference and its Hodrick
        interval.
    halves
        The basket pair over the horizon in each half of its sample.
    trades
        The trade entered on each date [A] could have been written (up to the reading date): the
        pair over 63 and 126 trading days (NaN where the data do not reach the horizon's end).
    trade
        The deciding trade (from the claim's date over the specification's horizon): ``pair``,
        ``start``, ``end``, ``band`` (noise band), ``se`` (of the summed daily differences),
        ``n``; None when the data do not reach its end (``trade_reason`` says why).
    legs_test
        French short leg minus long leg over the horizon in months (Hodrick 1B Estimate), or None.
    """

    reason: str
    legs: dict[int, pd.DataFrame]
    summary: pd.DataFrame
    mean_pair: Estimate | None
    hit_low: float | None
    long_leg: float | None
    short_leg: float | None
    alternatives: pd.DataFrame
    french: pd.DataFrame
    halves: pd.DataFrame
    sample: tuple[pd.Timestamp | None, pd.Timestamp | None, int]
    trades: pd.DataFrame = field(default_factory=pd.DataFrame)
    trade: dict | None = None
    trade_reason: str = ""
    legs_test: Estimate | None = None
    legs_months: int = 3


class R5(RotationClaim):
    id: ClassVar[str] = "R5"
    heading: ClassVar[str] = "The pair trade"
    kind: ClassVar[str] = "forecast"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "french_op", "french_ff", "french_me")
    claim_dates: ClassVar[tuple[str, ...]] = A_DATES
    forecast: ClassVar[bool] = True
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("horizon_days", CLAIMED_HORIZONS_DAYS[0], {"registered: two quarters": CLAIMED_HORIZONS_DAYS[1]},
               "the deciding holding period in trading days (the claim says one to two quarters; French windows: "
               "this divided by 21 months)",
               check=lambda v: None if v in CLAIMED_HORIZONS_DAYS else ", ".join(map(str, CLAIMED_HORIZONS_DAYS))),
        Choice("hit_share_min", 0.25, {"10% of windows": 0.10, "half of windows": 0.5},
               "registered rule: 'targets 8%' is at least plausible if this share of windows reaches it (a fraction)",
               check=lambda v: None if 0 < v < 1 else "above 0 and below 1"),
        Choice("min_pair_days", 504, {"one year": 252},
               "trading days the basket and IWM must share in the window for the unconditional pair",
               check=lambda v: None if v >= 2 * CLAIMED_HORIZONS_DAYS[1] else f"at least {2 * CLAIMED_HORIZONS_DAYS[1]}"),
        Choice("verdict_rule", "amended", {"registered rule": "registered"},
               "amended: the trade from the claim's date, and the legs against the small-cap universe (French); "
               "registered: the mean of all overlapping windows, legs against SPY",
               check=lambda v: None if v in ("amended", "registered") else "amended, registered"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R5",
        claim=f"Long profitable small caps, short unprofitable ones targets {CLAIMED_PAIR_LOW_PCT:.0f}-"
              f"{CLAIMED_PAIR_HIGH_PCT:.0f}% over one to two quarters, mostly from the short leg",
        hypothesis=f"two assertions: (1) the trade, long the {BASKET} and short {BROAD}, entered on the claim's "
                   f"date, earns at least {CLAIMED_PAIR_LOW_PCT:.0f}% over the next {{horizon_days}} trading days; "
                   f"(2) most of such a pair's return comes from the short leg: unprofitable small caps trailing "
                   f"the small-cap universe.",
        statistic=f"(1) the realised return of long {BASKET}, short {BROAD}, from the close of the claim's date "
                  f"(the first day [A] could have been written, {A_DATES[0]}) over the next {{horizon_days}} trading "
                  f"days, in pp, with a noise band of 1.96 HAC standard errors of the summed daily difference: the "
                  f"deciding number, with its one-sided p-value against zero and minimum detectable effect; the same "
                  f"from every other date [A] could have been written is shown; (2) in French's data (small high "
                  f"minus low operating profitability, value weighted), the mean over overlapping {{legs_months}}-"
                  f"month windows of the short leg (the small-cap universe, the smallest NYSE quintile, minus the "
                  f"low-profitability portfolio) minus the long leg (the high-profitability portfolio minus the "
                  f"universe), with a Hodrick (1992) 1B interval and the non-overlapping check. The claim is a "
                  f"forecast: it is judged as of the reading date on what followed its date, and cannot be judged on "
                  f"that date. The assertions combine by the book's rule for claims with parts.",
        supported=f"the trade reached {CLAIMED_PAIR_LOW_PCT:.0f} pp and the short-minus-long interval lies above zero",
        partly="one assertion holds and the other does not (or is inconclusive or untestable)",
        inconclusive=f"no assertion holds and at least one is inconclusive: the trade made money but less than "
                     f"{CLAIMED_PAIR_LOW_PCT:.0f} pp with a noise band that reaches {CLAIMED_PAIR_LOW_PCT:.0f} pp, or "
                     f"the short leg did more on average with an interval that includes zero",
        not_supported=f"neither holds: the trade lost money or its noise band lies wholly below "
                      f"{CLAIMED_PAIR_LOW_PCT:.0f} pp, and the long leg did at least as much as the short one",
        untestable="the window reaches neither the end of the trade's holding period nor French's portfolios "
                   "(each assertion is untestable without its data)",
    )
    amendments: ClassVar[tuple[Amendment, ...]] = (Amendment(
        date="2026-11-26",
        reason=f"Referee (rotation-momentum, D5, D12b): [A]'s {CLAIMED_PAIR_LOW_PCT:.0f}-{CLAIMED_PAIR_HIGH_PCT:.0f}% "
               f"is a trade call for the next one to two quarters, but the rule tested the unconditional mean of "
               f"every window since 2017; the legs were split at SPY, which measures the size effect, not "
               f"unprofitable firms trailing small caps; Newey-West errors on overlapping windows were too small; and "
               f"the rule's 'partly' did not match the code. The trade is now judged from the claim's date over one "
               f"quarter (two shown), the legs against the small-cap universe in French's data with Hodrick errors, "
               f"and the rule's text is the code's.",
        old_rule=REGISTERED["R5"], registered_spec={"verdict_rule": "registered", "horizon_days": 126}),)

    @classmethod
    def template_values(cls, spec) -> dict[str, Any]:
        return {**dict(spec), "legs_months": spec["horizon_days"] // MONTH_DAYS}

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        if self.spec.verdict_rule == "registered":
            return f"long basket, short {BROAD}, {self.spec.horizon_days} days"
        return f"long basket, short {BROAD}, {self.spec.horizon_days} days from {A_DATES[0]}"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R5Evidence:
        cut = self.inputs.cut(self.window)
        c = cut.close
        empty = pd.DataFrame()
        months = self.spec.horizon_days // MONTH_DAYS
        # long history (French) first: available whatever the ETFs
        op = cut.french["op_vw"][["SMALL HiOP", "SMALL LoOP"]].dropna() / 100
        ff = cut.french["factors"]
        mkt = ((ff["Mkt-RF"] + ff["RF"]) / 100).reindex(op.index)
        me1 = (cut.french["me_vw"][ME1] / 100).reindex(op.index) if "me_vw" in cut.french else mkt * np.nan
        fr, legs_test = {}, None
        for m in (3, 6):
            def grow(x, m=m):
                return (1 + x).rolling(m).apply(np.prod, raw=True) - 1
            hi, lo, u = grow(op["SMALL HiOP"]), grow(op["SMALL LoOP"]), grow(me1)
            legs = pd.DataFrame({"pair": hi - lo, "long_leg": hi - u, "short_leg": u - lo}).dropna()
            if len(legs) > 24:
                one = op["SMALL HiOP"] - op["SMALL LoOP"]
                row = {**pair_row(legs, m, one), "first": str(legs.index[0]), "last": str(legs.index[-1])}
                sml = (legs["short_leg"] - legs["long_leg"]).rename("short minus long")
                one_sml = (2 * me1 - op["SMALL HiOP"] - op["SMALL LoOP"]).dropna()
                h = hodrick_mean(sml, one_sml, m)
                row.update({"short minus long": float(sml.mean()), "sml ci_low": None if h is None else h.ci_low,
                            "sml ci_high": None if h is None else h.ci_high})
                fr[f"{m} months"] = row
                if m == months:
                    legs_test = h
        french = pd.DataFrame.from_dict(fr, orient="index")
        if len(french):
            french = french.astype({"windows": int})
            french.index.name = "window"
        trades, trade, trade_reason = self._trades(cut)

        def without(reason: str) -> R5Evidence:
            return R5Evidence(reason, {}, empty, None, None, None, None, empty, french, empty, (None, None, 0),
                              trades, trade, trade_reason, legs_test, months)

        try:
            basket = cut.quality_basket()
        except DataError as exc:
            return without(str(exc))
        both = pd.concat([basket, c[BROAD], c[MARKET]], axis=1, sort=True).dropna()
        if len(both) < self.spec.min_pair_days:
            return without(f"the basket and {BROAD} share {plural(len(both), 'trading day')} in the window, fewer than "
                           f"{self.spec.min_pair_days}")
        daily = rot.relative_daily(both[BASKET], both[BROAD])
        legs = {h: rot.leg_decomposition(both[BASKET], both[BROAD], both[MARKET], h) for h in CLAIMED_HORIZONS_DAYS}
        summary = pd.DataFrame({f"{h} days": pair_row(legs[h], h, daily) for h in CLAIMED_HORIZONS_DAYS}).T
        summary = summary.astype(float)
        summary["windows"] = summary["windows"].astype(int)
        summary.index.name = "window"
        h = self.spec.horizon_days
        mean_pair = mean_hac(legs[h]["pair"], overlap=h)
        hit_low = float((legs[h]["pair"] >= CLAIMED_PAIR_LOW_PCT / 100).mean())
        alt = {}
        for t in ("OUSM", "XSHQ", "SMDV", "DES", "IJR"):
            lg = rot.leg_decomposition(c[t], c[BROAD], c[MARKET], h)
            if len(lg) >= 3:
                alt[f"{t} minus {BROAD}"] = {"first": iso(lg.index[0]), **pair_row(lg, h)}
        alternatives = pd.DataFrame.from_dict(alt, orient="index")
        if len(alternatives):
            alternatives = alternatives.astype({"windows": int})
            alternatives.index.name = "pair"
        halves = {}
        for label, a, b in rot.subperiods(legs[h].index, 2):
            halves[label] = pair_row(legs[h].loc[a:b], h)
        halves = pd.DataFrame.from_dict(halves, orient="index").astype({"windows": int})
        halves.index.name = "half"
        return R5Evidence("", legs, summary, mean_pair, hit_low, float(legs[h]["long_leg"].mean()),
                          float(legs[h]["short_leg"].mean()), alternatives, french, halves,
                          (legs[h].index[0], legs[h].index[-1], len(legs[h])), trades, trade, trade_reason,
                          legs_test, months)

    def _trades(self, cut) -> tuple[pd.DataFrame, dict | None, str]:
        """The trade from each date [A] could have been written, and the deciding one."""
        as_of = self.window.as_of
        try:
            basket = cut.quality_basket()
        except DataError:
            return pd.DataFrame(), None, (f"the five quality ETFs do not all quote in the window, so no trade from "
                                          f"{A_DATES[0]} can be measured")
        iwm = cut.close[BROAD]
        rows = {}
        for d in A_DATES:
            if pd.Timestamp(d) > as_of or pd.Timestamp(d) < self.window.start:
                continue
            row = {}
            for h in CLAIMED_HORIZONS_DAYS:
                t = rot.trade_from(basket, iwm, d, h, last=as_of)
                row[f"{h} days (pp)"] = np.nan if t is None else percent(t["pair"])
                row[f"{h} days end"] = None if t is None else iso(t["end"])
            rows[d + (" (claim date)" if d == A_DATES[0] else "")] = row
        trades = pd.DataFrame.from_dict(rows, orient="index")
        if len(trades):
            trades.index.name = "entered on"
        h = self.spec.horizon_days
        t = rot.trade_from(basket, iwm, A_DATES[0], h, last=as_of)
        if t is None:
            start = pd.Timestamp(A_DATES[0])
            if not (self.window.start <= start <= as_of):
                why = f"the window (to {iso(as_of)}) does not hold the claim's date, {A_DATES[0]}"
            else:
                why = f"the window's data (to {iso(as_of)}) do not reach {h} trading days after {A_DATES[0]}"
            return trades, None, why
        band = spread_band(t["daily"], t["pair"])
        se = mean_hac(t["daily"]).se * len(t["daily"])
        return trades, {**t, "band": band, "se": se, "n": len(t["daily"])}, ""

    def untestable(self, ev: R5Evidence) -> str | None:
        if self.spec.verdict_rule == "registered":
            if not ev.reason:
                return None
            return (f"Untestable here because {ev.reason}; a window with two years of the quality ETFs' prices "
                    f"decides it.")
        if ev.trade is None and ev.legs_test is None:
            return (f"Untestable here because {ev.trade_reason} and it does not overlap French's profitability "
                    f"portfolios; a window reaching one quarter after {A_DATES[0]} decides it.")
        return None

    def parts(self, ev: R5Evidence) -> list[Part]:
        """The target (the trade from the claim's date) and the short leg (French)."""
        target = None
        t = ev.trade
        if t is not None:
            low = CLAIMED_PAIR_LOW_PCT / 100
            hi = t["band"][1] if t["band"] is not None else t["pair"]
            target = SUPPORTED if t["pair"] >= low else INCONCLUSIVE if (t["pair"] > 0 and hi >= low) else NOT_SUPPORTED
        short = None
        e = ev.legs_test
        if e is not None:
            short = SUPPORTED if e.ci_low > 0 else INCONCLUSIVE if e.value > 0 else NOT_SUPPORTED
        return [Part(f"targets {CLAIMED_PAIR_LOW_PCT:.0f}-{CLAIMED_PAIR_HIGH_PCT:.0f}%", "assertion", target),
                Part("mostly from the short leg", "assertion", short)]

    def decide(self, ev: R5Evidence) -> Decision:
        if self.spec.verdict_rule == "registered":
            return self._decide_registered(ev)
        parts = self.parts(ev)
        verdict = combine_parts(parts)
        e = ev.legs_test
        legs = ("the short leg's lead over the long one was not measured (no French data in the window)" if e is None
                else f"in French's data the short leg did {percent(e.value):+.2f} pp more than the long one per "
                     f"{ev.legs_months}-month window (Hodrick 95% CI {percent(e.ci_low):.2f} to {percent(e.ci_high):.2f}): "
                     f"{parts[1].verdict}")
        t = ev.trade
        if t is None:
            name = f"short leg minus long leg, {ev.legs_months}-month windows (French)"
            stat = Statistic.from_estimate(e, name, "pp", 100)
            row = ev.french.loc[f"{ev.legs_months} months"]
            return Decision(verdict, stat, Sample(row["first"], row["last"], e.n, "monthly"),
                            f"The trade from {A_DATES[0]} is untestable here: {ev.trade_reason}; {legs}.",
                            p_value=one_sided_p(e, +1), mde=mde(percent(e.se), sides=2))
        lo, hi = (None, None) if t["band"] is None else (percent(t["band"][0]), percent(t["band"][1]))
        stat = Statistic(name=self.statistic_name, value=percent(t["pair"]), unit="pp", ci_low=lo, ci_high=hi,
                         ci_level=None if lo is None else 0.95, band="noise band",
                         method=f"realised; noise band from HAC errors of the summed daily difference (n = {t['n']})")
        z = Estimate(t["pair"], t["se"], t["pair"], t["pair"], 0.95, t["pair"] / t["se"] if t["se"] else None, None,
                     t["n"], "")
        note = (f"Entered on {A_DATES[0]} and held {self.spec.horizon_days} trading days (to {iso(t['end'])}), long "
                f"the basket, short {BROAD} made {percent(t['pair']):+.1f} pp against the {CLAIMED_PAIR_LOW_PCT:.0f}-"
                f"{CLAIMED_PAIR_HIGH_PCT:.0f}% target: {parts[0].verdict}; {legs}.")
        return Decision(verdict, stat, Sample(iso(t["start"]), iso(t["end"]), t["n"], "daily"), note,
                        p_value=one_sided_p(z, +1), mde=mde(percent(t["se"]), sides=2))

    def _decide_registered(self, ev: R5Evidence) -> Decision:
        """The registered rule as its code ran (a rule text whose 'partly' also named the short leg
        not doing most of the work; the code required the interval above zero, or the share of
        windows): the unconditional mean of overlapping windows, legs against SPY."""
        e = ev.mean_pair
        positive = e.ci_low > 0
        reaches = e.ci_high >= CLAIMED_PAIR_LOW_PCT / 100
        short_does_work = ev.short_leg > ev.long_leg
        often = ev.hit_low >= self.spec.hit_share_min
        if positive and reaches and short_does_work:
            verdict = SUPPORTED
        elif positive or often:
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        h = self.spec.horizon_days
        s = e.scaled(100)
        note = (f"The pair averaged {s.value:.1f} pp over {h} trading days (95% CI {s.ci_low:.1f} to {s.ci_high:.1f}); "
                f"{ev.hit_low:.0%} of windows reached {CLAIMED_PAIR_LOW_PCT:.0f}%; the short leg contributed "
                f"{percent(ev.short_leg):.1f} pp and the long leg {percent(ev.long_leg):.1f} pp on average.")
        s0, s1, n = ev.sample
        return Decision(verdict, Statistic.from_estimate(e, self.statistic_name, "pp", 100),
                        Sample(iso(s0), iso(s1), n, "daily"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    @staticmethod
    def _shown(frame: pd.DataFrame, drop=()) -> pd.DataFrame | Text:
        """A pair summary in pp and percent, rounded for display."""
        if frame.empty:
            return Text(NO_ROWS)
        t = frame.drop(columns=[c for c in drop if c in frame.columns]).rename(columns=SHOWN)
        cols = [SHOWN[c] for c in SHOWN if SHOWN[c] in t.columns]
        t[cols] = percent(t[cols].astype(float))
        return t.round(2)

    def summary_table(self) -> pd.DataFrame | Text:
        """The basket pair over one and two quarters, every overlapping window (pp; shares in %).
        The legs against SPY are left out: in the ETF pair IWM is both the short leg and the
        small-cap universe."""
        return self._shown(self.evidence.summary, drop=("long leg", "short leg"))

    def trades_table(self) -> pd.DataFrame | Text:
        """The trade from each date [A] could have been written (pp)."""
        t = self.evidence.trades
        return t.round(2) if len(t) else Text(NO_ROWS)

    def alternatives_table(self) -> pd.DataFrame | Text:
        """Single funds against IWM over the deciding horizon."""
        return self._shown(self.evidence.alternatives, drop=("long leg", "short leg"))

    def french_table(self) -> pd.DataFrame | Text:
        """French's small high- minus low-profitability pair over 3 and 6 months, legs against the
        small-cap universe."""
        return self._shown(self.evidence.french)

    def halves_table(self) -> pd.DataFrame | Text:
        """The basket pair in each half of its sample."""
        return self._shown(self.evidence.halves, drop=("long leg", "short leg"))

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.rotation.pair_distribution`, or a note when
        the window has too few days of the quality ETFs for the distribution."""
        ev = self.evidence
        if not ev.legs:
            return ev.reason or "the window has too few days of the quality ETFs"
        frames = []
        for h, legs in ev.legs.items():
            quarters = h // QUARTER_DAYS
            label = f"{h} trading days ({quarters} quarter{'s' if quarters > 1 else ''})"
            frames.append(pd.DataFrame({"pair return (%)": percent(legs["pair"]), "window": label}))
        h = self.spec.horizon_days
        quarters = h // QUARTER_DAYS
        hit = float((ev.legs[h]["pair"] >= CLAIMED_PAIR_LOW_PCT / 100).mean())
        span = f"{'two-quarter' if quarters == 2 else 'one-quarter'} windows"
        if ev.trade is not None:
            title = (f"Entered on {A_DATES[0]}, long quality, short IWM made {percent(ev.trade['pair']):+.1f}% in "
                     f"{h} days; {hit:.0%} of all {span} reached {CLAIMED_PAIR_LOW_PCT:.0f}%")
        else:
            title = (f"Long quality, short IWM reached {CLAIMED_PAIR_LOW_PCT:.0f}% in {hit:.0%} of {span} and "
                     f"averaged {percent(ev.legs[h]['pair'].mean()):.1f} pp")
        s0, s1, _ = ev.sample
        marks = {f"trade from {A_DATES[0]}": percent(ev.trade["pair"])} if ev.trade is not None else {}
        return {"data": pd.concat(frames, ignore_index=True),
                "claimed": {f"claimed {lvl:.0f}%": lvl for lvl in (CLAIMED_PAIR_LOW_PCT, CLAIMED_PAIR_HIGH_PCT)},
                "marks": marks, "title": title,
                "note": f"Overlapping windows ending {s0.date()} to {s1.date()}. Source: Yahoo Finance."}

    @staticmethod
    def _cell(frame: pd.DataFrame, row: str, col: str):
        return frame.loc[row, col] if (len(frame) and row in frame.index and col in frame.columns) else None

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        q1, q2 = f"{CLAIMED_HORIZONS_DAYS[0]} days", f"{CLAIMED_HORIZONS_DAYS[1]} days"
        s, f = ev.summary, ev.french
        cell = self._cell
        s0, s1, _ = ev.sample
        alt = ev.alternatives
        non = cell(s, q2, "non-overlapping se")
        nw = None if cell(s, q2, "ci_high") is None else (cell(s, q2, "ci_high") - cell(s, q2, "mean pair")) / 1.959964
        g: dict[str, Fact] = {
            "r5_claim_lo": raw(CLAIMED_PAIR_LOW_PCT, "{:.0f}"), "r5_claim_hi": raw(CLAIMED_PAIR_HIGH_PCT, "{:.0f}"),
            "r5_h1": count(CLAIMED_HORIZONS_DAYS[0]), "r5_h2": count(CLAIMED_HORIZONS_DAYS[1]),
            "r5_q1_mean": pp(cell(s, q1, "mean pair"), 1), "r5_q1_lo": pp(cell(s, q1, "ci_low"), 1),
            "r5_q1_hi": pp(cell(s, q1, "ci_high"), 1),
            "r5_q2_mean": pp(cell(s, q2, "mean pair"), 1), "r5_q2_lo": pp(cell(s, q2, "ci_low"), 1),
            "r5_q2_hi": pp(cell(s, q2, "ci_high"), 1),
            "r5_q2_hlo": pp(cell(s, q2, "hodrick ci_low"), 1), "r5_q2_hhi": pp(cell(s, q2, "hodrick ci_high"), 1),
            "r5_q2_nw_se": pp(nw, 2), "r5_q2_non_se": pp(non, 2),
            "r5_q2_hit_lo": pp(cell(s, q2, REACH_LOW), 1), "r5_q2_hit_hi": pp(cell(s, q2, REACH_HIGH), 1),
            "r5_fr3_mean": pp(cell(f, "3 months", "mean pair"), 1),
            "r5_fr6_mean": pp(cell(f, "6 months", "mean pair"), 1), "r5_fr6_lo": pp(cell(f, "6 months", "ci_low"), 1),
            "r5_fr6_hi": pp(cell(f, "6 months", "ci_high"), 1),
            "r5_fr6_hit_lo": pp(cell(f, "6 months", REACH_LOW), 1),
            "r5_fr6_hit_hi": pp(cell(f, "6 months", REACH_HIGH), 1),
            "r5_fr3_long": pp(cell(f, "3 months", "long leg"), 2), "r5_fr3_short": pp(cell(f, "3 months", "short leg"), 2),
            "r5_fr6_long": pp(cell(f, "6 months", "long leg"), 2), "r5_fr6_short": pp(cell(f, "6 months", "short leg"), 2),
            "r5_fr_first": text(cell(f, "6 months", "first")), "r5_fr_last": text(cell(f, "6 months", "last")),
            "r5_start": text(iso(s0)), "r5_end": text(iso(s1)),
            "r5_best_alt": text(alt[REACH_LOW].idxmax() if len(alt) else None),
            "r5_best_alt_hit": pp(alt[REACH_LOW].max() if len(alt) else None, 0),
            "r5_claim_date": text(A_DATES[0]),
            "r5_horizon": count(self.spec.horizon_days), "r5_legs_months": count(ev.legs_months),
        }
        t, e = ev.trade, ev.legs_test
        band = t["band"] if t is not None and t["band"] is not None else (None, None, None)
        g.update({
            "r5_trade": pp(None if t is None else t["pair"], 1, signed=True),
            "r5_trade_end": text(None if t is None else iso(t["end"])),
            "r5_trade_lo": pp(band[0], 1), "r5_trade_hi": pp(band[1], 1),
            "r5_trade_mde": raw(None if t is None else mde(percent(t["se"]), sides=2), "{:.1f}"),
            "r5_trade_reason": text(ev.trade_reason or None),
            "r5_sml": pp(None if e is None else e.value, 2, signed=True),
            "r5_sml_lo": pp(None if e is None else e.ci_low, 2), "r5_sml_hi": pp(None if e is None else e.ci_high, 2),
            "r5_trades_range": text(self.phrase_trades()),
        })
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        alt = ev.alternatives
        return {"r5_french": "6 months" in ev.french.index and "3 months" in ev.french.index,
                "r5_alt_hit": len(alt) > 0 and bool(alt[REACH_LOW].max() > 0),
                "r5_unconditional": not ev.reason,
                "r5_non_overlap": not ev.reason and self._cell(ev.summary, "126 days", "non-overlapping se") is not None
                and pd.notna(self._cell(ev.summary, "126 days", "non-overlapping se")),
                "r5_trade": ev.trade is not None and ev.trade["band"] is not None,
                "r5_no_trade": ev.trade is None and bool(ev.trade_reason),
                "r5_trades": len(ev.trades) > 1 and ev.trades[f"{CLAIMED_HORIZONS_DAYS[0]} days (pp)"].notna().sum() > 1,
                "r5_legs": ev.legs_test is not None}

    def phrase_trades(self) -> str | None:
        """``from +0.0 pp (2026-01-21) to -6.3 pp (2026-04-08)``: the range of the one-quarter trades
        from the dates [A] could have been written (None with fewer than two)."""
        t = self.evidence.trades
        col = f"{CLAIMED_HORIZONS_DAYS[0]} days (pp)"
        if len(t) < 2 or col not in t or t[col].notna().sum() < 2:
            return None
        v = t[col].dropna()
        hi, lo = v.idxmax().split(" ")[0], v.idxmin().split(" ")[0]
        return f"from {v.max():+.1f} pp ({hi}) to {v.min():+.1f} pp ({lo})"
