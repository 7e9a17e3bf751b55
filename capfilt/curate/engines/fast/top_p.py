"""Top-p (nucleus) filtering after top-k, with transformers' `TopPLogitsWarper` result bit for bit, without
its full-vocabulary sort.

`TopPLogitsWarper` sorts all V scores of a row (30524 for BLIP), softmaxes the sorted row, takes its
cumulative sum and scatters the cut back: about 40 ms a step at 40 rows on one core, as much as the decoder's
output layer. After top-k only m (= k) scores of a row are finite, so the sorted row is V - m times -inf
followed by the m largest scores in ascending order. This builds exactly that vector from `topk` (m values,
no sort of V) and runs the same softmax and cumulative sum over it, so every probability and the cut are the
warper's own numbers. The one thing `topk` cannot reproduce is the order `torch.sort` gives equal scores (its
CPU sort is not stable), which decides which of two tied tokens falls at the cut: a batch with tied finite
scores, or with NaN or +inf, goes through the warper itself.
"""

from __future__ import annotations

import torch
from transformers import TopPLogitsWarper


class TopPAfterTopK:
    def __init__(self, top_p: float):
        self.reference = TopPLogitsWarper(top_p)
        self.top_p = self.reference.top_p
        self.filter_value = self.reference.filter_value
        self.min_tokens_to_keep = self.reference.min_tokens_to_keep

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        vocab = scores.shape[-1]
        # max propagates NaN, so this one reduction also sends NaN scores to the warper.
        if scores.numel() == 0 or not bool(scores.max() < float("inf")):
            return self.reference(input_ids, scores)
        kept = int((scores > float("-inf")).sum(dim=-1).max())  # finite scores in the fullest row
        if kept == 0 or kept * 4 > vocab:
            return self.reference(input_ids, scores)  # no top-k before it: nothing to save
        values, indices = torch.topk(scores, kept, dim=-1)  # descending; rows with fewer add -inf entries
        ascending, ascending_indices = values.flip(-1), indices.flip(-1)
        finite = ascending > float("-inf")
        if bool(((ascending[:, 1:] == ascending[:, :-1]) & finite[:, 1:]).any()):
            return self.reference(input_ids, scores)  # ties: only the warper's own sort orders them its way
        sorted_row = torch.full_like(scores, float("-inf"))
        sorted_row[:, vocab - kept :] = ascending
        cumulative = sorted_row.softmax(dim=-1).cumsum(dim=-1)[:, vocab - kept :]
        remove = cumulative <= (1 - self.top_p)
        remove[..., -self.min_tokens_to_keep :] = False
        # Outside the tail every score is -inf, removed or not: there the result is the input.
        filtered = torch.where(remove, torch.full_like(ascending, self.filter_value), ascending)
        return scores.scatter(1, ascending_indices, filtered)
