"""Reader for img2dataset's Parquet output (`--output_format parquet`): one row per input URL.

img2dataset writes the image bytes in a column named after `--encode_format` (jpg, png or webp), the caption
in `txt` (and `caption` when the input had one), a `status` per row and its own `key`. Rows it failed to
download or resize carry no image; they become `rejects` rows with img2dataset's error message.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from capfilt.keys import derived_key
from capfilt.readers.failures import UnsupportedFile
from capfilt.readers.fields import STAGE, typed_pair
from schemas import Reject
from schemas.image_text import is_binary_type, is_string_type
from schemas.io import open_table

IMAGE_COLUMNS = ("jpg", "png", "webp")
TEXT_COLUMNS = ("caption", "txt")
SIZES = ("width", "height", "original_width", "original_height")
SOURCE = "img2dataset"


def image_column(schema: pa.Schema) -> str | None:
    return next(
        (n for n in IMAGE_COLUMNS if n in schema.names and is_binary_type(schema.field(n).type)), None
    )


def is_img2dataset(schema: pa.Schema) -> bool:
    """img2dataset's layout: an image column named after the encode format and a per-row `status`."""
    return image_column(schema) is not None and "status" in schema.names


def _text_column(schema: pa.Schema) -> str | None:
    return next((n for n in TEXT_COLUMNS if n in schema.names and is_string_type(schema.field(n).type)), None)


def read_img2dataset_parquet(path: str, batch_size: int = 256) -> Iterator[dict | Reject]:
    with open_table(path) as table:
        schema = table.schema_arrow
        image_name, text_name = image_column(schema), _text_column(schema)
        if image_name is None or text_name is None:
            raise UnsupportedFile(
                f"{path}: img2dataset output needs an image column ({', '.join(IMAGE_COLUMNS)}) and a "
                f"caption column ({' or '.join(TEXT_COLUMNS)}); columns: {', '.join(schema.names)}"
            )
        wanted = [n for n in ("key", "url", "status", "error_message", *SIZES) if n in schema.names]
        position = 0
        for batch in table.iter_batches(batch_size=batch_size, columns=[image_name, text_name, *wanted]):
            for row in batch.to_pylist():
                yield record(row, path, position, image_name, text_name)
                position += 1


def record(row: dict, path: str, position: int, image_name: str, text_name: str) -> dict | Reject:
    """The img2dataset reader's one row -> record function."""
    key = row.get("key")
    key = str(key) if key not in (None, "") else derived_key(path, position)
    where = f"{path} row {position}"
    status = row.get("status")
    if status is not None and status != "success":
        url, message = row.get("url"), row.get("error_message")
        return Reject(key, url, STAGE, f"img2dataset_{status}", f"{where}: {message or status}")
    raw = {
        "key": key,
        "url": row.get("url"),
        "caption": row.get(text_name),
        "image": {"bytes": row.get(image_name), "path": f"{key}.{image_name}"},
        **{name: row.get(name) for name in SIZES},
    }
    return typed_pair(raw, where, SOURCE)
