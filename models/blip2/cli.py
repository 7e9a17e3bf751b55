"""The `blip2` subcommand of models.pretrain."""

from __future__ import annotations

import argparse

from capfilt.flags import add_dataclass_arguments, add_subcommand
from models.training.loop import run_training
from models.training.task import TrainConfig

TRAIN_DEFAULTS = {"output": "runs/blip2", "lr": 1e-4, "warmup_steps": 2000}


def run_pretrain(args: argparse.Namespace) -> dict:
    from models.blip2.task import Blip2Args, blip2_task

    return run_training(args, Blip2Args, blip2_task)


def add_pretrain_parser(subparsers) -> None:
    from models.blip2.task import Blip2Args

    parser = add_subcommand(
        subparsers,
        "blip2",
        help="BLIP-2: Q-Former (stage 1: ITC+ITM+ITG) and soft prompt of a frozen LM (stage 2)",
        description="Stage 1 trains the Q-Former against a frozen image encoder and writes a directory "
        "Blip2ForImageTextRetrieval loads; stage 2 (--init STAGE1 --lm LM) trains queries, Q-Former and "
        "projection as a soft prompt of the frozen LM and writes a Blip2ForConditionalGeneration.",
        run=run_pretrain,
    )
    add_dataclass_arguments(parser, Blip2Args)
    add_dataclass_arguments(parser, TrainConfig, TRAIN_DEFAULTS)
