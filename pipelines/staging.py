"""Atomic job outputs: a job writes under `<output>/_inprogress-<id>/`, and only a finished run promotes
its files to their final names. Readers skip names starting with "_", so a crashed run leaves nothing
that looks final. Works on any Beam filesystem (local, gs://, s3://).
"""

from __future__ import annotations

import uuid

from apache_beam.io.filesystems import FileSystems

STAGING_PREFIX = "_inprogress-"


def new_staging_dir(output: str) -> str:
    return FileSystems.join(output, f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}")


def _delete_if_exists(path: str) -> None:
    if FileSystems.exists(path):
        FileSystems.delete([path])


def _files_under(directory: str) -> list[str]:
    result = FileSystems.match([FileSystems.join(directory, "*")])[0]
    return sorted(m.path for m in result.metadata_list)


def promote(staging: str, output: str, directories: list[str], files: list[str]) -> None:
    """Replace `output`'s previous results with the staged ones.

    `files` are promoted last, in order, so the last of them (stats.json) marks a complete output: it is
    removed first and written back only once everything else is in place.
    """
    for name in reversed(files):
        _delete_if_exists(FileSystems.join(output, name))
    for name in directories:
        final = FileSystems.join(output, name)
        _delete_if_exists(final)
        FileSystems.mkdirs(final)
        staged = _files_under(FileSystems.join(staging, name))
        if staged:
            FileSystems.rename(staged, [FileSystems.join(final, path.rsplit("/", 1)[-1]) for path in staged])
    for name in files:
        FileSystems.rename([FileSystems.join(staging, name)], [FileSystems.join(output, name)])
    FileSystems.delete([staging])
