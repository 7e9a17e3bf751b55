"""Command lines for Beam jobs: one flag per dataclass field, plus every standard Beam pipeline option.

Generic on purpose: any job with a settings dataclass gets `--help` that documents both its own flags
and Beam's, and a split of argv into (settings, PipelineOptions).
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing

from apache_beam.options.pipeline_options import PipelineOptions


def _beam_option_classes() -> list[type]:
    found, stack = [], list(PipelineOptions.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls not in found:
            found.append(cls)
            stack.extend(cls.__subclasses__())
    return found


def _scalar_type(annotation) -> type:
    """`int`, `str | None`, ... -> the callable argparse converts with."""
    hint = annotation
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


def add_dataclass_flags(parser: argparse.ArgumentParser, settings_class: type) -> None:
    hints = typing.get_type_hints(settings_class)
    group = parser.add_argument_group(f"{settings_class.__name__} options")
    for field in dataclasses.fields(settings_class):
        kind = _scalar_type(hints[field.name])
        help_text = field.metadata.get("help", "")
        default = field.default
        if kind is bool:
            # --flag alone means true; --flag=false is accepted too.
            group.add_argument(
                f"--{field.name}", type=_parse_bool, nargs="?", const=True, default=default,
                help=f"{help_text} (default: {default})",
            )  # fmt: skip
        else:
            group.add_argument(
                f"--{field.name}", type=kind, default=default, choices=field.metadata.get("choices"),
                metavar=None if field.metadata.get("choices") else field.name.upper(),
                help=f"{help_text} (default: {default})",
            )  # fmt: skip


def build_parser(settings_class: type, description: str, prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        usage="%(prog)s [job flags] [Beam pipeline options]",
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    add_dataclass_flags(parser, settings_class)
    return parser


def full_help(settings_class: type, description: str, prog: str | None = None) -> str:
    """Help text with the job's flags first, then Beam's standard options (runner, workers, Dataflow, ...)."""
    parser = build_parser(settings_class, description, prog)
    for cls in _beam_option_classes():
        group = parser.add_argument_group(f"Beam {cls.__name__}")
        try:
            cls._add_argparse_args(group)
        except (argparse.ArgumentError, TypeError, ValueError):
            continue  # an option another class already declared
    return parser.format_help()


def parse(argv: list[str], settings_class: type, description: str, prog: str | None = None):
    """Split argv into the job's settings (a `settings_class` instance) and Beam's PipelineOptions."""
    if any(arg in ("-h", "--help") for arg in argv):
        print(full_help(settings_class, description, prog))
        raise SystemExit(0)
    known, beam_args = build_parser(settings_class, description, prog).parse_known_args(argv)
    settings = settings_class(**vars(known))
    return settings, PipelineOptions(beam_args)
