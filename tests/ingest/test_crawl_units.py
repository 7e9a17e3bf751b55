"""The crawl reader's parts on small inputs: charsets, HTTP bodies, srcset and lazy images, WARC records."""

from __future__ import annotations

import gzip
import io
import zlib

import brotli
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from capfilt.ingest import crawl
from capfilt.ingest.html_charset import UndecodableHtml, decode_html, whatwg_encoding
from capfilt.ingest.http_payload import PayloadError, decode_body, split_http_head
from capfilt.ingest.rows import IngestConfig, read_candidates
from capfilt.ingest.text import is_boilerplate
from schemas import Reject


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("gb2312", "gbk"),
        ("GB_2312-80", "gbk"),
        ("iso-8859-1", "windows-1252"),
        ("US-ASCII", "windows-1252"),
        ("shift_jis", "shift_jis"),
        ("ks_c_5601-1987", "euc-kr"),
        (' "utf8" ', "utf-8"),
        ("x-unknown-charset", None),
        ("hz-gb-2312", None),  # the WHATWG "replacement" encoding: nothing useful to decode
    ],
)
def test_whatwg_labels(label, name):
    assert whatwg_encoding(label) == name


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        ("臺灣的繁體字網頁", "gbk", "gb2312"),  # traditional characters GB2312 lacks
        ("髙橋さんの写真 ～ ①", "cp932", "shift_jis"),  # windows-31j characters Shift_JIS lacks
        ("똠방각하 뷁 사진", "cp949", "euc-kr"),  # UHC syllables EUC-KR lacks
        ("café crème", "cp1252", "iso-8859-1"),
        ("中文网页内容", "utf-8", "gb2312"),  # UTF-8 served under a legacy label
        ("Привет мир, это тест", "cp1251", "x-unknown-charset"),  # unknown label: detection decides
    ],
)
def test_mislabelled_pages_decode_whole(text, codec, label):
    body = f"<p>{text}</p>".encode(codec) * 20
    decoded = decode_html(body, label)
    assert decoded.text == f"<p>{text}</p>" * 20 and decoded.bad_sequences == 0


def test_charset_order_bom_meta_and_undecodable():
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9", "windows-1251").text == "<p>café"
    assert decode_html(b"\xff\xfe" + "<p>hé".encode("utf-16-le"), "utf-8").text == "<p>hé"
    meta = '<meta charset="windows-1250"><p>Příliš žluťoučký kůň'.encode("cp1250")
    assert decode_html(meta, "utf-8").encoding == "windows-1250"  # the HTTP label fails, the page's meta fits
    stray = "<p>正文</p>".encode() * 400 + b"\xff" + "<p>正文</p>".encode()
    decoded = decode_html(stray, "utf-8")  # one bad byte in 5 KB: UTF-8 kept, the byte becomes U+FFFD
    assert (decoded.encoding, decoded.bad_sequences) == ("utf-8", 1) and decoded.text.count("正文") == 401
    assert decode_html("é".encode() * 10 + b"\xe4\xb8", "utf-8").text == "é" * 10  # cut inside a character
    with pytest.raises(UndecodableHtml, match="utf-8: .* bad byte sequences"):
        decode_html(("中文网页内容，这是一个测试。" * 50).encode("utf-16-le"), "utf-8")


HTML = b"<html><body>" + b"<p>x</p>" * 5000 + b'<img src="a.jpg" alt="a picture"></body></html>'


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(HTML)),
        ("x-gzip", gzip.compress(HTML)),
        ("br", brotli.compress(HTML)),
        ("zstd", zstandard.ZstdCompressor().compress(HTML)),
        ("deflate", zlib.compress(HTML)),
        ("deflate", zlib.compress(HTML)[2:-4]),  # raw deflate, as many servers send it
        ("gzip", HTML),  # stale header: the archive stored the decoded body
        ("", gzip.compress(HTML)),  # a gzip body without a header
        ("gzip, br", brotli.compress(gzip.compress(HTML))),
        ("identity", HTML),
    ],
)
def test_http_bodies_decode(coding, body):
    head, _ = split_http_head(f"HTTP/1.1 200 OK\r\nContent-Encoding: {coding}\r\n\r\n".encode())
    assert decode_body(body, head, 10 * 2**20) == HTML


def test_http_bodies_refused_chunked_and_bounded():
    head = split_http_head(b"HTTP/1.1 200 OK\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n\n")[0]
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(c), c) for c in (gzip.compress(HTML)[:100], gzip.compress(HTML)[100:])
    )
    assert decode_body(chunked + b"0\r\n\r\n", head, 2**20) == HTML
    assert head.get("transfer-encoding") == "chunked"  # LF-only header lines (ClueWeb09) are read
    with pytest.raises(PayloadError) as refused:
        decode_body(b"\x1f\x8b\x08\x00junk", head, 2**20)
    assert refused.value.reason == "bad_content_encoding" and "gzip" in refused.value.detail
    compress = split_http_head(b"HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\n\r\n")[0]
    with pytest.raises(PayloadError) as unknown:
        decode_body(b"\x1f\x9d\x90binary", compress, 2**20)
    assert unknown.value.reason == "unsupported_content_encoding"
    bomb = brotli.compress(b" " * (64 * 2**20))
    br = split_http_head(b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n")[0]
    assert len(decode_body(bomb, br, 2**20 + 1)) == 2**20 + 1  # output stops at the limit


def _images(html: str, page_url: str = "http://site.test/dir/page.html") -> list:
    return list(crawl.images_in_text(html, page_url))


def test_srcset_lazy_attributes_and_picture():
    items = _images(
        '<img src="data:image/gif;base64,R0lGOD,lhAQ" alt="lazy srcset"'
        ' data-srcset="/a,b.jpg?w=100,h=50 100w, /a,b.jpg?w=800 800w">'
        '<img src="" data-src="real.jpg" alt="lazy src">'
        '<img src="placeholder.gif" data-original="orig.jpg" alt="jquery lazyload">'
        '<img srcset="data:image/png;base64,AA 1x, big.jpg 2x" alt="data candidate">'
        '<picture><source srcset="s-400.webp 400w, s-1600.webp 1600w">'
        '<img src="fallback.jpg" alt="picture"></picture>'
        '<img src="data:image/png;base64,AAAA" alt="inline only">'
        '<img alt="nothing">'
        '<img src="  /sp ace\t.jpg\n" alt=" spaced \n alt ">'
    )
    urls = [getattr(item, "url", None) for item in items]
    assert urls[:5] == [
        "http://site.test/a,b.jpg?w=800",
        "http://site.test/dir/real.jpg",
        "http://site.test/dir/orig.jpg",
        "http://site.test/dir/big.jpg",
        "http://site.test/dir/s-1600.webp",
    ]
    assert [getattr(item, "reason", None) for item in items[5:7]] == ["data_uri", "missing_src"]
    assert (items[7].url, items[7].alt) == ("http://site.test/sp ace.jpg", "spaced alt")


def test_parser_has_no_depth_or_size_limit():
    deep = (
        "<div>" * 5000 + '<img src="deep.jpg" alt="deep">' + "</div>" * 5000 + '<img src="b.jpg" alt="after">'
    )
    assert [i.alt for i in _images(deep)] == ["deep", "after"]  # lxml returns an empty tree here
    big = "<p>" + "x" * (11 * 2**20) + '<img src="c.jpg" alt="after a large text node">'
    assert [i.alt for i in _images(big)] == ["after a large text node"]
    based = (
        '<head><base href="https://cdn.test/static/"></head><img src="d.jpg" alt="based"><image src=e alt=e>'
    )
    assert [i.url for i in _images(based)] == ["https://cdn.test/static/d.jpg", "https://cdn.test/static/e"]


def _warc(*records: tuple[str, bytes, list[tuple[str, str]]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for uri, body, headers in records:
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
        )
    return buffer.getvalue()


def _read(tmp_path, data: bytes) -> list:
    path = tmp_path / "t.warc.gz"
    path.write_bytes(data)
    return list(read_candidates(str(path), 0, IngestConfig()))


def test_page_level_rejects_name_file_offset_and_reason(tmp_path):
    page = b'<img src="a.jpg" alt="a red kite">'
    huge = b"<p>" + b" " * (crawl.MAX_PAGE_BYTES + 10) + page
    data = _warc(
        (
            "http://a.test/br",
            brotli.compress(page),
            [("Content-Type", "text/html"), ("Content-Encoding", "br")],
        ),
        ("http://a.test/odd", page, [("Content-Type", "text/html; charset=no-such-thing")]),
        (
            "http://a.test/u16",
            ("中文网页内容，这是一个测试。" * 50).encode("utf-16-le"),
            [("Content-Type", "text/html; charset=utf-8")],
        ),
        (
            "http://a.test/cmp",
            b"\x1f\x9dbinary",
            [("Content-Type", "text/html"), ("Content-Encoding", "compress")],
        ),
        (
            "http://a.test/bad",
            b"\x1f\x8b\x08junk",
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        ),
        (
            "http://a.test/big",
            gzip.compress(huge),
            [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
        ),
        ("http://a.test/untyped", b"<html>" + page, []),  # no Content-Type: sniffed, as browsers do
        ("http://a.test/image.png", b"\x89PNG\r\n\x1a\n", [("Content-Type", "image/png")]),
    )
    rows = _read(tmp_path, data)
    outcome = [(r.key, r.reason) if isinstance(r, Reject) else (r["key"], r["url"]) for r in rows]
    assert outcome == [
        ("00000-000000000-000000000", "http://a.test/a.jpg"),  # br body (warcio 1.8.1 raised on it)
        ("00000-000000001-000000000", "http://a.test/a.jpg"),  # unknown charset label (a LookupError crash)
        ("00000-000000002", "undecodable_page"),
        ("00000-000000003", "unsupported_content_encoding"),
        ("00000-000000004", "bad_content_encoding"),
        ("00000-000000005", "page_too_large"),
        ("00000-000000006-000000000", "http://a.test/a.jpg"),
    ]
    for reject in (r for r in rows if isinstance(r, Reject)):
        assert str(tmp_path / "t.warc.gz") in reject.detail and "byte offset" in reject.detail
        assert reject.url and reject.url.startswith("http://a.test/")
    assert _read(tmp_path, data) == rows  # deterministic: the same rejects on every run


def test_boilerplate_counts_letters_of_every_script():
    for text in ("東京タワーの夜景", "このページの先頭です", "서울의 밤", "Кремль зимой", "مسجد"):
        assert not is_boilerplate(text), text
    for text in ("12345", "---", "★★★", "2024-05-18", "IMG_2041.JPG"):
        assert is_boilerplate(text), text


def test_a_cut_after_the_last_page_is_reported(tmp_path):
    """A file cut inside a record that is not a page (an image), or inside a header, lost what followed."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for uri, body, content_type in (
        ("http://a.test/", b'<html><img src="a.jpg" alt="a red kite">', "text/html"),
        ("http://a.test/a.jpg", b"\xff\xd8\xff" + b"\x00" * 5000, "image/jpeg"),
    ):
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http)
        )
    whole = buffer.getvalue()
    for cut in (whole[:-2000], whole + b"WARC/1.0\r\nWARC-Type: resp"):
        path = tmp_path / "cut.warc"
        path.write_bytes(cut)
        rows = list(read_candidates(str(path), 0, IngestConfig()))
        assert rows[0]["caption"] == "a red kite"
        assert [(r.stage, r.reason) for r in rows[1:]] == [("read", "truncated_record")]
        assert str(path) in rows[1].detail and "byte offset" in rows[1].detail
