"""Pre-flight checks of --output, before Beam starts: can it be written, does it overlap an input, and what in
it may a run replace. A refusal is one line naming the folder and what to do."""

from __future__ import annotations

import os
import posixpath

import fsspec

from pipelines.common.staging import Location, is_bookkeeping, read_manifest

# Results are named like Beam's shards; a file of this shape in a job's own folders is one it could write.
SHARD_PREFIX = "part-"


class OutputRefused(ValueError):
    """The output folder cannot or must not be written by this run."""


def listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def check_location(location: Location) -> bool:
    """The folder exists (created here if needed) and is a folder this process may write. True when it was
    created here."""
    fs, url = location.fs, location.url
    if not url:
        raise OutputRefused("--output is empty; name the output folder")
    existed = fs.exists(location.root)
    if existed and not fs.isdir(location.root):
        raise OutputRefused(f"--output {url} is a file, not a folder")
    try:
        fs.makedirs(location.root, exist_ok=True)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or error
        raise OutputRefused(f"--output {url} cannot be created: {reason}") from error
    if location.is_local and not os.access(location.root, os.W_OK | os.X_OK):
        raise OutputRefused(f"--output {url} is not writable by this user")
    return not existed


def _same_file_system_path(location: Location, path: str) -> str | None:
    """`path` as a path of the output's filesystem (resolved locally), or None on another filesystem."""
    fs, stripped = fsspec.core.url_to_fs(path)
    if type(fs) is not type(location.fs):
        return None
    return os.path.realpath(stripped) if location.is_local else stripped


def check_overlap(location: Location, inputs: list[str]) -> None:
    """Refuse an output folder that holds an input: the run would replace what it reads."""
    root = os.path.realpath(location.root) if location.is_local else location.root
    for path in inputs:
        resolved = _same_file_system_path(location, path)
        if resolved is not None and (resolved == root or resolved.startswith(root.rstrip("/") + "/")):
            raise OutputRefused(
                f"--output {location.url} contains the input {path}: the run would replace its own input. "
                "Write to a folder outside every --input"
            )


def could_write(relative: str, directories: list[str], files: list[str]) -> bool:
    """Whether a run of the job may produce a file of this name (so would replace a foreign one)."""
    head, name = posixpath.split(relative)
    return relative in files or (head in directories and name.startswith(SHARD_PREFIX))


def check_contents(
    location: Location, job: str, overwrite: bool, directories: list[str], files: list[str]
) -> tuple[list[str], list[str]]:
    """What is already in the folder: (files of an earlier run of this job, which this run replaces;
    files no run of this job wrote, which stay). Refuses unless the folder is empty or holds only an
    earlier run of the same job, or --overwrite says to replace this job's files and keep the rest."""
    present = [name for name in location.files() if not is_bookkeeping(name)]
    manifest = read_manifest(location)
    if manifest and manifest["job"] != job and present:
        raise OutputRefused(
            f"--output {location.url} holds the output of {manifest['job']}, not of {job}; "
            "choose another folder"
        )
    ours = set(manifest["files"]) if manifest and manifest["job"] == job else set()
    previous = [name for name in present if name in ours]
    foreign = [name for name in present if name not in ours]
    if foreign and not overwrite:
        raise OutputRefused(
            f"--output {location.url} is not empty and is not an earlier output of {job}: it holds "
            f"{listing(foreign)}. Choose a new or empty folder, or pass --overwrite to replace this job's "
            "own files there (files it did not write are kept)"
        )
    clashes = [name for name in foreign if could_write(name, directories, files)]
    if clashes:
        raise OutputRefused(
            f"--output {location.url}: --overwrite would replace {listing(clashes)}, which no earlier run of "
            f"{job} wrote there (no {job} manifest lists them); move them away first"
        )
    return previous, foreign
