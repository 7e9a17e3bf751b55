"""Writing the demo world: every split as Parquet part files, the ground truth apart, and world.json."""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator

import fsspec
from tqdm import tqdm

import schemas
from capfilt.world.clips import SPLIT as CLIPS_SPLIT
from capfilt.world.clips import clip_example
from capfilt.world.config import WorldConfig
from capfilt.world.documents import SPLIT as DOCUMENTS_SPLIT
from capfilt.world.documents import document_example
from capfilt.world.examples import PAIR_SPLITS, pair_example
from capfilt.world.nlvr2 import SPLITS as NLVR2_SPLITS
from capfilt.world.nlvr2 import nlvr2_example
from schemas.nlvr2 import NLVR2


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


def _write_parts(
    output: str, split: str, rows: Iterator[dict], schema, rows_per_part: int, count: int
) -> list[str]:
    """Write `rows` as part-00000.parquet, part-00001.parquet, ...; remove stale parts of an earlier run."""
    directory = _join(output, split)
    fs, _, (local_dir,) = fsspec.get_fs_token_paths(directory)
    stale = fs.glob(f"{local_dir}/part-*.parquet") if fs.exists(local_dir) else []
    written = []
    for part in range(max(1, -(-count // rows_per_part))):
        chunk = [next(rows) for _ in range(min(rows_per_part, count - part * rows_per_part))]
        written.append(schemas.write_table(chunk, schema, _join(directory, f"part-{part:05d}.parquet")))
    keep = {path.rsplit("/", 1)[-1] for path in written}
    for path in stale:
        if path.rsplit("/", 1)[-1] not in keep:
            fs.rm(path)
    return written


def _split_rows(
    example: Callable[[int], tuple[dict, dict | list[dict]]], count: int, labels: list[dict], bar: tqdm
) -> Iterator[dict]:
    """Corpus rows of one split, collecting their labels on the side."""
    for index in range(count):
        row, label = example(index)
        labels.extend(label if isinstance(label, list) else [label])
        bar.update(1)
        yield row


def generate_world(output: str, config: WorldConfig | None = None, progress: bool = True) -> dict:
    """Generate the demo world under `output` (any fsspec path). Returns what world.json holds."""
    config = config or WorldConfig()
    started = time.perf_counter()
    plan: list[tuple[str, int, Callable, object]] = [
        (split, getattr(config, split), lambda i, s=split: pair_example(config, s, i), schemas.PAIRS)
        for split in PAIR_SPLITS
    ]
    plan.append((DOCUMENTS_SPLIT, config.documents, lambda i: document_example(config, i), schemas.DOCUMENTS))
    plan.append((CLIPS_SPLIT, config.clips, lambda i: clip_example(config, i), schemas.CLIPS))
    # Downstream tasks, written only when asked for (their folders are named by the config field).
    for name in NLVR2_SPLITS:
        if getattr(config, name):
            plan.append((name, getattr(config, name), lambda i, n=name: nlvr2_example(config, n, i), NLVR2))

    counts: dict[str, int] = {}
    noise = Counter()
    with tqdm(
        total=sum(count for _, count, _, _ in plan), desc="world", unit="rec", disable=not progress
    ) as bar:
        for split, count, example, schema in plan:
            bar.set_postfix_str(split)
            labels: list[dict] = []
            rows = _split_rows(example, count, labels, bar)
            _write_parts(output, split, rows, schema, config.rows_per_part, count)
            schemas.write_table(labels, schemas.LABELS, _join(output, "labels", f"{split}.parquet"))
            counts[split] = count
            noise.update(label["noise"] for label in labels if label["noise"])
            if split == DOCUMENTS_SPLIT:
                counts["document_images"] = len(labels)

    seconds = time.perf_counter() - started
    images = (
        sum(counts[s] for s in PAIR_SPLITS)
        + counts["document_images"]
        + counts["clips"] * config.clip_frames
        + 2 * sum(counts.get(name, 0) for name in NLVR2_SPLITS)
    )
    summary = {
        "config": config.as_dict(),
        "counts": counts,
        "web_noise": dict(sorted(noise.items())),
        "images": images,
        "seconds": round(seconds, 3),
    }
    with fsspec.open(_join(output, "world.json"), "w") as handle:
        json.dump(summary, handle, indent=2)
    if progress:
        print(
            f"world: {counts['web']} web, {counts['human']} human, {counts['test']} test, "
            f"{counts['classify']} classify, {counts['documents']} documents, {counts['clips']} clips "
            f"({images} images at {config.image_size} px) in {seconds:.1f} s "
            f"({images / max(seconds, 1e-9):.0f} images/s) -> {output}",
            file=sys.stderr,
        )
    return summary
