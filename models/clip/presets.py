"""Model size presets: transformers `CLIPConfig`s from a test-sized model up to ViT-B/32 and ViT-L/14."""

from __future__ import annotations

from transformers import CLIPConfig

from models.clip.loss import LOGIT_SCALE_INIT

_DIMS = {
    # A few hundred thousand parameters: unit tests on a laptop CPU.
    "tiny": dict(
        v_hidden=32, v_layers=2, v_heads=2, t_hidden=32, t_layers=2, t_heads=2, embed=32, image=32, patch=8
    ),
    # Trainable on a 2-core CPU in minutes on the demo world's 64 px images.
    "demo": dict(
        v_hidden=64, v_layers=2, v_heads=2, t_hidden=64, t_layers=2, t_heads=2, embed=64, image=32, patch=8
    ),
    # OpenAI CLIP ViT-B/32 and ViT-L/14 (text transformer 512 x 12 and 768 x 12).
    "vit-b-32": dict(
        v_hidden=768,
        v_layers=12,
        v_heads=12,
        t_hidden=512,
        t_layers=12,
        t_heads=8,
        embed=512,
        image=224,
        patch=32,
    ),
    "vit-l-14": dict(
        v_hidden=1024,
        v_layers=24,
        v_heads=16,
        t_hidden=768,
        t_layers=12,
        t_heads=12,
        embed=768,
        image=224,
        patch=14,
    ),
}

PRESETS = tuple(_DIMS)

# transformers pools the text at the highest token id when eos_token_id == 2 (its pre-2023 CLIP configs);
# any other id pools at the first occurrence of that id, which is what a custom tokenizer needs.
_LEGACY_EOS_ID = 2


def clip_config(
    preset: str,
    *,
    vocab_size: int,
    pad_token_id: int,
    bos_token_id: int,
    eos_token_id: int,
    image_size: int | None = None,
    max_text_length: int = 77,
) -> CLIPConfig:
    """A `CLIPConfig` for `preset` with token ids from the tokenizer in use.

    The text tower pools at the first `eos_token_id` of each sequence (the tokenizer's end token, e.g. BERT's
    [SEP]); with a causal mask that position has seen the whole text.
    """
    if preset not in _DIMS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if eos_token_id == _LEGACY_EOS_ID:
        raise ValueError(
            "eos_token_id 2 makes transformers' CLIPTextModel pool at the highest token id instead of the "
            "end token; give the tokenizer a different id for its end token"
        )
    d = _DIMS[preset]
    text = dict(
        vocab_size=vocab_size,
        hidden_size=d["t_hidden"],
        intermediate_size=4 * d["t_hidden"],
        num_hidden_layers=d["t_layers"],
        num_attention_heads=d["t_heads"],
        max_position_embeddings=max_text_length,
        pad_token_id=pad_token_id,
        bos_token_id=bos_token_id,
        eos_token_id=eos_token_id,
    )
    vision = dict(
        hidden_size=d["v_hidden"],
        intermediate_size=4 * d["v_hidden"],
        num_hidden_layers=d["v_layers"],
        num_attention_heads=d["v_heads"],
        image_size=image_size or d["image"],
        patch_size=d["patch"],
    )
    return CLIPConfig(
        text_config=text,
        vision_config=vision,
        projection_dim=d["embed"],
        logit_scale_init_value=LOGIT_SCALE_INIT,
    )
