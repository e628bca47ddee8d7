"""Downloads with a deadline and retries, the offline guard, and call_with_deadline.

HTTP tests talk to the local server from conftest (127.0.0.1 only) with tiny backoffs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from smallcaps import net
from smallcaps.errors import FetchError, OfflineError

from conftest import ROOT, Route

BODY = b"date,value\n2020-01-02,1.5\n" * 20


class FlakyRoute(Route):
    """Answers ``fail_status`` for the first ``failures`` hits, then the route's own status."""

    failures = 1
    fail_status = 500

    @property
    def status(self):
        return self.fail_status if self.hits <= self.failures else self._status

    @status.setter
    def status(self, value):
        self._status = value


def add(server, path, route):
    server.routes[path] = route
    return route


# -- download ----------------------------------------------------------------------------------


@pytest.mark.network_local
def test_download_success(local_server):
    route = local_server.add("/ok.csv", body=BODY)
    assert net.download(f"{local_server.url}/ok.csv", deadline=5, backoff=0.01) == BODY
    assert route.hits == 1


@pytest.mark.network_local
def test_404_is_not_retried_and_names_what(local_server):
    route = local_server.add("/gone", body=b"no", status=404)
    with pytest.raises(FetchError) as info:
        net.download(f"{local_server.url}/gone", deadline=5, retries=3, backoff=0.01, what="FRED series XYZ")
    assert route.hits == 1
    msg = str(info.value)
    assert msg.startswith("FRED series XYZ: download from http://127.0.0.1:")
    assert msg.endswith("failed after 1 attempt(s): HTTP 404")


@pytest.mark.network_local
def test_what_defaults_to_the_url(local_server):
    local_server.add("/gone", status=404)
    url = f"{local_server.url}/gone"
    with pytest.raises(FetchError, match=r"^" + url.replace(".", r"\.") + ": download from"):
        net.download(url, deadline=5, backoff=0.01)


@pytest.mark.network_local
@pytest.mark.parametrize("retries", [0, 2])
def test_503_is_retried_then_fails(local_server, retries):
    route = local_server.add("/busy", body=b"busy", status=503)
    with pytest.raises(FetchError, match=rf"cboe: download from .* failed after {retries + 1} attempt\(s\): HTTP 503"):
        net.download(f"{local_server.url}/busy", deadline=5, retries=retries, backoff=0.01, what="cboe")
    assert route.hits == retries + 1


@pytest.mark.network_local
def test_500_then_success(local_server):
    route = add(local_server, "/flaky", FlakyRoute(body=BODY))
    assert net.download(f"{local_server.url}/flaky", deadline=5, retries=2, backoff=0.01) == BODY
    assert route.hits == 2


@pytest.mark.network_local
def test_429_twice_then_success_uses_the_third_attempt(local_server):
    route = FlakyRoute(body=BODY)
    route.failures, route.fail_status = 2, 429
    add(local_server, "/limited", route)
    assert net.download(f"{local_server.url}/limited", deadline=5, retries=2, backoff=0.01) == BODY
    assert route.hits == 3


@pytest.mark.network_local
def test_retries_exhausted_before_success(local_server):
    route = FlakyRoute(body=BODY)
    route.failures = 3
    add(local_server, "/flaky", route)
    with pytest.raises(FetchError, match=r"failed after 2 attempt\(s\): HTTP 500"):
        net.download(f"{local_server.url}/flaky", deadline=5, retries=1, backoff=0.01)
    assert route.hits == 2


@pytest.mark.network_local
def test_a_final_status_after_a_retry_stops_at_once(local_server):
    route = FlakyRoute(body=b"gone")
    route.status = 404  # 500 first, then 404: the 404 is not retried
    add(local_server, "/flaky", route)
    with pytest.raises(FetchError, match=r"failed after 2 attempt\(s\): HTTP 404$"):
        net.download(f"{local_server.url}/flaky", deadline=5, retries=4, backoff=0.01)
    assert route.hits == 2


@pytest.mark.network_local
def test_backoff_pauses_grow_and_are_jittered(local_server, monkeypatch):
    pauses = []
    monkeypatch.setattr(net.time, "sleep", pauses.append)
    route = local_server.add("/busy", body=b"busy", status=503)
    with pytest.raises(FetchError, match=r"failed after 4 attempt\(s\): HTTP 503"):
        net.download(f"{local_server.url}/busy", deadline=30, retries=3, backoff=0.5)
    assert route.hits == 4 and len(pauses) == 3
    for k, pause in enumerate(pauses):  # full jitter: uniform in [0, backoff * 2**k]
        assert 0 <= pause <= 0.5 * 2**k


@pytest.mark.network_local
def test_no_pause_is_started_that_would_end_past_the_deadline(local_server, monkeypatch):
    monkeypatch.setattr("random.uniform", lambda lo, hi: hi)  # the longest jittered pause
    route = local_server.add("/busy", body=b"busy", status=503)
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"failed after 1 attempt\(s\): HTTP 503"):
        net.download(f"{local_server.url}/busy", deadline=2, retries=3, backoff=5)
    assert time.monotonic() - t0 < 1.0 and route.hits == 1


@pytest.mark.network_local
def test_hang_past_the_deadline(local_server):
    route = local_server.add("/slow", body=BODY, hang=4.0)
    t0 = time.monotonic()
    with pytest.raises(FetchError) as info:
        net.download(f"{local_server.url}/slow", deadline=1.0, retries=2, backoff=0.01, what="shiller")
    elapsed = time.monotonic() - t0
    assert str(info.value).startswith("shiller: no complete answer from http://127.0.0.1:")
    assert str(info.value).endswith("within the 1 s deadline")
    assert 0.9 <= elapsed < 2.0
    assert route.hits == 1


@pytest.mark.network_local
def test_truncated_body_is_an_error_after_retries(local_server):
    route = local_server.add("/cut", body=BODY, content_length=len(BODY) + 500)
    with pytest.raises(FetchError, match=r"failed after 3 attempt\(s\): (truncated download|connection broke)"):
        net.download(f"{local_server.url}/cut", deadline=5, retries=2, backoff=0.01)
    assert route.hits == 3  # a cut transfer is transient: retried


@pytest.mark.network_local
def test_empty_body_is_an_error(local_server):
    local_server.add("/empty", body=b"")
    with pytest.raises(FetchError) as info:
        net.download(f"{local_server.url}/empty", deadline=5, backoff=0.01, what="french/X")
    assert str(info.value) == f"french/X: {local_server.url}/empty returned an empty body"


@pytest.mark.network_local
def test_connection_refused_is_a_fetch_error(local_server):
    url = local_server.url  # a port that is closed once the server is shut down
    local_server.httpd.shutdown()
    local_server.httpd.server_close()
    with pytest.raises(FetchError, match=r"failed after 2 attempt\(s\): ConnectionError"):
        net.download(f"{url}/x", deadline=5, retries=1, backoff=0.01)


# -- offline guard -------------------------------------------------------------------------------


def test_ensure_online_refuses_offline():
    with pytest.raises(OfflineError) as info:
        net.ensure_online("offline", "fred/BAA")
    assert isinstance(info.value, FetchError)
    assert str(info.value) == "fred/BAA: not in the store or snapshot, and offline mode forbids the network"


@pytest.mark.parametrize("mode", ["auto", "refresh"])
def test_ensure_online_allows_network_modes(mode):
    assert net.ensure_online(mode, "fred/BAA") is None


# -- call_with_deadline --------------------------------------------------------------------------


def test_call_with_deadline_returns_the_value():
    assert net.call_with_deadline(lambda: 42, 5, "x") == 42


def test_call_with_deadline_reraises_the_functions_exception():
    def boom():
        raise KeyError("inner")

    with pytest.raises(KeyError, match="inner"):
        net.call_with_deadline(boom, 5, "x")


def test_call_with_deadline_times_out_with_a_daemon_worker():
    release = threading.Event()
    t0 = time.monotonic()
    with pytest.raises(FetchError) as info:
        net.call_with_deadline(lambda: release.wait(30), 0.3, "Yahoo (IWM)")
    elapsed = time.monotonic() - t0
    assert str(info.value) == "Yahoo (IWM): no answer within the 0.3 s deadline"
    assert 0.25 <= elapsed < 1.5
    workers = [t for t in threading.enumerate() if t.name == "smallcaps-deadline" and t.is_alive()]
    assert workers and all(t.daemon for t in workers)  # abandoned, and cannot keep the process alive
    release.set()
    for t in workers:
        t.join(2)


def test_a_timed_out_call_does_not_hold_the_process():
    code = textwrap.dedent("""
        import time
        from smallcaps.net import call_with_deadline
        from smallcaps.errors import FetchError
        try:
            call_with_deadline(lambda: time.sleep(60), 0.2, "hung")
        except FetchError as exc:
            print("caught:", exc)
    """)
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "caught: hung: no answer within the 0.2 s deadline"
    assert time.monotonic() - t0 < 20  # the 60 s sleep in the worker did not keep the interpreter alive
