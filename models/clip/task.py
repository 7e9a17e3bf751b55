"""Assembling a CLIP training run: tokenizer, model, processor, data transform, collation and export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import AutoTokenizer, CLIPProcessor

from models.clip.checkpoint import image_processor_for, load_clip, save_clip
from models.clip.collate import ClipCollator
from models.clip.loss import ClipLoss
from models.clip.model import ClipPretrainingModel
from models.clip.presets import PRESETS, clip_config
from models.common.tokenizer import train_wordpiece
from models.training.data import iter_texts
from models.training.distributed import barrier, is_main
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas import expand

log = logging.getLogger(__name__)

TOKENIZER_DIR = "tokenizer"


@dataclass
class ClipArgs:
    """CLIP model settings (flags of the same names)."""

    preset: str = field(
        default="vit-b-32", metadata={"help": f"model size when training from scratch: {PRESETS}"}
    )
    init: str = field(default="", metadata={"help": "transformers CLIP checkpoint directory to start from"})
    tokenizer: str = field(
        default="",
        metadata={"help": "tokenizer directory; default: init's, else WordPiece trained on --data"},
    )
    vocab_size: int = field(
        default=1000, metadata={"help": "vocabulary size of a WordPiece trained on --data"}
    )
    image_size: int = field(default=0, metadata={"help": "input resolution; 0 = the preset's"})
    max_text_length: int = field(default=77, metadata={"help": "tokens per caption, start and end included"})
    local_loss: bool = field(
        default=True, metadata={"help": "each rank scores only its own rows against the global batch"}
    )
    gather_with_grad: bool = field(
        default=True, metadata={"help": "gather other ranks' features with gradients (exact global loss)"}
    )


def train_tokenizer(data_globs: list[str], output: Path, vocab_size: int):
    """A WordPiece vocabulary over every text of the data, trained once by rank 0 and saved under OUTPUT."""
    directory = output / TOKENIZER_DIR
    if is_main() and not directory.exists():
        files = [f for pattern in data_globs for f in expand(pattern)]
        train_wordpiece(iter_texts(files), vocab_size=vocab_size).save_pretrained(directory)
    barrier()
    return AutoTokenizer.from_pretrained(directory)


def build_model(
    args: ClipArgs, data_globs: list[str], train: TrainConfig
) -> tuple[ClipPretrainingModel, CLIPProcessor]:
    """The model to train and its processor: loaded from --init, or fresh from --preset."""
    loss = ClipLoss(local_loss=args.local_loss, gather_with_grad=args.gather_with_grad)
    torch.manual_seed(train.seed)  # identical initial weights on every rank
    if args.init:
        clip, processor = load_clip(args.init)
        if args.tokenizer:
            processor.tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)
        return ClipPretrainingModel(clip=clip.train(), loss=loss), processor
    if args.tokenizer:
        tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)
    else:
        tokenizer = train_tokenizer(data_globs, Path(train.output), args.vocab_size)
    config = clip_config(
        args.preset,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.cls_token_id if tokenizer.cls_token_id is not None else tokenizer.bos_token_id,
        eos_token_id=tokenizer.sep_token_id if tokenizer.sep_token_id is not None else tokenizer.eos_token_id,
        image_size=args.image_size or None,
        max_text_length=args.max_text_length,
    )
    processor = CLIPProcessor(
        image_processor=image_processor_for(config.vision_config.image_size), tokenizer=tokenizer
    )
    return ClipPretrainingModel(config, loss=loss), processor


def clip_task(args: ClipArgs, data_globs: list[str], train: TrainConfig) -> Task:
    model, processor = build_model(args, data_globs, train)

    def export(trained: ClipPretrainingModel, directory: Path) -> None:
        save_clip(trained, processor, directory)
        log.info("wrote CLIP to %s", directory)

    return Task(
        name="clip",
        model=model,
        transform=ImageTransform(processor.image_processor, Augmentation(train.crop_scale_min, train.hflip)),
        collate=ClipCollator(processor.tokenizer, args.max_text_length),
        export=export,
        after_optimizer_step=ClipPretrainingModel.after_optimizer_step,
    )
