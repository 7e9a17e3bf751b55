"""robots.txt rules as RFC 9309 states them, through RobotsCache with a stub downloader (no network);
real files from tests/data/real/robots (BOM, UTF-16, Latin-1)."""

import codecs
from pathlib import Path

import pytest

from capfilt.ingest.robots import RobotsCache, RobotsUnavailable, robots_text

REAL_ROBOTS = Path(__file__).parents[1] / "data" / "real" / "robots"

RULES = """
User-agent: *
Disallow: /

User-agent: capfilt
Disallow: /images/
Allow: /images/public/
Disallow: /*.gif$
"""


def cache_for(status, body="", token="capfilt"):
    calls = []

    def get(url):
        calls.append(url)
        if isinstance(status, Exception):
            raise status
        return status, body.encode()

    return RobotsCache(get, token), calls


def test_longest_match_wins_and_patterns_apply():
    cache, calls = cache_for(200, RULES)
    base = "http://127.0.0.1:8000"
    # The longer Allow beats the shorter Disallow, whatever their order in the file.
    assert cache.verdict(f"{base}/images/public/a.jpg") is None
    assert cache.verdict(f"{base}/images/private/a.jpg")[0] == "robots_disallowed"
    assert cache.verdict(f"{base}/pics/anim.gif")[0] == "robots_disallowed"
    assert cache.verdict(f"{base}/pics/anim.gif?x=1") is None  # `$` anchors the end
    assert calls == [f"{base}/robots.txt"]  # fetched once per origin


def test_other_agents_follow_the_star_group():
    cache, _ = cache_for(200, RULES, token="someone-else")
    assert cache.verdict("http://127.0.0.1:8000/images/public/a.jpg")[0] == "robots_disallowed"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, None),
        (403, None),
        (500, "robots_unreachable"),
        (TimeoutError("timed out"), "robots_unreachable"),
    ],
)
def test_failure_rules(status, expected):
    cache, _ = cache_for(status)
    verdict = cache.verdict("http://127.0.0.1:8000/a.jpg")
    assert (verdict[0] if verdict else None) == expected


def test_429_means_unreachable_not_permission():
    cache, _ = cache_for(429)
    assert cache.verdict("http://127.0.0.1:8000/a.jpg")[0] == "robots_unreachable"


def test_a_named_failure_keeps_its_reason_for_every_url_of_the_host():
    cache, calls = cache_for(
        RobotsUnavailable("robots_deadline_exceeded", "robots.txt not complete within 1 s")
    )
    verdicts = [cache.verdict(f"http://127.0.0.1:8000/{n}.jpg") for n in range(3)]
    assert {v[0] for v in verdicts} == {"robots_deadline_exceeded"} and len(calls) == 1


@pytest.mark.parametrize(
    ("file", "origin", "disallowed"),
    [
        ("www.amnesty.org.robots.txt", "https://www.amnesty.org", "/facebook/x"),
        ("store.usps.com.robots.txt", "https://store.usps.com", "/store/cart/x"),
        (
            "www.turktelekom.com.tr.robots.txt",
            "https://www.turktelekom.com.tr",
            "/destek/Sayfalar/gizlilik-guvenlik.aspx",
        ),
        (
            "www.europarl.europa.eu.robots.txt",
            "https://www.europarl.europa.eu",
            "/activities/committees/studies/x",
        ),
    ],
)
def test_real_files_with_a_bom_utf16_or_latin1_keep_their_rules(file, origin, disallowed):
    body = (REAL_ROBOTS / file).read_bytes()
    cache = RobotsCache(lambda url: (200, body), "capfilt")
    assert cache.verdict(origin + disallowed)[0] == "robots_disallowed"
    assert cache.verdict(origin + "/some/page.html") is None


def test_robots_text_decoding():
    assert robots_text(codecs.BOM_UTF8 + b"Disallow: /") == "Disallow: /"
    assert robots_text("User-agent: *\n".encode("utf-16")) == "User-agent: *\n"
    # A Latin-1 line does not turn the UTF-8 lines around it into replacement characters.
    assert (
        robots_text("# café\nDisallow: /é/\n".encode() + b"# caf\xe9\n") == "# café\nDisallow: /é/\n# café\n"
    )
