"""The evaluation both Flamingo and BLIP-2 training tests use (on the session `vlm_world`): caption loss on
the test split with the right image versus a shuffled one."""

from __future__ import annotations

import json
from pathlib import Path

import torch

import schemas
from models.training.data import ParquetImageText


def held_out_samples(world: Path, transform, count: int = 64) -> list[dict]:
    dataset = ParquetImageText(schemas.expand(str(world / "test" / "*.parquet")), transform, repeat=False)
    return [s for s, _ in zip(dataset, range(count), strict=False)]


def shuffled(samples: list[dict]) -> list[dict]:
    """The same captions, each with another sample's image (a derangement: no image stays in place)."""
    images = [s["pixel_values"] for s in samples]
    images = images[1:] + images[:1]
    return [{**s, "pixel_values": image} for s, image in zip(samples, images, strict=True)]


def mean_loss(per_sample: torch.Tensor) -> float:
    return float(per_sample.mean())


def first_and_last_losses(output: Path, window: int = 5) -> tuple[float, float]:
    losses = [json.loads(line)["loss"] for line in (output / "train_log.jsonl").read_text().splitlines()]
    return sum(losses[:window]) / window, sum(losses[-window:]) / window
