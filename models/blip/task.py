"""Assembling a BLIP training run: tokenizer, model, processor, data transform, collation and export."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import AutoTokenizer, BlipImageProcessorPil, BlipProcessor

from models.blip import checkpoint
from models.blip.collate import BlipCollator
from models.blip.conventions import DEFAULT_ITM_FIRST_TOKEN, prompt_length, special_ids
from models.blip.model import TASK_OBJECTIVES, BlipObjectiveConfig, BlipPretrainingModel
from models.blip.presets import PRESETS, blip_config
from models.blip.recipes import RECIPES, apply_recipe, apply_recipe_augmentation
from models.common.tokenizer import train_wordpiece
from models.training.data import iter_texts
from models.training.distributed import barrier, is_main
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas import expand

log = logging.getLogger(__name__)

TOKENIZER_DIR = "tokenizer"


@dataclass
class BlipConfigArgs:
    """BLIP model settings (flags of the same names)."""

    preset: str = field(
        default="base", metadata={"help": f"model size when training from scratch: {PRESETS}"}
    )
    init: str = field(
        default="", metadata={"help": "transformers BLIP checkpoint dir or hub id to start from"}
    )
    tokenizer: str = field(
        default="",
        metadata={"help": "tokenizer dir or hub id; default: init's, else WordPiece trained on --data"},
    )
    vocab_size: int = field(
        default=1000, metadata={"help": "vocabulary size of a WordPiece trained on --data"}
    )
    image_size: int = field(
        default=0,
        metadata={
            "help": "input resolution; 0 = the preset's, or --init's (another size interpolates its "
            "position embedding, as BLIP's 224 -> 384 px fine-tuning)"
        },
    )
    max_text_length: int = field(
        default=35, metadata={"help": "tokens per caption, [CLS] and [SEP] included"}
    )
    recipe: str = field(
        default="auto",
        metadata={
            "help": "training defaults for the flags left unset: paper (BLIP's), demo (the demo sizes'), "
            "auto (paper for base/large, demo for tiny/small/demo); see docs/models.md",
            "choices": RECIPES,
        },
    )
    prompt: str | None = field(
        default=None,
        metadata={
            "help": "decoder prompt, the LM loss skips it; default: the recipe's (paper: none in pretraining)"
        },
    )
    objectives: str = field(
        default="", metadata={"help": "comma-separated subset of itc,itm,lm; default: the task's own"}
    )
    temperature: float = field(
        default=0.07, metadata={"help": "initial ITC temperature (learned, in [0.001, 0.5])"}
    )
    label_smoothing: float = field(default=0.1, metadata={"help": "label smoothing of the LM loss"})
    share_text_layers: bool = field(
        default=True,
        metadata={"help": "decoder shares all but self-attention with the text encoder (pretraining)"},
    )
    momentum: bool | None = field(
        default=None,
        metadata={
            "help": "momentum encoder + queue with soft ITC targets; default: the recipe's (paper: on)"
        },
    )
    momentum_decay: float = field(default=0.995, metadata={"help": "EMA decay of the momentum encoder"})
    queue_size: int | None = field(
        default=None, metadata={"help": "features kept in the momentum queue; default: the recipe's (57600)"}
    )
    distill_alpha: float | None = field(
        default=None,
        metadata={"help": "weight of the momentum model's soft targets; default: the recipe's (0.4)"},
    )
    distill_alpha_ramp_steps: int | None = field(
        default=None,
        metadata={
            "help": "training forwards over which alpha ramps up from 0; default: the recipe's (paper: "
            "--max_steps / BLIP's epochs, i.e. its first epoch; demo: 0)"
        },
    )
    randaugment: bool | None = field(
        default=None,
        metadata={"help": "BLIP's RandomAugment(2, 5) on training images; default: the recipe's (paper: on)"},
    )
    negative_all_rank: bool | None = field(
        default=None,
        metadata={
            "help": "under torchrun, ITM hard negatives (and, without --momentum, ITC negatives) from every "
            "rank's batch; default: the recipe's (BLIP's negative_all_rank: on for the filter, off in "
            "pretraining)"
        },
    )
    itm_first_token: str = field(
        default=DEFAULT_ITM_FIRST_TOKEN,
        metadata={
            "help": "first token of ITM inputs: cls (transformers' retrieval API) or enc (BLIP's code)"
        },
    )
    export_dtype: str = field(
        default="float32", metadata={"help": "float32 or float16 storage of the export"}
    )


def objective_config(args: BlipConfigArgs, kind: str) -> BlipObjectiveConfig:
    chosen = tuple(o.strip() for o in args.objectives.split(",") if o.strip()) or TASK_OBJECTIVES[kind]
    return BlipObjectiveConfig(
        objectives=chosen,
        temperature=args.temperature,
        label_smoothing=args.label_smoothing,
        share_text_layers=args.share_text_layers,
        momentum=args.momentum,
        momentum_decay=args.momentum_decay,
        queue_size=args.queue_size,
        distill_alpha=args.distill_alpha,
        distill_alpha_ramp_steps=args.distill_alpha_ramp_steps,
        negative_all_rank=args.negative_all_rank,
    )


def _tokenizer(args: BlipConfigArgs, train: TrainConfig):
    if args.tokenizer:
        return AutoTokenizer.from_pretrained(args.tokenizer)
    directory = Path(train.output) / TOKENIZER_DIR
    # Rank 0 trains the vocabulary once; a resumed run reuses the saved one.
    if is_main() and not directory.exists():
        tokenizer = train_wordpiece(iter_texts(expand(train.data)), vocab_size=args.vocab_size)
        tokenizer.save_pretrained(directory)
    barrier()
    return AutoTokenizer.from_pretrained(directory)


def build_model(
    kind: str, args: BlipConfigArgs, train: TrainConfig
) -> tuple[BlipPretrainingModel, BlipProcessor]:
    """The model to train and its processor: loaded from --init, or fresh from --preset."""
    objective = objective_config(args, kind)
    torch.manual_seed(train.seed)  # identical initial weights on every rank
    if args.init:
        model, processor = checkpoint.load_blip(args.init, objective, args.image_size)
        if args.tokenizer:
            processor.tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)
        return model, processor
    tokenizer = _tokenizer(args, train)
    config = blip_config(
        args.preset,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        sep_token_id=tokenizer.sep_token_id,
        image_size=args.image_size or None,
        max_text_length=args.max_text_length + prompt_length(tokenizer, args.prompt),
    )
    size = config.vision_config.image_size
    processor = BlipProcessor(BlipImageProcessorPil(size={"height": size, "width": size}), tokenizer)
    return BlipPretrainingModel(config, objective), processor


def blip_task(kind: str, args: BlipConfigArgs, train: TrainConfig) -> Task:
    """pretrain (ITC + ITM + LM), captioner (LM) or filter (ITC + ITM)."""
    args = apply_recipe(args, kind, train.max_steps)
    train = apply_recipe_augmentation(train, args.recipe, kind)
    log.info("BLIP %s with the %s recipe", kind, args.recipe)
    model, processor = build_model(kind, args, train)
    # Recorded in config.json so that whoever scores with the exported model uses the same conventions.
    model.config.itm_first_token = args.itm_first_token
    model.config.caption_prompt = args.prompt
    storages = {"float32": torch.float32, "float16": torch.float16}
    if args.export_dtype not in storages:
        raise ValueError(f"--export_dtype must be float32 or float16, got {args.export_dtype!r}")
    storage = storages[args.export_dtype]

    def export(trained: BlipPretrainingModel, directory: Path) -> None:
        if kind == "pretrain":
            checkpoint.save_pretrained(trained, processor, directory)
        else:
            checkpoint.export(trained, processor, kind, directory, storage_dtype=storage)
        log.info("wrote the %s to %s", kind, directory)

    return Task(
        name=f"blip-{kind}",
        model=model,
        transform=ImageTransform(
            processor.image_processor, Augmentation(train.crop_scale_min, train.hflip, args.randaugment)
        ),
        collate=BlipCollator(
            processor.tokenizer,
            args.max_text_length,
            args.prompt,
            args.itm_first_token,
            special_ids(processor.tokenizer, model.config.text_config),
        ),
        export=export,
    )
