"""The synthetic demo world: rendered scenes with ground truth, human captions and noisy web text.

    from capfilt.world import WorldConfig, generate_world
    generate_world("out/world", WorldConfig(web=500, image_size=96))

See docs/world.md. The CLI is `python -m capfilt.world --help`.
"""

from capfilt.world.config import DEFAULT_NOISE, WorldConfig, parse_noise_mix
from capfilt.world.generate import generate_world
from capfilt.world.grading import caption_is_correct, parse_mentions, text_matches_scene
from capfilt.world.webtext import NOISE_TYPES

__all__ = [
    "DEFAULT_NOISE",
    "NOISE_TYPES",
    "WorldConfig",
    "caption_is_correct",
    "generate_world",
    "parse_mentions",
    "parse_noise_mix",
    "text_matches_scene",
]
