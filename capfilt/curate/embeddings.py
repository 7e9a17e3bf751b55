"""CLIP image and text embeddings (transformers' `CLIPModel`): the vectors behind `--embeddings`,
SemDeDup and embedding decontamination.

The checkpoint is a `save_pretrained` CLIPModel directory (local, remote copied first, or a hub id), weights
read from safetensors only. Vectors come back L2-normalised as float32, so a dot product is the cosine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from transformers import AutoProcessor, CLIPModel
from transformers.utils import logging as transformers_logging

from capfilt.curate import checkpoints
from capfilt.curate.checkpoints import CheckpointError

# CLIP's text tower has 77 positions; a tiny test model may have fewer (its config says).
MAX_TEXT_TOKENS = 77


def check_clip(name: str) -> None:
    """Fail before the job starts when `name` cannot be a CLIP embedding model: a missing directory,
    no safetensors weights, no processor, or a config.json of another model type."""
    if name.startswith(checkpoints.REMOTE_PREFIXES):
        return
    path = Path(name).expanduser()
    if not path.is_dir():
        if checkpoints._looks_like_hub_id(name) and not path.exists():
            return  # resolved by transformers where it is loaded (offline: from the local cache)
        raise CheckpointError(f"--embeddings {name}: expected a CLIPModel save_pretrained() directory")
    has_weights = any(path.glob("model*.safetensors")) or (path / "model.safetensors.index.json").exists()
    if not (path / "config.json").exists() or not has_weights:
        pickled = sorted(f.name for f in [*path.glob("*.bin"), *path.glob("*.pt*")])
        hint = f" ({', '.join(pickled)} is never unpickled)" if pickled else ""
        raise CheckpointError(
            f"--embeddings {name} is incomplete: needs config.json and model.safetensors{hint}"
        )
    try:
        model_type = json.loads((path / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError) as error:
        raise CheckpointError(f"--embeddings {name}: cannot read config.json ({error})") from error
    if model_type != "clip":
        raise CheckpointError(f"--embeddings {name} is a {model_type!r} model; expected a CLIP checkpoint")


class ClipEmbedder:
    """images(list of PIL images) and texts(list of str) -> (n, d) float32 L2-normalised rows."""

    def __init__(self, name: str, device: str = "cpu", precision: str = "fp32"):
        check_clip(name)
        source = checkpoints._local_copy(name) if name.startswith(checkpoints.REMOTE_PREFIXES) else name
        with checkpoints.LOADING:  # one load at a time per process (checkpoints.LOADING says why)
            verbosity = transformers_logging.get_verbosity()
            transformers_logging.set_verbosity_error()
            transformers_logging.disable_progress_bar()
            try:
                self.model = CLIPModel.from_pretrained(
                    source, use_safetensors=True, dtype=checkpoints.DTYPES[precision]
                )
                self.processor = AutoProcessor.from_pretrained(source)
            except OSError as error:
                raise CheckpointError(f"cannot load CLIP checkpoint {name}: {error}") from error
            finally:
                transformers_logging.set_verbosity(verbosity)
        self.device = checkpoints.resolve_device(device)
        self.model.eval().to(self.device)
        positions = self.model.config.text_config.max_position_embeddings
        self.max_text_tokens = min(MAX_TEXT_TOKENS, positions)

    @property
    def dimension(self) -> int:
        return self.model.config.projection_dim

    @torch.inference_mode()
    def images(self, images: list) -> np.ndarray:
        if not images:
            return np.zeros((0, self.dimension), np.float32)
        pixels = self.processor(images=images, return_tensors="pt")["pixel_values"]
        features = self.model.get_image_features(pixel_values=pixels.to(self.device, self.model.dtype))
        return _normalised(features)

    @torch.inference_mode()
    def texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        tokens = self.processor(
            text=texts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self.max_text_tokens,
        )
        features = self.model.get_text_features(
            input_ids=tokens["input_ids"].to(self.device),
            attention_mask=tokens["attention_mask"].to(self.device),
        )
        return _normalised(features)


def _normalised(features) -> np.ndarray:
    if not isinstance(features, torch.Tensor):  # newer transformers may return an output object
        features = features.pooler_output
    vectors = features.float().cpu().numpy()
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
