"""Under DDP, BLIP's momentum queue receives every rank's features, as BLIP's concat_all_gather does."""

from __future__ import annotations

import os

import pytest
import torch
from transformers import BlipImageProcessorPil, BlipProcessor

from models.blip import conventions
from models.common.tokenizer import train_wordpiece
from tests.helpers.blip_data import pair_rows
from tests.helpers.blip_pretraining import batch, tiny_model
from tests.helpers.gloo_ranks import exit_rank, init_rank, run_ranks

WORLD = 2
PER_RANK = 3


def _rank_process(rank: int, world: int, directory: str) -> None:
    init_rank(rank, world, directory)
    torch.set_num_threads(1)
    processor = BlipProcessor.from_pretrained(directory)
    model = tiny_model(processor, momentum=True, queue_size=16)  # same seed: same weights on each rank
    full = batch(processor, count=WORLD * PER_RANK)
    mine = {k: v[rank * PER_RANK : (rank + 1) * PER_RANK] for k, v in full.items()}
    ddp = torch.nn.parallel.DistributedDataParallel(model, broadcast_buffers=False)
    ddp(mine)["loss"].backward()
    distiller = model.distiller
    torch.save(
        {
            "pair_queue": distiller.pair_queue.clone(),
            "image_queue": distiller.image_queue.clone(),
            "text_queue": distiller.text_queue.clone(),
            "queue_ptr": int(distiller.queue_ptr),
            "image_feat_m": distiller._features(mine)[0],
        },
        os.path.join(directory, f"rank{rank}.pt"),
    )
    exit_rank()


@pytest.mark.slow
def test_every_rank_enqueues_every_ranks_momentum_features(tmp_path):
    texts = [r["caption"] for r in pair_rows(16)] + [conventions.DEFAULT_PROMPT]
    processor = BlipProcessor(
        BlipImageProcessorPil(size={"height": 32, "width": 32}), train_wordpiece(texts, vocab_size=120)
    )
    processor.save_pretrained(tmp_path)
    full = batch(processor, count=WORLD * PER_RANK)

    run_ranks(_rank_process, WORLD, str(tmp_path))

    ranks = [torch.load(tmp_path / f"rank{rank}.pt") for rank in range(WORLD)]
    filled = WORLD * PER_RANK
    for got in ranks:
        assert got["queue_ptr"] == filled
        # Both ranks' pairs, in rank order; the rest of the queue is still empty (-100).
        assert torch.equal(got["pair_queue"][:filled], full["pair_ids"])
        assert bool((got["pair_queue"][filled:] == -100).all())
    for name in ("pair_queue", "image_queue", "text_queue"):
        assert torch.equal(ranks[0][name], ranks[1][name]), name
    # The rows a rank enqueued for its peer are the peer's own momentum features.
    peer_rows = ranks[0]["image_queue"][:, PER_RANK:filled].t()
    torch.testing.assert_close(peer_rows, ranks[1]["image_feat_m"], atol=1e-3, rtol=1e-3)
