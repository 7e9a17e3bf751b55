"""capfilt.readers.vqa: VQA v2 questions/annotations JSON (the real sample under tests/data/real/vqa/ and
full-format files built here) with images from a folder or an image-text table, written as `vqa` Parquet
that `models.finetune vqa` and `models.evaluate vqa` run on; every bad record is a reject with a reason."""

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import schemas
from capfilt.readers import vqa as reader
from models import evaluate, finetune
from models.blip.vqa_data import check_vqa_file, most_frequent_answers
from tests.helpers.vqa_tiny import save_tiny_pretrained

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
SAMPLE = REAL / "vqa"
PHOTO = REAL / "images" / "skimage" / "chelsea.jpg"
TRUNCATED = REAL / "images" / "derived" / "rocket_truncated.jpg"


def convert(tmp_path, *args) -> tuple[list[dict], dict[str, str]]:
    """Run the CLI; (rows without image bytes, {key or detail: reason} of the rejects)."""
    out = tmp_path / "out"
    reader.main([*args, "--output", str(out), "--overwrite"])
    rows = [
        row
        for path in sorted(out.glob("part-*.parquet"))
        for row in schemas.read_table(str(path), schemas.VQA).to_pylist()
    ]
    rejects_file = out / "rejects" / "part-00000.parquet"
    rejects = pq.read_table(rejects_file).to_pylist() if rejects_file.exists() else []
    return rows, {r["key"] or r["detail"]: r["reason"] for r in rejects}


def real_args() -> list[str]:
    return ["--questions", str(SAMPLE / "questions.json"), "--annotations", str(SAMPLE / "annotations.json")]


def test_real_sample_from_an_images_folder(tmp_path):
    rows, rejects = convert(tmp_path, *real_args(), "--images", str(SAMPLE / "images"))
    assert rejects == {}
    assert [r["key"] for r in rows] == ["458752000", "458752001", "458752002"]
    first = rows[0]
    assert first["image_key"] == "458752" and first["question"] == "What is this photo taken looking through?"
    # Every annotator's answer, repeats and confidence-"maybe" answers kept, in the file's order.
    assert first["answers"] == [
        "net",
        "net",
        "net",
        "netting",
        "net",
        "net",
        "mesh",
        "net",
        "pitcher",
        "orange",
    ]
    assert first["source"] == "vqa_v2:train2014" and first["question_type"] is None  # trimmed annotations
    photo = (SAMPLE / "images" / "COCO_train2014_000000458752.jpg").read_bytes()
    assert first["image"] == {"bytes": photo, "path": "COCO_train2014_000000458752.jpg"}
    part = str(tmp_path / "out" / "part-00000.parquet")
    check_vqa_file(part)  # what the training and evaluation loaders refuse otherwise
    assert most_frequent_answers([part], 3) == ["orange", "pitcher", "net"]


def full_format(tmp_path) -> tuple[Path, Path, Path]:
    """Questions/annotations as the official files lay them out, with every kind of bad record."""
    questions = [
        {"image_id": 1, "question": "What color is the cat?", "question_id": 1000},  # COCO name, subfolder
        {"image_id": 1, "question": "Is it asleep?", "question_id": 1001},
        {"image_id": 2, "question": "How many?", "question_id": 2000},  # {image_id}.jpg
        {"image_id": 3, "question": "Where?", "question_id": 3000},  # no image anywhere
        {"image_id": 4, "question": "What is it?", "question_id": 4000},  # truncated JPEG
        {"image_id": 1, "question": "Why?", "question_id": 1002},  # no annotation
        {"image_id": 1, "question": "Again?", "question_id": 1000},  # duplicate id
        {"image_id": 1, "question": "", "question_id": 1003},  # no question text
        {"image_id": 2, "question": "Which?", "question_id": 2001},  # annotation names another image
        "not a record",
    ]

    def annotation(qid, image_id, answers, qtype="what color is the", atype="other"):
        return {
            "question_type": qtype,
            "multiple_choice_answer": answers[0],
            "answers": [
                {"answer": a, "answer_confidence": "yes", "answer_id": i + 1} for i, a in enumerate(answers)
            ],
            "image_id": image_id,
            "answer_type": atype,
            "question_id": qid,
        }

    annotations = [
        annotation(1000, 1, ["orange"] * 7 + ["brown"] * 3),
        annotation(1001, 1, ["yes"] * 10, "is it", "yes/no"),
        annotation(2000, 2, ["2"] * 10, "how many", "number"),
        annotation(3000, 3, ["left"] * 10),
        annotation(4000, 4, ["rocket"] * 10),
        annotation(2001, 9, ["this"] * 10),
        annotation(5000, 5, ["nobody asked"] * 10),  # no such question
        {"question_id": 6000, "answers": "yes"},  # answers not a list
    ]
    folder = tmp_path / "images"
    (folder / "val2014").mkdir(parents=True)
    shutil.copyfile(PHOTO, folder / "val2014" / "COCO_val2014_000000000001.jpg")
    shutil.copyfile(SAMPLE / "images" / "COCO_train2014_000000458752.jpg", folder / "2.jpg")
    shutil.copyfile(TRUNCATED, folder / "COCO_val2014_000000000004.jpg")
    q_path, a_path = tmp_path / "questions.json", tmp_path / "annotations.json"
    q_path.write_text(json.dumps({"data_subtype": "val2014", "questions": questions}))
    a_path.write_text(json.dumps({"data_subtype": "val2014", "annotations": annotations}))
    return q_path, a_path, folder


EXPECTED_REJECTS = {
    "3000": "missing_image",
    "4000": "truncated_image",
    "1002": "missing_annotation",
    "1000": "duplicate_question",
    "1003": "invalid_question",
    "2001": "image_mismatch",
    "5000": "annotation_without_question",
}


def test_every_bad_record_is_a_reject_with_a_reason(tmp_path):
    q_path, a_path, folder = full_format(tmp_path)
    args = ["--questions", str(q_path), "--annotations", str(a_path), "--images", str(folder)]
    rows, rejects = convert(tmp_path, *args)
    assert [r["key"] for r in rows] == ["1000", "1001", "2000"]
    assert rows[0]["answers"] == ["orange"] * 7 + ["brown"] * 3
    assert (rows[0]["question_type"], rows[1]["answer_type"]) == ("what color is the", "yes/no")
    assert rows[0]["image"]["path"] == "val2014/COCO_val2014_000000000001.jpg"
    assert rows[2]["image"]["path"] == "2.jpg"
    invalid = {k: v for k, v in rejects.items() if k not in EXPECTED_REJECTS}
    assert {k: v for k, v in rejects.items() if k in EXPECTED_REJECTS} == EXPECTED_REJECTS
    # The annotation without a list of answers, and the record that is not an object.
    assert sorted(invalid.values()) == ["invalid_annotation", "invalid_question"]
    assert len(rows) + len(rejects) == 10 + 2  # every question, plus the two annotations nobody asked
    first = (tmp_path / "out" / "rejects" / "part-00000.parquet").read_bytes()
    convert(tmp_path, *args)
    assert (tmp_path / "out" / "rejects" / "part-00000.parquet").read_bytes() == first  # deterministic


def test_without_annotations_every_question_is_kept_unanswered(tmp_path):
    q_path, _, folder = full_format(tmp_path)
    rows, rejects = convert(tmp_path, "--questions", str(q_path), "--images", str(folder))
    assert [r["key"] for r in rows] == ["1000", "1001", "1002", "2000", "2001"]
    assert all(r["answers"] is None for r in rows)
    assert rejects["3000"] == "missing_image" and rejects["4000"] == "truncated_image"


def image_table(path: Path, keys_and_files: list[tuple[str, Path]]) -> None:
    """An image-text table (as a Hugging Face export holds COCO) with the images under our keys."""
    table = pa.table(
        {
            "key": [k for k, _ in keys_and_files],
            "image": [{"bytes": f.read_bytes(), "path": f.name} for _, f in keys_and_files],
            "caption": ["a photo"] * len(keys_and_files),
        }
    )
    pq.write_table(table, path)


def test_real_sample_with_images_from_a_pairs_table(tmp_path):
    photo = SAMPLE / "images" / "COCO_train2014_000000458752.jpg"
    image_table(
        tmp_path / "coco.parquet",
        [("COCO_train2014_000000000007", PHOTO), ("COCO_train2014_000000458752", photo)],
    )
    args = [*real_args(), "--pairs", str(tmp_path / "coco.parquet")]
    rows, rejects = convert(tmp_path, *args, "--pairs_key", "COCO_train2014_{image_id:012d}")
    assert rejects == {} and len(rows) == 3
    assert rows[0]["image"]["bytes"] == photo.read_bytes()
    # With the default key ({image_id}) nothing matches: each question names its missing image.
    rows, rejects = convert(tmp_path, *args)
    assert rows == [] and rejects == dict.fromkeys(["458752000", "458752001", "458752002"], "missing_image")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not JSON"),
        (b'{"annotations": []}', "no `questions` list (found: annotations)"),
        (b'{"questions": ["caf\xe9"]}', "not UTF-8 text"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(tmp_path, capsys, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    with pytest.raises(SystemExit) as exit:
        reader.main(
            ["--questions", str(bad), "--images", str(SAMPLE / "images"), "--output", str(tmp_path / "o")]
        )
    assert exit.value.code == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and str(bad) in error and message in error


def test_bad_arguments_are_one_line(tmp_path, capsys):
    out = ["--output", str(tmp_path / "o")]
    for args, message in [
        (["--images", "a", "--pairs", "b"], "exactly one of --images"),
        (["--images", str(tmp_path / "nowhere")], "no such folder"),
        (["--pairs", str(tmp_path / "none-*.parquet")], "none-*.parquet"),
        (["--pairs", "x.parquet", "--pairs_key", "{id}"], "--pairs_key"),
        (["--imagse", "x"], "did you mean --images"),
    ]:
        with pytest.raises(SystemExit):
            reader.main([*real_args(), *args, *out])
        assert message in capsys.readouterr().err
    reader.main([*real_args(), "--images", str(SAMPLE / "images"), *out])
    with pytest.raises(SystemExit):  # an earlier run is not overwritten silently
        reader.main([*real_args(), "--images", str(SAMPLE / "images"), *out])
    assert "--overwrite" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    with pytest.raises(SystemExit):  # a bad annotations file stops it before the earlier parts are removed
        reader.main(["--questions", str(SAMPLE / "questions.json"), "--annotations", str(bad)]
                    + ["--images", str(SAMPLE / "images"), *out, "--overwrite"])  # fmt: skip
    assert "no `annotations` list" in capsys.readouterr().err
    assert (tmp_path / "o" / "part-00000.parquet").exists()


def test_finetune_and_evaluate_run_on_the_converted_real_sample(tmp_path, capsys):
    """The same commands as on the demo world, on the real VQA v2 sample."""
    convert(tmp_path, *real_args(), "--images", str(SAMPLE / "images"))
    data = str(tmp_path / "out" / "*.parquet")
    init, model = save_tiny_pretrained(tmp_path / "init"), tmp_path / "vqa"
    train = ["--batch_size", "3", "--num_workers", "0", "--device", "cpu", "--max_steps", "2"]
    summary = finetune.main(["vqa", "--init", str(init), "--data", data, "--output", str(model), *train])
    assert summary["finished"] and summary["steps"] == 2
    assert json.loads((model / "answer_list.json").read_text())[:3] == ["orange", "pitcher", "net"]
    result = evaluate.main(["vqa", "--checkpoint", str(model), "--data", data])
    assert result["questions"] == 3 and 0 <= result["vqa_accuracy"] <= 100
