"""Flamingo: identity at init, the Phi mask, no leak from other images, frozen parts, time embeddings."""

from __future__ import annotations

import pytest
import torch
from transformers import AutoModelForCausalLM, GPT2Config, LlamaConfig

from models.common.losses import caption_loss
from models.flamingo.data import FlamingoCollator
from models.flamingo.gated_xattn import media_time
from models.flamingo.resampler import PerceiverResampler
from models.flamingo.tokens import labels_for, sequence_text
from models.training.loop import param_groups
from tests.helpers.flamingo_tiny import tiny_flamingo

SEED_SENTENCE = sequence_text(["I saw a beautiful", None, "yesterday. The sunset", None, "was amazing"])


def _inputs(tokenizer, text=SEED_SENTENCE, images=2, seed=0):
    torch.manual_seed(seed)
    enc = tokenizer([text], return_tensors="pt")
    return (
        enc.input_ids,
        enc.attention_mask,
        torch.randn(1, images, 1, 3, 32, 32),
        torch.ones(1, images, 1, dtype=bool),
    )


def _open_gates(model):
    with torch.no_grad():
        for block in model.gated_xattn:
            block.attention_gate.fill_(1.0)
            block.ff_gate.fill_(1.0)


def _other_lms(tokenizer):
    # The LM's vocabulary is the tokenizer's before Flamingo added <|endofchunk|> (its last id).
    common = dict(
        vocab_size=tokenizer.convert_tokens_to_ids("<|endofchunk|>"),
        num_hidden_layers=2,
        num_attention_heads=2,
    )
    return [
        AutoModelForCausalLM.from_config(GPT2Config(n_embd=32, n_positions=64, **common)),
        AutoModelForCausalLM.from_config(LlamaConfig(hidden_size=32, intermediate_size=64, **common)),
    ]


@pytest.mark.parametrize("family", ["opt", "gpt2", "llama"])
def test_logits_equal_the_frozen_lm_at_initialisation(family):
    model, tokenizer = tiny_flamingo()
    if family != "opt":
        lm = _other_lms(tokenizer)[["gpt2", "llama"].index(family)]
        model, tokenizer = tiny_flamingo(lm=lm, tokenizer=tokenizer)
    ids, mask, pixels, frames = _inputs(tokenizer)
    with torch.no_grad():
        ours = model.logits(ids, mask, model.encode_media(pixels, frames))
        frozen = model.lm(inputs_embeds=model.embed(ids), attention_mask=mask).logits
    vocab = frozen.shape[-1]
    keep = [i for i in range(vocab) if i not in (model.media_token_id, model.eoc_token_id)]
    assert torch.equal(ours[..., keep], frozen[..., keep])
    # Text without images: exactly the LM on its own token ids.
    text = tokenizer(["a red circle on the left"], return_tensors="pt")
    with torch.no_grad():
        plain = model.logits(
            text.input_ids, text.attention_mask, model.encode_media(pixels[:, :1], frames[:, :1])
        )
        assert torch.equal(plain[..., keep], model.lm(**text).logits[..., keep])


def test_phi_on_the_seed_sentence():
    _, tokenizer = tiny_flamingo()
    media_id = tokenizer.convert_tokens_to_ids("<image>")
    ids = tokenizer([SEED_SENTENCE], return_tensors="pt").input_ids
    tokens = tokenizer.convert_ids_to_tokens(ids[0])
    phi = media_time(ids, media_id)[0].tolist()
    first, second = [i for i, t in enumerate(tokens) if t == "<image>"]
    assert tokens[1:first] == tokenizer.tokenize("I saw a beautiful") + ["<|endofchunk|>"]
    assert phi[:first] == [0] * first
    assert phi[first:second] == [1] * (second - first)
    assert phi[second:] == [2] * (len(tokens) - second)


def _block_output(model, ids, mask, pixels, frames):
    """What the first gated block adds at each position (its input, the embeddings, has no visual signal)."""
    visual = model.encode_media(pixels, frames)
    x = model.embed(ids)
    return model.gated_xattn[0](x, visual, media_time(ids, model.media_token_id)) - x


def test_no_signal_from_a_later_or_an_earlier_non_immediate_image():
    model, tokenizer = tiny_flamingo()
    _open_gates(model)
    text = sequence_text(["one", None, "two", None, "three", None, "four"])
    ids, mask, pixels, frames = _inputs(tokenizer, text, images=3)
    phi = media_time(ids, model.media_token_id)[0]
    with torch.no_grad():
        base = _block_output(model, ids, mask, pixels, frames)
        base_logits = model.logits(ids, mask, model.encode_media(pixels, frames))
        for image in range(3):
            moved = pixels.clone()
            moved[:, image] = torch.randn_like(moved[:, image])
            out = _block_output(model, ids, mask, moved, frames)
            sees_it = phi == image + 1
            assert torch.equal(out[0, ~sees_it], base[0, ~sees_it])  # earlier, later, none: untouched
            assert not torch.allclose(out[0, sees_it], base[0, sees_it])
            # Through the whole model, a later image never reaches earlier tokens (causal end to end).
            logits = model.logits(ids, mask, model.encode_media(moved, frames))
            before = phi < image + 1
            assert torch.allclose(logits[0, before], base_logits[0, before], atol=1e-6, rtol=0)
    # Tokens before any image get no cross-attention output at all (the dense part still applies).
    with torch.no_grad():
        attended = model.gated_xattn[0].attention(
            model.embed(ids), model.encode_media(pixels, frames), phi[None]
        )
    assert torch.equal(attended[0, phi == 0], torch.zeros_like(attended[0, phi == 0]))


def test_only_new_parts_train_and_frozen_parameters_do_not_move():
    model, tokenizer = tiny_flamingo()
    collate = FlamingoCollator(tokenizer, model.media_token_id, 64, pairs_per_sequence=2)
    samples = [{"key": f"k{i}", "text": t, "pixel_values": torch.randn(3, 32, 32)} for i, t in enumerate(
        ["a red circle on the left", "a big blue star", "a red star", "a blue circle"])]  # fmt: skip
    batch = collate(samples)
    batch.pop("keys")
    trainable = {n.split(".")[0] for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {"resampler", "gated_xattn", "new_embeddings", "new_output"}
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    before = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    optimizer = torch.optim.AdamW(param_groups(model, 0.05), lr=1e-2)
    model.train()
    for _ in range(2):  # the second step moves the layers behind the gates too
        model(batch)["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()
    for name, param in model.named_parameters():
        if name in frozen:
            assert torch.equal(param, frozen[name]), name
    assert all(not torch.equal(before[n], p) for n, p in model.named_parameters() if n.endswith("_gate"))
    assert not model.lm.training and not model.vision.training


def test_frames_of_a_clip_get_distinct_temporal_embeddings():
    torch.manual_seed(0)
    resampler = PerceiverResampler(dim=16, depth=1, num_latents=4, heads=2, dim_head=8, max_frames=4)
    table = resampler.time_embeddings
    assert all(not torch.equal(table[i], table[j]) for i in range(4) for j in range(i + 1, 4))
    clip = torch.randn(1, 4, 5, 16)
    reversed_clip = clip.flip(1)
    with torch.no_grad():
        assert not torch.allclose(resampler(clip), resampler(reversed_clip))
        table.zero_()  # without time embeddings the attention cannot tell the order of the frames
        assert torch.allclose(resampler(clip), resampler(reversed_clip), atol=1e-5)


def test_collator_keeps_only_media_whose_token_survives_truncation_and_masks_labels():
    model, tokenizer = tiny_flamingo()
    samples = [{"key": f"k{i}", "text": "a big blue star on the left", "pixel_values": torch.randn(3, 32, 32)}
               for i in range(3)]  # fmt: skip
    batch = FlamingoCollator(tokenizer, model.media_token_id, max_length=14, pairs_per_sequence=3)(samples)
    ids = batch["input_ids"][0]
    assert int((ids == model.media_token_id).sum()) == int(batch["frame_mask"].sum()) == 2
    labels = batch["labels"][0]
    assert (labels[ids == model.media_token_id] == -100).all() and labels[0] == -100
    assert (labels[(ids != model.media_token_id) & (ids != tokenizer.bos_token_id)] != -100).all()
    expected = labels_for(
        batch["input_ids"], batch["attention_mask"], model.media_token_id, tokenizer.bos_token_id
    )
    assert torch.equal(batch["labels"], expected)
    # Uniform logits over 5 classes: the loss is ln 5 on the labelled positions only.
    assert caption_loss(torch.zeros(1, 3, 5), torch.tensor([[-100, 1, 2]])).item() == pytest.approx(
        1.6094, 1e-3
    )
