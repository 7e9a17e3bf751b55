"""The corpus-level steps of the CapFilt job, on the kept rows after the policy: embeddings out,
decontamination against an evaluation set, semantic de-duplication. Wiring only: the logic is in
capfilt.curate.{embeddings,decontaminate,semdedup}.

kept rows -> Describe (decode once: pHash, CLIP image/text embeddings) -> Decontaminate (side input: the
evaluation images, described the same way) -> SemDeDup (k-means on a sample as a combine, assignment as a
map, pairwise within each cluster after a GroupByKey, verdicts joined back by key) -> kept rows, rejects,
embedding rows.
"""

from __future__ import annotations

from typing import NamedTuple

import apache_beam as beam
import numpy as np

from capfilt.curate import decontaminate, semdedup
from capfilt.curate.prepare import decode_image
from capfilt.images import ImageRejected
from capfilt.readers import read_file
from schemas import CAPTIONS, IMAGE, KEY, SYNTHETIC, URL, WEB_SCORE, Reject
from schemas.embeddings import EMBEDDED_TEXT, EMBEDDING_MODEL, IMAGE_EMBEDDING, TEXT_EMBEDDING

NAMESPACE = "capfilt"
SEMDEDUP_STAGE = "semdedup"


class Described(NamedTuple):
    row: dict
    phash: str
    image_vector: np.ndarray | None  # float16 values (what the sidecar stores) as float32
    text_vector: np.ndarray | None
    text: str | None


def best_score(row: dict) -> float:
    """The row's best text score (web text or any synthetic caption): what SemDeDup keeps the best of."""
    scores = [row.get(WEB_SCORE)] + [s.get("score") for s in row.get(SYNTHETIC) or []]
    return max((float(s) for s in scores if s is not None), default=0.0)


class Describe(beam.DoFn):
    """Batches of rows -> Described, each image decoded once; `clip` None computes the pHash only. A row
    whose image does not decode (possible only in an evaluation set) is counted and left out."""

    def __init__(self, clip: str | None, device: str, precision: str, with_text: bool):
        self.clip, self.device, self.precision, self.with_text = clip, device, precision, with_text
        self.undecodable = beam.metrics.Metrics.counter(NAMESPACE, "corpus.undecodable_image")

    def setup(self):
        self.embedder = None
        if self.clip:
            from capfilt.curate.embeddings import ClipEmbedder

            self.embedder = ClipEmbedder(self.clip, self.device, self.precision)

    def process(self, rows: list[dict]):
        decoded = []
        for row in rows:
            try:
                decoded.append((row, decode_image((row.get(IMAGE) or {}).get("bytes") or b"")))
            except ImageRejected:
                self.undecodable.inc()
        if not decoded:
            return
        images = [image for _, image in decoded]
        hashes = [decontaminate.image_phash(image) for image in images]
        image_vectors = text_vectors = [None] * len(decoded)
        texts = [(row.get(CAPTIONS) or [None])[0] for row, _ in decoded]
        if self.embedder is not None:
            image_vectors = list(as_stored(self.embedder.images(images)))
            if self.with_text:
                present = [i for i, text in enumerate(texts) if text]
                vectors = as_stored(self.embedder.texts([texts[i] for i in present]))
                text_vectors = [None] * len(decoded)
                for i, vector in zip(present, vectors, strict=True):
                    text_vectors[i] = vector
        for (row, _), phash, image_vector, text_vector, text in zip(
            decoded, hashes, image_vectors, text_vectors, texts, strict=True
        ):
            yield Described(row, phash, image_vector, text_vector, text)


def as_stored(vectors: np.ndarray) -> np.ndarray:
    """Rounded to float16 as the sidecar stores them, so every decision is reproducible from the sidecar."""
    return vectors.astype(np.float16).astype(np.float32)


class KMeansOnSample(beam.CombineFn):
    """(key, vector) -> k-means centroids of the `sample` lowest-ranked keys (semdedup.sample_rank)."""

    def __init__(self, clusters: int, sample: int, seed: int):
        self.clusters, self.sample, self.seed = clusters, sample, seed

    def create_accumulator(self):
        return []

    def _trim(self, entries):
        if len(entries) > 2 * self.sample:
            entries.sort(key=lambda entry: entry[0])
            del entries[self.sample :]
        return entries

    def add_input(self, entries, key_vector):
        key, vector = key_vector
        entries.append((semdedup.sample_rank(key), key, vector))
        return self._trim(entries)

    def merge_accumulators(self, accumulators):
        merged = []
        for entries in accumulators:
            merged.extend(entries)
            self._trim(merged)
        return merged

    def extract_output(self, entries):
        chosen = sorted(entries, key=lambda entry: entry[:2])[: self.sample]
        if not chosen:
            return np.zeros((0, 0), np.float32)
        return semdedup.kmeans(np.stack([vector for _, _, vector in chosen]), self.clusters, self.seed)


def check_decontamination(described: Described, index):
    found = index.match(described.row[KEY], described.row.get(URL), described.phash, described.image_vector)
    yield beam.pvalue.TaggedOutput("rejects", found) if found else described


def eval_index(images: list, phash_distance: int, min_cosine: float) -> decontaminate.EvalIndex:
    return decontaminate.EvalIndex(images, phash_distance, min_cosine)


def joined_verdicts(key_groups):
    """(key, {"row": [Described], "duplicate": [SemanticDuplicate]}) -> the row, or its Reject."""
    _, groups = key_groups
    for described in groups["row"]:
        if groups["duplicate"]:
            verdict = groups["duplicate"][0]
            row = described.row
            yield beam.pvalue.TaggedOutput(
                "rejects",
                Reject(row[KEY], row.get(URL), SEMDEDUP_STAGE, "semantic_duplicate", verdict.detail()),
            )
        else:
            yield described


def embedding_row(described: Described, model_name: str) -> dict:
    def stored(vector):
        return None if vector is None else vector.astype(np.float16)

    return {
        KEY: described.row[KEY],
        IMAGE_EMBEDDING: stored(described.image_vector),
        TEXT_EMBEDDING: stored(described.text_vector),
        EMBEDDED_TEXT: described.text if described.text_vector is not None else None,
        EMBEDDING_MODEL: model_name,
    }


def corpus_steps_enabled(config) -> bool:
    return bool(config.embeddings or config.decontaminate or config.semdedup_eps)


class CorpusSteps(beam.PTransform):
    """kept rows -> {"kept": rows, "rejects": Rejects, "embeddings": sidecar rows (empty without a model)}."""

    def __init__(self, config, eval_files: list[str], model_name: str | None = None):
        super().__init__()
        self.config, self.eval_files = config, eval_files
        self.model_name = model_name or config.embeddings

    def describe(self, rows, label: str, with_text: bool):
        config = self.config
        return (
            rows
            | f"Batch{label}" >> beam.BatchElements(min_batch_size=1, max_batch_size=config.batch_size)
            | f"Describe{label}"
            >> beam.ParDo(Describe(config.embeddings, config.device, config.precision, with_text))
        )

    def expand(self, kept):
        config = self.config
        described = self.describe(kept, "", with_text=True)
        rejects = []
        if self.eval_files:
            evaluation = (
                kept.pipeline
                | "EvalFiles" >> beam.Create(self.eval_files)
                | "ReadEval" >> beam.FlatMap(read_file, config.input_format, config.text_column)
                | "EvalRecords" >> beam.Filter(lambda item: not isinstance(item, Reject))
            )
            images = (
                self.describe(evaluation, "Eval", with_text=False)
                | "EvalImages"
                >> beam.Map(lambda d: decontaminate.EvalImage(d.row[KEY], d.phash, d.image_vector))
                | "EvalList" >> beam.combiners.ToList()
                | "EvalIndex"
                >> beam.Map(eval_index, config.decontaminate_phash_distance, config.decontaminate_cosine)
            )
            checked = described | "Decontaminate" >> beam.FlatMap(
                check_decontamination, beam.pvalue.AsSingleton(images)
            ).with_outputs("rejects", main="clean")
            described = checked.clean
            rejects.append(checked.rejects)
        if config.semdedup_eps:
            described, dedup_rejects = self.semdedup(described)
            rejects.append(dedup_rejects)
        all_rejects = (rejects or [kept.pipeline | "NoCorpusRejects" >> beam.Create([])]) | (
            "CorpusRejects" >> beam.Flatten()
        )
        embeddings = (
            described | "EmbeddingRows" >> beam.Map(embedding_row, self.model_name)
            if config.embeddings
            else kept.pipeline | "NoEmbeddings" >> beam.Create([])
        )
        return {
            "kept": described | "CorpusKept" >> beam.Map(lambda d: d.row),
            "rejects": all_rejects,
            "embeddings": embeddings,
        }

    def semdedup(self, described):
        config = self.config
        members = described | "Members" >> beam.Map(
            lambda d: semdedup.Member(d.row[KEY], best_score(d.row), d.image_vector)
        )
        centroids = (
            members
            | "SampleVectors" >> beam.Map(lambda m: (m.key, m.vector))
            | "KMeansOnSample"
            >> beam.CombineGlobally(
                KMeansOnSample(config.semdedup_clusters, config.semdedup_sample, config.seed)
            )
        )
        verdicts = (
            members
            | "AssignCluster"
            >> beam.Map(lambda m, c: (semdedup.assign(m.vector, c), m), beam.pvalue.AsSingleton(centroids))
            | "GroupByCluster" >> beam.GroupByKey()
            | "WithinCluster"
            >> beam.FlatMap(
                lambda cluster: semdedup.cluster_duplicates(list(cluster[1]), config.semdedup_eps)
            )
            | "ByLoser" >> beam.Map(lambda verdict: (verdict.loser, verdict))
        )
        joined = (
            {"row": described | "RowsByKey" >> beam.Map(lambda d: (d.row[KEY], d)), "duplicate": verdicts}
            | "JoinVerdicts" >> beam.CoGroupByKey()
            | "ApplyVerdicts" >> beam.FlatMap(joined_verdicts).with_outputs("rejects", main="kept")
        )
        return joined.kept, joined.rejects
