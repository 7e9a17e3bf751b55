"""Decode + normalise speed of ingest's image step (`capfilt.ingest.normalize.normalize_image`) on three sets:
the demo world's web images (JPEG, the world's size), the real files of tests/data/real/images (JPEG,
PNG, GIF, WebP, TIFF, AVIF...), and its four photos enlarged to 1024, 1600 and 2400 px on the long side
as JPEG quality 90 (typical web photos, which the JPEG draft decode shrinks in the DCT). Each set is
normalised `--rounds` times; the median round is reported.

    python -m benchmarks.decode [--world_images 300] [--world_size 256] [--image_size 128] [--rounds 5]

It uses only what every version of `normalize_image` has, so the same file copied into an older checkout
(with this one's tests/data/real/images) measures it too, for before/after figures. Images a version
refuses count as processed (a refusal is work done too); exceptions that escape are counted apart.
Prints figures and ends with one JSON line.
"""

from __future__ import annotations

import io
import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from PIL import Image

from capfilt.flags import option, parse_settings
from capfilt.ingest.normalize import ImageRejected, NormalizeConfig, normalize_image
from capfilt.world.config import WorldConfig
from capfilt.world.generate import generate_world

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real" / "images"
PHOTOS = ("astronaut.jpg", "chelsea.jpg", "coffee.jpg", "rocket.jpg")
SIDES = (1024, 1600, 2400)


def world_images(count: int, size: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as directory:
        config = WorldConfig(web=count, human=0, test=0, classify=0, documents=0, clips=0, image_size=size)
        generate_world(directory, config, progress=False)
        rows = [
            r for p in sorted(Path(directory, "web").glob("*.parquet")) for r in pq.read_table(p).to_pylist()
        ]
    return [row["image"]["bytes"] for row in rows]


def real_files() -> list[bytes]:
    return [p.read_bytes() for p in sorted(REAL.glob("*/*")) if p.suffix not in (".py", ".md")]


def large_photos() -> list[bytes]:
    out = []
    for name in PHOTOS:
        with Image.open(REAL / "skimage" / name) as photo:
            for side in SIDES:
                scale = side / max(photo.size)
                size = (round(photo.width * scale), round(photo.height * scale))
                buffer = io.BytesIO()
                photo.resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=90)
                out.append(buffer.getvalue())
    return out


def one_round(images: list[bytes], config: NormalizeConfig) -> tuple[float, int, int]:
    """Seconds, images refused (ImageRejected), images whose exception escaped (older versions)."""
    refused = escaped = 0
    started = time.perf_counter()
    for data in images:
        try:
            normalize_image(data, config)
        except ImageRejected:
            refused += 1
        except Exception:  # noqa: BLE001 - counted: a version that leaks exceptions would crash ingest here
            escaped += 1
    return time.perf_counter() - started, refused, escaped


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    world_images: int = option(300, "demo-world web images to generate")
    world_size: int = option(256, "side of the demo world's images")
    image_size: int = option(128, "ingest's --image_size")
    rounds: int = option(5, "timed rounds per set; the median is reported")


def main(argv: list[str] | None = None) -> dict:
    args = parse_settings(Settings, argv, prog="python -m benchmarks.decode", description=__doc__)
    # The same work for every version: no size or aspect limit, small images enlarged as img2dataset does.
    options = {"image_size": args.image_size, "min_image_size": 0}
    fields = NormalizeConfig.__dataclass_fields__
    options.update({k: v for k, v in (("allow_upscale", True), ("max_aspect_ratio", 0)) if k in fields})
    config = NormalizeConfig(**options)
    sets = {
        "world": world_images(args.world_images, args.world_size),
        "real_files": real_files(),
        "large_photos": large_photos(),
    }
    results = {}
    for name, images in sets.items():
        one_round(images, config)  # warm-up: imports, codec initialisation, caches
        rounds = [one_round(images, config) for _ in range(args.rounds)]
        seconds = statistics.median(r[0] for r in rounds)
        results[name] = {
            "images": len(images),
            "refused": rounds[0][1],
            "escaped": rounds[0][2],
            "ms_per_image": round(1000 * seconds / len(images), 3),
            "images_per_s": round(len(images) / seconds, 1),
        }
        print(
            f"{name:14s} {len(images):4d} images ({rounds[0][1]} refused, {rounds[0][2]} escaped): "
            f"{results[name]['ms_per_image']:.3f} ms/image, {results[name]['images_per_s']:.1f} images/s"
        )
    summary = {"benchmark": "decode", "image_size": args.image_size, "rounds": args.rounds, **results}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
