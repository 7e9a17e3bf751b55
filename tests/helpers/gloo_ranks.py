"""Two-process gloo runs for tests: file rendezvous, loopback only, and a deadline instead of a hang."""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

# Gloo connects its ranks on the interface the host name resolves to unless told otherwise: keep every
# byte on loopback, as the suite's rule is.
LOOPBACK_INTERFACE = "lo0" if sys.platform == "darwin" else "lo"


def init_rank(rank: int, world: int, directory: str) -> None:
    """Join the process group of the ranks started by run_ranks (call first in the rank function)."""
    os.environ["GLOO_SOCKET_IFNAME"] = LOOPBACK_INTERFACE
    # Rendezvous through a file, not a TCP port picked in advance (no race for the port between picking it
    # and binding it); bounded, so a rank that cannot reach its peer fails instead of waiting 30 minutes.
    dist.init_process_group(
        "gloo",
        init_method=f"file://{os.path.join(directory, 'rendezvous')}",
        rank=rank,
        world_size=world,
        timeout=timedelta(seconds=120),
    )


def exit_rank() -> None:
    """End a rank whose work is done and saved, without tearing down its process group.

    Destroying a gloo process group that DDP used can deadlock in torch 2.13: the main thread holds the GIL
    while it waits for the group's lock, and a gloo work thread holds that lock while its finished work's
    destructor waits for the GIL (seen here as a rank that never exits, both results already written). So
    both ranks meet at a barrier and leave with os._exit, which skips the teardown.
    """
    dist.barrier()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def run_ranks(function, world: int, directory: str, deadline_s: float = 300.0) -> None:
    """Spawn function(rank, world, directory) in `world` processes and wait for them, but never forever:
    on a hang, kill them and fail the test (a live child would otherwise block the interpreter's exit)."""
    context = mp.start_processes(
        function, args=(world, directory), nprocs=world, join=False, start_method="spawn"
    )
    deadline = time.monotonic() + deadline_s
    while not context.join(timeout=5):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail(f"gloo ranks did not finish within {deadline_s:.0f} s")
