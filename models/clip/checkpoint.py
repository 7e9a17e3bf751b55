"""CLIP checkpoints in transformers' format: config.json + model.safetensors + the processor's files.

A directory written here loads with `CLIPModel.from_pretrained` and `CLIPProcessor.from_pretrained`; any such
directory (OpenAI's included, once downloaded) loads with `load_clip`.
"""

from __future__ import annotations

import os
from pathlib import Path

from transformers import CLIPImageProcessorPil, CLIPModel, CLIPProcessor

from models.clip.model import ClipPretrainingModel


def image_processor_for(image_size: int) -> CLIPImageProcessorPil:
    """CLIP's preprocessing (resize the short side, centre crop, OpenAI mean/std) at `image_size`.

    The PIL backend: the default one needs torchvision, which this project does not install.
    """
    return CLIPImageProcessorPil(
        size={"shortest_edge": image_size}, crop_size={"height": image_size, "width": image_size}
    )


def save_clip(
    model: ClipPretrainingModel | CLIPModel, processor: CLIPProcessor, directory: str | os.PathLike
) -> Path:
    directory = Path(directory)
    clip = model.clip if isinstance(model, ClipPretrainingModel) else model
    clip.save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


def load_clip(directory: str | os.PathLike) -> tuple[CLIPModel, CLIPProcessor]:
    """The model (in eval mode) and its processor; a missing directory is one clear error naming it."""
    path = Path(directory)
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"{directory}: not a CLIP checkpoint directory (no config.json)")
    return CLIPModel.from_pretrained(path).eval(), CLIPProcessor.from_pretrained(path)
