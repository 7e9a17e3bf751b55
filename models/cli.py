"""Command-line flags mapped one to one onto configuration dataclasses."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import typing


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls, overrides: dict | None = None) -> None:
    """One flag per field: --name, typed like the field, with the field's metadata["help"] and default."""
    overrides = overrides or {}
    hints = typing.get_type_hints(cls)
    group = parser.add_argument_group(cls.__name__)
    for f in dataclasses.fields(cls):
        default = overrides.get(f.name, f.default)
        kind = hints[f.name]
        text = f"{f.metadata.get('help', '')} (default: {default!r})"
        if kind is bool:
            group.add_argument(
                f"--{f.name}", action=argparse.BooleanOptionalAction, default=default, help=text
            )
        else:
            group.add_argument(f"--{f.name}", type=kind, default=default, help=text)


def dataclass_from_args(cls, args: argparse.Namespace):
    return cls(**{f.name: getattr(args, f.name) for f in dataclasses.fields(cls)})


def setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def print_summary(summary: dict) -> None:
    """The one line every run ends with; under torchrun only rank 0 prints it (the training loops give
    every rank the same, all-reduced figures)."""
    if int(os.environ.get("RANK", "0")) == 0:
        print(json.dumps(summary), flush=True)
