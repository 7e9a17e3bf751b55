"""The Q-Former's ITC with LAVIS's label smoothing 0.1 (blip2_qformer: cross_entropy(label_smoothing=0.1))."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from models.blip import losses
from models.blip.collate import BlipCollator
from models.blip2.presets import blip2_config
from models.blip2.stage1 import Blip2Stage1, Stage1Objective
from models.common.tokenizer import train_wordpiece

TEXTS = ["a red circle on the left", "a big blue star", "a small green square at the top", "a star"]


def test_smoothed_targets_are_cross_entropys_label_smoothing():
    torch.manual_seed(0)
    sim = torch.randn(5, 5) * 3
    targets = losses.positive_targets(torch.eye(5, dtype=torch.bool))
    ours = losses.itc_loss(sim, sim.t(), losses.smoothed(targets, 0.1), losses.smoothed(targets, 0.1))
    labels = torch.arange(5)
    lavis = (
        F.cross_entropy(sim, labels, label_smoothing=0.1)
        + F.cross_entropy(sim.t(), labels, label_smoothing=0.1)
    ) / 2
    torch.testing.assert_close(ours, lavis)
    assert losses.smoothed(targets, 0.0) is targets


def test_stage1_itc_uses_the_smoothing():
    tokenizer = train_wordpiece(TEXTS * 5, vocab_size=200)
    config = blip2_config("tiny", vocab_size=len(tokenizer), num_query_tokens=4)
    torch.manual_seed(1)
    samples = [{"key": f"k{i}", "text": TEXTS[i], "pixel_values": torch.randn(3, 32, 32)} for i in range(4)]
    batch = BlipCollator(tokenizer, 20, prompt="")(samples)
    batch.pop("keys")
    itc = {}
    for smoothing in (0.0, 0.1):
        torch.manual_seed(0)
        model = Blip2Stage1(config, Stage1Objective(itc_label_smoothing=smoothing)).eval()
        model.temp.data.fill_(0.001)  # sharpen the random init's near-equal similarities
        with torch.no_grad():
            itc[smoothing] = model(batch)["itc"]
    assert Stage1Objective().itc_label_smoothing == 0.1
    assert not torch.isclose(itc[0.0], itc[0.1])
