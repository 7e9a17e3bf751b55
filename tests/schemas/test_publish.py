"""schemas.publish: a file or folder appears whole under its final name, or not at all."""

import os

import fsspec
import pytest

from schemas.publish import IN_PROGRESS_SUFFIX, building_folder, publish_file, replace_folder


def _leftovers(folder) -> list[str]:
    return [name for name in os.listdir(folder) if IN_PROGRESS_SUFFIX in name]


def test_a_file_is_written_whole_and_replaces_the_old_one(tmp_path):
    target = tmp_path / "deep" / "stats.json"
    publish_file(target, "first")
    publish_file(target, b"second")
    publish_file(str(target), lambda handle: handle.write(b"third"))
    assert target.read_text() == "third"
    assert not _leftovers(target.parent)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "stats.json"
    target.write_text("old")

    def half_then_fail(handle):
        handle.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish_file(target, half_then_fail)
    assert target.read_text() == "old"
    assert not _leftovers(tmp_path)


def test_a_file_on_another_fsspec_filesystem():
    fs = fsspec.filesystem("memory")
    publish_file("memory://publish-test/out/report.html", "<p>hi</p>")
    assert fs.cat_file("/publish-test/out/report.html") == b"<p>hi</p>"
    publish_file("/publish-test/out/stats.json", "{}", fs=fs)
    assert sorted(p.rsplit("/", 1)[-1] for p in fs.ls("/publish-test/out", detail=False)) == [
        "report.html",
        "stats.json",
    ]
    fs.rm("/publish-test", recursive=True)


def test_a_folder_appears_only_when_built(tmp_path):
    target = tmp_path / "cache" / "world"
    with building_folder(target) as staging:
        assert staging.parent == target.parent and not target.exists()
        (staging / "world.json").write_text("{}")
    assert (target / "world.json").read_text() == "{}"
    assert not _leftovers(target.parent)


def test_a_failed_build_leaves_nothing(tmp_path):
    target = tmp_path / "world"
    with pytest.raises(ValueError), building_folder(target) as staging:
        (staging / "half.json").write_text("{")
        raise ValueError("generator failed")
    assert not target.exists() and not _leftovers(tmp_path)


def test_the_first_finished_build_is_kept(tmp_path):
    """Two processes building the same cache: the later one's rename fails, its copy is dropped."""
    target = tmp_path / "world"
    with building_folder(target, ready=lambda folder: (folder / "world.json").exists()) as staging:
        (staging / "world.json").write_text("mine")
        target.mkdir()  # the other process finished first
        (target / "world.json").write_text("theirs")
    assert (target / "world.json").read_text() == "theirs"
    assert not _leftovers(tmp_path)


def test_an_incomplete_folder_in_the_way_is_an_error(tmp_path):
    target = tmp_path / "world"
    ready = lambda folder: (folder / "world.json").exists()  # noqa: E731
    with pytest.raises(OSError), building_folder(target, ready=ready) as staging:
        (staging / "world.json").write_text("mine")
        target.mkdir()
        (target / "stray.txt").write_text("not a world")
    assert not _leftovers(tmp_path)


def test_replace_folder_swaps_a_checkpoint(tmp_path):
    old, new = tmp_path / "checkpoint", tmp_path / f"checkpoint{IN_PROGRESS_SUFFIX}"
    old.mkdir()
    (old / "model.safetensors").write_text("old")
    new.mkdir()
    (new / "model.safetensors").write_text("new")
    replace_folder(new, old)
    assert (old / "model.safetensors").read_text() == "new"
    assert os.listdir(tmp_path) == ["checkpoint"]
    replace_folder_first = tmp_path / "fresh"
    staged = tmp_path / "fresh.tmp"
    staged.mkdir()
    replace_folder(staged, replace_folder_first)
    assert replace_folder_first.is_dir() and not staged.exists()
