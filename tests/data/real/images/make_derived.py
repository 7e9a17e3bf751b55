"""Rebuild tests/data/real/images/derived/ (see MANIFEST.md).

    python tests/data/real/images/make_derived.py [SKIMAGE_DATA_DIR]

Damaged copies are made from files committed beside this script, so they rebuild from the repository
alone. The JPEG copies of scikit-image's large PNG photos (chelsea, coffee, astronaut) need those PNGs:
pass scikit-image's `src/_skimage2/data` directory to rebuild them too.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
PILLOW, SKIMAGE, DERIVED = HERE / "pillow", HERE / "skimage", HERE / "derived"


def jpeg_with_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its SOF marker claiming another size (the data is left as it is)."""
    position = 2
    while position < len(data):
        marker, length = data[position + 1], struct.unpack(">H", data[position + 2 : position + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return data[: position + 5] + struct.pack(">HH", height, width) + data[position + 9 :]
        position += 2 + length
    raise ValueError("no SOF marker")


def png_with_size(data: bytes, width: int, height: int) -> bytes:
    """The same PNG with IHDR claiming another size, its CRC recomputed (so only the data disagrees)."""
    body = struct.pack(">II", width, height) + data[24:29]
    return data[:16] + body + struct.pack(">I", zlib.crc32(b"IHDR" + body)) + data[33:]


def tiff_with_height(data: bytes, height: int) -> bytes:
    """The same TIFF with ImageLength (tag 257) claiming another height."""
    order = "<" if data[:2] == b"II" else ">"
    out = bytearray(data)
    ifd = struct.unpack(order + "I", data[4:8])[0]
    for entry in range(struct.unpack(order + "H", data[ifd : ifd + 2])[0]):
        place = ifd + 2 + 12 * entry
        tag, kind = struct.unpack(order + "HH", data[place : place + 4])
        if tag == 257:
            value = struct.pack(order + ("H" if kind == 3 else "I"), height)
            out[place + 8 : place + 8 + len(value)] = value
    return bytes(out)


def encode(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def main(skimage_data: str | None = None) -> None:
    DERIVED.mkdir(exist_ok=True)
    rocket = (SKIMAGE / "rocket.jpg").read_bytes()
    hopper_png = (PILLOW / "hopper.png").read_bytes()
    outputs = {
        # A download cut at 60 %, with and without an end-of-image marker after the cut.
        "rocket_truncated.jpg": rocket[: len(rocket) * 6 // 10],
        "rocket_truncated_eoi.jpg": rocket[: len(rocket) * 6 // 10] + b"\xff\xd9",
        # Header claims 4x the rows the data holds (libjpeg warns, Pillow fills grey).
        "rocket_header_lie.jpg": jpeg_with_size(rocket, 640, 427 * 4),
        # Header claims twice the rows; the zlib stream ends early (Pillow pads black rows).
        "hopper_header_lie.png": png_with_size(hopper_png, 128, 256),
        "hopper_truncated.png": hopper_png[: len(hopper_png) // 2],
        # Uncompressed 16-bit TIFF whose ImageLength says 256 rows over a 64-row strip.
        "16bit_header_lie.tif": tiff_with_height((PILLOW / "16bit.cropped.tif").read_bytes(), 256),
        # 16-bit greyscale PNG with the values of scikit-image's 16-bit chessboard TIFF.
        "chessboard_GRAY_U16.png": encode(Image.open(SKIMAGE / "chessboard_GRAY_U16.tif"), format="PNG"),
        # Two-frame animated WebP from Pillow's two frames.
        "anim_frames.webp": encode(
            Image.open(PILLOW / "anim_frame1.webp"),
            format="WEBP",
            save_all=True,
            append_images=[Image.open(PILLOW / "anim_frame2.webp")],
            lossless=True,
        ),
    }
    if skimage_data:
        source = Path(skimage_data)
        chelsea = Image.open(source / "chelsea.png").convert("RGB")
        outputs["chelsea_progressive.jpg"] = encode(chelsea, format="JPEG", quality=90, progressive=True)
        for name in ("chelsea", "coffee", "astronaut"):
            photo = Image.open(source / f"{name}.png").convert("RGB")
            (SKIMAGE / f"{name}.jpg").write_bytes(encode(photo, format="JPEG", quality=90))
    for name, data in outputs.items():
        (DERIVED / name).write_bytes(data)
    assert np.asarray(Image.open(DERIVED / "chessboard_GRAY_U16.png")).dtype == np.uint16


if __name__ == "__main__":
    main(*sys.argv[1:2])
