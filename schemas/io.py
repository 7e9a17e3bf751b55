"""Reading and writing our tables as Parquet on any fsspec path (local, gs://, s3://); Arrow IPC read too."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.arrow_files import SUFFIXES, ArrowIpcFile, is_arrow_ipc
from schemas.common import KEY
from schemas.folders import NOT_DATA, folder_files, is_staging_name
from schemas.publish import publish_file
from schemas.validate import SchemaError, check_schema, conform

# What a folder's main table is made of, unless the caller says otherwise (the models read these).
TABLE_SUFFIXES = (".parquet", *SUFFIXES)
_WILDCARDS = re.compile(r"[*?\[]")


def _protocol(fs) -> str:
    return fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]


def _wildcard_staging(path: str, pattern: str) -> bool:
    """True when a wildcard matched a staging or hidden name (`_inprogress-*`, `.tmp`) or our own
    rejects/dropped folders: `out/*` must not read a run in progress or its rejects as data."""
    literal = set(pattern.split("/"))
    parts = [p for p in path.split("/") if p and p not in literal]
    return any(is_staging_name(p) or p in NOT_DATA for p in parts)


def expand(patterns: str | Iterable[str], suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> list[str]:
    """Expand globs, folders or comma-separated lists of both into file paths (fsspec URLs kept).

    A folder reads as its main table (`schemas.folders.folder_files`; `suffixes` are what counts as data in
    a plain folder). Matches of one pattern are sorted; a file named twice is listed once. A pattern that
    matches nothing is an error naming that pattern, never an empty run.
    """
    if isinstance(patterns, str):
        patterns = [p for p in patterns.split(",") if p.strip()]
    found: dict[str, None] = {}
    for pattern in patterns:
        pattern = pattern.strip()
        fs, _, paths = fsspec.get_fs_token_paths(pattern)
        if not paths:
            raise FileNotFoundError(f"no file matches {pattern!r}")
        protocol = _protocol(fs)
        wildcard = bool(_WILDCARDS.search(pattern))
        matched = []
        for path in sorted(paths):
            if wildcard and _wildcard_staging(path, fs._strip_protocol(pattern)):
                continue
            matched.extend(folder_files(fs, path, suffixes) if fs.isdir(path) else [path])
        if not matched:
            raise FileNotFoundError(f"no data file matches {pattern!r} (only staging or rejects names)")
        for path in matched:
            found[path if protocol in ("file", "local") else f"{protocol}://{path}"] = None
    return list(found)


@contextmanager
def open_table(path: str) -> Iterator[pq.ParquetFile | ArrowIpcFile]:
    """Open a Parquet file, or an Arrow IPC file (`.arrow`), on any fsspec path; a file that is neither is a
    SchemaError naming it."""
    with fsspec.open(path, "rb") as handle:
        kind = "Arrow IPC" if is_arrow_ipc(path) else "Parquet"
        try:
            table_file = ArrowIpcFile(handle) if kind == "Arrow IPC" else pq.ParquetFile(handle)
        except (pa.ArrowInvalid, OSError) as error:
            raise SchemaError(f"{path}: not a readable {kind} file ({error})") from error
        yield table_file


def _present(expected: pa.Schema, stored: pa.Schema) -> list[str]:
    """The expected columns the file has (an older version may lack columns added since)."""
    return [name for name in expected.names if name in stored.names]


def read_schema(path: str) -> pa.Schema:
    with open_table(path) as parquet:
        return parquet.schema_arrow


def read_table(path: str, schema: pa.Schema) -> pa.Table:
    """Read a whole file, checked and conformed to `schema`."""
    with open_table(path) as parquet:
        stored = parquet.schema_arrow
        check_schema(stored, schema, path)
        return conform(parquet.read(columns=_present(schema, stored)), schema, path, file_schema=stored)


def iter_batches(
    path: str, schema: pa.Schema, batch_size: int = 256, enforce_not_null: bool = True
) -> Iterator[pa.Table]:
    """Stream a file in record batches, each conformed to `schema`. Checks columns before reading rows.

    Readers pass enforce_not_null=False so that a null in a required column becomes a `rejects` row
    for that record instead of an error for the whole file.
    """
    with open_table(path) as parquet:
        stored = parquet.schema_arrow
        check_schema(stored, schema, path)
        for batch in parquet.iter_batches(batch_size=batch_size, columns=_present(schema, stored)):
            yield conform(pa.Table.from_batches([batch]), schema, path, enforce_not_null, stored)


def iter_records(
    path: str, schema: pa.Schema, batch_size: int = 256, enforce_not_null: bool = True
) -> Iterator[dict]:
    for table in iter_batches(path, schema, batch_size, enforce_not_null):
        yield from table.to_pylist()


def to_table(records: Iterable[dict], schema: pa.Schema) -> pa.Table:
    """Build a table from row dicts; a missing nullable key becomes null, an unknown key is an error."""
    rows = list(records)
    allowed = set(schema.names)
    for row in rows:
        extra = set(row) - allowed
        if extra:
            raise SchemaError(f"record {row.get(KEY)!r} has columns not in the schema: {sorted(extra)}")
    return pa.Table.from_pylist(rows, schema=schema)


def write_table(table: pa.Table | Iterable[dict], schema: pa.Schema, path: str) -> str:
    """Write atomically: to a temporary name beside `path`, then rename. Returns `path`."""
    if not isinstance(table, pa.Table):
        table = to_table(table, schema)
    table = conform(table, schema, path)
    return publish_file(path, lambda handle: pq.write_table(table, handle, compression="zstd"))
