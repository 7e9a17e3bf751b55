"""Where ingest's per-image CPU time goes: each step of `capfilt.ingest.normalize.normalize_image` timed
apart on the same images (decode with the JPEG draft scaling, resize, encode, sha256 of the encoded
bytes, pHash of the resized image), in this one process and thread.

    python -m benchmarks.ingest_stages [--images 500] [--image_size 256] [--resize 128] [--rounds 3]

The images are demo-world scenes (JPEG at --image_size) or, with `--photos`, the real photos of
tests/data/real/images/skimage enlarged to 1024-2400 px (where the draft decode matters). Compare the
total with an end-to-end rate (`benchmarks/ingest.py --steady_state`, ms per URL on two processes) to see
what fetching and Beam cost on top. The proportions hold on a busy machine, the milliseconds do not.
Ends with one JSON line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import statistics
import time
from dataclasses import dataclass

import imagehash

from benchmarks.decode import large_photos, world_images
from capfilt.flags import option, parse_settings
from capfilt.images import decode_image
from capfilt.ingest.normalize import ENCODINGS, NormalizeConfig, _draft_target, resize

STAGES = ("decode", "resize", "encode", "sha256", "phash")


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    images: int = option(500, "demo-world images")
    image_size: int = option(256, "side of the demo-world images")
    resize: int = option(128, "ingest's --image_size (keep_ratio)")
    rounds: int = option(3, "timed rounds; the median of each stage is reported")
    photos: bool = option(False, "use the enlarged real photos instead of demo-world scenes")


def one_round(images: list[bytes], config: NormalizeConfig) -> dict[str, float]:
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter
    for data in images:
        started = clock()
        decoded = decode_image(data, config.limits, lambda w, h: _draft_target(w, h, config))
        decoded.image.load()
        after_decode = clock()
        image = resize(decoded.image, config)
        after_resize = clock()
        buffer = io.BytesIO()
        image.save(buffer, ENCODINGS[config.encode_format], quality=config.encode_quality)
        encoded = buffer.getvalue()
        after_encode = clock()
        hashlib.sha256(encoded).hexdigest()
        after_sha = clock()
        str(imagehash.phash(image))
        done = clock()
        spent["decode"] += after_decode - started
        spent["resize"] += after_resize - after_decode
        spent["encode"] += after_encode - after_resize
        spent["sha256"] += after_sha - after_encode
        spent["phash"] += done - after_sha
    return spent


def main(argv: list[str] | None = None) -> dict:
    args = parse_settings(Settings, argv, prog="python -m benchmarks.ingest_stages", description=__doc__)
    images = large_photos() if args.photos else world_images(args.images, args.image_size)
    config = NormalizeConfig(image_size=args.resize, resize_mode="keep_ratio", encode_quality=95)
    load = os.getloadavg()[0]
    rounds = [one_round(images, config) for _ in range(args.rounds)]
    ms = {stage: 1000 * statistics.median(r[stage] for r in rounds) / len(images) for stage in STAGES}
    total = sum(ms.values())
    for stage in STAGES:
        print(f"{stage:>7}: {ms[stage]:.3f} ms/image ({100 * ms[stage] / total:.1f} %)")
    print(f"  total: {total:.3f} ms/image, {len(images)} images, load average before {load:.2f}")
    summary = {
        "benchmark": "ingest_stages",
        "images": len(images),
        "set": "photos" if args.photos else f"world_{args.image_size}px",
        "resize": args.resize,
        "ms_per_image": {stage: round(value, 4) for stage, value in ms.items()},
        "share": {stage: round(ms[stage] / total, 3) for stage in STAGES},
        "load_before": round(load, 2),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
