"""URL lists: columns found by name, every row a typed UrlRow or a BadRow, a bad file one reject."""

import gzip

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from capfilt.ingest.rows import IngestConfig, read_candidates
from capfilt.ingest.url_lists import BadRow, UrlRow, read_url_list
from capfilt.readers.failures import UnsupportedFile
from schemas import Reject


def rows(path, *args):
    return [
        (r.position, r.url, r.caption) if isinstance(r, UrlRow) else (r.position, r.reason)
        for r in read_url_list(str(path), *args)
    ]


def test_a_csv_field_over_the_csv_modules_128_kib_default_is_an_ordinary_row(tmp_path):
    caption = "a very long alt text " * 10_000  # 210 KB: `csv` refuses fields over 128 KiB by default
    path = tmp_path / "l.csv"
    path.write_text(f"url,caption\nhttp://h/1.jpg,one\nhttp://h/2.jpg,{caption}\nhttp://h/3.jpg,three\n")
    assert rows(path) == [
        (0, "http://h/1.jpg", "one"),
        (1, "http://h/2.jpg", caption.strip()),
        (2, "http://h/3.jpg", "three"),
    ]


def test_a_field_beyond_the_limit_or_bytes_that_are_not_utf8_are_bad_rows_and_the_rest_reads(tmp_path):
    from capfilt.ingest.url_lists import FIELD_LIMIT

    path = tmp_path / "l.csv"
    huge = "x" * (FIELD_LIMIT + 1)
    path.write_bytes(
        "\ufeffurl,caption\n".encode()  # a BOM, as Excel writes it, is not part of the first column's name
        + f"http://h/1.jpg,one\nhttp://h/2.jpg,{huge}\n".encode()
        + b"http://h/3.jpg,caf\xe9\nhttp://h/4.jpg,four\n"
    )
    assert rows(path) == [
        (0, "http://h/1.jpg", "one"),
        (1, "bad_row"),
        (2, "bad_row"),
        (3, "http://h/4.jpg", "four"),
    ]
    details = [r.detail for r in read_url_list(str(path)) if isinstance(r, BadRow)]
    assert "field larger than field limit" in details[0] and "column 'caption' is not UTF-8" in details[1]


def test_json_lines_values_of_the_wrong_type_are_bad_fields(tmp_path):
    path = tmp_path / "l.jsonl.gz"
    lines = [
        '{"url": "http://h/1.jpg", "text": "one"}',
        '{"url": 12345, "text": "numeric url"}',
        '{"url": "http://h/3.jpg", "text": 42}',
        "[1, 2]",
        '{"URL": "http://h/5.jpg", "TEXT": "laion style"}',
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode()))
    assert rows(path) == [
        (0, "http://h/1.jpg", "one"),
        (1, "bad_field"),
        (2, "bad_field"),
        (3, "bad_row"),
        (4, "http://h/5.jpg", "laion style"),
    ]
    details = [r.detail for r in read_url_list(str(path)) if isinstance(r, BadRow)]
    assert "url is int 12345, expected text" in details[0] and "text is int 42" in details[1]


def test_parquet_columns_are_found_by_name_and_checked_by_type(tmp_path):
    path = tmp_path / "meta.parquet"
    pq.write_table(
        pa.table({"image_url": ["http://h/1.jpg"], "alt": ["an alt"], "TEXT": ["laion text"]}), path
    )
    # Text columns are tried in order caption, text, alt, TEXT, ...; --text_column names another.
    assert rows(path) == [(0, "http://h/1.jpg", "an alt")]
    assert rows(path, None, "TEXT") == [(0, "http://h/1.jpg", "laion text")]
    pq.write_table(pa.table({"url": [1, 2]}), path)
    with pytest.raises(UnsupportedFile, match=r"meta\.parquet: URL column 'url' is int64, not text"):
        rows(path)


def test_a_list_that_cannot_be_read_is_one_reject_naming_it(tmp_path):
    path = tmp_path / "l.csv"
    path.write_text("link,caption\nhttp://h/1.jpg,one\n")
    with pytest.raises(UnsupportedFile, match=r"l\.csv: no URL column \(looked for url, URL"):
        rows(path)
    assert rows(path, "link") == [(0, "http://h/1.jpg", "one")]
    listing = gzip.compress(("url\n" + "".join(f"http://h/{i}.jpg\n" for i in range(2000))).encode())
    (tmp_path / "broken.csv.gz").write_bytes(listing[: len(listing) // 2])
    for name, reason in (("l.csv", "unsupported_file"), ("broken.csv.gz", "unreadable_file")):
        results = list(read_candidates(str(tmp_path / name), 0, IngestConfig()))
        assert isinstance(results[-1], Reject) and results[-1].reason == reason
        assert name in results[-1].detail and results[-1].stage == "read"
