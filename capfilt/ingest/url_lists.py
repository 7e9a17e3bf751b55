"""URL lists, as img2dataset accepts them: Parquet, CSV, TSV, JSON lines or plain text, on any fsspec path.

LAION/DataComp metadata Parquet (`URL`/`url` + `TEXT`/`text`, no images) is a URL list too. Without
`--url_col`/`--text_column`, the columns are found by name (`schemas.image_text.URL_COLUMNS` and
`TEXT_COLUMNS`, in order). Rows stream from the file (a list may hold millions of URLs). Each row becomes a
typed UrlRow (url and caption are str or None) or a BadRow saying what is wrong with it; a file without a
URL column is an UnsupportedFile error naming the file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import fsspec
import pyarrow.parquet as pq

from capfilt.readers.failures import UnsupportedFile
from capfilt.readers.fields import FieldError, as_text
from schemas.image_text import TEXT_COLUMNS, URL_COLUMNS, is_string_type, is_text_type

FORMATS = ("parquet", "csv", "tsv", "jsonl", "txt")
COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")
# The csv module refuses fields over 128 KiB by default and the limit is process-wide; every reader here
# wants the same larger one, so setting it (never lowering it) is safe from any thread. A longer field is
# one bad row.
FIELD_LIMIT = 16 << 20
# A Parquet list's column naming each image's page (`schemas.CANDIDATES`, what --no_download writes).
PAGE_COLUMN = "page_url"
csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))


@dataclass(frozen=True)
class UrlRow:
    position: int
    url: str | None
    caption: str | None
    # The page the image was found on, when the list has it (ingest's --no_download candidates do).
    page_url: str | None = None


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
        raise UnsupportedFile(
            f"{path}: not a URL list (expected one of .{', .'.join(FORMATS)}, optionally .gz)"
        )
    return fmt


def _text(value) -> str | None:
    text = value.strip() if value is not None else None
    return text or None


def _choose(
    path: str, names: list[str], named: str | None, candidates: tuple[str, ...], what: str, flag: str
):
    """The named column (an error naming the file when absent), else the first candidate present."""
    if named:
        if named not in names:
            raise UnsupportedFile(
                f"{path}: no {what} column {named!r} (columns: {', '.join(names)}); see {flag}"
            )
        return named
    return next((name for name in candidates if name in names), None)


def _url_column(path: str, names: list[str], url_col: str | None) -> str:
    chosen = _choose(path, names, url_col, URL_COLUMNS, "URL", "--url_col")
    if chosen is None:
        raise UnsupportedFile(
            f"{path}: no URL column (looked for {', '.join(URL_COLUMNS)}; columns: {', '.join(names)}); "
            "see --url_col"
        )
    return chosen


def _parquet_rows(path: str, url_col: str | None, text_col: str | None) -> Iterator[UrlRow]:
    with fsspec.open(path, "rb") as handle:
        parquet = pq.ParquetFile(handle)
        schema = parquet.schema_arrow
        url_name = _url_column(path, schema.names, url_col)
        if not is_string_type(schema.field(url_name).type):
            raise UnsupportedFile(
                f"{path}: URL column {url_name!r} is {schema.field(url_name).type}, not text"
            )
        text_names = [n for n in schema.names if is_text_type(schema.field(n).type)]
        text_name = _choose(path, schema.names, text_col, TEXT_COLUMNS, "text", "--text_column")
        if text_name is not None and text_name not in text_names:
            raise UnsupportedFile(
                f"{path}: text column {text_name!r} is {schema.field(text_name).type}, not text"
            )
        page_name = PAGE_COLUMN if PAGE_COLUMN in text_names and text_name != PAGE_COLUMN else None
        columns = [url_name] + ([text_name] if text_name else []) + ([page_name] if page_name else [])
        position = 0
        for batch in parquet.iter_batches(columns=columns, batch_size=4096):
            data = batch.to_pydict()
            captions = data.get(text_name) or [None] * batch.num_rows
            pages = data.get(page_name) or [None] * batch.num_rows
            for url, caption, page in zip(data[url_name], captions, pages, strict=True):
                if isinstance(caption, list):  # several captions: the first non-empty one
                    caption = next((c for c in caption if c and c.strip()), None)
                yield UrlRow(position, _text(url), _text(caption), _text(page))
                position += 1


def _undecodable(row: dict) -> str | None:
    """The first column whose bytes were not UTF-8 (decoded with surrogateescape to find it per row)."""
    for name, value in row.items():
        if isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value):
            return str(name)
    return None


def _delimited_rows(handle, path: str, delimiter: str, url_col: str | None, text_col: str | None):
    reader = csv.DictReader(handle, delimiter=delimiter)
    names = list(reader.fieldnames or [])
    url_name = _url_column(path, names, url_col)
    text_name = _choose(path, names, text_col, TEXT_COLUMNS, "text", "--text_column")
    position = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield BadRow(position, "bad_row", f"{path} row {position} (line {reader.line_num}): {error}")
        else:
            bad = _undecodable(row)
            if bad is not None:
                yield BadRow(position, "bad_row", f"{path} row {position}: column {bad!r} is not UTF-8")
            else:
                caption = row.get(text_name) if text_name else None
                yield UrlRow(position, _text(row.get(url_name)), _text(caption))
        position += 1


def _json_row(
    row: dict, position: int, path: str, url_col: str | None, text_col: str | None
) -> UrlRow | BadRow:
    url_name = url_col or next((n for n in URL_COLUMNS if n in row), None)
    text_name = text_col or next((n for n in TEXT_COLUMNS if n in row), None)
    try:
        url = as_text(row.get(url_name), url_name or "url")
        caption = as_text(row.get(text_name), text_name) if text_name else None
    except FieldError as error:
        return BadRow(position, "bad_field", f"{path} row {position}: {error}")
    return UrlRow(position, _text(url), _text(caption))


def _jsonl_rows(handle, path: str, url_col: str | None, text_col: str | None):
    position = 0
    for line in handle:
        if not line.strip():
            continue
        if _undecodable({"line": line}):
            yield BadRow(position, "bad_row", f"{path} row {position}: not UTF-8")
            position += 1
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            yield BadRow(position, "bad_row", f"{path} row {position}: {error}")
        else:
            yield _json_row(row, position, path, url_col, text_col)
        position += 1


def read_url_list(
    path: str, url_col: str | None = None, text_col: str | None = None
) -> Iterator[UrlRow | BadRow]:
    """Yield one UrlRow (or BadRow) per row of a URL list, in file order."""
    fmt = list_format(path)
    if fmt == "parquet":
        yield from _parquet_rows(path, url_col, text_col)
        return
    with fsspec.open(path, "rb", compression="infer") as raw:
        # surrogateescape: a row with bytes that are not UTF-8 is found and refused, the others still read.
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        if fmt in ("csv", "tsv"):
            yield from _delimited_rows(handle, path, "," if fmt == "csv" else "\t", url_col, text_col)
        elif fmt == "jsonl":
            yield from _jsonl_rows(handle, path, url_col, text_col)
        else:
            position = 0
            for line in handle:
                if line.strip():
                    if _undecodable({"line": line}):
                        yield BadRow(position, "bad_row", f"{path} row {position}: not UTF-8")
                    else:
                        yield UrlRow(position, line.strip(), None)
                    position += 1
