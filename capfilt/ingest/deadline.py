"""A total time budget for one HTTP exchange, enforced on every blocking socket call of http.client.

A socket timeout bounds one call, so a server sending a byte every few seconds (status line, headers,
endless `100 Continue` answers, body) keeps a download alive forever. Here each connect, TLS handshake,
send and read gets the per-call timeout cut to what is left of the budget, and a read that would start
after the budget is spent raises `DeadlineExceeded` instead. http.client reads the status line and
headers through `sock.makefile()`, so `deadline_response_class` hands `HTTPResponse` a file whose raw
reads go through the deadline; no private http.client API is touched.
"""

from __future__ import annotations

import http.client
import io
import math
import time
from contextlib import contextmanager


class DeadlineExceeded(Exception):
    """The budget of a Deadline is spent; `reason` and `detail` say which one (and its flag)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class Deadline:
    """`seconds` of monotonic time from creation, for one whole exchange (all hops, all reads).

    `reason` is the reject reason when it is spent; `flag` and `what` make the detail say which limit
    and what was cut (deterministic: no timings in it).
    """

    def __init__(self, seconds: float, reason: str, flag: str, what: str, clock=time.monotonic):
        self.seconds = seconds
        self.reason = reason
        self._flag = flag
        self._what = what
        self._clock = clock
        self._ends = clock() + seconds

    @classmethod
    def unlimited(cls) -> Deadline:
        return cls(math.inf, "deadline_exceeded", "no limit", "exchange")

    def remaining(self) -> float:
        return self._ends - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0

    def exceeded(self) -> DeadlineExceeded:
        detail = f"{self._what} not complete within {self.seconds:g} s ({self._flag})"
        return DeadlineExceeded(self.reason, detail)

    def timeout(self, per_call: float | None) -> float | None:
        """Socket timeout for the next blocking call: `per_call` cut to what is left; raises if none is."""
        left = self.remaining()
        if left <= 0:
            raise self.exceeded()
        if per_call is None:
            return None if math.isinf(left) else left
        return min(per_call, left)

    @contextmanager
    def paused(self):
        """Time spent inside does not count (a wait that has a deadline of its own, e.g. robots.txt)."""
        start = self._clock()
        try:
            yield
        finally:
            self._ends += self._clock() - start


class _DeadlineSocketIO(io.RawIOBase):
    """A socket's raw reader whose every read waits at most the per-call timeout and what is left."""

    def __init__(self, sock, deadline: Deadline, per_call: float | None):
        super().__init__()
        self._sock = sock
        self._deadline = deadline
        self._per_call = per_call
        # socket.makefile keeps the socket open while this reader lives, as http.client expects.
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._raw.fileno()

    def readinto(self, buffer) -> int | None:
        self._sock.settimeout(self._deadline.timeout(self._per_call))
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if self._deadline.expired():
                raise self._deadline.exceeded() from None
            raise

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _SocketView:
    """The one thing http.client.HTTPResponse asks of its socket: `makefile("rb")`."""

    def __init__(self, sock, deadline: Deadline, per_call: float | None):
        self._sock = sock
        self._deadline = deadline
        self._per_call = per_call

    def makefile(self, mode: str, *args, **kwargs):
        return io.BufferedReader(_DeadlineSocketIO(self._sock, self._deadline, self._per_call))


def deadline_response_class(deadline: Deadline, per_call: float | None):
    """A drop-in for `HTTPConnection.response_class` whose status line, headers and body obey `deadline`."""

    def response(sock, *args, **kwargs):
        return http.client.HTTPResponse(_SocketView(sock, deadline, per_call), *args, **kwargs)

    return response
