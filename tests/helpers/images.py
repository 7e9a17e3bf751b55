"""Small helpers for tests that need real image bytes."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_bytes(color=(200, 30, 30), size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


def png_bytes(color=(30, 30, 200), size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()
