"""The engine's ITM filter against `BlipForImageTextRetrieval`, and one image encoding for both models."""

import pytest
import torch
from transformers import AutoProcessor, BlipForConditionalGeneration, BlipForImageTextRetrieval

from capfilt.curate.engines.fast.caption_and_score import CaptionAndScore
from capfilt.curate.engines.fast.captioner import FastCaptioner
from capfilt.curate.engines.fast.filter import FastFilter
from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings
from tests.helpers.capfilt_tiny import save_tiny
from tests.helpers.images import noise_images

TEXTS = [
    ["a red circle on the left", "dog"],
    ["the blue square", "a", "two small green triangles near the top of the picture with a tree", "sky"],
    [],
    ["green"],
    ["a " * 60 + "star", "cat on a tree", "img dsc jpg"],  # longer than the 35-token limit: truncated
]


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory, tiny_blip):
    vision = BlipForConditionalGeneration.from_pretrained(tiny_blip["captioner"]).vision_model
    same = save_tiny("filter", tmp_path_factory.mktemp("engine") / "same", seed=2, vision_from=vision)
    return {**tiny_blip, "filter_same_vision": str(same)}


def retrieval_probabilities(checkpoint, images, texts, enc_first=False):
    """What the transformers model gives, one (image, text) pair at a time."""
    model = BlipForImageTextRetrieval.from_pretrained(checkpoint, use_safetensors=True).eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    result = []
    with torch.inference_mode():
        for image, image_texts in zip(images, texts, strict=True):
            scores = []
            for text in image_texts:
                inputs = processor(
                    images=image, text=text, truncation=True, max_length=35, return_tensors="pt"
                )
                if enc_first:
                    inputs["input_ids"][:, 0] = processor.tokenizer.convert_tokens_to_ids("[ENC]")
                itm = model(**inputs, use_itm_head=True).itm_score
                scores.append(torch.softmax(itm, dim=-1)[0, 1].item())
            result.append(scores)
    return result


@pytest.mark.parametrize("first_token", ["cls", "enc"])
def test_probabilities_match_the_retrieval_model(checkpoints, first_token):
    images = noise_images(len(TEXTS))
    ours = FastFilter(FilterSettings(checkpoints["filter"], first_token=first_token)).score(images, TEXTS)
    expected = retrieval_probabilities(checkpoints["filter"], images, TEXTS, enc_first=first_token == "enc")
    assert [len(s) for s in ours] == [len(t) for t in TEXTS]
    for got, want in zip(ours, expected, strict=True):
        assert got == pytest.approx(want, abs=1e-5)
    flat = [s for scores in ours for s in scores]
    assert max(flat) - min(flat) > 0.05  # scores depend on image and text


def test_no_texts_gives_no_scores(checkpoints):
    assert FastFilter(FilterSettings(checkpoints["filter"])).score(noise_images(2), [[], []]) == [[], []]


@pytest.mark.parametrize("filter_name, shared", [("filter_same_vision", True), ("filter", False)])
def test_caption_and_score_encodes_each_image_once_when_it_can(checkpoints, filter_name, shared):
    captioner = FastCaptioner(CaptionerSettings(checkpoints["captioner"], num_captions=2, max_length=16))
    scorer = FastFilter(FilterSettings(checkpoints[filter_name]))
    both = CaptionAndScore(captioner, scorer)
    assert both.shared_image_encoder is shared

    calls = []
    for model in (captioner.model, scorer.model):
        model.vision_model.embeddings.register_forward_hook(lambda *_: calls.append(1))
    images, record_seeds, web = noise_images(3), [11, 12, 13], ["a red star", "logo", "two blue circles"]
    captions, scores = both.run(images, record_seeds, web)
    assert len(calls) == (1 if shared else 2)

    assert captions == captioner.caption(images, record_seeds)
    separate = scorer.score(images, [[w, *c] for w, c in zip(web, captions, strict=True)])
    for got, want in zip(scores, separate, strict=True):
        assert got == pytest.approx(want, abs=1e-6)
