"""The model CLIs answer a bad argument with one line naming it, never a traceback."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["models.pretrain", "blip", "--data", "/nonexistent/*.parquet"],
            "blip: no file matches '/nonexistent/",
        ),
        (["models.pretrain", "clip", "--data", "/nonexistent/*.parquet"], "no file matches '/nonexistent/"),
        (
            ["models.finetune", "captioner", "--init", "/nonexistent", "--data", "x/*.parquet"],
            "captioner: '/nonexistent' is not a checkpoint directory",
        ),
    ],
    ids=["pretrain-blip", "pretrain-clip", "finetune"],
)
def test_bad_argument_is_one_line(tmp_path, argv, message):
    done = subprocess.run(
        [sys.executable, "-m", *argv, "--output", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
