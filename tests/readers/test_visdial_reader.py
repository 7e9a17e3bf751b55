"""The VisDial v1.0 JSON reader: rounds resolved from the shared question/answer lists, images from a folder
or from pairs Parquet by their numeric id, the test split's partial last round, and one reject per bad
dialog. The JSON is written here in VisDial v1.0's layout; test_visdial_real.py reads a real sample."""

from __future__ import annotations

import json

import pytest

import schemas
from capfilt.readers.visdial import ConvertSettings, convert, image_number, read_visdial
from schemas import Reject, SchemaError
from tests.helpers.blip_data import png


def visdial_document(split="val2018"):
    questions = ["is it red?", "how many?", "is it big?"]
    answers = ["yes", "no", "two", "one", "maybe"]
    good = {
        "image_id": 185565,
        "caption": "a red ball on grass",
        "dialog": [
            {"question": 0, "answer": 0, "answer_options": [1, 0, 4], "gt_index": 1},
            {"question": 1, "answer": 2, "answer_options": [2, 3, 4], "gt_index": 0},
        ],
    }
    last_round_only = {  # the test split: options only in the last round, no answer there
        "image_id": 7,
        "caption": "two dogs",
        "dialog": [{"question": 1, "answer": 2}, {"question": 2, "answer_options": [0, 1]}],
    }
    bad_index = {"image_id": 185565, "caption": "x", "dialog": [{"question": 9, "answer": 0}]}
    missing = {"image_id": 42, "caption": "y", "dialog": [{"question": 0, "answer": 1}]}
    undecodable = {"image_id": 8, "caption": "z", "dialog": [{"question": 0, "answer": 1}]}
    dialogs = [good, last_round_only, bad_index, missing, undecodable]
    return {
        "version": "1.0",
        "split": split,
        "data": {"questions": questions, "answers": answers, "dialogs": dialogs},
    }


@pytest.fixture
def files(tmp_path):
    path = tmp_path / "visdial_1.0_val.json"
    path.write_text(json.dumps(visdial_document()))
    folder = tmp_path / "VisualDialog_val2018"
    folder.mkdir()
    (folder / "VisualDialog_val2018_000000185565.jpg").write_bytes(png((200, 0, 0)))
    (folder / "VisualDialog_val2018_000000000007.jpg").write_bytes(png((0, 200, 0)))
    (folder / "VisualDialog_val2018_000000000008.jpg").write_bytes(b"not an image")
    return str(path), str(folder)


def test_image_numbers_come_from_the_end_of_names():
    assert image_number("dir/COCO_train2014_000000000009.jpg") == 9
    assert image_number("https://x.invalid/VisualDialog_val2018_000000185565.jpg") == 185565
    assert image_number("visdial-185565") == 185565 and image_number("no-digits.jpg") is None


def test_rows_from_a_folder_and_one_reject_per_bad_dialog(files):
    json_path, folder = files
    items = list(read_visdial(json_path, folder))
    rows = [i for i in items if not isinstance(i, Reject)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(items) == 5  # nothing lost: one item per dialog
    assert [r["key"] for r in rows] == ["visdial-val2018-185565", "visdial-val2018-7"]
    first = rows[0]["rounds"]
    assert first[0] == {
        "question": "is it red?",
        "answer": "yes",
        "options": ["no", "yes", "maybe"],
        "gt_index": 1,
    }
    assert first[1]["options"][first[1]["gt_index"]] == first[1]["answer"] == "two"
    test_round = rows[1]["rounds"][1]
    assert test_round == {
        "question": "is it big?",
        "answer": None,
        "options": ["yes", "no"],
        "gt_index": None,
    }
    assert [(r.key, r.stage, r.reason) for r in rejects] == [
        ("visdial-val2018-185565", "visdial", "bad_index"),
        ("visdial-val2018-42", "visdial", "image_missing"),
        ("visdial-val2018-8", "visdial", "image_undecodable"),
    ]
    assert list(read_visdial(json_path, folder)) == items  # deterministic, rejects included


def test_images_from_pairs_parquet_and_the_converted_table(files, tmp_path):
    json_path, _ = files
    pairs = [
        {"key": "coco-185565", "url": None, "image": {"bytes": png((1, 2, 3)), "path": None}},
        {
            "key": "other",
            "url": "https://x.invalid/VisualDialog_val2018_000000000007.jpg",
            "image": {"bytes": png((3, 2, 1)), "path": None},
        },
    ]
    parquet = schemas.write_table(pairs, schemas.PAIRS, str(tmp_path / "pairs.parquet"))
    summary = convert(ConvertSettings(json=json_path, images=parquet, output=str(tmp_path / "out")))
    assert summary["dialogs"] == 2 and summary["rejects"] == 3
    table = schemas.read_table(str(tmp_path / "out/visdial/part-00000.parquet"), schemas.VISDIAL)
    assert (
        schemas.schema_name(schemas.read_schema(str(tmp_path / "out/visdial/part-00000.parquet")))
        == "visdial"
    )
    assert table.column("image").to_pylist()[0]["bytes"] == png((1, 2, 3))
    reasons = schemas.read_table(str(tmp_path / "out/rejects/part-00000.parquet"), schemas.REJECTS)
    assert reasons.column("reason").to_pylist() == ["bad_index", "image_missing", "image_missing"]


def test_a_file_that_is_not_visdial_is_one_error_naming_it(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"annotations": []}))
    with pytest.raises(SchemaError, match="other.json: not VisDial v1.0 JSON"):
        list(read_visdial(str(path), str(tmp_path)))
