"""Flamingo's dataset-combination strategies: each update follows its definition; batches and end to end."""

from __future__ import annotations

import itertools
import json
import math
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from transformers import CLIPModel

from models.clip import save_clip
from models.clip.pretrain import main as pretrain_main
from models.pretrain import main as models_pretrain_main
from models.training import combination
from tests.helpers.clip_tiny import random_batch, tiny_model, tiny_processor, tiny_tokenizer


def _grads(model) -> dict[str, torch.Tensor]:
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def _grad_of(model, batch) -> dict[str, torch.Tensor]:
    model.zero_grad()
    model(batch)["loss"].backward()
    return _grads(model)


def test_weighted_round_robin_spreads_datasets_by_weight():
    assert list(itertools.islice(combination.weighted_round_robin([1, 1]), 6)) == [0, 1, 0, 1, 0, 1]
    first = list(itertools.islice(combination.weighted_round_robin([1.0, 0.2]), 12))
    assert first.count(1) == 2 and first.count(0) == 10
    assert combination.schedule_counts([1.0, 0.2], 12) == [10, 2]
    assert combination.schedule_counts([2, 1, 1], 8) == [4, 2, 2]
    with pytest.raises(ValueError, match="positive"):
        combination.check_weights([1.0, 0.0], 2)
    with pytest.raises(ValueError, match="2 weight"):
        combination.check_weights([1.0, 1.0], 3)


def test_accumulation_gradient_is_the_weighted_sum_of_per_dataset_gradients(tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)
    model = tiny_model(tokenizer)
    dataset_a = [random_batch(4, len(tokenizer), seed=10 + i) for i in range(2)]
    dataset_b = [random_batch(4, len(tokenizer), seed=20 + i) for i in range(2)]
    weights = [1.0, 0.2]
    plan = combination.accumulation_plan([iter(dataset_a), iter(dataset_b)], weights, ["a", "b"])
    parts = next(plan)
    assert [p.source for p in parts] == ["a", "b"] and [p.weight for p in parts] == weights

    grad_a, grad_b = _grad_of(model, dataset_a[0]), _grad_of(model, dataset_b[0])
    model.zero_grad()
    losses = combination.backward_parts(model, parts)
    combined = _grads(model)
    for name in grad_a:
        torch.testing.assert_close(
            combined[name], 1.0 * grad_a[name] + 0.2 * grad_b[name], atol=1e-6, rtol=1e-5
        )
    assert len(losses) == 2
    # The next step takes the next batch of each dataset.
    second = next(plan)
    assert second[0].batch is dataset_a[1] and second[1].batch is dataset_b[1]


def test_round_robin_makes_one_update_per_batch_of_one_dataset(tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)
    model = tiny_model(tokenizer)
    dataset_a = [random_batch(4, len(tokenizer), seed=30 + i) for i in range(3)]
    dataset_b = [random_batch(4, len(tokenizer), seed=40 + i) for i in range(3)]
    plan = combination.round_robin_plan([iter(dataset_a), iter(dataset_b)], [1, 1], ["a", "b"])
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    expected_order = [dataset_a[0], dataset_b[0], dataset_a[1], dataset_b[1]]
    for expected_batch in expected_order:
        (part,) = next(plan)
        assert part.batch is expected_batch and part.weight == 1.0
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        grad = _grad_of(model, expected_batch)
        model.zero_grad()
        combination.backward_parts(model, [part])
        optimizer.step()
        # SGD: the update is exactly -lr times this one batch's gradient.
        for name, p in model.named_parameters():
            if name in grad:
                torch.testing.assert_close(p.detach(), before[name] - 0.1 * grad[name], atol=1e-6, rtol=1e-5)
        model.zero_grad()


def test_round_robin_resumes_mid_schedule():
    streams = [iter(range(100)), iter(range(100, 200))]
    full = [p[0].batch for p in itertools.islice(combination.round_robin_plan(streams, [1.0, 0.5], "ab"), 9)]
    counts = combination.schedule_counts([1.0, 0.5], 4)
    resumed_streams = [iter(range(counts[0], 100)), iter(range(100 + counts[1], 200))]
    resumed = combination.round_robin_plan(resumed_streams, [1.0, 0.5], "ab", start_turn=4)
    assert [p[0].batch for p in itertools.islice(resumed, 5)] == full[4:]


def test_merged_batches_mix_datasets_by_weight():
    merged = combination.merge_samples([itertools.repeat("a"), itertools.repeat("b")], [1.0, 0.2])
    batch = list(itertools.islice(merged, 12))
    assert batch.count("a") == 10 and batch.count("b") == 2
    (part,) = next(combination.merged_plan(iter([{"x": 1}])))
    assert part.weight == 1.0 and part.source == combination.MERGED


@pytest.fixture(scope="module")
def world(small_world) -> Path:
    return small_world


def _train(world: Path, output: Path, strategy: str, steps: int, batch_size: int, extra: tuple = ()) -> dict:
    # Through the documented entry point, `python -m models.pretrain clip ...`.
    return models_pretrain_main(
        [
            "clip", "--preset", "tiny", "--vocab_size", "200",
            "--data", f"{world}/human/*.parquet::{world}/web/*.parquet",
            "--weights", "1.0,0.5", "--strategy", strategy,
            "--batch_size", str(batch_size), "--max_steps", str(steps), "--warmup_steps", "1",
            "--num_workers", "0", "--shuffle_buffer", "8", "--save_every", "100",
            "--record_keys", "--output", str(output), *extra,
        ]
    )  # fmt: skip


def _key_batches(output: Path, batch_size: int) -> list[list[str]]:
    keys = (output / "keys_rank0.txt").read_text().split()
    return [keys[i : i + batch_size] for i in range(0, len(keys), batch_size)]


def _origin(batch: list[str]) -> set[str]:
    return {key.split("-")[0] for key in batch}


@pytest.mark.slow
def test_end_to_end_batches_follow_each_strategy_on_two_parquet_datasets(world, tmp_path):
    summary = _train(world, tmp_path / "acc", "accumulation", steps=3, batch_size=4)
    assert summary["finished"] and summary["samples"] == 3 * 2 * 4
    # One batch of each dataset per step, in dataset order.
    assert [_origin(b) for b in _key_batches(tmp_path / "acc", 4)] == [{"human"}, {"web"}] * 3
    log = [json.loads(line) for line in (tmp_path / "acc" / "train_log.jsonl").read_text().splitlines()]
    assert log[-1]["loss"] == pytest.approx(log[-1]["loss_data0"] + 0.5 * log[-1]["loss_data1"], abs=1e-3)

    _train(world, tmp_path / "rr", "round_robin", steps=6, batch_size=4)
    # Weights 1.0, 0.5: two human batches per web batch, one update each.
    assert [_origin(b) for b in _key_batches(tmp_path / "rr", 4)] == [{"human"}, {"web"}, {"human"}] * 2

    _train(world, tmp_path / "merged", "merged", steps=2, batch_size=6)
    for batch in _key_batches(tmp_path / "merged", 6):
        origins = [key.split("-")[0] for key in batch]
        assert origins.count("human") == 4 and origins.count("web") == 2


@pytest.mark.slow
def test_training_starts_from_a_checkpoint_and_clamps_the_temperature_after_each_step(world, tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)
    model = tiny_model(tokenizer)
    with torch.no_grad():
        model.logit_scale.fill_(7.0)  # a temperature far below CLIP's floor of 1/100
    save_clip(model, tiny_processor(tokenizer), tmp_path / "init")
    _train(world, tmp_path / "out", "accumulation", 1, 2, extra=("--init", str(tmp_path / "init")))
    exported = CLIPModel.from_pretrained(tmp_path / "out")
    assert float(exported.logit_scale.detach()) == pytest.approx(math.log(100), abs=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["round_robin", "merged"])
def test_resumed_run_sees_the_same_batches_as_an_uninterrupted_one(world, tmp_path, strategy):
    _train(world, tmp_path / "full", strategy, steps=4, batch_size=4)
    _train(world, tmp_path / "split", strategy, 4, 4, extra=("--stop_at", "2", "--save_every", "2"))
    summary = _train(world, tmp_path / "split", strategy, steps=4, batch_size=4)
    assert summary["finished"] and summary["steps"] == 4
    assert _key_batches(tmp_path / "split", 4) == _key_batches(tmp_path / "full", 4)


def test_bad_arguments_name_the_problem(world, tmp_path):
    with pytest.raises(SystemExit):
        _train(world, tmp_path / "x", "zigzag", steps=1, batch_size=2)
    with pytest.raises(SystemExit):
        pretrain_main(["--preset", "tiny", "--data", f"{world}/human/*.parquet::", "--output", str(tmp_path)])


@pytest.mark.slow
def test_a_combination_resumed_after_a_kill_reproduces_the_uninterrupted_run(world, tmp_path):
    # The single loop's exact resume holds for combinations: loader workers, and a log written past the
    # checkpoint (a run killed after logging step 3 but before checkpointing it) is cut back, not repeated.
    workers = ("--num_workers", "1")
    _train(world, tmp_path / "straight", "accumulation", steps=4, batch_size=4, extra=workers)
    killed = tmp_path / "killed"
    _train(world, killed, "accumulation", 4, 4, extra=(*workers, "--stop_at", "2", "--save_every", "2"))
    shutil.copytree(killed / "checkpoint", tmp_path / "step2")
    _train(world, killed, "accumulation", 4, 4, extra=(*workers, "--stop_at", "3", "--save_every", "2"))
    shutil.rmtree(killed / "checkpoint")
    shutil.copytree(tmp_path / "step2", killed / "checkpoint")
    assert [json.loads(line)["step"] for line in (killed / "train_log.jsonl").open()] == [1, 2, 3]

    summary = _train(world, killed, "accumulation", steps=4, batch_size=4, extra=workers)
    assert summary["finished"] and summary["steps"] == 4
    logs = [(tmp_path / run / "train_log.jsonl").read_text() for run in ("straight", "killed")]
    assert logs[0] == logs[1]
    assert [json.loads(line)["step"] for line in logs[1].splitlines()] == [1, 2, 3, 4]
    straight = load_file(tmp_path / "straight" / "model.safetensors")
    resumed = load_file(killed / "model.safetensors")
    assert straight.keys() == resumed.keys()
    for key, value in straight.items():
        torch.testing.assert_close(resumed[key], value, atol=0, rtol=0, msg=key)
