"""The loader's lean image path gives exactly what the checkpoint's image processor gives (train = eval)."""

import io
import random

import numpy as np
import pytest
import torch
from PIL import Image
from transformers import BlipImageProcessorPil, CLIPImageProcessorPil

from models.clip import image_processor_for
from models.training.data import decode_image
from models.training.transforms import ImageTransform, LeanPreprocess


def photo(width: int, height: int, mode: str, seed: int = 0) -> Image.Image:
    """Smooth gradients plus noise: resampling filters differ visibly on it."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 / max(width - 1, 1), y * 255 / max(height - 1, 1), (x + y) % 256], axis=-1)
    pixels = np.clip(base + rng.normal(0, 40, base.shape), 0, 255).astype(np.uint8)
    image = Image.fromarray(pixels, "RGB")
    if mode == "RGBA":
        alpha = Image.fromarray(rng.integers(0, 256, (height, width), dtype=np.uint8), "L")
        image = image.convert("RGBA")
        image.putalpha(alpha)
        return image
    return image.convert(mode)


PROCESSORS = {
    "clip-32": lambda: image_processor_for(32),
    "clip-24-bilinear": lambda: CLIPImageProcessorPil(
        size={"shortest_edge": 24}, crop_size={"height": 20, "width": 22}, resample=2
    ),
    "blip-32": lambda: BlipImageProcessorPil(size={"height": 32, "width": 32}),
    "blip-28x36": lambda: BlipImageProcessorPil(
        size={"height": 28, "width": 36}, image_mean=[0.5, 0.4, 0.3], image_std=[0.2, 0.3, 0.25]
    ),
}
IMAGES = [
    (64, 64, "RGB"),
    (97, 40, "RGB"),  # wide, odd width
    (30, 75, "RGB"),  # tall and smaller than the model size on one side
    (32, 32, "RGB"),  # already the model size
    (50, 61, "L"),
    (48, 33, "RGBA"),
    (40, 40, "P"),
    (200, 150, "RGB"),
]


@pytest.mark.parametrize("name", sorted(PROCESSORS))
@pytest.mark.parametrize("width,height,mode", IMAGES)
def test_lean_output_equals_the_processor_output(name, width, height, mode):
    processor = PROCESSORS[name]()
    lean = LeanPreprocess.from_processor(processor)
    assert lean is not None
    image = photo(width, height, mode, seed=width * height)
    expected = processor(images=image, return_tensors="pt").pixel_values[0]
    got = lean(image)
    assert got.dtype == expected.dtype == torch.float32 and got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-6)
    assert torch.equal(got, expected)  # bit-identical in practice: same PIL resize, same arithmetic


def test_transform_uses_the_lean_path_and_keeps_processor_output():
    processor = image_processor_for(32)
    transform = ImageTransform(processor)
    assert transform.lean is not None
    image = photo(80, 64, "RGB")
    expected = processor(images=image, return_tensors="pt").pixel_values[0]
    assert torch.equal(transform(image, random.Random(0)), expected)


def test_unsupported_processors_fall_back_to_the_processor_call():
    padded = BlipImageProcessorPil(
        size={"height": 32, "width": 32}, do_pad=True, pad_size={"height": 40, "width": 40}
    )
    assert LeanPreprocess.from_processor(padded) is None
    longest = CLIPImageProcessorPil(size={"shortest_edge": 32, "longest_edge": 48})
    assert LeanPreprocess.from_processor(longest) is None

    class Custom(CLIPImageProcessorPil):
        def resize(self, *args, **kwargs):
            return super().resize(*args, **kwargs)

    assert LeanPreprocess.from_processor(Custom()) is None
    # A crop larger than the resized image is zero-padded by the processor: the transform defers to it.
    processor = CLIPImageProcessorPil(size={"height": 16, "width": 16}, crop_size={"height": 20, "width": 20})
    transform = ImageTransform(processor)
    image = photo(40, 30, "RGB")
    assert transform.lean(image) is None
    expected = processor(images=image, return_tensors="pt").pixel_values[0]
    assert torch.equal(transform(image, random.Random(0)), expected)


def jpeg(image: Image.Image) -> dict:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return {"image": {"bytes": buffer.getvalue()}}


def test_decode_drafts_only_large_jpegs_and_stays_close_to_full_decode():
    processor = image_processor_for(32)
    draft = ImageTransform(processor).decode_size
    small = jpeg(photo(64, 64, "RGB"))
    assert decode_image(small, draft).size == (64, 64)  # not much larger than 32 px: decoded in full
    large = jpeg(photo(400, 300, "RGB"))
    drafted = decode_image(large, draft)
    assert drafted.mode == "RGB" and min(drafted.size) >= 2 * 32 and drafted.size != (400, 300)
    full = processor(images=decode_image(large), return_tensors="pt").pixel_values[0]
    fast = processor(images=drafted, return_tensors="pt").pixel_values[0]
    # DCT-domain downscaling then bicubic vs bicubic alone: close, not identical (normalised units).
    assert (fast - full).abs().mean() < 0.05
