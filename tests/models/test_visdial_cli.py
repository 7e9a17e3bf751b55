"""`models.finetune visdial` and `models.evaluate visdial` end to end on a tiny real checkpoint and world
dialogs: training through the one loop, the exported ranker loading in transformers, a table and one JSON
line, and a table that is not visdial refused in one line."""

from __future__ import annotations

import json

import pytest
from transformers import BlipForImageTextRetrieval

from capfilt.world.visdial import DialogSettings, generate_dialogs
from models import evaluate, finetune
from models.blip.visdial_task import BUDGET_KEY


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("visdial-world")
    generate_dialogs(DialogSettings(output=str(root), train=8, test=2))
    return root


def test_finetune_then_evaluate(tiny_blip, world, tmp_path, capsys):
    output = tmp_path / "ranker"
    summary = finetune.main(
        [
            "visdial",
            "--init",
            tiny_blip["filter"],
            "--data",
            str(world / "dialogs"),
            "--output",
            str(output),
            "--max_steps",
            "2",
            "--batch_size",
            "2",
            "--num_workers",
            "0",
            "--max_text_length",
            "48",
            "--device",
            "cpu",
        ]
    )
    assert summary["task"] == "blip-visdial" and summary["finished"] and summary["loss"] > 0
    exported = BlipForImageTextRetrieval.from_pretrained(output)
    assert getattr(exported.config, BUDGET_KEY)["max_length"] == 48
    capsys.readouterr()
    result = evaluate.main(["visdial", "--checkpoint", str(output), "--data", str(world / "dialogs_test")])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split() == ["model", "mrr", "r1", "r5", "r10", "mean_rank"]
    assert json.loads(lines[-1]) == result and result["rounds"] == 20 and result["dialogs"] == 2
    assert 1 <= result["mean_rank"] <= 100 and 0 < result["mrr"] <= 100


def test_a_table_that_is_not_visdial_is_one_error_line(tiny_blip, small_world, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        evaluate.main(["visdial", "--checkpoint", tiny_blip["filter"], "--data", str(small_world / "test")])
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("python -m models.evaluate: error: visdial: ") and "not visdial" in error
