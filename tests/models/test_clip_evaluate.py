"""models.evaluate on tiny CLIP and BLIP checkpoints saved and loaded like real ones, on the demo world."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from transformers import BlipForImageTextRetrieval

from models.clip import save_clip
from models.evaluate import main as evaluate_main
from models.evaluation.encoders import load_encoder
from tests.helpers.capfilt_tiny import tiny_config as tiny_blip_config
from tests.helpers.capfilt_tiny import tiny_processor as tiny_blip_processor
from tests.helpers.clip_tiny import tiny_model, tiny_processor, tiny_tokenizer

TEXTS = ["a red circle", "a blue square on the left"]


@pytest.fixture(scope="module")
def world(small_world) -> Path:
    return small_world


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("clip")
    tokenizer = tiny_tokenizer(directory)
    save_clip(tiny_model(tokenizer), tiny_processor(tokenizer), directory / "model")
    return directory / "model"


@pytest.fixture(scope="module")
def blip_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("blip")
    torch.manual_seed(0)
    BlipForImageTextRetrieval(tiny_blip_config()).save_pretrained(directory)
    tiny_blip_processor(directory).save_pretrained(directory)
    return directory


def _images(encoder, count: int = 3) -> torch.Tensor:
    from PIL import Image

    pictures = [Image.new("RGB", (64, 64), (40 * i, 200 - 40 * i, 90)) for i in range(count)]
    return encoder.image_processor(images=pictures, return_tensors="pt").pixel_values


def test_clip_encoder_similarity_is_clip_models_own(clip_dir):
    encoder = load_encoder("clip", clip_dir)
    pixels = _images(encoder)
    ours = encoder.images(pixels) @ encoder.texts(TEXTS).t()
    tokens = encoder.tokenizer(TEXTS, padding=True, return_tensors="pt", return_token_type_ids=False)
    with torch.no_grad():
        out = encoder.model(pixel_values=pixels, **tokens)
    torch.testing.assert_close(
        ours, out.logits_per_image / encoder.model.logit_scale.exp(), atol=1e-5, rtol=1e-5
    )


def test_blip_encoder_similarity_is_the_retrieval_models_itc_score(blip_dir):
    encoder = load_encoder("blip", blip_dir)
    pixels = _images(encoder, 2)
    ours = encoder.images(pixels) @ encoder.texts(TEXTS).t()
    tokens = encoder.tokenizer(TEXTS, padding=True, return_tensors="pt", return_token_type_ids=False)
    with torch.no_grad():
        itc = encoder.model(pixel_values=pixels, use_itm_head=False, **tokens).itm_score
    torch.testing.assert_close(ours, itc, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("kind", ["clip", "blip"])
def test_evaluate_cli_prints_a_table_and_one_json_line(kind, clip_dir, blip_dir, world, capsys):
    checkpoint = clip_dir if kind == "clip" else blip_dir
    summary = evaluate_main(
        [
            kind,
            "--checkpoint", str(checkpoint),
            "--data", f"{world}/test/*.parquet",
            "--classify", f"{world}/classify/*.parquet",
            "--labels", f"{world}/labels/*.parquet",
            "--batch_size", "5",
        ]
    )  # fmt: skip
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["model", "zeroshot_top1", "i2t_r1"]
    assert json.loads(lines[-1]) == summary
    # 12 test images with 5 human references each; 12 classify images over the world's shape classes.
    assert summary["images"] == 12 and summary["texts"] == 60 and summary["zeroshot_images"] == 12
    assert 2 <= summary["zeroshot_classes"] <= 6
    for metric in ("zeroshot_top1", "i2t_r1", "i2t_r10", "t2i_r1", "t2i_r10"):
        assert 0.0 <= summary[metric] <= 100.0
    assert summary["i2t_r10"] >= summary["i2t_r5"] >= summary["i2t_r1"]


def test_evaluate_refuses_missing_inputs_with_a_message(clip_dir, world, tmp_path, capsys):
    with pytest.raises(SystemExit):
        evaluate_main(["clip", "--checkpoint", str(tmp_path)])
    assert "no config.json" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        evaluate_main(["clip", "--checkpoint", str(clip_dir), "--classify", f"{world}/classify/*.parquet"])
    assert "--labels" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        evaluate_main(["clip", "--checkpoint", str(clip_dir), "--data", f"{tmp_path}/none/*.parquet"])
    assert "no file matches" in capsys.readouterr().err


def test_blip_encoder_reads_a_pretrained_blip_directory_from_models_blip(tmp_path):
    from models.blip.checkpoint import save_pretrained
    from models.blip.model import BlipPretrainingModel

    torch.manual_seed(0)
    processor = tiny_blip_processor(tmp_path)
    model = BlipPretrainingModel(tiny_blip_config()).eval()
    save_pretrained(model, processor, tmp_path / "pretrained")
    encoder = load_encoder("blip", tmp_path / "pretrained")
    pixels = _images(encoder, 2)
    tokens = encoder.tokenizer(TEXTS, padding=True, return_tensors="pt", return_token_type_ids=False)
    with torch.no_grad():
        image_feat, text_feat = model.itc_features(
            model.image_embeds(pixels), tokens.input_ids, tokens.attention_mask
        )
    torch.testing.assert_close(encoder.images(pixels), image_feat, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(encoder.texts(TEXTS), text_feat, atol=1e-5, rtol=1e-5)
