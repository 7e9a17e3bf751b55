"""Readers: img2dataset Parquet, WebDataset tars and pairs Parquet become `pairs` records or rejects.

The img2dataset fixtures are written by img2dataset's own sample writers, so the layout is the real one.
"""

import io
import tarfile

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from img2dataset.writer import ParquetSampleWriter, WebDatasetSampleWriter

import schemas
from capfilt.readers import detect_format, read_all, read_pairs
from tests.images import jpeg_bytes, png_bytes
from tests.test_schemas import pair

# The metadata schema img2dataset's downloader builds from a url list with a caption column.
IMG2DATASET_META = pa.schema(
    [
        ("url", pa.string()),
        ("caption", pa.string()),
        ("key", pa.string()),
        ("status", pa.string()),
        ("error_message", pa.string()),
        ("width", pa.int32()),
        ("height", pa.int32()),
        ("original_width", pa.int32()),
        ("original_height", pa.int32()),
        ("sha256", pa.string()),
    ]
)


def meta(key, caption, status="success", error=None, size=(16, 12)):
    return {
        "url": f"http://127.0.0.1/{key}.jpg",
        "caption": caption,
        "key": key,
        "status": status,
        "error_message": error,
        "width": size[0] if status == "success" else None,
        "height": size[1] if status == "success" else None,
        "original_width": 32 if status == "success" else None,
        "original_height": 24 if status == "success" else None,
        "sha256": None,
    }


SAMPLES = [
    (jpeg_bytes(), "000000000", "a red square", "success", None),
    (None, "000000001", "a blue circle", "failed_to_download", "HTTP Error 404: Not Found"),
    (jpeg_bytes((0, 200, 0)), "000000002", "", "success", None),
    (jpeg_bytes((0, 0, 200)), "000000003", "a blue square", "success", None),
]


def write_img2dataset(writer_class, folder):
    writer = writer_class(0, str(folder), True, 5, IMG2DATASET_META, "jpg")
    for data, key, caption, status, error in SAMPLES:
        writer.write(data, key, caption, meta(key, caption, status, error))
    writer.close()


def split(results):
    records = [r for r in results if not isinstance(r, schemas.Reject)]
    rejects = [r for r in results if isinstance(r, schemas.Reject)]
    return records, rejects


def test_img2dataset_parquet_output_becomes_pairs_and_rejects(tmp_path):
    write_img2dataset(ParquetSampleWriter, tmp_path)
    path = str(tmp_path / "00000.parquet")
    assert detect_format(path) == "img2dataset"
    records, rejects = split(list(read_pairs(path)))
    assert [r["key"] for r in records] == ["000000000", "000000003"]
    assert records[0]["image"]["bytes"] == SAMPLES[0][0]
    assert records[0]["caption"] == "a red square"
    assert (records[0]["width"], records[0]["original_width"]) == (16, 32)
    assert records[0]["source"] == "img2dataset"
    assert {(r.key, r.stage, r.reason) for r in rejects} == {
        ("000000001", "read", "img2dataset_failed_to_download"),
        ("000000002", "read", "missing_caption"),
    }
    assert "404" in next(r.detail for r in rejects if r.key == "000000001")
    # Every record conforms to the pairs schema.
    schemas.to_table(records, schemas.PAIRS)


def test_webdataset_tar_from_img2dataset_becomes_pairs_and_rejects(tmp_path):
    write_img2dataset(WebDatasetSampleWriter, tmp_path)
    path = str(tmp_path / "00000.tar")
    assert detect_format(path) == "webdataset"
    records, rejects = split(list(read_pairs(path)))
    assert [r["key"] for r in records] == ["000000000", "000000003"]
    assert records[1]["image"]["bytes"] == SAMPLES[3][0]
    assert records[1]["url"] == "http://127.0.0.1/000000003.jpg"
    assert records[1]["sha256"] and len(records[1]["sha256"]) == 64
    # The failed download never reached the tar (img2dataset keeps it in its sidecar Parquet only).
    assert [(r.key, r.reason) for r in rejects] == [("000000002", "missing_caption")]
    schemas.to_table(records, schemas.PAIRS)


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def test_plain_webdataset_shard_with_png_text_only_and_broken_json(tmp_path):
    path = tmp_path / "shard.tar"
    with tarfile.open(path, "w") as tar:
        add(tar, "s/a.png", png_bytes())
        add(tar, "s/a.txt", b"a blue square")
        add(tar, "s/b.jpg", jpeg_bytes())
        add(tar, "s/b.json", b"{not json")
        add(tar, "s/c.txt", b"a caption without an image")
    records, rejects = split(list(read_pairs(str(path))))
    assert [(r["key"], r["caption"], r["image"]["path"]) for r in records] == [
        ("a", "a blue square", "a.png")
    ]
    assert [(r.key, r.reason) for r in rejects] == [("b", "bad_metadata"), ("c", "missing_image")]


def test_truncated_shard_keeps_earlier_samples_and_names_the_damage(tmp_path):
    path = tmp_path / "shard.tar"
    with tarfile.open(path, "w") as tar:
        add(tar, "a.jpg", jpeg_bytes())
        add(tar, "a.txt", b"a red square")
        add(tar, "b.jpg", jpeg_bytes(size=(200, 200)))
        add(tar, "b.txt", b"a big red square")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    records, rejects = split(list(read_pairs(str(path))))
    assert [r["key"] for r in records] == ["a"]
    assert [(r.reason, "shard.tar" in r.detail) for r in rejects] == [("corrupt_shard", True)]


def test_pairs_parquet_rows_missing_fields_become_rejects(tmp_path):
    path = str(tmp_path / "pairs.parquet")
    rows = [pair("ok"), pair("no-text", caption="  "), dict(pair("no-image"), image=None)]
    schemas.write_table(rows, schemas.PAIRS, path)
    assert detect_format(path) == "pairs"
    records, rejects = split(list(read_all(f"{tmp_path}/*.parquet")))
    assert [r["key"] for r in records] == ["ok"]
    assert [(r.key, r.reason) for r in rejects] == [
        ("no-text", "missing_caption"),
        ("no-image", "missing_image"),
    ]


def test_unrecognised_parquet_names_the_file(tmp_path):
    path = tmp_path / "urls.parquet"
    pq.write_table(pa.table({"url": ["http://127.0.0.1/a.jpg"], "caption": ["x"]}), path)
    with pytest.raises(schemas.SchemaError, match=r"urls\.parquet: neither a `pairs` file"):
        read_pairs(str(path))


def test_pairs_file_with_missing_column_names_file_and_column(tmp_path):
    path = tmp_path / "bad.parquet"
    table = schemas.to_table([pair()], schemas.PAIRS).drop_columns(["key"])
    pq.write_table(table, path)
    with pytest.raises(schemas.SchemaError, match=r"bad\.parquet: missing column 'key'"):
        list(read_pairs(str(path)))
