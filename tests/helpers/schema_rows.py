"""One valid `pairs` row and one valid `curated` row, for tests that need a row of each table."""

import hashlib

from tests.helpers.images import jpeg_bytes


def pair(key="k1", caption="a red square", data=None):
    data = data if data is not None else jpeg_bytes()
    return {
        "key": key,
        "url": f"https://example.org/{key}.jpg",
        "page_url": "https://example.org/page.html",
        "caption": caption,
        "caption_boilerplate": False,
        "references": None,
        "image": {"bytes": data, "path": f"{key}.jpg"},
        "width": 16,
        "height": 12,
        "original_width": 16,
        "original_height": 12,
        "sha256": hashlib.sha256(data).hexdigest(),
        "phash": None,
        "source": "test",
    }


def curated_row(key="k1"):
    return {
        "key": key,
        "url": None,
        "page_url": None,
        "image": {"bytes": jpeg_bytes(), "path": None},
        "width": 16,
        "height": 12,
        "sha256": None,
        "source": "test",
        "web_caption": "IMG_2041.JPG",
        "web_score": 0.125,
        "web_kept": False,
        "web_scores": [{"scorer": "itm", "score": 0.125}, {"scorer": "clip", "score": -0.25}],
        "synthetic": [
            {
                "text": "a red square",
                "score": 0.875,
                "kept": True,
                "hit_max_length": False,
                "captioner": "cap@1",
                "scores": [{"scorer": "itm", "score": 0.875}, {"scorer": "clip", "score": 0.3125}],
            }
        ],
        "captions": ["a red square"],
        "captioner": "captioner-dir",
        "filter": "filter-dir",
        "policy": "paper",
    }
