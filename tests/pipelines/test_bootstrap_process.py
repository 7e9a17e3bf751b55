"""pipelines.bootstrap_process: a function called in a fresh process gives back its value (not a line parsed
from its log), writes its output to its log, runs with its own thread count, and fails with one error that
names the log. Plus a real BLIP fine-tuning step of the loop, its summary returned as a value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipelines.bootstrap_process import RunFailed, run_in_process
from pipelines.bootstrap_runs import blip_settings, train_blip, train_config


def test_the_value_comes_back_and_the_output_goes_to_the_log(tmp_path):
    log = tmp_path / "print.log"
    assert run_in_process(print, "written by the child", log=log) is None
    lines = log.read_text().splitlines()
    assert lines[0].startswith("$ builtins.print(")
    assert "written by the child" in lines[1:]
    # A value no log line holds: a structure the child built.
    assert run_in_process(json.loads, '{"a": [1, 2]}', log=tmp_path / "loads.log") == {"a": [1, 2]}


def test_each_run_gets_its_own_thread_count_and_this_process_keeps_its_environment(tmp_path):
    before = dict(os.environ)
    results = {}

    def launch(threads: int) -> None:
        log = tmp_path / f"threads-{threads}.log"
        results[threads] = run_in_process(os.getenv, "OMP_NUM_THREADS", log=log, threads=threads)

    side_by_side = [threading.Thread(target=launch, args=(n,)) for n in (1, 3)]
    for thread in side_by_side:
        thread.start()
    for thread in side_by_side:
        thread.join()
    assert results == {1: "1", 3: "3"}
    assert run_in_process(os.getenv, "HF_HUB_OFFLINE", log=tmp_path / "offline.log") == "1"
    assert dict(os.environ) == before


def test_an_error_in_the_child_names_the_function_and_the_log(tmp_path):
    log = tmp_path / "bad.log"
    with pytest.raises(RunFailed, match=r"json\.loads failed: JSONDecodeError: .*; log: .*bad\.log") as error:
        run_in_process(json.loads, "{not json", log=log)
    assert "Traceback" in log.read_text()
    assert str(error.value).endswith(log.read_text().splitlines()[-1])  # it quotes the log's end


def test_a_child_that_dies_is_reported_with_its_exit_code(tmp_path):
    with pytest.raises(RunFailed, match=r"_exit failed: its process died with exit code 3; log: .*died\.log"):
        run_in_process(os._exit, 3, log=tmp_path / "died.log")


class _Scale:
    batch_size = 4
    warmup_steps = 1


def test_a_training_step_returns_its_summary(tiny_blip, small_world, tmp_path):
    """The loop's fine-tuning call, as step 3 makes it: the summary is the training loop's own value."""
    human = ",".join(str(p) for p in sorted((small_world / "human").glob("*.parquet")))
    train = train_config("filter", human, tmp_path / "filter", 2, 1e-5, _Scale, seed=0)
    assert train.warmup_steps == 0 and train.num_workers == 0  # models.finetune's defaults, no workers
    summary = run_in_process(
        train_blip, "filter", blip_settings(init=tiny_blip["filter"]), train, log=tmp_path / "filter.log"
    )
    assert summary["task"] == "blip-filter" and summary["steps"] == 2 and summary["finished"]
    assert summary["output"] == str(tmp_path / "filter")
    assert (tmp_path / "filter" / "config.json").exists()
    assert isinstance(summary["loss"], float)
    assert json.loads(Path(tmp_path / "filter.log").read_text().splitlines()[-1]) == summary


def test_a_run_process_starts_without_torch_or_beam():
    """Each spawned run imports pipelines.bootstrap first (the main module): it must stay light."""
    heavy = "{'torch', 'transformers', 'apache_beam'}"
    probe = f"import sys, pipelines.bootstrap; print(sorted({heavy} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
