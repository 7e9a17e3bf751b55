"""VQA evaluation: answers by ranking a candidate list or by generation, scored with the VQA accuracy.

The accuracy is the VQA v2 metric: an answer's score is min(1, annotators who gave it / 3), averaged over
the 10 leave-one-annotator-out subsets, after the official evaluation's normalisation (lower case,
punctuation, articles, number words as digits; a subset of its contraction table is not applied).
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict

import torch
from tqdm import tqdm

import schemas
from models.blip.vqa_data import check_vqa_file, clean_question, tokenize_answers, tokenize_questions
from models.training.data import decode_image
from models.training.transforms import draft_size_for

log = logging.getLogger(__name__)

# The official evaluation's number words.
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
NUMBERS = {word: str(value) for value, word in enumerate(NUMBER_WORDS)}
ARTICLES = {"a", "an", "the"}
PUNCTUATION = re.compile(r"[;/\[\]\"{}()=+\\_\-><@`,?!*#%^&$]")


def normalize_answer(answer: str) -> str:
    text = answer.lower().replace("\n", " ").replace("\t", " ").strip()
    text = PUNCTUATION.sub("", text)
    text = re.sub(r"(?<!\d)\.(?!\d)", "", text)  # a full stop, not a decimal point
    words = [NUMBERS.get(w, w) for w in text.split() if w not in ARTICLES]
    return " ".join(words)


def vqa_accuracy(predicted: str, answers: list[str]) -> float:
    """VQA v2 accuracy of one predicted answer against the annotators' answers."""
    given = [normalize_answer(a) for a in answers]
    guess = normalize_answer(predicted)
    if len(given) < 2:
        return float(bool(given) and given[0] == guess)
    scores = []
    for left_out in range(len(given)):
        others = given[:left_out] + given[left_out + 1 :]
        scores.append(min(1.0, sum(a == guess for a in others) / 3))
    return sum(scores) / len(scores)


def answer_questions(
    model,
    processor,
    files: list[str],
    *,
    answers: list[str],
    inference: str,
    k: int,
    batch_size: int,
    first_token: str,
    limit: int = 0,
    device: str = "cpu",
) -> list[dict]:
    """Every answered question of the files: {"key", "question_type", "predicted", "accuracy"}."""
    for path in files:
        check_vqa_file(path)
    tokenizer = processor.tokenizer
    model = model.to(device).eval()
    if inference == "rank":
        candidate_ids, candidate_mask = (t.to(device) for t in tokenize_answers(tokenizer, answers, 10))
    draft_size = draft_size_for(processor.image_processor)
    results, pending = [], []

    def flush() -> None:
        if not pending:
            return
        pixels = processor.image_processor(images=[p[1] for p in pending], return_tensors="pt").pixel_values
        ids, mask = tokenize_questions(
            tokenizer, [clean_question(p[0]["question"]) for p in pending], 35, first_token
        )
        pixels, ids, mask = pixels.to(device), ids.to(device), mask.to(device)
        with torch.no_grad():
            if inference == "rank":
                states = model.question_states(pixels, ids, mask)
                chosen, _ = model.rank_answer(states, mask, candidate_ids, candidate_mask, k)
                predicted = [answers[i] for i in chosen.tolist()]
            else:
                predicted = tokenizer.batch_decode(
                    model.generate(pixels, ids, mask), skip_special_tokens=True
                )
        for (record, _), guess in zip(pending, predicted, strict=True):
            results.append(
                {
                    "key": record["key"],
                    "question_type": record["question_type"] or "all",
                    "predicted": guess.strip(),
                    "accuracy": vqa_accuracy(guess, record["answers"]),
                }
            )
        pending.clear()

    skipped = 0
    with tqdm(desc="vqa", unit="q", leave=False, disable=None) as progress:
        for path in files:
            for record in schemas.iter_records(path, schemas.VQA):
                if limit and len(results) + len(pending) >= limit:
                    break
                image = decode_image(record, draft_size)
                if image is None or not record["answers"]:
                    skipped += 1
                    continue
                pending.append((record, image))
                if len(pending) >= batch_size:
                    flush()
                progress.update(1)
    flush()
    if skipped:
        log.warning("skipped %d question(s) without ground-truth answers or a decodable image", skipped)
    if not results:
        raise ValueError(f"no question with answers and a decodable image in {len(files)} file(s)")
    return results


def summarize(results: list[dict]) -> dict[str, float]:
    """Accuracy in percent overall and per question type, and the number of questions."""
    by_type: dict[str, list[float]] = defaultdict(list)
    for row in results:
        by_type[row["question_type"]].append(row["accuracy"])
    summary = {"vqa_accuracy": 100 * sum(r["accuracy"] for r in results) / len(results)}
    summary |= {f"accuracy_{kind}": 100 * sum(v) / len(v) for kind, v in sorted(by_type.items())}
    return summary | {"questions": len(results)}
