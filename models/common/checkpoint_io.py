"""Reading transformers checkpoint directories without unpickling anything: config.json and the weights of
a (possibly sharded) safetensors checkpoint. BLIP loads its own checkpoints with them, BLIP-2 its vision
tower and Q-Former initialisation from BLIP checkpoints."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file

WEIGHTS = "model.safetensors"
WEIGHTS_INDEX = "model.safetensors.index.json"


def read_config(directory: Path, flag: str) -> dict:
    """config.json of a BLIP checkpoint directory given by the command-line option `flag`."""
    config_file = directory / "config.json"
    if not config_file.is_file():
        raise FileNotFoundError(f"{flag} {directory}: no config.json (expected a BLIP checkpoint directory)")
    return json.loads(config_file.read_text())


def read_state_dict(directory: Path) -> dict[str, torch.Tensor]:
    """All tensors of a (possibly sharded) safetensors checkpoint."""
    if (directory / WEIGHTS).exists():
        return load_file(directory / WEIGHTS)
    if (directory / WEIGHTS_INDEX).exists():
        shards = sorted(set(json.loads((directory / WEIGHTS_INDEX).read_text())["weight_map"].values()))
        state: dict[str, torch.Tensor] = {}
        for shard in shards:
            state.update(load_file(directory / shard))
        return state
    raise FileNotFoundError(f"{directory}: no {WEIGHTS} (only safetensors checkpoints are read)")


def state_dict_keys(directory: Path) -> set[str]:
    """The tensor names of a (possibly sharded) safetensors checkpoint, without reading the tensors."""
    if (directory / WEIGHTS).exists():
        with safe_open(directory / WEIGHTS, "pt") as weights:
            return set(weights.keys())
    if (directory / WEIGHTS_INDEX).exists():
        return set(json.loads((directory / WEIGHTS_INDEX).read_text())["weight_map"])
    raise FileNotFoundError(f"{directory}: no {WEIGHTS} (only safetensors checkpoints are read)")
