"""One run's output folder, from the pre-flight checks to its results in place, the same for every job:

    with JobOutput(url, "pipelines.capfilt", DIRECTORIES, FILES, overwrite) as output:
        output.open(input_files)          # refuse a bad, busy, foreign or overlapping folder; lock it
        ... Beam writes under output.staging_url ...
        output.commit()                   # move the results into place, listed in the manifest

An exception (or an interrupt, see `interrupted`) before commit removes the staging folder and leaves the
previous output as it was.
"""

from __future__ import annotations

import sys
from contextlib import suppress

from pipelines.common import output_guard, staging
from pipelines.common.output_lock import OutputBusy, OutputLock
from pipelines.common.staging import Location


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class JobOutput:
    def __init__(
        self, url: str, job: str, directories: list[str], files: list[str], overwrite: bool = False, say=_say
    ):
        self.location = Location.of(url)
        self.job = job
        self.directories = directories
        self.files = files  # the last one marks a complete output
        self.overwrite = overwrite
        self.say = say
        self.run_id = staging.new_run_id()
        self.staging = staging.staging_name(self.run_id)
        self.lock = OutputLock(self.location, job, self.run_id)
        self.previous: list[str] = []
        self.created = False  # the folder did not exist before this run
        self.state = "new"  # -> checked -> staging -> promoting -> done; or aborted, or lost (the lock)

    @property
    def url(self) -> str:
        return self.location.url

    @property
    def staging_url(self) -> str:
        return self.location.url_of(self.staging)

    def open(self, inputs: list[str]) -> JobOutput:
        output_guard.check_overlap(self.location, inputs)
        self.created = output_guard.check_location(self.location)
        try:
            self.lock.acquire()
        except OSError as error:  # an object store answers here what os.access tells of a local folder
            raise output_guard.OutputRefused(f"--output {self.url} is not writable: {error}") from error
        self.state = "checked"
        leftovers = staging.stale_staging(self.location)
        for name in leftovers:
            staging.remove(self.location, name)
        if leftovers:
            names = output_guard.listing(leftovers)
            self.say(f"{self.job}: removed what interrupted runs left in {self.url}: {names}")
        self.previous, foreign = output_guard.check_contents(
            self.location, self.job, self.overwrite, self.directories, self.files
        )
        if foreign:
            names = output_guard.listing(foreign)
            self.say(f"{self.job}: --overwrite keeps what this job did not write: {names}")
        self.location.fs.makedirs(self.location.path(self.staging), exist_ok=True)
        self.state = "staging"
        return self

    def commit(self) -> list[str]:
        """Move the staged results into place; returns the files now in the output (its manifest)."""
        if not self.lock.holds():
            self.state = "lost"  # the results stay where the message says
            raise OutputBusy(
                f"another run took over {self.url} while this one ran; this run's results are left in "
                f"{self.url}/{self.staging}"
            )
        self.state = "promoting"
        written = staging.promote(
            self.location, self.staging, self.job, self.run_id, self.directories, self.files, self.previous
        )
        self.state = "done"
        self.lock.release()
        return written

    def abort(self) -> None:
        if self.state == "staging":
            # Twice: a writer thread of the runner may still finish a file between the two.
            for _ in range(2):
                staging.remove(self.location, self.staging)
        if self.state != "done":
            self.lock.release()
            if self.created and not self.location.files():
                with suppress(OSError):  # only an empty folder goes: where there was none before
                    self.location.fs.rmdir(self.location.root)
        self.state = "aborted" if self.state != "done" else "done"

    def interrupted(self) -> str:
        """Clean up after an interrupt; the words saying what state the output is in."""
        state = self.state
        self.abort()
        if state == "done":
            return f"this run had finished: {self.url} holds its complete output"
        if state == "staging" and (self.previous or not self.created):
            return f"{self.url} is as it was before this run (previous output intact); staging folder removed"
        if state == "staging":
            return f"nothing of this run is left (staging folder removed; {self.url} held no earlier output)"
        if state == "promoting":
            return f"stopped while moving results into {self.url}: run again to complete it"
        return f"nothing was written to {self.url}"

    def __enter__(self) -> JobOutput:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self.state == "staging" and kind is not None and not issubclass(kind, ValueError):
            # A failure mid-run (a worker error, a full disk): its traceback follows; say what became of it.
            self.say(f"{self.job}: the run failed; {self.url} is as it was before (staging folder removed)")
        if self.state != "done":
            self.abort()
