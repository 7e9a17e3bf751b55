"""Tiny BLIP checkpoints for the engine's equivalence tests, saved and loaded like real ones.

Unlike tests/helpers/capfilt_tiny.py's defaults, the vision encoder gets a non-negligible init (transformers'
vision default, 1e-10, makes every image encode to ~0), so captions and scores depend on the image and
greedy captions end at different lengths: an equivalence test must be able to see a wrong image or a
wrong EOS handling.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image
from transformers import BlipForConditionalGeneration, BlipForImageTextRetrieval

from tests.helpers.capfilt_tiny import tiny_config, tiny_processor

MODEL_CLASSES = {"captioner": BlipForConditionalGeneration, "filter": BlipForImageTextRetrieval}


def save_checkpoint(
    kind: str, directory: Path, seed: int, vision_from: torch.nn.Module | None = None
) -> Path:
    """A random tiny `captioner` or `filter`; `vision_from` copies another model's vision encoder into it."""
    config = tiny_config()
    config.vision_config.initializer_range = 0.02
    torch.manual_seed(seed)
    model = MODEL_CLASSES[kind](config)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(8.0)  # spread logits so that sampling and ITM scores are informative
        if vision_from is not None:
            model.vision_model.load_state_dict(vision_from.state_dict())
    directory.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(directory), safe_serialization=True)
    tiny_processor(directory).save_pretrained(str(directory))
    return directory


def noise_images(count: int, seed: int = 0) -> list[Image.Image]:
    """Random RGB images of assorted sizes (the processor resizes them)."""
    rng = np.random.default_rng(seed)
    return [
        Image.fromarray(rng.integers(0, 256, (30 + 3 * i, 40 - 2 * i, 3), dtype=np.uint8))
        for i in range(count)
    ]
