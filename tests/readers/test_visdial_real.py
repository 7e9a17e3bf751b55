"""capfilt.readers.visdial on a real VisDial v1.0 sample (tests/data/real/visdial/: four val2018 dialogs in
VisDial's JSON layout, 100 options a round, with real photos under the release's image names), through the
function, through `python -m capfilt.readers.visdial`, and into the training loader and the ranking of
`models.evaluate visdial`: every dialog kept or a reject."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from transformers import BlipImageProcessor

import schemas
from capfilt.readers.visdial import read_visdial
from models import evaluate
from models.blip.visdial_task import ParquetVisDial
from models.training.transforms import ImageTransform
from tests.helpers.cli_process import cli

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "real" / "visdial"
JSON = SAMPLE / "visdial_1.0_val_sample.json"
IMAGES = SAMPLE / "images"
DOCUMENT = json.loads(JSON.read_text(encoding="utf-8"))
# What the committed images make of the four dialogs (tests/data/real/visdial/make_sample.py).
KEPT = ["visdial-val2018-239030", "visdial-val2018-209271"]
REJECTED = {
    "visdial-val2018-560666": ("image_undecodable", "truncated_image: JPEG: Premature end of JPEG file"),
    "visdial-val2018-361734": ("image_missing", "no image with id 361734 in IMAGES"),
}


def expected_rounds(dialog: dict) -> list[dict]:
    """The dialog's rounds resolved by hand from the JSON's shared lists."""
    questions, answers = DOCUMENT["data"]["questions"], DOCUMENT["data"]["answers"]
    return [
        {
            "question": questions[turn["question"]],
            "answer": answers[turn["answer"]],
            "options": [answers[i] for i in turn["answer_options"]],
            "gt_index": turn["gt_index"],
        }
        for turn in dialog["dialog"]
    ]


def check_rows(rows: list[dict]) -> None:
    by_key = {f"visdial-val2018-{d['image_id']}": d for d in DOCUMENT["data"]["dialogs"]}
    assert [row["key"] for row in rows] == KEPT  # in file order
    for row in rows:
        dialog = by_key[row["key"]]
        assert (row["image_id"], row["caption"]) == (str(dialog["image_id"]), dialog["caption"])
        assert row["source"] == "visdial:val2018"
        assert row["rounds"] == expected_rounds(dialog)
        assert len(row["rounds"]) == 10 and all(len(r["options"]) == 100 for r in row["rounds"])
        assert all(r["options"][r["gt_index"]] == r["answer"] for r in row["rounds"])
        photo = IMAGES / f"VisualDialog_val2018_{dialog['image_id']:012d}.jpg"
        assert row["image"]["bytes"] == photo.read_bytes()


def rejects_of(items) -> dict:
    return {
        r.key: (r.reason, r.detail.replace(str(IMAGES), "IMAGES"))
        for r in items
        if isinstance(r, schemas.Reject)
    }


def test_the_real_sample_through_the_function():
    items = list(read_visdial(str(JSON), str(IMAGES)))
    assert len(items) == len(DOCUMENT["data"]["dialogs"]) == 4  # one item per dialog: nothing lost
    check_rows([item for item in items if not isinstance(item, schemas.Reject)])
    assert rejects_of(items) == REJECTED
    assert {r.stage for r in items if isinstance(r, schemas.Reject)} == {"visdial"}


def test_the_real_sample_through_the_command_line(tmp_path):
    out = tmp_path / "vd"
    done = cli("capfilt.readers.visdial", "--json", str(JSON), "--images", str(IMAGES), "--output", str(out))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary == {"dialogs": 2, "rejects": 2, "output": str(out)}
    check_rows(schemas.read_table(str(out / "visdial" / "part-00000.parquet"), schemas.VISDIAL).to_pylist())
    rejects = schemas.read_table(str(out / "rejects" / "part-00000.parquet"), schemas.REJECTS).to_pylist()
    assert {r["key"]: (r["reason"], r["detail"].replace(str(IMAGES), "IMAGES")) for r in rejects} == REJECTED


def test_the_converted_sample_feeds_training_and_ranking(tmp_path, tiny_blip):
    """The rows the reader wrote: training samples from real rounds, and every round ranked."""
    path = str(tmp_path / "visdial.parquet")
    rows = [i for i in read_visdial(str(JSON), str(IMAGES)) if not isinstance(i, schemas.Reject)]
    schemas.write_table(rows, schemas.VISDIAL, path)
    transform = ImageTransform(BlipImageProcessor(size={"height": 32, "width": 32}))
    samples = list(ParquetVisDial([path], transform, negatives=3, repeat=False))
    assert sorted(s["key"].split("#")[0] for s in samples) == sorted(KEPT)  # shuffled, none lost
    by_key = {row["key"]: row for row in rows}
    for sample in samples:
        row = by_key[sample["key"].split("#")[0]]
        index = int(sample["key"].split("#")[1])
        right = row["rounds"][index]
        assert sample["candidates"][0] == right["answer"] and len(set(sample["candidates"])) == 4
        assert set(sample["candidates"][1:]) <= set(right["options"])
        assert sample["turn"].caption == row["caption"] and sample["turn"].question == right["question"]
        assert len(sample["turn"].history) == index and sample["pixel_values"].shape == (3, 32, 32)
    result = evaluate.main(["visdial", "--checkpoint", tiny_blip["filter"], "--data", path])
    assert (result["dialogs"], result["rounds"], result["skipped"]) == (2, 20, 0)
    assert 1 <= result["mean_rank"] <= 100 and 0 < result["mrr"] <= 100


def test_make_sample_rebuilds_the_committed_images():
    spec = importlib.util.spec_from_file_location("visdial_make_sample", SAMPLE / "make_sample.py")
    make_sample = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_sample)
    names = {make_sample.image_name(i): origin for i, origin in make_sample.PHOTOS.items()}
    assert sorted(names) == sorted(path.name for path in IMAGES.iterdir())
    for name, origin in names.items():
        assert (IMAGES / name).read_bytes() == origin.read_bytes(), name
    # The committed JSON is its own subset: cutting it again changes nothing.
    assert make_sample.subset(DOCUMENT, make_sample.DIALOGS) == DOCUMENT
