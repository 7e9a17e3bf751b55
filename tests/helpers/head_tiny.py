"""Tiny embedding heads in LAION's layouts (random weights, tiny widths), saved as safetensors the way the
docs' conversion writes them."""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

# Linear widths after the input, per layout, at tiny width (the real mlp: 1024, 128, 64, 16, 1; the
# LAION NSFW B/32 relu_chain: 32, 32, 1).
WIDTHS = {"linear": (1,), "mlp": (12, 8, 6, 4, 1), "relu_mlp": (12, 8, 6, 4, 1), "relu_chain": (12, 8, 1)}
INDICES = {"linear": (None,), "mlp": (0, 2, 4, 6, 7), "relu_mlp": (0, 3, 6, 9, 11), "relu_chain": (0, 2, 4)}


def save_tiny_head(path: Path, layout: str, input_dim: int, seed: int = 0, metadata: dict | None = None):
    """(path, state_dict) of a random head; the state dict uses the key names of LAION's .pth files."""
    generator = torch.Generator().manual_seed(seed)
    weights, width = {}, input_dim
    for index, out in zip(INDICES[layout], WIDTHS[layout], strict=True):
        prefix = "" if index is None else f"layers.{index}."
        weights[prefix + "weight"] = torch.randn(out, width, generator=generator)
        weights[prefix + "bias"] = torch.randn(out, generator=generator)
        width = out
    save_file(weights, str(path), metadata=metadata)
    return path, weights
