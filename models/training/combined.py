"""Training one model on several Parquet datasets with a combination strategy (models.training.combination).

The same optimiser, schedule, DDP and checkpoints as models.training.loop (whose pieces it uses); what
differs is
that each optimiser step consumes an *update plan* (batches with loss weights, possibly from several
loaders) instead of micro-batches from one loader. A model may define `after_optimizer_step()` (CLIP clamps
its temperature there).

Resume is exact: the step fixes how many batches every loader has consumed (round_robin's schedule is
deterministic), and each ParquetImageText skips that many. A resume with other settings is refused as in
models.training.loop (models.training.resume_settings). Under torchrun the logged and summarised losses
are the mean over
the ranks.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from torch.utils.data import DataLoader
from tqdm import tqdm
from transformers import get_cosine_schedule_with_warmup

from models.training import combination
from models.training.loop import (
    CHECKPOINT,
    LOG_FILE,
    Task,
    TrainConfig,
    apply_schedule_settings,
    barrier,
    is_main,
    load_checkpoint,
    mean_over_ranks,
    param_groups,
    save_checkpoint,
    truncate_log,
    write_rank_losses,
)
from models.training.parquet_data import ParquetImageText
from schemas import expand

log = logging.getLogger(__name__)

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


def _loader(dataset, task: Task, config: TrainConfig) -> DataLoader:
    return DataLoader(
        dataset,
        batch_size=config.batch_size,
        collate_fn=task.collate,
        num_workers=config.num_workers,
        persistent_workers=False,
    )


def _dataset(
    files: list[str], index: int, task: Task, config: TrainConfig, start_batch: int
) -> ParquetImageText:
    # Each dataset draws its own order (seed offset by its index).
    return ParquetImageText(
        files,
        task.transform,
        seed=config.seed + index,
        shuffle_buffer=config.shuffle_buffer,
        batch_size=config.batch_size,
        start_batch=start_batch,
    )


def build_plan(
    task: Task, config: TrainConfig, globs: list[str], weights: list[float], strategy: str, step: int
):
    """The iterator of update plans, positioned after `step` optimiser steps."""
    files = [expand(g) for g in globs]
    names = [f"data{k}" for k in range(len(globs))]
    consumed = step * config.grad_accum  # plan items already used
    if strategy == "merged":
        parts = [_dataset(f, k, task, config, start_batch=0) for k, f in enumerate(files)]
        merged = combination.MergedDataset(parts, weights, config.batch_size, start_batch=consumed)
        return combination.merged_plan(iter(_loader(merged, task, config)))
    if strategy == "accumulation":
        loaders = [_loader(_dataset(f, k, task, config, consumed), task, config) for k, f in enumerate(files)]
        return combination.accumulation_plan([iter(x) for x in loaders], weights, names)
    if strategy == "round_robin":
        counts = combination.schedule_counts(weights, consumed)
        loaders = [
            _loader(_dataset(f, k, task, config, counts[k]), task, config) for k, f in enumerate(files)
        ]
        return combination.round_robin_plan([iter(x) for x in loaders], weights, names, start_turn=consumed)
    raise ValueError(f"unknown strategy {strategy!r}; choose one of {', '.join(combination.STRATEGIES)}")


def _to_device(part: combination.Part, device: torch.device, keys_file) -> combination.Part:
    batch = dict(part.batch)
    keys = batch.pop("keys", None)
    if keys_file and keys:
        keys_file.write("\n".join(keys) + "\n")
    batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
    return combination.Part(batch, part.weight, part.source)


def _autocast(device: torch.device, precision: str):
    use_bf16 = precision == "bf16" or (precision == "auto" and device.type == "cuda")
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16)


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model


def train_combined(
    task: Task,
    config: TrainConfig,
    combine: CombinationConfig,
    rank: int,
    world: int,
    device: torch.device,
    settings: dict | None = None,
) -> dict:
    """Run (or resume) training on the datasets of config.data ('A::B') combined by `combine.strategy`.
    The summary's losses are the last step's mean over ranks; `settings` are recorded in each checkpoint."""
    globs = split_datasets(config.data)
    weights = parse_weights(combine.weights, len(globs))
    if combine.strategy not in combination.STRATEGIES:
        raise ValueError(
            f"unknown strategy {combine.strategy!r}; choose one of {', '.join(combination.STRATEGIES)}"
        )
    if combine.strategy == "round_robin" and config.grad_accum != 1 and len(globs) > 1:
        raise ValueError("round_robin makes one update per batch of one dataset; use --grad_accum 1")
    output = Path(config.output)
    checkpoint_dir = output / CHECKPOINT
    model = task.model.to(device)
    optimizer = torch.optim.AdamW(param_groups(model, config.weight_decay), lr=config.lr)
    scheduler = get_cosine_schedule_with_warmup(optimizer, config.warmup_steps, config.max_steps)
    torch.manual_seed(config.seed + 1000 * rank)
    step = 0
    if config.resume and (checkpoint_dir / "trainer_state.pt").exists():
        step = load_checkpoint(checkpoint_dir, model, optimizer, scheduler, rank)
        apply_schedule_settings(optimizer, scheduler, config)
        if is_main():
            log.info("resumed from %s at step %d", checkpoint_dir, step)
    if world > 1:
        model = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None
        )
    plan = build_plan(task, config, globs, weights, combine.strategy, step)

    output.mkdir(parents=True, exist_ok=True)
    if is_main():
        truncate_log(output / LOG_FILE, step)  # steps after the checkpoint are redone
    keys_file = (output / f"keys_rank{rank}.txt").open("a") if config.record_keys else None
    log_file = (output / LOG_FILE).open("a") if is_main() else None
    end = min(config.max_steps, config.stop_at) if config.stop_at else config.max_steps
    progress = tqdm(total=config.max_steps, initial=step, desc=f"train {task.name}", disable=not is_main())
    started, samples = time.perf_counter(), 0
    last: dict[str, float] = {}
    model.train()
    while step < end:
        parts = [_to_device(p, device, keys_file) for _ in range(config.grad_accum) for p in next(plan)]
        with _autocast(device, config.precision):
            losses = combination.backward_parts(model, parts, scale=1 / config.grad_accum)
        if config.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        hook = getattr(_unwrap(model), "after_optimizer_step", None)
        if hook:
            hook()
        step += 1
        samples += sum(_batch_size(p.batch) for p in parts) * world
        own = _loss_record(parts, losses, config.grad_accum)
        last = mean_over_ranks(own, device)
        rate = samples / max(time.perf_counter() - started, 1e-9)
        progress.update(1)
        progress.set_postfix(loss=f"{last['loss']:.4f}", samples_per_s=f"{rate:.1f}")
        if log_file:
            log_file.write(json.dumps({"step": step, "lr": scheduler.get_last_lr()[0], **last}) + "\n")
            log_file.flush()
        if step % config.save_every == 0 or step == end:
            save_checkpoint(checkpoint_dir, model, optimizer, scheduler, step, rank, settings)
    progress.close()
    for handle in (keys_file, log_file):
        if handle:
            handle.close()
    if config.record_keys and last:
        write_rank_losses(output, rank, own)
    finished = step >= config.max_steps
    if finished and is_main():
        task.export(_unwrap(model), output)
    barrier()
    elapsed = time.perf_counter() - started
    return {
        "task": task.name,
        "strategy": combine.strategy,
        "weights": weights,
        "steps": step,
        "finished": finished,
        **{k: round(v, 4) for k, v in last.items()},
        "samples": samples,
        "samples_per_s": round(samples / max(elapsed, 1e-9), 2),
        "world_size": world,
        "output": str(output),
    }


def _batch_size(batch: dict) -> int:
    return len(next(v for v in batch.values() if isinstance(v, torch.Tensor)))


def _loss_record(parts: list[combination.Part], losses: list[float], grad_accum: int) -> dict[str, float]:
    """The step's objective (weighted sum over parts, mean over micro-steps) and each dataset's mean loss."""
    record = {"loss": sum(p.weight * loss for p, loss in zip(parts, losses, strict=True)) / grad_accum}
    by_source: dict[str, list[float]] = {}
    for part, loss in zip(parts, losses, strict=True):
        by_source.setdefault(part.source, []).append(loss)
    record.update({f"loss_{name}": sum(v) / len(v) for name, v in by_source.items()})
    return record
