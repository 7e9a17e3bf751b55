"""Where CapFilt keeps what it can rebuild (the demo world, benchmark checkpoints, weight digests)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """$CAPFILT_CACHE, else $XDG_CACHE_HOME/capfilt, else ~/.cache/capfilt."""
    base = os.environ.get("CAPFILT_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "capfilt"
    )
    return Path(base)
