"""A misbehaving HTTP server on 127.0.0.1 for the fetcher's tests: scripted raw bytes, trickled on request.

Each path answers with `Reply` objects (the n-th request of a path gets the n-th reply, the last one
repeats), written byte for byte, so a test can send what http.server never would: a status line one
byte at a time, endless `100 Continue`, a raw UTF-8 Location. Every handler is bounded in bytes, in
time (`handler_seconds`) and in count (`max_connections`), so the server ends by itself even if a
client never hangs up.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    data: bytes  # the whole raw answer: status line, headers, body
    burst: int | None = None  # bytes sent at once; the rest trickles `chunk` bytes every `interval` s
    chunk: int = 1
    interval: float = 0.0


def http_reply(status: int, body: bytes = b"", headers: dict | None = None, **trickle) -> Reply:
    """A well-formed HTTP/1.1 answer (Content-Length, Connection: close), optionally trickled."""
    lines = [f"HTTP/1.1 {status} Status".encode()]
    for name, value in {"Content-Length": str(len(body)), "Connection": "close", **(headers or {})}.items():
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode("latin-1")))
    head = b"\r\n".join(lines) + b"\r\n\r\n"
    if trickle.pop("trickle_body", False):
        trickle.setdefault("burst", len(head))
    return Reply(head + body, **trickle)


NOT_FOUND = http_reply(404, b"not found")


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer

    def handle(self):
        server = self.server
        started = time.monotonic()
        conn: socket.socket = self.request
        conn.settimeout(server.handler_seconds)
        if not server.admit():
            return
        if server.silent:  # accept and say nothing (a TLS client waits for a ServerHello that never comes)
            while time.monotonic() - started < server.handler_seconds:
                try:
                    if not conn.recv(4096):
                        return
                except OSError:
                    return
            return
        request = b""
        try:
            while b"\r\n\r\n" not in request and len(request) < 16384:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
        except OSError:
            return
        head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        target = head[0].split(" ")[1] if len(head[0].split(" ")) > 1 else ""
        hosts = [line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("host:")]
        host = hosts[0] if hosts else ""
        reply = server.reply_for(target, host)
        self._send(conn, reply, started)

    def _send(self, conn, reply: Reply, started: float):
        burst = len(reply.data) if reply.burst is None else reply.burst
        try:
            conn.sendall(reply.data[:burst])
            for offset in range(burst, len(reply.data), reply.chunk):
                if time.monotonic() - started > self.server.handler_seconds:
                    return
                time.sleep(reply.interval)
                conn.sendall(reply.data[offset : offset + reply.chunk])
        except OSError:
            pass  # the client gave up, as it should


class HostileServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        routes: dict[str, Reply | list[Reply]],
        handler_seconds: float = 10.0,
        max_connections: int = 64,
        silent: bool = False,
    ):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = {path: (r if isinstance(r, list) else [r]) for path, r in routes.items()}
        self.handler_seconds = handler_seconds
        self.silent = silent
        self._max_connections = max_connections
        self._connections = 0
        self._lock = threading.Lock()
        self.hits: Counter = Counter()  # per path, as requested (percent-encoded, query excluded)
        self.requests: list[tuple[str, str]] = []  # (request target, Host header), in order
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def admit(self) -> bool:
        with self._lock:
            self._connections += 1
            return self._connections <= self._max_connections

    def reply_for(self, target: str, host: str) -> Reply:
        path = target.split("?", 1)[0]
        with self._lock:
            self.requests.append((target, host))
            count = self.hits[path]
            self.hits[path] += 1
        replies = self.routes.get(path)
        if not replies:
            return NOT_FOUND
        return replies[min(count, len(replies) - 1)]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
