"""Visual dialogs from the demo world's ground truth: `visdial` rows (schemas/visdial.py), each a scene with a
short caption and 10 question-answer rounds about it (count, colour, shape, position, size, presence,
background), every round with 100 candidate answers of which one is right.

The caption names only how many shapes there are and the background, so most answers need the image. The
`dialogs_test` split draws its scenes from the held-out configurations (capfilt.world.scene), never seen in
`dialogs`. Every dialog derives from (seed, split, index) alone, as every world record does.

    python -m capfilt.world.visdial --output world --train 2000 --test 200
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import schemas
from capfilt.flags import option, parse_settings
from capfilt.world.captions import background_phrase, with_article
from capfilt.world.examples import key_for
from capfilt.world.render import image_columns, render_scene
from capfilt.world.scene import Scene, sample_scene
from capfilt.world.seeding import pick, rng_for
from capfilt.world.vocab import BACKGROUND_WORDS, BACKGROUNDS, COLORS, POSITION_PHRASES, SHAPES, SIZES

SPLITS = {"dialogs": False, "dialogs_test": True}  # split -> drawn from the held-out configurations
ROUNDS = 10
CANDIDATES = 100
COUNT_WORDS = ("none", "one", "two", "three", "four")
NO_OBJECT = "there is none"


def answer_pool() -> tuple[str, ...]:
    """Every answer any question can have, and more of the same forms: the candidates are drawn from it."""
    colors, shapes = list(COLORS), [with_article(s) for s in SHAPES]
    pool = colors + shapes + list(COUNT_WORDS[1:]) + ["yes", "no", NO_OBJECT]
    pool += [POSITION_PHRASES[p][0] for p in POSITION_PHRASES] + list(SIZES)
    pool += [BACKGROUND_WORDS[b][0] for b in BACKGROUNDS]
    pool += [with_article(f"{c} {s}") for c in COLORS for s in SHAPES]
    pool += [f"it is {c}" for c in COLORS] + [f"{z} and {c}" for z in SIZES for c in COLORS]
    return tuple(dict.fromkeys(pool))


POOL = answer_pool()


def _name(obj) -> str:
    return f"{obj.color} {obj.shape}"


def _count(scene: Scene, rng) -> tuple[str, str]:
    return "how many shapes are there?", COUNT_WORDS[len(scene.objects)]


def _color(scene: Scene, rng) -> tuple[str, str] | None:
    obj = pick(rng, scene.objects)
    if sum(o.shape == obj.shape for o in scene.objects) > 1:
        return None  # "the circle" would be ambiguous
    return f"what color is the {obj.shape}?", obj.color


def _shape_at(scene: Scene, rng) -> tuple[str, str]:
    obj = pick(rng, scene.objects)
    return f"what shape is {POSITION_PHRASES[obj.position][0]}?", with_article(obj.shape)


def _where(scene: Scene, rng) -> tuple[str, str]:
    obj = pick(rng, scene.objects)
    return f"where is the {_name(obj)}?", POSITION_PHRASES[obj.position][0]


def _size(scene: Scene, rng) -> tuple[str, str]:
    obj = pick(rng, scene.objects)
    return f"is the {_name(obj)} large or small?", obj.size


def _presence(scene: Scene, rng) -> tuple[str, str]:
    present = {(o.color, o.shape) for o in scene.objects}
    if rng.random() < 0.5:
        color, shape = pick(rng, sorted(present))
        return f"is there a {color} {shape}?", "yes"
    absent = [(c, s) for c in COLORS for s in SHAPES if (c, s) not in present]
    color, shape = pick(rng, absent)
    return f"is there a {color} {shape}?", "no"


def _what_at(scene: Scene, rng) -> tuple[str, str]:
    position = pick(rng, list(POSITION_PHRASES))
    found = [o for o in scene.objects if o.position == position]
    answer = with_article(_name(found[0])) if found else NO_OBJECT
    return f"what is {POSITION_PHRASES[position][0]}?", answer


def _background(scene: Scene, rng) -> tuple[str, str]:
    return "what is the background like?", BACKGROUND_WORDS[scene.background][0]


QUESTIONS: tuple[Callable, ...] = (_count, _color, _shape_at, _where, _size, _presence, _what_at, _background)


def dialog_rounds(scene: Scene, rng: np.random.Generator, rounds: int = ROUNDS) -> list[dict]:
    """`rounds` different questions about the scene, each with its answer among CANDIDATES options."""
    out, asked = [], set()
    while len(out) < rounds:
        made = pick(rng, QUESTIONS)(scene, rng)
        # Repeats are allowed only once every distinct question this scene offers has been asked.
        if made is None or (made[0] in asked and len(asked) < 12):
            continue
        question, answer = made
        asked.add(question)
        others = [a for a in POOL if a != answer]
        chosen = [others[int(i)] for i in rng.choice(len(others), CANDIDATES - 1, replace=False)]
        right = int(rng.integers(CANDIDATES))
        options = chosen[:right] + [answer] + chosen[right:]
        out.append({"question": question, "answer": answer, "options": options, "gt_index": right})
    return out


def dialog_caption(scene: Scene) -> str:
    count = len(scene.objects)
    noun = "shape" if count == 1 else "shapes"
    return f"{COUNT_WORDS[count]} {noun} on {background_phrase(scene)}"


def dialog_example(seed: int, split: str, index: int, image_size: int) -> dict:
    """One `visdial` row of the world: dialog `index` of `split`."""
    key = key_for(split, index)
    scene = sample_scene(rng_for(seed, split, index, "scene"), BACKGROUNDS, SPLITS[split])
    image = image_columns(render_scene(scene, rng_for(seed, split, index, "render"), image_size), key)
    return {
        "key": key,
        "image_id": key,
        "image": image["image"],
        "caption": dialog_caption(scene),
        "rounds": dialog_rounds(scene, rng_for(seed, split, index, "dialog")),
        "source": f"world:{split}",
    }


@dataclass
class DialogSettings:
    """The flags of `python -m capfilt.world.visdial`."""

    output: str = option(help="world directory; dialogs go to OUTPUT/dialogs and OUTPUT/dialogs_test")
    train: int = option(2000, "training dialogs (split dialogs)")
    test: int = option(200, "held-out dialogs (split dialogs_test, configurations unseen in training)")
    seed: int = option(0, "seed of everything generated")
    image_size: int = option(64, "image side in pixels")
    rows_per_part: int = option(1000, "dialogs per Parquet part file")

    def __post_init__(self) -> None:
        for name in ("train", "test", "seed"):
            if getattr(self, name) < 0:
                raise ValueError(f"--{name} must be >= 0, got {getattr(self, name)}")
        if not 64 <= self.image_size <= 384:
            raise ValueError(f"--image_size must be between 64 and 384 px, got {self.image_size}")
        if self.rows_per_part < 1:
            raise ValueError(f"--rows_per_part must be >= 1, got {self.rows_per_part}")


def generate_dialogs(settings: DialogSettings) -> dict[str, list[str]]:
    """Write both splits as part files; returns the files written per split."""
    written: dict[str, list[str]] = {}
    for split, count in (("dialogs", settings.train), ("dialogs_test", settings.test)):
        files = []
        for part, start in enumerate(range(0, count, settings.rows_per_part)):
            rows = [
                dialog_example(settings.seed, split, i, settings.image_size)
                for i in range(start, min(count, start + settings.rows_per_part))
            ]
            path = f"{settings.output.rstrip('/')}/{split}/part-{part:05d}.parquet"
            files.append(schemas.write_table(rows, schemas.VISDIAL, path))
        written[split] = files
    return written


def main(argv: list[str] | None = None) -> dict[str, list[str]]:
    settings = parse_settings(
        DialogSettings, argv, prog="python -m capfilt.world.visdial", description=__doc__
    )
    started = time.perf_counter()
    written = generate_dialogs(settings)
    print(
        f"visdial world: {settings.train} dialogs, {settings.test} held-out dialogs ({ROUNDS} rounds, "
        f"{CANDIDATES} candidates each) in {time.perf_counter() - started:.1f} s -> {settings.output}",
        file=sys.stderr,
    )
    return written


if __name__ == "__main__":
    main()
