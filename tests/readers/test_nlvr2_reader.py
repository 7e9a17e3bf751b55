"""NLVR2's JSONL to nlvr2 rows: images from a folder (NLVR2's layout) or from pairs tables; every bad line
a reject naming it."""

import json

import pytest

import schemas
from capfilt.readers import nlvr2
from schemas.nlvr2 import NLVR2
from tests.helpers.blip_data import COLORS, png

# Lines in NLVR2's own format (fields as in lil-lab/nlvr nlvr2/data/dev.json).
GOOD = [
    {"identifier": "dev-850-0-0", "sentence": "One image has a red thing.", "label": "True", "synset": "x"},
    {"identifier": "dev-850-0-1", "sentence": "Both images are blue.", "label": "False"},
    {"identifier": "train-10-1-0", "sentence": "The left one is green.", "label": "True", "directory": 3},
]


def write_jsonl(path, lines):
    path.write_bytes(
        b"".join(
            (
                line
                if isinstance(line, bytes)
                else (line if isinstance(line, str) else json.dumps(line)).encode()
            )
            + b"\n"
            for line in lines
        )
    )
    return str(path)


@pytest.fixture
def folder(tmp_path):
    images = tmp_path / "images"
    (images / "3").mkdir(parents=True)
    for name, color in (("dev-850-0-img0", "red"), ("dev-850-0-img1", "blue")):
        (images / f"{name}.png").write_bytes(png(COLORS[color]))
    for name in ("train-10-1-img0", "train-10-1-img1"):  # train images sit in numbered subfolders
        (images / "3" / f"{name}.png").write_bytes(png(COLORS["green"]))
    return images


def test_folder_images_and_every_bad_line_a_reject(tmp_path, folder):
    lines = GOOD + [
        "{not json",
        {"identifier": "dev-1-0-0", "label": "True"},
        {"identifier": "dev-850-0-2", "sentence": "s", "label": "maybe"},
        {"identifier": "dev-999-0-0", "sentence": "s", "label": "False"},
        {"identifier": "dev-850-0-3", "sentence": "  ", "label": "True"},  # an empty sentence
        b'{"identifier": "dev-850-0-4", "sentence": "caf\xe9", "label": "True"}',  # Latin-1, not UTF-8
        {"identifier": 42, "sentence": "s", "label": "True"},
    ]
    source = write_jsonl(tmp_path / "dev.json", lines)
    items = list(nlvr2.read_nlvr2_jsonl(source, nlvr2.image_source(str(folder))))
    rows = [i for i in items if not isinstance(i, schemas.Reject)]
    rejects = [i for i in items if isinstance(i, schemas.Reject)]
    assert [r["key"] for r in rows] == ["dev-850-0-0", "dev-850-0-1", "train-10-1-0"]
    assert [r["label"] for r in rows] == [True, False, True]
    assert rows[0]["left_image"]["bytes"] == png(COLORS["red"]) and rows[0]["right_image"]["bytes"] == png(
        COLORS["blue"]
    )
    assert rows[2]["split"] == "train" and rows[2]["left_key"] == "train-10-1-img0"
    assert [(r.reason, r.detail.split(": ")[0]) for r in rejects] == [
        ("bad_json", f"{source}:4"),
        ("missing_field", f"{source}:5"),
        ("bad_label", f"{source}:6"),
        ("missing_image", f"{source}:7"),
        ("missing_field", f"{source}:8"),
        ("bad_json", f"{source}:9"),
        ("missing_field", f"{source}:10"),
    ]
    assert "not UTF-8" in rejects[-2].detail and rejects[-1].key is None
    assert len(rows) + len(rejects) == len(lines)  # nothing lost
    schemas.to_table(rows, NLVR2)  # rows conform to the schema


def test_images_from_a_pairs_table_and_the_command_line(tmp_path, capsys):
    rows = [
        {"key": "dev-850-0-img0", "image": {"bytes": png(COLORS["red"]), "path": None}},
        {"key": "k2", "image": {"bytes": png(COLORS["blue"]), "path": "shards/dev-850-0-img1.png"}},
    ]
    pairs = str(tmp_path / "pairs.parquet")
    schemas.write_table(rows, schemas.PAIRS, pairs)
    source = write_jsonl(
        tmp_path / "dev.json", GOOD[:1] + [{"identifier": "dev-7-0-0", "sentence": "s", "label": "True"}]
    )
    out = str(tmp_path / "dev.parquet")
    summary = nlvr2.main(["--jsonl", source, "--images", pairs, "--output", out])
    assert summary["examples"] == 1 and summary["rejects"] == 1
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == summary
    (row,) = schemas.read_table(out, NLVR2).to_pylist()
    assert row["right_image"]["bytes"] == png(COLORS["blue"])
    (reject,) = schemas.read_table(summary["rejects_file"], schemas.REJECTS).to_pylist()
    assert reject["key"] == "dev-7-0-0" and reject["reason"] == "missing_image"


def test_a_missing_images_folder_is_one_line(tmp_path, capsys):
    source = write_jsonl(tmp_path / "dev.json", GOOD[:1])
    with pytest.raises(SystemExit) as exit_info:
        nlvr2.main(
            [
                "--jsonl",
                source,
                "--images",
                str(tmp_path / "nowhere"),
                "--output",
                str(tmp_path / "o.parquet"),
            ]
        )
    assert exit_info.value.code == 2
    assert (
        capsys.readouterr().err.strip()
        == f"python -m capfilt.readers.nlvr2: error: --images {tmp_path / 'nowhere'}: not a folder"
    )
