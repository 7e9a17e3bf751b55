"""Weight digests remembered between runs (capfilt.curate.digest_cache): reused only for unchanged files;
a corrupt or unwritable cache is ignored."""

import hashlib
import json
import os

import pytest

from capfilt.curate import checkpoints, digest_cache

SETTLED = 3 * digest_cache.SETTLE_NS


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPFILT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / digest_cache.CACHE_FILE


def write_weights(folder, data: bytes, name="model.safetensors"):
    """A weights file whose modification time is old enough to be remembered."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    old = path.stat().st_mtime_ns - SETTLED
    os.utime(path, ns=(old, old))
    return path


class CountingSha256:
    """The real digest of the files, counting how often it is computed."""

    def __init__(self, files):
        self.files, self.calls = files, 0

    def __call__(self) -> str:
        self.calls += 1
        return hashlib.sha256(b"".join(path.read_bytes() for path in self.files)).hexdigest()


def test_an_unchanged_checkpoint_is_hashed_once(cache, tmp_path):
    weights = write_weights(tmp_path / "captioner", b"weights v1" * 1000)
    files = [weights]
    compute = CountingSha256(files)
    first = digest_cache.cached_sha256(files, compute)
    assert first == hashlib.sha256(weights.read_bytes()).hexdigest()
    assert digest_cache.cached_sha256(files, compute) == first
    assert compute.calls == 1
    assert json.loads(cache.read_text())["entries"][0][1] == first
    # Through the real caller: the same digest, and a shard set is one key of all its files.
    assert checkpoints.weights_digest(tmp_path / "captioner") == first
    shards = [
        write_weights(tmp_path / "sharded", part, f"model-0000{i}-of-00002.safetensors")
        for i, part in enumerate((b"first half", b"second half"), start=1)
    ]
    assert (
        checkpoints.weights_digest(tmp_path / "sharded")
        == hashlib.sha256(b"first halfsecond half").hexdigest()
    )
    assert checkpoints.weights_digest(tmp_path / "sharded") == CountingSha256(shards)()
    assert len(json.loads(cache.read_text())["entries"]) == 2


def test_a_changed_file_is_hashed_again(cache, tmp_path):
    weights = write_weights(tmp_path / "filter", b"A" * 4096)
    files = [weights]
    compute = CountingSha256(files)
    digest_cache.cached_sha256(files, compute)
    # Same size, same modification time restored, new content: ctime still moves, so it is rehashed.
    stat = weights.stat()
    weights.write_bytes(b"B" * 4096)
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert digest_cache.cached_sha256(files, compute) == hashlib.sha256(b"B" * 4096).hexdigest()
    assert compute.calls == 2
    # Replaced by another file (a new inode) with the old content: rehashed too, giving the old digest.
    replacement = write_weights(tmp_path / "staging", b"A" * 4096)
    os.replace(replacement, weights)
    assert digest_cache.cached_sha256(files, compute) == hashlib.sha256(b"A" * 4096).hexdigest()
    assert compute.calls == 3


def test_a_file_still_being_written_is_not_remembered(cache, tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"fresh")  # modified just now
    compute = CountingSha256([weights])
    digest_cache.cached_sha256([weights], compute)
    digest_cache.cached_sha256([weights], compute)
    assert compute.calls == 2
    assert not cache.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xffnot json",
        b'{"format": 1, "entries": {"a": "b"}}',
        b'{"format": 99, "entries": []}',
        b"[1, 2]",
        b'{"format": 1, "entries": [["KEY", "not a sha256"], 7, ["x"]]}',
    ],
)
def test_a_corrupt_cache_is_ignored_and_rewritten(cache, tmp_path, content):
    weights = write_weights(tmp_path / "captioner", b"weights")
    key = digest_cache.files_key([weights])
    cache.parent.mkdir(parents=True)
    cache.write_bytes(content.replace(b"KEY", json.dumps(key).encode()[1:-1]))
    expected = hashlib.sha256(b"weights").hexdigest()
    assert checkpoints.weights_digest(tmp_path / "captioner") == expected
    assert json.loads(cache.read_text()) == {"format": 1, "entries": [[key, expected]]}


def test_an_unwritable_cache_is_ignored(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache root cannot be created under a file")
    monkeypatch.setenv("CAPFILT_CACHE", str(blocker / "cache"))
    write_weights(tmp_path / "filter", b"weights")
    expected = hashlib.sha256(b"weights").hexdigest()
    assert checkpoints.weights_digest(tmp_path / "filter") == expected
    assert checkpoints.weights_digest(tmp_path / "filter") == expected
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file", "filter"]


def test_a_missing_weights_file_still_fails_as_before(cache, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError):
        checkpoints.weights_digest(tmp_path / "empty")


def test_the_cache_keeps_the_newest_entries(cache, tmp_path, monkeypatch):
    monkeypatch.setattr(digest_cache, "MAX_ENTRIES", 3)
    folders = [tmp_path / f"model{i}" for i in range(5)]
    for index, folder in enumerate(folders):
        write_weights(folder, f"weights {index}".encode())
        checkpoints.weights_digest(folder)
    kept = [json.loads(key)[0][0] for key, _ in json.loads(cache.read_text())["entries"]]
    assert kept == [str((folder / "model.safetensors").resolve()) for folder in folders[2:]]
