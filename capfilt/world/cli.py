"""Command line for the demo world: WorldConfig's fields and this command's own (RunOptions) are its flags,
made the one way every command line makes them (capfilt.flags)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, dataclass_from_args, option
from capfilt.world.config import WorldConfig
from capfilt.world.generate import generate_world

PROG = "python -m capfilt.world"


@dataclass
class RunOptions:
    """Where the world goes and what else is written: flags that are not part of the world itself."""

    output: str = option(help="output directory (local path or fsspec URL)")
    quiet: bool = option(False, "no progress bar or summary line")
    site: bool = option(
        False, "also write OUTPUT/site: HTML pages, images, robots.txt, WARC/WAT files and failure-mode traps"
    )
    site_base_url: str = option("http://127.0.0.1:8000/", "URL the site is served at")


def build_parser() -> argparse.ArgumentParser:
    parser = StrictArgumentParser(
        prog=PROG,
        description="Generate the synthetic demo world: pairs Parquet splits (web, human, test, classify), "
        "documents, clips, ground truth under labels/, and world.json.",
        epilog="The defaults write about 4,000 images in a few seconds. See docs/world.md.",
    )
    options = parser._optionals.title  # one "options" section, as before
    add_dataclass_arguments(parser, RunOptions, other_group=options)
    add_dataclass_arguments(parser, WorldConfig, other_group=options)
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = dataclass_from_args(RunOptions, args)
    try:
        config = dataclass_from_args(WorldConfig, args)
    except ValueError as error:
        parser.error(str(error))
    summary = generate_world(run.output, config, progress=not run.quiet)
    if run.site:
        from capfilt.world.site import build_site

        summary["site"] = build_site(run.output, base_url=run.site_base_url)
    return summary
