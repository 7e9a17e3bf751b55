"""BLIP's three pretraining losses and its hard-negative mining (within a rank or across ranks), as plain
functions of tensors."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from models.common import ranks


def positive_targets(same_pair: torch.Tensor) -> torch.Tensor:
    """ITC targets: uniform over the texts of the same pair (one-hot when every pair appears once)."""
    targets = same_pair.float()
    return targets / targets.sum(dim=1, keepdim=True)


def itc_loss(
    sim_i2t: torch.Tensor, sim_t2i: torch.Tensor, targets_i2t: torch.Tensor, targets_t2i: torch.Tensor
) -> torch.Tensor:
    """Image-text contrastive loss: cross-entropy on (possibly soft) targets, both directions averaged."""
    loss_i2t = -(F.log_softmax(sim_i2t, dim=1) * targets_i2t).sum(dim=1).mean()
    loss_t2i = -(F.log_softmax(sim_t2i, dim=1) * targets_t2i).sum(dim=1).mean()
    return (loss_i2t + loss_t2i) / 2


def smoothed(targets: torch.Tensor, smoothing: float) -> torch.Tensor:
    """Targets mixed with the uniform distribution over the row, as `cross_entropy(label_smoothing=)`."""
    return targets * (1 - smoothing) + smoothing / targets.shape[1] if smoothing else targets


@torch.no_grad()
def sample_hard_negatives(
    sim_i2t: torch.Tensor, sim_t2i: torch.Tensor, same_pair: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """One hard negative image per text and one hard negative text per image.

    Sampled from the softmax of the ITC similarities with the positives (the diagonal, and any other row
    of the same pair) given zero weight, as in BLIP: similar but wrong partners are picked most often.
    Returns (negative image index for each text, negative text index for each image).
    """
    if bool(same_pair.all(dim=1).any()):
        raise ValueError("ITM needs at least two different pairs in every batch (batch size >= 2)")
    weights_t2i = F.softmax(sim_t2i.float(), dim=1).masked_fill(same_pair, 0)
    weights_i2t = F.softmax(sim_i2t.float(), dim=1).masked_fill(same_pair, 0)
    # A softmax can underflow to all zeros at a tiny temperature; fall back to uniform over the negatives.
    weights_t2i = _or_uniform(weights_t2i, ~same_pair)
    weights_i2t = _or_uniform(weights_i2t, ~same_pair)
    neg_image = torch.multinomial(weights_t2i, 1).squeeze(1)
    neg_text = torch.multinomial(weights_i2t, 1).squeeze(1)
    return neg_image, neg_text


def negative_pool(
    image_embeds: torch.Tensor, ids: torch.Tensor, mask: torch.Tensor, across_ranks: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(images, text ids, text masks) that the indices of `sample_hard_negatives` point into: this rank's
    batch, or every rank's in rank order (images with gradient, which flows back to the rank that encoded
    them; ids and masks as constants), as BLIP's negative_all_rank and LAVIS's blip2_qformer."""
    if not across_ranks:
        return image_embeds, ids, mask
    return ranks.all_ranks_with_grad(image_embeds), ranks.all_ranks(ids), ranks.all_ranks(mask)


def _or_uniform(weights: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    empty = weights.sum(dim=1, keepdim=True) <= 0
    return torch.where(empty, allowed.float(), weights)


def itm_loss(logits: torch.Tensor, num_positives: int) -> torch.Tensor:
    """Cross-entropy over [positives, negatives]: label 1 for the first `num_positives` rows, else 0."""
    labels = torch.zeros(logits.shape[0], dtype=torch.long, device=logits.device)
    labels[:num_positives] = 1
    return F.cross_entropy(logits, labels)


def lm_loss(logits: torch.Tensor, labels: torch.Tensor, label_smoothing: float = 0.1) -> torch.Tensor:
    """Next-token cross-entropy; `labels` are aligned with the inputs and -100 outside the caption."""
    shifted = logits[:, :-1, :].reshape(-1, logits.shape[-1])
    targets = labels[:, 1:].reshape(-1)
    return F.cross_entropy(shifted.float(), targets, ignore_index=-100, label_smoothing=label_smoothing)
