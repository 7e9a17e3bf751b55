"""Pieces shared by every table: the image column type and the schema version stamp."""

from __future__ import annotations

import json

import pyarrow as pa

# Columns several of our tables share (pairs, candidates, curated, rejects); each table has its own beside it.
KEY = "key"  # the record's run-wide unique id; seeds and de-duplication derive from it
URL = "url"
PAGE_URL = "page_url"
IMAGE = "image"
WIDTH = "width"
HEIGHT = "height"
SHA256 = "sha256"
SOURCE = "source"

# Hugging Face `datasets` reads a struct<bytes, path> column as an `Image` feature unchanged.
IMAGE_TYPE = pa.struct([pa.field("bytes", pa.binary()), pa.field("path", pa.string())])

NAME_KEY = b"capfilt.schema"
VERSION_KEY = b"capfilt.schema_version"
# Hugging Face `datasets` decodes a column as an Image only when its features say so in this metadata key.
HF_FEATURES_KEY = b"huggingface"
# On a field: the schema version that added it. Files of an older version are read with it as nulls.
SINCE_KEY = b"capfilt.since"


def added_in(version: int, field: pa.Field) -> pa.Field:
    """Mark a nullable column as added in `version`, so files written before it still read."""
    if not field.nullable:
        raise ValueError(f"column {field.name!r} added in version {version} must be nullable")
    return field.with_metadata({SINCE_KEY: str(version).encode()})


def added_version(field: pa.Field) -> int:
    return int((field.metadata or {}).get(SINCE_KEY, b"1"))


def stamped(name: str, version: int, fields: list[pa.Field]) -> pa.Schema:
    """A schema carrying its table name and version (and image columns for `datasets`) in its metadata."""
    metadata = {NAME_KEY: name.encode(), VERSION_KEY: str(version).encode()}
    images = {field.name: {"_type": "Image"} for field in fields if field.type == IMAGE_TYPE}
    if images:
        metadata[HF_FEATURES_KEY] = json.dumps({"info": {"features": images}}).encode()
    return pa.schema(fields, metadata=metadata)


def schema_name(schema: pa.Schema) -> str | None:
    meta = schema.metadata or {}
    value = meta.get(NAME_KEY)
    return value.decode() if value else None


def schema_version(schema: pa.Schema) -> int | None:
    meta = schema.metadata or {}
    value = meta.get(VERSION_KEY)
    return int(value) if value else None
