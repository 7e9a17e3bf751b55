"""The flags of `python -m pipelines.ingest` as one dataclass, and the worker config they make.

Each field is one flag (capfilt.flags.add_dataclass_arguments); a default the workers also use is taken
from the worker's own config class (FetchConfig, NormalizeConfig, TextConfig, IngestConfig), so it is
stated once. `worker_config()` checks the values and builds capfilt.ingest.rows.IngestConfig.
"""

from __future__ import annotations

from dataclasses import dataclass

from capfilt.flags import option
from capfilt.ingest.fetch import DISALLOWED_DIRECTIVES, FetchConfig
from capfilt.ingest.netsafety import AddressPolicy, parse_networks
from capfilt.ingest.normalize import ENCODINGS, RESIZE_MODES, NormalizeConfig
from capfilt.ingest.rows import INPUT_FORMATS, IngestConfig
from capfilt.ingest.text import TextConfig

FETCH, NORMALIZE, TEXT, WORKER = FetchConfig(), NormalizeConfig(), TextConfig(), IngestConfig()


@dataclass
class IngestSettings:
    """Everything the ingest job takes besides Beam's own options."""

    # input and output
    input: str | None = option(
        None, "required: globs or folders of input files, comma-separated (fsspec paths)"
    )
    output: str | None = option(
        None,
        "required: output folder: pairs/ (or candidates/), rejects/, report.html, stats.json (fsspec path)",
    )
    overwrite: bool = option(
        False,
        "write into a non-empty folder that is not an earlier ingest output; only files ingest wrote there "
        "are replaced, anything else is kept",
    )
    allow_empty_output: bool = option(False, "exit 0 even when no row was kept (otherwise exit 1)")
    no_download: bool = option(
        False,
        "extract candidate pairs from crawl files and URL lists without contacting any host (no image, no "
        "robots.txt): writes candidates/, a URL list for a later run",
    )
    input_format: str = option(
        WORKER.input_format, "input file format; auto detects it per file", INPUT_FORMATS
    )
    url_col: str | None = option(WORKER.url_col, "URL column of a URL list (default: url, URL or image_url)")
    text_column: str | None = option(
        WORKER.text_column,
        "text column of a URL list or image-text table (default: caption, text, alt, TEXT, txt...)",
        aliases=("--caption_col",),
    )
    rows_per_output_shard: int = option(10_000, "pairs per output Parquet shard")
    shard_size: int = option(1000, "rows downloaded together by one worker")
    # download and safety
    thread_count: int = option(WORKER.thread_count, "download threads per shard")
    timeout: float = option(
        FETCH.timeout, "seconds a connect or read may wait for the next byte (see --request_deadline)"
    )
    request_deadline: float = option(
        FETCH.request_deadline,
        "seconds for a whole download attempt (connect, headers, body, redirects); not retried",
    )
    robots_deadline: float = option(
        FETCH.robots_deadline, "seconds for fetching one robots.txt (every image of the host waits for it)"
    )
    retries: int = option(FETCH.retries, "extra tries for transient failures")
    backoff: float = option(FETCH.backoff, "seconds before the first retry")
    max_backoff: float = option(FETCH.max_backoff, "longest wait between retries, seconds")
    max_retry_after: float = option(
        FETCH.max_retry_after, "longest Retry-After (429/503) waited for; a longer one is a reject"
    )
    max_redirects: int = option(FETCH.max_redirects, "redirect hops followed at most")
    max_bytes: int = option(FETCH.max_bytes, "largest accepted download, bytes")
    user_agent_token: str = option(
        FETCH.user_agent_token, "our name in the User-Agent and the robots.txt group we obey"
    )
    contact: str = option(FETCH.contact, "URL or mailto: in the User-Agent")
    disallowed_header_directives: tuple[str, ...] = option(
        DISALLOWED_DIRECTIVES, "X-Robots-Tag directives that opt an image out; empty to ignore the header"
    )
    ignore_robots_txt: bool = option(not FETCH.respect_robots, "do not read robots.txt")
    allow_private_networks: bool = option(
        FETCH.policy.allow_private_networks, "allow loopback, private and link-local hosts"
    )
    allow_networks: str = option("", "comma-separated CIDR ranges allowed although not public")
    # images and text
    image_size: int = option(NORMALIZE.image_size, "target side of stored images, pixels")
    resize_mode: str = option(
        NORMALIZE.resize_mode,
        "how images meet --image_size (img2dataset's modes; no keeps them as they are)",
        RESIZE_MODES,
    )
    allow_upscale: bool = option(
        NORMALIZE.allow_upscale,
        "enlarge images smaller than --image_size (off by default: upscaling adds no detail)",
    )
    resize_only_if_bigger: bool = option(
        False, "img2dataset's flag; this is the default here, kept so its command lines run"
    )
    encode_format: str = option(NORMALIZE.encode_format, "format of stored images", tuple(ENCODINGS))
    encode_quality: int = option(NORMALIZE.encode_quality, "JPEG/WebP quality, 1-100")
    max_pixels: int = option(
        NORMALIZE.max_pixels, "largest image accepted, in pixels; checked in the header before decoding"
    )
    min_image_size: int = option(NORMALIZE.min_image_size, "smallest accepted side, pixels")
    max_aspect_ratio: float = option(
        NORMALIZE.max_aspect_ratio, "largest accepted longer/shorter side ratio (0 accepts any)"
    )
    phash_threshold: int = option(
        WORKER.phash_threshold,
        "near-duplicate distance in perceptual-hash bits; -1 disables near-duplicate removal",
    )
    min_caption_chars: int = option(TEXT.min_caption_chars, "shortest accepted caption")
    max_caption_chars: int = option(TEXT.max_caption_chars, "longest accepted caption")

    def check_numbers(self) -> None:
        """Raise ValueError naming the first numeric flag whose value cannot work."""
        for flag, least in AT_LEAST.items():
            if getattr(self, flag) < least:
                raise ValueError(f"--{flag} must be at least {least}, got {getattr(self, flag)}")
        if not self.timeout > 0:
            raise ValueError(f"--timeout must be more than 0 seconds, got {self.timeout}")
        if not 1 <= self.encode_quality <= 100:
            raise ValueError(f"--encode_quality must be between 1 and 100, got {self.encode_quality}")
        if self.max_caption_chars < self.min_caption_chars:
            raise ValueError(
                f"--max_caption_chars ({self.max_caption_chars}) is below --min_caption_chars "
                f"({self.min_caption_chars})"
            )

    def worker_config(self) -> IngestConfig:
        """The config a worker runs with; raises ValueError naming the flag when a value is unusable."""
        self.check_numbers()
        directives = tuple(d.lower() for d in self.disallowed_header_directives)
        policy = AddressPolicy(self.allow_private_networks, parse_networks(self.allow_networks))
        fetch = FetchConfig(
            timeout=self.timeout,
            request_deadline=self.request_deadline,
            robots_deadline=self.robots_deadline,
            retries=self.retries,
            backoff=self.backoff,
            max_backoff=self.max_backoff,
            max_retry_after=self.max_retry_after,
            max_redirects=self.max_redirects,
            max_bytes=self.max_bytes,
            user_agent_token=self.user_agent_token,
            contact=self.contact,
            disallowed_header_directives=directives,
            respect_robots=not self.ignore_robots_txt,
            policy=policy,
        )
        if self.allow_upscale and self.resize_only_if_bigger:
            raise ValueError("--allow_upscale and --resize_only_if_bigger contradict each other: choose one")
        normalize = NormalizeConfig(
            image_size=self.image_size,
            resize_mode=self.resize_mode,
            allow_upscale=self.allow_upscale,
            encode_format=self.encode_format,
            encode_quality=self.encode_quality,
            max_pixels=self.max_pixels,
            min_image_size=self.min_image_size,
            max_aspect_ratio=self.max_aspect_ratio,
        )
        return IngestConfig(
            input_format=self.input_format,
            url_col=self.url_col or None,
            text_column=self.text_column or None,
            fetch=fetch,
            normalize=normalize,
            text=TextConfig(self.min_caption_chars, self.max_caption_chars),
            thread_count=self.thread_count,
            phash_threshold=self.phash_threshold,
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

# The sections of `python -m pipelines.ingest --help`, by field name.
HELP_GROUPS = {
    "ingest: input and output": (
        "input", "output", "overwrite", "allow_empty_output", "no_download", "input_format", "url_col",
        "text_column", "rows_per_output_shard", "shard_size",
    ),
    "ingest: download and safety": (
        "thread_count", "timeout", "request_deadline", "robots_deadline", "retries", "backoff", "max_backoff",
        "max_retry_after", "max_redirects", "max_bytes", "user_agent_token", "contact",
        "disallowed_header_directives", "ignore_robots_txt", "allow_private_networks", "allow_networks",
    ),
    "ingest: images and text": (
        "image_size", "resize_mode", "allow_upscale", "resize_only_if_bigger", "encode_format",
        "encode_quality", "max_pixels", "min_image_size", "max_aspect_ratio", "phash_threshold",
        "min_caption_chars", "max_caption_chars",
    ),
}  # fmt: skip
