"""What the bootstrapping loop runs: a BLIP training run from its config dataclasses (called in a process of
its own by pipelines.bootstrap_process, as the Beam jobs' run() are), and the evaluation of a trained BLIP
checkpoint, which runs in the calling process. Each returns its result."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

# The models are imported inside the functions: every run's process imports pipelines.bootstrap, and so this
# module, as it starts (multiprocessing's spawn runs the main module), and a Beam job's process needs no
# torch or transformers (about 3 s of start-up each on a busy 2-core machine).
if TYPE_CHECKING:
    from models.blip.task import BlipConfigArgs
    from models.training.task import TrainConfig


def blip_settings(**values) -> BlipConfigArgs:
    """models.blip.task.BlipConfigArgs: the defaults of `python -m models.pretrain blip`, but for `values`."""
    from models.blip.task import BlipConfigArgs

    return BlipConfigArgs(**values)


def train_blip(kind: str, model: BlipConfigArgs, train: TrainConfig) -> dict:
    """A BLIP training run of `kind` (pretrain, captioner, filter): what `python -m models.pretrain blip` and
    `python -m models.finetune KIND` do after parsing their flags. Returns the run's summary (also printed
    as the log's last line, as those commands do)."""
    from models.blip.task import blip_task
    from models.common.cli import print_summary
    from models.training.loop import run_task

    summary = run_task(model, train, partial(blip_task, kind))
    print_summary(summary)
    return summary


def train_config(kind: str, data: str, output: Path, steps: int, lr: float, scale, seed: int) -> TrainConfig:
    """The training settings of a run of the loop: pretraining warms up for the scale's steps, fine-tuning
    starts from models.finetune's defaults (no warmup), as that command does."""
    from models.finetune import FINETUNE_DEFAULTS
    from models.training.task import TrainConfig

    if kind == "pretrain":
        base = TrainConfig(warmup_steps=scale.warmup_steps)
    else:
        base = TrainConfig(**FINETUNE_DEFAULTS)
    return replace(
        base,
        data=data,
        output=str(output),
        max_steps=steps,
        batch_size=scale.batch_size,
        lr=lr,
        seed=seed,
        num_workers=0,  # decoding 64 px JPEGs is cheap; a worker process would cost a core
        save_every=max(steps, 1),
    )


def evaluate_checkpoint(model_dir: Path, test_files: list[str], labels: dict[str, dict], scale) -> dict:
    """Retrieval on the test split through models.evaluate (ITC features) and graded caption accuracy."""
    from capfilt.bootstrap.caption_accuracy import caption_accuracy
    from models.evaluate import evaluate
    from models.evaluation.encoders import load_encoder

    metrics = evaluate(load_encoder("blip", model_dir), data=",".join(test_files))
    metrics.update(caption_accuracy(str(model_dir), test_files, labels, limit=scale.caption_eval_images))
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in metrics.items()}
