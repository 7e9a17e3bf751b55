"""Tiny BLIP checkpoints built locally, saved and loaded exactly like a real one (safetensors + processor).

The one builder of tiny captioner/filter checkpoints: tests/conftest.py's session `tiny_blip` (captioner
seed 0, filter seed 1) is made with it; a test that needs another variant calls `save_tiny` with its own
arguments.
"""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (
    BertTokenizer,
    BlipConfig,
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
    BlipImageProcessorPil,
    BlipProcessor,
)

VOCABULARY = """
a picture of the an red green blue yellow white black small large big circle square
triangle star on in with and photo image jpg img dsc logo click here background left
right top bottom center sky tree dog cat two three is near some
"""
WORDS = VOCABULARY.split()
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# BLIP adds a decoder start token and an encoder token after BERT's vocabulary.
BLIP_TOKENS = ["[DEC]", "[ENC]"]
IMAGE_SIZE = 32


def tiny_config(vocab: list[str] | None = None) -> BlipConfig:
    """The tiny architecture; `vocab` without BLIP_TOKENS gives the hub's layout (below)."""
    vocab = vocab or SPECIALS + WORDS + BLIP_TOKENS
    # The hub's converted checkpoints keep [DEC]/[ENC] as ids after the tokenizer's words, not as tokens.
    hub_layout = "[DEC]" not in vocab
    vocab = vocab + BLIP_TOKENS if hub_layout else vocab
    text = {
        "vocab_size": len(vocab),
        "hidden_size": 32,
        "encoder_hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "max_position_embeddings": 64,
        "bos_token_id": vocab.index("[DEC]"),
        "eos_token_id": vocab.index("[SEP]"),
        "sep_token_id": vocab.index("[SEP]"),
        "pad_token_id": vocab.index("[PAD]"),
    }
    vision = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "image_size": IMAGE_SIZE,
        "patch_size": 8,
        # transformers' BLIP vision init (1e-10) would make every image encode to ~0, so a test could not
        # tell images apart; a normal init keeps the image in play.
        "initializer_range": 0.02,
    }
    return BlipConfig(text_config=text, vision_config=vision, image_text_hidden_size=16)


def save_hub_layout(kind: str, directory: Path, seed: int) -> Path:
    """A tiny checkpoint laid out as transformers' conversion writes Salesforce's (the hub's
    blip-image-captioning-* and blip-itm-*-coco): a BERT tokenizer with BERT's five specials only (no [DEC],
    no [ENC], no bos token), `text_config.bos_token_id` = [DEC] = the id after the vocabulary, vocab_size
    two larger, and no `itm_first_token` or `caption_prompt` in config.json."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    vocab = SPECIALS + WORDS
    model_class = BlipForConditionalGeneration if kind == "captioner" else BlipForImageTextRetrieval
    model = model_class(tiny_config(vocab))
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(8.0)
    model.save_pretrained(str(directory), safe_serialization=True)
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(str(vocab_file), do_lower_case=True)
    images = BlipImageProcessorPil(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    BlipProcessor(images, tokenizer).save_pretrained(str(directory))
    return directory


def tiny_processor(directory: Path) -> BlipProcessor:
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(SPECIALS + WORDS + BLIP_TOKENS) + "\n")
    tokenizer = BertTokenizer(str(vocab_file), do_lower_case=True, bos_token="[DEC]")
    tokenizer.add_special_tokens({"additional_special_tokens": ["[ENC]"]})
    images = BlipImageProcessorPil(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    return BlipProcessor(images, tokenizer)


def save_tiny(kind: str, directory: Path, seed: int, vision_from: torch.nn.Module | None = None) -> Path:
    """Write a random tiny `captioner` (BlipForConditionalGeneration) or `filter` (retrieval) checkpoint;
    `vision_from` copies another model's vision encoder into it."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model_class = BlipForConditionalGeneration if kind == "captioner" else BlipForImageTextRetrieval
    model = model_class(tiny_config())
    # Random init gives near-uniform logits; a wider spread makes sampling and ITM scores informative.
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(8.0)
        if vision_from is not None:
            model.vision_model.load_state_dict(vision_from.state_dict())
    model.save_pretrained(str(directory), safe_serialization=True)
    tiny_processor(directory).save_pretrained(str(directory))
    return directory
