"""Pretraining from Parquet: `python -m models.pretrain blip --data GLOB [--output DIR] ...`.

Run under torchrun for several processes or machines (DDP: gloo on CPU, NCCL on GPU).
"""

from __future__ import annotations

import argparse
from functools import partial

from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, add_subcommand
from models.common.cli import check_args, print_summary, setup_logging
from models.training.loop import run_training
from models.training.task import TrainConfig


def _blip(args: argparse.Namespace) -> dict:
    from models.blip.task import BlipConfigArgs, blip_task

    return run_training(args, BlipConfigArgs, partial(blip_task, "pretrain"))


def build_parser() -> argparse.ArgumentParser:
    from models.blip.task import BlipConfigArgs
    from models.blip2.cli import add_pretrain_parser as add_blip2_parser
    from models.clip.pretrain import add_clip_parser
    from models.flamingo.cli import add_pretrain_parser as add_flamingo_parser
    from models.lm.task import add_pretrain_parser as add_lm_parser

    parser = StrictArgumentParser(prog="python -m models.pretrain", description=__doc__)
    models = parser.add_subparsers(dest="model", required=True)
    blip = add_subcommand(
        models,
        "blip",
        help="BLIP: ITC + ITM + LM from scratch or from a transformers checkpoint",
        description="Pretrain BLIP (ITC + ITM with hard negatives + LM). The output directory loads "
        "with transformers' BlipForConditionalGeneration and BlipForImageTextRetrieval, "
        "and with models.finetune --init.",
        run=_blip,
    )
    add_dataclass_arguments(blip, BlipConfigArgs)
    add_dataclass_arguments(blip, TrainConfig)
    add_flamingo_parser(models)
    add_lm_parser(models)
    add_blip2_parser(models)
    add_clip_parser(models)
    return parser


def main(argv: list[str] | None = None) -> dict:
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    check_args(parser, args)
    try:
        summary = args.run(args)
    except (ValueError, FileNotFoundError) as error:
        # A bad setting or a glob that matches nothing: one line naming it, not a traceback.
        parser.error(f"{args.model}: {error}")
    print_summary(summary)
    return summary


if __name__ == "__main__":
    main()
