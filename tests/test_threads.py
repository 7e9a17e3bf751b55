"""capfilt.threads: the cores a process may use (affinity, cgroup v1/v2 quotas read from fake cgroup trees
in a tmp dir) and the torch threads each of several processes gets."""

import os

import pytest

from capfilt import threads


def fake_cgroup(tmp_path, proc_lines, files):
    """A /proc/self/cgroup and a cgroup file system under tmp_path (`files`: path under the root -> text)."""
    root = tmp_path / "cgroup"
    root.mkdir()
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    proc = tmp_path / "proc_self_cgroup"
    proc.write_text("\n".join(proc_lines) + "\n")
    return root, proc


@pytest.fixture
def eight_cores(monkeypatch):
    monkeypatch.setattr(threads, "affinity_cores", lambda: 8)


def test_cgroup_v2_quota_in_the_process_own_cgroup(tmp_path, eight_cores):
    root, proc = fake_cgroup(
        tmp_path, ["0::/job.slice/worker"], {"job.slice/worker/cpu.max": "150000 100000"}
    )
    assert threads.cgroup_quota_cores(root, proc) == 1.5
    assert threads.available_cores(root, proc) == 2  # 1.5 cores keep two threads busy


def test_cgroup_v2_the_smallest_quota_of_the_cgroup_and_its_parents_applies(tmp_path, eight_cores):
    files = {
        "cpu.max": "max 100000",
        "job.slice/cpu.max": "300000 100000",
        "job.slice/worker/cpu.max": "max 100000",
    }
    root, proc = fake_cgroup(tmp_path, ["0::/job.slice/worker"], files)
    assert threads.available_cores(root, proc) == 3


def test_cgroup_v2_unlimited_leaves_the_affinity(tmp_path, eight_cores):
    root, proc = fake_cgroup(tmp_path, ["0::/"], {"cpu.max": "max 100000"})
    assert threads.cgroup_quota_cores(root, proc) is None
    assert threads.available_cores(root, proc) == 8


def test_a_container_whose_cgroup_path_names_the_host_hierarchy_reads_its_mount_root(tmp_path, eight_cores):
    # Inside Docker, /proc/self/cgroup may say /docker/<id> while the container's mount is that cgroup.
    root, proc = fake_cgroup(tmp_path, ["0::/docker/0123abcd"], {"cpu.max": "200000 100000"})
    assert threads.available_cores(root, proc) == 2


def test_cgroup_v1_cfs_quota(tmp_path, eight_cores):
    files = {
        "cpu,cpuacct/kubepods/pod1/cpu.cfs_quota_us": "400000",
        "cpu,cpuacct/kubepods/pod1/cpu.cfs_period_us": "100000",
    }
    lines = ["4:memory:/kubepods/pod1", "3:cpu,cpuacct:/kubepods/pod1", "1:name=systemd:/"]
    root, proc = fake_cgroup(tmp_path, lines, files)
    assert threads.available_cores(root, proc) == 4


def test_cgroup_v1_unlimited_quota_and_a_quota_above_the_affinity(tmp_path, eight_cores):
    unlimited = {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000"}
    (tmp_path / "unlimited").mkdir()
    root, proc = fake_cgroup(tmp_path / "unlimited", ["2:cpu:/"], unlimited)
    assert threads.cgroup_quota_cores(root, proc) is None
    generous = {"cpu/cpu.cfs_quota_us": "1600000", "cpu/cpu.cfs_period_us": "100000"}
    (tmp_path / "generous").mkdir()
    root, proc = fake_cgroup(tmp_path / "generous", ["2:cpu:/"], generous)
    assert threads.available_cores(root, proc) == 8  # a quota of 16 cores does not add cores


def test_damaged_or_missing_cgroup_files_fall_back_to_the_affinity(tmp_path, eight_cores):
    root, proc = fake_cgroup(tmp_path, ["0::/a", "garbage line", ""], {"a/cpu.max": "lots 100000"})
    assert threads.available_cores(root, proc) == 8
    assert threads.available_cores(tmp_path / "no_cgroup", tmp_path / "no_proc_file") == 8


def test_affinity_is_the_scheduler_set_of_this_process():
    import os

    assert threads.affinity_cores() == len(os.sched_getaffinity(0)) >= 1


def test_threads_per_process_shares_the_cores_among_the_processes():
    assert threads.threads_per_process(1, cores=8) == 8
    assert threads.threads_per_process(2, cores=8) == 4
    assert threads.threads_per_process(3, cores=8) == 2
    assert threads.threads_per_process(16, cores=8) == 1  # never 0
    assert threads.threads_per_process(0, cores=8) == 1  # one process per core (Beam's, Dataflow's default)
    assert threads.threads_per_process(2, requested=3, cores=8) == 3  # --torch_threads wins
    with pytest.raises(ValueError, match="0 or more"):
        threads.threads_per_process(1, requested=-1, cores=8)


def test_threads_per_process_reads_the_cores_of_this_process_by_default(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda *args: 6)
    assert threads.threads_per_process(2) == 3


def test_a_short_openmp_spin_is_set_unless_the_user_chose_a_wait_setting():
    environ = {}
    assert threads.prefer_short_openmp_spin(environ)
    assert environ == {"GOMP_SPINCOUNT": threads.OPENMP_SPIN_COUNT}
    for chosen in ({"GOMP_SPINCOUNT": "300000"}, {"OMP_WAIT_POLICY": "ACTIVE"}):
        environ = dict(chosen)
        assert not threads.prefer_short_openmp_spin(environ)
        assert environ == chosen


@pytest.mark.parametrize("package", ["capfilt", "models", "pipelines"])
def test_each_entry_package_sets_the_spin_before_torch_loads(package):
    """libgomp reads GOMP_SPINCOUNT once, as torch loads it: the package must set it without importing torch
    itself, so a job's later `import torch` sees it."""
    import subprocess
    import sys

    probe = (
        f"import sys, os; import {package}; print(os.environ.get('GOMP_SPINCOUNT'), 'torch' in sys.modules)"
    )
    environ = {k: v for k, v in os.environ.items() if k not in ("GOMP_SPINCOUNT", "OMP_WAIT_POLICY")}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=environ, timeout=120, check=True
    )
    assert result.stdout.split() == [threads.OPENMP_SPIN_COUNT, "False"]


def test_the_spin_setting_leaves_the_job_modules_where_they_are():
    """`pipelines` imports capfilt for the spin; that must not shadow the job module `pipelines.capfilt`."""
    from pipelines import capfilt as job

    assert job.__name__ == "pipelines.capfilt" and callable(job.run)
