"""Idle keep-alive connections, kept per origin so that the next image of a host skips TCP (and TLS) set-up.

A crawl or URL list asks the same hosts (CDNs, image servers) again and again; a new connection per URL costs
a handshake on both sides, which on a busy worker is a large part of a small image's time (docs/ingest.md,
"Where the time goes"). Only a connection whose last response was read to its end and did not say
`Connection: close` comes back here; each was opened by the guarded connect (`capfilt.ingest.fetch`), so it
leads to an address the policy allowed. One that the server closed while it waited is noticed before reuse
(the socket reads as ready with nothing to say) and closed.
"""

from __future__ import annotations

import select
import threading
from collections import OrderedDict

# Idle connections kept in all (a worker's threads times the hosts they talk to); the oldest go first.
MAX_IDLE = 256


def _dropped(connection) -> bool:
    """True when the peer has closed (or written unasked to) an idle connection: it cannot carry a request."""
    sock = getattr(connection, "sock", None)
    if sock is None:
        return True
    try:
        if hasattr(select, "poll"):  # poll has no FD_SETSIZE limit (select refuses descriptors past 1023)
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):  # closed or unusable descriptor
        return True


class IdleConnections:
    """Thread-safe store of idle connections by origin `(scheme, host, port)`; at most `limit` in all."""

    def __init__(self, limit: int = MAX_IDLE):
        self._limit = limit
        self._lock = threading.Lock()
        self._idle: OrderedDict[tuple, list] = OrderedDict()
        self._count = 0

    def take(self, origin: tuple):
        """A live idle connection to `origin`, or None."""
        while True:
            with self._lock:
                waiting = self._idle.get(origin)
                if not waiting:
                    return None
                connection = waiting.pop()
                if not waiting:
                    del self._idle[origin]
                self._count -= 1
            if not _dropped(connection):
                return connection
            connection.close()

    def give(self, origin: tuple, connection) -> None:
        """Keep `connection` for the next request to `origin`; beyond the limit the oldest idle one closes."""
        evicted = None
        with self._lock:
            self._idle.setdefault(origin, []).append(connection)
            self._idle.move_to_end(origin)
            self._count += 1
            if self._count > self._limit:
                oldest_origin, oldest = next(iter(self._idle.items()))
                evicted = oldest.pop(0)
                if not oldest:
                    del self._idle[oldest_origin]
                self._count -= 1
        if evicted is not None:
            evicted.close()

    def __len__(self) -> int:
        return self._count

    def close(self) -> None:
        with self._lock:
            idle = [connection for waiting in self._idle.values() for connection in waiting]
            self._idle.clear()
            self._count = 0
        for connection in idle:
            connection.close()
