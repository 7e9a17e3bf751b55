"""Streaming image-text samples from `pairs` or `curated` Parquet files (local paths or fsspec URLs).

Each (rank, DataLoader worker) reads its own part of the data: whole files when there are at least as many
files as readers, otherwise every reader scans all files and keeps every G-th row. Either way no two readers
see the same row in an epoch. The stream repeats epochs forever (training is counted in steps), reshuffling
file order each epoch, and passes through a shuffle buffer.

Everything random derives from (seed, reader, sample number), so a resumed run skips exactly the samples it
had consumed and then continues as the uninterrupted run would.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Iterator

import pyarrow as pa
import torch
from PIL import Image
from torch.utils.data import IterableDataset, get_worker_info

import schemas
from capfilt import images
from schemas.image_text import ImageTextColumns, derived_key, image_text_columns, iter_image_text_rows

# The loader decodes with the project's one decode path (capfilt.images, a leaf module with no other
# project imports), so training sees the pixels CapFilt's models saw: upright, RGB on white.
LIMITS = images.DecodeLimits()

log = logging.getLogger(__name__)


def table_schema(path: str):
    """`curated` or `pairs` from the file's schema stamp (or its columns when unstamped); for any other
    image-text table (a Hugging Face `datasets` export) its image and text columns (`ImageTextColumns`)."""
    found = schemas.read_schema(path)
    name = schemas.schema_name(found)
    if name == "curated" or (name is None and "captions" in found.names):
        return schemas.CURATED
    if name is None and not {"key", "caption", "image"} <= set(found.names):
        columns = image_text_columns(found)
        if columns.image and columns.text:
            return columns
    return schemas.PAIRS


def iter_table_records(path: str, schema) -> Iterator[dict]:
    """The rows of one file as `table_schema` read it: our tables conformed to their schema, any other
    image-text table under `pairs` names (key derived from file and position when it has none)."""
    if not isinstance(schema, ImageTextColumns):
        yield from schemas.iter_records(path, schema)
        return
    with schemas.open_table(path) as table:
        for position, row in enumerate(iter_image_text_rows(table, schema)):
            yield {**row, "key": row["key"] or derived_key(path, position)}


def choose_text(record: dict, schema, rng: random.Random) -> str | None:
    """The text a training step uses: one kept caption (curated), one human reference, or the web caption."""
    if schema is schemas.CURATED:
        options = [t for t in record["captions"] or [] if t and t.strip()]
    else:
        options = [t for t in record["references"] or [] if t and t.strip()]
        if not options and record["caption"] and record["caption"].strip():
            options = [record["caption"]]
    return rng.choice(options) if options else None


def iter_texts(files: list[str]) -> Iterator[str]:
    """Every text of the files (web captions, references, kept captions), e.g. to train a tokenizer."""
    for path in files:
        schema = table_schema(path)
        if isinstance(schema, ImageTextColumns):
            rows = iter_table_records(path, schema)
            values = (value for row in rows for value in (row["caption"], row["references"]))
        else:
            names = ["captions"] if schema is schemas.CURATED else ["caption", "references"]
            texts = schemas.read_table(path, pa.schema([schema.field(n) for n in names]))
            values = (value for column in texts.columns for value in column.to_pylist())
        for value in values:
            for text in value if isinstance(value, list) else [value]:
                if text:
                    yield text


def decode_image(record: dict, draft_size: tuple[int, int] | None = None) -> Image.Image | None:
    """The record's image in RGB, upright, or None (logged) when there is none or it does not decode.

    With `draft_size` (width, height), a JPEG at least twice that size on both sides is decoded at 1/2, 1/4
    or 1/8 scale in the DCT domain (PIL's `draft`), never below `draft_size`: much cheaper than decoding all
    pixels only to resize them away. Other formats ignore it.
    """
    return decode_bytes((record["image"] or {}).get("bytes"), draft_size, record.get("key"))


def decode_bytes(
    data: bytes | None, draft_size: tuple[int, int] | None = None, key=None
) -> Image.Image | None:
    """`capfilt.images.decode_image` for training: None (logged with its reason) instead of a reject."""
    if not data:
        return None
    try:
        return images.decode_image(data, LIMITS, draft_size).image
    except images.ImageRejected as rejected:
        log.warning("image of record %r does not decode: %s (%s)", key, rejected.reason, rejected.detail)
        return None


def distributed_position() -> tuple[int, int]:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


class ParquetImageText(IterableDataset):
    """Samples {"key", "text", "pixel_values"} from Parquet files, sharded over ranks and workers.

    `start_batch` is how many batches of `batch_size` this rank has already consumed (for exact resume with
    the in-order DataLoader, which takes batch b from worker b % num_workers).
    """

    def __init__(
        self,
        files: list[str],
        transform: Callable[[Image.Image, random.Random], torch.Tensor],
        *,
        seed: int = 0,
        shuffle_buffer: int = 1000,
        batch_size: int = 1,
        start_batch: int = 0,
        repeat: bool = True,
        rank: int | None = None,
        world_size: int | None = None,
    ):
        if not files:
            raise ValueError("no data files given")
        self.files = list(files)
        self.schemas = {f: table_schema(f) for f in self.files}
        self.transform = transform
        self.seed = seed
        self.shuffle_buffer = max(1, shuffle_buffer)
        self.batch_size = batch_size
        self.start_batch = start_batch
        self.repeat = repeat
        default_rank, default_world = distributed_position()
        self.rank = default_rank if rank is None else rank
        self.world_size = default_world if world_size is None else world_size

    def _reader(self) -> tuple[int, int, int, int]:
        """(this reader's index, number of readers, its role among this rank's workers, workers per rank).

        The in-order DataLoader takes batch b from worker b % workers counting from where *it* started, so a
        run resumed at batch `start_batch` gives worker w the role of worker (w + start_batch) % workers.
        """
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        role = (worker + self.start_batch) % workers
        return self.rank * workers + role, self.world_size * workers, role, workers

    def _records(self, reader: int, readers: int) -> Iterator[tuple[dict, object]]:
        epoch = 0
        while True:
            files = list(self.files)
            random.Random(f"{self.seed}:files:{epoch}").shuffle(files)
            by_file = len(files) >= readers
            mine = files[reader::readers] if by_file else files
            row, produced = 0, 0
            for path in mine:
                schema = self.schemas[path]
                for record in iter_table_records(path, schema):
                    row += 1
                    if by_file or (row - 1) % readers == reader:
                        produced += 1
                        yield record, schema
            if not produced:
                raise ValueError(f"reader {reader} of {readers} got no rows from {len(files)} file(s)")
            epoch += 1
            if not self.repeat:
                return

    def _shuffled(self, records: Iterator, rng: random.Random) -> Iterator:
        buffer: list = []
        for item in records:
            buffer.append(item)
            if len(buffer) >= self.shuffle_buffer:
                index = rng.randrange(len(buffer))
                buffer[index], buffer[-1] = buffer[-1], buffer[index]
                yield buffer.pop()
        rng.shuffle(buffer)
        yield from buffer

    def __iter__(self) -> Iterator[dict]:
        reader, readers, role, workers = self._reader()
        to_skip = len(range(role, self.start_batch, workers)) * self.batch_size
        shuffle_rng = random.Random(f"{self.seed}:shuffle:{reader}")
        number = 0
        for record, schema in self._shuffled(self._records(reader, readers), shuffle_rng):
            rng = random.Random(f"{self.seed}:sample:{reader}:{number}")
            sample = self.sample(record, schema, rng)
            if sample is None:
                continue
            number += 1
            if number > to_skip:
                yield sample

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        """One training sample from a record, or None (logged) when it has none; subclasses reading other
        tables override this and keep the sharding, shuffling and resume of __iter__."""
        text = choose_text(record, schema, rng)
        image = decode_image(record, getattr(self.transform, "decode_size", None))
        if text is None or image is None:
            log.warning(
                "skipping record %r: %s",
                record.get("key"),
                "no text" if text is None else "its image does not decode",
            )
            return None
        return {"key": record["key"], "text": text, "pixel_values": self.transform(image, rng)}
