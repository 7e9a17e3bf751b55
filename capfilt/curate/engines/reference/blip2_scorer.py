"""BLIP-2 ITM and ITC scorers (`--scorer NAME=blip2-itm:CHECKPOINT`, `blip2-itc:CHECKPOINT`) on transformers'
`Blip2ForImageTextRetrieval` (e.g. Salesforce/blip2-itm-vit-g).

The numbers are the ones its `forward` gives, computed from its own modules in the same order, but each
image goes through the ViT once per batch (the forward takes one image per text, and ViT-g is most of the
cost), and its ITC query features once for all its texts:

- `itm`: softmax over the ITM head's two logits (the mean over query tokens), the probability of "match",
  in [0, 1] (LAVIS `match_head="itm"`).
- `itc`: the cosine of the normalised projected query tokens and the normalised projected [CLS] text
  feature, the best over query tokens, in [-1, 1] (LAVIS `match_head="itc"`; no temperature).

Texts are tokenized as LAVIS does (BERT, [CLS] first, at most 32 tokens); the checkpoint's tokenizer and
image processor are its own (the hub's Blip2Processor layout), loaded each on its own, so the `<image>`
tokens that processor prepends are never made (the model would only strip them again).
"""

from __future__ import annotations

import torch
from PIL import Image

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Scorer, ScorerSettings
from capfilt.curate.scorer_specs import BLIP2_MODES

# Blip2Qformer's max_txt_len in LAVIS.
MAX_TEXT_TOKENS = 32
# (image, text) pairs per ITM Q-Former pass: bounds the repeated ViT states (ViT-g: 257 x 1408 each).
ITM_PAIRS_PER_STEP = 64


class Blip2Retrieval:
    """One loaded Blip2ForImageTextRetrieval, shared by every scorer of that checkpoint: the ViT states and
    ITC query features of the last batch are kept, so ITM and ITC on the same images encode them once."""

    def __init__(self, checkpoint: str, device: str = "cpu", precision: str = "fp32"):
        self.checkpoint = checkpoint
        self.model, self.processor = checkpoints.load(checkpoint, "scorer", device, precision)
        if self.model.config.model_type != "blip-2":
            raise checkpoints.CheckpointError(
                f"scorer checkpoint {checkpoint} is a {self.model.config.model_type!r} model, not a BLIP-2 "
                "Blip2ForImageTextRetrieval checkpoint"
            )
        if not self.model.config.qformer_config.use_qformer_text_input:
            raise checkpoints.CheckpointError(
                f"scorer checkpoint {checkpoint}: its Q-Former has no text layers (use_qformer_text_input)"
            )
        positions = self.model.config.qformer_config.max_position_embeddings
        self.max_tokens = min(MAX_TEXT_TOKENS, positions)
        self._images: list[Image.Image] = []
        self._states: torch.Tensor | None = None
        self._queries: torch.Tensor | None = None

    @property
    def device(self) -> torch.device:
        return self.model.query_tokens.device

    def _same_images(self, images: list[Image.Image]) -> bool:
        return len(images) == len(self._images) and all(
            a is b for a, b in zip(images, self._images, strict=True)
        )

    @torch.inference_mode()
    def image_states(self, images: list[Image.Image]) -> torch.Tensor:
        """The ViT's last hidden states of `images` [B, patches + 1, width], once per batch."""
        if not self._same_images(images) or self._states is None:
            vision = self.model.vision_model
            pixels = self.processor.image_processor(images=images, return_tensors="pt").pixel_values
            pixels = pixels.to(self.device, vision.embeddings.patch_embedding.weight.dtype)
            self._images, self._queries = list(images), None
            self._states = vision(pixel_values=pixels).last_hidden_state
        return self._states

    @torch.inference_mode()
    def query_features(self, images: list[Image.Image]) -> torch.Tensor:
        """ITC image features: the Q-Former's query outputs, projected and L2-normalised [B, queries, dim]."""
        states = self.image_states(images)
        if self._queries is None:
            model = self.model
            queries = model.query_tokens.expand(states.shape[0], -1, -1)
            output = model.qformer(
                query_embeds=queries,
                encoder_hidden_states=states,
                encoder_attention_mask=self._ones(states),
            ).last_hidden_state
            projected = model.vision_projection(output.to(model.vision_projection.weight.dtype))
            self._queries = torch.nn.functional.normalize(projected, dim=-1)
        return self._queries

    def _ones(self, states: torch.Tensor) -> torch.Tensor:
        return torch.ones(states.shape[:-1], dtype=torch.long, device=states.device)

    def tokenize(self, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        tokens = self.processor.tokenizer(
            texts, padding="longest", truncation=True, max_length=self.max_tokens, return_tensors="pt"
        )
        return tokens.input_ids.to(self.device), tokens.attention_mask.to(self.device)

    @torch.inference_mode()
    def itc(self, images: list[Image.Image], texts: list[str], image_index: torch.Tensor) -> torch.Tensor:
        """The ITC cosine of each text with its image (`image_index`), the best over query tokens."""
        model, (input_ids, mask) = self.model, self.tokenize(texts)
        output = model.qformer(
            query_embeds=model.embeddings(input_ids=input_ids), query_length=0, attention_mask=mask
        ).last_hidden_state
        cls = output[:, 0, :].to(model.text_projection.weight.dtype)
        text_features = torch.nn.functional.normalize(model.text_projection(cls), dim=-1)
        queries = self.query_features(images)[image_index.to(self.device)]
        cosines = (queries.float() @ text_features.float().unsqueeze(-1)).squeeze(-1)
        return cosines.max(dim=1).values.clamp(-1.0, 1.0)

    @torch.inference_mode()
    def itm(self, images: list[Image.Image], texts: list[str], image_index: torch.Tensor) -> torch.Tensor:
        """The ITM probability that each text matches its image (`image_index`)."""
        model, (input_ids, mask) = self.model, self.tokenize(texts)
        states, index = self.image_states(images), image_index.to(self.device)
        count = model.query_tokens.shape[1]
        probabilities = []
        for start in range(0, len(texts), ITM_PAIRS_PER_STEP):
            step = slice(start, start + ITM_PAIRS_PER_STEP)
            pair_states = states[index[step]]
            queries = model.query_tokens.expand(pair_states.shape[0], -1, -1)
            query_mask = torch.ones(queries.shape[:-1], dtype=mask.dtype, device=mask.device)
            output = model.qformer(
                query_embeds=model.embeddings(input_ids=input_ids[step], query_embeds=queries),
                query_length=count,
                attention_mask=torch.cat([query_mask, mask[step]], dim=1),
                encoder_hidden_states=pair_states,
                encoder_attention_mask=self._ones(pair_states),
            ).last_hidden_state
            logits = model.itm_head(output[:, :count, :].to(model.itm_head.weight.dtype)).mean(dim=1)
            probabilities.append(torch.softmax(logits.float(), dim=-1)[:, 1])
        return torch.cat(probabilities)


class Blip2Scorer(Scorer):
    """`mode` `itm` or `itc` of a shared Blip2Retrieval."""

    def __init__(self, settings: ScorerSettings, retrieval: Blip2Retrieval, mode: str):
        self.settings, self.name, self.retrieval, self.mode = settings, settings.name, retrieval, mode
        self.score_range = BLIP2_MODES[mode]

    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        flat = [text for image_texts in texts for text in image_texts]
        if not flat:
            return [[] for _ in images]
        image_index = torch.tensor([i for i, image_texts in enumerate(texts) for _ in image_texts])
        compute = self.retrieval.itm if self.mode == "itm" else self.retrieval.itc
        values = compute(images, flat, image_index).tolist()
        scores, start = [], 0
        for image_texts in texts:
            scores.append(values[start : start + len(image_texts)])
            start += len(image_texts)
        return scores
