"""The sha256 of a checkpoint's weight files, remembered between runs.

Every run hashes its local checkpoints for the corpus's portable model names (checkpoints.portable_name):
about 1.2 CPU-s for the two demo-sized models, several seconds wall on a busy machine. The digest is kept in
one small JSON file under the cache root (capfilt.cache_dir), keyed by each file's resolved path, size,
mtime_ns, ctime_ns and inode: rewriting, replacing or touching a file changes its key, so it is hashed again
(ctime cannot be set back by tools that preserve mtime). The cache only saves time: a missing, corrupt or
unwritable cache file is ignored and the weights are hashed as before.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from capfilt.cache_dir import cache_root

CACHE_FILE = "weights-sha256.json"
FORMAT = 1
MAX_ENTRIES = 256  # the most recently stored digests kept; a machine holds a handful of checkpoints
# A file modified less than this ago may still be being written within one timestamp tick: not remembered.
SETTLE_NS = 2_000_000_000
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def cache_file() -> Path:
    return cache_root() / CACHE_FILE


def files_key(files: list[Path]) -> str:
    """What identifies these files' current content without reading it (raises OSError if one is missing)."""
    stats = [(str(path.resolve()), path.stat()) for path in files]
    return json.dumps([[name, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino] for name, s in stats])


def read_entries(path: Path) -> dict[str, str]:
    """The cache's key -> digest entries; {} for a missing, unreadable or malformed file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("entries") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(entries, list):
        return {}
    return {
        entry[0]: entry[1]
        for entry in entries
        if isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], str)
        and SHA256_HEX.fullmatch(entry[1])
    }


def write_entries(path: Path, entries: dict[str, str]) -> None:
    """Replace the cache file atomically (a reader sees the old or the new file, never half of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = list(entries.items())[-MAX_ENTRIES:]
    handle, staging = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".inprogress")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "entries": [list(entry) for entry in kept]}, out)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise


def settled(files: list[Path]) -> bool:
    now = time.time_ns()
    return all(now - path.stat().st_mtime_ns >= SETTLE_NS for path in files)


def cached_sha256(files: list[Path], compute: Callable[[], str]) -> str:
    """`compute()` (the sha256 hex digest of `files`), or the digest stored for these files unchanged."""
    try:
        key = files_key(files)
    except OSError:
        return compute()  # a missing file: compute reports it as it always has
    path = cache_file()
    digest = read_entries(path).get(key)
    if digest is not None:
        return digest
    digest = compute()
    try:
        if files_key(files) == key and settled(files):  # unchanged while it was read, and not still written
            entries = read_entries(path)  # another process may have added entries meanwhile
            entries.pop(key, None)
            entries[key] = digest
            write_entries(path, entries)
    except OSError:
        pass  # an unwritable cache only costs the next run a rehash
    return digest
