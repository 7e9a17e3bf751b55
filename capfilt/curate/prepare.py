"""Before the models: check a `pairs` record, decode its image once, and give it its sampling seed."""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

from capfilt import images
from capfilt.curate.seeding import record_seed
from schemas import Reject

# CapFilt's own limits: larger images are refused (decompression bombs; BLIP sees 384 px anyway). No
# minimum size or aspect ratio here: choosing what is worth training on is ingest's job, and every image
# that reaches CapFilt is captioned and scored.
MAX_PIXELS = 64_000_000
LIMITS = images.DecodeLimits(max_pixels=MAX_PIXELS)


@dataclass
class Item:
    """One record on its way through CapFilt: the input row, its decoded image and what the models add."""

    record: dict
    image: Image.Image
    seed: int
    synthetic: list[str] = field(default_factory=list)
    # Per synthetic caption: did the captioner stop at max_length before its end token (maybe mid-phrase)?
    synthetic_hit_max_length: list[bool] = field(default_factory=list)
    # Per synthetic caption: the index of the --captioner that wrote it (empty: every caption by the first).
    synthetic_captioner: list[int] = field(default_factory=list)
    # Filter scores: the web text's first, then one per synthetic caption.
    scores: list[float] = field(default_factory=list)
    # The --scorer models' scores by scorer name, each in the same order as `scores`.
    extra_scores: dict[str, list[float]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.record["key"]

    @property
    def web_caption(self) -> str:
        return self.record["caption"]

    def all_scores(self) -> dict[str, list[float]]:
        """Every scorer's scores by name, the ITM filter's as `itm`."""
        return {"itm": self.scores, **self.extra_scores}

    def texts(self) -> list[str]:
        return [self.web_caption, *self.synthetic]


def decode_image(data: bytes) -> Image.Image:
    """What the models see: the full image, upright, RGB on white (`capfilt.images`, CapFilt's limits).
    Raises `capfilt.images.ImageRejected`."""
    return images.decode_image(data, LIMITS).image


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
    except images.ImageRejected as rejected:
        return Reject(key, url, "decode", rejected.reason, rejected.detail)
    return Item(record=record, image=image, seed=record_seed(key, run_seed))
