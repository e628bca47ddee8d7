"""R5. The pair trade. Source [A], early 2026.

Claim: long profitable small caps, short unprofitable ones targets 8-12% relative
outperformance over one to two quarters, mostly from the short leg.

Evidence: rolling one- and two-quarter returns of long the quality basket, short IWM (the broad
index that holds the unprofitable firms), split exactly into each leg against SPY; single-fund
pairs; and French's small high- minus low-profitability portfolios as the long history. Units:
returns decimal; shares of windows as fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import rotation as rot
from ...display import Fact, Text, count, iso, plural, pp, raw, text
from ...errors import DataError
from ...stats import Estimate, mean_hac
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, Rule, Sample, Statistic
from .common import NO_ROWS, RotationClaim
from .inputs import BASKET, BROAD, MARKET

CLAIMED_PAIR_LOW_PCT = 8.0  # [A] the pair targets 8-12% relative outperformance ...
CLAIMED_PAIR_HIGH_PCT = 12.0  # [A] ... (upper end)
CLAIMED_HORIZONS_DAYS = (63, 126)  # [A] "over one to two quarters" (63 trading days a quarter)
QUARTER_DAYS = 63
REACH_LOW, REACH_HIGH = f"reach {CLAIMED_PAIR_LOW_PCT:.0f}%", f"reach {CLAIMED_PAIR_HIGH_PCT:.0f}%"
#: Decimal columns of a pair summary -> their names in the chapter's tables (pp and percent).
SHOWN = {"mean pair": "mean pair (pp)", "ci_low": "ci_low", "ci_high": "ci_high", "long leg": "long leg (pp)",
         "short leg": "short leg (pp)", REACH_LOW: f"{REACH_LOW} (%)", REACH_HIGH: f"{REACH_HIGH} (%)"}


def pair_row(legs: pd.DataFrame, horizon: int) -> dict:
    """Summary of rolling pair returns (decimal): windows, mean with a HAC interval (``horizon``
    overlap), each leg's mean and the share of windows reaching each claimed level."""
    e = mean_hac(legs["pair"], overlap=horizon)
    hits = rot.hit_rates(legs["pair"], [CLAIMED_PAIR_LOW_PCT / 100, CLAIMED_PAIR_HIGH_PCT / 100], horizon)
    return {"windows": len(legs), "mean pair": e.value, "ci_low": e.ci_low, "ci_high": e.ci_high,
            "long leg": legs["long_leg"].mean(), "short leg": legs["short_leg"].mean(),
            REACH_LOW: hits.iloc[0]["share"], REACH_HIGH: hits.iloc[1]["share"]}


@dataclass
class R5Evidence:
    """Evidence for R5 (decimals).

    Attributes
    ----------
    reason
        Why the window cannot decide the claim ('' when it can).
    legs
        By horizon (trading days): rolling pair, long-leg and short-leg returns.
    summary
        By horizon: :func:`pair_row`.
    mean_pair
        Mean pair return over the deciding horizon, an Estimate.
    hit_low
        Share of deciding-horizon windows reaching the claim's lower level.
    long_leg, short_leg
        Mean contribution of each leg over the deciding horizon.
    alternatives
        The same for single-fund pairs (and IJR minus IWM since 2000).
    french
        Small high- minus low-profitability (French), rolling 3 and 6 months.
    halves
        The basket pair over the deciding horizon in each half of its sample.
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


class R5(RotationClaim):
    id: ClassVar[str] = "R5"
    heading: ClassVar[str] = "The pair trade"
    kind: ClassVar[str] = "effect"
    unit: ClassVar[str] = "pp"
    inputs_used: ClassVar[tuple[str, ...]] = ("yahoo", "french_op", "french_ff")
    space: ClassVar[SpecSpace] = SpecSpace(
        Choice("horizon_days", CLAIMED_HORIZONS_DAYS[1], {"one quarter": CLAIMED_HORIZONS_DAYS[0]},
               "the deciding window in trading days (the claim says one to two quarters)",
               check=lambda v: None if v in CLAIMED_HORIZONS_DAYS else ", ".join(map(str, CLAIMED_HORIZONS_DAYS))),
        Choice("hit_share_min", 0.25, {"10% of windows": 0.10, "half of windows": 0.5},
               "'targets 8%' is at least plausible if this share of windows reaches it (a fraction)",
               check=lambda v: None if 0 < v < 1 else "above 0 and below 1"),
        Choice("min_pair_days", 504, {"one year": 252},
               "trading days the basket and IWM must share in the window",
               check=lambda v: None if v >= 2 * CLAIMED_HORIZONS_DAYS[1] else f"at least {2 * CLAIMED_HORIZONS_DAYS[1]}"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="R5",
        claim=f"Long profitable small caps, short unprofitable ones targets {CLAIMED_PAIR_LOW_PCT:.0f}-"
              f"{CLAIMED_PAIR_HIGH_PCT:.0f}% over one to two quarters, mostly from the short leg",
        hypothesis=f"long the {BASKET}, short {BROAD} earns {CLAIMED_PAIR_LOW_PCT:.0f}-"
                   f"{CLAIMED_PAIR_HIGH_PCT:.0f}% over {CLAIMED_HORIZONS_DAYS[0]} to {CLAIMED_HORIZONS_DAYS[1]} "
                   f"trading days on average, most of it from {BROAD} trailing the market.",
        statistic=f"mean return of long {BASKET} minus {BROAD} over overlapping {{horizon_days}}-day "
                  f"windows, in pp, with a HAC interval ({{horizon_days}} overlap); the share of windows "
                  f"reaching {CLAIMED_PAIR_LOW_PCT:.0f}%; and each leg against {MARKET}.",
        supported=f"the mean's interval lies above zero and reaches {CLAIMED_PAIR_LOW_PCT:.0f} pp, and the short "
                  f"leg's mean contribution exceeds the long leg's",
        partly=f"the mean's interval lies above zero but wholly below {CLAIMED_PAIR_LOW_PCT:.0f} pp, or the short "
               f"leg does not do most of the work, or the mean is not distinguishable from zero but at least "
               f"{{hit_share_min:.0%}} of windows reach {CLAIMED_PAIR_LOW_PCT:.0f}%",
        not_supported=f"the mean's interval includes or lies below zero and fewer than {{hit_share_min:.0%}} of "
                      f"windows reach {CLAIMED_PAIR_LOW_PCT:.0f}%",
        untestable=f"the basket and {BROAD} share fewer than {{min_pair_days}} trading days in the window",
    )

    @property
    def statistic_name(self) -> str:  # type: ignore[override]
        return f"long basket, short {BROAD}, {self.spec.horizon_days} days"

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> R5Evidence:
        cut = self.inputs.cut(self.window)
        c = cut.close
        empty = pd.DataFrame()
        # long history (French) first: available whatever the ETFs
        op = cut.french["op_vw"][["SMALL HiOP", "SMALL LoOP"]].dropna() / 100
        ff = cut.french["factors"]
        mkt = ((ff["Mkt-RF"] + ff["RF"]) / 100).reindex(op.index)
        fr = {}
        for m in (3, 6):
            def grow(x, m=m):
                return (1 + x).rolling(m).apply(np.prod, raw=True) - 1
            hi, lo, mk = grow(op["SMALL HiOP"]), grow(op["SMALL LoOP"]), grow(mkt)
            legs = pd.DataFrame({"pair": hi - lo, "long_leg": hi - mk, "short_leg": mk - lo}).dropna()
            if len(legs) > 24:
                fr[f"{m} months"] = {**pair_row(legs, m), "first": str(legs.index[0]), "last": str(legs.index[-1])}
        french = pd.DataFrame.from_dict(fr, orient="index")
        if len(french):
            french = french.astype({"windows": int})
            french.index.name = "window"

        def without(reason: str) -> R5Evidence:
            return R5Evidence(reason, {}, empty, None, None, None, None, empty, french, empty, (None, None, 0))

        try:
            basket = cut.quality_basket()
        except DataError as exc:
            return without(str(exc))
        both = pd.concat([basket, c[BROAD], c[MARKET]], axis=1, sort=True).dropna()
        if len(both) < self.spec.min_pair_days:
            return without(f"the basket and {BROAD} share {plural(len(both), 'trading day')} in the window, fewer than "
                           f"{self.spec.min_pair_days}")
        legs = {h: rot.leg_decomposition(both[BASKET], both[BROAD], both[MARKET], h) for h in CLAIMED_HORIZONS_DAYS}
        summary = pd.DataFrame({f"{h} days": pair_row(legs[h], h) for h in CLAIMED_HORIZONS_DAYS}).T.astype(float)
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
                          (legs[h].index[0], legs[h].index[-1], len(legs[h])))

    def untestable(self, ev: R5Evidence) -> str | None:
        if not ev.reason:
            return None
        return (f"Untestable here because {ev.reason}; a window with two years of the quality ETFs' prices "
                f"decides it.")

    def decide(self, ev: R5Evidence) -> Decision:
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
                f"{100 * ev.short_leg:.1f} pp and the long leg {100 * ev.long_leg:.1f} pp on average.")
        s0, s1, n = ev.sample
        return Decision(verdict, Statistic.from_estimate(e, self.statistic_name, "pp", 100),
                        Sample(iso(s0), iso(s1), n, "daily"), note)

    # -- what the chapter shows --------------------------------------------------------------------

    @staticmethod
    def _shown(frame: pd.DataFrame) -> pd.DataFrame | Text:
        """A pair summary in pp and percent, rounded for display."""
        if frame.empty:
            return Text(NO_ROWS)
        t = frame.rename(columns=SHOWN)
        cols = [SHOWN[c] for c in SHOWN if SHOWN[c] in t.columns]
        t[cols] = 100 * t[cols]
        return t.round(2)

    def summary_table(self) -> pd.DataFrame:
        """The basket pair over one and two quarters (pp; shares of windows in %)."""
        return self._shown(self.evidence.summary)

    def alternatives_table(self) -> pd.DataFrame:
        """Single funds against IWM over the deciding horizon."""
        return self._shown(self.evidence.alternatives)

    def french_table(self) -> pd.DataFrame:
        """French's small high- minus low-profitability pair over 3 and 6 months."""
        return self._shown(self.evidence.french)

    def halves_table(self) -> pd.DataFrame:
        """The basket pair in each half of its sample."""
        return self._shown(self.evidence.halves)

    def figure(self) -> dict[str, Any]:
        """Keyword arguments for :func:`smallcaps.plots.rotation.pair_distribution`."""
        ev = self.evidence
        frames = []
        for h, legs in ev.legs.items():
            quarters = h // QUARTER_DAYS
            label = f"{h} trading days ({quarters} quarter{'s' if quarters > 1 else ''})"
            frames.append(pd.DataFrame({"pair return (%)": 100 * legs["pair"], "window": label}))
        quarters = self.spec.horizon_days // QUARTER_DAYS
        title = (f"Long quality, short IWM reached {CLAIMED_PAIR_LOW_PCT:.0f}% in {ev.hit_low:.0%} of "
                 f"{'two-quarter' if quarters == 2 else 'one-quarter'} windows and averaged "
                 f"{100 * ev.mean_pair.value:.1f} pp")
        s0, s1, _ = ev.sample
        return {"data": pd.concat(frames, ignore_index=True),
                "claimed": {f"claimed {lvl:.0f}%": lvl for lvl in (CLAIMED_PAIR_LOW_PCT, CLAIMED_PAIR_HIGH_PCT)},
                "title": title, "note": f"Overlapping windows ending {s0.date()} to {s1.date()}. Source: Yahoo Finance."}

    @staticmethod
    def _cell(frame: pd.DataFrame, row: str, col: str):
        return frame.loc[row, col] if (len(frame) and row in frame.index) else None

    def facts(self) -> dict[str, Fact]:
        ev = self.evidence
        q1, q2 = f"{CLAIMED_HORIZONS_DAYS[0]} days", f"{CLAIMED_HORIZONS_DAYS[1]} days"
        s, f = ev.summary, ev.french
        cell = self._cell
        s0, s1, _ = ev.sample
        alt = ev.alternatives
        g: dict[str, Fact] = {
            "r5_claim_lo": raw(CLAIMED_PAIR_LOW_PCT, "{:.0f}"), "r5_claim_hi": raw(CLAIMED_PAIR_HIGH_PCT, "{:.0f}"),
            "r5_h1": count(CLAIMED_HORIZONS_DAYS[0]), "r5_h2": count(CLAIMED_HORIZONS_DAYS[1]),
            "r5_q1_mean": pp(cell(s, q1, "mean pair"), 1), "r5_q1_lo": pp(cell(s, q1, "ci_low"), 1),
            "r5_q1_hi": pp(cell(s, q1, "ci_high"), 1),
            "r5_q2_mean": pp(cell(s, q2, "mean pair"), 1), "r5_q2_lo": pp(cell(s, q2, "ci_low"), 1),
            "r5_q2_hi": pp(cell(s, q2, "ci_high"), 1),
            "r5_q2_hit_lo": pp(cell(s, q2, REACH_LOW), 1), "r5_q2_hit_hi": pp(cell(s, q2, REACH_HIGH), 1),
            "r5_q2_long": pp(cell(s, q2, "long leg"), 1), "r5_q2_short": pp(cell(s, q2, "short leg"), 1),
            "r5_short_why": text(None if cell(s, q2, "short leg") is None else
                                 "IWM trailing SPY" if cell(s, q2, "short leg") > 0 else "IWM beating SPY"),
            "r5_fr3_mean": pp(cell(f, "3 months", "mean pair"), 1),
            "r5_fr6_mean": pp(cell(f, "6 months", "mean pair"), 1), "r5_fr6_lo": pp(cell(f, "6 months", "ci_low"), 1),
            "r5_fr6_hi": pp(cell(f, "6 months", "ci_high"), 1),
            "r5_fr6_hit_lo": pp(cell(f, "6 months", REACH_LOW), 1),
            "r5_fr6_hit_hi": pp(cell(f, "6 months", REACH_HIGH), 1),
            "r5_fr6_long": pp(cell(f, "6 months", "long leg"), 1), "r5_fr6_short": pp(cell(f, "6 months", "short leg"), 1),
            "r5_fr_first": text(cell(f, "6 months", "first")), "r5_fr_last": text(cell(f, "6 months", "last")),
            "r5_start": text(iso(s0)), "r5_end": text(iso(s1)),
            "r5_best_alt": text(alt[REACH_LOW].idxmax() if len(alt) else None),
            "r5_best_alt_hit": pp(alt[REACH_LOW].max() if len(alt) else None, 0),
        }
        return g

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        alt = ev.alternatives
        return {"r5_french": "6 months" in ev.french.index and "3 months" in ev.french.index,
                "r5_alt_hit": len(alt) > 0 and bool(alt[REACH_LOW].max() > 0)}

