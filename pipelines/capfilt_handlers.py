"""RunInference model handlers for CapFilt: thin adapters from Beam batches to capfilt's engines.

Each handler loads one engine per process (or one per machine, shared by its processes, with
`large_model` / `model_copies` on GPU workers) and calls it once per batch of `Item`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import torch
from apache_beam.ml.inference.base import ModelHandler, PredictionResult

from capfilt import threads
from capfilt.curate.engines.interfaces import (
    Captioner,
    CaptionerSettings,
    Filter,
    FilterSettings,
    Scorer,
    ScorerSettings,
)
from capfilt.curate.engines.registry import load_captioner, load_filter, load_scorers
from capfilt.curate.prepare import Item
from capfilt.curate.seeding import captioner_seed


class _CapfiltHandler(ModelHandler):
    """Batching and sharing settings common to both models.

    These are declared by overriding the ModelHandler methods rather than through its constructor, which
    takes them only in recent Beam releases (setup.py allows older ones).
    """

    def __init__(
        self,
        engine: str,
        batch_size: int,
        large_model: bool = False,
        model_copies: int = 0,
        torch_threads: int = 0,
        worker_processes: int = 1,
    ):
        self._engine = engine
        self._batch_size = batch_size
        self._large_model = large_model
        self._model_copies = model_copies or None
        self._torch_threads = torch_threads
        self._worker_processes = worker_processes
        self._env_vars = {}

    def torch_threads(self) -> int:
        """Threads for the models loaded here, decided where they run (a worker's cores, not the launcher's):
        --torch_threads, else this machine's usable cores shared by the processes that hold models (the
        worker processes, or the model copies when one process per machine serves them all)."""
        holders = self.model_copies() if self.share_model_across_processes() else self._worker_processes
        return threads.threads_per_process(holders, self._torch_threads)

    def _set_threads(self) -> None:
        # Several processes on one CPU machine would otherwise each start a thread per core, and torch's
        # threads, which wait for each other, make every process slower (issue 17).
        torch.set_num_threads(self.torch_threads())

    def batch_elements_kwargs(self):
        # Full batches (a batch job has no latency to trade); BatchElements would otherwise start at 1.
        return {"min_batch_size": self._batch_size, "max_batch_size": self._batch_size}

    def share_model_across_processes(self) -> bool:
        return self._large_model or self._model_copies is not None

    def model_copies(self) -> int:
        return self._model_copies or 1

    def get_num_bytes(self, batch: Sequence[Item]) -> int:
        return sum(len(item.record["image"]["bytes"]) for item in batch)


class CaptionerHandler(_CapfiltHandler):
    """The `index`-th --captioner: it samples from its own seed of each record (seeding.captioner_seed)."""

    def __init__(self, settings: CaptionerSettings, index: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.settings = settings
        self.index = index

    def load_model(self) -> Captioner:
        self._set_threads()
        return load_captioner(self.settings, self._engine)

    def run_inference(
        self, batch: Sequence[Item], model: Captioner, inference_args: dict[str, Any] | None = None
    ) -> Iterable[PredictionResult]:
        seeds = [captioner_seed(item.seed, self.index) for item in batch]
        captions = model.captions([item.image for item in batch], seeds)
        return [PredictionResult(item, flagged) for item, flagged in zip(batch, captions, strict=True)]

    def get_metrics_namespace(self) -> str:
        return "capfilt_captioner"


class FilterHandler(_CapfiltHandler):
    def __init__(self, settings: FilterSettings, **kwargs):
        super().__init__(**kwargs)
        self.settings = settings

    def load_model(self) -> Filter:
        self._set_threads()
        return load_filter(self.settings, self._engine)

    def run_inference(
        self, batch: Sequence[Item], model: Filter, inference_args: dict[str, Any] | None = None
    ) -> Iterable[PredictionResult]:
        scores = model.score([item.image for item in batch], [item.texts() for item in batch])
        return [PredictionResult(item, item_scores) for item, item_scores in zip(batch, scores, strict=True)]

    def get_metrics_namespace(self) -> str:
        return "capfilt_filter"


class LoadedScorers(list):
    """The --scorer models of one process: a list Beam's model cache can hold (it keeps a weak reference)."""


class ScorersHandler(_CapfiltHandler):
    """Every --scorer model in one handler: one batch, each scorer once, {name: scores per text} per item."""

    def __init__(self, settings: list[ScorerSettings], **kwargs):
        super().__init__(**kwargs)
        self.settings = settings

    def load_model(self) -> LoadedScorers:
        self._set_threads()
        return LoadedScorers(load_scorers(self.settings))

    def run_inference(
        self, batch: Sequence[Item], model: list[Scorer], inference_args: dict[str, Any] | None = None
    ) -> Iterable[PredictionResult]:
        images, texts = [item.image for item in batch], [item.texts() for item in batch]
        by_scorer = {scorer.name: scorer.score(images, texts) for scorer in model}
        return [
            PredictionResult(item, {name: scores[i] for name, scores in by_scorer.items()})
            for i, item in enumerate(batch)
        ]

    def get_metrics_namespace(self) -> str:
        return "capfilt_scorers"
