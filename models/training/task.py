"""What a training run is made of: the optimisation and data settings every model shares (TrainConfig) and
the model-specific pieces the loop trains (Task)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from torch import nn
from torch.utils.data import IterableDataset

from models.training.transforms import ImageTransform


@dataclass
class TrainConfig:
    """Optimisation and data settings common to every model (flags of the same names)."""

    data: str = field(
        default="", metadata={"help": "Parquet glob(s), comma-separated; pairs or curated; fsspec"}
    )
    output: str = field(
        default="runs/blip", metadata={"help": "directory for checkpoints and the final model"}
    )
    max_steps: int = field(default=1000, metadata={"help": "optimiser steps"})
    batch_size: int = field(default=32, metadata={"help": "samples per process per micro-batch"})
    grad_accum: int = field(default=1, metadata={"help": "micro-batches per optimiser step"})
    lr: float = field(default=3e-4, metadata={"help": "peak learning rate"})
    weight_decay: float = field(
        default=0.05, metadata={"help": "AdamW weight decay (not on biases and norms)"}
    )
    warmup_steps: int = field(default=100, metadata={"help": "linear warmup steps before the cosine decay"})
    max_grad_norm: float = field(
        default=0.0, metadata={"help": "clip gradients to this norm; 0 = no clipping"}
    )
    seed: int = field(default=0, metadata={"help": "seed of initialisation, data order and sampling"})
    num_workers: int = field(default=2, metadata={"help": "DataLoader worker processes per rank"})
    shuffle_buffer: int = field(
        default=1000, metadata={"help": "samples held by each reader's shuffle buffer"}
    )
    crop_scale_min: float | None = field(
        default=None,
        metadata={
            "help": "random resized crop down to this area fraction; 1 = no crop; default: the task's "
            "(1; BLIP's paper recipe: 0.5, 0.2 in pretraining)"
        },
    )
    hflip: bool | None = field(
        default=None,
        metadata={
            "help": "random horizontal flips (wrong for left/right captions); default: the task's (off; "
            "BLIP's paper recipe: on)"
        },
    )
    precision: str = field(
        default="auto",
        metadata={
            "help": "auto (bf16 on GPU, fp32 on CPU), bf16 or fp32",
            "choices": ("auto", "bf16", "fp32"),
        },
    )
    device: str = field(
        default="auto", metadata={"help": "auto, cpu or cuda", "choices": ("auto", "cpu", "cuda")}
    )
    save_every: int = field(
        default=500, metadata={"help": "write a checkpoint every N steps (and at the end)"}
    )
    resume: bool = field(default=True, metadata={"help": "continue from OUTPUT/checkpoint when it exists"})
    resume_anyway: bool = field(
        default=False,
        metadata={
            "help": "resume OUTPUT/checkpoint even when it was trained with other settings (they are "
            "listed); the new values apply from the checkpoint's step on"
        },
    )
    stop_at: int = field(
        default=0, metadata={"help": "stop after this step as if interrupted (0 = run to the end)"}
    )
    record_keys: bool = field(
        default=False,
        metadata={"help": "write the keys each rank trained on and its own last losses (for tests)"},
    )


@dataclass
class Task:
    """What the loop trains: a module whose forward(batch) returns {"loss": ..., other losses...}."""

    name: str
    model: nn.Module
    transform: ImageTransform
    collate: Callable
    # Writes the finished model (transformers format) into a directory.
    export: Callable[[nn.Module, Path], None]
    # Optional reader in place of ParquetImageText: called as dataset(files, transform, seed=...,
    # shuffle_buffer=..., batch_size=..., start_batch=...) and held to the same sharding, shuffle and resume
    # contract (e.g. a ParquetImageText subclass for tables whose rows are not image-caption pairs).
    dataset: Callable[..., IterableDataset] | None = None
    # Called with the (unwrapped) model after every optimiser step, e.g. CLIP's logit-scale clamp.
    after_optimizer_step: Callable[[nn.Module], None] | None = None
