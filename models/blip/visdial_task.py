"""Fine-tuning BLIP for VisDial: `python -m models.finetune visdial --init BLIP_DIR --data VISDIAL_PARQUET`.

Reads `visdial` tables (schemas/visdial.py: the demo world's dialogs, or VisDial v1.0 converted by
`python -m capfilt.readers.visdial`). Each sample is one answered round of one dialog, drawn at random: the
image, the dialog up to that round, the right answer and `--negatives` other options of the round. Trained by
the one training loop (resumable, torchrun-able); the result is written as a BlipForImageTextRetrieval whose
config.json also records the text budget, so `models.evaluate visdial` encodes dialogs the same way.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch

import schemas
from capfilt.flags import add_dataclass_arguments, add_subcommand, option
from models.blip import checkpoint
from models.blip.conventions import DEFAULT_ITM_FIRST_TOKEN, ITM_FIRST_TOKENS
from models.blip.model import BlipObjectiveConfig
from models.blip.visdial import BlipVisDial, DialogEncoder, DialogTurn, TextBudget, VisDialCollator
from models.training.data import ParquetImageText, decode_image
from models.training.loop import run_training
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform

log = logging.getLogger(__name__)

# BLIP's fine-tuning recipe (small learning rate, no warmup), as for the captioner and the filter.
FINETUNE_DEFAULTS = {"lr": 1e-5, "warmup_steps": 0, "output": "runs/blip-visdial"}
# Where the exported config.json keeps the text budget the model was trained with.
BUDGET_KEY = "visdial_text_budget"


@dataclass
class VisDialArgs:
    """The model flags of `models.finetune visdial`."""

    init: str = option("", "BLIP checkpoint (pretrained or filter; directory or hub id) to start from")
    max_text_length: int = option(
        128, "tokens per candidate sequence (caption, history, question, answer); at most the checkpoint's"
    )
    caption_tokens: int = option(40, "tokens kept of the caption")
    answer_tokens: int = option(20, "tokens kept of each candidate answer")
    negatives: int = option(3, "wrong options of the round trained against the right answer per sample")
    itm_first_token: str = option(
        "", "first token of the sequences: cls or enc; default: the checkpoint's itm_first_token, else cls"
    )
    export_dtype: str = option("float32", "storage of the export", choices=("float32", "float16"))


def is_rankable(round_: dict) -> bool:
    """A round with options and the index of its right answer among them."""
    options, right = round_.get("options") or [], round_.get("gt_index")
    return right is not None and 0 <= right < len(options)


def dialog_turn(record: dict, index: int) -> DialogTurn:
    rounds = record["rounds"] or []
    history = tuple((r["question"] or "", r["answer"] or "") for r in rounds[:index])
    return DialogTurn(record["caption"] or "", history, rounds[index]["question"] or "")


def visdial_schema(path: str):
    name = schemas.schema_name(schemas.read_schema(path))
    if name != "visdial":
        raise ValueError(
            f"{path} is a {name or 'unstamped'} table, not visdial; convert VisDial JSON with "
            "python -m capfilt.readers.visdial or generate dialogs with python -m capfilt.world.visdial"
        )
    return schemas.VISDIAL


class ParquetVisDial(ParquetImageText):
    """`visdial` rows as training samples, with the pairs loader's sharding, shuffle and exact resume."""

    def __init__(self, files: list[str], transform, *, negatives: int = 3, **kwargs):
        super().__init__(files, transform, **kwargs)
        self.schemas = {path: visdial_schema(path) for path in self.files}
        if negatives < 1:
            raise ValueError(f"--negatives must be >= 1, got {negatives}")
        self.negatives = negatives

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        rounds = record["rounds"] or []
        answered = [i for i, r in enumerate(rounds) if is_rankable(r) and len(r["options"]) > 1]
        image = decode_image(record, getattr(self.transform, "decode_size", None)) if answered else None
        if image is None:
            log.warning(
                "skipping dialog %r: %s", record["key"], "no image" if answered else "no answered round"
            )
            return None
        index = answered[rng.randrange(len(answered))]
        options, right = rounds[index]["options"], rounds[index]["gt_index"]
        wrong = [o for i, o in enumerate(options) if i != right and o != options[right]]
        negatives = rng.sample(wrong, min(self.negatives, len(wrong)))
        return {
            "key": f"{record['key']}#{index}",
            "pixel_values": self.transform(image, rng),
            "turn": dialog_turn(record, index),
            "candidates": [options[right], *negatives],
        }


def text_budget(config, args: VisDialArgs) -> TextBudget:
    positions = config.text_config.max_position_embeddings
    return TextBudget(min(args.max_text_length, positions), args.caption_tokens, args.answer_tokens)


def load_ranker(source: str, objective: BlipObjectiveConfig | None = None):
    """(BlipVisDial, processor) from any BLIP checkpoint with a text encoder and ITM head."""
    objective = objective or BlipObjectiveConfig(objectives=("itc", "itm"))
    return checkpoint.load_blip(source, objective, model_class=BlipVisDial)


def visdial_task(args: VisDialArgs, train: TrainConfig) -> Task:
    if not args.init:
        raise ValueError(
            "--init is required: the pretrained BLIP checkpoint (directory or hub id) to fine-tune"
        )
    torch.manual_seed(train.seed)  # identical fresh parts on every rank
    model, processor = load_ranker(args.init)
    first_token = args.itm_first_token or getattr(model.config, "itm_first_token", DEFAULT_ITM_FIRST_TOKEN)
    if first_token not in ITM_FIRST_TOKENS:
        raise ValueError(f"--itm_first_token must be one of {ITM_FIRST_TOKENS}, got {first_token!r}")
    budget = text_budget(model.config, args)
    model.config.itm_first_token = first_token
    setattr(model.config, BUDGET_KEY, vars(budget).copy())
    storage = {"float32": torch.float32, "float16": torch.float16}[args.export_dtype]

    def export(trained, directory: Path) -> None:
        checkpoint.export(trained, processor, "filter", directory, storage_dtype=storage)
        log.info("wrote the VisDial ranker to %s", directory)

    return Task(
        name="blip-visdial",
        model=model,
        transform=ImageTransform(processor.image_processor, Augmentation(train.crop_scale_min, train.hflip)),
        collate=VisDialCollator(DialogEncoder(processor.tokenizer, budget, first_token)),
        export=export,
        dataset=partial(ParquetVisDial, negatives=args.negatives),
    )


def _run(args) -> dict:
    return run_training(args, VisDialArgs, visdial_task)


def add_finetune_parser(subparsers) -> None:
    """`models.finetune visdial`, registered the one way every models.* subcommand is."""
    sub = add_subcommand(
        subparsers,
        "visdial",
        help="VisDial answer ranking by ITM (BLIP discriminative); exports BlipForImageTextRetrieval",
        description=__doc__,
        run=_run,
    )
    add_dataclass_arguments(sub, VisDialArgs)
    add_dataclass_arguments(sub, TrainConfig, FINETUNE_DEFAULTS)
