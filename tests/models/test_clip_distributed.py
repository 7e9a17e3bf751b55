"""Two gloo processes on 127.0.0.1 give the CLIP loss and gradients of one process over the whole batch."""

from __future__ import annotations

import os

import pytest
import torch
import torch.distributed as dist

from models.clip import ClipLoss
from tests.helpers.clip_tiny import random_batch, tiny_model, tiny_tokenizer
from tests.helpers.gloo_ranks import exit_rank, init_rank, run_ranks

WORLD = 2
PER_RANK = 4
# (local_loss, gather_with_grad): open_clip's recommended setting, and the full global loss on every rank.
SETTINGS = [(True, True), (False, True)]


def _rank_process(rank: int, world: int, directory: str) -> None:
    init_rank(rank, world, directory)
    torch.set_num_threads(1)
    tokenizer = tiny_tokenizer_from(directory)
    batch = torch.load(os.path.join(directory, "batch.pt"))
    mine = {k: v[rank * PER_RANK : (rank + 1) * PER_RANK] for k, v in batch.items()}
    results = {}
    for local_loss, gather_with_grad in SETTINGS:
        model = tiny_model(tokenizer, loss=ClipLoss(local_loss=local_loss, gather_with_grad=gather_with_grad))
        model.load_state_dict(torch.load(os.path.join(directory, "weights.pt")))
        ddp = torch.nn.parallel.DistributedDataParallel(model)
        loss = ddp(mine)["loss"]
        loss.backward()
        mean_loss = loss.detach().clone()
        dist.all_reduce(mean_loss)
        results[(local_loss, gather_with_grad)] = {
            "loss": float(mean_loss) / WORLD,
            "grads": {n: p.grad.clone() for n, p in model.named_parameters()},
        }
    torch.save(results, os.path.join(directory, f"rank{rank}.pt"))
    exit_rank()


def tiny_tokenizer_from(directory: str):
    from transformers import BertTokenizer

    return BertTokenizer(os.path.join(directory, "vocab.txt"), do_lower_case=True)


@pytest.mark.slow
def test_two_gloo_ranks_match_one_process_on_the_concatenated_batch(tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)  # writes vocab.txt for the ranks
    model = tiny_model(tokenizer)
    batch = random_batch(WORLD * PER_RANK, len(tokenizer), seed=3)
    torch.save(model.state_dict(), tmp_path / "weights.pt")
    torch.save(batch, tmp_path / "batch.pt")

    expected = model(batch)["loss"]
    expected.backward()
    expected_grads = {n: p.grad for n, p in model.named_parameters()}

    run_ranks(_rank_process, WORLD, str(tmp_path))

    for rank in range(WORLD):
        results = torch.load(tmp_path / f"rank{rank}.pt")
        for setting in SETTINGS:
            got = results[setting]
            assert got["loss"] == pytest.approx(float(expected.detach()), abs=1e-5), setting
            for name, grad in expected_grads.items():
                torch.testing.assert_close(
                    got["grads"][name], grad, atol=1e-5, rtol=1e-4, msg=f"{setting} {name}"
                )
