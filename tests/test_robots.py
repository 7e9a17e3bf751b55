"""robots.txt rules as RFC 9309 states them, through RobotsCache with a stub downloader (no network)."""

import pytest

from capfilt.robots import RobotsCache

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
