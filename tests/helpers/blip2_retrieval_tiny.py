"""A tiny real Blip2ForImageTextRetrieval saved in the hub's Salesforce/blip2-itm-vit-g layout.

That checkpoint is a BERT tokenizer with `[DEC]` as bos after the vocabulary (30522) and the `<image>`
token Blip2Processor adds after it (30523, the config's image_token_index, outside the Q-Former's
vocabulary of 30523 words), a BLIP image processor and a processor_config.json naming num_query_tokens;
this one is the same at toy sizes, loaded through capfilt.curate.checkpoints like a hub id."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (
    BertTokenizer,
    Blip2ForImageTextRetrieval,
    Blip2Processor,
    BlipImageProcessorPil,
    OPTConfig,
)

from tests.helpers.capfilt_tiny import IMAGE_SIZE, SPECIALS, WORDS
from tests.helpers.captioner_tiny import NUM_QUERY_TOKENS, _blip2_config, _widen


def save_tiny_blip2_retrieval(directory: Path, seed: int = 0, image_token: bool = True) -> Path:
    """A random tiny Blip2ForImageTextRetrieval and its processor in `directory`; `image_token=False`
    writes the hub's first layout (no image_token_index, no processor num_query_tokens: the processor's
    texts carry no `<image>` tokens)."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    (directory / "vocab.txt").write_text("\n".join(SPECIALS + WORDS) + "\n")
    tokenizer = BertTokenizer(str(directory / "vocab.txt"), do_lower_case=True, bos_token="[DEC]")
    images = BlipImageProcessorPil(size={"height": IMAGE_SIZE, "width": IMAGE_SIZE})
    # Adds <image>; the older layout's processor names no num_query_tokens, so it prepends none.
    processor = Blip2Processor(images, tokenizer, num_query_tokens=NUM_QUERY_TOKENS if image_token else None)
    image_token_id = processor.tokenizer.convert_tokens_to_ids("<image>")
    # The language model is never built by the retrieval class; the config only has to name one.
    text = OPTConfig(hidden_size=32, ffn_dim=64, num_hidden_layers=1, num_attention_heads=2, vocab_size=8)
    config = _blip2_config(text, image_token_id, image_token_id if image_token else None)
    config.image_text_hidden_size = 16
    config.qformer_config.use_qformer_text_input = True  # as the hub's config: the text layers exist
    config.vision_config.initializer_range = 0.02  # its default, 1e-10, makes every image look the same
    model = Blip2ForImageTextRetrieval(config)
    _widen(model)  # random init gives ITM probabilities near 0.5 and cosines near 0
    model.save_pretrained(str(directory), safe_serialization=True)
    processor.save_pretrained(str(directory))
    return directory
