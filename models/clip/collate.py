"""Turning (image tensor, text) samples into CLIP's batch tensors."""

from __future__ import annotations

import torch


class ClipCollator:
    """Stacks images and tokenizes texts (padded to the longest, truncated, end token kept).

    Picklable, so it runs inside DataLoader worker processes.
    """

    def __init__(self, tokenizer, max_length: int = 77):
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, samples: list[dict]) -> dict:
        tokens = self.tokenizer(
            [s["text"] for s in samples],
            padding="longest",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
            return_token_type_ids=False,
        )
        return {
            "pixel_values": torch.stack([s["pixel_values"] for s in samples]),
            "input_ids": tokens.input_ids,
            "attention_mask": tokens.attention_mask,
            "keys": [s["key"] for s in samples],
        }
