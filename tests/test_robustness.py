"""The Robustness page's numbers: the stability rule on hand-made sweep rows, the results
contract, what the scorecard and the chapters show from it, and how the runner orders the page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from smallcaps.book import runner
from smallcaps.book.results import ChapterResults, ClaimResult, Sample, Statistic
from smallcaps.book.robustness import (
    FRAGILE_BELOW,
    RESULTS,
    Robustness,
    read_stability,
    stability_of,
    stability_text,
)
from smallcaps.book.scorecard import Scorecard
from smallcaps.errors import DataError, ParameterError
from smallcaps.sweep.tasks import COLUMN_NAMES

ROOT = Path(__file__).resolve().parents[1]
S, P, N, U = "supported", "partly supported", "not supported", "untestable with available data"


def _rows(claim: str, windows: dict[tuple[str, str], list[str]], *, errors=(), value=1.0) -> pd.DataFrame:
    """Rows of one claim: per window (start, end), the verdict of each specification in order
    (the first is the default; the first window is the published one)."""
    rows = []
    for wi, ((start, end), verdicts) in enumerate(windows.items()):
        for si, v in enumerate(verdicts):
            err = (wi, si) in errors
            rows.append({c: None for c in COLUMN_NAMES} | {
                "claim": claim, "chapter": "valuation", "spec": "default" if si == 0 else f"alt {si}",
                "spec_index": si, "is_default_spec": si == 0,
                "spec_choices": json.dumps({"x": "default" if si == 0 else f"alt {si}"}),
                "spec_values": "{}", "window_kind": "published" if wi == 0 else "rolling",
                "window_years": 0.0 if wi == 0 else 10.0,
                "window_start": start, "window_end": end, "window_as_of": end, "is_published_window": wi == 0,
                "verdict": None if err else v, "statistic": "gap", "value": None if err or v == U else value + si,
                "unit": "pp", "ci_low": None, "ci_high": None, "error": "ValueError: boom" if err else None,
                "seconds": 0.01})
    return pd.DataFrame(rows, columns=list(COLUMN_NAMES))


def test_the_rule_is_two_thirds():
    assert FRAGILE_BELOW == pytest.approx(2 / 3)


@pytest.mark.parametrize("verdicts, share, fragile", [
    ([P, P, P], 1.0, False),
    ([P, P, N], 0.666667, False),  # exactly two thirds agree: not fragile
    ([P, P, N, S, P], 0.6, True),  # three of five: fragile
    ([S, N], 0.5, True),
    ([P], 1.0, False),
])
def test_stability_on_the_published_window(verdicts, share, fragile):
    s = stability_of(_rows("V9", {("2000-01-01", "2020-12-31"): verdicts}))
    assert s.headline == verdicts[0] and s.published_window["n"] == len(verdicts)
    assert s.published_window["share"] == share and s.stability == share and s.fragile is fragile
    assert s.disagree == [f"alt {i} -> {v}" for i, v in enumerate(verdicts) if v != verdicts[0]]


def test_all_windows_counts_only_windows_the_published_specification_can_decide():
    rows = _rows("V9", {
        ("2000-01-01", "2020-12-31"): [P, P, N],
        ("2001-01-01", "2010-12-31"): [P, S, U],  # decidable: 1 of 3 agree
        ("2011-01-01", "2020-12-31"): [N, N, N],  # decidable: none agree
        ("1990-01-01", "1999-12-31"): [U, P, P],  # the default cannot decide it: left out
    }, errors={(2, 2)})
    s = stability_of(rows)
    assert s.windows == 4 and s.specifications == 3
    assert s.all_windows == {"windows": 3, "n": 9, "agree": 3, "errors": 1, "share": 0.375}  # 3 of 8 without error
    assert s.published_window == {"n": 3, "agree": 2, "untestable": 0, "errors": 0, "share": 0.666667}
    assert not s.fragile
    assert s.short() == "2/3 specs (67%); 38% of 8 across 3 windows"


def test_errors_are_left_out_and_a_missing_headline_is_an_error():
    s = stability_of(_rows("V9", {("2000-01-01", "2020-12-31"): [S, N, S]}, errors={(0, 1)}))
    assert s.published_window == {"n": 3, "agree": 2, "untestable": 0, "errors": 1, "share": 1.0}
    with pytest.raises(DataError, match="no published verdict for V9"):
        stability_of(_rows("V9", {("2000-01-01", "2020-12-31"): [S, N]}, errors={(0, 0)}))


def _published(cid: str, verdict: str, value: float = 1.0) -> ClaimResult:
    return ClaimResult(id=cid, claim="c", rule="r", verdict=verdict, statistic=Statistic("gap", value, "pp"),
                       sample=Sample("2000-01-01", "2020-12-31", 10, "monthly"), data_vintage="v", section=cid.lower())


@pytest.fixture
def folder(tmp_path) -> Path:
    rows = pd.concat([_rows("V1", {("2000-01-01", "2020-12-31"): [P, P, P, N]}),
                      _rows("V3", {("2000-01-01", "2020-12-31"): [P, N, N, P]})], ignore_index=True)
    rb = Robustness(rows, {"snapshot": "abc", "code": "def"})
    rb.publish(tmp_path)
    return tmp_path


def test_results_contract_round_trip_and_scorecard_column(folder):
    d = json.loads((folder / RESULTS).read_text())
    assert d["contract"] == 1 and d["fragile_below"] == 0.666667 and d["sweep"]["rows"] == 8
    assert [c["id"] for c in d["claims"]] == ["V1", "V3"]
    stabs = read_stability(folder)
    assert stabs["V1"].stability == 0.75 and not stabs["V1"].fragile and stabs["V3"].fragile
    claims = [_published(f"V{i}", P) for i in range(1, 6)]
    ChapterResults("valuation", "Valuation", {"start": "x", "end": "y", "as_of": "y"}, [], claims).write(folder)
    card = Scorecard.read(folder)
    t = card.table()
    assert t.loc["V1", "stability"] == "3/4 specs (75%); 75% of 4 across 1 windows"
    assert t.loc["V3", "stability"] == "2/4 specs (50%); 50% of 4 across 1 windows; fragile"
    assert t.loc["V2", "stability"] == "not swept" and t.loc["R1", "stability"] == ""
    assert card.fragile() == ["V3"]
    assert card.glue_values()["sc_fragile"] == (1, "{:d}") and card.glue_values()["sc_swept"] == (2, "{:d}")
    assert "<strong>fragile</strong>" in card.html_table()
    assert card.html_table().count('href="robustness.html#robustness-valuation"') == 2
    # a published verdict the sweep was not made for is stale, not silently fragile or stable
    ChapterResults("valuation", "Valuation", {}, [], [_published("V1", P), _published("V2", P),
                                                      _published("V3", N), _published("V4", P),
                                                      _published("V5", P)]).write(folder)
    card = Scorecard.read(folder)
    assert card.table().loc["V3", "stability"] == "stale: sweep made for another verdict" and card.fragile() == []


def test_chapter_stability_text(folder, tmp_path):
    text = stability_text("V3", _published("V3", P), folder).markdown
    assert text.startswith("**How robust is this verdict?** 2 of 4 specifications on this window give the same "
                           "verdict (50%): **fragile** (fewer than two thirds agree).")
    assert "50% of specification-window pairs agree" in text
    assert text.endswith("{ref}`the Robustness page <robustness-valuation>`.")
    assert "not fragile" in stability_text("V1", _published("V1", P), folder).markdown
    assert "made for another verdict" in stability_text("V1", _published("V1", P, value=2.0), folder).markdown
    assert "not in the specification sweep yet" in stability_text("R1", _published("R1", P), folder).markdown
    assert "not part of this run" in stability_text("V1", _published("V1", P), tmp_path / "nowhere").markdown


def test_unreadable_results_file(tmp_path):
    (tmp_path / RESULTS).write_text('{"contract": 9}')
    with pytest.raises(DataError, match="has contract 9, expected 1"):
        read_stability(tmp_path)


def test_runner_orders_robustness_first_and_scorecard_last(monkeypatch, tmp_path):
    assert runner._after(["scorecard", "valuation", "robustness", "data"]) == {
        "valuation": {"robustness"}, "scorecard": {"valuation", "robustness"}}
    assert runner._after(["valuation", "data"]) == {"valuation": set()}

    def fake_execute(chapter, src, dest, cwd, params, env, timeout, *rest):
        import time

        time.sleep({"robustness": 0.3}.get(chapter, 0.0))
        return runner.ChapterRun(chapter, True, 0.1)

    monkeypatch.setattr(runner.cf, "ProcessPoolExecutor", runner.cf.ThreadPoolExecutor)
    monkeypatch.setattr(runner, "_execute", fake_execute)
    events = []
    runner.execute_chapters(["scorecard", "valuation", "robustness", "data"], tmp_path, tmp_path, parameters=None,
                            env={}, jobs=2, timeout=10, on_event=lambda c, s, r: events.append((c, s)))
    done = [c for c, s in events if s == "done"]
    started = [c for c, s in events if s == "running"]
    assert started.index("valuation") > done.index("robustness")
    assert started[-1] == "scorecard" and done[-1] == "scorecard"


def test_robustness_is_not_rerun_with_new_dates():
    assert "robustness" not in runner.rerun_ids(None)
    with pytest.raises(ParameterError, match="chapters='robustness' is not re-run with new dates"):
        runner.rerun_ids("valuation,robustness")


def test_committed_page_results_match_the_committed_sweep():
    """book/robustness.results.json is what the committed sweep table gives."""
    rb = Robustness.open(ROOT / "book" / "robustness" / "sweep.parquet")
    committed = json.loads((ROOT / "book" / RESULTS).read_text())
    assert committed["claims"] == rb.results()["claims"]
    assert committed["sweep"]["rows"] == len(rb.table)


def test_a_scorecard_without_a_sweep_counts_none_swept(tmp_path):
    """A re-run of one chapter has no robustness results: no stability column, and the page's
    sentence counts 0 claims swept and 0 fragile (it failed with KeyError 'stability' before)."""
    claims = [_published(f"V{i}", P) for i in range(1, 6)]
    ChapterResults("valuation", "Valuation", {"start": "x", "end": "y", "as_of": "y"}, [], claims).write(tmp_path)
    card = Scorecard.read(tmp_path)
    assert "stability" not in card.table()
    values = card.glue_values()
    assert values["sc_swept"] == (0, "{:d}") and values["sc_fragile"] == (0, "{:d}") and values["sc_partly"][0] == 5
