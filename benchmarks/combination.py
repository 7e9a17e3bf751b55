"""Flamingo's dataset-combination ablation for contrastive pretraining, at demo scale and equal compute.

Two training sets from the demo world mirror the paper's: an LTIP-like clean set (the `human` split: fluent
descriptions, five per image) and an ALIGN-like noisier, larger set (the `web` split: alt text with wrong
attributes, file names, boilerplate, other images' text, too-short text). A CLIP is trained from scratch on
each alone and on both with each strategy. Equal compute: every run makes the same S optimiser steps over the
same 2B samples per step, so the runs differ only in how each step's samples are combined:

    single dataset    2B samples of that dataset
    accumulation      B from each dataset, one contrastive loss per dataset, gradients summed by weight
    merged            2B samples mixed by weight, one contrastive loss
    round_robin       2B samples of one dataset, datasets alternating by weight from step to step

Each model is evaluated on held-out splits: zero-shot top-1 over the world's shape classes (`classify`, class
names from labels/) and image<->text retrieval R@1/5/10 (`test`, five human captions per image).

    python -m benchmarks.combination [--samples 12000] [--batch_size 16] [--seeds 1]

Prints the table in the paper's layout and ends with one JSON line.
"""

from __future__ import annotations

import json
import logging
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from capfilt.flags import option, parse_settings
from capfilt.world.config import WorldConfig
from capfilt.world.generate import generate_world
from models.clip.pretrain import main as pretrain
from models.common.tokenizer import train_wordpiece
from models.evaluate import METRIC_ORDER, evaluate
from models.evaluation.encoders import load_encoder
from models.training.data import iter_texts
from schemas import expand

# Row label -> (data, strategy, batch size in units of B), in the paper's row order. Accumulation's batch of B
# is per dataset, so every step of every run holds 2B samples.
RUNS = {
    "LTIP | none": ("ltip", "accumulation", 2),
    "ALIGN | none": ("align", "accumulation", 2),
    "LTIP + ALIGN | accumulation": ("both", "accumulation", 1),
    "LTIP + ALIGN | data merged": ("both", "merged", 2),
    "LTIP + ALIGN | round-robin": ("both", "round_robin", 2),
}


def make_world(directory: Path, args) -> Path:
    if not (directory / "world.json").exists():
        config = WorldConfig(
            seed=args.world_seed,
            web=args.align_size,
            human=args.ltip_size,
            test=args.test_size,
            classify=args.classify_size,
            documents=0,
            clips=0,
            image_size=64,
        )
        generate_world(str(directory), config, progress=False)
    return directory


def shared_tokenizer(world: Path, directory: Path) -> Path:
    """One vocabulary for every run, so that runs differ only in how they combine the data."""
    if not directory.exists():
        files = expand(f"{world}/human/*.parquet") + expand(f"{world}/web/*.parquet")
        train_wordpiece(iter_texts(files), vocab_size=1000).save_pretrained(directory)
    return directory


def train_run(name: str, world: Path, tokenizer: Path, output: Path, args, seed: int) -> float:
    data_name, strategy, batch_factor = RUNS[name]
    data = {
        "ltip": f"{world}/human/*.parquet",
        "align": f"{world}/web/*.parquet",
        "both": f"{world}/human/*.parquet::{world}/web/*.parquet",
    }[data_name]
    steps = max(1, args.samples // (2 * args.batch_size))
    started = time.perf_counter()
    pretrain(
        [
            "--preset", args.preset, "--tokenizer", str(tokenizer), "--max_text_length", "40",
            "--data", data, "--strategy", strategy,
            "--weights", args.weights if data_name == "both" else "",
            "--batch_size", str(batch_factor * args.batch_size), "--max_steps", str(steps),
            "--warmup_steps", str(max(1, steps // 20)), "--lr", str(args.lr),
            "--num_workers", "0", "--shuffle_buffer", "1000", "--seed", str(seed),
            "--save_every", str(10 * steps), "--no-resume", "--output", str(output),
        ]
    )  # fmt: skip
    return time.perf_counter() - started


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    workdir: str = option("", "keep world, runs and models here (default: a temp dir)")
    samples: int = option(12000, "training samples per run (equal compute)")
    batch_size: int = option(16, "B: samples per dataset per step")
    weights: str = option("1.0,1.0", "LTIP,ALIGN weights of the combined runs")
    preset: str = option("demo", "CLIP size preset")
    lr: float = option(1e-3, "peak learning rate")
    seeds: int = option(1, "repeat every run with this many seeds")
    ltip_size: int = option(1000, "clean pairs (human split)")
    align_size: int = option(3000, "noisy pairs (web split)")
    test_size: int = option(200, "held-out retrieval images")
    classify_size: int = option(300, "held-out zero-shot images")
    world_seed: int = option(0)
    threads: int = option(1, "torch threads (1: robust when other jobs share the CPU)")


def main(argv: list[str] | None = None) -> dict:
    args = parse_settings(Settings, argv, prog="python -m benchmarks.combination", description=__doc__)
    logging.disable(logging.INFO)
    # On a CPU shared with other jobs, a second intra-op thread mostly spins and can slow steps 10x or more.
    torch.set_num_threads(args.threads)

    if args.workdir:
        return run(args, Path(args.workdir))
    with tempfile.TemporaryDirectory() as workdir:
        return run(args, Path(workdir))


def run(args, workdir: Path) -> dict:
    world = make_world(workdir / "world", args)
    tokenizer = shared_tokenizer(world, workdir / "tokenizer")
    started = time.perf_counter()
    per_seed: dict[str, list[dict]] = {name: [] for name in RUNS}
    for seed in range(args.seeds):
        for name in RUNS:
            output = (
                workdir / "runs" / f"{name.replace(' ', '').replace('|', '-').replace('+', '_')}-seed{seed}"
            )
            seconds = train_run(name, world, tokenizer, output, args, seed)
            metrics = evaluate(
                load_encoder("clip", output),
                data=f"{world}/test/*.parquet",
                classify=f"{world}/classify/*.parquet",
                labels=f"{world}/labels/classify.parquet",
            )
            per_seed[name].append(metrics)
            print(
                f"{name:<30} seed {seed}: trained in {seconds:5.1f} s, r_mean {metrics['r_mean']:.1f}",
                flush=True,
            )

    rows = {
        name: {c: statistics.mean(m[c] for m in runs) for c in METRIC_ORDER}
        for name, runs in per_seed.items()
    }
    print()
    print(table(rows))
    combined = [n for n in RUNS if n.startswith("LTIP + ALIGN")]
    best_retrieval = max(combined, key=lambda n: rows[n]["r_mean"])
    best_zeroshot = max(combined, key=lambda n: rows[n]["zeroshot_top1"])
    summary = {
        "benchmark": "combination",
        "samples_per_run": args.samples,
        "batch_size": args.batch_size,
        "weights": args.weights,
        "preset": args.preset,
        "seeds": args.seeds,
        "rows": {n: {k: round(v, 2) for k, v in r.items()} for n, r in rows.items()},
        "best_combined_by_retrieval": best_retrieval,
        "best_combined_by_zeroshot": best_zeroshot,
        "accumulation_best": best_retrieval == best_zeroshot == "LTIP + ALIGN | accumulation",
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary), flush=True)
    return summary


def table(rows: dict[str, dict]) -> str:
    """The paper's layout: dataset | combination strategy | zero-shot top-1 | i2t R@1/5/10 | t2i R@1/5/10."""
    header = f"{'dataset':<14}{'strategy':<16}{'zero-shot':>10}  {'i2t R@1':>8}{'R@5':>6}{'R@10':>6}  "
    header += f"{'t2i R@1':>8}{'R@5':>6}{'R@10':>6}"
    lines = [header]
    for name, r in rows.items():
        dataset, strategy = (part.strip() for part in name.split("|"))
        lines.append(
            f"{dataset:<14}{strategy:<16}{r['zeroshot_top1']:>10.1f}  "
            f"{r['i2t_r1']:>8.1f}{r['i2t_r5']:>6.1f}{r['i2t_r10']:>6.1f}  "
            f"{r['t2i_r1']:>8.1f}{r['t2i_r5']:>6.1f}{r['t2i_r10']:>6.1f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
