"""Crawl files nobody here wrote (tests/data/real/crawl, see its MANIFEST.md): every `<img>` accounted,
extraction equal to an independent parse (BeautifulSoup + html5lib), damaged files read as far as they can
be, with one reject naming the file and the offset."""

from __future__ import annotations

import collections
import gzip
import importlib.util
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from warcio.archiveiterator import ArchiveIterator

from capfilt.ingest.rows import IngestConfig, detect_format, prepare_text, read_candidates
from capfilt.ingest.text import TextConfig
from schemas import Reject

DATA = Path(__file__).parents[1] / "data" / "real" / "crawl"
_spec = importlib.util.spec_from_file_location("make_derived", DATA / "make_derived.py")
derived = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(derived)
PAGE_URLS = derived.PAGE_URLS
PAGES_WARC = [name for name, _, _ in derived.ENCODED_PAGES]
SMALL_WARC = ["lazy-image-3", "yahoo-4", "herald-sun-1", "lemonde-1"]
# (record name in charsets.warc.gz, the source page it was made from)
CHARSETS_WARC = [
    ("pixnet-gbk-as-gb2312", "pixnet"),
    ("pixnet-utf8-as-gb2312", "pixnet"),
    ("yahoo-cp932-as-shift_jis", "yahoo-4"),
    ("aktualne-cp1250-http-utf8", "aktualne"),
    ("lemonde-unknown-label", "lemonde-1"),
    ("herald-sun-utf8-as-latin1", "herald-sun-1"),
]
LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-lazyload", "data-echo")
SRCSETS = ("srcset", "data-srcset", "data-lazy-srcset")


def _soup(name: str) -> BeautifulSoup:
    return BeautifulSoup(gzip.decompress((DATA / "pages" / f"{name}.html.gz").read_bytes()), "html5lib")


def _rows(path: Path, fmt: str = "auto") -> list:
    return list(read_candidates(str(path), 3, IngestConfig(input_format=fmt)))


def _key(row) -> str:
    return row.key if isinstance(row, Reject) else row["key"]


def _by_record(rows) -> dict[int, list]:
    records = collections.defaultdict(list)
    for row in rows:
        records[int(_key(row).split("-")[1])].append(row)
    return records


def _image_rows(rows) -> list:
    """The rows of one record that stand for its `<img>`s (a record-level reject has a two-part key)."""
    return sorted((r for r in rows if _key(r).count("-") == 2), key=_key)


def _record_rejects(rows) -> list[Reject]:
    return [r for r in rows if _key(r).count("-") == 1]


def _srcset_widths(value: str) -> dict[str, int | None]:
    """URL -> width of each srcset candidate, read the standard's way: a URL is a run of non-whitespace and
    only a comma after it (or after its descriptors) separates candidates."""
    widths, url = {}, None
    for token in value.split():
        if url is None:
            url = token.lstrip(",")
            if url.endswith(","):
                widths[url.rstrip(",")], url = None, None
            elif url:
                widths.setdefault(url, None)
            else:
                url = None
            continue
        descriptor = token.rstrip(",")
        if descriptor.endswith("w") and descriptor[:-1].isdigit():
            widths[url] = int(descriptor[:-1])
        if token.endswith(","):
            url = None
    return widths


def _check_page(image_rows: list, soup: BeautifulSoup, page_url: str, complete: bool = True) -> None:
    """Each `<img>` of the page is one row, in order, with its alt text and a URL the page offers for it."""
    images = soup.find_all("img")
    if complete:
        assert len(image_rows) == len(images), page_url
    else:
        assert len(image_rows) < len(images), page_url
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, base["href"]) if base else page_url
    for position, row in enumerate(image_rows):
        img = images[position]
        assert _key(row).endswith(f"{position:09d}")
        alt = " ".join((img.get("alt") or "").split())
        if isinstance(row, Reject):
            assert (row.stage, row.reason) in {("crawl", "missing_alt"), ("crawl", "missing_src")}, row
            assert row.reason != "missing_alt" or not alt, (position, row)
            continue
        assert row["caption"] == alt and row["page_url"] == page_url, position
        offered: dict[str, int | None] = {}
        holders = [img, *(img.parent.find_all("source") if img.parent.name == "picture" else [])]
        for holder in holders:
            for attribute in SRCSETS:
                offered.update(_srcset_widths(holder.get(attribute) or ""))
            for attribute in ("src", *LAZY_SRC):
                if (holder.get(attribute) or "").strip():
                    offered.setdefault(holder[attribute].strip(), None)
        resolved = {urljoin(base_url, url): width for url, width in offered.items()}
        assert row["url"] in resolved, (page_url, position, row["url"])
        widths = [width for width in resolved.values() if width is not None]
        if widths:  # the widest candidate is the one kept
            assert resolved[row["url"]] == max(widths), (page_url, position, row["url"])


def test_real_pages_match_an_independent_parse():
    rows = _rows(DATA / "pages.warc.gz")
    records = _by_record(rows)
    # One record per page, each stored with another Content-Encoding (gzip, br, zstd, raw deflate, chunked,
    # a stale gzip header on a plain body, a gzip body without a header): all read, none rejected.
    assert sorted(records) == list(range(len(PAGES_WARC)))
    assert not _record_rejects(rows)
    for index, name in enumerate(PAGES_WARC):
        _check_page(_image_rows(records[index]), _soup(name), PAGE_URLS[name])
    assert len({_key(r) for r in rows}) == len(rows)


def test_lazy_loading_srcset_commas_and_picture():
    records = _by_record(_rows(DATA / "pages.warc.gz"))
    # lazy-image-2: every <img> is a 1x1 data: GIF in src with the real image in data-srcset.
    lazy = _image_rows(records[PAGES_WARC.index("lazy-image-2")])
    assert len(lazy) == 67 and not [r for r in lazy if isinstance(r, Reject) and r.reason == "data_uri"]
    pairs = [r for r in lazy if not isinstance(r, Reject)]
    with_alt = [img for img in _soup("lazy-image-2").find_all("img") if (img.get("alt") or "").strip()]
    assert len(pairs) == len(with_alt) > 60 and all(
        r["url"].startswith("https://i.kinja-img.com/") for r in pairs
    )
    # aktualne: CDN srcset URLs hold commas; each pair's URL is a whole candidate (checked above) with commas.
    aktualne = [r for r in _image_rows(records[PAGES_WARC.index("aktualne")]) if not isinstance(r, Reject)]
    assert len(aktualne) == 18 and sum("," in r["url"] for r in aktualne) >= 17
    # citylab: <picture><source srcset> whose <img> carries the alt; the source's widest candidate wins.
    soup = _soup("citylab-1")
    in_picture = [
        i for i, img in enumerate(soup.find_all("img")) if img.parent.name == "picture" and img.get("alt")
    ]
    citylab = _image_rows(records[PAGES_WARC.index("citylab-1")])
    assert in_picture and all(not isinstance(citylab[i], Reject) for i in in_picture)
    # The WAT twin lists only src (as Common Crawl's WAT does): there the lazy images are data: URIs.
    wat = _rows(DATA / "pages.wat.gz")
    assert sum(isinstance(r, Reject) and r.reason == "data_uri" for r in wat) > 0


def test_mislabelled_charsets_decode_to_the_source_text():
    rows = _rows(DATA / "charsets.warc.gz")
    records = _by_record(rows)
    assert sorted(records) == list(range(len(CHARSETS_WARC))) and not _record_rejects(rows)
    for index, (case, source) in enumerate(CHARSETS_WARC):
        _check_page(_image_rows(records[index]), _soup(source), f"http://charsets.example/{case}")
    # Descriptive Japanese alt text is not flagged as boilerplate (letters of any script count).
    japanese = [r for r in _image_rows(records[2]) if not isinstance(r, Reject)]
    texts = [prepare_text(r, TextConfig()) for r in japanese]
    assert any(t["caption"] == "このページの先頭です" and not t["caption_boilerplate"] for t in texts)


def _pairs(rows) -> list[tuple]:
    return [(r["url"], r["caption"], r["page_url"]) for r in rows if not isinstance(r, Reject)]


def test_arc_twins_resolve_like_the_warc():
    assert detect_format("crawl/pages.arc") == "warc" and detect_format("crawl/pages.ARC.GZ") == "warc"
    warc = _by_record(_rows(DATA / "pages.warc.gz"))
    arc = _by_record(_rows(DATA / "pages.arc.gz"))
    plain = _by_record(_rows(DATA / "pages.arc"))
    for arc_index, name in ((1, "yahoo-4"), (2, "bug-1255978")):
        expected = _pairs(_image_rows(warc[PAGES_WARC.index(name)]))
        assert _pairs(_image_rows(arc[arc_index])) == expected
        assert all(page_url == PAGE_URLS[name] for _, _, page_url in expected)
    assert _pairs(_image_rows(plain[1])) == _pairs(_image_rows(arc[1]))
    # bug-1255978 has absolute-path src ("/sites/all/..."): resolved against the ARC record's URL.
    urls = [r.url if isinstance(r, Reject) else r["url"] for r in arc[2]]
    assert sum((url or "").startswith("http://www.independent.co.uk/sites/") for url in urls) >= 10


def test_wat_records_and_damaged_wat_json():
    records = _by_record(_rows(DATA / "pages.wat.gz"))
    for index, name in enumerate(("bug-1255978", "pixnet", "lazy-image-3")):
        with_src = [img for img in _soup(name).find_all("img") if img.get("src") is not None]
        assert len(_image_rows(records[index])) == len(with_src)
    rows = _rows(DATA / "damaged" / "bad-records.wat.gz")
    reasons = collections.Counter(f"{r.stage}/{r.reason}" for r in rows if isinstance(r, Reject))
    # Cut JSON, an array, a string Envelope, HTML-Metadata without a page URL: one reject each.
    assert reasons["read/bad_wat_record"] == 4
    assert reasons["crawl/bad_wat_link"] == 2  # a numeric url, a list alt
    good = [r for r in rows if not isinstance(r, Reject)]
    assert ("http://wat.example/fine.jpg", "a fine link") in [(r["url"], r["caption"]) for r in good]
    herald = [img for img in _soup("herald-sun-1").find_all("img") if img.get("src") is not None]
    assert len(_image_rows(_by_record(rows)[5])) == len(herald)
    bad = [r for r in rows if isinstance(r, Reject) and r.reason == "bad_wat_record"]
    assert all("bad-records.wat.gz record at byte offset" in r.detail for r in bad)


TRUNCATED, DAMAGED_ARCHIVE = ("read", "truncated_record"), ("read", "damaged_archive")
DAMAGED = [
    # file, complete pages (record index -> page), partial page (record index, page), the file's reject
    ("small-truncated.warc", {0: "lazy-image-3", 1: "yahoo-4"}, (2, "herald-sun-1"), TRUNCATED),
    ("small-whole-file.warc.gz", dict(enumerate(SMALL_WARC)), None, None),
    (
        "small-corrupt-member.warc.gz",
        {0: "lazy-image-3", 2: "herald-sun-1", 3: "lemonde-1"},
        None,
        DAMAGED_ARCHIVE,
    ),
    ("small-trailing-garbage.warc.gz", dict(enumerate(SMALL_WARC)), None, DAMAGED_ARCHIVE),
    ("small-cut-member.warc.gz", dict(enumerate(SMALL_WARC[:3])), (3, "lemonde-1"), TRUNCATED),
]


@pytest.mark.parametrize(("name", "complete", "partial", "problem"), DAMAGED, ids=[d[0] for d in DAMAGED])
def test_damaged_archives_yield_what_can_be_read(name, complete, partial, problem):
    path = DATA / "damaged" / name
    rows = _rows(path)
    records = _by_record(rows)
    for index, page in complete.items():
        _check_page(_image_rows(records[index]), _soup(page), PAGE_URLS[page])
    if partial is not None:
        _check_page(
            _image_rows(records[partial[0]]), _soup(partial[1]), PAGE_URLS[partial[1]], complete=False
        )
    problems = [r for r in rows if isinstance(r, Reject) and r.stage == "read"]
    if problem is None:
        assert not problems
    else:
        assert [(r.stage, r.reason) for r in problems] == [problem]
        assert str(path) in problems[0].detail and "byte offset" in problems[0].detail
    assert len({_key(r) for r in rows}) == len(rows)
    known = set(complete) | {partial[0] if partial else None} | {int(r.key.split("-")[1]) for r in problems}
    assert set(records) <= known


def _warcio_html_records(path: Path) -> dict[int, bytes]:
    """An independent reader's view: record index -> decoded HTML payload of each HTML response."""
    pages = {}
    with open(path, "rb") as stream:
        for index, record in enumerate(ArchiveIterator(stream)):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if "html" in (record.http_headers.get_header("Content-Type") or "").lower():
                pages[index] = record.content_stream().read()
    return pages


@pytest.mark.parametrize("name", ["whirlwind.warc.gz", "warcfile.warc.gz", "clueweb-quirk-head.warc.gz"])
def test_upstream_warcs_every_img_accounted(name):
    """Common Crawl's whirlwind sample, Resiliparse's CC-like test WARC, ClueWeb09's LF-only headers (EUC-JP
    pages under a stale gzip header): as many rows per record as html5lib finds `<img>`s."""
    path = DATA / "upstream" / name
    records = _by_record(_rows(path))
    pages = _warcio_html_records(path)
    assert pages and set(records) <= set(pages)
    for index, html in pages.items():
        expected = len(BeautifulSoup(html, "html5lib").find_all("img"))
        assert len(_image_rows(records.get(index, []))) == expected, (name, index)


UPSTREAM = {
    "example.warc.gz": None,
    "example.arc": None,
    "example.arc.gz": None,
    "example-space-in-url.arc": None,
    "bad.arc": None,
    "example-iana.org-chunked.warc": None,
    "example-wrong-chunks.warc.gz": None,
    "example-resource.warc.gz": None,
    "example-bad-non-chunked.warc.gz": None,  # one gzip stream for the whole file: FastWARC reads it whole
    "whirlwind.warc.wat.gz": None,
    "clipped.warc.gz": "truncated_record",
    "example-trunc.warc": "damaged_archive",
}


@pytest.mark.parametrize("name", sorted(UPSTREAM))
def test_upstream_archives_never_crash(name):
    rows = _rows(DATA / "upstream" / name)
    assert len({_key(r) for r in rows}) == len(rows)
    problems = [r for r in rows if isinstance(r, Reject) and r.stage == "read"]
    expected = UPSTREAM[name]
    assert [r.reason for r in problems] == ([expected] if expected else [])
    for problem in problems:
        assert name in problem.detail and "byte offset" in problem.detail
    if name == "example-trunc.warc":
        assert "1197" in problems[0].detail and "resumed at byte offset 2566" in problems[0].detail


def test_a_file_that_cannot_be_read_is_one_reject(tmp_path):
    missing = tmp_path / "gone.warc.gz"
    rows = _rows(missing)
    assert [(r.stage, r.reason) for r in rows] == [("read", "unreadable_file")] and str(missing) in rows[
        0
    ].detail
    html = tmp_path / "page.warc"
    html.write_bytes(b"<!DOCTYPE html><html><body><img src=a.jpg alt=x></body></html>")
    rows = _rows(html)
    assert [(r.stage, r.reason) for r in rows] == [("read", "damaged_archive")]
    assert str(html) in rows[0].detail and "byte offset 0" in rows[0].detail
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert _rows(empty) == []
