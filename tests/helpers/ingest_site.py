"""A small demo world served as a website on 127.0.0.1, shared by the ingest tests."""

from __future__ import annotations

import json

from capfilt.world.site import build_site
from tests.helpers.worlds import WEB_ONLY, build_world

# Settings under which every trap ends where traps.json says (see each trap's "requires_below"). The
# timeout stays under the slow trap's 3 s delay and is three times the 0.5 s it was, so that a machine at
# several times its cores' load does not turn a slow read of a good image into a timeout.
LOOPBACK_ONLY = "127.0.0.1/32"
TEST_FLAGS = [
    "--allow_networks", LOOPBACK_ONLY,
    "--timeout", "1.5",
    "--retries", "1",
    "--backoff", "0.01",
    "--max_bytes", "500000",
    "--max_pixels", "10000000",
    "--image_size", "64",
    "--thread_count", "8",
]  # fmt: skip


def make_world(root, web: int = 40) -> str:
    return str(build_world(root, web=web, **WEB_ONLY))


def make_site(world: str, base_url: str) -> dict:
    summary = build_site(world, base_url=base_url, images_per_page=10)
    with open(f"{summary['site']}/traps.json") as handle:
        summary["manifest"] = json.load(handle)
    return summary
