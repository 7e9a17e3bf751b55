"""Flags of `python -m pipelines.ingest`, each mapped one to one onto a field of capfilt's configs."""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

from capfilt.ingest.fetch import DISALLOWED_DIRECTIVES, FetchConfig
from capfilt.ingest.netsafety import AddressPolicy, parse_networks
from capfilt.ingest.normalize import ENCODINGS, RESIZE_MODES, NormalizeConfig
from capfilt.ingest.rows import INPUT_FORMATS, IngestConfig
from capfilt.ingest.text import TextConfig

FETCH, NORMALIZE, TEXT = FetchConfig(), NormalizeConfig(), TextConfig()
INGEST = IngestConfig()


class IngestOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        io = parser.add_argument_group("ingest: input and output")
        io.add_argument(
            "--input",
            help="required: globs or folders of input files, comma-separated (fsspec paths)",
        )
        io.add_argument(
            "--output",
            help="required: output folder: pairs/ (or candidates/), rejects/, report.html, stats.json "
            "(fsspec path)",
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
        io.add_argument(
            "--input_format",
            default=INGEST.input_format,
            choices=INPUT_FORMATS,
            help="input file format; auto detects it per file",
        )
        io.add_argument(
            "--url_col",
            default=INGEST.url_col,
            help="URL column of a URL list (default: url, URL or image_url)",
        )
        io.add_argument(
            "--text_column",
            "--caption_col",
            dest="text_column",
            default=INGEST.text_column,
            help="text column of a URL list or image-text table (default: caption, text, alt, TEXT, txt...)",
        )
        io.add_argument(
            "--rows_per_output_shard", type=int, default=10_000, help="pairs per output Parquet shard"
        )
        io.add_argument("--shard_size", type=int, default=1000, help="rows downloaded together by one worker")

        net = parser.add_argument_group("ingest: download and safety")
        net.add_argument(
            "--thread_count", type=int, default=INGEST.thread_count, help="download threads per shard"
        )
        net.add_argument(
            "--timeout",
            type=float,
            default=FETCH.timeout,
            help="seconds a connect or read may wait for the next byte (see --request_deadline)",
        )
        net.add_argument(
            "--request_deadline",
            type=float,
            default=FETCH.request_deadline,
            help="seconds for a whole download attempt (connect, headers, body, redirects); not retried",
        )
        net.add_argument(
            "--robots_deadline",
            type=float,
            default=FETCH.robots_deadline,
            help="seconds for fetching one robots.txt (every image of the host waits for it)",
        )
        net.add_argument(
            "--retries", type=int, default=FETCH.retries, help="extra tries for transient failures"
        )
        net.add_argument(
            "--backoff", type=float, default=FETCH.backoff, help="seconds before the first retry"
        )
        net.add_argument(
            "--max_backoff",
            type=float,
            default=FETCH.max_backoff,
            help="longest wait between retries, seconds",
        )
        net.add_argument(
            "--max_retry_after",
            type=float,
            default=FETCH.max_retry_after,
            help="longest Retry-After (429/503) waited for; a longer one is a reject",
        )
        net.add_argument(
            "--max_redirects", type=int, default=FETCH.max_redirects, help="redirect hops followed at most"
        )
        net.add_argument(
            "--max_bytes", type=int, default=FETCH.max_bytes, help="largest accepted download, bytes"
        )
        net.add_argument(
            "--user_agent_token",
            default=FETCH.user_agent_token,
            help="our name in the User-Agent and the robots.txt group we obey",
        )
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
        net.add_argument(
            "--allow_networks", default="", help="comma-separated CIDR ranges allowed although not public"
        )

        image = parser.add_argument_group("ingest: images and text")
        image.add_argument(
            "--image_size",
            type=int,
            default=NORMALIZE.image_size,
            help="target side of stored images, pixels",
        )
        image.add_argument(
            "--resize_mode",
            default=NORMALIZE.resize_mode,
            choices=RESIZE_MODES,
            help="how images meet --image_size (img2dataset's modes; no keeps them as they are)",
        )
        image.add_argument(
            "--allow_upscale",
            action="store_true",
            help="enlarge images smaller than --image_size (off by default: upscaling adds no detail)",
        )
        image.add_argument(
            "--resize_only_if_bigger",
            action="store_true",
            help="img2dataset's flag; this is the default here, kept so its command lines run",
        )
        image.add_argument(
            "--encode_format",
            default=NORMALIZE.encode_format,
            choices=tuple(ENCODINGS),
            help="format of stored images",
        )
        image.add_argument(
            "--encode_quality", type=int, default=NORMALIZE.encode_quality, help="JPEG/WebP quality, 1-100"
        )
        image.add_argument(
            "--max_pixels",
            type=int,
            default=NORMALIZE.max_pixels,
            help="largest image accepted, in pixels; checked in the header before decoding",
        )
        image.add_argument(
            "--min_image_size",
            type=int,
            default=NORMALIZE.min_image_size,
            help="smallest accepted side, pixels",
        )
        image.add_argument(
            "--max_aspect_ratio",
            type=float,
            default=NORMALIZE.max_aspect_ratio,
            help="largest accepted longer/shorter side ratio (0 accepts any)",
        )
        image.add_argument(
            "--phash_threshold",
            type=int,
            default=INGEST.phash_threshold,
            help="near-duplicate distance in perceptual-hash bits; -1 disables near-duplicate removal",
        )
        image.add_argument(
            "--min_caption_chars", type=int, default=TEXT.min_caption_chars, help="shortest accepted caption"
        )
        image.add_argument(
            "--max_caption_chars", type=int, default=TEXT.max_caption_chars, help="longest accepted caption"
        )


# The smallest value each numeric flag accepts; a smaller one is refused before the pipeline starts.
AT_LEAST = {
    "rows_per_output_shard": 1,
    "shard_size": 1,
    "thread_count": 1,
    "retries": 0,
    "backoff": 0,
    "max_backoff": 0,
    "max_redirects": 0,
    "max_bytes": 1,
    "max_pixels": 1,
    "min_image_size": 0,
    "max_aspect_ratio": 0,
    "phash_threshold": -1,
    "min_caption_chars": 0,
    "max_caption_chars": 0,
}


def check_numbers(options: IngestOptions) -> None:
    """Raise ValueError naming the first numeric flag whose value cannot work."""
    for flag, least in AT_LEAST.items():
        if getattr(options, flag) < least:
            raise ValueError(f"--{flag} must be at least {least}, got {getattr(options, flag)}")
    if not options.timeout > 0:
        raise ValueError(f"--timeout must be more than 0 seconds, got {options.timeout}")
    if not 1 <= options.encode_quality <= 100:
        raise ValueError(f"--encode_quality must be between 1 and 100, got {options.encode_quality}")
    if options.max_caption_chars < options.min_caption_chars:
        raise ValueError(
            f"--max_caption_chars ({options.max_caption_chars}) is below --min_caption_chars "
            f"({options.min_caption_chars})"
        )


def ingest_config(options: IngestOptions) -> IngestConfig:
    """The config a worker runs with; raises ValueError naming the flag when a value is unusable."""
    check_numbers(options)
    directives = tuple(
        d.strip().lower() for d in options.disallowed_header_directives.split(",") if d.strip()
    )
    policy = AddressPolicy(options.allow_private_networks, parse_networks(options.allow_networks))
    fetch = FetchConfig(
        timeout=options.timeout,
        request_deadline=options.request_deadline,
        robots_deadline=options.robots_deadline,
        retries=options.retries,
        backoff=options.backoff,
        max_backoff=options.max_backoff,
        max_retry_after=options.max_retry_after,
        max_redirects=options.max_redirects,
        max_bytes=options.max_bytes,
        user_agent_token=options.user_agent_token,
        contact=options.contact,
        disallowed_header_directives=directives,
        respect_robots=not options.ignore_robots_txt,
        policy=policy,
    )
    if options.allow_upscale and options.resize_only_if_bigger:
        raise ValueError("--allow_upscale and --resize_only_if_bigger contradict each other: choose one")
    normalize = NormalizeConfig(
        image_size=options.image_size,
        resize_mode=options.resize_mode,
        allow_upscale=options.allow_upscale,
        encode_format=options.encode_format,
        encode_quality=options.encode_quality,
        max_pixels=options.max_pixels,
        min_image_size=options.min_image_size,
        max_aspect_ratio=options.max_aspect_ratio,
    )
    text = TextConfig(options.min_caption_chars, options.max_caption_chars)
    return IngestConfig(
        input_format=options.input_format,
        url_col=options.url_col or None,
        text_column=options.text_column or None,
        fetch=fetch,
        normalize=normalize,
        text=text,
        thread_count=options.thread_count,
        phash_threshold=options.phash_threshold,
    )
