"""The one way tests build a demo world: `build_world(directory, **fields)`, fields of `WorldConfig`.

The two worlds several test files share are built once per session by tests/conftest.py (`small_world`,
`vlm_world`); a test that needs another shape builds its own with `build_world` and its own fields.
"""

from __future__ import annotations

from pathlib import Path

from capfilt.world import WorldConfig, generate_world

# Web (noisy) and human (clean) training splits, test and classify held out: the CLIP tests' world.
SMALL_WORLD = {"seed": 0, "web": 48, "human": 24, "test": 12, "classify": 12, "documents": 0, "clips": 0,
               "image_size": 64}  # fmt: skip
# Enough human pairs for Flamingo and BLIP-2 to learn image-dependent captions; documents and clips: Flamingo.
VLM_WORLD = {"web": 8, "human": 300, "test": 64, "classify": 8, "documents": 8, "clips": 8, "clip_frames": 4}
# Only a web split: the input of an ingest or CapFilt job.
WEB_ONLY = {"human": 0, "test": 0, "classify": 0, "documents": 0, "clips": 0}


def build_world(directory: Path | str, **fields) -> Path:
    generate_world(str(directory), WorldConfig(**fields), progress=False)
    return Path(directory)
