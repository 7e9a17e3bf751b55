"""Raw web vs CapFilt pretraining, measured downstream: VQA accuracy, NLVR2 accuracy and VisDial MRR.

    .venv/bin/python -m benchmarks.downstream_gain --workdir DIR [--seeds 3] [sizes...]

1. world: one demo world (web pairs; VQA, NLVR2 and VisDial train sets and held-out test splits);
2. capfilt: `pipelines.capfilt` over its web pairs with the shipped demo captioner and filter
   (capfilt/assets/models), giving two corpora: `raw` (every web image with its web text T_w) and
   `capfilt` (what CapFilt keeps: filtered T_w and T_s);
3. for each seed and corpus: `models.pretrain blip` from scratch (same preset, steps, batch, learning
   rate and vocabulary: the demo filter's tokenizer), then `models.finetune vqa|nlvr2|visdial` from it
   with one budget per task, and `models.evaluate` on the held-out splits.

Every stage writes its own directory and marks it finished (`_COMPLETE.json`, written last), so a rerun
with the same flags skips what is done and redoes only an unfinished stage: a killed run continues.
Prints a table (per task mean ± sd over the seeds, the difference, wall time per stage) and ends with
one JSON line.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import schemas
from capfilt.bootstrap.ablation import write_arm_corpora
from capfilt.bootstrap.resumable import finished_summary, mark_finished
from capfilt.flags import option, parse_settings
from capfilt.world import WorldConfig, generate_world
from capfilt.world.visdial import DialogSettings, generate_dialogs
from capfilt.world.vqa import VqaWorldSettings, generate_vqa
from pipelines.bootstrap_process import RunFailed, run_in_process

ASSETS = Path(__file__).resolve().parent.parent / "capfilt" / "assets" / "models"
# Corpus name -> the ablation arm it is (capfilt.bootstrap.ablation): raw web text, and CapFilt's output.
CORPORA = {"raw": "none", "capfilt": "capfilt"}
# Task -> (the figure reported, its name in models.evaluate's JSON line).
TASKS = {"vqa": "vqa_accuracy", "nlvr2": "accuracy", "visdial": "mrr"}
FIGURE_TITLES = {"vqa": "VQA accuracy", "nlvr2": "NLVR2 accuracy", "visdial": "VisDial MRR"}
SETTINGS_FILE = "settings.json"


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags); the defaults are the size docs/downstream.md
    reports (chosen to finish in about 45 minutes on a loaded 2-core CPU)."""

    workdir: str = option(help="directory of the run; rerun the same command to continue a killed run")
    world_seed: int = option(0, "seed of the demo world and of the CapFilt run")
    seeds: int = option(3, "pretraining seeds per corpus (0, 1, ...)")
    web: int = option(600, "web pairs CapFilt curates (the pretraining corpora)")
    vqa_train: int = option(600, "VQA training scenes (about 6 questions each)")
    vqa_test: int = option(100, "VQA held-out scenes")
    nlvr2_train: int = option(1000, "NLVR2 training examples")
    nlvr2_test: int = option(200, "NLVR2 held-out examples")
    visdial_train: int = option(600, "VisDial training dialogs")
    visdial_test: int = option(20, "VisDial held-out dialogs (10 rounds x 100 candidates each)")
    preset: str = option("tiny", "BLIP size of every pretrained model (models.blip.presets)")
    image_size: int = option(64, "model input resolution (the world is drawn at 64 px)")
    pretrain_steps: int = option(150, "pretraining steps, the same for both corpora")
    pretrain_batch: int = option(32, "pretraining batch size")
    pretrain_lr: float = option(5e-4, "pretraining peak learning rate")
    finetune_steps: int = option(60, "fine-tuning steps per task")
    finetune_batch: int = option(
        16, "fine-tuning batch size (VQA: questions, NLVR2: pairs, VisDial: dialogs)"
    )
    finetune_lr: float = option(5e-4, "fine-tuning peak learning rate")
    jobs: int = option(2, "runs at once, one CPU thread each")

    def __post_init__(self):
        for name in ("seeds", "web", "pretrain_steps", "finetune_steps", "jobs"):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name} must be at least 1, got {getattr(self, name)}")


def stage(directory: Path, build) -> dict:
    """Run `build(directory)` into an emptied directory unless it finished before; returns its summary with
    its wall time (`seconds`)."""
    recorded = finished_summary(directory)
    if recorded is not None:
        return recorded
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    started = time.monotonic()
    summary = build(directory)
    summary["seconds"] = round(time.monotonic() - started, 1)
    mark_finished(directory, summary)
    return summary


def command(main, argv: list) -> dict:
    """A project CLI's `main(argv)`, called in this process: a run's stages share one process (spawned by
    `one_run`), because starting Python with torch and transformers costs ~40 s per stage on a loaded 2-core
    machine, more than a small stage's work. Each training run seeds itself, so sharing changes no figure."""
    print(f"$ python -m {main.__module__} {' '.join(map(str, argv))}", flush=True)
    return main([str(a) for a in argv])


def build_world(s: Settings, directory: Path) -> dict:
    config = WorldConfig(
        seed=s.world_seed, web=s.web, human=0, test=0, classify=0, documents=0, clips=0,
        nlvr2_train=s.nlvr2_train, nlvr2_test=s.nlvr2_test, image_size=64,
    )  # fmt: skip
    counts = generate_world(str(directory), config, progress=False)["counts"]
    vqa = generate_vqa(VqaWorldSettings(str(directory / "vqa"), s.vqa_train, s.vqa_test, s.world_seed, 64))
    generate_dialogs(DialogSettings(str(directory), s.visdial_train, s.visdial_test, s.world_seed, 64))
    return {"world": counts, "vqa_questions": vqa, "dialogs": [s.visdial_train, s.visdial_test]}


def build_corpora(s: Settings, world: Path, directory: Path) -> dict:
    from pipelines import capfilt as capfilt_job  # here: spawned children import this module, not Beam

    output = directory / "output"
    argv = [
        "--input", f"{world}/web/*.parquet", "--output", output,
        "--captioner", ASSETS / "captioner", "--filter", ASSETS / "filter",
        "--seed", s.world_seed, "--device", "cpu",
    ]  # fmt: skip
    # A process of its own: a Beam job's workers and logging take over the process's output.
    stats = run_in_process(capfilt_job.run, [str(a) for a in argv], log=directory / "capfilt.log")
    arms = write_arm_corpora(str(output), [], directory, s.world_seed, arms=CORPORA.values())
    return {
        "capfilt": {k: stats.get(k) for k in ("inputs", "curated", "rejects", "rescued_by_captioner")},
        "kept_fraction": {k: stats[k]["kept_fraction"] for k in ("web", "synthetic")},
        "corpora": {name: arms[arm] for name, arm in CORPORA.items()},
    }


def pretrain(s: Settings, corpus: str, seed: int, directory: Path) -> dict:
    from models import pretrain as pretrain_cli

    argv = [
        "blip", "--data", corpus, "--output", directory / "model", "--preset", s.preset,
        "--image_size", s.image_size, "--tokenizer", ASSETS / "filter", "--max_steps", s.pretrain_steps,
        "--batch_size", s.pretrain_batch, "--lr", s.pretrain_lr, "--warmup_steps",
        max(1, s.pretrain_steps // 20), "--seed", seed, "--num_workers", 0, "--save_every", s.pretrain_steps,
        "--device", "cpu",
    ]  # fmt: skip
    summary = command(pretrain_cli.main, argv)
    return {"loss": summary.get("loss"), "steps": summary.get("step", s.pretrain_steps)}


def task_data(world: Path) -> dict[str, tuple[str, str]]:
    """Task -> (training data, held-out data) in the world."""
    return {
        "vqa": (f"{world}/vqa/train/*.parquet", f"{world}/vqa/test/*.parquet"),
        "nlvr2": (f"{world}/nlvr2_train/*.parquet", f"{world}/nlvr2_test/*.parquet"),
        "visdial": (f"{world}/dialogs", f"{world}/dialogs_test"),
    }


def finetune_and_evaluate(
    s: Settings, task: str, init: Path, seed: int, world: Path, directory: Path
) -> dict:
    from models import evaluate as evaluate_cli
    from models import finetune as finetune_cli

    train, test = task_data(world)[task]
    model = directory / "model"
    argv = [
        task, "--init", init, "--data", train, "--output", model, "--max_steps", s.finetune_steps,
        "--batch_size", s.finetune_batch, "--lr", s.finetune_lr, "--warmup_steps",
        max(1, s.finetune_steps // 10), "--seed", seed, "--num_workers", 0, "--save_every", s.finetune_steps,
        "--device", "cpu",
    ]  # fmt: skip
    started = time.monotonic()
    trained = command(finetune_cli.main, argv)
    finetune_seconds = round(time.monotonic() - started, 1)
    started = time.monotonic()
    metrics = command(evaluate_cli.main, [task, "--checkpoint", model, "--data", test])
    shutil.rmtree(model / "checkpoint", ignore_errors=True)  # the resumable state: only the export is needed
    return {
        "figure": metrics[TASKS[task]],
        "metrics": {k: v for k, v in metrics.items() if k not in ("model", "checkpoint")},
        "train_loss": trained.get("loss"),
        "finetune_seconds": finetune_seconds,
        "evaluate_seconds": round(time.monotonic() - started, 1),
    }


def one_run(s: Settings, workdir: Path, corpus: str, seed: int, say) -> dict:
    """One corpus and seed in a process of its own (one thread; its log is runs/CORPUS-seedN.log)."""
    log = workdir / "runs" / f"{corpus}-seed{seed}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    result = run_in_process(run_stages, s, workdir, corpus, seed, log=log, threads=1)
    for task, title in FIGURE_TITLES.items():
        say(f"{corpus:<7} seed {seed}: {title} {result[task]['figure']:.2f}")
    return result


def run_stages(s: Settings, workdir: Path, corpus: str, seed: int) -> dict:
    """Pretrain on one corpus with one seed, then fine-tune and evaluate every task from that model."""
    run = workdir / "runs" / f"{corpus}-seed{seed}"
    file = workdir / "2-capfilt" / f"{CORPORA[corpus]}.parquet"
    result = {
        "corpus": corpus,
        "seed": seed,
        "pretrain": stage(run / "pretrain", lambda d: pretrain(s, file, seed, d)),
    }
    init = run / "pretrain" / "model"
    for task in TASKS:
        result[task] = stage(
            run / task,
            lambda d, task=task: finetune_and_evaluate(s, task, init, seed, workdir / "1-world", d),
        )
    return result


def mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def aggregate(runs: list[dict]) -> dict:
    """Per task and corpus: mean and sd of the figure over the seeds, the gain (capfilt - raw), and the mean
    wall time of each stage."""
    by_corpus = {name: [r for r in runs if r["corpus"] == name] for name in CORPORA}
    summary: dict = {}
    for task in TASKS:
        row: dict = {}
        for name, group in by_corpus.items():
            mean, sd = mean_sd([r[task]["figure"] for r in group])
            row[name] = {
                "mean": round(mean, 2),
                "sd": round(sd, 2),
                "runs": [r[task]["figure"] for r in group],
                "finetune_seconds": round(statistics.fmean(r[task]["finetune_seconds"] for r in group), 1),
                "evaluate_seconds": round(statistics.fmean(r[task]["evaluate_seconds"] for r in group), 1),
            }
        row["gain"] = round(row["capfilt"]["mean"] - row["raw"]["mean"], 2)
        summary[task] = row
    summary["pretrain_seconds"] = {
        name: round(statistics.fmean(r["pretrain"]["seconds"] for r in group), 1)
        for name, group in by_corpus.items()
    }
    return summary


def table(summary: dict, seeds: int) -> str:
    lines = [
        f"| figure (held-out test, mean ± sd of {seeds} seeds) | raw web | CapFilt | CapFilt - raw "
        "| fine-tune s (raw / CapFilt) | evaluate s |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for task, title in FIGURE_TITLES.items():
        row = summary[task]
        raw, cap = row["raw"], row["capfilt"]
        lines.append(
            f"| {title} | {raw['mean']:.2f} ± {raw['sd']:.2f} | {cap['mean']:.2f} ± {cap['sd']:.2f} "
            f"| {row['gain']:+.2f} | {raw['finetune_seconds']:.0f} / {cap['finetune_seconds']:.0f} "
            f"| {raw['evaluate_seconds']:.0f} / {cap['evaluate_seconds']:.0f} |"
        )
    pre = summary["pretrain_seconds"]
    lines.append(f"pretraining: {pre['raw']:.0f} s (raw web) / {pre['capfilt']:.0f} s (CapFilt) per run")
    return "\n".join(lines)


def check_settings(workdir: Path, settings: Settings) -> None:
    """A work directory holds one configuration: continuing with other sizes would mix incomparable runs."""
    wanted = {k: v for k, v in asdict(settings).items() if k not in ("workdir", "jobs")}
    path = workdir / SETTINGS_FILE
    if path.exists():
        found = json.loads(path.read_text())
        if found != wanted:
            changed = ", ".join(f"--{k}" for k in sorted(wanted) if found.get(k) != wanted[k])
            raise ValueError(f"{workdir} holds a run with other settings ({changed}); use another --workdir")
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(wanted, indent=2) + "\n")


def run(argv: list[str] | None = None) -> dict:
    s = parse_settings(
        Settings, argv, prog="python -m benchmarks.downstream_gain", description=__doc__.split("\n\n")[0]
    )
    workdir = Path(s.workdir)
    check_settings(workdir, s)
    os.environ["TQDM_DISABLE"] = "1"  # the children's logs keep their bars; this process prints the figures
    say = lambda line: print(f"downstream_gain: {line}", flush=True)  # noqa: E731
    started = time.monotonic()
    world = stage(workdir / "1-world", lambda d: build_world(s, d))
    say(f"world: {world['world']}, VQA questions {world['vqa_questions']} ({world['seconds']:.0f} s)")
    corpora = stage(workdir / "2-capfilt", lambda d: build_corpora(s, workdir / "1-world", d))
    sizes = {name: (c["images"], c["texts"]) for name, c in corpora["corpora"].items()}
    say(f"capfilt: corpora (images, texts) {sizes} ({corpora['seconds']:.0f} s)")
    jobs = [(corpus, seed) for seed in range(s.seeds) for corpus in CORPORA]
    with ThreadPoolExecutor(max_workers=s.jobs) as pool:
        runs = list(pool.map(lambda job: one_run(s, workdir, *job, say), jobs))
    summary = aggregate(runs)
    print(table(summary, s.seeds))
    result = {
        "benchmark": "downstream_gain",
        "settings": {k: v for k, v in asdict(s).items() if k != "workdir"},
        "world_seconds": world["seconds"],
        "capfilt": {k: corpora[k] for k in ("capfilt", "kept_fraction", "seconds")},
        "corpora": {name: {k: c[k] for k in ("images", "texts")} for name, c in corpora["corpora"].items()},
        **summary,
        "seconds_this_invocation": round(time.monotonic() - started, 1),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    print(json.dumps(result), flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    try:
        run(argv)
    except (ValueError, RunFailed, schemas.SchemaError) as error:
        print(f"python -m benchmarks.downstream_gain: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
