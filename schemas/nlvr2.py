"""`nlvr2`: one NLVR2 example, two images and one statement about them with its truth (true/false).

Written by the NLVR2 JSONL reader (`capfilt.readers.nlvr2`, for the public dataset) and by the demo world
(`capfilt.world.nlvr2`); read by `models.finetune nlvr2` and `models.evaluate nlvr2`. Both images are stored
in the row, so a table is self-contained like `pairs`.
"""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, KEY, SOURCE, stamped

VERSION = 1

STATEMENT = "statement"
LABEL = "label"
LEFT_IMAGE = "left_image"
RIGHT_IMAGE = "right_image"
LEFT_KEY = "left_key"
RIGHT_KEY = "right_key"
SPLIT = "split"

NLVR2 = stamped(
    "nlvr2",
    VERSION,
    [
        # The example's id (NLVR2's `identifier`, e.g. "dev-850-0-0"; the world's "nlvr2-train-000012").
        pa.field(KEY, pa.string(), nullable=False),
        # The sentence to judge against the two images.
        pa.field(STATEMENT, pa.string(), nullable=False),
        # True when the statement holds for (left, right).
        pa.field(LABEL, pa.bool_(), nullable=False),
        pa.field(LEFT_IMAGE, IMAGE_TYPE),
        pa.field(RIGHT_IMAGE, IMAGE_TYPE),
        # The images' own ids (NLVR2: "dev-850-0-img0"; a pairs key when read from a pairs table).
        pa.field(LEFT_KEY, pa.string()),
        pa.field(RIGHT_KEY, pa.string()),
        # "train", "dev", "test1", ... (NLVR2) or "train" / "test" (the world's held-out configurations).
        pa.field(SPLIT, pa.string()),
        # "nlvr2" for the public dataset's JSONL, "world:nlvr2" for the demo world.
        pa.field(SOURCE, pa.string()),
    ],
)
