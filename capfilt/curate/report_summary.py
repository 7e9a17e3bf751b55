"""The head of report.html: the run in a few readable lines, with the full settings folded away.

What is shown by default names no machine-local absolute path (a report is shared): local paths are shown
by their last parts, models by their portable names. The folded settings are stats.json's, paths and all.
"""

from __future__ import annotations

import html
import json
import re

# Replaced by the run's seconds once the pipeline has finished (the page is written inside it).
SECONDS_MARK = "<!--capfilt:seconds-->not measured<!--/capfilt:seconds-->"
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def shown_path(path: str, parts: int = 2) -> str:
    """A path as the report shows it: a URL (gs://, s3://, ...) as given, a local absolute path by its last
    `parts` components ("…/pairs/*.parquet"), a relative one as given."""
    path = path.strip()
    if _URL.match(path) or not (path.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", path)):
        return path
    tail = [p for p in re.split(r"[\\/]", path) if p][-parts:]
    return "…/" + "/".join(tail)


def shown_paths(paths: str) -> str:
    """shown_path for each of comma-separated globs."""
    return ", ".join(shown_path(p) for p in paths.split(",") if p.strip())


def policy_in_words(run: dict) -> str:
    if run.get("policy") == "topk":
        k = run.get("top_k")
        return (
            f"keep the {k} best-scored texts of each image, ranking T<sub>w</sub> and every T<sub>s</sub> "
            "together by ITM match probability (ties keep the earlier text, T<sub>w</sub> first); every "
            "image keeps at least one text"
        )
    if run.get("policy") == "blip2":
        return (
            "BLIP-2's recipe: rank T<sub>w</sub> and every T<sub>s</sub> of each image together by CLIP "
            "image-text similarity (the scorer <code>clip</code>) and keep the best two"
        )
    return (
        f"keep each text whose ITM match probability is at least {run.get('itm_threshold', 0.5):g}, "
        "T<sub>w</sub> and each T<sub>s</sub> on its own; keep an image when at least one of its texts is "
        "kept (BLIP's CapFilt)"
    )


def captioner_in_words(run: dict) -> str:
    count = run.get("num_captions", 1)
    if run.get("decoding") == "greedy":
        decoding = "greedy decoding"
    elif run.get("decoding") == "beam":
        decoding = "beam search (3 beams)"
    else:
        decoding = f"nucleus sampling (top_p {run.get('top_p', 0.9):g})"
    each = " from each captioner" if "," in str(run.get("captioner", "")) else ""
    return (
        f"{decoding}, {count} caption{'s' if count != 1 else ''} per image{each}, "
        f"{run.get('min_length')}-{run.get('max_length')} tokens with the prompt "
        f"“{html.escape(str(run.get('prompt', '')).strip())}”"
    )


def labels_in_words(run: dict) -> str:
    labels = run.get("quality_labels")
    if not labels:
        return ""
    where = html.escape(shown_path(str(labels)))
    if run.get("quality_labels_from") == "demo world":
        return f"the demo world's ground truth ({where}), used automatically with the default corpus"
    return f"--quality_labels {where}"


def _row(name: str, value: str) -> str:
    return f"<tr><th>{name}</th><td>{value}</td></tr>" if value else ""


def run_summary(summary: dict, run: dict) -> str:
    """The readable summary table: input, output, models, policy, ground truth, time."""
    names = run.get("model_names") or {}
    files = run.get("input_files")
    source = html.escape(shown_paths(str(run.get("input") or "")))
    input_line = f"{source}: {files} file{'s' if files != 1 else ''}, {summary['inputs']:,} records"
    output_line = (
        f"{html.escape(shown_path(str(run.get('output', '')), parts=1))}: "
        f"curated/ {summary['curated']:,} images, dropped/ {summary['dropped_no_text_kept']:,} images, "
        f"rejects/ {summary['rejects']:,} rows, stats.json (every setting), this report"
    )
    captioner = html.escape(str(names.get("captioner", shown_path(str(run.get("captioner", ""))))))
    filter_name = html.escape(str(names.get("filter", shown_path(str(run.get("filter", ""))))))
    rows = [
        _row("Input", input_line),
        _row("Output", output_line),
        _row("Captioner", f"<code>{captioner}</code>: writes T<sub>s</sub>; {captioner_in_words(run)}"),
        _row(
            "Filter",
            f"<code>{filter_name}</code>: ITM match probability of T<sub>w</sub> and each T<sub>s</sub>",
        ),
        _row(
            "Policy", f"{policy_in_words(run)} (<code>{html.escape(str(run.get('policy_rule', '')))}</code>)"
        ),
        _row("Ground truth", labels_in_words(run)),
        _row(
            "Engine", html.escape(f"{run.get('engine')}, seed {run.get('seed')}, device {run.get('device')}")
        ),
        _row("Time", f"{SECONDS_MARK}"),
    ]
    return f"<table class='run'>{''.join(rows)}</table>"


def settings_details(run: dict) -> str:
    """Every setting as stats.json records it (full paths included), folded away."""
    shown = {k: v if isinstance(v, str) else json.dumps(v) for k, v in run.items()}
    rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td><code>{html.escape(v)}</code></td></tr>" for k, v in shown.items()
    )
    return (
        "<details class='panel'><summary>All settings (as in stats.json, with full paths)</summary>"
        f"<table>{rows}</table></details>"
    )


def with_seconds(page: str, seconds: float) -> str:
    """The page with the run's time filled in (once the pipeline has finished)."""
    return page.replace(SECONDS_MARK, f"{seconds:.1f} s", 1)
