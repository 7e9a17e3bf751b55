"""Reader for CapFilt's `curated` output as input (a second CapFilt pass, or ingest of a curated corpus).

Its web text `web_caption` is the record's caption again; scores and synthetic captions belong to the run
that made them and are not carried over.
"""

from __future__ import annotations

from collections.abc import Iterator

from capfilt.keys import derived_key
from capfilt.readers.fields import typed_pair
from schemas import CURATED, Reject, iter_records

SOURCE = "curated"
CARRIED = ("url", "page_url", "image", "width", "height", "source")


def read_curated_parquet(path: str, batch_size: int = 256) -> Iterator[dict | Reject]:
    for position, row in enumerate(
        iter_records(path, CURATED, batch_size=batch_size, enforce_not_null=False)
    ):
        raw = {name: row[name] for name in CARRIED}
        raw.update(key=row["key"] or derived_key(path, position), caption=row["web_caption"])
        yield typed_pair(raw, f"{path} row {position}", SOURCE)
