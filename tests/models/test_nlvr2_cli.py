"""`models.finetune nlvr2` and `models.evaluate nlvr2` on the demo world's NLVR2 task, from a tiny pretrained
BLIP: training through the one loop (resumed exactly), export, the accuracy table and its JSON line."""

import json

import pytest
from safetensors.torch import load_file
from transformers import BlipImageProcessorPil, BlipProcessor

from capfilt.world import WorldConfig, generate_world
from capfilt.world.nlvr2 import every_statement
from models import evaluate, finetune
from models.blip import checkpoint, conventions
from models.common.tokenizer import train_wordpiece
from tests.helpers.blip_data import write_pairs
from tests.helpers.blip_pretraining import tiny_model

TRAIN = ["--max_steps", "4", "--batch_size", "4", "--num_workers", "0", "--device", "cpu", "--lr", "1e-3"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("nlvr2-cli")
    none_else = dict(web=0, human=0, test=0, classify=0, documents=0, clips=0)
    generate_world(
        str(root / "world"), WorldConfig(**none_else, nlvr2_train=24, nlvr2_test=12), progress=False
    )
    tokenizer = train_wordpiece(list(every_statement()) + [conventions.DEFAULT_PROMPT], vocab_size=150)
    processor = BlipProcessor(BlipImageProcessorPil(size={"height": 32, "width": 32}), tokenizer)
    checkpoint.save_pretrained(tiny_model(processor), processor, root / "pretrained")
    return root


def test_finetune_resumes_exactly_then_evaluate_prints_the_table_and_json(setup, tmp_path, capsys):
    data = str(setup / "world" / "nlvr2_train" / "*.parquet")
    common = ["nlvr2", "--init", str(setup / "pretrained"), "--data", data, *TRAIN]
    whole = finetune.main([*common, "--output", str(tmp_path / "whole")])
    assert whole["finished"] and whole["task"] == "blip-nlvr2" and "accuracy" in whole
    finetune.main([*common, "--output", str(tmp_path / "cut"), "--save_every", "2", "--stop_at", "2"])
    resumed = finetune.main([*common, "--output", str(tmp_path / "cut"), "--save_every", "2"])
    assert resumed["finished"] and resumed["loss"] == whole["loss"]
    a, b = (
        load_file(tmp_path / "whole" / "model.safetensors"),
        load_file(tmp_path / "cut" / "model.safetensors"),
    )
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)
    assert json.loads((tmp_path / "whole" / "config.json").read_text())["blip_task"] == "nlvr2"
    capsys.readouterr()

    test = str(setup / "world" / "nlvr2_test" / "*.parquet")
    summary = evaluate.main(["nlvr2", "--checkpoint", str(tmp_path / "whole"), "--data", test])
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:2] == ["model", "accuracy"] and lines[1].startswith("nlvr2")
    assert json.loads(lines[-1]) == summary
    assert summary["examples"] == 12 and summary["true"] + summary["false"] == 12
    assert 0 <= summary["accuracy"] <= 100 and summary["skipped"] == 0


def test_a_pairs_table_is_refused_in_one_line(setup, tmp_path, capsys):
    pairs = write_pairs(tmp_path / "pairs", 4)
    argv = [
        "nlvr2",
        "--init",
        str(setup / "pretrained"),
        "--data",
        pairs,
        "--output",
        str(tmp_path / "o"),
        *TRAIN,
    ]
    with pytest.raises(SystemExit) as exit_info:
        finetune.main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "train blip-nlvr2" not in err  # refused before training starts
    assert err.startswith("python -m models.finetune: error: nlvr2:") and "an nlvr2 table is needed" in err
