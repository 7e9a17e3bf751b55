"""Validating and normalising one downloaded image: decode for real, orient, RGB, resize, re-encode, hash.

Pillow does the work in one decode: the header gives the pixel count before any pixel is decoded (so a
decompression bomb is refused unread), a full decode proves the file is an image whatever its
Content-Type said (a truncated JPEG fails here), EXIF orientation is applied, and the resize modes mean
what they mean in img2dataset (`--resize_mode`, `--image_size`, `--resize_only_if_bigger`).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import warnings
from dataclasses import dataclass

import imagehash
from PIL import Image, ImageOps, UnidentifiedImageError

RESIZE_MODES = ("no", "keep_ratio", "center_crop", "border", "keep_ratio_largest")
ENCODINGS = {"jpg": "JPEG", "webp": "WEBP"}
# Formats an image on the web arrives in (those this Pillow build has); anything else is not an image.
Image.init()
WEB_FORMATS = tuple(
    f for f in ("JPEG", "MPO", "PNG", "GIF", "WEBP", "BMP", "TIFF", "AVIF") if f in Image.OPEN
)
# EXIF orientations that swap width and height.
TRANSPOSING_ORIENTATIONS = (5, 6, 7, 8)
EXIF_ORIENTATION = 0x0112
BORDER_COLOUR = (255, 255, 255)


@dataclass(frozen=True)
class NormalizeConfig:
    image_size: int = 384
    resize_mode: str = "keep_ratio"
    resize_only_if_bigger: bool = False
    encode_format: str = "jpg"
    encode_quality: int = 95
    # Checked from the header, before decoding: a larger image is refused as a likely decompression bomb.
    max_pixels: int = 50_000_000
    min_image_size: int = 0

    def __post_init__(self):
        if self.resize_mode not in RESIZE_MODES:
            raise ValueError(f"--resize_mode {self.resize_mode!r}: choose one of {', '.join(RESIZE_MODES)}")
        if self.encode_format not in ENCODINGS:
            raise ValueError(f"--encode_format {self.encode_format!r}: choose one of {', '.join(ENCODINGS)}")
        if self.image_size <= 0 and self.resize_mode != "no":
            raise ValueError(f"--image_size must be positive, got {self.image_size}")

    @property
    def extension(self) -> str:
        return self.encode_format


@dataclass
class NormalizedImage:
    data: bytes
    width: int
    height: int
    original_width: int
    original_height: int
    sha256: str
    phash: str


class ImageRejected(Exception):
    """The bytes are not an acceptable image. `stage` and `reason` go to the rejects table."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "the body is HTML"
    return f"unrecognised leading bytes {data[:8]!r}"


def _open(data: bytes) -> Image.Image:
    if not data:
        raise ImageRejected("not_an_image", "empty body")
    try:
        with warnings.catch_warnings():
            # Our own pixel limit decides; Pillow's warning about large images is noise here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=WEB_FORMATS)
    except Image.DecompressionBombError as error:
        raise ImageRejected("too_many_pixels", str(error)) from error
    except (UnidentifiedImageError, SyntaxError, ValueError) as error:
        raise ImageRejected("not_an_image", _describe(data)) from error
    except OSError as error:
        raise _decode_failure(error) from error


def _decode_failure(error: Exception) -> ImageRejected:
    reason = "truncated_image" if "truncated" in str(error).lower() else "corrupt_image"
    return ImageRejected(reason, f"{type(error).__name__}: {error}")


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB; transparent pixels become white, as img2dataset's alpha matting does."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, BORDER_COLOUR)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


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
    if config.resize_only_if_bigger and reference <= size:
        return image
    scale = size / reference
    image = _scale_to(image, max(1, round(w * scale)), max(1, round(h * scale)))
    if mode == "center_crop":
        left, top = (image.width - size) // 2, (image.height - size) // 2
        image = image.crop((left, top, left + size, top + size))
    elif mode == "border":
        canvas = Image.new("RGB", (size, size), BORDER_COLOUR)
        canvas.paste(image, ((size - image.width) // 2, (size - image.height) // 2))
        image = canvas
    return image


def _displayed_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(EXIF_ORIENTATION, 1)
    w, h = image.size
    return (h, w) if orientation in TRANSPOSING_ORIENTATIONS else (w, h)


def _draft_target(size: tuple[int, int], config: NormalizeConfig) -> tuple[int, int] | None:
    """The smallest size the JPEG decoder may scale down to and still leave enough pixels to resize from."""
    if config.resize_mode == "no":
        return None
    w, h = size
    reference = min(w, h) if config.resize_mode in ("keep_ratio", "center_crop") else max(w, h)
    if reference <= 2 * config.image_size:
        return None
    scale = config.image_size / reference
    return (int(w * scale) + 1, int(h * scale) + 1)


def normalize_image(data: bytes, config: NormalizeConfig) -> NormalizedImage:
    """Decode, check and normalise `data`; raise ImageRejected with a reason when it is not acceptable."""
    image = _open(data)
    width, height = image.size
    if width * height > config.max_pixels:
        raise ImageRejected("too_many_pixels", f"{width}x{height} exceeds {config.max_pixels} pixels")
    if min(width, height) < config.min_image_size:
        raise ImageRejected("image_too_small", f"{width}x{height} is under {config.min_image_size} pixels")
    original_width, original_height = _displayed_size(image)
    target = _draft_target((width, height), config)
    if target and image.format in ("JPEG", "MPO"):
        image.draft("RGB", target)  # decode at 1/2, 1/4 or 1/8 scale: same result after resize, less work
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _decode_failure(error) from error
    with contextlib.suppress(Exception):  # a broken EXIF block leaves the image as stored
        ImageOps.exif_transpose(image, in_place=True)
    image = resize(_to_rgb(image), config)
    buffer = io.BytesIO()
    image.save(buffer, ENCODINGS[config.encode_format], quality=config.encode_quality)
    encoded = buffer.getvalue()
    return NormalizedImage(
        data=encoded,
        width=image.width,
        height=image.height,
        original_width=original_width,
        original_height=original_height,
        sha256=hashlib.sha256(encoded).hexdigest(),
        phash=str(imagehash.phash(image)),
    )
