"""The downstream tasks under torchrun: two gloo ranks on loopback run `models.finetune vqa`, `nlvr2`,
`nlvr2_pretrain` and `visdial` for two steps each on tiny demo-world data. The ranks read disjoint samples,
take the same number of steps, log the mean of their losses (so they all-reduced in step), and rank 0's
export loads as its task's model."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from transformers import BlipForImageTextRetrieval, BlipForQuestionAnswering

from capfilt.world import WorldConfig, generate_world
from capfilt.world.visdial import DialogSettings, generate_dialogs
from models.blip.nlvr2_task import load_nlvr2
from tests.helpers.blip_data import write_pairs
from tests.helpers.torchrun import torchrun
from tests.helpers.vqa_tiny import save_tiny_pretrained, tiny_vqa_world

STEPS = 2
# A small buffer keeps each rank inside its first epoch (later epochs reshuffle files across ranks).
RUN_FLAGS = ["--device", "cpu", "--record_keys", "--shuffle_buffer", "2"]
NONE_ELSE = dict(web=0, human=0, test=0, classify=0, documents=0, clips=0)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("downstream-ddp")
    tiny_vqa_world(root / "vqa", train=8, test=1)
    generate_world(str(root / "world"), WorldConfig(**NONE_ELSE, nlvr2_train=16), progress=False)
    generate_dialogs(DialogSettings(output=str(root / "visdial"), train=12, test=1))
    return {
        "init": str(save_tiny_pretrained(root / "pretrained")),
        "vqa": str(root / "vqa" / "train" / "*.parquet"),
        "nlvr2": str(root / "world" / "nlvr2_train" / "*.parquet"),
        "nlvr2_pretrain": write_pairs(root / "pairs", 24, files=2),
        "visdial": str(root / "visdial" / "dialogs"),
    }


def load_vqa(output):
    return BlipForQuestionAnswering.from_pretrained(output)


def load_visdial(output):
    return BlipForImageTextRetrieval.from_pretrained(output)


def load_nlvr2_model(output):
    return load_nlvr2(str(output))[0]


# task -> (samples per rank per step, extra flags, how its export loads)
TASKS = {
    "vqa": (2, [], load_vqa),
    "nlvr2": (2, [], load_nlvr2_model),
    # Text assignment draws its negatives from the batch: at least 3 per rank.
    "nlvr2_pretrain": (3, [], load_nlvr2_model),
    "visdial": (2, ["--max_text_length", "48"], load_visdial),
}


@pytest.mark.slow
@pytest.mark.parametrize("task", sorted(TASKS))
def test_two_ranks_train_in_step_and_the_export_loads(inputs, tmp_path, task):
    batch, extra, load = TASKS[task]
    output = tmp_path / task
    paths = {"--init": inputs["init"], "--data": inputs[task], "--output": str(output)}
    sizes = {"--max_steps": STEPS, "--batch_size": batch, "--lr": 1e-3, "--num_workers": 0}
    flags = [str(part) for pair in {**paths, **sizes}.items() for part in pair]
    command = [*torchrun("models.finetune", task), *flags, *RUN_FLAGS, *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GLOO_SOCKET_IFNAME": "lo", "HF_HUB_OFFLINE": "1"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["world_size"] == 2 and summary["steps"] == STEPS and summary["finished"]

    keys = [(output / f"keys_rank{rank}.txt").read_text().split() for rank in range(2)]
    assert len(keys[0]) == len(keys[1]) == STEPS * batch  # both ranks took every step
    assert not set(keys[0]) & set(keys[1])  # on disjoint samples
    own = [json.loads((output / f"losses_rank{rank}.json").read_text())["loss"] for rank in range(2)]
    assert summary["loss"] == pytest.approx(sum(own) / 2, abs=1e-4)  # the logged loss is the ranks' mean
    assert len((output / "train_log.jsonl").read_text().splitlines()) == STEPS
    assert load(output) is not None
