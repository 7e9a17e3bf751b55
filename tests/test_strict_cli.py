"""Every command line is strict: an unknown, misspelt or abbreviated flag stops it before any work with one
line naming the flag and the nearest valid one (exit status 2); Beam's own options stay accepted."""

from __future__ import annotations

import importlib
import re
import shlex
import sys

import pytest

from capfilt.curate.config import HELP_GROUPS, CapfiltConfig
from capfilt.flags import (
    StrictArgumentParser,
    add_dataclass_arguments,
    closest_flag,
    unknown_arguments_message,
)
from pipelines import capfilt as capfilt_job
from pipelines import ingest as ingest_job
from pipelines.common import options
from tests.helpers.cli_process import ROOT, cli, one_error_line

# --- the mechanism ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "meant"),
    [
        ("--inputt", "--input"),
        ("--itm_treshold", "--itm_threshold"),
        ("--thresh", "--itm_threshold"),  # an abbreviation is not accepted, only suggested
        ("--batch-size", "--batch_size"),
        ("--alow_private_networks", "--allow_private_networks"),
    ],
)
def test_the_nearest_valid_flag_is_suggested(flag, meant):
    known = ["--input", "--itm_threshold", "--batch_size", "--allow_private_networks", "--top_k", "--output"]
    assert closest_flag(flag, known) == meant


def test_the_message_names_each_unknown_flag_and_no_values():
    known = ["--input", "--output"]
    assert unknown_arguments_message(["--inputt", "a.parquet"], known) == (
        "unknown flag --inputt (did you mean --input?)"
    )
    assert unknown_arguments_message(["--outptu=o", "--zzz", "1"], known) == (
        "unknown flag --outptu (did you mean --output?); unknown flag --zzz"
    )
    assert unknown_arguments_message(["stray"], known) == "unexpected argument 'stray'"


def test_subcommands_are_strict_and_name_their_own_flags(capsys):
    parser = StrictArgumentParser(prog="tool")
    sub = parser.add_subparsers(dest="command", required=True).add_parser("train")
    sub.add_argument("--learning_rate", type=float, default=0.1)
    assert parser.parse_args(["train", "--learning_rate=0.5"]).learning_rate == 0.5
    for argv in (["train", "--learning"], ["train", "--learning_rat", "1"]):
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args(argv)
        assert exit_info.value.code == 2
        assert capsys.readouterr().err == (
            f"tool train: error: unknown flag {argv[1]} (did you mean --learning_rate?)\n"
        )
    with pytest.raises(SystemExit):
        parser.parse_args(["train", "--learning_rate", "fast"])
    assert capsys.readouterr().err.count("\n") == 1  # argparse's own errors are one line too


def test_help_shows_defaults_choices_and_undocumented_defaults():
    parser = StrictArgumentParser(prog="tool")
    parser.add_argument("--mode", choices=("a", "b"), default="a", help="how")
    parser.add_argument("--prompt", default="a picture of ", help="prefix")
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--name", help="Default: the tool's own name.")
    text = " ".join(parser.format_help().split())
    assert "--mode {a,b} how (default: a)" in text
    assert "(default: 'a picture of ')" in text
    assert "--count INT (default: 3)" in text
    assert "Default: the tool's own name." in text and text.count("(default") == 3


def test_no_entry_point_builds_a_plain_argparse_parser():
    """Every parser is the strict one (capfilt.flags); a plain ArgumentParser would guess and drop."""
    offenders = []
    for folder in ("capfilt", "models", "pipelines", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name != "cli_flags.py" and "argparse.ArgumentParser(" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


# --- Beam jobs: flags split into the job's and Beam's -------------------------------------------------


def test_beam_options_in_every_form_are_accepted_and_reach_beam():
    argv = [
        "--runner=DirectRunner", "--direct_num_workers", "2", "--direct_running_mode=multi_processing",
        "--experiments=a", "--experiments", "b", "--save_main_session",
        "--itm_threshold=0.25", "--top_k", "3", "--large_model", "--policy", "topk",
    ]  # fmt: skip
    config, beam = capfilt_job.parse_args(argv)
    assert (config.itm_threshold, config.top_k, config.large_model, config.policy) == (0.25, 3, True, "topk")
    flags = beam.get_all_options()
    assert flags["runner"] == "DirectRunner" and flags["direct_num_workers"] == 2
    assert flags["experiments"] == ["a", "b"] and flags["save_main_session"] is True
    assert capfilt_job.parse_args(["--large_model=false"])[0].large_model is False


def test_the_job_rejects_the_other_jobs_flags_even_when_both_are_loaded(capsys):
    # pipelines.ingest's options are a PipelineOptions subclass loaded in this process: not Beam's own.
    assert "--allow_private_networks" not in options.beam_parser("x").known_flags()
    with pytest.raises(SystemExit):
        capfilt_job.parse_args(["--allow_private_networks"])
    assert "unknown flag --allow_private_networks" in capsys.readouterr().err


def test_a_misspelt_runner_fails_before_the_pipeline(capsys):
    with pytest.raises(SystemExit):
        capfilt_job.parse_args(["--runner=DirectRuner"])
    assert "--runner DirectRuner is not a Beam runner (did you mean DirectRunner?)" in capsys.readouterr().err
    assert options.runs_locally(capfilt_job.parse_args(["--runner=direct"])[1])
    assert not options.runs_locally(capfilt_job.parse_args(["--runner=DataflowRunner"])[1])


def documented_command(doc: str, module: str) -> list[str]:
    """The flags of the first `python -m MODULE \\ ...` block of a doc, shell variables filled in."""
    text = (ROOT / "docs" / doc).read_text()
    start = text.index(f"python -m {module} \\")
    block = text[start : text.index("```", start)]
    block = re.sub(r"\$\([^)]*\)", "20250101", block.replace("\\\n", " "))
    block = re.sub(r"\$(\w+)", lambda m: m.group(1).lower(), block)
    return shlex.split(block)[3:]


def test_the_documented_dataflow_commands_parse():
    config, beam = capfilt_job.parse_args(documented_command("dataflow.md", "pipelines.capfilt"))
    flags = beam.get_all_options()
    assert flags["experiments"] == ["use_runner_v2", "no_use_multiple_sdk_containers"]
    assert flags["max_num_workers"] == 64 and flags["machine_type"] == "g2-standard-8"
    assert (config.device, config.large_model, config.captioner) == ("cuda", True, "/models/captioner")
    assert not options.runs_locally(beam)  # so --device cuda and /models/... are the workers' business
    _, beam = ingest_job.parse_args(documented_command("ingest.md", "pipelines.ingest"))
    assert beam.view_as(ingest_job.IngestOptions).thread_count == 64
    assert beam.get_all_options()["experiments"] == ["use_runner_v2"]


def test_every_job_flag_is_documented_and_grouped():
    grouped = {name for names in HELP_GROUPS.values() for name in names}
    assert set(CapfiltConfig.__dataclass_fields__) == grouped  # a new field needs a --help section
    capfilt_parser, ingest_parser = options.new_parser("capfilt"), options.new_parser("ingest")
    add_dataclass_arguments(capfilt_parser, CapfiltConfig, groups=HELP_GROUPS)
    ingest_job.IngestOptions._add_argparse_args(ingest_parser)
    for parser in (capfilt_parser, ingest_parser):
        undocumented = [a.option_strings[0] for a in parser._actions if not (a.help or "").strip()]
        assert not undocumented, f"{parser.description}: flags without help: {undocumented}"


def test_ingest_refuses_unusable_numbers_before_starting(capsys, tmp_path):
    for argv, message in [
        (["--timeout", "0"], "--timeout must be more than 0 seconds, got 0.0"),
        (["--retries", "-1"], "--retries must be at least 0, got -1"),
        (["--encode_quality", "101"], "--encode_quality must be between 1 and 100, got 101"),
        (["--min_caption_chars", "5", "--max_caption_chars", "4"], "--max_caption_chars (4) is below"),
        (["--timeout", "soon"], "argument --timeout: invalid float value: 'soon'"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            ingest_job.run(["--input", "x", "--output", str(tmp_path / "out"), *argv])
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        assert error.startswith("python -m pipelines.ingest: error: ") and message in error
    assert not (tmp_path / "out").exists()


# --- every entry point, as users start it --------------------------------------------------------------


def test_capfilt_misspelt_and_abbreviated_flags_stop_it(tmp_path):
    out = tmp_path / "out"
    done = cli(
        "pipelines.capfilt",
        "--inputt",
        "FILE",
        "--itm_treshold",
        "0.01",
        "--thresh=0.2",
        "--output",
        str(out),
    )
    line = one_error_line(done, "python -m pipelines.capfilt")
    assert line.endswith(
        "error: unknown flag --inputt (did you mean --input?); "
        "unknown flag --itm_treshold (did you mean --itm_threshold?); "
        "unknown flag --thresh (did you mean --itm_threshold?)"
    )
    assert "Discarding" not in done.stderr + done.stdout and not out.exists()


def test_capfilt_misspelt_beam_option_stops_it(tmp_path):
    done = cli("pipelines.capfilt", "--direct_num_worker=2", "--output", str(tmp_path / "out"))
    line = one_error_line(done, "python -m pipelines.capfilt")
    assert line.endswith("unknown flag --direct_num_worker (did you mean --direct_num_workers?)")
    assert not (tmp_path / "out").exists()


def test_capfilt_help_is_short_grouped_and_points_to_beams(tmp_path):
    done = cli("pipelines.capfilt", "--help")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert len(lines) < 200  # the job's own flags only (Beam's alone are 800+ lines)
    text = " ".join(done.stdout.split())
    for title in HELP_GROUPS:
        assert f"\n{title}:\n" in done.stdout
    assert "--engine {fast,transformers}" in text and "--policy POLICY" in text and "top30%(clip)" in text
    assert "--itm_threshold FLOAT paper policy: keep a text when its ITM match probability >= this." in text
    assert "probability >= this. (default: 0.5)" in text
    assert "--help_beam" in text and "--dataflow_endpoint" not in text
    beam = cli("pipelines.capfilt", "--help_beam")
    assert beam.returncode == 0
    for flag in ("--runner", "--direct_num_workers", "--experiments", "--temp_location", "--max_num_workers"):
        assert flag in beam.stdout


def test_ingest_misspelt_flag_stops_it_and_help_documents_every_flag(tmp_path):
    out = tmp_path / "out"
    done = cli("pipelines.ingest", "--input", "x", "--output", str(out), "--alow_private_networks")
    line = one_error_line(done, "python -m pipelines.ingest")
    assert line.endswith("unknown flag --alow_private_networks (did you mean --allow_private_networks?)")
    assert not out.exists()
    help_text = cli("pipelines.ingest", "--help")
    assert help_text.returncode == 0 and not help_text.stderr
    text = " ".join(help_text.stdout.split())
    assert "--thread_count INT download threads per shard (default: 64)" in text
    assert "--help_beam" in text and "--dataflow_endpoint" not in text


@pytest.mark.parametrize(
    ("argv", "prog", "message"),
    [
        (["models.pretrain", "blip", "--dat", "x"], "models.pretrain blip", "--dat (did you mean --data?)"),
        (
            ["capfilt.world", "--output", "w", "--seeed", "1"],
            "capfilt.world",
            "--seeed (did you mean --seed?)",
        ),
    ],
    ids=["models.pretrain", "capfilt.world"],
)
def test_other_entry_points_stop_on_a_misspelt_flag(tmp_path, argv, prog, message):
    done = cli(*argv, cwd=tmp_path)
    assert one_error_line(done, f"python -m {prog}").endswith(f"error: unknown flag {message}")
    assert not list(tmp_path.iterdir())  # nothing written


def test_the_other_mains_stop_on_a_misspelt_flag(capsys, tmp_path):
    from models import evaluate, finetune
    from pipelines import bootstrap

    w = str(tmp_path / "w")
    for main, argv, line in [
        (finetune.main, ["filter", "--lrr", "1"], "models.finetune filter: error: unknown flag --lrr"),
        (evaluate.main, ["clip", "--checkpont=c"], "models.evaluate clip: error: unknown flag --checkpont"),
        (bootstrap.main, ["--workdir", w, "--scal", "1"], "pipelines.bootstrap: error: unknown flag --scal"),
    ]:  # fmt: skip
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        assert error.startswith(f"python -m {line} (did you mean --") and error.count("\n") == 1
    assert not list(tmp_path.iterdir())


def model_subcommands():
    from models import evaluate, finetune, generate, pretrain

    for module, command in [
        (pretrain, "blip"), (pretrain, "clip"), (pretrain, "flamingo"), (pretrain, "lm"), (pretrain, "blip2"),
        (finetune, "captioner"), (finetune, "filter"), (generate, "flamingo"),
    ]:  # fmt: skip
        yield pytest.param(module.build_parser, [command], id=f"{module.__name__}-{command}")
    yield pytest.param(evaluate.build_parser, ["blip", "--checkpoint", "c"], id="models.evaluate")
    from models.clip import pretrain as clip_pretrain

    def clip_alone():
        parser = StrictArgumentParser(prog="python -m models.clip.pretrain")
        clip_pretrain.add_arguments(parser)
        return parser

    yield pytest.param(clip_alone, [], id="models.clip.pretrain")


@pytest.mark.parametrize(("build", "argv"), model_subcommands())
def test_every_model_subcommand_is_strict(capsys, build, argv):
    parser = build()
    for bad in ("--seeed", "--dat"):  # a misspelling, and an abbreviation (of --data where there is one)
        with pytest.raises(SystemExit) as exit_info:
            parser.parse_args([*argv, bad, "1"])
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and f": error: unknown flag {bad}" in error


@pytest.mark.parametrize(
    ("name", "bad", "meant"),
    [
        ("blip_demo_quality", "--worl", "--world"),
        ("capfilt", "--imagse", "--images"),
        ("capfilt_cost_model", "--mfu_", "--mfu"),
        ("combination", "--sample", "--samples"),
        ("crawl", "--repeats", "--repeat"),
        ("decode", "--round", "--rounds"),
        ("downstream_gain", "--pretrain_step", "--pretrain_steps"),
        ("readers", "--sample", "--samples"),
        ("ingest", "--thread", "--threads"),
        ("loader", "--step", "--steps"),
        ("world", "--image", "--images"),
    ],
)
def test_every_benchmark_is_strict(monkeypatch, capsys, name, bad, meant):
    main = importlib.import_module(f"benchmarks.{name}").main
    monkeypatch.setattr(sys, "argv", [f"benchmarks/{name}.py", bad, "1"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert capsys.readouterr().err == (
        f"python -m benchmarks.{name}: error: unknown flag {bad} (did you mean {meant}?)\n"
    )
