"""report.html's "Scorers" section: each scorer's histogram over its stated range, their pairwise
agreement, and sampled texts where two scorers disagree most (stats.json `scorers`, `scorer_agreement`)."""

from __future__ import annotations

import html

BAR_COLOUR = "#5a7d9a"


def scorer_histogram_svg(entry: dict, width: int = 300, height: int = 110) -> str:
    counts = entry["histogram"]["counts"]
    low, high = entry["histogram"]["range"]
    left, bottom, top = 6, 18, 6
    plot_w, plot_h = width - 2 * left, height - bottom - top
    peak, bar_w = max(max(counts), 1), plot_w / len(counts)
    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img">']
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        a, b = low + (high - low) * i / len(counts), low + (high - low) * (i + 1) / len(counts)
        parts.append(
            f'<rect x="{left + i * bar_w:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" '
            f'height="{h:.1f}" fill="{BAR_COLOUR}"><title>{a:.3g} to {b:.3g}: {count}</title></rect>'
        )
    for value, anchor, x in ((low, "start", left), (high, "end", width - left)):
        parts.append(f'<text x="{x}" y="{height - 4}" font-size="10" text-anchor="{anchor}">{value:g}</text>')
    if "threshold" in entry and low <= entry["threshold"][1] <= high:
        op, value = entry["threshold"]
        x = left + plot_w * (value - low) / (high - low)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c8402f" '
            f'stroke-dasharray="4 2"><title>policy {op}{value:g}</title></line>'
        )
    return "".join(parts) + "</svg>"


def _number(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def section(summary: dict) -> str:
    """The section, or "" when the run has only the ITM scorer."""
    scorers = summary.get("scorers") or {}
    if len(scorers) < 2:
        return ""
    cards = "".join(
        f'<div class="panel"><b>{html.escape(name)}</b> · {entry["scored"]:,} texts, mean '
        f"{_number(entry['mean_score'])}{scorer_histogram_svg(entry)}</div>"
        for name, entry in scorers.items()
    )
    rows, samples = [], []
    for pair in summary.get("scorer_agreement", []):
        a, b = (html.escape(name) for name in pair["scorers"])
        agreement = pair.get("threshold_agreement")
        rows.append(
            f"<tr><td>{a} vs {b}</td><td class='n'>{pair['sampled_texts']:,}</td>"
            f"<td class='n'>{_number(pair['spearman'])}</td>"
            f"<td class='n'>{'n/a' if agreement is None else f'{100 * agreement:.1f}%'}</td></tr>"
        )
        for d in pair.get("disagreements", []):
            kind = "T<sub>w</sub>" if d["text_index"] == 0 else f"T<sub>s</sub> {d['text_index']}"
            samples.append(
                f"<li><code>{html.escape(d['key'])}</code> {kind}: “{html.escape(d['text'])}” "
                f"{a} {d['scores'][0]:.3f} (percentile {d['percentiles'][0]:.2f}), "
                f"{b} {d['scores'][1]:.3f} (percentile {d['percentiles'][1]:.2f})</li>"
            )
    table = (
        "<table><tr><th>scorers</th><th>sampled texts</th><th>Spearman rank correlation</th>"
        f"<th>same verdict (both thresholds)</th></tr>{''.join(rows)}</table>"
    )
    return (
        "<h2>Scorers</h2><p class='note'>Every text's score by each scorer over its stated range (the "
        "dashed line: the scorer's threshold in the policy). Agreement is measured on a fixed hash-chosen "
        "sample of texts; the samples below are the texts whose ranks by two scorers differ most.</p>"
        f"<div class='grid'>{cards}</div><div class='panel'>{table}"
        f"<ul>{''.join(samples) or '<li>No disagreement in the sample.</li>'}</ul></div>"
    )
