"""BLIP's text-assignment pretraining of the NLVR2 model: the 3-way labels and the image pairs built from
a batch (deterministic from the seed), forward and loss on a tiny real model, `models.finetune
nlvr2_pretrain` through the one loop (resumed exactly), and its output loading into NLVR2 fine-tuning with
the twin cross-attention halves kept as trained."""

import json
import logging
from collections import Counter

import pytest
import torch
from safetensors.torch import load_file

import schemas
from models import finetune
from models.blip.nlvr2_task import load_nlvr2
from models.blip.text_assignment import FIRST, NEITHER, SECOND, assignment_pairs, draw, negative_mask
from models.blip.text_assignment_task import (
    TASK,
    TextAssignmentCollator,
    TextAssignmentPairs,
    load_text_assignment,
)
from models.training.transforms import ImageTransform
from tests.helpers.blip_data import write_curated, write_pairs
from tests.helpers.vqa_tiny import save_tiny_pretrained

TRAIN = [
    "--batch_size",
    "6",
    "--num_workers",
    "0",
    "--device",
    "cpu",
    "--lr",
    "1e-3",
    "--shuffle_buffer",
    "8",
]


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    return save_tiny_pretrained(tmp_path_factory.mktemp("ta") / "pretrained")


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    return write_pairs(tmp_path_factory.mktemp("ta-pairs"), 24, files=2)


def test_draw_follows_the_weights_and_never_picks_a_zero_weight_image():
    weights = torch.tensor([[0.0, 1.0, 3.0, 0.0]]).expand(4000, 4)
    uniform = (torch.arange(4000, dtype=torch.float64) + 0.5) / 4000
    counts = Counter(draw(weights, uniform).tolist())
    assert set(counts) == {1, 2}
    assert counts[2] == 3000 and counts[1] == 1000  # the inverse CDF of 1:3
    assert draw(torch.tensor([[0.0, 0.0, 2.0]]), torch.tensor([0.0])).item() == 2  # u = 0: first non-zero


def test_each_class_puts_the_texts_own_image_where_its_label_says():
    groups = torch.tensor([0, 1, 2, 3, 3])  # the last two rows are the same record (one image twice)
    weights = torch.rand(5, 5, generator=torch.Generator().manual_seed(0)) * negative_mask(groups)
    assignment = torch.tensor([FIRST, SECOND, NEITHER, FIRST, NEITHER])
    picks = torch.rand(5, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    first, second, usable = assignment_pairs(assignment, picks, weights)
    assert usable.all()
    for row, label in enumerate(assignment.tolist()):
        shown = [first[row].item(), second[row].item()]
        negatives = shown if label == NEITHER else [shown[1 - label]]
        if label != NEITHER:
            assert shown[label] == row  # FIRST: the own image in the first place; SECOND: in the second
        for other in negatives:
            assert groups[other] != groups[row]  # never the text's own image, nor its record's twin
    assert first[2] != second[2] and first[4] != second[4]  # "neither": two different negatives


def test_a_batch_without_enough_other_images_masks_the_texts_it_cannot_build():
    groups = torch.tensor([0, 1])
    weights = negative_mask(groups)
    assignment = torch.tensor([FIRST, NEITHER])
    picks = torch.full((2, 2), 0.5, dtype=torch.float64)
    first, second, usable = assignment_pairs(assignment, picks, weights)
    assert usable.tolist() == [True, False]  # one other image: enough for FIRST, not for NEITHER
    assert (first[0].item(), second[0].item()) == (0, 1)


@pytest.fixture(scope="module")
def assigner(pretrained):
    return load_text_assignment(str(pretrained))


def samples(processor, files, seed):
    transform = ImageTransform(processor.image_processor)
    data = TextAssignmentPairs(files, transform, seed=seed, repeat=False, shuffle_buffer=4)
    return {s["key"]: (s["assignment"], s["picks"]) for s in data}


def test_labels_and_picks_come_from_the_seed(assigner, pairs):
    processor, files = assigner[1], schemas.expand(pairs)
    first, again, other = (
        samples(processor, files, 0),
        samples(processor, files, 0),
        samples(processor, files, 1),
    )
    assert first == again and len(first) == 24
    assert first != other
    assert set(Counter(label for label, _ in first.values())) == {FIRST, SECOND, NEITHER}
    assert all(0 <= p < 1 for _, picks in first.values() for p in picks)


def test_forward_loss_reaches_both_twin_halves_and_the_head_not_the_projection(pretrained, pairs, caplog):
    with caplog.at_level(logging.WARNING):
        model, processor = load_text_assignment(str(pretrained))
    assert "fresh initialisation" not in caplog.text  # only the 3-way head and merge layers are new
    assert model.vision_proj is not None  # the pretrained ITC projection ranks negatives
    transform = ImageTransform(processor.image_processor)
    data = TextAssignmentPairs(schemas.expand(pairs), transform, seed=0, repeat=False)
    rows = list(data)[:8]
    batch = TextAssignmentCollator(processor.tokenizer, first_token="enc")(rows)
    batch.pop("keys")
    out = model(batch)
    assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])
    out["loss"].backward()
    twin = model.text_encoder.encoder.layer[-1].crossattention
    for part in (twin.self0.query, twin.self1.query, twin.output.merge_layer, model.ta_head):
        assert part.weight.grad is not None and part.weight.grad.abs().sum() > 0
    assert model.vision_proj.weight.grad is None

    weights = model.negative_weights(model.image_embeds(batch["pixel_values"]), batch["image_groups"])
    assert (weights.diagonal() == 0).all()  # the own image is never its text's negative
    off_diagonal = weights[~torch.eye(8, dtype=torch.bool)]
    assert (off_diagonal > 0).all() and (weights.sum(1) < 1).all()  # the softmax without its diagonal


def test_finetune_nlvr2_pretrain_resumes_exactly_and_feeds_nlvr2_with_its_twins(
    pretrained, pairs, tmp_path, caplog
):
    common = ["nlvr2_pretrain", "--init", str(pretrained), "--data", pairs, *TRAIN, "--max_steps", "4"]
    whole = finetune.main([*common, "--output", str(tmp_path / "whole")])
    assert whole["finished"] and whole["task"] == "blip-nlvr2-pretrain" and "accuracy" in whole
    finetune.main([*common, "--output", str(tmp_path / "cut"), "--save_every", "2", "--stop_at", "2"])
    resumed = finetune.main([*common, "--output", str(tmp_path / "cut"), "--save_every", "2"])
    assert resumed["loss"] == whole["loss"]
    a, b = (load_file(tmp_path / name / "model.safetensors") for name in ("whole", "cut"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    assert json.loads((tmp_path / "whole" / "config.json").read_text())["blip_task"] == TASK
    # Training made the halves of a twin differ: the NLVR2 model must keep each, not re-copy one.
    key = "text_encoder.encoder.layer.0.crossattention.self{}.query.weight"
    assert not torch.equal(a[key.format(0)], a[key.format(1)])

    with caplog.at_level(logging.WARNING):
        nlvr2, _ = load_nlvr2(str(tmp_path / "whole"))
    assert "fresh initialisation" not in caplog.text  # every weight but the true/false head is there
    state = nlvr2.state_dict()
    for name, value in a.items():
        if name in state:
            assert torch.equal(state[name], value), name
    assert not any(name.startswith(("ta_head.", "vision_proj.")) for name in state)
    merge = "text_encoder.encoder.layer.{}.crossattention.output.merge_layer.weight"
    upper = len(nlvr2.text_encoder.encoder.layer) - 1
    assert torch.equal(state[merge.format(upper)], a[merge.format(upper)])


def test_curated_data_trains_and_random_negatives_need_no_projection(pretrained, tmp_path):
    data = write_curated(tmp_path / "curated", 12)
    summary = finetune.main(
        ["nlvr2_pretrain", "--init", str(pretrained), "--data", data, *TRAIN, "--max_steps", "1"]
        + ["--negatives", "random", "--output", str(tmp_path / "out")]
    )
    assert summary["finished"] and summary["steps"] == 1
    assert not any(k.startswith("vision_proj.") for k in load_file(tmp_path / "out" / "model.safetensors"))


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--batch_size", "2"], "--batch_size 2: text assignment draws its negatives from the batch"),
        (
            ["--data", "NLVR2"],
            "image-text pairs (pairs or curated tables), not nlvr2 (that is finetune nlvr2",
        ),
    ],
)
def test_bad_settings_are_refused_in_one_line(pretrained, pairs, tmp_path, capsys, flags, message):
    from capfilt.world import WorldConfig, generate_world

    if "NLVR2" in flags:
        none_else = dict(web=0, human=0, test=0, classify=0, documents=0, clips=0)
        generate_world(str(tmp_path / "w"), WorldConfig(**none_else, nlvr2_train=4), progress=False)
        flags = ["--data", str(tmp_path / "w" / "nlvr2_train" / "*.parquet")]
    argv = ["nlvr2_pretrain", "--init", str(pretrained), "--data", pairs, *TRAIN, "--output", str(tmp_path)]
    with pytest.raises(SystemExit) as exit_info:
        finetune.main([*argv, *flags])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("python -m models.finetune: error: nlvr2_pretrain:") and message in err
