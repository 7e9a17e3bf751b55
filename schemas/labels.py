"""`labels`: the demo world's ground truth, one row per generated image or clip, apart from the corpus."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import stamped

VERSION = 1

# One object in a scene; names come from capfilt/world/vocab.py.
WORLD_OBJECT = pa.struct(
    [
        pa.field("color", pa.string()),
        pa.field("shape", pa.string()),
        pa.field("size", pa.string()),
        # Where the object is (for a clip: where it starts).
        pa.field("position", pa.string()),
        # Clips only: "left to right", "top to bottom", ..., or "still"; null for still images.
        pa.field("motion", pa.string()),
    ]
)

LABELS = stamped(
    "labels",
    VERSION,
    [
        # The key of the corpus row (pairs, document image or clip) this label belongs to.
        pa.field("key", pa.string(), nullable=False),
        pa.field("split", pa.string(), nullable=False),
        pa.field("objects", pa.list_(WORLD_OBJECT)),
        pa.field("background", pa.string()),
        # The canonical ground-truth sentence.
        pa.field("description", pa.string()),
        # The main object's shape: the class for zero-shot classification.
        pa.field("class_name", pa.string()),
        # Web split only: which noise produced the web text, and its specifics as JSON; null elsewhere.
        pa.field("noise", pa.string()),
        pa.field("noise_detail", pa.string()),
    ],
)
