"""Assembling a VQA fine-tuning run (`python -m models.finetune vqa`): the model from a BLIP checkpoint,
the `vqa` reader, the collator, and the export as transformers' BlipForQuestionAnswering plus the answer
list that `models.evaluate vqa` ranks."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoTokenizer, BlipConfig, BlipProcessor

from capfilt.flags import option
from models.blip import checkpoint
from models.blip.conventions import DEFAULT_ITM_FIRST_TOKEN, ITM_FIRST_TOKENS
from models.blip.vqa import MAX_ANSWER_TOKENS, BlipVqaModel
from models.blip.vqa_data import ParquetVqa, VqaCollator, most_frequent_answers
from models.common.checkpoint_io import read_state_dict
from models.training.task import Task, TrainConfig
from models.training.transforms import Augmentation, ImageTransform
from schemas import expand

log = logging.getLogger(__name__)

ANSWER_LIST = "answer_list.json"
# config.json keys read back by models.evaluate vqa.
QUESTION_FIRST_TOKEN = "question_first_token"


@dataclass
class VqaArgs:
    """The VQA model's flags (`models.finetune vqa`)."""

    init: str = option("", "BLIP checkpoint (directory or hub id) to start from: pretrained or VQA")
    init_decoder: str = option(
        "",
        "BLIP checkpoint whose text decoder starts the answer decoder (a captioner, when --init is a filter "
        "without one); default: --init's, else fresh",
    )
    tokenizer: str = option("", "tokenizer dir or hub id; default: init's")
    max_question_length: int = option(35, "question tokens, [CLS] and [SEP] included (BLIP: 35)")
    max_answer_length: int = option(MAX_ANSWER_TOKENS, "answer tokens, [DEC] and [SEP] included")
    question_first_token: str = option(
        DEFAULT_ITM_FIRST_TOKEN,
        "first token of the question: cls (transformers' BlipForQuestionAnswering API) or enc (BLIP's code)",
        choices=ITM_FIRST_TOKENS,
    )
    label_smoothing: float = option(0.1, "label smoothing of the answer LM loss (BLIP: 0.1)")
    answer_list_size: int = option(3128, "answers written to answer_list.json: the most frequent of --data")
    export_dtype: str = option(
        "float32", "float32 or float16 storage of the export", choices=("float32", "float16")
    )


def _weights_for(model: BlipVqaModel, source: str, prefix: str = "") -> dict:
    """The weights of `source` the model has (names starting with `prefix`), shapes checked."""
    wanted = model.state_dict()
    state = {
        k: v.float()
        for k, v in read_state_dict(checkpoint.resolve(source)).items()
        if k in wanted and k.startswith(prefix)
    }
    mismatched = [k for k, v in state.items() if v.shape != wanted[k].shape]
    if mismatched:
        raise ValueError(f"{source}: weights with unexpected shapes for this config: {mismatched[:5]}")
    return state


def load_vqa(
    source: str, label_smoothing: float = 0.1, decoder_source: str = ""
) -> tuple[BlipVqaModel, BlipProcessor]:
    """A BlipVqaModel from any transformers BLIP checkpoint (pretrained, BlipForQuestionAnswering, ...);
    parts it lacks start fresh and are named in a warning (a captioner has no text encoder).
    `decoder_source` (a captioner) gives the answer decoder instead: BLIP starts it from its pretrained
    decoder, and a fresh one learns to read the question states far more slowly (docs/downstream.md)."""
    directory = checkpoint.resolve(source)
    model = BlipVqaModel(BlipConfig.from_pretrained(directory), label_smoothing)
    state = _weights_for(model, source)
    if decoder_source:
        decoder = _weights_for(model, decoder_source, "text_decoder.")
        if not decoder:
            raise ValueError(f"{decoder_source}: no text decoder weights (--init_decoder takes a captioner)")
        state = {**{k: v for k, v in state.items() if not k.startswith("text_decoder.")}, **decoder}
    missing = model.load_state_dict(state, strict=False).missing_keys
    missing = [k for k in missing if not k.startswith("text_decoder.cls.predictions.decoder.")]  # tied
    if missing:
        parts = sorted({".".join(k.split(".")[:2]) for k in missing})
        log.warning(
            "%s has no weights for %s: those start from a fresh initialisation", source, ", ".join(parts)
        )
    return model, BlipProcessor.from_pretrained(directory)


def read_answer_list(path: str | Path) -> list[str]:
    """A JSON list of answer strings (BLIP's answer_list.json, or the one a fine-tuning run writes)."""
    try:
        answers = json.loads(Path(path).read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"{path}: not a readable JSON answer list ({error})") from error
    if not isinstance(answers, list) or not answers or not all(isinstance(a, str) for a in answers):
        raise ValueError(f"{path}: an answer list is a non-empty JSON list of strings")
    return answers


def vqa_task(args: VqaArgs, train: TrainConfig) -> Task:
    if not args.init:
        raise ValueError("--init is required: the BLIP checkpoint to fine-tune for VQA")
    files = expand(train.data)
    torch.manual_seed(train.seed)  # parts the checkpoint lacks start identically on every rank
    model, processor = load_vqa(args.init, args.label_smoothing, args.init_decoder)
    if args.tokenizer:
        processor.tokenizer = AutoTokenizer.from_pretrained(args.tokenizer)
    # Recorded in config.json so that whoever asks the exported model uses the same question convention.
    setattr(model.config, QUESTION_FIRST_TOKEN, args.question_first_token)
    storage = {"float32": torch.float32, "float16": torch.float16}[args.export_dtype]

    def export(trained: BlipVqaModel, directory: Path) -> None:
        checkpoint.export(trained, processor, "vqa", directory, storage_dtype=storage)
        answers = most_frequent_answers(files, args.answer_list_size)
        (directory / ANSWER_LIST).write_text(json.dumps(answers, indent=0) + "\n")
        log.info("wrote the VQA model and its %d-answer list to %s", len(answers), directory)

    return Task(
        name="blip-vqa",
        model=model,
        transform=ImageTransform(processor.image_processor, Augmentation(train.crop_scale_min, train.hflip)),
        collate=VqaCollator(
            processor.tokenizer, args.max_question_length, args.max_answer_length, args.question_first_token
        ),
        export=export,
        dataset=ParquetVqa,
    )
