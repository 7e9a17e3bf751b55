"""The promise both jobs keep: every input row ends exactly once in the output or in `rejects`.

Readers count what they yield (a file that cannot be read counts as one row: its reject), and keys are
unique run-wide (`capfilt.keys`), so the check is exact. `accounting` gives the fields both jobs write to
stats.json; `accounting_error` is the one line a job fails with when they do not add up (never expected:
it means a record was lost or counted twice by a bug).
"""

from __future__ import annotations


def accounting(input_rows: int, kept: int, rejects: int) -> dict:
    """stats.json fields: `input_rows`, `accounted` (input_rows == kept + rejects) and `unaccounted`
    (input_rows - kept - rejects: > 0 lost, < 0 counted twice)."""
    unaccounted = input_rows - kept - rejects
    return {"input_rows": input_rows, "accounted": unaccounted == 0, "unaccounted": unaccounted}


def accounting_error(stats: dict) -> str | None:
    """None when stats.json's rows add up; else the line saying how many records are unaccounted for."""
    if stats.get("accounted", True):
        return None
    unaccounted = stats.get("unaccounted", 0)
    what = f"{unaccounted} record(s) lost" if unaccounted > 0 else f"{-unaccounted} record(s) counted twice"
    return (
        f"accounting failed: {stats.get('input_rows')} input rows, but the output and rejects hold "
        f"{stats.get('input_rows', 0) - unaccounted}: {what} (a bug; please report it with stats.json)"
    )
