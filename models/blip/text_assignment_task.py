"""`models.finetune nlvr2_pretrain`: BLIP's text-assignment pretraining of the NLVR2 model
(models/blip/text_assignment.py) on pairs or curated Parquet, through the one training loop. Its output is
what `models.finetune nlvr2 --init` takes: twins and merge layers as trained, the true/false head fresh."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

import torch
from transformers import BlipConfig, BlipProcessor

import schemas
from capfilt.flags import option
from models.blip.checkpoint import resolve
from models.blip.nlvr2_data import TwinTextCollator
from models.blip.nlvr2_task import check_common_args, load_twin_weights, twin_task
from models.blip.text_assignment import BlipTextAssignment
from models.common.checkpoint_io import state_dict_keys
from models.training.data import ParquetImageText
from models.training.task import Task, TrainConfig

log = logging.getLogger(__name__)

TASK = "nlvr2_pretrain"  # the exported config's blip_task
# Parts each kind of checkpoint lacks by design (they start fresh without a warning): any BLIP checkpoint
# lacks the 3-way head and merge layers, an NLVR2 export the 3-way head and ITC projection.
FRESH_PARTS = {None: ("ta_head.", ".merge_layer."), "nlvr2": ("ta_head.", "vision_proj."), TASK: ()}
NEGATIVES = ("auto", "similar", "random")
IMAGE_TEXT_TABLES = (None, "pairs", "curated")  # stamped names the pairs loader reads (None: unstamped)


@dataclass
class TextAssignmentArgs:
    """The flags of `models.finetune nlvr2_pretrain` beside the training ones."""

    init: str = option("", "BLIP checkpoint dir or hub id with a text encoder (pretrained, or a filter)")
    max_text_length: int = option(40, "tokens per text, [CLS] and [SEP] included")
    first_token: str = option(
        "",
        "first token of the text: enc (BLIP's code) or cls; default: the checkpoint's itm_first_token, "
        "else enc when the tokenizer has [ENC]",
    )
    negatives: str = option(
        "auto",
        "how the other image(s) are drawn from the batch: similar (by the checkpoint's ITC image features, "
        "ALBEF's way), random (uniformly), auto (similar when the checkpoint has vision_proj)",
        choices=NEGATIVES,
    )
    export_dtype: str = option("float32", "float32 or float16 storage of the export")


class TextAssignmentPairs(ParquetImageText):
    """The pairs loader's samples plus each text's class and two uniform numbers for drawing negatives,
    from the loader's seeded per-sample generator (so they are fixed by the seed and survive resume)."""

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        sample = super().sample(record, schema, rng)
        if sample is None:
            return None
        # ALBEF: 1/3 neither, else the own image first or second with equal odds.
        sample["assignment"] = rng.randrange(3)
        sample["picks"] = (rng.random(), rng.random())
        return sample


class TextAssignmentCollator(TwinTextCollator):
    """Texts with their first token, images stacked; classes, picks, and a record id per image so that no
    image is the negative of its own record's text."""

    def __call__(self, samples: list[dict]) -> dict:
        batch = super().__call__(samples)
        batch["assignment"] = torch.tensor([s["assignment"] for s in samples], dtype=torch.long)
        batch["picks"] = torch.tensor([s["picks"] for s in samples], dtype=torch.float64)
        ids: dict[str, int] = {}
        batch["image_groups"] = torch.tensor([ids.setdefault(s["key"], len(ids)) for s in samples])
        return batch


def check_image_text_file(path: str) -> None:
    name = schemas.schema_name(schemas.read_schema(path))
    if name not in IMAGE_TEXT_TABLES:
        raise ValueError(
            f"{path}: nlvr2_pretrain reads image-text pairs (pairs or curated tables), not {name}"
            + (" (that is finetune nlvr2's data)" if name == "nlvr2" else "")
        )


def load_text_assignment(source: str, negatives: str = "auto") -> tuple[BlipTextAssignment, BlipProcessor]:
    """The text-assignment model from a BLIP checkpoint (twins initialised from its cross-attention) or from
    an earlier nlvr2_pretrain output (every weight)."""
    if negatives not in NEGATIVES:
        raise ValueError(f"--negatives must be one of {', '.join(NEGATIVES)}, got {negatives!r}")
    directory = resolve(source)
    has_projection = any(k.startswith("vision_proj.") for k in state_dict_keys(directory))
    if negatives == "similar" and not has_projection:
        raise ValueError(
            f"--negatives similar: {source} has no ITC image projection (vision_proj); use random"
        )
    similar = has_projection if negatives == "auto" else negatives == "similar"
    if not similar:
        log.info("negatives for text assignment are drawn uniformly from the batch")
    model = BlipTextAssignment(BlipConfig.from_pretrained(directory), similarity_negatives=similar)
    load_twin_weights(model, directory, source, FRESH_PARTS)
    return model, BlipProcessor.from_pretrained(directory)


def text_assignment_task(args: TextAssignmentArgs, train: TrainConfig) -> Task:
    check_common_args(args)
    if train.batch_size < 3:
        raise ValueError(
            f"--batch_size {train.batch_size}: text assignment draws its negatives from the batch; "
            "use at least 3 (a text of class 'neither' needs two other images)"
        )
    for path in schemas.expand(train.data):  # refused before anything is built or trained
        check_image_text_file(path)
    torch.manual_seed(train.seed)  # the fresh head is identical on every rank
    model, processor = load_text_assignment(args.init, args.negatives)
    collator, dataset = TextAssignmentCollator, TextAssignmentPairs
    return twin_task("blip-nlvr2-pretrain", TASK, model, processor, args, train, collator, dataset)
