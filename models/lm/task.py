"""Training the small causal LM that Flamingo and BLIP-2 then keep frozen: `python -m models.pretrain lm`.

A frozen LM must already model text: a random one cannot even express confident predictions through its
random output layer. Real runs load a published LM (--lm); the demo world trains one here on the captions
of the same Parquet corpus, through the shared loader and training loop (images are decoded and ignored).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn
from transformers import AutoTokenizer

from capfilt.flags import add_dataclass_arguments, add_subcommand
from models.lm.model import LM_PRESETS, build_causal_lm, train_causal_tokenizer
from models.training.data import iter_texts
from models.training.distributed import barrier, is_main
from models.training.loop import run_training
from models.training.task import Task, TrainConfig
from models.training.transforms import ImageTransform
from schemas import expand

log = logging.getLogger(__name__)

TRAIN_DEFAULTS = {"output": "runs/lm", "lr": 1e-3, "warmup_steps": 50}


@dataclass
class CausalLMArgs:
    preset: str = field(default="demo", metadata={"help": f"model size {LM_PRESETS}"})
    vocab_size: int = field(default=1000, metadata={"help": "WordPiece vocabulary trained on --data"})
    max_length: int = field(default=64, metadata={"help": "tokens per text"})


class CausalLMTraining(nn.Module):
    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm

    def forward(self, batch: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        out = self.lm(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["labels"]
        )
        return {"loss": out.loss}


class TextCollator:
    """ "<s> text </s>" per sample; the images the loader decodes are not used."""

    def __init__(self, tokenizer, max_length: int):
        self.tokenizer, self.max_length = tokenizer, max_length

    def __call__(self, samples: list[dict]) -> dict:
        texts = [s["text"] + self.tokenizer.eos_token for s in samples]
        enc = self.tokenizer(
            texts, padding="longest", truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        return {
            "input_ids": enc.input_ids,
            "attention_mask": enc.attention_mask,
            "labels": enc.input_ids.masked_fill(enc.attention_mask == 0, -100),
            "keys": [s["key"] for s in samples],
        }


def causal_lm_task(args: CausalLMArgs, train_config: TrainConfig) -> Task:
    directory = Path(train_config.output) / "tokenizer"
    if is_main() and not directory.exists():
        train_causal_tokenizer(iter_texts(expand(train_config.data)), args.vocab_size).save_pretrained(
            directory
        )
    barrier()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    lm = build_causal_lm(args.preset, tokenizer, seed=train_config.seed)

    def export(trained: CausalLMTraining, out: Path) -> None:
        trained.lm.save_pretrained(out)
        tokenizer.save_pretrained(out)
        log.info("wrote the causal LM to %s", out)

    # Images are decoded by the shared loader but unused: the smallest processor keeps that cheap.
    from transformers import CLIPImageProcessorPil

    tiny = CLIPImageProcessorPil(size={"shortest_edge": 8}, crop_size={"height": 8, "width": 8})
    return Task(
        "causal-lm",
        CausalLMTraining(lm),
        ImageTransform(tiny),
        TextCollator(tokenizer, args.max_length),
        export,
    )


def run_pretrain(args: argparse.Namespace) -> dict:
    return run_training(args, CausalLMArgs, causal_lm_task)


def add_pretrain_parser(subparsers) -> None:
    parser = add_subcommand(
        subparsers,
        "lm",
        help="a small causal LM on the corpus' texts (the frozen LM of Flamingo and BLIP-2)",
        description="Train an OPT-architecture causal LM and a WordPiece tokenizer on the texts of "
        "pairs/curated Parquet; the output loads with AutoModelForCausalLM and is what --lm takes.",
        run=run_pretrain,
    )
    add_dataclass_arguments(parser, CausalLMArgs)
    add_dataclass_arguments(parser, TrainConfig, TRAIN_DEFAULTS)
