"""One function call in a fresh process of its own, with its log file and its own CPU thread count, its
return value coming back to the caller: how the bootstrapping loop runs its training and Beam steps two at a
time on one machine (pipelines.bootstrap_runs)."""

from __future__ import annotations

import os
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from models.common.cli import setup_logging

# Offline, quiet, and one thread per process: on a shared CPU, torch's default of one thread per core made
# training 30x slower here (threads spin waiting for each other), while separate runs side by side scale.
CHILD_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "NO_ALBUMENTATIONS_UPDATE": "1",
    "WANDB_MODE": "disabled",
}
# The bootstrap's own setting (its in-process evaluations stay quiet); the children log their progress bars.
PARENT_ONLY = ("TQDM_DISABLE",)
# A spawned child takes this process's environment as it is when it starts: one start at a time, so that
# two runs launched side by side each get their own thread count.
_STARTING = threading.Lock()


class RunFailed(RuntimeError):
    """A run raised or its process died; the message names its log and quotes its end."""


def run_in_process(function: Callable, *args, log: Path, threads: int = 1):
    """function(*args) in a fresh process started with spawn, its stdout and stderr written to `log`;
    returns what the function returns (it and its value must pickle).

    Why a process and not a thread: the thread count torch uses is fixed when the process starts
    (OMP_NUM_THREADS, read as torch loads), the seeds a training run sets (torch.manual_seed, random.seed)
    are process-wide, so two runs side by side in threads would draw from one generator and lose their
    reproducibility, and a Beam job's workers and logging write to the process's own file descriptors,
    which only a process of its own can point at its log. Spawn, not fork: this process has threads."""
    env = {**CHILD_ENV, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    log.write_text(f"$ {describe_call(function, args)}\n")
    context = get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_call_logged, args=(send, str(log), function, args))
    with _STARTING, _environment(env, PARENT_ONLY):
        child.start()
    send.close()
    try:
        outcome = receive.recv()
    except EOFError:  # the process died before it could answer (killed, out of memory, a crash)
        outcome = ("died", None)
    finally:
        receive.close()
        child.join()
    status, value = outcome
    if status == "ok":
        return value
    tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
    why = value if status == "raised" else f"its process died with exit code {child.exitcode}"
    raise RunFailed(f"{describe_function(function)} failed: {why}; log: {log}\n{tail}")


def _call_logged(send, log: str, function: Callable, args: tuple) -> None:
    """In the child: point stdout and stderr (the descriptors, so that native code and subprocesses follow)
    at the log, call the function, send back its value or the error's line (the traceback goes to the log)."""
    with open(log, "a") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
    setup_logging()
    try:
        outcome = ("ok", function(*args))
    except BaseException as error:  # SystemExit from an argument check included: the parent reports it
        traceback.print_exc()
        outcome = ("raised", f"{type(error).__name__}: {error}")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    send.send(outcome)
    send.close()


@contextmanager
def _environment(values: dict[str, str], drop: tuple[str, ...]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in (*values, *drop)}
    os.environ.update(values)
    for name in drop:
        os.environ.pop(name, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def describe_function(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def describe_call(function: Callable, args: tuple) -> str:
    return f"{describe_function(function)}({', '.join(map(repr, args))})"
