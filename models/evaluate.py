"""Evaluating a CLIP or BLIP (ITC) checkpoint: image-text retrieval and zero-shot classification; and
BLIP's downstream heads (`nlvr2`: accuracy on held-out nlvr2 tables, docs/downstream.md).

`python -m models.evaluate clip|blip --checkpoint DIR --data GLOB [--classify GLOB --labels GLOB]`

- retrieval on --data (held-out `pairs` or `curated` Parquet): every human reference caption of an image is a
  text (the web caption when an image has none), R@1/5/10 in both directions (models.evaluation.retrieval);
- zero-shot top-1 on --classify, whose class of each key comes from --labels (`labels` Parquet, class_name),
  with a classifier built from the class names through prompt templates (models.evaluation.zeroshot);
- `blip --rerank_k K`: also BLIP's ITM re-ranked retrieval (each query's top K by ITC similarity re-scored by
  the ITM head's match logit + similarity, `train_retrieval.py`; K = 256 on COCO), reported beside the
  similarity-only figures (`itm_i2t_r1`, ..., `rerank_k`).
Prints a table and ends with one JSON line.

`python -m models.evaluate vqa --checkpoint DIR --data GLOB [--inference rank|generate]`: VQA accuracy of a
BlipForQuestionAnswering checkpoint on `vqa` Parquet, overall and per question type (models.evaluation.vqa).
"""

from __future__ import annotations

import argparse
import json
import logging
from dataclasses import dataclass, field

import pyarrow as pa
import torch
from tqdm import tqdm

import schemas
from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, add_subcommand, option
from models.blip.visdial_eval import add_evaluate_parser as add_visdial_parser
from models.evaluation import retrieval, zeroshot
from models.evaluation.encoders import load_encoder
from models.training.data import decode_image, iter_table_records, table_schema
from models.training.transforms import draft_size_for

log = logging.getLogger(__name__)


@dataclass
class EmbeddedPairs:
    keys: list[str]
    image_features: torch.Tensor  # (images x dim), normalised
    text_features: torch.Tensor  # (texts x dim), normalised
    text_to_image: torch.Tensor  # (texts,) index of each text's image
    skipped: int  # records without a decodable image or any text
    texts: list[str] = field(default_factory=list)  # each text, in text_features' order
    image_states: torch.Tensor | None = None  # (images x tokens x hidden), kept for ITM re-ranking only


def all_texts(record: dict, schema) -> list[str]:
    """Every text that describes the record's image: kept captions, or human references, else the web text."""
    if schema is schemas.CURATED:
        texts = record["captions"] or []
    else:
        texts = record["references"] or [record["caption"]]
    return [t for t in texts if t and t.strip()]


def embed_pairs(
    encoder, files: list[str], batch_size: int = 64, limit: int = 0, keep_image_states: bool = False
) -> EmbeddedPairs:
    """Embed every image and every text of the files (at most `limit` images when > 0).

    `keep_image_states` also keeps each image's vision hidden states (on the CPU, as BLIP's evaluation
    does; about 1.8 MB per image for ViT-B at 384 px) for ITM re-ranking.
    """
    keys: list[str] = []
    all_texts_seen: list[str] = []
    image_chunks, text_chunks, text_to_image, state_chunks = [], [], [], []
    pending_images: list = []
    pending_texts: list[str] = []
    skipped = 0
    draft_size = draft_size_for(encoder.image_processor)  # decoded as the training loader decodes

    def flush() -> None:
        if pending_images:
            pixels = encoder.image_processor(images=pending_images, return_tensors="pt").pixel_values
            if keep_image_states:
                features, states = encoder.image_features_and_states(pixels)
                state_chunks.append(states.cpu())
            else:
                features = encoder.images(pixels)
            image_chunks.append(features)
            text_chunks.append(encoder.texts(pending_texts))
            pending_images.clear()
            pending_texts.clear()

    # disable=None: a bar on a terminal, none in a log file (e.g. the bootstrap loop's evaluations).
    with tqdm(desc="embed", unit="img", leave=False, disable=None) as progress:
        for path in files:
            schema = table_schema(path)
            for record in iter_table_records(path, schema):
                if limit and len(keys) >= limit:
                    break
                texts, image = all_texts(record, schema), decode_image(record, draft_size)
                if not texts or image is None:
                    skipped += 1
                    continue
                index = len(keys)
                keys.append(record["key"])
                pending_images.append(image)
                pending_texts.extend(texts)
                all_texts_seen.extend(texts)
                text_to_image.extend([index] * len(texts))
                if len(pending_images) >= batch_size:
                    flush()
                progress.update(1)
    flush()
    if not keys:
        raise ValueError(f"no image with text found in {len(files)} file(s)")
    if skipped:
        log.warning("skipped %d record(s) without a decodable image or any text", skipped)
    return EmbeddedPairs(
        keys,
        torch.cat(image_chunks),
        torch.cat(text_chunks),
        torch.tensor(text_to_image),
        skipped,
        all_texts_seen,
        torch.cat(state_chunks) if keep_image_states else None,
    )


def retrieval_metrics(pairs: EmbeddedPairs) -> dict[str, float]:
    similarity = pairs.image_features @ pairs.text_features.t()
    return retrieval.retrieval_recall(similarity, pairs.text_to_image)


RERANKED_PREFIX = "itm_"


def reranked_metrics(encoder, pairs: EmbeddedPairs, k: int, batch_size: int = 64) -> dict[str, float]:
    """R@K after BLIP's ITM re-ranking of each query's top `k` by similarity, keys prefixed `itm_`.

    Both directions are re-ranked separately, as in BLIP's `train_retrieval.py` evaluation: each image's top
    k texts, and each text's top k images, re-scored by ITM match logit + similarity.
    """
    if pairs.image_states is None:
        raise ValueError(
            "ITM re-ranking needs the images' hidden states (embed_pairs(keep_image_states=True))"
        )

    def itm(image_ids: torch.Tensor, text_ids: torch.Tensor) -> torch.Tensor:
        chunks = []
        for start in range(0, len(image_ids), batch_size):
            images, texts = image_ids[start : start + batch_size], text_ids[start : start + batch_size]
            states = pairs.image_states[images]
            chunks.append(encoder.itm_match_logits(states, [pairs.texts[j] for j in texts.tolist()]).cpu())
        return torch.cat(chunks)

    similarity = (pairs.image_features @ pairs.text_features.t()).cpu()
    i2t = retrieval.rerank_top_k(similarity, k, itm)
    t2i = retrieval.rerank_top_k(similarity.t(), k, lambda texts, images: itm(images, texts))
    metrics = retrieval.retrieval_recall(i2t, pairs.text_to_image, t2i_similarity=t2i)
    return {RERANKED_PREFIX + name: value for name, value in metrics.items()}


def read_classes(label_files: list[str]) -> dict[str, str]:
    """key -> class_name from `labels` Parquet files."""
    wanted = pa.schema([schemas.LABELS.field("key"), schemas.LABELS.field("class_name")])
    classes: dict[str, str] = {}
    for path in label_files:
        table = schemas.read_table(path, wanted)
        for key, name in zip(
            table.column("key").to_pylist(), table.column("class_name").to_pylist(), strict=True
        ):
            if name:
                classes[key] = name
    return classes


def zeroshot_metrics(encoder, images: EmbeddedPairs, classes: dict[str, str], templates) -> dict[str, float]:
    """Top-1 over the images whose key has a class; the candidate classes are all classes among them."""
    rows = [i for i, key in enumerate(images.keys) if key in classes]
    if not rows:
        raise ValueError("no classified image has a class in the labels given")
    names = sorted({classes[images.keys[i]] for i in rows})
    classifier = zeroshot.zeroshot_classifier(names, encoder.texts, templates)
    predicted = zeroshot.classify(images.image_features[rows], classifier)
    labels = torch.tensor([names.index(classes[images.keys[i]]) for i in rows])
    return {"zeroshot_top1": zeroshot.top1_accuracy(predicted, labels), "zeroshot_classes": len(names)}


def evaluate(
    encoder,
    data: str = "",
    classify: str = "",
    labels: str = "",
    batch_size: int = 64,
    limit: int = 0,
    templates=zeroshot.DEFAULT_TEMPLATES,
    rerank_k: int = 0,
) -> dict:
    """Retrieval metrics on `data` and zero-shot top-1 on `classify` (with `labels`); either may be empty.

    `rerank_k` > 0 (a BLIP encoder) adds the ITM re-ranked figures (`itm_i2t_r1`, ...) and `rerank_k`
    beside the similarity-only ones.
    """
    if rerank_k < 0:
        raise ValueError(f"--rerank_k must be >= 0, got {rerank_k}")
    if rerank_k and not hasattr(encoder, "itm_match_logits"):
        raise ValueError("--rerank_k needs a BLIP checkpoint with an ITM head (models.evaluate blip)")
    if not data and not classify:
        raise ValueError("nothing to evaluate: give --data and/or --classify")
    if classify and not labels:
        raise ValueError("--classify needs --labels (labels Parquet with class_name per key)")
    results: dict = {}
    if data:
        pairs = embed_pairs(encoder, schemas.expand(data), batch_size, limit, keep_image_states=rerank_k > 0)
        results.update(retrieval_metrics(pairs))
        if rerank_k:
            results.update(reranked_metrics(encoder, pairs, rerank_k, batch_size), rerank_k=rerank_k)
        results.update(images=len(pairs.keys), texts=len(pairs.text_to_image))
    if classify:
        images = embed_pairs(encoder, schemas.expand(classify), batch_size, limit)
        results.update(zeroshot_metrics(encoder, images, read_classes(schemas.expand(labels)), templates))
        results["zeroshot_images"] = len(images.keys)
    return results


METRIC_ORDER = ["zeroshot_top1", "i2t_r1", "i2t_r5", "i2t_r10", "t2i_r1", "t2i_r5", "t2i_r10", "r_mean"]


def result_rows(name: str, results: dict) -> dict[str, dict]:
    """Table rows: the similarity-only figures, and the ITM re-ranked ones on their own row when present."""
    rows = {name: {k: v for k, v in results.items() if not k.startswith(RERANKED_PREFIX)}}
    reranked = {k[len(RERANKED_PREFIX) :]: v for k, v in results.items() if k.startswith(RERANKED_PREFIX)}
    if reranked:
        rows[f"{name} +ITM top-{results['rerank_k']}"] = reranked
    return rows


def format_table(rows: dict[str, dict], order: list[str] = METRIC_ORDER) -> str:
    """One row per named result, in the layout of the papers' tables (percent, one decimal)."""
    columns = [m for m in order if any(m in r for r in rows.values())]
    width = max([len("model")] + [len(name) for name in rows])
    lines = [f"{'model':<{width}}  " + "  ".join(f"{c:>13}" for c in columns)]
    for name, result in rows.items():
        cells = [f"{result[c]:>13.1f}" if c in result else f"{'-':>13}" for c in columns]
        lines.append(f"{name:<{width}}  " + "  ".join(cells))
    return "\n".join(lines)


@dataclass
class EvaluateArgs:
    """The flags of `models.evaluate clip|blip`."""

    checkpoint: str = option(help="transformers checkpoint directory")
    data: str = option("", "held-out pairs/curated Parquet glob(s) for retrieval")
    classify: str = option("", "pairs Parquet glob(s) of images to classify zero-shot")
    labels: str = option("", "labels Parquet glob(s) giving class_name per key")
    templates: str = option(
        "|".join(zeroshot.DEFAULT_TEMPLATES),
        "prompt templates separated by '|', each with {} for the class name",
    )
    batch_size: int = option(64, "images embedded at once")
    limit: int = option(0, "evaluate at most this many images per set")
    rerank_k: int = option(
        0,
        "blip: also re-rank each query's top K by similarity with the ITM head (BLIP's protocol: 256 on "
        "COCO, 128 on Flickr30k) and report both; 0: similarity only",
    )
    itm_first_token: str = option(
        "auto",
        "blip re-ranking's ITM first token: cls, enc, or auto (the config's itm_first_token, else enc)",
        choices=("auto", "cls", "enc"),
    )


# The checkpoint kinds, one subcommand each (registered like every models.* subcommand).
MODELS = {
    "clip": "a CLIP checkpoint (models.pretrain clip, or transformers' CLIPModel)",
    "blip": "a BLIP checkpoint, through its ITC embeddings",
}


@dataclass
class VqaEvaluateArgs:
    """The flags of `models.evaluate vqa`."""

    checkpoint: str = option(
        help="VQA checkpoint directory (models.finetune vqa, or BlipForQuestionAnswering)"
    )
    data: str = option(help="vqa Parquet glob(s) with ground-truth answers")
    inference: str = option(
        "rank", "rank a candidate answer list (BLIP's rank_answer) or generate", ("rank", "generate")
    )
    answer_list: str = option(
        "", "JSON list of candidate answers; default: the checkpoint's answer_list.json"
    )
    k: int = option(128, "candidates re-scored by rank_answer (those with the likeliest first token)")
    batch_size: int = option(64, "questions answered at once")
    limit: int = option(0, "evaluate at most this many questions")
    device: str = option("cpu", "cpu or cuda", ("cpu", "cuda"))


@dataclass
class Nlvr2EvaluateArgs:
    """The flags of `models.evaluate nlvr2`."""

    checkpoint: str = option(help="NLVR2 model directory (models.finetune nlvr2)")
    data: str = option(help="held-out nlvr2 Parquet glob(s)")
    batch_size: int = option(32, "examples scored at once")
    limit: int = option(0, "evaluate at most this many examples")


NLVR2_METRICS = ["accuracy", "accuracy_true", "accuracy_false"]


def evaluate_nlvr2_command(args) -> tuple[str, dict]:
    """`models.evaluate nlvr2`: accuracy on held-out nlvr2 tables (table, results)."""
    from models.blip.nlvr2_task import evaluate_nlvr2

    results = evaluate_nlvr2(args.checkpoint, args.data, args.batch_size, args.limit)
    return format_table({"nlvr2": results}, NLVR2_METRICS), results


def build_parser() -> argparse.ArgumentParser:
    parser = StrictArgumentParser(prog="python -m models.evaluate", description=__doc__)
    models = parser.add_subparsers(dest="model", required=True, metavar="{clip,blip,vqa,nlvr2,visdial}")
    for model, text in MODELS.items():
        add_dataclass_arguments(add_subcommand(models, model, help=text), EvaluateArgs)
    vqa = add_subcommand(
        models, "vqa", help="a BLIP VQA checkpoint: VQA accuracy by answer ranking or generation"
    )
    add_dataclass_arguments(vqa, VqaEvaluateArgs)
    nlvr2 = add_subcommand(models, "nlvr2", help="a BLIP NLVR2 model: accuracy on true/false statements")
    add_dataclass_arguments(nlvr2, Nlvr2EvaluateArgs)
    add_visdial_parser(models)
    return parser


def evaluate_vqa(args) -> dict:
    """VQA accuracy of args.checkpoint on args.data (the `models.evaluate vqa` flags)."""
    from models.blip.vqa_task import ANSWER_LIST, QUESTION_FIRST_TOKEN, load_vqa, read_answer_list
    from models.evaluation import vqa

    model, processor = load_vqa(args.checkpoint)
    answers = []
    if args.inference == "rank":
        answers = read_answer_list(args.answer_list or model_dir(args.checkpoint) / ANSWER_LIST)
    results = vqa.answer_questions(
        model,
        processor,
        schemas.expand(args.data),
        answers=answers,
        inference=args.inference,
        k=args.k,
        batch_size=args.batch_size,
        first_token=getattr(model.config, QUESTION_FIRST_TOKEN, "cls"),
        limit=args.limit,
        device=args.device,
    )
    return vqa.summarize(results) | {"inference": args.inference, "candidates": len(answers)}


def model_dir(checkpoint: str):
    from models.blip.checkpoint import resolve

    return resolve(checkpoint)


def main(argv: list[str] | None = None) -> dict:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None):  # a downstream task with its own run (visdial): prints its own table
        try:
            summary = args.run(args)
        except (ValueError, FileNotFoundError, schemas.SchemaError) as error:
            parser.error(f"{args.model}: {error}")
        print(json.dumps(summary), flush=True)
        return summary
    if args.model in ("vqa", "nlvr2"):
        try:
            if args.model == "vqa":
                results = evaluate_vqa(args)
                table = format_vqa_table(results)
            else:
                table, results = evaluate_nlvr2_command(args)
        except (ValueError, FileNotFoundError, schemas.SchemaError) as error:
            parser.error(f"{args.model}: {error}")
        print(table)
        summary = {
            "model": args.model,
            "checkpoint": args.checkpoint,
            **{k: _rounded(v) for k, v in results.items()},
        }
        print(json.dumps(summary), flush=True)
        return summary
    try:
        encoder = load_encoder(args.model, args.checkpoint, args.itm_first_token)
        results = evaluate(
            encoder,
            args.data,
            args.classify,
            args.labels,
            args.batch_size,
            args.limit,
            args.templates.split("|"),
            args.rerank_k,
        )
    except (ValueError, FileNotFoundError, schemas.SchemaError) as error:
        parser.error(str(error))
    print(format_table(result_rows(args.model, results)))
    summary = {
        "model": args.model,
        "checkpoint": args.checkpoint,
        **{k: _rounded(v) for k, v in results.items()},
    }
    print(json.dumps(summary), flush=True)
    return summary


def format_vqa_table(results: dict) -> str:
    """Accuracy overall and per question type, in percent (one decimal)."""
    rows = [(k.removeprefix("accuracy_"), v) for k, v in results.items() if k.startswith("accuracy_")]
    width = max(len("overall"), *(len(name) for name, _ in rows))
    lines = [f"{'questions':<{width}}  {'accuracy':>8}"]
    lines += [f"{name:<{width}}  {value:>8.1f}" for name, value in rows]
    lines.append(
        f"{'overall':<{width}}  {results['vqa_accuracy']:>8.1f}   ({results['questions']} questions)"
    )
    return "\n".join(lines)


def _rounded(value):
    return round(value, 2) if isinstance(value, float) else value


if __name__ == "__main__":
    main()
