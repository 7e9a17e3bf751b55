"""A full-width checkpoint in the hub's layout (BLIP-base, bert-base-uncased's real vocab, 384 px, random
weights: tests/helpers/blip_hub_full.py) runs through both engines with identical output, with [DEC] 30522
and [ENC] 30523 from the config's ids as BLIP's published weights expect."""

from __future__ import annotations

import gc
import json

import pytest
import torch
from PIL import Image
from transformers import AutoTokenizer, BlipConfig

from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings
from capfilt.curate.engines.registry import load_captioner, load_filter
from models.blip import conventions
from tests.helpers.blip_hub_full import BERT_VOCAB_SIZE, HUB_IMAGE_SIZE, save_full_hub_layout

pytestmark = pytest.mark.slow

DEC, ENC = 30522, 30523


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub-full")
    return {
        kind: save_full_hub_layout(kind, root / kind, seed)
        for kind, seed in (("captioner", 0), ("filter", 1))
    }


@pytest.fixture(scope="module")
def images():
    # One image: a 384 px ViT-B encode is most of each engine's time on one core.
    image = Image.new("RGB", (500, 375), (200, 40, 40))
    image.paste((30, 60, 220), (100, 80, 300, 260))
    return [image]


def test_the_files_are_the_hubs(hub):
    for kind in ("captioner", "filter"):
        config = json.loads((hub[kind] / "config.json").read_text())
        text, vision = config["text_config"], config["vision_config"]
        assert (text["vocab_size"], text["bos_token_id"], text["sep_token_id"], text["pad_token_id"]) == (
            BERT_VOCAB_SIZE + 2, DEC, 102, 0,
        )  # fmt: skip
        assert (text["hidden_size"], text["num_hidden_layers"], text["num_attention_heads"]) == (768, 12, 12)
        assert (vision["hidden_size"], vision["image_size"], vision["patch_size"]) == (
            768,
            HUB_IMAGE_SIZE,
            16,
        )
        assert "itm_first_token" not in config and "caption_prompt" not in config
        processor = json.loads((hub[kind] / "preprocessor_config.json").read_text())
        assert processor["size"] == {"height": HUB_IMAGE_SIZE, "width": HUB_IMAGE_SIZE}
        assert processor["image_mean"] == pytest.approx([0.48145466, 0.4578275, 0.40821073])
        tokenizer = AutoTokenizer.from_pretrained(hub[kind])
        assert len(tokenizer) == BERT_VOCAB_SIZE and tokenizer.bos_token_id is None
        assert tokenizer.convert_tokens_to_ids(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]) == [
            0,
            100,
            101,
            102,
            103,
        ]
        # BLIP's two tokens exist only as the ids after BERT's vocabulary.
        text_config = BlipConfig.from_pretrained(hub[kind]).text_config
        assert conventions.special_ids(tokenizer, text_config) == conventions.SpecialIds(dec=DEC, enc=ENC)


def test_the_filter_scores_identically_on_both_engines_with_enc_first(hub, images):
    texts = [["a red picture with a blue square", "click here to download", "a green field"]]
    scores = {}
    for engine in ("transformers", "fast"):
        scorer = load_filter(FilterSettings(str(hub["filter"])), engine=engine)
        assert scorer.first_token == "enc"  # a config without itm_first_token: BLIP's trained convention
        scores[engine] = sum(scorer.score(images, texts), [])
        if engine == "transformers":
            assert scorer.tokenize(["a red square"])["input_ids"][0, 0].item() == ENC
        del scorer
        gc.collect()  # one full-width model in memory at a time
    assert scores["fast"] == pytest.approx(scores["transformers"], abs=1e-5)
    assert len(set(round(s, 6) for s in scores["fast"])) == 3  # the pairs are told apart


def test_the_captioner_writes_the_same_captions_on_both_engines_from_dec(hub, images):
    captions = {}
    for engine in ("transformers", "fast"):
        settings = CaptionerSettings(str(hub["captioner"]), decoding="greedy", min_length=3, max_length=10)
        captioner = load_captioner(settings, engine=engine)
        if engine == "transformers":
            captions[engine] = captioner.caption(images, [0])
        else:
            assert captioner.decoder_prompt[0].item() == DEC
            with torch.inference_mode():
                embeds = captioner.encode(images)
                captions[engine] = captioner.caption_image_embeds(embeds, [0])
                assert captioner.token_ids(embeds, [0], 1)[:, 0].tolist() == [DEC]
        del captioner
        gc.collect()
    assert captions["fast"] == captions["transformers"]
    assert all(len(row) == 1 and row[0] for row in captions["fast"])
