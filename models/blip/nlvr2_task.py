"""The NLVR2 task: its flags, loading from a BLIP checkpoint (twin cross-attention initialisation), export,
the Task the one training loop trains, and evaluation (accuracy on held-out nlvr2 tables)."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn
from transformers import BlipConfig, BlipProcessor

import schemas
from capfilt.flags import option
from models.blip.checkpoint import resolve
from models.blip.conventions import enc_token_id
from models.blip.nlvr2 import BlipNlvr2Model, twin_state_dict
from models.blip.nlvr2_data import Nlvr2Collator, Nlvr2Pairs, check_nlvr2_file, decode_pair
from models.common.checkpoint_io import WEIGHTS, read_state_dict
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas.nlvr2 import LABEL, NLVR2, STATEMENT

log = logging.getLogger(__name__)

TASK_MARKER = "blip_task"  # config.json key of an exported NLVR2 model: "nlvr2" (or "nlvr2_pretrain")
# Parts a checkpoint of each kind lacks by design; they start fresh (as in BLIP) without a warning. Any BLIP
# checkpoint lacks the head and merge layers; a text-assignment export (models/blip/text_assignment_task.py)
# has every weight but the true/false head; an NLVR2 export has them all.
FRESH_PARTS = {None: ("cls_head.", ".merge_layer."), "nlvr2_pretrain": ("cls_head.",), "nlvr2": ()}


@dataclass
class Nlvr2Args:
    """The flags of `models.finetune nlvr2` beside the training ones."""

    init: str = option(
        "",
        "BLIP checkpoint dir or hub id: pretrained (twins initialised), a finetune nlvr2_pretrain output "
        "(twins kept) or an NLVR2 export",
    )
    max_text_length: int = option(40, "tokens per statement, [CLS] and [SEP] included")
    first_token: str = option(
        "",
        "first token of the statement: enc (BLIP's code) or cls; default: the checkpoint's itm_first_token, "
        "else enc when the tokenizer has [ENC]",
    )
    export_dtype: str = option("float32", "float32 or float16 storage of the export")


def first_token_for(config: BlipConfig, tokenizer, chosen: str = "") -> str:
    if chosen:
        if chosen not in ("cls", "enc"):
            raise ValueError(f"--first_token must be cls or enc, got {chosen!r}")
        return chosen
    recorded = getattr(config, "nlvr2_first_token", None) or getattr(config, "itm_first_token", None)
    if recorded:
        return recorded
    return "enc" if enc_token_id(tokenizer) is not None else "cls"


def load_twin_weights(model: nn.Module, directory: Path, source: str, fresh: dict) -> None:
    """A BLIP checkpoint's weights into a twin-encoder model: each pretrained cross-attention block copied
    into both halves of its twin, twins already there (NLVR2 or text-assignment outputs) kept as they are.
    `fresh` maps the checkpoint's `blip_task` to the parts it lacks by design; others missing are named."""
    wanted = model.state_dict()
    state = twin_state_dict(read_state_dict(directory), set(wanted))
    mismatched = [k for k, v in state.items() if v.shape != wanted[k].shape]
    if mismatched:
        raise ValueError(f"{source}: weights with unexpected shapes for this config: {mismatched[:5]}")
    missing = model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False).missing_keys
    marker = getattr(model.config, TASK_MARKER, None)
    expected = fresh.get(marker, fresh[None])
    unexpected = [k for k in missing if not any(part in k for part in expected)]
    if unexpected:
        parts = sorted({".".join(k.split(".")[:2]) for k in unexpected})
        log.warning(
            "%s has no weights for %s: those start from a fresh initialisation", source, ", ".join(parts)
        )


def load_nlvr2(source: str) -> tuple[BlipNlvr2Model, BlipProcessor]:
    """An NLVR2 model from a BLIP checkpoint: a pretrained one (each twin's halves both get the pretrained
    cross-attention block; head and merge layers fresh), a text-assignment output (every weight but the
    head) or an NLVR2 export (every weight)."""
    directory = resolve(source)
    model = BlipNlvr2Model(BlipConfig.from_pretrained(directory))
    load_twin_weights(model, directory, source, FRESH_PARTS)
    return model, BlipProcessor.from_pretrained(directory)


def save_nlvr2(
    model: nn.Module, processor, directory: Path, first_token: str, dtype=torch.float32, task: str = "nlvr2"
) -> Path:
    """model.safetensors (every weight), config.json marked `blip_task: TASK`, and the processor.

    transformers has no NLVR2 class; `load_nlvr2` reads the directory back, and its vision and text
    encoder weights keep transformers' BLIP names."""
    directory.mkdir(parents=True, exist_ok=True)
    model = model.module if hasattr(model, "module") else model
    state = {
        k: v.detach().to("cpu", dtype=dtype, copy=True).contiguous() for k, v in model.state_dict().items()
    }
    save_file(state, directory / WEIGHTS, metadata={"format": "pt"})
    config = model.config
    setattr(config, TASK_MARKER, task)
    config.nlvr2_first_token = first_token
    config.save_pretrained(directory)
    processor.save_pretrained(directory)
    return directory


STORAGES = {"float32": torch.float32, "float16": torch.float16}  # --export_dtype


def check_common_args(args) -> None:
    """--init and --export_dtype of a twin-encoder run (nlvr2, nlvr2_pretrain), before anything is built."""
    if not args.init:
        raise ValueError(
            "--init is required: the BLIP checkpoint (pretrained, or an NLVR2 export) to start from"
        )
    if args.export_dtype not in STORAGES:
        raise ValueError(f"--export_dtype must be float32 or float16, got {args.export_dtype!r}")


def twin_task(name: str, marker: str, model, processor, args, train: TrainConfig, collator, dataset) -> Task:
    """A twin-encoder run's Task: first token, transform, collator and export (`blip_task: marker`)."""
    first = first_token_for(model.config, processor.tokenizer, args.first_token)

    def export(trained: nn.Module, directory: Path) -> None:
        save_nlvr2(trained, processor, Path(directory), first, STORAGES[args.export_dtype], task=marker)
        log.info("wrote the %s model to %s", marker, directory)

    return Task(
        name=name,
        model=model,
        transform=ImageTransform(processor.image_processor, Augmentation(train.crop_scale_min, train.hflip)),
        collate=collator(processor.tokenizer, args.max_text_length, first),
        export=export,
        dataset=dataset,
    )


def nlvr2_task(args: Nlvr2Args, train: TrainConfig) -> Task:
    check_common_args(args)
    for path in schemas.expand(train.data):  # refused before anything is built or trained
        check_nlvr2_file(path)
    torch.manual_seed(train.seed)  # the fresh head is identical on every rank
    model, processor = load_nlvr2(args.init)
    return twin_task("blip-nlvr2", "nlvr2", model, processor, args, train, Nlvr2Collator, Nlvr2Pairs)


@torch.no_grad()
def evaluate_nlvr2(source: str, data: str, batch_size: int = 32, limit: int = 0) -> dict:
    """Accuracy (percent) of an NLVR2 model on nlvr2 tables: overall, on true and on false statements."""
    model, processor = load_nlvr2(source)
    model.eval()
    collate = Nlvr2Collator(
        processor.tokenizer, first_token=first_token_for(model.config, processor.tokenizer)
    )
    transform = ImageTransform(processor.image_processor)
    rng = random.Random(0)  # unused without augmentation; the transform's signature takes one
    files = schemas.expand(data)
    right, seen = {True: 0, False: 0}, {True: 0, False: 0}
    pending: list[dict] = []
    skipped = 0

    def flush() -> None:
        batch = collate(pending)
        predicted = model.logits(batch["pixel_values"], batch["input_ids"], batch["attention_mask"]).argmax(
            -1
        )
        for label, guess in zip(batch["labels"].tolist(), predicted.tolist(), strict=True):
            seen[bool(label)] += 1
            right[bool(label)] += int(label == guess)
        pending.clear()

    for path in files:
        check_nlvr2_file(path)
        for record in schemas.iter_records(path, NLVR2):
            if limit and sum(seen.values()) + len(pending) >= limit:
                break
            left, right_image = decode_pair(record, transform.decode_size)
            if left is None or right_image is None or not (record[STATEMENT] or "").strip():
                skipped += 1
                continue
            pixels = torch.stack([transform(left, rng), transform(right_image, rng)])
            pending.append(
                {
                    "text": record[STATEMENT],
                    "label": int(record[LABEL]),
                    "pixel_values": pixels,
                    "key": record["key"],
                }
            )
            if len(pending) >= batch_size:
                flush()
    if pending:
        flush()
    total = sum(seen.values())
    if not total:
        raise ValueError(
            f"no NLVR2 example with a statement and two decodable images in {len(files)} file(s)"
        )
    if skipped:
        log.warning(
            "skipped %d example(s) without a statement or with an image that does not decode", skipped
        )
    return {
        "accuracy": 100 * sum(right.values()) / total,
        "accuracy_true": 100 * right[True] / max(seen[True], 1),
        "accuracy_false": 100 * right[False] / max(seen[False], 1),
        "examples": total,
        "true": seen[True],
        "false": seen[False],
        "skipped": skipped,
    }
