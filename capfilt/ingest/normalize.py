"""Validating and normalising one downloaded image: decode, check, resize, re-encode, hash.

Decoding is `capfilt.images.decode_image` (the project's one decode path): header limits before any
pixel is decoded (`--max_pixels`, `--min_image_size`, `--max_aspect_ratio`), a full decode that proves
the file is an image whatever its Content-Type said and that its data holds every pixel its header
declares, EXIF orientation, RGB on white. The resize modes mean what they mean in img2dataset
(`--resize_mode`, `--image_size`); images are never enlarged unless `--allow_upscale` (img2dataset's
`--resize_only_if_bigger`, here the default): upscaling adds no information and a thin strip enlarged
to 384 px on its short side can need gigabytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import imagehash
from PIL import Image

from capfilt.images import DecodeLimits, ImageRejected, decode_image

__all__ = [
    "ENCODINGS",
    "RESIZE_MODES",
    "ImageRejected",
    "NormalizeConfig",
    "NormalizedImage",
    "normalize_image",
]

RESIZE_MODES = ("no", "keep_ratio", "center_crop", "border", "keep_ratio_largest")
ENCODINGS = {"jpg": "JPEG", "webp": "WEBP"}
# Largest side each encoder writes (JPEG: 65,535 minus libjpeg's margin; WebP: 16,383).
MAX_ENCODED_SIDE = {"jpg": 65_500, "webp": 16_383}
BORDER_COLOUR = (255, 255, 255)


@dataclass(frozen=True)
class NormalizeConfig:
    image_size: int = 384
    resize_mode: str = "keep_ratio"
    # Enlarge images smaller than image_size (img2dataset does unless --resize_only_if_bigger).
    allow_upscale: bool = False
    encode_format: str = "jpg"
    encode_quality: int = 95
    # Checked from the header, before decoding: a larger image is refused as a likely decompression bomb.
    max_pixels: int = 50_000_000
    # Shorter side below this is refused: spacers, icons, avatars and thumbnails are not training images.
    min_image_size: int = 64
    # Longer/shorter side above this is refused (banners, strips, separators); 0 accepts any.
    max_aspect_ratio: float = 5.0

    def __post_init__(self):
        if self.resize_mode not in RESIZE_MODES:
            raise ValueError(f"--resize_mode {self.resize_mode!r}: choose one of {', '.join(RESIZE_MODES)}")
        if self.encode_format not in ENCODINGS:
            raise ValueError(f"--encode_format {self.encode_format!r}: choose one of {', '.join(ENCODINGS)}")
        if self.image_size <= 0 and self.resize_mode != "no":
            raise ValueError(f"--image_size must be positive, got {self.image_size}")
        if self.max_pixels <= 0:
            raise ValueError(f"--max_pixels must be positive, got {self.max_pixels}")
        if self.min_image_size < 0:
            raise ValueError(f"--min_image_size must be 0 or more, got {self.min_image_size}")
        if self.max_aspect_ratio != 0 and not self.max_aspect_ratio >= 1:
            raise ValueError(
                f"--max_aspect_ratio must be 0 (no limit) or at least 1, got {self.max_aspect_ratio}"
            )

    @property
    def extension(self) -> str:
        return self.encode_format

    @property
    def limits(self) -> DecodeLimits:
        return DecodeLimits(self.max_pixels, max(1, self.min_image_size), self.max_aspect_ratio)


@dataclass
class NormalizedImage:
    data: bytes
    width: int
    height: int
    original_width: int
    original_height: int
    sha256: str
    phash: str


def _scale_to(image: Image.Image, width: int, height: int) -> Image.Image:
    if (width, height) == image.size:
        return image
    shrinking = width * height < image.width * image.height
    # Area averaging to shrink and Lanczos to enlarge: img2dataset's defaults.
    method = Image.Resampling.BOX if shrinking else Image.Resampling.LANCZOS
    return image.resize((width, height), method)


def resize(image: Image.Image, config: NormalizeConfig) -> Image.Image:
    """Apply `config.resize_mode` with img2dataset's meaning of each mode."""
    mode, size = config.resize_mode, config.image_size
    if mode == "no":
        return image
    w, h = image.size
    reference = min(w, h) if mode in ("keep_ratio", "center_crop") else max(w, h)
    if not config.allow_upscale and reference <= size:
        return image
    scale = size / reference
    width, height = max(1, round(w * scale)), max(1, round(h * scale))
    if max(width, height) > MAX_ENCODED_SIDE[config.encode_format] or width * height > config.max_pixels:
        # Only a very thin image gets here (its short side scaled to image_size makes the long side huge).
        raise ImageRejected(
            "extreme_aspect_ratio",
            f"{w}x{h} would become {width}x{height}: over the {config.encode_format} limit or max_pixels",
        )
    image = _scale_to(image, width, height)
    if mode == "center_crop":
        left, top = (image.width - size) // 2, (image.height - size) // 2
        image = image.crop((left, top, left + size, top + size))
    elif mode == "border":
        canvas = Image.new("RGB", (size, size), BORDER_COLOUR)
        canvas.paste(image, ((size - image.width) // 2, (size - image.height) // 2))
        image = canvas
    return image


def _draft_target(width: int, height: int, config: NormalizeConfig) -> tuple[int, int] | None:
    """The smallest size the JPEG decoder may scale down to and still leave enough pixels to resize from."""
    if config.resize_mode == "no":
        return None
    reference = (
        min(width, height) if config.resize_mode in ("keep_ratio", "center_crop") else max(width, height)
    )
    if reference <= 2 * config.image_size:
        return None
    scale = config.image_size / reference
    return (int(width * scale) + 1, int(height * scale) + 1)


def normalize_image(data: bytes, config: NormalizeConfig) -> NormalizedImage:
    """Decode, check and normalise `data`; raise ImageRejected with a reason when it is not acceptable."""
    decoded = decode_image(data, config.limits, lambda w, h: _draft_target(w, h, config))
    image = resize(decoded.image, config)
    buffer = io.BytesIO()
    try:
        image.save(buffer, ENCODINGS[config.encode_format], quality=config.encode_quality)
    except (OSError, ValueError) as error:  # the encoder refuses a size or mode: the record's fault
        raise ImageRejected("corrupt_image", f"cannot encode as {config.encode_format}: {error}") from None
    encoded = buffer.getvalue()
    return NormalizedImage(
        data=encoded,
        width=image.width,
        height=image.height,
        original_width=decoded.width,
        original_height=decoded.height,
        sha256=hashlib.sha256(encoded).hexdigest(),
        phash=str(imagehash.phash(image)),
    )
