"""Non-BLIP captioners (BLIP-2 with OPT and T5, GIT) on transformers' generate, tiny real checkpoints."""

import pytest
import torch
from transformers import AutoModelForImageTextToText, AutoProcessor

from capfilt.curate import checkpoints
from capfilt.curate.engines.interfaces import CaptionerSettings, prompt_text
from capfilt.curate.engines.reference.generate_captioner import GenerateCaptioner, reached_limit
from capfilt.curate.engines.registry import load_captioner
from capfilt.curate.seeding import record_seed
from tests.helpers.captioner_tiny import NUM_QUERY_TOKENS
from tests.helpers.images import noise_images

FAMILIES = ("blip2-opt", "blip2-t5", "git")
IMAGES = 4


def seeds(count, run_seed=0):
    return [record_seed(f"key-{i}", run_seed) for i in range(count)]


@pytest.fixture(scope="module")
def images():
    return noise_images(IMAGES)


@pytest.mark.parametrize("family", FAMILIES)
def test_greedy_captions_are_what_generate_writes(tiny_captioners, images, family):
    path = tiny_captioners[family]
    settings = CaptionerSettings(path, decoding="greedy", prompt="a picture of", min_length=2, max_length=8)
    ours = GenerateCaptioner(settings).captions(images, seeds(IMAGES))

    model = AutoModelForImageTextToText.from_pretrained(path, use_safetensors=True).eval()
    processor = AutoProcessor.from_pretrained(path)
    prompt_only = processor.tokenizer("a picture of", add_special_tokens=False).input_ids
    inputs = processor(images=images, text=["a picture of"] * IMAGES, return_tensors="pt")
    inputs.pop("token_type_ids", None)
    if (
        not model.config.get_text_config().is_encoder_decoder
        and inputs["input_ids"][0, -1] != prompt_only[-1]
    ):
        # GIT's BERT tokenizer ends the prompt with [SEP]: what a user drops to continue the prompt
        inputs["input_ids"], inputs["attention_mask"] = (
            inputs["input_ids"][:, :-1],
            inputs["attention_mask"][:, :-1],
        )
    output = model.generate(**inputs, max_new_tokens=8, min_new_tokens=2, do_sample=False)
    start = 1 if model.config.get_text_config().is_encoder_decoder else inputs["input_ids"].shape[1]
    expected = [t.strip() for t in processor.batch_decode(output[:, start:], skip_special_tokens=True)]

    assert [row[0].text for row in ours] == expected
    assert all(len(row) == 1 for row in ours)
    assert len(set(expected)) > 1, "captions must depend on the image for the comparison to mean anything"


@pytest.mark.parametrize("family", FAMILIES)
def test_nucleus_captions_depend_on_record_seed_not_batch(tiny_captioners, images, family):
    settings = CaptionerSettings(tiny_captioners[family], num_captions=3, min_length=3, max_length=8)
    captioner = GenerateCaptioner(settings)
    together = captioner.caption(images, seeds(IMAGES))
    alone = [captioner.caption([image], [seed])[0] for image, seed in zip(images, seeds(IMAGES), strict=True)]
    reordered = captioner.caption(images[::-1], seeds(IMAGES)[::-1])[::-1]
    assert together == alone == reordered
    assert all(len(row) == 3 for row in together)
    assert len({text for row in together for text in row}) > IMAGES  # the N samples of an image differ
    assert captioner.caption(images, seeds(IMAGES, run_seed=1)) != together


def test_hit_max_length_is_a_caption_without_its_end_token(tiny_captioners, images):
    settings = CaptionerSettings(tiny_captioners["git"], decoding="greedy", min_length=5, max_length=5)
    assert all(
        c.hit_max_length for row in GenerateCaptioner(settings).captions(images, seeds(IMAGES)) for c in row
    )
    rows = torch.tensor([[5, 6, 3, 0], [5, 6, 7, 8]])
    assert reached_limit(rows, 4, {3}) == [False, True]
    assert reached_limit(rows[:, :3], 4, {3}) == [False, False]  # shorter than the limit: every row ended


def test_prompt_template_is_what_the_processor_sees(tiny_captioners, images):
    text = prompt_text("question : what is in the {image} ? answer : {prompt}", "a photo of")
    assert text == "question : what is in the {image} ? answer : a photo of"
    captioner = GenerateCaptioner(CaptionerSettings(tiny_captioners["blip2-opt"], prompt=text))
    tokenizer = captioner.processor.tokenizer
    ids = captioner.inputs(images[:1])["input_ids"][0]
    # BLIP-2's query placeholders, OPT's bos, then the template's words (outside the tiny vocabulary: <unk>)
    expected = ["<image>"] * NUM_QUERY_TOKENS + ["</s>"] + tokenizer.tokenize(text)
    assert tokenizer.convert_ids_to_tokens(ids) == expected
    assert expected[-3:] == ["a", "photo", "of"] and "<unk>" in expected


def test_registry_runs_non_blip_captioners_on_generate(tiny_captioners, tiny_blip):
    for family in FAMILIES:
        settings = CaptionerSettings(tiny_captioners[family])
        assert checkpoints.captioner_family(tiny_captioners[family]) == "generate"
        assert type(load_captioner(settings, "fast")) is GenerateCaptioner
    assert checkpoints.captioner_family(tiny_blip["captioner"]) == checkpoints.BLIP
    assert type(load_captioner(CaptionerSettings(tiny_blip["captioner"]), "fast")) is not GenerateCaptioner


def test_preflight_takes_image_text_to_text_and_still_refuses_a_filter(tiny_captioners, tiny_blip):
    for family in FAMILIES:
        checkpoints.check_available(tiny_captioners[family], "captioner")
    with pytest.raises(checkpoints.CheckpointError, match="BlipForConditionalGeneration"):
        checkpoints.check_available(tiny_blip["filter"], "captioner")
    with pytest.raises(checkpoints.CheckpointError, match="a 'git' model"):
        checkpoints.check_available(tiny_captioners["git"], "filter")


def test_cpu_keeps_fp32_whatever_the_dtype_flag(tiny_captioners):
    settings = CaptionerSettings(tiny_captioners["blip2-t5"], device="cpu", precision="bf16")
    assert GenerateCaptioner(settings).model.dtype == torch.float32
    assert checkpoints.load_dtype(torch.device("cuda"), "bf16") == torch.bfloat16
