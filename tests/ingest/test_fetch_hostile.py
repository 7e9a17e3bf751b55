"""The fetcher against a hostile loopback server: trickles, 1xx floods, Retry-After, odd URLs, robots.txt.

Where a test wants a deadline to end a trickle, the deadline is small (0.5 s) and the per-call timeout
larger (5 s), so only the deadline can end it; elsewhere deadlines are generous, so a busy machine does
not turn a normal download into a reject. Assertions are on reject reasons, never on durations. Sleeps
between attempts are recorded, not slept.
"""

from __future__ import annotations

import email.utils
import socket
from multiprocessing.pool import ThreadPool
from pathlib import Path

import pytest

from capfilt.ingest.fetch import FetchConfig, Fetcher, retry_after_seconds
from capfilt.ingest.netsafety import AddressPolicy
from tests.helpers.hostile_server import HostileServer, Reply, http_reply
from tests.helpers.images import jpeg_bytes

REAL_ROBOTS = Path(__file__).parents[1] / "data" / "real" / "robots"
IMAGE = jpeg_bytes()
LOOPBACK = AddressPolicy(allowed_networks=("127.0.0.1/32",))
# Longer than SHORT, so that a trickle can only be ended by the deadline.
PER_CALL_TIMEOUT = 5.0
SHORT = 0.5


def fetcher(clock=None, **overrides) -> tuple[Fetcher, list[float]]:
    settings = dict(
        timeout=PER_CALL_TIMEOUT,
        request_deadline=30.0,
        robots_deadline=30.0,
        retries=2,
        backoff=0.01,
        policy=LOOPBACK,
    )
    sleeps: list[float] = []
    extra = {"clock": clock} if clock else {}
    return Fetcher(FetchConfig(**(settings | overrides)), sleep=sleeps.append, **extra), sleeps


def image_reply(**trickle) -> Reply:
    return http_reply(200, IMAGE, {"Content-Type": "image/jpeg"}, **trickle)


def test_a_normal_download_is_untouched_by_the_deadline():
    with HostileServer({"/a.jpg": image_reply()}) as server:
        got = fetcher()[0].fetch(server.base_url + "a.jpg")
    assert (got.reason, got.data, got.attempts) == (None, IMAGE, 1)


@pytest.mark.parametrize(
    "reply",
    [
        image_reply(burst=0, interval=0.05),  # status line and headers one byte at a time
        image_reply(trickle_body=True, interval=0.05),  # headers at once, then the body byte by byte
        # 1xx interim answers without end
        Reply(b"HTTP/1.1 100 Continue\r\n\r\n" * 400, burst=0, chunk=25, interval=0.02),
    ],
    ids=["trickling_headers", "trickling_body", "endless_100_continue"],
)
def test_a_trickle_ends_at_the_request_deadline_and_is_not_retried(reply):
    with HostileServer({"/slow.jpg": reply}) as server:
        got, sleeps = fetcher(request_deadline=SHORT)
        result = got.fetch(server.base_url + "slow.jpg")
    assert result.reason == "deadline_exceeded"
    assert "--request_deadline" in result.detail
    assert (result.attempts, sleeps) == (1, [])


def test_a_silent_tls_server_ends_at_the_deadline_not_at_the_per_call_timeout():
    with HostileServer({}, silent=True) as server:
        got = fetcher(respect_robots=False, request_deadline=SHORT)[0].fetch(
            f"https://127.0.0.1:{server.port}/a.jpg"
        )
    assert got.reason == "deadline_exceeded"


def test_a_trickling_robots_txt_fails_every_image_of_its_host_once():
    routes = {"/robots.txt": http_reply(200, b"User-agent: *\nAllow: /\n" * 50, burst=0, interval=0.05)}
    with HostileServer(routes) as server:
        got, _ = fetcher(robots_deadline=SHORT)
        urls = [f"{server.base_url}img{i}.jpg" for i in range(6)]
        with ThreadPool(6) as pool:
            results = pool.map(got.fetch, urls)
        hits = dict(server.hits)
    assert {r.reason for r in results} == {"robots_deadline_exceeded"}
    assert "--robots_deadline" in results[0].detail
    assert hits == {"/robots.txt": 1}  # one fetch for the host, no image was requested


@pytest.mark.parametrize(
    ("status", "retry_after", "slept"),
    [
        (429, "3", 3.0),
        (503, "7", 7.0),
        (429, email.utils.formatdate(1_000_005, usegmt=True), 5.0),  # HTTP-date, 5 s after the injected clock
        (429, email.utils.formatdate(999_000, usegmt=True), 0.01),  # a date already past: the usual backoff
        (503, "soon", 0.01),  # unreadable: the usual backoff
    ],
)
def test_a_small_retry_after_is_honoured(status, retry_after, slept):
    routes = {"/limited.jpg": [http_reply(status, b"", {"Retry-After": retry_after}), image_reply()]}
    with HostileServer(routes) as server:
        got, sleeps = fetcher(clock=lambda: 1_000_000.0)
        result = got.fetch(server.base_url + "limited.jpg")
    assert (result.reason, result.data, result.attempts) == (None, IMAGE, 2)
    assert sleeps == [slept]


@pytest.mark.parametrize("retry_after", ["86400", email.utils.formatdate(1_086_400, usegmt=True)])
def test_a_huge_retry_after_is_a_reject_saying_what_the_server_asked(retry_after):
    routes = {"/limited.jpg": [http_reply(429, b"", {"Retry-After": retry_after}), image_reply()]}
    with HostileServer(routes) as server:
        got, sleeps = fetcher(clock=lambda: 1_000_000.0)
        result = got.fetch(server.base_url + "limited.jpg")
        hits = server.hits["/limited.jpg"]
    assert result.reason == "retry_after_too_long"
    assert repr(retry_after) in result.detail and "--max_retry_after 60 s" in result.detail
    assert (result.attempts, sleeps, hits) == (1, [], 1)


def test_credentials_are_refused_before_any_traffic_and_never_echoed():
    routes = {"/to-creds.jpg": http_reply(302, b"", {"Location": "http://u:hunter2@127.0.0.1/a.jpg"})}
    with HostileServer(routes) as server:
        got, _ = fetcher()
        direct = got.fetch(f"http://user:hunter2@127.0.0.1:{server.port}/a.jpg")
        after_direct = list(server.requests)
        redirected = got.fetch(server.base_url + "to-creds.jpg")
        hits = dict(server.hits)
    assert (direct.reason, direct.attempts, after_direct) == ("credentials_in_url", 1, [])
    assert redirected.reason == "credentials_in_url"
    assert hits == {"/robots.txt": 1, "/to-creds.jpg": 1}
    assert "hunter2" not in direct.detail + redirected.detail


def test_spaces_and_non_ascii_are_percent_encoded_as_browsers_do():
    encoded = "/dir/caf%C3%A9%20au%20lait.jpg"
    raw_location = "/dir/café au lait.jpg".encode()  # raw UTF-8 bytes in the header, as servers send them
    routes = {encoded: image_reply(), "/hop.jpg": http_reply(301, b"", {"Location": raw_location})}
    with HostileServer(routes) as server:
        got, _ = fetcher()
        direct = got.fetch(server.base_url + "dir/café au lait.jpg?q=ü x")
        redirected = got.fetch(server.base_url + "hop.jpg")
        targets = [target for target, _ in server.requests]
    assert (direct.reason, direct.data, direct.attempts) == (None, IMAGE, 1)
    assert (redirected.reason, redirected.final_url) == (None, server.base_url.rstrip("/") + encoded)
    assert targets == ["/robots.txt", encoded + "?q=%C3%BC%20x", "/hop.jpg", encoded]


def test_international_host_names_go_out_in_idna(monkeypatch):
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):  # the test's only name: no DNS traffic
        return real("127.0.0.1" if host == "xn--bcher-kva.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with HostileServer({"/a.jpg": image_reply()}) as server:
        got = fetcher()[0].fetch(f"http://Bücher.test:{server.port}/a.jpg")
        hosts = {host for _, host in server.requests}
    assert got.reason is None and got.final_url == f"http://xn--bcher-kva.test:{server.port}/a.jpg"
    assert hosts == {f"xn--bcher-kva.test:{server.port}"}


@pytest.mark.parametrize("host", ["2130706433", "0x7f.1", "127.1", "0177.0.0.1"])
def test_numeric_hosts_mean_the_address_and_are_checked_as_such(host):
    with HostileServer({"/a.jpg": image_reply()}) as server:
        refused = Fetcher(FetchConfig(timeout=PER_CALL_TIMEOUT)).fetch(f"http://{host}:{server.port}/a.jpg")
        untouched = list(server.requests)
        allowed = fetcher()[0].fetch(f"http://{host}:{server.port}/a.jpg")
        hosts = {h for _, h in server.requests}
    assert refused.reason == "blocked_private_address" and "127.0.0.1 is a loopback" in refused.detail
    assert untouched == []
    assert allowed.reason is None and hosts == {f"127.0.0.1:{server.port}"}


def test_permanent_url_and_name_failures_are_not_retried(monkeypatch):
    def no_such_name(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    got, sleeps = fetcher()
    bad = [got.fetch(url) for url in ("http://exa mple.test/a.jpg", "http:///a.jpg")]
    assert [(b.reason, b.attempts) for b in bad] == [("bad_url", 1)] * 2
    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    unknown = got.fetch("http://no-such-host.test/a.jpg")
    assert (unknown.reason, unknown.attempts, sleeps) == ("unknown_host", 1, [])


def test_robots_txt_is_followed_through_redirects():
    routes = {
        "/robots.txt": http_reply(301, b"", {"Location": "/moved/robots.txt"}),
        "/moved/robots.txt": http_reply(200, b"User-agent: *\nDisallow: /private/\n"),
        "/a.jpg": image_reply(),
    }
    with HostileServer(routes) as server:
        got = fetcher()[0]
        assert got.fetch(server.base_url + "private/a.jpg").reason == "robots_disallowed"
        assert got.fetch(server.base_url + "a.jpg").reason is None


@pytest.mark.parametrize(
    ("file", "disallowed", "allowed"),
    [
        ("www.amnesty.org.robots.txt", "/facebook/a.jpg", "/a.jpg"),  # UTF-8 BOM
        ("store.usps.com.robots.txt", "/store/cart/a.jpg", "/a.jpg"),  # UTF-16 LE
        ("www.turktelekom.com.tr.robots.txt", "/destek/Sayfalar/gizlilik-guvenlik.aspx", "/a.jpg"),  # Latin-1
        ("www.europarl.europa.eu.robots.txt", "/calendar/a.jpg", "/a.jpg"),  # Latin-1 comments
    ],
)
def test_real_robots_files_are_honoured_whatever_their_encoding(file, disallowed, allowed):
    routes = {"/robots.txt": http_reply(200, (REAL_ROBOTS / file).read_bytes()), "/a.jpg": image_reply()}
    with HostileServer(routes) as server:
        got = fetcher()[0]
        assert got.fetch(server.base_url + disallowed.lstrip("/")).reason == "robots_disallowed"
        assert got.fetch(server.base_url + allowed.lstrip("/")).reason is None


def test_config_refuses_unusable_limits():
    for field in ("request_deadline", "robots_deadline", "timeout"):
        with pytest.raises(ValueError, match=f"--{field}"):
            FetchConfig(**{field: 0})
    with pytest.raises(ValueError, match="--max_retry_after"):
        FetchConfig(max_retry_after=-1)


def test_retry_after_values():
    assert retry_after_seconds(" 120 ", now=0) == 120.0
    assert retry_after_seconds("Thu, 01 Jan 1970 00:01:40 GMT", now=0) == 100.0
    assert retry_after_seconds("Thu, 01 Jan 1970 00:01:40 -0000", now=0) == 100.0  # read as GMT
    assert retry_after_seconds("Thu, 01 Jan 1970 00:01:40 GMT", now=200) == 0.0
    assert [retry_after_seconds(v, now=0) for v in ("", "-5", "1.5", "soon")] == [None] * 4
