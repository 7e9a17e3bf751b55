"""Flags are made one way (capfilt.flags): from config dataclasses, each default stated once, and every
entry point's --help shows each of its job flags with its default."""

from __future__ import annotations

import dataclasses
import re

import pytest

from capfilt.curate.config import CapfiltConfig
from capfilt.flags import StrictArgumentParser, add_dataclass_arguments, dataclass_from_args, option
from capfilt.ingest.config import HELP_GROUPS as INGEST_GROUPS
from capfilt.ingest.config import IngestSettings
from capfilt.ingest.rows import IngestConfig
from pipelines import capfilt as capfilt_job
from pipelines import ingest as ingest_job
from pipelines.ingest_options import ingest_settings


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
    from models.training.loop import TrainConfig

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
