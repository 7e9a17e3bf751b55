"""Turning (image tensor, text) samples into the tensors BLIP's objectives take."""

from __future__ import annotations

import zlib

import torch

from models.blip import conventions


class BlipCollator:
    """Tokenizes each text twice: as is for the encoder (ITC/ITM) and after the prompt for the decoder (LM).

    Picklable, so it runs inside DataLoader worker processes.
    """

    def __init__(
        self,
        tokenizer,
        max_length: int = 35,
        prompt: str = conventions.DEFAULT_PROMPT,
        itm_first_token: str = conventions.DEFAULT_ITM_FIRST_TOKEN,
        special: conventions.SpecialIds | None = None,
    ):
        self.tokenizer = tokenizer
        # From the model's config when given: a hub BERT tokenizer holds neither [DEC] nor [ENC].
        self.special = special or conventions.special_ids(tokenizer)
        self.itm_first_token = itm_first_token
        self.max_length = max_length
        self.prompt = prompt
        self.num_prompt_tokens = conventions.prompt_length(tokenizer, prompt)

    def __call__(self, samples: list[dict]) -> dict:
        texts = [s["text"] for s in samples]
        encoder = self._tokenize(texts, self.max_length)
        decoder = self._tokenize([self.prompt + t for t in texts], self.max_length + self.num_prompt_tokens)
        decoder_ids = conventions.decoder_input_ids(decoder.input_ids, self.tokenizer, self.special)
        return {
            "pixel_values": torch.stack([s["pixel_values"] for s in samples]),
            "input_ids": encoder.input_ids,
            "itm_input_ids": conventions.itm_input_ids(
                encoder.input_ids, self.tokenizer, self.itm_first_token, self.special
            ),
            "attention_mask": encoder.attention_mask,
            "decoder_input_ids": decoder_ids,
            "decoder_attention_mask": decoder.attention_mask,
            "labels": conventions.lm_labels(decoder_ids, decoder.attention_mask, self.num_prompt_tokens),
            # Rows of the same pair (same key) are never each other's negatives.
            "pair_ids": torch.tensor([zlib.crc32(s["key"].encode()) for s in samples], dtype=torch.long),
            "keys": [s["key"] for s in samples],
        }

    def _tokenize(self, texts: list[str], max_length: int):
        return self.tokenizer(
            texts,
            padding="longest",
            truncation=True,
            max_length=max_length,
            return_tensors="pt",
            return_token_type_ids=False,
        )
