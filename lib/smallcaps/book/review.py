"""The book's answers to its referees: one row per point, and the verdicts each point moved.

Two referee reports reviewed version 1 (`shared/review/referee-*.md`). Every numbered point, and
every claim row of their tables, gets a row on the "Review and amendments" page: the point, the
response (accepted, accepted in part, rebutted), what changed, and the verdict before and after.
The verdicts are never typed: "before" is the verdict under the registered rule (the claim's
``registered`` reading in its results file, or its current verdict when the rule was not
amended), "after" the verdict now.

Each chapter keeps its rows in ``claims/<chapter>/review.py`` (``POINTS``); book-level rows live
in :data:`BOOK_POINTS`.
"""

from __future__ import annotations

import importlib

import pandas as pd

from ..claims.contract import ClaimResult
from ..claims.points import REPORTS, RESPONSES, ReviewPoint  # noqa: F401 (REPORTS, RESPONSES: this module's API)

#: Points about the whole book (inference, presentation, process), answered at book level.
BOOK_POINTS: tuple[ReviewPoint, ...] = (
    ReviewPoint("rotation-momentum", "section 4: multiple testing", (),
                "About 25 deciding sub-tests with no family-wise or false-discovery control; OR-rules inflate "
                "false 'partly supported' verdicts.",
                "accepted",
                "Every claim decided by a test publishes its one-sided p-value; this page adjusts all of them at once "
                "(Holm; Benjamini-Hochberg) and says which verdicts survive."),
    ReviewPoint("rotation-momentum", "section 4: power", (),
                "Power, not multiplicity, binds: report a minimum detectable effect per claim and keep 'no power' "
                "apart from 'not supported'.",
                "accepted",
                "A new verdict, inconclusive (the estimate points the claim's way but its interval includes zero); "
                "each claim decided by a test publishes its minimum detectable effect at 80% power, shown in its "
                "verdict line."),
    ReviewPoint("rotation-momentum", "section 6.9-6.10", (),
                "Equivalence tests for 'matches', MDE and power lines per claim, a book-level Holm/BH table, and a "
                "verdict vocabulary with 'part untestable' and 'inconclusive (low power)'.",
                "accepted",
                "Equivalence (TOST) for M2; MDEs and the Holm/BH table as above; inconclusive added; one rule for "
                "claims with an untestable part, applied in every chapter (claims.base.combine_parts)."),
    ReviewPoint("rotation-momentum", "section 5: what it means for a position", (),
                "Each verdict needs a one-line 'what this means for a position'.",
                "accepted in part",
                "Each chapter opens with a verdict box (each claim, its verdict, one line why) and the scorecard has a "
                "'why this verdict' column; the book does not give trading advice, so the line says what the "
                "evidence shows, not what to hold."),
    ReviewPoint("rotation-momentum", "D13", (),
                "'Rule fixed before the evidence' cannot be audited: rules and results entered in one commit, and "
                "several verdicts sit exactly on a chosen threshold.",
                "accepted",
                "The rules as first published are kept with a sha256 each (claims/registered-rules.json) and checked "
                "on this page; every later change is a dated amendment with the verdict under the registered rule "
                "recomputed; the specification sweep shows how each verdict moves with its thresholds."),
    ReviewPoint("valuation-graduation", "section 5: scorecard 'deciding number'", (),
                "The scorecard's deciding-number column misleads: V3's sign against its verdict, V5's significant "
                "in-sample slope, G2's failing half, G5's significant interval beside 'untestable'.",
                "accepted",
                "The scorecard shows a claim's interval only where the rule decides on it, adds the claim's type and a "
                "'why this verdict' column, and an untestable claim shows no number; the chapters' amendments (V3, "
                "V5, G2, G5) change what decides."),
)


def all_points() -> list[ReviewPoint]:
    """Every chapter's points, then the book's."""
    out: list[ReviewPoint] = []
    for chapter in ("rotation", "momentum", "valuation", "graduation"):
        try:
            mod = importlib.import_module(f"smallcaps.claims.{chapter}.review")
        except ModuleNotFoundError:
            continue
        out.extend(mod.POINTS)
    out.extend(BOOK_POINTS)
    return out


def verdicts(result: ClaimResult) -> tuple[str, str]:
    """(before, after): the verdict under the registered rule and the verdict now."""
    before = result.registered["verdict"] if result.registered else result.verdict
    return before, result.verdict


def table(points, results: dict[str, ClaimResult]) -> pd.DataFrame:
    """One row per point: report, point, response, change, and per claim the verdict before and
    after (``R3: not supported -> inconclusive``; unchanged verdicts read ``R1: supported``)."""
    rows = []
    for p in points:
        moved = []
        for cid in p.claims:
            r = results.get(cid)
            if r is None:
                moved.append(f"{cid}: missing")
                continue
            before, after = verdicts(r)
            moved.append(f"{cid}: {before} → {after}" if before != after else f"{cid}: {after}")
        rows.append({"report": p.report, "point": p.ref, "what the referee said": p.point, "response": p.response,
                     "what changed": p.change, "verdict before → after": "; ".join(moved) or "(book-wide)"})
    return pd.DataFrame(rows)


# -- the page's tables ---------------------------------------------------------------------------


def amendments(results: dict[str, ClaimResult]) -> pd.DataFrame:
    """One row per amended claim: when, why, the registered rule, the rule now, and the verdict
    under each (recomputed by the claims, never typed)."""
    rows = []
    for cid, r in results.items():
        for a in r.amendments:
            before, after = verdicts(r)
            rows.append({"claim": cid, "amended on": a["date"], "why": a["reason"],
                         "registered rule": a["old_rule"], "rule now": a["new_rule"],
                         "verdict under the registered rule": before, "verdict now": after})
    return pd.DataFrame(rows, columns=["claim", "amended on", "why", "registered rule", "rule now",
                                       "verdict under the registered rule", "verdict now"])


def multiple_testing(results: dict[str, ClaimResult], alpha: float = 0.05) -> pd.DataFrame:
    """Every deciding p-value of the book with Holm and Benjamini-Hochberg adjustments.

    A claim decided by a test publishes its one-sided p-value in the claim's direction
    (``statistic.p_value``). Holm controls the family-wise error rate, Benjamini-Hochberg the
    false discovery rate, both over all the book's deciding tests at once
    (``statsmodels.stats.multitest.multipletests``). A verdict that rests on a significant test
    (supported or partly supported with p below ``alpha``) "survives" an adjustment when its
    adjusted p-value stays below ``alpha``.
    """
    from statsmodels.stats.multitest import multipletests

    tested: list[tuple[str, ClaimResult, float]] = []
    for cid, r in results.items():
        if r.statistic.p_value is not None:
            tested.append((cid, r, float(r.statistic.p_value)))
    cols = ["claim", "verdict", "deciding statistic", "p (one-sided)", "Holm", "Benjamini-Hochberg",
            "rests on significance", "survives Holm", "survives BH"]
    if not tested:
        return pd.DataFrame(columns=cols)
    p = [raw for _, _, raw in tested]
    holm = multipletests(p, alpha=alpha, method="holm")[1]
    bh = multipletests(p, alpha=alpha, method="fdr_bh")[1]
    rows = []
    for (cid, r, raw), h, b in zip(tested, holm, bh, strict=True):
        rests = r.verdict in ("supported", "partly supported") and raw < alpha
        rows.append({"claim": cid, "verdict": r.verdict, "deciding statistic": r.statistic.name,
                     "p (one-sided)": raw, "Holm": float(h), "Benjamini-Hochberg": float(b),
                     "rests on significance": rests,
                     "survives Holm": (h < alpha) if rests else None, "survives BH": (b < alpha) if rests else None})
    return pd.DataFrame(rows, columns=cols)


def registered_rules(results: dict[str, ClaimResult]) -> pd.DataFrame:
    """The rules as first published, each with its sha256, so that any later change is visible:
    the registered rule of an amended claim, the rule itself otherwise."""
    import hashlib

    rows = []
    for cid, r in results.items():
        text = r.amendments[0]["old_rule"] if r.amendments else r.rule
        rows.append({"claim": cid, "status": r.rule_status,
                     "sha256 of the registered rule": hashlib.sha256(text.encode()).hexdigest()[:16]})
    return pd.DataFrame(rows, columns=["claim", "status", "sha256 of the registered rule"])


def results_of(card) -> dict[str, ClaimResult]:
    """Claim id -> result, for every claim a chapter has published (from a :class:`Scorecard`)."""
    out: dict[str, ClaimResult] = {}
    for res in card.results.values():
        for c in res.claims if res is not None else ():
            out[c.id] = c
    return out


def registered() -> dict[str, dict[str, str]]:
    """The rules as first published (``smallcaps/claims/registered-rules.json``, written once from
    version 1's results files): claim id -> rule and sha256."""
    import json
    from importlib import resources

    return json.loads(resources.files("smallcaps.claims").joinpath("registered-rules.json").read_text())["rules"]


def registered_check(results: dict[str, ClaimResult], rules: dict[str, dict[str, str]]) -> pd.DataFrame:
    """Each claim's registered rule as the results publish it (the rule of an unamended claim, the
    old rule of an amended one) against the rule as first published: the sha256 must agree, so no
    rule changed without an amendment."""
    import hashlib

    rows = []
    for cid, rule in rules.items():
        r = results.get(cid)
        now = None if r is None else (r.amendments[0]["old_rule"] if r.amendments else r.rule)
        sha = None if now is None else hashlib.sha256(now.encode()).hexdigest()
        rows.append({"claim": cid, "status": "missing" if r is None else r.rule_status,
                     "registered rule (sha256)": rule["sha256"][:16],
                     "as published now (sha256)": "n/a" if sha is None else sha[:16],
                     "the same": sha == rule["sha256"]})
    return pd.DataFrame(rows, columns=["claim", "status", "registered rule (sha256)", "as published now (sha256)",
                                       "the same"])


def summary(points, results: dict[str, ClaimResult], tests: pd.DataFrame) -> dict[str, int]:
    """Counts the page's prose cites: points by response, amended claims, verdicts moved, tests
    that decide a verdict and those surviving each adjustment."""
    by = {r: sum(1 for p in points if p.response == r) for r in RESPONSES}
    moved = sum(1 for r in results.values() if r.registered and r.registered["verdict"] != r.verdict)
    rests = tests[tests["rests on significance"] == True] if len(tests) else tests  # noqa: E712
    return {"points": len(points), "accepted": by["accepted"], "accepted_in_part": by["accepted in part"],
            "rebutted": by["rebutted"], "amended": sum(1 for r in results.values() if r.amendments),
            "moved": moved, "tests": len(tests), "resting": len(rests),
            "survive_holm": int(rests["survives Holm"].sum()) if len(rests) else 0,
            "survive_bh": int(rests["survives BH"].sum()) if len(rests) else 0}
