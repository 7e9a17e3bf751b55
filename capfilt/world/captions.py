"""Clean text about a scene: the canonical ground-truth description and fluent human-style captions.

Every object is always named as "[size] colour shape", optionally followed by an absolute position
phrase ("on the left"); grading.py relies on exactly that, and nothing else here uses vocabulary words.
"""

from __future__ import annotations

import numpy as np

from capfilt.world.scene import Scene, WorldObject, relation
from capfilt.world.seeding import pick
from capfilt.world.vocab import BACKGROUND_WORDS, COLOR_WORDS, POSITION_PHRASES, SHAPE_WORDS, SIZE_WORDS

HUMAN_CAPTIONS_PER_IMAGE = 5


def with_article(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def noun_phrase(obj: WorldObject, rng: np.random.Generator | None = None, with_size: bool = True) -> str:
    """ "small red circle"; with `rng`, synonyms are drawn ("little violet disc")."""
    choose = (lambda words: words[0]) if rng is None else (lambda words: pick(rng, words))
    words = [choose(COLOR_WORDS[obj.color]), choose(SHAPE_WORDS[obj.shape])]
    if with_size:
        words.insert(0, choose(SIZE_WORDS[obj.size]))
    return " ".join(words)


def position_phrase(obj: WorldObject, rng: np.random.Generator | None = None) -> str:
    phrases = POSITION_PHRASES[obj.position]
    return phrases[0] if rng is None else pick(rng, phrases)


def background_phrase(scene: Scene, rng: np.random.Generator | None = None) -> str:
    """ "a striped background"."""
    words = BACKGROUND_WORDS[scene.background]
    return with_article((words[0] if rng is None else pick(rng, words)) + " background")


def describe(scene: Scene) -> str:
    """The canonical ground-truth sentence, e.g. "a small red circle to the left of a large blue star on a
    striped background"."""
    objects, background = scene.objects, background_phrase(scene)
    if len(objects) == 1:
        (a,) = objects
        return f"{with_article(noun_phrase(a))} {position_phrase(a)}, on {background}"
    if len(objects) == 2:
        a, b = objects
        return (
            f"{with_article(noun_phrase(a))} {relation(a, b)} {with_article(noun_phrase(b))} on {background}"
        )
    placed = [f"{with_article(noun_phrase(o))} {position_phrase(o)}" for o in objects]
    return f"{', '.join(placed[:-1])} and {placed[-1]}, on {background}"


# Templates by object count. {a0} is object 0 with its article, {p0} its position phrase, {r01} how
# object 0 stands relative to object 1, {bg} "a striped background".
_TEMPLATES = {
    1: (
        "{a0} {p0} on {bg}",
        "{a0} {p0}",
        "there is {a0} {p0} of the image",
        "{a0} on {bg}",
        "{a0} drawn on {bg}",
        "an image of {a0} {p0}",
        "a simple drawing of {a0} against {bg}",
        "{a0} sits {p0} of the frame",
        "a single {n0} {p0} on {bg}",
    ),
    2: (
        "{a0} {r01} {a1}",
        "{a0} {r01} {a1} on {bg}",
        "{a1} {r10} {a0} on {bg}",
        "{a0} and {a1} on {bg}",
        "two shapes: {a0} {p0} and {a1} {p1}",
        "{a0} {p0} with {a1} {p1}",
        "{a0} next to {a1}",
        "an image showing {a0} and {a1}",
    ),
    3: (
        "{a0}, {a1} and {a2} on {bg}",
        "three shapes: {a0} {p0}, {a1} {p1} and {a2} {p2}",
        "{a0} {r01} {a1}, and {a2} {p2}",
        "{a0} {p0}, {a1} {p1} and {a2} {p2}",
        "a group of shapes on {bg}: {a0}, {a1} and {a2}",
        "{a0} {r01} {a1} with {a2} nearby",
    ),
}


def _fill(template: str, scene: Scene, rng: np.random.Generator) -> str:
    order = [scene.objects[int(i)] for i in rng.permutation(len(scene.objects))]
    values = {"bg": background_phrase(scene, rng)}
    for i, obj in enumerate(order):
        # People often leave the size out.
        name = noun_phrase(obj, rng, with_size=rng.random() < 0.6)
        values[f"n{i}"], values[f"a{i}"], values[f"p{i}"] = (
            name,
            with_article(name),
            position_phrase(obj, rng),
        )
        for j, other in enumerate(order):
            values[f"r{i}{j}"] = relation(obj, other)
    text = template.format(**values)
    if rng.random() < 0.5:
        text = text[0].upper() + text[1:]
    return text + ("." if rng.random() < 0.4 else "")


def human_captions(
    scene: Scene, rng: np.random.Generator, count: int = HUMAN_CAPTIONS_PER_IMAGE
) -> list[str]:
    """`count` distinct fluent captions (COCO-like), each naming every object by colour and shape."""
    templates = _TEMPLATES[len(scene.objects)]
    captions: list[str] = []
    for _ in range(count * 20):
        text = _fill(pick(rng, templates), scene, rng)
        if text not in captions:
            captions.append(text)
        if len(captions) == count:
            break
    return captions
