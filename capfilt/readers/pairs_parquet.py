"""Reader for our own `pairs` Parquet files (ingest output, the demo world, or anything written to PAIRS)."""

from __future__ import annotations

from collections.abc import Iterator

from capfilt.readers.checks import check_pair
from schemas import PAIRS, Reject, iter_records


def read_pairs_parquet(path: str, batch_size: int = 256) -> Iterator[dict | Reject]:
    for record in iter_records(path, PAIRS, batch_size=batch_size, enforce_not_null=False):
        yield check_pair(record, path) or record
