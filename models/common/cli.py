"""Command-line flags mapped one to one onto configuration dataclasses, on capfilt.flags' strict parser."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import typing

from capfilt.flags import StrictArgumentParser


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls, overrides: dict | None = None) -> None:
    """One flag per field: --name, typed like the field, with the field's metadata["help"] and
    metadata["choices"]; the help formatter (capfilt.flags) shows each default."""
    overrides = overrides or {}
    hints = typing.get_type_hints(cls)
    group = parser.add_argument_group(cls.__name__)
    for f in dataclasses.fields(cls):
        default = overrides.get(f.name, f.default)
        kind = hints[f.name]
        text = f.metadata.get("help", "")
        if kind is bool:
            group.add_argument(
                f"--{f.name}", action=argparse.BooleanOptionalAction, default=default, help=text
            )
        else:
            choices = f.metadata.get("choices")
            group.add_argument(f"--{f.name}", type=kind, default=default, choices=choices, help=text)


def check_args(parser: StrictArgumentParser, args: argparse.Namespace) -> None:
    """What can be known wrong before any work: --device cuda where no CUDA device is visible."""
    if getattr(args, "device", None) == "cuda":
        import torch

        if not torch.cuda.is_available():
            parser.active_parser(args).error(
                "--device cuda was requested but no CUDA device is visible; use --device cpu or auto"
            )


def dataclass_from_args(cls, args: argparse.Namespace):
    return cls(**{f.name: getattr(args, f.name) for f in dataclasses.fields(cls)})


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def print_summary(summary: dict) -> None:
    """The one line every run ends with; under torchrun only rank 0 prints it (the training loops give
    every rank the same, all-reduced figures)."""
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(summary), flush=True)
