"""How a finished run ends, the same for every job: exit 0 only when something was kept (or
--allow_empty_output) and every input record is accounted for; otherwise one line saying why, exit 1.

Exit statuses: 0 success; 1 the run finished and wrote its output, but a check failed (nothing kept,
records unaccounted); 2 a bad argument or output refused before the run; 130/143 interrupted (SIGINT/SIGTERM).
"""

from __future__ import annotations

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


def check_run(
    job: str,
    output: str,
    stats: dict,
    *,
    inputs: int,
    kept: int,
    kept_name: str,
    rejects: int,
    rejects_by_reason: dict[str, int],
    allow_empty: bool,
) -> None:
    """Raise RunCheckFailed when the run kept nothing (unless allowed) or lost track of a record."""
    if inputs != kept + rejects:
        raise RunCheckFailed(
            f"{job}: {inputs} input records but {kept} {kept_name} + {rejects} rejects: "
            f"{abs(inputs - kept - rejects)} records unaccounted for (a bug; please report it). "
            f"The output is in {output}",
            stats,
        )
    if kept == 0 and not allow_empty:
        what = f"all {inputs} input records were rejected" if inputs else "the input held no records"
        raise RunCheckFailed(
            f"{job}: no record was kept: {what} (top reasons: {top_reasons(rejects_by_reason)}); see "
            f"{output}/rejects/. Pass --allow_empty_output to accept an empty result",
            stats,
        )
