"""Every reader on real files (tests/data/real/shards/, see its MANIFEST.md): every record accounted, and
what is read agrees with an independent reader (webdataset's own tar iterator, Hugging Face `datasets`,
pyarrow)."""

import io
import tarfile
from collections import Counter
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest
from webdataset.tariterators import group_by_keys, tar_file_expander

import schemas
from capfilt.ingest.rows import detect_format as ingest_format
from capfilt.ingest.url_lists import UrlRow, read_url_list
from capfilt.readers import read_all

REAL = Path(__file__).parents[1] / "data" / "real" / "shards"
DERIVED = REAL / "derived"


def split(results):
    records = [r for r in results if not isinstance(r, schemas.Reject)]
    rejects = [r for r in results if isinstance(r, schemas.Reject)]
    return records, rejects


def webdataset_samples(path: Path) -> list[dict]:
    """The samples webdataset itself reads from a shard (its `__key__` and members)."""
    with open(path, "rb") as stream:
        return list(group_by_keys(tar_file_expander([{"stream": stream, "url": str(path)}])))


@pytest.mark.parametrize("name", ["webdataset/sample.tgz", "webdataset/compressed.tar"])
def test_webdatasets_own_test_shards_every_sample_accounted_under_webdatasets_keys(name):
    results = list(read_all(str(REAL / name)))
    expected = webdataset_samples(REAL / name)
    assert [r["key"] if isinstance(r, dict) else r.key for r in results] == [s["__key__"] for s in expected]
    # These shards hold class labels (.cls) or gzipped text without images: no pair, each one a reject.
    records, rejects = split(results)
    assert not records
    assert {r.reason for r in rejects} == {"missing_caption" if name.endswith("tgz") else "missing_image"}


@pytest.mark.parametrize("name", ["digits.tar", "digits.tar.gz"])
def test_a_captioned_shard_with_repeated_file_names_in_two_folders(name):
    records, rejects = split(list(read_all(str(DERIVED / name))))
    expected = webdataset_samples(DERIVED / name)
    assert not rejects and len(records) == 20 == len({r["key"] for r in records})
    for record, sample in zip(records, expected, strict=True):
        assert record["key"] == sample["__key__"]  # a/10 and b/10 are two samples
        assert record["image"]["bytes"] == sample["png"]
        assert record["caption"] == sample["txt"].decode()
        assert record["url"].endswith(f"{record['key']}.png")
    schemas.to_table(records, schemas.PAIRS)


def test_damaged_shards_say_what_tarfile_silently_loses_or_corrupts():
    def tarfile_count(path):
        with tarfile.open(path) as tar:  # what a reader built on tarfile gets, without a word
            return len([m for m in tar if m.isfile()]) // 3

    truncated = DERIVED / "digits-truncated.tar.gz"
    records, rejects = split(list(read_all(str(truncated))))
    with pytest.raises(EOFError):
        tarfile_count(truncated)  # (tarfile at least raises here, after yielding the first samples)
    assert len(records) == 11 and [(r.key, r.reason) for r in rejects] == [("b/11", "truncated_shard")]

    header = DERIVED / "digits-bad-header.tar"
    records, rejects = split(list(read_all(str(header))))
    assert tarfile_count(header) == 10  # stops at the damaged header as if the shard ended there
    assert len(records) == 10 and [(r.key, r.reason) for r in rejects] == [("b/10", "corrupt_shard")]
    assert "bad checksum" in rejects[0].detail

    crc = DERIVED / "digits-crc.tar.gz"
    assert tarfile_count(crc) == 20  # every sample, one of them with a flipped bit: the gzip CRC says so
    records, rejects = split(list(read_all(str(crc))))
    assert not records and Counter(r.reason for r in rejects) == {"corrupt_shard": 20}
    assert len({r.key for r in rejects}) == 20


@pytest.mark.parametrize("folder", ["photos-hf", "photos-hf-saved"])
def test_hugging_face_exports_of_real_photos_read_as_datasets_reads_them(folder, tmp_path):
    records, rejects = split(list(read_all(str(DERIVED / folder))))
    files = schemas.expand(str(DERIVED / folder))
    builder = "arrow" if files[0].endswith(".arrow") else "parquet"
    loaded = datasets.load_dataset(builder, data_files=files, split="train", cache_dir=str(tmp_path))
    assert not rejects and len(records) == len(loaded) == 5
    for record, row in zip(records, loaded.cast_column("image", datasets.Image(decode=False)), strict=True):
        assert record["caption"] == row["text"] and record["image"]["bytes"] == row["image"]["bytes"]
    assert len({r["key"] for r in records}) == 5


def test_img2dataset_output_folder_reads_its_tar_not_its_metadata_parquet():
    records, rejects = split(list(read_all(str(DERIVED / "photos-img2dataset"))))
    metadata = pq.read_table(DERIVED / "photos-img2dataset" / "00000.parquet").to_pylist()
    assert not rejects and [r["key"] for r in records] == [m["key"] for m in metadata]
    assert [r["caption"] for r in records] == [m["caption"] for m in metadata]
    assert all(r["image"]["bytes"][:2] == b"\xff\xd8" for r in records)


@pytest.mark.parametrize(
    ("name", "url_column", "text_column"),
    [("test_1000.parquet", "URL", "TEXT"), ("sample_image.parquet", "url", "txt")],
)
def test_laion_style_metadata_parquet_is_a_url_list_with_its_columns_found(name, url_column, text_column):
    path = str(REAL / "img2dataset" / name)
    assert ingest_format(path) == "urls"
    rows = list(read_url_list(path))
    table = pq.read_table(path).to_pydict()
    assert all(isinstance(r, UrlRow) for r in rows) and len(rows) == len(table[url_column])
    assert [r.url for r in rows] == [u.strip() for u in table[url_column]]
    assert [r.caption for r in rows] == [(t.strip() or None) if t else None for t in table[text_column]]


def test_real_photos_are_the_bytes_committed():
    # The derived exports wrap the committed photos unchanged (no re-encoding).
    photos = {p.stem: p.read_bytes() for p in (REAL / "img2dataset" / "resize_test_image").glob("*.jpg")}
    records, _ = split(list(read_all(str(DERIVED / "photos-hf"))))
    assert sorted(r["image"]["bytes"] for r in records) == sorted(photos.values())
    assert io.BytesIO(records[0]["image"]["bytes"]).read(2) == b"\xff\xd8"
