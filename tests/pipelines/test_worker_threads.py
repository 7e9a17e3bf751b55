"""Torch threads of the capfilt model handlers: the worker processes each machine runs (from Beam's options)
share its usable cores (capfilt.threads), decided when the models load."""

import pytest
from apache_beam.options.pipeline_options import DirectOptions, PipelineOptions

from capfilt import threads
from capfilt.curate.engines.interfaces import CaptionerSettings
from pipelines.capfilt_handlers import CaptionerHandler
from pipelines.common.runner import pipeline_options, worker_processes


def processes(*flags):
    return worker_processes(pipeline_options(PipelineOptions(list(flags))))


def test_worker_processes_from_the_runner_and_its_mode(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda *args: 3)
    multi = "--direct_running_mode=multi_processing"
    assert processes() == 1  # in-memory DirectRunner: one process
    assert processes("--direct_num_workers=4") == 1
    assert processes("--direct_running_mode=multi_threading", "--direct_num_workers=4") == 1
    assert processes(multi, "--direct_num_workers=2") == 2
    # Beam reads 0 as multiprocessing.cpu_count(); the job counts the cores it may use instead.
    options = pipeline_options(PipelineOptions([multi, "--direct_num_workers=0"]))
    assert options.view_as(DirectOptions).direct_num_workers == 3 and worker_processes(options) == 3
    assert processes("--runner=DataflowRunner") == 0  # one SDK process per vCPU
    assert processes("--runner=DataflowRunner", "--experiments=no_use_multiple_sdk_containers") == 1


def handler(**kwargs):
    return CaptionerHandler(CaptionerSettings("unused"), engine="fast", batch_size=4, **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, 8),  # one process: all usable cores
        ({"worker_processes": 2}, 4),
        ({"worker_processes": 0}, 1),  # one per core (Dataflow's default)
        ({"worker_processes": 16}, 1),
        ({"worker_processes": 2, "torch_threads": 3}, 3),  # --torch_threads wins
        ({"worker_processes": 0, "large_model": True}, 8),  # one shared model per machine
        ({"worker_processes": 0, "model_copies": 2}, 4),
    ],
)
def test_handler_threads_share_the_worker_cores(monkeypatch, kwargs, expected):
    monkeypatch.setattr(threads, "available_cores", lambda *args: 8)
    assert handler(**kwargs).torch_threads() == expected
