"""Where and how both jobs run: Beam's options with this project's local defaults, and the runner."""

from __future__ import annotations

import apache_beam as beam
from apache_beam.options.pipeline_options import (
    DebugOptions,
    DirectOptions,
    PipelineOptions,
    StandardOptions,
    WorkerOptions,
)

from capfilt import threads
from pipelines.common import options


def pipeline_options(beam_options: PipelineOptions) -> PipelineOptions:
    """Beam options with the local defaults of both jobs (DirectRunner unless told otherwise)."""
    standard = beam_options.view_as(StandardOptions)
    if standard.runner is None:
        standard.runner = "DirectRunner"
    direct = beam_options.view_as(DirectOptions)
    if direct.direct_running_mode is None:
        direct.direct_running_mode = "in_memory"
    several = direct.direct_running_mode != "in_memory"
    if standard.runner == "DirectRunner" and several and not direct.direct_num_workers:
        # Beam reads 0 as one worker per core of the machine (multiprocessing.cpu_count), a container's
        # CPU quota and the process's affinity ignored: count the cores this process may use.
        direct.direct_num_workers = threads.available_cores()
    worker = beam_options.view_as(WorkerOptions)
    if standard.runner == "DirectRunner" and worker.default_sdk_harness_log_level is None:
        # Local worker processes otherwise log every gRPC channel at INFO; errors still surface.
        worker.default_sdk_harness_log_level = "ERROR"
    return beam_options


def worker_processes(beam_options: PipelineOptions) -> int:
    """How many processes on one machine run the job's steps, each loading its own models; 0 means one per
    core of the worker (capfilt.threads.threads_per_process reads it so). The in-memory and multi-threaded
    DirectRunner run one process; multi_processing runs --direct_num_workers; Dataflow's Python workers
    start one SDK process per vCPU unless --experiments=no_use_multiple_sdk_containers (docs/dataflow.md)."""
    if options.runs_locally(beam_options):
        direct = beam_options.view_as(DirectOptions)
        return direct.direct_num_workers if direct.direct_running_mode == "multi_processing" else 1
    one_process = beam_options.view_as(DebugOptions).lookup_experiment("no_use_multiple_sdk_containers")
    return 1 if one_process else 0


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
