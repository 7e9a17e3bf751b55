"""After the models: apply the policy and build the `curated` row (every score kept, kept or not)."""

from __future__ import annotations

import hashlib

from capfilt.curate import policy
from capfilt.curate.prepare import Item
from schemas import Reject


def text_scores(item: Item, index: int) -> list[dict]:
    """Text `index`'s (0: T_w) score by every scorer, `itm` first."""
    return [{"scorer": name, "score": scores[index]} for name, scores in item.all_scores().items()]


def curated_row(
    item: Item,
    verdict: policy.Verdict,
    captioner: str,
    filter: str,
    policy_name: str,
    captioners: list[str] | None = None,
) -> dict:
    """`captioner` and `filter` are the models' portable names (capfilt.curate.checkpoints.portable_name);
    `captioners` each --captioner's, when there are several (caption i names captioners[its index])."""
    record = item.record
    data = record["image"]["bytes"]
    web_score, synthetic_scores = item.scores[0], item.scores[1:]
    every_score = [text_scores(item, index) for index in range(len(item.scores))]
    # None when the captioner did not say (an Item built without flags).
    cut = item.synthetic_hit_max_length or [None] * len(item.synthetic)
    writers = [captioners[i] for i in item.synthetic_captioner] if captioners else [captioner] * len(cut)
    synthetic = [
        {
            "text": text,
            "score": score,
            "kept": kept,
            "hit_max_length": hit,
            "captioner": writer,
            "scores": by_scorer,
        }
        for text, score, kept, hit, writer, by_scorer in zip(
            item.synthetic,
            synthetic_scores,
            verdict.synthetic_kept,
            cut,
            writers,
            every_score[1:],
            strict=True,
        )
    ]
    kept_texts = ([item.web_caption] if verdict.web_kept else []) + [
        s["text"] for s in synthetic if s["kept"]
    ]
    return {
        "key": record["key"],
        "url": record.get("url"),
        "page_url": record.get("page_url"),
        "image": {"bytes": data, "path": record["image"].get("path")},
        "width": record.get("width") or item.image.width,
        "height": record.get("height") or item.image.height,
        "sha256": record.get("sha256") or hashlib.sha256(data).hexdigest(),
        "source": record.get("source"),
        "web_caption": item.web_caption,
        "web_score": web_score,
        "web_kept": verdict.web_kept,
        "web_scores": every_score[0],
        "synthetic": synthetic,
        "captions": kept_texts,
        "captioner": captioner,
        "filter": filter,
        "policy": policy_name,
    }


def dropped_reject(row: dict) -> Reject:
    """The rejects row of an image none of whose texts survived (its full row goes to `dropped/`)."""
    scores = ", ".join(f"{s['score']:.3f}" for s in row["synthetic"])
    detail = f"{row['policy']}: web {row['web_score']:.3f}; synthetic [{scores}]"
    return Reject(row["key"], row["url"], "filter", "no_text_kept", detail)


class Curator:
    """Policy + row building with the run's settings bound, so a pipeline step is one call per item.

    `model_names` maps "captioner" and "filter" to the names stored in each row: portable names computed
    once on the launcher (default: the configured paths, as given)."""

    def __init__(self, config, model_names: dict[str, str] | None = None):
        self.config = config
        self.policy_name = policy.describe(config.policy, config.itm_threshold, config.top_k)
        self.policy = policy.Policy(config.policy, config.itm_threshold, config.top_k)
        names = model_names or {"captioner": config.captioner, "filter": config.filter}
        self.captioner_name, self.filter_name = names["captioner"], names["filter"]
        self.captioners = names.get("captioners")

    def __call__(self, item: Item, cutoffs: policy.Cutoffs | None = None) -> tuple[dict, policy.Verdict]:
        """`cutoffs`: the global cutoffs of the policy's top-fraction conditions (capfilt.curate.cutoffs)."""
        verdict = self.policy.decide(item.all_scores(), cutoffs)
        row = curated_row(
            item, verdict, self.captioner_name, self.filter_name, self.policy_name, self.captioners
        )
        return row, verdict
