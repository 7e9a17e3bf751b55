"""The engine's top-p after top-k (capfilt.curate.engines.fast.top_p) gives transformers' TopPLogitsWarper
result bit for bit, sorting only the k survivors; ties and non-finite scores take the warper itself."""

import pytest
import torch
from transformers import (
    MinLengthLogitsProcessor,
    RepetitionPenaltyLogitsProcessor,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from capfilt.curate.engines.fast.top_p import TopPAfterTopK

VOCAB = 30524  # BLIP's


class CountingWarper:
    """The real warper, counting the batches it is asked to filter."""

    def __init__(self, warper):
        self.warper, self.calls = warper, 0

    def __call__(self, input_ids, scores):
        self.calls += 1
        return self.warper(input_ids, scores)


def blip_scores(rows: int, seed: int, scale: float = 4.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Scores as the next-token rule sees them before top-p: repetition penalty, min length, top-k."""
    generator = torch.Generator().manual_seed(seed)
    tokens = torch.randint(0, VOCAB, (rows, 12), generator=generator)
    logits = torch.randn(rows, VOCAB, generator=generator) * scale
    for processor in (
        RepetitionPenaltyLogitsProcessor(1.1),
        MinLengthLogitsProcessor(20, eos_token_id=102, device="cpu"),
        TopKLogitsWarper(50),
    ):
        logits = processor(tokens, logits)
    return tokens, logits


@pytest.mark.parametrize("top_p", [0.9, 0.5, 0.99, 0.01])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_p_after_top_k_equals_the_warper_bit_for_bit(top_p, seed):
    tokens, scores = blip_scores(40, seed, scale=[4.0, 0.5, 12.0][seed])
    fast = TopPAfterTopK(top_p)
    fast.reference = CountingWarper(fast.reference)
    expected = TopPLogitsWarper(top_p)(tokens, scores)
    assert torch.equal(fast(tokens, scores), expected)
    assert fast.reference.calls == 0  # the sort-free path made it
    assert 0 < int(torch.isfinite(expected).sum()) <= 40 * 50


def test_rows_with_more_survivors_and_ties_use_the_warper():
    tokens, scores = blip_scores(6, 3)
    # Row 0 gets two extra survivors tied with its 50th score (top-k keeps all ties): 52 finite scores.
    kth = scores[0][torch.isfinite(scores[0])].min()
    extra = torch.nonzero(~torch.isfinite(scores[0])).flatten()[:2]
    scores[0, extra] = kth
    fast = TopPAfterTopK(0.9)
    fast.reference = CountingWarper(fast.reference)
    assert torch.equal(fast(tokens, scores), TopPLogitsWarper(0.9)(tokens, scores))
    assert fast.reference.calls == 1


def test_rows_with_fewer_survivors_still_match():
    tokens, scores = blip_scores(4, 4)
    # Row 1 keeps only 7 finite scores (the others masked), row 2 only one.
    survivors = torch.nonzero(torch.isfinite(scores[1])).flatten()
    scores[1, survivors[7:]] = float("-inf")
    scores[2, torch.nonzero(torch.isfinite(scores[2])).flatten()[1:]] = float("-inf")
    fast = TopPAfterTopK(0.9)
    fast.reference = CountingWarper(fast.reference)
    assert torch.equal(fast(tokens, scores), TopPLogitsWarper(0.9)(tokens, scores))
    assert fast.reference.calls == 0


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_scores_and_unfiltered_rows_use_the_warper(bad):
    tokens, scores = blip_scores(3, 5)
    scores[1, 7] = bad
    fast = TopPAfterTopK(0.9)
    fast.reference = CountingWarper(fast.reference)
    result, expected = fast(tokens, scores), TopPLogitsWarper(0.9)(tokens, scores)
    assert torch.equal(result.isnan(), expected.isnan()) and torch.equal(
        result.nan_to_num(), expected.nan_to_num()
    )
    assert fast.reference.calls == 1
    # No top-k before it (every score finite): nothing to save, the warper runs.
    plain = torch.randn(2, 1000)
    assert torch.equal(fast(tokens[:2], plain), TopPLogitsWarper(0.9)(tokens[:2], plain))
    assert fast.reference.calls == 2
