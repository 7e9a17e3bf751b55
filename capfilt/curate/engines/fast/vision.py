"""The BLIP ViT image encoder, run once per image with SDPA attention.

Same computation as transformers' `BlipVisionModel` (its eager attention is a matmul-softmax-matmul);
`last_hidden_state` is what the decoder and the ITM encoder cross-attend to.
"""

from __future__ import annotations

import torch

from capfilt.curate.engines.fast.attention import attend, merge_heads


def encode_images(vision_model, pixel_values: torch.Tensor) -> torch.Tensor:
    """(images, 3, H, W) -> image tokens (images, 1 + patches, hidden)."""
    hidden = vision_model.embeddings(pixel_values)
    images, tokens, _ = hidden.shape
    for layer in vision_model.encoder.layers:
        attention = layer.self_attn
        fused = attention.qkv(layer.layer_norm1(hidden))
        query, key, value = fused.view(images, tokens, 3, attention.num_heads, -1).permute(2, 0, 3, 1, 4)
        hidden = hidden + attention.projection(merge_heads(attend(query, key, value)))
        hidden = hidden + layer.mlp(layer.layer_norm2(hidden))
    return vision_model.post_layernorm(hidden)


def same_weights(module_a: torch.nn.Module, module_b: torch.nn.Module) -> bool:
    """True when both modules hold exactly the same tensors (names, shapes, dtypes, values)."""
    a, b = module_a.state_dict(), module_b.state_dict()
    if a.keys() != b.keys():
        return False
    return all(
        a[name].shape == b[name].shape and a[name].dtype == b[name].dtype and torch.equal(a[name], b[name])
        for name in a
    )
