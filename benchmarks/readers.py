"""What reading inputs strictly costs: our WebDataset reader vs webdataset's own, and ingest with and
without its key-uniqueness step, on the same generated shard (best of --repeat runs each, interleaved).

    python -m benchmarks.readers [--samples 2000] [--image_size 64] [--repeat 3]

The shard holds distinct JPEGs with a caption and a .json each. The reader figures time the whole read of
the .tar and the .tar.gz (our reader also checks every header, the end of the archive and the gzip CRC,
and types every field); the ingest figures time `pipelines.ingest` end to end (Beam start-up included) on
the .tar, once as it is and once with its key grouping (`KeyRenames`) left out. Ends with one JSON line.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import tarfile
import tempfile
import time
from dataclasses import dataclass

from capfilt.flags import option, parse_settings

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")


def make_shard(path: str, samples: int, size: int) -> int:
    from PIL import Image

    rng = random.Random(0)
    with tarfile.open(path, "w") as tar:
        for index in range(samples):
            image = Image.frombytes("RGB", (size, size), rng.randbytes(size * size * 3))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=90)
            meta = {"url": f"https://bench.capfilt.invalid/{index}.jpg", "width": size, "height": size}
            for extension, data in (
                ("jpg", buffer.getvalue()),
                ("txt", f"random noise number {index}".encode()),
                ("json", json.dumps(meta).encode()),
            ):
                info = tarfile.TarInfo(f"{index:09d}.{extension}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return os.path.getsize(path)


def _timed(read, repeat: int) -> tuple[float, int]:
    """Best wall time of `repeat` runs (the machine may be shared) and what the run returned."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = read()
        best = min(best, time.perf_counter() - started)
    return best, result


def ours(path: str) -> int:
    from capfilt.readers import read_file

    return sum(1 for item in read_file(path) if isinstance(item, dict))


def webdatasets(path: str) -> int:
    from webdataset.tariterators import group_by_keys, tar_file_expander

    with open(path, "rb") as stream:
        return sum(1 for _ in group_by_keys(tar_file_expander([{"stream": stream, "url": path}])))


def ingest(path: str, output: str, with_unique_keys: bool) -> dict:
    import apache_beam as beam

    from pipelines import ingest as job

    original = job.KeyRenames
    if not with_unique_keys:  # no key grouping: no renames reach the URL grouping
        job.KeyRenames = lambda route: beam.FlatMap(lambda located: [])
    try:
        return job.run(["--input", path, "--output", output, "--phash_threshold", "-1", "--image_size", "64"])
    finally:
        job.KeyRenames = original


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    samples: int = option(2000, "samples in the generated shard")
    image_size: int = option(64, "side of the generated images")
    repeat: int = option(3, "timed runs per reader; the best is reported")


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.readers", description=__doc__.splitlines()[0])
    results: dict = {"samples": args.samples}
    with tempfile.TemporaryDirectory() as work:
        plain = f"{work}/shard.tar"
        size = make_shard(plain, args.samples, args.image_size)
        compressed = f"{work}/shard.tar.gz"
        with open(plain, "rb") as source, gzip.open(compressed, "wb") as target:
            target.write(source.read())
        results["tar_mb"] = round(size / 1e6, 2)
        ours(plain), webdatasets(plain)  # imports and page cache warm before anything is timed
        for name, path in (("tar", plain), ("tar_gz", compressed)):
            for reader, read in (("ours", ours), ("webdataset", webdatasets)):
                seconds, count = _timed(lambda read=read, path=path: read(path), args.repeat)
                assert count == args.samples, (reader, name, count)
                results[f"{reader}_{name}_samples_per_s"] = round(count / seconds)
                print(f"{reader:>10} reader, {name:>6}: {count / seconds:8.0f} samples/s ({seconds:.2f} s)")
        best = {True: float("inf"), False: float("inf")}
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            for flag in (True, False):
                started = time.perf_counter()
                stats = ingest(plain, f"{work}/out-{flag}", flag)
                best[flag] = min(best[flag], time.perf_counter() - started)
                assert stats["accounted"] and stats["pairs"] == args.samples, stats
        for flag, label in ((True, "with_unique_keys"), (False, "without_unique_keys")):
            results[f"ingest_{label}_s"] = round(best[flag], 2)
            print(f"ingest {label:>20}: {best[flag]:6.2f} s ({args.samples / best[flag]:.0f} pairs/s)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
