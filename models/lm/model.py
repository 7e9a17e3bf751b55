"""The frozen causal language model that Flamingo and BLIP-2 (stage 2) wrap: any transformers
`AutoModelForCausalLM` loaded from a directory, or a small OPT built from a preset, with a tokenizer.

OPT is the default family because BLIP-2's paper uses it and transformers' `Blip2ForConditionalGeneration`
loads it; nothing below depends on the family.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from tokenizers import Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece
from tokenizers.trainers import WordPieceTrainer
from torch import nn
from transformers import AutoModelForCausalLM, AutoTokenizer, OPTConfig, PreTrainedTokenizerFast

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
# BLIP-2's placeholder token for the soft prompt (transformers' image_token_id); Flamingo adds its own tokens.
IMAGE_TOKEN = "<image>"
SPECIAL_TOKENS = [PAD, UNK, BOS, EOS, IMAGE_TOKEN]

# (hidden, layers, heads); ffn is 4 x hidden as in OPT.
_DIMS = {
    "tiny": (32, 2, 2),
    "demo": (128, 4, 4),
    # OPT-125m / OPT-350m-like widths, for real runs from scratch (normally one loads --lm instead).
    "125m": (768, 12, 12),
}
LM_PRESETS = tuple(_DIMS)


def train_causal_tokenizer(texts: Iterable[str], vocab_size: int = 1000) -> PreTrainedTokenizerFast:
    """An uncased WordPiece vocabulary for a causal LM: `<s> text` in, ids out; `<image>` reserved."""
    model = Tokenizer(WordPiece(unk_token=UNK))
    model.normalizer = normalizers.BertNormalizer(lowercase=True)
    model.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    model.decoder = decoders.WordPiece(prefix="##")
    model.train_from_iterator(
        texts, trainer=WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL_TOKENS)
    )
    bos_id = model.token_to_id(BOS)
    # Like OPT's tokenizer: BOS first, no EOS (callers append EOS where a text ends).
    model.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", special_tokens=[(BOS, bos_id)])
    return PreTrainedTokenizerFast(
        tokenizer_object=model,
        pad_token=PAD,
        unk_token=UNK,
        bos_token=BOS,
        eos_token=EOS,
        extra_special_tokens=[IMAGE_TOKEN],
    )


def causal_lm_config(preset: str, tokenizer, max_positions: int = 512) -> OPTConfig:
    if preset not in _DIMS:
        raise ValueError(f"unknown LM preset {preset!r}; choose one of {', '.join(LM_PRESETS)}")
    hidden, layers, heads = _DIMS[preset]
    return OPTConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        ffn_dim=4 * hidden,
        max_position_embeddings=max_positions,
        word_embed_proj_dim=hidden,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        dropout=0.0,
    )


def build_causal_lm(preset: str, tokenizer, seed: int = 0) -> nn.Module:
    """A freshly initialised OPT of `preset` size for `tokenizer` (the demo's LM: random, then frozen)."""
    torch.manual_seed(seed)
    return AutoModelForCausalLM.from_config(causal_lm_config(preset, tokenizer))


def load_causal_lm(source: str) -> tuple[nn.Module, PreTrainedTokenizerFast]:
    """A causal LM and its tokenizer from a local directory (or a hub id when online)."""
    return AutoModelForCausalLM.from_pretrained(source), AutoTokenizer.from_pretrained(source)


def freeze(module: nn.Module) -> nn.Module:
    """No gradients and eval mode (no dropout); wrappers keep frozen parts in eval in their train()."""
    module.requires_grad_(False)
    return module.eval()


def decoder_layers(lm: nn.Module) -> nn.ModuleList:
    """The LM's stack of decoder layers: the one ModuleList with as many entries as the config has layers.

    Works for OPT (model.decoder.layers), Llama-likes (model.layers), GPT-2 (transformer.h) and others
    without a table of names.
    """
    count = lm.config.get_text_config().num_hidden_layers
    for _, module in lm.named_modules():
        if isinstance(module, nn.ModuleList) and len(module) == count:
            return module
    raise ValueError(f"{type(lm).__name__} has no ModuleList of {count} decoder layers")
