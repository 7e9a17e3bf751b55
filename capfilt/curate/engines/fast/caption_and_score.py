"""Caption a batch and score its texts in one call, encoding each image once for both models when it can.

BLIP's captioner and filter are separate checkpoints, but when both were fine-tuned from one pretrained model
with the image encoder frozen, their vision weights (and image preprocessing) are identical; the check runs
once, at construction, and then the filter reuses the captioner's image tokens instead of re-encoding.
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate.engines.fast.captioner import FastCaptioner
from capfilt.curate.engines.fast.filter import FastFilter
from capfilt.curate.engines.fast.vision import same_weights


def same_image_encoder(captioner: FastCaptioner, filter: FastFilter) -> bool:
    same_preprocessing = (
        captioner.processor.image_processor.to_dict() == filter.processor.image_processor.to_dict()
    )
    return same_preprocessing and same_weights(captioner.model.vision_model, filter.model.vision_model)


class CaptionAndScore:
    def __init__(self, captioner: FastCaptioner, filter: FastFilter):
        self.captioner = captioner
        self.filter = filter
        self.shared_image_encoder = same_image_encoder(captioner, filter)

    @torch.inference_mode()
    def run(
        self, images: list[Image.Image], seeds: list[int], web_texts: list[str]
    ) -> tuple[list[list[str]], list[list[float]]]:
        """Per image: its synthetic captions, and the scores of [web text, *captions] (Item.texts order)."""
        if not images:
            return [], []
        image_embeds = self.captioner.encode(images)
        captions = self.captioner.caption_image_embeds(image_embeds, seeds)
        if not self.shared_image_encoder:
            image_embeds = self.filter.encode(images)
        texts = [[web, *synthetic] for web, synthetic in zip(web_texts, captions, strict=True)]
        return captions, self.filter.score_image_embeds(image_embeds, texts)
