"""Quality of a BLIP captioner and filter on the demo world's ground truth.

- caption accuracy: the captioner's greedy caption (prompt stripped) for each `test` image is correct when it
  names every object's colour and shape and nothing false (capfilt.world.grading.caption_is_correct);
- filter AUROC: the filter's ITM match probability softmax(itm_logits)[:, 1] of each `web` image's alt text,
  separating the texts whose noise type is "correct" from the noisy ones (labels/web.parquet).

Both models are loaded through transformers, exactly as CapFilt loads them.

    .venv/bin/python -m benchmarks.blip_demo_quality --world DIR \
        --captioner capfilt/assets/models/captioner --filter capfilt/assets/models/filter

Prints one line per figure and ends with exactly one JSON line.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image
from transformers import BlipForConditionalGeneration, BlipForImageTextRetrieval, BlipProcessor

import schemas
from capfilt.flags import option, parse_settings
from capfilt.world.grading import caption_is_correct
from models.blip.conventions import DEFAULT_PROMPT, itm_input_ids, strip_prompt
from schemas.labels import LABELS


def load_labels(world: str, split: str) -> dict[str, dict]:
    table = schemas.read_table(f"{world}/labels/{split}.parquet", LABELS)
    return {row["key"]: row for row in table.to_pylist()}


def load_pairs(world: str, split: str, limit: int) -> list[dict]:
    rows = []
    for path in schemas.expand(f"{world}/{split}/*.parquet"):
        rows.extend(schemas.read_table(path, schemas.PAIRS).to_pylist())
    return rows[:limit] if limit else rows


def image_of(row: dict) -> Image.Image:
    return Image.open(io.BytesIO(row["image"]["bytes"])).convert("RGB")


@torch.inference_mode()
def caption_accuracy(directory: str, world: str, limit: int, batch_size: int) -> tuple[float, list[str]]:
    model = BlipForConditionalGeneration.from_pretrained(directory, use_safetensors=True).eval()
    processor = BlipProcessor.from_pretrained(directory)
    prompt = getattr(model.config, "caption_prompt", DEFAULT_PROMPT)
    labels, rows = load_labels(world, "test"), load_pairs(world, "test", limit)
    correct, examples = 0, []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        inputs = processor(
            images=[image_of(r) for r in batch], text=[prompt] * len(batch), return_tensors="pt"
        )
        out = model.generate(**inputs, do_sample=False, max_new_tokens=30)
        for row, ids in zip(batch, out, strict=True):
            caption = strip_prompt(processor.decode(ids, skip_special_tokens=True), prompt)
            correct += caption_is_correct(caption, labels[row["key"]]["objects"])
            if len(examples) < 5:
                examples.append(f"{row['key']}: {caption!r} (truth: {labels[row['key']]['description']!r})")
    return correct / len(rows), examples


def auroc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    # Average ranks over ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    for start, count in zip(first, counts, strict=True):
        ranks[order[start : start + count]] = start + (count + 1) / 2
    n_pos, n_neg = positive.sum(), (~positive).sum()
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@torch.inference_mode()
def filter_auroc(directory: str, world: str, limit: int, batch_size: int) -> tuple[float, dict]:
    model = BlipForImageTextRetrieval.from_pretrained(directory, use_safetensors=True).eval()
    processor = BlipProcessor.from_pretrained(directory)
    first_token = getattr(model.config, "itm_first_token", "cls")
    labels, rows = load_labels(world, "web"), load_pairs(world, "web", limit)
    scores, positive, noise = [], [], []
    for start in range(0, len(rows), batch_size):
        batch = rows[start : start + batch_size]
        inputs = processor(
            images=[image_of(r) for r in batch],
            text=[r["caption"] or "" for r in batch],
            padding=True,
            truncation=True,
            max_length=35,
            return_tensors="pt",
        )
        inputs["input_ids"] = itm_input_ids(inputs["input_ids"], processor.tokenizer, first_token)
        logits = model(**inputs).itm_score
        scores.extend(logits.softmax(dim=-1)[:, 1].tolist())
        for row in batch:
            kind = labels[row["key"]]["noise"]
            noise.append(kind)
            positive.append(kind == "correct")
    scores_array, positive_array = np.array(scores), np.array(positive)
    by_noise = {
        k: round(float(np.mean([s for s, n in zip(scores, noise, strict=True) if n == k])), 3)
        for k in set(noise)
    }
    return auroc(scores_array, positive_array), by_noise


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    world: str = option(help="output directory of python -m capfilt.world")
    captioner: str = option("capfilt/assets/models/captioner")
    filter: str = option("capfilt/assets/models/filter", "'' to skip the filter")
    test_limit: int = option(0, "test images to caption (0 = all)")
    web_limit: int = option(2000, "web pairs to score (0 = all)")
    batch_size: int = option(64)


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.blip_demo_quality", description=__doc__)
    torch.manual_seed(0)
    accuracy, examples = caption_accuracy(args.captioner, args.world, args.test_limit, args.batch_size)
    for line in examples:
        print("  ", line)
    print(f"caption accuracy on test: {accuracy:.3f}")
    result = {"caption_accuracy": round(accuracy, 4)}
    if args.filter:
        area, by_noise = filter_auroc(args.filter, args.world, args.web_limit, args.batch_size)
        print(f"filter AUROC (correct vs noisy web text): {area:.3f}; mean probability by noise: {by_noise}")
        result.update(filter_auroc=round(area, 4), by_noise=by_noise)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
