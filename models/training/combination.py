"""Training on several datasets at once: Flamingo's three combination strategies as update rules.

Each strategy turns per-dataset streams into *update plans*: for every optimiser step, the list of
(batch, loss weight) parts whose weighted losses are back-propagated before the step.

- accumulation: one batch from every dataset per step; the gradient is the weighted sum
  sum_k w_k * grad L_k (Flamingo's choice: "accumulate gradients over all datasets").
- merged: each batch mixes examples of all datasets, dataset k supplying a w_k / sum(w) share of it.
- round_robin: one dataset per batch and one step per batch; dataset k gets a w_k / sum(w) share of the
  batches (equal weights alternate A, B, A, B, ...).

Shares are spread by a smooth weighted round robin (deterministic, no RNG), so a resumed run and every rank
agree on which dataset comes next. The weights mean "relative share of the training signal" everywhere:
a loss factor for accumulation, a sample share for merged, a batch share for round_robin.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from typing import NamedTuple

import torch
from torch.utils.data import IterableDataset, get_worker_info

STRATEGIES = ("accumulation", "merged", "round_robin")

MERGED = "merged"


class Part(NamedTuple):
    """One batch of an update, the factor on its loss, and the dataset it came from (for logging)."""

    batch: dict
    weight: float
    # None for a single dataset, whose losses are logged without a per-dataset figure.
    source: str | None


def check_weights(weights: Sequence[float], num_datasets: int) -> list[float]:
    weights = [float(w) for w in weights]
    if len(weights) != num_datasets:
        raise ValueError(f"{len(weights)} weight(s) given for {num_datasets} dataset(s)")
    if any(not w > 0 for w in weights):
        raise ValueError(f"weights must be positive numbers, got {weights}")
    return weights


def weighted_round_robin(weights: Sequence[float]) -> Iterator[int]:
    """Dataset indices, each index k appearing a w_k / sum(w) share of the time, as evenly spread as possible.

    The "smooth" weighted round robin: every turn each dataset earns its weight, the richest is chosen and
    pays the total. Equal weights give 0, 1, 0, 1, ...; weights 1.0, 0.2 give five 0s per 1.
    """
    credit = [0.0] * len(weights)
    total = sum(weights)
    while True:
        credit = [c + w for c, w in zip(credit, weights, strict=True)]
        chosen = max(range(len(weights)), key=lambda k: (credit[k], -k))
        credit[chosen] -= total
        yield chosen


def schedule_counts(weights: Sequence[float], turns: int) -> list[int]:
    """How many of the first `turns` round-robin turns went to each dataset (to resume a stream exactly)."""
    counts = [0] * len(weights)
    for index in itertools.islice(weighted_round_robin(weights), turns):
        counts[index] += 1
    return counts


def accumulation_plan(
    batch_streams: Sequence[Iterator[dict]], weights: Sequence[float], names: Sequence[str]
) -> Iterator[list[Part]]:
    while True:
        yield [
            Part(next(stream), weight, name)
            for stream, weight, name in zip(batch_streams, weights, names, strict=True)
        ]


def round_robin_plan(
    batch_streams: Sequence[Iterator[dict]],
    weights: Sequence[float],
    names: Sequence[str],
    start_turn: int = 0,
) -> Iterator[list[Part]]:
    for index in itertools.islice(weighted_round_robin(weights), start_turn, None):
        yield [Part(next(batch_streams[index]), 1.0, names[index])]


def merged_plan(merged_batches: Iterator[dict]) -> Iterator[list[Part]]:
    for batch in merged_batches:
        yield [Part(batch, 1.0, MERGED)]


def merge_samples(sample_streams: Sequence[Iterator], weights: Sequence[float]) -> Iterator:
    """One stream of samples interleaving the datasets' samples by weight (what `merged` batches hold)."""
    for index in weighted_round_robin(weights):
        yield next(sample_streams[index])


class MergedDataset(IterableDataset):
    """The samples of several datasets interleaved by weight, each sharded as it would be alone.

    Iterated inside each DataLoader worker, so every sub-dataset shards itself by (rank, worker) as usual.
    `start_batch` skips the batches this rank already consumed (batch b comes from worker b % workers).
    """

    def __init__(
        self,
        datasets: Sequence[IterableDataset],
        weights: Sequence[float],
        batch_size: int,
        start_batch: int = 0,
    ):
        self.datasets = list(datasets)
        self.weights = check_weights(weights, len(self.datasets))
        self.batch_size = batch_size
        self.start_batch = start_batch

    def __iter__(self):
        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info else (0, 1)
        to_skip = len(range(worker, self.start_batch, workers)) * self.batch_size
        merged = merge_samples([iter(d) for d in self.datasets], self.weights)
        return itertools.islice(merged, to_skip, None)


def backward_parts(
    model: torch.nn.Module, parts: Sequence[Part], scale: float = 1.0, sync: bool = True
) -> list[dict[str, float]]:
    """Back-propagate scale * sum_k w_k * loss_k over the parts; returns each part's (unweighted) losses.

    Under DDP gradients are synchronised once, on the last part, and only when `sync` (the loop passes
    False for every micro-step of an accumulated step but the last).
    """
    losses = []
    distributed = isinstance(model, torch.nn.parallel.DistributedDataParallel)
    for position, (batch, weight, _) in enumerate(parts):
        last = sync and position == len(parts) - 1
        with model.no_sync() if distributed and not last else nullcontext():
            output = model(batch)
            (output["loss"] * (weight * scale)).backward()
        losses.append({name: float(value.detach()) for name, value in output.items()})
    return losses
