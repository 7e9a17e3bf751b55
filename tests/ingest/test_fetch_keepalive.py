"""The fetcher keeps connections alive per origin (capfilt/ingest/connections.py), and only where it may.

A loopback HTTP/1.1 server counts the TCP connections it accepts: images of one host share one connection,
a response that says `Connection: close` (or is not read to its end) is not reused, and a server that
drops an idle connection without a word costs a new connection, never a reject.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.pool import ThreadPool

import pytest

from capfilt.ingest.connections import IdleConnections
from capfilt.ingest.fetch import FetchConfig, Fetcher
from capfilt.ingest.netsafety import AddressPolicy
from tests.helpers.images import jpeg_bytes

IMAGE = jpeg_bytes()
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: CountingServer

    def setup(self):
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        with self.server.lock:
            self.server.requests += 1
        if self.path == "/robots.txt":
            body, kind = ROBOTS, "text/plain"
        elif self.path.startswith("/missing"):
            body, kind = b"not here " * 100, "text/plain"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        else:
            body, kind = IMAGE, "image/jpeg"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if self.server.say_close:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        if self.server.drop_silently:  # hang up without saying so, as idle-timeout servers do
            self.close_connection = True


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, say_close=False, drop_silently=False):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.connections = self.requests = 0
        self.say_close, self.drop_silently = say_close, drop_silently

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def fetcher() -> Fetcher:
    config = FetchConfig(timeout=10.0, retries=0, policy=AddressPolicy(allowed_networks=("127.0.0.1/32",)))
    return Fetcher(config)


def test_images_of_one_host_share_one_connection_robots_txt_included():
    with CountingServer() as server:
        client = fetcher()
        results = [client.fetch(f"{server.base_url}img{i}.jpg") for i in range(6)]
        client.close()
    assert [(r.reason, r.data) for r in results] == [(None, IMAGE)] * 6
    assert (server.requests, server.connections) == (7, 1)  # robots.txt + 6 images on one connection


def test_robots_rules_still_apply_on_a_kept_alive_connection():
    with CountingServer() as server:
        client = fetcher()
        allowed = client.fetch(server.base_url + "a.jpg")
        refused = client.fetch(server.base_url + "private/b.jpg")
        client.close()
    assert (allowed.reason, refused.reason) == (None, "robots_disallowed")


@pytest.mark.parametrize("say_close, drop_silently", [(True, False), (False, True)])
def test_a_closed_connection_is_never_reused_and_costs_no_reject(say_close, drop_silently):
    with CountingServer(say_close=say_close, drop_silently=drop_silently) as server:
        client = fetcher()
        results = [client.fetch(f"{server.base_url}img{i}.jpg") for i in range(4)]
        client.close()
    assert [(r.reason, r.attempts) for r in results] == [(None, 1)] * 4
    assert server.connections == server.requests == 5


def test_an_unread_error_body_closes_its_connection():
    with CountingServer() as server:
        client = fetcher()
        missing = client.fetch(server.base_url + "missing.jpg")
        found = client.fetch(server.base_url + "a.jpg")
        client.close()
    assert (missing.reason, found.reason) == ("http_404", None)
    # robots.txt and the 404 share one connection, which the unread 404 body ends; the image opens another.
    assert (server.requests, server.connections) == (3, 2)


def test_threads_share_the_idle_connections_without_mixing_responses():
    with CountingServer() as server:
        client = fetcher()
        with ThreadPool(8) as pool:
            results = pool.map(lambda i: client.fetch(f"{server.base_url}img{i}.jpg"), range(80))
        idle = len(client._connections)
        client.close()
    assert [(r.reason, r.data) for r in results] == [(None, IMAGE)] * 80
    assert server.connections <= 9  # at most one per thread, plus robots.txt's
    assert 1 <= idle <= 9


class _Closable:
    def __init__(self):
        self.closed = False
        self.sock = None

    def close(self):
        self.closed = True


def test_the_idle_store_is_bounded_and_closes_what_it_drops():
    idle = IdleConnections(limit=2)
    first, second, third = _Closable(), _Closable(), _Closable()
    idle.give(("http", "a", 80), first)
    idle.give(("http", "b", 80), second)
    idle.give(("http", "b", 80), third)
    assert (len(idle), first.closed, second.closed, third.closed) == (2, True, False, False)
    # An idle connection whose socket is gone is closed on the way out, not handed over.
    assert idle.take(("http", "b", 80)) is None
    assert third.closed and second.closed and len(idle) == 0
