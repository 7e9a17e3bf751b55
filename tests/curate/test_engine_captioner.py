"""The engine's captioner against transformers' `generate` and the reference captioner (tiny checkpoints)."""

import pytest
import torch
from transformers import AutoProcessor, BlipForConditionalGeneration

from capfilt.curate.engines.fast import generation
from capfilt.curate.engines.fast.captioner import FastCaptioner
from capfilt.curate.engines.fast.kv_cache import SelfAttentionCache
from capfilt.curate.engines.interfaces import CaptionerSettings
from capfilt.curate.engines.reference.captioner import TransformersCaptioner
from capfilt.curate.seeding import record_seed
from tests.helpers.images import noise_images

IMAGES = 8


@pytest.fixture(scope="module")
def checkpoint(tiny_blip):
    return tiny_blip["captioner"]


@pytest.fixture(scope="module")
def images():
    return noise_images(IMAGES)


def seeds(count, run_seed=0):
    return [record_seed(f"key-{i}", run_seed) for i in range(count)]


@pytest.mark.parametrize(
    "prompt, min_length, max_length",
    [("a picture of ", 6, 20), ("a picture of ", 0, 12), ("a picture of ", 16, 16), ("", 3, 14)],
)
def test_greedy_token_ids_equal_transformers_generate(
    checkpoint, images, prompt, min_length, max_length, monkeypatch
):
    settings = CaptionerSettings(
        checkpoint, decoding="greedy", prompt=prompt, min_length=min_length, max_length=max_length
    )
    engine = FastCaptioner(settings)
    pruned = []  # images whose captions have all ended leave the batch; the ids must not change
    keep_rows = SelfAttentionCache.keep_rows
    monkeypatch.setattr(
        SelfAttentionCache, "keep_rows", lambda self, rows: (pruned.append(1), keep_rows(self, rows))
    )
    with torch.inference_mode():
        ours = engine.token_ids(engine.encode(images), seeds(IMAGES), copies=1)

    model = BlipForConditionalGeneration.from_pretrained(checkpoint, use_safetensors=True).eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    inputs = processor(images=images, text=[prompt] * IMAGES, return_tensors="pt")
    expected = model.generate(
        **inputs, max_length=max_length, min_length=min_length, do_sample=False, num_beams=1
    )
    assert torch.equal(ours, expected)
    # The comparison has teeth: captions differ between images, and some end with EOS before max_length.
    assert len({tuple(row.tolist()) for row in ours}) > 1
    if min_length < max_length and max_length == 20:
        assert (ours == model.config.text_config.sep_token_id).any() and pruned


@pytest.mark.parametrize("decoding", ["greedy", "nucleus"])
def test_captions_equal_the_reference_captioner(checkpoint, images, decoding):
    settings = CaptionerSettings(checkpoint, num_captions=3, decoding=decoding, min_length=5, max_length=18)
    ours = FastCaptioner(settings).caption(images, seeds(IMAGES))
    assert ours == TransformersCaptioner(settings).caption(images, seeds(IMAGES))
    assert all(len(captions) == 3 for captions in ours)
    assert not any(caption.startswith("a picture of") for captions in ours for caption in captions)


def test_nucleus_captions_do_not_depend_on_the_batch(checkpoint, images):
    engine = FastCaptioner(CaptionerSettings(checkpoint, num_captions=4, min_length=5, max_length=18))
    record_seeds = seeds(IMAGES)
    together = engine.caption(images[:5], record_seeds[:5])
    alone = [
        engine.caption([image], [seed])[0] for image, seed in zip(images[:5], record_seeds[:5], strict=True)
    ]
    assert together == alone
    # Other neighbours, another order, a duplicate: each record still gets its own captions.
    order = [4, 7, 2, 2, 0, 6, 1, 3, 5]
    mixed = engine.caption([images[i] for i in order], [record_seeds[i] for i in order])
    for position, index in enumerate(order):
        if index < 5:
            assert mixed[position] == together[index]
    # Samples differ from each other, and another run seed gives other captions.
    assert any(len(set(captions)) > 1 for captions in together)
    assert engine.caption(images[:5], seeds(5, run_seed=1)) != together


def test_finished_sequences_leave_the_batch_and_captions_stay_the_reference_ones(
    checkpoint, images, monkeypatch
):
    layouts = []
    from_counts = generation.ImageGroups.from_counts

    def recorded(counts, device="cpu"):
        layouts.append(list(counts))
        return from_counts(counts, device)

    monkeypatch.setattr(generation.ImageGroups, "from_counts", recorded)
    settings = CaptionerSettings(checkpoint, num_captions=4, decoding="nucleus", min_length=5, max_length=18)
    ours = FastCaptioner(settings).captions(images, seeds(IMAGES))
    monkeypatch.undo()
    assert ours == TransformersCaptioner(settings).captions(images, seeds(IMAGES))
    # Some images kept decoding with fewer than 4 rows: sequences left one by one, not whole images only.
    assert any(len(set(counts)) > 1 or counts[0] < 4 for counts in layouts if counts), layouts


def test_prompt_longer_than_max_length_is_refused(checkpoint):
    with pytest.raises(ValueError, match="max_length"):
        FastCaptioner(CaptionerSettings(checkpoint, max_length=4))


@pytest.mark.parametrize("decoding", ["greedy", "nucleus"])
def test_both_engines_flag_the_same_captions_as_cut_at_max_length(checkpoint, images, decoding):
    settings = CaptionerSettings(checkpoint, num_captions=3, decoding=decoding, min_length=5, max_length=18)
    ours = FastCaptioner(settings).captions(images, seeds(IMAGES))
    assert ours == TransformersCaptioner(settings).captions(images, seeds(IMAGES))
    assert [[c.text for c in row] for row in ours] == FastCaptioner(settings).caption(images, seeds(IMAGES))
    assert {c.hit_max_length for row in ours for c in row} == {True, False}  # both kinds occur


def test_the_flag_says_whether_generate_stopped_at_max_length_without_its_end_token(checkpoint, images):
    max_length = 18
    settings = CaptionerSettings(checkpoint, decoding="greedy", min_length=5, max_length=max_length)
    flags = [row[0].hit_max_length for row in FastCaptioner(settings).captions(images, seeds(IMAGES))]
    model = BlipForConditionalGeneration.from_pretrained(checkpoint, use_safetensors=True).eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    sep = model.config.text_config.sep_token_id
    expected = []
    for image in images:  # one image per call: no padding from batch neighbours
        inputs = processor(images=image, text="a picture of ", return_tensors="pt")
        tokens = model.generate(**inputs, max_length=max_length, min_length=5, do_sample=False, num_beams=1)[
            0
        ]
        expected.append(len(tokens) == max_length and int(tokens[-1]) != sep)
    assert flags == expected and any(flags) and not all(flags)


def test_beam_search_equals_transformers_generate_in_both_engines(checkpoint, images):
    """`--decoding beam` is BLIP's beam search (3 beams, repetition penalty 1.0, lengths 5-20 by default)."""
    from capfilt.curate.config import CapfiltConfig

    config = CapfiltConfig(captioner=checkpoint, decoding="beam", num_captions=2)
    assert (config.min_length, config.max_length) == (5, 20)
    settings = CaptionerSettings.from_config(config)
    model = BlipForConditionalGeneration.from_pretrained(checkpoint, use_safetensors=True).eval()
    processor = AutoProcessor.from_pretrained(checkpoint)
    inputs = processor(images=images, text=["a picture of "] * IMAGES, return_tensors="pt")
    expected_ids = model.generate(
        **inputs, max_length=20, min_length=5, num_beams=3, do_sample=False, repetition_penalty=1.0
    )
    prompt_tokens = inputs["input_ids"].shape[1] - 1
    expected = [
        t.strip() for t in processor.batch_decode(expected_ids[:, prompt_tokens:], skip_special_tokens=True)
    ]
    greedy = TransformersCaptioner(
        CaptionerSettings(checkpoint, decoding="greedy", min_length=5, max_length=20)
    )
    assert [c[0] for c in greedy.caption(images, seeds(IMAGES))] != expected  # beams found other captions
    for engine in (TransformersCaptioner(settings), FastCaptioner(settings)):
        captions = engine.caption(images, seeds(IMAGES))
        assert [c[0] for c in captions] == expected
        assert all(c[0] == c[1] for c in captions)  # one caption per image, as greedy
