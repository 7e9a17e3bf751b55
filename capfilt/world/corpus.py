"""The embedded default corpus: the demo world's web split (generated once, then reused) and its labels."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import schemas
from capfilt.cache_dir import cache_root
from capfilt.world import WorldConfig, generate_world

CORRECT = "correct"


def demo_world(config: WorldConfig | None = None, cache: Path | None = None, say=None) -> Path:
    """The directory of a generated demo world, generating it atomically on first use (and saying so
    through `say`, since that takes about half a minute)."""
    config = config or WorldConfig()
    fingerprint = hashlib.sha1(json.dumps(dataclasses.asdict(config), sort_keys=True).encode()).hexdigest()[
        :12
    ]
    target = (cache or cache_root()) / f"demo-world-{fingerprint}"
    if (target / "world.json").exists():
        return target
    if say:
        say(f"generating the demo world once (cached in {target}; $CAPFILT_CACHE moves the cache)")
    # Another process may generate the same world meanwhile: the first one to finish is kept.
    with schemas.building_folder(target, ready=lambda world: (world / "world.json").exists()) as staging:
        generate_world(str(staging), config, progress=False)
    return target


def default_input(cache: Path | None = None, say=None) -> tuple[str, str]:
    """(input glob, labels path) of the default corpus: the demo world's web split."""
    world = demo_world(cache=cache, say=say)
    return str(world / "web" / "*.parquet"), str(world / "labels" / "web.parquet")


def web_labels(path: str) -> dict[str, str]:
    """key -> "correct" or the noise type that produced its web text, from a demo world labels file."""
    table = schemas.read_table(path, schemas.LABELS)
    return {
        key: noise
        for key, noise in zip(table.column("key").to_pylist(), table.column("noise").to_pylist(), strict=True)
        if noise
    }
