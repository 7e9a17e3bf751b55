"""Crawl-parsing speed: WARC files to `<img>` rows with capfilt.ingest.crawl, optionally against an
older version.

    python -m benchmarks.crawl [--web 400] [--repeat 3] [--baseline OLD_CRAWL.py]

Reads the real WARCs of tests/data/real/crawl and the demo site's WARC (a world of --web images, built
offline) with `capfilt.ingest.crawl.iter_warc_images`, --repeat times each, and reports rows, pages and
MB/s of
archive per file. With --baseline (a copy of an older capfilt/ingest/crawl.py, e.g.
`git show REV:capfilt/ingest/crawl.py
> /tmp/crawl_before.py`), the same files go through that module's `iter_warc_images(stream)` too; a file it
crashes on is reported with the exception. Only parsing is timed (no Beam, no download). Ends with one
JSON line.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from capfilt.flags import option, parse_settings

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "real" / "crawl"
REAL_FILES = [
    "upstream/warcfile.warc.gz",
    "upstream/whirlwind.warc.gz",
    "upstream/clueweb-quirk-head.warc.gz",
    "pages.warc.gz",
    "charsets.warc.gz",
]


def _load(path: str):
    spec = importlib.util.spec_from_file_location("crawl_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _demo_warc(web: int) -> str:
    from capfilt.world.config import WorldConfig
    from capfilt.world.generate import generate_world
    from capfilt.world.site import build_site

    work = tempfile.mkdtemp(prefix="crawl-bench-")
    generate_world(
        work, WorldConfig(web=web, human=0, test=0, classify=0, documents=0, clips=0), progress=False
    )
    os.makedirs(f"{work}/site")
    build_site(work, base_url="http://127.0.0.1:8000/", traps=False)
    return f"{work}/site/site.warc.gz"


def _time(iterate, path: str, repeat: int) -> dict:
    rows = pages = 0
    started = time.perf_counter()
    try:
        for _ in range(repeat):
            with open(path, "rb") as stream:
                seen, rows = set(), 0
                for record_index, _item in iterate(stream):
                    seen.add(record_index)
                    rows += 1
                pages = len(seen)
    except Exception as error:  # the baseline may crash on real files; that is a result too
        return {"crashed": f"{type(error).__name__}: {str(error)[:80]}"}
    seconds = (time.perf_counter() - started) / repeat
    megabytes = os.path.getsize(path) / 1e6
    return {
        "rows": rows,
        "pages": pages,
        "seconds": round(seconds, 4),
        "mb_per_s": round(megabytes / seconds, 2),
    }


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    web: int = option(400, "images of the demo world whose site WARC is read")
    repeat: int = option(3, "timed passes over each file; the mean is reported")
    baseline: str | None = option(None, "path of an older capfilt/ingest/crawl.py to compare with")


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.crawl", description=__doc__.splitlines()[0])

    from capfilt.ingest import crawl

    files = {name: str(REAL / name) for name in REAL_FILES}
    files["demo site.warc.gz"] = _demo_warc(args.web)
    implementations = {"current": crawl.iter_warc_images}
    if args.baseline:
        implementations["baseline"] = _load(args.baseline).iter_warc_images
    results = {}
    for name, path in files.items():
        results[name] = {
            label: _time(iterate, path, args.repeat) for label, iterate in implementations.items()
        }
        cells = []
        for label, result in results[name].items():
            if "crashed" in result:
                cells.append(f"{label}: crashed ({result['crashed']})")
            else:
                cells.append(
                    f"{label}: {result['rows']} rows from {result['pages']} records, "
                    f"{result['seconds'] * 1000:.0f} ms, {result['mb_per_s']} MB/s"
                )
        print(f"{name:38s} {os.path.getsize(path) / 1e6:6.2f} MB  " + " | ".join(cells), file=sys.stderr)
    print(json.dumps({"benchmark": "crawl", "repeat": args.repeat, "web": args.web, "files": results}))


if __name__ == "__main__":
    main()
