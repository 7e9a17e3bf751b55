"""Flamingo's interleaved data: documents and clips read from their Parquet tables, `<image>` where the
images occur, labels masked as in the paper, and a CLI run on the demo world's documents and clips."""

from __future__ import annotations

import json
import math

import pytest
import torch

import schemas
from capfilt.world import WorldConfig, generate_world
from models import pretrain
from models.flamingo.data import FlamingoCollator, ParquetInterleaved, iter_flamingo_texts
from models.flamingo.gated_xattn import media_time
from models.flamingo.tokens import IGNORE_INDEX
from models.flamingo.vision import ClipVisionEncoder
from models.training.transforms import ImageTransform
from tests.helpers.flamingo_tiny import tiny_flamingo
from tests.helpers.images import png_bytes

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 200, 20)


def _image(color) -> dict:
    return {"bytes": png_bytes(color, size=(32, 32)), "path": None}


def _document() -> dict:
    # A title, a text-only filler, then two images each followed by its caption (the world's layout).
    segments = [
        {"text": "I saw a beautiful", "image": None},
        {"text": "yesterday.", "image": None},
        {"text": None, "image": _image(RED)},
        {"text": "a red circle on the left", "image": None},
        {"text": None, "image": _image(BLUE)},
        {"text": "a big blue star", "image": None},
    ]
    return {"key": "doc-1", "url": None, "segments": segments, "source": "test"}


def _clip(frames: int = 3) -> dict:
    colors = [RED, GREEN, BLUE, RED, GREEN, BLUE][:frames]
    return {
        "key": "clip-1",
        "url": None,
        "frames": [_image(c) for c in colors],
        "width": 32,
        "height": 32,
        "caption": "a red circle",
        "source": "test",
    }


def _pair(key: str) -> dict:
    return {"key": key, "url": None, "caption": "a big blue star", "image": _image(BLUE)}


@pytest.fixture(scope="module")
def tiny():
    model, tokenizer = tiny_flamingo()
    return model, tokenizer, ImageTransform(ClipVisionEncoder.from_preset("tiny").image_processor)


def _read(path, transform, **kwargs) -> list[dict]:
    return list(ParquetInterleaved([str(path)], transform, repeat=False, shuffle_buffer=1, **kwargs))


def test_document_sequence_puts_image_tokens_where_the_images_are_and_masks_labels(tmp_path, tiny):
    model, tokenizer, transform = tiny
    path = schemas.write_table([_document()], schemas.DOCUMENTS, str(tmp_path / "documents.parquet"))
    (sample,) = _read(path, transform)
    batch = FlamingoCollator(tokenizer, model.media_token_id, max_length=64)([sample])

    # The paper's layout: <|endofchunk|> closes the text before each image and the sequence.
    expected = (
        "I saw a beautiful yesterday.<|endofchunk|><image>a red circle on the left<|endofchunk|>"
        "<image>a big blue star<|endofchunk|>"
    )
    ids = batch["input_ids"][0]
    assert ids.tolist() == tokenizer(expected).input_ids
    tokens = tokenizer.convert_ids_to_tokens(ids)
    media = [i for i, t in enumerate(tokens) if t == "<image>"]
    assert len(media) == 2
    # Each <image> follows an <|endofchunk|>, and the text between them is the first image's caption.
    assert all(tokens[i - 1] == "<|endofchunk|>" for i in media)
    assert tokenizer.decode(ids[media[0] + 1 : media[1] - 1]) == "a red circle on the left"
    assert tokens[-1] == "<|endofchunk|>"

    # Media in order, one frame each: the red image first, the blue one second.
    assert batch["pixel_values"].shape[:3] == (1, 2, 1)
    assert batch["frame_mask"].all()
    red, blue = (transform(img, None) for img in _pil(RED, BLUE))
    torch.testing.assert_close(batch["pixel_values"][0, 0, 0], red)
    torch.testing.assert_close(batch["pixel_values"][0, 1, 0], blue)

    # Labels: every text token and <|endofchunk|> is a target; BOS and <image> never are.
    labels = batch["labels"][0]
    for i, (token, label) in enumerate(zip(tokens, labels.tolist(), strict=True)):
        if token in ("<image>", tokenizer.bos_token):
            assert label == IGNORE_INDEX, (i, token)
        else:
            assert label == ids[i], (i, token)

    # Phi: the title sees no image, the first caption the red one, the second caption the blue one.
    phi = media_time(batch["input_ids"], model.media_token_id)[0]
    assert set(phi[: media[0]].tolist()) == {0}
    assert set(phi[media[0] : media[1]].tolist()) == {1}
    assert set(phi[media[1] :].tolist()) == {2}


def _pil(*colors):
    from PIL import Image

    return [Image.new("RGB", (32, 32), c) for c in colors]


def test_padding_is_never_a_target(tmp_path, tiny):
    model, tokenizer, transform = tiny
    docs = schemas.write_table([_document()], schemas.DOCUMENTS, str(tmp_path / "d.parquet"))
    clips = schemas.write_table([_clip()], schemas.CLIPS, str(tmp_path / "c.parquet"))
    samples = _read(docs, transform) + _read(clips, transform)
    batch = FlamingoCollator(tokenizer, model.media_token_id, max_length=64)(samples)
    padded = batch["attention_mask"] == 0
    assert padded.any()
    assert (batch["labels"][padded] == IGNORE_INDEX).all()


def test_clip_frames_are_one_media_item(tmp_path, tiny):
    model, tokenizer, transform = tiny
    path = schemas.write_table([_clip(frames=3)], schemas.CLIPS, str(tmp_path / "clips.parquet"))
    (sample,) = _read(path, transform)
    batch = FlamingoCollator(tokenizer, model.media_token_id, max_length=64)([sample])
    assert tokenizer.convert_ids_to_tokens(batch["input_ids"][0]).count("<image>") == 1
    assert batch["input_ids"][0].tolist() == tokenizer("<image>a red circle<|endofchunk|>").input_ids
    assert batch["pixel_values"].shape[:3] == (1, 1, 3)  # one media item of three frames
    for frame, img in zip(batch["pixel_values"][0, 0], _pil(RED, GREEN, BLUE), strict=True):
        torch.testing.assert_close(frame, transform(img, None))
    # The model takes it: one set of latents for the clip, frames told apart by their time embeddings.
    with torch.no_grad():
        visual = model.encode_media(batch["pixel_values"], batch["frame_mask"])
    assert visual.shape == (1, 1, model.config.num_latents, model.vision.hidden_size)


def test_long_clips_are_subsampled_to_max_frames(tmp_path, tiny):
    _, _, transform = tiny
    path = schemas.write_table([_clip(frames=6)], schemas.CLIPS, str(tmp_path / "clips.parquet"))
    (sample,) = _read(path, transform, max_frames=3)
    frames = sample["segments"][0]
    assert frames.shape[0] == 3
    # First, middle and last of RED GREEN BLUE RED GREEN BLUE: frames 0, 2 (or 3) and 5.
    torch.testing.assert_close(frames[0], transform(_pil(RED)[0], None))
    torch.testing.assert_close(frames[-1], transform(_pil(BLUE)[0], None))


def test_mixed_tables_each_row_once_and_texts_for_the_tokenizer(tmp_path, tiny):
    _, _, transform = tiny
    docs = schemas.write_table([_document()], schemas.DOCUMENTS, str(tmp_path / "d.parquet"))
    clips = schemas.write_table([_clip()], schemas.CLIPS, str(tmp_path / "c.parquet"))
    pairs = schemas.write_table([_pair("p-1"), _pair("p-2")], schemas.PAIRS, str(tmp_path / "p.parquet"))
    files = [docs, clips, pairs]
    samples = list(ParquetInterleaved(files, transform, repeat=False))
    assert sorted(s["key"] for s in samples) == ["clip-1", "doc-1", "p-1", "p-2"]
    assert {("segments" in s) for s in samples if s["key"].startswith("p-")} == {False}
    texts = list(iter_flamingo_texts(files))
    assert "a red circle on the left" in texts and "a red circle" in texts and "a big blue star" in texts


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    directory = tmp_path_factory.mktemp("world")
    config = WorldConfig(web=4, human=4, test=4, classify=4, documents=24, clips=24, clip_frames=4)
    generate_world(str(directory), config, progress=False)
    return directory


@pytest.mark.parametrize("table", ["documents", "clips"])
def test_flamingo_trains_on_world_documents_and_clips_through_the_cli(world, tmp_path, table):
    data = str(world / table / "*.parquet")
    assert schemas.schema_name(schemas.read_schema(schemas.expand(data)[0])) == table
    out = tmp_path / table
    summary = pretrain.main([
        "flamingo", "--data", data, "--output", str(out), "--lm_preset", "tiny", "--vocab_size", "200",
        "--vision_preset", "tiny", "--num_latents", "4", "--resampler_depth", "1", "--resampler_heads", "2",
        "--xattn_heads", "2", "--dim_head", "8", "--max_frames", "4", "--batch_size", "4",
        "--max_length", "96", "--max_steps", "30", "--lr", "1e-2", "--warmup_steps", "2",
        "--num_workers", "0", "--shuffle_buffer", "8", "--save_every", "1000",
    ])  # fmt: skip
    assert summary["finished"] and math.isfinite(summary["loss"])
    losses = [json.loads(line)["loss"] for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert len(losses) == 30 and all(math.isfinite(x) for x in losses)
    assert sum(losses[-5:]) / 5 < sum(losses[:5]) / 5
    assert (out / "flamingo.safetensors").exists()
