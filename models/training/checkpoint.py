"""Training checkpoints that resume exactly (OUTPUT/checkpoint/): the model weights (safetensors), the
optimiser and scheduler state and the step (trainer_state.pt), each rank's RNG state (rng_rank{R}.pt) and
the run's settings (settings.json, see models.training.resume_settings). The directory is replaced only
once the new one is complete."""

from __future__ import annotations

import logging
import random
import shutil
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from models.training import resume_settings
from models.training.distributed import barrier, unwrap
from schemas.publish import IN_PROGRESS_SUFFIX, replace_folder

log = logging.getLogger(__name__)

CHECKPOINT = "checkpoint"


def has_checkpoint(directory: Path) -> bool:
    return (directory / "trainer_state.pt").exists()


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
            k: v.detach().to("cpu", copy=True).contiguous() for k, v in unwrap(model).state_dict().items()
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
        unwrap(model).load_state_dict(load_file(directory / "model.safetensors"), strict=True)
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
