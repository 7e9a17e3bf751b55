"""report.html of an ingest run: one self-contained page (inline CSS, base64 thumbnails) that says what came
in, what was kept, and why the rest was rejected, with examples of each reason."""

from __future__ import annotations

import html

from capfilt.report_page import CSS, thumbnail_data_uri

EXTRA_CSS = """
.reasons td.detail{font:12px monospace;color:#5b6475;word-break:break-all;max-width:720px}
details{margin-top:8px}
summary{cursor:pointer;color:#5b6475}
.url{font:11px monospace;color:#7a8293;word-break:break-all}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _cards(stats: dict, kept: str) -> str:
    sizes = stats.get("sizes") or {}
    cards = [
        (stats["input_rows"], "input rows"),
        (stats[kept], f"{kept} kept"),
        (stats["rejects"], "rejects"),
        ("yes" if stats["accounted"] else "NO", "every row accounted for"),
    ]
    if sizes.get("images"):
        cards += [
            (f"{sizes['stored_bytes'] / 1e6:.1f} MB", "images stored"),
            (f"{sizes['mean_stored_bytes'] / 1e3:.1f} kB", "mean image"),
        ]
    return "".join(f'<div class="card"><b>{_e(v)}</b><span>{_e(label)}</span></div>' for v, label in cards)


def _reject_table(stats: dict, examples: dict[str, list[dict]]) -> str:
    if not stats["rejects_by_reason"]:
        return "<p>No rejects.</p>"
    rows = []
    ranked = sorted(stats["rejects_by_reason"].items(), key=lambda item: (-item[1], item[0]))
    for reason, count in ranked:
        shown = examples.get(reason, [])
        example = "<br>".join(_e(r.get("detail") or r.get("url") or r.get("key")) for r in shown)
        rows.append(
            f'<tr><td>{_e(reason)}</td><td class="n">{count}</td><td class="detail">{example}</td></tr>'
        )
    head = "<tr><th>stage/reason</th><th>rows</th><th>examples (detail)</th></tr>"
    return f'<table class="reasons">{head}{"".join(rows)}</table>'


def _sizes_table(stats: dict) -> str:
    sides = (stats.get("sizes") or {}).get("original_short_side") or {}
    if not sides:
        return ""
    rows = "".join(f'<tr><td>{_e(bucket)} px</td><td class="n">{n}</td></tr>' for bucket, n in sides.items())
    resized = stats["sizes"]["resized"]
    return (
        "<h2>Original image sizes (shorter side)</h2><div class='panel'>"
        f"<table><tr><th>shorter side</th><th>images</th></tr>{rows}</table>"
        f"<p>{resized} of {stats['sizes']['images']} images were resized when stored.</p></div>"
    )


def _sample_card(row: dict) -> str:
    image = row.get("image") or {}
    uri = thumbnail_data_uri(image["bytes"]) if image.get("bytes") else ""
    picture = f'<img src="{uri}" alt="">' if uri else ""
    flag = " (boilerplate)" if row.get("caption_boilerplate") else ""
    size = f" · {row['width']}x{row['height']}" if row.get("width") else ""
    return (
        f'<div class="sample">{picture}<div class="body"><div class="key">{_e(row["key"])}{_e(size)}</div>'
        f"<div>{_e(row.get('caption'))}<span class='kind'>{_e(flag)}</span></div>"
        f'<div class="url">{_e(row.get("url"))}</div>'
        f'<div class="url">on {_e(row.get("page_url") or "-")}</div></div></div>'
    )


def render(stats: dict, samples: list[dict], reject_examples: dict[str, list[dict]], run: dict) -> str:
    """The page. `samples`: kept rows (pairs with image bytes, or candidates); `reject_examples`: a few
    rejects rows per "stage/reason"; `run`: the run summary (inputs, output, mode) and its settings."""
    kept = "candidates" if stats.get("mode") == "extract" else "pairs"
    subtitle = f"{run['input_files']} input file(s): {run['input']} → {run['output']} · {run['mode']}"
    settings = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in run["settings"].items())
    grid = "".join(_sample_card(row) for row in sorted(samples, key=lambda row: row["key"]))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Ingest report</title>
<style>{CSS}{EXTRA_CSS}</style></head><body>
<header><h1>Ingest report</h1><p>{_e(subtitle)}</p></header><main>
<div class="cards">{_cards(stats, kept)}</div>
<h2>Rejects by reason</h2><div class="panel">{_reject_table(stats, reject_examples)}</div>
{_sizes_table(stats)}
<h2>Samples ({len(samples)} of {stats[kept]} {kept})</h2>
<div class="grid">{grid or "<p>Nothing was kept.</p>"}</div>
<details><summary>All settings of this run</summary>
<div class="panel"><table>{settings}</table></div></details>
</main></body></html>
"""
