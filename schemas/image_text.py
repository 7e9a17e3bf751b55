"""Other people's image-text tables (Hugging Face `datasets` exports, LAION/DataComp metadata): which of
their columns hold the image, the text, the key, the URL and the size.

Columns are chosen by name *and* Arrow type, so every value read from them already has the right Python
type (a text column only ever yields str or None). Rows come out under `pairs` names; what is missing or
empty is for the readers (`capfilt.readers`) and the training loader to decide.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, fields

import pyarrow as pa

from schemas.common import HEIGHT, IMAGE, KEY, URL, WIDTH
from schemas.pairs import CAPTION, REFERENCES
from schemas.validate import SchemaError

# Tried in this order when no text column is named: BLIP/CC3M, DataComp/HF, our crawls, LAION, img2dataset,
# then COCO-style lists of captions (the first is the caption, all are references).
TEXT_COLUMNS = ("caption", "text", "alt", "TEXT", "txt", "alt_text", "captions", "sentences")
# Preferred names among the columns typed as images; any other image-typed column comes after them.
IMAGE_COLUMNS = ("image", "img", "jpg", "jpeg", "png", "webp")
# `__key__` is what Hugging Face's WebDataset loader calls a sample's key.
KEY_COLUMNS = ("key", "__key__")
URL_COLUMNS = ("url", "URL", "image_url", "img_url")
WIDTH_COLUMNS = ("width", "WIDTH")
HEIGHT_COLUMNS = ("height", "HEIGHT")


def is_binary_type(t: pa.DataType) -> bool:
    return pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t)


def is_image_type(t: pa.DataType) -> bool:
    """Hugging Face's Image feature (`struct<bytes: binary, path: string>`) or plain binary bytes."""
    if pa.types.is_struct(t):
        index = t.get_field_index("bytes")
        return index >= 0 and is_binary_type(t.field(index).type)
    return is_binary_type(t)


def is_string_type(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def is_text_type(t: pa.DataType) -> bool:
    """A string, or a list of strings (several captions of one image)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return is_string_type(t.value_type)
    return is_string_type(t)


def _is_number(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t)


def _is_key_type(t: pa.DataType) -> bool:
    return is_string_type(t) or pa.types.is_integer(t)


@dataclass(frozen=True)
class ImageTextColumns:
    """The columns of one foreign table that feed a `pairs` record; `image` is None for a URL list."""

    image: str | None
    text: str | None
    key: str | None = None
    url: str | None = None
    width: str | None = None
    height: str | None = None

    def columns(self) -> list[str]:
        return list(dict.fromkeys(v for f in fields(self) if (v := getattr(self, f.name)) is not None))


def _first(schema: pa.Schema, names: tuple[str, ...], accepts) -> str | None:
    return next((n for n in names if n in schema.names and accepts(schema.field(n).type)), None)


def image_column(schema: pa.Schema) -> str | None:
    preferred = _first(schema, IMAGE_COLUMNS, is_image_type)
    return preferred or next((f.name for f in schema if is_image_type(f.type)), None)


def text_column(schema: pa.Schema, named: str | None = None, source: str = "table") -> str | None:
    """The text column: `named` (an error naming the file when absent or not text), else the first of
    TEXT_COLUMNS the table has as text, else None."""
    if named:
        if named not in schema.names:
            raise SchemaError(f"{source}: no text column {named!r} (columns: {', '.join(schema.names)})")
        if not is_text_type(schema.field(named).type):
            raise SchemaError(f"{source}: column {named!r} is {schema.field(named).type}, not text")
        return named
    return _first(schema, TEXT_COLUMNS, is_text_type)


def image_text_columns(
    schema: pa.Schema, named_text: str | None = None, source: str = "table"
) -> ImageTextColumns:
    return ImageTextColumns(
        image=image_column(schema),
        text=text_column(schema, named_text, source),
        key=_first(schema, KEY_COLUMNS, _is_key_type),
        url=_first(schema, URL_COLUMNS, is_string_type),
        width=_first(schema, WIDTH_COLUMNS, _is_number),
        height=_first(schema, HEIGHT_COLUMNS, _is_number),
    )


def _image(value) -> dict | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return {"bytes": value.get("bytes"), "path": value.get("path")}
    return {"bytes": value, "path": None}


def shape_row(row: dict, columns: ImageTextColumns) -> dict:
    """One raw row under `pairs` names: `caption` is the text (the first non-empty one of a list, the whole
    list then being `references`), `image` a {bytes, path} dict, `key` a str when the table has one."""
    text = row.get(columns.text) if columns.text else None
    references = None
    if isinstance(text, list):
        references = [t for t in text if t is not None]
        text = next((t for t in references if t.strip()), None)
    key = row.get(columns.key) if columns.key else None
    return {
        KEY: str(key) if key is not None else None,
        URL: row.get(columns.url) if columns.url else None,
        CAPTION: text,
        REFERENCES: references,
        IMAGE: _image(row.get(columns.image)) if columns.image else None,
        WIDTH: row.get(columns.width) if columns.width else None,
        HEIGHT: row.get(columns.height) if columns.height else None,
    }


def derived_key(path: str, position: int) -> str:
    """The key of a row that has none: the file's name (without its type suffix) and the row's position.
    Only the name, not the folder, so the same data gives the same keys (and captions) on any machine."""
    name = posixpath.basename(path.rstrip("/"))
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem}-{position:09d}"


def iter_image_text_rows(table_file, columns: ImageTextColumns, batch_size: int = 256) -> Iterator[dict]:
    """Shaped rows of an open table file (`schemas.io.open_table`), in file order."""
    for batch in table_file.iter_batches(batch_size=batch_size, columns=columns.columns()):
        for row in batch.to_pylist():
            yield shape_row(row, columns)
