"""Length buckets for the ITM text encoder (capfilt.curate.engines.fast.text_buckets)."""

import torch

from capfilt.curate.engines.fast.text_buckets import length_buckets


def padded_tokens(buckets):
    return sum(rows.shape[0] * length for rows, length in buckets)


def test_short_web_texts_and_long_captions_get_their_own_buckets():
    # One image's row layout in a CapFilt batch: T_w (short), then N = 5 captions near the limit.
    lengths = torch.tensor([6, 33, 35, 30, 35, 34] * 4)
    buckets = length_buckets(lengths)
    assert [length for _, length in buckets] == [6, 35]
    rows = torch.cat([rows for rows, _ in buckets])
    assert sorted(rows.tolist()) == list(range(24))  # every row once
    assert all(torch.equal(r, r.sort().values) for r, _ in buckets)  # image order kept inside a bucket
    assert all(int(lengths[r].max()) <= length for r, length in buckets)  # nothing cut off
    assert padded_tokens(buckets) == 4 * 6 + 20 * 35  # 14% fewer than 24 x 35


def test_one_bucket_when_splitting_saves_little():
    for lengths in ([7], [12, 12, 12], [33, 35, 34], [3] + [35] * 19):
        [(rows, length)] = length_buckets(torch.tensor(lengths))
        assert rows.tolist() == list(range(len(lengths))) and length == max(lengths)
