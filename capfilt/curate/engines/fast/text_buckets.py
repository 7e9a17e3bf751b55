"""Split a batch of texts into two length buckets when padding everything to the longest wastes work.

The ITM text encoder runs every token of every row through 12 layers, padding included. A CapFilt batch
mixes short web texts (often 3-16 tokens) with synthetic captions near the 35-token limit, so about a sixth of
its rows are mostly padding. Two buckets, each padded to its own longest text, keep the rows of each image in
order and share the image's cross-attention K/V; a row's result differs from the one-bucket run only by the
rounding of a shorter masked attention (the probabilities stay within the engine's 1e-5 of transformers').
"""

from __future__ import annotations

import torch

# Split only when it saves at least this share of the padded tokens: one more encoder pass has a cost too.
MIN_SAVING = 0.05


def length_buckets(lengths: torch.Tensor) -> list[tuple[torch.Tensor, int]]:
    """Token counts per row -> [(row indices in order, padded length)], one or two buckets."""
    longest = int(lengths.max())
    everything = (torch.arange(lengths.shape[0], device=lengths.device), longest)
    one_bucket = lengths.shape[0] * longest
    best, best_cost = None, one_bucket
    for cut in torch.unique(lengths).tolist()[:-1]:
        short = int((lengths <= cut).sum())
        cost = short * cut + (lengths.shape[0] - short) * longest
        if cost < best_cost:
            best, best_cost = cut, cost
    if best is None or best_cost > (1 - MIN_SAVING) * one_bucket:
        return [everything]
    is_short = lengths <= best
    return [(is_short.nonzero().flatten(), best), ((~is_short).nonzero().flatten(), longest)]
