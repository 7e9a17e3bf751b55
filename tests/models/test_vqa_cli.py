"""`models.finetune vqa` and `models.evaluate vqa` end to end on the demo world's VQA task with a tiny model:
training through the one loop (resumable), the export with its answer list, both inference modes."""

import json

import pyarrow.parquet as pq
import pytest
from transformers import BlipForQuestionAnswering

import schemas
from capfilt.world.scene import Scene, WorldObject
from capfilt.world.vqa import scene_questions
from models import evaluate, finetune
from tests.helpers.vqa_tiny import save_tiny_pretrained, tiny_vqa_world

TRAIN = ["--batch_size", "4", "--num_workers", "0", "--lr", "1e-3", "--device", "cpu", "--save_every", "2"]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return tiny_vqa_world(tmp_path_factory.mktemp("vqa-world"))


def test_world_questions_come_from_ground_truth_and_test_is_held_out(world):
    scene = Scene(
        (WorldObject("red", "circle", "large", "left"), WorldObject("blue", "circle", "small", "top")), "dots"
    )
    asked = {(q, a) for _, q, a in scene_questions(scene)}
    assert ("how many objects are there?", "two") in asked
    assert ("how many circles are there?", "two") in asked
    assert ("where is the blue circle?", "top") in asked
    assert ("what shape is the red object?", "circle") in asked
    assert not any(q == "what color is the circle?" for q, _ in asked)  # two circles: ambiguous, not asked
    train = pq.read_table(world / "train" / "part-00000.parquet")
    assert schemas.schema_name(train.schema) == "vqa"
    assert set(train.column("question_type").to_pylist()) == {"color", "shape", "count", "position"}


def test_finetune_resume_export_and_evaluate(world, tmp_path, capsys):
    init = save_tiny_pretrained(tmp_path / "init")
    out = tmp_path / "vqa"
    args = ["vqa", "--init", str(init), "--data", str(world / "train" / "*.parquet"), "--output", str(out)]
    first = finetune.main([*args, *TRAIN, "--max_steps", "4", "--stop_at", "2"])
    assert first["steps"] == 2 and not first["finished"]
    resumed = finetune.main([*args, *TRAIN, "--max_steps", "4"])
    assert resumed["steps"] == 4 and resumed["finished"] and resumed["task"] == "blip-vqa"
    assert BlipForQuestionAnswering.from_pretrained(out) is not None
    answers = json.loads((out / "answer_list.json").read_text())
    assert "one" in answers and "left" in answers
    capsys.readouterr()
    data = str(world / "test" / "*.parquet")
    ranked = evaluate.main(["vqa", "--checkpoint", str(out), "--data", data, "--batch_size", "5"])
    table = capsys.readouterr().out
    assert "overall" in table and json.loads(table.strip().splitlines()[-1]) == ranked
    assert ranked["candidates"] == len(answers) and ranked["questions"] > 4
    assert 0 <= ranked["vqa_accuracy"] <= 100
    generated = evaluate.main(["vqa", "--checkpoint", str(out), "--data", data, "--inference", "generate"])
    assert generated["questions"] == ranked["questions"] and generated["inference"] == "generate"


def test_a_pairs_file_is_refused_in_one_line(tmp_path, small_world, capsys):
    init = save_tiny_pretrained(tmp_path / "init")
    with pytest.raises(SystemExit) as exit_info:
        finetune.main(
            [
                "vqa",
                "--init",
                str(init),
                "--data",
                str(small_world / "human" / "*.parquet"),
                *TRAIN,
                "--output",
                str(tmp_path / "out"),
            ]
        )
    assert exit_info.value.code == 2
    assert "a VQA run reads `vqa` Parquet files, this one is pairs" in capsys.readouterr().err
