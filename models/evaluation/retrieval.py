"""Image-text retrieval recall R@K in both directions, with several captions per image.

Conventions of the COCO/Flickr protocol (as in ALBEF, BLIP and CLIP's evaluations):
- image -> text: an image counts as found at K when *any* of its captions is among its top K texts;
- text -> image: each caption is a query whose single correct answer is its own image.
Ties are broken by index (a stable sort), so a tie does count as a hit when the relevant item comes first:
a constant similarity over N images gives R@1 = 1/N in both directions (with the same number of captions
per image), not 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

DEFAULT_KS = (1, 5, 10)


def first_hit_rank(similarity: torch.Tensor, relevant: torch.Tensor) -> torch.Tensor:
    """For each query row: the 0-based rank of its best-ranked relevant column."""
    order = torch.sort(similarity, dim=1, descending=True, stable=True).indices
    hits = torch.gather(relevant, 1, order)
    return hits.int().argmax(dim=1)


def retrieval_recall(
    similarity: torch.Tensor,
    text_to_image: torch.Tensor,
    ks: Sequence[int] = DEFAULT_KS,
    t2i_similarity: torch.Tensor | None = None,
) -> dict[str, float]:
    """R@K (percent) for image->text and text->image, and their mean `r_mean`.

    `similarity` is (images x texts); `text_to_image[j]` is the index of the image caption j describes.
    `t2i_similarity` (texts x images) ranks text->image when the two directions have their own scores (ITM
    re-ranking re-scores a different top k per direction); by default `similarity.t()`.
    """
    num_images, num_texts = similarity.shape
    text_to_image = torch.as_tensor(text_to_image, dtype=torch.long)
    if text_to_image.shape != (num_texts,):
        raise ValueError(f"text_to_image has shape {tuple(text_to_image.shape)}, expected ({num_texts},)")
    if num_texts and (int(text_to_image.min()) < 0 or int(text_to_image.max()) >= num_images):
        raise ValueError("text_to_image holds an image index outside the similarity matrix")
    relevant = text_to_image[None, :] == torch.arange(num_images)[:, None]
    captionless = (~relevant.any(dim=1)).nonzero().flatten().tolist()
    if captionless:
        raise ValueError(
            f"images {captionless[:5]} have no caption; image->text recall is undefined for them"
        )
    i2t = first_hit_rank(similarity.float(), relevant)
    t2i_scores = similarity.t() if t2i_similarity is None else t2i_similarity
    if t2i_scores.shape != (num_texts, num_images):
        raise ValueError(
            f"t2i_similarity has shape {tuple(t2i_scores.shape)}, expected ({num_texts}, {num_images})"
        )
    t2i = first_hit_rank(t2i_scores.float(), relevant.t())
    metrics: dict[str, float] = {}
    for name, ranks in (("i2t", i2t), ("t2i", t2i)):
        for k in ks:
            metrics[f"{name}_r{k}"] = 100.0 * float((ranks < k).float().mean())
    metrics["r_mean"] = sum(metrics.values()) / len(metrics)
    return metrics


def rerank_top_k(
    similarity: torch.Tensor,
    k: int,
    pair_scores: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
) -> torch.Tensor:
    """BLIP's re-ranked retrieval scores (queries x candidates) for one direction.

    Each query's top `k` candidates by `similarity` get `pair_scores(query_ids, candidate_ids) + similarity`
    (BLIP `train_retrieval.py`: the ITM head's match logit plus the ITC similarity), and rank above every
    other candidate; those keep their similarity order below them (BLIP fills them with -100, which orders
    them by index instead: the same R@K for K <= k). `k` = 0 returns `similarity` itself.
    """
    if k < 0:
        raise ValueError(f"rerank k must be >= 0, got {k}")
    if k == 0 or similarity.numel() == 0:
        return similarity
    similarity = similarity.float()
    k = min(k, similarity.shape[1])
    top_similarity, top_ids = similarity.topk(k, dim=1)
    queries = torch.arange(similarity.shape[0])[:, None].expand(-1, k)
    top_scores = pair_scores(queries.flatten(), top_ids.flatten()).float().view_as(top_ids) + top_similarity
    # Lift each row's re-scored block above the rest, keeping the order inside both.
    rest = similarity.scatter(1, top_ids, float("-inf")).amax(dim=1, keepdim=True)
    rest = torch.where(torch.isfinite(rest), rest, torch.zeros_like(rest))
    lift = (rest - top_scores.amin(dim=1, keepdim=True)).clamp(min=0) + 1.0
    return similarity.scatter(1, top_ids, top_scores + lift)
