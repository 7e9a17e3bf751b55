"""VQA samples and batches: `vqa` Parquet rows -> (image, question, weighted answers) -> tensors.

As in BLIP's `vqa_dataset.py`, each distinct annotator answer of a question is one decoder row whose weight
is its share of the annotators (3 of 10 said "red": 0.3); a question's weights sum to 1.
"""

from __future__ import annotations

import logging
import random
import re
from collections import Counter

import pyarrow as pa
import torch

import schemas
from models.blip import conventions
from models.training.data import ParquetImageText, decode_image
from schemas.vqa import ANSWERS

log = logging.getLogger(__name__)

MAX_QUESTION_WORDS = 50  # BLIP's pre_question


def clean_question(question: str) -> str:
    """BLIP's pre_question: lower case, no punctuation but apostrophes, at most 50 words."""
    text = re.sub(r"([.!\"()*#:;~?,])", "", question.lower()).replace("-", " ").replace("/", " ")
    return " ".join(text.split()[:MAX_QUESTION_WORDS])


def answer_weights(answers: list[str]) -> tuple[list[str], list[float]]:
    """Distinct answers in first-seen order, each weighted by its share of all answers."""
    cleaned = [a.strip().lower() for a in answers if a and a.strip()]
    counts = Counter(cleaned)
    distinct = list(dict.fromkeys(cleaned))
    return distinct, [counts[a] / len(cleaned) for a in distinct]


def check_vqa_file(path: str) -> None:
    found = schemas.schema_name(schemas.read_schema(path))
    if found != "vqa":
        raise ValueError(f"{path}: a VQA run reads `vqa` Parquet files, this one is {found or 'unstamped'}")


class ParquetVqa(ParquetImageText):
    """{"key", "question", "answers", "weights", "pixel_values"} from `vqa` files, with the pairs loader's
    sharding, shuffling and exact resume. Questions without answers or a decodable image are skipped."""

    def __init__(self, files: list[str], transform, **kwargs):
        for path in files:
            check_vqa_file(path)
        super().__init__(files, transform, **kwargs)
        self.schemas = {path: schemas.VQA for path in self.files}

    def sample(self, record: dict, schema, rng: random.Random) -> dict | None:
        answers, weights = answer_weights(record["answers"] or [])
        image = decode_image(record, getattr(self.transform, "decode_size", None))
        if not answers or image is None:
            log.warning(
                "skipping question %r: %s",
                record["key"],
                "no answer" if not answers else "image does not decode",
            )
            return None
        return {
            "key": record["key"],
            "question": clean_question(record["question"]),
            "answers": answers,
            "weights": weights,
            "pixel_values": self.transform(image, rng),
        }


def tokenize_answers(tokenizer, answers: list[str], max_length: int):
    """`[DEC] answer [SEP] [PAD]...` ids and mask (BLIP replaces the tokenizer's [CLS] with [DEC])."""
    encoded = tokenizer(
        answers,
        padding="longest",
        truncation=True,
        max_length=max_length,
        return_tensors="pt",
        return_token_type_ids=False,
    )
    return conventions.decoder_input_ids(encoded.input_ids, tokenizer), encoded.attention_mask


def tokenize_questions(tokenizer, questions: list[str], max_length: int, first_token: str):
    """Question ids for the image-grounded encoder: first token [CLS] or [ENC] (models.blip.conventions)."""
    encoded = tokenizer(
        questions,
        padding="longest",
        truncation=True,
        max_length=max_length,
        return_tensors="pt",
        return_token_type_ids=False,
    )
    return conventions.itm_input_ids(encoded.input_ids, tokenizer, first_token), encoded.attention_mask


class VqaCollator:
    """Samples -> pixel_values, question_ids/mask (one row per question), answer_ids/mask, answer_weights
    and answer_question (one row per distinct answer, with the index of its question). Picklable."""

    def __init__(
        self, tokenizer, max_question_length: int = 35, max_answer_length: int = 10, first_token="cls"
    ):
        self.tokenizer = tokenizer
        self.max_question_length = max_question_length
        self.max_answer_length = max_answer_length
        self.first_token = first_token

    def __call__(self, samples: list[dict]) -> dict:
        question_ids, question_mask = tokenize_questions(
            self.tokenizer, [s["question"] for s in samples], self.max_question_length, self.first_token
        )
        answers = [a for s in samples for a in s["answers"]]
        answer_ids, answer_mask = tokenize_answers(self.tokenizer, answers, self.max_answer_length)
        owner = [i for i, s in enumerate(samples) for _ in s["answers"]]
        return {
            "pixel_values": torch.stack([s["pixel_values"] for s in samples]),
            "question_ids": question_ids,
            "question_mask": question_mask,
            "answer_ids": answer_ids,
            "answer_mask": answer_mask,
            "answer_weights": torch.tensor([w for s in samples for w in s["weights"]], dtype=torch.float32),
            "answer_question": torch.tensor(owner, dtype=torch.long),
            "keys": [s["key"] for s in samples],
        }


def most_frequent_answers(files: list[str], limit: int) -> list[str]:
    """The candidate list for ranking: the `limit` answers most often given in the files (BLIP's VQA v2
    answer list is the 3,128 most frequent training answers); ties in first-seen order."""
    counts: Counter = Counter()
    wanted = pa.schema([schemas.VQA.field(ANSWERS)])
    for path in files:
        for answers in schemas.read_table(path, wanted).column(ANSWERS).to_pylist():
            counts.update(a.strip().lower() for a in answers or [] if a and a.strip())
    return [answer for answer, _ in counts.most_common(limit)]
