"""robots.txt, fetched once per host (scheme, host, port) and cached, with RFC 9309's failure rules.

img2dataset does not read robots.txt; ingest does, before any image request to a host.
- 2xx: the rules apply, matched on our user-agent token by Protego (Scrapy's RFC 9309 parser: the longest
  matching rule wins and `*`/`$` patterns work, which the standard library's first-match parser gets wrong);
- 4xx (including 404): no rules, everything is allowed;
- 5xx, timeouts, refused connections, blocked addresses: the site is unreachable, so nothing is fetched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

# Enough hosts for a shard of a crawl; the least recently used origin is forgotten beyond it.
MAX_CACHED_HOSTS = 10_000


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


class _Entry:
    __slots__ = ("lock", "parser", "unreachable")

    def __init__(self):
        self.lock = threading.Lock()
        self.parser: Protego | None = None
        self.unreachable: str | None = None


class RobotsCache:
    """Answers "may we fetch this URL?" for many threads, fetching each robots.txt at most once.

    `get(url) -> (status, body)` downloads one robots.txt; it raises when the host cannot be reached.
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
            if entry.parser is None and entry.unreachable is None:
                self._load(origin, entry)
        if entry.unreachable is not None:
            return "robots_unreachable", f"{origin}: {entry.unreachable}"
        if not entry.parser.can_fetch(url, self._token):
            return "robots_disallowed", f"{origin} disallows {url} for {self._token}"
        return None

    def _load(self, origin: str, entry: _Entry) -> None:
        self.fetches += 1
        try:
            status, body = self._get(origin)
        except Exception as error:  # noqa: BLE001 - any failure means "unreachable"
            entry.unreachable = str(error) or type(error).__name__
            return
        if status >= 500:
            entry.unreachable = f"robots.txt answered {status}"
            return
        # 4xx: no rules, everything allowed.
        text = "" if 400 <= status < 500 else body.decode("utf-8", errors="replace")
        entry.parser = Protego.parse(text)
