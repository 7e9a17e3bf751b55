"""The streaming Parquet loader: sharding without overlap, text sampling, exact resume."""

import random

import pytest
import torch
from torch.utils.data import DataLoader

from models.training.data import ParquetImageText, iter_texts
from schemas import expand
from tests.helpers.blip_data import write_curated, write_pairs


def to_tensor(image, rng: random.Random) -> torch.Tensor:
    return torch.tensor(image.getpixel((0, 0)), dtype=torch.float32)


def first_epoch_keys(files, rank, world, **kwargs) -> list[str]:
    dataset = ParquetImageText(files, to_tensor, rank=rank, world_size=world, repeat=False, **kwargs)
    return [sample["key"] for sample in dataset]


@pytest.mark.parametrize("num_files", [1, 2, 5])
def test_ranks_read_disjoint_rows_that_cover_the_data(tmp_path, num_files):
    files = expand(write_pairs(tmp_path, 20, files=num_files))
    seen = [first_epoch_keys(files, rank, 3, shuffle_buffer=4) for rank in range(3)]
    flat = [k for keys in seen for k in keys]
    assert len(flat) == len(set(flat)) == 20


def test_dataloader_workers_and_ranks_do_not_overlap(tmp_path):
    files = expand(write_pairs(tmp_path, 24, files=3))
    seen = []
    for rank in range(2):
        dataset = ParquetImageText(files, to_tensor, rank=rank, world_size=2, repeat=False, shuffle_buffer=1)
        loader = DataLoader(dataset, batch_size=None, num_workers=2)
        seen.append([sample["key"] for sample in loader])
    assert not set(seen[0]) & set(seen[1])
    assert len(seen[0]) + len(seen[1]) == 24


def test_curated_samples_one_of_the_kept_captions_and_pairs_one_reference(tmp_path):
    curated = expand(write_curated(tmp_path / "cur", 8))
    texts = {s["text"] for s in ParquetImageText(curated, to_tensor, repeat=False)}
    assert any(t.startswith("kept synthetic") for t in texts) and any(t.startswith("a ") for t in texts)
    refs = expand(write_pairs(tmp_path / "ref", 8, references=True))
    texts = {s["text"] for s in ParquetImageText(refs, to_tensor, repeat=False, seed=3)}
    assert any(t.startswith("the ") for t in texts)


def test_resumed_stream_continues_exactly_where_it_stopped(tmp_path):
    files = expand(write_pairs(tmp_path, 10, files=2))

    def batches(start_batch, count):
        dataset = ParquetImageText(
            files, to_tensor, seed=7, shuffle_buffer=5, batch_size=3, start_batch=start_batch
        )
        loader = DataLoader(dataset, batch_size=3, num_workers=2, collate_fn=lambda s: [x["key"] for x in s])
        out = []
        for batch in loader:
            out.append(batch)
            if len(out) == count:
                return out

    # Nine batches of three cover almost three epochs of ten rows: reshuffled epochs are part of the state.
    assert batches(0, 9)[5:] == batches(5, 4)


def test_texts_for_the_tokenizer_cover_every_text_column(tmp_path):
    files = expand(write_pairs(tmp_path, 4, references=True))
    texts = list(iter_texts(files))
    assert "the red picture" in texts and "a red circle on a plain background" in texts
