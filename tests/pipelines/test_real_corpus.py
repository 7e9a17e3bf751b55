"""Both jobs, end to end, on every real file under tests/data/real/ (origins and licences in its MANIFEST.md):
whatever a file holds, each of its records ends exactly once in the output or in `rejects`, under a key no
other record holds, and a damaged file is named in a reject instead of ending the job."""

from __future__ import annotations

import csv
import functools
import glob
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import schemas
from capfilt.images import ImageRejected, decode_image
from pipelines import capfilt as capfilt_job
from pipelines import ingest as ingest_job

REAL = Path(__file__).parents[1] / "data" / "real"
CRAWL_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz", ".wat.gz")
# The image inputs a user may point either job at: WebDataset shards (good and damaged), img2dataset output,
# Hugging Face exports (Parquet shards and a save_to_disk folder).
SHARDS = [
    *sorted(glob.glob(f"{REAL}/shards/webdataset/*")),
    *sorted(glob.glob(f"{REAL}/shards/derived/*.tar*")),
    f"{REAL}/shards/derived/photos-img2dataset",
    f"{REAL}/shards/derived/photos-hf",
    f"{REAL}/shards/derived/photos-hf-saved",
]


def _rows(output: str, table: str, schema) -> list[dict]:
    return [
        row
        for path in sorted(glob.glob(f"{output}/{table}/*.parquet"))
        for row in schemas.read_table(path, schema).to_pylist()
    ]


def _assert_accounted(stats: dict, kept: list[dict], rejects: list[dict]) -> None:
    assert stats["accounted"] and stats["unaccounted"] == 0
    assert len(kept) + len(rejects) == stats["input_rows"]
    keys = [row["key"] for row in kept] + [row["key"] for row in rejects if row["key"] is not None]
    assert len(keys) == len(set(keys)), "two records share a key"


def test_ingest_extracts_every_real_crawl_file_and_names_each_damaged_one(tmp_path):
    files = sorted(p for p in glob.glob(f"{REAL}/crawl/**/*", recursive=True) if p.endswith(CRAWL_SUFFIXES))
    assert len(files) >= 20
    output = str(tmp_path / "out")
    # --no_download: what a user runs first on a crawl nobody cleaned, and it contacts no host.
    stats = ingest_job.run(["--input", ",".join(files), "--output", output, "--no_download"])
    candidates = _rows(output, "candidates", schemas.CANDIDATES)
    rejects = _rows(output, "rejects", schemas.REJECTS)
    _assert_accounted(stats, candidates, rejects)
    assert len(candidates) > 200  # distinct (url, alt) pairs: the same pages recur across files
    assert all(c["url"] and c["caption"] for c in candidates)
    details = [r["detail"] or "" for r in rejects if r["stage"] == "read"]
    # Each damaged file (MANIFEST.md says how) is named in a reject; a whole-file gzip is read whole.
    damaged = [p for p in glob.glob(f"{REAL}/crawl/damaged/*") if "whole-file" not in p]
    for path in [
        *damaged,
        f"{REAL}/crawl/upstream/example-trunc.warc",
        f"{REAL}/crawl/upstream/clipped.warc.gz",
    ]:
        assert any(Path(path).name in detail for detail in details), f"{path} is named in no reject"


@pytest.fixture
def image_server():
    """tests/data/real/images served on 127.0.0.1 (no robots.txt there: a 404, so everything is allowed)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(REAL / "images")))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_ingest_downloads_every_real_image_and_refuses_exactly_the_broken_ones(tmp_path, image_server):
    images = [p for p in (REAL / "images").rglob("*") if p.is_file() and p.suffix not in (".md", ".py")]
    names = sorted(str(p.relative_to(REAL / "images")) for p in images)
    listing = tmp_path / "urls.csv"
    with listing.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["url", "caption"])
        writer.writerows((f"{image_server}/{name}", f"a photo from {name}") for name in names)
    output = str(tmp_path / "out")
    limits = ["--min_image_size", "0", "--max_aspect_ratio", "0", "--phash_threshold", "-1"]
    argv = ["--input", str(listing), "--output", output, "--allow_networks", "127.0.0.1/32", *limits]
    stats = ingest_job.run([*argv, "--image_size", "96", "--timeout", "30", "--thread_count", "4"])
    pairs = _rows(output, "pairs", schemas.PAIRS)
    rejects = _rows(output, "rejects", schemas.REJECTS)
    _assert_accounted(stats, pairs, rejects)
    assert stats["input_rows"] == len(names)
    # The same bytes decoded on their own: a file is a pair exactly when it decodes, and the reject names why.
    expected_refused = {}
    for name in names:
        try:
            decode_image((REAL / "images" / name).read_bytes())
        except ImageRejected as rejected:
            expected_refused[name] = rejected.reason
    refused = {r["url"].removeprefix(f"{image_server}/"): r for r in rejects if r["stage"] != "dedup"}
    assert {name: (r["stage"], r["reason"]) for name, r in refused.items()} == {
        name: ("decode", reason) for name, reason in expected_refused.items()
    }
    assert expected_refused and any(n.startswith("derived/") for n in expected_refused)
    # The rest are pairs, or the same picture again (Pillow's test files repeat hopper in many formats).
    duplicates = [r for r in rejects if r["stage"] == "dedup"]
    assert len(pairs) + len(duplicates) == len(names) - len(expected_refused)
    kept = {p["key"] for p in pairs}
    assert all(r["detail"].split()[-1] in kept for r in duplicates)  # "same bytes as KEY" / "... to KEY"
    assert all(max(p["width"], p["height"]) <= max(p["original_width"], p["original_height"]) for p in pairs)


def test_ingest_normalises_every_real_shard_and_export(tmp_path):
    output = str(tmp_path / "out")
    stats = ingest_job.run(
        ["--input", ",".join(SHARDS), "--output", output, "--phash_threshold", "-1", "--min_image_size", "0"]
    )
    pairs = _rows(output, "pairs", schemas.PAIRS)
    rejects = _rows(output, "rejects", schemas.REJECTS)
    _assert_accounted(stats, pairs, rejects)
    assert len(pairs) > 20
    damaged = {r["reason"] for r in rejects if r["stage"] == "read"}
    assert {"truncated_shard", "corrupt_shard"} <= damaged


@pytest.fixture(scope="module")
def tiny_models(tiny_blip):
    return ["--captioner", tiny_blip["captioner"], "--filter", tiny_blip["filter"]]


def test_capfilt_curates_every_real_shard_and_export(tmp_path, tiny_models):
    output = str(tmp_path / "out")
    argv = ["--input", ",".join(SHARDS), "--output", output, *tiny_models, "--allow_empty_output"]
    stats = capfilt_job.run([*argv, "--max_length", "12", "--min_length", "4", "--batch_size", "8"])
    curated = _rows(output, "curated", schemas.CURATED)
    rejects = _rows(output, "rejects", schemas.REJECTS)
    dropped = _rows(output, "dropped", schemas.CURATED)
    _assert_accounted(stats, curated, rejects)
    assert len(curated) + len(dropped) > 20  # the good samples reached the models
    assert not any(r["stage"] == "model" for r in rejects)  # no batch failed on one bad record
