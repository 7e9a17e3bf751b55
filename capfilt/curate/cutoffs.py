"""Global cutoffs for the policies' "top N% of the corpus by a score" conditions (DataComp's CLIP top 30%).

A quantile over the whole corpus, not per batch: each scorer's scores go into a fixed-bin histogram over
the scorer's stated range (`BINS` bins), which merges exactly in any order, so a Beam combine gives the
same cutoff on any number of workers. The cutoff is the lower edge of the bin where the count from the
top reaches N%: every text at or above it is kept, so the kept share is N% plus at most the texts
sharing that one bin (1/65,536 of the range).
"""

from __future__ import annotations

import math

import numpy as np

BINS = 1 << 16
# (scorer, population, percent): population is "all", "web" or "synthetic" (capfilt.curate.policy_grammar)
Need = tuple[str, str, float]


class Histograms:
    """Per (scorer, population): counts of scores in BINS bins over the scorer's range."""

    def __init__(self, needs: set[Need], ranges: dict[str, tuple[float, float]]):
        self.ranges = ranges
        self.counts = {(scorer, population): np.zeros(BINS, np.int64) for scorer, population, _ in needs}

    def add(self, scores: dict[str, list[float]]) -> None:
        """One image's scores: each scorer's [T_w, T_s...] list."""
        for (scorer, population), counts in self.counts.items():
            values = scores[scorer]
            values = (
                values[:1] if population == "web" else values[1:] if population == "synthetic" else values
            )
            for value in values:
                counts[self._bin(scorer, value)] += 1

    def _bin(self, scorer: str, value: float) -> int:
        low, high = self.ranges[scorer]
        if math.isnan(value):
            return 0  # a NaN score ranks lowest
        position = (min(max(value, low), high) - low) / (high - low)
        return min(int(position * BINS), BINS - 1)

    def merge(self, other: Histograms) -> Histograms:
        for name, counts in other.counts.items():
            self.counts[name] += counts
        return self

    def cutoff(self, scorer: str, population: str, percent: float) -> float:
        """The lowest score kept by "top percent% by scorer" over the population; +inf when it is empty."""
        counts = self.counts[(scorer, population)]
        total = int(counts.sum())
        if total == 0:
            return math.inf
        wanted = math.ceil(total * percent / 100 - 1e-9)
        from_top = np.cumsum(counts[::-1])
        top_bin = BINS - 1 - int(np.searchsorted(from_top, max(wanted, 1)))
        low, high = self.ranges[scorer]
        # A hair below the bin's edge, so rounding never drops a score that fell into the bin.
        return -math.inf if top_bin == 0 else low + (high - low) * (top_bin - 1e-6) / BINS

    def cutoffs(self, needs: set[Need]) -> dict[Need, float]:
        return {need: self.cutoff(*need) for need in needs}
