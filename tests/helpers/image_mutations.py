"""Seeded mutations of image files for the decode fuzz test: truncation, bit flips, header and chunk-length
edits that know where each format keeps its width, height and lengths."""

from __future__ import annotations

import random
import struct
import zlib


def _jpeg_segments(data: bytes):
    """(offset, marker) of every marker segment before the first scan."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        yield position, marker
        if marker == 0xDA:
            return
        position += 2 + struct.unpack(">H", data[position + 2 : position + 4])[0]


def _png_chunks(data: bytes):
    """(offset, type) of every chunk."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        yield position, kind
        position += 12 + length


def _put(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    size = struct.calcsize(fmt)
    if offset < 0 or offset + size > len(data):
        return data
    value &= (1 << (8 * size)) - 1
    return data[:offset] + struct.pack(fmt, value) + data[offset + size :]


def _interesting(rng: random.Random, bits: int) -> int:
    return rng.choice([0, 1, 2, 7, 255, 256, 4097, (1 << bits) - 1, 1 << (bits - 1), rng.getrandbits(bits)])


def edit_dimensions(data: bytes, rng: random.Random) -> bytes:
    """Give the header another width or height (the data stays as it is)."""
    if data.startswith(b"\xff\xd8"):
        sofs = [o for o, m in _jpeg_segments(data) if m in (0xC0, 0xC1, 0xC2)]
        if sofs:
            return _put(data, sofs[0] + rng.choice((5, 7)), ">H", _interesting(rng, 16))
    if data.startswith(b"\x89PNG"):
        edited = _put(data, 16 + rng.choice((0, 4)), ">I", _interesting(rng, 16))
        if rng.random() < 0.7:  # a consistent CRC, so only the data disagrees with the header
            edited = _put(edited, 29, ">I", zlib.crc32(edited[12:29]))
        return edited
    if data.startswith(b"GIF"):
        return _put(data, rng.choice((6, 8)), "<H", _interesting(rng, 16))
    if data.startswith(b"BM"):  # a negative height means top-down rows
        return _put(data, rng.choice((18, 22)), "<I", _interesting(rng, 31) * rng.choice((1, -1)))
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = data[12:16]
        if kind == b"VP8X":
            return _put(data, rng.choice((24, 27)), "<I", _interesting(rng, 24))[: len(data)]
        if kind == b"VP8 ":
            return _put(data, rng.choice((26, 28)), "<H", _interesting(rng, 14))
        if kind == b"VP8L":
            return _put(data, 21, "<I", rng.getrandbits(32))
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        order = "<" if data[:2] == b"II" else ">"
        ifd = struct.unpack(order + "I", data[4:8])[0]
        if ifd + 2 <= len(data):
            for entry in range(struct.unpack(order + "H", data[ifd : ifd + 2])[0]):
                place = ifd + 2 + 12 * entry
                tag = struct.unpack(order + "H", data[place : place + 2])[0] if place + 12 <= len(data) else 0
                if tag in (256, 257) and rng.random() < 0.5:
                    return _put(data, place + 8, order + "H", _interesting(rng, 16))
    return flip_bits(data, rng, limit=64)


def edit_lengths(data: bytes, rng: random.Random) -> bytes:
    """Make one length field (PNG chunk, JPEG segment, RIFF or GIF sub-block) say something else."""
    if data.startswith(b"\xff\xd8"):
        segments = list(_jpeg_segments(data))
        if segments:
            offset, _ = rng.choice(segments)
            return _put(data, offset + 2, ">H", _interesting(rng, 16))
    if data.startswith(b"\x89PNG"):
        chunks = list(_png_chunks(data))
        if chunks:
            offset, _ = rng.choice(chunks)
            return _put(data, offset, ">I", _interesting(rng, 31))
    if data[:4] == b"RIFF":
        return _put(data, rng.choice((4, 16)), "<I", _interesting(rng, 32))
    return overwrite(data, rng)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data))]


def flip_bits(data: bytes, rng: random.Random, limit: int | None = None) -> bytes:
    out = bytearray(data)
    span = min(len(out), limit) if limit else len(out)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(span)] ^= 1 << rng.randrange(8)
    return bytes(out)


def overwrite(data: bytes, rng: random.Random) -> bytes:
    """A few bytes of the header region set to an extreme value."""
    offset = rng.randrange(min(len(data), 512))
    return _put(data, offset, rng.choice((">H", "<H", ">I", "<I", "B")), _interesting(rng, 16))


def splice(data: bytes, rng: random.Random) -> bytes:
    """Bytes deleted or repeated in the middle (a broken transfer)."""
    start = rng.randrange(len(data))
    end = min(len(data), start + rng.randint(1, 256))
    return data[:start] + data[end:] if rng.random() < 0.5 else data[:end] + data[start:end] + data[end:]


MUTATIONS = (truncate, flip_bits, edit_dimensions, edit_lengths, overwrite, splice)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three mutations in a row."""
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if data:
            data = rng.choice(MUTATIONS)(data, rng)
    return data
