"""The review page's tables: amendments, the referee points, multiple testing, registered rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smallcaps.book import review
from smallcaps.claims.contract import ClaimResult, Sample, Statistic

ROOT = Path(__file__).resolve().parents[1]


def result(cid, verdict, p=None, amended=False, before=None, rule="a rule"):
    amendments = ({"date": "2026-11-26", "reason": "the referee", "old_rule": "the old rule", "new_rule": rule},
                  ) if amended else ()
    registered = {"verdict": before or verdict, "statistic": {}} if amended else None
    return ClaimResult(id=cid, claim="c", rule=rule, verdict=verdict,
                       statistic=Statistic("s", 1.0, "pp", p_value=p), sample=Sample("2020-01-01", "2020-12-31", 10,
                                                                                     "daily"),
                       data_vintage="", section=cid.lower(), amendments=amendments, registered=registered)


def test_points_are_checked():
    with pytest.raises(ValueError, match="report 'x'"):
        review.ReviewPoint("x", "D1", ("M1",), "p", "accepted", "c")
    with pytest.raises(ValueError, match="response 'ignored'"):
        review.ReviewPoint("rotation-momentum", "D1", ("M1",), "p", "ignored", "c")


def test_verdicts_before_and_after_are_read_from_the_results():
    results = {"M1": result("M1", "supported", amended=True, before="partly supported"),
               "M4": result("M4", "not supported")}
    pts = [review.ReviewPoint("rotation-momentum", "D1", ("M1",), "peer set", "accepted", "small-cap peers"),
           review.ReviewPoint("rotation-momentum", "D10", ("M4", "M9"), "spec", "accepted in part", "more"),
           review.ReviewPoint("rotation-momentum", "4", (), "multiple testing", "accepted", "a table")]
    t = review.table(pts, results)
    assert list(t["verdict before → after"]) == ["M1: partly supported → supported", "M4: not supported; M9: missing",
                                                "(book-wide)"]
    a = review.amendments(results)
    assert a.to_dict("records") == [{"claim": "M1", "amended on": "2026-11-26", "why": "the referee",
                                     "registered rule": "the old rule", "rule now": "a rule",
                                     "verdict under the registered rule": "partly supported",
                                     "verdict now": "supported"}]


def test_holm_and_benjamini_hochberg_by_hand():
    results = {"A": result("A", "supported", p=0.01), "B": result("B", "partly supported", p=0.04),
               "C": result("C", "supported", p=0.03), "D": result("D", "not supported", p=0.60),
               "E": result("E", "supported")}  # decided by no test: left out
    t = review.multiple_testing(results).set_index("claim")
    assert list(t.index) == ["A", "B", "C", "D"]
    # Holm: sorted p 0.01, 0.03, 0.04, 0.60 times 4, 3, 2, 1, made monotone
    assert t["Holm"].to_dict() == pytest.approx({"A": 0.04, "C": 0.09, "B": 0.09, "D": 0.60})
    # BH: p * m / rank, then the running minimum from the top: 0.04, 0.053, 0.053, 0.60
    assert t["Benjamini-Hochberg"].to_dict() == pytest.approx({"A": 0.04, "C": 0.04 * 4 / 3, "B": 0.04 * 4 / 3,
                                                               "D": 0.60})
    assert t["rests on significance"].to_dict() == {"A": True, "B": True, "C": True, "D": False}
    assert t["survives Holm"].to_dict() == {"A": True, "B": False, "C": False, "D": None}
    assert t["survives BH"].to_dict() == {"A": True, "B": False, "C": False, "D": None}
    counts = review.summary([], results, review.multiple_testing(results))
    assert (counts["tests"], counts["resting"], counts["survive_holm"], counts["survive_bh"]) == (4, 3, 1, 1)


def test_the_registered_rules_are_version_one_s_and_the_book_publishes_them_unchanged():
    rules = review.registered()
    assert len(rules) == 22
    from smallcaps.book import THESIS_CLAIMS
    from smallcaps.book.results import read_all

    results = {c.id: c for res in read_all(ROOT / "book", list(THESIS_CLAIMS)).values() for c in res.claims}
    check = review.registered_check(results, rules)
    assert check["the same"].all(), check[~check["the same"]]
    import hashlib

    for cid, r in rules.items():
        assert hashlib.sha256(r["rule"].encode()).hexdigest() == r["sha256"], cid


def test_a_changed_rule_without_an_amendment_is_caught():
    rules = {"R1": {"rule": "the old rule", "sha256": __import__("hashlib").sha256(b"the old rule").hexdigest()}}
    assert review.registered_check({"R1": result("R1", "supported", rule="the old rule")}, rules)["the same"].all()
    assert not review.registered_check({"R1": result("R1", "supported", rule="a new rule")}, rules)["the same"].any()
    amended = result("R1", "supported", amended=True, rule="a new rule")
    assert review.registered_check({"R1": amended}, rules)["the same"].all()


def test_registered_rules_file_is_valid_json_with_its_commit():
    raw = json.loads((ROOT / "lib" / "smallcaps" / "claims" / "registered-rules.json").read_text())
    assert raw["commit"] == "1d939b9" and set(raw["rules"]) == {f"{p}{i}" for p, n in
                                                               (("R", 7), ("M", 5), ("V", 5), ("G", 5))
                                                               for i in range(1, n + 1)}
