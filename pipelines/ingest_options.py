"""The flags of `python -m pipelines.ingest` as Beam options: capfilt.ingest.config.IngestSettings' fields,
made by capfilt.flags like every other command line's (defaults, help and --help sections come from there)."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

from capfilt.flags import add_dataclass_arguments, dataclass_from_args
from capfilt.ingest.config import HELP_GROUPS, IngestSettings


class IngestOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        add_dataclass_arguments(parser, IngestSettings, groups=HELP_GROUPS)


def ingest_settings(beam_options: PipelineOptions) -> IngestSettings:
    """The job's settings out of its parsed options."""
    return dataclass_from_args(IngestSettings, beam_options.view_as(IngestOptions))
