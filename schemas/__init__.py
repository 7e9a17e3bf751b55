"""The Parquet schemas: the one place where column names are defined. Everything else imports them."""

from schemas.candidates import CANDIDATES
from schemas.clips import CLIPS
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
    schema_name,
    schema_version,
)
from schemas.curated import (
    CAPTIONER,
    CAPTIONS,
    CURATED,
    FILTER,
    POLICY,
    SYNTHETIC,
    SYNTHETIC_CAPTION,
    WEB_CAPTION,
    WEB_KEPT,
    WEB_SCORE,
)
from schemas.documents import DOCUMENTS, SEGMENT
from schemas.embeddings import EMBEDDINGS
from schemas.io import (
    expand,
    iter_batches,
    iter_records,
    open_table,
    read_schema,
    read_table,
    to_table,
    write_table,
)
from schemas.labels import LABELS, WORLD_OBJECT
from schemas.pairs import (
    CAPTION,
    CAPTION_BOILERPLATE,
    ORIGINAL_HEIGHT,
    ORIGINAL_WIDTH,
    PAIRS,
    PHASH,
    REFERENCES,
)
from schemas.publish import building_folder, publish_file, replace_folder
from schemas.rejects import REJECTS, Reject
from schemas.validate import SchemaError, check_schema, conform
from schemas.visdial import VISDIAL
from schemas.vqa import VQA

__all__ = [
    # column names
    "CAPTION",
    "CAPTIONER",
    "CAPTIONS",
    "CAPTION_BOILERPLATE",
    "FILTER",
    "HEIGHT",
    "IMAGE",
    "KEY",
    "ORIGINAL_HEIGHT",
    "ORIGINAL_WIDTH",
    "PAGE_URL",
    "PHASH",
    "POLICY",
    "REFERENCES",
    "SHA256",
    "SOURCE",
    "SYNTHETIC",
    "URL",
    "WEB_CAPTION",
    "WEB_KEPT",
    "WEB_SCORE",
    "WIDTH",
    "CANDIDATES",
    "CLIPS",
    "CURATED",
    "DOCUMENTS",
    "EMBEDDINGS",
    "IMAGE_TYPE",
    "LABELS",
    "PAIRS",
    "REJECTS",
    "SEGMENT",
    "VISDIAL",
    "SYNTHETIC_CAPTION",
    "VQA",
    "WORLD_OBJECT",
    "Reject",
    "SchemaError",
    "building_folder",
    "check_schema",
    "conform",
    "expand",
    "iter_batches",
    "iter_records",
    "open_table",
    "publish_file",
    "read_schema",
    "read_table",
    "replace_folder",
    "schema_name",
    "schema_version",
    "to_table",
    "write_table",
]
