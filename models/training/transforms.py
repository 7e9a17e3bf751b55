"""Training images as tensors: augmentation (random resized crop, flips) and the image transform that ends
in the processor's resize and normalisation (LeanPreprocess: transformers' PIL pipeline per image,
bit-identical), plus the decode size a transform needs (draft_size_for)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageEnhance, ImageOps

from capfilt import images

# BLIP's RandomAugment op list (`data/__init__.py`: N 2, M 5 of 10), written on Pillow. Magnitudes at level
# M as in its `transform/randaugment.py`: enhance factor M/10 * 1.8 + 0.1 (1.0 at M 5: identity), shear M/10
# * 0.3, translate M/10 * 10 px, rotate M/10 * 30 degrees, the sign drawn; uncovered area filled grey 128.
RANDAUGMENT_OPS = (
    "Identity", "AutoContrast", "Brightness", "Sharpness", "Equalize",
    "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate",
)  # fmt: skip
_GREY = (128, 128, 128)


def _affine(image: Image.Image, coefficients: tuple[float, ...]) -> Image.Image:
    return image.transform(image.size, Image.Transform.AFFINE, coefficients, fillcolor=_GREY)


def randaugment_op(image: Image.Image, name: str, magnitude: float, rng: random.Random) -> Image.Image:
    """One RandAugment op at `magnitude` (0..10) on an RGB image."""
    level, sign = magnitude / 10, (-1 if rng.random() < 0.5 else 1)
    if name == "Identity":
        return image
    if name == "AutoContrast":
        return ImageOps.autocontrast(image)
    if name == "Equalize":
        return ImageOps.equalize(image)
    if name in ("Brightness", "Sharpness"):
        enhancer = ImageEnhance.Brightness if name == "Brightness" else ImageEnhance.Sharpness
        return enhancer(image).enhance(level * 1.8 + 0.1)
    if name == "ShearX":
        return _affine(image, (1, sign * level * 0.3, 0, 0, 1, 0))
    if name == "ShearY":
        return _affine(image, (1, 0, 0, sign * level * 0.3, 1, 0))
    if name == "TranslateX":
        return _affine(image, (1, 0, sign * level * 10, 0, 1, 0))
    if name == "TranslateY":
        return _affine(image, (1, 0, 0, 0, 1, sign * level * 10))
    if name == "Rotate":
        return image.rotate(sign * level * 30, fillcolor=_GREY)
    raise ValueError(f"unknown RandAugment op {name!r}; choose from {', '.join(RANDAUGMENT_OPS)}")


def randaugment(
    image: Image.Image, rng: random.Random, num_ops: int = 2, magnitude: float = 5
) -> Image.Image:
    """BLIP's RandomAugment: `num_ops` ops drawn with replacement, each applied with probability 0.5."""
    image = to_rgb(image)
    for _ in range(num_ops):
        name = rng.choice(RANDAUGMENT_OPS)
        if rng.random() < 0.5:
            image = randaugment_op(image, name, magnitude, rng)
    return image


@dataclass
class Augmentation:
    """Image augmentation before the processor's resize and normalisation.

    Off by default: the demo world's captions name positions ("on the left") and every object, so a flip
    makes them wrong and a tight crop can cut objects out. BLIP's setting on real photos is
    crop_scale_min=0.5 with flips (its `paper` recipe). None (a flag left unset) is the default.
    """

    crop_scale_min: float | None = 1.0
    hflip: bool | None = False
    # BLIP's RandomAugment(2, 5) after crop and flip (`randaugment`); off unless a recipe turns it on.
    randaugment: bool | None = False

    def __post_init__(self):
        self.crop_scale_min = 1.0 if self.crop_scale_min is None else float(self.crop_scale_min)
        if not 0.0 < self.crop_scale_min <= 1.0:
            raise ValueError(f"--crop_scale_min must be in (0, 1], got {self.crop_scale_min}")
        self.hflip = bool(self.hflip)
        self.randaugment = bool(self.randaugment)

    def __call__(self, image: Image.Image, rng: random.Random) -> Image.Image:
        if self.crop_scale_min < 1.0:
            image = _random_resized_crop(image, rng, self.crop_scale_min)
        if self.hflip and rng.random() < 0.5:
            image = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        if self.randaugment:
            image = randaugment(image, rng)
        return image


def _random_resized_crop(image: Image.Image, rng: random.Random, scale_min: float) -> Image.Image:
    """A crop covering scale_min..1 of the area with aspect ratio in [3/4, 4/3] (torchvision's recipe)."""
    width, height = image.size
    for _ in range(10):
        area = width * height * rng.uniform(scale_min, 1.0)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        w, h = round(math.sqrt(area * ratio)), round(math.sqrt(area / ratio))
        if 0 < w <= width and 0 < h <= height:
            left, top = rng.randint(0, width - w), rng.randint(0, height - h)
            return image.crop((left, top, left + w, top + h))
    return image


class ImageTransform:
    """PIL image -> normalised tensor, with the same image processor the exported checkpoint carries.

    When the processor is transformers' plain PIL pipeline (`PilBackend`: CLIP's and BLIP's `*Pil` image
    processors), `LeanPreprocess` does its work per image without the batch machinery around it; the output
    is identical (tests/curate/test_lean_preprocess.py). Anything else goes through the processor call.
    """

    def __init__(self, image_processor, augmentation: Augmentation | None = None):
        self.image_processor = image_processor
        self.augmentation = augmentation or Augmentation()
        self.lean = LeanPreprocess.from_processor(image_processor)
        self.decode_size = draft_size_for(image_processor, self.augmentation.crop_scale_min)

    def __call__(self, image: Image.Image, rng: random.Random) -> torch.Tensor:
        image = self.augmentation(image, rng)
        if self.lean is not None:
            pixels = self.lean(image)
            if pixels is not None:
                return pixels
        return self.image_processor(images=image, return_tensors="pt").pixel_values[0]


# Methods of transformers' PilBackend that LeanPreprocess reproduces; a processor overriding any of them
# does something else and keeps the processor call.
_PIL_PIPELINE = (
    "__call__",
    "preprocess",
    "_preprocess_image_like_inputs",
    "_prepare_image_like_inputs",
    "_preprocess",
    "process_image",
    "convert_to_rgb",
    "resize",
    "center_crop",
    "rescale",
    "normalize",
)


class LeanPreprocess:
    """transformers' PIL image pipeline for one image: RGB conversion (alpha composited on white), resize
    (shortest edge or fixed height x width, the processor's resample filter), centre crop, then rescale and
    normalise through a 256-entry lookup table per channel built by the processor's own `rescale` and
    `normalize`, so every value is bit-identical to the processor's.

    `from_processor` returns None for processors it does not cover (other backends, padding, longest-edge or
    max-size resizing, overridden pipeline steps); `__call__` returns None for an image it does not cover (a
    crop larger than the resized image, which the processor zero-pads).
    """

    def __init__(self, resize, resample: int | None, crop: tuple[int, int] | None, table: np.ndarray):
        self.resize = resize  # None, ("shortest_edge", n) or ("fixed", height, width)
        self.resample = resample
        self.crop = crop
        self.table = table  # (channels, 256) float32

    @classmethod
    def from_processor(cls, processor) -> LeanPreprocess | None:
        try:
            from transformers.image_processing_backends import PilBackend
        except ImportError:  # transformers 4.x: no PIL backend class to check against
            return None
        if not isinstance(processor, PilBackend):
            return None
        if any(getattr(type(processor), name) is not getattr(PilBackend, name) for name in _PIL_PIPELINE):
            return None
        if not getattr(processor, "do_convert_rgb", False) or getattr(processor, "do_pad", False):
            return None
        resize, resample = None, None
        if processor.do_resize:
            size = processor.size
            if size.longest_edge or (not size.shortest_edge and (size.max_height or size.max_width)):
                return None
            if size.shortest_edge:
                resize = ("shortest_edge", int(size.shortest_edge))
            elif size.height and size.width:
                resize = ("fixed", int(size.height), int(size.width))
            else:
                return None
            resample = processor.resample
            resample = Image.Resampling.BILINEAR if resample is None else resample
            if not isinstance(resample, int):
                return None
            resample = int(resample)
        crop = None
        if processor.do_center_crop:
            if not (processor.crop_size and processor.crop_size.height and processor.crop_size.width):
                return None
            crop = (int(processor.crop_size.height), int(processor.crop_size.width))
        # Every uint8 value of every channel through the processor's own rescale and normalise.
        values = np.tile(np.arange(256, dtype=np.uint8), (3, 1, 1))
        if processor.do_rescale:
            values = processor.rescale(values, processor.rescale_factor)
        if processor.do_normalize:
            values = processor.normalize(values, processor.image_mean, processor.image_std)
        if values.dtype != np.float32:
            return None
        return cls(resize, resample, crop, np.ascontiguousarray(values[:, 0, :]))

    def __call__(self, image: Image.Image) -> torch.Tensor | None:
        image = to_rgb(image)
        if self.resize is not None:
            width, height = image.size
            if self.resize[0] == "shortest_edge":
                target = self.resize[1]
                short, long = (width, height) if width <= height else (height, width)
                new_long = int(target * long / short)
                new_height, new_width = (new_long, target) if width <= height else (target, new_long)
            else:
                new_height, new_width = self.resize[1], self.resize[2]
            if (new_width, new_height) != image.size:
                image = image.resize((new_width, new_height), resample=self.resample)
        if self.crop is not None:
            width, height = image.size
            crop_height, crop_width = self.crop
            top, left = (height - crop_height) // 2, (width - crop_width) // 2
            if top < 0 or left < 0:
                return None
            if (crop_height, crop_width) != (height, width):
                image = image.crop((left, top, left + crop_width, top + crop_height))
        pixels = np.asarray(image)  # (H, W, 3) uint8
        out = np.empty((3, pixels.shape[0], pixels.shape[1]), dtype=np.float32)
        for channel in range(3):
            np.take(self.table[channel], pixels[:, :, channel], out=out[channel])
        return torch.from_numpy(out)


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB as transformers' image processors make it: transparency composited onto white."""
    return images.to_rgb(image)


def draft_size_for(
    image_processor, crop_scale_min: float = 1.0, margin: float = 2.0
) -> tuple[int, int] | None:
    """The smallest decode size (width, height) that keeps `margin` x the processor's resize input after a
    random crop of at least `crop_scale_min` of the area (aspect ratio down to 3/4); None if unknown."""
    size = getattr(image_processor, "size", None)
    if not getattr(image_processor, "do_resize", False) or size is None:
        return None
    shortest = size.get("shortest_edge") if isinstance(size, dict) else getattr(size, "shortest_edge", None)
    height = size.get("height") if isinstance(size, dict) else getattr(size, "height", None)
    width = size.get("width") if isinstance(size, dict) else getattr(size, "width", None)
    if shortest:
        height = width = shortest
    if not (height and width):
        return None
    factor = margin / math.sqrt(min(1.0, crop_scale_min) * 3 / 4) if crop_scale_min < 1.0 else margin
    return math.ceil(width * factor), math.ceil(height * factor)
