"""Per-record randomness: captions depend on (key, run seed, caption index), never on batches or workers."""

from __future__ import annotations

import hashlib

import torch
from transformers import LogitsProcessor

SEED_BITS = 63


def record_seed(key: str, run_seed: int) -> int:
    """A stable 63-bit seed for one record (hash-based, so it is the same in every process and Python)."""
    digest = hashlib.blake2b(f"{run_seed}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - SEED_BITS)


def captioner_seed(seed: int, captioner: int) -> int:
    """The record seed the `captioner`-th captioner of a run samples from: the first captioner's is the
    record's own (so a one-captioner run is unchanged), every other's is derived from it and the index, so
    two captioners never share a random stream."""
    if captioner == 0:
        return seed
    digest = hashlib.blake2b(f"{seed}\x00captioner\x00{captioner}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - SEED_BITS)


def caption_seed(seed: int, index: int) -> int:
    """The seed of the `index`-th synthetic caption of a record whose seed is `seed`."""
    digest = hashlib.blake2b(f"{seed}\x00{index}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - SEED_BITS)


def generators(seeds: list[int], device: torch.device | str = "cpu") -> list[torch.Generator]:
    return [torch.Generator(device=device).manual_seed(seed) for seed in seeds]


def sample_rows(probs: torch.Tensor, rows: list[torch.Generator]) -> torch.Tensor:
    """Draw one token per row, each row from its own generator: the draw of a row ignores its neighbours."""
    return torch.cat([torch.multinomial(probs[i], 1, generator=g) for i, g in enumerate(rows)])


class PerRowSampler(LogitsProcessor):
    """Last logits processor of a *greedy* `generate`: samples each row with its own generator and leaves
    only the drawn token finite, so greedy's argmax picks it.

    transformers' sampling draws from the global RNG for the whole batch at once, so a row's tokens would
    depend on the batch it happens to be in; this keeps one generator per sequence instead. Rows are in
    the caller's order; the captioner puts sample j of image i in row i*N + j.
    """

    def __init__(self, rows: list[torch.Generator]):
        self.rows = rows

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if scores.shape[0] != len(self.rows):
            raise ValueError(f"PerRowSampler has {len(self.rows)} generators for {scores.shape[0]} rows")
        probs = torch.softmax(scores.float(), dim=-1)
        drawn = sample_rows(probs, self.rows).to(scores.device)
        chosen = torch.full_like(scores, float("-inf"))
        chosen.scatter_(1, drawn[:, None], 0.0)
        return chosen
