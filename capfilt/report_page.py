"""What both reports (CapFilt's and ingest's report.html) are made of: one style sheet and image thumbnails.

Kept apart from capfilt/curate/report.py so that ingest's report needs neither torch nor the models: ingest's
worker processes import this, and each import of torch costs them seconds at start-up.
"""

from __future__ import annotations

import base64
import io

from capfilt.images import ImageRejected, decode_image

THUMBNAIL = 192

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;
  color:#1d2330}
header{background:#1d2330;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;opacity:.75;font-size:13px;word-break:break-all}
header table.run th{color:#aab2c0;font-weight:600;vertical-align:top;border:0;padding:2px 16px 2px 0}
header table.run td{border:0;padding:2px 0;word-break:break-word}
header code{color:#ffd9a8}
details.panel{margin:16px 0}
details summary{cursor:pointer;font-weight:600}
details td code{word-break:break-all}
p.note{color:#5b6475;margin:8px 0 12px}
.reason{font-size:12px;color:#c8402f;margin:4px 0}
.cut{display:inline-block;margin-left:6px;font-size:10px;font-weight:700;padding:1px 5px;border-radius:4px;
  background:#fff1c2;color:#7a5a00}
main{padding:24px 32px;max-width:1400px;margin:auto}
h2{font-size:17px;margin:28px 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 3px #0002;min-width:140px}
.card b{display:block;font-size:24px}
.card span{color:#5b6475;font-size:12px}
.panel{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px #0002}
table{border-collapse:collapse}
td,th{padding:4px 12px;text-align:left;border-bottom:1px solid #e6e8ec}
th{font-weight:600;color:#5b6475}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;
  vertical-align:-1px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:14px}
.sample{background:#fff;border-radius:8px;overflow:hidden;box-shadow:0 1px 3px #0002;
  border-top:4px solid #2e9d5b}
.sample.dropped{border-top-color:#c8402f}
.sample img{width:100%;height:200px;object-fit:contain;background:#20242c;display:block}
.sample .body{padding:10px 12px}
.sample .key{font:11px monospace;color:#7a8293}
.text{display:flex;gap:8px;align-items:flex-start;margin:6px 0}
.text .badge{flex:none;font-size:10px;font-weight:700;padding:2px 6px;border-radius:4px;color:#fff;
  margin-top:2px}
.kept .badge{background:#2e9d5b}
.drop .badge{background:#c8402f}
.drop .words{color:#7a8293;text-decoration:line-through}
.words{flex:1;word-break:break-word}
.kind{font-size:10px;color:#7a8293;text-transform:uppercase;letter-spacing:.04em}
.score{flex:none;width:64px;font:12px monospace;text-align:right}
.bar{height:4px;background:#e6e8ec;border-radius:2px;margin-top:3px}
.bar i{display:block;height:4px;border-radius:2px}
"""


def thumbnail_data_uri(data: bytes, size: int = THUMBNAIL) -> str:
    """A JPEG thumbnail of what the models saw (upright, on white); "" when it does not decode."""
    try:
        image = decode_image(data, draft_size=(size, size)).image
    except ImageRejected:
        return ""
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
