"""HTTP downloads with an overall deadline, retries, and an offline guard.

Every live fetch in smallcaps goes through :func:`download` (or, for Yahoo, through
:func:`call_with_deadline`), so offline mode has one place to refuse the network.
"""

from __future__ import annotations

import queue
import threading
import random
import time
from collections.abc import Callable
from typing import TypeVar

import requests

from .errors import FetchError, OfflineError

T = TypeVar("T")

USER_AGENT = "smallcaps/0.1 (+https://github.com/small-caps-on-trial/small-caps-on-trial)"

#: HTTP statuses worth retrying (rate limiting and transient server errors).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def ensure_online(mode: str, what: str) -> None:
    """Raise :class:`OfflineError` if ``mode`` forbids the network.

    Parameters
    ----------
    mode
        The session's data mode.
    what
        What was about to be fetched, for the message.
    """
    if mode == "offline":
        raise OfflineError(f"{what}: not in the store or snapshot, and offline mode forbids the network")


def download(
    url: str,
    *,
    deadline: float = 60.0,
    retries: int = 2,
    backoff: float = 1.0,
    what: str | None = None,
    session: requests.Session | None = None,
) -> bytes:
    """Download ``url`` and return its bytes, within an overall deadline.

    Parameters
    ----------
    url
        The address to fetch.
    deadline
        Overall limit in seconds for all attempts together, including a server that accepts the
        connection and then sends nothing, or sends too slowly.
    retries
        Extra attempts after a retryable failure (HTTP 429/5xx, connection error).
    backoff
        Base of the exponential backoff between attempts, in seconds (jittered).
    what
        Name of the dataset, for error messages (defaults to the URL).

    Returns
    -------
    bytes
        The complete body. A body shorter than its ``Content-Length`` is an error.

    Raises
    ------
    FetchError
        HTTP error, deadline exceeded, connection failure, truncated or empty body.
    """
    what = what or url
    sess = session or requests.Session()
    t_end = time.monotonic() + deadline
    last: str = ""
    for attempt in range(retries + 1):
        remaining = t_end - time.monotonic()
        if remaining <= 0:
            break
        try:
            body, status = _get_once(sess, url, t_end)
        except _Deadline:
            raise FetchError(f"{what}: no complete answer from {url} within the {deadline:g} s deadline") from None
        except _Broken as exc:  # a transfer cut short is transient: retry it
            last = str(exc)
            status = None
            body = None
        except requests.RequestException as exc:
            last = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
            status = None
            body = None
        if body is not None and status == 200:
            if not body:
                raise FetchError(f"{what}: {url} returned an empty body")
            return body
        if status is not None:
            last = f"HTTP {status}"
            if status not in RETRY_STATUSES:
                break
        if attempt < retries:
            pause = backoff * (2**attempt) * (0.5 + random.random() / 2)
            if time.monotonic() + pause >= t_end:
                break
            time.sleep(pause)
    raise FetchError(f"{what}: download from {url} failed after {attempt + 1} attempt(s): {last or 'deadline reached'}")


class _Deadline(Exception):
    pass


class _Broken(Exception):
    """The body stopped short of its announced length, or the connection broke mid-transfer."""


def _get_once(sess: requests.Session, url: str, t_end: float) -> tuple[bytes | None, int]:
    remaining = max(t_end - time.monotonic(), 0.01)
    # requests' read timeout is per socket read; the loop below enforces the overall deadline
    try:
        resp = sess.get(url, stream=True, timeout=(min(10.0, remaining), remaining), headers={"User-Agent": USER_AGENT})
    except (requests.ConnectTimeout, requests.ReadTimeout):
        if time.monotonic() >= t_end - 0.05:
            raise _Deadline() from None
        raise
    with resp:
        if resp.status_code != 200:
            return None, resp.status_code
        chunks = []
        try:
            for chunk in resp.iter_content(chunk_size=1 << 16):
                chunks.append(chunk)
                if time.monotonic() > t_end:
                    raise _Deadline()
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
            if isinstance(getattr(exc, "args", [None])[0], Exception) and "timed out" in str(exc).lower():
                raise _Deadline() from None
            raise _Broken(f"connection broke mid-download ({type(exc).__name__})") from None
        body = b"".join(chunks)
        expected = resp.headers.get("Content-Length")
        if expected is not None and expected.isdigit() and int(expected) != len(body):
            raise _Broken(f"truncated download ({len(body)} of {expected} bytes)")
        return body, 200


def call_with_deadline(fn: Callable[[], T], deadline: float, what: str) -> T:
    """Run ``fn()`` in a daemon thread and give up after ``deadline`` seconds.

    Used around libraries (yfinance) that can hang for minutes on a dead network and offer no
    overall timeout of their own. On timeout the thread is abandoned; being a daemon, it cannot
    keep the process alive after the error.

    Raises
    ------
    FetchError
        ``fn`` did not return within ``deadline`` seconds.
    """
    box: queue.Queue = queue.Queue(maxsize=1)

    def target():
        try:
            box.put((True, fn()))
        except BaseException as exc:  # handed to the caller's thread
            box.put((False, exc))

    threading.Thread(target=target, name="smallcaps-deadline", daemon=True).start()
    try:
        ok, value = box.get(timeout=max(deadline, 0.0))
    except queue.Empty:
        raise FetchError(f"{what}: no answer within the {deadline:g} s deadline") from None
    if ok:
        return value
    raise value


#: Yahoo Finance's API host (yfinance talks to it; no address of ours to override).
YAHOO_URL = "https://query1.finance.yahoo.com"


def probe(urls, timeout: float = 5.0) -> None:
    """Check, before a batch of downloads, that at least one of the hosts of ``urls`` answers.

    One DNS lookup and TCP connection per distinct host, all at once in daemon threads, with
    ``timeout`` seconds overall: on a dead network the batch fails at once instead of retrying
    every dataset (yfinance alone would take minutes and print screenfuls).

    Raises
    ------
    FetchError
        ``network unreachable: ...`` naming the hosts tried and the first reason.
    """
    import socket
    from urllib.parse import urlsplit

    hosts = []
    for u in urls:
        parts = urlsplit(u)
        if parts.hostname:
            key = (parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
            if key not in hosts:
                hosts.append(key)
    if not hosts:
        return
    box: queue.Queue = queue.Queue()

    def attempt(host: str, port: int) -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                box.put((host, None))
        except OSError as exc:
            reason = "name does not resolve" if isinstance(exc, socket.gaierror) else (exc.strerror or type(exc).__name__)
            box.put((host, reason))

    for host, port in hosts:
        threading.Thread(target=attempt, args=(host, port), name="smallcaps-probe", daemon=True).start()
    t_end = time.monotonic() + timeout
    reasons: dict[str, str] = {}
    while len(reasons) < len(hosts):
        try:
            host, reason = box.get(timeout=max(t_end - time.monotonic(), 0.0))
        except queue.Empty:
            break
        if reason is None:
            return
        reasons[host] = reason
    for host, _ in hosts:
        reasons.setdefault(host, f"no answer within {timeout:g} s")
    first = hosts[0][0]
    raise FetchError(f"network unreachable: none of {', '.join(h for h, _ in hosts)} answered "
                     f"({first}: {reasons[first]}); nothing was fetched")
