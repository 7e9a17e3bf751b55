"""Models loaded by several threads at once (Beam sets up the captioner's and the filter's handlers side by
side) all load whole, and leave transformers as they found it.

transformers' from_pretrained swaps `PreTrainedModel.tie_weights` and torch's init functions for no-ops
while it builds a model and restores what it found; two overlapping loads restored the no-op for good, and
every later captioner load in the process failed with "2 weights are missing
(text_decoder.cls.predictions.decoder.bias)" (issue 17). `capfilt.curate.checkpoints.LOADING` serialises them.
"""

from __future__ import annotations

import threading

import torch
from transformers import PreTrainedModel

from capfilt.curate import checkpoints
from capfilt.curate.config import DEFAULT_CAPTIONER, DEFAULT_FILTER


def test_overlapping_loads_in_threads_all_succeed_and_leave_tying_and_init_intact():
    tie_weights, normal_init = PreTrainedModel.tie_weights, torch.nn.init.normal_
    jobs = [
        ("captioner", DEFAULT_CAPTIONER),
        ("filter", DEFAULT_FILTER),
        ("captioner", DEFAULT_CAPTIONER),
    ] * 2
    start, failures, models = threading.Barrier(len(jobs)), [], []

    def load(kind: str, path: str) -> None:
        start.wait()  # every thread enters from_pretrained together
        try:
            models.append(checkpoints.load(path, kind)[0])
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            failures.append(f"{kind}: {error}")

    threads = [threading.Thread(target=load, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert PreTrainedModel.tie_weights is tie_weights and torch.nn.init.normal_ is normal_init
    # The captioners' output projection is tied to their word embeddings, as in the checkpoint.
    captioners = [m for m in models if hasattr(m, "text_decoder")]
    assert len(captioners) == 4
    for model in captioners:
        decoder = model.text_decoder
        assert decoder.cls.predictions.decoder.weight is decoder.bert.embeddings.word_embeddings.weight
