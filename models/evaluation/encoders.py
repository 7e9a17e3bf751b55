"""Normalised image and text embeddings from a CLIP or a BLIP checkpoint, behind one small interface.

Evaluation (retrieval, zero-shot) only needs `images(pixel_values)`, `texts(list[str])` and the image
processor; CLIP uses its projected pooled outputs, BLIP its ITC features (the [CLS] states through
vision_proj / text_proj, exactly what BlipForImageTextRetrieval(use_itm_head=False) multiplies).
"""

from __future__ import annotations

import os
from pathlib import Path

import torch
from torch.nn.functional import normalize
from transformers import BlipForImageTextRetrieval, BlipProcessor, CLIPModel, CLIPProcessor

from models.blip import conventions
from models.clip.checkpoint import load_clip


class _Encoder:
    """What both encoders share: the model, its processor's halves, and how texts are tokenized."""

    def __init__(self, model, processor, max_length: int):
        self.model = model
        self.image_processor = processor.image_processor
        self.tokenizer = processor.tokenizer
        self.max_length = max_length

    def _tokenize(self, texts: list[str]):
        return self.tokenizer(
            texts,
            padding="longest",
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
            return_token_type_ids=False,
        )


class ClipEncoder(_Encoder):
    def __init__(self, model: CLIPModel, processor: CLIPProcessor, max_length: int | None = None):
        super().__init__(model, processor, max_length or model.config.text_config.max_position_embeddings)

    @torch.no_grad()
    def images(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return normalize(self.model.get_image_features(pixel_values=pixel_values).pooler_output, dim=-1)

    @torch.no_grad()
    def texts(self, texts: list[str]) -> torch.Tensor:
        tokens = self._tokenize(texts)
        out = self.model.get_text_features(input_ids=tokens.input_ids, attention_mask=tokens.attention_mask)
        return normalize(out.pooler_output, dim=-1)


class BlipItcEncoder(_Encoder):
    def __init__(
        self,
        model: BlipForImageTextRetrieval,
        processor: BlipProcessor,
        max_length: int = 35,
        itm_first_token: str = "auto",
    ):
        super().__init__(model, processor, max_length)
        # ITM re-ranking scores with the token the checkpoint was trained with (models.blip.conventions).
        self.itm_first_token = conventions.checkpoint_itm_first_token(model.config, itm_first_token)

    @torch.no_grad()
    def images(self, pixel_values: torch.Tensor) -> torch.Tensor:
        return self.image_features_and_states(pixel_values)[0]

    @torch.no_grad()
    def image_features_and_states(self, pixel_values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """ITC features and the vision transformer's last hidden states (what ITM cross-attends to)."""
        embeds = self.model.vision_model(pixel_values=pixel_values).last_hidden_state
        return normalize(self.model.vision_proj(embeds[:, 0, :]), dim=-1), embeds

    @torch.no_grad()
    def itm_match_logits(self, image_states: torch.Tensor, texts: list[str]) -> torch.Tensor:
        """The ITM head's match logit for each (image_states[i], texts[i]) pair (BLIP ranks by this logit)."""
        tokens = self._tokenize(texts)
        special = conventions.special_ids(self.tokenizer, self.model.config.text_config)
        ids = conventions.itm_input_ids(tokens.input_ids, self.tokenizer, self.itm_first_token, special)
        image_atts = torch.ones(image_states.shape[:-1], dtype=torch.long)
        fused = self.model.text_encoder(
            input_ids=ids,
            attention_mask=tokens.attention_mask,
            encoder_hidden_states=image_states,
            encoder_attention_mask=image_atts,
        ).last_hidden_state
        return self.model.itm_head(fused[:, 0, :])[:, 1]

    @torch.no_grad()
    def texts(self, texts: list[str]) -> torch.Tensor:
        # ITC reads the text encoder alone, starting from [CLS] as tokenized (no [ENC]: that is ITM's token).
        tokens = self._tokenize(texts)
        hidden = self.model.text_encoder(input_ids=tokens.input_ids, attention_mask=tokens.attention_mask)
        return normalize(self.model.text_proj(hidden.last_hidden_state[:, 0, :]), dim=-1)


def load_encoder(kind: str, checkpoint: str | os.PathLike, itm_first_token: str = "auto"):
    """A ClipEncoder or BlipItcEncoder over a transformers checkpoint directory (eval mode)."""
    path = Path(checkpoint)
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"{checkpoint}: not a checkpoint directory (no config.json)")
    if kind == "clip":
        return ClipEncoder(*load_clip(path))
    if kind == "blip":
        # A pretrained BLIP directory or a filter export: both hold the ITC parts of this class.
        model = BlipForImageTextRetrieval.from_pretrained(path).eval()
        return BlipItcEncoder(model, BlipProcessor.from_pretrained(path), itm_first_token=itm_first_token)
    raise ValueError(f"unknown model kind {kind!r}; choose clip or blip")
