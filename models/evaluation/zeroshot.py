"""Zero-shot classification: a linear classifier built from label text, as in CLIP.

Each class name is put into prompt templates ("a photo of a {}."); the text embeddings of a class are
normalised, averaged over templates and normalised again, giving one column of the classifier. An image is
assigned the class whose column has the highest cosine similarity with its embedding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch.nn.functional import normalize

# A short ensemble in the spirit of CLIP's ImageNet prompts, fit for drawings of shapes as well as photos.
DEFAULT_TEMPLATES = (
    "a photo of a {}.",
    "a picture of a {}.",
    "an image of a {}.",
    "a drawing of a {}.",
    "a {} on a background.",
)


def zeroshot_classifier(
    class_names: Sequence[str],
    encode_texts: Callable[[list[str]], torch.Tensor],
    templates: Sequence[str] = DEFAULT_TEMPLATES,
) -> torch.Tensor:
    """(embedding dim x classes) weights; `encode_texts` maps texts to (n x dim) embeddings."""
    if not class_names:
        raise ValueError("no class names given")
    if not templates or any("{}" not in t for t in templates):
        raise ValueError("every template must contain '{}' where the class name goes")
    columns = []
    for name in class_names:
        embeddings = normalize(encode_texts([t.format(name) for t in templates]).float(), dim=-1)
        columns.append(normalize(embeddings.mean(dim=0), dim=-1))
    return torch.stack(columns, dim=1)


def classify(image_features: torch.Tensor, classifier: torch.Tensor) -> torch.Tensor:
    """Index of the predicted class for each (normalised) image embedding."""
    return (image_features.float() @ classifier).argmax(dim=1)


def top1_accuracy(predicted: torch.Tensor, labels: torch.Tensor) -> float:
    """Percent of correct predictions."""
    if len(labels) == 0:
        raise ValueError("no labelled images to score")
    return 100.0 * float((predicted == labels).float().mean())
