# ruff: noqa: E402  (a log filter must be installed before Beam is imported)
"""python -m pipelines.ingest: crawl records, URL lists or img2dataset output -> de-duplicated pairs.

    read files -> clean text -> group by URL (duplicates out) -> download + normalise per shard
      -> group by sha256 and by perceptual-hash band (duplicates out)
      -> OUTPUT/pairs/*.parquet, OUTPUT/rejects/*.parquet, OUTPUT/report.html, OUTPUT/stats.json (last)

With --no_download it stops before the first request (no image, no robots.txt) and writes the candidate
pairs, OUTPUT/candidates/*.parquet: a URL list for a later run. Every step emits rejects instead of dropping
rows, so input rows = kept + rejects (checked at the end). Results are staged under OUTPUT/_inprogress-*/ and
moved into place when the run has finished (pipelines/common/job_output.py). The logic lives in capfilt/; this
module only routes records between Beam transforms.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import sys
import time
import zlib

# Beam's BigQuery stub logs "apitools not found" when imported without the GCP extras: noise for this job.
logging.getLogger().addFilter(lambda record: "apitools not found" not in record.getMessage())

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.options.pipeline_options import PipelineOptions, SetupOptions, StandardOptions
from apache_beam.pvalue import AsList, AsSingleton, TaggedOutput

from capfilt.flags import StrictArgumentParser
from capfilt.ingest import dedup
from capfilt.ingest import report as ingest_report
from capfilt.ingest.config import IngestSettings
from capfilt.ingest.fetch import Fetcher
from capfilt.ingest.rows import (
    IMAGE_FORMATS,
    INPUT_SUFFIXES,
    IngestConfig,
    detect_format,
    download_shard,
    normalise_downloaded,
    prepare_text,
    read_candidates,
)
from capfilt.ingest.stats import ImageSizes, RejectCount, build_stats, kept_name, summary_line
from pipelines.common import options
from pipelines.common.interrupt import Interrupts
from pipelines.common.job_output import JobOutput
from pipelines.common.outcome import check_run, exit_status
from pipelines.common.rejects import REJECTS as REJECT
from pipelines.common.rejects import record_or_reject
from pipelines.common.runner import new_pipeline, pipeline_options
from pipelines.common.summary import announce, say_summary
from pipelines.common.unique_keys import KeyRenames, with_key
from pipelines.ingest_options import IngestOptions, ingest_settings
from schemas import (
    CANDIDATES,
    CAPTION,
    CAPTION_BOILERPLATE,
    HEIGHT,
    IMAGE,
    KEY,
    PAGE_URL,
    PAIRS,
    PHASH,
    REJECTS,
    SHA256,
    URL,
    WIDTH,
    Reject,
    expand,
    publish_file,
    write_table,
)

LOG = logging.getLogger("pipelines.ingest")
PROG = "python -m pipelines.ingest"
JOB = "pipelines.ingest"
NAMESPACE = "ingest"
# The output folders of each mode, and the files written last (stats.json, the last, marks completion).
DOWNLOAD_DIRECTORIES = ["pairs", "rejects"]
EXTRACT_DIRECTORIES = ["candidates", "rejects"]
FILES = ["report.html", "stats.json"]
# Rejects are small rows: many fit in one file.
REJECTS_PER_SHARD = 200_000
# report.html: kept rows shown, and examples per reject reason.
REPORT_SAMPLES = 12
EXAMPLES_PER_REASON = 3


def _reject(reject: Reject) -> TaggedOutput:
    """A Reject of this job, to the shared REJECTS tag (pipelines/common/rejects.py)."""
    return record_or_reject(reject, NAMESPACE)


def shard_of(key: str, shards: int) -> int:
    return zlib.crc32(key.encode()) % shards


def shard_count(rows: int, per_shard: int) -> int:
    return max(1, -(-rows // per_shard))


def shard_name(index: int, count: int) -> str:
    """Named like Beam's own shards (capfilt's outputs), so both jobs' folders look alike."""
    return f"part-{index:05d}-of-{count:05d}.parquet"


def sample_rank(key: str | None) -> str:
    """A stable pseudo-random order: the same rows are sampled on every run."""
    return hashlib.sha1((key or "").encode()).hexdigest()


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
    return dedup.url_identity(item[URL]) if item.get(URL) else f"no-url:{origin[0]}:{origin[1]}"


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
    by_key = {r[KEY]: r for r in records}
    losers = {d.loser: d for d in dedup.url_duplicates((r[KEY], r.get(CAPTION)) for r in records)}
    for key, record in by_key.items():
        if key in losers:
            yield _reject(Reject(key, record.get(URL), "dedup", losers[key].reason, losers[key].detail()))
        else:
            yield record


class DownloadShard(beam.DoFn):
    """A batch of candidates downloaded on a thread pool; one Fetcher (and robots.txt cache) per worker."""

    def __init__(self, config: IngestConfig):
        self.config = config
        self.fetcher = None

    def setup(self):
        self.fetcher = Fetcher(self.config.fetch)

    def teardown(self):
        if self.fetcher is not None:
            self.fetcher.close()

    def process(self, batch):
        started, ok = time.monotonic(), 0
        for result in download_shard(batch, self.fetcher, self.config.normalize, self.config.thread_count):
            ok += not isinstance(result, Reject)
            yield record_or_reject(result, NAMESPACE)
        Metrics.counter(NAMESPACE, "downloaded").inc(ok)
        LOG.info("downloaded shard: %d/%d images in %.1fs", ok, len(batch), time.monotonic() - started)


class NormaliseDownloaded(beam.DoFn):
    def __init__(self, config: IngestConfig):
        self.config = config

    def process(self, record):
        yield record_or_reject(normalise_downloaded(record, self.config.normalize), NAMESPACE)


def _exact_losers(group):
    _, keys = group
    for duplicate in dedup.exact_duplicates(keys):
        yield duplicate.loser, duplicate


def _bands(slim, threshold: int):
    key, _, phash = slim
    return [(band, (key, phash)) for band in dedup.band_keys(phash, threshold)]


def _near_losers(group, threshold: int):
    _, members = group
    for duplicate in dedup.near_duplicates(members, threshold):
        yield duplicate.loser, duplicate


def _verdict(group):
    """One verdict per duplicate: exact before near, then the earliest winner."""
    key, verdicts = group
    return key, dedup.first_verdict(verdicts)


class WritePairsShard(beam.DoFn):
    """Write one output shard, sorted by key, atomically; duplicates found by grouping become rejects."""

    def __init__(self, staging: str):
        self.staging = staging

    def process(self, element, shards: int):
        index, grouped = element
        verdicts = dict(grouped["verdicts"])
        rows = []
        for record in grouped["pairs"]:
            verdict = verdicts.get(record[KEY])
            if verdict:
                yield _reject(Reject(record[KEY], record.get(URL), "dedup", verdict.reason, verdict.detail()))
            else:
                rows.append({name: record.get(name) for name in PAIRS.names})
        rows.sort(key=lambda row: row[KEY])
        path = f"{self.staging}/pairs/{shard_name(index, shards)}"
        write_table(rows, PAIRS, path)
        Metrics.counter(NAMESPACE, "pairs_written").inc(len(rows))
        yield TaggedOutput("written", (f"pairs/{shard_name(index, shards)}", len(rows)))
        for row in rows:  # for the report's sizes and samples (fused with their combiners' first step)
            yield TaggedOutput("kept", row)


class WriteCandidatesShard(beam.DoFn):
    """--no_download: one shard of candidate pairs, sorted by key."""

    def __init__(self, staging: str):
        self.staging = staging

    def process(self, element, shards: int):
        index, grouped = element
        rows = sorted(
            ({name: record.get(name) for name in CANDIDATES.names} for record in grouped["rows"]),
            key=lambda row: row[KEY],
        )
        write_table(rows, CANDIDATES, f"{self.staging}/candidates/{shard_name(index, shards)}")
        yield (f"candidates/{shard_name(index, shards)}", len(rows))


class WriteRejectsShard(beam.DoFn):
    def __init__(self, staging: str):
        self.staging = staging

    def process(self, element, shards: int):
        index, grouped = element
        rows = sorted((r.as_row() for r in grouped["rejects"]), key=lambda r: (r[KEY] or "", r["stage"]))
        write_table(rows, REJECTS, f"{self.staging}/rejects/{shard_name(index, shards)}")
        yield f"rejects/{shard_name(index, shards)}"


def _shard_indices(count: int, per_shard: int):
    return [(i, None) for i in range(shard_count(count, per_shard))]


class SizesFn(beam.CombineFn):
    """capfilt.ingest.stats.ImageSizes as a CombineFn."""

    def create_accumulator(self):
        return ImageSizes()

    def add_input(self, sizes: ImageSizes, pair: dict):
        sizes.add(pair)
        return sizes

    def merge_accumulators(self, accumulators):
        merged = ImageSizes()
        for sizes in accumulators:
            merged.merge(sizes)
        return merged

    def extract_output(self, sizes: ImageSizes) -> dict:
        return sizes.summary()


def _sample_row(record: dict) -> dict:
    """What report.html shows of a kept row (a pair keeps its image bytes for the thumbnail)."""
    names = (KEY, URL, CAPTION, PAGE_URL, CAPTION_BOILERPLATE, WIDTH, HEIGHT, IMAGE)
    return {name: record.get(name) for name in names}


class Finalise(beam.DoFn):
    """After every shard is written: stats.json and report.html into the staging folder."""

    def __init__(self, staging: str, started: float, kept: str, run: dict):
        self.staging = staging
        self.started = started
        self.kept = kept
        self.run = run

    def process(self, _, input_rows, written, written_rejects, reject_counts, sizes, samples, examples):
        stats = build_stats(
            input_rows=sum(input_rows),
            pairs=sum(n for _, n in written),
            reject_counts=reject_counts,
            seconds=time.time() - self.started,
            output_files=[path for path, _ in written] + list(written_rejects),
            kept_name=self.kept,
            sizes=sizes[0] if sizes else None,
        )
        page = ingest_report.render(stats, samples, dict(examples), self.run)
        publish_file(f"{self.staging}/report.html", page)
        publish_file(f"{self.staging}/stats.json", json.dumps(stats, indent=2) + "\n")
        yield stats


def _shards_of(rows, per_shard: int, label: str):
    """(shard count as a side input, one (index, None) per shard so that empty shards are written too)."""
    count = rows | f"Count{label}" >> beam.combiners.Count.Globally()
    shards = AsSingleton(count | f"{label}Shards" >> beam.Map(shard_count, per_shard))
    return shards, count | f"{label}ShardIds" >> beam.FlatMap(_shard_indices, per_shard)


def download_and_write(unique_rows, config: IngestConfig, options, staging: str):
    """Download, normalise, drop duplicate images, write pairs/: (rejects, files written, pairs kept)."""
    have_image, to_fetch = unique_rows | "HasImage" >> beam.Partition(
        lambda r, _: 0 if r.get(IMAGE) else 1, 2
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
    slim = pairs | "Hashes" >> beam.Map(lambda r: (r[KEY], r[SHA256], r[PHASH]))
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

    pair_shards, every_pair_shard = _shards_of(pairs, options.rows_per_output_shard, "Pairs")
    written = (
        {
            "pairs": pairs | "PairsToShard" >> beam.Map(lambda r, n: (shard_of(r[KEY], n), r), pair_shards),
            "verdicts": verdicts
            | "VerdictToShard" >> beam.Map(lambda v, n: (shard_of(v[0], n), v), pair_shards),
            "shard": every_pair_shard,
        }
        | "GroupPairShards" >> beam.CoGroupByKey()
        | "WritePairs"
        >> beam.ParDo(WritePairsShard(staging), pair_shards).with_outputs(REJECT, "written", "kept")
    )
    rejects = (normalised[REJECT], downloaded[REJECT], written[REJECT])
    return rejects, written.written, written.kept


def write_candidates(unique_rows, options, staging: str):
    """--no_download: the de-duplicated candidates as they are, to candidates/."""
    shards, every_shard = _shards_of(unique_rows, options.rows_per_output_shard, "Candidates")
    return (
        {
            "rows": unique_rows
            | "CandidatesToShard" >> beam.Map(lambda r, n: (shard_of(r[KEY], n), r), shards),
            "shard": every_shard,
        }
        | "GroupCandidateShards" >> beam.CoGroupByKey()
        | "WriteCandidates" >> beam.ParDo(WriteCandidatesShard(staging), shards)
    )


def build(
    pipeline: beam.Pipeline, files: list[str], staging: str, config: IngestConfig, options, started, run
):
    """The whole job; writes under `staging`. `options.no_download` stops it before the first request."""
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
    if options.no_download:
        later_rejects, written, kept = (), write_candidates(unique.rows, options, staging), unique.rows
        sizes = pipeline | "NoSizes" >> beam.Create([])
    else:
        later_rejects, written, kept = download_and_write(unique.rows, config, options, staging)
        sizes = kept | "Sizes" >> beam.CombineGlobally(SizesFn())

    rejects = (unique[REJECT], *later_rejects) | "AllRejects" >> beam.Flatten()
    reject_shards, every_reject_shard = _shards_of(rejects, REJECTS_PER_SHARD, "Rejects")
    written_rejects = (
        {
            "rejects": rejects
            | "RejectsToShard" >> beam.Map(lambda r, n: (shard_of(r.key or "", n), r), reject_shards),
            "shard": every_reject_shard,
        }
        | "GroupRejectShards" >> beam.CoGroupByKey()
        | "WriteRejects" >> beam.ParDo(WriteRejectsShard(staging), reject_shards)
    )
    reject_counts = (
        rejects
        | "ByReason" >> beam.Map(lambda r: ((r.stage, r.reason), 1))
        | "CountByReason" >> beam.CombinePerKey(sum)
        | "RejectCounts" >> beam.MapTuple(lambda key, count: RejectCount(*key, count))
    )
    samples = (
        kept
        | "SampleRows" >> beam.Map(_sample_row)
        | "Samples"
        >> beam.combiners.Top.Of(REPORT_SAMPLES, key=lambda row: sample_rank(row[KEY]), reverse=True)
    )
    examples = (
        rejects
        | "ByReasonRow" >> beam.Map(lambda r: (f"{r.stage}/{r.reason}", r.as_row()))
        | "Examples"
        >> beam.combiners.Top.PerKey(
            EXAMPLES_PER_REASON, key=lambda row: sample_rank(row[KEY] or row["detail"]), reverse=True
        )
    )
    kept_kind = "candidates" if options.no_download else "pairs"
    return (
        pipeline
        | "Once" >> beam.Create([None])
        | "Finalise"
        >> beam.ParDo(
            Finalise(staging, started, kept_kind, run),
            AsList(read.input_rows),
            AsList(written),
            AsList(written_rejects),
            AsList(reject_counts),
            AsList(sizes),
            AsSingleton(samples),
            AsList(examples),
        )
    )


def parse_args(argv: list[str]) -> tuple[StrictArgumentParser, PipelineOptions]:
    """The parser (for error lines) and the options; an unknown or misspelt flag exits here with status 2."""
    parser = options.new_parser(__doc__, PROG)
    IngestOptions._add_argparse_args(parser)
    options.split_beam_args(parser, argv)
    return parser, pipeline_options(PipelineOptions(argv))


def check_extractable(files: list[str], config: IngestConfig) -> None:
    """--no_download reads crawl files and URL lists; an input that holds images has nothing to extract."""
    for path in files:
        fmt = detect_format(path) if config.input_format == "auto" else config.input_format
        if fmt in IMAGE_FORMATS:
            raise ValueError(
                f"--no_download extracts candidates from crawl files and URL lists; {path} is {fmt} input, "
                "whose images are already downloaded"
            )


def run_summary(ingest: IngestSettings, files: list[str], output: str) -> dict:
    """How the run was made, for report.html: a readable line, and every ingest flag folded below it."""
    return {
        "input": ingest.input,
        "input_files": len(files),
        "output": output,
        "mode": "extract only (--no_download)" if ingest.no_download else "download",
        "settings": dataclasses.asdict(ingest),
    }


def run(argv: list[str] | None = None) -> dict | None:
    """Run the job; returns what stats.json holds. A bad argument or output folder exits with status 2
    before Beam starts; RunCheckFailed when the finished run kept nothing or lost a record."""
    parser, beam_options = parse_args(list(sys.argv[1:] if argv is None else argv))
    ingest = ingest_settings(beam_options)
    missing = [f"--{name}" for name in ("input", "output") if not getattr(ingest, name)]
    if missing:
        parser.error(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")
    try:
        config = ingest.worker_config()
        files = expand(ingest.input, INPUT_SUFFIXES)
    except (ValueError, OSError) as error:
        parser.error(str(error))
    beam_options.view_as(SetupOptions).save_main_session = False
    if ingest.no_download:
        check_extractable(files, config)
    directories = EXTRACT_DIRECTORIES if ingest.no_download else DOWNLOAD_DIRECTORIES
    output = JobOutput(ingest.output, JOB, directories, FILES, overwrite=ingest.overwrite)
    runner = beam_options.view_as(StandardOptions).runner
    with output, Interrupts("ingest", output.interrupted, runner) as interrupts:
        output.open(files)
        announce("ingest", files, output)
        started, run_info = time.time(), run_summary(ingest, files, output.url)

        def run_pipeline() -> None:
            with new_pipeline(beam_options) as pipeline:
                build(pipeline, files, output.staging_url, config, ingest, started, run_info)

        interrupts.run(run_pipeline)
        stats = output.location.read_json(f"{output.staging}/stats.json")
        with interrupts.deferred():
            output.commit()
    kept = kept_name(stats)
    say_summary(summary_line(stats, output.url), stats["seconds"], stats[f"{kept}_per_second"], kept)
    check_run("ingest", output.url, stats, kept_name=kept, allow_empty=ingest.allow_empty_output)
    return stats


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    return exit_status(PROG, "ingest", run, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
