"""`curated`: CapFilt's output, one row per kept image, with every score kept or not."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, added_in, stamped

# 2: synthetic[].hit_max_length.
VERSION = 2

SYNTHETIC_CAPTION = pa.struct(
    [
        pa.field("text", pa.string()),
        # ITM match probability softmax(itm_logits)[:, 1] from the filter.
        pa.field("score", pa.float32()),
        pa.field("kept", pa.bool_()),
        # The captioner stopped at max_length before its end token: the text may end mid-phrase.
        # Null in files of version 1, and when the captioner did not report it.
        added_in(2, pa.field("hit_max_length", pa.bool_())),
    ]
)

CURATED = stamped(
    "curated",
    VERSION,
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("page_url", pa.string()),
        pa.field("image", IMAGE_TYPE),
        pa.field("width", pa.int32()),
        pa.field("height", pa.int32()),
        pa.field("sha256", pa.string()),
        pa.field("source", pa.string()),
        # The web text T_w, its filter score and the policy's verdict on it.
        pa.field("web_caption", pa.string()),
        pa.field("web_score", pa.float32()),
        pa.field("web_kept", pa.bool_()),
        # Every synthetic caption T_s with its score and verdict.
        pa.field("synthetic", pa.list_(SYNTHETIC_CAPTION)),
        # The kept texts: what a trainer samples from.
        pa.field("captions", pa.list_(pa.string())),
        # Model names the same on every machine (hub id, remote URL, or a local checkpoint's folder name
        # @ the first 8 hex digits of its weights' sha256; capfilt.curate.checkpoints.portable_name) and the
        # policy that decided. Files written before version 2 may hold local paths here.
        pa.field("captioner", pa.string()),
        pa.field("filter", pa.string()),
        pa.field("policy", pa.string()),
    ],
)
