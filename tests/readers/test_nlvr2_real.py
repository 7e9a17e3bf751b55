"""capfilt.readers.nlvr2 on a real NLVR2 JSONL sample (tests/data/real/nlvr2/: eight dev lines as NLVR2
ships them, with real photos under NLVR2's image names, JPEG bytes in ".png" files), through the function,
through `python -m capfilt.readers.nlvr2`, and into the training loader: every line kept or a reject."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import schemas
from capfilt.readers import nlvr2
from models.blip.nlvr2_data import decode_pair
from schemas.nlvr2 import NLVR2

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "real" / "nlvr2"
JSONL = SAMPLE / "dev.json"
IMAGES = SAMPLE / "images"
LINES = [json.loads(line) for line in JSONL.read_text(encoding="utf-8").splitlines()]
# What the committed images make of the eight lines (tests/data/real/nlvr2/make_derived.py).
KEPT = ["dev-850-0-0", "dev-850-1-0", "dev-850-1-1", "dev-850-0-1"]
REJECTED = {
    "dev-850-2-0": ("truncated_image", "dev.json:2: image dev-850-2-img1: JPEG: Premature end of JPEG file"),
    "dev-850-3-0": ("missing_image", "dev.json:3: no image dev-850-3-img0, dev-850-3-img1"),
    "dev-850-3-1": ("missing_image", "dev.json:7: no image dev-850-3-img0, dev-850-3-img1"),
    "dev-850-2-1": ("truncated_image", "dev.json:8: image dev-850-2-img1: JPEG: Premature end of JPEG file"),
}


def check_rows(rows: list[dict]) -> None:
    """The kept rows are the sample's lines, field for field, with the committed image bytes."""
    by_id = {line["identifier"]: line for line in LINES}
    assert [row["key"] for row in rows] == KEPT  # in file order
    for row in rows:
        line = by_id[row["key"]]
        assert row["statement"] == line["sentence"] and row["label"] is (line["label"] == "True")
        assert (row["split"], row["source"]) == ("dev", "nlvr2")
        for side, image_key in (("left", "img0"), ("right", "img1")):
            name = row["key"].rsplit("-", 1)[0] + f"-{image_key}"
            assert row[f"{side}_key"] == name
            assert row[f"{side}_image"] == {
                "bytes": (IMAGES / f"{name}.png").read_bytes(),
                "path": f"{name}.png",
            }
        left, right = decode_pair(row)  # what models.finetune nlvr2 decodes
        assert left is not None and right is not None


def test_the_real_sample_through_the_function():
    items = list(nlvr2.read_nlvr2_jsonl(str(JSONL), nlvr2.image_source(str(IMAGES))))
    assert len(items) == len(LINES) == 8  # one item per line: nothing lost
    rows = [item for item in items if not isinstance(item, schemas.Reject)]
    rejects = {
        r.key: (r.reason, r.detail.removeprefix(str(SAMPLE) + "/"))
        for r in items
        if isinstance(r, schemas.Reject)
    }
    check_rows(rows)
    assert rejects == REJECTED
    assert sorted(KEPT + list(rejects)) == sorted(line["identifier"] for line in LINES)
    assert (IMAGES / "dev-850-0-img0.png").read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG named .png, kept
    schemas.to_table(rows, NLVR2)


def test_the_real_sample_through_the_command_line(tmp_path):
    out = tmp_path / "dev.parquet"
    done = subprocess.run(
        [sys.executable, "-m", "capfilt.readers.nlvr2", "--jsonl", str(JSONL), "--images", str(IMAGES)]
        + ["--output", str(out)],
        cwd=REPO,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
        capture_output=True,
        text=True,
        timeout=120,  # an upper bound on a busy machine: the run takes a few seconds
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary == {
        "examples": 4,
        "rejects": 4,
        "output": str(out),
        "rejects_file": str(tmp_path / "dev.rejects.parquet"),
    }
    check_rows(schemas.read_table(str(out), NLVR2).to_pylist())
    rejects = schemas.read_table(summary["rejects_file"], schemas.REJECTS).to_pylist()
    assert {r["key"]: (r["reason"], r["detail"].removeprefix(str(SAMPLE) + "/")) for r in rejects} == REJECTED
    assert {r["stage"] for r in rejects} == {"read"}


def test_the_real_sample_with_its_images_in_a_pairs_table(tmp_path):
    """The same photos in a `pairs` table keyed by image name: the same rows and rejects."""
    pairs = [
        {"key": path.stem, "image": {"bytes": path.read_bytes(), "path": None}}
        for path in sorted(IMAGES.glob("*.png"))
    ]
    schemas.write_table(pairs, schemas.PAIRS, str(tmp_path / "pairs.parquet"))
    items = list(nlvr2.read_nlvr2_jsonl(str(JSONL), nlvr2.image_source(str(tmp_path / "*.parquet"))))
    rows = [item for item in items if not isinstance(item, schemas.Reject)]
    assert [row["key"] for row in rows] == KEPT
    assert {r.key: r.reason for r in items if isinstance(r, schemas.Reject)} == {
        k: v[0] for k, v in REJECTED.items()
    }


def test_make_derived_rebuilds_the_committed_images():
    spec = importlib.util.spec_from_file_location("nlvr2_make_derived", SAMPLE / "make_derived.py")
    make_derived = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_derived)
    assert sorted(make_derived.COPIES) == sorted(path.name for path in IMAGES.iterdir())
    for name, origin in make_derived.COPIES.items():
        assert (IMAGES / name).read_bytes() == origin.read_bytes(), name
