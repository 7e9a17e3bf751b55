"""A two-process torchrun command on loopback, for the tests that check DDP training end to end."""

from __future__ import annotations

import socket
import sys


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def torchrun(*module_and_args: str, processes: int = 2) -> list[str]:
    """`python -m torch.distributed.run` with `processes` local ranks on 127.0.0.1, then `-m ...`."""
    return [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nnodes=1",
        f"--nproc_per_node={processes}",
        "--master_addr=127.0.0.1",
        f"--master_port={free_port()}",
        "-m",
        *module_and_args,
    ]
