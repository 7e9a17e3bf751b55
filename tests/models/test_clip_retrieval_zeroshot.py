"""Retrieval recall on constructed similarity matrices; the zero-shot classifier on constructed embeddings."""

from __future__ import annotations

import pytest
import torch
from torch.nn.functional import normalize

from models.evaluation.retrieval import retrieval_recall
from models.evaluation.zeroshot import DEFAULT_TEMPLATES, classify, top1_accuracy, zeroshot_classifier


def test_recall_with_several_captions_per_image():
    # 3 images; texts 0,1 -> image 0, text 2 -> image 1, texts 3,4 -> image 2.
    text_to_image = torch.tensor([0, 0, 1, 2, 2])
    similarity = torch.tensor(
        [
            # image 0: its best-ranked caption (text 1) comes second, after text 2 (wrong).
            [0.1, 0.5, 0.9, 0.0, 0.2],
            # image 1: its only caption (text 2) is ranked first.
            [0.0, 0.1, 0.8, 0.3, 0.2],
            # image 2: its captions come third and fifth, after texts 0 and 1.
            [0.9, 0.8, 0.1, 0.7, 0.0],
        ]
    )
    metrics = retrieval_recall(similarity, text_to_image, ks=(1, 2, 3))
    # image -> text ranks of the first correct caption: 1, 0, 2.
    assert metrics["i2t_r1"] == pytest.approx(100 / 3)
    assert metrics["i2t_r2"] == pytest.approx(200 / 3)
    assert metrics["i2t_r3"] == pytest.approx(100.0)
    # text -> image (columns): texts 0, 1 and 2 find their image second, text 3 first, text 4 third
    # (image 0 and 1 tie at 0.2 and keep index order, image 2 scores 0.0).
    assert metrics["t2i_r1"] == pytest.approx(100 * 1 / 5)
    assert metrics["t2i_r2"] == pytest.approx(100 * 4 / 5)
    assert metrics["t2i_r3"] == pytest.approx(100.0)
    assert metrics["r_mean"] == pytest.approx(sum(v for k, v in metrics.items() if k != "r_mean") / 6)


def test_perfect_and_reversed_rankings_with_default_ks():
    n = 12
    identity = torch.eye(n)
    assert set(retrieval_recall(identity, torch.arange(n)).values()) == {100.0}
    # Every true pair scored lowest: found only once K reaches n.
    reversed_scores = 1 - torch.eye(n)
    metrics = retrieval_recall(reversed_scores, torch.arange(n))
    assert metrics["i2t_r1"] == metrics["i2t_r10"] == 0.0
    assert metrics["t2i_r10"] == 0.0


def test_ties_never_count_as_success():
    constant = torch.zeros(4, 4)
    metrics = retrieval_recall(constant, torch.tensor([3, 2, 1, 0]), ks=(1,))
    # Stable order puts column 0 first: only the image/text whose partner is index 0 is found.
    assert metrics["i2t_r1"] == 25.0 and metrics["t2i_r1"] == 25.0


def test_recall_refuses_inconsistent_inputs():
    with pytest.raises(ValueError, match="no caption"):
        retrieval_recall(torch.zeros(3, 2), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="outside"):
        retrieval_recall(torch.zeros(2, 2), torch.tensor([0, 5]))
    with pytest.raises(ValueError, match="shape"):
        retrieval_recall(torch.zeros(2, 3), torch.tensor([0, 1]))


def test_zeroshot_classifier_averages_templates_and_normalises():
    axes = {"circle": torch.tensor([1.0, 0.0, 0.0]), "square": torch.tensor([0.0, 1.0, 0.0])}
    templates = ("a photo of a {}.", "a drawing of a {}.")

    def encode(texts: list[str]) -> torch.Tensor:
        # The photo template adds a component along z; the drawing template a twice-as-long x/y vector.
        rows = []
        for text in texts:
            base = next(v for name, v in axes.items() if name in text)
            rows.append(base + torch.tensor([0.0, 0.0, 1.0]) if "photo" in text else 2 * base)
        return torch.stack(rows)

    classifier = zeroshot_classifier(["circle", "square"], encode, templates)
    assert classifier.shape == (3, 2)
    # circle: mean of normalize([1,0,1]) and [1,0,0], normalised.
    expected = normalize(
        (normalize(torch.tensor([1.0, 0.0, 1.0]), dim=0) + torch.tensor([1.0, 0, 0])) / 2, dim=0
    )
    torch.testing.assert_close(classifier[:, 0], expected)
    torch.testing.assert_close(classifier.norm(dim=0), torch.ones(2))

    images = normalize(
        torch.tensor([[0.9, 0.1, 0.2], [0.1, 0.8, 0.3], [0.2, 0.7, 0.0], [0.6, 0.5, 0.0]]), dim=1
    )
    predicted = classify(images, classifier)
    assert predicted.tolist() == [0, 1, 1, 0]
    assert top1_accuracy(predicted, torch.tensor([0, 1, 0, 0])) == 75.0


def test_zeroshot_classifier_refuses_bad_templates_and_no_classes():
    with pytest.raises(ValueError, match="template"):
        zeroshot_classifier(["cat"], lambda texts: torch.ones(len(texts), 2), ["a photo"])
    with pytest.raises(ValueError, match="no class"):
        zeroshot_classifier([], lambda texts: torch.ones(len(texts), 2))
    assert all("{}" in t for t in DEFAULT_TEMPLATES)
