"""Keep-or-drop policies over one image's scored texts: T_w first, then every T_s.

`paper` and `topk` are the named policies; `Policy` decides any `--policy` rule text (capfilt.curate.
policy_grammar) over any set of scorers, given the global cutoffs of its top-fraction conditions
(capfilt.curate.cutoffs, computed over the whole corpus before any decision).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from capfilt.curate import policy_grammar as grammar


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
    kept = top_k_by([web_score, *synthetic_scores], k)
    return Verdict(kept[0], kept[1:])


def top_k_by(scores: list[float], k: int) -> tuple[bool, ...]:
    """Which of `scores` are among the k highest; ties keep the earlier one. The one ranking every top-k
    policy uses (e.g. BLIP-2's CLIP top 2 of the web text and 10 captions: `top_k_by(clip_scores, 2)`)."""
    ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
    kept = set(ranked[:k])
    return tuple(i in kept for i in range(len(scores)))


def decide(policy: str, web_score: float, synthetic_scores: list[float], threshold: float, k: int) -> Verdict:
    if policy == "paper":
        return paper(web_score, synthetic_scores, threshold)
    if policy == "topk":
        return topk(web_score, synthetic_scores, k)
    raise ValueError(f"unknown policy {policy!r}; choose paper or topk")


def describe(policy: str, threshold: float, k: int) -> str:
    """The value of the `policy` column: enough to know how the verdicts were made."""
    if policy == "paper":
        return f"paper(itm>={threshold:g})"
    if policy == "topk":
        return f"topk(k={k})"
    if policy in grammar.NAMED_POLICIES:
        return f"{policy}({grammar.expand(policy, threshold, k)})"
    return grammar.show_rules(grammar.parse(grammar.expand(policy, threshold, k)))


COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
# Cutoffs of the top-fraction conditions: (scorer, population, percent) -> lowest kept score.
Cutoffs = dict[tuple[str, str, float], float]


class Policy:
    """A `--policy` (a named one expanded) bound to the run: `decide(scores, cutoffs)` per image, where
    `scores` maps each scorer's name to [T_w score, T_s scores...]."""

    def __init__(self, text: str, threshold: float = 0.5, k: int = 2):
        self.text = text
        self.rules = grammar.parse(grammar.expand(text, threshold, k))
        self.fractions = grammar.fractions(self.rules)

    @property
    def scorers(self) -> set[str]:
        return grammar.scorers_named(self.rules)

    def check_scorers(self, available: set[str]) -> None:
        unknown = sorted(self.scorers - available)
        if unknown:
            hint = grammar.NAMED_POLICY_HINTS.get(self.text.strip(), ("add one with --scorer NAME=PATH",))[0]
            raise grammar.PolicyError(
                f"--policy {self.text!r} names scorer(s) {', '.join(unknown)}, but the run has "
                f"{', '.join(sorted(available))} ({hint})"
            )

    def decide(self, scores: dict[str, list[float]], cutoffs: Cutoffs | None = None) -> Verdict:
        count = len(scores["itm"]) if "itm" in scores else len(next(iter(scores.values())))
        web = self._kind(scores, cutoffs or {}, "web", [0])
        synthetic_indices = list(range(1, count))
        synthetic = self._kind(scores, cutoffs or {}, "synthetic", synthetic_indices)
        if any(rule.target == "fallback" for rule in self.rules):
            fallback = self._kind(scores, cutoffs or {}, "fallback", synthetic_indices)
            synthetic = [not web[0] and kept for kept in fallback]
        return Verdict(web[0], tuple(synthetic))

    def _kind(self, scores, cutoffs, kind: str, indices: list[int]) -> list[bool]:
        """AND of the rules naming texts of `kind`; a text no rule names is dropped."""
        verdicts = [self._rule(rule, scores, cutoffs, indices) for rule in self.rules if rule.names(kind)]
        if not verdicts:
            return [False] * len(indices)
        return [all(column) for column in zip(*verdicts, strict=True)]

    def _rule(self, rule, scores, cutoffs, indices: list[int]) -> list[bool]:
        # The texts a rule ranks among: all of the image's (untargeted) or those of its target.
        named = list(range(len(scores["itm"] if "itm" in scores else next(iter(scores.values())))))
        if rule.target is not None:
            named = [0] if rule.target == "web" else named[1:]
        population = {None: "all", "fallback": "synthetic"}.get(rule.target, rule.target)
        verdict = self._expr(rule.expr, scores, cutoffs, named, population)
        return [verdict[named.index(i)] for i in indices]

    def _expr(self, expr, scores, cutoffs, named: list[int], population: str) -> list[bool]:
        if isinstance(expr, grammar.Constant):
            return [expr.keep] * len(named)
        if isinstance(expr, (grammar.AllOf, grammar.AnyOf)):
            parts = [self._expr(p, scores, cutoffs, named, population) for p in expr.parts]
            combine = all if isinstance(expr, grammar.AllOf) else any
            return [combine(column) for column in zip(*parts, strict=True)]
        values = [scores[expr.scorer][i] for i in named]
        if isinstance(expr, grammar.Threshold):
            return [COMPARE[expr.op](v, expr.value) for v in values]
        if isinstance(expr, grammar.TopK):
            return list(top_k_by(values, expr.k))
        cutoff = cutoffs[(expr.scorer, population, expr.percent)]
        return [v >= cutoff for v in values]

    def keeps_everything(self, ranges: dict[str, tuple[float, float]], num_captions: int) -> bool:
        """True when every text passes by construction (thresholds at or beyond the scorer's range, a top k
        of at least the texts ranked, top 100%, `all`): such a policy filters nothing."""
        sizes = {None: 1 + num_captions, "web": 1, "synthetic": num_captions, "fallback": num_captions}

        def always(expr, size: int) -> bool:
            if isinstance(expr, grammar.Constant):
                return expr.keep
            if isinstance(expr, grammar.AllOf):
                return all(always(p, size) for p in expr.parts)
            if isinstance(expr, grammar.AnyOf):
                return any(always(p, size) for p in expr.parts)
            if isinstance(expr, grammar.TopK):
                return expr.k >= size
            if isinstance(expr, grammar.TopFraction):
                return expr.percent >= 100
            low, high = ranges.get(expr.scorer, (float("-inf"), float("inf")))
            return {">=": expr.value <= low, ">": expr.value < low, "<=": expr.value >= high}.get(
                expr.op, expr.value > high
            )

        if any(rule.target == "fallback" for rule in self.rules):
            return False  # the synthetic captions of an image whose web text is kept are dropped
        for kind in ("web", "synthetic"):
            rules = [rule for rule in self.rules if rule.names(kind)]
            if not rules or not all(always(rule.expr, sizes[rule.target]) for rule in rules):
                return False
        return True
