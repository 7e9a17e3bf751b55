"""The demo world's configuration: one dataclass whose fields are the CLI's flags, one to one."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

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
    """What to generate. Counts are records per split; the defaults make a useful corpus in seconds."""

    seed: int = 0
    web: int = 2000
    human: int = 500
    test: int = 200
    classify: int = 200
    documents: int = 100
    clips: int = 100
    image_size: int = 64
    # Frames per clip.
    clip_frames: int = 8
    # Records per Parquet part file.
    rows_per_part: int = 5000
    noise: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_NOISE))

    def __post_init__(self) -> None:
        """Raise ValueError naming the bad setting, so the CLI can report it in one line."""
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")
        for name in ("web", "human", "test", "classify", "documents", "clips"):
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
