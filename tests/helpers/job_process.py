"""A job's entry point run as a subprocess, as a user runs it: its lines as they come, signals, exit status.
Plus a loopback HTTP server that never answers, to hold a download-bound ingest run mid-way."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_ALBUMENTATIONS_UPDATE": "1"}
# Honest upper bounds on a busy 2-core machine (Python, Beam and torch imports take seconds there).
START_SECONDS = 120
FINISH_SECONDS = 300


class Job:
    def __init__(self, module: str, *args: str, cwd: Path = ROOT, own_group: bool = False):
        """`own_group`: in a process group of its own, so that a test can signal the group (as a
        terminal's Ctrl-C does: the job and every worker process it started)."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, *args],
            cwd=cwd,
            env={**os.environ, **ENV},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=own_group,
        )
        self.stderr: list[str] = []
        self._stdout: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        self._readers = [
            threading.Thread(target=self._read_stderr, daemon=True),
            threading.Thread(target=lambda: self._stdout.extend(self.process.stdout), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def wait_for_line(self, text: str, timeout: float = START_SECONDS) -> str:
        """Block until a stderr line containing `text` (fails if the job ends first)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} within {timeout}s: {self.stderr}") from None
            if line is None:
                raise AssertionError(f"the job ended without a line with {text!r}: {self.stderr}")
            self.stderr.append(line)
            if text in line:
                return line

    def finish(self, timeout: float = FINISH_SECONDS) -> tuple[int, str, list[str]]:
        """(exit status, stdout, every stderr line)."""
        self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=30)
        while not self._lines.empty():
            line = self._lines.get_nowait()
            if line is not None:
                self.stderr.append(line)
        return self.process.returncode, "".join(self._stdout), self.stderr

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def run_job(module: str, *args: str, cwd: Path = ROOT) -> tuple[int, str, list[str]]:
    job = Job(module, *args, cwd=cwd)
    try:
        return job.finish()
    finally:
        job.kill()


def job_lines(stderr: list[str], prefix: str) -> list[str]:
    """The job's own lines (Beam's worker processes may log their start-up too)."""
    return [line for line in stderr if line.startswith(prefix)]


class _Silent(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the name http.server dispatches to
        self.server.release.wait(FINISH_SECONDS)

    def log_message(self, *args):
        pass


@contextmanager
def silent_server():
    """A server on 127.0.0.1 that accepts requests and never answers until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Silent)
    server.daemon_threads = True
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
