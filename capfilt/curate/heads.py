"""Heads on a CLIP/SigLIP image embedding (`--scorer NAME=head:FILE.safetensors@BASE`): the file format.

A head maps the L2-normalised image embedding of the `--scorer` named BASE to one number per image (every
text of the image gets it). The layouts are LAION's, as their `.pth` state dicts name them (converted to
safetensors once, docs/capfilt.md "Heads"; a pickle is never read here):

- `linear`: LAION-AI/aesthetic-predictor, `nn.Linear(D, 1)`: keys `weight`, `bias`.
- `mlp`: christophschuhmann/improved-aesthetic-predictor, `layers = Sequential(Linear(D,1024), Dropout,
  Linear(1024,128), Dropout, Linear(128,64), Dropout, Linear(64,16), Linear(16,1))`, no activation:
  keys `layers.{0,2,4,6,7}.*`.
- `relu_mlp`: the same repository's ReLU variant (ava+logos-l14-reluMSE): a ReLU after each Linear but the
  last, keys `layers.{0,3,6,9,11}.*`.
- `relu_chain`: `Sequential(Linear, ReLU, Linear, ReLU, ..., Linear)` of any depth, keys
  `layers.{0,2,4,...}.*` (no odd index, so never an `mlp`): LAION-AI/CLIP-based-NSFW-Detector's Keras
  models, their input normalisation folded into the first layer (tests/data/real/heads/convert_laion_nsfw.py).

Widths are read from the weights (any width fits, the layers must chain down to 1 output). The file's
safetensors metadata may say `output` (`identity`, default, or `sigmoid`: an NSFW-style probability) and
`score_range` (`"LOW,HIGH"`; default [0, 10], LAION's rating scale, for identity; [0, 1] for sigmoid).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import fsspec

PREFIX = "head:"
LAYOUTS = {
    "linear": ((None,), False),
    "mlp": ((0, 2, 4, 6, 7), False),
    "relu_mlp": ((0, 3, 6, 9, 11), True),
}
# Any depth: its indices follow from the number of tensors (two per layer, layers 0, 2, 4, ...).
RELU_CHAIN = "relu_chain"
OUTPUTS = ("identity", "sigmoid")
DEFAULT_RANGES = {"identity": (0.0, 10.0), "sigmoid": (0.0, 1.0)}
MAX_HEADER_BYTES = 1 << 20


class HeadError(ValueError):
    """A head file that cannot serve, with the reason."""


@dataclass(frozen=True)
class HeadSpec:
    """`head:PATH@BASE` of a --scorer entry."""

    path: str
    base: str


@dataclass(frozen=True)
class HeadInfo:
    layout: str
    relu: bool
    prefixes: tuple[str, ...]  # the Linear layers' key prefixes, in order ("" for the linear head)
    widths: tuple[int, ...]  # input width, then each layer's output width (the last is 1)
    output: str
    score_range: tuple[float, float]

    @property
    def input_dim(self) -> int:
        return self.widths[0]


def parse_head(checkpoint: str) -> HeadSpec | None:
    """The head of a --scorer value `head:PATH@BASE`, None for a model checkpoint; ValueError when the
    `@BASE` part is missing."""
    if not checkpoint.startswith(PREFIX):
        return None
    path, separator, base = checkpoint[len(PREFIX) :].rpartition("@")
    if not separator or not path or not base:
        raise ValueError(
            f"{checkpoint!r}: a head is head:PATH.safetensors@SCORER, SCORER naming the --scorer CLIP "
            "model whose image embedding it reads (e.g. aesthetic=head:sac_l14.safetensors@clip)"
        )
    return HeadSpec(path, base)


def read_header(path: str) -> dict:
    """The safetensors JSON header (tensor names -> dtype/shape, `__metadata__`), read without the weights."""
    try:
        with fsspec.open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8).ljust(8, b"\0"))
            if not 0 < length <= MAX_HEADER_BYTES:
                raise HeadError(f"head {path} is not a safetensors file (header length {length})")
            header = json.loads(handle.read(length))
    except FileNotFoundError as error:
        raise HeadError(f"head file not found: {path}") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HeadError(f"head {path} is not a readable safetensors file ({error})") from error
    if not isinstance(header, dict):
        raise HeadError(f"head {path} is not a safetensors file (header is not a JSON object)")
    return header


def _prefixes(indices: tuple) -> tuple[str, ...]:
    return tuple("" if index is None else f"layers.{index}." for index in indices)


def _keys(prefixes: tuple[str, ...]) -> set[str]:
    return {prefix + key for prefix in prefixes for key in ("weight", "bias")}


def describe(path: str, header: dict | None = None) -> HeadInfo:
    """Check a head file's layout and shapes from its header alone; HeadError (one line) when they do not
    fit any known layout."""
    if path.endswith((".pth", ".pt", ".bin", ".ckpt")):
        raise HeadError(
            f"head {path} is a pickle, never unpickled: convert it to safetensors (docs/capfilt.md, Heads)"
        )
    header = read_header(path) if header is None else header
    metadata = header.get("__metadata__") or {}
    shapes = {name: entry.get("shape") for name, entry in header.items() if name != "__metadata__"}
    layouts = {**LAYOUTS, RELU_CHAIN: (tuple(range(0, len(shapes), 2)), True)}
    layout = next(
        (name for name, (indices, _) in layouts.items() if set(shapes) == _keys(_prefixes(indices))), None
    )
    if layout is None:
        raise HeadError(
            f"head {path} has tensors {', '.join(sorted(shapes)) or 'none'}: not a known layout (linear: "
            "weight, bias; mlp: layers.{0,2,4,6,7}.*; relu_mlp: layers.{0,3,6,9,11}.*; relu_chain: "
            "layers.{0,2,4,...}.*)"
        )
    indices, relu = layouts[layout]
    prefixes = _prefixes(indices)
    widths = [None]
    for prefix in prefixes:
        weight, bias = shapes[prefix + "weight"], shapes[prefix + "bias"]
        fits = len(weight) == 2 and bias == weight[:1] and widths[-1] in (None, weight[1])
        if not fits:
            raise HeadError(
                f"head {path}: {prefix}weight {weight} and {prefix}bias {bias} do not follow a layer of "
                f"output width {widths[-1]}"
            )
        widths[-1:] = [weight[1], weight[0]]
    if widths[-1] != 1:
        raise HeadError(f"head {path}: its last layer gives {widths[-1]} outputs, a head gives 1")
    output = metadata.get("output", "identity")
    if output not in OUTPUTS:
        raise HeadError(f"head {path}: metadata output {output!r} is not one of {', '.join(OUTPUTS)}")
    return HeadInfo(layout, relu, prefixes, tuple(widths), output, _range(path, metadata, output))


def _range(path: str, metadata: dict, output: str) -> tuple[float, float]:
    if "score_range" not in metadata:
        return DEFAULT_RANGES[output]
    try:
        low, high = (float(v) for v in metadata["score_range"].split(","))
    except ValueError:
        low = high = math.nan
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise HeadError(f"head {path}: metadata score_range {metadata['score_range']!r} is not LOW,HIGH")
    return low, high


def embedding_dim(config: dict) -> int | None:
    """The image embedding width of a CLIP/SigLIP config.json (None when it cannot say)."""
    if config.get("model_type") == "clip":
        return config.get("projection_dim", 512)
    if config.get("model_type") == "siglip":
        return (config.get("vision_config") or {}).get("hidden_size", 768)
    return None


def portable_file_name(path: str) -> str:
    """A local head file as `NAME@SHA8` (its file name and its sha256's first digits); a URL as given."""
    local = Path(path).expanduser()
    if "://" in path or not local.is_file():
        return path
    return f"{local.name}@{hashlib.sha256(local.read_bytes()).hexdigest()[:8]}"
