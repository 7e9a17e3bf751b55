"""CLIP for pretraining: transformers' `CLIPModel` plus the contrastive loss of models.clip.loss.

The wrapped `CLIPModel` is exported unchanged (`save_pretrained`), so what this trains loads with
`CLIPModel.from_pretrained`, and OpenAI's checkpoints load here.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.functional import normalize
from transformers import CLIPConfig, CLIPModel

from models.clip.loss import ClipLoss, clamp_logit_scale


class ClipPretrainingModel(nn.Module):
    """forward(batch) -> {"loss"} for a batch of {"pixel_values", "input_ids", "attention_mask"}."""

    def __init__(
        self, config: CLIPConfig | None = None, *, clip: CLIPModel | None = None, loss: ClipLoss | None = None
    ):
        super().__init__()
        if (config is None) == (clip is None):
            raise ValueError("give either a CLIPConfig or a CLIPModel")
        self.clip = clip if clip is not None else CLIPModel(config)
        self.loss = loss or ClipLoss()

    @property
    def config(self) -> CLIPConfig:
        return self.clip.config

    @property
    def logit_scale(self) -> nn.Parameter:
        return self.clip.logit_scale

    def encode_images(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """L2-normalised projected image embeddings."""
        return normalize(self.clip.get_image_features(pixel_values=pixel_values).pooler_output, dim=-1)

    def encode_texts(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """L2-normalised projected text embeddings (pooled at each sequence's end token)."""
        out = self.clip.get_text_features(input_ids=input_ids, attention_mask=attention_mask)
        return normalize(out.pooler_output, dim=-1)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        image_features = self.encode_images(batch["pixel_values"])
        text_features = self.encode_texts(batch["input_ids"], batch["attention_mask"])
        return {"loss": self.loss(image_features, text_features, self.logit_scale)}

    def after_optimizer_step(self) -> None:
        """CLIP's clamp of the logit scale at ln(100); the training loop calls it after every step."""
        clamp_logit_scale(self.logit_scale)
