"""Run statistics as a mergeable accumulator: counts, kept fractions, score histograms, quality vs labels.

Mergeable so that any runner can combine per-worker partial results (Beam wraps it in a CombineFn).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from capfilt.curate.scorer_stats import ScorerStats

BINS = 20


class ScoredEvent(NamedTuple):
    """An image that went through the models: the fields of its `curated` row the statistics read
    (key, web_score, web_kept, captions, synthetic score/kept/hit_max_length; no image bytes, so combining
    stays cheap), and whether the image was kept."""

    row: dict
    image_kept: bool


class RejectEvent(NamedTuple):
    """A record refused before the models (read, decode, text) or by them (model errors)."""

    stage: str
    reason: str


StatsEvent = ScoredEvent | RejectEvent


def histogram_bin(score: float) -> int:
    return min(int(score * BINS), BINS - 1) if score == score else 0  # NaN lands in the first bin


@dataclass
class ScoreCounts:
    """Scores of one kind of text (web or synthetic): how many, how many kept, and their histogram."""

    scored: int = 0
    kept: int = 0
    total: float = 0.0
    histogram: list[int] = field(default_factory=lambda: [0] * BINS)

    def add(self, score: float, kept: bool) -> None:
        self.scored += 1
        self.kept += int(kept)
        self.total += score
        self.histogram[histogram_bin(score)] += 1

    def merge(self, other: ScoreCounts) -> None:
        self.scored += other.scored
        self.kept += other.kept
        self.total += other.total
        self.histogram = [a + b for a, b in zip(self.histogram, other.histogram, strict=True)]

    def summary(self) -> dict:
        return {
            "scored": self.scored,
            "kept": self.kept,
            "kept_fraction": _ratio(self.kept, self.scored),
            "mean_score": _ratio(self.total, self.scored),
            "histogram": {"bins": BINS, "range": [0.0, 1.0], "counts": list(self.histogram)},
        }


def _ratio(numerator: float, denominator: float) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


@dataclass
class Stats:
    curated: int = 0
    dropped: int = 0
    rejects: Counter = field(default_factory=Counter)
    web: ScoreCounts = field(default_factory=ScoreCounts)
    synthetic: ScoreCounts = field(default_factory=ScoreCounts)
    kept_texts: int = 0
    # Kept images whose web text was dropped but a synthetic caption survived: what the captioner adds.
    rescued_by_captioner: int = 0
    # Ground-truth web-text quality (demo world): (label, kept) counts, label "correct" or a noise type.
    verdicts: Counter = field(default_factory=Counter)
    # Synthetic captions that stopped at max_length before their end token (may end mid-phrase), and how
    # many of those the policy kept.
    hit_max_length: int = 0
    hit_max_length_kept: int = 0
    # Every scorer's histogram and their agreement (stats.json `scorers`, `scorer_agreement`), when given.
    scorers: ScorerStats | None = None

    def add_scored(self, row: dict, image_kept: bool, web_label: str | None = None) -> None:
        """One image that went through the models (kept or dropped) as its `curated` row."""
        if image_kept:
            self.curated += 1
            self.kept_texts += len(row["captions"])
            self.rescued_by_captioner += int(not row["web_kept"])
        else:
            self.dropped += 1
        self.web.add(row["web_score"], row["web_kept"])
        for caption in row["synthetic"]:
            self.synthetic.add(caption["score"], caption["kept"])
            if caption.get("hit_max_length"):
                self.hit_max_length += 1
                self.hit_max_length_kept += int(caption["kept"])
        if web_label is not None:
            self.verdicts[(web_label, row["web_kept"])] += 1
        if self.scorers is not None:
            self.scorers.add_row(row)

    def add_reject(self, stage: str, reason: str) -> None:
        """A record refused before the models (read, decode, text) or by them (model errors)."""
        self.rejects[f"{stage}/{reason}"] += 1

    def add(self, event: StatsEvent, web_label: str | None = None) -> None:
        """One event of the run; `web_label` is the ground-truth label of a scored image's web text."""
        if isinstance(event, ScoredEvent):
            self.add_scored(event.row, event.image_kept, web_label)
        else:
            self.add_reject(event.stage, event.reason)

    def merge(self, other: Stats) -> Stats:
        self.curated += other.curated
        self.dropped += other.dropped
        self.rejects.update(other.rejects)
        self.web.merge(other.web)
        self.synthetic.merge(other.synthetic)
        self.kept_texts += other.kept_texts
        self.rescued_by_captioner += other.rescued_by_captioner
        self.verdicts.update(other.verdicts)
        self.hit_max_length += other.hit_max_length
        self.hit_max_length_kept += other.hit_max_length_kept
        if other.scorers is not None:
            self.scorers = other.scorers if self.scorers is None else self.scorers.merge(other.scorers)
        return self

    @property
    def inputs(self) -> int:
        return self.curated + self.dropped + sum(self.rejects.values())

    def quality(self) -> dict | None:
        """Precision and recall of keeping correct web texts, against the ground-truth labels."""
        if not self.verdicts:
            return None
        kept_correct = self.verdicts[("correct", True)]
        kept_total = sum(n for (_, kept), n in self.verdicts.items() if kept)
        correct_total = sum(n for (label, _), n in self.verdicts.items() if label == "correct")
        noisy_total = sum(self.verdicts.values()) - correct_total
        noisy_dropped = sum(
            n for (label, kept), n in self.verdicts.items() if label != "correct" and not kept
        )
        by_label: dict[str, dict] = {}
        for (label, kept), n in sorted(self.verdicts.items()):
            entry = by_label.setdefault(label, {"kept": 0, "dropped": 0})
            entry["kept" if kept else "dropped"] += n
        for entry in by_label.values():
            entry["kept_fraction"] = _ratio(entry["kept"], entry["kept"] + entry["dropped"])
        return {
            "labelled": sum(self.verdicts.values()),
            "web_precision": _ratio(kept_correct, kept_total),
            "web_recall": _ratio(kept_correct, correct_total),
            "noisy_dropped_fraction": _ratio(noisy_dropped, noisy_total),
            "by_label": by_label,
        }

    def summary(self) -> dict:
        scored = self.curated + self.dropped
        rejects = dict(sorted(self.rejects.items()))
        rejects_total = sum(rejects.values()) + self.dropped
        return {
            "inputs": self.inputs,
            "curated": self.curated,
            "rejects": rejects_total,
            "scored": scored,
            "dropped_no_text_kept": self.dropped,
            "images_kept_fraction": _ratio(self.curated, scored),
            "rejects_by_reason": {
                **rejects,
                **({"filter/no_text_kept": self.dropped} if self.dropped else {}),
            },
            "web": self.web.summary(),
            "synthetic": {
                **self.synthetic.summary(),
                "hit_max_length": self.hit_max_length,
                "hit_max_length_kept": self.hit_max_length_kept,
            },
            "texts_per_kept_image": _ratio(self.kept_texts, self.curated),
            "rescued_by_captioner": self.rescued_by_captioner,
            "quality": self.quality(),
            **(self.scorers.summary() if self.scorers is not None else {}),
        }


def summary_line(summary: dict, output: str) -> str:
    """The one line a run ends with."""
    web, synthetic = summary["web"], summary["synthetic"]

    def pct(value):
        return "n/a" if value is None else f"{100 * value:.1f}%"

    line = (
        f"capfilt: {summary['inputs']} inputs -> {summary['curated']} curated, {summary['rejects']} rejects "
        f"({summary['dropped_no_text_kept']} dropped by the filter); "
        f"web texts kept {pct(web['kept_fraction'])}, "
        f"synthetic kept {pct(synthetic['kept_fraction'])}"
    )
    quality = summary.get("quality")
    if quality:
        line += f"; web precision {pct(quality['web_precision'])} recall {pct(quality['web_recall'])}"
    if synthetic.get("hit_max_length"):
        line += (
            f"; {synthetic['hit_max_length']} synthetic caption(s) hit --max_length "
            f"({synthetic['hit_max_length_kept']} kept)"
        )
    return f"{line} -> {output}"
