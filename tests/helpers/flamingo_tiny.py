"""A tiny Flamingo (random tiny CLIP tower, tiny OPT) for the tests, built in memory."""

from __future__ import annotations

from models.flamingo.model import FlamingoConfig, FlamingoModel
from models.flamingo.tokens import add_flamingo_tokens
from models.flamingo.vision import ClipVisionEncoder
from models.lm.model import build_causal_lm, train_causal_tokenizer

TEXTS = ["I saw a beautiful yesterday. The sunset was amazing", "a red circle on the left", "a big blue star"]
TINY = FlamingoConfig(
    num_latents=4, resampler_depth=1, resampler_heads=2, resampler_dim_head=8, max_frames=4,
    xattn_heads=2, xattn_dim_head=8,
)  # fmt: skip


def tiny_flamingo(lm=None, tokenizer=None, config: FlamingoConfig = TINY):
    tokenizer = tokenizer or train_causal_tokenizer(TEXTS * 5, vocab_size=200)
    new_ids = list(add_flamingo_tokens(tokenizer))
    lm = lm or build_causal_lm("tiny", tokenizer)
    return FlamingoModel(ClipVisionEncoder.from_preset("tiny"), lm, new_ids, config), tokenizer
