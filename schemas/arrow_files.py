"""Arrow IPC files (what Hugging Face `datasets.save_to_disk` writes) read like a Parquet file.

`ArrowIpcFile` offers the part of `pyarrow.parquet.ParquetFile` that `schemas.io` uses (`schema_arrow`,
`iter_batches`, `read`), so every reader streams a `.arrow` file exactly as it streams Parquet.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

SUFFIXES = (".arrow",)
# The Arrow IPC *file* format starts with this magic; the *stream* format (datasets' choice) does not.
FILE_MAGIC = b"ARROW1"


def is_arrow_ipc(path: str) -> bool:
    return path.lower().endswith(SUFFIXES)


class ArrowIpcFile:
    """One Arrow IPC file or stream, opened on a binary file object; batches are read once, in order."""

    def __init__(self, handle):
        magic = handle.read(len(FILE_MAGIC))
        handle.seek(0)
        if magic == FILE_MAGIC:
            reader = pa.ipc.open_file(handle)
            self._batches = lambda: (reader.get_batch(i) for i in range(reader.num_record_batches))
            self.schema_arrow = reader.schema
        else:
            stream = pa.ipc.open_stream(handle)
            self._batches = lambda: iter(stream)
            self.schema_arrow = stream.schema

    def iter_batches(
        self, batch_size: int = 65536, columns: list[str] | None = None
    ) -> Iterator[pa.RecordBatch]:
        for batch in self._batches():
            if columns is not None:
                batch = batch.select(columns)
            for start in range(0, batch.num_rows, batch_size):
                yield batch.slice(start, batch_size)

    def read(self, columns: list[str] | None = None) -> pa.Table:
        schema = (
            self.schema_arrow if columns is None else pa.schema([self.schema_arrow.field(c) for c in columns])
        )
        return pa.Table.from_batches(list(self.iter_batches(columns=columns)), schema=schema)
