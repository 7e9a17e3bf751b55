"""The torchrun process group as the training loop sees it: joining it, who is rank 0, barriers, the
ranks' mean of the logged losses, and wrapping a model in DDP (or unwrapping it)."""

from __future__ import annotations

import os

import torch
from torch import nn

from capfilt import threads


def setup_distributed(device: str) -> tuple[int, int, torch.device]:
    """Join the torchrun process group when there is one; return (rank, world size, device)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    set_cpu_threads()
    use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
    target = torch.device("cuda", local_rank) if use_cuda else torch.device("cpu")
    if use_cuda:
        torch.cuda.set_device(target)
    if world > 1 and not torch.distributed.is_initialized():
        torch.distributed.init_process_group(backend="nccl" if use_cuda else "gloo")
    rank = torch.distributed.get_rank() if world > 1 else 0
    return rank, world, target


def set_cpu_threads() -> None:
    """torchrun's ranks on one machine share its usable cores (a thread per core in each rank would
    oversubscribe it LOCAL_WORLD_SIZE-fold). An explicit OMP_NUM_THREADS (torchrun's own, the bootstrap's
    one per run) is left as it is."""
    if "OMP_NUM_THREADS" not in os.environ:
        torch.set_num_threads(threads.threads_per_process(int(os.environ.get("LOCAL_WORLD_SIZE", "1"))))


def is_main() -> bool:
    return not torch.distributed.is_initialized() or torch.distributed.get_rank() == 0


def barrier() -> None:
    if torch.distributed.is_initialized():
        torch.distributed.barrier()


def mean_over_ranks(values: dict[str, float], device: torch.device) -> dict[str, float]:
    """Each figure's mean over the torchrun ranks (every rank calls this, with the same names)."""
    if not torch.distributed.is_initialized() or not values:
        return values
    names = sorted(values)
    total = torch.tensor([values[name] for name in names], dtype=torch.float64, device=device)
    torch.distributed.all_reduce(total)
    world = torch.distributed.get_world_size()
    return {name: value / world for name, value in zip(names, total.tolist(), strict=True)}


def wrap(model: nn.Module, world: int, device: torch.device) -> nn.Module:
    """DDP around the model under torchrun; the model itself in a single process."""
    if world == 1:
        return model
    # Buffers stay each rank's own: the momentum queues are filled from every rank in step already.
    return nn.parallel.DistributedDataParallel(
        model, device_ids=[device.index] if device.type == "cuda" else None, broadcast_buffers=False
    )


def unwrap(model: nn.Module) -> nn.Module:
    return model.module if isinstance(model, nn.parallel.DistributedDataParallel) else model
