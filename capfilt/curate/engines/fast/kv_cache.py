"""Self-attention keys and values of the tokens decoded so far, preallocated for the whole caption."""

from __future__ import annotations

import torch


class SelfAttentionCache:
    """Per layer, (rows, heads, max_length, head_dim) buffers written in place: no concatenation per step."""

    def __init__(
        self, num_layers: int, rows: int, heads: int, max_length: int, head_dim: int, like: torch.Tensor
    ):
        shape = (num_layers, rows, heads, max_length, head_dim)
        self.keys = like.new_empty(shape)
        self.values = like.new_empty(shape)

    def write_prompt(self, layer: int, keys: torch.Tensor, values: torch.Tensor, copies: int) -> None:
        """Store the prompt's keys/values, computed once per image, for each of its `copies` sequences."""
        images, _, length, _ = keys.shape
        self.keys[layer].unflatten(0, (images, copies))[:, :, :, :length] = keys[:, None]
        self.values[layer].unflatten(0, (images, copies))[:, :, :, :length] = values[:, None]

    def append(
        self, layer: int, position: int, key: torch.Tensor, value: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Write one new token's key/value at `position`; return the keys/values of positions 0..position."""
        self.keys[layer, :, :, position] = key[:, :, 0]
        self.values[layer, :, :, position] = value[:, :, 0]
        return self.keys[layer, :, :, : position + 1], self.values[layer, :, :, : position + 1]

    def keep_rows(self, rows: torch.Tensor) -> None:
        """Drop the rows of sequences that left the batch (a copy, made only when an image finishes)."""
        self.keys = self.keys[:, rows]
        self.values = self.values[:, rows]
