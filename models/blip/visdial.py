"""BLIP's discriminative VisDial model: the caption and the dialog history go through the image-grounded text
encoder together with the question and one candidate answer, and the ITM head scores the candidate.

Input of one candidate (BLIP paper, sec. 5.5, in one sequence):

    [CLS] caption [SEP] q1 a1 q2 a2 ... question [SEP] candidate [SEP]

The caption, the question and the candidate are each capped (`caption_tokens`, `answer_tokens`); the history
gets what is left of `max_length` and keeps its most recent rounds whole, so the question asked is never cut.
Training: the right answer against `negatives` other options of the same round (ITM cross-entropy);
ranking: every option by its match log-odds (models.evaluation.ranking).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch.nn import functional as F

from models.blip import conventions
from models.blip.model import BlipPretrainingModel

# The parts of BlipPretrainingModel that ranking does not use; frozen so DDP sees no unused parameters,
# kept so the model still exports as a BlipForImageTextRetrieval.
UNUSED_PARTS = ("vision_proj", "text_proj", "temp")


@dataclass(frozen=True)
class DialogTurn:
    """What one candidate is judged in: the dialog so far and the question of this round."""

    caption: str
    history: tuple[tuple[str, str], ...]  # (question, answer) of every earlier round, oldest first
    question: str


@dataclass(frozen=True)
class TextBudget:
    """Token limits of one candidate's sequence (special tokens included in max_length)."""

    max_length: int = 128
    caption_tokens: int = 40
    answer_tokens: int = 20


class DialogEncoder:
    """Turns (turn, candidates) into ITM input ids and attention masks; picklable for DataLoader workers."""

    def __init__(
        self, tokenizer, budget: TextBudget, itm_first_token: str = conventions.DEFAULT_ITM_FIRST_TOKEN
    ):
        self.tokenizer = tokenizer
        self.budget = budget
        self.itm_first_token = itm_first_token
        if budget.max_length < 8:
            raise ValueError(f"max_length {budget.max_length} leaves no room for a dialog")

    def _ids(self, texts: list[str]) -> list[list[int]]:
        return self.tokenizer(list(texts), add_special_tokens=False).input_ids if texts else []

    def context_ids(self, turn: DialogTurn, room: int) -> list[int]:
        """caption [SEP] recent history + question, within `room` tokens (the question is cut only when it
        alone does not fit)."""
        sep = self.tokenizer.sep_token_id
        caption, question, *rounds = self._ids(
            [turn.caption, turn.question] + [f"{q} {a}" for q, a in turn.history]
        )
        head = caption[: self.budget.caption_tokens] + [sep]
        question = question[: max(room - len(head), 1)]
        left = room - len(head) - len(question)
        kept: list[int] = []
        for ids in reversed(rounds):  # most recent first
            if len(ids) > left:
                break
            kept = ids + kept
            left -= len(ids)
        return (head + kept + question)[:room]

    def encode(self, turn: DialogTurn, candidates: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """(itm_input_ids, attention_mask), one row per candidate, padded to the longest."""
        cls, sep, pad = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id, self.tokenizer.pad_token_id
        answers = [ids[: self.budget.answer_tokens] for ids in self._ids(candidates)]
        longest = max((len(a) for a in answers), default=0)
        context = self.context_ids(turn, self.budget.max_length - 3 - longest)
        rows = [[cls, *context, sep, *answer, sep] for answer in answers]
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
            mask[i, : len(row)] = 1
        return conventions.itm_input_ids(ids, self.tokenizer, self.itm_first_token), mask


class VisDialCollator:
    """Samples {"key", "pixel_values", "turn", "candidates" (right answer first), ...} -> a batch of every
    candidate row: itm_input_ids, attention_mask, image_index (its sample), itm_labels (1 = right)."""

    def __init__(self, encoder: DialogEncoder):
        self.encoder = encoder

    def __call__(self, samples: list[dict]) -> dict:
        encoded = [self.encoder.encode(s["turn"], s["candidates"]) for s in samples]
        width = max(ids.shape[1] for ids, _ in encoded)
        ids = torch.cat(
            [F.pad(i, (0, width - i.shape[1]), value=self.encoder.tokenizer.pad_token_id) for i, _ in encoded]
        )
        mask = torch.cat([F.pad(m, (0, width - m.shape[1])) for _, m in encoded])
        image_index = torch.cat([torch.full((i.shape[0],), n) for n, (i, _) in enumerate(encoded)])
        labels = torch.cat([torch.tensor([1] + [0] * (i.shape[0] - 1)) for i, _ in encoded])
        return {
            "pixel_values": torch.stack([s["pixel_values"] for s in samples]),
            "itm_input_ids": ids,
            "attention_mask": mask,
            "image_index": image_index,
            "itm_labels": labels,
            "keys": [s["key"] for s in samples],
        }


class BlipVisDial(BlipPretrainingModel):
    """BLIP with ITM as a dialog answer ranker; same submodules (and export) as the filter."""

    def __init__(self, config, objective=None):
        super().__init__(config, objective)
        if not hasattr(self, "itm_head"):
            raise ValueError("the VisDial ranker needs the text encoder and ITM head (objectives itc,itm)")
        for name in UNUSED_PARTS:
            for parameter in getattr(self, name).parameters() if name != "temp" else [self.temp]:
                parameter.requires_grad_(False)

    def candidate_logits(self, image_embeds, image_index, itm_input_ids, attention_mask) -> torch.Tensor:
        """No-match / match logits of every candidate row against its own image."""
        return self.itm_logits(image_embeds[image_index], itm_input_ids, attention_mask)

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        image_embeds = self.image_embeds(batch["pixel_values"])
        logits = self.candidate_logits(
            image_embeds, batch["image_index"], batch["itm_input_ids"], batch["attention_mask"]
        )
        loss = F.cross_entropy(logits, batch["itm_labels"])
        return {"itm": loss, "loss": loss}


def match_scores(logits: torch.Tensor) -> torch.Tensor:
    """The log-odds of "match": ranks exactly as softmax(logits)[:, 1] does, without its saturation."""
    return logits[:, 1] - logits[:, 0]
