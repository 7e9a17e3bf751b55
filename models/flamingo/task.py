"""Assembling a Flamingo training run for models.training.loop: frozen LM and vision tower, new parts,
data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import torch
from transformers import AutoTokenizer

from models.flamingo.checkpoint import save_flamingo
from models.flamingo.data import FlamingoCollator, ParquetInterleaved, iter_flamingo_texts
from models.flamingo.model import FlamingoConfig, FlamingoModel
from models.flamingo.tokens import add_flamingo_tokens
from models.flamingo.vision import VISION_PRESETS, ClipVisionEncoder
from models.lm.model import LM_PRESETS, build_causal_lm, load_causal_lm, train_causal_tokenizer
from models.training.distributed import barrier, is_main
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas import expand

log = logging.getLogger(__name__)

TOKENIZER_DIR = "lm_tokenizer"


@dataclass
class FlamingoArgs:
    """Flamingo settings (flags of the same names); architecture defaults are the paper's."""

    lm: str = field(default="", metadata={"help": "causal LM dir or hub id (AutoModelForCausalLM); frozen"})
    lm_preset: str = field(
        default="demo",
        metadata={"help": f"without --lm: a fresh OPT of this size {LM_PRESETS} (random, frozen)"},
    )
    vocab_size: int = field(
        default=1000, metadata={"help": "without --lm: WordPiece vocabulary trained on --data"}
    )
    vision: str = field(
        default="", metadata={"help": "CLIP checkpoint dir (models/clip export or OpenAI's); frozen"}
    )
    vision_preset: str = field(
        default="demo",
        metadata={"help": f"without --vision: a fresh CLIP tower {VISION_PRESETS} (random, frozen)"},
    )
    num_latents: int = field(default=64, metadata={"help": "visual tokens per image or clip"})
    resampler_depth: int = field(default=6, metadata={"help": "Perceiver Resampler layers"})
    resampler_heads: int = field(default=8, metadata={"help": "resampler attention heads"})
    max_frames: int = field(
        default=8, metadata={"help": "frames per clip (learned temporal embeddings); longer clips subsampled"}
    )
    cross_attn_every: int = field(
        default=1, metadata={"help": "gated cross-attention before every k-th LM layer"}
    )
    xattn_heads: int = field(default=8, metadata={"help": "gated cross-attention heads"})
    dim_head: int = field(default=64, metadata={"help": "width of each attention head (resampler and xattn)"})
    pairs_per_sequence: int = field(
        default=4, metadata={"help": "pairs/curated: image-caption pairs joined into one sequence"}
    )
    max_length: int = field(default=256, metadata={"help": "tokens per sequence"})


def flamingo_config(args: FlamingoArgs) -> FlamingoConfig:
    return FlamingoConfig(
        num_latents=args.num_latents,
        resampler_depth=args.resampler_depth,
        resampler_heads=args.resampler_heads,
        resampler_dim_head=args.dim_head,
        max_frames=args.max_frames,
        cross_attn_every=args.cross_attn_every,
        xattn_heads=args.xattn_heads,
        xattn_dim_head=args.dim_head,
    )


def _language_model(args: FlamingoArgs, train: TrainConfig, seed: int):
    if args.lm:
        return load_causal_lm(args.lm)
    directory = Path(train.output) / TOKENIZER_DIR
    if is_main() and not directory.exists():
        texts = iter_flamingo_texts(expand(train.data))
        train_causal_tokenizer(texts, args.vocab_size).save_pretrained(directory)
    barrier()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    return build_causal_lm(args.lm_preset, tokenizer, seed=seed), tokenizer


def build_flamingo(args: FlamingoArgs, train: TrainConfig):
    """(model, tokenizer); identical initial weights on every rank (seeded)."""
    lm, tokenizer = _language_model(args, train, train.seed)
    new_token_ids = list(add_flamingo_tokens(tokenizer))
    torch.manual_seed(train.seed)
    vision = (
        ClipVisionEncoder.from_pretrained(args.vision)
        if args.vision
        else ClipVisionEncoder.from_preset(args.vision_preset)
    )
    return FlamingoModel(vision, lm, new_token_ids, flamingo_config(args)), tokenizer


def flamingo_task(args: FlamingoArgs, train: TrainConfig) -> Task:
    model, tokenizer = build_flamingo(args, train)
    if train.batch_size % args.pairs_per_sequence:
        log.warning(
            "--batch_size %d is not a multiple of --pairs_per_sequence %d: each batch ends with a shorter "
            "sequence",
            train.batch_size,
            args.pairs_per_sequence,
        )

    def export(trained: FlamingoModel, directory: Path) -> None:
        save_flamingo(trained, tokenizer, directory)
        log.info("wrote the Flamingo to %s", directory)

    return Task(
        name="flamingo",
        model=model,
        transform=ImageTransform(
            model.vision.image_processor, Augmentation(train.crop_scale_min, train.hflip)
        ),
        collate=FlamingoCollator(tokenizer, model.media_token_id, args.max_length, args.pairs_per_sequence),
        export=export,
        dataset=partial(ParquetInterleaved, max_frames=args.max_frames),
    )
