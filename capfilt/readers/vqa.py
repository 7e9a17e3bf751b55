"""Reader for the public VQA v2 format: questions + annotations JSON, images from a folder or a pairs table.

    python -m capfilt.readers.vqa --questions v2_OpenEnded_mscoco_train2014_questions.json \
        --annotations v2_mscoco_train2014_annotations.json --images coco/ --output vqa/train

writes `vqa` Parquet (`OUT/part-NNNNN.parquet`, schemas/vqa.py) that `models.finetune vqa` and
`models.evaluate vqa` read, and `OUT/rejects/part-00000.parquet` with every question (or annotation) that did
not make it and why. Images come from a folder (COCO names `COCO_{data_subtype}_{image_id:012d}.jpg`, in the
folder or its `{data_subtype}/` subfolder, or `{image_id}.jpg`/`.png`) or from image-text tables (`--pairs`,
any format `capfilt.readers` reads) whose `key` is `--pairs_key` formatted with the image id. Every image is
checked once by `capfilt.images` (the decoder every other stage uses); the original bytes are stored.
Without `--annotations` (a test split) every question is kept with null answers.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import fsspec

import schemas
from capfilt.flags import option, parse_settings
from capfilt.images import ImageRejected, decode_image
from capfilt.readers.failures import deterministic
from schemas import Reject, SchemaError

STAGE = "read"
SOURCE = "vqa_v2"
IMAGE_SUFFIXES = (".jpg", ".png")
# Decoding at libjpeg's smallest DCT scale still reads every coefficient, so a truncated file is caught
# at a fraction of the cost of a full decode.
CHECK_SIZE = (1, 1)


class VqaFileError(SchemaError):
    """A questions or annotations file that cannot be read as VQA v2 JSON (one line naming it)."""


@dataclass(frozen=True)
class Question:
    key: str
    image_id: str
    question: str


@dataclass(frozen=True)
class Annotation:
    key: str
    image_id: str | None
    answers: list[str]
    question_type: str | None
    answer_type: str | None


def load_json_list(path: str, list_name: str) -> tuple[dict, list]:
    """The document and its `list_name` list, or VqaFileError naming the file and what is wrong."""
    try:
        with fsspec.open(path, "rb") as handle:
            document = json.loads(handle.read())
    except FileNotFoundError:
        raise VqaFileError(f"{path}: no such file") from None
    except json.JSONDecodeError as error:
        raise VqaFileError(f"{path}: not JSON ({error.msg} at line {error.lineno})") from None
    except UnicodeDecodeError as error:
        raise VqaFileError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except OSError as error:
        raise VqaFileError(f"{path}: cannot be read ({deterministic(str(error))})") from None
    records = document.get(list_name) if isinstance(document, dict) else None
    if not isinstance(records, list):
        found = ", ".join(map(str, document)) if isinstance(document, dict) else type(document).__name__
        raise VqaFileError(f"{path}: not a VQA v2 file: no `{list_name}` list (found: {found or 'nothing'})")
    return document, records


def _id(value) -> str | None:
    """VQA v2 ids are integers; strings are accepted (other exports), anything else is not an id."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return text or None


def _text(value) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _shown(raw) -> str:
    return deterministic(json.dumps(raw, sort_keys=True, default=str))[:200]


def parse_question(raw, where: str) -> Question | Reject:
    if not isinstance(raw, dict):
        return Reject(None, None, STAGE, "invalid_question", f"{where}: not an object: {_shown(raw)}")
    key, image_id, text = _id(raw.get("question_id")), _id(raw.get("image_id")), _text(raw.get("question"))
    missing = [
        name
        for name, value in (("question_id", key), ("image_id", image_id), ("question", text))
        if not value
    ]
    if missing:
        detail = f"{where}: no valid {', '.join(missing)}: {_shown(raw)}"
        return Reject(key, None, STAGE, "invalid_question", detail)
    return Question(key, image_id, text)


def _answers(raw: dict) -> list[str] | None:
    """Every annotator's answer (repeats kept); `multiple_choice_answer` alone when no list is given."""
    answers = raw.get("answers")
    if answers is None and _text(raw.get("multiple_choice_answer")):
        return [raw["multiple_choice_answer"].strip()]
    if not isinstance(answers, list):
        return None
    texts = [_text(a.get("answer")) if isinstance(a, dict) else None for a in answers]
    return texts if texts and all(texts) else None


def parse_annotation(raw, where: str) -> Annotation | Reject:
    if not isinstance(raw, dict):
        return Reject(None, None, STAGE, "invalid_annotation", f"{where}: not an object: {_shown(raw)}")
    key, answers = _id(raw.get("question_id")), _answers(raw)
    if key is None or answers is None:
        what = "question_id" if key is None else "answers (a non-empty list of {answer: text})"
        return Reject(key, None, STAGE, "invalid_annotation", f"{where}: no valid {what}: {_shown(raw)}")
    return Annotation(
        key, _id(raw.get("image_id")), answers, _text(raw.get("question_type")), _text(raw.get("answer_type"))
    )


def parse_all(items: list, parse, path: str) -> Iterator:
    for position, raw in enumerate(items):
        yield parse(raw, f"{path} record {position}")


def join(
    questions: Iterable[Question | Reject], annotations: Iterable[Annotation | Reject] | None, source: str
) -> Iterator[tuple[str, dict] | Reject]:
    """(image id, row without image) for every question that has what it needs; a Reject for every
    question or annotation that does not (duplicates, a question without annotation, an annotation
    without question, ids that disagree)."""
    by_key: dict[str, Annotation] = {}
    for item in annotations or ():
        if isinstance(item, Reject):
            yield item
        elif item.key in by_key:
            yield Reject(
                item.key, None, STAGE, "duplicate_annotation", f"question {item.key} annotated twice"
            )
        else:
            by_key[item.key] = item
    seen: set[str] = set()
    for item in questions:
        if isinstance(item, Reject):
            yield item
            continue
        if item.key in seen:
            yield Reject(item.key, None, STAGE, "duplicate_question", f"question_id {item.key} asked twice")
            continue
        seen.add(item.key)
        annotation = by_key.pop(item.key, None)
        if annotations is not None and annotation is None:
            yield Reject(
                item.key, None, STAGE, "missing_annotation", f"question {item.key} has no annotation"
            )
            continue
        if annotation and annotation.image_id not in (None, item.image_id):
            detail = (
                f"question {item.key}: image_id {item.image_id}, its annotation says {annotation.image_id}"
            )
            yield Reject(item.key, None, STAGE, "image_mismatch", detail)
            continue
        yield (
            item.image_id,
            {
                "key": item.key,
                "image_key": item.image_id,
                "question": item.question,
                "answers": annotation.answers if annotation else None,
                "question_type": annotation.question_type if annotation else None,
                "answer_type": annotation.answer_type if annotation else None,
                "source": source,
            },
        )
    for key in by_key:
        yield Reject(
            key, None, STAGE, "annotation_without_question", f"annotation of question {key}: no such question"
        )


def image_problem(data: bytes) -> tuple[str, str] | None:
    """(reason, detail) when `capfilt.images` refuses the bytes, else None."""
    try:
        decode_image(data, draft_size=CHECK_SIZE)
    except ImageRejected as error:
        return error.reason, error.detail
    return None


def with_images(
    groups: dict[str, list[dict]], images: Iterable[tuple[str, bytes | OSError, str]]
) -> Iterator[dict | Reject]:
    """Rows with their image, for each (image id, bytes or the OSError reading them, path) found; a Reject
    per question whose image is missing, unreadable or refused. `groups` (image id -> rows) is consumed."""
    for image_id, data, path in images:
        rows = groups.pop(image_id, None)
        if rows is None:
            continue
        if isinstance(data, OSError):
            problem = ("unreadable_image", deterministic(f"{type(data).__name__}: {data.strerror or data}"))
        else:
            problem = image_problem(data)
        for row in rows:
            if problem:
                yield Reject(row["key"], None, STAGE, problem[0], f"image {image_id} ({path}): {problem[1]}")
            else:
                yield dict(row, image={"bytes": data, "path": path})
    for image_id, rows in groups.items():
        for row in rows:
            yield Reject(row["key"], None, STAGE, "missing_image", f"image {image_id}: not found")


def folder_names(image_id: str, subtype: str | None) -> list[str]:
    """Where an image may lie in a folder, in the order looked at."""
    names = []
    if subtype and image_id.isdigit():
        coco = f"COCO_{subtype}_{int(image_id):012d}.jpg"
        names += [coco, f"{subtype}/{coco}"]
    return names + [f"{image_id}{suffix}" for suffix in IMAGE_SUFFIXES]


def folder_images(folder: str, image_ids: list[str], subtype: str | None) -> Iterator[tuple[str, bytes, str]]:
    fs, root = fsspec.core.url_to_fs(folder)
    root = root.rstrip("/")
    for image_id in image_ids:
        for name in folder_names(image_id, subtype):
            try:
                with fs.open(f"{root}/{name}", "rb") as handle:
                    yield image_id, handle.read(), name
                break
            except (FileNotFoundError, IsADirectoryError):
                continue
            except OSError as error:  # there, but unreadable (permissions, a broken mount): a reject
                yield image_id, error, name
                break


def pairs_images(
    patterns: str, key_format: str, image_ids: list[str], rejects: list[Reject]
) -> Iterator[tuple[str, bytes, str]]:
    """Images of the wanted ids from image-text tables, by key; the tables' own rejects go to `rejects`."""
    from capfilt.readers import read_all  # the package imports every reader; this module is one of them

    wanted = {pairs_key(key_format, image_id): image_id for image_id in image_ids}
    for record in read_all(patterns):
        if isinstance(record, Reject):
            rejects.append(record)
        elif record["key"] in wanted:
            image = record["image"]
            yield wanted.pop(record["key"]), image["bytes"], image.get("path") or record["key"]


def pairs_key(key_format: str, image_id: str) -> str:
    return key_format.format(image_id=int(image_id) if image_id.isdigit() else image_id)


@dataclass
class VqaReaderSettings:
    """Flags of `python -m capfilt.readers.vqa`."""

    questions: str = option(help="VQA v2 questions JSON ({questions: [{question_id, image_id, question}]})")
    output: str = option(help="folder for the vqa Parquet parts and rejects/")
    annotations: str | None = option(
        None, "VQA v2 annotations JSON; without it answers are null (a test split)"
    )
    images: str | None = option(None, "folder of the images (COCO file names or {image_id}.jpg)")
    pairs: str | None = option(None, "image-text tables holding the images (globs, comma-separated)")
    pairs_key: str = option("{image_id}", "the --pairs key of an image, a format of {image_id}")
    questions_per_file: int = option(2000, "questions per output part (each row holds its image)")
    overwrite: bool = option(False, "replace the parts of an earlier run in --output")

    def __post_init__(self):
        if (self.images is None) == (self.pairs is None):
            raise ValueError("give exactly one of --images (a folder) and --pairs (image-text tables)")
        if self.questions_per_file < 1:
            raise ValueError("--questions_per_file must be at least 1")
        try:
            pairs_key(self.pairs_key, "1")
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(
                f"--pairs_key {self.pairs_key!r}: not a format of {{image_id}} ({error})"
            ) from None


def load_inputs(settings: VqaReaderSettings) -> tuple[str | None, list, list | None]:
    """(data_subtype, question records, annotation records or None); VqaFileError for a bad file or a
    missing images folder, a pattern matching nothing for --pairs: all before anything is written."""
    document, questions = load_json_list(settings.questions, "questions")
    annotations = load_json_list(settings.annotations, "annotations")[1] if settings.annotations else None
    if settings.images is not None:
        fs, root = fsspec.core.url_to_fs(settings.images)
        if not fs.isdir(root):
            raise VqaFileError(f"{settings.images}: no such folder (--images)")
    else:
        from capfilt.readers import SUFFIXES

        schemas.expand(settings.pairs, SUFFIXES)
    return _text(document.get("data_subtype")), questions, annotations


def read_vqa(settings: VqaReaderSettings, inputs=None) -> Iterator[dict | Reject]:
    """Every `vqa` row and Reject of the inputs (`load_inputs`, loaded here when not given)."""
    subtype, questions, annotation_records = inputs or load_inputs(settings)
    annotations = None
    if annotation_records is not None:
        annotations = parse_all(annotation_records, parse_annotation, settings.annotations)
    groups: dict[str, list[dict]] = {}
    source = f"{SOURCE}:{subtype}" if subtype else SOURCE
    for item in join(parse_all(questions, parse_question, settings.questions), annotations, source):
        if isinstance(item, Reject):
            yield item
        else:
            groups.setdefault(item[0], []).append(item[1])
    image_ids = list(groups)
    if settings.images is not None:
        yield from with_images(groups, folder_images(settings.images, image_ids, subtype))
        return
    table_rejects: list[Reject] = []
    yield from with_images(groups, pairs_images(settings.pairs, settings.pairs_key, image_ids, table_rejects))
    yield from table_rejects


def _clear(folder: str, overwrite: bool) -> None:
    fs, root = fsspec.core.url_to_fs(folder)
    earlier = fs.glob(f"{root.rstrip('/')}/part-*.parquet") + fs.glob(
        f"{root.rstrip('/')}/rejects/part-*.parquet"
    )
    if earlier and not overwrite:
        raise VqaFileError(f"{folder}: holds the parts of an earlier run; pass --overwrite to replace them")
    for path in earlier:
        fs.rm(path)


def convert(settings: VqaReaderSettings) -> dict[str, int]:
    """Write the parts and the rejects; returns {"questions": kept, "rejects": refused, "files": parts}."""
    inputs = load_inputs(settings)  # a bad file stops the run before an earlier run's parts go
    _clear(settings.output, settings.overwrite)
    folder = settings.output.rstrip("/")
    rows: list[dict] = []
    rejects: list[dict] = []
    files = kept = 0

    def flush():
        nonlocal files, rows
        schemas.write_table(rows, schemas.VQA, f"{folder}/part-{files:05d}.parquet")
        files, rows = files + 1, []

    for item in read_vqa(settings, inputs):
        if isinstance(item, Reject):
            rejects.append(item.as_row())
            continue
        rows.append(item)
        kept += 1
        if len(rows) >= settings.questions_per_file:
            flush()
    if rows:
        flush()
    if rejects:
        schemas.write_table(rejects, schemas.REJECTS, f"{folder}/rejects/part-00000.parquet")
    return {"questions": kept, "rejects": len(rejects), "files": files}


def main(argv: list[str] | None = None) -> dict[str, int]:
    settings = parse_settings(
        VqaReaderSettings, argv, prog="python -m capfilt.readers.vqa", description=__doc__
    )
    try:
        counts = convert(settings)
    except (ValueError, OSError) as error:  # a bad file or pattern: one line naming it, not a traceback
        print(f"capfilt.readers.vqa: {error}", file=sys.stderr)
        sys.exit(2)
    print(
        f"vqa: {counts['questions']} questions in {counts['files']} files, {counts['rejects']} rejects "
        f"-> {settings.output}"
    )
    return counts


if __name__ == "__main__":
    sys.exit(0 if main()["questions"] else 1)
