"""Where and how both jobs run: Beam's options with this project's local defaults, and the runner."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.options.pipeline_options import (
    DirectOptions,
    PipelineOptions,
    StandardOptions,
    WorkerOptions,
)


def pipeline_options(beam_options: PipelineOptions) -> PipelineOptions:
    """Beam options with the local defaults of both jobs (DirectRunner unless told otherwise)."""
    standard = beam_options.view_as(StandardOptions)
    if standard.runner is None:
        standard.runner = "DirectRunner"
    direct = beam_options.view_as(DirectOptions)
    if direct.direct_running_mode is None:
        direct.direct_running_mode = "in_memory"
    worker = beam_options.view_as(WorkerOptions)
    if standard.runner == "DirectRunner" and worker.default_sdk_harness_log_level is None:
        # Local worker processes otherwise log every gRPC channel at INFO; errors still surface.
        worker.default_sdk_harness_log_level = "ERROR"
    return beam_options


def runner_for(beam_options: PipelineOptions):
    """The DirectRunner would first try Prism (a binary it downloads); locally we go straight to the
    FnApiRunner the DirectRunner falls back to, which honours --direct_num_workers/--direct_running_mode."""
    name = beam_options.view_as(StandardOptions).runner
    if name in (None, "DirectRunner", "direct"):
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner

        return FnApiRunner()
    return name


def new_pipeline(beam_options: PipelineOptions) -> beam.Pipeline:
    return beam.Pipeline(runner=runner_for(beam_options), options=beam_options)
