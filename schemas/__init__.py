"""The Parquet schemas: the one place where column names are defined. Everything else imports them."""

from schemas.candidates import CANDIDATES
from schemas.clips import CLIPS
from schemas.common import IMAGE_TYPE, schema_name, schema_version
from schemas.curated import CURATED, SYNTHETIC_CAPTION
from schemas.documents import DOCUMENTS, SEGMENT
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
from schemas.pairs import PAIRS
from schemas.publish import building_folder, publish_file, replace_folder
from schemas.rejects import REJECTS, Reject
from schemas.validate import SchemaError, check_schema, conform

__all__ = [
    "CANDIDATES",
    "CLIPS",
    "CURATED",
    "DOCUMENTS",
    "IMAGE_TYPE",
    "LABELS",
    "PAIRS",
    "REJECTS",
    "SEGMENT",
    "SYNTHETIC_CAPTION",
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
