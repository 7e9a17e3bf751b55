"""VisDial v1.0 JSON -> `visdial` rows (schemas/visdial.py), images from a folder or from `pairs` Parquet.

VisDial v1.0 keeps its texts once: `data.questions` and `data.answers` are string lists, and every round of
`data.dialogs[i].dialog` points into them (`question`, `answer`, `answer_options` 100 indices, `gt_index`).
The test split has options only in its last round and no answer there; every field but the question may be
missing. Images are matched by the numeric image id: the trailing digits of a file name
(`VisualDialog_val2018_000000185565.jpg`, `COCO_train2014_000000000009.jpg`), or of a pairs row's key or
URL.

A dialog that cannot be used is one reject (stage `visdial`): `bad_index` (a round points outside the lists,
or its gt_index outside its options), `image_missing` (no image with its id), `image_undecodable` (its bytes
are not an image, by capfilt.images). A file that is not VisDial JSON is a SchemaError naming it.

    python -m capfilt.readers.visdial --json visdial_1.0_val.json --images VisualDialog_val2018 --output vd
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import fsspec

import schemas
from capfilt import images
from capfilt.flags import option, parse_settings
from schemas import Reject, SchemaError

STAGE = "visdial"
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
_TRAILING_DIGITS = re.compile(r"(\d+)(?:\.[A-Za-z0-9]+)?$")


def image_number(name: str | None) -> int | None:
    """The numeric image id at the end of a file name, key or URL (None when there is none)."""
    found = _TRAILING_DIGITS.search((name or "").rstrip("/").rsplit("/", 1)[-1])
    return int(found.group(1)) if found else None


def load_document(path: str) -> dict:
    """The JSON document, checked to have VisDial v1.0's shape (a SchemaError naming the file if not)."""
    try:
        with fsspec.open(path, "rt", encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError) as error:
        raise SchemaError(f"{path}: not readable as JSON: {error}") from None
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ("questions", "answers")):
        raise SchemaError(f"{path}: not VisDial v1.0 JSON (needs data.questions, data.answers, data.dialogs)")
    if not isinstance(data.get("dialogs"), list):
        raise SchemaError(f"{path}: not VisDial v1.0 JSON (data.dialogs is not a list)")
    return document


def _text(pool: list, index) -> str:
    if not isinstance(index, int) or not 0 <= index < len(pool):
        raise IndexError(index)
    return pool[index]


def dialog_rounds(dialog: dict, questions: list, answers: list) -> list[dict]:
    """The rounds of one dialog with their texts; IndexError when an index points outside the lists."""
    rounds = []
    for turn in dialog.get("dialog") or []:
        options = [_text(answers, i) for i in turn.get("answer_options") or []] or None
        right = turn.get("gt_index")
        if right is not None and not (options and 0 <= right < len(options)):
            raise IndexError(f"gt_index {right} of {len(options or [])} options")
        answer = _text(answers, turn["answer"]) if turn.get("answer") is not None else None
        rounds.append(
            {
                "question": _text(questions, turn.get("question")),
                "answer": answer,
                "options": options,
                "gt_index": right,
            }
        )
    return rounds


def folder_images(folder: str, wanted: set[int]) -> dict[int, str]:
    """image id -> file path, for the wanted ids found under `folder` (first in sorted order wins)."""
    fs, _, (root,) = fsspec.get_fs_token_paths(folder)
    found: dict[int, str] = {}
    for path in sorted(fs.find(root)):
        number = image_number(path) if path.lower().endswith(IMAGE_SUFFIXES) else None
        if number in wanted and number not in found:
            found[number] = fs.unstrip_protocol(path)
    return found


def pairs_images(pattern: str, wanted: set[int]) -> dict[int, bytes]:
    """image id -> image bytes from `pairs` Parquet rows whose key (else URL) ends in a wanted id."""
    found: dict[int, bytes] = {}
    for path in schemas.expand(pattern):
        for row in schemas.iter_records(path, schemas.PAIRS):
            number = image_number(row["key"])
            number = number if number in wanted else image_number(row["url"])
            if number in wanted and number not in found and (row["image"] or {}).get("bytes"):
                found[number] = row["image"]["bytes"]
    return found


def _image_source(images_arg: str, wanted: set[int]):
    fs, _, paths = fsspec.get_fs_token_paths(images_arg)
    if len(paths) == 1 and fs.isdir(paths[0]) and not fs.glob(f"{paths[0]}/*.parquet"):
        return folder_images(images_arg, wanted)
    return pairs_images(images_arg, wanted)


def _image_bytes(source: dict, number: int) -> bytes | None:
    value = source.get(number)
    if isinstance(value, str):
        with fsspec.open(value, "rb") as handle:
            return handle.read()
    return value


def read_visdial(json_path: str, images_arg: str) -> Iterator[dict | Reject]:
    """`visdial` rows and Rejects, one per dialog of the file, in file order."""
    document = load_document(json_path)
    data, split = document["data"], str(document.get("split") or "unknown")
    dialogs = data["dialogs"]
    wanted = {
        d.get("image_id") for d in dialogs if isinstance(d, dict) and isinstance(d.get("image_id"), int)
    }
    source = _image_source(images_arg, wanted)
    for position, dialog in enumerate(dialogs):
        image_id = dialog.get("image_id") if isinstance(dialog, dict) else None
        key = f"visdial-{split}-{image_id if image_id is not None else f'position{position}'}"
        try:
            rounds = dialog_rounds(dialog, data["questions"], data["answers"])
        except (IndexError, KeyError, TypeError, AttributeError) as error:
            yield Reject(key, None, STAGE, "bad_index", f"{json_path} dialog {position}: index {error}")
            continue
        data_bytes = _image_bytes(source, image_id) if isinstance(image_id, int) else None
        if not data_bytes:
            yield Reject(key, None, STAGE, "image_missing", f"no image with id {image_id} in {images_arg}")
            continue
        try:
            images.decode_image(data_bytes, images.DecodeLimits())
        except images.ImageRejected as rejected:
            yield Reject(key, None, STAGE, "image_undecodable", f"{rejected.reason}: {rejected.detail}")
            continue
        yield {
            "key": key,
            "image_id": str(image_id),
            "image": {"bytes": data_bytes, "path": f"{image_id}.jpg"},
            "caption": dialog.get("caption"),
            "rounds": rounds,
            "source": f"visdial:{split}",
        }


@dataclass
class ConvertSettings:
    """The flags of `python -m capfilt.readers.visdial`."""

    json: str = option(help="VisDial v1.0 JSON file (visdial_1.0_train.json, _val.json, _test.json)")
    images: str = option(help="image folder (file names end in the image id) or pairs Parquet glob(s)")
    output: str = option(help="output folder: OUTPUT/visdial/part-*.parquet and OUTPUT/rejects/")
    rows_per_part: int = option(2000, "dialogs per Parquet part file")


def convert(settings: ConvertSettings) -> dict:
    rows, rejects = [], []
    for item in read_visdial(settings.json, settings.images):
        (rejects if isinstance(item, Reject) else rows).append(item)
    root = settings.output.rstrip("/")
    for part, start in enumerate(range(0, max(len(rows), 1), settings.rows_per_part)):
        chunk = rows[start : start + settings.rows_per_part]
        schemas.write_table(chunk, schemas.VISDIAL, f"{root}/visdial/part-{part:05d}.parquet")
    schemas.write_table([r.as_row() for r in rejects], schemas.REJECTS, f"{root}/rejects/part-00000.parquet")
    return {"dialogs": len(rows), "rejects": len(rejects), "output": root}


def main(argv: list[str] | None = None) -> dict:
    settings = parse_settings(
        ConvertSettings, argv, prog="python -m capfilt.readers.visdial", description=__doc__
    )
    try:
        summary = convert(settings)
    except (SchemaError, FileNotFoundError) as error:
        print(f"python -m capfilt.readers.visdial: error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
