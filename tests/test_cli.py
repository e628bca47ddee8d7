"""The ``smallcaps`` command, called in-process through ``smallcaps.cli.main``."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from smallcaps import cli
from smallcaps.book import runner
from smallcaps.errors import ParameterError
from smallcaps.provenance import Provenance
from smallcaps.snapshot import MANIFEST
from smallcaps.store import Store, entry_key


def plain(text: str) -> str:
    """Text without terminal colour codes (rich adds them when it believes it writes to a terminal)."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def squash(text: str) -> str:
    """Whitespace-normalised plain text (the console may wrap long lines)."""
    return " ".join(plain(text).split())


def rows(out: str) -> dict[str, list[str]]:
    """Table rows of ``data status``: dataset -> its cells."""
    table = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 5 and "/" in cells[0]:
            table[cells[0]] = cells[1:]
    return table


# -- data status -----------------------------------------------------------------------------------


def test_data_status_lists_datasets_with_their_origin(offline, capsys):
    assert cli.main(["data", "status"]) == 0
    out = plain(capsys.readouterr().out)
    assert "Data available (offline mode)" in out
    table = rows(out)
    assert table["cboe/VIX"] == ["snapshot", "1990-01-02..2026-07-23", "", "fa8f8119bb2f"]
    assert table["french/F-F_Research_Data_Factors"][:1] == ["snapshot"]
    assert table["french/F-F_Research_Data_Factors"][2] == "CRSP 202511"
    assert table["yahoo/IWM"] == ["snapshot", "2000-05-26..2026-07-14", "", "a9d18953254f"]
    assert table["pitindex/sp600"][:2] == ["package", "2021-03-31..2026-07-13"]
    assert table["yahoo/stocks_close"][0] == "snapshot"
    assert len([d for d in table if d.startswith("yahoo/") and d != "yahoo/stocks_close"]) == 99
    assert {cells[0] for cells in table.values()} == {"snapshot", "package"}
    assert f"store: {offline}" in out


def test_data_status_shows_stored_live_data_and_missing_datasets(offline, capsys):
    prov = Provenance(dataset="fred/DGS10", source="fred", origin="live", location="https://fred/DGS10",
                      sha256="ef" * 32, retrieved_at="2026-07-20T00:00:00+00:00", rows=2, first="2020-01-02",
                      last="2020-01-03")
    Store(offline).put(entry_key("live", "ef" * 32, 1), {"data": pd.DataFrame({"DGS10": [1.0, 2.0]})}, prov)
    assert cli.main(["--snapshot", "none", "data", "status"]) == 0
    out = plain(capsys.readouterr().out)
    table = rows(out)
    assert table["fred/DGS10"] == ["store", "2020-01-02..2020-01-03", "", "efefefefefef"]
    assert table["fred/BAA"][0] == "missing"
    assert table["french/F-F_Research_Data_Factors"][0] == "missing"
    assert table["pitindex/sp500"][0] == "package"
    assert "snapshot: none" in out


def test_data_status_tickers_lists_etfs_and_stocks(offline, capsys):
    assert cli.main(["data", "status", "--tickers"]) == 0
    out = plain(capsys.readouterr().out)
    tail = out[out.index("ETFs and indices in the snapshot"):]
    etfs, stocks = tail.split("Stocks in the snapshot panel")
    assert etfs.startswith("ETFs and indices in the snapshot (99): ")
    assert {"IWM", "SPY", "^TNX", "^IRX"} <= set(etfs.split())
    assert "AAPL" not in etfs.split()
    assert stocks.startswith(" (1,762): ")
    assert {"AAPL", "MSFT"} <= set(stocks.split())


# -- data verify -----------------------------------------------------------------------------------


def test_data_verify_reference_snapshot(offline, capsys, snapshot_dir):
    assert cli.main(["data", "verify", "--snapshot", str(snapshot_dir)]) == 0
    out = plain(capsys.readouterr().out)
    assert out.strip() == "116 of 116 files match MANIFEST.tsv (snapshot e54925ec23af): verified"


def test_data_verify_uses_the_environments_snapshot(offline, capsys):
    assert cli.main(["data", "verify"]) == 0
    assert "116 of 116" in plain(capsys.readouterr().out)


def mirror(src: Path, dst: Path, tampered: str) -> None:
    """dst: real folders, a symlink to every file of src, except ``tampered``: a copy with one byte changed."""
    for p in src.rglob("*"):
        rel = p.relative_to(src)
        if p.is_dir():
            (dst / rel).mkdir(parents=True, exist_ok=True)
    for p in src.rglob("*"):
        if p.is_file():
            rel = p.relative_to(src).as_posix()
            if rel == tampered:
                data = bytearray(p.read_bytes())
                data[200] = ord("7") if data[200] != ord("7") else ord("8")
                (dst / rel).write_bytes(bytes(data))
            else:
                os.symlink(p, dst / rel)


def test_data_verify_tampered_copy_names_the_file(offline, capsys, snapshot_dir, tmp_path):
    copy = tmp_path / "snap"
    copy.mkdir()
    mirror(snapshot_dir, copy, "fred/BAA.csv")
    assert cli.main(["data", "verify", "--snapshot", str(copy)]) == 1
    out = plain(capsys.readouterr().out)
    lines = out.strip().splitlines()
    assert lines[0].startswith("mismatch  fred/BAA.csv: sha256 ")
    assert lines[0].endswith("expected 78bdba42f0a3...")
    assert lines[-1] == "115 of 116 files match MANIFEST.tsv (snapshot e54925ec23af): NOT verified"
    assert len(lines) == 2


def test_data_verify_folder_without_manifest(offline, capsys, snapshot_dir, tmp_path):
    (tmp_path / "fred").mkdir()
    (tmp_path / "fred" / "BAA.csv").write_bytes((snapshot_dir / "fred/BAA.csv").read_bytes())
    assert not (tmp_path / MANIFEST).exists()
    assert cli.main(["data", "verify", "--snapshot", str(tmp_path)]) != 0
    err = squash(capsys.readouterr().err)
    assert err == (f"smallcaps: snapshot {tmp_path} is unverified: it has no MANIFEST.tsv, so there is nothing "
                   "to verify against")


def test_data_verify_without_a_snapshot(offline, capsys):
    assert cli.main(["--snapshot", "none", "data", "verify"]) == 2
    assert "no snapshot selected" in capsys.readouterr().err


def test_data_verify_missing_folder_is_a_parameter_error(offline, capsys, tmp_path):
    assert cli.main(["data", "verify", "--snapshot", str(tmp_path / "nowhere")]) == 2
    err = squash(capsys.readouterr().err)
    assert err.startswith(f"smallcaps: snapshot={tmp_path / 'nowhere'} is not a directory")


@pytest.mark.parametrize("case, argv", [
    ("S01", ["run", "--chapters", "valuation", "--out", "{tmp}/out"]),
    ("S01b", ["data", "status"]),
])
def test_a_missing_snapshot_folder_is_one_line_before_anything_is_made(monkeypatch, capsys, tmp_path, case, argv):
    """S01 / S01b from the command line: rc 2 at once, one line, and no store, no output folder."""
    monkeypatch.setenv("SMALLCAPS_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("SMALLCAPS_SNAPSHOT", raising=False)
    missing = tmp_path / "nowhere"
    assert cli.main(["--snapshot", str(missing), *[a.format(tmp=tmp_path) for a in argv]]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"smallcaps: snapshot={missing} is not a directory; give a folder laid out like shared/data"]
    assert os.listdir(tmp_path) == []


# -- data fetch ------------------------------------------------------------------------------------


def test_data_fetch_with_nothing_selected(online_env, capsys):
    assert cli.main(["data", "fetch"]) == 2
    err = squash(capsys.readouterr().err)
    assert err.startswith("smallcaps: nothing to fetch; name datasets")


def test_data_fetch_offline_fails_without_traceback(offline, capsys):
    code = cli.main(["data", "fetch", "--fred", "BAA"])
    assert code != 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "Traceback" not in out
    assert squash(err) == ("smallcaps: mode='refresh' needs the network but SMALLCAPS_OFFLINE=1 is set; "
                           "valid here: offline")
    assert not offline.exists()  # nothing was stored


def test_error_message_is_a_single_line_on_an_80_column_stream(offline, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert cli.main(["data", "fetch", "--fred", "BAA"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1


# -- run -------------------------------------------------------------------------------------------


@pytest.fixture
def nothing_runs(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("work started before the parameters were checked")

    monkeypatch.setattr(runner, "run", refuse)
    monkeypatch.setattr(runner, "execute_chapters", refuse)
    monkeypatch.setattr(runner, "build_site", refuse)
    monkeypatch.setattr(cli, "_ChapterProgress", refuse)


def test_run_end_before_start(offline, capsys, nothing_runs):
    assert cli.main(["run", "--start", "2020-01-01", "--end", "2019-01-01"]) == 2
    out, err = capsys.readouterr()
    assert squash(err) == "smallcaps: end=2019-01-01 is before start=2020-01-01; end must be on or after start"
    assert "Traceback" not in err and out == ""


def test_run_unknown_chapter_names_the_valid_ones(offline, capsys, nothing_runs):
    assert cli.main(["run", "--start", "2010-01-01", "--end", "2019-12-31", "--chapters", "nope"]) == 2
    err = squash(capsys.readouterr().err)
    assert err == ("smallcaps: chapters='nope' is unknown; valid: rotation, momentum, valuation, graduation, "
                   "robustness, scorecard, data, intro, review")


def test_run_as_of_outside_the_window(offline, capsys, nothing_runs):
    assert cli.main(["run", "--start", "2010-01-01", "--end", "2019-12-31", "--as-of", "2020-06-30"]) == 2
    assert squash(capsys.readouterr().err) == (
        "smallcaps: as_of=2020-06-30 is outside the window; valid: 2010-01-01..2019-12-31")


def test_unknown_mode_is_an_argparse_error(offline, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--mode", "online", "data", "status"])
    assert info.value.code == 2
    assert "invalid choice: 'online'" in capsys.readouterr().err


def test_params_parsing():
    """-p values are typed as papermill types -p values (its own _resolve_type)."""
    assert cli._params(["n=12", "x=0.5", "label=small", "moves_csv=m.csv", "flag=True", "off=False", "none=None",
                        "big=1e3", "year=1995", "d=2007-12-31", "empty="]) == {
        "n": 12, "x": 0.5, "label": "small", "moves_csv": "m.csv", "flag": True, "off": False, "none": None,
        "big": 1000.0, "year": 1995, "d": "2007-12-31", "empty": ""}
    with pytest.raises(ParameterError, match=r"param='bad' is not NAME=VALUE"):
        cli._params(["bad"])
    with pytest.raises(ParameterError, match=r"param n is given twice"):
        cli._params(["n=1", "n=2"])


# -- conventions: global options, version, exit codes, stdout/stderr --------------------------------


@pytest.mark.parametrize("argv", [
    ["run", "--start", "2010-01-01", "--end", "2019-12-31", "--mode", "auto"],  # the README's form
    ["--mode", "auto", "run", "--start", "2010-01-01", "--end", "2019-12-31"],
    ["--mode", "offline", "run", "--mode", "auto"],  # the later one wins
])
def test_global_options_before_or_after_the_subcommand(argv):
    args = cli.build_parser().parse_args(argv)
    assert args.mode == "auto" and args.snapshot is None and args.store is None


@pytest.mark.parametrize("argv", [
    ["data", "status", "--snapshot", "S", "--store", "T"],
    ["--snapshot", "S", "data", "status", "--store", "T"],
    ["data", "--snapshot", "S", "--store", "T", "status"],
    ["data", "snapshot", "make", "D", "--snapshot", "S", "--store", "T"],
    ["--store", "T", "data", "snapshot", "pull", "http://h/", "D", "--snapshot", "S"],
])
def test_every_level_accepts_the_global_options(argv):
    args = cli.build_parser().parse_args(argv)
    assert (args.mode, args.snapshot, args.store) == (None, "S", "T")


def test_global_snapshot_after_data_status(offline, capsys):
    assert cli.main(["data", "status", "--snapshot", "none"]) == 0
    assert "snapshot: none" in plain(capsys.readouterr().out)


def test_version_comes_from_the_installed_metadata(capsys):
    from importlib.metadata import version

    import smallcaps

    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"smallcaps {version('smallcaps')}"
    assert smallcaps.__version__ == version("smallcaps")


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:\n  0    success\n  1    a chapter, a check or a download failed" in out
    assert "\n  2    usage error" in out and "\n  130  interrupted (Ctrl-C)" in out


def test_exit_1_when_a_chapter_fails(offline, capsys, monkeypatch):
    def fail(*a, **k):
        raise runner.ChapterFailed("chapter momentum failed: ValueError: boom")

    monkeypatch.setattr(runner, "run", fail)
    assert cli.main(["run", "--chapters", "momentum"]) == 1
    out, err = capsys.readouterr()
    assert err.strip().splitlines()[-1] == "smallcaps: chapter momentum failed: ValueError: boom"
    assert out == ""


def test_exit_1_when_the_build_fails(offline, capsys, monkeypatch):
    def fail(*a, **k):
        raise runner.BuildError("sphinx: 1 warning (strict)")

    monkeypatch.setattr(runner, "build", fail)
    assert cli.main(["build"]) == 1
    assert capsys.readouterr().err.strip() == "smallcaps: sphinx: 1 warning (strict)"


def test_exit_1_when_data_is_missing(offline, capsys):
    # a run-time failure (DataError: nothing to freeze), not a usage error
    assert cli.main(["--snapshot", "none", "data", "snapshot", "make", "x", "--store", str(offline)]) == 1
    assert "holds no data to freeze" in capsys.readouterr().err


def test_exit_2_for_a_bad_argument(offline, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "--jobs", "many"])
    assert info.value.code == 2
    assert "argument --jobs: invalid int value: 'many'" in capsys.readouterr().err


def test_exit_130_when_interrupted(offline, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_data_status", interrupted)
    assert cli.main(["data", "status"]) == 130
    out, err = capsys.readouterr()
    assert err.strip() == "smallcaps: interrupted (SIGINT)" and out == ""


def _smallcaps(*argv, env):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "smallcaps", *argv], capture_output=True, text=True, timeout=120,
                          env=env)


def test_python_m_smallcaps_results_on_stdout_errors_on_stderr(offline, snapshot_dir):
    from importlib.metadata import version

    env = dict(os.environ)
    proc = _smallcaps("--version", env=env)
    assert (proc.returncode, proc.stdout.strip()) == (0, f"smallcaps {version('smallcaps')}")
    proc = _smallcaps("data", "verify", "--snapshot", str(snapshot_dir), env=env)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.strip() == "116 of 116 files match MANIFEST.tsv (snapshot e54925ec23af): verified"
    proc = _smallcaps("run", "--start", "2020-01-01", "--end", "2019-01-01", env=env)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip() == ("smallcaps: end=2019-01-01 is before start=2020-01-01; end must be on or after "
                                   "start")


# -- unverified snapshots (S05 / F-9) -------------------------------------------------------------


@pytest.fixture
def bare_snapshot(tmp_path, snapshot_dir) -> Path:
    """A snapshot folder without MANIFEST.tsv (three real files)."""
    root = tmp_path / "bare"
    for rel in ("fred/BAA.csv", "cboe/VIX_History.csv", "yahoo/etf/IWM.csv"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes((snapshot_dir / rel).read_bytes())
    return root


def test_run_on_a_snapshot_without_manifest_is_refused_at_once(offline, capsys, nothing_runs, bare_snapshot, tmp_path):
    out_dir = tmp_path / "out"
    assert cli.main(["--snapshot", str(bare_snapshot), "run", "--chapters", "valuation", "--out", str(out_dir)]) == 2
    assert squash(capsys.readouterr().err) == (
        f"smallcaps: snapshot={bare_snapshot} has no MANIFEST.tsv, so its files cannot be verified; give a snapshot "
        "with its manifest, or accept unverified data with --unverified-snapshot (SMALLCAPS_UNVERIFIED_SNAPSHOT=1)")
    assert not out_dir.exists()


def test_unverified_snapshot_opt_in_reaches_the_chapter_kernels(offline, capsys, monkeypatch, bare_snapshot, tmp_path):
    seen = {}

    def fake_run(**kw):
        seen["env"] = runner.kernel_env(kw["mode"], kw["snapshot"], kw["store"])
        return runner.RunReport(runs=[], site=tmp_path / "site", out=tmp_path)

    monkeypatch.setattr(runner, "run", fake_run)
    monkeypatch.delenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", raising=False)
    assert cli.main(["--snapshot", str(bare_snapshot), "--unverified-snapshot", "run", "--chapters", "valuation"]) == 0
    assert seen["env"]["SMALLCAPS_UNVERIFIED_SNAPSHOT"] == "1"
    assert seen["env"]["SMALLCAPS_SNAPSHOT"] == str(bare_snapshot)
    assert "SMALLCAPS_UNVERIFIED_SNAPSHOT" not in os.environ  # only while the chapters run
    assert "SMALLCAPS_UNVERIFIED_SNAPSHOT" not in runner.kernel_env("offline", str(bare_snapshot), None)


def test_data_status_says_whether_the_snapshot_is_verified(offline, capsys, bare_snapshot, snapshot_dir):
    assert cli.main(["data", "status"]) == 0
    assert (f"snapshot: {snapshot_dir} (verified: snapshot e54925ec23af: every file checked against its MANIFEST.tsv "
            "sha256 when read)") in squash(capsys.readouterr().out)
    assert cli.main(["--snapshot", str(bare_snapshot), "data", "status"]) == 0
    out = plain(capsys.readouterr().out)
    assert (f"snapshot: {bare_snapshot} (UNVERIFIED: no MANIFEST.tsv, so no file is checked; runs refuse it unless "
            "you pass --unverified-snapshot or set SMALLCAPS_UNVERIFIED_SNAPSHOT=1)") in squash(out)
    table = rows(out)
    assert table["fred/BAA"][0] == table["yahoo/IWM"][0] == "snapshot (unverified)"
    assert table["fred/BAA"][3] == ""  # no manifest sha256 to show
    assert cli.main(["--snapshot", str(bare_snapshot), "--unverified-snapshot", "data", "status"]) == 0
    assert "no file is checked; accepted with --unverified-snapshot)" in squash(capsys.readouterr().out)


def test_refresh_refuses_an_unverified_snapshot(offline, capsys, monkeypatch, bare_snapshot):
    monkeypatch.setattr(runner, "refresh", lambda **kw: (_ for _ in ()).throw(AssertionError("refreshed")))
    monkeypatch.setenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", "1")
    assert cli.main(["--snapshot", str(bare_snapshot), "refresh", "--chapters", "valuation"]) == 2
    assert squash(capsys.readouterr().err) == (
        f"smallcaps: snapshot={bare_snapshot} has no MANIFEST.tsv; the committed book is refreshed only on a "
        "verified snapshot (one with its manifest)")
