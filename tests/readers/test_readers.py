"""Readers: img2dataset Parquet, WebDataset tars, image-text tables and pairs/curated Parquet become typed
`pairs` records or rejects; a file that cannot be read becomes one reject naming it.

The img2dataset fixtures are written by img2dataset's own sample writers and the Hugging Face ones by
`datasets` itself, so the layouts are the real ones.
"""

import gzip
import io
import json
import tarfile

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from img2dataset.writer import ParquetSampleWriter, WebDatasetSampleWriter

import schemas
from capfilt.readers import detect_format, read_all, read_file, read_pairs
from capfilt.readers.failures import UnsupportedFile
from tests.helpers.images import jpeg_bytes, png_bytes
from tests.helpers.schema_rows import curated_row, pair

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


def reasons(rejects):
    return [(r.key, r.reason) for r in rejects]


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
    assert reasons(rejects) == [("000000002", "missing_caption")]
    schemas.to_table(records, schemas.PAIRS)


def add(tar, name, data):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def write_tar(path, members, fmt=tarfile.USTAR_FORMAT):
    with tarfile.open(path, "w", format=fmt) as tar:
        for name, data in members:
            add(tar, name, data)
    return str(path)


def test_webdataset_keys_keep_folders_and_images_of_every_web_format_are_accepted(tmp_path):
    gif, avif = io.BytesIO(), io.BytesIO()
    from PIL import Image

    Image.new("RGB", (8, 8), "red").save(gif, format="GIF")
    Image.new("RGB", (8, 8), "blue").save(avif, format="AVIF")
    path = write_tar(
        tmp_path / "shard.tar",
        [
            ("a/001.jpg", jpeg_bytes()),
            ("a/001.txt", b"a red square"),
            ("b/001.png", png_bytes()),
            ("b/001.txt", b"a blue square"),
            ("c/001.gif", gif.getvalue()),
            ("c/001.txt", b"a red gif"),
            ("./d/001.avif", avif.getvalue()),
            ("./d/001.seg.png", png_bytes()),  # an extra member of the same sample
            ("./d/001.txt", "\ufeffa blue avif".encode()),
            ("README", b"not a sample member"),
        ],
    )
    records, rejects = split(list(read_pairs(path)))
    assert not rejects
    assert [(r["key"], r["image"]["path"], r["caption"]) for r in records] == [
        ("a/001", "001.jpg", "a red square"),
        ("b/001", "001.png", "a blue square"),
        ("c/001", "001.gif", "a red gif"),
        ("d/001", "001.avif", "a blue avif"),
    ]


def test_webdataset_metadata_of_the_wrong_type_is_a_reject_naming_the_field(tmp_path):
    samples = [
        ("ok", {"url": "https://example.org/ok.jpg", "width": 16, "height": 12.0}),
        ("numeric-url", {"url": 12345}),
        ("numeric-caption", {"caption": 42}),
        ("text-width", {"width": "abc"}),
        ("negative-height", {"height": -3}),
        ("list", ["not", "an", "object"]),
        ("nan-width", {"width": float("nan"), "caption": "a red square in json"}),
    ]
    members = []
    for key, data in samples:
        members.append((f"{key}.jpg", jpeg_bytes()))
        if key not in ("numeric-caption", "nan-width"):
            members.append((f"{key}.txt", b"a red square"))
        members.append((f"{key}.json", json.dumps(data).encode()))
    members += [("latin1.jpg", jpeg_bytes()), ("latin1.txt", "caf\xe9".encode("latin-1"))]
    records, rejects = split(list(read_pairs(write_tar(tmp_path / "shard.tar", members))))
    assert [(r["key"], r["url"], r["width"], r["height"], r["caption"]) for r in records] == [
        ("ok", "https://example.org/ok.jpg", 16, 12, "a red square"),
        ("nan-width", None, None, None, "a red square in json"),
    ]
    assert reasons(rejects) == [
        ("numeric-url", "bad_field"),
        ("numeric-caption", "bad_field"),
        ("text-width", "bad_field"),
        ("negative-height", "bad_field"),
        ("list", "bad_metadata"),
        ("latin1", "bad_field"),
    ]
    details = [r.detail for r in rejects]
    assert "url is int 12345, expected text" in details[0]
    assert "caption is int 42, expected text" in details[1]
    assert "width is str 'abc', expected a pixel count" in details[2]
    assert "txt member is not UTF-8" in details[5]
    assert all("shard.tar sample" in d for d in details)
    schemas.to_table(records, schemas.PAIRS)


def test_compressed_members_and_oversized_members(tmp_path, monkeypatch):
    from capfilt.readers import webdataset_tar

    monkeypatch.setattr(webdataset_tar, "MAX_MEMBER_BYTES", 10_000)
    path = write_tar(
        tmp_path / "shard.tar",
        [
            ("a.jpg", jpeg_bytes()),
            ("a.txt.gz", gzip.compress(b"a gzipped caption")),
            ("b.jpg", jpeg_bytes(size=(400, 400)) + bytes(20_000)),
            ("b.txt", b"too big"),
            ("c.jpg", jpeg_bytes()),
            ("c.txt.gz", b"not gzip at all"),
        ],
    )
    records, rejects = split(list(read_pairs(path)))
    assert [(r["key"], r["caption"]) for r in records] == [("a", "a gzipped caption")]
    assert reasons(rejects) == [("b", "member_too_large"), ("c", "bad_member")]


def captioned_shard(tmp_path, count=6, fmt=tarfile.USTAR_FORMAT):
    members = []
    for index in range(count):
        members += [
            (f"s/{index:03d}.jpg", jpeg_bytes((index * 40, 0, 0))),
            (f"s/{index:03d}.txt", b"a red box"),
        ]
    path = write_tar(tmp_path / "shard.tar", members, fmt)
    return path, (tmp_path / "shard.tar").read_bytes()


def test_a_tar_cut_inside_a_member_keeps_the_samples_before_and_names_the_lost_one(tmp_path):
    path, data = captioned_shard(tmp_path)
    third = data.index(b"s/002.jpg")  # header of the third sample's image
    (tmp_path / "shard.tar").write_bytes(data[: third + 700])
    records, rejects = split(list(read_pairs(path)))
    assert [r["key"] for r in records] == ["s/000", "s/001"]
    assert [(r.key, r.reason) for r in rejects] == [("s/002", "truncated_shard")]
    assert "member s/002.jpg is cut short" in rejects[0].detail and "shard.tar" in rejects[0].detail


def test_a_tar_without_its_end_marker_or_with_a_damaged_header_is_reported(tmp_path):
    path, data = captioned_shard(tmp_path)
    end = data.index(b"s/005.txt") + 1024  # the last member's header and data: the end blocks follow
    (tmp_path / "shard.tar").write_bytes(data[:end])
    records, rejects = split(list(read_pairs(path)))
    # Whether the last sample had more members cannot be known: it is reported, not guessed.
    assert len(records) == 5 and reasons(rejects) == [("s/005", "truncated_shard")]
    assert "end-of-archive marker" in rejects[0].detail

    damaged = bytearray(data)
    damaged[data.index(b"s/003.jpg")] ^= 0x01  # the header checksum no longer matches
    (tmp_path / "shard.tar").write_bytes(bytes(damaged))
    records, rejects = split(list(read_pairs(path)))
    assert [r["key"] for r in records] == ["s/000", "s/001"]
    # tarfile stops here silently; the reject names the offset, and s/002 (read up to the damage) with it.
    assert reasons(rejects) == [("s/002", "corrupt_shard")]
    assert "damaged member header (bad checksum) at byte" in rejects[0].detail


def test_gnu_and_pax_long_names_are_read(tmp_path):
    long = "x" * 120
    for fmt in (tarfile.GNU_FORMAT, tarfile.PAX_FORMAT):
        path = write_tar(
            tmp_path / "shard.tar", [(f"{long}/é.jpg", jpeg_bytes()), (f"{long}/é.txt", b"a box")], fmt
        )
        records, rejects = split(list(read_pairs(path)))
        assert not rejects and [r["key"] for r in records] == [f"{long}/é"]


def test_gzip_damage_is_found_before_any_sample_is_trusted(tmp_path):
    _, data = captioned_shard(tmp_path, count=20)
    compressed = gzip.compress(data, mtime=0)
    path = tmp_path / "shard.tar.gz"
    path.write_bytes(compressed[: len(compressed) * 9 // 10])
    records, rejects = split(list(read_pairs(str(path))))
    assert records and len(rejects) == 1 and rejects[0].reason == "truncated_shard"
    assert "gzip stream ends early" in rejects[0].detail

    damaged = bytearray(compressed)
    damaged[-8] ^= 0xFF  # the CRC-32 of the trailer: the inflated bytes are right, but nothing proves it
    path.write_bytes(bytes(damaged))
    records, rejects = split(list(read_pairs(str(path))))
    assert not records and [r.reason for r in rejects] == ["corrupt_shard"] * 20
    assert all("incorrect data check" in r.detail and "not trusted" in r.detail for r in rejects)

    misnamed = tmp_path / "misnamed.tar"  # compression is recognised by content, not by name
    misnamed.write_bytes(compressed)
    assert len(split(list(read_pairs(str(misnamed))))[0]) == 20


def test_hugging_face_exports_read_with_derived_keys(tmp_path):
    (tmp_path / "b.jpg").write_bytes(jpeg_bytes())
    table = {
        "image": [{"bytes": jpeg_bytes(), "path": "a.jpg"}, {"bytes": None, "path": str(tmp_path / "b.jpg")}],
        "text": ["a red square", "an image stored by path"],
    }
    dataset = datasets.Dataset.from_dict(table).cast_column("image", datasets.Image())
    dataset.to_parquet(str(tmp_path / "train-00000-of-00001.parquet"))
    records, rejects = split(list(read_all(str(tmp_path / "train-00000-of-00001.parquet"))))
    assert [(r["key"], r["caption"], r["source"]) for r in records] == [
        ("train-00000-of-00001-000000000", "a red square", "image_text")
    ]
    # to_parquet keeps a local image as its path; a path is never opened (the data could name any file).
    assert reasons(rejects) == [("train-00000-of-00001-000000001", "missing_image")]
    assert "only a path (b.jpg)" in rejects[0].detail
    # save_to_disk embeds the bytes: both rows read, from the Arrow file the folder's state.json names.
    dataset.save_to_disk(str(tmp_path / "saved"))
    records, rejects = split(list(read_all(str(tmp_path / "saved"))))
    assert not rejects and [r["key"] for r in records] == [
        "data-00000-of-00001-000000000",
        "data-00000-of-00001-000000001",
    ]
    assert records[1]["image"]["bytes"] == (tmp_path / "b.jpg").read_bytes()


def test_image_text_tables_with_plain_bytes_named_text_column_and_caption_lists(tmp_path):
    path = tmp_path / "coco.parquet"
    pq.write_table(
        pa.table(
            {
                "img": pa.array([jpeg_bytes(), jpeg_bytes()], pa.binary()),
                "sentences": [["a red box", "a box"], ["  ", None]],
                "alt": ["red", "blue"],
                "__key__": ["x/1", "x/2"],
                "WIDTH": [16.0, float("nan")],
            }
        ),
        path,
    )
    assert detect_format(str(path)) == "image_text"
    records, rejects = split(list(read_pairs(str(path))))
    # "alt" comes before "sentences" among the default text columns.
    assert [(r["key"], r["caption"], r["references"], r["width"]) for r in records] == [
        ("x/1", "red", None, 16),
        ("x/2", "blue", None, None),
    ]
    records, rejects = split(list(read_pairs(str(path), text_column="sentences")))
    assert [(r["key"], r["caption"], r["references"]) for r in records] == [
        ("x/1", "a red box", ["a red box", "a box"])
    ]
    assert reasons(rejects) == [("x/2", "missing_caption")]
    with pytest.raises(schemas.SchemaError, match=r"coco\.parquet: no text column 'caption_en'"):
        list(read_pairs(str(path), text_column="caption_en"))


def test_pairs_and_curated_parquet_rows_are_checked_one_by_one(tmp_path):
    path = str(tmp_path / "pairs.parquet")
    rows = [
        pair("ok"),
        pair("no-text", caption="  "),
        dict(pair("no-image"), image=None),
        dict(pair(), key=""),
    ]
    schemas.write_table(rows, schemas.PAIRS, path)
    assert detect_format(path) == "pairs"
    records, rejects = split(list(read_all(f"{tmp_path}/*.parquet")))
    assert [r["key"] for r in records] == ["ok", "pairs-000000003"]
    assert reasons(rejects) == [("no-text", "missing_caption"), ("no-image", "missing_image")]

    curated = str(tmp_path / "curated.parquet")
    schemas.write_table([curated_row("c1")], schemas.CURATED, curated)
    records, rejects = split(list(read_pairs(curated)))
    assert detect_format(curated) == "curated" and not rejects
    assert records[0]["key"] == "c1" and records[0]["caption"] == curated_row()["web_caption"]


def test_a_file_that_cannot_be_read_is_one_reject_naming_it_and_the_rest_go_on(tmp_path):
    (tmp_path / "a-garbage.parquet").write_bytes(b"PAR1 this is not parquet")
    pq.write_table(
        pa.table({"url": ["http://127.0.0.1/a.jpg"], "caption": ["x"]}), tmp_path / "b-urls.parquet"
    )
    schemas.write_table(
        [{"key": "k", "stage": "read", "reason": "x"}], schemas.REJECTS, str(tmp_path / "c.parquet")
    )
    schemas.write_table([pair("good")], schemas.PAIRS, str(tmp_path / "d-pairs.parquet"))
    records, rejects = split(list(read_all(f"{tmp_path}/*.parquet")))
    assert [r["key"] for r in records] == ["good"]
    assert [(r.key, r.reason) for r in rejects] == [
        (None, "unreadable_file"),
        (None, "unsupported_file"),
        (None, "unsupported_file"),
    ]
    assert "a-garbage.parquet: not a readable Parquet file" in rejects[0].detail
    assert "b-urls.parquet: not image-text pairs: no image and text columns" in rejects[1].detail
    assert "c.parquet: not image-text pairs: a `rejects` table" in rejects[2].detail
    with pytest.raises(UnsupportedFile, match="unsupported input"):
        detect_format(str(tmp_path / "notes.txt"))


def test_a_parquet_file_damaged_after_its_first_row_group_keeps_those_rows(tmp_path):
    path = tmp_path / "pairs.parquet"
    table = schemas.to_table([pair(f"k{i}", data=jpeg_bytes((i, 9, 9))) for i in range(600)], schemas.PAIRS)
    pq.write_table(table, path, row_group_size=256, compression="none")
    data = bytearray(path.read_bytes())
    start = pq.ParquetFile(path).metadata.row_group(2).column(0).data_page_offset
    data[start : start + 400] = bytes(400)
    path.write_bytes(bytes(data))
    records, rejects = split(list(read_file(str(path))))
    assert len(records) == 512 and [r.reason for r in rejects] == ["unreadable_file"]
    assert "pairs.parquet" in rejects[0].detail and "after 512 records" in rejects[0].detail
