"""With the shipped demo models, CapFilt keeps mostly correct web texts and drops mostly noisy ones.

Skipped until models/ has exported the demo checkpoints to capfilt/assets/models/{captioner,filter}.
"""

from pathlib import Path

import pytest

from capfilt.curate.config import DEFAULT_CAPTIONER, DEFAULT_FILTER
from capfilt.world import WorldConfig, generate_world
from pipelines import capfilt as job

SHIPPED = all((Path(p) / "config.json").exists() for p in (DEFAULT_CAPTIONER, DEFAULT_FILTER))
RECORDS = 160


@pytest.mark.slow
@pytest.mark.skipif(not SHIPPED, reason="shipped demo models not exported yet (capfilt/assets/models/)")
def test_shipped_models_keep_correct_web_texts_and_drop_noisy_ones(tmp_path):
    world = tmp_path / "world"
    generate_world(
        str(world),
        WorldConfig(web=RECORDS, human=0, test=0, classify=0, documents=0, clips=0),
        progress=False,
    )
    summary = job.run(
        [
            "--input",
            str(world / "web" / "*.parquet"),
            "--quality_labels",
            str(world / "labels" / "web.parquet"),
            "--output",
            str(tmp_path / "out"),
        ]
    )
    quality = summary["quality"]
    base_rate = quality["by_label"]["correct"]["kept"] + quality["by_label"]["correct"]["dropped"]
    base_rate /= quality["labelled"]
    assert quality["labelled"] == RECORDS
    # Kept web texts are mostly correct, and clearly more often than in the raw web data.
    assert quality["web_precision"] >= max(0.6, base_rate + 0.15), quality
    # Most noisy web texts are dropped, most correct ones kept.
    assert quality["noisy_dropped_fraction"] >= 0.6, quality
    assert quality["web_recall"] >= 0.5, quality
