"""Keep-or-drop policies over one image's scored texts: T_w first, then every T_s."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    web_kept: bool
    synthetic_kept: tuple[bool, ...]

    @property
    def image_kept(self) -> bool:
        """BLIP keeps an image when at least one of its texts survives."""
        return self.web_kept or any(self.synthetic_kept)


def paper(web_score: float, synthetic_scores: list[float], threshold: float = 0.5) -> Verdict:
    """BLIP: each text independently kept when its ITM match probability is at least `threshold`."""
    return Verdict(web_score >= threshold, tuple(s >= threshold for s in synthetic_scores))


def topk(web_score: float, synthetic_scores: list[float], k: int = 2) -> Verdict:
    """BLIP-2 / LAION-COCO style: rank T_w and all T_s by score and keep the best k.

    Ties keep the earlier text (T_w before T_s, T_s in generation order), so the verdict is deterministic.
    """
    scores = [web_score, *synthetic_scores]
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    kept = set(ranked[:k])
    return Verdict(0 in kept, tuple(i + 1 in kept for i in range(len(synthetic_scores))))


def decide(policy: str, web_score: float, synthetic_scores: list[float], threshold: float, k: int) -> Verdict:
    if policy == "paper":
        return paper(web_score, synthetic_scores, threshold)
    if policy == "topk":
        return topk(web_score, synthetic_scores, k)
    raise ValueError(f"unknown policy {policy!r}; choose paper or topk")


def describe(policy: str, threshold: float, k: int) -> str:
    """The value of the `policy` column: enough to know how the verdicts were made."""
    return f"paper(itm>={threshold:g})" if policy == "paper" else f"topk(k={k})"
