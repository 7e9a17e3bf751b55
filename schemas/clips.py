"""`clips`: short videos as frame sequences, each with a caption describing what happens."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, stamped

VERSION = 1

CLIPS = stamped(
    "clips",
    VERSION,
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        # Frames in time order, all of the same width and height.
        pa.field("frames", pa.list_(IMAGE_TYPE)),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        pa.field("caption", pa.string()),
        pa.field("source", pa.string()),
    ],
)
