"""The Beam steps of the CapFilt job around its two RunInference calls: wiring only, logic is in capfilt/."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from capfilt import report
from capfilt.corpus import web_labels
from capfilt.curate import Curator
from capfilt.prepare import Item, prepare
from capfilt.readers import read_pairs
from capfilt.stats import Stats
from schemas import Reject, SchemaError

REJECTS = "rejects"
DROPPED = "dropped"


class ReadFile(beam.DoFn):
    """One input file -> `pairs` records, and Reject rows (tagged REJECTS) for bad records."""

    def __init__(self, input_format: str):
        self.input_format = input_format

    def process(self, path: str):
        try:
            for record in read_pairs(path, self.input_format):
                yield beam.pvalue.TaggedOutput(REJECTS, record) if isinstance(record, Reject) else record
        except (SchemaError, OSError) as error:
            # Checked at launch, so this is a file that changed or broke mid-read; its rows cannot be counted.
            yield beam.pvalue.TaggedOutput(
                REJECTS, Reject(None, path, "read", "unreadable_file", str(error)[:500])
            )


class Prepare(beam.DoFn):
    """Decode the image once and seed the record; bad bytes or empty text become Reject rows."""

    def __init__(self, run_seed: int):
        self.run_seed = run_seed

    def process(self, record: dict):
        prepared = prepare(record, self.run_seed)
        yield beam.pvalue.TaggedOutput(REJECTS, prepared) if isinstance(prepared, Reject) else prepared


def with_captions(result) -> Item:
    return dataclasses.replace(result.example, synthetic=list(result.inference))


def with_scores(result) -> Item:
    return dataclasses.replace(result.example, scores=[float(s) for s in result.inference])


def model_failures(dead_letter, stage_reason: str):
    """RunInference's dead-letter output, (failed batch, (type, repr, traceback)) -> one Reject per record."""
    batch, (error_type, error_repr, _) = dead_letter
    for item in batch:
        detail = f"{getattr(error_type, '__name__', error_type)}: {error_repr}"[:500]
        yield Reject(item.key, item.record.get("url"), "model", stage_reason, detail)


class Curate(beam.DoFn):
    """Policy + curated row. Kept images go to the main output, dropped ones to DROPPED (and to rejects)."""

    def __init__(self, config):
        self.config = config

    def setup(self):
        self.curator = Curator(self.config)

    def process(self, item: Item):
        row, verdict = self.curator(item)
        if verdict.image_kept:
            yield row
        else:
            yield beam.pvalue.TaggedOutput(DROPPED, row)


class Progress(beam.DoFn):
    """Per-worker progress lines on stderr, at most one every few seconds (works on every runner)."""

    EVERY_SECONDS = 5.0

    def __init__(self, what: str):
        self.what = what

    def setup(self):
        self.count = 0
        self.started = self.last = time.monotonic()

    def process(self, element):
        self.count += 1
        now = time.monotonic()
        if now - self.last >= self.EVERY_SECONDS:
            self.last = now
            rate = self.count / max(now - self.started, 1e-9)
            print(f"capfilt: {self.count} {self.what} ({rate:.1f}/s)", file=sys.stderr, flush=True)
        yield element


def scored_event(row: dict, image_kept: bool) -> tuple:
    """What the statistics need from a scored row (no image bytes, so combining stays cheap)."""
    light = {
        "key": row["key"],
        "web_score": row["web_score"],
        "web_kept": row["web_kept"],
        "synthetic": [{"score": s["score"], "kept": s["kept"]} for s in row["synthetic"]],
        "captions": row["captions"],
    }
    return ("scored", light, image_kept)


def reject_event(reject: Reject) -> tuple:
    return ("reject", reject.stage, reject.reason)


class StatsFn(beam.CombineFn):
    """capfilt.stats.Stats as a CombineFn; joins the ground-truth label of each web text when given."""

    def __init__(self, labels_path: str | None):
        self.labels_path = labels_path
        self._labels = None

    def labels(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = web_labels(self.labels_path) if self.labels_path else {}
        return self._labels

    def create_accumulator(self):
        return Stats()

    def add_input(self, stats: Stats, event: tuple):
        if event[0] == "scored":
            _, row, kept = event
            stats.add_scored(row, kept, self.labels().get(row["key"]) if self.labels_path else None)
        else:
            stats.add_reject(event[1], event[2])
        return stats

    def merge_accumulators(self, accumulators):
        merged = Stats()
        for stats in accumulators:
            merged.merge(stats)
        return merged

    def extract_output(self, stats: Stats) -> dict:
        return stats.summary()


def sample_entry(row: dict, image_kept: bool) -> tuple:
    """(category, (rank, row, kept)): a stable pseudo-random sample per category, the same on every run."""
    rank = hashlib.sha1(row["key"].encode()).hexdigest()
    return ("web_kept" if row["web_kept"] else "web_dropped", (rank, row, image_kept))


def write_text(path: str, text: str) -> None:
    with FileSystems.create(path, mime_type="text/plain") as handle:
        handle.write(text.encode())


def write_summary(summary: dict, samples: list, staging: str, run: dict, records_read: int) -> None:
    """Write stats.json and report.html into the staging directory (promoted by the launcher at the end)."""
    # Every record read ends in curated/ or rejects/ (dropped ones in both dropped/ and rejects/).
    summary = {
        **summary,
        "records_read": records_read,
        "accounted": records_read == summary["curated"] + summary["rejects"],
    }
    write_text(f"{staging}/stats.json", json.dumps({**summary, "settings": run}, indent=2) + "\n")
    picked = [(row, kept) for _, row, kept in samples]
    write_text(f"{staging}/report.html", report.render(summary, picked, run))
