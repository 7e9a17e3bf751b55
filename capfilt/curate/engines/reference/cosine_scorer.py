"""CLIP and SigLIP image-text cosine scorers (`engines.interfaces.Scorer`), transformers' public API.

Score = cos(image embedding, text embedding) from `get_image_features` / `get_text_features`, in [-1, 1]:
the CLIP score of DataComp and LAION (before their x100 / x2.5 scalings). Each image is embedded once
per call, whatever the number of its texts. SigLIP was trained on texts padded to its full length, so its
texts are padded that way; CLIP's to the longest of the batch (its pooling ignores padding).
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Scorer, ScorerSettings


def _features(output) -> torch.Tensor:
    # transformers 5 may return a model output whose pooled embedding is the projected one.
    return output if isinstance(output, torch.Tensor) else output.pooler_output


class CosineScorer(Scorer):
    score_range = (-1.0, 1.0)

    def __init__(self, settings: ScorerSettings):
        self.settings = settings
        self.name = settings.name
        self.model, self.processor = checkpoints.load(
            settings.checkpoint, "scorer", settings.device, settings.precision
        )
        self.family = self.model.config.model_type
        if self.family not in ("clip", "siglip"):  # a hub id resolved online is only known once loaded
            raise checkpoints.CheckpointError(
                f"--scorer {self.name}={settings.checkpoint} is a {self.family!r} model, not CLIP or SigLIP"
                + (": write blip2-itm:CHECKPOINT or blip2-itc:CHECKPOINT" if self.family == "blip-2" else "")
            )
        self.max_tokens = self.model.config.text_config.max_position_embeddings
        self._last_images: list[Image.Image] = []
        self._last_embeddings: torch.Tensor | None = None

    @property
    def embedding_dim(self) -> int:
        config = self.model.config
        return config.projection_dim if self.family == "clip" else config.vision_config.hidden_size

    @torch.inference_mode()
    def image_embeddings(self, images: list[Image.Image]) -> torch.Tensor:
        """The L2-normalised image embeddings (float32), computed once per batch: the heads reading this
        scorer's embedding get the same tensor (the batch is held, so identity means the same images)."""
        same = len(images) == len(self._last_images) and all(
            a is b for a, b in zip(images, self._last_images, strict=True)
        )
        if not same or self._last_embeddings is None:
            pixels = self.processor.image_processor(images=images, return_tensors="pt").pixel_values
            pixels = pixels.to(self.model.device, self.model.dtype)
            embeddings = _features(self.model.get_image_features(pixel_values=pixels)).float()
            self._last_images = list(images)
            self._last_embeddings = torch.nn.functional.normalize(embeddings, dim=-1)
        return self._last_embeddings

    def tokenize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        padding = "max_length" if self.family == "siglip" else "longest"
        tokens = self.processor.tokenizer(
            texts, padding=padding, truncation=True, max_length=self.max_tokens, return_tensors="pt"
        )
        inputs = {"input_ids": tokens.input_ids.to(self.model.device)}
        if self.family != "siglip" and "attention_mask" in tokens:  # SigLIP is used without a mask
            inputs["attention_mask"] = tokens.attention_mask.to(self.model.device)
        return inputs

    @torch.inference_mode()
    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        flat = [text for image_texts in texts for text in image_texts]
        if not flat:
            return [[] for _ in images]
        image_embeddings = self.image_embeddings(images)
        text_embeddings = _features(self.model.get_text_features(**self.tokenize(flat))).float()
        text_embeddings = torch.nn.functional.normalize(text_embeddings, dim=-1)
        image_index = torch.tensor([i for i, image_texts in enumerate(texts) for _ in image_texts])
        cosines = (image_embeddings[image_index] * text_embeddings).sum(-1).clamp(-1.0, 1.0).tolist()
        scores, start = [], 0
        for image_texts in texts:
            scores.append(cosines[start : start + len(image_texts)])
            start += len(image_texts)
        return scores
