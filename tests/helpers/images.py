"""Small helpers for tests that need real image bytes."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image


def jpeg_bytes(color=(200, 30, 30), size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes(color=(30, 30, 200), size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def noise_images(count: int, seed: int = 0) -> list[Image.Image]:
    """Random RGB images of assorted sizes (a processor resizes them): captions and scores depend on them."""
    rng = np.random.default_rng(seed)
    return [
        Image.fromarray(rng.integers(0, 256, (30 + 3 * i, 40 - 2 * i, 3), dtype=np.uint8))
        for i in range(count)
    ]
