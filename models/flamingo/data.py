"""Interleaved image-text sequences for Flamingo, from three kinds of Parquet:

- `pairs`/`curated` (what CapFilt writes): the shared loader (models.training.data) yields
image-caption
  samples and the collator joins `pairs_per_sequence` consecutive ones into one sequence
  "<image>caption<|endofchunk|><image>caption<|endofchunk|>...", as Flamingo's M3W/LTIP mixing does.
- `documents` (web pages: text and images in reading order) and `clips` (frame sequences with a caption):
  one sequence per row.

`ParquetInterleaved` reads all of them, each file by the schema its stamp names, in any mix, sharded,
shuffled and resumable by the same machinery as the pairs loader (it subclasses it).

A sample is either {"key", "text", "pixel_values" (3, H, W)} (one pair) or {"key", "segments"}, where a
segment is a text string or a media tensor (T, 3, H, W) of T frames (T = 1 for an image).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator

import pyarrow as pa
import torch
from PIL import Image

import schemas
from models.flamingo.tokens import labels_for, sequence_text
from models.training.data import ParquetImageText, decode_bytes, iter_texts, table_schema

log = logging.getLogger(__name__)


class FlamingoCollator:
    """Samples -> {"input_ids", "attention_mask", "labels", "pixel_values" (B, M, T, 3, H, W),
    "frame_mask" (B, M, T), "keys"}. Picklable, so it runs in DataLoader workers.

    A sequence cut by `max_length` keeps only the media whose `<image>` token survived.
    """

    def __init__(self, tokenizer, media_token_id: int, max_length: int = 256, pairs_per_sequence: int = 4):
        self.tokenizer = tokenizer
        self.media_token_id = media_token_id
        self.max_length = max_length
        self.pairs_per_sequence = max(1, pairs_per_sequence)

    def sequences(self, samples: list[dict]) -> list[tuple[str, list]]:
        """(key, segments) per sequence: documents and clips as they are, pairs grouped."""
        out, group = [], []
        for sample in samples:
            if "segments" in sample:
                out.append((sample["key"], sample["segments"]))
                continue
            group.append(sample)
            if len(group) == self.pairs_per_sequence:
                out.append(self._join(group))
                group = []
        if group:
            out.append(self._join(group))
        return out

    @staticmethod
    def _join(pairs: list[dict]) -> tuple[str, list]:
        segments: list = []
        for pair in pairs:
            segments += [pair["pixel_values"][None], pair["text"]]
        return "+".join(p["key"] for p in pairs), segments

    def __call__(self, samples: list[dict]) -> dict:
        keyed = self.sequences(samples)
        texts = [sequence_text([s if isinstance(s, str) else None for s in segs]) for _, segs in keyed]
        encoded = self.tokenizer(
            texts, padding="longest", truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        kept = (encoded.input_ids == self.media_token_id).sum(1).tolist()
        media = [
            [s for s in segs if not isinstance(s, str)][:k] for (_, segs), k in zip(keyed, kept, strict=True)
        ]
        pixel_values, frame_mask = pad_media(media)
        return {
            "input_ids": encoded.input_ids,
            "attention_mask": encoded.attention_mask,
            "labels": labels_for(
                encoded.input_ids, encoded.attention_mask, self.media_token_id, self.tokenizer.bos_token_id
            ),
            "pixel_values": pixel_values,
            "frame_mask": frame_mask,
            "keys": [key for key, _ in keyed],
        }


def pad_media(media: list[list[torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-sequence lists of (T, 3, H, W) -> zero-padded (B, M, T, 3, H, W) and the mask of real frames."""
    shapes = [m.shape[1:] for row in media for m in row]
    if len(set(shapes)) > 1:
        raise ValueError(f"all frames of a batch must have one size, got {sorted(set(shapes))}")
    frame_shape = shapes[0] if shapes else (3, 1, 1)
    b = len(media)
    m = max(1, max(len(row) for row in media))
    t = max([x.shape[0] for row in media for x in row], default=1)
    pixel_values = torch.zeros(b, m, t, *frame_shape)
    frame_mask = torch.zeros(b, m, t, dtype=torch.bool)
    for i, row in enumerate(media):
        for j, frames in enumerate(row):
            pixel_values[i, j, : frames.shape[0]] = frames
            frame_mask[i, j, : frames.shape[0]] = True
    return pixel_values, frame_mask


def _image(value: dict | None) -> Image.Image | None:
    """A segment's or frame's image, decoded as the pairs loader does; None drops its record (logged)."""
    return decode_bytes((value or {}).get("bytes"))


# Tables whose rows are whole sequences; anything else is read as `pairs`/`curated`.
SEQUENCE_SCHEMAS = {"documents": schemas.DOCUMENTS, "clips": schemas.CLIPS}


def flamingo_schema(path: str):
    """The schema a Flamingo run reads `path` with, from the file's stamp: `documents`, `clips`, or
    `curated`/`pairs` (as models.training.data decides)."""
    name = schemas.schema_name(schemas.read_schema(path))
    return SEQUENCE_SCHEMAS.get(name) or table_schema(path)


def document_segments(record: dict, transform, rng: random.Random) -> list | None:
    """A `documents` row in reading order: its texts, and each image as one frame (1, 3, H, W)."""
    out: list = []
    for segment in record["segments"] or []:
        if segment.get("image"):
            image = _image(segment["image"])
            if image is None:
                return None
            out.append(transform(image, rng)[None])
        elif segment.get("text") and segment["text"].strip():
            out.append(segment["text"])
    return out if any(not isinstance(s, str) for s in out) else None


def clip_segments(record: dict, transform, rng: random.Random, max_frames: int = 0) -> list | None:
    """A `clips` row as "<image>caption": all frames (T, 3, H, W) are one media item; more than
    `max_frames` (when > 0) are subsampled evenly, first and last kept."""
    frames = [_image(f) for f in record["frames"] or []]
    if not frames or any(f is None for f in frames) or not (record["caption"] or "").strip():
        return None
    if 0 < max_frames < len(frames):
        step = (len(frames) - 1) / max(max_frames - 1, 1)
        frames = [frames[round(i * step)] for i in range(max_frames)]
    # One rng state for every frame, so an augmentation treats the clip's frames alike.
    state = rng.getstate()
    tensors = []
    for frame in frames:
        rng.setstate(state)
        tensors.append(transform(frame, rng))
    return [torch.stack(tensors), record["caption"]]


class ParquetInterleaved(ParquetImageText):
    """Flamingo's reader: `documents`, `clips`, `pairs` and `curated` files, in any mix, each read by its
    own schema. Sharding, shuffling and exact resume are the pairs loader's (this subclasses it): a row is
    one sample whichever its table, so mixing tables is mixing files.

    Documents and clips give {"key", "segments"} (one sequence per row); pairs and curated give the pairs
    loader's {"key", "text", "pixel_values"}, which FlamingoCollator joins into sequences.
    """

    def __init__(self, files: list[str], transform, *, max_frames: int = 0, **kwargs):
        super().__init__(files, transform, **kwargs)
        self.schemas = {path: flamingo_schema(path) for path in self.files}
        self.max_frames = max_frames

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        if schema is schemas.DOCUMENTS:
            segments = document_segments(record, self.transform, rng)
        elif schema is schemas.CLIPS:
            segments = clip_segments(record, self.transform, rng, self.max_frames)
        else:
            return super().sample(record, schema, rng)
        if segments is None:
            log.warning("skipping record %r: an image does not decode or no text", record.get("key"))
            return None
        return {"key": record["key"], "segments": segments}


def iter_flamingo_texts(files: list[str]) -> Iterator[str]:
    """Every text of the files, whatever their table (for training a tokenizer)."""
    for path in files:
        schema = flamingo_schema(path)
        if schema is schemas.DOCUMENTS:
            column = pa.schema([schema.field("segments")])
            for segments in schemas.read_table(path, column).column("segments").to_pylist():
                yield from (s["text"] for s in segments or [] if s.get("text"))
        elif schema is schemas.CLIPS:
            captions = schemas.read_table(path, pa.schema([schema.field("caption")])).column("caption")
            yield from (c for c in captions.to_pylist() if c)
        else:
            yield from iter_texts([path])
