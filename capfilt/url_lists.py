"""URL lists, as img2dataset accepts them: Parquet, CSV, TSV, JSON lines or plain text, on any fsspec path.

Rows stream from the file (a list may hold millions of URLs). A row that cannot be read (bad JSON, no
URL) is reported, not dropped; a file that lacks the URL column is one clear error naming the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import fsspec
import pyarrow.parquet as pq

FORMATS = ("parquet", "csv", "tsv", "jsonl", "txt")
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")


@dataclass(frozen=True)
class UrlRow:
    position: int
    url: str | None
    caption: str | None


@dataclass(frozen=True)
class BadRow:
    position: int
    reason: str
    detail: str


def list_format(path: str) -> str:
    name = path.lower()
    for suffix in COMPRESSIONS:
        name = name.removesuffix(suffix)
    extension = name.rsplit(".", 1)[-1]
    aliases = {"json": "jsonl", "ndjson": "jsonl"}
    fmt = aliases.get(extension, extension)
    if fmt not in FORMATS:
        raise ValueError(f"{path}: not a URL list (expected one of .{', .'.join(FORMATS)}, optionally .gz)")
    return fmt


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _missing(path: str, url_col: str, found) -> ValueError:
    return ValueError(
        f"{path}: no URL column {url_col!r} (columns: {', '.join(map(str, found))}); see --url_col"
    )


def _parquet_rows(path: str, url_col: str, caption_col: str | None) -> Iterator[UrlRow]:
    with fsspec.open(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        names = parquet.schema_arrow.names
        if url_col not in names:
            raise _missing(path, url_col, names)
        columns = [url_col] + ([caption_col] if caption_col and caption_col in names else [])
        position = 0
        for batch in parquet.iter_batches(columns=columns, batch_size=4096):
            data = batch.to_pydict()
            captions = data.get(caption_col) or [None] * batch.num_rows
            for url, caption in zip(data[url_col], captions, strict=True):
                yield UrlRow(position, _text(url), _text(caption))
                position += 1


def _delimited_rows(handle, path: str, delimiter: str, url_col: str, caption_col: str | None):
    reader = csv.DictReader(handle, delimiter=delimiter)
    if reader.fieldnames is None or url_col not in reader.fieldnames:
        raise _missing(path, url_col, reader.fieldnames or [])
    for position, row in enumerate(reader):
        yield UrlRow(position, _text(row.get(url_col)), _text(row.get(caption_col)) if caption_col else None)


def _jsonl_rows(handle, path: str, url_col: str, caption_col: str | None):
    position = 0
    for line in handle:
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            yield BadRow(position, "bad_row", f"{path} line {position + 1}: {error}")
        else:
            url = row.get(url_col)
            yield UrlRow(position, _text(url), _text(row.get(caption_col)) if caption_col else None)
        position += 1


def read_url_list(
    path: str, url_col: str = "url", caption_col: str | None = "caption"
) -> Iterator[UrlRow | BadRow]:
    """Yield one UrlRow (or BadRow) per row of a URL list, in file order."""
    fmt = list_format(path)
    if fmt == "parquet":
        yield from _parquet_rows(path, url_col, caption_col)
        return
    with fsspec.open(path, "rb", compression="infer") as raw:
        handle = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        if fmt in ("csv", "tsv"):
            yield from _delimited_rows(handle, path, "," if fmt == "csv" else "\t", url_col, caption_col)
        elif fmt == "jsonl":
            yield from _jsonl_rows(handle, path, url_col, caption_col)
        else:
            lines = (line.strip() for line in handle)
            for position, line in enumerate(line for line in lines if line):
                yield UrlRow(position, line, None)
