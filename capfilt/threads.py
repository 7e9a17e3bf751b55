"""How many CPU threads one process should give torch: the cores it may really run on, shared among the
processes that run side by side on its machine.

`os.cpu_count()` (and torch's default of one thread per core) counts the host's cores, not the ones this
process may use: a process pinned by `taskset`/`cpuset` or a container under a CPU quota (Docker `--cpus`,
Kubernetes limits, cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us`) sees them all. N processes each starting a
thread per core then run N x cores threads on `cores`, and torch's threads, which wait for each other at
every operation, make every process slower (measured: issue 17). A leaf module (standard library only) so
that capfilt, models and pipelines can all use it.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_SELF_CGROUP = Path("/proc/self/cgroup")
# Where cgroup v1 mounts the cpu controller (distributions differ in the name of the joint mount).
_V1_CPU_MOUNTS = ("cpu,cpuacct", "cpu", "cpuacct,cpu")


def affinity_cores() -> int:
    """The cores the scheduler lets this process run on (taskset, cpuset), else the machine's count."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _ancestors(mount: Path, cgroup_path: str) -> list[Path]:
    """The process's cgroup folder under `mount` and each parent up to the mount itself. Inside a container
    the path in /proc/self/cgroup may name the host's hierarchy, absent from the container's mount: then
    the mount root is the container's own cgroup."""
    parts = [part for part in cgroup_path.strip("/").split("/") if part and part != ".."]
    folders = [mount.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]
    return [folder for folder in folders if folder.is_dir()] or [mount]


def _v2_quota(folder: Path) -> float | None:
    # cpu.max: "QUOTA PERIOD" in microseconds, QUOTA "max" when unlimited.
    fields = (_read(folder / "cpu.max") or "").split()
    if len(fields) != 2 or fields[0] == "max":
        return None
    try:
        quota, period = int(fields[0]), int(fields[1])
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def _v1_quota(folder: Path) -> float | None:
    # cpu.cfs_quota_us is -1 when unlimited.
    try:
        quota = int(_read(folder / "cpu.cfs_quota_us") or "-1")
        period = int(_read(folder / "cpu.cfs_period_us") or "0")
    except ValueError:
        return None
    return quota / period if quota > 0 and period > 0 else None


def cgroup_quota_cores(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_SELF_CGROUP) -> float | None:
    """The CPU quota of this process's cgroup in cores (the smallest over the cgroup and its parents, which
    all apply), or None when there is none or it cannot be read (not Linux, no cgroup file system)."""
    quotas = []
    for line in (_read(proc_cgroup) or "").splitlines():
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and controllers == "":  # cgroup v2: one unified hierarchy
            quotas += [_v2_quota(folder) for folder in _ancestors(root, path)]
        elif "cpu" in controllers.split(","):  # cgroup v1: the cpu controller's own hierarchy
            for mount in (root / name for name in _V1_CPU_MOUNTS):
                if mount.is_dir():
                    quotas += [_v1_quota(folder) for folder in _ancestors(mount, path)]
                    break
    found = [quota for quota in quotas if quota is not None]
    return min(found) if found else None


def available_cores(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_SELF_CGROUP) -> int:
    """The cores this process can really use: its affinity, capped by its cgroup's CPU quota (rounded up:
    a quota of 1.5 cores keeps two threads busy), at least 1."""
    cores = affinity_cores()
    quota = cgroup_quota_cores(root, proc_cgroup)
    if quota is not None:
        cores = min(cores, math.ceil(quota))
    return max(1, cores)


def threads_per_process(processes: int = 1, requested: int = 0, cores: int | None = None) -> int:
    """Torch threads for one of `processes` processes sharing this machine's cores: `requested` when set
    (the user's --torch_threads), else usable cores // processes, at least 1. `processes` 0 means one
    process per core (Beam's and Dataflow's default), hence one thread each.

    Never the machine's momentary load: torch's sums split differently with another thread count, so
    scores change in their last bits (measured: 7 of 32 demo records differ between 1 and 2 threads) and
    a sampled caption can flip; the same command on the same machine must write the same corpus. On a
    machine shared with busy neighbours pass --torch_threads 1 (docs/dataflow.md, "CPU threads")."""
    if requested < 0 or processes < 0:
        raise ValueError(f"threads and processes must be 0 or more, not {requested} and {processes}")
    if requested:
        return requested
    if cores is None:
        cores = available_cores()
    processes = processes or cores
    return max(1, cores // processes)


# libgomp (the OpenMP runtime of torch's Linux builds) lets a thread that reaches the end of a parallel
# region spin up to 300,000 times before it sleeps. That is right on an idle machine and ruinous beside busy
# neighbours: torch's threads wait for each other at every operation, and a spinning thread burns the core
# the thread it waits for needs. libgomp itself drops to 1,000 spins when it runs more threads than cores,
# but it counts only its own threads, not the neighbours'. Issue 17, demo job on 2 cores: beside two busy
# loops 112.6 s with the default spin, 62.2 s with 1,000, and the same quiet time (docs/dataflow.md). The
# spin count changes how threads wait, never how work is split among them, so outputs are unchanged.
OPENMP_SPIN_COUNT = "1000"
_OPENMP_WAIT_SETTINGS = ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")


def prefer_short_openmp_spin(environ: dict | None = None) -> bool:
    """Set GOMP_SPINCOUNT for this process and its children unless the user chose a wait setting. It is
    read once when libgomp loads, so this must run before torch is imported (the capfilt, models and
    pipelines packages call it first thing). Returns whether it set anything."""
    environ = os.environ if environ is None else environ
    if any(name in environ for name in _OPENMP_WAIT_SETTINGS):
        return False
    environ["GOMP_SPINCOUNT"] = OPENMP_SPIN_COUNT
    return True
