"""NLVR2's JSONL (github.com/lil-lab/nlvr, `nlvr2/data/{train,dev,test1}.json`) to `nlvr2` rows.

Each line is one example: `identifier` ("dev-850-0-0": split, set, pair, sentence), `sentence`, `label`
("True"/"False") and, in train, `directory` (the image subfolder). Its images are named from the identifier
without the sentence number: "dev-850-0-img0.png" (left) and "-img1.png" (right). They are found in a folder
(`IMAGES/NAME` or `IMAGES/DIRECTORY/NAME`, as NLVR2's download lays them out) or in `pairs` tables whose
`key` is the image name without extension ("dev-850-0-img0") or whose image path ends in the name.

Each image is checked once by `capfilt.images`, the decoder every stage uses (by its bytes, not its name:
NLVR2's ".png" files are mostly JPEGs), and stored as it is. Nothing is lost: a line that is not JSON, lacks
a field, has a label other than True/False, or whose image is not found, cannot be read or does not decode
becomes a `read` Reject naming the line. Command line:

    python -m capfilt.readers.nlvr2 --jsonl dev.json --images DIR_OR_PAIRS_GLOB --output dev.parquet
"""

from __future__ import annotations

import json
import posixpath
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import fsspec

import schemas
from capfilt.flags import option, parse_settings
from capfilt.images import ImageRejected, decode_image
from capfilt.readers.failures import deterministic
from schemas.nlvr2 import NLVR2

STAGE = "read"
SIDES = ("img0", "img1")
LABELS = {"true": True, "false": False}
CHECK_SIZE = (1, 1)  # a JPEG is checked at its smallest draft scale: whole-file decode, little work


def image_names(identifier: str) -> tuple[str, str]:
    """("dev-850-0-img0", "dev-850-0-img1") from "dev-850-0-0"."""
    prefix = identifier.rsplit("-", 1)[0]
    return tuple(f"{prefix}-{side}" for side in SIDES)


class FolderImages:
    """Images as files: ROOT/NAME.png or ROOT/DIRECTORY/NAME.png (any fsspec path)."""

    def __init__(self, root: str):
        self.root = root.rstrip("/")
        self.fs, _, (self.local,) = fsspec.get_fs_token_paths(self.root)
        if not self.fs.isdir(self.local):
            raise FileNotFoundError(f"--images {root}: not a folder")

    def find(self, name: str, directory: str | None) -> dict | OSError | None:
        for folder in ([self.local + "/" + str(directory)] if directory is not None else []) + [self.local]:
            path = f"{folder}/{name}.png"
            if self.fs.isfile(path):
                try:
                    data = self.fs.cat_file(path)
                except OSError as error:  # there but unreadable (permissions, I/O): a reject, not a crash
                    return error
                return {"bytes": data, "path": posixpath.basename(path)}
        return None


class PairsImages:
    """Images from `pairs` tables, by key or by the image path's file name (read once into memory)."""

    def __init__(self, pattern: str):
        self.by_name: dict[str, dict] = {}
        for path in schemas.expand(pattern):
            for record in schemas.iter_records(path, schemas.PAIRS):
                image = record["image"] or {}
                if image.get("bytes"):
                    self.by_name[record["key"]] = image
                    if image.get("path"):
                        self.by_name.setdefault(
                            posixpath.splitext(posixpath.basename(image["path"]))[0], image
                        )

    def find(self, name: str, directory: str | None) -> dict | None:
        return self.by_name.get(name)


def image_source(images: str):
    """A folder of files, or pairs tables (a .parquet/.arrow path or glob)."""
    if images.endswith((".parquet", ".arrow")) or "*" in images:
        return PairsImages(images)
    return FolderImages(images)


class CheckedImages:
    """An image source whose images are decoded once each by `capfilt.images`; a refused one is a problem."""

    def __init__(self, images):
        self.images = images
        self.problems: dict[str, tuple[str, str] | None] = {}  # image name -> (reason, detail), None if fine

    def find(self, name: str, directory: str | None) -> dict | tuple[str, str] | None:
        """The image struct, None when not found, or (reason, detail) when it cannot be read or decoded."""
        image = self.images.find(name, directory)
        if image is None:
            return None
        if name not in self.problems:
            self.problems[name] = image_problem(image)
        return self.problems[name] or image


def image_problem(image: dict | OSError) -> tuple[str, str] | None:
    if isinstance(image, OSError):
        return "unreadable_image", deterministic(f"{type(image).__name__}: {image.strerror or image}")
    try:
        decode_image(image["bytes"], draft_size=CHECK_SIZE)
    except ImageRejected as error:
        return error.reason, error.detail
    return None


def read_nlvr2_jsonl(path: str, images) -> Iterator[dict | schemas.Reject]:
    """`nlvr2` rows and Rejects, one per line of `path`, in order."""
    checked = images if isinstance(images, CheckedImages) else CheckedImages(images)
    with fsspec.open(path, "rb") as handle:  # bytes, so one line that is not UTF-8 is one reject
        for number, raw in enumerate(handle, 1):
            if raw.strip():
                yield example_row(raw, f"{path}:{number}", checked)


def example_row(raw: bytes, where: str, images: CheckedImages) -> dict | schemas.Reject:
    try:
        example = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        return schemas.Reject(None, None, STAGE, "bad_json", f"{where}: not UTF-8 ({error.reason})")
    except json.JSONDecodeError as error:
        return schemas.Reject(None, None, STAGE, "bad_json", f"{where}: {error}")
    if not isinstance(example, dict):
        return schemas.Reject(None, None, STAGE, "bad_json", f"{where}: not a JSON object")
    key = example.get("identifier")
    missing = [
        f
        for f in ("identifier", "sentence", "label")
        if not (isinstance(example.get(f), str) and example[f].strip())
    ]
    if missing:
        return schemas.Reject(
            key if isinstance(key, str) else None,
            None,
            STAGE,
            "missing_field",
            f"{where}: no non-empty string {', '.join(missing)}",
        )
    label = LABELS.get(example["label"].strip().lower())
    if label is None:
        return schemas.Reject(key, None, STAGE, "bad_label", f"{where}: label {example['label'][:40]!r}")
    names = image_names(key)
    found = [images.find(name, example.get("directory")) for name in names]
    lost = [name for name, image in zip(names, found, strict=True) if image is None]
    if lost:
        return schemas.Reject(key, None, STAGE, "missing_image", f"{where}: no image {', '.join(lost)}")
    for name, image in zip(names, found, strict=True):
        if isinstance(image, tuple):  # the first refused image names the reason
            return schemas.Reject(key, None, STAGE, image[0], f"{where}: image {name}: {image[1]}")
    return {
        "key": key,
        "statement": example["sentence"],
        "label": label,
        "left_image": found[0],
        "right_image": found[1],
        "left_key": names[0],
        "right_key": names[1],
        "split": key.split("-", 1)[0],
        "source": "nlvr2",
    }


@dataclass
class ConvertSettings:
    jsonl: str = option(help="NLVR2 JSONL file (train.json, dev.json, test1.json; any fsspec path)")
    images: str = option(help="folder of the NLVR2 images, or pairs Parquet glob holding them")
    output: str = option(help="nlvr2 Parquet file to write")
    rejects: str = option("", "rejects Parquet file; default: OUTPUT with .rejects.parquet")


def convert(settings: ConvertSettings) -> dict:
    rows, rejects = [], []
    for item in read_nlvr2_jsonl(settings.jsonl, image_source(settings.images)):
        (rejects if isinstance(item, schemas.Reject) else rows).append(item)
    schemas.write_table(rows, NLVR2, settings.output)
    rejects_path = settings.rejects or settings.output.removesuffix(".parquet") + ".rejects.parquet"
    schemas.write_table([r.as_row() for r in rejects], schemas.REJECTS, rejects_path)
    return {
        "examples": len(rows),
        "rejects": len(rejects),
        "output": settings.output,
        "rejects_file": rejects_path,
    }


def main(argv: list[str] | None = None) -> dict:
    settings = parse_settings(
        ConvertSettings, argv, prog="python -m capfilt.readers.nlvr2", description=__doc__
    )
    try:
        summary = convert(settings)
    except (FileNotFoundError, schemas.SchemaError) as error:
        print(f"python -m capfilt.readers.nlvr2: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
