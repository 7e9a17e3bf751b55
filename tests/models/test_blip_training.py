"""The BLIP command lines end to end on tiny data: pretrain, fine-tune, exact resume, 2-process DDP."""

import os
import subprocess
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import BlipForConditionalGeneration, BlipForImageTextRetrieval

from models import finetune, pretrain
from tests.helpers.blip_data import write_pairs
from tests.helpers.torchrun import torchrun

TINY = ["--preset", "tiny", "--vocab_size", "100", "--batch_size", "4", "--warmup_steps", "1", "--lr", "1e-3"]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> str:
    return write_pairs(tmp_path_factory.mktemp("pairs"), 32, files=2)


@pytest.fixture(scope="module")
def pretrained(data, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("pretrained")
    summary = pretrain.main(
        ["blip", *TINY, "--data", data, "--output", str(output), "--max_steps", "4", "--num_workers", "0"]
    )
    assert summary["finished"] and summary["steps"] == 4
    return output


def test_pretrained_output_loads_in_transformers(pretrained):
    BlipForConditionalGeneration.from_pretrained(pretrained, use_safetensors=True)
    BlipForImageTextRetrieval.from_pretrained(pretrained, use_safetensors=True)
    assert (pretrained / "train_log.jsonl").read_text().count("\n") == 4


@pytest.mark.parametrize("kind", ["captioner", "filter"])
def test_finetune_exports_the_transformers_class(pretrained, data, tmp_path, kind):
    output = tmp_path / kind
    args = [kind, "--init", str(pretrained), "--data", data, "--output", str(output)]
    summary = finetune.main([*args, "--max_steps", "2", "--batch_size", "4", "--num_workers", "0"])
    assert summary["finished"]
    model_class = BlipForConditionalGeneration if kind == "captioner" else BlipForImageTextRetrieval
    model_class.from_pretrained(output, use_safetensors=True)


def test_finetune_requires_init(data, tmp_path, capsys):
    with pytest.raises(SystemExit):
        finetune.main(["captioner", "--data", data, "--output", str(tmp_path)])
    assert "--init is required" in capsys.readouterr().err


def test_resume_after_a_stop_reproduces_the_uninterrupted_run(data, tmp_path):
    common = [
        "blip",
        *TINY,
        "--data",
        data,
        "--max_steps",
        "6",
        "--num_workers",
        "2",
        "--shuffle_buffer",
        "8",
    ]
    pretrain.main([*common, "--output", str(tmp_path / "straight")])
    stopped = pretrain.main([*common, "--output", str(tmp_path / "resumed"), "--stop_at", "3"])
    assert not stopped["finished"] and not (tmp_path / "resumed" / "model.safetensors").exists()
    pretrain.main([*common, "--output", str(tmp_path / "resumed")])
    straight = load_file(tmp_path / "straight" / "model.safetensors")
    resumed = load_file(tmp_path / "resumed" / "model.safetensors")
    assert straight.keys() == resumed.keys()
    for key, value in straight.items():
        torch.testing.assert_close(resumed[key], value, atol=0, rtol=0, msg=key)
    logs = [(tmp_path / run / "train_log.jsonl").read_text() for run in ("straight", "resumed")]
    assert logs[0] == logs[1]


def test_two_process_ddp_run_completes_and_ranks_see_disjoint_data(data, tmp_path):
    output = tmp_path / "ddp"
    command = [
        *torchrun("models.pretrain", "blip"),
        *TINY,
        "--data",
        data,
        "--output",
        str(output),
        "--max_steps",
        "3",
        "--num_workers",
        "1",
        "--record_keys",
        # A small buffer keeps each rank inside its first epoch (later epochs reshuffle files across ranks).
        "--shuffle_buffer",
        "4",
        # ITC and ITM negatives from both ranks, through DDP in the real loop (pretraining's default is off).
        "--negative_all_rank",
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"world_size": 2' in result.stdout
    keys = [set((output / f"keys_rank{r}.txt").read_text().split()) for r in range(2)]
    assert len(keys[0]) == len(keys[1]) == 12  # 3 steps x 4 samples from each rank's 16 rows
    assert not keys[0] & keys[1]
    BlipForImageTextRetrieval.from_pretrained(output, use_safetensors=True)
