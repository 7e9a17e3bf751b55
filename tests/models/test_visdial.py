"""BLIP's VisDial ranker on a tiny real model: forward and loss, the dialog text budget, ranking metrics equal
a brute-force ranking (transformers' exported model scoring one candidate at a time), and candidate order
not changing them."""

from __future__ import annotations

import random

import pytest
import torch
from transformers import BlipForImageTextRetrieval

import schemas
from capfilt.world.visdial import dialog_example
from models.blip import checkpoint
from models.blip.visdial import DialogEncoder, DialogTurn, TextBudget, VisDialCollator
from models.blip.visdial_eval import encoder_for, rank_dialogs
from models.blip.visdial_task import ParquetVisDial, load_ranker
from models.evaluation.ranking import answer_ranks, ranking_metrics
from models.training.transforms import ImageTransform


def trimmed(row: dict, rounds: int = 3, options: int = 20) -> dict:
    """A world dialog cut to its first rounds, each with the right answer and the first other options (so
    the brute-force check scores few candidates one at a time)."""
    out = []
    for round_ in row["rounds"][:rounds]:
        right = round_["options"][round_["gt_index"]]
        kept = [o for o in round_["options"] if o != right][: options - 1]
        place = round_["gt_index"] % options
        out.append({**round_, "options": kept[:place] + [right] + kept[place:], "gt_index": place})
    return {**row, "rounds": out}


@pytest.fixture(scope="module")
def dialogs(tmp_path_factory):
    """Three world dialogs (held-out split, trimmed), written as a visdial table."""
    rows = [trimmed(dialog_example(0, "dialogs_test", i, 64)) for i in range(3)]
    path = tmp_path_factory.mktemp("visdial") / "dialogs.parquet"
    schemas.write_table(rows, schemas.VISDIAL, str(path))
    return rows, str(path)


@pytest.fixture(scope="module")
def ranker(tiny_blip):
    model, processor = load_ranker(tiny_blip["filter"])
    return model.eval(), processor


def test_forward_and_loss_train_the_text_encoder_and_itm_head_only(ranker, dialogs):
    model, processor = ranker
    _, path = dialogs
    dataset = ParquetVisDial([path], ImageTransform(processor.image_processor), negatives=3, repeat=False)
    samples = list(dataset)
    assert len(samples) == 3 and all(len(s["candidates"]) == 4 for s in samples)
    encoder = DialogEncoder(processor.tokenizer, TextBudget(max_length=64))
    batch = VisDialCollator(encoder)(samples)
    assert batch["itm_input_ids"].shape[0] == 12 and batch["itm_input_ids"].shape[1] <= 64
    assert batch["itm_labels"].tolist() == [1, 0, 0, 0] * 3
    assert batch["image_index"].tolist() == [0] * 4 + [1] * 4 + [2] * 4
    batch.pop("keys")
    model.train()
    out = model(batch)
    assert torch.isfinite(out["loss"]) and out["loss"] == out["itm"]
    out["loss"].backward()
    assert model.itm_head.weight.grad.abs().sum() > 0
    assert model.text_encoder.embeddings.word_embeddings.weight.grad.abs().sum() > 0
    assert model.vision_model.embeddings.patch_embedding.weight.grad.abs().sum() > 0
    assert model.vision_proj.weight.grad is None and not model.temp.requires_grad
    model.zero_grad(set_to_none=True)
    model.eval()


def test_context_keeps_caption_question_and_the_most_recent_history(ranker):
    tokenizer = ranker[1].tokenizer
    # Words of the tiny vocabulary, one set per round, oldest first.
    history = (("the dog", "red"), ("the cat", "green"), ("the sky", "blue"), ("the tree", "yellow"))
    turn = DialogTurn("a red circle on a plain background", history, "is the blue square near")
    encoder = DialogEncoder(tokenizer, TextBudget(max_length=20, caption_tokens=5, answer_tokens=3))
    ids, mask = encoder.encode(turn, ["two", "a big green star on the left"])
    assert ids.shape[1] == 20 and mask[1].sum() == 20 and mask[0].sum() < 20
    short, long = (tokenizer.decode(ids[i][mask[i].bool()]) for i in (0, 1))
    # Room for the longest answer (3 tokens) is kept in every row, so both carry the same dialog.
    assert short == "[CLS] a red circle on a [SEP] the tree yellow is the blue square near [SEP] two [SEP]"
    assert long.endswith("near [SEP] a big green [SEP]") and "sky" not in long


def test_ranks_and_metrics_equal_a_brute_force_ranking():
    generator = torch.Generator().manual_seed(0)
    scores = torch.randint(0, 6, (50, 20), generator=generator).float()  # many ties
    right = torch.randint(0, 20, (50,), generator=generator)
    ranks = answer_ranks(scores, right)
    brute = []
    for row, r in zip(scores.tolist(), right.tolist(), strict=True):
        # Sorted best first with the right answer after every equal score (ties count against it).
        order = sorted(range(20), key=lambda i: (-row[i], i == r))
        brute.append(order.index(r) + 1)
    assert ranks.tolist() == brute
    metrics = ranking_metrics(ranks)
    assert metrics["mrr"] == pytest.approx(100 * sum(1 / b for b in brute) / 50)
    for k in (1, 5, 10):
        assert metrics[f"r{k}"] == pytest.approx(100 * sum(b <= k for b in brute) / 50)
    assert metrics["mean_rank"] == pytest.approx(sum(brute) / 50)
    assert answer_ranks(torch.zeros(2, 7), torch.tensor([0, 3])).tolist() == [7, 7]  # all alike: last


def test_dialog_ranking_equals_transformers_scoring_each_candidate_alone(ranker, dialogs, tmp_path):
    model, processor = ranker
    rows = [trimmed(row, rounds=2, options=12) for row in dialogs[0][:2]]
    path = schemas.write_table(rows, schemas.VISDIAL, str(tmp_path / "small.parquet"))
    results = rank_dialogs(model, processor, [path], batch_size=5)
    exported = checkpoint.export(model, processor, "filter", tmp_path / "ranker")
    reference = BlipForImageTextRetrieval.from_pretrained(exported).eval()
    encoder = encoder_for(model, processor.tokenizer)
    ranks = []
    with torch.no_grad():
        for row in rows:
            image = processor.image_processor(images=[_image(row)], return_tensors="pt").pixel_values
            for index, round_ in enumerate(row["rounds"]):
                turn = DialogTurn(
                    row["caption"],
                    tuple((r["question"], r["answer"]) for r in row["rounds"][:index]),
                    round_["question"],
                )
                ids, mask = encoder.encode(turn, round_["options"])
                scores = []
                for i in range(len(ids)):
                    n = int(mask[i].sum())
                    logits = reference(input_ids=ids[i : i + 1, :n], pixel_values=image).itm_score[0]
                    scores.append((logits[1] - logits[0]).item())
                right = scores[round_["gt_index"]]
                ranks.append(sum(s >= right - 1e-5 for s in scores))
    assert results["rounds"] == len(ranks) == 4 and results["dialogs"] == 2
    expected = ranking_metrics(torch.tensor(ranks))
    for name, value in expected.items():
        assert results[name] == pytest.approx(value, abs=1e-6), name


def test_candidate_order_does_not_change_the_metrics(ranker, dialogs, tmp_path):
    model, processor = ranker
    rows, path = dialogs
    shuffled = []
    rng = random.Random(1)
    for row in rows:
        rounds = []
        for round_ in row["rounds"]:
            order = list(range(len(round_["options"])))
            rng.shuffle(order)
            options = [round_["options"][i] for i in order]
            rounds.append({**round_, "options": options, "gt_index": order.index(round_["gt_index"])})
        shuffled.append({**row, "rounds": rounds})
    other = schemas.write_table(shuffled, schemas.VISDIAL, str(tmp_path / "shuffled.parquet"))
    first, second = rank_dialogs(model, processor, [path]), rank_dialogs(model, processor, [other])
    for name in ("mrr", "r1", "r5", "r10", "mean_rank"):
        assert second[name] == pytest.approx(first[name], abs=1e-9), name


def _image(row):
    from models.training.data import decode_image

    return decode_image(row)
