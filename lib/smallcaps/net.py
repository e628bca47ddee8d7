"""HTTP downloads with an overall deadline, retries, and an offline guard.

Every live fetch in smallcaps goes through :func:`download` (or, for Yahoo, through
:func:`call_with_deadline`), so offline mode has one place to refuse the network. Retries and
backoff are tenacity's; the overall deadline, the truncation check and the offline guard, which
no library gives, are here.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import requests
import tenacity

from . import __version__
from .errors import FetchError, OfflineError

T = TypeVar("T")

USER_AGENT = f"smallcaps/{__version__} (+https://github.com/small-caps-on-trial/small-caps-on-trial)"

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


class _Transient(Exception):
    """A failure worth another attempt (HTTP 429/5xx, connection error, transfer cut short)."""


class _Final(Exception):
    """A failure no retry can cure (e.g. HTTP 404)."""


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
        Extra attempts after a retryable failure (HTTP 429/5xx, connection error, a transfer
        cut short).
    backoff
        Scale of the exponential backoff between attempts, in seconds (full jitter: a random
        pause up to ``backoff * 2**attempt``); no pause is started that would end past the
        deadline.
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

    def attempt() -> bytes:
        if time.monotonic() >= t_end:
            raise _Final("deadline reached")
        try:
            body, status = _get_once(sess, url, t_end)
        except _Broken as exc:  # a transfer cut short is transient: retry it
            raise _Transient(str(exc)) from None
        except requests.RequestException as exc:
            raise _Transient(describe_error(exc)) from None
        if status != 200:
            raise (_Transient if status in RETRY_STATUSES else _Final)(f"HTTP {status}")
        return body

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(_Transient),
        stop=tenacity.stop_after_attempt(retries + 1) | tenacity.stop_before_delay(deadline),
        wait=tenacity.wait_random_exponential(multiplier=backoff),
        sleep=lambda seconds: time.sleep(seconds),  # looked up at call time (tests patch it)
        reraise=True,
    )
    try:
        body = retrying(attempt)
    except _Deadline:
        raise FetchError(f"{what}: no complete answer from {url} within the {deadline:g} s deadline") from None
    except (_Transient, _Final) as exc:
        n = retrying.statistics.get("attempt_number", 1)
        raise FetchError(f"{what}: download from {url} failed after {n} attempt(s): {exc}") from None
    if not body:
        raise FetchError(f"{what}: {url} returned an empty body")
    return body


def describe_error(exc: BaseException) -> str:
    """A requests/urllib3 error as one whole line: its type and root cause, without the nested
    pool and object reprs that make the raw message long (never cut off mid-word).

    ``ConnectionError(MaxRetryError(reason=NameResolutionError(...)))`` becomes
    ``ConnectionError (NameResolutionError): Failed to resolve 'host' ([Errno -2] ...)``.
    """
    inner: BaseException = exc
    seen = set()
    while id(inner) not in seen:
        seen.add(id(inner))
        arg = inner.args[0] if inner.args else None
        reason = getattr(arg, "reason", None) if arg is not None else None
        if isinstance(reason, BaseException):
            inner = reason
        elif isinstance(arg, BaseException):
            inner = arg
        else:
            break
    text = str(inner)
    text = re.sub(r"^\s*(<[^<>]*? object at 0x[0-9a-fA-F]+>|\w+Connection\(host=[^)]*\))\s*:\s*", "", text)
    text = " ".join(text.split()) or "no detail"
    kind = type(exc).__name__ if inner is exc else f"{type(exc).__name__} ({type(inner).__name__})"
    return f"{kind}: {text}"


class _Deadline(Exception):
    pass


class _Broken(Exception):
    """The body stopped short of its announced length, or the connection broke mid-transfer."""


def _get_once(sess: requests.Session, url: str, t_end: float) -> tuple[bytes, int]:
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
            return b"", resp.status_code
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
            reason = ("name does not resolve" if isinstance(exc, socket.gaierror)
                      else (exc.strerror or type(exc).__name__))
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
