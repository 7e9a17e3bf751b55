"""The `flamingo` subcommands of models.pretrain and models.generate."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from capfilt.flags import add_dataclass_arguments, add_subcommand, option
from models.training.loop import run_training
from models.training.task import TrainConfig

TRAIN_DEFAULTS = {"output": "runs/flamingo", "lr": 1e-4, "warmup_steps": 500}


def run_pretrain(args: argparse.Namespace) -> dict:
    from models.flamingo.task import FlamingoArgs, flamingo_task

    return run_training(args, FlamingoArgs, flamingo_task)


def add_pretrain_parser(subparsers) -> None:
    from models.flamingo.task import FlamingoArgs

    parser = add_subcommand(
        subparsers,
        "flamingo",
        help="Flamingo: Perceiver Resampler + gated cross-attention around a frozen causal LM",
        description="Train Flamingo's new parts (resampler, gated cross-attention, <image> and "
        "<|endofchunk|> embeddings) on interleaved sequences; the vision tower and the LM stay frozen. "
        "--data takes pairs/curated Parquet (--pairs_per_sequence pairs make one sequence), the demo "
        "world's documents (one sequence per page) and clips (one sequence per clip, its frames one "
        "media item), in any mix; each file is read by the schema it is stamped with. --batch_size "
        "counts rows (pairs, documents or clips).",
        run=run_pretrain,
    )
    add_dataclass_arguments(parser, FlamingoArgs)
    add_dataclass_arguments(parser, TrainConfig, TRAIN_DEFAULTS)


def read_images(paths: str) -> list:
    """--images: each file decoded as everywhere else (capfilt.images: upright, RGB on white); a file that
    cannot be read or decoded stops the command with one line naming it."""
    from capfilt.images import ImageRejected, decode_image

    images = []
    for path in (p for p in paths.split(",") if p):
        try:
            with open(path, "rb") as handle:
                images.append(decode_image(handle.read()).image)
        except OSError as error:
            raise ValueError(f"--images {path}: cannot read it ({error.strerror or error})") from None
        except ImageRejected as rejected:
            raise ValueError(f"--images {path}: {rejected.reason} ({rejected.detail})") from None
    return images


def run_generate(args: argparse.Namespace) -> dict:
    from models.flamingo.checkpoint import load_flamingo
    from models.flamingo.generate import generate

    images = read_images(args.images)
    model, tokenizer = load_flamingo(args.checkpoint)
    text = generate(model, tokenizer, images, args.prompt, args.max_new_tokens, args.top_p, args.seed)
    return {"model": "flamingo", "prompt": args.prompt, "images": len(images), "text": text}


@dataclass
class GenerateArgs:
    """The flags of `models.generate flamingo`."""

    checkpoint: str = option(help="directory written by models.pretrain flamingo")
    images: str = option("", "comma-separated image files, one per <image>")
    prompt: str = option("<image>a picture of", "interleaved text prompt")
    max_new_tokens: int = option(30, "tokens to generate at most")
    top_p: float = option(0.0, "nucleus sampling; 0 = greedy")
    seed: int = option(0, "sampling seed")


def add_generate_parser(subparsers) -> None:
    parser = add_subcommand(
        subparsers,
        "flamingo",
        help="few-shot generation from images and an interleaved prompt",
        description="Continue PROMPT, whose <image> tokens stand for --images in order, e.g. "
        '--images a.png,b.png --prompt "<image>a red circle<|endofchunk|><image>a picture of"',
        run=run_generate,
    )
    add_dataclass_arguments(parser, GenerateArgs)
