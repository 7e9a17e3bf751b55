"""Downloading one URL safely: address checks on every hop, bounded bytes, retries with backoff, opt-outs.

Shaped like img2dataset's downloader (urllib, one request per thread, the same User-Agent convention and
X-Robots-Tag directives), but with what it lacks: the connection itself refuses non-public addresses (so
a redirect or a DNS answer cannot reach them), redirects are followed one hop at a time under our checks,
reads stop at a byte limit, and each failure has a machine-readable reason. docs/ingest.md says why
img2dataset's own `download_image` is not called.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urljoin

from capfilt.netsafety import AddressPolicy, BlockedAddress, UnsupportedScheme, check_url
from capfilt.robots import RobotsCache

VERSION = "0.1"
# img2dataset's default opt-out directives (its `disallowed_header_directives`).
DISALLOWED_DIRECTIVES = ("noai", "noimageai", "noindex", "noimageindex")
# Worth another try: the server or the network may recover. Everything else is final.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
TRANSIENT_REASONS = frozenset({"timeout", "connection_error", "protocol_error"})
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchConfig:
    timeout: float = 10.0
    retries: int = 2
    # Seconds before the first retry; doubled for each further one, capped at max_backoff.
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 20 * 2**20
    # The product token robots.txt and X-Robots-Tag rules are matched against.
    user_agent_token: str = "capfilt"
    # Where a site owner can reach whoever runs the crawl (URL or mailto:).
    contact: str = "https://github.com/capfilt/capfilt"
    disallowed_header_directives: tuple[str, ...] = DISALLOWED_DIRECTIVES
    respect_robots: bool = True
    policy: AddressPolicy = field(default_factory=AddressPolicy)

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
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _connect(policy: AddressPolicy, host: str, port: int, timeout, source_address) -> socket.socket:
    """Open a TCP connection to an address the policy allows, checked after resolution (no DNS rebinding)."""
    last_error: OSError | None = None
    for family, kind, proto, _, address in policy.resolve(host, port):
        sock = socket.socket(family, kind, proto)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
            return sock
        except OSError as error:
            sock.close()
            last_error = error
    raise last_error or OSError(f"no address for {host!r}")


class _GuardedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, policy: AddressPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self._policy = policy

    def connect(self):
        self.sock = _connect(self._policy, self.host, self.port, self.timeout, self.source_address)


class _GuardedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, policy: AddressPolicy, **kwargs):
        super().__init__(*args, **kwargs)
        self._policy = policy

    def connect(self):
        sock = _connect(self._policy, self.host, self.port, self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, policy: AddressPolicy):
        super().__init__()
        self._connection = functools.partial(_GuardedHTTPConnection, policy=policy)

    def http_open(self, req):
        return self.do_open(self._connection, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, policy: AddressPolicy):
        super().__init__()
        self._connection = functools.partial(_GuardedHTTPSConnection, policy=policy)

    def https_open(self, req):
        return self.do_open(self._connection, req, context=self._context)


def guarded_opener(policy: AddressPolicy) -> urllib.request.OpenerDirector:
    """An opener with no proxy, no automatic redirects and no error processing: every status comes back.

    No proxy because the address check must apply to the server itself, not to a proxy in between.
    """
    opener = urllib.request.OpenerDirector()
    opener.add_handler(_GuardedHTTPHandler(policy))
    opener.add_handler(_GuardedHTTPSHandler(policy))
    return opener


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


def _classify(error: BaseException) -> FetchError:
    """Map a low-level exception onto a stable reason."""
    if isinstance(error, FetchError):
        return error
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        inner = error.reason
        if isinstance(inner, BaseException):
            return _classify(inner)
        return FetchError("connection_error", str(inner))
    if isinstance(error, BlockedAddress):
        return FetchError("blocked_private_address", str(error))
    if isinstance(error, UnsupportedScheme):
        return FetchError("unsupported_scheme", str(error))
    if isinstance(error, (socket.timeout, TimeoutError)):
        return FetchError("timeout", str(error) or "timed out")
    if isinstance(error, ssl.SSLError):
        return FetchError("tls_error", str(error))
    if isinstance(error, http.client.HTTPException):
        return FetchError("protocol_error", f"{type(error).__name__}: {error}")
    if isinstance(error, OSError):
        return FetchError("connection_error", str(error))
    return FetchError("fetch_error", f"{type(error).__name__}: {error}")


def is_transient(reason: str) -> bool:
    if reason.startswith("http_"):
        return int(reason[5:]) in TRANSIENT_STATUSES
    return reason in TRANSIENT_REASONS


class Fetcher:
    """Downloads URLs under a FetchConfig. Thread-safe; keeps one robots.txt cache for its lifetime."""

    def __init__(self, config: FetchConfig, sleep=time.sleep):
        self.config = config
        self._opener = guarded_opener(config.policy)
        self._sleep = sleep
        self.robots = (
            RobotsCache(self._get_robots, config.user_agent_token) if config.respect_robots else None
        )

    def fetch(self, url: str) -> Fetched:
        """Download `url` with retries for transient failures; never raises for a bad URL or server."""
        result = Fetched(url)
        for attempt in range(self.config.retries + 1):
            if attempt:
                delay = min(self.config.max_backoff, self.config.backoff * 2 ** (attempt - 1))
                self._sleep(delay)
            result.attempts = attempt + 1
            try:
                result.final_url, result.data = self._follow(url, check_robots=True)
                result.reason, result.detail = None, ""
                return result
            except Exception as error:  # noqa: BLE001 - every failure becomes a reason
                failure = _classify(error)
                result.reason, result.detail = failure.reason, failure.detail
                if not is_transient(failure.reason):
                    return result
        result.detail = f"{result.detail} (after {result.attempts} attempts)"
        return result

    def _follow(self, url: str, check_robots: bool, robots_file: bool = False) -> tuple[str, bytes]:
        """GET `url`, following redirects one hop at a time; every hop is checked like the first URL."""
        seen = set()
        for _ in range(self.config.max_redirects + 1):
            _, host, port = check_url(url)
            # Refuse a private host before anything else touches it (robots.txt included); the
            # connection checks again after its own resolution, so a changed DNS answer cannot slip by.
            self.config.policy.resolve(host, port)
            if url in seen:
                raise FetchError("redirect_loop", f"{url} was already visited")
            seen.add(url)
            if check_robots and self.robots is not None:
                verdict = self.robots.verdict(url)
                if verdict is not None:
                    raise FetchError(*verdict)
            request = urllib.request.Request(url, headers={"User-Agent": self.config.user_agent})
            with self._opener.open(request, timeout=self.config.timeout) as response:
                status = response.status
                if 300 <= status < 400 and status != 304:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("bad_redirect", f"HTTP {status} without Location at {url}")
                    url = urljoin(url, location.strip())
                    continue
                if status >= 400:
                    raise FetchError(f"http_{status}", f"{url} answered {status} {response.reason}")
                if robots_file:  # RFC 9309: parse at least 500 KiB, ignore the rest
                    return url, response.read(ROBOTS_MAX_BYTES)
                if self.config.disallowed_header_directives and x_robots_disallows(
                    response.headers, self.config.user_agent_token, self.config.disallowed_header_directives
                ):
                    raise FetchError("x_robots_tag", f"{url}: {response.headers.get('X-Robots-Tag')}")
                return url, _read_bounded(response, self.config.max_bytes, url)
        raise FetchError("too_many_redirects", f"more than {self.config.max_redirects} redirects")

    def _get_robots(self, url: str) -> tuple[int, bytes]:
        """Fetch a robots.txt: (status, body). 4xx comes back as a status; network failures raise."""
        try:
            _, body = self._follow(url, check_robots=False, robots_file=True)
            return 200, body
        except FetchError as error:
            if error.reason.startswith("http_"):
                return int(error.reason[5:]), b""
            raise


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
