"""Flamingo's frozen image encoder behind a small interface, so that any tower can be plugged in.

An encoder maps pixel values (N, 3, H, W) to patch features (N, P, D) and says its width (`hidden_size`) and
how images are preprocessed (`image_processor`). The default is transformers' `CLIPVisionModel` (the CLIP
tower models/clip trains), built from a tiny config or loaded from any CLIP checkpoint directory.
"""

from __future__ import annotations

from typing import Protocol

import torch
from torch import nn
from transformers import CLIPImageProcessorPil, CLIPVisionConfig, CLIPVisionModel

# (hidden, layers, heads, image size, patch size)
_DIMS = {
    "tiny": (32, 2, 2, 32, 8),
    "demo": (64, 2, 2, 64, 8),
    "vit-l-14": (1024, 24, 16, 224, 14),
}
VISION_PRESETS = tuple(_DIMS)


class VisionEncoder(Protocol):
    hidden_size: int
    image_processor: object

    def __call__(self, pixel_values: torch.Tensor) -> torch.Tensor: ...


class ClipVisionEncoder(nn.Module):
    """Patch features of a CLIP vision tower: the last hidden state, class token included (no pooling)."""

    def __init__(self, model: CLIPVisionModel, image_processor: CLIPImageProcessorPil):
        super().__init__()
        self.model = model
        self.image_processor = image_processor
        self.hidden_size = model.config.hidden_size

    @classmethod
    def from_preset(cls, preset: str) -> ClipVisionEncoder:
        if preset not in _DIMS:
            raise ValueError(f"unknown vision preset {preset!r}; choose one of {', '.join(VISION_PRESETS)}")
        hidden, layers, heads, size, patch = _DIMS[preset]
        config = CLIPVisionConfig(
            hidden_size=hidden,
            intermediate_size=4 * hidden,
            num_hidden_layers=layers,
            num_attention_heads=heads,
            image_size=size,
            patch_size=patch,
        )
        processor = CLIPImageProcessorPil(
            size={"shortest_edge": size}, crop_size={"height": size, "width": size}
        )
        return cls(CLIPVisionModel(config), processor)

    @classmethod
    def from_pretrained(cls, source: str) -> ClipVisionEncoder:
        """A CLIPModel or CLIPVisionModel checkpoint (models/clip's exports and OpenAI's load alike)."""
        return cls(CLIPVisionModel.from_pretrained(source), CLIPImageProcessorPil.from_pretrained(source))

    def save_pretrained(self, directory) -> None:
        self.model.save_pretrained(directory)
        self.image_processor.save_pretrained(directory)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.model(pixel_values=pixel_values).last_hidden_state
