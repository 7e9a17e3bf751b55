"""BLIP's NLVR2 model on a tiny pretrained checkpoint: twin cross-attention initialisation, forward, loss,
learning, and the export round trip."""

import logging

import pytest
import torch
from transformers import BlipImageProcessorPil, BlipProcessor

from models.blip import checkpoint, conventions
from models.blip.nlvr2 import TwinCrossAttention
from models.blip.nlvr2_data import Nlvr2Collator
from models.blip.nlvr2_task import load_nlvr2, save_nlvr2
from models.common.tokenizer import train_wordpiece
from tests.helpers.blip_data import COLORS, pair_rows
from tests.helpers.blip_pretraining import tiny_model

STATEMENTS = [
    "the left image is red",
    "the right image is red",
    "both images are blue",
    "the left one is green",
]


@pytest.fixture(scope="module")
def pretrained(tmp_path_factory):
    """A tiny pretrained BLIP directory (all objectives) and its model."""
    texts = [r["caption"] for r in pair_rows(16)] + STATEMENTS + [conventions.DEFAULT_PROMPT]
    tokenizer = train_wordpiece(texts, vocab_size=120)
    processor = BlipProcessor(BlipImageProcessorPil(size={"height": 32, "width": 32}), tokenizer)
    model = tiny_model(processor)
    directory = tmp_path_factory.mktemp("nlvr2") / "pretrained"
    checkpoint.save_pretrained(model, processor, directory)
    return directory, model, processor


def solid(name: str) -> torch.Tensor:
    return (torch.tensor(COLORS[name], dtype=torch.float32) / 128 - 1)[:, None, None].expand(3, 32, 32)


def nlvr2_batch(processor, first_token="enc"):
    """Statement truth from the two solid colours: red/blue pairs in both orders."""
    pairs = [("red", "blue"), ("blue", "red"), ("blue", "blue"), ("green", "red")]
    samples = []
    for index, ((left, right), text) in enumerate(zip(pairs, STATEMENTS, strict=True)):
        truth = {0: left == "red", 1: right == "red", 2: left == right == "blue", 3: left == "green"}[index]
        pixels = torch.stack([solid(left), solid(right)])
        samples.append({"key": f"ex-{index}", "text": text, "label": int(truth), "pixel_values": pixels})
    batch = Nlvr2Collator(processor.tokenizer, first_token=first_token)(samples)
    batch.pop("keys")
    return batch


def test_both_halves_of_each_twin_equal_the_pretrained_block(pretrained):
    directory, source, _ = pretrained
    model, _ = load_nlvr2(str(directory))
    layers = model.text_encoder.encoder.layer
    for index, layer in enumerate(layers):
        block = source.text_encoder.encoder.layer[index].crossattention
        twin = layer.crossattention
        assert isinstance(twin, TwinCrossAttention)
        for half in (twin.self0, twin.self1):
            for name in ("query", "key", "value"):
                assert torch.equal(getattr(half, name).weight, getattr(block.self, name).weight)
                assert torch.equal(getattr(half, name).bias, getattr(block.self, name).bias)
        for dense in (twin.output.dense0, twin.output.dense1):
            assert torch.equal(dense.weight, block.output.dense.weight)
            assert torch.equal(dense.bias, block.output.dense.bias)
        assert torch.equal(twin.output.LayerNorm.weight, block.output.LayerNorm.weight)
        # BLIP: averaged in the lower half of the layers, merged by a fresh linear layer in the upper half.
        assert (twin.output.merge_layer is not None) == (index >= len(layers) // 2)
    for name, value in source.vision_model.state_dict().items():
        assert torch.equal(model.vision_model.state_dict()[name], value)
    assert torch.equal(
        model.text_encoder.embeddings.word_embeddings.weight,
        source.text_encoder.embeddings.word_embeddings.weight,
    )


def test_an_averaging_twin_reads_one_image_twice_as_the_pretrained_block(pretrained):
    directory, source, _ = pretrained
    model, _ = load_nlvr2(str(directory))
    model.eval(), source.eval()
    torch.manual_seed(0)
    hidden, image = torch.randn(3, 5, 32), torch.randn(3, 17, 32)
    with torch.no_grad():
        expected, _ = source.text_encoder.encoder.layer[0].crossattention(hidden, encoder_hidden_states=image)
        got, _ = model.text_encoder.encoder.layer[0].crossattention(
            hidden, encoder_hidden_states=torch.cat([image, image], dim=1)
        )
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


def test_each_half_attends_only_to_its_own_image(pretrained):
    directory, _, _ = pretrained
    model, _ = load_nlvr2(str(directory))
    model.eval()
    twin = model.text_encoder.encoder.layer[0].crossattention
    torch.manual_seed(1)
    hidden, left, right, other = (
        torch.randn(2, 4, 32),
        torch.randn(2, 17, 32),
        torch.randn(2, 17, 32),
        torch.randn(2, 17, 32),
    )
    with torch.no_grad():
        a, _ = twin(hidden, encoder_hidden_states=torch.cat([left, right], 1))
        b, _ = twin(hidden, encoder_hidden_states=torch.cat([left, other], 1))
        swapped, _ = twin(hidden, encoder_hidden_states=torch.cat([right, left], 1))
    torch.testing.assert_close(swapped, a)  # equal halves, averaged: the order does not matter yet
    assert not torch.allclose(a, b)  # the right image matters


def test_forward_gives_a_loss_whose_gradients_reach_both_halves_and_the_head(pretrained, caplog):
    directory, _, processor = pretrained
    with caplog.at_level(logging.WARNING):
        model, _ = load_nlvr2(str(directory))
    assert "fresh initialisation" not in caplog.text  # only head and merge layers are new, as in BLIP
    batch = nlvr2_batch(processor)
    assert batch["pixel_values"].shape == (4, 2, 3, 32, 32)
    assert (batch["input_ids"][:, 0] == conventions.enc_token_id(processor.tokenizer)).all()
    out = model(batch)
    assert out["loss"].ndim == 0 and torch.isfinite(out["loss"])
    assert 0 <= float(out["accuracy"]) <= 1
    out["loss"].backward()
    twin = model.text_encoder.encoder.layer[-1].crossattention
    for part in (
        twin.self0.query,
        twin.self1.query,
        twin.output.merge_layer,
        model.cls_head[0],
        model.cls_head[2],
    ):
        assert part.weight.grad is not None and part.weight.grad.abs().sum() > 0


def test_a_few_steps_fit_statements_that_depend_on_which_image_is_where(pretrained):
    directory, _, processor = pretrained
    model, _ = load_nlvr2(str(directory))
    batch = nlvr2_batch(processor)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    first = float(model(batch)["loss"].detach())
    for _ in range(40):
        optimizer.zero_grad()
        model(batch)["loss"].backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        out = model(batch)
    assert float(out["loss"]) < first / 2
    assert float(out["accuracy"]) == 1.0  # ("red", "blue") and ("blue", "red") are told apart


def test_export_loads_back_with_every_weight_and_the_same_logits(pretrained, tmp_path, caplog):
    directory, _, processor = pretrained
    model, loaded_processor = load_nlvr2(str(directory))
    model.eval()
    save_nlvr2(model, loaded_processor, tmp_path / "nlvr2", "enc")
    with caplog.at_level(logging.WARNING):
        again, _ = load_nlvr2(str(tmp_path / "nlvr2"))
    assert "fresh initialisation" not in caplog.text
    again.eval()
    batch = nlvr2_batch(processor)
    with torch.no_grad():
        expected = model.logits(batch["pixel_values"], batch["input_ids"], batch["attention_mask"])
        got = again.logits(batch["pixel_values"], batch["input_ids"], batch["attention_mask"])
    torch.testing.assert_close(got, expected)
    assert again.config.nlvr2_first_token == "enc"
