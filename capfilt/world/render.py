"""Drawing scenes with numpy (textured backgrounds) and Pillow (shapes), then JPEG encoding.

Everything is drawn at twice the asked size and halved at the end: cheap anti-aliasing that keeps
small shapes recognisable at 64 px. Sizes are fractions of the image side, so every size looks alike.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

from capfilt.world.scene import Scene, WorldObject
from capfilt.world.vocab import COLORS, POSITION_CENTERS, SIZE_RADII

SUPERSAMPLE = 2
JPEG_QUALITY = 90
# The least RGB distance between an object colour and either background colour.
MIN_CONTRAST = 90.0
# Random shift of an object's centre, as a fraction of the side; small enough to stay inside its cell.
JITTER = 0.01


@lru_cache(maxsize=8)
def _grid(side: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates in [0, 1), as (y, x) arrays of shape (side, side)."""
    axis = (np.arange(side, dtype=np.float32) + 0.5) / side
    return np.meshgrid(axis, axis, indexing="ij")


def _hsv(h: float, s: float, v: float) -> np.ndarray:
    return np.array(colorsys.hsv_to_rgb(h, s, v), dtype=np.float32) * 255


def background_colors(rng: np.random.Generator, scene: Scene) -> tuple[np.ndarray, np.ndarray]:
    """Two muted tints of one hue, both far from every object colour in the scene."""
    objects = [np.array(COLORS[o.color], dtype=np.float32) for o in scene.objects]
    for _ in range(50):
        hue, saturation, value = rng.random(), rng.uniform(0.05, 0.3), rng.uniform(0.42, 0.72)
        delta = rng.uniform(0.1, 0.18) * (1 if value < 0.57 else -1)
        first, second = _hsv(hue, saturation, value), _hsv(hue, saturation, value + delta)
        if all(np.linalg.norm(c - o) >= MIN_CONTRAST for c in (first, second) for o in objects):
            return first, second
    grey = _hsv(0, 0, 0.55)
    return grey, grey


def _texture(kind: str, rng: np.random.Generator, side: int) -> np.ndarray:
    """A float mask in [0, 1] of shape (side, side): 0 picks the first background colour, 1 the second."""
    y, x = _grid(side)
    angle = float(rng.choice([0.0, 0.5, 0.25, 0.75])) * math.pi
    along = x * math.cos(angle) + y * math.sin(angle)
    if kind == "plain":
        return np.zeros((side, side), dtype=np.float32)
    if kind == "stripes":
        period = rng.uniform(0.08, 0.2)
        return ((along / period) % 1.0 < 0.5).astype(np.float32)
    if kind == "checks":
        period = rng.uniform(0.1, 0.22)
        return ((np.floor(x / period) + np.floor(y / period)) % 2).astype(np.float32)
    if kind == "dots":
        period = rng.uniform(0.08, 0.15)
        radius = period * rng.uniform(0.2, 0.32)
        dx, dy = x % period - period / 2, y % period - period / 2
        return (dx * dx + dy * dy < radius * radius).astype(np.float32)
    if kind == "noise":
        # Speckles on a fixed grid in image coordinates, so the look does not depend on the pixel size.
        cells = int(rng.integers(24, 40))
        values = rng.random((cells, cells), dtype=np.float32)
        index = (np.arange(side) * cells // side).astype(np.intp)
        return values[index][:, index]
    if kind == "gradient":
        return (along - along.min()) / max(float(along.max() - along.min()), 1e-6)
    raise ValueError(f"unknown background {kind!r}")


def render_background(scene: Scene, rng: np.random.Generator, side: int) -> np.ndarray:
    first, second = background_colors(rng, scene)
    mask = _texture(scene.background, rng, side)[..., None]
    return (first + mask * (second - first)).astype(np.uint8)


def _polygon(shape: str, cx: float, cy: float, r: float) -> list[tuple[float, float]] | None:
    """Vertices of a polygonal shape centred on (cx, cy) with outer radius r; None for the circle."""

    def ring(radii: list[float], start: float) -> list[tuple[float, float]]:
        step = 2 * math.pi / len(radii)
        return [
            (cx + q * math.cos(start + i * step), cy + q * math.sin(start + i * step))
            for i, q in enumerate(radii)
        ]

    if shape == "circle":
        return None
    if shape == "square":
        h = r * 0.82
        return [(cx - h, cy - h), (cx + h, cy - h), (cx + h, cy + h), (cx - h, cy + h)]
    if shape == "triangle":
        # Centroid shifted down so the triangle looks centred in its cell.
        return [(x, y + r * 0.12) for x, y in ring([r] * 3, -math.pi / 2)]
    if shape == "star":
        return ring([r, r * 0.42] * 5, -math.pi / 2)
    if shape == "cross":
        t = r * 0.32
        return [
            (cx - t, cy - r), (cx + t, cy - r), (cx + t, cy - t), (cx + r, cy - t), (cx + r, cy + t),
            (cx + t, cy + t), (cx + t, cy + r), (cx - t, cy + r), (cx - t, cy + t), (cx - r, cy + t),
            (cx - r, cy - t), (cx - t, cy - t),
        ]  # fmt: skip
    if shape == "diamond":
        return [(cx, cy - r), (cx + r * 0.68, cy), (cx, cy + r), (cx - r * 0.68, cy)]
    raise ValueError(f"unknown shape {shape!r}")


def draw_object(draw: ImageDraw.ImageDraw, obj: WorldObject, center: tuple[float, float], side: int) -> None:
    cx, cy = center[0] * side, center[1] * side
    r = SIZE_RADII[obj.size] * side
    color = COLORS[obj.color]
    points = _polygon(obj.shape, cx, cy, r)
    if points is None:
        draw.ellipse([cx - r * 0.92, cy - r * 0.92, cx + r * 0.92, cy + r * 0.92], fill=color)
    else:
        draw.polygon(points, fill=color)


def object_center(obj: WorldObject, rng: np.random.Generator) -> tuple[float, float]:
    x, y = POSITION_CENTERS[obj.position]
    jx, jy = rng.uniform(-JITTER, JITTER, size=2)
    return x + float(jx), y + float(jy)


def compose(background: np.ndarray, placed: list[tuple[WorldObject, tuple[float, float]]]) -> Image.Image:
    """Draw objects at their centres on a supersampled background and bring it down to the final size."""
    image = Image.fromarray(background)
    draw = ImageDraw.Draw(image)
    for obj, center in placed:
        draw_object(draw, obj, center, background.shape[0])
    return image.reduce(SUPERSAMPLE)


def render_scene(scene: Scene, rng: np.random.Generator, size: int) -> Image.Image:
    background = render_background(scene, rng, size * SUPERSAMPLE)
    return compose(background, [(o, object_center(o, rng)) for o in scene.objects])


def encode_jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # 4:4:4 chroma keeps small coloured shapes crisp at 64 px.
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def image_columns(image: Image.Image, key: str) -> dict:
    """The image-related `pairs` columns for an image stored as JPEG under `key`."""
    data = encode_jpeg(image)
    return {
        "image": {"bytes": data, "path": f"{key}.jpg"},
        "width": image.width,
        "height": image.height,
        "original_width": image.width,
        "original_height": image.height,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
