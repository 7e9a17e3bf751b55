"""Rerunning a training command into an existing output: resume only with the checkpoint's own settings
(or --resume_anyway), --max_steps may grow; under torchrun one summary line with the ranks' mean loss."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models import pretrain
from tests.helpers.blip_data import write_pairs
from tests.helpers.torchrun import torchrun

TINY = ["--preset", "tiny", "--vocab_size", "100", "--warmup_steps", "1", "--num_workers", "0"]
CLIP_TINY = ["--preset", "tiny", "--vocab_size", "100", "--warmup_steps", "1", "--num_workers", "0"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("resume-data")
    return {"a": write_pairs(root / "a", 16, files=2), "b": write_pairs(root / "b", 16, prefix="other")}


def blip(data: str, output: Path, *flags: str) -> list[str]:
    return ["blip", *TINY, "--data", data, "--output", str(output), "--batch_size", "4", *flags]


def log_lines(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "train_log.jsonl").read_text().splitlines()]


def cosine_lr(peak: float, step: int, warmup: int, total: int) -> float:
    """transformers' get_cosine_schedule_with_warmup after `step` scheduler steps."""
    if step < warmup:
        return peak * step / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


def test_a_resume_with_other_settings_is_refused_with_each_difference(data, tmp_path):
    output = tmp_path / "run"
    first = pretrain.main(blip(data["a"], output, "--max_steps", "2", "--lr", "1e-3"))
    assert first["finished"]
    recorded = (output / "run_config.json").read_text()
    weights = (output / "checkpoint" / "model.safetensors").read_bytes()

    # Through the documented entry point, as a user reruns it.
    command = blip(data["b"], output, "--max_steps", "2", "--lr", "1e-4", "--batch_size", "2")
    done = subprocess.run(
        [sys.executable, "-m", "models.pretrain", *command], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert "(step 2) was trained with other settings; not resuming it:" in done.stderr
    assert done.stderr.count("\n") == 1  # one line, as every CLI error
    assert "--lr: checkpoint 0.001, now 0.0001" in done.stderr
    assert "--batch_size: checkpoint 4, now 2" in done.stderr
    assert f"--data: checkpoint {json.dumps(data['a'])}, now {json.dumps(data['b'])}" in done.stderr
    assert "--resume_anyway" in done.stderr and "--max_steps" in done.stderr
    listed = done.stderr.split("not resuming it: ")[1].split(". Rerun")[0].split("; ")
    assert len(listed) == 3, listed  # nothing that may change (output, max_steps, ...) is listed
    # Refused before anything was built or written: the checkpoint and its record are untouched.
    assert (output / "run_config.json").read_text() == recorded
    assert (output / "checkpoint" / "model.safetensors").read_bytes() == weights


def test_resume_anyway_continues_with_the_new_settings(data, tmp_path):
    output = tmp_path / "run"
    pretrain.main(blip(data["a"], output, "--max_steps", "4", "--stop_at", "2", "--lr", "1e-3"))
    summary = pretrain.main(blip(data["a"], output, "--max_steps", "4", "--lr", "2e-4", "--resume_anyway"))
    assert summary["finished"] and summary["steps"] == 4
    log = log_lines(output)
    assert [line["step"] for line in log] == [1, 2, 3, 4]
    # Steps 1-2 followed the old peak, steps 3-4 follow the new one on the same schedule.
    assert log[1]["lr"] == pytest.approx(cosine_lr(1e-3, 2, 1, 4))
    assert log[2]["lr"] == pytest.approx(cosine_lr(2e-4, 3, 1, 4))
    settings = json.loads((output / "checkpoint" / "settings.json").read_text())
    assert settings["step"] == 4 and settings["settings"]["train"]["lr"] == 2e-4


def test_more_steps_extend_a_finished_run_and_fewer_are_refused(data, tmp_path):
    output = tmp_path / "run"
    assert pretrain.main(blip(data["a"], output, "--max_steps", "2", "--save_every", "1"))["finished"]
    longer = pretrain.main(blip(data["a"], output, "--max_steps", "4", "--save_every", "5"))
    assert longer["finished"] and longer["steps"] == 4
    log = log_lines(output)
    assert [line["step"] for line in log] == [1, 2, 3, 4]
    assert log[2]["lr"] == pytest.approx(cosine_lr(3e-4, 3, 1, 4))  # the stretched schedule
    with pytest.raises(SystemExit):
        pretrain.main(blip(data["a"], output, "--max_steps", "3"))


def test_a_checkpoint_without_recorded_settings_needs_resume_anyway(data, tmp_path, capsys):
    output = tmp_path / "run"
    pretrain.main(blip(data["a"], output, "--max_steps", "2"))
    (output / "checkpoint" / "settings.json").unlink()  # as written before settings were recorded
    with pytest.raises(SystemExit):
        pretrain.main(blip(data["a"], output, "--max_steps", "3"))
    assert "does not record the settings it was trained with" in capsys.readouterr().err
    assert pretrain.main(blip(data["a"], output, "--max_steps", "3", "--resume_anyway"))["steps"] == 3


def test_no_resume_starts_over_with_a_fresh_log(data, tmp_path):
    output = tmp_path / "run"
    pretrain.main(blip(data["a"], output, "--max_steps", "2"))
    summary = pretrain.main(blip(data["b"], output, "--max_steps", "1", "--lr", "1e-4", "--no-resume"))
    assert summary["finished"] and summary["steps"] == 1
    assert [line["step"] for line in log_lines(output)] == [1]


def test_the_combined_loop_refuses_too(data, tmp_path, capsys):
    output = tmp_path / "clip"
    common = ["clip", *CLIP_TINY, "--batch_size", "4", "--output", str(output), "--max_steps", "2"]
    assert pretrain.main([*common, "--data", data["a"]])["finished"]
    with pytest.raises(SystemExit):
        pretrain.main([*common, "--data", data["a"], "--strategy", "merged", "--weight_decay", "0.1"])
    error = capsys.readouterr().err
    assert '--strategy: checkpoint "accumulation", now "merged"' in error
    assert "--weight_decay: checkpoint 0.2, now 0.1" in error
    longer = pretrain.main([*common[:-1], "4", "--data", data["a"]])
    assert longer["finished"] and longer["steps"] == 4


@pytest.mark.slow
@pytest.mark.parametrize("model", ["blip", "clip"])
def test_torchrun_prints_one_summary_with_the_mean_of_the_ranks_losses(data, tmp_path, model):
    output = tmp_path / model
    command = [
        *torchrun("models.pretrain", model),
        *(TINY if model == "blip" else CLIP_TINY),
        "--data",
        data["a"],
        "--output",
        str(output),
        "--batch_size",
        "4",
        "--max_steps",
        "2",
        "--record_keys",  # each rank also writes its own last losses
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    summaries = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(summaries) == 1, done.stdout
    (summary,) = summaries
    ranks = [json.loads((output / f"losses_rank{r}.json").read_text()) for r in range(2)]
    assert ranks[0]["loss"] != ranks[1]["loss"]  # each rank saw its own rows
    assert summary["world_size"] == 2
    assert summary["loss"] == pytest.approx((ranks[0]["loss"] + ranks[1]["loss"]) / 2, abs=1e-4)
    # The log holds the same all-reduced figure, written once.
    assert log_lines(output)[-1]["loss"] == pytest.approx(summary["loss"], abs=1e-4)
