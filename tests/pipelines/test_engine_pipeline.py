"""The Beam job writes the same corpus with the engine as with the transformers reference engine."""

import glob
import os

import pytest

import schemas
from pipelines import capfilt as job
from tests.helpers.worlds import WEB_ONLY, build_world

FLAGS = ["--num_captions", "3", "--min_length", "5", "--max_length", "14", "--report_samples", "0"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("engine-pipeline")
    build_world(root / "world", web=12, image_size=64, **WEB_ONLY)
    return {"root": root, "input": str(root / "world" / "web" / "*.parquet"), **tiny_blip}


def rows_by_key(setup, engine, batch_size):
    output = str(setup["root"] / f"{engine}-{batch_size}")
    argv = [
        "--input",
        setup["input"],
        "--output",
        output,
        "--engine",
        engine,
        "--batch_size",
        str(batch_size),
    ]
    job.run([*argv, "--captioner", setup["captioner"], "--filter", setup["filter"], *FLAGS])
    files = glob.glob(os.path.join(output, "curated", "*.parquet"))
    files += glob.glob(os.path.join(output, "dropped", "*.parquet"))
    rows = [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]
    return {row["key"]: row for row in rows}


def test_engine_and_reference_write_the_same_corpus(setup):
    reference = rows_by_key(setup, "transformers", 4)
    ours = rows_by_key(setup, "fast", 5)
    assert ours.keys() == reference.keys() and len(ours) == 12
    for key, row in reference.items():
        assert [s["text"] for s in ours[key]["synthetic"]] == [s["text"] for s in row["synthetic"]]
        assert [s["kept"] for s in ours[key]["synthetic"]] == [s["kept"] for s in row["synthetic"]]
        got = [ours[key]["web_score"], *(s["score"] for s in ours[key]["synthetic"])]
        want = [row["web_score"], *(s["score"] for s in row["synthetic"])]
        assert got == pytest.approx(want, abs=1e-5)
        assert ours[key]["web_kept"] == row["web_kept"]
