"""`rejects`: every input record that did not reach the output, with where and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pyarrow as pa

from schemas.common import KEY, URL, stamped

VERSION = 1

REJECTS = stamped(
    "rejects",
    VERSION,
    [
        pa.field(KEY, pa.string()),
        pa.field(URL, pa.string()),
        # The step that refused the record: "read", "crawl", "fetch", "decode", "dedup", "text", "model", ...
        pa.field("stage", pa.string(), nullable=False),
        # A short machine-readable reason, e.g. "http_404", "missing_caption", "not_an_image".
        pa.field("reason", pa.string(), nullable=False),
        # Human-readable specifics: the file, the exception message, the offending value.
        pa.field("detail", pa.string()),
    ],
)


@dataclass(frozen=True)
class Reject:
    """One `rejects` row. Readers and pipeline steps yield these instead of dropping a record."""

    key: str | None
    url: str | None
    stage: str
    reason: str
    detail: str = ""

    def as_row(self) -> dict:
        return asdict(self)
