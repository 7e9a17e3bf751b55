"""BLIP's image-grounded text decoder (transformers' `BlipTextLMHeadModel`), one forward pass at a time.

`prefill` runs the prompt once per image (it is the same for all N samples of an image) and stores its
self-attention keys/values for every sample; `step` feeds one new token per sequence. Cross-attention reads
per-image keys/values computed once by `image_keys_values`.
"""

from __future__ import annotations

import torch

from capfilt.curate.engines.fast.attention import ImageGroups, attend
from capfilt.curate.engines.fast.kv_cache import SelfAttentionCache
from capfilt.curate.engines.fast.text_layers import text_layers

ImageKeysValues = list[tuple[torch.Tensor, torch.Tensor]]


class TextDecoder:
    def __init__(self, text_decoder):
        self.embeddings = text_decoder.bert.embeddings
        self.layers = text_layers(text_decoder.bert)
        self.lm_head = text_decoder.cls
        self.heads = self.layers[0].heads
        self.head_dim = text_decoder.config.hidden_size // self.heads

    def image_keys_values(self, image_embeds: torch.Tensor) -> ImageKeysValues:
        return [layer.image_keys_values(image_embeds) for layer in self.layers]

    def new_cache(self, rows: int, max_length: int, like: torch.Tensor) -> SelfAttentionCache:
        return SelfAttentionCache(len(self.layers), rows, self.heads, max_length, self.head_dim, like)

    def prefill(
        self, prompt: torch.Tensor, image_kv: ImageKeysValues, cache: SelfAttentionCache, copies: int
    ) -> torch.Tensor:
        """prompt (images, P) -> next-token logits (images, vocab); cache rows image*copies + j filled."""
        hidden = self.embeddings(input_ids=prompt)
        groups = ImageGroups.repeated(prompt.shape[0], 1, prompt.device)
        for index, layer in enumerate(self.layers):
            query, key, value = layer.qkv(hidden)
            cache.write_prompt(index, key, value, copies)
            hidden = layer.after_self_attention(attend(query, key, value, causal=True), hidden)
            hidden = layer.cross_attention(hidden, *image_kv[index], groups)
            hidden = layer.feed_forward(hidden)
        return self.lm_head(hidden[:, -1:])[:, 0]

    def step(
        self,
        tokens: torch.Tensor,
        position: int,
        image_kv: ImageKeysValues,
        groups: ImageGroups,
        cache: SelfAttentionCache,
    ) -> torch.Tensor:
        """tokens (rows,) at `position` -> next-token logits (rows, vocab)."""
        hidden = self.embeddings(input_ids=tokens[:, None], cache_length=position)
        for index, layer in enumerate(self.layers):
            query, key, value = layer.qkv(hidden)
            keys, values = cache.append(index, position, key, value)
            hidden = layer.after_self_attention(attend(query, keys, values), hidden)
            hidden = layer.cross_attention(hidden, *image_kv[index], groups)
            hidden = layer.feed_forward(hidden)
        return self.lm_head(hidden)[:, 0]
