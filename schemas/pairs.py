"""`pairs`: one web image-text pair after ingest (the input of CapFilt and of pretraining)."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, added_in, stamped

# 2: caption_boilerplate added (ingest flags alt text that names no content).
VERSION = 2

PAIRS = stamped(
    "pairs",
    VERSION,
    [
        # Stable id of the pair; seeds and de-duplication derive from it.
        pa.field("key", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        # The page the image was found on (crawl input); null for URL lists.
        pa.field("page_url", pa.string()),
        # The web text T_w (alt text, or the caption column of a URL list).
        pa.field("caption", pa.string()),
        # True when the caption is boilerplate (a file name, "image", "click here"); null when not checked.
        added_in(2, pa.field("caption_boilerplate", pa.bool_())),
        # All human reference captions, for COCO-like clean splits; null for web data.
        pa.field("references", pa.list_(pa.string())),
        pa.field("image", IMAGE_TYPE),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        # Size before any resize; equal to width/height when the image was not resized.
        pa.field("original_width", pa.int32()),
        pa.field("original_height", pa.int32()),
        # Hex digest of the stored image bytes, for exact de-duplication.
        pa.field("sha256", pa.string()),
        # Perceptual hash (hex), for near-duplicate detection; null when not computed.
        pa.field("phash", pa.string()),
        # Where the pair came from: "warc", "wat", "urls", "img2dataset", "webdataset", "world:web", ...
        pa.field("source", pa.string()),
    ],
)
