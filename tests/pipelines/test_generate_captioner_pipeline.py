"""The Beam job with a non-BLIP captioner (tiny BLIP-2 OPT): the captions are the generate captioner's own,
seeded per record, with the prompt template applied and --dtype accepted on CPU."""

import glob

import pytest

import schemas
from capfilt.curate.engines.interfaces import CaptionerSettings, prompt_text
from capfilt.curate.engines.reference.generate_captioner import GenerateCaptioner
from capfilt.curate.prepare import decode_image
from capfilt.curate.seeding import record_seed
from pipelines import capfilt as job
from tests.helpers.worlds import WEB_ONLY, build_world

TEMPLATE = "question : {prompt}"
FLAGS = [
    "--num_captions",
    "2",
    "--min_length",
    "2",
    "--max_length",
    "6",
    "--report_samples",
    "0",
    "--seed",
    "3",
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, tiny_captioners, tiny_blip):
    root = tmp_path_factory.mktemp("generate-captioner-pipeline")
    build_world(root / "world", web=8, image_size=64, **WEB_ONLY)
    output = root / "out"
    argv = ["--input", str(root / "world" / "web" / "*.parquet"), "--output", str(output)]
    argv += ["--captioner", tiny_captioners["blip2-opt"], "--filter", tiny_blip["filter"]]
    argv += ["--prompt_template", TEMPLATE, "--dtype", "bf16", "--device", "cpu", *FLAGS]
    job.run(argv)
    files = glob.glob(str(output / "curated" / "*.parquet")) + glob.glob(
        str(output / "dropped" / "*.parquet")
    )
    rows = [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]
    return {row["key"]: row for row in rows}


def test_pipeline_captions_are_the_generate_captioners(corpus, tiny_captioners):
    assert len(corpus) == 8
    settings = CaptionerSettings(
        tiny_captioners["blip2-opt"],
        num_captions=2,
        min_length=2,
        max_length=6,
        prompt=prompt_text(TEMPLATE, "a picture of "),
    )
    captioner = GenerateCaptioner(settings)
    keys = sorted(corpus)
    images = [decode_image(corpus[key]["image"]["bytes"]) for key in keys]
    expected = captioner.captions(images, [record_seed(key, 3) for key in keys])
    for key, captions in zip(keys, expected, strict=True):
        row = corpus[key]
        assert [s["text"] for s in row["synthetic"]] == [c.text for c in captions]
        assert [s["hit_max_length"] for s in row["synthetic"]] == [c.hit_max_length for c in captions]
        assert row["captioner"].startswith("blip2-opt@")
        assert {s["captioner"] for s in row["synthetic"]} == {row["captioner"]}  # per caption
    assert len({s["text"] for row in corpus.values() for s in row["synthetic"]}) > 8
