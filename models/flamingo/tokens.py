"""Flamingo's two special tokens and how interleaved sequences and their labels are laid out."""

from __future__ import annotations

import torch

MEDIA_TOKEN = "<image>"
END_OF_CHUNK = "<|endofchunk|>"
FLAMINGO_TOKENS = (MEDIA_TOKEN, END_OF_CHUNK)
IGNORE_INDEX = -100


def add_flamingo_tokens(tokenizer) -> tuple[int, int]:
    """Register `<image>` and `<|endofchunk|>` (kept if the vocabulary has them); returns their ids."""
    missing = [
        t for t in FLAMINGO_TOKENS if tokenizer.convert_tokens_to_ids(t) in (None, tokenizer.unk_token_id)
    ]
    if missing:
        tokenizer.add_special_tokens(
            {"additional_special_tokens": missing}, replace_extra_special_tokens=False
        )
    media_id, eoc_id = (tokenizer.convert_tokens_to_ids(t) for t in FLAMINGO_TOKENS)
    return media_id, eoc_id


def sequence_text(segments: list[str | None]) -> str:
    """Interleaved text: a segment is a string, or None for an image (or clip).

    As in the paper, `<|endofchunk|>` closes the text before every image and the end of the sequence, and
    every image is marked by `<image>`: "<image>a red circle<|endofchunk|><image>a blue star<|endofchunk|>".
    """
    parts: list[str] = []
    for segment in segments:
        if segment is None:
            if parts and parts[-1] not in (MEDIA_TOKEN, END_OF_CHUNK):
                parts.append(END_OF_CHUNK)
            parts.append(MEDIA_TOKEN)
        elif segment.strip():
            parts.append(segment.strip() if not parts or parts[-1] == MEDIA_TOKEN else " " + segment.strip())
    if parts and parts[-1] != END_OF_CHUNK:
        parts.append(END_OF_CHUNK)
    return "".join(parts)


def labels_for(input_ids: torch.Tensor, attention_mask: torch.Tensor, media_id: int, bos_id: int | None):
    """Targets aligned with the inputs: every text token and `<|endofchunk|>`, not padding, BOS or `<image>`
    (images are given, never predicted); tokens before the first image are plain LM targets, as in the
    paper's likelihood over the whole sequence."""
    labels = input_ids.masked_fill(attention_mask == 0, IGNORE_INDEX)
    labels = labels.masked_fill(input_ids == media_id, IGNORE_INDEX)
    if bos_id is not None:
        labels = labels.masked_fill(input_ids == bos_id, IGNORE_INDEX)
    return labels
