"""BLIP-2 stage 2: the Q-Former's query outputs, projected, as a soft prompt of a frozen causal LM.

The model *is* transformers' `Blip2ForConditionalGeneration` (vision tower, query tokens, Q-Former,
language projection, LM), so the result saves and loads with it unchanged. Frozen: the vision tower and the
LM. Trained: the query tokens, the Q-Former (initialised from stage 1) and the projection. The loss is the
LM's next-token loss on the text only: the soft-prompt positions and BOS are not targets.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import Blip2Config, Blip2ForConditionalGeneration

from models.common.losses import caption_loss
from models.lm.model import freeze

IGNORE_INDEX = -100


class Blip2Stage2(nn.Module):
    def __init__(self, config: Blip2Config, language_model: nn.Module | None = None):
        super().__init__()
        self.blip2 = Blip2ForConditionalGeneration(config)
        if language_model is not None:
            self.blip2.language_model = language_model
        freeze(self.blip2.vision_model)
        freeze(self.blip2.language_model)

    def train(self, mode: bool = True):
        super().train(mode)
        self.blip2.vision_model.eval()
        self.blip2.language_model.eval()
        return self

    def load_stage1(self, state: dict[str, torch.Tensor]) -> None:
        """Vision tower, query tokens and Q-Former from a stage-1 state dict (text-only parts dropped)."""
        own = self.blip2.state_dict()
        wanted = {
            k: v
            for k, v in state.items()
            if k.startswith(("vision_model.", "query_tokens", "qformer.")) and k in own
        }
        missing = [
            k for k in own if k.startswith(("vision_model.", "query_tokens", "qformer.")) and k not in wanted
        ]
        if missing:
            raise ValueError(f"the stage-1 checkpoint lacks {missing[:5]}{'...' if len(missing) > 5 else ''}")
        self.blip2.load_state_dict(wanted, strict=False)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        return {"loss": caption_loss(self.logits(batch), batch["labels"])}

    def logits(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.blip2(
            pixel_values=batch["pixel_values"],
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
        ).logits


class Stage2Collator:
    """`<image>` x Q, `<s>`, prompt + text, `</s>`: transformers puts the soft prompt on the placeholders."""

    def __init__(
        self, tokenizer, num_query_tokens: int, image_token_id: int, max_length: int = 40, prompt: str = ""
    ):
        self.tokenizer = tokenizer
        self.num_query_tokens = num_query_tokens
        self.image_token_id = image_token_id
        self.max_length = max_length
        self.prompt = prompt
        self.prompt_tokens = len(tokenizer(prompt).input_ids) if prompt else 1  # BOS (+ prompt)

    def __call__(self, samples: list[dict]) -> dict:
        texts = [self.prompt + s["text"] + self.tokenizer.eos_token for s in samples]
        enc = self.tokenizer(
            texts, padding="longest", truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        b, q = enc.input_ids.shape[0], self.num_query_tokens
        placeholders = torch.full((b, q), self.image_token_id, dtype=torch.long)
        labels = enc.input_ids.masked_fill(enc.attention_mask == 0, IGNORE_INDEX)
        labels[:, : self.prompt_tokens] = IGNORE_INDEX
        return {
            "pixel_values": torch.stack([s["pixel_values"] for s in samples]),
            "input_ids": torch.cat([placeholders, enc.input_ids], dim=1),
            "attention_mask": torch.cat([torch.ones(b, q, dtype=torch.long), enc.attention_mask], dim=1),
            "labels": torch.cat([torch.full((b, q), IGNORE_INDEX), labels], dim=1),
            "keys": [s["key"] for s in samples],
        }
