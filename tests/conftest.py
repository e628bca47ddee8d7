"""Shared fixtures.

* Every test runs under a network guard: any attempt to open a connection to a non-loopback
  address (Python sockets, or curl_cffi which yfinance uses) is recorded and fails the test,
  even if the code under test catches the error. Loopback is allowed only for tests marked
  ``network_local``, which talk to the local HTTP server below.
* ``snapshot_dir`` is the reference snapshot (``SMALLCAPS_SNAPSHOT`` or ``../shared/data``).
* ``store_dir`` is a fresh, empty store per test.
"""

from __future__ import annotations

import http.server
import ipaddress
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _reference_snapshot() -> Path:
    env = os.environ.get("SMALLCAPS_SNAPSHOT")
    path = Path(env).resolve() if env else (ROOT.parent / "shared" / "data").resolve()
    return path


SNAPSHOT = _reference_snapshot()


def pytest_configure(config):
    if not (SNAPSHOT / "MANIFEST.tsv").is_file():
        raise pytest.UsageError(
            f"the reference snapshot is missing at {SNAPSHOT}: set SMALLCAPS_SNAPSHOT to the shared/data folder"
        )


def pytest_collection_modifyitems(config, items):
    """A test that reads the reference snapshot (through the ``snapshot_dir`` fixture, directly
    or through ``offline`` and the chapters' input fixtures) belongs to the slow tier: the fast
    tier (``pytest -m "not book"``) is the unit tests on hand-made data."""
    for item in items:
        if "snapshot_dir" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("book"):
            item.add_marker(pytest.mark.book)


# -- network guard ----------------------------------------------------------------------------


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, bytes):
        host = host.decode()
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class NetworkGuard:
    allow_loopback: bool = False
    violations: list[str] = field(default_factory=list)

    def check(self, what: str, address) -> None:
        if isinstance(address, str) and address.startswith("/"):
            return  # unix socket (e.g. a local kernel), not the network
        if self.allow_loopback and _is_loopback(address):
            return
        self.violations.append(f"{what} -> {address!r}")
        raise OSError(f"network access blocked in tests: {what} {address!r}")


@pytest.fixture(autouse=True)
def network_guard(request, monkeypatch):
    guard = NetworkGuard(allow_loopback=request.node.get_closest_marker("network_local") is not None)
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard.check("socket.connect", address)
        return real_connect(self, address)

    def connect_ex(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            guard.check("socket.connect_ex", address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    try:  # yfinance talks through curl_cffi, which bypasses Python sockets
        import curl_cffi.requests as creq

        def blocked(self, method, url, *a, **k):
            guard.check("curl_cffi", url)

        monkeypatch.setattr(creq.Session, "request", blocked)
    except ImportError:
        pass
    yield guard
    assert not guard.violations, f"test opened network connections: {guard.violations}"


# -- data fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def snapshot_dir() -> Path:
    return SNAPSHOT


@pytest.fixture
def store_dir(tmp_path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def offline(monkeypatch, snapshot_dir, store_dir):
    """Environment for an offline session on the reference snapshot with a fresh store."""
    monkeypatch.setenv("SMALLCAPS_OFFLINE", "1")
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", str(snapshot_dir))
    monkeypatch.setenv("SMALLCAPS_STORE", str(store_dir))
    return store_dir


@pytest.fixture
def online_env(monkeypatch, store_dir):
    """Environment for live-path tests: no offline flag, no snapshot, a fresh store."""
    monkeypatch.delenv("SMALLCAPS_OFFLINE", raising=False)
    monkeypatch.setenv("SMALLCAPS_SNAPSHOT", "none")
    monkeypatch.setenv("SMALLCAPS_STORE", str(store_dir))
    return store_dir


def tree_listing(path: Path) -> dict[str, bytes]:
    """Every file under ``path`` with its bytes: to prove a failed operation changed nothing."""
    if not path.exists():
        return {}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()} | {
        p.relative_to(path).as_posix() + "/": b"" for p in sorted(path.rglob("*")) if p.is_dir()
    }


def previous_run(folder: Path) -> dict[str, bytes]:
    """A folder as an earlier `smallcaps run` leaves it (marker included); returns its listing."""
    from smallcaps.book import outdir

    (folder / "html").mkdir(parents=True)
    (folder / "html" / "index.html").write_text("<p>the previous good site</p>")
    (folder / "valuation.ipynb").write_text("{}")
    (folder / "valuation.results.json").write_text('{"chapter": "valuation", "stale": true}')
    (folder / "_logs").mkdir()
    (folder / "_logs" / "valuation.log").write_text("")
    outdir.write_marker(folder, "run")
    return tree_listing(folder)


def user_folder(folder: Path) -> dict[str, bytes]:
    """A folder of a user's own files; returns its listing."""
    (folder / "thesis").mkdir(parents=True)
    (folder / "thesis" / "chapter1.docx").write_text("irreplaceable")
    (folder / "notes.txt").write_text("notes")
    return tree_listing(folder)


# -- a local HTTP server serving recorded files -----------------------------------------------


@dataclass
class Route:
    """What the local server answers on one path."""

    body: bytes = b""
    status: int = 200
    hang: float = 0.0  # seconds to wait before answering (simulates a dead server)
    content_length: int | None = None  # announce more bytes than sent: a truncated transfer
    hits: int = 0


class LocalServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = self.path.split("?")[0]
                route = server.routes.get(self.path) or server.routes.get(path)
                if route is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                route.hits += 1
                if route.hang:
                    time.sleep(route.hang)
                self.send_response(route.status)
                length = route.content_length if route.content_length is not None else len(route.body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, path: str, **kw) -> Route:
        route = Route(**kw)
        self.routes[path] = route
        return route


@pytest.fixture
def local_server():
    srv = LocalServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()
