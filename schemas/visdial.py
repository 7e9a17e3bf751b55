"""`visdial`: one visual dialog per row (VisDial v1.0 or the demo world): an image, its caption and up to 10
question-answer rounds, each with its candidate answers and the index of the right one among them."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE, IMAGE_TYPE, KEY, SOURCE, stamped

VERSION = 1

IMAGE_ID = "image_id"
DIALOG_CAPTION = "caption"
ROUNDS = "rounds"

# One round of a dialog. VisDial v1.0's test split gives options only for its last round and no answer
# there, so everything but the question is nullable.
ROUND = pa.struct(
    [
        pa.field("question", pa.string()),
        # The human answer; null where the split hides it (test).
        pa.field("answer", pa.string()),
        # The candidate answers (100 in VisDial); null when the round has none.
        pa.field("options", pa.list_(pa.string())),
        # Index of `answer` in `options`; null where the split hides it.
        pa.field("gt_index", pa.int32()),
    ]
)

VISDIAL = stamped(
    "visdial",
    VERSION,
    [
        # Stable id of the dialog, e.g. "visdial-val-185565" or "dialog-000012".
        pa.field(KEY, pa.string(), nullable=False),
        # The dataset's own image id (COCO id for VisDial), as text.
        pa.field(IMAGE_ID, pa.string()),
        pa.field(IMAGE, IMAGE_TYPE),
        pa.field(DIALOG_CAPTION, pa.string()),
        pa.field(ROUNDS, pa.list_(ROUND)),
        # "visdial:val", "world:dialogs", ...
        pa.field(SOURCE, pa.string()),
    ],
)
