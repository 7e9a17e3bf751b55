"""capfilt.images, the one decode path, on real files (tests/data/real/images, see its MANIFEST.md): pixels
against references made without it, rejects with their reasons, and every file through ingest's
normalisation and CapFilt's prepare."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from capfilt import images
from capfilt.curate.prepare import prepare
from capfilt.images import DecodeLimits, ImageRejected, decode_image
from capfilt.ingest.normalize import NormalizeConfig, normalize_image
from schemas import Reject

REAL = Path(__file__).parents[1] / "data" / "real" / "images"
PILLOW, SKIMAGE, DERIVED = REAL / "pillow", REAL / "skimage", REAL / "derived"
ALL_FILES = sorted(p for p in REAL.glob("*/*") if p.suffix not in (".py", ".md"))
# Files that must be refused, and why: data that stops early or holds fewer pixels than the header says.
REFUSED = {
    "pillow/truncated_jpeg.jpg": "truncated_image",
    "pillow/broken_data_stream.png": "corrupt_image",
    "skimage/truncated.jpg": "truncated_image",
    "derived/rocket_truncated.jpg": "truncated_image",
    "derived/rocket_truncated_eoi.jpg": "truncated_image",
    "derived/rocket_header_lie.jpg": "truncated_image",
    "derived/hopper_header_lie.png": "truncated_image",
    "derived/hopper_truncated.png": "truncated_image",
    "derived/16bit_header_lie.tif": "truncated_image",
}


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def pixels(path: Path, **kwargs) -> np.ndarray:
    return np.asarray(decode_image(path.read_bytes(), **kwargs).image).astype(np.int32)


@pytest.mark.parametrize("ext", ["jpg", "webp"])
def test_exif_orientation_matches_the_upright_reference(ext):
    upright = pixels(PILLOW / f"hopper.{ext}")
    for orientation in range(2, 9):
        path = PILLOW / f"hopper_orientation_{orientation}.{ext}"
        stored = np.asarray(Image.open(path).convert("RGB")).astype(np.int32)
        assert np.abs(stored - upright).mean() > 40, "the stored pixels are not upright"
        # Lossy re-encodings of one photo: a few levels apart on average, against 40+ when misoriented.
        assert np.abs(pixels(path) - upright).mean() < 8, orientation


def test_orientation_swaps_the_reported_size_and_the_draft_target():
    exif = Image.Exif()
    exif[images.EXIF_ORIENTATION] = 6
    photo = Image.open(SKIMAGE / "rocket.jpg")  # 640x427 stored
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", exif=exif, quality=90)
    decoded = decode_image(buffer.getvalue(), draft_size=(100, 150))
    assert (decoded.width, decoded.height) == (427, 640)
    # Displayed 427x640 at >= 100x150 is stored 640x427 at >= 150x100: 1/4 scale (160x107), upright
    # 107x160. Unswapped, (100, 150) against 640x427 would allow only 1/2.
    assert decoded.image.size == (107, 160)


def tiff_strip_values(path: Path) -> np.ndarray:
    """The samples of an uncompressed greyscale TIFF, read with struct and numpy only (not Pillow)."""
    data = path.read_bytes()
    order = "<" if data[:2] == b"II" else ">"
    ifd = struct.unpack(order + "I", data[4:8])[0]
    tags = {}
    for entry in range(struct.unpack(order + "H", data[ifd : ifd + 2])[0]):
        tag, kind, count, value = struct.unpack(
            order + "HHI4s", data[ifd + 2 + 12 * entry : ifd + 14 + 12 * entry]
        )
        if tag in (256, 257, 258, 259, 273, 279) and kind in (3, 4):
            size = 2 if kind == 3 else 4
            raw = value if count * size <= 4 else data[struct.unpack(order + "I", value)[0] :][: count * size]
            tags[tag] = struct.unpack(order + ("H" if kind == 3 else "I") * count, raw[: count * size])
    assert tags[259] == (1,) and tags[258] == (16,), "an uncompressed 16-bit file"
    width, height = tags[256][0], tags[257][0]
    strips = b"".join(data[o : o + n] for o, n in zip(tags[273], tags[279], strict=True))
    return np.frombuffer(strips, dtype=order + "u2", count=width * height).reshape(height, width)


def stretched(values: np.ndarray) -> np.ndarray:
    """The documented rule, computed here on the raw values: min -> 0, max -> 255, linear, rounded."""
    values = values.astype(np.float64)
    return np.floor((values - values.min()) * 255 / (values.max() - values.min()) + 0.5).astype(np.int32)


@pytest.mark.parametrize(
    "path",
    [PILLOW / "16bit.cropped.tif", PILLOW / "16bit.MM.cropped.tif", SKIMAGE / "chessboard_GRAY_U16.tif"],
)
def test_16_bit_greyscale_tiff_is_stretched_from_its_real_range(path):
    """Hopper's 16-bit TIFFs hold 291..694: Pillow's convert("RGB") clips them all to white."""
    raw = tiff_strip_values(path)
    decoded = pixels(path)
    assert (decoded == stretched(raw)[:, :, None]).all()
    assert decoded.std() > 20  # an image, not a flat white (clipped) or black (shifted) field


def test_16_bit_files_and_their_8_bit_reference_agree():
    """scikit-image's chessboard as 8-bit PNG, 16-bit TIFF (both byte orders) and 16-bit PNG."""
    reference = np.asarray(Image.open(SKIMAGE / "chessboard_GRAY.png").convert("RGB")).astype(np.int32)
    for path in (SKIMAGE / "chessboard_GRAY_U16.tif", SKIMAGE / "chessboard_GRAY_U16B.tif"):
        assert (pixels(path) == reference).all(), path
    png16 = DERIVED / "chessboard_GRAY_U16.png"
    assert Image.open(png16).mode == "I;16"
    assert (pixels(png16) == reference).all()


def test_float_and_32_bit_greyscale_are_stretched_too():
    for path in (PILLOW / "10ct_32bit_128.tiff", PILLOW / "16bit.s.tif"):
        raw = np.asarray(Image.open(path))
        assert raw.dtype in (np.float32, np.int32)
        assert (pixels(path) == stretched(raw)[:, :, None]).all(), path


def test_16_bit_png_transparent_level_is_white():
    path = PILLOW / "i_trns.png"
    raw = np.asarray(Image.open(path))
    transparent = raw == Image.open(path).info["transparency"]
    assert transparent.any() and (~transparent).any()
    decoded = pixels(path)
    assert (decoded[transparent] == 255).all()
    opaque = raw[~transparent].astype(np.float64)
    expected = np.floor((opaque - opaque.min()) * 255 / (opaque.max() - opaque.min()) + 0.5)
    assert (decoded[~transparent][:, 0] == expected).all()


@pytest.mark.parametrize(
    "file",
    ["transparent.png", "pil123rgba.png", "uncompressed_la.png", "transparent.gif", "l_trns.png",
     "p_trns_single.png", "transparency.avif", "star.avifs"],
)  # fmt: skip
def test_transparency_is_composited_on_white(file):
    path = PILLOW / file
    rgba = np.asarray(Image.open(path).convert("RGBA")).astype(np.float64)
    alpha = rgba[:, :, 3:] / 255
    assert (alpha < 1).any(), "the file has transparent pixels"
    expected = rgba[:, :, :3] * alpha + 255 * (1 - alpha)
    decoded = pixels(path)
    assert np.abs(decoded - expected).max() <= 1
    assert (decoded[alpha[:, :, 0] == 0] == 255).all()


@pytest.mark.parametrize(
    "path",
    [PILLOW / "pil_sample_cmyk.jpg", DERIVED / "chelsea_progressive.jpg", PILLOW / "frame_size.mpo",
     PILLOW / "hopper_gray.jpg", SKIMAGE / "rocket.jpg", PILLOW / "truncated_app14.jpg",
     PILLOW / "hopper_bad_exif.jpg"],
)  # fmt: skip
def test_jpeg_pixels_equal_pillows_decode(path):
    """CMYK (Adobe, inverted), progressive, MPO, greyscale, a camera photo, and two files with harmless
    libjpeg warnings (extraneous bytes before a marker): libjpeg-turbo through simplejpeg gives Pillow's
    pixels exactly, and the harmless warnings do not refuse the file."""
    expected = np.asarray(Image.open(path).convert("RGB")).astype(np.int32)
    assert (pixels(path) == expected).all()


def test_jpeg_draft_decode_equals_pillows_draft():
    path = SKIMAGE / "rocket.jpg"
    for target in [(150, 100), (300, 200), (80, 50)]:
        image = Image.open(path)
        image.draft("RGB", target)
        expected = np.asarray(image.convert("RGB")).astype(np.int32)
        assert (pixels(path, draft_size=target) == expected).all(), target


def test_lab_tiff_is_converted_to_srgb():
    lab = pixels(PILLOW / "hopper.Lab.tif")
    assert np.abs(lab - pixels(PILLOW / "hopper.tif")).mean() < 6


@pytest.mark.parametrize("file,reason", sorted(REFUSED.items()))
def test_damaged_files_are_refused_with_their_reason(file, reason):
    path = REAL / file
    with pytest.raises(ImageRejected) as first:
        decode_image(path.read_bytes())
    with pytest.raises(ImageRejected) as second:
        decode_image(path.read_bytes())
    assert first.value.reason == reason, first.value.detail
    assert first.value.detail == second.value.detail and "0x7" not in first.value.detail


def test_pillow_alone_accepts_what_is_refused():
    """Why the checks exist: Pillow returns an image for these, grey or black where data is missing."""
    for file in (
        "rocket_header_lie.jpg",
        "rocket_truncated_eoi.jpg",
        "hopper_header_lie.png",
        "16bit_header_lie.tif",
    ):
        with Image.open(io.BytesIO((DERIVED / file).read_bytes())) as image:
            image.load()


def test_header_limits_refuse_before_decoding():
    def png(width, height):
        buffer = io.BytesIO()
        Image.new("L", (width, height), 128).save(buffer, "PNG")
        return buffer.getvalue()

    cases = [
        (png(10_000, 2), DecodeLimits(max_aspect_ratio=5), "extreme_aspect_ratio"),
        (png(1, 1), DecodeLimits(min_side=64), "image_too_small"),
        (png(300, 300), DecodeLimits(max_pixels=80_000), "too_many_pixels"),
        (b"", DecodeLimits(), "not_an_image"),
        (b"<!DOCTYPE html><html></html>", DecodeLimits(), "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, DecodeLimits(), "corrupt_image"),
    ]
    for data, limits, reason in cases:
        with pytest.raises(ImageRejected) as rejected:
            decode_image(data, limits)
        assert rejected.value.reason == reason and rejected.value.reason in images.REASONS


def test_ingest_defaults_never_upscale_and_refuse_icons_and_strips():
    def jpeg(width, height):
        buffer = io.BytesIO()
        Image.open(SKIMAGE / "rocket.jpg").resize((width, height)).save(buffer, "JPEG")
        return buffer.getvalue()

    small = normalize_image(jpeg(100, 80), NormalizeConfig())
    assert (small.width, small.height) == (100, 80)
    upscaled = normalize_image(jpeg(100, 80), NormalizeConfig(allow_upscale=True))
    assert (upscaled.width, upscaled.height) == (480, 384)
    for data, reason in [(jpeg(8, 8), "image_too_small"), (jpeg(4000, 200), "extreme_aspect_ratio")]:
        with pytest.raises(ImageRejected) as rejected:
            normalize_image(data, NormalizeConfig())
        assert rejected.value.reason == reason
    # With both limits off and upscaling on, a 10000x2 strip is refused before the resize allocates.
    with pytest.raises(ImageRejected) as rejected:
        normalize_image(
            jpeg(10_000, 2), NormalizeConfig(min_image_size=0, max_aspect_ratio=0, allow_upscale=True)
        )
    assert rejected.value.reason == "extreme_aspect_ratio" and "1920000x384" in rejected.value.detail


@pytest.mark.parametrize("path", ALL_FILES, ids=name)
def test_every_real_file_through_ingest_and_capfilt(path):
    """Ingest's normalisation and CapFilt's prepare agree on every real file: the same refusal, or an
    image (ingest's re-encoded, CapFilt's as decoded) of the same displayed size."""
    data = path.read_bytes()
    config = NormalizeConfig(image_size=96, min_image_size=0, max_aspect_ratio=0)
    record = {"key": name(path), "url": None, "caption": "a real picture", "image": {"bytes": data}}
    prepared = prepare(record, run_seed=0)
    try:
        normalized = normalize_image(data, config)
    except ImageRejected as rejected:
        assert name(path) in REFUSED and rejected.reason == REFUSED[name(path)]
        assert isinstance(prepared, Reject) and (prepared.stage, prepared.reason) == (
            "decode",
            rejected.reason,
        )
        return
    assert name(path) not in REFUSED
    assert not isinstance(prepared, Reject) and prepared.image.mode == "RGB"
    assert prepared.image.size == (normalized.original_width, normalized.original_height)
    stored = Image.open(io.BytesIO(normalized.data))
    assert stored.format == "JPEG" and stored.size == (normalized.width, normalized.height)
    assert min(stored.size) == min(96, *prepared.image.size)
