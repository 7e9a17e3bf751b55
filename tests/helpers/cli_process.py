"""Running a documented command line in a fresh interpreter, and reading its one-line error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# An upper bound for a process that imports torch, transformers and Beam on a busy machine.
STARTUP_LIMIT = 180


def cli(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", *argv],
        capture_output=True,
        text=True,
        timeout=STARTUP_LIMIT,
        cwd=cwd or ROOT,
        env=env,
    )


def one_error_line(done: subprocess.CompletedProcess, prog: str) -> str:
    """The process failed with status 2 and exactly one stderr line in the shared style; that line."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"{prog}: error: "), lines[0]
    return lines[0]
