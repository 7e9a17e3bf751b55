"""Reader for WebDataset tar shards (img2dataset's default output): KEY.jpg|png|webp + KEY.txt + KEY.json.

Files of one sample sit next to each other in the tar and share everything before the first dot of the
file name, which is WebDataset's convention. The tar is streamed, never extracted, so gs:// and s3:// shards
are read without a local copy.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import tarfile
from collections.abc import Iterator

import fsspec

from capfilt.readers.checks import STAGE, check_pair
from schemas import Reject

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "webp")
SOURCE = "webdataset"


def _split_name(name: str) -> tuple[str, str]:
    directory, base = posixpath.split(name)
    stem, _, extension = base.partition(".")
    return posixpath.join(directory, stem), extension.lower()


def _samples(stream: tarfile.TarFile) -> Iterator[tuple[str, dict[str, bytes]]]:
    """Group consecutive tar members by sample key."""
    current_key, files = None, {}
    for member in stream:
        if not member.isfile():
            continue
        key, extension = _split_name(member.name)
        if key != current_key and files:
            yield current_key, files
            files = {}
        current_key = key
        handle = stream.extractfile(member)
        files[extension] = handle.read() if handle else b""
    if files:
        yield current_key, files


def _record(path: str, sample_key: str, files: dict[str, bytes]) -> dict | Reject:
    name = posixpath.basename(sample_key)
    meta = {}
    if "json" in files:
        try:
            meta = json.loads(files["json"])
        except ValueError as error:
            return Reject(name, None, STAGE, "bad_metadata", f"{path}: {sample_key}.json: {error}")
        if not isinstance(meta, dict):
            return Reject(name, None, STAGE, "bad_metadata", f"{path}: {sample_key}.json is not an object")
    extension = next((ext for ext in IMAGE_EXTENSIONS if ext in files), None)
    data = files.get(extension) if extension else None
    caption = files["txt"].decode("utf-8", errors="replace") if "txt" in files else meta.get("caption")
    key = str(meta.get("key") or name)
    record = {
        "key": key,
        "url": meta.get("url"),
        "page_url": None,
        "caption": caption,
        "references": None,
        "image": {
            "bytes": data,
            "path": f"{name}.{extension}" if extension else None,
        },
        "width": meta.get("width"),
        "height": meta.get("height"),
        "original_width": meta.get("original_width"),
        "original_height": meta.get("original_height"),
        "sha256": meta.get("sha256") or (hashlib.sha256(data).hexdigest() if data else None),
        "phash": None,
        "source": SOURCE,
    }
    return check_pair(record, path) or record


def read_webdataset_tar(path: str) -> Iterator[dict | Reject]:
    """Yield a `pairs` record or a Reject per sample; a damaged shard ends in one Reject naming it."""
    with fsspec.open(path, "rb") as handle:
        try:
            with tarfile.open(fileobj=handle, mode="r|*") as stream:
                for sample_key, files in _samples(stream):
                    yield _record(path, sample_key, files)
        except (tarfile.TarError, EOFError, OSError) as error:
            # Samples before the damage were already yielded; the rest of the shard cannot be read.
            yield Reject(None, None, STAGE, "corrupt_shard", f"{path}: {error}")
