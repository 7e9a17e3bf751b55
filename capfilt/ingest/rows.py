"""Ingest's per-row steps, free of Beam: read inputs into candidates, clean text, download and normalise.

A candidate is a dict with key, url, caption, page_url and source. Each step returns the next record or
a `schemas.Reject` naming its stage, so the pipeline only routes and never decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import ThreadPool

import fsspec

from capfilt import readers
from capfilt.ingest import crawl, url_lists
from capfilt.ingest.fetch import FetchConfig, Fetcher
from capfilt.ingest.normalize import ImageRejected, NormalizeConfig, normalize_image
from capfilt.ingest.text import TextConfig, caption_problem, clean_caption, is_boilerplate
from capfilt.readers import read_pairs
from capfilt.readers.failures import UnsupportedFile, guarded
from schemas import Reject, read_schema, schema_name

INPUT_FORMATS = ("auto", "urls", "warc", "wat", "img2dataset", "pairs", "curated", "image_text", "webdataset")
# Readers that hand over images already downloaded (they skip the fetch step).
IMAGE_FORMATS = ("img2dataset", "pairs", "curated", "image_text", "webdataset")
# What counts as input in a plain folder given as --input.
INPUT_SUFFIXES = (
    *readers.SUFFIXES,
    *(
        f"{name}{compression}"
        for name in (".warc", ".arc", ".wat", ".csv", ".tsv", ".jsonl", ".json", ".ndjson", ".txt")
        for compression in ("", *url_lists.COMPRESSIONS)
    ),
)


@dataclass(frozen=True)
class IngestConfig:
    """Everything a worker needs; `pipelines.ingest` maps its flags onto these fields one to one."""

    input_format: str = "auto"
    # URL and text columns of URL lists and image-text tables; None finds them by name (url, URL, ...).
    url_col: str | None = None
    text_column: str | None = None
    fetch: FetchConfig = field(default_factory=FetchConfig)
    normalize: NormalizeConfig = field(default_factory=NormalizeConfig)
    text: TextConfig = field(default_factory=TextConfig)
    thread_count: int = 64
    # Perceptual-hash distance (bits of 64) at or below which two images are near-duplicates; -1 disables.
    phash_threshold: int = 4

    def __post_init__(self):
        if self.input_format not in INPUT_FORMATS:
            raise ValueError(
                f"--input_format {self.input_format!r}: choose one of {', '.join(INPUT_FORMATS)}"
            )


def make_key(file_index: int, *positions: int) -> str:
    """A key that sorts in input order: file, then record, then position within the record."""
    return "-".join([f"{file_index:05d}", *(f"{p:09d}" for p in positions)])


def detect_format(path: str) -> str:
    name = path.lower()
    if name.endswith((".wat", ".wat.gz")):
        return "wat"
    if name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        return "warc"  # ARC is WARC's predecessor: the same reader tells them apart by their first bytes
    if name.endswith((".tar", ".tar.gz", ".tgz")):
        return "webdataset"
    if name.endswith(readers.TABLE_SUFFIXES):
        try:
            return readers.detect_format(path)
        except UnsupportedFile:
            # A Parquet file without images that is not one of our tables (LAION/DataComp metadata, a
            # plain URL list), or --no_download's candidates, is a URL list; the URL-list reader says so if
            # it has no URL column either.
            if name.endswith(".parquet") and schema_name(read_schema(path)) in (None, "candidates"):
                return "urls"
            raise
    url_lists.list_format(path)  # raises a clear error for anything else
    return "urls"


def read_candidates(path: str, file_index: int, config: IngestConfig) -> Iterator[dict | Reject]:
    """Every input row of one file, as a candidate, a downloaded pair (image formats) or a Reject; a file
    that cannot be read ends in one `read` Reject naming it (after the rows read before the damage)."""
    return guarded(path, lambda: _candidates(path, file_index, config))


def _candidates(path: str, file_index: int, config: IngestConfig) -> Iterator[dict | Reject]:
    fmt = detect_format(path) if config.input_format == "auto" else config.input_format
    if fmt in IMAGE_FORMATS:
        yield from read_pairs(path, fmt, config.text_column)
    elif fmt == "urls":
        yield from _url_list_candidates(path, file_index, config)
    else:
        yield from _crawl_candidates(path, file_index, fmt)


def _url_list_candidates(path: str, file_index: int, config: IngestConfig) -> Iterator[dict | Reject]:
    for row in url_lists.read_url_list(path, config.url_col, config.text_column):
        key = make_key(file_index, row.position)
        if isinstance(row, url_lists.BadRow):
            yield Reject(key, None, "read", row.reason, row.detail)
        elif not row.url:
            yield Reject(key, None, "read", "missing_url", f"{path} row {row.position}: empty URL")
        else:
            yield {
                "key": key,
                "url": row.url,
                "caption": row.caption,
                "page_url": row.page_url,
                "source": "urls",
            }


def _crawl_candidates(path: str, file_index: int, fmt: str) -> Iterator[dict | Reject]:
    iterate = crawl.iter_wat_images if fmt == "wat" else crawl.iter_warc_images
    try:
        stream = fsspec.open(path, "rb").open()
    except (OSError, ValueError) as error:  # a missing or unreadable file is one reject; the job goes on
        message = " ".join(f"{error}".split())[:200]
        yield Reject(make_key(file_index, 0), None, "read", "unreadable_file", f"{path}: {message}")
        return
    with stream:
        for record_index, item in iterate(stream, path):
            if isinstance(item, crawl.Problem):
                yield Reject(
                    make_key(file_index, record_index), item.url, item.stage, item.reason, item.detail
                )
            elif isinstance(item, crawl.Skip):
                key = make_key(file_index, record_index, item.position)
                detail = f"{item.page_url} <img> #{item.position}" + (
                    f": {item.detail}" if item.detail else ""
                )
                yield Reject(key, item.url, "crawl", item.reason, detail)
            else:
                yield {
                    "key": make_key(file_index, record_index, item.position),
                    "url": item.url,
                    "caption": item.alt,
                    "page_url": item.page_url,
                    "source": fmt,
                }


def prepare_text(record: dict, config: TextConfig) -> dict | Reject:
    """Clean the caption; refuse a record whose caption is missing or out of bounds; flag boilerplate."""
    caption = clean_caption(record.get("caption"))
    problem = caption_problem(caption, config)
    if problem:
        return Reject(record["key"], record.get("url"), "text", *problem)
    return {**record, "caption": caption, "caption_boilerplate": is_boilerplate(caption)}


def _pair(record: dict, data: bytes, config: NormalizeConfig) -> dict | Reject:
    try:
        image = normalize_image(data, config)
    except ImageRejected as rejected:
        return Reject(record["key"], record.get("url"), "decode", rejected.reason, rejected.detail)
    return {
        **record,
        "image": {"bytes": image.data, "path": f"{record['key']}.{config.extension}"},
        "width": image.width,
        "height": image.height,
        "original_width": image.original_width,
        "original_height": image.original_height,
        "sha256": image.sha256,
        "phash": image.phash,
    }


def download_candidate(record: dict, fetcher: Fetcher, config: NormalizeConfig) -> dict | Reject:
    fetched = fetcher.fetch(record["url"])
    if fetched.reason:
        return Reject(record["key"], record["url"], "fetch", fetched.reason, fetched.detail)
    return _pair(record, fetched.data, config)


def normalise_downloaded(record: dict, config: NormalizeConfig) -> dict | Reject:
    """A pair whose image came with the input (img2dataset, pairs, WebDataset): validate, normalise."""
    image = record.get("image") or {}
    return _pair(record, image.get("bytes") or b"", config)


def download_shard(
    records: Iterable[dict], fetcher: Fetcher, config: NormalizeConfig, thread_count: int
) -> Iterator[dict | Reject]:
    """Download and normalise a shard of candidates on a thread pool, as img2dataset does per shard.

    Pillow and the sockets release the GIL, so threads overlap both the waiting and most of the decoding.
    """
    records = list(records)
    if not records:
        return
    with ThreadPool(min(thread_count, len(records))) as pool:
        yield from pool.imap_unordered(lambda r: download_candidate(r, fetcher, config), records)
