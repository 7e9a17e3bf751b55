"""Before the models: check a `pairs` record, decode its image once, and give it its sampling seed."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image

from capfilt.seeding import record_seed
from schemas import Reject

# Larger images are refused (decompression bombs); BLIP sees 384 px anyway.
MAX_PIXELS = 64_000_000


@dataclass
class Item:
    """One record on its way through CapFilt: the input row, its decoded image and what the models add."""

    record: dict
    image: Image.Image
    seed: int
    synthetic: list[str] = field(default_factory=list)
    # Per synthetic caption: did the captioner stop at max_length before its end token (maybe mid-phrase)?
    synthetic_hit_max_length: list[bool] = field(default_factory=list)
    # Filter scores: the web text's first, then one per synthetic caption.
    scores: list[float] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.record["key"]

    @property
    def web_caption(self) -> str:
        return self.record["caption"]

    def texts(self) -> list[str]:
        return [self.web_caption, *self.synthetic]


def decode_image(data: bytes) -> Image.Image:
    """Decode fully (not just the header) and convert to RGB; raises on anything PIL cannot read."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise ValueError(f"{image.width}x{image.height} exceeds {MAX_PIXELS} pixels")
        image.load()
    return image.convert("RGB")


def prepare(record: dict, run_seed: int) -> Item | Reject:
    key, url = record.get("key"), record.get("url")
    if not key:
        return Reject(key, url, "read", "missing_key", "record has no key")
    caption = record.get("caption")
    if caption is None or not str(caption).strip():
        return Reject(key, url, "text", "empty_caption", f"web caption is {caption!r}")
    data = (record.get("image") or {}).get("bytes")
    if not data:
        return Reject(key, url, "decode", "missing_image", "no image bytes")
    try:
        image = decode_image(data)
    except Exception as error:  # PIL raises many types for bad bytes; each is the record's fault
        return Reject(key, url, "decode", "not_an_image", f"{type(error).__name__}: {error}"[:500])
    return Item(record=record, image=image, seed=record_seed(key, run_seed))
