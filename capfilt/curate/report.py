"""report.html: one self-contained page (inline CSS, SVG and base64 images) that opens with no server."""

from __future__ import annotations

import html

from capfilt.curate import report_scorers, report_summary
from capfilt.curate.rows import dropped_reject
from capfilt.report_page import CSS, thumbnail_data_uri

WEB_COLOUR = "#2f6fdf"
SYNTHETIC_COLOUR = "#e8833a"
CUT_TITLE = "decoding stopped at max_length before the end token, so the caption may be cut mid-phrase"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def histogram_svg(
    web: list[int], synthetic: list[int], threshold: float | None, width=640, height=220
) -> str:
    """Web vs synthetic score distributions (each normalised to its own total) with the threshold marked."""
    left, bottom, top = 40, 28, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    bins = len(web)
    totals = [max(sum(web), 1), max(sum(synthetic), 1)]
    peak = max([w / totals[0] for w in web] + [s / totals[1] for s in synthetic] + [0.01])
    bar_w = plot_w / bins / 2
    parts = [f'<svg viewBox="0 0 {width} {height}" width="100%" style="max-width:{width}px" role="img">']
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * plot_w
        parts.append(
            f'<text x="{x:.1f}" y="{height - 10}" font-size="11" text-anchor="middle">{tick:g}</text>'
        )
    for fraction in (0.5, 1.0):
        y = top + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e6e8ec"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">'
            f"{100 * peak * fraction:.0f}%</text>"
        )
    for i in range(bins):
        for series, (counts, total, colour) in enumerate(
            ((web, totals[0], WEB_COLOUR), (synthetic, totals[1], SYNTHETIC_COLOUR))
        ):
            share = counts[i] / total
            h = plot_h * share / peak
            x = left + i * 2 * bar_w + series * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{"web" if series == 0 else "synthetic"} '
                f"{i / bins:.2f}-{(i + 1) / bins:.2f}: {counts[i]}</title></rect>"
            )
    parts.append(
        f'<line x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#5b6475"/>'
    )
    if threshold is not None:
        x = left + threshold * plot_w
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#c8402f" '
            f'stroke-width="2" '
            f'stroke-dasharray="5 3"/><text x="{x + 4:.1f}" y="{top + 12}" font-size="11" fill="#c8402f">'
            f"threshold {threshold:g}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _text_line(kind: str, text: str, score: float, kept: bool, hit_max_length: bool | None = None) -> str:
    colour = WEB_COLOUR if kind == "web" else SYNTHETIC_COLOUR
    label = "web text T<sub>w</sub>" if kind == "web" else "synthetic caption T<sub>s</sub>"
    cut = (
        f'<span class="cut" title="{CUT_TITLE}">hit max_length: may end mid-phrase</span>'
        if hit_max_length
        else ""
    )
    return (
        f'<div class="text {"kept" if kept else "drop"}">'
        f'<span class="badge">{"KEPT" if kept else "DROP"}</span>'
        f'<div class="words"><div class="kind">{label}</div>{html.escape(text)}{cut}</div>'
        f'<div class="score">{score:.3f}<div class="bar"><i style="width:{100 * score:.0f}%;'
        f'background:{colour}"></i></div></div></div>'
    )


def sample_card(row: dict, image_kept: bool) -> str:
    uri = thumbnail_data_uri(row["image"]["bytes"])
    lines = [_text_line("web", row["web_caption"], row["web_score"], row["web_kept"])]
    lines += [
        _text_line("synthetic", s["text"], s["score"], s["kept"], s.get("hit_max_length"))
        for s in row["synthetic"]
    ]
    image = f'<img src="{uri}" alt="{html.escape(row["key"])}">' if uri else ""
    reason = ""
    if not image_kept:
        reject = dropped_reject(row)
        reason = (
            f'<div class="reason">reject <code>{reject.stage}/{reject.reason}</code>: '
            f"{html.escape(reject.detail)}</div>"
        )
    return (
        f'<div class="sample {"" if image_kept else "dropped"}">{image}<div class="body">'
        f'<div class="key">{html.escape(row["key"])} · image {"kept" if image_kept else "dropped"}</div>'
        f"{reason}{''.join(lines)}</div></div>"
    )


def pick_samples(kept: list, dropped: list, total: int) -> tuple[list, list]:
    """Up to `total` samples, half kept and half dropped images; when one side has too few, the other side
    fills the rest. Each list is taken from its front (the caller's stable order)."""
    half = total // 2
    dropped_n = min(len(dropped), max(total - half, total - len(kept)))
    kept_n = min(len(kept), total - dropped_n)
    return kept[:kept_n], dropped[:dropped_n]


def _table(rows: list[tuple], header: tuple) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i else ""}">{html.escape(str(c))}</td>' for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _gallery(title: str, shown: list[dict], image_kept: bool, total: int, note: str) -> str:
    if not total:
        return f"<h2>{title}</h2><p class='note'>None in this run.</p>"
    cards = "".join(sample_card(row, image_kept) for row in sorted(shown, key=lambda r: r["key"]))
    return (
        f"<h2>{title} ({len(shown)} shown of {total:,})</h2><p class='note'>{note}</p>"
        f'<div class="grid">{cards}</div>'
    )


def render(summary: dict, samples: list[tuple[dict, bool]], run: dict) -> str:
    """The whole page. `samples` are (curated row, image kept) pairs, already picked (pick_samples); `run`
    is stats.json's settings (with `model_names`)."""
    web, synthetic = summary["web"], summary["synthetic"]
    cut, cut_kept = synthetic.get("hit_max_length", 0), synthetic.get("hit_max_length_kept", 0)
    cards = [
        (f"{summary['inputs']:,}", "input records"),
        (f"{summary['curated']:,}", "images kept (curated/)"),
        (f"{summary['rejects']:,}", "rejects (incl. images dropped by the filter)"),
        (_pct(summary["images_kept_fraction"]), "of scored images kept"),
        (_pct(web["kept_fraction"]), "web texts T<sub>w</sub> kept"),
        (_pct(synthetic["kept_fraction"]), "synthetic captions T<sub>s</sub> kept"),
        (f"{summary['rescued_by_captioner']:,}", "images kept only thanks to a T<sub>s</sub>"),
        (f"{cut:,}", f"T<sub>s</sub> that hit max_length ({cut_kept:,} of them kept)"),
    ]
    quality = summary.get("quality")
    if quality:
        cards += [
            (_pct(quality["web_precision"]), "precision: kept T<sub>w</sub> that are correct"),
            (_pct(quality["web_recall"]), "recall: correct T<sub>w</sub> kept"),
        ]
    card_html = "".join(
        f'<div class="card"><b>{html.escape(v)}</b><span>{label}</span></div>' for v, label in cards
    )
    threshold = run.get("itm_threshold") if run.get("policy") == "paper" else None
    histogram = histogram_svg(web["histogram"]["counts"], synthetic["histogram"]["counts"], threshold)
    rejects = _table(sorted(summary["rejects_by_reason"].items()), ("stage/reason", "records"))
    quality_html = ""
    if quality:
        rows = [
            (label, e["kept"], e["dropped"], _pct(e["kept_fraction"]))
            for label, e in quality["by_label"].items()
        ]
        quality_html = (
            "<h2>Web-text verdicts against the ground truth</h2><div class='panel'>"
            f"<p class='note'>Labels: {report_summary.labels_in_words(run)}. Each T<sub>w</sub> is labelled "
            "correct or by the kind of noise it carries.</p>"
            + _table(rows, ("web text label", "kept", "dropped", "kept fraction"))
            + "</div>"
        )
    kept = [row for row, image_kept in samples if image_kept]
    dropped = [row for row, image_kept in samples if not image_kept]
    galleries = _gallery(
        "Kept images",
        kept,
        True,
        summary["curated"],
        "Green: the image is in curated/ with the texts marked KEPT as its captions.",
    ) + _gallery(
        "Dropped images",
        dropped,
        False,
        summary["dropped_no_text_kept"],
        "Red: no text survived the policy; the row is in dropped/ (every score kept) and in rejects/ with "
        "the reason shown.",
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>CapFilt report</title>
<style>{CSS}</style></head><body>
<header><h1>CapFilt report</h1>{report_summary.run_summary(summary, run)}</header><main>
{report_summary.settings_details(run)}
<p class="note"><b>T<sub>w</sub></b> is the web text that came with an image (its alt text or caption);
<b>T<sub>s</sub></b> are the synthetic captions the captioner writes for it. The filter scores each text
against the image (ITM match probability, 0 to 1) and the policy keeps or drops each one.</p>
<div class="cards">{card_html}</div>
<h2>Filter scores: web text T<sub>w</sub> vs synthetic captions T<sub>s</sub></h2>
<div class="panel"><div class="legend">share of texts per score bin
<span style="background:{WEB_COLOUR}"></span>T<sub>w</sub>
({web["scored"]}, mean {web["mean_score"] or 0:.3f})
<span style="background:{SYNTHETIC_COLOUR}"></span>T<sub>s</sub>
({synthetic["scored"]}, mean {synthetic["mean_score"] or 0:.3f})
</div>{histogram}</div>
{report_scorers.section(summary)}
<h2>Rejects</h2><div class="panel">{rejects}</div>
{quality_html}
{galleries}
</main></body></html>
"""
