"""The models read what the jobs write and what Hugging Face exports: folders and image-text tables."""

from pathlib import Path

import schemas
from models import pretrain
from models.training.data import ParquetImageText, iter_texts, table_schema
from models.training.transforms import ImageTransform
from schemas.image_text import ImageTextColumns
from tests.helpers.capfilt_tiny import tiny_processor

REAL_SHARDS = Path(__file__).parents[1] / "data" / "real" / "shards"
PHOTOS = REAL_SHARDS / "derived" / "photos-hf"
CAPTIONS = {
    "a close-up of a tabby kitten's face",
    "a wooden boardwalk through the dunes leading to the sea",
    "green succulent plants seen from above",
    "a kitten peering over the edge of a table",
    "palm trees against a blue evening sky",
}


def test_the_training_loader_reads_a_hugging_face_export_folder(tmp_path):
    files = schemas.expand(str(PHOTOS))
    assert isinstance(table_schema(files[0]), ImageTextColumns)
    transform = ImageTransform(tiny_processor(tmp_path).image_processor)
    samples = list(ParquetImageText(files, transform, repeat=False, shuffle_buffer=1))
    assert {s["text"] for s in samples} == CAPTIONS
    assert sorted(s["key"] for s in samples) == [f"train-00000-of-00001-{i:09d}" for i in range(5)]
    assert samples[0]["pixel_values"].shape == (3, 32, 32)
    assert set(iter_texts(files)) == CAPTIONS


def test_pretrain_takes_an_export_folder_as_data(tmp_path):
    output = tmp_path / "clip"
    summary = pretrain.main(
        ["clip", "--data", str(PHOTOS), "--output", str(output), "--preset", "tiny", "--vocab_size", "200",
         "--max_steps", "2", "--batch_size", "2", "--num_workers", "0", "--save_every", "1000",
         "--shuffle_buffer", "5", "--warmup_steps", "1"]
    )  # fmt: skip
    assert summary["finished"] and (output / "model.safetensors").exists()
