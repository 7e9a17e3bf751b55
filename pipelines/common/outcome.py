"""How a finished run ends, the same for every job: exit 0 only when something was kept (or
--allow_empty_output) and every input record is accounted for; otherwise one line saying why, exit 1.

Exit statuses: 0 success; 1 the run finished and wrote its output, but a check failed (nothing kept,
records unaccounted); 2 a bad argument or output refused before the run; 130/143 interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from capfilt.accounting import accounting_error
from capfilt.flags import report_error
from pipelines.common import interrupt

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


class RunCheckFailed(RuntimeError):
    """The run completed and its output is in place, but it is not a success (see the message)."""

    exit_code = EXIT_CHECK_FAILED

    def __init__(self, message: str, stats: dict):
        super().__init__(message)
        self.stats = stats


def top_reasons(rejects_by_reason: dict[str, int], count: int = 5) -> str:
    ranked = sorted(rejects_by_reason.items(), key=lambda item: (-item[1], item[0]))[:count]
    return ", ".join(f"{reason} {n}" for reason, n in ranked) or "none"


def check_run(job: str, output: str, stats: dict, *, kept_name: str, allow_empty: bool) -> None:
    """Raise RunCheckFailed when the run lost track of a record, or kept nothing (unless allowed).

    `stats` is the run's stats.json: `input_rows`/`accounted` (capfilt.accounting), `kept_name` (pairs,
    candidates or curated), `rejects` and `rejects_by_reason`."""
    lost = accounting_error(stats)
    if lost:
        raise RunCheckFailed(f"{job}: {lost}. The output is in {output}", stats)
    if stats[kept_name] == 0 and not allow_empty:
        inputs = stats["input_rows"]
        what = f"all {inputs} input records were rejected" if inputs else "the input held no records"
        raise RunCheckFailed(
            f"{job}: no record was kept: {what} (top reasons: {top_reasons(stats['rejects_by_reason'])}); "
            f"see {output}/rejects/. Pass --allow_empty_output to accept an empty result",
            stats,
        )


def exit_status(prog: str, job: str, run: Callable[[list[str]], object], argv: list[str] | None) -> int:
    """Run a job's `run(argv)` and turn how it ended into the exit status above, with one line on stderr."""
    try:
        run(argv)
    except (ValueError, FileNotFoundError, IsADirectoryError) as error:  # output checks, CheckpointError too
        report_error(prog, error)
        return EXIT_USAGE
    except RunCheckFailed as failed:
        print(failed, file=sys.stderr)
        return failed.exit_code
    except KeyboardInterrupt:  # before the run's own handler is in place (e.g. generating the demo world)
        print(interrupt.BEFORE_START.format(job=job), file=sys.stderr)
        return interrupt.EXIT_SIGINT
    return 0
