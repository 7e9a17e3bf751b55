"""What every `models.*` command line shares beside its flags (made by capfilt.flags' one mechanism): the
pre-flight device check, logging and the summary line."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from capfilt.flags import StrictArgumentParser


def check_args(parser: StrictArgumentParser, args: argparse.Namespace) -> None:
    """What can be known wrong before any work: --device cuda where no CUDA device is visible."""
    if getattr(args, "device", None) == "cuda":
        import torch

        if not torch.cuda.is_available():
            parser.active_parser(args).error(
                "--device cuda was requested but no CUDA device is visible; use --device cpu or auto"
            )


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def print_summary(summary: dict) -> None:
    """The one line every run ends with; under torchrun only rank 0 prints it (the training loops give
    every rank the same, all-reduced figures)."""
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(summary), flush=True)
