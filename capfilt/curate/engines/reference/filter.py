"""The reference filter (`engines.interfaces.Filter`): BLIP's image-text matching (ITM) head scores T_w and
every T_s against the image.

Score = softmax(BlipForImageTextRetrieval(..., use_itm_head=True).itm_score)[:, 1], the match probability,
with the processor's tokenisation (truncated to `max_tokens`, BLIP's ITM uses 35).

The first token of ITM inputs, [CLS] or [ENC], is the one the checkpoint was trained with (`first_token`):
- `cls` / `enc` when given;
- `auto` (the default): the checkpoint's config.json `itm_first_token` when it has one (this project's trainer
  writes it); else `enc`, the convention of the code that trained every published BLIP ITM checkpoint
  (salesforce/BLIP's `blip_retrieval.py`/`train_retrieval.py` and LAVIS's ITM put [ENC] first; transformers'
  `BlipForImageTextRetrieval` has no ITM training loss, so a BLIP filter config without the field comes from
  Salesforce's weights through transformers' conversion). transformers' retrieval API and BLIP's demo
  notebook feed [CLS]; `cls` reproduces them.
[ENC] is the tokenizer's literal token, else the id right after [DEC] (`text_config.bos_token_id + 1`, 30523
for the published vocabulary): BLIP adds [DEC] then [ENC] to bert-base-uncased, and the hub's processors
are plain BERT tokenizers holding neither.
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Filter, FilterSettings

ENC_TOKEN = "[ENC]"
# The convention of the code that trained a BLIP filter whose config does not say (see above).
FOREIGN_ITM_FIRST_TOKEN = "enc"


def resolve_first_token(requested: str, config) -> str:
    """`cls` or `enc` for a filter: the flag's value, or for `auto` the checkpoint's own convention."""
    if requested != "auto":
        return requested
    return getattr(config, "itm_first_token", None) or FOREIGN_ITM_FIRST_TOKEN


def enc_token_id(tokenizer, text_config) -> int | None:
    """[ENC]: the tokenizer's token, else the id after [DEC] when the model's vocabulary holds it."""
    token_id = tokenizer.get_vocab().get(ENC_TOKEN)
    if token_id is not None:
        return int(token_id)
    dec = getattr(text_config, "bos_token_id", None)
    if dec is not None and dec + 1 < text_config.vocab_size:
        return int(dec) + 1
    return None


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
        self.first_token = resolve_first_token(settings.first_token, self.model.config)
        self.enc_token_id = None
        if self.first_token == "enc":
            self.enc_token_id = enc_token_id(self.processor.tokenizer, self.model.config.text_config)
            if self.enc_token_id is None:
                raise checkpoints.CheckpointError(
                    f"--itm_first_token enc needs an {ENC_TOKEN} id, which {settings.checkpoint} lacks (no "
                    f"{ENC_TOKEN} token in its tokenizer, no id after bos_token_id in its text vocabulary); "
                    "pass --itm_first_token cls"
                )

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
