"""The ITM first token, [CLS] vs [ENC]: how the filter's verdicts on the demo world's web texts change.

Scores every web pair (alt text against its image) with the same filter twice through CapFilt's own engine,
`--itm_first_token cls` and `enc`, and reports per token the AUROC (correct vs noisy texts, from the demo
world's labels), the verdicts at `--threshold` (kept, precision, recall) and how many verdicts the two
tokens share. A filter trained with one token scored with the other is what a wrong `auto` rule would do.

    .venv/bin/python -m benchmarks.itm_first_token --world ~/.cache/capfilt/demo-world-43e90076300f

Prints one line per token and ends with exactly one JSON line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import torch

from benchmarks.blip_demo_quality import auroc, image_of, load_labels, load_pairs
from capfilt.curate.engines.interfaces import FilterSettings
from capfilt.curate.engines.registry import load_filter
from capfilt.flags import option, parse_settings


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    world: str = option(help="output directory of python -m capfilt.world")
    filter: str = option("capfilt/assets/models/filter")
    web_limit: int = option(2000, "web pairs to score (0 = all)")
    threshold: float = option(0.5, "the paper policy's ITM threshold")
    batch_size: int = option(64)


def scores_with(first_token: str, args: Settings, rows: list[dict]) -> np.ndarray:
    scorer = load_filter(FilterSettings(args.filter, first_token=first_token))
    scores = []
    for start in range(0, len(rows), args.batch_size):
        batch = rows[start : start + args.batch_size]
        texts = [[r["caption"] or ""] for r in batch]
        scores.extend(s[0] for s in scorer.score([image_of(r) for r in batch], texts))
    return np.array(scores)


def verdict_figures(scores: np.ndarray, positive: np.ndarray, threshold: float) -> dict:
    kept = scores >= threshold
    return {
        "auroc": round(auroc(scores, positive), 4),
        "kept": round(float(kept.mean()), 4),
        "precision": round(float(positive[kept].mean()) if kept.any() else 0.0, 4),
        "recall": round(float(kept[positive].mean()), 4),
        "mean_score": round(float(scores.mean()), 4),
    }


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.itm_first_token", description=__doc__)
    torch.set_num_threads(1)
    labels, rows = load_labels(args.world, "web"), load_pairs(args.world, "web", args.web_limit)
    positive = np.array([labels[r["key"]]["noise"] == "correct" for r in rows])
    scores = {token: scores_with(token, args, rows) for token in ("cls", "enc")}
    result = {"pairs": len(rows), "threshold": args.threshold}
    for token, token_scores in scores.items():
        result[token] = verdict_figures(token_scores, positive, args.threshold)
        print(f"{token}: {result[token]}")
    same = (scores["cls"] >= args.threshold) == (scores["enc"] >= args.threshold)
    result["same_verdict"] = round(float(same.mean()), 4)
    print(f"same verdict with both tokens: {result['same_verdict']:.1%} of {len(rows)} web texts")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
