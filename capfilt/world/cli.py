"""Command line for the demo world: flags map one to one onto WorldConfig."""

from __future__ import annotations

import argparse
from dataclasses import fields

from capfilt.flags import StrictArgumentParser
from capfilt.world.config import (
    MAX_IMAGE_SIZE,
    MIN_IMAGE_SIZE,
    WorldConfig,
    format_noise_mix,
    parse_noise_mix,
)
from capfilt.world.generate import generate_world

_HELP = {
    "seed": "seed of everything generated; the same seed gives the same bytes",
    "web": "web pairs: noisy alt text T_w",
    "human": "clean pairs with 5 human-style captions each (for fine-tuning captioner and filter)",
    "test": "clean held-out pairs, scenes disjoint from web and human",
    "classify": "held-out single-object pairs labelled by shape, for zero-shot classification",
    "documents": "interleaved image-text documents (2-4 images each), for Flamingo",
    "clips": "short clips of a moving object, for Flamingo",
    "image_size": f"image side in pixels, {MIN_IMAGE_SIZE} to {MAX_IMAGE_SIZE}",
    "clip_frames": "frames per clip",
    "rows_per_part": "records per Parquet part file",
}


def build_parser() -> argparse.ArgumentParser:
    defaults = WorldConfig()
    parser = StrictArgumentParser(
        prog="python -m capfilt.world",
        description="Generate the synthetic demo world: pairs Parquet splits (web, human, test, classify), "
        "documents, clips, ground truth under labels/, and world.json.",
        epilog="The defaults write about 4,000 images in a few seconds. See docs/world.md.",
    )
    parser.add_argument("--output", required=True, help="output directory (local path or fsspec URL)")
    for field in fields(WorldConfig):
        if field.name != "noise":
            parser.add_argument(
                f"--{field.name}", type=int, default=getattr(defaults, field.name), help=_HELP[field.name]
            )
    parser.add_argument(
        "--noise",
        default=format_noise_mix(defaults.noise),
        help="mix of web noise types as NAME=FRACTION,... summing to 1 (types left out get 0)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary line")
    parser.add_argument(
        "--site",
        action="store_true",
        help="also write OUTPUT/site: HTML pages, images, robots.txt, WARC/WAT files and failure-mode traps",
    )
    parser.add_argument("--site_base_url", default="http://127.0.0.1:8000/", help="URL the site is served at")
    return parser


def main(argv: list[str] | None = None) -> dict:
    parser = build_parser()
    args = parser.parse_args(argv)
    values = {f.name: getattr(args, f.name) for f in fields(WorldConfig) if f.name != "noise"}
    try:
        config = WorldConfig(**values, noise=parse_noise_mix(args.noise))
    except ValueError as error:
        parser.error(str(error))
    summary = generate_world(args.output, config, progress=not args.quiet)
    if args.site:
        from capfilt.world.site import build_site

        summary["site"] = build_site(args.output, base_url=args.site_base_url)
    return summary
