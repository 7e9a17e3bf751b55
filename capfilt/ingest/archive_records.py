"""The records of one web archive file, with every unreadable stretch reported instead of raised.

WARC files are read with FastWARC (the Rust reader of Resiliparse, as in Common Crawl research pipelines): it
reads per-record and whole-file gzip alike, and raises on damaged data rather than guessing. ARC files, which
FastWARC does not read, go through warcio. Real archives are damaged in a few ways, each reported as an
`ArchiveDamage` naming the byte offset, after which reading goes on where it can:

- a record whose block is shorter than its Content-Length (a file cut short): the part that is there is still
  returned, flagged `truncated`;
- a corrupt gzip member or a garbled header: reading resumes at the next gzip member (or `WARC/` header line
  in an uncompressed file), so one bad record does not cost the rest of the file;
- bytes after the last record that are not a record (a cut inside a header, trailing garbage), or a file with
  no readable record at all.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator as FastArchiveIterator
from warcio.archiveiterator import ArchiveIterator as WarcioArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from capfilt.ingest.http_payload import HttpHead, split_http_head

# Enough of a block for the HTTP head and the start of the payload, to decide whether the rest is wanted.
PEEK_BYTES = 64 * 2**10
_SCAN_CHUNK = 2**20
_GZIP_MEMBER = b"\x1f\x8b\x08"


@dataclass(frozen=True)
class RecordHead:
    """What is known of a record before its payload is read whole."""

    record_type: str  # response, resource, metadata, request, ... (ARC records read as response)
    target_uri: str | None
    content_type: str | None  # of the WARC block (application/http; msgtype=response for HTTP)
    identified_type: str | None  # WARC-Identified-Payload-Type, the crawler's own sniffing
    http: HttpHead | None


@dataclass(frozen=True)
class ArchiveRecord:
    index: int  # the record's position in the file; keys derive from it
    # Byte offset of the record: of its gzip member in a per-record gzip WARC, in the decompressed stream of a
    # gzipped ARC.
    offset: int
    head: RecordHead
    payload: bytes | None  # the body after any HTTP head, at most the caller's limit; None: not wanted
    truncated: bool  # the file ends inside this record's block
    clipped: bool  # the block holds more than the caller's limit: the rest was not read


@dataclass(frozen=True)
class ArchiveDamage:
    index: int
    offset: int  # the first byte that could not be read as records
    resumed_at: int | None  # where reading went on; None: nothing after `offset` was read
    detail: str


Wanted = Callable[[RecordHead, bytes], bool]


def _is_gzip(stream: BinaryIO) -> bool:
    stream.seek(0)
    start = stream.read(2)
    stream.seek(0)
    return start == _GZIP_MEMBER[:2]


def _is_arc(stream: BinaryIO, compressed: bool) -> bool:
    start = stream.read(4096)
    stream.seek(0)
    if compressed:
        try:
            start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(start, 64)
        except zlib.error:
            return False
    return start.startswith(b"filedesc:")


def _size(stream: BinaryIO) -> int:
    size = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return size


def iter_archive_records(
    stream: BinaryIO, wanted: Wanted, limit: int
) -> Iterator[ArchiveRecord | ArchiveDamage]:
    """Every record of a WARC or ARC file (gzipped or not), payloads read only where `wanted` says so."""
    compressed = _is_gzip(stream)
    if _is_arc(stream, compressed):
        yield from _iter_arc(gzip.GzipFile(fileobj=stream) if compressed else stream, wanted, limit)
    else:
        yield from _iter_warc(stream, compressed, wanted, limit)


def _warc_record(record, index: int, wanted: Wanted, limit: int) -> ArchiveRecord:
    headers = record.headers
    peek = record.reader.read(min(PEEK_BYTES, limit + 1))
    content_type = headers.get("Content-Type")
    is_http = "application/http" in (content_type or "").lower() or peek.startswith(b"HTTP/")
    http, payload = split_http_head(peek) if is_http else (None, peek)
    head = RecordHead(
        str(record.record_type),
        headers.get("WARC-Target-URI"),
        content_type,
        headers.get("WARC-Identified-Payload-Type"),
        http,
    )
    block_read = len(peek)
    if wanted(head, payload):
        rest = record.reader.read(max(0, limit + 1 - len(payload)))
        payload += rest
        block_read += len(rest)
    else:
        payload = None
    unread = record.reader.consume()
    clipped = payload is not None and (len(payload) > limit or unread > 0)
    # A record without Content-Length is a header cut short (the file ends inside it).
    truncated = block_read + unread < record.content_length or headers.get("Content-Length") is None
    return ArchiveRecord(index, record.stream_pos, head, payload and payload[:limit], truncated, clipped)


def _next_record_start(stream: BinaryIO, start: int, compressed: bool) -> int | None:
    """Offset of the next gzip member (or `WARC/` line) at or after `start`, None when there is none."""
    pattern = _GZIP_MEMBER if compressed else b"\nWARC/"
    stream.seek(start)
    position, carry = start, b""
    while chunk := stream.read(_SCAN_CHUNK):
        data = carry + chunk
        found = data.find(pattern)
        if found >= 0:
            return position - len(carry) + found + (0 if compressed else 1)
        carry = data[-(len(pattern) - 1) :]
        position += len(chunk)
    return None


def _iter_warc(stream: BinaryIO, compressed: bool, wanted: Wanted, limit: int):
    size = _size(stream)
    index, position = 0, 0
    damage: tuple[int, str] | None = None  # (offset, what went wrong) of a stretch not yet reported
    last_start = None
    while position is not None:
        stream.seek(position)
        current = None
        try:
            for record in FastArchiveIterator(stream, parse_http=False):
                current = record.stream_pos
                item = _warc_record(record, index + (damage is not None), wanted, limit)
                if damage is not None:
                    yield ArchiveDamage(index, damage[0], item.offset, damage[1])
                    index, damage = index + 1, None
                yield item
                index, last_start, current = index + 1, item.offset, None
            break
        except (OSError, ValueError, EOFError, RuntimeError) as error:  # FastWARC raises OSError
            message = " ".join(f"{error}".split())[:200] or type(error).__name__
            if current is not None:
                failed_at, what = current, f"the record at byte offset {current} is damaged ({message})"
            elif last_start is not None and last_start >= position:
                failed_at = last_start
                what = f"unreadable data after the record at byte offset {last_start} ({message})"
            else:
                failed_at, what = position, f"unreadable data at byte offset {position} ({message})"
            if damage is None:
                damage = (failed_at, what)
            position = _next_record_start(stream, failed_at + 1, compressed)
    if damage is None:
        damage = _trailing_damage(stream, last_start, size, compressed)
    if damage is not None:
        yield ArchiveDamage(index, damage[0], None, damage[1])


def _trailing_damage(stream: BinaryIO, last_start: int | None, size: int, compressed: bool):
    """(offset, detail) when bytes after the last record are not a record, else None."""
    if last_start is None:
        return (0, "no WARC or ARC record could be read") if size else None
    stream.seek(last_start)
    if not compressed:
        return None  # FastWARC raises on anything after an uncompressed record that is not a record
    if stream.read(3) != _GZIP_MEMBER:
        return None  # one gzip stream for the whole file: members are not record boundaries
    stream.seek(last_start)
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed = 0
    while not decompressor.eof:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return None  # the last member is cut short: the record itself is flagged truncated
        try:
            decompressor.decompress(chunk)
        except zlib.error:
            return None
        consumed += len(chunk)
    end = last_start + consumed - len(decompressor.unused_data)
    if end < size:
        return (
            end,
            f"the {size - end} bytes after the last record at byte offset {last_start} are not a record",
        )
    return None


def _drain(stream) -> int:
    """Read a record's remaining bytes; how many there were."""
    count = 0
    while chunk := stream.read(_SCAN_CHUNK):
        count += len(chunk)
    return count


def _iter_arc(stream: BinaryIO, wanted: Wanted, limit: int):
    iterator = WarcioArchiveIterator(stream, arc2warc=True)
    index, offset = 0, 0
    try:
        for record in iterator:
            http = None
            if record.http_headers is not None:
                http = HttpHead(record.http_headers.statusline or "", tuple(record.http_headers.headers))
            head = RecordHead(
                "response" if record.rec_type == "response" else record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.rec_headers.get_header("Content-Type"),
                None,
                http,
            )
            peek = record.raw_stream.read(min(PEEK_BYTES, limit + 1))
            payload = peek + record.raw_stream.read(limit + 1 - len(peek)) if wanted(head, peek) else None
            unread = _drain(record.raw_stream)
            offset = iterator.get_record_offset()
            clipped = payload is not None and (len(payload) > limit or unread > 0)
            yield ArchiveRecord(index, offset, head, payload and payload[:limit], False, clipped)
            index += 1
    except (OSError, ValueError, EOFError, RuntimeError, zlib.error, ArchiveLoadFailed) as error:
        message = " ".join(f"{error}".split())[:200]
        what = f"unreadable data after the record at byte offset {offset} ({type(error).__name__}: {message})"
        yield ArchiveDamage(index, offset, None, what)
