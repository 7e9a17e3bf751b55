"""`curated`: CapFilt's output, one row per kept image, with every score kept or not."""

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

# 2: synthetic[].hit_max_length.
# 3: synthetic[].captioner; web_scores and synthetic[].scores (every scorer's score by name).
VERSION = 3

# The columns CapFilt adds.
WEB_CAPTION = "web_caption"
WEB_SCORE = "web_score"
WEB_KEPT = "web_kept"
SYNTHETIC = "synthetic"
CAPTIONS = "captions"
CAPTIONER = "captioner"
FILTER = "filter"
POLICY = "policy"
WEB_SCORES = "web_scores"
SCORES = "scores"

# One text's score by one scorer: `itm` (the filter, also in web_score / synthetic[].score) and every
# --scorer model by its name. Null in files before version 3.
SCORER_SCORES = pa.list_(pa.struct([pa.field("scorer", pa.string()), pa.field("score", pa.float32())]))

SYNTHETIC_CAPTION = pa.struct(
    [
        pa.field("text", pa.string()),
        # ITM match probability softmax(itm_logits)[:, 1] from the filter.
        pa.field("score", pa.float32()),
        pa.field("kept", pa.bool_()),
        # The captioner stopped at max_length before its end token: the text may end mid-phrase.
        # Null in files of version 1, and when the captioner did not report it.
        added_in(2, pa.field("hit_max_length", pa.bool_())),
        # The portable name of the captioner that wrote this caption (a run may use several). Null in files
        # before version 3: there the row's `captioner` wrote every caption.
        added_in(3, pa.field("captioner", pa.string())),
        added_in(3, pa.field(SCORES, SCORER_SCORES)),
    ]
)

CURATED = stamped(
    "curated",
    VERSION,
    [
        pa.field(KEY, pa.string(), nullable=False),
        pa.field(URL, pa.string()),
        pa.field(PAGE_URL, pa.string()),
        pa.field(IMAGE, IMAGE_TYPE),
        pa.field(WIDTH, pa.int32()),
        pa.field(HEIGHT, pa.int32()),
        pa.field(SHA256, pa.string()),
        pa.field(SOURCE, pa.string()),
        # The web text T_w, its filter score and the policy's verdict on it.
        pa.field(WEB_CAPTION, pa.string()),
        pa.field(WEB_SCORE, pa.float32()),
        pa.field(WEB_KEPT, pa.bool_()),
        added_in(3, pa.field(WEB_SCORES, SCORER_SCORES)),
        # Every synthetic caption T_s with its score and verdict.
        pa.field(SYNTHETIC, pa.list_(SYNTHETIC_CAPTION)),
        # The kept texts: what a trainer samples from.
        pa.field(CAPTIONS, pa.list_(pa.string())),
        # Model names the same on every machine (hub id, remote URL, or a local checkpoint's folder name
        # @ the first 8 hex digits of its weights' sha256; capfilt.curate.checkpoints.portable_name) and the
        # policy that decided. Files written before version 2 may hold local paths here.
        pa.field(CAPTIONER, pa.string()),
        pa.field(FILTER, pa.string()),
        pa.field(POLICY, pa.string()),
    ],
)
