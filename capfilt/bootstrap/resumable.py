"""Steps that resume: each writes into its own directory and marks completion with a file written last.

A step whose marker exists is skipped and its recorded summary reused. A step without one (never run, or
interrupted half-way) is redone from scratch in an emptied directory; so is every step after it, because
those consumed the outputs that are about to be replaced. A finished step whose recorded summary its
`outdated` check rejects (it was made by an older version of the loop, e.g. before a scorer was added) is
redone the same way, with the reason said in its progress line.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from schemas.publish import publish_file

MARKER = "_COMPLETE.json"


@dataclass
class Step:
    name: str  # its directory under the work directory
    title: str  # what the progress lines call it
    # Builds the step inside an empty directory from the summaries of the steps before it; returns its own.
    run: Callable[[Path, dict[str, dict]], dict]
    # Why a finished step's recorded summary no longer fits the current loop (None: it fits).
    outdated: Callable[[dict], str | None] | None = None


def marker_path(directory: Path) -> Path:
    return directory / MARKER


def finished_summary(directory: Path) -> dict | None:
    """The summary a finished step recorded, or None when the step has not finished."""
    try:
        return json.loads(marker_path(directory).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def mark_finished(directory: Path, summary: dict) -> None:
    """Write the marker atomically (a temporary name, then a rename), so it is never half written."""
    publish_file(marker_path(directory), json.dumps(summary, indent=2, sort_keys=True) + "\n")


def run_steps(workdir: Path, steps: list[Step], say: Callable[[str], None] = print) -> dict[str, dict]:
    """Run the steps in order, skipping finished ones; returns every step's summary by name."""
    summaries: dict[str, dict] = {}
    redo_from_here = False
    for number, step in enumerate(steps, 1):
        directory = workdir / step.name
        label = f"[{number}/{len(steps)}] {step.title}"
        recorded = None if redo_from_here else finished_summary(directory)
        reason = step.outdated(recorded) if recorded is not None and step.outdated else None
        if reason:
            say(f"{label}: finished earlier but {reason}: redone, with the steps after it")
            recorded = None
        if recorded is not None:
            say(f"{label}: finished earlier, skipped")
            summaries[step.name] = recorded
            continue
        redo_from_here = True
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        say(f"{label} ...")
        started = time.monotonic()
        summary = step.run(directory, summaries)
        summary["seconds"] = round(time.monotonic() - started, 1)
        mark_finished(directory, summary)
        summaries[step.name] = summary
        say(f"{label}: done in {summary['seconds']:.0f} s")
    return summaries
