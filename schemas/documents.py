"""`documents`: interleaved image-text documents (a web page's images with the text between them)."""

from __future__ import annotations

import pyarrow as pa

from schemas.common import IMAGE_TYPE, stamped

VERSION = 1

# One step of a document in reading order: exactly one of `text` and `image` is set.
SEGMENT = pa.struct([pa.field("text", pa.string()), pa.field("image", IMAGE_TYPE)])

DOCUMENTS = stamped(
    "documents",
    VERSION,
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("segments", pa.list_(SEGMENT)),
        pa.field("source", pa.string()),
    ],
)
