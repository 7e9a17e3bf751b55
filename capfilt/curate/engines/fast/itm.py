"""BLIP's image-text matching score: the ITM text encoder over many texts per image, image K/V shared.

Same computation as `BlipForImageTextRetrieval(..., use_itm_head=True)`: the text encoder (bidirectional
self-attention over the text, cross-attention to the image tokens) then `itm_head` on the first token.
Two savings besides sharing: each image's cross-attention keys/values are projected once for all its texts,
and the last layer runs its queries for the first token only, the one position the ITM head reads.
"""

from __future__ import annotations

import torch

from capfilt.curate.engines.fast.attention import ImageGroups, attend, key_padding_mask
from capfilt.curate.engines.fast.decoder import ImageKeysValues
from capfilt.curate.engines.fast.text_layers import text_layers


class ItmEncoder:
    def __init__(self, retrieval_model):
        self.embeddings = retrieval_model.text_encoder.embeddings
        self.layers = text_layers(retrieval_model.text_encoder)
        self.itm_head = retrieval_model.itm_head

    def image_keys_values(self, image_embeds: torch.Tensor) -> ImageKeysValues:
        return [layer.image_keys_values(image_embeds) for layer in self.layers]

    def itm_logits(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        groups: ImageGroups,
        image_kv: ImageKeysValues,
    ) -> torch.Tensor:
        """Texts (rows, length), row r belonging to image groups.image_of_row[r] -> (rows, 2) ITM logits."""
        hidden = self.embeddings(input_ids=input_ids)
        mask = key_padding_mask(attention_mask)
        last = len(self.layers) - 1
        for index, layer in enumerate(self.layers):
            query, key, value = layer.qkv(hidden)
            if index == last:  # only the first token's output reaches the ITM head
                query, hidden = query[:, :, :1], hidden[:, :1]
            hidden = layer.after_self_attention(attend(query, key, value, mask), hidden)
            hidden = layer.cross_attention(hidden, *image_kv[index], groups)
            hidden = layer.feed_forward(hidden)
        return self.itm_head(hidden[:, 0])
