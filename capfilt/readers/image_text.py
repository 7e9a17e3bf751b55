"""Reader for any image-text table: what Hugging Face `datasets` writes (`to_parquet`, `push_to_hub`
shards, `save_to_disk` Arrow files), COCO or LAION subsets, or any Parquet with an image and a text column.

The image is HF's `{bytes, path}` struct or plain binary; the text column is the one named
(`--text_column`), else the first of `schemas.image_text.TEXT_COLUMNS` (a list of captions gives the first
as caption and all as references); key, URL and sizes are optional, a missing key is derived from the file
name and the row's position.
"""

from __future__ import annotations

from collections.abc import Iterator

from capfilt.keys import derived_key
from capfilt.readers.failures import UnsupportedFile
from capfilt.readers.fields import typed_pair
from schemas import Reject
from schemas.image_text import ImageTextColumns, image_text_columns, iter_image_text_rows
from schemas.io import open_table

SOURCE = "image_text"


def columns_of(path: str, schema, text_column: str | None) -> ImageTextColumns:
    """The image and text columns of a table, or UnsupportedFile saying which is missing."""
    columns = image_text_columns(schema, text_column, path)
    missing = [what for what, name in (("image", columns.image), ("text", columns.text)) if name is None]
    if missing:
        raise UnsupportedFile(
            f"{path}: no {' and no '.join(missing)} column (columns: {', '.join(schema.names)}); an image "
            "column holds bytes or {bytes, path}; name the text column with --text_column"
        )
    return columns


def read_image_text(
    path: str, text_column: str | None = None, batch_size: int = 256
) -> Iterator[dict | Reject]:
    with open_table(path) as table:
        columns = columns_of(path, table.schema_arrow, text_column)
        for position, row in enumerate(iter_image_text_rows(table, columns, batch_size)):
            row["key"] = row["key"] or derived_key(path, position)
            yield typed_pair(row, f"{path} row {position}", SOURCE)
