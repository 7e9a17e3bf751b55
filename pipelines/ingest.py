# ruff: noqa: E402  (a log filter must be installed before Beam is imported)
"""python -m pipelines.ingest: crawl records, URL lists or img2dataset output -> de-duplicated pairs.

    read files -> clean text -> group by URL (duplicates out) -> download + normalise per shard
      -> group by sha256 and by perceptual-hash band (duplicates out) -> write pairs, rejects, stats.json

Every step emits rejects instead of dropping rows, so input rows = pairs + rejects (stats.json checks it).
The logic lives in capfilt/; this module only routes records between Beam transforms.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import zlib

# Beam's BigQuery stub logs "apitools not found" when imported without the GCP extras: noise for this job.
logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())

import apache_beam as beam
import fsspec
from apache_beam.metrics import Metrics
from apache_beam.options.pipeline_options import PipelineOptions, SetupOptions, StandardOptions
from apache_beam.pvalue import AsList, AsSingleton, TaggedOutput

from capfilt import dedup
from capfilt.fetch import Fetcher
from capfilt.ingest_rows import (
    INPUT_SUFFIXES,
    IngestConfig,
    download_shard,
    normalise_downloaded,
    prepare_text,
    read_candidates,
)
from capfilt.ingest_stats import build_stats, summary_line
from models.cli_flags import StrictArgumentParser
from pipelines import options
from pipelines.ingest_options import IngestOptions, ingest_config
from pipelines.unique_keys import KeyRenames, with_key
from schemas import PAIRS, REJECTS, Reject, expand, write_table

LOG = logging.getLogger("pipelines.ingest")
PROG = "python -m pipelines.ingest"
REJECT = "rejects"
NAMESPACE = "ingest"
STATS_FILE = "stats.json"
# Rejects are small rows: many fit in one file.
REJECTS_PER_SHARD = 200_000


def _reject(reject: Reject) -> TaggedOutput:
    Metrics.counter(NAMESPACE, f"rejected.{reject.stage}.{reject.reason}").inc()
    return TaggedOutput(REJECT, reject)


def shard_of(key: str, shards: int) -> int:
    return zlib.crc32(key.encode()) % shards


def shard_count(rows: int, per_shard: int) -> int:
    return max(1, -(-rows // per_shard))


def shard_name(kind: str, index: int, count: int) -> str:
    return f"{kind}-{index:05d}-of-{count:05d}.parquet"


class ReadInput(beam.DoFn):
    """One input file -> its rows as (origin, candidate, downloaded pair or read Reject); counts input rows.

    The origin (file index, position) is what `UniqueKeys` orders by when two items share a key."""

    def __init__(self, config: IngestConfig):
        self.config = config

    def process(self, indexed_path):
        file_index, path = indexed_path
        rows = 0
        for item in read_candidates(path, file_index, self.config):
            yield (file_index, rows), item
            rows += 1
        Metrics.counter(NAMESPACE, "input_rows").inc(rows)
        LOG.info("read %s: %d rows", path, rows)
        yield TaggedOutput("input_rows", rows)


def url_group(origin, item) -> str:
    """The group an input item is de-duplicated in, by URL; a read reject, or a record without a URL (some
    WebDataset shards), cannot collide on URL and is a group of its own."""
    if isinstance(item, Reject):
        return f"read:{origin[0]}:{origin[1]}"
    return dedup.url_identity(item["url"]) if item.get("url") else f"no-url:{origin[0]}:{origin[1]}"


class CleanText(beam.DoFn):
    """(origin, item) -> (URL group, (origin, cleaned record or Reject)): rejects too go to the URL group,
    where they meet their record's new key if `KeyRenames` gave it one."""

    def __init__(self, config: IngestConfig):
        self.config = config

    def process(self, located):
        origin, item = located
        cleaned = item if isinstance(item, Reject) else prepare_text(item, self.config.text)
        yield url_group(origin, item), (origin, cleaned)


def keep_first_per_url(group):
    """One URL group: items under their unique keys first (rejects go out), then the first record per
    URL (by key) stays and the others are `dedup` rejects."""
    _, grouped = group
    new_keys = dict(grouped["renames"])
    records = []
    for origin, item in grouped["items"]:
        item = with_key(item, new_keys.get(origin), NAMESPACE)
        if isinstance(item, Reject):
            yield _reject(item)
        else:
            records.append(item)
    if len(records) <= 1:
        yield from records
        return
    by_key = {r["key"]: r for r in records}
    losers = {}
    for loser, reason, winner in dedup.url_duplicates((r["key"], r.get("caption")) for r in records):
        losers[loser] = (reason, winner)
    for key, record in by_key.items():
        if key in losers:
            reason, winner = losers[key]
            yield _reject(Reject(key, record.get("url"), "dedup", reason, f"same URL as {winner}"))
        else:
            yield record


class DownloadShard(beam.DoFn):
    """A batch of candidates downloaded on a thread pool; one Fetcher (and robots.txt cache) per worker."""

    def __init__(self, config: IngestConfig):
        self.config = config
        self.fetcher = None

    def setup(self):
        self.fetcher = Fetcher(self.config.fetch)

    def process(self, batch):
        started, ok = time.monotonic(), 0
        for result in download_shard(batch, self.fetcher, self.config.normalize, self.config.thread_count):
            if isinstance(result, Reject):
                yield _reject(result)
            else:
                ok += 1
                yield result
        Metrics.counter(NAMESPACE, "downloaded").inc(ok)
        LOG.info("downloaded shard: %d/%d images in %.1fs", ok, len(batch), time.monotonic() - started)


class NormaliseDownloaded(beam.DoFn):
    def __init__(self, config: IngestConfig):
        self.config = config

    def process(self, record):
        result = normalise_downloaded(record, self.config.normalize)
        yield _reject(result) if isinstance(result, Reject) else result


def _exact_losers(group):
    _, keys = group
    for loser, winner in dedup.exact_duplicates(keys):
        yield loser, (0, "duplicate_image", winner, 0)


def _bands(slim, threshold: int):
    key, _, phash = slim
    return [(band, (key, phash)) for band in dedup.band_keys(phash, threshold)]


def _near_losers(group, threshold: int):
    _, members = group
    for loser, winner, distance in dedup.near_duplicates(members, threshold):
        yield loser, (1, "near_duplicate", winner, distance)


def _verdict(group):
    """One verdict per duplicate: exact before near, then the earliest winner."""
    key, verdicts = group
    _, reason, winner, distance = min(verdicts)
    detail = (
        f"same bytes as {winner}" if reason == "duplicate_image" else f"phash distance {distance} to {winner}"
    )
    return key, (reason, detail)


class WritePairsShard(beam.DoFn):
    """Write one output shard, sorted by key, atomically; duplicates found by grouping become rejects."""

    def __init__(self, output: str):
        self.output = output

    def process(self, element, shards: int):
        index, grouped = element
        verdicts = dict(grouped["verdicts"])
        rows = []
        for record in grouped["pairs"]:
            verdict = verdicts.get(record["key"])
            if verdict:
                yield _reject(Reject(record["key"], record.get("url"), "dedup", *verdict))
            else:
                rows.append({name: record.get(name) for name in PAIRS.names})
        rows.sort(key=lambda row: row["key"])
        path = f"{self.output}/{shard_name('pairs', index, shards)}"
        write_table(rows, PAIRS, path)
        Metrics.counter(NAMESPACE, "pairs_written").inc(len(rows))
        yield TaggedOutput("written", (path, len(rows)))


class WriteRejectsShard(beam.DoFn):
    def __init__(self, output: str):
        self.output = output

    def process(self, element, shards: int):
        index, grouped = element
        rows = sorted((r.as_row() for r in grouped["rejects"]), key=lambda r: (r["key"] or "", r["stage"]))
        path = f"{self.output}/{shard_name('rejects', index, shards)}"
        write_table(rows, REJECTS, path)
        yield path


def _shard_indices(count: int, per_shard: int):
    return [(i, None) for i in range(shard_count(count, per_shard))]


class Finalise(beam.DoFn):
    """After every shard is written: drop stale shards of an earlier run, then write stats.json (last)."""

    def __init__(self, output: str, started: float):
        self.output = output
        self.started = started

    def process(self, _, input_rows, written_pairs, written_rejects, reject_counts):
        pair_paths = [path for path, _ in written_pairs]
        current = {p.rsplit("/", 1)[-1] for p in pair_paths + list(written_rejects)}
        fs, root = fsspec.core.url_to_fs(self.output)
        for stale in fs.glob(f"{root}/pairs-*.parquet*") + fs.glob(f"{root}/rejects-*.parquet*"):
            if stale.rsplit("/", 1)[-1] not in current:
                fs.rm(stale)
        stats = build_stats(
            input_rows=sum(input_rows),
            pairs=sum(n for _, n in written_pairs),
            reject_counts=reject_counts,
            seconds=time.time() - self.started,
            output_files=current,
        )
        temporary = f"{root}/{STATS_FILE}.inprogress"
        with fs.open(temporary, "w") as handle:
            json.dump(stats, handle, indent=2)
        fs.mv(temporary, f"{root}/{STATS_FILE}")
        yield stats


def build(pipeline: beam.Pipeline, files: list[str], output: str, config: IngestConfig, options, started):
    read = (
        pipeline
        | "ListFiles" >> beam.Create(list(enumerate(files)))
        | "SpreadFiles" >> beam.Reshuffle()
        | "Read" >> beam.ParDo(ReadInput(config)).with_outputs("input_rows", main="rows")
    )
    # Keys made unique run-wide (only keys and origins are grouped); the new keys meet their items in
    # the grouping by URL, so the records travel through one shuffle, as before.
    renames = read.rows | "KeyRenames" >> KeyRenames(url_group)
    unique = (
        {"items": read.rows | "CleanText" >> beam.ParDo(CleanText(config)), "renames": renames}
        | "GroupByUrl" >> beam.CoGroupByKey()
        | "FirstPerUrl" >> beam.FlatMap(keep_first_per_url).with_outputs(REJECT, main="rows")
    )
    have_image, to_fetch = unique.rows | "HasImage" >> beam.Partition(
        lambda r, _: 0 if r.get("image") else 1, 2
    )
    normalised = have_image | "Normalise" >> beam.ParDo(NormaliseDownloaded(config)).with_outputs(
        REJECT, main="pairs"
    )
    downloaded = (
        to_fetch
        | "Shards" >> beam.BatchElements(min_batch_size=options.shard_size, max_batch_size=options.shard_size)
        | "Download" >> beam.ParDo(DownloadShard(config)).with_outputs(REJECT, main="pairs")
    )
    pairs = (normalised.pairs, downloaded.pairs) | "AllPairs" >> beam.Flatten()

    # Duplicate images, run-wide: only keys and hashes travel through these groupings, never image bytes.
    slim = pairs | "Hashes" >> beam.Map(lambda r: (r["key"], r["sha256"], r["phash"]))
    exact = (
        slim
        | "BySha256" >> beam.Map(lambda s: (s[1], s[0]))
        | "GroupSha256" >> beam.GroupByKey()
        | "ExactLosers" >> beam.FlatMap(_exact_losers)
    )
    losers = [exact]
    if config.phash_threshold >= 0:
        near = (
            slim
            | "ByBand" >> beam.FlatMap(_bands, config.phash_threshold)
            | "GroupBand" >> beam.GroupByKey()
            | "NearLosers" >> beam.FlatMap(_near_losers, config.phash_threshold)
        )
        losers.append(near)
    verdicts = (
        losers
        | "AllLosers" >> beam.Flatten()
        | "GroupLoser" >> beam.GroupByKey()
        | "Verdict" >> beam.Map(_verdict)
    )

    pair_count = pairs | "CountPairs" >> beam.combiners.Count.Globally()
    pair_shards = beam.pvalue.AsSingleton(
        pair_count | "PairShards" >> beam.Map(shard_count, options.rows_per_output_shard)
    )
    every_pair_shard = pair_count | "PairShardIds" >> beam.FlatMap(
        _shard_indices, options.rows_per_output_shard
    )
    written = (
        {
            "pairs": pairs | "PairsToShard" >> beam.Map(lambda r, n: (shard_of(r["key"], n), r), pair_shards),
            "verdicts": verdicts
            | "VerdictToShard" >> beam.Map(lambda v, n: (shard_of(v[0], n), v), pair_shards),
            "shard": every_pair_shard,
        }
        | "GroupPairShards" >> beam.CoGroupByKey()
        | "WritePairs" >> beam.ParDo(WritePairsShard(output), pair_shards).with_outputs(REJECT, "written")
    )

    rejects = (
        unique[REJECT],
        normalised[REJECT],
        downloaded[REJECT],
        written[REJECT],
    ) | "AllRejects" >> beam.Flatten()
    reject_count = rejects | "CountRejects" >> beam.combiners.Count.Globally()
    reject_shards = AsSingleton(reject_count | "RejectShards" >> beam.Map(shard_count, REJECTS_PER_SHARD))
    written_rejects = (
        {
            "rejects": rejects
            | "RejectsToShard" >> beam.Map(lambda r, n: (shard_of(r.key or "", n), r), reject_shards),
            "shard": reject_count | "RejectShardIds" >> beam.FlatMap(_shard_indices, REJECTS_PER_SHARD),
        }
        | "GroupRejectShards" >> beam.CoGroupByKey()
        | "WriteRejects" >> beam.ParDo(WriteRejectsShard(output), reject_shards)
    )
    reject_counts = (
        rejects
        | "ByReason" >> beam.Map(lambda r: ((r.stage, r.reason), 1))
        | "CountByReason" >> beam.CombinePerKey(sum)
    )
    return (
        pipeline
        | "Once" >> beam.Create([None])
        | "Finalise"
        >> beam.ParDo(
            Finalise(output, started),
            AsList(read.input_rows),
            AsList(written.written),
            AsList(written_rejects),
            AsList(reject_counts),
        )
    )


def _runner(options: PipelineOptions):
    """The DirectRunner would first try Prism (a binary it downloads); locally we go straight to the
    FnApiRunner the DirectRunner falls back to, which honours --direct_num_workers/--direct_running_mode."""
    name = options.view_as(StandardOptions).runner
    if name in (None, "DirectRunner", "direct"):
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner

        return FnApiRunner()
    return name


def parse_args(argv: list[str]) -> tuple[StrictArgumentParser, PipelineOptions]:
    """The parser (for error lines) and the options; an unknown or misspelt flag exits here with status 2."""
    parser = options.new_parser(__doc__, PROG)
    IngestOptions._add_argparse_args(parser)
    options.split_beam_args(parser, argv)
    return parser, PipelineOptions(argv)


def run(argv: list[str] | None = None) -> dict | None:
    parser, beam_options = parse_args(list(sys.argv[1:] if argv is None else argv))
    ingest = beam_options.view_as(IngestOptions)
    missing = [f"--{name}" for name in ("input", "output") if not getattr(ingest, name)]
    if missing:
        parser.error(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")
    try:
        config = ingest_config(ingest)
        files = expand(ingest.input, INPUT_SUFFIXES)
    except (ValueError, OSError) as error:
        parser.error(str(error))
    output = ingest.output.rstrip("/")
    beam_options.view_as(SetupOptions).save_main_session = False
    fs, root = fsspec.core.url_to_fs(output)
    fs.makedirs(root, exist_ok=True)
    if fs.exists(f"{root}/{STATS_FILE}"):
        fs.rm(f"{root}/{STATS_FILE}")  # stats.json marks a finished run; this one has not finished yet
    started = time.time()
    LOG.info("ingest: %d input file(s) -> %s", len(files), output)
    with beam.Pipeline(runner=_runner(beam_options), options=beam_options) as pipeline:
        build(pipeline, files, output, config, ingest, started)
    with fsspec.open(f"{output}/{STATS_FILE}") as handle:
        stats = json.load(handle)
    print(summary_line(stats))
    return stats


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    run(sys.argv[1:])


if __name__ == "__main__":
    main()
