"""Semantic de-duplication (SemDeDup, Abbas et al. 2023) as plain functions; the Beam job does the grouping.

1. k-means over a sample of the image embeddings (`sample_rank` picks the same sample on any runner);
2. every image is assigned to its nearest centroid (a map);
3. within each cluster, images are ranked best first (highest text score, then key) and an image whose
   cosine to an image already kept in its cluster is > 1 - eps is dropped; the most similar kept image
   is its twin. So each group of near-duplicates keeps its best-scored member, and the twin named in a
   drop is always kept (a greedy pass, not SemDeDup's "any earlier image": chains cannot orphan a twin).

Only pairs inside one cluster are compared: the cost is the sum of squared cluster sizes, not n^2.
"""

from __future__ import annotations

import hashlib
from typing import NamedTuple

import numpy as np

KMEANS_ITERATIONS = 25


class Member(NamedTuple):
    """What clustering needs of a curated image: no bytes, no row."""

    key: str
    score: float  # the best text score of the row: its web_score or its best synthetic score
    vector: np.ndarray  # L2-normalised image embedding


class SemanticDuplicate(NamedTuple):
    loser: str
    twin: str  # the kept image it duplicates
    cosine: float

    def detail(self) -> str:
        return f"cosine {self.cosine:.4f} to {self.twin}"


def sample_rank(key: str) -> bytes:
    """A key's place in the clustering sample: the sample is the lowest-ranked keys, whatever the runner."""
    return hashlib.blake2b(key.encode(), digest_size=8).digest()


def kmeans(vectors: np.ndarray, clusters: int, seed: int = 0) -> np.ndarray:
    """Spherical k-means (cosine): (k, d) unit centroids, k = min(clusters, rows). k-means++ seeding from
    a generator of `seed`, so a sample gives the same centroids on every run."""
    vectors = np.asarray(vectors, np.float32)
    k = min(clusters, len(vectors))
    if k == 0:
        return np.zeros((0, vectors.shape[1] if vectors.ndim == 2 else 0), np.float32)
    rng = np.random.default_rng(seed)
    chosen = [int(rng.integers(len(vectors)))]
    distance = 1.0 - vectors @ vectors[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(distance, 0.0, None) ** 2
        total = weights.sum()
        pick = (
            int(rng.choice(len(vectors), p=weights / total)) if total > 0 else int(rng.integers(len(vectors)))
        )
        chosen.append(pick)
        distance = np.minimum(distance, 1.0 - vectors @ vectors[pick])
    centroids = vectors[chosen].copy()
    assignment = None
    for _ in range(KMEANS_ITERATIONS):
        new_assignment = np.argmax(vectors @ centroids.T, axis=1)
        if assignment is not None and np.array_equal(new_assignment, assignment):
            break
        assignment = new_assignment
        for cluster in range(k):
            members = vectors[assignment == cluster]
            if len(members):  # an emptied cluster keeps its centroid
                centroids[cluster] = _unit(members.sum(axis=0))
    return centroids


def assign(vector: np.ndarray, centroids: np.ndarray) -> int:
    """The nearest centroid by cosine (ties: the lower index)."""
    return int(np.argmax(centroids @ vector)) if len(centroids) else 0


def cluster_duplicates(members: list[Member], eps: float) -> list[SemanticDuplicate]:
    """Within one cluster: a verdict for each image with cosine > 1 - eps to a better-ranked kept image."""
    ranked = sorted(members, key=lambda m: (-m.score, m.key))
    if len(ranked) < 2:
        return []
    vectors = np.stack([m.vector for m in ranked]).astype(np.float32)
    similarity = vectors @ vectors.T
    kept: list[int] = []
    verdicts = []
    for i, member in enumerate(ranked):
        if kept:
            scores = similarity[i, kept]
            best = int(np.argmax(scores))
            if scores[best] > 1.0 - eps:
                verdicts.append(SemanticDuplicate(member.key, ranked[kept[best]].key, float(scores[best])))
                continue
        kept.append(i)
    return verdicts


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
