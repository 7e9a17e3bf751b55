"""A small WordPiece vocabulary for the demo world, saved as a transformers BERT tokenizer with BLIP's tokens.

BLIP uses bert-base-uncased plus two tokens: [DEC] (the tokenizer's bos_token, first token of the decoder)
and [ENC] (an additional special token, first token of the text encoder when it attends to the image).
"""

from __future__ import annotations

from collections.abc import Iterable

from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers
from tokenizers.models import WordPiece
from tokenizers.trainers import WordPieceTrainer
from transformers import BertTokenizer

DEC_TOKEN = "[DEC]"
ENC_TOKEN = "[ENC]"
# [PAD] first so that its id is 0, as in BERT and in transformers' BLIP config defaults.
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", DEC_TOKEN, ENC_TOKEN]


def train_wordpiece(texts: Iterable[str], vocab_size: int = 1000, min_frequency: int = 1) -> BertTokenizer:
    """Train an uncased WordPiece vocabulary on `texts` and wrap it as a BLIP-style BertTokenizer."""
    model = Tokenizer(WordPiece(unk_token="[UNK]"))
    model.normalizer = normalizers.BertNormalizer(lowercase=True)
    model.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    model.decoder = decoders.WordPiece(prefix="##")
    trainer = WordPieceTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, special_tokens=SPECIAL_TOKENS
    )
    model.train_from_iterator(texts, trainer=trainer)
    return blip_bert_tokenizer(model.get_vocab())


def blip_bert_tokenizer(vocab: dict[str, int]) -> BertTokenizer:
    """A BertTokenizer over `vocab` with [DEC] as bos_token and [ENC] as extra special token."""
    missing = [t for t in SPECIAL_TOKENS if t not in vocab]
    if missing:
        raise ValueError(f"vocabulary lacks BLIP's special tokens {missing}")
    return BertTokenizer(
        vocab=dict(sorted(vocab.items(), key=lambda item: item[1])),
        do_lower_case=True,
        bos_token=DEC_TOKEN,
        extra_special_tokens=[ENC_TOKEN],
    )
