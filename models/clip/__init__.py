"""CLIP on transformers' modules: presets, contrastive loss with distributed gather, training, checkpoints."""

from models.clip.checkpoint import image_processor_for, load_clip, save_clip
from models.clip.collate import ClipCollator
from models.clip.loss import LOGIT_SCALE_INIT, LOGIT_SCALE_MAX, ClipLoss, clamp_logit_scale, gather_features
from models.clip.model import ClipPretrainingModel
from models.clip.presets import PRESETS, clip_config

__all__ = [
    "LOGIT_SCALE_INIT",
    "LOGIT_SCALE_MAX",
    "PRESETS",
    "ClipCollator",
    "ClipLoss",
    "ClipPretrainingModel",
    "clamp_logit_scale",
    "clip_config",
    "gather_features",
    "image_processor_for",
    "load_clip",
    "save_clip",
]
