"""CLIP and SigLIP cosine scorers on tiny real checkpoints, loaded through capfilt.curate.checkpoints."""

import json

import pytest
import torch
from PIL import Image
from transformers import CLIPModel, SiglipModel

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import Filter, ScorerSettings
from capfilt.curate.engines.registry import load_scorer
from tests.helpers.scorer_tiny import save_tiny_scorer

IMAGES = [Image.new("RGB", (40, 30), "red"), Image.new("RGB", (20, 50), "blue")]
TEXTS = [["a red square", "a blue circle", "a star"], ["a blue circle"]]


@pytest.fixture(scope="module")
def tiny_scorers(tmp_path_factory):
    root = tmp_path_factory.mktemp("scorers")
    return {family: str(save_tiny_scorer(family, root / family, seed=3)) for family in ("clip", "siglip")}


@pytest.mark.parametrize("family", ["clip", "siglip"])
def test_cosine_scorer_equals_the_models_own_normalised_embeddings(tiny_scorers, family):
    scorer = load_scorer(ScorerSettings("s", tiny_scorers[family]))
    assert (scorer.name, scorer.score_range) == ("s", (-1.0, 1.0))
    scores = scorer.score(IMAGES, TEXTS)
    assert [len(row) for row in scores] == [3, 1]
    assert all(-1.0 <= s <= 1.0 for row in scores for s in row)
    # The same numbers straight from transformers' model on each (image, text) pair alone.
    model = (CLIPModel if family == "clip" else SiglipModel).from_pretrained(tiny_scorers[family]).eval()
    for image, texts, row in zip(IMAGES, TEXTS, scores, strict=True):
        for text, score in zip(texts, row, strict=True):
            pixels = scorer.processor.image_processor(images=[image], return_tensors="pt").pixel_values
            with torch.no_grad():
                image_embedding = model.get_image_features(pixel_values=pixels)
                text_embedding = model.get_text_features(**scorer.tokenize([text]))
            image_embedding = getattr(image_embedding, "pooler_output", image_embedding)
            text_embedding = getattr(text_embedding, "pooler_output", text_embedding)
            expected = torch.nn.functional.cosine_similarity(image_embedding, text_embedding).item()
            assert score == pytest.approx(expected, abs=1e-5)
    # A batch does not change an image's scores.
    assert scorer.score(IMAGES[1:], TEXTS[1:])[0] == pytest.approx(scores[1], abs=1e-5)
    assert scorer.score(IMAGES, [[], []]) == [[], []]


def test_the_itm_filter_is_the_scorer_named_itm():
    assert (Filter.name, Filter.score_range) == ("itm", (0.0, 1.0))


def test_a_blip_checkpoint_is_refused_as_a_scorer_with_the_reason(tiny_blip):
    with pytest.raises(
        checkpoints.CheckpointError, match=r"is a 'blip' model .* must be one of blip-2, clip, siglip"
    ):
        checkpoints.check_available(tiny_blip["filter"], "scorer")


def test_a_pickled_scorer_is_never_unpickled(tmp_path, tiny_scorers):
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "clip"}))
    (folder / "pytorch_model.bin").write_bytes(b"not opened")
    with pytest.raises(
        checkpoints.CheckpointError, match=r"missing model.safetensors \(pytorch_model.bin is never"
    ):
        load_scorer(ScorerSettings("clip", str(folder)))
