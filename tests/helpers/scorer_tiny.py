"""Tiny CLIP and SigLIP scorer checkpoints built locally, saved like real ones (safetensors + tokenizer +
image processor) and loaded through capfilt.curate.checkpoints, the same code as a hub id."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (
    BertTokenizer,
    CLIPConfig,
    CLIPImageProcessorPil,
    CLIPModel,
    SiglipConfig,
    SiglipImageProcessorPil,
    SiglipModel,
)

from tests.helpers.capfilt_tiny import SPECIALS, WORDS

IMAGE_SIZE = 32
TEXT = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 2}
VISION = {**TEXT, "image_size": IMAGE_SIZE, "patch_size": 8}


def save_tiny_scorer(family: str, directory: Path, seed: int = 0, projection_dim: int = 16) -> Path:
    """A random tiny `clip` (CLIPModel) or `siglip` (SiglipModel) checkpoint in `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(SPECIALS + WORDS) + "\n")
    tokenizer = BertTokenizer(str(vocab_file), do_lower_case=True)
    ids = {"vocab_size": len(tokenizer), "pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 3}
    torch.manual_seed(seed)
    if family == "clip":
        text = {**TEXT, **ids, "max_position_embeddings": 16}
        model = CLIPModel(CLIPConfig(text_config=text, vision_config=VISION, projection_dim=projection_dim))
        images = CLIPImageProcessorPil(size={"shortest_edge": IMAGE_SIZE}, crop_size=IMAGE_SIZE)
    else:
        text = {**TEXT, **ids, "max_position_embeddings": 16}
        model = SiglipModel(SiglipConfig(text_config=text, vision_config=VISION))
        images = SiglipImageProcessorPil(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    model.save_pretrained(str(directory), safe_serialization=True)
    tokenizer.save_pretrained(str(directory))
    images.save_pretrained(str(directory))
    return directory
