"""Loading BLIP checkpoints (captioner, filter) and CLIP/SigLIP/BLIP-2 retrieval ones (scorers): local
directories, remote ones (gs://, s3://) copied first, hub ids when online.

Weights are read from safetensors only: a user-supplied pickle is never unpickled.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import (
    AutoConfig,
    AutoImageProcessor,
    AutoModelForImageTextToText,
    AutoProcessor,
    AutoTokenizer,
    Blip2ForConditionalGeneration,
    Blip2ForImageTextRetrieval,
    BlipForConditionalGeneration,
    BlipForImageTextRetrieval,
    CLIPModel,
    SiglipModel,
)
from transformers.models.auto.modeling_auto import MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES
from transformers.utils import logging as transformers_logging

from capfilt.curate import digest_cache
from schemas.publish import building_folder

KINDS = {"captioner": BlipForConditionalGeneration, "filter": BlipForImageTextRetrieval}
# A `--scorer` checkpoint: the class follows config.json's model_type (`blip-2`: the retrieval model
# behind `blip2-itm:` and `blip2-itc:`, capfilt.curate.scorer_specs).
SCORER_CLASSES = {"clip": CLIPModel, "siglip": SiglipModel, "blip-2": Blip2ForImageTextRetrieval}
# Tokenizer files of BERT (vocab.txt), CLIP (vocab.json), SentencePiece (SigLIP) or a fast tokenizer.
SCORER_TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "vocab.json", "spiece.model", "tokenizer.model")
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
# The BLIP-2 Q-Former's text layers switch; hub configs written before transformers 4.48 spell it
# qformer_text_input (Salesforce/blip2-itm-vit-g's first upload), which 5.x keeps but does not read.
BLIP2_TEXT_INPUT_KEYS = ("use_qformer_text_input", "qformer_text_input")
HUB_EXAMPLES = {
    "captioner": "Salesforce/blip-image-captioning-base",
    "filter": "Salesforce/blip-itm-base-coco",
    "scorer": "openai/clip-vit-large-patch14",
}
# Captioner families: BLIP runs on the BLIP engines (`--engine`), any other image-text-to-text model
# (BLIP-2, GIT, LLaVA-style, ...) on transformers' generate (engines/reference/generate_captioner.py).
BLIP = "blip"
GENERATE_CAPTIONER_TYPES = frozenset(MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES) - {BLIP}
REMOTE_PREFIXES = ("gs://", "s3://", "gcs://", "hdfs://", "http://", "https://", "az://", "abfs://")
# One model load at a time per process. transformers' from_pretrained swaps process-wide functions while it
# builds a model (`PreTrainedModel.tie_weights` and torch's init functions, transformers/initialization.py)
# and then puts back what it found: two loads in two threads (Beam sets up a captioner's and a filter's
# handler at once) can leave weight tying off for good, so that every later load in the process finds the
# tied weights missing (issue 17's CheckpointError) and models built later are not initialised.
LOADING = threading.RLock()


class CheckpointError(ValueError):
    """A model path that cannot serve as the captioner or filter, with the reason."""


def _looks_like_hub_id(name: str) -> bool:
    # "Salesforce/blip-itm-base-coco": one slash, no scheme, not an existing or relative local path.
    return name.count("/") == 1 and not name.startswith((".", "/", "~")) and "://" not in name


def check_available(name: str, kind: str) -> None:
    """Fail early, before any pipeline starts, when `name` cannot serve as `kind`: a local directory without
    a readable config.json, safetensors weights or processor files, a checkpoint of another architecture,
    or a hub id that offline mode cannot reach. Remote directories are checked where they are read."""
    if name.startswith(REMOTE_PREFIXES):
        return
    path = Path(name).expanduser()
    if path.is_dir():
        _check_directory(path, name, kind)
        return
    if path.exists():
        raise CheckpointError(f"{kind} checkpoint {name} is a file; expected a save_pretrained() directory")
    if _looks_like_hub_id(name):
        _check_hub_id(name, kind)
        return
    raise CheckpointError(
        f"{kind} checkpoint not found: {name}. Pass --{kind} with a local directory (save_pretrained "
        f"format) or a hub id such as {HUB_EXAMPLES[kind]}."
    )


def _check_directory(path: Path, name: str, kind: str) -> None:
    has_weights = any(path.glob("model*.safetensors")) or (path / "model.safetensors.index.json").exists()
    missing = [
        f
        for f, ok in (("config.json", (path / "config.json").exists()), ("model.safetensors", has_weights))
        if not ok
    ]
    if missing:
        pickled = [f.name for f in path.glob("*.bin")] + [f.name for f in path.glob("*.pt*")]
        hint = (
            f" ({', '.join(sorted(pickled))} is never unpickled: save it with save_pretrained())"
            if pickled
            else ""
        )
        raise CheckpointError(f"{kind} checkpoint {name} is incomplete: missing {', '.join(missing)}{hint}")
    _check_config(_read_config(path / "config.json", name, kind), name, kind)
    tokenizer_files = (
        SCORER_TOKENIZER_FILES if kind == "scorer" else ("tokenizer.json", "vocab.txt", "tokenizer.model")
    )
    has_tokenizer = any((path / f).exists() for f in tokenizer_files)
    has_image_processor = any(
        (path / f).exists() for f in ("preprocessor_config.json", "processor_config.json")
    )
    if not (has_tokenizer and has_image_processor):
        raise CheckpointError(
            f"{kind} checkpoint {name} has no processor (tokenizer.json, vocab.txt or tokenizer.model, and "
            "preprocessor_config.json or processor_config.json): save its processor beside the model"
        )


def _check_hub_id(name: str, kind: str) -> None:
    from huggingface_hub import constants, try_to_load_from_cache

    if not constants.HF_HUB_OFFLINE:
        return  # resolved (and downloaded) by transformers where it is loaded
    cached = try_to_load_from_cache(name, "config.json")
    if not isinstance(cached, str):
        raise CheckpointError(
            f"{kind} {name} is a hub id, but the hub is offline (HF_HUB_OFFLINE=1) and {name} is not in the "
            f"local cache {constants.HF_HUB_CACHE}: unset HF_HUB_OFFLINE to download it, or pass --{kind} a "
            "local directory"
        )
    _check_config(_read_config(Path(cached), name, kind), name, kind)


def scorer_model_type(name: str) -> str | None:
    """config.json's model_type of a --scorer checkpoint already checked by check_available: a local
    directory's, or a hub id's from the offline cache; None where it is only known once loaded (remote
    directories, hub ids resolved online)."""
    path = Path(name).expanduser()
    if path.is_dir():
        return _read_config(path / "config.json", name, "scorer").get("model_type")
    if name.startswith(REMOTE_PREFIXES) or not _looks_like_hub_id(name):
        return None
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(name, "config.json")
    return _read_config(Path(cached), name, "scorer").get("model_type") if isinstance(cached, str) else None


def _read_config(path: Path, name: str, kind: str) -> dict:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{kind} checkpoint {name}: cannot read config.json ({error})") from error
    except json.JSONDecodeError as error:
        raise CheckpointError(
            f"{kind} checkpoint {name}: config.json is not valid JSON ({error.msg}, line {error.lineno})"
        ) from error
    if not isinstance(config, dict):
        raise CheckpointError(f"{kind} checkpoint {name}: config.json is not a JSON object")
    return config


def _check_config(config: dict, name: str, kind: str) -> None:
    """The architecture config.json declares, when it declares one, must be what `kind` loads."""
    if kind == "scorer":
        model_type = config.get("model_type")
        if model_type not in SCORER_CLASSES:
            raise CheckpointError(
                f"scorer checkpoint {name} is a {model_type!r} model (config.json model_type); a scorer "
                f"must be one of {', '.join(sorted(SCORER_CLASSES))} (CLIPModel, SiglipModel, "
                "Blip2ForImageTextRetrieval)"
            )
        architectures = config.get("architectures") or []
        retrieval = Blip2ForImageTextRetrieval.__name__
        if model_type == "blip-2" and architectures and retrieval not in architectures:
            raise CheckpointError(
                f"scorer checkpoint {name} is a {', '.join(architectures)} checkpoint (config.json "
                f"architectures); a BLIP-2 scorer is a {retrieval} one, e.g. Salesforce/blip2-itm-vit-g"
            )
        qformer = config.get("qformer_config") or {}
        if model_type == "blip-2" and not any(qformer.get(key) for key in BLIP2_TEXT_INPUT_KEYS):
            raise CheckpointError(
                f"scorer checkpoint {name}: its Q-Former has no text layers (config.json qformer_config "
                "use_qformer_text_input is not true), so it gives no ITM or ITC score"
            )
        return
    expected = KINDS[kind].__name__
    model_type = config.get("model_type")
    if kind == "captioner" and model_type in GENERATE_CAPTIONER_TYPES:
        return  # any image-text-to-text architecture of that type is loaded by AutoModelForImageTextToText
    if model_type is not None and model_type != "blip":
        raise CheckpointError(
            f"{kind} checkpoint {name} is a {model_type!r} model (config.json model_type); "
            f"the {kind} must be a BLIP {expected} checkpoint"
            + (" or an image-text-to-text model (BLIP-2, GIT, ...)" if kind == "captioner" else "")
        )
    architectures = config.get("architectures") or []
    if architectures and expected not in architectures:
        other = "filter (retrieval)" if kind == "captioner" else "captioner (conditional generation)"
        raise CheckpointError(
            f"{name} is not a {expected} checkpoint (config.json architectures: {', '.join(architectures)}); "
            f"is it a {other} checkpoint?"
        )


WEIGHTS_HASH_DIGITS = 8


def weights_digest(directory: Path) -> str:
    """sha256 of the checkpoint's safetensors weights (model.safetensors, or the shards in name order, read
    as one stream): what the weights are, whatever folder holds them. Remembered between runs for files
    unchanged since (capfilt.curate.digest_cache)."""
    files = sorted(directory.glob("model-*.safetensors")) or [directory / "model.safetensors"]

    def sha256() -> str:
        digest = hashlib.sha256()
        for path in files:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        return digest.hexdigest()

    return digest_cache.cached_sha256(files, sha256)


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
    # Another process on this machine may copy the same checkpoint meanwhile: the first one is kept.
    with building_folder(cache, ready=lambda copy: (copy / "config.json").exists()) as staging:
        fs.get(root.rstrip("/") + "/", str(staging), recursive=True)
    return str(cache)


def load_dtype(device: torch.device, precision: str) -> torch.dtype:
    """The dtype weights load in: `--precision`/`--dtype` on a GPU; on CPU always fp32 (CPU bf16/fp16
    kernels are slower than fp32, and fp16 ones are incomplete)."""
    return DTYPES[precision] if device.type == "cuda" else torch.float32


@dataclass(frozen=True)
class ScorerProcessor:
    tokenizer: object
    image_processor: object


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise CheckpointError("--device cuda was requested but no CUDA device is visible")
    return torch.device(device)


def _source(name: str) -> str:
    return _local_copy(name) if name.startswith(REMOTE_PREFIXES) else name


def captioner_family(name: str) -> str:
    """`blip` for a BLIP captioner (the BLIP engines), else `generate` (transformers' generate): read from
    the checkpoint's config.json (a hub id's from the hub or its cache, a remote one's local copy)."""
    check_available(name, "captioner")
    try:
        model_type = AutoConfig.from_pretrained(_source(name)).model_type
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the captioner checkpoint {name}'s config: {error}") from error
    return BLIP if model_type == BLIP else "generate"


def _scorer_config(source: str):
    """A scorer's config, a BLIP-2 one with the Q-Former's text layers on under either spelling."""
    config = AutoConfig.from_pretrained(source)
    if config.model_type == "blip-2":
        qformer = config.qformer_config
        qformer.use_qformer_text_input = any(getattr(qformer, key, False) for key in BLIP2_TEXT_INPUT_KEYS)
    return config


def _quiet_from_pretrained(model_class, source: str, dtype: torch.dtype, config=None):
    with LOADING:
        verbosity = transformers_logging.get_verbosity()
        transformers_logging.set_verbosity_error()  # our own check below replaces the load report
        transformers_logging.disable_progress_bar()
        try:
            settings = {} if config is None else {"config": config}
            model, info = model_class.from_pretrained(
                source, use_safetensors=True, dtype=dtype, output_loading_info=True, **settings
            )
            if model_class in SCORER_CLASSES.values():
                processor = ScorerProcessor(
                    AutoTokenizer.from_pretrained(source), AutoImageProcessor.from_pretrained(source)
                )
            else:
                processor = AutoProcessor.from_pretrained(source)
        finally:
            transformers_logging.set_verbosity(verbosity)
    return model, info, processor


def load_generate_captioner(name: str, device: str = "cpu", precision: str = "fp32"):
    """(model, processor) of a non-BLIP captioner: Blip2ForConditionalGeneration for BLIP-2 (its OPT and
    Flan-T5 variants), AutoModelForImageTextToText for any other image-text-to-text checkpoint."""
    check_available(name, "captioner")
    source, where = _source(name), resolve_device(device)
    try:
        model_type = AutoConfig.from_pretrained(source).model_type
        model_class = Blip2ForConditionalGeneration if model_type == "blip-2" else AutoModelForImageTextToText
        model, info, processor = _quiet_from_pretrained(model_class, source, load_dtype(where, precision))
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot load captioner checkpoint {name}: {error}") from error
    if info["missing_keys"]:
        raise CheckpointError(
            f"captioner {name} is not a complete {model_class.__name__} checkpoint: "
            f"{len(info['missing_keys'])} weights are missing (e.g. {sorted(info['missing_keys'])[0]})"
        )
    model.eval().to(where)
    return model, processor


def load(name: str, kind: str, device: str = "cpu", precision: str = "fp32"):
    """Return (model, processor) for `kind` ('captioner', 'filter' or 'scorer'), in eval mode on `device`.

    A scorer's processor is its tokenizer and image processor loaded each on its own (`.tokenizer`,
    `.image_processor`), so any tokenizer saved beside a CLIP or SigLIP model serves."""
    check_available(name, kind)
    source, where = _source(name), resolve_device(device)
    try:
        config = _scorer_config(source) if kind == "scorer" else None
        model_class = SCORER_CLASSES[config.model_type] if config is not None else KINDS[kind]
        dtype = load_dtype(where, precision)
        model, info, processor = _quiet_from_pretrained(model_class, source, dtype, config)
    except OSError as error:
        raise CheckpointError(f"cannot load {kind} checkpoint {name}: {error}") from error
    if info["missing_keys"]:
        if kind == "scorer":
            raise CheckpointError(
                f"scorer checkpoint {name}: {len(info['missing_keys'])} weights of {model_class.__name__} "
                f"are missing (e.g. {sorted(info['missing_keys'])[0]})"
            )
        other = "filter (retrieval)" if kind == "captioner" else "captioner (conditional generation)"
        raise CheckpointError(
            f"{name} is not a {model_class.__name__} checkpoint: {len(info['missing_keys'])} weights are "
            f"missing (e.g. {sorted(info['missing_keys'])[0]}); is it a {other} checkpoint?"
        )
    model.eval().to(resolve_device(device))
    return model, processor
