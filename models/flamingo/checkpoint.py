"""A trained Flamingo on disk: the frozen parts in their own transformers formats, the new parts apart.

    DIR/lm/                    the frozen causal LM (save_pretrained), loads with AutoModelForCausalLM
    DIR/vision/                the frozen vision tower and its image processor (CLIPVisionModel)
    DIR/tokenizer/             the LM's tokenizer plus `<image>` and `<|endofchunk|>`
    DIR/flamingo.safetensors   resampler, gated cross-attention blocks, new token embeddings
    DIR/flamingo_config.json   FlamingoConfig and the new token ids

transformers has no Flamingo class, so the new parts are this project's format; the frozen parts are
unchanged and shareable.
"""

from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import load_file, save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from models.flamingo.model import FlamingoConfig, FlamingoModel
from models.flamingo.vision import ClipVisionEncoder

CONFIG = "flamingo_config.json"
WEIGHTS = "flamingo.safetensors"


def trainable_state(model: FlamingoModel) -> dict:
    names = {n for n, p in model.named_parameters() if p.requires_grad}
    return {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items() if k in names}


def save_flamingo(model: FlamingoModel, tokenizer, directory: Path) -> None:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model.lm.save_pretrained(directory / "lm")
    model.vision.save_pretrained(directory / "vision")
    tokenizer.save_pretrained(directory / "tokenizer")
    save_file(trainable_state(model), directory / WEIGHTS)
    payload = {
        "config": model.config.to_dict(),
        "new_token_ids": [model.media_token_id, model.eoc_token_id],
    }
    (directory / CONFIG).write_text(json.dumps(payload, indent=2))


def load_flamingo(directory: str | Path):
    """(model in eval mode, tokenizer) from a directory written by save_flamingo."""
    directory = Path(directory)
    if not (directory / CONFIG).exists():
        raise FileNotFoundError(f"{directory} is not a Flamingo checkpoint (no {CONFIG})")
    payload = json.loads((directory / CONFIG).read_text())
    model = FlamingoModel(
        ClipVisionEncoder.from_pretrained(str(directory / "vision")),
        AutoModelForCausalLM.from_pretrained(directory / "lm"),
        payload["new_token_ids"],
        FlamingoConfig(**payload["config"]),
    )
    missing, unexpected = model.load_state_dict(load_file(directory / WEIGHTS), strict=False)
    # The frozen parts come from lm/ and vision/; everything else must be in the file.
    if unexpected or [k for k in missing if not k.startswith(("lm.", "vision."))]:
        raise ValueError(f"{directory / WEIGHTS} does not fit: missing {missing}, unexpected {unexpected}")
    return model.eval(), AutoTokenizer.from_pretrained(directory / "tokenizer")
