"""Corpus-level steps of `python -m pipelines.capfilt` (embeddings out, decontamination, SemDeDup) on a demo
world with constructed exact and near duplicates, a tiny CLIP built locally; decisions checked against a
brute-force pass over all pairs."""

import glob
import io
import os

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

import schemas
from capfilt.curate import semdedup
from capfilt.curate.decontaminate import image_phash
from capfilt.curate.embeddings import ClipEmbedder
from capfilt.curate.prepare import decode_image
from capfilt.ingest.dedup import hamming
from models.clip.checkpoint import save_clip
from pipelines import capfilt as job
from pipelines.capfilt_corpus import as_stored, best_score
from tests.helpers.clip_tiny import tiny_model, tiny_processor, tiny_tokenizer
from tests.helpers.worlds import WEB_ONLY, build_world

EPS, COSINE, PHASH = 0.02, 0.995, 4
FAST = ["--max_length", "8", "--min_length", "2", "--report_samples", "2", "--itm_threshold", "0"]


def reencoded(data: bytes, quality: int = 60) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def gradient_jpeg() -> bytes:
    out = io.BytesIO()
    Image.fromarray(np.tile(np.arange(64, dtype=np.uint8)[:, None] * 4, (1, 64)), "L").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory, tiny_blip):
    root = tmp_path_factory.mktemp("corpus")
    built = build_world(root / "world", web=12, image_size=64, **WEB_ONLY)
    rows = schemas.read_table(glob.glob(str(built / "web" / "*.parquet"))[0], schemas.PAIRS).to_pylist()
    image = lambda row: row["image"]["bytes"]  # noqa: E731
    extra = [
        dict(rows[0], key="copy-of-0", url=None),  # exact duplicate
        dict(rows[1], key="copy-of-1", url=None, caption="another text for the same picture"),
        dict(rows[2], key="near-2", url=None, image={"bytes": reencoded(image(rows[2])), "path": None}),
    ]
    schemas.write_table(rows + extra, schemas.PAIRS, str(root / "input" / "pairs.parquet"))
    evaluation = [  # a re-encoded training image, and an image of no training record
        dict(rows[5], key="eval-5", image={"bytes": reencoded(image(rows[5]), 75), "path": None}),
        dict(rows[0], key="eval-unrelated", image={"bytes": gradient_jpeg(), "path": None}),
    ]
    schemas.write_table(evaluation, schemas.PAIRS, str(root / "eval" / "test.parquet"))
    tokenizer = tiny_tokenizer(root)
    clip = save_clip(tiny_model(tokenizer, seed=3), tiny_processor(tokenizer), root / "clip")
    return {"root": root, "rows": rows + extra, "eval": evaluation, "clip": str(clip), **tiny_blip}


def run(world, name, *flags):
    output = str(world["root"] / name)
    argv = ["--input", str(world["root"] / "input" / "*.parquet"), "--output", output]
    argv += ["--captioner", world["captioner"], "--filter", world["filter"], *FAST, *flags]
    return output, job.run(argv)


def table(output, name, schema):
    files = sorted(glob.glob(os.path.join(output, name, "*.parquet")))
    return [row for path in files for row in schemas.read_table(path, schema).to_pylist()]


def brute_force(world, curated_rows):
    """The same rules without clustering or Beam: decontamination against every evaluation image, then
    greedy SemDeDup over all pairs of the whole corpus."""
    embedder = ClipEmbedder(world["clip"])
    images = {row["key"]: decode_image(row["image"]["bytes"]) for row in world["rows"]}
    vectors = {key: as_stored(embedder.images([image]))[0] for key, image in images.items()}
    evals = [(r["key"], decode_image(r["image"]["bytes"])) for r in world["eval"]]
    eval_hashes = {key: image_phash(image) for key, image in evals}
    eval_vectors = {key: as_stored(embedder.images([image]))[0] for key, image in evals}
    scores = {row["key"]: best_score(row) for row in curated_rows}
    verdicts, survivors = {}, []
    for key in sorted(scores):
        phash = image_phash(images[key])
        near = sorted((hamming(phash, h), k) for k, h in eval_hashes.items())[0]
        cosine = max((float(vectors[key] @ v), k) for k, v in eval_vectors.items())
        if near[0] <= PHASH:
            verdicts[key] = ("decontaminate", "eval_phash", near[1])
        elif cosine[0] >= COSINE:
            verdicts[key] = ("decontaminate", "eval_embedding", cosine[1])
        else:
            survivors.append(key)
    kept = []
    for key in sorted(survivors, key=lambda k: (-scores[k], k)):
        twins = [(float(vectors[key] @ vectors[other]), other) for other in kept]
        best = max(twins, key=lambda t: (t[0], -kept.index(t[1])), default=(-2.0, None))
        if best[0] > 1 - EPS:
            verdicts[key] = ("semdedup", "semantic_duplicate", best[1])
        else:
            kept.append(key)
    return verdicts, kept


def test_corpus_steps_match_brute_force(world):
    plain, _ = run(world, "plain")
    before = table(plain, "curated", schemas.CURATED)
    output, summary = run(
        world, "corpus", "--embeddings", world["clip"], "--semdedup_eps", str(EPS), "--semdedup_clusters",
        "3", "--decontaminate", str(world["root"] / "eval" / "*.parquet"),
        "--decontaminate_cosine", str(COSINE),
    )  # fmt: skip
    assert summary["accounted"], summary
    curated = table(output, "curated", schemas.CURATED)
    rejects = [
        r for r in table(output, "rejects", schemas.REJECTS) if r["stage"] in ("semdedup", "decontaminate")
    ]
    verdicts, kept = brute_force(world, before)
    assert sorted(row["key"] for row in curated) == sorted(kept)
    found = {r["key"]: (r["stage"], r["reason"], r["detail"].split()[-1]) for r in rejects}
    assert found == verdicts
    # The constructed cases are among them: an exact copy, a re-encoded copy, the evaluation image.
    first, second, third = (row["key"] for row in world["rows"][:3])
    for original, copy in ((first, "copy-of-0"), (second, "copy-of-1"), (third, "near-2")):
        # Never both kept (a random tiny CLIP may also find a third image close enough to one of them).
        dropped = [key for key in (original, copy) if key in found]
        assert dropped and all(found[key][0] == "semdedup" for key in dropped), (original, copy, found)
    assert any(v[:2] == ("decontaminate", "eval_phash") and v[2] == "eval-5" for v in found.values())
    assert summary["rejects_by_reason"].get("semdedup/semantic_duplicate") == sum(
        1 for v in verdicts.values() if v[0] == "semdedup"
    )

    # The sidecar: one float16 row per curated image, readable as a faiss matrix.
    embeddings = pq.read_table(os.path.join(output, "embeddings"))
    assert sorted(embeddings.column("key").to_pylist()) == sorted(row["key"] for row in curated)
    assert embeddings.schema.field("image_embedding").type.value_type == "halffloat"
    matrix = np.stack(embeddings.column("image_embedding").to_numpy(zero_copy_only=False)).astype("float32")
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-2)
    assert all(text is not None for text in embeddings.column("embedded_text").to_pylist())


def test_kmeans_and_cluster_rule():
    rng = np.random.default_rng(0)
    centers = np.eye(4, 16, dtype=np.float32)
    points = np.concatenate([c + 0.05 * rng.standard_normal((20, 16)) for c in centers]).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    centroids = semdedup.kmeans(points, 4, seed=1)
    labels = [semdedup.assign(p, centroids) for p in points]
    assert [len(set(labels[i * 20 : (i + 1) * 20])) for i in range(4)] == [1, 1, 1, 1]
    assert len(set(labels)) == 4
    np.testing.assert_array_equal(centroids, semdedup.kmeans(points, 4, seed=1))
    a = semdedup.Member("a", 0.2, points[0])
    b = semdedup.Member("b", 0.9, points[0])  # identical vector, better score: b is kept
    c = semdedup.Member("c", 0.5, points[30])
    assert semdedup.cluster_duplicates([a, b, c], 0.01) == [
        semdedup.SemanticDuplicate("a", "b", pytest.approx(1.0, abs=1e-5))
    ]


def test_bad_flags_are_one_line(world):
    with pytest.raises(ValueError, match="--semdedup_eps needs --embeddings"):
        run(world, "bad1", "--semdedup_eps", "0.1")
    with pytest.raises(ValueError, match="expected a CLIP checkpoint"):
        run(world, "bad2", "--embeddings", world["filter"])
    assert not os.path.exists(world["root"] / "bad1")
