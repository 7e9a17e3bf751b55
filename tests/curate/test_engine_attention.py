"""Folding the texts of one image into one query sequence, and back."""

import torch

from capfilt.curate.engines.fast.attention import ImageGroups


def test_uniform_groups_fold_as_a_view_and_unfold_back():
    rows = torch.randn(6, 4, 8)
    groups = ImageGroups.repeated(num_images=2, copies=3)
    folded = groups.fold(rows)
    assert folded.shape == (2, 12, 8)
    assert folded.data_ptr() == rows.data_ptr()
    assert torch.equal(folded[1, 4:8], rows[4])
    assert torch.equal(groups.unfold(folded, 4), rows)


def test_ragged_groups_pad_and_unfold_back():
    rows = torch.randn(5, 3, 2)
    groups = ImageGroups.from_counts([2, 0, 3])
    folded = groups.fold(rows)
    assert folded.shape == (3, 9, 2)
    assert torch.equal(folded[0, 3:6], rows[1])
    assert torch.equal(folded[2, 6:9], rows[4])
    assert not folded[1].any() and not folded[0, 6:].any()
    assert torch.equal(groups.unfold(folded, 3), rows)
