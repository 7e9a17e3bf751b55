"""Ctrl-C and SIGTERM for a job: one line saying what was interrupted and what state the output is in, the
run's staging folder removed, exit status 128 + signal (130, 143).

Without this, an interrupt unwinds through Beam's runner threads and worker processes and prints hundreds
of lines of tracebacks. The handler ends the process with os._exit once the output is cleaned up, so no
runner thread gets to print anything after it. `deferred()` holds interrupts back while the results are
being moved into place, which takes moments and must not stop half way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import TypeVar

T = TypeVar("T")

SIGNALS = (signal.SIGINT, signal.SIGTERM)
DESCRIPTIONS = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "SIGTERM"}
EXIT_SIGINT = 128 + signal.SIGINT
# For a Ctrl-C that arrives before a job has an output to speak of (while it checks its inputs).
BEFORE_START = "{job}: interrupted by Ctrl-C (SIGINT) before the run started; nothing was written"


def child_pids(parent: int) -> list[int]:
    """Every descendant of `parent` (Linux /proc; empty elsewhere), deepest first."""
    children: dict[int, list[int]] = {}
    try:
        entries = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []
    for name in entries:
        try:
            with open(f"/proc/{name}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[-1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(name))
    found: list[int] = []
    stack = list(children.get(parent, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found[::-1]


def stop_children() -> None:
    """Beam's local worker processes (multi_processing) would outlive us and keep writing: stop them."""
    for pid in child_pids(os.getpid()):
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


class Interrupts:
    """Within `with Interrupts(job, cleanup):`, SIGINT and SIGTERM run `cleanup()` (which returns the line
    that says what state the output is in) and end the process. Only installed in the main thread."""

    def __init__(self, job: str, cleanup: Callable[[], str], runner: str | None = None):
        self.job = job
        self.cleanup = cleanup
        self.runner = runner
        self._previous: dict = {}
        self._deferring = False
        self._pending: int | None = None

    def __enter__(self) -> Interrupts:
        if threading.current_thread() is threading.main_thread():
            self._previous = {number: signal.signal(number, self._handle) for number in SIGNALS}
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold interrupts until the block is done, then act on one that arrived meanwhile."""
        self._deferring = True
        try:
            yield
        finally:
            self._deferring = False
            if self._pending is not None:
                self._stop(self._pending)

    def run(self, work: Callable[[], T]) -> T:
        """`work()` (the Beam pipeline) such that an interrupt reaches only this process's main thread, which
        waits here: `work` runs in a thread that blocks SIGINT/SIGTERM, as do the runner threads it starts
        (they inherit its signal mask), and the worker processes it starts get a session of their own, so a
        terminal's Ctrl-C, sent to its whole foreground process group, does not reach them either (the mask
        would not: subprocess clears it in a child). The handler then stops them without a traceback."""
        if not self._previous:
            return work()
        outcome: dict = {}

        def target() -> None:
            try:
                outcome["value"] = work()
            except BaseException as error:  # re-raised in the calling thread
                outcome["error"] = error

        worker = threading.Thread(target=target, name=f"{self.job}-pipeline")
        with children_in_their_own_session():
            signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
            try:
                worker.start()
            finally:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
            worker.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    def _handle(self, number: int, frame) -> None:
        if self._deferring:
            self._pending = number
            return
        self._stop(number)

    def _stop(self, number: int) -> None:
        for each in SIGNALS:
            signal.signal(each, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup short
        terminal = silence_stderr()  # the runner's threads report the end of their workers: not news
        stop_children()
        try:
            state = self.cleanup()
        except Exception as error:  # the line must still come out, naming what went wrong
            state = f"cleaning up failed ({type(error).__name__}: {error})"
        with suppress(OSError, ValueError):
            sys.stdout.flush()
        if not is_local_runner(self.runner):  # the job runs elsewhere: ending this launcher does not stop it
            state += f"; the {self.runner} job may still be running: cancel it there"
        line = f"{self.job}: interrupted by {DESCRIPTIONS.get(number, number)}; {state}\n"
        os.write(terminal, line.encode(errors="replace"))
        os._exit(128 + number)


@contextmanager
def children_in_their_own_session() -> Iterator[None]:
    """While the block runs, subprocess.Popen starts children with start_new_session=True unless told
    otherwise. Beam's DirectRunner starts its worker processes through subprocess.Popen and offers no
    option for it; they still end with this process (stop_children, or their control channel closing)."""
    original = subprocess.Popen

    class SessionPopen(original):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("start_new_session", True)
            super().__init__(*args, **kwargs)

    subprocess.Popen = SessionPopen
    try:
        yield
    finally:
        subprocess.Popen = original


def is_local_runner(runner) -> bool:
    return runner in (None, "DirectRunner", "direct", "FnApiRunner") or not isinstance(runner, str)


def silence_stderr() -> int:
    """Point file descriptor 2 at /dev/null; returns a descriptor of what it was (the terminal, a log)."""
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    original = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    return original
