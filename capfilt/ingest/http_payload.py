"""An archived HTTP response as the page's bytes: header block, chunked transfer, content encodings.

Archives store responses as the crawler saw them, and crawlers differ: some keep `Transfer-Encoding:
chunked` framing and gzip/deflate/br/zstd bodies, some store the decoded body but keep the original headers
(ClueWeb, wget; Common Crawl renames them `X-Crawler-*`), some write LF-only header lines. So each step checks
the bytes rather than trusting the header: chunk framing is removed only when the body is validly chunked,
a declared encoding whose decoder fails on a body that already looks like markup is taken as a stale header,
and a gzip body without a header is recognised by its magic bytes. The decompressors are zlib, `brotli` and
`zstandard`; output stops at the caller's limit, so a compression bomb costs no more than a large page.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import brotli
import zstandard

MAX_HEADER_BYTES = 64 * 2**10
_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class PayloadError(ValueError):
    """A body that cannot be turned into the page's bytes; `reason` is the reject reason."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class HttpHead:
    status_line: str
    headers: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The first value of a header (names compare case-insensitively)."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


def split_http_head(block: bytes) -> tuple[HttpHead | None, bytes]:
    """(status line and headers, body) of an HTTP response block; (None, block) when it has no HTTP head.

    Lines may end in CRLF or LF alone (ClueWeb09 writes LF); values are read as ISO-8859-1, as HTTP does.
    """
    if not block.startswith(b"HTTP/"):
        return None, block
    ends = [(block.find(sep, 0, MAX_HEADER_BYTES), sep) for sep in (b"\r\n\r\n", b"\n\n")]
    ends = [(at, sep) for at, sep in ends if at >= 0]
    if ends:
        at, sep = min(ends)
        head, body = block[:at], block[at + len(sep) :]
    else:  # the block ends inside the head (a truncated record): no body
        head, body = block[:MAX_HEADER_BYTES], b""
    lines = head.decode("iso-8859-1").replace("\r\n", "\n").split("\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # obsolete line folding
            headers[-1] = (headers[-1][0], f"{headers[-1][1]} {line.strip()}")
        elif ":" in line:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
    return HttpHead(lines[0].strip(), tuple(headers)), body


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def charset_param(content_type: str | None) -> str | None:
    for part in (content_type or "").split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def dechunk(body: bytes) -> bytes | None:
    """The data of a `Transfer-Encoding: chunked` body, or None when the body is not validly chunked.

    A body cut inside a chunk (a truncated record) keeps the data read so far.
    """
    out, pos = bytearray(), 0
    while True:
        line_end = body.find(b"\n", pos, pos + 1024)
        if line_end < 0:
            return bytes(out) if out else None
        size_text = body[pos:line_end].split(b";")[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            return None
        if size_text.startswith((b"-", b"+", b"0x", b"0X")) or size < 0:
            return None
        if size == 0:
            return bytes(out)
        start = line_end + 1
        out += body[start : start + size]
        if start + size >= len(body):
            return bytes(out)
        pos = start + size
        if body[pos : pos + 2] == b"\r\n":
            pos += 2
        elif body[pos : pos + 1] == b"\n":
            pos += 1
        else:
            return None


def _looks_like_markup(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(body, limit)
    # A gzip stream may hold several members (some servers concatenate them).
    while decompressor.eof and decompressor.unused_data and len(out) < limit:
        rest = decompressor.unused_data
        if not rest.startswith(_GZIP_MAGIC):
            break
        decompressor = zlib.decompressobj(wbits)
        out += decompressor.decompress(rest, limit - len(out))
    if not out and not decompressor.eof:
        raise zlib.error("no data")
    return out


def _deflate(body: bytes, limit: int) -> bytes:
    try:  # "deflate" should be zlib-wrapped, but servers often send raw deflate: browsers accept both
        return _inflate(body, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _inflate(body, -zlib.MAX_WBITS, limit)


def _brotli(body: bytes, limit: int) -> bytes:
    decompressor = brotli.Decompressor()
    out = bytearray(decompressor.process(body, output_buffer_limit=limit))
    # Once the output limit is reached, the decompressor must be drained with empty input.
    while len(out) < limit and not decompressor.is_finished() and not decompressor.can_accept_more_data():
        out += decompressor.process(b"", output_buffer_limit=limit - len(out))
    if not out and not decompressor.is_finished():
        raise brotli.error("no data")
    return bytes(out[:limit])


def _zstd(body: bytes, limit: int) -> bytes:
    reader = zstandard.ZstdDecompressor().stream_reader(body, read_across_frames=True)
    return reader.read(limit)


DECODERS = {
    "gzip": lambda body, limit: _inflate(body, 16 + zlib.MAX_WBITS, limit),
    "x-gzip": lambda body, limit: _inflate(body, 16 + zlib.MAX_WBITS, limit),
    "deflate": _deflate,
    "br": _brotli,
    "zstd": _zstd,
}
_IDENTITY = ("", "identity", "none")


def decode_body(body: bytes, head: HttpHead | None, limit: int) -> bytes:
    """The page's bytes (at most `limit`) from an archived HTTP body; raises PayloadError."""
    if head is not None and "chunked" in (head.get("Transfer-Encoding") or "").lower():
        data = dechunk(body)
        body = body if data is None else data
    declared = [c.strip().lower() for c in (head.get("Content-Encoding") or "").split(",")] if head else []
    codings = [c for c in declared if c not in _IDENTITY]
    if not codings and body.startswith(_GZIP_MAGIC + b"\x08"):
        try:  # compressed, but the header was lost or never sent
            return _inflate(body, 16 + zlib.MAX_WBITS, limit)
        except zlib.error:
            return body[:limit]
    for coding in reversed(codings):  # codings are listed in the order they were applied
        decoder = DECODERS.get(coding)
        if decoder is None:
            if _looks_like_markup(body):
                break
            raise PayloadError("unsupported_content_encoding", f"Content-Encoding {coding!r}")
        try:
            body = decoder(body, limit)
        except (zlib.error, brotli.error, zstandard.ZstdError, EOFError) as error:
            if _looks_like_markup(body):  # the archive stored the decoded body under the original header
                break
            raise PayloadError(
                "bad_content_encoding", f"Content-Encoding {coding}, but the data does not decode: {error}"
            ) from None
    return body[:limit]
