"""The one training loop of every model, on one dataset or several combined: AdamW, warmup + cosine,
gradient accumulation, bf16 autocast on GPU, DDP under torchrun (gloo on CPU, NCCL on GPU), progress, and
checkpoints that resume exactly (models.training.checkpoint).

The data come from a source (models.training.sources): one Parquet dataset, or several combined by a
strategy. The data position is the step itself: the source skips the batches already consumed. A rerun
with other settings is refused (models.training.resume_settings; --resume_anyway overrides).

Under torchrun the losses logged and summarised are the mean over the ranks; only rank 0 logs and prints.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import torch
from torch import nn
from tqdm import tqdm
from transformers import get_cosine_schedule_with_warmup

from capfilt.flags import dataclass_from_args
from models.training import combination, resume_settings
from models.training.checkpoint import CHECKPOINT, has_checkpoint, load_checkpoint, save_checkpoint
from models.training.distributed import barrier, is_main, mean_over_ranks, setup_distributed, unwrap, wrap
from models.training.sources import SingleDataset
from models.training.task import Task, TrainConfig

log = logging.getLogger(__name__)

LOG_FILE = "train_log.jsonl"


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Weight decay on matrices only: biases, norms and the temperature are not decayed."""
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad:
            (decay if p.ndim >= 2 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def apply_schedule_settings(optimizer, scheduler, config: TrainConfig) -> None:
    """After a resume, make the learning rate and weight decay follow this run's flags from the checkpoint's
    step on (the restored state holds the checkpoint's); with the same flags this changes nothing."""
    decays = (config.weight_decay, 0.0)  # param_groups: matrices, then biases and norms
    for group, decay in zip(optimizer.param_groups, decays, strict=True):
        group["initial_lr"], group["weight_decay"] = config.lr, decay
    scheduler.base_lrs = [config.lr] * len(optimizer.param_groups)
    rates = [config.lr * schedule(scheduler.last_epoch) for schedule in scheduler.lr_lambdas]
    for group, rate in zip(optimizer.param_groups, rates, strict=True):
        group["lr"] = rate
    scheduler._last_lr = rates


def write_rank_losses(output: Path, rank: int, losses: dict[str, float]) -> None:
    """This rank's own last losses (with --record_keys, for tests of the all-reduced summary)."""
    (output / f"losses_rank{rank}.json").write_text(json.dumps(losses) + "\n")


def truncate_log(path: Path, step: int) -> None:
    """Drop log lines of steps after the checkpoint (written before an interruption); they are redone."""
    if path.exists():
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if json.loads(line)["step"] <= step))


def _autocast(device: torch.device, precision: str):
    use_bf16 = precision == "bf16" or (precision == "auto" and device.type == "cuda")
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16)


def _to_device(part: combination.Part, device: torch.device, keys_file) -> combination.Part:
    batch = dict(part.batch)
    keys = batch.pop("keys", None)
    if keys_file and keys:
        keys_file.write("\n".join(keys) + "\n")
    batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
    return combination.Part(batch, part.weight, part.source)


def _batch_size(batch: dict) -> int:
    return len(next(v for v in batch.values() if isinstance(v, torch.Tensor)))


class _StepLosses:
    """One optimiser step's figures: every loss the model returns, weighted by its part's factor and
    averaged over the micro-steps ("loss" is the objective), plus each named dataset's mean loss."""

    def __init__(self, grad_accum: int):
        self.grad_accum = grad_accum
        self.totals: dict[str, float] = {}
        self.by_source: dict[str, list[float]] = {}

    def add(self, part: combination.Part, losses: dict[str, float]) -> None:
        for name, value in losses.items():
            self.totals[name] = self.totals.get(name, 0.0) + part.weight * value / self.grad_accum
        if part.source is not None:
            self.by_source.setdefault(part.source, []).append(losses["loss"])

    def record(self) -> dict[str, float]:
        return {**self.totals, **{f"loss_{name}": sum(v) / len(v) for name, v in self.by_source.items()}}


def train(
    task: Task,
    config: TrainConfig,
    rank: int,
    world: int,
    device: torch.device,
    settings: dict | None = None,
    source=None,
) -> dict:
    """Run (or resume) training on `source` (models.training.sources; by default --data as one dataset);
    rank 0 exports the model to config.output. Returns the summary, whose losses are the last step's mean
    over ranks. `settings` (models.training.resume_settings.run_settings) are recorded in each
    checkpoint."""
    source = source or SingleDataset()
    output = Path(config.output)
    checkpoint_dir = output / CHECKPOINT
    model = task.model.to(device)
    optimizer = torch.optim.AdamW(param_groups(model, config.weight_decay), lr=config.lr)
    scheduler = get_cosine_schedule_with_warmup(optimizer, config.warmup_steps, config.max_steps)
    # Each rank draws its own hard negatives; initial weights are equal on all ranks (seeded before building).
    torch.manual_seed(config.seed + 1000 * rank)
    random.seed(config.seed + 1000 * rank)
    step = 0
    if config.resume and has_checkpoint(checkpoint_dir):
        step = load_checkpoint(checkpoint_dir, model, optimizer, scheduler, rank)
        apply_schedule_settings(optimizer, scheduler, config)
        if is_main():
            log.info("resumed from %s at step %d", checkpoint_dir, step)
    output.mkdir(parents=True, exist_ok=True)
    if is_main():
        # Log lines after the starting step (written before an interruption, or by a run started over) go.
        truncate_log(output / LOG_FILE, step)
    model = wrap(model, world, device)
    plans = source.plans(task, config, step)

    keys_file = (output / f"keys_rank{rank}.txt").open("a") if config.record_keys else None
    log_file = (output / LOG_FILE).open("a") if is_main() else None
    end = min(config.max_steps, config.stop_at) if config.stop_at else config.max_steps
    progress = tqdm(total=config.max_steps, initial=step, desc=f"train {task.name}", disable=not is_main())
    started, first_step, samples = time.perf_counter(), step, 0
    own: dict[str, float] = {}
    last: dict[str, float] = {}
    model.train()
    while step < end:
        losses = _StepLosses(config.grad_accum)
        for micro in range(config.grad_accum):
            parts = [_to_device(part, device, keys_file) for part in next(plans)]
            # Under DDP the gradients are synchronised once per optimiser step, on its last part.
            with _autocast(device, config.precision):
                part_losses = combination.backward_parts(
                    model, parts, scale=1 / config.grad_accum, sync=micro == config.grad_accum - 1
                )
            for part, values in zip(parts, part_losses, strict=True):
                losses.add(part, values)
                samples += _batch_size(part.batch) * world
        if config.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        if task.after_optimizer_step:
            task.after_optimizer_step(unwrap(model))
        step += 1
        own = losses.record()
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
    if config.record_keys and step > first_step:
        write_rank_losses(output, rank, own)
    finished = step >= config.max_steps
    if finished and is_main():
        task.export(unwrap(model), output)
    barrier()
    elapsed = time.perf_counter() - started
    return {
        "task": task.name,
        **source.describe(),
        "steps": step,
        "finished": finished,
        "loss": round(last["loss"], 4) if last else None,
        **{k: round(v, 4) for k, v in last.items() if k != "loss"},
        "samples": samples,
        "samples_per_s": round(samples / max(elapsed, 1e-9), 2),
        "world_size": world,
        "output": str(output),
    }


def run_config_dump(output: Path, **configs) -> None:
    """Record the exact configuration next to the model (rank 0)."""
    if is_main():
        output.mkdir(parents=True, exist_ok=True)
        payload = {name: asdict(value) for name, value in configs.items()}
        (output / "run_config.json").write_text(json.dumps(payload, indent=2, default=str))


def check_resume(config: TrainConfig, settings: dict) -> None:
    """Before anything is built: refuse to resume OUTPUT/checkpoint with settings other than its own
    (models.training.resume_settings; --resume_anyway overrides). Nothing to check when there is no
    checkpoint."""
    checkpoint = Path(config.output) / CHECKPOINT
    if config.resume and has_checkpoint(checkpoint):
        resume_settings.check_resume(checkpoint, settings, config.max_steps, config.resume_anyway)


def run_training(args, model_class, make_task: Callable) -> dict:
    """What every single-task training subcommand does: its two configs from the flags, then run_task."""
    model_args, train_args = dataclass_from_args(model_class, args), dataclass_from_args(TrainConfig, args)
    return run_task(model_args, train_args, make_task)


def run_task(model_args, train_args: TrainConfig, make_task: Callable) -> dict:
    """One single-task training run from its two configs, as a function (pipelines.bootstrap calls it):
    set up the processes, check a resume, build the task (which validates checkpoints and data), record the
    configuration, train. Returns the run's summary."""
    rank, world, device = setup_distributed(train_args.device)
    settings = resume_settings.run_settings(world, model=model_args, train=train_args)
    check_resume(train_args, settings)
    task = make_task(model_args, train_args)
    run_config_dump(Path(train_args.output), model=model_args, train=train_args)
    return train(task, train_args, rank, world, device, settings)
