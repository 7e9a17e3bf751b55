"""Readers that turn every supported input into `pairs` records (or `rejects` rows for bad records).

Supported per file, detected from the name and the Parquet columns:
- `pairs` Parquet (ingest output, the demo world),
- img2dataset Parquet output (`--output_format parquet`),
- WebDataset tar shards (img2dataset's default output, or any .jpg/.png/.webp + .txt + .json shards).
"""

from __future__ import annotations

from collections.abc import Iterator

from capfilt.readers.img2dataset_parquet import image_column, read_img2dataset_parquet
from capfilt.readers.pairs_parquet import read_pairs_parquet
from capfilt.readers.webdataset_tar import read_webdataset_tar
from schemas import Reject, SchemaError, expand, read_schema

FORMATS = ("auto", "pairs", "img2dataset", "webdataset")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


def detect_format(path: str) -> str:
    """Name the reader for one file, or raise SchemaError saying why none fits."""
    lowered = path.lower()
    if lowered.endswith(TAR_SUFFIXES):
        return "webdataset"
    if not lowered.endswith(".parquet"):
        raise SchemaError(f"{path}: unsupported input (expected .parquet or a WebDataset .tar shard)")
    schema = read_schema(path)
    if "image" in schema.names:
        return "pairs"
    if image_column(schema) is not None:
        return "img2dataset"
    raise SchemaError(
        f"{path}: neither a `pairs` file (no 'image' column) nor img2dataset output (no 'jpg', 'png' or "
        "'webp' column); for img2dataset's webdataset output pass the .tar shards"
    )


def read_pairs(path: str, input_format: str = "auto") -> Iterator[dict | Reject]:
    """Yield `pairs` records and Reject rows from one file."""
    if input_format not in FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}")
    fmt = detect_format(path) if input_format == "auto" else input_format
    if fmt == "pairs":
        return read_pairs_parquet(path)
    if fmt == "img2dataset":
        return read_img2dataset_parquet(path)
    return read_webdataset_tar(path)


def read_all(patterns: str, input_format: str = "auto") -> Iterator[dict | Reject]:
    """Yield from every file matching a glob or comma-separated globs (fsspec URLs allowed)."""
    for path in expand(patterns):
        yield from read_pairs(path, input_format)


__all__ = ["FORMATS", "detect_format", "read_all", "read_pairs"]
