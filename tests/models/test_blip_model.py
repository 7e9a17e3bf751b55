"""BLIP's objectives on a tiny model, and the transformers round trip of exported checkpoints."""

import pytest
import torch
from PIL import Image
from transformers import (
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
    BlipImageProcessorPil,
    BlipProcessor,
)

from models.blip import checkpoint, conventions, losses
from models.blip.model import BlipObjectiveConfig
from models.common.tokenizer import train_wordpiece
from tests.helpers.blip_data import pair_rows
from tests.helpers.blip_pretraining import batch, tiny_model


@pytest.fixture(scope="module")
def processor():
    texts = [r["caption"] for r in pair_rows(16)] + [conventions.DEFAULT_PROMPT]
    tokenizer = train_wordpiece(texts, vocab_size=120)
    return BlipProcessor(BlipImageProcessorPil(size={"height": 32, "width": 32}), tokenizer)


def test_hard_negatives_never_pick_a_positive():
    torch.manual_seed(0)
    pair_ids = torch.tensor([0, 1, 1, 2, 3, 3, 3, 4])
    same = pair_ids[:, None] == pair_ids[None, :]
    for _ in range(200):
        sim = torch.randn(8, 8) * 10
        # Make the positives overwhelmingly similar: they must still never be drawn.
        sim = sim.masked_fill(same, 1e4)
        neg_image, neg_text = losses.sample_hard_negatives(sim, sim.t(), same)
        rows = torch.arange(8)
        assert not same[rows, neg_image].any() and not same[rows, neg_text].any()


def test_hard_negatives_favour_similar_partners():
    torch.manual_seed(0)
    same = torch.eye(3, dtype=torch.bool)
    sim = torch.tensor([[9.0, 8.0, -8.0], [8.0, 9.0, -8.0], [-8.0, -8.0, 9.0]])
    neg_image, _ = losses.sample_hard_negatives(sim, sim.t(), same)
    assert neg_image[:2].tolist() == [1, 0]


def test_hard_negatives_need_two_pairs():
    with pytest.raises(ValueError, match="batch size"):
        losses.sample_hard_negatives(torch.zeros(1, 1), torch.zeros(1, 1), torch.ones(1, 1, dtype=torch.bool))


def test_lm_labels_cover_only_the_caption(processor):
    b = batch(processor)
    tok = processor.tokenizer
    n = conventions.prompt_length(tok, conventions.DEFAULT_PROMPT)
    assert (b["decoder_input_ids"][:, 0] == tok.bos_token_id).all()
    assert (b["labels"][:, :n] == -100).all()
    first = b["labels"][0][n:][b["labels"][0][n:] != -100]
    assert tok.decode(first, skip_special_tokens=True) == "a red circle on a plain background"
    assert first[-1] == tok.sep_token_id


@pytest.mark.parametrize("momentum", [False, True])
def test_losses_are_finite_and_decrease_when_overfitting(processor, momentum):
    model = tiny_model(processor, momentum=momentum, queue_size=8)
    b = batch(processor)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
    history = []
    for _ in range(40):
        out = model(b)
        assert all(torch.isfinite(v) for v in out.values())
        optimizer.zero_grad()
        out["loss"].backward()
        optimizer.step()
        history.append({k: float(v.detach()) for k, v in out.items()})
    assert history[-1]["lm"] < 0.7 * history[0]["lm"]
    assert history[-1]["itm"] < history[0]["itm"]
    if not momentum:
        assert history[-1]["itc"] < history[0]["itc"]
    assert 0.001 <= model.temp.item() <= 0.5


def test_shared_text_layers_are_the_same_tensors(processor):
    model = tiny_model(processor)
    enc, dec = model.text_encoder, model.text_decoder
    assert dec.bert.embeddings.word_embeddings.weight is enc.embeddings.word_embeddings.weight
    assert dec.cls.predictions.decoder.weight is enc.embeddings.word_embeddings.weight
    assert dec.bert.encoder.layer[0].crossattention is enc.encoder.layer[0].crossattention
    assert dec.bert.encoder.layer[0].attention is not enc.encoder.layer[0].attention


@pytest.mark.parametrize("first_token", ["cls", "enc"])
def test_exported_checkpoints_give_the_in_repo_logits(processor, tmp_path, first_token):
    model = tiny_model(processor)
    b = batch(processor, first_token=first_token)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    for _ in range(3):  # move away from the initialisation so every weight matters
        optimizer.zero_grad()
        model(b)["loss"].backward()
        optimizer.step()
    model.eval()
    checkpoint.export(model, processor, "captioner", tmp_path / "captioner")
    checkpoint.export(model, processor, "filter", tmp_path / "filter")
    captioner = BlipForConditionalGeneration.from_pretrained(
        tmp_path / "captioner", use_safetensors=True
    ).eval()
    retrieval = BlipForImageTextRetrieval.from_pretrained(tmp_path / "filter", use_safetensors=True).eval()
    with torch.no_grad():
        image = model.image_embeds(b["pixel_values"])
        lm = model.lm_logits(image, b["decoder_input_ids"], b["decoder_attention_mask"])
        itm = model.itm_logits(image, b["itm_input_ids"], b["attention_mask"])
        image_feat, text_feat = model.itc_features(image, b["input_ids"], b["attention_mask"])
        theirs_lm = captioner(
            pixel_values=b["pixel_values"],
            input_ids=b["decoder_input_ids"],
            attention_mask=b["decoder_attention_mask"],
        ).logits
        theirs_itm = retrieval(
            pixel_values=b["pixel_values"], input_ids=b["itm_input_ids"], attention_mask=b["attention_mask"]
        ).itm_score
        theirs_itc = retrieval(
            pixel_values=b["pixel_values"],
            input_ids=b["input_ids"],
            attention_mask=b["attention_mask"],
            use_itm_head=False,
        ).itm_score
    torch.testing.assert_close(theirs_lm, lm, atol=1e-5, rtol=0)
    torch.testing.assert_close(theirs_itm, itm, atol=1e-5, rtol=0)
    torch.testing.assert_close(theirs_itc, image_feat @ text_feat.t(), atol=1e-5, rtol=0)


def test_export_to_float16_storage_loads_as_float32(processor, tmp_path):
    model = tiny_model(processor, objectives=("lm",))
    checkpoint.export(model, processor, "captioner", tmp_path / "c", storage_dtype=torch.float16)
    loaded = BlipForConditionalGeneration.from_pretrained(tmp_path / "c", use_safetensors=True)
    assert loaded.dtype == torch.float32
    assert (tmp_path / "c" / "model.safetensors").stat().st_size < 2.2 * sum(
        p.numel() for p in model.parameters()
    )


def test_generate_through_transformers_with_the_prompt(processor, tmp_path):
    model = tiny_model(processor, objectives=("lm",))
    checkpoint.export(model, processor, "captioner", tmp_path / "c")
    captioner = BlipForConditionalGeneration.from_pretrained(tmp_path / "c", use_safetensors=True)
    loaded = BlipProcessor.from_pretrained(tmp_path / "c")
    image = Image.new("RGB", (40, 40), (220, 30, 30))
    inputs = loaded(images=image, text=conventions.DEFAULT_PROMPT, return_tensors="pt")
    out = captioner.generate(**inputs, max_new_tokens=5, do_sample=False)
    text = loaded.decode(out[0], skip_special_tokens=True)
    assert text.startswith("a picture of")


def test_pretrained_directory_initialises_every_kind_and_loads_in_transformers(processor, tmp_path):
    model = tiny_model(processor)
    checkpoint.save_pretrained(model, processor, tmp_path / "pre")
    for objectives in [("lm",), ("itc", "itm"), ("itc", "itm", "lm")]:
        loaded, _ = checkpoint.load_blip(str(tmp_path / "pre"), BlipObjectiveConfig(objectives=objectives))
        theirs = loaded.state_dict()
        for key, value in model.state_dict().items():
            if key in theirs:
                torch.testing.assert_close(theirs[key], value, atol=0, rtol=0)
    BlipForConditionalGeneration.from_pretrained(tmp_path / "pre", use_safetensors=True)
    BlipForImageTextRetrieval.from_pretrained(tmp_path / "pre", use_safetensors=True)


def test_initialising_from_a_transformers_captioner_keeps_its_weights(processor, tmp_path):
    model = tiny_model(processor, objectives=("lm",))
    checkpoint.export(model, processor, "captioner", tmp_path / "c")
    loaded, _ = checkpoint.load_blip(str(tmp_path / "c"))  # pretraining model: text encoder starts fresh
    torch.testing.assert_close(
        loaded.vision_model.embeddings.patch_embedding.weight,
        model.vision_model.embeddings.patch_embedding.weight,
    )


def test_missing_checkpoint_is_one_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a checkpoint directory"):
        checkpoint.load_blip(str(tmp_path / "nope"))
