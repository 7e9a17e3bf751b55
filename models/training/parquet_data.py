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
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
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


@dataclass
class Augmentation:
    """Image augmentation before the processor's resize and normalisation.

    Off by default: the demo world's captions name positions ("on the left") and every object, so a flip
    makes them wrong and a tight crop can cut objects out. BLIP's setting on real photos is
    crop_scale_min=0.5 with flips.
    """

    crop_scale_min: float = 1.0
    hflip: bool = False

    def __call__(self, image: Image.Image, rng: random.Random) -> Image.Image:
        if self.crop_scale_min < 1.0:
            image = _random_resized_crop(image, rng, self.crop_scale_min)
        if self.hflip and rng.random() < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        return image


def _random_resized_crop(image: Image.Image, rng: random.Random, scale_min: float) -> Image.Image:
    """A crop covering scale_min..1 of the area with aspect ratio in [3/4, 4/3] (torchvision's recipe)."""
    width, height = image.size
    for _ in range(10):
        area = width * height * rng.uniform(scale_min, 1.0)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        w, h = round(math.sqrt(area * ratio)), round(math.sqrt(area / ratio))
        if 0 < w <= width and 0 < h <= height:
            left, top = rng.randint(0, width - w), rng.randint(0, height - h)
            return image.crop((left, top, left + w, top + h))
    return image


class ImageTransform:
    """PIL image -> normalised tensor, with the same image processor the exported checkpoint carries.

    When the processor is transformers' plain PIL pipeline (`PilBackend`: CLIP's and BLIP's `*Pil` image
    processors), `LeanPreprocess` does its work per image without the batch machinery around it; the output
    is identical (tests/curate/test_lean_preprocess.py). Anything else goes through the processor call.
    """

    def __init__(self, image_processor, augmentation: Augmentation | None = None):
        self.image_processor = image_processor
        self.augmentation = augmentation or Augmentation()
        self.lean = LeanPreprocess.from_processor(image_processor)
        self.decode_size = draft_size_for(image_processor, self.augmentation.crop_scale_min)

    def __call__(self, image: Image.Image, rng: random.Random) -> torch.Tensor:
        image = self.augmentation(image, rng)
        if self.lean is not None:
            pixels = self.lean(image)
            if pixels is not None:
                return pixels
        return self.image_processor(images=image, return_tensors="pt").pixel_values[0]


# Methods of transformers' PilBackend that LeanPreprocess reproduces; a processor overriding any of them
# does something else and keeps the processor call.
_PIL_PIPELINE = (
    "__call__",
    "preprocess",
    "_preprocess_image_like_inputs",
    "_prepare_image_like_inputs",
    "_preprocess",
    "process_image",
    "convert_to_rgb",
    "resize",
    "center_crop",
    "rescale",
    "normalize",
)


class LeanPreprocess:
    """transformers' PIL image pipeline for one image: RGB conversion (alpha composited on white), resize
    (shortest edge or fixed height x width, the processor's resample filter), centre crop, then rescale and
    normalise through a 256-entry lookup table per channel built by the processor's own `rescale` and
    `normalize`, so every value is bit-identical to the processor's.

    `from_processor` returns None for processors it does not cover (other backends, padding, longest-edge or
    max-size resizing, overridden pipeline steps); `__call__` returns None for an image it does not cover (a
    crop larger than the resized image, which the processor zero-pads).
    """

    def __init__(self, resize, resample: int | None, crop: tuple[int, int] | None, table: np.ndarray):
        self.resize = resize  # None, ("shortest_edge", n) or ("fixed", height, width)
        self.resample = resample
        self.crop = crop
        self.table = table  # (channels, 256) float32

    @classmethod
    def from_processor(cls, processor) -> LeanPreprocess | None:
        try:
            from transformers.image_processing_backends import PilBackend
        except ImportError:  # transformers 4.x: no PIL backend class to check against
            return None
        if not isinstance(processor, PilBackend):
            return None
        if any(getattr(type(processor), name) is not getattr(PilBackend, name) for name in _PIL_PIPELINE):
            return None
        if not getattr(processor, "do_convert_rgb", False) or getattr(processor, "do_pad", False):
            return None
        resize, resample = None, None
        if processor.do_resize:
            size = processor.size
            if size.longest_edge or (not size.shortest_edge and (size.max_height or size.max_width)):
                return None
            if size.shortest_edge:
                resize = ("shortest_edge", int(size.shortest_edge))
            elif size.height and size.width:
                resize = ("fixed", int(size.height), int(size.width))
            else:
                return None
            resample = processor.resample
            resample = Image.Resampling.BILINEAR if resample is None else resample
            if not isinstance(resample, int):
                return None
            resample = int(resample)
        crop = None
        if processor.do_center_crop:
            if not (processor.crop_size and processor.crop_size.height and processor.crop_size.width):
                return None
            crop = (int(processor.crop_size.height), int(processor.crop_size.width))
        # Every uint8 value of every channel through the processor's own rescale and normalise.
        values = np.tile(np.arange(256, dtype=np.uint8), (3, 1, 1))
        if processor.do_rescale:
            values = processor.rescale(values, processor.rescale_factor)
        if processor.do_normalize:
            values = processor.normalize(values, processor.image_mean, processor.image_std)
        if values.dtype != np.float32:
            return None
        return cls(resize, resample, crop, np.ascontiguousarray(values[:, 0, :]))

    def __call__(self, image: Image.Image) -> torch.Tensor | None:
        image = to_rgb(image)
        if self.resize is not None:
            width, height = image.size
            if self.resize[0] == "shortest_edge":
                target = self.resize[1]
                short, long = (width, height) if width <= height else (height, width)
                new_long = int(target * long / short)
                new_height, new_width = (new_long, target) if width <= height else (target, new_long)
            else:
                new_height, new_width = self.resize[1], self.resize[2]
            if (new_width, new_height) != image.size:
                image = image.resize((new_width, new_height), resample=self.resample)
        if self.crop is not None:
            width, height = image.size
            crop_height, crop_width = self.crop
            top, left = (height - crop_height) // 2, (width - crop_width) // 2
            if top < 0 or left < 0:
                return None
            if (crop_height, crop_width) != (height, width):
                image = image.crop((left, top, left + crop_width, top + crop_height))
        pixels = np.asarray(image)  # (H, W, 3) uint8
        out = np.empty((3, pixels.shape[0], pixels.shape[1]), dtype=np.float32)
        for channel in range(3):
            np.take(self.table[channel], pixels[:, :, channel], out=out[channel])
        return torch.from_numpy(out)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB as transformers' image processors make it: transparency composited onto white."""
    return images.to_rgb(image)


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


def draft_size_for(
    image_processor, crop_scale_min: float = 1.0, margin: float = 2.0
) -> tuple[int, int] | None:
    """The smallest decode size (width, height) that keeps `margin` x the processor's resize input after a
    random crop of at least `crop_scale_min` of the area (aspect ratio down to 3/4); None if unknown."""
    size = getattr(image_processor, "size", None)
    if not getattr(image_processor, "do_resize", False) or size is None:
        return None
    shortest = size.get("shortest_edge") if isinstance(size, dict) else getattr(size, "shortest_edge", None)
    height = size.get("height") if isinstance(size, dict) else getattr(size, "height", None)
    width = size.get("width") if isinstance(size, dict) else getattr(size, "width", None)
    if shortest:
        height = width = shortest
    if not (height and width):
        return None
    factor = margin / math.sqrt(min(1.0, crop_scale_min) * 3 / 4) if crop_scale_min < 1.0 else margin
    return math.ceil(width * factor), math.ceil(height * factor)


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
