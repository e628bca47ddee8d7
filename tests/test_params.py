"""Chapter parameters: the declaration table agrees with every notebook's parameters cell, dates
are strict, ``-p`` values are typed as papermill types them and checked against each chosen
chapter before any kernel starts, and a plain papermill run fails in the set-up cell with the
same one-line errors (review cases A R05/P01/P03, B07/B11/B12, F-26)."""

from __future__ import annotations

import ast
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import papermill
import pytest

from smallcaps import cli
from smallcaps.book import CHAPTERS, params, runner
from smallcaps.errors import ParameterError
from smallcaps.params import SPECS, ParameterSpec, as_date, check_chapter, check_run, parse_date

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SMALLCAPS = str(Path(sys.executable).with_name("smallcaps"))
PAPERMILL = str(Path(sys.executable).with_name("papermill"))


# -- the table and the notebooks ------------------------------------------------------------------------


#: The chapters whose parameters the table declares (the Robustness page reads the committed sweep and
#: has one parameter, its table's path; tested below).
DECLARED = [c for c in CHAPTERS if c != "robustness"]
VALID_CHAPTERS = "rotation, momentum, valuation, graduation, robustness, scorecard, data, intro, review"


def test_every_chapter_but_the_robustness_page_is_declared():
    assert set(DECLARED) == set(SPECS)
    found = papermill.inspect_notebook(str(BOOK / CHAPTERS["robustness"]))
    assert {n: ast.literal_eval(p["default"]) for n, p in found.items()} == {"sweep_table": "robustness/sweep.parquet"}


@pytest.mark.parametrize("chapter", DECLARED)
def test_table_equals_the_notebooks_parameters_cell(chapter):
    found = papermill.inspect_notebook(str(BOOK / CHAPTERS[chapter]))
    declared = {s.name: s.default for s in SPECS[chapter]}
    assert list(found) == list(declared), "names (in order) differ between SPECS and the parameters cell"
    assert {n: ast.literal_eval(p["default"]) for n, p in found.items()} == declared


@pytest.mark.parametrize("chapter", DECLARED)
def test_every_default_passes_its_own_check_and_the_set_up_cell_passes_every_parameter(chapter):
    table = params.specs(chapter)
    checked = check_chapter(chapter, {n: s.default for n, s in table.items()})
    assert checked["as_of"] == checked["end"] == table["end"].default  # as_of defaults to end, everywhere
    assert table["as_of"].default is None
    nb = nbformat.read(BOOK / CHAPTERS[chapter], as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    set_up = next(c.source for c in nb.cells[i + 1:] if c.cell_type == "code")
    assert "Chapter.open(" in set_up
    for name in table:
        assert re.search(rf"\b{name}={name}\b", set_up), f"the set-up cell of {chapter} does not pass {name}"


def test_the_chapters_regime_and_event_choices_agree_with_the_table():
    from smallcaps.claims import graduation as grad
    from smallcaps.claims import momentum as mom
    from smallcaps.claims.momentum import regimes

    declared = {n: params.spec("momentum", n).default for n in params.own_parameters("momentum")}
    assert {n: c.default for n, c in regimes.PARAMETERS.items()} == declared
    assert mom.check_parameters(**declared) == declared
    with pytest.raises(ParameterError) as err:
        mom.check_parameters(lead_months=25)
    assert str(err.value) == "lead_months=25 is out of range; valid: whole numbers 1..24 (months)"
    assert mom.check_parameters(market_lookback=np.int64(36)) == {"market_lookback": 36}
    with pytest.raises(ParameterError,
                       match=r"^pre_months=61 is out of range; valid: whole numbers 12\.\.60 \(months\)$"):
        grad.check_parameters(7, 61, 24, "origin")


# -- dates (F-4, F-26) ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value, message", [
    (1995, "start=1995 is not a date; give YYYY-MM-DD"),
    (1995.0, "start=1995.0 is not a date; give YYYY-MM-DD"),
    (True, "start=True is not a date; give YYYY-MM-DD"),
    ("1995", "start='1995' is not a date; give YYYY-MM-DD"),
    ("now", "start='now' is not a date; give YYYY-MM-DD"),
    ("today", "start='today' is not a date; give YYYY-MM-DD"),
    ("1/2/2020", "start='1/2/2020' is not a date; give YYYY-MM-DD"),
    ("-1", "start='-1' is not a date; give YYYY-MM-DD"),
    ("2020-02-30", "start='2020-02-30' is not a date; give YYYY-MM-DD"),
    ("2020-03-01T12:00", "start='2020-03-01T12:00' is not a date; give YYYY-MM-DD"),
    ("0001-01-01", "start=0001-01-01 is out of range; valid: 1800-01-01 or later"),
    ("1799-12-31", "start=1799-12-31 is out of range; valid: 1800-01-01 or later"),
    (pd.NaT, "start=NaT is not a date; give YYYY-MM-DD"),
    ([2020, 1, 1], "start=[2020, 1, 1] is not a date; give YYYY-MM-DD"),
])
def test_dates_are_strict(value, message):
    with pytest.raises(ParameterError) as err:
        parse_date(value, "start")
    assert str(err.value) == message


def test_date_objects_from_python_stay_accepted():
    want = pd.Timestamp("2020-03-01")
    assert parse_date(" 2020-03-01 ", "x") == want
    assert parse_date(dt.date(2020, 3, 1), "x") == want
    assert parse_date(dt.datetime(2020, 3, 1, 15, 30), "x") == want
    assert parse_date(pd.Timestamp("2020-03-01 23:00"), "x") == want
    assert parse_date(pd.Timestamp("2020-03-01T12:00:00+05:00"), "x") == want  # 07:00 UTC
    assert parse_date(np.datetime64("2020-03-01"), "x") == want
    assert parse_date("1800-01-01", "x") == pd.Timestamp("1800-01-01")
    assert as_date("2026-07-13", "x") == dt.date(2026, 7, 13)
    assert parse_date(None, "as_of", allow_none=True) is None


# -- checking one chapter (Chapter.open, i.e. plain papermill) ----------------------------------------------


@pytest.mark.parametrize("chapter, values, message", [
    ("rotation", {"rates_rally_bp": "abc"}, "rates_rally_bp='abc' is not a number; valid: 1..300 (basis points)"),
    ("rotation", {"rates_rally_bp": float("nan")}, "rates_rally_bp=nan is not a number; valid: 1..300 (basis points)"),
    ("rotation", {"vix_spike_pct": 0}, "vix_spike_pct=0 is out of range; valid: 1..1000 (percent)"),
    ("rotation", {"event_days": 2.5},
     "event_days=2.5 is not a whole number; valid: whole numbers 1..63 (trading days)"),
    ("rotation", {"as_of": "2026-07-14"}, "as_of=2026-07-14 is outside the window; valid: 1926-07-01..2026-07-13"),
    ("rotation", {"start": "1900-01-01"},
     "start=1900-01-01 is before the first date of the rotation chapter's data; valid: 1926-07-01 or later"),
    ("valuation", {"start": 1995}, "start=1995 is not a date; give YYYY-MM-DD"),
    ("valuation", {"lookback": 3}, "lookback is not a parameter of the valuation chapter; valid: start, end, as_of, "
                                   "data_mode, snapshot, forward_pe_csv"),
    ("momentum", {"vol_measure": "garch"}, "vol_measure='garch' is unknown; valid: realised, vix"),
    ("momentum", {"data_mode": "online"}, "data_mode='online' is unknown; valid: offline, auto, refresh"),
    ("graduation", {"benchmark": None}, "benchmark is required; valid: origin, destination"),
    ("graduation", {"moves_csv": "/no/such/moves.csv"},
     "moves_csv='moves.csv' is not a file; give a CSV with columns ticker, date, from, to"),
    ("scorecard", {"require_complete": "yes"}, "require_complete='yes' is not True or False; valid: True, False"),
])
def test_check_chapter_one_line_errors(chapter, values, message):
    with pytest.raises(ParameterError) as err:
        check_chapter(chapter, values)
    assert str(err.value) == message


def test_check_chapter_normalises_and_fills_defaults():
    out = check_chapter("rotation", {"start": dt.date(2015, 1, 1), "end": "2020-12-31",
                                     "rates_rally_bp": np.float64(30.5)})
    assert out == {"start": "2015-01-01", "end": "2020-12-31", "as_of": "2020-12-31", "data_mode": None,
                   "snapshot": None,
                   "rates_rally_bp": 30.5, "vix_spike_pct": 40, "event_days": 10, "ousm_holdings_csv": None}
    assert type(out["rates_rally_bp"]) is float and type(out["vix_spike_pct"]) is int


def test_moves_csv_is_checked_for_columns_and_rows(tmp_path):
    bad = tmp_path / "m.csv"
    bad.write_text("symbol,when,src,dst\nA,2024-01-02,S&P 600,S&P 400\n")
    with pytest.raises(ParameterError, match=r"^moves_csv lacks column\(s\) ticker, date, from, to; required"):
        check_chapter("graduation", {"moves_csv": str(bad)})
    bad.write_text("ticker,date,from,to\n")
    with pytest.raises(ParameterError, match="^moves_csv has no rows"):
        check_chapter("graduation", {"moves_csv": str(bad)})
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ParameterError, match=r"^moves_csv='m.csv' cannot be read \(UnicodeDecodeError\)$"):
        check_chapter("graduation", {"moves_csv": str(bad)})
    bad.write_text("Ticker, Date ,From,To\nA,2024-01-02,S&P 600,S&P 400\n")
    assert check_chapter("graduation", {"moves_csv": str(bad)})["moves_csv"] == str(bad)


@pytest.mark.parametrize("rows, message", [  # review cases G05/G06 (repeats), G08 (markup), L3 (a bad date)
    ("A,2024-01-02,S&P 600,S&P 400\nA,2024-01-02,S&P 600,S&P 400\n",
     r"^moves_csv row 2 repeats row 1 \(A, 2024-01-02, "),
    ("<img src=x onerror=alert(1)>,2024-01-02,S&P 600,S&P 400\n", r"^moves_csv row 1: ticker='<img src=x onerror=a' "
                                                                  r"is not a ticker"),
    ("A,26/06/2026,S&P 600,S&P 400\n", r"^moves_csv row 1: date='26/06/2026' is not a date; give YYYY-MM-DD$"),
])
def test_a_moves_list_is_parsed_whole_before_any_kernel_starts(tmp_path, rows, message):
    bad = tmp_path / "m.csv"
    bad.write_text("ticker,date,from,to\n" + rows)
    with pytest.raises(ParameterError, match=message) as err:
        check_chapter("graduation", {"moves_csv": str(bad)})
    assert "\n" not in str(err.value)


def test_spec_kinds_are_known():
    with pytest.raises(ValueError):
        ParameterSpec("x", "colour", None, "")


# -- -p values: papermill's typing ------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["True", "False", "None", "12", "-3", "0x1F", "1_000", "1e3", "0.5", "nan", "inf",
                                  "-inf", "abc", "", " 7 ", "2007-12-31", "1/2/2020", "true", "none", "١٢"])
def test_values_are_typed_exactly_as_papermill_types_them(text):
    from papermill.cli import _resolve_type

    ours, theirs = params.resolve_value(text), _resolve_type(text)
    assert type(ours) is type(theirs)
    assert ours == theirs or (ours != ours and theirs != theirs)  # nan


# -- checking a run (before any kernel) --------------------------------------------------------------------


def test_run_parameters_go_only_to_the_chapters_that_declare_them(tmp_path):
    moves = tmp_path / "moves.csv"
    moves.write_text("ticker,date,from,to\nBE,2026-06-26,Russell 2000,Russell 1000\n")
    chosen = ["rotation", "graduation", "scorecard", "data"]
    rp = check_run(chosen, {"start": "2015-01-01", "end": "2020-12-31", "as_of": None},
                   {"rates_rally_bp": 30, "moves_csv": str(moves)})
    assert rp.by_chapter["rotation"] == {"start": "2015-01-01", "end": "2020-12-31", "rates_rally_bp": 30}
    assert rp.by_chapter["graduation"] == {"start": "2015-01-01", "end": "2020-12-31", "moves_csv": str(moves)}
    assert rp.by_chapter["data"] == rp.by_chapter["scorecard"] == {"start": "2015-01-01", "end": "2020-12-31"}
    assert rp.files == {"moves_csv": moves.resolve()}
    # dates left out stay each chapter's own; -p start is --start
    rp = check_run(["valuation", "data"], {"start": None, "end": None, "as_of": None}, {"start": "1995-01-01"})
    assert rp.by_chapter["valuation"] == {"start": "1995-01-01"}


@pytest.mark.parametrize("chapters, dates, extra, message", [
    # B07 / P03: an integer year is not a date
    (["valuation"], {}, {"start": 1995, "end": "2007-12-31"}, "start=1995 is not a date; give YYYY-MM-DD"),
    # B11
    (["rotation"], {}, {"rates_rally_bp": "abc"}, "rates_rally_bp='abc' is not a number; valid: 1..300 (basis points)"),
    # B12: a misspelt name lists the chosen chapters' parameters
    (["graduation", "scorecard", "data"], {}, {"moves_cvs": "m.csv"},
     "-p moves_cvs is not a parameter of the chosen chapters (graduation, scorecard, data); valid: start, end, as_of, "
     "match_window_days, pre_months, post_months, benchmark, moves_csv, members_earnings_csv, spiva_csv"),
    (["valuation", "data"], {}, {"event_days": 3},
     "-p event_days is not a parameter of the chosen chapters (valuation, data); valid: start, end, as_of, "
     "forward_pe_csv"),
    (["rotation"], {}, {"data_mode": "auto"}, "-p data_mode is set by --mode, not with -p"),
    (["scorecard"], {}, {"require_complete": False}, "-p require_complete is set by the run, not with -p"),
    (["valuation"], {"start": "2000-01-01"}, {"start": "2001-01-01"},
     "start is given twice (--start and -p start); give it once"),
    # --as-of against the effective window when only some dates are given
    (["rotation"], {"start": "2015-01-01", "as_of": "2014-06-30"}, {},
     "as_of=2014-06-30 is outside the window; valid: 2015-01-01..2026-07-13 (the rotation chapter keeps its own end "
     "2026-07-13; give --start and --end)"),
    (["valuation", "graduation"], {"end": "2003-12-31"}, {},
     "end=2003-12-31 is before start=2004-12-30; end must be on or after start (the graduation chapter keeps its own "
     "start 2004-12-30; give --start and --end)"),
    # coverage known from the table: no chapter's data start before its first date
    (["rotation", "valuation"], {"start": "1900-01-01", "end": "1950-12-31"}, {},
     "start=1900-01-01 is before the first date of the rotation chapter's data; valid: 1926-07-01 or later"),
    (["rotation"], {"start": "2020-01-01", "end": "2019-01-01"}, {},
     "end=2019-01-01 is before start=2020-01-01; end must be on or after start"),
    (["graduation"], {}, {"pre_months": 3}, "pre_months=3 is out of range; valid: whole numbers 12..60 (months)"),
])
def test_run_parameter_errors(chapters, dates, extra, message):
    with pytest.raises(ParameterError) as err:
        check_run(chapters, {"start": None, "end": None, "as_of": None} | dates, extra)
    assert str(err.value) == message


@pytest.fixture
def nothing_runs(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("a kernel would have started before every parameter was checked")

    monkeypatch.setattr(runner, "execute_chapters", refuse)
    monkeypatch.setattr(runner, "build_site", refuse)
    monkeypatch.setattr(runner.outdir, "prepare", refuse)


@pytest.mark.parametrize("argv, message", [
    (["-p", "start=1995", "-p", "end=2007-12-31", "--chapters", "valuation"],
     "start=1995 is not a date; give YYYY-MM-DD"),
    (["--chapters", "rotation", "-p", "rates_rally_bp=abc"], "rates_rally_bp='abc' is not a number"),
    (["--chapters", "graduation", "-p", "moves_cvs=valid.csv"],
     "-p moves_cvs is not a parameter of the chosen chapters"),
    (["--chapters", "graduation", "-p", "moves_csv=/nowhere/moves.csv"], "moves_csv='moves.csv' is not a file"),
    (["--start", "now", "--end", "2020-01-01"], "start='now' is not a date"),
    (["--start", "0001-01-01", "--end", "2020-01-01"], "start=0001-01-01 is out of range; valid: 1800-01-01 or later"),
    (["--start", "2015-01-01", "--as-of", "2014-01-01", "--chapters", "rotation"],
     "as_of=2014-01-01 is outside the window"),
    (["--start", "1990-01-01", "--end", "2000-12-31"], "start=1990-01-01 is before the first date of the graduation"),
])
def test_cli_run_checks_everything_before_any_kernel(offline, capsys, nothing_runs, argv, message):
    """B07, B11, B12, G01, F-26, the as_of and coverage checks: one line, before any kernel."""
    t0 = time.perf_counter()
    assert cli.main(["run", *argv]) == 2
    elapsed = time.perf_counter() - t0
    out, err = capsys.readouterr()
    assert err.startswith(f"smallcaps: {message}") and len(err.strip().splitlines()) == 1 and out == ""
    assert elapsed < 3.0


@pytest.mark.parametrize("case, argv, message", [
    ("B01", ["--start", "2020-01-01", "--end", "2015-01-01"],
     "end=2015-01-01 is before start=2020-01-01; end must be on or after start"),
    ("B02", ["--start", "2020-13-45"], "start='2020-13-45' is not a date; give YYYY-MM-DD"),
    ("B03", ["--start", "yesterday"], "start='yesterday' is not a date; give YYYY-MM-DD"),
    ("B04", ["--start", "2015-01-01", "--end", "2020-12-31", "--as-of", "2021-06-30"],
     "as_of=2021-06-30 is outside the window; valid: 2015-01-01..2020-12-31"),
    ("B05", ["--chapters", "rotaton"],
     "chapters='rotaton' is unknown; valid: " + VALID_CHAPTERS),
    ("B06", ["--chapters", "../../etc/passwd"],
     "chapters='../../etc/passwd' is unknown; valid: " + VALID_CHAPTERS),
    ("B14", ["--chapters", ""], "chapters is empty; valid: " + VALID_CHAPTERS),
    ("B15", ["-p", "foo"], "param='foo' is not NAME=VALUE"),
    ("B16", ["-p", "1abc=3"], "param='1abc=3' is not NAME=VALUE"),
])
def test_review_table_b_command_line_cases(offline, capsys, nothing_runs, case, argv, message):
    assert cli.main(["run", *argv]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == f"smallcaps: {message}" and out == ""


def test_a_bad_parameter_fails_within_3_seconds_from_the_shell(offline, tmp_path):
    """The whole command, interpreter start included (measured: about 1 s on 2 busy cores)."""
    t0 = time.perf_counter()
    proc = subprocess.run([SMALLCAPS, "run", "--chapters", "rotation", "-p", "rates_rally_bp=abc", "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - t0
    assert proc.returncode == 2
    assert proc.stderr.strip() == "smallcaps: rates_rally_bp='abc' is not a number; valid: 1..300 (basis points)"
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []
    assert elapsed < 3.0, f"took {elapsed:.1f} s"


# -- plain papermill: the set-up cell gives the same one-line errors ------------------------------------------


def _first_cells(chapter: str, dest: Path) -> Path:
    """The chapter's notebook cut after its set-up cell (the first code cell after the parameters)."""
    nb = nbformat.read(BOOK / CHAPTERS[chapter], as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    j = next(k for k in range(i + 1, len(nb.cells)) if nb.cells[k].cell_type == "code")
    nb.cells = nb.cells[: j + 1]
    path = dest / CHAPTERS[chapter]
    nbformat.write(nb, path)
    return path


def _papermill(nb: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **runner.KERNEL_ENV}
    return subprocess.run([PAPERMILL, str(nb), str(out), "--cwd", str(nb.parent), *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _error_of(out: Path) -> tuple[str, str]:
    """The source of the cell that failed, and its error line."""
    nb = json.loads(out.read_text())
    for c in nb["cells"]:
        for o in c.get("outputs", []):
            if o.get("output_type") == "error":
                return "".join(c["source"]), f"{o['ename']}: {o['evalue']}"
    return "", ""


@pytest.mark.book
@pytest.mark.timeout(600)
def test_plain_papermill_fails_in_the_set_up_cell_with_the_same_line(offline, tmp_path):
    rot = _first_cells("rotation", tmp_path)
    # B11 under papermill: before, a TypeError in cell 47
    proc = _papermill(rot, tmp_path / "r.ipynb", "-p", "rates_rally_bp", "abc")
    assert proc.returncode != 0
    cell, line = _error_of(tmp_path / "r.ipynb")
    assert "ch = Chapter.open(" in cell  # the set-up cell
    assert line == "ParameterError: rates_rally_bp='abc' is not a number; valid: 1..300 (basis points)"
    # P03: an integer year (before: silently 1970-01-01)
    val = _first_cells("valuation", tmp_path)
    proc = _papermill(val, tmp_path / "v.ipynb", "-p", "start", "1995", "-p", "end", "2007-12-31")
    assert proc.returncode != 0
    assert _error_of(tmp_path / "v.ipynb")[1] == "ParameterError: start=1995 is not a date; give YYYY-MM-DD"


@pytest.mark.book
@pytest.mark.timeout(600)
def test_plain_papermill_from_another_folder_gives_the_librarys_verdicts(offline, tmp_path):
    """P02: the whole rotation chapter under plain papermill, run from a folder of the user's
    (`--cwd`), with start, end and as_of: its results file holds the verdicts and deciding numbers
    that `smallcaps.evaluate_many` gives for the same window, and nothing is written elsewhere."""
    import shutil

    from smallcaps.claims import evaluate_many
    from smallcaps.claims.rotation import CLAIMS

    work = tmp_path / "mine"
    work.mkdir()
    nb = work / "rotation.ipynb"
    shutil.copy(BOOK / CHAPTERS["rotation"], nb)
    before = sorted(os.listdir(BOOK))
    proc = _papermill(nb, work / "out.ipynb", "-p", "start", "2015-01-01", "-p", "end", "2020-12-31",
                      "-p", "as_of", "2020-12-31")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(os.listdir(BOOK)) == before
    got = {c["id"]: c for c in json.loads((work / "rotation.results.json").read_text())["claims"]}
    want = evaluate_many([c.id for c in CLAIMS], start="2015-01-01", end="2020-12-31", as_of="2020-12-31")
    assert sorted(got) == sorted(want) == [f"R{i}" for i in range(1, 8)]
    for cid, res in want.items():
        assert got[cid]["verdict"] == res.verdict, cid
        assert got[cid]["statistic"] == json.loads(json.dumps(res.statistic.to_dict())), cid
        assert got[cid]["note"] == res.note, cid
    decided = [c for c, r in want.items() if r.statistic.value is not None]
    assert decided == ["R4", "R5"]  # numbers compared, not only "untestable" both ways


@pytest.mark.book
@pytest.mark.timeout(600)
def test_plain_papermill_as_of_defaults_to_end(offline, tmp_path):
    """P01 / R05: rotation with only start and end (before: as_of=2026-07-13 outside the window)."""
    rot = _first_cells("rotation", tmp_path)
    proc = _papermill(rot, tmp_path / "r.ipynb", "-p", "start", "2015-01-01", "-p", "end", "2020-12-31")
    assert proc.returncode == 0, proc.stderr[-2000:]
    nb = nbformat.read(tmp_path / "r.ipynb", as_version=4)
    text = "".join(o.get("data", {}).get("text/markdown", "")
                   for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "**Parameters:** start 2015-01-01, end 2020-12-31, as of 2020-12-31, data mode offline." in text
