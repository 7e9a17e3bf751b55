"""robots.txt, fetched once per host (scheme, host, port) and cached, with RFC 9309's failure rules.

img2dataset does not read robots.txt; ingest does, before any image request to a host.
- 2xx: the rules apply, matched on our user-agent token by Protego (Scrapy's RFC 9309 parser: the longest
  matching rule wins and `*`/`$` patterns work, which the standard library's first-match parser gets wrong);
- 4xx (including 404): no rules, everything is allowed; except 429, which asks us to slow down and is
  treated like 5xx (as Google does): a rate-limited robots.txt is no permission to crawl everything;
- 5xx, timeouts, refused connections, blocked addresses: the site is unreachable, so nothing is fetched;
  a fetch that overruns its deadline gets a reason of its own (`robots_deadline_exceeded`).
The body is UTF-8 (RFC 9309) with or without a byte-order mark; a UTF-16 file with a BOM is read as
UTF-16 and a line that is not UTF-8 as Latin-1, so one odd byte does not hide the rules around it.
"""

from __future__ import annotations

import codecs
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

# Enough hosts for a shard of a crawl; the least recently used origin is forgotten beyond it.
MAX_CACHED_HOSTS = 10_000


class RobotsUnavailable(Exception):
    """robots.txt could not be had; `reason` is the reject reason of every URL of that host."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def robots_text(body: bytes) -> str:
    """The text of a robots.txt body: BOMs dropped, UTF-16 when its BOM says so, stray bytes kept per line."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    if body.startswith(codecs.BOM_UTF8):
        body = body[len(codecs.BOM_UTF8) :]
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = []
    for line in body.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("latin-1"))
    return "".join(lines)


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class _Entry:
    __slots__ = ("lock", "parser", "failure")

    def __init__(self):
        self.lock = threading.Lock()
        self.parser: Protego | None = None
        self.failure: tuple[str, str] | None = None  # (reason, detail) when the file could not be had


class RobotsCache:
    """Answers "may we fetch this URL?" for many threads, fetching each robots.txt at most once.

    `get(url) -> (status, body)` downloads one robots.txt; it raises when the host cannot be reached
    (RobotsUnavailable to name the reason, anything else means `robots_unreachable`).
    """

    def __init__(self, get: Callable[[str], tuple[int, bytes]], user_agent_token: str):
        self._get = get
        self._token = user_agent_token
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self.fetches = 0

    def verdict(self, url: str) -> tuple[str, str] | None:
        """None when `url` may be fetched, else (reason, detail)."""
        origin = robots_url(url)
        with self._lock:
            entry = self._entries.get(origin)
            if entry is None:
                entry = self._entries[origin] = _Entry()
                if len(self._entries) > MAX_CACHED_HOSTS:
                    self._entries.popitem(last=False)
            else:
                self._entries.move_to_end(origin)
        with entry.lock:  # other threads asking about the same host wait for the one fetch
            if entry.parser is None and entry.failure is None:
                self._load(origin, entry)
        if entry.failure is not None:
            reason, detail = entry.failure
            return reason, f"{origin}: {detail}"
        if not entry.parser.can_fetch(url, self._token):
            return "robots_disallowed", f"{origin} disallows {url} for {self._token}"
        return None

    def _load(self, origin: str, entry: _Entry) -> None:
        self.fetches += 1
        try:
            status, body = self._get(origin)
        except RobotsUnavailable as error:
            entry.failure = (error.reason, error.detail)
            return
        except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
            entry.failure = ("robots_unreachable", str(error) or type(error).__name__)
            return
        if status >= 500 or status == 429:
            entry.failure = ("robots_unreachable", f"robots.txt answered {status}")
            return
        # Other 4xx: no rules, everything allowed.
        text = "" if 400 <= status < 500 else robots_text(body)
        entry.parser = Protego.parse(text)
