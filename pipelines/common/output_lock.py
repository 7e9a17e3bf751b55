"""The owner marker of a running job: `OUTPUT/_lock.json` names the job, host, process and start time of the
run writing there, so that a second run into the same output is refused instead of silently racing it.

A marker is stale, and taken over, when its run is gone: on the same host, its process is not running (or
the pid now belongs to a process started at another time); from another host, its heartbeat (rewritten
every minute while the job runs) is more than ten minutes old.

On a local disk the marker appears atomically (a hard link, which fails when the name exists). Object
stores (gs://, s3://) have no exclusive create; there the marker is written and read back: a best effort.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass

from pipelines.common.staging import LOCK, TEMPORARY_SUFFIX, Location

HEARTBEAT_SECONDS = 60.0
STALE_AFTER_SECONDS = 600.0


class OutputBusy(ValueError):
    """Another live run owns the output folder."""


def process_start(pid: int) -> str | None:
    """The kernel's start time of a process (Linux /proc), to tell a reused pid from the original."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22, counted after the command name


def pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


@dataclass(frozen=True)
class Owner:
    job: str
    host: str
    pid: int
    pid_started: str | None
    started: float
    heartbeat: float
    run_id: str

    @classmethod
    def this_process(cls, job: str, run_id: str) -> Owner:
        now = time.time()
        pid = os.getpid()
        return cls(job, socket.gethostname(), pid, process_start(pid), now, now, run_id)

    @classmethod
    def from_json(cls, value: dict | None) -> Owner | None:
        try:
            return cls(**{name: value[name] for name in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None

    def is_stale(self, now: float) -> bool:
        if self.host == socket.gethostname():
            if not pid_running(self.pid):
                return True
            started = process_start(self.pid)
            return bool(started and self.pid_started and started != self.pid_started)
        return now - self.heartbeat > STALE_AFTER_SECONDS

    def describe(self, now: float) -> str:
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))
        return (
            f"{self.job} (pid {self.pid} on {self.host}, started {started}, "
            f"last seen {max(0, round(now - self.heartbeat))} s ago)"
        )


class OutputLock:
    """Held by one run from its pre-flight checks until its results are in place (or it gives up)."""

    def __init__(self, location: Location, job: str, run_id: str):
        self.location = location
        self.owner = Owner.this_process(job, run_id)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        return self.location.path(LOCK)

    def _payload(self, owner: Owner) -> bytes:
        return (json.dumps(asdict(owner), indent=2) + "\n").encode()

    def _current(self) -> Owner | None:
        return Owner.from_json(self.location.read_json(LOCK))

    def _create(self) -> bool:
        """Create the marker only if no marker exists; True when this run now owns the folder."""
        fs = self.location.fs
        if self.location.is_local:
            temporary = f"{self.path}{TEMPORARY_SUFFIX}-{self.owner.run_id}"
            with open(temporary, "wb") as handle:
                handle.write(self._payload(self.owner))
            try:
                os.link(temporary, self.path)
                return True
            except FileExistsError:
                return False
            except OSError:  # a filesystem without hard links: an exclusive create, briefly empty
                return self._create_exclusive()
            finally:
                os.unlink(temporary)
        if fs.exists(self.path):
            return False
        fs.pipe_file(self.path, self._payload(self.owner))
        current = self._current()
        return current is not None and current.run_id == self.owner.run_id

    def _create_exclusive(self) -> bool:
        try:
            descriptor = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(self._payload(self.owner))
        return True

    def _take_over(self, stale: Owner) -> None:
        """Move a dead run's marker aside (only the one judged stale: another run may have replaced it)."""
        aside = f"{self.path}{TEMPORARY_SUFFIX}-stale-{uuid.uuid4().hex[:8]}"
        try:
            self.location.fs.mv(self.path, aside)
        except FileNotFoundError:
            return
        moved = Owner.from_json(self.location.read_json(self.location.relative(aside)))
        if moved is None or moved.run_id == stale.run_id:
            self.location.fs.rm(aside)
        else:  # a live run's marker appeared in between: put it back
            self.location.fs.mv(aside, self.path)

    def acquire(self) -> None:
        """Own the output folder, or raise OutputBusy naming the run that does."""
        for _ in range(3):
            if self._create():
                self._start_heartbeat()
                return
            holder = self._current()
            now = time.time()
            if holder is None:
                # Unreadable: a marker being written this very moment, or a torn one; judge it by its age.
                modified = self.location.fs.modified(self.path).timestamp()
                if now - modified < STALE_AFTER_SECONDS:
                    raise OutputBusy(f"{self.location.url} is locked by {LOCK}, which cannot be read")
                holder = Owner("?", "?", -1, None, modified, modified, "?")
            elif not holder.is_stale(now):
                raise OutputBusy(
                    f"{self.location.url} is being written by another run: {holder.describe(now)}. "
                    f"Wait for it, or choose another --output (if that run is gone, delete "
                    f"{self.location.url}/{LOCK})"
                )
            self._take_over(holder)
        raise OutputBusy(f"{self.location.url}: could not take over {LOCK} from a finished run")

    def holds(self) -> bool:
        current = self._current()
        return current is not None and current.run_id == self.owner.run_id

    def _start_heartbeat(self) -> None:
        self._thread = threading.Thread(target=self._beat, name="output-lock-heartbeat", daemon=True)
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                if not self.holds():
                    return
                owner = Owner(**{**asdict(self.owner), "heartbeat": time.time()})
                self.location.write_text(LOCK, self._payload(owner).decode())
            except OSError:
                continue  # a missed beat only makes the marker look older; the next one may succeed

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=10)  # a beat in flight would write the marker back
        try:
            if self.holds():
                self.location.fs.rm(self.path)
        except OSError:
            pass  # the output may be gone (a test's temporary folder); nothing of ours is left to undo
