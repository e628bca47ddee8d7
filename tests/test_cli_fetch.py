"""`smallcaps data fetch` downloads into the store with provenance (live path against a local
server serving recorded real files), and leaves the store unchanged when a download fails."""

from __future__ import annotations

import io
import zipfile

import pytest

from smallcaps import cli
from smallcaps.store import Store

from conftest import tree_listing


@pytest.fixture
def served_files(local_server, snapshot_dir, monkeypatch):
    french = (snapshot_dir / "french" / "F-F_Momentum_Factor.csv").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("F-F_Momentum_Factor.csv", french)
    local_server.add("/ftp/F-F_Momentum_Factor_CSV.zip", body=buf.getvalue())
    local_server.add("/fredgraph.csv", body=(snapshot_dir / "fred" / "BAA.csv").read_bytes())
    monkeypatch.setenv("SMALLCAPS_FRENCH_BASE_URL", local_server.url + "/ftp")
    monkeypatch.setenv("SMALLCAPS_FRED_BASE_URL", local_server.url + "/fredgraph.csv")
    return local_server


@pytest.mark.network_local
def test_fetch_stores_live_data_with_provenance(online_env, served_files, capsys):
    rc = cli.main(["data", "fetch", "--french", "F-F_Momentum_Factor", "--fred", "BAA", "--deadline", "5"])
    assert rc == 0, capsys.readouterr()
    assert "2 of 2 downloads stored" in capsys.readouterr().out
    store = Store(online_env)
    mom = store.latest("french/F-F_Momentum_Factor", origin="live")
    baa = store.latest("fred/BAA", origin="live")
    assert mom is not None and baa is not None
    assert mom.provenance.location.endswith("/ftp/F-F_Momentum_Factor_CSV.zip")
    assert (mom.provenance.first, mom.provenance.last, mom.provenance.vintage) == ("1927-01", "2025-11", "CRSP 202511")
    assert (baa.provenance.first, baa.provenance.last) == ("1919-01-01", "2023-11-01")
    assert (mom.path / "raw" / "F-F_Momentum_Factor.csv").is_file()


@pytest.mark.network_local
def test_failed_fetch_names_the_dataset_and_changes_nothing(online_env, local_server, monkeypatch, capsys):
    local_server.add("/fredgraph.csv", status=500)
    monkeypatch.setenv("SMALLCAPS_FRED_BASE_URL", local_server.url + "/fredgraph.csv")
    monkeypatch.setattr("smallcaps.net.time.sleep", lambda s: None)
    before = tree_listing(online_env)
    rc = cli.main(["data", "fetch", "--fred", "BAA", "--deadline", "5"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "fred/BAA" in err and "HTTP 500" in err
    assert tree_listing(online_env) == before
