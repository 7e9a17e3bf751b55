"""The training corpora of BLIP's CapFilt ablation (paper, Table 1), built from one CapFilt run.

CapFilt stores every score, kept or not (`curated/` holds kept images, `dropped/` the images none of whose
texts survived), so every arm comes from the same run of the same captioner and filter:

| arm         | images                                 | texts an image trains with                 |
|-------------|----------------------------------------|--------------------------------------------|
| `none`      | every scored image                     | its web text T_w (raw web data)            |
| `filter`    | images whose T_w the filter kept       | T_w                                        |
| `captioner` | every scored image                     | T_w and every synthetic caption T_s        |
| `capfilt`   | images with any kept text (`curated/`) | the kept texts: filtered T_w and T_s       |

Every arm also holds the clean human pairs (COCO's role in the paper), with their reference captions.
Each corpus is one `curated` Parquet file, rows shuffled, so any number of loader workers sees a mix.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import schemas

ARMS = ("none", "filter", "captioner", "capfilt")
ARM_TITLES = {
    "none": "No CapFilt (raw web text)",
    "filter": "Filter only",
    "captioner": "Captioner only",
    "capfilt": "Captioner + Filter",
}


def arm_captions(row: dict, arm: str) -> list[str]:
    """The texts of one CapFilt output row (curated or dropped) that `arm` trains on; [] leaves it out."""
    web = row["web_caption"]
    synthetic = [s["text"] for s in row["synthetic"] or [] if s["text"]]
    if arm == "none":
        return [web] if web else []
    if arm == "filter":
        return [web] if web and row["web_kept"] else []
    if arm == "captioner":
        return ([web] if web else []) + synthetic
    if arm == "capfilt":
        return list(row["captions"] or [])
    raise ValueError(f"unknown arm {arm!r}; choose one of {', '.join(ARMS)}")


def pair_as_curated(pair: dict, captions: list[str]) -> dict:
    """A `pairs` row as a `curated` row that trains on `captions` (no scores: nothing was filtered)."""
    return {
        **{name: pair.get(name) for name in ("key", "url", "page_url", "image", "width", "height", "sha256")},
        "source": pair.get("source"),
        "web_caption": pair.get("caption"),
        "web_score": None,
        "web_kept": None,
        "synthetic": [],
        "captions": captions,
        "captioner": None,
        "filter": None,
        "policy": None,
    }


def human_rows(files: Iterable[str]) -> Iterator[dict]:
    """Clean pairs with their human references as the texts to train on."""
    for path in files:
        for pair in schemas.iter_records(path, schemas.PAIRS):
            references = [t for t in pair["references"] or [] if t]
            yield pair_as_curated(pair, references or [pair["caption"]])


def web_rows(pair_files: Iterable[str]) -> Iterator[dict]:
    """Ingested web pairs trained on their raw web text (the corpus before CapFilt)."""
    for path in pair_files:
        for pair in schemas.iter_records(path, schemas.PAIRS):
            if pair["caption"]:
                yield pair_as_curated(pair, [pair["caption"]])


def capfilt_rows(capfilt_output: str) -> list[dict]:
    """Every image CapFilt scored: curated/ (kept) then dropped/ (nothing kept)."""
    rows: list[dict] = []
    for kind in ("curated", "dropped"):
        for path in schemas.expand(f"{capfilt_output.rstrip('/')}/{kind}/*.parquet"):
            rows.extend(schemas.iter_records(path, schemas.CURATED))
    if not rows:
        raise ValueError(f"{capfilt_output}: no curated/ or dropped/ rows")
    return rows


def arm_rows(scored: Iterable[dict], arm: str) -> Iterator[dict]:
    for row in scored:
        captions = arm_captions(row, arm)
        if captions:
            yield {**row, "captions": captions}


def write_corpus(rows: Iterable[dict], path: Path, seed: int) -> dict:
    """Shuffle the rows (seeded) into one `curated` file; returns its image and text counts."""
    rows = list(rows)
    random.Random(f"corpus:{seed}").shuffle(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    schemas.write_table(rows, schemas.CURATED, str(path))
    return {"images": len(rows), "texts": sum(len(r["captions"]) for r in rows), "file": str(path)}


def write_arm_corpora(
    capfilt_output: str, human_files: list[str], directory: Path, seed: int, arms: Iterable[str] = ARMS
) -> dict[str, dict]:
    """One training file per arm (CapFilt's web rows for that arm + every human pair); counts per arm."""
    scored = capfilt_rows(capfilt_output)
    human = list(human_rows(human_files))
    counts = {}
    for arm in arms:
        web = list(arm_rows(scored, arm))
        counts[arm] = write_corpus(web + human, directory / f"{arm}.parquet", seed)
        counts[arm]["web_images"] = len(web)
        counts[arm]["web_texts"] = sum(len(r["captions"]) for r in web)
    return counts
