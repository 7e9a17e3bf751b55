"""BLIP-2 ITM + ITC scoring: CapFilt's scorers (each image through the ViT once per batch, one model for
both scores) against transformers' `Blip2ForImageTextRetrieval.forward` called per (image, text) pair, as
its model card does, on the same images, texts and loaded model; the scores are checked equal first.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.blip2_scorers
    .venv/bin/python -m benchmarks.blip2_scorers --checkpoint Salesforce/blip2-itm-vit-g --device cuda

Without `--checkpoint` it builds a random mid-size checkpoint in a temporary folder (ViT 6 x 384 at
224 px, Q-Former 4 x 256, 32 queries: the ViT's share of the cost is smaller than ViT-g's, so the ratio
understates the real one). Prints the figures and ends with exactly one JSON line.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from transformers import (
    BertTokenizer,
    Blip2Config,
    Blip2ForImageTextRetrieval,
    Blip2Processor,
    BlipImageProcessorPil,
    OPTConfig,
)

from capfilt.curate.engines.interfaces import ScorerSettings
from capfilt.curate.engines.registry import load_scorers
from capfilt.flags import option, parse_settings

WORDS = [
    "a",
    "the",
    "red",
    "blue",
    "green",
    "small",
    "big",
    "circle",
    "square",
    "star",
    "on",
    "left",
    "right",
    "of",
    "top",
    "bottom",
    "photo",
    "dog",
    "cat",
]


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    checkpoint: str = option(
        "", "a Blip2ForImageTextRetrieval folder or hub id; empty: a random mid-size one"
    )
    images: int = option(8, "images in the batch")
    texts_per_image: int = option(4, "texts per image (T_w and 3 captions)")
    device: str = option("cpu")


def random_checkpoint(directory: Path) -> str:
    (directory / "vocab.txt").write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]))
    tokenizer = BertTokenizer(str(directory / "vocab.txt"), bos_token="[DEC]")
    images = BlipImageProcessorPil(size={"height": 224, "width": 224})
    processor = Blip2Processor(images, tokenizer, num_query_tokens=32)
    image_token = processor.tokenizer.convert_tokens_to_ids("<image>")
    vision = {"hidden_size": 384, "intermediate_size": 1536, "num_hidden_layers": 6, "num_attention_heads": 6}
    qformer = {
        "hidden_size": 256,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "intermediate_size": 1024,
    }
    config = Blip2Config(
        vision_config={**vision, "image_size": 224, "patch_size": 16},
        qformer_config={**qformer, "vocab_size": image_token, "encoder_hidden_size": 384},
        text_config=OPTConfig(
            hidden_size=32, ffn_dim=64, num_hidden_layers=1, num_attention_heads=2
        ).to_dict(),
        num_query_tokens=32,
        image_token_index=image_token,
    )
    config.qformer_config.use_qformer_text_input = True
    Blip2ForImageTextRetrieval(config).save_pretrained(str(directory))
    processor.save_pretrained(str(directory))
    return str(directory)


def per_pair_forward(model, processor, images, texts) -> tuple[list[float], list[float]]:
    itm, itc = [], []
    for image, row in zip(images, texts, strict=True):
        for text in row:
            inputs = processor(images=image, text=text, return_tensors="pt").to(model.device)
            inputs["pixel_values"] = inputs["pixel_values"].to(
                model.vision_model.embeddings.patch_embedding.weight.dtype
            )
            with torch.no_grad():
                logits = model(**inputs, use_image_text_matching_head=True).logits_per_image
                itm.append(logits.float().softmax(dim=1)[0, 1].item())
                itc.append(
                    model(**inputs, use_image_text_matching_head=False).logits_per_image.float().item()
                )
    return itm, itc


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.blip2_scorers", description=__doc__)
    rng = np.random.default_rng(0)
    images = [
        Image.fromarray(rng.integers(0, 255, (256, 256, 3), dtype=np.uint8)) for _ in range(args.images)
    ]
    texts = [[" ".join(rng.choice(WORDS, 8)) for _ in range(args.texts_per_image)] for _ in images]
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = args.checkpoint or random_checkpoint(Path(folder))
        settings = [ScorerSettings(n, f"blip2-{n}:{checkpoint}", args.device) for n in ("itm", "itc")]
        itm, itc = load_scorers(settings)
        itm.score(images[:1], texts[:1])  # warm-up
        start = time.perf_counter()
        ours = (
            [s for row in itm.score(images, texts) for s in row],
            [s for row in itc.score(images, texts) for s in row],
        )
        ours_seconds = time.perf_counter() - start
        processor = Blip2Processor.from_pretrained(checkpoint)
        start = time.perf_counter()
        theirs = per_pair_forward(itm.retrieval.model, processor, images, texts)
        theirs_seconds = time.perf_counter() - start
    difference = max(
        abs(a - b) for mine, other in zip(ours, theirs, strict=True) for a, b in zip(mine, other, strict=True)
    )
    pairs = args.images * args.texts_per_image
    print(f"{args.images} images x {args.texts_per_image} texts, ITM + ITC, {args.device}")
    print(f"  {'CapFilt scorers:':31}{ours_seconds:7.2f} s")
    speedup = theirs_seconds / ours_seconds
    print(f"  {'transformers forward per pair:':31}{theirs_seconds:7.2f} s ({speedup:.1f}x)")
    print(f"  {'largest score difference:':31}{difference:.2e}")
    result = {
        "benchmark": "blip2_scorers",
        "checkpoint": args.checkpoint or "random mid-size",
        "pairs": pairs,
        "scorer_seconds": round(ours_seconds, 3),
        "per_pair_forward_seconds": round(theirs_seconds, 3),
        "speedup": round(speedup, 2),
        "max_score_difference": difference,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
