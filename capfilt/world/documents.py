"""Interleaved documents for Flamingo: a title, then images with text between them, like a web page."""

from __future__ import annotations

from capfilt.world.captions import human_captions
from capfilt.world.config import WorldConfig
from capfilt.world.examples import URL_ROOT, key_for, label_row
from capfilt.world.render import image_columns, render_scene
from capfilt.world.scene import sample_scene
from capfilt.world.seeding import pick, rng_for
from capfilt.world.vocab import BACKGROUNDS

SPLIT = "documents"
KEY_PREFIX = "doc"
IMAGES_PER_DOCUMENT = (2, 4)  # inclusive range

# Text that carries no scene information, between the informative captions.
_TITLES = (
    "My shape collection",
    "Drawings from the art class",
    "A small gallery",
    "Today's pictures",
    "Notes on simple figures",
    "Examples from the workshop",
)
_FILLERS = (
    "Here is another one.",
    "The next picture is one of my favourites.",
    "I made this one last week.",
    "Have a look at this.",
    "This one took a while.",
    "And one more.",
)


def document_example(config: WorldConfig, index: int) -> tuple[dict, list[dict]]:
    """(`documents` row, one `labels` row per image). Image i of document k is keyed "doc-00000k-i"."""
    key = key_for(KEY_PREFIX, index)
    rng = rng_for(config.seed, SPLIT, index, "text")
    segments = [{"text": pick(rng, _TITLES), "image": None}]
    labels = []
    low, high = IMAGES_PER_DOCUMENT
    for i in range(int(rng.integers(low, high + 1))):
        image_key = f"{key}-{i}"
        scene = sample_scene(rng_for(config.seed, SPLIT, index, i, "scene"), BACKGROUNDS, held_out=False)
        image = render_scene(scene, rng_for(config.seed, SPLIT, index, i, "render"), config.image_size)
        if rng.random() < 0.4:
            segments.append({"text": pick(rng, _FILLERS), "image": None})
        segments.append({"text": None, "image": image_columns(image, image_key)["image"]})
        segments.append({"text": human_captions(scene, rng, count=1)[0], "image": None})
        labels.append(label_row(image_key, SPLIT, scene))
    row = {
        "key": key,
        "url": f"{URL_ROOT}/{SPLIT}/{key}.html",
        "segments": segments,
        "source": f"world:{SPLIT}",
    }
    return row, labels
