"""BLIP-2 checkpoints in transformers' format.

- Stage 1 -> a directory `Blip2ForImageTextRetrieval.from_pretrained` loads (ITC and ITM as trained here);
  it also holds this project's ITG head and temperature, which transformers ignores (it has no ITG head),
  plus the Q-Former's WordPiece tokenizer and the image processor.
- Stage 2 -> exactly a `Blip2ForConditionalGeneration` (save_pretrained), with the LM's tokenizer.
"""

from __future__ import annotations

from pathlib import Path

from safetensors.torch import load_file, save_file
from transformers import AutoTokenizer, Blip2Config, BlipImageProcessorPil

from models.blip2.stage1 import Blip2Stage1
from models.blip2.stage2 import Blip2Stage2

WEIGHTS = "model.safetensors"
TIED = "itg_head.decoder.weight"  # = embeddings.word_embeddings.weight; safetensors stores it once


def save_stage1(model: Blip2Stage1, tokenizer, image_processor, directory: Path) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.config.architectures = ["Blip2ForImageTextRetrieval"]
    model.config.save_pretrained(directory)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items() if k != TIED}
    save_file(state, directory / WEIGHTS, metadata={"format": "pt"})
    tokenizer.save_pretrained(directory)
    image_processor.save_pretrained(directory)


def load_stage1(directory: str | Path):
    """(Blip2Stage1, tokenizer, image processor) from a directory written by save_stage1."""
    directory = Path(directory)
    model = Blip2Stage1(Blip2Config.from_pretrained(directory))
    missing, unexpected = model.load_state_dict(load_file(directory / WEIGHTS), strict=False)
    if unexpected or set(missing) - {TIED}:
        raise ValueError(
            f"{directory} is not a BLIP-2 stage-1 checkpoint: missing {missing}, unexpected {unexpected}"
        )
    return model, AutoTokenizer.from_pretrained(directory), BlipImageProcessorPil.from_pretrained(directory)


def save_stage2(model: Blip2Stage2, tokenizer, image_processor, directory: Path) -> None:
    directory = Path(directory)
    model.blip2.config.architectures = ["Blip2ForConditionalGeneration"]
    model.blip2.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    image_processor.save_pretrained(directory)
