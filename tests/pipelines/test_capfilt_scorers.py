"""`python -m pipelines.capfilt` with CLIP and SigLIP scorers and a stacked policy, tiny local checkpoints."""

import glob
import json
import os

import pytest

import schemas
from pipelines import capfilt as job
from tests.helpers.head_tiny import save_tiny_head
from tests.helpers.scorer_tiny import save_tiny_scorer
from tests.helpers.worlds import WEB_ONLY, build_world

FAST = ["--max_length", "12", "--min_length", "4", "--report_samples", "2", "--num_captions", "2"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("capfilt-scorers")
    world = build_world(root / "world", web=10, **WEB_ONLY)
    clip = save_tiny_scorer("clip", root / "clip", seed=4)
    siglip = save_tiny_scorer("siglip", root / "siglip", seed=5)
    head, _ = save_tiny_head(
        root / "laion.safetensors", "mlp", 16, seed=6, metadata={"score_range": "-50,50"}
    )
    flags = ["--input", str(world / "web" / "*.parquet"), *FAST, "--batch_size", "4"]
    flags += ["--captioner", tiny_blip["captioner"], "--filter", tiny_blip["filter"]]
    return root, flags + ["--scorer", f"clip={clip},siglip={siglip},laion_aesthetic=head:{head}@clip"]


def rows(output):
    files = glob.glob(os.path.join(output, "curated", "*.parquet")) + glob.glob(
        os.path.join(output, "dropped", "*.parquet")
    )
    return [row for path in files for row in schemas.read_table(path, schemas.CURATED).to_pylist()]


def test_every_score_is_stored_by_scorer_and_the_global_top_fraction_holds(setup, capsys):
    root, flags = setup
    output = str(root / "top")
    summary = job.run([*flags, "--output", output, "--policy", "top30%(clip)", "--allow_empty_output"])
    assert summary["accounted"]
    every = rows(output)
    assert len(every) == 10
    clip = []
    for row in every:
        texts = [(row["web_score"], row["web_scores"], row["web_kept"])]
        texts += [(s["score"], s["scores"], s["kept"]) for s in row["synthetic"]]
        for itm, by_scorer, kept in texts:
            names = [s["scorer"] for s in by_scorer]
            assert names == ["itm", "clip", "siglip", "laion_aesthetic"]
            assert by_scorer[0]["score"] == pytest.approx(itm)  # ITM stays where it was, and by name
            assert all(-1 <= s["score"] <= 1 for s in by_scorer[:3])
            clip.append((by_scorer[1]["score"], kept))
        # A head scores the image: every text of it gets the same score
        heads = {s["scores"][3]["score"] for s in row["synthetic"]} | {row["web_scores"][3]["score"]}
        assert len(heads) == 1
    # 30% of the corpus' 30 texts by CLIP, a global cutoff: exactly the 9 best (no ties in random scores)
    best = sorted(clip, key=lambda pair: -pair[0])
    assert [kept for _, kept in best] == [True] * 9 + [False] * 21
    assert {row["policy"] for row in every} == {"top30%(clip)"}
    # stats.json: each scorer's histogram over its stated range, every pair's agreement; the report shows them
    stats = json.loads((root / "top" / "stats.json").read_text())
    assert list(stats["scorers"]) == ["itm", "clip", "siglip", "laion_aesthetic"]
    assert stats["scorers"]["laion_aesthetic"]["histogram"]["range"] == [-50.0, 50.0]
    assert all(entry["scored"] == 30 for entry in stats["scorers"].values())
    assert len(stats["scorer_agreement"]) == 6 and all(
        p["sampled_texts"] == 30 for p in stats["scorer_agreement"]
    )
    assert stats["scorer_agreement"][0]["disagreements"]
    page = (root / "top" / "report.html").read_text()
    assert (
        "<h2>Scorers</h2>" in page and "laion_aesthetic vs" not in page and "clip vs laion_aesthetic" in page
    )
    assert "keeps every text" not in capsys.readouterr().err


def test_a_stacked_policy_and_its_warnings(setup, capsys):
    root, flags = setup
    output = str(root / "stacked")
    rule = "web: itm>=0.5 & siglip>0 & laion_aesthetic>-1; fallback: top1(clip)"
    job.run([*flags, "--output", output, "--policy", rule, "--allow_empty_output"])
    for row in rows(output):
        web_kept = row["web_score"] >= 0.5 and row["web_scores"][2]["score"] > 0
        web_kept = web_kept and row["web_scores"][3]["score"] > -1
        assert row["web_kept"] == web_kept
        clips = [s["scores"][1]["score"] for s in row["synthetic"]]
        expected = [not web_kept and c == max(clips) for c in clips]
        assert [s["kept"] for s in row["synthetic"]] == expected
    with pytest.raises(ValueError, match=r"names scorer\(s\) aesthetic"):
        job.run([*flags, "--output", str(root / "bad"), "--policy", "aesthetic>5"])
    with pytest.raises(ValueError, match=r"--scorer 'itm=x': the name"):
        job.run([*flags[:-1], "itm=x", "--output", str(root / "bad")])
    capsys.readouterr()
    job.run([*flags, "--output", str(root / "all"), "--policy", "top3(clip)"])
    assert "keeps every text by construction" in capsys.readouterr().err
