"""The ingest run's summary: counts per stage and reason, the accounting check, throughput."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from capfilt.accounting import accounting


def build_stats(
    input_rows: int,
    pairs: int,
    reject_counts: Iterable[tuple[tuple[str, str], int]],
    seconds: float,
    output_files: Iterable[str],
) -> dict:
    by_reason: Counter = Counter()
    by_stage: Counter = Counter()
    for (stage, reason), count in reject_counts:
        by_reason[f"{stage}/{reason}"] += count
        by_stage[stage] += count
    rejects = sum(by_stage.values())
    seconds = max(seconds, 1e-9)
    return {
        # input_rows, accounted, unaccounted: every input row ends exactly once in pairs or rejects.
        **accounting(input_rows, pairs, rejects),
        "pairs": pairs,
        "rejects": rejects,
        "rejects_by_stage": dict(sorted(by_stage.items())),
        "rejects_by_reason": dict(sorted(by_reason.items())),
        "seconds": round(seconds, 3),
        "input_rows_per_second": round(input_rows / seconds, 2),
        "pairs_per_second": round(pairs / seconds, 2),
        "files": sorted(output_files),
    }


def summary_line(stats: dict) -> str:
    top = sorted(stats["rejects_by_reason"].items(), key=lambda item: -item[1])[:5]
    reasons = ", ".join(f"{name} {count}" for name, count in top) or "none"
    return (
        f"ingest: {stats['input_rows']} rows -> {stats['pairs']} pairs, {stats['rejects']} rejects "
        f"({reasons}) in {stats['seconds']:.1f}s, {stats['pairs_per_second']:.1f} pairs/s"
    )
