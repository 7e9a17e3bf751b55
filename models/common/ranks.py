"""Every torchrun rank's rows of a tensor, for losses whose negatives come from the whole global batch.

BLIP and LAVIS have two gathers: `concat_all_gather` (a constant copy: ids, masks, the features that only
weight the hard-negative draw) and `all_gather_with_grad` (the graph stays connected, so a loss on one rank
sends gradient back to the rank that computed the rows). Outside torchrun, or on one rank, both return the
tensor itself, so single-process training is untouched. Every rank must hold the same number of rows (the
training loader's batches are full).
"""

from __future__ import annotations

import torch
import torch.distributed as dist


def world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def rank() -> int:
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


@torch.no_grad()
def all_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """Every rank's rows in rank order, without gradient (BLIP's concat_all_gather)."""
    if world_size() == 1:
        return tensor
    parts = [torch.empty_like(tensor) for _ in range(world_size())]
    dist.all_gather(parts, tensor.contiguous())
    return torch.cat(parts)


def all_ranks_with_grad(tensor: torch.Tensor) -> torch.Tensor:
    """Every rank's rows in rank order; each row's gradient flows back to its own rank (BLIP's
    all_gather_with_grad). With DDP's mean of the ranks' gradients, a loss averaged over each rank's rows
    then has exactly the gradient of the same loss over the global batch in one process."""
    if world_size() == 1:
        return tensor
    return torch.cat(_GatherWithGrad.apply(tensor.contiguous()))


class _GatherWithGrad(torch.autograd.Function):
    """BLIP's GatherLayer: all_gather forward; backward sums every rank's gradient of the gathered rows
    and keeps this rank's. Not torch.distributed.nn.all_gather: on gloo its all-to-all backward gave wrong
    gradients here when two gathers of different shapes share a graph (the Q-Former's query and text
    features; tests/models/test_negatives_across_ranks.py)."""

    @staticmethod
    def forward(ctx, tensor: torch.Tensor):
        parts = [torch.empty_like(tensor) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, tensor)
        return tuple(parts)

    @staticmethod
    def backward(ctx, *grads: torch.Tensor) -> torch.Tensor:
        total = torch.stack(grads).contiguous()
        dist.all_reduce(total)
        return total[dist.get_rank()]
