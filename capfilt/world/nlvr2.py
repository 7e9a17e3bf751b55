"""The demo world's NLVR2 task: two scenes and one statement about them, true or false from ground truth.

Statements compare the two images ("the left image has more circles than the right image"), or say what
one or both contain ("both images contain a red star"). Each example's truth is computed from the scenes by
`holds`, the one place a statement's meaning lives; labels are balanced (each example draws its label
first, then a statement with that truth). The `test` split draws both scenes from the held-out object
configurations (`Scene.is_held_out`), so no test scene's configuration occurs in training. A comparison is
only stated between images that differ in what it compares, so swapping the images flips its truth, as
NLVR2's sentences about "the left image" do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from capfilt.world.config import WorldConfig
from capfilt.world.examples import label_row
from capfilt.world.render import encode_jpeg, render_scene
from capfilt.world.scene import Scene, sample_scene
from capfilt.world.seeding import pick, rng_for
from capfilt.world.vocab import BACKGROUNDS, COLORS, SHAPES

# (config field, split name written in the rows, scenes from the held-out configurations)
SPLITS = {"nlvr2_train": ("train", False), "nlvr2_test": ("test", True)}
SOURCE = "world:nlvr2"
STATEMENT_TRIES = 200
SIDES = ("left", "right")
PLURALS = {"cross": "crosses"}


@dataclass(frozen=True)
class Statement:
    """One statement: its kind, what it names, and which image it is about (for one-image kinds)."""

    kind: str  # "more_shape", "fewer_objects", "both_contain", "one_contains", "side_contains"
    color: str | None = None
    shape: str | None = None
    side: str | None = None

    def text(self) -> str:
        thing = f"a {self.color} {self.shape}"
        if self.kind == "more_shape":
            return f"the left image has more {plural(self.shape)} than the right image"
        if self.kind == "fewer_objects":
            return "the left image has fewer objects than the right image"
        if self.kind == "both_contain":
            return f"both images contain {thing}"
        if self.kind == "one_contains":
            return f"exactly one image contains {thing}"
        return f"the {self.side} image contains {thing}"


KINDS = ("more_shape", "fewer_objects", "both_contain", "one_contains", "side_contains")
COMPARISONS = ("more_shape", "fewer_objects")


def every_statement() -> dict[str, Statement]:
    """text -> Statement for every statement the task can make (statements are read back by their text)."""
    things = [(c, s) for c in COLORS for s in SHAPES]
    statements = [Statement("more_shape", shape=s) for s in SHAPES] + [Statement("fewer_objects")]
    statements += [Statement(k, c, s) for k in ("both_contain", "one_contains") for c, s in things]
    statements += [Statement("side_contains", c, s, side) for c, s in things for side in SIDES]
    return {statement.text(): statement for statement in statements}


def plural(shape: str) -> str:
    return PLURALS.get(shape, shape + "s")


def _has(scene: Scene, color: str, shape: str) -> bool:
    return any(o.color == color and o.shape == shape for o in scene.objects)


def _shapes(scene: Scene, shape: str) -> int:
    return sum(o.shape == shape for o in scene.objects)


def holds(statement: Statement, left: Scene, right: Scene) -> bool | None:
    """The statement's truth for (left, right), or None when it is not worth stating (a comparison of
    equal counts, which would be false both ways round)."""
    if statement.kind == "more_shape":
        a, b = _shapes(left, statement.shape), _shapes(right, statement.shape)
        return None if a == b else a > b
    if statement.kind == "fewer_objects":
        a, b = len(left.objects), len(right.objects)
        return None if a == b else a < b
    has = [_has(scene, statement.color, statement.shape) for scene in (left, right)]
    if statement.kind == "both_contain":
        return all(has)
    if statement.kind == "one_contains":
        return has[0] != has[1]
    return has[SIDES.index(statement.side)]


def _candidate(rng: np.random.Generator, left: Scene, right: Scene) -> Statement:
    kind = pick(rng, KINDS)
    present = [(o.color, o.shape) for o in left.objects + right.objects]
    # Name an object that is there half of the time, so "contains" statements are not almost always false.
    color, shape = pick(rng, present) if rng.random() < 0.5 else (pick(rng, list(COLORS)), pick(rng, SHAPES))
    if kind == "more_shape":
        return Statement(kind, shape=pick(rng, [s for _, s in present]))
    if kind == "fewer_objects":
        return Statement(kind)
    return Statement(kind, color, shape, pick(rng, SIDES) if kind == "side_contains" else None)


def nlvr2_example(config: WorldConfig, field_name: str, index: int) -> tuple[dict, list]:
    """One `nlvr2` row and the `labels` rows of its two images (keyed by left_key / right_key)."""
    split, held_out = SPLITS[field_name]
    key = f"nlvr2-{split}-{index:06d}"
    rng = rng_for(config.seed, f"nlvr2:{split}", index)
    wanted = bool(rng.random() < 0.5)
    while True:
        left = sample_scene(rng, BACKGROUNDS, held_out)
        right = sample_scene(rng, BACKGROUNDS, held_out)
        statement = _find(rng, left, right, wanted, _candidate)
        if statement is not None:
            break
    images = {}
    for side, scene, suffix in (("left", left, "img0"), ("right", right, "img1")):
        data = encode_jpeg(render_scene(scene, rng, config.image_size))
        images[side] = ({"bytes": data, "path": f"{key}-{suffix}.jpg"}, f"{key}-{suffix}")
    row = {
        "key": key,
        "statement": statement.text(),
        "label": wanted,
        "left_image": images["left"][0],
        "right_image": images["right"][0],
        "left_key": images["left"][1],
        "right_key": images["right"][1],
        "split": split,
        "source": SOURCE,
    }
    labels = [
        label_row(images[side][1], f"nlvr2_{split}", scene)
        for side, scene in (("left", left), ("right", right))
    ]
    return row, labels


def _find(rng, left: Scene, right: Scene, wanted: bool, candidate: Callable) -> Statement | None:
    for _ in range(STATEMENT_TRIES):
        statement = candidate(rng, left, right)
        if holds(statement, left, right) is wanted:
            return statement
    return None  # these scenes admit no such statement: draw new ones
