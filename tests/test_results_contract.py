"""The results contract (book/results.py), chapter parameters (params.py) and the chapter kit
(chapter.py) without executing a notebook."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from smallcaps.book import CHAPTERS, THESIS_CLAIMS, params
from smallcaps.book.chapter import Chapter, Text, format_value, statistic_text, verdict_line
from smallcaps.book.results import (
    UNTESTABLE,
    VERDICTS,
    ChapterResults,
    ClaimResult,
    Rule,
    Sample,
    Statistic,
    read_all,
    results_filename,
)
from smallcaps.errors import DataError, ParameterError

RULE = Rule(
    claim_id="R1",
    claim="Small caps lead in 2026",
    hypothesis="IWM's 2026 return exceeds SPY's.",
    statistic="IWM minus SPY, year to date, in pp.",
    supported="the lead is above 2 pp",
    partly="the lead is between 0 and 2 pp",
    not_supported="IWM trails SPY",
    untestable="the window holds no 2026 prices",
)


def claim(cid: str = "R1", verdict: str = "supported", note: str = "", value=8.531234567, **stat) -> ClaimResult:
    s = {"name": "IWM minus SPY, 2026 YTD", "value": value, "unit": "pp", "ci_low": 1.23456789,
         "ci_high": 15.987654321, "ci_level": 0.95, "method": "stationary bootstrap"} | stat
    return ClaimResult(id=cid, claim="Small caps lead", rule=RULE.text(), verdict=verdict, statistic=Statistic(**s),
                       sample=Sample("2026-01-02", "2026-07-14", 133, "daily"), data_vintage="Yahoo to 2026-07-14",
                       section="r1", note=note)


# -- claims and rules --------------------------------------------------------------------------------


def test_claim_result_rejects_unknown_verdicts():
    with pytest.raises(DataError, match=r"claim R1: verdict 'true' is not one of"):
        claim(verdict="true")
    with pytest.raises(DataError, match=r"claim R1: verdict 'Supported' is not one of"):
        claim(verdict="Supported")
    for v in VERDICTS[:4]:
        assert claim(verdict=v).verdict == v


def test_untestable_needs_a_note():
    with pytest.raises(DataError, match="claim R1: an untestable verdict needs a note saying what data would decide"):
        claim(verdict=UNTESTABLE, value=None)
    ok = claim(verdict=UNTESTABLE, value=None, note="Needs 2026 prices.")
    assert ok.verdict == "untestable with available data"


def test_claim_result_rejects_unknown_frequency():
    with pytest.raises(DataError, match="sample frequency 'hourly'"):
        ClaimResult("R1", "c", "r", "supported", Statistic("s", 1.0, "pp"), Sample(None, None, 0, "hourly"), "v", "r1")


def test_rule_text_and_markdown_contain_every_part():
    text, md = RULE.text(), RULE.markdown()
    for part in (RULE.hypothesis, RULE.statistic, RULE.supported, RULE.partly, RULE.not_supported, RULE.untestable):
        assert part in text
        assert part in md
    assert text == (
        "Hypothesis: IWM's 2026 return exceeds SPY's. Statistic: IWM minus SPY, year to date, in pp. "
        "Supported if the lead is above 2 pp; partly supported if the lead is between 0 and 2 pp; "
        "not supported if IWM trails SPY. Untestable if the window holds no 2026 prices.")
    assert md.splitlines()[0] == "**Rule for R1, decided before looking at the evidence.**"
    assert md.splitlines()[-1] == "- *Untestable with available data* if the window holds no 2026 prices."
    plain = Rule("M1", "c", "h.", "s.", "a", "b", "c")
    assert "Untestable" not in plain.text() and "Untestable" not in plain.markdown()


# -- writing and reading -------------------------------------------------------------------------


def results(claims=None) -> ChapterResults:
    return ChapterResults(chapter="rotation", title="The rotation", parameters={"start": "2010-01-01", "lookback": 12},
                          data=[{"dataset": "fred/BAA", "sha256": "78bd"}], claims=claims or [claim()])


def test_write_read_round_trip_rounds_to_six_significant_digits(tmp_path):
    path = results([claim(), claim("R2", value=float("nan"), ci_low=0.0, ci_high=-0.000123456789)]).write(tmp_path)
    assert path == tmp_path / "rotation.results.json" == tmp_path / results_filename("rotation")
    raw = json.loads(path.read_text())
    assert raw["contract"] == 2 and raw["chapter"] == "rotation"
    st = raw["claims"][0]["statistic"]
    assert (st["value"], st["ci_low"], st["ci_high"], st["ci_level"]) == (8.53123, 1.23457, 15.9877, 0.95)
    st2 = raw["claims"][1]["statistic"]
    assert st2["value"] is None and st2["ci_low"] == 0.0 and st2["ci_high"] == -0.000123457
    back = ChapterResults.read(path)
    assert back.chapter == "rotation" and back.title == "The rotation"
    assert back.parameters == {"start": "2010-01-01", "lookback": 12}
    assert back.data == [{"dataset": "fred/BAA", "sha256": "78bd"}]
    assert back.claims[0] == claim(value=8.53123, ci_low=1.23457, ci_high=15.9877)
    assert back.claims[0].sample == Sample("2026-01-02", "2026-07-14", 133, "daily")
    # rewriting what was read reproduces the file byte for byte
    first = path.read_bytes()
    back.write(tmp_path)
    assert path.read_bytes() == first


def test_infinite_values_are_stored_as_null(tmp_path):
    path = results([claim(value=math.inf, ci_low=-math.inf)]).write(tmp_path)
    st = json.loads(path.read_text())["claims"][0]["statistic"]
    assert st["value"] is None and st["ci_low"] is None


def test_write_is_atomic(tmp_path):
    path = results().write(tmp_path)
    good = path.read_bytes()
    bad = results()
    bad.parameters["oops"] = object()  # not JSON-serialisable: the write fails
    with pytest.raises(TypeError):
        bad.write(tmp_path)
    assert path.read_bytes() == good  # the previous file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rotation.results.json"]  # no temporary file left


def test_read_missing_file_names_it(tmp_path):
    with pytest.raises(DataError, match=r"results file momentum\.results\.json is missing: run the chapter first"):
        ChapterResults.read(tmp_path / "momentum.results.json")


def test_read_invalid_json_names_the_file(tmp_path):
    (tmp_path / "rotation.results.json").write_text("{not json")
    with pytest.raises(DataError, match=r"results file rotation\.results\.json is not valid JSON"):
        ChapterResults.read(tmp_path / "rotation.results.json")


def test_read_wrong_contract_names_the_file(tmp_path):
    path = results().write(tmp_path)
    d = json.loads(path.read_text())
    d["contract"] = 1
    path.write_text(json.dumps(d))
    with pytest.raises(DataError) as info:
        ChapterResults.read(path)
    assert str(info.value) == "results file rotation.results.json has contract 1, expected 2"


def test_read_invalid_verdict_is_a_data_error(tmp_path):
    path = results().write(tmp_path)
    d = json.loads(path.read_text())
    d["claims"][0]["verdict"] = "maybe"
    path.write_text(json.dumps(d))
    with pytest.raises(DataError, match="verdict 'maybe' is not one of"):
        ChapterResults.read(path)


def _drop_statistic(d):
    del d["claims"][0]["statistic"]
    return d


@pytest.mark.parametrize("corrupt", [_drop_statistic, lambda d: [d]], ids=["claim-missing-field", "not-an-object"])
def test_read_malformed_file_is_a_data_error_naming_the_file(tmp_path, corrupt):
    path = results().write(tmp_path)
    path.write_text(json.dumps(corrupt(json.loads(path.read_text()))))
    with pytest.raises(DataError, match=r"rotation\.results\.json"):
        ChapterResults.read(path)


def test_read_all(tmp_path):
    results().write(tmp_path)
    out = read_all(tmp_path, ["rotation", "momentum"])
    assert list(out) == ["rotation", "momentum"]
    assert out["momentum"] is None
    assert out["rotation"].claims[0].id == "R1"
    (tmp_path / "momentum.results.json").write_text("{broken")
    with pytest.raises(DataError, match=r"momentum\.results\.json is not valid JSON"):
        read_all(tmp_path, ["rotation", "momentum"])


# -- parameters ----------------------------------------------------------------------------------


def test_window_parses_and_defaults_as_of_to_end():
    w = params.window("2010-01-01", "2019-12-31")
    assert (w.start, w.end, w.as_of) == tuple(pd.Timestamp(d) for d in ("2010-01-01", "2019-12-31", "2019-12-31"))
    assert w.as_dict() == {"start": "2010-01-01", "end": "2019-12-31", "as_of": "2019-12-31"}
    w2 = params.window(pd.Timestamp("2010-01-01 15:30"), "2019-12-31", as_of="2015-06-30")
    assert w2.start == pd.Timestamp("2010-01-01") and w2.as_of == pd.Timestamp("2015-06-30")
    assert params.window("2020-01-01", "2020-01-01").end == pd.Timestamp("2020-01-01")  # one day is a window
    # from Python, dates and Timestamps (with a time or a zone) are accepted; strings must be YYYY-MM-DD
    assert params.parse_date(pd.Timestamp("2020-03-01T12:00:00+05:00"), "x") == pd.Timestamp("2020-03-01")
    assert params.parse_date(__import__("datetime").date(2020, 3, 1), "x") == pd.Timestamp("2020-03-01")


@pytest.mark.parametrize("start, end, as_of, message", [
    ("2020-13-45", "2021-01-01", None, "start='2020-13-45' is not a date; give YYYY-MM-DD"),
    ("2020-01-01", "yesterday-ish", None, "end='yesterday-ish' is not a date; give YYYY-MM-DD"),
    ("2020-01-01", "2021-01-01", "soon", "as_of='soon' is not a date; give YYYY-MM-DD"),
    (None, "2021-01-01", None, "start is required; give a date as YYYY-MM-DD"),
    ("2020-01-01", " ", None, "end is required; give a date as YYYY-MM-DD"),
    ("2020-01-01", "2019-01-01", None, "end=2019-01-01 is before start=2020-01-01; end must be on or after start"),
    ("2020-01-01", "2021-12-31", "2022-01-01", "as_of=2022-01-01 is outside the window; valid: 2020-01-01..2021-12-31"),
    ("2020-01-01", "2021-12-31", "2019-12-31", "as_of=2019-12-31 is outside the window; valid: 2020-01-01..2021-12-31"),
])
def test_window_errors_name_the_parameter_and_the_valid_range(start, end, as_of, message):
    with pytest.raises(ParameterError) as info:
        params.window(start, end, as_of)
    assert str(info.value) == message


def test_check_coverage_allows_partial_overlap_only():
    w = params.window("2010-01-01", "2019-12-31")
    params.check_coverage(w, "2015-01-01", "2030-01-01", "the ETF prices")  # partial overlap is fine
    with pytest.raises(ParameterError) as info:
        params.check_coverage(w, "2000-01-01", "2009-12-31", "the ETF prices")
    assert str(info.value) == "start=2010-01-01 is after the last date of the ETF prices; valid: 2000-01-01..2009-12-31"
    with pytest.raises(ParameterError) as info:
        params.check_coverage(w, "2020-01-02", "2026-07-14", "the ETF prices")
    assert str(info.value) == "end=2019-12-31 is before the first date of the ETF prices; valid: 2020-01-02..2026-07-14"


# -- the chapter kit -----------------------------------------------------------------------------


@pytest.fixture
def display_options():
    """Chapter.open sets pandas display options: restore them afterwards."""
    names = ["display.width", "display.max_columns", "display.max_colwidth", "display.precision", "display.max_rows"]
    saved = {n: pd.get_option(n) for n in names}
    yield
    for n, v in saved.items():
        pd.set_option(n, v)


def open_chapter(tmp_path, chapter="rotation", **kw) -> Chapter:
    return Chapter.open(chapter, "The rotation", start="2010-01-01", end="2019-12-31", data_mode="offline",
                        results_dir=tmp_path, **kw)


def test_open_unknown_chapter(offline, display_options):
    with pytest.raises(ParameterError) as info:
        Chapter.open("nope", "t", start="2010-01-01", end="2019-12-31")
    assert str(info.value) == f"chapter='nope' is unknown; valid: {', '.join(CHAPTERS)}"
    assert ", ".join(CHAPTERS) == ("rotation, momentum, valuation, graduation, robustness, scorecard, data, intro, "
                                   "review")


def test_open_checks_parameters_before_anything(offline, display_options, tmp_path):
    with pytest.raises(ParameterError, match="end=2009-01-01 is before start=2010-01-01"):
        Chapter.open("rotation", "t", start="2010-01-01", end="2009-01-01", data_mode="offline")
    with pytest.raises(ParameterError, match="mode='auto' needs the network"):
        Chapter.open("rotation", "t", start="2010-01-01", end="2019-12-31", data_mode="auto")
    with pytest.raises(ParameterError) as info:
        open_chapter(tmp_path, lookback=12)
    assert str(info.value) == ("lookback is not a parameter of the rotation chapter; valid: start, end, as_of, "
                               "data_mode, snapshot, rates_rally_bp, vix_spike_pct, event_days, ousm_holdings_csv")
    ch = open_chapter(tmp_path, event_days=12)  # the others take their declared defaults
    assert ch.parameters == {"start": "2010-01-01", "end": "2019-12-31", "as_of": "2019-12-31", "data_mode": "offline",
                             "rates_rally_bp": 25, "vix_spike_pct": 40, "event_days": 12, "ousm_holdings_csv": None}
    assert ch.data.used() == []  # nothing loaded yet


def test_coverage_check_messages(offline, display_options, tmp_path):
    ch = open_chapter(tmp_path)
    ch.coverage_check("2000-01-03", "2026-07-14", "the ETF prices")  # inside: fine
    ch.coverage_check("2010-01-01", "2019-12-31", "the ETF prices")  # exactly the window: fine
    with pytest.raises(ParameterError) as info:
        ch.coverage_check("2010-01-04", "2026-07-14", "the ETF prices")
    assert str(info.value) == ("start=2010-01-01 is before the first date of the ETF prices; "
                               "valid: 2010-01-04..2026-07-14")
    with pytest.raises(ParameterError) as info:
        ch.coverage_check("2000-01-03", "2019-06-28", "the French factors")
    assert str(info.value) == ("end=2019-12-31 is after the last date of the French factors; "
                               "valid: 2000-01-03..2019-06-28")


def test_publish_refuses_a_thesis_chapter_missing_claims(offline, display_options, tmp_path):
    ch = open_chapter(tmp_path)
    ch.add(claim("R1"))
    with pytest.raises(DataError) as info:
        ch.publish()
    assert str(info.value) == "chapter rotation has no result for claim(s) R2, R3, R4, R5, R6, R7"
    assert not (tmp_path / "rotation.results.json").exists()
    with pytest.raises(DataError, match="claim R1 recorded twice in chapter rotation"):
        ch.add(claim("R1"))


def test_publish_writes_the_results_when_complete(offline, display_options, tmp_path):
    ch = open_chapter(tmp_path)
    ch.data.fred("BAA")
    ids = list(THESIS_CLAIMS["rotation"])
    for cid in reversed(ids):  # recorded out of order, published in the chapter's order
        line = ch.verdict(claim(cid))
        assert isinstance(line, Text)
    table = ch.publish()
    assert list(table.index) == ids[::-1]  # the table is in recording order
    assert table.loc["R1", "verdict"] == "supported"
    assert table.loc["R1", "deciding number"] == "IWM minus SPY, 2026 YTD: 8.53 pp (95% CI 1.23 to 15.99)"
    assert table.loc["R1", "sample"] == "2026-01-02..2026-07-14, n=133 daily"
    back = ChapterResults.read(tmp_path / "rotation.results.json")
    assert [c.id for c in back.claims] == ids
    assert back.parameters["data_mode"] == "offline"
    assert back.data == [{"dataset": "fred/BAA", "source": "fred", "origin": "snapshot", "location": "fred/BAA.csv",
                          "vintage": "", "first": "1919-01-01", "last": "2023-11-01",
                          "sha256": "78bdba42f0a3df843803dec2456e3ae1d5d6624cf21a06e9157a438e42c87966"}]


def test_non_thesis_chapter_publishes_without_claims(offline, display_options, tmp_path):
    ch = open_chapter(tmp_path, chapter="data")
    assert ch.publish().empty
    assert ChapterResults.read(tmp_path / "data.results.json").claims == []


def test_data_as_of_lists_sources(offline, display_options, tmp_path):
    ch = open_chapter(tmp_path)
    ch.data.french("F-F_Research_Data_Factors")
    ch.data.prices(["IWM", "AAPL"])
    text = ch.show_data_as_of()
    assert repr(text) == text.markdown == ch.data_as_of()
    lines = text.markdown.splitlines()
    assert lines[0] == "**Parameters:** start 2010-01-01, end 2019-12-31, as of 2019-12-31, data mode offline."
    assert ("- Kenneth French data library: F-F_Research_Data_Factors (to 2025-11, CRSP 202511) "
            "(snapshot e54925ec23af)") in lines
    assert ("- Yahoo Finance adjusted closes: 1 ETF and index file and the S&P member stock panel (6,671 days), "
            "last quote 2026-07-14 (snapshot e54925ec23af)") in lines


def test_text_repr_is_its_markdown():
    t = Text("**Verdict on R1: supported.**")
    assert repr(t) == t._repr_markdown_() == "**Verdict on R1: supported.**"
    assert repr(Chapter.show_rule(RULE)) == RULE.markdown()


def test_verdict_line_and_statistic_text():
    c = claim(note="The lead is large.")
    assert verdict_line(c) == ("**Verdict on R1: supported.** IWM minus SPY, 2026 YTD: 8.53 pp (95% CI 1.23 to 15.99). "
                               "Sample: 2026-01-02 to 2026-07-14, 133 daily observations. The lead is large.")
    u = claim(verdict=UNTESTABLE, value=None, ci_low=None, ci_high=None, note="Needs 2026 prices.")
    assert statistic_text(u) == "IWM minus SPY, 2026 YTD: n/a"


@pytest.mark.parametrize("value, fmt, expected", [
    (None, None, "n/a"),
    (float("nan"), None, "n/a"),
    (np.nan, "{:.1f}", "n/a"),
    (pd.NA, None, "n/a"),
    ("already text", "{:.1f}", "already text"),
    (pd.Timestamp("2026-07-14 16:00"), None, "2026-07-14"),
    (3.14159, None, "3.14"),
    (np.float64(8.5312), "{:.1f}", "8.5"),
    (1234567, "{:,}", "1,234,567"),
    (0.0853, "{:.1%}", "8.5%"),
])
def test_format_value(value, fmt, expected):
    assert format_value(value, fmt) == expected
