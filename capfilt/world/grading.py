"""Grading text against a scene's ground truth.

The rule. A text is read as a list of *mentions*: a colour word immediately followed by a shape word,
with at most one size word just before the colour or between the two ("big red circle", "red small
circle"), and optionally followed by an absolute position phrase ("on the left", "at the top", "in the
middle"). Synonyms come from vocab.py, whose word sets are disjoint, so each mention is unambiguous.
Relations ("to the left of") and everything else are ignored. A mention *fits* an object when colour and
shape are equal and the size and position, where stated, are too.

- caption_is_correct: every object has its own fitting mention (colour AND shape named), and every mention
  fits some object (nothing wrong or invented is said).
- text_matches_scene: at least one mention, and the mentions fit distinct objects (web text may name only
  some of the objects, but what it states must be true). A lone word ("circle") never matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from itertools import permutations

from capfilt.world.scene import WorldObject
from capfilt.world.vocab import COLOR_WORDS, POSITION_PHRASES, SHAPE_WORDS, SIZE_WORDS, reverse_index

_COLOR = reverse_index(COLOR_WORDS)
_SHAPE = reverse_index(SHAPE_WORDS)
_SIZE = reverse_index(SIZE_WORDS)
_POSITION = {tuple(p.split()): value for value, phrases in POSITION_PHRASES.items() for p in phrases}
_WORD = re.compile(r"[a-z]+")

# Words that name a colour or a shape: text without any of them says nothing about a scene.
VOCABULARY_WORDS = frozenset(_COLOR) | frozenset(_SHAPE)


@dataclass(frozen=True)
class Mention:
    color: str
    shape: str
    size: str | None = None
    position: str | None = None

    def fits(self, obj: WorldObject) -> bool:
        return (
            self.color == obj.color
            and self.shape == obj.shape
            and self.size in (None, obj.size)
            and self.position in (None, obj.position)
        )


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def parse_mentions(text: str) -> list[Mention]:
    """The objects a text names, in order of appearance."""
    tokens = words(text)
    mentions = []
    for i, token in enumerate(tokens):
        if token not in _COLOR:
            continue
        size = _SIZE.get(tokens[i - 1]) if i > 0 else None
        j = i + 1
        if j < len(tokens) and tokens[j] in _SIZE:
            size, j = _SIZE[tokens[j]], j + 1
        if j >= len(tokens) or tokens[j] not in _SHAPE:
            continue
        position = next((v for p, v in _POSITION.items() if tuple(tokens[j + 1 : j + 1 + len(p)]) == p), None)
        mentions.append(Mention(_COLOR[token], _SHAPE[tokens[j]], size, position))
    return mentions


def as_objects(objects: Iterable[WorldObject | Mapping]) -> list[WorldObject]:
    """Accept WorldObjects or `labels` rows' object dicts alike."""
    names = [f.name for f in fields(WorldObject)]
    return [o if isinstance(o, WorldObject) else WorldObject(**{n: o.get(n) for n in names}) for o in objects]


def _injective_fit(mentions: list[Mention], objects: list[WorldObject], cover_objects: bool) -> bool:
    """Can each object get its own fitting mention (cover_objects) or each mention its own object?"""
    if cover_objects:
        return any(
            all(mentions[m].fits(o) for m, o in zip(chosen, objects, strict=True))
            for chosen in permutations(range(len(mentions)), len(objects))
        )
    return any(
        all(m.fits(objects[o]) for m, o in zip(mentions, chosen, strict=True))
        for chosen in permutations(range(len(objects)), len(mentions))
    )


def caption_is_correct(text: str, objects: Iterable[WorldObject | Mapping]) -> bool:
    objects = as_objects(objects)
    mentions = parse_mentions(text)
    if not objects or len(mentions) < len(objects):
        return False
    every_mention_true = all(any(m.fits(o) for o in objects) for m in mentions)
    return every_mention_true and _injective_fit(mentions, objects, cover_objects=True)


def text_matches_scene(text: str, objects: Iterable[WorldObject | Mapping]) -> bool:
    objects = as_objects(objects)
    mentions = parse_mentions(text)
    if not mentions or len(mentions) > len(objects):
        return False
    return _injective_fit(mentions, objects, cover_objects=False)
