"""End-to-end S05 (reliability review, F-9): a copy of the reference snapshot without
MANIFEST.tsv, IWM's 2024-05-16 close multiplied by 1.05. ``smallcaps run`` refuses it at once;
with ``--unverified-snapshot`` the opt-in reaches every chapter kernel, the tampered close is
used (V4 flips, as the review saw), and every page, the data appendix and the results say the
data were not verified."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from smallcaps import cli
from smallcaps.snapshot import MANIFEST

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def s05_snapshot(tmp_path, snapshot_dir) -> Path:
    root = tmp_path / "nm"
    shutil.copytree(snapshot_dir, root)
    for p in [root, *root.rglob("*")]:
        p.chmod(p.stat().st_mode | 0o200)
    (root / MANIFEST).unlink()
    iwm = root / "yahoo/etf/IWM.csv"
    text = iwm.read_text()
    assert text.count("\n2024-05-16,202.8987579345703\n") == 1
    iwm.write_text(text.replace("\n2024-05-16,202.8987579345703\n", "\n2024-05-16,213.04369583129883\n"))
    return root


def page_text(path: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", path.read_text()).split())


@pytest.mark.book
@pytest.mark.timeout(900)
def test_s05_refused_then_labelled_unverified_on_every_page(s05_snapshot, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(s05_snapshot))
    monkeypatch.setenv("SMALLCAPS_STORE", str(tmp_path / "store"))
    monkeypatch.delenv("SMALLCAPS_UNVERIFIED_SNAPSHOT", raising=False)
    out = tmp_path / "s05"
    assert cli.main(["run", "--chapters", "valuation", "--out", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err == (f"smallcaps: snapshot={s05_snapshot} has no MANIFEST.tsv, so its files cannot be verified; give a "
                   "snapshot with its manifest, or accept unverified data with --unverified-snapshot "
                   "(SMALLCAPS_UNVERIFIED_SNAPSHOT=1)")
    assert not out.exists() and not (tmp_path / "store").exists()

    assert cli.main(["--unverified-snapshot", "run", "--chapters", "valuation", "--out", str(out), "--jobs", "2"]) == 0
    res = json.loads((out / "valuation.results.json").read_text())
    v4 = next(c for c in res["claims"] if c["id"] == "V4")
    committed = json.loads((ROOT / "book" / "valuation.results.json").read_text())
    assert next(c for c in committed["claims"] if c["id"] == "V4")["verdict"] == "supported"
    assert v4["verdict"] == "not supported"  # the tampered close decides it: which is why it must be said
    snap = [d for d in res["data"] if d["origin"] == "snapshot"]
    assert snap and all(d["verified"] is False for d in snap)
    html = out / "html" / "book"
    for page in ("valuation", "data", "scorecard"):
        assert "Data not verified:" in page_text(html / f"{page}.html"), page
    data = page_text(html / "data.html")
    assert "each file checked against its manifest" not in data
    assert "without a manifest" in data and "its files were not checked against any sha256" in data
    assert "snapshot (unverified)" in data and "e54925ec23af" not in data
