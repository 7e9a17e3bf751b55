"""BLIP-2 ITM and ITC scorers (`blip2-itm:` / `blip2-itc:`) on a tiny real Blip2ForImageTextRetrieval in the
hub's layout, loaded through capfilt.curate.checkpoints and checked against transformers' own forward."""

import json
import shutil

import pytest
import torch
from PIL import Image
from transformers import AutoProcessor, Blip2ForImageTextRetrieval

from capfilt.curate import checkpoints, scorer_specs
from capfilt.curate.engines.interfaces import ScorerSettings
from capfilt.curate.engines.registry import load_scorer, load_scorers
from tests.helpers.blip2_retrieval_tiny import save_tiny_blip2_retrieval
from tests.helpers.captioner_tiny import save_tiny_blip2
from tests.helpers.head_tiny import save_tiny_head
from tests.helpers.scorer_tiny import save_tiny_scorer

IMAGES = [Image.new("RGB", (40, 30), "red"), Image.new("RGB", (20, 50), "blue"), Image.new("RGB", (9, 9))]
TEXTS = [["a red square", "a blue circle", "a star"], ["a blue circle"], []]


@pytest.fixture(scope="module")
def blip2(tmp_path_factory):
    root = tmp_path_factory.mktemp("blip2-retrieval")
    return {
        "hub": str(save_tiny_blip2_retrieval(root / "hub", seed=3)),
        "no_image_token": str(save_tiny_blip2_retrieval(root / "old", seed=4, image_token=False)),
    }


def transformers_scores(folder, image, text):
    """(ITM match probability, ITC similarity) of one pair, straight from the model's forward with its own
    processor (the hub model card's usage)."""
    model = Blip2ForImageTextRetrieval.from_pretrained(folder).eval()
    inputs = AutoProcessor.from_pretrained(folder)(images=image, text=text, return_tensors="pt")
    with torch.no_grad():
        itm = model(**inputs, use_image_text_matching_head=True).logits_per_image
        itc = model(**inputs, use_image_text_matching_head=False).logits_per_image
    return torch.softmax(itm, dim=1)[0, 1].item(), itc.item()


@pytest.mark.parametrize("layout", ["hub", "no_image_token"])
def test_itm_and_itc_equal_transformers_forward_and_share_one_model(blip2, layout):
    folder = blip2[layout]
    settings = [
        ScorerSettings("b2itm", f"blip2-itm:{folder}"),
        ScorerSettings("b2itc", f"blip2-itc:{folder}"),
    ]
    itm, itc = load_scorers(settings)
    assert itm.retrieval is itc.retrieval  # one checkpoint, loaded once
    assert (itm.score_range, itc.score_range) == ((0.0, 1.0), (-1.0, 1.0))
    vit_calls = []
    itm.retrieval.model.vision_model.register_forward_hook(lambda *_: vit_calls.append(1))
    itm_scores, itc_scores = itm.score(IMAGES, TEXTS), itc.score(IMAGES, TEXTS)
    assert len(vit_calls) == 1  # the batch's images went through the ViT once, for both scores
    assert [len(row) for row in itm_scores] == [len(row) for row in itc_scores] == [3, 1, 0]
    for image, texts, itm_row, itc_row in zip(IMAGES, TEXTS, itm_scores, itc_scores, strict=True):
        for text, itm_score, itc_score in zip(texts, itm_row, itc_row, strict=True):
            expected_itm, expected_itc = transformers_scores(folder, image, text)
            assert itm_score == pytest.approx(expected_itm, abs=1e-5)
            assert itc_score == pytest.approx(expected_itc, abs=1e-5)
            assert 0.0 <= itm_score <= 1.0 and -1.0 <= itc_score <= 1.0
    # Random weights still give each text its own score, and one text other scores on another image.
    assert len(set(itm_scores[0])) == 3 and len(set(itc_scores[0])) == 3
    assert abs(itm_scores[0][1] - itm_scores[1][0]) > 1e-4 and abs(itc_scores[0][1] - itc_scores[1][0]) > 1e-4
    # A batch does not change an image's scores; empty text lists stay empty.
    assert itm.score(IMAGES[1:2], TEXTS[1:2])[0] == pytest.approx(itm_scores[1], abs=1e-5)
    assert itc.score(IMAGES[1:2], TEXTS[1:2])[0] == pytest.approx(itc_scores[1], abs=1e-5)
    assert itm.score(IMAGES[:2], [[], []]) == [[], []]


def test_itm_pairs_are_split_into_steps_without_changing_scores(blip2, monkeypatch):
    from capfilt.curate.engines.reference import blip2_scorer

    scorer = load_scorer(ScorerSettings("b2", f"blip2-itm:{blip2['hub']}"))
    whole = [score for row in scorer.score(IMAGES, TEXTS) for score in row]
    monkeypatch.setattr(blip2_scorer, "ITM_PAIRS_PER_STEP", 1)
    assert [score for row in scorer.score(IMAGES, TEXTS) for score in row] == pytest.approx(whole, abs=1e-6)


def test_specs_ranges_and_portable_names(blip2):
    folder = blip2["hub"]
    entries = (f"b2itm=blip2-itm:{folder}", f"b2itc=blip2-itc:{folder}")
    scorer_specs.check_scorers(entries)
    assert scorer_specs.scorer_ranges(entries) == {
        "itm": (0.0, 1.0),
        "b2itm": (0.0, 1.0),
        "b2itc": (-1.0, 1.0),
    }
    names = scorer_specs.portable_names(entries)
    assert (
        names["b2itm"].startswith("blip2-itm:hub@") and names["b2itc"] == "blip2-itc:" + names["b2itm"][10:]
    )
    assert scorer_specs.portable_names(("b=blip2-itc:Salesforce/blip2-itm-vit-g",)) == {
        "b": "blip2-itc:Salesforce/blip2-itm-vit-g"
    }


def test_wrong_entries_are_one_line_each(blip2, tmp_path, tiny_blip):
    folder = blip2["hub"]
    clip = str(save_tiny_scorer("clip", tmp_path / "clip"))
    captioner = str(save_tiny_blip2(tmp_path / "blip2-opt", "opt"))

    def refused(entry, pattern, error=checkpoints.CheckpointError):
        with pytest.raises(error, match=pattern):
            scorer_specs.check_scorers(entry if isinstance(entry, tuple) else (entry,))

    refused(
        f"b=blip2-xyz:{folder}", r"--scorer b='blip2-xyz:.*blip2-itm:CHECKPOINT .* blip2-itc:", ValueError
    )
    refused(f"b={folder}", r"--scorer b=.*: a BLIP-2 checkpoint scores two ways: write blip2-itm:")
    # Where only loading can tell (a hub id resolved online), the loader says the same.
    with pytest.raises(checkpoints.CheckpointError, match=r"--scorer b=.* is a 'blip-2' model.*blip2-itm:"):
        load_scorer(ScorerSettings("b", folder))
    refused(f"b=blip2-itm:{clip}", r"--scorer b=blip2-itm:.*is a 'clip' model .*not a BLIP-2")
    refused(f"b=blip2-itm:{tiny_blip['filter']}", r"is a 'blip' model .* must be one of blip-2, clip, siglip")
    refused(f"b=blip2-itm:{captioner}", r"Blip2ForConditionalGeneration checkpoint .*a BLIP-2 "
            r"scorer is a Blip2ForImageTextRetrieval one")  # fmt: skip
    refused(f"b=blip2-itc:{tmp_path / 'nowhere'}", r"--scorer b=blip2-itc:.*scorer checkpoint not found")
    head, _ = save_tiny_head(tmp_path / "head.safetensors", "linear", 16)
    refused((f"b=blip2-itc:{folder}", f"h=head:{head}@b"), r"b is not a CLIP/SigLIP --scorer", ValueError)
    # A Q-Former without text layers gives no ITM or ITC score: said before loading.
    textless = tmp_path / "textless"
    shutil.copytree(folder, textless)
    config = json.loads((textless / "config.json").read_text())
    config["qformer_config"]["use_qformer_text_input"] = False
    (textless / "config.json").write_text(json.dumps(config))
    refused(f"b=blip2-itm:{textless}", r"Q-Former has no text layers .* gives no ITM or ITC score")
    # Pickled weights are never read.
    pickled = tmp_path / "pickled"
    shutil.copytree(folder, pickled)
    (pickled / "model.safetensors").rename(pickled / "pytorch_model.bin")
    refused(f"b=blip2-itm:{pickled}", r"missing model.safetensors \(pytorch_model.bin is never unpickled")


def test_a_config_spelling_the_text_switch_as_before_transformers_4_48_loads_the_same(blip2, tmp_path):
    """Salesforce/blip2-itm-vit-g's first upload says qformer_text_input; transformers 5 keeps that key but
    reads use_qformer_text_input, so the text layers are switched on from either."""
    old = tmp_path / "old-spelling"
    shutil.copytree(blip2["hub"], old)
    config = json.loads((old / "config.json").read_text())
    config["qformer_config"]["qformer_text_input"] = config["qformer_config"].pop("use_qformer_text_input")
    (old / "config.json").write_text(json.dumps(config))
    scorer_specs.check_scorers((f"b=blip2-itc:{old}",))
    renamed = load_scorer(ScorerSettings("b", f"blip2-itc:{old}"))
    original = load_scorer(ScorerSettings("b", f"blip2-itc:{blip2['hub']}"))
    assert renamed.score(IMAGES, TEXTS) == original.score(IMAGES, TEXTS)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_loads_as_transformers_does_and_matches_its_forward(blip2, monkeypatch, dtype):
    """What --precision fp16/bf16 loads on a GPU, here on the CPU: fp16 keeps the Q-Former in fp32
    (transformers' _keep_in_fp32_modules), bf16 loads everything in bf16; the scores follow the model's own
    forward in that precision."""
    monkeypatch.setattr(checkpoints, "load_dtype", lambda device, precision: dtype)
    folder = blip2["hub"]
    settings = [ScorerSettings("a", f"blip2-itm:{folder}"), ScorerSettings("b", f"blip2-itc:{folder}")]
    itm, itc = load_scorers(settings)
    model = itm.retrieval.model
    assert model.vision_model.embeddings.patch_embedding.weight.dtype == dtype
    assert model.qformer.layernorm.weight.dtype == (torch.float32 if dtype == torch.float16 else dtype)
    itm_scores, itc_scores = itm.score(IMAGES[:2], TEXTS[:2]), itc.score(IMAGES[:2], TEXTS[:2])
    processor = AutoProcessor.from_pretrained(folder)
    for image, texts, itm_row, itc_row in zip(IMAGES, TEXTS[:2], itm_scores, itc_scores, strict=False):
        inputs = processor(images=image, text=texts[0], return_tensors="pt")
        inputs["pixel_values"] = inputs["pixel_values"].to(dtype)
        with torch.no_grad():
            expected_itm = (
                model(**inputs, use_image_text_matching_head=True).logits_per_image.float().softmax(1)
            )
            expected_itc = model(**inputs, use_image_text_matching_head=False).logits_per_image.float()
        assert itm_row[0] == pytest.approx(expected_itm[0, 1].item(), abs=1e-3)
        assert itc_row[0] == pytest.approx(expected_itc.item(), abs=1e-3)  # ours multiplies in fp32


def test_a_stage1_blip2_of_models_pretrain_is_a_scorer_with_its_own_numbers(tmp_path):
    """`models.pretrain blip2 --stage 1` writes a Blip2ForImageTextRetrieval folder: CapFilt scores with it,
    and the numbers are the trained model's own (ITM softmax; ITC before its temperature)."""
    from transformers import BlipImageProcessorPil

    from models.blip2.checkpoint import save_stage1
    from models.blip2.presets import blip2_config
    from models.blip2.stage1 import Blip2Stage1
    from models.common.tokenizer import train_wordpiece

    tokenizer = train_wordpiece([t for row in TEXTS for t in row] * 5, vocab_size=200)
    torch.manual_seed(0)
    model = Blip2Stage1(blip2_config("tiny", vocab_size=len(tokenizer), num_query_tokens=4)).eval()
    images = BlipImageProcessorPil(size={"height": 32, "width": 32})
    save_stage1(model, tokenizer, images, tmp_path / "stage1")
    entries = (f"m=blip2-itm:{tmp_path / 'stage1'}", f"c=blip2-itc:{tmp_path / 'stage1'}")
    scorer_specs.check_scorers(entries)
    itm, itc = load_scorers([ScorerSettings(n, v) for n, v in scorer_specs.parse_scorers(entries)])
    image, texts = IMAGES[0], TEXTS[0]
    tokens = tokenizer(texts, padding="longest", return_tensors="pt")
    with torch.no_grad():
        states = model.image_embeds(images(images=[image] * len(texts), return_tensors="pt").pixel_values)
        expected_itm = model.itm_logits(states, tokens.input_ids, tokens.attention_mask).softmax(-1)[:, 1]
        itc_states = model.qformer_states("itc", states, tokens.input_ids, tokens.attention_mask)
        expected_itc = (model.similarity(itc_states) * model.temp).diagonal()
    assert itm.score([image], [texts])[0] == pytest.approx(expected_itm.tolist(), abs=1e-5)
    assert itc.score([image], [texts])[0] == pytest.approx(expected_itc.tolist(), abs=1e-5)
