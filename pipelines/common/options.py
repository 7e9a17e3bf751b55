"""Command lines of the Beam jobs: the job's own flags, strictly parsed, plus the options Beam itself knows.

The job's flags are parsed first (capfilt.flags.StrictArgumentParser: exact names, no abbreviations);
what is left must be an option of one of Beam's own PipelineOptions classes (all of them: runner,
direct_*, Dataflow's, experiments, ...), else the job stops before any work with
`prog: error: unknown flag --x (did you mean --y?)`, exit status 2. Beam on its own would log "Discarding
unparseable args" and run with the defaults. `--help` shows the job's flags, grouped, each with its
default and choices; `--help_beam` lists Beam's options.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Sequence

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions, _BeamArgumentParser

from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, closest_flag, dataclass_from_args

BEAM_EPILOG = """Beam's own pipeline options are accepted too (--runner, --direct_num_workers,
--direct_running_mode, --experiments, Dataflow's --project, --region, --temp_location, ...):
--help_beam lists them. Unknown flags stop the job before it starts."""
OTHER_GROUP = "other"


class BeamOptionsParser(StrictArgumentParser, _BeamArgumentParser):
    """The options of Beam's own PipelineOptions classes (Beam's parser class: they may declare
    ValueProvider arguments)."""


def beam_option_classes() -> list[type]:
    """Every PipelineOptions subclass Beam itself defines (a job's own subclass is not one)."""
    found, stack = [], list(PipelineOptions.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls not in found:
            found.append(cls)
            stack.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__.startswith("apache_beam.")]


def beam_parser(prog: str) -> BeamOptionsParser:
    parser = BeamOptionsParser(
        prog=prog,
        usage="%(prog)s [job flags] [Beam pipeline options]",
        description="Beam's own pipeline options, accepted by this job beside its flags (see --help).",
        add_help=False,
    )
    for cls in beam_option_classes():
        group = parser.add_argument_group(f"Beam {cls.__name__}")
        # Beam's classes are written against its parser class; a group gets its one extra method.
        group.add_value_provider_argument = functools.partial(
            _BeamArgumentParser.add_value_provider_argument, group
        )
        cls._add_argparse_args(group)
    return parser


class _BeamHelp(argparse.Action):
    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(beam_parser(parser.prog).format_help(), end="")
        parser.exit()


def new_parser(description: str, prog: str | None = None) -> StrictArgumentParser:
    """A job's parser: its flags go in groups added by the caller; --help_beam shows Beam's options."""
    parser = StrictArgumentParser(
        prog=prog,
        usage="%(prog)s [job flags] [Beam pipeline options]",
        description=description,
        epilog=BEAM_EPILOG,
    )
    parser.add_argument("--help_beam", action=_BeamHelp, help="list Beam's own pipeline options and exit")
    return parser


def split_beam_args(
    parser: StrictArgumentParser, argv: Sequence[str]
) -> tuple[argparse.Namespace, list[str]]:
    """Parse the job's flags; return them and the remaining arguments, every one a Beam option.

    Anything else stops the job with one line naming the flag and the nearest job or Beam flag.
    """
    known, rest = parser.parse_known_args(list(argv))
    beam = beam_parser(parser.prog)
    beam_values, unknown = beam.parse_known_args(rest)
    if unknown:
        parser.reject_unknown(unknown, also_known=beam.known_flags())
    check_runner(parser, beam_values.runner)
    return known, rest


def check_runner(parser: StrictArgumentParser, runner: str | None) -> None:
    """A misspelt --runner fails here, not when the pipeline is built (after outputs are prepared)."""
    if runner is None or "." in runner:  # Beam's default, or a fully qualified PipelineRunner class
        return
    names = {name.lower(): name for name in StandardOptions.KNOWN_RUNNER_NAMES}
    if runner.lower() in names or f"{runner.lower()}runner" in names:
        return
    hint = closest_flag(runner.lower(), names)
    parser.error(
        f"--runner {runner} is not a Beam runner"
        + (f" (did you mean {names[hint]}?)" if hint else "")
        + f"; Beam's runners: {', '.join(StandardOptions.KNOWN_RUNNER_NAMES)}"
    )


def runs_locally(beam_options: PipelineOptions) -> bool:
    """True when the pipeline runs on this machine (then its devices are the workers' devices)."""
    runner = beam_options.view_as(StandardOptions).runner or "DirectRunner"
    name = runner.rsplit(".", 1)[-1].lower()
    local = {r.lower() for r in StandardOptions.LOCAL_RUNNERS}
    return name in local or f"{name}runner" in local


def parse(
    argv: Sequence[str],
    settings_class: type,
    description: str,
    prog: str | None = None,
    groups: dict[str, Sequence[str]] | None = None,
    choices: dict[str, Sequence[str]] | None = None,
):
    """Split argv into the job's settings (a `settings_class` instance, its flags made by
    capfilt.flags.add_dataclass_arguments) and Beam's PipelineOptions."""
    parser = new_parser(description, prog)
    add_dataclass_arguments(parser, settings_class, groups=groups, choices=choices, other_group=OTHER_GROUP)
    known, beam_args = split_beam_args(parser, argv)
    return dataclass_from_args(settings_class, known), PipelineOptions(beam_args)
