"""Generation from trained checkpoints: `python -m models.generate flamingo --checkpoint DIR --images A.png
--prompt "<image>a picture of"`, `python -m models.generate blip2 --checkpoint DIR --image A.png`."""

from __future__ import annotations

import argparse

from capfilt.flags import StrictArgumentParser
from models.common.cli import print_summary, setup_logging


def build_parser() -> argparse.ArgumentParser:
    from models.flamingo.cli import add_generate_parser as add_flamingo

    parser = StrictArgumentParser(prog="python -m models.generate", description=__doc__)
    models = parser.add_subparsers(dest="model", required=True)
    add_flamingo(models)
    return parser


def main(argv: list[str] | None = None) -> dict:
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        summary = args.run(args)
    except (ValueError, FileNotFoundError) as error:
        # An unreadable image or checkpoint: one line naming it, as every models.* command does.
        parser.error(f"{args.model}: {error}")
    print_summary(summary)
    return summary


if __name__ == "__main__":
    main()
