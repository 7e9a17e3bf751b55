"""Model size presets: transformers `BlipConfig`s from a test-sized model up to BLIP-base/large dimensions."""

from __future__ import annotations

from transformers import BlipConfig

# (vision hidden, vision layers, vision heads, text hidden, text layers, text heads, image size, patch size)
_DIMS = {
    # A few hundred thousand parameters: fast enough for unit tests on a laptop CPU.
    "tiny": dict(v_hidden=32, v_layers=2, v_heads=2, t_hidden=32, t_layers=2, t_heads=2, image=32, patch=8),
    # The bootstrapping loop's captioner and filter at `--scale small`: about 4x `tiny`'s cost per sample.
    "small": dict(v_hidden=64, v_layers=3, v_heads=4, t_hidden=64, t_layers=3, t_heads=4, image=64, patch=8),
    # The shipped demo captioner and filter: under 10 MB each in fp32, trainable on a shared 2-core CPU.
    "demo": dict(v_hidden=128, v_layers=3, v_heads=4, t_hidden=128, t_layers=3, t_heads=4, image=64, patch=8),
    # BLIP-base (ViT-B/16 + BERT-base) and BLIP-large (ViT-L/16 + BERT-base), as in the paper.
    "base": dict(
        v_hidden=768, v_layers=12, v_heads=12, t_hidden=768, t_layers=12, t_heads=12, image=384, patch=16
    ),
    "large": dict(
        v_hidden=1024, v_layers=24, v_heads=16, t_hidden=768, t_layers=12, t_heads=12, image=384, patch=16
    ),
}

PRESETS = tuple(_DIMS)

# BERT-base-uncased plus [DEC] and [ENC], as in BLIP; overridden by the tokenizer actually used.
BLIP_VOCAB_SIZE = 30524


def blip_config(
    preset: str,
    *,
    vocab_size: int = BLIP_VOCAB_SIZE,
    pad_token_id: int = 0,
    bos_token_id: int = 30522,
    sep_token_id: int = 102,
    image_size: int | None = None,
    max_text_length: int = 64,
) -> BlipConfig:
    """A transformers `BlipConfig` for `preset`, with token ids taken from the tokenizer in use.

    `bos_token_id` is BLIP's [DEC] (the decoder's first token) and `sep_token_id` ends a caption;
    transformers' `BlipForConditionalGeneration.generate` reads both from here.
    """
    if preset not in _DIMS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    d = _DIMS[preset]
    vision = dict(
        hidden_size=d["v_hidden"],
        intermediate_size=4 * d["v_hidden"],
        num_hidden_layers=d["v_layers"],
        num_attention_heads=d["v_heads"],
        image_size=image_size or d["image"],
        patch_size=d["patch"],
        layer_norm_eps=1e-6,
        # transformers' default (1e-10) is meant for loading weights; training from scratch needs ViT's 0.02.
        initializer_range=0.02,
    )
    text = dict(
        vocab_size=vocab_size,
        hidden_size=d["t_hidden"],
        intermediate_size=4 * d["t_hidden"],
        num_hidden_layers=d["t_layers"],
        num_attention_heads=d["t_heads"],
        max_position_embeddings=max(max_text_length, 40) if preset in ("tiny", "demo") else 512,
        encoder_hidden_size=d["v_hidden"],
        pad_token_id=pad_token_id,
        bos_token_id=bos_token_id,
        eos_token_id=sep_token_id,
        sep_token_id=sep_token_id,
        label_smoothing=0.1,
    )
    return BlipConfig(
        text_config=text,
        vision_config=vision,
        image_text_hidden_size=256 if preset in ("base", "large") else min(256, d["t_hidden"]),
        projection_dim=256,
        label_smoothing=0.1,
    )
