"""A tiny BLIP pretrained checkpoint (all three objectives) saved as `models.pretrain blip` saves it, the init
of the VQA tests, and a tiny demo-world VQA dataset."""

from __future__ import annotations

from pathlib import Path

import torch

from capfilt.world.vqa import VqaWorldSettings, generate_vqa
from models.blip import checkpoint
from models.blip.model import BlipPretrainingModel
from tests.helpers.capfilt_tiny import IMAGE_SIZE, tiny_config, tiny_processor


def save_tiny_pretrained(directory: Path, seed: int = 0) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = BlipPretrainingModel(tiny_config())
    with torch.no_grad():  # a wider spread than the random init, so answers differ between questions
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(4.0)
    checkpoint.save_pretrained(model, tiny_processor(directory), directory)
    return directory


def tiny_vqa_world(directory: Path, train: int = 12, test: int = 4) -> Path:
    """train/ and test/ vqa Parquet of the demo world at the tiny model's image size."""
    generate_vqa(VqaWorldSettings(output=str(directory), train=train, test=test, image_size=IMAGE_SIZE))
    return directory
