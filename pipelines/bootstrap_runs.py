"""What the bootstrapping loop launches: the project's own CLIs as subprocesses (each with its log file and
one CPU thread, so several can share the machine), and the evaluation of a trained BLIP checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from capfilt.bootstrap.caption_accuracy import caption_accuracy
from models.evaluate import evaluate
from models.evaluation.encoders import load_encoder

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


class RunFailed(RuntimeError):
    """A launched CLI exited with an error; the message names its log and quotes its end."""


def run_module(args: list[str], log: Path, threads: int = 1) -> dict | None:
    """`python -m ARGS`, output to `log`; returns the JSON object of its last JSON line, if any."""
    env = {**os.environ, **CHILD_ENV, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    env.pop("TQDM_DISABLE", None)  # the bootstrap's own setting; children log their progress bars
    with log.open("w") as handle:
        handle.write("$ python -m " + " ".join(args) + "\n")
        handle.flush()
        code = subprocess.run(
            [sys.executable, "-m", *args], stdout=handle, stderr=subprocess.STDOUT, env=env, check=False
        ).returncode
    text = log.read_text(errors="replace")
    if code != 0:
        tail = "\n".join(text.splitlines()[-15:])
        raise RunFailed(f"python -m {args[0]} exited with {code}; log: {log}\n{tail}")
    return last_json_line(text)


def last_json_line(text: str) -> dict | None:
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except json.JSONDecodeError:
                continue
    return None


def train_args(command: list[str], data: str, output: Path, steps: int, lr: float, scale, seed: int) -> list:
    """Flags shared by models.pretrain and models.finetune runs of the loop."""
    return [
        *command,
        "--data", data,
        "--output", str(output),
        "--max_steps", str(steps),
        "--batch_size", str(scale.batch_size),
        "--lr", str(lr),
        "--seed", str(seed),
        "--num_workers", "0",  # decoding 64 px JPEGs is cheap; a worker process would cost a core
        "--save_every", str(max(steps, 1)),
    ]  # fmt: skip


def evaluate_checkpoint(model_dir: Path, test_files: list[str], labels: dict[str, dict], scale) -> dict:
    """Retrieval on the test split through models.evaluate (ITC features) and graded caption accuracy."""
    metrics = evaluate(load_encoder("blip", model_dir), data=",".join(test_files))
    metrics.update(caption_accuracy(str(model_dir), test_files, labels, limit=scale.caption_eval_images))
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in metrics.items()}
