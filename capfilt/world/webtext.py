"""Web alt text T_w for the `web` split: web-like wording of a scene, and the noise that spoils it.

The noise types (their mix is configurable; the type of every record goes to `labels` only):
- correct: web-like wording that is true to the image;
- other_image: the (correct) text of another image of the split;
- boilerplate: file names and page furniture ("IMG_2041.JPG", "click to enlarge");
- wrong_attribute: web-like wording with exactly one attribute of one object changed;
- too_short: a single word.
"""

from __future__ import annotations

import json

import numpy as np

from capfilt.world.captions import noun_phrase, position_phrase
from capfilt.world.scene import Scene, with_attribute
from capfilt.world.seeding import pick
from capfilt.world.vocab import COLOR_WORDS, COLORS, POSITIONS, SHAPE_WORDS, SHAPES, SIZES

NOISE_TYPES = ("correct", "other_image", "boilerplate", "wrong_attribute", "too_short")
WRONG_ATTRIBUTES = ("color", "shape", "size", "position")

# Affixes and boilerplate never use a vocabulary word, so they add nothing a grader could read as content.
_JOINERS = (", ", " and ", " & ", " with ", " + ")
_WRAPPERS = (
    "{x}",
    "{x}",
    "{x} - stock photo",
    "{x} | vector illustration",
    "stock image of {x}",
    "{x} clip art",
    "{x} wallpaper",
    "{x}, royalty free image",
    "free download: {x}",
    "photo of {x}",
    "{x} hd",
)
_BOILERPLATE_PHRASES = (
    "click to enlarge",
    "image",
    "thumbnail",
    "photo",
    "untitled",
    "view larger image",
    "placeholder",
    "banner",
    "logo",
    "product image",
    "no description available",
    "loading...",
    "advertisement",
    "share this",
    "spacer",
)
_GENERIC_WORDS = ("shapes", "art", "pic", "graphic", "drawing", "design")


def web_wording(scene: Scene, rng: np.random.Generator, show_size: bool, show_position: bool) -> str:
    """Every object, in scene order, as "[size] colour shape [position]", in a web-like wrapper."""
    parts = []
    for obj in scene.objects:
        phrase = noun_phrase(obj, rng, with_size=show_size)
        parts.append(f"{phrase} {position_phrase(obj, rng)}" if show_position else phrase)
    body = pick(rng, _JOINERS).join(parts)
    style = rng.random()
    if style < 0.15:  # a descriptive file name
        slug = [word for word in body.replace(",", " ").split() if word.isalpha()]
        return pick(rng, ("-", "_")).join(slug) + pick(rng, (".jpg", ".png"))
    text = pick(rng, _WRAPPERS).format(x=body)
    if style < 0.35:
        return text.title()
    return text[0].upper() + text[1:] if style < 0.7 else text


def correct_text(scene: Scene, rng: np.random.Generator) -> str:
    return web_wording(scene, rng, show_size=rng.random() < 0.7, show_position=rng.random() < 0.6)


def wrong_attribute_text(scene: Scene, rng: np.random.Generator) -> tuple[str, dict]:
    """The scene's wording with one attribute of one object changed; that attribute is always shown."""
    index = int(rng.integers(len(scene.objects)))
    obj = scene.objects[index]
    attribute = pick(rng, WRONG_ATTRIBUTES)
    if attribute == "position":
        # Only a free position, so the changed scene is still a possible one.
        taken = {o.position for o in scene.objects}
        choices = [p for p in POSITIONS if p not in taken]
    else:
        choices = list({"color": COLORS, "shape": SHAPES, "size": SIZES}[attribute])
        choices.remove(getattr(obj, attribute))
    value = pick(rng, choices)
    objects = list(scene.objects)
    objects[index] = with_attribute(obj, attribute, value)
    changed = Scene(tuple(objects), scene.background)
    show_size = attribute == "size" or rng.random() < 0.7
    show_position = attribute == "position" or rng.random() < 0.6
    detail = {"object": index, "attribute": attribute, "from": getattr(obj, attribute), "to": value}
    return web_wording(changed, rng, show_size, show_position), detail


def boilerplate_text(rng: np.random.Generator) -> tuple[str, dict]:
    kind = rng.random()
    if kind < 0.5:
        number = int(rng.integers(10, 100000))
        template = pick(
            rng,
            (
                "IMG_{n:04d}.JPG",
                "DSC{n:05d}.jpg",
                "image{n}.png",
                "photo_{n}.jpeg",
                "P{n:07d}.JPG",
                "{n}.jpg",
            ),
        )
        return template.format(n=number), {"kind": "file name"}
    if kind < 0.6:
        month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
        return f"Screenshot 2019-{month:02d}-{day:02d} at 10.{day + 10}.{month + 30}.png", {
            "kind": "file name"
        }
    if kind < 0.7:
        total = int(rng.integers(2, 30))
        return f"Image {int(rng.integers(1, total + 1))} of {total}", {"kind": "phrase"}
    return pick(rng, _BOILERPLATE_PHRASES), {"kind": "phrase"}


def too_short_text(scene: Scene, rng: np.random.Generator) -> tuple[str, dict]:
    """One word: the main object's shape or colour alone, or a generic word."""
    kind = pick(rng, ("shape", "color", "generic"))
    main = scene.main
    word = {
        "shape": lambda: pick(rng, SHAPE_WORDS[main.shape]),
        "color": lambda: pick(rng, COLOR_WORDS[main.color]),
        "generic": lambda: pick(rng, _GENERIC_WORDS),
    }[kind]()
    return (word.capitalize() if rng.random() < 0.3 else word), {"word_of": kind}


def detail_json(detail: dict | None) -> str | None:
    return None if detail is None else json.dumps(detail, sort_keys=True)
