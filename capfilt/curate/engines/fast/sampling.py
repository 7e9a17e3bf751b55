"""How the next token is chosen: the logits processors `generate` would apply, then argmax or a draw.

The processors are transformers' own classes, in the order `generate` applies them (repetition penalty,
minimum length, then top-k and top-p; top-p after top-k is computed by `top_p.TopPAfterTopK`, the warper's
result without its full sort), so a step sees exactly the scores the reference sees. Sampling draws
each row from its own generator (capfilt.curate.seeding), so a caption does not depend on its batch
neighbours.
"""

from __future__ import annotations

import torch
from transformers import (
    LogitsProcessorList,
    MinLengthLogitsProcessor,
    RepetitionPenaltyLogitsProcessor,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from capfilt.curate.engines.fast.top_p import TopPAfterTopK
from capfilt.curate.seeding import sample_rows


def _min_length(min_length: int, eos_token_id: int, device) -> list:
    return [MinLengthLogitsProcessor(min_length, eos_token_id, device=device)] if min_length > 0 else []


class Greedy:
    def __init__(self, min_length: int, eos_token_id: int, device):
        self.processors = LogitsProcessorList(_min_length(min_length, eos_token_id, device))

    def __call__(self, tokens: torch.Tensor, logits: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        return torch.argmax(self.processors(tokens, logits), dim=-1)


class Nucleus:
    """Top-k then top-p (nucleus) sampling with a repetition penalty; one torch.Generator per row."""

    def __init__(
        self,
        rows: list[torch.Generator],
        min_length: int,
        eos_token_id: int,
        top_k: int,
        top_p: float,
        repetition_penalty: float,
        device,
    ):
        processors = []
        if repetition_penalty != 1.0:
            processors.append(RepetitionPenaltyLogitsProcessor(repetition_penalty))
        processors += _min_length(min_length, eos_token_id, device)
        if top_k:
            processors.append(TopKLogitsWarper(top_k))
        if top_p < 1.0:  # after top-k, the same cut without sorting the whole vocabulary
            processors.append(TopPAfterTopK(top_p) if top_k else TopPLogitsWarper(top_p))
        self.processors = LogitsProcessorList(processors)
        self.rows = rows

    def __call__(self, tokens: torch.Tensor, logits: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        probs = torch.softmax(self.processors(tokens, logits), dim=-1)
        return sample_rows(probs, [self.rows[row] for row in rows.tolist()]).to(logits.device)
