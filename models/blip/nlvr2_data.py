"""NLVR2 training samples from `nlvr2` Parquet tables, and their collation into the model's batch."""

from __future__ import annotations

import logging
import random

import torch

import schemas
from models.blip import conventions
from models.clip.collate import ClipCollator
from models.training.data import ParquetImageText, decode_image
from schemas.nlvr2 import LABEL, LEFT_IMAGE, NLVR2, RIGHT_IMAGE, STATEMENT

log = logging.getLogger(__name__)


def check_nlvr2_file(path: str) -> None:
    """Refuse a file that is not an `nlvr2` table (e.g. `pairs` given to the NLVR2 task), naming it."""
    name = schemas.schema_name(schemas.read_schema(path))
    if name != "nlvr2":
        raise ValueError(
            f"{path}: an nlvr2 table is needed (python -m capfilt.readers.nlvr2 converts NLVR2's JSONL; "
            f"the demo world writes one), got {name or 'an unstamped table'}"
        )


def decode_pair(record: dict, draft_size=None):
    """(left, right) images of an nlvr2 record; either is None (logged) when it does not decode."""
    key = record["key"]
    return tuple(
        decode_image({"key": key, "image": record[side]}, draft_size) for side in (LEFT_IMAGE, RIGHT_IMAGE)
    )


class Nlvr2Pairs(ParquetImageText):
    """{"key", "text", "label", "pixel_values" (2, C, H, W)} from nlvr2 tables, with the sharding, shuffling
    and exact resume of ParquetImageText."""

    def __init__(self, files: list[str], transform, **kwargs):
        for path in files:
            check_nlvr2_file(path)
        super().__init__(files, transform, **kwargs)
        self.schemas = dict.fromkeys(self.files, NLVR2)

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        left, right = decode_pair(record, getattr(self.transform, "decode_size", None))
        if left is None or right is None or not (record[STATEMENT] or "").strip():
            log.warning(
                "skipping NLVR2 example %r: no statement or an image that does not decode", record["key"]
            )
            return None
        pixels = torch.stack([self.transform(left, rng), self.transform(right, rng)])
        return {
            "key": record["key"],
            "text": record[STATEMENT],
            "label": int(record[LABEL]),
            "pixel_values": pixels,
        }


class TwinTextCollator(ClipCollator):
    """Texts tokenized with BLIP's first token for image-grounded encoding ([ENC] in BLIP's code), images
    stacked: what NLVR2 and its text-assignment pretraining share. The stacking and tokenizing are CLIP's
    collator's own."""

    def __init__(self, tokenizer, max_length: int = 35, first_token: str = "enc"):
        super().__init__(tokenizer, max_length)
        self.first_token = first_token

    def __call__(self, samples: list[dict]) -> dict:
        batch = super().__call__(samples)
        batch["input_ids"] = conventions.itm_input_ids(batch["input_ids"], self.tokenizer, self.first_token)
        return batch


class Nlvr2Collator(TwinTextCollator):
    """Statements with their first token, images stacked to (batch, 2, C, H, W), true/false labels."""

    def __call__(self, samples: list[dict]) -> dict:
        batch = super().__call__(samples)
        batch["labels"] = torch.tensor([s["label"] for s in samples], dtype=torch.long)
        return batch
