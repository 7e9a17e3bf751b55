"""Checkpoints laid out as the hub's Salesforce BLIP ones (a BERT tokenizer without [DEC]/[ENC]) train and
collate as BLIP: [DEC] and [ENC] come from the model config's ids."""

import pytest
import torch
from transformers import AutoTokenizer, BlipConfig

from models import finetune
from models.blip import conventions
from models.blip.collate import BlipCollator
from tests.helpers.blip_data import write_pairs
from tests.helpers.capfilt_tiny import save_hub_layout


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    root = tmp_path_factory.mktemp("hub")
    return {kind: save_hub_layout(kind, root / kind, seed=3) for kind in ("captioner", "filter")}


def test_the_hub_tokenizer_has_only_berts_specials(hub):
    tokenizer = AutoTokenizer.from_pretrained(hub["captioner"])
    assert tokenizer.bos_token_id is None
    assert conventions.enc_token_id(tokenizer) is None
    assert set(tokenizer.all_special_tokens) == {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}


def test_dec_and_enc_come_from_the_config_ids(hub):
    tokenizer = AutoTokenizer.from_pretrained(hub["filter"])
    text_config = BlipConfig.from_pretrained(hub["filter"]).text_config
    special = conventions.special_ids(tokenizer, text_config)
    assert special == conventions.SpecialIds(dec=len(tokenizer), enc=len(tokenizer) + 1)
    assert text_config.vocab_size == len(tokenizer) + 2
    collate = BlipCollator(tokenizer, itm_first_token="enc", special=special)
    batch = collate([{"text": "a red circle", "key": "k", "pixel_values": torch.zeros(3, 32, 32)}])
    assert batch["decoder_input_ids"][0, 0] == special.dec
    assert batch["itm_input_ids"][0, 0] == special.enc
    assert batch["input_ids"][0, 0] == tokenizer.cls_token_id


def test_without_a_config_a_tokenizer_without_dec_is_one_clear_error(hub):
    tokenizer = AutoTokenizer.from_pretrained(hub["captioner"])
    with pytest.raises(ValueError, match="no \\[DEC\\] id"):
        conventions.special_ids(tokenizer)


@pytest.mark.parametrize(("kind", "first_token"), [("captioner", "cls"), ("filter", "enc")])
def test_finetune_from_a_hub_layout_checkpoint(hub, tmp_path, kind, first_token):
    data = write_pairs(tmp_path / "pairs", 8)
    args = [kind, "--init", str(hub[kind]), "--data", data, "--output", str(tmp_path / "out")]
    args += ["--itm_first_token", first_token, "--max_steps", "1", "--batch_size", "4", "--num_workers", "0"]
    assert finetune.main(args)["finished"]
