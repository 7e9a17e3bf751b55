"""Reading and writing BLIP checkpoints in transformers' format (config.json + safetensors + processor).

Three kinds of directory, all loadable by transformers:
- pretrained: every weight of BlipPretrainingModel (vision, text encoder, decoder, projections, ITM head,
  temperature); both `BlipForConditionalGeneration` and `BlipForImageTextRetrieval` load it (ignoring the
  other's weights), and `load_blip` initialises pretraining or fine-tuning from it.
- captioner: exactly a `BlipForConditionalGeneration`.
- filter: exactly a `BlipForImageTextRetrieval`.
Weights are only ever read from safetensors, never from pickles.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import (
    BlipConfig,
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
    BlipForQuestionAnswering,
    BlipProcessor,
    PreTrainedModel,
)

from models.blip.model import BlipObjectiveConfig, BlipPretrainingModel
from models.common.checkpoint_io import WEIGHTS, read_state_dict

log = logging.getLogger(__name__)

EXPORT_CLASSES = {
    "captioner": BlipForConditionalGeneration,
    "filter": BlipForImageTextRetrieval,
    "vqa": BlipForQuestionAnswering,  # models.blip.vqa.BlipVqaModel's weights, names as they are
}


def resolve(source: str) -> Path:
    """A local checkpoint directory, or a hub id fetched (safetensors and configs only) when online."""
    path = Path(source)
    if path.is_dir():
        return path
    if path.exists() or source.startswith((".", "/")) or source.count("/") != 1:
        raise FileNotFoundError(f"{source!r} is not a checkpoint directory")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(source, allow_patterns=["*.json", "*.safetensors", "*.txt"]))
    except Exception as error:  # offline, unknown id, gated: one clear message naming the source
        raise FileNotFoundError(
            f"{source!r} is neither a local directory nor a reachable hub model: {error}"
        ) from error


POSITION_EMBEDDING = "vision_model.embeddings.position_embedding"


def interpolate_position_embedding(position: torch.Tensor, grid: int) -> torch.Tensor:
    """A ViT position embedding (1, 1 + n*n, dim) resized to a `grid` x `grid` patch grid, [CLS]'s row kept:
    bicubic over the patch grid, as BLIP's `interpolate_pos_embed` (224 px pretraining -> 384 px)."""
    cls_row, patches = position[:, :1], position[:, 1:]
    side = round(patches.shape[1] ** 0.5)
    if side * side != patches.shape[1]:
        raise ValueError(f"position embedding of {patches.shape[1]} patches is not a square grid")
    if side == grid:
        return position
    square = patches.reshape(1, side, side, -1).permute(0, 3, 1, 2).float()
    resized = torch.nn.functional.interpolate(square, size=(grid, grid), mode="bicubic", align_corners=False)
    return torch.cat([cls_row, resized.permute(0, 2, 3, 1).flatten(1, 2).to(position.dtype)], dim=1)


def load_blip(
    source: str,
    objective: BlipObjectiveConfig | None = None,
    image_size: int = 0,
    model_class: type = BlipPretrainingModel,
) -> tuple[BlipPretrainingModel, BlipProcessor]:
    """A BlipPretrainingModel initialised from any transformers BLIP checkpoint, and its processor.

    Parts the checkpoint lacks (the text encoder when starting from a captioning checkpoint, say) keep their
    fresh initialisation and are logged. `image_size` > 0 changes the input resolution: the position
    embedding is interpolated to the new patch grid and the processor resizes to it. `model_class` is
    BlipPretrainingModel or a subclass (a task head).
    """
    directory = resolve(source)
    config = BlipConfig.from_pretrained(directory)
    state = read_state_dict(directory)
    processor = BlipProcessor.from_pretrained(directory)
    if image_size and image_size != config.vision_config.image_size:
        patch = config.vision_config.patch_size
        if image_size % patch:
            raise ValueError(f"--image_size {image_size} is not a multiple of the patch size {patch}")
        log.info(
            "%s: %d px -> %d px, position embedding interpolated",
            source,
            config.vision_config.image_size,
            image_size,
        )
        config.vision_config.image_size = image_size
        if POSITION_EMBEDDING in state:
            state[POSITION_EMBEDDING] = interpolate_position_embedding(
                state[POSITION_EMBEDDING], image_size // patch
            )
        processor.image_processor.size = {"height": image_size, "width": image_size}
    model = model_class(config, objective)
    wanted = model.state_dict()
    loadable = {k: v for k, v in state.items() if k in wanted}
    mismatched = [k for k, v in loadable.items() if v.shape != wanted[k].shape]
    if mismatched:
        raise ValueError(f"{source}: weights with unexpected shapes for this config: {mismatched[:5]}")
    missing = model.load_state_dict({k: v.float() for k, v in loadable.items()}, strict=False).missing_keys
    missing = [k for k in missing if not _is_tied(model, k) and not k.startswith("distiller.")]
    if missing:
        parts = sorted({k.split(".")[0] for k in missing})
        log.warning(
            "%s has no weights for %s: those start from a fresh initialisation", source, ", ".join(parts)
        )
    if model.distiller is not None:
        model.distiller.reset()  # the momentum copies start equal to the loaded weights
    return model, processor


def _is_tied(model: torch.nn.Module, key: str) -> bool:
    # The decoder's output projection is the word-embedding matrix; checkpoints store it once.
    return key.startswith("text_decoder.cls.predictions.decoder.")


def save_pretrained(
    model: BlipPretrainingModel, processor: BlipProcessor, directory: str | os.PathLike
) -> Path:
    """Write every weight of `model` (the `pretrained` kind) with its config and processor."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    model = _unwrap(model)
    # Shared encoder/decoder layers appear under both names; safetensors wants each tensor stored once.
    state = {k: v.detach().to("cpu", copy=True).contiguous() for k, v in model.state_dict().items()}
    save_file(state, directory / WEIGHTS, metadata={"format": "pt"})
    model.config.save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


def export(
    model: BlipPretrainingModel,
    processor: BlipProcessor,
    kind: str,
    directory: str | os.PathLike,
    storage_dtype: torch.dtype = torch.float32,
) -> Path:
    """Write `model` as a transformers captioner (`BlipForConditionalGeneration`) or filter
    (`BlipForImageTextRetrieval`), with its processor.

    `storage_dtype=torch.float16` halves the files; config.json still says float32, so transformers loads them
    in float32 unless told otherwise.
    """
    target = to_transformers(model, kind)
    directory = Path(directory)
    target.to(storage_dtype).save_pretrained(directory)
    config = BlipConfig.from_pretrained(directory)
    config.dtype = "float32"
    config.save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


def to_transformers(model: BlipPretrainingModel, kind: str) -> PreTrainedModel:
    """The transformers model of `kind` holding `model`'s weights; names map one to one (see model.py)."""
    if kind not in EXPORT_CLASSES:
        raise ValueError(f"kind must be one of {sorted(EXPORT_CLASSES)}, got {kind!r}")
    model = _unwrap(model)
    target = EXPORT_CLASSES[kind](model.config)
    expected = target.state_dict()
    state = {k: v for k, v in model.state_dict().items() if k in expected}
    lacking = sorted({k.split(".")[0] for k in set(expected) - set(state)})
    if lacking:
        raise ValueError(f"cannot export a {kind}: the model has no {', '.join(lacking)}")
    target.load_state_dict(state, strict=True)
    return target.eval()


def _unwrap(model: torch.nn.Module) -> BlipPretrainingModel:
    return model.module if hasattr(model, "module") else model
