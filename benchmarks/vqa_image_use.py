"""Does a VQA model read the image? Its accuracy per question type with each question's own image, and with
another scene's image (every image moved to the next scene's questions, the questions unchanged).

A model that answers from the question alone (the answer prior of its type) scores the same both ways; the
gap is what it reads from the image. Both passes go through `models.evaluate vqa`'s own path
(models.evaluation.vqa), ranking the checkpoint's answer_list.json.

    .venv/bin/python -m benchmarks.vqa_image_use --checkpoint fig --data 'world/test/*.parquet'

Prints one line per question type and ends with exactly one JSON line.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import schemas
from capfilt.flags import option, parse_settings
from models.blip.checkpoint import resolve
from models.blip.vqa_task import ANSWER_LIST, QUESTION_FIRST_TOKEN, load_vqa, read_answer_list
from models.evaluation import vqa


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    checkpoint: str = option(help="a models.finetune vqa output directory")
    data: str = option(help="vqa Parquet glob(s): the held-out questions")
    batch_size: int = option(64)


def with_other_images(files: list[str], output: str) -> str:
    """The questions of `files` with each scene's image replaced by the next scene's (in first-seen order)."""
    rows = [row for path in files for row in schemas.iter_records(path, schemas.VQA)]
    scenes = list(dict.fromkeys(row["image_key"] for row in rows))
    image_of = {row["image_key"]: row["image"] for row in rows}
    swapped = {key: image_of[scenes[(i + 1) % len(scenes)]] for i, key in enumerate(scenes)}
    return schemas.write_table(
        [{**row, "image": swapped[row["image_key"]]} for row in rows], schemas.VQA, output
    )


def accuracy(model, processor, files: list[str], answers: list[str], batch_size: int) -> dict:
    first_token = getattr(model.config, QUESTION_FIRST_TOKEN, "cls")
    results = vqa.answer_questions(
        model, processor, files, answers=answers, inference="rank", k=len(answers),
        batch_size=batch_size, first_token=first_token,
    )  # fmt: skip
    return vqa.summarize(results)


def main(argv: list[str] | None = None) -> dict:
    args = parse_settings(Settings, argv, prog="python -m benchmarks.vqa_image_use", description=__doc__)
    model, processor = load_vqa(args.checkpoint)
    model.eval()
    answers = read_answer_list(resolve(args.checkpoint) / ANSWER_LIST)
    files = schemas.expand(args.data)
    own = accuracy(model, processor, files, answers, args.batch_size)
    with tempfile.TemporaryDirectory() as scratch:
        other_file = with_other_images(files, str(Path(scratch) / "other.parquet"))
        other = accuracy(model, processor, [other_file], answers, args.batch_size)
    for name in own:
        if name != "questions":
            print(f"{name:<22} own image {own[name]:6.1f}   another scene's image {other[name]:6.1f}")
    summary = {"own_image": own, "other_image": other, "candidates": len(answers)}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
