"""Ingest's plain functions: address policy, fetcher, robots.txt, HTML extraction, URL lists, images, text."""

from __future__ import annotations

import io
import ipaddress
import os

import pytest
from PIL import Image

from capfilt.ingest import dedup
from capfilt.ingest.crawl import extract_images
from capfilt.ingest.fetch import FetchConfig, Fetcher, x_robots_disallows
from capfilt.ingest.netsafety import AddressPolicy, BlockedAddress, address_class, check_url, parse_networks
from capfilt.ingest.normalize import ImageRejected, NormalizeConfig, normalize_image
from capfilt.ingest.text import clean_caption, is_boilerplate
from capfilt.ingest.url_lists import BadRow, read_url_list
from capfilt.world.site import _png_bomb
from capfilt.world.site_server import serve_site
from tests.helpers.images import jpeg_bytes


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.2", "loopback"),
        ("169.254.169.254", "metadata"),
        ("169.254.1.1", "link_local"),
        ("100.100.100.200", "metadata"),
        ("100.64.0.1", "non_global"),
        ("0.0.0.0", "unspecified"),
        ("::1", "loopback"),
        ("fe80::1", "link_local"),
        ("fd00:ec2::254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classes_on_literals(ip, kind):
    assert address_class(ipaddress.ip_address(ip)) == kind


def test_policy_allow_lists():
    strict = AddressPolicy()
    with pytest.raises(BlockedAddress, match="loopback"):
        strict.check_ip("127.0.0.1")
    narrow = AddressPolicy(allowed_networks=parse_networks("127.0.0.1/32"))
    narrow.check_ip("127.0.0.1")
    with pytest.raises(BlockedAddress):
        narrow.check_ip("127.0.0.2")
    AddressPolicy(allow_private_networks=True).check_ip("169.254.169.254")
    assert strict.refusal(ipaddress.ip_address("8.8.8.8")) is None
    with pytest.raises(ValueError, match="not-a-cidr"):
        parse_networks("127.0.0.1/32,not-a-cidr")


@pytest.mark.parametrize(
    "url", ["ftp://x/a.jpg", "file:///etc/passwd", "javascript:alert(1)", "http:///nohost"]
)
def test_only_http_and_https(url):
    with pytest.raises(ValueError):
        check_url(url)


def test_x_robots_tag_parsing_matches_img2dataset():
    os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
    from email.message import Message

    from img2dataset.downloader import is_disallowed

    directives = {"noai", "noimageai", "noindex", "noimageindex"}
    for values in (
        ["noai"],
        ["capfilt: noimageai"],
        ["otherbot: noai"],
        ["nofollow", "NoIndex"],
        ["all"],
        [],
    ):
        headers = Message()
        for value in values:
            headers["X-Robots-Tag"] = value
        assert x_robots_disallows(headers, "capfilt", directives) == is_disallowed(
            headers, "capfilt", directives
        )


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "robots.txt").write_text("User-agent: capfilt\nDisallow: /no/\n")
    (root / "a.jpg").write_bytes(jpeg_bytes())
    (root / "big.bin").write_bytes(b"x" * 5000)
    (root / "traps.json").write_text(
        '[{"path": "/busy.jpg", "behaviour": {"status": 503}},'
        ' {"path": "/hop.jpg", "behaviour": {"redirect": "/a.jpg"}},'
        ' {"path": "/away.jpg", "behaviour": {"redirect": "http://127.0.0.2:{port}/a.jpg"}}]'
    )
    with serve_site(str(root)) as server:
        yield server


def _fetcher(**overrides):
    sleeps = []
    # No test here waits for a timeout: a generous one so a busy machine's slow loopback read is no failure.
    config = FetchConfig(
        timeout=10.0, policy=AddressPolicy(allowed_networks=("127.0.0.1/32",)), backoff=0.5, **overrides
    )
    return Fetcher(config, sleep=sleeps.append), sleeps


def test_fetcher_redirects_robots_once_and_backoff(small_site):
    fetcher, sleeps = _fetcher(retries=3)
    base = small_site.base_url
    before = small_site.requests["/robots.txt"]
    ok = fetcher.fetch(base + "hop.jpg")
    assert ok.reason is None and ok.final_url == base + "a.jpg" and ok.data == jpeg_bytes()
    assert fetcher.fetch(base + "no/a.jpg").reason == "robots_disallowed"
    assert small_site.requests["/robots.txt"] - before == 1
    busy = fetcher.fetch(base + "busy.jpg")
    assert (busy.reason, busy.attempts) == ("http_503", 4)
    assert sleeps == [0.5, 1.0, 2.0]  # exponential backoff, only for the transient failure
    assert fetcher.fetch(base + "missing.jpg").attempts == 1


def test_fetcher_limits(small_site):
    fetcher, _ = _fetcher(max_bytes=1000)
    assert fetcher.fetch(small_site.base_url + "big.bin").reason == "file_too_large"
    away = fetcher.fetch(small_site.base_url + "away.jpg")
    assert away.reason == "blocked_private_address" and "127.0.0.2" in away.detail


def test_html_extraction():
    page = (
        b'<html><head><meta charset="windows-1252"><base href="/static/"></head><body>'
        b'<img src="a.jpg" alt="caf\xe9 &amp; cr&egrave;me">'
        b'<img src="s.jpg" srcset="s.jpg 100w, l.jpg 800w, m.jpg 400w" alt="sizes">'
        b'<img src="data:image/png;base64,AAAA" alt="inline">'
        b'<img src="b.jpg" alt="  ">'
        b"</body></html>"
    )
    items = list(extract_images(page, "http://site.test/dir/page.html"))
    assert items[0].url == "http://site.test/static/a.jpg" and items[0].alt == "café & crème"
    assert items[1].url == "http://site.test/static/l.jpg"
    assert [getattr(i, "reason", None) for i in items[2:]] == ["data_uri", "missing_alt"]
    utf8 = '<img src="x.jpg" alt="naïve">'.encode()
    assert next(extract_images(utf8, "http://h/", charset="utf-8")).alt == "naïve"


def test_url_list_formats(tmp_path):
    (tmp_path / "l.csv").write_text('url,caption\nhttp://h/a.jpg,"a, b"\n,empty\n')
    (tmp_path / "l.jsonl").write_text('{"u": "http://h/a.jpg", "c": "x"}\nnot json\n')
    rows = list(read_url_list(str(tmp_path / "l.csv")))
    assert (rows[0].url, rows[0].caption, rows[1].url) == ("http://h/a.jpg", "a, b", None)
    rows = list(read_url_list(str(tmp_path / "l.jsonl"), "u", "c"))
    assert rows[0].caption == "x" and isinstance(rows[1], BadRow)
    with pytest.raises(ValueError, match="no URL column 'link'"):
        list(read_url_list(str(tmp_path / "l.csv"), "link"))


def _encode(image, **kwargs):
    buffer = io.BytesIO()
    image.save(buffer, **kwargs)
    return buffer.getvalue()


def test_normalisation_orientation_alpha_and_modes():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: stored 80x40, displayed 40x80
    rotated = _encode(Image.new("RGB", (80, 40), (0, 0, 255)), format="JPEG", exif=exif)
    result = normalize_image(rotated, NormalizeConfig(image_size=20, min_image_size=0))
    assert (result.original_width, result.original_height, result.width, result.height) == (40, 80, 20, 40)
    transparent = _encode(Image.new("RGBA", (30, 30), (0, 0, 0, 0)), format="PNG")
    result = normalize_image(
        transparent, NormalizeConfig(resize_mode="no", encode_format="webp", min_image_size=0)
    )
    decoded = Image.open(io.BytesIO(result.data))
    assert decoded.format == "WEBP" and decoded.mode == "RGB" and min(decoded.getpixel((5, 5))) > 240
    wide = _encode(Image.new("L", (100, 50)), format="PNG")
    for mode, size in [("center_crop", (32, 32)), ("border", (32, 32)), ("keep_ratio_largest", (32, 16))]:
        result = normalize_image(wide, NormalizeConfig(image_size=32, resize_mode=mode, min_image_size=0))
        assert (result.width, result.height) == size


def test_bombs_and_broken_files_are_refused_without_decoding():
    with pytest.raises(ImageRejected) as bomb:
        normalize_image(_png_bomb(20_000), NormalizeConfig(max_pixels=10_000_000))
    assert bomb.value.reason == "too_many_pixels"
    data = jpeg_bytes(size=(64, 64))
    with pytest.raises(ImageRejected) as truncated:
        normalize_image(data[: len(data) - 200], NormalizeConfig())
    assert truncated.value.reason in ("truncated_image", "corrupt_image")
    with pytest.raises(ImageRejected) as html:
        normalize_image(b"<!DOCTYPE html><html></html>", NormalizeConfig())
    assert html.value.reason == "not_an_image"


def test_text_cleaning_and_boilerplate():
    assert clean_caption("  a  dog\n on   the&nbsp;grass ") == "a dog on the grass"
    assert clean_caption("cafÃ©") == "café"
    for text in ("IMG_2041.JPG", "image", "DSC00012", "photo 3 of 10", "12345", "click here"):
        assert is_boilerplate(text), text
    assert not is_boilerplate("a red circle above a blue square")


def test_band_keys_bring_every_close_pair_together():
    import random

    generator = random.Random(0)
    for _ in range(200):
        a = generator.getrandbits(64)
        flips = generator.sample(range(64), generator.randint(0, 4))
        b = a
        for bit in flips:
            b ^= 1 << bit
        ha, hb = f"{a:016x}", f"{b:016x}"
        assert set(dedup.band_keys(ha, 4)) & set(dedup.band_keys(hb, 4))
    assert dedup.url_identity("HTTP://Example.COM:80/a#frag") == "http://example.com/a"
    members = [("k2", "ffff0000ffff0000"), ("k1", "ffff0000ffff0001"), ("k3", "0000ffff0000ffff")]
    assert list(dedup.near_duplicates(members, 4)) == [dedup.Duplicate("k2", "near_duplicate", "k1", 1)]


def test_dedup_verdicts_name_rule_winner_and_detail():
    by_url = list(dedup.url_duplicates([("k3", "a cat"), ("k1", "a cat"), ("k2", "a dog")]))
    assert [(d.loser, d.reason, d.winner) for d in by_url] == [
        ("k2", "duplicate_url", "k1"),
        ("k3", "duplicate_pair", "k1"),
    ]
    assert by_url[0].detail() == "same URL as k1"
    exact = list(dedup.exact_duplicates(["k9", "k4", "k7"]))
    assert [(d.loser, d.winner, d.detail()) for d in exact] == [
        ("k7", "k4", "same bytes as k4"),
        ("k9", "k4", "same bytes as k4"),
    ]
    # A record that loses under both rules: the exact duplicate wins over the nearer or earlier near one.
    near = [
        dedup.Duplicate("k9", "near_duplicate", "k1", 3),
        dedup.Duplicate("k9", "near_duplicate", "k2", 1),
    ]
    assert dedup.first_verdict([*near, exact[1]]) == exact[1]
    assert dedup.first_verdict(near).detail() == "phash distance 3 to k1"


def test_ingest_imports_neither_torch_nor_transformers():
    """Every ingest worker process imports the job's modules at start-up; torch alone costs it seconds."""
    import subprocess
    import sys

    probe = "import sys, pipelines.ingest; print(sorted({'torch', 'transformers'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
