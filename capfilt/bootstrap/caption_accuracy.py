"""Caption accuracy of a BLIP checkpoint on held-out demo-world images, graded against ground truth.

The checkpoint's decoder captions each image through the captioner engine CapFilt itself uses; a caption
counts as correct when `capfilt.world.grading.caption_is_correct` accepts it (every object named with the
right colour and shape, nothing false or invented). Greedy decoding, so the figure has no sampling noise.
"""

from __future__ import annotations

from collections.abc import Iterable

import schemas
from capfilt.curate.engines.interfaces import CaptionerSettings
from capfilt.curate.engines.reference.captioner import TransformersCaptioner
from capfilt.curate.prepare import decode_image
from capfilt.images import ImageRejected
from capfilt.world.grading import caption_is_correct, text_matches_scene

# BLIP's captioning evaluation uses min_length 5 (prompt included); beam search becomes greedy here (CPU).
EVAL_MIN_LENGTH = 5
EVAL_MAX_LENGTH = 30


def caption_accuracy(
    checkpoint: str,
    data_files: Iterable[str],
    labels: dict[str, dict],
    batch_size: int = 32,
    limit: int = 0,
    examples: int = 3,
) -> dict:
    """Share of images (with a label) whose greedy caption is correct; also the share with nothing false."""
    captioner = TransformersCaptioner(
        CaptionerSettings(
            checkpoint, decoding="greedy", min_length=EVAL_MIN_LENGTH, max_length=EVAL_MAX_LENGTH
        )
    )
    graded, correct, true, shown = 0, 0, 0, []
    batch: list[tuple[object, dict]] = []

    def grade() -> None:
        nonlocal graded, correct, true
        captions = captioner.caption([image for image, _ in batch], [0] * len(batch))
        for (_, label), (text,) in zip(batch, captions, strict=True):
            ok = caption_is_correct(text, label["objects"])
            graded += 1
            correct += ok
            true += ok or text_matches_scene(text, label["objects"])
            if len(shown) < examples:
                shown.append({"caption": text, "truth": label["description"], "correct": ok})
        batch.clear()

    for path in data_files:
        for record in schemas.iter_records(path, schemas.PAIRS):
            label = labels.get(record["key"])
            if label is None or not (record["image"] or {}).get("bytes"):
                continue
            try:
                image = decode_image(record["image"]["bytes"])
            except ImageRejected:  # as CapFilt would: an image the models never see is not graded
                continue
            batch.append((image, label))
            if len(batch) >= batch_size:
                grade()
            if limit and graded + len(batch) >= limit:
                break
    if batch:
        grade()
    if not graded:
        raise ValueError("no labelled image to caption")
    return {
        "caption_accuracy": round(100.0 * correct / graded, 2),
        "caption_nothing_false": round(100.0 * true / graded, 2),
        "captioned_images": graded,
        "caption_examples": shown,
    }
