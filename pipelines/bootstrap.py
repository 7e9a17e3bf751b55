"""BLIP bootstrapping end to end on the demo world, and the paper's CapFilt ablation (Table 1).

`python -m pipelines.bootstrap --workdir DIR [--seed 0] [--scale smoke|small|medium] [--stacked_policy RULE]`

1. ingest: generate the demo world, serve its website on 127.0.0.1, crawl the site's WARC with
   `pipelines.ingest` (downloads from the live server);
2. pretrain: BLIP from scratch on the crawled web pairs (raw web text) plus the human pairs;
3. finetune: a captioner and a filter, separately, from that model on the human pairs;
4. capfilt: `pipelines.capfilt` over the crawled pairs, scored by the filter and the shipped demo CLIP,
   and its quality against the world's ground truth;
5. ablation: fresh BLIPs from scratch on each arm's corpus (no CapFilt, filter only, captioner only,
   captioner + filter, captioner + stacked filter (ITM and CLIP); equal steps, batch and size), several
   seeds, evaluated on the held-out test split.

Each step writes DIR/<step>/ and marks completion with DIR/<step>/_COMPLETE.json, written last: a rerun
skips finished steps and redoes an unfinished one (and those after it) from scratch. The run writes
DIR/results.md and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import chain
from pathlib import Path

import capfilt
import schemas
from capfilt.bootstrap import ablation
from capfilt.bootstrap.ablation_report import aggregate, ordering_verdict
from capfilt.bootstrap.quality import curation_quality, read_labels, relabel_ingested
from capfilt.bootstrap.results_page import write_results
from capfilt.bootstrap.resumable import Step, run_steps
from capfilt.bootstrap.scales import SCALES, Scale
from capfilt.flags import StrictArgumentParser, report_error
from capfilt.world import WorldConfig, generate_world
from capfilt.world.site import build_site
from capfilt.world.site_server import serve_site
from pipelines.bootstrap_process import RunFailed, run_in_process
from pipelines.bootstrap_runs import blip_settings, evaluate_checkpoint, train_blip, train_config

SETTINGS_FILE = "bootstrap.json"
# The demo world's scenes are simple shapes on few textures: at ingest's default pHash threshold (4 bits)
# about 31% of distinct scenes count as near-duplicates. Distinct scenes carry distinct captions, so the
# loop keeps exact-duplicate removal (sha256) and turns off the near-duplicate rule (-1).
PHASH_THRESHOLD = -1
LOOPBACK = "127.0.0.1/32"
# The stacked arm's CLIP: the shipped demo CLIP, trained on the demo world (the external pretrained CLIP's
# part in DataComp and BLIP-2). It resizes any image to its 32 px input; its vocabulary is the world's.
DEMO_CLIP = Path(capfilt.__file__).resolve().parent / "assets" / "models" / "clip"


class Bootstrap:
    """The five steps over one work directory; each step reads the directories of the steps before it."""

    def __init__(
        self, workdir: Path, scale: Scale, seed: int, say=print, stacked_policy: str = ablation.STACKED_POLICY
    ):
        self.workdir = workdir
        self.scale = scale
        self.seed = seed
        self.say = say
        self.stacked = ablation.StackedPolicy(stacked_policy)

    # Paths every later step reads.
    @property
    def world(self) -> Path:
        return self.workdir / "1-ingest" / "world"

    @property
    def ingested(self) -> str:
        return str(self.workdir / "1-ingest" / "ingested" / "pairs" / "*.parquet")

    @property
    def ingested_labels(self) -> Path:
        return self.workdir / "1-ingest" / "labels-ingested.parquet"

    def split_files(self, split: str) -> list[str]:
        return schemas.expand(str(self.world / split / "*.parquet"))

    def test_labels(self) -> dict[str, dict]:
        return read_labels([str(self.world / "labels" / "test.parquet")])

    def steps(self) -> list[Step]:
        return [
            Step("1-ingest", "generate the demo world, serve it on 127.0.0.1, crawl and ingest", self.ingest),
            Step("2-pretrain", "pretrain BLIP on raw web pairs + human", self.pretrain),
            Step("3-finetune", "fine-tune captioner and filter on human", self.finetune),
            Step("4-capfilt", "CapFilt over the crawled pairs", self.capfilt, self.capfilt_outdated),
            Step(
                "5-ablation",
                "pretrain each ablation arm from scratch and evaluate",
                self.ablation,
                self.ablation_outdated,
            ),
        ]

    @staticmethod
    def capfilt_outdated(summary: dict) -> str | None:
        if ablation.CLIP_SCORER not in summary.get("scorers", {}):
            return f"it has no {ablation.CLIP_SCORER} scores (made before the stacked arm)"
        return None

    def ablation_outdated(self, summary: dict) -> str | None:
        recorded = summary.get("corpora", {}).get("stacked", {}).get("policy")
        if recorded is None:
            return "it has no stacked arm"
        if recorded != self.stacked.text:
            return f"its stacked arm used --stacked_policy {recorded!r}, not {self.stacked.text!r}"
        return None

    def ingest(self, directory: Path, done: dict) -> dict:
        from pipelines import ingest as ingest_job  # here: each run's process imports this module, not Beam

        s = self.scale
        config = WorldConfig(
            seed=self.seed, web=s.web, human=s.human, test=s.test, classify=0, documents=0, clips=0,
            image_size=s.image_size,
        )  # fmt: skip
        world = generate_world(str(self.world), config, progress=False)
        site_dir = directory / "site"
        site_dir.mkdir()
        with serve_site(str(site_dir)) as server:
            # The WARC records the pages at the live server's address, so the site is built once it listens.
            site = build_site(str(self.world), str(site_dir), base_url=server.base_url)
            stats = run_in_process(
                ingest_job.run,
                [
                    "--input", site["warc"],
                    "--output", str(directory / "ingested"),
                    "--allow_networks", LOOPBACK,
                    "--image_size", str(s.image_size),
                    "--phash_threshold", str(PHASH_THRESHOLD),
                ],
                log=directory / "ingest.log",
            )  # fmt: skip
        web_labels = read_labels([str(self.world / "labels" / "web.parquet")])
        labels = relabel_ingested(schemas.expand(self.ingested), web_labels)
        schemas.write_table(labels, schemas.LABELS, str(self.ingested_labels))
        return {
            "world": world["counts"],
            "site": {k: site[k] for k in ("pages", "images", "traps")},
            "ingest": {k: stats[k] for k in ("input_rows", "pairs", "rejects", "rejects_by_reason")},
            "labelled_pairs": len(labels),
            "phash_threshold": PHASH_THRESHOLD,
        }

    def pretrain_blip(
        self, data: str, output: Path, seed: int, log: Path, *, bootstrap: bool = False, **vocabulary
    ) -> dict:
        """A BLIP pretraining run from scratch (as models.pretrain blip): the same preset, batch, steps and
        schedule for every arm; the bootstrapping model (step 2) with its own preset and learning rate, alone
        on the machine."""
        s = self.scale
        preset, lr = (s.bootstrap_preset, s.bootstrap_lr) if bootstrap else (s.preset, s.lr)
        train = train_config("pretrain", data, output, s.pretrain_steps, lr, s, seed)
        model = blip_settings(preset=preset, image_size=s.model_image_size, **vocabulary)
        # Step 2 runs alone: it gets every core the scale's parallel runs would share.
        threads = s.jobs if bootstrap else 1
        return run_in_process(train_blip, "pretrain", model, train, log=log, threads=threads)

    def pretrain(self, directory: Path, done: dict) -> dict:
        web = ablation.web_rows(schemas.expand(self.ingested))
        human = ablation.human_rows(self.split_files("human"))
        corpus = ablation.write_corpus(chain(web, human), directory / "corpus.parquet", self.seed)
        model = directory / "model"
        summary = self.pretrain_blip(
            corpus["file"],
            model,
            self.seed,
            directory / "train.log",
            bootstrap=True,
            vocab_size=self.scale.vocab_size,
        )
        metrics = evaluate_checkpoint(model, self.split_files("test"), self.test_labels(), self.scale)
        return {"corpus": corpus, "train": summary, "test": metrics}

    def finetune(self, directory: Path, done: dict) -> dict:
        s = self.scale
        base = self.workdir / "2-pretrain" / "model"
        human = ",".join(self.split_files("human"))

        def tune(kind: str) -> dict:
            output, lr = directory / kind, s.finetune_lr
            steps = s.captioner_steps if kind == "captioner" else s.filter_steps
            train = train_config(kind, human, output, steps, lr, s, self.seed)
            model = blip_settings(init=str(base))
            return run_in_process(train_blip, kind, model, train, log=directory / f"{kind}.log")

        with ThreadPoolExecutor(max_workers=s.jobs) as pool:
            captioner, filter_ = pool.map(tune, ["captioner", "filter"])
        return {"captioner": captioner, "filter": filter_}

    def capfilt(self, directory: Path, done: dict) -> dict:
        from pipelines import capfilt as capfilt_job  # here: each run's process imports this module, not Beam

        s = self.scale
        output = directory / "output"
        tuned = self.workdir / "3-finetune"
        stats = run_in_process(
            capfilt_job.run,
            [
                "--input", self.ingested,
                "--output", str(output),
                "--captioner", str(tuned / "captioner"),
                "--filter", str(tuned / "filter"),
                "--quality_labels", str(self.ingested_labels),
                "--scorer", f"{ablation.CLIP_SCORER}={DEMO_CLIP}",
                "--batch_size", str(s.capfilt_batch),
                "--seed", str(self.seed),
                "--device", "cpu",
                # The reference engine (transformers' generate): the recorded figures were measured with it.
                "--engine", "transformers",
                # Keeping nothing is a result the ablation reports (barely trained smoke-scale models do).
                "--allow_empty_output",
            ],
            log=directory / "capfilt.log",
        )  # fmt: skip
        labels = read_labels([str(self.ingested_labels)])
        quality = curation_quality(ablation.capfilt_rows(str(output)), labels)
        keep = ("inputs", "curated", "rejects", "rejects_by_reason", "rescued_by_captioner", "seconds")
        return {
            "scorers": {ablation.CLIP_SCORER: str(DEMO_CLIP)},
            "capfilt": {k: stats.get(k) for k in keep},
            "kept_fraction": {k: stats[k]["kept_fraction"] for k in ("web", "synthetic")},
            "quality": quality,
        }

    def ablation(self, directory: Path, done: dict) -> dict:
        s = self.scale
        corpora = ablation.write_arm_corpora(
            str(self.workdir / "4-capfilt" / "output"),
            self.split_files("human"),
            directory / "corpora",
            self.seed,
            stacked=self.stacked,
        )
        tokenizer = self.workdir / "2-pretrain" / "model" / "tokenizer"
        test_files, labels = self.split_files("test"), self.test_labels()
        jobs = [(arm, self.seed + k) for k in range(s.seeds) for arm in ablation.ARMS]

        def run_arm(job: tuple[str, int]) -> dict:
            arm, seed = job
            run = directory / "runs" / f"{arm}-seed{seed}"
            run.mkdir(parents=True)
            # One vocabulary for every arm (the step 2 model's), as BERT's is for every arm in the paper.
            train = self.pretrain_blip(
                corpora[arm]["file"], run / "model", seed, run / "train.log", tokenizer=str(tokenizer)
            )
            metrics = {"arm": arm, "seed": seed, **evaluate_checkpoint(run / "model", test_files, labels, s)}
            metrics["train_loss"] = train["loss"]
            (run / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
            self.say(
                f"    {arm:<9} seed {seed}: i2t R@1 {metrics['i2t_r1']:.1f}, "
                f"t2i R@1 {metrics['t2i_r1']:.1f}, caption accuracy {metrics['caption_accuracy']:.1f}"
            )
            return metrics

        with ThreadPoolExecutor(max_workers=s.jobs) as pool:
            results = list(pool.map(run_arm, jobs))
        runs = {arm: [r for r in results if r["arm"] == arm] for arm in ablation.ARMS}
        summary = aggregate(runs)
        return {"corpora": corpora, "runs": runs, "summary": summary, "verdict": ordering_verdict(summary)}


def run_settings(scale: Scale, seed: int) -> dict:
    """What a run's results depend on (everything but how many runs go at once)."""
    return {"scale": scale.name, "seed": seed, "values": {**scale.as_dict(), "jobs": None}}


def check_settings(workdir: Path, settings: dict) -> None:
    """A work directory holds one configuration: resuming with another would mix incomparable steps."""
    path = workdir / SETTINGS_FILE
    if path.exists():
        found = json.loads(path.read_text())
        if found != settings:
            same_name = found.get("scale") == settings["scale"] and found.get("seed") == settings["seed"]
            raise ValueError(
                f"{workdir} holds a run with --scale {found.get('scale')} --seed {found.get('seed')}"
                f"{' but other scale settings (the presets changed since)' if same_name else ''}; "
                "use another --workdir (or remove it) for different settings"
            )
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = StrictArgumentParser(
        prog="python -m pipelines.bootstrap",
        description=__doc__.split("\n\n")[0],
        epilog="See docs/results.md for the figures and what each scale costs.",
    )
    parser.add_argument("--workdir", required=True, help="directory of the run; rerun to resume")
    parser.add_argument("--seed", type=int, default=0, help="seed of the world, CapFilt and the first run")
    parser.add_argument("--scale", choices=sorted(SCALES), default="small", help="size of the run")
    parser.add_argument("--jobs", type=int, default=0, help="training runs at once (default: the scale's)")
    parser.add_argument(
        "--stacked_policy",
        default=ablation.STACKED_POLICY,
        metavar="RULE",
        help="the stacked arm's --policy rule over the stored scores itm and clip (docs/capfilt.md's "
        "grammar); a different rule in an existing workdir redoes step 5 only",
    )
    return parser


def run(argv: list[str] | None = None) -> dict:
    args = build_parser().parse_args(argv)
    scale = SCALES[args.scale]
    if args.jobs:
        scale = Scale(**{**scale.as_dict(), "jobs": args.jobs})
    workdir = Path(args.workdir)
    try:
        stacked = ablation.StackedPolicy(args.stacked_policy)
        stacked.check({"itm", ablation.CLIP_SCORER})
    except ValueError as error:
        raise ValueError(f"--stacked_policy: {error}") from None
    check_settings(workdir, run_settings(scale, args.seed))
    # Here, not at the top: every run's process imports this module as it starts (see bootstrap_runs).
    import torch
    from transformers.utils import logging as transformers_logging

    # Evaluation runs in this process beside the training processes: one thread each (bootstrap_process).
    torch.set_num_threads(1)
    # Loading a pretrained BLIP as a retrieval model skips the decoder's weights by design: not news. The
    # in-process evaluations' bars would interleave with the step lines; the children's logs keep theirs.
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    os.environ["TQDM_DISABLE"] = "1"
    started = time.monotonic()
    say = lambda line: print(f"bootstrap: {line}", flush=True)  # noqa: E731
    summaries = run_steps(workdir, Bootstrap(workdir, scale, args.seed, say, stacked.text).steps(), say)
    command = "python -m pipelines.bootstrap " + " ".join(argv if argv is not None else sys.argv[1:])
    results = write_results(workdir, scale, args.seed, summaries, command)
    results["seconds_this_invocation"] = round(time.monotonic() - started, 1)
    print(json.dumps(results), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    try:
        run(argv)
    except (ValueError, RunFailed) as error:
        report_error("python -m pipelines.bootstrap", error)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
