"""The ingest run's summary: counts per stage and reason, the accounting check, image sizes, throughput."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from capfilt.accounting import accounting

# Buckets of the original image's shorter side, in pixels: what the crawl offered before any resize.
SIDE_BUCKETS = (64, 128, 256, 512, 1024)


def side_bucket(side: int) -> str:
    lower = 0
    for upper in SIDE_BUCKETS:
        if side < upper:
            return f"{lower}-{upper - 1}"
        lower = upper
    return f"{lower}+"


@dataclass
class ImageSizes:
    """Stored bytes and original sizes of the kept pairs, mergeable across workers."""

    images: int = 0
    stored_bytes: int = 0
    largest_bytes: int = 0
    resized: int = 0
    original_short_side: Counter = field(default_factory=Counter)

    def add(self, pair: dict) -> None:
        size = len((pair.get("image") or {}).get("bytes") or b"")
        self.images += 1
        self.stored_bytes += size
        self.largest_bytes = max(self.largest_bytes, size)
        width, height = pair.get("width") or 0, pair.get("height") or 0
        original = (pair.get("original_width") or width, pair.get("original_height") or height)
        self.resized += int(original != (width, height))
        self.original_short_side[side_bucket(min(original))] += 1

    def merge(self, other: ImageSizes) -> ImageSizes:
        self.images += other.images
        self.stored_bytes += other.stored_bytes
        self.largest_bytes = max(self.largest_bytes, other.largest_bytes)
        self.resized += other.resized
        self.original_short_side.update(other.original_short_side)
        return self

    def summary(self) -> dict:
        order = [side_bucket(0)] + [side_bucket(upper) for upper in SIDE_BUCKETS]
        return {
            "images": self.images,
            "stored_bytes": self.stored_bytes,
            "mean_stored_bytes": round(self.stored_bytes / self.images) if self.images else None,
            "largest_stored_bytes": self.largest_bytes,
            "resized": self.resized,
            "original_short_side": {
                b: self.original_short_side[b] for b in order if self.original_short_side[b]
            },
        }


class RejectCount(NamedTuple):
    """How many records the run rejected at one stage for one reason."""

    stage: str
    reason: str
    count: int


def build_stats(
    input_rows: int,
    pairs: int,
    reject_counts: Iterable[RejectCount],
    seconds: float,
    output_files: Iterable[str],
    kept_name: str = "pairs",
    sizes: dict | None = None,
) -> dict:
    """`kept_name` is "pairs" (downloaded) or "candidates" (--no_download)."""
    by_reason: Counter = Counter()
    by_stage: Counter = Counter()
    for rejected in reject_counts:
        by_reason[f"{rejected.stage}/{rejected.reason}"] += rejected.count
        by_stage[rejected.stage] += rejected.count
    rejects = sum(by_stage.values())
    seconds = max(seconds, 1e-9)
    stats = {
        "mode": "download" if kept_name == "pairs" else "extract",
        # input_rows, accounted, unaccounted: every input row ends exactly once in the output or in rejects.
        **accounting(input_rows, pairs, rejects),
        kept_name: pairs,
        "rejects": rejects,
        "rejects_by_stage": dict(sorted(by_stage.items())),
        "rejects_by_reason": dict(sorted(by_reason.items())),
        "seconds": round(seconds, 3),
        "input_rows_per_second": round(input_rows / seconds, 2),
        f"{kept_name}_per_second": round(pairs / seconds, 2),
        "files": sorted(output_files),
    }
    if sizes is not None:
        stats["sizes"] = sizes
    return stats


def kept_name(stats: dict) -> str:
    return "candidates" if stats.get("mode") == "extract" else "pairs"


def summary_line(stats: dict, output: str) -> str:
    """The counts of the line a run ends with (the job adds its time and rate)."""
    top = sorted(stats["rejects_by_reason"].items(), key=lambda item: (-item[1], item[0]))[:5]
    reasons = ", ".join(f"{name} {count}" for name, count in top) or "none"
    kept = kept_name(stats)
    return (
        f"ingest: {stats['input_rows']} rows -> {stats[kept]} {kept}, {stats['rejects']} rejects "
        f"({reasons}) -> {output}"
    )
