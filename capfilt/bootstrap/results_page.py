"""DIR/results.md and the final JSON line of a bootstrapping run, from the steps' recorded summaries."""

from __future__ import annotations

from pathlib import Path

from capfilt.bootstrap.ablation import ARM_TITLES, ARMS
from capfilt.bootstrap.ablation_report import quality_table, results_table, verdict_text

HOW_ARMS_ARE_BUILT = """\
Every arm is built from the same CapFilt run (CapFilt stores every score, kept or not) plus the same human
pairs, and trains a fresh BLIP from scratch with the same preset, batch size, steps and learning rate:
- **No CapFilt**: every crawled image with its raw web text T_w.
- **Filter only**: the images whose T_w the filter kept, with T_w.
- **Captioner only**: every crawled image with T_w and its synthetic caption T_s, none filtered.
- **Captioner + Filter**: CapFilt's curated output: the images with any kept text, trained on the kept
  texts (filtered T_w and T_s).
- **Captioner + stacked filter (ITM and CLIP)**: the same run's T_w and T_s re-decided by a stacked policy
  over the stored ITM and CLIP scores (the shipped demo CLIP; its top-fraction cutoffs over every scored
  text of the run): {policy}."""


def _ingest_lines(ingest: dict) -> list[str]:
    counts = ingest["ingest"]
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(counts["rejects_by_reason"].items()))
    return [
        f"- World: {ingest['world']}; site: {ingest['site']['pages']} pages, {ingest['site']['images']} web "
        f"images plus {ingest['site']['traps']} trap images.",
        f"- Ingest (WARC crawled, images downloaded from 127.0.0.1, pHash threshold "
        f"{ingest['phash_threshold']}): {counts['input_rows']} `<img>` rows -> {counts['pairs']} pairs, "
        f"{counts['rejects']} rejects ({reasons}); {ingest['labelled_pairs']} pairs with ground truth.",
    ]


def _capfilt_lines(capfilt: dict) -> list[str]:
    run, kept = capfilt["capfilt"], capfilt["kept_fraction"]
    return [
        f"- CapFilt: {run['inputs']} inputs -> {run['curated']} curated images; web texts kept "
        f"{100 * kept['web']:.1f}%, synthetic kept {100 * kept['synthetic']:.1f}%; "
        f"{run['rescued_by_captioner']} images kept only through their synthetic caption.",
    ]


def _corpora_table(corpora: dict) -> str:
    lines = [
        "| arm | web images | web texts | images with human | texts with human |",
        "|---|--:|--:|--:|--:|",
    ]
    for arm in ARMS:
        c = corpora[arm]
        lines.append(
            f"| {ARM_TITLES[arm]} | {c['web_images']} | {c['web_texts']} | {c['images']} | {c['texts']} |"
        )
    return "\n".join(lines)


def _stacked_policy_line(corpora: dict) -> str:
    stacked = corpora.get("stacked", {})
    cutoffs = ", ".join(f"{name} = {value:.4f}" for name, value in stacked.get("cutoffs", {}).items())
    return f"`{stacked.get('policy', '–')}`" + (f" (cutoffs: {cutoffs})" if cutoffs else "")


def _per_seed_table(runs: dict) -> str:
    lines = ["| arm | seed | i2t R@1 | i2t R@5 | t2i R@1 | t2i R@5 | caption accuracy | nothing false |"]
    lines.append("|---|--:|--:|--:|--:|--:|--:|--:|")
    for arm in ARMS:
        for r in runs[arm]:
            cells = [r[m] for m in ("i2t_r1", "i2t_r5", "t2i_r1", "t2i_r5", "caption_accuracy")]
            cells.append(r["caption_nothing_false"])
            lines.append(
                f"| {ARM_TITLES[arm]} | {r['seed']} | " + " | ".join(f"{v:.1f}" for v in cells) + " |"
            )
    return "\n".join(lines)


def render(scale, seed: int, summaries: dict, command: str) -> str:
    ingest, pretrain = summaries["1-ingest"], summaries["2-pretrain"]
    capfilt, ablation = summaries["4-capfilt"], summaries["5-ablation"]
    base = pretrain["test"]
    seconds = {name: s.get("seconds") for name, s in summaries.items()}
    return "\n\n".join(
        [
            f"# BLIP bootstrapping on the demo world: scale `{scale.name}`, seed {seed}",
            f"```\n{command}\n```",
            "## The CapFilt ablation (BLIP paper, Table 1)",
            results_table(ablation["summary"], scale.seeds),
            verdict_text(ablation["verdict"], scale.seeds),
            "Caption accuracy: greedy captions of held-out test images by each arm's own pretrained decoder, "
            "graded against ground truth (every object named with the right colour and shape, nothing "
            "false).",
            "## Curation quality against the world's ground truth",
            quality_table(capfilt["quality"]),
            "## The loop",
            "\n".join(
                _ingest_lines(ingest)
                + [
                    f"- Step 2 model (raw web + human, seed {seed}) on test: i2t R@1 {base['i2t_r1']:.1f}, "
                    f"t2i R@1 {base['t2i_r1']:.1f}, caption accuracy {base['caption_accuracy']:.1f}."
                ]
                + _capfilt_lines(capfilt)
            ),
            HOW_ARMS_ARE_BUILT.format(policy=_stacked_policy_line(ablation["corpora"])),
            _corpora_table(ablation["corpora"]),
            "## Every run",
            _per_seed_table(ablation["runs"]),
            "## Settings and time",
            f"Scale: `{scale.as_dict()}`",
            f"Seconds per step (when it ran): `{seconds}`",
        ]
    )


def write_results(workdir: Path, scale, seed: int, summaries: dict, command: str) -> dict:
    """Write DIR/results.md; return the summary the run's final JSON line prints."""
    (workdir / "results.md").write_text(render(scale, seed, summaries, command) + "\n")
    ablation, quality = summaries["5-ablation"], summaries["4-capfilt"]["quality"]
    return {
        "workdir": str(workdir),
        "scale": scale.name,
        "seed": seed,
        "seeds": scale.seeds,
        "arms": ablation["summary"],
        "verdict": ablation["verdict"],
        "stacked": {k: ablation["corpora"]["stacked"][k] for k in ("policy", "cutoffs")},
        "quality": {
            "web_precision": quality["web"]["precision"],
            "web_recall": quality["web"]["recall"],
            "synthetic_kept_correct": quality["synthetic"]["kept_correct_fraction"],
            "noise_ratio": quality["synthetic"]["noise_ratio"],
        },
        "results": str(workdir / "results.md"),
        "step_seconds": {name: s.get("seconds") for name, s in summaries.items()},
    }
