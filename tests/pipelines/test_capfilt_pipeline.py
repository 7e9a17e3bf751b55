"""`python -m pipelines.capfilt` end to end on a small demo world with tiny locally built checkpoints."""

import glob
import hashlib
import json
import os
import re
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import torch
from transformers import AutoProcessor, BlipForConditionalGeneration

import schemas
from capfilt.curate.engines import registry
from capfilt.curate.engines.reference.captioner import TransformersCaptioner
from capfilt.curate.prepare import decode_image
from pipelines import capfilt as job
from tests.helpers.images import jpeg_bytes
from tests.helpers.worlds import WEB_ONLY, build_world

WEB_RECORDS = 14
BAD_KEYS = {"bad-bytes": ("decode", "not_an_image"), "no-caption": None, "no-image": None}
FAST = ["--max_length", "12", "--min_length", "4", "--report_samples", "6"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("capfilt")
    world = build_world(root / "world", web=WEB_RECORDS, **WEB_ONLY)
    rows = schemas.read_table(glob.glob(str(world / "web" / "*.parquet"))[0], schemas.PAIRS).to_pylist()
    template = dict(rows[0], url=None, sha256=None, phash=None)
    rows += [
        dict(template, key="bad-bytes", image={"bytes": b"certainly not a jpeg", "path": None}),
        dict(template, key="no-caption", caption="  "),
        dict(template, key="no-image", image=None),
        dict(template, key="tiny-png", image={"bytes": jpeg_bytes(size=(3, 2)), "path": None}),
    ]
    schemas.write_table(rows, schemas.PAIRS, str(root / "input" / "pairs.parquet"))
    return {
        "root": root,
        "input": str(root / "input" / "*.parquet"),
        "labels": str(world / "labels" / "web.parquet"),
        "keys": [row["key"] for row in rows],
        **tiny_blip,
    }


def run_job(setup, name, *flags):
    output = str(setup["root"] / name)
    argv = ["--input", setup["input"], "--output", output, "--captioner", setup["captioner"]]
    argv += ["--filter", setup["filter"], *FAST, *flags]
    summary = job.run(argv)
    return output, summary


def read_dir(output, name, schema):
    files = sorted(glob.glob(os.path.join(output, name, "*.parquet")))
    return [row for path in files for row in schemas.read_table(path, schema).to_pylist()], files


def synthetic_by_key(output):
    curated, _ = read_dir(output, "curated", schemas.CURATED)
    dropped, _ = read_dir(output, "dropped", schemas.CURATED)
    return {row["key"]: [s["text"] for s in row["synthetic"]] for row in curated + dropped}


@pytest.fixture(scope="module")
def nucleus(setup):
    # The tiny filter's config names no ITM token, so `auto` would score it with [ENC] (a foreign
    # checkpoint's convention); its random weights drop enough images for the report's galleries with
    # [CLS], the token this project's own exports name.
    flags = ["--num_captions", "2", "--batch_size", "4", "--itm_first_token", "cls"]
    return run_job(setup, "nucleus", *flags, "--quality_labels", setup["labels"])


def test_outputs_have_the_curated_schema_and_every_score(nucleus):
    output, _ = nucleus
    curated, files = read_dir(output, "curated", schemas.CURATED)
    assert curated
    schema = pq.read_schema(files[0])
    assert schemas.schema_name(schema) == "curated" and schema.names == schemas.CURATED.names
    for row in curated:
        assert len(row["synthetic"]) == 2
        assert 0.0 <= row["web_score"] <= 1.0 and all(0.0 <= s["score"] <= 1.0 for s in row["synthetic"])
        kept = ([row["web_caption"]] if row["web_kept"] else []) + [
            s["text"] for s in row["synthetic"] if s["kept"]
        ]
        assert row["captions"] == kept and kept
        assert row["web_kept"] == (row["web_score"] >= 0.5)
        assert row["image"]["bytes"] and row["policy"] == "paper(itm>=0.5)"
        assert not any(s["text"].startswith("a picture of") for s in row["synthetic"])


def test_every_input_record_ends_in_curated_or_rejects(setup, nucleus):
    output, summary = nucleus
    curated, _ = read_dir(output, "curated", schemas.CURATED)
    rejects, _ = read_dir(output, "rejects", schemas.REJECTS)
    keys = [row["key"] for row in curated] + [row["key"] for row in rejects]
    assert sorted(keys) == sorted(setup["keys"])
    assert summary["inputs"] == len(setup["keys"]) == summary["curated"] + summary["rejects"]
    assert not glob.glob(os.path.join(output, "_inprogress-*")), "staging directory left behind"


def test_bad_records_land_in_rejects_with_reasons(nucleus):
    output, _ = nucleus
    rejects = {row["key"]: row for row in read_dir(output, "rejects", schemas.REJECTS)[0]}
    assert (rejects["bad-bytes"]["stage"], rejects["bad-bytes"]["reason"]) == ("decode", "not_an_image")
    assert rejects["no-caption"]["reason"] == "missing_caption"
    assert rejects["no-image"]["reason"] == "missing_image"
    assert all(row["detail"] for row in rejects.values())
    assert "tiny-png" not in rejects  # a valid 3x2 image is fine


def test_stats_and_report_are_written(nucleus):
    output, summary = nucleus
    stats = json.loads(Path(output, "stats.json").read_text())
    assert stats["inputs"] == summary["inputs"] and stats["seconds"] > 0
    assert stats["web"]["scored"] == stats["scored"] and stats["synthetic"]["scored"] == 2 * stats["scored"]
    assert sum(stats["web"]["histogram"]["counts"]) == stats["scored"]
    assert stats["quality"]["labelled"] == WEB_RECORDS  # ground truth joined for every world record
    assert stats["settings"]["policy_rule"] == "paper(itm>=0.5)"
    page = Path(output, "report.html").read_text()
    assert page.startswith("<!doctype html>") and "<svg" in page and "threshold 0.5" in page
    assert page.count("data:image/jpeg;base64,") >= 3
    assert "http://" not in page and "https://" not in page.replace("https://world.capfilt.invalid", "")


def test_captions_do_not_depend_on_batch_size(setup, nucleus):
    output, _ = nucleus
    other, _ = run_job(setup, "batch1", "--num_captions", "2", "--batch_size", "1")
    assert synthetic_by_key(other) == synthetic_by_key(output)


@pytest.mark.slow
def test_two_worker_processes_give_the_same_captions(setup, nucleus):
    output, _ = nucleus
    other, summary = run_job(
        setup,
        "two_workers",
        "--num_captions",
        "2",
        "--batch_size",
        "3",
        "--direct_num_workers=2",
        "--direct_running_mode=multi_processing",
    )
    assert summary["inputs"] == len(setup["keys"])
    assert synthetic_by_key(other) == synthetic_by_key(output)


def test_torch_threads_limits_the_threads_of_the_process_running_the_models(setup):
    # The in-process DirectRunner runs the models in the thread that runs the pipeline (torch's thread
    # count is per thread): the job's own thread when run from the main thread, else the caller's.
    seen = {}

    def job_in_a_thread():
        torch.set_num_threads(2)
        run_job(setup, "threads", "--decoding", "greedy", "--torch_threads", "1")
        seen["threads"] = torch.get_num_threads()

    worker = threading.Thread(target=job_in_a_thread)
    worker.start()
    worker.join()
    assert seen["threads"] == 1


def test_greedy_through_the_pipeline_equals_generate_and_dropped_images_are_kept_aside(setup):
    output, summary = run_job(
        setup, "greedy", "--decoding", "greedy", "--itm_threshold", "1.0", "--allow_empty_output"
    )
    assert summary["curated"] == 0 and summary["dropped_no_text_kept"] == summary["scored"] > 0
    dropped, _ = read_dir(output, "dropped", schemas.CURATED)
    rejects = {row["key"]: row for row in read_dir(output, "rejects", schemas.REJECTS)[0]}
    assert all(rejects[row["key"]]["reason"] == "no_text_kept" for row in dropped)

    model = BlipForConditionalGeneration.from_pretrained(setup["captioner"], use_safetensors=True)
    processor = AutoProcessor.from_pretrained(setup["captioner"])
    prompt_length = processor.tokenizer("a picture of ", return_tensors="pt").input_ids.shape[1] - 1
    sep = model.config.text_config.sep_token_id
    cut = []
    for row in dropped:
        inputs = processor(
            images=decode_image(row["image"]["bytes"]), text="a picture of ", return_tensors="pt"
        )
        tokens = model.generate(**inputs, max_length=12, min_length=4, do_sample=False, num_beams=1)
        expected = processor.decode(tokens[0, prompt_length:], skip_special_tokens=True).strip()
        assert [s["text"] for s in row["synthetic"]] == [expected]
        # Flagged exactly when generate ran to max_length without its end token.
        hit = tokens.shape[1] == 12 and int(tokens[0, -1]) != sep
        assert [s["hit_max_length"] for s in row["synthetic"]] == [hit]
        cut.append(hit)
    assert any(cut) and not all(cut)
    stats = json.loads(Path(output, "stats.json").read_text())
    assert stats["synthetic"]["hit_max_length"] == sum(cut) and stats["synthetic"]["hit_max_length_kept"] == 0


class ExplodingCaptioner(TransformersCaptioner):
    def captions(self, images, seeds):
        if any(image.size == (3, 2) for image in images):
            raise RuntimeError("captioner exploded")
        return super().captions(images, seeds)


def test_model_errors_go_to_rejects_through_the_dead_letter_output(setup, monkeypatch):
    monkeypatch.setitem(registry.CAPTIONERS, "exploding", ExplodingCaptioner)
    monkeypatch.setitem(registry.FILTERS, "exploding", registry.FILTERS["transformers"])
    output, summary = run_job(setup, "exploding", "--engine", "exploding", "--batch_size", "1")
    rejects = {row["key"]: row for row in read_dir(output, "rejects", schemas.REJECTS)[0]}
    assert (rejects["tiny-png"]["stage"], rejects["tiny-png"]["reason"]) == ("model", "captioner_error")
    assert "captioner exploded" in rejects["tiny-png"]["detail"]
    assert summary["inputs"] == len(setup["keys"])


def test_bad_arguments_get_one_clear_message(setup, capsys, tmp_path):
    missing = str(tmp_path / "no-such-captioner")
    assert job.main(["--input", setup["input"], "--captioner", missing, "--output", str(tmp_path / "o")]) == 2
    error = capsys.readouterr().err
    assert f"captioner checkpoint not found: {missing}" in error and "Traceback" not in error
    models = ["--captioner", setup["captioner"], "--filter", setup["filter"]]
    assert job.main(["--input", str(tmp_path / "none-*.parquet"), *models]) == 2
    assert "no file matches" in capsys.readouterr().err
    assert job.main(["--input", setup["input"], "--top_p", "1.5", *models]) == 2
    assert "--top_p must be in (0, 1]" in capsys.readouterr().err
    assert job.main(["--input", setup["input"], "--torch_threads", "-1", *models]) == 2
    assert "--torch_threads must be 0" in capsys.readouterr().err
    assert job.main(["--input", setup["input"], "--policy", "best", *models]) == 2
    assert "--policy 'best' is no named policy (paper, topk, blip2)" in capsys.readouterr().err
    assert not os.path.exists(tmp_path / "o")


def test_a_missing_shipped_model_is_named_in_one_line(setup, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(job, "DEFAULT_CAPTIONER", str(tmp_path / "assets" / "captioner"))
    monkeypatch.setattr(job, "DEFAULT_FILTER", setup["filter"])
    argv = ["--input", setup["input"], "--captioner", job.DEFAULT_CAPTIONER, "--filter", setup["filter"]]
    assert job.main(argv) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "shipped demo captioner is missing" in error
    assert str(tmp_path / "assets" / "captioner") in error


def test_help_documents_our_flags_and_beams(capsys):
    with pytest.raises(SystemExit) as exit_info:
        job.run(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--captioner", "--itm_threshold", "--num_captions", "--help_beam", "--runner"):
        assert flag in text


REAL_SHARDS = Path(__file__).parents[1] / "data" / "real" / "shards"


def test_a_hugging_face_export_hostile_metadata_and_bad_files_are_each_accounted(setup, tmp_path):
    """The whole job on a real Hugging Face-style export (no key, no url), next to a WebDataset shard whose
    .json metadata has the wrong types and a file that is not Parquet: only the bad records are rejected,
    at the reader, and the good ones in their model batches are curated."""
    import io
    import tarfile

    from tests.helpers.images import jpeg_bytes

    members = {
        "good.jpg": jpeg_bytes((200, 30, 30), (40, 40)),
        "good.txt": b"a red square",
        "numeric-caption.jpg": jpeg_bytes((30, 200, 30), (40, 40)),
        "numeric-caption.json": json.dumps({"caption": 42}).encode(),
        "text-width.jpg": jpeg_bytes((30, 30, 200), (40, 40)),
        "text-width.txt": b"a blue square",
        "text-width.json": json.dumps({"width": "abc"}).encode(),
        "numeric-url.jpg": jpeg_bytes((90, 90, 30), (40, 40)),
        "numeric-url.txt": b"an olive square",
        "numeric-url.json": json.dumps({"url": 7}).encode(),
    }
    shard = tmp_path / "hostile.tar"
    with tarfile.open(shard, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    (tmp_path / "garbage.parquet").write_bytes(b"PAR1 not a parquet file")
    inputs = f"{REAL_SHARDS}/derived/photos-hf,{shard},{tmp_path}/garbage.parquet"
    output = str(tmp_path / "out")
    argv = [
        "--input",
        inputs,
        "--output",
        output,
        "--captioner",
        setup["captioner"],
        "--filter",
        setup["filter"],
    ]
    summary = job.run([*argv, *FAST, "--batch_size", "4"])

    assert summary["input_rows"] == 5 + 4 + 1 == summary["curated"] + summary["rejects"]
    assert summary["accounted"] and summary["unaccounted"] == 0
    reasons = {k: v for k, v in summary["rejects_by_reason"].items() if k != "filter/no_text_kept"}
    assert reasons == {"read/bad_field": 3, "read/unreadable_file": 1}
    rejects = {row["key"]: row for row in read_dir(output, "rejects", schemas.REJECTS)[0]}
    assert "caption is int 42, expected text" in rejects["numeric-caption"]["detail"]
    assert "width is str 'abc'" in rejects["text-width"]["detail"]
    assert "garbage.parquet" in rejects[None]["detail"]
    scored = synthetic_by_key(output)
    assert sorted(scored) == ["good", *(f"train-00000-of-00001-{i:09d}" for i in range(5))]


def weights_name(checkpoint: str) -> str:
    digest = hashlib.sha256(Path(checkpoint, "model.safetensors").read_bytes()).hexdigest()
    return f"{Path(checkpoint).name}@{digest[:8]}"


def test_rows_name_the_models_portably_and_stats_keep_the_paths(setup, nucleus):
    output, _ = nucleus
    curated, _ = read_dir(output, "curated", schemas.CURATED)
    dropped, _ = read_dir(output, "dropped", schemas.CURATED)
    names = {"captioner": weights_name(setup["captioner"]), "filter": weights_name(setup["filter"])}
    assert {(row["captioner"], row["filter"]) for row in curated + dropped} == {
        (names["captioner"], names["filter"])
    }
    settings = json.loads(Path(output, "stats.json").read_text())["settings"]
    assert settings["captioner"] == setup["captioner"] and settings["filter"] == setup["filter"]
    assert settings["model_names"] == names


def visible_part(page: str) -> str:
    """The page without its folded settings (what a reader sees without opening them)."""
    start, end = page.index("<details"), page.index("</details>") + len("</details>")
    return page[:start] + page[end:]


def test_report_summarises_the_run_and_shows_kept_and_dropped_galleries(setup, nucleus):
    output, summary = nucleus
    page = Path(output, "report.html").read_text()
    visible = visible_part(page)
    assert str(setup["root"]) not in visible  # no machine-local path unless the settings are unfolded
    assert str(setup["root"]) in page  # ... where stats.json's settings are, in full
    assert weights_name(setup["captioner"]) in visible and weights_name(setup["filter"]) in visible
    assert "at least 0.5" in visible  # the policy in words
    assert re.search(r"<th>Time</th><td>\d+\.\d s</td>", visible)
    assert "--quality_labels …/labels/web.parquet" in visible  # where the quality table's labels came from
    assert (
        "T<sub>w</sub></b> is the web text" in visible and "<b>T<sub>s</sub></b> are the synthetic" in visible
    )
    # --report_samples 6: three kept and three dropped images, each dropped one with its reject reason.
    assert summary["curated"] >= 3 and summary["dropped_no_text_kept"] >= 3
    assert visible.count('<div class="sample ">') == 3 and visible.count('<div class="sample dropped">') == 3
    assert visible.count("reject <code>filter/no_text_kept</code>: paper(itm&gt;=0.5): web ") == 3
    cut = summary["synthetic"]["hit_max_length"]
    assert f"<b>{cut}</b><span>T<sub>s</sub> that hit max_length" in visible


def test_flagged_captions_are_marked_in_the_report(setup, nucleus):
    output, _ = nucleus
    rows, _ = read_dir(output, "curated", schemas.CURATED)
    rows += read_dir(output, "dropped", schemas.CURATED)[0]
    page = Path(output, "report.html").read_text()
    shown = [row for row in rows if f'alt="{row["key"]}"' in page]
    flagged = sum(bool(s["hit_max_length"]) for row in shown for s in row["synthetic"])
    assert len(shown) == 6 and flagged and page.count('<span class="cut"') == flagged


def test_a_rerun_writes_the_same_bytes_but_the_time(setup):
    def snapshot(output: str) -> dict:
        files = sorted(glob.glob(os.path.join(output, "*", "*.parquet")))
        found = {os.path.relpath(f, output): Path(f).read_bytes() for f in files if "rejects" not in f}
        # PIL's message for undecodable bytes names a memory address (the decode stream's to fix); the rest
        # of every reject is compared.
        rejects, _ = read_dir(output, "rejects", schemas.REJECTS)
        found["rejects"] = [dict(r, detail=re.sub(r" at 0x[0-9a-f]+", "", r["detail"])) for r in rejects]
        page = Path(output, "report.html").read_text()
        found["report.html"] = re.sub(r"<th>Time</th><td>[^<]*</td>", "", page)
        return found

    output, _ = run_job(setup, "rerun", "--decoding", "greedy")
    first = snapshot(output)
    run_job(setup, "rerun", "--decoding", "greedy")
    assert snapshot(output) == first
