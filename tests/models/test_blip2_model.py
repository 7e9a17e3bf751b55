"""BLIP-2: the three masks element by element, hard negatives, exports transformers loads, frozen LM."""

from __future__ import annotations

import torch
from transformers import Blip2ForConditionalGeneration, Blip2ForImageTextRetrieval

from models.blip.collate import BlipCollator
from models.blip.losses import sample_hard_negatives
from models.blip2.checkpoint import save_stage1, save_stage2
from models.blip2.masks import attention_mask
from models.blip2.presets import blip2_config
from models.blip2.stage1 import Blip2Stage1
from models.blip2.stage2 import Blip2Stage2, Stage2Collator
from models.common.tokenizer import train_wordpiece
from models.lm.model import IMAGE_TOKEN, build_causal_lm, train_causal_tokenizer
from models.training.loop import param_groups

TEXTS = ["a red circle on the left", "a big blue star", "a small green square at the top", "a star"]
Q = 4


def _stage1():
    tokenizer = train_wordpiece(TEXTS * 5, vocab_size=200)
    torch.manual_seed(0)
    config = blip2_config("tiny", vocab_size=len(tokenizer), num_query_tokens=Q)
    return Blip2Stage1(config), tokenizer


def _samples(n=4):
    torch.manual_seed(1)
    return [{"key": f"k{i}", "text": TEXTS[i % 4], "pixel_values": torch.randn(3, 32, 32)} for i in range(n)]


def test_masks_element_by_element():
    text_mask = torch.tensor([[1, 1, 1, 0]])  # three real tokens, one pad
    q, t = 2, 4
    for kind in ("itc", "itm", "itg"):
        allowed = attention_mask(kind, q, text_mask)[0]
        for row in range(q + t):
            for col in range(q + t):
                row_q, col_q = row < q, col < q
                pad = not col_q and text_mask[0, col - q] == 0
                if kind == "itc":
                    expected = row_q == col_q
                elif kind == "itm":
                    expected = True
                else:  # itg: queries see queries; text sees queries and text up to itself
                    expected = col_q or (not row_q and col <= row)
                assert bool(allowed[row, col]) == (expected and not pad), (kind, row, col)


def test_itc_mask_keeps_queries_and_text_apart_end_to_end():
    """Queries under the ITC mask do not move when the text changes, and text does not see the image."""
    model, tokenizer = _stage1()
    model.eval()
    collate = BlipCollator(tokenizer, 20, prompt="")
    a, b = collate(_samples(2)), collate(_samples(2)[::-1])
    image = model.image_embeds(a["pixel_values"])
    with torch.no_grad():
        states_a = model.qformer_states("itc", image, a["input_ids"], a["attention_mask"])
        states_b = model.qformer_states("itc", image, b["input_ids"], b["attention_mask"])
        other_image = model.image_embeds(torch.randn_like(a["pixel_values"]))
        states_c = model.qformer_states("itc", other_image, a["input_ids"], a["attention_mask"])
    assert torch.allclose(states_a[:, :Q], states_b[:, :Q], atol=1e-6)
    real = a["attention_mask"].bool()
    assert torch.allclose(states_a[:, Q:][real], states_c[:, Q:][real], atol=1e-6)


def test_hard_negatives_never_pick_the_positive():
    torch.manual_seed(0)
    pair_ids = torch.tensor([0, 1, 2, 2, 3, 4])  # rows 2 and 3 are the same pair
    same = pair_ids[:, None] == pair_ids[None, :]
    for _ in range(50):
        sim = torch.randn(6, 6) * 5 + torch.eye(6) * 20  # positives by far the most similar
        neg_image, neg_text = sample_hard_negatives(sim, sim.t(), same)
        rows = torch.arange(6)
        assert not same[rows, neg_image].any() and not same[rows, neg_text].any()


def test_stage1_step_and_export_loads_in_transformers(tmp_path):
    model, tokenizer = _stage1()
    batch = BlipCollator(tokenizer, 20, prompt="")(_samples())
    batch.pop("keys")
    losses = model(batch)
    assert set(losses) == {"itc", "itm", "itg", "loss"}
    frozen = {n: p.clone() for n, p in model.vision_model.named_parameters()}
    optimizer = torch.optim.AdamW(param_groups(model, 0.05), lr=1e-3)
    losses["loss"].backward()
    optimizer.step()
    assert all(torch.equal(p, frozen[n]) for n, p in model.vision_model.named_parameters())

    from transformers import BlipImageProcessorPil

    save_stage1(model, tokenizer, BlipImageProcessorPil(size={"height": 32, "width": 32}), tmp_path)
    hf = Blip2ForImageTextRetrieval.from_pretrained(tmp_path).eval()
    model.eval()
    with torch.no_grad():
        image = model.image_embeds(batch["pixel_values"])
        ours_itm = model.itm_logits(image, batch["itm_input_ids"], batch["attention_mask"])
        theirs_itm = hf(
            pixel_values=batch["pixel_values"],
            input_ids=batch["itm_input_ids"],
            attention_mask=batch["attention_mask"],
            use_image_text_matching_head=True,
        ).logits_per_image
        states = model.qformer_states("itc", image, batch["input_ids"], batch["attention_mask"])
        ours_itc = model.similarity(states) * model.temp
        theirs_itc = hf(
            pixel_values=batch["pixel_values"],
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            use_image_text_matching_head=False,
        ).logits_per_image
    assert torch.allclose(ours_itm, theirs_itm, atol=1e-5)
    assert torch.allclose(ours_itc, theirs_itc, atol=1e-5)


def test_stage2_leaves_the_lm_unchanged_and_exports_blip2_for_conditional_generation(tmp_path):
    stage1, _ = _stage1()
    lm_tokenizer = train_causal_tokenizer(TEXTS * 5, vocab_size=200)
    lm = build_causal_lm("tiny", lm_tokenizer)
    image_id = lm_tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
    config = blip2_config(
        "tiny",
        vocab_size=stage1.config.qformer_config.vocab_size,
        num_query_tokens=Q,
        text_config=lm.config.to_dict(),
        image_token_id=image_id,
        text_input=False,
    )
    model = Blip2Stage2(config, lm)
    model.load_stage1(stage1.state_dict())
    assert torch.equal(model.blip2.query_tokens, stage1.query_tokens)
    lm_before = {n: p.clone() for n, p in lm.named_parameters()}
    trainable = {n.split(".")[1] for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {"query_tokens", "qformer", "language_projection"}
    batch = Stage2Collator(lm_tokenizer, Q, image_id, 20)(_samples())
    batch.pop("keys")
    assert (batch["labels"][:, : Q + 1] == -100).all()  # soft prompt and BOS are not targets
    optimizer = torch.optim.AdamW(param_groups(model, 0.05), lr=1e-2)
    model.train()
    for _ in range(2):
        model(batch)["loss"].backward()
        optimizer.step()
        optimizer.zero_grad()
    assert all(torch.equal(p, lm_before[n]) for n, p in lm.named_parameters())

    from transformers import BlipImageProcessorPil

    save_stage2(model, lm_tokenizer, BlipImageProcessorPil(size={"height": 32, "width": 32}), tmp_path)
    hf = Blip2ForConditionalGeneration.from_pretrained(tmp_path).eval()
    model.eval()
    with torch.no_grad():
        inputs = {k: batch[k] for k in ("pixel_values", "input_ids", "attention_mask")}
        assert torch.allclose(hf(**inputs).logits, model.logits(batch), atol=1e-5)
