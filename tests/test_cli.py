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
    assert out.strip() == "116 of 116 files match MANIFEST.tsv (snapshot e54925ec23af)"


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
    assert lines[-1] == "115 of 116 files match MANIFEST.tsv (snapshot e54925ec23af)"
    assert len(lines) == 2


def test_data_verify_folder_without_manifest(offline, capsys, snapshot_dir, tmp_path):
    (tmp_path / "fred").mkdir()
    (tmp_path / "fred" / "BAA.csv").write_bytes((snapshot_dir / "fred/BAA.csv").read_bytes())
    assert not (tmp_path / MANIFEST).exists()
    assert cli.main(["data", "verify", "--snapshot", str(tmp_path)]) != 0
    err = squash(capsys.readouterr().err)
    assert err == f"smallcaps: {tmp_path} has no MANIFEST.tsv: nothing to verify against"


def test_data_verify_without_a_snapshot(offline, capsys):
    assert cli.main(["--snapshot", "none", "data", "verify"]) == 2
    assert "no snapshot selected" in capsys.readouterr().err


def test_data_verify_missing_folder_is_a_parameter_error(offline, capsys, tmp_path):
    assert cli.main(["data", "verify", "--snapshot", str(tmp_path / "nowhere")]) == 2
    err = squash(capsys.readouterr().err)
    assert err.startswith(f"smallcaps: snapshot={tmp_path / 'nowhere'} is not a directory")


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
                   "robustness, scorecard, data")


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
    assert cli._params(["n=12", "x=0.5", "label=small", "moves_csv=m.csv"]) == {
        "n": 12, "x": 0.5, "label": "small", "moves_csv": str(Path("m.csv").resolve())}
    with pytest.raises(ParameterError, match=r"param='bad' is not NAME=VALUE"):
        cli._params(["bad"])
