"""Several captioners in one Beam run (`--captioner A,B`): each caption names its model, each captioner
writes --num_captions captions from its own seeds (the first's are a one-captioner run's), and BLIP-2's
`top2(clip)` ranks every captioner's captions with the web text together."""

import glob
import json

import pytest

import schemas
from capfilt.curate.engines.interfaces import CaptionerSettings
from capfilt.curate.engines.registry import load_captioner
from capfilt.curate.prepare import decode_image
from capfilt.curate.seeding import captioner_seed, record_seed
from pipelines import capfilt as job
from tests.helpers.scorer_tiny import save_tiny_scorer
from tests.helpers.worlds import WEB_ONLY, build_world

LENGTHS = {"min_length": 2, "max_length": 8}
FLAGS = ["--num_captions", "2", "--min_length", "2", "--max_length", "8", "--report_samples", "0"]
FLAGS += ["--seed", "5", "--batch_size", "4", "--policy", "blip2"]


@pytest.fixture(scope="module")
def run(tmp_path_factory, tiny_blip, tiny_captioners):
    root = tmp_path_factory.mktemp("multicaptioner")
    build_world(root / "world", web=6, image_size=64, **WEB_ONLY)
    clip = save_tiny_scorer("clip", root / "clip", seed=4)
    output = root / "out"
    captioners = f"{tiny_blip['captioner']},{tiny_captioners['git']}"
    argv = ["--input", str(root / "world" / "web" / "*.parquet"), "--output", str(output), *FLAGS]
    argv += ["--captioner", captioners, "--filter", tiny_blip["filter"], "--scorer", f"clip={clip}"]
    summary = job.run(argv)
    files = glob.glob(str(output / "curated" / "*.parquet")) + glob.glob(
        str(output / "dropped" / "*.parquet")
    )
    rows = [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]
    stats = json.loads((output / "stats.json").read_text())
    return summary, {row["key"]: row for row in rows}, {**stats, "page": (output / "report.html").read_text()}


def engine_captions(checkpoint, keys, rows, seeds):
    captioner = load_captioner(CaptionerSettings(checkpoint, num_captions=2, **LENGTHS), "fast")
    return captioner.captions([decode_image(rows[key]["image"]["bytes"]) for key in keys], seeds)


def test_each_caption_names_its_captioner_and_is_seeded_per_captioner(run, tiny_blip, tiny_captioners):
    summary, rows, stats = run
    assert summary["accounted"] and len(rows) == 6
    names = stats["settings"]["model_names"]["captioners"]
    assert [name.split("@")[0] for name in names] == ["captioner", "git"]
    assert stats["settings"]["model_names"]["captioner"] == ",".join(names)
    keys = sorted(rows)
    seeds = [record_seed(key, 5) for key in keys]
    # the first captioner's captions are what a one-captioner run writes (its seeds are the record's)
    first = engine_captions(tiny_blip["captioner"], keys, rows, seeds)
    second = engine_captions(tiny_captioners["git"], keys, rows, [captioner_seed(s, 1) for s in seeds])
    for key, blip, git in zip(keys, first, second, strict=True):
        synthetic = rows[key]["synthetic"]
        assert [s["captioner"] for s in synthetic] == [names[0]] * 2 + [names[1]] * 2
        assert [s["text"] for s in synthetic] == [c.text for c in blip] + [c.text for c in git]
        assert rows[key]["captioner"] == ",".join(names)
    assert "2 captions per image from each captioner" in stats["page"]


def test_blip2_ranks_every_captioners_captions_with_the_web_text(run):
    _, rows, stats = run
    assert stats["settings"]["policy_rule"] == "blip2(top2(clip))"
    for row in rows.values():
        scores = [row["web_scores"]] + [s["scores"] for s in row["synthetic"]]
        clip = [next(s["score"] for s in by if s["scorer"] == "clip") for by in scores]
        best = sorted(range(5), key=lambda i: -clip[i])[:2]
        assert [row["web_kept"]] + [s["kept"] for s in row["synthetic"]] == [i in best for i in range(5)]


def test_seeds_differ_per_captioner_and_the_first_is_the_records():
    seed = record_seed("k", 0)
    assert captioner_seed(seed, 0) == seed
    assert len({captioner_seed(seed, index) for index in range(4)}) == 4


def test_a_repeated_or_empty_captioner_is_one_line(tiny_blip, tmp_path):
    path = tiny_blip["captioner"]
    for value, message in [(f"{path},{path}", "is given twice"), (f"{path},", "an empty entry")]:
        with pytest.raises(ValueError, match=message):
            job.run(["--captioner", value, "--filter", tiny_blip["filter"], "--output", str(tmp_path / "x")])
