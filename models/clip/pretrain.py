"""Pretraining CLIP from Parquet on one dataset or several combined:
`python -m models.pretrain clip --data A::B --weights 1.0,0.2 --strategy accumulation|merged|round_robin`.

Also runnable alone as `python -m models.clip.pretrain ...` (same flags, without the `clip` word).
Under torchrun the contrastive loss gathers features from every rank (see models.clip.loss).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, add_subcommand, dataclass_from_args
from models.clip.task import ClipArgs, clip_task
from models.common.cli import check_args, print_summary, setup_logging
from models.training.distributed import setup_distributed
from models.training.loop import check_resume, run_config_dump, train
from models.training.resume_settings import run_settings
from models.training.sources import CombinationConfig, CombinedDatasets, split_datasets
from models.training.task import TrainConfig

# CLIP's recipe where it differs from the shared defaults: decoupled weight decay 0.2, peak lr 5e-4.
CLIP_TRAIN_DEFAULTS = {"output": "runs/clip", "lr": 5e-4, "weight_decay": 0.2}
DESCRIPTION = (
    "Pretrain CLIP (symmetric contrastive loss, learnable temperature clamped at 1/100) on pairs or curated "
    "Parquet. Several datasets ('A::B') are combined by --strategy with --weights. The output directory "
    "loads with transformers' CLIPModel and CLIPProcessor."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataclass_arguments(parser, ClipArgs)
    add_dataclass_arguments(parser, CombinationConfig)
    add_dataclass_arguments(parser, TrainConfig, CLIP_TRAIN_DEFAULTS)


def add_clip_parser(subparsers) -> argparse.ArgumentParser:
    """Register the `clip` subcommand on models.pretrain's subparsers."""
    parser = add_subcommand(
        subparsers, "clip", help="CLIP: contrastive image-text pretraining", description=DESCRIPTION, run=run
    )
    add_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> dict:
    clip_args = dataclass_from_args(ClipArgs, args)
    combine = dataclass_from_args(CombinationConfig, args)
    train_args = dataclass_from_args(TrainConfig, args)
    if not train_args.data:
        raise ValueError("--data is required: Parquet glob(s), several datasets separated by '::'")
    source = CombinedDatasets(combine, train_args)  # checks --data, --weights and --strategy first
    rank, world, device = setup_distributed(train_args.device)
    settings = run_settings(world, model=clip_args, combination=combine, train=train_args)
    check_resume(train_args, settings)
    run_config_dump(Path(train_args.output), model=clip_args, combination=combine, train=train_args)
    task = clip_task(clip_args, split_datasets(train_args.data), train_args)
    return train(task, train_args, rank, world, device, settings, source=source)


def main(argv: list[str] | None = None) -> dict:
    setup_logging()
    parser = StrictArgumentParser(prog="python -m models.clip.pretrain", description=DESCRIPTION)
    parser.set_defaults(run=run)
    add_arguments(parser)
    args = parser.parse_args(argv)
    check_args(parser, args)
    try:
        summary = args.run(args)
    except (ValueError, FileNotFoundError) as error:
        parser.error(str(error))
    print_summary(summary)
    return summary


if __name__ == "__main__":
    main()
