"""Tiny real BLIP-2 (OPT and Flan-T5 language models) and GIT captioners, built and saved locally.

Each is the real transformers architecture at toy sizes, saved with `save_pretrained` (safetensors and its
processor), so the pipeline loads it through exactly the code that loads a hub id. The tokenizers are real
`tokenizers` word-level tokenizers over the tiny BLIP vocabulary, with each family's own special-token
convention: OPT prepends `</s>` as bos, T5 appends `</s>`, GIT (BERT) wraps in [CLS] ... [SEP].
"""

from __future__ import annotations

from pathlib import Path

import torch
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import (
    BertTokenizer,
    Blip2Config,
    Blip2ForConditionalGeneration,
    Blip2Processor,
    BlipImageProcessorPil,
    CLIPImageProcessorPil,
    GitConfig,
    GitForCausalLM,
    GitProcessor,
    OPTConfig,
    PreTrainedTokenizerFast,
    T5Config,
)

from tests.helpers.capfilt_tiny import IMAGE_SIZE, SPECIALS, WORDS

NUM_QUERY_TOKENS = 4
LM_SPECIALS = ["<pad>", "</s>", "<unk>"]


def _word_tokenizer(template: str) -> PreTrainedTokenizerFast:
    """A word-level fast tokenizer whose post-processor applies `template` ("</s> $A" or "$A </s>")."""
    vocab = {token: i for i, token in enumerate(LM_SPECIALS + WORDS)}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(single=template, special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="</s>", bos_token="</s>", unk_token="<unk>"
    )


def _blip2_config(text_config, vocab_size: int, image_token: int) -> Blip2Config:
    vision = {
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "image_size": IMAGE_SIZE,
        "patch_size": 8,
    }
    qformer = {
        "vocab_size": vocab_size,
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "encoder_hidden_size": 32,
        "cross_attention_frequency": 1,
        "max_position_embeddings": 64,
    }
    return Blip2Config(
        vision_config=vision,
        qformer_config=qformer,
        text_config=text_config.to_dict(),
        num_query_tokens=NUM_QUERY_TOKENS,
        image_token_index=image_token,
    )


def _widen(model: torch.nn.Module) -> None:
    # Random init gives near-uniform logits; a wider spread makes captions depend on the image and seed.
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() > 1:
                parameter.mul_(4.0)


def save_tiny_blip2(directory: Path, language_model: str, seed: int = 0) -> Path:
    """A tiny Blip2ForConditionalGeneration with an OPT (`opt`) or T5 (`t5`) language model."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    tokenizer = _word_tokenizer("</s> $A" if language_model == "opt" else "$A </s>")
    images = BlipImageProcessorPil(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    processor = Blip2Processor(images, tokenizer, num_query_tokens=NUM_QUERY_TOKENS)  # adds <image>
    vocab_size = len(processor.tokenizer)
    image_token = processor.tokenizer.convert_tokens_to_ids("<image>")
    small = {"vocab_size": vocab_size, "pad_token_id": 0, "eos_token_id": 1}
    if language_model == "opt":
        text = OPTConfig(
            hidden_size=32,
            ffn_dim=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            word_embed_proj_dim=32,
            max_position_embeddings=64,
            bos_token_id=1,
            **small,
        )
    else:
        text = T5Config(
            d_model=32,
            d_kv=16,
            d_ff=64,
            num_layers=2,
            num_decoder_layers=2,
            num_heads=2,
            feed_forward_proj="gated-gelu",
            decoder_start_token_id=0,
            **small,
        )
    model = Blip2ForConditionalGeneration(_blip2_config(text, vocab_size, image_token))
    _widen(model)
    model.save_pretrained(str(directory), safe_serialization=True)
    processor.save_pretrained(str(directory))
    return directory


def save_tiny_git(directory: Path, seed: int = 0) -> Path:
    """A tiny GitForCausalLM with its GitProcessor (CLIP image processor, BERT tokenizer)."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    vocab = SPECIALS + WORDS
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n")
    tokenizer = BertTokenizer(str(directory / "vocab.txt"), do_lower_case=True)
    size = {"height": IMAGE_SIZE, "width": IMAGE_SIZE}
    images = CLIPImageProcessorPil(size=size, crop_size=size, do_center_crop=False)
    config = GitConfig(
        vision_config={
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_hidden_layers": 2,
            "num_attention_heads": 2,
            "image_size": IMAGE_SIZE,
            "patch_size": 8,
        },
        vocab_size=len(vocab),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        max_position_embeddings=64,
        bos_token_id=vocab.index("[CLS]"),
        eos_token_id=vocab.index("[SEP]"),
        pad_token_id=vocab.index("[PAD]"),
    )
    model = GitForCausalLM(config)
    _widen(model)
    model.save_pretrained(str(directory), safe_serialization=True)
    GitProcessor(images, tokenizer).save_pretrained(str(directory))
    return directory
