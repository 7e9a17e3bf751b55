"""Scenes: what is in an image (objects and background), sampled from the vocabulary.

Object configurations are split once and for all into a training part and a held-out part by a stable
hash, so the `test` and `classify` splits never share a configuration with `web` or `human`.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, replace

import numpy as np

from capfilt.world.seeding import pick
from capfilt.world.vocab import COLORS, POSITION_CENTERS, POSITIONS, SHAPES, SIZES

# One configuration in this many is held out for evaluation.
HELD_OUT_ONE_IN = 8
OBJECT_COUNT_WEIGHTS = (0.35, 0.4, 0.25)  # 1, 2 or 3 objects


@dataclass(frozen=True)
class WorldObject:
    color: str
    shape: str
    size: str
    position: str
    motion: str | None = None  # clips only

    def as_row(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Scene:
    objects: tuple[WorldObject, ...]
    background: str

    @property
    def main(self) -> WorldObject:
        """The object a classifier should name: the first, and objects are ordered large first."""
        return self.objects[0]

    def signature(self) -> tuple:
        """The object configuration, independent of listing order and background."""
        return tuple(sorted((o.color, o.shape, o.size, o.position) for o in self.objects))

    def is_held_out(self) -> bool:
        return zlib.crc32(repr(self.signature()).encode()) % HELD_OUT_ONE_IN == 0


def sample_objects(rng: np.random.Generator, count: int, positions=POSITIONS) -> tuple[WorldObject, ...]:
    """`count` objects at distinct positions, with distinct (colour, shape) pairs so text can name each."""
    chosen = rng.permutation(len(positions))[:count]
    objects: list[WorldObject] = []
    used: set[tuple[str, str]] = set()
    for slot in chosen:
        while True:
            color, shape = pick(rng, list(COLORS)), pick(rng, SHAPES)
            if (color, shape) not in used:
                break
        used.add((color, shape))
        objects.append(WorldObject(color, shape, pick(rng, SIZES), positions[int(slot)]))
    # Large objects first: the first object is the scene's main object.
    return tuple(sorted(objects, key=lambda o: o.size != "large"))


def sample_scene(
    rng: np.random.Generator, backgrounds: tuple[str, ...], held_out: bool, count: int | None = None
) -> Scene:
    """A scene from the training part (held_out=False) or the held-out part of all configurations."""
    while True:
        n = count or 1 + int(rng.choice(3, p=OBJECT_COUNT_WEIGHTS))
        scene = Scene(sample_objects(rng, n), pick(rng, backgrounds))
        if scene.is_held_out() == held_out:
            return scene


def relation(a: WorldObject, b: WorldObject) -> str:
    """Where `a` is relative to `b`: "to the left of", "to the right of", "above" or "below"."""
    (ax, ay), (bx, by) = POSITION_CENTERS[a.position], POSITION_CENTERS[b.position]
    if abs(bx - ax) >= abs(by - ay):
        return "to the left of" if ax < bx else "to the right of"
    return "above" if ay < by else "below"


def with_attribute(obj: WorldObject, attribute: str, value: str) -> WorldObject:
    return replace(obj, **{attribute: value})
