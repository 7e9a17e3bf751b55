"""`--scorer NAME=PATH` entries: the scorers beside the ITM filter, their names and their score ranges.

PATH is a CLIP/SigLIP checkpoint, or `head:FILE.safetensors@BASE`: a head on the image embedding of the
--scorer named BASE (`capfilt.curate.heads`)."""

from __future__ import annotations

import json
from pathlib import Path

from capfilt.curate import checkpoints, heads
from capfilt.curate.policy_grammar import SCORER_NAME

ITM = "itm"
ITM_RANGE = (0.0, 1.0)
# Every --scorer model is a CLIP or SigLIP image-text cosine; a head states its own range.
COSINE_RANGE = (-1.0, 1.0)
RESERVED = {ITM, "all", "none", "top", "web", "synthetic", "fallback"}


def parse_scorers(entries: tuple[str, ...]) -> list[tuple[str, str]]:
    """[(name, checkpoint)] in flag order; raises ValueError naming a bad entry."""
    specs: list[tuple[str, str]] = []
    for entry in entries:
        name, separator, path = entry.partition("=")
        name, path = name.strip(), path.strip()
        if not separator or not path:
            raise ValueError(
                f"--scorer {entry!r}: expected NAME=PATH_OR_HUB_ID, e.g. clip=openai/clip-vit-base-patch32"
            )
        if not SCORER_NAME.match(name) or name in RESERVED or name.startswith("top"):
            raise ValueError(
                f"--scorer {entry!r}: the name must be lower-case letters, digits and _ (starting with a "
                f"letter), not 'top...' nor one of {', '.join(sorted(RESERVED))}"
            )
        if name in {n for n, _ in specs}:
            raise ValueError(f"--scorer {entry!r}: the name {name} is given twice")
        specs.append((name, path))
    models = {name for name, path in specs if not path.startswith(heads.PREFIX)}
    for name, path in specs:
        try:
            head = heads.parse_head(path)
        except ValueError as error:
            raise ValueError(f"--scorer {name}={error}") from None
        if head is not None and head.base not in models:
            raise ValueError(
                f"--scorer {name}={path}: {head.base} is not a CLIP/SigLIP --scorer of this run "
                f"({', '.join(sorted(models)) or 'none is given'}); a head reads the image embedding of one"
            )
    return specs


def check_scorers(entries: tuple[str, ...]) -> None:
    """Before Beam: each model checkpoint usable, each head file of a known layout whose input width is
    its base model's embedding width (when the base is a local folder); one line naming the entry."""
    specs = parse_scorers(entries)
    for name, path in specs:
        try:
            head = heads.parse_head(path)
            if head is None:
                checkpoints.check_available(path, "scorer")
                continue
            info = heads.describe(head.path)
            base = Path(dict(specs)[head.base]).expanduser() / "config.json"
            width = heads.embedding_dim(json.loads(base.read_text())) if base.is_file() else None
            if width is not None and width != info.input_dim:
                raise heads.HeadError(
                    f"the head reads {info.input_dim}-wide embeddings, {head.base}'s are {width}-wide"
                )
        except (checkpoints.CheckpointError, heads.HeadError, json.JSONDecodeError) as error:
            raise checkpoints.CheckpointError(f"--scorer {name}={path}: {error}") from error


def portable_names(entries: tuple[str, ...]) -> dict[str, str]:
    """Each scorer's checkpoint as portable names (checkpoints.portable_name); a local head file as
    `head:FILE@SHA8@BASE`."""
    names = {}
    for name, path in parse_scorers(entries):
        head = heads.parse_head(path)
        names[name] = (
            checkpoints.portable_name(path)
            if head is None
            else f"{heads.PREFIX}{heads.portable_file_name(head.path)}@{head.base}"
        )
    return names


def scorer_ranges(entries: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each scorer's stated range by name, `itm` first."""
    ranges = {ITM: ITM_RANGE}
    for name, path in parse_scorers(entries):
        head = heads.parse_head(path)
        try:
            ranges[name] = COSINE_RANGE if head is None else heads.describe(head.path).score_range
        except heads.HeadError as error:
            raise heads.HeadError(f"--scorer {name}={path}: {error}") from None
    return ranges
