"""The main job: `python -m pipelines.capfilt` runs BLIP's CapFilt over image-text pairs with Beam.

read -> decode/prepare -> RunInference(captioner) -> RunInference(filter) -> policy ->
curated/ + dropped/ + rejects/ Parquet, stats.json and report.html in --output.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.ml.inference.base import RunInference
from apache_beam.options.pipeline_options import StandardOptions

import schemas
from capfilt import readers
from capfilt.curate import checkpoints, embeddings, policy, scorer_stats
from capfilt.curate.config import DEFAULT_CAPTIONER, DEFAULT_FILTER, HELP_GROUPS, CapfiltConfig
from capfilt.curate.engines.interfaces import CaptionerSettings, FilterSettings, ScorerSettings
from capfilt.curate.engines.registry import engine_names
from capfilt.curate.policy_grammar import NAMED_POLICY_HINTS
from capfilt.curate.rows import dropped_reject
from capfilt.curate.scorer_specs import check_scorers, parse_scorers, portable_names, scorer_ranges
from capfilt.curate.stats import summary_line
from capfilt.world import corpus
from pipelines import capfilt_steps as steps
from pipelines.capfilt_corpus import CorpusSteps, corpus_steps_enabled
from pipelines.capfilt_handlers import CaptionerHandler, FilterHandler, ScorersHandler
from pipelines.common import options
from pipelines.common.interrupt import Interrupts
from pipelines.common.job_output import JobOutput
from pipelines.common.outcome import check_run, exit_status
from pipelines.common.rejects import REJECTS
from pipelines.common.runner import new_pipeline, pipeline_options, worker_processes
from pipelines.common.summary import announce, say_summary
from pipelines.common.unique_keys import UniqueKeys

DESCRIPTION = """BLIP CapFilt on Apache Beam: caption every image, score the web text and every synthetic
caption with the ITM filter, keep what the policy keeps.

With no flags it runs on the demo world's web split with the shipped demo models and writes
./capfilt_output/ (curated/, dropped/, rejects/ Parquet, stats.json, report.html).
Beam's own options go beside these flags (--help_beam lists them), e.g.
  --runner=DirectRunner --direct_num_workers=2 --direct_running_mode=multi_processing
"""

PROG = "python -m pipelines.capfilt"
JOB = "pipelines.capfilt"
DIRECTORIES = ["curated", "dropped", "rejects", "embeddings"]
# stats.json last: its presence marks a complete output.
FILES = ["report.html", "stats.json"]


def resolve_input(config: CapfiltConfig) -> tuple[list[str], str | None]:
    """Input files (each checked for a known format now, not mid-run) and the labels file, if any."""
    pattern, labels = config.input, config.quality_labels
    if pattern is None:
        pattern, default_labels = corpus.default_input(say=lambda line: print(line, file=sys.stderr))
        labels = labels or default_labels
    files = schemas.expand(pattern, readers.SUFFIXES)
    if config.input_format not in readers.FORMATS:
        raise ValueError(f"--input_format must be one of {', '.join(readers.FORMATS)}")
    for path in files:
        readers.check_name(path)  # by name only: a file's content problems become `read` rejects
    return files, labels


def check_models(config: CapfiltConfig) -> None:
    models = [("captioner", path, DEFAULT_CAPTIONER) for path in config.captioners()]
    for kind, path, default in (*models, ("filter", config.filter, DEFAULT_FILTER)):
        try:
            checkpoints.check_available(path, kind)
        except checkpoints.CheckpointError as error:
            if path != default:
                raise
            raise checkpoints.CheckpointError(
                f"the shipped demo {kind} is missing: {path} does not exist or is incomplete "
                f"(models/ exports it there). Pass --{kind} PATH_OR_HUB_ID to use another checkpoint."
            ) from error
    if config.embeddings:
        embeddings.check_clip(config.embeddings)
    check_scorers(config.scorer)


def model_names(config: CapfiltConfig) -> dict[str, str]:
    """The names the curated rows store for the models, computed once here on the launcher (a local
    checkpoint's weights are hashed; capfilt.curate.checkpoints.portable_name); stats.json also names each
    --scorer's checkpoint so."""
    captioners = [checkpoints.portable_name(path) for path in config.captioners()]
    # The rows' `captioner` column: the one captioner's name, or every captioner's, comma-separated.
    names = {"captioner": ",".join(captioners), "filter": checkpoints.portable_name(config.filter)}
    if len(captioners) > 1:
        names["captioners"] = captioners  # synthetic[].captioner holds one of these
    if config.embeddings:
        names["embeddings"] = checkpoints.portable_name(config.embeddings)
    scorers = portable_names(config.scorer)
    return {**names, "scorers": scorers} if scorers else names


def resolve_eval_files(config: CapfiltConfig) -> list[str]:
    """--decontaminate's files, each checked for a known format now."""
    if not config.decontaminate:
        return []
    files = schemas.expand(config.decontaminate, readers.SUFFIXES)
    for path in files:
        readers.check_name(path)
    return files


def scorer_settings(config: CapfiltConfig) -> list[ScorerSettings]:
    return [
        ScorerSettings(name, path, config.device, config.precision)
        for name, path in parse_scorers(config.scorer)
    ]


def warn_if_keeps_everything(config: CapfiltConfig) -> None:
    count = config.captions_per_image()
    if config.run_policy().keeps_everything(scorer_ranges(config.scorer), count):
        hint = NAMED_POLICY_HINTS.get(config.policy.strip(), ())[1:]
        print(
            f"capfilt: warning: --policy {config.policy!r} keeps every text by construction "
            f"({policy.describe(config.policy, config.itm_threshold, config.top_k)} with "
            f"{count} caption(s) per image): nothing is filtered" + "".join(f"; {line}" for line in hint),
            file=sys.stderr,
        )


def run_settings(
    config: CapfiltConfig, files: list[str], labels: str | None = None, names: dict | None = None
) -> dict:
    """What stats.json and the report say about how the run was made (full paths here only)."""
    # Not about how the corpus was made: how many samples the page shows, what may happen to --output.
    ignored = ("report_samples", "overwrite", "allow_empty_output")
    settings = {k: v for k, v in asdict(config).items() if k not in ignored}
    settings["input"] = config.input or "demo world (web split)"
    settings["input_files"] = len(files)
    settings["policy"] = config.policy
    settings["policy_rule"] = policy.describe(config.policy, config.itm_threshold, config.top_k)
    # The labels actually used (the default corpus brings its own), and where they came from.
    settings["quality_labels"] = labels
    settings["quality_labels_from"] = (
        None if not labels else "flag" if config.quality_labels else "demo world"
    )
    settings["model_names"] = names or {"captioner": config.captioner, "filter": config.filter}
    return settings


def build(
    pipeline: beam.Pipeline,
    config: CapfiltConfig,
    files: list[str],
    labels: str | None,
    out: str,
    names: dict[str, str] | None = None,
    eval_files: list[str] | None = None,
) -> None:
    names = names or {"captioner": config.captioner, "filter": config.filter}
    handler_args = {
        "engine": config.engine,
        "batch_size": config.batch_size,
        "large_model": config.large_model,
        "model_copies": config.model_copies,
        "torch_threads": config.torch_threads,
        "worker_processes": worker_processes(pipeline.options),
    }
    read = (
        pipeline
        | "InputFiles" >> beam.Create(list(enumerate(files)))
        | "SpreadFiles" >> beam.Reshuffle()
        | "Read"
        >> beam.ParDo(steps.ReadFile(config.input_format, config.text_column)).with_outputs(
            steps.INPUT_ROWS, main="items"
        )
    )
    # Keys unique run-wide; its join by origin also spreads records (not just files) over workers.
    keyed = (
        read.items
        | "UniqueKeys" >> UniqueKeys("capfilt")
        | "ReadRejects" >> beam.Map(steps.tag_rejects).with_outputs(REJECTS, main="records")
    )
    records = keyed.records
    input_rows = read[steps.INPUT_ROWS] | "InputRows" >> beam.CombineGlobally(sum)
    prepared = records | "Prepare" >> beam.ParDo(steps.Prepare(config.seed)).with_outputs(
        REJECTS, main="items"
    )
    # One RunInference per --captioner, chained: each appends its captions (the first keeps the old labels).
    with_captions, captioner_failures = prepared.items, []
    for index, checkpoint in enumerate(config.captioners()):
        suffix = str(index) if index else ""
        settings = CaptionerSettings.from_config(config, checkpoint)
        captioned, captioner_dlq = (
            with_captions
            | f"Caption{suffix}"
            >> RunInference(CaptionerHandler(settings, index, **handler_args)).with_exception_handling()
        )
        with_captions = captioned | f"WithCaptions{suffix}" >> beam.Map(steps.with_captions, index)
        captioner_failures.append(
            captioner_dlq.failed_inferences
            | f"CaptionerErrors{suffix}" >> beam.FlatMap(steps.model_failures, "captioner_error")
        )
    scored, filter_dlq = (
        with_captions
        | "Score"
        >> RunInference(
            FilterHandler(FilterSettings.from_config(config), **handler_args)
        ).with_exception_handling()
    )
    scored = scored | "WithScores" >> beam.Map(steps.with_scores)
    model_rejects = [
        *captioner_failures,
        filter_dlq.failed_inferences | "FilterErrors" >> beam.FlatMap(steps.model_failures, "filter_error"),
    ]
    if config.scorer:
        extra, scorers_dlq = (
            scored
            | "ExtraScores"
            >> RunInference(ScorersHandler(scorer_settings(config), **handler_args)).with_exception_handling()
        )
        scored = extra | "WithExtraScores" >> beam.Map(steps.with_extra_scores)
        model_rejects.append(
            scorers_dlq.failed_inferences
            | "ScorerErrors" >> beam.FlatMap(steps.model_failures, "scorer_error")
        )
    scored = scored | "Progress" >> beam.ParDo(steps.Progress("records captioned and scored"))
    run_policy = config.run_policy()
    cutoffs = None
    if run_policy.fractions:  # a global quantile: every image is scored before any decision
        cutoffs = beam.pvalue.AsSingleton(
            scored
            | "Cutoffs"
            >> beam.CombineGlobally(steps.CutoffsFn(run_policy.fractions, scorer_ranges(config.scorer)))
        )
    curated = scored | "Curate" >> beam.ParDo(steps.Curate(config, names), cutoffs).with_outputs(
        steps.DROPPED, main="kept"
    )
    dropped_rejects = curated[steps.DROPPED] | "DroppedRejects" >> beam.Map(dropped_reject)
    kept, corpus_rejects = curated.kept, []
    if corpus_steps_enabled(
        config
    ):  # embeddings out, decontamination, SemDeDup (pipelines/capfilt_corpus.py)
        corpus = kept | "CorpusSteps" >> CorpusSteps(config, eval_files or [], names.get("embeddings"))
        kept, corpus_rejects = corpus["kept"], [corpus["rejects"]]
    rejects = (
        keyed[REJECTS],
        prepared[REJECTS],
        *model_rejects,
        *corpus_rejects,
    ) | "EarlyRejects" >> beam.Flatten()

    def parquet(name: str, schema):
        return beam.io.WriteToParquet(
            FileSystems.join(out, name, "part"), schema, codec="zstd", file_name_suffix=".parquet"
        )

    _ = kept | "WriteCurated" >> parquet("curated", schemas.CURATED)
    if config.embeddings:
        _ = corpus["embeddings"] | "WriteEmbeddings" >> parquet("embeddings", schemas.EMBEDDINGS)
    _ = curated[steps.DROPPED] | "WriteDropped" >> parquet("dropped", schemas.CURATED)
    _ = (
        (rejects, dropped_rejects)
        | "AllRejects" >> beam.Flatten()
        | "RejectRows" >> beam.Map(lambda reject: reject.as_row())
        | "WriteRejects" >> parquet("rejects", schemas.REJECTS)
    )

    events = (
        kept | "KeptEvents" >> beam.Map(steps.scored_event, True),
        curated[steps.DROPPED] | "DroppedEvents" >> beam.Map(steps.scored_event, False),
        rejects | "RejectEvents" >> beam.Map(steps.reject_event),
    ) | "Events" >> beam.Flatten()
    thresholds = scorer_stats.thresholds_of(config.run_policy().rules)
    stats_fn = steps.StatsFn(labels, scorer_ranges(config.scorer), thresholds)
    summary = events | "Stats" >> beam.CombineGlobally(stats_fn)
    # Up to report_samples of each (kept, dropped): the report shows half of each, or fills up from the other.
    per_category = config.report_samples
    samples = (
        (
            kept | "KeptSamples" >> beam.Map(steps.sample_entry, True),
            curated[steps.DROPPED] | "DroppedSamples" >> beam.Map(steps.sample_entry, False),
        )
        | "SampleCandidates" >> beam.Flatten()
        | "SamplePerCategory" >> beam.combiners.Top.PerKey(per_category, key=lambda entry: entry[0])
        | "SampleEntries" >> beam.FlatMap(lambda category_entries: category_entries[1][:per_category])
        | "Samples" >> beam.combiners.ToList()
    )
    _ = summary | "WriteSummary" >> beam.Map(
        steps.write_summary,
        samples=beam.pvalue.AsSingleton(samples),
        staging=out,
        run=run_settings(config, files, labels, names),
        input_rows=beam.pvalue.AsSingleton(input_rows),
        total=config.report_samples,
    )


def parse_args(argv: list[str]):
    """(CapfiltConfig, Beam's PipelineOptions); an unknown or misspelt flag exits here with status 2."""
    config, beam_options = options.parse(
        argv, CapfiltConfig, DESCRIPTION, PROG, HELP_GROUPS, {"engine": engine_names()}
    )
    return config, pipeline_options(beam_options)


def preflight(config: CapfiltConfig, beam_options) -> tuple[list[str], str | None]:
    """Everything that can be known before Beam starts (values, device, models, inputs), so a bad setting
    costs one line and no output folder. Returns the input files and the labels file."""
    config.validate()
    # On a remote runner (Dataflow) the workers' devices and model paths count, not this machine's.
    if options.runs_locally(beam_options):
        if config.device == "cuda":
            checkpoints.resolve_device(config.device)
        check_models(config)
    warn_if_keeps_everything(config)
    return resolve_input(config)


def run(argv: list[str] | None = None) -> dict:
    """Run the job; returns what stats.json holds. Raises ValueError (or a subclass) on a bad argument or
    output folder, before Beam starts; RunCheckFailed when the finished run kept nothing or lost a record."""
    config, beam_options = parse_args(list(sys.argv[1:] if argv is None else argv))
    files, labels = preflight(config, beam_options)
    names = model_names(config)
    eval_files = resolve_eval_files(config)
    output = JobOutput(config.output, JOB, DIRECTORIES, FILES, overwrite=config.overwrite)
    runner = beam_options.view_as(StandardOptions).runner
    with output, Interrupts("capfilt", output.interrupted, runner) as interrupts:
        output.open(files)
        announce("capfilt", files, output)
        started = time.monotonic()

        def run_pipeline() -> None:
            with new_pipeline(beam_options) as pipeline:
                build(pipeline, config, files, labels, output.staging_url, names, eval_files)

        interrupts.run(run_pipeline)
        seconds = time.monotonic() - started
        stats_path = f"{output.staging_url}/stats.json"
        summary = output.location.read_json(f"{output.staging}/stats.json")
        summary["seconds"] = round(seconds, 2)
        summary["records_per_second"] = round(summary["inputs"] / seconds, 3) if seconds else None
        schemas.publish_file(stats_path, json.dumps(summary, indent=2) + "\n")
        steps.add_seconds_to_report(output.staging_url, seconds)
        with interrupts.deferred():
            output.commit()
    say_summary(summary_line(summary, output.url), seconds, summary["records_per_second"], "records")
    check_run("capfilt", output.url, summary, kept_name="curated", allow_empty=config.allow_empty_output)
    return summary


def main(argv: list[str] | None = None) -> int:
    return exit_status(PROG, "capfilt", run, sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(main())
