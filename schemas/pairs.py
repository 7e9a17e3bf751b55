"""`pairs`: one web image-text pair after ingest (the input of CapFilt and of pretraining)."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import (
    HEIGHT,
    IMAGE,
    IMAGE_TYPE,
    KEY,
    PAGE_URL,
    SHA256,
    SOURCE,
    URL,
    WIDTH,
    added_in,
    stamped,
)

# 2: caption_boilerplate added (ingest flags alt text that names no content).
VERSION = 2

# The columns only pairs (and the tables made from them) have.
CAPTION = "caption"
CAPTION_BOILERPLATE = "caption_boilerplate"
REFERENCES = "references"
ORIGINAL_WIDTH = "original_width"
ORIGINAL_HEIGHT = "original_height"
PHASH = "phash"

PAIRS = stamped(
    "pairs",
    VERSION,
    [
        # Stable id of the pair; seeds and de-duplication derive from it.
        pa.field(KEY, pa.string(), nullable=False),
        pa.field(URL, pa.string()),
        # The page the image was found on (crawl input); null for URL lists.
        pa.field(PAGE_URL, pa.string()),
        # The web text T_w (alt text, or the caption column of a URL list).
        pa.field(CAPTION, pa.string()),
        # True when the caption is boilerplate (a file name, "image", "click here"); null when not checked.
        added_in(2, pa.field(CAPTION_BOILERPLATE, pa.bool_())),
        # All human reference captions, for COCO-like clean splits; null for web data.
        pa.field(REFERENCES, pa.list_(pa.string())),
        pa.field(IMAGE, IMAGE_TYPE),
        pa.field(WIDTH, pa.int32()),
        pa.field(HEIGHT, pa.int32()),
        # Size before any resize; equal to width/height when the image was not resized.
        pa.field(ORIGINAL_WIDTH, pa.int32()),
        pa.field(ORIGINAL_HEIGHT, pa.int32()),
        # Hex digest of the stored image bytes, for exact de-duplication.
        pa.field(SHA256, pa.string()),
        # Perceptual hash (hex), for near-duplicate detection; null when not computed.
        pa.field(PHASH, pa.string()),
        # Where the pair came from: "warc", "wat", "urls", "img2dataset", "webdataset", "world:web", ...
        pa.field(SOURCE, pa.string()),
    ],
)
