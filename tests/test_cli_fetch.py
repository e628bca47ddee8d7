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


# -- no network (D01, D03) -------------------------------------------------------------------------------


@pytest.fixture
def no_dns(monkeypatch):
    """Names do not resolve (the reviewer's machine); loopback still does."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, *a, **k):
        if host in ("127.0.0.1", "localhost", "::1"):
            return real(host, *a, **k)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_fetch_all_without_network_fails_at_once_in_one_line(online_env, no_dns, capsys):
    """D03: before, 184 s and 1,372 lines of yfinance chatter."""
    import time

    before = tree_listing(online_env)
    t0 = time.perf_counter()
    rc = cli.main(["data", "fetch", "--all"])
    elapsed = time.perf_counter() - t0
    out, err = capsys.readouterr()
    assert rc == 1 and out == ""
    assert err.strip() == ("smallcaps: network unreachable: none of mba.tuck.dartmouth.edu, fred.stlouisfed.org, "
                           "cdn.cboe.com, img1.wsimg.com, query1.finance.yahoo.com answered (mba.tuck.dartmouth.edu: "
                           "name does not resolve); nothing was fetched")
    assert elapsed < 30
    assert tree_listing(online_env) == before


@pytest.mark.network_local
def test_fetch_with_every_host_down_fails_at_once(online_env, no_dns, local_server, monkeypatch, capsys):
    """D01: a closed port for the French and FRED hosts, no DNS for Yahoo."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("SMALLCAPS_FRENCH_BASE_URL", f"http://127.0.0.1:{closed}/ftp")
    monkeypatch.setenv("SMALLCAPS_FRED_BASE_URL", f"http://127.0.0.1:{closed}/fredgraph.csv")
    before = tree_listing(online_env)
    rc = cli.main(["data", "fetch", "--fred", "BAMLH0A0HYM2", "--tickers", "IWM", "SPY", "--french",
                   "F-F_Research_Data_Factors"])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip() == ("smallcaps: network unreachable: none of 127.0.0.1, query1.finance.yahoo.com answered "
                           "(127.0.0.1: Connection refused); nothing was fetched")
    assert tree_listing(online_env) == before


@pytest.mark.network_local
def test_probe_passes_when_one_host_answers(local_server, no_dns):
    from smallcaps.net import probe

    probe([local_server.url + "/x", "https://query1.finance.yahoo.com"], timeout=2)  # no error: one answered
    probe([])  # nothing to reach, nothing to check
