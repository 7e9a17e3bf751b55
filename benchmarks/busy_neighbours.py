"""The demo's CapFilt job quiet and beside busy neighbours (issue 17: torch threads that fit the machine).

Runs `python -m pipelines.capfilt --runner=DirectRunner` (what `make demo` runs, into a temporary output)
once with nothing else started, then beside `--busy` processes that spin on the CPU, and prints both wall
times, their ratio (the goal: at most 3x) and the 1-minute load average before each run. Extra flags for
the job go after `--` (e.g. `-- --torch_threads 2` to force a thread per core, the old default).

    python -m benchmarks.busy_neighbours [--busy 2] [-- JOB FLAGS]

A "quiet" run is only quiet when the machine is: read the load printed beside it. Ends with one JSON line.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from capfilt.flags import option, parse_settings
from capfilt.world.config import WorldConfig
from capfilt.world.generate import generate_world


@dataclass
class Settings:
    busy: int = option(2, "Busy-loop processes started beside the second run.")
    records: int = option(0, "Run on a demo world of this many web records (0: the demo corpus, 2,000).")


def spin() -> None:
    while True:
        pass


def run_job(flags: list[str]) -> float:
    with tempfile.TemporaryDirectory() as directory:
        command = [sys.executable, "-m", "pipelines.capfilt", "--runner=DirectRunner"]
        command += ["--output", os.path.join(directory, "out"), *flags]
        started = time.monotonic()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - started


def main(argv: list[str] | None = None) -> dict:
    argv = list(sys.argv[1:] if argv is None else argv)
    job_flags = argv[argv.index("--") + 1 :] if "--" in argv else []
    own = argv[: argv.index("--")] if "--" in argv else argv
    args = parse_settings(Settings, own, prog="python -m benchmarks.busy_neighbours", description=__doc__)
    with tempfile.TemporaryDirectory() as world:
        if args.records:
            generate_world(
                world,
                WorldConfig(web=args.records, human=0, test=0, classify=0, documents=0, clips=0),
                progress=False,
            )
            job_flags = ["--input", os.path.join(world, "web"), *job_flags]
        return measure(args, job_flags)


def measure(args: Settings, job_flags: list[str]) -> dict:
    load_quiet = os.getloadavg()[0]
    quiet = run_job(job_flags)
    neighbours = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
    for process in neighbours:
        process.start()
    try:
        time.sleep(5)  # let the load average see them, as it would see neighbours already running
        load_busy = os.getloadavg()[0]
        busy = run_job(job_flags)
    finally:
        for process in neighbours:
            process.terminate()
            process.join()
    print(f"quiet: {quiet:.1f} s (load before {load_quiet:.2f})")
    print(f"beside {args.busy} busy loops: {busy:.1f} s (load before {load_busy:.2f}); {busy / quiet:.2f}x")
    summary = {
        "benchmark": "busy_neighbours",
        "job_flags": job_flags,
        "busy_loops": args.busy,
        "records": args.records or 2000,
        "quiet_seconds": round(quiet, 2),
        "busy_seconds": round(busy, 2),
        "ratio": round(busy / quiet, 3),
        "load_before_quiet": round(load_quiet, 2),
        "load_before_busy": round(load_busy, 2),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()
