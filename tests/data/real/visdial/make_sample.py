"""Rebuild tests/data/real/visdial/ (see MANIFEST.md): four real VisDial v1.0 val dialogs and their images.

    # in a clone of shubhamagarwal92/visdial_conv:
    git show a15e890c27db01eecbc66d0bfa6e47aabc28667d:released_datasets/visdialconv/\
visdial_1.0_val_crowdsourced.json > /tmp/visdial_1.0_val_crowdsourced.json
    python tests/data/real/visdial/make_sample.py /tmp/visdial_1.0_val_crowdsourced.json

The JSON keeps VisDial v1.0's layout (`version`, `split`, `data.questions`, `data.answers`, `data.dialogs`);
only the first DIALOGS dialogs are kept, and the shared question and answer lists are cut to the strings
those dialogs point at (in their original order), every index renumbered to match. Nothing else changes:
captions, rounds, the 100 options of each round and `gt_index` are VisDial's. Without a source path only the
images are rebuilt.

VisDial's photos (COCO val2014 / Flickr) are not committed; real photos of ours stand under the names the
val2018 release uses (`VisualDialog_val2018_000000239030.jpg`): what is tested is the format and the join.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
IMAGES = HERE.parent / "images"
SAMPLE = HERE / "visdial_1.0_val_sample.json"
DIALOGS = 4
# image id -> the photo standing for it; the fourth dialog's image (361734) is left out: image_missing.
PHOTOS = {
    239030: IMAGES / "skimage" / "coffee.jpg",
    209271: IMAGES / "skimage" / "chelsea.jpg",
    560666: IMAGES / "pillow" / "truncated_jpeg.jpg",  # cut short: image_undecodable
}


def image_name(image_id: int) -> str:
    return f"VisualDialog_val2018_{image_id:012d}.jpg"


def subset(document: dict, count: int) -> dict:
    """The first `count` dialogs with the question and answer lists cut to what they use, renumbered."""
    data = document["data"]
    dialogs = data["dialogs"][:count]
    used_questions = sorted({turn["question"] for d in dialogs for turn in d["dialog"]})
    used_answers = sorted(
        {i for d in dialogs for turn in d["dialog"] for i in [turn["answer"], *turn["answer_options"]]}
    )
    question_at = {old: new for new, old in enumerate(used_questions)}
    answer_at = {old: new for new, old in enumerate(used_answers)}
    renumbered = [
        {
            **dialog,
            "dialog": [
                {
                    **turn,
                    "question": question_at[turn["question"]],
                    "answer": answer_at[turn["answer"]],
                    "answer_options": [answer_at[i] for i in turn["answer_options"]],
                }
                for turn in dialog["dialog"]
            ],
        }
        for dialog in dialogs
    ]
    return {
        "version": document["version"],
        "split": document["split"],
        "data": {
            "questions": [data["questions"][i] for i in used_questions],
            "answers": [data["answers"][i] for i in used_answers],
            "dialogs": renumbered,
        },
    }


def main(argv: list[str]) -> None:
    if argv:
        document = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
        SAMPLE.write_text(json.dumps(subset(document, DIALOGS)), encoding="utf-8")
    (HERE / "images").mkdir(exist_ok=True)
    for image_id, origin in PHOTOS.items():
        shutil.copyfile(origin, HERE / "images" / image_name(image_id))


if __name__ == "__main__":
    main(sys.argv[1:])
