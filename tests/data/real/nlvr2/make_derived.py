"""Rebuild tests/data/real/nlvr2/images/ (see MANIFEST.md) from real photos committed elsewhere in the repo.

    python tests/data/real/nlvr2/make_derived.py

The NLVR2 sample's sentences are about web photos whose licences are their owners'; none is committed. The
images here are real photos of ours under the file names NLVR2's reader looks for ("dev-850-0-img0.png"):
what is tested is the format and the join, not what the photos show. As in NLVR2's own download, most
".png" files hold JPEG bytes. Pair dev-850-2's right image is a truncated JPEG (a reject), pair dev-850-3
has no files at all (missing images).
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"
COPIES = {
    "dev-850-0-img0.png": IMAGES / "pillow" / "hopper.jpg",  # JPEG bytes under .png, as NLVR2 ships them
    "dev-850-0-img1.png": IMAGES / "pillow" / "hopper.png",
    "dev-850-1-img0.png": IMAGES / "pillow" / "hopper_gray.jpg",
    "dev-850-1-img1.png": IMAGES / "skimage" / "chessboard_GRAY.png",
    "dev-850-2-img0.png": IMAGES / "pillow" / "hopper_orientation_3.jpg",
    "dev-850-2-img1.png": IMAGES / "pillow" / "truncated_jpeg.jpg",
}


def main() -> None:
    (HERE / "images").mkdir(exist_ok=True)
    for name, origin in COPIES.items():
        shutil.copyfile(origin, HERE / "images" / name)


if __name__ == "__main__":
    main()
