"""img2dataset standalone vs pipelines.ingest on the same local URL list, served from 127.0.0.1.

    python -m benchmarks.ingest [--images 2000] [--image_size 256] [--resize 128] [--threads 32]
    python -m benchmarks.ingest --steady_state --images 8000 [--only ingest]

Both download the same URLs with the same resize settings (keep_ratio to --resize, JPEG quality 95) on
two processes; the wall time of each whole run (start-up included) gives URLs/s. Ingest additionally
reads robots.txt, checks every address and de-duplicates run-wide.

`--steady_state` discounts start-up: each tool runs twice, on the first quarter of the URLs and on all
of them, and its steady rate is the extra URLs over the extra seconds, (n - n/4) / (t(n) - t(n/4)): fixed
costs (imports, worker processes, sharding, the final write) cancel. `--before TREE` adds the ingest of
another source tree (e.g. `git archive COMMIT | tar -x -C TREE`), run as `python -m pipelines.ingest` with
TREE first on PYTHONPATH, and `--rounds R` interleaves all tools R times, so that a busy machine's load
falls on each alike: compare the ratios to img2dataset within a round. Each run's CPU seconds (with its
worker processes and the site server's meanwhile) give CPU ms per URL between the two sizes too, which a
busy machine disturbs far less than wall time. Ends with one JSON line.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from capfilt.flags import option, parse_settings

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # no update check from img2dataset's resizer
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _serve(site: str, port_queue) -> None:
    from capfilt.world.site_server import serve_site

    with serve_site(site) as server:
        port_queue.put(server.server_address[1])
        while True:
            time.sleep(3600)


def _img2dataset(urls: str, output: str, args) -> tuple[float, int]:
    from img2dataset import download

    started = time.perf_counter()
    download(
        url_list=urls,
        input_format="parquet",
        url_col="url",
        caption_col="caption",
        output_format="parquet",
        output_folder=output,
        processes_count=2,
        thread_count=args.threads,
        image_size=args.resize,
        resize_mode="keep_ratio",
        encode_format="jpg",
        encode_quality=95,
        number_sample_per_shard=args.shard_size,
        timeout=10,
        retries=0,
        user_agent_token="capfilt",
        disallowed_header_directives=["noai", "noimageai", "noindex", "noimageindex"],
    )
    seconds = time.perf_counter() - started
    import glob

    import pyarrow.parquet as pq

    ok = sum(
        sum(status == "success" for status in pq.read_table(path, columns=["status"])["status"].to_pylist())
        for path in glob.glob(f"{output}/*.parquet")
    )
    return seconds, ok


def _ingest_flags(urls: str, output: str, args) -> list[str]:
    return [
        f"--input={urls}",
        f"--output={output}",
        "--allow_networks=127.0.0.1/32",
        f"--image_size={args.resize}",
        "--resize_mode=keep_ratio",
        "--encode_quality=95",
        f"--thread_count={args.threads}",
        f"--shard_size={args.shard_size}",
        "--timeout=10",
        "--direct_num_workers=2",
        "--direct_running_mode=multi_processing",
    ]


def _ingest(urls: str, output: str, args) -> tuple[float, int, dict]:
    from pipelines.ingest import run

    started = time.perf_counter()
    stats = run(_ingest_flags(urls, output, args))
    return time.perf_counter() - started, stats["pairs"], stats


def _process_cpu(pid: int | None) -> float:
    """CPU seconds a running process has used so far (Linux /proc; 0 where unreadable)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, TypeError):
        return 0.0


def _timed_process(command: list[str], tree: str, server_pid: int | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of `command` in a fresh interpreter with `tree` first on
    PYTHONPATH; the CPU is the run's with all its worker processes, plus the site server's meanwhile."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tree, os.environ.get("PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = _process_cpu(server_pid)
    started = time.perf_counter()
    subprocess.run(
        command, env=env, cwd=tree, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu + _process_cpu(server_pid) - server_before


def _ingest_of_tree(tree: str, urls: str, output: str, args) -> tuple[float, float]:
    """Seconds of `python -m pipelines.ingest` from a source tree (another tree's modules come first)."""
    return _timed_process(
        [sys.executable, "-m", "pipelines.ingest", *_ingest_flags(urls, output, args)], tree, args.server_pid
    )


def _img2dataset_process(urls: str, output: str, args) -> tuple[float, float]:
    settings = {name: getattr(args, name) for name in ("threads", "resize", "shard_size")}
    code = (
        "import types; from benchmarks.ingest import _img2dataset; "
        f"_img2dataset({urls!r}, {output!r}, types.SimpleNamespace(**{settings!r}))"
    )
    return _timed_process([sys.executable, "-c", code], REPO, args.server_pid)


@dataclass
class Settings:
    """This benchmark's flags, one per field (capfilt.flags)."""

    images: int = option(2000)
    image_size: int = option(256, "side of the served images")
    resize: int = option(128, "keep_ratio target of both runs")
    threads: int = option(32)
    shard_size: int = option(500)
    steady_state: bool = option(False, "time each tool on n/4 and n URLs; report the rate in between")
    only: str = option("both", "which tools to run", ("both", "ingest", "img2dataset"))
    before: str = option(
        "", "--steady_state: also time the ingest of this source tree (the code before a change)"
    )
    rounds: int = option(1, "--steady_state: interleaved rounds of every tool")


def _first_urls(urls: str, count: int, path: str) -> str:
    import pyarrow.parquet as pq

    pq.write_table(pq.read_table(urls).slice(0, count), path)
    return path


def _steady_state(urls: str, work: str, args) -> dict:
    """Each tool on n/4 and n URLs (the small run first), round after round; the rate between the sizes."""
    small = args.images // 4
    lists = {small: _first_urls(urls, small, f"{work}/site/urls_small.parquet"), args.images: urls}
    # Every run in a fresh process, timed from outside: no run inherits another's imports.
    tools = {
        "img2dataset": lambda u, out: _img2dataset_process(u, out, args),
        "ingest": lambda u, out: _ingest_of_tree(REPO, u, out, args),
    }
    tools = {name: tool for name, tool in tools.items() if args.only in ("both", name)}
    if args.before:
        tools["ingest_before"] = lambda u, out: _ingest_of_tree(os.path.abspath(args.before), u, out, args)
    result = {"benchmark": "ingest_steady_state", "urls": [small, args.images], "rounds": []}
    for round_index in range(args.rounds):
        this_round = {"load_before": round(os.getloadavg()[0], 2)}
        for name, tool in tools.items():
            runs = [tool(path, f"{work}/{name}-{round_index}-{count}") for count, path in lists.items()]
            (seconds, cpu), extra = zip(*runs, strict=True), args.images - small
            rate = extra / (seconds[1] - seconds[0]) if seconds[1] > seconds[0] else None
            this_round[f"{name}_seconds"] = [round(value, 2) for value in seconds]
            this_round[f"{name}_steady_urls_per_second"] = round(rate, 1) if rate else None
            # CPU per URL between the sizes (tool, its workers and the server): far steadier than wall
            # time on a shared machine, and what bounds the rate on a quiet one with few cores.
            this_round[f"{name}_cpu_seconds"] = [round(value, 2) for value in cpu]
            this_round[f"{name}_steady_cpu_ms_per_url"] = round(1000 * (cpu[1] - cpu[0]) / extra, 3)
            print(
                f"round {round_index + 1} {name}: {small} URLs {seconds[0]:.1f}s, {args.images} URLs "
                f"{seconds[1]:.1f}s; steady {this_round[f'{name}_steady_urls_per_second']} URLs/s, "
                f"{this_round[f'{name}_steady_cpu_ms_per_url']} CPU ms/URL",
                file=sys.stderr,
            )
        base = this_round.get("img2dataset_steady_urls_per_second")
        for name in ("ingest", "ingest_before"):
            if base and this_round.get(f"{name}_steady_urls_per_second"):
                this_round[f"{name}_ratio"] = round(this_round[f"{name}_steady_urls_per_second"] / base, 3)
        this_round["load_after"] = round(os.getloadavg()[0], 2)
        result["rounds"].append(this_round)
    for name in ("ingest", "ingest_before"):
        ratios = [r[f"{name}_ratio"] for r in result["rounds"] if f"{name}_ratio" in r]
        if ratios:
            result[f"{name}_median_ratio"] = round(statistics.median(ratios), 3)
        cpu_ratios = [
            r["img2dataset_steady_cpu_ms_per_url"] / r[f"{name}_steady_cpu_ms_per_url"]
            for r in result["rounds"]
            if r.get(f"{name}_steady_cpu_ms_per_url", 0) > 0 and r.get("img2dataset_steady_cpu_ms_per_url")
        ]
        if cpu_ratios:  # > 1: fewer CPU seconds per URL than img2dataset
            result[f"{name}_median_cpu_ratio"] = round(statistics.median(cpu_ratios), 3)
    result["cpus"] = os.cpu_count()
    return result


def main() -> None:
    args = parse_settings(Settings, prog="python -m benchmarks.ingest", description=__doc__.splitlines()[0])

    from capfilt.world.config import WorldConfig
    from capfilt.world.generate import generate_world
    from capfilt.world.site import build_site

    work = tempfile.mkdtemp(prefix="ingest-bench-")
    config = WorldConfig(web=args.images, human=0, test=0, classify=0, documents=0, clips=0)
    config.image_size = args.image_size
    generate_world(work, config, progress=False)
    os.makedirs(f"{work}/site")
    ports = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(f"{work}/site", ports), daemon=True)
    server.start()
    try:
        port = ports.get(timeout=30)
        build_site(work, base_url=f"http://127.0.0.1:{port}/", traps=False)
        urls = f"{work}/site/urls.parquet"
        if args.steady_state:
            args.server_pid = server.pid
            result = _steady_state(urls, work, args)
            print(json.dumps(result))
            return
        base_seconds, base_ok = _img2dataset(urls, f"{work}/img2dataset", args)
        ours_seconds, ours_ok, stats = _ingest(urls, f"{work}/ingest", args)
    finally:
        server.terminate()
        server.join(timeout=5)
    result = {
        "benchmark": "ingest",
        "urls": args.images,
        "served_size": args.image_size,
        "resize": args.resize,
        "img2dataset_seconds": round(base_seconds, 2),
        "img2dataset_images": base_ok,
        "img2dataset_urls_per_second": round(args.images / base_seconds, 1),
        "ingest_seconds": round(ours_seconds, 2),
        "ingest_pairs": ours_ok,
        "ingest_rejects": stats["rejects_by_reason"],
        "ingest_urls_per_second": round(args.images / ours_seconds, 1),
        "ratio": round(base_seconds / ours_seconds, 3),
        "cpus": os.cpu_count(),
    }
    print(
        f"img2dataset: {args.images} URLs in {base_seconds:.1f}s ({result['img2dataset_urls_per_second']}/s, "
        f"{base_ok} images)",
        file=sys.stderr,
    )
    print(
        f"ingest:      {args.images} URLs in {ours_seconds:.1f}s ({result['ingest_urls_per_second']}/s, "
        f"{ours_ok} pairs after dedup)",
        file=sys.stderr,
    )
    print(f"ratio ingest/img2dataset: {result['ratio']}", file=sys.stderr)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
