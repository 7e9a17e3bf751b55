"""Demo-world generation speed on one process: images/s at 64 and 224 px.

Two figures per size: rendering alone (scene sampling, drawing, JPEG encoding) and the whole generator
(`generate_world`: text, ground truth and Parquet writing included, web split only).

    .venv/bin/python -m benchmarks.world [--images 1000]

Prints one line per measurement and ends with exactly one JSON line.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass

from capfilt.flags import option, parse_settings
from capfilt.world import WorldConfig, generate_world
from capfilt.world.render import encode_jpeg, render_scene
from capfilt.world.scene import sample_scene
from capfilt.world.seeding import rng_for
from capfilt.world.vocab import BACKGROUNDS

SIZES = (64, 224)


def render_rate(size: int, images: int) -> float:
    started = time.perf_counter()
    for index in range(images):
        scene = sample_scene(rng_for(0, "bench", index, "scene"), BACKGROUNDS, held_out=False)
        encode_jpeg(render_scene(scene, rng_for(0, "bench", index, "render"), size))
    return images / (time.perf_counter() - started)


def generator_rate(size: int, images: int) -> float:
    config = WorldConfig(web=images, human=0, test=0, classify=0, documents=0, clips=0, image_size=size)
    with tempfile.TemporaryDirectory() as output:
        started = time.perf_counter()
        generate_world(output, config, progress=False)
        return images / (time.perf_counter() - started)


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    images: int = option(1000, "images per run at 64 px (a quarter at 224)")


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.world", description=__doc__.splitlines()[0])
    results = {}
    for size in SIZES:
        images = args.images if size == 64 else max(1, args.images // 4)
        render_rate(size, 20)  # warm-up: imports, caches
        render, generate = round(render_rate(size, images), 1), round(generator_rate(size, images), 1)
        results[f"render_{size}px_images_per_s"] = render
        results[f"generate_{size}px_images_per_s"] = generate
        print(
            f"{size:>4} px: render+JPEG {render:8.1f} images/s, "
            f"generate_world {generate:8.1f} images/s ({images} images, 1 process)"
        )
    print(json.dumps({"benchmark": "world", **results}))


if __name__ == "__main__":
    main()
