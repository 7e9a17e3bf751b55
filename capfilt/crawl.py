"""Image references from crawl records: `<img src alt>` in WARC HTML responses, image links in WAT metadata.

warcio reads the records (gzip per record, chunked and compressed HTTP bodies); lxml parses the HTML, so
entities, comments, scripts and malformed markup are handled the way a browser would. Each `<img>` found
becomes one input row: an ImageRef, or a Skip with the reason it cannot be used (every row is accounted).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from warcio.archiveiterator import ArchiveIterator

HTML_TYPES = ("text/html", "application/xhtml+xml")
# A page larger than this is not a page we want image links from; reading stops there.
MAX_PAGE_BYTES = 10 * 2**20


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


def _charset(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def _largest_srcset_candidate(srcset: str) -> str | None:
    """The candidate with the largest width (`640w`) or density (`2x`) descriptor; first on ties."""
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        fields = candidate.split()
        if not fields:
            continue
        descriptor = fields[1].lower() if len(fields) > 1 else "1x"
        try:
            size = float(descriptor[:-1]) if descriptor[-1] in "wx" else 1.0
        except ValueError:
            continue
        # Compare widths with widths: a `w` descriptor outranks any density descriptor.
        size = size if descriptor.endswith("w") else size / 1e6
        if size > best_size:
            best, best_size = fields[0], size
    return best


def parse_html(body: bytes, charset: str | None = None) -> lxml.etree._Element | None:
    """Parse HTML bytes; the HTTP charset wins, else the page's <meta charset>, else lxml's detection."""
    parser = lxml.html.HTMLParser(encoding=charset) if charset else lxml.html.HTMLParser()
    try:
        return lxml.etree.fromstring(body, parser)
    except (LookupError, ValueError):  # unknown charset name: let lxml detect
        return lxml.etree.fromstring(body, lxml.html.HTMLParser())
    except lxml.etree.ParserError:
        return None


def extract_images(body: bytes, page_url: str, charset: str | None = None) -> Iterator[ImageRef | Skip]:
    """Every `<img>` of one HTML page, resolved against `<base href>` and the page URL."""
    root = parse_html(body, charset)
    if root is None:
        return
    base_url = page_url
    for base in root.iter("base"):
        if base.get("href"):
            base_url = urljoin(page_url, base.get("href").strip())
            break
    for position, img in enumerate(root.iter("img")):
        srcset = img.get("srcset")
        src = (_largest_srcset_candidate(srcset) if srcset else None) or img.get("src")
        src = src.strip() if src else ""
        if not src:
            yield Skip("missing_src", page_url, position)
            continue
        if src.lower().startswith("data:"):
            yield Skip("data_uri", page_url, position, detail=src[:40])
            continue
        url = urljoin(base_url, src)
        alt = " ".join((img.get("alt") or "").split())
        if not alt:
            yield Skip("missing_alt", page_url, position, url=url)
            continue
        yield ImageRef(url, alt, page_url, position)


def iter_warc_pages(stream: BinaryIO) -> Iterator[tuple[int, str, bytes, str | None]]:
    """(record index, page URL, HTML body, charset) for each HTML response record of a WARC file."""
    for index, record in enumerate(ArchiveIterator(stream)):
        if record.rec_type != "response" or record.http_headers is None:
            continue
        content_type = record.http_headers.get_header("Content-Type") or ""
        if content_type.split(";")[0].strip().lower() not in HTML_TYPES:
            continue
        page_url = record.rec_headers.get_header("WARC-Target-URI")
        body = record.content_stream().read(MAX_PAGE_BYTES)
        yield index, page_url, body, _charset(content_type)


def iter_warc_images(stream: BinaryIO) -> Iterator[tuple[int, ImageRef | Skip]]:
    """(record index, image or skip) for every `<img>` in every HTML response of a WARC file."""
    for index, page_url, body, charset in iter_warc_pages(stream):
        for item in extract_images(body, page_url, charset):
            yield index, item


def _wat_envelope(payload: bytes) -> dict:
    try:
        return json.loads(payload).get("Envelope", {})
    except (ValueError, AttributeError):
        return {}


def iter_wat_images(stream: BinaryIO) -> Iterator[tuple[int, ImageRef | Skip]]:
    """Image links (`IMG@/src` with `alt`) of each HTML page described in a WAT file.

    WAT is Common Crawl's JSON metadata: it lists each page's links with their `alt` text, so no HTML is
    parsed here; relative links are resolved against the page's <base> (`Head.Base`) and URL.
    """
    for index, record in enumerate(ArchiveIterator(stream)):
        if record.rec_type != "metadata":
            continue
        envelope = _wat_envelope(record.content_stream().read())
        page_url = envelope.get("WARC-Header-Metadata", {}).get("WARC-Target-URI")
        html = envelope.get("Payload-Metadata", {}).get("HTTP-Response-Metadata", {}).get("HTML-Metadata")
        if not page_url or not html:
            continue
        base_url = urljoin(page_url, html.get("Head", {}).get("Base") or "")
        images = [link for link in html.get("Links", []) if link.get("path", "").upper() == "IMG@/SRC"]
        for position, link in enumerate(images):
            src = (link.get("url") or "").strip()
            alt = " ".join((link.get("alt") or "").split())
            if not src:
                item = Skip("missing_src", page_url, position)
            elif src.lower().startswith("data:"):
                item = Skip("data_uri", page_url, position, detail=src[:40])
            elif not alt:
                item = Skip("missing_alt", page_url, position, url=urljoin(base_url, src))
            else:
                item = ImageRef(urljoin(base_url, src), alt, page_url, position)
            yield index, item
