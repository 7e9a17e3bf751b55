"""The Beam steps of the CapFilt job around its two RunInference calls: wiring only, logic is in capfilt/."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time

import apache_beam as beam
import fsspec

from capfilt.accounting import accounting
from capfilt.curate import report, report_summary
from capfilt.curate.cutoffs import Histograms
from capfilt.curate.prepare import Item, prepare
from capfilt.curate.rows import Curator
from capfilt.curate.scorer_stats import ScorerStats
from capfilt.curate.stats import RejectEvent, ScoredEvent, Stats, StatsEvent
from capfilt.readers import read_file
from capfilt.world.corpus import web_labels
from pipelines.common.rejects import record_or_reject
from schemas import CAPTIONS, KEY, SYNTHETIC, URL, WEB_KEPT, WEB_SCORE, Reject, publish_file

NAMESPACE = "capfilt"
DROPPED = "dropped"
INPUT_ROWS = "input_rows"


class ReadFile(beam.DoFn):
    """(file index, path) -> (origin, `pairs` record or read Reject) for every input row, a file that
    cannot be read included, and the file's count of input rows (tagged INPUT_ROWS)."""

    def __init__(self, input_format: str, text_column: str | None = None):
        self.input_format = input_format
        self.text_column = text_column

    def process(self, indexed_path: tuple[int, str]):
        file_index, path = indexed_path
        rows = 0
        for item in read_file(path, self.input_format, self.text_column):
            yield (file_index, rows), item
            rows += 1
        yield beam.pvalue.TaggedOutput(INPUT_ROWS, rows)


def tag_rejects(item):
    """After UniqueKeys: records go on, read Rejects to REJECTS."""
    return record_or_reject(item, NAMESPACE)


class Prepare(beam.DoFn):
    """Decode the image once and seed the record; bad bytes or empty text become Reject rows."""

    def __init__(self, run_seed: int):
        self.run_seed = run_seed

    def process(self, record: dict):
        yield record_or_reject(prepare(record, self.run_seed), NAMESPACE)


def with_captions(result, captioner: int = 0) -> Item:
    """The captions of the `captioner`-th --captioner appended to the item's (the first's start the list)."""
    captions = list(result.inference)  # capfilt.curate.engines.interfaces.Caption
    item = result.example
    return dataclasses.replace(
        item,
        synthetic=[*item.synthetic, *(c.text for c in captions)],
        synthetic_hit_max_length=[*item.synthetic_hit_max_length, *(c.hit_max_length for c in captions)],
        synthetic_captioner=[*item.synthetic_captioner, *([captioner] * len(captions))],
    )


def with_scores(result) -> Item:
    return dataclasses.replace(result.example, scores=[float(s) for s in result.inference])


def with_extra_scores(result) -> Item:
    extra = {name: [float(s) for s in scores] for name, scores in result.inference.items()}
    return dataclasses.replace(result.example, extra_scores=extra)


def model_failures(dead_letter, stage_reason: str):
    """RunInference's dead-letter output, (failed batch, (type, repr, traceback)) -> one Reject per record."""
    batch, (error_type, error_repr, _) = dead_letter
    for item in batch:
        detail = f"{getattr(error_type, '__name__', error_type)}: {error_repr}"[:500]
        yield Reject(item.key, item.record.get(URL), "model", stage_reason, detail)


class Curate(beam.DoFn):
    """Policy + curated row. Kept images go to the main output, dropped ones to DROPPED (and to rejects).
    `names` are the models' portable names, computed once on the launcher."""

    def __init__(self, config, names: dict[str, str] | None = None):
        self.config = config
        self.names = names

    def setup(self):
        self.curator = Curator(self.config, self.names)

    def process(self, item: Item, cutoffs=None):
        row, verdict = self.curator(item, cutoffs)
        if verdict.image_kept:
            yield row
        else:
            yield beam.pvalue.TaggedOutput(DROPPED, row)


class CutoffsFn(beam.CombineFn):
    """The policy's global top-fraction cutoffs over every scored image (capfilt.curate.cutoffs)."""

    def __init__(self, needs: set, ranges: dict):
        self.needs, self.ranges = needs, ranges

    def create_accumulator(self):
        return Histograms(self.needs, self.ranges)

    def add_input(self, histograms: Histograms, item: Item):
        histograms.add(item.all_scores())
        return histograms

    def merge_accumulators(self, accumulators):
        merged = self.create_accumulator()
        for histograms in accumulators:
            merged.merge(histograms)
        return merged

    def extract_output(self, histograms: Histograms) -> dict:
        return histograms.cutoffs(self.needs)


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


def scored_event(row: dict, image_kept: bool) -> ScoredEvent:
    """What the statistics need from a scored row (no image bytes, so combining stays cheap)."""
    light = {
        KEY: row[KEY],
        WEB_SCORE: row[WEB_SCORE],
        WEB_KEPT: row[WEB_KEPT],
        # Every scorer's scores and the texts, for the per-scorer histograms and agreement samples.
        "web_caption": row.get("web_caption"),
        "web_scores": row.get("web_scores"),
        "synthetic": [
            {
                "score": s["score"],
                "kept": s["kept"],
                "hit_max_length": s["hit_max_length"],
                "text": s.get("text"),
                "scores": s.get("scores"),
            }
            for s in row[SYNTHETIC]
        ],  # fmt: skip
        CAPTIONS: row[CAPTIONS],
    }
    return ScoredEvent(light, image_kept)


def reject_event(reject: Reject) -> RejectEvent:
    return RejectEvent(reject.stage, reject.reason)


class StatsFn(beam.CombineFn):
    """capfilt.curate.stats.Stats as a CombineFn; joins the ground-truth label of each web text when given."""

    def __init__(self, labels_path: str | None, ranges: dict | None = None, thresholds: dict | None = None):
        self.labels_path = labels_path
        self._labels = None
        # Scorer ranges and policy thresholds: per-scorer histograms and agreement (scorer_stats).
        self.ranges, self.thresholds = ranges, thresholds or {}

    def labels(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = web_labels(self.labels_path) if self.labels_path else {}
        return self._labels

    def _new(self) -> Stats:
        return Stats(scorers=ScorerStats(self.ranges, self.thresholds) if self.ranges else None)

    def create_accumulator(self):
        return self._new()

    def add_input(self, stats: Stats, event: StatsEvent):
        label = None
        if isinstance(event, ScoredEvent) and self.labels_path:
            label = self.labels().get(event.row[KEY])
        stats.add(event, label)
        return stats

    def merge_accumulators(self, accumulators):
        merged = self._new()
        for stats in accumulators:
            merged.merge(stats)
        return merged

    def extract_output(self, stats: Stats) -> dict:
        return stats.summary()


def sample_entry(row: dict, image_kept: bool) -> tuple:
    """(category, (rank, row, kept)): a stable pseudo-random sample of kept and of dropped images, the same
    on every run."""
    rank = hashlib.sha1(row[KEY].encode()).hexdigest()
    return ("kept" if image_kept else "dropped", (rank, row, image_kept))


def write_summary(
    summary: dict, samples: list, staging: str, run: dict, input_rows: int = 0, total: int = 24
) -> None:
    """Write stats.json and report.html into the staging directory (promoted by the launcher at the end).

    `input_rows` is what the readers yielded; `accounted` says whether curated + rejects add up to it. The
    report shows up to `total` samples, half kept and half dropped images when there are enough."""
    summary = {**summary, **accounting(input_rows, summary["curated"], summary["rejects"])}
    publish_file(f"{staging}/stats.json", json.dumps({**summary, "settings": run}, indent=2) + "\n")
    ordered = sorted(samples, key=lambda entry: entry[0])  # by rank: the same pick whatever the runner
    kept, dropped = report.pick_samples(
        [row for _, row, image_kept in ordered if image_kept],
        [row for _, row, image_kept in ordered if not image_kept],
        total,
    )
    picked = [(row, True) for row in kept] + [(row, False) for row in dropped]
    publish_file(f"{staging}/report.html", report.render(summary, picked, run))


def add_seconds_to_report(staging: str, seconds: float) -> None:
    """Fill the run's time into report.html once the pipeline has finished."""
    path = f"{staging}/report.html"
    with fsspec.open(path, "rb") as handle:
        page = handle.read().decode()
    publish_file(path, report_summary.with_seconds(page, seconds))
