"""`FastFilter`: the pipeline's Filter interface on this engine.

It subclasses the reference `TransformersFilter` to inherit checkpoint loading, preprocessing, tokenisation
(truncation, the [CLS]/[ENC] first-token choice) and the probability definition; only the model computation
differs: one vision pass and one cross-attention key/value projection per image for all its texts.
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate.engines.fast.attention import ImageGroups
from capfilt.curate.engines.fast.itm import ItmEncoder
from capfilt.curate.engines.fast.text_buckets import length_buckets
from capfilt.curate.engines.fast.vision import encode_images
from capfilt.curate.engines.interfaces import FilterSettings
from capfilt.curate.engines.reference.filter import TransformersFilter, itm_probability


class FastFilter(TransformersFilter):
    def __init__(self, settings: FilterSettings):
        super().__init__(settings)
        self.itm = ItmEncoder(self.model)

    @torch.inference_mode()
    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        if not any(texts):
            return [[] for _ in images]
        return self.score_image_embeds(self.encode(images), texts)

    def encode(self, images: list[Image.Image]) -> torch.Tensor:
        """This filter's image tokens (images, tokens, hidden): its preprocessing, its vision encoder."""
        pixels = self.processor.image_processor(images=images, return_tensors="pt").pixel_values
        return encode_images(self.model.vision_model, pixels.to(self.device, self.dtype))

    @torch.inference_mode()
    def score_image_embeds(self, image_embeds: torch.Tensor, texts: list[list[str]]) -> list[list[float]]:
        """Scores from this filter's vision-encoder output (images, tokens, hidden)."""
        flat = [text for image_texts in texts for text in image_texts]
        if not flat:
            return [[] for _ in texts]
        tokens = self.tokenize(flat)
        image_kv = self.itm.image_keys_values(image_embeds)
        counts = torch.tensor([len(image_texts) for image_texts in texts], device=self.device)
        image_of_row = torch.repeat_interleave(torch.arange(len(texts), device=self.device), counts)
        mask = tokens["attention_mask"]
        logits = None
        # Buckets cut the padding off the end: only for a tokenizer that pads on the right (BERT's does).
        right_padded = self.processor.tokenizer.padding_side == "right"
        buckets = (
            length_buckets(mask.sum(dim=1)) if right_padded else [(torch.arange(len(flat)), mask.shape[1])]
        )
        for rows, length in buckets:
            per_image = torch.bincount(image_of_row[rows], minlength=len(texts)).tolist()
            groups = ImageGroups.from_counts(per_image, self.device)
            bucket = self.itm.itm_logits(
                tokens["input_ids"][rows, :length], mask[rows, :length], groups, image_kv
            )
            logits = bucket.new_empty(len(flat), bucket.shape[1]) if logits is None else logits
            logits[rows] = bucket
        probabilities = itm_probability(logits).tolist()
        scores, start = [], 0
        for image_texts in texts:
            scores.append(probabilities[start : start + len(image_texts)])
            start += len(image_texts)
        return scores
