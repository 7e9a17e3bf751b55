"""Which settings a checkpoint was trained with, and the refusal to resume it with others.

Every checkpoint records the run's settings (`OUTPUT/checkpoint/settings.json`, written with the weights).
A rerun into the same output resumes only when its settings are the checkpoint's, apart from the few that
may change on resume (CHANGEABLE_ON_RESUME); otherwise it stops before anything is built and lists each
difference, unless `--resume_anyway`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
WORLD_SIZE = "world_size"
WORLD_SIZE_LABEL = "world size (torchrun processes)"

# Flags that change how long or where a run goes on, not what it learns from or in what order:
# - max_steps: train longer (the cosine schedule is stretched to the new end from the current step on);
# - stop_at, save_every: when to pause and how often to checkpoint;
# - record_keys, resume, resume_anyway, output: bookkeeping (the output folder may have been moved);
# - device: the hardware the run continues on;
# - export_dtype: only how the final model is written.
# Not in the list, on purpose: num_workers and the torchrun world size decide which rows each data reader
# gets (models.training.data), so changing them makes the resumed data order differ from the
# checkpoint's.
CHANGEABLE_ON_RESUME = frozenset(
    {"max_steps", "stop_at", "save_every", "record_keys", "resume", "resume_anyway", "output", "device"}
    | {"export_dtype"}
)


def run_settings(world: int, **configs) -> dict:
    """The settings of a run as JSON values: {group: {flag: value}} for each config, plus the world size."""
    payload = {name: asdict(config) for name, config in configs.items()}
    payload[WORLD_SIZE] = world
    return json.loads(json.dumps(payload, default=str))


def _flags(settings: dict) -> dict[str, object]:
    flat: dict[str, object] = {}
    for group, values in settings.items():
        if isinstance(values, dict):
            flat.update({f"--{name}": value for name, value in values.items()})
        else:
            flat[WORLD_SIZE_LABEL if group == WORLD_SIZE else group] = values
    return flat


def differences(saved: dict, current: dict) -> list[tuple[str, object, object]]:
    """(flag, checkpoint value, new value) for every setting that may not change on resume."""
    old, new = _flags(saved), _flags(current)
    missing = "(not recorded)"
    found = []
    for flag in sorted(old.keys() | new.keys()):
        if flag.removeprefix("--") in CHANGEABLE_ON_RESUME:
            continue
        before, after = old.get(flag, missing), new.get(flag, missing)
        if before != after:
            found.append((flag, before, after))
    return found


def write(directory: Path, settings: dict, step: int) -> None:
    """Record the settings (and step) a checkpoint was written with, inside the checkpoint directory."""
    (directory / SETTINGS_FILE).write_text(json.dumps({"step": step, "settings": settings}, indent=2) + "\n")


def _describe(value: object) -> str:
    return value if value == "(not recorded)" else json.dumps(value)


def check_resume(checkpoint: Path, settings: dict, max_steps: int, resume_anyway: bool) -> None:
    """Raise ValueError (listing each difference) when the checkpoint in `checkpoint` would be resumed with
    settings other than its own; with `resume_anyway`, log the differences and return."""
    record_file = checkpoint / SETTINGS_FILE
    if not record_file.exists():
        problem = f"{checkpoint} does not record the settings it was trained with (an older checkpoint)"
        if resume_anyway:
            log.warning("%s; resuming it anyway (--resume_anyway)", problem)
            return
        raise ValueError(
            f"{problem}, so resuming it cannot be checked. Pass --resume_anyway to resume it with this "
            "command's settings, or --no-resume to start over."
        )
    record = json.loads(record_file.read_text())
    step = int(record["step"])
    if max_steps < step:
        raise ValueError(
            f"{checkpoint} is at step {step}, past --max_steps {max_steps}: give --max_steps {step} or more "
            "to resume it, or --no-resume to start over"
        )
    found = differences(record["settings"], settings)
    if not found:
        return
    # One line, as every CLI error is: the differences separated by semicolons.
    listed = "; ".join(f"{flag}: checkpoint {_describe(o)}, now {_describe(n)}" for flag, o, n in found)
    if resume_anyway:
        log.warning(
            "resuming %s (step %d) with other settings (--resume_anyway): %s", checkpoint, step, listed
        )
        return
    may_change = ", ".join(f"--{name}" for name in sorted(CHANGEABLE_ON_RESUME - {"resume", "resume_anyway"}))
    raise ValueError(
        f"{checkpoint} (step {step}) was trained with other settings; not resuming it: {listed}. "
        "Rerun with the checkpoint's values, pass --resume_anyway to continue from it with the new ones, "
        f"--no-resume to start over, or choose another --output. ({may_change} may change on resume.)"
    )
