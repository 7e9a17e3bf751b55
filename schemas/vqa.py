"""`vqa`: visual question answering, one row per question with its image and its annotators' answers.

The image is stored in each row (as the `pairs` image column) so that a file is self-contained and the
training loader streams it like any other table; VQA v2 asks ~5 questions per image, so images repeat.
"""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, stamped

VERSION = 1

QUESTION = "question"
ANSWERS = "answers"
IMAGE_KEY = "image_key"

VQA = stamped(
    "vqa",
    VERSION,
    [
        # The question's id (VQA v2 question_id, or the demo world's key).
        pa.field("key", pa.string(), nullable=False),
        # The image's id: questions about one image share it.
        pa.field(IMAGE_KEY, pa.string(), nullable=False),
        pa.field("image", IMAGE_TYPE),
        pa.field(QUESTION, pa.string(), nullable=False),
        # Every annotator's answer, repeats kept (VQA v2 has 10): the answer weights and the accuracy
        # count them. Null for questions without ground truth (a test-dev split).
        pa.field(ANSWERS, pa.list_(pa.string())),
        # VQA v2's question_type ("what color is the") and answer_type ("yes/no", "number", "other");
        # the demo world's attribute ("color", "shape", "count", "position").
        pa.field("question_type", pa.string()),
        pa.field("answer_type", pa.string()),
        pa.field("source", pa.string()),
    ],
)
