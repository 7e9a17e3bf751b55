"""The demo world as a website: HTML pages of the web split's images and alt text, robots.txt, WARC/WAT.

`build_site(world_dir, site_dir, base_url)` writes, under site_dir:
- images/<key>.jpg and pages/page-NNNNN.html (`<img src alt>`, some with srcset), index.html;
- robots.txt (disallows /private/);
- urls.parquet (url, caption): the same images as a URL list;
- site.warc.gz (a response record per HTML page, at base_url) and site.wat.gz (Common Crawl's metadata);
- with traps=True, traps.html and traps/...: one `<img>` per failure mode ingest must survive, and
  traps.json, which tells `capfilt.world.site_server` how to misbehave for each path and says where each
  trap must end (stage, reason) under the settings named in its "requires" field.
"""

from __future__ import annotations

import html
import io
import json
import os
import random
import zlib
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image, ImageEnhance
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import schemas

ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
BOMB_SIDE = 30_000
SLOW_SECONDS = 3.0


def _web_pairs(world_dir: str, limit: int | None) -> list[dict]:
    rows = []
    for path in schemas.expand(f"{world_dir.rstrip('/')}/web/*.parquet"):
        for row in schemas.iter_records(path, schemas.PAIRS):
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                return rows
    return rows


def _img(src: str, alt: str | None, srcset: str | None = None) -> str:
    attributes = [f'src="{html.escape(src)}"'] if src is not None else []
    if srcset:
        attributes.append(f'srcset="{html.escape(srcset)}"')
    if alt is not None:
        attributes.append(f'alt="{html.escape(alt)}"')
    return f"<img {' '.join(attributes)}>"


def _page(title: str, body: list[str], head: str = "") -> str:
    lines = "\n".join(f"  <p>{item}</p>" for item in body)
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>{head}</head>\n"
        f"<body>\n<h1>{html.escape(title)}</h1>\n{lines}\n</body></html>\n"
    )


def _png_bomb(side: int) -> bytes:
    """A 1-bit PNG of side x side black pixels: ~100 KB on disk, gigapixels once decoded."""
    raw_row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(raw_row) for _ in range(side)) + compressor.flush()

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return len(payload).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([1, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _noise_jpeg(size: int, seed: int) -> bytes:
    generator = random.Random(seed)
    image = Image.frombytes("RGB", (size, size), generator.randbytes(size * size * 3))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


def _near_copy(data: bytes) -> bytes:
    """The same picture, slightly brighter and re-encoded: other bytes, almost the same perceptual hash."""
    image = ImageEnhance.Brightness(Image.open(io.BytesIO(data)).convert("RGB")).enhance(1.04)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _traps(site: Path, first: dict, second: dict) -> tuple[list[str], list[dict]]:
    """Write the trap files; return the trap page's <img> lines and the traps.json entries."""
    traps_dir = site / "traps"
    traps_dir.mkdir(parents=True, exist_ok=True)
    (site / "private").mkdir(exist_ok=True)
    good = first["image"]["bytes"]
    huge = _noise_jpeg(900, seed=1)
    files = {
        # Noise: unlike any scene of the world, so it cannot be a duplicate of one.
        "traps/wrong-type.jpg": _noise_jpeg(64, seed=2),
        "traps/noai.jpg": good,
        "traps/truncated.jpg": good[: len(good) // 2],
        "traps/page.jpg": _page("not an image", ["this page is served as image/jpeg"]).encode(),
        "traps/bomb.png": _png_bomb(BOMB_SIDE),
        "traps/huge.jpg": huge,
        "traps/copy.jpg": second["image"]["bytes"],
        "traps/near.jpg": _near_copy(second["image"]["bytes"]),
        "private/secret.jpg": good,
    }
    for relative, data in files.items():
        (site / relative).write_bytes(data)
    second_url = f"../images/{second['key']}.jpg"
    entries = [
        # name, src, alt, server behaviour, expected (stage, reason), settings the expectation needs
        ("http_404", "traps/missing.jpg", {}, ("fetch", "http_404")),
        ("http_500", "traps/error.jpg", {"status": 500}, ("fetch", "http_500")),
        (
            "timeout",
            "traps/slow.jpg",
            {"delay": SLOW_SECONDS},
            ("fetch", "timeout"),
            {"timeout": SLOW_SECONDS},
        ),
        ("redirect_loop", "traps/loop-a.jpg", {"redirect": "/traps/loop-b.jpg"}, ("fetch", "redirect_loop")),
        (
            "redirect_to_private",
            "traps/escape.jpg",
            {"redirect": "http://127.0.0.2:{port}/images/" + second["key"] + ".jpg"},
            ("fetch", "blocked_private_address"),
        ),
        ("wrong_content_type", "traps/wrong-type.jpg", {"content_type": "text/plain"}, ("pairs", None)),
        ("truncated_jpeg", "traps/truncated.jpg", {}, ("decode", "truncated_image")),
        ("html_as_image", "traps/page.jpg", {"content_type": "image/jpeg"}, ("decode", "not_an_image")),
        (
            "decompression_bomb",
            "traps/bomb.png",
            {},
            ("decode", "too_many_pixels"),
            {"max_pixels": BOMB_SIDE**2},
        ),
        ("oversized", "traps/huge.jpg", {}, ("fetch", "file_too_large"), {"max_bytes": len(huge)}),
        ("x_robots_tag", "traps/noai.jpg", {"headers": {"X-Robots-Tag": "noai"}}, ("fetch", "x_robots_tag")),
        ("robots_disallow", "private/secret.jpg", {}, ("fetch", "robots_disallowed")),
        ("duplicate_image", "traps/copy.jpg", {}, ("dedup", "duplicate_image")),
        ("near_duplicate", "traps/near.jpg", {}, ("dedup", "near_duplicate")),
        ("unsupported_scheme", "ftp://127.0.0.1/traps/file.jpg", {}, ("fetch", "unsupported_scheme")),
    ]
    lines, manifest = [], []
    for name, src, behaviour, (stage, reason), *requires in entries:
        alt = f"trap {name.replace('_', ' ')}"
        href = src if "://" in src else f"../{src}"
        lines.append(_img(href, alt))
        path = "/" + src if "://" not in src else src
        # "requires": the expectation holds when each named setting is below this value.
        entry = {
            "name": name,
            "path": path,
            "alt": alt,
            "behaviour": behaviour,
            "stage": stage,
            "reason": reason,
        }
        manifest.append(entry | {"requires_below": requires[0] if requires else {}})
    manifest.append(
        {"name": "loop_b", "path": "/traps/loop-b.jpg", "behaviour": {"redirect": "/traps/loop-a.jpg"}}
    )
    # Crawl-level cases: each <img> is an input row even when it cannot become a pair.
    crawl_cases = [
        (
            "data_uri",
            _img("data:image/gif;base64,R0lGODlhAQABAAAAACw=", "trap data uri"),
            ("crawl", "data_uri"),
        ),
        ("missing_alt", _img(second_url, ""), ("crawl", "missing_alt")),
        ("missing_src", _img(None, "trap missing src"), ("crawl", "missing_src")),
        ("caption_too_short", _img("../traps/wrong-type.jpg?short", "a"), ("text", "caption_too_short")),
        ("duplicate_url", _img(second_url, "trap duplicate url"), ("dedup", "duplicate_url")),
        ("duplicate_pair", _img(second_url, second["caption"]), ("dedup", "duplicate_pair")),
    ]
    for name, line, (stage, reason) in crawl_cases:
        lines.append(line)
        manifest.append({"name": name, "stage": stage, "reason": reason, "behaviour": {}})
    return lines, manifest


def _http_payload(body: bytes) -> tuple[StatusAndHeaders, io.BytesIO]:
    headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    return headers, io.BytesIO(body)


def _wat_envelope(page_url: str, body: bytes) -> dict:
    from capfilt.ingest.crawl import parse_html

    root = parse_html(body, "utf-8")
    links = [
        {"path": "IMG@/src", "url": img.get("src"), **({"alt": img.get("alt")} if img.get("alt") else {})}
        for img in root.iter("img")
        if img.get("src")
    ]
    base = next((b.get("href") for b in root.iter("base") if b.get("href")), None)
    head = {"Title": root.findtext(".//title") or ""} | ({"Base": base} if base else {})
    return {
        "Envelope": {
            "WARC-Header-Metadata": {"WARC-Type": "response", "WARC-Target-URI": page_url},
            "Payload-Metadata": {
                "HTTP-Response-Metadata": {
                    "Headers": {"Content-Type": "text/html; charset=utf-8"},
                    "HTML-Metadata": {"Head": head, "Links": links},
                }
            },
        }
    }


def write_archives(site_dir: str, base_url: str, pages: list[str]) -> tuple[str, str]:
    """site.warc.gz (one response per page) and site.wat.gz (its metadata), with URLs under base_url."""
    site = Path(site_dir)
    warc_path, wat_path = site / "site.warc.gz", site / "site.wat.gz"
    date = datetime(2024, 1, 1, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(warc_path, "wb") as warc_file, open(wat_path, "wb") as wat_file:
        warc, wat = WARCWriter(warc_file, gzip=True), WARCWriter(wat_file, gzip=True)
        for relative in pages:
            body = (site / relative).read_bytes()
            url = base_url.rstrip("/") + "/" + relative
            headers, payload = _http_payload(body)
            warc.write_record(
                warc.create_warc_record(
                    url,
                    "response",
                    payload=payload,
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": date},
                )
            )
            metadata = json.dumps(_wat_envelope(url, body)).encode()
            wat.write_record(
                wat.create_warc_record(
                    url,
                    "metadata",
                    payload=io.BytesIO(metadata),
                    warc_content_type="application/json",
                    warc_headers_dict={"WARC-Date": date},
                )
            )
    return str(warc_path), str(wat_path)


def build_site(
    world_dir: str,
    site_dir: str | None = None,
    base_url: str = "http://127.0.0.1:8000/",
    images_per_page: int = 25,
    limit: int | None = None,
    traps: bool = True,
) -> dict:
    """Write the website of a generated world (see the module docstring). Returns a summary."""
    site = Path(site_dir or os.path.join(world_dir, "site"))
    (site / "images").mkdir(parents=True, exist_ok=True)
    (site / "pages").mkdir(exist_ok=True)
    pairs = _web_pairs(world_dir, limit)
    if len(pairs) < 2:
        raise ValueError(f"{world_dir}: the site needs at least 2 web pairs, found {len(pairs)}")
    pages, urls = [], []
    for start in range(0, len(pairs), images_per_page):
        lines = []
        for offset, pair in enumerate(pairs[start : start + images_per_page]):
            name = f"{pair['key']}.jpg"
            (site / "images" / name).write_bytes(pair["image"]["bytes"])
            # Every fifth image offers a srcset; its largest candidate is the image itself.
            srcset = f"../images/{name}?w=32 32w, ../images/{name} 640w" if offset % 5 == 4 else None
            lines.append(
                _img(f"../images/{name}?fallback" if srcset else f"../images/{name}", pair["caption"], srcset)
            )
            urls.append({"url": base_url.rstrip("/") + f"/images/{name}", "caption": pair["caption"]})
        relative = f"pages/page-{start // images_per_page:05d}.html"
        (site / relative).write_text(_page(f"page {start // images_per_page}", lines), encoding="utf-8")
        pages.append(relative)
    manifest = []
    if traps:
        lines, manifest = _traps(site, pairs[0], pairs[1])
        (site / "traps.html").write_text(_page("traps", lines), encoding="utf-8")
        pages.append("traps.html")
    (site / "traps.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    (site / "robots.txt").write_text(ROBOTS_TXT, encoding="utf-8")
    index = [f'<a href="{p}">{p}</a>' for p in pages]
    (site / "index.html").write_text(_page("demo world", index), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist(urls), site / "urls.parquet")
    warc_path, wat_path = write_archives(str(site), base_url, pages)
    return {
        "site": str(site),
        "pages": len(pages),
        "images": len(urls),
        "traps": len(manifest),
        "warc": warc_path,
    }
