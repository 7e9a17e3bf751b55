"""Tar archives (WebDataset shards) read strictly, member by member, so damage is found and located.

Python's `tarfile` takes a damaged header or a cut-off archive for the end of the archive and stops without
a word, and in stream mode it never checks the gzip CRC, so a damaged shard yields its first samples (or
corrupted bytes) and nothing says what was lost. Here each header is still decoded by `tarfile`
(`TarInfo.frombuf`: checksum, ustar/GNU fields, base-256 sizes), but every way an archive can end is
checked: a zero block ends it; end of data, a short header, a bad checksum or a member cut short is damage
at a known offset. A gzip shard is first decompressed into a spool file (zlib checking each member's CRC
and length), so no member is trusted before its bytes are verified.
"""

from __future__ import annotations

import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

BLOCK = 512
ZERO_BLOCK = bytes(BLOCK)
GZIP_MAGIC = b"\x1f\x8b"
# GNU long names and PAX records are small; a bigger one is a damaged size field.
MAX_EXTENDED_HEADER = 1 << 20
# Decompressed shards spool to memory up to this size, then to a temporary file.
SPOOL_IN_MEMORY = 64 << 20
CHUNK = 1 << 20
# Compressed bytes fed to zlib at a time.
GZIP_PIECE = 64 << 10
# gzip wrapper (not raw deflate or zlib): zlib then checks each member's CRC-32 and size.
GZIP_WBITS = zlib.MAX_WBITS | 16
# A shard inflating past this is a bomb, not a WebDataset shard.
MAX_INFLATED = 64 << 30
EXTENDED_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, tarfile.XHDTYPE, tarfile.XGLTYPE)
FILE_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)


class ShardDamage(Exception):
    """The archive cannot be read past `offset` (bytes into the uncompressed tar)."""

    def __init__(self, reason: str, offset: int, message: str, member: str | None = None):
        super().__init__(f"{message} at byte {offset}")
        self.reason = reason  # "truncated_shard" or "corrupt_shard"
        self.offset = offset
        self.member = member  # the member being read, when its header was intact


@dataclass(frozen=True)
class GzipDamage:
    """What decompressing a gzip shard found; `trusted` is False when bytes already spooled may be wrong."""

    message: str
    trusted: bool


@dataclass(frozen=True)
class Member:
    name: str
    offset: int
    size: int
    # None when the member was not wanted or was over the size limit (then `too_large`).
    data: bytes | None
    too_large: bool = False


def _inflate(handle: BinaryIO, spool: BinaryIO) -> GzipDamage | None:
    """Decompress every gzip member of `handle` into `spool`, keeping all output before any damage.

    zlib's gzip mode checks each member's CRC-32 and length; a stream that ends before a member's end is
    truncated (what came before is exact), invalid data or a failed check is corruption (nothing is)."""
    inflater = zlib.decompressobj(GZIP_WBITS)
    written = 0
    while chunk := handle.read(GZIP_PIECE):
        while chunk:
            before = inflater.copy()
            try:
                out = inflater.decompress(chunk, CHUNK)
            except zlib.error as error:
                written += _salvage(before, chunk, spool)
                return GzipDamage(f"gzip data damaged ({error}) after {written} decompressed bytes", False)
            spool.write(out)
            written += len(out)
            if written > MAX_INFLATED:
                return GzipDamage(f"gzip stream inflates past {MAX_INFLATED} bytes", True)
            if inflater.eof:
                chunk = inflater.unused_data
                if chunk.strip(b"\0"):  # another member follows (zero padding after the last is common)
                    inflater = zlib.decompressobj(GZIP_WBITS)
                else:
                    chunk = b""
            else:
                chunk = inflater.unconsumed_tail
    if not inflater.eof:
        return GzipDamage(f"gzip stream ends early, after {written} decompressed bytes", True)
    return None


def _salvage(inflater, chunk: bytes, spool: BinaryIO) -> int:
    """Feed `chunk` a byte at a time up to the failing byte, so the output before it is spooled too (zlib
    drops a failing call's output) and the samples in it can be named in rejects."""
    written = 0
    for index in range(len(chunk)):
        try:
            out = inflater.decompress(chunk[index : index + 1])
        except zlib.error:
            break
        spool.write(out)
        written += len(out)
    return written


@contextmanager
def uncompressed(handle: BinaryIO) -> Iterator[tuple[BinaryIO, GzipDamage | None]]:
    """The tar bytes of a shard and the damage found decompressing it (None: intact or not compressed).

    Compression is recognised by its magic bytes, not the file name; a gzip shard is spooled whole before
    any member is read, so no byte reaches a reader before the CRC says it is right.
    """
    magic = handle.read(len(GZIP_MAGIC))
    handle.seek(0)
    if magic != GZIP_MAGIC:
        yield handle, None
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        damage = _inflate(handle, spool)
        spool.seek(0)
        yield spool, damage


def _read(stream: BinaryIO, size: int) -> bytes:
    parts, missing = [], size
    while missing:
        part = stream.read(min(missing, CHUNK))
        if not part:
            break
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _skip(stream: BinaryIO, size: int) -> int:
    """Read past `size` bytes without keeping them; returns how many there were."""
    skipped = 0
    while skipped < size:
        part = stream.read(min(size - skipped, CHUNK))
        if not part:
            break
        skipped += len(part)
    return skipped


def _pax_records(payload: bytes) -> dict[str, str]:
    """POSIX.1-2001 extended header records, `LENGTH KEYWORD=VALUE\\n` each; ValueError when malformed."""
    records, position = {}, 0
    while position < len(payload) and payload[position] != 0:
        space = payload.index(b" ", position)
        length = int(payload[position:space])
        record = payload[space + 1 : position + length]
        if length <= 0 or not record.endswith(b"\n") or b"=" not in record:
            raise ValueError(f"malformed record at {position}")
        keyword, _, value = record[:-1].partition(b"=")
        records[keyword.decode("utf-8", "surrogateescape")] = value.decode("utf-8", "surrogateescape")
        position += length
    return records


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def iter_members(stream: BinaryIO, wanted: Callable[[str], bool], max_bytes: int) -> Iterator[Member]:
    """Every regular file of the archive in order, with its bytes when `wanted(name)` and at most
    `max_bytes`. Raises ShardDamage where the archive stops being readable."""
    offset = 0
    name_override: str | None = None
    size_override: int | None = None
    while True:
        header = _read(stream, BLOCK)
        if not header:
            raise ShardDamage(
                "truncated_shard", offset, "the archive stops without its end-of-archive marker"
            )
        if len(header) < BLOCK:
            raise ShardDamage(
                "truncated_shard", offset, f"a member header is cut short ({len(header)} bytes)"
            )
        if header == ZERO_BLOCK:
            return
        try:
            info = tarfile.TarInfo.frombuf(header, "utf-8", "surrogateescape")
        except tarfile.HeaderError as error:
            raise ShardDamage("corrupt_shard", offset, f"damaged member header ({error})") from None
        size = size_override if size_override is not None else info.size
        data_start = offset + BLOCK
        if info.type in EXTENDED_TYPES:
            if size > MAX_EXTENDED_HEADER:
                raise ShardDamage("corrupt_shard", offset, f"an extended header claims {size} bytes")
            payload = _read(stream, _padded(size))
            if len(payload) < _padded(size):
                raise ShardDamage("truncated_shard", data_start, "an extended header is cut short")
            payload = payload[:size]
            if info.type == tarfile.GNUTYPE_LONGNAME:
                name_override = payload.rstrip(b"\0").decode("utf-8", "surrogateescape")
            elif info.type == tarfile.XHDTYPE:
                try:
                    records = _pax_records(payload)
                    name_override = records.get("path", name_override)
                    size_override = int(records["size"]) if "size" in records else size_override
                except ValueError as error:
                    raise ShardDamage("corrupt_shard", offset, f"damaged PAX header ({error})") from None
            offset = data_start + _padded(size)
            continue
        name = name_override or info.name
        name_override = size_override = None
        keep = info.type in FILE_TYPES and wanted(name)
        data = None
        if keep and size <= max_bytes:
            data = _read(stream, size)
            got = len(data) + (_skip(stream, _padded(size) - size) if len(data) == size else 0)
        else:
            got = _skip(stream, _padded(size))
        if got < _padded(size):
            shown = f"{got} of {size} bytes" if got < size else "its padding"
            message = f"member {name} is cut short ({shown})"
            raise ShardDamage("truncated_shard", data_start, message, member=name)
        if info.type in FILE_TYPES:
            yield Member(name, offset, size, data, too_large=keep and data is None)
        offset = data_start + _padded(size)
