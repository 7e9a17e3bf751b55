"""Initialising BLIP-2's Q-Former from a BLIP checkpoint's text encoder (`--qformer_init DIR` of stage 1).

BLIP-2 starts its Q-Former from a pretrained BERT rather than from scratch. A BLIP text encoder is a BERT with
cross-attention to the image in every layer, and transformers' Q-Former layer has the same parts under other
names, so it maps one to one: embeddings, self-attention, cross-attention (in the layers that have one, every
`cross_attention_frequency`-th) and the feed-forward, which initialises both the text and the query
feed-forward (as BLIP-2's code does). The Q-Former takes the encoder's sizes and vocabulary, so the BLIP
tokenizer comes with it. Used with the same checkpoint's `--vision`, the cross-attention starts out reading
the features it was trained on. Weights are read from safetensors only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoTokenizer

from models.common.checkpoint_io import read_config, read_state_dict

PREFIX = "text_encoder."
_SIZES = (
    "vocab_size",
    "hidden_size",
    "num_hidden_layers",
    "num_attention_heads",
    "intermediate_size",
    "max_position_embeddings",
    "layer_norm_eps",
    "hidden_act",
    "pad_token_id",
)


@dataclass
class TextEncoderInit:
    qformer_sizes: dict  # Blip2QFormerConfig fields
    encoder_hidden_size: int  # the width of the image features its cross-attention was trained on
    state_dict: dict[str, torch.Tensor]  # keys of models.blip2.stage1.Blip2Stage1
    tokenizer: object
    source: str


def _rename(key: str) -> list[str]:
    """Blip2Stage1 names for a BLIP text-encoder key (without the `text_encoder.` prefix)."""
    if key.startswith("embeddings.LayerNorm."):
        return ["qformer.layernorm." + key.split(".")[-1]]
    if key.startswith("embeddings."):
        return [key] if key.split(".")[1] in ("word_embeddings", "position_embeddings") else []
    match = re.match(r"encoder\.layer\.(\d+)\.(.*)", key)
    if not match:
        return []
    layer, rest = match.groups()
    rest = rest.replace("attention.self.", "attention.attention.")  # attention.* and crossattention.*
    names = [rest]
    if rest.startswith(("intermediate.", "output.")):
        names.append(rest.replace("intermediate.", "intermediate_query.").replace("output.", "output_query."))
    return [f"qformer.encoder.layer.{layer}.{name}" for name in names]


def load_text_encoder(source: str | Path) -> TextEncoderInit:
    directory = Path(source)
    config = read_config(directory, "--qformer_init")
    if config.get("model_type") != "blip":
        raise ValueError(
            f"--qformer_init {source}: model_type {config.get('model_type')!r} is not a BLIP checkpoint "
            "(its text encoder initialises the Q-Former)"
        )
    text = config.get("text_config", {})
    state = read_state_dict(directory)
    encoder = {k[len(PREFIX) :]: v.float() for k, v in state.items() if k.startswith(PREFIX)}
    if not encoder:
        raise ValueError(
            f"--qformer_init {source} has no text encoder (a captioner holds only the decoder; use a "
            "pretrained or filter checkpoint)"
        )
    mapped = {name: value for key, value in encoder.items() for name in _rename(key)}
    sizes = {k: text[k] for k in _SIZES if k in text}
    tokenizer = AutoTokenizer.from_pretrained(directory)
    return TextEncoderInit(sizes, text.get("encoder_hidden_size", 0), mapped, tokenizer, str(source))


def apply(init: TextEncoderInit, model: torch.nn.Module) -> None:
    """Copy the mapped weights into a Blip2Stage1 built with `init.qformer_sizes`; every Q-Former weight
    must be covered."""
    own = model.state_dict()
    wrong = [k for k, v in init.state_dict.items() if k in own and own[k].shape != v.shape]
    if wrong:
        raise ValueError(
            f"--qformer_init {init.source}: shapes differ from the Q-Former for {wrong[:3]} (is the image "
            "encoder the one this text encoder was trained with? see --vision)"
        )
    loadable = {k: v for k, v in init.state_dict.items() if k in own}
    model.load_state_dict(loadable, strict=False)
    uncovered = [
        k for k in own if k.startswith("qformer.") and k not in loadable and ".crossattention." not in k
    ]
    if uncovered:
        raise ValueError(f"--qformer_init {init.source} lacks Q-Former weights {uncovered[:3]}")
