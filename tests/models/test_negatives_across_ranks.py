"""Under torchrun, BLIP's filter and the BLIP-2 Q-Former take ITC and ITM negatives from every rank's batch
(`negative_all_rank`): two gloo ranks of B give the loss and gradients of one process on the 2B batch.

The ranks run once (a module fixture); each test reads its own part of their results. Gradients are
averaged over the ranks as DDP does (DDP itself for the full filter, `all_reduce / world` where only one
loss of several is backpropagated, which would leave parameters unused under DDP). Models run in eval mode
so dropout does not draw differently in the ranks and the single process.
"""

from __future__ import annotations

import os

import pytest
import torch
import torch.distributed as dist
from transformers import AutoTokenizer, BlipImageProcessorPil, BlipProcessor

from models.blip import conventions
from models.blip.collate import BlipCollator
from models.blip2.presets import blip2_config
from models.blip2.stage1 import Blip2Stage1, Stage1Objective
from models.common import ranks
from models.common.tokenizer import train_wordpiece
from tests.helpers.blip_data import pair_rows
from tests.helpers.blip_pretraining import batch, tiny_model
from tests.helpers.gloo_ranks import exit_rank, init_rank, run_ranks

WORLD = 2
PER_RANK = 3
QFORMER_TEXTS = ["a red circle on the left", "a big blue star", "a small green square at the top", "a star"]


def _filter(processor, objectives, **objective):
    return tiny_model(processor, objectives=objectives, negative_all_rank=True, **objective).eval()


def _qformer(tokenizer, negative_all_rank=True):
    config = blip2_config("tiny", vocab_size=len(tokenizer), num_query_tokens=4)
    torch.manual_seed(1)
    return Blip2Stage1(config, Stage1Objective(negative_all_rank=negative_all_rank)).eval()


def _qformer_batch(tokenizer, count):
    generator = torch.Generator().manual_seed(5)
    samples = [
        {
            "key": f"q{i}",
            "text": QFORMER_TEXTS[i % 4],
            "pixel_values": torch.randn(3, 32, 32, generator=generator),
        }
        for i in range(count)
    ]
    out = BlipCollator(tokenizer, 20, prompt="")(samples)
    out.pop("keys")
    return out


def _rows(full, rank, per_rank):
    return {k: v[rank * per_rank : (rank + 1) * per_rank] for k, v in full.items()}


def _grads(model):
    return {
        n: (p.grad.clone() if p.grad is not None else torch.zeros_like(p))
        for n, p in model.named_parameters()
        if p.requires_grad
    }


def _averaged_grads(model):
    """DDP's reduction by hand: every parameter's gradient summed over the ranks, divided by the world."""
    grads = _grads(model)
    for grad in grads.values():
        dist.all_reduce(grad)
        grad /= dist.get_world_size()
    return grads


def _mean(value: torch.Tensor) -> float:
    total = value.detach().clone()
    dist.all_reduce(total)
    return float(total) / dist.get_world_size()


def _one_process(model, full, loss_names):
    out = model(full)
    sum(out[name] for name in loss_names).backward()
    return {"losses": {name: float(out[name].detach()) for name in out}, "grads": _grads(model)}


def _rank_process(rank: int, world: int, directory: str) -> None:
    init_rank(rank, world, directory)
    torch.set_num_threads(1)
    processor = BlipProcessor.from_pretrained(directory)
    tokenizer = AutoTokenizer.from_pretrained(os.path.join(directory, "qformer"))
    results = {}

    # The filter's ITC on 2 x 3 rows, gathered with gradient.
    model = _filter(processor, ("itc",))
    out = model(_rows(batch(processor, count=WORLD * PER_RANK), rank, PER_RANK))
    out["itc"].backward()
    results["filter_itc"] = {"itc": _mean(out["itc"]), "grads": _averaged_grads(model)}

    # The same with negative_all_rank off: each rank's loss is the loss of its own rows alone.
    model = tiny_model(processor, objectives=("itc",), negative_all_rank=False).eval()
    with torch.no_grad():
        results["filter_itc_own_rank"] = float(
            model(_rows(batch(processor, count=WORLD * PER_RANK), rank, PER_RANK))["itc"]
        )

    # ITC + ITM under DDP with one row per rank: its only ITM negative is the other rank's row.
    model = _filter(processor, ("itc", "itm"))
    ddp = torch.nn.parallel.DistributedDataParallel(model)
    out = ddp(_rows(batch(processor, count=WORLD), rank, 1))
    out["loss"].backward()
    results["filter_itm"] = {
        "losses": {name: _mean(out[name]) for name in ("itc", "itm")},
        "grads": _grads(model),
    }

    # With the momentum queue the ITM negatives still come from every rank (blip_retrieval.py).
    model = _filter(processor, ("itc", "itm"), momentum=True, queue_size=8)
    with torch.no_grad():
        results["filter_momentum_itm"] = _mean(model(_rows(batch(processor, count=WORLD), rank, 1))["itm"])

    # The hard-negative weights of this rank's rows span both ranks' columns.
    model = _filter(processor, ("itc", "itm"))
    full = batch(processor, count=WORLD * PER_RANK)
    mine = _rows(full, rank, PER_RANK)
    with torch.no_grad():
        embeds = model.image_embeds(mine["pixel_values"])
        image_feat, text_feat = model.itc_features(embeds, mine["input_ids"], mine["attention_mask"])
        sim_i2t, sim_t2i, same_pair = model._similarities(
            image_feat, text_feat, mine["pair_ids"], ranks.all_ranks
        )
    results["filter_mining"] = {"sim_i2t": sim_i2t, "sim_t2i": sim_t2i, "same_pair": same_pair}

    # The Q-Former: ITC over 2 x 3 rows, then ITC + ITM with one row per rank.
    model = _qformer(tokenizer)
    out = model(_rows(_qformer_batch(tokenizer, WORLD * PER_RANK), rank, PER_RANK))
    out["itc"].backward()
    results["qformer_itc"] = {"itc": _mean(out["itc"]), "grads": _averaged_grads(model)}
    model = _qformer(tokenizer)
    out = model(_rows(_qformer_batch(tokenizer, WORLD), rank, 1))
    (out["itc"] + out["itm"]).backward()
    results["qformer_itm"] = {
        "losses": {name: _mean(out[name]) for name in ("itc", "itm")},
        "grads": _averaged_grads(model),
    }

    torch.save(results, os.path.join(directory, f"rank{rank}.pt"))
    exit_rank()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ranks")
    texts = [r["caption"] for r in pair_rows(16)] + [conventions.DEFAULT_PROMPT]
    processor = BlipProcessor(
        BlipImageProcessorPil(size={"height": 32, "width": 32}), train_wordpiece(texts, vocab_size=120)
    )
    processor.save_pretrained(directory)
    tokenizer = train_wordpiece(QFORMER_TEXTS * 5, vocab_size=200)
    tokenizer.save_pretrained(directory / "qformer")
    run_ranks(_rank_process, WORLD, str(directory))
    return processor, tokenizer, [torch.load(directory / f"rank{r}.pt") for r in range(WORLD)]


def _assert_same_grads(got, expected, label):
    assert set(got) == set(expected)
    for name, grad in expected.items():
        torch.testing.assert_close(got[name], grad, atol=1e-5, rtol=1e-4, msg=f"{label}: {name}")


@pytest.mark.slow
def test_filter_itc_on_two_ranks_is_the_itc_of_the_whole_batch(runs):
    processor, _, results = runs
    full = batch(processor, count=WORLD * PER_RANK)
    expected = _one_process(_filter(processor, ("itc",)), full, ["itc"])
    for got in results:
        assert got["filter_itc"]["itc"] == pytest.approx(expected["losses"]["itc"], abs=1e-5)
        _assert_same_grads(got["filter_itc"]["grads"], expected["grads"], "filter itc")
    # Off, a rank contrasts its rows with its own batch only: the loss of its half in one process.
    model = tiny_model(processor, objectives=("itc",), negative_all_rank=False).eval()
    for rank, got in enumerate(results):
        with torch.no_grad():
            own = float(model(_rows(full, rank, PER_RANK))["itc"])
        assert got["filter_itc_own_rank"] == pytest.approx(own, abs=1e-5)
        assert got["filter_itc_own_rank"] != pytest.approx(expected["losses"]["itc"], abs=1e-3)


@pytest.mark.slow
def test_filter_itm_negatives_come_from_the_other_rank(runs):
    processor, _, results = runs
    full = batch(processor, count=WORLD)
    # One row per rank: drawn from its own rank only, ITM would have no negative at all.
    with pytest.raises(ValueError, match="at least two different pairs"):
        tiny_model(processor, objectives=("itc", "itm")).eval()(_rows(full, 0, 1))
    expected = _one_process(_filter(processor, ("itc", "itm")), full, ["itc", "itm"])
    for got in results:
        for name in ("itc", "itm"):
            assert got["filter_itm"]["losses"][name] == pytest.approx(expected["losses"][name], abs=1e-5)
        _assert_same_grads(got["filter_itm"]["grads"], expected["grads"], "filter itc+itm")
    with torch.no_grad():
        momentum_itm = float(_filter(processor, ("itc", "itm"), momentum=True, queue_size=8)(full)["itm"])
    for got in results:
        assert got["filter_momentum_itm"] == pytest.approx(momentum_itm, abs=1e-5)


@pytest.mark.slow
def test_filter_hard_negative_weights_cover_the_gathered_batch(runs):
    processor, _, results = runs
    full = batch(processor, count=WORLD * PER_RANK)
    model = _filter(processor, ("itc", "itm"))
    with torch.no_grad():
        embeds = model.image_embeds(full["pixel_values"])
        image_feat, text_feat = model.itc_features(embeds, full["input_ids"], full["attention_mask"])
        sim_i2t, sim_t2i, same_pair = model._similarities(image_feat, text_feat, full["pair_ids"])
    for rank, got in enumerate(results):
        rows = slice(rank * PER_RANK, (rank + 1) * PER_RANK)
        mining = got["filter_mining"]
        assert mining["sim_i2t"].shape == (PER_RANK, WORLD * PER_RANK)
        torch.testing.assert_close(mining["sim_i2t"], sim_i2t[rows], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(mining["sim_t2i"], sim_t2i[rows], atol=1e-5, rtol=1e-4)
        assert torch.equal(mining["same_pair"], same_pair[rows])


@pytest.mark.slow
def test_qformer_itc_and_itm_on_two_ranks_are_those_of_the_whole_batch(runs):
    _, tokenizer, results = runs
    expected_itc = _one_process(_qformer(tokenizer), _qformer_batch(tokenizer, WORLD * PER_RANK), ["itc"])
    expected_itm = _one_process(_qformer(tokenizer), _qformer_batch(tokenizer, WORLD), ["itc", "itm"])
    for got in results:
        assert got["qformer_itc"]["itc"] == pytest.approx(expected_itc["losses"]["itc"], abs=1e-5)
        _assert_same_grads(got["qformer_itc"]["grads"], expected_itc["grads"], "qformer itc")
        for name in ("itc", "itm"):
            assert got["qformer_itm"]["losses"][name] == pytest.approx(expected_itm["losses"][name], abs=1e-5)
        _assert_same_grads(got["qformer_itm"]["grads"], expected_itm["grads"], "qformer itc+itm")


def test_one_process_ignores_negative_all_rank():
    """Outside torchrun the flag changes nothing: the same losses, bit for bit."""
    texts = [r["caption"] for r in pair_rows(16)] + [conventions.DEFAULT_PROMPT]
    processor = BlipProcessor(
        BlipImageProcessorPil(size={"height": 32, "width": 32}), train_wordpiece(texts, vocab_size=120)
    )
    full = batch(processor, count=4)
    with torch.no_grad():
        on = tiny_model(processor, objectives=("itc",), negative_all_rank=True).eval()(full)["itc"]
        off = tiny_model(processor, objectives=("itc",), negative_all_rank=False).eval()(full)["itc"]
    assert torch.equal(on, off)
    tokenizer = train_wordpiece(QFORMER_TEXTS * 5, vocab_size=200)
    qbatch = _qformer_batch(tokenizer, 4)
    with torch.no_grad():  # _qformer seeds torch, so both draw the same ITM negatives
        on = _qformer(tokenizer, True)(qbatch)
        off = _qformer(tokenizer, False)(qbatch)
    for name in ("itc", "itm"):
        assert torch.equal(on[name], off[name])
