"""Decontamination: a training image that is a near-duplicate of an evaluation image is dropped
(Flamingo de-duplicated its training sets against its benchmarks the same way).

Two tests, the first that matches decides: the perceptual hash (the same `imagehash.phash` and Hamming
distance as ingest's near-duplicate rule, capfilt.ingest.dedup) within `phash_distance` bits, then, when a
CLIP model is given, the image-embedding cosine of at least `min_cosine`. The nearest evaluation image
(smallest distance, then highest cosine, then key) is named in the reject.
"""

from __future__ import annotations

from typing import NamedTuple

import imagehash
import numpy as np

from capfilt.ingest.dedup import hamming
from schemas import Reject

STAGE = "decontaminate"


class EvalImage(NamedTuple):
    key: str
    phash: str
    vector: np.ndarray | None  # L2-normalised image embedding, None without a CLIP model


class EvalIndex:
    """The evaluation images (hashes and embeddings), matched against one training image at a time."""

    def __init__(self, images: list[EvalImage], phash_distance: int, min_cosine: float):
        ordered = sorted(images, key=lambda image: image.key)
        self.keys = [image.key for image in ordered]
        self.hashes = [image.phash for image in ordered]
        vectors = [image.vector for image in ordered if image.vector is not None]
        self.vectors = (
            np.stack(vectors).astype(np.float32) if len(vectors) == len(ordered) and vectors else None
        )
        self.phash_distance = phash_distance
        self.min_cosine = min_cosine

    def __len__(self) -> int:
        return len(self.keys)

    def match(self, key: str, url: str | None, phash: str, vector: np.ndarray | None) -> Reject | None:
        """A `decontaminate` Reject naming the matched evaluation image, or None for a clean image."""
        if not self.keys:
            return None
        distances = [hamming(phash, other) for other in self.hashes]
        nearest = min(range(len(distances)), key=lambda i: (distances[i], self.keys[i]))
        if distances[nearest] <= self.phash_distance:
            detail = f"phash distance {distances[nearest]} to evaluation image {self.keys[nearest]}"
            return Reject(key, url, STAGE, "eval_phash", detail)
        if vector is None or self.vectors is None:
            return None
        cosines = self.vectors @ vector
        closest = int(np.argmax(cosines))  # argmax takes the first maximum: the lowest key
        if cosines[closest] >= self.min_cosine:
            detail = f"cosine {cosines[closest]:.4f} to evaluation image {self.keys[closest]}"
            return Reject(key, url, STAGE, "eval_embedding", detail)
        return None


def image_phash(image) -> str:
    """The 64-bit perceptual hash as hex, computed as ingest computes `pairs.phash`."""
    return str(imagehash.phash(image))
