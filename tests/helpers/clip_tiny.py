"""Tiny CLIP models and batches for the CLIP tests: built locally, nothing downloaded."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import BertTokenizer, CLIPProcessor

from models.clip import ClipLoss, ClipPretrainingModel, clip_config, image_processor_for

WORDS = ["a", "an", "the", "of", "on", "in", "at", "red", "green", "blue", "yellow"]
WORDS += ["circle", "square", "triangle", "star", "photo", "picture", "image", "drawing"]
# [CLS] is id 2 and [SEP] id 3: CLIP's text tower pools at the first [SEP].
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
IMAGE_SIZE = 32


def tiny_tokenizer(directory: Path) -> BertTokenizer:
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(SPECIALS + WORDS) + "\n")
    return BertTokenizer(str(vocab), do_lower_case=True)


def tiny_model(tokenizer, seed: int = 0, loss: ClipLoss | None = None) -> ClipPretrainingModel:
    torch.manual_seed(seed)
    config = clip_config(
        "tiny",
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id,
        eos_token_id=tokenizer.sep_token_id,
        image_size=IMAGE_SIZE,
        max_text_length=16,
    )
    return ClipPretrainingModel(config, loss=loss)


def tiny_processor(tokenizer) -> CLIPProcessor:
    return CLIPProcessor(image_processor=image_processor_for(IMAGE_SIZE), tokenizer=tokenizer)


def random_batch(size: int, vocab_size: int, seed: int, length: int = 6) -> dict[str, torch.Tensor]:
    """Images and token rows [CLS] w.. [SEP] [PAD].. of varying length, as a collator would make them."""
    generator = torch.Generator().manual_seed(seed)
    ids = torch.zeros(size, length, dtype=torch.long)
    mask = torch.zeros(size, length, dtype=torch.long)
    for row in range(size):
        words = int(torch.randint(1, length - 1, (1,), generator=generator))
        ids[row, 0] = 2
        ids[row, 1 : 1 + words] = torch.randint(len(SPECIALS), vocab_size, (words,), generator=generator)
        ids[row, 1 + words] = 3
        mask[row, : 2 + words] = 1
    pixels = torch.randn(size, 3, IMAGE_SIZE, IMAGE_SIZE, generator=generator)
    return {"pixel_values": pixels, "input_ids": ids, "attention_mask": mask}
