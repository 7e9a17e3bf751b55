"""Staged job outputs: a job writes under `OUTPUT/_inprogress-<run id>/`, and only a finished run moves its
files to their final names, listing them in `OUTPUT/_manifest.json` so that a later run of the same job
replaces exactly those files and nothing a user put there.

Readers skip names starting with "_", so a crashed run leaves nothing that looks final. Everything goes
through fsspec, so a `gs://` or `s3://` output behaves as a local one (renames there are copies).
"""

from __future__ import annotations

import json
import posixpath
import uuid
from dataclasses import dataclass

import fsspec

from schemas.publish import IN_PROGRESS_SUFFIX, publish_file

STAGING_PREFIX = "_inprogress-"
# Run ids are this many hex digits (uuid4's first ones).
RUN_ID_LENGTH = 12
MANIFEST = "_manifest.json"
# The owner marker of a running job (pipelines/common/output_lock.py).
LOCK = "_lock.json"
MANIFEST_FORMAT = 1
# Written for a short moment next to its final name, then renamed (schemas.publish).
TEMPORARY_SUFFIX = IN_PROGRESS_SUFFIX


@dataclass(frozen=True)
class Location:
    """An output folder: `url` as the user wrote it (for messages), `root` as its filesystem's path."""

    url: str
    fs: fsspec.AbstractFileSystem
    root: str

    @classmethod
    def of(cls, url: str) -> Location:
        url = url.rstrip("/") or url
        fs, root = fsspec.core.url_to_fs(url)
        return cls(url, fs, root.rstrip("/") or root)

    @property
    def is_local(self) -> bool:
        return "file" in _protocols(self.fs)

    def path(self, *parts: str) -> str:
        return posixpath.join(self.root, *parts)

    def url_of(self, *parts: str) -> str:
        """What Beam's writers and fsspec.open take: a plain path locally, `scheme://path` elsewhere."""
        path = self.path(*parts)
        return path if self.is_local else self.fs.unstrip_protocol(path)

    def relative(self, path: str) -> str:
        return path[len(self.root) + 1 :] if path.startswith(self.root + "/") else path

    def files(self) -> list[str]:
        """Every file below the folder, as paths relative to it (empty when the folder does not exist)."""
        if not self.fs.exists(self.root):
            return []
        return sorted(self.relative(p) for p in self.fs.find(self.root, withdirs=False))

    def write_text(self, name: str, text: str) -> None:
        """Write `name` whole or not at all: a temporary name beside it, then a rename."""
        publish_file(self.path(name), text, fs=self.fs)

    def read_json(self, name: str) -> dict | None:
        """A JSON object, or None when the file is absent or not a JSON object (e.g. half written)."""
        try:
            with self.fs.open(self.path(name), "rb") as handle:
                value = json.loads(handle.read())
        except (OSError, ValueError):
            return None
        return value if isinstance(value, dict) else None


def _protocols(fs) -> tuple[str, ...]:
    return (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)


def _is_leftover(name: str) -> bool:
    """A staging folder or a half-written bookkeeping file, by the exact names this module gives them."""
    if name.startswith(STAGING_PREFIX):
        run_id = name[len(STAGING_PREFIX) :]
        return len(run_id) == RUN_ID_LENGTH and all(c in "0123456789abcdef" for c in run_id)
    return name.startswith((f"{MANIFEST}{TEMPORARY_SUFFIX}-", f"{LOCK}{TEMPORARY_SUFFIX}-"))


def is_bookkeeping(relative: str) -> bool:
    """Files of the staging machinery itself (manifest, lock, staging folders), not results."""
    first = relative.split("/", 1)[0]
    return first in (MANIFEST, LOCK) or _is_leftover(first)


def new_run_id() -> str:
    return uuid.uuid4().hex[:RUN_ID_LENGTH]


def staging_name(run_id: str) -> str:
    return f"{STAGING_PREFIX}{run_id}"


def stale_staging(location: Location, keep: str | None = None) -> list[str]:
    """Staging folders (and half-written bookkeeping files) left in the output by runs that died."""
    if not location.fs.exists(location.root):
        return []
    names = [location.relative(p).rstrip("/") for p in location.fs.ls(location.root, detail=False)]
    return sorted(name for name in names if name != keep and _is_leftover(name))


def remove(location: Location, relative: str) -> None:
    path = location.path(relative)
    if location.fs.exists(path):
        location.fs.rm(path, recursive=True)


def read_manifest(location: Location) -> dict | None:
    manifest = location.read_json(MANIFEST)
    if manifest is None or not isinstance(manifest.get("files"), list) or not manifest.get("job"):
        return None
    return manifest


def write_manifest(location: Location, job: str, run_id: str, files: list[str]) -> None:
    manifest = {"job": job, "format": MANIFEST_FORMAT, "run_id": run_id, "files": sorted(set(files))}
    location.write_text(MANIFEST, json.dumps(manifest, indent=2) + "\n")


def staged_files(location: Location, staging: str, directories: list[str], files: list[str]) -> list[str]:
    """The results a run staged, relative to the output: each named directory's files, then `files`."""
    found = []
    for directory in directories:
        base = location.path(staging, directory)
        if location.fs.exists(base):
            for path in sorted(location.fs.ls(base, detail=True), key=lambda entry: entry["name"]):
                name = path["name"].rstrip("/").rsplit("/", 1)[-1]
                # Beam's writers leave nothing else on success; a temporary or hidden name is not a result.
                hidden = name.startswith(("_", ".")) or TEMPORARY_SUFFIX in name
                if path["type"] == "file" and not hidden:
                    found.append(f"{directory}/{name}")
    return found + [name for name in files if location.fs.exists(location.path(staging, name))]


def promote(
    location: Location,
    staging: str,
    job: str,
    run_id: str,
    directories: list[str],
    files: list[str],
    previous: list[str],
) -> list[str]:
    """Replace the previous run's files (`previous`, from its manifest) with the staged ones.

    Order matters for a run killed half way: the completion marker (the last of `files`, stats.json) goes
    first and comes back last, and the manifest always lists every file of ours on disk, so the next run
    knows what it may remove. Returns the new run's files.
    """
    new = staged_files(location, staging, directories, files)
    marker = files[-1]
    if marker in previous:
        remove(location, marker)
    write_manifest(location, job, run_id, previous + new)
    for name in sorted(set(previous) - set(new)):
        remove(location, name)
    for directory in directories:
        location.fs.makedirs(location.path(directory), exist_ok=True)
    for name in new:
        if name != marker:
            location.fs.mv(location.path(staging, name), location.path(name))
    write_manifest(location, job, run_id, new)
    if marker in new:
        location.fs.mv(location.path(staging, marker), location.path(marker))
    remove(location, staging)
    return new
