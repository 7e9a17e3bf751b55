"""A file that cannot be read becomes one `read` Reject naming it, never an exception that ends the job."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from schemas import Reject, SchemaError

STAGE = "read"
MAX_DETAIL = 500
# Memory addresses in messages (`<object at 0x7f...>`) differ between runs; rejects must not.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class UnsupportedFile(SchemaError):
    """A readable file that holds no input this job can use (no image or text column, a rejects table...)."""


def deterministic(message: str) -> str:
    """One line, without memory addresses, at most MAX_DETAIL characters."""
    return " ".join(_ADDRESS.sub("", message).split())[:MAX_DETAIL]


def file_reject(path: str, error: Exception, records_read: int) -> Reject:
    reason = "unsupported_file" if isinstance(error, UnsupportedFile) else "unreadable_file"
    message = str(error) or type(error).__name__
    if not message.startswith(path):
        message = f"{path}: {type(error).__name__}: {message}"
    if records_read:
        message = f"{message} (after {records_read} records; the rest of the file is lost)"
    return Reject(None, None, STAGE, reason, deterministic(message))


def guarded(path: str, read: Callable[[], Iterable]) -> Iterator:
    """Everything `read()` yields for `path`, then, if it raised, one Reject naming the file and how far
    reading got. Any exception counts: a bad file must never end the job, and the detail says what it was."""
    count = 0
    try:
        for item in read():
            count += 1
            yield item
    except Exception as error:  # the file's fault or ours, it is reported, not raised
        yield file_reject(path, error, count)
