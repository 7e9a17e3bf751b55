"""Atomic publish: the one place that writes under a temporary name and renames into place.

A file or a folder is built under a temporary name in the same folder as its final name (a rename within
one filesystem is atomic on local disks; object stores copy), so a crash never leaves anything that looks
final, and the temporary one is removed when the writing fails. Files go through fsspec (local, gs://,
s3://); folders are local only (model caches, checkpoints, the demo world).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import fsspec

# The mark of every temporary name; readers of our folders skip such names (see pipelines/common/staging).
IN_PROGRESS_SUFFIX = ".inprogress"


def temporary_name(target: str) -> str:
    """A fresh temporary name beside `target` (unique, so concurrent writers never share one)."""
    return f"{target}{IN_PROGRESS_SUFFIX}-{uuid.uuid4().hex[:8]}"


def publish_file(
    path: str | os.PathLike,
    content: bytes | str | Callable[[IO[bytes]], None],
    fs: fsspec.AbstractFileSystem | None = None,
) -> str:
    """Write `path` whole or not at all; returns `path`.

    `content` is the bytes (a str is written as UTF-8) or a function that writes into the open binary
    handle. `fs` is the filesystem when `path` is already stripped of its protocol (a `Location` path);
    otherwise `path` is any fsspec URL. The parent folder is created when missing.
    """
    if fs is None:
        fs, target = fsspec.core.url_to_fs(str(path))
    else:
        target = str(path)
    parent = target.rsplit("/", 1)[0] if "/" in target else "."
    fs.makedirs(parent, exist_ok=True)
    temporary = temporary_name(target)
    try:
        if callable(content):
            with fs.open(temporary, "wb") as handle:
                content(handle)
        else:
            fs.pipe_file(temporary, content.encode() if isinstance(content, str) else content)
        fs.mv(temporary, target)
    except BaseException:
        with suppress(OSError):
            if fs.exists(temporary):
                fs.rm(temporary)
        raise
    return str(path)


def replace_folder(staging: Path, target: Path) -> None:
    """Move a finished folder over `target`, removing what was there (a newer checkpoint replaces the
    older one). The old folder is moved aside first, so the new one takes its name in one rename."""
    aside = None
    if target.exists():
        aside = Path(temporary_name(str(target)))
        os.replace(target, aside)
    os.replace(staging, target)
    if aside is not None:
        shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def building_folder(target: Path, ready: Callable[[Path], bool] | None = None) -> Iterator[Path]:
    """Yield a fresh temporary folder beside `target` to build into; on success it is renamed to `target`.

    When `target` already exists once the build finishes (another process finished first, which `ready`,
    when given, confirms by looking inside), that one is kept and this build is discarded: both are the
    same thing built twice. On an error the temporary folder is removed and the error goes on.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{target.name}{IN_PROGRESS_SUFFIX}-", dir=target.parent))
    try:
        yield staging
        try:
            os.replace(staging, target)
        except OSError:
            if not target.exists() or (ready is not None and not ready(target)):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # left over only on an error or a lost race
