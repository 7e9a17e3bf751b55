"""The captioner and filter engines against transformers' own API, on tiny checkpoints built locally."""

import hashlib
import json
import shutil
from pathlib import Path

import huggingface_hub
import pytest
import torch
from PIL import Image
from transformers import AutoProcessor, BlipForConditionalGeneration, BlipForImageTextRetrieval

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings
from capfilt.curate.engines.reference.filter import itm_probability
from capfilt.curate.engines.registry import engine_names, load_captioner, load_filter
from capfilt.curate.seeding import record_seed
from tests.helpers.capfilt_tiny import save_hub_layout, save_tiny

MAX_LENGTH = 14


@pytest.fixture(scope="module")
def tiny(tiny_blip):
    return Path(tiny_blip["captioner"]), Path(tiny_blip["filter"])


@pytest.fixture(scope="module")
def images():
    colours = [(220, 30, 30), (30, 200, 40), (20, 40, 230), (240, 240, 20), (10, 10, 10)]
    result = []
    for i, colour in enumerate(colours):
        image = Image.new("RGB", (40 + 4 * i, 36), (250, 250, 250))
        image.paste(colour, (4, 4, 24 + i, 30))
        result.append(image)
    return result


def test_greedy_captions_equal_transformers_generate(tiny, images):
    captioner_dir, _ = tiny
    captioner = load_captioner(
        CaptionerSettings(str(captioner_dir), decoding="greedy", min_length=5, max_length=MAX_LENGTH)
    )
    ours = captioner.caption(images, [0] * len(images))

    model = BlipForConditionalGeneration.from_pretrained(str(captioner_dir), use_safetensors=True)
    processor = AutoProcessor.from_pretrained(str(captioner_dir))
    prompt_length = processor.tokenizer("a picture of ", return_tensors="pt").input_ids.shape[1] - 1
    for image, captions in zip(images, ours, strict=True):
        inputs = processor(images=image, text="a picture of ", return_tensors="pt")
        output = model.generate(**inputs, max_length=MAX_LENGTH, min_length=5, do_sample=False, num_beams=1)
        expected = processor.decode(output[0, prompt_length:], skip_special_tokens=True).strip()
        assert captions == [expected]
        assert not captions[0].startswith("a picture of")


def test_nucleus_captions_depend_on_the_seed_not_on_the_batch(tiny, images):
    captioner_dir, _ = tiny
    captioner = load_captioner(
        CaptionerSettings(str(captioner_dir), num_captions=3, max_length=MAX_LENGTH, min_length=4)
    )
    seeds = [record_seed(f"k{i}", 0) for i in range(len(images))]
    together = captioner.caption(images, seeds)
    alone = [captioner.caption([image], [seed])[0] for image, seed in zip(images, seeds, strict=True)]
    reversed_batch = captioner.caption(images[::-1], seeds[::-1])[::-1]
    assert together == alone == reversed_batch
    assert all(len(c) == 3 for c in together)
    assert len({c for captions in together for c in captions}) > len(images)  # sampling, not one mode
    assert captioner.caption(images[:1], [seeds[0] + 1]) != together[:1]


def test_filter_scores_equal_the_transformers_retrieval_softmax(tiny, images):
    _, filter_dir = tiny
    scorer = load_filter(FilterSettings(str(filter_dir), first_token="cls"))
    texts = [["a red square", "click here"], ["green"], ["blue circle on the left", "a", "two big dogs"]]
    ours = scorer.score(images[:3], texts)

    model = BlipForImageTextRetrieval.from_pretrained(str(filter_dir), use_safetensors=True)
    processor = AutoProcessor.from_pretrained(str(filter_dir))
    for image, image_texts, image_scores in zip(images[:3], texts, ours, strict=True):
        assert len(image_scores) == len(image_texts)
        for text, score in zip(image_texts, image_scores, strict=True):
            inputs = processor(images=image, text=text, return_tensors="pt")
            with torch.no_grad():
                itm = model(**inputs, use_itm_head=True).itm_score
            assert score == pytest.approx(torch.softmax(itm, dim=1)[0, 1].item(), abs=1e-5)
    assert len({round(s, 6) for scores in ours for s in scores}) > 1


def test_enc_first_token_follows_the_original_blip_code(tiny, images):
    _, filter_dir = tiny
    scorer = load_filter(FilterSettings(str(filter_dir), first_token="enc"))
    tokens = scorer.tokenize(["a red square"])
    assert tokens["input_ids"][0, 0].item() == scorer.processor.tokenizer.convert_tokens_to_ids("[ENC]")
    model = BlipForImageTextRetrieval.from_pretrained(str(filter_dir), use_safetensors=True)
    pixels = scorer.processor.image_processor(images=images[:1], return_tensors="pt").pixel_values
    with torch.no_grad():
        expected = itm_probability(model(pixel_values=pixels, **tokens).itm_score)[0].item()
    assert scorer.score(images[:1], [["a red square"]])[0][0] == pytest.approx(expected, abs=1e-5)


def test_auto_first_token_follows_the_checkpoint_config(tiny, tmp_path):
    _, filter_dir = tiny
    copy = tmp_path / "filter-enc"
    shutil.copytree(filter_dir, copy)
    config = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps({**config, "itm_first_token": "enc"}))
    assert load_filter(FilterSettings(str(copy))).first_token == "enc"
    (copy / "config.json").write_text(json.dumps({**config, "itm_first_token": "cls"}))
    assert load_filter(FilterSettings(str(copy))).first_token == "cls"
    # No itm_first_token: a foreign checkpoint, scored with [ENC] as BLIP's code trained it.
    assert load_filter(FilterSettings(str(filter_dir))).first_token == "enc"
    assert load_filter(FilterSettings(str(copy), first_token="enc")).first_token == "enc"


def test_enc_on_a_hub_layout_filter_is_the_id_after_dec(tmp_path, images):
    """The hub's tokenizers hold no [ENC]; BLIP's id for it is bos_token_id + 1, and the two engines agree."""
    hub = save_hub_layout("filter", tmp_path / "hub-filter", seed=4)
    reference = load_filter(FilterSettings(str(hub)), engine="transformers")
    fast = load_filter(FilterSettings(str(hub)), engine="fast")
    dec = reference.model.config.text_config.bos_token_id
    assert reference.first_token == fast.first_token == "enc"
    assert reference.tokenize(["a red square"])["input_ids"][0, 0].item() == dec + 1
    texts = [["a red square", "click here"], ["green circle"]]
    enc_scores = sum(reference.score(images[:2], texts), [])
    assert sum(fast.score(images[:2], texts), []) == pytest.approx(enc_scores, abs=1e-5)
    cls_scores = sum(load_filter(FilterSettings(str(hub), first_token="cls")).score(images[:2], texts), [])
    assert cls_scores != pytest.approx(enc_scores, abs=1e-4)


def test_checkpoint_errors_name_the_path_and_the_problem(tiny, tmp_path, monkeypatch):
    captioner_dir, filter_dir = tiny
    missing = tmp_path / "nowhere" / "captioner"
    with pytest.raises(checkpoints.CheckpointError, match=f"captioner checkpoint not found: {missing}"):
        checkpoints.check_available(str(missing), "captioner")
    with pytest.raises(checkpoints.CheckpointError, match="is it a filter"):
        checkpoints.load(str(filter_dir), "captioner")
    (tmp_path / "empty").mkdir()
    with pytest.raises(checkpoints.CheckpointError, match="incomplete"):
        checkpoints.check_available(str(tmp_path / "empty"), "filter")
    # Online, hub ids are left to transformers; offline ones are checked (tests/curate/test_cli_preflight.py).
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    checkpoints.check_available("Salesforce/blip-itm-base-coco", "filter")


def test_a_local_checkpoint_is_named_by_its_folder_and_weights_hash(tiny, tmp_path):
    captioner_dir, filter_dir = tiny
    digest = hashlib.sha256((captioner_dir / "model.safetensors").read_bytes()).hexdigest()
    name = checkpoints.portable_name(str(captioner_dir))
    assert name == f"captioner@{digest[:8]}"
    # Two copies of one checkpoint, anywhere: the same name; under another folder name, the same hash.
    shutil.copytree(captioner_dir, tmp_path / "elsewhere" / "captioner")
    shutil.copytree(captioner_dir, tmp_path / "blip-captioner-v2")
    assert checkpoints.portable_name(str(tmp_path / "elsewhere" / "captioner") + "/") == name
    assert checkpoints.portable_name(str(tmp_path / "blip-captioner-v2")) == f"blip-captioner-v2@{digest[:8]}"
    # Other weights, another hash.
    other = save_tiny("captioner", tmp_path / "retrained" / "captioner", seed=5)
    assert checkpoints.portable_name(str(other)) != name
    assert checkpoints.portable_name(str(filter_dir)).startswith("filter@")


def test_hub_ids_and_remote_checkpoints_keep_their_names():
    assert checkpoints.portable_name("Salesforce/blip-itm-base-coco") == "Salesforce/blip-itm-base-coco"
    assert checkpoints.portable_name("gs://bucket/models/filter/") == "gs://bucket/models/filter"


def test_the_registry_names_both_engines_and_refuses_an_unknown_one(tmp_path):
    assert engine_names() == ("fast", "transformers")
    # Refused by name, before any checkpoint is opened.
    with pytest.raises(
        ValueError, match="unknown captioner engine 'fastest'; choose one of fast, transformers"
    ):
        load_captioner(CaptionerSettings(str(tmp_path / "none")), "fastest")
    with pytest.raises(ValueError, match="unknown filter engine 'fastest'"):
        load_filter(FilterSettings(str(tmp_path / "none")), "fastest")
