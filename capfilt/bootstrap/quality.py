"""How good a CapFilt run on the crawled demo world is, measured against the world's ground truth.

Ingest gives crawled pairs keys of its own (file-record-position), so labels are joined through the image
URL, whose file name is the world key (`.../images/web-000042.jpg`). Images without a world key (the
site's trap images that ingest kept) have no ground truth and are only counted.

- web text T_w: the filter's precision and recall at keeping correct web text (label `noise == "correct"`)
  and the share of noisy web text it drops;
- synthetic captions T_s: the share graded correct by `capfilt.world.grading` (every object named, nothing
  false) among all of them and among the kept ones, and the noise ratio, the share of T_s the filter
  rejects (BLIP paper: 25% with nucleus sampling).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import schemas
from capfilt.world.grading import caption_is_correct, text_matches_scene

WORLD_IMAGE = re.compile(r"^((?:web|human|test|classify)-\d+)\.jpg$")
CORRECT = "correct"


def world_key_of(url: str | None) -> str | None:
    """The world key a demo-site image URL was published under, or None for any other URL."""
    if not url:
        return None
    match = WORLD_IMAGE.match(PurePosixPath(urlsplit(url).path).name)
    return match.group(1) if match else None


def read_labels(files: Iterable[str]) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    for path in files:
        for row in schemas.iter_records(path, schemas.LABELS):
            labels[row["key"]] = row
    return labels


def relabel_ingested(pair_files: Iterable[str], world_labels: dict[str, dict]) -> list[dict]:
    """`labels` rows keyed by the ingested pairs' keys (for `pipelines.capfilt --quality_labels`)."""
    rows = []
    for path in pair_files:
        for pair in schemas.iter_records(path, schemas.PAIRS):
            label = world_labels.get(world_key_of(pair["url"]) or "")
            if label:
                rows.append({**label, "key": pair["key"]})
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def curation_quality(scored: Iterable[dict], labels: dict[str, dict]) -> dict:
    """Quality of CapFilt's verdicts; `scored` are curated ∪ dropped rows, `labels` keyed like them."""
    web = {"correct_kept": 0, "correct_dropped": 0, "noisy_kept": 0, "noisy_dropped": 0}
    syn = {"total": 0, "kept": 0, "correct": 0, "kept_correct": 0, "true": 0, "kept_true": 0}
    unlabelled = 0
    for row in scored:
        label = labels.get(row["key"])
        if label is None:
            unlabelled += 1
            continue
        verdict = "kept" if row["web_kept"] else "dropped"
        web[f"{'correct' if label['noise'] == CORRECT else 'noisy'}_{verdict}"] += 1
        for caption in row["synthetic"] or []:
            correct = caption_is_correct(caption["text"], label["objects"])
            # "True": names some objects and nothing false, though maybe not every object.
            true = correct or text_matches_scene(caption["text"], label["objects"])
            syn["total"] += 1
            syn["correct"] += correct
            syn["true"] += true
            if caption["kept"]:
                syn["kept"] += 1
                syn["kept_correct"] += correct
                syn["kept_true"] += true
    kept_web = web["correct_kept"] + web["noisy_kept"]
    correct_web = web["correct_kept"] + web["correct_dropped"]
    noisy_web = web["noisy_kept"] + web["noisy_dropped"]
    return {
        "labelled_images": sum(web.values()),
        "unlabelled_images": unlabelled,
        "web": {
            **web,
            "precision": _share(web["correct_kept"], kept_web),
            "recall": _share(web["correct_kept"], correct_web),
            "noisy_dropped_fraction": _share(web["noisy_dropped"], noisy_web),
            "correct_fraction_before": _share(correct_web, sum(web.values())),
        },
        "synthetic": {
            **syn,
            "correct_fraction": _share(syn["correct"], syn["total"]),
            "kept_correct_fraction": _share(syn["kept_correct"], syn["kept"]),
            "true_fraction": _share(syn["true"], syn["total"]),
            "kept_true_fraction": _share(syn["kept_true"], syn["kept"]),
            "noise_ratio": _share(syn["total"] - syn["kept"], syn["total"]),
        },
    }
