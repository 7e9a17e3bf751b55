"""`--policy blip2` through the Beam job: BLIP-2's recipe (CLIP ranks T_w and every T_s together, top 2
kept) on a tiny CLIP scorer, and its one-line errors and warnings."""

import glob
import os

import pytest

import schemas
from pipelines import capfilt as job
from tests.helpers.scorer_tiny import save_tiny_scorer
from tests.helpers.worlds import WEB_ONLY, build_world

FAST = ["--max_length", "12", "--min_length", "4", "--report_samples", "2", "--batch_size", "4"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("capfilt-blip2")
    world = build_world(root / "world", web=8, **WEB_ONLY)
    clip = save_tiny_scorer("clip", root / "clip", seed=4)
    flags = ["--input", str(world / "web" / "*.parquet"), *FAST, "--policy", "blip2"]
    flags += ["--captioner", tiny_blip["captioner"], "--filter", tiny_blip["filter"]]
    return root, flags, f"clip={clip}"


def scored_rows(output):
    files = glob.glob(os.path.join(output, "curated", "*.parquet"))
    files += glob.glob(os.path.join(output, "dropped", "*.parquet"))
    return [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]


def test_blip2_keeps_exactly_the_two_best_texts_by_clip_of_each_image(setup, capsys):
    root, flags, clip = setup
    output = str(root / "out")
    summary = job.run([*flags, "--scorer", clip, "--num_captions", "4", "--output", output])
    assert summary["accounted"] and summary["curated"] == 8
    assert summary["settings"]["policy_rule"] == "blip2(top2(clip))"
    rows = scored_rows(output)
    assert len(rows) == 8
    for row in rows:
        texts = [(row["web_scores"], row["web_kept"])] + [(s["scores"], s["kept"]) for s in row["synthetic"]]
        assert len(texts) == 5
        by_clip = [next(s["score"] for s in scores if s["scorer"] == "clip") for scores, _ in texts]
        kept = [k for _, k in texts]
        best_two = sorted(range(5), key=lambda i: -by_clip[i])[:2]
        assert kept == [i in best_two for i in range(5)], row["key"]
        assert row["policy"] == "blip2(top2(clip))"
        assert len(row["captions"]) == 2
    assert "keeps every text" not in capsys.readouterr().err


def test_blip2_without_a_clip_scorer_is_one_line_and_one_caption_warns(setup, capsys):
    root, flags, clip = setup
    assert job.main([*flags, "--output", str(root / "no-clip")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "names scorer(s) clip" in err[0] and "--scorer clip=" in err[0], err
    assert not os.path.exists(root / "no-clip")
    job.run([*flags, "--scorer", clip, "--num_captions", "1", "--output", str(root / "one")])
    err = capsys.readouterr().err
    assert "--policy 'blip2' keeps every text by construction" in err
    assert "BLIP-2 generates --num_captions 10" in err
