"""Per-scorer histograms and agreement (capfilt.curate.scorer_stats), mergeable in any order."""

import random

import pytest

from capfilt.curate import policy_grammar, scorer_stats
from capfilt.curate.scorer_stats import ScorerStats, spearman
from capfilt.curate.stats import Stats

RANGES = {"itm": (0.0, 1.0), "clip": (-1.0, 1.0), "aesthetic": (0.0, 10.0)}


def make_rows(n=60, seed=0):
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        texts = []
        for _ in range(3):
            itm = rng.random()
            texts.append(
                {"itm": itm, "clip": 2 * itm - 1 if i % 5 else rng.uniform(-1, 1), "aesthetic": i / 6}
            )
        synthetic = [
            {"text": f"cap {i}.{j}", "score": t["itm"], "kept": False, "hit_max_length": False,
             "scores": [{"scorer": s, "score": v} for s, v in t.items()]}
            for j, t in enumerate(texts[1:])
        ]  # fmt: skip
        row = {"key": f"k{i:03d}", "web_caption": f"web {i}", "web_score": texts[0]["itm"], "web_kept": True,
               "web_scores": [{"scorer": s, "score": v} for s, v in texts[0].items()], "captions": [],
               "synthetic": synthetic}  # fmt: skip
        rows.append(row)
    return rows


def test_spearman_matches_the_textbook_values():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    # ties share their average rank: ranks (0.5, 0.5, 2) vs (0, 1, 2) -> 0.866025
    assert spearman([1, 1, 2], [1, 2, 3]) == pytest.approx(0.866025, abs=1e-6)
    assert spearman([1, 1], [1, 2]) is None


def test_histograms_agreement_and_disagreements_merge_in_any_order():
    rules = policy_grammar.parse("itm>=0.5 & clip>0")
    thresholds = scorer_stats.thresholds_of(rules)
    assert thresholds == {"itm": (">=", 0.5), "clip": (">", 0.0)}
    rows = make_rows()
    whole = Stats(scorers=ScorerStats(RANGES, thresholds))
    for row in rows:
        whole.add_scored(row, True)
    shards = [Stats(scorers=ScorerStats(RANGES, thresholds)) for _ in range(3)]
    for i, row in enumerate(rows):
        shards[i * 7 % 3].add_scored(row, True)
    merged = Stats(scorers=ScorerStats(RANGES, thresholds))
    for shard in reversed(shards):
        merged.merge(shard)
    summary = whole.summary()
    assert merged.summary() == summary
    itm = summary["scorers"]["itm"]
    assert itm["scored"] == 180 and sum(itm["histogram"]["counts"]) == 180
    assert itm["histogram"]["range"] == [0.0, 1.0] and itm["threshold"] == [">=", 0.5]
    aesthetic = summary["scorers"]["aesthetic"]["histogram"]
    assert aesthetic["range"] == [0.0, 10.0] and aesthetic["counts"][0] == 9  # i/6 < 0.5: i = 0, 1, 2
    pairs = {tuple(p["scorers"]): p for p in summary["scorer_agreement"]}
    assert set(pairs) == {("itm", "clip"), ("itm", "aesthetic"), ("clip", "aesthetic")}
    itm_clip = pairs[("itm", "clip")]
    # clip = 2 itm - 1 (the same verdict at 0.5 and 0) except on every fifth image
    all_texts = [({s["scorer"]: s["score"] for s in t}) for r in rows
                 for t in [r["web_scores"]] + [c["scores"] for c in r["synthetic"]]]  # fmt: skip
    same = sum((t["itm"] >= 0.5) == (t["clip"] > 0) for t in all_texts) / len(all_texts)
    assert itm_clip["threshold_agreement"] == pytest.approx(same, abs=1e-6) and same < 1
    assert itm_clip["spearman"] == spearman([t["itm"] for t in all_texts], [t["clip"] for t in all_texts])
    assert "threshold_agreement" not in pairs[("itm", "aesthetic")]  # no threshold on aesthetic
    worst = itm_clip["disagreements"]
    assert len(worst) == 3 and all(int(d["key"][1:]) % 5 == 0 for d in worst)
    texts = {r["key"]: [r["web_caption"]] + [c["text"] for c in r["synthetic"]] for r in rows}
    assert all(d["text"] == texts[d["key"]][d["text_index"]] for d in worst)
    gaps = [abs(d["percentiles"][0] - d["percentiles"][1]) for d in worst]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0.3


def test_the_sample_is_the_smallest_hashes_whatever_the_sharding(monkeypatch):
    monkeypatch.setattr(scorer_stats, "SAMPLE", 50)
    rows = make_rows(n=40, seed=1)
    one, parts = ScorerStats(RANGES, {}), [ScorerStats(RANGES, {}) for _ in range(4)]
    for i, row in enumerate(rows):
        one.add_row(row)
        parts[i % 4].add_row(row)
    merged = parts[3].merge(parts[1]).merge(parts[0]).merge(parts[2])
    assert len(one.sample) == 50
    assert sorted(e[:3] for e in merged.sample) == sorted(e[:3] for e in one.sample)
    assert merged.summary() == one.summary()
