"""Image references from crawl records: `<img alt>` in WARC/ARC HTML responses, image links in WAT metadata.

Each step uses a library that does it the way browsers and crawlers do: `capfilt.ingest.archive_records`
reads the
records (FastWARC, warcio for ARC) and reports damage; `capfilt.ingest.http_payload` undoes chunking and
gzip/deflate/br/zstd; `capfilt.ingest.html_charset` picks the encoding (WHATWG labels, BOM, HTTP, `<meta>`,
detection); Resiliparse's HTML5 parser (lexbor) builds the tree as a browser would, at any nesting depth and
page size (lxml silently returns an empty tree past 256 nested elements or a 10 MB text node); `srcset` is
parsed with the HTML standard's algorithm (commas inside URLs stay in the URL).

Every `<img>` becomes one input row: an ImageRef, or a Skip saying why it cannot be used. A record that cannot
be used at all (undecodable page, damaged file) is one `Problem` row, so every loss is accounted.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import srcset
from resiliparse.parse.html import HTMLTree

from capfilt.ingest.archive_records import ArchiveDamage, ArchiveRecord, RecordHead, iter_archive_records
from capfilt.ingest.html_charset import UndecodableHtml, decode_html
from capfilt.ingest.http_payload import PayloadError, charset_param, decode_body, media_type

HTML_TYPES = ("text/html", "application/xhtml+xml")
# A page larger than this (decoded) is not a page we want image links from; the rest is reported, not read.
MAX_PAGE_BYTES = 10 * 2**20
# Lazy-loading scripts keep the real image here and swap it in (lazysizes, lozad, WP Rocket, Jetpack,
# jQuery lazyload, echo.js...); a browser running them ends up showing these, so they win over src/srcset.
LAZY_SRCSET_ATTRIBUTES = ("data-srcset", "data-lazy-srcset")
LAZY_SRC_ATTRIBUTES = (
    "data-src",
    "data-lazy-src",
    "data-original",
    "data-lazy",
    "data-lazyload",
    "data-echo",
)
_URL_NOISE = str.maketrans("", "", "\t\n\r")  # the URL standard removes these anywhere in a URL


@dataclass(frozen=True)
class ImageRef:
    url: str
    alt: str
    page_url: str
    position: int  # index of the <img> on its page, for stable keys


@dataclass(frozen=True)
class Skip:
    """An `<img>` that cannot become a pair, with why."""

    reason: str
    page_url: str
    position: int
    url: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Problem:
    """A whole record (or a damaged stretch of the file) that yields no `<img>`; one row in rejects."""

    stage: str
    reason: str
    detail: str
    url: str | None = None


def _is_data_uri(url: str) -> bool:
    return url[:5].lower() == "data:"


def _srcset_best(value: str | None) -> tuple[str | None, tuple[int, float], bool]:
    """(URL, rank) of the widest candidate of a srcset parsed as the HTML standard does, and whether a
    `data:` candidate was seen. A width (`640w`) outranks any density (`2x`); no descriptor means 1x."""
    best, best_rank, saw_data = None, (-1, -1.0), False
    for candidate in srcset.parse(value or ""):
        if _is_data_uri(candidate.url):
            saw_data = True
            continue
        rank = (1, float(candidate.width)) if candidate.width else (0, candidate.density or 1.0)
        if rank > best_rank:  # the first wins ties
            best, best_rank = candidate.url, rank
    return best, best_rank, saw_data


_SRCSET_ATTRIBUTES = (*LAZY_SRCSET_ATTRIBUTES, "srcset")
_SRC_ATTRIBUTES = (*LAZY_SRC_ATTRIBUTES, "src")


def _values(element, names) -> list[str]:
    """The non-blank values of those of `names` the element has, in that order."""
    present = element.attrs
    values = (element.getattr(name) for name in names if name in present)
    return [value for value in values if value and value.strip()]


def _picture_sources(img) -> list[str]:
    """srcset values of the `<source>` elements before this `<img>` in its `<picture>`."""
    parent = img.parent
    if parent is None or parent.tag != "picture":
        return []
    values = []
    child = parent.first_element_child
    while child is not None and child != img:
        if child.tag == "source":
            values.extend(_values(child, _SRCSET_ATTRIBUTES)[:1])
        child = child.next_element
    return values


def image_source(img) -> tuple[str | None, bool]:
    """(the URL a browser would end up loading for this `<img>`, whether only inline data was offered).

    The widest candidate of the `<picture>`'s `<source>`s and of the image's own srcset, else its src; lazy
    attributes before the ones a script would overwrite with them.
    """
    best, best_rank, saw_data = None, (-1, -1.0), False
    for value in _picture_sources(img):
        url, rank, data = _srcset_best(value)
        saw_data |= data
        if url is not None and rank > best_rank:
            best, best_rank = url, rank
    for value in _values(img, _SRCSET_ATTRIBUTES):
        url, rank, data = _srcset_best(value)
        saw_data |= data
        if url is not None:  # the first srcset with a real candidate is the one a browser ends up with
            if rank > best_rank:
                best = url
            break
    if best:
        return best, False
    for value in _values(img, _SRC_ATTRIBUTES):
        value = value.strip()
        if not _is_data_uri(value):
            return value, False
        saw_data = True
    return None, saw_data


def _elements(tree: HTMLTree) -> tuple[list, str | None]:
    """Every `<img>` (HTML5 parses `<image>` as one too) and the first `<base href>`, in document order."""
    document = tree.document
    if document is None or document.first_element_child is None:
        return [], None
    base = document.query_selector("base[href]")
    base_href = base.getattr("href") if base is not None else None
    # values() lists the collection in one pass (indexing it walks the tree again for every item).
    return document.get_elements_by_tag_name("img").values(), base_href


def _resolve(base_url: str, reference: str) -> str:
    reference = reference.strip()
    if "\t" in reference or "\n" in reference or "\r" in reference:
        reference = reference.translate(_URL_NOISE)
    return urljoin(base_url, reference)


def images_in_text(text: str, page_url: str) -> Iterator[ImageRef | Skip]:
    """Every `<img>` of one decoded HTML page, resolved against `<base href>` and the page URL."""
    images, base_href = _elements(HTMLTree.parse(text))
    base_url = page_url
    if base_href is not None:
        with contextlib.suppress(ValueError):  # an unparsable <base href> is ignored, as browsers ignore it
            base_url = _resolve(page_url, base_href)
    for position, img in enumerate(images):
        src, only_data = image_source(img)
        if not src:
            if only_data:
                yield Skip("data_uri", page_url, position, detail=(img.getattr("src") or "")[:40])
            else:
                yield Skip("missing_src", page_url, position)
            continue
        try:
            url = _resolve(base_url, src)
        except ValueError as error:
            yield Skip("invalid_url", page_url, position, detail=f"{src[:200]!r}: {error}")
            continue
        alt = " ".join((img.getattr("alt") or "").split())
        if not alt:
            yield Skip("missing_alt", page_url, position, url=url)
            continue
        yield ImageRef(url, alt, page_url, position)


def extract_images(body: bytes, page_url: str, charset: str | None = None) -> Iterator[ImageRef | Skip]:
    """Every `<img>` of one HTML page given as bytes; raises UndecodableHtml when no encoding fits."""
    yield from images_in_text(decode_html(body, charset).text, page_url)


def parse_html(body: bytes, charset: str | None = None) -> lxml.etree._Element | None:
    """An lxml tree of a small page, decoded as `extract_images` decodes it, for callers that want XPath-style
    access (the demo world's WAT writer, tests). Extraction itself uses the HTML5 parser above."""
    text = decode_html(body, charset).text
    return lxml.etree.fromstring(text.encode("utf-8"), lxml.html.HTMLParser(encoding="utf-8", huge_tree=True))


# The MIME Sniffing standard's HTML signatures ("rules for identifying an unknown MIME type").
_HTML_SIGNATURES = tuple(
    tag.encode()
    for tag in (
        *("<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A"),
        *("<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P", "<!--"),
    )
)


def sniffs_as_html(payload: bytes) -> bool:
    """Whether a browser would sniff an untyped response as HTML: a signature, then a space or `>`."""
    start = payload[:512].lstrip(b"\t\n\x0c\r ").upper()
    return any(
        start.startswith(tag) and start[len(tag) : len(tag) + 1] in (b" ", b">") for tag in _HTML_SIGNATURES
    )


def _is_html_record(head: RecordHead, payload_start: bytes) -> bool:
    if head.record_type == "resource":
        return media_type(head.content_type) in HTML_TYPES
    if head.record_type != "response":
        return False
    declared = media_type(head.http.get("Content-Type")) if head.http else ""
    if declared in HTML_TYPES:
        return True
    if declared in ("", "application/octet-stream", "text/plain", "unknown/unknown"):
        # No usable type: the crawler's own sniffing, else ours, as a browser sniffs an untyped response.
        if head.identified_type:
            return media_type(head.identified_type) in HTML_TYPES
        return sniffs_as_html(payload_start)
    return False


def _record_pages(record: ArchiveRecord, name: str) -> Iterator[ImageRef | Skip | Problem]:
    """The image rows of one HTML record, or a Problem saying why the page gives none."""
    page_url = record.head.target_uri or ""
    where = f"{name} record at byte offset {record.offset}"
    try:
        body = decode_body(record.payload, record.head.http, MAX_PAGE_BYTES + 1)
    except PayloadError as error:
        yield Problem("crawl", error.reason, f"{where} ({page_url}): {error.detail}", page_url or None)
        return
    charset = charset_param(record.head.http.get("Content-Type")) if record.head.http else None
    charset = charset or charset_param(record.head.content_type)
    try:
        decoded = decode_html(body[:MAX_PAGE_BYTES], charset)
    except UndecodableHtml as error:
        yield Problem("crawl", "undecodable_page", f"{where} ({page_url}): {error}", page_url or None)
        return
    yield from images_in_text(decoded.text, page_url)
    if record.truncated:
        yield Problem(
            "read",
            "truncated_record",
            f"{where} ({page_url}): the file ends inside this record; images after the cut are lost",
            page_url or None,
        )
    elif record.clipped or len(body) > MAX_PAGE_BYTES:
        yield Problem(
            "crawl",
            "page_too_large",
            f"{where} ({page_url}): only the first {MAX_PAGE_BYTES} bytes were read",
            page_url or None,
        )


def _cut_record(record: ArchiveRecord, name: str) -> Problem:
    """A record that is not an input itself, but whose truncation means the file was cut after it."""
    return Problem(
        "read",
        "truncated_record",
        f"{name} record at byte offset {record.offset}: the file ends inside this {record.head.record_type} "
        "record; any records after it are lost",
        record.head.target_uri,
    )


def _guarded(rows: Iterator, record: ArchiveRecord, name: str) -> Iterator:
    """The rows of one record; an unexpected failure on it is one reject, never the end of the job."""
    try:
        yield from rows
    except Exception as error:  # noqa: BLE001 - a record nobody foresaw must not end a billion-row job
        message = re.sub(r" at 0x[0-9a-fA-F]+", "", " ".join(f"{error}".split()))[:200]
        yield Problem(
            "crawl",
            "unparsable_record",
            f"{name} record at byte offset {record.offset}: {type(error).__name__}: {message}",
            record.head.target_uri,
        )


def _damage(damage: ArchiveDamage, name: str) -> Problem:
    lost = "reading resumed" if damage.resumed_at is not None else "nothing after it was read"
    resumed = f" at byte offset {damage.resumed_at}" if damage.resumed_at is not None else ""
    return Problem("read", "damaged_archive", f"{name}: {damage.detail}; {lost}{resumed}")


def iter_warc_images(
    stream: BinaryIO, name: str = "<stream>"
) -> Iterator[tuple[int, ImageRef | Skip | Problem]]:
    """(record index, image row) for every `<img>` in every HTML record of a WARC or ARC file."""
    wanted = _is_html_record
    for item in iter_archive_records(stream, wanted, MAX_PAGE_BYTES):
        if isinstance(item, ArchiveDamage):
            yield item.index, _damage(item, name)
        elif item.payload is not None:
            for row in _guarded(_record_pages(item, name), item, name):
                yield item.index, row
        elif item.truncated:
            yield item.index, _cut_record(item, name)


def _wat_links(metadata, page_url: str) -> Iterator[ImageRef | Skip]:
    """Image links (`IMG@/src` with `alt`) of one page's WAT HTML-Metadata, checked field by field."""
    head = metadata.get("Head") if isinstance(metadata.get("Head"), dict) else {}
    base = head.get("Base") if isinstance(head.get("Base"), str) else ""
    try:
        base_url = urljoin(page_url, base.strip())
    except ValueError:
        base_url = page_url
    links = metadata.get("Links")
    links = links if isinstance(links, list) else []
    position = 0
    for link in links:
        if not isinstance(link, dict) or not isinstance(link.get("path"), str):
            continue
        if link["path"].upper() != "IMG@/SRC":
            continue
        src, alt = link.get("url"), link.get("alt")
        if src is not None and not isinstance(src, str) or alt is not None and not isinstance(alt, str):
            yield Skip(
                "bad_wat_link", page_url, position, detail=f"url/alt not text: {json.dumps(link)[:200]}"
            )
        elif not (src or "").strip():
            yield Skip("missing_src", page_url, position)
        elif _is_data_uri(src.strip()):
            yield Skip("data_uri", page_url, position, detail=src.strip()[:40])
        else:
            try:
                url = _resolve(base_url, src)
            except ValueError as error:
                yield Skip("invalid_url", page_url, position, detail=f"{src[:200]!r}: {error}")
            else:
                alt = " ".join((alt or "").split())
                yield (
                    ImageRef(url, alt, page_url, position)
                    if alt
                    else Skip("missing_alt", page_url, position, url=url)
                )
        position += 1


def _wat_record(record: ArchiveRecord, name: str) -> Iterator[ImageRef | Skip | Problem]:
    where = f"{name} record at byte offset {record.offset}"
    if record.truncated or record.clipped:
        what = "the file ends inside it" if record.truncated else f"it is over {MAX_PAGE_BYTES} bytes"
        yield Problem("read", "bad_wat_record", f"{where}: {what}")
        return
    try:
        document = json.loads(record.payload)
    except (ValueError, UnicodeDecodeError) as error:
        yield Problem("read", "bad_wat_record", f"{where}: not JSON ({error})")
        return
    envelope = document.get("Envelope") if isinstance(document, dict) else None
    if not isinstance(envelope, dict):
        yield Problem("read", "bad_wat_record", f"{where}: no JSON object 'Envelope'")
        return

    def field(mapping, *path):
        for key in path:
            mapping = mapping.get(key) if isinstance(mapping, dict) else None
        return mapping

    html = field(envelope, "Payload-Metadata", "HTTP-Response-Metadata", "HTML-Metadata")
    if html is None:
        return  # a page that is not HTML (an image, robots.txt, a redirect): it has no <img>
    page_url = field(envelope, "WARC-Header-Metadata", "WARC-Target-URI")
    if not isinstance(html, dict) or not isinstance(page_url, str) or not page_url:
        yield Problem(
            "read", "bad_wat_record", f"{where}: HTML-Metadata without an object or a WARC-Target-URI"
        )
        return
    yield from _wat_links(html, page_url)


def iter_wat_images(
    stream: BinaryIO, name: str = "<stream>"
) -> Iterator[tuple[int, ImageRef | Skip | Problem]]:
    """Image links of each HTML page described in a WAT file (Common Crawl's JSON metadata).

    WAT lists each page's links with their `alt` text, so no HTML is parsed here; relative links are resolved
    against the page's <base> (`Head.Base`) and URL. A record whose JSON is damaged or of the wrong shape is
    one `bad_wat_record` Problem.
    """
    wanted = lambda head, _: head.record_type == "metadata"  # noqa: E731
    for item in iter_archive_records(stream, wanted, MAX_PAGE_BYTES):
        if isinstance(item, ArchiveDamage):
            yield item.index, _damage(item, name)
        elif item.payload is not None:
            for row in _guarded(_wat_record(item, name), item, name):
                yield item.index, row
        elif item.truncated:
            yield item.index, _cut_record(item, name)
