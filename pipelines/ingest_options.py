"""Flags of `python -m pipelines.ingest`, each mapped one to one onto a field of capfilt's configs."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

from capfilt.fetch import DISALLOWED_DIRECTIVES, FetchConfig
from capfilt.ingest_rows import INPUT_FORMATS, IngestConfig
from capfilt.netsafety import AddressPolicy, parse_networks
from capfilt.normalize import ENCODINGS, RESIZE_MODES, NormalizeConfig
from capfilt.text import TextConfig

FETCH, NORMALIZE, TEXT = FetchConfig(), NormalizeConfig(), TextConfig()
INGEST = IngestConfig()


class IngestOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        io = parser.add_argument_group("ingest: input and output")
        io.add_argument("--input", help="glob or comma-separated globs of input files (fsspec paths)")
        io.add_argument(
            "--output",
            help="output folder: pairs/ (or candidates/), rejects/, report.html, stats.json (fsspec path)",
        )
        io.add_argument(
            "--overwrite",
            action="store_true",
            help="write into a non-empty folder that is not an earlier ingest output; only files ingest "
            "wrote there are replaced, anything else is kept",
        )
        io.add_argument(
            "--allow_empty_output", action="store_true", help="exit 0 even when no row was kept (default: 1)"
        )
        io.add_argument(
            "--no_download",
            action="store_true",
            help="extract candidate pairs from crawl files and URL lists without contacting any host (no "
            "image, no robots.txt): writes candidates/, a URL list for a later run",
        )
        io.add_argument("--input_format", default=INGEST.input_format, choices=INPUT_FORMATS)
        io.add_argument("--url_col", default=INGEST.url_col, help="URL column of a URL list")
        io.add_argument("--caption_col", default=INGEST.caption_col, help="caption column of a URL list")
        io.add_argument("--rows_per_output_shard", type=int, default=10_000)
        io.add_argument("--shard_size", type=int, default=1000, help="rows downloaded together by one worker")

        net = parser.add_argument_group("ingest: download and safety")
        net.add_argument("--thread_count", type=int, default=INGEST.thread_count)
        net.add_argument("--timeout", type=float, default=FETCH.timeout, help="seconds per request")
        net.add_argument(
            "--retries", type=int, default=FETCH.retries, help="extra tries for transient failures"
        )
        net.add_argument(
            "--backoff", type=float, default=FETCH.backoff, help="seconds before the first retry"
        )
        net.add_argument("--max_backoff", type=float, default=FETCH.max_backoff)
        net.add_argument("--max_redirects", type=int, default=FETCH.max_redirects)
        net.add_argument("--max_bytes", type=int, default=FETCH.max_bytes, help="largest accepted download")
        net.add_argument("--user_agent_token", default=FETCH.user_agent_token)
        net.add_argument("--contact", default=FETCH.contact, help="URL or mailto: in the User-Agent")
        net.add_argument(
            "--disallowed_header_directives",
            default=",".join(DISALLOWED_DIRECTIVES),
            help="X-Robots-Tag directives that opt an image out; empty to ignore the header",
        )
        net.add_argument("--ignore_robots_txt", action="store_true", help="do not read robots.txt")
        net.add_argument(
            "--allow_private_networks",
            action="store_true",
            help="allow loopback, private and link-local hosts",
        )
        net.add_argument("--allow_networks", default="", help="CIDR ranges allowed although not public")

        image = parser.add_argument_group("ingest: images and text")
        image.add_argument("--image_size", type=int, default=NORMALIZE.image_size)
        image.add_argument("--resize_mode", default=NORMALIZE.resize_mode, choices=RESIZE_MODES)
        image.add_argument("--resize_only_if_bigger", action="store_true")
        image.add_argument("--encode_format", default=NORMALIZE.encode_format, choices=tuple(ENCODINGS))
        image.add_argument("--encode_quality", type=int, default=NORMALIZE.encode_quality)
        image.add_argument("--max_pixels", type=int, default=NORMALIZE.max_pixels)
        image.add_argument("--min_image_size", type=int, default=NORMALIZE.min_image_size)
        image.add_argument("--phash_threshold", type=int, default=INGEST.phash_threshold)
        image.add_argument("--min_caption_chars", type=int, default=TEXT.min_caption_chars)
        image.add_argument("--max_caption_chars", type=int, default=TEXT.max_caption_chars)


def ingest_config(options: IngestOptions) -> IngestConfig:
    """The config a worker runs with; raises ValueError naming the flag when a value is unusable."""
    directives = tuple(
        d.strip().lower() for d in options.disallowed_header_directives.split(",") if d.strip()
    )
    policy = AddressPolicy(options.allow_private_networks, parse_networks(options.allow_networks))
    fetch = FetchConfig(
        timeout=options.timeout,
        retries=options.retries,
        backoff=options.backoff,
        max_backoff=options.max_backoff,
        max_redirects=options.max_redirects,
        max_bytes=options.max_bytes,
        user_agent_token=options.user_agent_token,
        contact=options.contact,
        disallowed_header_directives=directives,
        respect_robots=not options.ignore_robots_txt,
        policy=policy,
    )
    normalize = NormalizeConfig(
        image_size=options.image_size,
        resize_mode=options.resize_mode,
        resize_only_if_bigger=options.resize_only_if_bigger,
        encode_format=options.encode_format,
        encode_quality=options.encode_quality,
        max_pixels=options.max_pixels,
        min_image_size=options.min_image_size,
    )
    text = TextConfig(options.min_caption_chars, options.max_caption_chars)
    for flag in ("thread_count", "shard_size", "rows_per_output_shard"):
        if getattr(options, flag) < 1:
            raise ValueError(f"--{flag} must be at least 1, got {getattr(options, flag)}")
    return IngestConfig(
        input_format=options.input_format,
        url_col=options.url_col,
        caption_col=options.caption_col or None,
        fetch=fetch,
        normalize=normalize,
        text=text,
        thread_count=options.thread_count,
        phash_threshold=options.phash_threshold,
    )
