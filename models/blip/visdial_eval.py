"""Evaluating a VisDial ranker: `python -m models.evaluate visdial --checkpoint DIR --data VISDIAL_PARQUET`.

Every round with options and a known right answer is ranked: each option scored by ITM against the image,
given the caption, the history and the question (models.blip.visdial), then MRR, R@1/5/10 and mean rank
(models.evaluation.ranking). Prints a table and ends with one JSON line (in models.evaluate).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import torch
from tqdm import tqdm

import schemas
from capfilt.flags import add_dataclass_arguments, add_subcommand, option
from models.blip.conventions import DEFAULT_ITM_FIRST_TOKEN
from models.blip.visdial import DialogEncoder, TextBudget, match_scores
from models.blip.visdial_task import BUDGET_KEY, dialog_turn, is_rankable, load_ranker, visdial_schema
from models.evaluation.ranking import answer_ranks, ranking_metrics
from models.training.data import decode_image, iter_table_records
from models.training.transforms import draft_size_for

log = logging.getLogger(__name__)

METRICS = ("mrr", "r1", "r5", "r10", "mean_rank")


@dataclass
class VisDialEvaluateArgs:
    """The flags of `models.evaluate visdial`."""

    checkpoint: str = option(help="VisDial ranker (models.finetune visdial) or any BLIP ITM checkpoint")
    data: str = option(help="visdial Parquet glob(s), comma-separated")
    batch_size: int = option(200, "candidate sequences scored at once")
    limit: int = option(0, "rank at most this many dialogs (0 = all)")
    device: str = option("auto", "auto, cpu or cuda", choices=("auto", "cpu", "cuda"))


def encoder_for(model, tokenizer) -> DialogEncoder:
    """The text encoding the model was fine-tuned with (recorded in config.json), else the defaults."""
    budget = dict(getattr(model.config, BUDGET_KEY, None) or {})
    budget.setdefault(
        "max_length", min(TextBudget.max_length, model.config.text_config.max_position_embeddings)
    )
    first_token = getattr(model.config, "itm_first_token", DEFAULT_ITM_FIRST_TOKEN)
    return DialogEncoder(tokenizer, TextBudget(**budget), first_token)


@torch.no_grad()
def round_scores(model, encoder: DialogEncoder, image_embeds, turn, options, batch_size: int) -> torch.Tensor:
    """The match log-odds of every option of one round, `batch_size` sequences at a time."""
    ids, mask = encoder.encode(turn, options)
    device = image_embeds.device
    scores = []
    for start in range(0, len(options), batch_size):
        rows = slice(start, start + batch_size)
        index = torch.zeros(ids[rows].shape[0], dtype=torch.long, device=device)
        logits = model.candidate_logits(image_embeds, index, ids[rows].to(device), mask[rows].to(device))
        scores.append(match_scores(logits.float()).cpu())
    return torch.cat(scores)


@torch.no_grad()
def rank_dialogs(model, processor, files: list[str], batch_size: int = 200, limit: int = 0) -> dict:
    """Rank every answered round of the files' dialogs; the metrics plus how many dialogs and rounds."""
    model.eval()
    device = next(model.parameters()).device
    encoder = encoder_for(model, processor.tokenizer)
    draft_size = draft_size_for(processor.image_processor)
    ranks, dialogs, skipped = [], 0, 0
    with tqdm(desc="rank dialogs", unit="dialog", leave=False, disable=None) as progress:
        for path in files:
            for record in iter_table_records(path, visdial_schema(path)):
                if limit and dialogs >= limit:
                    break
                rounds = record["rounds"] or []
                rankable = [i for i, r in enumerate(rounds) if is_rankable(r)]
                image = decode_image(record, draft_size) if rankable else None
                if image is None:
                    skipped += 1
                    continue
                pixels = processor.image_processor(images=[image], return_tensors="pt").pixel_values
                image_embeds = model.image_embeds(pixels.to(device))
                for i in rankable:
                    scores = round_scores(
                        model, encoder, image_embeds, dialog_turn(record, i), rounds[i]["options"], batch_size
                    )
                    ranks.append(answer_ranks(scores[None], torch.tensor([rounds[i]["gt_index"]])))
                dialogs += 1
                progress.update(1)
    if not ranks:
        raise ValueError(f"no dialog with an answered round and a decodable image in {len(files)} file(s)")
    if skipped:
        log.warning("skipped %d dialog(s) without a decodable image or any answered round", skipped)
    return {**ranking_metrics(torch.cat(ranks)), "dialogs": dialogs, "rounds": len(ranks), "skipped": skipped}


def format_table(name: str, results: dict) -> str:
    """One row in the layout of VisDial tables: MRR and R@k in percent, mean rank."""
    header = f"{'model':<10}  " + "  ".join(f"{m:>9}" for m in METRICS)
    row = f"{name:<10}  " + "  ".join(f"{results[m]:>9.2f}" for m in METRICS)
    return f"{header}\n{row}"


def _device(choice: str) -> torch.device:
    if choice == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "--device cuda was requested but no CUDA device is visible; use --device cpu or auto"
        )
    return torch.device("cuda" if choice != "cpu" and torch.cuda.is_available() else "cpu")


def evaluate_visdial(args) -> dict:
    """What `models.evaluate visdial` runs: prints the table, returns the summary (printed as JSON)."""
    device = _device(args.device)
    model, processor = load_ranker(args.checkpoint)
    results = rank_dialogs(
        model.to(device), processor, schemas.expand(args.data), args.batch_size, args.limit
    )
    print(format_table("visdial", results))
    return {
        "model": "visdial",
        "checkpoint": args.checkpoint,
        **{k: round(v, 2) if isinstance(v, float) else v for k, v in results.items()},
    }


def add_evaluate_parser(subparsers) -> None:
    sub = add_subcommand(
        subparsers,
        "visdial",
        help="a VisDial ranker: MRR, R@1/5/10 and mean rank of the right answer among the options",
        description=__doc__,
        run=evaluate_visdial,
    )
    add_dataclass_arguments(sub, VisDialEvaluateArgs)
