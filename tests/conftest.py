"""Suite-wide settings (offline, quiet, deterministic) and the session fixtures several test files share.

Session fixtures are built once per run with the builders in tests/helpers/ and are read-only for tests: a
test that must change one copies it first. Each is fingerprinted when built and checked again when the session
ends, and the shipped demo models likewise, so a test that writes where others read fails by name.
"""

import os
from pathlib import Path

import pytest

# Nothing in the suite may reach a model hub or an update server.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")
os.environ.setdefault("WANDB_MODE", "disabled")

# The builders are imported inside the fixtures: a run that needs none of them does not import torch for them.

SHIPPED_MODELS = Path(__file__).resolve().parents[1] / "capfilt" / "assets" / "models"


def fingerprint(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` with its size and modification time: what a writer would change."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class ReadOnlyGuard:
    """Fingerprints folders tests must not write to, and names the ones that changed."""

    def __init__(self):
        self.folders: dict[Path, dict] = {}

    def watch(self, folder: Path) -> Path:
        self.folders[folder] = fingerprint(folder)
        return folder

    def changed(self) -> list[str]:
        return [str(folder) for folder, before in self.folders.items() if fingerprint(folder) != before]


@pytest.fixture(scope="session")
def read_only_guard():
    guard = ReadOnlyGuard()
    yield guard
    changed = guard.changed()
    assert not changed, f"tests wrote into shared read-only folders (copy them first): {changed}"


@pytest.fixture(scope="session", autouse=True)
def shipped_models_unchanged(read_only_guard):
    """Tests read the shipped demo checkpoints, never write them (issue 17: a reader saw missing weights)."""
    if SHIPPED_MODELS.is_dir():
        read_only_guard.watch(SHIPPED_MODELS)


@pytest.fixture(scope="session")
def tiny_blip(tmp_path_factory, read_only_guard) -> dict[str, str]:
    """Tiny random BLIP checkpoints saved like real ones: {"captioner": seed 0, "filter": seed 1}."""
    from tests.helpers.capfilt_tiny import save_tiny

    root = tmp_path_factory.mktemp("tiny-blip")
    save_tiny("captioner", root / "captioner", seed=0)
    save_tiny("filter", root / "filter", seed=1)
    read_only_guard.watch(root)
    return {"captioner": str(root / "captioner"), "filter": str(root / "filter")}


@pytest.fixture(scope="session")
def tiny_captioners(tmp_path_factory, read_only_guard) -> dict[str, str]:
    """Tiny real non-BLIP captioners saved like hub checkpoints: {"blip2-opt", "blip2-t5", "git"}."""
    from tests.helpers.captioner_tiny import save_tiny_blip2, save_tiny_git

    root = tmp_path_factory.mktemp("tiny-captioners")
    save_tiny_blip2(root / "blip2-opt", "opt", seed=0)
    save_tiny_blip2(root / "blip2-t5", "t5", seed=0)
    save_tiny_git(root / "git", seed=0)
    read_only_guard.watch(root)
    return {name: str(root / name) for name in ("blip2-opt", "blip2-t5", "git")}


@pytest.fixture(scope="session")
def small_world(tmp_path_factory, read_only_guard) -> Path:
    """A small demo world (tests/helpers/worlds.py SMALL_WORLD): web, human, test and classify splits."""
    from tests.helpers.worlds import SMALL_WORLD, build_world

    return read_only_guard.watch(build_world(tmp_path_factory.mktemp("small-world"), **SMALL_WORLD))


@pytest.fixture(scope="session")
def vlm_world(tmp_path_factory, read_only_guard) -> Path:
    """The demo world the Flamingo and BLIP-2 training tests learn from (VLM_WORLD: 300 human pairs)."""
    from tests.helpers.worlds import VLM_WORLD, build_world

    return read_only_guard.watch(build_world(tmp_path_factory.mktemp("vlm-world"), **VLM_WORLD))
