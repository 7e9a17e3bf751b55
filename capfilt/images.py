"""The project's one way from bytes to an image: an upright RGB `PIL.Image` or one typed `ImageRejected`.

Ingest's normalisation, CapFilt's prepare step, the training loaders, Flamingo's CLI and the report's
thumbnails all decode here, so every stage sees the same pixels: EXIF orientation applied, transparency
composited on white (as img2dataset and transformers' processors do), 16-bit, 32-bit and float greyscale
stretched from their real range onto 0..255 (Pillow's own conversion clips them to white), CMYK, palette,
1-bit, LA, CIELab... converted to RGB.

Order of work, cheapest refusal first:
1. Pillow reads the header only (web formats only): size, mode, EXIF. The pixel, side and aspect-ratio
   limits are checked here, before any pixel is decoded, so a decompression bomb costs nothing.
2. The pixels. JPEG (and MPO, whose first frame is a JPEG) decodes through simplejpeg (libjpeg-turbo) with
   its warnings raised: libjpeg only *warns* when the data stops early, or when the header claims more
   rows than the data holds, and then fills the rest with grey; Pillow drops those warnings and returns
   the grey image. Warnings that mean no pixel is missing (extraneous bytes before a marker, an unknown
   JFIF revision...) are tolerated. A target size lets libjpeg scale by 1/2, 1/4 or 1/8 in the DCT
   (Pillow's `draft`, same sizes and pixels) when the caller will shrink the image anyway. PNG is checked
   against its own header first (CRC of every critical chunk, and the inflated IDAT stream must hold
   every row: Pillow pads a short stream with black rows); a raw TIFF whose strips do not cover its
   declared size is refused likewise. Everything else decodes through Pillow, whose truncation errors
   stay on (`ImageFile.LOAD_TRUNCATED_IMAGES` must stay False).
3. Orientation, then RGB. Every exception Pillow or a plugin raises on bad bytes becomes a reject with a
   deterministic detail (no object reprs or addresses), so two runs give identical rejects.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simplejpeg
from PIL import Image, ImageCms, UnidentifiedImageError

# Formats an image on the web arrives in (those this Pillow build has); anything else is not an image.
Image.init()
WEB_FORMATS = tuple(
    f for f in ("JPEG", "MPO", "PNG", "GIF", "WEBP", "BMP", "TIFF", "AVIF") if f in Image.OPEN
)
REASONS = (
    "not_an_image",
    "truncated_image",
    "corrupt_image",
    "too_many_pixels",
    "image_too_small",
    "extreme_aspect_ratio",
)
WHITE = (255, 255, 255)
EXIF_ORIENTATION = 0x0112
# EXIF orientation -> the transpose that makes the image upright (EXIF 2.32, table of tag 0x0112).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Exceptions Pillow, its plugins and numpy raise on bad bytes (MemoryError: a huge allocation refused).
DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    RuntimeError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
    OverflowError,
    AttributeError,
    MemoryError,
)
# libjpeg warnings that lose no pixel: the image is decoded again without stopping on them.
HARMLESS_JPEG_WARNINGS = (
    "extraneous bytes before marker",
    "unknown jfif revision",
    "unknown adobe color transform",
    "invalid sos parameters for sequential jpeg",
    "bad icc marker",
    "inconsistent progression sequence",
)
# libjpeg's words for data that ends before the pixels do (JWRN_JPEG_EOF, JWRN_HIT_MARKER).
JPEG_TRUNCATION = ("premature end of jpeg file", "premature end of data segment")
SIGNATURES = {
    b"\xff\xd8\xff": "JPEG",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"BM": "BMP",
}
HIGH_DEPTH_MODES = ("I", "F")


class ImageRejected(Exception):
    """Not an acceptable image; `reason` (one of REASONS) and `detail` go to the rejects table."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class DecodeLimits:
    """Refusals decided from the header, before any pixel is decoded."""

    max_pixels: int = 64_000_000
    # Smallest accepted shorter side, in pixels.
    min_side: int = 1
    # Largest accepted longer/shorter side ratio; 0 accepts any.
    max_aspect_ratio: float = 0.0


@dataclass
class DecodedImage:
    image: Image.Image  # RGB, upright; smaller than width x height when a draft size let JPEG scale down
    width: int  # displayed (upright) size of the full image
    height: int
    format: str


DraftSize = tuple[int, int] | Callable[[int, int], tuple[int, int] | None] | None


def decode_image(
    data: bytes, limits: DecodeLimits = DecodeLimits(), draft_size: DraftSize = None
) -> DecodedImage:
    """Decode `data` into an upright RGB image, or raise ImageRejected.

    `draft_size` (width, height), or a function of the displayed (width, height) returning it, is the
    smallest size the caller needs: a JPEG at least twice as large is decoded at 1/2, 1/4 or 1/8 scale,
    never below it. Other formats decode in full.
    """
    image = _open(data)
    stored_width, stored_height = image.size
    _check_limits(stored_width, stored_height, limits)
    orientation = _orientation(image) if image.format in ("JPEG", "MPO") else 1
    try:
        if image.format in ("JPEG", "MPO"):
            width, height = _displayed((stored_width, stored_height), orientation)
            target = draft_size(width, height) if callable(draft_size) else draft_size
            if target and orientation in (5, 6, 7, 8):
                target = (target[1], target[0])
            pixels = _decode_jpeg(data, image, target)
        else:
            _check_data_covers_header(data, image)
            image.load()
            orientation = _orientation(image)
            pixels = image
        upright = to_rgb(pixels)
        if orientation in UPRIGHT:
            upright = upright.transpose(UPRIGHT[orientation])
    except ImageRejected:
        raise
    except DECODE_ERRORS as error:
        raise _failure(error) from None
    width, height = _displayed((stored_width, stored_height), orientation)
    return DecodedImage(upright, width, height, image.format)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB with transparency composited onto white; high-depth greyscale stretched from its real range."""
    if image.mode == "RGB":
        return image
    if image.mode in HIGH_DEPTH_MODES or image.mode.startswith("I;16"):
        return _high_depth_to_rgb(image)
    if image.mode == "LAB":
        # Built per image: a LittleCMS transform caches its last pixel, so it is not shared across threads.
        to_srgb = ImageCms.buildTransform(
            ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"
        )
        return ImageCms.applyTransform(image, to_srgb)
    if "A" in image.getbands() or "a" in image.getbands() or image.info.get("transparency") is not None:
        # Alpha compositing exactly as transformers' convert_to_rgb does, so processors see the same values.
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, WHITE + (255,)), rgba).convert("RGB")
    return image.convert("RGB")


def _high_depth_to_rgb(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit integer or float greyscale -> 8 bits: the smallest value present becomes 0 and the
    largest 255 (linear, rounded). Values outside 0..255 are common (a 16-bit scan, a 12-bit sensor), and
    Pillow's own conversion clips them, turning most such images white. A uniform image becomes black.
    A transparent grey level (PNG tRNS) becomes white."""
    values = np.asarray(image).astype(np.float64)
    transparency = image.info.get("transparency")
    transparent = values == transparency if isinstance(transparency, int) else np.zeros(values.shape, bool)
    opaque = values[~transparent & np.isfinite(values)]
    low, high = (float(opaque.min()), float(opaque.max())) if opaque.size else (0.0, 0.0)
    scale = 255.0 / (high - low) if high > low else 0.0
    grey = np.floor((np.nan_to_num(values, nan=low, posinf=high, neginf=low) - low) * scale + 0.5)
    grey = np.clip(grey, 0, 255).astype(np.uint8)
    grey[transparent] = 255
    return Image.fromarray(grey).convert("RGB")


def _open(data: bytes) -> Image.Image:
    if not data:
        raise ImageRejected("not_an_image", "empty body")
    try:
        return Image.open(io.BytesIO(data), formats=WEB_FORMATS)
    except Image.DecompressionBombError as error:
        raise ImageRejected("too_many_pixels", _clean(str(error))) from None
    except UnidentifiedImageError:
        known = _signature(data)
        if known:
            raise ImageRejected(
                "corrupt_image", f"{known} signature, but the header does not parse"
            ) from None
        raise ImageRejected("not_an_image", _describe(data)) from None
    except DECODE_ERRORS as error:
        known = _signature(data)
        if known is None and isinstance(error, SyntaxError | ValueError):
            raise ImageRejected("not_an_image", _describe(data)) from None
        raise _failure(error) from None


def _check_limits(width: int, height: int, limits: DecodeLimits) -> None:
    if width < 1 or height < 1:
        raise ImageRejected("corrupt_image", f"header says {width}x{height}")
    if width * height > limits.max_pixels:
        raise ImageRejected("too_many_pixels", f"{width}x{height} exceeds {limits.max_pixels} pixels")
    ratio = max(width, height) / min(width, height)
    if limits.max_aspect_ratio and ratio > limits.max_aspect_ratio:
        raise ImageRejected(
            "extreme_aspect_ratio",
            f"{width}x{height}: sides {ratio:.1f}:1, over {limits.max_aspect_ratio:g}:1",
        )
    if min(width, height) < limits.min_side:
        raise ImageRejected("image_too_small", f"{width}x{height} is under {limits.min_side} pixels")


def _orientation(image: Image.Image) -> int:
    """EXIF (or XMP) orientation, 1 when absent or unreadable: a broken EXIF block leaves pixels as stored."""
    try:
        value = image.getexif().get(EXIF_ORIENTATION, 1)
    except Exception:  # noqa: BLE001 - any failure of the metadata parser means "no usable orientation"
        return 1
    return value if isinstance(value, int) and value in UPRIGHT else 1


def _displayed(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _draft_scale(size: tuple[int, int], target: tuple[int, int] | None) -> int:
    """Pillow's `draft` rule: the largest of 8, 4, 2 that keeps both sides at least the target."""
    if not target or target[0] <= 0 or target[1] <= 0:
        return 1
    fits = min(size[0] // target[0], size[1] // target[1])
    return next((s for s in (8, 4, 2) if fits >= s), 1)


def _decode_jpeg(data: bytes, header: Image.Image, target: tuple[int, int] | None) -> Image.Image:
    scale = _draft_scale(header.size, target)
    width, height = (-(-side // scale) for side in header.size)
    colorspace = "CMYK" if header.mode == "CMYK" else "RGB"

    try:
        pixels = simplejpeg.decode_jpeg(
            data, colorspace=colorspace, min_width=width, min_height=height, strict=True
        )
    except ValueError as error:
        message = str(error).lower()
        if not any(harmless in message for harmless in HARMLESS_JPEG_WARNINGS):
            reason = "truncated_image" if any(t in message for t in JPEG_TRUNCATION) else "corrupt_image"
            raise ImageRejected(reason, f"JPEG: {_clean(str(error))}") from None
        # No pixel is missing: Pillow decodes it as before (it ignores libjpeg's warnings), same scale.
        if scale > 1:
            header.draft(None, target)
        header.load()
        return header
    if colorspace == "RGB":
        return Image.fromarray(pixels)
    # The raw mode Pillow itself would unpack with (Adobe CMYK JPEGs are stored inverted: "CMYK;I").
    rawmode = header.tile[0][3][0] if header.tile else "CMYK"
    return Image.frombuffer(
        "CMYK", (pixels.shape[1], pixels.shape[0]), pixels.tobytes(), "raw", rawmode, 0, 1
    )


def _check_data_covers_header(data: bytes, image: Image.Image) -> None:
    if image.format == "PNG":
        _check_png(data)
    elif image.format == "TIFF":
        _check_tiff_tiles(image)


# Adam7 passes: (x offset, y offset, x step, y step).
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def _check_png(data: bytes) -> None:
    """Critical chunks must pass their CRC and the IDAT stream must inflate to every row IHDR declares.

    Pillow skips IDAT CRCs and, when the zlib stream ends early, keeps the missing rows black."""
    position, expected, inflater, inflated = 8, None, zlib.decompressobj(), 0
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        crc = data[position + 8 + length : position + 12 + length]
        if len(body) < length or len(crc) < 4:
            raise ImageRejected("truncated_image", f"PNG: the {_chunk_name(kind)} chunk is cut short")
        critical = kind[:1].isupper()
        if critical and zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            raise ImageRejected("corrupt_image", f"PNG: CRC mismatch in the {_chunk_name(kind)} chunk")
        if kind == b"IHDR" and length >= 13:
            expected = _png_raw_size(*struct.unpack(">IIBB2xB", body[:13]))
        elif kind == b"IDAT" and expected is not None and inflated < expected:
            try:
                # Inflate in bounded pieces: only the count matters, never the whole raw image in memory.
                piece = inflater.decompress(body, 1 << 20)
                while True:
                    inflated += len(piece)
                    if inflated >= expected or not inflater.unconsumed_tail:
                        break
                    piece = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            except zlib.error as error:
                raise ImageRejected("corrupt_image", f"PNG: image data does not inflate ({error})") from None
        elif kind == b"IEND":
            break
        position += 12 + length
    if expected is not None and inflated < expected:
        raise ImageRejected(
            "truncated_image",
            f"PNG: the image data holds {inflated} of the {expected} bytes its header declares",
        )


def _png_raw_size(width: int, height: int, depth: int, colour: int, interlace: int) -> int | None:
    channels = _PNG_CHANNELS.get(colour)
    if channels is None:
        return None

    def rows(w: int, h: int) -> int:
        return h * (1 + (w * channels * depth + 7) // 8) if w > 0 and h > 0 else 0

    if not interlace:
        return rows(width, height)
    return sum(rows(-(-(width - x) // dx), -(-(height - y) // dy)) for x, y, dx, dy in _ADAM7)


def _chunk_name(kind: bytes) -> str:
    return kind.decode("ascii", "replace") if re.fullmatch(rb"[A-Za-z]{4}", kind) else repr(kind)


def _check_tiff_tiles(image: Image.Image) -> None:
    """Uncompressed TIFF strips must cover the declared size (Pillow leaves the rest black)."""
    tiles = [tile for tile in image.tile if tile[0] == "raw"]
    if not tiles or len(tiles) != len(image.tile):
        return  # libtiff decodes these itself and reports missing strips
    width, height = image.size
    covered = sum(
        max(0, min(right, width) - max(left, 0)) * max(0, min(bottom, height) - max(top, 0))
        for left, top, right, bottom in (tile[1] for tile in tiles)
    )
    if covered < width * height:
        raise ImageRejected(
            "truncated_image",
            f"TIFF: the strips hold {covered} of the {width * height} pixels its header declares",
        )


def _signature(data: bytes) -> str | None:
    for magic, name in SIGNATURES.items():
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "AVIF"
    return None


def _describe(data: bytes) -> str:
    head = data[:64].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "the body is HTML"
    return f"unrecognised leading bytes {data[:8]!r}"


def _failure(error: BaseException) -> ImageRejected:
    if isinstance(error, MemoryError):
        return ImageRejected("corrupt_image", "MemoryError: not enough memory to decode")
    message = _clean(str(error))
    truncated = "truncated" in message.lower() or isinstance(error, EOFError | struct.error)
    return ImageRejected(
        "truncated_image" if truncated else "corrupt_image", f"{type(error).__name__}: {message}"
    )


def _clean(message: str) -> str:
    """Exception text without object reprs or memory addresses, so two runs give the same detail."""
    message = re.sub(r"<[^<>]* at 0x[0-9a-fA-F]+>", "<object>", message)
    return re.sub(r"0x[0-9a-fA-F]{8,}", "0x…", message)[:300]
