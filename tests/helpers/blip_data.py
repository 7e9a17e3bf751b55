"""Tiny `pairs` and `curated` Parquet files for the BLIP tests: solid-colour images, captions naming them."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

import schemas

COLORS = {"red": (220, 30, 30), "green": (30, 200, 30), "blue": (30, 30, 220), "yellow": (230, 220, 20)}
SHAPES = ("circle", "square")


def png(color: tuple[int, int, int], size: int = 32) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def pair_rows(count: int, prefix: str = "pair", references: bool = False) -> list[dict]:
    names = list(COLORS)
    rows = []
    for i in range(count):
        color = names[i % len(names)]
        caption = f"a {color} {SHAPES[(i // len(names)) % 2]} on a plain background"
        rows.append(
            {
                "key": f"{prefix}-{i:04d}",
                "caption": caption,
                "references": [caption, f"the {color} picture"] if references else None,
                "image": {"bytes": png(COLORS[color]), "path": None},
                "width": 32,
                "height": 32,
                "source": "test",
            }
        )
    return rows


def write_pairs(directory: Path, count: int, files: int = 1, prefix: str = "pair", **kwargs) -> str:
    """`count` rows over `files` files; returns the glob."""
    rows = pair_rows(count, prefix, **kwargs)
    directory.mkdir(parents=True, exist_ok=True)
    for part in range(files):
        schemas.write_table(rows[part::files], schemas.PAIRS, str(directory / f"part-{part:05d}.parquet"))
    return str(directory / "*.parquet")


def write_curated(directory: Path, count: int) -> str:
    rows = []
    for row in pair_rows(count, prefix="cur"):
        rows.append(
            {
                "key": row["key"],
                "image": row["image"],
                "web_caption": row["caption"],
                "captions": [row["caption"], "kept synthetic " + row["caption"]],
                "source": "test",
            }
        )
    directory.mkdir(parents=True, exist_ok=True)
    schemas.write_table(rows, schemas.CURATED, str(directory / "part-00000.parquet"))
    return str(directory / "*.parquet")
