"""What the pipeline asks of an engine: the Captioner, Scorer and Filter (the ITM scorer) interfaces, their
settings, a Caption.

Both engines (`reference`, transformers' public API; `fast`, this project's) implement these, and
`registry` maps the `--engine` names to them. This module imports no engine, so every engine can import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Caption:
    text: str
    # Decoding reached max_length (prompt included) without emitting the end token.
    hit_max_length: bool


def prompt_text(template: str, prompt: str) -> str:
    """What the captioner's processor is given: the template with `{prompt}` replaced (no other braces
    are read, so a template may hold any text)."""
    return template.replace("{prompt}", prompt)


@dataclass(frozen=True)
class CaptionerSettings:
    checkpoint: str
    num_captions: int = 1
    decoding: str = "nucleus"
    top_p: float = 0.9
    min_length: int = 10
    max_length: int = 30
    prompt: str = "a picture of "
    device: str = "cpu"
    precision: str = "fp32"

    @classmethod
    def from_config(cls, config, checkpoint: str | None = None) -> CaptionerSettings:
        """The settings of `checkpoint` (one of `config.captioners()`; default: the first)."""
        return cls(
            checkpoint=checkpoint or config.captioners()[0],
            num_captions=config.num_captions,
            decoding=config.decoding,
            top_p=config.top_p,
            min_length=config.min_length,
            max_length=config.max_length,
            prompt=prompt_text(config.prompt_template, config.prompt),
            device=config.device,
            precision=config.precision,
        )


class Captioner:
    """Interface: `captions(images, seeds)` returns, per image, `num_captions` Captions (text and whether
    it hit max_length); `caption` the same as plain strings."""

    settings: CaptionerSettings

    def captions(self, images: list[Image.Image], seeds: list[int]) -> list[list[Caption]]:
        raise NotImplementedError

    def caption(self, images: list[Image.Image], seeds: list[int]) -> list[list[str]]:
        return [[c.text for c in row] for row in self.captions(images, seeds)]


@dataclass(frozen=True)
class ScorerSettings:
    """A scorer beside the ITM filter (`--scorer NAME=PATH`): its name in the rows and its checkpoint."""

    name: str
    checkpoint: str
    device: str = "cpu"
    precision: str = "fp32"


class Scorer:
    """Interface: a named score in a stated range for every text of an image.

    `score(images, texts)` returns, per image, one float per text, each in `score_range` (inclusive). The
    ITM filter is the scorer named `itm` (range [0, 1]); CLIP and SigLIP cosines are in [-1, 1]."""

    name: str
    score_range: tuple[float, float]

    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        raise NotImplementedError


@dataclass(frozen=True)
class FilterSettings:
    checkpoint: str
    first_token: str = "auto"
    max_tokens: int = 35
    device: str = "cpu"
    precision: str = "fp32"

    @classmethod
    def from_config(cls, config) -> FilterSettings:
        return cls(
            checkpoint=config.filter,
            first_token=config.itm_first_token,
            max_tokens=config.itm_max_tokens,
            device=config.device,
            precision=config.precision,
        )


class Filter(Scorer):
    """Interface: `score(images, texts)` returns, per image, the ITM match probability of each text: the
    scorer named `itm`."""

    name = "itm"
    score_range = (0.0, 1.0)
    settings: FilterSettings

    def score(self, images: list[Image.Image], texts: list[list[str]]) -> list[list[float]]:
        raise NotImplementedError
