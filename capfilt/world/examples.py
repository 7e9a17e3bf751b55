"""One record of each `pairs` split with its ground truth: the pure functions the generator maps over.

Each is a function of (config, index) alone; its randomness comes from rng_for(seed, split, index, ...).
"""

from __future__ import annotations

import numpy as np

from capfilt.world.captions import describe, human_captions
from capfilt.world.config import WorldConfig
from capfilt.world.grading import text_matches_scene
from capfilt.world.render import image_columns, render_scene
from capfilt.world.scene import Scene, sample_scene
from capfilt.world.seeding import rng_for
from capfilt.world.vocab import BACKGROUNDS
from capfilt.world.webtext import (
    NOISE_TYPES,
    boilerplate_text,
    correct_text,
    detail_json,
    too_short_text,
    wrong_attribute_text,
)

URL_ROOT = "https://world.capfilt.invalid"  # .invalid never resolves: these URLs name, they do not fetch
PAIR_SPLITS = ("web", "human", "test", "classify")
# Splits whose scenes come from the held-out configurations; single-object scenes for classification.
HELD_OUT_SPLITS = ("test", "classify")
OBJECT_COUNT = {"classify": 1}
DONOR_TRIES = 50


def key_for(split: str, index: int) -> str:
    return f"{split}-{index:06d}"


def label_row(key: str, split: str, scene: Scene, description: str | None = None, **extra) -> dict:
    return {
        "key": key,
        "split": split,
        "objects": [o.as_row() for o in scene.objects],
        "background": scene.background,
        "description": description or describe(scene),
        "class_name": scene.main.shape,
        "noise": None,
        "noise_detail": None,
    } | extra


def pair_row(key: str, split: str, caption: str, references: list[str] | None, image_cols: dict) -> dict:
    return {
        "key": key,
        "url": f"{URL_ROOT}/{split}/{key}.jpg",
        "page_url": None,
        "caption": caption,
        "references": references,
        **image_cols,
        "phash": None,
        "source": f"world:{split}",
    }


def scene_of(config: WorldConfig, split: str, index: int) -> Scene:
    rng = rng_for(config.seed, split, index, "scene")
    return sample_scene(rng, BACKGROUNDS, split in HELD_OUT_SPLITS, OBJECT_COUNT.get(split))


def choose_noise(rng: np.random.Generator, mix: dict[str, float]) -> str:
    draw, total = rng.random(), 0.0
    for name in NOISE_TYPES:
        total += mix[name]
        if draw < total:
            return name
    return max(mix, key=mix.get)  # rounding left the draw above the last bound


def borrowed_text(
    config: WorldConfig, index: int, scene: Scene, rng: np.random.Generator
) -> tuple[str, dict]:
    """The correct web text of another web record, one that does not happen to fit this scene."""
    for _ in range(DONOR_TRIES):
        donor = int(rng.integers(config.web - 1))
        donor += donor >= index  # any index but our own
        text = correct_text(scene_of(config, "web", donor), rng_for(config.seed, "web", donor, "donor-text"))
        if not text_matches_scene(text, scene.objects):
            break
    return text, {"key": key_for("web", donor)}


def web_text(config: WorldConfig, index: int, scene: Scene) -> tuple[str, str, dict | None]:
    rng = rng_for(config.seed, "web", index, "text")
    noise = choose_noise(rng, config.noise)
    if noise == "correct":
        return correct_text(scene, rng), noise, None
    if noise == "other_image":
        text, detail = borrowed_text(config, index, scene, rng)
    elif noise == "boilerplate":
        text, detail = boilerplate_text(rng)
    elif noise == "wrong_attribute":
        text, detail = wrong_attribute_text(scene, rng)
    else:
        text, detail = too_short_text(scene, rng)
    return text, noise, detail


def pair_example(config: WorldConfig, split: str, index: int) -> tuple[dict, dict]:
    """(`pairs` row, `labels` row) for record `index` of `split`."""
    key = key_for(split, index)
    scene = scene_of(config, split, index)
    image = image_columns(
        render_scene(scene, rng_for(config.seed, split, index, "render"), config.image_size), key
    )
    if split == "web":
        text, noise, detail = web_text(config, index, scene)
        return pair_row(key, split, text, None, image), label_row(
            key, split, scene, noise=noise, noise_detail=detail_json(detail)
        )
    captions = human_captions(scene, rng_for(config.seed, split, index, "text"))
    return pair_row(key, split, captions[0], captions, image), label_row(key, split, scene)
