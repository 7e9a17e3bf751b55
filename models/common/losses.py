"""Losses more than one model trains with: the captioning (next-token) loss of Flamingo and BLIP-2."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def caption_loss(logits: torch.Tensor, labels: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Next-token cross-entropy on the labelled positions; reduction="none" gives one mean per sequence."""
    shifted, targets = logits[:, :-1].float(), labels[:, 1:]
    losses = F.cross_entropy(shifted.transpose(1, 2), targets, ignore_index=-100, reduction="none")
    if reduction == "mean":
        return losses.sum() / (targets != -100).sum().clamp(min=1)
    return losses.sum(1) / (targets != -100).sum(1).clamp(min=1)
