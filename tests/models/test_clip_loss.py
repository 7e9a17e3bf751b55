"""CLIP's contrastive loss and temperature: a hand-computed value, transformers' loss, the clamp, pooling."""

from __future__ import annotations

import math

import pytest
import torch

from models.clip import LOGIT_SCALE_INIT, LOGIT_SCALE_MAX, ClipLoss, clamp_logit_scale, clip_config
from tests.helpers.clip_tiny import random_batch, tiny_model, tiny_tokenizer


def test_loss_equals_hand_computed_value():
    images = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    texts = torch.tensor([[0.6, 0.8], [0.0, 1.0]])
    # scale 2: logits per image [[1.2, 0.0], [1.6, 2.0]]; the positives are on the diagonal.
    loss = ClipLoss()(images, texts, torch.tensor(math.log(2.0)))

    def nll(positive: float, other: float) -> float:
        return -math.log(math.exp(positive) / (math.exp(positive) + math.exp(other)))

    image_to_text = (nll(1.2, 0.0) + nll(2.0, 1.6)) / 2
    text_to_image = (nll(1.2, 1.6) + nll(2.0, 0.0)) / 2
    assert float(loss) == pytest.approx((image_to_text + text_to_image) / 2, abs=1e-6)


def test_loss_matches_transformers_clip_loss(tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)
    model = tiny_model(tokenizer)
    batch = random_batch(6, len(tokenizer), seed=1)
    ours = model(batch)["loss"]
    theirs = model.clip(**batch, return_loss=True).loss
    assert float(ours.detach()) == pytest.approx(float(theirs.detach()), abs=1e-5)


def test_temperature_starts_at_0_07_and_is_clamped_at_100(tmp_path):
    model = tiny_model(tiny_tokenizer(tmp_path))
    assert float(model.logit_scale.detach()) == pytest.approx(math.log(1 / 0.07), abs=1e-5)
    assert math.isclose(LOGIT_SCALE_INIT, math.log(1 / 0.07))
    with torch.no_grad():
        model.logit_scale.fill_(7.0)
    model.after_optimizer_step()
    assert float(model.logit_scale.detach()) == pytest.approx(math.log(100), abs=1e-6)
    assert float(model.logit_scale.detach().exp()) == pytest.approx(100.0, rel=1e-5)
    # Below the ceiling nothing changes.
    scale = torch.tensor(3.0)
    clamp_logit_scale(scale)
    assert float(scale) == 3.0
    assert math.isclose(LOGIT_SCALE_MAX, math.log(100))


def test_clamp_keeps_the_scale_after_an_optimiser_step_that_overshoots(tmp_path):
    model = tiny_model(tiny_tokenizer(tmp_path))
    with torch.no_grad():
        model.logit_scale.fill_(LOGIT_SCALE_MAX - 1e-3)
    optimizer = torch.optim.SGD([model.logit_scale], lr=10.0)
    model.logit_scale.grad = torch.tensor(-1.0)  # a step that raises the scale well past ln(100)
    optimizer.step()
    assert float(model.logit_scale.detach()) > LOGIT_SCALE_MAX
    model.after_optimizer_step()
    assert float(model.logit_scale.detach()) == pytest.approx(LOGIT_SCALE_MAX, abs=1e-6)


def test_text_pools_at_the_end_token_and_ignores_padding(tmp_path):
    tokenizer = tiny_tokenizer(tmp_path)
    model = tiny_model(tokenizer).eval()
    short = tokenizer(["a red circle"], return_tensors="pt", return_token_type_ids=False)
    padded = tokenizer(
        ["a red circle", "a blue square on the green star"],
        padding="longest",
        return_tensors="pt",
        return_token_type_ids=False,
    )
    assert padded.input_ids.shape[1] > short.input_ids.shape[1]
    with torch.no_grad():
        alone = model.encode_texts(short.input_ids, short.attention_mask)
        in_batch = model.encode_texts(padded.input_ids, padded.attention_mask)[:1]
        out = model.clip.text_model(input_ids=short.input_ids, attention_mask=short.attention_mask)
    torch.testing.assert_close(alone, in_batch, atol=1e-5, rtol=1e-5)
    end = int((short.input_ids[0] == tokenizer.sep_token_id).nonzero()[0])
    torch.testing.assert_close(out.pooler_output[0], out.last_hidden_state[0, end])


def test_config_refuses_end_token_id_2_which_transformers_pools_differently():
    with pytest.raises(ValueError, match="eos_token_id 2"):
        clip_config("tiny", vocab_size=10, pad_token_id=0, bos_token_id=1, eos_token_id=2)
    with pytest.raises(ValueError, match="unknown preset"):
        clip_config("huge", vocab_size=10, pad_token_id=0, bos_token_id=2, eos_token_id=3)


@pytest.mark.parametrize("preset, image, width", [("vit-b-32", 224, 768), ("vit-l-14", 224, 1024)])
def test_paper_presets_have_the_published_dimensions(preset, image, width):
    config = clip_config(preset, vocab_size=49408, pad_token_id=0, bos_token_id=49406, eos_token_id=49407)
    assert config.vision_config.image_size == image
    assert config.vision_config.hidden_size == width
    assert config.vision_config.patch_size == (32 if preset == "vit-b-32" else 14)
    assert config.projection_dim == (512 if preset == "vit-b-32" else 768)
