"""Reader for our own `pairs` Parquet files (ingest output, the demo world, or anything written to PAIRS)."""

from __future__ import annotations

from collections.abc import Iterator

from capfilt.keys import derived_key
from capfilt.readers.fields import typed_pair
from schemas import PAIRS, Reject, iter_records

SOURCE = "pairs"


def read_pairs_parquet(path: str, batch_size: int = 256) -> Iterator[dict | Reject]:
    # Columns are checked and cast by the schema; rows are checked one by one (a null key is derived).
    for position, row in enumerate(iter_records(path, PAIRS, batch_size=batch_size, enforce_not_null=False)):
        raw = dict(row, key=row["key"] or derived_key(path, position))
        yield typed_pair(raw, f"{path} row {position}", SOURCE)
