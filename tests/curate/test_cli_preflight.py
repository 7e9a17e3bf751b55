"""Errors that can be known before Beam starts are raised before it starts: one line, exit status 2, no output
folder. Model checks read what transformers would read (config.json, safetensors, processor, hub cache)."""

from __future__ import annotations

import json
import shutil

import huggingface_hub
import pytest
import torch

from capfilt.curate import checkpoints
from capfilt.curate.config import DEFAULT_CAPTIONER, DEFAULT_FILTER
from capfilt.world import WorldConfig, generate_world
from pipelines import capfilt as job
from tests.helpers.cli_process import cli, one_error_line

PROG = "python -m pipelines.capfilt"
HUB_ID = "Salesforce/blip-itm-base-coco"


@pytest.fixture
def captioner_copy(tmp_path):
    """The shipped demo captioner's small files (weights only as an empty stand-in: nothing loads them)."""
    copy = tmp_path / "captioner"
    shutil.copytree(DEFAULT_CAPTIONER, copy, ignore=shutil.ignore_patterns("*.safetensors"))
    (copy / "model.safetensors").write_bytes(b"")
    return copy


@pytest.mark.slow  # two fresh interpreters importing torch and Beam: 19 s measured under load
def test_valid_beam_options_pass_and_a_malformed_model_stops_it_before_beam(tmp_path, captioner_copy):
    (captioner_copy / "config.json").write_text('{"model_type": "blip",')
    out = tmp_path / "out"
    done = cli(
        "pipelines.capfilt", "--runner=DirectRunner", "--direct_num_workers=2",
        "--direct_running_mode", "multi_processing", "--experiments=a", "--experiments", "b",
        "--captioner", str(captioner_copy), "--output", str(out),
    )  # fmt: skip
    line = one_error_line(done, PROG)
    assert line.endswith(f"captioner checkpoint {captioner_copy}: config.json is not valid JSON (Expecting "
                         "property name enclosed in double quotes, line 1)")  # fmt: skip
    assert not out.exists()


@pytest.mark.slow  # a fresh interpreter importing torch and Beam: 12 s measured under load
@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_device_cuda_without_cuda_stops_it_before_beam(tmp_path):
    done = cli("pipelines.capfilt", "--device", "cuda", "--output", str(tmp_path / "out"))
    line = one_error_line(done, PROG)
    assert line.endswith("error: --device cuda was requested but no CUDA device is visible")
    assert not (tmp_path / "out").exists()


def test_a_remote_runner_leaves_devices_and_model_paths_to_its_workers(tmp_path):
    world = tmp_path / "world"
    splits = {"human": 0, "test": 0, "classify": 0, "documents": 0, "clips": 0}
    generate_world(str(world), WorldConfig(web=2, **splits), progress=False)
    argv = [
        "--runner=DataflowRunner",
        "--device=cuda",
        "--captioner=/models/captioner",
        "--filter=/models/filter",
    ]
    config, beam = job.parse_args([*argv, "--input", str(world / "web" / "*.parquet")])
    files, _ = job.preflight(config, beam)
    assert len(files) == 1
    local, _ = job.parse_args(argv[2:])
    with pytest.raises(
        checkpoints.CheckpointError, match="captioner checkpoint not found: /models/captioner"
    ):
        job.preflight(local, job.parse_args([])[1])


def test_incomplete_or_foreign_directories_are_named_with_the_problem(tmp_path, captioner_copy):
    name = str(captioner_copy)
    checkpoints.check_available(name, "captioner")  # the shipped model's files pass
    with pytest.raises(checkpoints.CheckpointError, match="is it a captioner"):
        checkpoints.check_available(name, "filter")
    config = json.loads((captioner_copy / "config.json").read_text())
    (captioner_copy / "config.json").write_text(json.dumps({**config, "model_type": "blip-2"}))
    with pytest.raises(checkpoints.CheckpointError, match="is a 'blip-2' model .* must be a BLIP"):
        checkpoints.check_available(name, "filter")
    # A captioner may be any image-text-to-text model, but not an image-text encoder such as CLIP.
    (captioner_copy / "config.json").write_text(json.dumps({**config, "model_type": "clip"}))
    with pytest.raises(checkpoints.CheckpointError, match="is a 'clip' model .* or an image-text-to-text"):
        checkpoints.check_available(name, "captioner")
    (captioner_copy / "config.json").write_text("[1, 2]")
    with pytest.raises(checkpoints.CheckpointError, match="config.json is not a JSON object"):
        checkpoints.check_available(name, "captioner")
    (captioner_copy / "config.json").write_text(json.dumps(config))
    (captioner_copy / "model.safetensors").rename(captioner_copy / "pytorch_model.bin")
    with pytest.raises(
        checkpoints.CheckpointError,
        match=r"incomplete: missing model.safetensors \(pytorch_model.bin is never",
    ):
        checkpoints.check_available(name, "captioner")
    (captioner_copy / "pytorch_model.bin").rename(captioner_copy / "model.safetensors")
    (captioner_copy / "tokenizer.json").unlink()
    with pytest.raises(checkpoints.CheckpointError, match="has no processor"):
        checkpoints.check_available(name, "captioner")
    checkpoints.check_available(DEFAULT_FILTER, "filter")


def fake_hub_cache(root, repo: str, config: dict):
    """The layout huggingface_hub's cache has after a download: refs/main -> snapshots/<commit>/."""
    folder = root / f"models--{repo.replace('/', '--')}"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text("0" * 40)
    snapshot = folder / "snapshots" / ("0" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps(config))


def test_a_hub_id_offline_must_be_in_the_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(checkpoints.CheckpointError) as error:
        checkpoints.check_available(HUB_ID, "filter")
    assert str(error.value) == (
        f"filter {HUB_ID} is a hub id, but the hub is offline (HF_HUB_OFFLINE=1) and {HUB_ID} is not in the "
        f"local cache {tmp_path}: unset HF_HUB_OFFLINE to download it, or pass --filter a local directory"
    )
    fake_hub_cache(tmp_path, HUB_ID, {"model_type": "blip", "architectures": ["BlipForImageTextRetrieval"]})
    checkpoints.check_available(HUB_ID, "filter")
    with pytest.raises(checkpoints.CheckpointError, match="is it a filter"):
        checkpoints.check_available(HUB_ID, "captioner")
