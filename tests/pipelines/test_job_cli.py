"""What a user sees of the jobs' outputs through their entry points, run as subprocesses: a user's files are
never deleted, an output that overlaps an input is refused, two runs never share an output, an interrupt
is one line that leaves the previous output as it was, a killed run's leftovers go with the next run, an
empty run says why and exits 1, and a bad output location is one line before Beam starts."""

from __future__ import annotations

import glob
import os
import signal
import time
from pathlib import Path

import pytest

import schemas
from pipelines import capfilt as capfilt_job
from pipelines import ingest as ingest_job
from pipelines.common.interrupt import child_pids
from tests.helpers.job_process import START_SECONDS, Job, job_lines, run_job, silent_server
from tests.helpers.worlds import WEB_ONLY, build_world

FAST = ["--max_length", "12", "--min_length", "4", "--report_samples", "4", "--batch_size", "8"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if "inprogress" in name or name == "_lock.json")


# --- ingest: a URL list whose host never answers holds a run mid-download for as long as a test needs.


@pytest.fixture
def url_list(tmp_path):
    def write(base_url: str, count: int = 3) -> str:
        path = tmp_path / f"urls-{count}.tsv"
        rows = "".join(f"{base_url}image-{i}.jpg\ta red square, picture {i}\n" for i in range(count))
        path.write_text("url\tcaption\n" + rows)
        return str(path)

    return write


def _held_ingest(urls: str, output: Path, *extra: str, own_group: bool = False) -> Job:
    args = ["--input", urls, "--output", str(output), "--allow_networks", "127.0.0.1/32", "--timeout", "300"]
    job = Job("pipelines.ingest", *args, "--retries", "0", *extra, own_group=own_group)
    job.wait_for_line("staging in")
    return job


def _extract(urls: str, output: Path) -> dict:
    """A quick previous output of the same job, in process (--no_download contacts nothing)."""
    return ingest_job.run(["--input", urls, "--output", str(output), "--no_download"])


WORKERS = ["--direct_num_workers=2", "--direct_running_mode=multi_processing"]


def _wait_for_workers(job: Job) -> None:
    """Until the DirectRunner has started its worker processes (children of the job)."""
    deadline = time.monotonic() + START_SECONDS
    while not child_pids(job.process.pid):
        assert time.monotonic() < deadline and job.process.poll() is None, job.stderr
        time.sleep(0.2)


@pytest.mark.parametrize(
    ("number", "group"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGINT", "SIGTERM", "Ctrl-C to the group, worker processes"],
)
def test_an_interrupted_ingest_is_one_line_and_keeps_the_previous_output(tmp_path, url_list, number, group):
    output = tmp_path / "out"
    with silent_server() as base:
        urls = url_list(base)
        _extract(urls, output)
        before = _snapshot(output)
        job = _held_ingest(urls, output, *(WORKERS if group else []), own_group=group)
        if group:
            _wait_for_workers(job)
            os.killpg(job.process.pid, number)
        else:
            job.process.send_signal(number)
        code, stdout, stderr = job.finish()
    assert code == 128 + number
    assert stderr[-1].startswith("ingest: interrupted by ") and "previous output intact" in stderr[-1]
    assert len(job_lines(stderr, "ingest: ")) == 2 and not any("Traceback" in line for line in stderr)
    assert stdout == ""
    assert _snapshot(output) == before and not _leftovers(output)


def test_a_second_run_into_the_same_output_is_refused(tmp_path, url_list):
    output = tmp_path / "out"
    with silent_server() as base:
        first = _held_ingest(url_list(base), output)
        try:
            second = ["--input", url_list(base, 1), "--output", str(output), "--no_download"]
            code, _, stderr = run_job("pipelines.ingest", *second)
            assert code == 2
            (line,) = job_lines(stderr, "python -m pipelines.ingest: error: ")
            assert "being written by another run: pipelines.ingest (pid" in line
            assert f"pid {first.process.pid} on" in line
        finally:
            first.process.send_signal(signal.SIGINT)
            code, _, stderr = first.finish()
    assert code == 130
    assert stderr[-1].endswith(
        f"nothing of this run is left (staging folder removed; {output} held no earlier output)"
    )
    assert not output.exists()  # the first run created the folder; interrupted, it leaves none


def test_what_a_killed_run_left_goes_with_the_next_run(tmp_path, url_list):
    output = tmp_path / "out"
    with silent_server() as base:
        urls = url_list(base)
        killed = _held_ingest(urls, output)
        killed.kill()  # SIGKILL: no cleanup at all
        staged = killed.stderr[-1].rsplit("/", 1)[1].rstrip(")")
        assert _leftovers(output) == [staged, "_lock.json"]
        code, _, stderr = run_job(
            "pipelines.ingest", "--input", urls, "--output", str(output), "--no_download"
        )
    assert code == 0, stderr
    assert any("removed what interrupted runs left" in line and "_inprogress-" in line for line in stderr)
    assert not _leftovers(output)
    assert sorted(os.listdir(output)) == [
        "_manifest.json",
        "candidates",
        "rejects",
        "report.html",
        "stats.json",
    ]


def test_a_users_files_are_never_deleted_by_ingest(tmp_path, url_list):
    output = tmp_path / "userdir"
    (output / "pairs").mkdir(parents=True)
    (output / "notes.txt").write_text("my notes")
    (output / "pairs" / "my_own_data.parquet").write_bytes(b"my data")
    urls = url_list("http://127.0.0.1:9/")
    code, stdout, stderr = run_job(
        "pipelines.ingest", "--input", urls, "--output", str(output), "--no_download"
    )
    assert code == 2 and stdout == ""
    assert stderr == [
        f"python -m pipelines.ingest: error: --output {output} is not empty and is not an earlier output of "
        "pipelines.ingest: it holds notes.txt, pairs/my_own_data.parquet. Choose a new or empty folder, or "
        "pass --overwrite to replace this job's own files there (files it did not write are kept)"
    ]
    code, _, stderr = run_job("pipelines.ingest", "--input", urls, "--output", str(output), "--no_download",
                              "--overwrite")  # fmt: skip
    assert code == 0, stderr
    assert (output / "notes.txt").read_text() == "my notes"
    assert (output / "pairs" / "my_own_data.parquet").read_bytes() == b"my data"
    assert len(glob.glob(str(output / "candidates" / "*.parquet"))) == 1


def test_an_ingest_output_that_holds_its_input_is_refused(tmp_path, url_list):
    output = tmp_path / "out"
    _extract(url_list("http://127.0.0.1:9/"), output)
    before = _snapshot(output)
    code, _, stderr = run_job("pipelines.ingest", "--input", str(output / "candidates" / "*.parquet"),
                              "--output", str(output), "--overwrite")  # fmt: skip
    assert code == 2
    (line,) = stderr
    assert (
        line.startswith(f"python -m pipelines.ingest: error: --output {output} contains the input ")
        and "own input" in line
    )
    assert _snapshot(output) == before


def test_an_empty_ingest_run_says_why_and_exits_1(tmp_path, url_list):
    urls = url_list("http://127.0.0.1:9/", count=4)  # loopback, refused by the default address policy
    output = tmp_path / "out"
    code, stdout, stderr = run_job("pipelines.ingest", "--input", urls, "--output", str(output))
    assert code == 1
    assert stdout.startswith("ingest: 4 rows -> 0 pairs, 4 rejects")
    assert stderr[-1] == (
        "ingest: no record was kept: all 4 input records were rejected (top reasons: "
        f"fetch/blocked_private_address 4); see {output}/rejects/. Pass --allow_empty_output to accept an "
        "empty result"
    )
    assert (output / "stats.json").exists()  # the output is there to be inspected
    code, _, _ = run_job("pipelines.ingest", "--input", urls, "--output", str(output), "--allow_empty_output")
    assert code == 0


def test_a_bad_output_location_is_one_line_before_beam_starts(tmp_path, url_list):
    urls = url_list("http://127.0.0.1:9/")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for output, message in ((a_file, "is a file, not a folder"), (a_file / "sub", "cannot be created: ")):
        code, stdout, stderr = run_job("pipelines.ingest", "--input", urls, "--output", str(output))
        assert code == 2 and stdout == ""
        (line,) = stderr
        assert line.startswith(f"python -m pipelines.ingest: error: --output {output} {message}")


# --- capfilt, with tiny local checkpoints on a small demo world.


@pytest.fixture(scope="module")
def capfilt_setup(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("capfilt_cli")
    build_world(root / "world", web=24, **WEB_ONLY)
    models = ["--captioner", tiny_blip["captioner"], "--filter", tiny_blip["filter"]]
    return {"root": root, "input": str(root / "world" / "web" / "*.parquet"), "models": models}


def _capfilt_args(setup, output: Path, *extra: str) -> list[str]:
    return ["--input", setup["input"], "--output", str(output), *setup["models"], *FAST, *extra]


def test_a_users_files_are_never_deleted_by_capfilt(capfilt_setup, tmp_path):
    output = tmp_path / "userdir"
    (output / "curated").mkdir(parents=True)
    (output / "notes.txt").write_text("my notes")
    (output / "curated" / "my_own_data.parquet").write_bytes(b"my data")
    code, _, stderr = run_job("pipelines.capfilt", *_capfilt_args(capfilt_setup, output))
    assert code == 2
    (line,) = job_lines(stderr, "python -m pipelines.capfilt: error: ")
    assert "is not empty and is not an earlier output of pipelines.capfilt" in line
    assert "curated/my_own_data.parquet, notes.txt" in line
    code, stdout, stderr = run_job("pipelines.capfilt", *_capfilt_args(capfilt_setup, output, "--overwrite"))
    assert code == 0, stderr
    assert any("--overwrite keeps what this job did not write" in line for line in stderr)
    assert (output / "notes.txt").read_text() == "my notes"
    assert (output / "curated" / "my_own_data.parquet").read_bytes() == b"my data"
    assert (output / "stats.json").exists() and glob.glob(str(output / "curated" / "part-*.parquet"))


def test_capfilt_refuses_to_write_over_its_input(capfilt_setup, tmp_path):
    same = tmp_path / "same"
    capfilt_job.run(_capfilt_args(capfilt_setup, same))
    before = _snapshot(same)
    args = ["--input", str(same / "curated" / "*.parquet"), "--output", str(same), *capfilt_setup["models"]]
    code, _, stderr = run_job("pipelines.capfilt", *args)
    assert code == 2
    (line,) = job_lines(stderr, "python -m pipelines.capfilt: error: ")
    assert "contains the input" in line and "own input" in line
    assert _snapshot(same) == before


def test_an_interrupted_capfilt_keeps_the_previous_output(capfilt_setup, tmp_path):
    output = tmp_path / "out"
    capfilt_job.run(_capfilt_args(capfilt_setup, output))
    before = _snapshot(output)
    job = Job("pipelines.capfilt", *_capfilt_args(capfilt_setup, output, "--seed", "1"))
    job.wait_for_line("staging in")
    job.process.send_signal(signal.SIGINT)
    code, stdout, stderr = job.finish()
    assert code == 130, stderr
    assert job_lines(stderr, "capfilt: ")[-1] == (
        f"capfilt: interrupted by Ctrl-C (SIGINT); {output} is as it was before this run (previous output "
        "intact); staging folder removed"
    )
    assert not any("Traceback" in line for line in stderr) and stdout == ""
    assert _snapshot(output) == before and not _leftovers(output)


def test_an_empty_capfilt_run_names_the_reasons_and_exits_1(capfilt_setup, tmp_path):
    output = tmp_path / "out"
    code, stdout, stderr = run_job(
        "pipelines.capfilt", *_capfilt_args(capfilt_setup, output, "--itm_threshold", "1")
    )
    assert code == 1
    assert "0 curated" in stdout
    assert stderr[-1].startswith(
        "capfilt: no record was kept: all 24 input records were rejected (top reasons: filter/no_text_kept"
    )
    rejects = schemas.read_table(glob.glob(str(output / "rejects" / "*.parquet"))[0], schemas.REJECTS)
    assert rejects.num_rows == 24
