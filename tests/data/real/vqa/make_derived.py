"""Rebuild tests/data/real/vqa/images/ (see MANIFEST.md) from real photos committed elsewhere in the repo.

    python tests/data/real/vqa/make_derived.py

The VQA v2 sample's questions are about COCO image 458752; COCO's photos carry their own Flickr licences,
so the sample's image is a real photo of ours (Pillow's `hopper.jpg`, HPND) under the COCO file name the
reader looks for: what is tested is the format and the join, not what the photo shows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"
COPIES = {"COCO_train2014_000000458752.jpg": IMAGES / "pillow" / "hopper.jpg"}


def main() -> None:
    (HERE / "images").mkdir(exist_ok=True)
    for name, origin in COPIES.items():
        shutil.copyfile(origin, HERE / "images" / name)


if __name__ == "__main__":
    main()
