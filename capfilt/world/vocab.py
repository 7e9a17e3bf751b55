"""The demo world's fixed vocabulary: what can be drawn and every word used to name it.

Word sets are disjoint across attributes and values (no word names two things), so grading a caption
against ground truth is unambiguous. Background words never use a colour or shape word.
"""

from __future__ import annotations

# Saturated colours, far from the muted backgrounds they are drawn on.
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 38, 38),
    "orange": (249, 133, 20),
    "yellow": (250, 214, 30),
    "green": (34, 160, 60),
    "blue": (37, 84, 235),
    "purple": (136, 54, 200),
    "white": (250, 250, 250),
    "black": (20, 20, 20),
}
SHAPES = ("circle", "square", "triangle", "star", "cross", "diamond")
SIZES = ("small", "large")
POSITIONS = ("left", "right", "top", "bottom", "center")
BACKGROUNDS = ("plain", "stripes", "checks", "dots", "noise", "gradient")
MOTIONS = ("left to right", "right to left", "top to bottom", "bottom to top", "still")

# Words that name each value; the first is the canonical one used in ground-truth descriptions.
COLOR_WORDS = {name: (name,) for name in COLORS} | {"purple": ("purple", "violet")}
SHAPE_WORDS = {
    "circle": ("circle", "disc"),
    "square": ("square",),
    "triangle": ("triangle",),
    "star": ("star",),
    "cross": ("cross", "plus"),
    "diamond": ("diamond", "rhombus"),
}
SIZE_WORDS = {"small": ("small", "little", "tiny"), "large": ("large", "big")}
# Absolute positions, stated right after the object they place.
POSITION_PHRASES = {
    "left": ("on the left",),
    "right": ("on the right",),
    "top": ("at the top",),
    "bottom": ("at the bottom",),
    "center": ("in the center", "in the middle"),
}
BACKGROUND_WORDS = {
    "plain": ("plain", "solid", "blank"),
    "stripes": ("striped", "stripy"),
    "checks": ("checkered", "chequered"),
    "dots": ("dotted", "spotted"),
    "noise": ("speckled", "grainy"),
    "gradient": ("gradient", "shaded"),
}

# Centre of each position in fractions of the image side: the cells of a 3x3 grid, so objects never overlap.
POSITION_CENTERS = {
    "left": (1 / 6, 1 / 2),
    "right": (5 / 6, 1 / 2),
    "top": (1 / 2, 1 / 6),
    "bottom": (1 / 2, 5 / 6),
    "center": (1 / 2, 1 / 2),
}
# Object radius in fractions of the image side; a large object still fits its grid cell (1/3 wide).
SIZE_RADII = {"small": 0.10, "large": 0.155}


def reverse_index(words: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """word -> value, e.g. "violet" -> "purple"."""
    return {word: value for value, names in words.items() for word in names}
