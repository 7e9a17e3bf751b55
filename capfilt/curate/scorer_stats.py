"""Per-scorer statistics for stats.json and the report: each scorer's histogram over its stated range, and
how far the scorers agree (rank correlation, threshold verdicts) with a few texts where they disagree.

Mergeable like `capfilt.curate.stats.Stats`. Agreement is measured on a deterministic sample of texts: the
SAMPLE texts with the smallest hash of (key, text index) (a bottom-k sketch, the same whatever the
sharding), so rank correlations stay cheap on a billion texts.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import operator

from capfilt.curate.policy_grammar import Threshold, leaves

BINS = 20
SAMPLE = 4096
DISAGREEMENTS = 3
TEXT_CHARS = 160
OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


def _bin(value: float, low: float, high: float) -> int:
    if value != value:
        return 0  # NaN lands in the first bin
    return min(max(int((value - low) / (high - low) * BINS), 0), BINS - 1)


def _ranks(values: list[float]) -> list[float]:
    """Average ranks (ties share theirs), 0-based."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2
        start = end + 1
    return ranks


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rank correlation (Pearson of average ranks); None when either side is constant."""
    if len(a) < 2:
        return None
    ra, rb = _ranks(a), _ranks(b)
    mean = (len(a) - 1) / 2
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb, strict=True))
    var_a, var_b = sum((x - mean) ** 2 for x in ra), sum((y - mean) ** 2 for y in rb)
    return round(cov / (var_a * var_b) ** 0.5, 6) if var_a and var_b else None


class ScorerStats:
    """`ranges`: each scorer's stated range (`scorer_specs.scorer_ranges`); `thresholds`: a scorer's first
    threshold in the policy, (op, value), where it has one (`thresholds_of`)."""

    def __init__(self, ranges: dict[str, tuple[float, float]], thresholds: dict[str, tuple[str, float]]):
        self.ranges, self.thresholds = ranges, thresholds
        self.counts = {name: [0] * BINS for name in ranges}
        self.totals = dict.fromkeys(ranges, 0.0)
        self.sample: list[tuple] = []  # heap of (-hash, key, index, text, scores), the SAMPLE smallest hashes

    def add_text(self, key: str, index: int, text: str, scores: dict[str, float]) -> None:
        for name, value in scores.items():
            if name in self.counts:
                self.counts[name][_bin(value, *self.ranges[name])] += 1
                self.totals[name] += value
        digest = int.from_bytes(hashlib.sha1(f"{key}\0{index}".encode()).digest()[:8], "big")
        entry = (-digest, key, index, text[:TEXT_CHARS], scores)
        if len(self.sample) < SAMPLE:
            heapq.heappush(self.sample, entry)
        elif entry > self.sample[0]:
            heapq.heapreplace(self.sample, entry)

    def add_row(self, row: dict) -> None:
        """One scored image's row (web_scores and synthetic[].scores; texts when the row carries them)."""
        texts = [(row.get("web_caption") or "", row.get("web_scores"))]
        texts += [(s.get("text") or "", s.get("scores")) for s in row["synthetic"]]
        for index, (text, scores) in enumerate(texts):
            if scores:
                self.add_text(row["key"], index, text, {s["scorer"]: s["score"] for s in scores})

    def merge(self, other: ScorerStats) -> ScorerStats:
        for name, counts in other.counts.items():
            self.counts[name] = [
                a + b for a, b in zip(self.counts.get(name, [0] * BINS), counts, strict=True)
            ]
            self.totals[name] = self.totals.get(name, 0.0) + other.totals[name]
        # The SAMPLE smallest hashes of both (entries hold -hash, so the largest of those).
        self.sample = heapq.nlargest(SAMPLE, self.sample + other.sample, key=lambda e: e[0])
        heapq.heapify(self.sample)
        return self

    def _passes(self, name: str, value: float) -> bool:
        op, threshold = self.thresholds[name]
        return OPS[op](value, threshold)

    def pair(self, a: str, b: str) -> dict:
        both = sorted((e for e in self.sample if a in e[4] and b in e[4]), key=lambda e: (e[1], e[2]))
        values_a, values_b = [e[4][a] for e in both], [e[4][b] for e in both]
        result = {"scorers": [a, b], "sampled_texts": len(both), "spearman": spearman(values_a, values_b)}
        if a in self.thresholds and b in self.thresholds and both:
            same = sum(
                self._passes(a, x) == self._passes(b, y) for x, y in zip(values_a, values_b, strict=True)
            )
            result["threshold_agreement"] = round(same / len(both), 6)
        # Disagreement: the texts whose percentile ranks by the two scorers differ most.
        if len(both) >= 2:
            ra, rb, top = _ranks(values_a), _ranks(values_b), len(both) - 1
            gaps = sorted(range(len(both)), key=lambda i: (-abs(ra[i] - rb[i]), both[i][1], both[i][2]))
            result["disagreements"] = [
                {
                    "key": both[i][1],
                    "text_index": both[i][2],  # 0: the web text T_w, then the synthetic captions
                    "text": both[i][3],
                    "scores": [values_a[i], values_b[i]],
                    "percentiles": [round(ra[i] / top, 3), round(rb[i] / top, 3)],
                }
                for i in gaps[:DISAGREEMENTS]
                if ra[i] != rb[i]
            ]
        return result

    def summary(self) -> dict:
        """stats.json's `scorers` (each one's histogram over its range, mean) and `scorer_agreement`."""
        scorers = {}
        for name, counts in self.counts.items():
            scored = sum(counts)
            scorers[name] = {
                "scored": scored,
                "mean_score": round(self.totals[name] / scored, 6) if scored else None,
                "histogram": {"bins": BINS, "range": list(self.ranges[name]), "counts": counts},
                **({"threshold": list(self.thresholds[name])} if name in self.thresholds else {}),
            }
        pairs = [self.pair(a, b) for a, b in itertools.combinations(self.counts, 2)]
        return {"scorers": scorers, "scorer_agreement": pairs}


def thresholds_of(rules) -> dict[str, tuple[str, float]]:
    """Each scorer's first threshold (`S>=t`) in the parsed policy rules."""
    found: dict[str, tuple[str, float]] = {}
    for rule in rules:
        for leaf in leaves(rule.expr):
            if isinstance(leaf, Threshold):
                found.setdefault(leaf.scorer, (leaf.op, leaf.value))
    return found
