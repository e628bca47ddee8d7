"""R07 (reliability review): every claim on 2016-01-01..2026-07-13, as of 2026-07-13, at library
level: 22 verdicts, each untestable one with its reason (the review ran the whole book on this
window: complete, with M2, V2 and V5 untestable because the window is too short for them)."""

from __future__ import annotations

import pytest

from smallcaps.claims import evaluate_many
from smallcaps.claims.contract import UNTESTABLE

pytestmark = pytest.mark.book  # reads the reference snapshot


def test_the_last_ten_years_give_every_claim_a_verdict_or_a_reason(offline):
    got = evaluate_many(None, start="2016-01-01", end="2026-07-13", as_of="2026-07-13")
    assert {k: v.verdict for k, v in got.items()} == {
        "R1": "supported", "R2": "partly supported", "R3": "not supported", "R4": "partly supported",
        "R5": "inconclusive", "R6": "inconclusive", "R7": "partly supported",
        "M1": "supported", "M2": UNTESTABLE, "M3": "not supported", "M4": "not supported", "M5": "not supported",
        "V1": "inconclusive", "V2": UNTESTABLE, "V3": "not supported", "V4": "supported", "V5": UNTESTABLE,
        "G1": "supported", "G2": "inconclusive", "G3": UNTESTABLE, "G4": UNTESTABLE, "G5": UNTESTABLE}
    for cid, res in got.items():
        if res.verdict == UNTESTABLE:
            assert res.note and res.statistic.value is None, cid
        else:
            assert res.statistic.value is not None and res.sample.n > 0, cid
    assert got["V1"].statistic.name.startswith("P/B gap to its 2016+ average")  # R03 on this window
