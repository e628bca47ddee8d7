"""`smallcaps data snapshot make` and `pull`: a snapshot frozen from the store, published over a
local HTTP server on 127.0.0.1 and pulled back, file by file against its manifest.

The snapshots here are small: a few real files of the reference snapshot copied into tmp_path,
with their own rows of the reference MANIFEST.tsv.
"""

from __future__ import annotations

import io
import shutil
import urllib.parse
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from smallcaps import cli, snapshot_dist
from smallcaps.data import DataSession
from smallcaps.errors import DataError, ParameterError
from smallcaps.provenance import sha256_file
from smallcaps.snapshot import MANIFEST, Snapshot
from smallcaps.store import Store

from conftest import tree_listing

FILES = ["french/F-F_Momentum_Factor.csv", "fred/BAA.csv", "cboe/VIX_History.csv", "yahoo/etf/^TNX.csv"]


def small_snapshot(reference: Path, dest: Path, files=FILES) -> Path:
    """``dest``: the given real files of the reference snapshot and their reference manifest rows."""
    lines = (reference / MANIFEST).read_text(encoding="utf-8").splitlines(keepends=True)
    keep = [lines[0]] + [ln for ln in lines[1:] if ln.split("\t", 1)[0] in files]
    assert len(keep) == len(files) + 1
    for rel in files:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(reference / rel, dest / rel)
    (dest / MANIFEST).write_text("".join(keep), encoding="utf-8")
    return dest


def serve(server, folder: Path, prefix: str = "/snap") -> dict[str, object]:
    """Serve every file of ``folder`` under ``prefix`` (paths URL-quoted, as clients ask for them)."""
    routes = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            rel = p.relative_to(folder).as_posix()
            routes[rel] = server.add(f"{prefix}/{urllib.parse.quote(rel, safe='/')}", body=p.read_bytes())
    return routes


@pytest.fixture
def published(tmp_path, snapshot_dir, local_server, monkeypatch):
    """A small snapshot served at <server>/snap/; returns (base URL, folder, routes by path)."""
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    src = small_snapshot(snapshot_dir, tmp_path / "published")
    routes = serve(local_server, src)
    return f"{local_server.url}/snap/", src, routes


def files_of(folder: Path) -> dict[str, bytes]:
    return {k: v for k, v in tree_listing(folder).items() if not k.endswith("/")}


# -- pull ------------------------------------------------------------------------------------------


@pytest.mark.network_local
def test_pull_downloads_every_file_checked(published, tmp_path, capsys):
    url, src, routes = published
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 0
    out, err = capsys.readouterr()
    assert files_of(dest) == files_of(src)  # the files and MANIFEST.tsv, byte for byte; no state left
    assert all(r.hits == 1 for r in routes.values())
    assert [r[1] for r in Snapshot(dest).verify()] == ["ok"] * 4
    sid = Snapshot(dest).snapshot_id
    total = sum((src / f).stat().st_size for f in FILES)
    assert out.startswith(f"4 files downloaded ({total / 1e6:,.1f} MB), 0 already in place; snapshot {sid} complete")
    assert "done" in err  # the progress bar is on stderr
    # the pulled folder serves the book's loads like the original
    ds = DataSession(mode="offline", snapshot=dest, store=tmp_path / "store")
    assert ds.fred("BAA").provenance.sha256 == sha256_file(src / "fred/BAA.csv")


@pytest.mark.network_local
def test_pull_again_keeps_good_files_and_downloads_nothing(published, tmp_path, capsys):
    url, src, routes = published
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 0
    capsys.readouterr()
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 0
    assert capsys.readouterr().out.startswith("0 files downloaded (0.0 MB), 4 already in place")
    assert all(r.hits == 1 for p, r in routes.items() if p != MANIFEST)
    assert routes[MANIFEST].hits == 2  # only the manifest is fetched again


@pytest.mark.network_local
def test_corrupt_file_is_named_and_never_kept(published, tmp_path, capsys):
    url, src, routes = published
    body = bytearray(routes["fred/BAA.csv"].body)
    body[300] = ord("9") if body[300] != ord("9") else ord("8")
    routes["fred/BAA.csv"].body = bytes(body)
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 1
    err = capsys.readouterr().err
    expected = sha256_file(src / "fred/BAA.csv")[:12]
    assert (f"smallcaps: fred/BAA.csv: downloaded file does not match MANIFEST.tsv (sha256 "
            f"{snapshot_dist.sha256_bytes(bytes(body))[:12]}..., expected {expected}...); corrupt or truncated, "
            "not kept") in err
    assert err.rstrip().endswith("smallcaps: snapshot pull incomplete: 1 of 4 files failed; run the same command "
                                 "again to resume (3 are in place)")
    assert not (dest / "fred/BAA.csv").exists()
    assert not (dest / MANIFEST).exists()  # an unfinished pull has no manifest
    kept = {k for k in files_of(dest) if not k.startswith(snapshot_dist.PULL_STATE)}
    assert kept == set(FILES) - {"fred/BAA.csv"}
    # nothing half-written anywhere: the state folder holds only the manifest and the URL
    assert {k for k in files_of(dest) if k.startswith(snapshot_dist.PULL_STATE)} == {
        f"{snapshot_dist.PULL_STATE}/{MANIFEST}", f"{snapshot_dist.PULL_STATE}/url"}


@pytest.mark.network_local
def test_dropped_connection_is_reported_and_a_rerun_resumes(published, tmp_path, capsys):
    url, src, routes = published
    vix = routes["cboe/VIX_History.csv"]
    full = vix.body
    vix.body, vix.content_length = full[: len(full) // 2], len(full)  # the server closes mid-body
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert (f"smallcaps: cboe/VIX_History.csv: the connection broke mid-download (ChunkedEncodingError after about "
            f"{len(full) // 2 / 1e3:,.0f} kB of {len(full) / 1e3:,.0f} kB); not kept, run the same command "
            "again to resume") in err
    assert not (dest / "cboe/VIX_History.csv").exists()
    vix.body, vix.content_length = full, None  # the server is back
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 0
    assert capsys.readouterr().out.startswith("1 files downloaded")
    assert files_of(dest) == files_of(src)
    assert vix.hits == 2
    assert all(r.hits == 1 for p, r in routes.items() if p not in ("cboe/VIX_History.csv", MANIFEST))


@pytest.mark.network_local
def test_http_error_names_the_file(published, tmp_path, capsys):
    url, src, routes = published
    routes["yahoo/etf/^TNX.csv"].status = 404
    assert cli.main(["data", "snapshot", "pull", url, str(tmp_path / "p")]) == 1
    assert f"smallcaps: yahoo/etf/^TNX.csv: HTTP 404 from {url}yahoo/etf/%5ETNX.csv" in capsys.readouterr().err


@pytest.mark.network_local
def test_pull_refuses_a_foreign_folder_and_another_snapshot(published, tmp_path, capsys):
    url, src, routes = published
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    before = tree_listing(foreign)
    assert cli.main(["data", "snapshot", "pull", url, str(foreign)]) == 2
    assert " ".join(capsys.readouterr().err.split()) == (
        f"smallcaps: dir={foreign} exists, is not empty and is not a pull of {url}; give a new or empty folder "
        "(nothing is overwritten)")
    other = small_snapshot(src, tmp_path / "other", files=FILES[:2])
    before_other = tree_listing(other)
    assert cli.main(["data", "snapshot", "pull", url, str(other)]) == 2
    assert "holds another snapshot (its MANIFEST.tsv differs" in capsys.readouterr().err
    assert tree_listing(foreign) == before and tree_listing(other) == before_other


@pytest.mark.network_local
def test_pull_file_present_with_other_bytes_is_not_overwritten(published, tmp_path, capsys):
    url, src, routes = published
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 0
    (dest / "fred/BAA.csv").write_bytes(b"edited by hand")
    capsys.readouterr()
    assert cli.main(["data", "snapshot", "pull", url, str(dest)]) == 1
    assert "fred/BAA.csv: already present with sha256" in capsys.readouterr().err
    assert (dest / "fred/BAA.csv").read_bytes() == b"edited by hand"


def test_pull_refuses_offline_and_bad_urls(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    assert cli.main(["data", "snapshot", "pull", "http://127.0.0.1:9/", str(tmp_path / "p")]) == 1
    assert capsys.readouterr().err.strip() == ("smallcaps: data snapshot pull: not in the store or snapshot, and "
                                               "offline mode forbids the network")
    monkeypatch.delenv("SMALLCAPS_OFFLINE")
    assert cli.main(["data", "snapshot", "pull", "ftp://x/snap", str(tmp_path / "p")]) == 2
    assert "url='ftp://x/snap' is not an http(s) base URL" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()


def test_manifest_paths_and_hashes_are_checked():
    head = "\t".join(snapshot_dist.COLUMNS) + "\n"
    good = "a/b.csv\t" + "0" * 64 + "\t3\t\t\t\t\t\n"
    assert snapshot_dist.read_manifest((head + good).encode())[0].bytes == 3
    for bad, msg in [("../x.csv\t" + "0" * 64, "not a plain relative path"),
                     ("/etc/x\t" + "0" * 64, "not a plain relative path"),
                     (".smallcaps-pull/x\t" + "0" * 64, "not a plain relative path"),
                     ("a.csv\tabc", "is not 64 hex digits")]:
        with pytest.raises(DataError, match=msg):
            snapshot_dist.read_manifest((head + bad + "\n").encode())
    with pytest.raises(DataError, match="a/b.csv is listed twice"):
        snapshot_dist.read_manifest((head + good + good).encode())


# -- make ------------------------------------------------------------------------------------------


@pytest.fixture
def filled_store(tmp_path, snapshot_dir, local_server, monkeypatch):
    """A store holding two datasets read from a small snapshot and two live downloads (from the
    local server, serving real files). Returns (store folder, the small snapshot)."""
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    snap = small_snapshot(snapshot_dir, tmp_path / "snap", files=FILES[:2])
    store = tmp_path / "store"
    ds = DataSession(mode="offline", snapshot=snap, store=store)
    ds.french("F-F_Momentum_Factor")
    ds.fred("BAA")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("F-F_Research_Data_Factors.csv",
                   (snapshot_dir / "french/F-F_Research_Data_Factors.csv").read_bytes())
    local_server.add("/ftp/F-F_Research_Data_Factors_CSV.zip", body=buf.getvalue())
    local_server.add("/fredgraph.csv", body=(snapshot_dir / "fred/AAA.csv").read_bytes())
    monkeypatch.setenv("SMALLCAPS_FRENCH_BASE_URL", local_server.url + "/ftp")
    monkeypatch.setenv("SMALLCAPS_FRED_BASE_URL", local_server.url + "/fredgraph.csv")
    live = DataSession(mode="refresh", snapshot="none", store=store)
    live.french("F-F_Research_Data_Factors")
    live.fred("AAA")
    return store, snap


@pytest.mark.network_local
def test_make_freezes_live_and_snapshot_data(filled_store, tmp_path, snapshot_dir, capsys):
    store, snap = filled_store
    dest = tmp_path / "frozen"
    assert cli.main(["--snapshot", str(snap), "--store", str(store), "data", "snapshot", "make", str(dest)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    sid = Snapshot(dest).snapshot_id
    assert out.startswith("wrote 4 files (")
    assert out.endswith(f"2 from live downloads, 2 from snapshot {Snapshot(snap).snapshot_id}) to {dest} "
                        f"(snapshot {sid})")
    assert sorted(files_of(dest)) == sorted(["MANIFEST.tsv", "README.md", "french/F-F_Momentum_Factor.csv",
                                             "fred/BAA.csv", "french/F-F_Research_Data_Factors.csv", "fred/AAA.csv"])
    assert [r[1] for r in Snapshot(dest).verify()] == ["ok"] * 4
    rows = {r.path: r for r in snapshot_dist.read_manifest((dest / MANIFEST).read_bytes())}
    # copied files keep the reference row; live files name their URL, retrieval time and vintage
    ref = {r.path: r for r in snapshot_dist.read_manifest((snapshot_dir / MANIFEST).read_bytes())}
    assert rows["fred/BAA.csv"] == ref["fred/BAA.csv"]
    assert rows["french/F-F_Momentum_Factor.csv"] == ref["french/F-F_Momentum_Factor.csv"]
    ff = rows["french/F-F_Research_Data_Factors.csv"]
    assert ff.origin.endswith("/ftp/F-F_Research_Data_Factors_CSV.zip") and ff.origin_path == ff.origin_commit == ""
    assert ff.note.startswith("live download retrieved 20") and ff.note.endswith("; CRSP 202511 vintage")
    assert ff.coverage == "1926-07..2025-11"
    assert ff.sha256 == ref["french/F-F_Research_Data_Factors.csv"].sha256  # the same bytes as the reference file
    assert rows["fred/AAA.csv"].origin.endswith("/fredgraph.csv?id=AAA")
    assert (dest / MANIFEST).read_text().splitlines()[0].split("\t") == list(snapshot_dist.COLUMNS)
    # a session on the frozen snapshot serves the same data, with the same provenance
    again = DataSession(mode="offline", snapshot=dest, store=tmp_path / "fresh")
    orig = DataSession(mode="offline", snapshot=snap, store=store)
    stored = Store(store).latest("french/F-F_Research_Data_Factors", origin="live")
    pd.testing.assert_frame_equal(again.french("F-F_Research_Data_Factors")["monthly"], stored.read("monthly"))
    assert again.french("F-F_Research_Data_Factors").provenance.vintage == "CRSP 202511"
    pd.testing.assert_frame_equal(again.fred("BAA").frame, orig.fred("BAA").frame)
    assert again.fred("AAA").provenance.first == "1919-01-01"


@pytest.mark.network_local
def test_make_live_only(filled_store, tmp_path, capsys):
    store, snap = filled_store
    dest = tmp_path / "frozen"
    assert cli.main(["data", "snapshot", "make", str(dest), "--live-only", "--store", str(store),
                     "--snapshot", "none"]) == 0
    assert sorted(r.path for r in Snapshot(dest).manifest.values()) == ["fred/AAA.csv",
                                                                      "french/F-F_Research_Data_Factors.csv"]


@pytest.mark.network_local
def test_make_refuses_a_non_empty_folder_and_changes_nothing(filled_store, tmp_path, capsys):
    store, snap = filled_store
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    before, store_before = tree_listing(tmp_path / "taken"), tree_listing(store)
    assert cli.main(["--snapshot", str(snap), "--store", str(store), "data", "snapshot", "make", str(dest)]) == 2
    assert " ".join(capsys.readouterr().err.split()) == (
        f"smallcaps: dir={dest} exists and is not empty; give a new or empty folder (nothing is overwritten)")
    assert tree_listing(dest) == before and tree_listing(store) == store_before
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["--snapshot", str(snap), "--store", str(store), "data", "snapshot", "make", str(empty)]) == 0
    assert (empty / MANIFEST).is_file()
    assert [p.name for p in tmp_path.iterdir() if ".staging-" in p.name] == []


@pytest.mark.network_local
def test_make_without_the_source_snapshot_fails_and_writes_nothing(filled_store, tmp_path, capsys):
    store, snap = filled_store
    dest = tmp_path / "new" / "frozen"
    assert cli.main(["--snapshot", "none", "--store", str(store), "data", "snapshot", "make", str(dest)]) == 1
    assert " ".join(capsys.readouterr().err.split()) == (
        "smallcaps: 2 dataset(s) read from a snapshot cannot be copied (fred/BAA, french/F-F_Momentum_Factor): "
        "no snapshot is selected to copy them from; select the snapshot they came from with --snapshot, or pass "
        "--live-only")
    assert not (tmp_path / "new").exists()


def test_make_from_an_empty_store(tmp_path):
    with pytest.raises(DataError, match="holds no data to freeze"):
        snapshot_dist.make(tmp_path / "x", Store(tmp_path / "store"), None)
    with pytest.raises(ParameterError):
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "f").write_text("x")
        snapshot_dist.make(tmp_path / "full", Store(tmp_path / "store"), None)


@pytest.mark.network_local
def test_made_snapshot_round_trips_through_pull(filled_store, tmp_path, local_server, capsys):
    store, snap = filled_store
    made = snapshot_dist.make(tmp_path / "frozen", Store(store), Snapshot(snap))
    serve(local_server, made.root, prefix="/pub")
    dest = tmp_path / "pulled"
    assert cli.main(["data", "snapshot", "pull", f"{local_server.url}/pub", str(dest)]) == 0
    assert {k: v for k, v in files_of(dest).items()} == {
        k: v for k, v in files_of(made.root).items() if k != "README.md"}


@pytest.mark.network_local
def test_pull_without_a_manifest_at_the_url(local_server, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    monkeypatch.setattr("smallcaps.net.time.sleep", lambda s: None)
    url = f"{local_server.url}/nothing/"
    assert cli.main(["data", "snapshot", "pull", url, str(tmp_path / "p")]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert " ".join(err.split()) == (f"smallcaps: snapshot manifest {url}MANIFEST.tsv: download from {url}MANIFEST.tsv "
                                     "failed after 1 attempt(s): HTTP 404")
    assert not (tmp_path / "p").exists()
