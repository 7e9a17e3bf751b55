"""BLIP-2 sizes as transformers `Blip2Config`s: test-sized to the paper's (ViT-g + BERT-base Q-Former)."""

from __future__ import annotations

from transformers import Blip2Config, OPTConfig

# (vision hidden, layers, heads, image size, patch, Q-Former hidden, layers, heads)
EVA_G_MLP_WIDTH = 6144
_DIMS = {
    "tiny": (32, 2, 2, 32, 8, 32, 2, 2),
    "demo": (64, 2, 2, 64, 8, 64, 4, 4),
    "paper": (1408, 39, 16, 224, 14, 768, 12, 12),
}
PRESETS = tuple(_DIMS)


def blip2_config(
    preset: str,
    *,
    vocab_size: int,
    pad_token_id: int = 0,
    num_query_tokens: int = 32,
    cross_attention_frequency: int = 2,
    max_text_length: int = 64,
    text_config: dict | None = None,
    image_token_id: int | None = None,
    text_input: bool = True,
    vision_config: dict | None = None,
    qformer_sizes: dict | None = None,
) -> Blip2Config:
    """`vocab_size` and `pad_token_id` are the Q-Former tokenizer's; `text_config` the frozen LM's (stage 2).

    `text_input`: the Q-Former's text branch (embeddings' use and text feed-forward), needed by stage 1 and
    absent in stage 2 (as in transformers' Blip2ForConditionalGeneration checkpoints).
    `vision_config`: a pretrained image encoder's (models.blip2.vision), replacing the preset's vision sizes;
    the Q-Former cross-attends to its width. `qformer_sizes`: a BLIP text encoder's sizes and vocabulary
    (models.blip2.qformer_init), replacing the preset's Q-Former sizes.
    """
    if preset not in _DIMS:
        raise ValueError(f"unknown BLIP-2 preset {preset!r}; choose one of {', '.join(PRESETS)}")
    v_hidden, v_layers, v_heads, image, patch, q_hidden, q_layers, q_heads = _DIMS[preset]
    vision = dict(
        hidden_size=v_hidden,
        # EVA ViT-g's MLP is 6144 wide (mlp_ratio 4.3637 in LAVIS's eva_vit.py), not 4 x 1408 = 5632.
        intermediate_size=EVA_G_MLP_WIDTH if preset == "paper" else 4 * v_hidden,
        num_hidden_layers=v_layers,
        num_attention_heads=v_heads,
        image_size=image,
        patch_size=patch,
        initializer_range=0.02,
    )
    if vision_config is not None:
        vision = dict(vision_config)
    qformer = dict(
        vocab_size=vocab_size,
        hidden_size=q_hidden,
        num_hidden_layers=q_layers,
        num_attention_heads=q_heads,
        intermediate_size=4 * q_hidden,
        max_position_embeddings=max(max_text_length, 64) if preset != "paper" else 512,
        encoder_hidden_size=vision["hidden_size"],
        cross_attention_frequency=cross_attention_frequency,
        pad_token_id=pad_token_id,
        use_qformer_text_input=text_input,
    )
    qformer.update(qformer_sizes or {})
    # Stage 1 has no LM; a tiny placeholder keeps the config loadable without describing a model it lacks.
    text = (
        text_config
        or OPTConfig(hidden_size=16, num_hidden_layers=1, num_attention_heads=1, ffn_dim=16).to_dict()
    )
    return Blip2Config(
        vision_config=vision,
        qformer_config=qformer,
        text_config=text,
        num_query_tokens=num_query_tokens,
        image_text_hidden_size=256 if preset == "paper" else q_hidden,
        image_token_index=image_token_id,
    )
