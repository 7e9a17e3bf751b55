"""Where the training loop's batches come from: one Parquet dataset, or several combined by a strategy
(models.training.combination). Either way the loop sees *update plans*: for every micro-step, the list of
parts (batch, loss weight, dataset name) it back-propagates.

Every source is positioned by the step alone (resume is exact): it tells each ParquetImageText how many
batches it already gave (round_robin's schedule is deterministic). Every loader seeds its own generator
(starting workers must not draw from the global RNG that a resume restores) and runs its workers
single-threaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import torch
from torch.utils.data import DataLoader, IterableDataset

from models.training import combination
from models.training.combination import Part
from models.training.data import ParquetImageText
from models.training.task import Task, TrainConfig
from schemas import expand

DATASET_SEPARATOR = "::"


@dataclass
class CombinationConfig:
    """How several datasets are combined (flags of the same names); --data holds globs separated by '::'."""

    weights: str = field(
        default="", metadata={"help": "one weight per dataset, comma-separated; default all 1"}
    )
    strategy: str = field(
        default="accumulation", metadata={"help": f"one of {', '.join(combination.STRATEGIES)}"}
    )


def split_datasets(data: str) -> list[str]:
    """'A::B' -> ['A', 'B'], each still a comma-separated glob list for schemas.expand."""
    globs = [part.strip() for part in data.split(DATASET_SEPARATOR)]
    if not data.strip() or any(not g for g in globs):
        raise ValueError(f"--data {data!r}: give one or more globs separated by '{DATASET_SEPARATOR}'")
    return globs


def parse_weights(text: str, num_datasets: int) -> list[float]:
    if not text.strip():
        return [1.0] * num_datasets
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--weights {text!r}: give comma-separated numbers") from None
    return combination.check_weights(values, num_datasets)


def _one_thread(_worker_id: int) -> None:
    # Loader workers decode and resize; letting each also run multi-threaded torch ops oversubscribes the CPU.
    torch.set_num_threads(1)


def _loader(dataset: IterableDataset, task: Task, config: TrainConfig, seed: int) -> DataLoader:
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        collate_fn=task.collate,
        num_workers=config.num_workers,
        worker_init_fn=_one_thread,
        generator=torch.Generator().manual_seed(seed),
    )


def _dataset(files: list[str], task: Task, config: TrainConfig, seed: int, start_batch: int):
    return (task.dataset or ParquetImageText)(
        files,
        task.transform,
        seed=seed,
        shuffle_buffer=config.shuffle_buffer,
        batch_size=config.batch_size,
        start_batch=start_batch,
    )


class SingleDataset:
    """--data as one dataset (comma-separated globs): one batch per micro-step."""

    def plans(self, task: Task, config: TrainConfig, step: int) -> Iterator[list[Part]]:
        files = expand(config.data)
        dataset = _dataset(files, task, config, config.seed, start_batch=step * config.grad_accum)
        for batch in _loader(dataset, task, config, config.seed):
            yield [Part(batch, 1.0, None)]

    def describe(self) -> dict:
        return {}


class CombinedDatasets:
    """--data 'A::B' combined by --strategy with --weights (checked here, before anything is built)."""

    def __init__(self, combine: CombinationConfig, config: TrainConfig):
        self.globs = split_datasets(config.data)
        self.weights = parse_weights(combine.weights, len(self.globs))
        self.strategy = combine.strategy
        if self.strategy not in combination.STRATEGIES:
            raise ValueError(
                f"unknown strategy {self.strategy!r}; choose one of {', '.join(combination.STRATEGIES)}"
            )
        if self.strategy == "round_robin" and config.grad_accum != 1 and len(self.globs) > 1:
            raise ValueError("round_robin makes one update per batch of one dataset; use --grad_accum 1")

    def plans(self, task: Task, config: TrainConfig, step: int) -> Iterator[list[Part]]:
        """The update plans, positioned after `step` optimiser steps; dataset k draws its own order
        (seed + k)."""
        files = [expand(g) for g in self.globs]
        names = [f"data{k}" for k in range(len(files))]
        consumed = step * config.grad_accum  # plan items already used
        seeds = [config.seed + k for k in range(len(files))]
        if self.strategy == "merged":
            parts = [
                _dataset(f, task, config, seed, start_batch=0) for f, seed in zip(files, seeds, strict=True)
            ]
            merged = combination.MergedDataset(parts, self.weights, config.batch_size, start_batch=consumed)
            return combination.merged_plan(iter(_loader(merged, task, config, config.seed)))
        if self.strategy == "accumulation":
            starts = [consumed] * len(files)
        else:
            starts = combination.schedule_counts(self.weights, consumed)
        streams = [
            iter(_loader(_dataset(f, task, config, seed, start), task, config, seed))
            for f, seed, start in zip(files, seeds, starts, strict=True)
        ]
        if self.strategy == "accumulation":
            return combination.accumulation_plan(streams, self.weights, names)
        return combination.round_robin_plan(streams, self.weights, names, start_turn=consumed)

    def describe(self) -> dict:
        return {"strategy": self.strategy, "weights": self.weights}
