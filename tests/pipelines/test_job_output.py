"""The output machinery both jobs share (pipelines/common/job_output.py and the modules under it), on a
local folder
and on an fsspec `memory://` one (an object store needs nothing else: gs:// and s3:// go the same way)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid

import fsspec
import pytest

from capfilt.accounting import accounting
from pipelines.common import output_lock, staging
from pipelines.common.job_output import JobOutput
from pipelines.common.outcome import RunCheckFailed, check_run
from pipelines.common.output_guard import OutputRefused
from pipelines.common.output_lock import OutputBusy, OutputLock, Owner
from pipelines.common.staging import Location

JOB = "pipelines.test"
DIRECTORIES = ["pairs", "rejects"]
FILES = ["report.html", "stats.json"]


@pytest.fixture(params=["local", "memory"])
def output_url(request, tmp_path):
    if request.param == "local":
        yield str(tmp_path / "out")
        return
    url = f"memory://capfilt-test-{uuid.uuid4().hex[:8]}/out"
    yield url
    fs, root = fsspec.core.url_to_fs(url)
    if fs.exists(root):
        fs.rm(root, recursive=True)


def _put(location: Location, name: str, data: bytes) -> None:
    path = location.path(name)
    location.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    location.fs.pipe_file(path, data)


def _run(url, shards: dict[str, bytes], overwrite=False, inputs=(), say=None):
    """One run of a job writing `shards` (relative name -> bytes) and the two final files."""
    lines = []
    with JobOutput(url, JOB, DIRECTORIES, FILES, overwrite, say=say or lines.append) as output:
        output.open(list(inputs))
        for name, data in {**shards, "report.html": b"<html>", "stats.json": b"{}"}.items():
            _put(output.location, f"{output.staging}/{name}", data)
        written = output.commit()
    return written, lines


def _files(url) -> dict[str, bytes]:
    location = Location.of(url)
    return {name: location.fs.cat_file(location.path(name)) for name in location.files()}


def test_a_rerun_replaces_exactly_the_files_of_the_previous_run(output_url):
    first, _ = _run(
        output_url, {"pairs/part-00000-of-00002.parquet": b"a", "pairs/part-00001-of-00002.parquet": b"b"}
    )
    assert first == ["pairs/part-00000-of-00002.parquet", "pairs/part-00001-of-00002.parquet", *FILES]
    second, _ = _run(output_url, {"pairs/part-00000-of-00001.parquet": b"c"})
    files = _files(output_url)
    assert sorted(files) == sorted([staging.MANIFEST, "pairs/part-00000-of-00001.parquet", *FILES])
    manifest = json.loads(files[staging.MANIFEST])
    assert manifest["job"] == JOB and manifest["files"] == sorted(second)
    assert files["pairs/part-00000-of-00001.parquet"] == b"c"


def test_files_a_user_put_there_are_refused_then_kept_with_overwrite(output_url):
    location = Location.of(output_url)
    _put(location, "notes.txt", b"mine")
    _put(location, "pairs/my_own_data.parquet", b"also mine")
    with pytest.raises(
        OutputRefused, match=r"not empty.*notes\.txt, pairs/my_own_data\.parquet.*--overwrite"
    ):
        _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"})
    assert not [name for name in location.files() if name.startswith("_")], "a refused run leaves nothing"

    _, lines = _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"}, overwrite=True)
    assert any("keeps what this job did not write" in line and "notes.txt" in line for line in lines)
    _run(output_url, {"pairs/part-00000-of-00001.parquet": b"y"}, overwrite=True)
    files = _files(output_url)
    assert files["notes.txt"] == b"mine" and files["pairs/my_own_data.parquet"] == b"also mine"
    assert files["pairs/part-00000-of-00001.parquet"] == b"y"
    # The folder still holds the user's files: without --overwrite it is still not this job's alone.
    with pytest.raises(OutputRefused, match="notes.txt"):
        _run(output_url, {})


def test_overwrite_never_replaces_a_foreign_file_of_a_name_the_job_writes(output_url):
    location = Location.of(output_url)
    _put(location, "stats.json", b"someone else's")
    _put(location, "pairs/part-00000-of-00001.parquet", b"copied here by hand")
    with pytest.raises(OutputRefused, match="would replace pairs/part-00000-of-00001.parquet, stats.json"):
        _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"}, overwrite=True)
    assert _files(output_url)["stats.json"] == b"someone else's"


def test_another_jobs_output_and_an_overlapping_input_are_refused(output_url, tmp_path):
    _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"})
    with (
        JobOutput(output_url, "pipelines.other", ["curated"], FILES, overwrite=True) as other,
        pytest.raises(OutputRefused, match="holds the output of pipelines.test"),
    ):
        other.open([])
    location = Location.of(output_url)
    inside = location.url_of("pairs", "part-00000-of-00001.parquet")
    with pytest.raises(OutputRefused, match="contains the input"):
        _run(output_url, {}, overwrite=True, inputs=[inside])
    assert _files(output_url)["pairs/part-00000-of-00001.parquet"] == b"x"


def test_a_failed_run_removes_its_staging_and_keeps_the_previous_output(output_url):
    _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"})
    before = _files(output_url)
    lines = []
    with (
        pytest.raises(RuntimeError, match="disk full"),
        JobOutput(output_url, JOB, DIRECTORIES, FILES, say=lines.append) as output,
    ):
        output.open([])
        _put(output.location, f"{output.staging}/pairs/part-0.parquet", b"half")
        raise RuntimeError("disk full")
    assert _files(output_url) == before
    assert lines == [f"{JOB}: the run failed; {output_url} is as it was before (staging folder removed)"]


def test_leftovers_of_a_killed_run_are_removed_and_named(output_url):
    location = Location.of(output_url)
    _put(location, "_inprogress-0123456789ab/pairs/part-0.parquet", b"half")
    _put(location, f"{staging.MANIFEST}{staging.TEMPORARY_SUFFIX}-1a2b3c4d", b"{")
    _, lines = _run(output_url, {"pairs/part-00000-of-00001.parquet": b"x"})
    assert lines == [
        f"{JOB}: removed what interrupted runs left in {output_url}: _inprogress-0123456789ab, "
        f"{staging.MANIFEST}{staging.TEMPORARY_SUFFIX}-1a2b3c4d"
    ]
    assert not [name for name in location.files() if "inprogress" in name]


def _dead_pid() -> int:
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    return int(finished.stdout)


def _write_lock(location: Location, **fields) -> None:
    owner = Owner.this_process("pipelines.ingest", "0123456789ab")
    location.fs.makedirs(location.root, exist_ok=True)
    values = {**owner.__dict__, **fields}
    location.fs.pipe_file(location.path(staging.LOCK), json.dumps(values).encode())


def test_a_live_owner_is_refused_and_a_dead_one_taken_over(output_url):
    location = Location.of(output_url)
    location.fs.makedirs(location.root, exist_ok=True)
    first = OutputLock(location, JOB, "run-one")
    first.acquire()
    try:
        with pytest.raises(OutputBusy, match=rf"being written by another run: {JOB} \(pid {os.getpid()} on"):
            OutputLock(location, JOB, "run-two").acquire()
    finally:
        first.release()
    assert not location.fs.exists(location.path(staging.LOCK))

    _write_lock(location, pid=_dead_pid())  # this host, its process gone
    taker = OutputLock(location, JOB, "run-three")
    taker.acquire()
    assert taker.holds()
    taker.release()

    _write_lock(location, host="another-host", heartbeat=time.time() - 30)  # alive elsewhere
    with pytest.raises(OutputBusy, match="another-host.*last seen 30 s ago"):
        OutputLock(location, JOB, "run-four").acquire()
    _write_lock(location, host="another-host", heartbeat=time.time() - output_lock.STALE_AFTER_SECONDS - 1)
    late = OutputLock(location, JOB, "run-five")
    late.acquire()  # its heartbeat stopped long ago
    late.release()


def test_a_reused_pid_does_not_keep_a_dead_runs_lock(tmp_path):
    location = Location.of(str(tmp_path / "out"))
    _write_lock(location, pid_started="1")  # this pid, but "started" at another time: not the same process
    lock = OutputLock(location, JOB, "run-two")
    lock.acquire()
    lock.release()


def test_a_run_whose_lock_was_taken_over_does_not_promote(tmp_path):
    url = str(tmp_path / "out")
    with JobOutput(url, JOB, DIRECTORIES, FILES) as output:
        output.open([])
        _write_lock(output.location, run_id="somebody-else")
        with pytest.raises(OutputBusy, match="took over"):
            output.commit()
    assert not os.path.exists(tmp_path / "out" / "stats.json")
    assert os.path.isdir(tmp_path / "out" / output.staging), "the message says the results are left there"
    assert output.location.read_json(staging.LOCK)["run_id"] == "somebody-else"


def test_a_file_or_an_uncreatable_folder_is_refused(tmp_path):
    (tmp_path / "a_file").write_text("x")
    for url, message in (
        (tmp_path / "a_file", "is a file, not a folder"),
        (tmp_path / "a_file" / "sub", "cannot be created"),
    ):
        with (
            pytest.raises(OutputRefused, match=message),
            JobOutput(str(url), JOB, DIRECTORIES, FILES) as output,
        ):
            output.open([])


def test_run_checks_name_the_reasons():
    def check(inputs, kept, rejects, reasons, allow_empty):
        stats = {
            **accounting(inputs, kept, rejects),
            "pairs": kept,
            "rejects": rejects,
            "rejects_by_reason": reasons,
        }
        check_run("ingest", "out", stats, kept_name="pairs", allow_empty=allow_empty)

    reasons = {"text/missing_caption": 2, "fetch/http_404": 3}
    expected = (
        r"no record was kept: all 5 input records were rejected \(top reasons: fetch/http_404 3, text/mis"
    )
    with pytest.raises(RunCheckFailed, match=expected):
        check(5, 0, 5, reasons, allow_empty=False)
    check(5, 0, 5, reasons, allow_empty=True)
    with pytest.raises(RunCheckFailed, match="1 record.s. lost"):
        check(6, 2, 3, {}, allow_empty=True)


def test_the_lock_works_where_hard_links_do_not(tmp_path, monkeypatch):
    def no_links(*_):
        raise PermissionError(1, "Operation not permitted")  # what some network and FUSE filesystems say

    monkeypatch.setattr(os, "link", no_links)
    location = Location.of(str(tmp_path))
    first = OutputLock(location, JOB, "run-one")
    first.acquire()
    with pytest.raises(OutputBusy):
        OutputLock(location, JOB, "run-two").acquire()
    assert first.holds() and not [p for p in os.listdir(tmp_path) if "inprogress" in p]
    first.release()


def test_the_first_demo_run_says_it_generates_the_world_and_where_it_is_cached(tmp_path):
    from capfilt.world import WorldConfig
    from capfilt.world.corpus import demo_world

    config = WorldConfig(web=4, human=0, test=0, classify=0, documents=0, clips=0)
    lines = []
    world = demo_world(config, cache=tmp_path, say=lines.append)
    assert lines == [f"generating the demo world once (cached in {world}; $CAPFILT_CACHE moves the cache)"]
    assert demo_world(config, cache=tmp_path, say=lines.append) == world and len(lines) == 1  # cached: silent


def test_only_the_exact_names_of_leftovers_are_removed(tmp_path):
    url = str(tmp_path / "out")
    location = Location.of(url)
    _put(location, "_inprogress-mine/notes.txt", b"a user's folder with a look-alike name")
    with pytest.raises(OutputRefused, match="_inprogress-mine/notes.txt"):
        _run(url, {})
    assert (tmp_path / "out" / "_inprogress-mine" / "notes.txt").exists()


def test_a_failed_first_run_leaves_no_folder_behind(tmp_path):
    url = str(tmp_path / "new" / "out")
    with pytest.raises(RuntimeError), JobOutput(url, JOB, DIRECTORIES, FILES, say=print) as output:
        output.open([])
        _put(output.location, f"{output.staging}/pairs/part-0.parquet", b"half")
        raise RuntimeError("worker failed")
    assert not os.path.exists(url) and os.path.isdir(tmp_path / "new")
