"""The demo world's VQA task, from ground truth: questions about colour, shape, count and position.

`python -m capfilt.world.vqa --output DIR [--train N --test N --seed S --image_size PX]` writes
`DIR/train/part-00000.parquet` and `DIR/test/part-00000.parquet` in the `vqa` schema. `train` scenes come from
the training configurations, `test` scenes from the held-out ones (capfilt.world.scene), so no object
configuration of `test` occurs in `train` (nor in the world's `web`/`human` splits). Each scene gets every
question its ground truth answers unambiguously; every "annotator" gives the true answer, so the answers
list holds it ANNOTATORS times (the VQA accuracy of a right answer is 1).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import schemas
from capfilt.flags import option, parse_settings
from capfilt.world.render import image_columns, render_scene
from capfilt.world.scene import Scene, sample_scene
from capfilt.world.seeding import rng_for
from capfilt.world.vocab import BACKGROUNDS

ANNOTATORS = 10
COUNT_WORDS = {1: "one", 2: "two", 3: "three"}
SPLITS = ("train", "test")


def scene_questions(scene: Scene) -> list[tuple[str, str, str]]:
    """(question type, question, answer) for every fact of the scene that names its object uniquely."""
    shapes = Counter(o.shape for o in scene.objects)
    colors = Counter(o.color for o in scene.objects)
    out = [("count", "how many objects are there?", COUNT_WORDS[len(scene.objects)])]
    for obj in scene.objects:
        if shapes[obj.shape] == 1:
            out.append(("color", f"what color is the {obj.shape}?", obj.color))
        if colors[obj.color] == 1:
            out.append(("shape", f"what shape is the {obj.color} object?", obj.shape))
        out.append(("position", f"where is the {obj.color} {obj.shape}?", obj.position))
    for shape, count in sorted(shapes.items()):
        if count > 1:
            out.append(("count", f"how many {shape}s are there?", COUNT_WORDS[count]))
    return out


def split_rows(split: str, scenes: int, seed: int, image_size: int) -> list[dict]:
    """Every question of `scenes` scenes of `split`, each row a function of (seed, split, scene index)."""
    rows = []
    for index in range(scenes):
        scene = sample_scene(rng_for(seed, "vqa", split, index, "scene"), BACKGROUNDS, split == "test")
        image_key = f"vqa-{split}-{index:06d}"
        image = image_columns(
            render_scene(scene, rng_for(seed, "vqa", split, index, "render"), image_size), image_key
        )
        for number, (kind, question, answer) in enumerate(scene_questions(scene)):
            rows.append(
                {
                    "key": f"{image_key}-q{number}",
                    "image_key": image_key,
                    "image": image["image"],
                    "question": question,
                    "answers": [answer] * ANNOTATORS,
                    "question_type": kind,
                    "answer_type": "number" if kind == "count" else "other",
                    "source": f"world:vqa-{split}",
                }
            )
    return rows


@dataclass
class VqaWorldSettings:
    """Flags of `python -m capfilt.world.vqa`."""

    output: str = option(help="folder for train/ and test/ (vqa Parquet)")
    train: int = option(2000, "scenes in train (training configurations)")
    test: int = option(300, "scenes in test (held-out configurations)")
    seed: int = option(0, "world seed")
    image_size: int = option(64, "image side in pixels")

    def __post_init__(self):
        if self.train < 1 or self.test < 1 or self.image_size < 16:
            raise ValueError("--train and --test need at least 1 scene, --image_size at least 16")


def generate_vqa(settings: VqaWorldSettings) -> dict[str, int]:
    """Write both splits; returns the number of questions of each."""
    counts = {}
    for split in SPLITS:
        rows = split_rows(split, getattr(settings, split), settings.seed, settings.image_size)
        folder = Path(settings.output) / split
        folder.mkdir(parents=True, exist_ok=True)
        schemas.write_table(rows, schemas.VQA, str(folder / "part-00000.parquet"))
        counts[split] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> dict[str, int]:
    settings = parse_settings(VqaWorldSettings, argv, prog="python -m capfilt.world.vqa", description=__doc__)
    counts = generate_vqa(settings)
    print(f"vqa world: {counts['train']} train and {counts['test']} test questions -> {settings.output}")
    return counts


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
