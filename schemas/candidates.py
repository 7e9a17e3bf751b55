"""`candidates`: an image-text pair found in crawl files or a URL list, not downloaded (ingest --no_download).

Its `url` and `caption` columns make it a URL list that a later `pipelines.ingest` run downloads.
"""

from __future__ import annotations

import pyarrow as pa

from schemas.common import KEY, PAGE_URL, SOURCE, URL, stamped
from schemas.pairs import CAPTION, CAPTION_BOILERPLATE

VERSION = 1

CANDIDATES = stamped(
    "candidates",
    VERSION,
    [
        pa.field(KEY, pa.string(), nullable=False),
        # The image URL, resolved against the page (and its <base>).
        pa.field(URL, pa.string()),
        # The web text T_w after ingest's text cleaning: the alt text, or a URL list's caption column.
        pa.field(CAPTION, pa.string()),
        # The page the image was found on (crawl input); null for URL lists.
        pa.field(PAGE_URL, pa.string()),
        # "warc", "wat", "urls", ...
        pa.field(SOURCE, pa.string()),
        # True when the caption is boilerplate (a file name, "image", "click here").
        pa.field(CAPTION_BOILERPLATE, pa.bool_()),
    ],
)
