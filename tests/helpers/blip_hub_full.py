"""Full-width checkpoints laid out as the hub's Salesforce/blip-image-captioning-base and
Salesforce/blip-itm-base-coco: BLIP-base dimensions, the real bert-base-uncased vocabulary, 384 px, random
weights.

The files are those of the hub's repositories, rebuilt here because the hub cannot be reached:
`config.json` is `BlipConfig`'s defaults (documented by transformers as BLIP-base) with the hub's documented
correction of the text heads, `preprocessor_config.json` is the hub's one file (BlipImageProcessor at
384 px, CLIP's mean and std, bicubic), and the tokenizer is `BertTokenizer` over bert-base-uncased's
vocab.txt (tests/data/real/bert) with BERT's five specials only: BLIP's [DEC] and [ENC] exist only as ids
30522 and 30523 (`text_config.bos_token_id` and the one after it), the layout that made a hub checkpoint
crash fine-tuning (issue 18).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import torch
from transformers import (
    BertTokenizer,
    BlipConfig,
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
)

VOCAB = Path(__file__).resolve().parents[1] / "data" / "real" / "bert" / "vocab.txt.gz"
BERT_VOCAB_SIZE = 30522
HUB_IMAGE_SIZE = 384
ARCHITECTURES = {"captioner": BlipForConditionalGeneration, "filter": BlipForImageTextRetrieval}


def hub_config() -> BlipConfig:
    """BlipConfig's defaults are BLIP-base at 384 px (vocab 30524 = BERT's 30522 + [DEC] + [ENC],
    bos_token_id 30522, sep 102, pad 0) except the text heads: transformers' default is 8, and the hub's
    configs were corrected to BLIP's 12 in April 2023 (transformers PR #22632 after issue #22625). The
    vision LayerNorm eps stays the hub's 1e-5 (BLIP's own code uses 1e-6: salesforce/LAVIS issue #106)."""
    config = BlipConfig(text_config={"num_attention_heads": 12}, vision_config={})
    assert config.text_config.vocab_size == BERT_VOCAB_SIZE + 2
    assert config.vision_config.image_size == HUB_IMAGE_SIZE
    return config


# The hub's preprocessor_config.json (the legacy one-file layout: the image processor's fields and the
# processor class; no processor_config.json).
HUB_PREPROCESSOR = {
    "do_normalize": True,
    "do_resize": True,
    "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_processor_type": "BlipImageProcessor",
    "image_std": [0.26862954, 0.26130258, 0.27577711],
    "processor_class": "BlipProcessor",
    "resample": 3,
    "rescale_factor": 0.00392156862745098,
    "size": {"height": HUB_IMAGE_SIZE, "width": HUB_IMAGE_SIZE},
}


def save_hub_processor(directory: Path) -> None:
    """preprocessor_config.json as above; the tokenizer files of BertTokenizer over the real vocab.txt."""
    vocab_file = directory / "vocab.txt"
    vocab_file.write_bytes(gzip.decompress(VOCAB.read_bytes()))
    BertTokenizer(str(vocab_file), do_lower_case=True, model_max_length=512).save_pretrained(str(directory))
    (directory / "preprocessor_config.json").write_text(json.dumps(HUB_PREPROCESSOR, indent=2) + "\n")


def save_full_hub_layout(kind: str, directory: Path, seed: int) -> Path:
    """Write a random full-width `captioner` or `filter` in the hub's layout (about 1 GB of float32)."""
    directory.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = ARCHITECTURES[kind](hub_config())
    # The vision config's initializer_range (1e-10) makes every image encode to about zero; redraw the
    # vision weights at the text's 0.02 so the test's images are told apart (config.json keeps 1e-10).
    with torch.no_grad():
        for parameter in model.vision_model.parameters():
            if parameter.dim() > 1:
                parameter.normal_(0.0, 0.02)
    model.save_pretrained(str(directory), safe_serialization=True)
    save_hub_processor(directory)
    return directory
