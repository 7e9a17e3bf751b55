"""Interleaved image-text sequences for Flamingo, from three kinds of Parquet:

- `pairs`/`curated` (what CapFilt writes): the shared loader (models.parquet_data) yields image-caption
  samples and the collator joins `pairs_per_sequence` consecutive ones into one sequence
  "<image>caption<|endofchunk|><image>caption<|endofchunk|>...", as Flamingo's M3W/LTIP mixing does.
- `documents` (web pages: text and images in reading order) and `clips` (frame sequences with a caption):
  `ParquetDocuments` and `ParquetClips` yield one sequence per row, sharded, shuffled and resumable by the
  same machinery as the pairs loader (they subclass it).

A sample is either {"key", "text", "pixel_values" (3, H, W)} (one pair) or {"key", "segments"}, where a
segment is a text string or a media tensor (T, 3, H, W) of T frames (T = 1 for an image).
"""

from __future__ import annotations

import io
import logging
import random
from collections.abc import Iterator

import torch
from PIL import Image

import schemas
from models.flamingo.tokens import labels_for, sequence_text
from models.parquet_data import ParquetImageText

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
    data = (value or {}).get("bytes")
    if not data:
        return None
    try:
        return Image.open(io.BytesIO(data)).convert("RGB")
    except Exception:  # an undecodable image drops its record, logged by the caller
        return None


class _SequenceParquet(ParquetImageText):
    """The pairs loader's sharding, shuffling and exact resume, for tables whose rows are whole sequences."""

    SCHEMA = None

    def __init__(self, files: list[str], transform, **kwargs):
        super().__init__(files, transform, **kwargs)
        expected = schemas.schema_name(self.SCHEMA)
        for path in self.files:
            found = schemas.schema_name(schemas.read_schema(path))
            if found != expected:
                raise schemas.SchemaError(f"{path}: expected a {expected!r} table, found {found!r}")
        self.schemas = {path: self.SCHEMA for path in self.files}

    def segments(self, record: dict, rng: random.Random) -> list | None:
        raise NotImplementedError

    def __iter__(self) -> Iterator[dict]:
        reader, readers, role, workers = self._reader()
        to_skip = len(range(role, self.start_batch, workers)) * self.batch_size
        shuffle_rng = random.Random(f"{self.seed}:shuffle:{reader}")
        number = 0
        for record, _ in self._shuffled(self._records(reader, readers), shuffle_rng):
            rng = random.Random(f"{self.seed}:sample:{reader}:{number}")
            segments = self.segments(record, rng)
            if segments is None:
                log.warning(
                    "skipping record %r: an image does not decode or nothing to learn", record.get("key")
                )
                continue
            number += 1
            if number > to_skip:
                yield {"key": record["key"], "segments": segments}


class ParquetDocuments(_SequenceParquet):
    """`documents` rows as sequences: texts and images in reading order."""

    SCHEMA = schemas.DOCUMENTS

    def segments(self, record: dict, rng: random.Random) -> list | None:
        out: list = []
        for segment in record["segments"] or []:
            if segment.get("image"):
                image = _image(segment["image"])
                if image is None:
                    return None
                out.append(self.transform(image, rng)[None])
            elif segment.get("text"):
                out.append(segment["text"])
        return out if any(not isinstance(s, str) for s in out) else None


class ParquetClips(_SequenceParquet):
    """`clips` rows as sequences "<image>caption": all frames of the clip form one media item."""

    SCHEMA = schemas.CLIPS

    def segments(self, record: dict, rng: random.Random) -> list | None:
        frames = [_image(f) for f in record["frames"] or []]
        if not frames or any(f is None for f in frames) or not (record["caption"] or "").strip():
            return None
        # One rng state for every frame, so an augmentation treats the clip's frames alike.
        state = rng.getstate()
        tensors = []
        for frame in frames:
            rng.setstate(state)
            tensors.append(self.transform(frame, rng))
        return [torch.stack(tensors), record["caption"]]
