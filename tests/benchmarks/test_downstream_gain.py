"""benchmarks/downstream_gain.py's plumbing at a tiny size: one corpus and seed through every stage (real
pretraining, fine-tuning and evaluation of the three tasks, one or two steps each), its resume, and the
aggregation of runs into the reported figures."""

import statistics

import pytest

from benchmarks import downstream_gain as bench
from capfilt.bootstrap import ablation
from schemas import expand

TINY = dict(
    web=12, vqa_train=4, vqa_test=2, nlvr2_train=6, nlvr2_test=4, visdial_train=3, visdial_test=1,
    pretrain_steps=2, pretrain_batch=4, finetune_steps=1, finetune_batch=2, jobs=1, seeds=1,
)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A world and a raw-web corpus (CapFilt's own step is left out: pipelines.capfilt has its tests), then
    every stage of one run in this process."""
    workdir = tmp_path_factory.mktemp("downstream_gain")
    settings = bench.Settings(workdir=str(workdir), **TINY)
    world = bench.stage(workdir / "1-world", lambda d: bench.build_world(settings, d))
    rows = ablation.web_rows(expand(str(workdir / "1-world" / "web" / "*.parquet")))
    ablation.write_corpus(rows, workdir / "2-capfilt" / "none.parquet", seed=0)
    result = bench.run_stages(settings, workdir, "raw", 0)
    return settings, workdir, world, result


def test_every_stage_reports_its_figure_and_wall_time(tiny_run):
    _, workdir, world, result = tiny_run
    assert world["vqa_questions"]["test"] > 0 and world["world"]["nlvr2_test"] == 4
    assert result["pretrain"]["steps"] == 2
    for task, metric in bench.TASKS.items():
        stage = result[task]
        assert stage["figure"] == stage["metrics"][metric]
        assert 0 <= stage["figure"] <= 100
        assert (
            stage["finetune_seconds"] >= 0 and stage["evaluate_seconds"] >= 0
        )  # recorded (never asserted on)
        model = workdir / "runs" / "raw-seed0" / task / "model"
        assert (model / "config.json").exists() and not (model / "checkpoint").exists()
    assert result["visdial"]["metrics"]["rounds"] == 10  # one held-out dialog, every round ranked


def test_a_rerun_skips_finished_stages_and_redoes_an_unfinished_one(tiny_run):
    settings, workdir, _, first = tiny_run
    run = workdir / "runs" / "raw-seed0"
    kept = {name: (run / name / "_COMPLETE.json").stat().st_mtime_ns for name in ("pretrain", "vqa", "nlvr2")}
    (run / "visdial" / "_COMPLETE.json").unlink()  # as if killed during the VisDial stage
    second = bench.run_stages(settings, workdir, "raw", 0)
    assert {name: (run / name / "_COMPLETE.json").stat().st_mtime_ns for name in kept} == kept
    assert (run / "visdial" / "_COMPLETE.json").exists()
    for task in ("vqa", "nlvr2"):
        assert second[task] == first[task]
    # Same seed, same data: the redone stage gives the same figure.
    assert second["visdial"]["figure"] == first["visdial"]["figure"]


def test_a_workdir_refuses_other_settings(tmp_path):
    bench.check_settings(tmp_path, bench.Settings(workdir=str(tmp_path), **TINY))
    bench.check_settings(tmp_path, bench.Settings(workdir=str(tmp_path), **{**TINY, "jobs": 2}))  # same run
    with pytest.raises(ValueError, match="other settings \\(--pretrain_steps, --seeds\\)"):
        bench.check_settings(
            tmp_path, bench.Settings(workdir=str(tmp_path), **{**TINY, "pretrain_steps": 3, "seeds": 2})
        )


def _run(corpus, seed, figures):
    stages = {
        task: {"figure": figure, "finetune_seconds": 10.0 + seed, "evaluate_seconds": 2.0}
        for task, figure in figures.items()
    }
    return {"corpus": corpus, "seed": seed, "pretrain": {"seconds": 100.0 + seed}, **stages}


def test_aggregate_reports_mean_sd_and_the_gain_per_task():
    runs = [
        _run("raw", 0, {"vqa": 20.0, "nlvr2": 60.0, "visdial": 10.0}),
        _run("capfilt", 0, {"vqa": 21.0, "nlvr2": 64.0, "visdial": 12.0}),
        _run("raw", 1, {"vqa": 22.0, "nlvr2": 62.0, "visdial": 11.0}),
        _run("capfilt", 1, {"vqa": 25.0, "nlvr2": 66.0, "visdial": 12.0}),
    ]
    summary = bench.aggregate(runs)
    assert summary["vqa"]["raw"]["mean"] == 21.0
    assert summary["vqa"]["raw"]["sd"] == round(statistics.stdev([20.0, 22.0]), 2)
    assert summary["vqa"]["capfilt"]["runs"] == [21.0, 25.0]
    assert (
        summary["vqa"]["gain"] == 2.0
        and summary["nlvr2"]["gain"] == 4.0
        and summary["visdial"]["gain"] == 1.5
    )
    assert summary["visdial"]["capfilt"]["sd"] == 0.0
    assert summary["pretrain_seconds"] == {"raw": 100.5, "capfilt": 100.5}
    text = bench.table(summary, seeds=2)
    assert "| NLVR2 accuracy | 61.00 ± 1.41 | 65.00 ± 1.41 | +4.00 |" in text
