"""Ranking metrics of answer candidates (VisDial): the rank of the right answer, MRR, R@k, mean rank.

A tie counts against the right answer (its rank is the number of candidates scoring at least as high), so
the figures do not depend on the order of the candidates and a model scoring all alike ranks last.
"""

from __future__ import annotations

import torch

RECALL_AT = (1, 5, 10)


def answer_ranks(scores: torch.Tensor, right: torch.Tensor) -> torch.Tensor:
    """1-based rank of candidate `right[i]` among `scores[i]` (rounds x candidates), ties pessimistic."""
    if scores.ndim != 2 or right.shape != scores.shape[:1]:
        raise ValueError(f"scores (rounds x candidates) and one index per round, got {tuple(scores.shape)}")
    right_score = scores.gather(1, right.long()[:, None])
    return (scores >= right_score).sum(1)


def ranking_metrics(ranks: torch.Tensor) -> dict[str, float]:
    """MRR and R@1/5/10 in percent (as papers print them) and the mean rank, over all ranked rounds."""
    if ranks.numel() == 0:
        raise ValueError("no round was ranked")
    ranks = ranks.double()
    out = {"mrr": 100 * (1 / ranks).mean().item()}
    out.update({f"r{k}": 100 * (ranks <= k).double().mean().item() for k in RECALL_AT})
    out["mean_rank"] = ranks.mean().item()
    return out
