"""The claim base: specification spaces, the untestable path, amendments, dated claims, parts.

A toy claim on hand-made inputs ("the mean return is above a threshold") exercises each piece
of machinery every real claim inherits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
import pytest

from smallcaps.claims.base import (
    ChapterInputs,
    Choice,
    Claim,
    Decision,
    Part,
    SpecSpace,
    Untestable,
    combine_parts,
)
from smallcaps.claims.contract import (
    INCONCLUSIVE,
    NOT_SUPPORTED,
    PARTLY,
    SUPPORTED,
    UNTESTABLE,
    Amendment,
    Anchor,
    Rule,
    Sample,
    Statistic,
)
from smallcaps.errors import ParameterError
from smallcaps.params import window


@dataclass
class ToyInputs(ChapterInputs):
    chapter: ClassVar[str] = "toy"
    default_start: ClassVar[str] = "2020-01-01"
    default_end: ClassVar[str] = "2020-12-31"
    returns: pd.Series

    def vintage(self, *names: str) -> str:
        return "toy data"


OLD_RULE = Rule("T1", "Returns are high", "mean above 1", "the mean", "it is above 1", "never", "otherwise")


class T1(Claim):
    id = "T1"
    chapter = "toy"
    heading = "A toy"
    statistic_name = "mean daily return"
    unit = "%"
    inputs_used = ("returns",)
    claim_dates = ("2020-06-30",)
    space = SpecSpace(Choice("threshold", 2.0, {"registered": 1.0}, "the mean must exceed this (%)",
                             check=lambda v: None if v >= 0 else "0 or more"))
    rule_template = Rule("T1", "Returns are high", "mean above {threshold:g}", "the mean",
                         "it is above {threshold:g}", "never", "otherwise", "the window has under 5 days")
    amendments = (Amendment("2026-11-26", "a referee asked for a higher bar", OLD_RULE, {"threshold": 1.0}),)

    def compute(self):
        r = self.inputs.returns.loc[self.window.start: self.window.as_of]
        if len(r) < 5:
            raise Untestable("the window has under 5 days; 5 days of returns would decide it")
        return r

    def decide(self, ev) -> Decision:
        m = float(ev.mean())
        verdict = SUPPORTED if m > self.spec.threshold else NOT_SUPPORTED
        return Decision(verdict, Statistic(self.statistic_name, m, "%"),
                        Sample(str(ev.index[0].date()), str(ev.index[-1].date()), len(ev), "daily"),
                        f"mean {m:.2f}", p_value=0.01)


@pytest.fixture
def inputs():
    days = pd.bdate_range("2020-01-01", "2020-12-31")
    # 1.5 a day in the first half, 3 a day in the second
    return ToyInputs(pd.Series([1.5 if d < pd.Timestamp("2020-07-01") else 3.0 for d in days], index=days))


def test_rule_text_is_filled_from_the_spec_the_decision_reads(inputs):
    assert T1.rule_for().supported == "it is above 2"
    assert T1.rule_for({"threshold": 1.0}).supported == "it is above 1"
    full = T1(inputs, window("2020-01-01", "2020-12-31"))
    assert full.result.verdict == SUPPORTED and full.result.statistic.value == pytest.approx(2.25, abs=0.01)
    assert "it is above 2" in full.result.rule and full.p_value == 0.01


def test_spec_errors_name_the_choice_and_the_valid_range(inputs):
    with pytest.raises(ParameterError, match="T1 has no spec choice 'thresh'; valid: threshold"):
        T1(inputs, spec={"thresh": 1})
    with pytest.raises(ParameterError, match="T1 spec threshold=-1.0 is out of range; valid: 0 or more"):
        T1(inputs, spec={"threshold": -1})
    assert [s.label for s in T1.space.variants()] == ["default", "threshold=registered"]
    assert T1.space.size("grid") == 2


def test_the_untestable_path_is_the_base_s(inputs):
    c = T1(inputs, window("2020-03-02", "2020-03-04"))
    res = c.result
    assert res.verdict == UNTESTABLE and res.statistic.value is None and res.statistic.name == "mean daily return"
    assert res.note.startswith("the window has under 5 days") and res.sample.n == 0
    assert c.all_flags() == {"t1": False} and not c.testable
    assert c.plot(lambda **kw: 1 / 0) == "the window cannot decide T1 (see its verdict)"
    assert c.bare_result.verdict_line() == f"**Verdict on T1: {UNTESTABLE}.** {res.note}"
    assert res.verdict_line() == f"**Verdict on T1: {UNTESTABLE}.** (The same under the registered rule.) {res.note}"


def test_the_registered_rule_is_recomputed_not_typed(inputs):
    # first half only: mean 1.5 is above the registered bar (1) and below the amended one (2)
    c = T1(inputs, window("2020-01-01", "2020-06-30"))
    assert c.result.verdict == NOT_SUPPORTED
    assert c.result.registered["verdict"] == SUPPORTED and c.result.rule_status == "amended"
    assert c.result.amendments[0]["old_rule"] == OLD_RULE.text() and "it is above 2" in c.result.amendments[0]["new_rule"]
    assert "(Under the registered rule: supported.)" in c.result.verdict_line()
    box = c.rule.markdown()
    assert box.startswith("**Rule for T1, amended on 2026-11-26 (registered rule below).**")
    assert "- *Amended on 2026-11-26:* a referee asked for a higher bar" in box and OLD_RULE.text() in box
    reg = c.registered()
    assert reg.spec["threshold"] == 1.0 and reg.result.verdict == SUPPORTED
    assert T1.registered_rule() is OLD_RULE and c.amended
    assert T1.amendments[0].to_dict(c.rule)["old_rule"] == OLD_RULE.text()


def test_when_said_reads_the_claim_at_its_source_date(inputs):
    c = T1(inputs, window("2020-01-01", "2020-12-31"))
    said = c.when_said()
    assert said.window.end == pd.Timestamp("2020-06-30") and said.window.as_of == pd.Timestamp("2020-06-30")
    assert said.result.statistic.value == pytest.approx(1.5) and said.result.verdict == NOT_SUPPORTED
    d = c.result.dated
    assert d["claim_date"] == "2020-06-30" and d["when_said"]["verdict"] == NOT_SUPPORTED
    assert d["as_of"] == {"date": "2020-12-31", "verdict": SUPPORTED, "statistic": c.result.statistic.to_dict()}
    assert "When said (2020-06-30): not supported; as of 2020-12-31: supported." in c.result.verdict_line()
    assert c.result.statistic.p_value == 0.01  # the decision's p-value travels with its statistic
    assert T1(inputs, window("2020-07-01", "2020-12-31")).when_said() is None


def test_summary_on_the_class_and_on_an_instance(inputs):
    text = T1.summary().markdown
    assert text.startswith("**T1. A toy**") and "| threshold | 2.0 | registered (1.0) |" in text
    inst = T1(inputs, window("2020-01-01", "2020-12-31")).summary().markdown
    assert "**Verdict on T1: supported.**" in inst


@pytest.mark.parametrize("parts, verdict", [
    ([("a", "assertion", SUPPORTED), ("b", "assertion", SUPPORTED)], SUPPORTED),
    ([("a", "assertion", SUPPORTED), ("b", "assertion", None)], PARTLY),          # an untestable part caps
    ([("a", "assertion", NOT_SUPPORTED), ("b", "assertion", None)], NOT_SUPPORTED),
    ([("a", "assertion", None), ("r", "reason", SUPPORTED)], UNTESTABLE),         # reasons never decide
    ([("a", "assertion", SUPPORTED), ("b", "assertion", NOT_SUPPORTED)], PARTLY),
    ([("a", "assertion", INCONCLUSIVE), ("b", "assertion", NOT_SUPPORTED)], INCONCLUSIVE),
    ([("a", "assertion", NOT_SUPPORTED), ("r", "reason", SUPPORTED)], NOT_SUPPORTED),
])
def test_one_rule_for_claims_with_parts(parts, verdict):
    assert combine_parts([Part(*p) for p in parts]) == verdict


def test_a_claim_needs_an_assertion():
    with pytest.raises(ValueError):
        combine_parts([Part("r", "reason", SUPPORTED)])
    with pytest.raises(ValueError):
        Part("x", "premise", SUPPORTED)


def test_anchor_within_its_stated_tolerance():
    a = Anchor("CGH (2004) after UP markets", "cooper2004", 0.93, 1.02, "%/month", "1929-1995", 0.15)
    assert a.within and a.difference == pytest.approx(0.09)
    assert not Anchor("x", "k", 0.93, 1.20, "%/month", "s", 0.15).within
    assert not Anchor("x", "k", 0.93, None, "%/month", "s", 0.15).within
    assert a.to_dict()["within"] is True
