"""`--scorer NAME=PATH` entries: the scorers beside the ITM filter, their names and their score ranges.

PATH is a CLIP/SigLIP checkpoint; `blip2-itm:CHECKPOINT` or `blip2-itc:CHECKPOINT`, a BLIP-2
`Blip2ForImageTextRetrieval` checkpoint scored by its ITM head or its ITC similarity (one checkpoint serves
both, so the score is named in the entry rather than guessed from config.json); or
`head:FILE.safetensors@BASE`: a head on the image embedding of the --scorer named BASE
(`capfilt.curate.heads`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from capfilt.curate import checkpoints, heads
from capfilt.curate.policy_grammar import SCORER_NAME

ITM = "itm"
ITM_RANGE = (0.0, 1.0)
# A CLIP or SigLIP --scorer is an image-text cosine; a head states its own range.
COSINE_RANGE = (-1.0, 1.0)
RESERVED = {ITM, "all", "none", "top", "web", "synthetic", "fallback"}
# BLIP-2: the ITM head's match probability, or the ITC cosine (the best of the query tokens, as LAVIS).
BLIP2_PREFIX = "blip2-"
BLIP2_MODES = {"itm": ITM_RANGE, "itc": COSINE_RANGE}
BLIP2_MODEL_TYPE = "blip-2"


@dataclass(frozen=True)
class Blip2Spec:
    """`blip2-MODE:CHECKPOINT` of a --scorer entry."""

    mode: str
    checkpoint: str


def parse_blip2(path: str) -> Blip2Spec | None:
    """The BLIP-2 scorer of a --scorer value (None for any other); ValueError for an unknown mode."""
    if not path.startswith(BLIP2_PREFIX):
        return None
    mode, separator, checkpoint = path[len(BLIP2_PREFIX) :].partition(":")
    if not separator or mode not in BLIP2_MODES or not checkpoint:
        raise ValueError(
            f"{path!r}: a BLIP-2 scorer is blip2-itm:CHECKPOINT (ITM match probability) or "
            "blip2-itc:CHECKPOINT (ITC cosine), e.g. blip2itm=blip2-itm:Salesforce/blip2-itm-vit-g"
        )
    return Blip2Spec(mode, checkpoint)


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
    parsed = {}
    for name, path in specs:
        try:
            parsed[name] = (heads.parse_head(path), parse_blip2(path))
        except ValueError as error:
            raise ValueError(f"--scorer {name}={error}") from None
    models = {name for name, (head, blip2) in parsed.items() if head is None and blip2 is None}
    for name, path in specs:
        head = parsed[name][0]
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
                _check_model(path)
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


def _check_model(path: str) -> None:
    """A model checkpoint usable as a scorer, and a BLIP-2 one exactly when the entry says blip2-...:."""
    blip2 = parse_blip2(path)
    checkpoint = path if blip2 is None else blip2.checkpoint
    checkpoints.check_available(checkpoint, "scorer")
    model_type = checkpoints.scorer_model_type(checkpoint)
    if blip2 is None and model_type == BLIP2_MODEL_TYPE:
        raise checkpoints.CheckpointError(
            "a BLIP-2 checkpoint scores two ways: write blip2-itm:CHECKPOINT (ITM match probability, "
            "[0, 1]) or blip2-itc:CHECKPOINT (ITC cosine, [-1, 1])"
        )
    if blip2 is not None and model_type not in (None, BLIP2_MODEL_TYPE):
        raise checkpoints.CheckpointError(
            f"{checkpoint} is a {model_type!r} model (config.json model_type), not a BLIP-2 "
            "Blip2ForImageTextRetrieval checkpoint"
        )


def portable_names(entries: tuple[str, ...]) -> dict[str, str]:
    """Each scorer's checkpoint as portable names (checkpoints.portable_name); a local head file as
    `head:FILE@SHA8@BASE`."""
    names = {}
    for name, path in parse_scorers(entries):
        head, blip2 = heads.parse_head(path), parse_blip2(path)
        if head is not None:
            names[name] = f"{heads.PREFIX}{heads.portable_file_name(head.path)}@{head.base}"
        elif blip2 is not None:
            names[name] = f"{BLIP2_PREFIX}{blip2.mode}:{checkpoints.portable_name(blip2.checkpoint)}"
        else:
            names[name] = checkpoints.portable_name(path)
    return names


def scorer_ranges(entries: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each scorer's stated range by name, `itm` first."""
    ranges = {ITM: ITM_RANGE}
    for name, path in parse_scorers(entries):
        head, blip2 = heads.parse_head(path), parse_blip2(path)
        if blip2 is not None:
            ranges[name] = BLIP2_MODES[blip2.mode]
            continue
        try:
            ranges[name] = COSINE_RANGE if head is None else heads.describe(head.path).score_range
        except heads.HeadError as error:
            raise heads.HeadError(f"--scorer {name}={path}: {error}") from None
    return ranges
