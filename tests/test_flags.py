"""Flags are made one way (capfilt.flags): from config dataclasses, each default stated once, and every
entry point's --help shows each of its job flags with its default."""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
from pathlib import Path

import pytest

from capfilt.curate.config import CapfiltConfig
from capfilt.flags import (
    StrictArgumentParser,
    add_dataclass_arguments,
    dataclass_from_args,
    option,
    parse_settings,
)
from capfilt.ingest.config import HELP_GROUPS as INGEST_GROUPS
from capfilt.ingest.config import IngestSettings
from capfilt.ingest.rows import IngestConfig
from pipelines import capfilt as capfilt_job
from pipelines import ingest as ingest_job
from pipelines.ingest_options import ingest_settings

ROOT = Path(__file__).resolve().parent.parent


@dataclasses.dataclass
class Example:
    name: str = option("x", "a name")
    tags: tuple[str, ...] = option(("a", "b"), "some tags")
    fast: bool = option(False, "go fast")
    no_cache: bool = option(False, "skip the cache")
    limit: int | None = option(None, "at most this many (default: no limit)")
    mode: str = option("a", "how", ("a", "b"), aliases=("--style",))


def example_parser() -> StrictArgumentParser:
    parser = StrictArgumentParser(prog="tool")
    add_dataclass_arguments(parser, Example, {"name": "y"}, groups={"main": ("name", "mode")})
    return parser


def test_a_dataclass_round_trips_through_its_flags():
    parse = example_parser().parse_args
    assert dataclass_from_args(Example, parse([])) == Example(name="y")  # the override is the default
    got = dataclass_from_args(Example, parse(["--tags", "c, d,", "--fast", "--limit", "3", "--style", "b"]))
    assert got == Example(name="y", tags=("c", "d"), fast=True, limit=3, mode="b")
    assert parse(["--tags", ""]).tags == ()
    assert parse(["--fast=false"]).fast is False and parse(["--fast", "--no-fast"]).fast is False
    assert parse(["--no_cache"]).no_cache is True  # a no_... flag gets no --no-no_cache


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fast=maybe"], "argument --fast/--no-fast: expected true or false, got 'maybe'"),
        (["--no-fast=true"], "--no-fast takes no value"),
        (["--mode", "c"], "argument --mode/--style: invalid choice: 'c'"),
        (["--limit", "many"], "argument --limit: invalid int value: 'many'"),
    ],
)
def test_a_bad_value_is_one_line(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_info:
        example_parser().parse_args(argv)
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("tool: error: ") and message in error and error.count("\n") == 1


def test_every_ingest_flag_defaults_to_its_dataclass_field():
    _, beam = ingest_job.parse_args(["--input", "in", "--output", "out"])
    assert ingest_settings(beam) == IngestSettings(input="in", output="out")
    # ... and those defaults are the workers' own: stated once, in the worker's config classes
    assert IngestSettings().worker_config() == IngestConfig()
    grouped = [name for names in INGEST_GROUPS.values() for name in names]
    assert sorted(grouped) == sorted(f.name for f in dataclasses.fields(IngestSettings))


def test_ingest_flags_reach_the_worker_config():
    argv = ["--input", "i", "--output", "o", "--caption_col", "alt", "--disallowed_header_directives",
            "NoAI,", "--ignore_robots_txt", "--allow_private_networks=true"]  # fmt: skip
    config = ingest_settings(ingest_job.parse_args(argv)[1]).worker_config()
    assert config.text_column == "alt" and config.fetch.disallowed_header_directives == ("noai",)
    assert not config.fetch.respect_robots and config.fetch.policy.allow_private_networks


def flag_entries(help_text: str) -> dict[str, str]:
    """Each flag's entry of a --help text (its line and continuation lines), by each of its names."""
    entries, current = {}, None
    for line in help_text.splitlines():
        if re.match(r"^  -", line):
            current = [line]
            for name in re.findall(r"--[\w-]+", line.split("  ")[1] if "  " in line.strip() else line):
                entries.setdefault(name, current)
        elif current is not None and line.startswith("    "):
            current.append(line)
        else:
            current = None
    return {name: " ".join(" ".join(lines).split()) for name, lines in entries.items()}


def shown_default(value) -> str:
    if isinstance(value, tuple):
        return ",".join(value) or "''"
    if isinstance(value, str) and (not value or value != value.strip()):
        return repr(value)
    return str(value)


def help_of(capsys, call) -> str:
    with pytest.raises(SystemExit) as exit_info:
        call()
    assert exit_info.value.code == 0
    return capsys.readouterr().out


def model_helps(job: str):
    """(help text, settings class, its overrides) of each dataclass a model command's --help shows."""
    from models import finetune, pretrain
    from models.blip.task import BlipConfigArgs
    from models.training.task import TrainConfig

    if job == "models.pretrain":
        text, overrides = help_of_parser(pretrain.build_parser(), "blip"), {}
    else:
        text, overrides = help_of_parser(finetune.build_parser(), "filter"), finetune.FINETUNE_DEFAULTS
    return [(text, BlipConfigArgs, {}), (text, TrainConfig, overrides)]


def help_of_parser(parser, command: str) -> str:
    return parser._subparsers._group_actions[0].choices[command].format_help()


@pytest.mark.parametrize(
    "job", ["pipelines.capfilt", "pipelines.ingest", "models.pretrain", "models.finetune"]
)
def test_help_shows_every_job_flag_with_its_default(capsys, monkeypatch, job):
    monkeypatch.setenv("COLUMNS", "400")  # one line per flag: a default is never split by wrapping
    if job == "pipelines.capfilt":
        checks = [(help_of(capsys, lambda: capfilt_job.parse_args(["--help"])), CapfiltConfig, {})]
    elif job == "pipelines.ingest":
        checks = [(help_of(capsys, lambda: ingest_job.parse_args(["--help"])), IngestSettings, {})]
    else:
        checks = model_helps(job)
    for text, settings_class, overrides in checks:
        entries = flag_entries(text)
        for field in dataclasses.fields(settings_class):
            entry = entries[f"--{field.name}"]
            default = overrides.get(field.name, field.default)
            if "default" in field.metadata.get("help", "").lower():  # the help says it in words
                continue
            if default is None:  # nothing to print: the help must say what happens instead
                assert "required" in entry.lower(), entry
            else:
                assert f"(default: {shown_default(default)})" in entry, entry


@dataclasses.dataclass
class Typed:
    output: str = option(help="where")  # no default: a required flag
    mix: dict = option(
        default_factory=lambda: {"a": 1},
        help="a mix",
        parse=lambda text: dict((k, int(v)) for k, v in (item.split("=") for item in text.split(","))),
        show=lambda mix: ",".join(f"{k}={v}" for k, v in mix.items()),
    )
    image_size: int = option(8, "side")


def test_a_field_with_its_own_text_form_and_a_required_field(capsys):
    assert parse_settings(Typed, ["--output", "o"], prog="tool") == Typed(output="o")  # the default, parsed
    assert parse_settings(Typed, ["--output=o", "--mix", "b=2,c=3"], prog="tool").mix == {"b": 2, "c": 3}
    assert parse_settings(Typed, ["--output=o", "--image-size=3"], prog="tool", dashed=True).image_size == 3
    for argv, message in [
        ([], "tool: error: the following arguments are required: --output"),
        (["--output=o", "--mix", "b"], "tool: error: argument --mix: not enough values to unpack"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            parse_settings(Typed, argv, prog="tool")
        assert exit_info.value.code == 2
        error = capsys.readouterr().err
        assert error.startswith(message) and error.count("\n") == 1, error
    with pytest.raises(SystemExit):
        parse_settings(Typed, ["--help"], prog="tool")
    assert "--mix MIX a mix (default: a=1)" in " ".join(capsys.readouterr().out.split())


def settings_helps(capsys, monkeypatch):
    """(module, --help text, Settings class) of capfilt.world and of every benchmark, from its own main."""
    from capfilt.world import cli as world_cli
    from capfilt.world.config import WorldConfig

    yield "capfilt.world", help_of(capsys, lambda: world_cli.main(["--help"])), WorldConfig
    for path in sorted(ROOT.glob("benchmarks/*.py")):
        module = importlib.import_module(f"benchmarks.{path.stem}")
        if hasattr(module, "Settings"):
            monkeypatch.setattr(sys, "argv", [f"benchmarks/{path.name}", "--help"])
            yield path.stem, help_of(capsys, module.main), module.Settings


def test_world_and_benchmark_help_show_every_flag_with_its_default(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    seen = []
    for name, text, settings_class in settings_helps(capsys, monkeypatch):
        entries = flag_entries(text)
        for field in dataclasses.fields(settings_class):
            flag = "--" + (field.name.replace("_", "-") if name == "capfilt" else field.name)
            entry, default = entries[flag], _default(field)
            if "default" in field.metadata.get("help", "").lower():
                continue
            shown = field.metadata["show"](default) if "show" in field.metadata else shown_default(default)
            assert default is None or f"(default: {shown})" in entry, (name, entry)
        seen.append(name)
    benchmarks = {path.stem for path in ROOT.glob("benchmarks/*.py")} - {"__init__", "capfilt_setup"}
    assert set(seen) == {"capfilt.world", *benchmarks}  # every benchmark's flags are a Settings dataclass


def _default(field):
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return None if field.default is dataclasses.MISSING else field.default
