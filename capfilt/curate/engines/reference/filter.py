"""The reference filter (`engines.interfaces.Filter`): BLIP's image-text matching (ITM) head scores T_w and
every T_s against the image.

Score = softmax(BlipForImageTextRetrieval(..., use_itm_head=True).itm_score)[:, 1], the match probability,
with the processor's tokenisation (truncated to `max_tokens`, BLIP's ITM uses 35).

transformers vs the original BLIP code: BLIP's ITM replaces the text's first token ([CLS]) with [ENC];
transformers' retrieval model takes the processor's ids unchanged ([CLS] first), and Salesforce's converted
checkpoints are documented and evaluated that way. We follow transformers (`first_token="cls"`) unless the
checkpoint's config.json says otherwise (`itm_first_token`, written by models/ at export; read when
`first_token="auto"`, the default); `first_token="enc"` reproduces BLIP's code (needs an [ENC] token).
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Filter, FilterSettings

ENC_TOKEN = "[ENC]"


def itm_probability(itm_score: torch.Tensor) -> torch.Tensor:
    """The match probability from the ITM head's two logits (no-match, match): the one place it is defined."""
    return torch.softmax(itm_score.float(), dim=-1)[:, 1]


class TransformersFilter(Filter):
    """The reference engine: the retrieval model on (image, text) pairs, one forward per call."""

    def __init__(self, settings: FilterSettings):
        self.settings = settings
        self.model, self.processor = checkpoints.load(
            settings.checkpoint, "filter", settings.device, settings.precision
        )
        self.device = self.model.device
        self.dtype = self.model.dtype
        self.first_token = settings.first_token
        if self.first_token == "auto":
            self.first_token = getattr(self.model.config, "itm_first_token", None) or "cls"
        self.enc_token_id = None
        if self.first_token == "enc":
            vocab = self.processor.tokenizer.get_vocab()
            if ENC_TOKEN not in vocab:
                raise checkpoints.CheckpointError(
                    f"--itm_first_token enc needs an {ENC_TOKEN} token, which the tokenizer of "
                    f"{settings.checkpoint} lacks"
                )
            self.enc_token_id = vocab[ENC_TOKEN]

    def tokenize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        tokens = self.processor.tokenizer(
            texts,
            padding="longest",
            truncation=True,
            max_length=self.settings.max_tokens,
            return_tensors="pt",
        )
        input_ids = tokens.input_ids
        if self.enc_token_id is not None:
            input_ids[:, 0] = self.enc_token_id
        return {
            "input_ids": input_ids.to(self.device),
            "attention_mask": tokens.attention_mask.to(self.device),
        }

    @torch.inference_mode()
    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        pairs = [(i, text) for i, image_texts in enumerate(texts) for text in image_texts]
        if not pairs:
            return [[] for _ in images]
        pixels = self.processor.image_processor(images=images, return_tensors="pt").pixel_values
        pixels = pixels.to(self.device, self.dtype)
        image_index = torch.tensor([i for i, _ in pairs], device=self.device)
        output = self.model(
            pixel_values=pixels[image_index], use_itm_head=True, **self.tokenize([t for _, t in pairs])
        )
        flat = itm_probability(output.itm_score).tolist()
        scores, start = [], 0
        for image_texts in texts:
            scores.append(flat[start : start + len(image_texts)])
            start += len(image_texts)
        return scores
