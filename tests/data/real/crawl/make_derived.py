"""Rebuild the derived crawl files of this folder from the real pages and archives beside it.

    .venv/bin/python tests/data/real/crawl/make_derived.py

Real pages (`pages/*.html.gz`, Mozilla Readability's test pages) are wrapped in WARC/ARC/WAT records with the
HTTP headers a real server or crawler writes, including the ways they go wrong in the wild (mislabelled
charsets, brotli/zstd/deflate bodies, stale Content-Encoding headers, damage). Output is deterministic: fixed
record ids and dates, gzip members without timestamps. MANIFEST.md lists what each file exercises.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import brotli
import zstandard
from bs4 import BeautifulSoup
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).parent
DATE = "2024-05-18T01:58:10Z"
PAGE_URLS = {
    "aktualne": "https://sport.aktualne.cz/fotbal/zahranici/west-ham-hrozi-gigantum/r~8fa032ba3add11ec8a900cc47ab5f122/",
    "lazy-image-2": "https://kotaku.com/the-spectacular-story-of-metroid-one-of-gamings-riche-1284029577",
    "lazy-image-3": "https://example.org/lazy-image-3.html",
    "citylab-1": "https://www.citylab.com/design/2019/04/neon-signage-20th-century-history/588400/",
    "pixnet": "http://stevenhgm.pixnet.net/blog/post/39926056",
    "yahoo-4": "http://headlines.yahoo.co.jp/hl?a=20170309-35097838-cnetj-sci",
    "herald-sun-1": "http://www.heraldsun.com.au/news/opinion/angry-media-wont-buckle-over-new-surveillance-laws/story-fni0fha6-1227261886014",
    "lemonde-1": "http://www.lemonde.fr/pixels/article/2015/05/04/que-contient-la-loi-sur-le-renseignement_4627068_4408996.html",
    "bug-1255978": "http://www.independent.co.uk/news/business/news/seven-secrets-that-hotel-owners-dont-want-you-to-know-10506160.html",
}
# (page, Content-Encoding header, how the stored body is made): every decoder, and two lies archives tell.
ENCODED_PAGES = [
    ("aktualne", "gzip", "gzip"),
    ("lazy-image-2", "br", "br"),
    ("lazy-image-3", None, "identity"),
    ("citylab-1", "zstd", "zstd"),
    ("pixnet", "deflate", "raw-deflate"),
    ("yahoo-4", "gzip", "chunked-gzip"),
    ("herald-sun-1", "gzip", "identity"),  # stale header: the crawler stored the decoded body
    ("lemonde-1", None, "gzip"),  # gzip body whose header was lost
    ("bug-1255978", "x-gzip", "gzip"),
]


def page(name: str) -> str:
    return gzip.decompress((HERE / "pages" / f"{name}.html.gz").read_bytes()).decode("utf-8")


def _with_meta_charset(html: str, label: str | None) -> str:
    """The page with its <meta charset> / http-equiv declaration replaced by `label` (None: removed)."""
    import re

    replacement = f'<meta charset="{label}">' if label else ""
    pattern = re.compile(r"<meta[^>]+charset=[\"']?[\w-]+[\"']?[^>]*>", re.IGNORECASE)
    return pattern.sub(replacement, html, count=1)


def _chunked(data: bytes, size: int = 8000) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def _encode(body: bytes, how: str) -> bytes:
    if how == "gzip":
        return gzip.compress(body, mtime=0)
    if how == "chunked-gzip":
        return _chunked(gzip.compress(body, mtime=0))
    if how == "br":
        return brotli.compress(body)
    if how == "zstd":
        return zstandard.ZstdCompressor().compress(body)
    if how == "raw-deflate":
        compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        return compressor.compress(body) + compressor.flush()
    return body


def _record(uri: str, number: int, payload: bytes, headers: list[tuple[str, str]], record_type="response"):
    """One uncompressed WARC record with a fixed id and date."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1") if record_type == "response" else None
    warc_headers = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>", "WARC-Date": DATE}
    if record_type != "response":
        warc_headers["Content-Type"] = "application/json"
    record = writer.create_warc_record(
        uri, record_type, payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=warc_headers
    )
    writer.write_record(record)
    return buffer.getvalue()


def _warc(path: Path, records: list[bytes], compress: bool = True) -> bytes:
    data = b"".join(gzip.compress(r, mtime=0) for r in records) if compress else b"".join(records)
    path.write_bytes(data)
    return data


def _page_record(number: int, name: str, coding: str | None, how: str) -> bytes:
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if coding:
        headers.append(("Content-Encoding", coding))
    if how.startswith("chunked"):
        headers.append(("Transfer-Encoding", "chunked"))
    return _record(PAGE_URLS[name], number, _encode(page(name).encode("utf-8"), how), headers)


def pages_warc() -> None:
    records = [_page_record(number, *case) for number, case in enumerate(ENCODED_PAGES)]
    _warc(HERE / "pages.warc.gz", records)


def damaged_warcs() -> None:
    """Damaged copies of a four-page WARC (the smaller pages, same encodings as in pages.warc.gz)."""
    small = [
        case for case in ENCODED_PAGES if case[0] in ("lazy-image-3", "herald-sun-1", "lemonde-1", "yahoo-4")
    ]
    records = [_page_record(number, *case) for number, case in enumerate(small)]
    members = [gzip.compress(r, mtime=0) for r in records]
    damaged = HERE / "damaged"
    # An uncompressed WARC cut inside its third record.
    plain = b"".join(records)
    cut = sum(map(len, records[:2])) + len(records[2]) // 2
    (damaged / "small-truncated.warc").write_bytes(plain[:cut])
    # The whole file gzipped as `gzip x.warc` does (warcio refuses it: "non-chunked gzip file").
    (damaged / "small-whole-file.warc.gz").write_bytes(gzip.compress(plain, mtime=0))
    # A corrupt gzip member in the middle: one byte flipped in the second record's deflate data.
    flipped = bytearray(members[1])
    flipped[len(flipped) // 2] ^= 0xFF
    (damaged / "small-corrupt-member.warc.gz").write_bytes(b"".join([members[0], flipped, *members[2:]]))
    # Garbage after the last record; a file cut inside its last gzip member.
    (damaged / "small-trailing-garbage.warc.gz").write_bytes(b"".join(members) + b"\x00garbage" * 8)
    whole = b"".join(members)
    (damaged / "small-cut-member.warc.gz").write_bytes(whole[: len(whole) - len(members[-1]) // 2])


def charsets_warc() -> None:
    """Pages whose declared charset does not describe their bytes, as servers send them."""
    pixnet, yahoo, aktualne = page("pixnet"), page("yahoo-4"), page("aktualne")
    cases = [
        # GBK bytes (traditional characters GB2312 lacks) under the narrower gb2312 label, HTTP and meta.
        (
            "pixnet-gbk-as-gb2312",
            _with_meta_charset(pixnet, "gb2312").encode("gbk", "xmlcharrefreplace"),
            "text/html; charset=gb2312",
        ),
        # UTF-8 bytes served as gb2312.
        (
            "pixnet-utf8-as-gb2312",
            _with_meta_charset(pixnet, None).encode("utf-8"),
            "text/html; charset=GB2312",
        ),
        # windows-31j bytes (the page has a FULLWIDTH TILDE that Shift_JIS lacks) served as Shift_JIS.
        (
            "yahoo-cp932-as-shift_jis",
            _with_meta_charset(yahoo, "Shift_JIS").encode("cp932", "xmlcharrefreplace"),
            "text/html; charset=shift_jis",
        ),
        # windows-1250 bytes served as UTF-8; only the page's <meta> is right.
        (
            "aktualne-cp1250-http-utf8",
            _with_meta_charset(aktualne, "windows-1250").encode("cp1250", "xmlcharrefreplace"),
            "text/html; charset=utf-8",
        ),
        # A charset name no codec knows (the LookupError crash), UTF-8 bytes.
        (
            "lemonde-unknown-label",
            page("lemonde-1").encode("utf-8"),
            'text/html; charset="x-unknown-charset"',
        ),
        # iso-8859-1 on a UTF-8 page: browsers would show mojibake; the bytes are valid UTF-8.
        (
            "herald-sun-utf8-as-latin1",
            _with_meta_charset(page("herald-sun-1"), None).encode("utf-8"),
            "text/html; charset=ISO-8859-1",
        ),
    ]
    records = [
        _record(f"http://charsets.example/{name}", number, body, [("Content-Type", content_type)])
        for number, (name, body, content_type) in enumerate(cases)
    ]
    _warc(HERE / "charsets.warc.gz", records)


def _arc_record(url: str, http: bytes) -> bytes:
    return f"{url} 93.184.216.34 20240518015810 text/html {len(http)}\n".encode() + http + b"\n"


def pages_arc() -> None:
    """ARC v1 twins of pages with absolute-path and protocol-relative image URLs (resolved on the ARC URL)."""
    body = b"1 0 CapFilt\nURL IP-address Archive-date Content-type Archive-length\n"
    header = f"filedesc://pages.arc 0.0.0.0 20240518015810 text/plain {len(body)}\n".encode() + body + b"\n"
    records = [header]
    for name in ("yahoo-4", "bug-1255978"):
        html = page(name).encode("utf-8")
        http = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
            % len(html)
        )
        records.append(_arc_record(PAGE_URLS[name], http + html))
    (HERE / "pages.arc").write_bytes(b"".join(records[:2]))  # plain: yahoo-4 only (protocol-relative URLs)
    (HERE / "pages.arc.gz").write_bytes(b"".join(gzip.compress(r, mtime=0) for r in records))


def _wat_envelope(name: str) -> dict:
    """Common Crawl's WAT layout for one page; its links read independently, with BeautifulSoup."""
    soup = BeautifulSoup(page(name), "html5lib")
    links = [
        {
            "path": "IMG@/src",
            "url": img.get("src"),
            **({"alt": img["alt"]} if img.get("alt") is not None else {}),
        }
        for img in soup.find_all("img")
        if img.get("src") is not None
    ]
    base = soup.find("base", href=True)
    head = {"Title": soup.title.string if soup.title else ""} | ({"Base": base["href"]} if base else {})
    return {
        "Envelope": {
            "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": PAGE_URLS[name]},
            "Payload-Metadata": {
                "HTTP-Response-Metadata": {
                    "Headers": {"Content-Type": "text/html; charset=utf-8"},
                    "HTML-Metadata": {"Head": head, "Links": links},
                }
            },
        }
    }


def pages_wat() -> None:
    records = [
        _record(
            f"metadata://{PAGE_URLS[name]}", number, json.dumps(_wat_envelope(name)).encode(), [], "metadata"
        )
        for number, name in enumerate(("bug-1255978", "pixnet", "lazy-image-3"))
    ]
    _warc(HERE / "pages.wat.gz", records)
    good = json.dumps(_wat_envelope("herald-sun-1")).encode()
    damaged = [
        good[: len(good) // 2],  # cut JSON
        b'["an array, not an object"]',
        b'{"Envelope": "a string"}',
        json.dumps(
            {
                "Envelope": {
                    "WARC-Header-Metadata": {"WARC-Target-URI": "http://wat.example/odd"},
                    "Payload-Metadata": {
                        "HTTP-Response-Metadata": {
                            "HTML-Metadata": {
                                "Head": "not an object",
                                "Links": [
                                    {"path": "IMG@/src", "url": 42, "alt": "a numeric url"},
                                    {"path": "IMG@/src", "url": "/ok.jpg", "alt": ["a", "list"]},
                                    "not a link object",
                                    {"path": "IMG@/src", "url": "/fine.jpg", "alt": "a fine link"},
                                ],
                            }
                        }
                    },
                }
            }
        ).encode(),
        json.dumps(
            {"Envelope": {"Payload-Metadata": {"HTTP-Response-Metadata": {"HTML-Metadata": {}}}}}
        ).encode(),
        good,
    ]
    records = [
        _record(f"metadata://wat.example/{number}", 100 + number, payload, [], "metadata")
        for number, payload in enumerate(damaged)
    ]
    _warc(HERE / "damaged" / "bad-records.wat.gz", records)


if __name__ == "__main__":
    (HERE / "damaged").mkdir(exist_ok=True)
    pages_warc()
    damaged_warcs()
    charsets_warc()
    pages_arc()
    pages_wat()
