"""Short clips for Flamingo: one object crossing the frame, sometimes passing one that stays still.

The moving object travels between two opposite positions through the centre; the still one sits in a
cell off that path, so the two never overlap.
"""

from __future__ import annotations

from capfilt.world.captions import background_phrase, noun_phrase, position_phrase, with_article
from capfilt.world.config import WorldConfig
from capfilt.world.examples import URL_ROOT, key_for, label_row
from capfilt.world.render import SUPERSAMPLE, compose, encode_jpeg, render_background
from capfilt.world.scene import Scene, WorldObject, sample_objects
from capfilt.world.seeding import pick, rng_for
from capfilt.world.vocab import BACKGROUNDS, POSITION_CENTERS

SPLIT = "clips"
KEY_PREFIX = "clip"
# motion -> (start, end, cells off the path where a still object may sit)
PATHS = {
    "left to right": ("left", "right", ("top", "bottom")),
    "right to left": ("right", "left", ("top", "bottom")),
    "top to bottom": ("top", "bottom", ("left", "right")),
    "bottom to top": ("bottom", "top", ("left", "right")),
}
_TEMPLATES = (
    "{mover} moves from the {start} to the {end}",
    "{mover} slides from the {start} to the {end}",
    "{mover} travels across the frame from the {start} to the {end}",
)
_STILL_TEMPLATES = (
    "{moving_sentence} while {still} stays still {still_place}",
    "{moving_sentence}, passing {still}",
)


def clip_scene(config: WorldConfig, index: int) -> Scene:
    rng = rng_for(config.seed, SPLIT, index, "scene")
    motion = pick(rng, list(PATHS))
    start, _, off_path = PATHS[motion]
    count = 1 + int(rng.random() < 0.5)
    # The moving object starts at `start`; a still one, if any, sits off the path.
    placed = sample_objects(rng, count, positions=(start, pick(rng, off_path))[:count])
    mover = next(o for o in placed if o.position == start)
    rest = [o for o in placed if o is not mover]
    objects = [WorldObject(mover.color, mover.shape, mover.size, start, motion)]
    objects += [WorldObject(o.color, o.shape, o.size, o.position, "still") for o in rest]
    return Scene(tuple(objects), pick(rng, BACKGROUNDS))


def clip_caption(scene: Scene, rng=None) -> str:
    """Without rng: the canonical description; with rng: a varied caption."""
    mover, *still = scene.objects
    start, end, _ = PATHS[mover.motion]
    name = noun_phrase(mover, rng, with_size=rng is None or rng.random() < 0.6)
    template = _TEMPLATES[0] if rng is None else pick(rng, _TEMPLATES)
    sentence = template.format(mover=with_article(name), start=start, end=end)
    if still:
        (other,) = still
        still_name = with_article(noun_phrase(other, rng, with_size=rng is None or rng.random() < 0.6))
        still_template = _STILL_TEMPLATES[0] if rng is None else pick(rng, _STILL_TEMPLATES)
        sentence = still_template.format(
            moving_sentence=sentence, still=still_name, still_place=position_phrase(other, rng)
        )
    return f"{sentence}, on {background_phrase(scene, rng)}" if rng is None else sentence


def clip_example(config: WorldConfig, index: int) -> tuple[dict, dict]:
    """(`clips` row, `labels` row). Frames show the mover at evenly spaced points from start to end."""
    key = key_for(KEY_PREFIX, index)
    scene = clip_scene(config, index)
    side = config.image_size * SUPERSAMPLE
    background = render_background(scene, rng_for(config.seed, SPLIT, index, "render"), side)
    mover, *still = scene.objects
    start, end, _ = PATHS[mover.motion]
    (x0, y0), (x1, y1) = POSITION_CENTERS[start], POSITION_CENTERS[end]
    frames = []
    for f in range(config.clip_frames):
        t = f / (config.clip_frames - 1)
        placed = [(mover, (x0 + t * (x1 - x0), y0 + t * (y1 - y0)))]
        placed += [(o, POSITION_CENTERS[o.position]) for o in still]
        frames.append({"bytes": encode_jpeg(compose(background, placed)), "path": f"{key}-{f:02d}.jpg"})
    row = {
        "key": key,
        "url": f"{URL_ROOT}/{SPLIT}/{key}.mp4",
        "frames": frames,
        "width": config.image_size,
        "height": config.image_size,
        "caption": clip_caption(scene, rng_for(config.seed, SPLIT, index, "text")),
        "source": f"world:{SPLIT}",
    }
    return row, label_row(key, SPLIT, scene, description=clip_caption(scene))
