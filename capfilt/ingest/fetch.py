"""Downloading one URL safely: address checks on every hop, bounded bytes, retries with backoff, opt-outs.

Shaped like img2dataset's downloader (urllib, one request per thread, the same User-Agent convention and
X-Robots-Tag directives), but with what it lacks: the connection itself refuses non-public addresses (so
a redirect or a DNS answer cannot reach them), redirects are followed one hop at a time under our checks,
reads stop at a byte limit and at a total deadline, `Retry-After` is honoured up to a cap, and each
failure has a machine-readable reason. docs/ingest.md says why img2dataset's own `download_image` is not
called.
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field

from capfilt.ingest.connections import IdleConnections
from capfilt.ingest.deadline import Deadline, DeadlineExceeded, deadline_response_class
from capfilt.ingest.netsafety import (
    AddressPolicy,
    BadURL,
    BlockedAddress,
    CheckedURL,
    CredentialsInURL,
    UnknownHost,
    UnsupportedScheme,
    check_url,
)
from capfilt.ingest.robots import RobotsCache, RobotsUnavailable

VERSION = "0.1"
# img2dataset's default opt-out directives (its `disallowed_header_directives`).
DISALLOWED_DIRECTIVES = ("noai", "noimageai", "noindex", "noimageindex")
# Worth another try: the server or the network may recover. Everything else is final.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
TRANSIENT_REASONS = frozenset({"timeout", "connection_error", "protocol_error"})
# Statuses whose Retry-After header says when to come back (RFC 9110 section 10.2.3).
RETRY_AFTER_STATUSES = frozenset({429, 503})
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchConfig:
    # Seconds one socket call (connect, a read) may wait; resets on every byte, hence request_deadline.
    timeout: float = 10.0
    # Seconds for one whole download attempt: connect, TLS, headers, body and every redirect hop.
    request_deadline: float = 60.0
    # Seconds for fetching one robots.txt; every image of that host waits for it.
    robots_deadline: float = 30.0
    retries: int = 2
    # Seconds before the first retry; doubled for each further one, capped at max_backoff.
    backoff: float = 1.0
    max_backoff: float = 30.0
    # The longest Retry-After (of a 429 or 503) honoured; a server asking for more is a reject.
    max_retry_after: float = 60.0
    max_redirects: int = 5
    max_bytes: int = 20 * 2**20
    # The product token robots.txt and X-Robots-Tag rules are matched against.
    user_agent_token: str = "capfilt"
    # Where a site owner can reach whoever runs the crawl (URL or mailto:).
    contact: str = "https://github.com/capfilt/capfilt"
    disallowed_header_directives: tuple[str, ...] = DISALLOWED_DIRECTIVES
    respect_robots: bool = True
    policy: AddressPolicy = field(default_factory=AddressPolicy)

    def __post_init__(self):
        for name in ("timeout", "request_deadline", "robots_deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"--{name} must be more than 0 seconds, got {getattr(self, name)}")
        if not self.max_retry_after >= 0:
            raise ValueError(f"--max_retry_after must be 0 or more seconds, got {self.max_retry_after}")

    @property
    def user_agent(self) -> str:
        return f"Mozilla/5.0 (compatible; {self.user_agent_token}/{VERSION}; +{self.contact})"


@dataclass
class Fetched:
    """The outcome of one download: bytes, or a reason (and a human-readable detail) why not."""

    url: str
    final_url: str | None = None
    data: bytes | None = None
    reason: str | None = None
    detail: str = ""
    attempts: int = 0


class FetchError(Exception):
    def __init__(self, reason: str, detail: str = "", retry_after: str | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        # The Retry-After header of a 429/503 answer, as sent.
        self.retry_after = retry_after


def _connect(policy: AddressPolicy, host: str, port: int, deadline: Deadline, timeout, source_address):
    """Open a TCP connection to an address the policy allows, checked after resolution (no DNS rebinding).

    The socket connects to exactly the address that was checked; each try waits at most what is left.
    """
    last_error: OSError | None = None
    for family, kind, proto, _, address in policy.resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            sock.settimeout(deadline.timeout(timeout))
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
        except DeadlineExceeded:
            sock.close()
            raise
    raise last_error or OSError(f"no address for {host!r}")


def _per_call(timeout) -> float | None:
    return timeout if isinstance(timeout, (int, float)) else None


class _Guarded:
    """What both connection classes add: the address policy for connect, the deadline for every send and
    for the response's reads."""

    def __init__(self, *args, policy: AddressPolicy, deadline: Deadline, **kwargs):
        super().__init__(*args, **kwargs)
        self._policy = policy
        self.arm(deadline)

    def arm(self, deadline: Deadline) -> None:
        """Bound the next exchange by `deadline`: a kept-alive connection serves request after request."""
        self._deadline = deadline
        self.response_class = deadline_response_class(deadline, _per_call(self.timeout))

    def send(self, data):
        if self.sock is not None:
            self.sock.settimeout(self._deadline.timeout(_per_call(self.timeout)))
        super().send(data)


class _GuardedHTTPConnection(_Guarded, http.client.HTTPConnection):
    def connect(self):
        self.sock = _connect(
            self._policy, self.host, self.port, self._deadline, _per_call(self.timeout), self.source_address
        )


class _GuardedHTTPSConnection(_Guarded, http.client.HTTPSConnection):
    def connect(self):
        per_call = _per_call(self.timeout)
        sock = _connect(self._policy, self.host, self.port, self._deadline, per_call, self.source_address)
        try:
            # The handshake is one call, which CPython bounds by the socket timeout as a whole.
            sock.settimeout(self._deadline.timeout(per_call))
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


# Errors of a kept-alive connection that the server closed meanwhile: the request never reached it.
STALE_CONNECTION_ERRORS = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)
CONNECTION_CLASSES = {"http": _GuardedHTTPConnection, "https": _GuardedHTTPSConnection}


def x_robots_disallows(headers, user_agent_token: str, directives) -> bool:
    """True when an X-Robots-Tag header opts out of our use, with img2dataset's parsing rules.

    A header applies when it names no user agent (`noai`) or names ours (`capfilt: noai`).
    """
    token = user_agent_token.strip().lower()
    wanted = {d.strip().lower() for d in directives}
    for value in headers.get_all("X-Robots-Tag") or []:
        parts = value.split(":", 1)
        named = parts[0].strip().lower() if len(parts) == 2 else None
        found = {d.strip().lower() for d in parts[-1].split(",")}
        if (named is None or named == token) and found & wanted:
            return True
    return False


def _classify(error: BaseException, deadline: Deadline | None = None) -> FetchError:
    """Map a low-level exception onto a stable reason."""
    if isinstance(error, FetchError):
        return error
    if isinstance(error, DeadlineExceeded):
        return FetchError(error.reason, error.detail)
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        inner = error.reason
        if isinstance(inner, BaseException):
            return _classify(inner, deadline)
        return FetchError("connection_error", str(inner))
    if isinstance(error, CredentialsInURL):
        return FetchError("credentials_in_url", str(error))
    if isinstance(error, BadURL):
        return FetchError("bad_url", str(error))
    if isinstance(error, UnsupportedScheme):
        return FetchError("unsupported_scheme", str(error))
    if isinstance(error, BlockedAddress):
        return FetchError("blocked_private_address", str(error))
    if isinstance(error, UnknownHost):
        return FetchError("unknown_host", str(error))
    if isinstance(error, (socket.timeout, TimeoutError)):
        if deadline is not None and deadline.expired():  # the last call was cut short by the deadline
            return _classify(deadline.exceeded())
        return FetchError("timeout", str(error) or "timed out")
    if isinstance(error, ssl.SSLError):
        return FetchError("tls_error", str(error))
    if isinstance(error, (http.client.InvalidURL, UnicodeError)):  # what the URL parser let through: final
        return FetchError("bad_url", f"{type(error).__name__}: {error}")
    if isinstance(error, http.client.HTTPException):
        return FetchError("protocol_error", f"{type(error).__name__}: {error}")
    if isinstance(error, OSError):
        return FetchError("connection_error", str(error))
    return FetchError("fetch_error", f"{type(error).__name__}: {error}")


def is_transient(reason: str) -> bool:
    if reason.startswith("http_"):
        return int(reason[5:]) in TRANSIENT_STATUSES
    return reason in TRANSIENT_REASONS


def retry_after_seconds(value: str, now: float) -> float | None:
    """Seconds a Retry-After value asks for (delay-seconds or HTTP-date, RFC 9110); None when unreadable."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": HTTP-dates are always GMT
            when = when.replace(tzinfo=datetime.timezone.utc)
        return max(0.0, when.timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _header_text(value: str) -> str:
    """A header as the server meant it: http.client reads bytes as Latin-1, browsers read UTF-8 Locations."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


class Fetcher:
    """Downloads URLs under a FetchConfig. Thread-safe; keeps one robots.txt cache for its lifetime.

    `sleep` waits between attempts and `clock` is the wall clock that HTTP-date Retry-After values are
    read against; tests inject both so that no test waits.
    """

    def __init__(self, config: FetchConfig, sleep=time.sleep, clock=time.time):
        self.config = config
        self._connections = IdleConnections()
        self._sleep = sleep
        self._clock = clock
        self.robots = (
            RobotsCache(self._get_robots, config.user_agent_token) if config.respect_robots else None
        )

    def fetch(self, url: str) -> Fetched:
        """Download `url` with retries for transient failures; never raises for a bad URL or server."""
        result = Fetched(url)
        delay = 0.0
        for attempt in range(self.config.retries + 1):
            if attempt:
                self._sleep(delay)
            result.attempts = attempt + 1
            deadline = Deadline(
                self.config.request_deadline, "deadline_exceeded", "--request_deadline", "download"
            )
            try:
                result.final_url, result.data = self._follow(url, deadline, check_robots=True)
                result.reason, result.detail = None, ""
                return result
            except Exception as error:  # noqa: BLE001 - every failure becomes a reason
                failure = _classify(error, deadline)
                result.reason, result.detail = failure.reason, failure.detail
                if not is_transient(failure.reason):
                    return result
                delay = min(self.config.max_backoff, self.config.backoff * 2**attempt)
                if failure.retry_after is not None:
                    asked = retry_after_seconds(failure.retry_after, self._clock())
                    if asked is not None and asked > self.config.max_retry_after:
                        result.reason = "retry_after_too_long"
                        result.detail = (
                            f"{failure.detail}, Retry-After {failure.retry_after.strip()!r}: more than"
                            f" --max_retry_after {self.config.max_retry_after:g} s"
                        )
                        return result
                    if asked is not None:
                        delay = max(delay, asked)
        result.detail = f"{result.detail} (after {result.attempts} attempts)"
        return result

    def _follow(
        self, url: str, deadline: Deadline, check_robots: bool, robots_file: bool = False
    ) -> tuple[str, bytes]:
        """GET `url`, following redirects one hop at a time; every hop is checked like the first URL."""
        seen = set()
        target = check_url(url)
        for _ in range(self.config.max_redirects + 1):
            # Refuse a private host before anything else touches it (robots.txt included); the
            # connection checks again after its own resolution, so a changed DNS answer cannot slip by.
            self.config.policy.resolve(target.host, target.port)
            if target.url in seen:
                raise FetchError("redirect_loop", f"{target.url} was already visited")
            seen.add(target.url)
            if check_robots and self.robots is not None:
                with deadline.paused():  # robots.txt has a deadline of its own
                    verdict = self.robots.verdict(target.url)
                if verdict is not None:
                    raise FetchError(*verdict)
            with self._exchange(target, deadline) as response:
                status = response.status
                if 300 <= status < 400 and status != 304:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("bad_redirect", f"HTTP {status} without Location at {target.url}")
                    target = check_url(_header_text(location).strip(), base=target.url)
                    continue
                if status >= 400:
                    raise FetchError(
                        f"http_{status}",
                        f"{target.url} answered {status} {response.reason}",
                        retry_after=response.headers.get("Retry-After")
                        if status in RETRY_AFTER_STATUSES
                        else None,
                    )
                if robots_file:  # RFC 9309: parse at least 500 KiB, ignore the rest
                    return target.url, response.read(ROBOTS_MAX_BYTES)
                if self.config.disallowed_header_directives and x_robots_disallows(
                    response.headers, self.config.user_agent_token, self.config.disallowed_header_directives
                ):
                    raise FetchError("x_robots_tag", f"{target.url}: {response.headers.get('X-Robots-Tag')}")
                return target.url, _read_bounded(response, self.config.max_bytes, target.url)
        raise FetchError("too_many_redirects", f"more than {self.config.max_redirects} redirects")

    @contextmanager
    def _exchange(self, target: CheckedURL, deadline: Deadline):
        """GET `target` on a kept-alive connection to its origin when there is one, else on a new guarded one.

        The connection goes back for reuse only when the response was read to its end and keeps the connection
        open; a reused connection the server had closed is replaced once by a fresh one."""
        origin = (target.scheme, target.host, target.port)
        # The selector as urllib sends it: path and query, no fragment.
        selector = urllib.request.Request(target.url).selector
        headers = {"User-Agent": self.config.user_agent}
        connection = self._connections.take(origin)
        response = None
        try:
            if connection is not None:
                connection.arm(deadline)
                try:
                    connection.request("GET", selector, headers=headers)
                    response = connection.getresponse()
                except STALE_CONNECTION_ERRORS:
                    connection.close()
                    connection = None
            if connection is None:
                connection = CONNECTION_CLASSES[target.scheme](
                    target.host,
                    target.port,
                    timeout=self.config.timeout,
                    policy=self.config.policy,
                    deadline=deadline,
                )
                connection.request("GET", selector, headers=headers)
                response = connection.getresponse()
            yield response
        except BaseException:
            if connection is not None:
                connection.close()
            raise
        if response.isclosed() and not response.will_close and connection.sock is not None:
            self._connections.give(origin, connection)
        else:
            response.close()
            connection.close()

    def close(self) -> None:
        """Close the idle kept-alive connections (a worker's teardown)."""
        self._connections.close()

    def _get_robots(self, url: str) -> tuple[int, bytes]:
        """Fetch a robots.txt: (status, body). An HTTP status comes back; anything else raises.

        Its own deadline (`robots_deadline`) bounds it: every image of the host waits for this one fetch.
        """
        deadline = Deadline(
            self.config.robots_deadline, "robots_deadline_exceeded", "--robots_deadline", "robots.txt"
        )
        try:
            _, body = self._follow(url, deadline, check_robots=False, robots_file=True)
            return 200, body
        except Exception as error:  # noqa: BLE001 - every failure becomes a reason
            failure = _classify(error, deadline)
            if failure.reason.startswith("http_"):
                return int(failure.reason[5:]), b""
            if failure.reason == deadline.reason:
                raise RobotsUnavailable(failure.reason, failure.detail) from error
            raise RobotsUnavailable("robots_unreachable", f"{failure.reason}: {failure.detail}") from error


# RFC 9309: crawlers must parse at least 500 KiB of a robots.txt.
ROBOTS_MAX_BYTES = 500 * 1024


def _read_bounded(response, max_bytes: int, url: str) -> bytes:
    """Read the body, refusing it as soon as it is known to exceed `max_bytes` (before reading it all)."""
    declared = response.headers.get("Content-Length")
    if declared and declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError("file_too_large", f"{url}: Content-Length {declared} > {max_bytes} bytes")
    chunks, size = [], 0
    while True:
        chunk = response.read(READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("file_too_large", f"{url}: body exceeds {max_bytes} bytes")
        chunks.append(chunk)
