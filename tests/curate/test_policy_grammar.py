"""The --policy grammar: thresholds, AND/OR, per-image top-k, global top fractions, the raw/synthetic mix."""

import pytest

from capfilt.curate import policy
from capfilt.curate.cutoffs import Histograms
from capfilt.curate.policy_grammar import PolicyError

RANGES = {"itm": (0.0, 1.0), "clip": (-1.0, 1.0)}


def decide(text, itm, clip, cutoffs=None):
    return policy.Policy(text).decide({"itm": itm, "clip": clip}, cutoffs)


def test_named_policies_mean_what_they_did():
    for web, synthetic in [(0.5, [0.49, 0.91, 0.5]), (0.1, [0.2, 0.3]), (0.9, [0.95]), (0.5, [0.5, 0.5])]:
        scores = {"itm": [web, *synthetic]}
        assert policy.Policy("paper", 0.5).decide(scores) == policy.paper(web, synthetic, 0.5)
        for k in (1, 2, 5):
            assert policy.Policy("topk", k=k).decide(scores) == policy.topk(web, synthetic, k)
    assert policy.describe("paper", 0.5, 2) == "paper(itm>=0.5)"
    assert policy.describe("topk", 0.5, 3) == "topk(k=3)"


def test_thresholds_and_or_per_scorer():
    itm, clip = [0.6, 0.2, 0.9], [0.1, 0.4, 0.35]
    assert decide("itm>=0.5 & clip>0.3", itm, clip) == policy.Verdict(False, (False, True))
    assert decide("itm>=0.5 | clip>0.3", itm, clip) == policy.Verdict(True, (True, True))
    assert decide("(itm<0.5 | clip>=0.35) & clip < 0.4", itm, clip) == policy.Verdict(False, (False, True))
    assert policy.describe("itm>=0.5&(clip>0.3|itm>0.9)", 0.5, 2) == "itm>=0.5 & (clip>0.3 | itm>0.9)"


def test_top_k_by_a_named_scorer_ranks_the_texts_the_rule_names():
    itm, clip = [0.9, 0.1, 0.2, 0.3], [0.3, 0.5, 0.1, 0.5]
    # all four texts ranked by clip; the tie keeps the earlier caption
    assert decide("top2(clip)", itm, clip) == policy.Verdict(False, (True, False, True))
    assert decide("synthetic: top1(clip); web: itm>=0.5", itm, clip) == policy.Verdict(
        True, (True, False, False)
    )
    assert policy.top_k_by([0.3, 0.5, 0.1, 0.5], 2) == (False, True, False, True)


def test_the_mix_rule_uses_synthetic_captions_only_where_the_web_text_fails():
    rule = "web: clip>=0.3; fallback: clip>=0.2"
    assert decide(rule, [0, 0, 0], [0.35, 0.5, 0.25]) == policy.Verdict(True, (False, False))
    assert decide(rule, [0, 0, 0], [0.1, 0.5, 0.15]) == policy.Verdict(False, (True, False))
    with pytest.raises(PolicyError, match="fallback rule"):
        policy.Policy("fallback: clip>=0.2; synthetic: itm>=0.5")


def test_a_text_no_rule_names_is_dropped():
    assert decide("web: all", [0.1, 0.9], [0.0, 0.0]) == policy.Verdict(True, (False,))


def test_global_top_fraction_uses_the_corpus_cutoff_not_the_image():
    images = [{"itm": [0.5, 0.5], "clip": [i / 10, (i + 10) / 20]} for i in range(10)]
    rule = policy.Policy("top30%(clip)")
    assert rule.fractions == {("clip", "all", 30.0)}
    histograms = Histograms(rule.fractions, RANGES)
    for scores in images:
        histograms.add(scores)
    cutoffs = histograms.cutoffs(rule.fractions)
    verdicts = [rule.decide(scores, cutoffs) for scores in images]
    kept = [scores["clip"][0] for scores, v in zip(images, verdicts, strict=True) if v.web_kept]
    kept += [scores["clip"][1] for scores, v in zip(images, verdicts, strict=True) if v.synthetic_kept[0]]
    all_scores = sorted((v for s in images for v in s["clip"]), reverse=True)
    assert sorted(kept, reverse=True) == all_scores[:6]  # 30% of 20 texts: the 6 best of the corpus
    # merging halves in any order gives the same cutoff
    a, b = Histograms(rule.fractions, RANGES), Histograms(rule.fractions, RANGES)
    for i, scores in enumerate(images):
        (a if i % 3 else b).add(scores)
    assert b.merge(a).cutoffs(rule.fractions) == cutoffs


def test_bad_policies_are_one_clear_error():
    for text, message in [
        ("itm>=", "ends early"),
        ("itm=>0.5", "cannot read '=>0.5'"),
        ("itm ( 0.5", "expected one of"),
        ("top0(clip)", "at least 1"),
        ("top150%(clip)", r"\(0, 100\]"),
        ("best: itm>0", "unknown target"),
        ("itm>=0.5 clip", "unexpected 'clip'"),
        ("", "empty"),
    ]:
        with pytest.raises(PolicyError, match=message):
            policy.Policy(text)
    with pytest.raises(PolicyError, match=r"names scorer\(s\) clip.*--scorer NAME=PATH"):
        policy.Policy("clip>0.2").check_scorers({"itm"})


def test_policies_that_keep_everything_by_construction_are_recognised():
    keeps = [
        "itm>=0",
        "clip>=-1 & itm>=0",
        "top100%(clip)",
        "all",
        "top3(itm)",
        "web: all; synthetic: top2(clip)",
    ]
    for text in keeps:
        assert policy.Policy(text).keeps_everything(RANGES, num_captions=2), text
    filters = ["paper", "itm>=0.01", "top2(itm)", "itm>=0 & clip>-0.5", "web: all", "web: all; fallback: all"]
    for text in filters:
        assert not policy.Policy(text).keeps_everything(RANGES, num_captions=2), text


def test_blip2_ranks_the_web_text_and_every_caption_together_by_clip_and_keeps_two():
    blip2 = policy.Policy("blip2")
    assert blip2.scorers == {"clip"}
    itm, clip = [0.9, 0.8, 0.7, 0.1, 0.2], [0.1, 0.3, 0.05, 0.4, 0.2]
    # ITM would keep T_w and the first caption; CLIP keeps the captions scored 0.4 and 0.3
    assert blip2.decide({"itm": itm, "clip": clip}) == policy.Verdict(False, (True, False, True, False))
    assert blip2.decide({"itm": itm, "clip": [0.5, *clip[1:]]}) == policy.Verdict(
        True, (False,) * 2 + (True, False)
    )
    assert policy.describe("blip2", 0.5, 7) == "blip2(top2(clip))"  # --top_k is topk's, not BLIP-2's
    with pytest.raises(PolicyError, match=r"names scorer\(s\) clip.*add --scorer clip=openai/clip-vit-large"):
        blip2.check_scorers({"itm", "siglip"})
    assert blip2.keeps_everything(RANGES, num_captions=1)  # T_w and one caption: both kept
    assert not blip2.keeps_everything(RANGES, num_captions=2)
