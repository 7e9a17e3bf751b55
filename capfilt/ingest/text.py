"""Cleaning web text (alt text, URL-list captions): mend encoding, collapse whitespace, check length.

Boilerplate alt text (file names, "image", "click here", ...) is flagged rather than dropped: CapFilt's
filter is what decides whether a web caption is worth keeping, and the flag lets a user count or skip it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import ftfy

# Alt text a CMS or an author writes without describing anything.
BOILERPLATE_PHRASES = frozenset(
    {
        "image",
        "img",
        "photo",
        "picture",
        "pic",
        "graphic",
        "logo",
        "icon",
        "banner",
        "thumbnail",
        "placeholder",
        "spacer",
        "untitled",
        "no image",
        "image not found",
        "click here",
        "click to enlarge",
        "read more",
        "more",
        "advertisement",
        "default",
        "alt",
        "null",
        "undefined",
        "none",
    }
)
FILE_NAME = re.compile(r"^[\w\-. ]+\.(jpe?g|png|gif|webp|bmp|svg|tiff?|avif)$", re.IGNORECASE)
CAMERA_NAME = re.compile(r"^(img|dsc|dscn|dcim|pxl|photo|image|screenshot)[\s_\-]*\d[\w\-]*$", re.IGNORECASE)
NUMBERED_IMAGE = re.compile(
    r"^(image|photo|picture|slide|figure|fig\.?)\s*\d+(\s*(of|/)\s*\d+)?$", re.IGNORECASE
)


@dataclass(frozen=True)
class TextConfig:
    min_caption_chars: int = 2
    max_caption_chars: int = 1000


def clean_caption(text: str | None) -> str:
    """Mend mojibake and HTML entities, drop control characters, collapse whitespace."""
    if not text:
        return ""
    return " ".join(ftfy.fix_text(text).split())


def caption_problem(text: str, config: TextConfig) -> tuple[str, str] | None:
    """(reason, detail) when a cleaned caption cannot be used, else None."""
    if not text:
        return "missing_caption", "no alt text or caption"
    if len(text) < config.min_caption_chars:
        return "caption_too_short", f"{len(text)} < {config.min_caption_chars} characters: {text!r}"
    if len(text) > config.max_caption_chars:
        return "caption_too_long", f"{len(text)} > {config.max_caption_chars} characters"
    return None


def is_boilerplate(text: str) -> bool:
    """True for alt text that names no content: generic words, file names, camera names, no letter at all.

    Letters of every script count (str.isalpha is Unicode-aware): "東京タワー" describes, "12345" does not.
    """
    lowered = text.strip().lower().rstrip(".!:")
    return bool(
        lowered in BOILERPLATE_PHRASES
        or FILE_NAME.match(lowered)
        or CAMERA_NAME.match(lowered)
        or NUMBERED_IMAGE.match(lowered)
        or not any(character.isalpha() for character in lowered)
    )
