"""The schemas: round trips, versions, validation messages and atomic writes."""

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schemas
from tests.helpers.schema_rows import curated_row, pair


@pytest.mark.parametrize(
    ("schema", "row"),
    [(schemas.PAIRS, pair()), (schemas.CURATED, curated_row())],
    ids=["pairs", "curated"],
)
def test_round_trip_keeps_values_types_and_version(tmp_path, schema, row):
    path = str(tmp_path / "t.parquet")
    schemas.write_table([row], schema, path)
    table = schemas.read_table(path, schema)
    assert table.schema.equals(schema, check_metadata=False)
    assert table.to_pylist() == [row]
    stored = pq.read_schema(path)
    assert schemas.schema_name(stored) == schemas.schema_name(schema)
    assert schemas.schema_version(stored) == schemas.schema_version(schema)


def test_rejects_round_trip_from_dataclass(tmp_path):
    path = str(tmp_path / "r.parquet")
    reject = schemas.Reject("k9", "https://x.org/a.jpg", "fetch", "http_404", "404 Not Found")
    schemas.write_table([reject.as_row()], schemas.REJECTS, path)
    assert schemas.read_table(path, schemas.REJECTS).to_pylist() == [reject.as_row()]


def test_image_column_is_what_hugging_face_reads_as_an_image():
    image = schemas.PAIRS.field("image").type
    assert [(f.name, f.type) for f in image] == [("bytes", pa.binary()), ("path", pa.string())]


def test_missing_column_names_file_and_column(tmp_path):
    path = str(tmp_path / "broken.parquet")
    table = schemas.to_table([pair()], schemas.PAIRS).drop_columns(["caption"])
    pq.write_table(table, path)
    with pytest.raises(schemas.SchemaError) as error:
        schemas.read_table(path, schemas.PAIRS)
    assert "broken.parquet" in str(error.value)
    assert "'caption'" in str(error.value)


def test_mistyped_column_names_file_column_and_types(tmp_path):
    path = str(tmp_path / "typed.parquet")
    table = schemas.to_table([pair()], schemas.PAIRS)
    index = table.schema.get_field_index("width")
    pq.write_table(table.set_column(index, "width", pa.array(["sixteen"])), path)
    with pytest.raises(schemas.SchemaError, match=r"typed\.parquet: column 'width' has type string"):
        schemas.read_table(path, schemas.PAIRS)


def test_compatible_types_are_cast(tmp_path):
    path = str(tmp_path / "wide.parquet")
    table = schemas.to_table([pair()], schemas.PAIRS)
    index = table.schema.get_field_index("width")
    pq.write_table(table.set_column(index, "width", pa.array([16], pa.int64())), path)
    assert schemas.read_table(path, schemas.PAIRS).column("width").type == pa.int32()


def test_not_a_parquet_file_is_a_clear_error(tmp_path):
    path = tmp_path / "notes.parquet"
    path.write_text("this is not parquet")
    with pytest.raises(schemas.SchemaError, match=r"notes\.parquet: not a readable Parquet file"):
        schemas.read_table(str(path), schemas.PAIRS)


def test_null_key_is_refused_on_write(tmp_path):
    with pytest.raises(schemas.SchemaError, match="'key' has 1 null"):
        schemas.write_table([pair(key=None)], schemas.PAIRS, str(tmp_path / "x.parquet"))


def test_unknown_record_field_is_refused(tmp_path):
    row = dict(pair(), colour="red")
    with pytest.raises(schemas.SchemaError, match="colour"):
        schemas.write_table([row], schemas.PAIRS, str(tmp_path / "x.parquet"))


def test_failed_write_leaves_no_file_that_looks_final(tmp_path, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(schemas.io.pq, "write_table", explode)
    with pytest.raises(RuntimeError):
        schemas.write_table([pair()], schemas.PAIRS, str(tmp_path / "out" / "part.parquet"))
    assert list((tmp_path / "out").iterdir()) == []


def test_expand_sorts_matches_and_names_a_pattern_that_matches_nothing(tmp_path):
    for name in ("b.parquet", "a.parquet"):
        schemas.write_table([pair()], schemas.PAIRS, str(tmp_path / name))
    assert [p.rsplit("/", 1)[-1] for p in schemas.expand(f"{tmp_path}/*.parquet")] == [
        "a.parquet",
        "b.parquet",
    ]
    with pytest.raises(FileNotFoundError, match="nothing-here"):
        schemas.expand(f"{tmp_path}/*.parquet,{tmp_path}/nothing-here/*.parquet")


@pytest.mark.parametrize(
    ("schema", "row"),
    [(schemas.PAIRS, pair()), (schemas.CURATED, curated_row())],
    ids=["pairs", "curated"],
)
def test_hugging_face_datasets_reads_the_image_column_as_an_image(tmp_path, schema, row):
    path = str(tmp_path / "t.parquet")
    schemas.write_table([row], schema, path)
    loaded = datasets.load_dataset(
        "parquet", data_files=path, split="train", cache_dir=str(tmp_path / "cache")
    )
    assert isinstance(loaded.features["image"], datasets.Image)
    assert loaded[0]["image"].size == (16, 12)
    assert loaded[0]["key"] == "k1"


def test_a_file_of_an_older_version_reads_with_later_columns_as_nulls(tmp_path):
    path = str(tmp_path / "v1.parquet")
    table = schemas.to_table([pair()], schemas.PAIRS).drop_columns(["caption_boilerplate"])
    metadata = {**table.schema.metadata, b"capfilt.schema_version": b"1"}
    pq.write_table(table.replace_schema_metadata(metadata), path)
    for read in (schemas.read_table(path, schemas.PAIRS), next(schemas.iter_batches(path, schemas.PAIRS))):
        assert read.column("caption_boilerplate").to_pylist() == [None]
        assert read.column("caption").to_pylist() == ["a red square"]


def test_a_current_version_file_missing_a_later_column_is_still_an_error(tmp_path):
    path = str(tmp_path / "v2.parquet")
    pq.write_table(schemas.to_table([pair()], schemas.PAIRS).drop_columns(["caption_boilerplate"]), path)
    with pytest.raises(schemas.SchemaError, match=r"v2\.parquet: missing column 'caption_boilerplate'"):
        schemas.read_table(path, schemas.PAIRS)


def _curated_v1_table() -> pa.Table:
    """A `curated` file as version 1 wrote it: synthetic captions without hit_max_length."""
    old_caption = pa.struct([("text", pa.string()), ("score", pa.float32()), ("kept", pa.bool_())])
    fields = [
        pa.field("synthetic", pa.list_(old_caption)) if f.name == "synthetic" else f
        for f in schemas.CURATED
        if f.name != "web_scores"
    ]
    schema = pa.schema(fields, metadata={**schemas.CURATED.metadata, b"capfilt.schema_version": b"1"})
    row = curated_row()
    row["synthetic"] = [{"text": "a red square", "score": 0.875, "kept": True}]
    del row["web_scores"]
    return pa.Table.from_pylist([row], schema=schema)


def _curated_v2_table() -> pa.Table:
    """A `curated` file as version 2 wrote it: no per-scorer scores (web_scores, synthetic[].scores)."""
    old_caption = pa.struct(
        [("text", pa.string()), ("score", pa.float32()), ("kept", pa.bool_()), ("hit_max_length", pa.bool_())]
    )
    fields = [
        pa.field("synthetic", pa.list_(old_caption)) if f.name == "synthetic" else f
        for f in schemas.CURATED
        if f.name != "web_scores"
    ]
    schema = pa.schema(fields, metadata={**schemas.CURATED.metadata, b"capfilt.schema_version": b"2"})
    row = curated_row()
    del row["web_scores"]
    row["synthetic"] = [{"text": "a red square", "score": 0.875, "kept": True, "hit_max_length": False}]
    return pa.Table.from_pylist([row], schema=schema)


def test_a_curated_file_of_version_2_reads_with_per_scorer_scores_as_null(tmp_path):
    path = str(tmp_path / "curated-v2.parquet")
    pq.write_table(_curated_v2_table(), path)
    read = schemas.read_table(path, schemas.CURATED)
    assert read.column("web_scores").to_pylist() == [None]
    assert read.column("web_score").to_pylist() == [0.125]  # the ITM score stays where it was
    assert read.column("synthetic").to_pylist()[0][0]["scores"] is None
    assert read.column("synthetic").to_pylist()[0][0]["hit_max_length"] is False


def test_per_scorer_scores_round_trip_by_name(tmp_path):
    row = curated_row()
    path = str(tmp_path / "curated.parquet")
    schemas.write_table([row], schemas.CURATED, path)
    read = schemas.read_table(path, schemas.CURATED).to_pylist()[0]
    assert {s["scorer"]: s["score"] for s in read["web_scores"]} == {"itm": 0.125, "clip": -0.25}
    assert {s["scorer"]: s["score"] for s in read["synthetic"][0]["scores"]} == {"itm": 0.875, "clip": 0.3125}


def test_a_curated_file_of_version_1_reads_with_the_new_struct_member_as_null(tmp_path):
    path = str(tmp_path / "curated-v1.parquet")
    pq.write_table(_curated_v1_table(), path)
    expected = [
        {
            "text": "a red square",
            "score": 0.875,
            "kept": True,
            "hit_max_length": None,
            "captioner": None,
            "scores": None,
        }
    ]
    for read in (
        schemas.read_table(path, schemas.CURATED),
        next(schemas.iter_batches(path, schemas.CURATED)),
    ):
        assert read.column("synthetic").to_pylist() == [expected]
    assert next(schemas.iter_records(path, schemas.CURATED))["synthetic"] == expected


def test_a_current_curated_file_without_the_struct_member_is_an_error(tmp_path):
    path = str(tmp_path / "curated-v3.parquet")
    table = _curated_v2_table().append_column(
        schemas.CURATED.field("web_scores"), pa.array([None], schemas.CURATED.field("web_scores").type)
    )
    pq.write_table(table.replace_schema_metadata(schemas.CURATED.metadata), path)
    with pytest.raises(schemas.SchemaError, match=r"curated-v3\.parquet: column 'synthetic' has type"):
        schemas.read_table(path, schemas.CURATED)


def test_hit_max_length_round_trips_per_synthetic_caption(tmp_path):
    row = curated_row()
    row["synthetic"] = [
        {
            "text": "a red square",
            "score": 0.875,
            "kept": True,
            "hit_max_length": False,
            "captioner": "git@1",
            "scores": None,
        },
        {
            "text": "a red square and a cross on",
            "score": 0.9375,
            "kept": True,
            "hit_max_length": True,
            "captioner": "b",
            "scores": None,
        },
    ]
    path = str(tmp_path / "curated.parquet")
    schemas.write_table([row], schemas.CURATED, path)
    assert schemas.read_table(path, schemas.CURATED).column("synthetic").to_pylist() == [row["synthetic"]]
    assert schemas.schema_version(pq.read_schema(path)) == 3


def test_a_curated_file_of_version_2_reads_with_each_captions_captioner_as_null(tmp_path):
    caption = pa.struct(
        [("text", pa.string()), ("score", pa.float32()), ("kept", pa.bool_()), ("hit_max_length", pa.bool_())]
    )
    fields = [
        pa.field("synthetic", pa.list_(caption)) if f.name == "synthetic" else f for f in schemas.CURATED
    ]
    schema = pa.schema(fields, metadata={**schemas.CURATED.metadata, b"capfilt.schema_version": b"2"})
    row = curated_row()
    row["synthetic"] = [{"text": "a red square", "score": 0.875, "kept": True, "hit_max_length": False}]
    path = str(tmp_path / "curated-v2.parquet")
    pq.write_table(pa.Table.from_pylist([row], schema=schema), path)
    read = schemas.read_table(path, schemas.CURATED).column("synthetic").to_pylist()
    assert read == [[{**row["synthetic"][0], "captioner": None, "scores": None}]]
