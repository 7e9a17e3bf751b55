"""Assembling BLIP-2 training runs (stage 1 and stage 2) for models.training.loop."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import torch
from transformers import AutoTokenizer, BlipImageProcessorPil

# Stage 1 reads BLIP's batch layout (encoder, ITM and decoder ids), so it takes BLIP's collation.
from models.blip.collate import BlipCollator
from models.blip2.checkpoint import load_stage1, save_stage1, save_stage2
from models.blip2.presets import PRESETS, blip2_config
from models.blip2.qformer_init import apply as apply_text_encoder
from models.blip2.qformer_init import load_text_encoder
from models.blip2.stage1 import Blip2Stage1, Stage1Objective
from models.blip2.stage2 import Blip2Stage2, Stage2Collator
from models.blip2.vision import load_vision_tower
from models.common.tokenizer import train_wordpiece
from models.lm.model import IMAGE_TOKEN, load_causal_lm
from models.training.data import iter_texts
from models.training.distributed import barrier, is_main
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas import expand

log = logging.getLogger(__name__)


@dataclass
class Blip2Args:
    """BLIP-2 settings (flags of the same names); defaults are the paper's."""

    stage: int = field(
        default=1, metadata={"help": "1: Q-Former with ITC+ITM+ITG; 2: soft prompt of a frozen LM"}
    )
    preset: str = field(default="demo", metadata={"help": f"stage 1 from scratch: sizes {PRESETS}"})
    vision: str = field(
        default="",
        metadata={
            "help": "stage 1: frozen image encoder from a BLIP checkpoint dir (models.pretrain blip, "
            "models.finetune, transformers BLIP); default: a randomly initialised tower of --preset"
        },
    )
    qformer_init: str = field(
        default="",
        metadata={
            "help": "stage 1: initialise the Q-Former (and take its sizes and tokenizer) from a BLIP "
            "checkpoint's text encoder, as BLIP-2 starts from BERT; best with the same checkpoint's --vision"
        },
    )
    init: str = field(default="", metadata={"help": "stage 2: the stage-1 output directory"})
    lm: str = field(default="", metadata={"help": "stage 2: causal LM dir (AutoModelForCausalLM), frozen"})
    vocab_size: int = field(default=1000, metadata={"help": "stage 1: Q-Former WordPiece trained on --data"})
    num_query_tokens: int = field(default=32, metadata={"help": "learned queries"})
    cross_attention_frequency: int = field(
        default=2, metadata={"help": "Q-Former cross-attention every N layers"}
    )
    max_text_length: int = field(default=35, metadata={"help": "text tokens per caption"})
    temperature: float = field(default=0.07, metadata={"help": "initial ITC temperature (learned)"})
    label_smoothing: float = field(default=0.1, metadata={"help": "ITG label smoothing"})
    negative_all_rank: bool = field(
        default=True,
        metadata={"help": "stage 1 under torchrun: ITC and ITM negatives from every rank's batch (LAVIS)"},
    )
    prompt: str = field(default="", metadata={"help": "stage 2: text before the caption, not a target"})


def _stage1_tokenizer(train: TrainConfig, vocab_size: int):
    directory = Path(train.output) / "tokenizer"
    if is_main() and not directory.exists():
        train_wordpiece(iter_texts(expand(train.data)), vocab_size=vocab_size).save_pretrained(directory)
    barrier()
    return AutoTokenizer.from_pretrained(directory)


def stage1_task(args: Blip2Args, train: TrainConfig) -> Task:
    # Load the tower first: a bad --vision fails before a tokenizer is trained into the output directory.
    tower = load_vision_tower(args.vision) if args.vision else None
    text_init = load_text_encoder(args.qformer_init) if args.qformer_init else None
    if text_init and text_init.qformer_sizes.get("max_position_embeddings", 512) < args.max_text_length + 2:
        raise ValueError(
            f"--max_text_length {args.max_text_length} + 2 exceeds the {args.qformer_init} text encoder's "
            f"{text_init.qformer_sizes['max_position_embeddings']} positions"
        )
    tokenizer = text_init.tokenizer if text_init else _stage1_tokenizer(train, args.vocab_size)
    config = blip2_config(
        args.preset,
        vocab_size=len(tokenizer),
        pad_token_id=tokenizer.pad_token_id,
        num_query_tokens=args.num_query_tokens,
        cross_attention_frequency=args.cross_attention_frequency,
        max_text_length=args.max_text_length + 2,
        vision_config=tower.config.to_dict() if tower else None,
        qformer_sizes=text_init.qformer_sizes if text_init else None,
    )
    torch.manual_seed(train.seed)
    model = Blip2Stage1(
        config,
        Stage1Objective(args.temperature, args.label_smoothing, negative_all_rank=args.negative_all_rank),
    )
    if tower:
        model.vision_model.load_state_dict(tower.state_dict, strict=True)
        processor = tower.image_processor  # the tower's own resolution and normalisation
        log.info("frozen image encoder: the vision tower of %s", tower.source)
    else:
        size = config.vision_config.image_size
        processor = BlipImageProcessorPil(size={"height": size, "width": size})
    if text_init:
        apply_text_encoder(text_init, model)
        log.info("Q-Former initialised from the text encoder of %s", text_init.source)

    def export(trained: Blip2Stage1, directory: Path) -> None:
        save_stage1(trained, tokenizer, processor, directory)
        log.info("wrote BLIP-2 stage 1 (Blip2ForImageTextRetrieval) to %s", directory)

    return Task(
        name="blip2-stage1",
        model=model,
        transform=ImageTransform(processor, Augmentation(train.crop_scale_min, train.hflip)),
        # [CLS] text [SEP] for ITC/ITM; [DEC] text [SEP] for ITG with no prompt (BLIP-2).
        collate=BlipCollator(tokenizer, args.max_text_length, prompt=""),
        export=export,
    )


def stage2_task(args: Blip2Args, train: TrainConfig) -> Task:
    if not args.init or not args.lm:
        raise ValueError(
            "--stage 2 needs --init (a stage-1 output directory) and --lm (a causal LM directory)"
        )
    stage1, _, processor = load_stage1(args.init)
    lm, tokenizer = load_causal_lm(args.lm)
    if tokenizer.convert_tokens_to_ids(IMAGE_TOKEN) in (None, tokenizer.unk_token_id):
        # The soft prompt's placeholder; its embedding row is never used (transformers overwrites it).
        tokenizer.add_special_tokens(
            {"additional_special_tokens": [IMAGE_TOKEN]}, replace_extra_special_tokens=False
        )
        lm.resize_token_embeddings(len(tokenizer))
    image_token_id = tokenizer.convert_tokens_to_ids(IMAGE_TOKEN)
    s1 = stage1.config
    config = blip2_config(
        "tiny",  # replaced below by stage 1's own vision and Q-Former configs
        vocab_size=s1.qformer_config.vocab_size,
        num_query_tokens=s1.num_query_tokens,
        text_config=lm.config.to_dict(),
        image_token_id=image_token_id,
        text_input=False,
    )
    config.vision_config = s1.vision_config
    qformer = s1.qformer_config.to_dict() | {"use_qformer_text_input": False}
    config.qformer_config = type(s1.qformer_config)(**{k: v for k, v in qformer.items() if k != "model_type"})
    torch.manual_seed(train.seed)
    model = Blip2Stage2(config, lm)
    model.load_stage1(stage1.state_dict())

    def export(trained: Blip2Stage2, directory: Path) -> None:
        save_stage2(trained, tokenizer, processor, directory)
        log.info("wrote BLIP-2 stage 2 (Blip2ForConditionalGeneration) to %s", directory)

    return Task(
        name="blip2-stage2",
        model=model,
        transform=ImageTransform(processor, Augmentation(train.crop_scale_min, train.hflip)),
        collate=Stage2Collator(
            tokenizer, config.num_query_tokens, image_token_id, args.max_text_length + 2, args.prompt
        ),
        export=export,
    )


def blip2_task(args: Blip2Args, train: TrainConfig) -> Task:
    if args.stage not in (1, 2):
        raise ValueError(f"--stage must be 1 or 2, got {args.stage}")
    return stage1_task(args, train) if args.stage == 1 else stage2_task(args, train)
