"""The demo world's configuration: one dataclass whose fields are the CLI's flags, one to one."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from capfilt.flags import option
from capfilt.world.webtext import NOISE_TYPES

MIN_IMAGE_SIZE, MAX_IMAGE_SIZE = 64, 384
DEFAULT_NOISE = {
    "correct": 0.4,
    "other_image": 0.15,
    "boilerplate": 0.15,
    "wrong_attribute": 0.2,
    "too_short": 0.1,
}


def parse_noise_mix(text: str) -> dict[str, float]:
    """Parse "correct=0.5,boilerplate=0.5"; types left out get 0. A bad mix raises ValueError saying why."""
    mix = dict.fromkeys(NOISE_TYPES, 0.0)
    seen = set()
    for item in (part.strip() for part in text.split(",") if part.strip()):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise ValueError(f"noise mix item {item!r} is not NAME=FRACTION")
        if name not in mix:
            raise ValueError(f"unknown noise type {name!r}; known: {', '.join(NOISE_TYPES)}")
        if name in seen:
            raise ValueError(f"noise type {name!r} given twice")
        try:
            mix[name] = float(value)
        except ValueError:
            raise ValueError(f"noise fraction for {name!r} is not a number: {value.strip()!r}") from None
        seen.add(name)
    check_noise_mix(mix)
    return mix


def check_noise_mix(mix: dict[str, float]) -> None:
    unknown = set(mix) - set(NOISE_TYPES)
    if unknown:
        raise ValueError(f"unknown noise type(s) {sorted(unknown)}; known: {', '.join(NOISE_TYPES)}")
    for name, fraction in mix.items():
        if not 0.0 <= fraction <= 1.0 or math.isnan(fraction):
            raise ValueError(f"noise fraction for {name!r} must be between 0 and 1, got {fraction}")
    total = sum(mix.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"noise fractions must sum to 1, got {total:g}")


def format_noise_mix(mix: dict[str, float]) -> str:
    return ",".join(f"{name}={fraction:g}" for name, fraction in mix.items())


@dataclass
class WorldConfig:
    """What to generate. Counts are records per split; the defaults make a useful corpus in seconds.
    Each field is one flag of `python -m capfilt.world` (capfilt.flags), its help in the field."""

    seed: int = option(0, "seed of everything generated; the same seed gives the same bytes")
    web: int = option(2000, "web pairs: noisy alt text T_w")
    human: int = option(
        500, "clean pairs with 5 human-style captions each (for fine-tuning captioner and filter)"
    )
    test: int = option(200, "clean held-out pairs, scenes disjoint from web and human")
    classify: int = option(
        200, "held-out single-object pairs labelled by shape, for zero-shot classification"
    )
    documents: int = option(100, "interleaved image-text documents (2-4 images each), for Flamingo")
    clips: int = option(100, "short clips of a moving object, for Flamingo")
    nlvr2_train: int = option(0, "NLVR2 examples (two scenes, one true/false statement) for fine-tuning")
    nlvr2_test: int = option(0, "held-out NLVR2 examples, scenes from configurations never in nlvr2_train")
    image_size: int = option(64, f"image side in pixels, {MIN_IMAGE_SIZE} to {MAX_IMAGE_SIZE}")
    clip_frames: int = option(8, "frames per clip")
    rows_per_part: int = option(5000, "records per Parquet part file")
    noise: dict[str, float] = option(
        default_factory=lambda: dict(DEFAULT_NOISE),
        help="mix of web noise types as NAME=FRACTION,... summing to 1 (types left out get 0)",
        parse=parse_noise_mix,
        show=format_noise_mix,
    )

    def __post_init__(self) -> None:
        """Raise ValueError naming the bad setting, so the CLI can report it in one line."""
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        for name in ("web", "human", "test", "classify", "documents", "clips", "nlvr2_train", "nlvr2_test"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")
        if not MIN_IMAGE_SIZE <= self.image_size <= MAX_IMAGE_SIZE:
            raise ValueError(
                f"image_size must be between {MIN_IMAGE_SIZE} and {MAX_IMAGE_SIZE} px, got {self.image_size}"
            )
        if not 2 <= self.clip_frames <= 64:
            raise ValueError(f"clip_frames must be between 2 and 64, got {self.clip_frames}")
        if self.rows_per_part < 1:
            raise ValueError(f"rows_per_part must be >= 1, got {self.rows_per_part}")
        self.noise = {name: float(self.noise.get(name, 0.0)) for name in NOISE_TYPES} | {
            name: value for name, value in self.noise.items() if name not in NOISE_TYPES
        }
        check_noise_mix(self.noise)
        if self.web == 1 and self.noise["other_image"] > 0:
            raise ValueError(
                "other_image noise needs at least 2 web records to borrow text from; raise --web"
            )

    def as_dict(self) -> dict:
        return asdict(self)
