"""BLIP's extra pretraining step of its NLVR2 model: text assignment (ALBEF's "TA" task, which BLIP's NLVR2
recipe follows; salesforce/ALBEF models/model_pretrain_nlvr.py).

From a batch of image-text pairs, each text is shown with two images and the twin-cross-attention encoder
says which one it belongs to: the first (label 0), the second (1) or neither (2). ALBEF's construction,
per text: with probability 2/3 its own image goes in a random one of the two places and the other place
gets a hard negative, an image of the batch drawn by image-image similarity (softmax of the ITC image
features' cosine / 0.07); with probability 1/3 both places get such negatives (two different images). A
linear head on the first token's state gives the three logits; cross-entropy loss.

The random choices (which case, and the two uniform numbers that pick the negatives from the similarity
distribution) come with each sample from the loader's seeded per-sample generator, so the labels are the
same for a seed whatever the batching, and a resumed run draws what the uninterrupted one drew. Images of
the same record never serve as each other's negatives.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.functional import cross_entropy, normalize, softmax
from transformers import BlipConfig

from models.blip.nlvr2 import TwinImageEncoder

FIRST, SECOND, NEITHER = 0, 1, 2  # the three classes of the head
SIMILARITY_TEMPERATURE = 0.07  # ALBEF's fixed temperature for drawing negatives by image similarity


def draw(weights: torch.Tensor, uniform: torch.Tensor) -> torch.Tensor:
    """One column per row of `weights` (rows, columns >= 0) by inverse CDF of the uniform numbers in [0, 1):
    column j with probability weights[j] / sum; a zero-weight column is never drawn (a row of zeros gives
    the last column: callers mask such rows)."""
    cdf = weights.cumsum(dim=1)
    target = uniform.to(cdf.dtype) * cdf[:, -1]
    return (cdf <= target[:, None]).sum(dim=1).clamp(max=weights.shape[1] - 1)


def assignment_pairs(
    assignment: torch.Tensor, picks: torch.Tensor, weights: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(first image index, second image index, usable) for each text of the batch.

    `assignment` (batch,) holds each text's class (FIRST, SECOND, NEITHER), `picks` (batch, 2) two uniform
    numbers, `weights` (batch, batch) how likely each image is drawn as a negative of each text (zero for its
    own image and other images of the same record). A text is not usable when the batch lacks the one or
    two negatives its class needs."""
    own = torch.arange(len(assignment), device=assignment.device)
    negative = draw(weights, picks[:, 0])
    rest = weights.scatter(1, negative[:, None], 0.0)  # the second negative differs from the first
    second_negative = draw(rest, picks[:, 1])
    first = torch.where(assignment == FIRST, own, negative)
    second = torch.where(
        assignment == FIRST, negative, torch.where(assignment == SECOND, own, second_negative)
    )
    has_one, has_two = weights.sum(1) > 0, rest.sum(1) > 0
    usable = has_one & ((assignment != NEITHER) | has_two)
    return first, second, usable


def negative_mask(groups: torch.Tensor) -> torch.Tensor:
    """1 where image j may be a negative of text i: another record's image."""
    return (groups[:, None] != groups[None, :]).float()


class BlipTextAssignment(TwinImageEncoder):
    """The NLVR2 model's twin encoder with a 3-way head; `vision_proj` (the checkpoint's ITC image
    projection, frozen) ranks the negatives by similarity, or they are drawn uniformly without it."""

    def __init__(self, config: BlipConfig, similarity_negatives: bool = True):
        super().__init__(config)
        self.ta_head = nn.Linear(config.text_config.hidden_size, 3)
        self.vision_proj = None
        if similarity_negatives:
            self.vision_proj = nn.Linear(config.vision_config.hidden_size, config.image_text_hidden_size)
            self.vision_proj.requires_grad_(False)  # only ranks negatives; not trained (as in ALBEF)

    @torch.no_grad()
    def negative_weights(self, embeds: torch.Tensor, groups: torch.Tensor) -> torch.Tensor:
        allowed = negative_mask(groups)
        if self.vision_proj is None:
            return allowed
        features = normalize(self.vision_proj(embeds[:, 0, :]).float(), dim=-1)
        return softmax(features @ features.t() / SIMILARITY_TEMPERATURE, dim=1) * allowed

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        embeds = self.image_embeds(batch["pixel_values"])
        weights = self.negative_weights(embeds, batch["image_groups"])
        first, second, usable = assignment_pairs(batch["assignment"], batch["picks"], weights)
        state = self.fuse(embeds[first], embeds[second], batch["input_ids"], batch["attention_mask"])
        logits = self.ta_head(state)
        usable = usable.float()
        # A text whose negatives the batch lacks adds nothing (its row still joins the graph, for DDP).
        losses = cross_entropy(logits.float(), batch["assignment"], reduction="none")
        loss = (losses * usable).sum() / usable.sum().clamp(min=1)
        right = (logits.argmax(-1) == batch["assignment"]).float() * usable
        return {"loss": loss, "accuracy": (right.sum() / usable.sum().clamp(min=1)).detach()}
