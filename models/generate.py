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
    args = build_parser().parse_args(argv)
    summary = args.run(args)
    print_summary(summary)
    return summary


if __name__ == "__main__":
    main()
