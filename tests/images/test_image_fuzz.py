"""Fuzz of the one decode path: a few thousand seeded mutations of real images in every web format. Each
ends as an RGB image or an ImageRejected with a documented reason and a deterministic detail; nothing
else escapes. Bounded by count (MUTANTS), not by time."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capfilt.images import REASONS, DecodeLimits, ImageRejected, decode_image
from tests.helpers.image_mutations import mutate

REAL = Path(__file__).parents[1] / "data" / "real" / "images"
MUTANTS = 3000
# Small enough that a mutated header cannot make one decode slow; large enough for every seed.
LIMITS = DecodeLimits(max_pixels=2_000_000)
REAL_SEEDS = [
    "pillow/hopper_orientation_6.jpg",
    "pillow/pil_sample_cmyk.jpg",
    "pillow/frame_size.mpo",
    "pillow/p_trns_single.png",
    "pillow/i_trns.png",
    "pillow/16bit.MM.cropped.tif",
    "pillow/16bit.deflate.tif",
    "pillow/transparent.gif",
    "pillow/hopper.avif",
    "derived/anim_frames.webp",
]


def encoded(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def seeds() -> dict[str, bytes]:
    """A crop of a real photo in each format and mode the web serves, plus small real files."""
    photo = Image.open(REAL / "skimage" / "chelsea.jpg").resize((48, 32))
    grey = photo.convert("L")
    out = {
        "jpeg": encoded(photo, format="JPEG", quality=85),
        "jpeg_progressive": encoded(photo, format="JPEG", quality=85, progressive=True),
        "jpeg_grey": encoded(grey, format="JPEG"),
        "png_rgb": encoded(photo, format="PNG"),
        "png_palette": encoded(photo.convert("P"), format="PNG", transparency=0),
        "png_rgba": encoded(photo.convert("RGBA"), format="PNG"),
        "png_16bit": encoded(Image.fromarray(np.asarray(grey).astype(np.uint16) * 257), format="PNG"),
        "gif": encoded(photo.convert("P"), format="GIF"),
        "webp_lossy": encoded(photo, format="WEBP", quality=80),
        "webp_lossless": encoded(photo.convert("RGBA"), format="WEBP", lossless=True),
        "tiff_raw": encoded(photo, format="TIFF"),
        "tiff_deflate": encoded(grey, format="TIFF", compression="tiff_deflate"),
        "bmp": encoded(photo, format="BMP"),
    }
    if "AVIF" in Image.SAVE:
        out["avif"] = encoded(photo, format="AVIF", quality=60)
    for name in REAL_SEEDS:
        out[name] = (REAL / name).read_bytes()
    return out


def test_every_mutated_image_is_an_image_or_a_typed_reject():
    rng = random.Random(19)
    corpus = seeds()
    names = sorted(corpus)
    for name in names:  # every seed decodes before it is mutated
        assert decode_image(corpus[name], LIMITS).image.mode == "RGB", name
    outcomes: dict[str, int] = {}
    escaped = []
    for number in range(MUTANTS):
        name = names[number % len(names)]
        data = mutate(corpus[name], rng)
        try:
            decoded = decode_image(data, LIMITS)
        except ImageRejected as rejected:
            assert rejected.reason in REASONS, (name, rejected.reason)
            assert "0x7f" not in rejected.detail and " at 0x" not in rejected.detail, rejected.detail
            if number % 10 == 0:  # the same bytes give the same reject (rejects tables are reproducible)
                with pytest.raises(ImageRejected) as again:
                    decode_image(data, LIMITS)
                assert (again.value.reason, again.value.detail) == (rejected.reason, rejected.detail)
            outcomes[rejected.reason] = outcomes.get(rejected.reason, 0) + 1
        except Exception as error:  # noqa: BLE001 - the point of the test: nothing else may escape
            escaped.append((name, number, f"{type(error).__name__}: {error}"))
        else:
            assert decoded.image.mode == "RGB" and min(decoded.image.size) >= 1
            assert decoded.width * decoded.height <= LIMITS.max_pixels
            outcomes["image"] = outcomes.get("image", 0) + 1
    assert not escaped, escaped[:10]
    # The corpus exercises both ends: many mutants are refused, some still decode.
    assert outcomes.get("image", 0) > MUTANTS // 20 and outcomes.get("truncated_image", 0) > MUTANTS // 20
    assert outcomes.get("corrupt_image", 0) > MUTANTS // 20
