"""Per-record randomness: every record's generator derives from (seed, split, index, purpose) only,
so a record is the same whatever the order, chunking or number of records generated around it."""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, *parts: str | int) -> np.random.Generator:
    words = [seed] + [zlib.crc32(part.encode()) if isinstance(part, str) else part for part in parts]
    return np.random.default_rng(words)


def pick(rng: np.random.Generator, options):
    """One element of a sequence (numpy's choice would turn strings into numpy scalars)."""
    return options[int(rng.integers(len(options)))]
