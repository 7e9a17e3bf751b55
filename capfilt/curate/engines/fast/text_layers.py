"""One BLIP text layer (self-attention, cross-attention over image tokens, feed-forward) run with SDPA.

Works on the weights of transformers' `BlipTextLayer`; its LayerNorm/dense sub-modules are called as they
are, only the attention cores are replaced. The query/key/value projections are fused into one matrix so a
decoding step does one matrix product instead of three.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from capfilt.curate.engines.fast.attention import ImageGroups, attend, merge_heads, split_heads


class TextLayer:
    def __init__(self, layer):
        attention = layer.attention.self
        cross = layer.crossattention.self
        self.heads = attention.num_attention_heads
        self.qkv_weight = torch.cat([attention.query.weight, attention.key.weight, attention.value.weight])
        self.qkv_bias = torch.cat([attention.query.bias, attention.key.bias, attention.value.bias])
        self.self_output = layer.attention.output
        self.cross_query = cross.query
        self.cross_kv_weight = torch.cat([cross.key.weight, cross.value.weight])
        self.cross_kv_bias = torch.cat([cross.key.bias, cross.value.bias])
        self.cross_output = layer.crossattention.output
        self.intermediate = layer.intermediate
        self.output = layer.output

    def qkv(self, hidden: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Self-attention query, key and value, each (rows, heads, length, head_dim)."""
        rows, length, _ = hidden.shape
        fused = F.linear(hidden, self.qkv_weight, self.qkv_bias)
        query, key, value = fused.view(rows, length, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        return query, key, value

    def after_self_attention(self, context: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.self_output(merge_heads(context), residual)

    def image_keys_values(self, image_embeds: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """This layer's cross-attention keys and values over the image tokens, once per image.

        Made contiguous in (images, heads, tokens, head_dim) so that every later attention call reads them
        in place rather than re-laying them out.
        """
        images, tokens, _ = image_embeds.shape
        fused = F.linear(image_embeds, self.cross_kv_weight, self.cross_kv_bias)
        key, value = fused.view(images, tokens, 2, self.heads, -1).permute(2, 0, 3, 1, 4)
        return key.contiguous(), value.contiguous()

    def cross_attention(
        self, hidden: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, groups: ImageGroups
    ) -> torch.Tensor:
        query = split_heads(groups.fold(self.cross_query(hidden)), self.heads)
        context = merge_heads(attend(query, keys, values))
        return self.cross_output(groups.unfold(context, hidden.shape[1]), hidden)

    def feed_forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.output(self.intermediate(hidden), hidden)


def text_layers(bert_model) -> list[TextLayer]:
    """The layers of a transformers `BlipTextModel` (the decoder's `.bert` or the ITM text encoder)."""
    return [TextLayer(layer) for layer in bert_model.encoder.layer]
