"""The demo world's tokenizer: BLIP's special tokens, deterministic vocabulary, transformers round trip."""

from transformers import AutoTokenizer

from models.blip import conventions
from models.common.tokenizer import train_wordpiece

TEXTS = ["A red circle on the left.", "two blue squares at the top", "a small green triangle"] * 3


def test_special_tokens_are_blips():
    tokenizer = train_wordpiece(TEXTS, vocab_size=200)
    assert tokenizer.pad_token_id == 0
    assert tokenizer.bos_token == "[DEC]"
    assert conventions.enc_token_id(tokenizer) == tokenizer.convert_tokens_to_ids("[ENC]")
    ids = tokenizer("a red circle").input_ids
    assert ids[0] == tokenizer.cls_token_id and ids[-1] == tokenizer.sep_token_id


def test_vocabulary_is_deterministic_and_covers_unseen_words():
    first, second = train_wordpiece(TEXTS, vocab_size=60), train_wordpiece(list(TEXTS), vocab_size=60)
    assert first.get_vocab() == second.get_vocab()
    assert "[UNK]" not in first.tokenize("a greenish circle")


def test_saved_tokenizer_loads_with_transformers(tmp_path):
    train_wordpiece(TEXTS, vocab_size=200).save_pretrained(tmp_path)
    loaded = AutoTokenizer.from_pretrained(tmp_path)
    assert loaded.bos_token == "[DEC]" and "[ENC]" in loaded.get_vocab()
    assert loaded.decode(loaded("A red circle").input_ids, skip_special_tokens=True) == "a red circle"
