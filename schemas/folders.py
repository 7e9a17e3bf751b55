"""Which files of a folder hold its main table, so a folder is accepted wherever a glob is.

Each job's output is the next job's input: an ingest output folder reads as its `pairs` table, a capfilt
output folder as its `curated` table, a Hugging Face `datasets` folder as its data files, any other folder
as its data files. A `rejects`/`dropped` table, `stats.json`, a report, or a staging name (`_inprogress-*`,
`.hidden`) is never read as data.
"""

from __future__ import annotations

import json
import posixpath
import re

# Folders and files of our own outputs that are never the data of a folder.
NOT_DATA = ("rejects", "dropped")
# Hugging Face shard names: `train-00000-of-00003.parquet` (hub), `data-00000-of-00001.arrow` (save_to_disk).
HF_SHARD = re.compile(r"^(?P<split>.+?)-\d{5}-of-\d{5}\.[a-z]+$")
TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz")


def is_staging_name(name: str) -> bool:
    """Names that mark work in progress or hidden files (Spark, Beam and our staging use `_` and `.`)."""
    return name.startswith(("_", "."))


def _listing(fs, folder: str) -> tuple[dict[str, str], dict[str, str]]:
    """(files, folders) of `folder`, each name -> full path, staging names left out."""
    files, folders = {}, {}
    for entry in fs.ls(folder, detail=True):
        name = posixpath.basename(entry["name"].rstrip("/"))
        if is_staging_name(name):
            continue
        (folders if entry["type"] == "directory" else files)[name] = entry["name"]
    return files, folders


def _data_files(fs, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The folder's files with a data suffix; img2dataset's metadata Parquet beside a same-named tar is not
    data (it repeats the tar's rows without images)."""
    files, _ = _listing(fs, folder)
    chosen = {n: p for n, p in files.items() if n.lower().endswith(suffixes) and not n.startswith(NOT_DATA)}
    tar_stems = {_stem(n) for n in files if n.lower().endswith(TAR_SUFFIXES)}
    return sorted(
        p for n, p in chosen.items() if not (n.lower().endswith(".parquet") and _stem(n) in tar_stems)
    )


def _stem(name: str) -> str:
    return name.split(".", 1)[0]


def _hf_saved(fs, folder: str, files: dict[str, str]) -> list[str]:
    """A `datasets.Dataset.save_to_disk` folder: state.json lists its Arrow files in order."""
    with fs.open(files["state.json"], "r") as handle:
        state = json.load(handle)
    names = [entry["filename"] for entry in state.get("_data_files", [])]
    if not names:
        raise FileNotFoundError(f"{folder}: state.json lists no data files")
    return [posixpath.join(folder, name) for name in names]


def _hf_splits(fs, folder: str, suffixes: tuple[str, ...]) -> dict[str, list[str]]:
    """Split name -> files of a hub-style `data/` folder (`data/train-00000-of-00001.parquet`, `data/x/`)."""
    files, folders = _listing(fs, folder)
    splits: dict[str, list[str]] = {}
    for name, path in files.items():
        if name.lower().endswith(suffixes):
            match = HF_SHARD.match(name)
            splits.setdefault(match.group("split") if match else "", []).append(path)
    for name, path in folders.items():
        inside = _data_files(fs, path, suffixes)
        if inside:
            splits.setdefault(name, []).extend(inside)
    return {split: sorted(paths) for split, paths in splits.items()}


def _one_split(folder: str, splits: dict[str, list[str]], how: str) -> list[str]:
    if not splits:
        raise FileNotFoundError(f"{folder}: a Hugging Face dataset folder without splits")
    if len(splits) == 1:
        return next(iter(splits.values()))
    names = ", ".join(sorted(s or "(unnamed)" for s in splits))
    raise ValueError(f"{folder} holds several splits ({names}); pass the one to read, e.g. {how}")


# The main table of each job's output folder: capfilt's, ingest's, ingest --no_download's.
MAIN_TABLES = ("curated", "pairs", "candidates")


def folder_files(fs, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The files holding `folder`'s main table (paths as `fs` names them). Raises naming the folder when
    there is none, or when it holds several Hugging Face splits and reading them all would mix them."""
    folder = folder.rstrip("/")
    files, folders = _listing(fs, folder)
    mains = [main for main in MAIN_TABLES if main in folders]
    if len(mains) > 1:
        raise ValueError(f"{folder} holds {' and '.join(f'{m}/' for m in mains)}; pass the one to read")
    for main in mains:
        if main in folders:
            return _data_files(fs, folders[main], suffixes)
    old_ingest = sorted(p for n, p in files.items() if n.startswith("pairs-") and n.endswith(".parquet"))
    if old_ingest:  # ingest's first layout: pairs-*, rejects-* and stats.json side by side
        return old_ingest
    if "dataset_dict.json" in files:  # a DatasetDict: one saved Dataset per split folder
        splits = {name: [path] for name, path in folders.items()}
        (split,) = _one_split(folder, splits, f"{folder}/{min(splits) if splits else 'train'}")
        return folder_files(fs, split, suffixes)
    if "state.json" in files and "dataset_info.json" in files:
        return _hf_saved(fs, folder, files)
    found = _data_files(fs, folder, suffixes)
    if not found and "data" in folders:
        splits = _hf_splits(fs, folders["data"], suffixes)
        if splits:
            example = f"'{folder}/data/{min(splits)}-*'" if min(splits) else f"'{folder}/data/*'"
            return _one_split(folder, splits, example)
    if not found:
        inside = ", ".join(sorted(folders)) or "none"
        raise FileNotFoundError(
            f"{folder}: no data files ({', '.join(suffixes)}) in this folder (its folders: {inside})"
        )
    return found
