"""How both jobs start and end on the terminal: the line naming input and output, the summary line."""

from __future__ import annotations

import sys

from pipelines.common.job_output import JobOutput


def announce(job: str, files: list[str], output: JobOutput) -> None:
    """The first line of a run, on stderr: how many inputs, where the results and the staging go."""
    print(
        f"{job}: {len(files)} input file(s) -> {output.url} (staging in {output.url}/{output.staging})",
        file=sys.stderr,
        flush=True,
    )


def final_line(counts: str, seconds: float, rate: float | None, unit: str) -> str:
    """`counts` (the job's own `<job>: ... -> OUTPUT`), then the time and the rate, the same for both."""
    line = f"{counts} in {seconds:.1f}s"
    return f"{line} ({rate:.1f} {unit}/s)" if rate is not None else line


def say_summary(counts: str, seconds: float, rate: float | None, unit: str) -> None:
    """The last line of a finished run, on stdout."""
    print(final_line(counts, seconds, rate, unit), flush=True)
