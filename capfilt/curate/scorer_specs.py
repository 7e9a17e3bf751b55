"""`--scorer NAME=PATH` entries: the scorers beside the ITM filter, their names and their score ranges."""

from __future__ import annotations

from capfilt.curate.policy_grammar import SCORER_NAME

ITM = "itm"
ITM_RANGE = (0.0, 1.0)
# Every --scorer model today is a CLIP or SigLIP image-text cosine.
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
    return specs


def scorer_ranges(entries: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each scorer's stated range by name, `itm` first."""
    return {ITM: ITM_RANGE, **{name: COSINE_RANGE for name, _ in parse_scorers(entries)}}
