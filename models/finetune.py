"""Fine-tuning BLIP: `python -m models.finetune {captioner,filter,vqa,nlvr2,visdial} --init DIR ...`.

As in the BLIP paper, the captioner (LM loss) and the filter (ITC + ITM) are fine-tuned separately from the
same pretrained model. The captioner is written as a transformers BlipForConditionalGeneration, the filter
as a BlipForImageTextRetrieval, each with its BlipProcessor. `vqa` fine-tunes BLIP's VQA model on `vqa`
Parquet (models/blip/vqa.py) and writes a BlipForQuestionAnswering with its answer_list.json; `nlvr2`
trains BLIP's NLVR2 model (models/blip/nlvr2.py) on nlvr2 tables, after (optionally) `nlvr2_pretrain`,
BLIP's text-assignment pretraining of that model on image-text pairs; docs/downstream.md.
"""

from __future__ import annotations

import argparse
from functools import partial

from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, add_subcommand
from models.blip.nlvr2_task import Nlvr2Args, nlvr2_task
from models.blip.task import BlipConfigArgs, blip_task
from models.blip.text_assignment_task import TextAssignmentArgs, text_assignment_task
from models.blip.visdial_task import add_finetune_parser as add_visdial_parser
from models.blip.vqa_task import VqaArgs, vqa_task
from models.common.cli import check_args, print_summary, setup_logging
from models.training.loop import run_training
from models.training.task import TrainConfig

# BLIP's fine-tuning recipe: small learning rate, cosine decay without warmup.
FINETUNE_DEFAULTS = {"lr": 1e-5, "warmup_steps": 0, "output": "runs/blip-finetuned"}
KINDS = {
    "captioner": "image-grounded decoder, LM loss with the prompt; exports BlipForConditionalGeneration",
    "filter": "text encoder with ITC + ITM (hard negatives); exports BlipForImageTextRetrieval",
}
# BLIP's VQA recipe (configs/vqa.yaml): lr 2e-5, weight decay 0.05, cosine decay.
VQA_DEFAULTS = {"lr": 2e-5, "warmup_steps": 0, "output": "runs/blip-vqa"}

# BLIP's NLVR2 recipe (configs/nlvr.yaml): lr 3e-5, no warmup; --data takes nlvr2 tables.
NLVR2_DEFAULTS = {"lr": 3e-5, "warmup_steps": 0, "output": "runs/blip-nlvr2"}
NLVR2_HELP = "two images + a statement, true/false (BLIP's twin cross-attention); --data: nlvr2 tables"
# ALBEF's text-assignment recipe (configs/NLVR_pretrain.yaml): lr 2e-5, weight decay 0.02, one epoch.
NLVR2_PRETRAIN_DEFAULTS = {
    "lr": 2e-5,
    "weight_decay": 0.02,
    "warmup_steps": 0,
    "output": "runs/blip-nlvr2-pre",
}
NLVR2_PRETRAIN_HELP = (
    "the NLVR2 model's text-assignment pretraining (first image, second, neither); --data: pairs/curated"
)


def build_parser() -> argparse.ArgumentParser:
    parser = StrictArgumentParser(prog="python -m models.finetune", description=__doc__)
    kinds = parser.add_subparsers(dest="kind", required=True)
    for kind, text in KINDS.items():
        sub = add_subcommand(kinds, kind, help=text)
        add_dataclass_arguments(sub, BlipConfigArgs)
        add_dataclass_arguments(sub, TrainConfig, FINETUNE_DEFAULTS)
    vqa = add_subcommand(kinds, "vqa", help="BLIP's VQA model: answer decoder on the image-grounded encoder")
    add_dataclass_arguments(vqa, VqaArgs)
    add_dataclass_arguments(vqa, TrainConfig, VQA_DEFAULTS)
    # Downstream tasks: their own model flags, the same training flags.
    sub = add_subcommand(kinds, "nlvr2", help=NLVR2_HELP)
    add_dataclass_arguments(sub, Nlvr2Args)
    add_dataclass_arguments(sub, TrainConfig, NLVR2_DEFAULTS)
    sub = add_subcommand(kinds, "nlvr2_pretrain", help=NLVR2_PRETRAIN_HELP)
    add_dataclass_arguments(sub, TextAssignmentArgs)
    add_dataclass_arguments(sub, TrainConfig, NLVR2_PRETRAIN_DEFAULTS)
    add_visdial_parser(kinds)
    return parser


def main(argv: list[str] | None = None) -> dict:
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    check_args(parser, args)
    if getattr(args, "run", None):  # a downstream task (visdial): its own run function
        try:
            summary = args.run(args)
        except (ValueError, FileNotFoundError) as error:
            parser.error(f"{args.kind}: {error}")
        print_summary(summary)
        return summary
    if not args.init:
        parser.error("--init is required: the pretrained BLIP checkpoint (directory or hub id) to fine-tune")
    try:
        if args.kind == "vqa":
            summary = run_training(args, VqaArgs, vqa_task)
        elif args.kind == "nlvr2":
            summary = run_training(args, Nlvr2Args, nlvr2_task)
        elif args.kind == "nlvr2_pretrain":
            summary = run_training(args, TextAssignmentArgs, text_assignment_task)
        else:
            summary = run_training(args, BlipConfigArgs, partial(blip_task, args.kind))
    except (ValueError, FileNotFoundError) as error:
        # A bad setting, a missing checkpoint or a glob that matches nothing: one line, not a traceback.
        parser.error(f"{args.kind}: {error}")
    print_summary(summary)
    return summary


if __name__ == "__main__":
    main()
