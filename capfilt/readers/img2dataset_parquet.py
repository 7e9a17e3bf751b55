"""Reader for img2dataset's Parquet output (`--output_format parquet`): one row per input URL.

img2dataset writes the image bytes in a column named after `--encode_format` (jpg, png or webp), the caption
in `txt` (and `caption` when the input had one), a `status` per row and its own `key`. Rows it failed to
download or resize carry no image; they become `rejects` rows with img2dataset's error message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pyarrow as pa

from capfilt.readers.checks import STAGE, check_pair
from schemas import Reject, SchemaError, read_schema
from schemas.io import open_parquet

IMAGE_COLUMNS = ("jpg", "png", "webp")
SOURCE = "img2dataset"


def image_column(schema: pa.Schema) -> str | None:
    return next((name for name in IMAGE_COLUMNS if name in schema.names), None)


def _text_column(schema: pa.Schema) -> str | None:
    return next((name for name in ("caption", "txt") if name in schema.names), None)


def _int(value) -> int | None:
    return int(value) if value is not None else None


def read_img2dataset_parquet(path: str, batch_size: int = 256) -> Iterator[dict | Reject]:
    schema = read_schema(path)
    image_name = image_column(schema)
    if image_name is None:
        raise SchemaError(
            f"{path}: missing image column (one of {', '.join(IMAGE_COLUMNS)}); "
            "img2dataset writes images into Parquet only with --output_format parquet"
        )
    text_name = _text_column(schema)
    if text_name is None:
        raise SchemaError(f"{path}: missing caption column ('caption' or 'txt')")
    if "key" not in schema.names:
        raise SchemaError(f"{path}: missing column 'key'")
    with open_parquet(path) as parquet:
        for batch in parquet.iter_batches(batch_size=batch_size):
            yield from _records(batch.to_pylist(), path, image_name, text_name)


def _records(rows: list[dict], path: str, image_name: str, text_name: str) -> Iterator[dict | Reject]:
    extension = image_name
    for row in rows:
        key, url = row.get("key"), row.get("url")
        status = row.get("status")
        if status is not None and status != "success":
            detail = f"{path}: {row.get('error_message') or status}"
            yield Reject(key, url, STAGE, f"img2dataset_{status}", detail)
            continue
        data = row.get(image_name)
        record = {
            "key": key,
            "url": url,
            "page_url": None,
            "caption": row.get(text_name),
            "references": None,
            "image": {"bytes": data, "path": f"{key}.{extension}"},
            "width": _int(row.get("width")),
            "height": _int(row.get("height")),
            "original_width": _int(row.get("original_width")),
            "original_height": _int(row.get("original_height")),
            "sha256": row.get("sha256") or (hashlib.sha256(data).hexdigest() if data else None),
            "phash": None,
            "source": SOURCE,
        }
        yield check_pair(record, path) or record
