"""Readers that turn every supported input into typed `pairs` records (or `rejects` rows for bad records).

Supported per file, detected from the name and the table's schema:
- `pairs` Parquet (ingest output, the demo world) and `curated` Parquet (CapFilt output),
- img2dataset Parquet output (`--output_format parquet`),
- any image-text table, Parquet or Arrow IPC (Hugging Face `datasets` exports, COCO/LAION subsets),
- WebDataset tar shards (img2dataset's default output, or any image + .txt/.json shards).

Every reader validates each row once, into a typed record or a `read` Reject (`capfilt.readers.fields`);
`read_file` also turns a file that cannot be read into one Reject naming it, so nothing raises mid-job.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from capfilt.readers.curated_parquet import read_curated_parquet
from capfilt.readers.failures import UnsupportedFile, guarded
from capfilt.readers.image_text import columns_of, read_image_text
from capfilt.readers.img2dataset_parquet import is_img2dataset, read_img2dataset_parquet
from capfilt.readers.pairs_parquet import read_pairs_parquet
from capfilt.readers.webdataset_tar import read_webdataset_tar
from schemas import CURATED, PAIRS, Reject, SchemaError, check_schema, expand, read_schema, schema_name
from schemas.arrow_files import SUFFIXES as ARROW_SUFFIXES

FORMATS = ("auto", "pairs", "curated", "img2dataset", "image_text", "webdataset")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")
TABLE_SUFFIXES = (".parquet", *ARROW_SUFFIXES)
# What counts as data in a plain folder given as input.
SUFFIXES = (*TABLE_SUFFIXES, *TAR_SUFFIXES)


def _fits(schema: pa.Schema, expected: pa.Schema) -> bool:
    try:
        check_schema(schema, expected, "")
    except SchemaError:
        return False
    return True


def table_format(schema: pa.Schema) -> str | None:
    """The reader for a table with this schema: our stamp first, then the layouts, else None."""
    name = schema_name(schema)
    if name in ("pairs", "curated"):
        return name
    if name is not None:  # rejects, labels, documents, clips: our tables, but not image-text pairs
        return None
    if _fits(schema, PAIRS):
        return "pairs"
    if _fits(schema, CURATED):
        return "curated"
    if is_img2dataset(schema):
        return "img2dataset"
    try:
        columns_of("", schema, None)
    except UnsupportedFile:
        return None
    return "image_text"


def detect_format(path: str) -> str:
    """Name the reader for one file, or raise UnsupportedFile (a SchemaError) saying why none fits."""
    lowered = path.lower()
    if lowered.endswith(TAR_SUFFIXES):
        return "webdataset"
    if not lowered.endswith(TABLE_SUFFIXES):
        raise UnsupportedFile(
            f"{path}: unsupported input (expected {', '.join(TABLE_SUFFIXES)} or a WebDataset "
            f"{', '.join(TAR_SUFFIXES)} shard)"
        )
    schema = read_schema(path)
    fmt = table_format(schema)
    if fmt is None:
        stamp = schema_name(schema)
        what = (
            f"a `{stamp}` table"
            if stamp
            else f"no image and text columns (columns: {', '.join(schema.names)})"
        )
        raise UnsupportedFile(
            f"{path}: not image-text pairs: {what}; readable are `pairs`, `curated`, img2dataset output "
            "and tables with an image column (bytes or {bytes, path}) and a text column (--text_column)"
        )
    return fmt


def check_name(path: str) -> None:
    """Refuse, before any I/O, a file no reader takes by its name (a launch-time check)."""
    if not path.lower().endswith(SUFFIXES):
        raise UnsupportedFile(f"{path}: unsupported input (expected {', '.join(SUFFIXES)})")


def read_pairs(
    path: str, input_format: str = "auto", text_column: str | None = None
) -> Iterator[dict | Reject]:
    """Yield `pairs` records and Reject rows from one file; raises on a file that cannot be read."""
    if input_format not in FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}")
    fmt = detect_format(path) if input_format == "auto" else input_format
    if fmt == "pairs":
        return read_pairs_parquet(path)
    if fmt == "curated":
        return read_curated_parquet(path)
    if fmt == "img2dataset":
        return read_img2dataset_parquet(path)
    if fmt == "image_text":
        return read_image_text(path, text_column)
    return read_webdataset_tar(path)


def read_file(
    path: str, input_format: str = "auto", text_column: str | None = None
) -> Iterator[dict | Reject]:
    """Like read_pairs, but never raises: a file that cannot be read (or stops being readable) ends in one
    `read` Reject naming it (`unsupported_file` or `unreadable_file`) after whatever it yielded."""
    return guarded(path, lambda: read_pairs(path, input_format, text_column))


def read_all(
    patterns: str, input_format: str = "auto", text_column: str | None = None
) -> Iterator[dict | Reject]:
    """Yield from every file matching globs or folders (comma-separated, fsspec URLs allowed)."""
    for path in expand(patterns, SUFFIXES):
        yield from read_file(path, input_format, text_column)


__all__ = [
    "FORMATS",
    "SUFFIXES",
    "check_name",
    "detect_format",
    "read_all",
    "read_file",
    "read_pairs",
    "table_format",
]
