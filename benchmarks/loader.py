"""Does the Parquet loader keep up with training? CLIP training samples/s fed from Parquet versus from
in-memory tensors of the same shapes, same model, same steps. Target: ratio >= 0.95.

The Parquet side is the real training input path: ParquetImageText (file sharding, shuffle buffer, JPEG
decode, CLIP preprocessing, caption sampling) in DataLoader workers, then ClipCollator's tokenisation. The
in-memory side replays batches already collated, so it measures the model alone. Both run the same
training step (forward, contrastive loss, backward, AdamW step). The two are measured in alternating rounds
and the medians compared, so load from other processes hits both alike.

    python -m benchmarks.loader [--preset demo] [--batch_size 64] [--steps 20] [--rounds 3] [--num_workers 1]

Prints the figures and ends with one JSON line.
"""

from __future__ import annotations

import itertools
import json
import logging
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import DataLoader

from capfilt.flags import option, parse_settings
from capfilt.world.config import WorldConfig
from capfilt.world.generate import generate_world
from models.clip.task import ClipArgs, clip_task
from models.training.data import ParquetImageText
from models.training.loop import param_groups
from models.training.task import TrainConfig
from schemas import expand


def training_step(model, optimizer, batch: dict) -> None:
    batch = {k: v for k, v in batch.items() if k != "keys"}
    loss = model(batch)["loss"]
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    model.after_optimizer_step()


def samples_per_second(model, optimizer, batches, steps: int, batch_size: int) -> float:
    """Time `steps` training steps pulling from `batches` (after one untimed warm-up step)."""
    training_step(model, optimizer, next(batches))
    started = time.perf_counter()
    for _ in range(steps):
        training_step(model, optimizer, next(batches))
    return steps * batch_size / (time.perf_counter() - started)


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    preset: str = option("demo", "CLIP size preset")
    image_size: int = option(0, "model input size; 0 = the preset's")
    batch_size: int = option(64)
    steps: int = option(20, "timed steps per round and side")
    rounds: int = option(3, "alternating Parquet / in-memory rounds")
    num_workers: int = option(1, "DataLoader workers on the Parquet side")
    pairs: int = option(2000, "pairs in the Parquet files (web split)")
    threads: int = option(1, "torch threads of the training process")


def main(argv: list[str] | None = None) -> dict:
    args = parse_settings(Settings, argv, prog="python -m benchmarks.loader", description=__doc__)
    logging.disable(logging.INFO)
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as workdir:
        return run(args, Path(workdir))


def run(args, workdir: Path) -> dict:
    config = WorldConfig(web=args.pairs, human=0, test=0, classify=0, documents=0, clips=0, rows_per_part=500)
    generate_world(str(workdir / "world"), config, progress=False)
    data = f"{workdir}/world/web/*.parquet"
    train = TrainConfig(data=data, output=str(workdir / "run"), batch_size=args.batch_size, seed=0)
    task = clip_task(
        ClipArgs(preset=args.preset, image_size=args.image_size, max_text_length=40), [data], train
    )
    model = task.model.train()
    optimizer = torch.optim.AdamW(param_groups(model, 0.2), lr=1e-4)

    dataset = ParquetImageText(
        expand(data), task.transform, seed=0, shuffle_buffer=1000, batch_size=args.batch_size
    )
    loader = DataLoader(
        dataset,
        batch_size=args.batch_size,
        collate_fn=task.collate,
        num_workers=args.num_workers,
        persistent_workers=args.num_workers > 0,
        prefetch_factor=4 if args.num_workers else None,
    )
    from_parquet = iter(loader)
    # The in-memory side replays real batches of the same shapes, collated once up front.
    in_memory = itertools.cycle([next(from_parquet) for _ in range(8)])

    parquet_rates, memory_rates = [], []
    for round_number in range(args.rounds):
        memory_rates.append(samples_per_second(model, optimizer, in_memory, args.steps, args.batch_size))
        parquet_rates.append(samples_per_second(model, optimizer, from_parquet, args.steps, args.batch_size))
        print(
            f"round {round_number}: in-memory {memory_rates[-1]:7.1f} samples/s, "
            f"parquet {parquet_rates[-1]:7.1f} samples/s",
            flush=True,
        )
    parquet, memory = statistics.median(parquet_rates), statistics.median(memory_rates)
    ratio = parquet / memory
    print(f"median: parquet {parquet:.1f} samples/s, in-memory {memory:.1f} samples/s, ratio {ratio:.3f}")
    summary = {
        "benchmark": "loader",
        "preset": args.preset,
        "image_size": model.config.vision_config.image_size,
        "batch_size": args.batch_size,
        "num_workers": args.num_workers,
        "torch_threads": torch.get_num_threads(),
        "parquet_samples_per_s": round(parquet, 1),
        "in_memory_samples_per_s": round(memory, 1),
        "ratio": round(ratio, 3),
        "target": 0.95,
        "meets_target": ratio >= 0.95,
    }
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
