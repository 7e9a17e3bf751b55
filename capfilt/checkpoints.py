"""Loading BLIP checkpoints: local directories, remote ones (gs://, s3://) copied first, hub ids when online.

Weights are read from safetensors only: a user-supplied pickle is never unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

import torch
from transformers import AutoProcessor, BlipForConditionalGeneration, BlipForImageTextRetrieval
from transformers.utils import logging as transformers_logging

KINDS = {"captioner": BlipForConditionalGeneration, "filter": BlipForImageTextRetrieval}
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
HUB_EXAMPLES = {
    "captioner": "Salesforce/blip-image-captioning-base",
    "filter": "Salesforce/blip-itm-base-coco",
}
REMOTE_PREFIXES = ("gs://", "s3://", "gcs://", "hdfs://", "http://", "https://", "az://", "abfs://")


class CheckpointError(ValueError):
    """A model path that cannot serve as the captioner or filter, with the reason."""


def _looks_like_hub_id(name: str) -> bool:
    # "Salesforce/blip-itm-base-coco": one slash, no scheme, not an existing or relative local path.
    return name.count("/") == 1 and not name.startswith((".", "/", "~")) and "://" not in name


def check_available(name: str, kind: str) -> None:
    """Fail early, before any pipeline starts, when a local checkpoint is missing or incomplete."""
    if name.startswith(REMOTE_PREFIXES):
        return
    path = Path(name).expanduser()
    if path.is_dir():
        missing = [f for f in ("config.json", "model.safetensors") if not (path / f).exists()]
        if missing and not any(path.glob("model-*.safetensors")):
            raise CheckpointError(f"{kind} checkpoint {name} is incomplete: missing {', '.join(missing)}")
        return
    if path.exists():
        raise CheckpointError(f"{kind} checkpoint {name} is a file; expected a save_pretrained() directory")
    if _looks_like_hub_id(name):
        return  # resolved by transformers; offline runs fail there with its own message
    raise CheckpointError(
        f"{kind} checkpoint not found: {name}. Pass --{kind} with a local directory (save_pretrained "
        f"format) or a hub id such as {HUB_EXAMPLES[kind]}."
    )


WEIGHTS_HASH_DIGITS = 8


def weights_digest(directory: Path) -> str:
    """sha256 of the checkpoint's safetensors weights (model.safetensors, or the shards in name order, read
    as one stream): what the weights are, whatever folder holds them."""
    files = sorted(directory.glob("model-*.safetensors")) or [directory / "model.safetensors"]
    digest = hashlib.sha256()
    for path in files:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()


def portable_name(name: str) -> str:
    """How a corpus names the checkpoint that made it, the same on every machine.

    A local directory becomes its folder name plus the first digits of its weights' sha256
    (`filter@3f2a9c1e`: two copies of one checkpoint get the same name, a retrained one another); a hub id
    or a remote URL (gs://, s3://, ...) already means the same everywhere and is kept as given (a remote
    checkpoint is not downloaded on the launcher just to hash it). Call it once per run, on the launcher.
    """
    path = Path(name).expanduser()
    if name.startswith(REMOTE_PREFIXES) or not path.is_dir():
        return name.rstrip("/")
    folder = path.resolve().name
    return f"{folder}@{weights_digest(path)[:WEIGHTS_HASH_DIGITS]}"


def _local_copy(url: str) -> str:
    """Copy a remote checkpoint directory to a local cache, once per machine (transformers reads files)."""
    import fsspec

    cache = Path(tempfile.gettempdir()) / "capfilt-checkpoints" / hashlib.sha1(url.encode()).hexdigest()[:16]
    if (cache / "config.json").exists():
        return str(cache)
    fs, _, (root,) = fsspec.get_fs_token_paths(url)
    staging = Path(tempfile.mkdtemp(dir=cache.parent if cache.parent.exists() else None))
    fs.get(root.rstrip("/") + "/", str(staging), recursive=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # another process finished first
        os.replace(staging, cache)
    return str(cache)


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise CheckpointError("--device cuda was requested but no CUDA device is visible")
    return torch.device(device)


def load(name: str, kind: str, device: str = "cpu", precision: str = "fp32"):
    """Return (model, processor) for `kind` ('captioner' or 'filter'), in eval mode on `device`."""
    check_available(name, kind)
    source = _local_copy(name) if name.startswith(REMOTE_PREFIXES) else name
    model_class = KINDS[kind]
    verbosity = transformers_logging.get_verbosity()
    transformers_logging.set_verbosity_error()  # our own check below replaces the load report
    transformers_logging.disable_progress_bar()
    try:
        model, info = model_class.from_pretrained(
            source, use_safetensors=True, dtype=DTYPES[precision], output_loading_info=True
        )
        processor = AutoProcessor.from_pretrained(source)
    except OSError as error:
        raise CheckpointError(f"cannot load {kind} checkpoint {name}: {error}") from error
    finally:
        transformers_logging.set_verbosity(verbosity)
    if info["missing_keys"]:
        other = "filter (retrieval)" if kind == "captioner" else "captioner (conditional generation)"
        raise CheckpointError(
            f"{name} is not a {model_class.__name__} checkpoint: {len(info['missing_keys'])} weights are "
            f"missing (e.g. {sorted(info['missing_keys'])[0]}); is it a {other} checkpoint?"
        )
    model.eval().to(resolve_device(device))
    return model, processor
