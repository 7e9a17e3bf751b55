"""Reader for WebDataset tar shards (img2dataset's default output): KEY.jpg|png|... + KEY.txt + KEY.json.

WebDataset's conventions: a sample's key (`__key__`) is the member's full path up to the first dot of its
file name, the rest is the extension (`a/001.seg.png` -> key `a/001`, extension `seg.png`); the members of
a sample are consecutive; `.gz` members are gzip-compressed. Keys keep their folders, so `a/001.jpg` and
`b/001.jpg` are two samples. The tar is streamed (gs:// and s3:// shards are read without a local copy)
by `capfilt.readers.tar_stream`, which reports damage instead of taking it for the end of the shard.
"""

from __future__ import annotations

import gzip
import io
import json
import posixpath
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import fsspec

from capfilt.readers.fields import STAGE, typed_pair
from capfilt.readers.tar_stream import GzipDamage, ShardDamage, iter_members, uncompressed
from schemas import Reject

# The image formats WebDataset and img2dataset write, and what Pillow (with its AVIF/HEIF plugins) reads;
# in order of preference when a sample has several. Whether the bytes decode is the decode step's call.
IMAGE_EXTENSIONS = (
    "jpg", "jpeg", "jpe", "jfif", "png", "apng", "webp", "gif", "avif", "avifs", "heic", "heif", "jxl",
    "bmp", "dib", "tif", "tiff", "ppm", "pgm", "pbm", "pnm", "jp2", "j2k", "tga", "ico", "img", "image",
)  # fmt: skip
TEXT_EXTENSIONS = ("txt", "text", "caption")
META_EXTENSION = "json"
USED_EXTENSIONS = frozenset((*IMAGE_EXTENSIONS, *TEXT_EXTENSIONS, META_EXTENSION))
# A single image or caption above this is not a web image pair (and would be read into memory whole).
MAX_MEMBER_BYTES = 64 << 20
SOURCE = "webdataset"


def split_name(name: str) -> tuple[str, str] | None:
    """(key, extension) by WebDataset's rule; None for a name without an extension (not part of a sample)."""
    name = name.removeprefix("./")
    directory, base = posixpath.split(name)
    stem, dot, extension = base.partition(".")
    if not dot or not stem:
        return None
    return posixpath.join(directory, stem), extension.lower()


def _used(extension: str) -> bool:
    return extension.removesuffix(".gz") in USED_EXTENSIONS


def _wanted(name: str) -> bool:
    parts = split_name(name)
    return parts is not None and _used(parts[1])


@dataclass
class Sample:
    key: str
    offset: int
    files: dict[str, bytes | None]
    too_large: list[str]


@dataclass(frozen=True)
class Lost:
    """Where the shard became unreadable, and the sample that was being read then (None between samples)."""

    key: str | None
    damage: ShardDamage


def _samples(members) -> Iterator[Sample | Lost]:
    """Consecutive members with one key form a sample; a repeated extension starts the next one."""
    current: Sample | None = None
    try:
        for member in members:
            parts = split_name(member.name)
            if parts is None:
                continue
            key, extension = parts
            if current is not None and (key != current.key or extension in current.files):
                yield current
                current = None
            if current is None:
                current = Sample(key, member.offset, {}, [])
            current.files[extension] = member.data
            if member.too_large:
                current.too_large.append(f"{extension} ({member.size} bytes)")
    except ShardDamage as damage:
        damaged = split_name(damage.member) if damage.member else None
        if current is not None and damaged is not None and damaged[0] != current.key:
            yield current  # complete: the damage is in the next sample's member
            current = None
        yield Lost(current.key if current else (damaged[0] if damaged else None), damage)
        return
    if current is not None:
        yield current


def _member_files(files: dict[str, bytes | None]) -> dict[str, bytes | None]:
    """Members by plain extension, `.gz` ones decompressed (bounded); ValueError when one does not inflate."""
    plain = {}
    for extension, data in files.items():
        if extension.endswith(".gz") and data is not None:
            try:
                data = _gunzip(data)
            except (OSError, EOFError, zlib.error) as error:
                raise ValueError(f"{extension} member does not decompress ({error})") from None
        plain.setdefault(extension.removesuffix(".gz"), data)
    return plain


def _gunzip(data: bytes) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
        out = handle.read(MAX_MEMBER_BYTES + 1)
    if len(out) > MAX_MEMBER_BYTES:
        raise OSError(f"inflates to more than {MAX_MEMBER_BYTES} bytes")
    return out


def _caption(files: dict[str, bytes | None], meta: dict):
    """The caption member decoded as UTF-8 (a BOM dropped), else the .json's; ValueError if not UTF-8."""
    extension = next((e for e in TEXT_EXTENSIONS if files.get(e) is not None), None)
    if extension is None:
        return meta.get("caption", meta.get("text"))
    try:
        return files[extension].decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{extension} member is not UTF-8 ({error.reason} at byte {error.start})") from None


def sample_record(path: str, sample: Sample) -> dict | Reject:
    """The WebDataset reader's one row -> record function: a typed `pairs` record or a `read` Reject."""
    key, where = sample.key, f"{path} sample {sample.key}"
    if sample.too_large:
        detail = f"{where}: member over {MAX_MEMBER_BYTES} bytes: {', '.join(sample.too_large)}"
        return Reject(key, None, STAGE, "member_too_large", detail)
    try:
        files = _member_files(sample.files)
    except ValueError as error:
        return Reject(key, None, STAGE, "bad_member", f"{where}: {error}")
    meta = {}
    if files.get(META_EXTENSION) is not None:
        try:
            meta = json.loads(files[META_EXTENSION])
        except (ValueError, UnicodeDecodeError) as error:
            return Reject(key, None, STAGE, "bad_metadata", f"{where}: .json is not JSON ({error})")
        if not isinstance(meta, dict):
            return Reject(key, None, STAGE, "bad_metadata", f"{where}: .json is not an object")
    try:
        caption = _caption(files, meta)
    except ValueError as error:
        return Reject(key, None, STAGE, "bad_field", f"{where}: {error}")
    extension = next((e for e in IMAGE_EXTENSIONS if files.get(e)), None)
    raw = {
        # The sample's __key__: a `key` in the .json (img2dataset writes one) may repeat across folders.
        "key": key,
        "url": meta.get("url"),
        "caption": caption,
        "image": {
            "bytes": files.get(extension) if extension else None,
            "path": f"{posixpath.basename(key)}.{extension}" if extension else None,
        },
        **{name: meta.get(name) for name in ("width", "height", "original_width", "original_height")},
    }
    return typed_pair(raw, where, SOURCE)


def _distrusted(record: dict | Reject, path: str, damage: GzipDamage) -> Reject:
    key = record.key if isinstance(record, Reject) else record["key"]
    url = record.url if isinstance(record, Reject) else record["url"]
    return Reject(key, url, STAGE, "corrupt_shard", f"{path}: {damage.message}; sample {key} not trusted")


def read_webdataset_tar(path: str) -> Iterator[dict | Reject]:
    """Yield a `pairs` record or a Reject per sample; damage ends the shard with one Reject naming the file,
    the offset and the sample being read (every later sample of the shard is lost with it)."""
    with fsspec.open(path, "rb") as handle, uncompressed(handle) as (stream, gzip_damage):
        trusted = gzip_damage is None or gzip_damage.trusted
        for item in _samples(iter_members(stream, _wanted, MAX_MEMBER_BYTES)):
            if isinstance(item, Lost):
                yield _lost(path, item, gzip_damage)
                return
            record = sample_record(path, item)
            yield record if trusted else _distrusted(record, path, gzip_damage)


def _lost(path: str, lost: Lost, gzip_damage: GzipDamage | None) -> Reject:
    if gzip_damage is None:
        cause, reason = "", lost.damage.reason
    else:  # the tar ran out where the gzip stream did: the compression layer is the cause
        cause = f"{gzip_damage.message}; "
        reason = "truncated_shard" if gzip_damage.trusted else "corrupt_shard"
    sample = f"sample {lost.key} and every later sample lost" if lost.key else "every later sample lost"
    return Reject(lost.key, None, STAGE, reason, f"{path}: {cause}tar: {lost.damage}; {sample}")
