"""A small WordPiece vocabulary for the demo world, saved as a transformers BERT tokenizer with BLIP's tokens.
Shared by BLIP, CLIP and BLIP-2 (their text towers all start from BLIP's BERT vocabulary).

BLIP uses bert-base-uncased plus two tokens: [DEC] (the tokenizer's bos_token, first token of the decoder)
and [ENC] (an additional special token, first token of the text encoder when it attends to the image).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tokenizers import normalizers, pre_tokenizers
from transformers import BertTokenizer

DEC_TOKEN = "[DEC]"
ENC_TOKEN = "[ENC]"
# [PAD] first so that its id is 0, as in BERT and in transformers' BLIP config defaults.
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", DEC_TOKEN, ENC_TOKEN]


def train_wordpiece(texts: Iterable[str], vocab_size: int = 1000, min_frequency: int = 1) -> BertTokenizer:
    """An uncased WordPiece vocabulary for `texts`, wrapped as a BLIP-style BertTokenizer.

    The vocabulary is the most frequent whole words (BERT's normalisation and pre-tokenisation, from
    `tokenizers`) plus every character alone and as a "##" continuation, so any word still tokenizes.
    `tokenizers`' WordPieceTrainer is not used because it breaks ties between equally frequent merges
    differently from run to run, which would make two runs with the same seed differ; on a caption
    vocabulary of a few hundred words, whole words lose nothing.
    """
    normalizer = normalizers.BertNormalizer(lowercase=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    counts: Counter[str] = Counter()
    for text in texts:
        words = pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(text))
        counts.update(word for word, _ in words)
    characters = sorted({c for word in counts for c in word})
    pieces = characters + [f"##{c}" for c in characters]
    budget = max(0, vocab_size - len(SPECIAL_TOKENS) - len(pieces))
    ranked = sorted(
        (w for w, n in counts.items() if n >= min_frequency and len(w) > 1), key=lambda w: (-counts[w], w)
    )
    tokens = SPECIAL_TOKENS + pieces + ranked[:budget]
    return blip_bert_tokenizer({token: index for index, token in enumerate(tokens)})


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
