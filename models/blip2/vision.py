"""BLIP-2's frozen image encoder from a trained BLIP vision tower (`--vision DIR` of stage 1).

BLIP-2 trains its Q-Former against a *pretrained* frozen image encoder. transformers' `Blip2VisionModel` is
the same network as `BlipVisionModel` (same parameter names and shapes; BLIP's attention has a full qkv bias,
which Blip2's `qkv_bias=True` holds as one parameter), so any BLIP checkpoint's vision tower loads into it
unchanged and computes the same features: models.pretrain blip / models.finetune outputs, transformers BLIP
checkpoints, or another BLIP-2 directory. CLIP's tower is a different network (a pre-LayerNorm Blip2 lacks,
separate q/k/v, quick-GELU), so CLIP checkpoints are refused with a message rather than loaded approximately.
Weights are read from safetensors only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import Blip2VisionConfig, BlipImageProcessorPil

from models.common.checkpoint_io import read_config, read_state_dict

# config.json model_type -> where the vision config sits in it (None: the file is the vision config).
_VISION_CONFIG_AT = {"blip": "vision_config", "blip-2": "vision_config", "blip_vision_model": None}
_COPIED = (
    "hidden_size",
    "intermediate_size",
    "num_hidden_layers",
    "num_attention_heads",
    "image_size",
    "patch_size",
    "hidden_act",
    "layer_norm_eps",
    "attention_dropout",
)


@dataclass
class VisionTower:
    config: Blip2VisionConfig
    state_dict: dict[str, torch.Tensor]  # keys of Blip2VisionModel (no "vision_model." prefix)
    image_processor: BlipImageProcessorPil
    source: str


def load_vision_tower(source: str | Path) -> VisionTower:
    """The vision tower of the BLIP (or BLIP-2) checkpoint directory `source`, as a Blip2VisionModel's."""
    directory = Path(source)
    config = read_config(directory, "--vision")
    model_type = config.get("model_type", "")
    if model_type.startswith("clip"):
        raise ValueError(
            f"--vision {source} is a CLIP checkpoint ({model_type}); BLIP-2's Blip2VisionModel is BLIP's "
            "architecture, and CLIP's tower differs (pre-LayerNorm, separate q/k/v projections, quick-GELU), "
            "so it cannot be loaded without changing its features. Use a BLIP checkpoint "
            "(python -m models.pretrain blip ...)."
        )
    if model_type not in _VISION_CONFIG_AT:
        raise ValueError(
            f"--vision {source}: model_type {model_type!r} is not a BLIP or BLIP-2 checkpoint "
            f"(expected one of {', '.join(sorted(_VISION_CONFIG_AT))})"
        )
    at = _VISION_CONFIG_AT[model_type]
    vision = config.get(at, {}) if at else config
    defaults = Blip2VisionConfig()
    blip2_vision = Blip2VisionConfig(
        **{k: vision.get(k, getattr(defaults, k)) for k in _COPIED}, qkv_bias=True, initializer_range=0.02
    )
    state = read_state_dict(directory)
    prefix = "vision_model." if at else ""
    tower = {k[len(prefix) :]: v.float() for k, v in state.items() if k.startswith(prefix)}
    if at is None:
        tower = {k.removeprefix("vision_model."): v for k, v in tower.items()}
    _check_matches(tower, blip2_vision, source)
    return VisionTower(blip2_vision, tower, BlipImageProcessorPil.from_pretrained(directory), str(source))


def _check_matches(tower: dict[str, torch.Tensor], config: Blip2VisionConfig, source) -> None:
    from transformers import Blip2VisionModel

    with torch.device("meta"):
        expected = Blip2VisionModel(config).state_dict()
    missing = sorted(set(expected) - set(tower))
    unexpected = sorted(set(tower) - set(expected))
    wrong = sorted(k for k in set(expected) & set(tower) if tower[k].shape != expected[k].shape)
    if missing or unexpected or wrong:
        raise ValueError(
            f"--vision {source}: its weights do not form the vision tower its config describes "
            f"(missing {missing[:3]}, unexpected {unexpected[:3]}, wrong shapes {wrong[:3]})"
        )
