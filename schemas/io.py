"""Reading and writing our tables as Parquet on any fsspec path (local, gs://, s3://)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import fsspec
import pyarrow as pa
import pyarrow.parquet as pq

from schemas.validate import SchemaError, check_schema, conform

# Written next to the final name and renamed at the end, so a crash never leaves a file that looks final.
IN_PROGRESS_SUFFIX = ".inprogress"


def expand(patterns: str | Iterable[str]) -> list[str]:
    """Expand one glob or a comma-separated list of globs into sorted file paths (fsspec URLs kept).

    A pattern that matches nothing is an error naming that pattern, never an empty run.
    """
    if isinstance(patterns, str):
        patterns = [p for p in patterns.split(",") if p.strip()]
    found: list[str] = []
    for pattern in patterns:
        pattern = pattern.strip()
        fs, _, paths = fsspec.get_fs_token_paths(pattern)
        if not paths:
            raise FileNotFoundError(f"no file matches {pattern!r}")
        protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
        for path in sorted(paths):
            if fs.isdir(path):
                raise IsADirectoryError(f"{path!r} is a directory; give a glob such as '{path}/*.parquet'")
            found.append(path if protocol in ("file", "local") else f"{protocol}://{path}")
    return found


@contextmanager
def open_parquet(path: str) -> Iterator[pq.ParquetFile]:
    """Open a Parquet file on any fsspec path; a file that is not Parquet is a SchemaError naming it."""
    with fsspec.open(path, "rb") as handle:
        try:
            parquet = pq.ParquetFile(handle)
        except (pa.ArrowInvalid, OSError) as error:
            raise SchemaError(f"{path}: not a readable Parquet file ({error})") from error
        yield parquet


def _present(expected: pa.Schema, stored: pa.Schema) -> list[str]:
    """The expected columns the file has (an older version may lack columns added since)."""
    return [name for name in expected.names if name in stored.names]


def read_schema(path: str) -> pa.Schema:
    with open_parquet(path) as parquet:
        return parquet.schema_arrow


def read_table(path: str, schema: pa.Schema) -> pa.Table:
    """Read a whole file, checked and conformed to `schema`."""
    with open_parquet(path) as parquet:
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
    with open_parquet(path) as parquet:
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
            raise SchemaError(f"record {row.get('key')!r} has columns not in the schema: {sorted(extra)}")
    return pa.Table.from_pylist(rows, schema=schema)


def write_table(table: pa.Table | Iterable[dict], schema: pa.Schema, path: str) -> str:
    """Write atomically: to a temporary name beside `path`, then rename. Returns `path`."""
    if not isinstance(table, pa.Table):
        table = to_table(table, schema)
    table = conform(table, schema, path)
    fs, _, (target,) = fsspec.get_fs_token_paths(path)
    parent = target.rsplit("/", 1)[0] if "/" in target else "."
    fs.makedirs(parent, exist_ok=True)
    temporary = f"{target}{IN_PROGRESS_SUFFIX}-{uuid.uuid4().hex[:8]}"
    try:
        with fs.open(temporary, "wb") as handle:
            pq.write_table(table, handle, compression="zstd")
        fs.mv(temporary, target)
    except BaseException:
        if fs.exists(temporary):
            fs.rm(temporary)
        raise
    return path
