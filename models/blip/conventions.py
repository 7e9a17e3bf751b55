"""How BLIP's first tokens and prompt are handled: one place shared by training, export checks and CapFilt.

Tokenizing "some text" with the BLIP tokenizer gives `[CLS] some text [SEP]`. BLIP then replaces the first
token according to the use (as Salesforce's code does):

- ITC, text encoder alone:               `[CLS] ...` as tokenized.
- ITM, text encoder attending the image: Salesforce's code replaces the first token with [ENC];
  transformers' `BlipForImageTextRetrieval` feeds `input_ids` unchanged ([CLS] first). Models trained here
  use [CLS] by default (`itm_first_token="cls"`), so an exported filter scores correctly through the plain
  transformers API and CapFilt's default; `itm_first_token="enc"` reproduces BLIP's code (for continuing
  from Salesforce's weights). The choice is written into the exported config.json as `itm_first_token`.
- LM, image-grounded decoder:            `[DEC] a picture of <caption> [SEP]`, loss only on `<caption> [SEP]`.
  transformers' `BlipForConditionalGeneration.generate(input_ids=tokenize(prompt))` does the same
  replacement itself and drops the trailing [SEP], so the prompt is passed as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

DEFAULT_PROMPT = "a picture of "
IGNORE_INDEX = -100
ITM_FIRST_TOKENS = ("cls", "enc")
DEFAULT_ITM_FIRST_TOKEN = "cls"


# The ITM token of a checkpoint whose config does not say: the convention of the code that trained every
# published BLIP ITM checkpoint (salesforce/BLIP `blip_retrieval.py`, LAVIS), as CapFilt's filter decides.
FOREIGN_ITM_FIRST_TOKEN = "enc"


def checkpoint_itm_first_token(config, requested: str = "auto") -> str:
    """`cls` or `enc`: `requested`, or for "auto" the config's `itm_first_token` (this project writes it at
    export), else BLIP's own [ENC]."""
    if requested != "auto":
        return requested
    return getattr(config, "itm_first_token", None) or FOREIGN_ITM_FIRST_TOKEN


@dataclass(frozen=True)
class SpecialIds:
    """BLIP's two added tokens: [DEC] starts every decoder input, [ENC] starts ITM inputs in BLIP's code."""

    dec: int
    enc: int | None


def enc_token_id(tokenizer) -> int | None:
    """The id of [ENC] in the tokenizer, or None for a tokenizer without it."""
    token_id = tokenizer.convert_tokens_to_ids("[ENC]")
    return None if token_id is None or token_id == tokenizer.unk_token_id else int(token_id)


def special_ids(tokenizer, text_config=None) -> SpecialIds:
    """[DEC] and [ENC] ids for a model and its tokenizer.

    [DEC] is `text_config.bos_token_id` when a config is given (what transformers' BLIP `generate` writes,
    so training and inference agree), else the tokenizer's bos token. The hub's BLIP processors are plain
    BERT tokenizers without either token, so the config is the one source there. [ENC] is the tokenizer's
    literal `[ENC]`, else the id right after [DEC]: BLIP's `init_tokenizer` adds [DEC] as bos and then
    [ENC], so 30522 and 30523 for bert-base-uncased's 30522-word vocabulary (the published checkpoints'
    `vocab_size` 30524 holds both).
    """
    dec = getattr(text_config, "bos_token_id", None) if text_config is not None else None
    if dec is None:
        dec = tokenizer.bos_token_id
    if dec is None:
        raise ValueError(
            "no [DEC] id: the tokenizer has no bos token and no model config with bos_token_id was given"
        )
    enc = enc_token_id(tokenizer)
    if enc is None:
        vocab_size = getattr(text_config, "vocab_size", None) if text_config is not None else None
        enc = dec + 1 if vocab_size is not None and dec + 1 < vocab_size else None
    return SpecialIds(dec=int(dec), enc=enc)


def itm_input_ids(
    input_ids: torch.Tensor,
    tokenizer,
    first_token: str = DEFAULT_ITM_FIRST_TOKEN,
    special: SpecialIds | None = None,
) -> torch.Tensor:
    """Tokenized texts as the ITM head takes them: unchanged for "cls", first token [ENC] for "enc"."""
    if first_token not in ITM_FIRST_TOKENS:
        raise ValueError(f"itm_first_token must be one of {ITM_FIRST_TOKENS}, got {first_token!r}")
    ids = input_ids.clone()
    if first_token == "enc":
        token_id = special.enc if special is not None else enc_token_id(tokenizer)
        if token_id is None:
            raise ValueError(
                "itm_first_token='enc' needs an [ENC] id: a tokenizer with [ENC], or a model config whose "
                "vocabulary holds the id after [DEC]"
            )
        ids[:, 0] = token_id
    return ids


def decoder_input_ids(input_ids: torch.Tensor, tokenizer, special: SpecialIds | None = None) -> torch.Tensor:
    """A copy of tokenized `prompt + caption` texts, [CLS] replaced by [DEC] (`special.dec`, else the
    tokenizer's bos_token)."""
    ids = input_ids.clone()
    ids[:, 0] = (special or special_ids(tokenizer)).dec
    return ids


def prompt_length(tokenizer, prompt: str) -> int:
    """Tokens of [DEC] + prompt, which the LM loss ignores (BLIP: len(tokenize(prompt)) - 1, no [SEP])."""
    return len(tokenizer(prompt).input_ids) - 1


def lm_labels(
    decoder_ids: torch.Tensor, attention_mask: torch.Tensor, num_prompt_tokens: int
) -> torch.Tensor:
    """Targets for the decoder: the ids themselves, ignored on padding and on [DEC] + prompt."""
    labels = decoder_ids.masked_fill(attention_mask == 0, IGNORE_INDEX)
    labels[:, :num_prompt_tokens] = IGNORE_INDEX
    return labels


def strip_prompt(caption: str, prompt: str = DEFAULT_PROMPT) -> str:
    """The caption without the prompt that the decoder repeats at its start."""
    head = prompt.strip().lower()
    text = caption.strip()
    return text[len(head) :].strip() if head and text.lower().startswith(head) else text
