"""The shipped demo CLIP (capfilt/assets/models/clip) is a working `--scorer`: loaded through the same code as
a hub id, it gives each held-out image's own caption a higher cosine than another image's, on average."""

import io
from pathlib import Path

import pytest
from PIL import Image

import schemas
from capfilt.curate.config import ASSETS
from capfilt.curate.engines.interfaces import ScorerSettings
from capfilt.curate.engines.registry import load_scorer

SHIPPED_CLIP = ASSETS / "clip"


@pytest.mark.skipif(not (SHIPPED_CLIP / "model.safetensors").exists(), reason="demo CLIP not shipped")
def test_shipped_clip_scores_matching_texts_above_mismatching_ones(small_world: Path):
    rows = schemas.read_table(schemas.expand(f"{small_world}/test/*.parquet")[0], schemas.PAIRS).to_pylist()
    images = [Image.open(io.BytesIO(row["image"]["bytes"])).convert("RGB") for row in rows]
    captions = [row["caption"] for row in rows]
    # Each image with its own caption, then the next image's (a scene with other objects).
    texts = [[captions[i], captions[(i + 1) % len(rows)]] for i in range(len(rows))]

    scorer = load_scorer(ScorerSettings("clip", str(SHIPPED_CLIP)))
    scores = scorer.score(images, texts)

    assert scorer.name == "clip" and scorer.model.config.model_type == "clip"
    assert all(-1.0 <= s <= 1.0 for pair in scores for s in pair)
    matching = sum(pair[0] for pair in scores) / len(scores)
    mismatching = sum(pair[1] for pair in scores) / len(scores)
    assert matching > mismatching + 0.1, (matching, mismatching)
    # Not one lucky image: most images prefer their own caption.
    assert sum(own > other for own, other in scores) >= 0.75 * len(scores)
