"""A folder is accepted wherever a glob is: each job's output, and Hugging Face dataset folders, read as
their main table; rejects, stats and staging are never read as data."""

import json
import os
from pathlib import Path

import datasets
import pytest

import schemas
from capfilt.readers import SUFFIXES as READER_SUFFIXES
from tests.helpers.images import jpeg_bytes
from tests.helpers.schema_rows import curated_row, pair


def touch(path: Path, data: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def names(paths: list[str], root: Path) -> list[str]:
    return [os.path.relpath(p, root) for p in paths]


def test_an_ingest_output_folder_reads_as_its_pairs_in_both_layouts(tmp_path):
    new = tmp_path / "new"
    for name in ("pairs/pairs-00000-of-00002.parquet", "pairs/pairs-00001-of-00002.parquet"):
        schemas.write_table([pair()], schemas.PAIRS, str(new / name))
    schemas.write_table([], schemas.REJECTS, str(new / "rejects" / "rejects-00000-of-00001.parquet"))
    touch(new / "stats.json", b"{}")
    touch(new / "report.html")
    touch(new / "_inprogress-1234" / "pairs" / "pairs-00000-of-00001.parquet")
    assert names(schemas.expand(str(new)), new) == [
        "pairs/pairs-00000-of-00002.parquet",
        "pairs/pairs-00001-of-00002.parquet",
    ]
    old = tmp_path / "old"  # ingest's first layout: everything side by side
    schemas.write_table([pair()], schemas.PAIRS, str(old / "pairs-00000-of-00001.parquet"))
    schemas.write_table([], schemas.REJECTS, str(old / "rejects-00000-of-00001.parquet"))
    touch(old / "stats.json", b"{}")
    assert names(schemas.expand(f"{old}/"), old) == ["pairs-00000-of-00001.parquet"]


def test_a_capfilt_output_folder_reads_as_its_curated_table(tmp_path):
    for kind in ("curated", "dropped"):
        schemas.write_table(
            [curated_row()], schemas.CURATED, str(tmp_path / kind / "part-00000-of-00001.parquet")
        )
    schemas.write_table([], schemas.REJECTS, str(tmp_path / "rejects" / "part-00000-of-00001.parquet"))
    touch(tmp_path / "stats.json", b"{}")
    assert names(schemas.expand(str(tmp_path)), tmp_path) == ["curated/part-00000-of-00001.parquet"]
    # A wildcard over the folder never picks up rejects/, dropped/ or staging; naming one does.
    touch(tmp_path / "_inprogress-1" / "x.parquet")
    assert names(schemas.expand(f"{tmp_path}/*/*.parquet"), tmp_path) == [
        "curated/part-00000-of-00001.parquet"
    ]
    assert names(schemas.expand(f"{tmp_path}/dropped/*.parquet"), tmp_path) == [
        "dropped/part-00000-of-00001.parquet"
    ]


def hf_dataset():
    table = {"image": [{"bytes": jpeg_bytes(), "path": "a.jpg"}] * 2, "text": ["a red square", "a red box"]}
    return datasets.Dataset.from_dict(table).cast_column("image", datasets.Image())


def test_hugging_face_folders_read_as_their_data_files(tmp_path):
    dataset = hf_dataset()
    dataset.save_to_disk(str(tmp_path / "saved"), num_shards=2)
    assert names(schemas.expand(str(tmp_path / "saved")), tmp_path) == [
        "saved/data-00000-of-00002.arrow",
        "saved/data-00001-of-00002.arrow",
    ]
    datasets.DatasetDict({"train": dataset, "test": dataset}).save_to_disk(str(tmp_path / "dict"))
    with pytest.raises(ValueError, match=r"dict holds several splits \(test, train\); pass the one to read"):
        schemas.expand(str(tmp_path / "dict"))
    datasets.DatasetDict({"train": dataset}).save_to_disk(str(tmp_path / "one"))
    assert names(schemas.expand(str(tmp_path / "one")), tmp_path) == ["one/train/data-00000-of-00001.arrow"]

    hub = tmp_path / "hub"  # what push_to_hub writes (and a download of it holds)
    dataset.to_parquet(str(touch(hub / "data" / "train-00000-of-00001.parquet")))
    touch(hub / "README.md")
    assert names(schemas.expand(str(hub)), tmp_path) == ["hub/data/train-00000-of-00001.parquet"]
    dataset.to_parquet(str(hub / "data" / "test-00000-of-00001.parquet"))
    with pytest.raises(ValueError, match=r"several splits \(test, train\).*hub/data/test-\*"):
        schemas.expand(str(hub))


def test_a_plain_folder_reads_its_data_files_and_names_what_it_holds_when_it_has_none(tmp_path):
    img2dataset = tmp_path / "img2dataset"  # webdataset output: shards with a metadata Parquet each
    for stem in ("00000", "00001"):
        touch(img2dataset / f"{stem}.tar")
        touch(img2dataset / f"{stem}.parquet")
        touch(img2dataset / f"{stem}_stats.json", json.dumps({"count": 1}).encode())
    assert names(schemas.expand(str(img2dataset), READER_SUFFIXES), img2dataset) == ["00000.tar", "00001.tar"]
    # The models read Parquet only: the metadata files are still not data.
    with pytest.raises(FileNotFoundError, match=r"no data files \(\.parquet, \.arrow\)"):
        schemas.expand(str(img2dataset))

    world = tmp_path / "world"
    for split in ("web", "human", "labels"):
        touch(world / split / "part-0.parquet")
    with pytest.raises(FileNotFoundError, match=r"world: no data files .*its folders: human, labels, web"):
        schemas.expand(str(world))


def test_globs_and_lists_list_each_file_once_in_order(tmp_path):
    for name in ("b.parquet", "a.parquet", ".hidden.parquet", "_SUCCESS.parquet"):
        touch(tmp_path / name)
    found = schemas.expand(f"{tmp_path}/*.parquet,{tmp_path}/a.parquet,{tmp_path}/_SUCCESS.parquet")
    # A wildcard skips hidden and staging names; naming one explicitly reads it.
    assert names(found, tmp_path) == ["a.parquet", "b.parquet", "_SUCCESS.parquet"]
    with pytest.raises(FileNotFoundError, match="no data file matches"):
        schemas.expand(f"{tmp_path}/_*")
