"""The training loop shared by every model: AdamW, warmup + cosine, gradient accumulation, bf16 autocast on
GPU, DDP under torchrun (gloo on CPU, NCCL on GPU), progress, and checkpoints that resume exactly.

A checkpoint (OUTPUT/checkpoint/) holds the model weights (safetensors), the optimiser and scheduler state
and the step (trainer_state.pt), each rank's RNG state (rng_rank{R}.pt) and the run's settings
(settings.json, see models.training.resume_settings: a rerun with other settings is refused). The data
position is the
step itself: the loader skips the batches already consumed (see models.training.parquet_data).

Under torchrun the losses logged and summarised are the mean over the ranks; only rank 0 logs and prints.
"""

from __future__ import annotations

import json
import logging
import os
import random
import shutil
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from torch.utils.data import DataLoader, IterableDataset
from tqdm import tqdm
from transformers import get_cosine_schedule_with_warmup

from models.common.cli import dataclass_from_args
from models.training import resume_settings
from models.training.parquet_data import Augmentation, ImageTransform, ParquetImageText
from schemas import expand
from schemas.publish import IN_PROGRESS_SUFFIX, replace_folder

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint"
LOG_FILE = "train_log.jsonl"


@dataclass
class TrainConfig:
    """Optimisation and data settings common to every model (flags of the same names)."""

    data: str = field(
        default="", metadata={"help": "Parquet glob(s), comma-separated; pairs or curated; fsspec"}
    )
    output: str = field(
        default="runs/blip", metadata={"help": "directory for checkpoints and the final model"}
    )
    max_steps: int = field(default=1000, metadata={"help": "optimiser steps"})
    batch_size: int = field(default=32, metadata={"help": "samples per process per micro-batch"})
    grad_accum: int = field(default=1, metadata={"help": "micro-batches per optimiser step"})
    lr: float = field(default=3e-4, metadata={"help": "peak learning rate"})
    weight_decay: float = field(
        default=0.05, metadata={"help": "AdamW weight decay (not on biases and norms)"}
    )
    warmup_steps: int = field(default=100, metadata={"help": "linear warmup steps before the cosine decay"})
    max_grad_norm: float = field(
        default=0.0, metadata={"help": "clip gradients to this norm; 0 = no clipping"}
    )
    seed: int = field(default=0, metadata={"help": "seed of initialisation, data order and sampling"})
    num_workers: int = field(default=2, metadata={"help": "DataLoader worker processes per rank"})
    shuffle_buffer: int = field(
        default=1000, metadata={"help": "samples held by each reader's shuffle buffer"}
    )
    crop_scale_min: float = field(
        default=1.0, metadata={"help": "random resized crop down to this area fraction; 1 = no crop"}
    )
    hflip: bool = field(
        default=False, metadata={"help": "random horizontal flips (wrong for left/right captions)"}
    )
    precision: str = field(
        default="auto",
        metadata={
            "help": "auto (bf16 on GPU, fp32 on CPU), bf16 or fp32",
            "choices": ("auto", "bf16", "fp32"),
        },
    )
    device: str = field(
        default="auto", metadata={"help": "auto, cpu or cuda", "choices": ("auto", "cpu", "cuda")}
    )
    save_every: int = field(
        default=500, metadata={"help": "write a checkpoint every N steps (and at the end)"}
    )
    resume: bool = field(default=True, metadata={"help": "continue from OUTPUT/checkpoint when it exists"})
    resume_anyway: bool = field(
        default=False,
        metadata={
            "help": "resume OUTPUT/checkpoint even when it was trained with other settings (they are "
            "listed); the new values apply from the checkpoint's step on"
        },
    )
    stop_at: int = field(
        default=0, metadata={"help": "stop after this step as if interrupted (0 = run to the end)"}
    )
    record_keys: bool = field(
        default=False,
        metadata={"help": "write the keys each rank trained on and its own last losses (for tests)"},
    )


@dataclass
class Task:
    """What the loop trains: a module whose forward(batch) returns {"loss": ..., other losses...}."""

    name: str
    model: nn.Module
    transform: ImageTransform
    collate: Callable
    # Writes the finished model (transformers format) into a directory.
    export: Callable[[nn.Module, Path], None]
    # Optional reader in place of ParquetImageText: called as dataset(files, transform, seed=...,
    # shuffle_buffer=..., batch_size=..., start_batch=...) and held to the same sharding, shuffle and resume
    # contract (e.g. a ParquetImageText subclass for tables whose rows are not image-caption pairs).
    dataset: Callable[..., IterableDataset] | None = None


def setup_distributed(device: str) -> tuple[int, int, torch.device]:
    """Join the torchrun process group when there is one; return (rank, world size, device)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
    target = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(target)
    if world > 1 and not torch.distributed.is_initialized():
        torch.distributed.init_process_group(backend="nccl" if use_cuda else "gloo")
    rank = torch.distributed.get_rank() if world > 1 else 0
    return rank, world, target


def is_main() -> bool:
    return not torch.distributed.is_initialized() or torch.distributed.get_rank() == 0


def barrier() -> None:
    if torch.distributed.is_initialized():
        torch.distributed.barrier()


def param_groups(model: nn.Module, weight_decay: float) -> list[dict]:
    """Weight decay on matrices only: biases, norms and the temperature are not decayed."""
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad:
            (decay if p.ndim >= 2 else no_decay).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def _rng_state() -> dict:
    state = {"python": _to_lists(random.getstate()), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _to_lists(value):
    return [_to_lists(v) for v in value] if isinstance(value, tuple | list) else value


def _to_tuples(value):
    return tuple(_to_tuples(v) for v in value) if isinstance(value, list) else value


def _set_rng_state(state: dict) -> None:
    random.setstate(_to_tuples(state["python"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_checkpoint(
    directory: Path,
    model: nn.Module,
    optimizer,
    scheduler,
    step: int,
    rank: int,
    settings: dict | None = None,
) -> None:
    """Write a checkpoint (with the run's settings when given); the directory is replaced only once it is
    complete."""
    partial = directory.with_name(directory.name + IN_PROGRESS_SUFFIX)  # one name all ranks agree on
    if rank == 0:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
    barrier()
    torch.save(_rng_state(), partial / f"rng_rank{rank}.pt")
    if rank == 0:
        state = {
            k: v.detach().to("cpu", copy=True).contiguous() for k, v in _unwrap(model).state_dict().items()
        }
        save_file(state, partial / "model.safetensors")
        trainer = {"step": step, "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict()}
        torch.save(trainer, partial / "trainer_state.pt")
        if settings is not None:
            resume_settings.write(partial, settings, step)
    barrier()
    if rank == 0:
        replace_folder(partial, directory)
    barrier()


def load_checkpoint(directory: Path, model: nn.Module, optimizer, scheduler, rank: int) -> int:
    """Restore a checkpoint written by save_checkpoint; returns its step."""
    try:
        _unwrap(model).load_state_dict(load_file(directory / "model.safetensors"), strict=True)
    except RuntimeError as error:  # only reachable with --resume_anyway and other model settings
        first = str(error).strip().splitlines()[0]
        raise ValueError(f"{directory} does not fit this model (other model settings?): {first}") from None
    trainer = torch.load(directory / "trainer_state.pt", map_location="cpu", weights_only=True)
    optimizer.load_state_dict(trainer["optimizer"])
    scheduler.load_state_dict(trainer["scheduler"])
    rng_file = directory / f"rng_rank{rank}.pt"
    if rng_file.exists():
        _set_rng_state(torch.load(rng_file, map_location="cpu", weights_only=True))
    else:
        log.warning(
            "%s has no RNG state for rank %d (different world size?); continuing unseeded", directory, rank
        )
    return int(trainer["step"])


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


def mean_over_ranks(values: dict[str, float], device: torch.device) -> dict[str, float]:
    """Each figure's mean over the torchrun ranks (every rank calls this, with the same names)."""
    if not torch.distributed.is_initialized() or not values:
        return values
    names = sorted(values)
    total = torch.tensor([values[name] for name in names], dtype=torch.float64, device=device)
    torch.distributed.all_reduce(total)
    world = torch.distributed.get_world_size()
    return {name: value / world for name, value in zip(names, total.tolist(), strict=True)}


def write_rank_losses(output: Path, rank: int, losses: dict[str, float]) -> None:
    """This rank's own last losses (with --record_keys, for tests of the all-reduced summary)."""
    (output / f"losses_rank{rank}.json").write_text(json.dumps(losses) + "\n")


def truncate_log(path: Path, step: int) -> None:
    """Drop log lines of steps after the checkpoint (written before an interruption); they are redone."""
    if path.exists():
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if json.loads(line)["step"] <= step))


def _one_thread(_worker_id: int) -> None:
    # Loader workers decode and resize; letting each also run multi-threaded torch ops oversubscribes the CPU.
    torch.set_num_threads(1)


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model


def _autocast(device: torch.device, precision: str):
    use_bf16 = precision == "bf16" or (precision == "auto" and device.type == "cuda")
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_bf16)


def train(
    task: Task,
    config: TrainConfig,
    rank: int,
    world: int,
    device: torch.device,
    settings: dict | None = None,
) -> dict:
    """Run (or resume) training; rank 0 exports the model to config.output. Returns the summary, whose
    losses are the last step's mean over ranks. `settings` (models.training.resume_settings.run_settings) are
    recorded in each checkpoint."""
    output = Path(config.output)
    checkpoint_dir = output / CHECKPOINT
    model = task.model.to(device)
    optimizer = torch.optim.AdamW(param_groups(model, config.weight_decay), lr=config.lr)
    scheduler = get_cosine_schedule_with_warmup(optimizer, config.warmup_steps, config.max_steps)
    # Each rank draws its own hard negatives; initial weights are equal on all ranks (seeded before building).
    torch.manual_seed(config.seed + 1000 * rank)
    random.seed(config.seed + 1000 * rank)
    step = 0
    if config.resume and (checkpoint_dir / "trainer_state.pt").exists():
        step = load_checkpoint(checkpoint_dir, model, optimizer, scheduler, rank)
        apply_schedule_settings(optimizer, scheduler, config)
        if is_main():
            log.info("resumed from %s at step %d", checkpoint_dir, step)
    if is_main():
        # Log lines after the starting step (written before an interruption, or by a run started over) go.
        truncate_log(output / LOG_FILE, step)
    if world > 1:
        # Buffers stay each rank's own: the momentum queues are filled from every rank in step already.
        model = nn.parallel.DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None, broadcast_buffers=False
        )

    dataset = (task.dataset or ParquetImageText)(
        expand(config.data),
        task.transform,
        seed=config.seed,
        shuffle_buffer=config.shuffle_buffer,
        batch_size=config.batch_size,
        start_batch=step * config.grad_accum,
    )
    loader = DataLoader(
        dataset,
        batch_size=config.batch_size,
        collate_fn=task.collate,
        num_workers=config.num_workers,
        worker_init_fn=_one_thread,
        # Its own generator: starting workers must not draw from the global RNG that resume restores.
        generator=torch.Generator().manual_seed(config.seed),
    )
    batches = iter(loader)
    keys_file = (output / f"keys_rank{rank}.txt").open("a") if config.record_keys else None
    log_file = (output / LOG_FILE).open("a") if is_main() else None
    end = min(config.max_steps, config.stop_at) if config.stop_at else config.max_steps
    progress = tqdm(total=config.max_steps, initial=step, desc=f"train {task.name}", disable=not is_main())
    samples_per_step = config.batch_size * config.grad_accum * world
    started, first_step = time.perf_counter(), step
    last: dict[str, float] = {}
    model.train()
    while step < end:
        totals: dict[str, float] = {}
        for micro in range(config.grad_accum):
            batch = next(batches)
            if keys_file:
                keys_file.write("\n".join(batch.pop("keys")) + "\n")
            else:
                batch.pop("keys", None)
            batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
            sync = micro == config.grad_accum - 1 or world == 1
            context = model.no_sync() if not sync else nullcontext()
            with context, _autocast(device, config.precision):
                losses = model(batch)
                (losses["loss"] / config.grad_accum).backward()
            for name, value in losses.items():
                totals[name] = totals.get(name, 0.0) + float(value.detach()) / config.grad_accum
        if config.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        own, totals = totals, mean_over_ranks(totals, device)
        last = totals
        elapsed = time.perf_counter() - started
        rate = (step - first_step) * samples_per_step / max(elapsed, 1e-9)
        progress.update(1)
        progress.set_postfix(loss=f"{totals['loss']:.4f}", samples_per_s=f"{rate:.1f}")
        if log_file:
            log_file.write(json.dumps({"step": step, "lr": scheduler.get_last_lr()[0], **totals}) + "\n")
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
        task.export(_unwrap(model), output)
    barrier()
    elapsed = time.perf_counter() - started
    summary = {
        "task": task.name,
        "steps": step,
        "finished": finished,
        "loss": round(last["loss"], 4) if last else None,
        **{k: round(v, 4) for k, v in last.items() if k != "loss"},
        "samples_per_s": round((step - first_step) * samples_per_step / max(elapsed, 1e-9), 2),
        "world_size": world,
        "output": str(output),
    }
    return summary


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
    if config.resume and (checkpoint / "trainer_state.pt").exists():
        resume_settings.check_resume(checkpoint, settings, config.max_steps, config.resume_anyway)


def run_training(args, model_class, make_task: Callable) -> dict:
    """What every single-task training subcommand does: parse its two configs, set up the processes,
    check a resume, build the task (which validates checkpoints and data), record the configuration,
    train."""
    model_args, train_args = dataclass_from_args(model_class, args), dataclass_from_args(TrainConfig, args)
    rank, world, device = setup_distributed(train_args.device)
    settings = resume_settings.run_settings(world, model=model_args, train=train_args)
    check_resume(train_args, settings)
    task = make_task(model_args, train_args)
    run_config_dump(Path(train_args.output), model=model_args, train=train_args)
    return train(task, train_args, rank, world, device, settings)


__all__ = [
    "Augmentation",
    "Task",
    "TrainConfig",
    "barrier",
    "check_resume",
    "is_main",
    "mean_over_ranks",
    "run_training",
    "setup_distributed",
    "train",
]
