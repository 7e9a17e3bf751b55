"""Attention through SDPA, and the folding that lets many texts of one image share its keys and values."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """(batch, length, hidden) -> (batch, heads, length, head_dim), a view."""
    batch, length, _ = x.shape
    return x.view(batch, length, heads, -1).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """(batch, heads, length, head_dim) -> (batch, length, hidden)."""
    batch, heads, length, head_dim = x.shape
    return x.transpose(1, 2).reshape(batch, length, heads * head_dim)


def attend(query, key, value, mask: torch.Tensor | None = None, causal: bool = False) -> torch.Tensor:
    return F.scaled_dot_product_attention(query, key, value, attn_mask=mask, is_causal=causal)


def key_padding_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """(rows, length) 0/1 mask -> boolean (rows, 1, 1, length) that SDPA broadcasts over heads and queries."""
    return attention_mask.bool()[:, None, None, :]


@dataclass(frozen=True)
class ImageGroups:
    """Which image each text row belongs to.

    Cross-attention is the same computation for every text of an image, so the rows of one image are
    folded into one long query sequence: (rows, length, C) -> (images, rows_per_image * length, C). One
    attention call per image then reads its keys and values once, with no copy of them per text. When every
    image has the same number of rows, in image order (the captioner's N samples), folding is a free view;
    otherwise rows are scattered into a zero-padded layout.
    """

    image_of_row: torch.Tensor
    slot_of_row: torch.Tensor
    num_images: int
    group_size: int
    uniform: bool

    @classmethod
    def from_counts(cls, counts: list[int], device: torch.device | str = "cpu") -> ImageGroups:
        image_of_row = [i for i, count in enumerate(counts) for _ in range(count)]
        slot_of_row = [slot for count in counts for slot in range(count)]
        group_size = max(counts, default=0)
        return cls(
            image_of_row=torch.tensor(image_of_row, dtype=torch.long, device=device),
            slot_of_row=torch.tensor(slot_of_row, dtype=torch.long, device=device),
            num_images=len(counts),
            group_size=group_size,
            uniform=all(count == group_size for count in counts),
        )

    @classmethod
    def repeated(cls, num_images: int, copies: int, device: torch.device | str = "cpu") -> ImageGroups:
        return cls.from_counts([copies] * num_images, device)

    def fold(self, rows: torch.Tensor) -> torch.Tensor:
        """(rows, length, C) -> (images, group_size * length, C)."""
        _, length, channels = rows.shape
        if self.uniform:
            return rows.reshape(self.num_images, self.group_size * length, channels)
        padded = rows.new_zeros(self.num_images, self.group_size, length, channels)
        padded[self.image_of_row, self.slot_of_row] = rows
        return padded.view(self.num_images, self.group_size * length, channels)

    def unfold(self, folded: torch.Tensor, length: int) -> torch.Tensor:
        """Inverse of `fold`: (images, group_size * length, C) -> (rows, length, C)."""
        channels = folded.shape[-1]
        if self.uniform:
            return folded.reshape(self.num_images * self.group_size, length, channels)
        return folded.view(self.num_images, self.group_size, length, channels)[
            self.image_of_row, self.slot_of_row
        ]
