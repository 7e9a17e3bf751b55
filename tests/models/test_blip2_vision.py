"""BLIP-2 stage 1 from a BLIP checkpoint: its vision tower as the frozen image encoder (`--vision DIR`) loads
into Blip2VisionModel with identical features and stays frozen through training; its text encoder
initialises the Q-Former (`--qformer_init DIR`); what does not fit is refused with a message naming it."""

from __future__ import annotations

import json
import shutil

import pytest
import torch
from safetensors.torch import load_file
from transformers import (
    AutoTokenizer,
    Blip2ForImageTextRetrieval,
    Blip2VisionModel,
    BlipForImageTextRetrieval,
    BlipImageProcessorPil,
    CLIPVisionConfig,
    CLIPVisionModel,
)

from models import pretrain
from models.blip2.presets import blip2_config
from models.blip2.qformer_init import apply as apply_text_encoder
from models.blip2.qformer_init import load_text_encoder
from models.blip2.stage1 import Blip2Stage1
from models.blip2.vision import load_vision_tower
from tests.helpers.blip_data import write_pairs
from tests.helpers.capfilt_tiny import save_tiny


@pytest.fixture(scope="module")
def blip_dir(tmp_path_factory):
    return save_tiny("filter", tmp_path_factory.mktemp("blip"), seed=3)


def test_a_blip_vision_tower_loads_with_the_same_features(blip_dir):
    tower = load_vision_tower(blip_dir)
    blip2_vision = Blip2VisionModel(tower.config)
    blip2_vision.load_state_dict(tower.state_dict, strict=True)
    blip = BlipForImageTextRetrieval.from_pretrained(blip_dir, use_safetensors=True).vision_model
    pixels = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        expected = blip.eval()(pixel_values=pixels).last_hidden_state
        got = blip2_vision.eval()(pixel_values=pixels).last_hidden_state
    torch.testing.assert_close(got, expected, atol=1e-6, rtol=1e-6)
    assert tower.image_processor.size == {"height": 32, "width": 32}


def test_stage1_trains_against_the_loaded_tower_and_leaves_it_unchanged(blip_dir, tmp_path):
    data = write_pairs(tmp_path / "pairs", 16)
    output = tmp_path / "stage1"
    summary = pretrain.main([
        "blip2", "--stage", "1", "--vision", str(blip_dir), "--data", data, "--output", str(output),
        "--qformer_init", str(blip_dir), "--preset", "tiny", "--num_query_tokens", "4", "--batch_size", "4",
        "--max_steps", "3", "--lr", "1e-2", "--warmup_steps", "1", "--num_workers", "0",
    ])  # fmt: skip
    assert summary["finished"]
    blip = load_file(blip_dir / "model.safetensors")
    trained = load_file(output / "model.safetensors")
    vision_keys = [k for k in trained if k.startswith("vision_model.")]
    assert vision_keys and sorted(vision_keys) == sorted(k for k in blip if k.startswith("vision_model."))
    for key in vision_keys:
        assert torch.equal(trained[key], blip[key].float()), key
    ours, theirs = (BlipImageProcessorPil.from_pretrained(d) for d in (output, blip_dir))
    assert (ours.size, ours.image_mean, ours.image_std) == (theirs.size, theirs.image_mean, theirs.image_std)
    Blip2ForImageTextRetrieval.from_pretrained(output, use_safetensors=True)
    # The Q-Former kept the BLIP tokenizer it was initialised with.
    assert (
        AutoTokenizer.from_pretrained(output).get_vocab()
        == AutoTokenizer.from_pretrained(blip_dir).get_vocab()
    )


def test_each_flag_works_without_the_other_and_the_tower_keeps_its_preprocessing(blip_dir, tmp_path):
    data = write_pairs(tmp_path / "pairs", 8)
    # A tower whose normalisation differs from the BLIP default: stage 1 must train and export with it.
    tower_dir = tmp_path / "tower"
    shutil.copytree(blip_dir, tower_dir)
    saved = json.loads((tower_dir / "processor_config.json").read_text())
    saved["image_processor"].update(image_mean=[0.5, 0.5, 0.5], image_std=[0.25, 0.25, 0.25])
    (tower_dir / "processor_config.json").write_text(json.dumps(saved))
    assert list(BlipImageProcessorPil.from_pretrained(tower_dir).image_mean) == [0.5] * 3
    common = [
        "--data", data, "--preset", "tiny", "--num_query_tokens", "4", "--batch_size", "4",
        "--max_steps", "2", "--warmup_steps", "1", "--num_workers", "0", "--vocab_size", "120",
    ]  # fmt: skip
    for flags in (["--vision", str(tower_dir)], ["--qformer_init", str(blip_dir)]):
        output = tmp_path / flags[0].strip("-")
        summary = pretrain.main(["blip2", "--stage", "1", *flags, "--output", str(output), *common])
        assert summary["finished"], flags
    exported = BlipImageProcessorPil.from_pretrained(tmp_path / "vision")
    assert (list(exported.image_mean), list(exported.image_std)) == ([0.5] * 3, [0.25] * 3)


def test_a_clip_tower_is_refused_with_the_reason(tmp_path, capsys):
    config = CLIPVisionConfig(
        hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, image_size=32
    )
    CLIPVisionModel(config).save_pretrained(tmp_path / "clip")
    with pytest.raises(ValueError, match="CLIP checkpoint"):
        load_vision_tower(tmp_path / "clip")
    data = write_pairs(tmp_path / "pairs", 4)
    with pytest.raises(SystemExit):
        pretrain.main(["blip2", "--vision", str(tmp_path / "clip"), "--data", data,
                       "--output", str(tmp_path / "out"), "--preset", "tiny"])  # fmt: skip
    assert "pre-LayerNorm" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_weights_that_do_not_match_their_config_are_refused(blip_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(blip_dir, broken)
    config = json.loads((broken / "config.json").read_text())
    config["vision_config"]["hidden_size"] = 64
    (broken / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="do not form the vision tower"):
        load_vision_tower(broken)


def test_only_safetensors_are_read(blip_dir, tmp_path):
    pickled = tmp_path / "pickled"
    shutil.copytree(blip_dir, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    with pytest.raises(FileNotFoundError, match="only safetensors"):
        load_vision_tower(pickled)


def test_qformer_init_copies_the_blip_text_encoder(blip_dir):
    init = load_text_encoder(blip_dir)
    tower = load_vision_tower(blip_dir)
    config = blip2_config(
        "tiny",
        vocab_size=len(init.tokenizer),
        num_query_tokens=4,
        vision_config=tower.config.to_dict(),
        qformer_sizes=init.qformer_sizes,
    )
    model = Blip2Stage1(config)
    apply_text_encoder(init, model)
    blip, ours = load_file(blip_dir / "model.safetensors"), model.state_dict()
    pairs = {
        "embeddings.word_embeddings.weight": "embeddings.word_embeddings.weight",
        "qformer.layernorm.weight": "embeddings.LayerNorm.weight",
        "qformer.encoder.layer.1.attention.attention.query.weight": (
            "encoder.layer.1.attention.self.query.weight"
        ),
        "qformer.encoder.layer.0.crossattention.attention.value.weight": (
            "encoder.layer.0.crossattention.self.value.weight"
        ),
        "qformer.encoder.layer.1.output_query.dense.weight": "encoder.layer.1.output.dense.weight",
        "qformer.encoder.layer.1.intermediate_query.dense.bias": "encoder.layer.1.intermediate.dense.bias",
    }
    for mine, theirs in pairs.items():
        assert torch.equal(ours[mine], blip[f"text_encoder.{theirs}"].float()), mine
    assert init.tokenizer.get_vocab() == AutoTokenizer.from_pretrained(blip_dir).get_vocab()


def test_qformer_init_refuses_what_does_not_fit(blip_dir, tmp_path, capsys):
    captioner = save_tiny("captioner", tmp_path / "captioner", seed=1)
    with pytest.raises(ValueError, match="no text encoder"):
        load_text_encoder(captioner)
    # Its cross-attention reads 32-wide features; the demo preset's fresh tower gives 64.
    data = write_pairs(tmp_path / "pairs", 4)
    with pytest.raises(SystemExit):
        pretrain.main(["blip2", "--qformer_init", str(blip_dir), "--data", data,
                       "--output", str(tmp_path / "out"), "--preset", "demo"])  # fmt: skip
    assert "shapes differ" in capsys.readouterr().err
