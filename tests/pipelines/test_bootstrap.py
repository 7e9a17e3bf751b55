"""python -m pipelines.bootstrap at smoke scale: every step wires to the next, reruns resume, results are
written. Plus the pieces it is made of (arms, quality, resumable steps) on small hand-made inputs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import schemas
from capfilt.bootstrap.ablation import (
    ARMS,
    PAPER_ARMS,
    STACKED_POLICY,
    StackedPolicy,
    arm_captions,
    capfilt_rows,
    row_scores,
)
from capfilt.bootstrap.ablation_report import PAPER_COCO_R1, aggregate, ordering_verdict, verdict_text
from capfilt.bootstrap.quality import curation_quality, world_key_of
from capfilt.bootstrap.resumable import MARKER, Step, run_steps
from capfilt.bootstrap.scales import SCALES
from pipelines.bootstrap import DEMO_CLIP, Bootstrap, main, run
from tests.helpers.readme_blocks import readme_blocks, readme_commands, with_venv

STEPS = ["1-ingest", "2-pretrain", "3-finetune", "4-capfilt", "5-ablation"]


def _summary(workdir: Path, step: str) -> dict:
    return json.loads((workdir / step / MARKER).read_text())


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """One smoke run through the real command line, README.md's smoke line exactly as printed, in a fresh
    folder; its last stdout line is the JSON summary."""
    folder = with_venv(tmp_path_factory.mktemp("bootstrap"))
    (line, _) = readme_commands(readme_blocks("bootstrap")[0])
    assert "--scale smoke" in line
    workdir = folder / line.split("--workdir ")[1].split()[0]
    done = subprocess.run(
        ["bash", "-c", line],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-3000:]
    lines = done.stdout.strip().splitlines()
    return workdir, lines, json.loads(lines[-1])


def test_every_step_wires_to_the_next(smoke):
    workdir, lines, result = smoke
    for number, step in enumerate(STEPS, 1):
        assert (workdir / step / MARKER).exists(), step
        assert any(line.startswith(f"bootstrap: [{number}/5]") and "done in" in line for line in lines)

    # 1: the site was crawled from 127.0.0.1 and every web image of the world came through ingest.
    ingest = _summary(workdir, "1-ingest")
    pairs = [
        row
        for path in schemas.expand(str(workdir / "1-ingest" / "ingested" / "pairs" / "*.parquet"))
        for row in schemas.iter_records(path, schemas.PAIRS)
    ]
    assert len(pairs) == ingest["ingest"]["pairs"]
    assert all(row["page_url"].startswith("http://127.0.0.1:") for row in pairs)
    assert ingest["labelled_pairs"] == ingest["world"]["web"] == 40
    assert ingest["ingest"]["rejects"] > 0  # the site's traps

    # 2: pretrained on exactly those pairs plus the human ones, and exported with its own tokenizer.
    pretrain = _summary(workdir, "2-pretrain")
    assert pretrain["corpus"]["images"] == len(pairs) + ingest["world"]["human"]
    assert (workdir / "2-pretrain" / "model" / "config.json").exists()
    assert (workdir / "2-pretrain" / "model" / "tokenizer").is_dir()
    assert pretrain["train"]["finished"] and "i2t_r1" in pretrain["test"]

    # 3 -> 4: the fine-tuned captioner and filter ran over every ingested pair.
    for kind in ("captioner", "filter"):
        assert _summary(workdir, "3-finetune")[kind]["finished"]
    capfilt = _summary(workdir, "4-capfilt")
    scored = capfilt_rows(str(workdir / "4-capfilt" / "output"))
    assert capfilt["capfilt"]["inputs"] == len(pairs) == len(scored)
    assert capfilt["quality"]["labelled_images"] == 40
    assert all(len(row["synthetic"]) == 1 for row in scored)
    # Every text also carries the demo CLIP's cosine (the stacked arm's second signal).
    assert capfilt["scorers"] == {"clip": str(DEMO_CLIP)} and (DEMO_CLIP / "model.safetensors").is_file()
    assert all(set(row_scores(row)) == {"itm", "clip"} for row in scored)

    # 4 -> 5: each arm's corpus follows CapFilt's verdicts, and each arm trained and was evaluated.
    ablation = _summary(workdir, "5-ablation")
    corpora = ablation["corpora"]
    assert corpora["none"]["web_images"] == len(scored)
    assert corpora["filter"]["web_images"] == sum(bool(r["web_kept"]) for r in scored)
    assert corpora["captioner"]["web_texts"] == 2 * len(scored)
    assert corpora["capfilt"]["web_images"] == sum(bool(r["captions"]) for r in scored)
    # The stacked arm keeps exactly the texts with ITM >= 0.5 and a CLIP cosine at the recorded cutoff or
    # above, and that cutoff is the corpus' 30% quantile of every scored text's CLIP cosine.
    stacked = corpora["stacked"]
    assert stacked["policy"] == STACKED_POLICY
    (cutoff,) = stacked["cutoffs"].values()
    clip = sorted((c for r in scored for c in row_scores(r)["clip"]), reverse=True)
    assert sum(c >= cutoff for c in clip) >= 0.3 * len(clip) > sum(c > cutoff + 1e-4 for c in clip)
    expected = [
        sum(
            i >= 0.5 and c >= cutoff
            for i, c in zip(*(row_scores(r)[n] for n in ("itm", "clip")), strict=True)
        )
        for r in scored
    ]
    assert stacked["web_texts"] == sum(expected) and stacked["web_images"] == sum(map(bool, expected))
    for arm in ARMS:
        (run_metrics,) = ablation["runs"][arm]
        assert {"i2t_r1", "t2i_r1", "caption_accuracy"} <= set(run_metrics)
        assert (workdir / "5-ablation" / "runs" / f"{arm}-seed0" / "model" / "config.json").exists()

    results = (workdir / "results.md").read_text()
    for arm in PAPER_ARMS:
        assert str(PAPER_COCO_R1[arm][0]) in results
    assert "| Captioner + stacked filter (ITM and CLIP) | ✓ | ✓ + CLIP | – | – |" in results
    assert f"`{STACKED_POLICY}` (cutoffs: top30%(clip) over all = {cutoff:.4f})" in results
    assert "noise ratio" in results and "python -m pipelines.bootstrap --workdir" in results
    assert set(result["arms"]) == set(ARMS) and "paper_ordering_reproduced" in result["verdict"]
    assert result["stacked"] == {"policy": STACKED_POLICY, "cutoffs": stacked["cutoffs"]}
    assert "i2t_r1_stacked_gain" in result["verdict"]
    # Where the run says its results are (relative to the folder it ran in, as the README's --workdir is).
    assert (workdir / "results.md").samefile(workdir.parents[1] / result["results"])


def test_rerun_skips_finished_steps(smoke, capsys):
    workdir, _, first = smoke
    markers = {step: (workdir / step / MARKER).read_text() for step in STEPS}
    again = run(["--workdir", str(workdir), "--scale", "smoke"])
    out = capsys.readouterr().out
    assert out.count("finished earlier, skipped") == 5
    assert {step: (workdir / step / MARKER).read_text() for step in STEPS} == markers
    assert again["arms"] == first["arms"]
    assert json.loads(out.strip().splitlines()[-1])["arms"] == first["arms"]


def test_removed_marker_redoes_that_step(smoke, capsys):
    workdir, _, _ = smoke
    (workdir / "5-ablation" / MARKER).unlink()
    leftover = workdir / "5-ablation" / "half-written.tmp"
    leftover.write_text("from an interrupted run")
    run(["--workdir", str(workdir), "--scale", "smoke"])
    out = capsys.readouterr().out
    assert out.count("finished earlier, skipped") == 4
    assert "[5/5] pretrain each ablation arm from scratch and evaluate: done in" in out
    assert not leftover.exists() and (workdir / "5-ablation" / MARKER).exists()


def test_other_settings_in_the_same_workdir_are_refused(smoke):
    workdir, _, _ = smoke
    with pytest.raises(ValueError, match="--scale smoke --seed 0"):
        run(["--workdir", str(workdir), "--scale", "small"])


def test_a_workdir_from_before_the_stacked_arm_redoes_capfilt_or_the_ablation(smoke):
    """What a finished step recorded decides whether it still fits: a CapFilt step without CLIP scores
    (run before the stacked arm existed) is redone, and so is an ablation without the stacked arm or with
    another --stacked_policy; the current recordings fit."""
    workdir, _, _ = smoke
    loop = Bootstrap(workdir, SCALES["smoke"], 0)
    capfilt, ablation = _summary(workdir, "4-capfilt"), _summary(workdir, "5-ablation")
    assert loop.capfilt_outdated(capfilt) is None and loop.ablation_outdated(ablation) is None
    old_capfilt = {k: v for k, v in capfilt.items() if k != "scorers"}
    assert "no clip scores" in loop.capfilt_outdated(old_capfilt)
    old_ablation = {**ablation, "corpora": {a: c for a, c in ablation["corpora"].items() if a != "stacked"}}
    assert loop.ablation_outdated(old_ablation) == "it has no stacked arm"
    other = Bootstrap(workdir, SCALES["smoke"], 0, stacked_policy="itm>=0.5 & top50%(clip)")
    assert "not 'itm>=0.5 & top50%(clip)'" in other.ablation_outdated(ablation)


def test_a_stacked_policy_naming_a_scorer_the_run_lacks_is_one_line(tmp_path, capsys):
    assert (
        main(["--workdir", str(tmp_path / "w"), "--scale", "smoke", "--stacked_policy", "top3(siglip)"]) == 2
    )
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--stacked_policy" in line and "siglip" in line and "clip, itm" in line
    assert main(["--workdir", str(tmp_path / "w"), "--stacked_policy", "itm>>0.5"]) == 2
    assert "--stacked_policy" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()  # refused before anything was written


def test_an_outdated_recording_redoes_that_step_and_the_steps_after_it(tmp_path):
    calls, lines = [], []

    def step(name, outdated=None):
        def build(directory, done):
            calls.append(name)
            return {"version": 2}

        return Step(name, name, build, outdated)

    old = lambda summary: None if summary.get("version") == 2 else "it is version 1"  # noqa: E731
    run_steps(tmp_path, [step("a"), step("b"), step("c")], say=lambda line: None)
    (tmp_path / "b" / MARKER).write_text(json.dumps({"version": 1}))
    run_steps(tmp_path, [step("a"), step("b", old), step("c")], say=lines.append)
    assert calls == ["a", "b", "c", "b", "c"]
    assert "[2/3] b: finished earlier but it is version 1: redone, with the steps after it" in lines


def test_a_redone_step_redoes_the_steps_after_it(tmp_path):
    calls = []

    def step(name):
        def build(directory, done):
            calls.append(name)
            (directory / "out.txt").write_text(name)
            return {"inputs": sorted(done)}

        return Step(name, name, build)

    steps = [step("a"), step("b"), step("c")]
    run_steps(tmp_path, steps, say=lambda line: None)
    assert calls == ["a", "b", "c"]
    run_steps(tmp_path, steps, say=lambda line: None)
    assert calls == ["a", "b", "c"]
    (tmp_path / "b" / MARKER).unlink()
    summaries = run_steps(tmp_path, steps, say=lambda line: None)
    assert calls == ["a", "b", "c", "b", "c"]
    assert summaries["c"]["inputs"] == ["a", "b"]


def _row(key, web_kept, synthetic):
    kept = [t for t, k in synthetic if k]
    return {
        "key": key,
        "web_caption": "red circle | stock photo",
        "web_kept": web_kept,
        "synthetic": [{"text": t, "score": 0.9 if k else 0.1, "kept": k} for t, k in synthetic],
        "captions": (["red circle | stock photo"] if web_kept else []) + kept,
    }


def _scored(key, itm, clip):
    """A CapFilt output row with every scorer's scores: T_w first, then one T_s per further score."""

    def scores(i):
        return [{"scorer": "itm", "score": itm[i]}, {"scorer": "clip", "score": clip[i]}]

    synthetic = [
        {"text": f"caption {i} of {key}", "score": itm[i], "scores": scores(i)} for i in range(1, len(itm))
    ]
    return {"key": key, "web_caption": f"web {key}", "web_scores": scores(0), "synthetic": synthetic}


def test_the_stacked_arm_intersects_itm_with_the_corpus_top_fraction_by_clip():
    # 10 images x 2 texts: CLIP cosines 0.00 ... 0.95; the top 30% of the 20 texts are the 6 >= 0.70.
    rows = [_scored(f"k{n}", [0.9, 0.2 if n == 9 else 0.6], [0.1 * n, 0.1 * n + 0.05]) for n in range(10)]
    stacked = StackedPolicy(STACKED_POLICY)
    verdicts = stacked.verdicts(rows)
    ((_, cutoff),) = stacked.last_cutoffs.items()
    assert 0.65 < cutoff <= 0.7
    kept = [arm_captions(row, "stacked", v) for row, v in zip(rows, verdicts, strict=True)]
    assert kept[:7] == [[]] * 7
    # Image 9's synthetic caption has the best CLIP cosine but fails ITM: the intersection drops it.
    assert kept[7:] == [["web k7", "caption 1 of k7"], ["web k8", "caption 1 of k8"], ["web k9"]]
    # Without a score the rule needs, the arm says which row lacks which scorer.
    rows[3]["web_scores"] = [{"scorer": "itm", "score": 0.9}]
    rows[3]["synthetic"][0]["scores"] = [{"scorer": "itm", "score": 0.9}]
    with pytest.raises(ValueError, match="row k3 has no clip score"):
        stacked.verdicts(rows)


def test_arm_texts_follow_the_filter_verdicts():
    row = _row("k", False, [("a red circle on the left", True), ("a blue star", False)])
    assert arm_captions(row, "none") == ["red circle | stock photo"]
    assert arm_captions(row, "filter") == []
    assert arm_captions(row, "captioner") == [
        "red circle | stock photo",
        "a red circle on the left",
        "a blue star",
    ]
    assert arm_captions(row, "capfilt") == ["a red circle on the left"]
    with pytest.raises(ValueError, match="unknown arm"):
        arm_captions(row, "both")


def test_curation_quality_against_ground_truth():
    circle = [{"color": "red", "shape": "circle", "size": "small", "position": "left", "motion": None}]
    labels = {
        "a": {"noise": "correct", "objects": circle},
        "b": {"noise": "boilerplate", "objects": circle},
        "c": {"noise": "correct", "objects": circle},
    }
    rows = [
        _row("a", True, [("a small red circle on the left", True)]),
        _row("b", True, [("a blue star", False)]),
        _row("c", False, [("a red circle", True)]),
        _row("trap", True, []),
    ]
    quality = curation_quality(rows, labels)
    assert quality["unlabelled_images"] == 1 and quality["labelled_images"] == 3
    assert quality["web"]["precision"] == 0.5 and quality["web"]["recall"] == 0.5
    assert quality["synthetic"]["noise_ratio"] == round(1 / 3, 4)
    assert quality["synthetic"]["kept_correct_fraction"] == 1.0
    assert world_key_of("http://127.0.0.1:5/images/web-000042.jpg") == "web-000042"
    assert world_key_of("http://127.0.0.1:5/traps/wrong-type.jpg") is None


def test_ordering_verdict():
    runs = {
        arm: [{"i2t_r1": base + s, "t2i_r1": base + s, "caption_accuracy": 0.0} for s in (0.0, 0.5, 1.0)]
        for arm, base in zip(PAPER_ARMS, (10.0, 12.0, 14.0, 16.0), strict=True)
    }
    verdict = ordering_verdict(aggregate(runs))
    assert verdict["paper_ordering_reproduced"] and verdict["i2t_r1_capfilt_gain_exceeds_std"]
    runs["filter"] = runs["none"]
    assert not ordering_verdict(aggregate(runs))["paper_ordering_reproduced"]
    # The stacked arm stands beside the paper's ordering, compared with captioner + filter.
    runs["stacked"] = [
        {"i2t_r1": 19.0 + s, "t2i_r1": 16.0 + s, "caption_accuracy": 1.0} for s in (0.0, 0.5, 1.0)
    ]
    verdict = ordering_verdict(aggregate(runs))
    assert [arm for arm, _ in verdict["i2t_r1_means"]] == list(PAPER_ARMS)
    assert verdict["i2t_r1_stacked_gain"] == 3.0 and verdict["i2t_r1_stacked_gain_exceeds_std"]
    assert verdict["t2i_r1_stacked_gain"] == 0.0 and not verdict["t2i_r1_stacked_gain_exceeds_std"]
    text = verdict_text(verdict, 3)
    assert "Stacked filter vs captioner + filter, i2t R@1: +3.0 points (larger than" in text
    assert "Stacked filter vs captioner + filter, t2i R@1: +0.0 points (within" in text
