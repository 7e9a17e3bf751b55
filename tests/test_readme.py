"""README.md's commands run exactly as printed, so the README cannot drift.

- The chain (ingest -> capfilt -> pretrain -> evaluate): the bash blocks between `<!-- chain:begin` and
  `<!-- chain:end -->` run in order with bash, in a temporary folder whose `.venv` is the environment running
  this test. The one change, which the README announces: port 8000 becomes a free port. The block that starts
  `capfilt.world.site_server` ("in a second terminal") runs in the background until the others are done.
- The demo world and the training tour (`world` and `tour` sections) run the same way.
- The whole loop (`bootstrap` section): tests/pipelines/test_bootstrap.py runs its smoke line as printed; the
  20-minute `--scale small` line is checked here by the command line's own parser (every flag and value
  valid), which is what drifts.
"""

from __future__ import annotations

import glob
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

import schemas
from tests.helpers.job_process import ENV, START_SECONDS
from tests.helpers.readme_blocks import readme_blocks, readme_commands, with_venv

SERVER = "capfilt.world.site_server"
README_PORT = "8000"


def _free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def _wait_for_port(port: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", int(port))) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the site server did not listen on {port} within {START_SECONDS}s")


def test_the_readme_names_each_jobs_output_as_the_next_jobs_input():
    blocks = readme_blocks("chain")
    script = "\n".join(blocks)
    for written, read in (
        ("--output demo_output/chain/ingest", "'demo_output/chain/ingest/pairs/*.parquet'"),
        ("--output demo_output/chain/capfilt", "'demo_output/chain/capfilt/curated/*.parquet'"),
        ("--output demo_output/chain/blip", "--checkpoint demo_output/chain/blip"),
    ):
        assert written in script and read in script
    assert sum(SERVER in block for block in blocks) == 1


@pytest.mark.slow
def test_the_readme_chain_runs_exactly_as_printed(tmp_path):
    blocks = readme_blocks("chain")
    port = _free_port()
    with_venv(tmp_path)
    env = {**os.environ, **ENV}
    server = None
    try:
        for block in blocks:
            command = block.replace(README_PORT, port)
            if SERVER in command:
                server = subprocess.Popen(["bash", "-c", command], cwd=tmp_path, env=env,
                                          start_new_session=True, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE)  # fmt: skip
                _wait_for_port(port, server)
                continue
            done = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=900)  # fmt: skip
            assert done.returncode == 0, f"$ {command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
            last_stdout = done.stdout
    finally:
        if server is not None:  # the whole group: bash and the server it started
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    chain = tmp_path / "demo_output" / "chain"
    ingest = json.loads((chain / "ingest" / "stats.json").read_text())
    assert ingest["accounted"] and ingest["pairs"] > 0
    capfilt = json.loads((chain / "capfilt" / "stats.json").read_text())
    assert capfilt["inputs"] == ingest["pairs"] and capfilt["curated"] > 0 and capfilt["accounted"]
    assert (chain / "blip" / "config.json").exists()
    candidates = json.loads((chain / "candidates" / "stats.json").read_text())
    assert candidates["mode"] == "extract" and candidates["input_rows"] == ingest["input_rows"]
    listed = sum(
        schemas.read_table(path, schemas.CANDIDATES).num_rows
        for path in glob.glob(str(chain / "candidates" / "candidates" / "*.parquet"))
    )
    assert listed == candidates["candidates"] > ingest["pairs"]
    for folder in ("ingest", "capfilt"):
        page = (chain / folder / "report.html").read_text()
        assert page.startswith("<!doctype html>") and "<script" not in page and "<link" not in page
    # models.evaluate printed its retrieval figures on the world's held-out test split.
    evaluation = next(json.loads(line) for line in last_stdout.splitlines() if '"r_mean"' in line)
    assert evaluation["images"] == 50


def _run_blocks(blocks: list[str], folder: Path) -> str:
    env = {**os.environ, **ENV}
    for block in blocks:
        done = subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=folder, env=env,
                              capture_output=True, text=True, timeout=900)  # fmt: skip
        assert done.returncode == 0, f"$ {block}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
def test_the_readme_world_and_training_tour_run_exactly_as_printed(tmp_path):
    stdout = _run_blocks(readme_blocks("world") + readme_blocks("tour"), with_venv(tmp_path))
    runs = tmp_path / "runs"
    for name in ("blip", "captioner", "filter", "clip"):
        assert (runs / name / "config.json").exists() and (runs / name / "model.safetensors").exists()
        log = [json.loads(line) for line in (runs / name / "train_log.jsonl").read_text().splitlines()]
        assert log[-1]["step"] == 20
    assert "usage: python -m models.pretrain blip2" in stdout  # the last command: its help


def test_the_readme_bootstrap_lines_are_valid_commands():
    from pipelines.bootstrap import build_parser

    smoke, small = readme_commands(readme_blocks("bootstrap")[0])
    for line, scale in ((smoke, "smoke"), (small, "small")):
        program, module, *argv = line.split()
        assert (program, module) == (".venv/bin/python", "-m") and argv[0] == "pipelines.bootstrap"
        assert build_parser().parse_args(argv[1:]).scale == scale
