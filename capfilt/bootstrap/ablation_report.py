"""The CapFilt ablation's results: per-arm means and spreads over seeds, the paper's rows beside them, the
curation's quality, and a plain verdict on whether the paper's ordering reproduces."""

from __future__ import annotations

import statistics

from capfilt.bootstrap.ablation import ARM_TITLES, ARMS, PAPER_ARMS

# BLIP paper, Table 1: 14M pretraining images, ViT-B/16, fine-tuned COCO retrieval (TR@1, IR@1).
PAPER_COCO_R1 = {
    "none": (78.4, 60.7),
    "filter": (79.1, 61.5),
    "captioner": (79.7, 62.0),
    "capfilt": (80.6, 63.1),
}
BOOTSTRAP_FLAGS = {
    "none": ("", ""),
    "filter": ("", "✓"),
    "captioner": ("✓", ""),
    "capfilt": ("✓", "✓"),
    "stacked": ("✓", "✓ + CLIP"),
}
METRICS = ("i2t_r1", "t2i_r1", "caption_accuracy")
# The paper's noise ratio: share of synthetic captions the filter rejects (nucleus sampling).
PAPER_NOISE_RATIO = 0.25


def spread(values: list[float]) -> dict:
    """Mean, sample standard deviation (None for one value), and the values themselves."""
    return {
        "mean": round(statistics.fmean(values), 2),
        "std": round(statistics.stdev(values), 2) if len(values) > 1 else None,
        "values": [round(v, 2) for v in values],
    }


def aggregate(runs: dict[str, list[dict]]) -> dict[str, dict]:
    """{arm: {metric: spread}} from {arm: [metrics of one seed, ...]}."""
    return {
        arm: {m: spread([r[m] for r in results]) for m in METRICS if all(m in r for r in results)}
        for arm, results in runs.items()
    }


def ordering_verdict(summary: dict[str, dict]) -> dict:
    """Does none < filter < captioner < capfilt hold on the means of both R@1s, does CapFilt beat raw web
    text by more than the seeds' spread, and by how much does the stacked arm differ from CapFilt?"""
    present = [a for a in PAPER_ARMS if a in summary]
    verdict: dict = {}
    for metric in ("i2t_r1", "t2i_r1"):
        means = [summary[a][metric]["mean"] for a in present]
        verdict[f"{metric}_ordered"] = all(x < y for x, y in zip(means, means[1:], strict=False))
        verdict[f"{metric}_means"] = list(zip(present, means, strict=True))
        if "none" in summary and "capfilt" in summary:
            gain = summary["capfilt"][metric]["mean"] - summary["none"][metric]["mean"]
            noise = max(summary[a][metric]["std"] or 0.0 for a in ("none", "capfilt"))
            verdict[f"{metric}_capfilt_gain"] = round(gain, 2)
            verdict[f"{metric}_capfilt_gain_exceeds_std"] = gain > noise and noise > 0
    for metric in METRICS:
        if "stacked" in summary and "capfilt" in summary and metric in summary["stacked"]:
            gain = summary["stacked"][metric]["mean"] - summary["capfilt"][metric]["mean"]
            noise = max(summary[a][metric]["std"] or 0.0 for a in ("capfilt", "stacked"))
            verdict[f"{metric}_stacked_gain"] = round(gain, 2)
            verdict[f"{metric}_stacked_gain_exceeds_std"] = abs(gain) > noise and noise > 0
    verdict["paper_ordering_reproduced"] = verdict.get("i2t_r1_ordered", False) and verdict.get(
        "t2i_r1_ordered", False
    )
    return verdict


def _cell(entry: dict | None) -> str:
    if not entry:
        return "–"
    if entry["std"] is None:
        return f"{entry['mean']:.1f}"
    return f"{entry['mean']:.1f} ± {entry['std']:.1f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def results_table(summary: dict[str, dict], seeds: int) -> str:
    lines = [
        "| Pre-train data | Bootstrap C | Bootstrap F | Paper COCO TR@1 | Paper COCO IR@1 "
        "| Ours test i2t R@1 | Ours test t2i R@1 | Ours caption accuracy |",
        "|---|:-:|:-:|--:|--:|--:|--:|--:|",
    ]
    for arm in ARMS:
        if arm not in summary:
            continue
        c, f = BOOTSTRAP_FLAGS[arm]
        tr, ir = PAPER_COCO_R1.get(arm, ("–", "–"))
        cells = [_cell(summary[arm].get(m)) for m in METRICS]
        lines.append(f"| {ARM_TITLES[arm]} | {c} | {f} | {tr} | {ir} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"Ours: mean ± sample standard deviation over {seeds} seed(s), in percent. Paper: 14M images, "
        "ViT-B/16, fine-tuned on COCO (5k test)."
    )
    return "\n".join(lines)


def quality_table(quality: dict) -> str:
    web, syn = quality["web"], quality["synthetic"]
    rows = [
        ("web text correct before filtering (base rate)", _pct(web["correct_fraction_before"]), "–"),
        ("filter precision on web text (kept T_w that are correct)", _pct(web["precision"]), "–"),
        ("filter recall on web text (correct T_w that are kept)", _pct(web["recall"]), "–"),
        ("noisy web text dropped", _pct(web["noisy_dropped_fraction"]), "–"),
        ("synthetic captions correct, all T_s", _pct(syn["correct_fraction"]), "–"),
        ("synthetic captions correct, kept T_s", _pct(syn["kept_correct_fraction"]), "–"),
        ("synthetic captions with nothing false, kept T_s", _pct(syn["kept_true_fraction"]), "–"),
        ("noise ratio (T_s the filter rejects)", _pct(syn["noise_ratio"]), _pct(PAPER_NOISE_RATIO)),
    ]
    lines = ["| measure | ours | paper |", "|---|--:|--:|"]
    lines += [f"| {name} | {ours} | {paper} |" for name, ours, paper in rows]
    lines.append("")
    lines.append(
        f"Over {quality['labelled_images']} crawled images with ground truth "
        f"({quality['unlabelled_images']} without: the site's trap images ingest kept)."
    )
    return "\n".join(lines)


def _judged(seeds: int, exceeds_std: bool) -> str:
    if seeds < 2:
        return "one seed: no spread to compare it with"
    return f"{'larger than' if exceeds_std else 'within'} the seeds' standard deviation"


def verdict_text(verdict: dict, seeds: int) -> str:
    parts = []
    if verdict["paper_ordering_reproduced"]:
        parts.append(
            "**The paper's ordering reproduces**: no CapFilt < filter only < captioner only < captioner + "
            "filter on the mean of both i2t and t2i R@1."
        )
    else:
        parts.append(
            "**The paper's ordering does not reproduce** at this scale: the means do not rise strictly from "
            "no CapFilt to filter only to captioner only to captioner + filter on both R@1s."
        )
    for metric, name in (("i2t_r1", "i2t"), ("t2i_r1", "t2i")):
        means = ", ".join(f"{arm} {mean:.1f}" for arm, mean in verdict[f"{metric}_means"])
        parts.append(f"Means of {name} R@1 in the paper's order: {means}.")
    for metric, name in (("i2t_r1", "i2t"), ("t2i_r1", "t2i")):
        gain = verdict.get(f"{metric}_capfilt_gain")
        if gain is not None:
            judged = _judged(seeds, verdict[f"{metric}_capfilt_gain_exceeds_std"])
            parts.append(f"Captioner + filter vs raw web text, {name} R@1: {gain:+.1f} points ({judged}).")
    stacked_metrics = (("i2t_r1", "i2t R@1"), ("t2i_r1", "t2i R@1"), ("caption_accuracy", "caption accuracy"))
    for metric, name in stacked_metrics:
        gain = verdict.get(f"{metric}_stacked_gain")
        if gain is not None:
            judged = _judged(seeds, verdict[f"{metric}_stacked_gain_exceeds_std"])
            parts.append(f"Stacked filter vs captioner + filter, {name}: {gain:+.1f} points ({judged}).")
    return "\n\n".join(parts)
