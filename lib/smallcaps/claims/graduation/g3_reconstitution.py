"""G3. The June 2026 moves from the Russell 2000 to the Russell 1000. Source [E], July 2026.

Claim: in the June 2026 Russell reconstitution, 43 companies moved from the Russell 2000 to the
Russell 1000, Bloom Energy (BE) the most striking.

Evidence: Russell's reconstitution lists are not free, so the reader supplies one
(``moves_csv``, read through the data layer with its provenance). The claim's count is the
number of Russell 2000 -> Russell 1000 moves in it dated in the reconstitution's weeks; the
standout is the mover with the largest buy-and-hold excess return over the year before the
move. Every supplied move dated in the window also gets the chapter's event study. Without a
list, or without a Russell move in it, the claim is untestable with the free data. Units:
BHARs are decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ...analytics import graduation as ga
from ...display import Fact, Text, count, iso, percent, plural, text
from ..base import Choice, Decision, SpecSpace
from ..contract import NOT_SUPPORTED, PARTLY, SUPPORTED, UNTESTABLE, Rule, Sample, Statistic
from .events import benchmark_of, bhar_windows, boot, event_study
from .inputs import POST_MONTHS, PRE_MONTHS, RANK_MONTHS, GraduationClaim

#: [E] "43 companies moved from the Russell 2000 to the Russell 1000" in June 2026.
CLAIMED_MOVES = 43
#: [E] Bloom Energy, named as the most striking of those moves.
CLAIMED_STANDOUT = "BE"
#: The June 2026 Russell reconstitution (effective after the close of Friday 26 June 2026): a
#: supplied move dated in this range counts toward the claim's 43.
RECON_WINDOW = ("2026-06-01", "2026-07-10")


@dataclass
class G3Evidence:
    """The event study of a user-supplied move list, if any.

    Attributes
    ----------
    moves
        Every supplied move with ``has_prices`` (at the window's end), or None without a list.
    in_window
        The supplied moves dated inside the window (the ones studied).
    study
        Event study of the priced moves in the window against the origin's ETF, or None.
    claim_moves
        Russell 2000 -> Russell 1000 moves in the window dated in the reconstitution's weeks.
    standout_top
        Whether BE has the largest pre-move run-up among the priced claim moves: True, False, or
        None when that cannot be ranked (BE not in the list, or without prices).
    standout_in_list
        Whether BE is among the claim moves at all.
    """

    moves: pd.DataFrame | None
    in_window: pd.DataFrame
    study: Any
    claim_moves: pd.DataFrame
    standout_top: bool | None
    standout_in_list: bool


class G3(GraduationClaim):
    id: ClassVar[str] = "G3"
    heading: ClassVar[str] = "The June 2026 moves from the Russell 2000 to the Russell 1000"
    kind: ClassVar[str] = "fact"
    statistic_name: ClassVar[str] = "Russell 2000 → 1000 moves in June 2026 (supplied list)"
    unit: ClassVar[str] = "companies"
    inputs_used: ClassVar[tuple[str, ...]] = ("prices", "membership", "french", "moves")
    space: ClassVar[SpecSpace] = SpecSpace(
        PRE_MONTHS, POST_MONTHS,
        Choice("partly_tolerance", 0.10, {"5%": 0.05, "20%": 0.20},
               "a count within this share of the claimed 43 (decimal) is partly supported",
               check=lambda v: None if 0 <= v < 1 else "0 to below 1"),
    )
    rule_template: ClassVar[Rule] = Rule(
        claim_id="G3",
        claim=(f"In the June 2026 Russell reconstitution, {CLAIMED_MOVES} companies moved from the Russell 2000 "
               "to the Russell 1000, Bloom Energy the most striking [E]."),
        hypothesis=(f"A Russell move list for the June 2026 reconstitution holds {CLAIMED_MOVES} moves from the "
                    "Russell 2000 to the Russell 1000, and Bloom Energy (BE) had the largest run-up of them."),
        statistic=(f"the number of Russell 2000 → Russell 1000 moves dated {RECON_WINDOW[0]} to "
                   f"{RECON_WINDOW[1]} in the user-supplied `moves_csv`; and whether BE has the largest "
                   f"{RANK_MONTHS}-month buy-and-hold excess return before the move among those movers with prices."),
        supported=f"the count is {CLAIMED_MOVES} and BE has the largest run-up",
        partly=(f"the count is within {{partly_tolerance:.0%}} of {CLAIMED_MOVES} but not {CLAIMED_MOVES}, "
                f"or it is {CLAIMED_MOVES} but BE's run-up is not the largest"),
        not_supported=f"the count is more than {{partly_tolerance:.0%}} away from {CLAIMED_MOVES}",
        untestable=("no `moves_csv` is given, or it holds no Russell 2000 → Russell 1000 move in June 2026: the "
                    "free data hold no Russell membership (the event study of any supplied moves is still shown)"),
    )

    # -- evidence ----------------------------------------------------------------------------------

    def compute(self) -> G3Evidence:
        w, sp = self.window, self.spec
        mv = self.inputs.priced_user_moves(w.end)
        empty = pd.DataFrame()
        if mv is None:
            return G3Evidence(None, empty, None, empty, None, False)
        inside = mv.loc[(mv["date"] >= w.start) & (mv["date"] <= w.end)]
        priced = inside.loc[inside["has_prices"]]
        st = event_study(self.inputs, w.end, priced, "origin", sp.pre_months, sp.post_months) if len(priced) else None
        lo, hi = (pd.Timestamp(d) for d in RECON_WINDOW)

        def claim_rows(ev):
            return ((ev["origin"] == "russell2000") & (ev["destination"] == "russell1000")
                    & (ev["date"] >= lo) & (ev["date"] <= hi))

        claim = inside.loc[claim_rows(inside)]
        top = None
        if st is not None:
            pre = st.bhar(-RANK_MONTHS, 0)
            ev = st.events.loc[pre.index]
            x = pre[claim_rows(ev).to_numpy()].dropna()
            if CLAIMED_STANDOUT in set(ev.loc[x.index, "ticker"]):
                top = bool(ev.loc[x.idxmax(), "ticker"] == CLAIMED_STANDOUT)
        return G3Evidence(mv, inside, st, claim, top, CLAIMED_STANDOUT in set(claim["ticker"]))

    def decide(self, ev: G3Evidence) -> Decision:
        w = self.window
        none = Statistic(self.statistic_name, None, self.unit)
        if ev.moves is None:
            return Decision(UNTESTABLE, none, Sample(iso(w.start), iso(w.end), 0, "events"),
                            "Free data hold no Russell membership; FTSE Russell's June 2026 reconstitution list of "
                            "Russell 2000 → Russell 1000 moves, supplied as moves_csv, would decide it.")
        inside = ev.in_window
        priced = int(inside["has_prices"].sum())
        smp = (Sample(iso(inside["date"].min()), iso(inside["date"].max()), priced, "events") if len(inside)
               else Sample(iso(w.start), iso(w.end), 0, "events"))
        c = len(ev.claim_moves)
        if c == 0:
            return Decision(UNTESTABLE, none, smp,
                            f"The supplied list has {plural(len(inside), 'move')} in the window ({priced} with prices, "
                            "event study shown) but none from the Russell 2000 to the Russell 1000 in June 2026; "
                            "FTSE Russell's reconstitution list would decide it.")
        tol = self.spec.partly_tolerance * CLAIMED_MOVES
        # BE must be shown to have the largest run-up: a standout that cannot be ranked confirms nothing
        if c == CLAIMED_MOVES and ev.standout_top is True:
            verdict = SUPPORTED
        elif abs(c - CLAIMED_MOVES) <= tol:
            verdict = PARTLY
        else:
            verdict = NOT_SUPPORTED
        if ev.standout_top is True:
            standout = "BE had the largest run-up"
        elif ev.standout_top is False:
            standout = "BE did not have the largest run-up"
        elif ev.standout_in_list:
            standout = "BE's run-up could not be ranked (the data hold no prices for BE)"
        else:
            standout = "BE is not among the supplied moves, so its run-up could not be ranked"
        cap = (", so the list cannot confirm the claimed standout and the verdict is at most partly supported"
               if c == CLAIMED_MOVES and ev.standout_top is None else "")
        note = (f"The supplied list has {c} Russell 2000 → 1000 moves in June 2026 against the claim's "
                f"{CLAIMED_MOVES}; {standout}{cap}.")
        return Decision(verdict, Statistic(self.statistic_name, float(c), self.unit), smp, note)

    # -- what the chapter shows --------------------------------------------------------------------

    def moves_table(self) -> pd.DataFrame | Text:
        """One row per supplied move in the window: its benchmark and BHARs before and after (pp)."""
        ev = self.evidence
        if ev.moves is None:
            return Text("No moves supplied.")
        if ev.in_window.empty:
            return Text("No supplied move is dated inside the window.")
        post = self.spec.post_months
        pre_name, post_name = f"BHAR -{RANK_MONTHS}..0 (pp)", f"BHAR 0..+{post} (pp)"
        mv = ev.in_window
        tab = mv[["ticker", "date", "move", "has_prices"]].copy()
        tab["benchmark"] = benchmark_of(mv, "origin").values
        tab[pre_name] = np.nan
        tab[post_name] = np.nan
        st = ev.study
        if st is not None:
            c_pre, c_post = percent(st.bhar(-RANK_MONTHS, 0)), percent(st.bhar(0, post))
            key = st.events.loc[c_pre.index, ["ticker", "date"]]
            m = key.assign(pre=c_pre.values, post=c_post.values)
            tab = tab.drop(columns=[pre_name, post_name]).merge(m, on=["ticker", "date"], how="left").rename(
                columns={"pre": pre_name, "post": post_name})
        tab["date"] = tab["date"].dt.date
        return tab.rename(columns={"has_prices": "prices"}).set_index(["ticker", "date"]).round(1)

    def summary_table(self) -> pd.DataFrame | Text:
        """Mean BHARs (pp) of the priced supplied moves with 95% intervals, by window."""
        ev = self.evidence
        if ev.moves is None:
            return Text("No event study without a moves list.")
        if ev.study is None:
            return Text("No event study: none of the supplied moves dated in the window has prices.")
        rows = []
        for name, a, b in bhar_windows(self.spec.pre_months, self.spec.post_months):
            x = ev.study.bhar(a, b).dropna()
            e = boot(x)
            rows.append({"window": name, "moves": len(x), "mean (pp)": percent(x.mean()) if len(x) else np.nan,
                         "ci_low": percent(e.ci_low) if e else np.nan, "ci_high": percent(e.ci_high) if e else np.nan})
        return pd.DataFrame(rows).set_index("window").round(1)

    def figure(self) -> dict[str, Any] | str:
        """Keyword arguments for :func:`smallcaps.plots.graduation.event_paths` (percent)."""
        ev = self.evidence
        if ev.moves is None:
            return "no moves list was supplied."
        if ev.study is None:
            return "none of the supplied moves dated in the window has prices."
        p = ga.bhar_path(ev.study)
        for c in ("mean", "ci_low", "ci_high", "median", "q25", "q75"):
            p[c] = percent(p[c])
        p["step"] = "supplied moves"
        p["benchmark"] = "the origin's ETF"
        before = p.loc[(p["segment"] == "before") & (p["month"] == 0), "median"].iloc[0]
        aft = p.loc[p["segment"] == "after"]
        last = aft.loc[aft["month"] == aft["month"].max()].iloc[0]
        n = int(ev.in_window["has_prices"].sum())
        tail = (f", and {last['median']:.0f} pp in the {plural(int(last['month']), 'month')} after"
                if last["month"] > 0 else "")
        title = (f"The {plural(n, 'supplied move')} with prices: median excess return of {before:.0f} pp over the "
                 f"{-p['month'].min()} months before the move{tail}")
        return {"data": p, "title": title, "note": "Benchmark: the ETF of the index each move left."}

    def facts(self) -> dict[str, Fact]:
        g: dict[str, Fact] = {"def_claim_moves": count(CLAIMED_MOVES), "def_claim_standout": text(CLAIMED_STANDOUT)}
        ev = self.evidence
        if ev is None or ev.moves is None:
            return g
        inside = ev.in_window
        g.update({
            "g3_moves": text(plural(len(ev.moves), "move")),
            "g3_n_priced": count(int(inside["has_prices"].sum())),
            "g3_claim_phrase": text(self.phrase_claim_moves()),
            "g3_recon_from": text(RECON_WINDOW[0]),
            "g3_recon_to": text(RECON_WINDOW[1]),
            "g3_inside": count(len(inside)),
            "g3_priced_have": text(self.phrase_priced_have()),
        })
        return g

    def phrase_priced_have(self) -> str:
        """How many supplied moves in the window have prices, with the verb: ``5 have``, ``1 has``
        or ``none has``."""
        n = int(self.evidence.in_window["has_prices"].sum())
        return "none has" if n == 0 else f"{n:,} {'has' if n == 1 else 'have'}"

    def phrase_claim_moves(self) -> str:
        """How many supplied moves count toward the claim: ``none is a Russell 2000 → Russell 1000
        move``, ``1 is a ... move`` or ``43 are ... moves``."""
        c = len(self.evidence.claim_moves)
        if c == 0:
            return "none is a Russell 2000 → Russell 1000 move"
        if c == 1:
            return "1 is a Russell 2000 → Russell 1000 move"
        return f"{c} are Russell 2000 → Russell 1000 moves"

    def flags(self) -> dict[str, bool]:
        ev = self.evidence
        listed = ev is not None and ev.moves is not None
        return {"g3_moves": listed,
                "g3_priced": listed and ev.study is not None,
                "g3_outside": listed and len(ev.moves) > len(ev.in_window)}
