"""`embeddings`: a CLIP model's image (and text) embeddings of the curated images, a sidecar keyed by `key`.

L2-normalised float16 vectors, one row per curated image, so `faiss`/`autofaiss` users stack the column
into an (n, d) matrix and search by inner product (cosine).
"""

from __future__ import annotations

import pyarrow as pa

from schemas.common import KEY, stamped

VERSION = 1

IMAGE_EMBEDDING = "image_embedding"
TEXT_EMBEDDING = "text_embedding"
# The text that was embedded: the first kept text of the curated row (captions[0]).
EMBEDDED_TEXT = "embedded_text"
EMBEDDING_MODEL = "embedding_model"

EMBEDDINGS = stamped(
    "embeddings",
    VERSION,
    [
        pa.field(KEY, pa.string(), nullable=False),
        pa.field(IMAGE_EMBEDDING, pa.list_(pa.float16()), nullable=False),
        pa.field(TEXT_EMBEDDING, pa.list_(pa.float16())),
        pa.field(EMBEDDED_TEXT, pa.string()),
        # The CLIP model's portable name (capfilt.curate.checkpoints.portable_name).
        pa.field(EMBEDDING_MODEL, pa.string()),
    ],
)
