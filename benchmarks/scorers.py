"""Which scorer, or combination of scorers, best separates good texts from bad, on the demo world's truth.

Each `web` image gets its alt text T_w and `--num_captions` synthetic captions T_s from the demo captioner
(nucleus sampling, as CapFilt runs it). Ground truth: T_w is good when its noise type is "correct"
(labels/web.parquet); a T_s is good when it names every object's colour and shape and nothing false
(capfilt.world.grading.caption_is_correct). Every text is scored by the ITM filter (`itm`, the match
probability) and by a CLIP checkpoint (`clip`, the image-text cosine), through the pipeline's own scorer
classes (capfilt.curate.engines.registry), so `--clip` takes a local folder or a hub id.

A policy is a family of keep/drop decisions with a knob; its AUROC is the area under the ROC curve traced
as the knob sweeps, i.e. the AUROC of the score whose thresholds give exactly that family:

- ITM alone, `itm>=t`: the ITM score;
- CLIP alone, `clip>=t`: the CLIP cosine;
- intersection, `topN%(itm) & topN%(clip)`: the lower of the text's two quantile ranks (a text is in both
  top N% exactly when its lower rank is);
- top-k ranking by S, `topK(S)` (BLIP-2: CLIP ranks T_w and the captions of an image): the text's rank among
  its image's texts (ties keep the earlier, as the pipeline does), then S across images; k = 1, 2, ... are
  points of that sweep.

Operating points (`--policies`) are decided by the pipeline's Policy with global cutoffs computed as the
pipeline computes them (capfilt.curate.cutoffs), and reported as kept share, precision and recall.

    OMP_NUM_THREADS=1 .venv/bin/python -m benchmarks.scorers --clip capfilt/assets/models/clip

(`--world` defaults to the cached demo world, capfilt.world.corpus.demo_world.) Prints one table and ends
with exactly one JSON line.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import numpy as np
import torch

from benchmarks.blip_demo_quality import auroc, image_of, load_labels, load_pairs
from capfilt.curate import cutoffs as global_cutoffs
from capfilt.curate import policy_grammar
from capfilt.curate.config import ASSETS
from capfilt.curate.engines import registry
from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings, ScorerSettings
from capfilt.curate.policy import Policy
from capfilt.curate.scorer_specs import COSINE_RANGE, ITM, ITM_RANGE
from capfilt.curate.seeding import record_seed
from capfilt.flags import option, parse_settings
from capfilt.world.corpus import demo_world
from capfilt.world.grading import caption_is_correct

CLIP = "clip"
DEFAULT_POLICIES = "itm>=0.5,top50%(clip),itm>=0.5 & top50%(clip),top1(clip),top1(itm)"


@dataclass
class Scored:
    """Per image: its texts (T_w first), their ground truth and each scorer's scores."""

    texts: list[list[str]]
    good: list[list[bool]]
    scores: dict[str, list[list[float]]]


def score_world(args) -> Scored:
    world = args.world or str(demo_world(say=print))
    labels, rows = load_labels(world, "web"), load_pairs(world, "web", args.web_limit)
    captioner = registry.load_captioner(
        CaptionerSettings(str(args.captioner), num_captions=args.num_captions), engine="fast"
    )
    scorers = [
        registry.load_filter(FilterSettings(str(args.filter)), engine="fast"),
        registry.load_scorer(ScorerSettings(CLIP, args.clip)),
    ]
    texts, good, scores = [], [], {ITM: [], CLIP: []}
    for start in range(0, len(rows), args.batch_size):
        batch = rows[start : start + args.batch_size]
        images = [image_of(row) for row in batch]
        seeds = [record_seed(row["key"], args.seed) for row in batch]
        captions = captioner.caption(images, seeds) if args.num_captions else [[] for _ in batch]
        batch_texts = [
            [row["caption"] or "", *row_captions] for row, row_captions in zip(batch, captions, strict=True)
        ]
        for row, row_texts in zip(batch, batch_texts, strict=True):
            truth = labels[row["key"]]
            good.append(
                [truth["noise"] == "correct"]
                + [caption_is_correct(t, truth["objects"]) for t in row_texts[1:]]
            )
        texts.extend(batch_texts)
        for scorer in scorers:
            scores[scorer.name].extend(scorer.score(images, batch_texts))
    return Scored(texts, good, scores)


def quantile_ranks(values: np.ndarray) -> np.ndarray:
    """Each value's share of the values at or below it (ties share the higher rank)."""
    ordered = np.sort(values)
    return np.searchsorted(ordered, values, side="right") / len(values)


def rank_in_image(per_image: list[list[float]]) -> np.ndarray:
    """0 for each image's best text, 1 for the next...; ties keep the earlier (policy.top_k_by's order)."""
    ranks = []
    for values in per_image:
        order = sorted(range(len(values)), key=lambda i: -values[i])
        position = {text: rank for rank, text in enumerate(order)}
        ranks.extend(position[i] for i in range(len(values)))
    return np.array(ranks, dtype=float)


def sweep_scores(scored: Scored, web_only: bool) -> dict[str, np.ndarray]:
    """Per policy family, the score whose thresholds trace it (module docstring); None where undefined."""
    pick = (lambda rows: [row[:1] for row in rows]) if web_only else (lambda rows: rows)
    flat = {
        name: np.array([v for row in pick(values) for v in row]) for name, values in scored.scores.items()
    }
    families = {
        "ITM alone": flat[ITM],
        "CLIP alone": flat[CLIP],
        "ITM & CLIP (intersection)": np.minimum(quantile_ranks(flat[ITM]), quantile_ranks(flat[CLIP])),
    }
    if not web_only:  # one text per image has nothing to rank
        for name in (CLIP, ITM):
            within = rank_in_image(scored.scores[name])
            families[f"top-k by {name.upper()}"] = -within + 0.5 * quantile_ranks(flat[name])
    return families


def operating_point(policy_text: str, scored: Scored) -> dict:
    policy = Policy(policy_text)
    ranges = {ITM: ITM_RANGE, CLIP: COSINE_RANGE}
    histograms = global_cutoffs.Histograms(policy.fractions, ranges)
    per_image = [
        {name: values[i] for name, values in scored.scores.items()} for i in range(len(scored.texts))
    ]
    for image_scores in per_image:
        histograms.add(image_scores)
    found = histograms.cutoffs(policy.fractions)
    kept = good_kept = 0
    total_good = sum(sum(row) for row in scored.good)
    total = sum(len(row) for row in scored.good)
    for image_scores, good in zip(per_image, scored.good, strict=True):
        verdict = policy.decide(image_scores, found)
        for keep, is_good in zip((verdict.web_kept, *verdict.synthetic_kept), good, strict=True):
            kept += keep
            good_kept += keep and is_good
    return {
        "policy": policy_grammar.show_rules(policy.rules),
        "kept": round(kept / total, 4),
        "precision": round(good_kept / kept, 4) if kept else None,
        "recall": round(good_kept / total_good, 4) if total_good else None,
    }


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    clip: str = option(str(ASSETS / "clip"), "CLIP (or SigLIP) checkpoint: a folder or a hub id")
    world: str = option("", "a python -m capfilt.world output; default: the cached demo world")
    captioner: str = option(str(ASSETS / "captioner"))
    filter: str = option(str(ASSETS / "filter"))
    web_limit: int = option(500, "web images (0 = all)")
    num_captions: int = option(3, "synthetic captions per image (0 = web texts only)")
    policies: str = option(DEFAULT_POLICIES, "operating points: --policy texts, comma-separated")
    batch_size: int = option(32)
    seed: int = option(0)


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.scorers", description=__doc__)
    torch.manual_seed(args.seed)
    started = time.perf_counter()
    scored = score_world(args)
    result = {"clip": args.clip, "images": len(scored.texts), "num_captions": args.num_captions}
    result["texts"] = sum(len(row) for row in scored.texts)
    result["good_share"] = round(sum(sum(row) for row in scored.good) / result["texts"], 4)
    areas = {}
    for population, web_only in (("all", False), ("web", True)):
        truth = np.array([g for row in scored.good for g in (row[:1] if web_only else row)])
        for family, values in sweep_scores(scored, web_only).items():
            areas.setdefault(family, {})[population] = round(auroc(values, truth), 4)
    result["auroc"] = areas
    result["operating_points"] = [operating_point(p.strip(), scored) for p in args.policies.split(",")]
    result["seconds"] = round(time.perf_counter() - started, 1)

    print(
        f"{result['images']} web images, {result['texts']} texts (T_w + {args.num_captions} T_s each), "
        f"{100 * result['good_share']:.1f}% good; CLIP {args.clip}"
    )
    print("| policy family | AUROC, T_w + T_s | AUROC, T_w only |\n| --- | ---: | ---: |")
    for family, by_population in areas.items():
        web = by_population.get("web")
        print(f"| {family} | {by_population['all']:.3f} | {'-' if web is None else f'{web:.3f}'} |")
    print("| operating point | kept | precision | recall |\n| --- | ---: | ---: | ---: |")
    for point in result["operating_points"]:
        print(f"| `{point['policy']}` | {point['kept']:.3f} | {point['precision']} | {point['recall']} |")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
