"""The snapshot reader: manifest checks on read, verify(), snapshot ids.

Every test works on a copy of part of the reference snapshot in ``tmp_path``; the reference
snapshot itself is only read.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from smallcaps.errors import DataError, IntegrityError
from smallcaps.snapshot import MANIFEST, Snapshot

FILES = ["fred/BAA.csv", "fred/AAA10Y.csv", "cboe/VIX_History.csv", "yahoo/etf/IWM.csv"]


def manifest_rows(snapshot_dir: Path) -> dict[str, dict]:
    with (snapshot_dir / MANIFEST).open(newline="", encoding="utf-8") as f:
        return {r["path"]: r for r in csv.DictReader(f, delimiter="\t")}


def copy_files(src: Path, dst: Path, files) -> None:
    for rel in files:
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, dst / rel)


@pytest.fixture
def partial(tmp_path, snapshot_dir) -> Path:
    """The full MANIFEST.tsv and a few of the files it lists."""
    root = tmp_path / "snap"
    root.mkdir()
    shutil.copyfile(snapshot_dir / MANIFEST, root / MANIFEST)
    copy_files(snapshot_dir, root, FILES)
    return root


@pytest.fixture
def small(tmp_path, snapshot_dir) -> Path:
    """A self-consistent small snapshot: a manifest listing exactly the files copied."""
    root = tmp_path / "small"
    root.mkdir()
    lines = (snapshot_dir / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split("\t", 1)[0] in FILES]
    assert len(keep) == len(FILES) + 1
    (root / MANIFEST).write_text("".join(keep), encoding="utf-8")
    copy_files(snapshot_dir, root, FILES)
    return root


def tamper(path: Path, at: int = 100) -> None:
    """Change one byte (same size)."""
    data = bytearray(path.read_bytes())
    data[at] = ord("7") if data[at] != ord("7") else ord("8")
    path.write_bytes(bytes(data))


# -- reading -------------------------------------------------------------------------------------


def test_read_returns_bytes_and_the_manifest_sha(partial, snapshot_dir):
    snap = Snapshot(partial)
    rows = manifest_rows(snapshot_dir)
    assert snap.has_manifest
    for rel in FILES:
        data, sha = snap.read(rel)
        assert data == (snapshot_dir / rel).read_bytes()
        assert sha == hashlib.sha256(data).hexdigest() == rows[rel]["sha256"]
        assert len(data) == int(rows[rel]["bytes"])
        assert snap.expected_sha256(rel) == rows[rel]["sha256"]
    assert snap.manifest["fred/BAA.csv"].bytes == 20183
    assert snap.manifest["fred/BAA.csv"].coverage == "1919-01-01..2023-11-01"
    assert "CRSP 202511" in snap.manifest["french/F-F_Research_Data_Factors.csv"].note
    assert len(snap.manifest) == 116


def test_tampered_copy_raises_integrity_error_naming_the_file(partial):
    tamper(partial / "fred/BAA.csv")
    snap = Snapshot(partial)
    with pytest.raises(IntegrityError, match=r"snapshot file fred/BAA\.csv does not match MANIFEST\.tsv: sha256 "):
        snap.read("fred/BAA.csv")
    # the other files still read
    assert snap.read("fred/AAA10Y.csv")[1] == snap.expected_sha256("fred/AAA10Y.csv")


def test_file_missing_from_the_manifest_raises(partial):
    (partial / "fred" / "DGS10.csv").write_text("date,value\n2020-01-02,1.88\n")
    snap = Snapshot(partial)
    assert snap.expected_sha256("fred/DGS10.csv") is None
    with pytest.raises(IntegrityError, match=r"snapshot file fred/DGS10\.csv is not listed in MANIFEST\.tsv"):
        snap.read("fred/DGS10.csv")


def test_absent_file_is_a_data_error_naming_it(partial):
    snap = Snapshot(partial)
    assert not snap.exists("fred/BAMLH0A0HYM2.csv")  # listed, not copied
    with pytest.raises(DataError, match=r"snapshot file fred/BAMLH0A0HYM2\.csv is missing") as info:
        snap.read("fred/BAMLH0A0HYM2.csv")
    assert not isinstance(info.value, IntegrityError)


def test_no_manifest_means_no_check(tmp_path, snapshot_dir):
    root = tmp_path / "bare"
    root.mkdir()
    copy_files(snapshot_dir, root, FILES)
    tamper(root / "fred/BAA.csv")
    (root / "fred" / "NEW.csv").write_text("date,value\n")
    snap = Snapshot(root)
    assert not snap.has_manifest and snap.manifest == {}
    data, sha = snap.read("fred/BAA.csv")  # tampered, yet no check to fail
    assert sha == hashlib.sha256(data).hexdigest() != manifest_rows(snapshot_dir)["fred/BAA.csv"]["sha256"]
    assert snap.read("fred/NEW.csv")[0] == b"date,value\n"
    assert snap.snapshot_id == "unversioned"
    # verify has nothing to verify against: every file is unlisted
    assert sorted(snap.verify()) == sorted((rel, "unlisted", "not in the manifest") for rel in FILES + ["fred/NEW.csv"])


def test_manifest_without_path_and_sha_columns_is_refused(tmp_path):
    root = tmp_path / "odd"
    root.mkdir()
    (root / MANIFEST).write_text("file\thash\nx.csv\tabc\n")
    (root / "x.csv").write_text("x")
    with pytest.raises(DataError, match="has no 'path' and 'sha256' columns"):
        Snapshot(root).read("x.csv")


def test_manifest_sha_is_compared_case_insensitively(tmp_path):
    root = tmp_path / "upper"
    root.mkdir()
    (root / "a.csv").write_bytes(b"1,2\n")
    digest = hashlib.sha256(b"1,2\n").hexdigest()
    (root / MANIFEST).write_text(f"path\tsha256\na.csv\t {digest.upper()} \n")
    assert Snapshot(root).read("a.csv") == (b"1,2\n", digest)


def test_snapshot_must_be_a_directory(tmp_path):
    with pytest.raises(DataError, match="is not a directory"):
        Snapshot(tmp_path / "nowhere")
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match="is not a directory"):
        Snapshot(tmp_path / "file")


# -- verify --------------------------------------------------------------------------------------


def test_verify_reports_ok_mismatch_missing_unlisted_exactly(small):
    tamper(small / "fred/AAA10Y.csv")
    (small / "cboe/VIX_History.csv").unlink()
    (small / "yahoo" / "etf" / "XYZ.csv").write_text("Date,Close\n")
    (small / "README.md").write_text("not data")  # neither listed nor reported
    res = {rel: (status, detail) for rel, status, detail in Snapshot(small).verify()}
    assert {rel: s for rel, (s, _) in res.items()} == {
        "fred/BAA.csv": "ok",
        "yahoo/etf/IWM.csv": "ok",
        "fred/AAA10Y.csv": "mismatch",
        "cboe/VIX_History.csv": "missing",
        "yahoo/etf/XYZ.csv": "unlisted",
    }
    assert res["fred/BAA.csv"][1] == "78bdba42f0a3"
    assert res["fred/AAA10Y.csv"][1].endswith("expected de56885f57b2...")
    assert res["cboe/VIX_History.csv"][1] == "listed in the manifest but absent"


def test_verify_of_an_untouched_copy_is_all_ok(small):
    assert [(rel, s) for rel, s, _ in Snapshot(small).verify()] == [(rel, "ok") for rel in manifest_order(small)]


def manifest_order(root: Path) -> list[str]:
    return [ln.split("\t", 1)[0] for ln in (root / MANIFEST).read_text().splitlines()[1:]]


def test_verify_of_a_partial_copy_lists_every_absent_file_as_missing(partial):
    res = Snapshot(partial).verify()
    status = {rel: s for rel, s, _ in res}
    assert len(res) == 116
    assert sorted(rel for rel, s in status.items() if s == "ok") == sorted(FILES)
    assert sum(s == "missing" for s in status.values()) == 116 - len(FILES)


def test_files_lists_data_files_only(small):
    (small / "README.md").write_text("x")
    assert Snapshot(small).files() == sorted(FILES)


# -- ids -----------------------------------------------------------------------------------------


def test_snapshot_id_is_stable_and_follows_the_manifest(partial, small, snapshot_dir):
    ref = hashlib.sha256((snapshot_dir / MANIFEST).read_bytes()).hexdigest()[:12]
    assert ref == "e54925ec23af"  # the reference snapshot's id, as committed results record it
    assert Snapshot(snapshot_dir).snapshot_id == ref
    assert Snapshot(partial).snapshot_id == ref  # same manifest, same id, whatever files are present
    assert Snapshot(partial).snapshot_id == Snapshot(partial).snapshot_id
    assert Snapshot(small).snapshot_id != ref  # another manifest, another id
    assert len(Snapshot(small).snapshot_id) == 12


# -- verification state and the stat key ------------------------------------------------------------


def test_verified_and_describe(small, tmp_path, snapshot_dir):
    snap = Snapshot(small)
    assert snap.verified
    expected = f"snapshot {snap.snapshot_id}: every file checked against its MANIFEST.tsv sha256 when read"
    assert snap.describe() == expected
    bare = tmp_path / "bare"
    bare.mkdir()
    copy_files(snapshot_dir, bare, FILES)
    assert not Snapshot(bare).verified
    assert Snapshot(bare).describe() == "snapshot folder bare has no MANIFEST.tsv: its files were NOT verified"


def test_stat_key_moves_on_with_a_size_and_mtime_preserving_tamper(small):
    """S06/F-23: the store serves a cached parse of a manifest-checked file only while its stat
    key is unchanged; a same-size write with the mtime set back still changes the key (ctime)."""
    snap = Snapshot(small)
    rel = "fred/BAA.csv"
    path = small / rel
    before = snap.stat_key(rel)
    assert len(before) == 4 and before[0] == path.stat().st_size
    st = path.stat()
    import os
    import time

    time.sleep(0.01)
    tamper(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = snap.stat_key(rel)
    assert after[:2] == before[:2]  # size and mtime as before: the old key would not see it
    assert after != before
